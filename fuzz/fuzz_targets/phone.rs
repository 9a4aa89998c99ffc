//! Arbitrary text + region → `phone::normalize`.
//!
//! Input layout: byte 0 picks the region, byte 1 the label, the rest is the number (UTF-8,
//! invalid sequences replaced). Invariants: valid ⇔ `e164` is set ⇔ no `problem`; a valid
//! number's E.164 (with its extension) normalises to the same key; collapsing spellings of one
//! number leaves one entry.
#![no_main]

use clientbook_core::phone::{self, PhoneLabel, Region};
use libfuzzer_sys::fuzz_target;

const REGIONS: [&str; 12] = [
    "RU", "KZ", "BY", "UA", "US", "GB", "DE", "FR", "IT", "IL", "AE", "IN",
];
const LABELS: [PhoneLabel; 7] = [
    PhoneLabel::Mobile,
    PhoneLabel::Main,
    PhoneLabel::Work,
    PhoneLabel::Home,
    PhoneLabel::Fax,
    PhoneLabel::Pager,
    PhoneLabel::Other,
];

fuzz_target!(|data: &[u8]| {
    let [r, l, rest @ ..] = data else { return };
    let region = Region::parse(REGIONS[*r as usize % REGIONS.len()]).unwrap();
    let label = LABELS[*l as usize % LABELS.len()];
    let raw = String::from_utf8_lossy(rest);

    let p = phone::normalize(&raw, label, region);
    assert_eq!(p.raw, raw, "the raw spelling is kept");
    assert_eq!(p.label, label);
    assert_eq!(p.valid, p.e164.is_some(), "valid ⇔ e164");
    assert_eq!(p.valid, p.problem.is_none(), "valid ⇔ no problem");
    assert_eq!(p.valid, p.key().is_some(), "valid ⇔ key");
    if let Some(problem) = &p.problem {
        assert!(!problem.trim().is_empty(), "a rejected number says why");
        return;
    }
    let e164 = p.e164.clone().unwrap();
    assert!(e164.starts_with('+') && e164[1..].bytes().all(|b| b.is_ascii_digit()));
    let respelled = match &p.extension {
        Some(ext) => format!("{e164} ext. {ext}"),
        None => e164.clone(),
    };
    let again = phone::normalize(&respelled, label, region);
    assert_eq!(
        again.key(),
        p.key(),
        "normalising the E.164 again gives the same key"
    );

    let collapsed = phone::collapse(vec![p.clone(), again, p]);
    assert_eq!(
        collapsed.len(),
        1,
        "spellings of one number collapse to one"
    );
    assert_eq!(phone::default_choice(&collapsed), Some(0));
});
