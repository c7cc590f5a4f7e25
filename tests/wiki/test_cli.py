"""The ``lieudit`` command: init, demo, db upgrade, user create."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from sqlalchemy import select

from wiki.auth.models import User
from wiki.pages.models import Page


def test_init_demo_loads_the_territory(runner, db):
    result = runner.invoke(args=["init", "--demo"])
    assert result.exit_code == 0, result.output
    slugs = set(db.scalars(select(Page.slug)))
    db.rollback()
    assert {"accueil", "comment-contribuer", "organiser-une-wiki-party", "licence-et-reutilisation"} <= slugs
    again = runner.invoke(args=["init", "--demo"])
    assert "0 page(s)" in again.output  # idempotent


def test_init_upgrades_the_built_in_forms_of_an_older_install_once(runner, db):
    from tests.wiki.records.test_builtin import _as_installed_before_consent
    from wiki.demo import demo_author
    from wiki.records import builtin
    from wiki.records import form_services

    form_services.create_form(
        db, **builtin.FORMS[0] | {"fields": _as_installed_before_consent()}, actor=demo_author(db), builtin=True
    )
    db.commit()
    first = runner.invoke(args=["init"])
    assert first.exit_code == 0, first.output
    assert "Formulaires intégrés mis à jour : 1" in first.output and "Formulaires intégrés : 3," in first.output
    again = runner.invoke(args=["init"])
    assert again.exit_code == 0 and "mis à jour" not in again.output
    consent = {
        d.consent_field for d in form_services.form_fields(form_services.get_form(db, "initiative")) if d.personal
    }
    db.rollback()
    assert consent == {"contact_consentement"}


def test_demo_home_page_renders_with_working_links(runner, client):
    runner.invoke(args=["init", "--demo"])
    home = client.get("/")
    assert home.status_code == 200 and "Pays de Redon" in home.text
    assert client.get("/pages/comment-contribuer").status_code == 200


def test_user_create_from_stdin(runner, db):
    result = runner.invoke(
        args=["user", "create", "Maire Adjointe", "--role", "admin", "--password-stdin"], input="un mot de passe sûr\n"
    )
    assert result.exit_code == 0, result.output
    user = db.scalar(select(User).where(User.name == "Maire Adjointe"))
    assert user.role == "admin"
    db.rollback()  # end the read transaction before the next writer
    duplicate = runner.invoke(
        args=["user", "create", "maire adjointe", "--password-stdin"], input="un mot de passe sûr\n"
    )
    assert duplicate.exit_code != 0 and "déjà pris" in duplicate.output


def test_console_script_on_a_fresh_instance(tmp_path):
    """The installed ``lieudit`` entry point creates, upgrades and backs up."""
    env = os.environ | {
        "LIEUDIT_INSTANCE_PATH": str(tmp_path / "inst"),
        "LIEUDIT_PASSWORD_HASH_METHOD": "pbkdf2:sha256:1000",
    }
    env.pop("LIEUDIT_DATABASE_URL", None)
    exe = Path(sys.executable).with_name("lieudit")
    first = subprocess.run([exe, "init", "--demo"], env=env, capture_output=True, text=True, timeout=120)
    assert first.returncode == 0, first.stderr
    assert (tmp_path / "inst" / "lieudit.db").exists()
    assert (tmp_path / "inst" / "secret_key").stat().st_mode & 0o077 == 0
    up = subprocess.run([exe, "db", "upgrade"], env=env, capture_output=True, text=True, timeout=60)
    assert up.returncode == 0 and "à jour" in up.stdout
    help_text = subprocess.run([exe, "--help"], env=env, capture_output=True, text=True, timeout=60).stdout
    for command in ("run", "init", "db", "user"):
        assert command in help_text
