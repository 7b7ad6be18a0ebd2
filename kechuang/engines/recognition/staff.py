"""Who counts as staff, and how headcounts are averaged, under each recognition rule.

HNTE (工作指引 三(三)) counts part-time and temporary staff who worked at least 183 days in
the year; the SME rules (评价办法 第九条) count those who worked at least six months. The
two differ at the edge: January to June of a non-leap year is six months but 181 days.
Headcounts are 全年月平均数: each month's (start + end) / 2, summed over 12 months and
divided by 12.
"""

from collections.abc import Iterable
from datetime import date, timedelta
from decimal import Decimal

HNTE_MIN_DAYS = 183
SME_MIN_MONTHS = 6

Spell = tuple[date, date]  # first and last day worked, both inclusive


def days_in_year(spells: Iterable[Spell], year: int) -> int:
    """Calendar days worked within `year`, overlapping spells counted once."""
    start_of_year, end_of_year = date(year, 1, 1), date(year, 12, 31)
    days: set[int] = set()
    for first, last in spells:
        first, last = max(first, start_of_year), min(last, end_of_year)
        if first <= last:
            days.update(range(first.toordinal(), last.toordinal() + 1))
    return len(days)


def months_in_year(spells: Iterable[Spell], year: int) -> int:
    """Whole months worked within `year`: a run of days from the dth of one month to the day
    before the dth of a later month is one month per month between them."""
    start_of_year, end_of_year = date(year, 1, 1), date(year, 12, 31)
    total = 0
    for first, last in sorted(spells):
        first, last = max(first, start_of_year), min(last, end_of_year)
        if first > last:
            continue
        after = last + timedelta(days=1)
        months = (after.year - first.year) * 12 + after.month - first.month
        if after.day < first.day:
            months -= 1
        total += max(0, months)
    return total


def counts_for_hnte(spells: Iterable[Spell], year: int) -> bool:
    return days_in_year(spells, year) >= HNTE_MIN_DAYS


def counts_for_sme(spells: Iterable[Spell], year: int) -> bool:
    return months_in_year(spells, year) >= SME_MIN_MONTHS


def monthly_average(month_heads: Iterable[tuple[int, int]]) -> Decimal:
    """全年月平均数 from twelve (headcount at the start, headcount at the end) pairs."""
    pairs = list(month_heads)
    if len(pairs) != 12:
        raise ValueError(f"需要 12 个月的月初、月末人数，收到 {len(pairs)} 个月")
    return sum(Decimal(start + end) / 2 for start, end in pairs) / 12
