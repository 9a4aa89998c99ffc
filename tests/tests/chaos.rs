//! Contacts through a server that fails the way real ones do, over many seeds, with the
//! server accepting duplicate phones: every selected contact must end as exactly one client,
//! none twice, none missing.

use std::collections::HashMap;
use std::sync::Arc;
use std::time::Duration;

use altegio_testserver::{Config, Faults, TestServer};
use clientbook_core::cancel::CancelToken;
use clientbook_core::phone::Region;
use clientbook_core::session::{numbered, Altegio, ImportSession, Settings, Target};
use clientbook_core::store::Store;
use clientbook_e2e::{client, fast, phone_digits, phonebook};

const CONTACTS: usize = 1_500;
const SEEDS: u64 = 6;

/// (duplicates, missing, runs, what the server did) for one seed.
fn one_seed(seed: u64) -> (usize, usize, usize, altegio_testserver::Stats) {
    let server = TestServer::start(Config {
        refuse_duplicate_phones: false,
        ..Config::default()
    });
    // Some of the phonebook is already in the salon's base.
    server.seed(
        (0..CONTACTS)
            .step_by(50)
            .map(|i| (format!("Existing {i}"), phone_digits(i))),
    );
    server.set_faults(Faults {
        seed,
        server_error: 0.10,
        slow: 0.05,
        slow_delay: Duration::from_millis(700),
        late_write: 0.05,
        late_delay: Duration::from_millis(700),
        drop_after_write: 0.03,
        malformed: 0.0,
        burst_every: 25,
        burst_len: 3,
        latency: Duration::ZERO,
    });
    let dir = tempfile::tempdir().unwrap();
    // The app's own path: an import session against the Altegio target, as the screens and
    // the command line run it.
    let target = Target::Altegio(Arc::new(Altegio {
        store: Arc::new(Store::open(dir.path().join("mirror.db")).unwrap()),
        api: client(&server.url(), 4242, "partner-token", "user-token", fast()),
        region: Region::default(),
    }));
    let settings = Settings {
        batch_size: 25,
        ..Settings::default()
    };
    let contacts = phonebook(CONTACTS);

    // Staff press "Import" until nothing is left, as they would after an error message.
    let mut runs = 0;
    loop {
        runs += 1;
        assert!(
            runs <= 12,
            "seed {seed}: import did not converge in 12 runs"
        );
        let outcome = ImportSession::open(
            target.clone(),
            numbered(contacts.clone()),
            settings.clone(),
            None,
            &mut |_, _, _| {},
            &CancelToken::new(),
        )
        .and_then(|session| {
            if session.select_all() == 0 {
                return Ok(true);
            }
            session
                .commit(&mut |_, _| {}, &CancelToken::new())
                // Done or not, the next round's preview decides: it selects what is left.
                .map(|_| false)
                .map_err(|f| f.error)
        });
        match outcome {
            Ok(true) => break,
            Ok(false) => continue,
            // A run may give up on a server that stays down; the next run picks up.
            Err(e) => eprintln!("seed {seed} run {runs}: {e}"),
        }
    }
    server.wait_idle();
    let mut per_phone: HashMap<String, usize> = HashMap::new();
    for c in server.clients() {
        *per_phone.entry(c.phone).or_default() += 1;
    }
    let missing = (0..CONTACTS)
        .filter(|i| !per_phone.contains_key(&phone_digits(*i)))
        .count();
    (
        per_phone.values().map(|n| n - 1).sum(),
        missing,
        runs,
        server.stats(),
    )
}

#[test]
fn contacts_through_a_faulty_server_end_as_exactly_one_client_each_across_seeds() {
    let mut bad = Vec::new();
    let mut faults = [0u64; 5];
    for seed in 1..=SEEDS {
        let (duplicates, missing, runs, stats) = one_seed(seed.wrapping_mul(0xC0FFEE));
        for (sum, n) in faults.iter_mut().zip([
            stats.server_errors,
            stats.slow,
            stats.late,
            stats.dropped,
            stats.rate_limited,
        ]) {
            *sum += n;
        }
        eprintln!("seed {seed}: {duplicates} duplicates, {missing} missing, {runs} runs");
        if duplicates > 0 || missing > 0 {
            bad.push(format!(
                "seed {seed}: {duplicates} duplicates, {missing} missing"
            ));
        }
    }
    assert!(
        faults.iter().all(|n| *n > 0),
        "every fault was injected (5xx, slow, late, dropped, 429): {faults:?}"
    );
    assert!(
        bad.is_empty(),
        "{} of {SEEDS} seeds went wrong: {bad:?}",
        bad.len()
    );
}
