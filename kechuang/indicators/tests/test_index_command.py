"""`kechuang index build`: COINr-style DATA and FRAMEWORK tables in, RESULTS and stage tables out.

Expected scores are worked by hand in the comments (min-max 0-100, weighted arithmetic mean).
"""

import csv
import io
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

ROOT = Path(__file__).resolve().parents[3]

DATA = [
    "uCode,uName,Region,Time,i1,i2,i3,pop",
    "A,甲市,N,2020,10,1,4,2",
    "B,乙市,N,2020,20,3,2,2",
    "C,丙市,S,2020,45,2,8,3",
    "D,丁市,S,2020,40,5,6,2",
    "A,甲市,N,2021,20,2,5,2",
    "B,乙市,N,2021,20,2,5,2",
    "C,丙市,S,2021,,4,1,3",
    "D,丁市,S,2021,60,0,9,3",
]
FRAMEWORK = [
    "iCode,iName,Level,Parent,Direction,Weight,Denominator,Type,Source",
    "i1,专利,1,P1,1,1,pop,Indicator,统计局",
    "i2,研发,1,P1,1,2,,Indicator,",
    "i3,能耗,1,P2,-1,1,,Indicator,",
    "pop,人口,,,,,,Denominator,普查",
    "P1,创新,2,Index,,2,,Aggregate,",
    "P2,绿色,2,Index,,1,,Aggregate,",
    "Index,总指数,3,,,,,Aggregate,",
]
RESULT_COLUMNS = ["uCode", "Time", "Index", "Index_rank", "P1", "P1_rank", "P2", "P2_rank"]

# 2020: i1 / pop = 5, 10, 15, 20 -> 0, 100/3, 200/3, 100
#       i2 = 1, 3, 2, 5 -> 0, 50, 25, 100
#       i3 (direction -1) = 4, 2, 8, 6 -> -4 -2 -8 -6 -> 200/3, 100, 0, 100/3
#       P1 = (i1 + 2 i2) / 3: 0, (100/3 + 100)/3 = 400/9, (200/3 + 50)/3 = 350/9, 100
#       P2 = i3
#       Index = (2 P1 + P2) / 3: 200/9, (800/9 + 100)/3 = 1700/27, 700/27, (200 + 100/3)/3 = 700/9
# 2021: i1 / pop = 10, 10, -, 20 -> 0, 0, -, 100 (three values: not tested for outliers)
#       i2 = 2, 2, 4, 0 -> 50, 50, 100, 0; i3 = 5, 5, 1, 9 -> -5 -5 -1 -9 -> 50, 50, 100, 0
#       P1: A, B (0 + 100)/3 = 100/3; C only i2 = 100; D (100 + 0)/3 = 100/3
#       Index: A, B (200/3 + 50)/3 = 350/9; C (200 + 100)/3 = 100; D (200/3)/3 = 200/9
EXPECTED = {
    ("A", "2020"): (200 / 9, 4, 0, 4, 200 / 3, 2),
    ("B", "2020"): (1700 / 27, 2, 400 / 9, 2, 100, 1),
    ("C", "2020"): (700 / 27, 3, 350 / 9, 3, 0, 4),
    ("D", "2020"): (700 / 9, 1, 100, 1, 100 / 3, 3),
    ("A", "2021"): (350 / 9, 2, 100 / 3, 2, 50, 2),
    ("B", "2021"): (350 / 9, 2, 100 / 3, 2, 50, 2),
    ("C", "2021"): (100, 1, 100, 1, 100, 1),
    ("D", "2021"): (200 / 9, 4, 100 / 3, 2, 0, 4),
}


def write(path: Path, lines, encoding="utf-8") -> Path:
    path.write_text("\n".join(lines) + "\n", encoding=encoding)
    return path


def inputs(tmp_path, data=DATA, framework=FRAMEWORK, encoding="utf-8"):
    return (
        write(tmp_path / "data.csv", data, encoding),
        write(tmp_path / "framework.csv", framework, encoding),
    )


def run(*args):
    out, err = io.StringIO(), io.StringIO()
    call_command("index", "build", *[str(a) for a in args], stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def read(path: Path):
    with path.open(encoding="utf-8", newline="") as handle:
        reader = csv.DictReader(handle)
        return reader.fieldnames, list(reader)


def by_unit(rows):
    return {(row["uCode"], row["Time"]): row for row in rows}


def test_results_have_the_columns_and_the_hand_worked_values(tmp_path):
    data, framework = inputs(tmp_path)
    out = tmp_path / "results.csv"
    _, err = run(data, framework, "--out", out)
    columns, rows = read(out)
    assert columns == RESULT_COLUMNS
    assert [(row["uCode"], row["Time"]) for row in rows] == list(EXPECTED)
    for key, row in by_unit(rows).items():
        index, index_rank, p1, p1_rank, p2, p2_rank = EXPECTED[key]
        assert float(row["Index"]) == pytest.approx(index, rel=1e-12), key
        assert float(row["P1"]) == pytest.approx(p1, abs=1e-12), key
        assert float(row["P2"]) == pytest.approx(p2, abs=1e-12), key
        assert (float(row["Index_rank"]), float(row["P1_rank"]), float(row["P2_rank"])) == (
            index_rank,
            p1_rank,
            p2_rank,
        ), key
    assert "4 个单位" in err and "3 个指标" in err and "2 期" in err


def test_results_go_to_stdout_without_out(tmp_path):
    data, framework = inputs(tmp_path)
    out, _ = run(data, framework)
    rows = list(csv.DictReader(io.StringIO(out)))
    assert list(rows[0]) == RESULT_COLUMNS
    assert float(by_unit(rows)["D", "2020"]["Index"]) == pytest.approx(700 / 9)


def test_stages_are_written_with_full_precision(tmp_path):
    data, framework = inputs(tmp_path)
    stages = tmp_path / "stages"
    run(data, framework, "--stages", stages, "--out", tmp_path / "results.csv")
    names = sorted(path.name for path in stages.iterdir())
    assert names == [
        "1_denominated.csv",
        "2_imputed.csv",
        "3_treated.csv",
        "4_normalised.csv",
        "5_aggregated.csv",
        "correlations.csv",
        "treatment_log.csv",
    ]
    columns, rows = read(stages / "1_denominated.csv")
    assert columns == ["uCode", "Time", "i1", "i2", "i3"]
    assert [float(row["i1"]) for row in rows[:4]] == [5, 10, 15, 20]
    assert rows[6]["i1"] == ""  # C 2021 missing, not imputed
    _, rows = read(stages / "4_normalised.csv")
    b = by_unit(rows)["B", "2020"]
    # 100/3 written with 17 significant digits
    assert len(b["i1"].replace(".", "").lstrip("0")) >= 16
    assert float(b["i1"]) == pytest.approx(100 / 3, rel=1e-15)
    assert float(by_unit(rows)["A", "2020"]["i3"]) == pytest.approx(200 / 3, rel=1e-15)
    columns, rows = read(stages / "5_aggregated.csv")
    assert columns == ["uCode", "Time", "i1", "i2", "i3", "P1", "P2", "Index"]
    assert float(by_unit(rows)["B", "2020"]["Index"]) == pytest.approx(1700 / 27, rel=1e-15)

    columns, log = read(stages / "treatment_log.csv")
    assert columns == [
        "Time",
        "iCode",
        "skew_before",
        "kurtosis_before",
        "action",
        "points",
        "skew_after",
        "kurtosis_after",
        "note",
    ]
    entries = {(row["Time"], row["iCode"]): row for row in log}
    assert len(log) == 6
    # 2021 i1 has three values only
    assert entries["2021", "i1"]["action"] == "skipped"
    assert entries["2020", "i2"]["action"] == "passed"
    # 2020 i2 = 1 3 2 5: mean 2.75, deviations -1.75 .25 -.75 2.25
    # S2 = 8.75, S3 = 5.625, G1 = 2 * 5.625 / 8.75^1.5 * sqrt(4 * 3) / 2
    skew = 2 * 5.625 / 8.75**1.5 * 12**0.5 / 2
    assert float(entries["2020", "i2"]["skew_before"]) == pytest.approx(skew, rel=1e-14)
    assert float(entries["2020", "i1"]["skew_before"]) == 0


def test_impute_group_fills_from_the_units_group(tmp_path):
    data, framework = inputs(tmp_path)
    stages = tmp_path / "stages"
    out = tmp_path / "results.csv"
    run(data, framework, "--impute-group", "Region", "--stages", stages, "--out", out)
    _, rows = read(stages / "2_imputed.csv")
    # C (group S) in 2021: i1 / pop of the rest of S is D's 60 / 3 = 20
    assert float(by_unit(rows)["C", "2021"]["i1"]) == 20
    _, rows = read(stages / "4_normalised.csv")
    # i1 = 10 10 20 20 -> 0 0 100 100
    assert [float(row["i1"]) for row in rows[4:]] == [0, 0, 100, 100]
    _, log = read(stages / "treatment_log.csv")
    imputed = [row for row in log if row["action"] == "imputed"]
    assert len(imputed) == 1
    assert imputed[0]["Time"] == "2021" and imputed[0]["iCode"] == "i1"
    assert imputed[0]["points"] == "C:20.0"
    assert "S" in imputed[0]["note"] and "均值" in imputed[0]["note"]
    _, rows = read(out)
    # P1 for C: (100 + 2 * 100)/3 = 100; A, B, D unchanged at 100/3
    assert float(by_unit(rows)["C", "2021"]["P1"]) == pytest.approx(100)
    assert float(by_unit(rows)["A", "2021"]["P1"]) == pytest.approx(100 / 3)

    # the overall mean instead: (10 + 10 + 20) / 3 = 40/3 -> (40/3 - 10) / 10 * 100 = 100/3
    run(data, framework, "--impute", "mean", "--stages", stages, "--out", out)
    _, rows = read(stages / "4_normalised.csv")
    assert float(by_unit(rows)["C", "2021"]["i1"]) == pytest.approx(100 / 3)


def test_unknown_group_column_is_refused(tmp_path):
    data, framework = inputs(tmp_path)
    out = tmp_path / "results.csv"
    err = io.StringIO()
    with pytest.raises(CommandError):
        call_command(
            "index", "build", str(data), str(framework), "--impute-group", "省份",
            "--out", str(out), stdout=io.StringIO(), stderr=err,
        )  # fmt: skip
    assert "数据表中没有分组列“省份”" in err.getvalue()
    assert not out.exists()


def test_bad_cells_are_reported_with_line_and_column_and_nothing_is_written(tmp_path):
    lines = list(DATA)
    lines[2] = "B,乙市,N,2020,20,abc,2,2"  # line 3
    lines[4] = "D,丁市,S,2020,40,5,inf,2"  # line 5
    lines[6] = "B,乙市,N,二〇二一,20,2,5,2"  # line 7
    data, framework = inputs(tmp_path, data=lines)
    out, stages = tmp_path / "results.csv", tmp_path / "stages"
    err = io.StringIO()
    with pytest.raises(CommandError, match="3 处问题"):
        call_command(
            "index", "build", str(data), str(framework), "--stages", str(stages),
            "--out", str(out), stdout=io.StringIO(), stderr=err,
        )  # fmt: skip
    reported = err.getvalue().splitlines()
    assert "第 3 行，i2：“abc”不是数字" in reported
    assert "第 5 行，i3：“inf”不是数字" in reported
    assert "第 7 行，Time：“二〇二一”不是年份" in reported
    assert not out.exists() and not stages.exists()


def test_line_numbers_count_blank_lines_in_the_file(tmp_path):
    lines = [*DATA[:3], "", DATA[3], "", "C,丙市,S,2021,,x,1,3"]
    data, framework = inputs(tmp_path, data=lines)
    err = io.StringIO()
    with pytest.raises(CommandError):
        call_command("index", "build", str(data), str(framework), stdout=io.StringIO(), stderr=err)
    assert err.getvalue().splitlines() == ["第 7 行，i2：“x”不是数字"]

    # a quoted name over two lines (lines 3-4) is one row; the next row is still line 5
    lines = [DATA[0], DATA[1], 'B,"乙\n市",N,2020,20,3,2,2', "C,丙市,S,2020,45,y,8,3"]
    framework = ["iCode,Level,Parent,Denominator", "", "i1,1,P1,pop", "", "i2,1,P1,", "i3,1,Q,"]
    framework += ["P1,2,,"]
    data, framework = inputs(tmp_path, data=lines, framework=framework)
    err = io.StringIO()
    with pytest.raises(CommandError):
        call_command("index", "build", str(data), str(framework), stdout=io.StringIO(), stderr=err)
    assert err.getvalue().splitlines() == ["框架表：第 6 行，Parent：“Q”不是框架中的 iCode"]
    data, framework = inputs(tmp_path, data=lines, framework=FRAMEWORK)
    err = io.StringIO()
    with pytest.raises(CommandError):
        call_command("index", "build", str(data), str(framework), stdout=io.StringIO(), stderr=err)
    assert err.getvalue().splitlines() == ["第 5 行，i2：“y”不是数字"]


def test_duplicate_units_and_framework_problems_are_reported(tmp_path):
    data, framework = inputs(tmp_path, data=[*DATA, "A,甲市,N,2020,1,1,1,1"])
    err = io.StringIO()
    with pytest.raises(CommandError):
        call_command("index", "build", str(data), str(framework), stdout=io.StringIO(), stderr=err)
    assert "第 10 行，uCode：“A”（Time=2020）与第 2 行重复" in err.getvalue()

    bad = list(FRAMEWORK)
    bad[3] = "i3,能耗,1,P2,0,1,,Indicator,"  # line 4: Direction 0
    bad[6] = "P2,绿色,2,Index,,-1,,Aggregate,"  # line 7: negative weight
    data, framework = inputs(tmp_path, framework=bad)
    err = io.StringIO()
    with pytest.raises(CommandError):
        call_command("index", "build", str(data), str(framework), stdout=io.StringIO(), stderr=err)
    reported = err.getvalue()
    assert "框架表：第 4 行，Direction：" in reported
    assert "框架表：第 7 行，Weight：" in reported


def test_gb18030_input_gives_the_same_results(tmp_path):
    utf8 = tmp_path / "utf8"
    gbk = tmp_path / "gbk"
    utf8.mkdir(), gbk.mkdir()
    run(*inputs(utf8), "--impute-group", "Region", "--out", utf8 / "results.csv")
    renamed = [DATA[0].replace("Region", "地区"), *DATA[1:]]
    data, framework = inputs(gbk, data=renamed, encoding="gb18030")
    assert b"\xe7\x94\xb2" not in data.read_bytes()  # really not UTF-8
    run(data, framework, "--impute-group", "地区", "--out", gbk / "results.csv")
    assert (gbk / "results.csv").read_text(encoding="utf-8") == (utf8 / "results.csv").read_text(
        encoding="utf-8"
    )


def test_data_without_time_has_no_time_column(tmp_path):
    data = [
        "uCode,uName,i1,i2,i3,pop",
        "A,甲市,10,1,4,2",
        "B,乙市,20,3,2,2",
        "C,丙市,45,2,8,3",
        "D,丁市,40,5,6,2",
    ]
    out = tmp_path / "results.csv"
    run(*inputs(tmp_path, data=data), "--out", out)
    columns, rows = read(out)
    assert columns == [name for name in RESULT_COLUMNS if name != "Time"]
    assert float(rows[1]["Index"]) == pytest.approx(1700 / 27)


def test_several_top_elements_get_an_index_column(tmp_path):
    framework = [line for line in FRAMEWORK if not line.startswith("Index,")]
    framework = [
        line.replace(",Index,,2,", ",,,,").replace(",Index,,1,", ",,,,") for line in framework
    ]
    assert framework[-2:] == ["P1,创新,2,,,,,Aggregate,", "P2,绿色,2,,,,,Aggregate,"]
    out = tmp_path / "results.csv"
    run(*inputs(tmp_path, framework=framework), "--out", out)
    columns, rows = read(out)
    assert columns == RESULT_COLUMNS
    # the Index added above P1 and P2 weighs them equally: D 2020 (100 + 100/3) / 2 = 200/3,
    # A 2020 (0 + 200/3) / 2 = 100/3
    assert float(by_unit(rows)["D", "2020"]["Index"]) == pytest.approx(200 / 3)
    assert float(by_unit(rows)["A", "2020"]["Index"]) == pytest.approx(100 / 3)


def test_method_options_reach_the_engine(tmp_path):
    data, framework = inputs(tmp_path)
    stages = tmp_path / "stages"
    run(data, framework, "--range", "1", "100", "--aggregate", "geometric", "--stages", stages,
        "--out", tmp_path / "r.csv")  # fmt: skip
    _, rows = read(stages / "4_normalised.csv")
    # i1 2020 -> 1 + (0, 1/3, 2/3, 1) * 99 = 1, 34, 67, 100
    assert [float(row["i1"]) for row in rows[:4]] == pytest.approx([1, 34, 67, 100])
    _, rows = read(stages / "5_aggregated.csv")
    # P1 for B 2020: (34 * 50.5^2)^(1/3) with i2 = 1 + 0.5 * 99 = 50.5
    assert float(by_unit(rows)["B", "2020"]["P1"]) == pytest.approx((34 * 50.5**2) ** (1 / 3))
    with pytest.raises(CommandError, match="正数"):
        run(data, framework, "--aggregate", "geometric")
    with pytest.raises(CommandError):
        run(data, framework, "--range", "5", "5")


def test_help_mentions_every_option():
    done = subprocess.run(
        [sys.executable, "-m", "kechuang.cli", "index", "build", "--help"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == 0, done.stderr
    for option in (
        "--out",
        "--stages",
        "--no-denominate",
        "--screen",
        "--impute",
        "--impute-group",
        "--treat",
        "--winmax",
        "--skew",
        "--kurtosis",
        "--normalise",
        "--range",
        "--zscore",
        "--reference",
        "--aggregate",
    ):
        assert option in done.stdout, option
    for word in (
        "group_mean",
        "group_median",
        "skew_kurt",
        "minmax",
        "zscore",
        "percentile",
        "borda",
        "dist_ref",
        "dist_target",
        "geometric",
        "harmonic",
        "1_denominated.csv",
        "5_aggregated.csv",
        "treatment_log.csv",
        "Denominator",
        "uCode",
        "Time",
    ):
        assert word in done.stdout, word


def test_command_reads_semicolons_and_says_what_is_wrong_with_odd_files(tmp_path):
    import io as _io

    from django.core.management import CommandError, call_command

    data = tmp_path / "data.csv"
    framework = tmp_path / "framework.csv"
    data.write_text("uCode;x;y;pop\nA;1;2;10\nB;2;3;0\nC;3;1;5\nD;4;5;5\n", encoding="utf-8")
    framework.write_text(
        "iCode;Level;Parent;Direction;Weight;Denominator\nx;1;P;1;1;pop\ny;1;P;1;1;\nP;2;;1;1;\n",
        encoding="utf-8",
    )
    stages = tmp_path / "stages"
    out = _io.StringIO()
    call_command(
        "index",
        "build",
        str(data),
        str(framework),
        "--stages",
        str(stages),
        stdout=out,
        stderr=_io.StringIO(),
    )
    assert out.getvalue().splitlines()[0] == "uCode,P,P_rank"  # P is the top: it keeps its code
    log = (stages / "treatment_log.csv").read_text(encoding="utf-8")
    correlations = (stages / "correlations.csv").read_text(encoding="utf-8").splitlines()
    assert correlations[0] == "code,parent,with_parent,with_index" and len(correlations) == 3
    assert "denominator_missing,B" in log and "分母 pop 缺失或为 0" in log

    header_only = tmp_path / "empty.csv"
    header_only.write_text("uCode,x,y\n", encoding="utf-8")
    with pytest.raises(CommandError, match="只有表头"):
        call_command(
            "index",
            "build",
            str(header_only),
            str(framework),
            stdout=_io.StringIO(),
            stderr=_io.StringIO(),
        )
    with pytest.raises(CommandError, match="目录 .* 不存在"):
        call_command(
            "index",
            "build",
            str(data),
            str(framework),
            "--out",
            str(tmp_path / "nowhere" / "r.csv"),
            stdout=_io.StringIO(),
            stderr=_io.StringIO(),
        )
