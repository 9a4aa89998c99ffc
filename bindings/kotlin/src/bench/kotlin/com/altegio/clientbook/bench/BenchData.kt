package com.altegio.clientbook.bench

import com.google.gson.JsonObject
import com.google.gson.JsonParser
import java.io.File

/** A phonebook contact as the device gives it, in the benchmark's own plain Kotlin type. */
data class DeviceContact(
    val platformId: String,
    val givenName: String?,
    val middleName: String?,
    val familyName: String?,
    val displayName: String?,
    val organization: String?,
    val nickname: String?,
    /** (number as written, label in the core's snake_case: "mobile", "home", …). */
    val phones: List<Pair<String, String>>,
    val emails: List<String>,
)

/** A client of the salon's database: what the plain pipeline keys its HashMap with. */
data class ClientRecord(val id: Long, val phone: String, val extension: String?)

/**
 * One scenario written by `gen-data` (crates/clientbook-testdata): `phonebook.jsonl`,
 * `clients.jsonl` and `clients.db`, the same data the Rust benchmarks use.
 */
class BenchData(val dir: File) {
    val clientsDb: File get() = File(dir, "clients.db")

    fun phonebook(): List<DeviceContact> = File(dir, "phonebook.jsonl").useLines { lines ->
        lines.filter { it.isNotBlank() }.map { line ->
            val o = JsonParser.parseString(line).asJsonObject
            DeviceContact(
                platformId = o.get("platform_id").asString,
                givenName = o.str("given_name"),
                middleName = o.str("middle_name"),
                familyName = o.str("family_name"),
                displayName = o.str("display_name"),
                organization = o.str("organization"),
                nickname = o.str("nickname"),
                phones = o.getAsJsonArray("phones").map {
                    val p = it.asJsonObject
                    p.get("number").asString to p.get("label").asString
                },
                emails = o.getAsJsonArray("emails").map { it.asString },
            )
        }.toList()
    }

    fun clients(): List<ClientRecord> = File(dir, "clients.jsonl").useLines { lines ->
        lines.filter { it.isNotBlank() }.map { line ->
            val o = JsonParser.parseString(line).asJsonObject
            ClientRecord(o.get("id").asLong, o.get("phone").asString, o.str("phone_extension"))
        }.toList()
    }
}

private fun JsonObject.str(name: String): String? = get(name)?.takeUnless { it.isJsonNull }?.asString
