"""The app factory and the configuration precedence."""

from __future__ import annotations

import importlib
import sys

from wiki import create_app


def test_importing_wiki_creates_nothing(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    for name in [m for m in sys.modules if m == "wiki" or m.startswith("wiki.")]:
        monkeypatch.delitem(sys.modules, name)
    importlib.import_module("wiki")
    importlib.import_module("wiki.pages.services")
    assert list(tmp_path.iterdir()) == []


def test_config_precedence(tmp_path, monkeypatch):
    instance = tmp_path / "inst"
    instance.mkdir()
    (instance / "config.py").write_text('SITE_NAME = "Depuis le fichier"\nSITE_TAGLINE = "fichier"\nPER_PAGE = 10\n')
    monkeypatch.setenv("LIEUDIT_INSTANCE_PATH", str(instance))
    monkeypatch.setenv("LIEUDIT_SITE_TAGLINE", "environnement")
    monkeypatch.setenv("LIEUDIT_MAX_UPLOAD_BYTES", "1234")
    app = create_app({"PER_PAGE": 3})
    assert app.config["SITE_NAME"] == "Depuis le fichier"  # file over defaults
    assert app.config["SITE_TAGLINE"] == "environnement"  # environment over file
    assert app.config["MAX_UPLOAD_BYTES"] == 1234  # parsed as JSON
    assert app.config["PER_PAGE"] == 3  # mapping over everything
    assert app.config["DATABASE_URL"] == f"sqlite:///{instance}/lieudit.db"
    assert app.instance_path == str(instance)


def test_secret_key_is_generated_once(tmp_path, monkeypatch):
    monkeypatch.setenv("LIEUDIT_INSTANCE_PATH", str(tmp_path))
    monkeypatch.delenv("LIEUDIT_SECRET_KEY", raising=False)
    first = create_app().config["SECRET_KEY"]
    assert len(first) == 64 and create_app().config["SECRET_KEY"] == first


def test_a_node_on_postgresql_with_its_own_secret_key_is_warned(tmp_path, caplog):
    """Several app nodes must share one SECRET_KEY: a key generated in one node's instance folder is a mistake there."""
    postgres = "postgresql+psycopg://lieudit@127.0.0.1:1/lieudit"  # never reached: nothing connects at start-up
    for url, warned in ((postgres, True), ("", False)):
        caplog.clear()
        create_app({"INSTANCE_PATH": str(tmp_path / str(warned)), "DATABASE_URL": url, "TESTING": True})
        assert ("LIEUDIT_SECRET_KEY" in caplog.text) is warned
    caplog.clear()
    create_app({"INSTANCE_PATH": str(tmp_path), "DATABASE_URL": postgres, "SECRET_KEY": "shared", "TESTING": True})
    assert "SECRET_KEY" not in caplog.text


def test_bad_edit_policy_is_refused(tmp_path):
    import pytest

    with pytest.raises(ValueError):
        create_app({"INSTANCE_PATH": str(tmp_path), "EDIT_POLICY": "anything", "SECRET_KEY": "x"})


def test_a_served_app_freezes_its_startup_objects_a_test_app_does_not(tmp_path):
    import gc

    gc.unfreeze()
    try:
        create_app({"INSTANCE_PATH": str(tmp_path), "SECRET_KEY": "x", "TESTING": True})
        assert gc.get_freeze_count() == 0
        create_app({"INSTANCE_PATH": str(tmp_path), "SECRET_KEY": "x"})
        assert gc.get_freeze_count() > 10_000  # modules, routes, schemas: out of every full collection
    finally:
        gc.unfreeze()
