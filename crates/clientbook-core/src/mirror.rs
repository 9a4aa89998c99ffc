//! The mirror of a salon's Altegio client base in the local file: what matching and export
//! read instead of asking the server per contact, and the watermark below which it has seen
//! every client (see `sync` for how it is kept current).

use std::collections::HashSet;

use rusqlite::{params, OptionalExtension};

use crate::error::Result;
use crate::store::{Client, ClientIndex, Store};

/// A remote client as the mirror keeps it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MirrorClient {
    pub remote_id: i64,
    pub name: String,
    pub surname: Option<String>,
    pub middle_name: Option<String>,
    pub phone: Option<String>,
    /// `None` when the number is masked or does not parse.
    pub phone_key: Option<String>,
    pub email: Option<String>,
}

impl Store {
    /// Inserts or updates mirrored clients, in one transaction.
    pub fn mirror_upsert(&self, location: i64, clients: &[MirrorClient]) -> Result<()> {
        let mut conn = self.lock();
        let tx = conn.transaction().map_err(|e| self.sql(e))?;
        {
            for c in clients {
                upsert_mirror(&tx, location, c).map_err(|e| self.sql(e))?;
            }
        }
        tx.commit().map_err(|e| self.sql(e))
    }

    pub fn mirror_ids(&self, location: i64) -> Result<HashSet<i64>> {
        self.column(
            "SELECT remote_id FROM mirror_clients WHERE location_id = ?1",
            [location],
        )
    }

    /// Phone key → remote id; the oldest client wins when the remote base has duplicates.
    pub fn mirror_index(&self, location: i64) -> Result<ClientIndex> {
        let conn = self.lock();
        let mut stmt = conn
            .prepare_cached(
                "SELECT phone_key, min(remote_id) FROM mirror_clients
                 WHERE location_id = ?1 AND phone_key IS NOT NULL GROUP BY phone_key",
            )
            .map_err(|e| self.sql(e))?;
        let rows = stmt
            .query_map([location], |r| Ok((r.get(0)?, r.get(1)?)))
            .map_err(|e| self.sql(e))?;
        rows.collect::<rusqlite::Result<ClientIndex>>()
            .map_err(|e| self.sql(e))
    }

    /// Mirrored clients as `Client`s (id = remote id), for export. Clients without a usable
    /// number are left out: there is nothing to write to a phonebook.
    pub fn mirror_clients(&self, location: i64) -> Result<Vec<Client>> {
        let conn = self.lock();
        let mut stmt = conn
            .prepare_cached(
                "SELECT remote_id, name, surname, middle_name, phone_key, email FROM mirror_clients
                 WHERE location_id = ?1 AND phone_key IS NOT NULL ORDER BY remote_id",
            )
            .map_err(|e| self.sql(e))?;
        let rows = stmt
            .query_map([location], |r| {
                let key: String = r.get(4)?;
                let (phone, ext) = crate::phone::split_key(&key);
                let (phone, ext) = (phone.to_string(), ext.map(str::to_string));
                Ok(Client {
                    id: r.get(0)?,
                    name: r.get(1)?,
                    surname: r.get(2)?,
                    middle_name: r.get(3)?,
                    phone,
                    phone_extension: ext,
                    email: r.get(5)?,
                })
            })
            .map_err(|e| self.sql(e))?;
        rows.collect::<rusqlite::Result<Vec<_>>>()
            .map_err(|e| self.sql(e))
    }

    /// Drops mirrored clients the server no longer has (after a complete, stable refresh).
    pub fn mirror_retain(&self, location: i64, seen: &HashSet<i64>) -> Result<u64> {
        let stale: Vec<i64> = self
            .mirror_ids(location)?
            .difference(seen)
            .copied()
            .collect();
        let mut conn = self.lock();
        let tx = conn.transaction().map_err(|e| self.sql(e))?;
        {
            let mut stmt = tx
                .prepare_cached(
                    "DELETE FROM mirror_clients WHERE location_id = ?1 AND remote_id = ?2",
                )
                .map_err(|e| self.sql(e))?;
            for id in &stale {
                stmt.execute(params![location, id])
                    .map_err(|e| self.sql(e))?;
            }
        }
        tx.commit().map_err(|e| self.sql(e))?;
        Ok(stale.len() as u64)
    }

    /// Remote clients of `location` the mirror knows without an email (and whose email was
    /// not masked): the ones a phonebook's email may be offered to.
    pub fn mirror_lacking_email(&self, location: i64) -> Result<HashSet<i64>> {
        self.column(
            "SELECT remote_id FROM mirror_clients
             WHERE location_id = ?1 AND (email IS NULL OR email = '')",
            [location],
        )
    }

    /// Records an email written to a remote client, so the mirror offers it no more.
    pub fn mirror_set_email(&self, location: i64, remote_id: i64, email: &str) -> Result<()> {
        self.lock()
            .execute(
                "UPDATE mirror_clients SET email = ?3 WHERE location_id = ?1 AND remote_id = ?2",
                params![location, remote_id, email],
            )
            .map_err(|e| self.sql(e))?;
        Ok(())
    }
}

impl Store {
    /// The id below which the mirror has seen every client (see `003_sync_windows.sql`);
    /// `None` before the first complete refresh.
    pub fn mirror_watermark(&self, location: i64) -> Result<Option<i64>> {
        self.lock()
            .query_row(
                "SELECT max_id FROM mirror_watermark WHERE location_id = ?1",
                [location],
                |r| r.get(0),
            )
            .optional()
            .map_err(|e| self.sql(e))
    }

    /// Raises the watermark (it never goes down: ids only grow).
    pub fn set_mirror_watermark(&self, location: i64, max_id: i64) -> Result<()> {
        self.lock()
            .execute(
                "INSERT INTO mirror_watermark (location_id, max_id) VALUES (?1, ?2)
                 ON CONFLICT (location_id) DO UPDATE SET max_id = max(max_id, excluded.max_id)",
                params![location, max_id],
            )
            .map(|_| ())
            .map_err(|e| self.sql(e))
    }
}

/// Inserts or refreshes one mirrored client inside the caller's transaction.
pub(crate) fn upsert_mirror(
    tx: &rusqlite::Transaction<'_>,
    location: i64,
    c: &MirrorClient,
) -> rusqlite::Result<()> {
    tx.prepare_cached(
        "INSERT INTO mirror_clients (location_id, remote_id, name, surname, middle_name, phone, phone_key, email)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)
         ON CONFLICT (location_id, remote_id) DO UPDATE SET name = excluded.name, surname = excluded.surname,
           middle_name = excluded.middle_name, phone = excluded.phone, phone_key = excluded.phone_key,
           email = excluded.email, synced_at = excluded.synced_at",
    )?
    .execute(params![location, c.remote_id, c.name, c.surname, c.middle_name, c.phone, c.phone_key, c.email])?;
    Ok(())
}
