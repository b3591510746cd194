"""Officials' tasks from the plans (/nhiemvu) and the guided progress report (/baocao)."""
