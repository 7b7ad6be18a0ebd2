"""`kechuang assess`: the analyst's file in, one result row per enterprise out, no database."""

import csv
import io
import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from kechuang.engines import uscc
from kechuang.engines.recognition.facts import FACT_COLUMNS
from kechuang.engines.recognition.table import RESULT_COLUMNS

ROOT = Path(__file__).resolve().parents[3]
A = uscc.make("91", "330624", "MA2D3K1Q")
B = uscc.make("91", "330624", "MA2E5L7R")

HEADER = (
    "uscc,name,registered_on,apply_on,sales_t1,sales_t2,sales_t3,total_income_t1,"
    "hightech_income_t1,rd_t1,rd_t2,rd_t3,rd_domestic_t1,rd_domestic_t2,rd_domestic_t3,"
    "cost_expense_t1,assets_t1,net_assets_t1,net_assets_t2,net_assets_t3,staff_total,"
    "tech_staff,ip_class1,ip_class2,conversions_avg_3y,major_incident,hnte_valid,"
    "provincial_rd_institution,led_standard_5y,national_award_5y"
)
# A: 5,000万 sales exactly (the 5% band), R&D exactly 5%; B: two years old, an incident.
ROWS = [
    f"{A},甲轴承,2014-05-01,2025-06-01,5000,4000,3000,5100,3600,250,200,150,250,200,150,"
    "4200,6000,3000,2500,2000,120,18,1,3,2,0,0,0,0,0",
    f"{B},乙医药,2023-07-01,2025-06-01,800,300,,820,600,60,30,,60,30,,700,900,500,400,,"
    "40,8,0,2,,1,0,0,0,0",
]


def write(path: Path, lines, encoding="utf-8") -> Path:
    path.write_text("\n".join(lines) + "\n", encoding=encoding)
    return path


def run(*args):
    out, err = io.StringIO(), io.StringIO()
    call_command("assess", *[str(a) for a in args], stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def read_results(path: Path):
    with path.open(encoding="utf-8", newline="") as handle:
        reader = csv.DictReader(handle)
        return reader.fieldnames, list(reader)


def test_hnte_results_have_the_documented_columns(tmp_path):
    facts = write(tmp_path / "facts.csv", [HEADER, *ROWS])
    out = tmp_path / "results.csv"
    run(facts, "--rules", "hnte", "--out", out)
    columns, rows = read_results(out)
    assert tuple(columns) == RESULT_COLUMNS["hnte"]
    a, b = rows
    assert a["uscc"] == A
    assert (a["c1"], a["c2"], a["c4"], a["c5"], a["c6"], a["c8"]) == (
        "met",
        "met",
        "met",
        "met",
        "met",
        "met",
    )
    assert a["c3"] == "needs_info"  # the domain is not in the file
    assert a["rd_ratio"] == "0.05" and a["rd_threshold"] == "0.05"
    assert a["verdict"] == "needs_info"
    assert a["growth_sales"] == "0.291667"  # ½(4000/3000 + 5000/4000) − 1
    assert int(a["score_min"]) <= int(a["score_max"])
    assert b["verdict"] == "not_eligible" and b["c8"] == "not_met"
    assert b["rd_ratio"] == "0.081818"  # two years: 90 / 1,100
    assert b["growth_sales"] == "1.666667"  # the actual period: 800 / 300 − 1


def test_sme_results_and_the_explanation_column(tmp_path):
    facts = write(tmp_path / "facts.csv", [HEADER, *ROWS])
    out = tmp_path / "results.csv"
    run(facts, "--rules", "sme", "--out", out, "--explain")
    columns, rows = read_results(out)
    assert tuple(columns) == (*RESULT_COLUMNS["sme"], "explanation")
    a = rows[0]
    # 15% staff → 8; R&D 250/5,000 = 5% → 40 (250/4,200 = 5.95% of cost → 0); Ⅰ类 → 30.
    assert (a["score_staff"], a["score_rd"], a["score_ip"], a["score"]) == ("8", "40", "30", "78")
    assert a["rd_ratio"] == "0.05" and a["rd_threshold"] == "0.05"
    assert a["c5"] == "met" and a["c3"] == "needs_info" and a["direct_route"] == ""
    assert "c3" in a["explanation"]


def test_stdout_when_no_out_file(tmp_path):
    facts = write(tmp_path / "facts.csv", [HEADER, ROWS[0]])
    out, _err = run(facts, "--rules", "hnte", "--on", "2025-06-01")
    assert out.splitlines()[0] == ",".join(RESULT_COLUMNS["hnte"])
    assert len(out.splitlines()) == 2


def test_an_absent_column_means_unknown_and_on_sets_the_date(tmp_path):
    facts = write(tmp_path / "facts.csv", ["uscc,registered_on", f"{A},2024-06-02"])
    out, _ = run(facts, "--rules", "hnte", "--on", "2025-06-02")
    row = next(csv.DictReader(io.StringIO(out)))
    assert row["c1"] == "met"  # 365 days
    assert {row[f"c{i}"] for i in range(2, 9)} == {"needs_info"}
    out, _ = run(facts, "--rules", "hnte", "--on", "2025-06-01")
    assert next(csv.DictReader(io.StringIO(out)))["c1"] == "not_met"  # 364 days


def test_gb18030_files_are_read(tmp_path):
    facts = write(tmp_path / "facts.csv", [HEADER, *ROWS], encoding="gb18030")
    out, _ = run(facts, "--rules", "sme")
    assert len(out.splitlines()) == 3


def test_bad_cells_are_all_named_and_nothing_is_written(tmp_path):
    bad = ROWS[1].replace(",800,300,", ",八百,300,").replace(",0,2,,1,", ",0,2.5,,1,")
    facts = write(tmp_path / "facts.csv", [HEADER, ROWS[0], bad])
    out = tmp_path / "results.csv"
    err = io.StringIO()
    with pytest.raises(CommandError, match="2 处问题"):
        call_command("assess", str(facts), "--rules", "hnte", "--out", str(out), stderr=err)
    assert not out.exists()
    text = err.getvalue()
    assert "第 3 行，sales_t1" in text and "不是数字" in text
    assert "第 3 行，ip_class2" in text and "整数" in text


def test_unknown_columns_and_missing_files_are_refused(tmp_path):
    facts = write(tmp_path / "facts.csv", ["uscc,sales_1", f"{A},1"])
    with pytest.raises(CommandError):
        run(facts, "--rules", "hnte")
    with pytest.raises(CommandError, match="找不到文件"):
        run(tmp_path / "nope.csv", "--rules", "hnte")


def test_help_documents_every_column():
    done = subprocess.run(
        [sys.executable, "-m", "kechuang.cli", "assess", "--help"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == 0
    for name, _meaning in FACT_COLUMNS:
        assert name in done.stdout
    for code in ("hnte", "sme"):
        for name in RESULT_COLUMNS[code]:
            assert name in done.stdout


def test_runs_without_a_database(tmp_path):
    facts = write(tmp_path / "facts.csv", [HEADER, *ROWS])
    out = tmp_path / "results.csv"
    env = {**os.environ, "DATABASE_URL": "postgres://nobody@127.0.0.1:1/absent"}
    done = subprocess.run(
        [
            sys.executable,
            "-m",
            "kechuang.cli",
            "assess",
            str(facts),
            "--rules",
            "hnte",
            "--out",
            str(out),
        ],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=60,
        env=env,
    )
    assert done.returncode == 0, done.stderr
    assert "已测评 2 家" in done.stderr
    assert len(read_results(out)[1]) == 2
