import SwiftUI
import UIKit
import Clientbook
#if compiler(>=6.0)
import ContactsUI
#endif

/// The import screen. It draws what `ImportModel` publishes: statuses, counts, explanations and
/// problems all come from the core; the only words of its own are labels and the status names.
/// `@MainActor` as a whole (Xcode 15's SDK isolates only `body`), so every helper may call the
/// model.
@MainActor
struct ImportView: View {
    @StateObject private var model: ImportModel
    @Environment(\.openURL) private var openURL

    init(model: @autoclosure @escaping () -> ImportModel) {
        _model = StateObject(wrappedValue: model())
    }

    var body: some View {
        VStack(spacing: 0) {
            banners
            if let progress = model.progress {
                ProgressBanner(progress: progress)
            }
            list
        }
        .navigationTitle("Import from phonebook")
        .safeAreaInset(edge: .bottom) { bottomBar }
        .onAppear {
            if model.phase == .idle && model.summary == nil && model.problem == nil {
                model.load()
            }
        }
    }

    // MARK: - Banners

    @ViewBuilder private var banners: some View {
        if let problem = model.problem {
            ProblemBanner(
                problem: problem,
                requestAccess: {
                    Task { @MainActor in
                        _ = await ContactsPermissionState.request()
                        model.load()
                    }
                },
                openSettings: {
                    if let url = URL(string: UIApplication.openSettingsURLString) {
                        openURL(url)
                    }
                },
                dismiss: { model.problem = nil }
            )
        }
        if let note = model.permissionNote {
            Banner(text: note.explanation, tint: .blue) {
                #if compiler(>=6.0)
                if #available(iOS 18.0, *) {
                    MoreContactsButton { model.load() }
                }
                #endif
            }
        }
        if let report = model.report {
            Banner(text: reportText(report), tint: report.cancelled ? .orange : .green) {
                EmptyView()
            }
        }
    }

    private func reportText(_ report: ImportReport) -> String {
        var text = String(
            format: NSLocalizedString("Created %lld clients. %lld were already clients. %lld skipped.", comment: "Import result"),
            Int64(report.created.count), Int64(report.alreadyThere.count), Int64(report.skipped.count)
        )
        if report.cancelled {
            text += " " + NSLocalizedString("Stopped on request; import again to add the rest.", comment: "Import result")
        }
        return text
    }

    // MARK: - List

    private var list: some View {
        List {
            if let summary = model.summary {
                Section {
                    SummaryView(summary: summary)
                }
            }
            Section {
                ForEach(model.rows, id: \.index) { row in
                    PreviewRowView(
                        row: row,
                        enabled: !model.isBusy,
                        toggle: { model.toggle(row) },
                        choose: { phone in model.chooseNumber(row, phone: phone) }
                    )
                    .onAppear { model.loadMoreIfNeeded(after: row) }
                }
            }
        }
        .listStyle(.plain)
    }

    // MARK: - Bottom bar

    private var bottomBar: some View {
        HStack {
            switch model.phase {
            case .reading, .matching, .committing:
                Spacer()
                Button("Cancel", role: .cancel) { model.cancel() }
            case .idle, .ready, .done:
                Button("Select all") { model.selectAll() }
                    .disabled(model.summary == nil)
                Spacer()
                Button {
                    model.commit()
                } label: {
                    Text("Import \(model.summary?.selected ?? 0)")
                }
                .buttonStyle(.borderedProminent)
                .disabled((model.summary?.selected ?? 0) == 0)
            }
        }
        .padding()
        .background(.bar)
    }
}

// MARK: - Pieces

private struct ProgressBanner: View {
    let progress: JobProgress

    var body: some View {
        VStack(alignment: .leading, spacing: 4) {
            if let total = progress.total, total > 0 {
                ProgressView(value: Double(min(progress.done, total)), total: Double(total))
            } else {
                ProgressView()
                    .frame(maxWidth: .infinity, alignment: .leading)
            }
            Text(caption)
                .font(.caption)
                .foregroundColor(.secondary)
        }
        .padding(.horizontal)
        .padding(.vertical, 8)
    }

    private var caption: LocalizedStringKey {
        switch progress.stage {
        case .readingPhonebook: return "Reading the phonebook: \(progress.done)"
        case .matching: return "Comparing with the client database…"
        case .importing: return "Importing: \(progress.done) of \(progress.total ?? 0)"
        case .writingPhonebook: return "Saving to the phonebook: \(progress.done) of \(progress.total ?? 0)"
        }
    }
}

private struct ProblemBanner: View {
    let problem: CoreProblem
    let requestAccess: () -> Void
    let openSettings: () -> Void
    let dismiss: () -> Void

    var body: some View {
        Banner(text: text, tint: .red) {
            if case .permission(let advice) = problem {
                switch advice.action {
                case .requestPermission:
                    Button("Allow access", action: requestAccess)
                case .openSettings:
                    Button("Open Settings", action: openSettings)
                case .proceed, .proceedLimited, .unavailable:
                    EmptyView()
                }
            } else {
                Button("OK", action: dismiss)
            }
        }
    }

    /// The core's own words, except for a phonebook failure, which the core never sees.
    private var text: String {
        switch problem {
        case .missingRights(let explanation),
             .signInRequired(let explanation),
             .rightsChanged(let explanation),
             .licenceExpired(let explanation):
            return explanation
        case .permission(let advice):
            return advice.explanation
        case .coreMessage(let message):
            return message
        case .phonebook(let writing):
            return writing
                ? NSLocalizedString("Could not save to the phonebook.", comment: "Phonebook failure")
                : NSLocalizedString("Could not read the phonebook.", comment: "Phonebook failure")
        }
    }
}

private struct Banner<Actions: View>: View {
    let text: String
    let tint: Color
    @ViewBuilder let actions: () -> Actions

    var body: some View {
        VStack(alignment: .leading, spacing: 8) {
            Text(text)
                .font(.callout)
                .fixedSize(horizontal: false, vertical: true)
            actions()
        }
        .frame(maxWidth: .infinity, alignment: .leading)
        .padding()
        .background(tint.opacity(0.12))
    }
}

private struct SummaryView: View {
    let summary: Summary

    var body: some View {
        VStack(alignment: .leading, spacing: 2) {
            Text("\(summary.selected) of \(summary.total) selected")
                .font(.headline)
            Text("New: \(summary.new) · Already clients: \(summary.existingClient) · Repeated: \(summary.duplicateInPhonebook)")
            Text("To check: \(summary.needsChoice) · No number: \(summary.noPhone) · Invalid number: \(summary.invalidPhone) · No name: \(summary.noName)")
        }
        .font(.caption)
        .foregroundColor(.secondary)
    }
}

private struct PreviewRowView: View {
    let row: PreviewRow
    let enabled: Bool
    let toggle: () -> Void
    let choose: (Int) -> Void

    var body: some View {
        HStack(alignment: .top, spacing: 12) {
            Button(action: toggle) {
                Image(systemName: row.selected ? "checkmark.circle.fill" : "circle")
                    .imageScale(.large)
            }
            .buttonStyle(.borderless)
            .disabled(!enabled)
            .accessibilityLabel(row.selected ? Text("Selected") : Text("Not selected"))

            VStack(alignment: .leading, spacing: 4) {
                Text(row.displayName)
                if let phone = chosenPhone {
                    Text(phone.raw)
                        .font(.subheadline)
                        .foregroundColor(.secondary)
                }
                Text(statusName)
                    .font(.caption)
                    .foregroundColor(.secondary)
                if let problem = row.problem {
                    Text(problem)
                        .font(.caption)
                        .foregroundColor(.orange)
                }
                if row.status == .needsChoice {
                    numberPicker
                }
            }
        }
        .padding(.vertical, 2)
    }

    private var chosenPhone: Phone? {
        guard let chosen = row.chosenPhone, Int(chosen) < row.phones.count else { return nil }
        return row.phones[Int(chosen)]
    }

    /// Every number the core kept for the contact; the core says which can be chosen.
    private var numberPicker: some View {
        Menu {
            ForEach(Array(row.phones.enumerated()), id: \.offset) { item in
                Button {
                    choose(item.offset)
                } label: {
                    if UInt32(item.offset) == row.chosenPhone {
                        Label(item.element.raw, systemImage: "checkmark")
                    } else {
                        Text(item.element.raw)
                    }
                }
                .disabled(!item.element.valid)
            }
        } label: {
            Label("Choose number", systemImage: "phone")
                .font(.caption)
        }
        .disabled(!enabled)
    }

    private var statusName: LocalizedStringKey {
        switch row.status {
        case .new: return "New client"
        case .existingClient: return "Already a client"
        case .duplicateInPhonebook: return "Same number as an earlier contact"
        case .needsChoice: return "Several numbers: choose one"
        case .noPhone: return "No phone number"
        case .invalidPhone: return "No valid phone number"
        case .noName: return "No name"
        }
    }
}

#if compiler(>=6.0)
/// iOS 18 limited access: lets the user share more contacts, then the screen reads again.
@available(iOS 18.0, *)
private struct MoreContactsButton: View {
    let onShared: () -> Void
    @State private var picking = false

    var body: some View {
        Button("Choose more contacts") { picking = true }
            .contactAccessPicker(isPresented: $picking) { _ in onShared() }
    }
}
#endif
