package com.altegio.clientbook

import com.altegio.clientbook.core.ExportStatus
import com.altegio.clientbook.core.PermissionAction
import com.altegio.clientbook.core.ContactsPermission
import com.altegio.clientbook.core.PhoneLabel
import com.altegio.clientbook.core.Right
import kotlin.test.Test
import kotlin.test.assertEquals
import kotlin.test.assertFailsWith
import kotlin.test.assertTrue

class ExportSessionTest {
    private fun seeded(db: ClientDatabase, count: Int) {
        ImportSession(db, Fixtures.generated(count), fullRights(), Fixtures.granted, Fixtures.settings, null).use {
            it.selectAll()
            it.commit(null)
        }
    }

    @Test
    fun `export writes structured contacts and nothing new the second time`() {
        ClientDatabase.inMemory().use { db ->
            seeded(db, 50)
            // The device already has client 0's number, spelled its own way.
            val onDevice = listOf(Fixtures.contact("dev-1", "Someone", "8 916 000-00-00" to PhoneLabel.MOBILE))
            val written = ExportSession(db, onDevice, fullRights(), Fixtures.granted, Fixtures.settings).use { s ->
                assertEquals(1uL, s.summary().inPhonebook)
                assertEquals(49uL, s.selectAll())
                val toWrite = s.contactsToWrite()
                assertEquals(49, toWrite.size)
                val first = toWrite.first().contact
                assertEquals("Client1", first.givenName)
                assertEquals("Family1", first.familyName)
                assertEquals("+79160000001", first.phones.single().number)
                // The shell writes them and reports the ids the platform gave.
                val ids = toWrite.map { WrittenContact(it.clientId, "dev-new-${it.clientId}") }
                s.confirmWritten(ids)
                assertTrue(s.contactsToWrite().isEmpty())
                ids
            }
            // Next time the device has those contacts (the phone may have reformatted the numbers).
            val device = onDevice + written.map { Fixtures.contact(it.platformId, "x") }
            ExportSession(db, device, fullRights(), Fixtures.granted, Fixtures.settings).use { again ->
                assertEquals(0uL, again.selectAll())
                assertEquals(50uL, again.summary().inPhonebook)
                assertTrue(again.rows(0u, 100u).all { it.status == ExportStatus.IN_PHONEBOOK })
            }
        }
    }

    @Test
    fun `export without the rights names each missing one`() {
        ClientDatabase.inMemory().use { db ->
            seeded(db, 3)
            val e = assertFailsWith<ClientbookException.MissingRights> {
                ExportSession(db, emptyList(), Fixtures.rights(phonesEmail = false, visitMasterId = 17), Fixtures.granted, Fixtures.settings)
            }
            assertEquals(listOf(Right.SHOW_PHONES_AND_EMAILS, Right.SHOW_CLIENTS_OF_ALL_EMPLOYEES), e.rights)
            assertTrue(e.explanation.contains("\"Show phone numbers and emails in the list of clients\""), e.explanation)
            assertTrue(e.explanation.contains("\"Show clients of all employees\""), e.explanation)
            assertTrue(e.explanation.contains("Settings > System settings > Users"), e.explanation)
            val onlyExcel = assertFailsWith<ClientbookException.MissingRights> {
                checkRights(Fixtures.rights(excel = false), com.altegio.clientbook.core.Action.EXPORT)
            }
            assertEquals(listOf(Right.DOWNLOAD_CLIENT_LIST), onlyExcel.rights)
            // Without the phones right the client list is masked.
            val masked = db.clients(Fixtures.rights(phonesEmail = false)).first()
            assertTrue(masked.phone.contains("*"), masked.phone)
        }
    }

    @Test
    fun `permission advice tells the screen what to do`() {
        assertEquals(PermissionAction.OPEN_SETTINGS, contactsPermissionAdvice(ContactsPermission.ANDROID_PERMANENTLY_DENIED).action)
        assertEquals(PermissionAction.PROCEED_LIMITED, contactsPermissionAdvice(ContactsPermission.IOS_LIMITED).action)
        assertEquals(PermissionAction.UNAVAILABLE, contactsPermissionAdvice(ContactsPermission.IOS_RESTRICTED).action)
        val rights = rightsFromPermissionsJson("""{"clients_access":1,"clients_phones_email_access":1,"excel_access":1,"get_visit_master_id":0,"clients_delete_access":1,"clients_edit_access":1}""")
        assertEquals(fullRights(), rights)
        assertEquals("+78005553535", normalizePhone("8-800-555-35-35", "RU").e164)
    }
}
