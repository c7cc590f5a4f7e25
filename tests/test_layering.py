"""The dependency rules of STYLE.md, checked on the import statements."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
SOURCES = sorted(
    p for top in ("wiki", "geodata", "importers") for p in (ROOT / top).rglob("*.py") if "migrations" not in p.parts
)
PURE = (
    "wiki/markup/__init__.py",
    "wiki/markup/titles.py",
    "wiki/markup/defuse.py",
    "wiki/markup/extensions.py",
    "wiki/markup/sanitizer.py",
    "wiki/textdiff.py",
    "wiki/macros.py",
    "wiki/records/fields.py",
    "wiki/records/schema.py",
    "wiki/records/options.py",
    "wiki/records/disclosure.py",
    "wiki/records/values.py",
    "wiki/records/schedules.py",
    "wiki/records/contacts.py",
    "wiki/records/display.py",
    "geodata/fields.py",
    "wiki/records/widgets.py",
    "wiki/records/admin_inputs.py",
    "wiki/records/admin_history.py",
    "wiki/agenda/recurrence.py",
    "wiki/agenda/rules.py",
    "wiki/agenda/builder.py",
    "wiki/exports/ical.py",
    "wiki/exports/vtimezone.py",
    "wiki/exports/geojson.py",
    "geodata/geometry.py",
    "importers/features.py",
    "importers/ical_values.py",
    "importers/ical_events.py",
)
#: The pure field modules of records may use each other, nothing else of ours;
#: the markup package's modules use each other.
PURE_SIBLINGS = (
    "wiki.markup",
    "wiki.records.fields",
    "wiki.records.schema",
    "wiki.records.options",
    "wiki.records.disclosure",
    "wiki.records.values",
    "wiki.records.schedules",
    "wiki.records.contacts",
    "wiki.records.display",
    "geodata.fields",
    "wiki.agenda",
    "geodata.geometry",
    "importers.features",
    "importers.ical_values",
    "wiki.exports.vtimezone",
)
#: Service modules that are not named services.py: the agenda's, the records' and the pages', split by responsibility.
SERVICES = (
    "wiki/pages/saving.py",
    "wiki/pages/moderation.py",
    "wiki/records/form_services.py",
    "wiki/records/access.py",
    "wiki/records/facets.py",
    "wiki/records/seeding.py",
    "wiki/agenda/projection.py",
    "wiki/agenda/occurrences.py",
    "wiki/agenda/overrides.py",
    "wiki/agenda/feeds.py",
    "wiki/exports/rows.py",
    "wiki/exports/downloads.py",
    "wiki/exports/calendar.py",
    "wiki/exports/vevents.py",
)
KERNEL = (
    "wiki/db.py",
    "wiki/caching.py",
    "wiki/paging.py",
    "wiki/signals.py",
    "wiki/config.py",
    "wiki/markup/__init__.py",
    "wiki/markup/titles.py",
    "wiki/markup/defuse.py",
    "wiki/markup/extensions.py",
    "wiki/markup/sanitizer.py",
    "wiki/textdiff.py",
    "wiki/macros.py",
)


def imports_of(path: Path) -> set[str]:
    """Every module named in an import statement of ``path``."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    found: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            found.add(node.module)
            found.update(f"{node.module}.{alias.name}" for alias in node.names)
    return found


def rel(path: Path) -> str:
    return path.relative_to(ROOT).as_posix()


@pytest.mark.parametrize("path", [p for p in SOURCES if rel(p) in PURE], ids=rel)
def test_pure_modules_import_no_flask_nor_project(path):
    bad = {m for m in imports_of(path) if m.split(".")[0] in ("flask", "wiki", "geodata", "importers", "sqlalchemy")}
    bad = {m for m in bad if not m.startswith(PURE_SIBLINGS) and m != "wiki.records"}
    assert bad == set()


@pytest.mark.parametrize("path", [p for p in SOURCES if rel(p) in KERNEL], ids=rel)
def test_kernel_imports_no_domain(path):
    kernel = tuple(k.removesuffix(".py").replace("/", ".") for k in KERNEL)
    bad = {m for m in imports_of(path) if m.startswith("wiki.") and not m.startswith(kernel)}
    assert bad == set()


@pytest.mark.parametrize(
    "path",
    [p for p in SOURCES if p.parent.name != "activity" and "search" not in p.parts and "exports" not in p.parts],
    ids=rel,
)
def test_domains_never_import_their_subscribers(path):
    bad = {m for m in imports_of(path) if m.startswith(("wiki.activity", "wiki.search", "wiki.exports"))}
    if rel(path) in ("wiki/__init__.py", "wiki/api/search.py"):
        bad.clear()  # create_app wires everything; the search API is the web face of the search projection
    assert bad == set()


@pytest.mark.parametrize(
    "path", [p for p in SOURCES if p.name in ("services.py", "models.py") or rel(p) in SERVICES], ids=rel
)
def test_services_and_models_never_touch_the_request(path):
    imported = imports_of(path)
    assert not {"flask.request", "flask.session", "flask.g"} & imported


@pytest.mark.parametrize("path", [p for p in SOURCES if p.name == "views.py"], ids=rel)
def test_views_do_not_import_other_domains_models(path):
    own = path.parent.name
    bad = {m for m in imports_of(path) if m.endswith(".models") or ".models." in m}
    bad = {m for m in bad if not m.startswith(f"wiki.{own}.")}
    assert bad == set()


def test_nothing_imports_importers():
    offenders = [
        rel(p)
        for p in SOURCES
        if not rel(p).startswith("importers/")
        and rel(p) != "wiki/__init__.py"
        and any(m.startswith("importers") for m in imports_of(p))
    ]
    assert offenders == []


@pytest.mark.parametrize("path", [p for p in SOURCES if rel(p).startswith("importers/")], ids=rel)
def test_importers_reach_the_wiki_only_through_services(path):
    bad = {m for m in imports_of(path) if m.split(".")[0] in ("wiki", "geodata") and (".models" in m or ".views" in m)}
    assert bad == set()


def test_every_listed_service_module_exists():
    assert [m for m in SERVICES if not (ROOT / m).is_file()] == []


def test_no_star_imports_and_no_utils_module():
    for path in SOURCES:
        tree = ast.parse(path.read_text(encoding="utf-8"))
        assert not any(isinstance(n, ast.ImportFrom) and any(a.name == "*" for a in n.names) for n in ast.walk(tree)), (
            rel(path)
        )
        assert path.name != "utils.py"


def test_public_functions_have_docstrings():
    missing = []
    for path in SOURCES:
        if (
            path.name not in ("services.py", "models.py")
            and path.parent.name not in ("importers", "exports")
            and rel(path) not in SERVICES
        ):
            continue
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if (
                isinstance(node, (ast.FunctionDef, ast.ClassDef))
                and not node.name.startswith("_")
                and not ast.get_docstring(node)
            ):
                missing.append(f"{rel(path)}:{node.name}")
    assert missing == []
