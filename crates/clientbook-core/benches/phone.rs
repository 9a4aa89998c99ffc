//! Phone parsing and normalisation: the core (`rlibphonenumber` behind `phone::normalize`)
//! against the `phonenumber` crate, on the same numbers: every raw number of the seeded
//! 10,000-contact phonebook (mixed spellings, five countries, ~5% invalid), region RU, the
//! same numbers the JVM benchmark gives Google's libphonenumber.
//!
//! Each library does the whole job per number: parse, validate, format E.164 (plus the
//! extension, which is part of the match key). Before measuring, the bench prints how many
//! numbers each one reads to the key the core's tests expect, so a faster but wrong parser
//! shows as such.

use std::hint::black_box;

use clientbook_core::phone::{self, PhoneLabel, Region};
use criterion::{criterion_group, criterion_main, Criterion, Throughput};
use rlibphonenumber::{PhoneNumberFormat, PHONE_NUMBER_UTIL};

/// The core's normalisation, as the preview calls it.
fn core_key(raw: &str) -> Option<String> {
    phone::normalize(raw, PhoneLabel::Mobile, Region::default()).key()
}

/// `rlibphonenumber` alone: parse, validate, format. No `00` second reading and no fast
/// path for `+7` numbers (see `phone::normalize`).
fn rlib_key(raw: &str) -> Option<String> {
    let n = PHONE_NUMBER_UTIL
        .parse(raw, Some(rlibphonenumber::Region::RU))
        .ok()?;
    if !n.is_valid() {
        return None;
    }
    let e164 = n.format_as(PhoneNumberFormat::E164);
    Some(phone::match_key(
        &e164,
        n.extension.as_deref().filter(|e| !e.is_empty()),
    ))
}

/// The `phonenumber` crate: parse, validate, format.
fn phonenumber_key(raw: &str) -> Option<String> {
    let n = phonenumber::parse(Some(phonenumber::country::Id::RU), raw).ok()?;
    if !phonenumber::is_valid(&n) {
        return None;
    }
    let e164 = n.format().mode(phonenumber::Mode::E164).to_string();
    Some(phone::match_key(
        &e164,
        n.extension().map(|e| e.as_ref()).filter(|e| !e.is_empty()),
    ))
}

fn agreement(name: &str, numbers: &[(String, Option<String>)], f: fn(&str) -> Option<String>) {
    let mut right = 0;
    let mut accepted = 0;
    for (raw, want) in numbers {
        let got = f(raw);
        accepted += got.is_some() as usize;
        right += (&got == want) as usize;
    }
    eprintln!(
        "phone/{name}: {right} of {} numbers read to the expected key ({accepted} accepted as valid)",
        numbers.len()
    );
}

fn bench(c: &mut Criterion) {
    let pb = clientbook_testdata::phonebook(10_000, clientbook_testdata::SEED);
    let numbers: Vec<(String, Option<String>)> = pb
        .contacts
        .iter()
        .zip(&pb.keys)
        .flat_map(|(c, keys)| {
            c.phones
                .iter()
                .map(|p| p.number.clone())
                .zip(keys.iter().cloned())
        })
        .collect();
    agreement("clientbook_normalize", &numbers, core_key);
    agreement("rlibphonenumber", &numbers, rlib_key);
    agreement("phonenumber_crate", &numbers, phonenumber_key);

    let raw: Vec<&str> = numbers.iter().map(|(r, _)| r.as_str()).collect();
    let mut group = c.benchmark_group("phone");
    group.sample_size(10);
    group.throughput(Throughput::Elements(raw.len() as u64));
    group.bench_function("clientbook_normalize", |b| {
        b.iter(|| {
            for r in &raw {
                black_box(phone::normalize(
                    black_box(r),
                    PhoneLabel::Mobile,
                    Region::default(),
                ));
            }
        })
    });
    group.bench_function("rlibphonenumber", |b| {
        b.iter(|| {
            for r in &raw {
                black_box(rlib_key(black_box(r)));
            }
        })
    });
    group.bench_function("phonenumber_crate", |b| {
        b.iter(|| {
            for r in &raw {
                black_box(phonenumber_key(black_box(r)));
            }
        })
    });
    group.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
