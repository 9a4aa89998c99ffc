//! Hostile and huge input: every case gives a per-contact report or a clear error, never a
//! panic and never unbounded memory, and the valid contacts beside it still import.
//!
//! Data is generated here; nothing big is committed. Regression inputs found by fuzzing
//! (`fuzz/`, docs/fuzzing.md) are at the end.

use std::process::Command;
use std::sync::atomic::AtomicBool;
use std::time::{Duration, Instant};

use clientbook_core::contact::{PhonebookContact, RawPhone};
use clientbook_core::import::{
    commit, CommitOptions, ContactStatus, ImportPlan, ImportReport, PreviewOptions, PreviewRow,
};
use clientbook_core::name::{self, MAX_NAME_CHARS};
use clientbook_core::phone::{self, Phone, PhoneLabel, Region};
use clientbook_core::store::{Client, Store};
use clientbook_core::vcard::{self, ParsedFile};
use unicode_normalization::{is_nfc, UnicodeNormalization};

/// A whole import as the CLI runs it: read, preview against the database, select all, commit.
struct Run {
    parsed: ParsedFile,
    plan: ImportPlan,
    report: ImportReport,
    store: Store,
}

impl Run {
    fn of_vcard(bytes: &[u8]) -> Run {
        let parsed = vcard::parse(bytes);
        let store = Store::open_in_memory().unwrap();
        let mut plan = ImportPlan::build_numbered(
            parsed.cards.iter().map(|c| (c.index as u64, &c.contact)),
            &store.client_index().unwrap(),
            PreviewOptions::default(),
            &mut |_, _| {},
        );
        let report = select_all_and_commit(&store, &mut plan);
        Run {
            parsed,
            plan,
            report,
            store,
        }
    }

    fn of_contacts(contacts: &[PhonebookContact]) -> Run {
        let store = Store::open_in_memory().unwrap();
        let mut plan = ImportPlan::build(
            contacts,
            &store.client_index().unwrap(),
            PreviewOptions::default(),
            &mut |_, _| {},
        );
        let report = select_all_and_commit(&store, &mut plan);
        Run {
            parsed: ParsedFile::default(),
            plan,
            report,
            store,
        }
    }

    fn row(&self, index: u64) -> &PreviewRow {
        self.plan.row(index).unwrap()
    }

    /// Card indexes that became clients, in order.
    fn created(&self) -> Vec<u64> {
        self.report.created.iter().map(|c| c.index).collect()
    }

    fn clients(&self) -> Vec<Client> {
        self.store.clients().unwrap()
    }

    fn client_names(&self) -> Vec<String> {
        self.clients().into_iter().map(|c| c.name).collect()
    }

    fn warnings(&self, index: usize) -> &[String] {
        &self
            .parsed
            .cards
            .iter()
            .find(|c| c.index == index)
            .unwrap()
            .warnings
    }
}

fn select_all_and_commit(store: &Store, plan: &mut ImportPlan) -> ImportReport {
    plan.select_all();
    commit(
        store,
        plan,
        CommitOptions::default(),
        &mut |_, _| {},
        &AtomicBool::new(false),
    )
    .unwrap()
}

fn card(body: &str) -> String {
    format!("BEGIN:VCARD\r\nVERSION:3.0\r\n{body}END:VCARD\r\n")
}

/// A plain valid card, `+7 916 …` with `n` as the last digits.
fn good_card(name: &str, n: u32) -> String {
    card(&format!("FN:{name}\r\nTEL;TYPE=CELL:+7 916 {n:07}\r\n"))
}

fn contact(name: &str, numbers: &[&str]) -> PhonebookContact {
    PhonebookContact {
        display_name: Some(name.to_string()),
        phones: numbers
            .iter()
            .map(|n| RawPhone {
                number: n.to_string(),
                label: PhoneLabel::Mobile,
            })
            .collect(),
        ..Default::default()
    }
}

fn assert_fast(started: Instant, limit: Duration, what: &str) {
    let took = started.elapsed();
    assert!(took < limit, "{what} took {took:?}, more than {limit:?}");
}

/// Runs `test` (this file's test of that name) alone in a child process and returns true; in
/// that child it returns false, so the test body runs there. Process-wide measurements (peak
/// memory) then see this test only, not the others running on the harness's threads.
fn ran_in_own_process(test: &str) -> bool {
    const CHILD: &str = "CLIENTBOOK_HOSTILE_CHILD";
    if std::env::var_os(CHILD).is_some() {
        return false;
    }
    let status = Command::new(std::env::current_exe().unwrap())
        .args([test, "--exact", "--nocapture", "--test-threads=1"])
        .env(CHILD, "1")
        .status()
        .unwrap();
    assert!(status.success(), "{test} failed in its own process");
    true
}

/// A field of /proc/self/status in bytes (`VmRSS`, `VmHWM`), where there is one.
fn proc_status_bytes(field: &str) -> Option<u64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|l| l.starts_with(field))?;
    let kb: u64 = line.split_whitespace().nth(1)?.parse().ok()?;
    Some(kb * 1024)
}

/// A realistic phonebook of about `bytes` bytes: 3.0 and 2.1 cards, Cyrillic quoted-printable,
/// Apple labels, emails, notes, now and then a broken card.
fn big_phonebook(bytes: usize) -> (Vec<u8>, usize) {
    let mut out = Vec::with_capacity(bytes + 1024);
    let mut cards = 0;
    while out.len() < bytes {
        let i = cards as u32;
        let text = match i % 5 {
            0 => card(&format!(
                "N:Иванова{i};Анна;Сергеевна;;\r\nFN:Анна Иванова{i}\r\nTEL;TYPE=CELL:8 (916) {:03}-{:02}-{:02}\r\nTEL;TYPE=WORK:+7 495 123-45-67 доб. {i}\r\nEMAIL;TYPE=INTERNET:anna{i}@example.com\r\n",
                i / 10_000 % 1000,
                i / 100 % 100,
                i % 100
            )),
            1 => format!(
                "BEGIN:VCARD\r\nVERSION:2.1\r\nN;CHARSET=UTF-8;ENCODING=QUOTED-PRINTABLE:=D0=9F=D0=B5=D1=82=D1=80=D0=BE=D0=\r\n=B2=D0=B0;=D0=9C=D0=B0=D1=80=D0=B8=D1=8F;;;\r\nTEL;CELL:+7 903 {i:07}\r\nEND:VCARD\r\n"
            ),
            2 => card(&format!(
                "N:Smith;John {i};;;\r\nitem1.TEL:+1 415 555 {:04}\r\nitem1.X-ABLabel:_$!<Mobile>!$_\r\nNOTE:Стрижка\\, укладка\\, окрашивание — клиентка с 2019 года\r\n",
                i % 10_000
            )),
            3 => card(&format!(
                "FN:Салон «Лаванда» {i}\r\nORG:Лаванда\r\nTEL;TYPE=WORK:8-800-555-{:02}-{:02}\r\n",
                i / 100 % 100,
                i % 100
            )),
            // A card cut short: reported, and the next card still reads.
            _ => format!("BEGIN:VCARD\r\nFN:Broken {i}\r\nTEL:+7 916 {i:07}\r\n"),
        };
        out.extend_from_slice(text.as_bytes());
        cards += 1;
    }
    (out, cards)
}

#[test]
fn a_50_mb_vcard_parses_in_bounded_memory() {
    if ran_in_own_process("a_50_mb_vcard_parses_in_bounded_memory") {
        return;
    }
    let (input, cards) = big_phonebook(50 * 1024 * 1024);
    let before = proc_status_bytes("VmRSS");
    // Resets the peak (VmHWM) to the current size, where the kernel allows it; otherwise the
    // peak so far is the input itself, written into a buffer that never grew.
    let _ = std::fs::write("/proc/self/clear_refs", "5");
    let started = Instant::now();
    let parsed = vcard::parse(&input);
    let took = started.elapsed();
    let peak = proc_status_bytes("VmHWM");

    let broken = cards / 5;
    assert_eq!(parsed.cards.len() + parsed.errors.len(), cards);
    assert_eq!(parsed.errors.len(), broken);
    assert!(parsed.errors.iter().all(|e| e.reason.contains("END:VCARD")));
    // The second card: 2.1 quoted-printable with a soft break inside a character.
    let second = &parsed.cards[1].contact;
    assert_eq!(second.family_name.as_deref(), Some("Петрова"));
    if let (Some(before), Some(peak)) = (before, peak) {
        let growth = peak.saturating_sub(before);
        let limit = 6 * input.len() as u64;
        eprintln!(
            "50 MB vCard: {cards} cards in {took:?}, memory grew {} MB (limit {} MB)",
            growth >> 20,
            limit >> 20
        );
        assert!(
            growth < limit,
            "parsing {} MB grew memory by {} MB",
            input.len() >> 20,
            growth >> 20
        );
    }
}

#[test]
fn a_hundred_thousand_contacts_import_and_reimport_creates_nothing() {
    const N: u32 = 100_000;
    let spell = |i: u32| match i % 3 {
        0 => format!("+7 916 {i:07}"),
        1 => format!(
            "8 (916) {:03}-{:02}-{:02}",
            i / 10_000,
            i / 100 % 100,
            i % 100
        ),
        _ => format!("8916{i:07}"),
    };
    let contacts: Vec<PhonebookContact> = (0..N)
        .map(|i| {
            let mut c = contact(&format!("Клиент {i}"), &[&spell(i)]);
            if i % 1000 == 999 {
                // No name at all.
                c.display_name = None;
            } else if i % 1000 == 500 {
                // The same number as the card before it.
                c.phones[0].number = spell(i - 1);
            }
            c
        })
        .collect();
    let started = Instant::now();
    let run = Run::of_contacts(&contacts);
    eprintln!(
        "100,000 contacts: preview and commit in {:?}",
        started.elapsed()
    );

    let s = run.plan.summary();
    assert_eq!(s.total, N as u64);
    assert_eq!(s.no_name, 100);
    assert_eq!(s.duplicate_in_phonebook, 100);
    assert_eq!(run.report.created.len(), 99_800);
    assert!(run.report.already_there.is_empty() && run.report.skipped.is_empty());
    assert_eq!(run.store.client_count().unwrap(), 99_800);
    assert_eq!(
        run.row(999).problem.as_deref(),
        Some("the contact has no name, organisation or nickname")
    );
    assert_eq!(run.row(1500).duplicate_of, Some(1499));

    let mut again = ImportPlan::build(
        &contacts,
        &run.store.client_index().unwrap(),
        PreviewOptions::default(),
        &mut |_, _| {},
    );
    assert_eq!(again.select_all(), 0);
    // The repeated numbers are clients now too.
    assert_eq!(again.summary().existing_client, 99_900);
    assert_eq!(again.summary().no_name, 100);
}

#[test]
fn a_100_000_character_name_is_reported_and_its_neighbours_import() {
    let long = "я".repeat(100_000);
    let text = [
        good_card("Анна", 1),
        card(&format!("N:;{long};;;\r\nTEL:+7 916 000 00 02\r\n")),
        card(&format!("FN:{long}\r\nTEL:+7 916 000 00 03\r\n")),
        good_card("Борис", 4),
    ]
    .concat();
    let run = Run::of_vcard(text.as_bytes());
    for index in [1, 2] {
        let row = run.row(index);
        assert_eq!(row.status, ContactStatus::NoName);
        let problem = row.problem.as_deref().unwrap();
        assert!(
            problem.contains("100,000 characters") && problem.contains("at most 255"),
            "{problem}"
        );
        assert!(!row.selected);
    }
    assert_eq!(run.created(), vec![0, 3]);
    assert_eq!(run.client_names(), vec!["Анна", "Борис"]);
    // The length is counted after cleaning: 300 characters of which 100 are invisible fit.
    let padded = format!("{}{}", "a\u{200B}".repeat(MAX_NAME_CHARS), " ");
    assert_eq!(
        name::clean(&padded).unwrap().chars().count(),
        MAX_NAME_CHARS
    );
}

#[test]
fn a_thousand_numbers_on_one_contact_collapse_quickly() {
    // 500 numbers, each twice: first as a home number, then spelled differently as a mobile.
    let mut tels = String::new();
    for n in 0..500 {
        tels.push_str(&format!(
            "TEL;TYPE=HOME:+7 916 000 {:02} {:02}\r\n",
            n / 100,
            n % 100
        ));
    }
    for n in 0..500 {
        tels.push_str(&format!(
            "TEL;TYPE=CELL:8 (916) 000-{:02}-{:02}\r\n",
            n / 100,
            n % 100
        ));
    }
    let text = [
        good_card("Анна", 9_000_001),
        card(&format!("FN:Many Numbers\r\n{tels}")),
        good_card("Борис", 9_000_002),
    ]
    .concat();
    let started = Instant::now();
    let run = Run::of_vcard(text.as_bytes());
    assert_fast(
        started,
        Duration::from_secs(20),
        "a contact with 1,000 numbers",
    );

    let row = run.row(1);
    assert_eq!(row.phones.len(), 500, "each number once");
    assert!(row
        .phones
        .iter()
        .all(|p| p.valid && p.label == PhoneLabel::Mobile));
    assert_eq!(
        row.phones[0].raw, "+7 916 000 00 00",
        "the first spelling is kept"
    );
    assert_eq!(row.chosen_phone, Some(0));
    // Several different numbers: selected with the default, flagged for staff to confirm.
    assert_eq!(row.status, ContactStatus::NeedsChoice);
    assert!(row.selected);
    assert_eq!(run.created(), vec![0, 1, 2]);
    let many = &run.clients()[1];
    assert_eq!(
        (many.name.as_str(), many.phone.as_str()),
        ("Many Numbers", "+79160000000")
    );

    // Collapse itself is linear: 100,000 numbers, 50,000 of them distinct, in well under a
    // second even unoptimised (pairwise comparison took minutes).
    let phones: Vec<Phone> = (0..100_000u32)
        .map(|i| Phone {
            raw: format!("{i}"),
            e164: Some(format!("+7916{:07}", i % 50_000)),
            extension: None,
            label: if i < 50_000 {
                PhoneLabel::Home
            } else {
                PhoneLabel::Mobile
            },
            valid: true,
            problem: None,
            problem_code: None,
        })
        .collect();
    let started = Instant::now();
    let collapsed = phone::collapse(phones);
    assert_fast(
        started,
        Duration::from_secs(5),
        "collapsing 100,000 numbers",
    );
    assert_eq!(collapsed.len(), 50_000);
    assert!(collapsed.iter().all(|p| p.label == PhoneLabel::Mobile));
    assert_eq!(collapsed[49_999].raw, "49999");
}

#[test]
fn invalid_utf8_nul_bytes_and_lone_surrogates_in_names() {
    let mut text: Vec<u8> = Vec::new();
    text.extend_from_slice(good_card("Valid One", 1).as_bytes());
    // 1: bytes that are not UTF-8 inside a name.
    text.extend_from_slice(
        b"BEGIN:VCARD\r\nN:;Ann\xff\xfea;;;\r\nTEL:+7 916 000 00 02\r\nEND:VCARD\r\n",
    );
    // 2: a NUL byte inside a name and inside a number.
    text.extend_from_slice(
        b"BEGIN:VCARD\r\nFN:Bo\x00b\r\nTEL:+7 916 000\x0000 03\r\nEND:VCARD\r\n",
    );
    // 3: UTF-16 surrogates encoded one by one (CESU-8 / WTF-8), as Java's modified UTF-8 writes.
    text.extend_from_slice(
        b"BEGIN:VCARD\r\nFN:\xed\xa0\xbd\xed\xb2\x85Cesu \xed\xa0\x80\r\nTEL:+7 916 000 00 04\r\nEND:VCARD\r\n",
    );
    // 4: a name made of nothing but damage.
    text.extend_from_slice(
        b"BEGIN:VCARD\r\nFN:\xed\xa0\x80\x00\xff\r\nTEL:+7 916 000 00 05\r\nEND:VCARD\r\n",
    );
    // 5: quoted-printable that decodes to a NUL and a lone surrogate.
    text.extend_from_slice(
        b"BEGIN:VCARD\r\nFN;CHARSET=UTF-8;ENCODING=QUOTED-PRINTABLE:=00Qp=ED=A0=80 Name\r\nTEL:+7 916 000 00 06\r\nEND:VCARD\r\n",
    );
    text.extend_from_slice(good_card("Valid Two", 7).as_bytes());

    let run = Run::of_vcard(&text);
    assert!(run.parsed.errors.is_empty(), "{:?}", run.parsed.errors);
    for index in [1, 3, 4, 5] {
        assert!(
            run.warnings(index)
                .iter()
                .any(|w| w.contains("not valid UTF-8")),
            "card {index}: {:?}",
            run.warnings(index)
        );
    }
    assert_eq!(run.row(1).name.as_deref(), Some("Anna"));
    assert_eq!(run.row(2).name.as_deref(), Some("Bob"));
    assert_eq!(run.row(3).name.as_deref(), Some("Cesu"));
    assert_eq!(run.row(5).name.as_deref(), Some("Qp Name"));
    let damaged = run.row(4);
    assert_eq!(damaged.status, ContactStatus::NoName);
    assert!(damaged.problem.is_some());
    // The number with a NUL in it is reported or read, never matched by accident.
    let nul = &run.row(2).phones[0];
    assert_eq!(nul.valid, nul.problem.is_none());
    let created = run.created();
    for index in [0, 1, 3, 5, 6] {
        assert!(
            created.contains(&index),
            "card {index} imports: {created:?}"
        );
    }
    assert!(!created.contains(&4));
    for c in run.clients() {
        assert!(
            !c.name.chars().any(|ch| ch.is_control() || ch == '\u{FFFD}'),
            "{:?}",
            c.name
        );
    }

    // The same damage handed over by a shell (Android/iOS) as strings.
    let contacts = vec![
        contact("A\u{0}n\u{FFFD}n\u{1}a", &["+7 916 000 00 11"]),
        contact("\u{FFFD}\u{0}\u{FEFF}", &["+7 916 000 00 12"]),
        contact("Valid", &["+7 916 000 00 13"]),
    ];
    let run = Run::of_contacts(&contacts);
    assert_eq!(run.row(0).name.as_deref(), Some("Anna"));
    assert_eq!(run.row(1).status, ContactStatus::NoName);
    assert_eq!(run.created(), vec![0, 2]);
}

#[test]
fn vcard_21_with_broken_quoted_printable() {
    let text = [
        good_card("Valid One", 1),
        // `=ZZ` is no escape: kept as written, the good escapes around it decoded.
        "BEGIN:VCARD\r\nVERSION:2.1\r\nN;CHARSET=UTF-8;ENCODING=QUOTED-PRINTABLE:;=D0=90=ZZ=D0=BD=D0=BD=D0=B0;;;\r\nTEL;CELL:+7 916 000 00 02\r\nEND:VCARD\r\n".to_string(),
        // `=D0` with the second byte of its character missing.
        "BEGIN:VCARD\r\nVERSION:2.1\r\nFN;CHARSET=UTF-8;ENCODING=QUOTED-PRINTABLE:=D0=9E=D0=BB=D1=8C=D0=B3=D0\r\nTEL;CELL:+7 916 000 00 03\r\nEND:VCARD\r\n".to_string(),
        // A soft break right before END:VCARD: the card still ends.
        "BEGIN:VCARD\r\nVERSION:2.1\r\nTEL;CELL:+7 916 000 00 04\r\nFN;ENCODING=QUOTED-PRINTABLE:Soft=\r\nEND:VCARD\r\n".to_string(),
        good_card("Valid Two", 5),
        // `=` at the very end of the file, in a card that never ends.
        "BEGIN:VCARD\r\nVERSION:2.1\r\nTEL;CELL:+7 916 000 00 06\r\nFN;ENCODING=QUOTED-PRINTABLE:Cut=".to_string(),
    ]
    .concat();
    let run = Run::of_vcard(text.as_bytes());
    assert_eq!(run.parsed.cards.len(), 5);
    assert_eq!(run.parsed.errors.len(), 1);
    let error = &run.parsed.errors[0];
    assert_eq!(error.index, 5);
    assert!(error.reason.contains("file ends before"), "{error}");

    assert_eq!(run.row(1).name.as_deref(), Some("А=ZZнна"));
    assert!(run.warnings(1)[0].contains("bad quoted-printable escape"));
    assert_eq!(run.row(2).name.as_deref(), Some("Ольг"));
    assert!(run.warnings(2)[0].contains("not valid UTF-8"));
    assert_eq!(run.row(3).name.as_deref(), Some("Soft"));
    assert!(run.warnings(3)[0].contains("soft break"));
    assert_eq!(run.created(), vec![0, 1, 2, 3, 4]);
}

#[test]
fn deeply_folded_lines() {
    // "Anna Maria" folded into 10,000 continuation lines, almost all of them empty folds.
    let mut folded = String::from("FN:Anna\r\n");
    for _ in 0..9_999 {
        folded.push_str(" \r\n");
    }
    folded.push_str("  Maria\r\n");
    // A 10,000-character name, one character per continuation line.
    let mut one_per_line = String::from("FN:x\r\n");
    for _ in 1..10_000 {
        one_per_line.push_str(" x\r\n");
    }
    // A property name with no colon, folded 200,000 times: joining must stay linear.
    let mut no_colon = String::from("X-JUNK;QUOTED");
    for _ in 0..200_000 {
        no_colon.push_str("\r\n a");
    }
    no_colon.push_str("\r\n");
    let text = [
        good_card("Valid One", 1),
        card(&format!("{folded}TEL:+7 916 000 00 02\r\n")),
        card(&format!("{one_per_line}TEL:+7 916 000 00 03\r\n")),
        card(&format!("FN:Junk\r\n{no_colon}TEL:+7 916 000 00 04\r\n")),
        good_card("Valid Two", 5),
    ]
    .concat();
    let started = Instant::now();
    let run = Run::of_vcard(text.as_bytes());
    assert_fast(started, Duration::from_secs(10), "deeply folded lines");

    assert!(run.parsed.errors.is_empty(), "{:?}", run.parsed.errors);
    assert_eq!(run.row(1).name.as_deref(), Some("Anna Maria"));
    assert_eq!(run.row(2).status, ContactStatus::NoName);
    assert!(run
        .row(2)
        .problem
        .as_deref()
        .unwrap()
        .contains("10,000 characters"));
    assert_eq!(run.row(3).name.as_deref(), Some("Junk"));
    assert!(run.warnings(3)[0].contains("not a vCard property"));
    assert_eq!(run.created(), vec![0, 1, 3, 4]);
}

#[test]
fn right_to_left_and_combining_mark_names_stay_intact() {
    let cases: [(&str, &str); 8] = [
        // Hebrew and Arabic, plain and with vowel points.
        ("שרה כהן", "שרה כהן"),
        ("فاطمة الزهراء", "فاطمة الزهراء"),
        // Marks in typing order (shadda before fatha, sin dot before qamats) come out in
        // canonical order: the same text, drawn the same.
        (
            "\u{645}\u{64F}\u{62D}\u{64E}\u{645}\u{651}\u{64E}\u{62F}",
            "\u{645}\u{64F}\u{62D}\u{64E}\u{645}\u{64E}\u{651}\u{62F}",
        ),
        (
            "\u{5E9}\u{5C2}\u{5B8}\u{5E8}\u{5B8}\u{5D4}",
            "\u{5E9}\u{5B8}\u{5C2}\u{5E8}\u{5B8}\u{5D4}",
        ),
        // Bidi marks around a name are invisible formatting: dropped.
        ("\u{200F}שרה\u{200F} \u{202B}כהן\u{202C}", "שרה כהן"),
        // Decomposed Latin and Vietnamese: composed (NFC).
        ("Zoe\u{308} Nguye\u{302}\u{303}n", "Zo\u{eb} Nguy\u{1ec5}n"),
        // Devanagari with virama, Korean jamo composing into syllables.
        ("प्रिया", "प्रिया"),
        ("\u{1100}\u{1161}\u{11A8}", "\u{AC01}"),
    ];
    let contacts: Vec<PhonebookContact> = cases
        .iter()
        .enumerate()
        .map(|(i, (raw, _))| contact(raw, &[&format!("+7 916 000 00 {:02}", i + 10)]))
        .collect();
    let run = Run::of_contacts(&contacts);
    assert_eq!(run.created(), (0..cases.len() as u64).collect::<Vec<_>>());
    let names = run.client_names();
    for ((raw, expected), stored) in cases.iter().zip(&names) {
        assert_eq!(stored, expected, "{raw:?}");
        assert!(is_nfc(stored));
        assert_eq!(stored.nfc().collect::<String>(), *stored);
    }

    // The same names through a vCard file, with given and family names in separate fields.
    let text = [
        card("N:כהן;שרה;;;\r\nTEL:+7 916 000 00 20\r\n"),
        card("N:;Jose\u{301};;;\r\nFN:Jose\u{301}\r\nTEL:+7 916 000 00 21\r\n"),
    ]
    .concat();
    let run = Run::of_vcard(text.as_bytes());
    let clients = run.clients();
    assert_eq!(
        (clients[0].name.as_str(), clients[0].surname.as_deref()),
        ("שרה", Some("כהן"))
    );
    assert_eq!(clients[1].name, "Jos\u{e9}");
}

#[test]
fn numbers_made_only_of_separators_are_invalid_with_a_reason() {
    let separators = ["---", "()", "+", "  ", ".."];
    let mut contacts: Vec<PhonebookContact> = separators
        .iter()
        .map(|s| contact(&format!("Only {s}"), &[s]))
        .collect();
    contacts.push(contact("All of them", &separators));
    contacts.push(contact("One good", &["---", "+7 916 000 00 01", "()"]));
    contacts.push(contact("Valid", &["+7 916 000 00 02"]));
    let run = Run::of_contacts(&contacts);
    for (index, raw) in separators.iter().enumerate() {
        let row = run.row(index as u64);
        assert_eq!(row.status, ContactStatus::InvalidPhone, "{raw:?}");
        assert!(!row.phones[0].valid && row.phones[0].e164.is_none());
        assert_eq!(
            row.phones[0].problem.as_deref(),
            Some("no digits in the number"),
            "{raw:?}"
        );
        assert!(row.problem.as_deref().unwrap().contains("no digits"));
    }
    let all = run.row(5);
    assert_eq!(all.status, ContactStatus::InvalidPhone);
    assert_eq!(all.phones.len(), 5);
    assert_eq!(
        all.problem.as_deref().unwrap().matches("no digits").count(),
        5
    );
    let one_good = run.row(6);
    assert_eq!(one_good.status, ContactStatus::New);
    assert_eq!(one_good.chosen_phone, Some(1));
    assert_eq!(run.created(), vec![6, 7]);

    // In a vCard a blank TEL is skipped with a warning; the card has no number then.
    let text = [
        card("FN:Blank\r\nTEL:  \r\n"),
        card("FN:Dashes\r\nTEL:---\r\nTEL;TYPE=CELL:()\r\n"),
        good_card("Valid", 3),
    ]
    .concat();
    let run = Run::of_vcard(text.as_bytes());
    assert!(run.warnings(0)[0].contains("empty TEL"));
    assert_eq!(run.row(0).status, ContactStatus::NoPhone);
    assert_eq!(run.row(1).status, ContactStatus::InvalidPhone);
    assert_eq!(run.created(), vec![2]);
}

#[test]
fn one_huge_line_and_one_huge_number() {
    // 20 MB without a line break, then a valid card.
    let mut text = vec![b'x'; 20 << 20];
    text.extend_from_slice(b"\n");
    // A number of a million digits.
    text.extend_from_slice(
        card(&format!("FN:Digits\r\nTEL:{}\r\n", "7".repeat(1 << 20))).as_bytes(),
    );
    text.extend_from_slice(good_card("Valid", 1).as_bytes());
    let started = Instant::now();
    let run = Run::of_vcard(&text);
    assert_fast(
        started,
        Duration::from_secs(20),
        "a 20 MB line and a 1 MB number",
    );
    assert_eq!(run.parsed.errors.len(), 1);
    assert!(run.parsed.errors[0].reason.contains("outside any"));
    // Stray text is no card: the cards are numbered from 0 after it.
    assert_eq!(run.row(0).status, ContactStatus::InvalidPhone);
    assert!(run.row(0).phones[0]
        .problem
        .as_deref()
        .unwrap()
        .contains("long"));
    assert_eq!(run.created(), vec![1]);
}

#[test]
fn junk_lines_cost_one_error_per_run_not_one_per_line() {
    // A million stray lines between two cards, a million junk lines inside one.
    let text = [
        good_card("Valid One", 1),
        "junk\n".repeat(1_000_000),
        card(&format!(
            "FN:Junk Inside\r\n{}TEL:+7 916 000 00 02\r\n",
            "no colon here\r\n".repeat(1_000_000)
        )),
        good_card("Valid Two", 3),
    ]
    .concat();
    let run = Run::of_vcard(text.as_bytes());
    assert_eq!(run.parsed.errors.len(), 1);
    assert!(
        run.parsed.errors[0].reason.starts_with("1000000 lines"),
        "{}",
        run.parsed.errors[0]
    );
    let warnings = run.warnings(1);
    assert_eq!(warnings.len(), vcard::MAX_WARNINGS_PER_CARD + 1);
    assert!(warnings.last().unwrap().contains("more damaged line"));
    assert_eq!(run.created(), vec![0, 1, 2]);
}

/// Inputs the fuzz targets found (docs/fuzzing.md), kept as regression tests.
mod found_by_fuzzing {
    use super::*;

    /// `vcard`: TEL values were escaped as text on writing, so `;ext=` gained a backslash
    /// every time a card went out and back in.
    #[test]
    fn tel_uri_extension_round_trips() {
        let input = b"BEGIN:VCARD\r\nVERSION:3.0\r\nN:\\;;\\,;;;\r\nitem1.TEL:+7 495 123-45-67 \xd0\xb4\xd0\xbe\xd0\xb1. 123\r\nitem1.X-ABLabel:_$!<Mobile>!$_\r\nitem2.TEL;VALUE=uri:tel:+1-415-555-0134;ext=12\r\nitem2.X-ABLabel:iPhone\r\nORG:;\r\nNICKNAME:,,Nick\r\nEND:VCARD\r\n";
        let read = |text: &[u8]| -> Vec<_> {
            vcard::parse(text)
                .cards
                .into_iter()
                .map(|c| c.contact)
                .collect()
        };
        // The first write fills in FN; from then on a write and a read change nothing.
        let once = read(vcard::write(&read(input)).as_bytes());
        let twice = read(vcard::write(&once).as_bytes());
        assert_eq!(once, twice);
        let p = phone::normalize(
            &twice[0].phones[1].number,
            PhoneLabel::Mobile,
            Region::default(),
        );
        assert_eq!(p.key().as_deref(), Some("+14155550134;ext=12"));
    }

    /// `name`: NFC ran before invisible characters were dropped, so a mark they separated from
    /// its letter composed only on a second cleaning.
    #[test]
    fn cleaning_is_idempotent_around_dropped_characters() {
        let once = name::clean("e\u{200B}\u{301}").unwrap();
        assert_eq!(once, "\u{e9}");
        assert_eq!(name::clean(&once).unwrap(), once);
    }
}
