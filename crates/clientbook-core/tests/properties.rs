//! Invariants over generated input.

use std::sync::atomic::AtomicBool;

use clientbook_core::contact::{PhonebookContact, RawPhone};
use clientbook_core::import::{commit, CommitOptions, ImportPlan, PreviewOptions};
use clientbook_core::name;
use clientbook_core::phone::{self, PhoneLabel, Region};
use clientbook_core::store::Store;
use proptest::prelude::*;

fn spelled_number() -> impl Strategy<Value = String> {
    (
        prop::sample::select(vec!["+7 ", "8 ", "8(", "+7(", "", "8-"]),
        prop::sample::select(vec!["916", "903", "495", "499", "800", "701", "727"]),
        0u32..10_000_000,
        prop::sample::select(vec!["", " доб. 12", " ext. 7", " x3"]),
    )
        .prop_map(|(prefix, code, rest, ext)| {
            let close = if prefix.ends_with('(') { ") " } else { " " };
            let d = format!("{rest:07}");
            format!(
                "{prefix}{code}{close}{}-{}-{}{ext}",
                &d[..3],
                &d[3..5],
                &d[5..]
            )
        })
}

proptest! {
    #[test]
    fn normalising_twice_changes_nothing(raw in spelled_number()) {
        let once = phone::normalize(&raw, PhoneLabel::Mobile, Region::default());
        if let (Some(e164), true) = (once.e164.clone(), once.valid) {
            let respelled = match &once.extension { Some(x) => format!("{e164} ext. {x}"), None => e164.clone() };
            let twice = phone::normalize(&respelled, PhoneLabel::Mobile, Region::default());
            prop_assert_eq!(once.key(), twice.key());
        }
    }

    #[test]
    fn any_text_normalises_without_panicking(raw in any::<String>()) {
        let p = phone::normalize(&raw, PhoneLabel::Other, Region::default());
        prop_assert_eq!(p.valid, p.e164.is_some());
        prop_assert_eq!(p.valid, p.problem.is_none());
    }

    #[test]
    fn cleaning_a_name_twice_changes_nothing(raw in any::<String>()) {
        let once = name::clean(&raw);
        let twice = once.as_deref().and_then(name::clean);
        prop_assert_eq!(once, twice);
    }

    #[test]
    fn import_then_reimport_creates_nothing(numbers in prop::collection::vec(prop::collection::vec(spelled_number(), 0..3), 1..40)) {
        let contacts: Vec<PhonebookContact> = numbers
            .iter()
            .enumerate()
            .map(|(i, nums)| PhonebookContact {
                given_name: Some(format!("C{i}")),
                phones: nums.iter().map(|n| RawPhone { number: n.clone(), label: PhoneLabel::Mobile }).collect(),
                ..Default::default()
            })
            .collect();
        let store = Store::open_in_memory().unwrap();
        let run = || {
            let mut plan = ImportPlan::build(&contacts, &store.client_index().unwrap(), PreviewOptions::default(), &mut |_, _| {});
            plan.select_all();
            commit(&store, &plan, CommitOptions::batches_of(7), &mut |_, _| {}, &AtomicBool::new(false)).unwrap()
        };
        let first = run();
        let count = store.client_count().unwrap();
        prop_assert_eq!(first.created.len() as u64, count);
        let second = run();
        prop_assert!(second.created.is_empty());
        prop_assert_eq!(store.client_count().unwrap(), count);
        // Every distinct phone key in the database belongs to exactly one client.
        let clients = store.clients().unwrap();
        let keys: std::collections::HashSet<_> = clients.iter().map(|c| phone::match_key(&c.phone, c.phone_extension.as_deref())).collect();
        prop_assert_eq!(keys.len(), clients.len());
    }
}
