//! Import history, undo and categories against an Altegio location (the test server, as
//! strict as the docs allow: deletes need `clients_delete_access`, a `PUT` blanks what it is
//! not sent, a category title exists once), through the app's own path: an `ImportSession`
//! on the Altegio target.

use std::collections::HashSet;
use std::io::{BufRead, BufReader};
use std::process::{Command, Stdio};
use std::sync::Arc;

use altegio_testserver::{Config, TestServer};
use clientbook_core::cancel::CancelToken;
use clientbook_core::contact::PhonebookContact;
use clientbook_core::history::KeptReason;
use clientbook_core::import::ImportReport;
use clientbook_core::phone::Region;
use clientbook_core::rights::{Action, Right};
use clientbook_core::session::{numbered, Altegio, ImportSession, Settings, Target};
use clientbook_core::store::Store;
use clientbook_core::Error;
use clientbook_e2e::{client, fast, phone_digits, phonebook};
use serde_json::json;

/// Every client right, the delete and edit ones included.
fn all_rights() -> serde_json::Value {
    json!({
        "clients_access": true,
        "clients_phones_email_access": true,
        "clients_excel_access": true,
        "clients_visit_master_id": 0,
        "clients_delete_access": true,
        "clients_edit_access": true
    })
}

fn server() -> TestServer {
    TestServer::start(Config {
        rights: all_rights(),
        ..Config::default()
    })
}

fn target(server: &TestServer, store: &Arc<Store>) -> Target {
    Target::Altegio(Arc::new(Altegio {
        store: store.clone(),
        api: client(&server.url(), 4242, "partner-token", "user-token", fast()),
        region: Region::default(),
    }))
}

/// An import session on `target` for `contacts`, as a screen opens one.
fn open(target: &Target, contacts: Vec<PhonebookContact>, settings: Settings) -> ImportSession {
    ImportSession::open(
        target.clone(),
        numbered(contacts),
        settings,
        None,
        &mut |_, _, _| {},
        &CancelToken::new(),
    )
    .unwrap()
}

/// Imports `phonebook(count)` (all of it) with `settings`, through a session.
fn import(target: &Target, count: usize, settings: Settings) -> ImportReport {
    let session = open(
        target,
        phonebook(count),
        Settings {
            batch_size: 10,
            ..settings
        },
    );
    session.select_all();
    session
        .commit(&mut |_, _| {}, &CancelToken::new())
        .unwrap_or_else(|f| panic!("{}", f.error))
}

fn undo(target: &Target, import: Option<i64>) -> clientbook_core::history::UndoReport {
    target
        .undo_import(import, false, None, &mut |_, _| {}, &CancelToken::new())
        .unwrap()
}

fn phones(server: &TestServer) -> HashSet<String> {
    server.clients().into_iter().map(|c| c.phone).collect()
}

#[test]
fn undo_deletes_exactly_what_the_import_created_and_a_second_undo_nothing_more() {
    let server = server();
    // Already clients before the import: never the import's to delete.
    server.seed([
        ("Anna".to_string(), phone_digits(0)),
        ("Boris".to_string(), phone_digits(1)),
    ]);
    let dir = tempfile::tempdir().unwrap();
    let store = Arc::new(Store::open(dir.path().join("m.db")).unwrap());
    let target = target(&server, &store);
    let report = import(&target, 25, Settings::default());
    assert_eq!(report.created.len(), 23);
    assert_eq!(server.clients().len(), 25);
    let history = target.imports().unwrap();
    assert_eq!(history.len(), 1);
    assert_eq!(history[0].created, 23);
    assert_eq!(history[0].target, "altegio:4242");
    assert_eq!(report.history_id, Some(history[0].id));

    let dry = target
        .undo_import(None, true, None, &mut |_, _| {}, &CancelToken::new())
        .unwrap();
    assert_eq!((dry.deleted, dry.dry_run), (23, true));
    assert_eq!(server.clients().len(), 25, "a dry run deletes nothing");

    let done = undo(&target, None);
    assert_eq!((done.deleted, done.already_gone), (23, 0));
    assert!(done.kept.is_empty());
    assert_eq!(
        phones(&server),
        HashSet::from([phone_digits(0), phone_digits(1)])
    );
    let again = undo(&target, report.history_id);
    assert_eq!((again.deleted, again.already_gone), (0, 23));
    assert_eq!(server.stats().deletes, 23);
    assert_eq!(target.imports().unwrap()[0].undone, 23);

    // The numbers are free again: importing them creates them again (the journal and the
    // mirror forgot the deleted clients).
    let second = import(&target, 25, Settings::default());
    assert_eq!(second.created.len(), 23);
    assert_eq!(server.clients().len(), 25);
}

#[test]
fn undo_keeps_clients_edited_since_or_with_visits_and_says_why() {
    let server = server();
    let dir = tempfile::tempdir().unwrap();
    let store = Arc::new(Store::open(dir.path().join("m.db")).unwrap());
    let target = target(&server, &store);
    let report = import(&target, 6, Settings::default());
    let id = |i: usize| {
        report
            .created
            .iter()
            .find(|c| c.index == i as u64)
            .unwrap()
            .client_id
    };
    server.edit(id(1), |c| c.email = Some("new@example.com".into()));
    server.edit(id(2), |c| c.name = "Renamed".into());
    server.add_visit(id(3));
    server.delete(id(4));
    let done = undo(&target, None);
    assert_eq!(done.deleted, 2, "{done:?}");
    assert_eq!(done.already_gone, 1);
    let mut kept: Vec<(i64, KeptReason)> =
        done.kept.iter().map(|k| (k.client_id, k.reason)).collect();
    kept.sort_by_key(|k| k.0);
    assert_eq!(
        kept,
        vec![
            (id(1), KeptReason::EditedSince),
            (id(2), KeptReason::EditedSince),
            (id(3), KeptReason::HasVisits)
        ]
    );
    let left: HashSet<i64> = server.clients().iter().map(|c| c.id).collect();
    assert_eq!(left, HashSet::from([id(1), id(2), id(3)]));
    // A card that does not say how many visits: a deletion is permanent, so an unchanged
    // client is kept too.
    let fresh = import(&target, 8, Settings::default());
    assert_eq!(
        fresh.created.len(),
        5,
        "0, 4, 5 (undone or gone) and 6, 7 (new)"
    );
    server.update_config(|c| c.card_omits_visits = true);
    let unsure = undo(&target, None);
    assert_eq!(unsure.deleted, 0);
    assert_eq!(
        unsure.kept.iter().map(|k| k.reason).collect::<Vec<_>>(),
        vec![KeptReason::VisitsUnknown; 5]
    );
    assert_eq!(server.clients().len(), 8);
}

#[test]
fn undo_without_the_delete_right_names_it_and_deletes_nothing() {
    let server = server();
    let dir = tempfile::tempdir().unwrap();
    let store = Arc::new(Store::open(dir.path().join("m.db")).unwrap());
    let target = target(&server, &store);
    import(&target, 5, Settings::default());
    let mut rights = all_rights();
    rights["clients_delete_access"] = json!(false);
    server.update_config(|c| c.rights = rights);
    let err = target
        .undo_import(None, false, None, &mut |_, _| {}, &CancelToken::new())
        .unwrap_err();
    match err {
        Error::MissingRights(m) => {
            assert_eq!(m.action, Action::Undo);
            assert_eq!(m.missing, vec![Right::DeleteClients]);
            let ru = clientbook_core::messages::Locale::Ru;
            assert!(m.render(ru).contains(&Right::DeleteClients.title_in(ru)));
        }
        other => panic!("expected missing rights, got {other}"),
    }
    assert_eq!(server.clients().len(), 5);
    assert_eq!(server.stats().deletes, 0);
    // The same file opened as the local database: that import is not its to undo.
    let local = Target::Local {
        store: store.clone(),
        rights: clientbook_core::rights::Rights::full(),
        region: Region::default(),
    };
    let id = target.imports().unwrap()[0].id;
    let wrong = local
        .undo_import(Some(id), false, None, &mut |_, _| {}, &CancelToken::new())
        .unwrap_err();
    assert!(
        wrong
            .to_string()
            .contains("went to Altegio location 4242, not to this database"),
        "{wrong}"
    );
}

#[test]
fn an_interrupted_import_is_undone_in_full_across_its_runs() {
    let server = server();
    let dir = tempfile::tempdir().unwrap();
    let store = Arc::new(Store::open(dir.path().join("m.db")).unwrap());
    let target = target(&server, &store);
    let session = open(
        &target,
        phonebook(40),
        Settings {
            batch_size: 10,
            ..Settings::default()
        },
    );
    session.select_all();
    // Cancelled after the second batch, then "import the rest".
    let cancel = CancelToken::new();
    let first = session
        .commit(
            &mut |done, _| {
                if done >= 20 {
                    cancel.cancel();
                }
            },
            &cancel,
        )
        .unwrap();
    assert!(first.cancelled);
    assert!(first.created.len() < 40);
    let rest = session.commit(&mut |_, _| {}, &CancelToken::new()).unwrap();
    assert_eq!(first.created.len() + rest.created.len(), 40);
    assert_eq!(target.imports().unwrap().len(), 2);
    // "Undo" twice (the newest with clients left each time) removes all 40.
    let a = undo(&target, None);
    let b = undo(&target, None);
    assert_eq!(a.deleted + b.deleted, 40);
    assert!(server.clients().is_empty());
    assert!(target
        .undo_import(None, false, None, &mut |_, _| {}, &CancelToken::new())
        .is_err());
}

#[test]
fn an_undo_killed_partway_resumes_and_deletes_each_client_once() {
    let server = server();
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("m.db");
    let store = Arc::new(Store::open(&db).unwrap());
    let target = target(&server, &store);
    server.seed([("Already a client".to_string(), "79990000000".to_string())]);
    import(&target, 60, Settings::default());
    drop(target);
    drop(store);
    let worker = env!("CARGO_BIN_EXE_import-worker");
    let mut child = Command::new(worker)
        .args([db.to_str().unwrap(), &server.url(), "undo"])
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut lines = BufReader::new(child.stdout.take().unwrap()).lines();
    for _ in 0..7 {
        assert_eq!(lines.next().unwrap().unwrap(), "deleted");
    }
    child.kill().unwrap();
    child.wait().unwrap();
    let after_kill = server.clients().len();
    assert!(after_kill < 61 && after_kill > 1, "{after_kill} left");
    let out = Command::new(worker)
        .args([db.to_str().unwrap(), &server.url(), "undo"])
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let summary = String::from_utf8_lossy(&out.stdout)
        .lines()
        .last()
        .unwrap()
        .to_string();
    // The second run deleted the rest; what the first deleted counts as already gone.
    let expected = format!(
        "deleted {} already_gone {} kept 0",
        after_kill - 1,
        61 - after_kill
    );
    assert_eq!(summary, expected);
    assert_eq!(phones(&server), HashSet::from(["79990000000".to_string()]));
    assert_eq!(server.stats().deletes, 60, "each client deleted once");
}

#[test]
fn created_clients_go_into_the_category_which_exists_once_and_outlives_an_undo() {
    let server = server();
    let dir = tempfile::tempdir().unwrap();
    let store = Arc::new(Store::open(dir.path().join("m.db")).unwrap());
    let target = target(&server, &store);
    let report = import(
        &target,
        12,
        Settings {
            locale: clientbook_core::messages::Locale::Ru,
            ..Settings::default()
        },
    );
    let category = report.category.clone().unwrap();
    assert_eq!(category.title, "Из телефонной книги");
    assert_eq!((category.set, category.not_set), (12, 0));
    assert!(category.created_category);
    let categories = server.categories();
    assert_eq!(categories.len(), 1);
    assert!(server
        .clients()
        .iter()
        .all(|c| c.categories == vec![categories[0].id]));
    // A second import finds it by title instead of making another.
    let more = import(
        &target,
        20,
        Settings {
            locale: clientbook_core::messages::Locale::Ru,
            ..Settings::default()
        },
    );
    assert_eq!(
        more.category.as_ref().map(|c| c.created_category),
        Some(false)
    );
    assert_eq!(server.categories().len(), 1);
    undo(&target, None);
    undo(&target, None);
    assert!(server.clients().is_empty());
    assert_eq!(server.categories().len(), 1, "undo leaves the category");
    // Switched off, nothing is put anywhere.
    let off = import(
        &target,
        3,
        Settings {
            category: Some(false),
            ..Settings::default()
        },
    );
    assert_eq!(off.category, None);
    assert!(server.clients().iter().all(|c| c.categories.is_empty()));
}

#[test]
fn a_category_the_create_ignored_is_written_on_each_card_without_blanking_it() {
    let server = TestServer::start(Config {
        rights: all_rights(),
        bulk_sets_categories: false,
        update_categories_field: "labels",
        ..Config::default()
    });
    let dir = tempfile::tempdir().unwrap();
    let store = Arc::new(Store::open(dir.path().join("m.db")).unwrap());
    let target = target(&server, &store);
    let report = import(&target, 4, Settings::default());
    let category = report.category.unwrap();
    assert_eq!(category.title, "From phonebook");
    assert_eq!((category.set, category.not_set), (4, 0));
    let id = server.categories()[0].id;
    for c in server.clients() {
        assert_eq!(c.categories, vec![id]);
        // The PUT carried the whole card: nothing it read was blanked.
        assert!(c
            .surname
            .as_deref()
            .is_some_and(|s| s.starts_with("Family")));
    }
    assert_eq!(server.stats().updates, 4);

    // A server that ignores the search's category filter (answers with everyone) and whose
    // create ignores categories: the read-back does not take the search on trust.
    server.update_config(|c| c.search_ignores_category_filter = true);
    let more = import(&target, 6, Settings::default());
    assert_eq!(more.created.len(), 2);
    assert_eq!(more.category.unwrap().set, 2);
    assert!(server.clients().iter().all(|c| c.categories == vec![id]));
    server.update_config(|c| c.search_ignores_category_filter = false);

    // A server that reads neither spelling: the clients are created, and the report says
    // the category is not confirmed on them.
    server.update_config(|c| c.update_categories_field = "tags");
    let more = import(&target, 9, Settings::default());
    assert_eq!(more.created.len(), 3);
    let category = more.category.unwrap();
    assert_eq!((category.set, category.not_set), (0, 3));
}

#[test]
fn two_imports_racing_create_the_category_once() {
    let server = server();
    let dir = tempfile::tempdir().unwrap();
    let handles: Vec<_> = (0..2)
        .map(|n| {
            let url = server.url();
            let db = dir.path().join(format!("m{n}.db"));
            std::thread::spawn(move || {
                let store = Arc::new(Store::open(db).unwrap());
                let target = Target::Altegio(Arc::new(Altegio {
                    store,
                    api: client(&url, 4242, "partner-token", "user-token", fast()),
                    region: Region::default(),
                }));
                import(&target, 30, Settings::default())
            })
        })
        .collect();
    let reports: Vec<ImportReport> = handles.into_iter().map(|h| h.join().unwrap()).collect();
    assert_eq!(server.categories().len(), 1);
    let id = server.categories()[0].id;
    assert!(server.clients().iter().all(|c| c.categories == vec![id]));
    assert_eq!(server.clients().len(), 30);
    let created: usize = reports.iter().map(|r| r.created.len()).sum();
    assert_eq!(created, 30);
}

/// A phonebook contact with a number and an email.
fn with_email(name: &str, i: usize, email: &str) -> clientbook_core::contact::PhonebookContact {
    let mut c = phonebook(i + 1).pop().unwrap();
    c.given_name = Some(name.to_string());
    c.emails = vec![email.to_string()];
    c
}

#[test]
fn fill_in_adds_a_missing_email_to_the_whole_card_and_never_overwrites() {
    let server = server();
    server.seed([
        ("Anna".to_string(), phone_digits(0)),
        ("Boris".to_string(), phone_digits(1)),
        ("Vera".to_string(), phone_digits(2)),
    ]);
    let ids: Vec<i64> = server.clients().iter().map(|c| c.id).collect();
    server.edit(ids[0], |c| {
        c.surname = Some("Ivanova".into());
        c.comment = Some("prefers mornings".into());
    });
    server.edit(ids[1], |c| c.email = Some("boris@salon.example".into()));
    let dir = tempfile::tempdir().unwrap();
    let store = Arc::new(Store::open(dir.path().join("m.db")).unwrap());
    let target = target(&server, &store);
    let contacts = vec![
        with_email("Anna", 0, "anna@example.com"),
        with_email("Boris", 1, "boris@example.com"),
        with_email("Vera", 2, "vera@example.com"),
    ];
    let session = open(&target, contacts.clone(), Settings::default());
    // Boris has an email: only Anna and Vera are offered one.
    assert_eq!(session.fill_in_all(true), 2);
    // Someone gives Vera an email between the preview and the commit.
    server.edit(ids[2], |c| c.email = Some("vera@salon.example".into()));
    let mut seen = Vec::new();
    let report = session
        .commit(
            &mut |done, total| seen.push((done, total)),
            &CancelToken::new(),
        )
        .unwrap();
    // Nothing to create: the bar counts the cards read (and written), one step each.
    assert_eq!(seen.last(), Some(&(2, 2)), "{seen:?}");
    assert!(seen.contains(&(1, 2)), "{seen:?}");
    assert_eq!(report.filled.len(), 1);
    assert!(report.created.is_empty());
    let clients = server.clients();
    let anna = &clients[0];
    assert_eq!(anna.email.as_deref(), Some("anna@example.com"));
    // The strict server blanks what a PUT leaves out: the whole card was sent.
    assert_eq!(anna.surname.as_deref(), Some("Ivanova"));
    assert_eq!(anna.comment.as_deref(), Some("prefers mornings"));
    assert_eq!(clients[1].email.as_deref(), Some("boris@salon.example"));
    assert_eq!(clients[2].email.as_deref(), Some("vera@salon.example"));
    assert_eq!(server.stats().updates, 1);

    // Without the edit right nothing is offered (the card cannot be written).
    let mut rights = all_rights();
    rights["clients_edit_access"] = json!(false);
    server.update_config(|c| c.rights = rights);
    let store = Arc::new(Store::open(dir.path().join("m2.db")).unwrap());
    let target2 = Target::Altegio(Arc::new(Altegio {
        store,
        api: client(&server.url(), 4242, "partner-token", "user-token", fast()),
        region: Region::default(),
    }));
    server.edit(ids[2], |c| c.email = None);
    let session = open(&target2, contacts, Settings::default());
    assert_eq!(session.fill_in_all(true), 0);
}

#[test]
fn an_undo_cancelled_while_a_request_waits_reports_what_it_did_and_the_next_finishes() {
    let server = server();
    let dir = tempfile::tempdir().unwrap();
    let store = Arc::new(Store::open(dir.path().join("m.db")).unwrap());
    import(&target(&server, &store), 10, Settings::default());
    // Two requests a second: the cancel lands while the next request waits for its slot.
    let slow = Target::Altegio(Arc::new(Altegio {
        store: store.clone(),
        api: client(
            &server.url(),
            4242,
            "partner-token",
            "user-token",
            clientbook_core::altegio::Politeness {
                per_second: 2,
                ..fast()
            },
        ),
        region: Region::default(),
    }));
    let cancel = CancelToken::new();
    let stopped = slow
        .undo_import(
            None,
            false,
            None,
            &mut |done, _| {
                if done == 2 {
                    // From another thread, a moment later: the undo is then waiting for the
                    // third client's first request.
                    let cancel = cancel.clone();
                    std::thread::spawn(move || {
                        std::thread::sleep(std::time::Duration::from_millis(100));
                        cancel.cancel();
                    });
                }
            },
            &cancel,
        )
        .expect("a cancelled undo still reports what it did");
    assert!(stopped.cancelled);
    assert_eq!(stopped.deleted, 2);
    assert_eq!(server.clients().len(), 8);
    let rest = undo(&target(&server, &store), None);
    assert_eq!((rest.deleted, rest.already_gone), (8, 2));
    assert!(server.clients().is_empty());
}

#[test]
fn birthdays_go_with_created_clients_and_fill_in_only_a_placeholder() {
    let server = server();
    server.seed([
        ("Anna".to_string(), phone_digits(0)),
        ("Boris".to_string(), phone_digits(1)),
    ]);
    let ids: Vec<i64> = server.clients().iter().map(|c| c.id).collect();
    // Bases are full of 1900-01-01 for "unknown"; Boris's is real.
    server.edit(ids[0], |c| c.birth_date = Some("1900-01-01".into()));
    server.edit(ids[1], |c| c.birth_date = Some("1979-05-05".into()));
    let dir = tempfile::tempdir().unwrap();
    let store = Arc::new(Store::open(dir.path().join("m.db")).unwrap());
    let target = target(&server, &store);
    let mut contacts = phonebook(3);
    for (c, b) in contacts
        .iter_mut()
        .zip(["1985-03-12", "1990-01-02", "20010203"])
    {
        c.birthday = Some(b.to_string());
    }
    let session = open(&target, contacts, Settings::default());
    // The mirror cannot know birthdays: both clients are offered, the cards decide.
    assert_eq!(session.fill_in_all(true), 2);
    session.select_all();
    let report = session.commit(&mut |_, _| {}, &CancelToken::new()).unwrap();
    assert_eq!(report.created.len(), 1);
    assert_eq!(
        report.filled.len(),
        1,
        "only Anna's placeholder is replaced"
    );
    let clients = server.clients();
    let birth = |i: usize| clients[i].birth_date.clone();
    assert_eq!(birth(0).as_deref(), Some("1985-03-12"));
    assert_eq!(birth(1).as_deref(), Some("1979-05-05"), "never overwritten");
    assert_eq!(
        birth(2).as_deref(),
        Some("2001-02-03"),
        "sent with the create"
    );
    assert_eq!(server.stats().updates, 1);
}

#[test]
fn the_category_read_back_reads_only_this_imports_clients() {
    let server = server();
    let dir = tempfile::tempdir().unwrap();
    let store = Arc::new(Store::open(dir.path().join("m.db")).unwrap());
    let target = target(&server, &store);
    // An earlier import filled the category with more than two search pages of clients.
    import(&target, 450, Settings::default());
    let before = server.stats().category_searches;
    let mut later = phonebook(453);
    let later = later.split_off(450);
    let session = open(&target, later, Settings::default());
    session.select_all();
    let report = session.commit(&mut |_, _| {}, &CancelToken::new()).unwrap();
    assert_eq!(report.category.unwrap().set, 3);
    assert_eq!(
        server.stats().category_searches - before,
        1,
        "one page, newest first, down to this import's clients"
    );
}
