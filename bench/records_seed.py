"""The initiatives of the record benchmarks (``records_list.py``, ``api.py``), and the instance that holds them.

- ``Generator``: varied, realistic French initiatives, deterministic for a
  seed (``random.Random(42)``): the sentences of the 32 demo initiatives,
  1–4 themes by weight, 0–3 communes among 150 INSEE codes of
  Ille-et-Vilaine, Loire-Atlantique and Morbihan (Redon always among them),
  porteur type, scale, state, publics, population and budget.
- ``instance``: a throwaway app on SQLite or on a PostgreSQL server it starts
  (``instances.migrated_app``), with facts about it and the CPU meter of
  ``records_timing``.
- ``populate``: seeds the built-in forms, then inserts the initiatives through
  ``services.create_record`` (the real write path), committing every
  ``BATCH``, spreads their dates over five years and, on PostgreSQL, runs
  ``VACUUM ANALYZE``.
"""

from __future__ import annotations

import json
import random
import re
import time
from collections.abc import Iterator
from contextlib import contextmanager
from contextlib import nullcontext
from datetime import UTC
from datetime import datetime
from datetime import timedelta
from pathlib import Path
from typing import Any

from instances import migrated_app
from instances import server_version
from records_timing import CPUMeter

GEODATA = Path("/work/shared/data/geodata/admin-boundaries")
BATCH = 500
#: Redon: the two-facet URL filters on it, so it is always in the commune list.
REDON = "35236"

#: Relative frequency of the themes (some are much more common than others).
THEME_WEIGHTS = {
    "outils_numeriques": 10, "participation_citoyenne": 8, "accueil_services": 8, "environnement": 7, "mobilite": 6,
    "economie": 6, "inclusion": 6, "tiers_lieu": 5, "alimentation": 5, "culture": 5, "cooperation": 4, "energie": 4,
    "formation": 4, "agriculture": 3, "territoire_espace": 3, "logement": 3, "quartier_revitalisation": 3,
    "recherche_innovation": 2, "foret": 1,
}  # fmt: skip
TITLE_HEADS = (
    "Tiers-lieu", "Café associatif", "Atelier vélo", "Jardin partagé", "Épicerie solidaire", "Maison France Services",
    "Covoiturage solidaire", "Fablab", "Repair café", "Marché de producteurs", "Réseau de chaleur bois",
    "Centrale solaire citoyenne", "Médiathèque numérique", "Conseil citoyen", "Plateforme de services",
    "Navette à la demande", "Cantine bio et locale", "Forêt communale gérée durablement", "École du numérique",
    "Habitat partagé", "Wiki du territoire", "Budget participatif", "Conciergerie rurale", "Boutique éphémère",
    "Espace de coworking", "Accueil des nouveaux habitants", "Voie verte", "Ressourcerie", "Halles gourmandes",
    "Tiers-lieu nourricier",
)  # fmt: skip
TITLE_LINKS = ("de", "à", "du pays de", "autour de", "entre Vilaine et")


def load_communes(rng: random.Random) -> list[tuple[str, str]]:
    """Return 150 (INSEE code, name) pairs of départements 35, 44 and 56, Redon first."""
    picked: list[tuple[str, str]] = []
    for dep in ("35", "44", "56"):
        files = sorted(GEODATA.glob(f"communes-{dep}-*.geojson"))
        features: list[tuple[str, str]] = []
        if files:
            data = json.loads(files[0].read_text(encoding="utf-8"))
            features = sorted((f["properties"]["code"], f["properties"]["nom"]) for f in data["features"])
        if len(features) < 50:  # no geodata here: plausible codes and names
            features = [(f"{dep}{n:03d}", f"Commune {dep}-{n:03d}") for n in range(1, 300, 3)]
        picked.extend(rng.sample(features, 50))
    codes = [code for code, _ in picked]
    if REDON in codes:
        picked.pop(codes.index(REDON))
    else:
        picked.pop()
    return [(REDON, "Redon"), *picked]


def demo_sentences() -> list[str]:
    """Return the sentences of the demo initiatives' long texts (real French)."""
    from wiki.demo.initiatives import INITIATIVES

    sentences: set[str] = set()
    for item in INITIATIVES:
        for key in ("resume", "contexte", "description", "gouvernance", "resultats", "difficultes", "financements"):
            for chunk in re.split(r"(?<=[.!?])\s+|\n+", item.get(key) or ""):
                chunk = chunk.strip().lstrip("- ")
                if 30 <= len(chunk) <= 400 and chunk[0].isupper():
                    sentences.add(chunk if chunk[-1] in ".!?" else chunk + ".")
    return sorted(sentences)


class Generator:
    """Makes varied, realistic initiative values (deterministic for a seed)."""

    def __init__(self, seed: int = 42) -> None:
        """Load the vocabularies."""
        from wiki.demo.initiatives import INITIATIVES
        from wiki.records.builtin import CHOICE_LISTS

        self.rng = random.Random(seed)
        self.sentences = demo_sentences()
        self.communes = load_communes(self.rng)
        # Zipf-like: the first communes (Redon first) are named much more often.
        self.commune_weights = [1 / (rank + 1) ** 0.8 for rank in range(len(self.communes))]
        self.lists = {key: [item["value"] for item in items] for key, _, items in CHOICE_LISTS}
        self.demo_titles = [item["title"] for item in INITIATIVES]
        self.porteurs = sorted({item["porteur"] for item in INITIATIVES})
        self.themes = list(THEME_WEIGHTS)
        self.theme_weights = list(THEME_WEIGHTS.values())

    def _text(self, low: int, high: int, *, paragraphs: bool = False) -> str:
        """Return ``low``..``high`` sentences, in paragraphs of 2 to 4 when asked."""
        picked = [self.rng.choice(self.sentences) for _ in range(self.rng.randint(low, high))]
        if not paragraphs:
            return " ".join(picked)
        out, i = [], 0
        while i < len(picked):
            n = self.rng.randint(2, 4)
            out.append(" ".join(picked[i : i + n]))
            i += n
        return "\n\n".join(out)

    def _distinct(self, population: list[str], weights: list[float], k: int) -> list[str]:
        """Return ``k`` distinct items drawn by weight."""
        chosen: list[str] = []
        while len(chosen) < k:
            item = self.rng.choices(population, weights)[0]
            if item not in chosen:
                chosen.append(item)
        return chosen

    def initiative(self, n: int) -> dict[str, Any]:
        """Return the submitted values (by field key) of initiative number ``n``."""
        rng = self.rng
        k = rng.choices([0, 1, 2, 3], [15, 55, 20, 10])[0]
        communes = self._distinct([c for c, _ in self.communes], self.commune_weights, k)
        place = dict(self.communes).get(communes[0]) if communes else rng.choice(self.communes)[1]
        if rng.random() < 0.15:
            title = f"{rng.choice(self.demo_titles)} ({place})"
        else:
            title = f"{rng.choice(TITLE_HEADS)} {rng.choice(TITLE_LINKS)} {place}"
        resume = self._text(2, 4)
        if len(resume) > 800:
            resume = resume[:800].rsplit(" ", 1)[0] + "…"
        values: dict[str, Any] = {
            "title": f"{title} #{n}" if rng.random() < 0.05 else title,
            "resume": resume,
            "porteur": rng.choice(self.porteurs)
            if rng.random() < 0.3
            else f"Association {rng.choice(TITLE_HEADS).lower()} de {place}",
            "type_porteur": rng.choice(self.lists["type_porteur"]),
            "territoire": f"Pays de {place}",
            "echelle": rng.choice(self.lists["echelle"]),
            "communes": communes,
            "departements": sorted({c[:2] for c in communes}),
            "region": "Bretagne" if not communes or communes[0][:2] != "44" else "Pays de la Loire",
            "pays": "FR",
            "population": rng.choice([rng.randint(150, 3000), rng.randint(3000, 30000), rng.randint(30000, 250000)]),
            "annee_lancement": rng.randint(1995, 2025),
            "etat_projet": rng.choice(self.lists["etat_projet"]),
            "contexte": self._text(1, 4),
            "description": self._text(4, 14, paragraphs=True),
            "themes": self._distinct(self.themes, self.theme_weights, rng.choices([1, 2, 3, 4], [30, 35, 25, 10])[0]),
            "public": rng.sample(self.lists["public_cible"], rng.randint(0, 3)),
            "budget_total": rng.choice([None, rng.randint(1, 400) * 500, rng.randint(10, 3000) * 1000]),
            "recours_tiers_lieu": rng.random() < 0.25,
            "licence": rng.choice(self.lists["licence"]),
            "source": "Données générées pour le banc d’essai",
        }
        if rng.random() < 0.5:
            values["resultats"] = self._text(1, 3)
        return {key: value for key, value in values.items() if value not in (None, [], "")}


@contextmanager
def instance(backend: str, tmp: Path) -> Iterator[tuple[Any, dict[str, Any], CPUMeter]]:
    """Yield an app on a fresh, migrated database of ``backend``, facts about it and a CPU meter; clean up after."""
    from wiki.db import Database

    with migrated_app(backend == "postgresql", tmp) as (app, _url, server):
        meter = CPUMeter()
        if server is not None and server._dir is not None:  # a throwaway server of ours: its processes can be measured
            meter = CPUMeter(server._dir / "data" / "postmaster.pid")
        yield app, {"backend": backend, "server_version": server_version(Database.engine(app))}, meter


def search_muted() -> Any:
    """Return ``wiki.search.indexer.muted()`` when that module exists (bulk load: no per-commit indexing), else a no-op."""
    try:
        from wiki.search.indexer import muted
    except ImportError:
        return nullcontext()
    return muted()


def populate(app: Any, count: int, backend: str) -> dict[str, Any]:
    """Seed the built-in forms and insert ``count`` initiatives; return timings and sizes."""
    from sqlalchemy import Text
    from sqlalchemy import cast
    from sqlalchemy import func
    from sqlalchemy import select
    from sqlalchemy import update

    from wiki.db import Database
    from wiki.demo import demo_author
    from wiki.demo import seed
    from wiki.records import form_services
    from wiki.records import services
    from wiki.records import taxonomy
    from wiki.records.models import Record
    from wiki.records.models import RecordFacet

    gen = Generator(42)
    facts: dict[str, Any] = {}
    with app.app_context(), search_muted():
        db = Database.new_session()
        try:
            seed(db)
            db.commit()
            author = demo_author(db)
            form = form_services.get_form(db, "initiative")
            ctx = taxonomy.cleaning_context(db)
            t0 = time.perf_counter()
            text_bytes = 0
            for n in range(1, count + 1):
                values = gen.initiative(n)
                text_bytes += sum(len(v.encode()) for v in values.values() if isinstance(v, str))
                services.create_record(
                    db,
                    form,
                    values,
                    actor=author,
                    policy="account",
                    ctx=ctx,
                    status="published",
                    comment="banc d’essai",
                )
                if n % BATCH == 0 or n == count:
                    db.commit()
                    db.expunge_all()
                    form = form_services.get_form(db, "initiative")
                    author = demo_author(db)
                if n % 2000 == 0:
                    print(f"  {n} records, {n / (time.perf_counter() - t0):.0f} records/s", flush=True)
            seconds = time.perf_counter() - t0
            facts.update(
                insert_s=round(seconds, 1),
                insert_per_s=round(count / seconds, 1),
                text_kib_per_record=round(text_bytes / count / 1024, 2),
            )
            # Spread the dates over five years: sorting by date sees realistic values.
            ids = list(db.scalars(select(Record.id).where(Record.form_id == form.id).order_by(Record.id)))
            base = datetime(2021, 1, 1, tzinfo=UTC)
            rows = []
            for record_id in ids:
                created = base + timedelta(seconds=gen.rng.randint(0, 5 * 365 * 86400))
                rows.append(
                    {
                        "id": record_id,
                        "created_at": created,
                        "updated_at": created + timedelta(seconds=gen.rng.randint(0, 300 * 86400)),
                    }
                )
            db.execute(update(Record), rows)
            db.commit()
            facts["facet_rows"] = db.scalar(select(func.count()).select_from(RecordFacet))
            facts["records"] = len(ids)
            average = select(func.avg(func.length(cast(Record.data, Text))), func.avg(func.length(Record.search_text)))
            data_len, text_len = db.execute(average).one()
            facts["avg_data_kib"] = round(float(data_len or 0) / 1024, 2)
            facts["avg_search_text_kib"] = round(float(text_len or 0) / 1024, 2)
        finally:
            db.close()
        if backend == "postgresql":
            # What autovacuum does after such a load (and what index-only scans need).
            with Database.engine().connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
                conn.exec_driver_sql("VACUUM ANALYZE")
    return facts
