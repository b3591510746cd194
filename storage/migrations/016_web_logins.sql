-- The admin pages' sign-in (bot/channels/web/admin/): one-time links sent by /web, and the browser sessions they
-- open. Both are stored as SHA-256 hashes only, so a copy of the database opens no session. A link is valid 10
-- minutes and used once (used_at); a session ends at its expiry or at logout (ended_at).
CREATE TABLE web_logins (
    id INTEGER PRIMARY KEY,
    token_hash TEXT NOT NULL UNIQUE,
    person_id INTEGER NOT NULL REFERENCES people (id) ON DELETE CASCADE,
    created_at TEXT NOT NULL,
    expires_at TEXT NOT NULL,
    used_at TEXT
);
CREATE TABLE web_sessions (
    id INTEGER PRIMARY KEY,
    token_hash TEXT NOT NULL UNIQUE,
    person_id INTEGER NOT NULL REFERENCES people (id) ON DELETE CASCADE,
    created_at TEXT NOT NULL,
    expires_at TEXT NOT NULL,
    ended_at TEXT
);
