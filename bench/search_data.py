"""The documents of ``search.py``: the French corpus, its queries, and an instance loaded with it.

- ``corpus``: documents of about 3 KB of French, drawn with
  ``random.Random(42)`` from the sentences of the demo pages and initiatives
  (``sentences``): every run and every engine get the same corpus.
- ``query_words``: single words (common and rare alike) and two-to-three-word
  phrases in quotes, taken from the same sentences.
- ``instance``: a migrated, seeded app (``instances.migrated_app``): SQLite
  with Whoosh, or a PostgreSQL server it starts, with its full-text search.
- ``load``: the documents, half pages (``pages`` + ``page_revisions``) and
  half published *Initiative* records (name, description, 1–3 themes, a
  commune), with bulk SQL inserts: indexing is what is measured, not the
  services' write path.
"""

from __future__ import annotations

import random
import re
import time
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC
from datetime import datetime
from datetime import timedelta
from pathlib import Path
from typing import Any

from instances import migrated_app
from instances import server_version

ROOT = Path(__file__).resolve().parents[1]

BATCH = 1000
TARGET_CHARS = 3000
COMMUNES = [f"35{n:03d}" for n in range(1, 151)]


def sentences() -> list[str]:
    """French sentences of the demo pages and initiatives (Markdown removed)."""
    from wiki.demo import initiatives

    texts = [p.read_text(encoding="utf-8") for p in sorted((ROOT / "wiki/demo/pages").glob("*.md"))]
    texts += [v for item in initiatives.INITIATIVES for v in item.values() if isinstance(v, str) and len(v) >= 40]
    found: list[str] = []
    for text in texts:
        text = re.sub(r"[#*_`>|\[\]{}()]", " ", text)
        found += [s.strip() for s in re.split(r"(?<=[.!?])\s+", text) if 40 <= len(s.strip()) <= 400]
    return sorted(set(found))


def corpus(count: int) -> Iterator[tuple[int, str, str]]:
    """Yield ``(number, title, body)``: about 3 KB of French each, reproducible."""
    rng = random.Random(42)
    pool = sentences()
    words = sorted({w for s in pool for w in re.findall(r"\w{5,}", s)})
    for number in range(count):
        title = " ".join(rng.sample(words, rng.randint(2, 5))).capitalize() + f" {number}"
        parts: list[str] = []
        size = 0
        while size < TARGET_CHARS:
            sentence = rng.choice(pool)
            parts.append(sentence)
            size += len(sentence) + 1
        yield number, title, " ".join(parts)


def query_words(count: int, seed: int = 3) -> tuple[list[str], list[str]]:
    """Single words (common and rare) and quoted phrases taken from the corpus sentences."""
    rng = random.Random(seed)
    pool = sentences()
    words = sorted({w.lower() for s in pool for w in re.findall(r"[^\W\d_]{5,}", s)})
    singles = [rng.choice(words) for _ in range(count)]
    phrases = []
    while len(phrases) < count:
        tokens = re.findall(r"[^\W\d_]{3,}", rng.choice(pool))
        if len(tokens) >= 4:
            start = rng.randrange(len(tokens) - 2)
            phrases.append('"' + " ".join(tokens[start : start + rng.randint(2, 3)]) + '"')
    return singles, phrases


@contextmanager
def instance(engine_name: str, tmp: Path) -> Iterator[tuple[Any, str, dict[str, Any]]]:
    """A migrated, seeded app: SQLite + Whoosh, or PostgreSQL with its full-text search."""
    from wiki.db import Database
    from wiki.demo import seed

    with migrated_app(engine_name == "postgres", tmp, SEARCH_BACKEND=engine_name) as (app, url, _server):
        try:
            with app.app_context():
                session = Database.new_session()
                seed(session)
                session.commit()
                session.close()
            facts: dict[str, Any] = {"engine": engine_name, "server_version": server_version(Database.engine(app))}
            yield app, url, facts
        finally:
            app.extensions["lieudit.search"].close()


def load(app: Any, count: int) -> float:
    """Insert ``count`` documents, half pages and half records, with bulk SQL; return seconds."""
    from sqlalchemy import insert
    from sqlalchemy import update

    from wiki.db import Database
    from wiki.pages.models import Page
    from wiki.pages.models import PageRevision
    from wiki.records import form_services
    from wiki.records import taxonomy
    from wiki.records.models import Record

    started = time.perf_counter()
    rng = random.Random(7)
    engine = Database.engine(app)
    session = Database.new_session(app)
    form = form_services.get_form(session, "initiative")
    defs = form_services.form_fields(form)
    by_type = {d.type: d for d in reversed(defs)}
    title_def = next(d for d in defs if d.key == form.title_field)
    text_def = by_type.get("longtext") or by_type["text"]
    theme_def, zone_def = by_type.get("theme"), by_type.get("zone")
    theme_keys = [t.key for t in taxonomy.list_themes(session)]
    form_id, form_revision = form.id, form.revision_number
    session.close()
    epoch = datetime(2021, 1, 1, tzinfo=UTC)
    pages, revisions, rows = [], [], []

    def flush() -> None:
        with engine.begin() as conn:
            if pages:
                conn.execute(insert(Page), pages)
                conn.execute(insert(PageRevision), revisions)
                conn.execute(
                    update(Page).where(Page.id.in_([p["id"] for p in pages])).values(current_revision_id=Page.id)
                )
            if rows:
                conn.execute(insert(Record), rows)
        pages.clear(), revisions.clear(), rows.clear()

    for number, title, body in corpus(count):
        moment = epoch + timedelta(minutes=number)
        if number % 2 == 0:
            key = number + 1
            pages.append(
                {"id": key, "slug": f"page-{number}", "title": title, "created_at": moment, "updated_at": moment}
            )
            revisions.append(
                {
                    "id": key,
                    "page_id": key,
                    "number": 1,
                    "title": title,
                    "body": body,
                    "comment": "",
                    "action": "create",
                    "created_at": moment,
                    "size": len(body.encode()),
                }
            )
        else:
            data: dict[str, Any] = {title_def.id: title, text_def.id: body}
            if theme_def is not None:
                data[theme_def.id] = rng.sample(theme_keys, rng.randint(1, 3))
            if zone_def is not None:
                data[zone_def.id] = rng.choice(COMMUNES)
            rows.append(
                {
                    "form_id": form_id,
                    "title": title,
                    "data": data,
                    "status": "published",
                    "form_revision": form_revision,
                    "revision_number": 1,
                    "created_at": moment,
                    "updated_at": moment,
                    "search_text": "",
                }
            )
        if len(pages) + len(rows) >= BATCH:
            flush()
    flush()
    if engine.dialect.name == "postgresql":
        with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
            for table in ("pages", "page_revisions"):  # ids were given: move the sequences past them
                conn.exec_driver_sql(
                    f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), (SELECT max(id) FROM {table}))"
                )
            conn.exec_driver_sql("VACUUM ANALYZE")
    return time.perf_counter() - started
