package com.altegio.clientbook

import com.altegio.clientbook.core.Action
import com.altegio.clientbook.core.ContactStatus
import com.altegio.clientbook.core.ContactsPermission
import com.altegio.clientbook.core.InvalidNumber
import com.altegio.clientbook.core.Locale
import com.altegio.clientbook.core.Message
import com.altegio.clientbook.core.PermissionAction
import com.altegio.clientbook.core.PhoneLabel
import com.altegio.clientbook.core.PhoneProblem
import com.altegio.clientbook.core.Right
import kotlin.test.Test
import kotlin.test.assertEquals
import kotlin.test.assertTrue

/** The core's texts in Russian and English through the bindings, and the codes beside them. */
class MessagesTest {
    private val contacts = listOf(
        Fixtures.contact("c0", "Анна", "+7 916 000 00 01" to PhoneLabel.MOBILE),
        Fixtures.contact("c1", "Bad", "12" to PhoneLabel.MOBILE),
        Fixtures.contact("c2", "NoPhone"),
        Fixtures.contact("c3", "Анна снова", "8 916 000-00-01" to PhoneLabel.HOME),
        Fixtures.contact("c4", "Двое", "+7 916 000 00 02" to PhoneLabel.WORK, "+7 916 000 00 03" to PhoneLabel.MOBILE),
    )

    private fun problems(locale: String): List<String?> = ClientDatabase.inMemory().use { db ->
        ImportSession(db, contacts, fullRights(), Fixtures.granted, Fixtures.settings.copy(locale = locale), null).use { s ->
            val rows = s.rows(0u, 10u)
            // The codes do not depend on the language.
            assertEquals(null, rows[0].reason)
            assertEquals(Message.InvalidPhone(listOf(InvalidNumber("12", PhoneProblem.TOO_SHORT))), rows[1].reason)
            assertEquals(Message.NoPhone, rows[2].reason)
            assertEquals(Message.DuplicateInPhonebook(0uL, "Анна"), rows[3].reason)
            assertEquals(ContactStatus.DUPLICATE_IN_PHONEBOOK, rows[3].status)
            assertEquals(Message.NeedsChoice(2uL), rows[4].reason)
            rows.map { it.problem }
        }
    }

    @Test
    fun `row reasons in Russian and in English`() {
        assertEquals(
            listOf(
                null,
                "12: слишком короткий",
                "у контакта нет номера телефона",
                "у контакта Анна выше в телефонной книге тот же номер",
                "у контакта 2 разных номера; проверьте, какой будет импортирован",
            ),
            problems("ru-RU"),
        )
        assertEquals(
            listOf(
                null,
                "12: too short",
                "it has no phone number",
                "an earlier contact in the phonebook, Анна, has the same number",
                "it has 2 different numbers; check the one that will be imported",
            ),
            problems("en"),
        )
        // The default is English.
        assertEquals(problems("en"), problems(LocationSettings(region = "RU").locale))
    }

    @Test
    fun `Russian plurals and grouped numbers`() {
        fun ru(n: Long) = renderMessage(Message.ContactCount(n.toULong()), "ru")
        assertEquals("1 контакт", ru(1))
        assertEquals("2 контакта", ru(2))
        assertEquals("5 контактов", ru(5))
        assertEquals("21 контакт", ru(21))
        assertEquals("1\u00a0204 контакта", ru(1204))
        assertEquals("21 contacts", renderMessage(Message.ContactCount(21uL), "en_US.UTF-8"))
        assertEquals(
            "1,204 contacts · 312 already clients",
            renderMessage(Message.ImportSummary(1204uL, 312uL), "en"),
        )
        assertEquals(
            "Записан 21 контакт в группу «Клиенты»",
            renderMessage(Message.Written(21uL, "Клиенты"), java.util.Locale.forLanguageTag("ru-RU").toLanguageTag()),
        )
        assertEquals(Locale.RU, localeForTag("ru_RU.UTF-8"))
        assertEquals(Locale.EN, localeForTag("de"))
    }

    @Test
    fun `rights and permission advice speak the shell's language`() {
        val refusal = Message.MissingRights(Action.EXPORT, listOf(Right.DOWNLOAD_CLIENT_LIST))
        val ru = renderMessage(refusal, "ru")
        assertTrue(ru.contains("нет права «Выгружать список клиентов в Excel»"), ru)
        assertTrue(ru.contains("Настройки > Системные настройки > Пользователи"), ru)
        val en = renderMessage(refusal, "en")
        assertTrue(en.contains("the right \"Download a list of clients in Excel\""), en)

        val advice = contactsPermissionAdvice(ContactsPermission.ANDROID_PERMANENTLY_DENIED, "ru")
        assertEquals(PermissionAction.OPEN_SETTINGS, advice.action)
        assertEquals("Открыть настройки", advice.actionLabel)
        assertEquals("Доступ к контактам выключен", advice.title)
        // Without a locale: English.
        assertEquals("Open settings", contactsPermissionAdvice(ContactsPermission.ANDROID_PERMANENTLY_DENIED).actionLabel)
    }
}
