import SwiftUI
import Clientbook

/// "Export from phonebook" (the Altegio app's wording): phonebook contacts into the client
/// base. It draws `model.state` and nothing else decides what shows: each section appears for
/// the phase and the actions the core allows.
@MainActor
struct ImportView: View {
    @StateObject private var model: ImportModel
    @State private var query = ""
    @State private var confirmingUndo: Bool
    @State private var showingHistory: Bool
    @Environment(\.scenePhase) private var scenePhase

    /// `confirmingUndo` and `showingHistory` open the undo confirmation or the history at once
    /// (for previews).
    init(model: @autoclosure @escaping () -> ImportModel, confirmingUndo: Bool = false, showingHistory: Bool = false) {
        _model = StateObject(wrappedValue: model())
        _confirmingUndo = State(initialValue: confirmingUndo)
        _showingHistory = State(initialValue: showingHistory)
    }

    var body: some View {
        let state = model.state, actions = state.actions
        List {
            if let advice = state.permission {
                PermissionSection(advice: advice, query: query, request: model.requestAccess, recheck: model.permissionChanged)
            }
            if let progress = state.progress {
                ProgressSection(progress: progress, cancel: actions.cancel ? model.cancel : nil)
            }
            MessageSection(message: state.message, failed: state.failure != nil,
                           retry: actions.retry ? model.retry : nil, back: actions.backToList ? model.backToList : nil)
            if let report = state.report {
                ReportSection(report: report)
            }
            if actions.undo {
                Section {
                    Button("Undo import", role: .destructive) { confirmingUndo = true }
                }
            }
            if let undone = state.undoReport {
                UndoReportSection(report: undone)
            }
            if state.phase == .list || state.phase == .result {
                Section {
                    Text("\(Int(state.visibleCount)) contacts · \(Int(state.alreadyClients)) already clients")
                        .font(.footnote).foregroundStyle(.secondary)
                    SelectionButtons(selectAll: actions.selectAll ? model.selectAll : nil,
                                     selectNone: actions.selectNone ? model.selectNone : nil)
                    if actions.selectSuggested {
                        // Leaves out service, location, staff and app-group numbers; each row
                        // left out says why and can still be ticked.
                        Button("Select \(Int(state.suggested)) suggested", action: model.selectSuggested)
                            .buttonStyle(.borderless)
                    }
                    if actions.fillInAll {
                        // Existing clients without an email get the phonebook's; one never
                        // overwrites an email a client has.
                        let all = state.fillInSelected == state.fillInOffered
                        CheckRow(title: Text("Fill in missing emails of \(Int(state.fillInOffered)) clients"),
                                 checked: all, set: { _ in model.fillInAll(!all) })
                    }
                    if actions.setCategory {
                        // The core names the category only while it is on.
                        CheckRow(title: state.category.map { Text("Put the new clients into the category “\($0)”") }
                                     ?? Text("Put the new clients into a category"),
                                 checked: state.category != nil, set: { model.setCategory($0) })
                    }
                }
                Section {
                    ForEach(model.rows, id: \.index) { row in
                        ImportRowView(row: row, canChoose: actions.chooseNumber, canFillIn: actions.fillInAll,
                                      toggle: { model.toggle(row) }, choose: { model.choose(row, phone: $0) },
                                      fillIn: { model.setFillIn(row, fill: $0) })
                            .onAppear { model.rowAppeared(row) }
                    }
                }
            }
        }
        .navigationTitle("Import from phonebook")
        .searchable(text: $query, prompt: Text("Search name or number"))
        .onChange(of: query) { model.search($0) }
        .safeAreaInset(edge: .bottom) {
            if state.phase == .list {
                if state.selected == 0 && state.fillInSelected > 0 {
                    PrimaryBar(title: "Fill in emails of \(Int(state.fillInSelected)) clients", enabled: actions.importSelected, action: model.commit)
                } else {
                    PrimaryBar(title: "Import selected (\(Int(state.selected)))", enabled: actions.importSelected, action: model.commit)
                }
            }
        }
        .toolbar {
            ToolbarItem(placement: .primaryAction) {
                Button { showingHistory = true } label: { Label("History", systemImage: "clock.arrow.circlepath") }
            }
        }
        .sheet(isPresented: $showingHistory) {
            NavigationView { ImportHistoryView(model: model) }
        }
        .modifier(UndoConfirmation(isPresented: $confirmingUndo, count: state.undoCount, undo: model.undo))
        .onAppear { if model.state.phase == .start { model.permissionChanged() } }
        .onChange(of: scenePhase) { if $0 == .active { model.permissionChanged() } }
    }
}

/// One contact: checkbox (or why it cannot be imported), the name as it will be stored, the
/// chosen number with a chooser among all of them for as long as the core allows choosing,
/// the core's reason or match, and why "Select suggested" leaves it out.
@MainActor
private struct ImportRowView: View {
    let row: PreviewRow
    let canChoose: Bool
    let canFillIn: Bool
    let toggle: Action
    let choose: @MainActor (Int) -> Void
    let fillIn: @MainActor (Bool) -> Void
    @Environment(\.locale) private var locale

    var body: some View {
        HStack(alignment: .top, spacing: 12) {
            CheckMark(selectable: row.selectable, selected: row.selected, toggle: toggle)
            VStack(alignment: .leading, spacing: 4) {
                details
                // An existing client (dimmed above) may still take the phonebook's email and
                // birthday: the core words the offer.
                if let offer = row.fillInText {
                    CheckRow(title: Text(offer),
                             checked: row.fillInSelected, set: canFillIn ? fillIn : nil)
                        .font(.callout)
                }
            }
        }
    }

    private var details: some View {
        VStack(alignment: .leading, spacing: 2) {
            Text(row.displayName).lineLimit(2)
            if row.phones.count > 1 && canChoose {
                Menu {
                    ForEach(Array(row.phones.enumerated()), id: \.offset) { item in
                        Button { choose(item.offset) } label: { phoneLabel(item.offset) }
                            .disabled(!item.element.valid)
                    }
                } label: {
                    Label(chosen?.raw ?? String(localized: "Choose number"), systemImage: "chevron.down")
                        .labelStyle(TrailingIcon())
                }
            } else if let chosen {
                Text(chosen.raw).lineLimit(1)
            }
            Text(row.statusLabel).font(.caption).foregroundStyle(row.selectable ? Color.secondary : Color.orange)
            if let problem = row.problem {
                Text(problem).font(.caption).foregroundStyle(.secondary)
            }
            if let notice = row.notice {
                Text(notice).font(.caption).foregroundStyle(.secondary)
            }
            if let why = row.notSuggestedText {
                Label(why, systemImage: "hand.raised")
                    .font(.caption).foregroundStyle(.secondary)
            }
        }
        .font(.body.monospacedDigit())
        .opacity(row.selectable ? 1 : 0.6)
    }

    private var chosen: Phone? {
        row.chosenPhone.flatMap { Int($0) < row.phones.count ? row.phones[Int($0)] : nil }
    }

    /// A number in the chooser: the number, its validity in the core's words, a check if chosen.
    private func phoneLabel(_ index: Int) -> some View {
        let phone = row.phones[index]
        let text = phone.problem.map { "\(phone.raw) · \($0)" } ?? phone.raw
        return Label(text, systemImage: UInt32(index) == row.chosenPhone ? "checkmark" : "phone")
    }
}

/// Created / already clients / skipped, each skipped contact with the core's reason.
private struct ReportSection: View {
    let report: ImportReport

    var body: some View {
        Section {
            Text("Created: \(report.created.count)")
            Text("Already clients: \(report.alreadyThere.count)")
            DisclosureGroup("Skipped: \(report.skipped.count)") {
                ForEach(report.skipped, id: \.index) { Text($0.reason).font(.footnote) }
            }
            if !report.filled.isEmpty {
                Text("Emails filled in for \(report.filled.count) clients")
            }
            if let category = report.category {
                CategoryReportRows(category: category)
            }
            if report.cancelled {
                Text("Stopped before the end; what was imported stays.").foregroundStyle(.orange)
            }
        }
    }
}

/// The confirmation before deleting what an import created (from the result or the history):
/// the core's text with the count (what is kept, that deleting is permanent), then the one
/// destructive step.
@MainActor
struct UndoConfirmation: ViewModifier {
    @Binding var isPresented: Bool
    let count: UInt64
    let undo: Action
    @Environment(\.locale) private var locale

    func body(content: Content) -> some View {
        content.confirmationDialog("Undo this import?", isPresented: $isPresented, titleVisibility: .visible) {
            Button("Delete \(Int(count)) clients permanently", role: .destructive, action: undo)
            Button("Cancel", role: .cancel) {}
        } message: {
            Text(renderMessage(message: Message.undoConfirm(count: count), locale: locale.identifier))
        }
    }
}

/// What "Undo import" did, in the core's words: how many were deleted, each client kept and
/// why, and how many were gone already.
@MainActor
private struct UndoReportSection: View {
    let report: UndoReport
    @Environment(\.locale) private var locale

    var body: some View {
        Section {
            Label(renderMessage(message: Message.undoDone(deleted: report.deleted, kept: UInt64(report.kept.count)),
                                locale: locale.identifier),
                  systemImage: "arrow.uturn.backward")
            if !report.kept.isEmpty {
                DisclosureGroup("\(report.kept.count) clients kept") {
                    ForEach(report.kept, id: \.clientId) { Text($0.label).font(.footnote) }
                }
            }
            if report.alreadyGone > 0 {
                Text("\(Int(report.alreadyGone)) clients were already gone").foregroundStyle(.secondary)
            }
        }
    }
}

/// A client undo kept: its number in the base, and why.
extension KeptClient {
    var label: LocalizedStringKey {
        switch reason {
        case .editedSince: return "Client #\(String(clientId)) · edited since the import"
        case .hasVisits: return "Client #\(String(clientId)) · has visits"
        case .visitsUnknown: return "Client #\(String(clientId)) · visits unknown, kept"
        }
    }
}

/// Where the import put the clients it created: the category, how many are confirmed in it,
/// and how many could not be (they were created all the same).
@MainActor
private struct CategoryReportRows: View {
    let category: CategoryReport

    var body: some View {
        Label {
            VStack(alignment: .leading, spacing: 2) {
                Text("Category “\(category.title)”")
                Text("\(Int(category.set)) clients put into the category").font(.footnote).foregroundStyle(.secondary)
                if category.createdCategory {
                    Text("This import created the category.").font(.footnote).foregroundStyle(.secondary)
                }
            }
        } icon: {
            Image(systemName: "tag")
        }
        if category.notSet > 0 {
            Text("\(Int(category.notSet)) clients could not be confirmed in the category").foregroundStyle(.orange)
        }
    }
}

/// The chooser's arrow after the number, as in the design's "+7 916 123-45-67 ▾".
private struct TrailingIcon: LabelStyle {
    func makeBody(configuration: Configuration) -> some View {
        HStack(spacing: 4) { configuration.title; configuration.icon.imageScale(.small) }
    }
}

/// The status chip. Which statuses can be selected mirrors the core's rule (new, or several
/// numbers to choose from), which `toggle` enforces anyway; the reason is the core's `problem`.
extension PreviewRow {
    var selectable: Bool { status == .new || status == .needsChoice }

    var statusLabel: LocalizedStringKey {
        switch status {
        case .new: return "New client"
        case .needsChoice: return "Several numbers"
        case .existingClient: return "Already client"
        case .duplicateInPhonebook: return "Repeated in the phonebook"
        case .noPhone: return "No number"
        case .invalidPhone: return "Invalid number"
        case .noName: return "No name"
        }
    }
}
