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
import com.altegio.clientbook.ExportScreen
import com.altegio.clientbook.ExportScreenObserver
import com.altegio.clientbook.LocationSettings
import com.altegio.clientbook.core.ContactsPermission
import com.altegio.clientbook.core.ExportActions
import com.altegio.clientbook.core.ExportRow
import com.altegio.clientbook.core.ExportScreenState
import com.altegio.clientbook.core.ExportSummary
import com.altegio.clientbook.core.FailureKind
import com.altegio.clientbook.core.Rights
import com.altegio.clientbook.core.ScreenPhase
import kotlinx.coroutines.Dispatchers
import kotlinx.coroutines.flow.MutableStateFlow
import kotlinx.coroutines.flow.StateFlow
import kotlinx.coroutines.flow.asStateFlow
import kotlinx.coroutines.launch
import kotlinx.coroutines.withContext

/**
 * The export screen ("Save to phonebook") as an adapter of the core's [ExportScreen]: the
 * core owns the state and every transition; this class publishes the core's
 * [ExportScreenState] as [state], runs each core call on one background thread, and performs
 * the two effects the core asks of the shell: reading the phonebook when the phase is
 * [ScreenPhase.READING] (so clients already there are recognised), and writing the contacts
 * [ExportScreen.beginWrite] hands out, reporting each written batch back
 * ([ExportScreen.written]) so exporting again writes nothing twice.
 *
 * Every exception of a core call is caught, a Rust panic (uniffi's `InternalException`)
 * included: the screen then shows [ScreenPhase.FAILED] with [FailureKind.INTERNAL] and a retry
 * on a fresh core screen, so the phase never stays stuck at COMMITTING.
 */
class ExportViewModel internal constructor(
    private val reader: ContactsReader,
    private val writer: ContactsWriter,
    private val open: (ExportScreenObserver) -> ExportScreen,
) : ViewModel() {

    private val worker = ScreenWorker("clientbook-export")
    private val rowsWorker = java.util.concurrent.Executors.newSingleThreadExecutor { r ->
        Thread(r, "clientbook-export-rows").apply { isDaemon = true }
    }

    private val observer = object : ExportScreenObserver {
        override fun onState(state: ExportScreenState) {
            _state.value = state
        }
    }

    @Volatile private var screen: ExportScreen? = null
    @Volatile private var shellFailure = false
    @Volatile private var permission: ContactsPermission = ContactsPermission.ANDROID_DENIED

    private val _state = MutableStateFlow(openScreen())

    /** What the screen draws. Rows are paged with [rows] and paged again when `rowsVersion` changes. */
    val state: StateFlow<ExportScreenState> = _state.asStateFlow()

    /**
     * The contacts permission as Android reports it now ([ContactsPermissionState.current] with
     * [ContactsPermissionState.EXPORT]). Call when the screen opens and on every return.
     */
    fun onPermission(permission: ContactsPermission) {
        this.permission = permission
        call { it.permissionChanged(permission) }
    }

    fun search(query: String) = call { it.search(query) }

    fun selectAll() = call { it.selectAll() }

    fun selectNone() = call { it.selectNone() }

    fun toggle(clientId: Long) = call { it.toggle(clientId) }

    /** Writes the selected clients to the phonebook; progress and the result arrive in [state]. */
    fun exportSelected() = call { writeContacts(it) }

    fun retry() = call { it.retry() }

    fun backToList() = call { it.backToList() }

    /** Stops reading or writing (after the batch being written); safe from any thread. */
    fun cancel() {
        try {
            screen?.cancel()
        } catch (e: Exception) {
            Log.w(TAG, "cancel failed: ${e.javaClass.simpleName}")
        }
    }

    /** Rows `offset until offset + limit` of the visible (searched) list; empty on any failure. */
    suspend fun rows(offset: ULong, limit: ULong): List<ExportRow> {
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
    internal fun rowsNow(offset: Long, limit: Long): List<ExportRow> =
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
        // A write in progress stops after its batch, which is still reported to the core.
        s?.cancel()
        rowsWorker.shutdown()
        worker.finish { s?.close() }
    }

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

    internal fun call(change: (ExportScreen) -> ExportScreenState) {
        viewModelScope.launch(worker.dispatcher) {
            try {
                var s = screen
                if (s == null || shellFailure) {
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

    private fun readPhonebook(s: ExportScreen) {
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
            publish(s.permissionChanged(ContactsPermission.ANDROID_DENIED))
            return
        } catch (e: Exception) {
            Log.w(TAG, "reading the phonebook failed: ${e.javaClass.simpleName}")
            publish(s.readingFailed())
            return
        }
        publish(s.contactsRead(contacts))
    }

    private fun publish(state: ExportScreenState) {
        _state.value = state
    }

    private fun failed(e: Exception) {
        Log.w(TAG, "a core call failed: ${e.javaClass.simpleName}")
        shellFailure = true
        _state.value = shellFailed(_state.value)
    }

    private fun reopen(): ExportScreen? {
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

    private fun openScreen(): ExportScreenState = try {
        val s = open(observer)
        screen = s
        shellFailure = false
        s.state()
    } catch (e: Exception) {
        Log.w(TAG, "opening the export screen failed: ${e.javaClass.simpleName}")
        shellFailure = true
        shellFailed(STARTING)
    }

    private class ReadStopped : RuntimeException()

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
