package com.altegio.clientbook.android.ui

import com.altegio.clientbook.ClientDatabase
import com.altegio.clientbook.ExportScreen as CoreExportScreen
import com.altegio.clientbook.ExportScreenObserver
import com.altegio.clientbook.ImportScreen as CoreImportScreen
import com.altegio.clientbook.ImportScreenObserver
import com.altegio.clientbook.LocationSettings
import com.altegio.clientbook.WrittenContact
import com.altegio.clientbook.core.ContactsPermission
import com.altegio.clientbook.core.ExportRow
import com.altegio.clientbook.core.ExportScreenState
import com.altegio.clientbook.core.ImportScreenState
import com.altegio.clientbook.core.PreviewRow
import com.altegio.clientbook.core.ProgressStage
import com.altegio.clientbook.core.ScreenPhase
import androidx.compose.runtime.Composable
import com.altegio.clientbook.fullRights
import com.altegio.clientbook.noRights

/** Every state a real core screen passed through, as its observer saw them. */
class Recorder<S> {
    val states = ArrayList<S>()
}

private class ImportRecorder(val r: Recorder<ImportScreenState> = Recorder()) : ImportScreenObserver {
    override fun onState(state: ImportScreenState) { synchronized(r) { r.states += state } }
}

private class ExportRecorder(val r: Recorder<ExportScreenState> = Recorder()) : ExportScreenObserver {
    override fun onState(state: ExportScreenState) { synchronized(r) { r.states += state } }
}

/** A state and the rows it shows, frozen: the renders must not change when the core moves on. */
class ImportShot(val state: ImportScreenState, val rows: List<PreviewRow>)
class ExportShot(val state: ExportScreenState, val rows: List<ExportRow>)

/**
 * The states the renders show, each one produced by the real core (ImportScreen.local and
 * ExportScreen.local over an in-memory client base) by the same calls the Android shell makes:
 * permission reports, the phonebook read (10,000 contacts), ticks, a commit, an export written
 * in batches, failures. Transient states (reading, matching, committing, writing) are the ones
 * the core's observer reported while the job ran. Built once for all renders.
 */
class CoreStates private constructor(locale: String) {
    /** The core writes its messages (reasons, rights, advice, failures) in the render's language. */
    private val settings = LocationSettings(locale = locale)
    private val phonebook = samplePhonebook(10_000)

    companion object {
        private val byLocale = HashMap<String, CoreStates>()

        /** Built once per language for all renders. */
        @Synchronized
        fun of(locale: String): CoreStates = byLocale.getOrPut(locale) { CoreStates(locale) }
    }

    private fun importScreen(db: ClientDatabase, rec: ImportRecorder? = null, rights: Boolean = true) =
        CoreImportScreen.local(db, if (rights) fullRights() else noRights(), settings, rec)

    private fun frozen(screen: CoreImportScreen, state: ImportScreenState = screen.state()) =
        ImportShot(state, if (state.phase == ScreenPhase.LIST) screen.rows(0uL, 40uL) else emptyList())

    private fun frozen(screen: CoreExportScreen, state: ExportScreenState = screen.state()) =
        ExportShot(state, if (state.phase == ScreenPhase.LIST) screen.rows(0uL, 40uL) else emptyList())

    val import: Map<String, ImportShot> by lazy {
        val db = ClientDatabase.inMemory()
        // Olga is a client already, so the list shows "already a client" with her client number.
        importScreen(db).apply {
            permissionChanged(ContactsPermission.ANDROID_GRANTED)
            contactsRead(listOf(OLGA))
            selectAll()
            check(commit().phase == ScreenPhase.RESULT)
        }
        val out = LinkedHashMap<String, ImportShot>()
        importScreen(db).let { out["import-permission-ask"] = frozen(it, it.permissionChanged(ContactsPermission.ANDROID_DENIED)) }
        importScreen(db).let { out["import-permission-settings"] = frozen(it, it.permissionChanged(ContactsPermission.ANDROID_PERMANENTLY_DENIED)) }
        importScreen(db, rights = false).let { out["import-rights-missing"] = frozen(it, it.permissionChanged(ContactsPermission.ANDROID_GRANTED)) }
        importScreen(db).let {
            it.permissionChanged(ContactsPermission.ANDROID_GRANTED)
            it.readingProgress(1_200uL)
            out["import-reading"] = frozen(it)
            out["import-failed"] = frozen(it, it.readingFailed())
        }
        importScreen(db).let {
            it.permissionChanged(ContactsPermission.ANDROID_GRANTED)
            out["import-empty"] = frozen(it, it.contactsRead(emptyList()))
        }
        val rec = ImportRecorder()
        val screen = importScreen(db, rec)
        screen.permissionChanged(ContactsPermission.ANDROID_GRANTED)
        screen.contactsRead(phonebook)
        out["import-matching"] = ImportShot(
            rec.r.states.last { it.phase == ScreenPhase.MATCHING && (it.progress?.done ?: 0uL) > 0uL && it.progress!!.done < it.progress!!.total },
            emptyList(),
        )
        screen.toggle(0uL)
        screen.toggle(1uL)
        out["import-list"] = frozen(screen)
        out["import-search-nothing"] = frozen(screen, screen.search("Зинаида"))
        screen.search("")
        screen.selectAll()
        val result = screen.commit()
        out["import-committing"] = ImportShot(
            rec.r.states.first { it.phase == ScreenPhase.COMMITTING && (it.progress?.done ?: 0uL) > 0uL },
            emptyList(),
        )
        out["import-result"] = frozen(screen, result)
        out
    }

    val export: Map<String, ExportShot> by lazy {
        // The client base the import renders built: Olga, then every importable contact.
        val db = ClientDatabase.inMemory()
        importScreen(db).apply {
            permissionChanged(ContactsPermission.ANDROID_GRANTED)
            contactsRead(phonebook)
            selectAll()
            check(commit().phase == ScreenPhase.RESULT)
        }
        fun exportScreen(rec: ExportRecorder? = null, rights: Boolean = true, on: ClientDatabase = db) =
            CoreExportScreen.local(on, if (rights) fullRights() else noRights(), settings, rec)
        val out = LinkedHashMap<String, ExportShot>()
        exportScreen().let { out["export-permission-ask"] = frozen(it, it.permissionChanged(ContactsPermission.ANDROID_DENIED)) }
        exportScreen(rights = false).let { out["export-rights-missing"] = frozen(it, it.permissionChanged(ContactsPermission.ANDROID_GRANTED)) }
        exportScreen(on = ClientDatabase.inMemory()).let {
            it.permissionChanged(ContactsPermission.ANDROID_GRANTED)
            out["export-empty"] = frozen(it, it.contactsRead(emptyList()))
        }
        // One client was saved to the phone before: the list marks it "already on the phone".
        val first = exportScreen()
        first.permissionChanged(ContactsPermission.ANDROID_GRANTED)
        first.contactsRead(emptyList())
        val firstRow = first.rows(0uL, 1uL).first()
        first.toggle(firstRow.clientId)
        val one = first.beginWrite()
        first.written(one.map { WrittenContact(it.clientId, "device-${it.clientId}") })
        first.writeFinished(false)

        val screen = exportScreen()
        screen.permissionChanged(ContactsPermission.ANDROID_GRANTED)
        screen.contactsRead(listOf(deviceContact("device-${firstRow.clientId}")))
        val rows = screen.rows(0uL, 3uL)
        rows.filter { it.status == com.altegio.clientbook.core.ExportStatus.NEW }.take(2).forEach { screen.toggle(it.clientId) }
        out["export-list"] = frozen(screen)
        screen.selectAll()
        val toWrite = screen.beginWrite()
        val batches = toWrite.chunked(450)
        screen.written(batches.first().map { WrittenContact(it.clientId, "device-${it.clientId}") })
        out["export-writing"] = frozen(screen)
        batches.drop(1).forEach { b -> screen.written(b.map { WrittenContact(it.clientId, "device-${it.clientId}") }) }
        out["export-result"] = frozen(screen, screen.writeFinished(false))

        val failing = exportScreen(on = ClientDatabase.inMemory().also { seed ->
            importScreen(seed).apply {
                permissionChanged(ContactsPermission.ANDROID_GRANTED)
                contactsRead(phonebook.take(50))
                selectAll()
                commit()
            }
        })
        failing.permissionChanged(ContactsPermission.ANDROID_GRANTED)
        failing.contactsRead(emptyList())
        failing.selectAll()
        val part = failing.beginWrite().take(10)
        failing.written(part.map { WrittenContact(it.clientId, "device-${it.clientId}") })
        out["export-failed"] = frozen(failing, failing.writeFinished(true))
        out
    }

    /**
     * Issue 13's states: Select suggested, fill-in, an undo (confirmation, done with clients kept,
     * refused without the delete right), the history, and, on the Altegio test server, an undo
     * in progress and one cancelled partway.
     */
    val features: Map<String, ImportShot> by lazy {
        val out = LinkedHashMap<String, ImportShot>()
        val suggest = settings.copy(locationNumbers = listOf(SALON_NUMBER), staffNumbers = listOf(STAFF_NUMBER))
        CoreImportScreen.local(ClientDatabase.inMemory(), fullRights(), suggest, null).let {
            it.permissionChanged(ContactsPermission.ANDROID_GRANTED)
            it.contactsRead(suggestionPhonebook())
            it.setCategory(true)
            out["import-suggested"] = frozen(it, it.selectSuggested())
        }

        // One client base: an import without emails, then the phonebook with three of them.
        val db = ClientDatabase.inMemory()
        val first = importScreen(db)
        first.permissionChanged(ContactsPermission.ANDROID_GRANTED)
        first.contactsRead(fillInPhonebook(withEmails = false))
        first.selectAll()
        out["import-undo-confirm"] = frozen(first, first.commit())
        val second = importScreen(db)
        second.permissionChanged(ContactsPermission.ANDROID_GRANTED)
        second.contactsRead(fillInPhonebook(withEmails = true))
        val offered = second.rows(0uL, 20uL).filter { it.fillInEmail != null }
        check(offered.size == 3)
        offered.take(2).forEach { second.setFillIn(it.index, true) }
        second.toggle(second.rows(0uL, 20uL).first { it.status == com.altegio.clientbook.core.ContactStatus.NEW }.index)
        out["import-fill-in"] = frozen(second)
        second.setCategory(true)
        val secondResult = second.commit()
        check(secondResult.report!!.filled.size == 2)
        out["import-result-filled"] = frozen(second, secondResult)
        // The two clients filled in since are edited: the undo keeps them.
        val undone = first.undo()
        check(undone.undoReport!!.kept.size == 2)
        out["import-undone"] = frozen(first, undone)
        // Times pinned (the core writes the clock's), so the golden does not change each run.
        val pinned = listOf("2026-11-30T09:12:00Z", "2026-11-30T09:05:00Z")
        historyRecords = second.history().mapIndexed { i, r -> r.copy(startedAt = pinned[i], finishedAt = pinned[i]) }
        out["import-history"] = frozen(second, secondResult)

        val refusing = ClientDatabase.inMemory()
        CoreImportScreen.local(refusing, fullRights().copy(clientsDeleteAccess = false), settings, null).let {
            it.permissionChanged(ContactsPermission.ANDROID_GRANTED)
            it.contactsRead(fillInPhonebook(withEmails = false).take(3))
            it.selectAll()
            it.commit()
            out["import-undo-refused"] = frozen(it, it.undo())
        }

        // On Altegio: a request per client, so the undo shows progress. Cancelled once three
        // are deleted, from the observer, so the cancel lands between two clients and the core
        // reports the undo as stopped (a cancel during a request instead ends it with the
        // core's plain "Cancelled" and no undo report).
        AltegioServer("clients_delete_access").use { server ->
            val rec = ImportRecorder()
            val screenRef = java.util.concurrent.atomic.AtomicReference<CoreImportScreen>()
            val observer = object : ImportScreenObserver {
                override fun onState(state: ImportScreenState) {
                    rec.onState(state)
                    if (state.phase == ScreenPhase.UNDOING && state.progress?.done == 3uL) screenRef.get()?.cancel()
                }
            }
            val screen = CoreImportScreen.altegio(server.connect(ClientDatabase.inMemory()), settings, observer)
            screenRef.set(screen)
            screen.permissionChanged(ContactsPermission.ANDROID_GRANTED)
            screen.contactsRead(fillInPhonebook(withEmails = false))
            screen.selectAll()
            check(screen.commit().phase == ScreenPhase.RESULT)
            val stopped = screen.undoImport(screen.history().first().id)
            check(stopped.undoReport?.cancelled == true) { "the undo was not stopped: $stopped" }
            out["import-undoing"] = ImportShot(
                synchronized(rec.r) { rec.r.states.last { it.phase == ScreenPhase.UNDOING && (it.progress?.done ?: 0uL) > 0uL } },
                emptyList(),
            )
            out["import-undo-stopped"] = frozen(screen, stopped)
            screen.close()
        }
        out
    }

    /** The history the "import-history" render shows (built with [features]). */
    var historyRecords: List<com.altegio.clientbook.core.ImportRecord> = emptyList()
        private set

    private fun deviceContact(id: String) = com.altegio.clientbook.core.PhonebookContact(
        id, "Device", null, "Contact", "Device Contact", null, null, emptyList(), emptyList(),
    )
}

/** The renders for one language, over [CoreStates]. */
class ScreenStates(private val lang: Lang) {
    private val l = lang.labels

    fun all(): List<Shot> {
        val shots = ArrayList<Shot>()
        for ((name, s) in CoreStates.of(lang.code).import) {
            shots += Shot(name) { ImportScreen(s.state, ListRows(s.rows, s.state.visibleCount.toInt()), l, Unexpected) }
            if (name == "import-list") {
                val anna = s.rows.first { it.phones.size > 1 }
                val number = anna.phones[anna.chosenPhone!!.toInt()].raw
                shots += Shot("import-chooser", then = { it.clickOn(number) }) {
                    ImportScreen(s.state, ListRows(s.rows, s.state.visibleCount.toInt()), l, Unexpected)
                }
            }
        }
        val core = CoreStates.of(lang.code)
        for ((name, s) in core.features) {
            val content: @Composable () -> Unit = {
                ImportScreen(
                    s.state, ListRows(s.rows, s.state.visibleCount.toInt()), l, Unexpected,
                    history = if (name == "import-history") HistorySheet(core.historyRecords) else null,
                )
            }
            // The undo confirmation is the result with "Undo import" tapped.
            shots += if (name == "import-undo-confirm") Shot(name, then = { it.clickOn(l[Label.UNDO_IMPORT]); it.pointerAway() }, content = content) else Shot(name, content = content)
        }
        for ((name, s) in CoreStates.of(lang.code).export) {
            shots += Shot(name) { ExportScreen(s.state, ListRows(s.rows, s.state.visibleCount.toInt()), l, Unexpected) }
        }
        return shots
    }
}

/**
 * The first page of a real list, frozen: [size] is the core's visible count (10,000), rows
 * past the page are placeholders, as they are for a moment on a phone while their page loads.
 */
class ListRows<T : Any>(private val rows: List<T>, override val size: Int = rows.size) : RowSource<T> {
    override fun rowAt(position: Int): T? = rows.getOrNull(position)
}
