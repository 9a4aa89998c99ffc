package com.altegio.clientbook.bench

import com.google.i18n.phonenumbers.NumberParseException
import com.google.i18n.phonenumbers.PhoneNumberUtil
import com.google.i18n.phonenumbers.PhoneNumberUtil.PhoneNumberFormat
import com.google.i18n.phonenumbers.PhoneNumberUtil.ValidationResult
import java.text.Normalizer

/**
 * The import preview written the way an Android team would write it without the Rust core:
 * Kotlin, Google's libphonenumber for Java, a HashMap of client E.164 → id. It does the same
 * job as `ImportPlan::build` so the comparison is fair: the same region (RU), the same `00`
 * second reading, the same name rule and cleaning (NFC, whitespace, invisible characters),
 * the same collapse of repeated numbers, the same default-number ranking and the same
 * statuses (new / existing client / duplicate in phonebook / needs choice / no phone /
 * invalid phone / no name).
 */
class PlainKotlinPreview(private val region: String = "RU") {
    enum class Status { NEW, EXISTING_CLIENT, DUPLICATE_IN_PHONEBOOK, NEEDS_CHOICE, NO_PHONE, INVALID_PHONE, NO_NAME }

    data class ParsedPhone(
        val raw: String,
        val e164: String?,
        val extension: String?,
        var label: String,
        val valid: Boolean,
        val problem: String?,
    ) {
        val key: String? get() = e164?.let { if (extension.isNullOrEmpty()) it else "$it;ext=$extension" }
    }

    data class Row(
        val index: Long,
        val platformId: String,
        val name: String?,
        val surname: String?,
        val middleName: String?,
        val displayName: String,
        val phones: List<ParsedPhone>,
        val chosenPhone: Int?,
        val status: Status,
        val clientId: Long?,
        val duplicateOf: Long?,
        val email: String?,
        val problem: String?,
        val selected: Boolean = false,
    )

    private val util: PhoneNumberUtil = PhoneNumberUtil.getInstance()

    /** The client index: key → id, built from the clients the app already holds. */
    fun clientIndex(clients: List<ClientRecord>): HashMap<String, Long> {
        val index = HashMap<String, Long>(clients.size * 2)
        for (c in clients) {
            index[if (c.extension.isNullOrEmpty()) c.phone else "${c.phone};ext=${c.extension}"] = c.id
        }
        return index
    }

    fun build(contacts: List<DeviceContact>, clients: HashMap<String, Long>): List<Row> {
        val rows = ArrayList<Row>(contacts.size)
        val seen = HashMap<String, Long>(contacts.size * 2)
        for ((i, contact) in contacts.withIndex()) rows.add(row(i.toLong(), contact, clients, seen))
        return rows
    }

    // ---- phone numbers

    fun normalize(raw: String, label: String): ParsedPhone {
        val text = raw.trim()
        if (text.none { it.isDigit() }) return ParsedPhone(raw, null, null, label, false, "no digits in the number")
        var result = parseOnce(text)
        if (result.second != null) {
            val start = text.trimStart { it == '(' || it.isWhitespace() }
            if (start.startsWith("00")) {
                val again = parseOnce("+" + start.substring(2))
                if (again.second == null) result = again
            }
        }
        val (number, problem) = result
        return if (number != null) {
            ParsedPhone(raw, number.first, number.second, label, true, null)
        } else {
            ParsedPhone(raw, null, null, label, false, problem)
        }
    }

    /** ((E.164, extension) or null, problem or null). */
    private fun parseOnce(text: String): Pair<Pair<String, String?>?, String?> {
        val number = try {
            util.parse(text, region)
        } catch (e: NumberParseException) {
            return null to "not a phone number (${e.errorType})"
        }
        if (!util.isValidNumber(number)) {
            val reason = when (util.isPossibleNumberWithReason(number)) {
                ValidationResult.TOO_SHORT -> "too short"
                ValidationResult.TOO_LONG -> "too long"
                ValidationResult.INVALID_COUNTRY_CODE -> "unknown country code"
                else -> "not a valid number for its country"
            }
            return null to reason
        }
        val ext = if (number.hasExtension() && number.extension.isNotEmpty()) number.extension else null
        return (util.format(number, PhoneNumberFormat.E164) to ext) to null
    }

    private fun rank(label: String) = when (label) {
        "mobile" -> 0
        "main" -> 1
        "work" -> 2
        "home" -> 3
        "other" -> 4
        "pager" -> 5
        else -> 6
    }

    private fun collapse(phones: List<ParsedPhone>): List<ParsedPhone> {
        val out = ArrayList<ParsedPhone>(phones.size)
        for (p in phones) {
            val key = p.key
            val kept = if (key != null) out.find { it.key == key } else out.find { !it.valid && it.raw.trim() == p.raw.trim() }
            if (kept == null) out.add(p) else if (rank(p.label) < rank(kept.label)) kept.label = p.label
        }
        return out
    }

    private fun defaultChoice(phones: List<ParsedPhone>): Int? {
        var best: Int? = null
        for ((i, p) in phones.withIndex()) {
            if (!p.valid) continue
            if (best == null || rank(p.label) < rank(phones[best].label)) best = i
        }
        return best
    }

    // ---- names

    private fun isDropped(c: Int): Boolean = Character.isISOControl(c) || c == 0x200B || c == 0x2060 ||
        c == 0xFEFF || c == 0x00AD || c == 0x200E || c == 0x200F || c in 0x202A..0x202E ||
        c in 0x2066..0x2069 || c == 0xFFFD

    private fun clean(raw: String?): String? {
        if (raw == null) return null
        val nfc = Normalizer.normalize(raw, Normalizer.Form.NFC)
        val out = StringBuilder(nfc.length)
        var pendingSpace = false
        var i = 0
        while (i < nfc.length) {
            val c = nfc.codePointAt(i)
            i += Character.charCount(c)
            if (Character.isWhitespace(c) || Character.isSpaceChar(c)) {
                pendingSpace = out.isNotEmpty()
                continue
            }
            if (isDropped(c)) continue
            if (pendingSpace) {
                out.append(' ')
                pendingSpace = false
            }
            out.appendCodePoint(c)
        }
        return if (out.isEmpty()) null else out.toString()
    }

    private class TooLong(val chars: Int) : Exception()

    private fun field(raw: String?): String? {
        val cleaned = clean(raw) ?: return null
        val chars = cleaned.codePointCount(0, cleaned.length)
        if (chars > 255) throw TooLong(chars)
        return cleaned
    }

    /** (name, surname, middle) or a problem. */
    private fun clientName(c: DeviceContact): Pair<Triple<String, String?, String?>?, String?> = try {
        val given = field(c.givenName)
        val family = field(c.familyName)
        val middle = field(c.middleName)
        when {
            given != null -> Triple(given, family, middle) to null
            family != null -> Triple(family, null, middle) to null
            else -> {
                val whole = field(c.displayName) ?: field(c.organization) ?: field(c.nickname)
                if (whole != null) Triple(whole, null, null) to null
                else null to "the contact has no name, organisation or nickname"
            }
        }
    } catch (e: TooLong) {
        null to "a name field is ${e.chars} characters long; at most 255 are stored"
    }

    // ---- one row

    private fun row(index: Long, c: DeviceContact, clients: HashMap<String, Long>, seen: HashMap<String, Long>): Row {
        val phones = collapse(c.phones.map { (number, label) -> normalize(number, label) })
        val (name, nameProblem) = clientName(c)
        val chosen = defaultChoice(phones)
        val keys = phones.mapNotNull { it.key }
        val existing = keys.firstNotNullOfOrNull { clients[it] }
        val earlier = keys.firstNotNullOfOrNull { seen[it] }
        val (status, problem) = when {
            name == null -> Status.NO_NAME to nameProblem
            phones.isEmpty() -> Status.NO_PHONE to "it has no phone number"
            chosen == null -> Status.INVALID_PHONE to phones.mapNotNull { p -> p.problem?.let { "${p.raw.trim()}: $it" } }.joinToString("; ")
            existing != null -> Status.EXISTING_CLIENT to null
            earlier != null -> Status.DUPLICATE_IN_PHONEBOOK to null
            keys.size > 1 -> Status.NEEDS_CHOICE to null
            else -> Status.NEW to null
        }
        if (name != null) for (k in keys) seen.putIfAbsent(k, index)
        val display = when {
            name == null -> ""
            name.second != null -> "${name.first} ${name.second}"
            else -> name.first
        }
        return Row(
            index = index,
            platformId = c.platformId,
            name = name?.first,
            surname = name?.second,
            middleName = name?.third,
            displayName = display,
            phones = phones,
            chosenPhone = chosen,
            status = status,
            clientId = if (status == Status.EXISTING_CLIENT) existing else null,
            duplicateOf = if (status == Status.DUPLICATE_IN_PHONEBOOK) earlier else null,
            email = c.emails.map { it.trim() }.firstOrNull { it.contains('@') },
            problem = problem,
        )
    }
}
