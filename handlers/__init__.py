"""Conversation logic, importing no channel library.

`core/` holds what every feature shares: the messages a channel hands in and gets back, the context, the
command table with its roles, the flow engine and the router, the one path every message takes. Each other
folder is one feature: its commands, flows, texts and rendering.
"""
