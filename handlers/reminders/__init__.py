"""Reminders before deadlines and overdue notices: the planner, quiet hours and /nhacnho."""
