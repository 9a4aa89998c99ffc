package com.altegio.clientbook.android

import com.altegio.clientbook.ClientbookException
import com.altegio.clientbook.contactsPermissionAdvice
import com.altegio.clientbook.core.ContactsPermission
import com.altegio.clientbook.core.PermissionAdvice
import com.altegio.clientbook.core.Right

/** Which long job a progress bar shows. */
enum class Stage {
    /** Reading the device phonebook (the shell's own work). */
    READING_PHONEBOOK,

    /** The core matching the phonebook against the client database. */
    MATCHING,

    /** The core writing clients to the database. */
    IMPORTING,

    /** Writing contacts to the device phonebook (the shell's own work). */
    WRITING_PHONEBOOK,
}

/** Progress of the running job. [total] is 0 until the job knows it. */
data class JobProgress(val stage: Stage, val done: ULong, val total: ULong)

/**
 * Why a screen cannot go on, as the core worded it. The screen shows the text and offers the
 * step the core named; it never builds its own explanation from an exception.
 */
sealed interface Problem {
    /** An administrator must grant [rights]; [explanation] names each one and where. */
    data class MissingRights(val explanation: String, val rights: List<Right>) : Problem

    /** The contacts permission blocks the screen; [advice] says what to show and offer. */
    data class Permission(val advice: PermissionAdvice) : Problem

    /** The user must sign in again (wrong or expired token); [explanation] says so. */
    data class SignInRequired(val explanation: String) : Problem

    /** The server now refuses this user: rights changed. Sign in again or ask an administrator. */
    data class RightsChanged(val explanation: String) : Problem

    /** The location's licence has expired; only the salon owner can renew it. */
    data class LicenceExpired(val explanation: String) : Problem

    /** Storage, network, a rejected input or a failed callback, in the core's words. */
    data class CoreMessage(val text: String) : Problem

    /**
     * The device phonebook itself failed (provider missing, binder error, a write refused).
     * The screen uses its own string resource: the platform's exception text is not for staff
     * and may quote contact data, so it is never shown or logged.
     */
    data class Phonebook(val writing: Boolean) : Problem
}

/**
 * Maps the core's one error type to what the screen shows, one case per variant so a new
 * variant fails the build instead of being shown as something else. `null` for
 * [ClientbookException.Cancelled]: a cancel the user asked for is not a problem. [permission]
 * is the state the session was opened with, so the advice matches the core's explanation.
 */
internal fun ClientbookException.toProblem(permission: ContactsPermission): Problem? = when (this) {
    is ClientbookException.MissingRights -> Problem.MissingRights(explanation, rights)
    is ClientbookException.ContactsPermissionNotGranted ->
        Problem.Permission(contactsPermissionAdvice(permission))
    is ClientbookException.BadInput -> Problem.CoreMessage(reason)
    is ClientbookException.Storage -> Problem.CoreMessage(reason)
    is ClientbookException.Network -> Problem.CoreMessage(reason)
    is ClientbookException.SignInRequired -> Problem.SignInRequired(explanation)
    is ClientbookException.RightsChanged -> Problem.RightsChanged(explanation)
    is ClientbookException.LicenceExpired -> Problem.LicenceExpired(explanation)
    is ClientbookException.Platform -> Problem.CoreMessage(reason)
    is ClientbookException.Cancelled -> null
}
