"""Screenshots of Lieudit's key pages, so a reviewer can look at the product without running it.

Usage (from the repository root, after ``pip install -e '.[test]'``)::

    .venv/bin/python bench/screenshots.py /tmp/lieudit-screens [--dark] [--no-js]

builds the demo territory in a temporary folder, serves it on 127.0.0.1,
and writes one full-page PNG per key page and width (phone 390 px, desktop
1280 px) into the folder given, named ``<width>-<page>.png`` (``-sombre``
and ``-sans-js`` added for the dark colour scheme and without JavaScript).
The key pages are those the browser tests check (``tests/support/demo_site.py``).
The folder is not part of the repository: nothing is committed.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
WIDTHS = (390, 1280)


def main(argv: list[str] | None = None) -> int:
    """Write the screenshots; return the process exit status."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("folder", type=Path, help="where to write the PNG files (created if missing)")
    parser.add_argument("--dark", action="store_true", help="emulate the dark colour scheme")
    parser.add_argument("--no-js", action="store_true", help="browse with JavaScript disabled")
    args = parser.parse_args(argv)
    sys.path.insert(0, str(ROOT))
    from playwright.sync_api import sync_playwright

    from tests.support.browser import launch_chromium
    from tests.support.browser import new_context
    from tests.support.demo_site import DemoSite
    from tests.support.demo_site import log_in

    args.folder.mkdir(parents=True, exist_ok=True)
    suffix = ("-sombre" if args.dark else "") + ("-sans-js" if args.no_js else "")
    written = 0
    with tempfile.TemporaryDirectory(prefix="lieudit-screens-") as work:
        site = DemoSite.start(Path(work))
        try:
            with sync_playwright() as playwright:
                browser = launch_chromium(playwright)
                for width in WIDTHS:
                    options = {
                        "viewport": {"width": width, "height": 900},
                        "java_script_enabled": not args.no_js,
                        "color_scheme": "dark" if args.dark else "light",
                    }
                    visitor = new_context(browser, **options)
                    member = new_context(browser, **options)
                    log_in(member, site.url)
                    for key in site.key_pages():
                        tab = (member if key.logged_in else visitor).new_page()
                        tab.goto(site.url + key.path)
                        tab.wait_for_load_state("load")
                        target = args.folder / f"{width}-{key.name}{suffix}.png"
                        tab.screenshot(path=str(target), full_page=True)
                        tab.close()
                        written += 1
                    visitor.close()
                    member.close()
                browser.close()
        finally:
            site.stop()
    print(f"{written} captures d’écran écrites dans {args.folder}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
