-- Whether the replies that left a conversation at its current step reached the person: the channel confirms
-- after sending. Unconfirmed (a failed send, or a crash between saving and sending), the step is asked again
-- before typed text is taken as its answer.
ALTER TABLE sessions ADD COLUMN delivered INTEGER NOT NULL DEFAULT 1;
