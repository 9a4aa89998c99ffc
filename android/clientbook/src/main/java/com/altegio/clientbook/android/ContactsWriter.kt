package com.altegio.clientbook.android

import android.content.ContentProviderOperation
import android.content.ContentResolver
import android.content.ContentUris
import android.os.TransactionTooLargeException
import android.provider.ContactsContract
import android.provider.ContactsContract.CommonDataKinds.Email
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
 * Writes the core's [ContactToWrite] records to the device phonebook, as new contacts in the
 * default local account, and reports the ids Android gave them for
 * `ExportSession.confirmWritten`. What to write is decided by the core; this class only turns
 * each record into ContactsContract rows.
 *
 * [region] is the location's region code (`LocationSettings.region`): the core normalises each
 * number with it for `NORMALIZED_NUMBER`, so caller-ID matching does not depend on the
 * country the device thinks it is in.
 */
class ContactsWriter(private val resolver: ContentResolver, private val region: String) {

    /**
     * What a write did. [written] lists every contact that reached the phonebook, also when
     * the write stopped early, so the caller can always confirm them and nothing is written
     * twice. [failure] is what stopped it, if anything; never show or log its message.
     */
    data class Result(
        val written: List<WrittenContact>,
        val cancelled: Boolean,
        val failure: Exception?,
    )

    /**
     * Writes [contacts] in batches of at most [MAX_OPS_PER_BATCH] operations, checking
     * [isCancelled] between batches and reporting (written, total) after each.
     */
    @WorkerThread
    fun write(
        contacts: List<ContactToWrite>,
        isCancelled: () -> Boolean = { false },
        onProgress: (done: Int, total: Int) -> Unit = { _, _ -> },
    ): Result {
        val written = ArrayList<WrittenContact>(contacts.size)
        onProgress(0, contacts.size)
        for (batch in batches(contacts)) {
            if (isCancelled()) return Result(written, cancelled = true, failure = null)
            try {
                apply(batch, written)
            } catch (e: Exception) {
                // RemoteException, OperationApplicationException, SecurityException, or the
                // core refusing the region: stop, keeping what is already written.
                return Result(written, cancelled = false, failure = e)
            }
            onProgress(written.size, contacts.size)
        }
        return Result(written, cancelled = false, failure = null)
    }

    /** Consecutive contacts whose operations fit one applyBatch call. */
    private fun batches(contacts: List<ContactToWrite>): List<List<ContactToWrite>> {
        val batches = ArrayList<List<ContactToWrite>>()
        var start = 0
        var ops = 0
        contacts.forEachIndexed { i, item ->
            val n = opCount(item.contact)
            if (i > start && ops + n > MAX_OPS_PER_BATCH) {
                batches.add(contacts.subList(start, i))
                start = i
                ops = 0
            }
            ops += n
        }
        if (start < contacts.size) batches.add(contacts.subList(start, contacts.size))
        return batches
    }

    /**
     * One applyBatch call. If Binder refuses it as too large, nothing was applied: the batch
     * is split in half and each half built again, so every back-reference points into its
     * own call. Contacts are appended to [written] as soon as their call succeeds.
     */
    private fun apply(batch: List<ContactToWrite>, written: MutableList<WrittenContact>) {
        val ops = ArrayList<ContentProviderOperation>()
        val rawContactOp = IntArray(batch.size)
        var sinceYield = 0
        batch.forEachIndexed { i, item ->
            val n = opCount(item.contact)
            // A yield point only between contacts, so a contact is never half written, and
            // at most MAX_OPS_BETWEEN_YIELDS operations without one (the provider throws at 500).
            val yieldHere = sinceYield + n > MAX_OPS_BETWEEN_YIELDS
            if (yieldHere) sinceYield = 0
            sinceYield += n
            rawContactOp[i] = ops.size
            addContact(ops, item.contact, yieldHere)
        }

        val results = try {
            resolver.applyBatch(ContactsContract.AUTHORITY, ops)
        } catch (e: TransactionTooLargeException) {
            if (batch.size == 1) throw e
            val half = batch.size / 2
            apply(batch.subList(0, half), written)
            apply(batch.subList(half, batch.size), written)
            return
        }

        val rawIds = rawContactOp.map { ContentUris.parseId(checkNotNull(results[it].uri)) }
        val contactIds = aggregateIds(rawIds)
        batch.forEachIndexed { i, item ->
            // No aggregate id (not expected: aggregation runs inside the same transaction)
            // still confirms the client as written, so it is not offered again; it just
            // cannot be linked to a device contact.
            written.add(WrittenContact(item.clientId, contactIds[rawIds[i]]?.toString() ?: ""))
        }
    }

    /**
     * The aggregate contact id of each new raw contact: the id ContactsReader reports as
     * `platformId`, so the core recognises these contacts on the next export. One query per
     * batch. A failure here must not hide that the contacts were written, so it yields no ids.
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

    private fun addContact(
        ops: ArrayList<ContentProviderOperation>,
        contact: PhonebookContact,
        yieldAllowed: Boolean,
    ) {
        val rawContact = ops.size
        // Null account name and type: the device's default local account.
        ops.add(
            ContentProviderOperation.newInsert(RawContacts.CONTENT_URI)
                .withValue(RawContacts.ACCOUNT_TYPE, null)
                .withValue(RawContacts.ACCOUNT_NAME, null)
                .withYieldAllowed(yieldAllowed)
                .build(),
        )

        if (hasName(contact)) {
            // The structured parts go in as the core split them. DISPLAY_NAME goes with them
            // when the core has one; without it the provider joins the parts itself. Either
            // way Android never re-splits, which it does only for a DISPLAY_NAME written alone.
            val name = dataRow(rawContact, StructuredName.CONTENT_ITEM_TYPE)
            contact.givenName?.let { name.withValue(StructuredName.GIVEN_NAME, it) }
            contact.middleName?.let { name.withValue(StructuredName.MIDDLE_NAME, it) }
            contact.familyName?.let { name.withValue(StructuredName.FAMILY_NAME, it) }
            contact.displayName?.let { name.withValue(StructuredName.DISPLAY_NAME, it) }
            ops.add(name.build())
        }

        for (phone in contact.phones) {
            val row = dataRow(rawContact, Phone.CONTENT_ITEM_TYPE)
                .withValue(Phone.NUMBER, phone.number)
                .withValue(Phone.TYPE, phoneType(phone.label))
            normalizePhone(phone.number, region).e164?.let { row.withValue(Phone.NORMALIZED_NUMBER, it) }
            ops.add(row.build())
        }

        for (email in contact.emails) {
            ops.add(
                dataRow(rawContact, Email.CONTENT_ITEM_TYPE)
                    .withValue(Email.ADDRESS, email)
                    .withValue(Email.TYPE, Email.TYPE_OTHER)
                    .build(),
            )
        }

        contact.organization?.let {
            ops.add(dataRow(rawContact, Organization.CONTENT_ITEM_TYPE).withValue(Organization.COMPANY, it).build())
        }
        contact.nickname?.let {
            ops.add(dataRow(rawContact, Nickname.CONTENT_ITEM_TYPE).withValue(Nickname.NAME, it).build())
        }
    }

    private fun dataRow(rawContactOp: Int, mimetype: String): ContentProviderOperation.Builder =
        ContentProviderOperation.newInsert(Data.CONTENT_URI)
            .withValueBackReference(Data.RAW_CONTACT_ID, rawContactOp)
            .withValue(Data.MIMETYPE, mimetype)

    private fun hasName(c: PhonebookContact) =
        listOf(c.givenName, c.middleName, c.familyName, c.displayName).any { !it.isNullOrBlank() }

    /** Operations [addContact] emits for [c]; batches and yield points are planned with it. */
    private fun opCount(c: PhonebookContact): Int =
        1 + (if (hasName(c)) 1 else 0) + c.phones.size + c.emails.size +
            (if (c.organization != null) 1 else 0) + (if (c.nickname != null) 1 else 0)

    companion object {
        /** Below the provider's 500, as DAVx5 does, so a yield always comes in time. */
        const val MAX_OPS_BETWEEN_YIELDS = 450

        /** Two yield windows per call; small enough for Binder's 1 MB transaction buffer. */
        const val MAX_OPS_PER_BATCH = 900

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
