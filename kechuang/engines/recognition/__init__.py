"""Recognition readiness: 高新技术企业 (HNTE) and 科技型中小企业 (SME) assessment.

Input: `Facts` (one enterprise as of an application date; amounts in 万元). Rules: versioned
data (`rules.HNTE_2016`, `rules.SME_2017`, or a bureau's version loaded from JSON). Output:
an `Assessment` with the verdict, c1 … c8 (HNTE) or c1 … c5 (SME) with the values, years and
a sentence each, and the score parts as ranges. `table` turns FACTS rows into RESULTS rows,
for `kechuang assess` and for the batch job alike.
"""

import gc
from collections.abc import Iterable
from datetime import date

from kechuang.engines.recognition.facts import Facts
from kechuang.engines.recognition.hnte import assess_hnte
from kechuang.engines.recognition.results import Assessment
from kechuang.engines.recognition.rules import HNTE, SME, RuleSet, rules_on
from kechuang.engines.recognition.sme import assess_sme


def assess(
    facts: Facts,
    code: str,
    on: date | None = None,
    versions: tuple[RuleSet, ...] | None = None,
) -> Assessment:
    """Assess `facts` under the version of rule set `code` ("hnte" or "sme") in force on the
    application date (the facts' own, else `on`, else today)."""
    day = facts.apply_on or on or date.today()
    rules = rules_on(code, day, versions)
    return assess_with(facts, rules, day)


def assess_many(
    facts: Iterable[Facts],
    code: str,
    on: date | None = None,
    versions: tuple[RuleSet, ...] | None = None,
) -> list[Assessment]:
    """`assess` for many enterprises. The results are kept, so the cyclic collector is
    paused meanwhile: it would otherwise rescan every result already made, again and again."""
    paused = gc.isenabled()
    gc.disable()
    try:
        return [assess(item, code, on, versions) for item in facts]
    finally:
        if paused:
            gc.enable()


def assess_with(facts: Facts, rules: RuleSet, on: date | None = None) -> Assessment:
    if rules.code == HNTE:
        return assess_hnte(facts, rules, on)
    if rules.code == SME:
        return assess_sme(facts, rules, on)
    raise ValueError(f"未知的规则：{rules.code}")


__all__ = ["HNTE", "SME", "Assessment", "Facts", "assess", "assess_many", "assess_with"]
