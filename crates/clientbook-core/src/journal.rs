//! The import journal: every client a remote import will create, written before the request
//! that creates it and settled by the server's answer or a later look, so a kill, a lost
//! answer or a flaky server never creates a client twice (see `sync::RemoteCommit`). The
//! send log next to it keeps the rate limit across processes.

use rusqlite::{params, OptionalExtension};

use crate::error::Result;
use crate::mirror::{upsert_mirror, MirrorClient};
use crate::store::Store;

/// State of one journalled client.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum JournalState {
    /// Not yet confirmed by the server. `attempts > 0` means it may have been created;
    /// `sent_at_ms` (Unix milliseconds) is when the latest request carrying it went out.
    Pending {
        attempts: u32,
        sent_at_ms: Option<i64>,
    },
    Done {
        remote_id: i64,
        created: bool,
    },
    Failed {
        reason: String,
    },
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct JournalEntry {
    pub phone_key: String,
    pub payload: String,
    pub state: JournalState,
}

impl Store {
    /// Journals clients about to be created. Existing entries are kept, except that a
    /// `failed` one is given another chance.
    pub fn journal_add(
        &self,
        location: i64,
        entries: &[(String, String)],
        import: Option<i64>,
    ) -> Result<()> {
        let mut conn = self.lock();
        let tx = conn
            .transaction_with_behavior(rusqlite::TransactionBehavior::Immediate)
            .map_err(|e| self.sql(e))?;
        {
            // A failed row starts over; a pending one (a killed run's) keeps its payload and
            // send history but is now this import's, which records it once confirmed.
            let mut stmt = tx
                .prepare_cached(
                    "INSERT INTO import_journal (location_id, phone_key, payload, state, import_id)
                       VALUES (?1, ?2, ?3, 'pending', ?4)
                     ON CONFLICT (location_id, phone_key) DO UPDATE SET
                       state = 'pending',
                       error = NULL,
                       payload = CASE WHEN import_journal.state = 'failed'
                                 THEN excluded.payload ELSE import_journal.payload END,
                       import_id = excluded.import_id
                     WHERE import_journal.state != 'done'",
                )
                .map_err(|e| self.sql(e))?;
            for (key, payload) in entries {
                stmt.execute(params![location, key, payload, import])
                    .map_err(|e| self.sql(e))?;
            }
        }
        tx.commit().map_err(|e| self.sql(e))
    }

    /// Journal entries for these keys.
    pub fn journal_entries(&self, location: i64, keys: &[String]) -> Result<Vec<JournalEntry>> {
        let conn = self.lock();
        let mut stmt = conn
            .prepare_cached(
                "SELECT phone_key, payload, state, attempts, remote_id, outcome, error, sent_at_ms FROM import_journal
                 WHERE location_id = ?1 AND phone_key = ?2",
            )
            .map_err(|e| self.sql(e))?;
        let mut out = Vec::with_capacity(keys.len());
        for key in keys {
            let entry = stmt
                .query_row(params![location, key], |r| {
                    let state: String = r.get(2)?;
                    let state = match state.as_str() {
                        "done" => JournalState::Done {
                            remote_id: r.get::<_, Option<i64>>(4)?.unwrap_or_default(),
                            created: r.get::<_, Option<String>>(5)?.as_deref() == Some("created"),
                        },
                        "failed" => JournalState::Failed {
                            reason: r.get::<_, Option<String>>(6)?.unwrap_or_default(),
                        },
                        _ => JournalState::Pending {
                            attempts: r.get::<_, i64>(3)?.max(0) as u32,
                            sent_at_ms: r.get(7)?,
                        },
                    };
                    Ok(JournalEntry {
                        phone_key: r.get(0)?,
                        payload: r.get(1)?,
                        state,
                    })
                })
                .optional()
                .map_err(|e| self.sql(e))?;
            out.extend(entry);
        }
        Ok(out)
    }

    /// Counts a send attempt for these keys and records when it goes out, committed before
    /// the request is sent: a kill after this line leaves a trace of a possible create.
    pub fn journal_attempt(&self, location: i64, keys: &[String], sent_at_ms: i64) -> Result<()> {
        let mut conn = self.lock();
        let tx = conn.transaction().map_err(|e| self.sql(e))?;
        {
            let mut stmt = tx
                .prepare_cached(
                    "UPDATE import_journal SET attempts = attempts + 1, sent_at_ms = ?3,
                       updated_at = strftime('%Y-%m-%dT%H:%M:%SZ', 'now')
                     WHERE location_id = ?1 AND phone_key = ?2",
                )
                .map_err(|e| self.sql(e))?;
            for key in keys {
                stmt.execute(params![location, key, sent_at_ms])
                    .map_err(|e| self.sql(e))?;
            }
        }
        tx.commit().map_err(|e| self.sql(e))
    }

    /// Settles journal entries; a client confirmed on the server enters the mirror in the
    /// same transaction, so the next preview already shows it as existing.
    pub fn journal_settle(
        &self,
        location: i64,
        settled: &[(String, JournalState, Option<MirrorClient>)],
    ) -> Result<()> {
        let mut conn = self.lock();
        let tx = conn.transaction().map_err(|e| self.sql(e))?;
        {
            let mut update = tx
                .prepare_cached(
                    "UPDATE import_journal SET state = ?3, remote_id = ?4, outcome = ?5, error = ?6,
                       updated_at = strftime('%Y-%m-%dT%H:%M:%SZ', 'now')
                     WHERE location_id = ?1 AND phone_key = ?2",
                )
                .map_err(|e| self.sql(e))?;
            for (key, state, client) in settled {
                let (st, id, outcome, error) = match state {
                    JournalState::Pending { .. } => ("pending", None, None, None),
                    JournalState::Done { remote_id, created } => (
                        "done",
                        Some(*remote_id),
                        Some(if *created { "created" } else { "existing" }),
                        None,
                    ),
                    JournalState::Failed { reason } => {
                        ("failed", None, None, Some(reason.as_str()))
                    }
                };
                update
                    .execute(params![location, key, st, id, outcome, error])
                    .map_err(|e| self.sql(e))?;
                if let JournalState::Done {
                    remote_id,
                    created: true,
                } = state
                {
                    crate::history::record_remote_created(&tx, location, key, *remote_id)
                        .map_err(|e| self.sql(e))?;
                }
                if let Some(c) = client {
                    upsert_mirror(&tx, location, c).map_err(|e| self.sql(e))?;
                }
            }
        }
        tx.commit().map_err(|e| self.sql(e))
    }
}

/// The remote API's recent send times, next to the journal (see `004_send_log.sql`).
impl crate::altegio::SendLog for Store {
    fn recent_sends(&self, since: i64) -> Result<Vec<i64>> {
        self.column(
            "SELECT sent_at_ms FROM sent_requests WHERE sent_at_ms >= ?1",
            [since],
        )
    }

    fn record_send(&self, at: i64) -> Result<()> {
        let mut conn = self.lock();
        let tx = conn.transaction().map_err(|e| self.sql(e))?;
        tx.execute("INSERT INTO sent_requests (sent_at_ms) VALUES (?1)", [at])
            .map_err(|e| self.sql(e))?;
        // Only the last minute matters to any limit.
        tx.execute(
            "DELETE FROM sent_requests WHERE sent_at_ms < ?1",
            [at - 60_000],
        )
        .map_err(|e| self.sql(e))?;
        tx.commit().map_err(|e| self.sql(e))
    }
}
