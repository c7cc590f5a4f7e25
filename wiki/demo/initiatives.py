"""The demo initiatives: the 32 "fiches" of the two Réseau rural national guides, rewritten.

Sources (``shared/seeds/source-documents``): the *Smart village* guide (2022,
15 fiches expériences, pp. 64–120) and the recueil *L'impact des usages du
numérique sur le développement rural* (2018, 17 fiches, pp. 9–56). The facts
(figures, years, funders, organisations) are the guides'; the wording is
ours. Personal data is left out on purpose (initiative-schema.md §4.4): no
person's name, e-mail or phone number; the contact fields of the form stay
empty and only organisations and their public addresses appear. INSEE codes
are given only where they were checked (Redon, Saint-Sulpice-la-Forêt, against
``shared/data/geodata``). Known oddities of the sources are kept, as realistic
data: inconsistent populations, Redon's 8 745 inhabitants, Muttersholtz's
wrong link (left out, noted in ``source``).
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from wiki.errors import NotFound
from wiki.records import form_services
from wiki.records import services
from wiki.records import taxonomy
from wiki.records.models import Record
from wiki.records.seeding import seed_builtin

GUIDE_2022 = "Guide « Smart village », Réseau rural national / ADRETS, 2022"
RECUEIL_2018 = "Recueil « L’impact des usages du numérique sur le développement rural », Réseau rural national, 2018"
DEMO_COMMENT = "Fiche de démonstration"


def _guide(page: int, note: str = "") -> str:
    return f"{GUIDE_2022}, fiche expérience p. {page}{note}"


def _recueil(page: int, note: str = "") -> str:
    return f"{RECUEIL_2018}, p. {page}{note}"


#: The initiatives, keyed by field key of the built-in ``initiative`` form.
INITIATIVES: tuple[dict[str, Any], ...] = (
    # --- Guide « Smart village » (2022): the 15 fiches expériences ---------------------
    {
        "title": "Smart Ruralité",
        "resume": "La Communauté de communes Alpes Provence Verdon transpose la démarche « Smart city » à un territoire "
        "rural de montagne. Portrait de territoire, groupes de travail thématiques puis plan d’actions pluriannuel : "
        "le numérique y sert le tourisme, l’agriculture et l’accès aux services, en misant sur la coopération et la "
        "mutualisation.",
        "porteur": "Communauté de communes Alpes Provence Verdon (CCAPV)",
        "type_porteur": "intercommunalite",
        "territoire": "Alpes Provence Verdon (Alpes-de-Haute-Provence)",
        "echelle": "communaute_communes",
        "departements": ["04"],
        "region": "Provence-Alpes-Côte d’Azur",
        "pays": "FR",
        "population": 11443,
        "annee_lancement": 2018,
        "etat_projet": "en_cours",
        "objectifs": "- Se servir du numérique pour dynamiser l’économie locale\n"
        "- Faciliter la vie quotidienne des habitants grâce au numérique\n"
        "- Conduire une expérience reproductible par d’autres territoires ruraux",
        "contexte": "Encouragée par la Région Sud, la démarche naît en 2018 de la volonté des élus de s’emparer de la "
        "transition numérique et de lui trouver des applications concrètes à la campagne. Le Conseil départemental et "
        "la sous-préfecture l’ont soutenue ; un comité de pilotage réunit l’intercommunalité, l’État, la Région et le "
        "Département.",
        "description": "Pour rassembler les acteurs, l’intercommunalité a mis en place un comité de pilotage, un groupe "
        "projet chargé du suivi et des groupes de travail thématiques. L’agence de développement départementale a "
        "d’abord dressé un portrait du territoire à partir de nombreuses données, en s’attachant aux usages "
        "numériques ; ce portrait a été présenté au public et aux autres intercommunalités du département.\n\n"
        "Quatre groupes de travail ont ensuite formulé des propositions : réseaux fixes et mobiles ; tourisme, "
        "agriculture et économie ; services (santé, mobilité, éducation) ; coopération, mutualisation et innovation. "
        "Trois axes en sont sortis : améliorer l’accès au numérique (connexion, visioconférence, tiers-lieux), "
        "diffuser une culture numérique, notamment par la formation, et construire des outils partagés (plateforme "
        "collaborative, données ouvertes).\n\n"
        "Le plan d’actions 2019-2022 compte une dizaine d’actions rapides à lancer : par exemple une application qui "
        "signale aux randonneurs la présence de troupeaux, des ateliers numériques dans quatre communes et une étude "
        "sur la création de tiers-lieux à l’échelle intercommunale.",
        "gouvernance": "Comité de pilotage (intercommunalité, État, Région, Département), groupe projet de suivi et "
        "groupes de travail thématiques. Un vice-président de l’intercommunalité est chargé de la mobilité et du "
        "numérique.",
        "themes": [
            "accueil_services",
            "agriculture",
            "outils_numeriques",
            "economie",
            "cooperation",
            "recherche_innovation",
            "inclusion",
            "territoire_espace",
        ],
        "public": ["habitants", "touristes"],
        "acteurs_locaux": "GAL Grand Verdon, Conseil de développement, associations culturelles et citoyennes, écoles "
        "et collèges, offices de tourisme, Parc naturel régional du Verdon, stations de ski du Val d’Allos, régie "
        "Secrets de fabriques, réseau des médiathèques.",
        "acteurs_supra": "Conseil départemental ; Conseil régional, avec le Réseau rural régional et ses services ; "
        "SICTIAM (opérateur public de services numériques) ; chambres de métiers, de commerce et d’agriculture ; "
        "ADRETS ; syndicat mixte Sud Très Haut Débit.",
        "partenaires_techniques": "L’agence de développement des Alpes-de-Haute-Provence pour le portrait de "
        "territoire ; l’entreprise Serfim TIC pour l’application de suivi des troupeaux.",
        "moyens_humains": "Deux techniciens de l’intercommunalité pour l’application de suivi des troupeaux ; deux "
        "techniciens et trois intervenants extérieurs pour l’étude sur les tiers-lieux.",
        "budget_total": 30000,
        "financements": "Application de suivi des troupeaux : 30 000 €, financés par l’État (France Relance) pour son "
        "déploiement et le matériel.",
        "moyens_techniques": "Une partie des projets dépend de l’arrivée de la fibre optique.",
        "resultats": "- Un large réseau d’acteurs mobilisé : environ 120 contacts\n"
        "- Un guide méthodologique tiré de l’expérience, « Mener un projet de transformation numérique en zone "
        "rurale », publié en 2020 par le Réseau rural régional Sud",
        "difficultes": "- Peu de mobilisation directe des citoyens\n"
        "- Des acteurs encore absents, notamment les entreprises et acteurs privés, pour un vrai travail partenarial "
        "avec les habitants",
        "facteurs_reussite": "- Une volonté politique forte et durable\n"
        "- Un vice-président chargé de la mobilité et du numérique au sein de l’intercommunalité",
        "points_vigilance": "Dialoguer directement avec la population, et pas seulement avec ses représentants.",
        "recours_tiers_lieu": False,
        "contact_structure": "Communauté de communes Alpes Provence Verdon",
        "contact_adresse": "ZI Les Iscles, 04170 Saint-André-les-Alpes",
        "site_web": "https://reseaurural.maregionsud.fr/chantiers/acces-aux-services-smart-ruralite/smart-ruralite/",
        "licence": "licence_ouverte_2",
        "source": _guide(64),
    },
    {
        "title": "Le Jardin d’Arvieu et les Loco-Motivés",
        "resume": "Face au déclin démographique, la commune d’Arvieu (Aveyron) a fait équipe avec ses habitants pour "
        "imaginer le village de demain. Il en est né l’association Les Loco-Motivés, qui relie producteurs et "
        "consommateurs par des paniers locaux, et le Jardin d’Arvieu, un tiers-lieu qui réunit services aux habitants "
        "et espaces pour les entreprises.",
        "porteur": "Commune d’Arvieu",
        "type_porteur": "commune",
        "territoire": "Arvieu (Aveyron)",
        "echelle": "commune",
        "departements": ["12"],
        "region": "Occitanie",
        "pays": "FR",
        "population": 782,
        "annee_lancement": 2012,
        "etat_projet": "en_cours",
        "objectifs": "- Garder la population et attirer de nouveaux habitants\n"
        "- Accompagner les projets locaux\n"
        "- Attirer, soutenir et accompagner entrepreneurs et entreprises",
        "contexte": "En 2014, la commune perdait des habitants. La nouvelle équipe municipale a choisi de réfléchir "
        "avec la population à l’avenir du village. La démarche a deux dates de départ : 2012 pour l’association Les "
        "Loco-Motivés, créée avant le tiers-lieu, et 2014 pour le Jardin d’Arvieu.",
        "description": "Tout commence par un diagnostic du territoire (atouts, faiblesses, opportunités, menaces), "
        "présenté par une consultante lors d’une réunion publique qui a réuni une centaine de personnes. Un conseil "
        "villageois et des groupes thématiques (petite enfance, accueil des nouveaux arrivants, agriculture, cité "
        "numérique, habitat, santé) ont ensuite travaillé pendant plusieurs années.\n\n"
        "Le tiers-lieu Le Jardin d’Arvieu est issu de ces groupes. Il abrite d’un côté « Le Cantou », au service des "
        "habitants : médiathèque, cyberbase, maison France Services, appui aux associations et programmation "
        "culturelle. De l’autre, un espace pour les entreprises et les porteurs de projets, animé par la SCOP Laëtis, "
        "avec coworking et salles de séminaire et de formation. Un troisième volet, « Le château d’Arvieu », doit "
        "permettre d’héberger des groupes et quelques porteurs de projets résidents.\n\n"
        "L’association Les Loco-Motivés organise de son côté un circuit court entre producteurs et consommateurs, "
        "sous forme de paniers locaux. La commune a reçu le prix « Smart Village 2017 » de Ruralitic, et le Jardin "
        "d’Arvieu, labellisé « Fabrique de territoire », sert de lieu ressource à d’autres porteurs de projets.",
        "themes": [
            "tiers_lieu",
            "accueil_services",
            "economie",
            "agriculture",
            "participation_citoyenne",
            "logement",
            "cooperation",
            "recherche_innovation",
            "quartier_revitalisation",
            "inclusion",
            "environnement",
            "outils_numeriques",
            "alimentation",
            "energie",
            "formation",
        ],
        "public": ["habitants", "nouveaux_arrivants", "entreprises"],
        "acteurs_locaux": "SCOP Laëtis, PETR – syndicat mixte du Lévézou, Communauté de communes Lévézou Pareloup, "
        "commune d’Arvieu, habitants, associations locales.",
        "acteurs_supra": "Région Occitanie, Département de l’Aveyron, État, réseau France Tiers-Lieux, réseau des "
        "Fabriques de territoire.",
        "partenaires_techniques": "SCOP Laëtis ; services de la commune et de la Communauté de communes Lévézou "
        "Pareloup.",
        "moyens_humains": "Les Loco-Motivés : deux salariés (1,6 ETP), une cinquantaine de producteurs et cinq à six "
        "bénévoles actifs. Le Jardin d’Arvieu : 1 ETP d’animation (SCOP Laëtis), 2,5 ETP pour Le Cantou, une "
        "vingtaine de bénévoles et d’usagers impliqués, et ponctuellement la secrétaire de mairie pour monter les "
        "dossiers.",
        "budget_total": 115000,
        "financements": "Budget total des Loco-Motivés : 115 000 €. Les paniers (composition, fonctionnement, "
        "distribution) sont autofinancés à 100 %, pour 89 000 €. Les missions menées dans le projet alimentaire "
        "territorial intercommunal, soit 26 000 € de dépenses, sont subventionnées à 80 % (22 000 € via le projet "
        "alimentaire territorial porté par le PNR des Grands Causses).",
        "moyens_techniques": "Agenda partagé entre Le Cantou, la mairie et la SCOP ; catalogue de la médiathèque en "
        "ligne ; réseaux sociaux pour la programmation culturelle ; sites internet.",
        "resultats": "- Création des Loco-Motivés et de leurs paniers de producteurs locaux\n"
        "- Le prix Ruralitic a donné de la visibilité au projet et aidé à convaincre, y compris localement\n"
        "- Installation de nouveaux habitants\n"
        "- Un sentiment d’appartenance au village, positif et valorisant",
        "difficultes": "- Il faut beaucoup de temps pour faire reconnaître, valoriser et labelliser un tel projet\n"
        "- La participation demande de changer en profondeur les façons de faire et d’être",
        "facteurs_reussite": "- Des élus qui comprennent la démarche, s’engagent et prennent des risques\n"
        "- Un maillage public-privé pour trouver des intérêts et des terrains communs\n"
        "- Une vie associative et culturelle forte, qui attire de nouveaux habitants",
        "points_vigilance": "- Soigner le lien entre nouveaux arrivants et habitants de longue date\n"
        "- Confier l’animation dans la durée à des professionnels et repérer les personnes qui font le lien",
        "prochaines_etapes": "À l’étude : un atelier partagé de type fablab, un campus villageois pour "
        "l’expérimentation et la formation, et un dispositif d’accélération pour les porteurs de projets bas carbone.",
        "recours_tiers_lieu": True,
        "contact_structure": "Le Jardin d’Arvieu",
        "contact_adresse": "Place de l’église, 12120 Arvieu",
        "site_web": "https://lejardin.arvieu.fr/",
        "autres_liens": "https://paniers.loco-motives.fr/\nhttps://www.youtube.com/watch?v=Ts_NYihPcnc",
        "licence": "licence_ouverte_2",
        "source": _guide(68),
    },
    {
        "title": "Le durable a son village",
        "resume": "À Ayen, en Corrèze, la commune a lancé un covoiturage de proximité pour les petits trajets du "
        "quotidien. Les passagers paient les conducteurs en Y’ACA, une monnaie locale que ceux-ci dépensent ensuite "
        "chez les commerçants du coin : moins de voitures vides, moins de frais, et un coup de pouce à l’économie "
        "locale.",
        "porteur": "Commune d’Ayen",
        "type_porteur": "commune",
        "territoire": "Ayen et sept communes voisines (Corrèze)",
        "echelle": "commune",
        "departements": ["19"],
        "region": "Nouvelle-Aquitaine",
        "pays": "FR",
        "population": 708,
        "annee_lancement": 2014,
        "etat_projet": "en_cours",
        "objectifs": "- Réduire le coût financier et écologique des déplacements à la campagne\n"
        "- Soutenir l’économie et les commerces locaux\n"
        "- Redynamiser le territoire par l’entraide",
        "contexte": "Comme ailleurs à la campagne, les transports collectifs ont reculé autour d’Ayen tandis que les "
        "services s’éloignaient. Dès 2014, les élus, emmenés par un adjoint très investi dans le développement "
        "durable, ont réfléchi à un covoiturage de proximité pour les habitants.",
        "description": "En 2016 ouvre la Maison du développement durable et des associations, gérée par le collectif "
        "« Vivre Ensemble Durablement ». Elle fédère les associations du village et sensibilise habitants et "
        "scolaires à l’environnement : familles à énergie positive, grainothèque, ateliers de bricolage "
        "parents-enfants, ciné-petits déjeuners…\n\n"
        "Le covoiturage a d’abord été géré depuis cette maison, puis confié à la maison France Services d’Ayen, plus "
        "fréquentée, en partenariat avec la fédération ECOSYST’M. Les habitants des huit communes adhérentes "
        "s’inscrivent en signant une charte. Ils achètent un carnet de Y’ACA et paient les conducteurs, repérables à "
        "un macaron sur le pare-brise, à raison de 5 centimes par kilomètre ; c’est France Services qui les met en "
        "relation. Les conducteurs dépensent ensuite leurs Y’ACA dans les commerces affiliés.",
        "themes": ["mobilite", "economie", "accueil_services", "inclusion", "environnement"],
        "public": ["habitants"],
        "acteurs_locaux": "Les 18 associations du collectif « Vivre Ensemble Durablement », 22 commerçants et les sept "
        "autres communes adhérentes.",
        "acteurs_supra": "Fédération ECOSYST’M, SNCF.",
        "partenaires_techniques": "Fédération ECOSYST’M.",
        "moyens_humains": "Au départ, un volontaire en service civique rémunéré par la commune ; aujourd’hui, deux ETP "
        "de la maison France Services et les secrétaires de mairie des autres communes.",
        "budget_total": 1500,
        "financements": "Impression des premiers carnets de monnaie locale : 1 500 €, financés par SNCF "
        "Nouvelle-Aquitaine.",
        "moyens_techniques": "Applications de covoiturage IDVroom (filiale de la SNCF), puis Klaxit.",
        "resultats": "Jusqu’à 79 personnes, conducteurs et passagers, ont utilisé le covoiturage.",
        "difficultes": "La crise sanitaire du Covid-19 a freiné le dispositif.",
        "facteurs_reussite": "- L’engagement d’un adjoint au maire sur le développement durable\n"
        "- Des rencontres avec les communes voisines pour faire connaître le dispositif\n"
        "- Des labels qui ont fait connaître la démarche",
        "points_vigilance": "- Faire porter le projet aussi par les associations et les habitants, pour qu’il ne "
        "dépende pas des seuls élus\n"
        "- Ne pas sous-estimer l’effort de communication",
        "recours_tiers_lieu": False,
        "contact_structure": "Mairie d’Ayen",
        "contact_adresse": "28 rue des Écoles, 19310 Ayen",
        "site_web": "http://www.ayen.fr/categories-article/5/developpement-durable/fiche/33/"
        "ecosystm-covoiturage-de-proximite.html",
        "autres_liens": "https://www.ecosystm.fr/",
        "licence": "licence_ouverte_2",
        "source": _guide(72),
    },
    {
        "title": "Café Lib’",
        "resume": "Dans l’ancienne école de Bourrou, en Dordogne, le Café Lib’ est un lieu de rencontre ouvert aux "
        "habitants du village et des environs. Porté par la commune et animé par l’association l’Ambassade, il réunit "
        "café associatif, coworking, librairie de livres neufs et d’occasion, et une programmation de conférences, "
        "débats, ateliers et concerts.",
        "porteur": "Commune de Bourrou, avec l’association l’Ambassade",
        "type_porteur": "commune",
        "territoire": "Bourrou (Dordogne), entre Périgueux et Bergerac",
        "echelle": "commune",
        "departements": ["24"],
        "region": "Nouvelle-Aquitaine",
        "pays": "FR",
        "population": 126,
        "annee_lancement": 2014,
        "etat_projet": "en_cours",
        "objectifs": "- Valoriser les productions, les savoir-faire et la culture locales et régionales\n"
        "- Faciliter l’accueil et l’intégration des nouveaux arrivants\n"
        "- Créer du lien social par des conférences, débats, ateliers, concerts et événements culturels",
        "contexte": "Les habitants de Bourrou et des alentours souhaitaient un lieu pour se retrouver et échanger. Des "
        "événements alternatifs organisés dès 2010 ont nourri la réflexion et conduit à créer l’association "
        "l’Ambassade pour porter le projet.",
        "description": "Le café associatif démarre en 2014 dans l’ancienne école. Pour le pérenniser, il fallait "
        "mettre les locaux aux normes : en 2016, la municipalité confie une étude de faisabilité à l’Agence technique "
        "départementale de la Dordogne, qui sert aussi à monter les demandes de subventions. Les travaux, commencés "
        "en septembre 2019, s’achèvent en janvier 2021, retardés par la pandémie.\n\n"
        "Depuis février 2021, la commune prête gratuitement les locaux à l’Ambassade par convention ; l’association "
        "assume les charges de fonctionnement. Le lieu compte un bar ouvert pendant les animations et une salle de "
        "formation qui sert aussi de salle de concert et d’école de musique. Ateliers, forums, conférences, "
        "ciné-débats, concerts et pièces de théâtre s’adressent à tous les âges. Le lieu fait aussi espace de "
        "coworking, et un conseiller numérique y vient ponctuellement former ceux qui le souhaitent.",
        "themes": [
            "tiers_lieu",
            "culture",
            "economie",
            "participation_citoyenne",
            "accueil_services",
            "inclusion",
            "alimentation",
        ],
        "public": ["habitants", "nouveaux_arrivants"],
        "acteurs_locaux": "L’association l’Ambassade et des acteurs culturels du Périgord (Cube Cirque de l’Agora de "
        "Boulazac, Sans Réserve, théâtre de l’Odyssée de Périgueux, CRAC), la Ligue pour la protection des oiseaux, "
        "la Fédération française de randonnée pédestre.",
        "acteurs_supra": "Union européenne, État, Région, Département, Communauté d’agglomération du Grand Périgueux.",
        "partenaires_techniques": "Un cabinet d’architectes pour l’ingénierie, le permis de construire, l’appel "
        "d’offres et le suivi des travaux.",
        "moyens_humains": "Un poste à mi-temps (20 heures par semaine) pour l’administration, la programmation et "
        "l’occupation du lieu ; un professeur de musique, indépendant du café.",
        "budget_total": 301000,
        "financements": "Coût total : 301 000 € HT, dont 200 700 € HT d’aides. Rénovation : commune, État, "
        "Agglomération du Grand Périgueux, Département. Cuisine et sonorisation : prix du budget participatif du "
        "Conseil départemental en 2020 (17 000 €). Son et lumière : FEADER (programme LEADER). Montage, "
        "fonctionnement et programmation : Région (appels « Tiers-lieu » et « lieux culturels de proximité »), "
        "convention culturelle avec le Département, État (FDVA et contrat Parcours emploi compétences), commune et "
        "prêt de France Active.",
        "moyens_techniques": "Accès à internet par box, en attendant la fibre.",
        "resultats": "- Une large couverture médiatique, signe de l’intérêt suscité\n"
        "- L’arrivée de nouveaux habitants dans la commune",
        "difficultes": "La crise sanitaire a limité le fonctionnement du café.",
        "facteurs_reussite": "- Un lieu au cœur du village, facile d’accès\n"
        "- Une position favorable entre Périgueux et Bergerac",
        "points_vigilance": "- Vérifier dès le départ que les partenaires ont envie de s’impliquer\n"
        "- Veiller à l’investissement des bénévoles et à leur capacité à présenter le projet, à en être les "
        "ambassadeurs",
        "prochaines_etapes": "Installer d’autres projets, compatibles entre eux, dans un ensemble de bâtiments "
        "communaux désaffectés, avec l’appui d’un bureau d’études.",
        "recours_tiers_lieu": True,
        "contact_structure": "Association l’Ambassade",
        "site_web": "https://lecafelib.jimdo.com/",
        "licence": "licence_ouverte_2",
        "source": _guide(76),
    },
    {
        "title": "Saulnois Innovation",
        "resume": "Après le départ de son régiment en 2011, Dieuze (Moselle) a parié sur l’innovation pour se "
        "revitaliser. La ville a créé un tiers-lieu « fab living lab » qui met en réseau des plateformes "
        "collaboratives thématiques — agriculture et alimentation, énergie, fabrication additive, aquaculture, "
        "numérique — en lien étroit avec l’université et la recherche.",
        "porteur": "Ville de Dieuze et association Saulnois Innovation",
        "type_porteur": "commune",
        "territoire": "Dieuze et Communauté de communes du Saulnois (Moselle)",
        "echelle": "commune",
        "departements": ["57"],
        "region": "Grand Est",
        "pays": "FR",
        "population": 2868,
        "annee_lancement": 2011,
        "etat_projet": "en_cours",
        "objectifs": "- Développer une culture de l’innovation par la formation et l’éducation, dès le plus jeune âge\n"
        "- Accueillir, accompagner et mettre en réseau les innovateurs\n"
        "- Expérimenter une économie collaborative qui réponde aux enjeux du développement durable et des "
        "transitions",
        "contexte": "Petite ville rurale déjà touchée par des fermetures d’entreprises, Dieuze a perdu en 2011 son "
        "régiment de dragons parachutistes, soit environ un millier d’habitants jeunes, au détriment du commerce et "
        "des services. La même année, dans le cadre d’un contrat de redynamisation de site de défense (CRSD), la "
        "commune a lancé une étude de revitalisation économique et sociale à l’échelle de son bassin de vie. "
        "Conclusion : accueillir des résidents entrepreneurs et miser sur l’innovation économique et sociale, en "
        "valorisant les ressources du territoire (humaines, économiques, éducatives, naturelles, agricoles, "
        "industrielles).",
        "description": "Un pôle d’appui aux innovations technologiques a d’abord été installé, puis une étude de "
        "faisabilité participative menée en 2014 a dégagé trois axes : la culture de l’innovation, "
        "l’accompagnement des innovateurs et une stratégie économique collaborative à l’échelle du territoire.\n\n"
        "Un comité stratégique réunit les partenaires sur la base de conventions (Université de Lorraine et son "
        "laboratoire ERPI, chambre d’agriculture de Moselle, start-up Open Edge, unité de méthanisation locale…). "
        "Cinq plateformes collaboratives ont été créées : transition agronomique et alimentation ; transition "
        "énergétique et bioraffinerie ; fabrication additive et procédés numériques ; aquaculture durable ; "
        "transition numérique (culture et mobilité). Une sixième, consacrée à la santé, est en préparation.\n\n"
        "Ces plateformes sont reliées par le tiers-lieu « Comptoir des innovateurs de Moselle Est et Sud » (CIMES). "
        "L’association Saulnois Innovation coordonne l’ensemble ; Open Edge, start-up locale de recherche et de "
        "formation spécialisée dans les imprimantes 3D, anime le fab living lab. On y conçoit des procédés pour des "
        "entrepreneurs, on y découvre les nouvelles technologies et on s’y forme ; des activités sont proposées aux "
        "habitants, aux centres de loisirs, aux écoles et aux lycées du secteur.",
        "gouvernance": "Un comité stratégique multi-acteurs fondé sur des conventions de partenariat ; la coordination "
        "par l’association Saulnois Innovation ; l’animation du fab living lab par Open Edge, en réseau avec le "
        "Lorraine Fab Living Lab de l’université.",
        "themes": [
            "tiers_lieu",
            "cooperation",
            "recherche_innovation",
            "quartier_revitalisation",
            "economie",
            "accueil_services",
            "inclusion",
            "environnement",
            "mobilite",
            "agriculture",
            "energie",
            "outils_numeriques",
            "alimentation",
        ],
        "public": ["habitants", "entreprises", "associations", "jeunes"],
        "acteurs_locaux": "Associations, établissements scolaires et périscolaires, industriels, agriculteurs, PME, "
        "aquaculteurs, établissements de santé et élus du territoire élargi.",
        "acteurs_supra": "Région Grand Est, Université de Lorraine (ERPI, URAFPA, Lorraine Fab Living Lab), État, "
        "chambre d’agriculture de Moselle, Département de la Moselle, Association de production animale du Grand "
        "Est.",
        "partenaires_techniques": "Fondateurs : Ville de Dieuze, ERPI – Université de Lorraine, Open Edge. Partenaires "
        "opérationnels : URAFPA, Méthanisation Seille Environnement, chambre d’agriculture de Moselle. En appui : le "
        "Lorraine Fab Living Lab et le Club des entrepreneurs pour l’innovation.",
        "moyens_humains": "Un chef de projet expert pour la direction et la coordination ; 1 ETP d’animation du fab "
        "living lab (Open Edge) ; secrétariat et reprographie ; un stagiaire de master 2 chaque année.",
        "budget_total": 266000,
        "financements": "Fab living lab : 200 000 € d’équipements et 66 000 € d’aménagements, financés à 70 % par "
        "l’État, le FEDER et la Région Grand Est. Les formations d’Open Edge s’inscrivent notamment dans un "
        "dispositif régional de reconversion.",
        "moyens_techniques": "Des locaux dédiés à l’innovation, issus du CRSD, prêtés par convention ; un important "
        "parc de machines professionnelles et grand public acheté par la ville.",
        "resultats": "- Un tiers-lieu fab lab richement équipé\n"
        "- Trois start-up créées : Open Edge, Alchimies, SOLéHO\n"
        "- Plus de dix projets accompagnés (plateforme numérique pour marchés innovants, alimentation "
        "territoriale…)",
        "difficultes": "Remobiliser les partenaires institutionnels après la nouvelle répartition des compétences entre "
        "ville et intercommunalité (loi NOTRe).",
        "facteurs_reussite": "- Un ancrage à plusieurs échelles : Dieuze et le Saulnois comme terrain d’expérimentation, "
        "la Moselle Est et Sud pour mutualiser\n"
        "- Des partenariats formalisés\n"
        "- Décloisonner : faire travailler ensemble des mondes qui se côtoient peu",
        "points_vigilance": "- Tenir compte de l’écosystème local pour ne pas mener un projet « hors sol »\n"
        "- Mutualiser l’ingénierie de projet\n"
        "- Équilibrer le rôle d’animation des élus et la place laissée aux partenaires privés et aux habitants",
        "prochaines_etapes": "Une plateforme consacrée à la santé, avec par exemple des mallettes e-santé.",
        "recours_tiers_lieu": True,
        "contact_structure": "Tiers-lieu du Saulnois",
        "contact_adresse": "137 rue Princesse Alix Napoléon, 57260 Dieuze",
        "licence": "licence_ouverte_2",
        "source": _guide(80),
    },
    {
        "title": "Metha-Kuwano",
        "resume": "Sur le territoire de Kuwano, 400 hectares à Kourou (Guyane), une association amérindienne prépare "
        "une unité de méthanisation qui transformera des déchets organiques en électricité pour tout le village. Le "
        "projet veut créer des emplois durables, notamment agricoles, et faire revivre des savoirs traditionnels, "
        "dans le respect de l’environnement et des populations autochtones.",
        "porteur": "Association Teleuyu (communauté amérindienne du territoire de Kuwano)",
        "type_porteur": "association",
        "territoire": "Territoire de Kuwano, Kourou (Guyane)",
        "echelle": "commune",
        "departements": ["973"],
        "region": "Collectivité territoriale de Guyane",
        "pays": "FR",
        "population": 24959,
        "annee_lancement": 2018,
        "etat_projet": "en_preparation",
        "objectifs": "- Créer des emplois durables\n"
        "- Produire une énergie vertueuse, respectueuse de l’environnement et des populations autochtones",
        "contexte": "Le projet est né de la décision des adhérents de l’association amérindienne et de l’équipe du "
        "chef coutumier : développer le territoire en y installant une activité économique et sociale.",
        "description": "La méthanisation fait fermenter de la matière organique pour produire du biogaz : elle réduit "
        "les déchets tout en fournissant une énergie renouvelable. L’unité prévue fonctionnera par voie sèche, à "
        "partir de déchets solides, une technique adaptée aux petites surfaces comme les parcelles agricoles de "
        "Kuwano.\n\n"
        "L’usine doit fournir l’électricité de tout le village et créer des emplois, notamment agricoles, en "
        "redonnant vie à des savoirs amérindiens oubliés. Douze familles adhèrent aujourd’hui au projet ; 25 "
        "pourraient être concernées à moyen terme, et jusqu’à 250 à long terme. Les premières recettes "
        "financeraient ensuite d’autres projets : l’arrivée de l’eau au village, le tourisme et une école.",
        "themes": [
            "energie",
            "agriculture",
            "economie",
            "participation_citoyenne",
            "cooperation",
            "recherche_innovation",
            "accueil_services",
            "quartier_revitalisation",
            "inclusion",
            "environnement",
        ],
        "public": ["habitants"],
        "acteurs_locaux": "La communauté amérindienne, des entreprises locales, Pôle emploi, le centre de formation "
        "des apprentis.",
        "acteurs_supra": "Préfecture de Guyane, État via l’ADEME, Collectivité territoriale de Guyane.",
        "partenaires_techniques": "Antea Group, bureau d’études agréé « Métha qualité » ; l’association Melting Prod "
        "International pour la communication.",
        "moyens_humains": "70 bénévoles, qui participent aussi au recyclage des déchets ; 15 emplois prévus au "
        "démarrage (10 agriculteurs et 5 personnes à l’usine) ; 15 adhérents à l’association.",
        "budget_total": 3000000,
        "financements": "Coût global : 3 millions d’euros. FEADER : 352 000 € pour préparer les sols ; FEDER : "
        "2 millions d’euros ; FSE ; ADEME : 400 000 € pour les travaux ; Collectivité territoriale de Guyane : "
        "70 000 € pour l’étude de faisabilité. Pendant trois ans, le projet fonctionnera avec des chantiers "
        "d’insertion, puis devra s’équilibrer par la vente de canne à sucre et d’engrais. Des partenariats sont à "
        "l’étude, notamment avec le Centre spatial guyanais, qui pourrait fournir des déchets en échange de "
        "produits agricoles.",
        "moyens_techniques": "Un outil de production innovant : le biogaz modulable.",
        "resultats": "La démarche est encore en préparation.",
        "difficultes": "Aucune difficulté notable signalée.",
        "facteurs_reussite": "- L’inscription dans la programmation pluriannuelle de l’énergie de la Guyane, en "
        "préparation\n"
        "- Un contexte favorable après la COP26, qui a mis en avant la méthanisation",
        "points_vigilance": "- Convaincre les partenaires et obtenir leur adhésion\n"
        "- Respecter un protocole de développement propre à la Guyane, qui allonge les délais (au moins deux ans de "
        "préparation)",
        "recours_tiers_lieu": False,
        "contact_structure": "Collectivité territoriale de Guyane",
        "contact_adresse": "110 avenue Gaston Monerville, 97310 Kourou",
        "licence": "licence_ouverte_2",
        "source": _guide(84, " (la fiche n’indique pas de département)"),
    },
    {
        "title": "L’électromobilité partagée (Kergo)",
        "resume": "Au Juch, dans le Finistère, la commune a mis deux voitures électriques en autopartage, réservables "
        "sur une plateforme en ligne. Dans un village sans transport en commun, le service aide jeunes, retraités ou "
        "personnes sans voiture à se déplacer à moindre coût, tout en faisant évoluer les habitudes vers une "
        "mobilité moins carbonée.",
        "porteur": "Commune du Juch",
        "type_porteur": "commune",
        "territoire": "Le Juch (Finistère), Douarnenez Communauté",
        "echelle": "commune",
        "departements": ["29"],
        "region": "Bretagne",
        "pays": "FR",
        "population": 723,
        "annee_lancement": 2020,
        "etat_projet": "en_cours",
        "objectifs": "- Offrir une alternative à l’usage solitaire de la voiture à la campagne\n"
        "- Proposer un moyen de déplacement peu coûteux et peu carboné\n"
        "- Amorcer un changement dans la façon de se déplacer",
        "contexte": "Le maire voulait un service pour les jeunes, les ménages modestes et les personnes sans véhicule, "
        "dans une commune privée de transport en commun. Il avait repéré dès 2014, au Salon des maires, une solution "
        "d’autopartage de voitures électriques déjà adoptée par des communes rurales, notamment dans l’Orne ; "
        "d’autres prestataires ne savaient pas s’adapter aux petites communes. En 2019, un appel à manifestation "
        "d’intérêt de la Région Bretagne pour la redynamisation des centres-bourgs a permis de financer l’achat des "
        "véhicules.",
        "description": "Les deux voitures achetées en 2020 et la plateforme de réservation ont permis de lancer le "
        "service en janvier 2021. D’abord géré par la commune, il a été transféré en juillet 2021 à la communauté de "
        "communes, devenue compétente pour la mobilité. Les voitures se rechargent sur des bornes installées quelques "
        "années plus tôt par le syndicat départemental d’énergie du Finistère, jusque-là peu utilisées.\n\n"
        "L’usager s’inscrit au moins deux jours avant sa première utilisation, réserve sur la plateforme (aussi sur "
        "smartphone) et reçoit un code qui ouvre le boîtier à clés ; au retour, il rebranche la voiture sur la borne. "
        "Le service sert aussi bien un couple de retraités qui n’a qu’une voiture qu’un jeune conducteur ou un "
        "patient qui doit faire l’aller-retour à l’hôpital de Brest dans la journée. Les habitants de Douarnenez "
        "Communauté paient un tarif préférentiel, de 8 € pour 6 heures à 20 € pour 24 heures ; certains viennent "
        "encore en mairie pour se faire aider à réserver.\n\n"
        "Le prestataire gère réservations et paiements et reverse les recettes à la commune, frais de service "
        "déduits ; la commune paie l’abonnement à la plateforme et un coût de gestion. Il faudrait au moins trois "
        "utilisations par jour pour équilibrer le service.",
        "themes": ["mobilite", "outils_numeriques", "accueil_services"],
        "public": ["habitants", "jeunes", "seniors"],
        "acteurs_supra": "Douarnenez Communauté, Région Bretagne, BRUDED (réseau de 240 collectivités de Bretagne et de "
        "Loire-Atlantique engagées pour un développement durable et solidaire).",
        "partenaires_techniques": "Le prestataire d’autopartage Clem’.",
        "moyens_humains": "Un agent communal, une à deux heures par semaine, pour nettoyer et vérifier les véhicules "
        "et les bornes.",
        "budget_total": 39000,
        "financements": "Investissement (véhicules et équipements) : 39 000 €, dont 27 300 € (70 %) de la Région "
        "Bretagne et 9 700 € d’autofinancement communal. Fonctionnement (abonnement, gestion, assurance, "
        "électricité) : 6 000 € par an. Le service reste déficitaire en attendant de monter en charge, comme la "
        "plupart des services de mobilité, qui ont besoin d’un soutien public pour durer.",
        "moyens_techniques": "Une plateforme de réservation en ligne.",
        "resultats": "45 utilisateurs, dont 10 réguliers (plusieurs fois par semaine).",
        "difficultes": "Malgré la presse et la télévision, le service reste méconnu dans une partie des communes de "
        "l’intercommunalité.",
        "facteurs_reussite": "- Le label « développement durable » de la Région Bretagne\n"
        "- Les voitures servent aussi de véhicules de service aux agents communaux, ce qui optimise leur usage",
        "points_vigilance": "- Organiser une présentation publique pour faire connaître le service, montrer l’outil de "
        "réservation et inscrire les futurs usagers\n"
        "- Vérifier régulièrement les équipements pour repérer les pannes\n"
        "- Démarrer avec au moins deux véhicules, pour ne pas décourager les premiers usagers si le premier est déjà "
        "pris",
        "prochaines_etapes": "Ouvrir le service aux touristes, notamment aux camping-caristes de passage, et aller vers "
        "une offre multimodale qui intégrerait des vélos électriques.",
        "recours_tiers_lieu": False,
        "contact_structure": "Mairie du Juch",
        "contact_adresse": "5 rue Louis Tymen, 29100 Le Juch",
        "site_web": "http://www.lejuch.fr/kergo/",
        "licence": "licence_ouverte_2",
        "source": _guide(88),
    },
    {
        "title": "Petite ville du futur",
        "resume": "À Lormes, dans la Nièvre, la municipalité imagine avec les habitants l’avenir du bourg. Dans le "
        "cadre des « villages du futur » du Pays Nivernais Morvan, elle a testé de nombreuses actions simples et peu "
        "coûteuses — commerce, aménagement, mobilité, énergie — avant d’engager des investissements plus lourds, et "
        "a renforcé l’attractivité de la commune.",
        "porteur": "Commune de Lormes",
        "type_porteur": "commune",
        "territoire": "Lormes (Nièvre), Pays Nivernais Morvan",
        "echelle": "commune",
        "departements": ["58"],
        "region": "Bourgogne-Franche-Comté",
        "pays": "FR",
        "population": 1280,
        "annee_lancement": 2016,
        "etat_projet": "en_cours",
        "objectifs": "- Encourager l’activité économique pour redynamiser le centre et ses commerces\n"
        "- Veiller au « bien vivre ensemble »\n"
        "- Améliorer le cadre de vie pour attirer et garder de nouveaux habitants",
        "contexte": "Depuis vingt ans, les élus des dix communes de l’ancien canton de Lormes ont l’habitude de la "
        "concertation, notamment au sein d’une association locale, le Comité de développement (santé, routes…). En "
        "2016, ils ont donc accepté une étude de redynamisation financée à 80 % par le Pays Nivernais Morvan. Avec une "
        "équipe pluridisciplinaire (architectes, urbanistes, sociologues…), municipalité et habitants ont bâti "
        "ensemble un plan de développement à dix ans.",
        "description": "Pour toucher le plus d’habitants possible, la municipalité a greffé les rencontres sur des "
        "événements associatifs (un rendez-vous de l’association de musique attire enfants et parents) et en a "
        "organisé dans les hameaux, en s’appuyant sur les voisins. Une pièce de théâtre participative, jouée en "
        "saynètes par des habitants dans des lieux insolites, a fait travailler la mémoire du village et mêlé des "
        "publics qui ne se croisaient pas.\n\n"
        "Trois scénarios de développement ont d’abord été imaginés, chacun défendu par un habitant ambassadeur : une "
        "ville linéaire qui s’étire, une ville en grappes autour de pôles, une ville éco-durable sans voiture. Sans "
        "parler budget à ce stade, pour ne pas brider les idées. Un plan mêlant les trois, la « douce ville », en est "
        "sorti, avec des actions rapides et peu coûteuses :\n\n"
        "- un chantier participatif pour repeindre en un week-end les volets d’une rue mal aimée, reproduit ensuite "
        "ailleurs ;\n"
        "- une « boutique à l’essai » : un local vacant rénové, prêté gratuitement et pour une durée limitée à un "
        "porteur de projet qui teste son commerce avant de s’installer ailleurs ;\n"
        "- une aide à la rénovation des vitrines commerciales, au nom de l’attractivité du centre-bourg ;\n"
        "- une calèche pour conduire les enfants de l’école à la cantine.\n\n"
        "C’est seulement après ces essais que la commune a établi un plan d’investissement plus ambitieux. À l’étude : "
        "une « maison de retraite du futur » ouverte sur l’extérieur (activités culturelles, atelier de "
        "transformation alimentaire, micro-brasserie…), qui deviendrait à terme un tiers-lieu.",
        "themes": [
            "logement",
            "mobilite",
            "quartier_revitalisation",
            "tiers_lieu",
            "participation_citoyenne",
            "economie",
            "energie",
            "cooperation",
            "recherche_innovation",
            "accueil_services",
            "inclusion",
            "agriculture",
            "territoire_espace",
            "outils_numeriques",
            "environnement",
            "foret",
            "alimentation",
        ],
        "public": ["habitants"],
        "acteurs_locaux": "Associations locales, Fédération des œuvres laïques (qui gère l’ESAT de Lormes), hôpital pour "
        "le projet d’EHPAD.",
        "acteurs_supra": "Communauté de communes Morvan Sommets et Grands Lacs, Pays Nivernais Morvan, Parc naturel "
        "régional du Morvan (développement durable, alimentation, forêt), Département de la Nièvre, Région "
        "Bourgogne-Franche-Comté (investissements).",
        "partenaires_techniques": "Un atelier d’architecture, un bureau de paysagistes et une société spécialisée dans "
        "le commerce.",
        "moyens_humains": "Deux personnes à temps partiel au démarrage ; le plan d’actions a ensuite permis de financer "
        "de l’ingénierie (label « Petites villes de demain ») : 3,5 ETP aujourd’hui.",
        "budget_total": 31500,
        "financements": "Étude « Petite ville du futur » : 31 500 €, financés à 80 % par le Pays Nivernais Morvan "
        "(FNADT et LEADER) et à 20 % par la commune.",
        "resultats": "- 40 % des habitants ont participé à la démarche\n"
        "- Une meilleure estime de soi chez les habitants, fiers de vivre à Lormes",
        "difficultes": "Intéresser les habitants qui ne se sentaient pas légitimes sur les sujets abordés, ou mal à "
        "l’aise en réunion.",
        "facteurs_reussite": "- Beaucoup de communication pour désacraliser la démarche, en s’appuyant sur des "
        "événements existants, voire festifs, et sur les réseaux sociaux\n"
        "- La mise en cohérence avec d’autres projets (par exemple « Territoire zéro chômeur de longue durée »), qui "
        "fait gagner du temps et de l’argent\n"
        "- Ouvrir la décision en amont, et ne chercher les financements qu’ensuite",
        "points_vigilance": "- Rester proche de l’équipe d’experts, qui ne doit ni se poser en « sachant » ni copier un "
        "dispositif venu d’ailleurs\n"
        "- Garder le contact direct avec les habitants : une plateforme numérique n’est qu’un complément",
        "recours_tiers_lieu": True,
        "contact_structure": "Mairie de Lormes",
        "contact_adresse": "1 place François Mitterrand, 58140 Lormes",
        "site_web": "https://lormespetitevilledufutur.fr/category/lormes-demain/",
        "licence": "licence_ouverte_2",
        "source": _guide(92, " ; entretiens p. 124"),
    },
    {
        "title": "La Fruitière numérique",
        "resume": "Dans une ancienne coopérative fruitière rachetée par la commune, La Fruitière numérique est un "
        "tiers-lieu de 3 000 m² au pied du Luberon. On y trouve un espace numérique avec ateliers et dépannage, du "
        "coworking, des machines de fabrication numérique pour accompagner les porteurs de projets, un marché de "
        "producteurs et des événements autour du numérique et de l’innovation.",
        "porteur": "Commune de Lourmarin, avec la SPL La Fruitière numérique",
        "type_porteur": "commune",
        "territoire": "Lourmarin (Vaucluse) et son bassin de vie",
        "echelle": "commune",
        "departements": ["84"],
        "region": "Provence-Alpes-Côte d’Azur",
        "pays": "FR",
        "population": 1043,
        "annee_lancement": 2015,
        "etat_projet": "en_cours",
        "objectifs": "- Équilibrer les saisons et développer des activités toute l’année\n"
        "- Expliquer les enjeux du numérique et en diffuser les usages\n"
        "- Accompagner les porteurs de projets du territoire",
        "contexte": "Le bâtiment abritait une coopérative de fruits et légumes, fermée en 1995 et mise en vente en "
        "2009-2010. Pour éviter qu’un promoteur ne s’en empare, le maire de l’époque a proposé que la commune le "
        "rachète, sans projet arrêté. Plusieurs constats ont orienté la suite : une population vieillissante, une vie "
        "quotidienne de plus en plus numérique, et une fréquentation touristique forte l’été mais creuse en "
        "arrière-saison.",
        "description": "Un comité de réflexion réunissant de nombreux acteurs a fait émerger trois idées : un tourisme "
        "toute l’année, l’accompagnement aux usages du numérique et l’aide aux porteurs de projets. Elles se sont "
        "traduites en actions concrètes :\n\n"
        "- un marché de producteurs locaux, chaque mardi ;\n"
        "- un espace numérique : dépannage, renseignements, accompagnement aux outils, accès libre à internet ;\n"
        "- l’accompagnement de porteurs de projets (entreprises, artisans, artistes, scolaires) et l’aide à la "
        "conception, au prototypage et à la fabrication d’objets avec des machines à commande numérique (imprimante "
        "3D, découpe laser…) ;\n"
        "- l’accueil toute l’année d’entreprises et d’événements culturels ouverts à tous.\n\n"
        "Labellisé « Fabrique de territoire » et membre du réseau régional Sud Tiers-Lieux, le lieu forme aussi "
        "d’autres porteurs de projets au montage de tiers-lieux. D’autres projets sont en cours, comme un éclairage "
        "public en LED connectées. Une vitrine des possibles dans un village d’un millier d’habitants.",
        "gouvernance": "Le tiers-lieu est géré par une société publique locale (SPL) dont les communes de Lourmarin, "
        "Puyvert et Vaugines sont actionnaires.",
        "themes": [
            "tiers_lieu",
            "outils_numeriques",
            "economie",
            "cooperation",
            "recherche_innovation",
            "accueil_services",
            "quartier_revitalisation",
            "inclusion",
            "agriculture",
            "alimentation",
        ],
        "public": ["habitants", "entreprises", "touristes"],
        "acteurs_locaux": "Les trois communes porteuses, les usagers, l’école, la médiathèque, des associations "
        "culturelles (festival, salon du voyage, street art, promotion des vins du Luberon, école de musique, cafés "
        "philo), les restaurateurs et hôteliers du village.",
        "acteurs_supra": "Région Sud, Département de Vaucluse, DRAC ; historiquement, le réseau French Tech d’Avignon, "
        "le réseau Culture science PACA, le réseau Sud Tiers-Lieux et un réseau régional d’événementiel.",
        "moyens_humains": "Trois salariés (3 ETP), un agent mis à disposition par la mairie (1 ETP) et un volontaire en "
        "service civique international depuis 2022. Pas de bénévoles, mais les coworkers participent activement à "
        "la vie collective.",
        "budget_total": 5200000,
        "financements": "Budget total : 5,2 millions d’euros (investissement et fonctionnement), dont 3 millions de la "
        "commune de Lourmarin et 2,2 millions de l’État, de la Région Sud et du Département de Vaucluse.",
        "resultats": "- 12 000 visiteurs en 2019\n"
        "- Une vingtaine de coworkers et une trentaine d’abonnés à l’espace numérique\n"
        "- 40 projets de fabrication numérique\n"
        "- Environ 140 personnes par mois fréquentent l’espace (hors crise sanitaire)",
        "difficultes": "- Faire comprendre et accepter le projet par l’État, la Région et le Département\n"
        "- Trouver un statut juridique qui protège le projet des aléas politiques\n"
        "- Mesurer les retombées économiques et sociales, faute de moyens",
        "facteurs_reussite": "- Un fort soutien de la commune\n- Sortir de l’isolement en s’insérant dans des réseaux",
        "points_vigilance": "Impliquer les habitants : un tiers-lieu doit être soutenu localement pour durer.",
        "recours_tiers_lieu": True,
        "contact_structure": "La Fruitière numérique",
        "contact_adresse": "Avenue du 8 Mai (D943), 84160 Lourmarin",
        "site_web": "http://lafruitierenumerique.fr/",
        "licence": "licence_ouverte_2",
        "source": _guide(96, " ; entretiens p. 130"),
    },
    {
        "title": "Assemblée participative",
        "resume": "À Montauban-sur-l’Ouvèze, village drômois d’une centaine d’habitants, la municipalité élue en 2020 a "
        "créé une Assemblée participative ouverte à tous. Ses commissions thématiques — aménagement, mobilité et "
        "énergie, commerces… — organisent des ateliers où habitants et élus conçoivent ensemble les projets ensuite "
        "soumis au conseil municipal.",
        "porteur": "Commune de Montauban-sur-l’Ouvèze",
        "type_porteur": "commune",
        "territoire": "Montauban-sur-l’Ouvèze (Drôme), Baronnies",
        "echelle": "commune",
        "departements": ["26"],
        "region": "Auvergne-Rhône-Alpes",
        "pays": "FR",
        "population": 119,
        "annee_lancement": 2020,
        "etat_projet": "en_cours",
        "objectifs": "- Répondre aux enjeux de la commune par la concertation\n"
        "- Construire les projets communaux avec les habitants",
        "contexte": "Une assemblée ouverte à tous les habitants était au cœur du programme de l’équipe élue en 2020, en "
        "réponse à une attente de la population.",
        "description": "Créée en juillet 2020, l’Assemblée participative a d’abord été présentée aux habitants. Elle "
        "s’est donné deux coprésidents — un habitant élu par l’assemblée et l’élu délégué à la démocratie "
        "participative — et deux rapporteurs chargés du lien avec les commissions. Ces quatre personnes se partagent "
        "la coordination, la conduite des réunions, la médiation en cas de conflit, l’information et la "
        "publication.\n\n"
        "Une commission transversale se réunit deux fois par an pour choisir les sujets et suivre l’ensemble ; des "
        "commissions thématiques traitent de l’environnement, de l’eau et de l’assainissement, du patrimoine commun, "
        "de l’aménagement, de la mobilité et de l’énergie, des activités commerciales, de la jeunesse et des loisirs. "
        "Chacune organise des ateliers projets où chacun vient quand il veut et propose librement ; un ou deux élus y "
        "assistent pour faire le lien avec les compétences et les finances communales, puis portent le projet chiffré "
        "devant le conseil municipal.\n\n"
        "Par exemple, la commission « activités commerciales » s’est saisie de la sauvegarde du bar-épicerie du "
        "village : faute de rachat possible par la commune, elle cherche un repreneur, avec la foncière Villages "
        "Vivants pour financer les travaux.",
        "gouvernance": "Deux coprésidents (un habitant et un élu), deux rapporteurs, une commission transversale et des "
        "commissions thématiques ouvertes à tous.",
        "themes": [
            "mobilite",
            "economie",
            "energie",
            "participation_citoyenne",
            "foret",
            "environnement",
            "territoire_espace",
        ],
        "public": ["habitants"],
        "acteurs_locaux": "Les villages voisins, selon les sujets (la mobilité par exemple).",
        "acteurs_supra": "Collectif Baronnies en transition.",
        "partenaires_techniques": "Villages Vivants, pour la reprise du commerce.",
        "moyens_humains": "Quatre bénévoles pilotent la démarche.",
        "budget_total": 300000,
        "financements": "Reprise du commerce : environ 300 000 € pour le local et les travaux (montant susceptible "
        "d’évoluer), investis par Villages Vivants, puis des loyers progressifs pour soutenir le repreneur ; la "
        "commune joue l’intermédiaire.",
        "moyens_techniques": "Le site internet de la commune (réunions, ateliers, comptes rendus), un forum ouvert à "
        "tous pour s’exprimer et déposer des documents, une liste de diffusion qui touche la plupart des foyers.",
        "resultats": "Les rencontres ont réuni en moyenne 10 % des habitants, avec un roulement d’une réunion à "
        "l’autre.",
        "difficultes": "Le Covid-19 a freiné la démarche : réunions annulées ou reportées.",
        "facteurs_reussite": "- Des projets légitimes, parce que les habitants sont associés dès le départ\n"
        "- Une assemblée intégrée au fonctionnement normal de la municipalité, pas une entité extérieure\n"
        "- La motivation et la disponibilité des quatre pilotes\n"
        "- Oser essayer, se confronter au réel et ajuster ensuite",
        "points_vigilance": "- Mobiliser les habitants dans la durée\n"
        "- Montrer que les élus sont bénévoles, comme les habitants\n"
        "- Préserver l’équilibre entre élus et citoyens : faire « avec » et non « contre », pour aboutir à un "
        "consensus",
        "prochaines_etapes": "Faire appel à un regard extérieur pour former élus et habitants à la démocratie "
        "participative.",
        "recours_tiers_lieu": False,
        "contact_structure": "Mairie de Montauban-sur-l’Ouvèze",
        "contact_adresse": "Ville Vieille, 26170 Montauban-sur-l’Ouvèze",
        "site_web": "https://www.montauban-sur-ouveze.fr/assembl%C3%A9e-participative",
        "licence": "licence_ouverte_2",
        "source": _guide(100),
    },
    {
        "title": "Smart Dorf",
        "resume": "À Muttersholtz, en Alsace, les élus ont fait de la transition écologique et énergétique le cœur de "
        "leur action : rénovation des bâtiments, énergies renouvelables citoyennes, bâtiments communaux équipés de "
        "capteurs, protection de la biodiversité. Capitale française de la biodiversité en 2017, la commune associe "
        "de plus en plus les habitants à ses projets.",
        "porteur": "Commune de Muttersholtz",
        "type_porteur": "commune",
        "territoire": "Muttersholtz (Bas-Rhin)",
        "echelle": "commune",
        "departements": ["67"],
        "region": "Grand Est",
        "pays": "FR",
        "population": 2075,
        "annee_lancement": 2017,
        "etat_projet": "en_cours",
        "objectifs": "- Mener une politique énergétique ambitieuse\n"
        "- Préserver la biodiversité\n"
        "- S’engager dans la transition écologique\n"
        "- Associer les citoyens aux projets",
        "contexte": "La démarche tient largement à la conviction des élus, et d’abord du maire, très engagé pour "
        "l’écologie et le développement durable.",
        "description": "Après les municipales de 2014, la commune vise l’équilibre entre l’énergie qu’elle consomme et "
        "celle qu’elle produit (démarche de territoire à énergie positive, TEPOS). De 2014 à 2020 :\n\n"
        "- économies d’énergie : rénovation basse consommation de l’école, de la mairie et de la salle des fêtes, "
        "éclairage public revu, gymnase à énergie positive ;\n"
        "- énergies renouvelables locales et citoyennes : panneaux solaires en autoconsommation sur des bâtiments "
        "communaux, deux centrales hydroélectriques ;\n"
        "- urbanisme et mobilité : aide à la rénovation et à la remise sur le marché de logements vacants, aire "
        "d’éco-mobilité, nouvelles liaisons douces.\n\n"
        "Les bâtiments communaux sont équipés de capteurs reliés à une plateforme de système d’information "
        "énergétique (SIE), pour viser l’autonomie énergétique de l’administration. La commune travaille aussi à un "
        "circuit court de l’énergie et à l’appropriation de ces questions par les habitants.\n\n"
        "Capitale française de la biodiversité en 2017, elle a intégré la trame verte et bleue à son plan local "
        "d’urbanisme, créé un atelier fruits et miel et un sentier pieds nus. Un atlas de la biodiversité recense "
        "zones humides, haies, mares et prairies, et un dialogue entre agriculteurs, municipalité, LPO et Maison de "
        "la nature cherche l’équilibre entre économie et écologie. Depuis 2015-2016, débats, concertations et "
        "ateliers citoyens se multiplient.",
        "themes": ["energie", "mobilite", "territoire_espace", "participation_citoyenne", "logement", "environnement"],
        "public": ["habitants", "agriculteurs", "associations", "entreprises"],
        "acteurs_locaux": "Maison de la nature, associations, Communauté de communes de Sélestat, PETR, Conservatoire "
        "des sites.",
        "acteurs_supra": "Ligue pour la protection des oiseaux, Département, Région, préfecture de région, État.",
        "partenaires_techniques": "ADEME, Enercoop, Banque des territoires, Agence de l’eau Rhin-Meuse, programme "
        "Climaxion, Fondation du patrimoine, Ligue pour la protection des oiseaux, Centrales villageoises d’Alsace "
        "centrale.",
        "moyens_humains": "Le personnel communal et, ponctuellement, les élus ; pas de bénévoles.",
        "budget_total": 5300000,
        "financements": "Investissement global : 5 300 000 €. État – Territoire à énergie positive pour la croissance "
        "verte (TEPCV) : 500 000 € ; ADEME et Région Grand Est – programme Climaxion : 1 700 000 € ; Département du "
        "Bas-Rhin : 310 000 € ; État – fonds de soutien à l’investissement local : 375 000 € ; commune : 1 430 000 € "
        "d’emprunt et 1 010 000 € d’autofinancement.",
        "moyens_techniques": "Une plateforme de système d’information énergétique (SIE).",
        "resultats": "- La plateforme SIE\n"
        "- La démarche de territoire à énergie positive\n"
        "- « Muttersholtz 2050 », projet de démocratie participative\n"
        "- L’atlas de la biodiversité",
        "difficultes": "La plateforme SIE a dû être autofinancée, faute de subvention mobilisable en 2017.",
        "facteurs_reussite": "- Bien définir les besoins\n"
        "- Associer les nombreux acteurs du territoire\n"
        "- Donner du temps aux projets pour qu’ils aboutissent pleinement",
        "points_vigilance": "- Adopter une démarche et une méthode adaptées\n"
        "- Impliquer les bonnes personnes\n"
        "- Miser sur les bons partenariats",
        "recours_tiers_lieu": False,
        "contact_structure": "Mairie de Muttersholtz",
        "contact_adresse": "39 rue Welschinger, 67600 Muttersholtz",
        "licence": "licence_ouverte_2",
        "source": _guide(104, " (le lien imprimé dans la fiche est celui de « Smart Ruralité », erreur de la source)"),
    },
    {
        "title": "Le wiki du Pays de Redon",
        "resume": "Sous l’impulsion du Conseil de développement, des bénévoles ont créé un wiki de territoire où chacun "
        "peut découvrir les initiatives, les services et les événements du Pays de Redon, et s’en servir pour faire "
        "connaître et mener ses propres projets. Ce « tiers-lieu numérique » libre est ouvert aux contributions de "
        "tous.",
        "porteur": "Conseil de développement de Redon Agglomération",
        "type_porteur": "autre",
        "territoire": "Pays de Redon (Ille-et-Vilaine, Morbihan, Loire-Atlantique)",
        "echelle": "communaute_agglomeration",
        "communes": ["35236"],
        "departements": ["35", "56", "44"],
        "region": "Bretagne et Pays de la Loire",
        "pays": "FR",
        "population": 8745,
        "annee_lancement": 2017,
        "etat_projet": "en_cours",
        "objectifs": "- Créer un espace où habitants, collectifs, porteurs de projets et associations collaborent\n"
        "- Donner à voir les initiatives et les projets du territoire\n"
        "- Rendre les contenus accessibles et réutilisables sous licence ouverte",
        "contexte": "Attaché au partage des données, le président du Conseil de développement voulait un temps fort "
        "participatif autour de leur libération. En 2017, avec le réseau YesWiki, un événement festif de 48 heures "
        "s’est tenu en même temps dans deux communes ; les informations collectées ont lancé le wiki. Un groupe de "
        "bénévoles s’est ensuite formé et a présenté l’outil dans des médiathèques et lors de fêtes locales.",
        "description": "Le wiki se construit au fil des contenus, dans l’esprit d’un numérique éthique et de "
        "l’inclusion numérique. On y trouve un aperçu du territoire et de certains services, notamment sous forme de "
        "cartes, un recensement des initiatives par thématique et un agenda. Sa structure est organique : ce sont les "
        "contenus qui dessinent les rubriques, et non l’inverse. Comme dans tout wiki, chacun peut y ajouter ou "
        "corriger des contenus.\n\n"
        "Pour que les habitants s’en emparent, les bénévoles s’appuient sur des événements existants et organisent "
        "des « wiki-parties », temps collectifs de présentation et de contribution, dans plusieurs mairies et avec des "
        "élus. Formés à l’outil, ils s’entraident.\n\n"
        "Le wiki a aussi donné de la visibilité à des collectifs sans structure juridique, par exemple autour du "
        "handicap ou de l’auto-stop. Après une phase de démarrage consacrée à étoffer les contenus, il peut "
        "désormais servir à mobiliser les habitants sur la transition : mobilité, circuits courts, alimentation.",
        "gouvernance": "Un groupe de bénévoles anime le wiki, avec l’appui du Conseil de développement ; l’outil reste "
        "indépendant des projets politiques ou associatifs du territoire.",
        "themes": [
            "outils_numeriques",
            "accueil_services",
            "tiers_lieu",
            "mobilite",
            "participation_citoyenne",
            "environnement",
            "inclusion",
            "alimentation",
        ],
        "public": ["habitants", "associations"],
        "acteurs_locaux": "Associations locales, réseaux de médiathèques, commerces de proximité (épiceries par "
        "exemple).",
        "acteurs_supra": "Tiriad (collectif d’entrepreneurs du numérique collaboratif et des communs), Animacoop "
        "(formation à l’animation de projets coopératifs), la Breizh Cop (démarche de la Région Bretagne pour "
        "accélérer les transitions).",
        "partenaires_techniques": "Tiriad, pour la maintenance technique du wiki et la formation à l’outil.",
        "moyens_humains": "Jusqu’en 2020, une salariée d’une association d’éducation populaire consacrait un peu de "
        "temps aux wiki-parties. Depuis, l’animation est entièrement bénévole : cinq bénévoles réguliers, d’autres "
        "occasionnels, et l’appui de la salariée du Conseil de développement pour la communication.",
        "budget_total": 2000,
        "financements": "Événement de lancement : 2 000 €, financés par le Conseil départemental du Morbihan et les "
        "fonds propres du Conseil de développement. Des réponses à des appels à projets sont en cours pour renforcer "
        "l’animation autour de la transition et du lien entre générations.",
        "moyens_techniques": "Le logiciel libre YesWiki, développé par une communauté de contributeurs bénévoles.",
        "resultats": "- Pas encore de statistiques de fréquentation\n"
        "- De nombreuses actions de communication, dans la presse locale et lors d’événements",
        "difficultes": "- Le Covid-19 a freiné la démarche ; pendant le premier confinement, les wiki-parties se sont "
        "tenues à distance\n"
        "- Peu de moyens humains, pas de temps dédié à l’animation\n"
        "- Certains élus craignent de perdre la maîtrise d’un outil totalement ouvert et contributif",
        "facteurs_reussite": "- Une opération de lancement qui a mobilisé et donné de l’ampleur au projet\n"
        "- Un outil souple et non institutionnel, indépendant des projets politiques ou associatifs\n"
        "- Un outil qui s’adapte à ce que les contributeurs veulent en faire\n"
        "- Un groupe de bénévoles convaincus et investis\n"
        "- Un tissu associatif très dynamique",
        "points_vigilance": "- Ne pas sous-estimer le temps bénévole nécessaire pour faire vivre l’outil\n"
        "- Prévoir un débit internet suffisant pour les wiki-parties\n"
        "- Recruter régulièrement de nouveaux contributeurs\n"
        "- Ne pas communiquer trop tôt ni trop largement tant que le contenu n’est pas assez étoffé\n"
        "- Prendre le temps d’installer l’outil dans le paysage local, au rythme des habitants",
        "prochaines_etapes": "Mobiliser les habitants sur la transition (mobilité, circuits courts, alimentation) et "
        "renforcer l’animation grâce à des appels à projets.",
        "recours_tiers_lieu": False,
        "contact_structure": "Conseil de développement de Redon Agglomération",
        "contact_adresse": "3 rue Charles Sillard, 35600 Redon",
        "site_web": "https://wiki-pays-redon.fr/?PagePrincipale",
        "licence": "licence_ouverte_2",
        "source": _guide(108, " (population telle qu’imprimée, à vérifier)"),
    },
    {
        "title": "Comm’Une Nouvelle Vie",
        "resume": "Dans le sud de la Lozère, une dizaine de communes se sont mises en réseau pour mieux accueillir les "
        "nouveaux habitants. Accompagnées par l’animateur du PETR, elles forment leurs élus, recensent les logements "
        "vacants et éditent des guides d’accueil pour les nouveaux arrivants.",
        "porteur": "PETR Sud Lozère",
        "type_porteur": "petr_pays",
        "territoire": "PETR Sud Lozère (Lozère)",
        "echelle": "petr_pays",
        "departements": ["48"],
        "region": "Occitanie",
        "pays": "FR",
        "population": 12589,
        "annee_lancement": 2019,
        "etat_projet": "en_cours",
        "objectifs": "- Attirer de nouveaux habitants et faciliter leur installation\n"
        "- Créer un réseau d’entraide entre communes\n"
        "- Accompagner les habitants dans leurs projets\n"
        "- Améliorer la qualité de l’accueil sur le territoire",
        "contexte": "Depuis 2010, le PETR Sud Lozère mène une politique d’accueil pour attirer de nouvelles "
        "populations, en voulant y associer toutes ses communes à égalité. La démarche, conduite à l’échelle du "
        "Département de la Lozère, est déclinée par le PETR dans ses communes. Elle s’inspire, avec quelques "
        "adaptations, de celle du Pays Beaujolais Vert.",
        "description": "Toute commune du PETR peut constituer un groupe de travail, élus et non-élus, qui établit un "
        "diagnostic de la façon dont les arrivées et les départs des cinq dernières années ont été vécus. À partir de "
        "ce diagnostic, l’animateur du PETR aide les habitants à lancer des actions à court, moyen et long terme et à "
        "organiser l’accueil : guide d’accueil, recensement des logements vacants pour les nouveaux venus… Il suit les "
        "groupes communaux tout au long de la démarche.\n\n"
        "Les communes engagées forment un réseau, animé lui aussi par le PETR : elles y partagent leurs bonnes "
        "pratiques, leurs difficultés et leurs besoins.",
        "themes": [
            "accueil_services",
            "quartier_revitalisation",
            "economie",
            "participation_citoyenne",
            "logement",
            "cooperation",
            "recherche_innovation",
            "inclusion",
            "environnement",
        ],
        "public": ["nouveaux_arrivants", "habitants", "elus"],
        "acteurs_locaux": "Élus, habitants, foyers ruraux, commerçants selon les besoins, acteurs économiques.",
        "acteurs_supra": "Agence départementale pour l’information sur le logement (ADIL), chambres consulaires, Pôle "
        "emploi, partenaires du réseau Lozère Nouvelle Vie, Département de la Lozère, Région Occitanie, Union "
        "européenne.",
        "partenaires_techniques": "Les Localos, structure spécialisée dans l’accueil de population et le développement "
        "durable, qui a aidé à structurer et formaliser la démarche.",
        "moyens_humains": "À terme 1 ETP, selon le nombre de communes engagées.",
        "budget_total": 176511,
        "financements": "Opération « Accueil de nouvelles populations » : 176 511 € sur trois ans. FEDER Massif "
        "central (50 %) : 88 255 € ; Région Occitanie (5 %) : 8 825 € ; Département de la Lozère (5 %) : 8 825 € ; "
        "autofinancement (40 %) : 70 640 €.",
        "moyens_techniques": "Un tableau de suivi partagé en ligne.",
        "resultats": "- Dans chaque commune, un inventaire des logements vacants et des propriétaires à contacter\n"
        "- Un guide d’accueil par commune pour les nouveaux arrivants",
        "difficultes": "- Une dynamique de long terme, qui demande un soutien politique fort\n"
        "- Un besoin d’ingénierie et de méthode supplémentaires pour animer le réseau si toutes les communes s’y "
        "engagent",
        "facteurs_reussite": "- L’envie de s’investir dans des projets parfois longs\n"
        "- Vérifier que la démarche répond à un vrai besoin\n"
        "- Cibler quelques actions clés sur un sujet aussi vaste que l’accueil, pour obtenir des résultats concrets\n"
        "- Oser, et ne pas s’interdire de rêver",
        "points_vigilance": "- Une commune qui s’engage doit mesurer son rôle essentiel dans l’animation locale\n"
        "- S’inscrire dans des politiques départementales ou régionales officielles qui légitiment l’action",
        "recours_tiers_lieu": False,
        "contact_structure": "PETR Sud Lozère",
        "contact_adresse": "Rue Sipple Sert, 48400 Florac",
        "site_web": "https://lozerenouvellevie.com/s-installer/commune-nouvelle-vie/",
        "licence": "licence_ouverte_2",
        "source": _guide(112, " ; entretiens p. 138"),
    },
    {
        "title": "Au fil de l’Hers",
        "resume": "Pour rompre l’isolement des personnes âgées, la commune de Salles-sur-l’Hers, dans l’Aude, fait "
        "construire près du bourg une résidence de dix logements adaptés, à loyers modérés. Animée par le centre "
        "social intercommunal, elle accueillera aussi des activités communales et associatives et des ateliers "
        "d’inclusion numérique.",
        "porteur": "Commune de Salles-sur-l’Hers",
        "type_porteur": "commune",
        "territoire": "Salles-sur-l’Hers (Aude)",
        "echelle": "commune",
        "departements": ["11"],
        "region": "Occitanie",
        "pays": "FR",
        "population": 707,
        "annee_lancement": 2017,
        "etat_projet": "en_preparation",
        "objectifs": "- Réduire, voire vaincre, la solitude des seniors",
        "contexte": "En 2017, une vingtaine de bénévoles ont enquêté auprès des habitants sur leurs besoins : rompre la "
        "solitude de certains, conforter les petits commerces et faire face à la désertification médicale de la "
        "commune et de ses environs.",
        "description": "Lauréate d’un appel à projets du Département de l’Aude, la commune fait construire dix "
        "logements en habitat regroupé, de 50 à 70 m², aux loyers modestes (350 à 450 €). La résidence comptera deux "
        "salles, l’une pour les activités des locataires, l’autre pour les activités communales et associatives.\n\n"
        "Le centre social intercommunal « Énergies de la Piège » l’animera deux demi-journées par semaine et y "
        "proposera des ateliers d’inclusion numérique et des formations aux outils numériques. L’ouverture est visée "
        "au premier trimestre 2023.\n\n"
        "La commune a aussi répondu à l’appel à projets « résidence autonomie » de la CNAV et de la CNSA, qui associe "
        "logements et services collectifs, à proximité des commerces, des transports et des services ; des stagiaires "
        "de l’institut statistique de Carcassonne l’ont aidée à préparer ce dossier.",
        "themes": ["logement", "inclusion", "participation_citoyenne", "quartier_revitalisation", "accueil_services"],
        "public": ["seniors", "personnes_isolees"],
        "acteurs_locaux": "Mutualité sociale agricole, association sociale cantonale, club des aînés, Département de "
        "l’Aude, centre socioculturel « Énergies de la Piège ».",
        "acteurs_supra": "Aucun acteur supra-territorial impliqué.",
        "moyens_humains": "Pas de salariés, mais une vingtaine de bénévoles investis.",
        "budget_total": 900000,
        "financements": "900 000 € pour les dix logements, hors viabilisation du terrain. La commune mobilise des "
        "prêts locatifs aidés (PLUS, et PLAI pour les locataires en grande précarité) et d’autres prêts sociaux "
        "publics ; des fonds d’investissement seront consacrés à la vie collective de la résidence.",
        "resultats": "La démarche est encore en préparation.",
        "difficultes": "- La lenteur à accorder les calendriers des plans et schémas (SCoT, PLU…)\n"
        "- Une attente créée chez les habitants par la durée du projet, lancé en 2017",
        "facteurs_reussite": "Le travail commun des acteurs du village (associations, MSA, commune) pour répondre à "
        "l’appel à projets du Département.",
        "points_vigilance": "- Pour ce type de projet, la commune doit être propriétaire du terrain\n"
        "- Anticiper très en amont toutes les éventualités",
        "prochaines_etapes": "Ouverture de la résidence, visée au premier trimestre 2023.",
        "recours_tiers_lieu": False,
        "contact_structure": "Mairie de Salles-sur-l’Hers",
        "contact_adresse": "14 place Marengo, 11410 Salles-sur-l’Hers",
        "licence": "licence_ouverte_2",
        "source": _guide(116),
    },
    {
        "title": "VSA Demain",
        "resume": "Quand la déviation de la Nationale 7 a détourné la circulation du bourg, Villeneuve-sur-Allier a "
        "choisi de se réinventer avec ses habitants. Fête, ateliers et vote ont abouti à un plan de vingt actions pour "
        "revitaliser le centre et créer du lien : boulangerie, tiers-lieu épicerie-bar dans l’ancienne gare, circuits "
        "courts, ateliers numériques…",
        "porteur": "Commune de Villeneuve-sur-Allier",
        "type_porteur": "commune",
        "territoire": "Villeneuve-sur-Allier (Allier)",
        "echelle": "commune",
        "departements": ["03"],
        "region": "Auvergne-Rhône-Alpes",
        "pays": "FR",
        "population": 1073,
        "annee_lancement": 2019,
        "etat_projet": "en_cours",
        "objectifs": "- Créer du lien entre les habitants\n"
        "- Mettre en valeur le cadre de vie\n"
        "- Retrouver une dynamique commerciale et continuer à offrir équipements et services\n"
        "- Renforcer les lieux de vie et l’animation touristique, culturelle et pédagogique",
        "contexte": "La Nationale 7 traversait la commune ; sa déviation a conduit à repenser collectivement la vie du "
        "village et à engager la revitalisation du bourg, pour qu’il ne devienne pas une simple cité-dortoir.",
        "description": "Fin 2019, une fête organisée sur la nouvelle déviation rassemble 400 à 500 personnes et lance "
        "les ateliers « Dessinons Villeneuve », suivis de quatre ateliers sur l’avenir de la commune. Il en sort un "
        "plan de vingt actions, soumis au vote des habitants par le bulletin municipal : ils classent leurs actions "
        "préférées et peuvent en proposer d’autres.\n\n"
        "Un contrat de revitalisation de bourg signé avec le Département de l’Allier permet d’agir au-delà de la "
        "voirie : installer des commerces et des équipements adaptés aux besoins. Depuis 2021 ont vu le jour une "
        "boulangerie, le blog « VSA Demain » et une page Facebook « Villeneuve notre village », la réhabilitation de "
        "l’ancienne gare en tiers-lieu avec épicerie-bar et connexion numérique pour les habitants, et la vente de "
        "produits alimentaires en circuit court avec commande en ligne.\n\n"
        "Côté inclusion numérique, des ateliers apprennent aux personnes en difficulté à se servir d’une tablette ou "
        "d’un ordinateur, grâce aux tablettes prêtées par un acteur local, Face Territoire.",
        "themes": [
            "quartier_revitalisation",
            "culture",
            "economie",
            "mobilite",
            "participation_citoyenne",
            "energie",
            "outils_numeriques",
            "logement",
            "accueil_services",
            "tiers_lieu",
            "inclusion",
            "environnement",
            "alimentation",
            "territoire_espace",
        ],
        "public": ["habitants"],
        "acteurs_locaux": "La commune et les associations locales qui s’impliquent dans les travaux.",
        "acteurs_supra": "Département de l’Allier (contrat de revitalisation de bourg), Région, État, Moulins "
        "Communauté.",
        "partenaires_techniques": "Le bureau d’études Mon territoire numérique et le cabinet d’architecture "
        "Perspectives, pour le projet et les ateliers.",
        "moyens_humains": "Pas de salariés dédiés ; de nombreux bénévoles, dont une cinquantaine de l’association "
        "culturelle communale.",
        "budget_total": 2000000,
        "financements": "Environ 2 millions d’euros pour les vingt actions du plan. La boulangerie « Le Fournil de "
        "Villeneuve » représente un investissement communal de 100 000 €.",
        "moyens_techniques": "Blog « VSA Demain » et page Facebook ; vidéoprotection des équipements sportifs ; fibre "
        "et wifi communal ; application PanneauPocket pour informer en temps réel.",
        "resultats": "- Une boulangerie qui crée du lien entre habitants\n"
        "- Une page Facebook très consultée\n"
        "- L’Autre gare, épicerie-bar et tiers-lieu, ouvert en 2022",
        "difficultes": "- La crise sanitaire a beaucoup freiné le projet et distendu les liens avec la population\n"
        "- Un manque d’ingénierie",
        "facteurs_reussite": "Le soutien, notamment financier, de l’État et du Conseil départemental.",
        "points_vigilance": "- Veiller à l’implication des partenaires dans la durée, pour éviter l’essoufflement\n"
        "- Ne pas croire le numérique inutile à la campagne : il faut oser",
        "prochaines_etapes": "Un cabinet médical avec téléconsultation de spécialistes ; une offre culturelle plus riche "
        "(quatre ou cinq manifestations par an).",
        "recours_tiers_lieu": True,
        "contact_structure": "Mairie de Villeneuve-sur-Allier",
        "contact_adresse": "57 route de Paris, 03460 Villeneuve-sur-Allier",
        "site_web": "https://www.villeneuvesurallier.fr/",
        "licence": "licence_ouverte_2",
        "source": _guide(120),
    },
    # --- Recueil « L’impact des usages du numérique sur le développement rural » (2018) --
    {
        "title": "L’Usine vivante, le tiers-lieu qui dynamise Crest",
        "resume": "Dans une ancienne usine du centre de Crest, dans la Drôme, un collectif d’habitants a ouvert en 2015 "
        "un tiers-lieu associatif : espace de travail partagé pour indépendants et télétravailleurs, journées "
        "thématiques ouvertes à tous, ateliers de partage de compétences. L’Usine vivante veut être un outil au "
        "service du territoire et de ses nouveaux habitants.",
        "porteur": "Association L’Usine vivante",
        "type_porteur": "association",
        "territoire": "Crest (Drôme)",
        "echelle": "commune",
        "departements": ["26"],
        "region": "Auvergne-Rhône-Alpes",
        "pays": "FR",
        "population": 9000,
        "annee_lancement": 2015,
        "etat_projet": "en_cours",
        "objectifs": "- Être un « outil de territoire » impliqué dans la vie locale\n"
        "- Offrir un lieu ressource aux nouveaux habitants\n"
        "- Inventer d’autres façons de travailler et de fonctionner ensemble",
        "contexte": "Crest gagne des habitants et bénéficie d’une vie associative riche. Une ancienne usine textile du "
        "centre-ville, reconvertie dans la métallurgie, a fermé en 2012. Son propriétaire a rencontré un groupe "
        "d’habitants qui voulait entreprendre et ramener de l’activité économique, culturelle et sociale au "
        "centre-ville : il leur a loué une partie du bâtiment pour un espace de travail partagé et prêté le reste "
        "pour des événements.",
        "description": "L’association naît en avril 2015 ; en novembre, 11 télétravailleurs s’installent sur 200 m². "
        "Ils sont 45 à l’automne 2017, après l’ouverture d’un second niveau de 200 m² financé grâce à une campagne de "
        "financement participatif. Le lieu mêle activités entrepreneuriales, associatives, culturelles, artisanales "
        "et artistiques, tout en restant ouvert aux habitants.\n\n"
        "On y organise les « Sorties d’usine », journées thématiques ouvertes au public (autour du textile par "
        "exemple : conférence gesticulée, ateliers de couture, défilé, troc de vêtements), et des ateliers de partage "
        "de compétences (comptabilité, cuisine, savoir-être…). Les adhérents disposent d’un groupe jardin, d’achats "
        "groupés de produits locaux et de chantiers collectifs.\n\n"
        "À Crest, l’Usine vivante travaille avec les autres lieux numériques de la ville (fablabs, espace de coworking "
        "et espace public numérique) au sein du réseau drômois du coworking : chacun oriente les demandes vers le lieu "
        "le plus compétent.",
        "gouvernance": "Chaque adhérent rejoint l’une des six commissions ouvertes (technique ; communication ; finances "
        "et juridique ; événements ; vie quotidienne du lieu ; vie de l’association) et peut entrer au conseil "
        "d’administration. Une charte des valeurs (bienveillance, écoute, confiance, tolérance, esprit positif) "
        "encadre l’activité. Un salarié coordonne commissions et conseil d’administration.",
        "themes": ["tiers_lieu", "economie", "participation_citoyenne", "accueil_services", "culture"],
        "public": ["habitants", "nouveaux_arrivants", "entreprises"],
        "acteurs_supra": "Le Moulin Digital (association du Département de la Drôme et de Valence Romans Agglo pour la "
        "culture numérique), Département de la Drôme.",
        "moyens_humains": "Un salarié coordinateur et un travail bénévole de niveau professionnel ; un animateur mis à "
        "disposition pendant deux ans à partir de 2016.",
        "financements": "Le modèle repose d’abord sur les loyers des résidents. Aucune subvention au démarrage, hormis "
        "six mois de loyer offerts par le propriétaire (2 000 € par mois). En 2016, un animateur financé par le Moulin "
        "Digital a été mis à disposition pour deux ans. En 2017, le Département a accordé 56 000 € sur trois ans : "
        "30 000 € d’investissement la première année, le reste en fonctionnement pour 2018-2019.",
        "moyens_techniques": "Télétravail et coworking sont au cœur du modèle ; l’association privilégie le matériel "
        "d’occasion, la réparation et les logiciels libres.",
        "resultats": "L’Usine vivante est devenue un acteur important de la transition locale (circuits courts, autres "
        "façons de travailler, environnement). Les nouveaux arrivants viennent y chercher des idées, et plusieurs "
        "résidents y ont lancé de nouvelles activités grâce aux rencontres faites sur place.",
        "difficultes": "Un travail surtout bénévole, de niveau professionnel mais fragile, car dépendant des "
        "disponibilités de chacun ; le salarié aide à mobiliser les bénévoles.",
        "facteurs_reussite": "- Une visite commentée chaque premier mercredi du mois, pour expliquer un lieu aux "
        "activités très variées\n"
        "- Des valeurs partagées et une culture du « faire » : qui arrive avec une idée la met en œuvre",
        "prochaines_etapes": "Asseoir l’autonomie économique du volet entrepreneurial et développer les volets culturel "
        "et social, avec la création d’un bistrot.",
        "recours_tiers_lieu": True,
        "contact_structure": "L’Usine vivante",
        "contact_adresse": "24 avenue Adrien Fayolle, 26400 Crest",
        "site_web": "http://www.usinevivante.org",
        "licence": "licence_ouverte_2",
        "source": _recueil(9, ", fiche 1"),
    },
    {
        "title": "« Faire compagnie » lutte contre l’isolement rural grâce à un site web",
        "resume": "Dans le canton de Lormes (Nièvre), « Faire compagnie » met en relation des habitants disponibles "
        "avec des personnes isolées qui ont besoin de compagnie ou d’un coup de main pour se déplacer. Un site web et "
        "un numéro de téléphone organisent l’entraide, pilotée par le centre social.",
        "porteur": "Centre social des Portes du Morvan, avec la commune de Lormes",
        "type_porteur": "association",
        "territoire": "Canton de Lormes (Nièvre)",
        "echelle": "canton",
        "departements": ["58"],
        "region": "Bourgogne-Franche-Comté",
        "pays": "FR",
        "population": 4000,
        "etat_projet": "en_cours",
        "objectifs": "- Repérer les personnes les plus isolées du territoire\n"
        "- Les mettre en relation avec des habitants prêts à leur tenir compagnie ou à les aider à se déplacer\n"
        "- Prolonger le projet de territoire (accueil, emploi, services) par la lutte contre l’isolement",
        "contexte": "Depuis plus de dix ans, le canton de Lormes travaille sur l’attractivité, l’emploi et l’accueil de "
        "nouvelles populations : son Comité de développement a écrit dès 1994 un projet de territoire avec les "
        "habitants, et un télécentre rural accueille des télétravailleurs depuis 2003. La fermeture de l’abattoir "
        "local, le désir de campagne des citadins et l’arrivée du haut débit ont conforté l’idée que le numérique "
        "pouvait être un moteur de développement : c’est le « village du futur ». Après l’accueil et l’emploi, la "
        "stratégie s’est tournée vers la lutte contre l’isolement.",
        "description": "Le projet a été conçu avec un jeune designer de services. Il a commencé par recenser "
        "l’existant (centre social, aide à domicile, portage de repas…) puis par repérer les personnes les plus "
        "isolées : environ 80 sur 4 000 habitants. Un appel à « faire compagnie » a ensuite été lancé auprès des "
        "habitants ayant du temps à offrir, avec des supports variés (cartes postales, badges, tracts sur les "
        "pare-brise…).\n\n"
        "Environ 120 personnes se sont proposées, un chiffre stable dans le temps. Grâce au site web et à un numéro "
        "de téléphone, les mises en relation se font et l’entraide s’installe ; peu à peu, les personnes isolées s’y "
        "engagent elles aussi.",
        "gouvernance": "Le centre social pilote le dispositif avec beaucoup de souplesse. Un comité de pilotage "
        "informel réunit depuis plusieurs années maires, centre social, personnes isolées et voisins actifs ; il "
        "cherche surtout à améliorer le dispositif et doit être officialisé.",
        "themes": ["inclusion", "accueil_services", "outils_numeriques"],
        "public": ["personnes_isolees", "seniors", "habitants"],
        "acteurs_locaux": "Maires du canton, centre social, services d’aide à domicile et de portage de repas, "
        "habitants volontaires.",
        "budget_total": 15000,
        "financements": "15 000 € pour le lancement, partagés entre le développement du site web et le matériel de "
        "communication. Pour les porteurs, le financement ne doit pas être un préalable : avec de l’ingénierie "
        "financière et de la ténacité, on finit par le trouver.",
        "moyens_techniques": "Un site web de mise en relation et un numéro de téléphone.",
        "resultats": "80 personnes isolées identifiées ; 120 à 130 voisins volontaires. À l’automne 2018, le centre "
        "social a publié un plan de lutte contre l’isolement de 16 pages, « Bien vivre sur le canton de Lormes ».",
        "facteurs_reussite": "Une stratégie de territoire pensée sur le long terme, où les projets s’enchaînent (emploi, "
        "formation, accueil, entraide) ; le numérique n’y est qu’un outil, pas une fin.",
        "prochaines_etapes": "Étendre « Faire compagnie » au département (trois centres sociaux engagés, une dizaine "
        "attendus début 2019), l’intégrer aux dispositifs de solidarité existants et créer une association "
        "départementale des aidants. Travailler à une « maison de retraite du futur » et ouvrir à Lormes une antenne "
        "du fablab ICIMontreuil. La méthode : prototyper, puis dupliquer ce qui marche.",
        "recours_tiers_lieu": False,
        "contact_structure": "Centre social des Portes du Morvan",
        "site_web": "http://www.fairecompagnie.fr",
        "licence": "licence_ouverte_2",
        "source": _recueil(12, ", fiche 2 (année de lancement non précisée)"),
    },
    {
        "title": "Une école de jeux vidéo au cœur de la Bretagne centrale",
        "resume": "Né en 2015 d’un atelier d’initiation à la création de jeux vidéo demandé par des jeunes de "
        "Plougasnou (Finistère), le projet de l’association La Petite Sadie est devenu un centre numérique rural : "
        "ateliers extrascolaires pour les 11-18 ans, formation de développeurs pour les 18-35 ans, interventions "
        "dans les collèges. Plus de 200 jeunes formés en trois ans.",
        "porteur": "Association La Petite Sadie",
        "type_porteur": "association",
        "territoire": "Ouest et centre de la Bretagne (Plougasnou, pays de Morlaix, Poher, Kreiz Breizh)",
        "echelle": "petr_pays",
        "departements": ["29", "22"],
        "region": "Bretagne",
        "pays": "FR",
        "annee_lancement": 2015,
        "etat_projet": "en_cours",
        "objectifs": "- Sensibiliser et initier les 11-18 ans aux technologies numériques\n"
        "- Toucher les jeunes en décrochage scolaire\n"
        "- Faire des tablettes et des smartphones un moyen de se rencontrer, de découvrir son environnement et de "
        "construire des projets collectifs\n"
        "- Valoriser les savoir-faire et les nouveaux métiers du numérique\n"
        "- Ouvrir une formation labellisée de développeurs pour les 18-35 ans à l’échelle du Pays Centre Ouest "
        "Bretagne",
        "contexte": "Un ingénieur en informatique installé dans le Finistère, qui lançait son activité de développeur "
        "de jeux vidéo, a été sollicité par des jeunes de la commune pour une initiation. Il a animé bénévolement un "
        "atelier de trois heures chaque mercredi à Plougasnou en 2015-2016 : une vingtaine d’enfants de 12 à 15 ans "
        "y ont participé, et l’association La Petite Sadie a été créée pour développer ces ateliers.",
        "description": "Les ateliers prennent deux formes : des ateliers extrascolaires ludiques pour les 11-18 ans et "
        "des formations labellisées de développeurs numériques pour les 18-35 ans. Les jeunes commencent par de petits "
        "jeux simples, puis participent à des projets plus ambitieux ; les plus âgés peuvent réaliser de vraies "
        "prestations, par exemple une application de réalité virtuelle destinée à stimuler de jeunes autistes.\n\n"
        "L’engouement des jeunes, des médias et des collectivités a vite donné de l’ampleur au projet : ateliers du "
        "mercredi dans le secteur de Morlaix (un jeu vidéo sur le roi Arthur), école du numérique pour les 18-35 ans "
        "sur Poher Communauté, ateliers extrascolaires avec la Communauté de communes du Kreiz Breizh, interventions "
        "dans les collèges. Certains ateliers se tiennent sur des sites patrimoniaux : en avril 2017, onze enfants "
        "ont passé quatre jours à l’abbaye de Bon Repos (Côtes-d’Armor) à créer une animation numérique à énigmes "
        "sur l’histoire du lieu.",
        "gouvernance": "L’association est animée bénévolement par son fondateur, qui forme des jeunes pour le seconder. "
        "Les inscrits s’engagent pour l’année scolaire et peuvent participer à la vie de l’association : conseil "
        "d’administration, décisions, programmation des ateliers.",
        "themes": ["formation", "outils_numeriques", "culture", "inclusion"],
        "public": ["jeunes"],
        "acteurs_locaux": "Communes et intercommunalités partenaires (secteur de Morlaix, Poher Communauté, "
        "Communauté de communes du Kreiz Breizh), collèges, Adapei.",
        "acteurs_supra": "État (FNADT) et Région Bretagne, dans le cadre du contrat de plan État-Région.",
        "moyens_humains": "Un animateur bénévole, secondé par des jeunes qu’il a formés.",
        "budget_total": 66063.46,
        "financements": "Investissements : 66 063,46 € TTC (ordinateurs, logiciels, 25 casques de réalité virtuelle et 4 "
        "casques holographiques), financés dans le cadre du contrat de plan État-Région : État – FNADT "
        "(26 425,38 €), Région (21 800,94 €), Communauté de communes du Kreiz Breizh (4 624,44 €). Les collectivités "
        "prêtent les salles gratuitement. Selon les partenariats, les ateliers sont gratuits ou très abordables "
        "(7 € par mois et par jeune dans le Pays du Centre Ouest Bretagne, par exemple).",
        "resultats": "Entre 2015 et 2018, environ 200 enfants et jeunes ont suivi les ateliers du mercredi et des "
        "vacances. Neuf collèges ont accueilli des ateliers d’une dizaine de jours pour des élèves en décrochage, "
        "avec professeurs et psychologue : certains ont repris goût aux cours. Les plus âgés apprennent à transmettre "
        "aux plus jeunes.",
        "difficultes": "Les apports du numérique restent abstraits pour beaucoup : il faut de la patience pour montrer "
        "ce qu’il peut apporter à un territoire.",
        "prochaines_etapes": "Des applications de réalité virtuelle pour les personnes âgées à mobilité réduite et les "
        "enfants en situation de handicap ; une formation courte dans le cadre de la Grande École du numérique ; une "
        "ou deux nouvelles antennes animées par des jeunes formés.",
        "recours_tiers_lieu": False,
        "contact_structure": "Association La Petite Sadie",
        "site_web": "http://lapetitesadie.mozello.fr",
        "licence": "licence_ouverte_2",
        "source": _recueil(14, ", fiche 3"),
    },
    {
        "title": "Saint-Sulpice-la-Forêt réduit ses consommations grâce aux outils numériques",
        "resume": "Après une fuite d’eau passée inaperçue pendant un an à l’école, la commune de "
        "Saint-Sulpice-la-Forêt (Ille-et-Vilaine) a équipé ses bâtiments de 27 capteurs connectés. Tableaux de bord et "
        "alertes lui permettent de repérer fuites et gaspillages et de piloter le chauffage : l’objectif de 20 % "
        "d’économies a été atteint en deux ans.",
        "porteur": "Commune de Saint-Sulpice-la-Forêt",
        "type_porteur": "commune",
        "territoire": "Saint-Sulpice-la-Forêt (Ille-et-Vilaine), Rennes Métropole",
        "echelle": "commune",
        "communes": ["35315"],
        "departements": ["35"],
        "region": "Bretagne",
        "pays": "FR",
        "population": 1500,
        "annee_lancement": 2016,
        "etat_projet": "en_cours",
        "objectifs": "- Suivre les consommations d’eau et d’énergie en temps réel\n"
        "- Détecter au plus vite fuites et dysfonctionnements\n"
        "- Piloter le chauffage des équipements selon leur usage réel\n"
        "- Informer agents et usagers de l’effet de leurs gestes",
        "contexte": "Trois raisons ont poussé la commune à agir : une fuite d’eau à l’école restée invisible pendant un "
        "an en 2015 (l’équivalent de 26 piscines), la signature la même année de la Convention des maires, qui "
        "engage à réduire de 20 % la consommation d’énergie d’ici 2020, et des factures d’eau et d’électricité en "
        "hausse de 9 % par an entre 2006 et 2014.",
        "description": "Pendant 18 mois, un groupe d’élus a étudié les solutions des communes de Rennes Métropole : trop "
        "coûteuses, elles visaient surtout des bâtiments neufs. La rencontre de deux entreprises rennaises, l’une "
        "spécialisée dans les réseaux de capteurs sans fil, l’autre dans les plateformes de traitement de données, a "
        "convaincu la commune de tenter l’internet des objets, dans une expérimentation de 18 mois soutenue par le "
        "dispositif d’aide à l’innovation « Rennes Saint-Malo Lab ». L’agence locale de l’énergie et du climat a aidé "
        "à choisir les indicateurs et l’emplacement des capteurs ; TDF a fourni l’étude de couverture radio, les "
        "antennes et le réseau de collecte.\n\n"
        "En 2016, 27 capteurs d’eau, de gaz, d’électricité, de température et d’humidité ont été posés dans la "
        "mairie, l’école, la salle polyvalente, le centre technique, la salle de sport et l’espace culturel. "
        "Autonomes (piles de 5 à 10 ans), ils lisent les compteurs existants et transmettent leurs données en temps "
        "réel par un réseau bas débit LoRaWAN et deux antennes installées sur la commune. La commune en a tiré des "
        "indicateurs et des alertes : fuite ou consommation d’eau anormale, panne électrique…",
        "gouvernance": "La mairie reçoit les données sur une plateforme qui les transforme en tableaux de bord et en "
        "alertes ; le personnel a été formé. Un tableau de bord public, sur le site de la commune, montre l’évolution "
        "des consommations de l’école, de la salle polyvalente et de la salle des sports. Un comité technique mensuel "
        "réunit municipalité et prestataires ; un comité plus politique se réunit environ tous les deux mois.",
        "themes": ["energie", "environnement", "outils_numeriques"],
        "public": ["habitants", "elus"],
        "acteurs_supra": "Rennes Métropole, dispositif Rennes Saint-Malo Lab, agence locale de l’énergie et du climat "
        "(ALEC).",
        "partenaires_techniques": "Wi6Labs (réseaux de capteurs), Alkante (plateforme de données), TDF (couverture "
        "radio, antennes, centre de données), ALEC (expertise énergétique).",
        "budget_total": 20000,
        "financements": "L’équipement a coûté 20 000 € à la commune, pour un retour sur investissement estimé à trois à "
        "cinq ans et 10 000 € d’économies visées par an. Les deux entreprises ont reçu une avance remboursable de "
        "45 000 € et investi 50 000 € sur leurs fonds propres.",
        "moyens_techniques": "Capteurs autonomes, réseau LoRaWAN, plateforme de collecte et d’analyse des données, "
        "tableau de bord public.",
        "resultats": "Au printemps 2018, l’objectif de 20 % d’économies est atteint. Les capteurs ont révélé des salles "
        "chauffées inutilement, des douches bloquées, des disjoncteurs déclenchés… Élèves et habitants sont "
        "sensibilisés grâce aux données publiées. Rennes Métropole a envisagé d’équiper six communes, dont trois le "
        "sont en 2018. Les technologies apportent l’information, mais ce sont les personnes qui changent les "
        "pratiques.",
        "facteurs_reussite": "Une approche pluridisciplinaire et partenariale ; une commune à taille humaine, qui peut "
        "ajuster vite le dispositif.",
        "prochaines_etapes": "Un capteur de CO2 et de nouvelles actions pour mieux piloter le chauffage "
        "(programmateurs).",
        "recours_tiers_lieu": False,
        "contact_structure": "Mairie de Saint-Sulpice-la-Forêt",
        "contact_adresse": "3 rue de l’Abbaye, 35250 Saint-Sulpice-la-Forêt",
        "site_web": "http://www.saint-sulpice-la-foret.fr",
        "autres_liens": "https://vimeo.com/204999950/03aa2ee4f2",
        "licence": "licence_ouverte_2",
        "source": _recueil(17, ", fiche 4 (le titre imprimé écrit « Saint-Sulpice-en-Forêt »)"),
    },
    {
        "title": "Bras-sur-Meuse, commune exemplaire pour l’usage du numérique",
        "resume": "Bras-sur-Meuse, 700 habitants dans la Meuse, mise sur le numérique pour attirer de nouveaux "
        "habitants et rendre service à la population comme aux entreprises. En testant au fil de l’eau, la mairie a "
        "ouvert un espace public numérique, un espace de coworking, un fablab, une webradio et toute une série de "
        "services connectés.",
        "porteur": "Commune de Bras-sur-Meuse",
        "type_porteur": "commune",
        "territoire": "Bras-sur-Meuse (Meuse)",
        "echelle": "commune",
        "departements": ["55"],
        "region": "Grand Est",
        "pays": "FR",
        "population": 700,
        "etat_projet": "en_cours",
        "objectifs": "- Attirer de nouveaux habitants\n"
        "- Rendre des services à la population et aux entreprises grâce au numérique",
        "contexte": "Le maire est convaincu que le numérique donne une nouvelle chance aux campagnes : les nuisances des "
        "grandes villes (pollution, trajets, prix du foncier) poussent de plus en plus de citadins vers un cadre de vie "
        "rural. Deux conditions selon lui : un bon débit internet et une population familiarisée avec le numérique ; "
        "ensuite, il suffit de déployer les services.",
        "description": "La commune avance en « mode agile » : elle saisit les innovations quand elles se présentent et "
        "teste plutôt que de tout planifier. L’espace de coworking s’est monté en trois ans ; le fablab n’était pas "
        "prévu au départ.\n\n"
        "Se sont succédé : un espace public numérique (le Numéripôle), une radio puis une web TV, des bureaux "
        "partagés, un fablab (le Numérifab), un centre de formation au numérique, un groupe Facebook d’échanges qui "
        "réunit 80 % des habitants, un serveur SMS pour les numéros d’urgence, le bulletin communal en version "
        "numérique, une vidéoprotection mutualisée, un outil de suivi des demandes des habitants sur l’espace public, "
        "une table du conseil municipal connectée, un défibrillateur connecté, un guichet d’informations "
        "administratives accessible jour et nuit, un conseil municipal où les habitants peuvent poser leurs "
        "questions à l’avance, une application mobile, une visite virtuelle de la commune, un parcours patrimonial "
        "avec QR codes et podcasts, un site pour l’école maternelle et un blog photo des habitants.",
        "gouvernance": "Le conseil municipal porte tous les projets. Les élus ont d’abord été familiarisés au "
        "numérique par des outils gratuits ou peu coûteux qui leur simplifiaient la vie. Le conseil se veut "
        "participatif, et le groupe Facebook permet aux habitants de proposer des idées ou de signaler des "
        "problèmes.",
        "themes": ["outils_numeriques", "accueil_services", "economie", "tiers_lieu", "participation_citoyenne"],
        "public": ["habitants", "nouveaux_arrivants", "entreprises"],
        "financements": "Espace de coworking : 50 000 € en deux phases, subventionnés à 80 %, pour 200 m² et 14 bureaux "
        "qui rapportent 35 000 € par an. Fablab : 35 000 €. Web TV : 5 000 €. Application mobile : 450 € par an.",
        "resultats": "Des résultats jugés positifs, en particulier les bureaux partagés, qui accueillent des entreprises "
        "venues d’Allemagne, de Chalon et de Paris. Grâce au prototypage, les quelques échecs (un outil d’échange "
        "trop compliqué, abandonné) ont coûté peu.",
        "difficultes": "Le débit internet : à la campagne, la collectivité doit financer une part du très haut débit, "
        "lourde pour un département comme la Meuse. Depuis juillet 2017, le plan régional du Grand Est vise la fibre "
        "pour tous les foyers d’ici 2023.",
        "facteurs_reussite": "De la volonté et de l’imagination plutôt que de gros moyens ; tester les projets et les "
        "arrêter s’ils ne fonctionnent pas.",
        "prochaines_etapes": "Cinq ou six maisons connectées pour le maintien à domicile des personnes âgées (les "
        "« Séniorurales »).",
        "recours_tiers_lieu": True,
        "contact_structure": "Mairie de Bras-sur-Meuse",
        "site_web": "http://www.placedelamairie.com",
        "autres_liens": "http://www.workici.fr\nhttp://www.lenumeripole.fr\nhttp://www.numerifab.fr\n"
        "http://www.lnradio.fr",
        "licence": "licence_ouverte_2",
        "source": _recueil(20, ", fiche 5 (année de lancement non précisée)"),
    },
    {
        "title": "Une plateforme numérique collaborative favorise le lien et les projets entre les acteurs culturels "
        "des Vosges",
        "resume": "Le Conseil départemental des Vosges anime « cultureCnous », une plateforme collaborative destinée aux "
        "acteurs culturels : bibliothèques, compagnies, artistes, écoles, associations y partagent lieux, matériel, "
        "annonces et projets. Au printemps 2018, 797 structures et personnes y étaient inscrites.",
        "porteur": "Conseil départemental des Vosges",
        "type_porteur": "departement",
        "territoire": "Département des Vosges",
        "echelle": "departement",
        "departements": ["88"],
        "region": "Grand Est",
        "pays": "FR",
        "annee_lancement": 2016,
        "etat_projet": "en_cours",
        "objectifs": "- Mettre en réseau les acteurs culturels\n"
        "- Partager et capitaliser connaissances et expériences\n"
        "- Faire émerger des projets transversaux\n"
        "- Mutualiser biens (instruments, matériel scénique) et espaces, en privilégiant l’usage sur la possession",
        "contexte": "Depuis plus de dix ans, le Département mène une politique culturelle active qui le met en lien "
        "quotidien avec les acteurs culturels de tout le territoire, habitués à travailler ensemble. En 2014, ceux-ci "
        "ont pointé l’éloignement géographique comme un frein aux actions collectives : l’idée d’un outil "
        "collaboratif est née.",
        "description": "La plateforme est un site collaboratif évolutif, construit sur une technologie libre. Ses "
        "contenus sont enrichis par les acteurs culturels du département et par tous ceux qui veulent s’impliquer "
        "dans un projet culturel (établissements scolaires, collectivités, EHPAD…). Elle compte quatre rubriques : un "
        "blog, un forum professionnel, des espaces de travail pour les projets et des ressources. Les inscrits "
        "publient annonces et actualités, débattent, cherchent partenaires et lieux de pratique, consultent des "
        "informations juridiques et fiscales et échangent par messagerie ou en réunion en ligne. Ce n’est pas un "
        "outil grand public : les sorties ont leur propre site.\n\n"
        "Conçue par les services culture et lecture publique avec deux prestataires (cahier des charges, puis "
        "réalisation), elle a été testée début 2016 par une dizaine d’acteurs représentatifs. Une page sur les réseaux "
        "sociaux a été ouverte début avril 2018, la plateforme mise en ligne fin avril, puis présentée dans tout le "
        "département en mai.",
        "gouvernance": "Faute d’autre structure disposant du temps et de l’ingénierie nécessaires, le Département anime "
        "lui-même la plateforme : trois chargés de mission culturels, trois agents de la bibliothèque "
        "départementale, un chargé de communauté et le webmestre. Les contenus sont modérés a posteriori.",
        "themes": ["culture", "cooperation", "outils_numeriques"],
        "public": ["associations"],
        "budget_total": 40000,
        "financements": "Conception et mise en œuvre : 40 000 €, dont 18 148 € de fonds européens (CPER/FEDER). "
        "Hébergement et évolutions : 5 000 € par an en 2017 et 2018, puis 3 000 € d’hébergement seul en 2019. Le "
        "reste, dont le temps des agents, est autofinancé par le Département.",
        "moyens_techniques": "Un site collaboratif en logiciel libre : blog, forum, espaces projets, ressources, "
        "messagerie.",
        "resultats": "Plus de 300 comptes actifs et 25 espaces projets dès juin 2016. Deux ans plus tard : 505 "
        "structures et 292 personnes inscrites (pas toutes actives), 59 projets menés en commun. Les utilisateurs "
        "apprécient surtout le partage de ressources et de matériel ; l’outil est réutilisable dans d’autres "
        "domaines, et des acteurs sociaux s’en servent déjà.",
        "facteurs_reussite": "Une structure porteuse dont les agents sont formés au numérique ; une animation "
        "quotidienne, qui demande du temps et de l’ingénierie.",
        "prochaines_etapes": "Reprendre l’hébergement en interne fin 2019, ajouter la réservation de matériel en ligne "
        "puis un calendrier partagé, notifier chaque nouvelle annonce et renforcer l’animation, idéalement avec un "
        "animateur de communauté.",
        "recours_tiers_lieu": False,
        "contact_structure": "Conseil départemental des Vosges, direction de la culture, du sport et de la jeunesse",
        "contact_adresse": "8 rue de la Préfecture, 88000 Épinal",
        "site_web": "http://culturecnous.vosges.fr",
        "autres_liens": "http://www.sortir.vosges.fr",
        "licence": "licence_ouverte_2",
        "source": _recueil(22, ", fiche 6"),
    },
    {
        "title": "Oberbruck a adopté la téléconsultation en attendant de trouver un médecin",
        "resume": "Faute de successeur pour son médecin parti à la retraite, Oberbruck (Haut-Rhin) a ouvert en 2016, avec "
        "une association locale de soins, un cabinet de téléconsultation. Assisté sur place par un infirmier, le "
        "patient est examiné à distance par un médecin grâce à un chariot équipé d’instruments connectés, et repart "
        "avec son ordonnance.",
        "porteur": "Commune d’Oberbruck, avec l’association Asame",
        "type_porteur": "commune",
        "territoire": "Oberbruck et son bassin de vie (Haut-Rhin)",
        "echelle": "commune",
        "departements": ["68"],
        "region": "Grand Est",
        "pays": "FR",
        "population": 446,
        "annee_lancement": 2016,
        "etat_projet": "en_cours",
        "objectifs": "- Garder une offre de médecine générale dans la commune en attendant un nouveau médecin",
        "contexte": "Dans un bassin de 3 000 habitants, la commune a cherché en vain un successeur à son généraliste, "
        "malgré le soutien de l’Association de soins et d’aides de Mulhouse et environs (Asame), une patientèle "
        "existante et un cabinet rénové loué 260 € par mois, gratuit les deux premières années. L’Asame a alors "
        "proposé une solution provisoire : la téléconsultation.",
        "description": "Le chariot de téléconsultation, installé en 2016 dans le cabinet, réunit écran, caméra et micro, "
        "et des instruments de diagnostic : dermatoscope, stéthoscope, échographe, otoscope, ophtalmoscope… Pendant "
        "les permanences, un infirmier salarié de l’Asame relie le chariot au médecin de garde et l’aide à examiner le "
        "patient selon ses consignes ; les images arrivent en direct et le médecin peut orienter lui-même la caméra. "
        "L’ordonnance est imprimée sur place. La consultation coûte le prix habituel et est remboursée de la même "
        "façon.\n\n"
        "L’Asame venait de remporter l’appel à projets d’une fondation mulhousienne pour le maintien à domicile par "
        "l’innovation ; l’entreprise qui fabrique le chariot a assuré l’assistance technique et formé médecins et "
        "infirmiers. Le chariot a été prêté gratuitement à la mairie en septembre 2016, trois ans après le départ du "
        "médecin, en échange de l’occupation gratuite du cabinet.",
        "themes": ["accueil_services", "outils_numeriques", "inclusion"],
        "public": ["habitants", "seniors"],
        "acteurs_locaux": "Association de soins et d’aides de Mulhouse et environs (Asame), médecins salariés et "
        "libéraux volontaires.",
        "acteurs_supra": "Une fondation mulhousienne, par son appel à projets pour le maintien à domicile.",
        "partenaires_techniques": "Hopi Médical, fabricant du chariot : assistance technique et formation.",
        "moyens_humains": "Un infirmier de l’Asame à chaque permanence ; cinq médecins salariés de l’Asame et une "
        "dizaine de médecins libéraux volontaires.",
        "budget_total": 45000,
        "financements": "La commune a investi un peu plus de 45 000 € sur ses fonds propres pour aménager le cabinet ; "
        "le chariot a été financé par l’Asame grâce à l’appel à projets.",
        "moyens_techniques": "Un chariot de téléconsultation connecté, qui demande une bonne connexion ; le dossier "
        "médical partagé est accessible au médecin de garde. Des versions mobiles existent pour les visites à "
        "domicile ou en EHPAD.",
        "resultats": "Les quatre permanences hebdomadaires d’une heure et demie sont vite passées à deux heures, deux "
        "fois par jour, cinq jours sur sept, plus le samedi matin. Une partie de la patientèle est revenue, rassurée "
        "par la présence de l’infirmier ; les patients peu mobiles se font soigner sur place, et les médecins des "
        "communes voisines, débordés, sont soulagés.",
        "difficultes": "- Il faut du temps pour que les patients, habitués à aller ailleurs, reviennent\n"
        "- Le côté connecté, et le fait de ne pas savoir quel médecin consultera, peuvent rebuter ; on peut toutefois "
        "venir à heure fixe pour voir le médecin de son choix\n"
        "- Le rôle d’assistant de l’infirmier n’est pas encore reconnu, et chaque consultation mobilise deux soignants",
        "points_vigilance": "Communiquer sans relâche (presse, portes ouvertes) pour faire venir les habitants ; même si "
        "un médecin s’installe, la téléconsultation peut rester un complément.",
        "prochaines_etapes": "Des téléconsultations de spécialistes, permises par l’équipement du chariot.",
        "recours_tiers_lieu": False,
        "contact_structure": "Mairie d’Oberbruck",
        "contact_adresse": "10 place de la Mairie, 68290 Oberbruck",
        "site_web": "http://www.oberbruck.fr",
        "licence": "licence_ouverte_2",
        "source": _recueil(25, ", fiche 7"),
    },
    {
        "title": "Farmbot, le robot potager qui va révolutionner les pratiques agricoles ?",
        "resume": "La chambre régionale d’agriculture de Normandie et le Dôme, centre de culture scientifique et fablab "
        "de Caen, expérimentent sur une vingtaine de sites normands la Farmbot, un robot potager libre qui sème, "
        "arrose et bine. Lycées agricoles, centres de formation et écoles d’ingénieurs le construisent et le font "
        "évoluer, pour former autrement et ouvrir le débat sur l’agriculture connectée.",
        "porteur": "Chambre régionale d’agriculture de Normandie (CRAN), avec le Dôme",
        "type_porteur": "chambre_consulaire",
        "territoire": "Normandie",
        "echelle": "region",
        "departements": ["14", "50", "61", "76"],
        "region": "Normandie",
        "pays": "FR",
        "annee_lancement": 2017,
        "etat_projet": "en_cours",
        "objectifs": "- Réunir élèves des formations agricoles et techniques autour d’un même outil\n"
        "- Ouvrir le débat avec le grand public sur l’agriculture connectée et la robotisation\n"
        "- Montrer qu’un robot peut faire évoluer positivement les pratiques (pénibilité, environnement)\n"
        "- Ouvrir le projet aux jardins partagés et aux collectivités qui veulent verdir villes et friches",
        "contexte": "Les technologies numériques se multiplient en agriculture, mais beaucoup d’agriculteurs les "
        "adoptent sous la contrainte et pour des usages simples (déclarations, météo, suivi réglementaire), rarement "
        "pour programmer ou exploiter leurs données. La CRAN faisait ce constat quand le Dôme lui a présenté la "
        "Farmbot, repérée en Californie : un robot potager pour particuliers qui se déplace sur des rails et change "
        "d’outil pour semer, arroser ou biner. Sa licence libre permet de le modifier à volonté.",
        "description": "Le projet démarre en 2017 avec le Dôme, un centre de formation de la métallurgie et un lycée "
        "technique et agricole de Caen. En 2018 rejoignent deux lycées agricoles (Le Robillard dans le Calvados, "
        "Coutances dans la Manche), un fablab de l’Orne et deux écoles d’ingénieurs. Faute de livraison rapide depuis "
        "les États-Unis, les deux premiers robots ont été assemblés avec des pièces imprimées en 3D ; ont suivi un kit "
        "importé, puis la version XL de 3 m sur 6. Une communauté de makers partage des ressources, et un stagiaire a "
        "rédigé une documentation en français. La première récolte a eu lieu au lycée du Robillard en septembre "
        "2018.\n\n"
        "Les étapes : équiper tous les partenaires (depuis le printemps 2018) ; expérimenter, en plein champ ou à la "
        "verticale pour l’agriculture urbaine ; documenter chaque expérience dans un outil collaboratif en ligne. "
        "Des ateliers ont travaillé l’autonomie du robot en eau et en énergie lors du Turfu Festival de Caen en 2018.",
        "gouvernance": "Un comité suit le projet dans son ensemble (engagements, démarches administratives) ; un comité "
        "de pilotage, itinérant de site en site, organise les échanges pédagogiques et techniques entre équipes.",
        "themes": ["agriculture", "formation", "recherche_innovation", "outils_numeriques"],
        "public": ["jeunes", "agriculteurs", "habitants"],
        "acteurs_locaux": "Le Dôme (Caen), le CFAI, l’Institut Lemonnier, les lycées agricoles et CFA du Robillard et de "
        "Coutances, l’Écloserie numérique (Orne), UniLaSalle, l’ESIX.",
        "acteurs_supra": "Région Normandie (demande de financement FEDER).",
        "partenaires_techniques": "Le Dôme, pour les aspects techniques et numériques ; rapprochement en cours avec "
        "l’association Farmbot France (Nantes).",
        "financements": "Un dossier FEDER déposé auprès de la Région Normandie pourrait couvrir 50 % des dépenses ; "
        "son instruction, plus longue que prévu, repousse la fin du projet, d’abord prévue en 2020.",
        "resultats": "Projet en cours de déploiement : à l’automne 2018, il était trop tôt pour l’évaluer.",
        "facteurs_reussite": "Rassembler davantage de partenaires d’horizons différents et créer des passerelles entre "
        "des secteurs qui se côtoient peu.",
        "prochaines_etapes": "Tester le robot en plein champ et en installation verticale, améliorer son autonomie (eau, "
        "énergie solaire, place) et documenter les expériences.",
        "recours_tiers_lieu": False,
        "contact_structure": "Chambre régionale d’agriculture de Normandie",
        "contact_adresse": "6 rue des Roquemonts, 14053 Caen Cedex 4",
        "site_web": "http://www.echosciences-normandie.fr/communautes/le-dome/dossiers/farmbot",
        "licence": "licence_ouverte_2",
        "source": _recueil(28, ", fiche 8"),
    },
    {
        "title": "Kolectiv’, la radio participative et citoyenne crée du lien à L’Aigle",
        "resume": "À L’Aigle, dans l’Orne, les jeunes manquaient moins d’activités que d’informations pour y participer. "
        "La MJC et ses partenaires ont lancé en 2015 Kolectiv’, une webradio qui donne la parole aux habitants de tous "
        "âges et fait connaître les initiatives locales : plus de 1 200 personnes passent chaque année derrière le "
        "micro.",
        "porteur": "MJC de L’Aigle",
        "type_porteur": "association",
        "territoire": "L’Aigle (Orne)",
        "echelle": "commune",
        "departements": ["61"],
        "region": "Normandie",
        "pays": "FR",
        "annee_lancement": 2015,
        "etat_projet": "en_cours",
        "objectifs": "- Donner la parole aux habitants de tous âges\n"
        "- Faire connaître les initiatives et les activités culturelles du territoire\n"
        "- Aborder aussi des sujets de société plus larges",
        "contexte": "En 2014-2015, une enquête d’un stagiaire de la MJC a montré que les jeunes se plaignaient surtout "
        "de ne pas être informés des activités. La MJC a réuni les acteurs locaux pour imaginer un outil "
        "d’information : l’idée d’une webradio s’est vite imposée.",
        "description": "La webradio émet en continu : quelques heures d’émissions enregistrées chaque jour et, le reste "
        "du temps, de la musique d’artistes régionaux programmée par une association organisatrice de concerts. Chaque "
        "jour a son thème : ouverture au monde et citoyenneté, créations et contes, éducation artistique, insertion "
        "et prévention, musique. Témoignages sur les métiers, récits de voyage, chroniques de seniors, conseils "
        "écologiques, interviews d’artistes… sont enregistrés au studio de la MJC ou chez les partenaires (lycée, "
        "écoles, manifestations).\n\n"
        "La MJC a d’abord présenté le projet aux acteurs de la jeunesse (collèges, lycées, mission locale, "
        "collectivité…) ; trois s’y sont investis : la MJC, la mission locale et l’association de concerts TFT Label. "
        "Testée au printemps 2015, la radio a été lancée officiellement le 19 octobre 2015.",
        "gouvernance": "La radio est une activité de la MJC parmi une quarantaine d’autres ; son équipe se réunit chaque "
        "semaine.",
        "themes": ["culture", "participation_citoyenne", "inclusion", "outils_numeriques"],
        "public": ["habitants", "jeunes", "seniors"],
        "acteurs_locaux": "Mission locale, TFT Label, collèges et lycées, écoles.",
        "moyens_humains": "2,5 ETP (emplois aidés, service civique, volontariat européen) et 30 à 40 bénévoles, dont "
        "certains animent leur propre émission.",
        "financements": "24 000 € du FEDER la première année pour l’équipement. Fonctionnement : 80 000 à 85 000 € par "
        "an, couverts par des appels à projets (fonds de soutien aux médias de proximité via la DRAC : 15 000 €, puis "
        "9 000 €, puis 8 000 €), des fonds régionaux au titre de centre de ressources d’animation numérique (6 000 € "
        "par an), des prestations et des emplois aidés. Pas de publicité.",
        "moyens_techniques": "Un studio à la MJC et une diffusion en ligne, en direct ou à la demande.",
        "resultats": "Plus de 1 200 personnes s’expriment chaque année à l’antenne, dont 30 % de 13 à 30 ans. Les jeunes "
        "y gagnent des compétences (son, animation) ; un animateur venu du service civique a obtenu une qualification "
        "professionnelle d’animateur radio. La radio change l’image de L’Aigle, écoutée jusqu’au Japon ou en Inde, et "
        "attire des jeunes : 183 candidatures au volontariat européen pour deux places en 2018.",
        "difficultes": "- Les habitants n’ont pas encore le réflexe d’écouter la radio sur ordinateur : il faut "
        "communiquer sans cesse\n"
        "- Même plus simple qu’une radio hertzienne, une webradio demande compétences et temps ; certains partenaires "
        "ont réduit leur engagement, et les huit chroniques quotidiennes prévues étaient trop lourdes\n"
        "- Trouver un modèle économique durable reste le principal défi",
        "facteurs_reussite": "Une webradio coûte moins cher et impose moins de contraintes qu’une radio classique, et "
        "s’écoute à la demande.",
        "prochaines_etapes": "Des émissions en direct en fin de journée dès la rentrée 2018 et des formations pour les "
        "bénévoles et les administrateurs.",
        "recours_tiers_lieu": False,
        "contact_structure": "MJC Le Rond-Point",
        "contact_adresse": "12 rue des Tanneurs, 61300 L’Aigle",
        "site_web": "http://www.kolectiv.fr",
        "autres_liens": "http://mjclaigle.com",
        "licence": "licence_ouverte_2",
        "source": _recueil(31, ", fiche 9"),
    },
    {
        "title": "Manche Lab, le fablab mobile de Manche numérique",
        "resume": "Manche numérique, le syndicat mixte d’aménagement numérique de la Manche, a lancé en 2013 un fablab "
        "itinérant installé dans une caravane : imprimante 3D, découpeuse laser, électronique. Prêté aux animateurs "
        "d’espaces publics numériques, aux enseignants ou aux entreprises, il a fait découvrir la fabrication "
        "numérique dans tout le département et préparé l’ouverture de fablabs fixes.",
        "porteur": "Manche numérique",
        "type_porteur": "syndicat_mixte",
        "territoire": "Département de la Manche",
        "echelle": "departement",
        "departements": ["50"],
        "region": "Normandie",
        "pays": "FR",
        "annee_lancement": 2013,
        "etat_projet": "en_cours",
        "objectifs": "- Ajouter une étape de prototypage entre l’idée d’entreprise et le produit fini\n"
        "- Sensibiliser la population à la fabrication numérique\n"
        "- Préparer l’installation de fablabs fixes là où l’intérêt existe",
        "contexte": "Créé en 2004, Manche numérique s’est d’abord occupé des réseaux, puis a développé de nombreux "
        "usages : une cinquantaine d’espaces publics numériques, une encyclopédie collaborative du département, un "
        "incubateur, une école de développeurs, des espaces de coworking, un hébergeur pour les collectivités… Il lui "
        "manquait une brique de prototypage, sans les moyens d’ouvrir des fablabs partout : d’où l’idée d’un fablab "
        "itinérant.",
        "description": "Le Manche Lab est ouvert à tous les habitants, particuliers ou professionnels. Sa caravane "
        "transporte les machines et accueille sept personnes et un animateur ; aucun modèle du commerce ne répondant au "
        "cahier des charges (poids, volume, aération), c’est le prototype d’un constructeur français de véhicules de "
        "loisirs qui a été retenu.\n\n"
        "Le fablab est mutualisé : il est prêté par convention aux animateurs d’EPN, chambres de métiers, entreprises, "
        "professeurs de technologie ou associations. Manche numérique a formé les premiers animateurs, devenus "
        "formateurs à leur tour : pas besoin d’un chauffeur-animateur à plein temps, et ce sont les médiateurs du "
        "territoire qui montent en compétence. Depuis 2006, le syndicat prêtait déjà du matériel aux EPN, complété dès "
        "2013 par de petites machines ; l’appel à projets de l’État pour les ateliers de fabrication numérique a permis "
        "en 2013 d’acheter la caravane et son équipement.",
        "gouvernance": "Syndicat mixte gouverné par une centaine d’élus, Manche numérique se veut facilitateur, appui "
        "logistique et parfois financeur, et laisse faire les acteurs.",
        "themes": ["tiers_lieu", "formation", "outils_numeriques", "economie"],
        "public": ["habitants", "entreprises", "jeunes"],
        "budget_total": 88000,
        "financements": "Budget du Manche Lab : 88 000 € (caravane et outils), financés à 70 % par l’appel à projets "
        "national de 2013, dont il est le seul fablab mobile lauréat. Pour comparaison, le budget de Manche numérique "
        "consacré aux infrastructures atteint 30 millions d’euros par an.",
        "moyens_techniques": "Une caravane aménagée : imprimante 3D, découpeuse laser, matériel électronique.",
        "resultats": "Des indicateurs suivis dès le départ (publics, usages, âges) ont montré où installer trois fablabs "
        "fixes, ouverts par des collectivités qui avaient souvent emprunté le Manche Lab ; d’anciens animateurs d’EPN "
        "en sont devenus les responsables. Des professionnels (bijoutiers, prothésistes…) ont découvert l’impression "
        "3D et le prototypage rapide.",
        "facteurs_reussite": "Persévérance, imagination, frugalité, et investissement dans la formation : le projet "
        "repose sur une communauté d’utilisateurs plutôt que sur une décision publique.",
        "recours_tiers_lieu": True,
        "contact_structure": "Manche numérique",
        "site_web": "http://www.manchenumerique.fr",
        "licence": "licence_ouverte_2",
        "source": _recueil(34, ", fiche 10"),
    },
    {
        "title": "La Scic Sapie, dans l’Aude, transforme ses bureaux en tiers-lieu et c’est un succès !",
        "resume": "À Limoux, la coopérative Sapie a ouvert en 2013 ses bureaux aux télétravailleurs et aux habitants, "
        "créant le premier tiers-lieu numérique de l’Aude : coworking, médiation numérique, fablab, Repair café, "
        "jardin partagé et coopérative d’activité et d’emploi. Le succès l’a vite conduite dans des locaux plus "
        "grands.",
        "porteur": "Scic Sapie",
        "type_porteur": "cooperative",
        "territoire": "Limoux, Haute Vallée de l’Aude",
        "echelle": "commune",
        "departements": ["11"],
        "region": "Occitanie",
        "pays": "FR",
        "annee_lancement": 2013,
        "etat_projet": "en_cours",
        "objectifs": "- Accompagner les télétravailleurs, souvent isolés\n"
        "- Sensibiliser les habitants aux usages du numérique\n"
        "- Mettre les compétences de la coopérative au service des projets locaux",
        "contexte": "Créée en 1989, la Scic Sapie réunit une cinquantaine de sociétaires (entreprises, habitants, "
        "usagers, salariés). D’abord tournée vers la forêt et l’agriculture, elle s’est diversifiée dans le conseil "
        "partout en France (développement local, insertion, numérique, télétravail, coopératives d’activité). Son "
        "territoire, rural et préservé, a souffert de la désindustrialisation et cumule pauvreté et vieillissement, "
        "mais attire aussi Européens du Nord et citadins. En 2013, elle décide d’ouvrir ses locaux aux habitants.",
        "description": "Le tiers-lieu se veut ouvert, participatif, convivial et connecté : espace de coworking, espace "
        "de médiation numérique, fablab, bureaux et salles de formation partagés, coin repas et jardin collectif. Deux "
        "fois par semaine, chacun peut venir déjeuner et échanger, le mardi en français, le jeudi en anglais ; le "
        "mercredi, des ateliers font découvrir les outils numériques, et des Repair cafés ont lieu régulièrement.\n\n"
        "En 2014, Sapie lance une coopérative d’activité et d’emploi. En 2016, elle s’installe dans des locaux vacants "
        "de l’État, passant de 120 à 300 m², y développe le fablab et le Repair café, et un chantier d’insertion en "
        "fabrication numérique voit le jour, porté par l’association Trait d’Union Accompagnement et labellisé Grande "
        "École du numérique. En 2017, l’activité s’organise en deux pôles — tiers-lieu et coopérative d’activité d’un "
        "côté, fablab et chantier d’insertion de l’autre — et de nouveaux acteurs rejoignent le lieu.",
        "gouvernance": "49 sociétaires en 2018 ; une équipe de quatre salariés (3,15 ETP) accompagne projets "
        "collaboratifs, porteurs de projets et collectifs. L’association Trait d’Union Accompagnement anime fablab, "
        "chantier d’insertion et Repair cafés ; Sapie anime le coworking. Ateliers et formations au numérique sont "
        "conçus collectivement par les professionnels présents.",
        "themes": ["tiers_lieu", "economie", "formation", "inclusion"],
        "public": ["habitants", "nouveaux_arrivants", "entreprises", "jeunes", "seniors"],
        "acteurs_locaux": "Association Trait d’Union Accompagnement, une ressourcerie, l’association Eco citoyenneté, "
        "l’Union régionale des CPIE d’Occitanie, le pôle territorial de coopération économique 3.EVA.",
        "moyens_humains": "Quatre salariés (3,15 ETP) ; un jeune en emploi d’avenir et des bénévoles pour l’animation du "
        "lieu ; un volontaire en service civique pour les ateliers numériques.",
        "financements": "Des aides surtout liées aux projets : lauréate en 2016 de l’appel « Solidarité numérique » de "
        "l’Afnic, aide d’AG2R La Mondiale en 2017 pour aménager de nouveaux espaces. La coopérative d’activité est "
        "subventionnée à 40 % par la Région et le Département. Le coworking se loue de 7,50 € la journée à 170 € le "
        "mois, services compris. C’est la diversité des activités qui assure l’équilibre.",
        "resultats": "27 coworkers réguliers, une cinquantaine d’entrepreneurs-salariés dans la coopérative "
        "d’activité, 18 salariés en insertion et 4 salariés de la Scic. En 2017, 87 habitants ont fréquenté le fablab "
        "et le Repair café, dont 45 venus d’un quartier prioritaire ; plus de 170 personnes accueillies régulièrement. "
        "Les nouveaux habitants s’y construisent un réseau professionnel.",
        "facteurs_reussite": "Des activités qui suivent les besoins du territoire ; des partenariats tissés avec "
        "l’économie, l’insertion, la formation, l’école et la culture ; un salarié passionné de numérique et de 3D, "
        "devenu responsable du fablab.",
        "prochaines_etapes": "Une « salle de créativité » ; avec d’autres acteurs de l’économie sociale et solidaire, "
        "acheter l’ensemble immobilier mis en vente par l’État pour en faire un pôle de l’ESS ; accueillir une "
        "quarantaine de coworkers et davantage de jeunes avec les lycées ; étudier un bus numérique.",
        "recours_tiers_lieu": True,
        "contact_structure": "Scic Sapie",
        "contact_adresse": "7 rue du Cougaing, 11300 Limoux",
        "site_web": "https://sapie.coop/site",
        "licence": "licence_ouverte_2",
        "source": _recueil(36, ", fiche 11"),
    },
    {
        "title": "En 10 ans, 200 télétravailleurs se sont installés dans le Gers grâce au dispositif Soho Solo",
        "resume": "Depuis 2008, le programme Soho Solo de la CCI du Gers, animé par Gers Développement, aide "
        "entrepreneurs du numérique et télétravailleurs à s’installer dans les villages du département : site "
        "d’information, conseils personnalisés, club, ateliers et accès aux espaces de coworking. Deux cents d’entre "
        "eux se sont installés dans 170 villages.",
        "porteur": "Gers Développement (CCI du Gers)",
        "type_porteur": "chambre_consulaire",
        "territoire": "Département du Gers",
        "echelle": "departement",
        "departements": ["32"],
        "region": "Occitanie",
        "pays": "FR",
        "annee_lancement": 2008,
        "etat_projet": "en_cours",
        "objectifs": "- Attirer de nouveaux actifs, qui viennent avec leur emploi ou créent leur activité\n"
        "- Les informer, les accueillir et les accompagner durablement",
        "contexte": "Climat, paysages préservés, vie culturelle, services complets, proximité de Toulouse et de "
        "Bordeaux : la CCI du Gers a jugé pertinent de soutenir l’accueil de citadins en quête de qualité de vie. En "
        "2006, un programme de coopération européenne avec quatre centres européens d’entreprise et d’innovation a "
        "nourri une réflexion sur l’attractivité et l’accueil d’actifs ; l’emploi local étant insuffisant, elle s’est "
        "tournée vers les télétravailleurs.",
        "description": "Soho (« small office, home office ») vise les indépendants et salariés qui peuvent travailler de "
        "chez eux grâce à internet : consultants, journalistes, traducteurs, webmestres… Le site, mis à jour chaque "
        "semaine, est souvent leur porte d’entrée : atouts du territoire, témoignages, tiers-lieux et espaces de "
        "coworking, 47 villages d’accueil, annuaire des télétravailleurs, agenda du réseau.\n\n"
        "Après un premier contact, Soho Solo propose conseils personnalisés, adhésion au Club des Solos, ateliers "
        "mensuels, événements et accès privilégié aux tiers-lieux, pour rompre l’isolement et faire naître des "
        "collaborations. Chaque village d’accueil a un référent qui aide à l’intégration et à la recherche d’un "
        "logement ; l’accompagnement (statuts, plan d’affaires, démarches, marchés locaux) peut durer plusieurs "
        "années.\n\n"
        "En 2008, le haut débit n’était pas partout : la CCI a obtenu des communes équipées qu’elles prêtent des "
        "bureaux, en prenant en charge télécommunications et informatique, et a conseillé le Département pour "
        "étendre le haut débit, désormais accessible à tous les Gersois.",
        "gouvernance": "Gers Développement porte une démarche globale d’attractivité ; les communautés de communes "
        "sont associées comme financeurs et relais d’information.",
        "themes": ["economie", "accueil_services", "tiers_lieu", "outils_numeriques"],
        "public": ["nouveaux_arrivants", "entreprises"],
        "acteurs_locaux": "Villages d’accueil et leurs référents, communautés de communes gersoises, tiers-lieux et "
        "espaces de coworking, une coopérative d’activité et d’emploi.",
        "moyens_humains": "Une personne de Gers Développement à trois quarts de temps ; des ateliers animés "
        "bénévolement par des membres du réseau.",
        "financements": "Financements européens pour la réflexion initiale en 2006 et soutien du Département au "
        "démarrage ; depuis quelques années, 60 % par la CCI et 40 % par les communautés de communes.",
        "moyens_techniques": "Le site internet du programme, au cœur du dispositif, et le haut débit indispensable aux "
        "télétravailleurs.",
        "resultats": "En 2018, 336 adhérents, dont 200 accompagnés depuis 2008 ; avec leurs familles, 500 nouveaux "
        "habitants. Surtout des cadres de 30 à 50 ans venus des grandes villes ; 70 % travaillent dans l’économie "
        "numérique, la communication, le conseil ou la création.",
        "facteurs_reussite": "Des moyens d’animation dédiés ; des ateliers mensuels et un événement annuel ; un site "
        "très régulièrement mis à jour et bien référencé ; des liens étroits avec les structures d’accompagnement ; une "
        "communication suivie avec la presse spécialisée dans l’installation à la campagne.",
        "prochaines_etapes": "Continuer à promouvoir le territoire et dynamiser encore le réseau existant.",
        "recours_tiers_lieu": True,
        "contact_structure": "Gers Développement",
        "contact_adresse": "Place Jean David, BP 10181, 32004 Auch Cedex",
        "site_web": "http://www.soho-solo-gers.com",
        "licence": "licence_ouverte_2",
        "source": _recueil(39, ", fiche 12"),
    },
    {
        "title": "La Maison de l’emploi de la Lozère a créé des formations certifiantes au numérique",
        "resume": "En 2015, la Maison de l’emploi et de la cohésion sociale de la Lozère a ouvert à Mende « Còdi n "
        "camp », une école de développeurs web pour des personnes éloignées de l’emploi. Certifiante et soutenue par "
        "la Région, la formation a fait naître une filière numérique et renforcé l’attractivité du département.",
        "porteur": "Maison de l’emploi et de la cohésion sociale de la Lozère",
        "type_porteur": "autre",
        "territoire": "Mende et le département de la Lozère",
        "echelle": "departement",
        "departements": ["48"],
        "region": "Occitanie",
        "pays": "FR",
        "population": 77000,
        "annee_lancement": 2015,
        "etat_projet": "en_cours",
        "objectifs": "- Renforcer l’attractivité du territoire\n"
        "- Renforcer les compétences des acteurs du numérique\n"
        "- Orienter des personnes éloignées de l’emploi vers des métiers qui recrutent",
        "contexte": "Depuis 2008, la Maison de l’emploi coordonne douze maisons de services au public, qui rapprochent "
        "les services des habitants et assurent la médiation numérique ; avec le comité d’expansion Lozère "
        "Développement, elle anime aussi le réseau des télétravailleurs et les treize tiers-lieux du département. "
        "Constatant le manque de développeurs, elle a été retenue en 2014 par un appel à projets pour des écoles "
        "rurales de codeurs, lancé par un site spécialisé dans la ruralité et l’école Simplon.",
        "description": "« Còdi n camp » forme en quelques mois au métier de développeur web : 1 200 heures de cours et "
        "350 heures de stage en entreprise. Elle s’adresse à des jeunes ruraux en décrochage, à des femmes en "
        "insertion ou à des seniors en reconversion ; le Greta de la Lozère, choisi pour sa capacité à innover en "
        "pédagogie, assure la formation.\n\n"
        "La première promotion, en 2015, a été montée avec Simplon. En 2016, l’école rejoint le réseau des écoles "
        "régionales du numérique d’Occitanie — les stagiaires sont désormais rémunérés et préparent un titre "
        "professionnel de développeur logiciel — et obtient le label Grande École du numérique. La troisième "
        "promotion démarre en 2018. Un formateur et huit élèves de la première promotion ont créé la coopérative "
        "d’activité et d’emploi Num’n Coop.",
        "gouvernance": "La Maison de l’emploi coordonne les formations avec le Greta et les entreprises partenaires, et "
        "accompagne les stagiaires vers l’emploi.",
        "themes": ["formation", "economie", "outils_numeriques", "inclusion"],
        "public": ["jeunes", "habitants"],
        "acteurs_locaux": "Greta de la Lozère, Pôle emploi, ville de Mende, EPLEFPA de la Lozère, Lozère Développement, "
        "Conseil départemental, CCI, réseau d’incubateurs Synersud, ERDF.",
        "moyens_humains": "Un quart-temps salarié à la Maison de l’emploi.",
        "budget_total": 150000,
        "financements": "Environ 150 000 € pour la formation, pris en charge par des dispositifs de l’État et des "
        "collectivités, plus 15 000 € d’ingénierie ; les stagiaires sont rémunérés par la Région.",
        "resultats": "Trois promotions depuis 2015. La formation a attiré des candidats d’autres départements, installé "
        "des compétences en Lozère et créé une filière numérique qui s’est étoffée de nouveaux cursus.",
        "facteurs_reussite": "Faire partie des premiers départements à se lancer ; une action inscrite dans une "
        "stratégie numérique engagée de longue date, pas un coup de communication. La faible densité (14,8 habitants "
        "au km²) devient un atout : une offre nouvelle attire facilement des candidats.",
        "prochaines_etapes": "La Maison de l’emploi doit fermer en 2019 ; Lozère Développement reprendra sa compétence "
        "numérique et l’animation du réseau des télétravailleurs. D’ici là, création d’un fablab solidaire au centre "
        "de Mende, avec la mission locale et la ville, à côté d’un fablab professionnel au pôle numérique Polen ; Num’n "
        "Coop animera les deux, avec des animations itinérantes dans les maisons de services au public.",
        "recours_tiers_lieu": False,
        "contact_structure": "Maison de l’emploi et de la cohésion sociale de la Lozère",
        "site_web": "http://www.mdecs48.fr",
        "autres_liens": "http://codincamp.fr\nhttp://numncoop.fr\nhttp://solozere.com\nhttp://polen-mende.com",
        "licence": "licence_ouverte_2",
        "source": _recueil(43, ", fiche 13"),
    },
    {
        "title": "La commune des Bois d’Anjou fournit ses habitants en produits du terroir grâce à un drive local",
        "resume": "Aux Bois d’Anjou, commune nouvelle du Maine-et-Loire, élus et habitants ont ouvert en mai 2018 un "
        "drive de produits locaux tenu par des bénévoles : 34 producteurs et artisans, plus de 400 produits à "
        "commander en ligne et à retirer dans deux anciens bâtiments communaux. 400 clients inscrits en quatre mois.",
        "porteur": "Association Drive des Bois d’Anjou, avec la commune",
        "type_porteur": "association",
        "territoire": "Les Bois d’Anjou (Maine-et-Loire)",
        "echelle": "commune_nouvelle",
        "departements": ["49"],
        "region": "Pays de la Loire",
        "pays": "FR",
        "population": 2700,
        "annee_lancement": 2018,
        "etat_projet": "en_cours",
        "objectifs": "- Offrir des débouchés aux producteurs locaux\n"
        "- Renforcer l’attractivité et le dynamisme du village\n"
        "- Créer du lien et de la convivialité entre habitants",
        "contexte": "L’idée est née en 2016 dans la commission développement économique de la commune nouvelle, sous "
        "l’impulsion d’élus attachés aux circuits courts. Dès le départ, la démarche s’est voulue très participative.",
        "description": "Pas d’achat-revente : les 34 fournisseurs ne vendent que ce qu’ils produisent ou fabriquent — "
        "fruits et légumes, viandes, fromages, pain, miel, farine, huiles, confitures, fleurs et plants, savons, "
        "vêtements… On commande sur le site avant le lundi minuit et on retire ses achats le vendredi soir à "
        "Saint-Georges-du-Bois ou le samedi matin à Brion. Les deux bibliothèques de la commune permettent de "
        "commander sans ordinateur. Les producteurs livrent entre le mercredi et le vendredi, et les bénévoles "
        "préparent les commandes.\n\n"
        "En 2017, deux enquêtes menées avec la chambre d’agriculture confirment l’intérêt : 300 réponses positives "
        "d’habitants et 70 entreprises intéressées. En septembre, un forum participatif réunit 80 habitants, "
        "producteurs et artisans ; en janvier 2018, 60 participants se répartissent en trois commissions. "
        "L’association est créée en février ; les bénévoles aménagent les locaux, mettent en place la boutique en "
        "ligne, la comptabilité et la communication. Le site ouvre en mai, et le drive est inauguré en juin devant 200 "
        "personnes.",
        "gouvernance": "Les bénévoles font tout, selon leur temps et leurs compétences, avec des rôles clés attribués "
        "(comptabilité, distributions, communication). La chambre d’agriculture anime et coordonne le projet et "
        "formalise les engagements des producteurs. Le site, conçu par une société nantaise, automatise un maximum de "
        "tâches : chaque producteur gère ses produits dans son espace ; deux bénévoles formés s’occupent du site et "
        "forment à leur tour.",
        "themes": ["alimentation", "agriculture", "economie", "participation_citoyenne"],
        "public": ["habitants", "agriculteurs"],
        "acteurs_locaux": "Producteurs et artisans locaux, bibliothèques de la commune, une banque locale.",
        "acteurs_supra": "Chambre d’agriculture, GAL des Vallées d’Anjou (programme LEADER).",
        "moyens_humains": "Une cinquantaine de bénévoles ; animation et coordination par la chambre d’agriculture.",
        "budget_total": 5000,
        "financements": "Environ 5 000 € de matériel (réfrigérateur, aménagement et signalétique, digicodes, "
        "communication), financés surtout par un prêt sur trois ans remboursé par une commission de 12 % sur les "
        "ventes. La mairie a donné 400 € et prête les deux locaux ; une banque locale a donné 1 000 € ; l’animation "
        "par la chambre d’agriculture est financée à 80 % par le programme LEADER. Hébergement du site : 1 680 € par "
        "an ; fonctionnement annuel estimé à 9 000 €.",
        "moyens_techniques": "Une boutique en ligne avec espace producteurs, comptabilité, statistiques et fichier "
        "clients.",
        "resultats": "Quatre mois après l’ouverture, 400 clients inscrits dans un rayon d’une trentaine de kilomètres, "
        "dont 300 ont commandé, pour un panier moyen de 38 € ; 2 500 € de chiffre d’affaires par semaine, bien "
        "au-delà des 1 500 € prévus.",
        "facteurs_reussite": "Commencer modestement, avec un budget serré, pour garantir une juste rémunération aux "
        "producteurs et des prix abordables ; un noyau de bénévoles très réactif qui entretient le lien entre "
        "consommateurs, producteurs et bénévoles.",
        "points_vigilance": "Éviter l’essoufflement des bénévoles en ménageant des moments conviviaux ; adapter si "
        "besoin le modèle économique pour alléger leur charge.",
        "prochaines_etapes": "Des portraits vidéo des producteurs, des portes ouvertes dans les fermes et la livraison "
        "à domicile pour les personnes qui ne peuvent pas se déplacer.",
        "recours_tiers_lieu": False,
        "contact_structure": "Association Drive des Bois d’Anjou",
        "site_web": "http://www.driveboisdanjou.fr",
        "autres_liens": "http://www.facebook.com/driveboisdanjou",
        "licence": "licence_ouverte_2",
        "source": _recueil(46, ", fiche 14"),
    },
    {
        "title": "Digifermes®, le réseau de fermes expérimentales des technologies numériques",
        "resume": "Le réseau Digifermes®, animé par l’institut du végétal Arvalis avec d’autres instituts techniques "
        "agricoles, teste en conditions réelles robots, agroéquipements et outils d’aide à la décision. Objectif : "
        "aider les agriculteurs à choisir les bons outils et les bonnes pratiques, et aider les start-up à adapter "
        "leurs innovations aux réalités du terrain.",
        "porteur": "Arvalis – Institut du végétal, avec l’Idele, l’ITB, Terres Inovia et l’Acta",
        "type_porteur": "institut_recherche",
        "territoire": "France (treize fermes, dont Saint-Hilaire-en-Woëvre dans la Meuse)",
        "echelle": "national",
        "pays": "FR",
        "annee_lancement": 2016,
        "etat_projet": "en_cours",
        "objectifs": "- Tester les innovations numériques en conditions réelles\n"
        "- Co-construire de nouvelles solutions technologiques\n"
        "- Recommander aux agriculteurs les outils les plus adaptés",
        "contexte": "Arvalis, créé en 2002 par des agriculteurs qui voulaient une voix indépendante pour évaluer "
        "techniques et outils, reçoit de plus en plus de questions sur le numérique, le choix des technologies et leur "
        "prix. Le label Digiferme est né de ces demandes, porté avec l’Institut de l’élevage, l’Institut technique de "
        "la betterave, Terres Inovia et l’Acta.",
        "description": "Les Digifermes sont des fermes expérimentales soutenues par des instituts techniques, des "
        "chambres d’agriculture et des entreprises, mises en réseau par Arvalis. Chacune suit des protocoles rigoureux "
        "selon sa stratégie : à Saint-Hilaire-en-Woëvre (Meuse), une ferme de polyculture-élevage teste tout ce qui "
        "améliore la fertilité et les échanges entre élevage et cultures. Treize fermes, chacune dans son domaine "
        "(porcs, ovins, vaches laitières, viticulture…), évaluent ainsi ce que les technologies apportent vraiment.\n\n"
        "Elles testent robots de culture, drones, cartographie, aide à la décision ou partage de savoir-faire avec des "
        "start-up, leur suggèrent des améliorations, puis proposent les outils aux réseaux de fermes des coopératives "
        "et des chambres d’agriculture, qui font remonter les retours. Une ferme candidate s’engage pour trois ans au "
        "moins. Les deux premières Digifermes naissent en 2016, une troisième en 2017, cinq en 2018, et cinq autres à "
        "l’issue d’un appel à projets clos à l’été 2018.",
        "themes": ["agriculture", "recherche_innovation", "outils_numeriques"],
        "public": ["agriculteurs", "entreprises"],
        "acteurs_supra": "Instituts techniques agricoles, chambres d’agriculture, coopératives, start-up de l’agriculture "
        "numérique.",
        "moyens_humains": "Un demi-poste financé par Arvalis pour animer le réseau.",
        "financements": "Les start-up prêtent gratuitement leurs innovations en échange des essais ; chaque structure "
        "labellisée finance le fonctionnement de sa ferme ; Arvalis finance l’animation. Arvalis est lui-même financé "
        "pour moitié par une contribution prélevée sur les récoltes.",
        "resultats": "Réseau encore jeune : une première étude, sur les stations météo connectées, publiée au printemps "
        "2018 ; beaucoup de technologies testées ne sont pas encore assez mûres pour être recommandées.",
        "difficultes": "Le manque de maturité des technologies et des produits.",
        "facteurs_reussite": "La qualité et le professionnalisme des fermes ; une expertise collective et des acteurs "
        "variés, capables de veille, d’expérimentation et d’amélioration.",
        "prochaines_etapes": "Devenir une référence pour les start-up qui veulent tester leurs produits, et intégrer des "
        "fermes « têtes de réseau » de coopératives ou de groupements d’agriculteurs pour diffuser plus vite les "
        "résultats.",
        "recours_tiers_lieu": False,
        "contact_structure": "Arvalis – Institut du végétal",
        "site_web": "http://www.digifermes.com",
        "licence": "licence_ouverte_2",
        "source": _recueil(49, ", fiche nationale"),
    },
    {
        "title": "Le service d’auto-stop organisé « Rezo Pouce », expérimenté en Occitanie, s’adapte à de nouveaux "
        "territoires un peu partout en France",
        "resume": "Né à Moissac (Tarn-et-Garonne) après la fermeture d’une ligne de bus, Rezo Pouce organise et sécurise "
        "l’auto-stop pour les petits trajets du quotidien : inscription en ligne ou en mairie, arrêts signalés, "
        "macaron pour les conducteurs, application mobile. Au printemps 2018, 1 134 communes l’avaient adopté.",
        "porteur": "Scic Rezo Pouce et association Covoiturons sur le pouce",
        "type_porteur": "cooperative",
        "territoire": "France ; né à Moissac (Tarn-et-Garonne)",
        "echelle": "national",
        "pays": "FR",
        "annee_lancement": 2010,
        "etat_projet": "en_cours",
        "objectifs": "- Compléter l’offre de transport public dans les territoires ruraux et périurbains\n"
        "- Organiser et sécuriser la pratique de l’auto-stop\n"
        "- Remplir les voitures et réduire les émissions de gaz à effet de serre",
        "contexte": "Après la fermeture d’une ligne de bus, les habitants de Moissac consultés ont jugé qu’une "
        "communauté d’auto-stoppeurs organisée était la réponse la plus efficace. Le service a été lancé en 2010 par "
        "neuf collectivités de l’ex-Midi-Pyrénées.",
        "description": "Conducteurs et passagers s’inscrivent avec leur pièce d’identité, sur le site ou en mairie s’ils "
        "n’ont pas d’ordinateur, signent une charte et reçoivent une carte et un kit mobilité. Le passager attend à un "
        "« arrêt sur le pouce » signalé par un panneau et affiche sa destination ; les conducteurs inscrits portent un "
        "macaron. Il peut envoyer par SMS l’immatriculation du véhicule, se faire accompagner pour un premier « baptême "
        "de l’auto-stop », et partager les frais sur les longs trajets réguliers. Une application gratuite permet de "
        "se géolocaliser et de se contacter.\n\n"
        "Expérimenté à Moissac, puis dans neuf communes et l’agglomération du Grand Montauban, le dispositif est animé "
        "par l’association « Covoiturons sur le pouce ». Face aux demandes de collectivités de toute la France, une "
        "Scic créée en 2015 développe les outils (site, application) et accompagne les territoires : étude des "
        "besoins et de l’emplacement des arrêts, formation, outils de communication. Il faut compter quatre à six "
        "mois de préparation. Dans chaque territoire, le service est porté par une collectivité, un parc ou une "
        "association de mobilité, avec les communes pour l’implantation des panneaux.",
        "gouvernance": "L’association anime le dispositif sur les territoires fondateurs ; la Scic développe les outils "
        "et accompagne les nouveaux territoires. Les deux structures emploient six salariés.",
        "themes": ["mobilite", "environnement", "accueil_services", "inclusion"],
        "public": ["habitants", "jeunes", "seniors"],
        "acteurs_supra": "Fondation d’entreprise Macif, groupe Transdev (associé à la Scic) ; intercommunalités, parcs "
        "naturels régionaux et associations abonnés.",
        "moyens_humains": "Six salariés pour l’association et la Scic.",
        "financements": "Environ 50 000 € par an pour l’association, financée par les adhésions, et 300 000 € pour la "
        "Scic, financée par les abonnements des collectivités. Peu d’aides publiques, mais un soutien sur projets "
        "(site, applications) de la Fondation Macif et du groupe Transdev.",
        "moyens_techniques": "Un portail commun à tous les territoires, avec l’emplacement exact des arrêts ; une "
        "application mobile qui fournit aussi des statistiques anonymes (kilomètres parcourus, CO2 évité).",
        "resultats": "Au printemps 2018, 1 134 communes avaient adopté le service et 600 autres l’avaient demandé. Une "
        "centaine d’inscriptions par semaine en moyenne ; chaque année, les inscrits progressent de 1 à 2 % de la "
        "population des territoires. La moitié des inscrits sont à la fois conducteurs et passagers, 48 % des "
        "passagers sont des femmes, et neuf fois sur dix l’attente dure moins de dix minutes. Dans le Parc naturel "
        "régional de Chartreuse, le dispositif a été déployé sur dix communes, financé à 80 % par l’État (TEPCV).",
        "difficultes": "- Une demande des collectivités bien plus forte que prévu, qui a obligé à s’organiser vite : le "
        "choix a été de former les intercommunalités pour qu’elles deviennent autonomes\n"
        "- Des arrêts ni éclairés ni abrités : le service marche surtout aux beaux jours",
        "facteurs_reussite": "- L’animation locale, car le service repose sur un changement de comportement\n"
        "- Une communication soutenue auprès des associations, centres sociaux, presse et radios locales\n"
        "- Un service accessible sans numérique, par simple inscription en mairie",
        "prochaines_etapes": "Un Rezo Pouce pour les trajets domicile-travail des salariés, sur abonnement des "
        "entreprises, et un Rezo Pouce seniors expérimenté à l’automne 2018.",
        "recours_tiers_lieu": False,
        "contact_structure": "Rezo Pouce",
        "site_web": "http://www.rezopouce.fr",
        "autres_liens": "http://www.parc-chartreuse.net/fr/agir/mobilite/rezopouce-autostop-organise-en-chartreuse",
        "licence": "licence_ouverte_2",
        "source": _recueil(52, ", fiche nationale, avec un encadré sur le Parc naturel régional de Chartreuse"),
    },
    {
        "title": "Digital villages, une expérimentation pour la numérisation de services ruraux (Allemagne)",
        "resume": "En Rhénanie-Palatinat, l’Institut Fraunhofer a conçu avec trois groupements de 33 communes une "
        "plateforme numérique commune pour les villages : place de marché locale livrée par des voisins volontaires, "
        "portail et application d’informations locales alimentés par les habitants, covoiturage et entraide.",
        "porteur": "Institut Fraunhofer IESE, avec le Land de Rhénanie-Palatinat",
        "type_porteur": "institut_recherche",
        "territoire": "Rhénanie-Palatinat : Eisenberg, Göllheim, Betzdorf-Gebhardshain (33 communes)",
        "echelle": "region",
        "region": "Rhénanie-Palatinat",
        "pays": "DE",
        "annee_lancement": 2015,
        "etat_projet": "en_cours",
        "objectifs": "- Concevoir et tester une plateforme numérique commune pour l’approvisionnement, la "
        "communication, la mobilité et l’administration en ligne\n"
        "- Créer une culture de collaboration entre habitants, collectivités et entreprises locales\n"
        "- Travailler en laboratoire vivant avec toutes les parties prenantes\n"
        "- Construire des solutions numériques abordables et durables",
        "contexte": "Les campagnes allemandes, où vivent 66 % de la population, vieillissent et se dépeuplent. Les "
        "services numériques d’intérêt général y manquent, et les solutions existantes, trop fragmentées, ne relient "
        "ni les habitants, ni les communes, ni l’économie locale. Le projet s’inscrit dans la démarche européenne des "
        "« Smart Villages ».",
        "description": "Lancé à l’été 2015, le programme a retenu, par un jury indépendant, trois groupements de 33 "
        "communes. Premier volet, le marché local en ligne (BestellBar) : boulangeries, fermes bio, maraîchers, "
        "supermarchés, pharmacies, librairies… y vendent leurs produits. Les livraisons sont assurées par des "
        "volontaires qui passent près de chez le client, avec une application (LieferBar) ; ils gagnent une monnaie "
        "virtuelle à dépenser localement, et des casiers permettent de retirer les achats.\n\n"
        "Deuxième volet, la communication : DorfNews, portail d’informations locales ouvert aux communes, aux "
        "journalistes et aux associations, qui agrège aussi les sources existantes ; puis l’application DorfFunk, « ton "
        "village dans ta poche », où les habitants publient eux-mêmes la plupart des nouvelles, organisent du "
        "covoiturage ou proposent leurs services. BestellBar et LieferBar ont été lancés en 2016, DorfFunk en 2018 ; le "
        "projet devait s’achever en 2019.",
        "gouvernance": "Habitants, entreprises locales, administrations municipales, chercheurs du Fraunhofer IESE et "
        "l’agence de développement de Rhénanie-Palatinat, qui soutient la participation ; les communes siègent dans un "
        "« conseil numérique ».",
        "themes": [
            "outils_numeriques",
            "accueil_services",
            "economie",
            "mobilite",
            "participation_citoyenne",
            "recherche_innovation",
        ],
        "public": ["habitants", "entreprises"],
        "budget_total": 4500000,
        "financements": "4,5 millions d’euros, pour le Land de Rhénanie-Palatinat.",
        "resultats": "Trois mois après son lancement en 2016, la place de marché comptait 35 vendeurs, plus de 1 200 "
        "produits et 700 habitants inscrits ; 800 articles vendus et plus de 200 livreurs volontaires. DorfFunk réunit "
        "200 à 400 utilisateurs par semaine et par commune. Les projets favorisent la communication entre habitants, "
        "qui se réunissent ensuite spontanément autour d’autres initiatives.",
        "difficultes": "Des chiffres d’utilisation encore faibles lors des tests de prototypes en 2017.",
        "facteurs_reussite": "- Travailler les premiers prototypes avec les habitants pour bien cerner leurs besoins\n"
        "- Impliquer les personnes influentes localement\n"
        "- Offrir des formes de participation souples\n"
        "- Faire connaître résultats et réussites aux habitants",
        "recours_tiers_lieu": False,
        "contact_structure": "Municipalité de Betzdorf-Gebhardshain (Allemagne)",
        "site_web": "http://www.digitale-doerfer.de",
        "autres_liens": "http://www.bg-aktuell.de",
        "licence": "licence_ouverte_2",
        "source": _recueil(56, ", fiche 15"),
    },
)


def load_demo_initiatives(db: Session, actor: Any) -> int:
    """Create the demo initiatives that do not exist yet, published; return how many were created.

    Idempotent: an initiative whose title is already that of a live record of
    the ``initiative`` form is skipped (a volunteer may since have edited it).
    The built-in forms, lists and themes are seeded first when the form is
    missing. ``actor`` is a moderator or administrator (``demo_author``).

    :raises NotFound: the ``initiative`` form was deleted (its key stays taken).
    :raises ValidationError: the form was edited so that the demo values no
        longer fit it (a field removed is fine; a new required field is not).
    """
    try:
        form = form_services.get_form(db, "initiative")
    except NotFound:
        seed_builtin(db, actor)
        form = form_services.get_form(db, "initiative")
    existing = set(db.scalars(select(Record.title).where(Record.form_id == form.id, Record.deleted_at.is_(None))))
    ctx = taxonomy.cleaning_context(db)
    created = 0
    for values in INITIATIVES:
        if values["title"] in existing:
            continue
        services.create_record(db, form, dict(values), actor=actor, policy="account", ctx=ctx, status="published",
                               comment=DEMO_COMMENT)  # fmt: skip
        existing.add(values["title"])
        created += 1
    return created
