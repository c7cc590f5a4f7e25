"""Privacy by construction: seed what must never leave, then scan every public output for it.

HOSTILE_INPUTS B8-73 and B8-75: a personal field (no publication consent), a
members-only field, a private field, a draft record and a record waiting for
review each carry a unique marker; no anonymous response of any public output
may contain one. Archives (ODS, XLSX, ZIP) are scanned decompressed. To cover
a new output, add its address to ``PUBLIC_OUTPUTS``: the scan after an RGPD
erasure (``tests/wiki/privacy/test_scan.py``) covers it too.

Consent (DESIGN: personal fields never leave "unless their publication was
consented"): a personal field under a consent box must appear in exactly the
outputs that show that field (``SHOWS_CONSENTED``) where the box is ticked,
nowhere where it is not, and nowhere once the box is unticked.
"""

from __future__ import annotations

import io
import zipfile

import pytest

from tests.exports_support import login
from tests.factories import make_user
from tests.wiki.exports.conftest import record_values
from tests.wiki.records.test_admin import form_data
from wiki.records import form_services
from wiki.records import services

MARKERS = ("PERSO-7f3a", "MEMBRES-91bc", "PRIVE-44de", "BROUILLON-c0fe", "ATTENTE-5a5a")
#: Every public output, as a template over the seeded form key and a published record id.
PUBLIC_OUTPUTS = (
    "/donnees",
    "/donnees/{form}",
    "/donnees/{form}.csv",
    "/donnees/{form}.tableur.csv",
    "/donnees/{form}.json",
    "/donnees/{form}.json?since=2000-01-01",
    "/donnees/{form}.xlsx",
    "/donnees/{form}.ods",
    "/donnees/{form}/datapackage.json",
    "/donnees/{form}/schema.json",
    "/donnees/{form}.atom",
    "/donnees/pages",
    "/donnees/pages.zip",
    "/donnees/pages.atom",
    "/donnees/catalog.jsonld",
    "/donnees/catalog.ttl",
    "/annuaire",
    "/annuaire/{form}",
    "/annuaire/{form}?vue=tableau",
    "/annuaire/{form}?vue=fiches",
    "/fiches/{record}",
    "/fiches/{record}/historique",
    "/api/v1/forms/{form}",
    "/api/v1/forms/{form}/records",
    "/api/v1/records/{record}",
    "/-/modifications",
    "/-/modifications.atom",
    "/-/recherche?q=Ferme",
    "/robots.txt",
    "/donnees/{form}.ics",
    "/donnees/{form}.geojson",
    "/agenda",
    "/agenda/mois/2026-05",
    "/agenda/archives",
    "/agenda.ics",
    "/agenda/evenements/{record}",
    "/agenda/evenements/{record}.ics",
    "/carte",
    "/carte/{form}",
    "/carte/calque.geojson",
    "/zones",
    "/api/v1/events?start=2026-04-01&end=2026-07-01&limit=200",
    "/api/v1/search?q=ferme&limit=100",
    "/-/recherche?q=ferme",
)


def _texts(body: bytes) -> list[str]:
    """The text of a response, and of every member when it is a ZIP archive (ODS, XLSX, pages)."""
    texts = [body.decode("utf-8", "replace")]
    if body.startswith(b"PK"):
        with zipfile.ZipFile(io.BytesIO(body)) as archive:
            texts.extend(archive.read(name).decode("utf-8", "replace") for name in archive.namelist())
    return texts


@pytest.fixture
def secrets(db, seeded):
    """Records holding the markers where they must stay hidden."""
    perso, membres, prive, brouillon, attente = MARKERS
    public = services.create_record(db, seeded.form, record_values(
        4, title="Ferme publique", courriel_perso=f"{perso}@example.org", note_interne=membres, telephone_perso="02 99 71 06 04",
    ), actor=seeded.moderator, policy="account")  # fmt: skip
    public.data["f_00000011"] = prive  # a private value as an old import could have stored it
    services.create_record(db, seeded.form, record_values(5, title=f"Ferme {brouillon}", presentation=brouillon),
                           actor=seeded.moderator, policy="account", status="draft")  # fmt: skip
    services.create_record(db, seeded.form, record_values(6, title=f"Ferme {attente}", presentation=attente),
                           actor=seeded.moderator, policy="account", status="pending")  # fmt: skip
    db.commit()
    return public


def test_no_public_output_reveals_private_data(client, seeded, secrets):
    _assert_nothing_private_leaves(client, seeded, secrets)


def _assert_nothing_private_leaves(client, seeded, secrets) -> None:
    assert client.get(f"/fiches/{secrets.id}").status_code == 200
    checked = 0
    for template in PUBLIC_OUTPUTS:
        url = template.format(form=seeded.form.key, record=secrets.id)
        response = client.get(url)
        assert response.status_code == 200, url
        for text in _texts(response.data):
            found = [marker for marker in MARKERS if marker in text]
            assert found == [], f"{url} reveals {found}"
            assert "02 99 71 06 04" not in text and "0299710604" not in text, url
        checked += 1
    assert checked == len(PUBLIC_OUTPUTS)


def test_exports_are_the_same_for_a_moderator(client, seeded, secrets):
    """Downloads are the public projection whoever asks: a moderator's session changes nothing."""
    from tests.exports_support import login

    anonymous = {url: client.get(url).data for url in ("/donnees/fermes.csv", "/donnees/fermes.json")}
    login(client, "Modo")
    for url, body in anonymous.items():
        assert client.get(url).data == body


def test_a_record_withdrawn_after_publication_leaves_recent_changes(client, db, seeded):
    record = services.create_record(
        db, seeded.form, record_values(7, title="Ferme RETIREE-e1e1"), actor=seeded.moderator, policy="account"
    )
    db.commit()
    assert "RETIREE-e1e1" in client.get("/-/modifications").text
    services.set_status(db, record, "draft", actor=seeded.moderator)
    db.commit()
    for url in ("/-/modifications", "/-/modifications.atom", "/-/modifications?type=record"):
        assert "RETIREE-e1e1" not in client.get(url).text, url


# --- consent to publish a personal value -----------------------------------------------------------

CONSENTED, REFUSED = "ACCORD-3b3b", "REFUS-9c9c"
#: The outputs that show the consent-governed field (the organiser of an event, personal data), by design.
SHOWS_CONSENTED = frozenset({
    "/donnees/{form}.csv",
    "/donnees/{form}.tableur.csv",
    "/donnees/{form}.json",
    "/donnees/{form}.json?since=2000-01-01",
    "/donnees/{form}.xlsx",
    "/donnees/{form}.ods",
    "/annuaire/{form}",
    "/annuaire/{form}?vue=tableau",
    "/annuaire/{form}?vue=fiches",
    "/fiches/{record}",
    "/api/v1/forms/{form}/records",
    "/api/v1/records/{record}",
    "/donnees/{form}.geojson",
    "/agenda",  # the agenda's pages list organisers in their filter menu
    "/agenda/mois/2026-05",
    "/agenda/archives",
    "/agenda/evenements/{record}",
    "/api/v1/events?start=2026-04-01&end=2026-07-01&limit=200",
    "/api/v1/search?q=ferme&limit=100",
    "/-/recherche?q=Ferme",
    "/-/recherche?q=ferme",
})  # fmt: skip
#: Searches for the consented word alone: they must find the record exactly while consent is ticked.
SEARCHES = ("/api/v1/search?q=3b3b&limit=100", "/-/recherche?q=3b3b")
#: A personal organiser (someone's name) published only where the person agreed, placed early so lists show it.
CONSENT_FIELDS = [
    {"id": "f_00000021", "key": "organisateur", "type": "text", "label": "Organisatrice ou organisateur", "personal": True,
     "consent_field": "accord_organisateur"},
    {"id": "f_00000022", "key": "accord_organisateur", "type": "boolean", "label": "La personne accepte d’être nommée"},
]  # fmt: skip


def _scan(client, form_key: str, record_id: int, marker: str) -> set[str]:
    """Return the public outputs (templates) whose anonymous response holds ``marker``."""
    found = set()
    for template in PUBLIC_OUTPUTS:
        url = template.format(form=form_key, record=record_id)
        response = client.get(url)
        assert response.status_code == 200, url
        if any(marker in text for text in _texts(response.data)):
            found.add(template)
    return found


def _found_by(client, record_id: int) -> set[str]:
    """Return the searches of :data:`SEARCHES` that find the record (the hit's highlighting splits the word itself)."""
    return {url for url in SEARCHES if f"/fiches/{record_id}" in client.get(url).text}


@pytest.fixture
def consent(db, seeded, secrets):
    """The form gains a consent-governed personal field; one record's person agreed, another's did not."""
    form = seeded.form
    fields = [form.fields[0], *CONSENT_FIELDS, *form.fields[1:]]
    form_services.update_form(db, form, title=form.title, fields=fields, actor=seeded.moderator)
    agreed = services.create_record(db, form, record_values(8, title="Ferme de Paule", organisateur=f"Paule {CONSENTED}",
                                                            accord_organisateur="on"), actor=seeded.moderator, policy="account")  # fmt: skip
    refused = services.create_record(db, form, record_values(9, title="Ferme de Jean", organisateur=f"Jean {REFUSED}"),
                                     actor=seeded.moderator, policy="account")  # fmt: skip
    db.commit()
    return agreed, refused


def test_a_consented_personal_value_reaches_every_output_that_shows_its_field(client, seeded, secrets, consent):
    agreed, refused = consent
    assert _scan(client, seeded.form.key, agreed.id, CONSENTED) == SHOWS_CONSENTED
    assert _found_by(client, agreed.id) == set(SEARCHES)
    assert _scan(client, seeded.form.key, refused.id, REFUSED) == set()
    for url in ("/api/v1/search?q=9c9c&limit=100", "/-/recherche?q=9c9c"):
        assert f"/fiches/{refused.id}" not in client.get(url).text, url
    # The other secrets stay hidden, whatever consent elsewhere.
    _assert_nothing_private_leaves(client, seeded, secrets)


def test_unticking_consent_takes_the_value_back_from_every_output(client, db, seeded, consent):
    agreed, _ = consent
    assert _scan(client, seeded.form.key, agreed.id, CONSENTED) == SHOWS_CONSENTED
    # A contributor who is not the record's author unticks the box: the value stays, for moderators only.
    make_user(db, "Voisine")
    db.commit()
    login(client, "Voisine")
    action = f"/fiches/{agreed.id}/modifier"
    form = form_data(client.get(action).text, action)
    assert "organisateur" not in form and form["accord_organisateur"] == "on"  # consent opens reading, not editing
    del form["accord_organisateur"]
    assert client.post(action, data=form).status_code == 302
    client.post("/-/deconnexion")
    db.rollback()
    assert db.get(type(agreed), agreed.id).data["f_00000021"] == f"Paule {CONSENTED}"
    assert _scan(client, seeded.form.key, agreed.id, CONSENTED) == set()
    assert _found_by(client, agreed.id) == set()


def test_the_data_dictionary_describes_a_consented_column_honestly(client, seeded, consent):
    package = client.get(f"/donnees/{seeded.form.key}/datapackage.json").json
    schema = next(r["schema"] for r in package["resources"] if r.get("schema"))
    column = next(f for f in schema["fields"] if f["name"] == "organisateur")
    assert "seulement si la personne l’a accepté" in column["description"] and "vide sinon" in column["description"]
    assert "constraints" not in column  # never required: empty wherever consent is missing
    assert "courriel_perso" not in [f["name"] for f in schema["fields"]]  # personal without a box: no column at all
    meta = {f["key"]: f for f in client.get(f"/donnees/{seeded.form.key}.json").json["dataset"]["fields"]}
    assert meta["organisateur"] | {"label": ""} == {"key": "organisateur", "type": "text", "label": "", "personal": True,
                                                   "consent_field": "accord_organisateur"}  # fmt: skip
    assert "personal" not in meta["title"] and "courriel_perso" not in meta
    page = client.get(f"/donnees/{seeded.form.key}").text
    assert (
        "Donnée personnelle : publiée seulement si la personne l’a accepté (case « La personne accepte d’être nommée ») ; vide sinon."
        in page
    )
