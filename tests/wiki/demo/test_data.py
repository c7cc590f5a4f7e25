"""The demo data files (wiki.demo.data): the loader's format, its errors, and the files shipped in the package."""

from __future__ import annotations

import configparser
import datetime as dt
from pathlib import Path

import pytest

from wiki.demo import agenda
from wiki.demo import places
from wiki.demo.data import DemoDataError
from wiki.demo.data import read_record
from wiki.demo.data import read_records
from wiki.demo.data import read_tables

ROOT = Path(__file__).resolve().parents[3]
DEMO = ROOT / "wiki" / "demo"


def write(folder: Path, name: str, text: str) -> Path:
    path = folder / name
    path.write_text(text, encoding="utf-8")
    return path


def test_a_record_file_gives_front_matter_values_then_section_texts(tmp_path):
    path = write(
        tmp_path,
        "01-x.md",
        '+++\ntitle = "Café"\npopulation = 126\nthemes = ["culture"]\nlibre = true\n+++\n\n'
        "## resume\n\nUn lieu.\n\n## description\n\nPremier paragraphe.\n\n- un point\n- un autre\n\n\n",
    )
    assert read_record(path) == {
        "title": "Café",
        "population": 126,
        "themes": ["culture"],
        "libre": True,
        "resume": "Un lieu.",
        "description": "Premier paragraphe.\n\n- un point\n- un autre",
    }


def test_records_are_read_in_file_name_order_without_the_readme(tmp_path):
    write(tmp_path, "02-b.md", '+++\ntitle = "B"\n+++\n')
    write(tmp_path, "01-a.md", '+++\ntitle = "A"\n+++\n')
    write(tmp_path, "README.md", "# Not a record\n")
    assert [r["title"] for r in read_records(tmp_path)] == ["A", "B"]


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("title = 'x'\n", "doit commencer par une ligne « +++ »"),
        ('+++\ntitle = "x"\n', "la ligne « +++ » qui ferme les métadonnées manque"),
        ('+++\ntitle = "x\n+++\n', "métadonnées TOML invalides"),
        ('+++\ntitle = "x"\n+++\nUn texte perdu.\n', "ligne 4 : texte hors section"),
        ('+++\ntitle = "x"\n+++\n## Résumé\n\nTexte\n', "ligne 4 : « ## Résumé » n'est pas une clé de champ"),
        ('+++\ntitle = "x"\n+++\n## title\n\nAutre\n', "« title » est donné deux fois"),
        ('+++\ntitle = "x"\n+++\n## resume\n\nA\n\n## resume\n\nB\n', "« resume » est donné deux fois"),
        ('+++\ntitle = "x"\n+++\n## resume\n\n## objectifs\n\nB\n', "la section « ## resume » est vide"),
        ('+++\nporteur = "x"\n+++\n', "le titre manque"),
    ],
)
def test_a_malformed_record_file_says_which_file_and_what_is_wrong(tmp_path, text, message):
    path = write(tmp_path, "07-broken.md", text)
    with pytest.raises(DemoDataError) as caught:
        read_record(path)
    assert str(caught.value).startswith(str(path)) and message in str(caught.value)


def test_two_records_with_one_title_or_none_at_all_are_refused(tmp_path):
    with pytest.raises(DemoDataError, match="aucun fichier"):
        read_records(tmp_path)
    write(tmp_path, "01-a.md", '+++\ntitle = "A"\n+++\n')
    write(tmp_path, "02-a.md", '+++\ntitle = "A"\n+++\n')
    with pytest.raises(DemoDataError, match="02-a.md : même titre que 01-a.md"):
        read_records(tmp_path)


def test_a_toml_file_without_its_tables_or_with_a_syntax_error_is_refused(tmp_path):
    path = write(tmp_path, "data.toml", 'places = "none"\n')
    with pytest.raises(DemoDataError, match="la liste de tables « places » manque"):
        read_tables(path, "places")
    write(tmp_path, "data.toml", "[[places]\n")
    with pytest.raises(DemoDataError, match=r"data.toml : TOML invalide \(.*line 1"):
        read_tables(path, "places")


def test_a_place_needs_a_known_commune_and_one_position(tmp_path, monkeypatch):
    communes = 'communes = [{ code = "35236", name = "Redon", centre = [-2.08, 47.65] }]\n'
    place = '[[places]]\ntitle = "Halle"\ntype_lieu = "marche"\n'
    monkeypatch.setattr(places, "DATA_FILE", tmp_path / "places.toml")
    write(tmp_path, "places.toml", communes + place + 'commune = "35000"\noffset = [0.0, 0.0]\n')
    with pytest.raises(DemoDataError, match="« Halle » : commune '35000' absente"):
        places.demo_places()
    write(tmp_path, "places.toml", communes + place + 'commune = "35236"\n')
    with pytest.raises(DemoDataError, match="soit offset"):
        places.demo_places()
    write(tmp_path, "places.toml", communes + place + 'commune = "35236"\noffset = [0.001, -0.002]\n')
    assert places.demo_places()[0]["localisation"] == {"type": "Point", "coordinates": [-2.079, 47.648]}


def test_an_unknown_date_name_in_the_agenda_is_named(tmp_path, monkeypatch):
    monkeypatch.setattr(agenda, "DATA_FILE", tmp_path / "agenda.toml")
    write(tmp_path, "agenda.toml", '[[events]]\ntitle = "Bal"\n[events.horaire]\nstart = "{bal}T20:00"\n')
    with pytest.raises(DemoDataError, match=r"« Bal » : date inconnue \{bal\} \(connues : \{market\}"):
        agenda.demo_events(dt.date(2026, 3, 1))


def test_agenda_dates_are_computed_from_today_and_filled_in_keys_and_values():
    """Sunday 1 March 2026: the 1st minus 31 days falls in January, whose 2nd Tuesday is the 13th."""
    events = {values["title"]: (values, changes) for values, changes in agenda.demo_events(dt.date(2026, 3, 1))}
    values, changes = events["Conseil municipal de Redon"]
    assert values["horaire"]["start"] == "2026-01-13T20:00"
    moved = {"start": "2026-03-12T20:00", "end": "2026-03-12T22:30", "location": "Salle du Parc, Redon"}
    assert changes == {"cancelled": ["2026-04-14T20:00"], "moved": {"2026-03-10T20:00": moved}}
    market = events["Marché de Redon"][0]["horaire"]
    assert (market["start"], market["rrule"]) == ("2026-02-09T08:00", "FREQ=WEEKLY;BYDAY=MO;UNTIL=20270301")
    assert events["Fête de la châtaigne"][0]["horaire"] == {
        "start": "2026-04-11",
        "end": "2026-04-12",
        "all_day": True,
        "timezone": "Europe/Paris",
    }


def test_init_demo_reports_a_broken_data_file_without_a_traceback(runner, monkeypatch, tmp_path):
    monkeypatch.setattr(agenda, "DATA_FILE", write(tmp_path, "agenda.toml", "[[events]\n"))
    result = runner.invoke(args=["init", "--demo"])
    assert result.exit_code == 1 and "Traceback" not in result.output
    assert f"Error: {tmp_path / 'agenda.toml'} : TOML invalide" in result.output


def test_every_demo_data_file_is_shipped_in_the_package():
    """A non-editable install (wheel, Docker image) carries the files the package_data globs match."""
    config = configparser.ConfigParser()
    config.read(ROOT / "setup.cfg", encoding="utf-8")
    globs = config["options.package_data"]["wiki"].split()
    shipped = {path for pattern in globs for path in (ROOT / "wiki").glob(pattern)}
    data = {path for path in DEMO.rglob("*") if path.is_file() and path.suffix not in (".py", ".pyc")}
    assert data and data <= shipped, sorted(str(p.relative_to(ROOT)) for p in data - shipped)
