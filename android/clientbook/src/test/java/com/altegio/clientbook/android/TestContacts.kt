package com.altegio.clientbook.android

import android.accounts.Account
import android.content.ContentResolver
import android.content.ContentUris
import android.content.ContentValues
import android.provider.ContactsContract.CommonDataKinds.Email
import android.provider.ContactsContract.CommonDataKinds.Event
import android.provider.ContactsContract.CommonDataKinds.GroupMembership
import android.provider.ContactsContract.CommonDataKinds.Phone
import android.provider.ContactsContract.CommonDataKinds.StructuredName
import android.provider.ContactsContract.Data
import android.provider.ContactsContract.Groups
import android.provider.ContactsContract.RawContacts
import com.altegio.clientbook.core.ContactToWrite
import com.altegio.clientbook.core.PhoneLabel
import com.altegio.clientbook.core.PhonebookContact
import com.altegio.clientbook.core.RawPhone

/** Test data shared by the reader and writer tests; every number is a valid Russian mobile. */
object TestContacts {
    val GOOGLE = Account("staff@example.com", "com.google")

    /** A valid Russian mobile number, distinct for each [n] below 10,000,000. */
    fun mobile(n: Int): String = "+7 912 " + n.toString().padStart(7, '0')

    fun toWrite(count: Int, phonesEach: Int = 1, nameLength: Int = 0, firstId: Long = 1): List<ContactToWrite> =
        (0 until count).map { i ->
            val family = if (nameLength > 0) "Ф".repeat(nameLength) else "Иванова"
            ContactToWrite(
                clientId = firstId + i,
                contact = PhonebookContact(
                    platformId = "",
                    givenName = "Анна $i",
                    middleName = null,
                    familyName = family,
                    displayName = null,
                    organization = null,
                    nickname = null,
                    phones = (0 until phonesEach).map { j -> RawPhone(mobile(i * phonesEach + j), PhoneLabel.MOBILE) },
                    emails = emptyList(),
                ),
            )
        }

    /** Inserts one raw contact the way a sync adapter or the Contacts app would. */
    fun insertPerson(
        resolver: ContentResolver,
        account: Account?,
        given: String,
        phone: String,
        groupId: Long? = null,
        email: String? = null,
        birthday: String? = null,
    ): Long {
        val raw = resolver.insert(
            RawContacts.CONTENT_URI,
            ContentValues().apply {
                put(RawContacts.ACCOUNT_NAME, account?.name)
                put(RawContacts.ACCOUNT_TYPE, account?.type)
            },
        )!!
        val rawId = ContentUris.parseId(raw)
        fun data(mimetype: String, vararg values: Pair<String, Any>) = resolver.insert(
            Data.CONTENT_URI,
            ContentValues().apply {
                put(Data.RAW_CONTACT_ID, rawId)
                put(Data.MIMETYPE, mimetype)
                values.forEach { (k, v) -> if (v is Int) put(k, v) else if (v is Long) put(k, v) else put(k, v.toString()) }
            },
        )
        data(StructuredName.CONTENT_ITEM_TYPE, StructuredName.GIVEN_NAME to given)
        data(Phone.CONTENT_ITEM_TYPE, Phone.NUMBER to phone, Phone.TYPE to Phone.TYPE_MOBILE)
        groupId?.let { data(GroupMembership.CONTENT_ITEM_TYPE, GroupMembership.GROUP_ROW_ID to it) }
        email?.let { addEmail(resolver, rawId, it) }
        birthday?.let {
            data(Event.CONTENT_ITEM_TYPE, Event.START_DATE to it, Event.TYPE to Event.TYPE_BIRTHDAY)
        }
        return rawId
    }

    /** Adds an email to a raw contact, as a user editing it in the Contacts app would. */
    fun addEmail(resolver: ContentResolver, rawId: Long, email: String) {
        resolver.insert(
            Data.CONTENT_URI,
            ContentValues().apply {
                put(Data.RAW_CONTACT_ID, rawId)
                put(Data.MIMETYPE, Email.CONTENT_ITEM_TYPE)
                put(Email.ADDRESS, email)
            },
        )
    }

    fun insertGroup(resolver: ContentResolver, account: Account?, title: String, visible: Boolean): Long =
        ContentUris.parseId(
            resolver.insert(
                Groups.CONTENT_URI,
                ContentValues().apply {
                    put(Groups.ACCOUNT_NAME, account?.name)
                    put(Groups.ACCOUNT_TYPE, account?.type)
                    put(Groups.TITLE, title)
                    put(Groups.GROUP_VISIBLE, if (visible) 1 else 0)
                },
            )!!,
        )
}
