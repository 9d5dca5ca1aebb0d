"""FEVS import benchmark: the 2018 FEVS sample (101,881 rows) imported end to end, in rows per second.

For each database (SQLite in a temporary folder, then PostgreSQL in a separate
``sfc_bench_import`` database) a child process migrates a fresh database, creates an
organisation and a campaign of the shipped ``fevs-2018-innovation`` instrument, and times
``start_survey_import`` (read, check the header and mapping, store the file) plus
``import_survey`` (check every row, insert, submit) with the pack mapping ``fevs-2018``: what
``sfc assessments import`` does. It then times the results grouped by agency once.

The peer is the least any import must do: read the same file with the ``csv`` module and compute
the weighted shares of 4–5 per agency and item with the standard library, keeping nothing.
One JSON line per case on stdout::

    {"benchmark": "fevs_import", "case": "sqlite", "product_s": ..., "peer": "csv module + stdlib shares",
     "peer_s": ..., "ratio": ..., "rows": 101881, "rows_per_s": ..., "validate_s": ..., "insert_s": ...,
     "results_s": ...}

    .venv/bin/python benchmarks/fevs_import.py [--databases sqlite,postgres] [--repeat 1]
"""

from __future__ import annotations

import argparse
import csv
import gzip
import json
import os
import subprocess
import sys
import tempfile
import time
import urllib.parse
from collections import defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
FEVS = ROOT.parent / "shared" / "data" / "fevs-2018-prdf-sample" / "fevs2018_prdf_20pct_sample_imputed.csv.gz"
POSTGRES_URL = os.environ.get("SFC_BENCH_IMPORT_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/sfc_bench_import")
ITEMS = ("Q3", "Q8", "Q30", "Q32")


def peer(path: Path) -> tuple[float, int]:
    """Seconds to read the file and compute every agency's weighted share of 4–5 per item."""
    started = time.perf_counter()
    weight: dict[tuple[str, str], float] = defaultdict(float)
    favourable: dict[tuple[str, str], float] = defaultdict(float)
    rows = 0
    with gzip.open(path, "rt", encoding="utf-8", newline="") as handle:
        for row in csv.DictReader(handle):
            rows += 1
            agency, w = row["AGENCY"], float(row["POSTWT"])
            for item in ITEMS:
                if row[item] not in ("", "X"):
                    weight[agency, item] += w
                    favourable[agency, item] += w if int(row[item]) >= 4 else 0.0
    shares = {key: favourable[key] / weight[key] for key in weight}
    assert shares
    return time.perf_counter() - started, rows


def child() -> None:
    """Runs inside a migrated database (see ``run_case``); prints the timings as JSON."""
    import django

    django.setup()
    from django.utils import timezone

    from spaceforchange.assessments import import_services, services
    from spaceforchange.assessments.results import campaign_results
    from spaceforchange.core import services as core_services

    organization = core_services.create_organization(name="OPM", slug=f"opm-{time.time_ns()}")
    now = timezone.now()
    campaign = services.create_campaign(
        organization=organization,
        created_by=None,
        title="FEVS 2018 sample",
        instrument_key="fevs-2018-innovation",
        opens_at=now - timezone.timedelta(days=1),
        closes_at=now + timezone.timedelta(days=7),
    )
    data = FEVS.read_bytes()
    marks: dict[str, float] = {}

    def mark(survey_import: object) -> None:
        status = getattr(survey_import, "status", "")
        marks.setdefault(status, time.perf_counter())

    started = time.perf_counter()
    queued = import_services.start_survey_import(
        campaign=campaign, uploaded_name=FEVS.name, data=data, mapping_name="fevs-2018", run_in_background=False
    )
    uploaded = time.perf_counter()
    finished = import_services.import_survey(queued.pk, progress=mark)
    ended = time.perf_counter()
    assert finished.status == "done", finished.message
    campaign_results(campaign, group_by="attribute:AGENCY")
    results = time.perf_counter() - ended
    importing = marks.get("importing", ended)
    print(
        json.dumps(
            {
                "product_s": ended - started,
                "rows": finished.rows_done,
                "upload_s": uploaded - started,
                "validate_s": importing - uploaded,
                "insert_s": ended - importing,
                "results_s": results,
            }
        )
    )


def reset_postgres() -> None:
    import psycopg

    parts = urllib.parse.urlsplit(POSTGRES_URL)
    name = parts.path.lstrip("/")
    admin_url = urllib.parse.urlunsplit(parts._replace(path="/postgres"))
    with psycopg.connect(admin_url, autocommit=True) as connection:
        connection.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        connection.execute(f'CREATE DATABASE "{name}"')


def run_case(database: str) -> dict[str, float]:
    with tempfile.TemporaryDirectory(prefix="sfc-bench-import-") as folder:
        env = {key: value for key, value in os.environ.items() if not key.startswith("SFC_")}
        env |= {"SFC_VAR_DIR": folder, "SFC_DEBUG": "0", "SFC_LOG_LEVEL": "ERROR", "PYTHONPATH": str(ROOT / "src")}
        env["DJANGO_SETTINGS_MODULE"] = "spaceforchange.settings"
        if database == "postgres":
            reset_postgres()
            env["SFC_DATABASE_URL"] = POSTGRES_URL
        subprocess.run(
            [sys.executable, "-m", "spaceforchange.cli", "migrate"], env=env, check=True, capture_output=True
        )
        done = subprocess.run(
            [sys.executable, __file__, "--child"], env=env, check=True, capture_output=True, text=True
        )
        result: dict[str, float] = json.loads(done.stdout.strip().splitlines()[-1])
        return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--databases", default="sqlite,postgres")
    parser.add_argument("--repeat", type=int, default=1, help="runs per database; the fastest counts")
    parser.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    options = parser.parse_args()
    if options.child:
        child()
        return
    if not FEVS.is_file():
        sys.exit(f"the FEVS sample is not at {FEVS}")
    for database in options.databases.split(","):
        runs = [run_case(database) for _ in range(options.repeat)]
        best = min(runs, key=lambda run: run["product_s"])
        peer_s, rows = min(peer(FEVS) for _ in range(options.repeat))
        assert rows == best["rows"]
        line = {
            "benchmark": "fevs_import",
            "case": database,
            "product_s": round(best["product_s"], 3),
            "peer": "csv module + stdlib shares",
            "peer_s": round(peer_s, 3),
            "ratio": round(peer_s / best["product_s"], 3),
            "rows": int(best["rows"]),
            "rows_per_s": round(best["rows"] / best["product_s"]),
            **{key: round(value, 3) for key, value in best.items() if key.endswith("_s") and key != "product_s"},
        }
        print(json.dumps(line), flush=True)


if __name__ == "__main__":
    main()
