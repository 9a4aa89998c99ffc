// TEMPORARY profiling harness (not committed).
use clientbook_core::import::{ImportPlan, PreviewOptions};
use clientbook_core::store::Store;
fn main() {
    let n: usize = std::env::args()
        .nth(1)
        .map(|s| s.parse().unwrap())
        .unwrap_or(10_000);
    let iters: usize = std::env::args()
        .nth(2)
        .map(|s| s.parse().unwrap())
        .unwrap_or(30);
    let pb = clientbook_testdata::phonebook(n, clientbook_testdata::SEED);
    let clients = clientbook_testdata::clients(100_000, &pb, clientbook_testdata::SEED);
    let store = Store::open_in_memory().unwrap();
    clientbook_testdata::fill_store(&store, &clients).unwrap();
    let index = store.client_index().unwrap();
    eprintln!("setup done");
    let mut best = f64::MAX;
    for _ in 0..iters {
        let t = std::time::Instant::now();
        let plan = ImportPlan::build(
            &pb.contacts,
            &index,
            PreviewOptions::default(),
            &mut |_, _| {},
        );
        let e = t.elapsed().as_secs_f64();
        best = best.min(e);
        std::hint::black_box(&plan);
        drop(plan);
    }
    eprintln!(
        "best {:.2} ms = {:.3} us/contact",
        best * 1e3,
        best * 1e6 / n as f64
    );
}
