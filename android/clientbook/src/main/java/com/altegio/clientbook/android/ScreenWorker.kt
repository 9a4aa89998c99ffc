package com.altegio.clientbook.android

import android.util.Log
import java.util.concurrent.ExecutorService
import java.util.concurrent.Executors
import java.util.concurrent.TimeUnit
import kotlinx.coroutines.CoroutineDispatcher
import kotlinx.coroutines.asCoroutineDispatcher

/**
 * The one background thread a screen's core calls run on. The core's screen objects are
 * called one call at a time (they may block on SQLite or the network); only `cancel`, `state`
 * and `rows` may come from any thread. A single thread keeps that order without a lock, and
 * keeps every call off the UI thread.
 */
internal class ScreenWorker(name: String) {
    private val executor: ExecutorService = Executors.newSingleThreadExecutor { r ->
        Thread(r, name).apply { isDaemon = true }
    }

    val dispatcher: CoroutineDispatcher = executor.asCoroutineDispatcher()

    /** Runs [last] after every call already queued, then stops the thread. */
    fun finish(last: () -> Unit) {
        executor.execute {
            try {
                last()
            } catch (e: Throwable) {
                Log.w(TAG, "closing the screen failed: ${e.javaClass.simpleName}")
            }
        }
        executor.shutdown()
    }

    /** For tests: waits until [finish]'s work is done. */
    internal fun awaitFinished(seconds: Long): Boolean = executor.awaitTermination(seconds, TimeUnit.SECONDS)

    private companion object {
        const val TAG = "ClientbookScreen"
    }
}
