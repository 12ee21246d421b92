"""ABC User Feedback (provider: abc)."""
