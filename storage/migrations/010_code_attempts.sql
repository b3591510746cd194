-- Refused /dangky and /lienket codes, so that guessing is limited per person and per code (storage/attempts.py).
-- A code that matches nothing is not stored in any form; code_hash is set only when the refused code exists
-- (used, expired, revoked…), and it is then the hash already stored with that code. Rows live only as long as
-- the limit's window: each new failure prunes the older ones.
CREATE TABLE code_attempts (
    person_id INTEGER NOT NULL REFERENCES people (id) ON DELETE CASCADE,  -- a linked-away citizen may go
    kind TEXT NOT NULL CHECK (kind IN ('invitation', 'link')),
    code_hash TEXT,
    at TEXT NOT NULL
);
CREATE INDEX code_attempts_by_person ON code_attempts (person_id, kind, at);
CREATE INDEX code_attempts_by_code ON code_attempts (code_hash, at) WHERE code_hash IS NOT NULL;
CREATE INDEX code_attempts_by_time ON code_attempts (at);
