//! The core against the local Altegio server: rights, the mirror, imports, and the errors
//! that must stop an import cleanly.

use std::collections::HashSet;

use altegio_testserver::{Config, Faults, TestServer};
use clientbook_core::altegio::{Call, Politeness};
use clientbook_core::cancel::CancelToken;
use clientbook_core::import::{CommitOptions, ContactStatus};
use clientbook_core::phone::Region;
use clientbook_core::rights::{Action, Right};
use clientbook_core::store::Store;
use clientbook_core::sync::{self, RefreshMode};
use clientbook_core::{Error, RemoteError};
use clientbook_e2e::{client, fast, phone_digits, phonebook, remote_preview};

fn api(server: &TestServer) -> clientbook_core::altegio::AltegioClient {
    client(&server.url(), 4242, "partner-token", "user-token", fast())
}

fn import_all(
    store: &Store,
    server: &TestServer,
    count: usize,
) -> clientbook_core::import::ImportReport {
    let api = api(server);
    let mut plan = remote_preview(
        store,
        &api,
        Region::default(),
        &phonebook(count),
        &mut |_, _| {},
        &CancelToken::new(),
    )
    .unwrap();
    plan.select_all();
    commit(store, &api, &plan, 100).unwrap_or_else(|f| panic!("{}", f.error))
}

/// Commits the plan's selection remotely in batches of `batch`, as the sync layer does it.
fn commit(
    store: &Store,
    api: &clientbook_core::altegio::AltegioClient,
    plan: &clientbook_core::import::ImportPlan,
    batch: usize,
) -> Result<clientbook_core::import::ImportReport, Box<clientbook_core::import::CommitFailed>> {
    sync::commit_remote(
        store,
        api,
        Region::default(),
        plan.prepare_commit(),
        CommitOptions::batches_of(batch),
        &mut |_, _| {},
        &CancelToken::new(),
    )
}

#[test]
fn mirror_pages_through_the_whole_base_and_prunes_deleted_clients() {
    let server = TestServer::start(Config::default());
    server.seed((0..450).map(|i| (format!("S{i}"), format!("7903{i:07}"))));
    let store = Store::open_in_memory().unwrap();
    let api = api(&server);
    let mut seen = Vec::new();
    let r = sync::refresh_mirror(
        &store,
        &api,
        Region::default(),
        RefreshMode::Full,
        &mut |d, t| seen.push((d, t)),
        &CancelToken::new(),
    )
    .unwrap();
    assert_eq!(
        (r.pages, r.fetched, r.total, r.complete),
        (3, 450, 450, true)
    );
    assert_eq!(seen.last(), Some(&(450, 450)));
    assert_eq!(store.mirror_index(4242).unwrap().len(), 450);
    assert_eq!(
        store
            .mirror_index(4242)
            .unwrap()
            .get("+79030000007")
            .copied(),
        Some(1007)
    );

    server.seed([("New".to_string(), "79161112233".to_string())]);
    let r = sync::refresh_mirror(
        &store,
        &api,
        Region::default(),
        RefreshMode::NewOnly,
        &mut |_, _| {},
        &CancelToken::new(),
    )
    .unwrap();
    assert_eq!((r.pages, r.fetched), (1, 1), "only the newest page is read");

    server.delete(1003);
    let r = sync::refresh_mirror(
        &store,
        &api,
        Region::default(),
        RefreshMode::Full,
        &mut |_, _| {},
        &CancelToken::new(),
    )
    .unwrap();
    assert_eq!(r.removed, 1);
    assert!(!store.mirror_ids(4242).unwrap().contains(&1003));
}

#[test]
fn import_through_the_server_and_again_creates_nothing() {
    let server = TestServer::start(Config::default());
    server.seed([("Already".to_string(), phone_digits(3))]);
    let store = Store::open_in_memory().unwrap();
    let first = import_all(&store, &server, 250);
    assert_eq!(first.created.len(), 249);
    assert!(first.skipped.is_empty());
    assert_eq!(server.clients().len(), 250);
    let created = server
        .clients()
        .into_iter()
        .find(|c| c.phone == phone_digits(10))
        .unwrap();
    assert_eq!(
        (created.name.as_str(), created.surname.as_deref()),
        ("Client10", Some("Family10"))
    );

    let api = api(&server);
    let plan = remote_preview(
        &store,
        &api,
        Region::default(),
        &phonebook(250),
        &mut |_, _| {},
        &CancelToken::new(),
    )
    .unwrap();
    assert_eq!(plan.summary().existing_client, 250);
    assert_eq!(plan.row(3).unwrap().status, ContactStatus::ExistingClient);
    let again = import_all(&store, &server, 250);
    assert!(again.created.is_empty());
    assert_eq!(server.clients().len(), 250);
    assert_eq!(
        server.stats().duplicate_rejections,
        0,
        "the mirror kept duplicates from being sent at all"
    );
}

#[test]
fn a_number_added_elsewhere_since_the_preview_counts_as_existing() {
    let server = TestServer::start(Config::default());
    let store = Store::open_in_memory().unwrap();
    let api = api(&server);
    let mut plan = remote_preview(
        &store,
        &api,
        Region::default(),
        &phonebook(20),
        &mut |_, _| {},
        &CancelToken::new(),
    )
    .unwrap();
    plan.select_all();
    // Another device adds client 5 after our preview.
    server.seed([("Other device".to_string(), phone_digits(5))]);
    let report = commit(&store, &api, &plan, 100).unwrap();
    assert_eq!(report.created.len(), 19);
    assert_eq!(report.already_there.len(), 1);
    assert_eq!(report.already_there[0].index, 5);
    assert_eq!(server.clients().len(), 20);
}

#[test]
fn rights_and_surname_setting_come_from_the_server() {
    let server = TestServer::start(Config {
        rights: serde_json::json!({"clients_access": true, "clients_phones_email_access": false, "excel_access": 1, "get_visit_master_id": 7}),
        surname_field_enabled: Some(false),
        ..Config::default()
    });
    let ctx = sync::connect(&api(&server), &Call::new(&CancelToken::new())).unwrap();
    assert!(ctx.last_name_hidden);
    assert!(ctx.rights.check(Action::Import).is_ok());
    assert_eq!(
        ctx.rights.check(Action::Export).unwrap_err().missing,
        vec![Right::ShowPhonesAndEmails, Right::ShowClientsOfAllEmployees]
    );
    // Without the phones right numbers come back masked: they never match anything.
    server.seed([("Masked".to_string(), phone_digits(1))]);
    let store = Store::open_in_memory().unwrap();
    sync::refresh_mirror(
        &store,
        &api(&server),
        Region::default(),
        RefreshMode::Full,
        &mut |_, _| {},
        &CancelToken::new(),
    )
    .unwrap();
    assert!(store.mirror_index(4242).unwrap().is_empty());
    assert_eq!(store.mirror_ids(4242).unwrap().len(), 1);
}

#[test]
fn wrong_token_and_licence_errors_stop_with_nothing_written() {
    let server = TestServer::start(Config::default());
    let store = Store::open_in_memory().unwrap();
    let wrong = client(&server.url(), 4242, "partner-token", "expired", fast());
    let err = remote_preview(
        &store,
        &wrong,
        Region::default(),
        &phonebook(3),
        &mut |_, _| {},
        &CancelToken::new(),
    )
    .unwrap_err();
    assert!(
        matches!(err, Error::Remote(RemoteError::Unauthorized)),
        "{err}"
    );

    // A valid preview, then the licence runs out before the commit.
    let api = api(&server);
    let mut plan = remote_preview(
        &store,
        &api,
        Region::default(),
        &phonebook(30),
        &mut |_, _| {},
        &CancelToken::new(),
    )
    .unwrap();
    plan.select_all();
    server.update_config(|c| c.licence_expired = true);
    let failed = commit(&store, &api, &plan, 10).unwrap_err();
    assert!(
        matches!(failed.error, Error::Remote(RemoteError::Licence { .. })),
        "{}",
        failed.error
    );
    assert!(failed.error.to_string().contains("renew the license"));
    assert!(failed.partial.created.is_empty());
    assert!(server.clients().is_empty());
    // Renewed: the same commit completes, once.
    server.update_config(|c| c.licence_expired = false);
    let report = commit(&store, &api, &plan, 10).unwrap();
    assert_eq!(report.created.len(), 30);
    assert_eq!(server.clients().len(), 30);
}

#[test]
fn malformed_json_and_server_errors_are_absorbed_by_retries() {
    let server = TestServer::start(Config::default());
    server.seed((0..600).map(|i| (format!("S{i}"), format!("7903{i:07}"))));
    server.set_faults(Faults {
        seed: 7,
        malformed: 0.3,
        server_error: 0.2,
        ..Faults::default()
    });
    let store = Store::open_in_memory().unwrap();
    let r = sync::refresh_mirror(
        &store,
        &api(&server),
        Region::default(),
        RefreshMode::Full,
        &mut |_, _| {},
        &CancelToken::new(),
    )
    .unwrap();
    assert_eq!(store.mirror_ids(4242).unwrap().len(), 600);
    assert!(r.complete);
    let stats = server.stats();
    assert!(
        stats.malformed + stats.server_errors > 0,
        "faults were injected: {stats:?}"
    );
}

#[test]
fn a_server_that_never_recovers_gives_a_typed_error() {
    let server = TestServer::start(Config::default());
    server.set_faults(Faults {
        seed: 1,
        server_error: 1.0,
        ..Faults::default()
    });
    let store = Store::open_in_memory().unwrap();
    let policy = Politeness {
        max_attempts: 3,
        ..fast()
    };
    let api = client(&server.url(), 4242, "partner-token", "user-token", policy);
    let err = sync::refresh_mirror(
        &store,
        &api,
        Region::default(),
        RefreshMode::Full,
        &mut |_, _| {},
        &CancelToken::new(),
    )
    .unwrap_err();
    assert!(
        matches!(err, Error::Remote(RemoteError::Unavailable { .. })),
        "{err}"
    );
    assert_eq!(server.stats().requests, 3);
}

#[test]
fn a_base_that_grows_while_paging_loses_nobody() {
    let server = TestServer::start(Config {
        grow_between_pages: true,
        ..Config::default()
    });
    server.seed((0..500).map(|i| (format!("S{i}"), format!("7903{i:07}"))));
    let store = Store::open_in_memory().unwrap();
    let r = sync::refresh_mirror(
        &store,
        &api(&server),
        Region::default(),
        RefreshMode::Full,
        &mut |_, _| {},
        &CancelToken::new(),
    )
    .unwrap();
    let mirrored = store.mirror_ids(4242).unwrap();
    let original: HashSet<i64> = (1000..1500).collect();
    assert!(
        original.is_subset(&mirrored),
        "every client that existed throughout is mirrored"
    );
    assert!(
        !r.complete,
        "a base that never stops changing is not pruned"
    );
}

#[test]
fn the_client_side_limiter_keeps_under_the_server_limit() {
    // The server enforces 20/s; the client is told 10/s. Not one request may be refused.
    let server = TestServer::start(Config {
        rate_limit: Some((20, 1000)),
        ..Config::default()
    });
    server.seed((0..2000).map(|i| (format!("S{i}"), format!("7903{i:07}"))));
    let store = Store::open_in_memory().unwrap();
    let policy = Politeness {
        per_second: 10,
        per_minute: 1000,
        ..fast()
    };
    let api = client(&server.url(), 4242, "partner-token", "user-token", policy);
    sync::refresh_mirror(
        &store,
        &api,
        Region::default(),
        RefreshMode::Full,
        &mut |_, _| {},
        &CancelToken::new(),
    )
    .unwrap();
    assert_eq!(store.mirror_ids(4242).unwrap().len(), 2000);
    assert_eq!(server.stats().rate_limited, 0);
}

#[test]
fn new_only_reads_down_to_the_watermark_not_to_the_first_known_id() {
    // The mirror knows the base, then two clients land: the older one's answer was lost, the
    // newer one's arrived and the journal put it in the mirror. Stopping at the first known
    // id would never see the older one, and it would be sent again.
    let server = TestServer::start(Config::default());
    server.seed([("Old".to_string(), phone_digits(1))]);
    let store = Store::open_in_memory().unwrap();
    let api = api(&server);
    sync::refresh_mirror(
        &store,
        &api,
        Region::default(),
        RefreshMode::Full,
        &mut |_, _| {},
        &CancelToken::new(),
    )
    .unwrap();
    server.seed([
        ("Lost answer".to_string(), phone_digits(2)),
        ("Answered".to_string(), phone_digits(3)),
    ]);
    let answered = server.clients().last().unwrap().id;
    store
        .mirror_upsert(
            4242,
            &[clientbook_core::store::MirrorClient {
                remote_id: answered,
                name: "Answered".into(),
                surname: None,
                middle_name: None,
                phone: Some(phone_digits(3)),
                phone_key: Some(format!("+{}", phone_digits(3))),
                email: None,
            }],
        )
        .unwrap();
    sync::refresh_mirror(
        &store,
        &api,
        Region::default(),
        RefreshMode::NewOnly,
        &mut |_, _| {},
        &CancelToken::new(),
    )
    .unwrap();
    assert!(
        store
            .mirror_index(4242)
            .unwrap()
            .contains_key(&format!("+{}", phone_digits(2))),
        "the client below a known one is found"
    );
}

#[test]
fn a_normal_import_and_one_right_after_get_no_429_from_altegio_limits() {
    // Altegio's own limits on the server, counted over sliding windows of arrivals; the
    // client at its default pace. Two imports in a row, the second by a new client object on
    // the same database, as a second process would be.
    let server = TestServer::start(Config {
        rate_limit: Some((5, 200)),
        ..Config::default()
    });
    let store = Store::open_in_memory().unwrap();
    let policy = Politeness {
        timeout: std::time::Duration::from_secs(5),
        ..Politeness::default()
    };
    let contacts = phonebook(4_000);
    for half in [&contacts[..2_000], &contacts[2_000..]] {
        let api = client(&server.url(), 4242, "partner-token", "user-token", policy);
        let mut plan = remote_preview(
            &store,
            &api,
            Region::default(),
            half,
            &mut |_, _| {},
            &CancelToken::new(),
        )
        .unwrap();
        plan.select_all();
        let report = commit(&store, &api, &plan, 100).unwrap_or_else(|f| panic!("{}", f.error));
        assert_eq!(report.created.len(), 2_000);
    }
    let stats = server.stats();
    assert_eq!(server.clients().len(), 4_000);
    assert_eq!(stats.rate_limited, 0, "{stats:?}");
}

#[test]
fn each_remote_operation_has_its_own_cancel_token_observed_while_waiting() {
    let server = TestServer::start(Config::default());
    server.seed((0..1000).map(|i| (format!("S{i}"), format!("7903{i:07}"))));
    let store = Store::open_in_memory().unwrap();
    // One request a second: the second page waits in the limiter.
    let policy = Politeness {
        per_second: 1,
        ..fast()
    };
    let api = client(&server.url(), 4242, "partner-token", "user-token", policy);
    // Another screen's cancelled operation does not stop this one.
    let other = CancelToken::new();
    other.cancel();
    let mine = CancelToken::new();
    let canceller = {
        let mine = mine.clone();
        std::thread::spawn(move || {
            std::thread::sleep(std::time::Duration::from_millis(300));
            mine.cancel();
        })
    };
    let err = sync::refresh_mirror(
        &store,
        &api,
        Region::default(),
        RefreshMode::Full,
        &mut |_, _| {},
        &mine,
    )
    .unwrap_err();
    canceller.join().unwrap();
    assert!(matches!(err, Error::Cancelled), "{err}");
    assert_eq!(
        server.stats().requests,
        1,
        "the wait for the second page was cut short"
    );
    assert!(other.is_cancelled() && store.mirror_ids(4242).unwrap().len() == 200);
}

fn contact(id: &str, given: &str, number: &str) -> clientbook_core::contact::PhonebookContact {
    clientbook_core::contact::PhonebookContact {
        platform_id: id.into(),
        given_name: Some(given.into()),
        phones: vec![clientbook_core::contact::RawPhone {
            number: number.into(),
            label: clientbook_core::phone::PhoneLabel::Work,
        }],
        ..Default::default()
    }
}

fn preview(
    store: &Store,
    server: &TestServer,
    contacts: &[clientbook_core::contact::PhonebookContact],
) -> clientbook_core::import::ImportPlan {
    remote_preview(
        store,
        &api(server),
        Region::default(),
        contacts,
        &mut |_, _| {},
        &CancelToken::new(),
    )
    .unwrap()
}

#[test]
fn a_fresh_mirror_recognises_a_client_imported_with_an_extension() {
    let server = TestServer::start(Config::default());
    // What an earlier import of "+7 495 123-45-67 доб. 123" left on Altegio: digits only.
    server.seed([("Office".to_string(), "74951234567".to_string())]);
    let store = Store::open_in_memory().unwrap();
    let plan = preview(
        &store,
        &server,
        &[contact("a", "Office", "+7 495 123-45-67 доб. 123")],
    );
    assert_eq!(plan.row(0).unwrap().status, ContactStatus::ExistingClient);
}

#[test]
fn two_contacts_differing_only_by_extension_are_one_altegio_client() {
    let server = TestServer::start(Config {
        refuse_duplicate_phones: false,
        ..Config::default()
    });
    let store = Store::open_in_memory().unwrap();
    let contacts = [
        contact("a", "Reception", "+7 495 123-45-67 доб. 123"),
        contact("b", "Manager", "+7 495 123-45-67 доб. 456"),
    ];
    let mut plan = preview(&store, &server, &contacts);
    let first = plan.row(0).unwrap();
    assert_eq!(first.status, ContactStatus::New);
    assert!(
        first.notice.as_deref().unwrap().contains("extension 123"),
        "{first:?}"
    );
    let second = plan.row(1).unwrap();
    assert_eq!(second.status, ContactStatus::DuplicateInPhonebook);
    assert_eq!(second.duplicate_of, Some(0));
    assert!(
        second
            .problem
            .as_deref()
            .unwrap()
            .contains("without the extension"),
        "{second:?}"
    );
    assert_eq!(plan.select_all(), 1);
    let report = commit(&store, &api(&server), &plan, 10).unwrap_or_else(|f| panic!("{}", f.error));
    assert_eq!(report.created.len(), 1);
    let clients = server.clients();
    assert_eq!(clients.len(), 1);
    assert_eq!(clients[0].phone, "74951234567");
    assert_eq!(clients[0].comment.as_deref(), Some("ext. 123"));
}

#[test]
fn a_lost_answer_for_an_extension_number_then_a_resend_creates_one_client() {
    let server = TestServer::start(Config {
        refuse_duplicate_phones: false,
        ..Config::default()
    });
    let store = Store::open_in_memory().unwrap();
    let contacts = [contact("a", "Office", "+7 495 123-45-67 доб. 123")];
    let mut plan = preview(&store, &server, &contacts);
    plan.select_all();
    // Every answer is lost after the write: the create lands, the lookups fail, the run ends.
    server.set_faults(Faults {
        seed: 3,
        drop_after_write: 1.0,
        ..Faults::default()
    });
    let policy = Politeness {
        max_attempts: 2,
        ..fast()
    };
    let lossy = client(&server.url(), 4242, "partner-token", "user-token", policy);
    let failed = commit(&store, &lossy, &plan, 10).unwrap_err();
    assert!(failed.partial.created.is_empty());
    assert_eq!(server.clients().len(), 1, "the create landed");
    // The next run looks it up (by the number without its extension) instead of resending.
    server.set_faults(Faults::default());
    let report = commit(&store, &api(&server), &plan, 10).unwrap_or_else(|f| panic!("{}", f.error));
    assert_eq!(report.created.len(), 1);
    assert_eq!(server.clients().len(), 1);
}
