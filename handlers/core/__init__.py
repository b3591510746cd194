"""What every feature shares: messages, context, commands and roles, the flow engine, the router."""
