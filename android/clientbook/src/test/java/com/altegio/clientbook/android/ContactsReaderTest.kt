package com.altegio.clientbook.android

import android.content.ContentResolver
import com.altegio.clientbook.android.TestContacts.GOOGLE
import com.altegio.clientbook.core.PhoneLabel
import android.content.ContentValues
import android.provider.ContactsContract.CommonDataKinds.Event
import android.provider.ContactsContract.Data
import org.junit.Assert.assertEquals
import org.junit.Assert.assertThrows
import org.junit.After
import org.junit.Before
import org.junit.Test
import org.junit.runner.RunWith
import org.robolectric.RobolectricTestRunner
import org.robolectric.RuntimeEnvironment
import org.robolectric.annotation.Config
import java.util.concurrent.CancellationException

@RunWith(RobolectricTestRunner::class)
@Config(sdk = [35])
class ContactsReaderTest {
    private lateinit var provider: StrictContactsProvider
    private lateinit var resolver: ContentResolver

    @Before
    fun setUp() {
        provider = StrictContactsProvider.install()
        resolver = RuntimeEnvironment.getApplication().contentResolver
    }

    @After
    fun tearDown() = provider.shutdown()

    @Test
    fun readsOnlyTheContactsTheContactsAppShows() {
        provider.setUngroupedVisible(GOOGLE, false)
        val myContacts = TestContacts.insertGroup(resolver, GOOGLE, "My Contacts", visible = true)
        val hidden = TestContacts.insertGroup(resolver, GOOGLE, "Old colleagues", visible = false)
        TestContacts.insertPerson(resolver, null, "Local", TestContacts.mobile(1))
        TestContacts.insertPerson(resolver, GOOGLE, "Starred", TestContacts.mobile(2), groupId = myContacts)
        TestContacts.insertPerson(resolver, GOOGLE, "OtherContact", TestContacts.mobile(3))
        TestContacts.insertPerson(resolver, GOOGLE, "HiddenOnly", TestContacts.mobile(4), groupId = hidden)

        val names = ContactsReader(resolver).readAll().map { it.givenName }.toSet()

        assertEquals(setOf("Local", "Starred"), names)
    }

    @Test
    fun marksTheContactsInTheAppsOwnGroup() {
        val app = TestContacts.insertGroup(resolver, GOOGLE, ContactsAccounts.GROUP_TITLE, visible = true)
        val friends = TestContacts.insertGroup(resolver, GOOGLE, "Friends", visible = true)
        TestContacts.insertPerson(resolver, GOOGLE, "Exported", TestContacts.mobile(1), groupId = app)
        TestContacts.insertPerson(resolver, GOOGLE, "Friend", TestContacts.mobile(2), groupId = friends)
        TestContacts.insertPerson(resolver, null, "Local", TestContacts.mobile(3))

        val inAppGroup = ContactsReader(resolver).readAll().associate { it.givenName to it.inAppGroup }

        assertEquals(mapOf("Exported" to true, "Friend" to false, "Local" to false), inAppGroup)
    }

    @Test
    fun copiesNamesNumbersAndLabels() {
        TestContacts.insertPerson(resolver, null, "Мария", "8 (912) 000-00-01")
        val contact = ContactsReader(resolver).readAll().single()
        assertEquals("Мария", contact.givenName)
        assertEquals("8 (912) 000-00-01", contact.phones.single().number)
        assertEquals(PhoneLabel.MOBILE, contact.phones.single().label)
    }

    @Test
    fun readsTheBirthdayAndNotOtherEvents() {
        val rawId = TestContacts.insertPerson(resolver, null, "Анна", "8 (912) 000-00-02", birthday = "1985-03-12")
        resolver.insert(
            Data.CONTENT_URI,
            ContentValues().apply {
                put(Data.RAW_CONTACT_ID, rawId)
                put(Data.MIMETYPE, Event.CONTENT_ITEM_TYPE)
                put(Event.START_DATE, "2010-06-01")
                put(Event.TYPE, Event.TYPE_ANNIVERSARY)
            },
        )
        TestContacts.insertPerson(resolver, null, "Борис", "8 (912) 000-00-03")
        val birthdays = ContactsReader(resolver).readAll().associate { it.givenName to it.birthday }
        assertEquals(mapOf("Анна" to "1985-03-12", "Борис" to null), birthdays)
    }

    @Test
    fun progressMayStopTheRead() {
        repeat(3) { TestContacts.insertPerson(resolver, null, "P$it", TestContacts.mobile(it)) }
        assertThrows(CancellationException::class.java) {
            ContactsReader(resolver).readAll { _, _ -> throw CancellationException("stop") }
        }
    }
}
