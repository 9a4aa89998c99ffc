//! The app's log sink: it receives the core's logs at the level asked for, a second install
//! replaces the first, and across a whole local import and export and an Altegio round trip
//! not one phone number, name, email or token reaches it.
//!
//! The sink is process-wide, so the tests here take turns (`SERIAL`); this file is its own
//! test binary, so no other test's logs mix in.

use std::sync::{Arc, Mutex, MutexGuard};

use altegio_testserver::{Config, LoopbackTransport, TestServer};
use clientbook_core::altegio::{HttpRequest, HttpResponse, Transport};
use clientbook_core::contact::{PhonebookContact, RawPhone};
use clientbook_core::permission::ContactsPermission;
use clientbook_core::phone::PhoneLabel;
use clientbook_ffi::*;

/// Every personal value the round trip handles, in every spelling it might be logged in.
const SECRETS: &[&str] = &[
    "79169876543",
    "987-65-43",
    "9876543",
    "Zyxwvutova",
    "Qwertyna",
    "qwertyna@secret.example",
    "79035551122",
    "555-11-22",
    "Plokhij",
    "Mnbvcxz",
    "mnbvcxz@secret.example",
    "79057773344",
    "Serverova",
    "serverova@secret.example",
    "Walkinova",
    "79264440011",
    "444-00-11",
    "partner-token",
    "user-token",
];

static SERIAL: Mutex<()> = Mutex::new(());

fn serial() -> MutexGuard<'static, ()> {
    SERIAL.lock().unwrap_or_else(|p| p.into_inner())
}

#[derive(Default)]
struct Captured(Mutex<Vec<(LogLevel, String, String)>>);

impl LogSink for Captured {
    fn log(&self, level: LogLevel, target: String, message: String) {
        self.0.lock().unwrap().push((level, target, message));
    }
}

impl Captured {
    fn records(&self) -> Vec<(LogLevel, String, String)> {
        self.0.lock().unwrap().clone()
    }

    fn text(&self) -> String {
        self.records()
            .iter()
            .map(|(level, target, message)| format!("{level:?} {target} {message}\n"))
            .collect()
    }
}

fn contact(id: &str, given: &str, family: &str, number: &str, email: &str) -> PhonebookContact {
    PhonebookContact {
        platform_id: id.into(),
        given_name: Some(given.into()),
        family_name: Some(family.into()),
        phones: vec![RawPhone {
            number: number.into(),
            label: PhoneLabel::Mobile,
        }],
        emails: vec![email.into()],
        ..Default::default()
    }
}

fn settings() -> LocationSettings {
    LocationSettings {
        region: "RU".into(),
        last_name_hidden: false,
        batch_size: 500,
        locale: "ru".into(),
        location_numbers: Vec::new(),
        staff_numbers: Vec::new(),
        import_category: None,
        category_title: None,
    }
}

struct Rust(LoopbackTransport);

impl HttpTransport for Rust {
    fn send(&self, request: HttpRequest) -> Result<HttpResponse, ClientbookError> {
        self.0
            .send(request)
            .map_err(|e| ClientbookError::Network { reason: e.0 })
    }
}

#[test]
fn nothing_personal_reaches_the_sink_in_a_whole_round_trip() {
    let _turn = serial();
    let sink = Arc::new(Captured::default());
    install_log_sink(sink.clone(), LogLevel::Trace).unwrap();
    let granted = ContactsPermission::AndroidGranted;

    // Local: import two contacts (one twice, so there is a duplicate), then export them.
    let db = ClientDatabase::in_memory().unwrap();
    let anna = contact(
        "p1",
        "Qwertyna",
        "Zyxwvutova",
        "8 (916) 987-65-43",
        "qwertyna@secret.example",
    );
    let boris = contact(
        "p2",
        "Mnbvcxz",
        "Plokhij",
        "+7 903 555-11-22",
        "mnbvcxz@secret.example",
    );
    let import = ImportSession::new(
        db.clone(),
        vec![anna.clone(), boris.clone(), anna.clone()],
        full_rights(),
        granted,
        settings(),
        None,
        None,
    )
    .unwrap();
    assert_eq!(import.select_all(), 2);
    assert_eq!(import.commit(None, None).unwrap().created.len(), 2);
    let export =
        ExportSession::new(db.clone(), vec![], full_rights(), granted, settings()).unwrap();
    assert_eq!(export.select_all(), 2);
    assert_eq!(export.contacts_to_write().len(), 2);

    // Altegio: the server already has one client; import two, refresh, export everything.
    let server = TestServer::start(Config {
        rights: serde_json::json!({"clients_access": true, "clients_phones_email_access": true,
            "clients_excel_access": true, "clients_visit_master_id": 0,
            "clients_delete_access": true, "clients_edit_access": true}),
        ..Config::default()
    });
    server.seed([("Serverova".to_string(), "79057773344".to_string())]);
    let connection = AltegioConnection::new(
        format!("http://127.0.0.1:{}", server.port()),
        4242,
        "partner-token".into(),
        "user-token".into(),
        "RU".into(),
        ClientDatabase::in_memory().unwrap(),
        Arc::new(Rust(LoopbackTransport)),
    )
    .unwrap();
    let remote = ImportSession::for_altegio(
        connection.clone(),
        vec![anna, boris],
        granted,
        settings(),
        None,
        None,
    )
    .unwrap();
    assert_eq!(remote.select_all(), 2);
    assert_eq!(remote.commit(None, None).unwrap().created.len(), 2);
    connection.refresh(true, None, None).unwrap();
    let remote_export =
        ExportSession::for_altegio(connection.clone(), vec![], granted, settings()).unwrap();
    assert_eq!(remote_export.select_all(), 3);
    assert_eq!(remote_export.contacts_to_write().len(), 3);
    // The import screen on Altegio: a new client into the category, an email filled in on
    // the seeded one (read, merge, PUT), then the import undone (GET, DELETE).
    let screen = ImportScreen::altegio(connection.clone(), settings(), None);
    screen.permission_changed(granted);
    let state = screen.contacts_read(vec![
        contact(
            "p3",
            "Walkinova",
            "Walkinova",
            "+7 926 444-00-11",
            "walkinova@secret.example",
        ),
        contact(
            "p4",
            "Serverova",
            "Serverova",
            "+7 905 777-33-44",
            "serverova@secret.example",
        ),
    ]);
    assert_eq!(state.fill_in_offered, 1);
    screen.fill_in_all(true);
    screen.select_all();
    let done = screen.commit();
    let report = done.report.unwrap();
    assert_eq!((report.created.len(), report.filled.len()), (1, 1));
    assert_eq!(report.category.unwrap().set, 1);
    assert_eq!(screen.undo().undo_report.unwrap().deleted, 1);
    // A refused sign-in logs its failure too.
    server.update_config(|c| c.user_token = "another".into());
    assert!(connection.refresh(true, None, None).is_err());

    let log = sink.text();
    // The sink really heard the round trip, from the core, at every level it logs.
    for expected in [
        "import preview built",
        "import committed",
        "target_db=local",
        "missing emails and birthdays filled in",
        "altegio import undone",
    ] {
        assert!(log.contains(expected), "{expected:?} missing from:\n{log}");
    }
    assert!(sink
        .records()
        .iter()
        .all(|(_, target, _)| target.starts_with("clientbook")));
    for secret in SECRETS {
        assert!(!log.contains(secret), "the sink got {secret:?}:\n{log}");
    }
    remove_log_sink();
}

#[test]
fn the_level_filters_and_a_second_install_replaces_the_sink() {
    let _turn = serial();
    let first = Arc::new(Captured::default());
    install_log_sink(first.clone(), LogLevel::Info).unwrap();
    let preview = || {
        let db = ClientDatabase::in_memory().unwrap();
        let s = ImportSession::new(
            db,
            vec![contact("p", "A", "B", "+7 916 000 00 01", "a@b.example")],
            full_rights(),
            ContactsPermission::AndroidGranted,
            settings(),
            None,
            None,
        )
        .unwrap();
        s.select_all();
        s.commit(None, None).unwrap();
    };
    preview();
    let text = first.text();
    // "import preview built" is a debug record, "import committed" an info one.
    assert!(text.contains("import committed"), "{text}");
    assert!(!text.contains("import preview built"), "{text}");
    assert!(first
        .records()
        .iter()
        .all(|(level, _, _)| matches!(level, LogLevel::Info | LogLevel::Warn | LogLevel::Error)));

    let second = Arc::new(Captured::default());
    install_log_sink(second.clone(), LogLevel::Debug).unwrap();
    let before = first.records().len();
    preview();
    assert_eq!(first.records().len(), before, "the first sink was replaced");
    assert!(second.text().contains("import preview built"));
    assert!(second
        .records()
        .iter()
        .any(|(level, _, _)| *level == LogLevel::Debug));

    remove_log_sink();
    let before = second.records().len();
    preview();
    assert_eq!(second.records().len(), before, "removed: nothing forwarded");
}
