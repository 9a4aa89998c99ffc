package com.altegio.clientbook.android.ui

import androidx.compose.runtime.Composable

/** A language of the renders: its labels and the locale code the core is given. */
data class Lang(val code: String, val labels: XmlLabels)

val LANGS = listOf(Lang("ru", XmlLabels.russian), Lang("en", XmlLabels.english))

/**
 * One screen state to render. [then] runs on the scene after the first frame (for states that
 * are reached by a tap, such as the open number chooser).
 */
class Shot(
    val name: String,
    val then: (Scene) -> Unit = {},
    val content: @Composable () -> Unit,
)

/** Events the renders never expect: a tap in a render is a test bug, so it fails loudly. */
object Unexpected : ImportEvents, ExportEvents {
    private fun fail(what: String): Nothing = throw AssertionError("unexpected event in a render: $what")
    override fun back() = fail("back")
    override fun requestPermission() = fail("requestPermission")
    override fun openSettings() = fail("openSettings")
    override fun selectAll() = fail("selectAll")
    override fun selectNone() = fail("selectNone")
    override fun toggle(index: ULong) = fail("toggle")
    override fun toggle(clientId: Long) = fail("toggle")
    override fun chooseNumber(index: ULong, phone: UInt) = fail("chooseNumber")
    override fun search(query: String) = fail("search")
    override fun importSelected() = fail("importSelected")
    override fun exportSelected() = fail("exportSelected")
    override fun cancel() = fail("cancel")
    override fun retry() = fail("retry")
    override fun backToList() = fail("backToList")
    override fun done() = fail("done")
    override fun selectSuggested() = fail("selectSuggested")
    override fun setFillIn(index: ULong, fill: Boolean) = fail("setFillIn")
    override fun fillInAll(fill: Boolean) = fail("fillInAll")
    override fun undo() = fail("undo")
    override fun showHistory() = fail("showHistory")
    override fun hideHistory() = fail("hideHistory")
    override fun undoImport(importId: Long) = fail("undoImport")
    override fun setCategory(enabled: Boolean) = fail("setCategory")
}
