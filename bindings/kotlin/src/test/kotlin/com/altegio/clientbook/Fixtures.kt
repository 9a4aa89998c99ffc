package com.altegio.clientbook

import com.altegio.clientbook.core.ContactsPermission
import com.altegio.clientbook.core.PhoneLabel
import com.altegio.clientbook.core.PhonebookContact
import com.altegio.clientbook.core.RawPhone
import com.altegio.clientbook.core.Rights
import java.io.File

/** Test data shaped like what an Android shell reads from ContactsContract. */
object Fixtures {
    val granted = ContactsPermission.ANDROID_GRANTED
    val settings = LocationSettings(region = "RU", lastNameHidden = false, batchSize = 500u)

    fun samplePhonebook(): List<PhonebookContact> {
        val path = System.getProperty("clientbook.samplePhonebook") ?: error("clientbook.samplePhonebook is not set")
        val contents = readVcard(File(path).readBytes())
        check(contents.problems.isEmpty()) { "sample phonebook has unreadable cards: ${contents.problems}" }
        return contents.contacts
    }

    fun contact(
        id: String,
        given: String?,
        vararg numbers: Pair<String, PhoneLabel>,
        family: String? = null,
    ) = PhonebookContact(
        platformId = id,
        givenName = given,
        middleName = null,
        familyName = family,
        displayName = listOfNotNull(given, family).joinToString(" ").ifEmpty { null },
        organization = null,
        nickname = null,
        phones = numbers.map { (n, l) -> RawPhone(n, l) },
        emails = emptyList(),
    )

    /** `count` distinct people with distinct valid Russian mobile numbers in mixed spellings. */
    fun generated(count: Int, offset: Int = 0): List<PhonebookContact> = (offset until offset + count).map { i ->
        val digits = "%07d".format(i)
        val spelled = when (i % 3) {
            0 -> "+7 916 $digits"
            1 -> "8 (916) ${digits.substring(0, 3)}-${digits.substring(3, 5)}-${digits.substring(5)}"
            else -> "8916$digits"
        }
        contact("g$i", "Client$i", spelled to PhoneLabel.MOBILE, family = "Family$i")
    }

    fun rights(phonesEmail: Boolean = true, excel: Boolean = true, visitMasterId: Long = 0) =
        Rights(clientsAccess = true, clientsPhonesEmailAccess = phonesEmail, clientsExcelAccess = excel, clientsVisitMasterId = visitMasterId)
}
