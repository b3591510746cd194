-- People and the channel identities they write from; everyone starts as a citizen.
CREATE TABLE people (
    id INTEGER PRIMARY KEY,
    role TEXT NOT NULL DEFAULT 'citizen' CHECK (role IN ('citizen', 'official', 'leader', 'admin')),
    created_at TEXT NOT NULL
);

CREATE TABLE identities (
    channel TEXT NOT NULL,
    external_id TEXT NOT NULL,
    person_id INTEGER NOT NULL REFERENCES people (id) ON DELETE CASCADE,
    active INTEGER NOT NULL DEFAULT 1,
    created_at TEXT NOT NULL,
    PRIMARY KEY (channel, external_id)
);

-- Per identity: the choices last offered (so "2" or a label picks one on channels without buttons) and the
-- guided conversation in progress, written at every step so a restart resumes where the person was.
CREATE TABLE sessions (
    channel TEXT NOT NULL,
    external_id TEXT NOT NULL,
    choices TEXT NOT NULL DEFAULT '[]',
    flow TEXT,
    step TEXT,
    draft TEXT NOT NULL DEFAULT '{}',
    updated_at TEXT NOT NULL,
    expires_at TEXT,
    PRIMARY KEY (channel, external_id),
    FOREIGN KEY (channel, external_id) REFERENCES identities (channel, external_id) ON DELETE CASCADE
);

-- Questions the knowledge base could not answer: the text and the time only, never who asked.
CREATE TABLE question_gaps (
    id INTEGER PRIMARY KEY,
    question TEXT NOT NULL,
    normalized TEXT NOT NULL,
    asked_at TEXT NOT NULL
);
CREATE INDEX question_gaps_normalized ON question_gaps (normalized);
