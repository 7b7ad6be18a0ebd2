"""Monitoring services: rule versions, facts from the records, snapshots, pool and visits."""

import datetime
import hashlib
import json
import math

import numpy as np
import pandas as pd
from django.db import transaction
from django.db.models import Max
from django.utils import timezone

from kechuang.core.frames import read_frame, write_frame
from kechuang.engines import monitoring as engine
from kechuang.monitoring.models import (
    Alert,
    FinancialRecord,
    PoolEntry,
    RDRecord,
    RuleSet,
    ServiceVisit,
    Snapshot,
    SnapshotEntry,
)
from kechuang.registry.choices import Level, QualificationKind
from kechuang.registry.models import Enterprise, Qualification, ScaleRecord

LOOKBACK_YEARS = 6  # years read back for the zero-R&D streak
DEFAULT_VERSION = "2026.1"
INSTITUTION_LEVELS = (Level.CITY, Level.PROVINCE, Level.NATIONAL)


# -- rules --------------------------------------------------------------------------------


def current_rule_set(on: datetime.date | None = None) -> RuleSet:
    """The rule version in force on a day; the engine's defaults are stored on first use."""
    on = on or timezone.localdate()
    found = RuleSet.objects.filter(effective_from__lte=on).order_by("-effective_from", "-pk")
    rule_set = found.first()
    if rule_set is None:
        rules = engine.MonitoringRules(version=DEFAULT_VERSION)
        rule_set, _ = RuleSet.objects.get_or_create(
            version=DEFAULT_VERSION,
            defaults={
                "effective_from": datetime.date(2016, 1, 1),
                "rules": rules.to_dict(),
                "basis": "平台默认规则（五个全覆盖等事项由科技局确认后修订）",
            },
        )
    return rule_set


def save_rule_version(
    *, base: RuleSet, changes: dict, version: str, effective_from, note: str, user
) -> RuleSet:
    """A new rule version from an old one with some settings changed; old versions stay."""
    data = {**base.rules, **changes, "version": version}
    engine.MonitoringRules.from_dict(data)  # raises ValueError with a Chinese message
    return RuleSet.objects.create(
        version=version,
        effective_from=effective_from,
        rules=data,
        note=note,
        created_by=user,
        updated_by=user,
    )


# -- facts --------------------------------------------------------------------------------


def _as_float(frame: pd.DataFrame, names: list[str]) -> None:
    for name in names:
        frame[name] = pd.to_numeric(frame[name], errors="coerce").astype("float64")


def build_facts(year: int) -> pd.DataFrame:
    """One row per enterprise and year (the year and those before it) for the engine."""
    years = list(range(year - LOOKBACK_YEARS + 1, year + 1))
    recent = [year - 1, year]
    rd = read_frame(
        RDRecord.objects.filter(year__in=recent, quarter=0),
        [
            "enterprise_id",
            "year",
            "rd_expense",
            "rd_staff",
            "valid_inventions",
            "commissioned_universities",
            "commissioned_institutes",
            "new_product_sales",
        ],
    )
    _as_float(
        rd,
        [
            "rd_expense",
            "rd_staff",
            "valid_inventions",
            "commissioned_universities",
            "commissioned_institutes",
            "new_product_sales",
        ],
    )
    rd["iuc_expense"] = rd["commissioned_universities"].fillna(0) + rd[
        "commissioned_institutes"
    ].fillna(0)
    rd.loc[
        rd["commissioned_universities"].isna() & rd["commissioned_institutes"].isna(), "iuc_expense"
    ] = np.nan
    rd = rd.drop(columns=["commissioned_universities", "commissioned_institutes"])
    # Earlier years matter only for the zero-R&D streak of enterprises with none this year.
    zero_now = RDRecord.objects.filter(year=year, quarter=0, rd_expense=0).values("enterprise_id")
    history = read_frame(
        RDRecord.objects.filter(year__in=years[:-2], quarter=0, enterprise_id__in=zero_now),
        ["enterprise_id", "year", "rd_expense"],
    )
    _as_float(history, ["rd_expense"])
    rd = pd.concat([history, rd], ignore_index=True)
    fin = read_frame(
        FinancialRecord.objects.filter(year__in=recent, quarter=0),
        ["enterprise_id", "year", "revenue", "employees", "tech_staff"],
    )
    _as_float(fin, ["revenue", "employees", "tech_staff"])
    # Only the 规上 marks: a year without one is a year below the threshold.
    scale = read_frame(
        ScaleRecord.objects.filter(year__in=recent, is_above_scale=True),
        ["enterprise_id", "year", "is_above_scale"],
    )
    keys = pd.concat(
        [
            rd[["enterprise_id", "year"]],
            fin[["enterprise_id", "year"]],
            scale[["enterprise_id", "year"]],
        ]
    ).drop_duplicates()
    facts = keys.merge(rd, how="left", on=["enterprise_id", "year"])
    facts = facts.merge(fin, how="left", on=["enterprise_id", "year"])
    facts = facts.merge(scale, how="left", on=["enterprise_id", "year"])
    facts["is_above_scale"] = facts["is_above_scale"].fillna(False).astype(bool)

    enterprises = read_frame(Enterprise.objects.all(), ["id", "town_id", "industry_id"])
    enterprises.columns = ["enterprise_id", "town_code", "industry_code"]
    facts = facts.merge(enterprises, how="inner", on="enterprise_id")
    facts = facts.merge(_qualification_flags(years), how="left", on=["enterprise_id", "year"])
    for name in ("has_rd_institution", "is_hnte", "is_tech_sme"):
        facts[name] = facts[name].fillna(False).astype(bool)
    facts["hnte_valid_until"] = pd.to_datetime(facts["hnte_valid_until"])
    facts["enterprise_id"] = facts["enterprise_id"].astype("int64")
    facts["year"] = facts["year"].astype("int64")
    return facts


def _qualification_flags(years: list[int]) -> pd.DataFrame:
    """Per enterprise and year: valid HNTE / 科小 / city-or-higher R&D institution on 31 Dec."""
    quals = read_frame(
        Qualification.objects.filter(
            kind__in=[
                QualificationKind.HNTE,
                QualificationKind.TECH_SME,
                QualificationKind.RD_INSTITUTION,
            ]
        ),
        ["enterprise_id", "kind", "level", "issued_on", "valid_until", "revoked_on"],
    )
    frames = []
    far = pd.Timestamp("2262-01-01")
    if not quals.empty:
        issued = pd.to_datetime(quals["issued_on"])
        until = pd.to_datetime(quals["valid_until"]).fillna(far)
        revoked = pd.to_datetime(quals["revoked_on"]).fillna(far)
    for year in years:
        if quals.empty:
            break
        day = pd.Timestamp(year, 12, 31)
        valid = (issued <= day) & (until >= day) & (revoked > day)
        current = quals[valid]
        hnte = current[current["kind"] == QualificationKind.HNTE]
        flags = pd.DataFrame(
            {
                "enterprise_id": pd.unique(current["enterprise_id"]),
            }
        )
        flags["year"] = year
        flags["is_hnte"] = flags["enterprise_id"].isin(hnte["enterprise_id"])
        flags["is_tech_sme"] = flags["enterprise_id"].isin(
            current.loc[current["kind"] == QualificationKind.TECH_SME, "enterprise_id"]
        )
        flags["has_rd_institution"] = flags["enterprise_id"].isin(
            current.loc[
                (current["kind"] == QualificationKind.RD_INSTITUTION)
                & current["level"].isin(INSTITUTION_LEVELS),
                "enterprise_id",
            ]
        )
        latest_until = (
            quals.loc[(quals["kind"] == QualificationKind.HNTE) & (issued <= day)]
            .assign(until=until)
            .groupby("enterprise_id")["until"]
            .max()
        )
        flags = flags.merge(
            latest_until.rename("hnte_valid_until"),
            how="left",
            left_on="enterprise_id",
            right_index=True,
        )
        flags.loc[~flags["is_hnte"], "hnte_valid_until"] = pd.NaT
        frames.append(flags)
    if not frames:
        return pd.DataFrame(
            columns=[
                "enterprise_id",
                "year",
                "is_hnte",
                "is_tech_sme",
                "has_rd_institution",
                "hnte_valid_until",
            ]
        )
    return pd.concat(frames, ignore_index=True)


def facts_fingerprint(facts: pd.DataFrame, year: int, rule_set: RuleSet) -> str:
    """A digest of exactly the figures and the rule version a snapshot was computed from:
    equal fingerprints mean the same inputs, whatever was edited elsewhere."""
    ordered = facts.sort_values(["enterprise_id", "year"]).reset_index(drop=True)
    ordered = ordered[sorted(ordered.columns)]
    rows = pd.util.hash_pandas_object(ordered, index=False).to_numpy()
    digest = hashlib.sha256(f"{rule_set.version}|{year}|".encode())
    digest.update(rows.tobytes())
    return digest.hexdigest()


# -- snapshots ----------------------------------------------------------------------------


def _clean(value):
    if value is None:
        return None
    if isinstance(value, float) and math.isnan(value):
        return None
    if value is pd.NA or value is pd.NaT:
        return None
    return value


def recompute(year: int, *, user=None, today: datetime.date | None = None) -> Snapshot:
    """Compute and store the monitoring results for a year with the rules in force."""
    rule_set = current_rule_set()
    rules = engine.MonitoringRules.from_dict(rule_set.rules)
    facts = build_facts(year)
    result = engine.compute(facts, year, rules, today=today or timezone.localdate())
    fingerprint = facts_fingerprint(facts, year, rule_set)
    # Store coverage gaps as item keys: ASCII keys filter the same way on every database.
    key_of = {item.label: item.key for item in rules.coverage_items}
    with transaction.atomic():
        Snapshot.objects.filter(year=year, is_current=True).update(is_current=False)
        snapshot = Snapshot.objects.create(
            year=year,
            rule_set=rule_set,
            data_fingerprint=fingerprint,
            computed_by=user,
            summary=result.summary,
            coverage_summary=[
                {k: _clean(v) for k, v in row.items()}
                for row in result.coverage_summary.to_dict("records")
            ],
            tier_moves=[
                {k: _clean(v) for k, v in row.items()}
                for row in result.tier_moves.to_dict("records")
            ],
        )
        write_frame(SnapshotEntry, _entry_frame(result.entries, snapshot.pk, key_of))
        alerts = result.alerts
        write_frame(
            Alert,
            pd.DataFrame(
                {
                    "snapshot_id": snapshot.pk,
                    "enterprise_id": alerts["enterprise_id"].astype("int64"),
                    "kind": alerts["kind"].astype(str),
                    "message": alerts["message"].astype(str).str.slice(0, 300),
                    "value": pd.to_numeric(alerts["value"], errors="coerce").astype("float64"),
                }
            ),
        )
    return snapshot


def _entry_frame(entries: pd.DataFrame, snapshot_id: int, key_of: dict) -> pd.DataFrame:
    """The engine's entries as SnapshotEntry columns, converted a column at a time."""
    frame = pd.DataFrame(
        {"snapshot_id": snapshot_id, "enterprise_id": entries["enterprise_id"].astype("int64")}
    )
    for name in ("rd_expense", "revenue", "previous_rd_expense", "drop"):
        frame[name] = pd.to_numeric(entries[name], errors="coerce").astype("float64").round(2)
    for name in ("intensity", "drop_ratio"):
        frame[name] = pd.to_numeric(entries[name], errors="coerce").astype("float64")
    for name in ("rank_spend", "rank_intensity"):
        frame[name] = pd.to_numeric(entries[name], errors="coerce").round().astype("Int64")
    frame["zero_years"] = pd.to_numeric(entries["zero_years"]).fillna(0).astype("int64")
    frame["is_above_scale"] = entries["is_above_scale"].fillna(False).astype(bool)
    encoded: dict[tuple, str] = {}
    frame["coverage_missing"] = [
        encoded.get(key)
        or encoded.setdefault(key, json.dumps([key_of.get(label, label) for label in key]))
        for key in (tuple(missing or ()) for missing in entries["coverage_missing"])
    ]
    for name in ("innovation_class", "tier", "previous_tier"):
        frame[name] = entries[name].astype("object").where(entries[name].notna(), "").astype(str)
    return frame


def current_snapshot(year: int) -> Snapshot | None:
    return Snapshot.objects.filter(year=year, is_current=True).select_related("rule_set").first()


def latest_year() -> int | None:
    return RDRecord.objects.filter(quarter=0).aggregate(y=Max("year"))["y"]


# -- cultivation pool ---------------------------------------------------------------------


def add_to_pool(enterprise, *, officer, target: str, reason: str, user) -> PoolEntry:
    """Put an enterprise into the cultivation pool with a responsible officer (包联)."""
    return PoolEntry.objects.create(
        enterprise=enterprise,
        officer=officer,
        target=target,
        reason=reason,
        joined_on=timezone.localdate(),
        created_by=user,
        updated_by=user,
    )


def overdue_visits(queryset=None, *, on: datetime.date | None = None):
    """Visits whose follow-up is due and not done."""
    on = on or timezone.localdate()
    queryset = queryset if queryset is not None else ServiceVisit.objects.all()
    return queryset.filter(follow_up_due__lt=on, follow_up_done_on__isnull=True)
