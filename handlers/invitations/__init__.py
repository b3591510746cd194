"""One-time invitation codes: /moi and `invite` issue them, /dangky and /start redeem them."""
