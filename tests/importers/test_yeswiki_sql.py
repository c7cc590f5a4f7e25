"""Reading MySQL dumps row by row: the shared YesWiki files, mysqldump's forms, escapes, legacy encodings, cuts."""

from __future__ import annotations

from collections import Counter

import pytest

from importers.yeswiki_sql import DumpError
from importers.yeswiki_sql import DumpReader
from importers.yeswiki_sql import decode
from importers.yeswiki_sql import table_suffix
from tests.shared import DATA

YESWIKI = DATA / "yeswiki"


def rows(data: bytes) -> list:
    return list(DumpReader(data).rows())


def test_the_2020_default_content_gives_its_forms_pages_and_triples():
    reader = DumpReader((YESWIKI / "yeswiki-2020_default-content.sql").read_bytes())
    found = list(reader.rows())
    assert Counter(row.table for row in found) == {"pages": 56, "triples": 14, "nature": 4}
    nature = found[0]
    assert nature.name == "{{prefix}}nature" and nature.values["bn_label_nature"] == "Agenda"
    assert nature.values["bn_template"].startswith("texte***bf_titre***Nom de l'événement***")
    assert "\r\n" in nature.values["bn_template"]  # \r\n escapes read as the characters
    entry = next(row for row in found if row.values.get("tag") == "TestDate")
    assert entry.values["body"].startswith('{"bf_titre":"Test date","bf_description":"https:\\/\\/yeswiki.net"')
    assert entry.values["user"] == "MelanieMichel" and entry.values["latest"] == "Y"
    # The file ends with "),\n": every row is whole, only the final ';' is missing.
    assert len(reader.warnings) == 1 and "sans « ; »" in reader.warnings[0] and "ligne 80" in reader.warnings[0]


def test_the_2024_schema_gives_its_tables_columns_and_two_setup_rows():
    reader = DumpReader((YESWIKI / "yeswiki-2024_create-tables.sql").read_bytes())
    found = list(reader.rows())
    assert [row.table for row in found] == ["triples", "users"]
    assert reader.columns["{{prefix}}pages"][:4] == ["id", "tag", "time", "body"]
    assert found[1].values["password"] is None and found[1].values["signuptime"] is None  # md5(…), now()
    assert reader.warnings == []


def test_mysqldump_without_column_lists_uses_create_table():
    data = b"""-- MySQL dump 10.13
/*!40101 SET NAMES utf8mb4 */;
DROP TABLE IF EXISTS `wiki_pages`;
CREATE TABLE `wiki_pages` (
  `id` int(10) unsigned NOT NULL AUTO_INCREMENT,
  `tag` varchar(50) NOT NULL DEFAULT '',
  `body` mediumtext NOT NULL COMMENT 'the text; with a semicolon',
  PRIMARY KEY (`id`)
) ENGINE=MyISAM DEFAULT CHARSET=latin1;
LOCK TABLES `wiki_pages` WRITE;
INSERT INTO `wiki_pages` VALUES (1,'Un','a;b'),(2,'Deux',_utf8mb4'c\\'d'),(3,'Trois',NULL);
UNLOCK TABLES;
"""
    found = rows(data)
    assert [(r.table, r.values) for r in found] == [
        ("pages", {"id": 1, "tag": "Un", "body": "a;b"}),
        ("pages", {"id": 2, "tag": "Deux", "body": "c'd"}),
        ("pages", {"id": 3, "tag": "Trois", "body": None}),
    ]


@pytest.mark.parametrize(
    ("literal", "text"),
    [
        (rb"'a\nb\tc\\d'", "a\nb\tc\\d"),
        (rb"'it''s'", "it's"),
        (rb'"double \"quoted\""', 'double "quoted"'),
        (rb"'100\%'", "100\\%"),
        (rb"'\0\Z'", "\0\x1a"),
        (rb"0x48656c6c6f", "Hello"),
        (rb"X'4869'", "Hi"),
        (rb"-12.5", -12.5),
        (rb"TRUE", 1),
    ],
)
def test_mysql_literals(literal, text):
    (row,) = rows(b"INSERT INTO t (v) VALUES (" + literal + b");")
    assert row.values["v"] == text


def test_any_prefix_names_the_same_table():
    assert table_suffix("yeswiki_pages") == table_suffix("{{prefix}}pages") == table_suffix("PAGES") == "pages"
    assert table_suffix("wikini_triples") == "triples" and table_suffix("other") == "other"


def test_legacy_encodings_and_mojibake_are_read_as_text():
    assert decode("Règles".encode("latin-1")) == ("Règles", True)
    assert decode("l’été".encode("cp1252")) == ("l’été", True)
    assert decode("Règles".encode().decode("latin-1").encode()) == ("Règles", True)  # UTF-8 read as latin-1
    assert decode("Règles".encode()) == ("Règles", False)
    latin = "INSERT INTO p (tag, body) VALUES ('Été', 'déjà vu');".encode("latin-1")
    reader = DumpReader(latin)
    assert [r.values for r in reader.rows()] == [{"tag": "Été", "body": "déjà vu"}] and reader.legacy_strings == 2


@pytest.mark.parametrize(
    ("data", "expected"),
    [
        (b"INSERT INTO p (a, b) VALUES ('x', 'unfinished", "tronqué : il s'arrête au milieu d'une valeur"),
        (b"INSERT INTO p (a, b) VALUES ('x', ", "tronqué"),
        (b"INSERT INTO p (a) VALUES ('x') garbage;", "« , » ou « ; » attendu"),
        (b"INSERT INTO p (a) VALUES ('x', @y);", "valeur illisible"),
        (b"INSERT INTO p VALUES ('x');", "colonnes de la table p inconnues"),
        (b"CREATE TABLE p (`a` text COMMENT 'never closed", "tronqué"),
    ],
)
def test_cut_or_broken_dumps_are_refused_with_the_line(data, expected):
    with pytest.raises(DumpError) as caught:
        rows(data)
    assert expected in caught.value.message and "ligne 1" in caught.value.message


def test_a_row_with_the_wrong_number_of_values_is_skipped_with_a_warning():
    reader = DumpReader(b"INSERT INTO p (a, b) VALUES ('x', 'y'), ('only one');")
    assert [r.values for r in reader.rows()] == [{"a": "x", "b": "y"}]
    assert reader.warnings == ["Table p, ligne 2 : 1 valeurs pour 2 colonnes, ignorée."]


def test_rows_are_streamed_one_at_a_time():
    many = b"INSERT INTO p (a) VALUES " + b",".join(b"('%d')" % i for i in range(1000)) + b";"
    stream = DumpReader(many).rows()
    assert next(stream).values == {"a": "0"} and next(stream).values == {"a": "1"}
