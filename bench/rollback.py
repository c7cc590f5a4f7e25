"""Mass rollback at scale (issue 15): 1,000 spam revisions from 20 accounts undone in one action, then that undone.

Usage::

    .venv/bin/python bench/rollback.py                      # SQLite, 20 accounts x 50 revisions
    .venv/bin/python bench/rollback.py --backend both       # also on a PostgreSQL server it starts
    .venv/bin/python bench/rollback.py --accounts 40 --revisions 2000

A fresh instance (``bench/instances.py``) gets 200 good pages of 10 lines by
5 authors and a map form. Each spam account then makes its share of the
revisions through the real services: a tenth new pages, a tenth new map points
(records with a geometry), the rest edits that slip a spam line into good pages.
Afterwards good authors edit 20 of the spammed pages elsewhere (their edits must
survive through the three-way merge) and 5 on the spam line itself (those pages
are left alone and reported). The rollback of all spam accounts at once is then
timed in its two phases, as the screen and ``lieudit moderation rollback`` run
it: the plan (reads and merges, no write lock) and the write (every step through
the services, one journal entry, commit, search index update after commit).
The undo of that rollback is timed the same way. Correctness is checked before
any figure is printed. Target: under 60 s for the rollback.
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench.instances import migrated_app  # noqa: E402
from bench.instances import server_version  # noqa: E402

FIELDS = [
    {"id": "f_00000001", "key": "title", "type": "text", "label": "Nom", "required": True},
    {"id": "f_00000002", "key": "lieu", "type": "geometry", "label": "Lieu"},
]
GOOD_PAGES = 200
LINES = 10


def good_text(n: int) -> str:
    """The original text of good page ``n``: 10 distinct lines."""
    return "".join(f"Ligne {i} de la page {n} sur le pays de Redon.\n" for i in range(LINES))


def seed(app, accounts: int, revisions: int) -> dict:
    """Write the good content, the spam wave and the good edits after it; return what the checks need."""
    from wiki.auth import services as users
    from wiki.db import Database
    from wiki.pages import services as pages
    from wiki.records import form_services
    from wiki.records import services as records

    settings = users.Settings(hash_method="pbkdf2:sha256:1000")
    with app.app_context():
        db = Database.new_session()
        authors = [
            users.create_user(db, name=f"Autrice {n}", password="motdepasse-solide", settings=settings)
            for n in range(5)
        ]
        modo = users.create_user(db, name="Modo", password="motdepasse-solide", role="moderator", settings=settings)
        form = form_services.create_form(db, key="lieux", title="Lieux", fields=FIELDS, actor=modo)
        good = []
        for n in range(GOOD_PAGES):
            good.append(
                pages.create_page(
                    db, title=f"Page {n}", body=good_text(n), comment="", actor=authors[n % 5], policy="account"
                ).page
            )
        db.commit()
        spammers = [
            users.create_user(db, name=f"Vendeur {n}", password="motdepasse-solide", settings=settings)
            for n in range(accounts)
        ]
        db.commit()
        per = revisions // accounts
        touched: set[int] = set()
        for n, spammer in enumerate(spammers):
            own = max(1, per // 10)
            for k in range(own):
                pages.create_page(
                    db,
                    title=f"Montres {n}-{k}",
                    body=f"Achetez http://pub.example/{n}/{k}\n",
                    comment="",
                    actor=spammer,
                    policy="account",
                )
                records.create_record(
                    db,
                    form,
                    {"title": f"Boutique {n}-{k}", "lieu": {"type": "Point", "coordinates": [-2.08 + k / 1000, 47.65]}},
                    actor=spammer,
                    policy="account",
                )
            for k in range(per - 2 * own):
                page = good[(n * 37 + k * 7) % GOOD_PAGES]
                lines = page.current_revision.body.splitlines(keepends=True)
                lines.insert(2, f"SPAM {n}.{k} http://pub.example/\n")
                pages.save_page(
                    db,
                    page,
                    body="".join(lines),
                    comment="",
                    actor=spammer,
                    base_revision_id=page.current_revision_id,
                    policy="account",
                )
                touched.add(page.id)
            db.commit()
            time.sleep(0.2)  # let the search indexer thread take SQLite's write lock between two accounts
        spammed = [p for p in good if p.id in touched]
        kept, clashing = spammed[:20], spammed[20:25]
        for page in kept:  # a good edit far from the spam lines: kept by the merge
            body = page.current_revision.body.replace(f"Ligne {LINES - 1} ", f"Ligne {LINES - 1} (corrigée) ")
            pages.save_page(
                db,
                page,
                body=body,
                comment="",
                actor=authors[0],
                base_revision_id=page.current_revision_id,
                policy="account",
            )
        for page in clashing:  # a good edit of the spam line itself: the page is left alone
            lines = page.current_revision.body.splitlines(keepends=True)
            lines[2] = "Ligne réécrite par une autrice.\n"
            pages.save_page(
                db,
                page,
                body="".join(lines),
                comment="",
                actor=authors[1],
                base_revision_id=page.current_revision_id,
                policy="account",
            )
        db.commit()
        info = {
            "names": ",".join(s.name for s in spammers),
            "good": [p.id for p in good],
            "kept": {p.id for p in kept},
            "clashing": {p.id for p in clashing},
            "modo": modo.id,
        }
        db.close()
    return info


def rollback_and_undo(app, info: dict) -> dict:
    """Time the rollback and its undo, phase by phase, and check the result."""
    from sqlalchemy import func
    from sqlalchemy import select

    from wiki.activity import rollback
    from wiki.activity import rollback_apply
    from wiki.auth.models import User
    from wiki.db import Database
    from wiki.pages.models import Page
    from wiki.records.models import Record

    figures = {}
    with app.app_context():
        db = Database.new_session()
        modo = db.get(User, info["modo"])
        started = time.perf_counter()
        target = rollback.read_target(db, {"auteur": info["names"]}, secret="bench")
        plan = rollback.plan_rollback(db, target)
        db.rollback()
        planned = time.perf_counter()
        entry = rollback_apply.apply_rollback(
            db, plan, actor=modo, policy="account", reason="bench", checkpoint=db.commit
        )
        db.commit()
        done = time.perf_counter()
        figures |= {
            "changes": plan.changes + sum(s.changes for s in plan.conflicts),
            "undone": plan.changes,
            "plan_s": planned - started,
            "write_s": done - planned,
            "rollback_s": done - started,
            "steps": {k: plan.count(k) for k in ("page", "record", "form", "attachment")},
            "merged": sum(1 for s in plan.steps if s.action == "merge"),
            "conflicts": len(plan.conflicts),
        }
        db.expire_all()
        live = {p.id: p for p in db.scalars(select(Page).where(Page.deleted_at.is_(None)))}
        assert set(live) == set(info["good"]), "only the good pages are left"
        for pid in info["good"]:
            body = live[pid].current_revision.body
            if pid in info["clashing"]:
                assert "réécrite" in body
                continue
            assert "SPAM" not in body, body
            assert ("(corrigée)" in body) is (pid in info["kept"])
        assert db.scalar(select(func.count()).select_from(Record).where(Record.deleted_at.is_(None))) == 0
        db.rollback()

        started = time.perf_counter()
        undo = rollback_apply.undo_rollback(db, entry, actor=modo, policy="account", checkpoint=db.commit)
        db.commit()
        figures["undo_s"] = time.perf_counter() - started
        figures["undo_skipped"] = len(undo.details["skipped"])
        spam_left = sum(
            1
            for p in db.scalars(select(Page).where(Page.deleted_at.is_(None)))
            if "SPAM" in p.current_revision.body or "Achetez" in p.current_revision.body
        )
        figures["pages_with_spam_after_undo"] = spam_left
        db.close()
    return figures


def run(backend: str, accounts: int, revisions: int) -> dict:
    """Seed, roll back and undo on one database; return the figures."""
    from wiki.db import Database

    with tempfile.TemporaryDirectory(prefix="lieudit-rollback-", ignore_cleanup_errors=True) as tmp:
        # The wave got past the anti-spam limits (a slow wave, or rules set too loose): they are off here.
        limits = {"RATE_LIMIT_NEWCOMER": 0, "SPAM_MAX_NEW_LINKS": 10_000}
        with migrated_app(backend == "postgresql", Path(tmp), **limits) as (app, _url, _server):
            t0 = time.perf_counter()
            print("seeding…", file=sys.stderr, flush=True)
            info = seed(app, accounts, revisions)
            print("rolling back…", file=sys.stderr, flush=True)
            seeded = time.perf_counter() - t0
            figures = rollback_and_undo(app, info)
            return {"backend": server_version(Database.engine(app)), "seed_s": seeded, **figures}


def main() -> None:
    """Parse the options, run, print the figures."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--backend", choices=("sqlite", "postgresql", "both"), default="sqlite")
    parser.add_argument("--accounts", type=int, default=20)
    parser.add_argument("--revisions", type=int, default=1000)
    args = parser.parse_args()
    backends = ("sqlite", "postgresql") if args.backend == "both" else (args.backend,)
    for backend in backends:
        f = run(backend, args.accounts, args.revisions)
        print(
            f"\n{f['backend']}: {f['changes']} spam revisions from {args.accounts} accounts (seeded in {f['seed_s']:.1f} s)"
        )
        print(
            f"  rollback, one action: {f['rollback_s']:.2f} s  (plan, reads only: {f['plan_s']:.2f} s; writes + commit: {f['write_s']:.2f} s)"
        )
        print(
            f"  steps: {f['steps']}, of which {f['merged']} merges keeping later good edits; {f['conflicts']} pages left alone"
        )
        print(
            f"  undo of the rollback: {f['undo_s']:.2f} s ({f['undo_skipped']} skipped); pages with spam again: {f['pages_with_spam_after_undo']}"
        )
        print(f"  target < 60 s: {'met' if f['rollback_s'] < 60 else 'MISSED'}")
        print(json.dumps(f, default=str))


if __name__ == "__main__":
    main()
