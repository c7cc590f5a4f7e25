"""Whole-instance dump and load: identical round trips, defensive loading."""

from __future__ import annotations

import io
import json
import uuid
import zipfile
from pathlib import Path

import pytest
from PIL import Image
from sqlalchemy import select

from tests.conftest import base_config
from tests.factories import make_page
from tests.factories import make_user
from wiki import create_app
from wiki import migrate
from wiki.auth import tokens
from wiki.auth.models import ApiToken
from wiki.auth.models import User
from wiki.db import Database
from wiki.demo import load_demo
from wiki.pages import attachments
from wiki.pages import moderation
from wiki.pages import services as pages
from wiki.portability import archive
from wiki.portability import dumping
from wiki.portability import loading
from wiki.portability import rows
from wiki.portability import settings as carried
from wiki.records import form_services
from wiki.records import services as records


def _png() -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (6, 4), (30, 90, 200)).save(out, "PNG")
    return out.getvalue()


def fill(app) -> None:
    """The demo territory plus history, drafts, accounts, tokens and files."""
    db = Database.new_session(app)
    try:
        load_demo(db)
        alix = make_user(db, "Alix", email="alix@example.org")
        modo = make_user(db, "Modo", role="moderator")
        tokens.create_token(db, alix, "script", expires_in_days=30)
        page = make_page(db, "Jardin partagé", "Version 1\n", actor=alix)
        for n in range(2, 5):
            pages.save_page(
                db,
                page,
                body=f"Version {n}\n",
                comment=f"v{n}",
                actor=alix,
                base_revision_id=page.current_revision_id,
                policy="account",
            )
        pages.rename_page(db, page, "Jardin partagé du Bourg", actor=alix, policy="account")
        root = Path(app.instance_path) / "uploads"
        attachments.add_attachment(
            db,
            page,
            io.BytesIO(_png()),
            "plan.png",
            actor=alix,
            policy="account",
            root=root,
            max_bytes=10**6,
            max_pixels=10**6,
        )
        gone = make_page(db, "À supprimer", actor=alix)
        moderation.delete_page(db, gone, actor=modo)
        form = form_services.get_form(db, "initiative")
        values = {
            "title": "Épicerie solidaire",
            "resume": "Des produits locaux.",
            "porteur": "Collectif",
            "description": "Ouverte le samedi.",
            "themes": ["economie"],
            "contact_email": "dominique@example.org",
        }
        record = records.create_record(db, form, values, actor=alix, policy="account")
        records.update_record(
            db,
            record,
            values | {"resume": "Des produits locaux et bio."},
            actor=alix,
            policy="account",
            base_revision=1,
        )
        records.create_record(db, form, {"title": "Brouillon"}, actor=alix, policy="account", status="draft")
        db.commit()
    finally:
        db.close()


def contents(app) -> dict[str, list[dict]]:
    """Every table's rows, encoded the way the dump encodes them."""
    metadata = migrate.load_metadata()
    with Database.engine(app).connect() as conn:
        return {table.name: list(rows.table_rows(conn, table)) for table in rows.sorted_tables(metadata)}


def files(app) -> dict[str, bytes]:
    root = Path(app.instance_path) / "uploads"
    return {p.relative_to(root).as_posix(): p.read_bytes() for p in sorted(root.rglob("*")) if p.is_file()}


@pytest.fixture
def empty_app(tmp_path, request):
    """Build an app on a brand-new, unmigrated database of either kind."""
    made = []

    def _make(kind: str):
        instance = tmp_path / f"target-{uuid.uuid4().hex[:6]}"
        if kind == "sqlite":
            url = f"sqlite:///{instance / 'lieudit.db'}"
        else:
            url = request.getfixturevalue("postgres_server").create_database(f"e_{uuid.uuid4().hex[:12]}")
        app = create_app(base_config(instance) | {"DATABASE_URL": url})
        made.append(app)
        return app

    yield _make
    for app in made:
        Database.engine(app).dispose()


def _dump(app, target: Path) -> archive.Summary:
    with app.app_context():
        return dumping.dump(
            Database.engine(),
            target,
            uploads=Path(app.instance_path) / "uploads",
            settings={"SITE_NAME": "Pays de Redon"},
            app_version="test",
        )


def _load(app, source: Path, **kwargs) -> archive.Summary:
    with app.app_context():
        return loading.load(Database.engine(), source, uploads=Path(app.instance_path) / "uploads", **kwargs)


@pytest.mark.parametrize("target_kind", ["sqlite", "postgresql"])
def test_round_trip_gives_an_identical_instance(app, empty_app, tmp_path, target_kind):
    fill(app)
    dump = tmp_path / "instance.zip"
    summary = _dump(app, dump)
    assert summary.tables["page_revisions"] >= 17 and summary.tables["records"] >= 34 and summary.files == 1
    manifest = loading.read_manifest(dump)
    assert manifest["migration"] == migrate.head_revision() and manifest["tables"] == summary.tables

    target = empty_app(target_kind)
    loaded = _load(target, dump)
    assert loaded.tables == summary.tables and loaded.files == 1
    assert contents(target) == contents(app)
    assert files(target) == files(app)

    # The loaded instance works: ids continue, history and files are served.
    client = target.test_client()
    assert client.get("/pages/jardin-partage-du-bourg/history").status_code == 200
    attachment = contents(target)["attachments"][0]
    with client.get(f"/-/fichiers/{attachment['id']}/{attachment['filename']}") as served:
        assert served.status_code == 200 and served.data == next(iter(files(app).values()))
    assert client.get("/pages/jardin-partage").status_code in (301, 302, 308)
    db = Database.new_session(target)
    try:
        page = pages.create_page(
            db, title="Après le chargement", body="x", comment="", actor=make_user(db, "Nouvelle"), policy="account"
        ).page
        db.commit()
        assert page.id > max(row["id"] for row in contents(app)["pages"])
    finally:
        db.close()
    user = client.post("/-/connexion", data={"name": "Alix", "password": "motdepasse-solide"})
    assert user.status_code == 302


def test_cli_dump_then_load(app, runner, empty_app, tmp_path):
    fill(app)
    target_file = tmp_path / "via-cli.zip"
    result = runner.invoke(args=["dump", str(target_file)])
    assert result.exit_code == 0, result.output
    assert "données personnelles" in result.output
    again = runner.invoke(args=["dump", str(target_file)])
    assert again.exit_code != 0 and "existe déjà" in again.output
    with zipfile.ZipFile(target_file) as zf:
        assert "SECRET_KEY" not in zf.read("settings.json").decode()
        assert b"test-secret" not in b"".join(zf.read(n) for n in zf.namelist() if not n.startswith("uploads/"))

    target = empty_app("sqlite")
    loaded = target.test_cli_runner().invoke(args=["load", str(target_file)])
    assert loaded.exit_code == 0, loaded.output
    assert contents(target) == contents(app)
    refused = target.test_cli_runner().invoke(args=["load", str(target_file)])
    assert refused.exit_code != 0 and "n'est pas vide" in refused.output


def test_settings_travel_but_secrets_and_code_do_not(make_app, empty_app, tmp_path):
    source = make_app(SITE_NAME="Pays de Redon", EDIT_POLICY="open")
    dump = tmp_path / "settings.zip"
    assert source.test_cli_runner().invoke(args=["dump", str(dump)]).exit_code == 0
    with zipfile.ZipFile(dump) as zf:
        settings = json.loads(zf.read("settings.json"))
    assert settings["SITE_NAME"] == "Pays de Redon" and settings["EDIT_POLICY"] == "open"
    assert not {"SECRET_KEY", "DATABASE_URL", "TESTING", "INSTANCE_PATH"} & set(settings)
    target = empty_app("sqlite")
    assert target.test_cli_runner().invoke(args=["load", str(dump)]).exit_code == 0
    written = (Path(target.instance_path) / "config.py").read_text()
    assert "SITE_NAME = 'Pays de Redon'" in written and "EDIT_POLICY = 'open'" in written
    assert carried.accepted_settings(
        {"X = 1; import os; Y": 1, "SECRET_KEY": "x", "SITE_NAME": ["ok"], "PER_PAGE": 1.5},
        {"SITE_NAME": "", "SECRET_KEY": None, "PER_PAGE": 50},
    ) == {"SITE_NAME": ["ok"]}


def _forge(
    path: Path, entries: dict[str, bytes], *, manifest: dict | None = None, compress=zipfile.ZIP_DEFLATED
) -> Path:
    base = {
        "format": archive.FORMAT,
        "format_version": archive.FORMAT_VERSION,
        "migration": migrate.head_revision(),
        "tables": {},
        "files": 0,
    }
    with zipfile.ZipFile(path, "w", compression=compress) as zf:
        zf.writestr("manifest.json", json.dumps(base | (manifest or {})))
        for name, data in entries.items():
            zf.writestr(name, data)
    return path


def _untouched(app) -> None:
    """Nothing half-written: no row, no uploads folder."""
    assert all(rows == [] for rows in contents(app).values())
    assert not (Path(app.instance_path) / "uploads").exists()


@pytest.mark.parametrize(
    ("entries", "manifest", "message"),
    [
        ({"uploads/../../config.py": b"x"}, None, "Entrée inattendue"),
        ({"/etc/passwd": b"x"}, None, "Entrée inattendue"),
        ({"tables/inconnue.jsonl": b"{}\n"}, None, "Entrée inattendue"),
        ({}, {"migration": "0001"}, "migration"),
        ({}, {"format": "autre"}, "pas un dump"),
        ({"tables/users.jsonl": b"pas du json\n"}, None, "JSON invalide"),
        ({"settings.json": b"{pas du json"}, None, "settings.json illisible"),
        ({"tables/users.jsonl": b'{"id": 1, "is_admin": true}\n'}, None, "colonnes inconnues"),
        (
            {
                "tables/page_revisions.jsonl": b'{"id": 1, "page_id": 999, "number": 1, "title": "x", "body": "", "comment": "", "action": "edit", "size": 0, "created_at": "2026-01-01T00:00:00+00:00"}\n'
            },
            None,
            "refusé",
        ),
    ],
)
def test_bad_archives_are_refused_and_nothing_is_written(empty_app, tmp_path, entries, manifest, message):
    target = empty_app("sqlite")
    _load_target_schema(target)
    forged = _forge(tmp_path / "forged.zip", {"uploads/ab/fichier.png": _png()} | entries, manifest=manifest)
    with pytest.raises(archive.ArchiveError, match=message):
        _load(target, forged)
    _untouched(target)


def test_the_manifest_check_accepts_exactly_what_a_load_accepts(tmp_path):
    derived = _forge(
        tmp_path / "derived.zip", {"tables/record_shapes.jsonl": b""}
    )  # PostGIS copies are never in a dump
    with pytest.raises(archive.ArchiveError, match="Entrée inattendue"):
        loading.read_manifest(derived)
    assert (
        loading.read_manifest(_forge(tmp_path / "plain.zip", {"tables/pages.jsonl": b""}))["format"] == archive.FORMAT
    )
    with pytest.raises(archive.ArchiveError, match="zip"):
        loading.read_manifest(tmp_path / "absent.zip")


def _load_target_schema(app) -> None:
    with app.app_context():
        migrate.upgrade(Database.engine(), None, backup=False)


def test_zip_bombs_symlinks_and_non_zips_are_refused(empty_app, tmp_path):
    target = empty_app("sqlite")
    _load_target_schema(target)
    bomb = _forge(tmp_path / "bomb.zip", {"uploads/ab/zeros.bin": b"\0" * (50 * 1024**2)})
    with pytest.raises(archive.ArchiveError, match="compression"):
        _load(target, bomb)
    big = _forge(tmp_path / "big.zip", {"uploads/ab/data.bin": _png() * 2000}, compress=zipfile.ZIP_STORED)
    with pytest.raises(archive.ArchiveError, match="dépasse"):
        _load(target, big, max_total=100_000)
    link = tmp_path / "link.zip"
    with zipfile.ZipFile(link, "w") as zf:
        zf.writestr("manifest.json", "{}")
        info = zipfile.ZipInfo("uploads/ab/lien")
        info.external_attr = 0o120777 << 16
        zf.writestr(info, "/etc/passwd")
    with pytest.raises(archive.ArchiveError, match="Lien symbolique"):
        _load(target, link)
    text = tmp_path / "texte.zip"
    text.write_text("bonjour")
    with pytest.raises(archive.ArchiveError, match="zip"):
        _load(target, text)
    _untouched(target)


def test_any_plain_file_name_travels_and_hidden_files_stay(app, empty_app, tmp_path):
    uploads = Path(app.instance_path) / "uploads"
    (uploads / "données").mkdir(parents=True)
    (uploads / "données" / "Plan du bourg (2026).pdf").write_bytes(b"%PDF-1.4 plan")
    (uploads / ".tmp-123").write_bytes(b"partial")
    dump = tmp_path / "names.zip"
    assert _dump(app, dump).files == 1
    target = empty_app("sqlite")
    _load(target, dump)
    assert files(target) == {"données/Plan du bourg (2026).pdf": b"%PDF-1.4 plan"}


def test_a_non_empty_instance_is_refused(app, tmp_path, db):
    make_user(db, "Déjà là")
    db.commit()
    dump = tmp_path / "d.zip"
    _dump(app, dump)
    with pytest.raises(archive.ArchiveError, match="n'est pas vide"):
        _load(app, dump)
    assert [u.name for u in db.scalars(select(User))] == ["Déjà là"]


def test_public_dump_keeps_what_visitors_see_and_nothing_else(app, empty_app, tmp_path):
    fill(app)
    db = Database.new_session(app)
    try:
        password_hash = db.scalar(select(User.password_hash).where(User.name == "Alix"))
        token_hash = db.scalar(select(ApiToken.token_hash))
    finally:
        db.close()
    assert password_hash.startswith("pbkdf2")
    dump = tmp_path / "public.zip"
    result = app.test_cli_runner().invoke(args=["dump", "--public", str(dump)])
    assert result.exit_code == 0, result.output
    assert "api_tokens" in result.output  # named as left out
    with zipfile.ZipFile(dump) as zf:
        everything = b"".join(zf.read(name) for name in zf.namelist())
        manifest = json.loads(zf.read("manifest.json"))
        assert manifest["public"] is True
        assert manifest["excluded_tables"] == [
            "api_tokens",
            "import_jobs",
            "moderation_log",  # public on /-/journal, but its entries keep moderators' details: not carried
            "moderation_queue",  # waiting contributions are never public
            "spam_blocklist",
        ]  # the map, agenda and catalog tables are described
        assert {"tables/zones.jsonl", "tables/agenda_events.jsonl", "tables/dataset_meta.jsonl"} <= set(zf.namelist())
    for secret in ("alix@example.org", "dominique@example.org", password_hash, token_hash, "Brouillon", "À supprimer"):
        assert secret.encode() not in everything, secret

    target = empty_app("sqlite")
    loaded = target.test_cli_runner().invoke(args=["load", str(dump)])
    assert loaded.exit_code == 0, loaded.output
    source, copy = app.test_client(), target.test_client()
    urls = [
        "/api/v1/pages?limit=200",
        "/api/v1/forms/initiative/records?limit=200",
        "/api/v1/forms/initiative/records?q=produits",
    ]
    urls += [item["api_url"].removeprefix("http://wiki.test") for item in source.get(urls[0]).json["items"]]
    urls += [item["api_url"].removeprefix("http://wiki.test") for item in source.get(urls[1]).json["items"]]
    for url in urls:
        assert copy.get(url).json == source.get(url).json, url
    assert files(target) == files(app)
    refused = copy.post("/-/connexion", data={"name": "Alix", "password": "motdepasse-solide"})
    assert refused.status_code == 400


def _public_dump(app, path: Path) -> dict[str, bytes]:
    result = app.test_cli_runner().invoke(args=["dump", "--public", str(path)])
    assert result.exit_code == 0, result.output
    with zipfile.ZipFile(path) as zf:
        return {name: zf.read(name) for name in zf.namelist()}


def test_public_dump_holds_a_personal_value_only_while_its_consent_box_is_ticked(app, empty_app, tmp_path):
    from wiki.demo import demo_author
    from wiki.demo import seed

    db = Database.new_session(app)
    try:
        seed(db)
        author = demo_author(db)
        form = form_services.get_form(db, "initiative")
        base = {
            "title": "Atelier vélo",
            "resume": "Réparer ensemble.",
            "porteur": "Association Vélo",
            "description": "Le samedi.",
            "themes": ["mobilite"],
        }
        agreed = records.create_record(
            db,
            form,
            base | {"contact_email": "accord@example.org", "contact_consentement": "on"},
            actor=author,
            policy="account",
        )
        records.update_record(db, agreed, base | {"contact_email": "accord@example.org", "contact_consentement": "on", "resume": "Réparer."},
                              actor=author, policy="account", base_revision=1)  # fmt: skip
        records.create_record(
            db, form, base | {"title": "Jardin", "contact_email": "refus@example.org"}, actor=author, policy="account"
        )
        db.commit()
        record_id = agreed.id
    finally:
        db.close()
    dumped = _public_dump(app, tmp_path / "public.zip")
    assert b"accord@example.org" in dumped["tables/records.jsonl"]
    assert b"accord@example.org" not in dumped["tables/record_revisions.jsonl"]  # history never carries personal values
    assert not any(b"refus@example.org" in body for body in dumped.values())
    target = empty_app("sqlite")
    assert target.test_cli_runner().invoke(args=["load", str(tmp_path / "public.zip")]).exit_code == 0
    assert (
        target.test_client().get(f"/api/v1/records/{record_id}").json["values"]["contact_email"] == "accord@example.org"
    )

    db = Database.new_session(app)
    try:
        agreed = records.get_record(db, record_id, demo_author(db))
        records.update_record(
            db,
            agreed,
            base | {"contact_email": "accord@example.org"},
            actor=demo_author(db),
            policy="account",
            base_revision=None,
        )
        db.commit()
    finally:
        db.close()
    withdrawn = _public_dump(app, tmp_path / "public-after.zip")
    assert not any(b"accord@example.org" in body for body in withdrawn.values())


def test_a_dump_is_readable_by_its_owner_only_and_a_killed_one_leaves_nothing_behind(app, tmp_path):
    fill(app)
    target = tmp_path / "instance.zip"
    killed = tmp_path / ".instance.zip.0badc0de.part"  # what a dump killed with -9 leaves
    killed.write_bytes(b"PK personal data")
    _dump(app, target)
    assert target.stat().st_mode & 0o777 == 0o600
    assert not killed.exists()
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".")] == []


def test_security_and_mail_settings_never_travel(make_app, empty_app, tmp_path):
    source = make_app(
        SITE_NAME="Pays de Redon",
        SESSION_COOKIE_HTTPONLY=False,
        SESSION_COOKIE_SAMESITE="None",
        WTF_CSRF_ENABLED=False,
        MAIL_PASSWORD="hunter2",
        MAIL_SERVER="smtp.example.org",
        BASE_URL="https://wiki.example.org",
    )
    dump = tmp_path / "security.zip"
    assert source.test_cli_runner().invoke(args=["dump", str(dump)]).exit_code == 0
    with zipfile.ZipFile(dump) as zf:
        settings = json.loads(zf.read("settings.json"))
    assert settings["SITE_NAME"] == "Pays de Redon"
    assert not {k for k in settings if k.startswith(("SESSION_", "WTF_", "MAIL_", "SQLITE_", "BASE_URL"))}
    forged = {"SITE_NAME": "x", "SESSION_COOKIE_HTTPONLY": False, "WTF_CSRF_ENABLED": False, "MAIL_PASSWORD": "y"}
    defaults = {"SITE_NAME": "", "SESSION_COOKIE_HTTPONLY": True, "WTF_CSRF_ENABLED": True, "MAIL_PASSWORD": ""}
    assert carried.accepted_settings(forged, defaults) == {"SITE_NAME": "x"}


def test_a_refused_load_into_a_new_database_leaves_no_schema_behind(empty_app, tmp_path):
    target = empty_app("sqlite")
    rows_refused = {"tables/users.jsonl": b'{"id": 1, "is_admin": true}\n'}
    with pytest.raises(archive.ArchiveError, match="colonnes inconnues"):
        _load(target, _forge(tmp_path / "refused.zip", rows_refused))
    with target.app_context():
        engine = Database.engine()
        assert migrate.current_revision(engine) is None
        from sqlalchemy import inspect

        assert inspect(engine).get_table_names() == []
    _load(target, _forge(tmp_path / "fine.zip", {}))  # the same instance then takes a good dump
    with target.app_context():
        assert migrate.current_revision(Database.engine()) == migrate.head_revision()


def test_a_missing_json_value_stays_sql_null_through_a_dump_and_a_load(app, db, empty_app, tmp_path):
    from sqlalchemy import text

    from geodata.models import Zone

    box = {"min_lon": -2.1, "min_lat": 47.6, "max_lon": -2.0, "max_lat": 47.7}
    db.add(Zone(level="commune", code="35236", name="Redon", centre_lon=-2.08, centre_lat=47.65, **box))  # no outline
    db.commit()
    dump = tmp_path / "null.zip"
    _dump(app, dump)
    target = empty_app("sqlite")
    _load(target, dump)
    for instance in (app, target):
        with instance.app_context(), Database.engine().connect() as conn:
            assert conn.execute(text("SELECT geometry IS NULL FROM zones")).scalar_one() in (1, True)
