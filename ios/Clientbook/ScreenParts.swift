import SwiftUI
import UIKit
import Clientbook
#if compiler(>=6.0)
import ContactsUI
#endif

// Pieces both screens draw the same way. Every text shown here is the core's (already in the
// staff's language) except the labels, which come from Localizable.xcstrings. `@MainActor` as a
// whole (Xcode 15's SDK isolates only `body`), so the actions may call the models.

/// A button's action: a model method, on the main actor.
typealias Action = @MainActor () -> Void

/// The core's message for the state (rights missing, empty phonebook, a failure, the result),
/// with the one step the state's actions allow.
@MainActor
struct MessageSection: View {
    let message: String?
    let failed: Bool
    var retry: Action?
    var back: Action?

    var body: some View {
        if let message {
            Section {
                Label(message, systemImage: failed ? "exclamationmark.triangle" : "info.circle")
                    .foregroundStyle(failed ? Color.red : Color.primary)
                    .fixedSize(horizontal: false, vertical: true)
                if let retry {
                    Button("Try again", action: retry)
                }
                if let back {
                    Button("Back to the list", action: back)
                }
            }
        }
    }
}

/// What the core advises about the contacts permission, and the step it names: the system
/// dialog, Settings, or (iOS 18 limited access) sharing more contacts.
@MainActor
struct PermissionSection: View {
    let advice: PermissionAdvice
    let query: String
    let request: Action
    let recheck: Action
    @Environment(\.openURL) private var openURL

    var body: some View {
        Section {
            Text(advice.explanation)
                .fixedSize(horizontal: false, vertical: true)
            switch advice.action {
            case .requestPermission:
                Button("Allow access", action: request)
            case .openSettings:
                Button("Open Settings") {
                    if let url = URL(string: UIApplication.openSettingsURLString) {
                        openURL(url)
                    }
                }
            case .proceedLimited:
                MoreContacts(query: query, shared: recheck)
            case .proceed, .unavailable:
                EmptyView()
            }
        }
    }
}

/// iOS 18 limited access: the system's button for contacts matching the search that are not
/// shared yet, and the picker for any others. Either way the screen then reads again. Nothing
/// before iOS 18 (or with Xcode 15's SDK), where limited access does not exist.
@MainActor
private struct MoreContacts: View {
    let query: String
    let shared: Action

    var body: some View {
        #if compiler(>=6.0)
        if #available(iOS 18.0, *) {
            MoreContacts18(query: query, shared: shared)
        }
        #else
        EmptyView()
        #endif
    }
}

#if compiler(>=6.0)
@available(iOS 18.0, *)
@MainActor
private struct MoreContacts18: View {
    let query: String
    let shared: Action
    @State private var picking = false

    var body: some View {
        if !query.isEmpty {
            ContactAccessButton(queryString: query) { _ in shared() }
        }
        Button("Choose more contacts") { picking = true }
            .contactAccessPicker(isPresented: $picking) { _ in shared() }
    }
}
#endif

/// Reading, refreshing, matching, importing, writing or undoing, with Cancel while the core
/// allows it.
@MainActor
struct ProgressSection: View {
    let progress: ScreenProgress
    let cancel: Action?

    var body: some View {
        Section {
            if progress.total > 0 {
                ProgressView(value: Double(min(progress.done, progress.total)), total: Double(progress.total))
            } else {
                ProgressView().frame(maxWidth: .infinity, alignment: .leading)
            }
            Text(caption).font(.callout).monospacedDigit()
            if let cancel {
                Button("Cancel", role: .cancel, action: cancel)
            }
        }
    }

    private var caption: LocalizedStringKey {
        let done = Int(progress.done), total = Int(progress.total)
        switch progress.stage {
        case .reading: return "Reading contacts… \(done)"
        case .refreshing: return "Updating the client base… \(done)"
        case .matching: return total > 0 ? "Matching with the client base… \(done * 100 / total)%" : "Matching with the client base…"
        case .importing: return "Imported \(done) of \(total)"
        case .writing: return "Saved \(done) of \(total) to the phonebook"
        case .undoing: return total > 0 ? "Undoing the import… \(done) of \(total)" : "Undoing the import…"
        }
    }
}

/// "Select all" and "Select none", each when the core allows it.
@MainActor
struct SelectionButtons: View {
    let selectAll: Action?
    let selectNone: Action?

    var body: some View {
        HStack {
            if let selectAll {
                Button("Select all", action: selectAll).buttonStyle(.borderless)
            }
            Spacer()
            if let selectNone {
                Button("Select none", action: selectNone).buttonStyle(.borderless)
            }
        }
    }
}

/// The sticky bottom bar: how many are selected, and the primary action, disabled at 0.
@MainActor
struct PrimaryBar: View {
    let title: LocalizedStringKey
    let enabled: Bool
    let action: Action

    var body: some View {
        Button(action: action) {
            Text(title).frame(maxWidth: .infinity)
        }
        .buttonStyle(.borderedProminent)
        .disabled(!enabled)
        .padding()
        .background(.bar)
    }
}

/// A row's checkbox, or a dimmed dash for a row the core will not let staff select.
@MainActor
struct CheckMark: View {
    let selectable: Bool
    let selected: Bool
    let toggle: Action

    var body: some View {
        if selectable {
            Button(action: toggle) {
                Image(systemName: selected ? "checkmark.square.fill" : "square").imageScale(.large)
            }
            .buttonStyle(.borderless)
            .accessibilityLabel(selected ? Text("Selected") : Text("Not selected"))
        } else {
            Image(systemName: "minus").foregroundStyle(.secondary).frame(width: 22)
        }
    }
}

/// A checkbox with its text, for an option the core lets staff switch (filling in an email, on
/// a row or for all); `set` is nil while the core does not allow changing it.
@MainActor
struct CheckRow: View {
    let title: Text
    let checked: Bool
    let set: (@MainActor (Bool) -> Void)?

    var body: some View {
        Button {
            set?(!checked)
        } label: {
            Label {
                title.fixedSize(horizontal: false, vertical: true)
            } icon: {
                Image(systemName: checked ? "checkmark.square.fill" : "square")
            }
        }
        .buttonStyle(.borderless)
        .disabled(set == nil)
        .accessibilityValue(checked ? Text("Selected") : Text("Not selected"))
    }
}

/// Relays the core's states, which it sends from its worker thread, to a model on the main
/// thread. `model` is only read and written on the main thread, which makes the unchecked
/// `Sendable` true.
final class StateRelay<Model: AnyObject>: @unchecked Sendable {
    weak var model: Model?

    func deliver(_ show: @escaping @MainActor @Sendable (Model) -> Void) {
        DispatchQueue.main.async { [weak self] in
            if let model = self?.model { show(model) }
        }
    }
}
