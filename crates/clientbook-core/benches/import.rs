//! Import: the preview (10k and 100k contacts against 100k clients), the commit of 10,000 new
//! clients into an SQLite file, reading a 10k-card vCard file, and the whole job end to end.
//!
//! Data comes from `clientbook-testdata` (seeded); the client database is a real SQLite file
//! in a temporary directory, filled the way an import fills it.

use std::hint::black_box;
use std::path::{Path, PathBuf};
use std::sync::atomic::AtomicBool;

use clientbook_core::import::{self, CommitOptions, ImportPlan, PreviewOptions};
use clientbook_core::messages::{Locale, Message};
use clientbook_core::store::{NewClient, Store};
use clientbook_testdata as testdata;
use criterion::{criterion_group, criterion_main, BatchSize, Criterion, Throughput};

const CLIENTS: usize = 100_000;

/// A client database file with `clients`, written once per bench run.
fn client_db(dir: &Path, name: &str, clients: &[NewClient]) -> PathBuf {
    let path = dir.join(name);
    let store = Store::open(&path).expect("open database");
    testdata::fill_store(&store, clients).expect("fill database");
    path
}

/// A fresh copy of a database file (closed, so the WAL is checkpointed into it).
fn copy_db(template: &Path, dir: &Path) -> Store {
    let path = dir.join("copy.db");
    for suffix in ["-wal", "-shm"] {
        let _ = std::fs::remove_file(dir.join(format!("copy.db{suffix}")));
    }
    std::fs::copy(template, &path).expect("copy database");
    Store::open(&path).expect("open copy")
}

fn preview(c: &mut Criterion) {
    let dir = tempfile::tempdir().expect("tempdir");
    let mut group = c.benchmark_group("import_preview");
    group.sample_size(10);
    for contacts in [10_000usize, 100_000] {
        let pb = testdata::phonebook(contacts, testdata::SEED);
        let clients = testdata::clients(CLIENTS, &pb, testdata::SEED);
        let path = client_db(dir.path(), &format!("clients-{contacts}.db"), &clients);
        let store = Store::open(&path).expect("open");
        let index = store.client_index().expect("index");
        let label = format!("{}k_x_{}k", contacts / 1000, CLIENTS / 1000);
        group.throughput(Throughput::Elements(contacts as u64));
        // The preview itself: parse, normalise, name rules, match, rows. The plan is dropped
        // outside the timing: a screen keeps it while it is open.
        group.bench_function(format!("build/{label}"), |b| {
            b.iter_with_large_drop(|| {
                black_box(ImportPlan::build(
                    black_box(&pb.contacts),
                    &index,
                    PreviewOptions::default(),
                    &mut |_, _| {},
                ))
            })
        });
        // The same preview with its texts in Russian (every row that is not new carries a
        // rendered reason in either language; this shows the other catalogue costs the same).
        if contacts == 10_000 {
            group.bench_function(format!("build_ru/{label}"), |b| {
                b.iter_with_large_drop(|| {
                    black_box(ImportPlan::build(
                        black_box(&pb.contacts),
                        &index,
                        PreviewOptions {
                            locale: Locale::Ru,
                            ..Default::default()
                        },
                        &mut |_, _| {},
                    ))
                })
            });
        }
        // What the screen waits for: the client index read from the file, then the preview.
        group.bench_function(format!("index_and_build/{label}"), |b| {
            b.iter_with_large_drop(|| {
                let index = store.client_index().expect("index");
                let plan = ImportPlan::build(
                    &pb.contacts,
                    &index,
                    PreviewOptions::default(),
                    &mut |_, _| {},
                );
                black_box((index, plan))
            })
        });
    }
    // The client index alone (100k clients: one indexed scan into a hash map).
    group.throughput(Throughput::Elements(CLIENTS as u64));
    let store = Store::open(dir.path().join("clients-10000.db")).expect("open");
    group.bench_function("client_index/100k", |b| {
        b.iter_with_large_drop(|| black_box(store.client_index().expect("index")))
    });
    group.finish();
}

/// Rendering 50,000 row reasons (a re-import where every contact is already a client), the
/// most a preview renders; per reason and per locale.
fn reasons(c: &mut Criterion) {
    let mut group = c.benchmark_group("messages");
    group.sample_size(10);
    group.throughput(Throughput::Elements(50_000));
    for locale in Locale::ALL {
        group.bench_function(format!("render_50k_already_client/{locale}"), |b| {
            b.iter(|| {
                for client_id in 0..50_000i64 {
                    black_box(Message::AlreadyClient { client_id }.render(locale));
                }
            })
        });
        group.bench_function(format!("render_50k_needs_choice/{locale}"), |b| {
            b.iter(|| {
                for n in 0..50_000u64 {
                    black_box(Message::NeedsChoice { numbers: 2 + n % 3 }.render(locale));
                }
            })
        });
    }
    group.finish();
}

fn commit(c: &mut Criterion) {
    let dir = tempfile::tempdir().expect("tempdir");
    let pb = testdata::phonebook(10_000, testdata::SEED);
    let clients = testdata::clients(CLIENTS, &pb, testdata::SEED);
    let full = client_db(dir.path(), "full.db", &clients);
    let empty = client_db(dir.path(), "empty.db", &[]);
    let fresh = testdata::new_contacts(10_000, &clients, testdata::SEED);
    let mut plan = ImportPlan::build(
        &fresh,
        &Default::default(),
        PreviewOptions::default(),
        &mut |_, _| {},
    );
    assert_eq!(plan.select_all(), 10_000);

    let mut group = c.benchmark_group("import_commit");
    group.sample_size(10);
    group.throughput(Throughput::Elements(10_000));
    for (name, template) in [
        ("10k_new_into_100k_file", &full),
        ("10k_new_into_empty_file", &empty),
    ] {
        group.bench_function(name, |b| {
            b.iter_batched(
                || {
                    let work = tempfile::tempdir().expect("tempdir");
                    let store = copy_db(template, work.path());
                    (work, store, plan.prepare_commit())
                },
                |(work, store, job)| {
                    let report = import::run_commit(
                        &store,
                        job,
                        CommitOptions::default(),
                        &mut |_, _| {},
                        &AtomicBool::new(false),
                    )
                    .expect("commit");
                    assert_eq!(report.created.len(), 10_000);
                    (work, store, report)
                },
                BatchSize::PerIteration,
            )
        });
    }
    group.finish();
}

fn vcard_and_end_to_end(c: &mut Criterion) {
    let dir = tempfile::tempdir().expect("tempdir");
    let pb = testdata::phonebook(10_000, testdata::SEED);
    let clients = testdata::clients(CLIENTS, &pb, testdata::SEED);
    let full = client_db(dir.path(), "full.db", &clients);
    let file = testdata::vcard(&pb.contacts);

    let mut group = c.benchmark_group("vcard");
    group.sample_size(10);
    group.throughput(Throughput::Elements(10_000));
    group.bench_function("parse/10k", |b| {
        b.iter(|| black_box(clientbook_core::vcard::parse(black_box(&file))))
    });
    group.finish();

    // The CLI's `import FILE.vcf`: read the file, index, preview, select all, commit.
    let mut group = c.benchmark_group("end_to_end");
    group.sample_size(10);
    group.throughput(Throughput::Elements(10_000));
    group.bench_function("vcf_10k_into_100k_file", |b| {
        b.iter_batched(
            || {
                let work = tempfile::tempdir().expect("tempdir");
                let store = copy_db(&full, work.path());
                (work, store)
            },
            |(work, store)| {
                let parsed = clientbook_core::vcard::parse(&file);
                let index = store.client_index().expect("index");
                let mut plan = ImportPlan::build_numbered(
                    parsed.cards.iter().map(|c| (c.index as u64, &c.contact)),
                    &index,
                    PreviewOptions::default(),
                    &mut |_, _| {},
                );
                plan.select_all();
                let report = import::commit(
                    &store,
                    &plan,
                    CommitOptions::default(),
                    &mut |_, _| {},
                    &AtomicBool::new(false),
                )
                .expect("commit");
                (work, store, report)
            },
            BatchSize::PerIteration,
        )
    });
    group.finish();
}

criterion_group!(benches, preview, reasons, commit, vcard_and_end_to_end);
criterion_main!(benches);
