package com.altegio.clientbook.android

import android.Manifest
import android.app.Activity
import android.content.Context
import android.content.Intent
import android.content.pm.PackageManager
import android.net.Uri
import android.provider.Settings
import com.altegio.clientbook.core.ContactsPermission

/**
 * Android's runtime permission state, told to the core as a [ContactsPermission]. What to do
 * about it (ask, send to Settings, proceed) comes from the core's advice, not from here.
 *
 * Android has no "permanently denied" query. `shouldShowRequestPermissionRationale` is false
 * both before the first request and after "don't ask again" (or a second denial on Android
 * 11+), and it also stays false when the user dismisses the very first dialog (back, or a tap
 * outside it) without answering. So "asked before and no rationale" would call a dismissed
 * dialog permanently denied. What tells them apart is the transition seen around a request:
 * the rationale flag was true before it and is false after a denial only when Android stopped
 * asking. [beforeRequest] captures the "before", [onRequestResult] records the transition, and
 * [current] reports permanent denial only for a permission recorded that way that still has
 * no rationale (granting or resetting it in Settings clears it).
 *
 * The API level here is minSdk 24, where `Activity.checkSelfPermission` and
 * `shouldShowRequestPermissionRationale` exist (API 23), so no androidx.core is needed.
 */
object ContactsPermissionState {

    /** What import needs. */
    val IMPORT: Array<String> = arrayOf(Manifest.permission.READ_CONTACTS)

    /** What export needs: it reads the phonebook first, so clients already there are skipped. */
    val EXPORT: Array<String> = arrayOf(Manifest.permission.READ_CONTACTS, Manifest.permission.WRITE_CONTACTS)

    private const val PREFS = "clientbook.contacts_permission"

    /** The two questions asked of Android, so the decision below is testable on its own. */
    interface Probe {
        fun isGranted(permission: String): Boolean
        fun shouldShowRationale(permission: String): Boolean
    }

    /** The rationale flags seen just before a request; hand it back to [onRequestResult]. */
    class Request internal constructor(internal val rationaleBefore: Map<String, Boolean>)

    /**
     * - all granted → [ContactsPermission.ANDROID_GRANTED];
     * - a missing permission recorded as no longer asked for by Android, and still without a
     *   rationale → [ContactsPermission.ANDROID_PERMANENTLY_DENIED] (only Settings can grant it);
     * - otherwise → [ContactsPermission.ANDROID_DENIED] (the dialog will appear).
     */
    fun current(activity: Activity, permissions: Array<String>): ContactsPermission =
        current(activityProbe(activity), store(activity), permissions)

    /** Call right before launching the system request for [permissions]. */
    fun beforeRequest(activity: Activity, permissions: Array<String>): Request =
        beforeRequest(activityProbe(activity), permissions)

    /**
     * Call from the request's result callback (e.g. the
     * `ActivityResultContracts.RequestMultiplePermissions` launcher) with its result map, then
     * ask [current] again.
     */
    fun onRequestResult(activity: Activity, request: Request, results: Map<String, Boolean>) =
        onRequestResult(activityProbe(activity), store(activity), request, results)

    /** For the core's "open settings" advice: the app's system settings page. */
    fun appSettingsIntent(context: Context): Intent =
        Intent(Settings.ACTION_APPLICATION_DETAILS_SETTINGS, Uri.fromParts("package", context.packageName, null))
            .addFlags(Intent.FLAG_ACTIVITY_NEW_TASK)

    internal fun current(probe: Probe, store: Store, permissions: Array<String>): ContactsPermission {
        val missing = permissions.filterNot { probe.isGranted(it) }
        // A permission granted since (in Settings) starts over if it is revoked later.
        permissions.filter { probe.isGranted(it) }.forEach { store.setPermanentlyDenied(it, false) }
        return when {
            missing.isEmpty() -> ContactsPermission.ANDROID_GRANTED
            missing.any { store.isPermanentlyDenied(it) && !probe.shouldShowRationale(it) } ->
                ContactsPermission.ANDROID_PERMANENTLY_DENIED
            else -> ContactsPermission.ANDROID_DENIED
        }
    }

    internal fun beforeRequest(probe: Probe, permissions: Array<String>): Request =
        Request(permissions.associateWith { probe.shouldShowRationale(it) })

    internal fun onRequestResult(probe: Probe, store: Store, request: Request, results: Map<String, Boolean>) {
        for ((permission, rationaleBefore) in request.rationaleBefore) {
            val granted = results[permission] ?: probe.isGranted(permission)
            when {
                granted -> store.setPermanentlyDenied(permission, false)
                // Denied with the rationale flag dropping from true to false: Android will not
                // show the dialog again. A dismissed first dialog keeps false → false, a denial
                // false → true, a dismissed later dialog true → true: none of them is permanent.
                rationaleBefore && !probe.shouldShowRationale(permission) ->
                    store.setPermanentlyDenied(permission, true)
            }
        }
    }

    /** Where the recorded transitions live: the app's private preferences. */
    internal interface Store {
        fun isPermanentlyDenied(permission: String): Boolean
        fun setPermanentlyDenied(permission: String, value: Boolean)
    }

    private fun store(context: Context): Store {
        val prefs = context.applicationContext.getSharedPreferences(PREFS, Context.MODE_PRIVATE)
        return object : Store {
            override fun isPermanentlyDenied(permission: String) = prefs.getBoolean(permission, false)

            override fun setPermanentlyDenied(permission: String, value: Boolean) {
                if (prefs.getBoolean(permission, false) != value) {
                    prefs.edit().putBoolean(permission, value).apply()
                }
            }
        }
    }

    private fun activityProbe(activity: Activity) = object : Probe {
        override fun isGranted(permission: String) =
            activity.checkSelfPermission(permission) == PackageManager.PERMISSION_GRANTED

        override fun shouldShowRationale(permission: String) =
            activity.shouldShowRequestPermissionRationale(permission)
    }
}
