package com.altegio.clientbook.android.ui

import androidx.compose.runtime.Stable
import androidx.compose.runtime.mutableStateMapOf
import java.util.Collections

/**
 * The rows a list shows, fetched page by page from the core, so a phonebook of 10,000 contacts
 * never crosses the FFI in one piece and the list appears as soon as its first page is there.
 */
@Stable
interface RowSource<T : Any> {
    /** How many rows the list has (the core's visible count). */
    val size: Int

    /**
     * The row at [position], or null while its page is being fetched; reading it from a
     * composable recomposes that composable when the page arrives.
     */
    fun rowAt(position: Int): T?
}

/**
 * A [RowSource] over the core's `rows(offset, limit)`. The core's calls may block (SQLite), so
 * [fetch] runs through [run], which the Android layer points at the screen's serial worker
 * (the same one every other call of that screen uses) and the desktop tests run in place.
 * Each state with a new `rowsVersion` gets a new instance; passing the previous one as
 * [previous] keeps showing its rows while the fresh pages load, so ticking a checkbox does not
 * blank the list for a frame.
 */
class PagedRows<T : Any>(
    override val size: Int,
    private val fetch: (offset: Long, limit: Long) -> List<T>,
    private val run: (() -> Unit) -> Unit,
    previous: PagedRows<T>? = null,
    private val pageSize: Int = 50,
) : RowSource<T> {
    private val pages = mutableStateMapOf<Int, List<T>>()
    private val stale: Map<Int, List<T>> = previous?.pages?.toMap() ?: emptyMap()
    private val requested: MutableSet<Int> = Collections.synchronizedSet(HashSet())

    override fun rowAt(position: Int): T? {
        if (position < 0 || position >= size) return null
        val page = position / pageSize
        val offset = position % pageSize
        pages[page]?.let { return it.getOrNull(offset) }
        if (requested.add(page)) {
            run {
                try {
                    val start = page.toLong() * pageSize
                    pages[page] = fetch(start, pageSize.toLong())
                } catch (e: Exception) {
                    // The row stays a placeholder and is asked for again when next shown; the
                    // screen's state reports a lasting failure on its own.
                    requested.remove(page)
                }
            }
        }
        pages[page]?.let { return it.getOrNull(offset) }
        return stale[page]?.getOrNull(offset)
    }
}
