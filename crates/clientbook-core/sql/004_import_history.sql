-- Schema 4: every committed import, and the clients it created, so an import can be undone.

-- One row per commit (a cancelled commit and the "import the rest" after it are two rows).
-- `target` is 'local' or 'altegio:<location id>'.
CREATE TABLE import_history (
    id            INTEGER PRIMARY KEY AUTOINCREMENT,
    target        TEXT NOT NULL,
    started_at    TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%SZ', 'now')),
    finished_at   TEXT,
    created       INTEGER NOT NULL DEFAULT 0,
    already_there INTEGER NOT NULL DEFAULT 0,
    skipped       INTEGER NOT NULL DEFAULT 0,
    cancelled     INTEGER NOT NULL DEFAULT 0,
    failed        INTEGER NOT NULL DEFAULT 0
);

-- The clients an import created (never those that were already there), as it created them:
-- undo removes a client only while it still looks like this. Written in the transaction that
-- creates the client. `undone_at` is set in the transaction that deletes it, so an undo run
-- twice, or killed and run again, deletes nothing more.
CREATE TABLE import_created (
    import_id   INTEGER NOT NULL REFERENCES import_history (id),
    client_id   INTEGER NOT NULL,
    name        TEXT NOT NULL,
    surname     TEXT,
    middle_name TEXT,
    phone_key   TEXT NOT NULL,
    email       TEXT,
    undone_at   TEXT,
    PRIMARY KEY (import_id, client_id)
);
