package com.altegio.clientbook.android.ui

import androidx.compose.foundation.Canvas
import androidx.compose.foundation.layout.Arrangement
import androidx.compose.foundation.layout.Column
import androidx.compose.foundation.layout.ColumnScope
import androidx.compose.foundation.layout.Row
import androidx.compose.foundation.layout.Spacer
import androidx.compose.foundation.layout.fillMaxSize
import androidx.compose.foundation.layout.fillMaxWidth
import androidx.compose.foundation.layout.height
import androidx.compose.foundation.layout.heightIn
import androidx.compose.foundation.layout.padding
import androidx.compose.foundation.layout.size
import androidx.compose.foundation.layout.widthIn
import androidx.compose.foundation.rememberScrollState
import androidx.compose.foundation.text.KeyboardOptions
import androidx.compose.foundation.verticalScroll
import androidx.compose.material3.Button
import androidx.compose.material3.ColorScheme
import androidx.compose.material3.HorizontalDivider
import androidx.compose.material3.IconButton
import androidx.compose.material3.LinearProgressIndicator
import androidx.compose.material3.MaterialTheme
import androidx.compose.material3.OutlinedButton
import androidx.compose.material3.OutlinedTextField
import androidx.compose.material3.Surface
import androidx.compose.material3.Text
import androidx.compose.material3.TextButton
import androidx.compose.material3.darkColorScheme
import androidx.compose.material3.lightColorScheme
import androidx.compose.runtime.Composable
import androidx.compose.runtime.getValue
import androidx.compose.runtime.mutableStateOf
import androidx.compose.runtime.remember
import androidx.compose.runtime.setValue
import androidx.compose.ui.Alignment
import androidx.compose.ui.Modifier
import androidx.compose.ui.geometry.Offset
import androidx.compose.ui.graphics.Color
import androidx.compose.ui.graphics.StrokeCap
import androidx.compose.ui.graphics.drawscope.Stroke
import androidx.compose.ui.semantics.contentDescription
import androidx.compose.ui.semantics.semantics
import androidx.compose.ui.text.input.ImeAction
import androidx.compose.ui.text.style.TextOverflow
import androidx.compose.ui.unit.dp
import androidx.compose.ui.unit.sp

/**
 * Material 3 with its baseline colours. A host app with its own theme wraps the screens in
 * that instead; the screens read only `MaterialTheme`.
 */
@Composable
fun ClientbookTheme(dark: Boolean, colors: ColorScheme? = null, content: @Composable () -> Unit) {
    MaterialTheme(
        colorScheme = colors ?: if (dark) darkColorScheme() else lightColorScheme(),
        content = content,
    )
}

private val TITLE_SIZE = 20.sp
private val TITLE_MIN_SIZE = 16.sp

/** Back arrow drawn with lines: the screens use no icon library, so they need no extra jar. */
@Composable
internal fun BackIcon(tint: Color) {
    Canvas(Modifier.size(24.dp)) {
        val w = size.width
        val stroke = 2.dp.toPx()
        drawLine(tint, Offset(w * 0.2f, w * 0.5f), Offset(w * 0.85f, w * 0.5f), stroke, StrokeCap.Round)
        drawLine(tint, Offset(w * 0.2f, w * 0.5f), Offset(w * 0.48f, w * 0.22f), stroke, StrokeCap.Round)
        drawLine(tint, Offset(w * 0.2f, w * 0.5f), Offset(w * 0.48f, w * 0.78f), stroke, StrokeCap.Round)
    }
}

/** Magnifier drawn with a circle and a line. */
@Composable
internal fun SearchIcon(tint: Color) {
    Canvas(Modifier.size(24.dp)) {
        val w = size.width
        val stroke = 2.dp.toPx()
        drawCircle(tint, radius = w * 0.27f, center = Offset(w * 0.42f, w * 0.42f), style = Stroke(stroke))
        drawLine(tint, Offset(w * 0.62f, w * 0.62f), Offset(w * 0.85f, w * 0.85f), stroke, StrokeCap.Round)
    }
}

/** A cross, for clearing the search. */
@Composable
internal fun ClearIcon(tint: Color) {
    Canvas(Modifier.size(20.dp)) {
        val w = size.width
        val stroke = 2.dp.toPx()
        drawLine(tint, Offset(w * 0.25f, w * 0.25f), Offset(w * 0.75f, w * 0.75f), stroke, StrokeCap.Round)
        drawLine(tint, Offset(w * 0.75f, w * 0.25f), Offset(w * 0.25f, w * 0.75f), stroke, StrokeCap.Round)
    }
}

/** A clock face, for the import history. */
@Composable
internal fun HistoryIcon(tint: Color) {
    Canvas(Modifier.size(24.dp)) {
        val w = size.width
        val stroke = 2.dp.toPx()
        val c = Offset(w * 0.5f, w * 0.5f)
        drawCircle(tint, radius = w * 0.36f, center = c, style = Stroke(stroke))
        drawLine(tint, c, Offset(w * 0.5f, w * 0.28f), stroke, StrokeCap.Round)
        drawLine(tint, c, Offset(w * 0.66f, w * 0.6f), stroke, StrokeCap.Round)
    }
}

/** Small downward triangle after a number that has alternatives. */
@Composable
internal fun ChooserArrow(tint: Color) {
    Canvas(Modifier.size(16.dp)) {
        val w = size.width
        val stroke = 2.dp.toPx()
        drawLine(tint, Offset(w * 0.2f, w * 0.38f), Offset(w * 0.5f, w * 0.68f), stroke, StrokeCap.Round)
        drawLine(tint, Offset(w * 0.8f, w * 0.38f), Offset(w * 0.5f, w * 0.68f), stroke, StrokeCap.Round)
    }
}

/**
 * Top bar: back, a title that may take two lines in Russian at 320 dp, a search toggle, and
 * the import history when [onHistory] is given.
 */
@Composable
internal fun ScreenTopBar(
    title: String,
    labels: Labels,
    onBack: () -> Unit,
    searchAvailable: Boolean,
    searchShown: Boolean,
    onSearchToggle: () -> Unit,
    onHistory: (() -> Unit)? = null,
) {
    Surface(color = MaterialTheme.colorScheme.surfaceContainer) {
        Row(
            Modifier.fillMaxWidth().heightIn(min = 64.dp).padding(horizontal = 4.dp),
            verticalAlignment = Alignment.CenterVertically,
        ) {
            val backLabel = labels[Label.BACK]
            IconButton(onClick = onBack, modifier = Modifier.semantics { contentDescription = backLabel }) {
                BackIcon(MaterialTheme.colorScheme.onSurface)
            }
            // 20 sp: the Russian titles fit two lines beside two buttons at 320 dp; with a third
            // (the import history) the title steps down, at most to 16 sp, rather than be cut.
            var fontSize by remember(title, searchAvailable, onHistory != null) { mutableStateOf(TITLE_SIZE) }
            Text(
                title,
                style = MaterialTheme.typography.titleLarge.copy(fontSize = fontSize, lineHeight = 24.sp),
                maxLines = 2,
                overflow = TextOverflow.Ellipsis,
                onTextLayout = { if (it.hasVisualOverflow && fontSize > TITLE_MIN_SIZE) fontSize = (fontSize.value - 1).sp },
                modifier = Modifier.weight(1f).padding(horizontal = 4.dp),
            )
            if (searchAvailable) {
                val searchLabel = labels[Label.SEARCH]
                IconButton(
                    onClick = onSearchToggle,
                    modifier = Modifier.semantics { contentDescription = searchLabel },
                ) {
                    SearchIcon(
                        if (searchShown) MaterialTheme.colorScheme.primary else MaterialTheme.colorScheme.onSurface,
                    )
                }
            }
            if (onHistory != null) {
                val historyLabel = labels[Label.HISTORY]
                IconButton(onClick = onHistory, modifier = Modifier.semantics { contentDescription = historyLabel }) {
                    HistoryIcon(MaterialTheme.colorScheme.onSurface)
                }
            }
        }
    }
}

/**
 * The search field. It keeps its own text so typing stays instant, and hands every change to
 * [onQuery] (the core filters; the list follows the state it returns).
 */
@Composable
internal fun SearchField(query: String, labels: Labels, onQuery: (String) -> Unit) {
    var text by remember { mutableStateOf(query) }
    OutlinedTextField(
        value = text,
        onValueChange = {
            text = it
            onQuery(it)
        },
        placeholder = { Text(labels[Label.SEARCH_HINT], maxLines = 1, overflow = TextOverflow.Ellipsis) },
        singleLine = true,
        keyboardOptions = KeyboardOptions(imeAction = ImeAction.Search),
        trailingIcon = if (text.isNotEmpty()) {
            {
                val clearLabel = labels[Label.CLEAR_SEARCH]
                IconButton(
                    onClick = {
                        text = ""
                        onQuery("")
                    },
                    modifier = Modifier.semantics { contentDescription = clearLabel },
                ) { ClearIcon(MaterialTheme.colorScheme.onSurfaceVariant) }
            }
        } else {
            null
        },
        modifier = Modifier.fillMaxWidth().padding(horizontal = 16.dp, vertical = 4.dp),
    )
}

/**
 * A whole-screen message (permission, rights, empty, failure, result): a title, text, and the
 * ways forward as buttons, so no state is a dead end. Scrolls when the text is long.
 */
@Composable
internal fun MessagePanel(
    title: String,
    body: String?,
    modifier: Modifier = Modifier,
    extra: @Composable ColumnScope.() -> Unit = {},
    buttons: @Composable ColumnScope.() -> Unit,
) {
    Column(
        modifier.fillMaxSize().verticalScroll(rememberScrollState()).padding(24.dp),
        verticalArrangement = Arrangement.spacedBy(12.dp),
    ) {
        Spacer(Modifier.height(24.dp))
        Text(title, style = MaterialTheme.typography.headlineSmall)
        if (!body.isNullOrBlank()) {
            Text(body, style = MaterialTheme.typography.bodyLarge)
        }
        extra()
        Spacer(Modifier.height(8.dp))
        buttons()
    }
}

/** The main button of a panel, full width so long Russian labels fit at 320 dp. */
@Composable
internal fun PrimaryButton(text: String, onClick: () -> Unit, enabled: Boolean = true) {
    Button(onClick = onClick, enabled = enabled, modifier = Modifier.fillMaxWidth().heightIn(min = 48.dp)) {
        Text(text, maxLines = 2, overflow = TextOverflow.Ellipsis)
    }
}

/** A second way forward (close, back to the list). */
@Composable
internal fun SecondaryButton(text: String, onClick: () -> Unit) {
    OutlinedButton(onClick = onClick, modifier = Modifier.fillMaxWidth().heightIn(min = 48.dp)) {
        Text(text, maxLines = 2, overflow = TextOverflow.Ellipsis)
    }
}

/**
 * Progress of reading, matching or writing: a bar (determinate when the total is known), the
 * count in words, and Cancel when the core allows it.
 */
@Composable
internal fun ProgressPanel(
    text: String,
    fraction: Float?,
    note: String?,
    cancelLabel: String,
    canCancel: Boolean,
    onCancel: () -> Unit,
) {
    Column(
        Modifier.fillMaxSize().padding(24.dp),
        verticalArrangement = Arrangement.spacedBy(16.dp, Alignment.CenterVertically),
        horizontalAlignment = Alignment.CenterHorizontally,
    ) {
        Text(text, style = MaterialTheme.typography.titleMedium)
        if (fraction != null) {
            LinearProgressIndicator(progress = { fraction }, modifier = Modifier.fillMaxWidth())
        } else {
            LinearProgressIndicator(modifier = Modifier.fillMaxWidth())
        }
        if (note != null) {
            Text(note, style = MaterialTheme.typography.bodyMedium, color = MaterialTheme.colorScheme.onSurfaceVariant)
        }
        if (canCancel) {
            OutlinedButton(onClick = onCancel, modifier = Modifier.widthIn(min = 160.dp)) { Text(cancelLabel) }
        }
    }
}

/**
 * Summary line and the select all / none buttons above a list; [more] adds the screen's own
 * controls below them (the import's "Select suggested" and "add missing emails").
 */
@Composable
internal fun ListHeader(
    summary: String,
    labels: Labels,
    canSelectAll: Boolean,
    canSelectNone: Boolean,
    onSelectAll: () -> Unit,
    onSelectNone: () -> Unit,
    more: @Composable ColumnScope.() -> Unit = {},
) {
    Column(Modifier.fillMaxWidth().padding(horizontal = 16.dp, vertical = 4.dp)) {
        Text(summary, style = MaterialTheme.typography.bodyMedium, color = MaterialTheme.colorScheme.onSurfaceVariant)
        Row(horizontalArrangement = Arrangement.spacedBy(8.dp)) {
            TextButton(onClick = onSelectAll, enabled = canSelectAll) { Text(labels[Label.SELECT_ALL], maxLines = 1) }
            TextButton(onClick = onSelectNone, enabled = canSelectNone) { Text(labels[Label.SELECT_NONE], maxLines = 1) }
        }
        more()
    }
    HorizontalDivider()
}

/** A core message that needs attention inside a panel (a refused undo): tinted, never a dialog. */
@Composable
internal fun NoticeCard(text: String?) {
    if (text.isNullOrBlank()) return
    Surface(
        color = MaterialTheme.colorScheme.errorContainer,
        contentColor = MaterialTheme.colorScheme.onErrorContainer,
        shape = MaterialTheme.shapes.medium,
        modifier = Modifier.fillMaxWidth(),
    ) {
        Text(text, style = MaterialTheme.typography.bodyMedium, modifier = Modifier.padding(12.dp))
    }
}

/**
 * The sticky bottom bar with the primary action; disabled at 0 selected. [above] holds a
 * setting of that action (the import's category switch).
 */
@Composable
internal fun BottomActionBar(text: String, enabled: Boolean, onClick: () -> Unit, above: @Composable ColumnScope.() -> Unit = {}) {
    Surface(tonalElevation = 3.dp, shadowElevation = 3.dp) {
        Column(Modifier.fillMaxWidth().padding(horizontal = 16.dp, vertical = 12.dp)) {
            above()
            PrimaryButton(text, onClick, enabled)
        }
    }
}

/** A status chip: short words on a tinted shape, never wrapping into the row's name. */
@Composable
internal fun StatusChip(text: String, warning: Boolean) {
    val colors = MaterialTheme.colorScheme
    Surface(
        color = if (warning) colors.errorContainer else colors.secondaryContainer,
        contentColor = if (warning) colors.onErrorContainer else colors.onSecondaryContainer,
        shape = MaterialTheme.shapes.small,
    ) {
        Text(
            text,
            style = MaterialTheme.typography.labelMedium,
            maxLines = 1,
            overflow = TextOverflow.Ellipsis,
            modifier = Modifier.padding(horizontal = 8.dp, vertical = 3.dp),
        )
    }
}
