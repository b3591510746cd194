"""/web: a one-time sign-in link to the admin pages, for admins and leaders."""
