//! Writes one benchmark scenario to a directory: a seeded phonebook (`phonebook.jsonl`,
//! `phonebook.vcf`) and a client database overlapping it (`clients.db`, `clients.jsonl`).
//! The JVM benchmark in `bindings/kotlin` reads these files.
//!
//! ```text
//! gen-data --out DIR [--contacts 10000] [--clients 100000] [--seed N]
//! ```

use std::path::PathBuf;
use std::process::ExitCode;

fn usage() -> ExitCode {
    eprintln!("usage: gen-data --out DIR [--contacts N] [--clients N] [--seed N]");
    ExitCode::from(2)
}

fn main() -> ExitCode {
    let mut out: Option<PathBuf> = None;
    let mut contacts = 10_000usize;
    let mut clients = 100_000usize;
    let mut seed = clientbook_testdata::SEED;
    let mut args = std::env::args().skip(1);
    while let Some(arg) = args.next() {
        let Some(value) = args.next() else {
            return usage();
        };
        let number = || value.replace('_', "").parse::<u64>().ok();
        match (arg.as_str(), number()) {
            ("--out", _) => out = Some(PathBuf::from(&value)),
            ("--contacts", Some(n)) => contacts = n as usize,
            ("--clients", Some(n)) => clients = n as usize,
            ("--seed", Some(n)) => seed = n,
            _ => return usage(),
        }
    }
    let Some(out) = out else {
        return usage();
    };
    let started = std::time::Instant::now();
    match clientbook_testdata::files::write_scenario(&out, contacts, clients, seed) {
        Ok(sc) => {
            eprintln!(
                "gen-data: {contacts} contacts, {clients} clients (seed {seed}) in {} in {:.1} s",
                sc.dir.display(),
                started.elapsed().as_secs_f64()
            );
            ExitCode::SUCCESS
        }
        Err(e) => {
            eprintln!("gen-data: {e}");
            ExitCode::FAILURE
        }
    }
}
