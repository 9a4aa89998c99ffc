//! Peak resident memory of the import preview: 100,000 phonebook contacts against 100,000
//! clients, the largest case the import screen must handle.
//!
//! ```text
//! preview-rss [--contacts 100000] [--clients 100000] [--data DIR]
//! ```
//!
//! Without `--data`, writes the scenario (like `gen-data`) to a temporary directory first,
//! then re-executes itself to measure in a fresh process, so nothing the generator allocated
//! counts. The measured process holds what the app holds: the contacts handed to the core
//! (read from `phonebook.jsonl` one line at a time), the client database (SQLite file), its
//! phone index, and the preview. It prints `VmHWM` (peak RSS) from `/proc/self/status`.

use std::path::{Path, PathBuf};
use std::process::{Command, ExitCode};
use std::time::Instant;

use clientbook_core::import::{ImportPlan, PreviewOptions};
use clientbook_core::store::Store;
use clientbook_testdata::files::{read_phonebook, Scenario};
use clientbook_testdata::{peak_rss_kib, rss_kib};

fn mib(kib: Option<u64>) -> String {
    kib.map_or("?".into(), |k| format!("{:.1}", k as f64 / 1024.0))
}

fn measure(dir: &Path) -> ExitCode {
    let sc = Scenario::new(dir);
    let base = rss_kib();
    let t0 = Instant::now();
    let contacts = read_phonebook(&sc.phonebook_jsonl()).expect("read phonebook.jsonl");
    let after_contacts = rss_kib();
    let store = Store::open(sc.clients_db()).expect("open clients.db");
    let index = store.client_index().expect("client index");
    let after_index = rss_kib();
    let t1 = Instant::now();
    // The phone's path: the FFI session takes the contacts and frees each as its row is built.
    let count = contacts.len();
    let plan = ImportPlan::build_owned_numbered(
        clientbook_core::session::numbered(contacts),
        &index,
        PreviewOptions::default(),
        &mut |_, _| {},
        &clientbook_core::cancel::CancelToken::new(),
    )
    .expect("an uncancelled preview completes");
    let build = t1.elapsed();
    let after_plan = rss_kib();
    let summary = plan.summary();
    let peak = peak_rss_kib();
    println!(
        "preview-rss contacts={} clients={} peak_rss_mib={} base_mib={} after_contacts_mib={} after_index_mib={} after_plan_mib={} build_ms={:.1} total_ms={:.1}",
        count,
        index.len(),
        mib(peak),
        mib(base),
        mib(after_contacts),
        mib(after_index),
        mib(after_plan),
        build.as_secs_f64() * 1000.0,
        t0.elapsed().as_secs_f64() * 1000.0,
    );
    println!(
        "statuses new={} existing_client={} duplicate_in_phonebook={} needs_choice={} no_phone={} invalid_phone={} no_name={}",
        summary.new,
        summary.existing_client,
        summary.duplicate_in_phonebook,
        summary.needs_choice,
        summary.no_phone,
        summary.invalid_phone,
        summary.no_name
    );
    drop((plan, index, store));
    ExitCode::SUCCESS
}

fn usage() -> ExitCode {
    eprintln!("usage: preview-rss [--contacts N] [--clients N] [--data DIR]");
    ExitCode::from(2)
}

fn main() -> ExitCode {
    let (mut contacts, mut clients, mut data) = (100_000usize, 100_000usize, None::<PathBuf>);
    let mut args = std::env::args().skip(1);
    while let Some(arg) = args.next() {
        let Some(value) = args.next() else {
            return usage();
        };
        match arg.as_str() {
            "--data" => data = Some(PathBuf::from(value)),
            "--contacts" => match value.parse() {
                Ok(n) => contacts = n,
                Err(_) => return usage(),
            },
            "--clients" => match value.parse() {
                Ok(n) => clients = n,
                Err(_) => return usage(),
            },
            _ => return usage(),
        }
    }
    if let Some(dir) = data {
        return measure(&dir);
    }
    let dir = std::env::temp_dir().join(format!("clientbook-preview-rss-{}", std::process::id()));
    let result = (|| {
        clientbook_testdata::files::write_scenario(
            &dir,
            contacts,
            clients,
            clientbook_testdata::SEED,
        )?;
        let exe = std::env::current_exe()?;
        Command::new(exe).arg("--data").arg(&dir).status()
    })();
    let _ = std::fs::remove_dir_all(&dir);
    match result {
        Ok(status) if status.success() => ExitCode::SUCCESS,
        Ok(_) => ExitCode::FAILURE,
        Err(e) => {
            eprintln!("preview-rss: {e}");
            ExitCode::FAILURE
        }
    }
}
