package com.altegio.clientbook.android

import android.Manifest
import android.app.Activity
import android.content.Context
import android.content.Intent
import android.content.pm.PackageManager
import android.net.Uri
import android.provider.Settings
import androidx.core.app.ActivityCompat
import androidx.core.content.ContextCompat
import androidx.core.content.edit
import com.altegio.clientbook.core.ContactsPermission

/**
 * Android's runtime permission state, told to the core as a [ContactsPermission]. What to do
 * about it (ask, send to Settings, proceed) comes from `contactsPermissionAdvice`, not from here.
 *
 * Android cannot tell "never asked" from "denied for good": both have no rationale to show.
 * The difference is whether the app has asked before, so [onRequestResult] remembers that.
 */
object ContactsPermissionState {

    /** What import needs. */
    val IMPORT: Array<String> = arrayOf(Manifest.permission.READ_CONTACTS)

    /** What export needs: it reads the phonebook first, so clients already there are skipped. */
    val EXPORT: Array<String> = arrayOf(Manifest.permission.READ_CONTACTS, Manifest.permission.WRITE_CONTACTS)

    private const val PREFS = "clientbook.contacts_permission"

    /**
     * - all granted → [ContactsPermission.ANDROID_GRANTED];
     * - a rationale may be shown → [ContactsPermission.ANDROID_DENIED] (the dialog will appear);
     * - no rationale, and the app asked before → [ContactsPermission.ANDROID_PERMANENTLY_DENIED]
     *   ("don't ask again", or denied twice on Android 11+: only Settings can grant it);
     * - no rationale, never asked → [ContactsPermission.ANDROID_DENIED].
     */
    fun current(activity: Activity, permissions: Array<String>): ContactsPermission {
        val missing = permissions.filter {
            ContextCompat.checkSelfPermission(activity, it) != PackageManager.PERMISSION_GRANTED
        }
        return when {
            missing.isEmpty() -> ContactsPermission.ANDROID_GRANTED
            missing.any { ActivityCompat.shouldShowRequestPermissionRationale(activity, it) } ->
                ContactsPermission.ANDROID_DENIED
            missing.any { wasRequested(activity, it) } -> ContactsPermission.ANDROID_PERMANENTLY_DENIED
            else -> ContactsPermission.ANDROID_DENIED
        }
    }

    /**
     * Call from the permission request's result callback (e.g. the
     * `ActivityResultContracts.RequestMultiplePermissions` launcher) with what was asked.
     */
    fun onRequestResult(context: Context, permissions: Collection<String>) {
        context.applicationContext
            .getSharedPreferences(PREFS, Context.MODE_PRIVATE)
            .edit { permissions.forEach { putBoolean(it, true) } }
    }

    /** For [com.altegio.clientbook.core.PermissionAction.OPEN_SETTINGS]: the app's system settings page. */
    fun appSettingsIntent(context: Context): Intent =
        Intent(Settings.ACTION_APPLICATION_DETAILS_SETTINGS, Uri.fromParts("package", context.packageName, null))
            .addFlags(Intent.FLAG_ACTIVITY_NEW_TASK)

    private fun wasRequested(context: Context, permission: String): Boolean =
        context.applicationContext
            .getSharedPreferences(PREFS, Context.MODE_PRIVATE)
            .getBoolean(permission, false)
}
