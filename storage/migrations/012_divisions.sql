-- The two-tier map of July 2025 (34 provinces; 3,321 communes, wards and special zones), with the official codes
-- of the national list, so loading it again finds each row by its code rather than by a name someone respelt.
-- Communes of the old map keep their district and have no code.
CREATE TABLE provinces (
    code INTEGER PRIMARY KEY,
    name TEXT NOT NULL UNIQUE,
    kind TEXT NOT NULL
);

ALTER TABLE communes ADD COLUMN code INTEGER;
CREATE UNIQUE INDEX communes_code ON communes (code) WHERE code IS NOT NULL;
