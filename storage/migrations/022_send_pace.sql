-- One send budget per bot token (bot/pacing.py): the earliest time, in seconds since the epoch, at which the
-- next message on that token may go. Every worker on the database takes its slots here, so together they keep
-- to the platform's rate. The key names the channel and a hash of the token, never the token itself.
CREATE TABLE send_pace (
    key TEXT PRIMARY KEY,
    next_at DOUBLE PRECISION NOT NULL
);
