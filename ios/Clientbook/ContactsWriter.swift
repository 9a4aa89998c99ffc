import Contacts
import Clientbook

/// Writes the core's `ContactToWrite` records to the device phonebook, in the default
/// container, and reports the identifiers iOS gave them for `ExportSession.confirmWritten`.
/// What to write is decided by the core; this only fills `CNMutableContact`s.
struct ContactsWriter: Sendable {
    /// Contacts per `CNSaveRequest`: one request is saved as a whole or not at all, so a chunk
    /// bounds what a failure can leave unconfirmed and lets a cancel stop between chunks.
    static let contactsPerSave = 200

    /// What a write did. `written` lists every contact that reached the phonebook, also when
    /// the write stopped early, so the caller can always confirm them and nothing is written
    /// twice. `failure` is what stopped it, if anything; never show or log its text.
    struct Result {
        var written: [WrittenContact]
        var cancelled: Bool
        var failure: Error?
    }

    /// Blocking: call it off the main thread. Checks `isCancelled` between chunks and reports
    /// (written, total) after each.
    func write(
        _ contacts: [ContactToWrite],
        isCancelled: () -> Bool,
        progress: (Int, Int) -> Void
    ) -> Result {
        let store = CNContactStore()
        var written: [WrittenContact] = []
        written.reserveCapacity(contacts.count)
        progress(0, contacts.count)
        var start = 0
        while start < contacts.count {
            if isCancelled() {
                return Result(written: written, cancelled: true, failure: nil)
            }
            let chunk = contacts[start..<min(start + Self.contactsPerSave, contacts.count)]
            let request = CNSaveRequest()
            let made: [(clientId: Int64, contact: CNMutableContact)] = chunk.map { item in
                let contact = Self.mutableContact(item.contact)
                // nil: the default container, where the user's own contacts go.
                request.add(contact, toContainerWithIdentifier: nil)
                return (item.clientId, contact)
            }
            do {
                try store.execute(request)
            } catch {
                return Result(written: written, cancelled: false, failure: error)
            }
            // A new CNMutableContact carries its identifier from creation; the store keeps it.
            written += made.map { WrittenContact(clientId: $0.clientId, platformId: $0.contact.identifier) }
            start += chunk.count
            progress(written.count, contacts.count)
        }
        return Result(written: written, cancelled: false, failure: nil)
    }

    /// The core's structured parts as they are: `name` is already the given name, so iOS
    /// (which never splits names) shows exactly what the salon stored.
    static func mutableContact(_ source: PhonebookContact) -> CNMutableContact {
        let contact = CNMutableContact()
        contact.givenName = source.givenName ?? ""
        contact.middleName = source.middleName ?? ""
        contact.familyName = source.familyName ?? ""
        contact.organizationName = source.organization ?? ""
        contact.nickname = source.nickname ?? ""
        contact.phoneNumbers = source.phones.map {
            CNLabeledValue(label: label(for: $0.label), value: CNPhoneNumber(stringValue: $0.number))
        }
        contact.emailAddresses = source.emails.map {
            CNLabeledValue(label: CNLabelOther, value: $0 as NSString)
        }
        return contact
    }

    /// The core's kinds onto the Contacts label constants.
    static func label(for kind: PhoneLabel) -> String {
        switch kind {
        case .mobile: return CNLabelPhoneNumberMobile
        case .main: return CNLabelPhoneNumberMain
        case .work: return CNLabelWork
        case .home: return CNLabelHome
        case .fax: return CNLabelPhoneNumberOtherFax
        case .pager: return CNLabelPhoneNumberPager
        case .other: return CNLabelOther
        }
    }
}
