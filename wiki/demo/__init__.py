"""The demo territory: French pages, initiatives, places and events shipped inside the package.

The content is data files beside this package's modules, read by
:mod:`wiki.demo.data`: each ``pages/<slug>.md`` starts with a front matter
block (``title: …``); ``initiatives/`` holds the territory's initiatives and
``inspirations/`` the experiences of other territories told by the source
documents, one Markdown file each; ``places.toml`` the communes and places of
the map; ``agenda.toml`` the events, dated from the day they are loaded. The
modules keep the logic (positions, dates, idempotency). Loading is idempotent:
what already exists is left alone.
"""

from __future__ import annotations

from pathlib import Path

from sqlalchemy.orm import Session

from wiki.auth.models import User
from wiki.auth.services import SYSTEM_ACCOUNT
from wiki.auth.services import system_account
from wiki.pages import services as pages

PAGES_DIR = Path(__file__).parent / "pages"
DEMO_AUTHOR = SYSTEM_ACCOUNT


def parse_front_matter(text: str) -> tuple[dict[str, str], str]:
    """Split ``---`` front matter (``key: value`` lines) from the body."""
    if not text.startswith("---\n"):
        return {}, text
    head, sep, body = text[4:].partition("\n---\n")
    if not sep:
        return {}, text
    meta = {}
    for line in head.splitlines():
        key, colon, value = line.partition(":")
        if colon:
            meta[key.strip()] = value.strip()
    return meta, body.lstrip("\n")


def demo_author(db: Session) -> User:
    """Return the account the demo content is attributed to (the wiki's system account)."""
    return system_account(db)


def seed(db: Session) -> dict[str, int]:
    """Create the built-in forms, choice lists and themes (every install)."""
    from wiki.records.seeding import seed_builtin

    return seed_builtin(db, demo_author(db))


def load_demo(db: Session) -> dict[str, int]:
    """Create the demo content that does not exist yet; return how many of each kind were created.

    The keys are ``pages``, ``initiatives``, ``inspirations``, ``places``, ``events`` and ``communes``.
    """
    from geodata import zones
    from wiki.demo.agenda import load_demo_agenda
    from wiki.demo.initiatives import load_demo_initiatives
    from wiki.demo.inspirations import load_demo_inspirations
    from wiki.demo.places import load_demo_places

    author = demo_author(db)
    seed(db)
    communes = len(zones.list_zones(db, "commune"))
    counts = {
        "initiatives": load_demo_initiatives(db, author),
        "inspirations": load_demo_inspirations(db, author),
        "places": load_demo_places(db, author),
    }
    counts["communes"] = len(zones.list_zones(db, "commune")) - communes  # load_demo_places adds them
    counts["events"] = load_demo_agenda(db, author)
    created = 0
    for path in sorted(PAGES_DIR.glob("*.md")):
        meta, body = parse_front_matter(path.read_text(encoding="utf-8"))
        title = meta.get("title") or path.stem
        if pages.find_page(db, pages.markup.slugify(title)) is not None:
            continue
        pages.create_page(db, title=title, body=body, comment="Page de démonstration", actor=author, policy="account")
        created += 1
    return {"pages": created} | counts
