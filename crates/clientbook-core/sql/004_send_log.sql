-- Schema 4: when requests went to the remote API (Unix milliseconds), kept for a minute next
-- to the import journal, so a process that starts right after another one (a restart after a
-- crash, two imports in a row) paces itself against the other's sends instead of bursting.
-- Per file, not per location: the server's limit is per IP address.
CREATE TABLE sent_requests (sent_at_ms INTEGER NOT NULL);
CREATE INDEX sent_requests_at ON sent_requests (sent_at_ms);
