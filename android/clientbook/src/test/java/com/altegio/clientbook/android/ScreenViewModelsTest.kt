package com.altegio.clientbook.android

import android.content.ContentResolver
import androidx.lifecycle.ViewModel
import androidx.lifecycle.ViewModelStore
import com.altegio.clientbook.ClientDatabase
import com.altegio.clientbook.ExportScreen
import com.altegio.clientbook.ImportScreen
import com.altegio.clientbook.InternalException
import com.altegio.clientbook.LocationSettings
import com.altegio.clientbook.core.ContactsPermission
import com.altegio.clientbook.core.FailureKind
import com.altegio.clientbook.core.PermissionAction
import com.altegio.clientbook.core.Rights
import com.altegio.clientbook.core.ScreenPhase
import com.altegio.clientbook.fullRights
import kotlinx.coroutines.flow.StateFlow
import kotlinx.coroutines.flow.first
import kotlinx.coroutines.runBlocking
import kotlinx.coroutines.withTimeout
import org.junit.After
import org.junit.Assert.assertEquals
import org.junit.Assert.assertNotNull
import org.junit.Assert.assertTrue
import org.junit.Before
import org.junit.Test
import org.junit.runner.RunWith
import org.robolectric.RobolectricTestRunner
import org.robolectric.RuntimeEnvironment
import org.robolectric.annotation.Config

/**
 * The ViewModels end to end: the real core (local database in memory) through JNA, the real
 * reader and writer, and the strict provider double as the phonebook.
 */
@RunWith(RobolectricTestRunner::class)
@Config(sdk = [35])
class ScreenViewModelsTest {
    private lateinit var provider: StrictContactsProvider
    private lateinit var resolver: ContentResolver
    private lateinit var db: ClientDatabase
    private val settings = LocationSettings(region = "RU", lastNameHidden = false)
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

    /** Keeps [vm] in a store the test clears, as an Activity would, so onCleared runs. */
    private fun <T : ViewModel> owned(vm: T): T {
        stores.add(ViewModelStore().apply { put("vm", vm) })
        return vm
    }

    private fun importVm(rights: Rights = fullRights()) = owned(
        ImportViewModel(ContactsReader(resolver)) { ImportScreen.local(db, rights, settings, it) },
    )

    private fun exportVm(rights: Rights = fullRights()) = owned(
        ExportViewModel(ContactsReader(resolver), ContactsWriter(resolver, "RU")) {
            ExportScreen.local(db, rights, settings, it)
        },
    )

    private fun <S> await(state: StateFlow<S>, what: String, predicate: (S) -> Boolean): S = runBlocking {
        try {
            withTimeout(60_000) { state.first(predicate) }
        } catch (e: Exception) {
            throw AssertionError("never reached $what; last state ${state.value}", e)
        }
    }

    private fun phonebook(count: Int) = repeat(count) {
        TestContacts.insertPerson(resolver, null, "Анна$it", TestContacts.mobile(it))
    }

    @Test
    fun importEndToEndAndReImportCreatesNothing() {
        phonebook(40)
        val vm = importVm()
        vm.onPermission(ContactsPermission.ANDROID_GRANTED)
        val listed = await(vm.state, "LIST") { it.phase == ScreenPhase.LIST }
        assertEquals(40uL, listed.importable)
        vm.selectAll()
        await(vm.state, "40 selected") { it.selected == 40uL }
        vm.importSelected()
        val done = await(vm.state, "RESULT") { it.phase == ScreenPhase.RESULT }
        assertEquals(40, done.report?.created?.size)
        val rows = runBlocking { vm.rows(0uL, 100uL) }
        assertEquals(40, rows.size)

        val again = importVm()
        again.onPermission(ContactsPermission.ANDROID_GRANTED)
        val second = await(again.state, "LIST or EMPTY") { it.phase == ScreenPhase.LIST || it.phase == ScreenPhase.EMPTY }
        assertEquals(0uL, second.importable)
        assertEquals(40uL, second.alreadyClients)
        assertEquals(40uL, db.clientCount())
    }

    @Test
    fun cancelWhileReadingThenRetryReadsAgain() {
        phonebook(600) // more than one progress step of the reader (every 500 rows)
        val vm = importVm()
        provider.onQuery = { vm.cancel() }
        vm.onPermission(ContactsPermission.ANDROID_GRANTED)
        val cancelled = await(vm.state, "FAILED(CANCELLED)") { it.phase == ScreenPhase.FAILED }
        assertEquals(FailureKind.CANCELLED, cancelled.failure)
        assertTrue(cancelled.actions.retry)

        provider.onQuery = null
        vm.retry()
        val listed = await(vm.state, "LIST") { it.phase == ScreenPhase.LIST }
        assertEquals(600uL, listed.importable)
    }

    @Test
    fun exportEndToEndAndReExportWritesNothing() {
        // Clients first, through the import screen.
        phonebook(25)
        val importer = importVm()
        importer.onPermission(ContactsPermission.ANDROID_GRANTED)
        await(importer.state, "LIST") { it.phase == ScreenPhase.LIST }
        importer.selectAll()
        await(importer.state, "selected") { it.selected == 25uL }
        importer.importSelected()
        await(importer.state, "RESULT") { it.phase == ScreenPhase.RESULT }

        // The phonebook is then emptied (a new phone): every client is to be written.
        tearDownPhonebook()
        val vm = exportVm()
        vm.onPermission(ContactsPermission.ANDROID_GRANTED)
        val listed = await(vm.state, "LIST") { it.phase == ScreenPhase.LIST }
        assertEquals(25uL, listed.exportable)
        vm.selectAll()
        await(vm.state, "selected") { it.selected == 25uL }
        vm.exportSelected()
        val done = await(vm.state, "RESULT") { it.phase == ScreenPhase.RESULT }
        assertEquals(25uL, done.written)
        assertEquals(25, provider.rawContactCount(null))
        val group = provider.longs("SELECT _id FROM groups WHERE title = 'Altegio clients'").single()
        assertEquals(
            25L,
            provider.longs("SELECT COUNT(*) FROM data WHERE mimetype = 'vnd.android.cursor.item/group_membership' AND data1 = ?", group.toString()).single(),
        )

        val again = exportVm()
        again.onPermission(ContactsPermission.ANDROID_GRANTED)
        val second = await(again.state, "LIST or EMPTY") { it.phase == ScreenPhase.LIST || it.phase == ScreenPhase.EMPTY }
        assertEquals(25uL, second.alreadyOnPhone)
        assertEquals(0uL, second.exportable)
        assertEquals(25, provider.rawContactCount(null))
    }

    private fun tearDownPhonebook() {
        provider.shutdown()
        provider = StrictContactsProvider.install()
    }

    @Test
    fun missingRightsNameThemAndReadNothing() {
        phonebook(3)
        val noDatabase = Rights(clientsAccess = false, clientsPhonesEmailAccess = true, clientsExcelAccess = true, clientsVisitMasterId = 0)
        val vm = importVm(noDatabase)
        vm.onPermission(ContactsPermission.ANDROID_GRANTED)
        val s = await(vm.state, "RIGHTS_MISSING") { it.phase == ScreenPhase.RIGHTS_MISSING }
        assertTrue(s.missingRights.isNotEmpty())
        assertNotNull(s.message)
        assertEquals(0, provider.queries)

        val noExport = Rights(clientsAccess = true, clientsPhonesEmailAccess = false, clientsExcelAccess = false, clientsVisitMasterId = 0)
        val export = exportVm(noExport)
        export.onPermission(ContactsPermission.ANDROID_GRANTED)
        val e = await(export.state, "RIGHTS_MISSING") { it.phase == ScreenPhase.RIGHTS_MISSING }
        assertEquals(2, e.missingRights.size)
        assertNotNull(e.message)
    }

    @Test
    fun everyPermissionStateAndTheReturnFromSettings() {
        phonebook(2)
        val vm = importVm()
        vm.onPermission(ContactsPermission.ANDROID_DENIED)
        val denied = await(vm.state, "NEEDS_PERMISSION") { it.phase == ScreenPhase.NEEDS_PERMISSION }
        assertEquals(PermissionAction.REQUEST_PERMISSION, denied.permission?.action)
        vm.onPermission(ContactsPermission.ANDROID_PERMANENTLY_DENIED)
        val permanent = await(vm.state, "OPEN_SETTINGS") { it.permission?.action == PermissionAction.OPEN_SETTINGS }
        assertEquals(ScreenPhase.NEEDS_PERMISSION, permanent.phase)
        assertEquals(0, provider.queries)
        // The user granted it in Settings and came back.
        vm.onPermission(ContactsPermission.ANDROID_GRANTED)
        assertEquals(2uL, await(vm.state, "LIST") { it.phase == ScreenPhase.LIST }.importable)

        val export = exportVm()
        export.onPermission(ContactsPermission.ANDROID_PERMANENTLY_DENIED)
        val e = await(export.state, "NEEDS_PERMISSION") { it.phase == ScreenPhase.NEEDS_PERMISSION }
        assertEquals(PermissionAction.OPEN_SETTINGS, e.permission?.action)
    }

    @Test
    fun anEmptyPhonebookSaysSo() {
        val vm = importVm()
        vm.onPermission(ContactsPermission.ANDROID_GRANTED)
        val s = await(vm.state, "EMPTY") { it.phase == ScreenPhase.EMPTY }
        assertNotNull(s.message)
    }

    @Test
    fun aPhonebookThatFailsIsAFailureWithRetry() {
        phonebook(2)
        val vm = importVm()
        provider.onQuery = { throw IllegalStateException("provider died") }
        vm.onPermission(ContactsPermission.ANDROID_GRANTED)
        val s = await(vm.state, "FAILED(PHONEBOOK)") { it.phase == ScreenPhase.FAILED }
        assertEquals(FailureKind.PHONEBOOK, s.failure)
        provider.onQuery = null
        vm.retry()
        assertEquals(2uL, await(vm.state, "LIST") { it.phase == ScreenPhase.LIST }.importable)
    }

    @Test
    fun aRustPanicInACoreCallNeverLeavesThePhaseStuck() {
        phonebook(2)
        val vm = importVm()
        vm.onPermission(ContactsPermission.ANDROID_GRANTED)
        await(vm.state, "LIST") { it.phase == ScreenPhase.LIST }
        vm.call { throw InternalException("simulated panic") }
        val s = await(vm.state, "FAILED(INTERNAL)") { it.phase == ScreenPhase.FAILED }
        assertEquals(FailureKind.INTERNAL, s.failure)
        assertTrue(s.actions.retry)
        // A fresh core screen, told the permission again, reads and lists again.
        vm.retry()
        assertEquals(2uL, await(vm.state, "LIST") { it.phase == ScreenPhase.LIST }.importable)

        val export = exportVm()
        export.call { throw InternalException("simulated panic") }
        assertEquals(FailureKind.INTERNAL, await(export.state, "FAILED") { it.phase == ScreenPhase.FAILED }.failure)
    }
}
