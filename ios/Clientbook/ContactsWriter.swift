import Contacts
import Clientbook

/// Writes the core's `ContactToWrite` records to the device phonebook, into the default
/// container and the app's own group ("Altegio clients"), so staff can find or remove them
/// together, and reports the identifiers of the cards it created. What to write is decided by
/// the core; this only fills `CNMutableContact`s.
///
/// The identifier reported is the new card's own, which iOS never changes; the export screen
/// reads cards one by one (`ContactsReader.read(unified: false)`) so it finds them again even
/// after iOS links a card with another person's card.
struct ContactsWriter: Sendable {
    /// Contacts per `CNSaveRequest`: one request is saved as a whole or not at all, so a batch
    /// bounds what a failure can leave unreported and lets a cancel stop between batches.
    static let contactsPerSave = 200

    /// The group the app's contacts go into. Not localized: it is how the app finds its group
    /// again, whatever language the phone had when the group was made.
    static let groupName = "Altegio clients"

    /// Blocking: run it on the screen's `CoreWorker`. After each saved batch, `batchWritten`
    /// gets that batch's (client, card identifier) pairs (the core's `written`) and stops the
    /// write when it returns false. Throws the framework's error for the batch that failed;
    /// every batch before it has been reported. The error's text is never shown or logged.
    func write(_ contacts: [ContactToWrite], batchWritten: ([WrittenContact]) -> Bool) throws {
        let store = CNContactStore()
        let group = try? Self.appGroup(store)
        var start = 0
        while start < contacts.count {
            let batch = contacts[start..<min(start + Self.contactsPerSave, contacts.count)]
            let request = CNSaveRequest()
            let made = batch.map { item -> (Int64, CNMutableContact) in
                let contact = Self.mutableContact(item.contact)
                request.add(contact, toContainerWithIdentifier: nil)
                if let group {
                    request.addMember(contact, to: group)
                }
                return (item.clientId, contact)
            }
            try store.execute(request)
            start += batch.count
            // A new CNMutableContact carries its identifier from creation; the store keeps it.
            if !batchWritten(made.map { WrittenContact(clientId: $0.0, platformId: $0.1.identifier) }) {
                return
            }
        }
    }

    /// The app's group in the default container, made on first use. Nil when the container
    /// has no groups (some Exchange accounts): the contacts are then written without one.
    static func appGroup(_ store: CNContactStore) throws -> CNGroup? {
        let inDefault = CNGroup.predicateForGroupsInContainer(withIdentifier: store.defaultContainerIdentifier())
        if let group = try store.groups(matching: inDefault).first(where: { $0.name == groupName }) {
            return group
        }
        let group = CNMutableGroup()
        group.name = groupName
        let request = CNSaveRequest()
        request.add(group, toContainerWithIdentifier: nil)
        try store.execute(request)
        return group
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
