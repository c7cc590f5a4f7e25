"""Built-in forms, shared choice lists and the theme taxonomy, created at install.

DESIGN.md, "Built-in forms": *Initiative* (the unified schema of
``shared/seeds/initiative-schema.md`` §3.3), *Événement* (the agenda),
*Lieu* (a place on the map) and *Structure* (association, collectivité,
tiers-lieu), plus the 19 themes of the reference guide (§3.4 b). All of it
is plain data here, imported by nothing but :mod:`wiki.records.seeding`,
which creates what is missing through the record services and never touches
what exists, so an administrator's edits survive a re-install. Field ids are
written out (not generated) so that two instances seeded apart share the
same ids and re-seeding is deterministic.
"""

from __future__ import annotations

from typing import Any

#: The 19 themes of the Smart village guide (§3.4 b): (key, label, synonyms).
#: Synonyms cover the spellings found in the sources (plural, merged or
#: unaccented labels, straight apostrophes) and the words volunteers type.
THEMES: tuple[tuple[str, str, tuple[str, ...]], ...] = (
    ("participation_citoyenne", "Participation citoyenne",
     ("participation", "démocratie participative", "concertation", "citoyenneté")),
    ("economie", "Économie",
     ("économie locale", "emploi", "création d’emploi", "création d'emploi", "commerce", "commerces", "développement économique")),
    ("logement", "Logement", ("logements", "habitat")),
    ("cooperation", "Coopération", ("coopération territoriale", "mutualisation")),
    ("recherche_innovation", "Recherche et innovation",
     ("recherche", "innovation", "recherche & innovation", "expérimentation")),
    ("accueil_services", "Accueil et services à la population et aux entreprises",
     ("accueil et services", "accueil et services à la population", "accueil", "services", "services à la population",
      "services au public", "accueil de nouveaux habitants", "santé")),
    ("quartier_revitalisation", "Quartier / revitalisation",
     ("Quartier/ revitalisation", "Quartier/revitalisation", "Quartier revitalisation", "quartier", "revitalisation",
      "centre-bourg", "revitalisation du centre-bourg")),
    ("inclusion", "Inclusion", ("inclusion numérique", "inclusion sociale", "solidarité", "lutte contre l’isolement")),
    ("environnement", "Environnement",
     ("biodiversité", "écologie", "développement durable", "transition écologique", "déchets")),
    ("outils_numeriques", "Outils numériques",
     ("Outils Numériques", "outil numérique", "numérique", "internet", "logiciels libres", "médiation numérique")),
    ("alimentation", "Alimentation", ("alimentaire", "circuits courts", "circuit court", "produits locaux")),
    ("tiers_lieu", "Tiers-lieu",
     ("tiers-lieux", "tiers lieu", "tiers lieux", "coworking", "espace de coworking", "fablab", "fab lab")),
    ("energie", "Énergie", ("Énergies", "Energie", "Energies", "transition énergétique", "énergies renouvelables",
                             "économies d’énergie", "économies d'énergie")),
    ("agriculture", "Agriculture", ("agricole", "élevage", "agriculteurs")),
    ("formation", "Formation", ("formations", "éducation", "éducation populaire")),
    ("mobilite", "Mobilité",
     ("mobilités", "mobilité durable", "mobilités durables", "transport", "transports", "déplacements", "covoiturage")),
    ("territoire_espace", "Territoire et gestion de l’espace",
     ("Territoire et gestion de l'espace", "gestion de l’espace", "gestion de l'espace", "aménagement",
      "aménagement du territoire", "urbanisme")),
    ("culture", "Culture", ("culturel", "patrimoine", "arts", "loisirs")),
    ("foret", "Forêt", ("forêts", "bois", "filière bois", "sylviculture")),
)  # fmt: skip


def _items(*pairs: tuple[str, str]) -> list[dict[str, str]]:
    return [{"value": value, "label": label} for value, label in pairs]


#: Shared choice lists: (key, title, items). Values are slugs, labels French.
CHOICE_LISTS: tuple[tuple[str, str, list[dict[str, str]]], ...] = (
    ("type_porteur", "Types de porteurs", _items(
        ("commune", "Commune"), ("intercommunalite", "Intercommunalité"), ("petr_pays", "PETR / pays"),
        ("syndicat_mixte", "Syndicat mixte"), ("departement", "Département"), ("region", "Région"),
        ("association", "Association"), ("collectif_informel", "Collectif informel"),
        ("cooperative", "Coopérative (SCIC, SCOP)"), ("entreprise", "Entreprise"),
        ("chambre_consulaire", "Chambre consulaire"), ("institut_recherche", "Institut, recherche"),
        ("etablissement_scolaire", "Établissement scolaire"), ("autre", "Autre"),
    )),
    ("echelle", "Échelles", _items(
        ("hameau", "Hameau"), ("commune", "Commune"), ("commune_nouvelle", "Commune nouvelle"), ("canton", "Canton"),
        ("communaute_communes", "Communauté de communes"), ("communaute_agglomeration", "Communauté d’agglomération"),
        ("petr_pays", "PETR / pays"), ("pnr", "Parc naturel régional"), ("departement", "Département"),
        ("region", "Région"), ("national", "National"), ("international", "International"),
    )),
    ("etat_projet", "États d’avancement", _items(
        ("idee", "Idée"), ("en_preparation", "En préparation"), ("en_cours", "En cours"), ("realise", "Réalisé"),
        ("en_pause", "En pause"), ("arrete", "Arrêté"),
    )),
    ("licence", "Licences", _items(
        ("cc_by_sa_4", "Creative Commons BY-SA 4.0"), ("licence_ouverte_2", "Licence Ouverte 2.0 (Etalab)"),
        ("odbl", "Open Database License (ODbL)"), ("cc_by_4", "Creative Commons BY 4.0"),
    )),
    ("type_lieu", "Types de lieux", _items(
        ("mediatheque", "Médiathèque"), ("tiers_lieu", "Tiers-lieu"), ("france_services", "France Services"),
        ("marche", "Marché"), ("aire_covoiturage", "Aire de covoiturage"), ("epn", "Espace public numérique"),
        ("mairie", "Mairie"), ("ecole", "École"), ("salle_des_fetes", "Salle des fêtes"), ("autre", "Autre"),
    )),
    ("type_structure", "Types de structures", _items(
        ("association", "Association"), ("collectivite", "Collectivité"), ("tiers_lieu", "Tiers-lieu"),
        ("entreprise", "Entreprise"), ("cooperative", "Coopérative"), ("service_public", "Service public"),
        ("autre", "Autre"),
    )),
    ("public_cible", "Publics", _items(
        ("habitants", "Habitants"), ("nouveaux_arrivants", "Nouveaux arrivants"), ("jeunes", "Jeunes"),
        ("seniors", "Seniors"), ("personnes_isolees", "Personnes isolées"), ("entreprises", "Entreprises"),
        ("touristes", "Touristes"), ("agriculteurs", "Agriculteurs"), ("associations", "Associations"),
        ("elus", "Élus"),
    )),
)  # fmt: skip


def _field(ident: str, key: str, kind: str, label: str, help: str = "", **extra: Any) -> dict[str, Any]:
    """One field definition as ``validate_schema`` reads it (``extra``: required, visibility, personal, options)."""
    return {"id": ident, "key": key, "type": kind, "label": label, "help": help, **extra}


_AREAS = ["Point", "MultiPoint", "Polygon", "MultiPolygon"]
_ALL_SHAPES = ["Point", "LineString", "Polygon", "MultiPoint", "MultiLineString", "MultiPolygon"]
#: The contact person: personal data, published only where the person's consent box is ticked (the
#: record form says so under each field and under the box, see ``widgets.privacy_notes``).
_CONSENTED: dict[str, Any] = {"personal": True, "visibility": "public", "consent_field": "contact_consentement"}

_INITIATIVE_FIELDS = [
    # Identity
    _field("f_017f89c3", "title", "text", "Nom de l’initiative",
           "Le nom sous lequel l’initiative est connue (ex. « Le wiki du Pays de Redon »).",
           required=True, options={"max_length": 200}),
    _field("f_08a598f8", "resume", "longtext", "En bref",
           "Deux à quatre phrases qui donnent envie d’en savoir plus : quoi, qui, où, pour qui. 800 caractères au plus.",
           required=True, options={"max_length": 800}),
    _field("f_138cc9c7", "porteur", "text", "Porteur du projet",
           "La structure ou le collectif qui mène l’initiative (commune, association, collectif d’habitants…). "
           "Pas de nom de personne ici.", required=True),
    _field("f_1967b36e", "type_porteur", "choice", "Type de porteur", options={"list": "type_porteur"}),
    _field("f_1b380668", "territoire", "text", "Territoire",
           "Le territoire concerné, tel qu’on le nomme (ex. « Pays de Redon », « canton de Lormes »)."),
    _field("f_204445d8", "echelle", "choice", "Échelle", "L’échelle à laquelle l’initiative agit.",
           options={"list": "echelle"}),
    _field("f_27ba74be", "communes", "zone", "Communes concernées",
           "Choisissez-les par leur nom. Laissez vide pour une initiative nationale ou étrangère.",
           options={"levels": ["commune"], "multiple": True}),
    _field("f_294e9c89", "departements", "zone", "Départements", "Numéros des départements (ex. 35, 2A, 973).",
           options={"levels": ["departement"], "multiple": True}),
    _field("f_2c78c3da", "region", "text", "Région", "Une ou plusieurs régions (ex. « Bretagne et Pays de la Loire »)."),
    _field("f_2cd835f4", "pays", "text", "Pays",
           "Code du pays à deux lettres : FR pour la France, DE pour l’Allemagne, BE pour la Belgique… "
           "Laissez vide pour la France.", options={"max_length": 60}),
    _field("f_2dd97dde", "population", "number", "Nombre d’habitants",
           "Population du territoire concerné, telle que la donne votre source (indiquez laquelle dans « Source »).",
           options={"integer": True, "min": 0, "unit": "habitants"}),
    _field("f_315cf8c1", "annee_lancement", "number", "Année de lancement", "L’année où la démarche a commencé (ex. 2017).",
           options={"integer": True, "year": True, "min": 1900, "max": 2100}),
    _field("f_32888a1d", "etat_projet", "choice", "Où en est le projet ?", options={"list": "etat_projet"}),
    # What and why
    _field("f_33014816", "objectifs", "longtext", "Objectifs",
           "Un objectif par ligne, en commençant par un verbe (ex. « - Créer un lieu de rencontre »)."),
    _field("f_339e0a5c", "contexte", "longtext", "Contexte", "Ce qui a fait naître l’initiative : le besoin, l’occasion, l’histoire."),
    _field("f_363526ca", "description", "longtext", "Description",
           "Ce qui est fait concrètement, comment et avec qui. Vous pouvez faire des paragraphes et des listes.",
           required=True),
    _field("f_376f0d91", "gouvernance", "longtext", "Gouvernance et animation",
           "Qui décide, comment on peut participer, qui anime au quotidien."),
    _field("f_38375529", "themes", "theme", "Thématiques", "Une ou plusieurs thématiques de la liste du wiki.",
           required=True, options={"max_items": 25}),
    _field("f_41c89872", "public", "multichoice", "Publics visés", options={"list": "public_cible"}),
    _field("f_4268b527", "acteurs_locaux", "longtext", "Acteurs locaux impliqués",
           "Associations, entreprises, services, écoles… du territoire."),
    _field("f_46800666", "acteurs_supra", "longtext", "Acteurs au niveau supra-territorial",
           "Département, Région, État, Europe, réseaux nationaux…"),
    _field("f_4a518259", "partenaires_techniques", "longtext", "Partenaires techniques",
           "Bureaux d’études, prestataires, structures d’accompagnement, et ce qu’ils apportent."),
    # Means
    _field("f_52672157", "moyens_humains", "longtext", "Moyens humains",
           "Salariés (en équivalents temps plein), bénévoles, services civiques…"),
    _field("f_53c988d6", "budget_total", "number", "Budget total",
           "Coût global en euros (ex. 39 000). Le détail va dans « Financements ».", options={"min": 0, "unit": "€"}),
    _field("f_57f4105e", "financements", "longtext", "Financements",
           "Qui finance quoi, avec les montants ou les pourcentages si vous les connaissez, et le coût de fonctionnement."),
    _field("f_58b2e6fa", "moyens_techniques", "longtext", "Moyens techniques et outils numériques",
           "Logiciels, plateformes, équipements sur lesquels l’initiative s’appuie."),
    # Results
    _field("f_641f23d7", "resultats", "longtext", "Résultats et réalisations", "Ce qui a été obtenu, en chiffres si possible."),
    _field("f_6483560e", "difficultes", "longtext", "Difficultés rencontrées"),
    _field("f_69741596", "facteurs_reussite", "longtext", "Facteurs de réussite"),
    _field("f_6f11b7de", "points_vigilance", "longtext", "Points de vigilance",
           "Les conseils à donner à un autre territoire qui voudrait faire de même."),
    _field("f_7279cc74", "prochaines_etapes", "longtext", "Prochaines étapes"),
    _field("f_742c0507", "recours_tiers_lieu", "boolean", "L’initiative s’appuie sur un tiers-lieu"),
    _field("f_7d55fa9e", "citation", "longtext", "Parole d’acteur",
           "Une courte citation d’une personne impliquée. Ne la nommez qu’avec son accord.",
           options={"max_length": 1000}),
    # Contact: the structure is public, the person is personal data (RGPD)
    _field("f_7d5f47b5", "contact_structure", "text", "Structure à contacter"),
    _field("f_7f094519", "contact_adresse", "text", "Adresse de la structure",
           "L’adresse postale de la structure (mairie, local associatif), jamais l’adresse personnelle de quelqu’un."),
    _field("f_7f7fb7a6", "contact_nom", "text", "Personne à contacter", "Nom et rôle.", **_CONSENTED),
    _field("f_83a29ecc", "contact_email", "email", "Courriel de la personne à contacter", **_CONSENTED),
    _field("f_86926e23", "contact_telephone", "phone", "Téléphone de la personne à contacter", **_CONSENTED),
    _field("f_8944f15c", "contact_consentement", "boolean",
           "La personne de contact accepte que ses coordonnées soient publiées",
           "Ne cochez que si la personne vous l’a dit elle-même ; elle peut changer d’avis à tout moment."),
    # Links, map, provenance
    _field("f_8bdeffe4", "site_web", "url", "Site web", "L’adresse du site de l’initiative ou de sa structure."),
    _field("f_8be792e2", "autres_liens", "longtext", "Autres liens", "Une adresse par ligne (vidéo, article, page d’un partenaire…)."),
    _field("f_8bf106b4", "localisation", "geometry", "Localisation sur la carte",
           "Un point pour un lieu précis, une zone pour un territoire. Laissez vide pour une initiative nationale.",
           options={"kinds": _AREAS}),
    _field("f_9197455a", "licence", "choice", "Licence du contenu",
           "La licence sous laquelle le texte de cette fiche peut être réutilisé.", options={"list": "licence"}),
    _field("f_92c8fd02", "source", "text", "Source",
           "D’où viennent ces informations (ex. « Guide Smart village, RRN, 2022, p. 108 » ou « rencontre avec le porteur, mars 2026 »)."),
]  # fmt: skip

_EVENT_FIELDS = [
    _field("f_954c80a7", "title", "text", "Nom de l’événement", required=True, options={"max_length": 200}),
    _field("f_95dcce00", "description", "longtext", "Description", "Ce qui va se passer, pour qui, comment participer."),
    _field("f_97496074", "horaire", "schedule", "Date et horaire",
           "Début et fin ; cochez « toute la journée » si besoin. Un événement qui revient chaque semaine ou chaque mois "
           "peut être répété.", required=True),
    _field("f_979a56fb", "lieu_fiche", "link", "Lieu (fiche du wiki)",
           "Choisissez le lieu parmi les fiches « Lieu » s’il y en a une ; sinon indiquez l’adresse ci-dessous.",
           options={"target": "record", "form": "lieu"}),
    _field("f_9c0ceed6", "adresse", "text", "Adresse"),
    _field("f_9e8db0fe", "commune", "zone", "Commune", "Choisissez la commune par son nom.",
           options={"levels": ["commune"]}),
    _field("f_9f594584", "localisation", "geometry", "Point sur la carte", options={"kinds": ["Point"]}),
    _field("f_9fce69a2", "organisateur", "text", "Organisateur",
           "La structure ou le collectif qui organise (pas de nom de personne sans son accord)."),
    _field("f_a0cafdd3", "themes", "theme", "Thématiques", options={"max_items": 10}),
    _field("f_a7a41020", "site_web", "url", "Site web ou inscription"),
    _field("f_a9a2c7ec", "public", "multichoice", "Publics", options={"list": "public_cible"}),
    _field("f_aa32bdfa", "gratuit", "boolean", "Entrée gratuite"),
]  # fmt: skip

_PLACE_FIELDS = [
    _field("f_aac7e66b", "title", "text", "Nom du lieu", required=True, options={"max_length": 200}),
    _field("f_ab80792d", "type_lieu", "choice", "Type de lieu", options={"list": "type_lieu"}),
    _field("f_ab90d0b0", "description", "longtext", "Description", "Ce qu’on y trouve, ce qu’on peut y faire."),
    _field("f_ae1dbfb3", "adresse", "text", "Adresse"),
    _field("f_b3654527", "commune", "zone", "Commune", "Choisissez la commune par son nom.",
           options={"levels": ["commune"]}),
    _field("f_b4205687", "localisation", "geometry", "Localisation sur la carte",
           "Un point pour un bâtiment, une ligne pour une voie verte ou un sentier, une zone pour un espace naturel.",
           options={"kinds": _ALL_SHAPES}),
    _field("f_bb95499d", "horaires", "longtext", "Horaires d’ouverture", "Ex. « Mardi et vendredi, 14 h – 18 h ; samedi matin »."),
    _field("f_bf9a4738", "themes", "theme", "Thématiques", options={"max_items": 10}),
    _field("f_c28d55f7", "site_web", "url", "Site web"),
    _field("f_c35882d3", "telephone", "phone", "Téléphone", "Le numéro public du lieu (accueil), jamais un numéro personnel."),
    _field("f_c3bc92ba", "accessible_pmr", "boolean", "Accessible aux personnes à mobilité réduite"),
]  # fmt: skip

_STRUCTURE_FIELDS = [
    _field("f_c409e223", "title", "text", "Nom de la structure", required=True, options={"max_length": 200}),
    _field("f_cbe685de", "type_structure", "choice", "Type de structure", options={"list": "type_structure"}),
    _field("f_cc62339c", "description", "longtext", "Description", "Ce que fait la structure, pour qui, comment la rejoindre."),
    _field("f_cecf729f", "adresse", "text", "Adresse", "L’adresse du siège ou de l’accueil."),
    _field("f_d3cf2bab", "commune", "zone", "Commune", "Choisissez la commune par son nom.",
           options={"levels": ["commune"]}),
    _field("f_d481dc77", "localisation", "geometry", "Point sur la carte", options={"kinds": ["Point"]}),
    _field("f_d5140257", "themes", "theme", "Thématiques", options={"max_items": 10}),
    _field("f_d78442c5", "site_web", "url", "Site web"),
    _field("f_dd137b26", "email", "email", "Courriel de la structure",
           "Une adresse générique (ex. contact@…), pas l’adresse personnelle d’un membre."),
    _field("f_deb9ab04", "telephone", "phone", "Téléphone", "Le numéro public de la structure, pas un numéro personnel."),
]  # fmt: skip

#: The four built-in forms, in the shape ``form_services.create_form`` takes.
FORMS: tuple[dict[str, Any], ...] = (
    {
        "key": "initiative",
        "title": "Initiative",
        "description": "Les initiatives du territoire : qui fait quoi, où, avec quels moyens et quels résultats, "
        "pour que d’autres puissent s’en inspirer.",
        "title_field": "title",
        "fields": _INITIATIVE_FIELDS,
    },
    {
        "key": "evenement",
        "title": "Événement",
        "description": "L’agenda du territoire : rencontres, ateliers, fêtes, wiki-parties…",
        "title_field": "title",
        "fields": _EVENT_FIELDS,
    },
    {
        "key": "lieu",
        "title": "Lieu",
        "description": "Les lieux utiles sur la carte : médiathèques, tiers-lieux, France Services, marchés, aires de covoiturage…",
        "title_field": "title",
        "fields": _PLACE_FIELDS,
    },
    {
        "key": "structure",
        "title": "Structure",
        "description": "Les associations, collectivités, tiers-lieux et entreprises qui font vivre le territoire.",
        "title_field": "title",
        "fields": _STRUCTURE_FIELDS,
    },
)
