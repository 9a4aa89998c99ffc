//! Phone numbers: parse every spelling a phonebook holds, produce the key that decides
//! "same number", and pick the default among a contact's numbers.
//!
//! The key is canonical E.164 plus the extension, because libphonenumber semantics say a
//! different extension is a different line, and because the Altegio database itself is keyed
//! on the number. Parsing always uses the salon's region so `8 916…` and `+7 916…` meet.

use rlibphonenumber::{PhoneNumberFormat, PHONE_NUMBER_UTIL};
use serde::{Deserialize, Serialize};

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
    /// Why the number was rejected, in words for staff; `None` when valid.
    pub problem: Option<String>,
}

impl Phone {
    /// The dedupe key: E.164, plus `;ext=` when there is an extension.
    pub fn key(&self) -> Option<String> {
        let e164 = self.e164.as_deref()?;
        Some(match_key(e164, self.extension.as_deref()))
    }
}

/// Builds the dedupe key from its parts. Shared by the store, which keys clients the same way.
pub fn match_key(e164: &str, extension: Option<&str>) -> String {
    match extension {
        Some(ext) if !ext.is_empty() => format!("{e164};ext={ext}"),
        _ => e164.to_string(),
    }
}

/// Parses one number with the location's region. Never fails: a bad number comes back
/// with `valid == false` and the reason, so it is shown and never silently dropped.
pub fn normalize(raw: &str, label: PhoneLabel, region: Region) -> Phone {
    let invalid = |problem: String| Phone {
        raw: raw.to_string(),
        e164: None,
        extension: None,
        label,
        valid: false,
        problem: Some(problem),
    };
    let text = raw.trim();
    if !text.chars().any(|c| c.is_ascii_digit() || c.is_numeric()) {
        return invalid("no digits in the number".into());
    }
    match parse_valid(text, region) {
        Ok((e164, extension)) => Phone {
            raw: raw.to_string(),
            e164: Some(e164),
            extension,
            label,
            valid: true,
            problem: None,
        },
        Err(problem) => invalid(problem),
    }
}

fn parse_valid(text: &str, region: Region) -> Result<(String, Option<String>), String> {
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

fn parse_once(text: &str, region: Region) -> Result<(String, Option<String>), String> {
    let number = PHONE_NUMBER_UTIL
        .parse(text, Some(region.0))
        .map_err(|e| format!("not a phone number ({e})"))?;
    if !number.is_valid() {
        let reason = match number.is_possible_with_reason() {
            Err(rlibphonenumber::ValidationError::TooShort) => "too short",
            Err(rlibphonenumber::ValidationError::TooLong) => "too long",
            Err(rlibphonenumber::ValidationError::InvalidCountryCode) => "unknown country code",
            _ => "not a valid number for its country",
        };
        return Err(reason.to_string());
    }
    let e164 = number.format_as(PhoneNumberFormat::E164).into_owned();
    let extension = number.extension.clone().filter(|e| !e.is_empty());
    Ok((e164, extension))
}

/// Collapses numbers that are equal after normalisation (messengers repeat the same number
/// under several rows), keeping the first spelling and the best label. Invalid numbers are
/// kept once per raw spelling so they can be reported.
pub fn collapse(phones: Vec<Phone>) -> Vec<Phone> {
    let mut out: Vec<Phone> = Vec::with_capacity(phones.len());
    for phone in phones {
        let existing = match phone.key() {
            Some(key) => out
                .iter_mut()
                .find(|p| p.key().as_deref() == Some(key.as_str())),
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
    fn mask_hides_the_middle() {
        assert_eq!(mask("+79161234567"), "+7********67");
    }
}
