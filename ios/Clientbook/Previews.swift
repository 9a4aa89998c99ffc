import SwiftUI
import Clientbook

// Xcode previews of every state of both screens, driven through the real core (an in-memory
// database, a fixed permission, a made-up phonebook), so each preview shows what the core
// says for that state. The transient states (matching, importing, writing) are the core's
// list state with the phase and progress a running job would send.
// Look at each in English and Russian, light and dark, on a 320-point-wide device.

#if DEBUG
enum PreviewData {
    static let allRights = Rights(clientsAccess: true, clientsPhonesEmailAccess: true, clientsExcelAccess: true,
                                  clientsVisitMasterId: 0, clientsDeleteAccess: true)
    static let noRights = Rights(clientsAccess: false, clientsPhonesEmailAccess: false, clientsExcelAccess: false, clientsVisitMasterId: 0)
    /// Everything but deleting clients: the core refuses "Undo import".
    static let noDeleteRights = Rights(clientsAccess: true, clientsPhonesEmailAccess: true, clientsExcelAccess: true,
                                       clientsVisitMasterId: 0, clientsDeleteAccess: false)

    /// New, several numbers, an invalid number, no number, a repeat, a long name.
    static let phonebook: [PhonebookContact] = [
        contact("1", "Anna", "Ivanova", ["+7 916 123-45-67"]),
        contact("2", "Boris", nil, ["+7 903 000-11-22", "8 495 123-45-67"]),
        contact("3", "Olga", "Petrova", ["12345"]),
        contact("4", "Пётр", "Сидоров", []),
        contact("5", "Anna", "Ivanova", ["8 916 123 45 67"]),
        contact("6", "Maria-Antonietta Alexandra", "Konstantinopolskaya-Rimskaya", ["+7 926 555-00-11"]),
    ]

    /// For Select suggested and fill-in: a new contact; a toll-free number and a card from the
    /// app's own group, which the core does not suggest; and Olga, a client without an email
    /// (`clients`) whose card has one.
    static let suggestions: [PhonebookContact] = [
        contact("11", "Anna", "Ivanova", ["+7 916 123-45-67"]),
        contact("12", "Taxi", nil, ["8 800 555-35-35"]),
        contact("13", "Vera", "Smirnova", ["+7 926 555-12-34"], inAppGroup: true),
        contact("14", "Olga", "Petrova", ["+7 903 111-22-33"], emails: ["olga@example.com"]),
    ]
    /// The client base `suggestions` meets: Olga, without an email.
    static let clients: [PhonebookContact] = [contact("c1", "Olga", "Petrova", ["+7 903 111-22-33"])]

    static func contact(_ id: String, _ given: String, _ family: String?, _ numbers: [String],
                        emails: [String] = [], inAppGroup: Bool = false) -> PhonebookContact {
        PhonebookContact(platformId: id, givenName: given, middleName: nil, familyName: family, displayName: nil,
                         organization: nil, nickname: nil, phones: numbers.map { RawPhone(number: $0, label: .mobile) },
                         emails: emails, inAppGroup: inAppGroup)
    }

    /// A database whose clients are `clients`, imported through the core (an import the
    /// history lists).
    static func database(with clients: [PhonebookContact]) throws -> ClientDatabase {
        let database = try ClientDatabase.inMemory()
        if !clients.isEmpty {
            let seed = try ImportScreen.local(db: database, rights: allRights, settings: LocationSettings(), observer: nil)
            listed(clients)(seed)
            _ = seed.selectAll()
            _ = seed.commit()
        }
        return database
    }

    /// `drive` takes the core to the state to show before the view appears; without it the
    /// view starts from the beginning and the core asks for the given permission. `locale` is
    /// the core's language ("ru" with the Russian previews); `clients` are in the base first.
    @MainActor static func importModel(_ permission: ContactsPermission = .iosAuthorized, rights: Rights = allRights,
                                       locale: String = "en", clients: [PhonebookContact] = [],
                                       drive: @escaping (ImportScreen) -> Void = { _ in }) -> ImportModel {
        let database = try! PreviewData.database(with: clients)
        return try! ImportModel(permission: { permission }, phonebook: { _ in phonebook }) {
            let screen = try ImportScreen.local(db: database, rights: rights, settings: LocationSettings(locale: locale), observer: $0)
            drive(screen)
            return screen
        }
    }

    /// The list, after reading `contacts`.
    static func listed(_ contacts: [PhonebookContact] = phonebook) -> (ImportScreen) -> Void {
        { _ = $0.permissionChanged(permission: .iosAuthorized); _ = $0.contactsRead(contacts: contacts) }
    }

    /// The clients to export are the made-up phonebook, imported first; the phone has one.
    @MainActor static func exportModel(_ permission: ContactsPermission = .iosAuthorized, rights: Rights = allRights,
                            drive: @escaping (ExportScreen) -> Void = { _ in }) -> ExportModel {
        let database = try! ClientDatabase.inMemory()
        let seed = try! ImportScreen.local(db: database, rights: allRights, settings: LocationSettings(), observer: nil)
        listed()(seed)
        _ = seed.selectAll()
        _ = seed.commit()
        return try! ExportModel(permission: { permission }, phonebook: { _ in Array(phonebook.prefix(1)) }, write: { _, _ in }) {
            let screen = try ExportScreen.local(db: database, rights: rights, settings: LocationSettings(), observer: $0)
            drive(screen)
            return screen
        }
    }

    static func exportListed(_ screen: ExportScreen) {
        _ = screen.permissionChanged(permission: .iosAuthorized)
        _ = screen.contactsRead(deviceContacts: Array(phonebook.prefix(1)))
    }

    /// Suggestions and fill-in as listed: "Select suggested" applied (the toll-free number and
    /// the app's own card left out, each saying why), Olga's missing email ticked, and the new
    /// clients going into the core's category.
    static func suggested(_ screen: ImportScreen) {
        listed(suggestions)(screen)
        _ = screen.selectSuggested()
        _ = screen.fillInAll(fill: true)
        _ = screen.setCategory(enabled: true)
    }

    /// The result of importing every suggestion into an empty base, into the core's category.
    static func importedAll(_ screen: ImportScreen) {
        listed(suggestions)(screen)
        _ = screen.selectAll()
        _ = screen.setCategory(enabled: true)
        _ = screen.commit()
    }

    /// An undo running (on Altegio, a request per client), as the core reports it.
    @MainActor static func undoing(locale: String) -> ImportModel {
        let model = importModel(locale: locale, drive: importedAll)
        model.show(running(model.state) {
            $0.phase = .undoing
            $0.progress = ScreenProgress(stage: .undoing, done: 40, total: 120)
            $0.actions.cancel = true
            $0.actions.undo = false
            $0.actions.backToList = false
            $0.actions.undoFromHistory = false
        })
        return model
    }

    /// An undo cancelled partway, as the core words it (undo again from the history).
    @MainActor static func undoStopped(locale: String) -> ImportModel {
        let model = undoneModel(locale: locale)
        model.show(running(model.state) {
            $0.message = renderMessage(message: Message.undoStopped(deleted: 2), locale: locale)
            $0.undoReport?.cancelled = true
        })
        return model
    }

    /// After "Undo import": Anna was given an email since (a later import filled it in), so the
    /// undo keeps her and deletes the rest. The history then lists both imports.
    @MainActor static func undoneModel(locale: String) -> ImportModel {
        let database = try! ClientDatabase.inMemory()
        return try! ImportModel(permission: { .iosAuthorized }, phonebook: { _ in suggestions }) {
            let screen = try ImportScreen.local(db: database, rights: allRights, settings: LocationSettings(locale: locale), observer: $0)
            importedAll(screen)
            let later = try ImportScreen.local(db: database, rights: allRights, settings: LocationSettings(), observer: nil)
            listed([contact("21", "Anna", "Ivanova", ["+7 916 123-45-67"], emails: ["anna@example.com"])])(later)
            _ = later.fillInAll(fill: true)
            _ = later.commit()
            _ = screen.undo()
            return screen
        }
    }

    /// A running job as the core would report it, on top of the list state.
    static func running<State>(_ state: State, _ edit: (inout State) -> Void) -> State {
        var copy = state
        edit(&copy)
        return copy
    }
}

#Preview("Import · permission not asked") { NavigationView { ImportView(model: PreviewData.importModel(.iosNotDetermined)) } }
#Preview("Import · denied") { NavigationView { ImportView(model: PreviewData.importModel(.iosDenied)) } }
#Preview("Import · restricted") { NavigationView { ImportView(model: PreviewData.importModel(.iosRestricted)) } }
#Preview("Import · limited (iOS 18)") {
    NavigationView {
        ImportView(model: PreviewData.importModel(.iosLimited) {
            _ = $0.permissionChanged(permission: .iosLimited)
            _ = $0.contactsRead(contacts: PreviewData.phonebook)
        })
    }
}
#Preview("Import · rights missing") { NavigationView { ImportView(model: PreviewData.importModel(rights: PreviewData.noRights)) } }
#Preview("Import · list") { NavigationView { ImportView(model: PreviewData.importModel(drive: PreviewData.listed())) } }
#Preview("Import · list (ru)") {
    NavigationView { ImportView(model: PreviewData.importModel(locale: "ru", drive: PreviewData.listed())) }
        .russian()
}
#Preview("Import · suggested, fill-in") {
    NavigationView { ImportView(model: PreviewData.importModel(clients: PreviewData.clients, drive: PreviewData.suggested)) }
}
#Preview("Import · suggested, fill-in (ru)") {
    NavigationView {
        ImportView(model: PreviewData.importModel(locale: "ru", clients: PreviewData.clients, drive: PreviewData.suggested))
    }
    .russian()
}
#Preview("Import · fill-in only") {
    NavigationView {
        ImportView(model: PreviewData.importModel(clients: PreviewData.clients) {
            PreviewData.listed(PreviewData.suggestions)($0)
            _ = $0.fillInAll(fill: true)
        })
    }
}
#Preview("Import · empty phonebook") { NavigationView { ImportView(model: PreviewData.importModel(drive: PreviewData.listed([]))) } }
#Preview("Import · reading") {
    let model = PreviewData.importModel(drive: PreviewData.listed())
    model.show(PreviewData.running(model.state) {
        $0.phase = .reading
        $0.progress = ScreenProgress(stage: .reading, done: 1200, total: 0)
        $0.actions.cancel = true
    })
    return NavigationView { ImportView(model: model) }
}
#Preview("Import · matching") {
    let model = PreviewData.importModel(drive: PreviewData.listed())
    model.show(PreviewData.running(model.state) {
        $0.phase = .matching
        $0.progress = ScreenProgress(stage: .matching, done: 480, total: 1204)
        $0.actions.cancel = true
    })
    return NavigationView { ImportView(model: model) }
}
#Preview("Import · importing") {
    let model = PreviewData.importModel(drive: PreviewData.listed())
    model.show(PreviewData.running(model.state) {
        $0.phase = .committing
        $0.progress = ScreenProgress(stage: .importing, done: 200, total: 1204)
        $0.actions.cancel = true
    })
    return NavigationView { ImportView(model: model) }
}
#Preview("Import · phonebook failed") {
    NavigationView {
        ImportView(model: PreviewData.importModel {
            _ = $0.permissionChanged(permission: .iosAuthorized)
            _ = $0.readingFailed()
        })
    }
}
#Preview("Import · result") {
    NavigationView {
        ImportView(model: PreviewData.importModel {
            PreviewData.listed()($0)
            _ = $0.selectAll()
            _ = $0.commit()
        })
    }
}

#Preview("Import · undo confirmation") {
    NavigationView { ImportView(model: PreviewData.importModel(drive: PreviewData.importedAll), confirmingUndo: true) }
}
#Preview("Import · undo confirmation (ru)") {
    NavigationView {
        ImportView(model: PreviewData.importModel(locale: "ru", drive: PreviewData.importedAll), confirmingUndo: true)
    }
    .russian()
}
#Preview("Import · undoing") { NavigationView { ImportView(model: PreviewData.undoing(locale: "en")) } }
#Preview("Import · undoing (ru)") { NavigationView { ImportView(model: PreviewData.undoing(locale: "ru")) }.russian() }
#Preview("Import · undo stopped") { NavigationView { ImportView(model: PreviewData.undoStopped(locale: "en")) } }
#Preview("Import · undo stopped (ru)") { NavigationView { ImportView(model: PreviewData.undoStopped(locale: "ru")) }.russian() }
#Preview("Import · undone") { NavigationView { ImportView(model: PreviewData.undoneModel(locale: "en")) } }
#Preview("Import · undone (ru)") { NavigationView { ImportView(model: PreviewData.undoneModel(locale: "ru")) }.russian() }
#Preview("Import · undo refused") {
    NavigationView {
        ImportView(model: PreviewData.importModel(rights: PreviewData.noDeleteRights) {
            PreviewData.importedAll($0)
            _ = $0.undo()
        })
    }
}
#Preview("Import · undo refused (ru)") {
    NavigationView {
        ImportView(model: PreviewData.importModel(rights: PreviewData.noDeleteRights, locale: "ru") {
            PreviewData.importedAll($0)
            _ = $0.undo()
        })
    }
    .russian()
}
#Preview("Import · history") {
    NavigationView { ImportView(model: PreviewData.undoneModel(locale: "en"), showingHistory: true) }
}
#Preview("Import · history (ru)") {
    NavigationView { ImportView(model: PreviewData.undoneModel(locale: "ru"), showingHistory: true) }.russian()
}
#Preview("Import · history, empty") {
    NavigationView { ImportView(model: PreviewData.importModel(drive: PreviewData.listed()), showingHistory: true) }
}

#Preview("Export · permission not asked") { NavigationView { ExportView(model: PreviewData.exportModel(.iosNotDetermined)) } }
#Preview("Export · denied") { NavigationView { ExportView(model: PreviewData.exportModel(.iosDenied)) } }
#Preview("Export · rights missing") { NavigationView { ExportView(model: PreviewData.exportModel(rights: PreviewData.noRights)) } }
#Preview("Export · list") { NavigationView { ExportView(model: PreviewData.exportModel(drive: PreviewData.exportListed)) } }
#Preview("Export · writing") {
    let model = PreviewData.exportModel(drive: PreviewData.exportListed)
    model.show(PreviewData.running(model.state) {
        $0.phase = .committing
        $0.progress = ScreenProgress(stage: .writing, done: 200, total: 650)
        $0.actions.cancel = true
    })
    return NavigationView { ExportView(model: model) }
}
#Preview("Export · result") {
    NavigationView {
        ExportView(model: PreviewData.exportModel {
            PreviewData.exportListed($0)
            _ = $0.selectAll()
            let contacts = $0.beginWrite()
            _ = $0.written(batch: contacts.map { WrittenContact(clientId: $0.clientId, platformId: "preview-\($0.clientId)") })
            _ = $0.writeFinished(failed: false)
        })
    }
}
extension View {
    /// Russian labels; pass `locale: "ru"` to the core too, for its texts.
    func russian() -> some View { self.environment(\.locale, Foundation.Locale(identifier: "ru")) }
}
#endif
