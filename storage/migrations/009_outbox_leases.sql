-- A claim names the process that made it and how long it holds: after a crash only expired leases are taken
-- back, never the rows a live process (a second worker) is sending.
ALTER TABLE outbox ADD COLUMN claimed_by TEXT;
ALTER TABLE outbox ADD COLUMN lease_until TEXT;
CREATE INDEX outbox_sending ON outbox (lease_until) WHERE status = 'sending';
