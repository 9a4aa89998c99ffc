//! An import process killed with SIGKILL at random points, then run again until it succeeds,
//! ends in the same state as an uninterrupted import: every contact exactly once on the
//! server. The server does not refuse duplicate phones (Altegio does not document that it
//! does), applies some writes only after the client stopped waiting (even after its process
//! is gone), loses answers and fails with 5xx. Run over many seeds, not one lucky one.

use std::collections::HashMap;
use std::io::{BufRead, BufReader};
use std::process::{Command, Stdio};
use std::time::Duration;

use altegio_testserver::{Config, Faults, TestServer};
use clientbook_e2e::phone_digits;

/// Contacts per seed.
const CONTACTS: usize = 600;
/// Seeds: each one a fresh server and database, its own faults and kill points.
const SEEDS: u64 = 12;
/// Kills per seed before the runs that are left to finish.
const KILLS: usize = 5;

/// Duplicates and 429s one seed left behind.
struct Outcome {
    duplicates: usize,
    missing: usize,
    runs: usize,
    /// 429s from the server's rate limiter (the injected faults send none).
    refused: u64,
}

fn one_seed(seed: u64) -> Outcome {
    let server = TestServer::start(Config {
        refuse_duplicate_phones: false,
        // Altegio's 5/s and 200/min, times four like the worker's pace (`scaled`).
        rate_limit: Some((20, 800)),
        ..Config::default()
    });
    server.set_faults(Faults {
        seed,
        server_error: 0.10,
        // Answers that come after the client gave up but still wrote, and writes that land
        // only after the client gave up (the worker's timeout is 400 ms).
        slow: 0.03,
        slow_delay: Duration::from_millis(700),
        late_write: 0.03,
        late_delay: Duration::from_millis(700),
        drop_after_write: 0.05,
        // A round trip of a few milliseconds stretches the import so kills land mid-import.
        latency: Duration::from_millis(4),
        ..Faults::default()
    });
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("mirror.db");
    let worker = env!("CARGO_BIN_EXE_import-worker");
    let run = || {
        Command::new(worker)
            .args([db.to_str().unwrap(), &server.url(), &CONTACTS.to_string()])
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap()
    };
    // Kill points from the seed: after 0 to 5 settled batches plus 0 to 29 ms, so kills land
    // before the first write, between batches and in the middle of a request.
    let mut rng = seed.wrapping_mul(0x9E37_79B9_7F4A_7C15) | 1;
    let mut runs = 0;
    for _ in 0..KILLS {
        rng ^= rng << 13;
        rng ^= rng >> 7;
        rng ^= rng << 17;
        let batches = rng % 6;
        let extra = Duration::from_millis((rng >> 8) % 30);
        let mut child = run();
        runs += 1;
        let mut lines = BufReader::new(child.stdout.take().unwrap()).lines();
        for _ in 0..=batches {
            if lines.next().is_none() {
                break;
            }
        }
        std::thread::sleep(extra);
        if child.try_wait().unwrap().is_none() {
            child.kill().unwrap(); // SIGKILL on Unix
        }
        child.wait().unwrap();
    }
    // Now let it finish, faults still on.
    loop {
        runs += 1;
        assert!(
            runs <= KILLS + 15,
            "seed {seed}: the import did not converge"
        );
        let out = run().wait_with_output().unwrap();
        if out.status.success() {
            break;
        }
    }
    // Writes still held by the server land before anything is counted.
    server.wait_idle();
    let mut per_phone: HashMap<String, usize> = HashMap::new();
    for c in server.clients() {
        *per_phone.entry(c.phone).or_default() += 1;
    }
    Outcome {
        duplicates: per_phone.values().map(|n| n - 1).sum(),
        missing: (0..CONTACTS)
            .filter(|i| !per_phone.contains_key(&phone_digits(*i)))
            .count(),
        runs,
        refused: server.stats().limit_refusals,
    }
}

#[test]
fn killed_imports_create_each_client_once_across_seeds_without_server_refusal() {
    let mut report = Vec::new();
    for seed in 1..=SEEDS {
        let o = one_seed(seed);
        eprintln!(
            "seed {seed}: {} duplicates, {} missing, {} runs, {} refused by the rate limit",
            o.duplicates, o.missing, o.runs, o.refused
        );
        report.push((seed, o));
    }
    let bad: Vec<String> = report
        .iter()
        // At most one 429 per restart: a process that starts right after a killed one paces
        // itself against the send times the killed one left in the database.
        .filter(|(_, o)| o.duplicates > 0 || o.missing > 0 || o.refused > o.runs as u64 - 1)
        .map(|(seed, o)| {
            format!(
                "seed {seed}: {} duplicates, {} missing, {} 429s over {} restarts",
                o.duplicates,
                o.missing,
                o.refused,
                o.runs - 1
            )
        })
        .collect();
    assert!(
        bad.is_empty(),
        "{} of {SEEDS} seeds went wrong: {bad:?}",
        bad.len()
    );
}
