-- The commune's Zalo Official Account: its OAuth tokens (the refresh token is single-use, so the pair is stored
-- together after every refresh), each follower's last message (the reply window) and what was sent since, and
-- the status of every ZNS message, keyed by the outbox key sent as ZNS tracking_id.
CREATE TABLE oa_tokens (
    app_id TEXT PRIMARY KEY,
    access_token TEXT NOT NULL,
    refresh_token TEXT NOT NULL,
    expires_at TEXT NOT NULL,
    seeded_from TEXT,  -- SHA-256 of the refresh token given in the settings that started this pair
    updated_at TEXT NOT NULL
);

CREATE TABLE oa_followers (
    user_id TEXT PRIMARY KEY,
    last_message_at TEXT,
    sent_since INTEGER NOT NULL DEFAULT 0,  -- messages the OA sent since that message
    phone TEXT,  -- shared by the person through the OA's information form (user_submit_info)
    name TEXT,  -- the display name the OA API gives (user/detail), for officials in lists and exports
    following INTEGER NOT NULL DEFAULT 1,
    updated_at TEXT NOT NULL
);

CREATE TABLE zns_messages (
    tracking_id TEXT PRIMARY KEY,
    template_id TEXT NOT NULL,
    status TEXT NOT NULL,  -- sent | retry | failed | received (Zalo's user_received_message event)
    msg_id TEXT,
    error TEXT,
    attempts INTEGER NOT NULL DEFAULT 0,
    updated_at TEXT NOT NULL
);
CREATE INDEX zns_messages_msg_id ON zns_messages (msg_id);
