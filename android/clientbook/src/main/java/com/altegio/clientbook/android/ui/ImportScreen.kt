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
import androidx.compose.foundation.selection.toggleable
import androidx.compose.foundation.selection.triStateToggleable
import androidx.compose.material3.AlertDialog
import androidx.compose.material3.ButtonDefaults
import androidx.compose.material3.Checkbox
import androidx.compose.material3.DropdownMenu
import androidx.compose.material3.DropdownMenuItem
import androidx.compose.material3.HorizontalDivider
import androidx.compose.material3.MaterialTheme
import androidx.compose.material3.OutlinedButton
import androidx.compose.material3.Surface
import androidx.compose.material3.Switch
import androidx.compose.material3.Text
import androidx.compose.material3.TextButton
import androidx.compose.material3.TriStateCheckbox
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
import androidx.compose.ui.state.ToggleableState
import androidx.compose.ui.text.style.TextOverflow
import androidx.compose.ui.unit.dp
import com.altegio.clientbook.core.ContactStatus
import com.altegio.clientbook.core.FailureKind
import com.altegio.clientbook.core.ImportOutcome
import com.altegio.clientbook.core.ImportRecord
import com.altegio.clientbook.core.ImportScreenState
import com.altegio.clientbook.core.KeptReason
import com.altegio.clientbook.core.Message
import com.altegio.clientbook.core.PermissionAction
import com.altegio.clientbook.core.Phone
import com.altegio.clientbook.core.PhoneLabel
import com.altegio.clientbook.core.PreviewRow
import com.altegio.clientbook.core.ProgressStage
import com.altegio.clientbook.core.ScreenPhase
import com.altegio.clientbook.core.ScreenProgress
import com.altegio.clientbook.core.UndoReport
import java.text.DateFormat
import java.text.ParseException
import java.text.SimpleDateFormat
import java.util.Locale
import java.util.TimeZone

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

    /** "Select suggested": only the contacts that look like clients (the core decides which). */
    fun selectSuggested()

    /** Ticks or unticks adding the phonebook's email to one existing client lacking one. */
    fun setFillIn(index: ULong, fill: Boolean)

    /** Adds every offered email ([fill]) or none. */
    fun fillInAll(fill: Boolean)

    /** "Undo import", after the user confirmed the state's `undoCount`. */
    fun undo()

    /** Opens the import history: the host reads it from the core and hands it in as `history`. */
    fun showHistory()

    fun hideHistory()

    /** Undo from the history, after the user confirmed that record's `created - undone`. */
    fun undoImport(importId: Long)

    /** The switch "Put the new clients into the category …". */
    fun setCategory(enabled: Boolean)
}

/**
 * The import history while it is shown: the core's records, newest first, or [failed] when
 * they could not be read.
 */
class HistorySheet(val records: List<ImportRecord>, val failed: Boolean = false)

/**
 * "Export from phonebook": phonebook contacts into the client base. [history] is the import
 * history while the user has it open (after [ImportEvents.showHistory]), else null.
 */
@Composable
fun ImportScreen(
    state: ImportScreenState,
    rows: RowSource<PreviewRow>,
    labels: Labels,
    events: ImportEvents,
    modifier: Modifier = Modifier,
    history: HistorySheet? = null,
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
                onHistory = if (state.phase in HISTORY_PHASES) events::showHistory else null,
            )
            when (state.phase) {
                ScreenPhase.START -> ProgressPanel(
                    labels[Label.STARTING], null, null, labels[Label.CANCEL], false, events::cancel,
                )
                ScreenPhase.NEEDS_PERMISSION -> PermissionPanel(state.permission?.action, state.permission?.explanation, labels, events::requestPermission, events::openSettings, events::back)
                ScreenPhase.RIGHTS_MISSING -> MessagePanel(labels[Label.RIGHTS_TITLE], state.message) {
                    SecondaryButton(labels[Label.CLOSE], events::back)
                }
                ScreenPhase.READING, ScreenPhase.MATCHING, ScreenPhase.COMMITTING, ScreenPhase.UNDOING -> {
                    val p = state.progress
                    ProgressPanel(
                        text = progressText(p, labels),
                        fraction = progressFraction(p),
                        note = when (state.phase) {
                            ScreenPhase.COMMITTING -> labels[Label.WRITTEN_STAYS]
                            ScreenPhase.UNDOING -> labels[Label.UNDO_STAYS]
                            else -> null
                        },
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
    if (history != null) HistoryDialog(history, state.actions.undoFromHistory, labels, events)
}

/** Where the history is offered: wherever no job is running and the screen is not blocked. */
private val HISTORY_PHASES = setOf(ScreenPhase.LIST, ScreenPhase.EMPTY, ScreenPhase.RESULT)

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
        ) {
            if (state.actions.selectSuggested) {
                TextButton(onClick = events::selectSuggested) {
                    Text(labels[Label.SELECT_SUGGESTED, labels.count(state.suggested)], maxLines = 2, overflow = TextOverflow.Ellipsis)
                }
            }
            if (state.actions.fillInAll) FillInAll(state, labels, events)
        }
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
            text = if (state.fillInSelected > 0uL) {
                labels[Label.IMPORT_AND_FILL, labels.count(state.selected), labels.count(state.fillInSelected)]
            } else {
                labels[Label.IMPORT_SELECTED, labels.count(state.selected)]
            },
            // The core counts the work (contacts and emails) and says whether there is any.
            enabled = state.actions.importSelected,
            onClick = events::importSelected,
        ) {
            val categoryTitle = state.categoryTitle
            if (state.actions.setCategory && categoryTitle != null) CategorySwitch(state.category != null, categoryTitle, labels, events)
        }
    }
}

/** "Put the new clients into the category “From phonebook”", on or off: the core names the category. */
@Composable
private fun CategorySwitch(on: Boolean, title: String, labels: Labels, events: ImportEvents) {
    Row(
        Modifier.fillMaxWidth().heightIn(min = 48.dp).toggleable(value = on, role = Role.Switch) { events.setCategory(it) },
        verticalAlignment = Alignment.CenterVertically,
    ) {
        Text(
            labels[Label.CATEGORY_SWITCH, title],
            style = MaterialTheme.typography.bodyMedium,
            maxLines = 3,
            overflow = TextOverflow.Ellipsis,
            modifier = Modifier.weight(1f).padding(end = 12.dp),
        )
        Switch(checked = on, onCheckedChange = null)
    }
}

/** "Fill in what clients are missing (email, birthday): 2 of 3", ticked, unticked or partly: a tap fills all or none. */
@Composable
private fun FillInAll(state: ImportScreenState, labels: Labels, events: ImportEvents) {
    val all = state.fillInSelected >= state.fillInOffered
    val tick = when {
        state.fillInSelected == 0uL -> ToggleableState.Off
        all -> ToggleableState.On
        else -> ToggleableState.Indeterminate
    }
    Row(
        Modifier.fillMaxWidth().heightIn(min = 48.dp).triStateToggleable(tick, role = Role.Checkbox) { events.fillInAll(!all) },
        verticalAlignment = Alignment.CenterVertically,
    ) {
        TriStateCheckbox(state = tick, onClick = null)
        Spacer(Modifier.width(12.dp))
        Text(
            labels[Label.FILL_IN_ALL, labels.count(state.fillInSelected), labels.count(state.fillInOffered)],
            style = MaterialTheme.typography.bodyMedium,
            maxLines = 2,
            overflow = TextOverflow.Ellipsis,
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
        Column(Modifier.weight(1f).padding(top = 4.dp)) {
            Column(
                Modifier.alpha(if (importable) 1f else 0.62f),
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
                    RowDetail(detailOf(row, labels))
                }
                // Importable, but left out of "Select suggested": the row says why; a tick still works.
                val notSuggested = row.notSuggested
                if (importable && notSuggested != null) {
                    Row(verticalAlignment = Alignment.CenterVertically) {
                        StatusChip(labels[Label.NOT_SUGGESTED], warning = false)
                    }
                    RowDetail(row.notSuggestedText)
                }
                RowDetail(row.notice)
            }
            // The core words the offer (email, birthday or both) in the screen's language.
            val offer = row.fillInText
            if (offer != null) FillInLine(row, offer, events)
        }
    }
}

@Composable
private fun RowDetail(text: String?) {
    if (text == null) return
    Text(
        text,
        style = MaterialTheme.typography.bodySmall,
        color = MaterialTheme.colorScheme.onSurfaceVariant,
        maxLines = 3,
        overflow = TextOverflow.Ellipsis,
    )
}

/** On an existing client lacking an email: "Add the email … to the client", ticked or not. */
@Composable
private fun FillInLine(row: PreviewRow, offer: String, events: ImportEvents) {
    Row(
        Modifier.fillMaxWidth().heightIn(min = 40.dp)
            .toggleable(value = row.fillInSelected, role = Role.Checkbox) { events.setFillIn(row.index, it) },
        verticalAlignment = Alignment.CenterVertically,
    ) {
        Checkbox(checked = row.fillInSelected, onCheckedChange = null)
        Spacer(Modifier.width(12.dp))
        Text(
            offer,
            style = MaterialTheme.typography.bodyMedium,
            maxLines = 3,
            overflow = TextOverflow.Ellipsis,
        )
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
    val undone = state.undoReport
    var confirmUndo by remember { mutableStateOf(false) }
    val title = when {
        undone == null -> Label.IMPORT_RESULT_TITLE
        undone.cancelled -> Label.UNDO_STOPPED_TITLE
        else -> Label.UNDO_RESULT_TITLE
    }
    // The core's message here is one to act on: an undo refused (a missing right) or stopped.
    MessagePanel(labels[title], null, extra = {
        NoticeCard(state.message)
        if (undone != null) {
            UndoSummary(undone, labels)
        } else if (report != null) {
            ResultLine(labels[Label.RESULT_CREATED, labels.count(report.created.size.toLong())])
            ResultLine(labels[Label.RESULT_ALREADY, labels.count(report.alreadyThere.size.toLong())])
            ResultLine(labels[Label.RESULT_SKIPPED, labels.count(report.skipped.size.toLong())])
            if (report.filled.isNotEmpty()) ResultLine(labels[Label.RESULT_FILLED, labels.count(report.filled.size.toLong())])
            report.category?.let { c ->
                ResultLine(labels[Label.RESULT_CATEGORY, c.title, labels.count(c.set)])
                if (c.createdCategory) ResultNote(labels[Label.RESULT_CATEGORY_CREATED])
                if (c.notSet > 0uL) ResultNote(labels[Label.RESULT_CATEGORY_NOT_SET, labels.count(c.notSet)], error = true)
            }
            SkippedReasons(report.skipped.map { it.reason }, labels)
            if (report.cancelled) {
                Text(labels[Label.RESULT_CANCELLED], style = MaterialTheme.typography.bodyMedium, color = MaterialTheme.colorScheme.error)
            }
        }
    }) {
        // After a cancelled import the retry imports the rest; after an undo it reads the
        // phonebook again, so the list shows who is a client now.
        if (state.actions.retry && undone == null) PrimaryButton(labels[Label.IMPORT_REST], events::retry)
        PrimaryButton(labels[Label.DONE], events::done)
        if (state.actions.retry && undone != null) SecondaryButton(labels[Label.RELOAD_LIST], events::retry)
        if (state.actions.backToList) SecondaryButton(labels[Label.BACK_TO_LIST], events::backToList)
        if (state.actions.undo) DangerButton(labels[Label.UNDO_IMPORT]) { confirmUndo = true }
    }
    if (confirmUndo && state.actions.undo) {
        UndoDialog(
            count = state.undoCount,
            labels = labels,
            onConfirm = {
                confirmUndo = false
                events.undo()
            },
            onDismiss = { confirmUndo = false },
        )
    }
}

/** What an undo did: the core's line (deleted, kept), the kept clients by reason, and those already gone. */
@Composable
private fun UndoSummary(report: UndoReport, labels: Labels) {
    ResultLine(labels.message(Message.UndoDone(report.deleted, report.kept.size.toULong())))
    report.kept.groupBy { it.reason }.forEach { (reason, kept) ->
        val label = when (reason) {
            KeptReason.EDITED_SINCE -> Label.UNDO_KEPT_EDITED
            KeptReason.HAS_VISITS -> Label.UNDO_KEPT_VISITS
            // A deletion is permanent: not knowing the visits is not "none".
            KeptReason.VISITS_UNKNOWN -> Label.UNDO_KEPT_VISITS_UNKNOWN
        }
        val shown = 5
        val ids = kept.take(shown).joinToString(", ") { labels[Label.CLIENT_NUMBER, it.clientId.toString()] } +
            if (kept.size > shown) " " + labels[Label.MORE, labels.count((kept.size - shown).toLong())] else ""
        ResultNote(labels[label, ids])
    }
    if (report.alreadyGone > 0uL) ResultNote(labels[Label.UNDO_ALREADY_GONE, labels.count(report.alreadyGone)])
}

@Composable
private fun ResultNote(text: String, error: Boolean = false) {
    Text(
        text,
        style = MaterialTheme.typography.bodyMedium,
        color = if (error) MaterialTheme.colorScheme.error else MaterialTheme.colorScheme.onSurfaceVariant,
    )
}

/** A destructive way forward: outlined, in the error colour. */
@Composable
private fun DangerButton(text: String, onClick: () -> Unit) {
    OutlinedButton(
        onClick = onClick,
        colors = ButtonDefaults.outlinedButtonColors(contentColor = MaterialTheme.colorScheme.error),
        modifier = Modifier.fillMaxWidth().heightIn(min = 48.dp),
    ) {
        Text(text, maxLines = 2, overflow = TextOverflow.Ellipsis)
    }
}

/**
 * "Delete N clients created by this import? … Deleting cannot be taken back." (the core's
 * words and plural, for the result's undo and the history's alike), and Delete / Cancel.
 */
@Composable
internal fun UndoDialog(count: ULong, labels: Labels, onConfirm: () -> Unit, onDismiss: () -> Unit) {
    AlertDialog(
        onDismissRequest = onDismiss,
        title = { Text(labels[Label.UNDO_TITLE]) },
        text = { Text(labels.message(Message.UndoConfirm(count)), style = MaterialTheme.typography.bodyLarge) },
        confirmButton = {
            TextButton(onClick = onConfirm, colors = ButtonDefaults.textButtonColors(contentColor = MaterialTheme.colorScheme.error)) {
                Text(labels[Label.UNDO_DELETE])
            }
        },
        dismissButton = { TextButton(onClick = onDismiss) { Text(labels[Label.CANCEL]) } },
    )
}

/**
 * The recent imports: when, how many clients each created and how many of them were undone,
 * how it ended, and (while the core offers it) Undo on each with clients left to delete, after
 * the same confirmation as the result's. A confirmed undo closes the list: the screen then
 * shows its progress and what it did.
 */
@Composable
private fun HistoryDialog(history: HistorySheet, canUndo: Boolean, labels: Labels, events: ImportEvents) {
    var confirm by remember { mutableStateOf<ImportRecord?>(null) }
    val onClose = events::hideHistory
    AlertDialog(
        onDismissRequest = onClose,
        title = { Text(labels[Label.HISTORY]) },
        text = {
            when {
                history.failed -> Text(labels[Label.HISTORY_UNREADABLE], style = MaterialTheme.typography.bodyMedium)
                history.records.isEmpty() -> Text(labels[Label.HISTORY_EMPTY], style = MaterialTheme.typography.bodyMedium)
                else -> LazyColumn {
                    items(count = history.records.size) { i ->
                        if (i > 0) HorizontalDivider()
                        val record = history.records[i]
                        HistoryEntry(record, labels, onUndo = if (canUndo && record.created > record.undone) ({ confirm = record }) else null)
                    }
                }
            }
        },
        confirmButton = { TextButton(onClick = onClose) { Text(labels[Label.CLOSE]) } },
    )
    confirm?.let { record ->
        UndoDialog(
            count = record.created - record.undone,
            labels = labels,
            onConfirm = {
                confirm = null
                events.hideHistory()
                events.undoImport(record.id)
            },
            onDismiss = { confirm = null },
        )
    }
}

@Composable
private fun HistoryEntry(record: ImportRecord, labels: Labels, onUndo: (() -> Unit)?) {
    Row(Modifier.fillMaxWidth().padding(vertical = 8.dp), verticalAlignment = Alignment.CenterVertically) {
        Column(Modifier.weight(1f), verticalArrangement = Arrangement.spacedBy(2.dp)) {
            Text(importTime(record.startedAt, labels.locale), style = MaterialTheme.typography.titleSmall)
            Text(
                labels[Label.HISTORY_COUNTS, labels.count(record.created), labels.count(record.undone)],
                style = MaterialTheme.typography.bodyMedium,
            )
            val outcome = when (record.outcome) {
                ImportOutcome.DONE -> null
                ImportOutcome.CANCELLED -> Label.HISTORY_CANCELLED
                ImportOutcome.FAILED -> Label.HISTORY_FAILED
                ImportOutcome.INTERRUPTED -> Label.HISTORY_INTERRUPTED
            }
            if (outcome != null) {
                Text(labels[outcome], style = MaterialTheme.typography.bodySmall, color = MaterialTheme.colorScheme.error)
            }
        }
        if (onUndo != null) {
            TextButton(onClick = onUndo, colors = ButtonDefaults.textButtonColors(contentColor = MaterialTheme.colorScheme.error)) {
                Text(labels[Label.HISTORY_UNDO], maxLines = 1)
            }
        }
    }
}

/**
 * When an import started, in [zone] (the device's) and this language ("2 Dec 2026, 14:05").
 * The core writes UTC as `2026-12-02T11:05:00Z`; anything else is shown as it came.
 */
internal fun importTime(iso: String, locale: Locale, zone: TimeZone = TimeZone.getDefault()): String {
    val utc = SimpleDateFormat("yyyy-MM-dd'T'HH:mm:ss'Z'", Locale.ROOT).apply { timeZone = TimeZone.getTimeZone("UTC") }
    val date = try {
        utc.parse(iso)
    } catch (e: ParseException) {
        null
    } ?: return iso
    return DateFormat.getDateTimeInstance(DateFormat.MEDIUM, DateFormat.SHORT, locale).apply { timeZone = zone }.format(date)
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
        // Locally one transaction, no count to show; on Altegio a request per client.
        ProgressStage.UNDOING -> if (p.total == 0uL) labels[Label.UNDOING_START] else labels[Label.UNDOING, done, total]
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
