package com.altegio.clientbook.android

import android.content.ContentProviderOperation
import android.content.ContentProviderResult
import android.content.ContentResolver
import android.content.ContentUris
import android.os.TransactionTooLargeException
import android.provider.ContactsContract
import android.provider.ContactsContract.CommonDataKinds.Email
import android.provider.ContactsContract.CommonDataKinds.GroupMembership
import android.provider.ContactsContract.CommonDataKinds.Nickname
import android.provider.ContactsContract.CommonDataKinds.Organization
import android.provider.ContactsContract.CommonDataKinds.Phone
import android.provider.ContactsContract.CommonDataKinds.StructuredName
import android.provider.ContactsContract.Data
import android.provider.ContactsContract.RawContacts
import androidx.annotation.WorkerThread
import com.altegio.clientbook.WrittenContact
import com.altegio.clientbook.core.ContactToWrite
import com.altegio.clientbook.core.PhoneLabel
import com.altegio.clientbook.core.PhonebookContact
import com.altegio.clientbook.normalizePhone

/**
 * Writes the core's [ContactToWrite] records to the device phonebook as new contacts, in the
 * account [ContactsAccounts] chooses and in the app's group there, and reports the ids Android
 * gave them. What to write is decided by the core; this class only turns each record into
 * ContactsContract rows.
 *
 * "Written" is exactly true. Each `applyBatch` call holds at most [MAX_OPS_PER_CALL]
 * operations and no yield point, so the provider runs it as one transaction: all of it is in
 * the phonebook or none of it. (A yield point commits what came before it whenever another
 * writer is waiting, so a call that later fails would leave contacts in the phonebook that were
 * never reported.) A contact is reported only after the call that wrote it returned.
 *
 * [region] is the location's region code (`LocationSettings.region`): the core normalises each
 * number with it for `NORMALIZED_NUMBER`, so caller-ID matching does not depend on the
 * country the device thinks it is in.
 */
class ContactsWriter(
    private val resolver: ContentResolver,
    private val region: String,
    private val accounts: ContactsAccounts = ContactsAccounts(resolver),
) {

    /**
     * What a write did. [written] lists every contact that reached the phonebook, also when
     * the write stopped early, so the caller can always report them and nothing is written
     * twice. [failure] is what stopped it, if anything; never show or log its message.
     */
    data class Result(
        val written: List<WrittenContact>,
        val cancelled: Boolean,
        val failure: Exception?,
    )

    /** The account and group every contact of one write goes into. */
    private class Target(val account: ContactsAccount, val groupId: Long)

    /** One data row of a contact, before it is tied to its raw contact. */
    private class Row(val mimetype: String, val values: List<Pair<String, Any?>>)

    /**
     * Writes [contacts] in calls of at most [MAX_OPS_PER_CALL] operations. After each call,
     * [onWritten] gets the contacts that call wrote (for the core's `ExportScreen.written`) and
     * [onProgress] (written, total); [isCancelled] is checked before each call.
     */
    @WorkerThread
    fun write(
        contacts: List<ContactToWrite>,
        isCancelled: () -> Boolean = { false },
        onProgress: (done: Int, total: Int) -> Unit = { _, _ -> },
        onWritten: (List<WrittenContact>) -> Unit = {},
    ): Result {
        val written = ArrayList<WrittenContact>(contacts.size)
        onProgress(0, contacts.size)
        if (contacts.isEmpty()) return Result(written, cancelled = false, failure = null)
        try {
            val account = accounts.accountForNewContacts()
            val target = Target(account, accounts.groupId(account))
            val rows = contacts.map { rowsOf(it.contact, target) }
            for (batch in batches(contacts.indices.toList(), rows)) {
                if (isCancelled()) return Result(written, cancelled = true, failure = null)
                val before = written.size
                try {
                    apply(batch.map { contacts[it] }, batch.map { rows[it] }, target, written)
                } finally {
                    // Also what part of a split call or of a contact in parts wrote before
                    // a failure: it is in the phonebook.
                    if (written.size > before) onWritten(written.subList(before, written.size).toList())
                }
                onProgress(written.size, contacts.size)
            }
        } catch (e: Exception) {
            // RemoteException, OperationApplicationException, SecurityException,
            // IllegalArgumentException (an account the provider refuses), or the core refusing
            // the region: stop, keeping what is already written.
            return Result(written, cancelled = false, failure = e)
        }
        return Result(written, cancelled = false, failure = null)
    }

    /** Consecutive contacts whose operations fit one call; a contact too big for one is alone. */
    private fun batches(indices: List<Int>, rows: List<List<Row>>): List<List<Int>> {
        val batches = ArrayList<List<Int>>()
        var current = ArrayList<Int>()
        var ops = 0
        for (i in indices) {
            val n = 1 + rows[i].size
            if (current.isNotEmpty() && ops + n > MAX_OPS_PER_CALL) {
                batches.add(current)
                current = ArrayList()
                ops = 0
            }
            current.add(i)
            ops += n
        }
        if (current.isNotEmpty()) batches.add(current)
        return batches
    }

    /**
     * One applyBatch call: one transaction. If Binder refuses it as too large, nothing was
     * applied: the batch is split in half and each half built again, so every back-reference
     * points into its own call. Contacts are appended to [written] once their call returned.
     */
    private fun apply(
        batch: List<ContactToWrite>,
        rows: List<List<Row>>,
        target: Target,
        written: MutableList<WrittenContact>,
    ) {
        if (batch.size == 1 && 1 + rows[0].size > MAX_OPS_PER_CALL) {
            applyInParts(batch[0], rows[0], target, written)
            return
        }
        val ops = ArrayList<ContentProviderOperation>()
        val rawContactOp = IntArray(batch.size)
        batch.indices.forEach { i ->
            rawContactOp[i] = ops.size
            ops.add(rawContactInsert(target.account))
            rows[i].forEach { ops.add(dataInsert(it).withValueBackReference(Data.RAW_CONTACT_ID, rawContactOp[i]).build()) }
        }
        val results = try {
            resolver.applyBatch(ContactsContract.AUTHORITY, ops)
        } catch (e: TransactionTooLargeException) {
            if (batch.size == 1) throw e
            val half = batch.size / 2
            apply(batch.subList(0, half), rows.subList(0, half), target, written)
            apply(batch.subList(half, batch.size), rows.subList(half, batch.size), target, written)
            return
        }
        val rawIds = rawContactOp.map { rawId(results, it) }
        val contactIds = aggregateIds(rawIds)
        batch.forEachIndexed { i, item -> written.add(WrittenContact(item.clientId, contactIds[rawIds[i]]?.toString() ?: "")) }
    }

    /**
     * A contact with more rows than one call may hold (the core allows up to 1,000 numbers per
     * card): the raw contact and its first rows in one call, the rest in further calls by raw
     * contact id. It is reported as written once the first call returned, since it is in the
     * phonebook from then on; a later call failing stops the write with what is there.
     */
    private fun applyInParts(
        item: ContactToWrite,
        rows: List<Row>,
        target: Target,
        written: MutableList<WrittenContact>,
    ) {
        val first = rows.take(MAX_OPS_PER_CALL - 1)
        val ops = arrayListOf(rawContactInsert(target.account))
        first.forEach { ops.add(dataInsert(it).withValueBackReference(Data.RAW_CONTACT_ID, 0).build()) }
        val rawId = rawId(resolver.applyBatch(ContactsContract.AUTHORITY, ops), 0)
        written.add(WrittenContact(item.clientId, aggregateIds(listOf(rawId))[rawId]?.toString() ?: ""))
        for (part in rows.drop(first.size).chunked(MAX_OPS_PER_CALL)) {
            val more = part.mapTo(ArrayList()) { dataInsert(it).withValue(Data.RAW_CONTACT_ID, rawId).build() }
            resolver.applyBatch(ContactsContract.AUTHORITY, more)
        }
    }

    private fun rawId(results: Array<ContentProviderResult>, op: Int): Long =
        ContentUris.parseId(results[op].uri ?: throw IllegalStateException("the provider returned no raw contact uri"))

    /**
     * The aggregate contact id of each new raw contact: the id ContactsReader reports as
     * `platformId`, so the core recognises these contacts on the next export. One query per
     * call. A failure here must not hide that the contacts were written, so it yields no ids.
     */
    private fun aggregateIds(rawIds: List<Long>): Map<Long, Long> = runCatching {
        val ids = HashMap<Long, Long>(rawIds.size)
        resolver.query(
            RawContacts.CONTENT_URI,
            arrayOf(RawContacts._ID, RawContacts.CONTACT_ID),
            // Long ids only, so inlining them is safe and avoids SQLite's bound-argument limit.
            "${RawContacts._ID} IN (${rawIds.joinToString(",")})",
            null,
            null,
        )?.use { c ->
            while (c.moveToNext()) {
                if (!c.isNull(1)) ids[c.getLong(0)] = c.getLong(1)
            }
        }
        ids
    }.getOrDefault(emptyMap())

    /** No yield point: the call stays one transaction. */
    private fun rawContactInsert(account: ContactsAccount): ContentProviderOperation =
        ContentProviderOperation.newInsert(RawContacts.CONTENT_URI)
            .withValue(RawContacts.ACCOUNT_NAME, account.name)
            .withValue(RawContacts.ACCOUNT_TYPE, account.type)
            .withYieldAllowed(false)
            .build()

    private fun dataInsert(row: Row): ContentProviderOperation.Builder =
        ContentProviderOperation.newInsert(Data.CONTENT_URI)
            .withValue(Data.MIMETYPE, row.mimetype)
            .also { b -> row.values.forEach { (k, v) -> b.withValue(k, v) } }

    private fun rowsOf(contact: PhonebookContact, target: Target): List<Row> {
        val rows = ArrayList<Row>(3 + contact.phones.size + contact.emails.size)
        if (hasName(contact)) {
            // The structured parts go in as the core split them. DISPLAY_NAME goes with them
            // when the core has one; without it the provider joins the parts itself. Either
            // way Android never re-splits, which it does only for a DISPLAY_NAME written alone.
            rows.add(
                Row(
                    StructuredName.CONTENT_ITEM_TYPE,
                    listOfNotNull(
                        contact.givenName?.let { StructuredName.GIVEN_NAME to it },
                        contact.middleName?.let { StructuredName.MIDDLE_NAME to it },
                        contact.familyName?.let { StructuredName.FAMILY_NAME to it },
                        contact.displayName?.let { StructuredName.DISPLAY_NAME to it },
                    ),
                ),
            )
        }
        for (phone in contact.phones) {
            val values = mutableListOf<Pair<String, Any?>>(Phone.NUMBER to phone.number, Phone.TYPE to phoneType(phone.label))
            normalizePhone(phone.number, region).e164?.let { values.add(Phone.NORMALIZED_NUMBER to it) }
            rows.add(Row(Phone.CONTENT_ITEM_TYPE, values))
        }
        for (email in contact.emails) {
            rows.add(Row(Email.CONTENT_ITEM_TYPE, listOf(Email.ADDRESS to email, Email.TYPE to Email.TYPE_OTHER)))
        }
        contact.organization?.let { rows.add(Row(Organization.CONTENT_ITEM_TYPE, listOf(Organization.COMPANY to it))) }
        contact.nickname?.let { rows.add(Row(Nickname.CONTENT_ITEM_TYPE, listOf(Nickname.NAME to it))) }
        // The app's group: staff find (or remove) everything exported together, and in a
        // Google account a contact with no group would land in the hidden "Other contacts".
        rows.add(Row(GroupMembership.CONTENT_ITEM_TYPE, listOf(GroupMembership.GROUP_ROW_ID to target.groupId)))
        return rows
    }

    private fun hasName(c: PhonebookContact) =
        listOf(c.givenName, c.middleName, c.familyName, c.displayName).any { !it.isNullOrBlank() }

    companion object {
        /**
         * Operations per applyBatch call, below the provider's 500 between yield points (as
         * DAVx5 keeps 450), with no yield point inside, so each call is one transaction.
         */
        const val MAX_OPS_PER_CALL = 450

        /** The core's kinds onto Android's phone types. */
        internal fun phoneType(label: PhoneLabel): Int = when (label) {
            PhoneLabel.MOBILE -> Phone.TYPE_MOBILE
            PhoneLabel.MAIN -> Phone.TYPE_MAIN
            PhoneLabel.WORK -> Phone.TYPE_WORK
            PhoneLabel.HOME -> Phone.TYPE_HOME
            PhoneLabel.FAX -> Phone.TYPE_OTHER_FAX
            PhoneLabel.PAGER -> Phone.TYPE_PAGER
            PhoneLabel.OTHER -> Phone.TYPE_OTHER
        }
    }
}
