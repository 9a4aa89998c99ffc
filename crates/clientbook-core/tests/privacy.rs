//! No phone number, name or email reaches log output, at any level.

use std::collections::HashSet;
use std::io::Write;
use std::sync::atomic::AtomicBool;
use std::sync::{Arc, Mutex};

use clientbook_core::export::ExportPlan;
use clientbook_core::import::{commit, CommitOptions, ImportPlan, PreviewOptions};
use clientbook_core::rights::Rights;
use clientbook_core::store::Store;
use clientbook_core::vcard;

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

const PHONEBOOK: &str = "BEGIN:VCARD\r\nVERSION:3.0\r\nN:Zyxwvutova;Qwertyna;Asdfovna;;\r\nFN:Qwertyna Zyxwvutova\r\nTEL;TYPE=CELL:8 (916) 987-65-43\r\nTEL;TYPE=WORK:+7 495 765-43-21 доб. 777\r\nEMAIL:qwertyna@secret.example\r\nEND:VCARD\r\nBEGIN:VCARD\r\nVERSION:2.1\r\nFN:Plumbusova\r\nTEL;CELL:not-a-number 5551\r\nEND:VCARD\r\nBEGIN:VCARD\r\nFN:Brokenova\r\nbad line without colon\r\n";

#[test]
fn trace_output_carries_no_personal_data() {
    let captured = Captured::default();
    let sink = captured.clone();
    // Global, so `log` records from dependencies (rlibphonenumber logs through `log`) are
    // bridged in too; this file holds one test, so nothing else shares the subscriber.
    tracing_subscriber::fmt()
        .with_max_level(tracing::Level::TRACE)
        .with_writer(move || sink.clone())
        // Timestamps are digits too: without them a short secret such as "777" cannot
        // match by chance.
        .without_time()
        .with_ansi(false)
        .try_init()
        .unwrap();
    {
        tracing::info!("capture works");
        let dir = tempfile::tempdir().unwrap();
        let store = Store::open(dir.path().join("c.db")).unwrap();
        let parsed = vcard::parse(PHONEBOOK.as_bytes());
        let contacts: Vec<_> = parsed.cards.iter().map(|c| c.contact.clone()).collect();
        let mut plan = ImportPlan::build(
            &contacts,
            &store.client_index().unwrap(),
            PreviewOptions::default(),
            &mut |_, _| {},
        );
        plan.select_all();
        let report = commit(
            &store,
            &plan,
            CommitOptions::default(),
            &mut |_, _| {},
            &AtomicBool::new(false),
        )
        .unwrap();
        assert_eq!(report.created.len(), 1);
        let mut export = ExportPlan::build(
            &Rights::full(),
            store.clients().unwrap(),
            &[],
            &HashSet::new(),
            Default::default(),
            false,
        )
        .unwrap();
        export.select_all();
        let written = vcard::write(
            &export
                .contacts_to_write()
                .into_iter()
                .map(|c| c.contact)
                .collect::<Vec<_>>(),
        );
        assert!(written.contains("Qwertyna"));
        // Errors are logged by callers; their text must be clean too.
        let err = Store::open(dir.path().join("missing-dir").join("x.db")).unwrap_err();
        tracing::error!(error = %err, "open failed");
        log::trace!("log bridge works");
    }
    let log = String::from_utf8(captured.0.lock().unwrap().clone()).unwrap();
    assert!(
        log.contains("capture works"),
        "the capture itself must work: {log}"
    );
    assert!(
        !log.contains("log bridge works"),
        "log::trace! is compiled out: {log}"
    );
    assert!(log.contains("import committed"), "{log}");
    for secret in [
        "Qwertyna",
        "Zyxwvutova",
        "Asdfovna",
        "Plumbusova",
        "Brokenova",
        "qwertyna@",
        "secret.example",
        "987",
        "9876543",
        "79169876543",
        "765-43",
        "7654321",
        "777",
        "5551",
    ] {
        assert!(!log.contains(secret), "log leaks {secret:?}:\n{log}");
    }
}
