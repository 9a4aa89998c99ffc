//! Arbitrary bytes → `vcard::parse` → `ImportPlan::build` against a small client index →
//! `select_all` → `prepare_commit`. Never panics; the summary adds up; only importable rows are
//! selected and each selected row becomes a client to create.
#![no_main]

use clientbook_core::import::{ContactStatus, ImportPlan, PreviewOptions};
use clientbook_core::messages::Locale;
use clientbook_core::phone::Region;
use clientbook_core::store::ClientIndex;
use clientbook_core::vcard;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let parsed = vcard::parse(data);
    let clients: ClientIndex = [
        ("+79161234567", 1),
        ("+74951234567;ext=123", 2),
        ("+14155550134", 3),
        ("+77011234567", 4),
    ]
    .into_iter()
    .map(|(k, id)| (k.to_string(), id))
    .collect();
    let options = PreviewOptions {
        region: Region::default(),
        last_name_hidden: data.len() % 2 == 1,
        // Both catalogues: every row's reason is rendered.
        locale: if data.len() % 3 == 0 {
            Locale::Ru
        } else {
            Locale::En
        },
    };
    let mut plan = ImportPlan::build_numbered(
        parsed.cards.iter().map(|c| (c.index as u64, &c.contact)),
        &clients,
        options,
        &mut |done, total| assert!(done <= total),
    );
    assert_eq!(plan.len(), parsed.cards.len());
    let selected = plan.select_all();
    let summary = plan.summary();
    assert_eq!(summary.total, plan.len() as u64);
    assert_eq!(summary.selected, selected);
    assert_eq!(selected, summary.new + summary.needs_choice);
    for row in plan.rows() {
        assert_eq!(row.selected, row.status.importable());
        assert_eq!(row.name.is_some(), row.status != ContactStatus::NoName);
        if let Some(i) = row.chosen_phone {
            assert!(row.phones[i as usize].valid);
        }
        if row.status.importable() {
            assert!(row.chosen_phone.is_some());
        } else if row.status != ContactStatus::ExistingClient
            && row.status != ContactStatus::DuplicateInPhonebook
        {
            assert!(row.problem.is_some(), "{:?} has a reason", row.status);
        }
        if row.status == ContactStatus::ExistingClient {
            assert!(row.client_id.is_some());
        }
    }
    let job = plan.prepare_commit();
    assert_eq!(
        job.len() as u64,
        selected,
        "every selected row is committed"
    );
});
