-- The flow engine's own state, kept beside the draft instead of inside it: the step a detour returns to
-- (the summary after «Sửa») and the conversation's idempotency key.
ALTER TABLE sessions ADD COLUMN back_to TEXT;
ALTER TABLE sessions ADD COLUMN nonce TEXT;
