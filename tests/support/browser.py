"""Browser-test helpers: a live WSGI server, Debian's Chromium, axe-core.

Playwright cannot download its own browsers here, so ``launch_chromium`` starts
the system Chromium (Debian package ``chromium``). axe-core is the copy shipped
inside the PyPI package ``axe-playwright-python`` (no CDN).

CSP: ``new_context(browser)`` keeps the app's strict Content-Security-Policy
enforced, so journey tests also prove the pages work without any inline
script. axe is injected with ``page.evaluate`` (run through the DevTools
protocol, which CSP does not govern: checked with ``script-src 'self'`` and
with ``require-trusted-types-for 'script'``), so axe runs fine in such a
context, and that is where it should run: it then audits the page a visitor
gets. ``new_context(browser, for_axe=True)`` also sets Playwright's
``bypass_csp=True``, for a page whose policy would somehow stop the injection;
beware that it lets inline ``style`` attributes apply that a real browser
blocks, so e.g. ``color-contrast`` then judges a page nobody sees (seen: a
blocked ``style="color:#ccc"`` is a contrast violation only with bypass).
"""

from __future__ import annotations

import os
import shutil
import threading
from collections.abc import Iterable
from collections.abc import Sequence
from functools import lru_cache
from importlib.resources import files
from typing import TYPE_CHECKING
from typing import Any
from typing import Self

from werkzeug.serving import BaseWSGIServer
from werkzeug.serving import WSGIRequestHandler
from werkzeug.serving import make_server

if TYPE_CHECKING:
    from playwright.sync_api import Browser
    from playwright.sync_api import BrowserContext
    from playwright.sync_api import Page
    from playwright.sync_api import Playwright

CHROMIUM_ENV = "LIEUDIT_CHROMIUM"
CHROMIUM_CANDIDATES = ("/usr/bin/chromium", "chromium", "chromium-browser")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]
DEFAULT_IMPACTS = ("serious", "critical")


class _QuietHandler(WSGIRequestHandler):
    """Werkzeug's handler without the access log line (errors still logged)."""

    def log_request(self, code: int | str = "-", size: int | str = "-") -> None:
        pass


class LiveServer:
    """Serve a WSGI app on 127.0.0.1 (free port) from a background thread.

    >>> with LiveServer(app) as server:
    ...     page.goto(server.url + "/")
    """

    def __init__(self, app: Any, host: str = "127.0.0.1", *, quiet: bool = True) -> None:
        self.app = app
        self.host = host
        self.quiet = quiet
        self._server: BaseWSGIServer | None = None
        self._thread: threading.Thread | None = None

    def start(self) -> Self:
        if self._server is not None:
            return self
        self._server = make_server(
            self.host,
            0,
            self.app,
            threaded=True,
            request_handler=_QuietHandler if self.quiet else None,
        )
        self._thread = threading.Thread(
            target=self._server.serve_forever,
            kwargs={"poll_interval": 0.1},
            name=f"LiveServer:{self._server.server_port}",
            daemon=True,
        )
        self._thread.start()
        return self

    def stop(self) -> None:
        if self._server is None:
            return
        self._server.shutdown()  # waits for serve_forever to return
        self._server.server_close()
        if self._thread is not None:
            self._thread.join(timeout=10)
        self._server = None
        self._thread = None

    @property
    def port(self) -> int:
        if self._server is None:
            raise RuntimeError("LiveServer is not started")
        return self._server.server_port

    @property
    def url(self) -> str:
        """Base URL without a trailing slash, e.g. ``http://127.0.0.1:40123``."""
        return f"http://{self.host}:{self.port}"

    def __enter__(self) -> Self:
        return self.start()

    def __exit__(self, *exc_info: object) -> None:
        self.stop()


def find_chromium() -> str | None:
    """Path of the Chromium to drive: ``$LIEUDIT_CHROMIUM``, else the system one."""
    configured = os.environ.get(CHROMIUM_ENV)
    if configured:
        return configured
    for candidate in CHROMIUM_CANDIDATES:
        found = shutil.which(candidate)
        if found:
            return found
    return None


def launch_chromium(playwright: Playwright, **kwargs: Any) -> Browser:
    """Launch the system Chromium headless with the flags this machine needs."""
    executable = find_chromium()
    if executable is None or not os.access(executable, os.X_OK):
        raise RuntimeError(
            f"Chromium not found (looked at ${CHROMIUM_ENV}, then "
            f"{', '.join(CHROMIUM_CANDIDATES)}): install the Debian package 'chromium' "
            "(apt-get install chromium). Playwright's own browser download is not "
            "used and does not work here."
        )
    options: dict[str, Any] = {
        "executable_path": executable,
        "headless": True,
        "args": list(CHROMIUM_ARGS),
    }
    options.update(kwargs)
    return playwright.chromium.launch(**options)


def new_context(browser: Browser, *, for_axe: bool = False, **kwargs: Any) -> BrowserContext:
    """A fresh browser context (own cookies and storage), French by default.

    The app's CSP stays enforced unless ``for_axe`` is true (see the module
    docstring). Extra keyword arguments go to ``browser.new_context``.
    """
    options: dict[str, Any] = {
        "locale": "fr-FR",
        "timezone_id": "Europe/Paris",
        "viewport": {"width": 1280, "height": 800},
    }
    if for_axe:
        options["bypass_csp"] = True
    options.update(kwargs)
    return browser.new_context(**options)


@lru_cache(maxsize=1)
def axe_script() -> str:
    """The source of axe.min.js as shipped in ``axe-playwright-python``."""
    return (files("axe_playwright_python") / "axe.min.js").read_text(encoding="utf-8")


def axe_results(
    page: Page,
    *,
    context: Any = None,
    options: dict[str, Any] | None = None,
) -> dict[str, Any]:
    """Run axe-core on the page as it is now and return axe's raw results."""
    if not page.evaluate("() => typeof window.axe === 'object'"):
        page.evaluate(axe_script())
    run_options = {"resultTypes": ["violations"]}
    if options:
        run_options.update(options)
    return page.evaluate(
        "([context, options]) => window.axe.run(context || document, options)",
        [context, run_options],
    )


def axe_violations(
    page: Page,
    impacts: Iterable[str] | None = DEFAULT_IMPACTS,
    *,
    context: Any = None,
    options: dict[str, Any] | None = None,
) -> list[dict[str, Any]]:
    """axe-core violations on the current page whose impact is in ``impacts``.

    ``impacts=None`` keeps every violation. ``context`` is an axe context
    (e.g. ``"main"`` or ``{"exclude": [".map"]}``) and ``options`` axe run options
    (e.g. ``{"runOnly": ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]}``).
    """
    violations = axe_results(page, context=context, options=options)["violations"]
    if impacts is None:
        return violations
    wanted = set(impacts)
    return [v for v in violations if v.get("impact") in wanted]


def format_violations(violations: Sequence[dict[str, Any]]) -> str:
    """A readable report of axe violations, for assertion messages."""
    if not violations:
        return "no accessibility violations"
    lines = [f"{len(violations)} accessibility violation(s):"]
    for v in violations:
        lines.append(f"- {v['id']} ({v.get('impact')}): {v.get('help', '')}")
        if v.get("helpUrl"):
            lines.append(f"  {v['helpUrl']}")
        for node in v.get("nodes", []):
            target = ", ".join(str(t) for t in node.get("target", []))
            lines.append(f"  * {target}")
            html = " ".join(node.get("html", "").split())
            if html:
                lines.append(f"    {html[:200]}")
            summary = node.get("failureSummary")
            if summary:
                for line in summary.splitlines():
                    lines.append(f"    {line.strip()}")
    return "\n".join(lines)


def log_in(tab: Page, base: str, name: str, password: str | None = None) -> None:
    """Sign in through the real form and check the account is open.

    A form sent back too fast for the anti-spam guard is sent once more, as a person would.
    """
    from playwright.sync_api import expect

    from tests.factories import PASSWORD

    tab.goto(base + "/-/connexion")
    for _ in range(2):
        tab.get_by_label("Nom d’utilisateur").fill(name)
        tab.get_by_label("Mot de passe", exact=True).fill(password or PASSWORD)
        tab.locator("main").get_by_role("button", name="Se connecter").click()
        tab.wait_for_load_state()
        if "/-/connexion" not in tab.url:
            break
    expect(tab.get_by_role("button", name="Se déconnecter")).to_be_attached()


def fits_viewport(tab: Page) -> bool:
    """Tell whether the page is no wider than the window (no sideways scroll)."""
    return bool(tab.evaluate("() => document.documentElement.scrollWidth <= window.innerWidth"))


def assert_fits_and_accessible(tab: Page) -> None:
    """The page the tab lands on fits the window and has no serious or critical axe finding."""
    tab.wait_for_load_state("load")  # a click may have started a navigation: measure the page it lands on
    assert fits_viewport(tab), tab.url
    violations = axe_violations(tab)
    assert violations == [], format_violations(violations)
