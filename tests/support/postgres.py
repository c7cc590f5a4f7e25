"""A throwaway, real PostgreSQL server for the tests.

``PostgresServer(base_dir).start()`` runs ``initdb`` and ``pg_ctl start`` on a
fresh data directory, listening on 127.0.0.1 only, on a free port, with
``trust`` authentication and durability switched off for speed (nothing here
must survive the test session). ``stop()`` kills it (``-m immediate``) and
removes its files. Each pytest-xdist worker starts its own server.

``initdb`` refuses to run as root: as root, the server commands run as the
``postgres`` system user (created by Debian's ``postgresql`` package) through
``runuser``, in a directory that user owns. That directory is made with
``tempfile.mkdtemp`` in the system temporary folder rather than inside
``base_dir``, because pytest's temporary folders are ``0700`` root and the
``postgres`` user could not reach them.

If ``LIEUDIT_TEST_POSTGRES_URL`` is set (an admin URL to an existing server,
e.g. ``postgresql://postgres@127.0.0.1:5432/postgres``), nothing is started
and that server is used instead.
"""

from __future__ import annotations

import os
import pwd
import re
import shutil
import socket
import subprocess
import tempfile
import time
from pathlib import Path
from typing import Self

import sqlalchemy as sa
from sqlalchemy.engine import Engine
from sqlalchemy.engine import make_url
from sqlalchemy.pool import NullPool

ENV_URL = "LIEUDIT_TEST_POSTGRES_URL"
PG_USER = "postgres"  # the database superuser and, as root, the system user
_IDENTIFIER = re.compile(r"^[a-z_][a-z0-9_]*$")
# A Unix socket path is limited to 107 bytes; keep a margin for ".s.PGSQL.NNNNN".
_MAX_SOCKET_DIR = 80

SETTINGS = {
    "listen_addresses": "'127.0.0.1'",
    "fsync": "off",
    "synchronous_commit": "off",
    "full_page_writes": "off",
    "max_connections": "100",
    "logging_collector": "off",
    "log_min_messages": "warning",
    "timezone": "'UTC'",
    # Recycled test databases (tests/support/databases.py) must store new rows in insertion order.
    "autovacuum": "off",
}


def find_postgres_bin() -> Path | None:
    """The folder holding ``initdb`` and ``pg_ctl``, or ``None``.

    Debian keeps them out of PATH under ``/usr/lib/postgresql/<major>/bin``;
    the highest major version wins. Otherwise PATH is searched.
    """
    candidates = []
    for bindir in Path("/usr/lib/postgresql").glob("*/bin"):
        try:
            major = float(bindir.parent.name)
        except ValueError:
            continue
        candidates.append((major, bindir))
    for _, bindir in sorted(candidates, reverse=True):
        if (bindir / "initdb").is_file() and (bindir / "pg_ctl").is_file():
            return bindir
    pg_ctl = shutil.which("pg_ctl")
    if pg_ctl:
        bindir = Path(pg_ctl).resolve().parent
        if (bindir / "initdb").is_file():
            return bindir
    return None


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _check_identifier(name: str) -> str:
    if not _IDENTIFIER.match(name or ""):
        raise ValueError(f"invalid database name {name!r}: must match {_IDENTIFIER.pattern}")
    return name


def _normalise_url(url: str) -> str:
    """Make ``postgresql://`` / ``postgres://`` URLs use the psycopg 3 driver."""
    for prefix in ("postgres://", "postgresql://"):
        if url.startswith(prefix):
            return "postgresql+psycopg://" + url[len(prefix) :]
    return url


class PostgresServer:
    """A PostgreSQL server owned by the tests; see the module docstring."""

    def __init__(self, base_dir: Path) -> None:
        self.base_dir = Path(base_dir)
        self.port: int | None = None
        self.external = bool(os.environ.get(ENV_URL))
        self._admin_url: str | None = _normalise_url(os.environ[ENV_URL]) if self.external else None
        self._bindir: Path | None = None
        self._dir: Path | None = None  # holds data/, sock/ and postgres.log
        self._own_tmp = False  # _dir came from mkdtemp and is removed on stop
        self._as_postgres = False
        self._engine: Engine | None = None
        self._running = False

    # -- lifecycle ---------------------------------------------------------

    def start(self) -> None:
        if self.external or self._running:
            self._running = True
            return
        self._bindir = find_postgres_bin()
        if self._bindir is None:
            raise RuntimeError(
                "PostgreSQL server binaries (initdb, pg_ctl) not found under "
                "/usr/lib/postgresql/*/bin or on PATH: install the Debian package "
                "'postgresql' (apt-get install postgresql), or set "
                f"{ENV_URL} to an existing server's admin URL."
            )
        self._as_postgres = os.geteuid() == 0
        self._prepare_dirs()
        self._initdb()
        last_error = ""
        for _ in range(3):  # the free port may be taken between probe and bind
            self.port = _free_port()
            self._write_config(self.port)
            result = self._run(
                [
                    self._bin("pg_ctl"),
                    "-D",
                    str(self._data),
                    "-l",
                    str(self._log),
                    "-w",
                    "-t",
                    "60",
                    "start",
                ],
                check=False,
            )
            if result.returncode == 0:
                self._running = True
                self._admin_url = f"postgresql+psycopg://{PG_USER}@127.0.0.1:{self.port}/postgres"
                return
            last_error = self._describe_failure("pg_ctl start", result)
            if "already in use" not in last_error:
                break
        self._cleanup_files()
        raise RuntimeError(last_error)

    def stop(self) -> None:
        if self._engine is not None:
            self._engine.dispose()
            self._engine = None
        if self.external:
            self._running = False
            return
        if self._running:
            self._run(
                [
                    self._bin("pg_ctl"),
                    "-D",
                    str(self._data),
                    "-m",
                    "immediate",
                    "-w",
                    "stop",
                ],
                check=False,
            )
            self._running = False
        self._cleanup_files()

    def __enter__(self) -> Self:
        self.start()
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.stop()

    # -- databases ---------------------------------------------------------

    @property
    def admin_url(self) -> str:
        """SQLAlchemy URL (``postgresql+psycopg://``) of the ``postgres`` database."""
        if self._admin_url is None:
            raise RuntimeError("PostgresServer is not started")
        return self._admin_url

    def url(self, name: str) -> str:
        """SQLAlchemy URL of database ``name`` on this server."""
        url = make_url(self.admin_url).set(database=_check_identifier(name))
        return url.render_as_string(hide_password=False)

    def create_database(self, name: str, template: str | None = None) -> str:
        """Create database ``name`` (optionally from ``template``); return its URL.

        A template database must have no open connection while it is copied:
        dispose of engines bound to it first.
        """
        sql = f'CREATE DATABASE "{_check_identifier(name)}"'
        if template is not None:
            sql += f' TEMPLATE "{_check_identifier(template)}"'
        with self._admin_engine().connect() as conn:
            conn.exec_driver_sql(sql)
        return self.url(name)

    def drop_database(self, name: str) -> None:
        """Drop database ``name`` if it exists, closing its connections."""
        sql = f'DROP DATABASE IF EXISTS "{_check_identifier(name)}" WITH (FORCE)'
        with self._admin_engine().connect() as conn:
            conn.exec_driver_sql(sql)

    def _admin_engine(self) -> Engine:
        if self._engine is None:
            # NullPool: no idle admin connection may block DROP or TEMPLATE copies.
            self._engine = sa.create_engine(self.admin_url, poolclass=NullPool, isolation_level="AUTOCOMMIT")
        return self._engine

    # -- internals ---------------------------------------------------------

    @property
    def _data(self) -> Path:
        assert self._dir is not None
        return self._dir / "data"

    @property
    def _sock(self) -> Path:
        assert self._dir is not None
        return self._dir / "sock"

    @property
    def _log(self) -> Path:
        assert self._dir is not None
        return self._dir / "postgres.log"

    def _bin(self, name: str) -> str:
        assert self._bindir is not None
        return str(self._bindir / name)

    def _prepare_dirs(self) -> None:
        self.base_dir.mkdir(parents=True, exist_ok=True)
        own_tmp = self._as_postgres or len(str(self.base_dir / "pg" / "sock")) > _MAX_SOCKET_DIR
        if own_tmp:
            self._dir = Path(tempfile.mkdtemp(prefix="lieudit-pg-"))
            self._own_tmp = True
            # Leave a note where the caller looks for the files.
            (self.base_dir / "postgres-dir.txt").write_text(f"{self._dir}\n")
        else:
            self._dir = self.base_dir / "pg"
            if self._dir.exists():
                shutil.rmtree(self._dir)
            self._dir.mkdir()
        self._sock.mkdir()
        if self._as_postgres:
            try:
                pw = pwd.getpwnam(PG_USER)
            except KeyError:
                raise RuntimeError(
                    f"running as root, but there is no '{PG_USER}' system user to run "
                    "PostgreSQL as (initdb refuses root): install the Debian package "
                    "'postgresql', which creates it"
                ) from None
            for path in (self._dir, self._sock):
                os.chown(path, pw.pw_uid, pw.pw_gid)
            os.chmod(self._dir, 0o700)

    def _initdb(self) -> None:
        self._run(
            [
                self._bin("initdb"),
                "-D",
                str(self._data),
                "-U",
                PG_USER,
                "--auth=trust",
                "--encoding=UTF8",
                "--locale=C.UTF-8",
                "--no-sync",
                "--no-instructions",
            ],
            what="initdb",
        )

    def _write_config(self, port: int) -> None:
        settings = dict(SETTINGS, port=str(port), unix_socket_directories=f"'{self._sock}'")
        # An include file rewritten on each try; postgresql.conf includes it once.
        conf = self._data / "postgresql.conf"
        text = conf.read_text()
        if "include 'lieudit_tests.conf'" not in text:
            with conf.open("a") as fh:
                fh.write("\ninclude 'lieudit_tests.conf'\n")
        extra = self._data / "lieudit_tests.conf"
        extra.write_text("".join(f"{k} = {v}\n" for k, v in settings.items()))
        if self._as_postgres:
            pw = pwd.getpwnam(PG_USER)
            os.chown(extra, pw.pw_uid, pw.pw_gid)

    def _run(self, argv: list[str], *, check: bool = True, what: str | None = None) -> subprocess.CompletedProcess[str]:
        if self._as_postgres:
            runuser = shutil.which("runuser")
            if runuser:
                argv = [runuser, "-u", PG_USER, "--", *argv]
            else:
                argv = ["sudo", "-n", "-u", PG_USER, "--", *argv]
        env = dict(os.environ, LC_ALL="C.UTF-8", LANG="C.UTF-8")
        for var in ("PGDATA", "PGHOST", "PGPORT", "PGUSER", "PGDATABASE", "PGPASSWORD"):
            env.pop(var, None)
        result = subprocess.run(
            argv,
            cwd=self._dir,
            env=env,
            stdin=subprocess.DEVNULL,
            capture_output=True,
            text=True,
            check=False,
        )
        if check and result.returncode != 0:
            raise RuntimeError(self._describe_failure(what or argv[0], result))
        return result

    def _describe_failure(self, what: str, result: subprocess.CompletedProcess[str]) -> str:
        log = ""
        if self._dir is not None and self._log.exists():
            log = "\n".join(self._log.read_text(errors="replace").splitlines()[-30:])
        return (
            f"{what} failed with exit code {result.returncode}\n"
            f"--- stdout ---\n{result.stdout}\n--- stderr ---\n{result.stderr}\n"
            f"--- postgres.log (last lines) ---\n{log}"
        )

    def _cleanup_files(self) -> None:
        if self._dir is None:
            return
        # pg_ctl -m immediate returns once the postmaster is gone; retry briefly
        # in case a backend is still removing its files.
        for _ in range(5):
            try:
                shutil.rmtree(self._dir)
                break
            except FileNotFoundError:
                break
            except OSError:
                time.sleep(0.2)
        self._dir = None
