//! Names: the Altegio rule for which phonebook field lands in which client field.
//!
//! We never split a name ourselves. A name typed into one field goes into `name` whole,
//! because splitting Cyrillic "Иванова Анна" by position swaps surname and given name
//! (AOSP's NameSplitter does exactly that), and a swapped name is worse than an unsplit one.

use serde::{Deserialize, Serialize};
use unicode_normalization::UnicodeNormalization;

use crate::messages::{Locale, Message};

/// Longest name part we store. Altegio's own fields are short; a phonebook field longer
/// than this is damaged data, reported rather than stored.
pub const MAX_NAME_CHARS: usize = 255;

/// The name fields of one phonebook contact, as the platform gave them.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct NameFields {
    pub given: Option<String>,
    pub middle: Option<String>,
    pub family: Option<String>,
    /// The whole name in one field (vCard FN, Android DISPLAY_NAME, iOS formatted name).
    pub display: Option<String>,
    pub organization: Option<String>,
    pub nickname: Option<String>,
}

/// The client's name as it will be stored.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "uniffi", derive(uniffi::Record))]
pub struct ClientName {
    pub name: String,
    pub surname: Option<String>,
    pub middle_name: Option<String>,
}

/// Why a contact has no usable name.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum NameProblem {
    Missing,
    TooLong { chars: usize },
}

impl NameProblem {
    /// The problem as a code for the preview row.
    pub fn message(&self) -> Message {
        match self {
            NameProblem::Missing => Message::NoName,
            NameProblem::TooLong { chars } => Message::NameTooLong {
                chars: *chars as u64,
                max: MAX_NAME_CHARS as u64,
            },
        }
    }
}

impl std::fmt::Display for NameProblem {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.message().render(Locale::En))
    }
}

/// Cleans one name field: NFC, no control or invisible characters, single spaces.
/// Joiners (ZWJ/ZWNJ) and variation selectors stay: emoji sequences and Persian or Indic
/// spelling depend on them.
///
/// Invisible characters go before composing: a mark they stood between ("e", U+200B, U+0301)
/// then composes with its letter ("é"), so cleaning twice gives what cleaning once gave.
pub fn clean(raw: &str) -> Option<String> {
    let mut kept = String::with_capacity(raw.len());
    let mut pending_space = false;
    for c in raw.chars() {
        if c.is_whitespace() {
            pending_space = !kept.is_empty();
            continue;
        }
        if is_dropped(c) {
            continue;
        }
        if pending_space {
            kept.push(' ');
            pending_space = false;
        }
        kept.push(c);
    }
    if kept.is_empty() {
        return None;
    }
    // Composition neither makes nor removes spaces, controls or invisible characters. Most
    // names are NFC already; the quick check spares them a second copy.
    match unicode_normalization::is_nfc_quick(kept.chars()) {
        unicode_normalization::IsNormalized::Yes => Some(kept),
        _ => Some(kept.nfc().collect()),
    }
}

fn is_dropped(c: char) -> bool {
    c.is_control()
        || matches!(
            c,
            '\u{200B}' // zero width space
            | '\u{2060}' // word joiner
            | '\u{FEFF}' // BOM / zero width no-break space
            | '\u{00AD}' // soft hyphen
            | '\u{200E}' | '\u{200F}' // LRM, RLM
            | '\u{202A}'..='\u{202E}' // bidi embeddings and overrides
            | '\u{2066}'..='\u{2069}' // bidi isolates
            | '\u{FFFD}' // replacement character left by a broken encoding
        )
}

impl NameFields {
    /// Applies the Altegio rule.
    ///
    /// Given and family in separate fields become `name` and `surname`; a whole name in one
    /// field goes into `name` unsplit; with no person name the organisation, then the
    /// nickname, stand in.
    pub fn to_client_name(&self) -> Result<ClientName, NameProblem> {
        let given = self.field(&self.given)?;
        let family = self.field(&self.family)?;
        let middle = self.field(&self.middle)?;
        if given.is_some() || family.is_some() {
            return Ok(match given {
                Some(name) => ClientName {
                    name,
                    surname: family,
                    middle_name: middle,
                },
                // Only the family field filled: it is still the only name we have. Keep it as
                // the name rather than inventing a given name.
                None => ClientName {
                    name: family.unwrap_or_default(),
                    surname: None,
                    middle_name: middle,
                },
            });
        }
        for whole in [&self.display, &self.organization, &self.nickname] {
            if let Some(name) = self.field(whole)? {
                return Ok(ClientName {
                    name,
                    surname: None,
                    middle_name: None,
                });
            }
        }
        Err(NameProblem::Missing)
    }

    fn field(&self, raw: &Option<String>) -> Result<Option<String>, NameProblem> {
        let Some(cleaned) = raw.as_deref().and_then(clean) else {
            return Ok(None);
        };
        let chars = cleaned.chars().count();
        if chars > MAX_NAME_CHARS {
            return Err(NameProblem::TooLong { chars });
        }
        Ok(Some(cleaned))
    }
}

impl ClientName {
    /// What staff see in lists. With the location's "last name hidden" setting only the
    /// first name shows; the surname is still stored and still exported.
    pub fn display_name(&self, last_name_hidden: bool) -> String {
        match (&self.surname, last_name_hidden) {
            (Some(surname), false) => format!("{} {}", self.name, surname),
            _ => self.name.clone(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn fields(given: Option<&str>, family: Option<&str>, display: Option<&str>) -> NameFields {
        NameFields {
            given: given.map(str::to_string),
            family: family.map(str::to_string),
            display: display.map(str::to_string),
            ..Default::default()
        }
    }

    #[test]
    fn separate_fields_stay_separate() {
        let mut f = fields(Some("Анна"), Some("Иванова"), Some("Анна Иванова"));
        f.middle = Some("Сергеевна".into());
        let n = f.to_client_name().unwrap();
        assert_eq!(n.name, "Анна");
        assert_eq!(n.surname.as_deref(), Some("Иванова"));
        assert_eq!(n.middle_name.as_deref(), Some("Сергеевна"));
        assert_eq!(n.display_name(false), "Анна Иванова");
        assert_eq!(n.display_name(true), "Анна");
    }

    #[test]
    fn whole_name_in_one_field_is_not_split() {
        let n = fields(None, None, Some("Иванова Анна"))
            .to_client_name()
            .unwrap();
        assert_eq!(n.name, "Иванова Анна");
        assert_eq!(n.surname, None);
        let n = fields(Some("Мария Петрова"), None, None)
            .to_client_name()
            .unwrap();
        assert_eq!(n.name, "Мария Петрова");
    }

    #[test]
    fn fallbacks_to_organisation_then_nickname_then_report() {
        let mut f = NameFields {
            organization: Some("Салон «Лаванда»".into()),
            nickname: Some("Lav".into()),
            ..Default::default()
        };
        assert_eq!(f.to_client_name().unwrap().name, "Салон «Лаванда»");
        f.organization = Some("   ".into());
        assert_eq!(f.to_client_name().unwrap().name, "Lav");
        f.nickname = None;
        assert_eq!(f.to_client_name(), Err(NameProblem::Missing));
    }

    #[test]
    fn cleaning_keeps_scripts_and_emoji_and_drops_invisible_junk() {
        assert_eq!(
            clean("  Anna\u{00A0}\t  Maria\u{200B} ").as_deref(),
            Some("Anna Maria")
        );
        assert_eq!(clean("Катя 💅").as_deref(), Some("Катя 💅"));
        assert_eq!(clean("👩\u{200D}🔬").as_deref(), Some("👩\u{200D}🔬"));
        assert_eq!(clean("Jose\u{0301}").as_deref(), Some("José"));
        assert_eq!(clean("a\u{0000}b\u{202E}c").as_deref(), Some("abc"));
        assert_eq!(clean("段小涛").as_deref(), Some("段小涛"));
        assert_eq!(clean("\u{200B}\n"), None);
    }

    #[test]
    fn a_mark_behind_a_dropped_character_composes_and_cleaning_is_idempotent() {
        // Found by the `name` fuzz target: NFC before dropping U+200B left "e\u{301}", which a
        // second cleaning composed to "é".
        for raw in [
            "e\u{200B}\u{0301}",
            "e\u{202E}\u{0301}x",
            "A\u{FEFF}\u{030A} b",
        ] {
            let once = clean(raw).unwrap();
            assert_eq!(clean(&once).as_deref(), Some(once.as_str()), "{raw:?}");
        }
        assert_eq!(clean("e\u{200B}\u{0301}").as_deref(), Some("\u{e9}"));
        assert_eq!(clean("A\u{FEFF}\u{030A} b").as_deref(), Some("\u{c5} b"));
    }

    #[test]
    fn family_only_becomes_the_name() {
        let n = fields(None, Some("Smith"), Some("Smith"))
            .to_client_name()
            .unwrap();
        assert_eq!(
            n,
            ClientName {
                name: "Smith".into(),
                surname: None,
                middle_name: None
            }
        );
    }

    #[test]
    fn overlong_name_is_reported() {
        let long = "a".repeat(MAX_NAME_CHARS + 1);
        let err = fields(Some(&long), None, None)
            .to_client_name()
            .unwrap_err();
        assert_eq!(
            err,
            NameProblem::TooLong {
                chars: MAX_NAME_CHARS + 1
            }
        );
    }
}
