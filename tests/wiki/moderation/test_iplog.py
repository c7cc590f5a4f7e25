"""The restricted IP log: addresses read through trusted proxies only, kept in no other table,
purged after IP_RETENTION_DAYS, shown to moderators only."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import inspect
from sqlalchemy import select
from sqlalchemy import text

from tests.conftest import AuthActions
from tests.conftest import engine_for
from tests.factories import make_user
from wiki.db import utcnow
from wiki.moderation import iplog
from wiki.moderation.spam_models import IpLogEntry
from wiki.records import form_services

pytestmark = pytest.mark.sqlite_only  # plain rows; the purge is one DELETE on an indexed date

FIELDS = [
    {"id": "f_00000001", "key": "title", "type": "text", "label": "Nom", "required": True},
    {"id": "f_00000002", "key": "description", "type": "longtext", "label": "Description"},
]
IP = "203.0.113.77"


def _logged(db) -> list[tuple[str, str]]:
    rows = [(e.ip, e.action) for e in db.scalars(select(IpLogEntry).order_by(IpLogEntry.id))]
    db.rollback()  # end the read: the app writes next
    return rows


@pytest.mark.parametrize(
    ("hops", "forwarded", "expected"),
    [
        (0, "1.2.3.4", "10.0.0.1"),  # a direct connection: X-Forwarded-For is ignored
        (1, "1.2.3.4", "1.2.3.4"),
        (1, "6.6.6.6, 1.2.3.4", "1.2.3.4"),  # what the client wrote before our proxy is not believed
        (2, "6.6.6.6, 1.2.3.4", "6.6.6.6"),
    ],
)
def test_address_is_read_through_trusted_proxies_only(make_app, db, hops, forwarded, expected):
    app = make_app(EDIT_POLICY="open", TRUSTED_PROXIES=hops)
    client = app.test_client()
    client.environ_base["REMOTE_ADDR"] = "10.0.0.1"
    response = client.post("/pages/p/edit", data={"title": "P", "body": "x"}, headers={"X-Forwarded-For": forwarded})
    assert response.status_code == 302
    assert _logged(db) == [(expected, "session"), (expected, "page:create")]


def test_no_other_table_holds_an_address(make_app, db, database_url):
    app = make_app(EDIT_POLICY="open")
    modo = make_user(db, "Modo", role="moderator")
    make_user(db, "Camille")
    form_services.create_form(db, key="lieux", title="Lieux", fields=FIELDS, actor=modo)
    db.commit()
    anonymous, member = app.test_client(), app.test_client()
    for client in (anonymous, member):
        client.environ_base["REMOTE_ADDR"] = IP
    AuthActions(member).login("Camille")
    for n, client in enumerate((anonymous, member)):
        assert client.post(f"/pages/p{n}/edit", data={"title": f"P{n}", "body": "Bonjour"}).status_code == 302
        assert client.post(f"/pages/p{n}/edit", data={"body": "Bonjour à tous", "base_revision_id": ""}).status_code
        data = {"title": f"Lieu {n}", "description": "Un lieu"}
        assert client.post("/annuaire/lieux/nouvelle", data=data).status_code == 302
    engine = engine_for(database_url, app)
    found = {}
    with engine.connect() as conn:
        for table in inspect(conn).get_table_names():
            rows = conn.execute(text(f'SELECT * FROM "{table}"')).all()
            if any(IP in str(value) for row in rows for value in row):
                found[table] = len(rows)
    engine.dispose()
    assert set(found) == {"ip_log"}
    actions = [action for ip, action in _logged(db) if ip == IP]
    assert actions.count("session") == 1 and "page:create" in actions and "record:create" in actions


def test_old_rows_are_purged_by_the_command_and_on_a_write(make_app, db):
    app = make_app(EDIT_POLICY="open", IP_RETENTION_DAYS=30)
    now = utcnow()
    iplog.record(db, ip="192.0.2.1", action="page:edit", now=now - timedelta(days=31))
    iplog.record(db, ip="192.0.2.2", action="page:edit", now=now - timedelta(days=29))
    db.commit()
    result = app.test_cli_runner().invoke(args=["privacy", "purge"])  # the command of wiki.privacy
    assert result.exit_code == 0
    assert _logged(db) == [("192.0.2.2", "page:edit")]
    # A write purges too, at most once an hour per process.
    iplog.record(db, ip="192.0.2.3", action="page:edit", now=now - timedelta(days=40))
    db.commit()
    client = app.test_client()
    client.environ_base["REMOTE_ADDR"] = IP
    assert client.post("/pages/p/edit", data={"title": "P", "body": "x"}).status_code == 302
    assert _logged(db) == [("192.0.2.2", "page:edit"), (IP, "session"), (IP, "page:create")]
    iplog.record(db, ip="192.0.2.4", action="page:edit", now=now - timedelta(days=40))
    db.commit()
    assert client.post("/pages/q/edit", data={"title": "Q", "body": "x"}).status_code == 302
    assert ("192.0.2.4", "page:edit") in _logged(db)  # not again within the hour


def test_moderators_only_see_the_log_and_edit_the_blocklist(make_app, db):
    app = make_app(EDIT_POLICY="open")
    make_user(db, "Modo", role="moderator")
    make_user(db, "Camille")
    iplog.record(db, ip=IP, action="page:edit", session_key="0123456789abcdef")
    db.commit()
    anonymous = app.test_client()
    assert anonymous.get("/-/moderation/antispam").status_code == 302
    contributor = app.test_client()
    AuthActions(contributor).login("Camille")
    assert contributor.get("/-/moderation/antispam").status_code == 403
    assert contributor.post("/-/moderation/antispam", data={"pattern": "x.example"}).status_code == 403
    modo = app.test_client()
    AuthActions(modo).login("Modo")
    page = modo.get("/-/moderation/antispam")
    assert page.status_code == 200 and IP in page.text and page.headers["Cache-Control"] == "no-store"
    assert "0123456789abcdef" in modo.get("/-/moderation/antispam?session=0123456789abcdef").text
    assert IP not in modo.get("/-/moderation/antispam?ip=192.0.2.99").text.split("<table")[-1]
    assert modo.post("/-/moderation/antispam", data={"pattern": "x"}).status_code == 400
    assert modo.post("/-/moderation/antispam", data={"pattern": "Casino.Example"}).status_code == 302
    listed = modo.get("/-/moderation/antispam").text
    assert "<code>casino.example</code>" in listed
    pattern_id = db.scalar(text("SELECT id FROM spam_blocklist"))
    db.rollback()  # end the test's read: the app writes next
    assert modo.post("/-/moderation/antispam", data={"action": "remove", "pattern_id": pattern_id}).status_code == 302
    assert db.scalar(text("SELECT count(*) FROM spam_blocklist")) == 0


def test_no_dump_carries_the_log_even_a_full_one(make_app, db, tmp_path):
    import zipfile

    app = make_app(EDIT_POLICY="open")
    client = app.test_client()
    client.environ_base["REMOTE_ADDR"] = IP
    assert client.post("/pages/p/edit", data={"title": "P", "body": "x"}).status_code == 302
    assert _logged(db)
    for extra in ([], ["--public"]):
        dump = tmp_path / f"dump{len(extra)}.zip"
        result = app.test_cli_runner().invoke(args=["dump", *extra, str(dump)])
        assert result.exit_code == 0, result.output
        with zipfile.ZipFile(dump) as archive:
            assert not {"tables/ip_log.jsonl", "tables/rate_events.jsonl"} & set(archive.namelist())
            assert not any(IP.encode() in archive.read(name) for name in archive.namelist())
