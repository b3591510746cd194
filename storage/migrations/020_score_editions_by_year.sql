-- A file is an edition of one year: the same multi-year file may be imported for each of its years, and an earlier
-- file imported again (to roll back a correction) is that year's next version. Only the newest version of a year
-- is compared with a new import (python -m bot scores import), so the file's checksum is no longer unique.
DROP INDEX score_editions_source;
CREATE INDEX score_editions_source ON score_editions (year, source_sha256);
