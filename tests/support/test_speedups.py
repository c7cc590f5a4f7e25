"""The URL builders test apps share are the ones Werkzeug compiles for each app afresh."""

from __future__ import annotations

from types import FunctionType

import pytest
from flask import Flask

from tests.support.speedups import COMPILE_BUILDER

pytestmark = pytest.mark.sqlite_only  # URL building reaches no SQL


def test_every_rules_shared_builders_are_the_code_werkzeug_compiles_for_it(app: Flask) -> None:
    rules = list(app.url_map.iter_rules())
    assert len(rules) > 100
    for rule in rules:
        for append_unknown, shared in ((False, rule._build), (True, rule._build_unknown)):
            fresh = COMPILE_BUILDER(rule, append_unknown)
            assert isinstance(shared.__func__, FunctionType), rule
            assert shared.__func__.__code__ == fresh.__code__, rule
            assert shared.__func__.__defaults__ == fresh.__defaults__, rule
            assert shared.__func__.__name__ == fresh.__name__, rule


def test_a_second_app_reuses_the_builders_of_the_first(make_app) -> None:
    first, second = make_app(), make_app()
    builders = {rule.endpoint + rule.rule: rule._build_unknown.__func__ for rule in first.url_map.iter_rules()}
    for rule in second.url_map.iter_rules():
        assert rule._build_unknown.__func__ is builders[rule.endpoint + rule.rule], rule


def test_urls_built_with_shared_builders_carry_each_apps_own_values(make_app) -> None:
    first, second = make_app(), make_app(SERVER_NAME="autre.test")
    with first.test_request_context():
        from flask import url_for

        assert url_for("pages.show", slug="un été", _external=True, page=2) == (
            "http://wiki.test/pages/un%20%C3%A9t%C3%A9?page=2"
        )
    with second.test_request_context():
        assert url_for("pages.show", slug="redon", _external=True) == "http://autre.test/pages/redon"
