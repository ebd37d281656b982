"""Core's Alembic migration branch (label ``core``)."""
