//! The phonebook contact: what a shell reads from the device (or the CLI from a vCard) and
//! hands to the core. Plain owned fields so it crosses the FFI boundary as a record.

use serde::{Deserialize, Serialize};

use crate::name::NameFields;
use crate::phone::PhoneLabel;

/// One number as the phonebook stores it, before any parsing.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "uniffi", derive(uniffi::Record))]
pub struct RawPhone {
    pub number: String,
    pub label: PhoneLabel,
}

/// One device contact.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "uniffi", derive(uniffi::Record))]
pub struct PhonebookContact {
    /// The platform's id (Android contact id, iOS identifier, vCard UID); empty when unknown.
    pub platform_id: String,
    pub given_name: Option<String>,
    pub middle_name: Option<String>,
    pub family_name: Option<String>,
    /// The whole name as one string, when the phonebook has it.
    pub display_name: Option<String>,
    pub organization: Option<String>,
    pub nickname: Option<String>,
    pub phones: Vec<RawPhone>,
    pub emails: Vec<String>,
    /// The contact is in this app's own export group ("Altegio clients"): it came from the
    /// client base, so it is not suggested for import back into it.
    #[serde(default)]
    #[cfg_attr(feature = "uniffi", uniffi(default = false))]
    pub in_app_group: bool,
    /// The birthday as the phonebook gives it (`1985-03-12`, `19850312`, `--03-12`…); the
    /// core reads it with [`birthday`]. `None` when the shell does not read birthdays.
    #[serde(default)]
    #[cfg_attr(feature = "uniffi", uniffi(default = None))]
    pub birthday: Option<String>,
}

/// A birthday as a full date, `YYYY-MM-DD`, the form Altegio's `birth_date` takes. A
/// birthday without a year (phones allow it) or a placeholder year (1900, 1970, which bases
/// fill in for "unknown") is not a date a client can be given, so it reads as none.
pub fn birthday(raw: &str) -> Option<String> {
    let raw = raw.trim();
    let date = raw.split(['T', ' ']).next().unwrap_or(raw);
    let digits: String = date.chars().filter(char::is_ascii_digit).collect();
    let dashes = date.chars().filter(|c| *c == '-').count();
    let well_formed = match (digits.len(), dashes) {
        (8, 0) => date.len() == 8,
        (8, 2) => date.len() == 10 && date.as_bytes()[4] == b'-' && date.as_bytes()[7] == b'-',
        _ => false,
    };
    if !well_formed {
        return None;
    }
    let (y, m, d): (u32, u32, u32) = (
        digits[..4].parse().ok()?,
        digits[4..6].parse().ok()?,
        digits[6..].parse().ok()?,
    );
    let leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
    let days = match m {
        1 | 3 | 5 | 7 | 8 | 10 | 12 => 31,
        4 | 6 | 9 | 11 => 30,
        2 if leap => 29,
        2 => 28,
        _ => return None,
    };
    if !(1901..=2100).contains(&y) || y == 1970 || d == 0 || d > days {
        return None;
    }
    Some(format!("{y:04}-{m:02}-{d:02}"))
}

/// The title of the group this app writes exported clients into, on the phone (both shells
/// use it) and as a vCard `CATEGORIES` value, so a later import recognises its own contacts.
pub const APP_GROUP: &str = "Altegio clients";

impl PhonebookContact {
    pub fn name_fields(&self) -> NameFields {
        NameFields {
            given: self.given_name.clone(),
            middle: self.middle_name.clone(),
            family: self.family_name.clone(),
            display: self.display_name.clone(),
            organization: self.organization.clone(),
            nickname: self.nickname.clone(),
        }
    }

    /// The first plausible email, trimmed; Altegio keeps one.
    pub fn first_email(&self) -> Option<String> {
        self.emails
            .iter()
            .map(|e| e.trim())
            .find(|e| e.contains('@'))
            .map(str::to_string)
    }
}

#[cfg(test)]
mod birthday_tests {
    use super::birthday;

    #[test]
    fn birthdays_read_as_full_dates_only() {
        assert_eq!(birthday("1985-03-12").as_deref(), Some("1985-03-12"));
        assert_eq!(birthday("19850312").as_deref(), Some("1985-03-12"));
        assert_eq!(
            birthday("1985-03-12T00:00:00Z").as_deref(),
            Some("1985-03-12")
        );
        assert_eq!(birthday("2000-02-29").as_deref(), Some("2000-02-29"));
        for none in [
            "--03-12",
            "--0312",
            "1900-01-01",
            "1970-01-01",
            "1985-02-30",
            "1985-13-01",
            "1985-3-12",
            "12.03.1985",
            "",
            "1899-12-31",
            "1985/03/12",
        ] {
            assert_eq!(birthday(none), None, "{none}");
        }
    }
}
