"""Entry point: `python -m bot [chat|run|content check|content gaps]`."""

from bot.cli import main

raise SystemExit(main())
