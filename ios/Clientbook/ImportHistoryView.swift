import SwiftUI
import Clientbook

/// "History": the imports made to this client base, newest first, as the core lists them (when
/// each started, what it created, found and skipped, what undo removed since, how it ended),
/// each with "Undo import" while it has clients left to delete and the core allows it. Read
/// again each time the sheet opens. A confirmed undo closes the sheet: the screen shows its
/// progress with Cancel, then what it did.
@MainActor
struct ImportHistoryView: View {
    @ObservedObject var model: ImportModel
    @State private var confirming = false
    @State private var chosen: ImportRecord?
    @Environment(\.dismiss) private var dismiss

    var body: some View {
        List {
            switch model.history {
            case .loading:
                ProgressView().frame(maxWidth: .infinity)
            case .unreadable:
                Label("The import history could not be read.", systemImage: "exclamationmark.triangle")
                    .foregroundStyle(.red)
            case .loaded(let records):
                if records.isEmpty {
                    Text("No imports yet.").foregroundStyle(.secondary)
                }
                ForEach(records, id: \.id) { record in
                    ImportRecordRow(record: record, undo: canUndo(record) ? { ask(record) } : nil)
                }
            }
        }
        .modifier(UndoConfirmation(isPresented: $confirming, count: chosen?.left ?? 0, undo: undo))
        .navigationTitle("Import history")
        .toolbar {
            ToolbarItem(placement: .confirmationAction) {
                Button("Done") { dismiss() }
            }
        }
        .onAppear { model.loadHistory() }
    }

    private func canUndo(_ record: ImportRecord) -> Bool {
        model.state.actions.undoFromHistory && record.left > 0
    }

    private func ask(_ record: ImportRecord) {
        chosen = record
        confirming = true
    }

    private func undo() {
        if let chosen { model.undoImport(chosen) }
        dismiss()
    }
}

/// One import: when it started, how it ended, its counts, and Undo when offered.
@MainActor
private struct ImportRecordRow: View {
    let record: ImportRecord
    let undo: Action?

    var body: some View {
        VStack(alignment: .leading, spacing: 4) {
            HStack(alignment: .firstTextBaseline) {
                started.font(.headline)
                Spacer()
                Text(record.endLabel).font(.caption)
                    .foregroundStyle(record.endedNormally ? Color.secondary : Color.orange)
            }
            (Text("\(Int(record.created)) new clients") + Text(verbatim: " · ")
                + Text("\(Int(record.alreadyThere)) already clients") + Text(verbatim: " · ")
                + Text("\(Int(record.skipped)) contacts skipped"))
                .font(.footnote).foregroundStyle(.secondary)
            if record.undone > 0 {
                Text("\(Int(record.undone)) clients deleted by undo").font(.footnote).foregroundStyle(.secondary)
            }
            if let undo {
                Button("Undo import", role: .destructive, action: undo).buttonStyle(.borderless)
            }
        }
    }

    /// The core's UTC time (ISO 8601) in the staff's calendar, language and time zone.
    private var started: Text {
        guard let date = ISO8601DateFormatter().date(from: record.startedAt) else {
            return Text(verbatim: record.startedAt)
        }
        return Text(date, format: .dateTime.day().month().year().hour().minute())
    }
}

/// How an import ended, as the core's `outcome` says (and `clientbook imports`): never
/// finished (the app was killed or the phone turned off: what it created stays listed),
/// failed, stopped, or done.
extension ImportRecord {
    var endedNormally: Bool { outcome == .done }

    /// The clients an undo of this import would still delete: the count to confirm.
    var left: UInt64 { created > undone ? created - undone : 0 }

    var endLabel: LocalizedStringKey {
        switch outcome {
        case .interrupted: return "Interrupted"
        case .failed: return "Failed"
        case .cancelled: return "Stopped"
        case .done: return "Done"
        }
    }
}
