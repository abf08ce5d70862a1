"""Who may act: users, sessions, the sign-in throttle, API keys, wall tokens and the audit log."""
