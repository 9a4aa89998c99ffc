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
import com.altegio.clientbook.ExportSession
import com.altegio.clientbook.LocationSettings
import com.altegio.clientbook.checkRights
import com.altegio.clientbook.contactsPermissionAdvice
import com.altegio.clientbook.core.Action
import com.altegio.clientbook.core.ContactsPermission
import com.altegio.clientbook.core.ExportRow
import com.altegio.clientbook.core.ExportSummary
import com.altegio.clientbook.core.PermissionAction
import com.altegio.clientbook.core.Rights
import kotlinx.coroutines.CancellationException
import kotlinx.coroutines.Dispatchers
import kotlinx.coroutines.Job
import kotlinx.coroutines.NonCancellable
import kotlinx.coroutines.ensureActive
import kotlinx.coroutines.flow.MutableStateFlow
import kotlinx.coroutines.flow.StateFlow
import kotlinx.coroutines.flow.asStateFlow
import kotlinx.coroutines.flow.update
import kotlinx.coroutines.isActive
import kotlinx.coroutines.launch
import kotlinx.coroutines.withContext

/** Where the export screen is. */
enum class ExportPhase { IDLE, READING, READY, WRITING, DONE }

/** What the last "save to phonebook" did. */
data class ExportOutcome(val written: Int, val cancelled: Boolean)

/** Everything the export screen draws; rows are paged with [ExportViewModel.rows]. */
data class ExportUiState(
    val phase: ExportPhase = ExportPhase.IDLE,
    val progress: JobProgress? = null,
    val summary: ExportSummary? = null,
    val rowCount: ULong = 0uL,
    val rowsVersion: Long = 0,
    val outcome: ExportOutcome? = null,
    val problem: Problem? = null,
)

/**
 * The export screen ("save clients to the phonebook"): reads the phonebook so the core can
 * tell which clients are already there, opens an [ExportSession], writes what the core says
 * to write with [ContactsWriter] and reports the new contact ids back with
 * `confirmWritten`, so exporting again writes nothing twice.
 */
class ExportViewModel(
    private val reader: ContactsReader,
    private val writer: ContactsWriter,
    private val database: ClientDatabase,
    private val rights: Rights,
    private val settings: LocationSettings,
) : ViewModel() {

    private val _state = MutableStateFlow(ExportUiState())
    val state: StateFlow<ExportUiState> = _state.asStateFlow()

    @Volatile private var session: ExportSession? = null
    private var permission: ContactsPermission = ContactsPermission.ANDROID_DENIED
    private var loadJob: Job? = null
    private var writeJob: Job? = null
    @Volatile private var cancelWrite = false

    /**
     * A write must confirm what it wrote even if the screen goes away mid-way, so while one
     * runs, onCleared leaves closing the session to it. Guarded by [lock].
     */
    private val lock = Any()
    private var writing = false
    private var cleared = false

    /**
     * Reads the phonebook and builds the export list. [permission] comes from
     * [ContactsPermissionState.current] with [ContactsPermissionState.EXPORT].
     */
    fun load(permission: ContactsPermission) {
        if (loadJob?.isCompleted == false || writeJob?.isCompleted == false) return
        this.permission = permission
        val advice = contactsPermissionAdvice(permission)
        if (advice.action != PermissionAction.PROCEED && advice.action != PermissionAction.PROCEED_LIMITED) {
            _state.value = ExportUiState(problem = Problem.Permission(advice))
            return
        }
        loadJob = viewModelScope.launch {
            try {
                checkRights(rights, Action.EXPORT)
                _state.value = ExportUiState(
                    phase = ExportPhase.READING,
                    progress = JobProgress(Stage.READING_PHONEBOOK, 0uL, 0uL),
                )
                val deviceContacts = withContext(Dispatchers.IO) {
                    reader.readAll { done, total ->
                        ensureActive()
                        _state.update {
                            it.copy(progress = JobProgress(Stage.READING_PHONEBOOK, done.toULong(), total.toULong()))
                        }
                    }
                }
                val opened = withContext(Dispatchers.IO + NonCancellable) {
                    ExportSession(database, deviceContacts, rights, permission, settings)
                }
                if (!isActive) {
                    opened.close()
                    return@launch
                }
                session?.close()
                session = opened
                _state.update {
                    it.copy(
                        phase = ExportPhase.READY,
                        progress = null,
                        summary = opened.summary(),
                        rowCount = opened.rowCount(),
                        rowsVersion = it.rowsVersion + 1,
                    )
                }
            } catch (e: ClientbookException) {
                _state.update { it.copy(phase = ExportPhase.IDLE, progress = null, problem = e.toProblem(permission)) }
            } catch (e: CancellationException) {
                throw e
            } catch (e: Exception) {
                _state.update { it.copy(phase = ExportPhase.IDLE, progress = null, problem = phonebookProblem(e, writing = false)) }
            }
        }
    }

    /** Rows `offset until offset + limit` (fewer at the end); off the main thread. */
    suspend fun rows(offset: ULong, limit: ULong): List<ExportRow> {
        val s = session ?: return emptyList()
        return withContext(Dispatchers.Default) { s.rows(offset, limit) }
    }

    fun selectAll() = edit { it.selectAll() }

    fun selectNone() = edit { it.selectNone() }

    /** A client already in the phonebook cannot be selected; the core says so as a [Problem.CoreMessage]. */
    fun toggle(clientId: Long) = edit { it.toggle(clientId) }

    /**
     * Writes the selected clients to the phonebook and confirms them to the core. A cancel or
     * a failure part-way still confirms every contact already written.
     */
    fun export() {
        val s = session ?: return
        if (writeJob?.isCompleted == false || loadJob?.isCompleted == false) return
        synchronized(lock) {
            if (cleared) return
            writing = true
        }
        cancelWrite = false
        _state.update {
            it.copy(phase = ExportPhase.WRITING, progress = JobProgress(Stage.WRITING_PHONEBOOK, 0uL, 0uL), problem = null)
        }
        writeJob = viewModelScope.launch {
            val (result, confirmError) = withContext(Dispatchers.IO + NonCancellable) {
                try {
                    val result = writer.write(s.contactsToWrite(), isCancelled = { cancelWrite }) { done, total ->
                        _state.update {
                            it.copy(progress = JobProgress(Stage.WRITING_PHONEBOOK, done.toULong(), total.toULong()))
                        }
                    }
                    val confirmError = try {
                        s.confirmWritten(result.written)
                        null
                    } catch (e: ClientbookException) {
                        e
                    }
                    result to confirmError
                } finally {
                    synchronized(lock) {
                        writing = false
                        if (cleared) s.close()
                    }
                }
            }
            if (!isActive) return@launch
            val problem = confirmError?.toProblem(permission)
                ?: result.failure?.let { phonebookProblem(it, writing = true) }
            _state.update {
                it.copy(
                    phase = ExportPhase.DONE,
                    progress = null,
                    summary = s.summary(),
                    rowsVersion = it.rowsVersion + 1,
                    outcome = ExportOutcome(result.written.size, result.cancelled),
                    problem = problem,
                )
            }
        }
    }

    /** Stops reading at once, or a write after its current batch. */
    fun cancel() {
        when (_state.value.phase) {
            ExportPhase.WRITING -> cancelWrite = true
            ExportPhase.READING -> {
                loadJob?.cancel()
                _state.update { it.copy(phase = ExportPhase.IDLE, progress = null) }
            }
            else -> Unit
        }
    }

    fun dismissProblem() = _state.update { it.copy(problem = null) }

    override fun onCleared() {
        cancelWrite = true
        synchronized(lock) {
            cleared = true
            if (!writing) session?.close()
        }
    }

    private fun edit(change: (ExportSession) -> Unit) {
        val s = session ?: return
        viewModelScope.launch {
            try {
                val summary = withContext(Dispatchers.Default) {
                    change(s)
                    s.summary()
                }
                _state.update { it.copy(summary = summary, rowsVersion = it.rowsVersion + 1) }
            } catch (e: ClientbookException) {
                _state.update { it.copy(problem = e.toProblem(permission)) }
            }
        }
    }

    /** A phonebook failure as the screen shows it; the exception's text is never shown or logged. */
    private fun phonebookProblem(e: Exception, writing: Boolean): Problem = when (e) {
        is ClientbookException -> e.toProblem(permission) ?: Problem.Phonebook(writing)
        // The permission went away; the screen checks again and asks.
        is SecurityException -> Problem.Permission(contactsPermissionAdvice(ContactsPermission.ANDROID_DENIED))
        else -> {
            Log.w(TAG, "phonebook ${if (writing) "write" else "read"} failed: ${e.javaClass.simpleName}")
            Problem.Phonebook(writing)
        }
    }

    companion object {
        private const val TAG = "ClientbookExport"

        fun factory(
            context: Context,
            database: ClientDatabase,
            rights: Rights,
            settings: LocationSettings,
        ): ViewModelProvider.Factory {
            val resolver = context.applicationContext.contentResolver
            return viewModelFactory {
                initializer {
                    ExportViewModel(
                        ContactsReader(resolver),
                        ContactsWriter(resolver, settings.region),
                        database,
                        rights,
                        settings,
                    )
                }
            }
        }
    }
}
