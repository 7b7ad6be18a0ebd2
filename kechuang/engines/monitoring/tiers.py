"""分类提级 innovation classes and the cultivation ladder (微成长、小升高、高壮大) of one year,
with the moves between last year's tier and this year's.
"""

from dataclasses import dataclass

import numpy as np
import pandas as pd

from kechuang.engines.monitoring.conditions import evaluate
from kechuang.engines.monitoring.facts import YearView
from kechuang.engines.monitoring.keys import (
    CLASS_ACTIVE,
    CLASS_LACKING,
    CLASS_PASSIVE,
    CLASS_UNKNOWN,
    TIER_ABSENT,
    TIER_NONE,
)
from kechuang.engines.monitoring.rules import MonitoringRules

# The order of the class codes `innovation_classes` returns.
CLASS_KEYS = (CLASS_ACTIVE, CLASS_PASSIVE, CLASS_LACKING, CLASS_UNKNOWN)


def innovation_classes(view: YearView, rules: MonitoringRules) -> np.ndarray:
    """Index into `CLASS_KEYS` of each enterprise's class, by code.

    The bureau's conditions for 主动创新 and 缺乏创新意识 are tried in order, first match
    wins; the rest is 被动创新. A year without an R&D figure is kept apart as "unknown"
    instead of being guessed into a class.
    """
    return np.select(
        [
            np.isnan(view.get("rd_expense")),
            *(evaluate(rule.conditions, view) for rule in rules.classes),
        ],
        [CLASS_KEYS.index(CLASS_UNKNOWN), *(CLASS_KEYS.index(rule.key) for rule in rules.classes)],
        default=CLASS_KEYS.index(CLASS_PASSIVE),
    )


def tier_codes(view: YearView, rules: MonitoringRules) -> np.ndarray:
    """Index into rules.tiers of the first matching rule; len(rules.tiers) for none."""
    codes = np.full(len(view.present), len(rules.tiers), dtype=np.int64)
    for index in range(len(rules.tiers) - 1, -1, -1):
        codes[evaluate(rules.tiers[index].conditions, view)] = index
    return codes


@dataclass(frozen=True)
class Ladder:
    """Each enterprise's tier this year and last year, by code, as indexes into `keys` (the
    rules' tier keys, then `none` and `absent`: no row that year), and `moves`: from_tier,
    to_tier, from_label, to_label, count over the enterprises with a row in either year.

    `current` is meaningful only for the enterprises with a row this year.
    """

    keys: tuple[str, ...]
    current: np.ndarray
    previous: np.ndarray
    moves: pd.DataFrame


def ladder(view: YearView, previous: YearView | None, rules: MonitoringRules) -> Ladder:
    """This year's and last year's tiers from the same facts and rules, and the moves."""
    keys = (*(tier.key for tier in rules.tiers), TIER_NONE, TIER_ABSENT)
    absent = keys.index(TIER_ABSENT)
    current = tier_codes(view, rules)
    if previous is None:
        previous_present = np.zeros(len(view.present), dtype=bool)
        previous_codes = np.full(len(view.present), absent)
    else:
        previous_present = previous.present
        previous_codes = np.where(previous_present, tier_codes(previous, rules), absent)
    either = view.present | previous_present
    current_or_absent = np.where(view.present, current, absent)
    pairs = previous_codes[either] * len(keys) + current_or_absent[either]
    pair_counts = np.bincount(pairs, minlength=len(keys) ** 2)
    nonzero = np.flatnonzero(pair_counts)
    labels = rules.tier_labels()
    from_keys = [keys[pair // len(keys)] for pair in nonzero.tolist()]
    to_keys = [keys[pair % len(keys)] for pair in nonzero.tolist()]
    moves = pd.DataFrame(
        {
            "from_tier": from_keys,
            "to_tier": to_keys,
            "from_label": [labels[key] for key in from_keys],
            "to_label": [labels[key] for key in to_keys],
            "count": pair_counts[nonzero],
        }
    )
    return Ladder(keys, current, previous_codes, moves)
