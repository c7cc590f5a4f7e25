"""Recycled PostgreSQL test databases come back exactly as the template left them, or not at all."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
import sqlalchemy as sa
from sqlalchemy.pool import NullPool

from tests.conftest import base_config
from tests.factories import make_page
from tests.factories import make_user
from tests.support.databases import RecycledDatabases
from tests.support.postgres import PostgresServer
from wiki import create_app
from wiki.db import Database

pytestmark = pytest.mark.postgres


@pytest.fixture
def pool(postgres_server: PostgresServer, postgres_template: str) -> Iterator[RecycledDatabases]:
    databases = RecycledDatabases(postgres_server, postgres_template)
    yield databases
    databases.close()


def snapshot(server: PostgresServer, name: str) -> dict[str, object]:
    """Every table's rows and every sequence's state."""
    engine = sa.create_engine(server.url(name), poolclass=NullPool)
    try:
        with engine.connect() as conn:
            inspector = sa.inspect(conn)
            tables = {
                table: conn.exec_driver_sql(f'SELECT * FROM "{table}" ORDER BY 1').all()
                for table in inspector.get_table_names()
                if table != "spatial_ref_sys"
            }
            sequences = {
                sequence: conn.exec_driver_sql(f'SELECT last_value, is_called FROM "{sequence}"').one()
                for sequence in inspector.get_sequence_names()
            }
            spatial = conn.exec_driver_sql("SELECT count(*) FROM spatial_ref_sys").scalar()
    finally:
        engine.dispose()
    return {"tables": tables, "sequences": sequences, "spatial_ref_sys": spatial}


def databases(server: PostgresServer) -> set[str]:
    engine = sa.create_engine(server.admin_url, poolclass=NullPool)
    try:
        with engine.connect() as conn:
            return set(conn.exec_driver_sql("SELECT datname FROM pg_database").scalars())
    finally:
        engine.dispose()


def test_a_used_database_comes_back_equal_to_a_fresh_clone(pool, postgres_server, tmp_path):
    name = pool.acquire()
    fresh = snapshot(postgres_server, name)
    app = create_app(base_config(tmp_path) | {"DATABASE_URL": postgres_server.url(name)})
    session = Database.new_session(app)
    make_page(session, "Médiathèque", "Texte.\n", actor=make_user(session, "Camille"))
    session.commit()
    assert snapshot(postgres_server, name) != fresh
    left_open = Database.engine(app).connect()  # a test may leave a connection, even a transaction, open
    left_open.exec_driver_sql("LOCK TABLE users IN ACCESS EXCLUSIVE MODE")
    pool.release(name)
    assert pool.acquire() == name
    assert snapshot(postgres_server, name) == fresh
    app.extensions["lieudit.search"].close()
    Database.engine(app).dispose()


@pytest.mark.parametrize(
    "change",
    [
        "CREATE TABLE extra (id integer)",
        "ALTER TABLE pages ADD COLUMN extra integer",
        "CREATE INDEX extra ON pages (title)",
        "DROP INDEX ix_attachments_page_name",
        "UPDATE alembic_version SET version_num = 'other'",
        "DELETE FROM spatial_ref_sys WHERE srid = 2154",
        "ALTER DATABASE {name} SET work_mem = '8MB'",
        "CREATE FUNCTION extra() RETURNS integer LANGUAGE sql AS 'SELECT 1'",
        "ANALYZE pages",
        # Too many deleted rows to keep: the planner would size the table differently.
        "INSERT INTO users (name, name_key, password_hash, role, is_active, created_at, session_version, failed_logins,"
        " trusted) SELECT 'u' || i, 'u' || i, 'x', 'contributor', true, now(), 1, 0, false FROM generate_series(1, 2000) AS i",
    ],
)
def test_a_database_changed_beyond_its_rows_is_dropped(pool, postgres_server, change):
    name = pool.acquire()
    engine = sa.create_engine(postgres_server.url(name), poolclass=NullPool, isolation_level="AUTOCOMMIT")
    with engine.connect() as conn:
        conn.exec_driver_sql(change.format(name=name))
    engine.dispose()
    pool.release(name)
    assert name not in databases(postgres_server)
    assert pool.acquire() != name
