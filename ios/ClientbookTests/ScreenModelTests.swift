import XCTest
import Clientbook
@testable import ClientbookApp

/// The adapters against the real core (in-memory database) with a made-up phonebook passed in
/// place of the device's: what they publish, which effects they perform, and that no state is a
/// dead end. Runs in the simulator; needs no contacts permission.
@MainActor
final class ImportModelTests: XCTestCase {
    private let rights = Rights(clientsAccess: true, clientsPhonesEmailAccess: true, clientsExcelAccess: true, clientsVisitMasterId: 0)

    private func model(_ permission: ContactsPermission, rights: Rights? = nil,
                       phonebook: @escaping ReadPhonebook = { _ in PreviewData.phonebook }) throws -> ImportModel {
        let database = try ClientDatabase.inMemory()
        let rights = rights ?? self.rights
        return try ImportModel(permission: { permission }, phonebook: phonebook) {
            try ImportScreen.local(db: database, rights: rights, settings: LocationSettings(), observer: $0)
        }
    }

    func testNotDeterminedAsksForThePermissionAndReadsNothing() async throws {
        let read = Handoff(false)
        let model = try model(.iosNotDetermined, phonebook: { _ in read.set(true); return [] })
        model.permissionChanged()
        try await until { model.state.phase == .needsPermission }
        XCTAssertEqual(model.state.permission?.action, .requestPermission)
        XCTAssertFalse(model.state.permission?.explanation.isEmpty ?? true)
        XCTAssertFalse(read.get())
    }

    func testDeniedSendsToSettingsAndRecheckOnForegroundReads() async throws {
        let granted = Handoff(false)
        let database = try ClientDatabase.inMemory()
        let rights = self.rights
        let model = try ImportModel(permission: { granted.get() ? .iosAuthorized : .iosDenied },
                                    phonebook: { _ in PreviewData.phonebook }) {
            try ImportScreen.local(db: database, rights: rights, settings: LocationSettings(), observer: $0)
        }
        model.permissionChanged()
        try await until { model.state.phase == .needsPermission }
        XCTAssertEqual(model.state.permission?.action, .openSettings)
        granted.set(true) // the user allowed access in Settings and came back
        model.permissionChanged()
        try await until { model.state.phase == .list }
    }

    func testRightsMissingShowsTheCoreMessageAndNoList() async throws {
        let none = Rights(clientsAccess: false, clientsPhonesEmailAccess: false, clientsExcelAccess: false, clientsVisitMasterId: 0)
        let model = try model(.iosAuthorized, rights: none)
        model.permissionChanged()
        try await until { model.state.phase == .rightsMissing }
        XCTAssertNotNil(model.state.message)
        XCTAssertTrue(model.rows.isEmpty)
    }

    func testReadsWhenAuthorizedThenListsEveryContact() async throws {
        let model = try model(.iosAuthorized)
        model.permissionChanged()
        try await until { model.state.phase == .list && model.rows.count == PreviewData.phonebook.count }
        XCTAssertEqual(model.state.visibleCount, UInt64(PreviewData.phonebook.count))
        XCTAssertTrue(model.state.actions.importSelected || model.state.selected == 0)
    }

    func testNumberChoiceStaysAvailableAfterTheFirstChoice() async throws {
        let model = try model(.iosAuthorized)
        model.permissionChanged()
        try await until { model.state.phase == .list && !model.rows.isEmpty }
        let boris = try XCTUnwrap(model.rows.first { $0.phones.count > 1 })
        model.choose(boris, phone: 1)
        try await until { model.rows.first { $0.index == boris.index }?.chosenPhone == 1 }
        XCTAssertTrue(model.state.actions.chooseNumber)
        let chosen = try XCTUnwrap(model.rows.first { $0.index == boris.index })
        model.choose(chosen, phone: 0)
        try await until { model.rows.first { $0.index == boris.index }?.chosenPhone == 0 }
    }

    func testSearchFiltersTheVisibleRows() async throws {
        let model = try model(.iosAuthorized)
        model.permissionChanged()
        try await until { model.state.phase == .list && !model.rows.isEmpty }
        model.search("Boris")
        try await until { model.rows.count == 1 }
        XCTAssertEqual(model.state.visibleCount, 1)
        model.search("")
        try await until { model.rows.count == PreviewData.phonebook.count }
    }

    func testCancelWhileReadingIsNoDeadEnd() async throws {
        let model = try model(.iosAuthorized, phonebook: { keepGoing in
            // A phonebook that keeps reading until the core says stop.
            var count: UInt64 = 0
            while keepGoing(count) { count += 1; Thread.sleep(forTimeInterval: 0.001) }
            return nil
        })
        model.permissionChanged()
        try await until { model.state.phase == .reading }
        XCTAssertTrue(model.state.actions.cancel)
        model.cancel()
        try await until { model.state.phase != .reading }
        XCTAssertEqual(model.state.phase, .failed)
        XCTAssertEqual(model.state.failure, .cancelled)
        XCTAssertTrue(model.state.actions.retry, "after Cancel the core offers Try again")
    }

    func testPhonebookFailureOffersRetryWhichReadsAgain() async throws {
        let fail = Handoff(true)
        let model = try model(.iosAuthorized, phonebook: { _ in
            if fail.get() { throw CocoaError(.fileReadUnknown) }
            return PreviewData.phonebook
        })
        model.permissionChanged()
        try await until { model.state.phase == .failed }
        XCTAssertEqual(model.state.failure, .phonebook)
        XCTAssertTrue(model.state.actions.retry)
        fail.set(false)
        model.retry()
        try await until { model.state.phase == .list }
    }

    func testCommitThenBackToTheList() async throws {
        let model = try model(.iosAuthorized)
        model.permissionChanged()
        try await until { model.state.phase == .list && !model.rows.isEmpty }
        model.selectAll()
        try await until { model.state.selected > 0 }
        model.commit()
        try await until { model.state.phase == .result }
        XCTAssertNotNil(model.state.report)
        XCTAssertTrue(model.state.actions.backToList)
        model.backToList()
        try await until { model.state.phase == .list }
    }
}

@MainActor
final class ExportModelTests: XCTestCase {
    private let rights = Rights(clientsAccess: true, clientsPhonesEmailAccess: true, clientsExcelAccess: true, clientsVisitMasterId: 0)

    /// A database whose clients are the made-up phonebook, imported.
    private func database() throws -> ClientDatabase {
        let database = try ClientDatabase.inMemory()
        let seed = try ImportScreen.local(db: database, rights: rights, settings: LocationSettings(), observer: nil)
        PreviewData.listed()(seed)
        _ = seed.selectAll()
        _ = seed.commit()
        return database
    }

    func testWritesInBatchesReportsEachAndMarksThemOnThePhoneNextTime() async throws {
        let database = try database()
        let rights = self.rights
        let phone = Handoff<[PhonebookContact]>([])
        let written = Handoff<[WrittenContact]>([])
        let write: WritePhonebook = { contacts, batchWritten in
            // Two batches, with the identifiers a phonebook would give the new cards.
            let made = contacts.map { WrittenContact(clientId: $0.clientId, platformId: "card-\($0.clientId)") }
            for batch in [Array(made.prefix(1)), Array(made.dropFirst())] where !batch.isEmpty {
                written.set(written.get() + batch)
                if !batchWritten(batch) { return }
            }
            phone.set(zip(contacts, made).map { pair in
                var card = pair.0.contact
                card.platformId = pair.1.platformId
                return card
            })
        }
        let open: (ExportScreenObserver) throws -> ExportScreen = {
            try ExportScreen.local(db: database, rights: rights, settings: LocationSettings(), observer: $0)
        }
        let model = try ExportModel(permission: { .iosAuthorized }, phonebook: { _ in phone.get() }, write: write, open: open)
        model.permissionChanged()
        try await until { model.state.phase == .list && !model.rows.isEmpty }
        model.selectAll()
        try await until { model.state.selected > 0 }
        let selected = model.state.selected
        model.export()
        try await until { model.state.phase == .result }
        XCTAssertEqual(model.state.written, selected)
        XCTAssertEqual(UInt64(written.get().count), selected)

        // Opening the screen again: every written card is found by its own identifier.
        let again = try ExportModel(permission: { .iosAuthorized }, phonebook: { _ in phone.get() }, write: write, open: open)
        again.permissionChanged()
        try await until { again.state.phase == .list || again.state.phase == .empty }
        XCTAssertEqual(again.state.alreadyOnPhone, selected)
    }

    func testAFailedBatchEndsInFailedWithRetry() async throws {
        let database = try database()
        let rights = self.rights
        let model = try ExportModel(permission: { .iosAuthorized }, phonebook: { _ in [] },
                                    write: { _, _ in throw CocoaError(.fileWriteUnknown) }) {
            try ExportScreen.local(db: database, rights: rights, settings: LocationSettings(), observer: $0)
        }
        model.permissionChanged()
        try await until { model.state.phase == .list && !model.rows.isEmpty }
        model.selectAll()
        try await until { model.state.selected > 0 }
        model.export()
        try await until { model.state.phase == .failed }
        XCTAssertTrue(model.state.actions.retry)
    }
}

/// Waits, letting the main queue deliver the core's states, until `done` holds (10 s at most).
@MainActor
func until(_ done: () -> Bool, file: StaticString = #filePath, line: UInt = #line) async throws {
    let deadline = Date().addingTimeInterval(10)
    while !done() {
        if Date() > deadline {
            XCTFail("timed out", file: file, line: line)
            return
        }
        try await Task.sleep(nanoseconds: 10_000_000)
    }
}
