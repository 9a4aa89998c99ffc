package com.altegio.clientbook.bench

import com.altegio.clientbook.ClientDatabase
import com.altegio.clientbook.ImportSession
import com.altegio.clientbook.LocationSettings
import com.altegio.clientbook.core.ContactsPermission
import com.altegio.clientbook.core.PhoneLabel
import com.altegio.clientbook.core.PhonebookContact
import com.altegio.clientbook.core.PreviewRow
import com.altegio.clientbook.core.RawPhone
import com.altegio.clientbook.fullRights
import com.google.i18n.phonenumbers.PhoneNumberUtil
import java.io.File
import kotlin.system.exitProcess

/*
 * JVM benchmark of the import preview, 10k contacts × 100k clients (see docs/benchmarks.md):
 *
 *   (a) bindings: the generated Kotlin bindings over the Rust core. Build `ImportSession`
 *       from the contacts (every contact copied across the boundary), then read every row
 *       back with `rows(offset, 500)`. The session reads the client index from the SQLite
 *       file itself, so that is inside the time.
 *   (b) plain:    the same job in Kotlin with Google's libphonenumber and a HashMap
 *       (PlainKotlinPreview). Its client map is built, inside the time, from clients already
 *       in memory: no database read, which favours (b).
 *
 * Harness: one JVM, both pipelines alternating, `warmup` rounds then `iterations` measured
 * rounds, a GC before each timed run; prints median and min. Inputs are converted to each
 * side's types before timing. Also runs the cold start of each pipeline in fresh JVMs: from
 * `main` to the first preview row, library loading included.
 *
 * Output lines are `key=value` so scripts/bench can read them.
 *
 * usage: PreviewBenchKt DATA_DIR [warmup=8] [iterations=15] [coldRuns=10]
 *        PreviewBenchKt --cold-child bindings|plain
 */

private const val PAGE = 500uL

private fun label(name: String): PhoneLabel = when (name) {
    "mobile" -> PhoneLabel.MOBILE
    "main" -> PhoneLabel.MAIN
    "work" -> PhoneLabel.WORK
    "home" -> PhoneLabel.HOME
    "fax" -> PhoneLabel.FAX
    "pager" -> PhoneLabel.PAGER
    else -> PhoneLabel.OTHER
}

private fun DeviceContact.toCore() = PhonebookContact(
    platformId = platformId,
    givenName = givenName,
    middleName = middleName,
    familyName = familyName,
    displayName = displayName,
    organization = organization,
    nickname = nickname,
    phones = phones.map { (n, l) -> RawPhone(n, label(l)) },
    emails = emails,
)

private val settings = LocationSettings(region = "RU", lastNameHidden = false, batchSize = 500u)

/** Time spent building the last session (a), to split (a) into "build" and "rows out". */
private var lastSessionNs = 0L

/** (a): the whole preview through the bindings, every row read out. */
private fun viaBindings(db: ClientDatabase, contacts: List<PhonebookContact>): Pair<ImportSession, List<PreviewRow>> {
    val t0 = System.nanoTime()
    val session = ImportSession(db, contacts, fullRights(), ContactsPermission.ANDROID_GRANTED, settings, null)
    lastSessionNs = System.nanoTime() - t0
    val total = session.rowCount()
    val rows = ArrayList<PreviewRow>(total.toInt())
    var offset = 0uL
    while (offset < total) {
        rows.addAll(session.rows(offset, PAGE))
        offset += PAGE
    }
    return session to rows
}

/** (b): the same job in plain Kotlin. */
private fun plain(p: PlainKotlinPreview, contacts: List<DeviceContact>, clients: List<ClientRecord>): List<PlainKotlinPreview.Row> =
    p.build(contacts, p.clientIndex(clients))

private fun stats(ns: List<Long>): String {
    val ms = ns.map { it / 1e6 }.sorted()
    val median = if (ms.size % 2 == 1) ms[ms.size / 2] else (ms[ms.size / 2 - 1] + ms[ms.size / 2]) / 2
    return "median_ms=%.2f min_ms=%.2f max_ms=%.2f n=%d".format(median, ms.first(), ms.last(), ms.size)
}

private inline fun timed(block: () -> Unit): Long {
    System.gc()
    val t0 = System.nanoTime()
    block()
    return System.nanoTime() - t0
}

private fun coldChild(kind: String) {
    val t0 = System.nanoTime()
    val contact = DeviceContact("1", "Анна", null, "Иванова", "Анна Иванова", null, null, listOf("8 (916) 123-45-67" to "mobile"), emptyList())
    var loaded = 0L
    val ok = when (kind) {
        "bindings" -> ClientDatabase.inMemory().use { db ->
            // The first call loads the library (JNA, uniffi's contract and checksum checks).
            loaded = System.nanoTime()
            ImportSession(db, listOf(contact.toCore()), fullRights(), ContactsPermission.ANDROID_GRANTED, settings, null).use { s ->
                s.rows(0uL, 1uL).first().phones.first().valid
            }
        }
        "plain" -> {
            val p = PlainKotlinPreview()
            loaded = System.nanoTime()
            p.build(listOf(contact), p.clientIndex(emptyList())).first().phones.first().valid
        }
        else -> error("unknown cold-start kind $kind")
    }
    val end = System.nanoTime()
    check(ok)
    println("cold_ns=${end - t0} after_load_ns=${end - loaded}")
}

/** (main → first row, library loaded → first row) per fresh JVM. */
private fun coldRuns(kind: String, runs: Int): List<Pair<Long, Long>> {
    val java = File(System.getProperty("java.home"), "bin/java").path
    val cmd = listOf(
        java,
        "-cp", System.getProperty("java.class.path"),
        "-Djna.library.path=" + System.getProperty("jna.library.path", ""),
        "com.altegio.clientbook.bench.PreviewBenchKt", "--cold-child", kind,
    )
    return (1..runs).map {
        val proc = ProcessBuilder(cmd).redirectErrorStream(true).start()
        val out = proc.inputStream.bufferedReader().readText()
        check(proc.waitFor() == 0) { "cold-start child failed: $out" }
        val m = Regex("cold_ns=(\\d+) after_load_ns=(\\d+)").find(out) ?: error("no cold_ns in: $out")
        m.groupValues[1].toLong() to m.groupValues[2].toLong()
    }
}

fun main(args: Array<String>) {
    if (args.size == 2 && args[0] == "--cold-child") {
        coldChild(args[1])
        exitProcess(0)
    }
    if (args.isEmpty()) {
        System.err.println("usage: PreviewBenchKt DATA_DIR [warmup] [iterations] [coldRuns]")
        exitProcess(2)
    }
    val data = BenchData(File(args[0]))
    val warmup = args.getOrNull(1)?.toInt() ?: 8
    val iterations = args.getOrNull(2)?.toInt() ?: 15
    val cold = args.getOrNull(3)?.toInt() ?: 10

    println("jvm java=${System.getProperty("java.version")} vm=${System.getProperty("java.vm.name").replace(' ', '_')} libphonenumber=${System.getProperty("libphonenumber.version") ?: PhoneNumberUtil::class.java.`package`?.implementationVersion ?: "?"}")
    if (cold > 0) {
        for (kind in listOf("bindings", "plain")) {
            val runs = coldRuns(kind, cold)
            println("jvm_cold $kind " + stats(runs.map { it.first }))
            println("jvm_cold_after_load $kind " + stats(runs.map { it.second }))
        }
    }

    val device = data.phonebook()
    val clients = data.clients()
    val coreContacts = device.map { it.toCore() }
    println("jvm data contacts=${device.size} clients=${clients.size} numbers=${device.sumOf { it.phones.size }}")
    val p = PlainKotlinPreview()
    ClientDatabase.open(data.clientsDb.path).use { db ->
        check(db.clientCount() == clients.size.toULong())
        // Same job, same answers: compare statuses row by row once.
        val (s0, a) = viaBindings(db, coreContacts)
        s0.close()
        val b = plain(p, device, clients)
        val statusA = a.groupingBy { it.status.name }.eachCount().toSortedMap()
        val statusB = b.groupingBy { it.status.name }.eachCount().toSortedMap()
        val differ = a.indices.count { a[it].status.name != b[it].status.name }
        val keysDiffer = a.indices.count { i ->
            a[i].phones.map { it.e164 to it.extension } != b[i].phones.map { it.e164 to it.extension }
        }
        println("jvm_statuses bindings " + statusA.entries.joinToString(" ") { "${it.key.lowercase()}=${it.value}" })
        println("jvm_statuses plain " + statusB.entries.joinToString(" ") { "${it.key.lowercase()}=${it.value}" })
        println("jvm_agreement rows=${a.size} status_differs=$differ numbers_differ=$keysDiffer")
        check(a.size == b.size)

        val ta = ArrayList<Long>()
        val taSession = ArrayList<Long>()
        val tb = ArrayList<Long>()
        val tbIndex = ArrayList<Long>()
        var sink = 0L
        for (round in 0 until warmup + iterations) {
            var session: ImportSession? = null
            val na = timed {
                val (s, rows) = viaBindings(db, coreContacts)
                session = s
                sink += rows.size
            }
            session?.close()
            var indexNs = 0L
            val nb = timed {
                val t0 = System.nanoTime()
                val index = p.clientIndex(clients)
                indexNs = System.nanoTime() - t0
                sink += p.build(device, index).size
            }
            if (round >= warmup) {
                ta.add(na)
                taSession.add(lastSessionNs)
                tb.add(nb)
                tbIndex.add(indexNs)
            }
        }
        println("jvm_preview bindings " + stats(ta))
        println("jvm_preview plain " + stats(tb))
        println("jvm_part bindings_session_constructor " + stats(taSession))
        println("jvm_part bindings_rows_out " + stats(ta.indices.map { ta[it] - taSession[it] }))
        println("jvm_part plain_client_map " + stats(tbIndex))
        println("jvm_part plain_rows " + stats(tb.indices.map { tb[it] - tbIndex[it] }))
        val numbers = device.flatMap { c -> c.phones.map { it.first } }
        val tp = ArrayList<Long>()
        for (round in 0 until warmup + iterations) {
            val n = timed { for (raw in numbers) sink += if (p.normalize(raw, "mobile").valid) 1 else 0 }
            if (round >= warmup) tp.add(n)
        }
        val perNumber = tp.sorted()[tp.size / 2].toDouble() / numbers.size
        println("jvm_phone plain_normalize numbers=${numbers.size} median_ns_per_number=%.1f min_ns_per_number=%.1f".format(perNumber, tp.minOrNull()!!.toDouble() / numbers.size))
        val ratio = tb.sorted()[tb.size / 2].toDouble() / ta.sorted()[ta.size / 2].toDouble()
        println("jvm_ratio plain_over_bindings=%.2f sink=%d".format(ratio, sink))
    }
}
