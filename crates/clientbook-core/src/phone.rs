//! Phone numbers: parse every spelling a phonebook holds, produce the key that decides
//! "same number", and pick the default among a contact's numbers.
//!
//! The key is canonical E.164 plus the extension, because libphonenumber semantics say a
//! different extension is a different line, and because the Altegio database itself is keyed
//! on the number. Parsing always uses the salon's region so `8 916…` and `+7 916…` meet.

use std::collections::HashMap;

use rlibphonenumber::{PhoneNumberFormat, PhoneNumberType, PHONE_NUMBER_UTIL};
use serde::{Deserialize, Serialize};

use crate::messages::{Locale, Message, PhoneProblem};

pub use rlibphonenumber::Region as PnRegion;

/// The location's default region, checked once so nothing downstream handles a bad code.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Region(PnRegion);

impl Region {
    /// Parses an ISO 3166 alpha-2 code such as `RU` (any case).
    pub fn parse(code: &str) -> Result<Self, crate::Error> {
        let upper = code.trim().to_ascii_uppercase();
        PnRegion::from_code(&upper)
            .ok()
            .filter(|r| PHONE_NUMBER_UTIL.get_supported_regions().any(|s| s == *r))
            .map(Region)
            .ok_or_else(|| {
                crate::Error::BadInput(format!(
                    "unknown region code {code:?}; use a two-letter country code such as RU"
                ))
            })
    }

    pub fn code(&self) -> String {
        self.0.to_string()
    }
}

impl Default for Region {
    fn default() -> Self {
        Region(PnRegion::RU)
    }
}

/// The kind of number, as far as choosing a default goes. Platform types map onto these.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, PartialOrd, Ord)]
#[serde(rename_all = "snake_case")]
#[cfg_attr(feature = "uniffi", derive(uniffi::Enum))]
pub enum PhoneLabel {
    Mobile,
    Main,
    Work,
    Home,
    Fax,
    Pager,
    Other,
}

impl PhoneLabel {
    /// Rank for the default choice: a salon texts and calls mobiles, so mobile wins.
    fn rank(self) -> u8 {
        match self {
            PhoneLabel::Mobile => 0,
            PhoneLabel::Main => 1,
            PhoneLabel::Work => 2,
            PhoneLabel::Home => 3,
            PhoneLabel::Other => 4,
            PhoneLabel::Pager => 5,
            PhoneLabel::Fax => 6,
        }
    }

    /// Maps a free-form label (vCard TYPE, Android type name, iOS `_$!<Mobile>!$_`) to a kind.
    pub fn from_type_names<'a>(names: impl IntoIterator<Item = &'a str>) -> PhoneLabel {
        let mut best = None::<PhoneLabel>;
        for raw in names {
            let lower = raw
                .trim()
                .trim_matches(|c| "_$!<>".contains(c))
                .to_lowercase();
            let label = match lower.as_str() {
                "cell" | "mobile" | "iphone" | "work_mobile" | "cellular" => PhoneLabel::Mobile,
                "main" | "pref" | "company_main" | "companymain" => PhoneLabel::Main,
                "work" => PhoneLabel::Work,
                "home" => PhoneLabel::Home,
                "fax" | "homefax" | "workfax" | "otherfax" | "fax_work" | "fax_home" => {
                    PhoneLabel::Fax
                }
                "pager" | "work_pager" => PhoneLabel::Pager,
                _ => continue,
            };
            // "pref" alone says nothing about the line; a real kind beats it.
            best = Some(match best {
                None => label,
                Some(PhoneLabel::Main) if label != PhoneLabel::Main => label,
                Some(b) if label == PhoneLabel::Fax || b == PhoneLabel::Fax => PhoneLabel::Fax,
                Some(b) if label == PhoneLabel::Mobile || b == PhoneLabel::Mobile => {
                    PhoneLabel::Mobile
                }
                Some(b) => b,
            });
        }
        best.unwrap_or(PhoneLabel::Other)
    }
}

/// One number as the phonebook had it and as we understood it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "uniffi", derive(uniffi::Record))]
pub struct Phone {
    /// Exactly as written in the phonebook, for display.
    pub raw: String,
    /// Canonical `+<cc><nsn>`, present only when the number is valid.
    pub e164: Option<String>,
    pub extension: Option<String>,
    pub label: PhoneLabel,
    pub valid: bool,
    /// Why the number was rejected, in words for staff (English; a preview renders it in
    /// its locale); `None` when valid.
    pub problem: Option<String>,
    /// Why the number was rejected, as a code; `None` when valid.
    #[serde(default)]
    pub problem_code: Option<PhoneProblem>,
}

impl Phone {
    /// Why the number was rejected, in `locale`; `None` when valid.
    pub fn problem_in(&self, locale: Locale) -> Option<String> {
        self.problem_code
            .map(|problem| Message::NumberProblem { problem }.render(locale))
    }

    /// The dedupe key: E.164, plus `;ext=` when there is an extension.
    pub fn key(&self) -> Option<String> {
        let e164 = self.e164.as_deref()?;
        Some(match_key(e164, self.extension.as_deref()))
    }
}

impl Phone {
    /// The key of the client this number would be on Altegio (see [`altegio_key`]).
    pub fn altegio_key(&self) -> Option<String> {
        Some(altegio_key(
            self.e164.as_deref()?,
            self.extension.as_deref(),
        ))
    }
}

/// The key that identifies a client on Altegio, and the only place that decides it: the
/// E.164 number **without** the extension, because Altegio stores a client's phone as digits
/// only. Two numbers that differ only by extension are one client there. The preview, the
/// import journal, the request payload and the mirror all key remote clients through this.
/// The extension is taken and dropped here on purpose, so no caller keeps it by accident.
pub fn altegio_key(e164: &str, _extension: Option<&str>) -> String {
    e164.to_string()
}

/// The digits Altegio stores for an [`altegio_key`]: no `+`, no extension.
pub fn altegio_digits(key: &str) -> String {
    digits(key)
}

/// Only the ASCII digits of `s`.
pub fn digits(s: &str) -> String {
    s.chars().filter(char::is_ascii_digit).collect()
}

/// The key of a number the server returned (digits, `+digits`, or masked with `*` without
/// the phones right, which has no key): read as international first, then with the region.
pub fn remote_phone_key(raw: &str, region: Region) -> Option<String> {
    if raw.contains('*') {
        return None;
    }
    let only_digits = digits(raw);
    if only_digits.is_empty() {
        return None;
    }
    let international = normalize(&format!("+{only_digits}"), PhoneLabel::Other, region);
    let p = if international.valid {
        international
    } else {
        normalize(raw, PhoneLabel::Other, region)
    };
    p.altegio_key()
}

/// Builds the dedupe key from its parts. Shared by the store, which keys clients the same way.
pub fn match_key(e164: &str, extension: Option<&str>) -> String {
    match extension {
        Some(ext) if !ext.is_empty() => format!("{e164};ext={ext}"),
        _ => e164.to_string(),
    }
}

/// A number that belongs to a service, not to a person, as the phone metadata classifies it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[cfg_attr(feature = "uniffi", derive(uniffi::Enum))]
pub enum ServiceKind {
    TollFree,
    PremiumRate,
    SharedCost,
    Voicemail,
    /// Universal access numbers: one number for a whole company.
    UniversalAccess,
}

/// Whether a valid E.164 number is a service number (toll-free, premium-rate, shared-cost,
/// voicemail, universal access). Russian and Kazakh mobiles (`+79…`, `+77…`, the bulk of a
/// salon's phonebook) are people's numbers and skip the metadata lookup, which is the costly
/// part.
pub fn service_kind(e164: &str) -> Option<ServiceKind> {
    if e164.starts_with("+79") || e164.starts_with("+77") {
        return None;
    }
    let number = PHONE_NUMBER_UTIL.parse(e164, None).ok()?;
    match number.get_type() {
        PhoneNumberType::TollFree => Some(ServiceKind::TollFree),
        PhoneNumberType::PremiumRate => Some(ServiceKind::PremiumRate),
        PhoneNumberType::SharedCost => Some(ServiceKind::SharedCost),
        PhoneNumberType::VoiceMail => Some(ServiceKind::Voicemail),
        PhoneNumberType::UAN => Some(ServiceKind::UniversalAccess),
        _ => None,
    }
}

/// The parts of a key built by [`match_key`]: the E.164 number and its extension, if any.
pub fn split_key(key: &str) -> (&str, Option<&str>) {
    match key.split_once(";ext=") {
        Some((e164, ext)) => (e164, Some(ext)),
        None => (key, None),
    }
}

/// Parses one number with the location's region. Never fails: a bad number comes back
/// with `valid == false` and the reason, so it is shown and never silently dropped.
pub fn normalize(raw: &str, label: PhoneLabel, region: Region) -> Phone {
    let invalid = |problem: PhoneProblem| Phone {
        raw: raw.to_string(),
        e164: None,
        extension: None,
        label,
        valid: false,
        problem: Some(Message::NumberProblem { problem }.render(Locale::En)),
        problem_code: Some(problem),
    };
    let text = raw.trim();
    if !text.chars().any(|c| c.is_ascii_digit() || c.is_numeric()) {
        return invalid(PhoneProblem::NoDigits);
    }
    match parse_valid(text, region) {
        Ok((e164, extension)) => Phone {
            raw: raw.to_string(),
            e164: Some(e164),
            extension,
            label,
            valid: true,
            problem: None,
            problem_code: None,
        },
        Err(_) if is_short_code(text) => invalid(PhoneProblem::ShortCode),
        Err(problem) => invalid(problem),
    }
}

/// Shortest and longest short code, in digits.
pub const SHORT_CODE_DIGITS: std::ops::RangeInclusive<usize> = 3..=6;

/// Whether `text` (trimmed) is written as a short code: a service's short number such as a
/// bank's SMS number (`900`), a carrier's service line (`0611`, `0500`) or a city service's
/// SMS number (`7757`), not a person's phone.
///
/// The rule, since `rlibphonenumber` ports no short-number metadata (libphonenumber's
/// `ShortNumberInfo`), and that metadata lists only emergency numbers for Russia anyway,
/// not carriers' or banks' codes: 3 to 6 ASCII digits and nothing else, so no `+`, no
/// country code or trunk prefix written apart, no separators. [`normalize`] applies it only
/// to a number that is not a valid phone in the location's region. `+7 900`, `8 900` and
/// `*100#` are not short codes by this rule; they stay invalid with their own problem.
pub fn is_short_code(text: &str) -> bool {
    let text = text.trim();
    SHORT_CODE_DIGITS.contains(&text.len()) && text.bytes().all(|b| b.is_ascii_digit())
}

fn parse_valid(text: &str, region: Region) -> Result<(String, Option<String>), PhoneProblem> {
    if let Some(found) = parse_plus7_fast(text, region) {
        return Ok(found);
    }
    parse_valid_full(text, region)
}

/// The spellings most numbers in a Russian or Kazakh phonebook have: `+7` and ten digits,
/// `8` or `7` and ten digits, or the ten digits alone, with only spaces, dashes, dots or
/// brackets between (`8 (916) 123-45-67`, `+7 916 1234567`, `89161234567`). For these
/// libphonenumber's parse (half the cost of a number: its extraction, prefix and country
/// regexes) comes down to "country code 7, these ten digits", so the number is built
/// directly and libphonenumber still decides validity against its metadata. Anything else
/// (other characters, other lengths, `8 10` international dialling, a leading zero), or an
/// invalid result, returns `None` and takes the full parse, so problems are always worded by
/// it. `tests::fast_path_agrees_with_full_parse` checks the two against each other.
fn parse_plus7_fast(text: &str, region: Region) -> Option<(String, Option<String>)> {
    if !matches!(region.0, PnRegion::RU | PnRegion::KZ) {
        return None;
    }
    let (plus, body) = match text.strip_prefix('+') {
        Some(rest) => (true, rest),
        None => (false, text),
    };
    let mut digits = [0u8; 11];
    let mut len = 0;
    for b in body.bytes() {
        match b {
            b'0'..=b'9' if len < digits.len() => {
                digits[len] = b;
                len += 1;
            }
            b' ' | b'-' | b'(' | b')' | b'.' => {}
            _ => return None,
        }
    }
    let nsn = match (plus, len, digits[0]) {
        (true, 11, b'7') => &digits[1..11],
        // Russia's metadata reads a leading country code without `+` off a too-long number;
        // Kazakhstan's does not, so there `7 916…` stays with the full parse.
        (false, 11, b'7') if region.0 == PnRegion::RU => &digits[1..11],
        // `8` is the national prefix, but `8 10` starts an international number.
        (false, 11, b'8') if &digits[1..3] != b"10" => &digits[1..11],
        (false, 10, first) if first != b'7' && first != b'8' => &digits[..10],
        _ => return None,
    };
    if nsn[0] == b'0' {
        return None;
    }
    // Ten ASCII digits: always valid UTF-8 and always fit a u64.
    let nsn = std::str::from_utf8(nsn).ok()?;
    let number = rlibphonenumber::PhoneNumber {
        country_code: 7,
        national_number: nsn.parse().ok()?,
        ..Default::default()
    };
    number.is_valid().then(|| {
        let mut e164 = String::with_capacity(12);
        e164.push_str("+7");
        e164.push_str(nsn);
        (e164, None)
    })
}

fn parse_valid_full(text: &str, region: Region) -> Result<(String, Option<String>), PhoneProblem> {
    let first = parse_once(text, region);
    if first.is_ok() {
        return first;
    }
    // `00` is the international prefix across most of Europe and Asia, but not in the
    // salon's region (Russia dials 8~10). Phonebooks carried over from abroad still hold
    // `00 49 …`, so give it a second reading as an international number.
    let digits_start = text.trim_start_matches(|c: char| c == '(' || c.is_whitespace());
    if let Some(rest) = digits_start.strip_prefix("00") {
        if let Ok(found) = parse_once(&format!("+{rest}"), region) {
            return Ok(found);
        }
    }
    first
}

fn parse_once(text: &str, region: Region) -> Result<(String, Option<String>), PhoneProblem> {
    let number = PHONE_NUMBER_UTIL
        .parse(text, Some(region.0))
        .map_err(|e| match e {
            rlibphonenumber::ParseError::InvalidCountryCode => PhoneProblem::UnknownCountryCode,
            rlibphonenumber::ParseError::TooShortAfterIdd
            | rlibphonenumber::ParseError::TooShortNsn => PhoneProblem::TooShort,
            rlibphonenumber::ParseError::TooLongNsn => PhoneProblem::TooLong,
            _ => PhoneProblem::NotANumber,
        })?;
    if !number.is_valid() {
        return Err(match number.is_possible_with_reason() {
            Err(rlibphonenumber::ValidationError::TooShort) => PhoneProblem::TooShort,
            Err(rlibphonenumber::ValidationError::TooLong) => PhoneProblem::TooLong,
            Err(rlibphonenumber::ValidationError::InvalidCountryCode) => {
                PhoneProblem::UnknownCountryCode
            }
            _ => PhoneProblem::InvalidForCountry,
        });
    }
    let e164 = number.format_as(PhoneNumberFormat::E164).into_owned();
    let extension = number.extension.clone().filter(|e| !e.is_empty());
    Ok((e164, extension))
}

/// Collapses numbers that are equal after normalisation (messengers repeat the same number
/// under several rows), keeping the first spelling and the best label. Invalid numbers are
/// kept once per raw spelling so they can be reported.
///
/// A contact's handful of numbers is compared pairwise; past [`COLLAPSE_SCAN_MAX`] numbers a
/// hash map keeps it linear, so a damaged card with thousands of numbers costs no more per
/// number than a normal one.
pub fn collapse(phones: Vec<Phone>) -> Vec<Phone> {
    if phones.len() > COLLAPSE_SCAN_MAX {
        collapse_hashed(phones)
    } else {
        collapse_scanned(phones)
    }
}

/// [`collapse`] by pairwise comparison: no allocation beyond the result, for short lists.
fn collapse_scanned(phones: Vec<Phone>) -> Vec<Phone> {
    let mut out: Vec<Phone> = Vec::with_capacity(phones.len());
    for phone in phones {
        // Same key as `Phone::key` compares, without building the key strings.
        let existing = match phone.e164 {
            Some(_) => out.iter_mut().find(|p| same_key(p, &phone)),
            None => out
                .iter_mut()
                .find(|p| !p.valid && p.raw.trim() == phone.raw.trim()),
        };
        match existing {
            Some(kept) => {
                if phone.label.rank() < kept.label.rank() {
                    kept.label = phone.label;
                }
            }
            None => out.push(phone),
        }
    }
    out
}

/// Longest list [`collapse`] compares pairwise.
const COLLAPSE_SCAN_MAX: usize = 16;

/// What makes two numbers one in [`collapse`], borrowed from the number.
#[derive(PartialEq, Eq, Hash)]
enum SameAs<'a> {
    /// E.164 and extension, as `Phone::key`.
    Key(&'a str, Option<&'a str>),
    /// An invalid number's trimmed spelling.
    Invalid(&'a str),
}

impl Phone {
    /// What this number looks for among the numbers kept before it in [`collapse`].
    fn same_as(&self) -> SameAs<'_> {
        match &self.e164 {
            Some(e164) => SameAs::Key(e164, self.extension.as_deref().filter(|e| !e.is_empty())),
            None => SameAs::Invalid(self.raw.trim()),
        }
    }
}

/// [`collapse`] for long lists, in one pass over a hash map: the same result as
/// [`collapse_scanned`] (`tests::collapse_is_the_same_long_or_short` checks).
fn collapse_hashed(phones: Vec<Phone>) -> Vec<Phone> {
    // For each number, the first one it is the same as (itself when it is the first).
    let mut first_of: HashMap<SameAs<'_>, usize> = HashMap::with_capacity(phones.len());
    let first: Vec<usize> = phones
        .iter()
        .enumerate()
        .map(|(i, phone)| match first_of.get(&phone.same_as()) {
            Some(&f) => f,
            None => {
                // What later numbers find this one by: its key, and an invalid number also
                // its spelling.
                if let Some(e164) = &phone.e164 {
                    let ext = phone.extension.as_deref().filter(|e| !e.is_empty());
                    first_of.entry(SameAs::Key(e164, ext)).or_insert(i);
                }
                if !phone.valid {
                    first_of
                        .entry(SameAs::Invalid(phone.raw.trim()))
                        .or_insert(i);
                }
                i
            }
        })
        .collect();
    drop(first_of);
    let mut out: Vec<Phone> = Vec::with_capacity(phones.len());
    // Position in `out` of each number that was kept.
    let mut kept_at = vec![0; phones.len()];
    for (i, phone) in phones.into_iter().enumerate() {
        if first[i] == i {
            kept_at[i] = out.len();
            out.push(phone);
        } else {
            let kept = &mut out[kept_at[first[i]]];
            if phone.label.rank() < kept.label.rank() {
                kept.label = phone.label;
            }
        }
    }
    out
}

/// `a.key() == b.key()` for numbers that have a key.
fn same_key(a: &Phone, b: &Phone) -> bool {
    fn ext(p: &Phone) -> Option<&str> {
        p.extension.as_deref().filter(|e| !e.is_empty())
    }
    a.e164.is_some() && a.e164 == b.e164 && ext(a) == ext(b)
}

/// The default number to import: the best-ranked valid one, first in file order on a tie.
pub fn default_choice(phones: &[Phone]) -> Option<usize> {
    phones
        .iter()
        .enumerate()
        .filter(|(_, p)| p.valid)
        .min_by_key(|(i, p)| (p.label.rank(), *i))
        .map(|(i, _)| i)
}

/// A number with everything but its last digits hidden, for users without the
/// "show phone numbers" right.
pub fn mask(e164: &str) -> String {
    let digits: Vec<char> = e164.chars().collect();
    let keep = 2.min(digits.len());
    let hidden = digits.len() - keep;
    let mut out = String::with_capacity(digits.len());
    for (i, c) in digits.iter().enumerate() {
        if i < hidden && c.is_ascii_digit() && i > 1 {
            out.push('*');
        } else {
            out.push(*c);
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn split_key_undoes_match_key() {
        for (e164, ext) in [("+79161234567", None), ("+74951234567", Some("123"))] {
            assert_eq!(split_key(&match_key(e164, ext)), (e164, ext));
        }
    }

    #[test]
    fn altegio_key_drops_the_extension_for_phonebook_and_server_numbers_alike() {
        let office = normalize(
            "+7 495 123-45-67 доб. 123",
            PhoneLabel::Work,
            Region::default(),
        );
        assert_eq!(office.key().as_deref(), Some("+74951234567;ext=123"));
        assert_eq!(office.altegio_key().as_deref(), Some("+74951234567"));
        assert_eq!(
            remote_phone_key("74951234567", Region::default()).as_deref(),
            Some("+74951234567")
        );
        assert_eq!(
            remote_phone_key("+7 *** ***-**-67", Region::default()),
            None
        );
        assert_eq!(altegio_digits("+74951234567"), "74951234567");
    }

    fn ru(raw: &str) -> Phone {
        normalize(raw, PhoneLabel::Mobile, Region::default())
    }

    #[test]
    fn every_spelling_from_a_russian_phonebook_parses() {
        let cases = [
            ("8 (916) 123-45-67", "+79161234567", None),
            ("+7 916 1234567", "+79161234567", None),
            ("9161234567", "+79161234567", None),
            ("8-800-555-35-35", "+78005553535", None),
            ("+7 495 123-45-67 доб. 123", "+74951234567", Some("123")),
            ("+1 (415) 555-0134 ext. 12", "+14155550134", Some("12")),
            ("00 49 30 1234567", "+49301234567", None),
            ("8 10 375 29 123 45 67", "+375291234567", None),
            ("8 701 123 4567", "+77011234567", None),
        ];
        for (raw, e164, ext) in cases {
            let p = ru(raw);
            assert!(p.valid, "{raw} should be valid: {:?}", p.problem);
            assert_eq!(p.e164.as_deref(), Some(e164), "{raw}");
            assert_eq!(p.extension.as_deref(), ext, "{raw}");
        }
    }

    #[test]
    fn different_extension_is_a_different_number() {
        let a = ru("+7 495 123-45-67 доб. 123");
        let b = ru("+7 495 123-45-67 доб. 124");
        let c = ru("+7 495 123-45-67");
        assert_ne!(a.key(), b.key());
        assert_ne!(a.key(), c.key());
        assert_eq!(a.key().as_deref(), Some("+74951234567;ext=123"));
    }

    #[test]
    fn bad_numbers_carry_a_reason() {
        for raw in ["12345", "unknown", "---", "+7 000", ""] {
            let p = ru(raw);
            assert!(!p.valid, "{raw}");
            assert!(p.problem.as_deref().is_some_and(|s| !s.is_empty()), "{raw}");
            assert_eq!(p.key(), None);
        }
    }

    #[test]
    fn short_codes_are_service_numbers_not_broken_ones() {
        use crate::messages::PhoneProblem;
        // Banks' SMS numbers, carriers' service lines, a city's parking SMS number.
        for raw in ["900", "0611", "0500", "7757", "112", " 4444 ", "123456"] {
            let p = ru(raw);
            assert!(!p.valid, "{raw}");
            assert_eq!(p.problem_code, Some(PhoneProblem::ShortCode), "{raw}");
            assert_eq!((p.e164.as_deref(), p.key()), (None, None), "{raw}");
            assert_eq!(
                p.problem.as_deref(),
                Some(
                    "a short service number (a bank, carrier or SMS service), not a person's phone"
                )
            );
            assert_eq!(
                p.problem_in(Locale::Ru).as_deref(),
                Some(
                    "короткий сервисный номер (банк, оператор, SMS-сервис), а не телефон человека"
                )
            );
        }
        // Not short codes: too few or too many digits, a prefix, separators, a USSD code.
        for (raw, problem) in [
            ("12", PhoneProblem::TooShort),
            ("1234567", PhoneProblem::InvalidForCountry),
            ("+7 900", PhoneProblem::TooShort),
            ("8 900", PhoneProblem::TooShort),
            ("0 611", PhoneProblem::TooShort),
            ("*100#", PhoneProblem::NotANumber),
        ] {
            assert_eq!(ru(raw).problem_code, Some(problem), "{raw}");
        }
        // A number the region reads as a valid phone is one, however short.
        let sh = Region::parse("SH").unwrap();
        let p = normalize("22158", PhoneLabel::Other, sh);
        assert!(p.valid, "{:?}", p.problem);
        assert_eq!(p.e164.as_deref(), Some("+29022158"));
    }

    #[test]
    fn region_changes_how_national_numbers_read() {
        let gb = Region::parse("gb").unwrap();
        let p = normalize("020 7946 0958", PhoneLabel::Work, gb);
        assert_eq!(p.e164.as_deref(), Some("+442079460958"));
        assert!(!ru("020 7946 0958").valid);
        assert!(Region::parse("XX").is_err());
    }

    #[test]
    fn collapse_merges_spellings_and_keeps_best_label() {
        let phones = vec![
            normalize("+7 916 123-45-67", PhoneLabel::Home, Region::default()),
            normalize("8 916 1234567", PhoneLabel::Mobile, Region::default()),
            normalize("+7 495 123-45-67", PhoneLabel::Work, Region::default()),
            normalize("oops", PhoneLabel::Other, Region::default()),
            normalize("oops", PhoneLabel::Other, Region::default()),
        ];
        let out = collapse(phones);
        assert_eq!(out.len(), 3);
        assert_eq!(out[0].raw, "+7 916 123-45-67");
        assert_eq!(out[0].label, PhoneLabel::Mobile);
    }

    #[test]
    fn collapse_is_the_same_long_or_short() {
        // Past COLLAPSE_SCAN_MAX numbers collapse goes through a hash map; both ways must give
        // the same numbers, in the same order, with the same labels.
        let labels = [
            PhoneLabel::Other,
            PhoneLabel::Home,
            PhoneLabel::Mobile,
            PhoneLabel::Work,
            PhoneLabel::Fax,
        ];
        let mut phones: Vec<Phone> = (0..60)
            .map(|i| {
                let raw = match i % 6 {
                    0 => format!("+7 916 000-00-{:02}", i % 7),
                    1 => format!("8 916 00000{:02}", i % 7),
                    2 => format!("+7 495 123-45-67 доб. {}", i % 3),
                    3 => format!("bad {}", i % 4),
                    4 => format!("  bad {} ", i % 4),
                    _ => "+".to_string(),
                };
                normalize(&raw, labels[i % labels.len()], Region::default())
            })
            .collect();
        // A record from outside (the FFI) may be inconsistent; it must not change the result
        // either.
        phones[7].valid = false;
        assert!(phones.len() > COLLAPSE_SCAN_MAX);
        let hashed = collapse(phones.clone());
        assert_eq!(hashed, collapse_scanned(phones));
        assert!(hashed.len() < 20, "{}", hashed.len());
    }

    #[test]
    fn default_prefers_mobile_then_main_work_home_other() {
        let mk = |raw: &str, label| normalize(raw, label, Region::default());
        let phones = vec![
            mk("+7 495 123-45-67", PhoneLabel::Home),
            mk("bad", PhoneLabel::Mobile),
            mk("+7 495 123-45-68", PhoneLabel::Work),
            mk("+7 495 123-45-69", PhoneLabel::Main),
        ];
        assert_eq!(default_choice(&phones), Some(3));
        let phones = vec![
            mk("+7 495 123-45-67", PhoneLabel::Other),
            mk("+7 916 123-45-67", PhoneLabel::Mobile),
        ];
        assert_eq!(default_choice(&phones), Some(1));
        assert_eq!(default_choice(&[mk("x", PhoneLabel::Mobile)]), None);
    }

    #[test]
    fn labels_from_platform_names() {
        assert_eq!(
            PhoneLabel::from_type_names(["CELL", "VOICE"]),
            PhoneLabel::Mobile
        );
        assert_eq!(
            PhoneLabel::from_type_names(["pref", "work"]),
            PhoneLabel::Work
        );
        assert_eq!(
            PhoneLabel::from_type_names(["_$!<Mobile>!$_"]),
            PhoneLabel::Mobile
        );
        assert_eq!(
            PhoneLabel::from_type_names(["WORK", "FAX"]),
            PhoneLabel::Fax
        );
        assert_eq!(PhoneLabel::from_type_names(["voice"]), PhoneLabel::Other);
        assert_eq!(PhoneLabel::from_type_names(["PREF"]), PhoneLabel::Main);
    }

    #[test]
    fn fast_path_agrees_with_full_parse() {
        // Every shape the fast path accepts, with every leading digit, in both regions that
        // use +7; whenever it answers, the full parse must give the same number.
        let mut state = 0x9E37_79B9_7F4A_7C15u64;
        let mut next = |n: u64| {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            state % n
        };
        let prefixes = [
            "+7", "+7 ", "+7 (", "+(7) ", "+ 7", "8", "8 ", "8 (", "8-", "7", "7 ", "", "(",
        ];
        let seps = ["", " ", "-", ".", ") ", "("];
        let (mut answered, mut cases) = (0, 0);
        for region in [Region::default(), Region::parse("KZ").unwrap()] {
            for _ in 0..20_000 {
                let prefix = prefixes[next(prefixes.len() as u64) as usize];
                let count = 9 + next(4) as usize;
                let mut text = prefix.to_string();
                for i in 0..count {
                    // Bias towards real leading digits so valid numbers are common.
                    let d = if i == 0 && next(2) == 0 { 9 } else { next(10) };
                    text.push(char::from(b'0' + d as u8));
                    if next(4) == 0 {
                        text.push_str(seps[next(seps.len() as u64) as usize]);
                    }
                }
                cases += 1;
                if let Some(fast) = parse_plus7_fast(&text, region) {
                    answered += 1;
                    assert_eq!(
                        Ok(fast),
                        parse_valid_full(&text, region),
                        "{text:?} in {}",
                        region.code()
                    );
                }
            }
            for raw in [
                "8 (916) 123-45-67",
                "+7 916 1234567",
                "89161234567",
                "79161234567",
                "9161234567",
                "8-800-555-35-35",
                "8 701 123 4567",
                "+7 727 250 12 34",
                "4951234567",
            ] {
                let fast = parse_plus7_fast(raw, region);
                let kz_reads_it_otherwise = region.code() == "KZ" && raw.starts_with('7');
                assert!(
                    fast.is_some() || kz_reads_it_otherwise,
                    "{raw} should take the fast path"
                );
                if let Some(fast) = fast {
                    assert_eq!(Ok(fast), parse_valid_full(raw, region), "{raw}");
                }
            }
        }
        assert!(answered * 10 > cases, "{answered} of {cases}");
        // Other regions and other shapes always take the full parse.
        let gb = Region::parse("GB").unwrap();
        assert_eq!(parse_plus7_fast("+7 916 1234567", gb), None);
        for raw in [
            "8 10 375 29 123 45 67",
            "+7 495 123-45-67 доб. 123",
            "00 7 916 1234567",
        ] {
            assert_eq!(parse_plus7_fast(raw, Region::default()), None, "{raw}");
        }
    }

    #[test]
    fn mask_hides_the_middle() {
        assert_eq!(mask("+79161234567"), "+7********67");
    }
}
