package com.altegio.clientbook.android

import android.content.ContentResolver
import android.content.ContentValues
import android.provider.ContactsContract.RawContacts
import android.provider.ContactsContract.RawContacts.DefaultAccount.DefaultAccountAndState
import com.altegio.clientbook.android.TestContacts.GOOGLE
import org.junit.Assert.assertEquals
import org.junit.Assert.assertNotNull
import org.junit.Assert.assertNull
import org.junit.Assert.assertThrows
import org.junit.Assert.assertTrue
import org.junit.After
import org.junit.Before
import org.junit.Test
import org.junit.runner.RunWith
import org.robolectric.RobolectricTestRunner
import org.robolectric.RuntimeEnvironment
import org.robolectric.annotation.Config

/**
 * ContactsWriter against [StrictContactsProvider], with the real core (numbers are normalised
 * by the Rust library through JNA). Android 16 unless a test says otherwise.
 */
@RunWith(RobolectricTestRunner::class)
@Config(sdk = [36])
class ContactsWriterTest {
    private lateinit var provider: StrictContactsProvider
    private lateinit var resolver: ContentResolver

    @Before
    fun setUp() {
        provider = StrictContactsProvider.install()
        resolver = RuntimeEnvironment.getApplication().contentResolver
    }

    @After
    fun tearDown() = provider.shutdown()

    private companion object {
        /** One transaction per call: below the provider's 500 operations between yield points. */
        const val MAX_OPS_PER_CALL = 450
        const val GROUP_TITLE = "Altegio clients"
    }

    private fun writer() = ContactsWriter(resolver, "RU")

    private fun groupIds(accountName: String?, accountType: String?): List<Long> =
        if (accountName == null) {
            provider.longs(
                "SELECT _id FROM groups WHERE title = ? AND account_name IS NULL AND account_type IS NULL AND group_visible = 1",
                GROUP_TITLE,
            )
        } else {
            provider.longs(
                "SELECT _id FROM groups WHERE title = ? AND account_name = ? AND account_type = ? AND group_visible = 1",
                GROUP_TITLE, accountName, accountType!!,
            )
        }

    private fun members(groupId: Long): Long = provider.longs(
        "SELECT COUNT(*) FROM data WHERE mimetype = 'vnd.android.cursor.item/group_membership' AND data1 = ?",
        groupId.toString(),
    ).single()

    @Test
    fun cloudDefaultAccountOnAndroid16GetsEveryContactInTheAppsVisibleGroup() {
        provider.defaultAccount = DefaultAccountAndState.ofCloud(GOOGLE)
        // Google's sync adapter hides ungrouped contacts ("Other contacts").
        provider.setUngroupedVisible(GOOGLE, false)

        val result = writer().write(TestContacts.toWrite(1_200))

        assertNull(result.failure)
        assertEquals(1_200, result.written.size)
        assertEquals(1_200, provider.rawContactCount(GOOGLE))
        assertEquals(0, provider.rawContactCount(null))
        val group = groupIds(GOOGLE.name, GOOGLE.type).single()
        assertEquals(1_200L, members(group))
        // Staff see them in their Contacts app, and the reader (visible contacts only) finds
        // them under the ids the writer reported.
        val read = ContactsReader(resolver).readAll()
        assertEquals(result.written.map { it.platformId }.toSet(), read.map { it.platformId }.toSet())
        val anna = read.first { it.givenName == "Анна 7" }
        assertEquals("Иванова", anna.familyName)
        assertEquals(TestContacts.mobile(7), anna.phones.single().number)
    }

    @Test
    fun localOrUnsetDefaultOnAndroid16WritesTheLocalAccount() {
        for (state in listOf(DefaultAccountAndState.ofLocal(), DefaultAccountAndState.ofNotSet())) {
            tearDown()
            setUp()
            provider.defaultAccount = state
            val result = writer().write(TestContacts.toWrite(3))
            assertNull(result.failure)
            assertEquals(3, provider.rawContactCount(null))
            assertEquals(3L, members(groupIds(null, null).single()))
        }
    }

    @Test
    @Config(sdk = [35])
    fun contactsAppDefaultAccountOnAndroid15AndLocalWithoutOne() {
        provider.contactsAppDefaultAccount = GOOGLE
        provider.setUngroupedVisible(GOOGLE, false)
        assertNull(writer().write(TestContacts.toWrite(2)).failure)
        assertEquals(2, provider.rawContactCount(GOOGLE))
        assertEquals(2, ContactsReader(resolver).readAll().size)

        tearDown()
        setUp()
        assertNull(writer().write(TestContacts.toWrite(2)).failure)
        assertEquals(2, provider.rawContactCount(null))
    }

    @Test
    fun theGroupIsCreatedOnceAndReused() {
        provider.defaultAccount = DefaultAccountAndState.ofCloud(GOOGLE)
        writer().write(TestContacts.toWrite(2))
        writer().write(TestContacts.toWrite(3, firstId = 100))
        val group = groupIds(GOOGLE.name, GOOGLE.type).single()
        assertEquals(5L, members(group))
    }

    @Test
    fun writtenIsExactlyWhatIsInThePhonebookWhenACallFailsWhileAnotherWriterWaits() {
        provider.defaultAccount = DefaultAccountAndState.ofCloud(GOOGLE)
        provider.writerWaiting = true
        provider.failAtRawContactInsert = 200

        val result = writer().write(TestContacts.toWrite(1_000))

        assertNotNull(result.failure)
        assertEquals(provider.rawContactCount(anyAccount = true), result.written.size)
        assertTrue(result.written.isNotEmpty())
        assertTrue("every call within one window", provider.calls.all { it <= MAX_OPS_PER_CALL })
        assertEquals("no yield point inside a call", 0, provider.yieldCommits)
    }

    @Test
    fun aContactWithMoreRowsThanOneCallIsWrittenWhole() {
        provider.defaultAccount = DefaultAccountAndState.ofCloud(GOOGLE)

        val result = writer().write(TestContacts.toWrite(count = 2, phonesEach = 700))

        assertNull(result.failure)
        assertEquals(2, result.written.size)
        val phones = provider.longs(
            "SELECT COUNT(*) FROM data WHERE mimetype = 'vnd.android.cursor.item/phone_v2'",
        ).single()
        assertEquals(1_400L, phones)
        assertEquals(2, provider.rawContactCount(GOOGLE))
    }

    @Test
    fun aCallTooLargeForBinderIsSplitAndEverythingIsWritten() {
        provider.defaultAccount = DefaultAccountAndState.ofCloud(GOOGLE)
        provider.maxPayloadBytes = 64 * 1024

        val result = writer().write(TestContacts.toWrite(count = 300, nameLength = 1_000))

        assertNull(result.failure)
        assertEquals(300, result.written.size)
        assertEquals(300, provider.rawContactCount(GOOGLE))
    }

    @Test
    fun theDoubleRefusesTheLocalAccountWhenTheDefaultIsCloud() {
        provider.defaultAccount = DefaultAccountAndState.ofCloud(GOOGLE)
        val local = ContentValues().apply {
            putNull(RawContacts.ACCOUNT_NAME)
            putNull(RawContacts.ACCOUNT_TYPE)
        }
        val e = assertThrows(IllegalArgumentException::class.java) { resolver.insert(RawContacts.CONTENT_URI, local) }
        assertEquals(StrictContactsProvider.LOCAL_REFUSED, e.message)
    }

    @Test
    fun cancelStopsBetweenCallsKeepingWhatIsWritten() {
        provider.defaultAccount = DefaultAccountAndState.ofLocal()
        var calls = 0
        val result = writer().write(TestContacts.toWrite(500), isCancelled = { calls++ >= 2 })
        assertTrue(result.cancelled)
        assertEquals(provider.rawContactCount(null), result.written.size)
        assertEquals(2 * (MAX_OPS_PER_CALL / 4), result.written.size)
    }
}
