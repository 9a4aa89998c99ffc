package com.altegio.clientbook.android.ui

import androidx.compose.runtime.getValue
import androidx.compose.runtime.mutableStateOf
import androidx.compose.runtime.setValue
import com.altegio.clientbook.ClientbookException
import com.altegio.clientbook.ExportScreen as CoreExportScreen
import com.altegio.clientbook.ImportScreen as CoreImportScreen
import com.altegio.clientbook.WrittenContact
import com.altegio.clientbook.core.ExportRow
import com.altegio.clientbook.core.ExportScreenState
import com.altegio.clientbook.core.ImportScreenState
import com.altegio.clientbook.core.PreviewRow

/**
 * What the Android ViewModel does, minus the worker thread: every event is one call of the real
 * core, whose returned state replaces the shown one; a new `rowsVersion` brings a new row pager
 * that keeps the old rows until its pages arrive. Calls run in place: the tests are the only
 * thread.
 */
class ImportHost(val screen: CoreImportScreen) : ImportEvents {
    var state: ImportScreenState by mutableStateOf(screen.state())
        private set
    var rows: PagedRows<PreviewRow> by mutableStateOf(pager(state, null))
        private set
    var closed = false
        private set
    val calls = ArrayList<String>()

    private fun pager(s: ImportScreenState, previous: PagedRows<PreviewRow>?) = PagedRows(
        size = s.visibleCount.toInt(),
        fetch = { offset, limit -> screen.rows(offset.toULong(), limit.toULong()) },
        run = { it() },
        previous = previous,
    )

    fun show(s: ImportScreenState) {
        val versionChanged = s.rowsVersion != state.rowsVersion || s.visibleCount != state.visibleCount
        state = s
        if (versionChanged) rows = pager(s, rows)
    }

    private fun call(name: String, f: () -> ImportScreenState) {
        calls += name
        show(f())
    }

    override fun back() { calls += "back"; closed = true }
    override fun requestPermission() { calls += "requestPermission" }
    override fun openSettings() { calls += "openSettings" }
    override fun selectAll() = call("selectAll") { screen.selectAll() }
    override fun selectNone() = call("selectNone") { screen.selectNone() }
    override fun toggle(index: ULong) = call("toggle") { screen.toggle(index) }
    override fun chooseNumber(index: ULong, phone: UInt) = call("chooseNumber") { screen.chooseNumber(index, phone) }
    override fun search(query: String) = call("search") { screen.search(query) }
    override fun importSelected() = call("commit") { screen.commit() }
    override fun cancel() { calls += "cancel"; screen.cancel() }
    override fun retry() = call("retry") { screen.retry() }
    override fun backToList() = call("backToList") { screen.backToList() }
    override fun done() { calls += "done"; closed = true }
    override fun selectSuggested() = call("selectSuggested") { screen.selectSuggested() }
    override fun setFillIn(index: ULong, fill: Boolean) = call("setFillIn") { screen.setFillIn(index, fill) }
    override fun fillInAll(fill: Boolean) = call("fillInAll") { screen.fillInAll(fill) }
    override fun undo() = call("undo") { screen.undo() }

    /** The import history as the Android ViewModel reads it: from the core, a failure shown as such. */
    var history: HistorySheet? by mutableStateOf(null)
        private set

    override fun showHistory() {
        calls += "showHistory"
        history = try {
            HistorySheet(screen.history())
        } catch (e: ClientbookException) {
            HistorySheet(emptyList(), failed = true)
        }
    }

    override fun hideHistory() { calls += "hideHistory"; history = null }
    override fun undoImport(importId: Long) = call("undoImport") { screen.undoImport(importId) }
    override fun setCategory(enabled: Boolean) = call("setCategory") { screen.setCategory(enabled) }
}

/**
 * The export host: like [ImportHost], and "Export selected" performs the shell's effect the way
 * the Android writer does, in batches of at most 450 contacts, each confirmed to the core with
 * the ids the phonebook gave them ([phonebook] stands in for the contacts provider).
 */
class ExportHost(val screen: CoreExportScreen, private val phonebook: MutableMap<Long, String> = LinkedHashMap()) : ExportEvents {
    var state: ExportScreenState by mutableStateOf(screen.state())
        private set
    var rows: PagedRows<ExportRow> by mutableStateOf(pager(state, null))
        private set
    var closed = false
        private set
    val calls = ArrayList<String>()
    val written: Map<Long, String> get() = phonebook

    private fun pager(s: ExportScreenState, previous: PagedRows<ExportRow>?) = PagedRows(
        size = s.visibleCount.toInt(),
        fetch = { offset, limit -> screen.rows(offset.toULong(), limit.toULong()) },
        run = { it() },
        previous = previous,
    )

    fun show(s: ExportScreenState) {
        val versionChanged = s.rowsVersion != state.rowsVersion || s.visibleCount != state.visibleCount
        state = s
        if (versionChanged) rows = pager(s, rows)
    }

    private fun call(name: String, f: () -> ExportScreenState) {
        calls += name
        show(f())
    }

    override fun back() { calls += "back"; closed = true }
    override fun requestPermission() { calls += "requestPermission" }
    override fun openSettings() { calls += "openSettings" }
    override fun selectAll() = call("selectAll") { screen.selectAll() }
    override fun selectNone() = call("selectNone") { screen.selectNone() }
    override fun toggle(clientId: Long) = call("toggle") { screen.toggle(clientId) }
    override fun search(query: String) = call("search") { screen.search(query) }
    override fun exportSelected() = call("export") {
        val toWrite = screen.beginWrite()
        for (batch in toWrite.chunked(450)) {
            val ids = batch.map { c -> WrittenContact(c.clientId, "raw-${c.clientId}").also { phonebook[c.clientId] = it.platformId } }
            if (!screen.written(ids)) break
        }
        screen.writeFinished(false)
    }
    override fun cancel() { calls += "cancel"; screen.cancel() }
    override fun retry() = call("retry") { screen.retry() }
    override fun backToList() = call("backToList") { screen.backToList() }
    override fun done() { calls += "done"; closed = true }
}
