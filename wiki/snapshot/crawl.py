"""``lieudit snapshot``: a static HTML copy of the public site, as an anonymous visitor sees it.

The copy is made by the app itself: every address is asked of its own test
client with no cookie, so what the copy holds is exactly what an anonymous
visitor reads (no waiting, draft or private content, no personal value). It
starts at the home page, the page index, the directory, the agenda, the map
and the data catalog, and follows the links whose addresses are in
:data:`INCLUDED` (pages, records, events, map lists, dataset files, static
assets); other links lose their ``href``. Then every page is rewritten with
relative links (:mod:`wiki.snapshot.rewrite`), so the folder is served as is
by any web server, or opened from a USB key.
"""

from __future__ import annotations

import re
import shutil
from collections import deque
from dataclasses import dataclass
from dataclasses import field
from pathlib import Path
from urllib.parse import urljoin
from urllib.parse import urlsplit

from flask import Flask

from wiki.snapshot import links
from wiki.snapshot import rewrite

#: Where a copy starts.
START = ("/", "/pages", "/annuaire", "/agenda", "/agenda/archives", "/carte", "/donnees", "/-/confidentialite")
#: Addresses a copy holds (regular expressions on the path); everything else is the server's.
INCLUDED = tuple(
    re.compile(pattern)
    for pattern in (
        r"/",
        r"/pages",
        r"/pages/[^/]+",
        r"/-/fichiers/\d+/.+",
        r"/annuaire(/[^/]+)?",
        r"/fiches/\d+",
        r"/fiches/\d+/fichiers/\d+/.+",
        r"/agenda",
        r"/agenda/archives",
        r"/agenda/evenements/\d+(\.ics)?",
        r"/agenda/evenements/\d+/occurrences/[^/]+",
        r"/agenda\.ics",
        r"/carte(/[^/.]+)?",
        r"/donnees",
        r"/donnees/[^/]+",
        r"/donnees/[^/]+/(datapackage|schema)\.json",
        r"/-/static/.+",
        r"/-/confidentialite",
    )
)
#: Last segments of the server's tools (editing, history, accounts): links to them go with their text.
TOOLS = frozenset({"edit", "history", "diff", "delete", "rename", "protect", "files", "modifier", "historique",
                   "nouvelle", "importer", "revisions"})  # fmt: skip
#: The agent the copy asks with: never counted as a visit (``wiki/stats/bots.txt``).
USER_AGENT = "lieudit-snapshot"
#: A safety stop for a runaway crawl.
MAX_ADDRESSES = 20_000


@dataclass
class Report:
    """What a copy holds: files written, their total size, and addresses that failed."""

    root: Path
    files: int = 0
    bytes: int = 0
    failed: list[tuple[str, int]] = field(default_factory=list)
    broken: list[links.BrokenLink] = field(default_factory=list)


def included(address: str) -> bool:
    """Tell whether a copy holds ``address`` (a path, with its kept query)."""
    path = address.partition("?")[0]
    return any(pattern.fullmatch(path) for pattern in INCLUDED)


def _own_hosts(app: Flask) -> frozenset[str]:
    hosts = {"localhost", "localhost:5000", "127.0.0.1"}
    base = app.config.get("BASE_URL") or ""
    if base:
        hosts.add(urlsplit(base).netloc.lower())
    if app.config.get("SERVER_NAME"):
        hosts.add(str(app.config["SERVER_NAME"]).lower())
    return frozenset(hosts)


def _address_of(url: str, page: str, own_hosts: frozenset[str]) -> str | None:
    """The site address a link of ``page`` leads to (path and kept query), or None when it leaves the copy."""
    if rewrite.is_outside(url, own_hosts):
        return None
    parts = urlsplit(urljoin(page, url))
    if parts.netloc and parts.netloc.lower() not in own_hosts:
        return None
    address = rewrite.normal_address(parts.path or "/", parts.query)
    return address if address is not None and included(address) else None


def is_tool(url: str, page: str) -> bool:
    """Tell whether ``url`` (a link of ``page``) leads to one of the server's tools rather than to content."""
    path = urlsplit(urljoin(page, url)).path
    segments = path.strip("/").split("/")
    return path.startswith("/-/") or segments[-1] in TOOLS or "revisions" in segments


def take_snapshot(app: Flask, root: Path, *, index_label: str) -> Report:
    """Write the static copy of ``app``'s public site into ``root`` (emptied first); return its report."""
    own_hosts = _own_hosts(app)
    client = app.test_client(use_cookies=False)
    fetched: dict[str, tuple[str, bytes]] = {}  # address -> (mimetype, body)
    report = Report(root)
    queue = deque(START)
    seen = set(START)
    while queue and len(seen) < MAX_ADDRESSES:
        address = queue.popleft()
        with client.get(address, headers={"User-Agent": USER_AGENT, "Accept-Language": "fr"}) as response:
            status, body = response.status_code, response.get_data()
            mimetype = response.mimetype or "application/octet-stream"
        if status != 200:
            report.failed.append((address, status))
            continue
        fetched[address] = (mimetype, body)
        if mimetype != "text/html":
            continue
        for _tag, url in links.links_of(body.decode("utf-8", "replace")):
            target = _address_of(url, address, own_hosts)
            if target is not None and target not in seen:
                seen.add(target)
                queue.append(target)
    files = {address: rewrite.file_for(address, mimetype) for address, (mimetype, _body) in fetched.items()}
    if root.exists():
        shutil.rmtree(root)
    root.mkdir(parents=True)
    for address, (mimetype, body) in fetched.items():
        name = files[address]
        if mimetype == "text/html":

            def resolve(url: str, page: str = address) -> str | None:
                """The file a link of ``page`` leads to (:func:`wiki.snapshot.rewrite.rewrite_html`)."""
                target = _address_of(url, page, own_hosts)
                if target is not None and target in files:
                    return files[target]
                return rewrite.DROP if is_tool(url, page) else None

            text = rewrite.rewrite_html(
                body.decode("utf-8", "replace"),
                name,
                resolve,
                own_hosts=own_hosts,
                index_file=files.get("/pages", "index.html"),
                index_label=index_label,
            )
            body = text.encode("utf-8")
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(body)
        report.files += 1
        report.bytes += len(body)
    return report
