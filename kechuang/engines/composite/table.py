"""DATA and FRAMEWORK tables in, RESULTS and stage tables out (COINr's column conventions).

DATA: `uCode`, optional `uName`, any group columns, optional `Time`, then one column per
indicator and per denominator, named by its code. Every unreadable cell is reported (line,
column, why) before anything is built.
"""

import math
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

import pandas as pd

from kechuang.engines.composite.framework import Framework, FrameworkError, read_framework
from kechuang.engines.composite.methods import Methods
from kechuang.engines.composite.pipeline import STAGE_NAMES, Build, build

UNIT_COLUMN, NAME_COLUMN, TIME_COLUMN = "uCode", "uName", "Time"
MISSING = {"", "na", "n/a", "nan", "null", "-", "—", "..", "…"}


ENCODINGS = ("utf-8-sig", "gb18030")


def decode(data: bytes, name: str) -> str:
    """A CSV file's text, in UTF-8 (with or without BOM) or GB18030 as Chinese Excel saves it."""
    for encoding in ENCODINGS:
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise TableError([f"{name} 既不是 UTF-8 也不是 GB18030 编码的 CSV 文件"])


class TableError(ValueError):
    def __init__(self, problems: list[str]):
        self.problems = problems
        super().__init__("\n".join(problems))


@dataclass
class Panel:
    """The DATA table read: numbers per unit (and period), with names and groups beside."""

    values: pd.DataFrame  # index (Time, uCode) or uCode; numeric columns
    names: pd.Series
    groups: pd.DataFrame
    times: list

    def at(self, time) -> pd.DataFrame:
        return self.values.xs(time, level=TIME_COLUMN) if time is not None else self.values


GROUPED = re.compile(r"^[+-]?\d{1,3}(,\d{3})+(\.\d+)?%?$")


def _cell_number(text: str) -> float | None:
    cleaned = text.strip().replace("，", ",")
    if "," in cleaned:
        if not GROUPED.match(cleaned):
            raise ValueError
        cleaned = cleaned.replace(",", "")
    if cleaned.lower() in MISSING:
        return None
    if cleaned.endswith("%"):
        return float(cleaned[:-1]) / 100
    value = float(cleaned)
    if not math.isfinite(value):
        raise ValueError
    return value


def read_data(
    rows: Iterable[Mapping[str, str]], framework_rows: list[Mapping[str, str]], *, group=None
):
    """Read DATA against FRAMEWORK; returns (Panel, Framework) or raises TableError with every problem."""
    rows = list(rows)
    problems: list[str] = []
    header = list(rows[0].keys()) if rows else []
    if UNIT_COLUMN not in header:
        raise TableError([f"数据表缺少 {UNIT_COLUMN} 列（每个单位一行的代码）"])
    try:
        framework = read_framework(framework_rows, header)
    except FrameworkError as error:
        raise TableError(["框架表：" + problem for problem in error.problems]) from None
    if group and group not in header:
        problems.append(f"数据表中没有分组列“{group}”")
    numeric = [element.code for element in framework.indicators]
    numeric += sorted({e.denominator for e in framework.indicators if e.denominator} - set(numeric))
    records, names, groups, seen = [], {}, {}, {}
    for line, cells in enumerate(rows, start=2):
        cells = {key: ("" if value is None else str(value)) for key, value in cells.items() if key}
        if not any(value.strip() for value in cells.values()):
            continue
        unit = cells.get(UNIT_COLUMN, "").strip()
        if not unit:
            problems.append(f"第 {line} 行，{UNIT_COLUMN}：不能为空")
            continue
        time = cells.get(TIME_COLUMN, "").strip() or None
        if time is not None:
            try:
                time = int(float(time))
            except ValueError:
                problems.append(f"第 {line} 行，{TIME_COLUMN}：“{cells[TIME_COLUMN]}”不是年份")
                continue
        key = (time, unit)
        if key in seen:
            when = f"（{TIME_COLUMN}={time}）" if time is not None else ""
            problems.append(f"第 {line} 行，{UNIT_COLUMN}：“{unit}”{when}与第 {seen[key]} 行重复")
            continue
        seen[key] = line
        record = {TIME_COLUMN: time, UNIT_COLUMN: unit}
        for code in numeric:
            text = cells.get(code, "")
            try:
                record[code] = _cell_number(text)
            except ValueError:
                problems.append(f"第 {line} 行，{code}：“{text}”不是数字")
        records.append(record)
        names[unit] = cells.get(NAME_COLUMN, "").strip() or names.get(unit, unit)
        if group:
            groups[key] = cells.get(group, "").strip() or None
    if not records and not problems:
        problems.append("数据表没有任何单位")
    if problems:
        raise TableError(problems)
    frame = pd.DataFrame.from_records(records)
    times = sorted({record[TIME_COLUMN] for record in records}, key=lambda t: (t is None, t))
    if None in times and len(times) > 1:
        raise TableError([f"{TIME_COLUMN} 列有的行填了、有的行空着；请每行都填或都不填"])
    frame = frame.set_index([TIME_COLUMN, UNIT_COLUMN])[numeric].astype(float)
    group_frame = pd.Series(groups, dtype=object)
    return Panel(frame, pd.Series(names), group_frame, times), framework


def build_all(panel: Panel, framework: Framework, methods: Methods, group=None) -> dict:
    builds = {}
    for time in panel.times:
        raw = panel.values.xs(time, level=TIME_COLUMN)
        groups = None
        if group:
            groups = pd.Series(
                {unit: panel.groups.get((time, unit)) for unit in raw.index}, dtype=object
            )
        builds[time] = build(raw, framework, methods, groups)
    return builds


def results_table(builds: Mapping[object, Build]) -> pd.DataFrame:
    frames = []
    for time, result in builds.items():
        aggregates = [element.code for element in result.framework.aggregates]
        table = result.aggregated[aggregates].copy()
        for code in aggregates:
            table[f"{code}_rank"] = result.ranks[code]
        table.index.name = UNIT_COLUMN
        table = table.reset_index()
        if time is not None:
            table.insert(1, TIME_COLUMN, time)
        ordered = [UNIT_COLUMN] + ([TIME_COLUMN] if time is not None else [])
        for code in sorted(aggregates, key=lambda code: -result.framework.by_code[code].level):
            ordered += [code, f"{code}_rank"]
        frames.append(table[ordered])
    return pd.concat(frames, ignore_index=True)


def stage_table(builds: Mapping[object, Build], stage: str) -> pd.DataFrame:
    frames = []
    for time, result in builds.items():
        table = result.stage(stage).copy()
        table.index.name = UNIT_COLUMN
        table = table.reset_index()
        if time is not None:
            table.insert(1, TIME_COLUMN, time)
        frames.append(table)
    return pd.concat(frames, ignore_index=True)


def treatment_table(builds: Mapping[object, Build]) -> pd.DataFrame:
    rows = []
    for time, result in builds.items():
        for imputation in result.imputations:
            rows.append(
                {
                    TIME_COLUMN: time,
                    "iCode": imputation.code,
                    "action": "imputed",
                    "points": f"{imputation.unit}:{imputation.value!r}",
                    "note": imputation.how,
                }
            )
        for entry in result.treatments:
            rows.append(
                {
                    TIME_COLUMN: time,
                    "iCode": entry.code,
                    "skew_before": entry.skew_before,
                    "kurtosis_before": entry.kurtosis_before,
                    "action": entry.action,
                    "points": ";".join(f"{unit}:{end}" for unit, end in entry.points),
                    "skew_after": entry.skew_after,
                    "kurtosis_after": entry.kurtosis_after,
                    "note": entry.summary,
                }
            )
        for unit, code, denominator in result.denominator_gaps:
            rows.append(
                {
                    TIME_COLUMN: time,
                    "iCode": code,
                    "action": "denominator_missing",
                    "points": unit,
                    "note": f"分母 {denominator} 缺失或为 0，该值按缺失处理",
                }
            )
        for unit in result.screened_out:
            rows.append({TIME_COLUMN: time, "iCode": "", "action": "screened_out", "points": unit})
    table = pd.DataFrame(
        rows,
        columns=[
            TIME_COLUMN,
            "iCode",
            "skew_before",
            "kurtosis_before",
            "action",
            "points",
            "skew_after",
            "kurtosis_after",
            "note",
        ],
    )
    if all(time is None for time in builds):
        table = table.drop(columns=[TIME_COLUMN])
    return table


STAGE_FILES = {stage: f"{number}_{stage}.csv" for number, stage in enumerate(STAGE_NAMES, start=1)}


def correlations_table(builds: Mapping[object, Build]) -> pd.DataFrame:
    """Pearson correlation of each element with its parent and with the index, per period."""
    frames = []
    for time, result in builds.items():
        table = result.correlations()
        if time is not None:
            table.insert(0, TIME_COLUMN, time)
        frames.append(table)
    return pd.concat(frames, ignore_index=True)
