"""Revisions of core's Alembic branch (label ``core``)."""
