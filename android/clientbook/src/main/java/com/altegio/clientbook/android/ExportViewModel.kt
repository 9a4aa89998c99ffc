package com.altegio.clientbook.android

import android.content.Context
import android.util.Log
import androidx.lifecycle.ViewModelProvider
import androidx.lifecycle.viewmodel.initializer
import androidx.lifecycle.viewmodel.viewModelFactory
import com.altegio.clientbook.AltegioConnection
import com.altegio.clientbook.ClientDatabase
import com.altegio.clientbook.ExportScreen
import com.altegio.clientbook.ExportScreenObserver
import com.altegio.clientbook.LocationSettings
import com.altegio.clientbook.core.ContactsPermission
import com.altegio.clientbook.core.ExportActions
import com.altegio.clientbook.core.ExportRow
import com.altegio.clientbook.core.ExportScreenState
import com.altegio.clientbook.core.PhonebookContact
import com.altegio.clientbook.core.ExportSummary
import com.altegio.clientbook.core.FailureKind
import com.altegio.clientbook.core.Rights
import com.altegio.clientbook.core.ScreenPhase

/**
 * The export screen ("Save to phonebook") as an adapter of the core's [ExportScreen]: the
 * core owns the state and every transition; [ScreenViewModel] publishes it, runs each core
 * call on one background thread and reads the phonebook when the phase is
 * [ScreenPhase.READING] (so clients already there are recognised). This class adds the
 * export screen's events and its second effect: writing the contacts
 * [ExportScreen.beginWrite] hands out, reporting each written batch back
 * ([ExportScreen.written]) so exporting again writes nothing twice.
 */
class ExportViewModel internal constructor(
    reader: ContactsReader,
    private val writer: ContactsWriter,
    open: (ExportScreenObserver) -> ExportScreen,
) : ScreenViewModel<ExportScreen, ExportScreenState, ExportRow>("clientbook-export", reader, Core(open)) {

    fun search(query: String) = call { it.search(query) }

    fun selectAll() = call { it.selectAll() }

    fun selectNone() = call { it.selectNone() }

    fun toggle(clientId: Long) = call { it.toggle(clientId) }

    /** Writes the selected clients to the phonebook; progress and the result arrive in [state]. */
    fun exportSelected() = call { writeContacts(it) }

    fun retry() = call { it.retry() }

    fun backToList() = call { it.backToList() }

    /**
     * The write effect: the contacts the core hands out, in the writer's one-transaction
     * calls, each call's contacts reported to the core before the next call; the core's
     * "stop" (a cancel) ends the write. A phonebook failure keeps what was written.
     */
    private fun writeContacts(s: ExportScreen): ExportScreenState {
        val toWrite = s.beginWrite()
        if (toWrite.isEmpty()) return s.state()
        publish(s.state())
        var goOn = true
        val result = writer.write(
            toWrite,
            isCancelled = { !goOn },
            onWritten = { batch -> goOn = s.written(batch) },
        )
        result.failure?.let { Log.w(TAG, "writing the phonebook failed: ${it.javaClass.simpleName}") }
        return s.writeFinished(result.failure != null)
    }

    /** How the shared plumbing talks to the core's export screen. */
    private class Core(private val make: (ExportScreenObserver) -> ExportScreen) :
        CoreScreen<ExportScreen, ExportScreenState, ExportRow> {
        override val tag = TAG
        override val starting = STARTING
        override fun open(publish: (ExportScreenState) -> Unit) = make(
            object : ExportScreenObserver {
                override fun onState(state: ExportScreenState) = publish(state)
            },
        )
        override fun state(s: ExportScreen) = s.state()
        override fun permissionChanged(s: ExportScreen, permission: ContactsPermission) = s.permissionChanged(permission)
        override fun readingProgress(s: ExportScreen, done: ULong) = s.readingProgress(done)
        override fun contactsRead(s: ExportScreen, contacts: List<PhonebookContact>) = s.contactsRead(contacts)
        override fun readingFailed(s: ExportScreen) = s.readingFailed()
        override fun cancel(s: ExportScreen) = s.cancel()
        override fun rows(s: ExportScreen, offset: ULong, limit: ULong) = s.rows(offset, limit)
        override fun phase(state: ExportScreenState) = state.phase
        override fun shellFailed(from: ExportScreenState) = ExportViewModel.shellFailed(from)
    }

    companion object {
        private const val TAG = "ClientbookExport"

        private val STARTING = ExportScreenState(
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
            exportable = 0uL,
            alreadyOnPhone = 0uL,
            summary = ExportSummary(new = 0uL, inPhonebook = 0uL, selected = 0uL, total = 0uL),
            written = null,
            cancelled = false,
            actions = ExportActions(
                selectAll = false, selectNone = false, exportSelected = false, cancel = false,
                retry = false, search = false, backToList = false,
            ),
        )

        internal fun shellFailed(from: ExportScreenState) = from.copy(
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
                    ExportViewModel(ContactsReader(resolver), ContactsWriter(resolver, settings.region)) {
                        ExportScreen.local(database, rights, settings, it)
                    }
                }
            }
        }

        /** Against the salon's Altegio location. */
        fun factory(
            context: Context,
            connection: AltegioConnection,
            settings: LocationSettings,
        ): ViewModelProvider.Factory {
            val resolver = context.applicationContext.contentResolver
            return viewModelFactory {
                initializer {
                    ExportViewModel(ContactsReader(resolver), ContactsWriter(resolver, settings.region)) {
                        ExportScreen.altegio(connection, settings, it)
                    }
                }
            }
        }
    }
}
