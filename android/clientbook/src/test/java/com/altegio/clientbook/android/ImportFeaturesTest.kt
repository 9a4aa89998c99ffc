package com.altegio.clientbook.android

import android.content.ContentResolver
import androidx.lifecycle.ViewModelStore
import com.altegio.clientbook.AltegioConnection
import com.altegio.clientbook.ClientDatabase
import com.altegio.clientbook.ImportScreen
import com.altegio.clientbook.LocationSettings
import com.altegio.clientbook.core.ContactStatus
import com.altegio.clientbook.core.ContactsPermission
import com.altegio.clientbook.core.ImportScreenState
import com.altegio.clientbook.core.KeptReason
import com.altegio.clientbook.core.NotSuggested
import com.altegio.clientbook.core.Rights
import com.altegio.clientbook.core.ScreenPhase
import com.altegio.clientbook.core.ServiceKind
import com.altegio.clientbook.fullRights
import kotlinx.coroutines.flow.StateFlow
import kotlinx.coroutines.flow.first
import kotlinx.coroutines.runBlocking
import kotlinx.coroutines.withTimeout
import org.junit.After
import org.junit.Assert.assertEquals
import org.junit.Assert.assertFalse
import org.junit.Assert.assertNotNull
import org.junit.Assert.assertNull
import org.junit.Assert.assertTrue
import org.junit.Before
import org.junit.Test
import org.junit.runner.RunWith
import org.robolectric.RobolectricTestRunner
import org.robolectric.RuntimeEnvironment
import org.robolectric.annotation.Config
import java.io.BufferedReader
import java.io.InputStreamReader

/**
 * Issue 13's controls through the ImportViewModel, end to end: the real core (local database in
 * memory), the real reader over the strict provider double, and each feature the way the screen
 * drives it: select suggested, fill in a missing email, undo an import (and its refusal), the
 * import history.
 */
@RunWith(RobolectricTestRunner::class)
@Config(sdk = [35])
class ImportFeaturesTest {
    private lateinit var provider: StrictContactsProvider
    private lateinit var resolver: ContentResolver
    private lateinit var db: ClientDatabase
    private val settings = LocationSettings(region = "RU", lastNameHidden = false, locale = "en")
    private val stores = ArrayList<ViewModelStore>()

    @Before
    fun setUp() {
        provider = StrictContactsProvider.install()
        resolver = RuntimeEnvironment.getApplication().contentResolver
        db = ClientDatabase.inMemory()
    }

    @After
    fun tearDown() {
        stores.forEach { it.clear() }
        db.close()
        provider.shutdown()
    }

    private fun importVm(rights: Rights = fullRights()): ImportViewModel =
        owned(ImportViewModel(ContactsReader(resolver)) { ImportScreen.local(db, rights, settings, it) })

    private fun owned(vm: ImportViewModel): ImportViewModel {
        stores.add(ViewModelStore().apply { put("vm", vm) })
        return vm
    }

    private fun <S> await(state: StateFlow<S>, what: String, predicate: (S) -> Boolean): S = runBlocking {
        try {
            withTimeout(60_000) { state.first(predicate) }
        } catch (e: Exception) {
            throw AssertionError("never reached $what; last state ${state.value}", e)
        }
    }

    private fun listed(vm: ImportViewModel): ImportScreenState {
        vm.onPermission(ContactsPermission.ANDROID_GRANTED)
        return await(vm.state, "LIST") { it.phase == ScreenPhase.LIST }
    }

    /** Imports every importable contact of the phonebook as it stands; returns the result. */
    private fun importAll(vm: ImportViewModel): ImportScreenState {
        val list = listed(vm)
        vm.selectAll()
        await(vm.state, "all selected") { it.selected == list.importable }
        vm.importSelected()
        return await(vm.state, "RESULT") { it.phase == ScreenPhase.RESULT }
    }

    @Test
    fun selectSuggestedLeavesOutTheServiceNumberAndTheAppsOwnContact() {
        repeat(5) { TestContacts.insertPerson(resolver, null, "Анна$it", TestContacts.mobile(it)) }
        TestContacts.insertPerson(resolver, null, "Delivery", "8 800 555-35-35")
        val group = TestContacts.insertGroup(resolver, null, ContactsAccounts.GROUP_TITLE, visible = true)
        TestContacts.insertPerson(resolver, null, "Exported", TestContacts.mobile(100), groupId = group)

        val vm = importVm()
        val list = listed(vm)
        assertEquals(7uL, list.importable)
        assertEquals(5uL, list.suggested)
        assertTrue(list.actions.selectSuggested)

        vm.selectSuggested()
        val s = await(vm.state, "5 selected") { it.selected == 5uL }
        assertEquals(5uL, s.suggested)
        val rows = runBlocking { vm.rows(0uL, 10uL) }
        val delivery = rows.single { it.name == "Delivery" }
        assertEquals(NotSuggested.ServiceNumber(ServiceKind.TOLL_FREE), delivery.notSuggested)
        assertFalse(delivery.selected)
        val exported = rows.single { it.name == "Exported" }
        assertEquals(NotSuggested.FromAppGroup, exported.notSuggested)
        assertFalse(exported.selected)
        assertTrue(rows.filter { it.notSuggested == null }.all { it.selected })

        // Not suggested is not forbidden: the user may still tick it.
        vm.toggle(delivery.index)
        await(vm.state, "6 selected") { it.selected == 6uL }
    }

    @Test
    fun undoAfterALocalImportRemovesItsClientsAndShowsTheReport() {
        repeat(4) { TestContacts.insertPerson(resolver, null, "Анна$it", TestContacts.mobile(it)) }
        val vm = importVm()
        val result = importAll(vm)
        assertEquals(4uL, db.clientCount())
        assertTrue(result.actions.undo)
        assertEquals(4uL, result.undoCount)

        vm.undo()
        val undone = await(vm.state, "undo report") { it.undoReport != null }
        val report = undone.undoReport!!
        assertEquals(4uL, report.deleted)
        assertTrue(report.kept.isEmpty())
        assertEquals(0uL, report.alreadyGone)
        assertEquals(ScreenPhase.RESULT, undone.phase)
        assertFalse("undone once, not offered again", undone.actions.undo)
        assertNull(undone.message)
        assertEquals(0uL, db.clientCount())
    }

    @Test
    fun undoWithoutTheDeleteRightShowsTheCoresMessageAndDeletesNothing() {
        repeat(3) { TestContacts.insertPerson(resolver, null, "Анна$it", TestContacts.mobile(it)) }
        val vm = importVm(fullRights().copy(clientsDeleteAccess = false))
        val result = importAll(vm)
        assertTrue(result.actions.undo)

        vm.undo()
        val refused = await(vm.state, "a message") { it.message != null }
        assertEquals(ScreenPhase.RESULT, refused.phase)
        assertNull(refused.undoReport)
        assertTrue(refused.message!!, refused.message!!.contains("Delete clients"))
        assertEquals(3uL, db.clientCount())
    }

    @Test
    fun historyListsTheImportAndWhatWasUndone() {
        repeat(3) { TestContacts.insertPerson(resolver, null, "Анна$it", TestContacts.mobile(it)) }
        val vm = importVm()
        vm.onPermission(ContactsPermission.ANDROID_GRANTED)
        await(vm.state, "LIST") { it.phase == ScreenPhase.LIST }
        vm.showHistory()
        assertTrue(await(vm.history, "an empty history") { it != null }!!.records.isEmpty())
        vm.hideHistory()
        assertNull(vm.history.value)

        vm.selectAll()
        await(vm.state, "selected") { it.selected == 3uL }
        vm.importSelected()
        await(vm.state, "RESULT") { it.phase == ScreenPhase.RESULT }
        vm.showHistory()
        val history = await(vm.history, "the import listed") { it != null && it.records.isNotEmpty() }!!
        assertFalse(history.failed)
        val record = history.records.single()
        assertEquals(3uL, record.created)
        assertEquals(0uL, record.undone)
        assertFalse(record.cancelled || record.failed)
        assertNotNull(record.finishedAt)
        vm.hideHistory()

        vm.undo()
        await(vm.state, "undo report") { it.undoReport != null }
        vm.showHistory()
        val after = await(vm.history, "the undo counted") { it != null && it.records.single().undone == 3uL }!!
        assertEquals(3uL, after.records.single().created)
    }

    @Test
    fun fillInAddsTheEmailToAClientLackingOneAndNeverOverwritesOne() {
        val plain = TestContacts.insertPerson(resolver, null, "Мария", TestContacts.mobile(1))
        val withEmail = TestContacts.insertPerson(resolver, null, "Ольга", TestContacts.mobile(2), email = "olga@old.example")
        val first = importVm()
        importAll(first)

        // Since then the phonebook learnt Мария's email, and a second one for Ольга.
        TestContacts.addEmail(resolver, plain, "maria@example.com")
        TestContacts.addEmail(resolver, withEmail, "olga@new.example")
        val vm = importVm()
        val list = listed(vm)
        assertEquals(0uL, list.importable)
        assertEquals(1uL, list.fillInOffered)
        assertTrue(list.actions.fillInAll)
        assertFalse("nothing to do yet", list.actions.importSelected)
        val rows = runBlocking { vm.rows(0uL, 10uL) }
        val maria = rows.single { it.name == "Мария" }
        assertEquals(ContactStatus.EXISTING_CLIENT, maria.status)
        assertEquals("maria@example.com", maria.fillInEmail)
        assertNull("Ольга has an email: nothing offered", rows.single { it.name == "Ольга" }.fillInEmail)

        vm.setFillIn(maria.index, true)
        await(vm.state, "one ticked") { it.fillInSelected == 1uL }
        vm.setFillIn(maria.index, false)
        await(vm.state, "none ticked") { it.fillInSelected == 0uL }
        vm.fillInAll(true)
        val ticked = await(vm.state, "all ticked") { it.fillInSelected == 1uL }
        assertTrue("filling in is work to commit", ticked.actions.importSelected)
        vm.importSelected()
        val done = await(vm.state, "RESULT") { it.phase == ScreenPhase.RESULT }
        assertEquals(1, done.report!!.filled.size)
        assertEquals(0, done.report!!.created.size)

        val emails = db.clients(fullRights()).associate { it.name to it.email }
        assertEquals("maria@example.com", emails["Мария"])
        assertEquals("olga@old.example", emails["Ольга"])

        // The first import's undo now keeps Мария: she was edited (her email) since.
        first.undo()
        val report = await(first.state, "undo report") { it.undoReport != null }.undoReport!!
        assertEquals(1uL, report.deleted)
        assertEquals(listOf(KeptReason.EDITED_SINCE), report.kept.map { it.reason })
        assertEquals(listOf("Мария"), db.clients(fullRights()).map { it.name })
    }

    @Test
    fun undoFromTheHistoryRemovesThatImportOnly() {
        repeat(3) { TestContacts.insertPerson(resolver, null, "Анна$it", TestContacts.mobile(it)) }
        importAll(importVm())
        repeat(2) { TestContacts.insertPerson(resolver, null, "Вера$it", TestContacts.mobile(10 + it)) }
        val vm = importVm()
        importAll(vm)
        assertEquals(5uL, db.clientCount())
        vm.showHistory()
        val records = await(vm.history, "two imports") { it != null && it.records.size == 2 }!!.records
        val older = records.last()
        assertEquals(3uL, older.created)
        vm.hideHistory()
        assertTrue(vm.state.value.actions.undoFromHistory)

        vm.undoImport(older.id)
        val report = await(vm.state, "undo report") { it.undoReport != null }.undoReport!!
        assertEquals(older.id, report.importId)
        assertEquals(3uL, report.deleted)
        assertEquals(2uL, db.clientCount())
        vm.showHistory()
        val after = await(vm.history, "the older undone") { h -> h != null && h.records.any { it.undone == 3uL } }!!.records
        assertEquals(listOf(0uL, 3uL), after.map { it.undone })
    }

    @Test
    fun theCategorySwitchPutsTheCreatedClientsInTheCategory() {
        repeat(2) { TestContacts.insertPerson(resolver, null, "Анна$it", TestContacts.mobile(it)) }
        val vm = importVm()
        val list = listed(vm)
        assertNull("off by default locally", list.category)
        assertEquals("From phonebook", list.categoryTitle)
        assertTrue(list.actions.setCategory)
        vm.setCategory(true)
        await(vm.state, "on") { it.category == "From phonebook" }
        vm.selectAll()
        await(vm.state, "selected") { it.selected == 2uL }
        vm.importSelected()
        val category = await(vm.state, "RESULT") { it.phase == ScreenPhase.RESULT }.report!!.category!!
        assertEquals("From phonebook", category.title)
        assertEquals(2uL, category.set)
        assertTrue(category.createdCategory)
    }

    /**
     * On Altegio an undo is a request per client: the state shows UNDOING with progress, and
     * cancel() (from the test thread, as from the UI thread) stops it partway; undoing again
     * from the history finishes the rest. Over the app's own HttpURLConnection transport and
     * the workspace's Altegio test server.
     */
    @Test
    fun undoOnAltegioShowsProgressAndStopsOnCancel() {
        repeat(8) { TestContacts.insertPerson(resolver, null, "Анна$it", TestContacts.mobile(it)) }
        val binary = System.getProperty("clientbook.testServer") ?: error("clientbook.testServer is not set")
        val server = ProcessBuilder(binary, "--grant", "clients_delete_access")
            .redirectError(ProcessBuilder.Redirect.INHERIT).start()
        try {
            val port = BufferedReader(InputStreamReader(server.inputStream)).readLine()!!.removePrefix("PORT ").trim().toInt()
            val connection = AltegioConnection(
                "http://127.0.0.1:$port", 4242L, "partner-token", "user-token", "RU", db, AltegioHttpTransport(),
            )
            val vm = owned(ImportViewModel(ContactsReader(resolver)) { ImportScreen.altegio(connection, settings, it) })
            assertEquals(8, importAll(vm).report!!.created.size)
            vm.showHistory()
            val id = await(vm.history, "the import") { it != null && it.records.isNotEmpty() }!!.records.single().id
            vm.hideHistory()

            vm.undoImport(id)
            val undoing = await(vm.state, "UNDOING with progress") {
                it.phase == ScreenPhase.UNDOING && (it.progress?.done ?: 0uL) >= 1uL
            }
            assertEquals(8uL, undoing.progress!!.total)
            assertTrue(undoing.actions.cancel)
            vm.cancel()
            val stopped = await(vm.state, "stopped") { it.phase == ScreenPhase.RESULT }
            assertNotNull("the screen says it stopped", stopped.message)
            vm.showHistory()
            val partly = await(vm.history, "partly undone") { it != null && it.records.isNotEmpty() }!!.records.single()
            assertTrue("stopped partway: ${partly.undone}", partly.undone in 1uL..7uL)
            vm.hideHistory()

            vm.undoImport(id)
            val rest = await(vm.state, "the rest undone") { it.undoReport?.cancelled == false }.undoReport!!
            assertEquals(8uL - partly.undone, rest.deleted)
            vm.showHistory()
            assertEquals(8uL, await(vm.history, "all undone") { h -> h != null && h.records.single().undone == 8uL }!!.records.single().undone)
            stores.forEach { it.clear() }
            stores.clear()
            connection.close()
        } finally {
            server.outputStream.close()
            server.destroy()
            server.waitFor()
        }
    }
}
