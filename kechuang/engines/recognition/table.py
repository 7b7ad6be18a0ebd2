"""FACTS rows in, RESULTS rows out: the analyst's file format (see `kechuang assess --help`).

Every row is read before any is assessed, so a file with an unreadable cell yields the list
of problems (row, column, reason) and no results at all.
"""

from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from kechuang.engines import uscc as uscc_engine
from kechuang.engines.recognition import assess
from kechuang.engines.recognition.facts import FIELD_NAMES, Facts, read_row
from kechuang.engines.recognition.results import Assessment
from kechuang.engines.recognition.rules import HNTE, SME, RuleSet

HNTE_CRITERIA = tuple(f"c{i}" for i in range(1, 9))
SME_CRITERIA = tuple(f"c{i}" for i in range(1, 6))
HNTE_FIGURES = (
    "rd_ratio",
    "rd_threshold",
    "growth_net_assets",
    "growth_sales",
    "score_min",
    "score_max",
)
SME_FIGURES = (
    "rd_ratio",
    "rd_threshold",
    "score",
    "score_staff",
    "score_rd",
    "score_ip",
    "direct_route",
)

RESULT_COLUMNS = {
    HNTE: ("uscc", "verdict", *HNTE_CRITERIA, *HNTE_FIGURES),
    SME: ("uscc", "verdict", *SME_CRITERIA, *SME_FIGURES),
}
EXPLANATION_COLUMN = "explanation"

RESULT_HELP: dict[str, tuple[tuple[str, str], ...]] = {
    HNTE: (
        ("verdict", "eligible 符合 / not_eligible 有条件不符合 / needs_info 需补充信息"),
        ("c1 … c8", "《认定办法》第十一条（一）至（八）：met / not_met / needs_info"),
        ("rd_ratio", "近三年（不足三年按实际年数）研发费用合计 ÷ 销售收入合计，小数"),
        ("rd_threshold", "按最近一年销售收入适用的比例：0.05 / 0.04 / 0.03"),
        ("growth_net_assets", "净资产增长率 ½(Y2/Y1+Y3/Y2)−1，小数；按规定计 0 分时为空"),
        ("growth_sales", "销售收入增长率，同上"),
        ("score_min", "创新能力评价可能的最低分（专家评判部分按最低计）"),
        ("score_max", "可能的最高分；c7 在 score_min > 70 时为 met，score_max ≤ 70 时为 not_met"),
    ),
    SME: (
        ("verdict", "eligible / not_eligible / needs_info"),
        ("c1 … c5", "《评价办法》第六条（一）至（五）：met / not_met / needs_info"),
        ("rd_ratio", "得分较高的研发投入比例（研发费用 ÷ 销售收入，或 ÷ 成本费用支出）"),
        ("rd_threshold", "该比例所达档次的下限；未达任何档次时为最低档下限"),
        ("score", "综合评价得分；有指标缺数据时为空"),
        ("score_staff", "科技人员指标得分（0–20）"),
        ("score_rd", "研发投入指标得分（0–50），取两种算法中较高者"),
        ("score_ip", "科技成果指标得分（0–30）"),
        ("direct_route", "直接确认途径：hnte / national_award / rd_institution / standard，空为无"),
    ),
}


@dataclass(frozen=True)
class RowProblem:
    row: int  # the file's line number, header = 1
    column: str
    message: str

    def __str__(self) -> str:
        where = f"第 {self.row} 行" if self.row else "表头"
        return f"{where}，{self.message}"


def read_facts(
    rows: Iterable[tuple[int, dict[str, str | None]]],
) -> tuple[list[Facts], list[RowProblem]]:
    """Every (line number, row) as Facts, or every problem found, repeated codes included."""
    facts, problems, seen = [], [], {}
    for number, row in rows:
        item, errors = read_row(row)
        if item is not None:
            facts.append(item)
        code = uscc_engine.normalise(row.get("uscc") or "")
        if code and code in seen:
            problems.append(RowProblem(number, "uscc", f"uscc：“{code}”与第 {seen[code]} 行重复"))
        seen.setdefault(code, number)
        problems += [RowProblem(number, error.column, str(error)) for error in errors]
    return facts, problems


def header_problems(header: Iterable[str]) -> tuple[list[str], list[RowProblem]]:
    """The header as column names, with unknown and repeated columns named."""
    names = [(name or "").strip().lstrip("\ufeff").lower() for name in header]
    problems = []
    seen = set()
    for name in names:
        if name in seen:
            problems.append(RowProblem(0, name, f"列“{name}”重复"))
        seen.add(name)
    unknown = [name for name in names if name and name not in FIELD_NAMES]
    if unknown:
        problems.append(
            RowProblem(0, unknown[0], f"不认识的列：{'、'.join(unknown)}（见 --help 的列说明）")
        )
    if "uscc" not in names:
        problems.append(RowProblem(0, "uscc", "缺少 uscc 列"))
    return names, problems


def number_text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, Decimal):
        rounded = value.quantize(Decimal("0.000001"))
        text = f"{rounded.normalize():f}"
        return "0" if text in ("-0", "") else text
    return str(value)


def result_row(facts: Facts, result: Assessment, explain: bool = False) -> dict[str, str]:
    row = {"uscc": facts.uscc, "verdict": result.verdict}
    row.update((c.key, c.verdict) for c in result.criteria)
    figures = HNTE_FIGURES if result.rules == HNTE else SME_FIGURES
    row.update((name, number_text(result.figures.get(name))) for name in figures)
    if explain:
        row[EXPLANATION_COLUMN] = "；".join(
            f"{c.key} {c.explanation}{('（' + c.gap + '）') if c.gap else ''}"
            for c in result.criteria
            if c.verdict != "met"
        )
    return row


def results(
    facts: Iterable[Facts],
    code: str,
    on: date | None = None,
    versions: tuple[RuleSet, ...] | None = None,
    explain: bool = False,
) -> Iterator[dict[str, str]]:
    for item in facts:
        yield result_row(item, assess(item, code, on, versions), explain)
