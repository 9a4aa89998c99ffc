package com.altegio.clientbook.android.ui

import androidx.compose.runtime.getValue
import androidx.compose.runtime.mutableStateOf
import androidx.compose.runtime.setValue
import com.altegio.clientbook.ClientDatabase
import com.altegio.clientbook.ImportScreen as CoreImportScreen
import com.altegio.clientbook.LocationSettings
import com.altegio.clientbook.core.ContactsPermission
import com.altegio.clientbook.core.ImportScreenState
import com.altegio.clientbook.core.PreviewRow
import com.altegio.clientbook.core.ScreenPhase
import com.altegio.clientbook.fullRights

/**
 * Time from "contacts read" to the first row on screen, on the JVM path the Android shell
 * takes: the phonebook (10,000 contacts, already read into `PhonebookContact`s) goes to the
 * core's `ImportScreen.contactsRead` (matching), the returned List state replaces the shown
 * one, a row pager fetches the first page, and the import screen is composed, laid out and
 * drawn headless (ImageComposeScene, 360×800). The clock stops when that frame is drawn; the
 * first row's name is then checked in the semantics tree (outside the timing).
 * Prints one table row for docs/benchmarks.md.
 * Args: contacts, warm-up runs, measured runs.
 */
fun main(args: Array<String>) {
    val count = args.getOrNull(0)?.toInt() ?: 10_000
    val warmup = args.getOrNull(1)?.toInt() ?: 5
    val runs = args.getOrNull(2)?.toInt() ?: 15
    val contacts = samplePhonebook(count)
    val db = ClientDatabase.inMemory()
    val labels = XmlLabels.english

    class Shown(screen: CoreImportScreen) {
        var state: ImportScreenState by mutableStateOf(screen.state())
        var rows: RowSource<PreviewRow> by mutableStateOf(ListRows(emptyList()))
    }

    val matching = ArrayList<Double>()
    val firstFrame = ArrayList<Double>()
    val total = ArrayList<Double>()
    repeat(warmup + runs) { run ->
        val screen = CoreImportScreen.local(db, fullRights(), LocationSettings(), null)
        val shown = Shown(screen)
        shown.state = screen.permissionChanged(ContactsPermission.ANDROID_GRANTED)
        Scene(Size.PHONE, dark = false) { ImportScreen(shown.state, shown.rows, labels, Unexpected) }.use { scene ->
            scene.frame() // the Reading state is on screen, as on the phone while it reads
            val t0 = System.nanoTime()
            val state = screen.contactsRead(contacts)
            val t1 = System.nanoTime()
            shown.state = state
            shown.rows = PagedRows(
                size = state.visibleCount.toInt(),
                fetch = { offset, limit -> screen.rows(offset.toULong(), limit.toULong()) },
                run = { it() },
            )
            scene.scene.render(t1 + 16_000_000L)
            val t2 = System.nanoTime()
            check(state.phase == ScreenPhase.LIST) { "not a list: ${state.phase}" }
            check(scene.has("Анна Иванова")) { "first row not on screen: ${scene.allTexts()}" }
            if (run >= warmup) {
                matching += (t1 - t0) / 1e6
                firstFrame += (t2 - t1) / 1e6
                total += (t2 - t0) / 1e6
            }
        }
        screen.close()
    }
    fun List<Double>.median() = sorted()[this.size / 2]
    fun List<Double>.p90() = sorted()[(this.size * 9 / 10).coerceAtMost(this.size - 1)]
    println(
        "| Android import screen, JVM: contacts read -> first row drawn, %,d contacts (matching + first frame) | %.1f ms (%.1f + %.1f; p90 %.1f) | - | - | - | - |"
            .format(count, total.median(), matching.median(), firstFrame.median(), total.p90()),
    )
}
