-- Schema 2: the mirror of a salon's remote client database, and the import journal.

-- One row per remote client and location. Phone keys are not unique here: the remote
-- database may hold duplicates we must not fail on; matching takes the lowest id.
CREATE TABLE mirror_clients (
    location_id INTEGER NOT NULL,
    remote_id   INTEGER NOT NULL,
    name        TEXT NOT NULL,
    surname     TEXT,
    middle_name TEXT,
    -- As the server returned it; masked numbers have no key.
    phone       TEXT,
    phone_key   TEXT,
    email       TEXT,
    synced_at   TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%SZ', 'now')),
    PRIMARY KEY (location_id, remote_id)
);
CREATE INDEX mirror_clients_phone_key ON mirror_clients (location_id, phone_key);

-- Every client an import will create, written before the request that creates it. A row
-- stays 'pending' until the server's answer (or a later look at the server) settles it, so
-- a crash, a kill or a lost response is resolved on the next run instead of resent blindly.
CREATE TABLE import_journal (
    location_id   INTEGER NOT NULL,
    phone_key     TEXT NOT NULL,
    payload       TEXT NOT NULL,
    state         TEXT NOT NULL CHECK (state IN ('pending', 'done', 'failed')),
    attempts      INTEGER NOT NULL DEFAULT 0,
    remote_id     INTEGER,
    outcome       TEXT CHECK (outcome IN ('created', 'existing')),
    error         TEXT,
    updated_at    TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%SZ', 'now')),
    PRIMARY KEY (location_id, phone_key)
);
