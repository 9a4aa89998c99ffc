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
import androidx.compose.foundation.layout.width
import androidx.compose.foundation.lazy.LazyColumn
import androidx.compose.foundation.lazy.rememberLazyListState
import androidx.compose.material3.Checkbox
import androidx.compose.material3.DropdownMenu
import androidx.compose.material3.DropdownMenuItem
import androidx.compose.material3.HorizontalDivider
import androidx.compose.material3.MaterialTheme
import androidx.compose.material3.Surface
import androidx.compose.material3.Text
import androidx.compose.runtime.Composable
import androidx.compose.runtime.getValue
import androidx.compose.runtime.mutableStateOf
import androidx.compose.runtime.remember
import androidx.compose.runtime.saveable.rememberSaveable
import androidx.compose.runtime.setValue
import androidx.compose.ui.Alignment
import androidx.compose.ui.Modifier
import androidx.compose.ui.draw.alpha
import androidx.compose.ui.semantics.Role
import androidx.compose.ui.text.style.TextOverflow
import androidx.compose.ui.unit.dp
import com.altegio.clientbook.core.ContactStatus
import com.altegio.clientbook.core.FailureKind
import com.altegio.clientbook.core.ImportScreenState
import com.altegio.clientbook.core.PermissionAction
import com.altegio.clientbook.core.Phone
import com.altegio.clientbook.core.PhoneLabel
import com.altegio.clientbook.core.PreviewRow
import com.altegio.clientbook.core.ProgressStage
import com.altegio.clientbook.core.ScreenPhase
import com.altegio.clientbook.core.ScreenProgress

/**
 * What the import screen asks its host to do. Each maps to one call of the core's
 * `ImportScreen` (run off the UI thread by the host) or to a platform effect (permission
 * dialog, settings, closing the screen).
 */
interface ImportEvents {
    fun back()
    fun requestPermission()
    fun openSettings()
    fun selectAll()
    fun selectNone()
    fun toggle(index: ULong)
    fun chooseNumber(index: ULong, phone: UInt)
    fun search(query: String)
    fun importSelected()
    fun cancel()
    fun retry()
    fun backToList()
    fun done()
}

/** "Export from phonebook": phonebook contacts into the client base. */
@Composable
fun ImportScreen(
    state: ImportScreenState,
    rows: RowSource<PreviewRow>,
    labels: Labels,
    events: ImportEvents,
    modifier: Modifier = Modifier,
) {
    var searchShown by rememberSaveable { mutableStateOf(state.query.isNotEmpty()) }
    val listPhase = state.phase == ScreenPhase.LIST
    Surface(modifier.fillMaxSize(), color = MaterialTheme.colorScheme.surface) {
        Column(Modifier.fillMaxSize()) {
            ScreenTopBar(
                title = labels[Label.IMPORT_TITLE],
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
                ScreenPhase.READING, ScreenPhase.MATCHING, ScreenPhase.COMMITTING -> {
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
                ScreenPhase.LIST -> ImportList(state, rows, labels, events, searchShown)
                ScreenPhase.RESULT -> ImportResult(state, labels, events)
                ScreenPhase.FAILED -> MessagePanel(failureTitle(state.failure, labels), state.message) {
                    if (state.actions.retry) PrimaryButton(labels[Label.TRY_AGAIN], events::retry)
                    if (state.actions.backToList) SecondaryButton(labels[Label.BACK_TO_LIST], events::backToList)
                    SecondaryButton(labels[Label.CLOSE], events::back)
                }
            }
        }
    }
}

/** Permission: the core's advice says what to offer (ask, settings, or nothing). */
@Composable
internal fun PermissionPanel(
    action: PermissionAction?,
    explanation: String?,
    labels: Labels,
    onRequest: () -> Unit,
    onSettings: () -> Unit,
    onClose: () -> Unit,
) {
    MessagePanel(labels[Label.PERMISSION_TITLE], explanation, extra = {
        if (action == PermissionAction.OPEN_SETTINGS) {
            Text(labels[Label.SETTINGS_RETURN], style = MaterialTheme.typography.bodyMedium)
        }
    }) {
        when (action) {
            PermissionAction.REQUEST_PERMISSION -> PrimaryButton(labels[Label.ALLOW_ACCESS], onRequest)
            PermissionAction.OPEN_SETTINGS -> PrimaryButton(labels[Label.OPEN_SETTINGS], onSettings)
            else -> Unit
        }
        SecondaryButton(labels[Label.CLOSE], onClose)
    }
}

@Composable
private fun ImportList(
    state: ImportScreenState,
    rows: RowSource<PreviewRow>,
    labels: Labels,
    events: ImportEvents,
    searchShown: Boolean,
) {
    Column(Modifier.fillMaxSize()) {
        if (searchShown) SearchField(state.query, labels, events::search)
        ListHeader(
            summary = labels[
                Label.IMPORT_SUMMARY,
                labels.count(state.selected),
                labels.count(state.importable),
                labels.count(state.alreadyClients),
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
                val listState = rememberLazyListState()
                LazyColumn(Modifier.fillMaxSize(), state = listState) {
                    items(count = rows.size) { position ->
                        val row = rows.rowAt(position)
                        if (row == null) {
                            Spacer(Modifier.fillMaxWidth().heightIn(min = 72.dp))
                        } else {
                            ContactRow(row, labels, events)
                        }
                        HorizontalDivider()
                    }
                }
            }
        }
        BottomActionBar(
            text = labels[Label.IMPORT_SELECTED, labels.count(state.selected)],
            enabled = state.actions.importSelected && state.selected > 0uL,
            onClick = events::importSelected,
        )
    }
}

/** Whether the core imports a contact with this status when it is selected. */
internal fun ContactStatus.importable(): Boolean =
    this == ContactStatus.NEW || this == ContactStatus.NEEDS_CHOICE

@Composable
private fun ContactRow(row: PreviewRow, labels: Labels, events: ImportEvents) {
    val importable = row.status.importable()
    val rowModifier = if (importable) {
        Modifier.clickable(role = Role.Checkbox) { events.toggle(row.index) }
    } else {
        Modifier
    }
    Row(
        rowModifier.fillMaxWidth().heightIn(min = 72.dp).padding(start = 4.dp, end = 16.dp, top = 8.dp, bottom = 8.dp),
        verticalAlignment = Alignment.Top,
    ) {
        Box(Modifier.size(48.dp), contentAlignment = Alignment.Center) {
            if (importable) {
                Checkbox(checked = row.selected, onCheckedChange = { events.toggle(row.index) })
            } else {
                Text("–", style = MaterialTheme.typography.titleMedium, color = MaterialTheme.colorScheme.outline)
            }
        }
        Column(
            Modifier.weight(1f).padding(top = 4.dp).alpha(if (importable) 1f else 0.62f),
            verticalArrangement = Arrangement.spacedBy(2.dp),
        ) {
            val name = row.displayName.ifBlank { row.phones.firstOrNull()?.raw ?: "" }
            Text(name, style = MaterialTheme.typography.bodyLarge, maxLines = 2, overflow = TextOverflow.Ellipsis)
            NumberLine(row, labels, events)
            val why = reasonOf(row, labels)
            if (why != null) {
                Row(verticalAlignment = Alignment.CenterVertically) {
                    StatusChip(why.first, warning = why.second)
                }
                val detail = detailOf(row, labels)
                if (detail != null) {
                    Text(
                        detail,
                        style = MaterialTheme.typography.bodySmall,
                        color = MaterialTheme.colorScheme.onSurfaceVariant,
                        maxLines = 3,
                        overflow = TextOverflow.Ellipsis,
                    )
                }
            }
        }
    }
}

/** Chip text and whether it is a problem (error colours) or a plain fact (already a client). */
private fun reasonOf(row: PreviewRow, labels: Labels): Pair<String, Boolean>? = when (row.status) {
    ContactStatus.NEW, ContactStatus.NEEDS_CHOICE -> null
    ContactStatus.EXISTING_CLIENT -> labels[Label.STATUS_EXISTING] to false
    ContactStatus.DUPLICATE_IN_PHONEBOOK -> labels[Label.STATUS_DUPLICATE] to false
    ContactStatus.INVALID_PHONE -> labels[Label.STATUS_INVALID] to true
    ContactStatus.NO_PHONE -> labels[Label.STATUS_NO_PHONE] to true
    ContactStatus.NO_NAME -> labels[Label.STATUS_NO_NAME] to true
}

/** The line under the chip: which client, which earlier contact, or the core's reason. */
private fun detailOf(row: PreviewRow, labels: Labels): String? = when (row.status) {
    ContactStatus.EXISTING_CLIENT -> row.clientId?.let { labels[Label.CLIENT_NUMBER, it.toString()] }
    ContactStatus.DUPLICATE_IN_PHONEBOOK -> row.duplicateOf?.let { labels[Label.SAME_AS_CONTACT, labels.count(it + 1uL)] }
    else -> row.problem
}

internal fun PhoneLabel.text(labels: Labels): String = labels[
    when (this) {
        PhoneLabel.MOBILE -> Label.PHONE_MOBILE
        PhoneLabel.MAIN -> Label.PHONE_MAIN
        PhoneLabel.WORK -> Label.PHONE_WORK
        PhoneLabel.HOME -> Label.PHONE_HOME
        PhoneLabel.FAX -> Label.PHONE_FAX
        PhoneLabel.PAGER -> Label.PHONE_PAGER
        PhoneLabel.OTHER -> Label.PHONE_OTHER
    },
]

/**
 * The chosen number (never wrapping) with its label; when the contact has more than one valid
 * number, tapping it opens the chooser, and it stays available after a choice.
 */
@Composable
private fun NumberLine(row: PreviewRow, labels: Labels, events: ImportEvents) {
    val chosen: Phone? = row.chosenPhone?.let { row.phones.getOrNull(it.toInt()) } ?: row.phones.firstOrNull()
    if (chosen == null) return
    val choosable = row.status.importable() && row.phones.count { it.valid } > 1
    var open by remember { mutableStateOf(false) }
    Box {
        val lineModifier = if (choosable) {
            Modifier.clickable(role = Role.DropdownList) { open = true }.heightIn(min = 32.dp)
        } else {
            Modifier
        }
        Row(lineModifier, verticalAlignment = Alignment.CenterVertically) {
            Text(
                chosen.raw,
                style = MaterialTheme.typography.bodyMedium,
                maxLines = 1,
                softWrap = false,
                color = if (choosable) MaterialTheme.colorScheme.primary else MaterialTheme.colorScheme.onSurfaceVariant,
            )
            if (choosable) ChooserArrow(MaterialTheme.colorScheme.primary)
            Spacer(Modifier.width(8.dp))
            Text(
                chosen.label.text(labels),
                style = MaterialTheme.typography.bodySmall,
                color = MaterialTheme.colorScheme.onSurfaceVariant,
                maxLines = 1,
                overflow = TextOverflow.Ellipsis,
            )
        }
        if (choosable) {
            DropdownMenu(expanded = open, onDismissRequest = { open = false }) {
                Text(
                    labels[Label.CHOOSE_NUMBER],
                    style = MaterialTheme.typography.labelLarge,
                    modifier = Modifier.padding(horizontal = 16.dp, vertical = 8.dp),
                )
                row.phones.forEachIndexed { i, phone ->
                    DropdownMenuItem(
                        text = {
                            Column {
                                Text(phone.raw, maxLines = 1, softWrap = false)
                                Text(
                                    phone.problem ?: phone.label.text(labels),
                                    style = MaterialTheme.typography.bodySmall,
                                    color = MaterialTheme.colorScheme.onSurfaceVariant,
                                    maxLines = 2,
                                    overflow = TextOverflow.Ellipsis,
                                )
                            }
                        },
                        leadingIcon = {
                            Text(if (row.chosenPhone?.toInt() == i) "✓" else " ", color = MaterialTheme.colorScheme.primary)
                        },
                        enabled = phone.valid,
                        onClick = {
                            open = false
                            events.chooseNumber(row.index, i.toUInt())
                        },
                    )
                }
            }
        }
    }
}

@Composable
private fun ImportResult(state: ImportScreenState, labels: Labels, events: ImportEvents) {
    val report = state.report
    MessagePanel(labels[Label.IMPORT_RESULT_TITLE], state.message, extra = {
        if (report != null) {
            ResultLine(labels[Label.RESULT_CREATED, labels.count(report.created.size.toLong())])
            ResultLine(labels[Label.RESULT_ALREADY, labels.count(report.alreadyThere.size.toLong())])
            ResultLine(labels[Label.RESULT_SKIPPED, labels.count(report.skipped.size.toLong())])
            SkippedReasons(report.skipped.map { it.reason }, labels)
            if (report.cancelled) {
                Text(labels[Label.RESULT_CANCELLED], style = MaterialTheme.typography.bodyMedium, color = MaterialTheme.colorScheme.error)
            }
        }
    }) {
        if (state.actions.retry) PrimaryButton(labels[Label.IMPORT_REST], events::retry)
        PrimaryButton(labels[Label.DONE], events::done)
        if (state.actions.backToList) SecondaryButton(labels[Label.BACK_TO_LIST], events::backToList)
    }
}

@Composable
internal fun ResultLine(text: String) {
    Text(text, style = MaterialTheme.typography.titleMedium)
}

/** Skipped contacts grouped by reason, most frequent first, the first few shown. */
@Composable
internal fun SkippedReasons(reasons: List<String>, labels: Labels) {
    if (reasons.isEmpty()) return
    val groups = reasons.groupingBy { it }.eachCount().entries.sortedByDescending { it.value }
    val shown = 5
    Column(Modifier.padding(start = 8.dp), verticalArrangement = Arrangement.spacedBy(4.dp)) {
        groups.take(shown).forEach { (reason, n) ->
            Text(
                "${labels.count(n.toLong())} × $reason",
                style = MaterialTheme.typography.bodyMedium,
                color = MaterialTheme.colorScheme.onSurfaceVariant,
                maxLines = 3,
                overflow = TextOverflow.Ellipsis,
            )
        }
        if (groups.size > shown) {
            Text(
                labels[Label.RESULT_MORE_REASONS, labels.count((groups.size - shown).toLong())],
                style = MaterialTheme.typography.bodyMedium,
                color = MaterialTheme.colorScheme.onSurfaceVariant,
            )
        }
    }
}

internal fun progressFraction(p: ScreenProgress?): Float? =
    if (p == null || p.total == 0uL) null else (p.done.toDouble() / p.total.toDouble()).toFloat().coerceIn(0f, 1f)

internal fun progressText(p: ScreenProgress?, labels: Labels): String {
    if (p == null) return labels[Label.STARTING]
    val done = labels.count(p.done)
    val total = labels.count(p.total)
    val percent = progressFraction(p)?.let { (it * 100).toInt().toString() } ?: "0"
    return when (p.stage) {
        ProgressStage.READING -> labels[Label.READING, done]
        ProgressStage.REFRESHING -> labels[Label.REFRESHING, done]
        ProgressStage.MATCHING -> labels[Label.MATCHING, percent]
        ProgressStage.IMPORTING -> labels[Label.IMPORTING, done, total]
        ProgressStage.WRITING -> labels[Label.WRITING, done, total]
    }
}

/** The failure's title; the core's message below it says what happened and what to do. */
internal fun failureTitle(kind: FailureKind?, labels: Labels): String = labels[
    when (kind) {
        FailureKind.CANCELLED -> Label.STOPPED_TITLE
        FailureKind.SIGN_IN_REQUIRED -> Label.SIGN_IN_TITLE
        FailureKind.NETWORK -> Label.OFFLINE_TITLE
        else -> Label.FAILURE_TITLE
    },
]

/** A passing notice from the core over the list (why a row cannot be ticked, ...). */
@Composable
internal fun Notice(text: String?) {
    if (text.isNullOrBlank()) return
    Surface(color = MaterialTheme.colorScheme.errorContainer, contentColor = MaterialTheme.colorScheme.onErrorContainer) {
        Text(
            text,
            style = MaterialTheme.typography.bodyMedium,
            modifier = Modifier.fillMaxWidth().padding(horizontal = 16.dp, vertical = 8.dp),
        )
    }
}
