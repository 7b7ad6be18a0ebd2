"""Monitoring from the database at province scale, beside plain baselines in the same run.

1. Full recompute (`services.recompute`: read the records, run every rule, store the snapshot)
   in the usual case (after an import that changed 3,000 enterprises' R&D figures, so few
   results change and little is written; the figures are put back afterwards) and in the
   worst (every stored result differs), against DuckDB computing the three monitored lists
   over the same facts in memory.
2. Import of a 100,000-row 107-2 xlsx in the statistics office's sectioned layout
   (`batches.stage` + `batches.commit`) against the raw read of the same file.

Needs province-scale data in the configured database first:

    KECHUANG_VAR_DIR=var/bench .venv/bin/kechuang migrate
    KECHUANG_VAR_DIR=var/bench .venv/bin/kechuang demo --scale 300000
    KECHUANG_VAR_DIR=var/bench .venv/bin/python -m bench.bench_monitoring_db

(with DATABASE_URL set instead of KECHUANG_VAR_DIR for PostgreSQL).
"""

import argparse
import io
import os
import resource
import time

import django

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "kechuang.settings")
django.setup()

import duckdb  # noqa: E402
from django.conf import settings  # noqa: E402
from django.contrib.auth import get_user_model  # noqa: E402
from django.db import connection  # noqa: E402
from django.db.models import F  # noqa: E402
from openpyxl import Workbook  # noqa: E402

from bench.bench_monitoring_engine import duckdb_lists  # noqa: E402
from kechuang.core.excel import read_rows  # noqa: E402
from kechuang.monitoring import batches, services  # noqa: E402
from kechuang.monitoring import facts as facts_module  # noqa: E402
from kechuang.monitoring.models import Alert, ImportBatch, RDRecord, SnapshotEntry  # noqa: E402
from kechuang.registry.models import Enterprise  # noqa: E402


def timed(run):
    started = time.perf_counter()
    value = run()
    return time.perf_counter() - started, value


def peak_mib() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def best_of(runs: int, run):
    timings, value = [], None
    for _ in range(runs):
        seconds, value = timed(run)
        timings.append(seconds)
    return min(timings), value


def recompute_figures(year: int) -> list[tuple[str, float]]:
    facts_seconds, facts = best_of(3, lambda: facts_module.build_facts(year))
    services.recompute(year)  # the year's current results, as after any import

    def everything_changed():
        # As if every result had moved: no live row matches what the recompute produces.
        current = services.current_snapshot(year)
        SnapshotEntry.objects.of(current).update(digest=0)
        Alert.objects.of(current).update(digest=0)
        return timed(lambda: services.recompute(year))[0]

    reporting = RDRecord.objects.filter(year=year, quarter=0, rd_expense__gt=0).order_by("pk")
    touched = list(reporting.values_list("pk", flat=True)[:9000])

    def after_an_import(run: int):
        # As after an import that changed 3,000 enterprises' R&D figures (1% of enterprises).
        ids = touched[run * 3000 : (run + 1) * 3000]
        RDRecord.objects.filter(pk__in=ids).update(rd_expense=F("rd_expense") + 1)
        return timed(lambda: services.recompute(year))

    runs = [after_an_import(run) for run in range(3)]
    usual_seconds, snapshot = min(runs, key=lambda run: run[0])
    RDRecord.objects.filter(pk__in=touched).update(rd_expense=F("rd_expense") - 1)
    changed_seconds = min(everything_changed() for _ in range(3))
    con = duckdb.connect()
    con.register("facts", facts)
    duck_seconds, _ = best_of(3, lambda: duckdb_lists(con, year))
    entries = SnapshotEntry.objects.of(snapshot).count()
    print(f"  facts rows: {len(facts):,}; entries in a snapshot: {entries:,}")
    return [
        (
            "recompute after an import changed 3,000 enterprises' R&D (read, compute, compare)",
            usual_seconds,
        ),
        (
            "recompute from the database, every result changed (read, compute, rewrite)",
            changed_seconds,
        ),
        ("  of which: read the records into facts", facts_seconds),
        ("baseline: DuckDB, the three lists over the same facts in memory", duck_seconds),
    ]


COSTS = (
    "人员人工费用",
    "直接投入费用",
    "折旧费用与长期待摊费用",
    "无形资产摊销费用",
    "设计费用",
    "装备调试费用与试验费用",
    "委托外部研究开发费用",
    "其他费用",
)


def rd_file(rows: int) -> bytes:
    """A 107-2 file as a statistics office sends it: title, units line, a two-row sectioned
    header over the staff total, the cost total and its eight items, a code row, a total."""
    codes = list(Enterprise.objects.order_by("pk").values_list("uscc", "name")[:rows])
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet()
    sheet.append(["企业研究开发活动及相关情况"])
    sheet.append(["表号：107-2表", None, "计量单位：人、千元、件"])
    sheet.append(
        ["统一社会信用代码", "单位详细名称", "一、研究开发人员情况", "二、研究开发费用情况"]
        + [None] * len(COSTS)
        + ["七、研究开发产出及相关情况"]
    )
    sheet.append(
        [
            None,
            None,
            "合计",
            "合计",
            *(f"{n}.{c}" for n, c in enumerate(COSTS, 1)),
            "期末有效发明专利数",
        ]
    )
    sheet.append(["甲", "乙", *range(1, len(COSTS) + 5)])
    totals = [0] * (len(COSTS) + 3)
    for index, (code, name) in enumerate(codes):
        total = 1000 + index % 997
        items = [total // 2, total // 4, total // 10, 5, 10, 20, 30]
        figures = [5 + index % 40, total, *items, total - sum(items), index % 5]
        totals = [a + b for a, b in zip(totals, figures, strict=True)]
        sheet.append([code, name, *figures])
    sheet.append([None, "全省合计", *totals])
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def import_figures(rows: int, year: int) -> list[tuple[str, float]]:
    content = rd_file(rows)
    user = get_user_model().objects.filter(
        is_superuser=True
    ).first() or get_user_model().objects.create_superuser("bench", password="bench-pass-2026")
    read_seconds, table = timed(lambda: read_rows("rd.xlsx", content))
    stage_seconds, batch = timed(
        lambda: batches.stage(
            filename="rd.xlsx",
            content=content,
            kind_key="rd",
            year=year,
            quarter=0,
            department="statistics",
            default_unit="thousand",
            marks_above_scale=False,
            user=user,
        )
    )
    if batch.status != "validated":
        raise SystemExit(f"benchmark file did not validate: {batch.errors[:3]}")
    commit_seconds, _ = timed(lambda: batches.commit(batch, user=user, create_unknown=False))
    print(f"  file: {len(content) / 1e6:.1f} MB, {len(table) - 6:,} data rows")
    batches.rollback(ImportBatch.objects.get(pk=batch.pk), user=user)
    return [
        ("import: validate and stage (parse, checks, preview)", stage_seconds),
        ("import: commit in one transaction", commit_seconds),
        ("import: total", stage_seconds + commit_seconds),
        ("baseline: raw read of the same file (python-calamine)", read_seconds),
    ]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--year", type=int, default=2025)
    parser.add_argument("--import-rows", type=int, default=100_000)
    parser.add_argument("--import-year", type=int, default=2030)
    parser.add_argument("--only", choices=["recompute", "import"])
    args = parser.parse_args()
    count = Enterprise.objects.count()
    print(
        f"database: {connection.vendor}, enterprises: {count:,}, "
        f"R&D records: {RDRecord.objects.count():,}, var: {settings.VAR_DIR}"
    )
    figures = []
    if args.only in (None, "recompute"):
        figures += recompute_figures(args.year)
    if args.only in (None, "import"):
        figures += import_figures(args.import_rows, args.import_year)
    print("\n| step | seconds |\n|---|---:|")
    for label, seconds in figures:
        print(f"| {label} | {seconds:.2f} |")
    print(f"| peak memory of the process (MiB) | {peak_mib():.0f} |")


if __name__ == "__main__":
    main()
