"""The alerts the bureau follows up for one year: a sharp R&D drop, a 规上 enterprise with
zero R&D years running, an HNTE certificate about to end, and an enterprise that left 规上.
"""

from datetime import date

import numpy as np
import pandas as pd

from kechuang.engines.monitoring.facts import YearView
from kechuang.engines.monitoring.keys import (
    ALERT_HNTE_EXPIRING,
    ALERT_KINDS,
    ALERT_LEFT_ABOVE_SCALE,
    ALERT_RD_DROP,
    ALERT_ZERO_RD_STREAK,
    categorical,
)
from kechuang.engines.monitoring.lists import Declines
from kechuang.engines.monitoring.rules import MonitoringRules


def find_alerts(
    view: YearView,
    previous: YearView | None,
    rules: MonitoringRules,
    today: date,
    zero_streak: np.ndarray,
    declines: Declines,
) -> pd.DataFrame:
    """Every alert of the year: enterprise_id, kind, message, value; ordered by kind (in
    `ALERT_KINDS` order), then enterprise_id.

    - rd_drop: R&D fell by more than `alert_decline_ratio`; value: the drop ratio.
    - zero_rd_streak: 规上 with zero R&D `zero_rd_alert_years` running; value: the years.
    - hnte_expiring: the HNTE certificate ends within `hnte_expiry_days` of `today`; value:
      days left.
    - left_above_scale: 规上 last year, not this year (or no row); value: this year's revenue.
    """
    ids = view.ids
    rd = view.get("rd_expense")
    prev_rd = view.get("previous_rd_expense")
    comparable, drop, drop_ratio = declines.comparable, declines.drop, declines.drop_ratio
    frames: list[pd.DataFrame] = []

    def add(kind: str, codes: np.ndarray, messages: list[str], values: np.ndarray) -> None:
        frames.append(
            pd.DataFrame(
                {
                    "enterprise_id": ids[codes],
                    "kind": np.full(len(codes), ALERT_KINDS.index(kind)),
                    "message": np.array(messages, dtype=object),
                    "value": values.astype(np.float64),
                }
            )
        )

    codes = np.flatnonzero(comparable & (drop > 0) & (drop_ratio > rules.alert_decline_ratio))
    add(
        ALERT_RD_DROP,
        codes,
        list(
            map(
                "研发投入由 {:,.2f} 万元降至 {:,.2f} 万元，降幅 {:.1%}".format,
                (prev_rd[codes] / 10_000).tolist(),
                (rd[codes] / 10_000).tolist(),
                drop_ratio[codes].tolist(),
            )
        ),
        drop_ratio[codes],
    )

    above = view.get("is_above_scale")
    codes = np.flatnonzero(above & (zero_streak >= rules.zero_rd_alert_years))
    add(
        ALERT_ZERO_RD_STREAK,
        codes,
        list(map("规上企业已连续 {} 年研发投入为零".format, zero_streak[codes].tolist())),
        zero_streak[codes],
    )

    until = view.get("hnte_valid_until")
    days_left = (until - np.datetime64(date(today.year, today.month, today.day), "D")).astype(
        np.float64
    )
    days_left[np.isnat(until)] = np.nan
    codes = np.flatnonzero(
        view.get("is_hnte") & (days_left >= 0) & (days_left <= rules.hnte_expiry_days)
    )
    add(
        ALERT_HNTE_EXPIRING,
        codes,
        [
            f"高新技术企业资格将于 {d} 到期（剩余 {int(n)} 天）"
            for d, n in zip(
                until[codes].astype(str).tolist(), days_left[codes].tolist(), strict=True
            )
        ],
        days_left[codes],
    )

    if previous is not None:
        revenue = view.get("revenue")
        codes = np.flatnonzero(previous.get("is_above_scale") & ~above)
        add(
            ALERT_LEFT_ABOVE_SCALE,
            codes,
            [
                "上年为规上企业，本年已退出规上" if here else "上年为规上企业，本年无数据"
                for here in view.present[codes].tolist()
            ],
            revenue[codes],
        )

    # Each kind's codes are in enterprise_id order, so this is ordered by kind, then id.
    frame = pd.concat(frames, ignore_index=True)
    frame["kind"] = categorical(frame["kind"].to_numpy(), ALERT_KINDS)
    return frame
