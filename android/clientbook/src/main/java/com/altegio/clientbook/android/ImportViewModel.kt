package com.altegio.clientbook.android

import android.content.Context
import android.util.Log
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
import com.altegio.clientbook.core.PhonebookContact
import com.altegio.clientbook.core.PreviewRow
import com.altegio.clientbook.core.Rights
import com.altegio.clientbook.core.ScreenPhase
import com.altegio.clientbook.core.Summary
import kotlinx.coroutines.flow.MutableStateFlow
import kotlinx.coroutines.flow.StateFlow
import kotlinx.coroutines.flow.asStateFlow
import kotlinx.coroutines.launch

/**
 * The import screen ("Export from phonebook") as an adapter of the core's [ImportScreen]: the
 * core owns the state and every transition; [ScreenViewModel] publishes it, runs each core
 * call on one background thread and reads the phonebook when the phase is
 * [ScreenPhase.READING]. This class adds the import screen's events and the history list.
 *
 * [open] makes the core screen (local database or Altegio location) with the observer given;
 * the ViewModel owns what it returns and closes it in [onCleared].
 */
class ImportViewModel internal constructor(
    reader: ContactsReader,
    open: (ImportScreenObserver) -> ImportScreen,
) : ScreenViewModel<ImportScreen, ImportScreenState, PreviewRow>("clientbook-import", reader, Core(open)) {

    private val _history = MutableStateFlow<ImportHistory?>(null)

    /** The import history while the user has it open ([showHistory]), else null. */
    val history: StateFlow<ImportHistory?> = _history.asStateFlow()

    @Volatile private var historyOpen = false

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

    /** How the shared plumbing talks to the core's import screen. */
    private class Core(private val make: (ImportScreenObserver) -> ImportScreen) :
        CoreScreen<ImportScreen, ImportScreenState, PreviewRow> {
        override val tag = TAG
        override val starting = STARTING
        override fun open(publish: (ImportScreenState) -> Unit) = make(
            object : ImportScreenObserver {
                override fun onState(state: ImportScreenState) = publish(state)
            },
        )
        override fun state(s: ImportScreen) = s.state()
        override fun permissionChanged(s: ImportScreen, permission: ContactsPermission) = s.permissionChanged(permission)
        override fun readingProgress(s: ImportScreen, done: ULong) = s.readingProgress(done)
        override fun contactsRead(s: ImportScreen, contacts: List<PhonebookContact>) = s.contactsRead(contacts)
        override fun readingFailed(s: ImportScreen) = s.readingFailed()
        override fun cancel(s: ImportScreen) = s.cancel()
        override fun rows(s: ImportScreen, offset: ULong, limit: ULong) = s.rows(offset, limit)
        override fun phase(state: ImportScreenState) = state.phase
        override fun shellFailed(from: ImportScreenState) = ImportViewModel.shellFailed(from)
    }

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
