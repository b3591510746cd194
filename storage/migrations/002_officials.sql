-- Organisation: communes (with the district they had before July 2025, if any) and their units. A unit with
-- no commune is a provincial or district office (Sở Nội vụ, Phòng Nội vụ).
CREATE TABLE communes (
    id INTEGER PRIMARY KEY,
    province TEXT NOT NULL,
    district TEXT,
    name TEXT NOT NULL,
    UNIQUE (province, name)
);

CREATE TABLE units (
    id INTEGER PRIMARY KEY,
    province TEXT NOT NULL,
    commune_id INTEGER REFERENCES communes (id),
    name TEXT NOT NULL,
    UNIQUE (province, commune_id, name)
);

-- An official is bound to one unit; an admin's scope is a province (NULL: every province, for bootstrap admins).
ALTER TABLE people ADD COLUMN unit_id INTEGER REFERENCES units (id);
ALTER TABLE people ADD COLUMN province TEXT;
-- Officials' names as their channel shows them, for reports and exports; never stored for citizens.
ALTER TABLE people ADD COLUMN display_name TEXT;

-- One-time invitation codes, stored hashed.
CREATE TABLE invitations (
    id INTEGER PRIMARY KEY,
    code_hash TEXT NOT NULL UNIQUE,
    role TEXT NOT NULL CHECK (role IN ('official', 'leader', 'admin')),
    unit_id INTEGER REFERENCES units (id),
    province TEXT,
    created_by INTEGER REFERENCES people (id),
    created_at TEXT NOT NULL,
    expires_at TEXT NOT NULL,
    used_at TEXT,
    used_by INTEGER REFERENCES people (id),
    revoked_at TEXT
);

-- Progress reports: one current report per (plan, task, unit, period); a newer one supersedes it and the
-- history stays. The idempotency key makes a double tap or a retried call store one report.
CREATE TABLE reports (
    id INTEGER PRIMARY KEY,
    plan_id TEXT NOT NULL,
    task_id TEXT NOT NULL,
    unit_id INTEGER NOT NULL REFERENCES units (id),
    period TEXT NOT NULL,
    status TEXT NOT NULL CHECK (status IN ('chua', 'dang', 'xong', 'vuong')),
    percent INTEGER NOT NULL CHECK (percent BETWEEN 0 AND 100),
    done_text TEXT NOT NULL,
    difficulties TEXT,
    reporter_id INTEGER NOT NULL REFERENCES people (id),
    submitted_at TEXT NOT NULL,
    supersedes INTEGER REFERENCES reports (id),
    superseded_at TEXT,
    idempotency_key TEXT NOT NULL UNIQUE
);
CREATE INDEX reports_by_task ON reports (plan_id, task_id, unit_id, period);
CREATE UNIQUE INDEX reports_one_current ON reports (plan_id, task_id, unit_id, period) WHERE superseded_at IS NULL;

CREATE TABLE evidence (
    id INTEGER PRIMARY KEY,
    report_id INTEGER NOT NULL REFERENCES reports (id) ON DELETE CASCADE,
    kind TEXT NOT NULL CHECK (kind IN ('photo', 'document', 'link')),
    file_id TEXT,
    url TEXT,
    name TEXT,
    size INTEGER,
    local_path TEXT
);
CREATE INDEX evidence_by_report ON evidence (report_id);

-- A report draft outlives an expired conversation, so the next /baocao can pick it up.
ALTER TABLE sessions ADD COLUMN kept_draft TEXT;
