"""Database access: server bootstrap, engines, per-request transactions, scoped tables."""
