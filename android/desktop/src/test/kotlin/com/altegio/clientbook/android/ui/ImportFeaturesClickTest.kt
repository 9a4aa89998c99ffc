package com.altegio.clientbook.android.ui

import androidx.compose.ui.semantics.SemanticsNode
import androidx.compose.ui.semantics.SemanticsProperties
import androidx.compose.ui.semantics.getOrNull
import androidx.compose.ui.state.ToggleableState
import com.altegio.clientbook.ClientDatabase
import com.altegio.clientbook.ImportScreen as CoreImportScreen
import com.altegio.clientbook.LocationSettings
import com.altegio.clientbook.core.ContactsPermission
import com.altegio.clientbook.core.Message
import com.altegio.clientbook.core.PhonebookContact
import com.altegio.clientbook.core.Rights
import com.altegio.clientbook.core.ScreenPhase
import com.altegio.clientbook.fullRights
import org.junit.jupiter.api.Assertions.assertEquals
import org.junit.jupiter.api.Assertions.assertFalse
import org.junit.jupiter.api.Assertions.assertNotNull
import org.junit.jupiter.api.Assertions.assertNull
import org.junit.jupiter.api.Assertions.assertTrue
import org.junit.jupiter.api.Test

/**
 * Taps on issue 13's controls, through pointer events, against the real core over an
 * in-memory client base: Select suggested, fill-in (a row, then all), Undo import with its
 * confirmation (cancelled, confirmed, refused), the history and its Undo, the category switch,
 * and Cancel while an undo runs.
 */
class ImportFeaturesClickTest {
    private val labels = XmlLabels.english

    private fun openList(
        db: ClientDatabase,
        contacts: List<PhonebookContact>,
        settings: LocationSettings = LocationSettings(),
        rights: Rights = fullRights(),
    ): ImportHost {
        val screen = CoreImportScreen.local(db, rights, settings, null)
        val host = ImportHost(screen)
        host.show(screen.permissionChanged(ContactsPermission.ANDROID_GRANTED))
        host.show(screen.contactsRead(contacts))
        assertEquals(ScreenPhase.LIST, host.state.phase)
        return host
    }

    /** The clients of [contacts], imported by a screen of their own. */
    private fun imported(db: ClientDatabase, contacts: List<PhonebookContact>, rights: Rights = fullRights()): ImportHost {
        val host = openList(db, contacts, rights = rights)
        host.selectAll()
        host.importSelected()
        assertEquals(ScreenPhase.RESULT, host.state.phase)
        host.calls.clear()
        return host
    }

    private fun scene(host: ImportHost, size: Size = Size.PHONE) =
        Scene(size, dark = false) { ImportScreen(host.state, host.rows, labels, host, history = host.history) }

    /** The checkbox on the row of [name]: the toggleable left of it, level with its first line. */
    private fun Scene.checkboxOf(name: String): SemanticsNode {
        val nameNode = find { it.texts().contains(name) } ?: error("no row $name; on screen: ${allTexts()}")
        return findAll { it.config.getOrNull(SemanticsProperties.ToggleableState) != null }.firstOrNull { b ->
            b.boundsInWindow.top <= nameNode.boundsInWindow.bottom && b.boundsInWindow.bottom >= nameNode.boundsInWindow.top &&
                b.boundsInWindow.right <= nameNode.boundsInWindow.left
        } ?: error("no checkbox beside $name")
    }

    private fun Scene.tick(name: String) = checkboxOf(name).config.getOrNull(SemanticsProperties.ToggleableState)

    @Test
    fun selectSuggestedLeavesOutWhatTheCoreSaysAndALeftOutRowCanStillBeTicked() {
        val settings = LocationSettings(locationNumbers = listOf(SALON_NUMBER), staffNumbers = listOf(STAFF_NUMBER))
        val host = openList(ClientDatabase.inMemory(), suggestionPhonebook(), settings)
        scene(host, Size.NARROW).use { scene ->
            scene.frame()
            assertEquals(4uL, host.state.suggested)
            assertTrue(scene.has(labels[Label.NOT_SUGGESTED]), scene.allTexts().toString())
            assertTrue(scene.has("Toll-free service number"), "the row says why, in the core's words: ${scene.allTexts()}")

            scene.clickOn(labels[Label.SELECT_SUGGESTED, "4"])
            assertEquals(listOf("selectSuggested"), host.calls)
            assertEquals(4uL, host.state.selected)
            assertEquals(ToggleableState.On, scene.tick("Анна Иванова"))
            assertEquals(ToggleableState.Off, scene.tick("Служба доставки"))
            assertTrue(scene.has(labels[Label.IMPORT_SELECTED, "4"]))

            scene.click(scene.checkboxOf("Служба доставки").boundsInWindow.center)
            assertEquals("toggle", host.calls.last())
            assertEquals(5uL, host.state.selected)
            assertEquals(ToggleableState.On, scene.tick("Служба доставки"))
        }
    }

    @Test
    fun fillInOneRowThenAllAndImportOnlyTheEmailsAndBirthdays() {
        val db = ClientDatabase.inMemory()
        imported(db, fillInPhonebook(withEmails = false))
        val host = openList(db, fillInPhonebook(withEmails = true))
        // Anna and Evgenia an email, Vera an email and a birthday, Darya a birthday.
        assertEquals(4uL, host.state.fillInOffered)
        scene(host).use { scene ->
            scene.frame()
            assertTrue(scene.has(labels[Label.IMPORT_SELECTED, "0"]), "nothing ticked yet: ${scene.allTexts()}")

            scene.clickOn(labels.message(Message.FillInEmail("anna.sokolova@example.com")))
            assertEquals(listOf("setFillIn"), host.calls)
            assertEquals(1uL, host.state.fillInSelected)
            assertTrue(scene.has(labels[Label.IMPORT_AND_FILL, "0", "1"]), scene.allTexts().toString())

            // The core words each offer: a birthday alone, or with the email.
            assertTrue(scene.has(host.screen.rows(0u, 20u).first { it.fillInBirthday != null && it.fillInEmail == null }.fillInText!!))
            scene.clickOn(labels[Label.FILL_IN_ALL, "1", "4"])
            assertEquals("fillInAll", host.calls.last())
            assertEquals(4uL, host.state.fillInSelected)

            scene.clickOn(labels[Label.IMPORT_AND_FILL, "0", "4"])
            assertEquals(ScreenPhase.RESULT, host.state.phase)
            assertTrue(scene.has(labels[Label.RESULT_FILLED, "4"]), scene.allTexts().toString())
        }
        val emails = db.clients(fullRights()).mapNotNull { it.email }.toSet()
        assertEquals(setOf("anna.sokolova@example.com", "vera@example.com", "evgenia.novikova@example.com"), emails)
    }

    @Test
    fun undoImportAsksFirstThenDeletesAndShowsWhatItDid() {
        val db = ClientDatabase.inMemory()
        val host = imported(db, fillInPhonebook(withEmails = false))
        assertEquals(8uL, db.clientCount())
        scene(host).use { scene ->
            scene.frame()
            val question = labels.message(Message.UndoConfirm(8uL))
            scene.clickOn(labels[Label.UNDO_IMPORT])
            assertTrue(scene.has(question), "the confirmation names the count: ${scene.allTexts()}")
            scene.clickOn(labels[Label.CANCEL])
            assertFalse(scene.has(question), "the dialog closed")
            assertTrue(host.calls.isEmpty(), "cancelled: nothing sent to the core: ${host.calls}")
            assertEquals(8uL, db.clientCount())

            scene.clickOn(labels[Label.UNDO_IMPORT])
            scene.clickOn(labels[Label.UNDO_DELETE])
            assertEquals(listOf("undo"), host.calls)
            assertEquals(0uL, db.clientCount())
            assertTrue(scene.has(labels[Label.UNDO_RESULT_TITLE]), scene.allTexts().toString())
            assertTrue(scene.has(labels.message(Message.UndoDone(8uL, 0uL))), scene.allTexts().toString())
            assertFalse(scene.has(labels[Label.UNDO_IMPORT]), "undone once, not offered again")
            assertFalse(scene.has(labels[Label.BACK_TO_LIST]), "the list would show deleted clients")
            assertTrue(scene.has(labels[Label.RELOAD_LIST]))
        }
    }

    @Test
    fun undoWithoutTheDeleteRightShowsTheCoresMessage() {
        val db = ClientDatabase.inMemory()
        val host = imported(db, fillInPhonebook(withEmails = false).take(3), rights = fullRights().copy(clientsDeleteAccess = false))
        scene(host, Size.NARROW).use { scene ->
            scene.frame()
            scene.clickOn(labels[Label.UNDO_IMPORT])
            scene.clickOn(labels[Label.UNDO_DELETE])
            assertEquals(listOf("undo"), host.calls)
            val message = host.state.message
            assertNotNull(message)
            assertTrue(scene.has(message!!), "the refusal is shown: ${scene.allTexts()}")
            assertEquals(3uL, db.clientCount())
            assertFalse(scene.has(labels[Label.UNDO_IMPORT]), "refused for a missing right: not offered again")
        }
    }

    @Test
    fun historyListsTheImportsAndUndoesOneAfterConfirming() {
        val db = ClientDatabase.inMemory()
        imported(db, fillInPhonebook(withEmails = false).take(3))
        val host = imported(db, fillInPhonebook(withEmails = false).drop(3))
        scene(host).use { scene ->
            scene.frame()
            scene.clickOn(labels[Label.HISTORY])
            assertEquals(listOf("showHistory"), host.calls)
            val older = labels[Label.HISTORY_COUNTS, "3", "0"]
            assertTrue(scene.has(labels[Label.HISTORY_COUNTS, "5", "0"]), scene.allTexts().toString())
            assertTrue(scene.has(older), scene.allTexts().toString())

            // Undo on the older import (the second button): its own count is confirmed.
            val undoButtons = scene.findAll { it.texts().contains(labels[Label.HISTORY_UNDO]) }
                .sortedBy { it.boundsInWindow.top }
            assertEquals(2, undoButtons.size)
            scene.click(undoButtons[1].boundsInWindow.center)
            assertTrue(scene.has(labels.message(Message.UndoConfirm(3uL))), scene.allTexts().toString())
            scene.clickOn(labels[Label.UNDO_DELETE])
            assertEquals(listOf("showHistory", "hideHistory", "undoImport"), host.calls)
            assertNull(host.history, "a confirmed undo closes the history")
            assertEquals(5uL, db.clientCount())
            assertTrue(scene.has(labels.message(Message.UndoDone(3uL, 0uL))), scene.allTexts().toString())

            scene.clickOn(labels[Label.HISTORY])
            assertTrue(scene.has(labels[Label.HISTORY_COUNTS, "3", "3"]), scene.allTexts().toString())
            assertEquals(1, scene.findAll { it.texts().contains(labels[Label.HISTORY_UNDO]) }.size, "nothing left to undo there")
            scene.clickOn(labels[Label.CLOSE])
            assertNull(host.history)
        }
    }

    @Test
    fun theCategorySwitchPutsTheNewClientsInTheCategory() {
        val host = openList(ClientDatabase.inMemory(), fillInPhonebook(withEmails = false).take(2))
        val title = host.state.categoryTitle!!
        assertNull(host.state.category, "off by default on the local database")
        scene(host).use { scene ->
            scene.frame()
            scene.clickOn(labels[Label.CATEGORY_SWITCH, title])
            assertEquals(listOf("setCategory"), host.calls)
            assertEquals(title, host.state.category)
            scene.clickOn(labels[Label.SELECT_ALL])
            scene.clickOn(labels[Label.IMPORT_SELECTED, "2"])
            assertEquals(ScreenPhase.RESULT, host.state.phase)
            assertTrue(scene.has(labels[Label.RESULT_CATEGORY, title, "2"]), scene.allTexts().toString())
        }
    }

    @Test
    fun cancelWhileUndoingReachesTheCore() {
        val undoing = CoreStates.of("en").features.getValue("import-undoing").state
        assertEquals(ScreenPhase.UNDOING, undoing.phase)
        assertTrue(undoing.actions.cancel)
        val host = ImportHost(CoreImportScreen.local(ClientDatabase.inMemory(), fullRights(), LocationSettings(), null))
        Scene(Size.NARROW, dark = false) { ImportScreen(undoing, ListRows(emptyList<com.altegio.clientbook.core.PreviewRow>()), labels, host) }.use { scene ->
            scene.frame()
            assertTrue(scene.has(labels[Label.UNDOING, "${undoing.progress!!.done}", "${undoing.progress!!.total}"]), scene.allTexts().toString())
            scene.clickOn(labels[Label.CANCEL])
            assertEquals(listOf("cancel"), host.calls)
        }
    }
}
