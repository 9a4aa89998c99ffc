//! Messages for staff, in their language: every reason, refusal, error and summary line the
//! core produces, as a [`Message`] (a code with arguments a screen can branch on) that
//! [`Message::render`] turns into text in a [`Locale`].
//!
//! The texts live in one Project Fluent catalogue per language (`locales/{en,ru}/
//! clientbook.ftl`, compiled into the library), so Android, iOS and the command line say the
//! same thing. Russian and English are complete; English is the fallback for any other
//! language and for a message a catalogue could not render. Fluent picks plural forms by the
//! language's CLDR rules (1 контакт, 2 контакта, 5 контактов, 21 контакт).
//!
//! The catalogues are parsed once, on first use, into bundles shared by every thread; a
//! render is a lookup and a format, cheap enough for a 50,000-row preview (see the `import`
//! bench). Fluent's Unicode isolation marks are off: the texts are shown in left-to-right
//! languages and must not carry invisible characters into copy-paste, tests or logs.
//!
//! Messages may carry what a screen shows (a raw number, a contact's name): they are for the
//! screen and never for logs.

use std::borrow::Cow;
use std::sync::OnceLock;

use fluent_bundle::concurrent::FluentBundle;
use fluent_bundle::memoizer::MemoizerKind;
use fluent_bundle::{FluentArgs, FluentResource, FluentValue};
use serde::{Deserialize, Serialize};

use crate::permission::PermissionAction;
use crate::rights::{Action, Right};

/// A language the core writes its messages in.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[cfg_attr(feature = "uniffi", derive(uniffi::Enum))]
pub enum Locale {
    /// English, also the fallback for every language without a catalogue.
    #[default]
    En,
    Ru,
}

impl Locale {
    pub const ALL: [Locale; 2] = [Locale::En, Locale::Ru];

    /// Reads a language tag or a POSIX locale name: `"ru"`, `"ru-RU"`, `"ru_RU.UTF-8"`,
    /// `"RU"`, `"en"`, `"en_GB@euro"`. Never fails: anything else (including `""`, `"C"` and
    /// `"POSIX"`) is English.
    pub fn parse(tag: &str) -> Locale {
        let language = tag.trim().split(['-', '_', '.', '@']).next().unwrap_or("");
        if language.eq_ignore_ascii_case("ru") {
            Locale::Ru
        } else {
            Locale::En
        }
    }

    /// The locale of a POSIX environment: the first set and non-empty of `LC_ALL`,
    /// `LC_MESSAGES` and `LANG`, in that order (as `setlocale` reads them for messages).
    pub fn from_environment(
        lc_all: Option<&str>,
        lc_messages: Option<&str>,
        lang: Option<&str>,
    ) -> Locale {
        [lc_all, lc_messages, lang]
            .into_iter()
            .flatten()
            .find(|v| !v.trim().is_empty())
            .map_or(Locale::En, Locale::parse)
    }

    /// The BCP 47 language tag: `"en"` or `"ru"`.
    pub fn tag(self) -> &'static str {
        match self {
            Locale::En => "en",
            Locale::Ru => "ru",
        }
    }
}

impl std::fmt::Display for Locale {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.tag())
    }
}

/// Why one phone number was rejected.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[cfg_attr(feature = "uniffi", derive(uniffi::Enum))]
pub enum PhoneProblem {
    /// Letters or punctuation only.
    NoDigits,
    /// The phone-number library could not read it as a number at all.
    NotANumber,
    TooShort,
    TooLong,
    UnknownCountryCode,
    /// The right length, but no such number exists in its country's numbering plan.
    InvalidForCountry,
    /// A service's short number (a bank's SMS number such as `900`, a carrier's `0611`):
    /// not a person's phone, and too short to be a client's (Altegio takes 9 to 15 digits).
    /// See `phone::is_short_code`.
    ShortCode,
}

/// One number of a contact none of whose numbers is valid.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "uniffi", derive(uniffi::Record))]
pub struct InvalidNumber {
    /// As written in the phonebook (shown to staff, never logged).
    pub raw: String,
    pub problem: PhoneProblem,
}

/// Everything the core tells staff, as a code with its arguments. A screen branches on the
/// variant (an icon, a button, its own wording) or shows [`Message::render`]'s text.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "code", rename_all = "snake_case")]
#[cfg_attr(feature = "uniffi", derive(uniffi::Enum))]
pub enum Message {
    // --- Why a preview row cannot be imported as it is (`PreviewRow::reason`).
    /// One of the contact's numbers belongs to this client.
    AlreadyClient {
        client_id: i64,
    },
    /// An earlier contact (position `earlier`, shown as `earlier_name`) has the same number.
    DuplicateInPhonebook {
        earlier: u64,
        earlier_name: String,
    },
    /// Several different numbers: the default is chosen, staff should confirm.
    /// On Altegio: the same number as an earlier contact once the extension is dropped.
    SameNumberWithoutExtension {
        earlier: u64,
        earlier_name: String,
    },
    /// On Altegio: the chosen number's extension is not stored; it goes into the comment.
    ExtensionNotStored {
        extension: String,
    },
    NeedsChoice {
        numbers: u64,
    },
    NoPhone,
    /// Every number is invalid; each with its reason.
    InvalidPhone {
        numbers: Vec<InvalidNumber>,
    },
    NoName,
    NameTooLong {
        chars: u64,
        max: u64,
    },

    // --- One number (`Phone::problem_code`).
    NumberProblem {
        problem: PhoneProblem,
    },

    // --- Rights and the device permission.
    /// The user lacks `rights` for `action`; says where an administrator grants them.
    MissingRights {
        action: Action,
        rights: Vec<Right>,
    },
    /// A right's title as the web settings page shows it.
    RightTitle {
        right: Right,
    },
    PermissionTitle {
        action: PermissionAction,
    },
    PermissionExplanation {
        action: PermissionAction,
    },
    PermissionButton {
        action: PermissionAction,
    },

    // --- Why an operation stopped (`Error::message`).
    SignInRequired,
    RightsChanged,
    LicenceExpired,
    NetworkUnavailable,
    NotFound,
    ServerRefused {
        status: u16,
    },
    ServerProtocol,
    OutcomeUnknown,
    StorageNewerVersion,
    StorageDamaged,
    StorageBusy,
    StorageReadOnly,
    StorageFailed,
    PhonebookUnreadable,
    Cancelled,
    Internal,

    // --- Summary and progress lines.
    /// "5 contacts".
    ContactCount {
        count: u64,
    },
    /// "1,204 contacts · 312 already clients".
    ImportSummary {
        contacts: u64,
        already_clients: u64,
    },
    /// "38 selected of 1,204".
    SelectedOf {
        selected: u64,
        total: u64,
    },
    /// "Reading contacts… 1,200".
    ReadingContacts {
        done: u64,
    },
    /// "Loading the client base… 4,000".
    RefreshingClients {
        done: u64,
    },
    /// "Matching with the client base… 40%".
    Matching {
        percent: u8,
    },
    /// "Imported 200 of 1,204".
    Importing {
        done: u64,
        total: u64,
    },
    /// "200 clients created · 3 already in the base · 5 skipped".
    ImportResult {
        created: u64,
        already_there: u64,
        skipped: u64,
    },
    EmptyPhonebook,
    /// "1,204 clients · 312 already on the phone".
    ExportSummary {
        clients: u64,
        on_phone: u64,
    },
    /// "Saved 200 of 1,204 to the phonebook".
    Writing {
        done: u64,
        total: u64,
    },
    /// "Written 5 contacts into group “Clients”".
    Written {
        contacts: u64,
        group: String,
    },
    EmptyClientBase,
    /// Loading (reading or matching) was cancelled by the user.
    LoadingCancelled,
    /// iOS limited access with nothing shared.
    EmptyLimited,
    /// The phonebook refused a batch of an export.
    PhonebookRefused,
    /// Why "Select suggested" leaves a contact out.
    NotSuggested {
        why: crate::import::NotSuggested,
    },
    /// The confirmation before undoing an import.
    UndoConfirm {
        count: u64,
    },
    /// What an undo did.
    UndoDone {
        deleted: u64,
        kept: u64,
    },
    /// The offer on a row: fill in the client's missing email.
    FillInEmail {
        email: String,
    },
    /// The offer on a row: fill in the client's missing birthday (as `birthday_for_staff`).
    FillInBirthday {
        birthday: String,
    },
    /// The offer on a row: fill in both.
    FillInBoth {
        email: String,
        birthday: String,
    },
    /// The export screen's reason to ask for contacts access (the import one is the
    /// permission advice's own).
    ExportNeedsContacts,
    /// The title of the category an import puts its clients in, unless the caller names one.
    DefaultCategory,
    /// An undo cancelled (or cut off) partway: what it deleted so far.
    UndoStopped {
        deleted: u64,
    },
}

/// A `YYYY-MM-DD` birthday as staff read it: `12.03.1985` in Russian, `12 Mar 1985` in
/// English. Anything else is shown as it is.
pub fn birthday_for_staff(iso: &str, locale: Locale) -> String {
    let parts: Vec<&str> = iso.split('-').collect();
    let [y, m, d] = parts[..] else {
        return iso.to_string();
    };
    const MONTHS: [&str; 12] = [
        "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
    ];
    match locale {
        Locale::Ru => format!("{d}.{m}.{y}"),
        Locale::En => match m
            .parse::<usize>()
            .ok()
            .and_then(|m| MONTHS.get(m.wrapping_sub(1)))
        {
            Some(month) => format!("{} {month} {y}", d.trim_start_matches('0')),
            None => iso.to_string(),
        },
    }
}

impl Message {
    /// The text in `locale`, falling back to English.
    pub fn render(&self, locale: Locale) -> String {
        use Message as M;
        let f = |id: &str, args: &[(&'static str, FluentValue<'_>)]| format(locale, id, args);
        match self {
            M::AlreadyClient { client_id } => f(
                "row-already-client",
                &[("client_id", client_id.to_string().into())],
            ),
            M::DuplicateInPhonebook { earlier_name, .. } => f(
                "row-duplicate",
                &[("earlier_name", earlier_name.as_str().into())],
            ),
            M::SameNumberWithoutExtension { earlier_name, .. } => f(
                "row-same-without-extension",
                &[("earlier_name", earlier_name.as_str().into())],
            ),
            M::ExtensionNotStored { extension } => f(
                "row-extension-not-stored",
                &[("extension", extension.as_str().into())],
            ),
            M::NeedsChoice { numbers } => f("row-needs-choice", &[("count", (*numbers).into())]),
            M::NoPhone => f("row-no-phone", &[]),
            M::InvalidPhone { numbers } => {
                let separator = f("row-invalid-separator", &[]);
                let entries: Vec<String> = numbers
                    .iter()
                    .map(|n| {
                        let raw = match n.raw.trim() {
                            "" => f("row-empty-number", &[]),
                            raw => raw.to_string(),
                        };
                        let problem = phone_problem(locale, n.problem);
                        f(
                            "row-invalid-number",
                            &[("raw", raw.into()), ("problem", problem.into())],
                        )
                    })
                    .collect();
                entries.join(&separator)
            }
            M::NoName => f("row-no-name", &[]),
            M::NameTooLong { chars, max } => f(
                "row-name-too-long",
                &[("chars", (*chars).into()), ("max", (*max).into())],
            ),
            M::NumberProblem { problem } => phone_problem(locale, *problem),
            M::MissingRights { action, rights } => {
                let separator = f("right-separator", &[]);
                let titles: Vec<String> = rights
                    .iter()
                    .map(|r| f("right-quoted", &[("title", right_title(locale, *r).into())]))
                    .collect();
                let action = match action {
                    Action::Import => "import",
                    Action::Export => "export",
                    Action::Undo => "undo",
                };
                f(
                    "rights-missing",
                    &[
                        ("action", action.into()),
                        ("count", (rights.len() as u64).into()),
                        ("rights", titles.join(&separator).into()),
                    ],
                )
            }
            M::RightTitle { right } => right_title(locale, *right),
            M::PermissionTitle { action } => f(&format!("{}-title", permission_id(*action)), &[]),
            M::PermissionExplanation { action } => f(permission_id(*action), &[]),
            M::PermissionButton { action } => f(&format!("{}-button", permission_id(*action)), &[]),
            M::SignInRequired => f("error-sign-in", &[]),
            M::RightsChanged => f("error-rights-changed", &[]),
            M::LicenceExpired => f("error-licence", &[]),
            M::NetworkUnavailable => f("error-network", &[]),
            M::NotFound => f("error-not-found", &[]),
            // A status code is a code, not a quantity: never grouped.
            M::ServerRefused { status } => f(
                "error-server-refused",
                &[("status", status.to_string().into())],
            ),
            M::ServerProtocol => f("error-server-protocol", &[]),
            M::OutcomeUnknown => f("error-outcome-unknown", &[]),
            M::StorageNewerVersion => f("error-storage-newer", &[]),
            M::StorageDamaged => f("error-storage-damaged", &[]),
            M::StorageBusy => f("error-storage-busy", &[]),
            M::StorageReadOnly => f("error-storage-read-only", &[]),
            M::StorageFailed => f("error-storage", &[]),
            M::PhonebookUnreadable => f("error-phonebook", &[]),
            M::Cancelled => f("error-cancelled", &[]),
            M::Internal => f("error-internal", &[]),
            M::ContactCount { count } => f("contacts-count", &[("count", (*count).into())]),
            M::ImportSummary {
                contacts,
                already_clients,
            } => f(
                "import-summary",
                &[
                    ("contacts", (*contacts).into()),
                    ("already_clients", (*already_clients).into()),
                ],
            ),
            M::SelectedOf { selected, total } => f(
                "selected-of",
                &[("selected", (*selected).into()), ("total", (*total).into())],
            ),
            M::ReadingContacts { done } => f("reading-contacts", &[("done", (*done).into())]),
            M::RefreshingClients { done } => f("refreshing-clients", &[("done", (*done).into())]),
            M::Matching { percent } => f("matching", &[("percent", (*percent).into())]),
            M::Importing { done, total } => f(
                "import-progress",
                &[("done", (*done).into()), ("total", (*total).into())],
            ),
            M::ImportResult {
                created,
                already_there,
                skipped,
            } => f(
                "import-result",
                &[
                    ("created", (*created).into()),
                    ("already_there", (*already_there).into()),
                    ("skipped", (*skipped).into()),
                ],
            ),
            M::EmptyPhonebook => f("empty-phonebook", &[]),
            M::ExportSummary { clients, on_phone } => f(
                "export-summary",
                &[
                    ("clients", (*clients).into()),
                    ("on_phone", (*on_phone).into()),
                ],
            ),
            M::Writing { done, total } => f(
                "export-progress",
                &[("done", (*done).into()), ("total", (*total).into())],
            ),
            M::Written { contacts, group } => f(
                "export-written",
                &[
                    ("count", (*contacts).into()),
                    ("group", group.as_str().into()),
                ],
            ),
            M::EmptyClientBase => f("empty-client-base", &[]),
            M::LoadingCancelled => f("loading-cancelled", &[]),
            M::EmptyLimited => f("empty-limited", &[]),
            M::PhonebookRefused => f("phonebook-refused", &[]),
            M::NotSuggested { why } => {
                use crate::import::NotSuggested as N;
                use crate::phone::ServiceKind as K;
                match why {
                    N::ServiceNumber { kind } => {
                        let kind = match kind {
                            K::TollFree => "toll_free",
                            K::PremiumRate => "premium_rate",
                            K::SharedCost => "shared_cost",
                            K::Voicemail => "voicemail",
                            K::UniversalAccess => "universal_access",
                        };
                        f("not-suggested-service", &[("kind", kind.into())])
                    }
                    N::LocationNumber => f("not-suggested-location", &[]),
                    N::StaffNumber => f("not-suggested-staff", &[]),
                    N::FromAppGroup => f("not-suggested-from-app", &[]),
                }
            }
            M::UndoConfirm { count } => f("undo-confirm", &[("count", (*count).into())]),
            M::UndoDone { deleted, kept } => f(
                "undo-done",
                &[("deleted", (*deleted).into()), ("kept", (*kept).into())],
            ),
            M::FillInEmail { email } => f("fill-in-email", &[("email", email.as_str().into())]),
            M::FillInBirthday { birthday } => f(
                "fill-in-birthday",
                &[("birthday", birthday.as_str().into())],
            ),
            M::FillInBoth { email, birthday } => f(
                "fill-in-both",
                &[
                    ("email", email.as_str().into()),
                    ("birthday", birthday.as_str().into()),
                ],
            ),
            M::DefaultCategory => f("default-category", &[]),
            M::UndoStopped { deleted } => f("undo-stopped", &[("deleted", (*deleted).into())]),
            M::ExportNeedsContacts => f("export-needs-contacts", &[]),
        }
    }
}

fn phone_problem(locale: Locale, problem: PhoneProblem) -> String {
    let id = match problem {
        PhoneProblem::NoDigits => "number-no-digits",
        PhoneProblem::NotANumber => "number-not-a-number",
        PhoneProblem::TooShort => "number-too-short",
        PhoneProblem::TooLong => "number-too-long",
        PhoneProblem::UnknownCountryCode => "number-unknown-country",
        PhoneProblem::InvalidForCountry => "number-invalid-for-country",
        PhoneProblem::ShortCode => "number-short-code",
    };
    format(locale, id, &[])
}

fn right_title(locale: Locale, right: Right) -> String {
    let id = match right {
        Right::ClientDatabaseAccess => "right-client-database-access",
        Right::ShowPhonesAndEmails => "right-show-phones-and-emails",
        Right::DownloadClientList => "right-download-client-list",
        Right::ShowClientsOfAllEmployees => "right-show-clients-of-all-employees",
        Right::DeleteClients => "right-delete-clients",
    };
    format(locale, id, &[])
}

fn permission_id(action: PermissionAction) -> &'static str {
    match action {
        PermissionAction::Proceed => "permission-proceed",
        PermissionAction::ProceedLimited => "permission-limited",
        PermissionAction::RequestPermission => "permission-request",
        PermissionAction::OpenSettings => "permission-settings",
        PermissionAction::Unavailable => "permission-unavailable",
    }
}

type Bundle = FluentBundle<FluentResource>;

/// The catalogues' sources, in [`Locale::ALL`] order.
const SOURCES: [(Locale, &str); 2] = [
    (Locale::En, include_str!("../locales/en/clientbook.ftl")),
    (Locale::Ru, include_str!("../locales/ru/clientbook.ftl")),
];

struct Catalogue {
    en: Bundle,
    ru: Bundle,
}

fn catalogue() -> &'static Catalogue {
    static CATALOGUE: OnceLock<Catalogue> = OnceLock::new();
    CATALOGUE.get_or_init(|| Catalogue {
        en: bundle(Locale::En),
        ru: bundle(Locale::Ru),
    })
}

/// Builds one locale's bundle. A syntax error in a catalogue drops only the broken entry
/// (Fluent keeps the rest), and the test of every message in every locale fails on it.
fn bundle(locale: Locale) -> Bundle {
    let source = SOURCES
        .iter()
        .find(|(l, _)| *l == locale)
        .map_or("", |(_, s)| s);
    let resource = FluentResource::try_new(source.to_string()).unwrap_or_else(|(r, _)| r);
    let language = locale.tag().parse().unwrap_or_default();
    let mut bundle = Bundle::new_concurrent(vec![language]);
    bundle.set_use_isolating(false);
    bundle.set_formatter(Some(match locale {
        Locale::En => format_en,
        Locale::Ru => format_ru,
    }));
    // Duplicate ids keep the first; the catalogue test rejects duplicates anyway.
    let _ = bundle.add_resource(resource);
    bundle
}

impl Catalogue {
    fn get(&self, locale: Locale) -> &Bundle {
        match locale {
            Locale::En => &self.en,
            Locale::Ru => &self.ru,
        }
    }
}

/// Formats message `id` in `locale`; a message missing there, or one that formats with an
/// error, comes from the English catalogue instead.
fn format(locale: Locale, id: &str, args: &[(&'static str, FluentValue<'_>)]) -> String {
    match try_format(locale, id, args) {
        Ok(text) => text,
        Err(_) if locale != Locale::En => format(Locale::En, id, args),
        // Only a broken English catalogue gets here, which the tests rule out: show the id
        // rather than nothing.
        Err(_) => id.to_string(),
    }
}

/// Formats without fallback; `Err` says what was wrong (for the catalogue tests).
fn try_format(
    locale: Locale,
    id: &str,
    args: &[(&'static str, FluentValue<'_>)],
) -> Result<String, String> {
    #[cfg(test)]
    tests::USED.with(|u| u.borrow_mut().insert(id.to_string()));
    let bundle = catalogue().get(locale);
    let pattern = bundle
        .get_message(id)
        .and_then(|m| m.value())
        .ok_or_else(|| format!("{locale}: no message {id}"))?;
    let mut errors = Vec::new();
    let text = if args.is_empty() {
        bundle.format_pattern(pattern, None, &mut errors)
    } else {
        let mut fluent_args = FluentArgs::with_capacity(args.len());
        for (name, value) in args {
            fluent_args.set(*name, value.clone());
        }
        // The text borrows the arguments: own it before they go.
        Cow::Owned(
            bundle
                .format_pattern(pattern, Some(&fluent_args), &mut errors)
                .into_owned(),
        )
    };
    if errors.is_empty() {
        Ok(text.into_owned())
    } else {
        Err(format!("{locale}: {id}: {errors:?}"))
    }
}

fn format_en<M: MemoizerKind>(value: &FluentValue, _: &M) -> Option<String> {
    group_thousands(value, ",")
}

/// Russian groups thousands with a no-break space (CLDR), so "1 204" never wraps.
fn format_ru<M: MemoizerKind>(value: &FluentValue, _: &M) -> Option<String> {
    group_thousands(value, "\u{a0}")
}

/// Whole numbers from 1,000 up with their thousands grouped; anything else is left to
/// Fluent's own formatting.
fn group_thousands(value: &FluentValue, separator: &str) -> Option<String> {
    let FluentValue::Number(n) = value else {
        return None;
    };
    // Counts are below 2^53, where an f64 holds every whole number exactly.
    if n.value.fract() != 0.0 || n.value.abs() < 1000.0 || n.value.abs() >= 9.0e15 {
        return None;
    }
    let digits = (n.value.abs() as u64).to_string();
    let mut out = String::with_capacity(digits.len() + digits.len() / 3 * separator.len() + 1);
    if n.value < 0.0 {
        out.push('-');
    }
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push_str(separator);
        }
        out.push(c);
    }
    Some(out)
}

#[cfg(test)]
mod tests {
    use std::collections::{BTreeMap, BTreeSet};

    use fluent_syntax::ast;

    use super::*;

    thread_local! {
        /// The ids this thread formatted, to find catalogue entries no message reaches.
        pub(super) static USED: std::cell::RefCell<BTreeSet<String>> =
            const { std::cell::RefCell::new(BTreeSet::new()) };
    }

    fn used_ids() -> BTreeSet<String> {
        USED.with(|u| u.borrow().clone())
    }

    /// One of every message, with arguments that reach every branch of their texts.
    fn samples() -> Vec<Message> {
        use Message as M;
        let mut all = vec![
            M::AlreadyClient { client_id: 10420 },
            M::DuplicateInPhonebook {
                earlier: 3,
                earlier_name: "Anna".into(),
            },
            M::SameNumberWithoutExtension {
                earlier: 3,
                earlier_name: "Anna".into(),
            },
            M::ExtensionNotStored {
                extension: "123".into(),
            },
            M::NeedsChoice { numbers: 2 },
            M::NeedsChoice { numbers: 5 },
            M::NoPhone,
            M::InvalidPhone {
                numbers: vec![
                    InvalidNumber {
                        raw: "123".into(),
                        problem: PhoneProblem::TooShort,
                    },
                    InvalidNumber {
                        raw: " ".into(),
                        problem: PhoneProblem::NoDigits,
                    },
                ],
            },
            M::NoName,
            M::NameTooLong {
                chars: 1001,
                max: 1000,
            },
            M::MissingRights {
                action: Action::Import,
                rights: vec![Right::ClientDatabaseAccess],
            },
            M::MissingRights {
                action: Action::Export,
                rights: vec![
                    Right::ShowPhonesAndEmails,
                    Right::DownloadClientList,
                    Right::ShowClientsOfAllEmployees,
                ],
            },
            M::MissingRights {
                action: Action::Undo,
                rights: vec![Right::DeleteClients],
            },
            M::SignInRequired,
            M::RightsChanged,
            M::LicenceExpired,
            M::NetworkUnavailable,
            M::NotFound,
            M::ServerRefused { status: 400 },
            M::ServerProtocol,
            M::OutcomeUnknown,
            M::StorageNewerVersion,
            M::StorageDamaged,
            M::StorageBusy,
            M::StorageReadOnly,
            M::StorageFailed,
            M::PhonebookUnreadable,
            M::Cancelled,
            M::Internal,
            M::ContactCount { count: 1 },
            M::ContactCount { count: 1204 },
            M::ImportSummary {
                contacts: 1204,
                already_clients: 312,
            },
            M::ImportSummary {
                contacts: 1,
                already_clients: 1,
            },
            M::SelectedOf {
                selected: 38,
                total: 1204,
            },
            M::ReadingContacts { done: 1200 },
            M::RefreshingClients { done: 4000 },
            M::Matching { percent: 40 },
            M::Importing {
                done: 200,
                total: 1204,
            },
            M::ImportResult {
                created: 1,
                already_there: 3,
                skipped: 5,
            },
            M::ImportResult {
                created: 200,
                already_there: 0,
                skipped: 0,
            },
            M::EmptyPhonebook,
            M::ExportSummary {
                clients: 1,
                on_phone: 0,
            },
            M::ExportSummary {
                clients: 1204,
                on_phone: 312,
            },
            M::Writing {
                done: 200,
                total: 1204,
            },
            M::Written {
                contacts: 1,
                group: "Clients".into(),
            },
            M::Written {
                contacts: 5,
                group: "Clients".into(),
            },
            M::EmptyClientBase,
            M::LoadingCancelled,
            M::EmptyLimited,
            M::PhonebookRefused,
            M::NotSuggested {
                why: crate::import::NotSuggested::LocationNumber,
            },
            M::NotSuggested {
                why: crate::import::NotSuggested::StaffNumber,
            },
            M::NotSuggested {
                why: crate::import::NotSuggested::FromAppGroup,
            },
            M::UndoConfirm { count: 1 },
            M::UndoConfirm { count: 3 },
            M::UndoConfirm { count: 25 },
            M::UndoDone {
                deleted: 21,
                kept: 1,
            },
            M::FillInEmail {
                email: "anna@example.com".into(),
            },
            M::ExportNeedsContacts,
            M::DefaultCategory,
            M::FillInBirthday {
                birthday: "12.03.1985".into(),
            },
            M::FillInBoth {
                email: "anna@example.com".into(),
                birthday: "12 Mar 1985".into(),
            },
            M::UndoStopped { deleted: 1 },
            M::UndoStopped { deleted: 3 },
            M::UndoStopped { deleted: 25 },
        ];
        for kind in [
            crate::phone::ServiceKind::TollFree,
            crate::phone::ServiceKind::PremiumRate,
            crate::phone::ServiceKind::SharedCost,
            crate::phone::ServiceKind::Voicemail,
            crate::phone::ServiceKind::UniversalAccess,
        ] {
            all.push(M::NotSuggested {
                why: crate::import::NotSuggested::ServiceNumber { kind },
            });
        }
        for problem in [
            PhoneProblem::NoDigits,
            PhoneProblem::NotANumber,
            PhoneProblem::TooShort,
            PhoneProblem::TooLong,
            PhoneProblem::UnknownCountryCode,
            PhoneProblem::InvalidForCountry,
            PhoneProblem::ShortCode,
        ] {
            all.push(M::NumberProblem { problem });
        }
        for action in [
            PermissionAction::Proceed,
            PermissionAction::ProceedLimited,
            PermissionAction::RequestPermission,
            PermissionAction::OpenSettings,
            PermissionAction::Unavailable,
        ] {
            all.push(M::PermissionTitle { action });
            all.push(M::PermissionExplanation { action });
            all.push(M::PermissionButton { action });
        }
        for right in [
            Right::ClientDatabaseAccess,
            Right::ShowPhonesAndEmails,
            Right::DownloadClientList,
            Right::ShowClientsOfAllEmployees,
            Right::DeleteClients,
        ] {
            all.push(M::RightTitle { right });
        }
        all
    }

    /// Every message id of a catalogue with the variables its value uses.
    fn variables(source: &str) -> BTreeMap<String, BTreeSet<String>> {
        fn pattern(p: &ast::Pattern<&str>, out: &mut BTreeSet<String>) {
            for element in &p.elements {
                if let ast::PatternElement::Placeable { expression } = element {
                    expr(expression, out);
                }
            }
        }
        fn expr(e: &ast::Expression<&str>, out: &mut BTreeSet<String>) {
            match e {
                ast::Expression::Select { selector, variants } => {
                    inline(selector, out);
                    for v in variants {
                        pattern(&v.value, out);
                    }
                }
                ast::Expression::Inline(i) => inline(i, out),
            }
        }
        fn inline(i: &ast::InlineExpression<&str>, out: &mut BTreeSet<String>) {
            match i {
                ast::InlineExpression::VariableReference { id } => {
                    out.insert(id.name.to_string());
                }
                ast::InlineExpression::Placeable { expression } => expr(expression, out),
                ast::InlineExpression::FunctionReference { arguments, .. }
                | ast::InlineExpression::TermReference {
                    arguments: Some(arguments),
                    ..
                } => {
                    for a in &arguments.positional {
                        inline(a, out);
                    }
                    for a in &arguments.named {
                        inline(&a.value, out);
                    }
                }
                _ => {}
            }
        }
        let resource = fluent_syntax::parser::parse(source)
            .unwrap_or_else(|(_, errors)| panic!("catalogue does not parse: {errors:?}"));
        let mut ids = BTreeMap::new();
        for entry in resource.body {
            match entry {
                ast::Entry::Message(m) => {
                    let mut vars = BTreeSet::new();
                    let value = m
                        .value
                        .unwrap_or_else(|| panic!("{} has no value", m.id.name));
                    pattern(&value, &mut vars);
                    assert!(
                        ids.insert(m.id.name.to_string(), vars).is_none(),
                        "{} defined twice",
                        m.id.name
                    );
                }
                ast::Entry::Comment(_)
                | ast::Entry::GroupComment(_)
                | ast::Entry::ResourceComment(_) => {}
                other => panic!("unexpected entry {other:?}"),
            }
        }
        ids
    }

    #[test]
    fn every_message_in_every_locale_with_the_same_variables() {
        let english = variables(SOURCES[0].1);
        assert!(english.len() > 60, "{}", english.len());
        for (locale, source) in SOURCES {
            assert_eq!(variables(source), english, "{locale} differs from English");
        }
    }

    #[test]
    fn every_message_renders_in_every_locale_without_fallback() {
        // Records which ids the samples use, so a catalogue entry no code reaches shows up.
        let english: BTreeSet<String> = variables(SOURCES[0].1).into_keys().collect();
        for message in samples() {
            for locale in Locale::ALL {
                let text = message.render(locale);
                assert!(!text.is_empty(), "{message:?} in {locale}");
                for c in text.chars() {
                    assert!(
                        !matches!(c, '\u{2066}'..='\u{2069}' | '\u{200b}'..='\u{200f}'),
                        "invisible {c:?} in {text:?}"
                    );
                }
                assert!(!text.contains('{') && !text.contains('$'), "{text}");
            }
        }
        for id in &english {
            for locale in Locale::ALL {
                // Formats with every variable any message uses, so only a missing message
                // or a broken one fails here.
                let args: Vec<(&'static str, FluentValue)> = [
                    "client_id",
                    "earlier_name",
                    "count",
                    "chars",
                    "max",
                    "raw",
                    "problem",
                    "title",
                    "action",
                    "rights",
                    "status",
                    "contacts",
                    "already_clients",
                    "selected",
                    "total",
                    "done",
                    "percent",
                    "created",
                    "already_there",
                    "skipped",
                    "clients",
                    "on_phone",
                    "group",
                    "email",
                    "kind",
                    "deleted",
                    "kept",
                    "birthday",
                    "extension",
                ]
                .into_iter()
                .map(|n| (n, FluentValue::from(2u64)))
                .collect();
                try_format(locale, id, &args).unwrap_or_else(|e| panic!("{e}"));
            }
        }
        // Only the samples' renders count as use.
        USED.with(|u| u.borrow_mut().clear());
        for message in samples() {
            for locale in Locale::ALL {
                message.render(locale);
            }
        }
        assert_eq!(
            used_ids(),
            english,
            "every catalogue entry is reached by some message, and only those"
        );
    }

    #[test]
    fn russian_plurals() {
        let ru = |count| Message::ContactCount { count }.render(Locale::Ru);
        assert_eq!(ru(1), "1 контакт");
        assert_eq!(ru(2), "2 контакта");
        assert_eq!(ru(4), "4 контакта");
        assert_eq!(ru(5), "5 контактов");
        assert_eq!(ru(11), "11 контактов");
        assert_eq!(ru(12), "12 контактов");
        assert_eq!(ru(21), "21 контакт");
        assert_eq!(ru(22), "22 контакта");
        assert_eq!(ru(111), "111 контактов");
        assert_eq!(ru(1204), "1\u{a0}204 контакта");
        assert_eq!(ru(0), "0 контактов");
        let en = |count| Message::ContactCount { count }.render(Locale::En);
        assert_eq!(en(1), "1 contact");
        assert_eq!(en(21), "21 contacts");
        assert_eq!(en(1204), "1,204 contacts");
        assert_eq!(
            Message::Written {
                contacts: 21,
                group: "Клиенты".into()
            }
            .render(Locale::Ru),
            "Записан 21 контакт в группу «Клиенты»"
        );
        assert_eq!(
            Message::Written {
                contacts: 5,
                group: "Клиенты".into()
            }
            .render(Locale::Ru),
            "Записано 5 контактов в группу «Клиенты»"
        );
    }

    #[test]
    fn screen_lines_in_both_languages() {
        let summary = Message::ImportSummary {
            contacts: 1204,
            already_clients: 312,
        };
        assert_eq!(
            summary.render(Locale::En),
            "1,204 contacts · 312 already clients"
        );
        assert_eq!(
            summary.render(Locale::Ru),
            "1\u{a0}204 контакта · 312 уже в базе клиентов"
        );
        let matching = Message::Matching { percent: 40 };
        assert_eq!(
            matching.render(Locale::En),
            "Matching with the client base… 40%"
        );
        assert_eq!(matching.render(Locale::Ru), "Сверка с базой клиентов… 40%");
        assert_eq!(
            Message::Importing {
                done: 200,
                total: 1204
            }
            .render(Locale::En),
            "Imported 200 of 1,204"
        );
        assert_eq!(
            Message::AlreadyClient { client_id: 10420 }.render(Locale::En),
            "its number already belongs to client #10420",
            "ids are not grouped like counts"
        );
        assert_eq!(
            Message::ServerRefused { status: 1000 }.render(Locale::Ru),
            "База клиентов отклонила запрос (код 1000)."
        );
        let rights = Message::MissingRights {
            action: Action::Export,
            rights: vec![Right::DownloadClientList, Right::ShowClientsOfAllEmployees],
        };
        assert_eq!(
            rights.render(Locale::En),
            "You cannot save clients to the phonebook: your user is missing the rights \
             \"Download a list of clients in Excel\", \"Show clients of all employees\". An \
             administrator can grant them in the web version under Settings > System \
             settings > Users."
        );
        assert_eq!(
            rights.render(Locale::Ru),
            "Нельзя сохранить клиентов в телефонную книгу: у вашего пользователя нет прав \
             «Выгружать список клиентов в Excel», «Показывать клиентов всех сотрудников». \
             Администратор может выдать их в веб-версии: Настройки > Системные настройки > \
             Пользователи."
        );
    }

    #[test]
    fn locale_from_tags_and_environment() {
        for tag in ["ru", "ru-RU", "ru_RU.UTF-8", "RU", "ru_UA@euro", " ru "] {
            assert_eq!(Locale::parse(tag), Locale::Ru, "{tag}");
        }
        for tag in [
            "en",
            "en-GB",
            "en_US.UTF-8",
            "",
            "C",
            "POSIX",
            "de_DE",
            "rus",
            "r",
        ] {
            assert_eq!(Locale::parse(tag), Locale::En, "{tag}");
        }
        assert_eq!(
            Locale::from_environment(None, Some("ru_RU.UTF-8"), Some("en_US.UTF-8")),
            Locale::Ru
        );
        assert_eq!(
            Locale::from_environment(Some("en_US.UTF-8"), Some("ru_RU"), Some("ru_RU")),
            Locale::En
        );
        assert_eq!(
            Locale::from_environment(Some(""), None, Some("ru_RU")),
            Locale::Ru
        );
        assert_eq!(Locale::from_environment(None, None, None), Locale::En);
    }
}
