-- Images waiting for Zalo to fetch them by URL (/images/<name>), in the database when several workers share it
-- (PostgreSQL): the worker Zalo's fetch reaches may not be the one that made the chart. Kept until expires_at.
CREATE TABLE images (
    name TEXT PRIMARY KEY,
    content_type TEXT NOT NULL,
    data BLOB NOT NULL,
    expires_at TEXT NOT NULL
);
CREATE INDEX images_by_expiry ON images (expires_at);
