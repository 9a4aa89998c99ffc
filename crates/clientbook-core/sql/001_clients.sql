-- Schema 1: the local client database.
-- One row per client; the phone key (E.164 plus extension) is unique, which is what makes
-- an import impossible to duplicate even when two processes race.
CREATE TABLE clients (
    id              INTEGER PRIMARY KEY AUTOINCREMENT,
    name            TEXT NOT NULL CHECK (length(name) > 0),
    surname         TEXT,
    middle_name     TEXT,
    phone           TEXT NOT NULL,
    phone_extension TEXT,
    phone_key       TEXT NOT NULL,
    email           TEXT,
    created_at      TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%SZ', 'now'))
);
CREATE UNIQUE INDEX clients_phone_key ON clients (phone_key);

-- Which client was written to which phonebook contact, so exporting twice writes nothing new
-- even when the phonebook entry's number was reformatted by the phone.
CREATE TABLE phonebook_links (
    client_id   INTEGER NOT NULL REFERENCES clients (id) ON DELETE CASCADE,
    platform_id TEXT NOT NULL,
    PRIMARY KEY (client_id, platform_id)
);
