import SwiftUI
import Clientbook

/// The core's `ExportScreen` as an `ObservableObject`, like `ImportModel`: publishes the
/// core's state and the visible rows, runs every call on the screen's `CoreWorker`, and
/// performs the effects: the permission dialog, reading the phonebook's cards while the phase
/// is `reading`, and writing what `beginWrite` returns in `CNSaveRequest` batches into the
/// app's group, reporting each batch with `written` and the end with `writeFinished`.
@MainActor
final class ExportModel: ObservableObject {
    @Published private(set) var state: ExportScreenState
    @Published private(set) var rows: [ExportRow] = []

    static let pageSize: UInt64 = 100

    private let screen: ExportScreen
    private let permission: CurrentPermission
    private let phonebook: ReadPhonebook
    private let write: WritePhonebook
    private let worker = CoreWorker(label: "clientbook.export")
    /// `rows` is safe from any thread: its own queue keeps the list scrolling during a job.
    private let pages = CoreWorker(label: "clientbook.export.rows")
    private var reading = false

    /// `open` builds the core's screen around the observer it is given, for example
    /// `{ try ExportScreen.local(db: db, rights: rights, settings: settings, observer: $0) }`.
    /// Export reads cards one by one, not unified contacts: the links the core keeps are the
    /// identifiers of the cards the writer created, which survive iOS linking them with others.
    init(permission: @escaping CurrentPermission = { ContactsPermissionState.current() },
         phonebook: @escaping ReadPhonebook = { try ContactsReader().read(unified: false, keepGoing: $0) },
         write: @escaping WritePhonebook = { try ContactsWriter().write($0, batchWritten: $1) },
         open: (ExportScreenObserver) throws -> ExportScreen) rethrows {
        let relay = ExportObserver()
        screen = try open(relay)
        state = screen.state()
        self.permission = permission
        self.phonebook = phonebook
        self.write = write
        relay.relay.model = self
        show(state)
    }

    deinit {
        screen.cancel()
    }

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
    func toggle(_ row: ExportRow) { send { $0.toggle(clientId: row.clientId) } }
    func retry() { send { $0.retry() } }
    func backToList() { send { $0.backToList() } }
    func cancel() { screen.cancel() }

    /// Writes the selection. A failed batch ends the write; every batch before it was
    /// reported, so exporting again writes nothing twice.
    func export() {
        let write = self.write
        send { screen in
            let contacts = screen.beginWrite()
            do {
                try write(contacts) { screen.written(batch: $0) }
                return screen.writeFinished(failed: false)
            } catch {
                return screen.writeFinished(failed: true)
            }
        }
    }

    func rowAppeared(_ row: ExportRow) {
        guard row == rows.last, UInt64(rows.count) < state.visibleCount else { return }
        let screen = self.screen, offset = UInt64(rows.count), version = state.rowsVersion, limit = Self.pageSize
        pages.run({ screen.rows(offset: offset, limit: limit) }, then: { [weak self] page in
            guard let self, self.state.rowsVersion == version, UInt64(self.rows.count) == offset else { return }
            self.rows += page
        })
    }

    func show(_ new: ExportScreenState) {
        let rowsChanged = new.rowsVersion != state.rowsVersion || (rows.isEmpty && new.visibleCount > 0)
        state = new
        if rowsChanged { reloadRows() }
        if new.phase == .reading && !reading { read() }
    }

    private func send(_ call: @escaping @Sendable (ExportScreen) -> ExportScreenState) {
        let screen = self.screen
        worker.run({ call(screen) }, then: { [weak self] in self?.show($0) })
    }

    private func read() {
        reading = true
        let screen = self.screen, phonebook = self.phonebook
        worker.run({
            do {
                let cards = try phonebook { screen.readingProgress(done: $0) }
                // Stopped (nil): the core sees its cancelled operation and offers Try again.
                return screen.contactsRead(deviceContacts: cards ?? [])
            } catch {
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

/// The core calls this from its worker thread while refreshing or writing.
final class ExportObserver: ExportScreenObserver, Sendable {
    let relay = StateRelay<ExportModel>()

    func onState(state: ExportScreenState) {
        relay.deliver { $0.show(state) }
    }
}
