"""One blueprint holds the whole API, and its hooks answer every request under ``/api/v1``."""

from __future__ import annotations

from tests.factories import make_user
from wiki.auth import tokens


def test_every_api_route_is_defined_in_the_api_package(app):
    rules = [rule for rule in app.url_map.iter_rules() if rule.rule == "/api/v1" or rule.rule.startswith("/api/v1/")]
    assert len(rules) >= 11
    for rule in rules:
        assert rule.endpoint.startswith("api."), rule.rule
        assert app.view_functions[rule.endpoint].__module__.startswith("wiki.api."), rule.rule


def test_requests_matching_no_route_still_go_through_the_api_hooks(client, db):
    secret = tokens.create_token(db, make_user(db, "Camille"), "t").secret
    db.commit()
    unknown = client.get("/api/v1/inconnu", headers={"Origin": "https://ailleurs.example"})
    assert unknown.status_code == 404 and unknown.json["error"] == "not_found"
    assert unknown.headers["Access-Control-Allow-Origin"] == "*"
    # Authentication comes first, as for a route: a bad token or a write without one is refused.
    refused = client.get("/api/v1/inconnu", headers={"Authorization": "Bearer ldt_faux"})
    assert refused.status_code == 401 and refused.headers["WWW-Authenticate"].startswith("Bearer")
    assert refused.headers["Access-Control-Allow-Origin"] == "*"
    assert client.put("/api/v1/inconnu", json={}).status_code == 401
    assert client.delete("/api/v1/pages").status_code == 401
    # With a token: the 405 of a known path, as JSON, with CORS; answers to a token are private.
    wrong = client.delete("/api/v1/pages", headers={"Authorization": f"Bearer {secret}"})
    assert wrong.status_code == 405 and wrong.json["error"] == "method_not_allowed" and "GET" in wrong.headers["Allow"]
    assert wrong.headers["Access-Control-Allow-Origin"] == "*" and wrong.headers["Cache-Control"] == "private, no-store"
    preflight = client.options("/api/v1/inconnu", headers={"Access-Control-Request-Method": "PUT"})
    assert preflight.status_code == 404 and "PUT" in preflight.headers["Access-Control-Allow-Methods"]
    # Nothing outside the API gets them.
    outside = client.get("/nulle-part", headers={"Authorization": "Bearer ldt_faux"})
    assert outside.status_code == 404 and "Access-Control-Allow-Origin" not in outside.headers
