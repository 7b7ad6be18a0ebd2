"""Recognition facts for the demo county: IP rights, recognition-caliber figures for the
three years before the demo's assessment date, technology domains, a few incidents,
standards and awards; then the county's 高企 and 科小 assessment runs on that date.

The facts follow each enterprise's records: an enterprise with R&D gets IP in proportion to
its valid inventions and utility models, 高企 holders mostly keep their ratios above the
bar (some slip, so re-recognition has something to warn about), and about a fifth of the
enterprises leave something unrecorded, as in a real county, so "needs information" shows.
"""

import datetime
import random
from decimal import Decimal

from django.contrib.auth import get_user_model
from django.db import transaction

from kechuang.assessment import services, support
from kechuang.assessment.models import (
    EnterpriseEvent,
    FigureFlag,
    IntellectualProperty,
    Policy,
    RecognitionFigures,
    RecognitionProfile,
)
from kechuang.core import changelog
from kechuang.demo.profiles import DEFAULT_SEED, LAST_YEAR
from kechuang.monitoring.models import FinancialRecord, RDRecord
from kechuang.registry.models import Enterprise, Qualification

# Assessed as of today while the demo's last year is the one just ended (so the pages, which
# assess as of today, agree with the stored runs), else on the last day of the year after.
ASSESSED_ON = min(datetime.date.today(), datetime.date(LAST_YEAR + 1, 12, 31))
YEARS = (LAST_YEAR, LAST_YEAR - 1, LAST_YEAR - 2)
# GB/T 4754 division -> third-level 高新技术领域 that fit the county's industries.
DOMAINS = {
    "27": ("2.3.1", "2.3.2", "2.4.1", "2.4.2", "2.6.1"),
    "14": ("2.5.4", "2.6.3"),
    "26": ("4.3.1", "4.3.6", "7.4.1"),
    "34": ("8.5.1", "8.5.2", "8.4.1", "8.4.3"),
    "35": ("8.5.4", "8.5.3", "8.4.2"),
    "36": ("8.5.1", "6.4.1", "8.3.1"),
    "38": ("8.6.3", "1.6.5"),
    "39": ("1.4.8", "1.6.5", "8.4.2"),
    "65": ("1.1.9", "1.1.10"),
    "73": ("5.1.1", "5.2.1"),
}
UTILITY_TITLES = ("一种{}的定位装置", "一种{}用密封结构", "一种{}的检测工装", "一种{}冷却机构")
INVENTION_TITLES = ("一种{}的制备方法", "一种提高{}精度的加工工艺", "{}的在线监测系统及方法")
PRODUCTS = {
    "27": "原料药中间体",
    "14": "维生素添加剂",
    "34": "轴承套圈",
    "35": "纺机锭子",
    "36": "汽车空调管路",
    "39": "无人机云台",
}


def _yuan(value: float) -> Decimal:
    return Decimal(round(value)).quantize(Decimal("0.01"))


def _domain(industry_id: str | None, rng: random.Random) -> str:
    return rng.choice(DOMAINS.get((industry_id or "")[:2], ("8.5.2", "8.4.1")))


@transaction.atomic
def generate_demo_recognition(seed: int = DEFAULT_SEED) -> dict[str, int]:
    """Write the facts and run both assessments; returns how many of each were written."""
    rng = random.Random(f"{seed}/recognition")
    rd = {
        (r["enterprise_id"], r["year"]): r
        for r in RDRecord.objects.filter(year__in=YEARS, quarter=0).values(
            "enterprise_id", "year", "rd_expense", "valid_inventions", "patent_applications"
        )
    }
    financial = {
        (f["enterprise_id"], f["year"]): f
        for f in FinancialRecord.objects.filter(year__in=YEARS, quarter=0).values(
            "enterprise_id", "year", "revenue", "net_assets", "employees", "tech_staff"
        )
    }
    hnte_issued = dict(
        Qualification.objects.filter(kind="hnte")
        .order_by("issued_on")
        .values_list("enterprise_id", "issued_on")
    )
    sme = set(Qualification.objects.filter(kind="tech_sme").values_list("enterprise_id", flat=True))
    rights, figures, profiles, events = [], [], [], []
    enterprises = (
        Enterprise.objects.filter(status="active")
        .order_by("uscc")
        .values("pk", "industry_id", "founded_on")
    )
    for row in enterprises:
        pk = row["pk"]
        latest = rd.get((pk, LAST_YEAR))
        if latest is None and pk not in sme:
            continue
        division = (row["industry_id"] or "")[:2]
        product = PRODUCTS.get(division, "精密零部件")
        holder = pk in hnte_issued
        inventions = min(int((latest or {}).get("valid_inventions") or 0), 12)
        utility = rng.randint(0, 9) if (latest or holder or pk in sme) else 0
        used_year = hnte_issued[pk].year if holder else None
        for i in range(inventions):
            granted = datetime.date(
                rng.randint(2016, LAST_YEAR), rng.randint(1, 12), rng.randint(1, 28)
            )
            filed = granted.year - rng.randint(1, 3)
            rights.append(
                IntellectualProperty(
                    enterprise_id=pk,
                    kind="invention",
                    number=f"ZL{filed}1{pk:05d}{i:04d}.{rng.randint(0, 9)}",
                    title=rng.choice(INVENTION_TITLES).format(product),
                    granted_on=granted,
                    expires_on=datetime.date(filed + 20, granted.month, granted.day),
                    acquisition="own" if rng.random() < 0.9 else "transferred",
                    source="ip_office",
                )
            )
        for i in range(utility):
            granted = datetime.date(
                rng.randint(2017, LAST_YEAR), rng.randint(1, 12), rng.randint(1, 28)
            )
            rights.append(
                IntellectualProperty(
                    enterprise_id=pk,
                    kind=rng.choice(("utility_model", "utility_model", "design", "software")),
                    number=f"ZL{granted.year - 1}2{pk:05d}{i:04d}.{rng.randint(0, 9)}",
                    title=rng.choice(UTILITY_TITLES).format(product),
                    granted_on=granted,
                    expires_on=datetime.date(granted.year + 10, granted.month, granted.day),
                    used_in_hnte_year=used_year
                    if used_year and granted.year < used_year and rng.random() < 0.7
                    else None,
                    source="ip_office",
                )
            )
        careless = rng.random() < 0.2
        for year in YEARS:
            fin, stat = financial.get((pk, year)), rd.get((pk, year))
            if fin is None or fin["revenue"] is None:
                continue
            revenue = float(fin["revenue"])
            rd_stat = float((stat or {}).get("rd_expense") or 0)
            # 高企 holders book R&D on the guideline's caliber, most of them above their band's
            # bar; the rest a little above the statistics.
            rd_hnte = rd_stat * rng.uniform(0.95, 1.1)
            if holder:
                bar = 0.05 if revenue <= 50_000_000 else 0.04 if revenue <= 200_000_000 else 0.03
                rd_hnte = max(rd_hnte, revenue * bar * rng.uniform(0.9, 1.35))
            share = rng.uniform(0.62, 0.9) if holder else rng.uniform(0.3, 0.8)
            staff = fin["employees"] or 0
            tech_share = rng.uniform(0.09, 0.3) if holder else rng.uniform(0.04, 0.25)
            figures.append(
                RecognitionFigures(
                    enterprise_id=pk,
                    year=year,
                    total_income=_yuan(revenue * rng.uniform(1.0, 1.04))
                    if not (careless and year == LAST_YEAR)
                    else None,
                    hightech_income=_yuan(revenue * share)
                    if not (careless and year == LAST_YEAR)
                    else None,
                    rd_expense=_yuan(rd_hnte),
                    rd_domestic=_yuan(rd_hnte * rng.uniform(0.85, 1.0)),
                    staff_total=Decimal(staff),
                    tech_staff=Decimal(round(staff * tech_share)),
                    conversions=rng.randint(3, 8) if holder else rng.randint(0, 5),
                    source="enterprise",
                )
            )
        profiles.append(
            RecognitionProfile(
                enterprise_id=pk,
                tech_domain="" if careless else _domain(row["industry_id"], rng),
                restricted_catalogue=None if careless else False,
                self_assessed_score=rng.randint(66, 86)
                if holder and not careless and rng.random() < 0.4
                else None,
                no_incidents_confirmed_on=None
                if careless
                else ASSESSED_ON - datetime.timedelta(days=rng.randint(5, 120)),
                source="enterprise",
            )
        )
        roll = rng.random()
        if roll < 0.01:
            events.append(
                EnterpriseEvent(
                    enterprise_id=pk,
                    kind="safety_incident",
                    title="车间机械伤害事故，1人死亡",
                    occurred_on=ASSESSED_ON - datetime.timedelta(days=rng.randint(30, 300)),
                    source="emergency",
                )
            )
        elif roll < 0.02:
            events.append(
                EnterpriseEvent(
                    enterprise_id=pk,
                    kind="abnormal_list",
                    title="未按规定公示年度报告",
                    occurred_on=ASSESSED_ON - datetime.timedelta(days=rng.randint(60, 400)),
                    source="market",
                )
            )
        elif roll < 0.05 and holder:
            events.append(
                EnterpriseEvent(
                    enterprise_id=pk,
                    kind="standard_led",
                    title=f"主导制定行业标准《{product}技术条件》",
                    occurred_on=datetime.date(rng.randint(LAST_YEAR - 4, LAST_YEAR), 6, 1),
                    source="market",
                )
            )
        elif roll < 0.052 and holder:
            events.append(
                EnterpriseEvent(
                    enterprise_id=pk,
                    kind="national_award",
                    title="国家科学技术进步奖二等奖（第二完成单位）",
                    occurred_on=datetime.date(LAST_YEAR - 2, 1, 10),
                    source="bureau",
                )
            )
    IntellectualProperty.objects.bulk_create(rights, batch_size=2000)
    RecognitionFigures.objects.bulk_create(figures, batch_size=2000)
    RecognitionProfile.objects.bulk_create(profiles, batch_size=2000)
    EnterpriseEvent.objects.bulk_create(events, batch_size=2000)
    services.run_assessment("hnte", ASSESSED_ON)
    services.run_assessment("sme", ASSESSED_ON)
    policies = _demo_policies()
    for policy in policies:
        support.calculate_policy(policy, LAST_YEAR)
    support.calculate_points(LAST_YEAR)
    _demo_flags()
    return {
        "rights": len(rights),
        "figures": len(figures),
        "profiles": len(profiles),
        "events": len(events),
        "policies": len(policies),
    }


DEMO_BASIS = "新昌县人民政府关于加快推进科技创新的若干政策意见（示例）"


def _demo_policies() -> list[Policy]:
    """Three county policies of the usual shapes: an R&D increase subsidy and a first-
    recognition award paid without application, and a 科小 innovation voucher."""
    start = datetime.date(LAST_YEAR, 1, 1)
    return [
        Policy.objects.create(
            code="rd-increase",
            title="规上企业研发投入增量补助",
            basis=f"{DEMO_BASIS} 第二条",
            kind="rd_increase",
            rd_caliber="statistical",
            rate=Decimal("0.10"),
            cap=Decimal(500_000),
            conditions=[
                {"fact": "is_above_scale", "op": "==", "value": True},
                {"fact": "rd_intensity", "op": ">=", "value": "0.015"},
            ],
            no_application=True,
            effective_from=start,
        ),
        Policy.objects.create(
            code="hnte-first",
            title="首次认定高新技术企业奖励",
            basis=f"{DEMO_BASIS} 第五条",
            kind="fixed",
            amount=Decimal(200_000),
            conditions=[{"fact": "first_hnte_year", "op": "==", "value": "year"}],
            no_application=True,
            effective_from=start,
        ),
        Policy.objects.create(
            code="sme-voucher",
            title="科技型中小企业创新券",
            basis=f"{DEMO_BASIS} 第七条",
            kind="fixed",
            amount=Decimal(20_000),
            conditions=[
                {"fact": "holds_sme", "op": "==", "value": True},
                {"fact": "holds_hnte", "op": "==", "value": False},
            ],
            effective_from=start,
        ),
    ]


def _demo_flags() -> None:
    """The demo enterprise login's company confirms one year and disputes a figure."""
    user = (
        get_user_model()
        .objects.filter(username="enterprise")
        .select_related("organisation")
        .first()
    )
    enterprise = getattr(getattr(user, "organisation", None), "enterprise", None)
    if enterprise is None:
        return
    with changelog.recording(user):
        FigureFlag.objects.create(
            enterprise=enterprise, year=LAST_YEAR - 1, is_confirmation=True, status="kept"
        )
        FigureFlag.objects.create(
            enterprise=enterprise,
            year=LAST_YEAR,
            figure="rd_staff",
            note="研究开发人员应为 46 人，统计报表漏报了兼职研发人员 6 人（有考勤和工资表为证）",
        )
