"""The demo territory's map: communes of the Pays de Redon as zones, and places on the map.

Zones get their INSEE code, name and a centre point (a point inside the
commune, computed from IGN Admin Express boundaries); the full boundaries
come when an administrator runs ``lieudit zones import`` on the départements'
files. Places are of real-world kinds (médiathèques, tiers-lieux, France
Services, marchés, aires de covoiturage…) placed in those communes at
approximate positions, plus a greenway (a line) and a natural area (a polygon),
so the map is alive on first start. Every description says it is a demo.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from geodata import services as geo
from wiki.records import form_services
from wiki.records import services
from wiki.records import taxonomy
from wiki.records.models import Record

DEMO_COMMENT = "Lieu de démonstration"
DEMO_NOTE = "Fiche de démonstration : position approximative, à vérifier et compléter."

#: (INSEE code, name, centre longitude, centre latitude) — the communes of the Pays de Redon.
COMMUNES: tuple[tuple[str, str, float, float], ...] = (
    ("35236", "Redon", -2.0802, 47.6559),
    ("35013", "Bains-sur-Oust", -2.075, 47.7159),
    ("35064", "La Chapelle-de-Brain", -1.9354, 47.6949),
    ("35145", "Langon", -1.8776, 47.7314),
    ("35219", "Pipriac", -1.9267, 47.8143),
    ("35237", "Renac", -1.9532, 47.7224),
    ("35268", "Saint-Ganton", -1.895, 47.7699),
    ("35285", "Saint-Just", -1.9705, 47.767),
    ("35294", "Sainte-Marie", -2.0078, 47.6951),
    ("35328", "Sixt-sur-Aff", -2.0632, 47.7741),
    ("44007", "Avessac", -1.9651, 47.6448),
    ("44044", "Conquereuil", -1.7605, 47.6464),
    ("44057", "Fégréac", -2.0289, 47.5762),
    ("44067", "Guémené-Penfao", -1.838, 47.6413),
    ("44092", "Massérac", -1.9122, 47.6742),
    ("44128", "Plessé", -1.8739, 47.5572),
    ("44185", "Saint-Nicolas-de-Redon", -2.0661, 47.6359),
    ("56001", "Allaire", -2.1857, 47.6314),
    ("56011", "Béganne", -2.2413, 47.6025),
    ("56060", "Les Fougerêts", -2.1948, 47.7487),
    ("56154", "Peillac", -2.2169, 47.7166),
    ("56194", "Rieux", -2.1294, 47.6052),
    ("56216", "Saint-Gorgon", -2.2388, 47.6419),
    ("56221", "Saint-Jacut-les-Pins", -2.204, 47.6762),
    ("56223", "Saint-Jean-la-Poterie", -2.122, 47.6448),
    ("56232", "Saint-Perreux", -2.1218, 47.6703),
    ("56239", "Saint-Vincent-sur-Oust", -2.1478, 47.7019),
    ("56250", "Théhillac", -2.1196, 47.5508),
)

#: (title, kind, commune code, offset east, offset north (degrees, from the centre), themes, description)
_PLACES: tuple[tuple[str, str, str, float, float, list[str], str], ...] = (
    (
        "Médiathèque de Redon",
        "mediatheque",
        "35236",
        0.004,
        -0.002,
        ["culture"],
        "Prêt de livres, films et jeux ; ateliers numériques.",
    ),
    (
        "Médiathèque d’Allaire",
        "mediatheque",
        "56001",
        0.001,
        0.001,
        ["culture"],
        "Bibliothèque municipale, animations pour les enfants.",
    ),
    (
        "Médiathèque de Guémené-Penfao",
        "mediatheque",
        "44067",
        0.002,
        0.0,
        ["culture"],
        "Lectures, expositions, accès à internet.",
    ),
    (
        "Bibliothèque de Pipriac",
        "mediatheque",
        "35219",
        0.0,
        0.002,
        ["culture"],
        "Bibliothèque du réseau intercommunal.",
    ),
    (
        "Bibliothèque de Saint-Nicolas-de-Redon",
        "mediatheque",
        "44185",
        -0.001,
        0.002,
        ["culture"],
        "Petite bibliothèque tenue avec des bénévoles.",
    ),
    (
        "Tiers-lieu du quartier de la gare",
        "tiers_lieu",
        "35236",
        -0.003,
        0.003,
        ["tiers_lieu", "outils_numeriques"],
        "Espace de travail partagé, fablab et café associatif.",
    ),
    (
        "Tiers-lieu rural de Peillac",
        "tiers_lieu",
        "56154",
        0.001,
        -0.001,
        ["tiers_lieu", "cooperation"],
        "Ateliers partagés, réparation, rencontres.",
    ),
    (
        "Ferme-tiers-lieu de Langon",
        "tiers_lieu",
        "35145",
        0.003,
        0.001,
        ["tiers_lieu", "agriculture"],
        "Ferme ouverte : chantiers collectifs, vente directe, concerts.",
    ),
    (
        "Espace de coworking de Plessé",
        "tiers_lieu",
        "44128",
        0.0,
        0.001,
        ["tiers_lieu", "economie"],
        "Bureaux partagés pour indépendants et télétravailleurs.",
    ),
    (
        "France Services de Redon",
        "france_services",
        "35236",
        0.001,
        0.001,
        ["accueil_services"],
        "Aide aux démarches administratives : CAF, impôts, retraite, santé.",
    ),
    (
        "France Services de Pipriac",
        "france_services",
        "35219",
        -0.002,
        0.0,
        ["accueil_services"],
        "Accueil et accompagnement dans les démarches en ligne.",
    ),
    (
        "France Services de Guémené-Penfao",
        "france_services",
        "44067",
        -0.001,
        -0.001,
        ["accueil_services"],
        "Accueil de proximité pour les services publics.",
    ),
    (
        "France Services itinérante d’Allaire",
        "france_services",
        "56001",
        -0.002,
        0.001,
        ["accueil_services", "mobilite"],
        "Le bus France Services passe chaque semaine.",
    ),
    (
        "Marché de Redon (lundi)",
        "marche",
        "35236",
        0.0,
        -0.004,
        ["alimentation", "economie"],
        "Grand marché du lundi matin dans le centre-ville.",
    ),
    (
        "Marché de Bains-sur-Oust",
        "marche",
        "35013",
        0.001,
        0.0,
        ["alimentation"],
        "Producteurs locaux, le vendredi en fin d’après-midi.",
    ),
    ("Marché de Rieux", "marche", "56194", 0.0, 0.001, ["alimentation"], "Petit marché de producteurs."),
    (
        "Marché de Fégréac",
        "marche",
        "44057",
        -0.001,
        0.0,
        ["alimentation"],
        "Marché hebdomadaire sur la place de l’église.",
    ),
    (
        "Marché de Saint-Just",
        "marche",
        "35285",
        0.001,
        0.001,
        ["alimentation", "agriculture"],
        "Producteurs bio et circuits courts.",
    ),
    (
        "Aire de covoiturage de Saint-Nicolas-de-Redon",
        "aire_covoiturage",
        "44185",
        0.006,
        -0.004,
        ["mobilite"],
        "Parking de covoiturage près de la route de Nantes.",
    ),
    (
        "Aire de covoiturage d’Allaire",
        "aire_covoiturage",
        "56001",
        0.004,
        0.003,
        ["mobilite"],
        "Aire près de la route de Vannes.",
    ),
    (
        "Aire de covoiturage de Sainte-Marie",
        "aire_covoiturage",
        "35294",
        -0.003,
        -0.002,
        ["mobilite"],
        "Parking relais vers Rennes.",
    ),
    (
        "Aire de covoiturage de Guémené-Penfao",
        "aire_covoiturage",
        "44067",
        0.005,
        0.002,
        ["mobilite"],
        "Aire signalée au bord de la départementale.",
    ),
    (
        "Aire de covoiturage de Renac",
        "aire_covoiturage",
        "35237",
        0.002,
        -0.003,
        ["mobilite"],
        "Petite aire de covoiturage.",
    ),
    (
        "Espace public numérique d’Avessac",
        "epn",
        "44007",
        0.0,
        0.001,
        ["outils_numeriques", "inclusion"],
        "Ordinateurs en accès libre, aide aux premiers pas sur internet.",
    ),
    (
        "Espace public numérique de Saint-Vincent-sur-Oust",
        "epn",
        "56239",
        0.001,
        0.0,
        ["outils_numeriques"],
        "Ateliers numériques pour les seniors.",
    ),
    (
        "Salle des fêtes de Massérac",
        "salle_des_fetes",
        "44092",
        0.0,
        0.0,
        ["culture", "participation_citoyenne"],
        "Salle communale pour les associations.",
    ),
    (
        "Salle polyvalente de Saint-Perreux",
        "salle_des_fetes",
        "56232",
        -0.001,
        0.001,
        ["culture"],
        "Salle de spectacles et de réunions.",
    ),
    ("Mairie de Théhillac", "mairie", "56250", 0.0, 0.001, ["accueil_services"], "Accueil de la mairie."),
    ("Mairie de Conquereuil", "mairie", "44044", 0.0, 0.0, ["accueil_services"], "Accueil de la mairie."),
    (
        "Maison de la Vilaine à Saint-Jean-la-Poterie",
        "autre",
        "56223",
        0.002,
        0.0,
        ["environnement", "culture"],
        "Expositions sur le fleuve et ses marais.",
    ),
)

GREENWAY = {
    "title": "Voie verte du canal de Nantes à Brest (Redon – Saint-Vincent-sur-Oust)",
    "commune": "35236",
    "themes": ["mobilite", "environnement"],
    "description": "Chemin de halage du canal, à pied ou à vélo. " + DEMO_NOTE,
    "localisation": {
        "type": "LineString",
        "coordinates": [
            [-2.087, 47.653],
            [-2.1, 47.66],
            [-2.112, 47.668],
            [-2.125, 47.678],
            [-2.137, 47.689],
            [-2.147, 47.698],
            [-2.158, 47.707],
        ],
    },
}
NATURAL_AREA = {
    "title": "Marais de l’Île aux Pies (espace naturel)",
    "commune": "35013",
    "themes": ["environnement", "territoire_espace"],
    "description": "Falaises et marais au bord de l’Oust : escalade, randonnée, oiseaux. Contour indicatif. "
    + DEMO_NOTE,
    "localisation": {
        "type": "Polygon",
        "coordinates": [
            [
                [-2.125, 47.722],
                [-2.105, 47.722],
                [-2.1, 47.735],
                [-2.118, 47.742],
                [-2.13, 47.733],
                [-2.125, 47.722],
            ]
        ],
    },
}


def load_demo_zones(db: Session) -> int:
    """Create the Pays de Redon communes that are missing (a loaded boundary is kept); return how many."""
    existing = {z.code for z in geo.list_zones(db, "commune")}
    created = 0
    for code, name, lon, lat in COMMUNES:
        if code not in existing:
            geo.save_zone(db, code=code, name=name, level="commune", centre=(lon, lat))
            created += 1
    db.flush()
    if created:
        geo.sync_unlocated(db)
    return created


def demo_places() -> list[dict[str, Any]]:
    """The demo places as values keyed by the ``lieu`` form's field keys."""
    centres = {code: (lon, lat) for code, _, lon, lat in COMMUNES}
    places = []
    for title, kind, code, east, north, themes, description in _PLACES:
        lon, lat = centres[code]
        places.append(
            {
                "title": title,
                "type_lieu": kind,
                "commune": code,
                "themes": themes,
                "description": f"{description} {DEMO_NOTE}",
                "localisation": {"type": "Point", "coordinates": [round(lon + east, 5), round(lat + north, 5)]},
            }
        )
    return [*places, {**GREENWAY, "type_lieu": "autre"}, {**NATURAL_AREA, "type_lieu": "autre"}]


def load_demo_places(db: Session, actor: Any) -> int:
    """Create the demo zones and the places that do not exist yet (by title), published; return how many places."""
    load_demo_zones(db)
    form = form_services.get_form(db, "lieu")
    existing = set(db.scalars(select(Record.title).where(Record.form_id == form.id, Record.deleted_at.is_(None))))
    ctx = taxonomy.cleaning_context(db)
    created = 0
    for values in demo_places():
        if values["title"] in existing:
            continue
        services.create_record(
            db, form, values, actor=actor, policy="account", ctx=ctx, status="published", comment=DEMO_COMMENT
        )
        created += 1
    return created
