"""Editors driving Lieudit over HTTP as a browser does: forms fetched, hidden fields sent back, cookies kept.

An :class:`Editor` has its own ``requests`` session (its cookies: one
login); it reads every form's hidden fields (CSRF token, form guard, base
revision) from the page it fetched, exactly as a browser would post them.
:func:`run_editors` runs many editors at once, each making saves on its own
page and on shared pages (its own line of a shared page: merged with the
others; the page's first line, which several editors claim: refused with 409
to all but one), and records every outcome as a :class:`Save`, so that a test
or a benchmark can check them against the database.
"""

from __future__ import annotations

import html
import random
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from dataclasses import field
from html.parser import HTMLParser
from typing import Any

import requests

#: The first line of every shared page: the line editors fight over.
CONTESTED = "Rédaction : "


class _Forms(HTMLParser):
    """Collect each form's action, hidden fields and textareas."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.forms: list[tuple[str, dict[str, str]]] = []
        self._area: str | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        found = {name: value or "" for name, value in attrs}
        if tag == "form":
            self.forms.append((found.get("action", ""), {}))
        elif tag == "input" and found.get("type") == "hidden" and self.forms and "name" in found:
            self.forms[-1][1][found["name"]] = found.get("value", "")
        elif tag == "textarea" and self.forms and "name" in found:
            self._area = found["name"]
            self.forms[-1][1][self._area] = ""

    def handle_endtag(self, tag: str) -> None:
        if tag == "textarea":
            self._area = None

    def handle_data(self, data: str) -> None:
        if self._area is not None:
            self.forms[-1][1][self._area] += data


def form_fields(page: str, action: str, *, here: bool = False) -> dict[str, str]:
    """The hidden fields and textareas of the form of ``page`` posting to ``action``
    (``here``: ``action`` is the page's own address, which a form without ``action`` posts to)."""
    parser = _Forms()
    parser.feed(page)
    for target, fields in parser.forms:
        if html.unescape(target).split("?")[0] == action or (here and not target):
            return fields
    raise AssertionError(f"no form posting to {action}")


def shared_body(editors: int) -> str:
    """The first text of a shared page: the contested line, then one line per editor."""
    return CONTESTED + "personne\n" + "".join(f"Ligne {k} : vide\n" for k in range(editors))


@dataclass
class Save:
    """One save and its outcome."""

    editor: int
    slug: str
    #: A word only this save wrote: found in a revision if and only if the save was accepted.
    token: str
    contested: bool
    status: int
    #: The refused text came back in the answer (409).
    text_returned: bool = False
    #: How long the save's POST took (the editor's GET before it is not counted).
    seconds: float = 0.0


class Editor:
    """One person editing through ``base_url``, with their own cookies."""

    def __init__(self, base_url: str, index: int) -> None:
        self.base_url = base_url
        self.index = index
        self.http = requests.Session()

    def get(self, path: str, **kw: Any) -> requests.Response:
        """GET ``path`` (redirects not followed)."""
        return self.http.get(self.base_url + path, allow_redirects=False, timeout=120, **kw)

    def post(self, path: str, data: dict[str, str], **kw: Any) -> requests.Response:
        """POST ``data`` to ``path`` (redirects not followed)."""
        return self.http.post(self.base_url + path, data=data, allow_redirects=False, timeout=120, **kw)

    def login(self, name: str, password: str) -> None:
        """Log in through the login form."""
        fields = form_fields(self.get("/-/connexion").text, "/-/connexion")
        answer = self.post("/-/connexion", fields | {"name": name, "password": password})
        assert answer.status_code == 302, (answer.status_code, answer.text[:500])

    def save(self, slug: str, change: Any, *, token: str, contested: bool = False) -> Save:
        """Open the editor of ``slug``, apply ``change`` to its text and save; return the outcome."""
        path = f"/pages/{slug}/edit"
        editor = self.get(path)
        assert editor.status_code == 200, (editor.status_code, editor.text[:500])
        fields = form_fields(editor.text, path)
        body = change(fields.get("body", "").replace("\r\n", "\n"))
        data = fields | {"body": body, "comment": f"éditeur {self.index}", "action": "save", "title": slug}
        started = time.monotonic()
        answer = self.post(path, data)
        outcome = Save(self.index, slug, token, contested, answer.status_code, seconds=time.monotonic() - started)
        if answer.status_code == 409:
            outcome.text_returned = token in answer.text
        return outcome


def seed(db: Any, editors: int, shared: list[str]) -> None:
    """Create the accounts ``editeur0``… and the shared pages (« Commun 1 »…) every editor edits."""
    from tests.factories import make_page
    from tests.factories import make_user

    for index in range(editors):
        make_user(db, f"editeur{index}")
    author = make_user(db, "Camille")
    for number in range(1, len(shared) + 1):
        make_page(db, f"Commun {number}", shared_body(editors), actor=author)


def own_line(index: int, token: str) -> Any:
    """A change of an editor's own line of a shared page."""

    def change(body: str) -> str:
        lines = body.split("\n")
        position = next(n for n, line in enumerate(lines) if line.startswith(f"Ligne {index} : "))
        lines[position] = f"Ligne {index} : {token}"
        return "\n".join(lines)

    return change


def contested_line(token: str) -> Any:
    """A change of the first line of a shared page, which others change too."""

    def change(body: str) -> str:
        lines = body.split("\n")
        lines[0] = CONTESTED + token
        return "\n".join(lines)

    return change


def appended(token: str) -> Any:
    """A change of an editor's own page: one more line."""
    return lambda body: (body.rstrip("\n") + "\n" if body.strip() else "") + f"Note {token}\n"


@dataclass
class Run:
    """What a run of editors did."""

    saves: list[Save] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)


def edit_session(
    base_url: str, index: int, password: str, shared: list[str], saves: int, run: Run, *, think: float, seed: int
) -> None:
    """One editor: log in, then make ``saves`` saves (own page, own line or contested line), ``think`` s apart at most."""
    chance = random.Random(seed * 1000 + index)
    editor = Editor(base_url, index)
    try:
        editor.login(f"editeur{index}", password)
        for number in range(saves):
            token = f"e{index}s{number}x{chance.randrange(10**6)}"
            kind = chance.random()
            if number == 0 or kind < 0.3:
                outcome = editor.save(f"editeur-{index}", appended(token), token=token)
            elif kind < 0.85:
                slug = chance.choice(shared)
                outcome = editor.save(slug, own_line(index, token), token=token)
            else:
                outcome = editor.save(chance.choice(shared), contested_line(token), token=token, contested=True)
            with run.lock:
                run.saves.append(outcome)
            if think:
                time.sleep(chance.uniform(0, think))
    except Exception as error:  # reported, not raised: the other editors go on
        with run.lock:
            run.errors.append(f"editor {index}: {error!r}")


def run_editors(
    base_url: str, count: int, saves: int, password: str, shared: list[str], *, think: float = 0.0, seed: int = 17
) -> Run:
    """Run ``count`` editors at once, ``saves`` saves each; return every outcome."""
    run = Run()
    with ThreadPoolExecutor(max_workers=count) as pool:
        for index in range(count):
            pool.submit(edit_session, base_url, index, password, shared, saves, run, think=think, seed=seed)
    return run


def audit(run: Run, revisions: Any, current: Any, shared: list[str]) -> dict[str, int]:
    """Check every outcome against the database; return the counts of what went wrong (all 0 when right).

    ``revisions(slug)`` lists the texts of a page's revisions, ``current(slug)`` its text now.
    ``lost``: accepted saves in no revision; ``phantom``: refused saves in one; ``missing``: accepted
    changes absent from the final texts (an editor's last line of a shared page, every note of their page).
    """
    bodies: dict[str, list[str]] = {}
    found = {"lost": 0, "phantom": 0, "missing": 0}
    for save in run.saves:
        written = any(save.token in body for body in bodies.setdefault(save.slug, revisions(save.slug)))
        accepted = save.status in (302, 303)
        found["lost"] += accepted and not written
        found["phantom"] += written and not accepted
    last: dict[tuple[str, int], Save] = {}
    for save in run.saves:
        if save.status in (302, 303) and not save.contested:
            last[(save.slug, save.editor)] = save
    texts = {slug: current(slug) for slug in {save.slug for save in run.saves} | set(shared)}
    for (slug, index), save in last.items():
        expected = f"Ligne {index} : {save.token}\n" if slug in shared else None
        found["missing"] += expected is not None and expected not in texts[slug]
    for save in run.saves:
        if save.status in (302, 303) and save.slug not in shared:
            found["missing"] += f"Note {save.token}" not in texts[save.slug]
    return found
