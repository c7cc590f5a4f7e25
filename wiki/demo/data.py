"""Read the demo territory's data files (shipped in the package beside this module).

Two formats, both editable by a volunteer with any text editor:

- **a Markdown file per record** (``initiatives/NN-name.md``): a TOML front
  matter between two ``+++`` lines holds the short values (text, numbers,
  lists, booleans), then each long text is a section whose heading is the
  field key (``## description``), its text running to the next heading;
- **a TOML file** (``places.toml``, ``agenda.toml``) for data made of many
  short values.

This module only reads the files and checks their shape, raising
:class:`DemoDataError` with the file and the problem; what the values mean is
checked by the record services when the demo is loaded. It imports nothing of
the wiki.
"""

from __future__ import annotations

import re
import tomllib
from pathlib import Path
from typing import Any

FENCE = "+++"
#: A section heading: ``## `` then a field key.
HEADING = re.compile(r"^## +(\S.*?)\s*$")
KEY = re.compile(r"[a-z][a-z0-9_]*")


class DemoDataError(ValueError):
    """A demo data file cannot be used; the French message names the file and what is wrong."""


def read_toml(path: Path) -> dict[str, Any]:
    """Return the tables of a TOML file."""
    try:
        return tomllib.loads(path.read_text(encoding="utf-8"))
    except tomllib.TOMLDecodeError as error:
        raise DemoDataError(f"{path} : TOML invalide ({error}).") from error


def read_record(path: Path) -> dict[str, Any]:
    """Return the values of a Markdown record file, keyed by field key (front matter first, then sections)."""
    # split("\n"), not splitlines(): a text may hold any other line separator as a character.
    lines = path.read_text(encoding="utf-8").split("\n")
    if not lines or lines[0].strip() != FENCE:
        raise DemoDataError(f"{path} : le fichier doit commencer par une ligne « {FENCE} » (début des métadonnées).")
    try:
        end = next(n for n, line in enumerate(lines[1:], 1) if line.strip() == FENCE)
    except StopIteration:
        raise DemoDataError(f"{path} : la ligne « {FENCE} » qui ferme les métadonnées manque.") from None
    try:
        values = tomllib.loads("\n".join(lines[1:end]))
    except tomllib.TOMLDecodeError as error:
        raise DemoDataError(f"{path} : métadonnées TOML invalides ({error}).") from error
    for key, text in _sections(path, lines, end + 1):
        if key in values:
            raise DemoDataError(f"{path} : « {key} » est donné deux fois (métadonnées ou section).")
        values[key] = text
    if not isinstance(values.get("title"), str) or not values["title"].strip():
        raise DemoDataError(f'{path} : le titre manque (title = "…" dans les métadonnées).')
    return values


def _sections(path: Path, lines: list[str], start: int) -> list[tuple[str, str]]:
    """(key, text) of each ``## key`` section of the body, in order; text stripped of surrounding blank lines."""
    found: list[tuple[str, list[str]]] = []
    for number, line in enumerate(lines[start:], start + 1):
        heading = HEADING.match(line)
        if heading:
            key = heading.group(1)
            if not KEY.fullmatch(key):
                raise DemoDataError(
                    f"{path}, ligne {number} : « {line} » n'est pas une clé de champ (## description, ## resultats…)."
                )
            found.append((key, []))
        elif found:
            found[-1][1].append(line)
        elif line.strip():
            raise DemoDataError(f"{path}, ligne {number} : texte hors section ; commencez par un titre « ## clé ».")
    sections = []
    for key, body in found:
        text = "\n".join(body).strip()
        if not text:
            raise DemoDataError(f"{path} : la section « ## {key} » est vide (écrivez le texte ou retirez le titre).")
        sections.append((key, text))
    return sections


def read_records(folder: Path) -> tuple[dict[str, Any], ...]:
    """Read every ``NN-name.md`` record file of a folder, in file name order (the order records are created in)."""
    records = []
    titles: dict[str, Path] = {}
    for path in sorted(folder.glob("[0-9]*.md")):
        record = read_record(path)
        other = titles.setdefault(record["title"], path)
        if other != path:
            raise DemoDataError(f"{path} : même titre que {other.name} (« {record['title']} »).")
        records.append(record)
    if not records:
        raise DemoDataError(f"{folder} : aucun fichier « NN-nom.md ».")
    return tuple(records)


def read_tables(path: Path, name: str) -> list[dict[str, Any]]:
    """Return the array of tables ``name`` (``[[name]]`` or ``name = [{…}, …]``) of a TOML file; it may not be empty."""
    items = read_toml(path).get(name)
    if not isinstance(items, list) or not items or not all(isinstance(item, dict) for item in items):
        raise DemoDataError(f"{path} : la liste de tables « {name} » manque.")
    return items
