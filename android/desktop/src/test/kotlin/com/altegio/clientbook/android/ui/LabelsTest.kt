package com.altegio.clientbook.android.ui

import org.junit.jupiter.api.Assertions.assertEquals
import org.junit.jupiter.api.Assertions.assertTrue
import org.junit.jupiter.api.Test

/** Both languages name every label, with the same placeholders, and nothing else. */
class LabelsTest {
    private val placeholder = Regex("%(\\d+)\\$[sd]")

    @Test
    fun everyLabelInBothLanguagesWithTheSamePlaceholders() {
        val en = XmlLabels.english.strings
        val ru = XmlLabels.russian.strings
        val keys = Label.values().map { it.key }.toSet()
        assertEquals(keys, en.keys, "values/strings.xml against ui/Labels.kt")
        assertEquals(keys, ru.keys, "values-ru/strings.xml against ui/Labels.kt")
        for (k in keys) {
            val a = placeholder.findAll(en.getValue(k)).map { it.value }.toSortedSet()
            val b = placeholder.findAll(ru.getValue(k)).map { it.value }.toSortedSet()
            assertEquals(a, b, "placeholders of $k")
            assertTrue(ru.getValue(k) != en.getValue(k), "$k is not translated")
        }
    }

    @Test
    fun countsAreGroupedTheWayEachLanguageWritesThem() {
        assertEquals("Import selected (10,000)", XmlLabels.english[Label.IMPORT_SELECTED, XmlLabels.english.count(10_000)])
        assertEquals("Импортировать выбранные (10\u00a0000)", XmlLabels.russian[Label.IMPORT_SELECTED, XmlLabels.russian.count(10_000)])
        assertEquals("Matching with the client base… 40%", XmlLabels.english[Label.MATCHING, "40"])
    }
}
