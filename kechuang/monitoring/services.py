"""Monitoring services: rule versions, snapshots (computed from `facts`), alerts, the pool
and its visits."""

import datetime
import json
import math

import numpy as np
import pandas as pd
from django.db import transaction
from django.db.models import Max, Q
from django.utils import timezone

from kechuang.core import bulk, changelog
from kechuang.core.frames import read_frame, read_frames, write_frame
from kechuang.engines import monitoring as engine
from kechuang.monitoring import rule_versions
from kechuang.monitoring.facts import build_facts, fact_reads, facts_fingerprint, facts_from
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

DEFAULT_VERSION = "2026.1"


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
    *, base: RuleSet, changes: dict, version: str, effective_from, note: str, user, basis=""
) -> RuleSet:
    """A new rule version from an old one with some settings changed; old versions stay.

    The rules are stored complete and in the engine's own form, and the version records
    how many enterprises it moves against the version before it (see `rule_impact`)."""
    data = {**base.rules, **changes, "version": version}
    if "classes" in changes:
        data.pop("active_min_intensity", None)  # superseded by the class conditions
    # Raises ValueError with a Chinese message.
    rules = engine.MonitoringRules.from_dict(data)
    unchanged = engine.MonitoringRules.from_dict({**base.rules, "version": version})
    if rules.to_dict() == unchanged.to_dict():
        raise ValueError(f"规则与所依据的版本 {base.version} 完全相同，无需保存新版本。")
    with transaction.atomic(), changelog.recording(user):
        rule_set = RuleSet(
            version=version,
            effective_from=effective_from,
            rules=rules.to_dict(),
            basis=basis,
            note=note,
            based_on=base,
        )
        rule_set.impact = rule_impact(base, rule_set) or {}
        rule_set.save()
    return rule_set


def compared_rule_set(rule_set: RuleSet) -> RuleSet | None:
    """The version a version's changes are shown against: the one it was edited from, or,
    for a version saved before that was kept, the one before it in effective order."""
    return rule_set.based_on or previous_rule_set(rule_set)


def overridden_by_later(rule_set: RuleSet) -> list[RuleSet]:
    """Versions saved after `rule_set` but taking effect before it, whose changes it does
    not carry: when it takes effect, those changes lapse."""
    return list(
        RuleSet.objects.filter(pk__gt=rule_set.pk, effective_from__lt=rule_set.effective_from)
        .exclude(based_on=rule_set)
        .order_by("effective_from", "pk")
    )


def pending_after(rule_set: RuleSet) -> list[RuleSet]:
    """Versions saved before `rule_set` that take effect after it, and will replace it then."""
    return list(
        RuleSet.objects.filter(
            pk__lt=rule_set.pk, effective_from__gt=rule_set.effective_from
        ).order_by("effective_from", "pk")
    )


def previous_rule_set(rule_set: RuleSet) -> RuleSet | None:
    """The version before `rule_set` in effective order (by date, then creation); for one
    not saved yet, the last of those in effect by its date."""
    if rule_set.pk:
        earlier = RuleSet.objects.filter(
            Q(effective_from__lt=rule_set.effective_from)
            | Q(effective_from=rule_set.effective_from, pk__lt=rule_set.pk)
        )
    else:
        earlier = RuleSet.objects.filter(effective_from__lte=rule_set.effective_from)
    return earlier.order_by("-effective_from", "-pk").first()


def rule_impact(previous: RuleSet | None, rule_set: RuleSet) -> dict | None:
    """How many enterprises `rule_set` moves against `previous` on the latest year's facts
    (None without a previous version or without data)."""
    year = latest_year()
    if previous is None or year is None:
        return None
    facts = build_facts(year)
    if facts.empty or not (facts["year"] == year).any():
        return None
    return rule_versions.moves(
        facts,
        year,
        engine.MonitoringRules.from_dict(previous.rules),
        engine.MonitoringRules.from_dict(rule_set.rules),
    )


# -- snapshots ----------------------------------------------------------------------------


def _clean(value):
    if value is None:
        return None
    if isinstance(value, float) and math.isnan(value):
        return None
    if value is pd.NA or value is pd.NaT:
        return None
    return value


def reference_date(year: int, today: datetime.date | None = None) -> datetime.date:
    """The day a year's results count from (how soon a certificate expires): today while
    the year runs, its last day once it is over."""
    return min(today or timezone.localdate(), datetime.date(year, 12, 31))


def recompute(year: int, *, user=None, today: datetime.date | None = None) -> Snapshot:
    """Compute and store the monitoring results for a year with the rules in force.

    Only results that differ from the year's current snapshot are written; the rest carry
    over (see `SnapshotRow`), and so do the acknowledgments of alerts raised again."""
    rule_set = current_rule_set()
    rules = engine.MonitoringRules.from_dict(rule_set.rules)
    # The stored results are read with the records, before the lock below; a recompute
    # that stores its own meanwhile is noticed under the lock and compared against instead.
    previous = current_snapshot(year)
    read = read_frames({**fact_reads(year), **_live_reads(previous)})
    facts = facts_from(read, year)
    result = engine.compute(facts, year, rules, today=reference_date(year, today))
    fingerprint = facts_fingerprint(facts, year, rule_set)
    # Store coverage gaps as item keys: ASCII keys filter the same way on every database.
    key_of = {item.label: item.key for item in rules.coverage_items}
    entries = _with_digest(_entry_frame(result.entries, key_of))
    # A new alert is not handled; the column is left out of the digest, like the rest of
    # the handling.
    alerts = _with_digest(_alert_frame(result.alerts)).assign(handling_note="")
    with transaction.atomic():
        # One recompute of a year at a time: the second waits, then builds on the first.
        locked = Snapshot.objects.select_for_update().filter(year=year, is_current=True).first()
        if getattr(locked, "pk", None) != getattr(previous, "pk", None):
            previous = locked
            read.update(read_frames(_live_reads(previous)))
        live_entries, live_alerts = _digests(read["live_entries"]), _digests(read["live_alerts"])
        stale = int((~live_entries["digest"].isin(entries["digest"])).sum())
        rewrite = previous is None or _rewrite_costs_less(stale, len(live_entries))
        Snapshot.objects.filter(year=year, is_current=True).update(is_current=False)
        snapshot = Snapshot.objects.create(
            year=year,
            rule_set=rule_set,
            data_fingerprint=fingerprint,
            computed_by=user,
            base_id=None if rewrite else previous.generation_id,
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
        if rewrite:
            # Alerts raised again unchanged keep their handling in the new generation; it is
            # read under the lock, so handling recorded while this computed is not lost.
            alerts = alerts.drop(columns="handling_note").merge(
                _handled_alerts(previous), how="left", on="digest"
            )
            alerts["handling_note"] = alerts["handling_note"].fillna("").astype(str)
            _write_rows(SnapshotEntry, entries, snapshot)
            _write_rows(Alert, alerts, snapshot)
        else:
            _carry_over(SnapshotEntry, entries, live_entries, snapshot)
            _carry_over(Alert, alerts, live_alerts, snapshot)
    return snapshot


# A recompute that would retire more rows than this writes a new generation instead.
REWRITE_FLOOR = 10_000
REWRITE_SHARE = 0.25


def _rewrite_costs_less(stale: int, live: int) -> bool:
    """Whether appending a whole generation costs less than retiring `stale` rows one by
    one (each retirement takes the row out of every partial index)."""
    return stale > REWRITE_FLOOR and stale > live * REWRITE_SHARE


def _with_digest(frame: pd.DataFrame) -> pd.DataFrame:
    """The rows with a 64-bit digest of their content: equal rows, equal digests."""
    digest = pd.util.hash_pandas_object(frame, index=False).to_numpy().view("int64")
    return frame.assign(digest=digest)


def _live_reads(snapshot: Snapshot | None) -> dict:
    """Reads of the rows that hold in the current `snapshot` (none without one)."""
    return {
        f"live_{name}": (
            model.objects.none() if snapshot is None else model.objects.of(snapshot),
            ["id", "digest"],
        )
        for name, model in (("entries", SnapshotEntry), ("alerts", Alert))
    }


def _digests(live: pd.DataFrame) -> pd.DataFrame:
    return live.assign(digest=live["digest"].astype("int64"))


def _handled_alerts(snapshot: Snapshot | None) -> pd.DataFrame:
    """The acknowledgments of the snapshot's live alerts, one per alert content."""
    rows = Alert.objects.none() if snapshot is None else Alert.objects.of(snapshot)
    handled = read_frame(
        rows.filter(acknowledged_at__isnull=False),
        ["digest", "acknowledged_at", "acknowledged_by_id", "handling_note"],
    )
    return _digests(handled).drop_duplicates("digest")


def _write_rows(model, frame: pd.DataFrame, snapshot: Snapshot) -> None:
    write_frame(
        model,
        frame.assign(
            generation_id=snapshot.generation_id, snapshot_id=snapshot.pk, retired_by_id=None
        ),
    )


def _carry_over(model, frame: pd.DataFrame, live: pd.DataFrame, snapshot: Snapshot) -> None:
    """Make `frame` the live rows of the generation, writing only what differs: live rows
    with no equal new row are retired by `snapshot`, new rows with no equal live row added."""
    stale = live.loc[~live["digest"].isin(frame["digest"]), "id"]
    bulk.set_by_ids(model, stale.tolist(), {"retired_by_id": snapshot.pk})
    _write_rows(model, frame[~frame["digest"].isin(live["digest"])], snapshot)


def _alert_frame(alerts: pd.DataFrame) -> pd.DataFrame:
    return pd.DataFrame(
        {
            "enterprise_id": alerts["enterprise_id"].astype("int64"),
            "kind": alerts["kind"].astype(str),
            "message": alerts["message"].astype(str).str.slice(0, 300),
            "value": pd.to_numeric(alerts["value"], errors="coerce").astype("float64"),
        }
    )


def _entry_frame(entries: pd.DataFrame, key_of: dict) -> pd.DataFrame:
    """The engine's entries as SnapshotEntry columns, converted a column at a time."""
    frame = pd.DataFrame({"enterprise_id": entries["enterprise_id"].astype("int64")})
    for name in ("rd_expense", "revenue", "previous_rd_expense", "drop"):
        frame[name] = pd.to_numeric(entries[name], errors="coerce").astype("float64").round(2)
    for name in ("intensity", "drop_ratio"):
        frame[name] = pd.to_numeric(entries[name], errors="coerce").astype("float64")
    for name in ("rank_spend", "rank_intensity"):
        frame[name] = pd.to_numeric(entries[name], errors="coerce").round().astype("Int64")
    frame["zero_years"] = pd.to_numeric(entries["zero_years"]).fillna(0).astype("int64")
    frame["is_above_scale"] = entries["is_above_scale"].fillna(False).astype(bool)
    # Few distinct gap lists (the engine shares their tuples): encode each once.
    codes, gaps = pd.factorize(entries["coverage_missing"])
    encoded = np.array(
        [json.dumps([key_of.get(label, label) for label in _as_tuple(gap)]) for gap in gaps]
        + ["[]"],
        dtype=object,
    )
    # Text columns stay Python objects: converting them costs more than hashing them.
    frame["coverage_missing"] = pd.Series(encoded[codes], index=frame.index, dtype=object)
    for name in ("innovation_class", "tier", "previous_tier"):
        values = entries[name].astype(object)
        frame[name] = values.where(values.notna(), "")
    # The engine's list decisions; being columns of the frame, they join the digest, so an
    # entry whose membership changes with the rules is rewritten even if its figures stand.
    for name in engine.LIST_COLUMNS.values():
        frame[name] = entries[name].fillna(False).astype(bool)
    return frame


def _as_tuple(missing) -> tuple:
    return tuple(missing or ())


FIRST_YEAR = 2000  # the earliest statistical year results are computed for


class RecomputeRefused(ValueError):
    """The year's results cannot be recomputed as asked; the message says why."""


def recompute_year(year: int | str, *, user) -> Snapshot:
    """Recompute a year an officer asked for, once it is a year with annual records."""
    try:
        year = int(year)
    except (TypeError, ValueError):
        raise RecomputeRefused("请选择要重新计算的年度。") from None
    latest = timezone.localdate().year
    if not FIRST_YEAR <= year <= latest:
        raise RecomputeRefused(f"年度应在{FIRST_YEAR}年至{latest}年之间。")
    if not has_annual_records(year):
        raise RecomputeRefused(f"{year}年尚无年报数据，请先导入该年度数据再计算。")
    return recompute(year, user=user)


def current_snapshot(year: int) -> Snapshot | None:
    return Snapshot.objects.filter(year=year, is_current=True).select_related("rule_set").first()


def has_annual_records(year: int) -> bool:
    periods = {"year": year, "quarter": 0}
    return (
        RDRecord.objects.filter(**periods).exists()
        or FinancialRecord.objects.filter(**periods).exists()
    )


def retire_results(year: int) -> bool:
    """Withdraw the year's current results, once its records are gone (its last batch rolled
    back): the snapshot stays, no longer current. Whether there was one."""
    return bool(Snapshot.objects.filter(year=year, is_current=True).update(is_current=False))


def latest_year() -> int | None:
    return RDRecord.objects.filter(quarter=0).aggregate(y=Max("year"))["y"]


class AlertAlreadyHandled(Exception):
    def __init__(self, alert: Alert):
        handled_at = timezone.localtime(alert.acknowledged_at).strftime("%Y-%m-%d %H:%M")
        who = alert.acknowledged_by or "（账号已删除）"
        super().__init__(f"该预警已于 {handled_at} 由 {who} 处理，不能再次标记。")


def acknowledge_alert(alert: Alert, *, user, note: str) -> Alert:
    """Mark an alert handled by `user`, with a note of what was done; the handling stays
    with the alert when a later snapshot raises it again unchanged. An alert is handled
    once: marking it again would overwrite who handled it (AlertAlreadyHandled)."""
    with transaction.atomic():
        alert = (
            Alert.objects.select_for_update(of=("self",))
            .select_related("acknowledged_by")
            .get(pk=alert.pk)
        )
        if alert.acknowledged_at is not None:
            raise AlertAlreadyHandled(alert)
        alert.acknowledged_at = timezone.now()
        alert.acknowledged_by = user
        alert.handling_note = note.strip()
        with changelog.recording(user, reason="处理预警"):
            alert.save(update_fields=["acknowledged_at", "acknowledged_by", "handling_note"])
    return alert


# -- cultivation pool ---------------------------------------------------------------------


def add_to_pool(enterprise, *, officer, target: str, reason: str, user) -> PoolEntry:
    """Put an enterprise into the cultivation pool with a responsible officer (包联)."""
    with changelog.recording(user):
        return PoolEntry.objects.create(
            enterprise=enterprise,
            officer=officer,
            target=target,
            reason=reason,
            joined_on=timezone.localdate(),
        )


def overdue_visits(queryset=None, *, on: datetime.date | None = None):
    """Visits whose follow-up is due and not done."""
    on = on or timezone.localdate()
    queryset = queryset if queryset is not None else ServiceVisit.objects.all()
    return queryset.filter(follow_up_due__lt=on, follow_up_done_on__isnull=True)
