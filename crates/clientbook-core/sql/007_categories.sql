-- Schema 7: categories for imported clients, and which import journalled an Altegio client.

-- A category (Altegio calls them categories, labels or tags): an import can put the clients
-- it creates into one, so a batch from a phonebook can be found (and reviewed) as a group.
-- Titles are unique ignoring case, as staff read them.
CREATE TABLE categories (
    id    INTEGER PRIMARY KEY AUTOINCREMENT,
    title TEXT NOT NULL UNIQUE COLLATE NOCASE CHECK (length(title) > 0)
);

-- A client's categories. Deleting the client (an undo) removes its links; the category stays.
CREATE TABLE client_categories (
    client_id   INTEGER NOT NULL REFERENCES clients (id) ON DELETE CASCADE,
    category_id INTEGER NOT NULL REFERENCES categories (id),
    PRIMARY KEY (client_id, category_id)
);

-- The import (history entry) that journalled a remote client last. When the server confirms
-- the creation, the client is recorded under it in `import_created` in the same transaction,
-- so a kill between the answer and the record cannot leave a created client out of undo.
ALTER TABLE import_journal ADD COLUMN import_id INTEGER;

-- Undo on Altegio is a request per client: the time the delete was sent, so a kill after
-- the server deleted it and before `undone_at` was written still counts it as undone by us.
ALTER TABLE import_created ADD COLUMN delete_sent_at TEXT;
