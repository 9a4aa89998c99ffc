package com.altegio.clientbook.android.ui

import com.altegio.clientbook.ClientDatabase
import com.altegio.clientbook.ExportScreen as CoreExportScreen
import com.altegio.clientbook.ImportScreen as CoreImportScreen
import com.altegio.clientbook.LocationSettings
import com.altegio.clientbook.core.ContactsPermission
import com.altegio.clientbook.core.PhonebookContact
import com.altegio.clientbook.core.ScreenPhase
import com.altegio.clientbook.fullRights
import org.junit.jupiter.api.Assertions.assertEquals
import org.junit.jupiter.api.Assertions.assertFalse
import org.junit.jupiter.api.Assertions.assertTrue
import org.junit.jupiter.api.Test

/**
 * Taps on the rendered export screen against the real core: select all, export (written in
 * batches like the Android writer), the result, and a second export that finds every client
 * already on the phone and offers nothing to export.
 */
class ExportClickTest {
    private val labels = XmlLabels.russian

    @Test
    fun selectAllThenExportWritesEveryClientOnce() {
        val db = ClientDatabase.inMemory()
        CoreImportScreen.local(db, fullRights(), LocationSettings(), null).apply {
            permissionChanged(ContactsPermission.ANDROID_GRANTED)
            contactsRead(samplePhonebook(1_000))
            selectAll()
            check(commit().phase == ScreenPhase.RESULT)
        }
        val clients = db.clientCount()
        val phonebook = LinkedHashMap<Long, String>()

        val host = ExportHost(CoreExportScreen.local(db, fullRights(), LocationSettings(), null), phonebook)
        host.show(host.screen.permissionChanged(ContactsPermission.ANDROID_GRANTED))
        host.show(host.screen.contactsRead(emptyList()))
        assertEquals(ScreenPhase.LIST, host.state.phase)
        Scene(Size.NARROW, dark = false) { ExportScreen(host.state, host.rows, labels, host) }.use { scene ->
            scene.frame()
            assertTrue(scene.has(labels[Label.EXPORT_SELECTED, "0"]), scene.allTexts().toString())
            scene.clickOn(labels[Label.SELECT_ALL])
            assertEquals(clients, host.state.selected)
            val button = labels[Label.EXPORT_SELECTED, labels.count(clients)]
            assertTrue(scene.has(button), scene.allTexts().toString())
            scene.clickOn(button)
            assertEquals(ScreenPhase.RESULT, host.state.phase)
            assertEquals(clients.toInt(), phonebook.size)
            assertTrue(
                scene.has(labels[Label.EXPORT_RESULT_WRITTEN, labels.count(clients), labels[Label.EXPORT_GROUP_NAME]]),
                scene.allTexts().toString(),
            )
            assertTrue(scene.has(labels[Label.EXPORT_RESULT_ALREADY, "0"]), scene.allTexts().toString())
        }

        // The phone now holds them all: the list marks each one, nothing can be exported.
        val again = ExportHost(CoreExportScreen.local(db, fullRights(), LocationSettings(), null))
        again.show(again.screen.permissionChanged(ContactsPermission.ANDROID_GRANTED))
        again.show(
            again.screen.contactsRead(
                phonebook.values.map { id -> PhonebookContact(id, "Имя", null, null, "Имя", null, null, emptyList(), emptyList()) },
            ),
        )
        Scene(Size.PHONE, dark = true) { ExportScreen(again.state, again.rows, labels, again) }.use { scene ->
            scene.frame()
            assertEquals(0uL, again.state.exportable)
            assertTrue(scene.has(labels[Label.STATUS_ON_PHONE]), scene.allTexts().toString())
            scene.clickOn(labels[Label.EXPORT_SELECTED, "0"])
            assertFalse(again.calls.contains("export"), "a disabled button must not export")
        }
    }
}
