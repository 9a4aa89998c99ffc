import SwiftUI
import Clientbook

/// "Save to phonebook": clients into the device phonebook, in the group "Altegio clients".
/// Missing rights, the list, progress and the result all come from `model.state`.
@MainActor
struct ExportView: View {
    @StateObject private var model: ExportModel
    @State private var query = ""
    @Environment(\.scenePhase) private var scenePhase

    init(model: @autoclosure @escaping () -> ExportModel) {
        _model = StateObject(wrappedValue: model())
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
            if let written = state.written {
                Section {
                    Text("Saved \(Int(written)) contacts to the group “\(ContactsWriter.groupName)”")
                    if state.cancelled {
                        Text("Stopped before the end; what was saved stays.").foregroundStyle(.orange)
                    }
                }
            }
            if state.phase == .list {
                Section {
                    Text("\(Int(state.visibleCount)) clients · \(Int(state.alreadyOnPhone)) already on the phone")
                        .font(.footnote).foregroundStyle(.secondary)
                    SelectionButtons(selectAll: actions.selectAll ? model.selectAll : nil,
                                     selectNone: actions.selectNone ? model.selectNone : nil)
                }
                Section {
                    ForEach(model.rows, id: \.clientId) { row in
                        ExportRowView(row: row, toggle: { model.toggle(row) })
                            .onAppear { model.rowAppeared(row) }
                    }
                }
            }
        }
        .navigationTitle("Save to phonebook")
        .searchable(text: $query, prompt: Text("Search name or number"))
        .onChange(of: query) { model.search($0) }
        .safeAreaInset(edge: .bottom) {
            if state.phase == .list {
                PrimaryBar(title: "Export selected (\(Int(state.selected)))", enabled: actions.exportSelected, action: model.export)
            }
        }
        .onAppear { if model.state.phase == .start { model.permissionChanged() } }
        .onChange(of: scenePhase) { if $0 == .active { model.permissionChanged() } }
    }
}

/// One client: checkbox, name, number, and "Already on the phone" (the core's words) when it is.
@MainActor
private struct ExportRowView: View {
    let row: ExportRow
    let toggle: Action

    var body: some View {
        HStack(alignment: .top, spacing: 12) {
            CheckMark(selectable: row.status == .new, selected: row.selected, toggle: toggle)
            VStack(alignment: .leading, spacing: 2) {
                Text(row.displayName).lineLimit(2)
                Text(row.phone).lineLimit(1).monospacedDigit()
                if row.status == .inPhonebook {
                    Text("Already on the phone").font(.caption).foregroundStyle(.secondary)
                }
            }
            .opacity(row.status == .new ? 1 : 0.6)
        }
    }
}
