//! Import: phonebook contacts → client database.
//!
//! Three steps, as the screen has them: a preview (one row per contact with what would be
//! stored and why), a selection (select all, toggle, choose a number), and a commit that
//! writes the selection in batches. The preview and selection are pure; only the commit
//! touches the store, and it re-checks every number there, so a stale preview can still never
//! create a duplicate.

use std::collections::HashMap;
use std::sync::atomic::{AtomicBool, Ordering};

use serde::{Deserialize, Serialize};

use crate::cancel::CancelToken;
use crate::contact::PhonebookContact;
use crate::error::{Error, Result};
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

    fn why_not(self) -> &'static str {
        match self {
            ContactStatus::New | ContactStatus::NeedsChoice => "it can be imported",
            ContactStatus::ExistingClient => "its number already belongs to a client",
            ContactStatus::DuplicateInPhonebook => {
                "an earlier contact in the phonebook has the same number"
            }
            ContactStatus::NoPhone => "it has no phone number",
            ContactStatus::InvalidPhone => "none of its numbers is a valid phone number",
            ContactStatus::NoName => "it has no name, organisation or nickname",
        }
    }
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
    /// Why the contact cannot be imported as it is, in words for staff.
    pub problem: Option<String>,
    pub selected: bool,
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
}

/// The preview plus the staff's selection and number choices.
#[derive(Debug, Clone)]
pub struct ImportPlan {
    rows: Vec<PreviewRow>,
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
        let understood = understand_all(items, progress, &never, |(index, c)| {
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
        let understood = understand_all(contacts, progress, cancel, |(index, c)| {
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
        Self::match_cancellable(understood, clients, options, &never)
            .unwrap_or_else(|_| ImportPlan { rows: Vec::new() })
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
            rows.push(preview_row(index, contact, clients, &mut seen, options));
        }
        tracing::debug!(contacts = total, "import preview built");
        Ok(ImportPlan { rows })
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

    /// Sets one contact's selection. Selecting a contact that cannot be imported is an error
    /// that says why.
    pub fn set_selected(&mut self, index: u64, selected: bool) -> Result<()> {
        let row = self.row_mut(index)?;
        if selected && !row.status.importable() {
            return Err(Error::BadInput(format!(
                "contact {index} cannot be imported: {}",
                row.status.why_not()
            )));
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
                chosen.problem.as_deref().unwrap_or("invalid")
            )));
        }
        if !row.status.importable() {
            return Err(Error::BadInput(format!(
                "contact {index} cannot be imported: {}",
                row.status.why_not()
            )));
        }
        row.chosen_phone = Some(phone);
        row.status = ContactStatus::New;
        Ok(())
    }

    /// Freezes the selection into the clients to create, so the slow part of a commit can run
    /// without holding the plan (a screen keeps reading rows meanwhile).
    pub fn prepare_commit(&self) -> CommitJob {
        let mut job = CommitJob::default();
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
                    },
                )),
                _ => job.skipped.push(Skipped {
                    index: row.index,
                    reason: row.status.why_not().to_string(),
                }),
            }
        }
        job
    }

    /// Records what a commit did: those contacts are clients now and leave the selection, so
    /// committing again (after a cancel, say) only sends what is left.
    pub fn apply_report(&mut self, report: &ImportReport) {
        for done in report.created.iter().chain(&report.already_there) {
            if let Ok(row) = self.row_mut(done.index) {
                row.status = ContactStatus::ExistingClient;
                row.client_id = Some(done.client_id);
                row.duplicate_of = None;
                row.problem = None;
                row.selected = false;
            }
        }
    }
}

/// Rows `offset..offset + limit` of a list, fewer at its end, none past it.
pub(crate) fn page<T>(rows: &[T], offset: u64, limit: u64) -> &[T] {
    let start = usize::try_from(offset)
        .unwrap_or(usize::MAX)
        .min(rows.len());
    let end = start
        .saturating_add(usize::try_from(limit).unwrap_or(usize::MAX))
        .min(rows.len());
    &rows[start..end]
}

/// A search box's text: case-insensitive on names; its digits match any spelling of a number.
pub(crate) struct TextQuery {
    needle: String,
    digits: String,
}

impl TextQuery {
    pub(crate) fn new(query: &str) -> Self {
        let needle = query.trim().to_lowercase();
        let digits = needle.chars().filter(char::is_ascii_digit).collect();
        TextQuery { needle, digits }
    }

    pub(crate) fn matches<'a>(
        &self,
        names: impl IntoIterator<Item = &'a str>,
        numbers: impl IntoIterator<Item = &'a str>,
    ) -> bool {
        if self.needle.is_empty() {
            return true;
        }
        names
            .into_iter()
            .any(|n| n.to_lowercase().contains(&self.needle))
            || (!self.digits.is_empty()
                && numbers.into_iter().any(|n| {
                    n.chars()
                        .filter(char::is_ascii_digit)
                        .collect::<String>()
                        .contains(&self.digits)
                }))
    }
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
}

impl Understood {
    fn of(contact: &PhonebookContact, options: PreviewOptions) -> Understood {
        Understood {
            platform_id: contact.platform_id.clone(),
            phones: phone::collapse(
                contact
                    .phones
                    .iter()
                    .map(|p| phone::normalize(&p.number, p.label, options.region))
                    .collect(),
            ),
            name: contact.name_fields().to_client_name(),
            email: contact.first_email(),
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
        for (i, item) in items.into_iter().enumerate() {
            if cancel.is_cancelled() {
                return None;
            }
            out.push(understand(item));
            report(i + 1, progress);
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
                        for item in chunk {
                            if cancel.is_cancelled() {
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

fn preview_row(
    index: u64,
    contact: Understood,
    clients: &ClientIndex,
    seen: &mut HashMap<String, u64>,
    options: PreviewOptions,
) -> PreviewRow {
    let Understood {
        platform_id,
        phones,
        name,
        email,
    } = contact;
    let chosen = phone::default_choice(&phones);
    let keys: Vec<String> = phones.iter().filter_map(Phone::key).collect();
    let existing = keys.iter().find_map(|k| clients.get(k).copied());
    let earlier = keys.iter().find_map(|k| seen.get(k).copied());

    let (status, problem) = match (&name, existing, earlier) {
        (Err(p), _, _) => (ContactStatus::NoName, Some(p.to_string())),
        _ if phones.is_empty() => (
            ContactStatus::NoPhone,
            Some(ContactStatus::NoPhone.why_not().to_string()),
        ),
        _ if chosen.is_none() => {
            let reasons: Vec<String> = phones
                .iter()
                .filter_map(|p| {
                    p.problem.as_ref().map(|why| match p.raw.trim() {
                        "" => format!("(empty number): {why}"),
                        raw => format!("{raw}: {why}"),
                    })
                })
                .collect();
            // The raw numbers are shown to staff on screen; they never go to logs.
            (ContactStatus::InvalidPhone, Some(reasons.join("; ")))
        }
        (_, Some(_), _) => (ContactStatus::ExistingClient, None),
        (_, None, Some(_)) => (ContactStatus::DuplicateInPhonebook, None),
        _ if keys.len() > 1 => (ContactStatus::NeedsChoice, None),
        _ => (ContactStatus::New, None),
    };
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
    PreviewRow {
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
        selected: false,
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
#[derive(Debug, Clone, Copy)]
pub struct CommitOptions {
    /// Clients per transaction.
    pub batch_size: usize,
}

impl Default for CommitOptions {
    fn default() -> Self {
        CommitOptions { batch_size: 500 }
    }
}

/// The clients a commit will create, frozen from a plan's selection.
#[derive(Debug, Clone, Default)]
pub struct CommitJob {
    pub(crate) clients: Vec<(u64, NewClient)>,
    pub(crate) skipped: Vec<Skipped>,
}

impl CommitJob {
    pub fn len(&self) -> usize {
        self.clients.len()
    }

    pub fn is_empty(&self) -> bool {
        self.clients.is_empty()
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
    let CommitJob { clients, skipped } = job;
    let total = clients.len() as u64;
    let mut report = ImportReport {
        skipped,
        ..Default::default()
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
        let outcomes = match store.insert_batch(&batch) {
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
            contact("Bad", &[("123", Mobile)]),
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
        assert!(p.rows()[5].problem.as_deref().unwrap().contains("123"));
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
        p.choose_number(2, 1).unwrap();
        assert_eq!(p.row(2).unwrap().status, ContactStatus::New);
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
            CommitOptions { batch_size: 500 },
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
            CommitOptions { batch_size: 30 },
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
            CommitOptions { batch_size: 30 },
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
            CommitOptions { batch_size: 4 },
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
