package com.altegio.clientbook.android.ui

import androidx.compose.runtime.CompositionLocalProvider
import androidx.compose.ui.platform.LocalDensity
import androidx.compose.ui.unit.Density
import org.junit.jupiter.api.Assertions.assertEquals
import org.junit.jupiter.api.Assertions.assertTrue
import org.junit.jupiter.api.Test

/**
 * The golden comparison's tolerance passes an identical render and fails a broken layout: the
 * same list with text 30% larger (rows pushed down, names cut differently) must differ by more
 * than the allowed share, or the goldens would not catch a real regression.
 */
class GoldenSensitivityTest {
    private val shot = CoreStates.of("en").import.getValue("import-list")

    private fun render(fontScale: Float) = Scene(Size.PHONE, dark = false) {
        CompositionLocalProvider(LocalDensity provides Density(1f, fontScale)) {
            ImportScreen(shot.state, ListRows(shot.rows, shot.state.visibleCount.toInt()), XmlLabels.english, Unexpected)
        }
    }.use { it.frame().png().toBuffered() }

    @Test
    fun identicalPassesAndBrokenLayoutFails() {
        val a = render(1f)
        val b = render(1f)
        assertEquals(0, compare(a, b).differing)
        val broken = compare(a, render(1.3f))
        assertTrue(broken.share > Shots.MAX_DIFFERING_SHARE, "a 30% text change moved only ${broken.share}")
    }
}
