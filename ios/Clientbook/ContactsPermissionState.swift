import Contacts
import Clientbook

/// The Contacts authorization status, told to the core as a `ContactsPermission`. What to do
/// about it (ask, send to Settings, proceed, offer more contacts) comes from
/// `contactsPermissionAdvice`, not from here.
enum ContactsPermissionState {
    static func current() -> ContactsPermission {
        let status = CNContactStore.authorizationStatus(for: .contacts)
        // `.limited` exists only in the iOS 18 SDK (Xcode 16, Swift 6 compiler).
        #if compiler(>=6.0)
        if #available(iOS 18.0, *), status == .limited {
            return .iosLimited
        }
        #endif
        switch status {
        case .notDetermined:
            return .iosNotDetermined
        case .restricted:
            return .iosRestricted
        case .denied:
            return .iosDenied
        case .authorized:
            return .iosAuthorized
        default:
            // A status newer than this code: treat it as refused; the advice sends the user
            // to Settings, where the real state is visible.
            return .iosDenied
        }
    }

    /// Shows the system dialog (iOS shows it only while the status is not determined) and
    /// returns the state afterwards.
    static func request() async -> ContactsPermission {
        let store = CNContactStore()
        return await withCheckedContinuation { continuation in
            store.requestAccess(for: .contacts) { _, _ in
                continuation.resume(returning: current())
            }
        }
    }
}
