package com.altegio.clientbook.sample

import android.content.Context
import android.content.Intent
import com.altegio.clientbook.AltegioConnection
import com.altegio.clientbook.ClientDatabase
import com.altegio.clientbook.LocationSettings
import com.altegio.clientbook.android.AltegioHttpTransport
import java.io.File

/**
 * What the host app hands the shell after its own sign-in: the location and the two tokens.
 * The shell keeps them in memory only (the core too); storing them is the host's business
 * (Android Keystore-backed storage), never the shell's.
 */
class AltegioSignIn(
    val baseUrl: String,
    val locationId: Long,
    val partnerToken: String,
    val userToken: String,
) {
    // The tokens must not reach a log through a data class's toString.
    override fun toString(): String = "AltegioSignIn(location=$locationId)"
}

/**
 * The sample app's long-lived objects: the local client database (the core's SQLite mirror,
 * in the app's private files) and, once the host signed in, the Altegio connection the
 * screens open their sessions on. One per process; the database outlives every screen.
 */
class SampleServices(context: Context, val settings: LocationSettings = LocationSettings(region = "RU")) {

    /** The core's database file in the app's private storage (no backup of client data). */
    val database: ClientDatabase =
        ClientDatabase.open(File(context.applicationContext.noBackupFilesDir, DATABASE_FILE).absolutePath)

    @Volatile
    var connection: AltegioConnection? = null
        private set

    /** Opens the connection for [signIn], closing any previous one (a new sign-in replaces it). */
    fun signIn(signIn: AltegioSignIn): AltegioConnection {
        val next = AltegioConnection(
            signIn.baseUrl,
            signIn.locationId,
            signIn.partnerToken,
            signIn.userToken,
            settings.region,
            database,
            AltegioHttpTransport(),
        )
        connection?.close()
        connection = next
        return next
    }

    /** Drops the connection (sign-out); the local database stays. */
    fun signOut() {
        connection?.close()
        connection = null
    }

    companion object {
        const val DATABASE_FILE = "clientbook.sqlite"

        const val EXTRA_BASE_URL = "com.altegio.clientbook.sample.BASE_URL"
        const val EXTRA_LOCATION_ID = "com.altegio.clientbook.sample.LOCATION_ID"
        const val EXTRA_PARTNER_TOKEN = "com.altegio.clientbook.sample.PARTNER_TOKEN"
        const val EXTRA_USER_TOKEN = "com.altegio.clientbook.sample.USER_TOKEN"

        /**
         * The sign-in a host hands in with the launching intent, or null when any part is
         * missing (the sample then works on the local database). Read once, kept in memory.
         */
        fun signInFrom(intent: Intent?): AltegioSignIn? {
            val extras = intent?.extras ?: return null
            val baseUrl = extras.getString(EXTRA_BASE_URL) ?: return null
            val locationId = extras.getLong(EXTRA_LOCATION_ID, 0L).takeIf { it > 0 } ?: return null
            val partner = extras.getString(EXTRA_PARTNER_TOKEN) ?: return null
            val user = extras.getString(EXTRA_USER_TOKEN) ?: return null
            return AltegioSignIn(baseUrl, locationId, partner, user)
        }
    }
}
