"""UserEcho (provider: userecho)."""
