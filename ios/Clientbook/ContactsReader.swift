import Contacts
import Clientbook

/// Reads the device phonebook into the core's `PhonebookContact` records. It copies fields
/// and nothing else: cleaning names, parsing numbers, collapsing repeated numbers and choosing
/// one are the core's job.
///
/// One `enumerateContacts` pass with only the keys the core uses (no images, no notes), so a
/// large phonebook streams through without holding every `CNContact` at once.
struct ContactsReader: Sendable {
    /// Progress every this many contacts: often enough to move a counter, rare enough to be free.
    static let progressEvery = 500

    /// Blocking: run it on the screen's `CoreWorker`, never the main thread. `keepGoing` gets
    /// the number of contacts read so far (the core's `readingProgress`) and stops the pass when
    /// it returns false; the result is then nil. Throws the framework's error (e.g.
    /// `CNError.authorizationDenied`), whose text is never shown or logged.
    ///
    /// `unified`: import reads unified contacts, one person per linked set of cards, as the
    /// Contacts app shows them. Export reads every card on its own (`unified: false`): a
    /// unified contact's identifier is one of its cards' identifiers, chosen by iOS, and changes
    /// when iOS links the card the app wrote with another one (an iCloud or Exchange card of the
    /// same person), while each card keeps its own identifier for life. Export links store the
    /// identifier of the card the writer created, so only the card-level read finds them again.
    func read(unified: Bool, keepGoing: (UInt64) -> Bool) throws -> [PhonebookContact]? {
        let store = CNContactStore()
        let request = CNContactFetchRequest(keysToFetch: Self.keys)
        request.unifyResults = unified
        var contacts: [PhonebookContact] = []
        var stopped = false
        // Contacts this app exported: the core leaves them out of "Select suggested".
        let exported = unified ? try Self.appGroupMembers(store) : []
        try store.enumerateContacts(with: request) { contact, stop in
            contacts.append(Self.record(contact, inAppGroup: exported.contains(contact.identifier)))
            if contacts.count % Self.progressEvery == 0 && !keepGoing(UInt64(contacts.count)) {
                stopped = true
                stop.pointee = true
            }
        }
        if stopped || !keepGoing(UInt64(contacts.count)) {
            return nil
        }
        return contacts
    }

    /// Exactly the keys `record` reads; reading any other key would throw
    /// `CNContactPropertyNotFetchedException`.
    private static let keys: [CNKeyDescriptor] = [
        CNContactIdentifierKey as CNKeyDescriptor,
        CNContactGivenNameKey as CNKeyDescriptor,
        CNContactMiddleNameKey as CNKeyDescriptor,
        CNContactFamilyNameKey as CNKeyDescriptor,
        CNContactNicknameKey as CNKeyDescriptor,
        CNContactOrganizationNameKey as CNKeyDescriptor,
        CNContactPhoneNumbersKey as CNKeyDescriptor,
        CNContactEmailAddressesKey as CNKeyDescriptor,
        CNContactBirthdayKey as CNKeyDescriptor,
        CNContactFormatter.descriptorForRequiredKeys(for: .fullName),
    ]

    /// The (unified) identifiers of the contacts in the app's own group, in every container
    /// that has one (the writer creates it in the default container; a restore may bring
    /// another).
    static func appGroupMembers(_ store: CNContactStore) throws -> Set<String> {
        var members = Set<String>()
        for group in try store.groups(matching: nil) where group.name == ContactsWriter.groupName {
            let inGroup = CNContact.predicateForContactsInGroup(withIdentifier: group.identifier)
            let found = try store.unifiedContacts(matching: inGroup,
                                                  keysToFetch: [CNContactIdentifierKey as CNKeyDescriptor])
            members.formUnion(found.map(\.identifier))
        }
        return members
    }

    static func record(_ contact: CNContact, inAppGroup: Bool = false) -> PhonebookContact {
        PhonebookContact(
            platformId: contact.identifier,
            givenName: nonEmpty(contact.givenName),
            middleName: nonEmpty(contact.middleName),
            familyName: nonEmpty(contact.familyName),
            // The whole name as the user's locale writes it; the core prefers the separate parts.
            displayName: CNContactFormatter.string(from: contact, style: .fullName).flatMap(nonEmpty),
            organization: nonEmpty(contact.organizationName),
            nickname: nonEmpty(contact.nickname),
            phones: contact.phoneNumbers.compactMap { labeled in
                nonEmpty(labeled.value.stringValue).map { RawPhone(number: $0, label: phoneLabel(labeled.label)) }
            },
            emails: contact.emailAddresses.compactMap { nonEmpty($0.value as String) },
            inAppGroup: inAppGroup,
            birthday: contact.birthday.flatMap(birthdayText)
        )
    }

    /// The Gregorian birthday as `YYYY-MM-DD`, or `--MM-DD` when the user saved no year
    /// (the core takes only full dates). Other calendars' birthdays are left out.
    static func birthdayText(_ date: DateComponents) -> String? {
        guard let month = date.month, let day = date.day else { return nil }
        if let calendar = date.calendar, calendar.identifier != .gregorian { return nil }
        guard let year = date.year else { return String(format: "--%02d-%02d", month, day) }
        return String(format: "%04d-%02d-%02d", year, month, day)
    }

    /// The label constants onto the core's kinds. Raw label values (`_$!<Mobile>!$_`) are
    /// compared, never localized text; custom and unknown labels are "other".
    static func phoneLabel(_ label: String?) -> PhoneLabel {
        guard let label else { return .other }
        switch label {
        case CNLabelPhoneNumberMobile, CNLabelPhoneNumberiPhone:
            return .mobile
        case CNLabelPhoneNumberMain, companyMainLabel:
            return .main
        case CNLabelWork:
            return .work
        case CNLabelHome:
            return .home
        case CNLabelPhoneNumberHomeFax, CNLabelPhoneNumberWorkFax, CNLabelPhoneNumberOtherFax:
            return .fax
        case CNLabelPhoneNumberPager:
            return .pager
        default:
            return .other
        }
    }

    /// Synced from Exchange/Google; Contacts has no constant for it.
    private static let companyMainLabel = "_$!<CompanyMain>!$_"

    /// Contacts stores a missing field as "", the core as nil.
    private static func nonEmpty(_ value: String) -> String? {
        value.isEmpty ? nil : value
    }
}
