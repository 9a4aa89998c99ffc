package com.altegio.clientbook.android

import android.content.Context
import android.util.Log
import androidx.lifecycle.ViewModel
import androidx.lifecycle.ViewModelProvider
import androidx.lifecycle.viewModelScope
import androidx.lifecycle.viewmodel.initializer
import androidx.lifecycle.viewmodel.viewModelFactory
import com.altegio.clientbook.ClientDatabase
import com.altegio.clientbook.ClientbookException
import com.altegio.clientbook.ImportProgress
import com.altegio.clientbook.ImportSession
import com.altegio.clientbook.LocationSettings
import com.altegio.clientbook.ProgressStage
import com.altegio.clientbook.checkRights
import com.altegio.clientbook.contactsPermissionAdvice
import com.altegio.clientbook.core.Action
import com.altegio.clientbook.core.ContactsPermission
import com.altegio.clientbook.core.ImportReport
import com.altegio.clientbook.core.PermissionAction
import com.altegio.clientbook.core.PermissionAdvice
import com.altegio.clientbook.core.PreviewRow
import com.altegio.clientbook.core.Rights
import com.altegio.clientbook.core.Summary
import kotlinx.coroutines.CancellationException
import kotlinx.coroutines.Dispatchers
import kotlinx.coroutines.Job
import kotlinx.coroutines.NonCancellable
import kotlinx.coroutines.ensureActive
import kotlinx.coroutines.isActive
import kotlinx.coroutines.flow.MutableStateFlow
import kotlinx.coroutines.flow.StateFlow
import kotlinx.coroutines.flow.asStateFlow
import kotlinx.coroutines.flow.update
import kotlinx.coroutines.launch
import kotlinx.coroutines.withContext

/** Where the import screen is. */
enum class ImportPhase { IDLE, READING, MATCHING, READY, COMMITTING, DONE }

/**
 * Everything the import screen draws, all of it from the core except [progress] while the
 * phonebook is being read. Rows are not here: the list pages them with [ImportViewModel.rows]
 * and pages again when [rowsVersion] changes.
 */
data class ImportUiState(
    val phase: ImportPhase = ImportPhase.IDLE,
    val progress: JobProgress? = null,
    val summary: Summary? = null,
    val rowCount: ULong = 0uL,
    val rowsVersion: Long = 0,
    /** The last commit's result; `report.cancelled` when it stopped on request. */
    val report: ImportReport? = null,
    /** iOS-style "limited" notes and similar advice shown while the screen still works. */
    val permissionNote: PermissionAdvice? = null,
    val problem: Problem? = null,
)

/**
 * The import screen: reads the phonebook, opens an [ImportSession] and relays its preview,
 * selection and commit to the UI. It decides nothing itself; statuses, counts, what may be
 * selected and every message come from the session.
 *
 * The [database] belongs to the caller (it outlives the screen); the session belongs to this
 * ViewModel and is closed in [onCleared].
 */
class ImportViewModel(
    private val reader: ContactsReader,
    private val database: ClientDatabase,
    private val rights: Rights,
    private val settings: LocationSettings,
) : ViewModel() {

    private val _state = MutableStateFlow(ImportUiState())
    val state: StateFlow<ImportUiState> = _state.asStateFlow()

    @Volatile private var session: ImportSession? = null
    private var permission: ContactsPermission = ContactsPermission.ANDROID_DENIED
    private var loadJob: Job? = null
    private var commitJob: Job? = null

    /** Set to stop matching (cancel or onCleared); the core's progress callback acts on it. */
    @Volatile private var stopMatching = false

    /**
     * Reports the core's progress to [state]. Called on the thread running the job; throwing
     * [ClientbookException.Cancelled] stops matching, which has no cancel of its own.
     */
    private val progress = object : ImportProgress {
        override fun onProgress(stage: ProgressStage, done: ULong, total: ULong) {
            if (stage == ProgressStage.MATCHING && stopMatching) throw ClientbookException.Cancelled()
            val shown = when (stage) {
                ProgressStage.MATCHING -> Stage.MATCHING
                ProgressStage.IMPORTING -> Stage.IMPORTING
            }
            _state.update { it.copy(progress = JobProgress(shown, done, total)) }
        }
    }

    /**
     * Reads the phonebook and builds the preview. [permission] comes from
     * [ContactsPermissionState.current] with [ContactsPermissionState.IMPORT]; when the core's
     * advice is not to proceed, the screen gets that advice instead.
     */
    fun load(permission: ContactsPermission) {
        // isCompleted, not isActive: a cancelled load may still be inside the core.
        if (loadJob?.isCompleted == false || commitJob?.isCompleted == false) return
        this.permission = permission
        val advice = contactsPermissionAdvice(permission)
        if (advice.action != PermissionAction.PROCEED && advice.action != PermissionAction.PROCEED_LIMITED) {
            _state.value = ImportUiState(problem = Problem.Permission(advice))
            return
        }
        val note = advice.takeIf { it.action == PermissionAction.PROCEED_LIMITED }
        stopMatching = false
        loadJob = viewModelScope.launch {
            try {
                // Rights first: no point reading 50,000 contacts for a refusal.
                checkRights(rights, Action.IMPORT)
                _state.value = ImportUiState(
                    phase = ImportPhase.READING,
                    progress = JobProgress(Stage.READING_PHONEBOOK, 0uL, 0uL),
                    permissionNote = note,
                )
                val contacts = withContext(Dispatchers.IO) {
                    reader.readAll { done, total ->
                        ensureActive()
                        _state.update {
                            it.copy(progress = JobProgress(Stage.READING_PHONEBOOK, done.toULong(), total.toULong()))
                        }
                    }
                }
                _state.update { it.copy(phase = ImportPhase.MATCHING, progress = JobProgress(Stage.MATCHING, 0uL, 0uL)) }
                // NonCancellable so a session the core finishes opening is always received,
                // and closed here if the screen went away meanwhile; matching itself is
                // stopped through stopMatching.
                val opened = withContext(Dispatchers.IO + NonCancellable) {
                    ImportSession(database, contacts, rights, permission, settings, progress)
                }
                if (!isActive) {
                    opened.close()
                    return@launch
                }
                replaceSession(opened)
                _state.update {
                    it.copy(
                        phase = ImportPhase.READY,
                        progress = null,
                        summary = opened.summary(),
                        rowCount = opened.rowCount(),
                        rowsVersion = it.rowsVersion + 1,
                    )
                }
            } catch (e: ClientbookException) {
                _state.update { it.copy(phase = ImportPhase.IDLE, progress = null, problem = e.toProblem(permission)) }
            } catch (e: SecurityException) {
                // The permission went away between the check and the query; the screen
                // checks again and asks.
                _state.update {
                    it.copy(
                        phase = ImportPhase.IDLE,
                        progress = null,
                        problem = Problem.Permission(contactsPermissionAdvice(ContactsPermission.ANDROID_DENIED)),
                    )
                }
            } catch (e: CancellationException) {
                throw e
            } catch (e: Exception) {
                Log.w(TAG, "reading the phonebook failed: ${e.javaClass.simpleName}")
                _state.update { it.copy(phase = ImportPhase.IDLE, progress = null, problem = Problem.Phonebook(writing = false)) }
            }
        }
    }

    /** Rows `offset until offset + limit` of the preview (fewer at the end); off the main thread. */
    suspend fun rows(offset: ULong, limit: ULong): List<PreviewRow> {
        val s = session ?: return emptyList()
        return withContext(Dispatchers.Default) { s.rows(offset, limit) }
    }

    /** Indexes of the rows matching [query] by name or number, for a search field. */
    suspend fun filter(query: String): List<ULong> {
        val s = session ?: return emptyList()
        return withContext(Dispatchers.Default) { s.filter(query) }
    }

    /** The rows at [indexes], in that order: pages of a filtered list. */
    suspend fun rowsAt(indexes: List<ULong>): List<PreviewRow> {
        val s = session ?: return emptyList()
        return try {
            withContext(Dispatchers.Default) { s.rowsAt(indexes) }
        } catch (e: ClientbookException) {
            show(e)
            emptyList()
        }
    }

    fun selectAll() = edit { it.selectAll() }

    fun selectNone() = edit { it.selectNone() }

    /** Flips one row; a row the core will not select comes back as a [Problem.CoreMessage] saying why. */
    fun toggle(index: ULong) = edit { it.toggle(index) }

    /** Picks which of the row's numbers to import ([phone] indexes `PreviewRow.phones`). */
    fun chooseNumber(index: ULong, phone: UInt) = edit { it.chooseNumber(index, phone) }

    /** Writes the selection as clients, with progress; [cancel] stops it after the current batch. */
    fun commit() {
        val s = session ?: return
        if (commitJob?.isCompleted == false || loadJob?.isCompleted == false) return
        _state.update {
            it.copy(phase = ImportPhase.COMMITTING, progress = JobProgress(Stage.IMPORTING, 0uL, 0uL), problem = null)
        }
        commitJob = viewModelScope.launch {
            try {
                val report = withContext(Dispatchers.IO) { s.commit(progress) }
                _state.update {
                    it.copy(
                        phase = ImportPhase.DONE,
                        progress = null,
                        report = report,
                        summary = s.summary(),
                        rowsVersion = it.rowsVersion + 1,
                    )
                }
            } catch (e: ClientbookException) {
                // Whole batches written before the error are recorded in the session; the
                // refreshed summary shows them, and committing again sends only the rest.
                _state.update {
                    it.copy(
                        phase = ImportPhase.READY,
                        progress = null,
                        summary = s.summary(),
                        rowsVersion = it.rowsVersion + 1,
                        problem = e.toProblem(permission),
                    )
                }
            }
        }
    }

    /** Stops what is running: reading or matching at once, a commit after its current batch. */
    fun cancel() {
        when (_state.value.phase) {
            ImportPhase.COMMITTING -> session?.cancel()
            ImportPhase.READING, ImportPhase.MATCHING -> {
                stopMatching = true
                loadJob?.cancel()
                _state.update { it.copy(phase = ImportPhase.IDLE, progress = null) }
            }
            else -> Unit
        }
    }

    /** The screen showed the problem; clear it. */
    fun dismissProblem() = _state.update { it.copy(problem = null) }

    override fun onCleared() {
        stopMatching = true
        session?.let {
            // A commit still running on the IO thread stops after its batch; uniffi frees the
            // Rust object once that call returns.
            it.cancel()
            it.close()
        }
        session = null
    }

    private fun replaceSession(next: ImportSession) {
        session?.close()
        session = next
    }

    /** Runs a selection change off the main thread and republishes the core's counts. */
    private fun edit(change: (ImportSession) -> Unit) {
        val s = session ?: return
        viewModelScope.launch {
            try {
                val summary = withContext(Dispatchers.Default) {
                    change(s)
                    s.summary()
                }
                _state.update { it.copy(summary = summary, rowsVersion = it.rowsVersion + 1) }
            } catch (e: ClientbookException) {
                show(e)
            }
        }
    }

    private fun show(e: ClientbookException) {
        _state.update { it.copy(problem = e.toProblem(permission)) }
    }

    companion object {
        private const val TAG = "ClientbookImport"

        /** Builds the ViewModel with the app's database, the signed-in user's rights and the location's settings. */
        fun factory(
            context: Context,
            database: ClientDatabase,
            rights: Rights,
            settings: LocationSettings,
        ): ViewModelProvider.Factory {
            val resolver = context.applicationContext.contentResolver
            return viewModelFactory {
                initializer { ImportViewModel(ContactsReader(resolver), database, rights, settings) }
            }
        }
    }
}
