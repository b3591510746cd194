-- PAPI editions an operator imported (python -m bot scores import FILE --year YYYY): each version of a year's
-- scores is one row, the validated scores as JSON beside the file they came from. Answers cite the file's name and
-- the day it was imported; its sha256 makes importing the same file twice a no-op. The newest version of a year
-- is the one answered from, in place of the bundled scores of that year.
CREATE TABLE score_editions (
    year INTEGER NOT NULL,
    version INTEGER NOT NULL,
    provinces_map INTEGER NOT NULL CHECK (provinces_map IN (34, 63)),
    source_name TEXT NOT NULL,
    source_sha256 TEXT NOT NULL,
    body TEXT NOT NULL,
    created_at TEXT NOT NULL,
    PRIMARY KEY (year, version)
);

CREATE UNIQUE INDEX score_editions_source ON score_editions (source_sha256);
