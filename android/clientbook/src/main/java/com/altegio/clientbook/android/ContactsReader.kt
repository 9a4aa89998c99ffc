package com.altegio.clientbook.android

import android.content.ContentResolver
import android.database.Cursor
import android.provider.ContactsContract.CommonDataKinds.Email
import android.provider.ContactsContract.CommonDataKinds.Event
import android.provider.ContactsContract.CommonDataKinds.GroupMembership
import android.provider.ContactsContract.CommonDataKinds.Nickname
import android.provider.ContactsContract.CommonDataKinds.Organization
import android.provider.ContactsContract.CommonDataKinds.Phone
import android.provider.ContactsContract.CommonDataKinds.StructuredName
import android.provider.ContactsContract.Data
import android.provider.ContactsContract.Groups
import androidx.annotation.WorkerThread
import com.altegio.clientbook.core.PhoneLabel
import com.altegio.clientbook.core.PhonebookContact
import com.altegio.clientbook.core.RawPhone

/**
 * Reads the device phonebook into the core's [PhonebookContact] records. It copies fields and
 * nothing else: cleaning names, parsing numbers, collapsing repeated numbers and choosing one
 * are the core's job.
 *
 * Only the contacts staff see in their Contacts app: the query asks for
 * [Data.VISIBLE_CONTACTS_ONLY], which leaves out Google's "Other contacts" (people a Google
 * account remembers from e-mail, in no group) and contacts only in groups the user hid. Those
 * are not in the user's phonebook as they know it; offering them would import strangers. See
 * android/README.md, "Which contacts are read".
 *
 * One query over [Data], sorted by contact id, so each contact's rows arrive together and a
 * contact is complete when the id changes: no query per contact and no second pass. Before
 * it, one small query finds the app's own groups ([ContactsAccounts.GROUP_TITLE], in any
 * account): a contact that is a member of one came from the client base (an earlier export),
 * and the core leaves it out of "Select suggested" ([PhonebookContact.inAppGroup]). The loop
 * only copies column values into small builders (no FFI call, no I/O), so the cursor stays
 * open only for the time it takes to step through it, even for 50,000 contacts.
 */
class ContactsReader(private val resolver: ContentResolver) {

    /**
     * Reads every visible contact that has a name, number, email, organisation or nickname.
     * [onProgress] gets (rows read, rows in total) on this thread every [PROGRESS_EVERY] rows;
     * it may throw (a `CancellationException`, say) to stop reading, and the cursor is closed.
     *
     * @throws SecurityException without READ_CONTACTS.
     * @throws IllegalStateException when the contacts provider does not answer.
     */
    @WorkerThread
    fun readAll(onProgress: (done: Int, total: Int) -> Unit = { _, _ -> }): List<PhonebookContact> {
        val appGroups = appGroupIds()
        val cursor = resolver.query(
            VISIBLE_DATA,
            PROJECTION,
            "${Data.MIMETYPE} IN (${MIMETYPES.joinToString { "?" }})",
            MIMETYPES,
            "${Data.CONTACT_ID} ASC",
        ) ?: throw IllegalStateException("the contacts provider returned no cursor")

        val contacts = ArrayList<PhonebookContact>()
        cursor.use { c ->
            val columns = Columns(c)
            val total = c.count
            onProgress(0, total)
            var current: ContactBuilder? = null
            var rows = 0
            while (c.moveToNext()) {
                rows++
                // A raw contact being deleted has no aggregate yet; it is not in the phonebook.
                if (!c.isNull(columns.contactId)) {
                    val contactId = c.getLong(columns.contactId)
                    var builder = current
                    if (builder == null || builder.contactId != contactId) {
                        builder?.build()?.let(contacts::add)
                        builder = ContactBuilder(contactId, appGroups)
                        current = builder
                    }
                    builder.add(c, columns)
                }
                if (rows % PROGRESS_EVERY == 0) onProgress(rows, total)
            }
            current?.build()?.let(contacts::add)
            onProgress(total, total)
        }
        return contacts
    }

    /** Row ids of the app's groups ("Altegio clients") in every account, deleted ones left out. */
    private fun appGroupIds(): Set<Long> {
        val ids = HashSet<Long>()
        resolver.query(
            Groups.CONTENT_URI,
            arrayOf(Groups._ID),
            "${Groups.TITLE}=? AND ${Groups.DELETED}=0",
            arrayOf(ContactsAccounts.GROUP_TITLE),
            null,
        )?.use { c -> while (c.moveToNext()) ids.add(c.getLong(0)) }
        return ids
    }

    /** Column positions, looked up once per query rather than once per row. */
    private class Columns(c: Cursor) {
        val contactId = c.getColumnIndexOrThrow(Data.CONTACT_ID)
        val mimetype = c.getColumnIndexOrThrow(Data.MIMETYPE)
        val displayName = c.getColumnIndexOrThrow(StructuredName.DISPLAY_NAME)
        val givenName = c.getColumnIndexOrThrow(StructuredName.GIVEN_NAME)
        val middleName = c.getColumnIndexOrThrow(StructuredName.MIDDLE_NAME)
        val familyName = c.getColumnIndexOrThrow(StructuredName.FAMILY_NAME)
        val phoneNumber = c.getColumnIndexOrThrow(Phone.NUMBER)
        val phoneType = c.getColumnIndexOrThrow(Phone.TYPE)
        val emailAddress = c.getColumnIndexOrThrow(Email.ADDRESS)
        val company = c.getColumnIndexOrThrow(Organization.COMPANY)
        val nickname = c.getColumnIndexOrThrow(Nickname.NAME)
        val groupRowId = c.getColumnIndexOrThrow(GroupMembership.GROUP_ROW_ID)
        val eventDate = c.getColumnIndexOrThrow(Event.START_DATE)
        val eventType = c.getColumnIndexOrThrow(Event.TYPE)
    }

    /**
     * The rows of one aggregate contact. A contact merged from several accounts has a name
     * row per account: the first with any part is kept, as one set, so parts of different
     * spellings are never mixed.
     */
    private class ContactBuilder(val contactId: Long, private val appGroups: Set<Long>) {
        private var displayName: String? = null
        private var givenName: String? = null
        private var middleName: String? = null
        private var familyName: String? = null
        private var hasName = false
        private var organization: String? = null
        private var nickname: String? = null
        private val phones = ArrayList<RawPhone>(2)
        private val emails = ArrayList<String>(1)
        private var inAppGroup = false
        private var birthday: String? = null

        /** A row of its own (name, number, ...), not only a group membership. */
        private var hasOwnRow = false

        fun add(c: Cursor, col: Columns) {
            val mimetype = c.getString(col.mimetype)
            if (mimetype != GroupMembership.CONTENT_ITEM_TYPE) hasOwnRow = true
            when (mimetype) {
                StructuredName.CONTENT_ITEM_TYPE -> if (!hasName) {
                    val display = c.getString(col.displayName)
                    val given = c.getString(col.givenName)
                    val middle = c.getString(col.middleName)
                    val family = c.getString(col.familyName)
                    if (listOf(display, given, middle, family).any { !it.isNullOrBlank() }) {
                        displayName = display
                        givenName = given
                        middleName = middle
                        familyName = family
                        hasName = true
                    }
                }
                Phone.CONTENT_ITEM_TYPE -> c.getString(col.phoneNumber)
                    ?.takeIf { it.isNotBlank() }
                    ?.let { phones.add(RawPhone(it, phoneLabel(c.getInt(col.phoneType)))) }
                Email.CONTENT_ITEM_TYPE -> c.getString(col.emailAddress)
                    ?.takeIf { it.isNotBlank() }
                    ?.let { emails.add(it) }
                Organization.CONTENT_ITEM_TYPE -> if (organization.isNullOrBlank()) {
                    organization = c.getString(col.company)
                }
                Nickname.CONTENT_ITEM_TYPE -> if (nickname.isNullOrBlank()) {
                    nickname = c.getString(col.nickname)
                }
                // As the Contacts app stores it ("1985-03-12", "--03-12"); the core reads it.
                Event.CONTENT_ITEM_TYPE -> if (birthday == null && c.getInt(col.eventType) == Event.TYPE_BIRTHDAY) {
                    birthday = c.getString(col.eventDate)?.takeIf { it.isNotBlank() }
                }
                GroupMembership.CONTENT_ITEM_TYPE -> if (!inAppGroup && !c.isNull(col.groupRowId)) {
                    inAppGroup = c.getLong(col.groupRowId) in appGroups
                }
            }
        }

        /** The contact, or null when it has only group memberships (nothing to import). */
        fun build(): PhonebookContact? = if (!hasOwnRow) {
            null
        } else {
            PhonebookContact(
                platformId = contactId.toString(),
                givenName = givenName,
                middleName = middleName,
                familyName = familyName,
                displayName = displayName,
                organization = organization,
                nickname = nickname,
                phones = phones,
                emails = emails,
                inAppGroup = inAppGroup,
                birthday = birthday,
            )
        }
    }

    companion object {
        /** Progress every this many rows: often enough to move a bar, rare enough to be free. */
        const val PROGRESS_EVERY = 500

        /** The data rows of visible contacts only (the provider filters; API 18+). */
        private val VISIBLE_DATA = Data.CONTENT_URI.buildUpon()
            .appendQueryParameter(Data.VISIBLE_CONTACTS_ONLY, "true")
            .build()

        private val MIMETYPES = arrayOf(
            StructuredName.CONTENT_ITEM_TYPE,
            Phone.CONTENT_ITEM_TYPE,
            Email.CONTENT_ITEM_TYPE,
            Event.CONTENT_ITEM_TYPE,
            Organization.CONTENT_ITEM_TYPE,
            Nickname.CONTENT_ITEM_TYPE,
            GroupMembership.CONTENT_ITEM_TYPE,
        )

        /**
         * Only the columns read above. The kinds share the generic data1…data15 columns
         * (Phone.NUMBER, Email.ADDRESS and StructuredName.DISPLAY_NAME are all data1), so
         * duplicates are dropped and each kind reads its own meaning of a column.
         */
        private val PROJECTION = arrayOf(
            Data.CONTACT_ID,
            Data.MIMETYPE,
            StructuredName.DISPLAY_NAME,
            StructuredName.GIVEN_NAME,
            StructuredName.MIDDLE_NAME,
            StructuredName.FAMILY_NAME,
            Phone.NUMBER,
            Phone.TYPE,
            Email.ADDRESS,
            Organization.COMPANY,
            Nickname.NAME,
            GroupMembership.GROUP_ROW_ID,
        ).distinct().toTypedArray()

        /** Android's phone types onto the core's kinds; custom and unusual types are "other". */
        internal fun phoneLabel(type: Int): PhoneLabel = when (type) {
            Phone.TYPE_MOBILE, Phone.TYPE_WORK_MOBILE -> PhoneLabel.MOBILE
            Phone.TYPE_MAIN, Phone.TYPE_COMPANY_MAIN -> PhoneLabel.MAIN
            Phone.TYPE_WORK -> PhoneLabel.WORK
            Phone.TYPE_HOME -> PhoneLabel.HOME
            Phone.TYPE_FAX_WORK, Phone.TYPE_FAX_HOME, Phone.TYPE_OTHER_FAX -> PhoneLabel.FAX
            Phone.TYPE_PAGER, Phone.TYPE_WORK_PAGER -> PhoneLabel.PAGER
            else -> PhoneLabel.OTHER
        }
    }
}
