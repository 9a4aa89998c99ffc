package com.altegio.clientbook.android

import android.accounts.Account
import android.content.ContentResolver
import android.content.ContentValues
import android.os.Build
import android.provider.ContactsContract.Groups
import android.provider.ContactsContract.RawContacts
import android.provider.ContactsContract.RawContacts.DefaultAccount.DefaultAccountAndState
import android.provider.ContactsContract.Settings
import android.util.Log
import androidx.annotation.WorkerThread

/**
 * The account new contacts go into: `null` name and type is the device's local account.
 * Never logged: an account name is usually the owner's e-mail address.
 */
data class ContactsAccount(val name: String?, val type: String?) {
    val isLocal: Boolean get() = name.isNullOrEmpty() && type.isNullOrEmpty()

    companion object {
        val LOCAL = ContactsAccount(null, null)
    }
}

/**
 * Chooses where exported contacts are written, and finds or creates the app's group there.
 * See android/README.md, "Accounts and groups", for why.
 *
 * - Android 16+ (API 36): the user's default account for new contacts
 *   (`RawContacts.DefaultAccount`). A cloud default must be used: the provider refuses the
 *   local account then ("Cannot write contacts to local accounts when default account is set
 *   to cloud"). A local, SIM or unset default means the local account (a SIM holds no groups
 *   and few contacts).
 * - Android 13–15 (API 33–35): the default account the Contacts app stores
 *   (`Settings.getDefaultAccount`), or the local account when there is none.
 * - Android 7–12 (API 24–32): the local account, which every provider of these versions
 *   accepts and the Contacts app shows.
 * - Whatever the query throws (an OEM provider without these calls), the local account.
 *
 * [sdkInt] is `Build.VERSION.SDK_INT`; a parameter only so tests can run one path on another
 * framework.
 */
class ContactsAccounts(
    private val resolver: ContentResolver,
    private val sdkInt: Int = Build.VERSION.SDK_INT,
) {

    @WorkerThread
    fun accountForNewContacts(): ContactsAccount = try {
        when {
            sdkInt >= 36 -> fromDefaultAccountState()
            sdkInt >= 33 -> fromSettings()
            else -> ContactsAccount.LOCAL
        }
    } catch (e: RuntimeException) {
        // Only the class name: the message may quote the account.
        Log.w(TAG, "default account unknown (${e.javaClass.simpleName}); using the local account")
        ContactsAccount.LOCAL
    }

    @Suppress("NewApi") // called only when sdkInt >= 36
    private fun fromDefaultAccountState(): ContactsAccount {
        val state = RawContacts.DefaultAccount.getDefaultAccountForNewContacts(resolver)
        val account = state.account
        return if (state.state == DefaultAccountAndState.DEFAULT_ACCOUNT_STATE_CLOUD && account != null) {
            ContactsAccount(account.name, account.type)
        } else {
            ContactsAccount.LOCAL
        }
    }

    @Suppress("NewApi", "DEPRECATION") // called only for API 33..35, where it is current
    private fun fromSettings(): ContactsAccount {
        val account: Account = Settings.getDefaultAccount(resolver) ?: return ContactsAccount.LOCAL
        return ContactsAccount(account.name, account.type)
    }

    /**
     * The row id of the app's group ([GROUP_TITLE]) in [account], created (visible) when it is
     * not there. A group already there that the user hid stays hidden: that is their choice.
     */
    @WorkerThread
    fun groupId(account: ContactsAccount): Long {
        findGroup(account)?.let { return it }
        val values = ContentValues().apply {
            put(Groups.ACCOUNT_NAME, account.name)
            put(Groups.ACCOUNT_TYPE, account.type)
            put(Groups.TITLE, GROUP_TITLE)
            put(Groups.GROUP_VISIBLE, 1)
        }
        val uri = resolver.insert(Groups.CONTENT_URI, values)
            ?: throw IllegalStateException("the contacts provider did not create the group")
        return android.content.ContentUris.parseId(uri)
    }

    private fun findGroup(account: ContactsAccount): Long? {
        val (accountClause, args) = accountSelection(account)
        resolver.query(
            Groups.CONTENT_URI,
            arrayOf(Groups._ID),
            "$accountClause AND ${Groups.TITLE}=? AND ${Groups.DELETED}=0",
            (args + GROUP_TITLE).toTypedArray(),
            "${Groups._ID} ASC",
        )?.use { c -> if (c.moveToFirst()) return c.getLong(0) }
        return null
    }

    companion object {
        private const val TAG = "ClientbookAccounts"

        /**
         * The app's group. One fixed title, not a translated one: a phone switched between
         * Russian and English must keep finding the same group, and Altegio is a brand name.
         */
        const val GROUP_TITLE = "Altegio clients"

        /** `ACCOUNT_NAME`/`ACCOUNT_TYPE` equal to [account]'s, the local account as NULL. */
        internal fun accountSelection(account: ContactsAccount): Pair<String, List<String>> =
            if (account.isLocal) {
                "${RawContacts.ACCOUNT_NAME} IS NULL AND ${RawContacts.ACCOUNT_TYPE} IS NULL" to emptyList()
            } else {
                "${RawContacts.ACCOUNT_NAME}=? AND ${RawContacts.ACCOUNT_TYPE}=?" to
                    listOf(account.name.orEmpty(), account.type.orEmpty())
            }
    }
}
