import Foundation
import Clientbook

/// The export screen's state ("save clients to the phonebook"): reads the phonebook so the
/// core can tell which clients are already there, opens an `ExportSession`, writes what the
/// core says to write with `ContactsWriter`, and reports the new identifiers back with
/// `confirmWritten`, so exporting again writes nothing twice.
@MainActor
final class ExportModel: ObservableObject {
    enum Phase: Equatable {
        case idle, reading, ready, writing, done
    }

    /// What the last "save to phonebook" did.
    struct Outcome: Equatable {
        var written: Int
        var cancelled: Bool
    }

    @Published private(set) var phase: Phase = .idle
    @Published private(set) var progress: JobProgress?
    @Published private(set) var summary: ExportSummary?
    @Published private(set) var rowCount: UInt64 = 0
    /// The rows paged in so far, in the session's order.
    @Published private(set) var rows: [ExportRow] = []
    @Published private(set) var outcome: Outcome?
    @Published var problem: CoreProblem?

    static let pageSize: UInt64 = 100

    private let database: ClientDatabase
    private let rights: Rights
    private let settings: LocationSettings
    private let reader: ContactsReader
    private let writer: ContactsWriter
    private var session: ExportSession?
    private var permission: ContactsPermission = .iosNotDetermined
    private var task: Task<Void, Never>?
    private let stopWriting = StopFlag()

    init(
        database: ClientDatabase,
        rights: Rights,
        settings: LocationSettings,
        reader: ContactsReader = ContactsReader(),
        writer: ContactsWriter = ContactsWriter()
    ) {
        self.database = database
        self.rights = rights
        self.settings = settings
        self.reader = reader
        self.writer = writer
    }

    deinit {
        // A running write keeps its own reference to the session and still confirms what it
        // wrote; it only stops after the current chunk.
        stopWriting.set(true)
        task?.cancel()
    }

    var isBusy: Bool { task != nil }

    /// Reads the phonebook and builds the export list, or shows the core's permission advice.
    func load() {
        guard task == nil else { return }
        let permission = ContactsPermissionState.current()
        self.permission = permission
        let advice = contactsPermissionAdvice(state: permission)
        guard advice.action == .proceed || advice.action == .proceedLimited else {
            problem = .permission(advice)
            return
        }
        problem = nil
        outcome = nil
        phase = .reading
        progress = JobProgress(stage: .readingPhonebook, done: 0, total: nil)

        let database = self.database, rights = self.rights, settings = self.settings, reader = self.reader
        task = Task.detached(priority: .userInitiated) { [weak self] in
            do {
                try checkRights(rights: rights, action: .export)
                // Cards one by one: the identifiers confirmWritten stored are cards' own.
                let read = try reader.read(unified: false) { count in
                    Task { @MainActor [weak self] in
                        guard let self, self.phase == .reading else { return }
                        self.progress = JobProgress(stage: .readingPhonebook, done: count, total: nil)
                    }
                    return !Task.isCancelled
                }
                guard let deviceContacts = read else { throw CancellationError() }
                let opened = try ExportSession(
                    db: database, deviceContacts: deviceContacts, rights: rights,
                    permission: permission, settings: settings
                )
                await self?.opened(opened)
            } catch {
                await self?.failed(error, writing: false)
            }
        }
    }

    func loadMoreIfNeeded(after row: ExportRow) {
        guard row.clientId == rows.last?.clientId else { return }
        loadMore()
    }

    func selectAll() {
        guard let session else { return }
        _ = session.selectAll()
        reloadLoadedRows()
    }

    func selectNone() {
        guard let session else { return }
        session.selectNone()
        reloadLoadedRows()
    }

    /// A client already in the phonebook cannot be selected; the core says so as a `.coreMessage`.
    func toggle(_ row: ExportRow) {
        guard let session else { return }
        do {
            _ = try session.toggle(clientId: row.clientId)
            reloadLoadedRows()
        } catch {
            problem = CoreProblem(error, permission: permission, writing: false)
        }
    }

    /// Writes the selected clients and confirms them to the core. A cancel or a failure
    /// part-way still confirms every contact already written.
    func export() {
        guard let session, task == nil else { return }
        phase = .writing
        problem = nil
        progress = JobProgress(stage: .writingPhonebook, done: 0, total: summary?.selected)
        stopWriting.set(false)
        let writer = self.writer, stop = stopWriting
        task = Task.detached(priority: .userInitiated) { [weak self] in
            let contacts = session.contactsToWrite()
            var result = ContactsWriterResult(written: [], cancelled: false, failure: nil)
            do {
                try writer.write(contacts) { batch in
                    result.written += batch
                    let done = result.written.count
                    Task { @MainActor [weak self] in
                        guard let self, self.phase == .writing else { return }
                        self.progress = JobProgress(stage: .writingPhonebook, done: UInt64(done), total: UInt64(contacts.count))
                    }
                    result.cancelled = stop.isSet
                    return !result.cancelled
                }
            } catch {
                result.failure = error
            }
            var confirmError: Error?
            do {
                try session.confirmWritten(written: result.written)
            } catch {
                confirmError = error
            }
            await self?.wrote(result, confirmError: confirmError)
        }
    }

    /// Stops reading at once, or a write after its current chunk.
    func cancel() {
        switch phase {
        case .writing:
            stopWriting.set(true)
        case .reading:
            task?.cancel()
        default:
            break
        }
    }

    // MARK: - Results, on the main actor

    private func opened(_ opened: ExportSession) {
        task = nil
        session = opened
        summary = opened.summary()
        rowCount = opened.rowCount()
        rows = []
        phase = .ready
        progress = nil
        loadMore()
    }

    private func failed(_ error: Error, writing: Bool) {
        task = nil
        phase = session == nil ? .idle : .ready
        progress = nil
        problem = CoreProblem(error, permission: permission, writing: writing)
    }

    private func wrote(_ result: ContactsWriterResult, confirmError: Error?) {
        task = nil
        phase = .done
        progress = nil
        outcome = Outcome(written: result.written.count, cancelled: result.cancelled)
        if let confirmError {
            problem = CoreProblem(confirmError, permission: permission, writing: true)
        } else if let failure = result.failure {
            problem = CoreProblem(failure, permission: permission, writing: true)
        }
        reloadLoadedRows()
    }

    private func loadMore() {
        guard let session, UInt64(rows.count) < rowCount else { return }
        rows += session.rows(offset: UInt64(rows.count), limit: Self.pageSize)
    }

    private func reloadLoadedRows() {
        guard let session else { return }
        summary = session.summary()
        rows = session.rows(offset: 0, limit: max(UInt64(rows.count), Self.pageSize))
    }
}

/// What a write did: every contact that reached the phonebook (confirmed even after a cancel
/// or failure, so nothing is written twice), and what stopped it.
struct ContactsWriterResult {
    var written: [WrittenContact]
    var cancelled: Bool
    var failure: Error?
}
