import Foundation
import Contacts
import Clientbook

/// Which long job a progress bar shows.
enum JobStage: Equatable {
    /// Reading the device phonebook (the shell's own work).
    case readingPhonebook
    /// The core matching the phonebook against the client database.
    case matching
    /// The core writing clients to the database.
    case importing
    /// Writing contacts to the device phonebook (the shell's own work).
    case writingPhonebook
}

/// Progress of the running job. `total` is nil while unknown (the Contacts framework cannot
/// count a phonebook without reading it).
struct JobProgress: Equatable {
    var stage: JobStage
    var done: UInt64
    var total: UInt64?
}

/// Why a screen cannot go on, as the core worded it. The view shows the text and offers the
/// step the core named; it never builds its own explanation from an error.
enum CoreProblem: Equatable {
    /// An administrator must grant rights; the explanation names each one and where.
    case missingRights(explanation: String)
    /// The contacts permission blocks the screen; the advice says what to show and offer.
    case permission(PermissionAdvice)
    /// The user must sign in again.
    case signInRequired(explanation: String)
    /// The server now refuses this user: rights changed.
    case rightsChanged(explanation: String)
    /// The location's licence has expired.
    case licenceExpired(explanation: String)
    /// Storage, network, a rejected input or a failed callback, in the core's words.
    case coreMessage(String)
    /// The device phonebook itself failed. The view uses its own text: the framework's error
    /// text is not for staff and may quote contact data, so it is never shown or logged.
    case phonebook(writing: Bool)

    /// Maps an error to what the screen shows, one case per core variant so a new variant
    /// fails the build instead of being shown as something else. Nil for a cancel the user
    /// asked for. `permission` is the state the session was opened with.
    init?(_ error: Error, permission: ContactsPermission, writing: Bool) {
        if error is CancellationError { return nil }
        if let contactsError = error as? CNError, contactsError.code == .authorizationDenied {
            self = .permission(contactsPermissionAdvice(state: ContactsPermissionState.current()))
            return
        }
        guard let core = error as? ClientbookError else {
            self = .phonebook(writing: writing)
            return
        }
        switch core {
        case .MissingRights(_, _, let explanation):
            self = .missingRights(explanation: explanation)
        case .ContactsPermissionNotGranted:
            self = .permission(contactsPermissionAdvice(state: permission))
        case .SignInRequired(let explanation):
            self = .signInRequired(explanation: explanation)
        case .RightsChanged(let explanation):
            self = .rightsChanged(explanation: explanation)
        case .LicenceExpired(let explanation):
            self = .licenceExpired(explanation: explanation)
        case .BadInput(let reason), .Storage(let reason), .Network(let reason), .Platform(let reason):
            self = .coreMessage(reason)
        case .Cancelled:
            return nil
        }
    }
}

/// A flag set on one thread and read on another (the core's callback thread, a writer loop).
final class StopFlag: @unchecked Sendable {
    private let lock = NSLock()
    private var value = false

    var isSet: Bool {
        lock.lock()
        defer { lock.unlock() }
        return value
    }

    func set(_ newValue: Bool) {
        lock.lock()
        value = newValue
        lock.unlock()
    }
}
