"""Reading spreadsheets as text tables: every shared CSV, encodings, separators, quotes, and hostile files."""

from __future__ import annotations

import codecs

import pytest

from importers.table_read import detect_encoding
from importers.table_read import sniff
from importers.table_read import table_from_bytes
from importers.table_read import table_from_path
from importers.table_rows import MAX_COLUMNS
from importers.table_rows import TableError
from tests.shared import DATA

CSV_FR = DATA / "csv-fr"
SCHEMAS = DATA / "opendata-fr/schemas"
#: Every CSV sample: (separator, data rows, encoding, first header cell, first data row's line).
EXPECTED = {
    "csv-detective/a_test_file.csv": (";", 404, "UTF-8", "NUMCOM", 4),
    "csv-detective/dates.csv": (";", 10, "UTF-8", "date_creation", 2),
    "csv-detective/divers.csv": (";", 10, "UTF-8", "sexe", 2),
    "csv-detective/ids_fr.csv": (";", 10, "UTF-8", "siret", 2),
    "csv-detective/irve.csv": (",", 100, "UTF-8", "nom_amenageur", 2),
    "data-fair/2018-08-30_Type_qualificatif.csv": (",", 3, "UTF-8", "ID", 2),
    "data-fair/Antennes du CD22.csv": (",", 4, "UTF-8", "Sites", 2),
    "data-fair/Fibre optique_ noeuds de la montée en débit dans le département des Côtes d'Armor.csv": (
        ",", 732, "UTF-8", "ID_NOEUD", 2),
    "data-fair/dataset-bad-separators.csv": (",", 18, "UTF-8", "prop1", 2),
    "data-fair/dataset-latin1.csv": (",", 2, "ISO-8859-1 (latin-1)", "id", 2),
    "data-fair/formatting-issues.csv": (";", 12, "UTF-8", "Structure porteuse", 2),
    "data-fair/jep-2019.csv": (",", 35, "UTF-8", "Identifiant", 2),
    "data-fair/single-quotes.csv": (";", 4999, "UTF-8", "DEPCOM", 2),
    "data-fair/some-quotes.csv": (";", 1, "UTF-8", "Code service CH", 2),
    "data-fair/tab-sep.tsv": ("\t", 2, "UTF-8", "id", 2),
    "misc-encodings/test.csvy.UTF8.RFC4180.csvy": (",", 2, "UTF-8", "var1", 18),
    "rna-associations/rna_sample_import.csv": (";", 3, "UTF-8", "id", 2),
    "rna-associations/rna_sample_waldec.csv": (";", 3, "UTF-8", "id", 2),
}  # fmt: skip
LATIN1 = (CSV_FR / "data-fair/dataset-latin1.csv").read_bytes()


def test_every_csv_sample_is_listed_here():
    found = {p.relative_to(CSV_FR).as_posix() for p in CSV_FR.rglob("*") if p.is_file() and p.suffix != ".md"}
    assert found == set(EXPECTED)


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_every_shared_csv_reads_with_its_separator_encoding_and_lines(name):
    delimiter, count, encoding, first, line = EXPECTED[name]
    table = table_from_bytes((CSV_FR / name).read_bytes())
    rows = list(table.rows())
    assert (table.kind, table.delimiter, table.count, len(rows), table.encoding) == ("csv", delimiter, count, count,
                                                                                     encoding)  # fmt: skip
    assert table.header[0] == first and rows[0].line == line
    assert all(len(row.cells) >= len(table.header) for row in rows)


@pytest.mark.parametrize("path", sorted(SCHEMAS.rglob("*.csv")), ids=lambda p: p.name)
def test_the_schema_examples_read(path):
    table = table_from_bytes(path.read_bytes())
    assert table.delimiter == "," and table.count in (1, 2)
    assert table.header[0] in ("id_local", "id_pdc_itinerance", "nom_amenageur")


def test_what_is_said_about_odd_samples():
    repeated = table_from_bytes((CSV_FR / "csv-detective/a_test_file.csv").read_bytes())
    assert "ligne 2 : répète l'en-tête, ignorée." in repeated.warnings
    fibre = (CSV_FR / "data-fair").glob("Fibre*.csv")
    data = next(fibre).read_bytes()
    assert data.startswith(codecs.BOM_UTF8 * 2)
    assert table_from_bytes(data).header[0] == "ID_NOEUD"  # the second byte order mark too
    damaged = table_from_bytes((CSV_FR / "data-fair/formatting-issues.csv").read_bytes())
    assert any("caractères de remplacement" in w for w in damaged.warnings)
    assert damaged.header[6:] == ["colonne 7", "colonne 8", "colonne 9", "colonne 10", "colonne 11"]
    quotes = table_from_bytes((CSV_FR / "data-fair/single-quotes.csv").read_bytes())
    assert next(quotes.rows()).cells[1] == "L' Abergement-Clémenciat"  # an apostrophe is no quote
    csvy = table_from_bytes((CSV_FR / "misc-encodings/test.csvy.UTF8.RFC4180.csvy").read_bytes())
    assert csvy.warnings == ["lignes 1 à 16 : en-tête YAML (CSVY) ignoré."]
    multiline = table_from_bytes((CSV_FR / "data-fair/jep-2019.csv").read_bytes())
    lines = [row.line for row in multiline.rows()]
    assert lines[:3] == [2, 16, 35]  # a quoted cell over several lines: the row's first line


@pytest.mark.parametrize(
    "encode",
    [
        lambda text: codecs.BOM_UTF8 + text.encode("utf-8"),
        lambda text: text.encode("utf-16"),
        lambda text: text.encode("utf-16-le"),
        lambda text: text.encode("utf-16-be"),
        lambda text: text.encode("utf-32"),
        lambda text: text.encode("cp1252"),
        lambda text: text.replace("\n", "\r\n").encode("utf-8"),
        lambda text: text.replace("\n", "\r").encode("utf-8"),
    ],
    ids=["utf8-bom", "utf16-bom", "utf16le", "utf16be", "utf32", "cp1252", "crlf", "cr"],
)
def test_encodings_and_line_ends(encode):
    text = LATIN1.decode("latin-1").replace("première", "œuvre première")  # œ exists in cp1252, not latin-1
    table = table_from_bytes(encode(text))
    rows = list(table.rows())
    assert table.header == ["id", "adr"] and [r.line for r in rows] == [2, 3]
    assert rows[1].cells == ["bidule", "œuvre première adresse inconnue"]


def test_legacy_encodings_are_named():
    assert detect_encoding(LATIN1) == ("latin-1", "ISO-8859-1 (latin-1)")
    assert detect_encoding("Œuvre;€\n".encode("cp1252")) == ("cp1252", "Windows-1252")
    assert detect_encoding("é".encode()) == ("utf-8", "")


def test_a_file_mixing_utf8_and_latin1_is_refused_with_its_line():
    data = "id,adr\nun,déjà\n".encode() + "deux,première\n".encode("latin-1")
    with pytest.raises(TableError, match="ligne 3 : encodage mélangé"):
        table_from_bytes(data)


def test_a_byte_order_mark_inside_the_first_quoted_cell():
    table = table_from_bytes('"\ufeffNom";"Ville"\n"Médiathèque";"Redon"\n'.encode())
    assert table.header == ["Nom", "Ville"] and table.delimiter == ";"


def test_separators_and_quotes_are_sniffed():
    assert sniff("a|b|c\n1|2|3\n") == ("|", '"')
    assert sniff("nom;prix\nPain;1,20\nLait;0,95\n") == (";", '"')  # decimal commas are no separators
    assert sniff("'nom','ville'\n'Le Local','Redon'\n'La Forge','Rieux'\n") == (",", "'")
    quoted = table_from_bytes(b"'nom','ville'\n'Le Local, tiers-lieu','Redon'\n")
    assert next(quoted.rows()).cells == ["Le Local, tiers-lieu", "Redon"]
    assert any("apostrophe" in w for w in quoted.warnings)
    single = table_from_bytes(b"nom\nLe Local\nLa Forge\n")
    assert single.header == ["nom"] and single.count == 2 and any("une seule colonne" in w for w in single.warnings)


def test_cells_keep_control_characters_for_the_caller_to_report():
    table = table_from_bytes(b"nom,ville\nLe\x00Local,Re\x1bdon\n")
    assert next(table.rows()).cells == ["Le\x00Local", "Re\x1bdon"]


def test_blank_and_short_rows_and_repeated_names():
    table = table_from_bytes(b"nom,nom,\n\nLe Local\n,,\nLa Forge,x,y,z\n")
    assert table.header == ["nom", "nom (2)", "colonne 3"] and any("déjà pris" in w for w in table.warnings)
    assert [(r.line, r.cells) for r in table.rows()] == [(3, ["Le Local", "", ""]), (5, ["La Forge", "x", "y", "z"])]


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"", "fichier vide"),
        (b"  \n\n", "fichier vide"),
        (b"nom,ville\n", "aucune ligne de données"),
        (b"%PDF-1.7 ...", "document PDF"),
        (b'{"type": "FeatureCollection"}', "document GeoJSON ; choisissez le format geojson"),
        (b"SQLite format 3\x00....", "base de données SQLite"),
        (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", "Office ancien.*XLSX ou en CSV"),
        (b"PK\x03\x04garbage", "archive ZIP endommagée"),
        (b'nom,x\n"jamais ferm\xc3\xa9' + b"a" * 140_000 + b"\n", "ligne 2 : cellule de plus de 131 072"),
        (b"a" * 1_000_001 + b"\n", "ligne 1 : plus de 1 000 000 caractères"),
        (b",".join([b"c"] * (MAX_COLUMNS + 1)) + b"\n1\n", "trop de colonnes : 1001"),
    ],
    ids=["empty", "blank", "header-only", "pdf", "json", "sqlite", "xls", "zip", "open-quote", "long-line", "columns"],
)
def test_unreadable_files_are_refused_with_a_reason(data, message):
    with pytest.raises(TableError, match=message):
        table_from_bytes(data)


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_every_shared_csv_reads_from_its_path_as_from_its_bytes(name):
    path = CSV_FR / name
    from_bytes, from_path = table_from_bytes(path.read_bytes()), table_from_path(path)
    assert (from_path.header, from_path.count, from_path.encoding, from_path.delimiter, from_path.warnings) == (
        from_bytes.header, from_bytes.count, from_bytes.encoding, from_bytes.delimiter, from_bytes.warnings)  # fmt: skip
    assert list(from_path.rows()) == list(from_bytes.rows())


def test_a_file_read_from_its_path_is_streamed_not_held(tmp_path):
    path = tmp_path / "lignes.csv"
    path.write_text("nom;ville\n" + "".join(f"Lieu {n:05d};Redon\n" for n in range(20_000)), encoding="utf-8")
    table = table_from_path(path)
    rows = table.rows()
    assert next(rows).cells == ["Lieu 00000", "Redon"]
    with path.open("r+b") as stream:  # change the last row in place, once the first row is read
        stream.seek(-len("Redon\n"), 2)
        stream.write(b"Vanne\n")
    *_, last = rows
    assert last.cells == ["Lieu 19999", "Vanne"]  # read from the disk as it goes: the file is not in memory


def test_a_mixed_encoding_is_found_across_the_chunks_of_a_file_read_from_its_path(tmp_path):
    path = tmp_path / "mêlé.csv"
    body = "nom;ville\n" + "Médiathèque;Redon\n" * 80_000  # beyond one chunk of reading
    path.write_bytes(body.encode() + "Crêperie;Vannes\n".encode("latin-1"))
    with pytest.raises(TableError) as error:
        table_from_path(path)
    assert error.value.message.startswith("ligne 80002 : encodage mélangé")
    with pytest.raises(TableError) as same:
        table_from_bytes(path.read_bytes())
    assert same.value.message == error.value.message
