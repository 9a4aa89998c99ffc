//! Every transition of the import and export screens, driven as a shell drives them.

use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use clientbook_core::contact::{PhonebookContact, RawPhone};
use clientbook_core::permission::{ContactsPermission as P, PermissionAction};
use clientbook_core::phone::{PhoneLabel, Region};
use clientbook_core::rights::{Right, Rights};
use clientbook_core::screen::{
    ExportScreen, ExportScreenState, FailureKind, ImportScreen, ImportScreenState, ScreenObserver,
    ScreenPhase as Phase,
};
use clientbook_core::session::{ProgressStage, Settings, Target};
use clientbook_core::store::Store;

fn contact(given: &str, numbers: &[&str]) -> PhonebookContact {
    PhonebookContact {
        platform_id: format!("device-{given}"),
        given_name: Some(given.to_string()),
        phones: numbers
            .iter()
            .map(|n| RawPhone {
                number: n.to_string(),
                label: PhoneLabel::Mobile,
            })
            .collect(),
        ..Default::default()
    }
}

fn phonebook() -> Vec<PhonebookContact> {
    vec![
        contact("Anna", &["+7 916 123-45-67"]),
        contact("Boris", &["8 903 000-11-22", "+7 495 123-45-67"]),
        contact("Anna again", &["+79161234567"]),
        contact("Nobody", &["12"]),
        contact("Vera", &["+7 926 555-44-33"]),
    ]
}

fn target(rights: Rights) -> (Target, Arc<Store>) {
    let store = Arc::new(Store::open_in_memory().unwrap());
    (
        Target::Local {
            store: store.clone(),
            rights,
            region: Region::default(),
        },
        store,
    )
}

/// Every state the observer was told, in order.
#[derive(Clone)]
struct Seen(Arc<Mutex<Vec<ImportScreenState>>>);

impl ScreenObserver<ImportScreenState> for Seen {
    fn changed(&self, state: &ImportScreenState) {
        self.0.lock().unwrap().push(state.clone());
    }
}

fn import_screen(target: Target, settings: Settings) -> (ImportScreen, Seen) {
    let seen = Seen(Arc::new(Mutex::new(Vec::new())));
    (
        ImportScreen::new(target, settings, Some(Box::new(seen.clone()))),
        seen,
    )
}

fn listed(screen: &ImportScreen, contacts: Vec<PhonebookContact>) -> ImportScreenState {
    assert_eq!(
        screen.permission_changed(P::AndroidGranted).phase,
        Phase::Reading
    );
    assert!(screen.reading_progress(contacts.len() as u64));
    screen.contacts_read(contacts)
}

#[test]
fn permission_states_lead_to_the_right_step_and_back_from_settings() {
    let (t, _) = target(Rights::full());
    let (screen, _) = import_screen(t, Settings::default());
    assert_eq!(screen.state().phase, Phase::Start);
    assert!(!screen.state().actions.import_selected);

    let s = screen.permission_changed(P::AndroidDenied);
    assert_eq!(s.phase, Phase::NeedsPermission);
    assert_eq!(
        s.permission.unwrap().action,
        PermissionAction::RequestPermission
    );

    let s = screen.permission_changed(P::AndroidPermanentlyDenied);
    assert_eq!(s.phase, Phase::NeedsPermission);
    assert_eq!(s.permission.unwrap().action, PermissionAction::OpenSettings);

    // Back from Settings with access granted: straight to reading.
    let s = screen.permission_changed(P::AndroidGranted);
    assert_eq!(s.phase, Phase::Reading);
    assert!(s.actions.cancel);
    assert_eq!(s.progress.unwrap().stage, ProgressStage::Reading);
}

#[test]
fn ios_limited_access_lists_with_the_note_and_an_empty_share_says_how_to_share() {
    let (t, _) = target(Rights::full());
    let (screen, _) = import_screen(t, Settings::default());
    assert_eq!(
        screen.permission_changed(P::IosLimited).phase,
        Phase::Reading
    );
    let s = screen.contacts_read(Vec::new());
    assert_eq!(s.phase, Phase::Empty);
    assert!(s.message.unwrap().contains("Choose more contacts"));
    assert_eq!(
        s.permission.unwrap().action,
        PermissionAction::ProceedLimited
    );
    // The user shared more with the picker and came back: still "limited", read again.
    assert_eq!(
        screen.permission_changed(P::IosLimited).phase,
        Phase::Reading
    );
    assert_eq!(
        screen.contacts_read(phonebook()[..1].to_vec()).phase,
        Phase::List
    );
    // Full access granted in Settings: read again, with no "limited" note any more.
    assert_eq!(
        screen.permission_changed(P::IosAuthorized).phase,
        Phase::Reading
    );
    let s = screen.contacts_read(phonebook());
    assert_eq!(s.phase, Phase::List);
    assert!(s.permission.is_none());
    // Full access is not re-read on every return to the app: the selection stays.
    screen.select_all();
    assert_eq!(
        screen.permission_changed(P::IosAuthorized).phase,
        Phase::List
    );
    assert_eq!(screen.state().selected, 3);
}

#[test]
fn without_the_client_database_right_the_screen_names_it_and_shows_no_list() {
    let (t, _) = target(Rights::none());
    let (screen, _) = import_screen(t, Settings::default());
    let s = screen.permission_changed(P::AndroidGranted);
    assert_eq!(s.phase, Phase::RightsMissing);
    assert_eq!(s.missing_rights, vec![Right::ClientDatabaseAccess]);
    let message = s.message.unwrap();
    assert!(
        message.contains("Settings > System settings > Users"),
        "{message}"
    );
    assert_eq!(s.row_count, 0);
    assert!(!s.actions.select_all && !s.actions.retry);
    // Contacts arriving anyway are not matched.
    assert_eq!(
        screen.contacts_read(phonebook()).phase,
        Phase::RightsMissing
    );
}

#[test]
fn the_list_counts_selects_chooses_and_imports_then_reimport_creates_nothing() {
    let (t, _) = target(Rights::full());
    let (screen, seen) = import_screen(t.clone(), Settings::default());
    let s = listed(&screen, phonebook());
    assert_eq!(s.phase, Phase::List);
    assert_eq!(s.row_count, 5);
    assert_eq!(s.importable, 3, "Anna, Boris (needs a choice), Vera");
    assert_eq!(s.selected, 0);
    assert!(s.actions.select_all && !s.actions.select_none && !s.actions.import_selected);
    assert!(seen
        .0
        .lock()
        .unwrap()
        .iter()
        .any(|st| st.phase == Phase::Matching));

    // A row that cannot be imported is not ticked, and the message says why.
    let s = screen.toggle(2);
    assert_eq!(s.selected, 0);
    assert!(
        matches!(
            s.message_code,
            Some(clientbook_core::messages::Message::DuplicateInPhonebook { earlier: 0, .. })
        ),
        "{:?}",
        s.message_code
    );
    assert!(s.message.unwrap().contains("Anna"));

    // Boris has two numbers: choose the second, then change the choice again.
    let s = screen.choose_number(1, 1);
    assert!(s.actions.choose_number && s.message.is_none());
    assert_eq!(screen.rows(1, 1)[0].chosen_phone, Some(1));
    screen.choose_number(1, 0);
    assert_eq!(screen.rows(1, 1)[0].chosen_phone, Some(0));

    let s = screen.select_all();
    assert_eq!(s.selected, 3);
    assert!(s.actions.import_selected && s.actions.select_none && !s.actions.select_all);

    let s = screen.commit();
    assert_eq!(s.phase, Phase::Result);
    let report = s.report.clone().unwrap();
    assert_eq!(report.created.len(), 3);
    assert!(!report.cancelled);
    assert!(s.actions.back_to_list && !s.actions.retry);
    let commits: Vec<_> = seen
        .0
        .lock()
        .unwrap()
        .iter()
        .filter(|st| st.phase == Phase::Committing)
        .filter_map(|st| st.progress)
        .collect();
    assert!(commits.iter().all(|p| p.stage == ProgressStage::Importing));
    assert_eq!(commits.last().map(|p| (p.done, p.total)), Some((3, 3)));

    let s = screen.back_to_list();
    assert_eq!(s.phase, Phase::List);
    assert_eq!(s.already_clients, 3);
    assert_eq!(s.selected, 0);

    // A new screen on the same database: everyone is already a client.
    let (again, _) = import_screen(t, Settings::default());
    let s = listed(&again, phonebook());
    assert_eq!(s.importable, 0);
    assert_eq!(again.select_all().selected, 0);
    assert_eq!(
        again.commit().phase,
        Phase::List,
        "nothing selected: nothing to commit"
    );
}

#[test]
fn search_pages_only_the_matching_rows() {
    let (t, _) = target(Rights::full());
    let (screen, _) = import_screen(t, Settings::default());
    listed(&screen, phonebook());
    let s = screen.search("anna".into());
    assert_eq!(s.visible_count, 2);
    assert_eq!(s.row_count, 5);
    let rows = screen.rows(0, 10);
    assert_eq!(rows.iter().map(|r| r.index).collect::<Vec<_>>(), vec![0, 2]);
    let s = screen.search("926 555".into());
    assert_eq!(s.visible_count, 1);
    assert_eq!(screen.rows(0, 10)[0].index, 4);
    let before = s.rows_version;
    let s = screen.search(String::new());
    assert_eq!(s.visible_count, 5);
    assert!(s.rows_version > before);
}

#[test]
fn cancel_while_reading_stops_the_reader_and_retry_reads_again() {
    let (t, _) = target(Rights::full());
    let (screen, _) = import_screen(t, Settings::default());
    screen.permission_changed(P::AndroidGranted);
    assert!(screen.reading_progress(100));
    screen.cancel();
    assert!(!screen.reading_progress(200), "the reader is told to stop");
    // A reader that finishes anyway: its contacts are not matched.
    let s = screen.contacts_read(phonebook());
    assert_eq!(s.phase, Phase::Failed);
    assert_eq!(s.failure, Some(FailureKind::Cancelled));
    assert!(s.actions.retry, "a cancelled load is not a dead end");
    let s = screen.retry();
    assert_eq!(s.phase, Phase::Reading);
    assert_eq!(screen.contacts_read(phonebook()).phase, Phase::List);
}

#[test]
fn a_phonebook_that_fails_to_read_can_be_retried() {
    let (t, _) = target(Rights::full());
    let (screen, _) = import_screen(t, Settings::default());
    screen.permission_changed(P::AndroidGranted);
    let s = screen.reading_failed();
    assert_eq!(s.failure, Some(FailureKind::Phonebook));
    assert!(s.message.is_some());
    assert_eq!(screen.retry().phase, Phase::Reading);
}

#[test]
fn cancel_during_matching_returns_promptly_from_another_thread() {
    let (t, _) = target(Rights::full());
    let (screen, _) = import_screen(t, Settings::default());
    let screen = Arc::new(screen);
    screen.permission_changed(P::AndroidGranted);
    let contacts: Vec<_> = (0..100_000)
        .map(|i| contact(&format!("C{i}"), &[&format!("+7 916 {i:07}")]))
        .collect();
    let worker = {
        let screen = screen.clone();
        std::thread::spawn(move || screen.contacts_read(contacts))
    };
    // Wait until matching has visibly started, then cancel.
    let deadline = Instant::now() + Duration::from_secs(60);
    while screen
        .state()
        .progress
        .is_none_or(|p| p.stage != ProgressStage::Matching || p.done == 0)
    {
        assert!(
            Instant::now() < deadline,
            "matching never reported progress"
        );
        std::thread::sleep(Duration::from_millis(1));
    }
    screen.cancel();
    let s = worker.join().unwrap();
    assert_eq!(s.phase, Phase::Failed);
    assert_eq!(s.failure, Some(FailureKind::Cancelled));
    assert_eq!(s.row_count, 0, "nothing half-built is shown");
}

/// Cancels the screen it is attached to once a commit has written `after` clients: the
/// user tapping Cancel while the progress bar moves.
struct CancelAfter {
    after: u64,
    screen: Arc<std::sync::OnceLock<std::sync::Weak<ImportScreen>>>,
}

impl ScreenObserver<ImportScreenState> for CancelAfter {
    fn changed(&self, state: &ImportScreenState) {
        let writing = state.phase == Phase::Committing;
        if writing && state.progress.is_some_and(|p| p.done >= self.after) {
            if let Some(screen) = self.screen.get().and_then(|w| w.upgrade()) {
                screen.cancel();
            }
        }
    }
}

#[test]
fn a_commit_cancelled_midway_shows_what_was_written_and_retry_finishes_the_rest() {
    let (t, store) = target(Rights::full());
    let slot = Arc::new(std::sync::OnceLock::new());
    let screen = Arc::new(ImportScreen::new(
        t,
        Settings {
            batch_size: 2,
            ..Settings::default()
        },
        Some(Box::new(CancelAfter {
            after: 2,
            screen: slot.clone(),
        })),
    ));
    slot.set(Arc::downgrade(&screen)).unwrap();
    let contacts: Vec<_> = (0..9)
        .map(|i| contact(&format!("C{i}"), &[&format!("+7 916 000-00-0{i}")]))
        .collect();
    listed(&screen, contacts);
    screen.select_all();
    let s = screen.commit();
    assert_eq!(s.phase, Phase::Result);
    let report = s.report.clone().unwrap();
    assert!(report.cancelled);
    assert_eq!(
        report.created.len(),
        2,
        "stopped after the first whole batch"
    );
    assert_eq!(store.client_count().unwrap(), 2);
    assert!(s.actions.retry && s.actions.back_to_list);
    assert_eq!(s.selected, 7, "what is left stays selected");

    // Retry sends only the rest; the observer cancels again after its first batch, so
    // finish with back-to-list and a plain commit, as a user would after a second cancel.
    let s = screen.retry();
    assert_eq!(s.report.clone().unwrap().created.len(), 2);
    screen.back_to_list();
    let s = screen.commit();
    let total: usize = 4 + s.report.unwrap().created.len();
    assert!(total <= 9);
    while screen.state().selected > 0 {
        screen.back_to_list();
        screen.commit();
    }
    assert_eq!(
        store.client_count().unwrap(),
        9,
        "each contact created once"
    );
    assert_eq!(screen.state().already_clients, 9);
}

fn export_screen(target: Target) -> ExportScreen {
    ExportScreen::new(target, Settings::default(), None)
}

#[test]
fn export_names_every_missing_right() {
    let mut rights = Rights::full();
    rights.clients_excel_access = false;
    rights.clients_phones_email_access = false;
    let (t, _) = target(rights);
    let s = export_screen(t).permission_changed(P::AndroidGranted);
    assert_eq!(s.phase, Phase::RightsMissing);
    assert_eq!(s.missing_rights.len(), 2);
    let message = s.message.unwrap();
    assert!(
        message.contains("Settings > System settings > Users"),
        "{message}"
    );
}

#[test]
fn export_writes_in_batches_and_a_second_export_writes_nothing() {
    let (t, _) = target(Rights::full());
    let (importer, _) = import_screen(t.clone(), Settings::default());
    listed(&importer, phonebook());
    importer.select_all();
    assert_eq!(importer.commit().report.unwrap().created.len(), 3);

    let screen = export_screen(t.clone());
    assert_eq!(
        screen.permission_changed(P::AndroidGranted).phase,
        Phase::Reading
    );
    let s = screen.contacts_read(Vec::new());
    assert_eq!(s.phase, Phase::List);
    assert_eq!(s.exportable, 3);
    let s = screen.select_all();
    assert!(s.actions.export_selected);
    let to_write = screen.begin_write();
    assert_eq!(to_write.len(), 3);
    assert_eq!(screen.state().phase, Phase::Committing);
    let ids: Vec<(i64, String)> = to_write
        .iter()
        .map(|c| (c.client_id, format!("raw-{}", c.client_id)))
        .collect();
    assert!(screen.written(ids[..2].to_vec()));
    assert_eq!(
        screen.state().progress.map(|p| (p.done, p.total)),
        Some((2, 3))
    );
    assert!(screen.written(ids[2..].to_vec()));
    let s = screen.write_finished(false);
    assert_eq!(s.phase, Phase::Result);
    assert_eq!(s.written, Some(3));
    assert!(!s.cancelled);

    // The device now holds the written contacts (by id): nothing left to export.
    let device: Vec<PhonebookContact> = ids
        .iter()
        .map(|(_, id)| PhonebookContact {
            platform_id: id.clone(),
            ..Default::default()
        })
        .collect();
    let again = export_screen(t);
    again.permission_changed(P::AndroidGranted);
    let s = again.contacts_read(device);
    assert_eq!(s.already_on_phone, 3);
    assert_eq!(s.exportable, 0);
    assert!(again.begin_write().is_empty());
}

#[test]
fn an_export_cancelled_or_refused_midway_keeps_what_was_written() {
    let (t, _) = target(Rights::full());
    let (importer, _) = import_screen(t.clone(), Settings::default());
    listed(&importer, phonebook());
    importer.select_all();
    importer.commit();

    let screen = export_screen(t);
    screen.permission_changed(P::AndroidGranted);
    screen.contacts_read(Vec::new());
    screen.select_all();
    let to_write = screen.begin_write();
    assert!(screen.written(vec![(to_write[0].client_id, "raw-a".into())]));
    // The phonebook refuses the next batch.
    let s = screen.write_finished(true);
    assert_eq!(s.phase, Phase::Failed);
    assert_eq!(s.failure, Some(FailureKind::Phonebook));
    let s = screen.retry();
    assert_eq!(s.phase, Phase::List);
    assert_eq!(s.selected, 2, "only the unwritten ones remain selected");
    let rest = screen.begin_write();
    assert_eq!(rest.len(), 2);
    screen.cancel();
    assert!(!screen.written(vec![(rest[0].client_id, "raw-b".into())]));
    let s: ExportScreenState = screen.write_finished(false);
    assert_eq!(s.phase, Phase::Result);
    assert!(s.cancelled);
    assert_eq!(s.written, Some(1));
}

#[test]
fn undo_on_the_result_screen_removes_what_this_import_created_and_needs_the_right() {
    let (t, store) = target(Rights::full());
    // One contact is a client before the import: undo must leave it.
    let (first, _) = import_screen(t.clone(), Settings::default());
    listed(&first, vec![contact("Vera", &["+7 926 555-44-33"])]);
    first.select_all();
    first.commit();

    let (screen, _) = import_screen(t, Settings::default());
    listed(&screen, phonebook());
    screen.select_all();
    let s = screen.commit();
    assert_eq!(s.report.as_ref().unwrap().created.len(), 2);
    assert_eq!(s.undo_count, 2);
    assert!(s.actions.undo);
    let s = screen.undo();
    let undo = s.undo_report.clone().unwrap();
    assert_eq!(undo.deleted, 2);
    assert_eq!(
        store.client_count().unwrap(),
        1,
        "Vera, from the earlier import, stays"
    );
    assert!(!s.actions.undo && !s.actions.back_to_list);
    assert_eq!(
        screen.undo().undo_report.unwrap().deleted,
        2,
        "a second tap does nothing"
    );
    assert_eq!(store.client_count().unwrap(), 1);

    let mut rights = Rights::full();
    rights.clients_delete_access = false;
    let (t, _) = target(rights);
    let (screen, _) = import_screen(t, Settings::default());
    listed(&screen, phonebook());
    screen.select_all();
    screen.commit();
    let s = screen.undo();
    assert!(s.undo_report.is_none());
    assert!(s.message.unwrap().contains("Delete clients"));
    // Refused for a missing right: not offered again on this screen.
    assert!(!s.actions.undo && !s.actions.undo_from_history);
}

#[test]
fn select_suggested_leaves_out_service_own_staff_and_exported_contacts_with_reasons() {
    use clientbook_core::import::{KnownNumbers, NotSuggested};
    use clientbook_core::phone::ServiceKind;
    let (t, _) = target(Rights::full());
    let settings = Settings {
        known_numbers: KnownNumbers {
            location: vec!["8 (495) 111-22-33".into()],
            staff: vec!["+7 916 777-66-55".into()],
        },
        ..Settings::default()
    };
    let (screen, _) = import_screen(t, settings);
    let mut exported = contact("From our export", &["+7 926 000-00-01"]);
    exported.in_app_group = true;
    let contacts = vec![
        contact("Anna", &["+7 916 123-45-67"]),
        contact("Sberbank", &["8 800 555-55-50"]),
        contact("Salon", &["+7 495 111 22 33"]),
        contact("Master Olga", &["89167776655"]),
        exported,
        contact("UK helpline", &["+44 800 123 4567"]),
        contact("Boris", &["+7 903 000-11-22", "8 800 100-00-00"]),
    ];
    let s = listed(&screen, contacts);
    assert_eq!(s.importable, 7);
    assert_eq!(
        s.suggested, 2,
        "Anna and Boris (his default number is the mobile)"
    );
    let s = screen.select_suggested();
    assert_eq!(s.selected, 2);
    let rows = screen.rows(0, 10);
    let reasons: Vec<_> = rows.iter().map(|r| r.not_suggested).collect();
    assert_eq!(
        reasons,
        vec![
            None,
            Some(NotSuggested::ServiceNumber {
                kind: ServiceKind::TollFree
            }),
            Some(NotSuggested::LocationNumber),
            Some(NotSuggested::StaffNumber),
            Some(NotSuggested::FromAppGroup),
            Some(NotSuggested::ServiceNumber {
                kind: ServiceKind::TollFree
            }),
            None,
        ]
    );
    // Each reason comes with its words, in the screen's language.
    assert_eq!(
        rows[3].not_suggested_text.as_deref(),
        Some("A staff member's number")
    );
    assert!(rows
        .iter()
        .all(|r| r.not_suggested.is_some() == r.not_suggested_text.is_some()));
    // Staff can still tick a left-out contact.
    assert_eq!(screen.toggle(1).selected, 3);
    // Choosing Boris's toll-free number makes him a service number; choosing back clears it.
    screen.choose_number(6, 1);
    assert_eq!(
        screen.rows(6, 1)[0].not_suggested,
        Some(NotSuggested::ServiceNumber {
            kind: ServiceKind::TollFree
        })
    );
    screen.choose_number(6, 0);
    assert_eq!(screen.rows(6, 1)[0].not_suggested, None);
    assert!(screen.rows(6, 1)[0].can_choose_number);
}

#[test]
fn a_missing_email_is_offered_filled_in_on_request_and_never_overwrites() {
    let (t, store) = target(Rights::full());
    // Two clients without email, one with.
    let (first, _) = import_screen(t.clone(), Settings::default());
    let mut with_email = contact("Vera", &["+7 926 555-44-33"]);
    with_email.emails = vec!["vera@salon.example".into()];
    listed(
        &first,
        vec![
            contact("Anna", &["+7 916 123-45-67"]),
            contact("Boris", &["+7 903 000-11-22"]),
            with_email,
        ],
    );
    first.select_all();
    first.commit();

    let mut anna = contact("Anna P.", &["8 916 123 45 67"]);
    anna.emails = vec!["anna@example.com".into()];
    let mut boris = contact("Boris", &["+79030001122"]);
    boris.emails = vec!["boris@example.com".into()];
    let mut vera = contact("Vera", &["+79265554433"]);
    vera.emails = vec!["other@example.com".into()];
    let (screen, _) = import_screen(t, Settings::default());
    let s = listed(&screen, vec![anna, boris, vera]);
    assert_eq!(s.importable, 0);
    assert_eq!(s.fill_in_offered, 2, "Vera has an email: nothing to offer");
    assert!(s.actions.fill_in_all && !s.actions.import_selected);
    assert_eq!(
        screen.rows(0, 1)[0].fill_in_email.as_deref(),
        Some("anna@example.com")
    );
    assert!(
        screen.set_fill_in(2, true).message.is_some(),
        "Vera offers nothing"
    );

    let s = screen.set_fill_in(0, true);
    assert_eq!(s.fill_in_selected, 1);
    assert!(s.actions.import_selected);
    let s = screen.commit();
    assert_eq!(s.phase, Phase::Result);
    assert_eq!(s.report.unwrap().filled.len(), 1);
    let emails: Vec<Option<String>> = store
        .clients()
        .unwrap()
        .into_iter()
        .map(|c| c.email)
        .collect();
    assert_eq!(
        emails,
        vec![
            Some("anna@example.com".into()),
            None,
            Some("vera@salon.example".into())
        ]
    );
    let s = screen.back_to_list();
    assert_eq!(
        s.fill_in_offered, 1,
        "Anna's is done; Boris's is still offered"
    );
}

#[test]
fn the_export_screen_asks_for_contacts_for_its_own_reason() {
    let (t, _) = target(Rights::full());
    let s = export_screen(t.clone()).permission_changed(P::AndroidDenied);
    assert_eq!(s.phase, Phase::NeedsPermission);
    let advice = s.permission.unwrap();
    assert_eq!(advice.action, PermissionAction::RequestPermission);
    assert!(
        advice.explanation.contains("save the others"),
        "{}",
        advice.explanation
    );
    let (import, _) = import_screen(t, Settings::default());
    let advice = import
        .permission_changed(P::AndroidDenied)
        .permission
        .unwrap();
    assert!(
        advice.explanation.contains("import"),
        "{}",
        advice.explanation
    );
}

/// A server that has not answered yet: the first request waits until the test lets it go.
struct HeldServer {
    started: std::sync::mpsc::SyncSender<()>,
    release: Mutex<std::sync::mpsc::Receiver<()>>,
}

impl clientbook_core::altegio::Transport for HeldServer {
    fn send(
        &self,
        _: clientbook_core::altegio::HttpRequest,
    ) -> Result<clientbook_core::altegio::HttpResponse, clientbook_core::altegio::TransportError>
    {
        let _ = self.started.try_send(());
        let _ = self
            .release
            .lock()
            .unwrap()
            .recv_timeout(Duration::from_secs(30));
        Err(clientbook_core::altegio::TransportError(
            "no route to host".into(),
        ))
    }
}

#[test]
fn asking_altegio_for_rights_never_holds_the_screen_so_state_and_cancel_answer_meanwhile() {
    use clientbook_core::altegio::{AltegioClient, Credentials, Politeness};
    use clientbook_core::session::Altegio;
    let (started_tx, started) = std::sync::mpsc::sync_channel(8);
    let (release, release_rx) = std::sync::mpsc::channel();
    let api = AltegioClient::new(
        "http://127.0.0.1:9",
        7,
        Credentials::new("partner", "user"),
        Box::new(HeldServer {
            started: started_tx,
            release: Mutex::new(release_rx),
        }),
        Politeness {
            max_attempts: 1,
            ..Politeness::default()
        },
    );
    let target = Target::Altegio(Arc::new(Altegio {
        store: Arc::new(Store::open_in_memory().unwrap()),
        api,
        region: Region::default(),
    }));
    let (screen, _) = import_screen(target, Settings::default());
    let screen = Arc::new(screen);
    let worker = {
        let screen = screen.clone();
        std::thread::spawn(move || screen.permission_changed(P::AndroidGranted))
    };
    started
        .recv_timeout(Duration::from_secs(30))
        .expect("the rights request went out");
    // The request is in flight: the UI thread's calls must answer now, not after it.
    let (answered_tx, answered) = std::sync::mpsc::channel();
    {
        let screen = screen.clone();
        std::thread::spawn(move || {
            screen.cancel();
            let _ = answered_tx.send(screen.state().phase);
        });
    }
    let phase = answered
        .recv_timeout(Duration::from_secs(10))
        .expect("state() waited behind the network request");
    assert_eq!(phase, Phase::Start);
    release.send(()).unwrap();
    let s = worker.join().unwrap();
    assert_eq!(s.phase, Phase::Failed);
    assert_eq!(s.failure, Some(FailureKind::Network));
    assert!(s.actions.retry);
}

#[test]
fn undo_from_the_history_list_and_the_category_switch() {
    let (t, store) = target(Rights::full());
    // Locally the category is off unless switched on.
    let (first, _) = import_screen(t.clone(), Settings::default());
    let s = listed(&first, vec![contact("Vera", &["+7 926 555-44-33"])]);
    assert_eq!(s.category, None);
    assert_eq!(s.category_title.as_deref(), Some("From phonebook"));
    assert!(s.actions.set_category);
    let s = first.set_category(true);
    assert_eq!(s.category.as_deref(), Some("From phonebook"));
    first.select_all();
    let s = first.commit();
    let report = s.report.unwrap();
    let category = report.category.unwrap();
    assert_eq!((category.set, category.created_category), (1, true));
    let vera = report.created[0].client_id;
    assert_eq!(
        store.client_categories(vera).unwrap(),
        vec!["From phonebook"]
    );

    // A second screen, in Russian with the switch on by setting: its own title.
    let (screen, seen) = import_screen(
        t,
        Settings {
            category: Some(true),
            locale: clientbook_core::messages::Locale::Ru,
            ..Settings::default()
        },
    );
    let s = listed(&screen, phonebook());
    assert_eq!(s.category.as_deref(), Some("Из телефонной книги"));
    assert!(s.actions.undo_from_history);
    screen.select_all();
    let created = screen.commit().report.unwrap().created;
    assert_eq!(created.len(), 2, "Anna and Boris; Vera is a client already");
    assert_eq!(
        store.category_clients("Из телефонной книги").unwrap().len(),
        2
    );
    // From the history list: the first import (Vera's), by id, while on the result screen.
    let history = screen.history().unwrap();
    assert_eq!(history.len(), 2);
    let s = screen.undo_import(history[1].id);
    assert_eq!(s.phase, Phase::Result);
    assert_eq!(s.undo_report.as_ref().unwrap().deleted, 1);
    assert!(seen
        .0
        .lock()
        .unwrap()
        .iter()
        .any(|s| s.phase == Phase::Undoing && s.actions.cancel));
    assert_eq!(store.client_count().unwrap(), 2, "only Vera went");
    assert!(store.client_categories(vera).unwrap().is_empty());
    assert_eq!(
        store.categories().unwrap().len(),
        2,
        "undo leaves the categories"
    );
    assert_eq!(screen.history().unwrap()[1].undone, 1);
    assert_eq!(
        screen.history().unwrap()[1].outcome,
        clientbook_core::history::ImportOutcome::Done
    );
    // After an undo, "retry" reads the phonebook again: Vera is new again.
    assert!(s.actions.retry);
    assert_eq!(screen.retry().phase, Phase::Reading);
    let s = screen.contacts_read(phonebook());
    assert_eq!(s.phase, Phase::List);
    assert_eq!(s.already_clients, 3, "Anna (twice) and Boris stay clients");
    assert_eq!(s.importable, 1, "Vera is new again");
}

#[test]
fn fill_in_offers_a_missing_birthday_and_never_overwrites_one() {
    let (t, store) = target(Rights::full());
    let (first, _) = import_screen(t.clone(), Settings::default());
    let mut vera = contact("Vera", &["+7 926 555-44-33"]);
    vera.birthday = Some("1990-07-01".into());
    listed(&first, vec![contact("Anna", &["+7 916 123-45-67"]), vera]);
    first.select_all();
    let created = first.commit().report.unwrap().created;
    let (anna, vera) = (created[0].client_id, created[1].client_id);
    assert_eq!(
        store.client_birthday(vera).unwrap().as_deref(),
        Some("1990-07-01")
    );

    let (screen, _) = import_screen(
        t,
        Settings {
            locale: clientbook_core::messages::Locale::Ru,
            ..Settings::default()
        },
    );
    let mut anna_card = contact("Anna", &["+79161234567"]);
    anna_card.birthday = Some("19850312".into());
    let mut vera_card = contact("Vera", &["+79265554433"]);
    vera_card.birthday = Some("1991-01-01".into());
    let mut no_year = contact("Boris", &["+7 903 000-11-22"]);
    no_year.birthday = Some("--03-12".into());
    let s = listed(&screen, vec![anna_card, vera_card, no_year]);
    assert_eq!(s.fill_in_offered, 1, "Vera has a birthday; Boris is new");
    let rows = screen.rows(0, 3);
    assert_eq!(rows[0].fill_in_birthday.as_deref(), Some("1985-03-12"));
    assert_eq!(
        rows[0].fill_in_text.as_deref(),
        Some("Добавить клиенту день рождения 12.03.1985, если его нет")
    );
    assert_eq!(rows[1].fill_in_birthday, None);
    assert_eq!(
        rows[2].birthday, None,
        "a birthday without a year is no date"
    );
    screen.fill_in_all(true);
    let report = screen.commit().report.unwrap();
    assert_eq!(report.filled.len(), 1);
    assert_eq!(
        store.client_birthday(anna).unwrap().as_deref(),
        Some("1985-03-12")
    );
    assert_eq!(
        store.client_birthday(vera).unwrap().as_deref(),
        Some("1990-07-01")
    );
}
