//! Sync with the salon's Altegio client database: the local mirror, and imports that can
//! be killed, lose responses or hit a flaky server and still create every client once.
//!
//! The mirror answers matching and export previews, so a preview never goes to the network
//! per contact. The journal makes imports safe: each client is journalled before the request
//! that creates it, with the time that request went out. A client whose request got no answer
//! may still be created by the server until the settle window (request timeout plus a
//! margin) has passed, so it is never sent again before then, and it is looked up on the
//! server (a refresh of the newest clients, down to the mirror's watermark) just before.

use std::collections::{HashMap, HashSet};
use std::time::{Duration, Instant};

use crate::altegio::{
    now_ms, AltegioClient, BulkResult, BulkRow, Call, Order, RemoteClient, RemoteNewClient,
};
use crate::cancel::CancelToken;
use crate::error::{Error, RemoteError, Result};
use crate::import::{
    CategoryReport, CommitFailed, CommitJob, CommitOptions, Fill, ImportReport, Imported, Skipped,
};
use crate::phone::{self, Region};
use crate::store::{JournalState, MirrorClient, Store};

/// Page size for `clients/search`: Altegio's maximum.
pub const PAGE_SIZE: u32 = 200;

/// Times a full refresh starts over when the remote base changed under it.
const STABLE_PASSES: u32 = 3;

/// Sends of one client with no confirmed outcome before the import gives up on it for this run.
const MAX_SENDS: u32 = 4;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RefreshMode {
    /// Every page; clients gone from the server leave the mirror.
    Full,
    /// Newest first, down to the watermark of the last complete read: cheap, catches every
    /// client added since (a full refresh when there is no watermark yet).
    NewOnly,
}

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct RefreshReport {
    pub fetched: u64,
    pub pages: u32,
    pub removed: u64,
    /// The server's count of clients at the end.
    pub total: u64,
    /// False when the base kept changing and deleted clients were not pruned this time.
    pub complete: bool,
}

/// What the server says about the signed-in user and the location.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RemoteContext {
    pub rights: crate::rights::Rights,
    /// The location hides the surname field (`is_surname_field_enabled == false`).
    pub last_name_hidden: bool,
}

/// Reads the user's rights and the location's surname setting.
pub fn connect(api: &AltegioClient, call: &Call<'_>) -> Result<RemoteContext> {
    let rights = api.rights(call)?;
    let last_name_hidden = api.surname_field_enabled(call)? == Some(false);
    Ok(RemoteContext {
        rights,
        last_name_hidden,
    })
}

fn mirror_client(c: RemoteClient, region: Region) -> MirrorClient {
    MirrorClient {
        remote_id: c.id,
        phone_key: c
            .phone
            .as_deref()
            .and_then(|p| phone::remote_phone_key(p, region)),
        name: c.name,
        surname: c.surname,
        middle_name: c.middle_name,
        phone: c.phone,
        email: c.email,
    }
}

/// Brings the mirror up to date. `progress(fetched, total)` after each page; `cancel` is
/// checked between pages and while waiting on the network.
pub fn refresh_mirror(
    store: &Store,
    api: &AltegioClient,
    region: Region,
    mode: RefreshMode,
    progress: &mut dyn FnMut(u64, u64),
    cancel: &CancelToken,
) -> Result<RefreshReport> {
    let location = api.location_id();
    let call = Call::new(cancel).logged_in(store);
    if mode == RefreshMode::NewOnly {
        if let Some(watermark) = store.mirror_watermark(location)? {
            return refresh_new(store, api, region, watermark, progress, &call);
        }
    }
    let mut report = RefreshReport::default();
    for pass in 1..=STABLE_PASSES {
        let mut seen = HashSet::new();
        let mut first_total = None;
        let mut page = 1;
        let last_total = loop {
            cancel.check()?;
            let result = api.search(page, PAGE_SIZE, Order::OldestFirst, &call)?;
            report.pages += 1;
            let total = result.total_count;
            first_total.get_or_insert(total);
            let rows = result.clients.len();
            seen.extend(result.clients.iter().map(|c| c.id));
            report.fetched += rows as u64;
            store.mirror_upsert(
                location,
                &result
                    .clients
                    .into_iter()
                    .map(|c| mirror_client(c, region))
                    .collect::<Vec<_>>(),
            )?;
            progress(seen.len() as u64, total);
            if rows < PAGE_SIZE as usize || u64::from(page) * u64::from(PAGE_SIZE) >= total {
                break total;
            }
            page += 1;
        };
        report.total = last_total;
        // A base that changed while we paged may have shifted clients between pages: what we
        // saw is upserted, but "not seen" does not yet mean "deleted".
        if first_total == Some(last_total) && seen.len() as u64 == last_total {
            report.removed = store.mirror_retain(location, &seen)?;
            // Everything up to the newest id was read: the next incremental read stops here.
            store.set_mirror_watermark(location, seen.iter().copied().max().unwrap_or(0))?;
            report.complete = true;
            break;
        }
        tracing::info!(pass, "client base changed during refresh; paging again");
    }
    tracing::info!(
        pages = report.pages,
        fetched = report.fetched,
        removed = report.removed,
        "mirror refreshed"
    );
    Ok(report)
}

/// Newest first down to `watermark`. Stopping at the first *known* id instead would stop at
/// a client the journal put in the mirror and miss older clients nobody has read (a create
/// whose answer was lost, sitting just below one whose answer arrived): those would be sent
/// again. The watermark rises only when the base held still during the read.
fn refresh_new(
    store: &Store,
    api: &AltegioClient,
    region: Region,
    watermark: i64,
    progress: &mut dyn FnMut(u64, u64),
    call: &Call<'_>,
) -> Result<RefreshReport> {
    let location = api.location_id();
    let mut report = RefreshReport::default();
    for pass in 1..=STABLE_PASSES {
        let mut first_total = None;
        let mut newest = watermark;
        let mut page = 1;
        let last_total = loop {
            call.cancel().check()?;
            let result = api.search(page, PAGE_SIZE, Order::NewestFirst, call)?;
            report.pages += 1;
            let total = result.total_count;
            first_total.get_or_insert(total);
            let rows = result.clients.len();
            let reached_mark = result.clients.iter().any(|c| c.id <= watermark);
            let fresh: Vec<MirrorClient> = result
                .clients
                .into_iter()
                .filter(|c| c.id > watermark)
                .map(|c| mirror_client(c, region))
                .collect();
            newest = fresh.iter().map(|c| c.remote_id).fold(newest, i64::max);
            report.fetched += fresh.len() as u64;
            store.mirror_upsert(location, &fresh)?;
            progress(report.fetched, total);
            if reached_mark
                || rows < PAGE_SIZE as usize
                || u64::from(page) * u64::from(PAGE_SIZE) >= total
            {
                break total;
            }
            page += 1;
        };
        report.total = last_total;
        // Deleted clients shift rows between pages; only a read that saw the same count on
        // every page is known to have missed nobody.
        if first_total == Some(last_total) {
            store.set_mirror_watermark(location, newest)?;
            report.complete = true;
            break;
        }
        tracing::info!(pass, "client base changed during refresh; reading again");
    }
    Ok(report)
}

/// One client of the job, grouped by number: later contacts with the same number ride on
/// the first one's outcome.
#[derive(Clone)]
struct Pending {
    key: String,
    indexes: Vec<u64>,
    payload: RemoteNewClient,
}

/// A client still to confirm, and what the journal says about its sends.
#[derive(Clone)]
struct Unsettled {
    client: Pending,
    /// Requests that carried it, the latest included.
    sends: u32,
    /// When the latest one went out (Unix ms); `None` if never sent.
    sent_at_ms: Option<i64>,
}

impl Unsettled {
    /// Time left before a send that may still be applied can no longer land; zero when it
    /// was never sent or its window has passed. A send time in the future (the clock went
    /// back) counts as just sent, but one further off than the window as long past.
    fn in_doubt_for(&self, now_ms: i64, window: Duration) -> Duration {
        let Some(sent) = self.sent_at_ms else {
            return Duration::ZERO;
        };
        let window_ms = window.as_millis() as i64;
        if sent > now_ms + window_ms {
            return Duration::ZERO;
        }
        let until = sent.min(now_ms) + window_ms;
        Duration::from_millis(until.saturating_sub(now_ms).max(0) as u64)
    }
}

/// Creates the job's clients remotely, in batches, through the journal.
///
/// Safe to kill at any point and to run again: what was journalled and possibly sent is
/// never resent while it may still land, and is looked up on the server before it is.
/// `cancel` is checked between batches and while waiting (settle window, limiter, backoff);
/// a cancelled commit reports what is left as skipped.
pub fn commit_remote(
    store: &Store,
    api: &AltegioClient,
    region: Region,
    job: CommitJob,
    options: CommitOptions,
    progress: &mut dyn FnMut(u64, u64),
    cancel: &CancelToken,
) -> std::result::Result<ImportReport, Box<CommitFailed>> {
    // The category is looked up (or created) first, so the creates carry it. Not finding or
    // making it never stops the import: the clients matter more than their label.
    let category = match &options.category {
        Some(title) => match ensure_category(api, store, title, cancel) {
            Ok(found) => Some(found),
            Err(e) => {
                tracing::warn!(error = %e, "the import's category could not be found or created");
                None
            }
        },
        None => None,
    };
    // One bar for the whole commit: the creates, then the cards filled in (a request or two
    // each, so a long fill-in moves the bar too).
    let (creates, fills) = (job.clients.len() as u64, job.fills.len() as u64);
    let mut creating = |done: u64, _: u64| progress(done, creates + fills);
    let mut commit = RemoteCommit {
        store,
        api,
        region,
        location: api.location_id(),
        batch_size: options.batch_size.max(1),
        history_id: options.record_as,
        category: category.map(|(id, _)| id),
        window: api.policy().settle_window(),
        total: creates,
        progress: &mut creating,
        cancel,
        report: ImportReport {
            skipped: job.skipped,
            history_id: options.record_as,
            ..Default::default()
        },
    };
    let mut result = commit.run(job.clients);
    let mut report = commit.report;
    if result.is_ok() && !report.cancelled && !job.fills.is_empty() {
        let mut filling = |done: u64| progress(creates + done, creates + fills);
        result = fill_in(api, store, &job.fills, &mut report, &mut filling, cancel);
    }
    if let Some(title) = options.category {
        let report = &mut report;
        report.category = Some(match category {
            Some((id, created_category)) => {
                let (set, not_set) = confirm_category(api, store, id, report, cancel);
                CategoryReport {
                    title,
                    set,
                    not_set,
                    created_category,
                }
            }
            None => CategoryReport {
                title,
                not_set: distinct_created(report).len() as u64,
                ..Default::default()
            },
        });
    }
    match result {
        Ok(()) => {
            report.log("altegio");
            Ok(report)
        }
        Err(error) => Err(Box::new(CommitFailed {
            partial: report,
            error,
        })),
    }
}

/// The id of the location's category titled `title` (ignoring case and surrounding
/// spaces), created when missing; true when this call created it. Two devices racing both
/// try to create it: the server refuses the second title, and both read the same id back.
pub fn ensure_category(
    api: &AltegioClient,
    store: &Store,
    title: &str,
    cancel: &CancelToken,
) -> Result<(i64, bool)> {
    let call = Call::new(cancel).logged_in(store);
    let find = |list: Vec<crate::altegio::RemoteCategory>| {
        let wanted = title.trim().to_lowercase();
        list.into_iter()
            .filter(|c| c.title.to_lowercase() == wanted)
            .map(|c| c.id)
            .min()
    };
    if let Some(id) = find(api.categories(&call)?) {
        return Ok((id, false));
    }
    let created = match api.create_category(title.trim(), CATEGORY_COLOR, &call) {
        Ok(()) => true,
        // Refused: most likely another device created it a moment ago (the text is not
        // reliable). Lost answer: it may exist now. Either way, the list says.
        Err(Error::Remote(RemoteError::Rejected { .. }))
        | Err(Error::Remote(RemoteError::OutcomeUnknown { .. })) => false,
        Err(e) => return Err(e),
    };
    match find(api.categories(&call)?) {
        Some(id) => Ok((id, created)),
        None => Err(RemoteError::Protocol {
            detail: "labels: the category just created is not in the list".into(),
        }
        .into()),
    }
}

/// Fills in the emails and birthdays staff ticked, on existing clients: per client, read the
/// card, and only where it still has no email (no birthday), write the whole card back with
/// it (whether a partial update blanks the fields it omits is undocumented). Never
/// overwrites: a value set meanwhile is left alone. Safe to run again after a kill: the server
/// is the journal, since a card already filled reads as having the value and is skipped.
fn fill_in(
    api: &AltegioClient,
    store: &Store,
    fills: &[Fill],
    report: &mut ImportReport,
    progress: &mut dyn FnMut(u64),
    cancel: &CancelToken,
) -> Result<()> {
    let call = Call::new(cancel).logged_in(store);
    let location = api.location_id();
    for (done, f) in fills.iter().enumerate() {
        progress(done as u64);
        if cancel.is_cancelled() {
            report.cancelled = true;
            break;
        }
        let Some(card) = api.client(f.client_id, &call)? else {
            continue;
        };
        let email = f.email.as_ref().filter(|_| card.client.email.is_none());
        let birthday = f
            .birthday
            .as_ref()
            .filter(|_| birthday_missing(card.raw.get("birth_date")));
        if email.is_none() && birthday.is_none() {
            continue;
        }
        let mut body = writable_card(&card)?;
        if let Some(e) = email {
            body["email"] = serde_json::json!(e);
        }
        if let Some(b) = birthday {
            body["birth_date"] = serde_json::json!(b);
        }
        api.update_client(f.client_id, &body, &call)?;
        if let Some(e) = email {
            store.mirror_set_email(location, f.client_id, e)?;
        }
        report.filled.push(Imported {
            index: f.index,
            client_id: f.client_id,
        });
    }
    progress(fills.len() as u64);
    tracing::info!(
        filled = report.filled.len(),
        "missing emails and birthdays filled in"
    );
    Ok(())
}

/// Whether a card's `birth_date` means "none": absent, empty, or one of the placeholders
/// bases are full of (1900-01-01, 1970-01-01, 0000-00-00). Any other value is the client's,
/// in whatever form, and is never overwritten.
fn birthday_missing(value: Option<&serde_json::Value>) -> bool {
    match value {
        None | Some(serde_json::Value::Null) => true,
        Some(serde_json::Value::String(s)) => {
            matches!(s.trim(), "" | "0000-00-00" | "1900-01-01" | "1970-01-01")
        }
        Some(_) => false,
    }
}

/// The colour new categories get (Altegio requires one): a calm blue.
const CATEGORY_COLOR: &str = "#3F8CFF";

/// The distinct clients a report says were created.
fn distinct_created(report: &ImportReport) -> HashSet<i64> {
    report.created.iter().map(|c| c.client_id).collect()
}

/// Reads back which created clients are in category `id` and, for those the create did not
/// put there, writes the category onto the card (whole card, merged, under both field
/// spellings the docs use), then reads back again. Returns (in it, not confirmed).
fn confirm_category(
    api: &AltegioClient,
    store: &Store,
    id: i64,
    report: &ImportReport,
    cancel: &CancelToken,
) -> (u64, u64) {
    let created = distinct_created(report);
    if created.is_empty() {
        return (0, 0);
    }
    let call = Call::new(cancel).logged_in(store);
    let missing = |in_it: &HashSet<i64>| -> Vec<i64> {
        let mut m: Vec<i64> = created.difference(in_it).copied().collect();
        m.sort_unstable();
        m
    };
    let Ok(in_it) = in_category(api, id, &created, &call) else {
        return (0, created.len() as u64);
    };
    let missing_now = missing(&in_it);
    if missing_now.is_empty() {
        return (created.len() as u64, 0);
    }
    tracing::info!(
        missing = missing_now.len(),
        "the create did not set the category; writing it on the cards"
    );
    for client in &missing_now {
        if cancel.is_cancelled() {
            break;
        }
        if let Err(e) = add_category_to_card(api, *client, id, &call) {
            tracing::warn!(error = %e, "a client's category could not be written");
        }
    }
    match in_category(api, id, &created, &call) {
        Ok(in_it) => {
            let left = missing(&in_it).len() as u64;
            (created.len() as u64 - left, left)
        }
        Err(_) => (
            (created.len() - missing_now.len()) as u64,
            missing_now.len() as u64,
        ),
    }
}

/// Which of `clients` are in category `id`. One category-filtered search answers it; one
/// card read checks that the server really applied the filter (a server that ignores an
/// unknown filter returns everyone). If the card disagrees, every card is read instead.
fn in_category(
    api: &AltegioClient,
    id: i64,
    clients: &HashSet<i64>,
    call: &Call<'_>,
) -> Result<HashSet<i64>> {
    let found: HashSet<i64> = api
        .clients_in_category(id, clients.iter().copied().min().unwrap_or(0), call)?
        .intersection(clients)
        .copied()
        .collect();
    let Some(&sample) = found.iter().min() else {
        return Ok(found);
    };
    let has = |client: i64| -> Result<bool> {
        Ok(api
            .client(client, call)?
            .is_some_and(|card| card.categories.contains(&id)))
    };
    if has(sample)? {
        return Ok(found);
    }
    tracing::info!("the category filter was not applied; reading each card");
    let mut confirmed = HashSet::new();
    for &client in clients {
        if has(client)? {
            confirmed.insert(client);
        }
    }
    Ok(confirmed)
}

/// Adds category `category` to a client's card: read, merge, write the whole card.
fn add_category_to_card(
    api: &AltegioClient,
    client: i64,
    category: i64,
    call: &Call<'_>,
) -> Result<()> {
    let Some(card) = api.client(client, call)? else {
        return Ok(());
    };
    let mut ids = card.categories.clone();
    if !ids.contains(&category) {
        ids.push(category);
    }
    let mut body = writable_card(&card)?;
    body["categories"] = serde_json::json!(ids);
    body["labels"] = serde_json::json!(ids);
    api.update_client(client, &body, call)
}

/// The card as a `PUT` body: every field as read, with categories as ids (the card carries
/// them as objects) and the phone as digits. Refused for a card whose phone came masked (no
/// phones right): writing it back would replace the number with the mask.
pub fn writable_card(card: &crate::altegio::RemoteCard) -> Result<serde_json::Value> {
    let phone = card
        .client
        .phone
        .as_deref()
        .filter(|p| !p.contains('*'))
        .map(phone::digits)
        .filter(|d| !d.is_empty())
        .ok_or_else(|| {
            Error::from(RemoteError::Protocol {
                detail: "client: the phone came masked or empty; the card is not written back"
                    .into(),
            })
        })?;
    let mut body = card.raw.clone();
    let map = body.as_object_mut().ok_or_else(|| {
        Error::from(RemoteError::Protocol {
            detail: "client: the card is not an object".into(),
        })
    })?;
    map.remove("id");
    // Both spellings the docs use for the field, so neither server reading blanks them.
    map.insert("categories".into(), serde_json::json!(card.categories));
    map.insert("labels".into(), serde_json::json!(card.categories));
    map.insert("phone".into(), serde_json::json!(phone));
    Ok(body)
}

/// One remote commit, in the order its steps run: [`journal`](Self::journal) every client,
/// [`settle_known`](Self::settle_known) what the journal and mirror already know, then rounds
/// of [`send`](Self::send) (with [`settle`](Self::settle) of each answer), [`reconcile`]
/// (Self::reconcile) against the server, and [`resend`](Self::resend) of what is certainly
/// not there once its settle window has passed.
struct RemoteCommit<'a> {
    store: &'a Store,
    api: &'a AltegioClient,
    region: Region,
    location: i64,
    batch_size: usize,
    /// The history entry confirmed creations are recorded under (for undo).
    history_id: Option<i64>,
    /// The category id every created client is put in, set in the create request itself.
    category: Option<i64>,
    /// How long a sent create may still land (see `Politeness::settle_window`).
    window: Duration,
    total: u64,
    progress: &'a mut dyn FnMut(u64, u64),
    cancel: &'a CancelToken,
    report: ImportReport,
}

impl RemoteCommit<'_> {
    fn run(&mut self, clients: Vec<(u64, crate::store::NewClient)>) -> Result<()> {
        let pending = self.journal(clients)?;
        let mut todo = self.settle_known(pending)?;
        self.report_progress(&todo);
        let mut rounds = 0;
        while !todo.is_empty() {
            if self.cancel.is_cancelled() {
                self.report.cancelled = true;
                break;
            }
            // Never sent: send now. Sent before: look up, and resend only what is certainly
            // not on the server and can no longer land.
            let (fresh, sent): (Vec<_>, Vec<_>) = todo.into_iter().partition(|u| u.sends == 0);
            todo = sent;
            if !fresh.is_empty() {
                let left = self.send(fresh)?;
                todo.extend(left);
            } else {
                rounds += 1;
                if rounds > MAX_SENDS {
                    break;
                }
                todo = self.resend(todo)?;
            }
            self.report_progress(&todo);
        }
        self.give_up(todo);
        Ok(())
    }

    /// Step 1: journals every client before anything is sent, grouped by number: from here on
    /// a kill loses nothing.
    fn journal(&mut self, clients: Vec<(u64, crate::store::NewClient)>) -> Result<Vec<Pending>> {
        let mut by_key: Vec<Pending> = Vec::new();
        let mut position: HashMap<String, usize> = HashMap::new();
        for (index, c) in clients {
            // Altegio's key: an extension is not part of the client there.
            let key = phone::altegio_key(&c.phone, c.phone_extension.as_deref());
            match position.get(&key) {
                Some(&at) => by_key[at].indexes.push(index),
                None => {
                    position.insert(key.clone(), by_key.len());
                    by_key.push(Pending {
                        key,
                        indexes: vec![index],
                        payload: RemoteNewClient {
                            name: c.name,
                            surname: c.surname,
                            middle_name: c.middle_name,
                            phone: phone::altegio_digits(&c.phone),
                            email: c.email,
                            comment: c.phone_extension.as_deref().map(extension_comment),
                            categories: self.category.iter().copied().collect(),
                            birth_date: c.birth_date,
                        },
                    });
                }
            }
        }
        let entries: Vec<(String, String)> = by_key
            .iter()
            .map(|p| {
                Ok((
                    p.key.clone(),
                    serde_json::to_string(&p.payload)
                        .map_err(|e| Error::BadInput(e.to_string()))?,
                ))
            })
            .collect::<Result<_>>()?;
        self.store
            .journal_add(self.location, &entries, self.history_id)?;
        Ok(by_key)
    }

    /// Step 2: settles what the journal already knows (done before, or never sent and now in
    /// the mirror from another device's import); returns the rest with their send history.
    fn settle_known(&mut self, pending: Vec<Pending>) -> Result<Vec<Unsettled>> {
        let keys: Vec<String> = pending.iter().map(|p| p.key.clone()).collect();
        let states: HashMap<String, JournalState> = self
            .store
            .journal_entries(self.location, &keys)?
            .into_iter()
            .map(|e| (e.phone_key, e.state))
            .collect();
        let index = self.store.mirror_index(self.location)?;
        let mut todo = Vec::new();
        // Settled in one transaction after the loop, not one per contact.
        let mut known = Vec::new();
        for p in pending {
            match states.get(&p.key) {
                Some(JournalState::Done { remote_id, .. }) => {
                    extend(&mut self.report.already_there, &p, *remote_id);
                }
                Some(JournalState::Pending {
                    attempts: 0,
                    sent_at_ms: _,
                }) if index.contains_key(&p.key) => {
                    let id = index[&p.key];
                    known.push(done(&p, id, false));
                    extend(&mut self.report.already_there, &p, id);
                }
                Some(JournalState::Pending {
                    attempts,
                    sent_at_ms,
                }) => todo.push(Unsettled {
                    client: p,
                    sends: *attempts,
                    sent_at_ms: *sent_at_ms,
                }),
                _ => todo.push(Unsettled {
                    client: p,
                    sends: 0,
                    sent_at_ms: None,
                }),
            }
        }
        self.store.journal_settle(self.location, &known)?;
        Ok(todo)
    }

    /// Step 3: sends clients in batches. Each batch's send time is journalled before it goes
    /// out; its answer is settled; what has no certain outcome comes back, in doubt.
    fn send(&mut self, list: Vec<Unsettled>) -> Result<Vec<Unsettled>> {
        let mut left = Vec::new();
        let mut queue = list.into_iter().peekable();
        while queue.peek().is_some() {
            if self.cancel.is_cancelled() {
                self.report.cancelled = true;
                left.extend(queue);
                break;
            }
            let mut chunk: Vec<Unsettled> = queue.by_ref().take(self.batch_size).collect();
            let keys: Vec<String> = chunk.iter().map(|u| u.client.key.clone()).collect();
            let sent_at = now_ms();
            self.store.journal_attempt(self.location, &keys, sent_at)?;
            for u in &mut chunk {
                u.sends += 1;
                u.sent_at_ms = Some(sent_at);
            }
            let payloads: Vec<RemoteNewClient> =
                chunk.iter().map(|u| u.client.payload.clone()).collect();
            let call = Call::new(self.cancel).logged_in(self.store);
            let unresolved = match self.api.bulk_create(&payloads, &call) {
                Ok(answer) => self.settle(chunk, &answer)?,
                // The server may have created any of them: look now (a lost answer's write is
                // usually there already); what is not found waits out its window.
                Err(Error::Remote(RemoteError::OutcomeUnknown { .. })) => {
                    self.reconcile(chunk, &HashMap::new())?
                }
                Err(other) => {
                    left.extend(chunk);
                    left.extend(queue);
                    self.give_up(left);
                    return Err(other);
                }
            };
            left.extend(unresolved);
            let queued: u64 = queue.clone().map(|u| u.client.indexes.len() as u64).sum();
            let done = self.total - count(&left) - queued;
            (self.progress)(done, self.total);
        }
        Ok(left)
    }

    /// Step 4: reads one bulk answer. Created rows are done. Rejected rows are looked up (the
    /// usual reason is "this number already exists", and the text is not reliable); the
    /// ones not found failed. Rows the answer does not mention stay in doubt.
    fn settle(&mut self, chunk: Vec<Unsettled>, answer: &BulkResult) -> Result<Vec<Unsettled>> {
        let mut created: HashMap<usize, i64> = HashMap::new();
        for row in &answer.created {
            if let (Some(at), Some(id)) = (match_row(&chunk, row, &created), row.id) {
                created.insert(at, id);
            }
        }
        let mut rejected: HashMap<String, String> = HashMap::new();
        for row in &answer.errors {
            if let Some(at) =
                match_row(&chunk, row, &HashMap::new()).filter(|at| !created.contains_key(at))
            {
                let reason = row.error.clone().unwrap_or_else(|| "rejected".into());
                rejected.insert(chunk[at].client.key.clone(), reason);
            }
        }
        let mut settled = Vec::new();
        let mut unresolved = Vec::new();
        for (at, u) in chunk.into_iter().enumerate() {
            match created.get(&at) {
                Some(&id) => {
                    settled.push((
                        u.client.key.clone(),
                        JournalState::Done {
                            remote_id: id,
                            created: true,
                        },
                        Some(to_mirror(&u.client, id)),
                    ));
                    extend(&mut self.report.created, &u.client, id);
                }
                None => unresolved.push(u),
            }
        }
        self.store.journal_settle(self.location, &settled)?;
        if unresolved.is_empty() {
            return Ok(unresolved);
        }
        let mut unresolved = self.reconcile(unresolved, &rejected)?;
        let mut failed = Vec::new();
        unresolved.retain(|u| match rejected.get(&u.client.key) {
            // Refused, and not on the server: this send created nothing. An earlier send in
            // doubt would have been waited out before this one went.
            Some(reason) => {
                failed.push((
                    u.client.key.clone(),
                    JournalState::Failed {
                        reason: reason.clone(),
                    },
                    None,
                ));
                self.report
                    .skipped
                    .extend(u.client.indexes.iter().map(|&index| Skipped {
                        index,
                        reason: format!("the server refused it: {reason}"),
                    }));
                false
            }
            None => true,
        });
        self.store.journal_settle(self.location, &failed)?;
        Ok(unresolved)
    }

    /// Step 5: looks on the server (the newest clients, down to the mirror's watermark) for
    /// clients whose creation is unconfirmed; found ones are settled, the rest come back.
    /// A number the server just refused was someone else's unless we had sent it before.
    fn reconcile(
        &mut self,
        list: Vec<Unsettled>,
        rejected: &HashMap<String, String>,
    ) -> Result<Vec<Unsettled>> {
        refresh_mirror(
            self.store,
            self.api,
            self.region,
            RefreshMode::NewOnly,
            &mut |_, _| {},
            self.cancel,
        )?;
        let index = self.store.mirror_index(self.location)?;
        let mut settled = Vec::new();
        let mut left = Vec::new();
        for u in list {
            let Some(&id) = index.get(&u.client.key) else {
                left.push(u);
                continue;
            };
            let ours = if rejected.contains_key(&u.client.key) {
                u.sends > 1
            } else {
                u.sends > 0
            };
            settled.push(done(&u.client, id, ours));
            let list = if ours {
                &mut self.report.created
            } else {
                &mut self.report.already_there
            };
            extend(list, &u.client, id);
        }
        self.store.journal_settle(self.location, &settled)?;
        Ok(left)
    }

    /// Step 6: clients sent before and not confirmed. Waits until the last of their sends
    /// can no longer land, looks them up once more, and sends again only what is still
    /// missing. Returns what is still unconfirmed.
    fn resend(&mut self, list: Vec<Unsettled>) -> Result<Vec<Unsettled>> {
        let wait = list
            .iter()
            .map(|u| u.in_doubt_for(now_ms(), self.window))
            .max()
            .unwrap_or_default();
        if !self.sleep(wait) {
            return Ok(list);
        }
        let missing = self.reconcile(list, &HashMap::new())?;
        if missing.is_empty() {
            return Ok(missing);
        }
        let (again, spent): (Vec<_>, Vec<_>) =
            missing.into_iter().partition(|u| u.sends < MAX_SENDS);
        let mut left = self.send(again)?;
        left.extend(spent);
        Ok(left)
    }

    /// Sleeps in short steps; false when cancelled meanwhile.
    fn sleep(&mut self, total: Duration) -> bool {
        let end = Instant::now() + total;
        loop {
            if self.cancel.is_cancelled() {
                self.report.cancelled = true;
                return false;
            }
            let now = Instant::now();
            if now >= end {
                return true;
            }
            std::thread::sleep((end - now).min(Duration::from_millis(50)));
        }
    }

    /// Reports what is left as skipped, saying why.
    fn give_up(&mut self, left: Vec<Unsettled>) {
        for u in left {
            let reason = match (u.sends, self.report.cancelled) {
                (0, true) => "cancelled before it was sent",
                _ => "sent, but not confirmed by the server yet; running the import again finishes it",
            };
            self.report
                .skipped
                .extend(u.client.indexes.iter().map(|&index| Skipped {
                    index,
                    reason: reason.to_string(),
                }));
        }
    }

    fn report_progress(&mut self, todo: &[Unsettled]) {
        (self.progress)(self.total - count(todo), self.total);
    }
}

fn count(list: &[Unsettled]) -> u64 {
    list.iter().map(|u| u.client.indexes.len() as u64).sum()
}

fn extend(list: &mut Vec<Imported>, p: &Pending, client_id: i64) {
    list.extend(p.indexes.iter().map(|&index| Imported { index, client_id }));
}

fn done(
    p: &Pending,
    remote_id: i64,
    created: bool,
) -> (String, JournalState, Option<MirrorClient>) {
    (
        p.key.clone(),
        JournalState::Done { remote_id, created },
        None,
    )
}

/// Where an extension goes, since Altegio stores none: the client's comment, which the
/// create and bulk endpoints take, so staff still see it on the client's card.
pub fn extension_comment(extension: &str) -> String {
    format!("ext. {extension}")
}

fn to_mirror(p: &Pending, id: i64) -> MirrorClient {
    MirrorClient {
        remote_id: id,
        name: p.payload.name.clone(),
        surname: p.payload.surname.clone(),
        middle_name: p.payload.middle_name.clone(),
        phone: Some(p.payload.phone.clone()),
        phone_key: Some(p.key.clone()),
        email: p.payload.email.clone(),
    }
}

/// Which batch row a response row is about: by number, then by name, never by error text.
fn match_row(chunk: &[Unsettled], row: &BulkRow, taken: &HashMap<usize, i64>) -> Option<usize> {
    let free = |at: &usize| !taken.contains_key(at);
    if let Some(phone) = row
        .phone
        .as_deref()
        .map(phone::digits)
        .filter(|d| !d.is_empty())
    {
        if let Some(at) = chunk
            .iter()
            .position(|u| u.client.payload.phone == phone)
            .filter(free)
        {
            return Some(at);
        }
    }
    let name = row.name.as_deref()?;
    chunk
        .iter()
        .position(|u| u.client.payload.name == name)
        .filter(free)
}
