//! Arbitrary bytes → `vcard::parse`; the parsed contacts written back with `vcard::write`
//! must read again without errors, and a second write/read round changes nothing.
#![no_main]

use clientbook_core::vcard;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let parsed = vcard::parse(data);

    // Every card and every broken card has an index, and indexes ascend in file order.
    let mut indexes: Vec<usize> = parsed.cards.iter().map(|c| c.index).collect();
    assert!(
        indexes.windows(2).all(|w| w[0] < w[1]),
        "card indexes ascend"
    );
    indexes.extend(parsed.errors.iter().map(|e| e.index));
    indexes.sort_unstable();
    indexes.dedup();
    assert!(indexes.len() <= parsed.cards.len() + parsed.errors.len());

    let contacts: Vec<_> = parsed.cards.into_iter().map(|c| c.contact).collect();
    let written = vcard::write(&contacts);
    let first = vcard::parse(written.as_bytes());
    assert!(
        first.errors.is_empty(),
        "written vCard reads back with errors: {:?}",
        first.errors
    );
    assert_eq!(
        first.cards.len(),
        contacts.len(),
        "every written card reads back"
    );

    // What the writer produces is a fixed point: writing it again reads back the same.
    let once: Vec<_> = first.cards.into_iter().map(|c| c.contact).collect();
    let twice: Vec<_> = vcard::parse(vcard::write(&once).as_bytes())
        .cards
        .into_iter()
        .map(|c| c.contact)
        .collect();
    assert_eq!(once, twice, "write → parse is stable");
});
