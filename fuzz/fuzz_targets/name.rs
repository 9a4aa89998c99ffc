//! Arbitrary name fields → `NameFields::to_client_name` and `name::clean`.
//!
//! Input layout: up to six fields (given, middle, family, display, organisation, nickname)
//! separated by 0xFF, a byte UTF-8 never uses; a missing field is `None`, bytes that are not
//! UTF-8 become U+FFFD. Invariants: `clean` is idempotent, never returns control characters,
//! leading, trailing or doubled spaces; a client name is non-empty, clean and within the length
//! limit.
#![no_main]

use clientbook_core::name::{self, NameFields, NameProblem, MAX_NAME_CHARS};
use libfuzzer_sys::fuzz_target;

fn check_clean(raw: &str) {
    let Some(once) = name::clean(raw) else { return };
    assert!(!once.is_empty());
    assert!(
        !once.chars().any(char::is_control),
        "control character kept"
    );
    assert!(
        !once.starts_with(' ') && !once.ends_with(' ') && !once.contains("  "),
        "spaces collapsed"
    );
    assert!(
        !once.chars().any(|c| c.is_whitespace() && c != ' '),
        "only plain spaces"
    );
    assert_eq!(
        name::clean(&once).as_deref(),
        Some(once.as_str()),
        "idempotent"
    );
}

fn check_stored(field: &str) {
    assert!(!field.is_empty());
    assert!(field.chars().count() <= MAX_NAME_CHARS);
    assert_eq!(
        name::clean(field).as_deref(),
        Some(field),
        "stored names are clean"
    );
}

fuzz_target!(|data: &[u8]| {
    let mut parts = data
        .split(|b| *b == 0xFF)
        .map(|p| String::from_utf8_lossy(p).into_owned());
    let fields = NameFields {
        given: parts.next(),
        middle: parts.next(),
        family: parts.next(),
        display: parts.next(),
        organization: parts.next(),
        nickname: parts.next(),
    };
    for f in [
        &fields.given,
        &fields.middle,
        &fields.family,
        &fields.display,
        &fields.organization,
        &fields.nickname,
    ]
    .into_iter()
    .flatten()
    {
        check_clean(f);
    }
    match fields.to_client_name() {
        Ok(n) => {
            check_stored(&n.name);
            n.surname.as_deref().map(check_stored);
            n.middle_name.as_deref().map(check_stored);
            let shown = n.display_name(false);
            assert!(shown.starts_with(&n.name));
            assert_eq!(n.display_name(true), n.name);
        }
        Err(NameProblem::TooLong { chars }) => assert!(chars > MAX_NAME_CHARS),
        Err(NameProblem::Missing) => {}
    }
});
