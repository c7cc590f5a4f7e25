"""Languages and French formats: Flask-Babel set-up and template filters.

French is the default; English is offered. The choice is stored in a cookie
(``lang``) when the visitor picks one, else taken from ``Accept-Language``.
Message ids are the French texts, so an uncompiled catalog still shows French.
"""

from __future__ import annotations

from datetime import datetime
from pathlib import Path
from typing import Any

from flask import Blueprint
from flask import Flask
from flask import current_app
from flask import has_request_context
from flask import redirect
from flask import request
from flask_babel import Babel
from flask_babel import format_datetime
from flask_babel import format_decimal
from flask_babel import get_locale
from flask_babel import get_translations
from jinja2 import pass_eval_context
from jinja2.nodes import EvalContext
from markupsafe import Markup
from werkzeug.wrappers import Response

from wiki.security import safe_next

babel = Babel()
bp = Blueprint("i18n", __name__)
LANG_COOKIE = "lang"


def select_locale() -> str:
    """Pick the interface language for the current request."""
    if not has_request_context():
        return current_app.config["DEFAULT_LOCALE"]  # CLI, services in tests
    languages = list(current_app.config["LANGUAGES"])
    chosen = request.cookies.get(LANG_COOKIE)
    if chosen is not None and chosen in languages:
        return chosen
    return request.accept_languages.best_match(languages) or current_app.config["DEFAULT_LOCALE"]


def select_timezone() -> str:
    """Use the instance's time zone for every visitor."""
    return current_app.config["DEFAULT_TIMEZONE"]


@bp.route("/-/langue/<lang>")
def switch(lang: str) -> Response:
    """Remember the chosen language in a cookie and go back.

    A plain link, not a form: only a display preference changes, and pages
    stay free of session cookies so shared caches can keep them.
    """
    response = redirect(safe_next(request.args.get("next")))
    if lang in current_app.config["LANGUAGES"]:
        response.set_cookie(LANG_COOKIE, lang, max_age=365 * 86400, samesite="Lax", httponly=True)
    return response


def datetime_filter(value: datetime | None, fmt: str = "medium") -> str:
    """Format a datetime in the visitor's language and the instance time zone."""
    return "" if value is None else format_datetime(value, fmt)


def number_filter(value: float | int | None) -> str:
    """Format a number the French way (``1 234,5``)."""
    return "" if value is None else format_decimal(value)


def bound_gettext() -> dict[str, Any]:
    """Template context: ``_``, ``gettext``, ``ngettext`` and ``current_locale`` bound to this render's catalog.

    Flask-Babel's template callables look up the domain, the locale and the
    catalog through ``g`` on every ``_()`` (about 40 per page); these look them
    up once per render and then only read the catalog. They behave as Jinja's
    "newstyle" callables do (``%`` formatting, ``Markup`` under autoescape).
    Templates imported without context still use Flask-Babel's, with the same result.
    """
    translations = get_translations()
    locale = str(get_locale())
    plain, plural = translations.ugettext, translations.ungettext

    @pass_eval_context
    def gettext(eval_ctx: EvalContext, string: str, **variables: Any) -> str:
        text = plain(string)
        return (Markup(text) if eval_ctx.autoescape else text) % variables

    @pass_eval_context
    def ngettext(eval_ctx: EvalContext, singular: str, plural_: str, num: int, **variables: Any) -> str:
        variables.setdefault("num", num)
        text = plural(singular, plural_, num)
        return (Markup(text) if eval_ctx.autoescape else text) % variables

    return {"_": gettext, "gettext": gettext, "ngettext": ngettext, "current_locale": lambda: locale}


def init_app(app: Flask) -> None:
    """Configure Flask-Babel and register filters and the language switch."""
    app.config.setdefault("BABEL_TRANSLATION_DIRECTORIES", str(Path(__file__).parent / "translations"))
    app.config["BABEL_DEFAULT_LOCALE"] = app.config["DEFAULT_LOCALE"]
    app.config["BABEL_DEFAULT_TIMEZONE"] = app.config["DEFAULT_TIMEZONE"]
    babel.init_app(app, locale_selector=select_locale, timezone_selector=select_timezone)
    app.jinja_env.filters["datetime"] = datetime_filter
    app.jinja_env.filters["number"] = number_filter
    app.jinja_env.globals["current_locale"] = lambda: str(get_locale())
    app.context_processor(bound_gettext)
    app.register_blueprint(bp)
