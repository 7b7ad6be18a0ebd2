"""An enterprise's innovation profile: what its own page and its 企业创新体检报告 show.

Ten years of figures beside the quartiles of its industry in its county (shown only where at
least MIN_PEERS enterprises reported, so no peer can be picked out), its monitoring standing
and the alerts concerning it, its 高企 and 科小 readiness, the policies it qualifies for, its
innovation points, and what it is missing. One builder serves the page, the PDF and the
Word report, so all three say the same.
"""

import datetime
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from kechuang.assessment import services, support
from kechuang.assessment.choices import RuleCode
from kechuang.assessment.models import FigureFlag
from kechuang.core import amounts
from kechuang.engines import monitoring as monitoring_engine
from kechuang.engines.recognition.results import VERDICT_LABELS, Assessment
from kechuang.monitoring import results as monitoring_results
from kechuang.monitoring.models import Alert, FinancialRecord, RDRecord, SnapshotEntry
from kechuang.monitoring.panels import MIN_PEERS
from kechuang.monitoring.services import current_snapshot
from kechuang.registry.models import Enterprise, Qualification

YEARS_SHOWN = 10
QUARTILES = (25, 50, 75)
# Figures an enterprise may confirm or flag, as its page names them.
FLAGGABLE = (
    ("revenue", "营业收入"),
    ("rd_expense", "研究开发费用合计"),
    ("rd_staff", "研究开发人员合计"),
    ("employees", "从业人员期末人数"),
    ("tech_staff", "科技人员"),
    ("net_assets", "所有者权益（净资产）"),
    ("valid_inventions", "期末有效发明专利数"),
    ("new_product_sales", "新产品销售收入"),
)


@dataclass
class Readiness:
    code: str
    label: str
    result: Assessment

    @property
    def verdict_label(self) -> str:
        if self.result.awaiting_experts:
            return "数据条件均符合，待专家评审"
        return VERDICT_LABELS[self.result.verdict]


@dataclass
class Profile:
    enterprise: Enterprise
    today: datetime.date
    rows: list[dict] = field(default_factory=list)
    industry_peers: dict[int, int] = field(default_factory=dict)
    standing: dict | None = None
    alerts: list[Alert] = field(default_factory=list)
    expiring: list[Qualification] = field(default_factory=list)
    readiness: list[Readiness] = field(default_factory=list)
    outcomes: list = field(default_factory=list)
    points: object = None
    gaps: list[tuple[str, str]] = field(default_factory=list)
    unknown: list[tuple[str, str]] = field(default_factory=list)
    flags: list[FigureFlag] = field(default_factory=list)

    @property
    def years(self) -> list[int]:
        return [row["year"] for row in self.rows]

    @property
    def qualifies(self) -> list:
        return [o for o in self.outcomes if o.verdict == "eligible"]


def _records(enterprise_id: int, years: list[int]) -> pd.DataFrame:
    rd = pd.DataFrame.from_records(
        RDRecord.objects.filter(enterprise_id=enterprise_id, quarter=0, year__in=years).values(
            "year",
            "rd_expense",
            "rd_staff",
            "valid_inventions",
            "patent_applications",
            "new_product_sales",
        ),
        columns=[
            "year",
            "rd_expense",
            "rd_staff",
            "valid_inventions",
            "patent_applications",
            "new_product_sales",
        ],
    )
    fin = pd.DataFrame.from_records(
        FinancialRecord.objects.filter(
            enterprise_id=enterprise_id, quarter=0, year__in=years
        ).values("year", "revenue", "employees"),
        columns=["year", "revenue", "employees"],
    )
    merged = fin.merge(rd, on="year", how="outer").sort_values("year")
    return merged.astype(object).where(merged.notna(), None)  # a missing figure is None


def _peer_quartiles(enterprise: Enterprise, years: list[int]) -> tuple[dict, dict]:
    """Per year: the industry's quartiles of R&D spend (万元), revenue (万元) and intensity
    (%), and how many enterprises reported; years with fewer than MIN_PEERS are left out."""
    if not enterprise.industry_id or not enterprise.town_id:
        return {}, {}
    peers_q = {
        "enterprise__industry_id": enterprise.industry_id,
        "enterprise__town__code__startswith": enterprise.town_id[:6],
        "quarter": 0,
        "year__in": years,
    }
    rd = pd.DataFrame.from_records(
        RDRecord.objects.filter(**peers_q)
        .values_list("enterprise_id", "year", "rd_expense")
        .order_by(),
        columns=["enterprise_id", "year", "rd_expense"],
    )
    fin = pd.DataFrame.from_records(
        FinancialRecord.objects.filter(**peers_q)
        .values_list("enterprise_id", "year", "revenue")
        .order_by(),
        columns=["enterprise_id", "year", "revenue"],
    )
    frame = rd.merge(fin, on=["enterprise_id", "year"], how="left")
    frame["rd_expense"] = frame["rd_expense"].astype(float) / 10000
    frame["revenue"] = frame["revenue"].astype(float) / 10000
    frame["intensity"] = frame["rd_expense"] / frame["revenue"].where(frame["revenue"] > 0) * 100
    quartiles, counts = {}, {}
    for year, group in frame.groupby("year"):
        counts[int(year)] = len(group)
        if len(group) < MIN_PEERS:
            continue
        quartiles[int(year)] = {
            column: tuple(
                None if np.isnan(v) else round(float(v), 2)
                for v in np.nanpercentile(group[column].to_numpy(dtype=float), QUARTILES)
            )
            if group[column].notna().any()
            else (None, None, None)
            for column in ("rd_expense", "revenue", "intensity")
        }
    return quartiles, counts


def _figure_rows(enterprise: Enterprise, today: datetime.date) -> tuple[list[dict], dict]:
    years = list(range(today.year - YEARS_SHOWN, today.year))
    records = _records(enterprise.pk, years)
    quartiles, counts = _peer_quartiles(enterprise, years)
    rows = []
    for record in records.to_dict("records"):
        year = int(record["year"])
        rd, revenue = amounts.wan(record.get("rd_expense")), amounts.wan(record.get("revenue"))
        rows.append(
            {
                "year": year,
                "rd_expense": rd,
                "revenue": revenue,
                "intensity": round(rd / revenue * 100, 2) if rd is not None and revenue else None,
                "rd_staff": _int(record.get("rd_staff")),
                "employees": _int(record.get("employees")),
                "valid_inventions": _int(record.get("valid_inventions")),
                "patent_applications": _int(record.get("patent_applications")),
                "peers": counts.get(year, 0),
                "quartiles": quartiles.get(year),
            }
        )
    return rows, counts


def _int(value):
    return None if value is None or pd.isna(value) else int(value)


def _standing(enterprise: Enterprise) -> tuple[dict | None, list[Alert]]:
    year = monitoring_results.default_year()
    snapshot = current_snapshot(year) if year else None
    if snapshot is None:
        return None, []
    rules = monitoring_results.rules_of(snapshot)
    entry = SnapshotEntry.objects.of(snapshot).filter(enterprise=enterprise).first()
    alerts = list(Alert.objects.of(snapshot).filter(enterprise=enterprise).order_by("kind"))
    if entry is None:
        return {"year": year, "entry": None}, alerts
    coverage = {item.key: item.label for item in rules.coverage_items}
    titles = monitoring_results.list_titles(rules)
    on_lists = [
        titles[key]
        for key, flag in (
            (monitoring_engine.LIST_TOP_SPEND, entry.on_top_spend),
            (monitoring_engine.LIST_TOP_INTENSITY, entry.on_top_intensity),
            (monitoring_engine.LIST_DECLINE, entry.on_decline),
            (monitoring_engine.LIST_ZERO_RD, entry.on_zero_rd),
        )
        if flag
    ]
    tiers = {**rules.tier_labels(), monitoring_engine.TIER_NONE: monitoring_engine.TIER_NONE_LABEL}
    return (
        {
            "year": year,
            "entry": entry,
            "tier": tiers.get(entry.tier, entry.tier),
            "innovation_class": monitoring_engine.CLASS_LABELS.get(entry.innovation_class, ""),
            "coverage_missing": [coverage.get(key, key) for key in entry.coverage_missing],
            "covered": entry.on_coverage and not entry.coverage_missing,
            "on_lists": on_lists,
        },
        alerts,
    )


def build_profile(enterprise: Enterprise, today: datetime.date | None = None) -> Profile:
    """Everything the enterprise's page and report say, as of `today`."""
    today = today or datetime.date.today()
    profile = Profile(enterprise=enterprise, today=today)
    profile.rows, profile.industry_peers = _figure_rows(enterprise, today)
    profile.standing, profile.alerts = _standing(enterprise)
    profile.expiring = list(
        Qualification.objects.filter(Qualification.valid_on_q(today), enterprise=enterprise)
        .filter(valid_until__lte=today + datetime.timedelta(days=365))
        .order_by("valid_until")
    )
    for code, label in RuleCode.choices:
        try:
            result, _facts, _sources, _rules = services.assess_enterprise(enterprise, code, today)
        except services.AssessmentRefused:
            continue
        profile.readiness.append(Readiness(code, label, result))
        if code == RuleCode.SME and result.criterion("c2").verdict == "not_met":
            # Too large to be a 科小: nothing else about it is a gap to close.
            profile.gaps.append((label, f"不适用：{result.criterion('c2').explanation}"))
            continue
        for criterion in result.criteria:
            if criterion.verdict == "not_met":
                profile.gaps.append(
                    (
                        label,
                        f"{criterion.explanation}{(' ' + criterion.gap) if criterion.gap else ''}",
                    )
                )
            elif criterion.verdict == "needs_info":
                profile.unknown.append((label, criterion.explanation))
    profile.outcomes = list(support.enterprise_outcomes(enterprise.pk))
    profile.points = support.latest_points(enterprise.pk)
    profile.flags = list(
        FigureFlag.objects.filter(enterprise=enterprise).order_by("-created_at")[:10]
    )
    return profile
