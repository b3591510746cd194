"""The web: the citizens' chat (GET /, POST /api/chat, /widget.js) and the admin pages (/admin), one channel
on the one web server."""

from bot.channels.web.channel import WebChannel

__all__ = ["WebChannel"]
