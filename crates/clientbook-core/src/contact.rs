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
