package com.altegio.clientbook.android

import android.app.Activity
import android.content.Context
import androidx.activity.compose.rememberLauncherForActivityResult
import androidx.activity.result.contract.ActivityResultContracts
import androidx.compose.runtime.Composable
import androidx.compose.runtime.getValue
import androidx.compose.runtime.remember
import androidx.compose.ui.Modifier
import androidx.compose.ui.platform.LocalContext
import androidx.lifecycle.Lifecycle
import androidx.lifecycle.compose.LifecycleEventEffect
import androidx.lifecycle.compose.collectAsStateWithLifecycle
import com.altegio.clientbook.android.ui.ExportEvents
import com.altegio.clientbook.android.ui.ExportScreen
import com.altegio.clientbook.android.ui.HistorySheet
import com.altegio.clientbook.android.ui.ImportEvents
import com.altegio.clientbook.android.ui.ImportScreen
import com.altegio.clientbook.android.ui.Label
import com.altegio.clientbook.android.ui.Labels
import com.altegio.clientbook.android.ui.PagedRows
import java.util.Locale

/**
 * The thin Android layer between the ViewModels and the shared Compose screens (ui/): string
 * resources as [Labels], the system permission dialog, the app's settings page, and a fresh
 * permission check every time the screen comes back to the foreground. Everything else the
 * screens show comes from the core's state.
 *
 * Needs Jetpack Compose and the merged resources of an Android build, so it is compiled by
 * Gradle only (android/README.md, "Compiled here").
 */

/** [Labels] from the merged string resources (`res/values`, `res/values-ru`), by [Label.key]. */
class ResourceLabels(private val context: Context) : Labels {
    override val locale: Locale
        get() = context.resources.configuration.locales[0]

    override fun get(label: Label, vararg args: Any): String {
        // By name, so a label added to ui/Labels.kt needs no second list here; library
        // resources are merged into the app's package.
        val id = context.resources.getIdentifier(label.key, "string", context.packageName)
        check(id != 0) { "missing string resource ${label.key}" }
        return context.getString(id, *args)
    }
}

/** "Export from phonebook", hosted: [onClose] leaves the screen (back, close, done). */
@Composable
fun ImportScreenHost(viewModel: ImportViewModel, onClose: () -> Unit, modifier: Modifier = Modifier) {
    val activity = LocalContext.current as Activity
    val state by viewModel.state.collectAsStateWithLifecycle()
    val labels = remember(activity) { ResourceLabels(activity) }
    val permissions = ContactsPermissionState.IMPORT
    val ask = permissionRequest(activity, permissions) { viewModel.onPermission(it) }
    // On open and on every return (from the dialog, from Settings): the core decides what follows.
    LifecycleEventEffect(Lifecycle.Event.ON_RESUME) {
        viewModel.onPermission(ContactsPermissionState.current(activity, permissions))
    }
    val rows = remember(state.rowsVersion, state.visibleCount) {
        PagedRows(state.visibleCount.toInt(), viewModel::rowsNow, viewModel::fetchInBackground)
    }
    val events = remember(viewModel) {
        object : ImportEvents {
            override fun back() = onClose()
            override fun requestPermission() = ask()
            override fun openSettings() = activity.startActivity(ContactsPermissionState.appSettingsIntent(activity))
            override fun selectAll() = viewModel.selectAll()
            override fun selectNone() = viewModel.selectNone()
            override fun toggle(index: ULong) = viewModel.toggle(index)
            override fun chooseNumber(index: ULong, phone: UInt) = viewModel.chooseNumber(index, phone)
            override fun search(query: String) = viewModel.search(query)
            override fun importSelected() = viewModel.importSelected()
            override fun cancel() = viewModel.cancel()
            override fun retry() = viewModel.retry()
            override fun backToList() = viewModel.backToList()
            override fun done() = onClose()
            override fun selectSuggested() = viewModel.selectSuggested()
            override fun setFillIn(index: ULong, fill: Boolean) = viewModel.setFillIn(index, fill)
            override fun fillInAll(fill: Boolean) = viewModel.fillInAll(fill)
            override fun undo() = viewModel.undo()
            override fun showHistory() = viewModel.showHistory()
            override fun hideHistory() = viewModel.hideHistory()
            override fun undoImport(importId: Long) = viewModel.undoImport(importId)
            override fun setCategory(enabled: Boolean) = viewModel.setCategory(enabled)
        }
    }
    val history by viewModel.history.collectAsStateWithLifecycle()
    ImportScreen(
        state, rows, labels, events, modifier,
        history = history?.let { HistorySheet(it.records, it.failed) },
    )
}

/** "Save to phonebook", hosted. */
@Composable
fun ExportScreenHost(viewModel: ExportViewModel, onClose: () -> Unit, modifier: Modifier = Modifier) {
    val activity = LocalContext.current as Activity
    val state by viewModel.state.collectAsStateWithLifecycle()
    val labels = remember(activity) { ResourceLabels(activity) }
    val permissions = ContactsPermissionState.EXPORT
    val ask = permissionRequest(activity, permissions) { viewModel.onPermission(it) }
    LifecycleEventEffect(Lifecycle.Event.ON_RESUME) {
        viewModel.onPermission(ContactsPermissionState.current(activity, permissions))
    }
    val rows = remember(state.rowsVersion, state.visibleCount) {
        PagedRows(state.visibleCount.toInt(), viewModel::rowsNow, viewModel::fetchInBackground)
    }
    val events = remember(viewModel) {
        object : ExportEvents {
            override fun back() = onClose()
            override fun requestPermission() = ask()
            override fun openSettings() = activity.startActivity(ContactsPermissionState.appSettingsIntent(activity))
            override fun selectAll() = viewModel.selectAll()
            override fun selectNone() = viewModel.selectNone()
            override fun toggle(clientId: Long) = viewModel.toggle(clientId)
            override fun search(query: String) = viewModel.search(query)
            override fun exportSelected() = viewModel.exportSelected()
            override fun cancel() = viewModel.cancel()
            override fun retry() = viewModel.retry()
            override fun backToList() = viewModel.backToList()
            override fun done() = onClose()
        }
    }
    ExportScreen(state, rows, labels, events, modifier)
}

/**
 * The system permission dialog for [permissions]: the rationale flags are taken just before
 * it opens, so [ContactsPermissionState] can tell a dismissed dialog from "don't ask again";
 * the new state goes to [onResult].
 */
@Composable
private fun permissionRequest(
    activity: Activity,
    permissions: Array<String>,
    onResult: (com.altegio.clientbook.core.ContactsPermission) -> Unit,
): () -> Unit {
    val pending = remember { arrayOfNulls<ContactsPermissionState.Request>(1) }
    val launcher = rememberLauncherForActivityResult(ActivityResultContracts.RequestMultiplePermissions()) { results ->
        pending[0]?.let { ContactsPermissionState.onRequestResult(activity, it, results) }
        pending[0] = null
        onResult(ContactsPermissionState.current(activity, permissions))
    }
    return {
        pending[0] = ContactsPermissionState.beforeRequest(activity, permissions)
        launcher.launch(permissions)
    }
}
