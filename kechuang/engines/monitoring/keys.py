"""The vocabulary of a monitoring result: innovation classes, tiers, alert kinds and lists.

Rules, steps and the apps that store a result all speak these keys; the labels are what
pages show.
"""

from collections.abc import Sequence

import numpy as np
import pandas as pd

CLASS_ACTIVE = "active"
CLASS_PASSIVE = "passive"
CLASS_LACKING = "lacking"
CLASS_UNKNOWN = "unknown"
CLASS_LABELS: dict[str, str] = {
    CLASS_ACTIVE: "主动创新",
    CLASS_PASSIVE: "被动创新",
    CLASS_LACKING: "缺乏创新意识",
    CLASS_UNKNOWN: "研发数据缺失",
}

TIER_NONE = "none"
TIER_ABSENT = "absent"
TIER_NONE_LABEL = "未入梯队"
TIER_ABSENT_LABEL = "无当年数据"

ALERT_RD_DROP = "rd_drop"
ALERT_ZERO_RD_STREAK = "zero_rd_streak"
ALERT_HNTE_EXPIRING = "hnte_expiring"
ALERT_LEFT_ABOVE_SCALE = "left_above_scale"
ALERT_KINDS = (ALERT_RD_DROP, ALERT_ZERO_RD_STREAK, ALERT_HNTE_EXPIRING, ALERT_LEFT_ABOVE_SCALE)

# The lists a result decides membership of; pages show them, never re-derive them.
LIST_TOP_SPEND = "top_spend"
LIST_TOP_INTENSITY = "top_intensity"
LIST_DECLINE = "decline"
LIST_ZERO_RD = "zero_rd"
LIST_COVERAGE = "coverage"
LIST_KEYS = (LIST_TOP_SPEND, LIST_TOP_INTENSITY, LIST_DECLINE, LIST_ZERO_RD, LIST_COVERAGE)
# The entries column holding each list's membership.
LIST_COLUMNS: dict[str, str] = {key: f"on_{key}" for key in LIST_KEYS}


def categorical(codes: np.ndarray, categories: Sequence[str]) -> pd.Categorical:
    """A result column of keys from their integer codes (indexes into `categories`)."""
    return pd.Categorical.from_codes(codes, categories=list(categories))
