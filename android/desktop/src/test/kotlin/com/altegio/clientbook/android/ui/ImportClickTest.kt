package com.altegio.clientbook.android.ui

import com.altegio.clientbook.ClientDatabase
import com.altegio.clientbook.ImportScreen as CoreImportScreen
import com.altegio.clientbook.LocationSettings
import com.altegio.clientbook.core.ScreenPhase
import com.altegio.clientbook.core.ContactStatus
import com.altegio.clientbook.core.ContactsPermission
import com.altegio.clientbook.fullRights
import androidx.compose.ui.semantics.SemanticsProperties
import androidx.compose.ui.semantics.getOrNull
import androidx.compose.ui.state.ToggleableState
import org.junit.jupiter.api.Assertions.assertEquals
import org.junit.jupiter.api.Assertions.assertFalse
import org.junit.jupiter.api.Assertions.assertTrue
import org.junit.jupiter.api.Test

/**
 * Taps on the rendered import screen, driven through pointer events, against the real core
 * (ImportScreen.local over an in-memory client base): select all, choose a number, import, and
 * a second import that finds everyone already a client.
 */
class ImportClickTest {
    private val labels = XmlLabels.english
    private val contacts = samplePhonebook(200)

    private fun openList(db: ClientDatabase): ImportHost {
        val screen = CoreImportScreen.local(db, fullRights(), LocationSettings(), null)
        val host = ImportHost(screen)
        host.show(screen.permissionChanged(ContactsPermission.ANDROID_GRANTED))
        assertEquals(ScreenPhase.READING, host.state.phase)
        host.show(screen.contactsRead(contacts))
        assertEquals(ScreenPhase.LIST, host.state.phase)
        return host
    }

    private fun Scene.checkboxOf(name: String): ToggleableState? {
        val nameNode = find { it.texts().contains(name) } ?: error("no row $name")
        val boxes = findAll { it.config.getOrNull(SemanticsProperties.ToggleableState) != null }
        // the checkbox on the same row: the one whose vertical span covers the name's top
        return boxes.firstOrNull { b ->
            b.boundsInWindow.top <= nameNode.boundsInWindow.bottom && b.boundsInWindow.bottom >= nameNode.boundsInWindow.top &&
                b.boundsInWindow.right <= nameNode.boundsInWindow.left
        }?.config?.getOrNull(SemanticsProperties.ToggleableState)
    }

    @Test
    fun selectAllThenImportCreatesTheSelectedClients() {
        val db = ClientDatabase.inMemory()
        val host = openList(db)
        var imported = 0uL
        Scene(Size.PHONE, dark = false) { ImportScreen(host.state, host.rows, labels, host) }.use { scene ->
            scene.frame()
            assertEquals(0uL, host.state.selected)
            assertTrue(scene.has(labels[Label.IMPORT_SELECTED, "0"]))
            assertEquals(ToggleableState.Off, scene.checkboxOf("Анна Иванова"))

            scene.clickOn(labels[Label.SELECT_ALL])
            assertEquals(listOf("selectAll"), host.calls)
            val importable = host.state.importable
            imported = importable
            assertTrue(importable > 0uL)
            assertEquals(importable, host.state.selected)
            assertEquals(ToggleableState.On, scene.checkboxOf("Анна Иванова"))
            val button = labels[Label.IMPORT_SELECTED, labels.count(importable)]
            assertTrue(scene.has(button), "bottom bar shows the count: ${scene.allTexts()}")

            scene.clickOn(button)
            assertEquals(ScreenPhase.RESULT, host.state.phase)
            assertEquals(importable, db.clientCount())
            assertTrue(scene.has(labels[Label.RESULT_CREATED, labels.count(importable)]), scene.allTexts().toString())
            scene.clickOn(labels[Label.DONE])
            assertTrue(host.closed)
        }

        // The same phonebook again: every importable contact is now a client, nothing to import.
        val again = openList(db)
        Scene(Size.PHONE, dark = false) { ImportScreen(again.state, again.rows, labels, again) }.use { scene ->
            scene.frame()
            assertEquals(0uL, again.state.importable)
            assertTrue(scene.has(labels[Label.STATUS_EXISTING]), scene.allTexts().toString())
            scene.clickOn(labels[Label.IMPORT_SELECTED, "0"])
            assertFalse(again.calls.contains("commit"), "a disabled button must not import")
            assertEquals(imported, db.clientCount())
        }
    }

    @Test
    fun chooseNumberChangesTheNumberAndTheChooserStaysAvailable() {
        val db = ClientDatabase.inMemory()
        val host = openList(db)
        val anna = host.screen.rows(0uL, 10uL).first { it.displayName == "Анна Иванова" }
        assertEquals(ContactStatus.NEEDS_CHOICE, anna.status)
        val first = anna.phones[anna.chosenPhone!!.toInt()].raw
        val other = anna.phones.indices.first { it != anna.chosenPhone!!.toInt() && anna.phones[it].valid }
        Scene(Size.NARROW, dark = true) { ImportScreen(host.state, host.rows, labels, host) }.use { scene ->
            scene.frame()
            scene.clickOn(first)
            assertTrue(scene.has(labels[Label.CHOOSE_NUMBER]), "the chooser opened: ${scene.allTexts()}")
            scene.clickOn(anna.phones[other].raw)
            assertEquals("chooseNumber", host.calls.last())
            val after = host.screen.rows(0uL, 10uL).first { it.index == anna.index }
            assertEquals(other.toUInt(), after.chosenPhone)
            assertFalse(scene.has(labels[Label.CHOOSE_NUMBER]), "the chooser closed")
            assertTrue(scene.has(anna.phones[other].raw), "the row shows the new number: ${scene.allTexts()}")

            // changeable after the first choice: open again and go back to the first number
            scene.clickOn(anna.phones[other].raw)
            assertTrue(scene.has(labels[Label.CHOOSE_NUMBER]))
            scene.clickOn(first)
            assertEquals(anna.chosenPhone, host.screen.rows(0uL, 10uL).first { it.index == anna.index }.chosenPhone)
        }
    }
}
