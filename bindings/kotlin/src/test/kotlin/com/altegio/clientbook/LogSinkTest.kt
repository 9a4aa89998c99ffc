package com.altegio.clientbook

import com.altegio.clientbook.core.PhoneLabel
import java.util.concurrent.ConcurrentLinkedQueue
import kotlin.test.Test
import kotlin.test.assertFalse
import kotlin.test.assertTrue

/** The core's logs reach a sink the app installs (as Android forwards them to Logcat). */
class LogSinkTest {
    private class Collected : LogSink {
        val records = ConcurrentLinkedQueue<Triple<LogLevel, String, String>>()
        override fun log(level: LogLevel, target: String, message: String) {
            records.add(Triple(level, target, message))
        }
    }

    @Test
    fun `an installed sink gets the core's logs and no personal data`() {
        val sink = Collected()
        installLogSink(sink, LogLevel.DEBUG)
        try {
            ClientDatabase.inMemory().use { db ->
                val contacts = listOf(
                    Fixtures.contact("p1", "Qwertyna", "8 (916) 987-65-43" to PhoneLabel.MOBILE, family = "Zyxwvutova"),
                )
                ImportSession(db, contacts, fullRights(), Fixtures.granted, Fixtures.settings, null).use { s ->
                    s.selectAll()
                    s.commit(null)
                }
            }
        } finally {
            removeLogSink()
        }
        val records = sink.records.toList()
        assertTrue(
            records.any { (level, target, message) ->
                level == LogLevel.INFO && target.startsWith("clientbook_core") && message.startsWith("import committed")
            },
            records.toString(),
        )
        assertTrue(records.any { it.first == LogLevel.DEBUG && it.third.startsWith("import preview built") }, records.toString())
        val text = records.joinToString("\n")
        for (secret in listOf("Qwertyna", "Zyxwvutova", "9876543", "987-65-43")) {
            assertFalse(text.contains(secret), "the sink got $secret: $text")
        }
        // Removed: nothing more arrives.
        val before = sink.records.size
        ClientDatabase.inMemory().use { db ->
            ImportSession(db, Fixtures.generated(2), fullRights(), Fixtures.granted, Fixtures.settings, null).close()
        }
        assertTrue(sink.records.size == before)
    }
}
