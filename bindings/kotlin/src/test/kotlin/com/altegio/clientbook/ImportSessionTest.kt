package com.altegio.clientbook

import com.altegio.clientbook.core.ContactStatus
import com.altegio.clientbook.core.ContactsPermission
import com.altegio.clientbook.core.PhoneLabel
import com.altegio.clientbook.core.ProgressStage
import com.altegio.clientbook.core.Right
import java.util.Collections
import java.util.concurrent.CountDownLatch
import java.util.concurrent.Executors
import java.util.concurrent.TimeUnit
import java.util.concurrent.atomic.AtomicBoolean
import kotlin.test.Test
import kotlin.test.assertEquals
import kotlin.test.assertFailsWith
import kotlin.test.assertFalse
import kotlin.test.assertTrue

class ImportSessionTest {
    private fun session(db: ClientDatabase, contacts: List<com.altegio.clientbook.core.PhonebookContact>, batch: UInt = 500u) =
        ImportSession(db, contacts, fullRights(), Fixtures.granted, Fixtures.settings.copy(batchSize = batch), null)

    @Test
    fun `full import of the sample phonebook, then nothing the second time`() {
        val contacts = Fixtures.samplePhonebook()
        assertTrue(contacts.size >= 200)
        ClientDatabase.inMemory().use { db ->
            val importable = session(db, contacts).use { s ->
                val summary = s.summary()
                assertEquals(contacts.size.toULong(), summary.total)
                assertTrue(summary.noPhone > 0u && summary.invalidPhone > 0u && summary.duplicateInPhonebook > 0u)
                val selected = s.selectAll()
                assertEquals(summary.new + summary.needsChoice, selected)
                val report = s.commit(null)
                assertEquals(selected, report.created.size.toULong())
                assertFalse(report.cancelled)
                // The session now shows them as clients.
                assertEquals(selected, s.summary().existingClient)
                selected
            }
            assertEquals(importable, db.clientCount())
            session(db, contacts).use { again ->
                assertEquals(0uL, again.selectAll())
                assertTrue(again.commit(null).created.isEmpty())
            }
            assertEquals(importable, db.clientCount())
        }
    }

    @Test
    fun `select all on 20,000 contacts and page through them`() {
        val contacts = Fixtures.generated(20_000)
        ClientDatabase.inMemory().use { db ->
            session(db, contacts).use { s ->
                assertEquals(20_000uL, s.rowCount())
                assertEquals(20_000uL, s.selectAll())
                assertEquals(20_000uL, s.summary().selected)
                val page = s.rows(19_990u, 50u)
                assertEquals(10, page.size)
                assertEquals(19_990uL, page.first().index)
                assertTrue(page.all { it.selected && it.status == ContactStatus.NEW })
                assertEquals(listOf(12_345uL), s.filter("Client12345"))
                assertEquals(20_000uL, s.commit(null).created.size.toULong())
            }
            assertEquals(20_000uL, db.clientCount())
        }
    }

    @Test
    fun `choose which number to import`() {
        val anna = Fixtures.contact(
            "a1", "Анна",
            "+7 495 123-45-67 доб. 123" to PhoneLabel.WORK,
            "8 916 123-45-67" to PhoneLabel.MOBILE,
            "+7 (916) 123-45-67" to PhoneLabel.HOME,
            family = "Иванова",
        )
        ClientDatabase.inMemory().use { db ->
            session(db, listOf(anna)).use { s ->
                val row = s.rows(0u, 1u).single()
                assertEquals(ContactStatus.NEEDS_CHOICE, row.status)
                assertEquals(2, row.phones.size, "same number in two spellings collapses")
                assertEquals(1u, row.chosenPhone, "mobile is the default")
                val bad = assertFailsWith<ClientbookException.BadInput> { s.chooseNumber(0u, 7u) }
                assertTrue(bad.reason.contains("does not exist"))
                s.chooseNumber(0u, 0u)
                assertEquals(ContactStatus.NEW, s.rows(0u, 1u).single().status)
                assertTrue(s.toggle(0u))
                s.commit(null)
            }
            val client = db.clients(fullRights()).single()
            assertEquals("+74951234567", client.phone)
            assertEquals("123", client.phoneExtension)
            assertEquals("Анна", client.name)
            assertEquals("Иванова", client.surname)
        }
    }

    @Test
    fun `progress callbacks arrive in order, one per batch`() {
        val events = Collections.synchronizedList(mutableListOf<Triple<ProgressStage, ULong, ULong>>())
        val listener = object : ImportProgress {
            override fun onProgress(stage: ProgressStage, done: ULong, total: ULong) {
                events.add(Triple(stage, done, total))
            }
        }
        ClientDatabase.inMemory().use { db ->
            ImportSession(db, Fixtures.generated(2_500), fullRights(), Fixtures.granted, Fixtures.settings.copy(batchSize = 1000u), listener).use { s ->
                val matching = events.filter { it.first == ProgressStage.MATCHING }.map { it.second }
                assertEquals(listOf(1000uL, 2000uL, 2500uL), matching)
                events.clear()
                s.selectAll()
                s.commit(listener)
            }
        }
        assertEquals(
            listOf(0uL, 1000uL, 2000uL, 2500uL),
            events.map { it.second },
        )
        assertTrue(events.all { it.first == ProgressStage.IMPORTING && it.third == 2_500uL })
    }

    @Test
    fun `cancel mid-commit, then resume without duplicates`() {
        val contacts = Fixtures.generated(3_000)
        ClientDatabase.inMemory().use { db ->
            session(db, contacts, batch = 500u).use { s ->
                s.selectAll()
                val cancel = CancelHandle()
                val cancelAfterFirstBatch = object : ImportProgress {
                    override fun onProgress(stage: ProgressStage, done: ULong, total: ULong) {
                        if (done >= 500uL) cancel.cancel()
                    }
                }
                val first = s.commit(cancelAfterFirstBatch, cancel)
                assertTrue(first.cancelled)
                assertEquals(500, first.created.size)
                assertEquals(500uL, db.clientCount())
                assertEquals(2_500uL, s.summary().selected, "what was written left the selection")
                val rest = s.commit(null)
                assertFalse(rest.cancelled)
                assertEquals(2_500, rest.created.size)
                assertEquals(0, rest.alreadyThere.size)
            }
            assertEquals(3_000uL, db.clientCount())
            // A fresh session over the same phonebook finds every contact already a client.
            session(db, contacts).use { assertEquals(3_000uL, it.summary().existingClient) }
        }
    }

    @Test
    fun `an exception in the progress listener becomes a typed error and keeps written batches`() {
        ClientDatabase.inMemory().use { db ->
            session(db, Fixtures.generated(1_000), batch = 250u).use { s ->
                s.selectAll()
                val failing = object : ImportProgress {
                    override fun onProgress(stage: ProgressStage, done: ULong, total: ULong) {
                        if (done == 250uL) throw IllegalStateException("screen went away")
                    }
                }
                val e = assertFailsWith<ClientbookException.Platform> { s.commit(failing) }
                assertTrue(e.reason.contains("callback"), e.reason)
                assertEquals(250uL, db.clientCount())
                assertEquals(750, s.commit(null).created.size)
            }
            assertEquals(1_000uL, db.clientCount())
        }
    }

    @Test
    fun `two threads share one session`() {
        val contacts = Fixtures.generated(10_000)
        ClientDatabase.inMemory().use { db ->
            session(db, contacts, batch = 200u).use { s ->
                s.selectAll()
                val pool = Executors.newFixedThreadPool(2)
                val started = CountDownLatch(1)
                val committing = AtomicBoolean(true)
                val commit = pool.submit<Int> {
                    started.countDown()
                    try { s.commit(null).created.size } finally { committing.set(false) }
                }
                val reader = pool.submit<Int> {
                    started.await()
                    var reads = 0
                    while (committing.get() || reads < 10) {
                        val page = s.rows((reads * 37 % 9_000).toULong(), 100u)
                        check(page.size == 100) { "page size ${page.size}" }
                        val sum = s.summary()
                        check(sum.total == 10_000uL)
                        reads++
                    }
                    reads
                }
                assertEquals(10_000, commit.get(60, TimeUnit.SECONDS))
                assertTrue(reader.get(60, TimeUnit.SECONDS) >= 10)
                pool.shutdown()
                assertEquals(10_000uL, s.summary().existingClient)
            }
            assertEquals(10_000uL, db.clientCount())
        }
    }

    @Test
    fun `no session without the import right or contacts permission`() {
        ClientDatabase.inMemory().use { db ->
            val e = assertFailsWith<ClientbookException.MissingRights> {
                ImportSession(db, Fixtures.generated(3), noRights(), Fixtures.granted, Fixtures.settings, null)
            }
            assertEquals(listOf(Right.CLIENT_DATABASE_ACCESS), e.rights)
            assertTrue(e.explanation.contains("Settings > System settings > Users"))
            for (state in listOf(ContactsPermission.ANDROID_DENIED, ContactsPermission.IOS_RESTRICTED, ContactsPermission.IOS_NOT_DETERMINED)) {
                assertFailsWith<ClientbookException.ContactsPermissionNotGranted> {
                    ImportSession(db, Fixtures.generated(3), fullRights(), state, Fixtures.settings, null)
                }
            }
            ImportSession(db, Fixtures.generated(3), fullRights(), ContactsPermission.IOS_LIMITED, Fixtures.settings, null).close()
        }
    }

    @Test
    fun `closed objects refuse further use`() {
        val db = ClientDatabase.inMemory()
        val s = session(db, Fixtures.generated(5))
        s.use { assertEquals(5uL, it.rowCount()) }
        assertFailsWith<IllegalStateException> { s.rowCount() }
        db.close()
        assertFailsWith<IllegalStateException> { db.clientCount() }
    }
}
