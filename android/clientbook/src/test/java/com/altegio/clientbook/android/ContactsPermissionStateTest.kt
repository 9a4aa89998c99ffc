package com.altegio.clientbook.android

import android.Manifest
import android.app.Activity
import com.altegio.clientbook.core.ContactsPermission
import org.junit.Assert.assertEquals
import org.junit.Test
import org.junit.runner.RunWith
import org.robolectric.Robolectric
import org.robolectric.RobolectricTestRunner
import org.robolectric.Shadows.shadowOf
import org.robolectric.annotation.Config

/**
 * What Android reports around each request, as a table of (rationale before, answer,
 * rationale after), and what the shell tells the core.
 */
@RunWith(RobolectricTestRunner::class)
@Config(sdk = [35])
class ContactsPermissionStateTest {
    private val read = arrayOf(Manifest.permission.READ_CONTACTS)

    /** Android's side, as the test sets it. */
    private class FakeAndroid : ContactsPermissionState.Probe {
        val granted = HashSet<String>()
        val rationale = HashSet<String>()
        override fun isGranted(permission: String) = permission in granted
        override fun shouldShowRationale(permission: String) = permission in rationale
    }

    private class MemoryStore : ContactsPermissionState.Store {
        val permanent = HashSet<String>()
        override fun isPermanentlyDenied(permission: String) = permission in permanent
        override fun setPermanentlyDenied(permission: String, value: Boolean) {
            if (value) permanent.add(permission) else permanent.remove(permission)
        }
    }

    private val android = FakeAndroid()
    private val store = MemoryStore()

    /** One request: Android answers [granted] and leaves the rationale flag at [rationaleAfter]. */
    private fun request(permissions: Array<String>, granted: Boolean, rationaleAfter: Boolean) {
        val before = ContactsPermissionState.beforeRequest(android, permissions)
        permissions.forEach {
            if (granted) android.granted.add(it) else android.granted.remove(it)
            if (rationaleAfter) android.rationale.add(it) else android.rationale.remove(it)
        }
        ContactsPermissionState.onRequestResult(android, store, before, permissions.associateWith { granted })
    }

    private fun current(permissions: Array<String> = read) = ContactsPermissionState.current(android, store, permissions)

    @Test
    fun neverAskedIsDenied() {
        assertEquals(ContactsPermission.ANDROID_DENIED, current())
    }

    @Test
    fun aDismissedFirstDialogIsNotPermanentlyDenied() {
        request(read, granted = false, rationaleAfter = false)
        assertEquals(ContactsPermission.ANDROID_DENIED, current())
        // And again: still the dialog Android shows, not Settings.
        request(read, granted = false, rationaleAfter = false)
        assertEquals(ContactsPermission.ANDROID_DENIED, current())
    }

    @Test
    fun deniedOnceIsDeniedDeniedAgainIsPermanent() {
        request(read, granted = false, rationaleAfter = true)
        assertEquals(ContactsPermission.ANDROID_DENIED, current())
        request(read, granted = false, rationaleAfter = false)
        assertEquals(ContactsPermission.ANDROID_PERMANENTLY_DENIED, current())
    }

    @Test
    fun aDismissedSecondDialogIsNotPermanent() {
        request(read, granted = false, rationaleAfter = true)
        request(read, granted = false, rationaleAfter = true)
        assertEquals(ContactsPermission.ANDROID_DENIED, current())
    }

    @Test
    fun grantedInSettingsThenRevokedStartsOver() {
        request(read, granted = false, rationaleAfter = true)
        request(read, granted = false, rationaleAfter = false)
        assertEquals(ContactsPermission.ANDROID_PERMANENTLY_DENIED, current())
        android.granted.add(Manifest.permission.READ_CONTACTS)
        assertEquals(ContactsPermission.ANDROID_GRANTED, current())
        android.granted.clear()
        android.rationale.add(Manifest.permission.READ_CONTACTS)
        assertEquals(ContactsPermission.ANDROID_DENIED, current())
    }

    @Test
    fun exportIsPermanentlyDeniedWhenOneOfItsTwoIs() {
        val export = ContactsPermissionState.EXPORT
        android.granted.add(Manifest.permission.READ_CONTACTS)
        android.rationale.add(Manifest.permission.WRITE_CONTACTS)
        request(arrayOf(Manifest.permission.WRITE_CONTACTS), granted = false, rationaleAfter = false)
        assertEquals(ContactsPermission.ANDROID_PERMANENTLY_DENIED, current(export))
    }

    @Test
    fun anActivityIsAskedThroughItsPackageManager() {
        val activity = Robolectric.buildActivity(Activity::class.java).setup().get()
        assertEquals(ContactsPermission.ANDROID_DENIED, ContactsPermissionState.current(activity, read))
        val packageManager = shadowOf(activity.packageManager)
        packageManager.setShouldShowRequestPermissionRationale(Manifest.permission.READ_CONTACTS, true)
        val before = ContactsPermissionState.beforeRequest(activity, read)
        packageManager.setShouldShowRequestPermissionRationale(Manifest.permission.READ_CONTACTS, false)
        ContactsPermissionState.onRequestResult(activity, before, mapOf(Manifest.permission.READ_CONTACTS to false))
        assertEquals(ContactsPermission.ANDROID_PERMANENTLY_DENIED, ContactsPermissionState.current(activity, read))
        shadowOf(activity.application).grantPermissions(Manifest.permission.READ_CONTACTS)
        assertEquals(ContactsPermission.ANDROID_GRANTED, ContactsPermissionState.current(activity, read))
    }
}
