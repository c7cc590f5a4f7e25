"""Alembic environment: runs with the engine given by ``wiki.migrate``."""

from __future__ import annotations

from alembic import context

from wiki.migrate import database_kinds
from wiki.migrate import load_metadata
from wiki.migrate import object_filter

engine = context.config.attributes["engine"]
metadata = load_metadata()

with engine.connect() as connection:
    kinds = database_kinds(connection)
    connection.rollback()  # end the read's transaction: the migrations run in their own
    context.configure(
        connection=connection,
        target_metadata=metadata,
        # SQLite can only ALTER through table copies; batch mode does them.
        render_as_batch=connection.dialect.name == "sqlite",
        # All pending migrations in one transaction: all or nothing (PostgreSQL rolls its DDL back too;
        # on SQLite, wiki.backup.upgrading puts the pre-upgrade copy back if a migration ended it early).
        transactional_ddl=True,
        transaction_per_migration=False,
        compare_type=True,
        # Tables declared for another database (the PostgreSQL search table on SQLite, PostGIS tables).
        include_object=object_filter(kinds),
    )
    with context.begin_transaction():
        context.run_migrations()
