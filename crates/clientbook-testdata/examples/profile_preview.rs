//! Profiling harness for the import preview: builds the preview of a seeded phonebook
//! against 100,000 clients in a loop, so `perf record` or `valgrind --tool=callgrind` see
//! only `ImportPlan::build` after a short setup (see docs/benchmarks.md).
//!
//! ```text
//! cargo build --release -p clientbook-testdata --example profile_preview
//! valgrind --tool=callgrind --toggle-collect='clientbook_core::import::ImportPlan::build*' \
//!     target/release/examples/profile_preview 10000 2
//! ```

use clientbook_core::import::{ImportPlan, PreviewOptions};
use clientbook_core::store::Store;

fn main() {
    let mut args = std::env::args().skip(1);
    let contacts: usize = args.next().and_then(|s| s.parse().ok()).unwrap_or(10_000);
    let rounds: usize = args.next().and_then(|s| s.parse().ok()).unwrap_or(30);
    let pb = clientbook_testdata::phonebook(contacts, clientbook_testdata::SEED);
    let clients = clientbook_testdata::clients(100_000, &pb, clientbook_testdata::SEED);
    let store = Store::open_in_memory().expect("database");
    clientbook_testdata::fill_store(&store, &clients).expect("fill");
    let index = store.client_index().expect("index");
    eprintln!("setup done");
    let mut best = f64::MAX;
    for _ in 0..rounds {
        let started = std::time::Instant::now();
        let plan = ImportPlan::build(
            &pb.contacts,
            &index,
            PreviewOptions::default(),
            &mut |_, _| {},
        );
        best = best.min(started.elapsed().as_secs_f64());
        std::hint::black_box(&plan);
    }
    eprintln!(
        "best of {rounds}: {:.2} ms, {:.3} us per contact",
        best * 1e3,
        best * 1e6 / contacts as f64
    );
}
