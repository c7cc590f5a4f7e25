"""Database kernel: the declarative ``Base``, typed columns, engine and session.

One engine per app, created in ``init_app``. The request or CLI command that
owns a unit of work gets its session with ``get_session()`` and commits; data
functions only ``add`` and ``flush`` (STYLE R10).

SQLite is tuned for a wiki's workload: WAL (readers never block the writer),
foreign keys on, a busy timeout, and ``BEGIN IMMEDIATE`` for transactions that
may write, so two writers queue at BEGIN instead of failing later with
"database is locked" when one upgrades its read lock (HOSTILE_INPUTS B12-106).
Requests with a safe method (GET, HEAD, OPTIONS), forms posted for a preview,
and views marked ``reads_first`` until they call ``begin_writing``, begin
deferred transactions.

Every transaction that changes content also bumps the **content version**
(one row, ``content_version``), in the same transaction: whatever was built
from the content at version *n* (a whole anonymous response, say) is valid
while the version reads *n*, in every process and on every node. A table
whose rows are not content (a rate-limit counter, a mail outbox) says so with
``info={"cache_neutral": True}`` and its writes leave the version alone.

Imports only the standard library, SQLAlchemy, Flask's globals, ``wiki.caching`` and ``wiki.sqlite_writers``.
"""

from __future__ import annotations

import contextvars
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC
from datetime import datetime
from typing import Any

from flask import Flask
from flask import current_app
from flask import g
from sqlalchemy import JSON
from sqlalchemy import Column
from sqlalchemy import DateTime
from sqlalchemy import Engine
from sqlalchemy import Integer
from sqlalchemy import MetaData
from sqlalchemy import Table
from sqlalchemy import TextClause
from sqlalchemy import create_engine
from sqlalchemy import event
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.exc import DBAPIError
from sqlalchemy.orm import DeclarativeBase
from sqlalchemy.orm import ORMExecuteState
from sqlalchemy.orm import Session
from sqlalchemy.orm import sessionmaker
from sqlalchemy.types import TypeDecorator

from wiki import caching
from wiki.sqlite_writers import QueuedConnection
from wiki.sqlite_writers import connect_args

#: Bodies of posted forms (a preview is told by its ``action`` field).
_FORMS = ("application/x-www-form-urlencoded", "multipart/form-data")
#: Whether transactions begun in this context may write (BEGIN IMMEDIATE).
_write_intent: contextvars.ContextVar[bool] = contextvars.ContextVar("write_intent", default=True)

NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}

#: Execution options of a bulk DELETE in a write path: find the rows removed by key (RETURNING) rather
#: than by scanning every object of the session, which made an import of n records cost n² (SQLAlchemy's
#: default "evaluate" synchronisation visits the whole identity map on each statement).
BY_KEY = {"synchronize_session": "fetch"}


def utcnow() -> datetime:
    """Return the current time as an aware UTC datetime."""
    return datetime.now(UTC)


class UTCDateTime(TypeDecorator[datetime]):
    """Store naive UTC in the database, hand out aware UTC datetimes."""

    impl = DateTime
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Any) -> datetime | None:
        """Normalise to naive UTC before writing."""
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given to a UTC column")
        return value.astimezone(UTC).replace(tzinfo=None)

    def process_result_value(self, value: datetime | None, dialect: Any) -> datetime | None:
        """Attach UTC to values read back."""
        return None if value is None else value.replace(tzinfo=UTC)


#: JSON on SQLite, JSONB (indexable, compact) on PostgreSQL. ``None`` is SQL NULL, never the JSON
#: text ``null``: whether a value was set or left out, a row reads the same after a dump and a load.
JSONType = JSON(none_as_null=True).with_variant(JSONB(none_as_null=True), "postgresql")


class Base(DeclarativeBase):
    """Declarative base of every table."""

    metadata = MetaData(naming_convention=NAMING_CONVENTION)
    type_annotation_map = {datetime: UTCDateTime()}


def _configure_sqlite(engine: Engine, app: Flask) -> None:
    """Install the pragmas and the BEGIN policy on a SQLite engine."""
    busy = int(app.config["SQLITE_BUSY_TIMEOUT_MS"])
    synchronous = str(app.config["SQLITE_SYNCHRONOUS"]).upper()
    if synchronous not in {"OFF", "NORMAL", "FULL", "EXTRA"}:
        raise ValueError(f"SQLITE_SYNCHRONOUS must be OFF/NORMAL/FULL/EXTRA, not {synchronous!r}")

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_conn: Any, record: Any) -> None:
        # Let SQLAlchemy, not the driver, emit BEGIN (pysqlite recipe).
        dbapi_conn.isolation_level = None
        cur = dbapi_conn.cursor()
        cur.execute("PRAGMA journal_mode=WAL")
        cur.execute("PRAGMA foreign_keys=ON")
        cur.execute(f"PRAGMA busy_timeout={busy}")
        cur.execute(f"PRAGMA synchronous={synchronous}")
        cur.close()

    @event.listens_for(engine, "begin")
    def _on_begin(conn: Any) -> None:
        writes = _write_intent.get() and not conn.get_execution_options().get("lieudit_read_only")
        if not writes:
            conn.exec_driver_sql("BEGIN")
            return
        dbapi_conn = conn.connection.dbapi_connection
        if isinstance(dbapi_conn, QueuedConnection):
            dbapi_conn.queue_for_write(busy / 1000)
        try:
            conn.exec_driver_sql("BEGIN IMMEDIATE")
        except BaseException:
            if isinstance(dbapi_conn, QueuedConnection):
                dbapi_conn.release()
            raise


@contextmanager
def read_only_intent() -> Iterator[None]:
    """Begin deferred (read) transactions in this block: a long read such as
    a dump takes a snapshot without holding SQLite's write lock."""
    token = _write_intent.set(False)
    try:
        yield
    finally:
        _write_intent.reset(token)


#: Attribute of a view function whose requests read before they write (:func:`reads_first`).
READS_FIRST = "lieudit_reads_first"


def reads_first(view: Any) -> Any:
    """Mark a view whose requests only read until it calls :func:`begin_writing`.

    Its first transactions begin deferred (the user, the page, what to render
    ahead), so SQLite's write lock is taken once, for the short write only,
    instead of at the request's first query and again for the write.
    """
    setattr(view, READS_FIRST, True)
    return view


def begin_writing(session: Session) -> None:
    """End ``session``'s reads and make its next transaction a write (``BEGIN IMMEDIATE`` on SQLite).

    The reads end with a commit, which writes nothing: unlike a rollback it
    keeps what they loaded (the session does not expire on commit), so the
    write does not load the user and the page again; a write re-reads what it
    must under its lock (:func:`wiki.pages.saving.lock_page`).
    """
    session.commit()
    _write_intent.set(True)


def make_engine(url: str, app: Flask) -> Engine:
    """Create the engine for ``url`` with the settings of ``app``."""
    if url.startswith("sqlite"):
        engine = create_engine(url, connect_args=connect_args(url, app.config["SQLITE_BUSY_TIMEOUT_MS"]))
        _configure_sqlite(engine, app)
        return engine
    # A lock wait has an end on PostgreSQL too: past it, the save is refused with 503 « réessayez »
    # (wiki.errors), never left to the worker timeout.
    lock_timeout = int(app.config["PG_LOCK_TIMEOUT_MS"])
    return create_engine(
        url,
        pool_pre_ping=True,
        pool_size=5,
        max_overflow=10,
        connect_args={"options": f"-c lock_timeout={lock_timeout}"},
    )


class Database:
    """Flask extension owning the engine and the per-request session."""

    def init_app(self, app: Flask) -> None:
        """Create the engine and register the teardown."""
        engine = make_engine(app.config["DATABASE_URL"], app)
        # Every session of the app reaches the app's caches (wiki.caching), in a request or not.
        caches = app.extensions.setdefault(caching.EXTENSION, {})
        factory = sessionmaker(bind=engine, expire_on_commit=False, info={caching.EXTENSION: caches})
        _track_content_changes(factory)
        app.extensions["lieudit.db"] = {"engine": engine, "factory": factory}

        @app.before_request
        def _declare_intent() -> None:
            from flask import request

            # A form posted to be previewed (``action=preview``) only reads, whatever its method.
            preview = (
                request.method == "POST" and request.mimetype in _FORMS and request.form.get("action") == "preview"
            )
            # A view marked ``reads_first`` reads deferred and says when it begins writing (begin_writing).
            reads_first = getattr(app.view_functions.get(request.endpoint or ""), READS_FIRST, False)
            _write_intent.set(request.method not in ("GET", "HEAD", "OPTIONS") and not preview and not reads_first)

        @app.teardown_appcontext
        def _close(exc: BaseException | None) -> None:
            session = g.pop("db_session", None)
            if session is not None:
                if exc is not None:
                    session.rollback()
                session.close()
            _write_intent.set(True)

    @staticmethod
    def engine(app: Flask | None = None) -> Engine:
        """Return the app's engine."""
        return (app or current_app).extensions["lieudit.db"]["engine"]

    @staticmethod
    def new_session(app: Flask | None = None) -> Session:
        """Open a session the caller must close (CLI, background work)."""
        return (app or current_app).extensions["lieudit.db"]["factory"]()

    @staticmethod
    def new_read_session(app: Flask | None = None) -> Session:
        """Open a read-only session the caller must close: on SQLite its
        transactions begin deferred, so a long streamed export never holds
        the write lock, whatever request or context it runs after."""
        ext = (app or current_app).extensions["lieudit.db"]
        return ext["factory"](bind=ext["engine"].execution_options(lieudit_read_only=True))


db = Database()


# --- the content version ---------------------------------------------------------------------

#: One row (id 1): bumped by every transaction that changes content (see the module's docstring).
content_version = Table(
    "content_version",
    Base.metadata,
    Column("id", Integer, primary_key=True),
    Column("version", Integer, nullable=False, default=0),
    # Each instance counts its own changes: never dumped nor loaded (``lieudit init`` creates the row).
    info={"cache_neutral": True, "dumped": False},
)
#: ``session.info`` flag: this transaction changed content.
_CHANGED = "lieudit.content_changed"


def _is_content(table: Any) -> bool:
    return table is not None and not getattr(table, "info", {}).get("cache_neutral")


def _track_content_changes(factory: sessionmaker[Session]) -> None:
    """Mark a session's transaction as changing content, and bump the version when it commits."""

    @event.listens_for(factory, "do_orm_execute")
    def _on_execute(state: ORMExecuteState) -> None:
        statement = state.statement
        if state.is_insert or state.is_update or state.is_delete:
            if _is_content(getattr(statement, "table", None)):
                state.session.info[_CHANGED] = True
        elif isinstance(statement, TextClause) and statement.text.lstrip()[:6].upper() not in ("SELECT", "PRAGMA"):
            state.session.info[_CHANGED] = True

    @event.listens_for(factory, "before_flush")
    def _on_flush(session: Session, context: Any, instances: Any) -> None:
        dirty = (obj for obj in session.dirty if session.is_modified(obj, include_collections=False))
        for obj in (*session.new, *session.deleted, *dirty):
            if _is_content(getattr(obj, "__table__", None)):
                session.info[_CHANGED] = True
                return

    @event.listens_for(factory, "before_commit")
    def _on_commit(session: Session) -> None:
        if session.in_nested_transaction():
            return  # a SAVEPOINT released (an imported item): the outer commit bumps once
        # Flush first so the bump is the transaction's last statement: on PostgreSQL the version's
        # row lock is then held only from the bump to the commit, never while waiting for another lock.
        session.flush()
        if session.info.pop(_CHANGED, False):
            bump_content_version(session)

    @event.listens_for(factory, "after_soft_rollback")
    def _on_rollback(session: Session, previous_transaction: Any) -> None:
        # Only the whole unit of work: a SAVEPOINT rolled back (one refused item) leaves the others' changes.
        if previous_transaction.parent is None:
            session.info.pop(_CHANGED, None)


def bump_content_version(session: Session) -> None:
    """Move the content version on, in ``session``'s transaction (done at commit when content changed)."""
    bumped = session.connection().execute(
        content_version.update().where(content_version.c.id == 1).values(version=content_version.c.version + 1)
    )
    if not bumped.rowcount:
        session.connection().execute(content_version.insert().values(id=1, version=1))


_READ_VERSION = "SELECT version FROM content_version WHERE id = 1"


def read_content_version(engine: Engine) -> int:
    """Return the current content version, read without taking any write lock.

    Every anonymous GET reads it (``wiki.site.response_cache``), so it skips
    the ORM and Core: one statement on a pooled driver connection (in
    autocommit on SQLite: no BEGIN, no lock); a driver error is raised as
    SQLAlchemy's ``DBAPIError``, like any other query's.
    """
    try:
        conn = engine.raw_connection()  # opening a connection may fail too (a missing database file)
    except engine.dialect.loaded_dbapi.Error as err:
        raise DBAPIError.instance(_READ_VERSION, (), err, engine.dialect.loaded_dbapi.Error) from err
    try:
        cursor = conn.cursor()
        try:
            cursor.execute(_READ_VERSION)
            row = cursor.fetchone()
        finally:
            cursor.close()
    except engine.dialect.loaded_dbapi.Error as err:
        raise DBAPIError.instance(_READ_VERSION, (), err, engine.dialect.loaded_dbapi.Error) from err
    finally:
        conn.close()  # back to the pool, rolled back (PostgreSQL's implicit transaction ends there)
    return int(row[0]) if row and row[0] else 0


#: ``session.info`` entry: the transaction in which the version was read, and what it read.
_VERSION_SEEN = "lieudit.content_version_seen"
_VERSION_QUERY = content_version.select().with_only_columns(content_version.c.version).where(content_version.c.id == 1)


def session_content_version(session: Session) -> int | None:
    """Return the content version as ``session``'s own transaction sees it, read once per transaction.

    What the same transaction reads next is at least that version (the same
    snapshot on SQLite, later statements on PostgreSQL), so it may be kept
    under it. None when the transaction holds changes of its own: what it
    reads then is nobody else's yet (and may still be rolled back).
    """
    if session.info.get(_CHANGED) or session.new or session.dirty or session.deleted:
        return None
    seen = session.info.get(_VERSION_SEEN)
    if seen is not None and session.in_transaction() and seen[0] is session.get_transaction():
        return int(seen[1])
    version = session.execute(_VERSION_QUERY).scalar()
    session.info[_VERSION_SEEN] = (session.get_transaction(), int(version or 0))
    return int(version or 0)


def get_session() -> Session:
    """Return the session of the current app context, opening it lazily."""
    if "db_session" not in g:
        g.db_session = Database.new_session()
    return g.db_session


def give_up_writing() -> None:
    """After a lock wait ran out: roll the request's session back, and let the rest of the request only read.

    Its later transactions (say, loading the user to render the error page)
    then begin deferred on SQLite, and never wait for the write lock again.
    """
    session = g.get("db_session")
    if session is not None:
        session.rollback()
    _write_intent.set(False)


def is_sqlite(session: Session) -> bool:
    """Tell whether ``session`` talks to SQLite."""
    return session.get_bind().dialect.name == "sqlite"
