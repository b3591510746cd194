"""Review of progress reports (the admin pages): approve, or return with a comment that the official receives
through the outbox and answers with a new version via /baocao."""
