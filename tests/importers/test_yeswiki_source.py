"""Recognising a YesWiki source (dump, gzipped dump, API answers) and sorting its pages, entries and lists."""

from __future__ import annotations

import gzip
import json
from datetime import datetime

import pytest

from importers.yeswiki_source import SourceError
from importers.yeswiki_source import read_time
from importers.yeswiki_source import site_from_bytes
from tests.shared import DATA

YESWIKI = DATA / "yeswiki"
DUMP_2020 = (YESWIKI / "yeswiki-2020_default-content.sql").read_bytes()


def test_the_2020_dump_sorted_into_pages_entries_forms_and_a_list():
    site = site_from_bytes(DUMP_2020)
    assert site.kind == "dump SQL" and (len(site.pages), len(site.entries), len(site.forms)) == (45, 10, 4)
    assert set(site.lists) == {"ListeType"} and site.lists["ListeType"].items["4"] == "Méthodologie / guide"
    assert {e.form_id for e in site.entries.values()} == {"2", "4", "6", "28", "33"}
    assert site.forms["1"].label == "Annuaire" and site.forms["1"].template.startswith("texte***bf_titre***")
    test_date = site.entries["TestDate"]
    assert test_date.versions[0].user == "MelanieMichel" and test_date.versions[0].time == datetime(
        2019, 10, 25, 7, 31, 49
    )
    assert "PagePrincipale" in site.pages and "TestDate" not in site.pages and "ListeType" not in site.pages
    assert any("3 fiche(s) annoncée(s)" in w and "CarapucE" in w for w in site.warnings)


def test_the_2024_schema_is_read_and_holds_nothing():
    site = site_from_bytes((YESWIKI / "yeswiki-2024_create-tables.sql").read_bytes())
    assert site.empty and site.users == 1 and {"pages", "nature", "triples", "users"} <= site.tables


def test_versions_are_kept_oldest_first_and_comments_counted():
    rows = ", ".join([
        "(1, 'P', '2020-01-02 10:00:00', 'v2', '', 'o', 'Bea', 'Y', 'page', '')",
        "(2, 'P', '2019-01-02 10:00:00', 'v1', '', 'o', 'Al', 'N', 'page', '')",
        "(3, 'Comment1', '2020-01-03 10:00:00', 'bravo', '', 'o', 'Cy', 'Y', 'page', 'P')",
        "(4, 'Q', now(), 'sans date', '', 'o', 'Al', 'Y', 'page', '')",
    ])  # fmt: skip
    site = site_from_bytes(f"INSERT INTO yeswiki_pages VALUES {rows};".encode())
    assert [v.body for v in site.pages["P"].versions] == ["v1", "v2"] and site.comments == 1
    assert site.pages["Q"].versions[0].time == datetime(2020, 1, 2, 9, 0)  # the newest date of the source
    assert any("sans date lisible" in w for w in site.warnings)


def test_a_gzipped_dump_is_read():
    assert len(site_from_bytes(gzip.compress(DUMP_2020)).entries) == 10


def test_api_answers_alone_or_gathered():
    pages = {"PageA": {"tag": "PageA", "time": "2023-05-01 12:00:00", "body": "Bonjour", "user": "Ana"}}
    entries = {"FicheA": {"id_fiche": "FicheA", "id_typeannonce": "3", "bf_titre": "A", "date_maj_fiche": "2023-05-02"}}
    forms = [{"bn_id_nature": "3", "bn_label_nature": "Trucs", "bn_template": "texte***bf_titre***Nom***"}]
    assert list(site_from_bytes(json.dumps(pages).encode()).pages) == ["PageA"]
    assert list(site_from_bytes(json.dumps(entries).encode()).entries) == ["FicheA"]
    assert list(site_from_bytes(json.dumps(forms).encode()).forms) == ["3"]
    site = site_from_bytes(json.dumps({"pages": pages, "entries": entries, "forms": forms}).encode())
    assert site.kind == "API JSON" and site.pages["PageA"].versions[0].user == "Ana"
    assert json.loads(site.entries["FicheA"].versions[0].body)["bf_titre"] == "A"


def test_dates_are_paris_wall_times_kept_as_utc():
    assert read_time("2020-07-01 12:00:00") == datetime(2020, 7, 1, 10, 0)
    assert read_time("2020-01-01 12:00") == datetime(2020, 1, 1, 11, 0)
    assert read_time("0000-00-00 00:00:00") is None and read_time(None) is None and read_time("hier") is None


@pytest.mark.parametrize(
    ("data", "expected"),
    [
        (b"", "Fichier vide"),
        (b"   \n", "Fichier vide"),
        (b"[1, 2", "JSON invalide (ligne 1"),
        (b"null", "vide (null)"),
        (b'{"x": {"y": 1}}', "JSON non reconnu : l'objet « x »"),
        (b"<!DOCTYPE html><html></html>", "une page HTML"),
        (b"%PDF-1.4", "un document PDF"),
        (b"SQLite format 3\x00" + bytes(100), "SQLite"),
        (b'<?xml version="1.0"?><mediawiki></mediawiki>', "MediaWiki"),
        (b"\x1f\x8b not gzip", "gzip corrompu"),
        (DUMP_2020[:3000], "tronqué"),
    ],
)
def test_what_is_not_a_yeswiki_source_is_named(data, expected):
    with pytest.raises(SourceError) as caught:
        site_from_bytes(data)
    assert expected in caught.value.message


def test_two_wikis_in_one_dump_are_refused():
    data = b"INSERT INTO a_pages (tag, body) VALUES ('X', 'x'); INSERT INTO b_pages (tag, body) VALUES ('Y', 'y');"
    with pytest.raises(SourceError, match="plusieurs wikis"):
        site_from_bytes(data)
