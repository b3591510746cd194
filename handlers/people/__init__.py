"""Registered people for admins: /nguoidung and /thuhoi."""
