"""Benchmark: map layers over 50,000 points, attaching points to communes, streamed GeoJSON export.

Targets (issue "geodata layer and participatory map"):

- the layer endpoint ``/carte/calque.geojson?bbox=…`` over 50,000 points
  answers with p95 under 150 ms;
- attaching 10,000 points to the communes of three départements takes
  under 5 s;
- the GeoJSON export of 50,000 features streams in constant memory.

What it does, for each backend asked (``--backend sqlite|postgresql|postgresql-bbox|both|all``;
``postgresql`` migrates as the server's superuser, so PostGIS is enabled and
the services take the PostGIS path; ``postgresql-bbox`` migrates as a role
that may not create the extension, as on a host without PostGIS, so the
bounding box columns serve the same queries):

1. A throwaway instance (SQLite file, or a real PostgreSQL started by
   ``tests.support.postgres.PostgresServer``), migrated and seeded (built-in
   forms). The communes of Ille-et-Vilaine, Loire-Atlantique and Morbihan
   (about 800 real boundaries from ``../shared/data/geodata``) are loaded with
   ``importers.zones.import_zones`` (timed too).
2. Inserts ``--points`` (50,000) published *Lieu* records with a point
   (``random.Random(7)``, uniform over the three départements' extent) in
   bulk: rows of ``records`` and ``record_geometries`` written with core
   inserts, which is what ``placement.sync_record`` stores, without the
   revision and validation work of one-by-one saves (not under test here).
3. Attach: ``placement.reattach_all`` on the first 10,000 points (the others
   inserted afterwards), timed over 3 runs: zone index build from the
   database plus point-in-polygon lookups and the writes of the links.
4. Layer: ``--requests`` GETs of the endpoint with the Flask test client
   (in process, anonymous), bboxes drawn at random among three zoom levels
   (whole area: clustered; a pays: clustered; a town: individual points),
   after ``--warmup`` requests; p50/p95/p99/max and response sizes.
5. Export: a fresh subprocess streams ``/donnees/lieu.geojson`` (all
   points) through the test client chunk by chunk, and reports its peak RSS
   after the first chunk and at the end, against the same for a 5,000-record
   form (``--small``): constant memory means the same peak whatever the size.

Run from the repository root: ``.venv/bin/python bench/geo.py`` (``--points 5000``
for a quick run). Temporary folders and servers are removed at the end.
"""

from __future__ import annotations

import argparse
import json
import random
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from contextlib import contextmanager
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
BOUNDARIES = ROOT.parent / "shared" / "data" / "geodata" / "admin-boundaries"
FILES = ("communes-35-ille-et-vilaine", "communes-44-loire-atlantique", "communes-56-morbihan")
EXTENT = (-2.6, 46.9, -1.0, 48.7)
BBOXES = {
    "three départements": (-2.6, 46.9, -1.0, 48.7),
    "pays de Redon": (-2.35, 47.5, -1.8, 47.85),
    "town of Redon": (-2.11, 47.63, -2.05, 47.68),
}


@contextmanager
def instance(backend: str, tmp: Path) -> Any:
    """Yield an app on a fresh migrated database of ``backend``."""
    from wiki import create_app
    from wiki import migrate
    from wiki.db import Database

    server = None
    app = None
    try:
        if backend.startswith("postgresql"):
            from tests.support.postgres import PostgresServer

            server = PostgresServer(tmp / "pg")
            server.start()
            url = server.create_database("lieudit_bench")
            if backend == "postgresql-bbox":
                url = _plain_role(server, url)
        else:
            url = f"sqlite:///{tmp / 'lieudit.db'}"
        app = create_app(
            {
                "DATABASE_URL": url,
                "INSTANCE_PATH": str(tmp / "instance"),
                "SECRET_KEY": "bench",
                "SERVER_NAME": "bench.test",
            }
        )
        with app.app_context():
            migrate.upgrade(Database.engine(), None, backup=False)
        yield app, url
    finally:
        if app is not None:
            Database.engine(app).dispose()
        if server is not None:
            server.stop()


def _plain_role(server: Any, url: str) -> str:
    """Give the bench database to a role without the right to create PostGIS; return its URL."""
    import sqlalchemy as sa
    from sqlalchemy.engine import make_url

    admin = sa.create_engine(server.admin_url, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.exec_driver_sql("CREATE ROLE bench_plain LOGIN")
        conn.exec_driver_sql("ALTER DATABASE lieudit_bench OWNER TO bench_plain")
    admin.dispose()
    return make_url(url).set(username="bench_plain").render_as_string(hide_password=False)


def load(app: Any, points: int) -> dict[str, float]:
    """Seed forms, import the communes of three départements, insert ``points`` located records."""
    from geodata import spatial
    from geodata.models import RecordGeometry
    from importers.geojson import features_from_geojson
    from importers.zones import import_zones
    from wiki.db import Database
    from wiki.db import utcnow
    from wiki.demo import demo_author
    from wiki.demo import seed
    from wiki.records import form_services
    from wiki.records.models import Record

    figures: dict[str, float] = {}
    db = Database.new_session(app)
    with app.app_context():
        seed(db)
        demo_author(db)
        db.commit()
        features = []
        for name in FILES:
            features += features_from_geojson((BOUNDARIES / f"{name}.geojson").read_bytes()).features
        began = time.perf_counter()
        result = import_zones(db, features, level="commune", code_field="code", name_field="nom")
        db.commit()
        figures["zones"] = result.created
        figures["zone_import_s"] = time.perf_counter() - began
        form = form_services.get_form(db, "lieu")
        rng = random.Random(7)
        now = utcnow()
        west, south, east, north = EXTENT
        batch = 5_000
        for start in range(0, points, batch):
            count = min(batch, points - start)
            rows = [
                {
                    "form_id": form.id,
                    "title": f"Lieu {start + i}",
                    "data": {},
                    "status": "published",
                    "form_revision": 1,
                    "revision_number": 1,
                    "created_at": now,
                    "updated_at": now,
                    "search_text": "",
                }
                for i in range(count)
            ]
            ids = list(db.scalars(Record.__table__.insert().returning(Record.__table__.c.id), rows))
            geoms = []
            for record_id in ids:
                lon, lat = round(rng.uniform(west, east), 6), round(rng.uniform(south, north), 6)
                geoms.append(
                    {
                        "record_id": record_id,
                        "form_id": form.id,
                        "status": "published",
                        "kind": "Point",
                        "title": f"Lieu {record_id}",
                        "summary": "Un lieu du territoire.",
                        "geometry": {"type": "Point", "coordinates": [lon, lat]},
                        "approximate": False,
                        "lon": lon,
                        "lat": lat,
                        "min_lon": lon,
                        "min_lat": lat,
                        "max_lon": lon,
                        "max_lat": lat,
                    }
                )
            db.execute(RecordGeometry.__table__.insert(), geoms)
            db.commit()
            if start + count == 10_000 or (points < 10_000 and start + count == points):
                figures["attach_s"] = min(_attach(app, db) for _ in range(3))
                figures["attached"] = min(points, 10_000)
        figures["spatial"] = spatial.spatial_backend(db)
        if db.get_bind().dialect.name == "postgresql":
            db.commit()
            with db.get_bind().connect() as conn:
                conn.execution_options(isolation_level="AUTOCOMMIT").exec_driver_sql("VACUUM ANALYZE")
    db.close()
    return figures


def _attach(app: Any, db: Any) -> float:
    from geodata import placement
    from geodata import zones

    zones._index_cache.clear(app)  # the index build is part of the figure
    began = time.perf_counter()
    with app.app_context():
        placement.reattach_all(db)
        db.commit()
    return time.perf_counter() - began


def layer(app: Any, requests: int, warmup: int) -> dict[str, Any]:
    """Time the layer endpoint over random bboxes at three zoom levels."""
    client = app.test_client()
    rng = random.Random(11)
    names = list(BBOXES)
    per: dict[str, list[float]] = {n: [] for n in names}
    cpu: dict[str, list[float]] = {n: [] for n in names}
    sizes: dict[str, list[int]] = {n: [] for n in names}
    for i in range(warmup + requests):
        name = names[i % len(names)]
        west, south, east, north = BBOXES[name]
        dx, dy = (east - west) * 0.1 * rng.random(), (north - south) * 0.1 * rng.random()
        url = f"/carte/calque.geojson?bbox={west + dx:.4f},{south + dy:.4f},{east + dx:.4f},{north + dy:.4f}"
        began, began_cpu = time.perf_counter(), time.process_time()
        response = client.get(url)
        elapsed = (time.perf_counter() - began) * 1000
        used = (time.process_time() - began_cpu) * 1000
        assert response.status_code == 200, response.status_code
        if i >= warmup:
            per[name].append(elapsed)
            cpu[name].append(used)
            sizes[name].append(len(response.data))
    everything = sorted(t for ts in per.values() for t in ts)
    out: dict[str, Any] = {"all": _stats(everything) | {"cpu": _stats(sorted(t for ts in cpu.values() for t in ts))}}
    for name in names:
        out[name] = _stats(sorted(per[name])) | {
            "bytes": int(statistics.median(sizes[name])),
            "cpu": _stats(sorted(cpu[name])),
        }
    return out


def _stats(times: list[float]) -> dict[str, float]:
    def q(p: float) -> float:
        return times[min(len(times) - 1, int(round(p * (len(times) - 1))))]

    return {"n": len(times), "p50": q(0.5), "p95": q(0.95), "p99": q(0.99), "max": times[-1]}


EXPORT_CHILD = r"""
import json, resource, sys
from wiki import create_app
app = create_app({"DATABASE_URL": sys.argv[1], "INSTANCE_PATH": sys.argv[2], "SECRET_KEY": "bench", "SERVER_NAME": "bench.test"})
client = app.test_client()
response = client.get("/donnees/lieu.geojson?" + sys.argv[3], buffered=False)
total = chunks = 0
first = None
for chunk in response.response:
    total += len(chunk); chunks += 1
    if first is None:
        first = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
response.close()
print(json.dumps({"bytes": total, "chunks": chunks, "rss_first_kib": first, "rss_peak_kib": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss}))
"""


def export(url: str, instance_path: Path, query: str = "") -> dict[str, Any]:
    """Stream the export in a fresh process; return its sizes and peak RSS."""
    began = time.perf_counter()
    out = subprocess.run(
        [sys.executable, "-c", EXPORT_CHILD, url, str(instance_path), query],
        capture_output=True,
        text=True,
        check=True,
        cwd=ROOT,
    )
    figures = json.loads(out.stdout.strip().splitlines()[-1])
    figures["seconds"] = time.perf_counter() - began
    return figures


def main() -> None:
    """Run the benchmark and print its figures."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument(
        "--backend", choices=("sqlite", "postgresql", "postgresql-bbox", "both", "all"), default="sqlite"
    )
    parser.add_argument("--points", type=int, default=50_000)
    parser.add_argument("--requests", type=int, default=300)
    parser.add_argument("--warmup", type=int, default=30)
    args = parser.parse_args()
    backends = {"both": ("sqlite", "postgresql"), "all": ("sqlite", "postgresql", "postgresql-bbox")}.get(
        args.backend, (args.backend,)
    )
    for backend in backends:
        with (
            tempfile.TemporaryDirectory(prefix="lieudit-geo-bench-") as folder,
            instance(backend, Path(folder)) as (app, url),
        ):
            figures = load(app, args.points)
            print(
                f"\n## {backend}: {args.points:,} points, {figures['zones']:.0f} communes of 3 départements, "
                f"spatial path: {figures['spatial']}"
            )
            print(f"zone import (3 files, then re-attach of nothing): {figures['zone_import_s']:.2f} s")
            print(
                f"attach {figures['attached']:,} points to the communes: {figures['attach_s']:.2f} s (best of 3; target < 5 s)"
            )
            results = layer(app, args.requests, args.warmup)
            print("| bbox | n | p50 ms | p95 ms | p99 ms | max ms | CPU p50 / p95 ms (this process) | median bytes |")
            print("|---|--:|--:|--:|--:|--:|--:|--:|")
            for name in BBOXES:
                r = results[name]
                print(
                    f"| {name} | {r['n']} | {r['p50']:.1f} | {r['p95']:.1f} | {r['p99']:.1f} | {r['max']:.1f} | {r['cpu']['p50']:.1f} / {r['cpu']['p95']:.1f} | {r['bytes']:,} |"
                )
            a = results["all"]
            print(
                f"| all | {a['n']} | {a['p50']:.1f} | {a['p95']:.1f} | {a['p99']:.1f} | {a['max']:.1f} | {a['cpu']['p50']:.1f} / {a['cpu']['p95']:.1f} | |"
            )
            print(f"load average during the run: {' '.join(open('/proc/loadavg').read().split()[:3])}")
            print(f"verdict: p95 {a['p95']:.1f} ms {'<' if a['p95'] < 150 else '>='} 150 ms target")
            full = export(url, Path(folder) / "instance")
            small = export(url, Path(folder) / "instance", "bbox=-2.6,46.9,-2.28,48.7")  # about a fifth of the points
            for label, e in (("all features", full), ("bbox (≈ 1/5)", small)):
                print(
                    f"export {label}: {e['bytes'] / 1e6:.1f} MB in {e['chunks']} chunks, {e['seconds']:.1f} s; "
                    f"peak RSS {e['rss_peak_kib'] / 1024:.0f} MiB (after the first chunk {e['rss_first_kib'] / 1024:.0f} MiB)"
                )
            print(f"this process: peak RSS {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:.0f} MiB")


if __name__ == "__main__":
    main()
