//! Sync with the salon's Altegio client database: the local mirror, and imports that can
//! be killed, lose responses or hit a flaky server and still create every client once.
//!
//! The mirror answers matching and export previews, so a preview never goes to the network
//! per contact. The journal makes imports safe: each client is journalled before the request
//! that creates it, and a client whose request got no answer is looked up (a refresh of the
//! newest clients) before it is ever sent again.

use std::collections::{HashMap, HashSet};
use std::sync::atomic::{AtomicBool, Ordering};

use crate::altegio::{AltegioClient, BulkRow, Order, RemoteClient, RemoteNewClient};
use crate::error::{Error, RemoteError, Result};
use crate::import::{CommitFailed, CommitJob, ImportReport, Imported, Skipped};
use crate::phone::{self, PhoneLabel, Region};
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
    /// Newest first, until a known client shows up: cheap, catches clients added since.
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
pub fn connect(api: &AltegioClient) -> Result<RemoteContext> {
    let rights = api.rights()?;
    let last_name_hidden = api.surname_field_enabled()? == Some(false);
    Ok(RemoteContext {
        rights,
        last_name_hidden,
    })
}

/// Gets ready to match against the remote base: checks the import right, brings the mirror
/// up to date (newest clients only, once it has data) and returns its phone index.
pub fn match_index(
    store: &Store,
    api: &AltegioClient,
    region: Region,
) -> Result<(crate::store::ClientIndex, RemoteContext)> {
    let context = connect(api)?;
    context.rights.check(crate::rights::Action::Import)?;
    refresh_mirror(store, api, region, RefreshMode::NewOnly, &mut |_, _| {})?;
    Ok((store.mirror_index(api.location_id())?, context))
}

/// An import preview against the remote base (see [`match_index`]).
pub fn import_preview(
    store: &Store,
    api: &AltegioClient,
    region: Region,
    contacts: &[crate::contact::PhonebookContact],
    progress: &mut dyn FnMut(u64, u64),
) -> Result<crate::import::ImportPlan> {
    let (index, context) = match_index(store, api, region)?;
    let options = crate::import::PreviewOptions {
        region,
        last_name_hidden: context.last_name_hidden,
        ..Default::default()
    };
    Ok(crate::import::ImportPlan::build(
        contacts, &index, options, progress,
    ))
}

/// The key of a number the server returned: Altegio stores digits without `+`.
pub fn remote_phone_key(raw: &str, region: Region) -> Option<String> {
    if raw.contains('*') {
        return None;
    }
    let digits: String = raw.chars().filter(char::is_ascii_digit).collect();
    if digits.is_empty() {
        return None;
    }
    let international = phone::normalize(&format!("+{digits}"), PhoneLabel::Other, region);
    let p = if international.valid {
        international
    } else {
        phone::normalize(raw, PhoneLabel::Other, region)
    };
    p.key()
}

fn mirror_client(c: RemoteClient, region: Region) -> MirrorClient {
    MirrorClient {
        remote_id: c.id,
        phone_key: c.phone.as_deref().and_then(|p| remote_phone_key(p, region)),
        name: c.name,
        surname: c.surname,
        middle_name: c.middle_name,
        phone: c.phone,
        email: c.email,
    }
}

/// Brings the mirror up to date. `progress(fetched, total)` after each page.
pub fn refresh_mirror(
    store: &Store,
    api: &AltegioClient,
    region: Region,
    mode: RefreshMode,
    progress: &mut dyn FnMut(u64, u64),
) -> Result<RefreshReport> {
    let location = api.location_id();
    let known = store.mirror_ids(location)?;
    if mode == RefreshMode::NewOnly && !known.is_empty() {
        return refresh_new(store, api, region, known, progress);
    }
    let mut report = RefreshReport::default();
    for pass in 1..=STABLE_PASSES {
        let mut seen = HashSet::new();
        let mut first_total = None;
        let mut page = 1;
        let last_total = loop {
            let result = api.search(page, PAGE_SIZE, Order::OldestFirst)?;
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

fn refresh_new(
    store: &Store,
    api: &AltegioClient,
    region: Region,
    mut known: HashSet<i64>,
    progress: &mut dyn FnMut(u64, u64),
) -> Result<RefreshReport> {
    let location = api.location_id();
    let mut report = RefreshReport {
        complete: true,
        ..Default::default()
    };
    let mut page = 1;
    loop {
        let result = api.search(page, PAGE_SIZE, Order::NewestFirst)?;
        report.pages += 1;
        report.total = result.total_count;
        let rows = result.clients.len();
        let fresh: Vec<MirrorClient> = result
            .clients
            .into_iter()
            .filter(|c| known.insert(c.id))
            .map(|c| mirror_client(c, region))
            .collect();
        report.fetched += fresh.len() as u64;
        // Newest first: once a known client shows up, everything after it is older and known.
        let reached_known = fresh.len() < rows;
        store.mirror_upsert(location, &fresh)?;
        progress(report.fetched, result.total_count);
        if reached_known
            || rows < PAGE_SIZE as usize
            || u64::from(page) * u64::from(PAGE_SIZE) >= result.total_count
        {
            break;
        }
        page += 1;
    }
    Ok(report)
}

fn digits(s: &str) -> String {
    s.chars().filter(char::is_ascii_digit).collect()
}

/// One client of the job, grouped by number: later contacts with the same number ride on
/// the first one's outcome.
#[derive(Clone)]
struct Pending {
    key: String,
    indexes: Vec<u64>,
    payload: RemoteNewClient,
}

/// Creates the job's clients remotely, in batches, through the journal.
///
/// Safe to kill at any point and to run again: what was journalled and possibly sent is
/// looked up on the server before anything is resent.
pub fn commit_remote(
    store: &Store,
    api: &AltegioClient,
    region: Region,
    job: CommitJob,
    batch_size: usize,
    progress: &mut dyn FnMut(u64, u64),
    cancel: &AtomicBool,
) -> std::result::Result<ImportReport, Box<CommitFailed>> {
    let location = api.location_id();
    let mut report = ImportReport {
        skipped: job.skipped,
        ..Default::default()
    };
    let total = job.clients.len() as u64;

    let mut by_key: Vec<Pending> = Vec::new();
    let mut position: HashMap<String, usize> = HashMap::new();
    for (index, c) in job.clients {
        let key = c.key();
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
                        phone: digits(&c.phone),
                        email: c.email,
                    },
                });
            }
        }
    }

    let fail = |report: ImportReport, error: Error| {
        Box::new(CommitFailed {
            partial: report,
            error,
        })
    };
    let mut run = || -> Result<()> {
        // Journal everything first: from here on a kill loses nothing.
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
        store.journal_add(location, &entries)?;
        let mut todo = settle_known(store, location, &mut by_key, &mut report)?;
        progress(total - count_indexes(&todo), total);
        // Anything sent before without an answer: look on the server first.
        if todo.iter().any(|p| p.1 > 0) {
            reconcile(store, api, region, &mut todo, &mut report, &HashMap::new())?;
            progress(total - count_indexes(&todo), total);
        }
        let mut rounds = 0;
        while !todo.is_empty() {
            rounds += 1;
            if rounds > MAX_SENDS {
                break;
            }
            let mut carry = Vec::new();
            let queue = std::mem::take(&mut todo);
            for chunk in queue.chunks(batch_size.max(1)) {
                if cancel.load(Ordering::SeqCst) {
                    report.cancelled = true;
                    carry.extend(chunk.iter().map(|(p, a)| (p.clone(), *a)));
                    continue;
                }
                let keys: Vec<String> = chunk.iter().map(|(p, _)| p.key.clone()).collect();
                store.journal_attempt(location, &keys)?;
                let payloads: Vec<RemoteNewClient> =
                    chunk.iter().map(|(p, _)| p.payload.clone()).collect();
                let mut unresolved: Vec<(Pending, u32)> = Vec::new();
                match api.bulk_create(&payloads) {
                    Ok(result) => {
                        let mut created: HashMap<usize, i64> = HashMap::new();
                        for row in &result.created {
                            if let (Some(at), Some(id)) = (match_row(chunk, row, &created), row.id)
                            {
                                created.insert(at, id);
                            }
                        }
                        let mut rejected: HashMap<String, String> = HashMap::new();
                        for row in &result.errors {
                            let none_taken = HashMap::new();
                            if let Some(at) = match_row(chunk, row, &none_taken)
                                .filter(|at| !created.contains_key(at))
                            {
                                let reason = row.error.clone().unwrap_or_else(|| "rejected".into());
                                rejected.insert(chunk[at].0.key.clone(), reason);
                            }
                        }
                        let mut settled = Vec::new();
                        for (at, (p, attempts)) in chunk.iter().enumerate() {
                            match created.get(&at) {
                                Some(&id) => {
                                    settled.push((
                                        p.key.clone(),
                                        JournalState::Done {
                                            remote_id: id,
                                            created: true,
                                        },
                                        Some(to_mirror(p, id)),
                                    ));
                                    report.created.extend(p.indexes.iter().map(|&index| {
                                        Imported {
                                            index,
                                            client_id: id,
                                        }
                                    }));
                                }
                                None => unresolved.push((p.clone(), attempts + 1)),
                            }
                        }
                        store.journal_settle(location, &settled)?;
                        if !unresolved.is_empty() {
                            // Rejected rows are often "this number already exists"; the error
                            // text is not reliable, so look the number up instead.
                            reconcile(store, api, region, &mut unresolved, &mut report, &rejected)?;
                            let mut failed = Vec::new();
                            unresolved.retain(|(p, _)| match rejected.get(&p.key) {
                                Some(reason) => {
                                    failed.push((
                                        p.key.clone(),
                                        JournalState::Failed {
                                            reason: reason.clone(),
                                        },
                                        None,
                                    ));
                                    report
                                        .skipped
                                        .extend(p.indexes.iter().map(|&index| Skipped {
                                            index,
                                            reason: format!("the server refused it: {reason}"),
                                        }));
                                    false
                                }
                                None => true,
                            });
                            store.journal_settle(location, &failed)?;
                        }
                    }
                    Err(Error::Remote(RemoteError::OutcomeUnknown { .. })) => {
                        unresolved.extend(chunk.iter().map(|(p, a)| (p.clone(), a + 1)));
                        reconcile(
                            store,
                            api,
                            region,
                            &mut unresolved,
                            &mut report,
                            &HashMap::new(),
                        )?;
                    }
                    Err(other) => return Err(other),
                }
                carry.extend(unresolved);
                progress(
                    total - count_indexes(&carry) - remaining_after(&queue, chunk),
                    total,
                );
            }
            todo = carry;
            if report.cancelled {
                break;
            }
        }
        for (p, _) in &todo {
            report
                .skipped
                .extend(p.indexes.iter().map(|&index| Skipped {
                    index,
                    reason: if report.cancelled {
                        "cancelled before it was sent".to_string()
                    } else {
                        "no confirmation from the server yet; running the import again finishes it"
                            .to_string()
                    },
                }));
        }
        Ok(())
    };
    match run() {
        Ok(()) => {
            report.log("altegio");
            Ok(report)
        }
        Err(error) => Err(fail(report, error)),
    }
}

fn count_indexes(list: &[(Pending, u32)]) -> u64 {
    list.iter().map(|(p, _)| p.indexes.len() as u64).sum()
}

/// Contacts in the queue after `chunk` (not yet sent this round).
fn remaining_after(queue: &[(Pending, u32)], chunk: &[(Pending, u32)]) -> u64 {
    let end = chunk.last().map(|(p, _)| p.key.as_str());
    match queue.iter().position(|(p, _)| Some(p.key.as_str()) == end) {
        Some(at) => count_indexes(&queue[at + 1..]),
        None => 0,
    }
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
fn match_row(
    chunk: &[(Pending, u32)],
    row: &BulkRow,
    taken: &HashMap<usize, i64>,
) -> Option<usize> {
    let free = |at: &usize| !taken.contains_key(at);
    if let Some(phone) = row.phone.as_deref().map(digits).filter(|d| !d.is_empty()) {
        if let Some(at) = chunk
            .iter()
            .position(|(p, _)| p.payload.phone == phone)
            .filter(free)
        {
            return Some(at);
        }
    }
    let name = row.name.as_deref()?;
    chunk
        .iter()
        .position(|(p, _)| p.payload.name == name)
        .filter(free)
}

/// Settles what the journal already knows; returns what still has to be sent, with how
/// many times each was sent before.
fn settle_known(
    store: &Store,
    location: i64,
    by_key: &mut Vec<Pending>,
    report: &mut ImportReport,
) -> Result<Vec<(Pending, u32)>> {
    let keys: Vec<String> = by_key.iter().map(|p| p.key.clone()).collect();
    let states: HashMap<String, JournalState> = store
        .journal_entries(location, &keys)?
        .into_iter()
        .map(|e| (e.phone_key, e.state))
        .collect();
    let index = store.mirror_index(location)?;
    let mut todo = Vec::new();
    // Settled in one transaction after the loop, not one per contact.
    let mut known = Vec::new();
    for p in by_key.drain(..) {
        match states.get(&p.key) {
            Some(JournalState::Done { remote_id, .. }) => {
                report
                    .already_there
                    .extend(p.indexes.iter().map(|&index| Imported {
                        index,
                        client_id: *remote_id,
                    }));
            }
            Some(JournalState::Pending { attempts }) => {
                // The mirror may know it from another device's import.
                if *attempts == 0 {
                    if let Some(&id) = index.get(&p.key) {
                        known.push((
                            p.key.clone(),
                            JournalState::Done {
                                remote_id: id,
                                created: false,
                            },
                            None,
                        ));
                        report
                            .already_there
                            .extend(p.indexes.iter().map(|&index| Imported {
                                index,
                                client_id: id,
                            }));
                        continue;
                    }
                }
                todo.push((p, *attempts));
            }
            _ => todo.push((p, 0)),
        }
    }
    store.journal_settle(location, &known)?;
    Ok(todo)
}

/// Looks on the server (newest clients) for clients whose creation is unconfirmed; found
/// ones are settled and leave `list`. `attempts` counts sends including the latest one; a
/// number the server just rejected was someone else's unless we had sent it before.
fn reconcile(
    store: &Store,
    api: &AltegioClient,
    region: Region,
    list: &mut Vec<(Pending, u32)>,
    report: &mut ImportReport,
    rejected: &HashMap<String, String>,
) -> Result<()> {
    let location = api.location_id();
    refresh_mirror(store, api, region, RefreshMode::NewOnly, &mut |_, _| {})?;
    let index = store.mirror_index(location)?;
    let mut settled = Vec::new();
    list.retain(|(p, attempts)| match index.get(&p.key) {
        Some(&id) => {
            let sent_before = if rejected.contains_key(&p.key) {
                *attempts > 1
            } else {
                *attempts > 0
            };
            settled.push((
                p.key.clone(),
                JournalState::Done {
                    remote_id: id,
                    created: sent_before,
                },
                None,
            ));
            let entries = p.indexes.iter().map(|&index| Imported {
                index,
                client_id: id,
            });
            if sent_before {
                report.created.extend(entries);
            } else {
                report.already_there.extend(entries);
            }
            false
        }
        None => true,
    });
    store.journal_settle(location, &settled)?;
    Ok(())
}
