"""The statistics dashboard, its CSV export and a page's own counter: for moderators, drawn on the server."""

from __future__ import annotations

import csv
import io

import pytest

from tests.factories import make_page
from tests.factories import make_user
from wiki import stats
from wiki.db import Database
from wiki.demo import seed

pytestmark = pytest.mark.sqlite_only  # HTTP surface and rendering over the counters' plain reads

BROWSER = {"User-Agent": "Mozilla/5.0 (X11; Linux x86_64) Firefox/128.0"}


def _setup(app, role="moderator"):
    with app.app_context():
        db = Database.new_session()
        seed(db)  # the built-in forms: the datasets
        user = make_user(db, "Camille", role=role)
        make_page(db, "Médiathèque de Redon", actor=user)
        db.commit()
        db.close()


def _visit(client):
    for path in ("/pages/mediatheque-de-redon", "/pages/mediatheque-de-redon", "/agenda", "/donnees/lieu.geojson"):
        assert client.get(path, headers=BROWSER).status_code == 200


@pytest.mark.parametrize("role", [None, "contributor"])
def test_the_dashboard_is_not_for_everyone(app, client, auth, role):
    _setup(app, role or "contributor")
    if role:
        auth.login()
    assert client.get("/-/statistiques").status_code == 403
    assert client.get("/-/statistiques.csv").status_code == 403


def test_the_dashboard_draws_charts_with_text_alternatives(app, client, auth):
    _setup(app)
    anonymous = app.test_client()
    _visit(anonymous)
    auth.login()
    response = client.get("/-/statistiques?jours=7")
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert '<svg class="chart"' in html and 'role="img"' in html and '<title id="chart-daily-title">' in html
    assert "<desc" in html and "<table" in html  # a description and the numbers as a table
    assert "/pages/mediatheque-de-redon</a></td><td>Pages</td><td>2</td>" in html
    assert "<td>lieu</td><td>geojson</td><td>1</td>" in html
    assert "<script" not in html.split("</header>", 1)[1]  # nothing needs JavaScript
    assert response.headers["Cache-Control"].startswith("private") or "no-store" in response.headers["Cache-Control"]


def test_the_csv_export_has_views_downloads_edits_and_newcomers(app, client, auth):
    _setup(app)
    _visit(app.test_client())
    auth.login()
    response = client.get("/-/statistiques.csv")
    assert response.status_code == 200
    assert response.mimetype == "text/csv"
    rows = list(csv.reader(io.StringIO(response.get_data(as_text=True))))
    assert rows[0] == ["indicateur", "periode", "type", "cle", "valeur"]
    kinds = {row[0] for row in rows[1:]}
    assert kinds == {"vues_par_jour", "vues_par_adresse", "telechargements", "modifications_par_mois",
                     "nouveaux_contributeurs_par_mois"}  # fmt: skip
    assert ["page", "/pages/mediatheque-de-redon", "2"] == next(r[2:] for r in rows if r[0] == "vues_par_adresse")
    assert ["geojson", "lieu", "1"] == next(r[2:] for r in rows if r[0] == "telechargements")
    this_month = [r for r in rows if r[0] == "modifications_par_mois"][-1]
    assert int(this_month[4]) >= 1
    newcomers = [r for r in rows if r[0] == "nouveaux_contributeurs_par_mois"][-1]
    assert int(newcomers[4]) == 1  # Camille's first edit is this month


def test_a_page_shows_its_own_counter_on_its_history(app, client):
    _setup(app)
    _visit(client)
    stats.flush(app)
    html = client.get("/pages/mediatheque-de-redon/history").get_data(as_text=True)
    assert "Page vue 2 fois ces 30 derniers jours" in html


def test_the_cli_writes_the_csv(app, runner, tmp_path):
    _setup(app)
    _visit(app.test_client())
    stats.flush(app)
    target = tmp_path / "stats.csv"
    result = runner.invoke(args=["stats", "csv", str(target)])
    assert result.exit_code == 0, result.output
    assert "vues_par_adresse,2026" in target.read_text() or "vues_par_adresse," in target.read_text()
