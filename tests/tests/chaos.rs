//! 5,000 contacts through a server that fails the way real ones do: every selected contact
//! must end as exactly one client, none twice, none missing.

use std::collections::HashMap;
use std::sync::atomic::AtomicBool;
use std::time::Duration;

use altegio_testserver::{Config, Faults, TestServer};
use clientbook_core::phone::Region;
use clientbook_core::store::Store;
use clientbook_core::sync;
use clientbook_e2e::{client, fast, phone_digits, phonebook};

const CONTACTS: usize = 5_000;

#[test]
fn five_thousand_contacts_through_a_faulty_server_end_as_exactly_one_client_each() {
    let server = TestServer::start(Config::default());
    // Some of the phonebook is already in the salon's base.
    server.seed(
        (0..CONTACTS)
            .step_by(50)
            .map(|i| (format!("Existing {i}"), phone_digits(i))),
    );
    server.set_faults(Faults {
        seed: 0xC0FFEE,
        server_error: 0.10,
        slow: 0.05,
        slow_delay: Duration::from_millis(700),
        drop_after_write: 0.02,
        malformed: 0.0,
        burst_every: 25,
        burst_len: 3,
        latency: Duration::ZERO,
    });
    let dir = tempfile::tempdir().unwrap();
    let store = Store::open(dir.path().join("mirror.db")).unwrap();
    let api = client(&server.url(), 4242, "partner-token", "user-token", fast());
    let contacts = phonebook(CONTACTS);

    // Staff press "Import" until nothing is left, as they would after an error message.
    let mut runs = 0;
    loop {
        runs += 1;
        assert!(runs <= 10, "import did not converge in 10 runs");
        let outcome =
            sync::import_preview(&store, &api, Region::default(), &contacts, &mut |_, _| {})
                .and_then(|mut plan| {
                    if plan.select_all() == 0 {
                        return Ok(true);
                    }
                    sync::commit_remote(
                        &store,
                        &api,
                        Region::default(),
                        plan.prepare_commit(),
                        25,
                        &mut |_, _| {},
                        &AtomicBool::new(false),
                    )
                    // Done or not, the next round's preview decides: it selects what is left.
                    .map(|_| false)
                    .map_err(|f| f.error)
                });
        match outcome {
            Ok(true) => break,
            Ok(false) => continue,
            // A run may give up on a server that stays down; the next run picks up.
            Err(e) => eprintln!("run {runs}: {e}"),
        }
    }

    let mut per_phone: HashMap<String, usize> = HashMap::new();
    for c in server.clients() {
        *per_phone.entry(c.phone).or_default() += 1;
    }
    let duplicates: Vec<_> = per_phone.iter().filter(|(_, n)| **n > 1).collect();
    assert!(
        duplicates.is_empty(),
        "numbers created twice: {duplicates:?}"
    );
    let missing: Vec<usize> = (0..CONTACTS)
        .filter(|i| !per_phone.contains_key(&phone_digits(*i)))
        .collect();
    assert!(
        missing.is_empty(),
        "{} contacts missing, e.g. {:?}",
        missing.len(),
        &missing[..missing.len().min(5)]
    );
    assert_eq!(server.clients().len(), CONTACTS);
    let stats = server.stats();
    assert!(
        stats.server_errors > 0 && stats.slow > 0 && stats.dropped > 0 && stats.rate_limited > 0,
        "{stats:?}"
    );
    eprintln!("converged in {runs} run(s); server saw {stats:?}");
}
