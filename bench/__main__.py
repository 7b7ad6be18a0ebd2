"""Every benchmark, one after another (`make bench`, or `python -m bench`).

1. The monitoring engine in memory (300,000 enterprises × 5 years) beside DuckDB and pandas.
2. The recognition engine (高企 and 科小 assessment of 300,000 enterprises) beside pandas.
   Then the composite index: 100 regions × 40 indicators, 1,000 Monte-Carlo runs, beside numpy;
   and the matching engine: 100,000 results, 500 queries, beside bm25s.
3. Monitoring from the database (SQLite in var/bench): recompute and a 100,000-row import;
   the province-scale data is generated first when var/bench has none (7 to 15 min).
4. Load on PostgreSQL (BENCH_DATABASE_URL, by default the k_load database on the local
   server): the list, API and detail pages under concurrent clients beside a bare view;
   skipped, saying so, when no PostgreSQL answers.

Each prints its own table with the baseline of the same run. `--quick` shortens every run.
"""

import argparse
import os
import subprocess
import sys
from pathlib import Path

import psycopg

ROOT = Path(__file__).resolve().parent.parent
LOAD_DATABASE = "postgres://postgres@127.0.0.1:5432/k_load"


def run(title: str, arguments: list[str], **environment: str) -> int:
    """Run a benchmark (`-m module ...`) or a command (an executable's path first)."""
    print(f"\n## {title}\n", flush=True)
    env = {**os.environ, "PYTHONPATH": str(ROOT), **environment}
    command = arguments if arguments[0].startswith("/") else [sys.executable, *arguments]
    return subprocess.run(command, cwd=ROOT, env=env).returncode


def postgres_answers(url: str) -> bool:
    try:
        with psycopg.connect(url.rsplit("/", 1)[0] + "/postgres", connect_timeout=3):
            return True
    except psycopg.Error:
        return False


def ensure_database(url: str) -> None:
    """Create the load benchmark's database on the server when it is missing."""
    name = url.rsplit("/", 1)[1]
    with psycopg.connect(url.rsplit("/", 1)[0] + "/postgres", autocommit=True) as server:
        exists = server.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone()
        if not exists:
            server.execute(f'CREATE DATABASE "{name}"')


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--quick", action="store_true", help="smaller and shorter runs")
    args = parser.parse_args()
    failures = 0

    engine = ["-m", "bench.bench_monitoring_engine"]
    engine += ["--enterprises", "30000"] if args.quick else ["--enterprises", "300000"]
    failures += run("Monitoring engine", [*engine, "--years", "5"]) != 0

    recognition = ["-m", "bench.bench_recognition"]
    recognition += ["--enterprises", "30000"] if args.quick else ["--enterprises", "300000"]
    failures += run("Recognition engine", recognition) != 0

    index = ["-m", "bench.bench_index"] + (["--runs", "200"] if args.quick else ["--runs", "1000"])
    failures += run("Composite index engine", index) != 0

    matching = ["-m", "bench.bench_match", "--dense"]
    matching += ["--documents", "10000", "--queries", "200"] if args.quick else []
    failures += run("Matching engine", matching) != 0

    # SQLite in var/bench unless DATABASE_URL names another database.
    database = {"KECHUANG_VAR_DIR": str(ROOT / "var" / "bench")}
    cli = [str(Path(sys.executable).with_name("kechuang"))]
    scale = "30000" if args.quick else "300000"
    run("Province-scale data (when missing)", [*cli, "migrate", "-v0"], **database)
    run(
        "Province-scale data (when missing)",
        [*cli, "demo", "--scale", scale, "--if-empty"],
        **database,
    )
    steps = ["-m", "bench.bench_monitoring_db"] + (["--import-rows", "10000"] if args.quick else [])
    failures += run("Monitoring from the database", steps, **database) != 0

    url = os.environ.get("BENCH_DATABASE_URL", LOAD_DATABASE)
    if postgres_answers(url):
        ensure_database(url)
        load = ["-m", "bench.bench_load"] + (["--quick"] if args.quick else ["--duration", "30"])
        failures += (
            run("Load", load, DATABASE_URL=url, KECHUANG_VAR_DIR=str(ROOT / "var" / "load")) != 0
        )
    else:
        print(f"\n## Load\n\nskipped: no PostgreSQL answers at {url} (set BENCH_DATABASE_URL)")
    return failures


if __name__ == "__main__":
    sys.exit(main())
