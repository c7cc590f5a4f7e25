"""Several Lieudit app nodes behind nginx, on one PostgreSQL database, as the README's scale-out runs them.

:func:`start_cluster` starts ``count`` real ``lieudit run`` processes (gunicorn),
each with its own instance folder, all sharing one database
(``LIEUDIT_DATABASE_URL``), PostgreSQL full-text search, one uploads folder
and one ``SECRET_KEY``, and an nginx that balances them round robin (no
affinity: consecutive requests of one client land on different nodes).
Everything lives under one folder: configurations, pid file, logs and nginx's
temporary files; nothing is written to a root-owned path. Used by
``tests/wiki/site/test_two_nodes.py`` and ``bench/two_nodes.py``.
"""

from __future__ import annotations

import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from dataclasses import dataclass
from dataclasses import field
from pathlib import Path
from typing import Self

#: The ``lieudit`` command of this virtualenv.
LIEUDIT = str(Path(sys.executable).with_name("lieudit"))
#: Seconds a node or nginx may take to answer its first request.
START_TIMEOUT = 90.0


def free_port() -> int:
    """Return a TCP port nobody listens on right now."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def find_nginx() -> str | None:
    """The nginx program (Debian keeps it in /usr/sbin, often outside a user's PATH), or None."""
    return shutil.which("nginx") or shutil.which("nginx", path="/usr/sbin:/usr/local/sbin")


def _answers(url: str) -> bool:
    try:
        with urllib.request.urlopen(url, timeout=5) as response:
            return bool(response.status == 200)
    except OSError:
        return False


def _wait_until_up(url: str, proc: subprocess.Popen[bytes], log: Path) -> None:
    deadline = time.monotonic() + START_TIMEOUT
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"{proc.args!r} exited with {proc.returncode}; see {log}")
        if _answers(url):
            return
        time.sleep(0.2)
    raise RuntimeError(f"{url} did not answer in {START_TIMEOUT:.0f} s; see {log}")


def _stop_group(proc: subprocess.Popen[bytes] | None, grace: float = 15.0) -> None:
    """Stop a process started in its own session, with its children (SIGTERM, SIGKILL after ``grace``)."""
    if proc is None or proc.poll() is not None:
        return
    try:
        os.killpg(proc.pid, signal.SIGTERM)
        proc.wait(timeout=grace)
    except subprocess.TimeoutExpired:
        os.killpg(proc.pid, signal.SIGKILL)
        proc.wait()
    except ProcessLookupError:
        pass


@dataclass
class Node:
    """One ``lieudit run`` process (a gunicorn master and its workers) with its own instance folder."""

    name: str
    instance: Path
    port: int
    env: dict[str, str]
    workers: int = 2
    proc: subprocess.Popen[bytes] | None = None

    @property
    def url(self) -> str:
        """The node's own address, bypassing the load balancer."""
        return f"http://127.0.0.1:{self.port}"

    @property
    def log(self) -> Path:
        """gunicorn's log (errors and access lines) of this node."""
        return self.instance.parent / f"{self.name}.log"

    def start(self) -> Self:
        """Start ``lieudit run`` and wait until ``/-/health`` answers 200."""
        self.launch()
        return self.wait()

    def launch(self) -> None:
        """Start ``lieudit run`` without waiting for it."""
        self.instance.mkdir(parents=True, exist_ok=True)
        command = [LIEUDIT, "run", "--host", "127.0.0.1", "--port", str(self.port), "--workers", str(self.workers)]
        with self.log.open("ab") as log:
            self.proc = subprocess.Popen(
                command,
                env={**os.environ, **self.env, "LIEUDIT_INSTANCE_PATH": str(self.instance)},
                stdin=subprocess.DEVNULL,
                stdout=log,
                stderr=subprocess.STDOUT,
                start_new_session=True,  # its own group: stopped with its workers and render processes
            )

    def wait(self) -> Self:
        """Wait until the launched node answers ``/-/health`` with 200."""
        assert self.proc is not None
        _wait_until_up(f"{self.url}/-/health", self.proc, self.log)
        return self

    def stop(self) -> None:
        """Stop the node (gunicorn finishes the requests in flight)."""
        _stop_group(self.proc)


def nginx_config(folder: Path, port: int, upstreams: list[str], *, as_root: bool) -> str:
    """An nginx configuration balancing ``upstreams`` round robin on ``port``, every path under ``folder``."""
    servers = "".join(f"    server {address};\n" for address in upstreams)
    temp = folder / "tmp"
    return (
        ("user root;\n" if as_root else "")  # workers may then read the folder, whoever owns it
        + "worker_processes 1;\n"
        f"pid {folder}/nginx.pid;\n"
        f"error_log {folder}/error.log warn;\n"
        "events { worker_connections 1024; }\n"
        "http {\n"
        # Which node answered each request: the tests check that both nodes served.
        "  log_format nodes '$upstream_addr $status \"$request\"';\n"
        f"  access_log {folder}/access.log nodes;\n"
        f"  client_body_temp_path {temp}/body; proxy_temp_path {temp}/proxy;\n"
        f"  fastcgi_temp_path {temp}/fastcgi; uwsgi_temp_path {temp}/uwsgi; scgi_temp_path {temp}/scgi;\n"
        "  client_max_body_size 12m;\n"
        f"  upstream lieudit {{\n{servers}  }}\n"
        "  server {\n"
        f"    listen 127.0.0.1:{port};\n"
        "    location / {\n"
        "      proxy_pass http://lieudit;\n"
        "      proxy_set_header Host $http_host;\n"
        "      proxy_set_header X-Forwarded-For $proxy_add_x_forwarded_for;\n"
        "      proxy_set_header X-Forwarded-Proto $scheme;\n"
        "      proxy_read_timeout 120s;\n"
        "    }\n"
        "  }\n"
        "}\n"
    )


@dataclass
class Nginx:
    """nginx in the foreground (``daemon off``), its configuration, pid file, logs and temporary files in ``folder``."""

    folder: Path
    port: int
    upstreams: list[str]
    proc: subprocess.Popen[bytes] | None = None

    @property
    def url(self) -> str:
        """The load balancer's address."""
        return f"http://127.0.0.1:{self.port}"

    def start(self) -> Self:
        """Write the configuration, start nginx and wait until it answers through a node."""
        program = find_nginx()
        if program is None:
            raise RuntimeError("nginx is not installed (apt-get install nginx)")
        for name in ("body", "proxy", "fastcgi", "uwsgi", "scgi"):
            (self.folder / "tmp" / name).mkdir(parents=True, exist_ok=True)
        conf = self.folder / "nginx.conf"
        conf.write_text(nginx_config(self.folder, self.port, self.upstreams, as_root=os.geteuid() == 0))
        log = self.folder / "error.log"
        command = [program, "-p", str(self.folder), "-c", str(conf), "-e", str(log), "-g", "daemon off;"]
        with log.open("ab") as errors:
            self.proc = subprocess.Popen(
                command, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=errors, start_new_session=True
            )
        _wait_until_up(f"{self.url}/-/health", self.proc, log)
        return self

    def stop(self) -> None:
        """Stop nginx (master and worker)."""
        _stop_group(self.proc)


@dataclass
class Cluster:
    """App nodes and the nginx in front of them; :meth:`stop` stops them all."""

    folder: Path
    nodes: list[Node]
    nginx: Nginx | None = None
    uploads: Path = field(default_factory=Path)

    @property
    def url(self) -> str:
        """The address users reach: nginx."""
        assert self.nginx is not None
        return self.nginx.url

    def stop(self) -> None:
        """Stop nginx, then every node."""
        if self.nginx is not None:
            self.nginx.stop()
        for node in self.nodes:
            node.stop()


def node_environment(database_url: str, uploads: Path, secret: str, **extra: str) -> dict[str, str]:
    """The settings every node shares: database, search, uploads, secret key (plus ``extra``, ``LIEUDIT_`` added)."""
    env = {
        "LIEUDIT_DATABASE_URL": database_url,
        "LIEUDIT_SEARCH_BACKEND": "postgres",
        "LIEUDIT_UPLOADS_DIR": str(uploads),
        "LIEUDIT_SECRET_KEY": secret,
        "LIEUDIT_TRUSTED_PROXIES": "1",
    }
    env.update({f"LIEUDIT_{key}": value for key, value in extra.items()})
    return env


def start_cluster(folder: Path, database_url: str, *, count: int = 2, workers: int = 2, **settings: str) -> Cluster:
    """Start ``count`` nodes on ``database_url`` (already initialised) and nginx in front of them.

    ``folder`` must be reachable by nginx's workers when they run as another
    user: a fresh folder of the system's temporary directory is made inside it.
    """
    base = Path(tempfile.mkdtemp(prefix="nodes-", dir=folder))
    base.chmod(0o755)
    uploads = base / "uploads"
    uploads.mkdir()
    env = node_environment(database_url, uploads, "two-nodes-" + os.urandom(16).hex(), **settings)
    cluster = Cluster(base, [], uploads=uploads)
    try:
        for index in range(count):
            node = Node(f"node-{chr(ord('a') + index)}", base / f"instance-{index}", free_port(), env, workers)
            cluster.nodes.append(node)
            node.launch()  # the nodes boot side by side
        for node in cluster.nodes:
            node.wait()
        upstreams = [f"127.0.0.1:{node.port}" for node in cluster.nodes]
        cluster.nginx = Nginx(base / "nginx", free_port(), upstreams).start()
    except BaseException:
        cluster.stop()
        raise
    return cluster


def initialise(database_url: str, folder: Path) -> None:
    """Run ``lieudit init`` once on the shared database (migrations and built-in forms)."""
    instance = folder / "init-instance"
    env = {**os.environ, "LIEUDIT_INSTANCE_PATH": str(instance), "LIEUDIT_DATABASE_URL": database_url}
    env["LIEUDIT_SECRET_KEY"] = "init"
    subprocess.run([LIEUDIT, "init"], env=env, check=True, stdin=subprocess.DEVNULL, capture_output=True)


def sqlite_instance(folder: Path) -> dict[str, str]:
    """Make a SQLite instance in ``folder`` with ``lieudit init``, as the Docker image does; return its environment.

    The caller's own ``LIEUDIT_*`` settings are left out; the anti-spam fill time is off (scripts post at once).
    """
    kept = {k: v for k, v in os.environ.items() if not k.startswith("LIEUDIT_")}
    env = kept | {"LIEUDIT_INSTANCE_PATH": str(folder), "LIEUDIT_FORM_MIN_SECONDS": "0", "LANG": "C.UTF-8"}
    subprocess.run([LIEUDIT, "init"], env=env, check=True, capture_output=True)
    return env


def serve_with_gunicorn(
    env: dict[str, str], port: int, workers: int = 2, log: Path | None = None
) -> subprocess.Popen[bytes]:
    """Serve ``wiki:create_app()`` with gunicorn in its own process group (output to ``log``); return once it answers."""
    log = log or Path(os.devnull)
    with open(log, "ab") as out:
        server = subprocess.Popen(
            [sys.executable, "-m", "gunicorn", "-w", str(workers), "-b", f"127.0.0.1:{port}", "wiki:create_app()"],
            cwd=Path(__file__).resolve().parents[2], env=env, stdout=out, stderr=subprocess.STDOUT,
            start_new_session=True,
        )  # fmt: skip
    try:
        _wait_until_up(f"http://127.0.0.1:{port}/-/health", server, log)
    except RuntimeError:
        _stop_group(server)
        raise
    return server
