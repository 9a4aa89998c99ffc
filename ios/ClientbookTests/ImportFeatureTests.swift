import Combine
import XCTest
import Clientbook
@testable import ClientbookApp

/// The import screen's Select suggested, fill-in, undo and history through `ImportModel` and the
/// real core (in-memory database; `PreviewData.suggestions` over a base where Olga is a client
/// without an email). What the views show for each is what these states and rows carry.
@MainActor
final class ImportFeatureTests: XCTestCase {
    private let rights = Rights(clientsAccess: true, clientsPhonesEmailAccess: true, clientsExcelAccess: true,
                                clientsVisitMasterId: 0, clientsDeleteAccess: true)

    /// The list of `PreviewData.suggestions`, every row loaded.
    private func listed(rights: Rights? = nil) async throws -> ImportModel {
        let database = try PreviewData.database(with: PreviewData.clients)
        let rights = rights ?? self.rights
        let model = try ImportModel(permission: { .iosAuthorized }, phonebook: { _ in PreviewData.suggestions }) {
            try ImportScreen.local(db: database, rights: rights, settings: LocationSettings(), observer: $0)
        }
        model.permissionChanged()
        try await until { model.state.phase == .list && model.rows.count == PreviewData.suggestions.count }
        return model
    }

    /// Imports the suggested contact (Anna) and waits for the result.
    private func imported(rights: Rights? = nil) async throws -> ImportModel {
        let model = try await listed(rights: rights)
        model.selectSuggested()
        try await until { model.state.selected == 1 }
        model.commit()
        try await until { model.state.phase == .result }
        return model
    }

    /// The history as last read, or nil while it is being read or could not be.
    private func records(_ model: ImportModel) -> [ImportRecord]? {
        if case .loaded(let records) = model.history { return records }
        return nil
    }

    func testSelectSuggestedLeavesOutServiceAndAppGroupNumbersEachWithItsReason() async throws {
        let model = try await listed()
        XCTAssertTrue(model.state.actions.selectSuggested)
        XCTAssertEqual(model.state.suggested, 1, "Anna; not the toll-free number, not the app's own card; Olga is a client")
        model.selectSuggested()
        try await until { model.state.selected == 1 && model.rows.contains { $0.selected } }

        let anna = try XCTUnwrap(model.rows.first { $0.selected })
        XCTAssertNil(anna.notSuggested)
        let taxi = try XCTUnwrap(model.rows.first { $0.notSuggested == .serviceNumber(kind: .tollFree) })
        XCTAssertFalse(taxi.selected)
        let vera = try XCTUnwrap(model.rows.first { $0.notSuggested == .fromAppGroup })
        XCTAssertFalse(vera.selected)
        // The row's reason, as the view renders it, in both languages.
        for locale in ["en", "ru"] {
            XCTAssertFalse(renderMessage(message: Message.notSuggested(why: .serviceNumber(kind: .tollFree)), locale: locale).isEmpty)
        }

        // Left out, not forbidden: staff can still tick it.
        model.toggle(taxi)
        try await until { model.state.selected == 2 }
        XCTAssertTrue(model.rows.first { $0.index == taxi.index }?.selected ?? false)
        XCTAssertNil(model.state.message)
    }

    func testFillInPerRowAndForAllThenTheCommitFillsTheEmail() async throws {
        let model = try await listed()
        XCTAssertEqual(model.state.fillInOffered, 1)
        XCTAssertEqual(model.state.fillInSelected, 0)
        XCTAssertTrue(model.state.actions.fillInAll)
        let olga = try XCTUnwrap(model.rows.first { $0.fillInEmail != nil })
        XCTAssertEqual(olga.status, .existingClient)
        XCTAssertEqual(olga.fillInEmail, "olga@example.com")
        XCTAssertFalse(olga.fillInSelected)

        model.setFillIn(olga, fill: true)
        try await until { model.state.fillInSelected == 1 }
        XCTAssertTrue(model.rows.first { $0.index == olga.index }?.fillInSelected ?? false)
        model.fillInAll(false)
        try await until { model.state.fillInSelected == 0 }
        XCTAssertFalse(model.rows.first { $0.index == olga.index }?.fillInSelected ?? true)
        model.fillInAll(true)
        try await until { model.state.fillInSelected == 1 }

        // Nothing selected to import: filling in alone is work to commit.
        XCTAssertEqual(model.state.selected, 0)
        XCTAssertTrue(model.state.actions.importSelected)
        model.commit()
        try await until { model.state.phase == .result }
        let report = try XCTUnwrap(model.state.report)
        XCTAssertEqual(report.filled.map(\.index), [olga.index])
        XCTAssertTrue(report.created.isEmpty)
        XCTAssertEqual(model.state.undoCount, 0, "an import that created nobody has nothing to undo")
        XCTAssertFalse(model.state.actions.undo)
    }

    func testUndoDeletesWhatTheImportCreatedOnceAndEndsTheScreen() async throws {
        let model = try await imported()
        let created = try XCTUnwrap(model.state.report).created.count
        XCTAssertEqual(created, 1)
        XCTAssertEqual(model.state.undoCount, UInt64(created), "the count the confirmation shows")
        XCTAssertTrue(model.state.actions.undo)

        model.undo()
        try await until { model.state.undoReport != nil }
        let undone = try XCTUnwrap(model.state.undoReport)
        XCTAssertEqual(undone.deleted, UInt64(created))
        XCTAssertTrue(undone.kept.isEmpty)
        XCTAssertEqual(undone.alreadyGone, 0)
        XCTAssertEqual(model.state.phase, .result)
        XCTAssertNil(model.state.message)
        XCTAssertFalse(model.state.actions.undo, "an import is undone once")
        XCTAssertFalse(model.state.actions.backToList, "the list would show the deleted clients as clients")
    }

    func testUndoWithoutTheDeleteRightShowsTheCoreRefusal() async throws {
        let noDelete = Rights(clientsAccess: true, clientsPhonesEmailAccess: true, clientsExcelAccess: true,
                              clientsVisitMasterId: 0, clientsDeleteAccess: false)
        let model = try await imported(rights: noDelete)
        XCTAssertTrue(model.state.actions.undo, "offered: the core checks the right when asked")
        model.undo()
        try await until { model.state.message != nil }
        XCTAssertNil(model.state.undoReport)
        XCTAssertEqual(model.state.phase, .result)
        guard case .missingRights(let action, let missing) = model.state.messageCode else {
            return XCTFail("expected the missing delete right, got \(String(describing: model.state.messageCode))")
        }
        XCTAssertEqual(action, .undo)
        XCTAssertEqual(missing, [.deleteClients])
        XCTAssertTrue(model.state.actions.backToList, "nothing was deleted: the list is still right")
    }

    func testCategorySwitchPutsTheNewClientsIntoTheCoreNamedCategory() async throws {
        let model = try await listed()
        XCTAssertTrue(model.state.actions.setCategory)
        XCTAssertNil(model.state.category, "off by default on the local database")
        model.setCategory(true)
        try await until { model.state.category != nil }
        let title = try XCTUnwrap(model.state.category)
        XCTAssertFalse(title.isEmpty)
        model.setCategory(false)
        try await until { model.state.category == nil }
        model.setCategory(true)
        try await until { model.state.category != nil }

        model.selectSuggested()
        try await until { model.state.selected == 1 }
        model.commit()
        try await until { model.state.phase == .result }
        let category = try XCTUnwrap(model.state.report?.category)
        XCTAssertEqual(category.title, title)
        XCTAssertEqual(category.set, 1)
        XCTAssertEqual(category.notSet, 0)
        XCTAssertTrue(category.createdCategory)
        XCTAssertFalse(model.state.actions.setCategory, "only on the list")
    }

    func testUndoFromTheHistoryRunsAsUndoingThenReportsWhatItDeleted() async throws {
        let model = try await imported()
        model.backToList()
        try await until { model.state.phase == .list }
        XCTAssertTrue(model.state.actions.undoFromHistory)
        model.loadHistory()
        try await until { self.records(model)?.count == 2 }
        let newest = try XCTUnwrap(records(model)?.first)
        let older = try XCTUnwrap(records(model)?.last)
        XCTAssertEqual(newest.left, 1, "the count the confirmation shows: created - undone")
        XCTAssertEqual(older.left, 1)

        var phases: [ScreenPhase] = []
        var cancellable = false
        let watch = model.$state.sink { state in
            phases.append(state.phase)
            if state.phase == .undoing { cancellable = cancellable || state.actions.cancel }
        }
        model.undoImport(older)
        try await until { model.state.undoReport != nil }
        watch.cancel()
        XCTAssertTrue(phases.contains(.undoing), "the screen shows the undo running")
        XCTAssertTrue(cancellable, "with Cancel")
        XCTAssertEqual(model.state.phase, .result)
        let undone = try XCTUnwrap(model.state.undoReport)
        XCTAssertEqual(undone.importId, older.id)
        XCTAssertEqual(undone.deleted, older.left)
        XCTAssertFalse(undone.cancelled)
        XCTAssertFalse(model.state.actions.backToList)

        model.loadHistory()
        try await until { self.records(model)?.last?.undone == 1 }
        XCTAssertEqual(records(model)?.last?.left, 0, "nothing left to undo: the sheet offers no Undo")
        XCTAssertEqual(records(model)?.first?.left, 1, "the newer import is untouched")
    }

    func testHistoryListsEachImportAndWhatUndoRemoved() async throws {
        let model = try await listed()
        model.loadHistory()
        try await until { self.records(model) != nil }
        XCTAssertEqual(records(model)?.count, 1, "the import that made Olga a client")

        model.selectSuggested()
        try await until { model.state.selected == 1 }
        model.commit()
        try await until { model.state.phase == .result }
        model.loadHistory()
        try await until { self.records(model)?.count == 2 }
        let newest = try XCTUnwrap(records(model)?.first)
        XCTAssertEqual(newest.created, 1)
        XCTAssertEqual(newest.undone, 0)
        XCTAssertNotNil(newest.finishedAt)
        XCTAssertFalse(newest.cancelled)
        XCTAssertFalse(newest.failed)
        XCTAssertEqual(newest.target, "local")

        model.undo()
        try await until { model.state.undoReport != nil }
        model.loadHistory()
        try await until { self.records(model)?.first?.undone == 1 }
        XCTAssertEqual(records(model)?.first?.id, newest.id)
        XCTAssertEqual(records(model)?.last?.undone, 0, "the earlier import is untouched")
    }
}
