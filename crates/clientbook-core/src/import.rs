//! Import: phonebook contacts → client database.
//!
//! Three steps, as the screen has them: a preview (one row per contact with what would be
//! stored and why), a selection (select all, toggle, choose a number), and a commit that
//! writes the selection in batches. The preview and selection are pure; the commit writes to
//! the local store (`sync` commits to Altegio), and it re-checks every number there, so a
//! stale preview can still never create a duplicate. Sessions (`session`) put the three
//! together for a screen or a command.

use std::collections::HashMap;
use std::sync::atomic::{AtomicBool, Ordering};

use serde::{Deserialize, Serialize};

use crate::cancel::CancelToken;
use crate::contact::PhonebookContact;
use crate::error::{Error, Result};
use crate::list::{page, TextQuery};
use crate::messages::{InvalidNumber, Locale, Message};
use crate::name::{ClientName, NameProblem};
use crate::phone::{self, Phone, Region};
use crate::store::{ClientIndex, Inserted, NewClient, Store};

/// How a contact stands against the client database and the rest of the phonebook.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[cfg_attr(feature = "uniffi", derive(uniffi::Enum))]
pub enum ContactStatus {
    /// Will become a new client.
    New,
    /// One of its numbers already belongs to a client.
    ExistingClient,
    /// An earlier contact in this phonebook has the same number.
    DuplicateInPhonebook,
    /// Several different numbers; the default is chosen but staff should confirm.
    NeedsChoice,
    NoPhone,
    /// Has numbers, none of them valid.
    InvalidPhone,
    NoName,
}

impl ContactStatus {
    pub const ALL: [ContactStatus; 7] = [
        ContactStatus::New,
        ContactStatus::ExistingClient,
        ContactStatus::DuplicateInPhonebook,
        ContactStatus::NeedsChoice,
        ContactStatus::NoPhone,
        ContactStatus::InvalidPhone,
        ContactStatus::NoName,
    ];

    /// Whether a contact in this state can be selected for import.
    pub fn importable(self) -> bool {
        matches!(self, ContactStatus::New | ContactStatus::NeedsChoice)
    }
}

/// Why "Select suggested" leaves a contact out. Only a suggestion: staff can still tick it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[cfg_attr(feature = "uniffi", derive(uniffi::Enum))]
pub enum NotSuggested {
    /// The chosen number is a service's (toll-free, premium-rate, ...), not a person's.
    ServiceNumber { kind: phone::ServiceKind },
    /// One of the location's own numbers.
    LocationNumber,
    /// A number of the location's staff.
    StaffNumber,
    /// The contact is in this app's own export group: it came from the client base.
    FromAppGroup,
}

/// Numbers the caller knows are not clients': the location's own and its staff's.
#[derive(Debug, Clone, Default)]
pub struct KnownNumbers {
    pub location: Vec<String>,
    pub staff: Vec<String>,
}

/// One preview row: what the contact becomes.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "uniffi", derive(uniffi::Record))]
pub struct PreviewRow {
    /// Position of the contact in the input, from 0.
    pub index: u64,
    pub platform_id: String,
    pub name: Option<String>,
    pub surname: Option<String>,
    pub middle_name: Option<String>,
    /// What the list shows, honouring the location's "last name hidden" setting.
    pub display_name: String,
    pub phones: Vec<Phone>,
    /// Position in `phones` of the number that will be imported.
    pub chosen_phone: Option<u32>,
    pub status: ContactStatus,
    /// The existing client, for `existing_client`.
    pub client_id: Option<i64>,
    /// The earlier contact, for `duplicate_in_phonebook`.
    pub duplicate_of: Option<u64>,
    pub email: Option<String>,
    /// Why the contact cannot be imported as it is (or, for `needs_choice`, what to check),
    /// in words for staff, in the preview's locale: `reason` rendered. `None` for `new`.
    pub problem: Option<String>,
    /// Something staff should know about how the contact will be stored, though it can be
    /// imported (an extension Altegio does not keep), in words for staff.
    pub notice: Option<String>,
    pub selected: bool,
    /// Why "Select suggested" leaves this importable contact out, if it does.
    pub not_suggested: Option<NotSuggested>,
    /// `not_suggested` in words for staff, in the preview's locale.
    #[serde(default)]
    #[cfg_attr(feature = "uniffi", uniffi(default = None))]
    pub not_suggested_text: Option<String>,
    /// The contact has more than one valid number: the row offers a number chooser (which
    /// stays available after a choice).
    pub can_choose_number: bool,
    /// For a contact that is already a client: the phonebook's email, which the client
    /// lacks. Offered to fill in; a value the client has is never overwritten.
    pub fill_in_email: Option<String>,
    /// Whether the commit fills `fill_in_email` (and `fill_in_birthday`) into the client.
    pub fill_in_selected: bool,
    /// The phonebook's birthday (`YYYY-MM-DD`), when the shell reads birthdays.
    #[serde(default)]
    #[cfg_attr(feature = "uniffi", uniffi(default = None))]
    pub birthday: Option<String>,
    /// For a contact that is already a client: the phonebook's birthday, offered to fill in
    /// where the client has none (on Altegio checked on the card at commit: the search the
    /// mirror is built from cannot return birthdays). Never overwrites one.
    #[serde(default)]
    #[cfg_attr(feature = "uniffi", uniffi(default = None))]
    pub fill_in_birthday: Option<String>,
    /// The fill-in offer in words for staff ("Add the email … and the birthday … to the
    /// client"), in the preview's locale.
    #[serde(default)]
    #[cfg_attr(feature = "uniffi", uniffi(default = None))]
    pub fill_in_text: Option<String>,
    /// Why the contact cannot be imported as it is, as a code with its arguments: which
    /// client it already is, which contact it repeats, which numbers are invalid and why.
    /// `None` for `new`.
    #[serde(default)]
    pub reason: Option<Message>,
}

/// Counts per status, plus how many are selected.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "uniffi", derive(uniffi::Record))]
pub struct Summary {
    pub new: u64,
    pub existing_client: u64,
    pub duplicate_in_phonebook: u64,
    pub needs_choice: u64,
    pub no_phone: u64,
    pub invalid_phone: u64,
    pub no_name: u64,
    pub selected: u64,
    pub total: u64,
}

impl Summary {
    /// The screen's summary line: "1,204 contacts · 312 already clients".
    pub fn message(&self) -> Message {
        Message::ImportSummary {
            contacts: self.total,
            already_clients: self.existing_client,
        }
    }

    fn count(&mut self, status: ContactStatus) {
        let slot = match status {
            ContactStatus::New => &mut self.new,
            ContactStatus::ExistingClient => &mut self.existing_client,
            ContactStatus::DuplicateInPhonebook => &mut self.duplicate_in_phonebook,
            ContactStatus::NeedsChoice => &mut self.needs_choice,
            ContactStatus::NoPhone => &mut self.no_phone,
            ContactStatus::InvalidPhone => &mut self.invalid_phone,
            ContactStatus::NoName => &mut self.no_name,
        };
        *slot += 1;
        self.total += 1;
    }
}

/// Location settings that shape the preview.
#[derive(Debug, Clone, Copy, Default)]
pub struct PreviewOptions {
    pub region: Region,
    pub last_name_hidden: bool,
    /// The language of the rows' texts (`PreviewRow::problem`, `Phone::problem`); English
    /// by default.
    pub locale: Locale,
    /// Matching against an Altegio mirror: numbers are keyed as Altegio stores them
    /// (`phone::altegio_key`, no extension), and an extension is noted on its row.
    pub altegio: bool,
}

/// The preview plus the staff's selection and number choices.
#[derive(Debug, Clone)]
pub struct ImportPlan {
    rows: Vec<PreviewRow>,
    /// The language of the rows' texts, kept for the rows a commit changes.
    locale: Locale,
}

/// How often preview building reports progress, in contacts.
const PREVIEW_PROGRESS_EVERY: usize = 1000;

impl ImportPlan {
    /// Builds the preview. `progress(done, total)` is called every thousand contacts so a
    /// large phonebook shows movement.
    pub fn build(
        contacts: &[PhonebookContact],
        clients: &ClientIndex,
        options: PreviewOptions,
        progress: &mut dyn FnMut(u64, u64),
    ) -> ImportPlan {
        Self::build_numbered(
            contacts.iter().enumerate().map(|(i, c)| (i as u64, c)),
            clients,
            options,
            progress,
        )
    }

    /// Like [`ImportPlan::build`], with each contact's own number (a vCard card's position
    /// in its file, where unreadable cards leave gaps). Numbers must ascend.
    pub fn build_numbered<'a>(
        contacts: impl ExactSizeIterator<Item = (u64, &'a PhonebookContact)>,
        clients: &ClientIndex,
        options: PreviewOptions,
        progress: &mut dyn FnMut(u64, u64),
    ) -> ImportPlan {
        let items: Vec<(u64, &PhonebookContact)> = contacts.collect();
        let never = CancelToken::new();
        let understood = understand_all(items, progress, &never, drop, |(index, c)| {
            (index, Understood::of(c, options))
        })
        .unwrap_or_default();
        Self::match_all(understood, clients, options)
    }

    /// Like [`ImportPlan::build_numbered`], taking the contacts: each is dropped as soon as
    /// its row is built, so a 100,000-contact phonebook is not held twice (the session path).
    ///
    /// Stops with [`Error::Cancelled`] soon after `cancel` is set: every worker checks it per
    /// contact and the ordered pass every [`PREVIEW_PROGRESS_EVERY`] rows, so a screen's
    /// Cancel is not kept waiting for the whole preview.
    pub fn build_owned_numbered(
        contacts: Vec<(u64, PhonebookContact)>,
        clients: &ClientIndex,
        options: PreviewOptions,
        progress: &mut dyn FnMut(u64, u64),
        cancel: &CancelToken,
    ) -> Result<ImportPlan> {
        let understood =
            understand_all(contacts, progress, cancel, drop_elsewhere, |(index, c)| {
                (index, Understood::of_owned(c, options))
            })
            .ok_or(Error::Cancelled)?;
        Self::match_cancellable(understood, clients, options, cancel)
    }

    /// The ordered part: which contact came first decides who is the duplicate.
    fn match_all(
        understood: Vec<(u64, Understood)>,
        clients: &ClientIndex,
        options: PreviewOptions,
    ) -> ImportPlan {
        let never = CancelToken::new();
        Self::match_cancellable(understood, clients, options, &never).unwrap_or_else(|_| {
            ImportPlan {
                rows: Vec::new(),
                locale: options.locale,
            }
        })
    }

    fn match_cancellable(
        understood: Vec<(u64, Understood)>,
        clients: &ClientIndex,
        options: PreviewOptions,
        cancel: &CancelToken,
    ) -> Result<ImportPlan> {
        let total = understood.len();
        let mut rows: Vec<PreviewRow> = Vec::with_capacity(total);
        // Number key → first named contact holding it.
        let mut seen: HashMap<String, u64> = HashMap::with_capacity(total);
        for (n, (index, contact)) in understood.into_iter().enumerate() {
            if n % PREVIEW_PROGRESS_EVERY == 0 {
                cancel.check()?;
            }
            debug_assert!(
                rows.last().is_none_or(|r| r.index < index),
                "contact numbers must ascend"
            );
            let row = preview_row(index, contact, clients, &mut seen, &rows, options);
            rows.push(row);
        }
        tracing::debug!(contacts = total, "import preview built");
        Ok(ImportPlan {
            rows,
            locale: options.locale,
        })
    }

    /// The language of the rows' texts.
    pub fn locale(&self) -> Locale {
        self.locale
    }

    pub fn len(&self) -> usize {
        self.rows.len()
    }

    pub fn is_empty(&self) -> bool {
        self.rows.is_empty()
    }

    pub fn rows(&self) -> &[PreviewRow] {
        &self.rows
    }

    /// A page of rows, so a screen never copies the whole phonebook per redraw.
    pub fn page(&self, offset: u64, limit: u64) -> &[PreviewRow] {
        page(&self.rows, offset, limit)
    }

    fn position(&self, index: u64) -> Result<usize> {
        self.rows
            .binary_search_by_key(&index, |r| r.index)
            .map_err(|_| no_such_contact(index, self.rows.len()))
    }

    pub fn row(&self, index: u64) -> Result<&PreviewRow> {
        Ok(&self.rows[self.position(index)?])
    }

    fn row_mut(&mut self, index: u64) -> Result<&mut PreviewRow> {
        let at = self.position(index)?;
        Ok(&mut self.rows[at])
    }

    pub fn summary(&self) -> Summary {
        let mut s = Summary::default();
        for row in &self.rows {
            s.count(row.status);
            s.selected += row.selected as u64;
        }
        s
    }

    /// Indexes of rows whose name, organisation or number contains `query`
    /// (case-insensitive; digits match any spelling of the number).
    pub fn filter(&self, query: &str) -> Vec<u64> {
        let query = TextQuery::new(query);
        self.rows
            .iter()
            .filter(|row| {
                let names = [
                    Some(row.display_name.as_str()),
                    row.name.as_deref(),
                    row.surname.as_deref(),
                    row.middle_name.as_deref(),
                ];
                let numbers = row
                    .phones
                    .iter()
                    .flat_map(|p| [p.e164.as_deref(), Some(p.raw.as_str())])
                    .flatten();
                query.matches(names.into_iter().flatten(), numbers)
            })
            .map(|row| row.index)
            .collect()
    }

    /// Selects every importable contact; returns how many are selected.
    pub fn select_all(&mut self) -> u64 {
        let mut n = 0;
        for row in &mut self.rows {
            row.selected = row.status.importable();
            n += row.selected as u64;
        }
        n
    }

    pub fn select_none(&mut self) {
        self.rows.iter_mut().for_each(|r| r.selected = false);
    }

    /// Selects the importable contacts that look like clients: every one without a
    /// [`NotSuggested`] reason. Returns how many are selected.
    pub fn select_suggested(&mut self) -> u64 {
        let mut n = 0;
        for row in &mut self.rows {
            row.selected = row.status.importable() && row.not_suggested.is_none();
            n += row.selected as u64;
        }
        n
    }

    /// How many importable contacts "Select suggested" would select.
    pub fn suggested_count(&self) -> u64 {
        self.rows
            .iter()
            .filter(|r| r.status.importable() && r.not_suggested.is_none())
            .count() as u64
    }

    /// Offers, on each contact that is already a client, what the phonebook has and the
    /// client lacks: the email when the client is in `lacking_email`, the birthday when it is
    /// in `lacking_birthday` (`None`: not known here; offered, and checked at commit).
    pub fn offer_fill_in(
        &mut self,
        lacking_email: &std::collections::HashSet<i64>,
        lacking_birthday: Option<&std::collections::HashSet<i64>>,
    ) {
        let locale = self.locale;
        for row in &mut self.rows {
            let client = match (row.status, row.client_id) {
                (ContactStatus::ExistingClient, Some(id)) => Some(id),
                _ => None,
            };
            row.fill_in_email = client
                .filter(|id| lacking_email.contains(id))
                .and(row.email.clone());
            row.fill_in_birthday = client
                .filter(|id| lacking_birthday.is_none_or(|set| set.contains(id)))
                .and(row.birthday.clone());
            row.fill_in_text = fill_in_text(row, locale);
            row.fill_in_selected &= row.offers_fill_in();
        }
    }

    /// Ticks or unticks filling in one contact's email and birthday; only rows offering one.
    pub fn set_fill_in(&mut self, index: u64, fill: bool) -> Result<()> {
        let row = self.row_mut(index)?;
        if fill && !row.offers_fill_in() {
            return Err(Error::BadInput(format!(
                "contact {index} has nothing to fill in"
            )));
        }
        row.fill_in_selected = fill;
        Ok(())
    }

    /// "Apply to all": ticks or unticks every offered fill-in; returns how many are ticked.
    pub fn fill_in_all(&mut self, fill: bool) -> u64 {
        let mut n = 0;
        for row in self.rows.iter_mut().filter(|r| r.offers_fill_in()) {
            row.fill_in_selected = fill;
            n += fill as u64;
        }
        n
    }

    /// Offered fill-ins, and how many are ticked.
    pub fn fill_in_counts(&self) -> (u64, u64) {
        self.rows
            .iter()
            .filter(|r| r.offers_fill_in())
            .fold((0, 0), |(o, t), r| (o + 1, t + r.fill_in_selected as u64))
    }

    /// Marks contacts whose chosen number is the location's own or its staff's.
    pub fn mark_known_numbers(&mut self, known: &KnownNumbers, region: Region) {
        let keys = |list: &[String]| -> std::collections::HashSet<String> {
            list.iter()
                .filter_map(|n| phone::normalize(n, phone::PhoneLabel::Other, region).key())
                .collect()
        };
        let (location, staff) = (keys(&known.location), keys(&known.staff));
        if location.is_empty() && staff.is_empty() {
            return;
        }
        for row in self.rows.iter_mut().filter(|r| r.status.importable()) {
            let key = row
                .chosen_phone
                .and_then(|i| row.phones.get(i as usize))
                .and_then(Phone::key);
            let Some(key) = key else { continue };
            if location.contains(&key) {
                row.set_not_suggested(Some(NotSuggested::LocationNumber), self.locale);
            } else if staff.contains(&key) {
                row.set_not_suggested(Some(NotSuggested::StaffNumber), self.locale);
            }
        }
    }

    /// Sets one contact's selection. Selecting a contact that cannot be imported is an error
    /// that says why.
    pub fn set_selected(&mut self, index: u64, selected: bool) -> Result<()> {
        let row = self.row_mut(index)?;
        if selected && !row.status.importable() {
            return Err(not_importable(row));
        }
        row.selected = selected;
        Ok(())
    }

    /// Flips one contact's selection; returns the new state.
    pub fn toggle(&mut self, index: u64) -> Result<bool> {
        let now = !self.row(index)?.selected;
        self.set_selected(index, now)?;
        Ok(now)
    }

    /// Picks which of a contact's numbers to import. Confirms a `needs_choice` contact.
    pub fn choose_number(&mut self, index: u64, phone: u32) -> Result<()> {
        let locale = self.locale;
        let row = self.row_mut(index)?;
        let Some(chosen) = row.phones.get(phone as usize) else {
            return Err(Error::BadInput(format!(
                "contact {index} has {} number(s); number {phone} does not exist",
                row.phones.len()
            )));
        };
        if !chosen.valid {
            return Err(Error::BadInput(format!(
                "number {phone} of contact {index} cannot be imported: {}",
                chosen
                    .problem_in(Locale::En)
                    .unwrap_or_else(|| "invalid".into())
            )));
        }
        if !row.status.importable() {
            return Err(not_importable(row));
        }
        row.chosen_phone = Some(phone);
        row.status = ContactStatus::New;
        row.reason = None;
        row.problem = None;
        // A service number follows the number chosen; the other reasons are the contact's.
        if matches!(
            row.not_suggested,
            None | Some(NotSuggested::ServiceNumber { .. })
        ) {
            let why = chosen
                .e164
                .as_deref()
                .and_then(phone::service_kind)
                .map(|kind| NotSuggested::ServiceNumber { kind });
            row.set_not_suggested(why, locale);
        }
        Ok(())
    }

    /// Freezes the selection into the clients to create, so the slow part of a commit can run
    /// without holding the plan (a screen keeps reading rows meanwhile).
    pub fn prepare_commit(&self) -> CommitJob {
        let mut job = CommitJob {
            fills: self
                .rows
                .iter()
                .filter(|r| r.fill_in_selected && r.offers_fill_in())
                .filter_map(|r| {
                    Some(Fill {
                        index: r.index,
                        client_id: r.client_id?,
                        email: r.fill_in_email.clone(),
                        birthday: r.fill_in_birthday.clone(),
                    })
                })
                .collect(),
            ..CommitJob::default()
        };
        for row in self.rows.iter().filter(|r| r.selected) {
            let phone = row
                .chosen_phone
                .and_then(|i| row.phones.get(i as usize))
                .filter(|p| p.valid);
            match (row.name.clone(), phone.and_then(|p| p.e164.clone())) {
                (Some(name), Some(e164)) => job.clients.push((
                    row.index,
                    NewClient {
                        name,
                        surname: row.surname.clone(),
                        middle_name: row.middle_name.clone(),
                        phone: e164,
                        phone_extension: phone.and_then(|p| p.extension.clone()),
                        email: row.email.clone(),
                        birth_date: row.birthday.clone(),
                    },
                )),
                _ => job.skipped.push(Skipped {
                    index: row.index,
                    reason: row
                        .problem
                        .clone()
                        .unwrap_or_else(|| Message::Internal.render(self.locale)),
                }),
            }
        }
        job
    }

    /// Records what a commit did: those contacts are clients now and leave the selection, so
    /// committing again (after a cancel, say) only sends what is left.
    pub fn apply_report(&mut self, report: &ImportReport) {
        for done in &report.filled {
            if let Ok(row) = self.row_mut(done.index) {
                row.fill_in_email = None;
                row.fill_in_birthday = None;
                row.fill_in_text = None;
                row.fill_in_selected = false;
            }
        }
        let locale = self.locale;
        for done in report.created.iter().chain(&report.already_there) {
            if let Ok(row) = self.row_mut(done.index) {
                let reason = Message::AlreadyClient {
                    client_id: done.client_id,
                };
                row.status = ContactStatus::ExistingClient;
                row.client_id = Some(done.client_id);
                row.duplicate_of = None;
                row.problem = Some(reason.render(locale));
                row.reason = Some(reason);
                row.selected = false;
            }
        }
    }
}

/// Refusing to select a contact that cannot be imported: a caller's mistake (a screen offers
/// no checkbox there), so the error is in English, for the developer.
fn not_importable(row: &PreviewRow) -> Error {
    let why = row
        .reason
        .as_ref()
        .map(|r| r.render(Locale::En))
        .unwrap_or_default();
    Error::BadInput(format!("contact {} cannot be imported: {why}", row.index))
}

fn no_such_contact(index: u64, len: usize) -> Error {
    Error::BadInput(format!(
        "there is no contact {index} among the {len} readable contact(s), numbered from 0"
    ))
}

/// A contact read and understood on its own: numbers parsed and collapsed, name resolved.
/// Independent of every other contact, so this part runs on every core.
struct Understood {
    platform_id: String,
    phones: Vec<Phone>,
    name: std::result::Result<ClientName, NameProblem>,
    email: Option<String>,
    birthday: Option<String>,
    in_app_group: bool,
    /// The default number's service kind, looked up here because it is the costly part.
    service: Option<phone::ServiceKind>,
}

impl Understood {
    fn of(contact: &PhonebookContact, options: PreviewOptions) -> Understood {
        let mut phones = phone::collapse(
            contact
                .phones
                .iter()
                .map(|p| phone::normalize(&p.number, p.label, options.region))
                .collect(),
        );
        let service = phone::default_choice(&phones)
            .and_then(|i| phones[i].e164.as_deref())
            .and_then(phone::service_kind);
        if options.locale != Locale::En {
            for p in phones.iter_mut().filter(|p| !p.valid) {
                p.problem = p.problem_in(options.locale);
            }
        }
        Understood {
            platform_id: contact.platform_id.clone(),
            phones,
            name: contact.name_fields().to_client_name(),
            email: contact.first_email(),
            birthday: contact
                .birthday
                .as_deref()
                .and_then(crate::contact::birthday),
            in_app_group: contact.in_app_group,
            service,
        }
    }

    fn of_owned(contact: PhonebookContact, options: PreviewOptions) -> Understood {
        let understood = Understood::of(&contact, options);
        Understood {
            platform_id: contact.platform_id,
            ..understood
        }
    }
}

/// Below this many contacts threads cost more than they save.
const PARALLEL_FROM: usize = 2_000;

/// Runs `understand` over `items` on all cores, keeping their order. Progress is reported
/// from the calling thread (a shell's callback may not be thread-safe), at every multiple of
/// [`PREVIEW_PROGRESS_EVERY`] and at the end. `None` once `cancel` is set: workers stop at
/// their next item and what they understood is dropped.
fn understand_all<T: Send, U: Send>(
    items: Vec<T>,
    progress: &mut dyn FnMut(u64, u64),
    cancel: &CancelToken,
    free_rest: fn(std::vec::IntoIter<T>),
    understand: impl Fn(T) -> U + Sync,
) -> Option<Vec<U>> {
    let total = items.len();
    let threads = std::thread::available_parallelism()
        .map_or(1, |n| n.get())
        .min(8);
    let done = std::sync::atomic::AtomicUsize::new(0);
    let mut reported = 0;
    let mut report = |now: usize, progress: &mut dyn FnMut(u64, u64)| {
        while reported + PREVIEW_PROGRESS_EVERY <= now && !cancel.is_cancelled() {
            reported += PREVIEW_PROGRESS_EVERY;
            progress(reported as u64, total as u64);
        }
    };
    let out: Vec<U> = if threads < 2 || total < PARALLEL_FROM {
        let mut out = Vec::with_capacity(total);
        let mut rest = items.into_iter();
        while let Some(item) = rest.next() {
            if cancel.is_cancelled() {
                free_rest(rest);
                return None;
            }
            out.push(understand(item));
            report(out.len(), progress);
        }
        out
    } else {
        // Split from the back so every chunk is moved out, not copied.
        let size = total.div_ceil(threads);
        let mut items = items;
        let mut chunks = Vec::with_capacity(threads);
        while !items.is_empty() {
            let at = items.len().saturating_sub(size);
            chunks.push(items.split_off(at));
        }
        chunks.reverse();
        std::thread::scope(|scope| {
            let workers: Vec<_> = chunks
                .into_iter()
                .map(|chunk| {
                    let (understand, done) = (&understand, &done);
                    scope.spawn(move || {
                        let mut out = Vec::with_capacity(chunk.len());
                        let mut rest = chunk.into_iter();
                        while let Some(item) = rest.next() {
                            if cancel.is_cancelled() {
                                free_rest(rest);
                                break;
                            }
                            out.push(understand(item));
                            done.fetch_add(1, Ordering::Relaxed);
                        }
                        out
                    })
                })
                .collect();
            while workers.iter().any(|w| !w.is_finished()) {
                report(done.load(Ordering::Relaxed), progress);
                std::thread::sleep(std::time::Duration::from_millis(1));
            }
            workers
                .into_iter()
                .flat_map(|w| {
                    w.join()
                        .unwrap_or_else(|panic| std::panic::resume_unwind(panic))
                })
                .collect()
        })
    };
    if cancel.is_cancelled() {
        return None;
    }
    report(total, progress);
    if reported < total || total == 0 {
        progress(total as u64, total as u64);
    }
    Some(out)
}

/// Frees what a cancelled preview did not get to on a thread of its own: tens of thousands
/// of contacts take longer to free than a Cancel button may wait.
fn drop_elsewhere<T: Send + 'static>(rest: T) {
    if std::thread::Builder::new()
        .name("clientbook-free".into())
        .spawn(move || drop(rest))
        .is_err()
    {
        tracing::debug!("no thread to free a cancelled preview; freed in place");
    }
}

fn preview_row(
    index: u64,
    contact: Understood,
    clients: &ClientIndex,
    seen: &mut HashMap<String, u64>,
    earlier_rows: &[PreviewRow],
    options: PreviewOptions,
) -> PreviewRow {
    let Understood {
        platform_id,
        phones,
        name,
        email,
        birthday,
        in_app_group,
        service,
    } = contact;
    let chosen = phone::default_choice(&phones);
    let key_of = if options.altegio {
        Phone::altegio_key
    } else {
        Phone::key
    };
    let mut keys: Vec<String> = Vec::with_capacity(phones.len());
    for key in phones.iter().filter_map(key_of) {
        if !keys.contains(&key) {
            keys.push(key);
        }
    }
    let dropped_extension = options
        .altegio
        .then(|| chosen.and_then(|c| phones[c].extension.clone()))
        .flatten();
    let can_choose_number = keys.len() > 1;
    let existing = keys.iter().find_map(|k| clients.get(k).copied());
    let earlier = keys.iter().find_map(|k| seen.get(k).copied());

    let (status, reason) = match (&name, existing, earlier) {
        (Err(p), _, _) => (ContactStatus::NoName, Some(p.message())),
        _ if phones.is_empty() => (ContactStatus::NoPhone, Some(Message::NoPhone)),
        _ if chosen.is_none() => {
            // The raw numbers are shown to staff on screen; they never go to logs.
            let numbers = phones
                .iter()
                .filter_map(|p| {
                    p.problem_code.map(|problem| InvalidNumber {
                        raw: p.raw.clone(),
                        problem,
                    })
                })
                .collect();
            (
                ContactStatus::InvalidPhone,
                Some(Message::InvalidPhone { numbers }),
            )
        }
        (_, Some(client_id), _) => (
            ContactStatus::ExistingClient,
            Some(Message::AlreadyClient { client_id }),
        ),
        (_, None, Some(earlier))
            if options.altegio && phones.iter().any(|p| p.extension.is_some()) =>
        {
            let earlier_name = earlier_rows
                .binary_search_by_key(&earlier, |r| r.index)
                .map(|at| earlier_rows[at].display_name.clone())
                .unwrap_or_default();
            (
                ContactStatus::DuplicateInPhonebook,
                Some(Message::SameNumberWithoutExtension {
                    earlier,
                    earlier_name,
                }),
            )
        }
        (_, None, Some(earlier)) => {
            // Rows ascend by index and the earlier contact was built before this one.
            let earlier_name = earlier_rows
                .binary_search_by_key(&earlier, |r| r.index)
                .map(|at| earlier_rows[at].display_name.clone())
                .unwrap_or_default();
            (
                ContactStatus::DuplicateInPhonebook,
                Some(Message::DuplicateInPhonebook {
                    earlier,
                    earlier_name,
                }),
            )
        }
        _ if keys.len() > 1 => (
            ContactStatus::NeedsChoice,
            Some(Message::NeedsChoice {
                numbers: keys.len() as u64,
            }),
        ),
        _ => (ContactStatus::New, None),
    };
    let problem = reason.as_ref().map(|r| r.render(options.locale));
    // Every named contact claims its numbers, imported or not: a later card with the same
    // number is the same person saved twice, even when the first one is already a client.
    if name.is_ok() {
        for key in keys {
            seen.entry(key).or_insert(index);
        }
    }
    let (name, surname, middle_name, display_name) = match name {
        Ok(n) => {
            let display = n.display_name(options.last_name_hidden);
            (Some(n.name), n.surname, n.middle_name, display)
        }
        Err(_) => (None, None, None, String::new()),
    };
    let mut row = PreviewRow {
        index,
        platform_id,
        name,
        surname,
        middle_name,
        display_name,
        phones,
        chosen_phone: chosen.map(|c| c as u32),
        status,
        client_id: if status == ContactStatus::ExistingClient {
            existing
        } else {
            None
        },
        duplicate_of: if status == ContactStatus::DuplicateInPhonebook {
            earlier
        } else {
            None
        },
        email,
        problem,
        notice: match (dropped_extension, status.importable()) {
            (Some(extension), true) => {
                Some(Message::ExtensionNotStored { extension }.render(options.locale))
            }
            _ => None,
        },
        selected: false,
        not_suggested: None,
        not_suggested_text: None,
        can_choose_number,
        fill_in_email: None,
        fill_in_selected: false,
        birthday,
        fill_in_birthday: None,
        fill_in_text: None,
        reason,
    };
    let why = if !status.importable() {
        None
    } else if in_app_group {
        Some(NotSuggested::FromAppGroup)
    } else {
        service.map(|kind| NotSuggested::ServiceNumber { kind })
    };
    row.set_not_suggested(why, options.locale);
    row
}

/// The fill-in offer of a row in words, in `locale`.
fn fill_in_text(row: &PreviewRow, locale: Locale) -> Option<String> {
    let birthday = row
        .fill_in_birthday
        .as_deref()
        .map(|b| crate::messages::birthday_for_staff(b, locale));
    let message = match (row.fill_in_email.clone(), birthday) {
        (Some(email), Some(birthday)) => Message::FillInBoth { email, birthday },
        (Some(email), None) => Message::FillInEmail { email },
        (None, Some(birthday)) => Message::FillInBirthday { birthday },
        (None, None) => return None,
    };
    Some(message.render(locale))
}

impl PreviewRow {
    /// Whether the row offers to fill in something the client lacks.
    pub fn offers_fill_in(&self) -> bool {
        self.fill_in_email.is_some() || self.fill_in_birthday.is_some()
    }

    /// Sets why "Select suggested" leaves the row out, with its text in `locale`.
    fn set_not_suggested(&mut self, why: Option<NotSuggested>, locale: Locale) {
        self.not_suggested_text = why.map(|why| Message::NotSuggested { why }.render(locale));
        self.not_suggested = why;
    }
}

/// A contact and the client it became or already was.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "uniffi", derive(uniffi::Record))]
pub struct Imported {
    pub index: u64,
    pub client_id: i64,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "uniffi", derive(uniffi::Record))]
pub struct Skipped {
    pub index: u64,
    pub reason: String,
}

/// What a commit did.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "uniffi", derive(uniffi::Record))]
pub struct ImportReport {
    pub created: Vec<Imported>,
    /// Selected contacts whose number turned out to belong to a client already.
    pub already_there: Vec<Imported>,
    pub skipped: Vec<Skipped>,
    /// True when the commit stopped early on request; whole batches only were written.
    pub cancelled: bool,
    /// Existing clients whose missing email or birthday was filled in from the phonebook.
    #[serde(default)]
    #[cfg_attr(feature = "uniffi", uniffi(default = []))]
    pub filled: Vec<Imported>,
    /// The import history entry the created clients are recorded under, for undo.
    #[serde(default)]
    #[cfg_attr(feature = "uniffi", uniffi(default = None))]
    pub history_id: Option<i64>,
    /// The category the created clients were put into, and whether each one is confirmed in it.
    #[serde(default)]
    #[cfg_attr(feature = "uniffi", uniffi(default = None))]
    pub category: Option<CategoryReport>,
}

/// Where an import put the clients it created.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "uniffi", derive(uniffi::Record))]
pub struct CategoryReport {
    pub title: String,
    /// Created clients confirmed in the category (on Altegio: read back from the server).
    pub set: u64,
    /// Created clients the category could not be confirmed on; they were still created.
    pub not_set: u64,
    /// The category did not exist and this import created it.
    pub created_category: bool,
}

impl ImportReport {
    /// Counts only: which contacts were involved stays out of the logs.
    pub(crate) fn log(&self, target: &str) {
        tracing::info!(
            target_db = target,
            created = self.created.len(),
            already_there = self.already_there.len(),
            skipped = self.skipped.len(),
            cancelled = self.cancelled,
            "import committed"
        );
    }
}

/// Commit tuning.
#[derive(Debug, Clone)]
pub struct CommitOptions {
    /// Clients per transaction (per request, for Altegio).
    pub batch_size: usize,
    /// The history entry the created clients are recorded under (for undo), if any.
    pub record_as: Option<i64>,
    /// The category the created clients are put into, by title (found or created), if any.
    pub category: Option<String>,
}

impl CommitOptions {
    pub fn batches_of(batch_size: usize) -> Self {
        CommitOptions {
            batch_size,
            ..Default::default()
        }
    }
}

impl Default for CommitOptions {
    fn default() -> Self {
        CommitOptions {
            batch_size: 500,
            record_as: None,
            category: None,
        }
    }
}

/// The clients a commit will create, frozen from a plan's selection.
#[derive(Debug, Clone, Default)]
pub struct CommitJob {
    pub(crate) clients: Vec<(u64, NewClient)>,
    pub(crate) skipped: Vec<Skipped>,
    pub(crate) fills: Vec<Fill>,
}

/// What to fill into an existing client, each value only where the client has none.
#[derive(Debug, Clone)]
pub(crate) struct Fill {
    pub index: u64,
    pub client_id: i64,
    pub email: Option<String>,
    pub birthday: Option<String>,
}

impl CommitJob {
    pub fn len(&self) -> usize {
        self.clients.len()
    }

    pub fn is_empty(&self) -> bool {
        self.clients.is_empty() && self.fills.is_empty()
    }
}

/// A commit that stopped on an error, with what it had written before.
#[derive(Debug)]
pub struct CommitFailed {
    /// Whole batches written before the failure.
    pub partial: ImportReport,
    pub error: Error,
}

/// Writes the selected contacts to the store, one transaction per batch.
///
/// `cancel` is checked between batches, so a cancelled commit has written whole batches only
/// and a later commit of the same plan finishes the job without duplicates. `progress(done,
/// total)` is called before the first batch and after each one.
pub fn commit(
    store: &Store,
    plan: &ImportPlan,
    options: CommitOptions,
    progress: &mut dyn FnMut(u64, u64),
    cancel: &AtomicBool,
) -> Result<ImportReport> {
    run_commit(store, plan.prepare_commit(), options, progress, cancel).map_err(|f| f.error)
}

/// [`commit`] for a job prepared earlier with [`ImportPlan::prepare_commit`]. On a storage
/// error the batches already written are still reported.
pub fn run_commit(
    store: &Store,
    job: CommitJob,
    options: CommitOptions,
    progress: &mut dyn FnMut(u64, u64),
    cancel: &AtomicBool,
) -> std::result::Result<ImportReport, Box<CommitFailed>> {
    let CommitJob {
        clients,
        skipped,
        fills,
    } = job;
    let total = clients.len() as u64;
    let mut report = ImportReport {
        skipped,
        history_id: options.record_as,
        ..Default::default()
    };
    let category_existed = match &options.category {
        Some(title) => store
            .categories()
            .map_err(|error| {
                Box::new(CommitFailed {
                    partial: report.clone(),
                    error,
                })
            })?
            .iter()
            .any(|t| t.to_lowercase() == title.to_lowercase()),
        None => false,
    };
    let mut done = 0u64;
    progress(0, total);
    for chunk in clients.chunks(options.batch_size.max(1)) {
        if cancel.load(Ordering::SeqCst) {
            report.cancelled = true;
            tracing::info!(done, total, "import cancelled between batches");
            break;
        }
        let batch: Vec<NewClient> = chunk.iter().map(|(_, c)| c.clone()).collect();
        let outcomes = match store.insert_batch_for(
            &batch,
            options.record_as,
            options.category.as_deref(),
        ) {
            Ok(o) => o,
            Err(error) => {
                tracing::warn!(done, total, error = %error, "import stopped by a storage error");
                return Err(Box::new(CommitFailed {
                    partial: report,
                    error,
                }));
            }
        };
        for ((index, _), outcome) in chunk.iter().zip(outcomes) {
            match outcome {
                Inserted::Created(client_id) => report.created.push(Imported {
                    index: *index,
                    client_id,
                }),
                Inserted::AlreadyThere(client_id) => report.already_there.push(Imported {
                    index: *index,
                    client_id,
                }),
            }
        }
        done += chunk.len() as u64;
        progress(done, total);
    }
    if let Some(title) = options.category {
        // Locally the tag is written in each client's own transaction: all are in it.
        report.category = Some(CategoryReport {
            title,
            set: report.created.len() as u64,
            not_set: 0,
            created_category: !category_existed && !report.created.is_empty(),
        });
    }
    if !report.cancelled && !fills.is_empty() {
        match store.fill_missing(&fills) {
            Ok(filled) => {
                report.filled = fills
                    .iter()
                    .filter(|f| filled.contains(&f.client_id))
                    .map(|f| Imported {
                        index: f.index,
                        client_id: f.client_id,
                    })
                    .collect();
            }
            Err(error) => {
                return Err(Box::new(CommitFailed {
                    partial: report,
                    error,
                }))
            }
        }
    }
    report.log("local");
    Ok(report)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::contact::RawPhone;
    use crate::phone::PhoneLabel;

    fn contact(given: &str, numbers: &[(&str, PhoneLabel)]) -> PhonebookContact {
        PhonebookContact {
            given_name: (!given.is_empty()).then(|| given.to_string()),
            phones: numbers
                .iter()
                .map(|(n, l)| RawPhone {
                    number: n.to_string(),
                    label: *l,
                })
                .collect(),
            ..Default::default()
        }
    }

    fn plan(contacts: &[PhonebookContact], clients: &ClientIndex) -> ImportPlan {
        ImportPlan::build(contacts, clients, PreviewOptions::default(), &mut |_, _| {})
    }

    fn no_progress(_: u64, _: u64) {}

    #[test]
    fn statuses_cover_every_case() {
        use PhoneLabel::*;
        let mut clients = ClientIndex::new();
        clients.insert("+79160000009".into(), 42);
        let contacts = vec![
            contact("New", &[("8 916 000-00-01", Mobile)]),
            contact(
                "Existing",
                &[("+7 916 000 00 09", Mobile), ("+7 916 000 00 10", Home)],
            ),
            contact("Dup", &[("89160000001", Home)]),
            contact(
                "Two",
                &[("+7 916 000 00 02", Work), ("+7 916 000 00 03", Mobile)],
            ),
            contact("NoPhone", &[]),
            contact("Bad", &[("12", Mobile)]),
            contact("", &[("+7 916 000 00 04", Mobile)]),
            contact(
                "Same twice",
                &[("+7 916 000 00 05", Home), ("8 (916) 000-00-05", Mobile)],
            ),
        ];
        let p = plan(&contacts, &clients);
        let statuses: Vec<ContactStatus> = p.rows().iter().map(|r| r.status).collect();
        use ContactStatus as S;
        assert_eq!(
            statuses,
            vec![
                S::New,
                S::ExistingClient,
                S::DuplicateInPhonebook,
                S::NeedsChoice,
                S::NoPhone,
                S::InvalidPhone,
                S::NoName,
                S::New
            ]
        );
        assert_eq!(p.rows()[1].client_id, Some(42));
        assert_eq!(p.rows()[2].duplicate_of, Some(0));
        assert_eq!(p.rows()[3].chosen_phone, Some(1), "mobile wins the default");
        assert_eq!(
            p.rows()[7].phones.len(),
            1,
            "same number collapsed before any choice"
        );
        assert!(p.rows()[5].problem.as_deref().unwrap().contains("12"));
        use crate::messages::PhoneProblem;
        let reasons: Vec<Option<Message>> = p.rows().iter().map(|r| r.reason.clone()).collect();
        assert_eq!(
            reasons,
            vec![
                None,
                Some(Message::AlreadyClient { client_id: 42 }),
                Some(Message::DuplicateInPhonebook {
                    earlier: 0,
                    earlier_name: "New".into()
                }),
                Some(Message::NeedsChoice { numbers: 2 }),
                Some(Message::NoPhone),
                Some(Message::InvalidPhone {
                    numbers: vec![InvalidNumber {
                        raw: "12".into(),
                        problem: PhoneProblem::TooShort
                    }]
                }),
                Some(Message::NoName),
                None,
            ]
        );
        for row in p.rows() {
            assert_eq!(
                row.problem,
                row.reason.as_ref().map(|r| r.render(Locale::En)),
                "the text is the code rendered"
            );
        }
        assert_eq!(
            p.rows()[2].problem.as_deref(),
            Some("an earlier contact in the phonebook, New, has the same number")
        );
        let s = p.summary();
        assert_eq!(
            (s.new, s.existing_client, s.needs_choice, s.total),
            (2, 1, 1, 8)
        );
    }

    #[test]
    fn a_preview_cancelled_from_its_progress_stops_without_finishing() {
        let contacts: Vec<_> = (0..20_000)
            .map(|i| {
                contact(
                    &format!("C{i}"),
                    &[(&format!("+7 916 {i:07}"), PhoneLabel::Mobile)],
                )
            })
            .collect();
        for parallel in [false, true] {
            let input = if parallel {
                contacts.clone()
            } else {
                contacts[..1_500].to_vec()
            };
            let cancel = CancelToken::new();
            let mut last = 0;
            let result = ImportPlan::build_owned_numbered(
                crate::session::numbered(input),
                &ClientIndex::new(),
                PreviewOptions::default(),
                &mut |done, _| {
                    last = done;
                    if done >= 1_000 {
                        cancel.cancel();
                    }
                },
                &cancel,
            );
            assert!(
                matches!(result, Err(Error::Cancelled)),
                "parallel={parallel}"
            );
            // No progress is reported past the cancel: the job stopped, it did not finish.
            assert!(
                last < 2_000,
                "parallel={parallel}: progress went on to {last}"
            );
        }
    }

    #[test]
    fn rows_speak_the_preview_locale() {
        use PhoneLabel::*;
        let mut clients = ClientIndex::new();
        clients.insert("+79160000009".into(), 42);
        let contacts = vec![
            contact("Existing", &[("+7 916 000 00 09", Mobile)]),
            contact("Bad", &[("12", Mobile), ("", Home)]),
            contact("NoPhone", &[]),
            contact("Новый", &[("+7 916 000 00 01", Mobile)]),
        ];
        let options = PreviewOptions {
            locale: Locale::Ru,
            ..Default::default()
        };
        let store = Store::open_in_memory().unwrap();
        let mut p = ImportPlan::build(&contacts, &clients, options, &mut |_, _| {});
        assert_eq!(p.locale(), Locale::Ru);
        let problems: Vec<Option<&str>> = p.rows().iter().map(|r| r.problem.as_deref()).collect();
        assert_eq!(
            problems,
            vec![
                Some("его номер уже принадлежит клиенту №42"),
                Some("12: слишком короткий; (пустой номер): в номере нет цифр"),
                Some("у контакта нет номера телефона"),
                None,
            ]
        );
        assert_eq!(
            p.rows()[1].phones[0].problem.as_deref(),
            Some("слишком короткий")
        );
        // Selecting a row that cannot be imported is a developer's error: English.
        let err = p.set_selected(2, true).unwrap_err().to_string();
        assert!(err.contains("it has no phone number"), "{err}");
        // A committed row becomes a client, said in the same language.
        p.select_all();
        let report = commit(
            &store,
            &p,
            CommitOptions::default(),
            &mut no_progress,
            &AtomicBool::new(false),
        )
        .unwrap();
        p.apply_report(&report);
        let row = p.row(3).unwrap();
        let id = report.created[0].client_id;
        assert_eq!(row.reason, Some(Message::AlreadyClient { client_id: id }));
        assert_eq!(
            row.problem.as_deref(),
            Some(format!("его номер уже принадлежит клиенту №{id}").as_str())
        );
        assert_eq!(
            p.summary().message().render(Locale::Ru),
            "4 контакта · 2 уже в базе клиентов"
        );
    }

    #[test]
    fn a_large_preview_built_on_all_cores_keeps_order_and_first_come_duplicates() {
        // 6,000 contacts: the last 1,000 repeat numbers of the first 1,000, across the
        // chunks the worker threads get.
        let contacts: Vec<_> = (0..6_000)
            .map(|i| {
                contact(
                    &format!("C{i}"),
                    &[(&format!("+7 916 {:07}", i % 5_000), PhoneLabel::Mobile)],
                )
            })
            .collect();
        let mut events = Vec::new();
        let p = ImportPlan::build_owned_numbered(
            crate::session::numbered(contacts.clone()),
            &ClientIndex::new(),
            PreviewOptions::default(),
            &mut |d, t| events.push((d, t)),
            &CancelToken::new(),
        )
        .unwrap();
        assert_eq!(
            events,
            (1..=6).map(|k| (k * 1000, 6000)).collect::<Vec<_>>()
        );
        for (i, row) in p.rows().iter().enumerate() {
            assert_eq!(row.index, i as u64);
            assert_eq!(row.name.as_deref(), Some(format!("C{i}").as_str()));
            if i >= 5_000 {
                assert_eq!(row.status, ContactStatus::DuplicateInPhonebook);
                assert_eq!(row.duplicate_of, Some(i as u64 - 5_000));
            } else {
                assert_eq!(row.status, ContactStatus::New);
            }
        }
        let borrowed = plan(&contacts, &ClientIndex::new());
        assert_eq!(borrowed.rows(), p.rows(), "owned and borrowed builds agree");
    }

    #[test]
    fn short_codes_are_left_out_as_service_numbers_not_as_broken_ones() {
        use crate::messages::PhoneProblem;
        use PhoneLabel::*;
        let contacts = vec![
            contact("Client", &[("+7 916 000 00 01", Mobile)]),
            // A bank: its SMS short code and its toll-free line.
            contact("Bank", &[("900", Mobile), ("8 800 555-55-50", Work)]),
            // A carrier's service line only.
            contact("Carrier", &[("0611", Other)]),
            // A short code beside a broken number: each says what it is.
            contact("Both", &[("7757", Other), ("+7 916 12", Mobile)]),
        ];
        let mut p = plan(&contacts, &ClientIndex::new());
        let bank = p.row(1).unwrap();
        assert_eq!(
            bank.status,
            ContactStatus::New,
            "the toll-free line is a number"
        );
        assert_eq!(bank.chosen_phone, Some(1));
        assert_eq!(bank.phones[0].problem_code, Some(PhoneProblem::ShortCode));
        assert_eq!(
            bank.not_suggested,
            Some(NotSuggested::ServiceNumber {
                kind: phone::ServiceKind::TollFree
            })
        );
        let carrier = p.row(2).unwrap();
        assert_eq!(carrier.status, ContactStatus::InvalidPhone);
        assert_eq!(
            carrier.reason,
            Some(Message::InvalidPhone {
                numbers: vec![InvalidNumber {
                    raw: "0611".into(),
                    problem: PhoneProblem::ShortCode
                }]
            })
        );
        assert_eq!(
            carrier.problem.as_deref(),
            Some("0611: a short service number (a bank, carrier or SMS service), not a person's phone")
        );
        assert_eq!(
            carrier.not_suggested, None,
            "not importable, so no suggestion"
        );
        let both = p.row(3).unwrap();
        assert_eq!(
            both.reason,
            Some(Message::InvalidPhone {
                numbers: vec![
                    InvalidNumber {
                        raw: "7757".into(),
                        problem: PhoneProblem::ShortCode
                    },
                    InvalidNumber {
                        raw: "+7 916 12".into(),
                        problem: PhoneProblem::TooShort
                    },
                ]
            })
        );
        assert_eq!(p.select_suggested(), 1);
        let selected: Vec<u64> = p
            .rows()
            .iter()
            .filter(|r| r.selected)
            .map(|r| r.index)
            .collect();
        assert_eq!(selected, vec![0]);
        // Staff can still tick the bank's toll-free line, never a short code alone: it can
        // be no client's phone, and the refusal says why.
        p.set_selected(1, true).unwrap();
        let err = p.set_selected(2, true).unwrap_err().to_string();
        assert!(err.contains("0611: a short service number"), "{err}");
        assert!(
            p.choose_number(1, 0).is_err(),
            "the short code cannot be chosen"
        );
    }

    #[test]
    fn selection_rules() {
        let contacts = vec![
            contact("A", &[("+7 916 000 00 01", PhoneLabel::Mobile)]),
            contact("B", &[]),
            contact(
                "C",
                &[
                    ("+7 916 000 00 02", PhoneLabel::Work),
                    ("+7 916 000 00 03", PhoneLabel::Home),
                    ("x", PhoneLabel::Mobile),
                ],
            ),
        ];
        let mut p = plan(&contacts, &ClientIndex::new());
        assert_eq!(p.select_all(), 2);
        assert!(!p.toggle(0).unwrap());
        let err = p.set_selected(1, true).unwrap_err().to_string();
        assert!(err.contains("no phone number"), "{err}");
        assert!(p.toggle(9).is_err());
        assert!(p
            .choose_number(2, 2)
            .unwrap_err()
            .to_string()
            .contains("cannot be imported"));
        assert!(p.choose_number(2, 7).is_err());
        assert!(p.row(2).unwrap().reason.is_some());
        p.choose_number(2, 1).unwrap();
        assert_eq!(p.row(2).unwrap().status, ContactStatus::New);
        assert_eq!(
            p.row(2).unwrap().reason,
            None,
            "a confirmed choice needs nothing"
        );
        assert_eq!(p.row(2).unwrap().problem, None);
        assert_eq!(p.row(2).unwrap().chosen_phone, Some(1));
        assert_eq!(p.summary().selected, 1);
        p.select_none();
        assert_eq!(p.summary().selected, 0);
    }

    #[test]
    fn commit_then_reimport_creates_nothing() {
        let store = Store::open_in_memory().unwrap();
        let contacts: Vec<_> = (0..1200)
            .map(|i| {
                contact(
                    &format!("C{i}"),
                    &[(&format!("+7 916 {:07}", i), PhoneLabel::Mobile)],
                )
            })
            .collect();
        let mut p = plan(&contacts, &store.client_index().unwrap());
        p.select_all();
        let mut calls = Vec::new();
        let report = commit(
            &store,
            &p,
            CommitOptions::batches_of(500),
            &mut |d, t| calls.push((d, t)),
            &AtomicBool::new(false),
        )
        .unwrap();
        assert_eq!(report.created.len(), 1200);
        assert_eq!(
            calls,
            vec![(0, 1200), (500, 1200), (1000, 1200), (1200, 1200)]
        );
        let mut again = plan(&contacts, &store.client_index().unwrap());
        assert_eq!(again.select_all(), 0);
        assert_eq!(again.summary().existing_client, 1200);
        // Even the old plan, committed again, only finds what is already there.
        let report = commit(
            &store,
            &p,
            CommitOptions::default(),
            &mut no_progress,
            &AtomicBool::new(false),
        )
        .unwrap();
        assert_eq!(
            (report.created.len(), report.already_there.len()),
            (0, 1200)
        );
        assert_eq!(store.client_count().unwrap(), 1200);
    }

    #[test]
    fn cancel_stops_between_batches_and_resume_finishes() {
        let store = Store::open_in_memory().unwrap();
        let contacts: Vec<_> = (0..100)
            .map(|i| {
                contact(
                    &format!("C{i}"),
                    &[(&format!("+7 916 {:07}", i), PhoneLabel::Mobile)],
                )
            })
            .collect();
        let mut p = plan(&contacts, &ClientIndex::new());
        p.select_all();
        let cancel = AtomicBool::new(false);
        let report = commit(
            &store,
            &p,
            CommitOptions::batches_of(30),
            &mut |done, _| {
                if done >= 30 {
                    cancel.store(true, Ordering::SeqCst);
                }
            },
            &cancel,
        )
        .unwrap();
        assert!(report.cancelled);
        assert_eq!(report.created.len(), 30);
        assert_eq!(store.client_count().unwrap(), 30);
        let mut resumed = p.clone();
        resumed.apply_report(&report);
        assert_eq!(resumed.summary().selected, 70);
        assert_eq!(
            resumed.row(0).unwrap().status,
            ContactStatus::ExistingClient
        );
        assert_eq!(
            resumed.row(0).unwrap().client_id,
            Some(report.created[0].client_id)
        );
        let report = commit(
            &store,
            &p,
            CommitOptions::batches_of(30),
            &mut no_progress,
            &AtomicBool::new(false),
        )
        .unwrap();
        assert_eq!((report.created.len(), report.already_there.len()), (70, 30));
        assert_eq!(store.client_count().unwrap(), 100);
    }

    #[test]
    fn storage_failure_reports_the_batches_already_written() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("c.db");
        let store = Store::open(&path).unwrap();
        let contacts: Vec<_> = (0..10)
            .map(|i| {
                contact(
                    &format!("C{i}"),
                    &[(&format!("+7 916 {:07}", i), PhoneLabel::Mobile)],
                )
            })
            .collect();
        let mut p = plan(&contacts, &ClientIndex::new());
        p.select_all();
        // Another process breaks the database after the first batch.
        let other = rusqlite::Connection::open(&path).unwrap();
        let result = run_commit(
            &store,
            p.prepare_commit(),
            CommitOptions::batches_of(4),
            &mut |done, _| {
                if done == 4 {
                    other
                        .execute_batch("DROP TABLE phonebook_links; DROP TABLE clients;")
                        .unwrap();
                }
            },
            &AtomicBool::new(false),
        );
        let failed = result.unwrap_err();
        assert_eq!(failed.partial.created.len(), 4);
        assert!(
            failed.error.to_string().contains("clients"),
            "{}",
            failed.error
        );
    }

    #[test]
    fn filter_by_name_and_digits() {
        let contacts = vec![
            contact("Анна", &[("+7 916 111 22 33", PhoneLabel::Mobile)]),
            contact("Boris", &[("+7 916 444 55 66", PhoneLabel::Mobile)]),
        ];
        let p = plan(&contacts, &ClientIndex::new());
        assert_eq!(p.filter("анн"), vec![0]);
        assert_eq!(p.filter("BOR"), vec![1]);
        assert_eq!(p.filter("445"), vec![1]);
        assert_eq!(p.filter(""), vec![0, 1]);
        assert_eq!(p.page(1, 10).len(), 1);
        assert!(p.page(5, 10).is_empty());
    }

    #[test]
    fn hidden_last_name_still_imports_the_surname() {
        let mut c = contact("Анна", &[("+7 916 111 22 33", PhoneLabel::Mobile)]);
        c.family_name = Some("Иванова".into());
        let store = Store::open_in_memory().unwrap();
        let mut p = ImportPlan::build(
            &[c],
            &ClientIndex::new(),
            PreviewOptions {
                last_name_hidden: true,
                ..Default::default()
            },
            &mut |_, _| {},
        );
        assert_eq!(p.rows()[0].display_name, "Анна");
        p.select_all();
        commit(
            &store,
            &p,
            CommitOptions::default(),
            &mut no_progress,
            &AtomicBool::new(false),
        )
        .unwrap();
        assert_eq!(
            store.clients().unwrap()[0].surname.as_deref(),
            Some("Иванова")
        );
    }
}
