-- Review of progress reports on the admin pages: an admin approves a report or returns it with a comment (the
-- official then files a new version with /baocao, which supersedes it and waits for review again). Each decision
-- is a row, so a report's review history stays; a report with no row is waiting for review.
CREATE TABLE report_reviews (
    id INTEGER PRIMARY KEY,
    report_id INTEGER NOT NULL REFERENCES reports (id) ON DELETE CASCADE,
    decision TEXT NOT NULL CHECK (decision IN ('approved', 'returned')),
    comment TEXT,
    reviewer_id INTEGER REFERENCES people (id),
    reviewed_at TEXT NOT NULL
);
CREATE INDEX report_reviews_by_report ON report_reviews (report_id, id);

-- Unanswered questions a curator has dealt with (an entry written, or nothing to add), by their normalised text:
-- hidden from the curators' list until someone asks the same again on a later day. A table of its own, so that
-- question_gaps keeps only the question and the day it was asked.
CREATE TABLE gaps_handled (
    normalized TEXT PRIMARY KEY,
    handled_at TEXT NOT NULL,
    handled_by INTEGER REFERENCES people (id) ON DELETE SET NULL
);
