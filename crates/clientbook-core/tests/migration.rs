//! A database written by schema version 1, holding data, upgraded by this build: the data
//! survives and the schema ends up exactly as a freshly created database's (the pattern of
//! application-services' `MigratedDatabaseFile`).

use std::path::Path;

use clientbook_core::store::{Store, SCHEMA_VERSION};
use rusqlite::Connection;

const V1: &str = include_str!("../sql/001_clients.sql");
const V2: &str = include_str!("../sql/002_altegio_mirror.sql");

/// The schema as SQLite reports it: every table, index and trigger with its SQL.
fn schema(path: &Path) -> Vec<(String, String, Option<String>)> {
    let conn = Connection::open(path).unwrap();
    let mut stmt = conn
        .prepare(
            "SELECT type, name, sql FROM sqlite_master
             WHERE name NOT LIKE 'sqlite_%' ORDER BY type, name",
        )
        .unwrap();
    stmt.query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))
        .unwrap()
        .map(Result::unwrap)
        .collect()
}

fn old_file(path: &Path, steps: &[&str]) -> Connection {
    let conn = Connection::open(path).unwrap();
    for (i, sql) in steps.iter().enumerate() {
        conn.execute_batch(sql).unwrap();
        conn.pragma_update(None, "user_version", (i + 1) as i64)
            .unwrap();
    }
    conn
}

#[test]
fn a_version_1_file_with_clients_upgrades_to_the_fresh_schema_and_keeps_its_data() {
    let dir = tempfile::tempdir().unwrap();
    let old = dir.path().join("v1.db");
    {
        let conn = old_file(&old, &[V1]);
        conn.execute_batch(
            "INSERT INTO clients (name, surname, phone, phone_extension, phone_key, email)
               VALUES ('Анна', 'Иванова', '+79161234567', NULL, '+79161234567', 'a@example.com'),
                      ('Boris', NULL, '+74951234567', '123', '+74951234567;ext=123', NULL);
             INSERT INTO phonebook_links (client_id, platform_id) VALUES (1, 'raw-17');",
        )
        .unwrap();
    }
    let fresh = dir.path().join("fresh.db");
    drop(Store::open(&fresh).unwrap());

    let store = Store::open(&old).unwrap();
    assert_eq!(store.client_count().unwrap(), 2);
    let clients = store.clients().unwrap();
    assert_eq!(clients[0].name, "Анна");
    assert_eq!(clients[0].surname.as_deref(), Some("Иванова"));
    assert_eq!(clients[1].phone_extension.as_deref(), Some("123"));
    let present = ["raw-17".to_string()].into_iter().collect();
    assert_eq!(store.linked_clients(&present).unwrap().len(), 1);
    let index = store.client_index().unwrap();
    assert_eq!(index.get("+74951234567;ext=123"), Some(&clients[1].id));
    drop(store);

    assert_eq!(
        schema(&old),
        schema(&fresh),
        "upgraded schema differs from a fresh one"
    );
    let version: i64 = Connection::open(&old)
        .unwrap()
        .query_row("PRAGMA user_version", [], |r| r.get(0))
        .unwrap();
    assert_eq!(version, SCHEMA_VERSION);
}

#[test]
fn the_code_step_recomputes_mirror_keys_written_by_an_older_build() {
    let dir = tempfile::tempdir().unwrap();
    let old = dir.path().join("v2.db");
    {
        let conn = old_file(&old, &[V1, V2]);
        // Keys as an older build might have stored them: one spelled differently, one
        // missing although the number is readable, one masked number (no key, stays none).
        conn.execute_batch(
            "INSERT INTO mirror_clients (location_id, remote_id, name, phone, phone_key)
               VALUES (7, 1, 'A', '79161234567', '79161234567'),
                      (7, 2, 'B', '+7 (903) 000-11-22', NULL),
                      (7, 3, 'C', '7916***4567', NULL);",
        )
        .unwrap();
    }
    let store = Store::open(&old).unwrap();
    let index = store.mirror_index(7).unwrap();
    assert_eq!(index.get("+79161234567"), Some(&1));
    assert_eq!(index.get("+79030001122"), Some(&2));
    assert_eq!(index.len(), 2, "the masked number has no key: {index:?}");
}
