-- Everything the bot sends on its own (reminders, overdue notices, broadcasts) is a row here first. The key
-- makes planning repeatable (INSERT ... ON CONFLICT DO NOTHING) and a message never sent twice: a row is
-- claimed ('sending') before the network call and marked after it, so a crash can repeat at most the one
-- message in flight.
CREATE TABLE broadcasts (
    id INTEGER PRIMARY KEY,
    author_id INTEGER REFERENCES people (id),  -- NULL: sent from the command line
    text TEXT NOT NULL,
    audience TEXT NOT NULL,
    recipients INTEGER NOT NULL,
    send_at TEXT NOT NULL,
    created_at TEXT NOT NULL,
    reported_at TEXT
);

CREATE TABLE outbox (
    id INTEGER PRIMARY KEY,
    key TEXT NOT NULL UNIQUE,
    kind TEXT NOT NULL CHECK (kind IN ('reminder', 'overdue', 'overdue_copy', 'broadcast', 'notice')),
    person_id INTEGER NOT NULL REFERENCES people (id),
    text TEXT NOT NULL,
    not_before TEXT NOT NULL,
    status TEXT NOT NULL DEFAULT 'pending'
        CHECK (status IN ('pending', 'sending', 'sent', 'failed', 'blocked', 'skipped')),
    attempts INTEGER NOT NULL DEFAULT 0,
    next_try TEXT,
    last_error TEXT,
    -- what a reminder is about, to check at send time that it is still relevant
    plan_id TEXT,
    unit_id INTEGER REFERENCES units (id),
    period TEXT,
    due TEXT,
    broadcast_id INTEGER REFERENCES broadcasts (id),
    created_at TEXT NOT NULL,
    sent_at TEXT
);
CREATE INDEX outbox_due ON outbox (not_before) WHERE status = 'pending';
CREATE INDEX outbox_by_broadcast ON outbox (broadcast_id, status);
CREATE INDEX outbox_by_person ON outbox (person_id, status);

-- Event dates that deadlines count from ("15 days after PAPI 2024 is published"), recorded by admins when
-- the content does not know them.
CREATE TABLE event_dates (
    name TEXT NOT NULL,
    year INTEGER NOT NULL,
    date TEXT NOT NULL,
    recorded_by INTEGER REFERENCES people (id),
    PRIMARY KEY (name, year)
);

ALTER TABLE people ADD COLUMN reminders_muted INTEGER NOT NULL DEFAULT 0;
ALTER TABLE people ADD COLUMN preferred_channel TEXT;
