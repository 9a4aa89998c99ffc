import SwiftUI
import Clientbook

/// "History": the imports made to this client base, newest first, as the core lists them (when
/// each started, what it created, found and skipped, what undo removed since, how it ended).
/// Read again each time the sheet opens.
@MainActor
struct ImportHistoryView: View {
    @ObservedObject var model: ImportModel
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
                ForEach(records, id: \.id) { ImportRecordRow(record: $0) }
            }
        }
        .navigationTitle("Import history")
        .toolbar {
            ToolbarItem(placement: .confirmationAction) {
                Button("Done") { dismiss() }
            }
        }
        .onAppear { model.loadHistory() }
    }
}

/// One import: when it started, how it ended, and its counts.
@MainActor
private struct ImportRecordRow: View {
    let record: ImportRecord

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

/// How an import ended, as `clientbook imports` says it: never finished (the app was killed
/// or the phone turned off: what it created stays listed), failed, stopped, or done.
extension ImportRecord {
    var endedNormally: Bool { finishedAt != nil && !failed && !cancelled }

    var endLabel: LocalizedStringKey {
        if finishedAt == nil { return "Interrupted" }
        if failed { return "Failed" }
        if cancelled { return "Stopped" }
        return "Done"
    }
}
