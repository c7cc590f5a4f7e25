"""Privacy by construction: seed what must never leave, then scan every public output for it.

HOSTILE_INPUTS B8-73 and B8-75: a personal field (no publication consent), a
members-only field, a private field, a draft record and a record waiting for
review each carry a unique marker; no anonymous response of any public output
may contain one. Archives (ODS, XLSX, ZIP) are scanned decompressed. To cover
a new output, add its address to ``PUBLIC_OUTPUTS``.
"""

from __future__ import annotations

import io
import zipfile

import pytest

from tests.wiki.exports.conftest import record_values
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
    record = services.create_record(db, seeded.form, record_values(7, title="Ferme RETIREE-e1e1"), actor=seeded.moderator, policy="account")
    db.commit()
    assert "RETIREE-e1e1" in client.get("/-/modifications").text
    services.set_status(db, record, "draft", actor=seeded.moderator)
    db.commit()
    for url in ("/-/modifications", "/-/modifications.atom", "/-/modifications?type=record"):
        assert "RETIREE-e1e1" not in client.get(url).text, url
