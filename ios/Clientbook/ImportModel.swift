import Foundation
import Clientbook

/// Relays the core's progress to the screen. The core calls it on the thread running the
/// job; throwing `ClientbookError.Cancelled` stops matching, which has no cancel of its own.
final class ImportProgressRelay: ImportProgress, @unchecked Sendable {
    private let stopMatching: StopFlag
    private let report: @Sendable (ProgressStage, UInt64, UInt64) -> Void

    init(stopMatching: StopFlag, report: @escaping @Sendable (ProgressStage, UInt64, UInt64) -> Void) {
        self.stopMatching = stopMatching
        self.report = report
    }

    func onProgress(stage: ProgressStage, done: UInt64, total: UInt64) throws {
        if stage == .matching && stopMatching.isSet {
            throw ClientbookError.Cancelled
        }
        report(stage, done, total)
    }
}

/// The import screen's state: reads the phonebook, opens an `ImportSession` and relays its
/// preview, selection and commit. It decides nothing itself; statuses, counts, what may be
/// selected and every message come from the session. Slow work runs in detached tasks; the
/// published state changes only on the main actor.
@MainActor
final class ImportModel: ObservableObject {
    enum Phase: Equatable {
        case idle, reading, matching, ready, committing, done
    }

    @Published private(set) var phase: Phase = .idle
    @Published private(set) var progress: JobProgress?
    @Published private(set) var summary: Summary?
    @Published private(set) var rowCount: UInt64 = 0
    /// The rows paged in so far, in preview order (row `i` has index `i`).
    @Published private(set) var rows: [PreviewRow] = []
    /// The last commit's result; `report.cancelled` when it stopped on request.
    @Published private(set) var report: ImportReport?
    /// Shown while the screen still works, e.g. iOS 18's limited access.
    @Published private(set) var permissionNote: PermissionAdvice?
    @Published var problem: CoreProblem?

    /// Rows per page: a screenful or two, so a redraw never copies the whole phonebook.
    static let pageSize: UInt64 = 100

    private let database: ClientDatabase
    private let rights: Rights
    private let settings: LocationSettings
    private let reader: ContactsReader
    private var session: ImportSession?
    private var permission: ContactsPermission = .iosNotDetermined
    private var task: Task<Void, Never>?
    private let stopMatching = StopFlag()

    /// `database` belongs to the app and outlives the screen; `rights` are the signed-in
    /// user's; `settings` the location's.
    init(database: ClientDatabase, rights: Rights, settings: LocationSettings, reader: ContactsReader = ContactsReader()) {
        self.database = database
        self.rights = rights
        self.settings = settings
        self.reader = reader
    }

    deinit {
        task?.cancel()
        stopMatching.set(true)
        session?.cancel()
    }

    var isBusy: Bool { task != nil }

    /// Reads the phonebook and builds the preview, or shows the core's permission advice.
    func load() {
        guard task == nil else { return }
        let permission = ContactsPermissionState.current()
        self.permission = permission
        let advice = contactsPermissionAdvice(state: permission)
        guard advice.action == .proceed || advice.action == .proceedLimited else {
            problem = .permission(advice)
            return
        }
        permissionNote = advice.action == .proceedLimited ? advice : nil
        problem = nil
        report = nil
        phase = .reading
        progress = JobProgress(stage: .readingPhonebook, done: 0, total: nil)
        stopMatching.set(false)

        let relay = makeRelay()
        let database = self.database, rights = self.rights, settings = self.settings, reader = self.reader
        task = Task.detached(priority: .userInitiated) { [weak self] in
            do {
                // Rights first: no point reading 50,000 contacts for a refusal.
                try checkRights(rights: rights, action: .import)
                let read = try reader.read(unified: true) { count in
                    Task { @MainActor [weak self] in
                        guard let self, self.phase == .reading else { return }
                        self.progress = JobProgress(stage: .readingPhonebook, done: count, total: nil)
                    }
                    return !Task.isCancelled
                }
                guard let contacts = read else { throw CancellationError() }
                await self?.enterMatching()
                let opened = try ImportSession(
                    db: database, contacts: contacts, rights: rights,
                    permission: permission, settings: settings, progress: relay
                )
                await self?.opened(opened)
            } catch {
                await self?.loadFailed(error)
            }
        }
    }

    /// Call from each row's `onAppear`: pages in the next rows when the last one shows.
    func loadMoreIfNeeded(after row: PreviewRow) {
        guard row.index + 1 == UInt64(rows.count) else { return }
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

    /// A row the core will not select comes back as a `.coreMessage` saying why.
    func toggle(_ row: PreviewRow) {
        edit(row.index) { _ = try $0.toggle(index: row.index) }
    }

    /// Picks which of the row's numbers to import (`phone` indexes `row.phones`).
    func chooseNumber(_ row: PreviewRow, phone: Int) {
        edit(row.index) { try $0.chooseNumber(index: row.index, phone: UInt32(phone)) }
    }

    /// Writes the selection as clients; `cancel()` stops it after the current batch.
    func commit() {
        guard let session, task == nil else { return }
        phase = .committing
        problem = nil
        progress = JobProgress(stage: .importing, done: 0, total: summary?.selected)
        let relay = makeRelay()
        task = Task.detached(priority: .userInitiated) { [weak self] in
            do {
                let report = try session.commit(progress: relay)
                await self?.committed(report)
            } catch {
                await self?.commitFailed(error)
            }
        }
    }

    /// Stops what is running: reading or matching at once, a commit after its current batch.
    func cancel() {
        switch phase {
        case .committing:
            session?.cancel()
        case .reading, .matching:
            stopMatching.set(true)
            task?.cancel()
        default:
            break
        }
    }

    // MARK: - Results, on the main actor

    private func enterMatching() {
        phase = .matching
        progress = JobProgress(stage: .matching, done: 0, total: nil)
    }

    private func opened(_ opened: ImportSession) {
        task = nil
        session = opened
        summary = opened.summary()
        rowCount = opened.rowCount()
        rows = []
        phase = .ready
        progress = nil
        loadMore()
    }

    private func loadFailed(_ error: Error) {
        task = nil
        phase = session == nil ? .idle : .ready
        progress = nil
        problem = CoreProblem(error, permission: permission, writing: false)
    }

    private func committed(_ report: ImportReport) {
        task = nil
        self.report = report
        phase = .done
        progress = nil
        reloadLoadedRows()
    }

    private func commitFailed(_ error: Error) {
        // Whole batches written before the error are recorded in the session; the refreshed
        // rows and summary show them, and committing again sends only the rest.
        task = nil
        phase = .ready
        progress = nil
        problem = CoreProblem(error, permission: permission, writing: false)
        reloadLoadedRows()
    }

    // MARK: - Helpers

    private func makeRelay() -> ImportProgressRelay {
        ImportProgressRelay(stopMatching: stopMatching) { [weak self] stage, done, total in
            Task { @MainActor [weak self] in
                guard let self, self.phase == .matching || self.phase == .committing else { return }
                self.progress = JobProgress(
                    stage: stage == .matching ? .matching : .importing,
                    done: done,
                    total: total
                )
            }
        }
    }

    /// Page-sized calls copy at most `pageSize` rows under the session's lock, which a running
    /// commit holds only for moments, so they are cheap enough for the main actor.
    private func loadMore() {
        guard let session, UInt64(rows.count) < rowCount else { return }
        rows += session.rows(offset: UInt64(rows.count), limit: Self.pageSize)
    }

    private func reloadLoadedRows() {
        guard let session else { return }
        summary = session.summary()
        rows = session.rows(offset: 0, limit: max(UInt64(rows.count), Self.pageSize))
    }

    /// Applies one row's change and refreshes that row and the counts from the core.
    private func edit(_ index: UInt64, _ change: (ImportSession) throws -> Void) {
        guard let session else { return }
        do {
            try change(session)
            if let updated = try session.rowsAt(indexes: [index]).first, Int(index) < rows.count {
                rows[Int(index)] = updated
            }
            summary = session.summary()
        } catch {
            problem = CoreProblem(error, permission: permission, writing: false)
        }
    }
}
