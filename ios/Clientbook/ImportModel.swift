import SwiftUI
import Clientbook

/// The core's `ImportScreen` as an `ObservableObject`. It publishes the state the core sends,
/// and the visible rows; runs every call on the screen's `CoreWorker` (they block); and performs
/// the effects a state asks for: the permission dialog, and reading the phonebook while the
/// phase is `reading`. Every decision (what is allowed, what is selected, every message) is
/// the core's.
@MainActor
final class ImportModel: ObservableObject {
    @Published private(set) var state: ImportScreenState
    /// The first rows of the visible (searched) list, paged in as the list scrolls.
    @Published private(set) var rows: [PreviewRow] = []
    /// The imports made to this screen's client base, newest first, as `loadHistory` last read
    /// them.
    @Published private(set) var history: ImportHistory = .loading

    static let pageSize: UInt64 = 100

    private let screen: ImportScreen
    private let permission: CurrentPermission
    private let phonebook: ReadPhonebook
    private let worker = CoreWorker(label: "clientbook.import")
    /// `rows` is safe from any thread: its own queue keeps the list scrolling during a job.
    private let pages = CoreWorker(label: "clientbook.import.rows")
    private var reading = false

    /// `open` builds the core's screen around the observer it is given, for example
    /// `{ try ImportScreen.local(db: db, rights: rights, settings: settings, observer: $0) }`.
    /// `permission` and `phonebook` are the device's; tests and previews pass their own.
    /// Import reads unified contacts: one person per linked set of cards, as Contacts shows them.
    init(permission: @escaping CurrentPermission = { ContactsPermissionState.current() },
         phonebook: @escaping ReadPhonebook = { try ContactsReader().read(unified: true, keepGoing: $0) },
         open: (ImportScreenObserver) throws -> ImportScreen) rethrows {
        let relay = ImportObserver()
        screen = try open(relay)
        state = screen.state()
        self.permission = permission
        self.phonebook = phonebook
        relay.relay.model = self
        show(state)
    }

    deinit {
        screen.cancel()
    }

    /// On appear and whenever the app comes back to the foreground (from Settings, say).
    func permissionChanged() {
        let permission = self.permission()
        send { $0.permissionChanged(permission: permission) }
    }

    func requestAccess() {
        Task {
            _ = await ContactsPermissionState.request()
            permissionChanged()
        }
    }

    func search(_ query: String) { send { $0.search(query: query) } }
    func selectAll() { send { $0.selectAll() } }
    func selectNone() { send { $0.selectNone() } }
    func selectSuggested() { send { $0.selectSuggested() } }
    func toggle(_ row: PreviewRow) { send { $0.toggle(index: row.index) } }
    func choose(_ row: PreviewRow, phone: Int) { send { $0.chooseNumber(index: row.index, phone: UInt32(phone)) } }
    /// Fill in (or not) the client's missing email from this row's contact.
    func setFillIn(_ row: PreviewRow, fill: Bool) { send { $0.setFillIn(index: row.index, fill: fill) } }
    /// Every offered missing email, or none.
    func fillInAll(_ fill: Bool) { send { $0.fillInAll(fill: fill) } }
    func commit() { send { $0.commit() } }
    func retry() { send { $0.retry() } }
    func backToList() { send { $0.backToList() } }
    /// Only after the user confirmed deleting `state.undoCount` clients. A refusal (the delete
    /// right) comes back as the state's message. The phase is `undoing`, with progress and
    /// Cancel, while it runs.
    func undo() { send { $0.undo() } }
    /// From the history, only after the user confirmed deleting the record's `created - undone`.
    func undoImport(_ record: ImportRecord) { send { $0.undoImport(importId: record.id) } }
    /// Put the clients this import creates into the category (`state.category`), or not.
    func setCategory(_ enabled: Bool) { send { $0.setCategory(enabled: enabled) } }

    /// Reads the history on the worker, after whatever is queued there (a running import is
    /// listed once it has finished).
    func loadHistory() {
        let screen = self.screen
        worker.run({ () -> ImportHistory in
            // `ClientbookError`'s text is English only: the view says it in the staff's language.
            guard let records = try? screen.history() else { return .unreadable }
            return .loaded(records)
        }, then: { [weak self] in self?.history = $0 })
    }

    /// Not on the worker, which is busy with what is being cancelled; the core's cancel is
    /// safe from any thread and the running call then returns the next state.
    func cancel() { screen.cancel() }

    /// From each row's `onAppear`: the next page when the last loaded row shows.
    func rowAppeared(_ row: PreviewRow) {
        guard row == rows.last, UInt64(rows.count) < state.visibleCount else { return }
        let screen = self.screen, offset = UInt64(rows.count), version = state.rowsVersion, limit = Self.pageSize
        pages.run({ screen.rows(offset: offset, limit: limit) }, then: { [weak self] page in
            guard let self, self.state.rowsVersion == version, UInt64(self.rows.count) == offset else { return }
            self.rows += page
        })
    }

    /// A state from a call's return or from the observer (progress); always on the main thread.
    func show(_ new: ImportScreenState) {
        let rowsChanged = new.rowsVersion != state.rowsVersion || (rows.isEmpty && new.visibleCount > 0)
        state = new
        if rowsChanged { reloadRows() }
        if new.phase == .reading && !reading { read() }
    }

    private func send(_ call: @escaping @Sendable (ImportScreen) -> ImportScreenState) {
        let screen = self.screen
        worker.run({ call(screen) }, then: { [weak self] in self?.show($0) })
    }

    private func read() {
        reading = true
        let screen = self.screen, phonebook = self.phonebook
        worker.run({
            do {
                let contacts = try phonebook { screen.readingProgress(done: $0) }
                // Stopped (nil): the core sees its cancelled operation and offers Try again.
                return screen.contactsRead(contacts: contacts ?? [])
            } catch {
                // The framework's error text may quote contact data: the core words the failure.
                return screen.readingFailed()
            }
        }, then: { [weak self] in
            self?.reading = false
            self?.show($0)
        })
    }

    private func reloadRows() {
        let screen = self.screen, version = state.rowsVersion
        let count = max(UInt64(rows.count), Self.pageSize)
        pages.run({ screen.rows(offset: 0, limit: count) }, then: { [weak self] rows in
            guard let self, self.state.rowsVersion == version else { return }
            self.rows = rows
        })
    }
}

/// What the history sheet shows.
enum ImportHistory: Sendable, Equatable {
    case loading
    case loaded([ImportRecord])
    case unreadable
}

/// The core calls this from its worker thread while matching or importing.
final class ImportObserver: ImportScreenObserver, Sendable {
    let relay = StateRelay<ImportModel>()

    func onState(state: ImportScreenState) {
        relay.deliver { $0.show(state) }
    }
}
