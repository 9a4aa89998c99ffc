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

use crate::error::Result;
use crate::import::ImportReport;
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
}

/// Why undo kept a client the import had created.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[cfg_attr(feature = "uniffi", derive(uniffi::Enum))]
pub enum KeptReason {
    /// Name, surname, middle name, phone or email changed since the import.
    EditedSince,
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
}

/// The name used for the local database in the history.
pub const LOCAL: &str = "local";

/// Records a client created by import `import`, inside the transaction that creates it.
pub(crate) fn record_created(
    tx: &Transaction,
    import: i64,
    client_id: i64,
    c: &NewClient,
    key: &str,
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
        key,
        c.email
    ])?;
    Ok(())
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
                Ok(ImportRecord {
                    id: r.get(0)?,
                    target: r.get(1)?,
                    started_at: r.get(2)?,
                    finished_at: r.get(3)?,
                    created: r.get::<_, i64>(4)?.max(0) as u64,
                    already_there: r.get::<_, i64>(5)?.max(0) as u64,
                    skipped: r.get::<_, i64>(6)?.max(0) as u64,
                    cancelled: r.get(7)?,
                    failed: r.get(8)?,
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
        let mut conn = self.lock();
        let tx = conn
            .transaction_with_behavior(rusqlite::TransactionBehavior::Immediate)
            .map_err(|e| self.sql(e))?;
        let target: Option<String> = tx
            .query_row(
                "SELECT target FROM import_history WHERE id = ?1",
                [import],
                |r| r.get(0),
            )
            .optional()
            .map_err(|e| self.sql(e))?;
        match target.as_deref() {
            Some(LOCAL) => {}
            Some(_) => {
                return Err(crate::Error::BadInput(format!(
                    "import {import} went to an Altegio location, not to this database"
                )))
            }
            None => {
                return Err(crate::Error::BadInput(format!(
                    "there is no import {import}; `clientbook imports` lists them"
                )))
            }
        }
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
