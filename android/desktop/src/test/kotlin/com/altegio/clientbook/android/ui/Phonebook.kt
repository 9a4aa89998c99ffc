package com.altegio.clientbook.android.ui

import com.altegio.clientbook.core.PhoneLabel
import com.altegio.clientbook.core.PhonebookContact
import com.altegio.clientbook.core.RawPhone

/**
 * A phonebook as the Android reader hands it to the core: the first contacts cover every row
 * kind the list shows (two numbers, a long Russian name, an invalid number, no number, no name,
 * a duplicate), then ordinary contacts up to [size].
 */
private fun contact(id: Int, given: String?, family: String?, vararg phones: Pair<String, PhoneLabel>) =
    PhonebookContact(
        "c$id", given, null, family, listOfNotNull(given, family).joinToString(" ").ifEmpty { null },
        null, null, phones.map { RawPhone(it.first, it.second) }, emptyList(),
    )

/** A contact the renders import first, so the list shows her as already a client. */
val OLGA = contact(3, "Ольга", "Петрова", "+7 495 123-45-67" to PhoneLabel.MOBILE)

fun samplePhonebook(size: Int = 10_000): List<PhonebookContact> {
    val special = listOf(
        contact(0, "Анна", "Иванова", "+7 916 123-45-67" to PhoneLabel.MOBILE, "8 (495) 111-22-33" to PhoneLabel.WORK),
        contact(1, "Александра-Валентина", "Константиновна Преображенская-Воздвиженская", "+7 903 000-11-22" to PhoneLabel.MOBILE),
        contact(2, "Борис", null, "12-345" to PhoneLabel.MOBILE),
        OLGA,
        contact(4, "Пётр", "Сидоров"),
        contact(5, null, null, "+7 926 555-44-33" to PhoneLabel.MOBILE),
        contact(6, "Anna", "Ivanova", "+7 916 123 45 67" to PhoneLabel.HOME),
    )
    val rest = (special.size until size).map { i ->
        val n = 9_160_000_000L + i
        val number = "+7 %03d %03d-%02d-%02d".format(n / 10_000_000, n / 10_000 % 1000, n / 100 % 100, n % 100)
        contact(i, "Клиент", "Номер $i", number to PhoneLabel.MOBILE)
    }
    return special + rest
}
