"""The county's support policies as data, and who they pay, how much and why.

A `Policy` has a formula kind with its parameters and a list of conditions over an
enterprise's policy facts (a plain mapping; see FACT_TITLES). `evaluate(policy, facts)`
returns a `PolicyOutcome`: eligible / not eligible / needs information, the amount in 万元,
and a sentence per condition and for the amount. Amounts are rounded to the yuan.

Formula kinds:
- `rd_increase`: `rate` × (R&D of the policy year − R&D of the year before), when positive,
  capped at `cap` 万元 (e.g. 研发投入增量补助);
- `rd_share`: `rate` × R&D of the policy year, capped at `cap`;
- `fixed`: `amount` 万元 to every enterprise meeting the conditions (e.g. a one-off award for
  a first 高企 recognition, with the condition `first_hnte_year == year`; a 科小 voucher with
  `holds_sme`).
"""

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date
from decimal import ROUND_HALF_UP, Decimal

from kechuang.engines.recognition.results import NEEDS_INFO, wan

ELIGIBLE = "eligible"
NOT_ELIGIBLE = "not_eligible"

KINDS = {
    "rd_increase": "研发投入增量补助（按增量比例，封顶）",
    "rd_share": "研发投入补助（按当年研发投入比例，封顶）",
    "fixed": "定额奖励或券额",
}

# The facts a condition may name, with their titles; amounts in 万元, ratios as fractions.
FACT_TITLES = {
    "rd": "当年研发费用（万元）",
    "rd_previous": "上年研发费用（万元）",
    "rd_increase": "研发费用增量（万元）",
    "revenue": "当年营业收入（万元）",
    "rd_intensity": "研发投入强度",
    "is_above_scale": "规上企业",
    "holds_hnte": "持有效高企证书",
    "holds_sme": "已入库科技型中小企业",
    "first_hnte_year": "首次认定高企年度",
    "town": "乡镇街道代码",
    "industry": "国民经济行业代码",
}
OPS = {
    ">=": "不低于",
    ">": "高于",
    "<=": "不高于",
    "<": "低于",
    "==": "等于",
    "!=": "不等于",
    "in": "属于",
}
# Conditions written with the literal `year` compare against the policy year.
YEAR = "year"


@dataclass(frozen=True)
class Condition:
    fact: str
    op: str
    value: object

    def describe(self, year: int) -> str:
        value = year if self.value == YEAR else self.value
        title = FACT_TITLES.get(self.fact, self.fact)
        if isinstance(value, bool):
            return (
                f"{title}为{'是' if value else '否'}"
                if self.op == "=="
                else f"{title}不为{'是' if value else '否'}"
            )
        if isinstance(value, list | tuple):
            return f"{title}{OPS[self.op]}{'、'.join(str(v) for v in value)}"
        if self.fact == "rd_intensity":
            return f"{title}{OPS[self.op]}{(Decimal(str(value)) * 100).normalize():f}%"
        if self.fact == "first_hnte_year":
            return f"{title}{OPS[self.op]}{value}年"
        return f"{title}{OPS[self.op]}{value}"


def shown(fact: str, value) -> str:
    """An enterprise's fact as the explanation states it."""
    if isinstance(value, bool):
        return "是" if value else "否"
    if fact == "rd_intensity":
        return f"{Decimal(str(value)) * 100:.2f}%"
    if fact == "first_hnte_year":
        return f"{value}年"
    if fact in ("rd", "rd_previous", "rd_increase", "revenue"):
        return wan(Decimal(str(value)))
    return str(value)


@dataclass(frozen=True)
class Policy:
    code: str
    title: str
    kind: str
    basis: str
    effective_from: date
    effective_to: date | None = None
    rate: Decimal | None = None
    cap: Decimal | None = None
    amount: Decimal | None = None
    conditions: tuple[Condition, ...] = ()


@dataclass(frozen=True)
class PolicyOutcome:
    verdict: str
    amount: Decimal | None
    explanation: str
    checks: tuple[tuple[str, str], ...] = field(default_factory=tuple)  # (condition, verdict)


class PolicyError(ValueError):
    """A policy written wrong (an unknown fact, operator or kind), said in Chinese."""


def check_policy(policy: Policy) -> None:
    if policy.kind not in KINDS:
        raise PolicyError(f"未知的计算方式：{policy.kind}")
    if policy.kind in ("rd_increase", "rd_share") and (policy.rate is None or policy.rate <= 0):
        raise PolicyError("按比例补助须填写大于 0 的比例")
    if policy.kind == "fixed" and (policy.amount is None or policy.amount <= 0):
        raise PolicyError("定额奖励须填写大于 0 的金额")
    for condition in policy.conditions:
        if condition.fact not in FACT_TITLES:
            raise PolicyError(f"条件中的数据项“{condition.fact}”不存在")
        if condition.op not in OPS:
            raise PolicyError(f"条件中的比较方式“{condition.op}”不存在")


def _compare(actual, op: str, expected) -> bool:
    if op == "in":
        return actual in expected
    if op == "==":
        return actual == expected
    if op == "!=":
        return actual != expected
    actual, expected = Decimal(str(actual)), Decimal(str(expected))
    return {
        ">=": actual >= expected,
        ">": actual > expected,
        "<=": actual <= expected,
        "<": actual < expected,
    }[op]


def evaluate(policy: Policy, facts: Mapping, year: int) -> PolicyOutcome:
    """Whether `facts` (one enterprise, figures of policy year `year`) meet the policy, and
    how much it pays."""
    checks, verdicts, failed = [], [], []
    for condition in policy.conditions:
        said = condition.describe(year)
        actual = facts.get(condition.fact)
        if actual is None:
            verdicts.append(NEEDS_INFO)
            checks.append((said, "缺数据"))
            continue
        expected = year if condition.value == YEAR else condition.value
        met = _compare(actual, condition.op, expected)
        verdicts.append(ELIGIBLE if met else NOT_ELIGIBLE)
        checks.append((said, "符合" if met else f"不符合（实际：{shown(condition.fact, actual)}）"))
        if not met:
            failed.append(f"要求{said}，实际为{shown(condition.fact, actual)}")
    if NOT_ELIGIBLE in verdicts:
        return PolicyOutcome(
            NOT_ELIGIBLE, None, f"不符合条件：{'；'.join(failed)}。", tuple(checks)
        )
    amount, sentence, verdict = _amount(policy, facts, year)
    if NEEDS_INFO in verdicts or verdict == NEEDS_INFO:
        missing = [said for said, v in checks if v == "缺数据"]
        note = f"缺少数据：{'；'.join(missing)}" if missing else sentence
        return PolicyOutcome(NEEDS_INFO, None, note + "。", tuple(checks))
    if verdict == NOT_ELIGIBLE:
        return PolicyOutcome(NOT_ELIGIBLE, None, sentence + "。", tuple(checks))
    met = "；".join(said for said, _v in checks)
    return PolicyOutcome(
        ELIGIBLE, amount, (f"符合：{met}。" if met else "") + sentence + "。", tuple(checks)
    )


def _round(value: Decimal) -> Decimal:
    return value.quantize(Decimal("0.0001"), rounding=ROUND_HALF_UP)  # 万元 to the yuan


def _amount(policy: Policy, facts: Mapping, year: int) -> tuple[Decimal | None, str, str]:
    if policy.kind == "fixed":
        return policy.amount, f"定额 {wan(policy.amount)}", ELIGIBLE
    rd = facts.get("rd")
    if rd is None:
        return None, f"缺少{year}年研发费用", NEEDS_INFO
    if policy.kind == "rd_share":
        base, said = rd, f"{year}年研发费用 {wan(rd)}"
    else:
        previous = facts.get("rd_previous")
        if previous is None:
            return None, f"缺少{year - 1}年研发费用", NEEDS_INFO
        base = rd - previous
        if base <= 0:
            return (
                None,
                f"{year}年研发费用 {wan(rd)}，未高于上年的 {wan(previous)}，无增量",
                NOT_ELIGIBLE,
            )
        said = f"{year}年研发费用 {wan(rd)}，比上年增加 {wan(base)}"
    raw = _round(base * policy.rate)
    rate = f"{(policy.rate * 100).normalize():f}%"
    if policy.cap is not None and raw > policy.cap:
        return policy.cap, f"{said}，按 {rate} 计 {wan(raw)}，封顶 {wan(policy.cap)}", ELIGIBLE
    return raw, f"{said}，按 {rate} 补助 {wan(raw)}", ELIGIBLE


def policy_from_dict(data: Mapping) -> Policy:
    def number(key):
        value = data.get(key)
        return None if value in (None, "") else Decimal(str(value))

    policy = Policy(
        code=data["code"],
        title=data["title"],
        kind=data["kind"],
        basis=data.get("basis", ""),
        effective_from=date.fromisoformat(str(data["effective_from"])),
        effective_to=date.fromisoformat(str(data["effective_to"]))
        if data.get("effective_to")
        else None,
        rate=number("rate"),
        cap=number("cap"),
        amount=number("amount"),
        conditions=tuple(
            Condition(c["fact"], c["op"], c["value"]) for c in data.get("conditions", ())
        ),
    )
    check_policy(policy)
    return policy
