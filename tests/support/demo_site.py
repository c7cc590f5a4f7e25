"""The demo territory served over HTTP, once for a whole test module (or for ``bench/screenshots.py``).

``DemoSite.start(folder)`` builds an app on a SQLite file in ``folder``
(copied from a migrated template when one is given, else migrated), loads the
demo territory, adds a moderator account and a second version of the page
« Redon » (so history and comparison have something to show), and serves it
on 127.0.0.1. ``key_pages()`` lists the screens every phone, accessibility
and screenshot check walks through: the same list for all of them.
"""

from __future__ import annotations

import shutil
from dataclasses import dataclass
from dataclasses import field
from pathlib import Path
from typing import Any

from sqlalchemy import select

from tests.support.browser import LiveServer

MODERATOR = "Modératrice Démo"
PASSWORD = "un mot de passe sûr"


@dataclass(frozen=True)
class KeyPage:
    """A screen to check: a short name, its path, and whether it needs the moderator's session."""

    name: str
    path: str
    logged_in: bool = False


@dataclass
class DemoSite:
    """A served demo app and the ids the key pages need."""

    app: Any
    server: LiveServer
    ids: dict[str, Any] = field(default_factory=dict)

    @property
    def url(self) -> str:
        """Base URL of the server, without a trailing slash."""
        return self.server.url

    @classmethod
    def start(cls, folder: Path, template: Path | None = None, **config: Any) -> DemoSite:
        """Build, fill and serve a demo app in ``folder``."""
        from wiki import create_app
        from wiki import migrate
        from wiki.db import Database

        folder.mkdir(parents=True, exist_ok=True)
        target = folder / "demo.db"
        if template is not None:
            shutil.copyfile(template, target)
        settings = {
            "SECRET_KEY": "demo-site-secret",
            "INSTANCE_PATH": str(folder / "instance"),
            "DATABASE_URL": f"sqlite:///{target}",
            "PASSWORD_HASH_METHOD": "pbkdf2:sha256:1000",
            "SQLITE_SYNCHRONOUS": "OFF",
        }
        app = create_app(settings | config)
        with app.app_context():
            if template is None:
                migrate.upgrade(Database.engine(), None, backup=False)
            ids = _fill(Database.new_session())
        server = LiveServer(app).start()
        return cls(app, server, ids)

    def stop(self) -> None:
        """Stop serving and close the app's search index and database."""
        from wiki.db import Database

        self.server.stop()
        self.app.extensions["lieudit.search"].close()
        Database.engine(self.app).dispose()

    def key_pages(self) -> list[KeyPage]:
        """The key screens of issue 18, in reading order."""
        record = self.ids["record"]
        return [
            KeyPage("accueil", "/"),
            KeyPage("page", "/pages/redon"),
            KeyPage("editeur", "/pages/redon/edit", logged_in=True),
            KeyPage("historique", "/pages/redon/history"),
            KeyPage("comparaison", "/pages/redon/diff?from=1&to=2"),
            KeyPage("constructeur-formulaire", "/-/formulaires/initiative", logged_in=True),
            KeyPage("saisie-fiche", "/annuaire/initiative/nouvelle", logged_in=True),
            KeyPage("fiche", f"/fiches/{record}"),
            KeyPage("annuaire", "/annuaire"),
            KeyPage("annuaire-filtres", "/annuaire/initiative?themes=outils_numeriques"),
            KeyPage("annuaire-fiches", "/annuaire/initiative?vue=fiches"),
            KeyPage("annuaire-tableau", "/annuaire/initiative?vue=tableau"),
            KeyPage("carte", "/carte"),
            KeyPage("agenda", "/agenda"),
            KeyPage("agenda-mois", "/agenda/mois"),
            KeyPage("recherche", "/-/recherche?q=redon"),
            KeyPage("connexion", "/-/connexion"),
            KeyPage("inscription", "/-/inscription"),
            KeyPage("donnees", "/donnees"),
            KeyPage("modifications", "/-/modifications"),
        ]


def _fill(db: Any) -> dict[str, Any]:
    """Load the demo, add the moderator and a second version of « Redon »; return the ids pages need."""
    from tests.factories import FAST_HASH
    from wiki.auth import services as accounts
    from wiki.demo import load_demo
    from wiki.pages import services as pages
    from wiki.records.models import Record

    try:
        load_demo(db)
        moderator = accounts.create_user(db, name=MODERATOR, password=PASSWORD, role="admin", settings=FAST_HASH)
        page = pages.find_page(db, "redon")
        assert page is not None and page.current_revision is not None
        body = page.current_revision.body + "\n## Marché\n\nLe marché a lieu le lundi matin.\n"
        pages.save_page(
            db, page, body=body, comment="ajout du marché", actor=moderator,
            base_revision_id=page.current_revision.id, policy="account",
        )  # fmt: skip
        record = db.scalar(select(Record.id).where(Record.title == "Le wiki du Pays de Redon"))
        db.commit()
        return {"record": record}
    finally:
        db.close()


def log_in(context: Any, base_url: str) -> None:
    """Sign the moderator in, in this browser context (its cookies then carry the session)."""
    page = context.new_page()
    page.goto(base_url + "/-/connexion")
    page.get_by_label("Nom d’utilisateur").fill(MODERATOR)
    page.get_by_label("Mot de passe", exact=True).fill(PASSWORD)
    page.locator("main form button[type=submit]").click()
    page.wait_for_load_state()
    page.close()
