"""The sample plugin's own Alembic branch."""
