-- One-time codes that bind another channel's identity (Telegram, Zalo…) to the person who asked for the code
-- (/lienket). Stored hashed like invitations, so a leaked database does not leak live codes. They expire within
-- minutes and are used once; asking for a new one replaces the old (revoked_at), so at most one is live.
CREATE TABLE link_codes (
    id INTEGER PRIMARY KEY,
    code_hash TEXT NOT NULL UNIQUE,
    person_id INTEGER NOT NULL REFERENCES people (id) ON DELETE CASCADE,
    created_at TEXT NOT NULL,
    expires_at TEXT NOT NULL,
    used_at TEXT,
    used_channel TEXT,  -- the identity the code bound, kept for audit
    used_external_id TEXT,
    revoked_at TEXT
);
CREATE INDEX link_codes_by_person ON link_codes (person_id) WHERE used_at IS NULL AND revoked_at IS NULL;
