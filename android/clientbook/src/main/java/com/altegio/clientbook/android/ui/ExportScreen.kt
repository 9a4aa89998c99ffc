package com.altegio.clientbook.android.ui

import androidx.compose.foundation.clickable
import androidx.compose.foundation.layout.Arrangement
import androidx.compose.foundation.layout.Box
import androidx.compose.foundation.layout.Column
import androidx.compose.foundation.layout.Row
import androidx.compose.foundation.layout.Spacer
import androidx.compose.foundation.layout.fillMaxSize
import androidx.compose.foundation.layout.fillMaxWidth
import androidx.compose.foundation.layout.heightIn
import androidx.compose.foundation.layout.padding
import androidx.compose.foundation.layout.size
import androidx.compose.foundation.lazy.LazyColumn
import androidx.compose.foundation.lazy.rememberLazyListState
import androidx.compose.material3.Checkbox
import androidx.compose.material3.HorizontalDivider
import androidx.compose.material3.MaterialTheme
import androidx.compose.material3.Surface
import androidx.compose.material3.Text
import androidx.compose.runtime.Composable
import androidx.compose.runtime.getValue
import androidx.compose.runtime.mutableStateOf
import androidx.compose.runtime.saveable.rememberSaveable
import androidx.compose.runtime.setValue
import androidx.compose.ui.Alignment
import androidx.compose.ui.Modifier
import androidx.compose.ui.draw.alpha
import androidx.compose.ui.semantics.Role
import androidx.compose.ui.text.style.TextOverflow
import androidx.compose.ui.unit.dp
import com.altegio.clientbook.core.ExportRow
import com.altegio.clientbook.core.ExportScreenState
import com.altegio.clientbook.core.ScreenPhase
import com.altegio.clientbook.core.ExportStatus

/** What the export screen asks its host to do; see [ImportEvents]. */
interface ExportEvents {
    fun back()
    fun requestPermission()
    fun openSettings()
    fun selectAll()
    fun selectNone()
    fun toggle(clientId: Long)
    fun search(query: String)
    fun exportSelected()
    fun cancel()
    fun retry()
    fun backToList()
    fun done()
}

/** "Save to phonebook": clients into the phone's contacts, in the app's own group. */
@Composable
fun ExportScreen(
    state: ExportScreenState,
    rows: RowSource<ExportRow>,
    labels: Labels,
    events: ExportEvents,
    modifier: Modifier = Modifier,
) {
    var searchShown by rememberSaveable { mutableStateOf(state.query.isNotEmpty()) }
    val listPhase = state.phase == ScreenPhase.LIST
    Surface(modifier.fillMaxSize(), color = MaterialTheme.colorScheme.surface) {
        Column(Modifier.fillMaxSize()) {
            ScreenTopBar(
                title = labels[Label.EXPORT_TITLE],
                labels = labels,
                onBack = events::back,
                searchAvailable = listPhase && state.actions.search,
                searchShown = searchShown,
                onSearchToggle = {
                    if (searchShown && state.query.isNotEmpty()) events.search("")
                    searchShown = !searchShown
                },
            )
            when (state.phase) {
                ScreenPhase.START -> ProgressPanel(
                    labels[Label.STARTING], null, null, labels[Label.CANCEL], false, events::cancel,
                )
                ScreenPhase.NEEDS_PERMISSION -> PermissionPanel(state.permission?.action, state.permission?.explanation, labels, events::requestPermission, events::openSettings, events::back)
                ScreenPhase.RIGHTS_MISSING -> MessagePanel(labels[Label.RIGHTS_TITLE], state.message) {
                    SecondaryButton(labels[Label.CLOSE], events::back)
                }
                // UNDOING is the import's only; listed so every phase draws something.
                ScreenPhase.READING, ScreenPhase.MATCHING, ScreenPhase.COMMITTING, ScreenPhase.UNDOING -> {
                    val p = state.progress
                    ProgressPanel(
                        text = progressText(p, labels),
                        fraction = progressFraction(p),
                        note = if (state.phase == ScreenPhase.COMMITTING) labels[Label.WRITTEN_STAYS] else null,
                        cancelLabel = labels[Label.CANCEL],
                        canCancel = state.actions.cancel,
                        onCancel = events::cancel,
                    )
                }
                ScreenPhase.EMPTY -> MessagePanel(labels[Label.EMPTY_TITLE], state.message) {
                    if (state.actions.retry) PrimaryButton(labels[Label.TRY_AGAIN], events::retry)
                    SecondaryButton(labels[Label.CLOSE], events::back)
                }
                ScreenPhase.LIST -> ExportList(state, rows, labels, events, searchShown)
                ScreenPhase.RESULT -> MessagePanel(labels[Label.EXPORT_RESULT_TITLE], state.message, extra = {
                    ResultLine(
                        labels[
                            Label.EXPORT_RESULT_WRITTEN,
                            labels.count(state.written ?: 0uL),
                            labels[Label.EXPORT_GROUP_NAME],
                        ],
                    )
                    // The state counts the contacts just written as on the phone too; the
                    // result says how many were there before this export.
                    val before = state.alreadyOnPhone - minOf(state.written ?: 0uL, state.alreadyOnPhone)
                    ResultLine(labels[Label.EXPORT_RESULT_ALREADY, labels.count(before)])
                    if (state.cancelled) {
                        Text(labels[Label.EXPORT_CANCELLED], style = MaterialTheme.typography.bodyMedium, color = MaterialTheme.colorScheme.error)
                    }
                }) {
                    if (state.actions.retry) PrimaryButton(labels[Label.EXPORT_REST], events::retry)
                    PrimaryButton(labels[Label.DONE], events::done)
                    if (state.actions.backToList) SecondaryButton(labels[Label.BACK_TO_LIST], events::backToList)
                }
                ScreenPhase.FAILED -> MessagePanel(failureTitle(state.failure, labels), state.message) {
                    if (state.actions.retry) PrimaryButton(labels[Label.TRY_AGAIN], events::retry)
                    if (state.actions.backToList) SecondaryButton(labels[Label.BACK_TO_LIST], events::backToList)
                    SecondaryButton(labels[Label.CLOSE], events::back)
                }
            }
        }
    }
}

@Composable
private fun ExportList(
    state: ExportScreenState,
    rows: RowSource<ExportRow>,
    labels: Labels,
    events: ExportEvents,
    searchShown: Boolean,
) {
    Column(Modifier.fillMaxSize()) {
        if (searchShown) SearchField(state.query, labels, events::search)
        ListHeader(
            summary = labels[
                Label.EXPORT_SUMMARY,
                labels.count(state.selected),
                labels.count(state.exportable),
                labels.count(state.alreadyOnPhone),
            ],
            labels = labels,
            canSelectAll = state.actions.selectAll,
            canSelectNone = state.actions.selectNone,
            onSelectAll = events::selectAll,
            onSelectNone = events::selectNone,
        )
        Notice(state.message)
        Box(Modifier.weight(1f).fillMaxWidth()) {
            if (rows.size == 0 && state.query.isNotEmpty()) {
                Text(
                    labels[Label.NO_MATCHES, state.query],
                    style = MaterialTheme.typography.bodyLarge,
                    modifier = Modifier.padding(24.dp),
                )
            } else {
                LazyColumn(Modifier.fillMaxSize(), state = rememberLazyListState()) {
                    items(count = rows.size) { position ->
                        val row = rows.rowAt(position)
                        if (row == null) {
                            Spacer(Modifier.fillMaxWidth().heightIn(min = 64.dp))
                        } else {
                            ClientRow(row, labels, events)
                        }
                        HorizontalDivider()
                    }
                }
            }
        }
        BottomActionBar(
            text = labels[Label.EXPORT_SELECTED, labels.count(state.selected)],
            enabled = state.actions.exportSelected && state.selected > 0uL,
            onClick = events::exportSelected,
        )
    }
}

@Composable
private fun ClientRow(row: ExportRow, labels: Labels, events: ExportEvents) {
    val exportable = row.status == ExportStatus.NEW
    val rowModifier = if (exportable) {
        Modifier.clickable(role = Role.Checkbox) { events.toggle(row.clientId) }
    } else {
        Modifier
    }
    Row(
        rowModifier.fillMaxWidth().heightIn(min = 64.dp).padding(start = 4.dp, end = 16.dp, top = 8.dp, bottom = 8.dp),
        verticalAlignment = Alignment.Top,
    ) {
        Box(Modifier.size(48.dp), contentAlignment = Alignment.Center) {
            if (exportable) {
                Checkbox(checked = row.selected, onCheckedChange = { events.toggle(row.clientId) })
            } else {
                Text("–", style = MaterialTheme.typography.titleMedium, color = MaterialTheme.colorScheme.outline)
            }
        }
        Column(
            Modifier.weight(1f).padding(top = 4.dp).alpha(if (exportable) 1f else 0.62f),
            verticalArrangement = Arrangement.spacedBy(2.dp),
        ) {
            Text(row.displayName, style = MaterialTheme.typography.bodyLarge, maxLines = 2, overflow = TextOverflow.Ellipsis)
            Text(
                row.phone,
                style = MaterialTheme.typography.bodyMedium,
                color = MaterialTheme.colorScheme.onSurfaceVariant,
                maxLines = 1,
                softWrap = false,
            )
            if (!exportable) StatusChip(labels[Label.STATUS_ON_PHONE], warning = false)
        }
    }
}
