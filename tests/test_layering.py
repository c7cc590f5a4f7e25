"""The architecture of STYLE.md ("Dependency direction"), checked on every module's import statements.

Each module's layer is derived, never listed, so a module is covered the day
it appears:

- **pure** (lowest): a module that imports neither Flask, nor the database
  libraries, nor any project module that does (found by walking the imports).
  Anyone may import it. ``MUST_STAY_PURE`` names the ones whose purity is a
  contract (STYLE rule 4): they fail the test the day they lose it.
- every other module gets its layer from its path, by the first matching
  rule of ``PATH_LAYERS``: kernel < models < services < projections < web <
  app. A domain module without a role name (``queries.py``, ``taxonomy.py``)
  is a service; a new folder is a service until its files say otherwise.

A module may import modules of its own layer or below. On top of the order:
domains never import projections (search, exports, activity) but through
signals; nothing imports ``importers`` but ``create_app``; ``geodata`` and
``importers`` reach the wiki through its kernel, pure and service modules only;
services and models never touch the request; views never import another
domain's models; no module exceeds ``MAX_LINES``.
"""

from __future__ import annotations

import ast
import functools
from fnmatch import fnmatchcase
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
PACKAGES = ("wiki", "geodata", "importers")
SOURCES = sorted(
    p for top in PACKAGES for p in (ROOT / top).rglob("*.py") if "migrations" not in p.relative_to(ROOT).parts
)
#: Every module's syntax tree, parsed once while the tests are collected. CPython 3.11.7 can refuse
#: ``ast.parse`` later in a worker where another test caught a RecursionError ("SystemError: AST
#: constructor recursion depth mismatch", gh-106905): parsing before any test runs avoids it.
TREES = {path: ast.parse(path.read_text(encoding="utf-8")) for path in SOURCES}
LAYERS = ("pure", "kernel", "models", "services", "projections", "web", "app")
#: First match wins (fnmatch: ``*`` also crosses ``/``). Every path matches one of the last three.
PATH_LAYERS = (
    ("wiki/__init__.py", "app"),
    ("wiki/cli.py", "app"),  # the ``lieudit`` command builds the app
    # The app's foundations: they import no domain.
    ("wiki/db.py", "kernel"),
    ("wiki/signals.py", "kernel"),
    ("wiki/config.py", "kernel"),
    ("wiki/caching.py", "kernel"),
    ("wiki/errors.py", "kernel"),
    ("wiki/paging.py", "kernel"),
    ("wiki/i18n.py", "kernel"),
    ("wiki/security.py", "kernel"),
    ("wiki/theming.py", "kernel"),
    ("wiki/migrate.py", "kernel"),
    ("wiki/macros.py", "kernel"),
    ("wiki/textdiff.py", "kernel"),
    ("wiki/hostslots.py", "kernel"),
    ("wiki/markup/*", "kernel"),
    ("geodata/geometry.py", "kernel"),
    ("*/models.py", "models"),
    ("wiki/revisions.py", "models"),
    # Web and command line: routes, commands, macros (they render templates), package wiring (init_app).
    ("*/views.py", "web"),
    ("*_views.py", "web"),
    ("*/cli.py", "web"),
    ("wiki/cli_language.py", "web"),
    ("*/macros.py", "web"),
    ("*/__init__.py", "web"),
    ("wiki/api/*", "web"),
    ("wiki/site/*", "web"),
    ("wiki/records/admin*.py", "web"),
    ("wiki/demo/*", "web"),
    ("importers/*", "web"),
    # Read models fed by signals (STYLE R13-R16).
    ("wiki/search/*", "projections"),
    ("wiki/exports/*", "projections"),
    ("wiki/activity/*", "projections"),
    ("*/subscribers.py", "projections"),
    # Everything else in a package is domain logic.
    ("wiki/*", "services"),
    ("geodata/*", "services"),
)
PROJECTIONS = ("wiki.search", "wiki.exports", "wiki.activity")
#: Libraries a pure module never imports: the web framework, templates, the command line and the database.
IMPURE_LIBRARIES = frozenset(
    {
        "flask",
        "flask_babel",
        "flask_login",
        "flask_wtf",
        "werkzeug",
        "jinja2",
        "click",
        "sqlalchemy",
        "geoalchemy2",
        "alembic",
    }
)
#: Pure by contract (STYLE rule 4): geometry, markup, field types, converters and parsers of outside formats.
MUST_STAY_PURE = (
    "geodata/geometry.py",
    "geodata/fields.py",
    "wiki/markup/*",
    "wiki/textdiff.py",
    "wiki/hostslots.py",
    "wiki/macros.py",
    "wiki/records/fields.py",
    "wiki/records/schema.py",
    "wiki/records/values.py",
    "wiki/records/disclosure.py",
    "wiki/agenda/rules.py",
    "wiki/agenda/recurrence.py",
    "wiki/exports/ical.py",
    "wiki/exports/geojson.py",
    "wiki/exports/tabular.py",
    "importers/features.py",
    "importers/ical_events.py",
)
#: Largest module, in lines (STYLE R24 splits at 500; we hold 400).
MAX_LINES = 400


def rel(path: Path) -> str:
    """The path of a source file from the repository root."""
    return path.relative_to(ROOT).as_posix()


def module_name(path: Path) -> str:
    """The dotted name of a source file."""
    parts = list(path.relative_to(ROOT).with_suffix("").parts)
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


MODULES = {module_name(p): p for p in SOURCES}


def _runtime_nodes(tree: ast.AST) -> list[ast.AST]:
    """Every node of ``tree`` but those under ``if TYPE_CHECKING:`` (annotations only, no dependency at run time)."""
    hidden = {
        id(inner)
        for node in ast.walk(tree)
        if isinstance(node, ast.If) and isinstance(node.test, ast.Name) and node.test.id == "TYPE_CHECKING"
        for child in node.body
        for inner in ast.walk(child)
    }
    return [node for node in ast.walk(tree) if id(node) not in hidden]


@functools.cache
def imports_of(path: Path) -> frozenset[str]:
    """Every module an import statement of ``path`` names at run time: project modules resolved, libraries by name."""
    found: set[str] = set()
    for node in _runtime_nodes(TREES[path]):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            for alias in node.names:
                candidate = f"{node.module}.{alias.name}"
                found.add(candidate if candidate in MODULES else node.module)
    return frozenset(found)


def project_imports(path: Path) -> set[str]:
    """The project modules ``path`` imports (resolved to a known module)."""
    out = set()
    for name in imports_of(path):
        while name and name not in MODULES and name.split(".")[0] in PACKAGES:
            name = name.rpartition(".")[0]
        if name in MODULES and MODULES[name] != path:
            out.add(name)
    return out


@functools.cache
def is_pure(name: str) -> bool:
    """Tell whether a module (and every project module it imports) is free of Flask and the database."""
    path = MODULES[name]
    if any(m.split(".")[0] in IMPURE_LIBRARIES for m in imports_of(path)):
        return False
    return all(is_pure(m) for m in project_imports(path))


def layer_of(name: str) -> str:
    """The layer of a project module: pure, else the first rule of ``PATH_LAYERS`` its path matches."""
    if is_pure(name):
        return "pure"
    path = rel(MODULES[name])
    return next(layer for pattern, layer in PATH_LAYERS if fnmatchcase(path, pattern))


def _matches(path: Path, patterns: tuple[str, ...]) -> bool:
    return any(fnmatchcase(rel(path), pattern) for pattern in patterns)


def test_every_module_gets_a_layer():
    assert {rel(p): layer_of(module_name(p)) for p in SOURCES if layer_of(module_name(p)) not in LAYERS} == {}


@pytest.mark.parametrize("path", SOURCES, ids=rel)
def test_modules_import_only_their_layer_or_below(path):
    own = LAYERS.index(layer_of(module_name(path)))
    above = {m: layer_of(m) for m in project_imports(path) if LAYERS.index(layer_of(m)) > own}
    assert above == {}, f"{rel(path)} is {LAYERS[own]}"


@pytest.mark.parametrize("path", [p for p in SOURCES if _matches(p, MUST_STAY_PURE)], ids=rel)
def test_contract_modules_stay_pure(path):
    impure = {m for m in imports_of(path) if m.split(".")[0] in IMPURE_LIBRARIES}
    impure |= {m for m in project_imports(path) if not is_pure(m)}
    assert impure == set()


@pytest.mark.parametrize("path", SOURCES, ids=rel)
def test_domains_never_import_projections(path):
    if layer_of(module_name(path)) in ("projections", "web", "app") or module_name(path).startswith(PROJECTIONS):
        return
    assert {m for m in project_imports(path) if m.startswith(PROJECTIONS) and not is_pure(m)} == set()


def test_nothing_imports_importers():
    offenders = {
        rel(p): sorted(m for m in project_imports(p) if m.split(".")[0] == "importers")
        for p in SOURCES
        if not rel(p).startswith("importers/") and rel(p) != "wiki/__init__.py"
    }
    assert {path: found for path, found in offenders.items() if found} == {}


@pytest.mark.parametrize("path", [p for p in SOURCES if rel(p).startswith(("geodata/", "importers/"))], ids=rel)
def test_geodata_and_importers_reach_the_wiki_through_its_services(path):
    allowed = ("pure", "kernel", "services")
    bad = {m: layer_of(m) for m in project_imports(path) if m.startswith("wiki.") and layer_of(m) not in allowed}
    assert bad == {}


@pytest.mark.parametrize(
    "path", [p for p in SOURCES if layer_of(module_name(p)) in ("pure", "kernel", "models", "services")], ids=rel
)
def test_services_and_models_never_touch_the_request(path):
    if rel(path) in ("wiki/db.py", "wiki/errors.py", "wiki/i18n.py", "wiki/security.py", "wiki/theming.py"):
        return  # the kernel's request plumbing: sessions per request, error pages, locale, headers, templates
    touched = set()
    for node in ast.walk(TREES[path]):
        if isinstance(node, ast.ImportFrom) and node.module == "flask":
            touched |= {a.name for a in node.names} & {"request", "session", "g"}
    assert touched == set()


@pytest.mark.parametrize("path", [p for p in SOURCES if layer_of(module_name(p)) == "web"], ids=rel)
def test_views_do_not_import_other_domains_models(path):
    package = module_name(path).rsplit(".", 1)[0] if path.name != "__init__.py" else module_name(path)
    bad = {m for m in project_imports(path) if m.endswith(".models") and not m.startswith(package + ".")}
    if rel(path).startswith("wiki/demo/"):
        bad.clear()  # the demo loader checks what it already loaded, like a test would
    assert bad == set()


def test_no_star_imports_and_no_utils_module():
    for path in SOURCES:
        tree = TREES[path]
        assert not any(isinstance(n, ast.ImportFrom) and any(a.name == "*" for a in n.names) for n in ast.walk(tree)), (
            rel(path)
        )
        assert path.name not in ("utils.py", "helpers.py", "misc.py")


def test_modules_stay_small():
    sizes = {rel(p): len(p.read_text(encoding="utf-8").splitlines()) for p in SOURCES}
    assert {path: lines for path, lines in sizes.items() if lines > MAX_LINES} == {}


def test_public_functions_have_docstrings():
    missing = []
    for path in SOURCES:
        if layer_of(module_name(path)) not in ("models", "services", "projections") and not rel(path).startswith(
            "importers/"
        ):
            continue
        for node in ast.walk(TREES[path]):
            if (
                isinstance(node, (ast.FunctionDef, ast.ClassDef))
                and not node.name.startswith("_")
                and not ast.get_docstring(node)
            ):
                missing.append(f"{rel(path)}:{node.name}")
    assert missing == []


def test_layers_follow_the_path_rules():
    expected = {
        "wiki.pages.views": "web",
        "wiki.records.queries": "services",
        "wiki.records.models": "models",
        "wiki.exports.rows": "projections",
        "wiki.db": "kernel",
        "geodata.geometry": "pure",
        "importers.ics": "web",
        "wiki": "app",
    }
    assert {name: layer_of(name) for name in expected} == expected
    new_module = next(layer for pattern, layer in PATH_LAYERS if fnmatchcase("wiki/newdomain/thing.py", pattern))
    assert new_module == "services"
