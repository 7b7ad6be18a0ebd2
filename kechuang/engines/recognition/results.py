"""What an assessment returns: a verdict per criterion with the values and years it used and
a sentence in Chinese, score parts as ranges, and the overall verdict."""

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

MET = "met"
NOT_MET = "not_met"
NEEDS_INFO = "needs_info"

ELIGIBLE = "eligible"
NOT_ELIGIBLE = "not_eligible"

# Conditions only an expert panel decides (unless a panel's or a self-assessed score is given).
EXPERT_JUDGED = {"hnte": {"c7"}}

VERDICT_LABELS = {
    MET: "符合",
    NOT_MET: "不符合",
    NEEDS_INFO: "需补充信息",
    ELIGIBLE: "符合条件",
    NOT_ELIGIBLE: "不符合条件",
}


@dataclass(frozen=True, slots=True)
class Criterion:
    """One condition: `values` names the figures used, `period` the years they come from,
    `explanation` says why in a sentence, and `gap`, when it is not met or unknown, what
    would change that."""

    key: str
    title: str
    verdict: str
    explanation: str
    basis: str
    values: dict = field(default_factory=dict)
    period: str = ""
    gap: str = ""
    progress: float | None = None

    @property
    def closeness(self) -> float:
        """How far along this condition stands, 0–1: met 1; not met, the share of the
        bar reached where a figure measures it (else 0); unknown ½."""
        if self.verdict == MET:
            return 1.0
        if self.verdict == NEEDS_INFO:
            return 0.5
        return min(max(self.progress or 0.0, 0.0), 0.99)


@dataclass(frozen=True, slots=True)
class ScorePart:
    """A scored item: `low`–`high` is what the data allow (equal when the data decide it);
    `by_experts` marks items only an expert panel can judge."""

    key: str
    title: str
    low: int
    high: int
    maximum: int
    explanation: str
    by_experts: bool = False


@dataclass(frozen=True, slots=True)
class Assessment:
    rules: str
    version: str
    on: date
    verdict: str
    criteria: tuple[Criterion, ...]
    parts: tuple[ScorePart, ...]
    figures: dict

    def criterion(self, key: str) -> Criterion:
        return next(c for c in self.criteria if c.key == key)

    @property
    def unmet(self) -> tuple[Criterion, ...]:
        return tuple(c for c in self.criteria if c.verdict == NOT_MET)

    @property
    def unknown(self) -> tuple[Criterion, ...]:
        return tuple(c for c in self.criteria if c.verdict == NEEDS_INFO)

    @property
    def met_count(self) -> int:
        return sum(c.verdict == MET for c in self.criteria)

    @property
    def awaiting_experts(self) -> bool:
        """Every condition the data decide is met; only what an expert panel judges is open."""
        open_keys = {c.key for c in self.unknown}
        return self.verdict == NEEDS_INFO and open_keys <= EXPERT_JUDGED.get(self.rules, set())

    @property
    def closeness(self) -> float:
        """0–100: the mean of the criteria's closeness, to rank who stands nearest."""
        return 100 * sum(c.closeness for c in self.criteria) / len(self.criteria)


def overall(verdicts) -> str:
    """Any condition not met rules the enterprise out; any unknown leaves it open."""
    verdicts = tuple(verdicts)
    if NOT_MET in verdicts:
        return NOT_ELIGIBLE
    if NEEDS_INFO in verdicts:
        return NEEDS_INFO
    return ELIGIBLE


def all_of(verdicts) -> str:
    """The verdict of a criterion made of several checks, all of which must hold."""
    verdicts = tuple(verdicts)
    if NOT_MET in verdicts:
        return NOT_MET
    if NEEDS_INFO in verdicts:
        return NEEDS_INFO
    return MET


def pct(value: Decimal | float | None, places: int = 2) -> str:
    """A fraction as a percentage: 0.032 -> “3.20%”; whole thresholds lose their zeros."""
    if value is None:
        return "—"
    number = Decimal(value) * 100
    if number == number.to_integral_value() and places == 0:
        return f"{number:.0f}%"
    return f"{number:.{places}f}%"


def pct_below(value: Decimal, bar: Decimal) -> str:
    """A share below its bar, with as many places as it takes not to read as the bar."""
    for places in (2, 4, 6):
        text = pct(value, places)
        if Decimal(text.rstrip("%")) < bar * 100:
            return text
    return f"略低于 {threshold_pct(bar)}"


def threshold_pct(value: Decimal) -> str:
    number = (value * 100).normalize()
    return f"{number:f}%"


def wan(value: Decimal | None) -> str:
    """An amount in 万元 as written in the bureau's papers: 亿元 from 10,000 万元 up."""
    if value is None:
        return "—"
    if 0 < abs(value) < Decimal("0.005"):
        return "不足 0.01 万元"
    if abs(value) >= 10000:
        return f"{value / 10000:,.2f} 亿元"
    if abs(value) >= 100:
        return f"{value:,.0f} 万元"
    return f"{value:,.2f} 万元"


def years_label(years: list[int]) -> str:
    if not years:
        return ""
    if len(years) == 1:
        return f"{years[0]}年"
    return f"{min(years)}—{max(years)}年"


def cn_date(day: date) -> str:
    return f"{day.year}年{day.month}月{day.day}日"


class Evaluation:
    """The steps of one evaluation share the facts, the rules and the application date;
    subclasses set `titles` (criterion key -> title)."""

    titles: dict[str, str] = {}

    def __init__(self, facts, rules, on: date | None):
        self.f = facts
        self.r = rules
        self.on = facts.apply_on or on or date.today()
        self.progress: dict[str, float] = {}

    def criterion(self, key, verdict, explanation, values=None, period="", gap="") -> Criterion:
        return Criterion(
            key,
            self.titles[key],
            verdict,
            explanation,
            self.r.basis.get(key, ""),
            values or {},
            period,
            gap,
            self.progress.get(key),
        )
