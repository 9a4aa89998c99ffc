//! The uniffi surface of the Clientbook core: screen-shaped objects so the Android and iOS
//! shells hold no logic. Records and enums are the core's own (derived behind its `uniffi`
//! feature); this crate adds the objects, the callback traits and the one public error.
//!
//! The screens (`ImportScreen`, `ExportScreen`) are the core's own state machines; the
//! sessions are the core's sessions. This crate holds no rule: it converts, forwards and maps
//! the core's error to the one the apps branch on.
//!
//! Threads: every object is `Send + Sync`. A shell may commit on a background thread while
//! the UI thread pages through rows; the plan is behind a mutex that a commit holds only
//! for the moments it reads the selection and records the result, never while writing.

mod error;
mod logging;
mod remote;
mod screen;
mod session;

pub use error::ClientbookError;
pub use logging::{install_log_sink, remove_log_sink, LogLevel, LogSink};
pub use remote::{AltegioConnection, HttpTransport, RefreshSummary, RemoteInfo};
pub use screen::{ExportScreen, ExportScreenObserver, ImportScreen, ImportScreenObserver};
pub use session::{
    CancelHandle, ClientDatabase, ExportSession, ImportProgress, ImportSession, WrittenContact,
};

use clientbook_core::messages::{Locale, Message};
use clientbook_core::permission::{ContactsPermission, PermissionAdvice};
use clientbook_core::rights::{Action, Rights};

uniffi::setup_scaffolding!();

/// Location settings that shape what staff see.
#[derive(Debug, Clone, uniffi::Record)]
pub struct LocationSettings {
    /// ISO country code used to read numbers without a country code, e.g. "RU".
    #[uniffi(default = "RU")]
    pub region: String,
    /// The location hides the "Last Name" field; lists show first names only.
    #[uniffi(default = false)]
    pub last_name_hidden: bool,
    /// Clients per database transaction during import.
    #[uniffi(default = 500)]
    pub batch_size: u32,
    /// The location's own numbers: contacts with them are left out of "Select suggested".
    #[uniffi(default = [])]
    pub location_numbers: Vec<String>,
    /// The location's staff's numbers, likewise (Altegio's API gives none we can rely on,
    /// so the host app passes what it knows).
    #[uniffi(default = [])]
    pub staff_numbers: Vec<String>,
    /// The language of the texts the core writes (row problems, summaries): a language tag
    /// or locale name such as "ru", "ru-RU" or "en". Anything but Russian is English.
    #[uniffi(default = "en")]
    pub locale: String,
    /// Put the clients an import creates into a category: null takes the default (on for
    /// Altegio, off for the local database).
    #[uniffi(default = None)]
    pub import_category: Option<bool>,
    /// The category's title; null is "From phonebook" / "Из телефонной книги" by `locale`.
    #[uniffi(default = None)]
    pub category_title: Option<String>,
}

/// What the screen should do for this permission state, its texts in `locale` ("ru", "en").
#[uniffi::export(default(locale = "en"))]
pub fn contacts_permission_advice(state: ContactsPermission, locale: String) -> PermissionAdvice {
    state.advice_in(Locale::parse(&locale))
}

/// The text of a message the core produced (a row's reason, an error's message, a summary
/// line) in `locale`: "ru", "ru-RU", "en"… Anything but Russian is English.
#[uniffi::export]
pub fn render_message(message: Message, locale: String) -> String {
    message.render(Locale::parse(&locale))
}

/// The locale the core uses for a language tag or locale name (`Locale.getDefault()
/// .toLanguageTag()`, `Locale.current.identifier`): Russian or, for anything else, English.
#[uniffi::export]
pub fn locale_for_tag(tag: String) -> Locale {
    Locale::parse(&tag)
}

/// Checks rights for an action; the error names every missing right and where it is granted.
#[uniffi::export]
pub fn check_rights(rights: Rights, action: Action) -> Result<(), ClientbookError> {
    rights
        .check(action)
        .map_err(|m| clientbook_core::Error::MissingRights(m).into())
}

/// Reads the `clients` group of Altegio's `GET /user/permissions/{location_id}` response.
#[uniffi::export]
pub fn rights_from_permissions_json(clients_group_json: String) -> Result<Rights, ClientbookError> {
    let value: serde_json::Value =
        serde_json::from_str(&clients_group_json).map_err(|e| ClientbookError::BadInput {
            reason: format!("permissions are not valid JSON: {e}"),
        })?;
    Ok(Rights::from_permissions_json(&value))
}

/// Rights granted to nobody, and to everybody: handy defaults for a shell before sign-in.
#[uniffi::export]
pub fn no_rights() -> Rights {
    Rights::none()
}

#[uniffi::export]
pub fn full_rights() -> Rights {
    Rights::full()
}

/// Normalises one number with the location's region (for a shell writing Android's
/// `NORMALIZED_NUMBER` itself, so it does not depend on the device's country).
#[uniffi::export]
pub fn normalize_phone(
    raw: String,
    region: String,
) -> Result<clientbook_core::phone::Phone, ClientbookError> {
    let region = clientbook_core::phone::Region::parse(&region)?;
    Ok(clientbook_core::phone::normalize(
        &raw,
        clientbook_core::phone::PhoneLabel::Other,
        region,
    ))
}

/// A card of a vCard file that could not be read.
#[derive(Debug, Clone, uniffi::Record)]
pub struct CardProblem {
    /// Position of the card in the file, from 0.
    pub index: u64,
    /// Line of the problem, from 1.
    pub line: u64,
    pub reason: String,
}

/// The contacts of a vCard file (a `.vcf` shared from another phone or a messenger).
#[derive(Debug, Clone, uniffi::Record)]
pub struct VcardContents {
    pub contacts: Vec<clientbook_core::contact::PhonebookContact>,
    /// Cards that could not be read; the others are in `contacts`.
    pub problems: Vec<CardProblem>,
}

/// Reads vCard 2.1, 3.0 or 4.0. Unreadable cards are listed in `problems`; only a file
/// over 64 MB is refused as a whole.
#[uniffi::export]
pub fn read_vcard(data: Vec<u8>) -> Result<VcardContents, ClientbookError> {
    clientbook_core::vcard::check_size(data.len() as u64)?;
    let parsed = clientbook_core::vcard::parse(&data);
    Ok(VcardContents {
        contacts: parsed.cards.into_iter().map(|c| c.contact).collect(),
        problems: parsed
            .errors
            .into_iter()
            .map(|e| CardProblem {
                index: e.index as u64,
                line: e.line as u64,
                reason: e.reason,
            })
            .collect(),
    })
}

/// Writes contacts as vCard 3.0, for sharing as a file.
#[uniffi::export]
pub fn write_vcard(contacts: Vec<clientbook_core::contact::PhonebookContact>) -> String {
    clientbook_core::vcard::write(&contacts)
}
