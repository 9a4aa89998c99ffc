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

/** The salon's own number and a staff member's, as a host app passes them in `LocationSettings`. */
const val SALON_NUMBER = "+7 495 700-00-00"
const val STAFF_NUMBER = "+7 916 700-00-01"

/**
 * A phonebook where "Select suggested" has something to leave out, one row for each reason
 * (a toll-free service, the salon's own number, a staff member, a contact the app exported),
 * between ordinary clients.
 */
fun suggestionPhonebook(): List<PhonebookContact> = listOf(
    contact(0, "Анна", "Иванова", "+7 916 123-45-67" to PhoneLabel.MOBILE),
    contact(1, "Служба", "доставки", "8 800 555-35-35" to PhoneLabel.WORK),
    contact(2, "Мария", "Смирнова", "+7 903 111-22-33" to PhoneLabel.MOBILE).copy(inAppGroup = true),
    contact(3, "Салон", "ресепшен", SALON_NUMBER to PhoneLabel.WORK),
    contact(4, "Ольга", "мастер", STAFF_NUMBER to PhoneLabel.MOBILE),
    contact(5, "Елена", "Кузнецова", "+7 926 200-30-40" to PhoneLabel.MOBILE),
    contact(6, "Ирина", "Попова", "+7 926 200-30-41" to PhoneLabel.MOBILE),
    contact(7, "Наталья", "Волкова", "+7 926 200-30-42" to PhoneLabel.MOBILE),
)

/**
 * Clients-to-be for fill-in and undo: the first [FILL_IN_CLIENTS] are imported without an
 * email; [withEmails] is the same phonebook later, when three of them have one and two new
 * contacts were added.
 */
const val FILL_IN_CLIENTS = 8

fun fillInPhonebook(withEmails: Boolean): List<PhonebookContact> {
    val names = listOf(
        "Анна" to "Соколова", "Вера" to "Лебедева", "Дарья" to "Козлова", "Евгения" to "Новикова",
        "Жанна" to "Морозова", "Зоя" to "Павлова", "Инна" to "Семёнова", "Ксения" to "Голубева",
    )
    val emails = mapOf(0 to "anna.sokolova@example.com", 1 to "vera@example.com", 3 to "evgenia.novikova@example.com")
    // Birthdays as the Contacts app stores them: Vera is offered an email and a birthday,
    // Darya a birthday alone.
    val birthdays = mapOf(1 to "1990-07-01", 2 to "1985-03-12")
    val clients = names.mapIndexed { i, (given, family) ->
        val c = contact(10 + i, given, family, "+7 915 300-40-%02d".format(i) to PhoneLabel.MOBILE)
        if (withEmails) c.copy(emails = listOfNotNull(emails[i]), birthday = birthdays[i]) else c
    }
    if (!withEmails) return clients
    return clients + listOf(
        contact(30, "Лилия", "Орлова", "+7 915 300-40-50" to PhoneLabel.MOBILE),
        contact(31, "Майя", "Егорова", "+7 915 300-40-51" to PhoneLabel.MOBILE),
    )
}
