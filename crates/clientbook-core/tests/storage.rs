//! Storage faults: a full disk, a read-only file system, a migration that fails, two
//! processes' worth of writers. Each ends in a clear error or correct serialisation, and the
//! database afterwards holds every client once.
//!
//! The disk tests mount a small tmpfs, which needs root (CI runs as root). Without it they
//! say so and stop early rather than pretend.

use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::atomic::AtomicBool;

use clientbook_core::contact::{PhonebookContact, RawPhone};
use clientbook_core::import::{commit, run_commit, CommitOptions, ImportPlan, PreviewOptions};
use clientbook_core::phone::PhoneLabel;
use clientbook_core::store::{Store, SCHEMA_VERSION};
use clientbook_core::Error;

fn contacts(range: std::ops::Range<usize>) -> Vec<PhonebookContact> {
    range
        .map(|i| PhonebookContact {
            given_name: Some(format!("Client {i} {}", "x".repeat(200))),
            phones: vec![RawPhone {
                number: format!("+7 916 {i:07}"),
                label: PhoneLabel::Mobile,
            }],
            ..Default::default()
        })
        .collect()
}

fn import(
    store: &Store,
    contacts: &[PhonebookContact],
) -> Result<usize, Box<clientbook_core::import::CommitFailed>> {
    let mut plan = ImportPlan::build(
        contacts,
        &store.client_index().unwrap(),
        PreviewOptions::default(),
        &mut |_, _| {},
    );
    plan.select_all();
    run_commit(
        store,
        plan.prepare_commit(),
        CommitOptions::batches_of(100),
        &mut |_, _| {},
        &AtomicBool::new(false),
    )
    .map(|r| r.created.len())
}

/// A tmpfs of `size` mounted for the test's lifetime.
struct SmallDisk {
    dir: tempfile::TempDir,
}

impl SmallDisk {
    fn mount(size: &str) -> Option<SmallDisk> {
        let dir = tempfile::tempdir().ok()?;
        let ok = Command::new("mount")
            .args(["-t", "tmpfs", "-o", &format!("size={size}"), "tmpfs"])
            .arg(dir.path())
            .status()
            .is_ok_and(|s| s.success());
        if !ok {
            eprintln!("skipped: mounting a tmpfs needs root");
            return None;
        }
        Some(SmallDisk { dir })
    }

    fn path(&self) -> &Path {
        self.dir.path()
    }

    fn remount(&self, options: &str) {
        let status = Command::new("mount")
            .args(["-o", &format!("remount,{options}")])
            .arg(self.path())
            .status()
            .unwrap();
        assert!(status.success(), "remount {options}");
    }
}

impl Drop for SmallDisk {
    fn drop(&mut self) {
        let _ = Command::new("umount").arg(self.dir.path()).status();
    }
}

fn count_and_unique(path: &PathBuf) -> (i64, i64) {
    let conn = rusqlite::Connection::open(path).unwrap();
    conn.query_row(
        "SELECT count(*), count(DISTINCT phone_key) FROM clients",
        [],
        |r| Ok((r.get(0)?, r.get(1)?)),
    )
    .unwrap()
}

#[test]
fn a_full_disk_stops_the_import_at_a_batch_boundary_and_loses_nothing() {
    let Some(disk) = SmallDisk::mount("768k") else {
        return;
    };
    let db = disk.path().join("clients.db");
    let store = Store::open(&db).unwrap();
    let all = contacts(0..20_000);
    let failed = import(&store, &all).expect_err("768 KiB cannot hold 20,000 clients");
    match &failed.error {
        Error::ReadOnly { detail, .. } => assert!(detail.contains("disk is full"), "{detail}"),
        other => panic!("expected a full-disk error, got {other}"),
    }
    let written = failed.partial.created.len();
    assert!(
        written > 0 && written.is_multiple_of(100),
        "whole batches only: {written}"
    );
    drop(store);
    assert_eq!(count_and_unique(&db), (written as i64, written as i64));

    // Space is freed: the same import finishes, nothing twice.
    disk.remount("size=64m");
    let store = Store::open(&db).unwrap();
    let more = import(&store, &all).unwrap();
    assert_eq!(written + more, 20_000);
    drop(store);
    assert_eq!(count_and_unique(&db), (20_000, 20_000));
}

#[test]
fn a_read_only_file_system_gives_a_clear_error_and_keeps_the_file() {
    let Some(disk) = SmallDisk::mount("8m") else {
        return;
    };
    let db = disk.path().join("clients.db");
    {
        let store = Store::open(&db).unwrap();
        import(&store, &contacts(0..10)).unwrap();
    }
    let before = std::fs::read(&db).unwrap();
    disk.remount("ro");
    let err = match Store::open(&db) {
        // Opening may still succeed read-only; then the first write must fail clearly.
        Ok(store) => import(&store, &contacts(10..20)).unwrap_err().error,
        Err(e) => e,
    };
    assert!(matches!(err, Error::ReadOnly { .. }), "{err}");
    assert!(err.to_string().contains("cannot be written"), "{err}");
    assert_eq!(std::fs::read(&db).unwrap(), before);
    disk.remount("rw");
    assert_eq!(count_and_unique(&db), (10, 10));
}

#[test]
fn a_failed_migration_leaves_the_old_database_as_it_was() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("clients.db");
    {
        let store = Store::open(&db).unwrap();
        import(&store, &contacts(0..5)).unwrap();
    }
    // Make the file look like schema 1 with something in the way of schema 2.
    {
        let conn = rusqlite::Connection::open(&db).unwrap();
        conn.execute_batch(
            "DROP TABLE mirror_clients; DROP TABLE import_journal; CREATE TABLE import_journal (x); PRAGMA user_version = 1;",
        )
        .unwrap();
    }
    let err = Store::open(&db).unwrap_err();
    assert!(err.to_string().contains("import_journal"), "{err}");
    let conn = rusqlite::Connection::open(&db).unwrap();
    let version: i64 = conn
        .query_row("PRAGMA user_version", [], |r| r.get(0))
        .unwrap();
    assert_eq!(version, 1, "the migration rolled back as a whole");
    let mirror: i64 = conn
        .query_row(
            "SELECT count(*) FROM sqlite_master WHERE name = 'mirror_clients'",
            [],
            |r| r.get(0),
        )
        .unwrap();
    assert_eq!(mirror, 0, "no half-applied step");
    assert_eq!(count_and_unique(&db), (5, 5));
    const { assert!(SCHEMA_VERSION >= 2) };
}

#[test]
fn two_writers_on_one_database_serialise_without_duplicates() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("clients.db");
    Store::open(&db).unwrap();
    let all = contacts(0..3_000);
    std::thread::scope(|s| {
        for offset in [0usize, 1_500] {
            let db = db.clone();
            let mine: Vec<PhonebookContact> = all[offset..]
                .iter()
                .chain(&all[..offset])
                .cloned()
                .collect();
            s.spawn(move || {
                // Each writer has its own connection, as two processes would.
                let store = Store::open(&db).unwrap();
                let mut plan = ImportPlan::build(
                    &mine,
                    &store.client_index().unwrap(),
                    PreviewOptions::default(),
                    &mut |_, _| {},
                );
                plan.select_all();
                commit(
                    &store,
                    &plan,
                    CommitOptions::batches_of(50),
                    &mut |_, _| {},
                    &AtomicBool::new(false),
                )
                .unwrap();
            });
        }
    });
    assert_eq!(count_and_unique(&db), (3_000, 3_000));
}
