"""How far each target is: the latest value, the gap, and the yearly change it needs."""

from dataclasses import dataclass

from django.utils import timezone

from kechuang.indicators import services


@dataclass
class Progress:
    target: object
    latest_year: int | None
    latest: float | None

    @property
    def gap(self) -> float | None:
        """How far the latest value is from the target; 0 once it is reached."""
        if self.latest is None:
            return None
        return max(0.0, (float(self.target.value) - self.latest) * self.target.indicator.direction)

    @property
    def met(self) -> bool:
        return self.gap is not None and self.gap <= 0

    @property
    def years_left(self) -> int | None:
        return None if self.latest_year is None else self.target.year - self.latest_year

    @property
    def needed(self) -> str:
        """What each remaining year must add: points for a share, a growth rate otherwise."""
        if self.latest is None:
            return "尚无数值"
        if self.met:
            return "已达到"
        left = self.years_left
        unit = self.target.indicator.unit
        if left is not None and left <= 0:
            if self.target.year >= timezone.localdate().year:
                return f"目标为当年，尚差 {self.gap:,.2f}{' 个百分点' if unit == '%' else unit}"
            return "目标年度已过，未达到"
        if self.target.indicator.code.endswith("_growth"):
            return f"{self.target.year}年增速需达到 {float(self.target.value):.1f}%（最新 {self.latest:.1f}%）"
        if unit == "%":
            return f"每年提高 {self.gap / left:.2f} 个百分点"
        if self.latest <= 0:
            return f"每年增加 {self.gap / left:,.2f}{unit}"
        rate = (float(self.target.value) / self.latest) ** (1 / left) - 1
        return f"每年增长 {rate:.1%}"


def progress(target) -> Progress:
    frame = services.values_frame([target.region_id])
    frame = frame[(frame["code"] == target.indicator.code) & (frame["year"] <= target.year)]
    if frame.empty:
        return Progress(target, None, None)
    latest = frame.sort_values("year").iloc[-1]
    return Progress(target, int(latest["year"]), float(latest["value"]))


def progress_for(queryset) -> dict[str, list[Progress]]:
    out: dict[str, list[Progress]] = {}
    for target in queryset.select_related("indicator", "region"):
        out.setdefault(target.region_id, []).append(progress(target))
    return out
