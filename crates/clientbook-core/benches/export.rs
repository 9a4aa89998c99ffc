//! Export preview: 100,000 clients against a 20,000-contact phonebook (every device number
//! parsed to a key, then one hash lookup per client).

use std::collections::HashSet;
use std::hint::black_box;

use clientbook_core::export::ExportPlan;
use clientbook_core::phone::Region;
use clientbook_core::rights::Rights;
use clientbook_core::store::Store;
use clientbook_testdata as testdata;
use criterion::{criterion_group, criterion_main, BatchSize, Criterion, Throughput};

fn export(c: &mut Criterion) {
    let phonebook = testdata::phonebook(20_000, testdata::SEED);
    let clients = testdata::clients(100_000, &phonebook, testdata::SEED);
    let store = Store::open_in_memory().expect("database");
    testdata::fill_store(&store, &clients).expect("fill");
    let clients = store.clients().expect("clients");
    let linked = HashSet::new();

    let mut group = c.benchmark_group("export_preview");
    group.sample_size(10);
    group.throughput(Throughput::Elements(clients.len() as u64));
    group.bench_function("build/100k_clients_x_20k_phonebook", |b| {
        b.iter_batched(
            || clients.clone(),
            |clients| {
                black_box(
                    ExportPlan::build(
                        &Rights::full(),
                        clients,
                        &phonebook.contacts,
                        &linked,
                        Region::default(),
                        false,
                    )
                    .expect("rights"),
                )
            },
            BatchSize::LargeInput,
        )
    });
    group.finish();
}

criterion_group!(benches, export);
criterion_main!(benches);
