-- Schema 8: a client's birthday (YYYY-MM-DD), which an import can fill in from the phonebook
-- where the client has none.
ALTER TABLE clients ADD COLUMN birth_date TEXT;
