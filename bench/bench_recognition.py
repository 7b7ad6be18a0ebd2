"""Benchmark of the recognition engine: 300,000 enterprises assessed as 高企 and as 科小,
beside a plain pandas baseline that computes the HNTE three-year R&D ratio and its
threshold check alone, vectorised, over the same data in the same run. The ratios and the
threshold verdicts are checked to agree.

    .venv/bin/python -m bench.bench_recognition --enterprises 300000
"""

import argparse
import csv
import io
import platform
import resource
import time
from datetime import date
from decimal import Decimal

import numpy as np
import pandas as pd

from kechuang.engines import uscc
from kechuang.engines.recognition import assess_many
from kechuang.engines.recognition.facts import FIELD_NAMES, Facts
from kechuang.engines.recognition.table import read_facts, results

APPLY = date(2025, 6, 1)
AMOUNTS = (
    "sales_t1",
    "sales_t2",
    "sales_t3",
    "total_income_t1",
    "hightech_income_t1",
    "rd_t1",
    "rd_t2",
    "rd_t3",
    "rd_domestic_t1",
    "rd_domestic_t2",
    "rd_domestic_t3",
    "cost_expense_t1",
    "assets_t1",
    "net_assets_t1",
    "net_assets_t2",
    "net_assets_t3",
)


def synthetic(n: int, seed: int = 20261) -> pd.DataFrame:
    """A deterministic population in 万元: lognormal sizes, yearly growth, R&D around 3%,
    about 2% of cells unknown."""
    rng = np.random.default_rng(seed)
    sales = rng.lognormal(np.log(3000), 1.4, n)
    growth = rng.normal(0.08, 0.12, n)
    intensity = rng.lognormal(np.log(0.03), 0.6, n)
    frame = pd.DataFrame(
        {
            "sales_t1": sales,
            "sales_t2": sales / (1 + growth),
            "sales_t3": sales / (1 + growth) ** 2,
        }
    )
    for year in ("t1", "t2", "t3"):
        frame[f"rd_{year}"] = frame[f"sales_{year}"] * intensity * rng.normal(1, 0.1, n).clip(0)
        frame[f"rd_domestic_{year}"] = frame[f"rd_{year}"] * rng.uniform(0.5, 1, n)
        frame[f"net_assets_{year}"] = frame[f"sales_{year}"] * rng.uniform(0.2, 0.8, n)
    frame["total_income_t1"] = frame["sales_t1"] * 1.03
    frame["hightech_income_t1"] = frame["total_income_t1"] * rng.uniform(0.3, 1, n)
    frame["cost_expense_t1"] = frame["sales_t1"] * rng.uniform(0.7, 1, n)
    frame["assets_t1"] = frame["sales_t1"] * rng.uniform(0.8, 2, n)
    frame = frame.round(2)
    for column in AMOUNTS:
        frame.loc[rng.random(n) < 0.02, column] = np.nan
    frame["staff_total"] = rng.integers(5, 800, n)
    frame["tech_staff"] = (frame["staff_total"] * rng.uniform(0.02, 0.4, n)).astype(int)
    frame["ip_class1"] = rng.poisson(0.8, n)
    frame["ip_class2"] = rng.poisson(4, n)
    frame["conversions_avg_3y"] = rng.integers(0, 8, n)
    frame["major_incident"] = rng.random(n) < 0.01
    frame["registered_on"] = [
        date.fromordinal(APPLY.toordinal() - int(days)) for days in rng.integers(200, 7000, n)
    ]
    frame["uscc"] = [uscc.make("91", "330624", f"{i:08d}") for i in range(10**7, 10**7 + n)]
    return frame


def to_facts(frame: pd.DataFrame) -> list[Facts]:
    columns = [c for c in FIELD_NAMES if c in frame.columns]
    records = frame[columns].to_dict("records")
    facts = []
    for record in records:
        values = {}
        for name, value in record.items():
            if isinstance(value, float):
                if value == value:
                    values[name] = Decimal(repr(value))
            elif isinstance(value, np.integer | int) and not isinstance(value, bool):
                values[name] = (
                    Decimal(int(value))
                    if name in ("staff_total", "tech_staff", "conversions_avg_3y")
                    else int(value)
                )
            elif isinstance(value, np.bool_ | bool):
                values[name] = bool(value)
            else:
                values[name] = value
        facts.append(Facts(apply_on=APPLY, **values))
    return facts


def pandas_ratio(frame: pd.DataFrame) -> pd.DataFrame:
    """The plain baseline: the three-year R&D ratio and its band threshold, vectorised."""
    rd = frame[["rd_t1", "rd_t2", "rd_t3"]].sum(axis=1, min_count=3)
    sales = frame[["sales_t1", "sales_t2", "sales_t3"]].sum(axis=1, min_count=3)
    ratio = rd / sales
    threshold = np.select(
        [frame["sales_t1"] <= 5000, frame["sales_t1"] <= 20000], [0.05, 0.04], default=0.03
    )
    threshold = pd.Series(threshold, index=frame.index).where(frame["sales_t1"].notna())
    return pd.DataFrame({"ratio": ratio, "threshold": threshold, "met": ratio >= threshold})


def timed(label, action, runs):
    best, value = None, None
    for _ in range(runs):
        start = time.perf_counter()
        value = action()
        took = time.perf_counter() - start
        best = took if best is None else min(best, took)
    return label, best, value


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--enterprises", type=int, default=300_000)
    parser.add_argument("--runs", type=int, default=1)
    args = parser.parse_args()
    n = args.enterprises
    print(f"{n:,} enterprises; Python {platform.python_version()}; {platform.machine()}")
    frame = synthetic(n)
    young = frame["registered_on"].map(lambda d: d.year >= APPLY.year - 3)
    label, build, facts = timed("build Facts from the frame", lambda: to_facts(frame), 1)
    rows = []
    _, hnte_time, hnte = timed("engine: HNTE", lambda: assess_many(facts, "hnte"), args.runs)
    rows.append(("engine: 高企 assessment (8 conditions, score range, sentences)", hnte_time))
    _, sme_time, sme = timed("engine: SME", lambda: assess_many(facts, "sme"), args.runs)
    rows.append(("engine: 科小 evaluation (5 conditions, 3 scores, routes)", sme_time))
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=list(FIELD_NAMES), extrasaction="ignore")
    writer.writeheader()
    writer.writerows(
        {
            k: ("" if v is None else v)
            for k, v in zip(FIELD_NAMES, (getattr(f, k) for k in FIELD_NAMES), strict=True)
        }
        for f in facts
    )
    text = buffer.getvalue()

    def analyst_file():
        read, problems = read_facts(enumerate(csv.DictReader(io.StringIO(text)), start=2))
        assert not problems
        return sum(1 for _ in results(read, "hnte"))

    _, cli_time, _ = timed("analyst file", analyst_file, 1)
    rows.append(("kechuang assess path: read a FACTS CSV and assess as 高企", cli_time))
    _, base_time, baseline = timed("pandas", lambda: pandas_ratio(frame), max(3, args.runs))
    rows.append(("baseline: pandas, three-year R&D ratio and threshold only", base_time))

    # Agreement: where the company is at least three years old and every figure known.
    comparable = (~young) & baseline["ratio"].notna() & baseline["threshold"].notna()
    engine_ratio = pd.Series([float(a.figures["rd_ratio"] or np.nan) for a in hnte])
    assert np.allclose(engine_ratio[comparable], baseline["ratio"][comparable], rtol=1e-9)
    ratio_met = pd.Series(
        [
            a.figures["rd_ratio"] is not None and a.figures["rd_ratio"] >= a.figures["rd_threshold"]
            for a in hnte
        ]
    )
    disagree = int((ratio_met[comparable] != baseline["met"][comparable]).sum())
    verdicts = pd.Series([a.verdict for a in hnte]).value_counts().to_dict()
    sme_verdicts = pd.Series([a.verdict for a in sme]).value_counts().to_dict()

    print()
    print("| step | seconds | × baseline |")
    print("|---|---:|---:|")
    for title, seconds in rows:
        print(f"| {title} | {seconds:.2f} | {seconds / base_time:,.0f} |")
    print()
    print(f"building the {n:,} Facts from the frame: {build:.2f} s (not counted above)")
    print(
        f"ratio checks compared: {int(comparable.sum()):,}; threshold verdicts differing: {disagree}"
    )
    print(f"高企 verdicts: {verdicts}")
    print(f"科小 verdicts: {sme_verdicts}")
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"peak memory: {peak:,.0f} MiB")


if __name__ == "__main__":
    main()
