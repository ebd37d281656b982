"""Alembic environment: runs every enabled module's branch as the owner role."""

from alembic import context
from sqlalchemy import create_engine, pool

config = context.config
url = config.attributes["owner_url"]
connect_args = config.attributes.get("connect_args", {})


def run_migrations_online() -> None:
    engine = create_engine(url, poolclass=pool.NullPool, connect_args=connect_args)
    with engine.connect() as connection:
        context.configure(connection=connection, transaction_per_migration=False)
        with context.begin_transaction():
            context.run_migrations()
    engine.dispose()


run_migrations_online()
