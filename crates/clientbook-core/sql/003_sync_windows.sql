-- Schema 3: what the sync needs to never resend a create that may still land.

-- When the latest request carrying this client went out (Unix milliseconds). A pending
-- client sent at T may still be applied by the server until T + the settle window (request
-- timeout plus a margin), so it is not sent again before then, and is looked up just before.
ALTER TABLE import_journal ADD COLUMN sent_at_ms INTEGER;

-- The highest client id below which the mirror has seen every client the server had at
-- the time (set by a complete refresh). An incremental refresh reads newest first down to
-- this mark, not down to the first id it happens to know: ids the journal put in the mirror
-- sit above clients nobody has read yet.
CREATE TABLE mirror_watermark (
    location_id INTEGER PRIMARY KEY,
    max_id      INTEGER NOT NULL
);
