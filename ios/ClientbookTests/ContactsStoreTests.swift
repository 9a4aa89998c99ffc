import Contacts
import XCTest
import Clientbook
@testable import ClientbookApp

/// ContactsReader and ContactsWriter against the simulator's real CNContactStore. Needs the
/// contacts permission for the host app, granted before the run:
/// `xcrun simctl privacy booted grant contacts <the app's bundle id>`.
/// Every contact and the group a test makes are deleted afterwards.
final class ContactsStoreTests: XCTestCase {
    private let store = CNContactStore()
    private var made: [String] = []

    override func setUpWithError() throws {
        guard CNContactStore.authorizationStatus(for: .contacts) == .authorized else {
            throw XCTSkip("grant contacts first: xcrun simctl privacy booted grant contacts <bundle id>")
        }
    }

    override func tearDownWithError() throws {
        let request = CNSaveRequest()
        let keys = [CNContactIdentifierKey as CNKeyDescriptor]
        for contact in try store.unifiedContacts(matching: CNContact.predicateForContacts(withIdentifiers: made), keysToFetch: keys) {
            request.delete(contact.mutableCopy() as! CNMutableContact)
        }
        for group in try store.groups(matching: nil) where group.name == ContactsWriter.groupName {
            request.delete(group.mutableCopy() as! CNMutableGroup)
        }
        try store.execute(request)
    }

    private func toWrite(_ count: Int) -> [ContactToWrite] {
        (0..<count).map { i in
            ContactToWrite(clientId: Int64(i + 1), contact: PhonebookContact(
                platformId: "", givenName: "Test\(i)", middleName: nil, familyName: "Clientbook", displayName: nil,
                organization: nil, nickname: nil, phones: [RawPhone(number: "+7 916 000-\(String(format: "%04d", i))", label: .mobile)],
                emails: []))
        }
    }

    func testWriterSavesInBatchesIntoTheAppGroupAndReportsEachCard() throws {
        var batches: [[WrittenContact]] = []
        try ContactsWriter().write(toWrite(250)) { batches.append($0); return true }
        made = batches.flatMap { $0.map(\.platformId) }
        XCTAssertEqual(batches.map(\.count), [200, 50])
        XCTAssertEqual(Set(made).count, 250)
        XCTAssertEqual(batches.flatMap { $0.map(\.clientId) }, (1...250).map(Int64.init))

        let group = try XCTUnwrap(try store.groups(matching: nil).first { $0.name == ContactsWriter.groupName })
        let members = try store.unifiedContacts(matching: CNContact.predicateForContactsInGroup(withIdentifier: group.identifier),
                                                keysToFetch: [CNContactIdentifierKey as CNKeyDescriptor])
        XCTAssertEqual(Set(members.map(\.identifier)).intersection(made).count, 250)
    }

    func testWriterStopsWhenTheCoreSaysStop() throws {
        var calls = 0
        try ContactsWriter().write(toWrite(450)) { batch in
            calls += 1
            made += batch.map(\.platformId)
            return false
        }
        XCTAssertEqual(calls, 1)
        XCTAssertEqual(made.count, 200)
    }

    func testExportReadFindsTheWrittenCardsByTheirOwnIdentifiers() throws {
        try ContactsWriter().write(toWrite(3)) { made += $0.map(\.platformId); return true }
        let cards = try XCTUnwrap(try ContactsReader().read(unified: false) { _ in true })
        XCTAssertTrue(Set(cards.map(\.platformId)).isSuperset(of: made))
        let card = try XCTUnwrap(cards.first { $0.platformId == made[0] })
        XCTAssertEqual(card.givenName, "Test0")
        XCTAssertEqual(card.familyName, "Clientbook")
        XCTAssertEqual(card.phones.first?.label, .mobile)
        XCTAssertNil(card.middleName, "Contacts' empty strings reach the core as nil")
    }

    func testImportReadMarksTheContactsThisAppExported() throws {
        try ContactsWriter().write(toWrite(2)) { made += $0.map(\.platformId); return true }
        let people = try XCTUnwrap(try ContactsReader().read(unified: true) { _ in true })
        let ours = people.filter { $0.familyName == "Clientbook" }
        XCTAssertEqual(ours.count, 2)
        XCTAssertTrue(ours.allSatisfy(\.inAppGroup), "written into the app's group, read back as such")
    }

    func testBirthdaysAreGregorianDatesOrMonthAndDay() {
        var date = DateComponents()
        date.year = 1985
        date.month = 3
        date.day = 12
        XCTAssertEqual(ContactsReader.birthdayText(date), "1985-03-12")
        date.year = nil
        XCTAssertEqual(ContactsReader.birthdayText(date), "--03-12", "no year: the core offers nothing")
        date.calendar = Calendar(identifier: .hebrew)
        XCTAssertNil(ContactsReader.birthdayText(date))
    }

    func testReaderStopsWhenKeepGoingSaysNo() throws {
        try ContactsWriter().write(toWrite(2)) { made += $0.map(\.platformId); return true }
        var asked: [UInt64] = []
        let result = try ContactsReader().read(unified: true) { asked.append($0); return false }
        XCTAssertNil(result)
        XCTAssertFalse(asked.isEmpty)
    }

    func testLabelsAreMappedFromConstantsNeverLocalizedText() {
        XCTAssertEqual(ContactsReader.phoneLabel(CNLabelPhoneNumberiPhone), .mobile)
        XCTAssertEqual(ContactsReader.phoneLabel(CNLabelPhoneNumberMobile), .mobile)
        XCTAssertEqual(ContactsReader.phoneLabel("_$!<CompanyMain>!$_"), .main)
        XCTAssertEqual(ContactsReader.phoneLabel(CNLabelPhoneNumberWorkFax), .fax)
        XCTAssertEqual(ContactsReader.phoneLabel("Мобильный"), .other)
        XCTAssertEqual(ContactsReader.phoneLabel(nil), .other)
        for kind in [PhoneLabel.mobile, .main, .work, .home, .fax, .pager, .other] {
            XCTAssertEqual(ContactsReader.phoneLabel(ContactsWriter.label(for: kind)), kind)
        }
    }
}

/// The transport refuses redirects: a 3xx comes back to the core as it is.
final class AltegioHTTPTransportTests: XCTestCase {
    func testRefusesRedirects() {
        let delegate = RefuseRedirects()
        let session = URLSession(configuration: .ephemeral)
        let task = session.dataTask(with: URL(string: "https://example.invalid/")!)
        let response = HTTPURLResponse(url: URL(string: "https://example.invalid/")!, statusCode: 302,
                                       httpVersion: "HTTP/1.1", headerFields: ["Location": "https://elsewhere.invalid/"])!
        let followed = Handoff<URLRequest?>(URLRequest(url: URL(string: "https://unset.invalid/")!))
        delegate.urlSession(session, task: task, willPerformHTTPRedirection: response,
                            newRequest: URLRequest(url: URL(string: "https://elsewhere.invalid/")!)) { followed.set($0) }
        XCTAssertNil(followed.get())
    }

    func testNotAURLIsBadInput() {
        XCTAssertThrowsError(try AltegioHTTPTransport().send(request: HttpRequest(method: "GET", url: "", headers: [], body: nil, timeoutMs: 1000))) {
            guard case ClientbookError.BadInput = $0 else { return XCTFail("\($0)") }
        }
    }
}
