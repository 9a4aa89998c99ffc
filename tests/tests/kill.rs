//! An import process killed with SIGKILL at random points, then run again, ends in the same
//! state as an uninterrupted import: every contact exactly once on the server.

use std::collections::HashMap;
use std::io::{BufRead, BufReader};
use std::process::{Command, Stdio};
use std::time::Duration;

use altegio_testserver::{Config, Faults, TestServer};
use clientbook_e2e::phone_digits;

const CONTACTS: usize = 5_000;
const KILLS: usize = 20;

#[test]
fn killed_twenty_times_then_finished_creates_each_client_once() {
    let server = TestServer::start(Config::default());
    // Drop a few responses too, so kills land while outcomes are unknown.
    // A round trip of a few milliseconds stretches the import over seconds, so every kill
    // point lands mid-import.
    server.set_faults(Faults {
        seed: 42,
        drop_after_write: 0.02,
        latency: Duration::from_millis(8),
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
    // Deterministic kill points: after 0 to 5 settled batches plus 0 to 19 ms, so kills land
    // before the first write, between batches and in the middle of a request, whatever the
    // machine's speed.
    let mut rng = 0x5EED_u64;
    let mut killed = 0;
    let mut finished_early = 0;
    while killed < KILLS {
        assert!(
            killed + finished_early < 2 * KILLS,
            "the import keeps finishing before the kill point"
        );
        rng ^= rng << 13;
        rng ^= rng >> 7;
        rng ^= rng << 17;
        let batches = rng % 6;
        let extra = Duration::from_millis((rng >> 8) % 20);
        let mut child = run();
        let mut lines = BufReader::new(child.stdout.take().unwrap()).lines();
        // "committing", then `batches` batch lines; a closed pipe means the worker is done.
        for _ in 0..=batches {
            if lines.next().is_none() {
                break;
            }
        }
        std::thread::sleep(extra);
        match child.try_wait().unwrap() {
            Some(_) => finished_early += 1,
            None => {
                child.kill().unwrap(); // SIGKILL on Unix
                child.wait().unwrap();
                killed += 1;
            }
        }
    }
    assert_eq!(killed, KILLS);
    let before_final = server.clients().len();
    assert!(
        before_final > 0 && before_final < CONTACTS,
        "the kills interrupted a partly done import ({before_final})"
    );
    // Now let it finish.
    server.set_faults(Faults::default());
    for attempt in 0..5 {
        let out = run().wait_with_output().unwrap();
        if out.status.success() {
            break;
        }
        assert!(
            attempt < 4,
            "final run failed: {}",
            String::from_utf8_lossy(&out.stderr)
        );
    }
    let mut per_phone: HashMap<String, usize> = HashMap::new();
    for c in server.clients() {
        *per_phone.entry(c.phone).or_default() += 1;
    }
    assert!(
        per_phone.values().all(|n| *n == 1),
        "a number was created twice"
    );
    assert!(
        (0..CONTACTS).all(|i| per_phone.contains_key(&phone_digits(i))),
        "a contact is missing"
    );
    assert_eq!(server.clients().len(), CONTACTS);
    eprintln!("{killed} kills, {finished_early} runs finished before their kill point");
}
