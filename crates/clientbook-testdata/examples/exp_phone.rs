// TEMPORARY experiment (not committed).
use clientbook_core::phone::{self, PhoneLabel, Region};
use rlibphonenumber::{PhoneNumber, PhoneNumberFormat, PHONE_NUMBER_UTIL};
use std::hint::black_box;
use std::time::Instant;
fn time(name: &str, n: usize, mut f: impl FnMut()) {
    f();
    let mut best = f64::MAX;
    for _ in 0..15 {
        let t = Instant::now();
        f();
        best = best.min(t.elapsed().as_secs_f64());
    }
    println!("{name}: {:.3} us/number", best * 1e6 / n as f64);
}
fn main() {
    let pb = clientbook_testdata::phonebook(3_000, clientbook_testdata::SEED);
    let raw = clientbook_testdata::raw_numbers(&pb);
    let n = raw.len();
    let stripped: Vec<String> = raw
        .iter()
        .map(|s| {
            if s.chars()
                .all(|c| c.is_ascii_digit() || " -().+".contains(c))
            {
                s.chars()
                    .filter(|c| c.is_ascii_digit() || *c == '+')
                    .collect()
            } else {
                s.clone()
            }
        })
        .collect();
    time("normalize raw", n, || {
        for r in &raw {
            black_box(phone::normalize(r, PhoneLabel::Mobile, Region::default()));
        }
    });
    time("normalize stripped", n, || {
        for r in &stripped {
            black_box(phone::normalize(r, PhoneLabel::Mobile, Region::default()));
        }
    });
    time("rlib parse only", n, || {
        for r in &raw {
            let _ = black_box(PHONE_NUMBER_UTIL.parse(r, Some(rlibphonenumber::Region::RU)));
        }
    });
    let parsed: Vec<PhoneNumber> = raw
        .iter()
        .filter_map(|r| {
            PHONE_NUMBER_UTIL
                .parse(r, Some(rlibphonenumber::Region::RU))
                .ok()
        })
        .collect();
    time("rlib is_valid only", parsed.len(), || {
        for p in &parsed {
            black_box(p.is_valid());
        }
    });
    time("rlib format e164 only", parsed.len(), || {
        for p in &parsed {
            black_box(p.format_as(PhoneNumberFormat::E164).into_owned());
        }
    });
    let plain: Vec<PhoneNumber> = parsed
        .iter()
        .map(|p| PhoneNumber {
            country_code: p.country_code,
            national_number: p.national_number,
            ..Default::default()
        })
        .collect();
    time("rlib is_valid on plain struct", plain.len(), || {
        for p in &plain {
            black_box(p.is_valid());
        }
    });
}
