//! Every public entry point of the FFI surface, called without the rights it needs: each
//! refuses in the core (not only in a screen), names what is missing, and leaks no phone,
//! email, name or token, neither in what it returns nor in the logs.

use std::io::Write;
use std::sync::{Arc, Mutex};

use altegio_testserver::{Config, LoopbackTransport, TestServer};
use clientbook_core::altegio::{HttpRequest, HttpResponse, Transport};
use clientbook_core::contact::{PhonebookContact, RawPhone};
use clientbook_core::permission::ContactsPermission;
use clientbook_core::phone::PhoneLabel;
use clientbook_core::rights::{Action, Right, Rights};
use clientbook_ffi::*;

const SECRETS: &[&str] = &[
    "79169876543",
    "987-65-43",
    "Zyxwvutova",
    "Qwertyna",
    "qwertyna@secret.example",
    "partner-token",
    "user-token",
];

fn contact() -> PhonebookContact {
    PhonebookContact {
        platform_id: "p1".into(),
        given_name: Some("Qwertyna".into()),
        family_name: Some("Zyxwvutova".into()),
        phones: vec![RawPhone {
            number: "8 (916) 987-65-43".into(),
            label: PhoneLabel::Mobile,
        }],
        emails: vec!["qwertyna@secret.example".into()],
        ..Default::default()
    }
}

fn settings() -> LocationSettings {
    LocationSettings {
        region: "RU".into(),
        last_name_hidden: false,
        batch_size: 500,
        location_numbers: Vec::new(),
        staff_numbers: Vec::new(),
        locale: "en".into(),
        import_category: None,
        category_title: None,
    }
}

fn rights(access: bool, phones: bool, excel: bool, master: i64) -> Rights {
    Rights {
        clients_access: access,
        clients_phones_email_access: phones,
        clients_excel_access: excel,
        clients_visit_master_id: master,
        clients_delete_access: false,
        clients_edit_access: false,
    }
}

fn assert_clean(text: &str) {
    for s in SECRETS {
        assert!(!text.contains(s), "leaks {s:?}: {text}");
    }
}

fn missing(err: ClientbookError) -> Vec<Right> {
    assert_clean(&err.to_string());
    match err {
        ClientbookError::MissingRights {
            rights,
            explanation,
            ..
        } => {
            assert!(explanation.contains("Settings > System settings > Users"));
            rights
        }
        other => panic!("expected MissingRights, got {other:?}"),
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

#[derive(Clone, Default)]
struct Captured(Arc<Mutex<Vec<u8>>>);

impl Write for Captured {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.0.lock().unwrap().extend_from_slice(buf);
        Ok(buf.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

fn assert_send_sync<T: Send + Sync>() {}

#[test]
fn objects_are_shareable_across_threads() {
    assert_send_sync::<ClientDatabase>();
    assert_send_sync::<ImportSession>();
    assert_send_sync::<ExportSession>();
    assert_send_sync::<AltegioConnection>();
}

#[test]
fn no_entry_point_works_without_its_rights_and_nothing_leaks() {
    let captured = Captured::default();
    let sink = captured.clone();
    let subscriber = tracing_subscriber::fmt()
        .with_max_level(tracing::Level::TRACE)
        .with_writer(move || sink.clone())
        // Timestamps are digits too: without them a short secret such as "777" cannot
        // match by chance.
        .without_time()
        .finish();
    tracing::subscriber::with_default(subscriber, || {
        let db = ClientDatabase::in_memory().unwrap();
        let granted = ContactsPermission::AndroidGranted;
        // Put one client in, with full rights, so there is something to leak.
        let s = ImportSession::new(
            db.clone(),
            vec![contact()],
            full_rights(),
            granted,
            settings(),
            None,
            None,
        )
        .unwrap();
        s.select_all();
        assert_eq!(s.commit(None, None).unwrap().created.len(), 1);

        let none = no_rights();
        let err = ImportSession::new(
            db.clone(),
            vec![contact()],
            none.clone(),
            granted,
            settings(),
            None,
            None,
        )
        .err();
        assert_eq!(missing(err.unwrap()), vec![Right::ClientDatabaseAccess]);
        assert_eq!(
            missing(db.clients(none.clone()).unwrap_err()),
            vec![Right::ClientDatabaseAccess]
        );
        assert_eq!(
            missing(check_rights(none.clone(), Action::Import).unwrap_err()),
            vec![Right::ClientDatabaseAccess]
        );
        for (r, expected) in [
            (
                rights(true, false, true, 0),
                vec![Right::ShowPhonesAndEmails],
            ),
            (
                rights(true, true, false, 0),
                vec![Right::DownloadClientList],
            ),
            (
                rights(true, true, true, 3),
                vec![Right::ShowClientsOfAllEmployees],
            ),
            (
                none.clone(),
                vec![
                    Right::ShowPhonesAndEmails,
                    Right::DownloadClientList,
                    Right::ShowClientsOfAllEmployees,
                ],
            ),
        ] {
            let err = ExportSession::new(db.clone(), vec![], r.clone(), granted, settings()).err();
            assert_eq!(missing(err.unwrap()), expected);
            assert_eq!(
                missing(check_rights(r, Action::Export).unwrap_err()),
                expected
            );
        }
        // With only the client-base right, the list shows no number or email.
        let seen = db.clients(rights(true, false, false, -1)).unwrap();
        // Names are what the client-base right shows; numbers and emails are not.
        let shown = format!("{seen:?}");
        for hidden in ["79169876543", "987-65-43", "qwertyna@secret.example"] {
            assert!(!shown.contains(hidden), "{shown}");
        }
        assert!(seen[0].phone.contains('*'));
        // No contacts permission: nothing is read, whatever the rights.
        for state in [
            ContactsPermission::AndroidDenied,
            ContactsPermission::IosDenied,
            ContactsPermission::IosRestricted,
        ] {
            let err = ImportSession::new(
                db.clone(),
                vec![contact()],
                full_rights(),
                state,
                settings(),
                None,
                None,
            )
            .err();
            assert!(matches!(
                err,
                Some(ClientbookError::ContactsPermissionNotGranted { .. })
            ));
            let err =
                ExportSession::new(db.clone(), vec![], full_rights(), state, settings()).err();
            assert!(matches!(
                err,
                Some(ClientbookError::ContactsPermissionNotGranted { .. })
            ));
        }

        // The remote base decides rights itself: a user without them gets nothing.
        let server = TestServer::start(Config {
            rights: serde_json::json!({"clients_access": false, "clients_phones_email_access": false}),
            ..Config::default()
        });
        server.seed([("Qwertyna".to_string(), "79169876543".to_string())]);
        let remote_db = ClientDatabase::in_memory().unwrap();
        let connection = AltegioConnection::new(
            format!("http://127.0.0.1:{}", server.port()),
            4242,
            "partner-token".into(),
            "user-token".into(),
            "RU".into(),
            remote_db.clone(),
            Arc::new(Rust(LoopbackTransport)),
        )
        .unwrap();
        let err = ImportSession::for_altegio(
            connection.clone(),
            vec![contact()],
            granted,
            settings(),
            None,
            None,
        )
        .err();
        assert_eq!(missing(err.unwrap()), vec![Right::ClientDatabaseAccess]);
        let err = ExportSession::for_altegio(connection.clone(), vec![], granted, settings()).err();
        assert_eq!(missing(err.unwrap()).len(), 3);
        assert_eq!(remote_db.client_count().unwrap(), 0);

        // Full rights on the server: a real remote preview and export, to give the logs
        // something to leak.
        server.update_config(|c| {
            c.rights = serde_json::json!({"clients_access": true, "clients_phones_email_access": true,
                "clients_excel_access": true, "clients_visit_master_id": 0})
        });
        let s = ImportSession::for_altegio(
            connection.clone(),
            vec![contact()],
            granted,
            settings(),
            None,
            None,
        )
        .unwrap();
        assert_eq!(s.summary().existing_client, 1);
        let export = ExportSession::for_altegio(connection, vec![], granted, settings()).unwrap();
        assert_eq!(export.select_all(), 1);
    });
    let log = String::from_utf8(captured.0.lock().unwrap().clone()).unwrap();
    assert!(
        log.contains("import committed"),
        "logging was captured: {log}"
    );
    assert_clean(&log);
}
