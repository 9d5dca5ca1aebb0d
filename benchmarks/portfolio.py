"""Portfolio benchmark: the portfolio page, the warnings evaluation and duplicate suggestion at scale.

Issue #4's checks, on PostgreSQL: with 20,000 initiatives and 200,000 ideas in one organisation,
the portfolio page answers at p95 under 300 ms, a full warnings evaluation takes under 30 s, and
the duplicate suggestion shown while an idea is typed answers at p95 under 100 ms.

Data. A fresh database ``sfc_bench_portfolio`` (dropped and created; override with
``SFC_BENCH_PORTFOLIO_DATABASE_URL``) is migrated and given the demo (``sfc seed-demo``: the
organisations, units, people, packs and the demo's own initiatives and ideas), then Northbay gets
the rest of the initiatives and ideas with ``COPY``, not through the services: the services
write one initiative with its audit entries and checks in a few milliseconds, which would make
220,000 rows and their histories take hours, and what is measured here is reading them. The rows
are what the services would write (pack keys, a registration transition first, histories in date
order), spread as a real organisation's would be (seeded ``random``):

- initiatives: stages idea 35 %, experiment 28 %, scaling 12 %, integrated 8 %, stopped 17 %;
  each change form, initiator level and trigger of the shipped packs with one in ten left
  unrecorded; a lead unit and sometimes other units, an owner, one or two goals for most; a
  transition per stage entered (a stopped one stopped from where it was); constraints for 40 %
  (families, objects, effects, severities, statuses as the packs have them), backing for half
  (levels, commitments and some withdrawals), setbacks for 15 %;
- ideas: submitted over three years; seven in ten of the last 45 days' and one in fifty of the
  older ones still wait for an answer (so some are overdue), the others were adopted (linked to an
  initiative), merged, declined with a reason or parked; a sponsor, a unit, one in ten
  anonymous. Their texts are comments of the Polis open data
  (``../shared/data/polis-opendata/*/comments.csv``; "Data was gathered using the Polis software
  (compdemocracy.org/polis) and is sub-licensed under CC BY 4.0 with Attribution to The
  Computational Democracy Project", case studies listed in its SOURCE.md): a title from the
  opening words of one comment, the problem that comment, the proposal one or two other comments
  of the same conversation. Without that folder a generated vocabulary stands in.

Cases (one JSON line each, ``product_s`` and ``peer_s`` in seconds, ``ratio`` = peer ÷ product):

- ``portfolio page``: ``sfc serve --workers 2`` on a loopback port, signed in as the demo's
  innovation lead through the real login form (``http_pages``' helpers), ``--concurrency`` clients
  (default 1: one person opening the page) request the page in its usual forms (unfiltered, sorted
  by stage, by last update descending, filtered by a unit, by a goal, a later table page), in
  rounds. ``/healthz`` on the same server at the same concurrency is the ceiling (peer).
- ``portfolio page right after an initiative changed``: the same forms, each request preceded by
  a change of one initiative (its ``updated_at``, as every service that changes an initiative
  writes it), so each view works its figures out again instead of using the ones its process
  kept; the peer is the steady page of the case before.
- ``warnings evaluation`` (first, with every alert created, and again, with every alert
  refreshed): ``alerts.services.evaluate_alerts`` for Northbay in a child process, email held in
  memory. The peer is the floor of reading the same rows: one raw SQL statement per table
  (initiatives, transitions, constraints, backing, setbacks, ideas, live alerts) with psycopg.
- ``duplicate suggestion``: the htmx endpoint ``ideas/similar/`` through the server with varied
  typed texts (a title and the first 3-12 words of other comments), one client; the first request
  after the corpus changed (the index is rebuilt) is its own case. The peer is the pure
  ``SimilarityIndex.similar`` on an index built in this process from the same rows.

    .venv/bin/python benchmarks/portfolio.py [--initiatives 20000] [--ideas 200000]
        [--requests 60] [--rounds 2] [--queries 300] [--concurrency 1] [--quick]
        [--cases page,evaluation,suggestion] [--keep] [--reuse]

``--keep`` leaves the filled database for a later ``--reuse`` run (which measures it as it is,
removing Northbay's alerts first so the first evaluation creates them again).
"""

from __future__ import annotations

import argparse
import contextlib
import csv
import http.client
import json
import os
import random
import signal
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.parse
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import http_pages as pages

ROOT = Path(__file__).resolve().parent.parent
DATABASE_URL = os.environ.get(
    "SFC_BENCH_PORTFOLIO_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/sfc_bench_portfolio"
)
POLIS = ROOT.parent / "shared" / "data" / "polis-opendata"
ORG = pages.ORG
BASE = f"/o/{ORG}/initiatives"
TARGETS = {"page_p95_ms": 300.0, "evaluation_s": 30.0, "suggestion_p95_ms": 100.0}

STAGES = (("idea", 35), ("experiment", 28), ("scaling", 12), ("integrated", 8), ("stopped", 17))
PROGRESSION = ("idea", "experiment", "scaling", "integrated")
FORMS = ("incremental_change", "bold_experimentation", "strategic_transformation")
INITIATORS = ("front_line_staff", "middle_manager", "senior_leader", "politician", "external_partner")
TRIGGERS = ("proactive", "crisis", "failure", "external_shock", "budget_cut", "technology_opportunity")
FAMILIES = ("regulatory", "political", "institutional", "organizational", "cognitive")
OBJECTS = ("norm", "value", "belief", "rule", "definition")
EFFECTS = ("halts", "dilutes", "complicates")
STATUSES = ("active", "active", "removed", "deprioritized", "redefined")
COMMITMENTS = ("verbal", "formal_mandate", "budget", "political_cover")
IDEA_STATUSES = (("adopted", 10), ("merged", 8), ("declined", 52), ("parked", 30))
BENEFICIARIES = ("Residents", "Older residents at home", "Pupils and parents", "Staff", "Businesses", "Visitors")
FALLBACK_WORDS = (
    "home",
    "care",
    "night",
    "visits",
    "sensors",
    "residents",
    "staff",
    "waiting",
    "list",
    "digital",
    "form",
    "application",
    "permit",
    "school",
    "kindergarten",
    "library",
    "opening",
    "hours",
    "transport",
    "route",
    "budget",
    "pilot",
    "volunteers",
    "energy",
    "heating",
    "waste",
    "sorting",
    "water",
    "leak",
    "road",
    "repair",
    "snow",
    "clearing",
    "housing",
    "youth",
    "club",
    "health",
    "station",
    "meal",
    "delivery",
    "language",
    "course",
    "refugee",
    "mentor",
    "appointment",
    "booking",
    "phone",
    "queue",
    "case",
    "handling",
    "archive",
)


# --- Data ----------------------------------------------------------------------------------------


def polis_texts() -> tuple[list[list[str]], str]:
    """Comment texts per conversation (accepted or unmoderated, 20 characters or more) and their source."""
    conversations = []
    for path in sorted(POLIS.glob("*/comments.csv")):
        with path.open(encoding="utf-8", newline="") as handle:
            texts = [
                " ".join(row["comment-body"].split())
                for row in csv.DictReader(handle)
                if row.get("moderated") != "-1" and len(row.get("comment-body", "")) >= 20
            ]
        if len(texts) >= 10:
            conversations.append(texts)
    if conversations:
        return conversations, "polis-opendata comments (CC BY 4.0, The Computational Democracy Project)"
    rng = random.Random(7)
    generated = [[" ".join(rng.choices(FALLBACK_WORDS, k=rng.randint(8, 30))) for _ in range(300)] for _ in range(20)]
    return generated, "generated vocabulary"


def weighted(rng: random.Random, table: Sequence[tuple[str, int]]) -> str:
    return rng.choices([key for key, _ in table], weights=[weight for _, weight in table])[0]


def maybe(rng: random.Random, keys: Sequence[str], blank: float = 0.1) -> str:
    return "" if rng.random() < blank else rng.choice(keys)


def title_of(text: str, rng: random.Random) -> str:
    words = text.split()[: rng.randint(3, 8)]
    return " ".join(words).rstrip(".,;:!?")[:180].capitalize() or "Untitled"


@dataclass
class Context:
    """What the fill reads from the seeded database: Northbay and its units, people and goals."""

    organization: int
    units: list[int]
    people: list[int]
    goals: list[int]
    now: datetime


class Copier:
    """Rows per table, written with COPY in one go; ids are given here so that children can refer to them."""

    def __init__(self, connection: object) -> None:
        self.connection = connection
        self.tables: dict[str, tuple[tuple[str, ...], list[tuple[object, ...]]]] = {}
        self.next_ids: dict[str, int] = {}

    def next_id(self, table: str) -> int:
        if table not in self.next_ids:
            sql = f"SELECT coalesce(max(id), 0) FROM {table}"  # noqa: S608 (table names of this script)
            row = self.connection.execute(sql).fetchone()  # type: ignore[attr-defined]
            self.next_ids[table] = int(row[0]) + 1
        self.next_ids[table] += 1
        return self.next_ids[table] - 1

    def add(self, table: str, columns: tuple[str, ...], row: tuple[object, ...]) -> None:
        self.tables.setdefault(table, (columns, []))[1].append(row)

    def flush(self) -> dict[str, int]:
        counts = {}
        for table, (columns, rows) in self.tables.items():
            sql = f"COPY {table} ({', '.join(columns)}) FROM STDIN"
            with self.connection.cursor() as cursor, cursor.copy(sql) as copy:  # type: ignore[attr-defined]
                for row in rows:
                    copy.write_row(row)
            counts[table] = len(rows)
        for table in self.next_ids:
            sql = f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), (SELECT max(id) FROM {table}))"  # noqa: S608
            self.connection.execute(sql)  # type: ignore[attr-defined]
        return counts


INITIATIVE_COLUMNS = (
    "id", "organization_id", "title", "summary", "unit_id", "owner_id", "stage", "change_form",
    "initiator_level", "trigger", "uses_ai", "created_at", "updated_at",
)  # fmt: skip
TRANSITION_COLUMNS = (
    "organization_id", "initiative_id", "from_stage", "to_stage", "decided_by_id", "decided_on", "reason",
    "reference", "recorded_by_id", "recorded_at",
)  # fmt: skip
CONSTRAINT_COLUMNS = (
    "organization_id", "initiative_id", "family", "object", "effect", "description", "severity",
    "owner_stakeholder", "mitigation", "status", "added_on", "created_by_id", "created_at",
)  # fmt: skip
BACKING_COLUMNS = (
    "organization_id", "initiative_id", "backer_id", "backer_name", "level", "commitment", "recorded_on", "note",
    "recorded_by_id", "recorded_at",
)  # fmt: skip
SETBACK_COLUMNS = (
    "organization_id", "initiative_id", "occurred_on", "description", "support_held", "recorded_by_id",
    "recorded_at",
)  # fmt: skip
IDEA_COLUMNS = (
    "id", "organization_id", "title", "problem", "proposal", "beneficiaries", "public_value", "unit_id",
    "submitted_by_id", "anonymous", "submitted_at", "sponsor_id", "status", "initiative_id", "merged_into_id",
    "reason", "decided_by_id", "decided_at", "updated_at",
)  # fmt: skip


def path_to(stage: str, rng: random.Random) -> list[str]:
    """The stages an initiative entered up to its current one; a stopped one stopped from where it was."""
    if stage == "stopped":
        return [*PROGRESSION[: rng.choices((1, 2, 3), weights=(45, 40, 15))[0]], "stopped"]
    return list(PROGRESSION[: PROGRESSION.index(stage) + 1])


def at(day: date, hour: int = 10) -> datetime:
    return datetime(day.year, day.month, day.day, hour, tzinfo=UTC)


def add_initiative(copier: Copier, ctx: Context, rng: random.Random, texts: list[str], title: str) -> int:
    pk = copier.next_id("portfolio_initiative")
    stage = weighted(rng, STAGES)
    entered = path_to(stage, rng)
    created = ctx.now.date() - timedelta(days=rng.randint(30 * len(entered), 1400))
    days = sorted(rng.sample(range(1, max(2, (ctx.now.date() - created).days)), len(entered) - 1))
    dates = [created, *(created + timedelta(days=day) for day in days)]
    org, decider = ctx.organization, rng.choice(ctx.people)
    copier.add(
        "portfolio_initiative",
        INITIATIVE_COLUMNS,
        (pk, org, title, rng.choice(texts), rng.choice(ctx.units), rng.choice(ctx.people), stage,
         maybe(rng, FORMS), maybe(rng, INITIATORS), maybe(rng, TRIGGERS), rng.random() < 0.1,
         at(created), at(dates[-1], 15)),
    )  # fmt: skip
    for index, (to_stage, on) in enumerate(zip(entered, dates, strict=True)):
        from_stage = entered[index - 1] if index else ""
        reason = "Stopped: the pilot did not show the value hoped for." if to_stage == "stopped" else ""
        copier.add(
            "portfolio_stagetransition",
            TRANSITION_COLUMNS,
            (org, pk, from_stage, to_stage, decider, on, reason, "", decider, at(on)),
        )
    add_records(copier, ctx, rng, pk, dates, texts)
    links = rng.choices((0, 1, 2), weights=(30, 55, 15))[0]
    for goal in rng.sample(ctx.goals, min(links, len(ctx.goals))):
        copier.add("portfolio_initiative_goals", ("initiative_id", "goal_id"), (pk, goal))
    if rng.random() < 0.2:
        copier.add("portfolio_initiative_units", ("initiative_id", "unit_id"), (pk, rng.choice(ctx.units)))
    return pk


def add_records(copier: Copier, ctx: Context, rng: random.Random, pk: int, dates: list[date], texts: list[str]) -> None:
    """Constraints for 40 %, backing for half, setbacks for 15 %, dated within the initiative's life."""
    org, start = ctx.organization, dates[0]
    span = max(1, (ctx.now.date() - start).days)

    def some_day() -> date:
        return start + timedelta(days=rng.randrange(span))

    if rng.random() < 0.4:
        for _ in range(rng.randint(1, 4)):
            on = some_day()
            copier.add(
                "portfolio_constraint",
                CONSTRAINT_COLUMNS,
                (org, pk, rng.choice(FAMILIES), rng.choice(OBJECTS), rng.choice(EFFECTS), rng.choice(texts)[:2000],
                 rng.randint(1, 5), "Legal department", "", rng.choice(STATUSES), on, rng.choice(ctx.people), at(on)),
            )  # fmt: skip
    if rng.random() < 0.5:
        for _ in range(rng.randint(1, 3)):
            on, backer = some_day(), rng.choice(ctx.people)
            commitment = "" if rng.random() < 0.1 else rng.choice(COMMITMENTS)
            copier.add(
                "portfolio_backing",
                BACKING_COLUMNS,
                (org, pk, backer, f"Person {backer}", rng.choice(INITIATORS), commitment, on, "", backer, at(on)),
            )
    if rng.random() < 0.15:
        for _ in range(rng.randint(1, 2)):
            on = some_day()
            held = rng.choice((True, True, False, None))
            copier.add(
                "portfolio_setback",
                SETBACK_COLUMNS,
                (org, pk, on, rng.choice(texts)[:2000], held, rng.choice(ctx.people), at(on)),
            )


def add_idea(copier: Copier, ctx: Context, rng: random.Random, texts: list[str], state: dict[str, list[int]]) -> None:
    pk = copier.next_id("portfolio_idea")
    first, *others = rng.sample(texts, 3)
    proposal = " ".join(others[: rng.randint(1, 2)])
    submitted = ctx.now - timedelta(minutes=rng.randint(60, 3 * 365 * 24 * 60))
    # Recent ideas mostly wait for their answer; of older ones a few were forgotten (overdue).
    waiting = 0.7 if ctx.now - submitted < timedelta(days=45) else 0.02
    status = "submitted" if rng.random() < waiting else weighted(rng, IDEA_STATUSES)
    decided = None if status == "submitted" else submitted + timedelta(days=rng.randint(1, 60))
    if decided is not None and decided > ctx.now:
        decided = ctx.now - timedelta(minutes=5)
    initiative = rng.choice(state["initiatives"]) if status == "adopted" else None
    merged_into = rng.choice(state["ideas"]) if status == "merged" and state["ideas"] else None
    status = "declined" if status == "merged" and merged_into is None else status
    reason = "Not within what the organisation can do now." if status == "declined" else ""
    sponsor, submitter = rng.choice(ctx.people), rng.choice(ctx.people)
    copier.add(
        "portfolio_idea",
        IDEA_COLUMNS,
        (pk, ctx.organization, title_of(first, rng), first[:4000], proposal[:4000], rng.choice(BENEFICIARIES), "",
         rng.choice(ctx.units), submitter, rng.random() < 0.1, submitted, sponsor, status, initiative, merged_into,
         reason, sponsor if decided else None, decided, decided or submitted),
    )  # fmt: skip
    if status != "merged":
        state["ideas"].append(pk)


def read_context(connection: object) -> Context:
    run = connection.execute  # type: ignore[attr-defined]
    (org,) = run("SELECT id FROM core_organization WHERE slug = %s", (ORG,)).fetchone()
    units = [row[0] for row in run("SELECT id FROM core_unit WHERE organization_id = %s", (org,))]
    people = [
        row[0] for row in run("SELECT user_id FROM core_membership WHERE organization_id = %s AND is_active", (org,))
    ]
    goals = [row[0] for row in run("SELECT id FROM portfolio_goal WHERE organization_id = %s", (org,))]
    if not goals:
        for title in ("Better services", "A greener municipality", "Lower costs", "Good working lives"):
            goals.append(
                run(
                    "INSERT INTO portfolio_goal (organization_id, title, active, created_at) "
                    "VALUES (%s, %s, true, now()) RETURNING id",
                    (org, title),
                ).fetchone()[0]
            )
    return Context(org, units, people, goals, datetime.now(UTC))


def fill(initiatives: int, ideas: int, seed: int = 4) -> dict[str, object]:
    """Add initiatives and ideas to Northbay until it holds the given numbers; returns counts and timings."""
    import psycopg

    started = time.perf_counter()
    conversations, source = polis_texts()
    rng = random.Random(seed)
    with psycopg.connect(DATABASE_URL) as connection:
        ctx = read_context(connection)
        existing = dict(
            connection.execute(
                "SELECT 'initiatives', count(*) FROM portfolio_initiative WHERE organization_id = %(o)s "
                "UNION ALL SELECT 'ideas', count(*) FROM portfolio_idea WHERE organization_id = %(o)s",
                {"o": ctx.organization},
            ).fetchall()
        )
        taken = {row[0] for row in connection.execute("SELECT title FROM portfolio_initiative")}
        copier = Copier(connection)
        state: dict[str, list[int]] = {"initiatives": [], "ideas": []}
        for _ in range(max(0, initiatives - existing["initiatives"])):
            texts = rng.choice(conversations)
            title = base = title_of(rng.choice(texts), rng)
            number = 1
            while title in taken:
                number += 1
                title = f"{base} ({number})"
            taken.add(title)
            state["initiatives"].append(add_initiative(copier, ctx, rng, texts, title))
        state["initiatives"] = state["initiatives"] or [0]
        for _ in range(max(0, ideas - existing["ideas"])):
            add_idea(copier, ctx, rng, rng.choice(conversations), state)
        generated = time.perf_counter() - started
        counts = copier.flush()
        connection.commit()
        connection.execute("ANALYZE")
    return {"texts": source, "generate_s": round(generated, 2), "fill_s": round(time.perf_counter() - started, 2)} | {
        f"rows_{table.removeprefix('portfolio_')}": count for table, count in counts.items()
    }


# --- Server ---------------------------------------------------------------------------------------


def reset_database() -> None:
    import psycopg

    parts = urllib.parse.urlsplit(DATABASE_URL)
    admin_url = urllib.parse.urlunsplit(parts._replace(path="/postgres"))
    with psycopg.connect(admin_url, autocommit=True) as connection:
        connection.execute(f'DROP DATABASE IF EXISTS "{parts.path.lstrip("/")}" WITH (FORCE)')
        connection.execute(f'CREATE DATABASE "{parts.path.lstrip("/")}"')


def environment(var_dir: Path) -> dict[str, str]:
    env = {key: value for key, value in os.environ.items() if not key.startswith("SFC_")}
    env |= {"SFC_VAR_DIR": str(var_dir), "SFC_DEBUG": "0", "SFC_LOG_LEVEL": "ERROR"}
    env |= {"SFC_DATABASE_URL": DATABASE_URL, "PYTHONPATH": str(ROOT / "src")}
    return env


@contextlib.contextmanager
def server(env: dict[str, str], port: int, log: Path) -> Iterator[None]:
    """``sfc serve`` as in ``http_pages``, with a long request timeout: rebuilding the duplicate index
    of 200,000 ideas is one long request, and a killed worker would hide what it cost."""
    command = pages.sfc("serve", "--host", pages.HOST, "--port", str(port), "--workers", "2", "--timeout", "900")
    with log.open("wb") as output:
        process = subprocess.Popen(command, env=env, start_new_session=True, stdout=output, stderr=output)
    try:
        pages.wait_until_up(port, process)
        yield
    except Exception:
        print(f"server log:\n{log.read_text()[-3000:]}", file=sys.stderr)
        raise
    finally:
        os.killpg(process.pid, signal.SIGTERM)
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait()


def percentile_ms(latencies: Sequence[float], fraction: float) -> float | None:
    load = pages.Load(latencies=list(latencies))
    return load.percentile_ms(fraction) if latencies else None


def line(case: str, product_s: float, peer: str, peer_s: float, **extra: object) -> dict[str, object]:
    result = {
        "benchmark": "portfolio",
        "case": case,
        "product_s": round(product_s, 6),
        "peer": peer,
        "peer_s": round(peer_s, 6),
        "ratio": round(peer_s / product_s, 4) if product_s else None,
        **extra,
        "load_1m": round(os.getloadavg()[0], 2),
    }
    print(json.dumps(result), flush=True)
    return result


def page_variants(env: dict[str, str]) -> list[str]:
    import psycopg

    with psycopg.connect(DATABASE_URL) as connection:
        ctx = read_context(connection)
    busiest = connection_value(
        "SELECT unit_id FROM portfolio_initiative WHERE organization_id = %s AND unit_id IS NOT NULL "
        "GROUP BY unit_id ORDER BY count(*) DESC LIMIT 1",
        (ctx.organization,),
    )
    page = f"{BASE}/portfolio/"
    return [
        page,
        f"{page}?sort=stage",
        f"{page}?sort=-updated",
        f"{page}?unit={busiest}",
        f"{page}?goal={ctx.goals[0]}",
        f"{page}?sort=title&page=40",
    ]


def connection_value(sql: str, params: tuple[object, ...]) -> object:
    import psycopg

    with psycopg.connect(DATABASE_URL) as connection:
        row = connection.execute(sql, params).fetchone()
        connection.commit()
    return row[0] if row else None


def bench_page(
    port: int, cookie: str, variants: list[str], options: argparse.Namespace, data: dict[str, object]
) -> None:
    clients = options.concurrency
    loads: dict[str, list[pages.Load]] = {path: [] for path in ["/healthz", *variants]}
    for _round in range(options.rounds):
        for path in loads:
            session = "" if path == "/healthz" else cookie
            pages.hammer(port, path, session, requests=max(2, clients), seconds=120, concurrency=clients)  # warm-up
            loads[path].append(
                pages.hammer(port, path, session, requests=options.requests, seconds=120, concurrency=clients)
            )
    ceiling = [latency for load in loads["/healthz"] for latency in load.latencies]
    latencies = [latency for path in variants for load in loads[path] for latency in load.latencies]
    statuses: dict[str, int] = {}
    for path in variants:
        for load in loads[path]:
            for key, count in load.statuses.items():
                statuses[str(key)] = statuses.get(str(key), 0) + count
    p95 = percentile_ms(latencies, 0.95)
    STEADY_PAGE_S["mean"] = statistics.mean(latencies)
    line(
        f"portfolio page, {data['initiatives']} initiatives",
        statistics.mean(latencies),
        "/healthz ceiling (same server)",
        statistics.mean(ceiling),
        p50_ms=percentile_ms(latencies, 0.5),
        p95_ms=p95,
        max_ms=round(1000 * max(latencies), 2),
        peer_p95_ms=percentile_ms(ceiling, 0.95),
        per_variant_p95_ms={
            path.removeprefix(BASE): percentile_ms([x for load in loads[path] for x in load.latencies], 0.95)
            for path in variants
        },
        requests=len(latencies),
        statuses=statuses,
        concurrency=clients,
        workers=2,
        target_p95_ms=TARGETS["page_p95_ms"],
        met=p95 is not None and p95 < TARGETS["page_p95_ms"] and set(statuses) == {"200"},
        **data,
    )


def bench_page_after_change(
    port: int, cookie: str, variants: list[str], options: argparse.Namespace, data: dict[str, object]
) -> None:
    """The page when an initiative changed just before it (the figures are worked out again), one client."""
    import psycopg

    latencies: list[float] = []
    statuses: dict[str, int] = {}
    touch = (
        "UPDATE portfolio_initiative SET updated_at = now() WHERE id = (SELECT max(id) FROM portfolio_initiative "
        "WHERE organization_id = (SELECT id FROM core_organization WHERE slug = %s))"
    )
    per_variant = max(2, options.requests // 3)
    with psycopg.connect(DATABASE_URL, autocommit=True) as database:
        connection = http.client.HTTPConnection(pages.HOST, port, timeout=120)
        for _round in range(options.rounds):
            for path in variants:
                for _ in range(per_variant):
                    database.execute(touch, (ORG,))
                    elapsed, status, _body = timed_get(connection, path, cookie, htmx=False)
                    latencies.append(elapsed)
                    statuses[str(status)] = statuses.get(str(status), 0) + 1
        connection.close()
    p95 = percentile_ms(latencies, 0.95)
    line(
        f"portfolio page right after an initiative changed, {data['initiatives']} initiatives",
        statistics.mean(latencies),
        "same page unchanged (figures kept)",
        STEADY_PAGE_S.get("mean", 0.0),
        p50_ms=percentile_ms(latencies, 0.5),
        p95_ms=p95,
        max_ms=round(1000 * max(latencies), 2),
        requests=len(latencies),
        statuses=statuses,
        concurrency=1,
        target_p95_ms=TARGETS["page_p95_ms"],
        met=p95 is not None and p95 < TARGETS["page_p95_ms"] and set(statuses) == {"200"},
        **data,
    )


STEADY_PAGE_S: dict[str, float] = {}


# --- Duplicate suggestion ------------------------------------------------------------------------


def typed_queries(count: int, seed: int = 11) -> list[tuple[str, str]]:
    """What someone typing a new idea has in the form: a title and the first 3-12 words of a text."""
    conversations, _source = polis_texts()
    rng = random.Random(seed)
    queries = []
    for _ in range(count):
        texts = rng.choice(conversations)
        title, body = rng.sample(texts, 2)
        queries.append((title_of(title, rng), " ".join(body.split()[: rng.randint(3, 12)])))
    return queries


def similar_path(title: str, text: str) -> str:
    return f"{BASE}/ideas/similar/?" + urllib.parse.urlencode({"title": title, "problem": text, "proposal": ""})


def timed_get(
    connection: http.client.HTTPConnection, path: str, cookie: str, *, htmx: bool = True
) -> tuple[float, int, str]:
    started = time.perf_counter()
    headers = {"Cookie": cookie} | ({"HX-Request": "true"} if htmx else {})
    connection.request("GET", path, headers=headers)
    response = connection.getresponse()
    body = response.read().decode("utf-8", "replace")
    return time.perf_counter() - started, response.status, body


def touch_corpus() -> None:
    """Change one idea as an edit would, so the corpus version moves and the index must be rebuilt."""
    import psycopg

    with psycopg.connect(DATABASE_URL) as connection:
        connection.execute(
            "UPDATE portfolio_idea SET updated_at = now() WHERE id = "
            "(SELECT max(id) FROM portfolio_idea WHERE organization_id = "
            "(SELECT id FROM core_organization WHERE slug = %s))",
            (ORG,),
        )


def bench_suggestion(port: int, cookie: str, options: argparse.Namespace, data: dict[str, object]) -> None:
    queries = typed_queries(options.queries)
    connection = http.client.HTTPConnection(pages.HOST, port, timeout=900)
    touch_corpus()
    # The first request after a change rebuilds the index; each of the two workers then needs it once
    # more (loaded from the shared cache), so a few requests are set apart before the measured ones.
    first: list[float] = []
    for title, text in queries[:4]:
        elapsed, status, _body = timed_get(connection, similar_path(title, text), cookie)
        first.append(elapsed)
        if status != 200:
            raise RuntimeError(f"the duplicate suggestion answered {status}")
    latencies, statuses, shown = [], {}, 0
    for title, text in queries:
        elapsed, status, body = timed_get(connection, similar_path(title, text), cookie)
        latencies.append(elapsed)
        statuses[str(status)] = statuses.get(str(status), 0) + 1
        shown += "likely-duplicates" in body
    connection.close()
    peer = pure_index_latencies(queries)
    p95 = percentile_ms(latencies, 0.95)
    common = {"ideas": data["ideas"], "initiatives": data["initiatives"], "texts": data.get("texts")}
    line(
        "duplicate suggestion, first request after the corpus changed (index rebuilt)",
        first[0],
        "SimilarityIndex.build of the same rows (in process)",
        float(peer["build_s"]),
        following_ms=[round(1000 * value, 1) for value in first[1:]],
        **common,
    )
    line(
        f"duplicate suggestion over {data['ideas']} ideas",
        statistics.mean(latencies),
        "SimilarityIndex.similar (pure index, in process)",
        statistics.mean(peer["latencies"]),  # type: ignore[arg-type]
        p50_ms=percentile_ms(latencies, 0.5),
        p95_ms=p95,
        max_ms=round(1000 * max(latencies), 2),
        peer_p95_ms=percentile_ms(peer["latencies"], 0.95),  # type: ignore[arg-type]
        queries=len(latencies),
        with_suggestion=round(shown / len(latencies), 3),
        statuses=statuses,
        target_p95_ms=TARGETS["suggestion_p95_ms"],
        met=p95 is not None and p95 < TARGETS["suggestion_p95_ms"] and set(statuses) == {"200"},
        **common,
    )


def pure_index_latencies(queries: list[tuple[str, str]]) -> dict[str, object]:
    """The peer: the pure index over the same documents, built and queried in this process."""
    import psycopg

    sys.path.insert(0, str(ROOT / "src"))
    from spaceforchange.analytics.text.similarity import Document, SimilarityIndex

    with psycopg.connect(DATABASE_URL) as connection:
        org = connection.execute("SELECT id FROM core_organization WHERE slug = %s", (ORG,)).fetchone()[0]
        ideas = connection.execute(
            "SELECT id, title, problem, proposal FROM portfolio_idea WHERE organization_id = %s AND status <> 'merged'",
            (org,),
        ).fetchall()
        initiatives = connection.execute(
            "SELECT id, title, summary FROM portfolio_initiative WHERE organization_id = %s", (org,)
        ).fetchall()
    documents = [Document(pk * 2, title, f"{problem}\n{proposal}") for pk, title, problem, proposal in ideas]
    documents += [Document(pk * 2 + 1, title, summary) for pk, title, summary in initiatives]
    started = time.perf_counter()
    index = SimilarityIndex.build(documents)
    build_s = time.perf_counter() - started
    latencies = []
    for title, text in queries:
        started = time.perf_counter()
        index.similar(text, title=title, limit=5, min_score=0.3)
        latencies.append(time.perf_counter() - started)
    return {"build_s": build_s, "latencies": latencies}


# --- Warnings evaluation --------------------------------------------------------------------------

EVALUATE = """
import json, time, django
django.setup()
from spaceforchange.alerts.services import evaluate_alerts
from spaceforchange.core.models import Organization
organization = Organization.objects.get(slug={org!r})
runs = []
for _ in range({repeat}):
    started = time.perf_counter()
    summary = evaluate_alerts(organization=organization)
    runs.append((time.perf_counter() - started, summary.as_dict()))
print(json.dumps(runs))
"""

PEER_QUERIES = (
    "SELECT id, stage, change_form, initiator_level, trigger, created_at FROM portfolio_initiative "
    "WHERE organization_id = %(o)s",
    "SELECT initiative_id, to_stage, decided_on FROM portfolio_stagetransition WHERE organization_id = %(o)s "
    "ORDER BY decided_on, id",
    "SELECT id, initiative_id, family, status, added_on FROM portfolio_constraint WHERE organization_id = %(o)s",
    "SELECT initiative_id, backer_id, backer_name, level, commitment, recorded_on FROM portfolio_backing "
    "WHERE organization_id = %(o)s ORDER BY recorded_on, id",
    "SELECT initiative_id, occurred_on, support_held FROM portfolio_setback WHERE organization_id = %(o)s",
    "SELECT id, submitted_at, decided_at, sponsor_id FROM portfolio_idea WHERE organization_id = %(o)s",
    "SELECT id, rule_key, subject_kind, subject_id FROM alerts_alert WHERE organization_id = %(o)s "
    "AND status <> 'resolved'",
)


def raw_read_s() -> tuple[float, int]:
    """The peer: every row the evaluation reads, one raw SQL statement per table, fetched."""
    import psycopg

    with psycopg.connect(DATABASE_URL) as connection:
        org = connection.execute("SELECT id FROM core_organization WHERE slug = %s", (ORG,)).fetchone()[0]
        started = time.perf_counter()
        rows = sum(len(connection.execute(sql, {"o": org}).fetchall()) for sql in PEER_QUERIES)
        return time.perf_counter() - started, rows


def bench_evaluation(env: dict[str, str], data: dict[str, object]) -> None:
    child_env = env | {"DJANGO_SETTINGS_MODULE": "spaceforchange.settings"}
    child_env["SFC_EMAIL_BACKEND"] = "django.core.mail.backends.locmem.EmailBackend"
    script = EVALUATE.format(org=ORG, repeat=2)
    # The first evaluation creates every alert, so a database a --keep run left starts without its alerts.
    connection_value(
        "WITH gone AS (DELETE FROM alerts_alert WHERE organization_id = "
        "(SELECT id FROM core_organization WHERE slug = %s) RETURNING 1) SELECT count(*) FROM gone",
        (ORG,),
    )
    done = subprocess.run(
        [sys.executable, "-c", script], env=child_env, capture_output=True, text=True, check=False, timeout=3600
    )
    if done.returncode != 0:
        raise RuntimeError(f"the evaluation failed:\n{done.stderr[-3000:]}")
    runs = json.loads(done.stdout.strip().splitlines()[-1])
    peer = min(raw_read_s() for _ in range(3))
    for label, (seconds, summary) in zip(("first (alerts created)", "again (alerts refreshed)"), runs, strict=True):
        line(
            f"warnings evaluation {label}, {data['initiatives']} initiatives and {data['ideas']} ideas",
            seconds,
            "one raw SQL statement per table read (psycopg)",
            peer[0],
            peer_rows=peer[1],
            summary=summary,
            target_s=TARGETS["evaluation_s"],
            met=seconds < TARGETS["evaluation_s"] and not summary["failed_rules"],
            initiatives=data["initiatives"],
            ideas=data["ideas"],
        )


# --- Main -----------------------------------------------------------------------------------------


def prepare(env: dict[str, str], options: argparse.Namespace) -> dict[str, object]:
    if options.reuse:
        counts = connection_value(
            "SELECT array[(SELECT count(*) FROM portfolio_initiative i JOIN core_organization o "
            "ON o.id = i.organization_id WHERE o.slug = %s), (SELECT count(*) FROM portfolio_idea i "
            "JOIN core_organization o ON o.id = i.organization_id WHERE o.slug = %s)]",
            (ORG, ORG),
        )
        return {"initiatives": counts[0], "ideas": counts[1], "texts": polis_texts()[1]}  # type: ignore[index]
    started = time.perf_counter()
    reset_database()
    subprocess.run(pages.sfc("migrate"), env=env, check=True, capture_output=True)
    seeded = subprocess.run(pages.sfc("seed-demo"), env=env, capture_output=True, text=True, check=False)
    if seeded.returncode != 0:
        raise RuntimeError(f"sfc seed-demo failed:\n{seeded.stderr[-3000:]}")
    seed_s = time.perf_counter() - started
    filled = fill(options.initiatives, options.ideas)
    print(json.dumps({"benchmark": "portfolio", "setup": {"migrate_and_seed_s": round(seed_s, 1), **filled}}))
    return {"initiatives": options.initiatives, "ideas": options.ideas, "texts": filled["texts"]}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--initiatives", type=int, default=20_000)
    parser.add_argument("--ideas", type=int, default=200_000)
    parser.add_argument("--requests", type=int, default=60, help="requests per page form and round (default 60)")
    parser.add_argument("--rounds", type=int, default=2, help="rounds over the page forms (default 2)")
    parser.add_argument("--queries", type=int, default=300, help="typed texts for the suggestion (default 300)")
    parser.add_argument("--concurrency", type=int, default=1, help="page clients (default 1)")
    parser.add_argument("--quick", action="store_true", help="500 initiatives, 5,000 ideas, few requests")
    parser.add_argument("--keep", action="store_true", help="keep the database afterwards")
    parser.add_argument("--reuse", action="store_true", help="measure the database a --keep run left")
    parser.add_argument("--cases", default="page,evaluation,suggestion", help="comma-separated subset")
    options = parser.parse_args()
    if options.quick:
        options.initiatives, options.ideas = min(options.initiatives, 500), min(options.ideas, 5000)
        options.requests, options.rounds, options.queries = 10, 1, 40
    cases = set(options.cases.split(","))
    with tempfile.TemporaryDirectory(prefix="sfc-bench-portfolio-") as var_dir:
        env = environment(Path(var_dir))
        data = prepare(env, options)
        if cases & {"page", "suggestion"}:
            port = pages.free_port()
            with server(env, port, Path(var_dir) / "server.log"):
                cookie = pages.log_in(port)
                if "page" in cases:
                    variants = page_variants(env)
                    bench_page(port, cookie, variants, options, data)
                    bench_page_after_change(port, cookie, variants, options, data)
                if "suggestion" in cases:
                    bench_suggestion(port, cookie, options, data)
        if "evaluation" in cases:
            bench_evaluation(env, data)
    if not (options.keep or options.reuse):
        with contextlib.suppress(Exception):
            drop_database()


def drop_database() -> None:
    import psycopg

    parts = urllib.parse.urlsplit(DATABASE_URL)
    admin_url = urllib.parse.urlunsplit(parts._replace(path="/postgres"))
    with psycopg.connect(admin_url, autocommit=True) as connection:
        connection.execute(f'DROP DATABASE IF EXISTS "{parts.path.lstrip("/")}" WITH (FORCE)')


if __name__ == "__main__":
    main()
