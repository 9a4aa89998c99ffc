package com.altegio.clientbook.android

import android.content.Context
import android.util.Log
import androidx.lifecycle.ViewModel
import androidx.lifecycle.ViewModelProvider
import androidx.lifecycle.viewModelScope
import androidx.lifecycle.viewmodel.initializer
import androidx.lifecycle.viewmodel.viewModelFactory
import com.altegio.clientbook.AltegioConnection
import com.altegio.clientbook.ClientDatabase
import com.altegio.clientbook.ImportScreen
import com.altegio.clientbook.ImportScreenObserver
import com.altegio.clientbook.LocationSettings
import com.altegio.clientbook.core.ContactsPermission
import com.altegio.clientbook.core.FailureKind
import com.altegio.clientbook.core.ImportActions
import com.altegio.clientbook.core.ImportRecord
import com.altegio.clientbook.core.ImportScreenState
import com.altegio.clientbook.core.PreviewRow
import com.altegio.clientbook.core.Rights
import com.altegio.clientbook.core.ScreenPhase
import com.altegio.clientbook.core.Summary
import kotlinx.coroutines.Dispatchers
import kotlinx.coroutines.flow.MutableStateFlow
import kotlinx.coroutines.flow.StateFlow
import kotlinx.coroutines.flow.asStateFlow
import kotlinx.coroutines.launch
import kotlinx.coroutines.withContext

/**
 * The import screen ("Export from phonebook") as an adapter of the core's [ImportScreen]: the
 * core owns the state and every transition; this class publishes the core's
 * [ImportScreenState] as [state], runs each core call on one background thread, and performs
 * the one effect the core asks of the shell: reading the phonebook when the phase is
 * [ScreenPhase.READING].
 *
 * Every exception of a core call is caught, a Rust panic (uniffi's `InternalException`)
 * included: the screen then shows [ScreenPhase.FAILED] with [FailureKind.INTERNAL] and a retry,
 * which opens a fresh core screen, so no phase can stay stuck at MATCHING or COMMITTING.
 *
 * [open] makes the core screen (local database or Altegio location) with the observer given;
 * the ViewModel owns what it returns and closes it in [onCleared].
 */
class ImportViewModel internal constructor(
    private val reader: ContactsReader,
    private val open: (ImportScreenObserver) -> ImportScreen,
) : ViewModel() {

    private val worker = ScreenWorker("clientbook-import")
    private val rowsWorker = java.util.concurrent.Executors.newSingleThreadExecutor { r ->
        Thread(r, "clientbook-import-rows").apply { isDaemon = true }
    }

    /** Every state the core reports, from whichever thread reports it. */
    private val observer = object : ImportScreenObserver {
        override fun onState(state: ImportScreenState) {
            _state.value = state
        }
    }

    @Volatile private var screen: ImportScreen? = null
    @Volatile private var shellFailure = false
    @Volatile private var permission: ContactsPermission = ContactsPermission.ANDROID_DENIED

    private val _state = MutableStateFlow(openScreen())

    /** What the screen draws. Rows are paged with [rows] and paged again when `rowsVersion` changes. */
    val state: StateFlow<ImportScreenState> = _state.asStateFlow()

    private val _history = MutableStateFlow<ImportHistory?>(null)

    /** The import history while the user has it open ([showHistory]), else null. */
    val history: StateFlow<ImportHistory?> = _history.asStateFlow()

    @Volatile private var historyOpen = false

    /**
     * The contacts permission as Android reports it now ([ContactsPermissionState.current] with
     * [ContactsPermissionState.IMPORT]). Call when the screen opens and whenever the app comes
     * back to the foreground (the user may have granted it in Settings).
     */
    fun onPermission(permission: ContactsPermission) {
        this.permission = permission
        call { it.permissionChanged(permission) }
    }

    fun search(query: String) = call { it.search(query) }

    fun selectAll() = call { it.selectAll() }

    fun selectNone() = call { it.selectNone() }

    fun toggle(index: ULong) = call { it.toggle(index) }

    /** Picks which of the row's numbers to import ([phone] indexes `PreviewRow.phones`). */
    fun chooseNumber(index: ULong, phone: UInt) = call { it.chooseNumber(index, phone) }

    /** "Select suggested": the core selects the contacts that look like clients. */
    fun selectSuggested() = call { it.selectSuggested() }

    /** Ticks or unticks adding the phonebook's email to the existing client of row [index]. */
    fun setFillIn(index: ULong, fill: Boolean) = call { it.setFillIn(index, fill) }

    /** Adds every offered email ([fill]) or none. */
    fun fillInAll(fill: Boolean) = call { it.fillInAll(fill) }

    /** "Undo import", after the user confirmed the state's `undoCount`; the report arrives in [state]. */
    fun undo() = call { it.undo() }

    /**
     * Undo of an import from the history list, after the user confirmed that record's
     * `created - undone`: the state goes through UNDOING (with progress; [cancel] stops it)
     * to the report.
     */
    fun undoImport(importId: Long) = call { it.undoImport(importId) }

    /** The switch "Put the new clients into the category …" ([enabled] or not). */
    fun setCategory(enabled: Boolean) = call { it.setCategory(enabled) }

    /**
     * Opens the import history: the core reads it on the screen's thread and it arrives in
     * [history]. A failure to read it is shown as such (its text is never shown: it may name
     * the database file).
     */
    fun showHistory() {
        historyOpen = true
        viewModelScope.launch(worker.dispatcher) {
            val records = try {
                screen?.history()
            } catch (e: Exception) {
                Log.w(TAG, "reading the import history failed: ${e.javaClass.simpleName}")
                null
            }
            // Closed meanwhile: stays closed.
            if (historyOpen) _history.value = ImportHistory(records ?: emptyList(), failed = records == null)
        }
    }

    fun hideHistory() {
        historyOpen = false
        _history.value = null
    }

    /** Creates the selected clients; progress and the result arrive in [state]. */
    fun importSelected() = call { it.commit() }

    /** From a failure (or a cancelled result): loads again, or commits the rest. */
    fun retry() = call { it.retry() }

    /** From the result back to the list, with only what is left selectable. */
    fun backToList() = call { it.backToList() }

    /** Stops reading, matching, committing or undoing; safe from the UI thread while a call runs. */
    fun cancel() {
        try {
            screen?.cancel()
        } catch (e: Exception) {
            Log.w(TAG, "cancel failed: ${e.javaClass.simpleName}")
        }
    }

    /** Rows `offset until offset + limit` of the visible (searched) list; empty on any failure. */
    suspend fun rows(offset: ULong, limit: ULong): List<PreviewRow> {
        val s = screen ?: return emptyList()
        return withContext(Dispatchers.Default) {
            try {
                s.rows(offset, limit)
            } catch (e: Exception) {
                Log.w(TAG, "rows failed: ${e.javaClass.simpleName}")
                emptyList()
            }
        }
    }

    /**
     * The same rows for a pager that fetches on its own thread ([fetchInBackground]); blocks.
     * The core allows `rows` from any thread, beside a running call.
     */
    internal fun rowsNow(offset: Long, limit: Long): List<PreviewRow> =
        screen?.rows(offset.toULong(), limit.toULong()) ?: emptyList()

    /** Runs a page fetch off the UI thread, one at a time, never behind a long core call. */
    internal fun fetchInBackground(block: () -> Unit) {
        try {
            rowsWorker.execute(block)
        } catch (e: java.util.concurrent.RejectedExecutionException) {
            // The screen is gone (onCleared): nothing to show the rows on.
        }
    }

    override fun onCleared() {
        val s = screen
        screen = null
        s?.cancel()
        // After the running call has stopped; the core frees the screen when it is closed.
        rowsWorker.shutdown()
        worker.finish { s?.close() }
    }

    /**
     * Runs [change] on the screen's thread, publishes the state it returns, and reads the
     * phonebook when the core asks for it. Any exception ends in a shown failure.
     */
    internal fun call(change: (ImportScreen) -> ImportScreenState) {
        viewModelScope.launch(worker.dispatcher) {
            try {
                var s = screen
                if (s == null || shellFailure) {
                    // After a failure of the shell's own making, only a retry goes on, on a
                    // fresh core screen told the permission again.
                    s = reopen() ?: return@launch
                    publish(s.permissionChanged(permission))
                    if (_state.value.phase == ScreenPhase.READING) readPhonebook(s)
                    return@launch
                }
                publish(change(s))
                if (_state.value.phase == ScreenPhase.READING) readPhonebook(s)
            } catch (e: Exception) {
                failed(e)
            }
        }
    }

    /**
     * The shell's effect: reads the device phonebook, reporting counts to the core, which
     * stops the read when the user cancels, then hands the contacts over for matching.
     */
    private fun readPhonebook(s: ImportScreen) {
        val contacts = try {
            reader.readAll { done, _ ->
                if (!s.readingProgress(done.toULong())) throw ReadStopped()
            }
        } catch (e: ReadStopped) {
            // The core stopped the read (a cancel): handing over what there is lets it
            // settle the screen (FAILED, cancelled, with a retry) instead of staying at READING.
            publish(s.contactsRead(emptyList()))
            return
        } catch (e: SecurityException) {
            // The permission went away between the check and the query: ask again.
            publish(s.permissionChanged(ContactsPermission.ANDROID_DENIED))
            return
        } catch (e: Exception) {
            // Only the class name: the provider's message may quote contact data.
            Log.w(TAG, "reading the phonebook failed: ${e.javaClass.simpleName}")
            publish(s.readingFailed())
            return
        }
        publish(s.contactsRead(contacts))
    }

    private fun publish(state: ImportScreenState) {
        _state.value = state
    }

    /** Shows [e] as an internal failure with a retry; the next call starts a fresh screen. */
    private fun failed(e: Exception) {
        Log.w(TAG, "a core call failed: ${e.javaClass.simpleName}")
        shellFailure = true
        _state.value = shellFailed(_state.value)
    }

    private fun reopen(): ImportScreen? {
        val old = screen
        screen = null
        try {
            old?.close()
        } catch (e: Exception) {
            Log.w(TAG, "closing the old screen failed: ${e.javaClass.simpleName}")
        }
        _state.value = openScreen()
        return screen
    }

    /** Opens the core screen; a failure (the database cannot be opened) is a shown failure. */
    private fun openScreen(): ImportScreenState = try {
        val s = open(observer)
        screen = s
        shellFailure = false
        s.state()
    } catch (e: Exception) {
        Log.w(TAG, "opening the import screen failed: ${e.javaClass.simpleName}")
        shellFailure = true
        shellFailed(STARTING)
    }

    /** The state read stopped by the core (cancelled); not an error. */
    private class ReadStopped : RuntimeException()

    /** The import history as the core returned it, newest first; [failed] when it could not be read. */
    data class ImportHistory(val records: List<ImportRecord>, val failed: Boolean)

    companion object {
        private const val TAG = "ClientbookImport"

        /** Shown before the core screen exists: nothing selected, nothing offered. */
        private val STARTING = ImportScreenState(
            phase = ScreenPhase.START,
            progress = null,
            permission = null,
            message = null,
            messageCode = null,
            failure = null,
            missingRights = emptyList(),
            query = "",
            visibleCount = 0uL,
            rowCount = 0uL,
            rowsVersion = 0uL,
            selected = 0uL,
            importable = 0uL,
            alreadyClients = 0uL,
            suggested = 0uL,
            fillInOffered = 0uL,
            fillInSelected = 0uL,
            undoCount = 0uL,
            undoReport = null,
            category = null,
            categoryTitle = null,
            summary = Summary(
                new = 0uL, existingClient = 0uL, duplicateInPhonebook = 0uL, needsChoice = 0uL,
                noPhone = 0uL, invalidPhone = 0uL, noName = 0uL, selected = 0uL, total = 0uL,
            ),
            report = null,
            actions = ImportActions(
                selectAll = false, selectNone = false, importSelected = false, cancel = false,
                retry = false, search = false, chooseNumber = false, backToList = false,
                selectSuggested = false, undo = false, fillInAll = false, setCategory = false,
                undoFromHistory = false,
            ),
        )

        /**
         * A failure the core did not report (an exception, a panic): FAILED, INTERNAL, only
         * retry offered, no message (the screen uses its own string resource).
         */
        internal fun shellFailed(from: ImportScreenState) = from.copy(
            phase = ScreenPhase.FAILED,
            progress = null,
            failure = FailureKind.INTERNAL,
            message = null,
            messageCode = null,
            actions = STARTING.actions.copy(retry = true),
        )

        /** Against the app's local client database, with the signed-in user's rights. */
        fun factory(
            context: Context,
            database: ClientDatabase,
            rights: Rights,
            settings: LocationSettings,
        ): ViewModelProvider.Factory {
            val resolver = context.applicationContext.contentResolver
            return viewModelFactory {
                initializer {
                    ImportViewModel(ContactsReader(resolver)) { ImportScreen.local(database, rights, settings, it) }
                }
            }
        }

        /** Against the salon's Altegio location: rights and the surname setting from the server. */
        fun factory(
            context: Context,
            connection: AltegioConnection,
            settings: LocationSettings,
        ): ViewModelProvider.Factory {
            val resolver = context.applicationContext.contentResolver
            return viewModelFactory {
                initializer {
                    ImportViewModel(ContactsReader(resolver)) { ImportScreen.altegio(connection, settings, it) }
                }
            }
        }
    }
}
