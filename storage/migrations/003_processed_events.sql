-- Incoming events already handled, keyed by channel and the platform's message id, so that a redelivered
-- webhook or a repeated poll does not run a conversation step twice. Rows older than a few days are pruned:
-- platforms redeliver within minutes or hours, not weeks.
CREATE TABLE processed_events (
    channel TEXT NOT NULL,
    event_id TEXT NOT NULL,
    received_at TEXT NOT NULL,
    PRIMARY KEY (channel, event_id)
);
CREATE INDEX processed_events_received_at ON processed_events (received_at);
