-- Plans a province loads (python -m bot plan import): each version of a plan is one row, the validated plan as
-- JSON beside the columns the bot looks it up by. A plan keeps its id across versions, so progress reports
-- (which name plan_id and task_id) stay with it when a new version supersedes the old one. The file's sha256
-- makes importing the same file twice a no-op.
CREATE TABLE plans (
    id TEXT NOT NULL,
    version INTEGER NOT NULL,
    state TEXT NOT NULL CHECK (state IN ('draft', 'active', 'superseded', 'archived')),
    province TEXT NOT NULL,
    valid_from TEXT NOT NULL,
    valid_until TEXT NOT NULL,
    source_name TEXT NOT NULL,
    source_sha256 TEXT NOT NULL,
    body TEXT NOT NULL,
    created_at TEXT NOT NULL,
    published_at TEXT,
    PRIMARY KEY (id, version)
);

CREATE UNIQUE INDEX plans_source ON plans (source_sha256);
CREATE UNIQUE INDEX plans_one_active ON plans (id) WHERE state = 'active';
CREATE INDEX plans_active_period ON plans (state, valid_from, valid_until);
