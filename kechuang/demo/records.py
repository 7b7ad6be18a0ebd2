"""Yearly R&D (107-2) and financial records for the demo county and benchmark data.

The figures come from `profiles.yearly_figures`; this module splits them into the 107-2
breakdown so that every record satisfies the consistency rules of RULES.md §4.3 (the eight
cost items and the funding sources add up to the total, "其中" items never exceed their
whole), as a real statistics return would.

It imports only the pure modules `profiles` and `plan` (the demo county's profiles, without the
database): `county` writes the enterprises before `kechuang demo` calls this module, and
`scale` calls `split_record` for the benchmark data, so neither is imported here.
"""

import datetime
import random
from decimal import Decimal

from django.contrib.auth import get_user_model
from django.db import transaction

from kechuang.demo.plan import demo_profiles
from kechuang.demo.profiles import DEFAULT_SEED, LAST_YEAR, REFERENCE_SIZE, YEARS, yearly_figures
from kechuang.monitoring.choices import Department, SourceUnit
from kechuang.monitoring.models import FinancialRecord, PoolEntry, RDRecord, ServiceVisit
from kechuang.registry.models import Enterprise

COST_SHARES = (
    ("cost_personnel", 0.52),
    ("cost_direct", 0.27),
    ("cost_depreciation", 0.08),
    ("cost_amortisation", 0.02),
    ("cost_design", 0.03),
    ("cost_trial", 0.03),
    ("cost_commissioned", 0.03),
)
FUND_SHARES = (("fund_government", 0.04), ("fund_bank", 0.02), ("fund_venture", 0.005))


def _yuan(value: float) -> Decimal:
    return Decimal(round(value)).quantize(Decimal("0.01"))


def split_record(enterprise_id: int, figures: dict, rng: random.Random, valid_inventions: int):
    """(RDRecord, FinancialRecord) for one enterprise-year, both in yuan."""
    year = figures["year"]
    revenue = float(figures["revenue"])
    rd_total = float(figures["rd_expense"])
    common = {
        "enterprise_id": enterprise_id,
        "year": year,
        "quarter": 0,
        "department": Department.STATISTICS,
        "source_unit": SourceUnit.THOUSAND,
    }
    employees = int(figures["employees"])
    financial = FinancialRecord(
        **common,
        revenue=_yuan(revenue),
        main_revenue=_yuan(revenue * rng.uniform(0.92, 0.99)),
        total_assets=_yuan(revenue * rng.uniform(0.9, 1.6)),
        net_assets=_yuan(revenue * rng.uniform(0.35, 0.8)),
        cost_expense_total=_yuan(revenue * rng.uniform(0.82, 0.95)),
        employees=employees,
        tech_staff=min(employees, int(figures["rd_staff"] * rng.uniform(1.1, 1.5))),
    )
    if rd_total <= 0 and not figures["above_scale"]:
        return None, financial
    costs = {}
    remaining = rd_total
    for name, share in COST_SHARES:
        amount = round(rd_total * share * rng.uniform(0.8, 1.2))
        amount = min(amount, remaining)
        costs[name] = amount
        remaining -= amount
    costs["cost_other"] = remaining
    commissioned = costs["cost_commissioned"]
    universities = round(commissioned * rng.uniform(0.3, 0.7))
    institutes = round((commissioned - universities) * rng.uniform(0.3, 0.8))
    enterprises = commissioned - universities - institutes
    funds = {}
    left = rd_total
    for name, share in FUND_SHARES:
        amount = min(left, round(rd_total * share * rng.uniform(0, 2)))
        funds[name] = amount
        left -= amount
    funds["fund_self"] = left
    rd_staff = int(figures["rd_staff"])
    female = round(rd_staff * rng.uniform(0.15, 0.35))
    applications = int(figures["patents"])
    inventions = min(applications, int(figures["invention_patents"]))
    new_sales = float(figures["new_product_sales"])
    deduction = rd_total * rng.uniform(0.85, 1.0) if rd_total else 0
    record = RDRecord(
        **common,
        rd_staff=rd_staff,
        rd_staff_management=round(rd_staff * 0.12),
        rd_staff_female=female,
        rd_staff_fulltime=round(rd_staff * 0.85),
        rd_staff_bachelor=round(rd_staff * rng.uniform(0.4, 0.8)),
        rd_staff_external=round(rd_staff * 0.05),
        rd_expense=_yuan(rd_total),
        **{name: _yuan(value) for name, value in costs.items()},
        commissioned_universities=_yuan(universities),
        commissioned_institutes=_yuan(institutes),
        commissioned_enterprises=_yuan(enterprises),
        commissioned_abroad=_yuan(0),
        **{name: _yuan(value) for name, value in funds.items()},
        rd_fixed_assets=_yuan(costs["cost_depreciation"] * 1.5),
        rd_instruments=_yuan(costs["cost_depreciation"] * 1.1),
        deduction_rd_expense=_yuan(deduction),
        deduction_tax_relief=_yuan(deduction * 0.25),
        patent_applications=applications,
        invention_applications=inventions,
        valid_inventions=valid_inventions,
        implemented_inventions=round(valid_inventions * 0.6),
        new_product_sales=_yuan(new_sales),
        new_product_exports=_yuan(new_sales * rng.uniform(0, 0.3)),
    )
    return record, financial


def records_for(enterprise_id: int, profile, years, rng: random.Random):
    """All records of one enterprise over `years`, with patents accumulating."""
    rd_records, financial_records = [], []
    valid = 0
    for year in years:
        figures = yearly_figures(profile, year)
        if not figures["active"]:
            continue
        valid += int(figures["invention_patents"])
        rd, financial = split_record(enterprise_id, figures, rng, valid)
        financial_records.append(financial)
        if rd is not None:
            rd_records.append(rd)
    return rd_records, financial_records


@transaction.atomic
def generate_demo_records(
    seed: int = DEFAULT_SEED, enterprises: int = REFERENCE_SIZE
) -> tuple[int, int]:
    """Ten years of records for the demo county's enterprises; returns (R&D, financial) counts."""
    ids = dict(Enterprise.objects.values_list("uscc", "pk"))
    rng = random.Random(f"{seed}/records")
    rd_all, financial_all = [], []
    for profile in demo_profiles(seed, enterprises):
        enterprise_id = ids.get(profile.uscc)
        if enterprise_id is None:
            continue
        rd, financial = records_for(enterprise_id, profile, YEARS, rng)
        rd_all.extend(rd)
        financial_all.extend(financial)
    RDRecord.objects.bulk_create(rd_all, batch_size=2000)
    FinancialRecord.objects.bulk_create(financial_all, batch_size=2000)
    return len(rd_all), len(financial_all)


VISIT_PROBLEMS = (
    (
        "研发费用加计扣除政策口径不清楚，担心归集不规范",
        "安排税务和科技局业务人员上门辅导辅助账设置",
    ),
    ("高企复审在即，知识产权数量偏少", "对接县知识产权服务机构，梳理可申请的发明专利"),
    ("想与高校合作攻关精密加工工艺，缺少对接渠道", "推荐浙江大学新昌技术创新研究院专家团队"),
    ("研发人员招聘难，尤其是硕士以上人才", "纳入县人才办“引育留用”需求清单"),
    ("中试线投入大，资金压力较大", "介绍中试风险补偿资金池和科技信贷产品"),
    ("希望申报省级企业研究院", "讲解申报条件，明确研发机构场地和人员配置要求"),
)


@transaction.atomic
def generate_demo_pool(seed: int = DEFAULT_SEED) -> tuple[int, int]:
    """A cultivation pool of promising enterprises with 包联 officers and service visits,
    some follow-ups done, some due, some overdue; returns (entries, visits)."""
    rng = random.Random(f"{seed}/pool")
    users = get_user_model().objects
    staff = users.get(username="staff")
    town_officers = {
        user.organisation.region_id: user
        for user in users.filter(username__startswith="town").select_related("organisation")
    }
    candidates = list(
        Enterprise.objects.filter(
            status="active",
            scale_records__year=LAST_YEAR,
            scale_records__is_above_scale=True,
        )
        .order_by("uscc")
        .values_list("pk", "town_id", "name")
    )
    chosen = rng.sample(candidates, min(36, len(candidates)))
    today = datetime.date(LAST_YEAR + 1, 11, 20)
    entries = visits = 0
    for pk, town_id, _name in chosen:
        officer = town_officers.get(town_id, staff)
        joined = today - datetime.timedelta(days=rng.randint(60, 500))
        entry = PoolEntry.objects.create(
            enterprise_id=pk,
            officer=officer,
            target=rng.choice(
                (
                    "冲刺高新技术企业",
                    "建设省级企业研究院",
                    "研发投入强度提升至3%",
                    "申报省级专精特新",
                    "培育为链主企业",
                )
            ),
            reason=rng.choice(
                ("研发投入连续增长", "新晋规上企业", "高企资格即将到期", "县重点产业链核心企业")
            ),
            joined_on=joined,
        )
        entries += 1
        day = joined
        for _ in range(rng.randint(1, 3)):
            day = day + datetime.timedelta(days=rng.randint(20, 120))
            if day >= today:
                break
            problem, help_promised = rng.choice(VISIT_PROBLEMS)
            due = day + datetime.timedelta(days=rng.choice((14, 30, 45)))
            done = due - datetime.timedelta(days=rng.randint(0, 10)) if rng.random() < 0.6 else None
            if done and done > today:
                done = None
            ServiceVisit.objects.create(
                entry=entry,
                visited_on=day,
                visitors=f"{officer.display_name or officer.username}、科技局业务科",
                people_met=rng.choice(("总经理", "研发总监", "财务负责人", "技术中心主任")),
                problems=problem,
                help_promised=help_promised,
                follow_up_due=due,
                follow_up_done_on=done,
                follow_up_result="已落实" if done else "",
            )
            visits += 1
    return entries, visits
