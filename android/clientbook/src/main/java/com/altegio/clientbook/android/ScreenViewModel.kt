package com.altegio.clientbook.android

import android.util.Log
import androidx.lifecycle.ViewModel
import androidx.lifecycle.viewModelScope
import com.altegio.clientbook.core.ContactsPermission
import com.altegio.clientbook.core.FailureKind
import com.altegio.clientbook.core.PhonebookContact
import com.altegio.clientbook.core.ScreenPhase
import kotlinx.coroutines.Dispatchers
import kotlinx.coroutines.flow.MutableStateFlow
import kotlinx.coroutines.flow.StateFlow
import kotlinx.coroutines.flow.asStateFlow
import kotlinx.coroutines.launch
import kotlinx.coroutines.withContext

/**
 * What the adapter needs of one kind of core screen (import or export): the generated
 * screens share no interface, so each ViewModel says how to make its screen and how to pass
 * it the events both screens take.
 */
internal interface CoreScreen<S : AutoCloseable, T : Any, R> {
    /** Log tag; only class names of exceptions are ever logged with it. */
    val tag: String

    /** Shown before the core screen exists. */
    val starting: T

    /** Makes the core screen, which reports every state change to [publish]. */
    fun open(publish: (T) -> Unit): S
    fun state(s: S): T
    fun permissionChanged(s: S, permission: ContactsPermission): T
    fun readingProgress(s: S, done: ULong): Boolean
    fun contactsRead(s: S, contacts: List<PhonebookContact>): T
    fun readingFailed(s: S): T
    fun cancel(s: S)
    fun rows(s: S, offset: ULong, limit: ULong): List<R>
    fun phase(state: T): ScreenPhase

    /** A failure the core did not report: FAILED, INTERNAL, only retry offered. */
    fun shellFailed(from: T): T
}

/**
 * The plumbing both screens' ViewModels share, and nothing of either screen's logic: the core
 * screen's state published as [state], every core call on one background thread ([call]),
 * the phonebook read when the core's phase is [ScreenPhase.READING], rows paged beside a
 * running call, cancel from the UI thread, and the screen closed after the last call.
 *
 * Every exception of a core call is caught, a Rust panic (uniffi's `InternalException`)
 * included: the screen then shows [ScreenPhase.FAILED] with [FailureKind.INTERNAL] and a retry,
 * which opens a fresh core screen, so no phase can stay stuck.
 */
abstract class ScreenViewModel<S : AutoCloseable, T : Any, R> internal constructor(
    threadName: String,
    private val reader: ContactsReader,
    private val core: CoreScreen<S, T, R>,
) : ViewModel() {

    /** The one thread every core call of this screen runs on, in order. */
    internal val worker = ScreenWorker(threadName)
    private val rowsWorker = java.util.concurrent.Executors.newSingleThreadExecutor { r ->
        Thread(r, "$threadName-rows").apply { isDaemon = true }
    }

    @Volatile internal var screen: S? = null
        private set
    @Volatile private var shellFailure = false
    @Volatile private var permission: ContactsPermission = ContactsPermission.ANDROID_DENIED

    private val _state = MutableStateFlow(openScreen())

    /** What the screen draws. Rows are paged with [rows] and paged again when `rowsVersion` changes. */
    val state: StateFlow<T> = _state.asStateFlow()

    /**
     * The contacts permission as Android reports it now ([ContactsPermissionState.current]).
     * Call when the screen opens and whenever the app comes back to the foreground (the user
     * may have granted it in Settings).
     */
    fun onPermission(permission: ContactsPermission) {
        this.permission = permission
        call { core.permissionChanged(it, permission) }
    }

    /** Stops what runs (reading, matching, a commit or write after its batch, an undo); safe from the UI thread. */
    fun cancel() {
        try {
            screen?.let(core::cancel)
        } catch (e: Exception) {
            Log.w(core.tag, "cancel failed: ${e.javaClass.simpleName}")
        }
    }

    /** Rows `offset until offset + limit` of the visible (searched) list; empty on any failure. */
    suspend fun rows(offset: ULong, limit: ULong): List<R> {
        val s = screen ?: return emptyList()
        return withContext(Dispatchers.Default) {
            try {
                core.rows(s, offset, limit)
            } catch (e: Exception) {
                Log.w(core.tag, "rows failed: ${e.javaClass.simpleName}")
                emptyList()
            }
        }
    }

    /**
     * The same rows for a pager that fetches on its own thread ([fetchInBackground]); blocks.
     * The core allows `rows` from any thread, beside a running call.
     */
    internal fun rowsNow(offset: Long, limit: Long): List<R> =
        screen?.let { core.rows(it, offset.toULong(), limit.toULong()) } ?: emptyList()

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
        // A running call stops (a write after its batch, which is still reported to the core).
        s?.let(core::cancel)
        // After the running call has stopped; the core frees the screen when it is closed.
        rowsWorker.shutdown()
        worker.finish { s?.close() }
    }

    /**
     * Runs [change] on the screen's thread, publishes the state it returns, and reads the
     * phonebook when the core asks for it. Any exception ends in a shown failure.
     */
    internal fun call(change: (S) -> T) {
        viewModelScope.launch(worker.dispatcher) {
            try {
                var s = screen
                if (s == null || shellFailure) {
                    // After a failure of the shell's own making, only a retry goes on, on a
                    // fresh core screen told the permission again.
                    s = reopen() ?: return@launch
                    publish(core.permissionChanged(s, permission))
                    if (core.phase(_state.value) == ScreenPhase.READING) readPhonebook(s)
                    return@launch
                }
                publish(change(s))
                if (core.phase(_state.value) == ScreenPhase.READING) readPhonebook(s)
            } catch (e: Exception) {
                failed(e)
            }
        }
    }

    /** Publishes a state a core call returned (the observer publishes the ones in between). */
    protected fun publish(state: T) {
        _state.value = state
    }

    /**
     * The shell's effect: reads the device phonebook, reporting counts to the core, which
     * stops the read when the user cancels, then hands the contacts over.
     */
    private fun readPhonebook(s: S) {
        val contacts = try {
            reader.readAll { done, _ ->
                if (!core.readingProgress(s, done.toULong())) throw ReadStopped()
            }
        } catch (e: ReadStopped) {
            // The core stopped the read (a cancel): handing over what there is lets it
            // settle the screen (FAILED, cancelled, with a retry) instead of staying at READING.
            publish(core.contactsRead(s, emptyList()))
            return
        } catch (e: SecurityException) {
            // The permission went away between the check and the query: ask again.
            publish(core.permissionChanged(s, ContactsPermission.ANDROID_DENIED))
            return
        } catch (e: Exception) {
            // Only the class name: the provider's message may quote contact data.
            Log.w(core.tag, "reading the phonebook failed: ${e.javaClass.simpleName}")
            publish(core.readingFailed(s))
            return
        }
        publish(core.contactsRead(s, contacts))
    }

    /** Shows [e] as an internal failure with a retry; the next call starts a fresh screen. */
    private fun failed(e: Exception) {
        Log.w(core.tag, "a core call failed: ${e.javaClass.simpleName}")
        shellFailure = true
        _state.value = core.shellFailed(_state.value)
    }

    private fun reopen(): S? {
        val old = screen
        screen = null
        try {
            old?.close()
        } catch (e: Exception) {
            Log.w(core.tag, "closing the old screen failed: ${e.javaClass.simpleName}")
        }
        _state.value = openScreen()
        return screen
    }

    /** Opens the core screen; a failure (the database cannot be opened) is a shown failure. */
    private fun openScreen(): T = try {
        val s = core.open { _state.value = it }
        screen = s
        shellFailure = false
        core.state(s)
    } catch (e: Exception) {
        Log.w(core.tag, "opening the screen failed: ${e.javaClass.simpleName}")
        shellFailure = true
        core.shellFailed(core.starting)
    }

    /** The read stopped by the core (cancelled); not an error. */
    private class ReadStopped : RuntimeException()
}
