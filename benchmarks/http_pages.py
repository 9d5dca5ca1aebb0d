"""HTTP benchmark: latency and throughput of the main pages under concurrent clients.

Starts ``sfc serve --workers 2`` on a loopback port against a freshly migrated and seeded
database (SQLite in a temporary folder, then PostgreSQL in a separate ``sfc_bench``
database), signs in as a demo user through the real login form, and lets 20 client threads
request each page. ``/healthz`` (one trivial query, no session) is the ceiling the pages are
compared with; each page should reach at least a third of its throughput.

One JSON line per case on stdout::

    {"benchmark": "http_pages", "case": "sqlite /healthz", "product_s": ..., "peer": "healthz ceiling",
     "peer_s": ..., "ratio": ..., "p50_ms": ..., "p95_ms": ..., "rps": ...}

``rps`` is the median over the rounds (pages taken in turn); ``product_s`` and ``peer_s`` are
wall seconds per request at the given concurrency (1 / rps) for the page and for /healthz, so
``ratio`` = page throughput / ceiling throughput.

    .venv/bin/python benchmarks/http_pages.py [--requests 1500] [--seconds 20] [--rounds 3]
        [--databases sqlite,postgres]
"""

from __future__ import annotations

import argparse
import contextlib
import http.client
import json
import os
import re
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.parse
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

HOST = "127.0.0.1"
ORG = "northbay"
LOGIN_EMAIL = "lead@northbay.example"
LOGIN_PASSWORD = "northbay-demo"
PAGES = ["/healthz", "/", f"/o/{ORG}/", f"/o/{ORG}/frameworks/"]
POSTGRES_URL = os.environ.get("SFC_BENCH_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/sfc_bench")
ROOT = Path(__file__).resolve().parent.parent

# Used when the demo seeder is not available: one organisation and the signed-in person.
MINIMAL_SEED = f"""
from spaceforchange.core import services
org = services.create_organization(name="Northbay", slug="{ORG}")
user = services.create_user(email="{LOGIN_EMAIL}", password="{LOGIN_PASSWORD}")
services.add_member(organization=org, user=user, roles=["innovation_lead"])
"""


@dataclass
class Load:
    """What one case measured."""

    latencies: list[float] = field(default_factory=list)
    statuses: Counter[int | str] = field(default_factory=Counter)
    elapsed: float = 0.0

    @property
    def ok(self) -> int:
        return self.statuses[200]

    def percentile_ms(self, fraction: float) -> float:
        ordered = sorted(self.latencies)
        return round(1000 * ordered[min(len(ordered) - 1, int(fraction * len(ordered)))], 2) if ordered else 0.0


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind((HOST, 0))
        return int(sock.getsockname()[1])


def sfc(*args: str) -> list[str]:
    return [sys.executable, "-m", "spaceforchange.cli", *args]


def server_env(database: str, var_dir: Path) -> dict[str, str]:
    env = {key: value for key, value in os.environ.items() if not key.startswith("SFC_")}
    env |= {"SFC_VAR_DIR": str(var_dir), "SFC_DEBUG": "0", "SFC_LOG_LEVEL": "ERROR"}
    env["PYTHONPATH"] = str(ROOT / "src")
    if database == "postgres":
        env["SFC_DATABASE_URL"] = POSTGRES_URL
    return env


def reset_postgres() -> None:
    import psycopg

    parts = urllib.parse.urlsplit(POSTGRES_URL)
    name = parts.path.lstrip("/")
    admin_url = urllib.parse.urlunsplit(parts._replace(path="/postgres"))
    with psycopg.connect(admin_url, autocommit=True) as connection:
        connection.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        connection.execute(f'CREATE DATABASE "{name}"')


def prepare_database(env: dict[str, str]) -> str:
    """Migrate and load the demo; returns which data set the pages show."""
    subprocess.run(sfc("migrate"), env=env, check=True, capture_output=True)
    seeded = subprocess.run(sfc("seed-demo"), env=env, capture_output=True, text=True, check=False)
    if seeded.returncode == 0:
        return "seed-demo"
    print(f"seed-demo failed ({seeded.stderr.strip()[-200:]}); using a minimal organisation", file=sys.stderr)
    script = f"import django; django.setup()\n{MINIMAL_SEED}"
    django_env = env | {"DJANGO_SETTINGS_MODULE": "spaceforchange.settings"}
    subprocess.run([sys.executable, "-c", script], env=django_env, check=True)
    return "minimal"


@contextlib.contextmanager
def running_server(env: dict[str, str], port: int, log: Path) -> Iterator[None]:
    command = sfc("serve", "--host", HOST, "--port", str(port), "--workers", "2")
    with log.open("wb") as output:
        server = subprocess.Popen(command, env=env, start_new_session=True, stdout=output, stderr=output)
    try:
        wait_until_up(port, server)
        yield
    except Exception:
        print(f"server log:\n{log.read_text()[-2000:]}", file=sys.stderr)
        raise
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        try:
            server.wait(timeout=15)
        except subprocess.TimeoutExpired:
            os.killpg(server.pid, signal.SIGKILL)
            server.wait()


def wait_until_up(port: int, server: subprocess.Popen[bytes], limit: float = 30.0) -> None:
    deadline = time.monotonic() + limit
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise RuntimeError(f"sfc serve exited with status {server.returncode}")
        with contextlib.suppress(OSError):
            if request(port, "GET", "/healthz")[0] == 200:
                return
        time.sleep(0.2)
    raise RuntimeError("sfc serve did not answer /healthz within 30 s")


def request(
    port: int, method: str, path: str, body: str | None = None, headers: dict[str, str] | None = None
) -> tuple[int, http.client.HTTPMessage, str]:
    connection = http.client.HTTPConnection(HOST, port, timeout=30)
    try:
        connection.request(method, path, body=body, headers=headers or {})
        response = connection.getresponse()
        return response.status, response.headers, response.read().decode("utf-8", "replace")
    finally:
        connection.close()


def apply_cookies(jar: dict[str, str], headers: http.client.HTTPMessage) -> None:
    """Keep and drop cookies as a browser would: a cookie set empty or already expired is deleted."""
    for header in headers.get_all("Set-Cookie") or []:
        name, _, rest = header.partition("=")
        value, _, attributes = rest.partition(";")
        lowered = attributes.lower()
        if not value or "max-age=0" in lowered or "expires=thu, 01 jan 1970" in lowered:
            jar.pop(name.strip(), None)
        else:
            jar[name.strip()] = value


def log_in(port: int) -> str:
    """Sign in through the real login form and open the page it leads to, as a browser would
    (which also shows and clears the "signed in" message); returns the Cookie header."""
    jar: dict[str, str] = {}
    status, headers, page = request(port, "GET", "/accounts/login/")
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page)
    if status != 200 or token is None:
        raise RuntimeError(f"login page answered {status} without a CSRF token")
    apply_cookies(jar, headers)
    form = urllib.parse.urlencode(
        {"login": LOGIN_EMAIL, "password": LOGIN_PASSWORD, "csrfmiddlewaretoken": token.group(1)}
    )
    form_headers = {"Content-Type": "application/x-www-form-urlencoded", "Cookie": f"csrftoken={jar['csrftoken']}"}
    status, headers, _ = request(port, "POST", "/accounts/login/", form, form_headers)
    apply_cookies(jar, headers)
    if status != 302 or "sessionid" not in jar:
        raise RuntimeError(f"signing in as {LOGIN_EMAIL} failed (status {status})")
    cookie = "; ".join(f"{name}={value}" for name, value in jar.items())
    status, headers, _ = request(port, "GET", headers["Location"], headers={"Cookie": cookie})
    apply_cookies(jar, headers)
    if status != 200 or "messages" in jar:
        raise RuntimeError(f"the page after signing in answered {status} or kept its messages")
    return "; ".join(f"{name}={value}" for name, value in jar.items())


def client(port: int, path: str, cookie: str, tickets: Iterator[int], stop_at: float, load: Load) -> None:
    connection = http.client.HTTPConnection(HOST, port, timeout=30)
    headers = {"Cookie": cookie} if cookie else {}
    for _ in tickets:
        if time.monotonic() > stop_at:
            break
        started = time.perf_counter()
        try:
            connection.request("GET", path, headers=headers)
            response = connection.getresponse()
            response.read()
            load.statuses[response.status] += 1
            load.latencies.append(time.perf_counter() - started)
            if response.will_close:
                connection.close()
        except (OSError, http.client.HTTPException) as error:
            load.statuses[type(error).__name__] += 1
            connection.close()
    connection.close()


def hammer(port: int, path: str, cookie: str, *, requests: int, seconds: float, concurrency: int) -> Load:
    """``concurrency`` threads share a budget of ``requests``, stopping after ``seconds``."""
    tickets = iter(range(requests))  # next() on a range iterator is atomic under the GIL
    load = Load()
    stop_at = time.monotonic() + seconds
    threads = [
        threading.Thread(target=client, args=(port, path, cookie, tickets, stop_at, load)) for _ in range(concurrency)
    ]
    started = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    load.elapsed = time.perf_counter() - started
    return load


def report(database: str, path: str, loads: list[Load], ceiling_rps: float | None, extra: dict[str, object]) -> float:
    """One JSON line for a page: the median of its rounds' throughputs, latencies pooled.
    Without ``ceiling_rps`` the page is the ceiling itself."""
    rps = statistics.median(load.ok / load.elapsed if load.elapsed else 0.0 for load in loads)
    ceiling_rps = ceiling_rps or rps
    latencies = [latency for load in loads for latency in load.latencies]
    statuses: Counter[int | str] = sum((load.statuses for load in loads), Counter())
    pooled = Load(latencies=latencies, statuses=statuses)
    product_s = 1 / rps if rps else None
    peer_s = 1 / ceiling_rps if ceiling_rps else None
    line = {
        "benchmark": "http_pages",
        "case": f"{database} {path}",
        "product_s": round(product_s, 6) if product_s else None,
        "peer": "healthz ceiling",
        "peer_s": round(peer_s, 6) if peer_s else None,
        "ratio": round(peer_s / product_s, 3) if product_s and peer_s else None,
        "p50_ms": round(1000 * statistics.median(latencies), 2) if latencies else None,
        "p95_ms": pooled.percentile_ms(0.95),
        "rps": round(rps, 1),
        "rps_rounds": [round(load.ok / load.elapsed, 1) if load.elapsed else 0.0 for load in loads],
        "requests": sum(statuses.values()),
        "statuses": {str(key): value for key, value in statuses.items()},
        **extra,
    }
    print(json.dumps(line), flush=True)
    if statuses.keys() - {200}:
        print(f"{database} {path}: answers other than 200: {dict(statuses)}", file=sys.stderr)
    return rps


def bench_database(database: str, options: argparse.Namespace) -> None:
    with tempfile.TemporaryDirectory(prefix="sfc-bench-") as var_dir:
        if database == "postgres":
            reset_postgres()
        env = server_env(database, Path(var_dir))
        data = prepare_database(env)
        port = free_port()
        with running_server(env, port, Path(var_dir) / "server.log"):
            cookie = log_in(port)
            clients = options.concurrency
            loads: dict[str, list[Load]] = {path: [] for path in PAGES}
            # Rounds take the pages in turn, so a slow spell of a shared machine falls on
            # every page alike instead of on whichever page was running.
            for _round in range(options.rounds):
                for path in PAGES:
                    session = "" if path == "/healthz" else cookie
                    hammer(port, path, session, requests=clients, seconds=10, concurrency=clients)  # warm-up
                    loads[path].append(
                        hammer(
                            port, path, session, requests=options.requests, seconds=options.seconds, concurrency=clients
                        )
                    )
            extra = {"concurrency": clients, "workers": 2, "rounds": options.rounds, "data": data}
            ceiling_rps = report(database, "/healthz", loads["/healthz"], None, extra)
            for path in PAGES[1:]:
                report(database, path, loads[path], ceiling_rps, extra | {"load_1m": round(os.getloadavg()[0], 2)})


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--requests", type=int, default=1500, help="requests per case (default 1500)")
    parser.add_argument("--seconds", type=float, default=20, help="time limit per case (default 20)")
    parser.add_argument("--concurrency", type=int, default=20, help="client threads (default 20)")
    parser.add_argument("--rounds", type=int, default=3, help="rounds over all pages; the median counts (default 3)")
    parser.add_argument("--databases", default="sqlite,postgres", help="comma-separated: sqlite, postgres")
    options = parser.parse_args()
    for database in options.databases.split(","):
        bench_database(database.strip(), options)
    if "postgres" in options.databases:
        with contextlib.suppress(Exception):
            drop_postgres()


def drop_postgres() -> None:
    import psycopg

    parts = urllib.parse.urlsplit(POSTGRES_URL)
    admin_url = urllib.parse.urlunsplit(parts._replace(path="/postgres"))
    with psycopg.connect(admin_url, autocommit=True) as connection:
        connection.execute(f'DROP DATABASE IF EXISTS "{parts.path.lstrip("/")}" WITH (FORCE)')


if __name__ == "__main__":
    main()
