"""The benchmark's import file stays a valid 107-2 file that the intake reads whole."""

from bench.bench_monitoring_db import rd_file
from kechuang.monitoring import intake
from kechuang.registry.tests.factories import EnterpriseFactory


def test_benchmark_file_reads_without_issues(db):
    for _ in range(3):
        EnterpriseFactory()
    parsed = intake.parse("rd.xlsx", rd_file(3), "rd", "yuan")
    assert parsed.issues == []
    assert len(parsed.rows) == 3
    assert parsed.skipped_totals == [9]
    assert {c.unit for c in parsed.columns if c.factor} == {"千元"}
    row = parsed.rows[0].values
    costs = [row[f] for f in ("cost_personnel", "cost_direct", "cost_depreciation", "cost_other")]
    assert row["rd_expense"] == 1_000_000 and all(c is not None for c in costs)
