-- The outbox address look-up, /nguoidung and broadcast audiences find a person's identities by person id:
-- without this index each of those scans every identity per row.
CREATE INDEX identities_by_person ON identities (person_id, active);
