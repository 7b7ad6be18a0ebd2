"""Regional indicators computed from the platform's enterprise data, for the home county and
each of its towns: the monitoring's stored results of a year, the 107-2 records, the registry.

Each calculator returns, per region code, the value and what it was computed from.
"""

import datetime
from dataclasses import dataclass

import pandas as pd
from django.conf import settings
from django.db.models import F
from django.utils import timezone

from kechuang.monitoring.models import RDRecord, SnapshotEntry
from kechuang.monitoring.services import current_snapshot
from kechuang.registry.choices import Level, QualificationKind
from kechuang.registry.models import Qualification

YI = 100_000_000  # yuan per 亿元
# An enterprise has an R&D institution when its 107-2 form reports one or it holds a
# recognised institution of city level or above in force at the year's end.
INSTITUTION_LEVELS = (Level.CITY, Level.PROVINCE, Level.NATIONAL)


@dataclass(frozen=True)
class Computed:
    value: float
    provenance: dict


def _with_county(frame: pd.DataFrame) -> pd.DataFrame:
    """The rows once under their town and once under the county."""
    county = frame.assign(region=settings.HOME_REGION_CODE)
    return pd.concat([frame.assign(region=frame["town"]), county], ignore_index=True)


def _entries(year: int) -> tuple[pd.DataFrame, int | None]:
    snapshot = current_snapshot(year)
    if snapshot is None:
        return pd.DataFrame(
            columns=["enterprise", "town", "rd", "revenue", "above", "missing"]
        ), None
    rows = (
        SnapshotEntry.objects.of(snapshot)
        .annotate(town=F("enterprise__town_id"))
        .values_list(
            "enterprise_id", "town", "rd_expense", "revenue", "is_above_scale", "coverage_missing"
        )
    )
    frame = pd.DataFrame(
        list(rows), columns=["enterprise", "town", "rd", "revenue", "above", "missing"]
    )
    frame["rd"] = pd.to_numeric(frame["rd"], errors="coerce").astype(float)
    frame["revenue"] = pd.to_numeric(frame["revenue"], errors="coerce").astype(float)
    return frame, snapshot.pk


def _ratio(numerator: float, denominator: float, scale: float = 100) -> float | None:
    if denominator is None or pd.isna(denominator) or denominator == 0 or pd.isna(numerator):
        return None
    return numerator / denominator * scale


def compute(year: int) -> dict[tuple[str, str], Computed]:
    """(indicator code, region code) -> value for every computed indicator of `year`."""
    out: dict[tuple[str, str], Computed] = {}
    entries, snapshot_id = _entries(year)
    basis = {"year": year, "snapshot": snapshot_id}
    if snapshot_id is not None and len(entries):
        both = _with_county(entries)
        above = both[both["above"]]
        above_sums = above.groupby("region").agg(
            rd=("rd", "sum"),
            revenue=("revenue", "sum"),
            count=("enterprise", "count"),
            with_rd=("rd", lambda s: int((s > 0).sum())),
            full=("missing", lambda s: int(sum(1 for m in s if not m))),
        )
        for region, row in above_sums.iterrows():
            facts = {**basis, "enterprises": int(row["count"])}
            ratio = _ratio(row["rd"], row["revenue"])
            if ratio is not None:
                out[("above_rd_intensity", region)] = Computed(
                    ratio, {**facts, "rd_yuan": row["rd"], "revenue_yuan": row["revenue"]}
                )
            out[("above_scale_count", region)] = Computed(float(row["count"]), facts)
            out[("rd_coverage", region)] = Computed(
                row["with_rd"] / row["count"] * 100, {**facts, "with_rd": int(row["with_rd"])}
            )
            out[("full_coverage_share", region)] = Computed(
                row["full"] / row["count"] * 100, {**facts, "fully_covered": int(row["full"])}
            )
        totals = both.groupby("region").agg(rd=("rd", "sum"), count=("enterprise", "count"))
        previous, previous_id = _entries(year - 1)
        before = (
            _with_county(previous).groupby("region")["rd"].sum()
            if previous_id is not None and len(previous)
            else None
        )
        for region, row in totals.iterrows():
            facts = {**basis, "enterprises": int(row["count"]), "rd_yuan": row["rd"]}
            out[("enterprise_rd", region)] = Computed(row["rd"] / YI, facts)
            if before is not None and before.get(region):
                out[("enterprise_rd_growth", region)] = Computed(
                    (row["rd"] / before[region] - 1) * 100,
                    {
                        **facts,
                        "previous_rd_yuan": float(before[region]),
                        "previous_snapshot": previous_id,
                    },
                )
        above_ids = entries.loc[entries["above"], ["enterprise", "town"]]
        institutions = pd.DataFrame(
            list(
                RDRecord.objects.filter(
                    year=year, quarter=0, enterprise_id__in=list(above_ids["enterprise"])
                ).values_list("enterprise_id", "institutions")
            ),
            columns=["enterprise", "institutions"],
        )
        certified = set(
            Qualification.objects.filter(
                Qualification.valid_on_q(datetime.date(year, 12, 31)),
                kind=QualificationKind.RD_INSTITUTION,
                level__in=INSTITUTION_LEVELS,
                enterprise_id__in=list(above_ids["enterprise"]),
            ).values_list("enterprise_id", flat=True)
        )
        merged = above_ids.merge(institutions, on="enterprise", how="left")
        merged["has"] = (merged["institutions"].fillna(0) > 0) | merged["enterprise"].isin(
            certified
        )
        for region, row in (
            _with_county(merged)
            .groupby("region")
            .agg(count=("enterprise", "count"), has=("has", "sum"))
            .iterrows()
        ):
            out[("rd_institution_share", region)] = Computed(
                row["has"] / row["count"] * 100,
                {**basis, "enterprises": int(row["count"]), "with_institution": int(row["has"])},
            )
    # A year not yet over counts the certificates in force today.
    year_end = min(datetime.date(year, 12, 31), timezone.localdate())
    hnte = pd.DataFrame(
        list(
            Qualification.objects.filter(
                Qualification.valid_on_q(year_end), kind=QualificationKind.HNTE
            )
            .values_list("enterprise_id", "enterprise__town_id")
            .distinct()
        ),
        columns=["enterprise", "town"],
    )
    if len(hnte):
        for region, count in _with_county(hnte).groupby("region")["enterprise"].nunique().items():
            out[("hnte_total", region)] = Computed(
                float(count), {"year": year, "valid_on": year_end.isoformat()}
            )
    return out
