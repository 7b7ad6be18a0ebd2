"""Load: the enterprise list page, its API twin and the detail page under concurrent clients.

Serves the platform with gunicorn on a free loopback port and measures, logged in as a
county bureau officer (科技局科员, whole-county scope), each page at 1, 4 and 20 concurrent
clients for a fixed time, beside a bare Django view that renders the same 25 rows from the
same table in the same run (a bench-only URLconf, bench/load_urls.py). Reports p50/p95/p99
latency, throughput and errors. Builds 300,000 synthetic enterprises with the province-scale
generator first (`kechuang demo --scale`), or reuses them when present:

    PYTHONPATH=. KECHUANG_VAR_DIR=var/load \
        DATABASE_URL=postgres://postgres@127.0.0.1:5432/k_load \
        .venv/bin/python -m bench.bench_load            # --quick: 5 s per step
"""

import argparse
import os
import socket
import statistics
import subprocess
import sys
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import quote

import django

os.environ["DJANGO_SETTINGS_MODULE"] = "bench.load_settings"
django.setup()

import requests  # noqa: E402
from django.conf import settings  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402

from kechuang.accounts.choices import OrgKind  # noqa: E402
from kechuang.accounts.models import Organisation, User  # noqa: E402
from kechuang.accounts.services import create_user, ensure_standard_roles  # noqa: E402
from kechuang.demo.scale import generate_scale  # noqa: E402
from kechuang.monitoring import services  # noqa: E402
from kechuang.registry.models import Enterprise, Region  # noqa: E402

USERNAME = "load_staff"
TARGET_P95_MS = 150


def ensure_enterprises(total: int) -> None:
    call_command("migrate", verbosity=0)
    missing = total - Enterprise.objects.count()
    if missing > 0:
        print(f"generating {missing:,} enterprises (several minutes on 2 cores)...", flush=True)
        generate_scale(enterprises=missing)
    year = services.latest_year()
    if year and services.current_snapshot(year) is None:
        print(f"computing the {year} monitoring results...", flush=True)
        services.recompute(year)
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("VACUUM ANALYZE")  # as autovacuum leaves a table that has settled


def county_staff() -> User:
    county = (
        Enterprise.objects.order_by("pk").values_list("town__parent_id", flat=True).first()
        or "330624"
    )
    user = User.objects.filter(username=USERNAME).first()
    if user is None:
        name = Region.objects.get(code=county).name
        bureau, _ = Organisation.objects.get_or_create(
            name=f"{name}科学技术局", kind=OrgKind.BUREAU, region_id=county
        )
        roles = ensure_standard_roles()
        user = create_user(
            USERNAME, "load-bench-2026", organisation=bureau, roles=[roles["科技局科员"]]
        )
    return user


def session_cookie(user: User) -> str:
    client = Client()
    client.force_login(user)
    return f"{settings.SESSION_COOKIE_NAME}={client.cookies[settings.SESSION_COOKIE_NAME].value}"


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def serve(port: int, workers: int) -> subprocess.Popen:
    gunicorn = Path(sys.executable).with_name("gunicorn")
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "bench.load_settings"}
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [os.getcwd(), env.get("PYTHONPATH")]))
    command = [str(gunicorn), "kechuang.wsgi", "--bind", f"127.0.0.1:{port}"]
    command += ["--workers", str(workers), "--log-level", "warning", "--timeout", "60"]
    server = subprocess.Popen(command, env=env)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            requests.get(f"http://127.0.0.1:{port}/accounts/login/", timeout=10)
            return server
        except requests.RequestException:
            time.sleep(0.3)
    server.terminate()
    raise SystemExit("gunicorn did not start within 60 s")


@dataclass
class Result:
    latencies: list[float] = field(default_factory=list)
    errors: int = 0
    seconds: float = 0.0

    def percentile(self, p: int) -> float:
        if len(self.latencies) < 2:
            return (self.latencies or [0.0])[0] * 1000
        return statistics.quantiles(self.latencies, n=100, method="inclusive")[p - 1] * 1000

    @property
    def throughput(self) -> float:
        return len(self.latencies) / self.seconds if self.seconds else 0.0


def hammer(urls: list[str], cookie: str, clients: int, seconds: float) -> Result:
    """`clients` threads, each with its own connection, cycling through `urls` until time is up."""
    result, lock = Result(), threading.Lock()
    started = time.perf_counter()
    deadline = started + seconds

    def client(offset: int) -> None:
        latencies, errors = [], 0
        with requests.Session() as session:
            session.headers["Cookie"] = cookie
            index = offset
            while time.perf_counter() < deadline:
                url = urls[index % len(urls)]
                index += 1
                began = time.perf_counter()
                try:
                    response = session.get(url, timeout=30, allow_redirects=False)
                    ok = response.status_code == 200
                except requests.RequestException:
                    ok = False
                latencies.append(time.perf_counter() - began)
                errors += not ok
        with lock:
            result.latencies += latencies
            result.errors += errors

    threads = [threading.Thread(target=client, args=(n,)) for n in range(clients)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    result.seconds = time.perf_counter() - started
    return result


def query_counts(user: User, paths: dict[str, str]) -> dict[str, int]:
    client = Client(HTTP_HOST="127.0.0.1")
    client.force_login(user)
    counts = {}
    for label, path in paths.items():
        with CaptureQueriesContext(connection) as queries:
            response = client.get(path)
        if response.status_code != 200:
            raise SystemExit(f"{path} answered {response.status_code}")
        counts[label] = len(queries)
    return counts


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--enterprises", type=int, default=300_000)
    parser.add_argument("--duration", type=float, default=60.0, help="seconds per step")
    parser.add_argument("--quick", action="store_true", help="5 s per step")
    parser.add_argument("--clients", default="1,4,20")
    parser.add_argument("--workers", type=int, default=2, help="gunicorn workers")
    args = parser.parse_args()
    duration = 5.0 if args.quick else args.duration
    ensure_enterprises(args.enterprises)
    user = county_staff()
    in_scope = Enterprise.objects.restrict(user).order_by("name_sort", "pk")
    ids = list(in_scope.values_list("pk", flat=True)[:200])
    # What officers type: the initials of a name after its place, or a few of its characters.
    typed = [
        words
        for initials, name in in_scope.values_list("name_core_initials", "name")[:100]
        for words in (initials[:3], name[3:6])
    ]
    pages = {
        "bare view (same 25 rows)": ["/bench/bare/"],
        "enterprise list page": ["/registry/enterprises/"],
        "enterprise API list": ["/api/registry/enterprises/"],
        "enterprise search (ranked)": [f"/registry/enterprises/?q={quote(q)}" for q in typed],
        "enterprise detail page": [f"/registry/enterprises/{pk}/" for pk in ids],
    }
    counts = query_counts(user, {label: paths[0] for label, paths in pages.items()})
    print(
        f"database: {connection.vendor}, enterprises: {Enterprise.objects.count():,}, "
        f"in the officer's county: {in_scope.count():,}; {duration:.0f} s per step, "
        f"gunicorn workers: {args.workers}",
        flush=True,
    )
    port = free_port()
    server = serve(port, args.workers)
    rows = []
    try:
        cookie = session_cookie(user)
        base = f"http://127.0.0.1:{port}"
        for label, paths in pages.items():
            urls = [base + path for path in paths]
            hammer(urls, cookie, 2, min(2.0, duration))  # warm both workers
            for clients in (int(n) for n in args.clients.split(",")):
                result = hammer(urls, cookie, clients, duration)
                rows.append((label, clients, result))
                print(f"  {label}, {clients} clients: {result.throughput:.1f} req/s", flush=True)
    finally:
        server.terminate()
        server.wait(timeout=30)
    print(
        "\n| page | queries | clients | requests | req/s | p50 ms | p95 ms | p99 ms | errors |"
        "\n|---|---:|---:|---:|---:|---:|---:|---:|---:|"
    )
    for label, clients, r in rows:
        print(
            f"| {label} | {counts[label]} | {clients} | {len(r.latencies):,} | "
            f"{r.throughput:.1f} | {r.percentile(50):.0f} | {r.percentile(95):.0f} | "
            f"{r.percentile(99):.0f} | {r.errors} |"
        )
    bare = {clients: r for label, clients, r in rows if label.startswith("bare")}
    if 4 in bare:
        print(f"\ntarget at 4 clients: p95 <= {TARGET_P95_MS} ms, req/s >= half the bare view's")
        for label, clients, r in rows:
            if clients == 4 and not label.startswith("bare"):
                met = (
                    r.percentile(95) <= TARGET_P95_MS
                    and r.throughput >= bare[4].throughput / 2
                    and not r.errors
                )
                print(f"  {label}: {'met' if met else 'MISSED'}")


if __name__ == "__main__":
    main()
