//! The local client database: one SQLite file in WAL mode with a single writer connection.
//! This module opens and migrates the file and holds the local clients, their links to
//! phonebook contacts and their categories; the same file's Altegio mirror is in `mirror`,
//! the remote import journal in `journal`, and the import history in `history`.
//!
//! Matching reads the whole phone index into memory once, so a preview of 10,000 contacts
//! against 100,000 clients is one indexed scan, not 10,000 queries.

use std::collections::{HashMap, HashSet};
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use rusqlite::{params, Connection, OpenFlags, OptionalExtension};
use serde::{Deserialize, Serialize};

use crate::error::{Error, Result};
pub use crate::journal::{JournalEntry, JournalState};
pub use crate::mirror::MirrorClient;

/// One step of the schema's history. Most steps are SQL files in `sql/`; a step can also be
/// Rust code, for what SQL cannot compute, such as phone keys recomputed with the phone
/// metadata this build carries.
enum Migration {
    Sql(&'static str),
    Code(fn(&rusqlite::Transaction) -> rusqlite::Result<()>),
}

/// Migrations in order; the schema version is the number applied.
const MIGRATIONS: &[Migration] = &[
    Migration::Sql(include_str!("../sql/001_clients.sql")),
    Migration::Sql(include_str!("../sql/002_altegio_mirror.sql")),
    Migration::Sql(include_str!("../sql/003_sync_windows.sql")),
    Migration::Sql(include_str!("../sql/004_send_log.sql")),
    Migration::Code(recompute_mirror_keys),
    Migration::Sql(include_str!("../sql/006_import_history.sql")),
    Migration::Sql(include_str!("../sql/007_categories.sql")),
    Migration::Sql(include_str!("../sql/008_birth_date.sql")),
];

/// Recomputes every mirrored client's phone key from the number the server returned, with
/// this build's phone rules and metadata. Keys written by an older build (other metadata,
/// other rules for what identifies a client on Altegio) would otherwise miss matches, and a
/// missed match on Altegio is a duplicate client.
fn recompute_mirror_keys(tx: &rusqlite::Transaction) -> rusqlite::Result<()> {
    let rows: Vec<(i64, i64, String, Option<String>)> = {
        let mut stmt = tx.prepare(
            "SELECT location_id, remote_id, phone, phone_key FROM mirror_clients
             WHERE phone IS NOT NULL",
        )?;
        let rows = stmt.query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?)))?;
        rows.collect::<rusqlite::Result<_>>()?
    };
    // Altegio returns full international digits, which are read as international first; the
    // region only matters for numbers that are not, and the file does not record the
    // location's, so the default (RU, Altegio's home market) is used for those.
    let region = crate::phone::Region::default();
    let mut update = tx.prepare(
        "UPDATE mirror_clients SET phone_key = ?3 WHERE location_id = ?1 AND remote_id = ?2",
    )?;
    let mut changed = 0u64;
    for (location, remote_id, phone, old) in rows {
        let key = crate::phone::remote_phone_key(&phone, region);
        if key != old {
            update.execute(params![location, remote_id, key])?;
            changed += 1;
        }
    }
    tracing::info!(changed, "mirror phone keys recomputed");
    Ok(())
}

pub const SCHEMA_VERSION: i64 = MIGRATIONS.len() as i64;

/// A client as the database holds it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "uniffi", derive(uniffi::Record))]
pub struct Client {
    pub id: i64,
    pub name: String,
    pub surname: Option<String>,
    pub middle_name: Option<String>,
    /// E.164.
    pub phone: String,
    pub phone_extension: Option<String>,
    pub email: Option<String>,
}

/// A client to create.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewClient {
    pub name: String,
    pub surname: Option<String>,
    pub middle_name: Option<String>,
    pub phone: String,
    pub phone_extension: Option<String>,
    pub email: Option<String>,
    /// `YYYY-MM-DD`.
    pub birth_date: Option<String>,
}

impl NewClient {
    pub fn key(&self) -> String {
        crate::phone::match_key(&self.phone, self.phone_extension.as_deref())
    }
}

/// What happened to one client of a batch.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Inserted {
    Created(i64),
    /// The number already belonged to this client; nothing was written.
    AlreadyThere(i64),
}

/// Phone key → client id, for matching.
pub type ClientIndex = HashMap<String, i64>;

pub struct Store {
    path: PathBuf,
    conn: Mutex<Connection>,
    /// The phone index as of a `PRAGMA data_version`: a screen opened again (or a second
    /// session) skips re-reading 100,000 clients unless someone wrote in between.
    index_cache: Mutex<Option<(i64, Arc<ClientIndex>)>>,
}

impl std::fmt::Debug for Store {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Store").field("path", &self.path).finish()
    }
}

impl Store {
    /// Opens (creating if needed) and migrates the database at `path`.
    ///
    /// A file from a newer schema, or one that is not a database, is refused before
    /// anything is written to it.
    pub fn open(path: impl AsRef<Path>) -> Result<Self> {
        let path = path.as_ref().to_path_buf();
        let sql = |e| Error::from_sqlite(&path, e);
        let flags = OpenFlags::SQLITE_OPEN_READ_WRITE
            | OpenFlags::SQLITE_OPEN_CREATE
            | OpenFlags::SQLITE_OPEN_NO_MUTEX;
        let conn = Connection::open_with_flags(&path, flags).map_err(sql)?;
        conn.busy_timeout(Duration::from_secs(5)).map_err(sql)?;
        // Reading the version is the first touch: it fails on a non-database without writing.
        let version: i64 = conn
            .query_row("PRAGMA user_version", [], |r| r.get(0))
            .map_err(sql)?;
        if version > SCHEMA_VERSION {
            return Err(Error::NewerSchema {
                path,
                found: version,
                supported: SCHEMA_VERSION,
            });
        }
        let mode: String = conn
            .query_row("PRAGMA journal_mode = WAL", [], |r| r.get(0))
            .map_err(sql)?;
        if mode != "wal" && mode != "memory" {
            tracing::warn!(mode = %mode, "database not in WAL mode");
        }
        conn.execute_batch("PRAGMA foreign_keys = ON; PRAGMA synchronous = NORMAL;")
            .map_err(sql)?;
        let store = Store {
            path,
            conn: Mutex::new(conn),
            index_cache: Mutex::new(None),
        };
        store.migrate(version)?;
        Ok(store)
    }

    /// A private in-memory database, for tests and previews that persist nothing.
    pub fn open_in_memory() -> Result<Self> {
        let conn = Connection::open_in_memory()?;
        conn.execute_batch("PRAGMA foreign_keys = ON;")?;
        let store = Store {
            path: PathBuf::from(":memory:"),
            conn: Mutex::new(conn),
            index_cache: Mutex::new(None),
        };
        store.migrate(0)?;
        Ok(store)
    }

    pub fn path(&self) -> &Path {
        &self.path
    }

    pub(crate) fn lock(&self) -> std::sync::MutexGuard<'_, Connection> {
        // A panic while holding the lock cannot leave SQLite half-written (transactions roll
        // back on drop), so a poisoned lock is safe to keep using.
        self.conn.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// The first column of every row `sql` returns, collected (ids into a set, titles into
    /// a list).
    pub(crate) fn column<T: rusqlite::types::FromSql, C: FromIterator<T>>(
        &self,
        sql: &str,
        params: impl rusqlite::Params,
    ) -> Result<C> {
        let conn = self.lock();
        let mut stmt = conn.prepare_cached(sql).map_err(|e| self.sql(e))?;
        let rows = stmt
            .query_map(params, |r| r.get(0))
            .map_err(|e| self.sql(e))?;
        rows.collect::<rusqlite::Result<C>>()
            .map_err(|e| self.sql(e))
    }

    pub(crate) fn sql(&self, e: rusqlite::Error) -> Error {
        Error::from_sqlite(&self.path, e)
    }

    fn migrate(&self, from: i64) -> Result<()> {
        let mut conn = self.lock();
        // One transaction for all steps: a failed migration leaves the old file as it was.
        let tx = conn
            .transaction_with_behavior(rusqlite::TransactionBehavior::Immediate)
            .map_err(|e| self.sql(e))?;
        let current: i64 = tx
            .query_row("PRAGMA user_version", [], |r| r.get(0))
            .map_err(|e| self.sql(e))?;
        let start = current.max(from);
        for (i, step) in MIGRATIONS.iter().enumerate().skip(start as usize) {
            match step {
                Migration::Sql(sql) => tx.execute_batch(sql),
                Migration::Code(run) => run(&tx),
            }
            .map_err(|e| self.sql(e))?;
            tx.pragma_update(None, "user_version", (i + 1) as i64)
                .map_err(|e| self.sql(e))?;
            tracing::info!(version = i + 1, "schema migrated");
        }
        tx.commit().map_err(|e| self.sql(e))
    }

    /// Every client's phone key, for matching in memory.
    pub fn client_index(&self) -> Result<Arc<ClientIndex>> {
        let conn = self.lock();
        // Changes when another connection commits; our own writes clear the cache instead.
        let version: i64 = conn
            .query_row("PRAGMA data_version", [], |r| r.get(0))
            .map_err(|e| self.sql(e))?;
        let mut cache = self.index_cache.lock().unwrap_or_else(|p| p.into_inner());
        if let Some((cached_at, index)) = cache.as_ref() {
            if *cached_at == version {
                return Ok(index.clone());
            }
        }
        let mut stmt = conn
            .prepare_cached("SELECT phone_key, id FROM clients")
            .map_err(|e| self.sql(e))?;
        let rows = stmt
            .query_map([], |r| Ok((r.get::<_, String>(0)?, r.get::<_, i64>(1)?)))
            .map_err(|e| self.sql(e))?;
        let mut index = ClientIndex::new();
        for row in rows {
            let (key, id) = row.map_err(|e| self.sql(e))?;
            index.insert(key, id);
        }
        let index = Arc::new(index);
        *cache = Some((version, index.clone()));
        Ok(index)
    }

    pub fn clients(&self) -> Result<Vec<Client>> {
        let conn = self.lock();
        let mut stmt = conn
            .prepare_cached("SELECT id, name, surname, middle_name, phone, phone_extension, email FROM clients ORDER BY id")
            .map_err(|e| self.sql(e))?;
        let rows = stmt
            .query_map([], |r| {
                Ok(Client {
                    id: r.get(0)?,
                    name: r.get(1)?,
                    surname: r.get(2)?,
                    middle_name: r.get(3)?,
                    phone: r.get(4)?,
                    phone_extension: r.get(5)?,
                    email: r.get(6)?,
                })
            })
            .map_err(|e| self.sql(e))?;
        rows.collect::<rusqlite::Result<Vec<_>>>()
            .map_err(|e| self.sql(e))
    }

    pub fn client_count(&self) -> Result<u64> {
        let conn = self.lock();
        let n: i64 = conn
            .query_row("SELECT count(*) FROM clients", [], |r| r.get(0))
            .map_err(|e| self.sql(e))?;
        Ok(n.max(0) as u64)
    }

    /// Writes a batch in one transaction. A number that already belongs to a client, in the
    /// database or earlier in the batch, is never written twice: the unique phone key makes
    /// this hold even against another process importing at the same time.
    pub fn insert_batch(&self, batch: &[NewClient]) -> Result<Vec<Inserted>> {
        self.insert_batch_for(batch, None, None)
    }

    /// Forgets the cached phone index after a write outside `insert_batch` (an undo).
    pub(crate) fn forget_index(&self) {
        *self.index_cache.lock().unwrap_or_else(|p| p.into_inner()) = None;
    }

    /// [`Store::insert_batch`], recording each client it creates under import `import` in the
    /// same transaction, so the history never misses a client even when the import is killed.
    pub fn insert_batch_for(
        &self,
        batch: &[NewClient],
        import: Option<i64>,
        category: Option<&str>,
    ) -> Result<Vec<Inserted>> {
        let mut conn = self.lock();
        self.forget_index();
        let tx = conn
            .transaction_with_behavior(rusqlite::TransactionBehavior::Immediate)
            .map_err(|e| self.sql(e))?;
        let mut out = Vec::with_capacity(batch.len());
        let category = match category {
            Some(title) => Some(category_id(&tx, title).map_err(|e| self.sql(e))?),
            None => None,
        };
        {
            let mut tag = tx
                .prepare_cached(
                    "INSERT OR IGNORE INTO client_categories (client_id, category_id) VALUES (?1, ?2)",
                )
                .map_err(|e| self.sql(e))?;
            let mut insert = tx
                .prepare_cached(
                    "INSERT INTO clients (name, surname, middle_name, phone, phone_extension, phone_key, email, birth_date)
                     VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8) ON CONFLICT (phone_key) DO NOTHING RETURNING id",
                )
                .map_err(|e| self.sql(e))?;
            let mut find = tx
                .prepare_cached("SELECT id FROM clients WHERE phone_key = ?1")
                .map_err(|e| self.sql(e))?;
            for c in batch {
                let key = c.key();
                let created: Option<i64> = insert
                    .query_row(
                        params![
                            c.name,
                            c.surname,
                            c.middle_name,
                            c.phone,
                            c.phone_extension,
                            key,
                            c.email,
                            c.birth_date
                        ],
                        |r| r.get(0),
                    )
                    .optional()
                    .map_err(|e| self.sql(e))?;
                if let (Some(import), Some(id)) = (import, created) {
                    crate::history::record_created(&tx, import, id, c, &key)
                        .map_err(|e| self.sql(e))?;
                }
                if let (Some(category), Some(id)) = (category, created) {
                    tag.execute(params![id, category])
                        .map_err(|e| self.sql(e))?;
                }
                out.push(match created {
                    Some(id) => Inserted::Created(id),
                    None => Inserted::AlreadyThere(
                        find.query_row([&key], |r| r.get(0))
                            .map_err(|e| self.sql(e))?,
                    ),
                });
            }
        }
        tx.commit().map_err(|e| self.sql(e))?;
        Ok(out)
    }

    /// Clients without an email, for offering the phonebook's.
    pub fn clients_lacking_email(&self) -> Result<HashSet<i64>> {
        self.column(
            "SELECT id FROM clients WHERE email IS NULL OR email = ''",
            [],
        )
    }

    /// Clients without a birthday, for offering the phonebook's.
    pub fn clients_lacking_birthday(&self) -> Result<HashSet<i64>> {
        self.column(
            "SELECT id FROM clients WHERE birth_date IS NULL OR birth_date = ''",
            [],
        )
    }

    /// Fills in emails and birthdays where the client still has none, in one transaction;
    /// returns the clients changed. A client who got one meanwhile keeps it: never
    /// overwritten.
    pub(crate) fn fill_missing(&self, fills: &[crate::import::Fill]) -> Result<HashSet<i64>> {
        let mut conn = self.lock();
        let tx = conn
            .transaction_with_behavior(rusqlite::TransactionBehavior::Immediate)
            .map_err(|e| self.sql(e))?;
        let mut changed = HashSet::new();
        {
            let mut email = tx
                .prepare_cached(
                    "UPDATE clients SET email = ?2 WHERE id = ?1 AND (email IS NULL OR email = '')",
                )
                .map_err(|e| self.sql(e))?;
            let mut birthday = tx
                .prepare_cached(
                    "UPDATE clients SET birth_date = ?2
                     WHERE id = ?1 AND (birth_date IS NULL OR birth_date = '')",
                )
                .map_err(|e| self.sql(e))?;
            for f in fills {
                let mut n = 0;
                if let Some(e) = &f.email {
                    n += email
                        .execute(params![f.client_id, e])
                        .map_err(|e| self.sql(e))?;
                }
                if let Some(b) = &f.birthday {
                    n += birthday
                        .execute(params![f.client_id, b])
                        .map_err(|e| self.sql(e))?;
                }
                if n > 0 {
                    changed.insert(f.client_id);
                }
            }
        }
        tx.commit().map_err(|e| self.sql(e))?;
        Ok(changed)
    }

    /// A client's birthday, `YYYY-MM-DD`.
    pub fn client_birthday(&self, client_id: i64) -> Result<Option<String>> {
        self.lock()
            .query_row(
                "SELECT birth_date FROM clients WHERE id = ?1",
                [client_id],
                |r| r.get(0),
            )
            .optional()
            .map(Option::flatten)
            .map_err(|e| self.sql(e))
    }

    /// Remembers that `client_id` now lives in the phonebook as `platform_id`.
    pub fn link_to_phonebook(&self, links: &[(i64, String)]) -> Result<()> {
        let mut conn = self.lock();
        let tx = conn.transaction().map_err(|e| self.sql(e))?;
        {
            let mut stmt = tx
                .prepare_cached(
                    "INSERT OR IGNORE INTO phonebook_links (client_id, platform_id)
                     SELECT ?1, ?2 WHERE EXISTS (SELECT 1 FROM clients WHERE id = ?1)",
                )
                .map_err(|e| self.sql(e))?;
            for (client_id, platform_id) in links {
                stmt.execute(params![client_id, platform_id])
                    .map_err(|e| self.sql(e))?;
            }
        }
        tx.commit().map_err(|e| self.sql(e))
    }

    /// Clients linked to any of the given phonebook ids (those still present on the device).
    pub fn linked_clients(&self, present_platform_ids: &HashSet<String>) -> Result<HashSet<i64>> {
        let conn = self.lock();
        let mut stmt = conn
            .prepare_cached("SELECT client_id, platform_id FROM phonebook_links")
            .map_err(|e| self.sql(e))?;
        let rows = stmt
            .query_map([], |r| Ok((r.get::<_, i64>(0)?, r.get::<_, String>(1)?)))
            .map_err(|e| self.sql(e))?;
        let mut out = HashSet::new();
        for row in rows {
            let (id, platform) = row.map_err(|e| self.sql(e))?;
            if present_platform_ids.contains(&platform) {
                out.insert(id);
            }
        }
        Ok(out)
    }
}

/// The id of the local category titled `title` (ignoring case), created if missing: two
/// imports racing create it once, since the title is unique.
fn category_id(tx: &rusqlite::Transaction, title: &str) -> rusqlite::Result<i64> {
    tx.execute(
        "INSERT INTO categories (title) VALUES (?1) ON CONFLICT (title) DO NOTHING",
        [title],
    )?;
    tx.query_row("SELECT id FROM categories WHERE title = ?1", [title], |r| {
        r.get(0)
    })
}

impl Store {
    /// The titles of a client's categories, alphabetically.
    pub fn client_categories(&self, client_id: i64) -> Result<Vec<String>> {
        self.column(
            "SELECT c.title FROM client_categories l JOIN categories c ON c.id = l.category_id
             WHERE l.client_id = ?1 ORDER BY c.title",
            [client_id],
        )
    }

    /// The clients in the category titled `title` (ignoring case), by id.
    pub fn category_clients(&self, title: &str) -> Result<Vec<i64>> {
        self.column(
            "SELECT l.client_id FROM client_categories l JOIN categories c ON c.id = l.category_id
             WHERE c.title = ?1 ORDER BY l.client_id",
            [title],
        )
    }

    /// The local categories' titles, alphabetically.
    pub fn categories(&self) -> Result<Vec<String>> {
        self.column("SELECT title FROM categories ORDER BY title", [])
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn new(name: &str, phone: &str) -> NewClient {
        NewClient {
            name: name.into(),
            surname: None,
            middle_name: None,
            phone: phone.into(),
            phone_extension: None,
            email: None,
            birth_date: None,
        }
    }

    #[test]
    fn insert_is_idempotent_per_phone_key() {
        let store = Store::open_in_memory().unwrap();
        let out = store
            .insert_batch(&[
                new("A", "+79160000001"),
                new("B", "+79160000001"),
                new("C", "+79160000002"),
            ])
            .unwrap();
        let Inserted::Created(a) = out[0] else {
            panic!("{out:?}")
        };
        assert_eq!(out[1], Inserted::AlreadyThere(a));
        assert!(matches!(out[2], Inserted::Created(_)));
        let again = store.insert_batch(&[new("A", "+79160000001")]).unwrap();
        assert_eq!(again, vec![Inserted::AlreadyThere(a)]);
        assert_eq!(store.client_count().unwrap(), 2);
        assert_eq!(
            store.client_index().unwrap().get("+79160000002").copied(),
            match out[2] {
                Inserted::Created(id) => Some(id),
                _ => None,
            }
        );
    }

    #[test]
    fn phone_index_is_cached_until_anyone_writes() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("clients.db");
        let store = Store::open(&path).unwrap();
        store.insert_batch(&[new("A", "+79160000001")]).unwrap();
        let first = store.client_index().unwrap();
        assert!(
            Arc::ptr_eq(&first, &store.client_index().unwrap()),
            "unchanged: served from the cache"
        );
        store.insert_batch(&[new("B", "+79160000002")]).unwrap();
        let second = store.client_index().unwrap();
        assert_eq!(second.len(), 2, "our own write clears the cache");
        // Another process writes: data_version moves and the index is read again.
        let other = Connection::open(&path).unwrap();
        other
            .execute("INSERT INTO clients (name, phone, phone_key) VALUES ('C', '+79160000003', '+79160000003')", [])
            .unwrap();
        assert_eq!(store.client_index().unwrap().len(), 3);
    }

    #[test]
    fn file_database_is_wal_and_versioned() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("clients.db");
        {
            let s = Store::open(&path).unwrap();
            s.insert_batch(&[new("A", "+79160000001")]).unwrap();
        }
        let conn = Connection::open(&path).unwrap();
        let mode: String = conn
            .query_row("PRAGMA journal_mode", [], |r| r.get(0))
            .unwrap();
        assert_eq!(mode, "wal");
        let v: i64 = conn
            .query_row("PRAGMA user_version", [], |r| r.get(0))
            .unwrap();
        assert_eq!(v, SCHEMA_VERSION);
        drop(conn);
        assert_eq!(Store::open(&path).unwrap().client_count().unwrap(), 1);
    }

    #[test]
    fn newer_schema_and_garbage_files_are_refused_untouched() {
        let dir = tempfile::tempdir().unwrap();
        let newer = dir.path().join("newer.db");
        {
            let conn = Connection::open(&newer).unwrap();
            conn.execute_batch("CREATE TABLE x (a); PRAGMA user_version = 99;")
                .unwrap();
        }
        let before = std::fs::read(&newer).unwrap();
        let err = Store::open(&newer).unwrap_err();
        assert!(matches!(err, Error::NewerSchema { found: 99, .. }), "{err}");
        assert_eq!(std::fs::read(&newer).unwrap(), before);

        let garbage = dir.path().join("garbage.db");
        std::fs::write(
            &garbage,
            b"this is a text file, not a database, and it is long enough",
        )
        .unwrap();
        let before = std::fs::read(&garbage).unwrap();
        let err = Store::open(&garbage).unwrap_err();
        assert!(matches!(err, Error::Corrupt { .. }), "{err}");
        assert_eq!(std::fs::read(&garbage).unwrap(), before);
    }

    #[test]
    fn links_only_count_for_contacts_still_on_the_device() {
        let store = Store::open_in_memory().unwrap();
        let out = store.insert_batch(&[new("A", "+79160000001")]).unwrap();
        let Inserted::Created(id) = out[0] else {
            panic!()
        };
        store
            .link_to_phonebook(&[(id, "p1".into()), (9999, "p2".into())])
            .unwrap();
        let present: HashSet<String> = ["p1".to_string()].into();
        assert_eq!(store.linked_clients(&present).unwrap(), HashSet::from([id]));
        assert!(store.linked_clients(&HashSet::new()).unwrap().is_empty());
    }
}
