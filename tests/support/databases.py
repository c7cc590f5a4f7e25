"""PostgreSQL databases for the tests: cloned from the migrated template, then recycled.

Each PostgreSQL test needs a database equal to the migrated template. Cloning
one (``CREATE DATABASE … TEMPLATE``, then ``DROP``) copies the 16 MB template
(PostGIS included): 65 ms on an idle machine (55 ms with ``STRATEGY
FILE_COPY``), several times that on a loaded one (267 ms measured), as it is
disk and WAL work. ``TRUNCATE`` of the nine tables a typical test fills is no
better (32 ms on top of the checks below: new files for every table and
index). :class:`RecycledDatabases` hands a database back to the next test
once it is as the template left it, for 35 to 70 ms, mostly the checks in a
new server connection; on the suite's 339 PostgreSQL items it cut the
server's CPU time from 70 s to 51 s and the run from 90 s to 80 s on a
loaded machine (all measured on PostgreSQL 15 with this schema):

1. every other connection to it is terminated (a failed test may leave one);
2. one query compares it with the template: a fingerprint of the schema
   (relations and whether they were ever analysed, columns, defaults,
   indexes, constraints, triggers, views, rules, functions, types, enums,
   extensions, schemas, privileges, database settings, planner statistics,
   large objects) and, for each table the migrations fill, its row count and
   newest ``xmin`` (any insert, update or delete shows);
3. if anything differs, or a table's file grew past what the planner treats
   as a fresh table (below), the database is dropped and the next test gets
   a new clone;
4. otherwise the tables holding rows are emptied with ``DELETE`` (foreign
   keys and triggers off: ``session_replication_role = replica``) and every
   sequence is set back to its value in the template.

A test cannot tell a recycled database from a clone: same schema, same rows
from the migrations and no other, same next ids, same query plans. Deleted
rows stay in the table's file (the test server runs without autovacuum), so
new rows are stored after them in insertion order, as in a fresh table; and
the planner sizes a never-analysed table under ten pages as ten pages
whatever it holds, so a table may keep :data:`MAX_DEAD_BYTES` of deleted
rows. A table the template had analysed (PostGIS's shape tables) is sized
from its actual pages: it must come back to its template size. A database
is used by one test at a time: each pytest-xdist worker has its own server
and its own pool. ``pytest --fresh-databases`` clones for every test instead.
"""

from __future__ import annotations

import uuid

import sqlalchemy as sa
from sqlalchemy.engine import Connection
from sqlalchemy.pool import NullPool

from tests.support.postgres import PostgresServer

#: How much of deleted rows a never-analysed table may keep for the next test (a quarter of the
#: ten pages the planner assumes for it).
MAX_DEAD_BYTES = 4 * 8192

_SYSTEM_SCHEMAS = "('pg_catalog', 'information_schema', 'pg_toast')"
_USER_SCHEMA = (
    f"n.nspname NOT IN {_SYSTEM_SCHEMAS} AND n.nspname NOT LIKE 'pg_temp_%%' AND n.nspname NOT LIKE 'pg_toast_temp_%%'"
)
_NOT_IN_EXTENSION = (
    "NOT EXISTS (SELECT 1 FROM pg_depend d WHERE d.classid = '{catalog}'::regclass AND d.objid = {oid}"
    " AND d.deptype = 'e')"
)

#: One md5 over every schema object a test could create, drop or change.
#: Temporary schemas are left out: their objects go with the sessions that made them.
FINGERPRINT = f"""
SELECT md5(string_agg(item, E'\\n' ORDER BY item)) FROM (
  SELECT concat_ws(':', 'rel', n.nspname, c.relname, c.relkind, c.relpersistence, c.relrowsecurity, c.relacl::text,
                   c.reltuples >= 0) AS item
    FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
    WHERE {_USER_SCHEMA} AND c.relkind IN ('r', 'p', 'v', 'm', 'S', 'f')
  UNION ALL
  SELECT concat_ws(':', 'col', n.nspname, c.relname, a.attnum, a.attname, format_type(a.atttypid, a.atttypmod),
                   a.attnotnull, a.attidentity, a.attgenerated, pg_get_expr(ad.adbin, ad.adrelid))
    FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
    JOIN pg_attribute a ON a.attrelid = c.oid AND a.attnum > 0 AND NOT a.attisdropped
    LEFT JOIN pg_attrdef ad ON ad.adrelid = c.oid AND ad.adnum = a.attnum
    WHERE {_USER_SCHEMA} AND c.relkind IN ('r', 'p', 'v', 'm', 'f')
  UNION ALL
  SELECT concat_ws(':', 'index', schemaname, indexdef) FROM pg_indexes WHERE schemaname NOT IN {_SYSTEM_SCHEMAS}
  UNION ALL
  SELECT concat_ws(':', 'constraint', n.nspname, con.conrelid::regclass::text, con.contypid::regtype::text,
                   con.conname, pg_get_constraintdef(con.oid))
    FROM pg_constraint con JOIN pg_namespace n ON n.oid = con.connamespace WHERE {_USER_SCHEMA}
  UNION ALL
  SELECT concat_ws(':', 'trigger', pg_get_triggerdef(t.oid), t.tgenabled) FROM pg_trigger t WHERE NOT t.tgisinternal
  UNION ALL
  SELECT concat_ws(':', 'view', schemaname, viewname, definition) FROM pg_views WHERE schemaname NOT IN {_SYSTEM_SCHEMAS}
  UNION ALL
  SELECT concat_ws(':', 'rule', schemaname, tablename, rulename, definition)
    FROM pg_rules WHERE schemaname NOT IN {_SYSTEM_SCHEMAS}
  UNION ALL
  SELECT concat_ws(':', 'sequence', schemaname, sequencename, data_type::text, start_value, min_value, max_value,
                   increment_by, cycle, cache_size)
    FROM pg_sequences WHERE schemaname NOT IN {_SYSTEM_SCHEMAS}
  UNION ALL
  SELECT concat_ws(':', 'function', p.oid::regprocedure::text, md5(p.prosrc), p.proacl::text)
    FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace
    WHERE {_USER_SCHEMA} AND {_NOT_IN_EXTENSION.format(catalog="pg_proc", oid="p.oid")}
  UNION ALL
  SELECT concat_ws(':', 'type', n.nspname, t.typname, t.typtype, format_type(t.typbasetype, t.typtypmod))
    FROM pg_type t JOIN pg_namespace n ON n.oid = t.typnamespace
    WHERE {_USER_SCHEMA} AND t.typrelid = 0 AND t.typelem = 0 AND {_NOT_IN_EXTENSION.format(catalog="pg_type", oid="t.oid")}
  UNION ALL
  SELECT concat_ws(':', 'enum', e.enumtypid::regtype::text, e.enumsortorder, e.enumlabel) FROM pg_enum e
  UNION ALL
  SELECT concat_ws(':', 'extension', x.extname, x.extversion, x.extnamespace::regnamespace::text) FROM pg_extension x
  UNION ALL
  SELECT concat_ws(':', 'schema', n.nspname, n.nspacl::text) FROM pg_namespace n WHERE {_USER_SCHEMA}
  UNION ALL
  SELECT concat_ws(':', 'setting', s.setrole, s.setconfig::text) FROM pg_db_role_setting s
    WHERE s.setdatabase = (SELECT oid FROM pg_database WHERE datname = current_database())
  UNION ALL
  SELECT concat_ws(':', 'statistics', count(*)) FROM pg_statistic
  UNION ALL
  SELECT concat_ws(':', 'large objects', count(*)) FROM pg_largeobject_metadata
) AS objects
"""

TERMINATE_OTHERS = """
SELECT pg_terminate_backend(pid, 10000) FROM pg_stat_activity
WHERE datname = current_database() AND pid <> pg_backend_pid()
"""


def _literal(text: str) -> str:
    """``text`` as an SQL string literal."""
    return "'" + text.replace("'", "''") + "'"


def _signature(table: str) -> str:
    """A scalar subquery naming the rows of ``table``: their count and newest ``xmin``."""
    return f"(SELECT count(*) || ':' || coalesce(max(xmin::text::bigint), 0) FROM {table})"


class _Template:
    """What a clean database looks like: read once from the migrated template."""

    def __init__(self, conn: Connection) -> None:
        self.fingerprint: str = conn.exec_driver_sql(FINGERPRINT).scalar_one()
        tables = conn.exec_driver_sql(
            f"""SELECT quote_ident(n.nspname) || '.' || quote_ident(c.relname), c.reltuples >= 0,
                       pg_relation_size(c.oid)
                FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
                WHERE c.relkind IN ('r', 'p') AND n.nspname NOT IN {_SYSTEM_SCHEMAS}
                ORDER BY 1"""
        ).all()
        filled = {t for t, _, _ in tables if conn.exec_driver_sql(f"SELECT EXISTS (SELECT 1 FROM {t})").scalar_one()}
        #: Tables the migrations fill (alembic_version, PostGIS's spatial_ref_sys) and their rows' signatures.
        self.seeded = [t for t, _, _ in tables if t in filled]
        self.seeded_signatures = tuple(
            conn.exec_driver_sql(f"SELECT {_signature(t)}").scalar_one() for t in self.seeded
        )
        #: Tables the migrations leave empty, with the largest file each may keep for the next test.
        self.empty = [
            (t, size if analysed else max(size, MAX_DEAD_BYTES)) for t, analysed, size in tables if t not in filled
        ]
        sequences = conn.exec_driver_sql(
            f"SELECT quote_ident(schemaname) || '.' || quote_ident(sequencename) FROM pg_sequences "
            f"WHERE schemaname NOT IN {_SYSTEM_SCHEMAS}"
        ).scalars()
        restore = []
        for sequence in sequences:
            last_value, is_called = conn.exec_driver_sql(f"SELECT last_value, is_called FROM {sequence}").one()
            restore.append(f"setval({_literal(sequence)}, {int(last_value)}, {'true' if is_called else 'false'})")
        #: Sets every sequence back to where the template left it.
        self.restore_sequences = f"SELECT {', '.join(restore)}" if restore else None
        columns = [f"({FINGERPRINT})"]
        columns += [_signature(table) for table in self.seeded]
        for table, limit in self.empty:
            columns += [f"EXISTS (SELECT 1 FROM {table})", f"pg_relation_size({_literal(table)}) <= {limit}"]
        #: One row: the fingerprint, each seeded table's signature, then for each other table whether
        #: it holds rows and whether its file is still small enough.
        self.state_query = "SELECT " + ",\n".join(columns)


class RecycledDatabases:
    """Clean copies of a template database, recycled between tests (see the module docstring)."""

    def __init__(self, server: PostgresServer, template: str, *, recycle: bool = True) -> None:
        self._server = server
        self._template_name = template
        self._recycle = recycle
        engine = sa.create_engine(server.url(template), poolclass=NullPool)
        try:
            with engine.connect() as conn:
                self._template = _Template(conn)
        finally:
            engine.dispose()  # a template must have no open connection while it is copied
        self._free: list[str] = []
        #: How many tests got a new clone, and how many a recycled database.
        self.clones = 0
        self.recycled = 0

    def acquire(self) -> str:
        """The name of a database equal to the template, for one test."""
        if self._free:
            self.recycled += 1
            return self._free.pop()
        self.clones += 1
        name = f"t_{uuid.uuid4().hex[:16]}"
        self._server.create_database(name, template=self._template_name)
        return name

    def release(self, name: str) -> None:
        """Take back a database after its test: emptied for the next test, or dropped."""
        if self._recycle and self._reset(name):
            self._free.append(name)
        else:
            self._server.drop_database(name)

    def close(self) -> None:
        """Drop the databases waiting for a test (on a server the tests did not start)."""
        while self._free:
            self._server.drop_database(self._free.pop())

    def _reset(self, name: str) -> bool:
        """Bring database ``name`` back to the template's state; False if it cannot be."""
        template = self._template
        engine = sa.create_engine(self._server.url(name), poolclass=NullPool, isolation_level="AUTOCOMMIT")
        try:
            with engine.connect() as conn:
                conn.exec_driver_sql(TERMINATE_OTHERS).all()
                state = conn.exec_driver_sql(template.state_query).one()
                seeded_end = 1 + len(template.seeded)
                if state[0] != template.fingerprint or tuple(state[1:seeded_end]) != template.seeded_signatures:
                    return False
                has_rows, small = state[seeded_end::2], state[seeded_end + 1 :: 2]
                if not all(small):
                    return False
                conn.exec_driver_sql("SET session_replication_role = replica")
                for (table, _), filled in zip(template.empty, has_rows, strict=True):
                    if filled:
                        conn.exec_driver_sql(f"DELETE FROM {table}")
                if template.restore_sequences:
                    conn.exec_driver_sql(template.restore_sequences).all()
            return True
        except sa.exc.SQLAlchemyError:
            return False
        finally:
            engine.dispose()
