"""/lienket joins a person's Telegram and Zalo identities; /kenh chooses where reminders go."""
