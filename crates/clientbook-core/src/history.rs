//! Import history and undo.
//!
//! Why: the commonest complaint about contact imports is that a bad one cannot be taken back
//! ("open 300 tabs to delete them"). Every commit is recorded with the clients it created
//! (never the ones that were already there), as it created them, in the same transaction as
//! the clients themselves. Undo deletes exactly those, and only while each still looks as the
//! import left it: a client someone has edited since is kept and reported, because it is no
//! longer just a phonebook copy.

use rusqlite::{params, OptionalExtension, Transaction};
use serde::{Deserialize, Serialize};

use crate::altegio::{AltegioClient, Call, RemoteClient};
use crate::cancel::CancelToken;
use crate::error::Result;
use crate::import::ImportReport;
use crate::phone::Region;
use crate::rights::{Action, Rights};
use crate::store::{NewClient, Store};

/// One committed import.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "uniffi", derive(uniffi::Record))]
pub struct ImportRecord {
    pub id: i64,
    /// `local`, or `altegio:<location id>`.
    pub target: String,
    /// UTC, ISO 8601.
    pub started_at: String,
    pub finished_at: Option<String>,
    pub created: u64,
    pub already_there: u64,
    pub skipped: u64,
    pub cancelled: bool,
    pub failed: bool,
    /// Created clients an undo has removed so far.
    pub undone: u64,
    /// How the commit ended, from `finished_at`, `cancelled` and `failed`.
    #[serde(default)]
    pub outcome: ImportOutcome,
}

/// How a committed import ended.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[cfg_attr(feature = "uniffi", derive(uniffi::Enum))]
pub enum ImportOutcome {
    #[default]
    Done,
    /// Stopped on request; "import the rest" is a new entry.
    Cancelled,
    /// Stopped by an error; what it created is listed.
    Failed,
    /// Never closed: the app or process was killed mid-import.
    Interrupted,
}

impl ImportOutcome {
    fn of(finished: bool, cancelled: bool, failed: bool) -> Self {
        match (finished, cancelled, failed) {
            (false, _, _) => ImportOutcome::Interrupted,
            (true, _, true) => ImportOutcome::Failed,
            (true, true, false) => ImportOutcome::Cancelled,
            (true, false, false) => ImportOutcome::Done,
        }
    }
}

/// Why undo kept a client the import had created.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[cfg_attr(feature = "uniffi", derive(uniffi::Enum))]
pub enum KeptReason {
    /// Name, surname, middle name, phone or email changed since the import.
    EditedSince,
    /// On Altegio: the client has had visits since; deleting would orphan them.
    HasVisits,
    /// On Altegio: the card did not say how many visits the client has had. A deletion is
    /// permanent, so a client that may have visits is kept.
    VisitsUnknown,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "uniffi", derive(uniffi::Record))]
pub struct KeptClient {
    pub client_id: i64,
    pub reason: KeptReason,
}

/// What an undo did (or, with `dry_run`, would do).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "uniffi", derive(uniffi::Record))]
pub struct UndoReport {
    pub import_id: i64,
    pub deleted: u64,
    pub kept: Vec<KeptClient>,
    /// Removed by an earlier undo, or deleted by someone else since.
    pub already_gone: u64,
    pub dry_run: bool,
    /// Stopped on request before every client was looked at: undoing again does the rest.
    #[serde(default)]
    #[cfg_attr(feature = "uniffi", uniffi(default = false))]
    pub cancelled: bool,
}

/// The name used for the local database in the history.
pub const LOCAL: &str = "local";

/// A created client as recorded: what undo compares the client with later.
struct Recorded<'a> {
    name: &'a str,
    surname: Option<&'a str>,
    middle_name: Option<&'a str>,
    phone_key: &'a str,
    email: Option<&'a str>,
}

fn insert_created(
    tx: &Transaction,
    import: i64,
    client_id: i64,
    c: Recorded<'_>,
) -> rusqlite::Result<()> {
    tx.prepare_cached(
        "INSERT OR IGNORE INTO import_created
           (import_id, client_id, name, surname, middle_name, phone_key, email)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
    )?
    .execute(params![
        import,
        client_id,
        c.name,
        c.surname,
        c.middle_name,
        c.phone_key,
        c.email
    ])?;
    Ok(())
}

/// Records a client created by import `import`, inside the transaction that creates it.
pub(crate) fn record_created(
    tx: &Transaction,
    import: i64,
    client_id: i64,
    c: &NewClient,
    key: &str,
) -> rusqlite::Result<()> {
    insert_created(
        tx,
        import,
        client_id,
        Recorded {
            name: &c.name,
            surname: c.surname.as_deref(),
            middle_name: c.middle_name.as_deref(),
            phone_key: key,
            email: c.email.as_deref(),
        },
    )
}

/// Records a client the server confirmed creating, under the import that journalled it, in
/// the transaction that settles its journal row. The recorded fields are the ones sent.
pub(crate) fn record_remote_created(
    tx: &Transaction,
    location: i64,
    key: &str,
    remote_id: i64,
) -> rusqlite::Result<()> {
    let row: Option<(Option<i64>, String)> = tx
        .query_row(
            "SELECT import_id, payload FROM import_journal WHERE location_id = ?1 AND phone_key = ?2",
            params![location, key],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
        .optional()?;
    let Some((Some(import), payload)) = row else {
        return Ok(());
    };
    let Ok(sent) = serde_json::from_str::<crate::altegio::RemoteNewClient>(&payload) else {
        // Written by this code from the same type; unreadable only if the file was edited.
        tracing::warn!("a journal payload could not be read; its client is not in the history");
        return Ok(());
    };
    insert_created(
        tx,
        import,
        remote_id,
        Recorded {
            name: &sent.name,
            surname: sent.surname.as_deref(),
            middle_name: sent.middle_name.as_deref(),
            phone_key: key,
            email: sent.email.as_deref(),
        },
    )
}

impl Store {
    /// Opens a history entry for a commit about to start against `target`.
    pub fn begin_import(&self, target: &str) -> Result<i64> {
        let conn = self.lock();
        conn.execute(
            "INSERT INTO import_history (target) VALUES (?1)",
            params![target],
        )
        .map_err(|e| self.sql(e))?;
        Ok(conn.last_insert_rowid())
    }

    /// Closes a history entry with the commit's counts.
    pub fn finish_import(&self, import: i64, report: &ImportReport, failed: bool) -> Result<()> {
        let conn = self.lock();
        conn.execute(
            "UPDATE import_history SET finished_at = strftime('%Y-%m-%dT%H:%M:%SZ', 'now'),
               created = ?2, already_there = ?3, skipped = ?4, cancelled = ?5, failed = ?6
             WHERE id = ?1",
            params![
                import,
                report.created.len() as i64,
                report.already_there.len() as i64,
                report.skipped.len() as i64,
                report.cancelled,
                failed
            ],
        )
        .map_err(|e| self.sql(e))?;
        Ok(())
    }

    /// The imports into `target`, newest first. `created` counts the recorded clients, so an
    /// import killed before it could close its entry still shows what it created.
    pub fn imports(&self, target: &str) -> Result<Vec<ImportRecord>> {
        let conn = self.lock();
        let mut stmt = conn
            .prepare_cached(
                "SELECT h.id, h.target, h.started_at, h.finished_at,
                        (SELECT count(*) FROM import_created c WHERE c.import_id = h.id),
                        h.already_there, h.skipped, h.cancelled, h.failed,
                        (SELECT count(*) FROM import_created c
                          WHERE c.import_id = h.id AND c.undone_at IS NOT NULL)
                 FROM import_history h WHERE h.target = ?1 ORDER BY h.id DESC",
            )
            .map_err(|e| self.sql(e))?;
        let rows = stmt
            .query_map([target], |r| {
                let finished_at: Option<String> = r.get(3)?;
                let (cancelled, failed) = (r.get(7)?, r.get(8)?);
                Ok(ImportRecord {
                    id: r.get(0)?,
                    target: r.get(1)?,
                    started_at: r.get(2)?,
                    outcome: ImportOutcome::of(finished_at.is_some(), cancelled, failed),
                    finished_at,
                    created: r.get::<_, i64>(4)?.max(0) as u64,
                    already_there: r.get::<_, i64>(5)?.max(0) as u64,
                    skipped: r.get::<_, i64>(6)?.max(0) as u64,
                    cancelled,
                    failed,
                    undone: r.get::<_, i64>(9)?.max(0) as u64,
                })
            })
            .map_err(|e| self.sql(e))?;
        rows.collect::<rusqlite::Result<Vec<_>>>()
            .map_err(|e| self.sql(e))
    }

    /// The newest import into `target` that still has clients to undo.
    pub fn last_undoable_import(&self, target: &str) -> Result<Option<i64>> {
        let conn = self.lock();
        conn.query_row(
            "SELECT h.id FROM import_history h WHERE h.target = ?1 AND EXISTS
               (SELECT 1 FROM import_created c WHERE c.import_id = h.id AND c.undone_at IS NULL)
             ORDER BY h.id DESC LIMIT 1",
            [target],
            |r| r.get(0),
        )
        .optional()
        .map_err(|e| self.sql(e))
    }

    /// Undoes a local import: deletes the clients it created that still look as it created
    /// them, in one transaction (a kill leaves all or nothing; a second run deletes nothing
    /// more). Needs the delete right.
    pub fn undo_local_import(
        &self,
        rights: &Rights,
        import: i64,
        dry_run: bool,
    ) -> Result<UndoReport> {
        rights.check(Action::Undo)?;
        self.import_target_is(import, LOCAL)?;
        let mut conn = self.lock();
        let tx = conn
            .transaction_with_behavior(rusqlite::TransactionBehavior::Immediate)
            .map_err(|e| self.sql(e))?;
        let mut report = UndoReport {
            import_id: import,
            dry_run,
            ..Default::default()
        };
        {
            let mut created = tx
                .prepare(
                    "SELECT c.client_id, c.undone_at IS NOT NULL,
                            k.id IS NOT NULL,
                            k.name IS c.name AND k.surname IS c.surname
                              AND k.middle_name IS c.middle_name AND k.phone_key IS c.phone_key
                              AND k.email IS c.email
                     FROM import_created c LEFT JOIN clients k ON k.id = c.client_id
                     WHERE c.import_id = ?1 ORDER BY c.client_id",
                )
                .map_err(|e| self.sql(e))?;
            let rows: Vec<(i64, bool, bool, bool)> = created
                .query_map([import], |r| {
                    Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?))
                })
                .map_err(|e| self.sql(e))?
                .collect::<rusqlite::Result<_>>()
                .map_err(|e| self.sql(e))?;
            let mut delete = tx
                .prepare("DELETE FROM clients WHERE id = ?1")
                .map_err(|e| self.sql(e))?;
            let mut mark = tx
                .prepare(
                    "UPDATE import_created SET undone_at = strftime('%Y-%m-%dT%H:%M:%SZ', 'now')
                     WHERE import_id = ?1 AND client_id = ?2",
                )
                .map_err(|e| self.sql(e))?;
            for (client_id, undone, present, unchanged) in rows {
                match (undone, present, unchanged) {
                    (true, _, _) | (false, false, _) => {
                        report.already_gone += 1;
                        if !undone && !dry_run {
                            mark.execute(params![import, client_id])
                                .map_err(|e| self.sql(e))?;
                        }
                    }
                    (false, true, true) => {
                        report.deleted += 1;
                        if !dry_run {
                            delete.execute([client_id]).map_err(|e| self.sql(e))?;
                            mark.execute(params![import, client_id])
                                .map_err(|e| self.sql(e))?;
                        }
                    }
                    (false, true, false) => report.kept.push(KeptClient {
                        client_id,
                        reason: KeptReason::EditedSince,
                    }),
                }
            }
        }
        tx.commit().map_err(|e| self.sql(e))?;
        self.forget_index();
        tracing::info!(
            deleted = report.deleted,
            kept = report.kept.len(),
            already_gone = report.already_gone,
            dry_run,
            "import undone"
        );
        Ok(report)
    }
}

/// One client an import created, as recorded.
#[derive(Debug, Clone)]
struct Created {
    client_id: i64,
    name: String,
    surname: Option<String>,
    middle_name: Option<String>,
    phone_key: String,
    email: Option<String>,
    undone: bool,
    delete_sent: bool,
}

impl Created {
    /// Whether the card still shows what the import sent (spaces and empty values aside).
    fn unchanged(&self, card: &RemoteClient, region: Region) -> bool {
        fn norm(v: Option<&str>) -> Option<String> {
            v.map(str::trim)
                .filter(|v| !v.is_empty())
                .map(str::to_string)
        }
        let card_key = card
            .phone
            .as_deref()
            .and_then(|p| crate::phone::remote_phone_key(p, region));
        norm(Some(&self.name)) == norm(Some(&card.name))
            && norm(self.surname.as_deref()) == norm(card.surname.as_deref())
            && norm(self.middle_name.as_deref()) == norm(card.middle_name.as_deref())
            && norm(self.email.as_deref()).map(|e| e.to_lowercase())
                == norm(card.email.as_deref()).map(|e| e.to_lowercase())
            && card_key.as_deref() == Some(self.phone_key.as_str())
    }
}

/// A history target in words: "this database" or "Altegio location 123".
fn describe_target(target: &str) -> String {
    match target.strip_prefix("altegio:") {
        Some(id) => format!("Altegio location {id}"),
        None => "this database".to_string(),
    }
}

impl Store {
    /// The history's target for an import, checked against the one the caller expects.
    fn import_target_is(&self, import: i64, expected: &str) -> Result<()> {
        let target: Option<String> = self
            .lock()
            .query_row(
                "SELECT target FROM import_history WHERE id = ?1",
                [import],
                |r| r.get(0),
            )
            .optional()
            .map_err(|e| self.sql(e))?;
        match target {
            Some(t) if t == expected => Ok(()),
            Some(t) => Err(crate::Error::BadInput(format!(
                "import {import} went to {}, not to {}",
                describe_target(&t),
                describe_target(expected)
            ))),
            None => Err(crate::Error::BadInput(format!(
                "there is no import {import}; `clientbook imports` lists them"
            ))),
        }
    }

    fn created_by(&self, import: i64) -> Result<Vec<Created>> {
        let conn = self.lock();
        let mut stmt = conn
            .prepare_cached(
                "SELECT client_id, name, surname, middle_name, phone_key, email,
                        undone_at IS NOT NULL, delete_sent_at IS NOT NULL
                 FROM import_created WHERE import_id = ?1 ORDER BY client_id",
            )
            .map_err(|e| self.sql(e))?;
        let rows = stmt
            .query_map([import], |r| {
                Ok(Created {
                    client_id: r.get(0)?,
                    name: r.get(1)?,
                    surname: r.get(2)?,
                    middle_name: r.get(3)?,
                    phone_key: r.get(4)?,
                    email: r.get(5)?,
                    undone: r.get(6)?,
                    delete_sent: r.get(7)?,
                })
            })
            .map_err(|e| self.sql(e))?;
        rows.collect::<rusqlite::Result<Vec<_>>>()
            .map_err(|e| self.sql(e))
    }

    /// Journals a delete about to be sent, so a kill after the server did it still counts
    /// the client as deleted by this undo.
    fn delete_sending(&self, import: i64, client: i64) -> Result<()> {
        self.lock()
            .execute(
                "UPDATE import_created SET delete_sent_at = strftime('%Y-%m-%dT%H:%M:%SZ', 'now')
                 WHERE import_id = ?1 AND client_id = ?2",
                params![import, client],
            )
            .map_err(|e| self.sql(e))?;
        Ok(())
    }

    /// Records a remote client as gone, in one transaction: undone in the history, out of
    /// the mirror, and out of the import journal (else importing the number again would
    /// take the deleted client for an existing one).
    fn remote_undone(&self, import: i64, location: i64, c: &Created) -> Result<()> {
        let mut conn = self.lock();
        let tx = conn.transaction().map_err(|e| self.sql(e))?;
        tx.execute(
            "UPDATE import_created SET undone_at = strftime('%Y-%m-%dT%H:%M:%SZ', 'now')
             WHERE import_id = ?1 AND client_id = ?2",
            params![import, c.client_id],
        )
        .map_err(|e| self.sql(e))?;
        tx.execute(
            "DELETE FROM mirror_clients WHERE location_id = ?1 AND remote_id = ?2",
            params![location, c.client_id],
        )
        .map_err(|e| self.sql(e))?;
        tx.execute(
            "DELETE FROM import_journal WHERE location_id = ?1 AND phone_key = ?2 AND remote_id = ?3",
            params![location, c.phone_key, c.client_id],
        )
        .map_err(|e| self.sql(e))?;
        tx.commit().map_err(|e| self.sql(e))
    }
}

/// One client of an Altegio undo: read its card, keep it or delete it, record the outcome.
#[allow(clippy::too_many_arguments)]
fn undo_one(
    store: &Store,
    api: &AltegioClient,
    region: Region,
    import: i64,
    c: &Created,
    dry_run: bool,
    call: &Call<'_>,
    report: &mut UndoReport,
) -> Result<()> {
    let location = api.location_id();
    match api.client(c.client_id, call)? {
        None => {
            // Gone: by our own delete whose answer was lost, or by someone else.
            if c.delete_sent {
                report.deleted += 1;
            } else {
                report.already_gone += 1;
            }
            if !dry_run {
                store.remote_undone(import, location, c)?;
            }
        }
        Some(card) if card.visits.is_none() => report.kept.push(KeptClient {
            client_id: c.client_id,
            reason: KeptReason::VisitsUnknown,
        }),
        Some(card) if card.visits > Some(0) => report.kept.push(KeptClient {
            client_id: c.client_id,
            reason: KeptReason::HasVisits,
        }),
        Some(card) if !c.unchanged(&card.client, region) => report.kept.push(KeptClient {
            client_id: c.client_id,
            reason: KeptReason::EditedSince,
        }),
        Some(_) if dry_run => report.deleted += 1,
        Some(_) => {
            store.delete_sending(import, c.client_id)?;
            api.delete_client(c.client_id, call)?;
            store.remote_undone(import, location, c)?;
            report.deleted += 1;
        }
    }
    Ok(())
}

/// Undoes an import into an Altegio location: for each client it created, reads the card,
/// keeps it when it was edited or has visits, and deletes it otherwise. Deletion there is
/// permanent and one request per client, so each is journalled before it is sent and
/// recorded when done: killed or cancelled partway, running it again picks up where it
/// stopped, and a finished undo run again deletes nothing more.
#[allow(clippy::too_many_arguments)]
pub fn undo_altegio_import(
    store: &Store,
    api: &AltegioClient,
    region: Region,
    rights: &Rights,
    import: i64,
    dry_run: bool,
    progress: &mut dyn FnMut(u64, u64),
    cancel: &CancelToken,
) -> Result<UndoReport> {
    rights.check(Action::Undo)?;
    let location = api.location_id();
    store.import_target_is(import, &format!("altegio:{location}"))?;
    let created = store.created_by(import)?;
    let mut report = UndoReport {
        import_id: import,
        dry_run,
        ..Default::default()
    };
    let todo: Vec<&Created> = created.iter().filter(|c| !c.undone).collect();
    report.already_gone = (created.len() - todo.len()) as u64;
    let total = todo.len() as u64;
    progress(0, total);
    let call = Call::new(cancel).logged_in(store);
    for (done, c) in todo.into_iter().enumerate() {
        if cancel.is_cancelled() {
            report.cancelled = true;
            break;
        }
        match undo_one(store, api, region, import, c, dry_run, &call, &mut report) {
            Ok(()) => {}
            // A cancel while a request was out (waiting for the limiter or the answer): what
            // is done is recorded; a delete that was in flight is settled by the next run.
            Err(crate::Error::Cancelled) => {
                report.cancelled = true;
                break;
            }
            Err(e) => return Err(e),
        }
        progress(done as u64 + 1, total);
    }
    tracing::info!(
        deleted = report.deleted,
        kept = report.kept.len(),
        already_gone = report.already_gone,
        cancelled = report.cancelled,
        dry_run,
        "altegio import undone"
    );
    Ok(report)
}
