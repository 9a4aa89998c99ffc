package com.altegio.clientbook

import com.altegio.clientbook.core.ContactsPermission
import com.altegio.clientbook.core.ExportScreenState
import com.altegio.clientbook.core.FailureKind
import com.altegio.clientbook.core.ImportScreenState
import com.altegio.clientbook.core.NotSuggested
import com.altegio.clientbook.core.PhoneLabel
import com.altegio.clientbook.core.PermissionAction
import com.altegio.clientbook.core.ProgressStage
import com.altegio.clientbook.core.Right
import com.altegio.clientbook.core.ScreenPhase
import java.util.Collections
import java.util.concurrent.Executors
import java.util.concurrent.TimeUnit
import kotlin.test.Test
import kotlin.test.assertEquals
import kotlin.test.assertFalse
import kotlin.test.assertNotNull
import kotlin.test.assertTrue

/** The core's screen state machines, driven through the generated bindings as a shell does. */
class ScreenTest {
    private class Recorder : ImportScreenObserver {
        val states: MutableList<ImportScreenState> = Collections.synchronizedList(mutableListOf())
        override fun onState(state: ImportScreenState) {
            states.add(state)
        }
    }

    @Test
    fun `import flow from permission to result, then re-import creates nothing`() {
        ClientDatabase.inMemory().use { db ->
            val recorder = Recorder()
            ImportScreen.local(db, fullRights(), Fixtures.settings, recorder).use { screen ->
                assertEquals(ScreenPhase.START, screen.state().phase)
                val asked = screen.permissionChanged(ContactsPermission.ANDROID_DENIED)
                assertEquals(ScreenPhase.NEEDS_PERMISSION, asked.phase)
                assertEquals(PermissionAction.REQUEST_PERMISSION, asked.permission?.action)

                assertEquals(ScreenPhase.READING, screen.permissionChanged(ContactsPermission.ANDROID_GRANTED).phase)
                assertTrue(screen.readingProgress(1_000uL))
                val listed = screen.contactsRead(Fixtures.generated(1_000))
                assertEquals(ScreenPhase.LIST, listed.phase)
                assertEquals(1_000uL, listed.importable)
                assertTrue(listed.actions.selectAll)
                assertFalse(listed.actions.importSelected)

                val selected = screen.selectAll()
                assertEquals(1_000uL, selected.selected)
                assertTrue(selected.actions.importSelected)

                val done = screen.commit()
                assertEquals(ScreenPhase.RESULT, done.phase)
                assertEquals(1_000, done.report?.created?.size)
                assertTrue(recorder.states.any { it.phase == ScreenPhase.MATCHING })
                assertTrue(recorder.states.any { it.phase == ScreenPhase.COMMITTING && it.progress?.stage == ProgressStage.IMPORTING })
            }
            ImportScreen.local(db, fullRights(), Fixtures.settings, null).use { again ->
                again.permissionChanged(ContactsPermission.ANDROID_GRANTED)
                val listed = again.contactsRead(Fixtures.generated(1_000))
                assertEquals(0uL, listed.importable)
                assertEquals(1_000uL, listed.alreadyClients)
                assertEquals(0uL, again.selectAll().selected)
            }
        }
    }

    @Test
    fun `missing right names it, and search pages only matching rows`() {
        ClientDatabase.inMemory().use { db ->
            ImportScreen.local(db, noRights(), Fixtures.settings, null).use { screen ->
                val s = screen.permissionChanged(ContactsPermission.ANDROID_GRANTED)
                assertEquals(ScreenPhase.RIGHTS_MISSING, s.phase)
                assertEquals(listOf(Right.CLIENT_DATABASE_ACCESS), s.missingRights)
                assertTrue(s.message!!.contains("Settings > System settings > Users"))
            }
            ImportScreen.local(db, fullRights(), Fixtures.settings, null).use { screen ->
                screen.permissionChanged(ContactsPermission.ANDROID_GRANTED)
                screen.contactsRead(Fixtures.generated(50))
                val found = screen.search("Client42")
                assertEquals(1uL, found.visibleCount)
                assertEquals("g42", screen.rows(0uL, 10uL).single().platformId)
            }
        }
    }

    @Test
    fun `cancel during matching from another thread leaves a retryable screen`() {
        ClientDatabase.inMemory().use { db ->
            ImportScreen.local(db, fullRights(), Fixtures.settings, null).use { screen ->
                screen.permissionChanged(ContactsPermission.ANDROID_GRANTED)
                val contacts = Fixtures.generated(60_000)
                val pool = Executors.newSingleThreadExecutor()
                val result = pool.submit<ImportScreenState> { screen.contactsRead(contacts) }
                val deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60)
                while (screen.state().progress.let { it == null || it.stage != ProgressStage.MATCHING || it.done == 0uL }) {
                    check(System.nanoTime() < deadline) { "matching never started" }
                    Thread.sleep(1)
                }
                screen.cancel()
                val cancelled = result.get(60, TimeUnit.SECONDS)
                pool.shutdown()
                assertEquals(ScreenPhase.FAILED, cancelled.phase)
                assertEquals(FailureKind.CANCELLED, cancelled.failure)
                assertTrue(cancelled.actions.retry)
                assertEquals(ScreenPhase.READING, screen.retry().phase)
            }
        }
    }

    @Test
    fun `export writes in batches, links what was written, and a second export writes nothing`() {
        ClientDatabase.inMemory().use { db ->
            ImportSession(db, Fixtures.generated(30), fullRights(), Fixtures.granted, Fixtures.settings, null).use {
                it.selectAll()
                it.commit(null)
            }
            val written = mutableListOf<WrittenContact>()
            ExportScreen.local(db, fullRights(), Fixtures.settings, null).use { screen ->
                assertEquals(ScreenPhase.READING, screen.permissionChanged(ContactsPermission.ANDROID_GRANTED).phase)
                val listed = screen.contactsRead(emptyList())
                assertEquals(30uL, listed.exportable)
                screen.selectAll()
                val toWrite = screen.beginWrite()
                assertEquals(30, toWrite.size)
                toWrite.chunked(10).forEach { batch ->
                    val ids = batch.map { WrittenContact(it.clientId, "raw-${it.clientId}") }
                    assertTrue(screen.written(ids))
                    written += ids
                }
                val done: ExportScreenState = screen.writeFinished(false)
                assertEquals(ScreenPhase.RESULT, done.phase)
                assertEquals(30uL, done.written)
            }
            val device = written.map { Fixtures.contact(it.platformId, "x") }
            ExportScreen.local(db, fullRights(), Fixtures.settings, null).use { again ->
                again.permissionChanged(ContactsPermission.ANDROID_GRANTED)
                val s = again.contactsRead(device)
                assertEquals(30uL, s.alreadyOnPhone)
                assertTrue(again.beginWrite().isEmpty())
            }
            ExportScreen.local(db, Fixtures.rights(phonesEmail = false, excel = false), Fixtures.settings, null).use { denied ->
                val s = denied.permissionChanged(ContactsPermission.ANDROID_GRANTED)
                assertEquals(ScreenPhase.RIGHTS_MISSING, s.phase)
                assertEquals(2, s.missingRights.size)
                assertNotNull(s.message)
            }
        }
    }

    @Test
    fun `undo on the result screen removes the clients this import created`() {
        ClientDatabase.inMemory().use { db ->
            ImportScreen.local(db, fullRights(), Fixtures.settings, null).use { screen ->
                screen.permissionChanged(ContactsPermission.ANDROID_GRANTED)
                screen.contactsRead(Fixtures.generated(25))
                screen.selectAll()
                val done = screen.commit()
                assertEquals(25uL, done.undoCount)
                assertTrue(done.actions.undo)
                assertEquals(25uL, db.clientCount())
                val undone = screen.undo()
                assertEquals(25uL, undone.undoReport?.deleted)
                assertEquals(0uL, db.clientCount())
                val history = screen.history()
                assertEquals(1, history.size)
                assertEquals(25uL, history.single().undone)
            }
            ImportScreen.local(db, Fixtures.rights(), Fixtures.settings, null).use { noDelete ->
                noDelete.permissionChanged(ContactsPermission.ANDROID_GRANTED)
                noDelete.contactsRead(Fixtures.generated(3))
                noDelete.selectAll()
                noDelete.commit()
                val refused = noDelete.undo()
                assertEquals(null, refused.undoReport)
                assertTrue(refused.message!!.contains("Delete clients"), refused.message)
                assertEquals(3uL, db.clientCount())
            }
        }
    }

    @Test
    fun `select suggested leaves out a toll-free number and a contact from the app's group`() {
        ClientDatabase.inMemory().use { db ->
            ImportScreen.local(db, fullRights(), Fixtures.settings, null).use { screen ->
                screen.permissionChanged(ContactsPermission.ANDROID_GRANTED)
                val contacts = Fixtures.generated(3) + listOf(
                    Fixtures.contact("bank", "Bank", "8 800 555-55-50" to PhoneLabel.WORK),
                    Fixtures.contact("ours", "Exported", "+7 926 000-00-01" to PhoneLabel.MOBILE).copy(inAppGroup = true),
                )
                val listed = screen.contactsRead(contacts)
                assertEquals(5uL, listed.importable)
                assertEquals(3uL, listed.suggested)
                assertEquals(3uL, screen.selectSuggested().selected)
                val rows = screen.rows(0u, 10u)
                assertEquals(
                    listOf(null, null, null, "service", "app-group"),
                    rows.map { r ->
                        when (r.notSuggested) {
                            null -> null
                            is NotSuggested.ServiceNumber -> "service"
                            is NotSuggested.FromAppGroup -> "app-group"
                            else -> "other"
                        }
                    },
                )
                // Still tickable by hand.
                assertEquals(4uL, screen.toggle(3u).selected)
            }
        }
    }

    @Test
    fun `fill in adds a missing email and never overwrites one`() {
        ClientDatabase.inMemory().use { db ->
            ImportScreen.local(db, fullRights(), Fixtures.settings, null).use { first ->
                first.permissionChanged(ContactsPermission.ANDROID_GRANTED)
                first.contactsRead(Fixtures.generated(2))
                first.selectAll()
                first.commit()
            }
            ImportScreen.local(db, fullRights(), Fixtures.settings, null).use { screen ->
                screen.permissionChanged(ContactsPermission.ANDROID_GRANTED)
                val withEmails = Fixtures.generated(2).mapIndexed { i, c -> c.copy(emails = listOf("c$i@example.com")) }
                val listed = screen.contactsRead(withEmails)
                assertEquals(2uL, listed.fillInOffered)
                assertTrue(listed.actions.fillInAll)
                val s = screen.setFillIn(0u, true)
                assertEquals(1uL, s.fillInSelected)
                assertTrue(s.actions.importSelected)
                val report = screen.commit().report!!
                assertEquals(1, report.filled.size)
            }
            // The first client has an email now: offered no more; the second still is.
            ImportScreen.local(db, fullRights(), Fixtures.settings, null).use { again ->
                again.permissionChanged(ContactsPermission.ANDROID_GRANTED)
                val other = Fixtures.generated(2).mapIndexed { i, c -> c.copy(emails = listOf("other$i@example.com")) }
                val listed = again.contactsRead(other)
                assertEquals(1uL, listed.fillInOffered)
                assertEquals(null, again.rows(0u, 1u).single().fillInEmail)
            }
        }
    }

    @Test
    fun `the category switch puts the created clients in a category`() {
        ClientDatabase.inMemory().use { db ->
            ImportScreen.local(db, fullRights(), Fixtures.settings, null).use { screen ->
                screen.permissionChanged(ContactsPermission.ANDROID_GRANTED)
                val listed = screen.contactsRead(Fixtures.generated(4))
                assertEquals(null, listed.category, "off by default locally")
                assertTrue(listed.actions.setCategory)
                assertEquals("From phonebook", screen.setCategory(true).category)
                screen.selectAll()
                val category = screen.commit().report!!.category!!
                assertEquals("From phonebook", category.title)
                assertEquals(4uL, category.set)
                assertTrue(category.createdCategory)
            }
        }
    }

    @Test
    fun `a birthday goes with a new client and fills in only where a client has none`() {
        ClientDatabase.inMemory().use { db ->
            ImportScreen.local(db, fullRights(), Fixtures.settings, null).use { first ->
                first.permissionChanged(ContactsPermission.ANDROID_GRANTED)
                first.contactsRead(listOf(Fixtures.generated(1).single().copy(birthday = "1990-07-01")) + Fixtures.generated(1, offset = 1))
                first.selectAll()
                first.commit()
            }
            ImportScreen.local(db, fullRights(), Fixtures.settings.copy(locale = "ru"), null).use { screen ->
                screen.permissionChanged(ContactsPermission.ANDROID_GRANTED)
                val withBirthdays = Fixtures.generated(2).mapIndexed { i, c -> c.copy(birthday = listOf("1985-03-12", "19850312")[i]) }
                val listed = screen.contactsRead(withBirthdays)
                assertEquals(1uL, listed.fillInOffered, "the first client has a birthday already")
                val offered = screen.rows(0u, 2u).single { it.fillInBirthday != null }
                assertEquals("1985-03-12", offered.fillInBirthday)
                assertEquals("Добавить клиенту день рождения 12.03.1985, если его нет", offered.fillInText)
                screen.fillInAll(true)
                assertEquals(1, screen.commit().report!!.filled.size)
            }
        }
    }
}
