package com.altegio.clientbook.android

import android.accounts.Account
import android.content.ContentProvider
import android.content.ContentProviderOperation
import android.content.ContentProviderResult
import android.content.ContentUris
import android.content.ContentValues
import android.content.OperationApplicationException
import android.database.Cursor
import android.database.sqlite.SQLiteConstraintException
import android.database.sqlite.SQLiteDatabase
import android.net.Uri
import android.os.Build
import android.os.Bundle
import android.os.Parcel
import android.os.TransactionTooLargeException
import android.provider.ContactsContract
import android.provider.ContactsContract.CommonDataKinds.GroupMembership
import android.provider.ContactsContract.Data
import android.provider.ContactsContract.RawContacts.DefaultAccount.DefaultAccountAndState
import org.robolectric.Robolectric

/**
 * A contacts provider double, registered with Robolectric for `com.android.contacts`, that
 * keeps its rows in SQLite and enforces the AOSP rules that break real writers and readers
 * (`AbstractContactsProvider`, `AccountResolver`, `ContactsDatabaseHelper`):
 *
 * - at most [MAX_OPERATIONS_PER_YIELD_POINT] operations between yield points: the 500th throws
 *   `OperationApplicationException("Too many content provider operations between yield points…")`,
 *   counted exactly as AOSP does (`++opCount >= 500` before the yield check);
 * - a yield point commits everything before it when another writer is waiting
 *   ([writerWaiting]), so a call that fails later keeps those rows, as on a device;
 * - a call whose parcelled operations exceed [maxPayloadBytes] is refused with
 *   `TransactionTooLargeException` before anything is applied (Binder's limit);
 * - Android 16 (SDK 36): with a cloud default account for new contacts ([defaultAccount]), a raw
 *   contact in the local account is refused with `IllegalArgumentException("Cannot write
 *   contacts to local accounts when default account is set to cloud")`; a raw contact with no
 *   account columns goes into the default account; `RawContacts.DefaultAccount` is answered
 *   through `call`. On SDK 33–35, `Settings.getDefaultAccount` is answered from
 *   [contactsAppDefaultAccount];
 * - account columns both or neither ("Must specify both or neither of ACCOUNT_NAME and
 *   ACCOUNT_TYPE");
 * - visibility as the Contacts app sees it: a contact is visible when one of its raw contacts
 *   is in a visible group, or is in no group in an account whose `UNGROUPED_VISIBLE` is 1 (the
 *   local account and accounts without a settings row; Google's sync adapter sets 0, which
 *   makes "Other contacts"). `Data.VISIBLE_CONTACTS_ONLY` and `in_visible_group` follow it;
 * - group membership only to an existing group of the raw contact's own account (stricter than
 *   AOSP, which would store a membership that no Contacts app shows);
 * - data rows need an existing raw contact and a mimetype, and only known columns.
 *
 * Each raw contact gets its own aggregate contact (real aggregation is a device matter).
 */
class StrictContactsProvider : ContentProvider() {

    /** The Android 16 default account for new contacts. */
    var defaultAccount: DefaultAccountAndState? = null

    /** What `Settings.getDefaultAccount` returns on SDK 33–35 (null: none set). */
    var contactsAppDefaultAccount: Account? = null

    /** Another writer waits for the database: every yield point commits. */
    var writerWaiting = false

    /** Binder's transaction limit as this double applies it to one applyBatch call. */
    var maxPayloadBytes = 1_000_000

    /**
     * The raw contact insert (1-based, counted over the double's life, rolled-back attempts
     * included) that fails, as a constraint or a full disk would.
     */
    var failAtRawContactInsert: Int? = null
    private var rawContactInserts = 0

    /** Operations of each applyBatch call that reached the provider, in order. */
    val calls = ArrayList<Int>()

    /** Runs at the start of every query (a test's hook: cancel, or throw as a dead provider). */
    @Volatile var onQuery: (() -> Unit)? = null

    /** Queries received. */
    @Volatile var queries = 0
        private set

    /** How many yield points committed. */
    var yieldCommits = 0
        private set

    private lateinit var db: SQLiteDatabase

    override fun onCreate(): Boolean {
        db = SQLiteDatabase.create(null)
        // TEXT, as in AOSP's data table: numbers written to data columns come back as text.
        val dataColumns = (1..15).joinToString(", ") { "data$it TEXT" }
        db.execSQL("CREATE TABLE contacts (_id INTEGER PRIMARY KEY AUTOINCREMENT, dummy INTEGER)")
        db.execSQL(
            "CREATE TABLE raw_contacts (_id INTEGER PRIMARY KEY AUTOINCREMENT, contact_id INTEGER, " +
                "account_name TEXT, account_type TEXT, deleted INTEGER NOT NULL DEFAULT 0)",
        )
        db.execSQL(
            "CREATE TABLE data (_id INTEGER PRIMARY KEY AUTOINCREMENT, raw_contact_id INTEGER NOT NULL, " +
                "mimetype TEXT NOT NULL, is_primary INTEGER NOT NULL DEFAULT 0, " +
                "is_super_primary INTEGER NOT NULL DEFAULT 0, $dataColumns)",
        )
        db.execSQL(
            "CREATE TABLE groups (_id INTEGER PRIMARY KEY AUTOINCREMENT, account_name TEXT, account_type TEXT, " +
                "title TEXT, group_visible INTEGER NOT NULL DEFAULT 0, deleted INTEGER NOT NULL DEFAULT 0, " +
                "system_id TEXT, auto_add INTEGER NOT NULL DEFAULT 0)",
        )
        db.execSQL("CREATE TABLE settings (account_name TEXT, account_type TEXT, ungrouped_visible INTEGER NOT NULL)")
        db.execSQL(
            "CREATE VIEW visible_contacts AS SELECT DISTINCT r.contact_id AS _id FROM raw_contacts r " +
                "WHERE r.deleted = 0 AND (" +
                " EXISTS (SELECT 1 FROM data d JOIN groups g ON g._id = d.data1 WHERE d.raw_contact_id = r._id" +
                "   AND d.mimetype = '$MEMBERSHIP' AND g.group_visible = 1 AND g.deleted = 0)" +
                " OR (NOT EXISTS (SELECT 1 FROM data d WHERE d.raw_contact_id = r._id AND d.mimetype = '$MEMBERSHIP')" +
                "   AND COALESCE((SELECT s.ungrouped_visible FROM settings s WHERE s.account_name IS r.account_name" +
                "     AND s.account_type IS r.account_type), 1) = 1))",
        )
        db.execSQL(
            "CREATE VIEW view_data AS SELECT d.*, r.contact_id AS contact_id, r.account_name AS account_name, " +
                "r.account_type AS account_type, (r.contact_id IN (SELECT _id FROM visible_contacts)) AS in_visible_group " +
                "FROM data d JOIN raw_contacts r ON r._id = d.raw_contact_id WHERE r.deleted = 0",
        )
        db.execSQL(
            "CREATE VIEW view_raw_contacts AS SELECT r.*, " +
                "(r.contact_id IN (SELECT _id FROM visible_contacts)) AS in_visible_group FROM raw_contacts r",
        )
        return true
    }

    override fun shutdown() = db.close()

    // --- applyBatch: the yield-point, operation-count and payload rules ---

    override fun applyBatch(
        authority: String,
        operations: ArrayList<ContentProviderOperation>,
    ): Array<ContentProviderResult> = applyBatch(operations)

    override fun applyBatch(operations: ArrayList<ContentProviderOperation>): Array<ContentProviderResult> {
        val size = payloadBytes(operations)
        if (size > maxPayloadBytes) throw TransactionTooLargeException("data parcel size $size bytes")
        calls.add(operations.size)
        val results = arrayOfNulls<ContentProviderResult>(operations.size)
        db.beginTransaction()
        try {
            var opCount = 0
            var ypCount = 0
            for (i in operations.indices) {
                if (++opCount >= MAX_OPERATIONS_PER_YIELD_POINT) {
                    throw OperationApplicationException(
                        "Too many content provider operations between yield points. " +
                            "The maximum number of operations per yield point is $MAX_OPERATIONS_PER_YIELD_POINT",
                        ypCount,
                    )
                }
                val operation = operations[i]
                if (i > 0 && operation.isYieldAllowed) {
                    opCount = 0
                    if (writerWaiting) {
                        // What SQLiteDatabase.yieldIfContendedSafely does when contended.
                        db.setTransactionSuccessful()
                        db.endTransaction()
                        db.beginTransaction()
                        yieldCommits++
                        ypCount++
                    }
                }
                results[i] = operation.apply(this, results, i)
            }
            db.setTransactionSuccessful()
            return results.requireNoNulls()
        } finally {
            db.endTransaction()
        }
    }

    private fun payloadBytes(operations: List<ContentProviderOperation>): Int {
        val parcel = Parcel.obtain()
        try {
            parcel.writeString(ContactsContract.AUTHORITY)
            parcel.writeTypedList(operations)
            return parcel.dataSize()
        } finally {
            parcel.recycle()
        }
    }

    // --- insert, with the account and membership rules ---

    override fun insert(uri: Uri, values: ContentValues?): Uri {
        val v = ContentValues(values ?: ContentValues())
        return when (table(uri)) {
            "raw_contacts" -> insertRawContact(v)
            "data" -> insertData(v)
            "groups" -> {
                requireBothOrNeither(v)
                ContentUris.withAppendedId(ContactsContract.Groups.CONTENT_URI, db.insertOrThrow("groups", null, v))
            }
            "settings" -> {
                db.insertOrThrow("settings", null, v)
                ContactsContract.Settings.CONTENT_URI
            }
            else -> throw IllegalArgumentException("Unknown URL $uri")
        }
    }

    private fun insertRawContact(v: ContentValues): Uri {
        if (++rawContactInserts == failAtRawContactInsert) throw SQLiteConstraintException("injected failure")
        val hasAccount = v.containsKey(ContactsContract.RawContacts.ACCOUNT_NAME) ||
            v.containsKey(ContactsContract.RawContacts.ACCOUNT_TYPE)
        if (hasAccount) {
            requireBothOrNeither(v)
            val local = v.getAsString(ContactsContract.RawContacts.ACCOUNT_NAME).isNullOrEmpty()
            if (local && cloudDefault() != null) {
                throw IllegalArgumentException(LOCAL_REFUSED)
            }
        } else {
            val cloud = cloudDefault()
            v.put(ContactsContract.RawContacts.ACCOUNT_NAME, cloud?.name)
            v.put(ContactsContract.RawContacts.ACCOUNT_TYPE, cloud?.type)
        }
        for (key in v.keySet()) {
            require(key in RAW_CONTACT_COLUMNS) { "Unknown column $key" }
        }
        val contactId = db.insertOrThrow("contacts", null, ContentValues().apply { putNull("dummy") })
        v.put(ContactsContract.RawContacts.CONTACT_ID, contactId)
        return ContentUris.withAppendedId(ContactsContract.RawContacts.CONTENT_URI, db.insertOrThrow("raw_contacts", null, v))
    }

    private fun insertData(v: ContentValues): Uri {
        val rawId = v.getAsLong(Data.RAW_CONTACT_ID) ?: throw IllegalArgumentException("raw_contact_id is required")
        val mimetype = v.getAsString(Data.MIMETYPE) ?: throw IllegalArgumentException("mimetype is required")
        for (key in v.keySet()) {
            require(key in DATA_COLUMNS) { "Unknown column $key" }
        }
        val rawAccount = db.rawQuery(
            "SELECT account_name, account_type FROM raw_contacts WHERE _id = ? AND deleted = 0",
            arrayOf(rawId.toString()),
        ).use { c ->
            require(c.moveToFirst()) { "No raw contact $rawId" }
            c.getString(0) to c.getString(1)
        }
        if (mimetype == MEMBERSHIP) {
            val groupId = v.getAsLong(GroupMembership.GROUP_ROW_ID)
                ?: throw IllegalArgumentException("group membership without a group")
            val groupAccount = db.rawQuery(
                "SELECT account_name, account_type FROM groups WHERE _id = ? AND deleted = 0",
                arrayOf(groupId.toString()),
            ).use { c ->
                require(c.moveToFirst()) { "No group $groupId" }
                c.getString(0) to c.getString(1)
            }
            require(groupAccount == rawAccount) { "group $groupId is in another account than raw contact $rawId" }
        }
        return ContentUris.withAppendedId(Data.CONTENT_URI, db.insertOrThrow("data", null, v))
    }

    private fun requireBothOrNeither(v: ContentValues) {
        val name = v.getAsString(ContactsContract.RawContacts.ACCOUNT_NAME).isNullOrEmpty()
        val type = v.getAsString(ContactsContract.RawContacts.ACCOUNT_TYPE).isNullOrEmpty()
        require(name == type) { "Must specify both or neither of ACCOUNT_NAME and ACCOUNT_TYPE" }
    }

    /** The cloud default account when SDK 36's rule applies, else null. */
    private fun cloudDefault(): Account? {
        if (Build.VERSION.SDK_INT < 36) return null
        val state = defaultAccount ?: return null
        return if (state.state == DefaultAccountAndState.DEFAULT_ACCOUNT_STATE_CLOUD) state.account else null
    }

    // --- query ---

    override fun query(
        uri: Uri,
        projection: Array<out String>?,
        selection: String?,
        selectionArgs: Array<out String>?,
        sortOrder: String?,
    ): Cursor {
        queries++
        onQuery?.invoke()
        val source = when (table(uri)) {
            "data" -> "view_data"
            "raw_contacts" -> "view_raw_contacts"
            "groups" -> "groups"
            "settings" -> "settings"
            else -> throw IllegalArgumentException("Unknown URL $uri")
        }
        val where = ArrayList<String>()
        selection?.takeIf { it.isNotBlank() }?.let { where.add("($it)") }
        if (source == "view_data" && uri.getBooleanQueryParameter(Data.VISIBLE_CONTACTS_ONLY, false)) {
            where.add("contact_id IN (SELECT _id FROM visible_contacts)")
        }
        if (source == "view_raw_contacts" || source == "groups") {
            uri.pathSegments.getOrNull(1)?.let { where.add("_id = ${it.toLong()}") }
        }
        val columns = projection?.joinToString(", ") ?: "*"
        val sql = buildString {
            append("SELECT $columns FROM $source")
            if (where.isNotEmpty()) append(" WHERE ").append(where.joinToString(" AND "))
            sortOrder?.let { append(" ORDER BY $it") }
        }
        return db.rawQuery(sql, selectionArgs?.map { it }?.toTypedArray())
    }

    override fun call(method: String, arg: String?, extras: Bundle?): Bundle? = when (method) {
        ContactsContract.RawContacts.DefaultAccount.QUERY_DEFAULT_ACCOUNT_FOR_NEW_CONTACTS_METHOD -> {
            check(Build.VERSION.SDK_INT >= 36) { "no such method before Android 16" }
            val state = defaultAccount ?: DefaultAccountAndState.ofNotSet()
            Bundle().apply {
                putInt(ContactsContract.RawContacts.DefaultAccount.KEY_DEFAULT_ACCOUNT_STATE, state.state)
                state.account?.let {
                    putString(ContactsContract.RawContacts.ACCOUNT_NAME, it.name)
                    putString(ContactsContract.RawContacts.ACCOUNT_TYPE, it.type)
                }
            }
        }
        ContactsContract.Settings.QUERY_DEFAULT_ACCOUNT_METHOD -> {
            check(Build.VERSION.SDK_INT >= 33) { "no such method before Android 13" }
            Bundle().apply { putParcelable(ContactsContract.Settings.KEY_DEFAULT_ACCOUNT, contactsAppDefaultAccount) }
        }
        else -> throw IllegalArgumentException("Unsupported call: $method")
    }

    override fun update(uri: Uri, values: ContentValues?, selection: String?, selectionArgs: Array<out String>?): Int =
        throw UnsupportedOperationException("not used by the shell")

    override fun delete(uri: Uri, selection: String?, selectionArgs: Array<out String>?): Int =
        throw UnsupportedOperationException("not used by the shell")

    override fun getType(uri: Uri): String? = null

    private fun table(uri: Uri): String? {
        require(uri.authority == ContactsContract.AUTHORITY) { "Unknown authority ${uri.authority}" }
        return uri.pathSegments.firstOrNull()
    }

    // --- test set-up helpers (what a sync adapter or the Contacts app would have written) ---

    /** Marks [account]'s ungrouped contacts visible or not (the Settings table row). */
    fun setUngroupedVisible(account: Account?, visible: Boolean) {
        db.insertOrThrow(
            "settings",
            null,
            ContentValues().apply {
                put("account_name", account?.name)
                put("account_type", account?.type)
                put("ungrouped_visible", if (visible) 1 else 0)
            },
        )
    }

    /** Raw contacts (not deleted) in [account] (null: local). */
    fun rawContactCount(account: Account? = null, anyAccount: Boolean = false): Int {
        val sql = if (anyAccount) {
            "SELECT COUNT(*) FROM raw_contacts WHERE deleted = 0"
        } else if (account == null) {
            "SELECT COUNT(*) FROM raw_contacts WHERE deleted = 0 AND account_name IS NULL AND account_type IS NULL"
        } else {
            "SELECT COUNT(*) FROM raw_contacts WHERE deleted = 0 AND account_name = '${account.name}' AND account_type = '${account.type}'"
        }
        return db.rawQuery(sql, null).use { c -> c.moveToFirst(); c.getInt(0) }
    }

    /** Rows of the raw `SELECT` [sql], first column as Long; for assertions. */
    fun longs(sql: String, vararg args: String): List<Long> =
        db.rawQuery(sql, args.map { it }.toTypedArray()).use { c ->
            val out = ArrayList<Long>()
            while (c.moveToNext()) out.add(c.getLong(0))
            out
        }

    companion object {
        const val MAX_OPERATIONS_PER_YIELD_POINT = 500
        const val LOCAL_REFUSED = "Cannot write contacts to local accounts when default account is set to cloud"
        private const val MEMBERSHIP = GroupMembership.CONTENT_ITEM_TYPE

        private val RAW_CONTACT_COLUMNS = setOf("account_name", "account_type", "contact_id")
        private val DATA_COLUMNS = setOf("raw_contact_id", "mimetype", "is_primary", "is_super_primary") +
            (1..15).map { "data$it" }

        /** Registers a fresh double for `com.android.contacts` and returns it. */
        fun install(): StrictContactsProvider =
            Robolectric.setupContentProvider(StrictContactsProvider::class.java, ContactsContract.AUTHORITY)
    }
}
