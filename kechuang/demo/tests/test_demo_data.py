"""The demo county is deterministic, valid and calibrated to the seed's published figures."""

import ast
import datetime
import io
from pathlib import Path

import pytest
from django.core.management import call_command
from django.db.models import Q

from kechuang.accounts.models import User
from kechuang.demo.county import DemoDataExists, generate_demo
from kechuang.demo.logins import DEMO_PASSWORD
from kechuang.demo.plan import demo_profiles
from kechuang.demo.profiles import ABOVE_SCALE_REVENUE, RD_NONE, YEARS, yearly_figures
from kechuang.demo.reset import reset_domain_data
from kechuang.demo.scale import generate_scale
from kechuang.engines import uscc
from kechuang.engines.identity import id_number_valid
from kechuang.engines.text import spell
from kechuang.registry.choices import Level, QualificationKind, UsccState
from kechuang.registry.models import (
    Enterprise,
    Industry,
    Institution,
    Person,
    Qualification,
    Region,
    ScaleRecord,
)

NANMING = "330624002"
PERSONAS = {
    "admin": ("系统管理员", "新昌县科学技术局"),
    "leader": ("县领导", "新昌县人民政府"),
    "staff": ("科技局科员", "新昌县科学技术局"),
    "town": ("乡镇街道科员", "南明街道"),
    "town_qixing": ("乡镇街道科员", "七星街道"),
    "university": ("高校院所用户", "浙江大学新昌技术创新研究院"),
}


def _snapshot() -> list[tuple]:
    """What must be identical between two runs with the same seed."""
    enterprises = list(
        Enterprise.objects.order_by("uscc").values_list(
            "uscc",
            "name",
            "town_id",
            "industry_id",
            "founded_on",
            "registered_capital",
            "employees",
            "contact_phone",
            "status",
        )
    )
    qualifications = list(
        Qualification.objects.order_by(
            "enterprise__uscc", "kind", "issued_on", "level"
        ).values_list("enterprise__uscc", "kind", "level", "certificate_no", "issued_on")
    )
    people = list(Person.objects.order_by("id_number").values_list("name", "id_number", "phone"))
    scale = list(
        ScaleRecord.objects.order_by("enterprise__uscc", "year").values_list(
            "enterprise__uscc", "year", "is_above_scale"
        )
    )
    return [enterprises, qualifications, people, scale]


@pytest.mark.django_db
def test_full_demo_county_is_valid_and_calibrated():
    summary = generate_demo()

    assert Enterprise.objects.count() == 2000
    assert 35 <= Institution.objects.count() <= 45
    above_2025 = ScaleRecord.objects.filter(year=2025, is_above_scale=True).count()
    assert 540 <= above_2025 <= 660
    assert summary.above_scale[2025] == above_2025
    assert summary.above_scale[2016] < summary.above_scale[2020] < above_2025

    # 42.1% of 2024's 规上 enterprises hold a city-or-higher R&D institution.
    above_2024 = Enterprise.objects.filter(
        scale_records__year=2024, scale_records__is_above_scale=True
    )
    holders = above_2024.filter(
        Q(qualifications__kind=QualificationKind.RD_INSTITUTION)
        & Q(qualifications__level__in=[Level.CITY, Level.PROVINCE, Level.NATIONAL])
        & Q(qualifications__issued_on__lte=datetime.date(2024, 12, 31))
    ).distinct()
    share = holders.count() / above_2024.count()
    assert abs(share - 0.421) <= 0.02
    assert abs(summary.rd_revenue_ratio_2024 - 0.0349) < 0.0005
    assert summary.enterprise_rd_gdp_2023 > 0.04
    assert 270 <= summary.hnte_valid_last_year <= 330

    codes = list(Enterprise.objects.values_list("uscc", "uscc_state"))
    legacy = [code for code, state in codes if state == UsccState.LEGACY]
    assert len(legacy) == 2
    for code, state in codes:
        status = uscc.check(code).status
        if state == UsccState.LEGACY:
            assert status == uscc.UsccStatus.BAD_CHECK
        else:
            assert status == uscc.UsccStatus.VALID, code
    provincial = [code for code, _ in codes if code.startswith("91330000")]
    assert 8 <= len(provincial) <= 12

    flagship = Enterprise.objects.get(name="浙江新禾成生物医药股份有限公司")
    assert flagship in Enterprise.objects.filter(name_initials__contains="xhc")
    assert Enterprise.objects.values("name").distinct().count() == 2000

    # 规上 in every year means industrial revenue of 2000万元 or more, as the profiles say.
    profiles = {p.uscc: p for p in demo_profiles()}
    assert set(profiles) == {code for code, _ in codes}
    records = ScaleRecord.objects.values_list("enterprise__uscc", "year", "is_above_scale")
    for code, year, above in records:
        figures = yearly_figures(profiles[code], year)
        assert figures["active"]
        assert above == (profiles[code].industrial and figures["revenue"] >= ABOVE_SCALE_REVENUE)

    for username, (role, org) in PERSONAS.items():
        user = User.objects.get(username=username)
        assert [r.name for r in user.roles] == [role]
        assert user.organisation.name == org
        assert user.check_password(DEMO_PASSWORD)
    admin = User.objects.get(username="admin")
    assert admin.is_superuser and admin.is_staff
    filer = User.objects.get(username="enterprise")
    assert [r.name for r in filer.roles] == ["企业填报员"]
    own = filer.organisation.enterprise
    assert own.town_id == NANMING
    assert filer.organisation.parent.name == "南明街道"
    assert own.industry_id.startswith("27")
    assert own.scale_records.get(year=2025).is_above_scale
    assert {login.username for login in summary.logins} >= set(PERSONAS) | {"enterprise"}

    people = Person.objects.all()
    assert people.filter(kind="expert").count() == 300
    assert people.filter(kind="graduate").count() == 200
    assert all(id_number_valid(number) for number in people.values_list("id_number", flat=True))

    _check_regional_indicators()
    _check_market()


def _check_market():
    """Results, demands and experts in the county's industries, experts where such experts
    work, matches in every state, past events with their pairings."""
    from kechuang.demo.techmarket import EXPERT_HOMES, SPECIALISED, generate_demo_techmarket
    from kechuang.techmarket.models import ExpertProfile, Match, MatchmakingEvent, TechResult

    counts = generate_demo_techmarket(2026)
    assert counts["results"] >= 200 and counts["demands"] >= 50 and counts["experts"] >= 30
    assert set(Match.objects.values_list("status", flat=True)) == {
        "proposed",
        "contacted",
        "negotiating",
        "contracted",
        "declined",
    }
    for match in Match.objects.prefetch_related("steps"):
        steps = sorted(match.steps.all(), key=lambda step: step.pk)
        assert [s.at for s in steps] == sorted({s.at for s in steps}), match.pk  # one by one
        assert [s.from_status for s in steps[1:]] == [s.to_status for s in steps[:-1]]
    on_chains = TechResult.objects.filter(chains__isnull=False).distinct().count()
    assert on_chains >= TechResult.objects.count() // 2  # the chain signal has something to read
    held = MatchmakingEvent.objects.filter(status="held")
    assert held.count() >= 2 and all(e.pairings.exists() for e in held)
    for expert in ExpertProfile.objects.select_related("person__institution"):
        institution = expert.person.institution
        if institution is None:
            continue
        foreign = [w for w in SPECIALISED if w in institution.name]
        homes = EXPERT_HOMES.get(expert.industry_id, ())
        assert all(any(w in h or h in w for h in homes) for w in foreign), (
            expert.industry_id,
            institution.name,
        )


def _check_regional_indicators():
    """The seed's published figures hold for 2024 and the index puts the county where the
    seed says: 5th overall, 1st in 技术创新; R&D/GDP 4.55% 3rd behind 滨江's 9.52%."""
    from kechuang.demo.indicators import generate_demo_indicators
    from kechuang.indicators import services

    counts = generate_demo_indicators(2026)
    assert counts["placed"]
    assert services.index_years() == list(range(2015, 2025))
    build = services.build_year(2024)
    assert len(build.aggregated) == 90
    assert build.ranks.loc["330624", "Index"] == 5
    assert build.ranks.loc["330624", "innovation"] == 1
    raw = build.raw
    assert raw.loc["330624", "rd_gdp"] == pytest.approx(4.55, abs=0.005)
    assert raw.loc["330108", "rd_gdp"] == pytest.approx(9.52, abs=0.005)
    assert (raw["rd_gdp"] > raw.loc["330624", "rd_gdp"]).sum() == 2
    assert raw.loc["330624", "above_rd_intensity"] == pytest.approx(3.49)
    assert (raw["above_rd_intensity"] > 3.49).sum() == 0
    assert raw.loc["330624", "rd_institution_share"] == pytest.approx(42.1)
    for year in range(2015, 2025):
        frame = services.values_frame(["330624"], [year]).set_index("code")
        assert frame.loc["rd_gdp", "value"] >= 4.0  # at least 4% for 11 years up to 2024


@pytest.mark.django_db
def test_same_seed_gives_same_data_and_another_seed_does_not():
    generate_demo(seed=7, enterprises=150)
    first = _snapshot()
    reset_domain_data()
    assert not Enterprise.objects.exists() and not User.objects.exists()
    generate_demo(seed=7, enterprises=150)
    assert _snapshot() == first
    reset_domain_data()
    generate_demo(seed=8, enterprises=150)
    assert _snapshot()[0] != first[0]


@pytest.mark.django_db
def test_reset_keeps_reference_data_and_refuses_to_generate_twice():
    regions, industries = Region.objects.count(), Industry.objects.count()
    generate_demo(enterprises=100)
    with pytest.raises(DemoDataExists):
        generate_demo(enterprises=100)
    reset_domain_data()
    assert Region.objects.count() == regions and Industry.objects.count() == industries
    assert not Enterprise.objects.exists() and not Qualification.objects.exists()


def test_yearly_figures_are_pure_and_consistent():
    profiles = demo_profiles(enterprises=400)
    again = demo_profiles(enterprises=400)
    assert profiles == again
    for profile in profiles:
        for year in YEARS:
            figures = yearly_figures(profile, year)
            assert figures == yearly_figures(again[profile.index], year)
            revenue = figures["revenue"]
            assert figures["above_scale"] == (profile.industrial and revenue >= ABOVE_SCALE_REVENUE)
            assert 0 <= figures["rd_expense"] <= revenue
            assert figures["new_product_sales"] <= revenue
            assert figures["invention_patents"] <= figures["patents"]
            assert (figures["rd_staff"] > 0) == (figures["rd_expense"] > 0)
            if profile.rd_class == RD_NONE:
                assert figures["rd_expense"] == 0
    figures = yearly_figures(profiles[0], 2024)
    figures["revenue"] = -1
    assert yearly_figures(profiles[0], 2024)["revenue"] > 0
    with pytest.raises(ValueError):
        yearly_figures(profiles[0], 2015)


@pytest.mark.django_db
def test_generate_scale_spreads_valid_codes_over_counties():
    summary = generate_scale(counties=3, enterprises=2000, batch_size=500)
    counties = set(
        Region.objects.filter(level="county", code__in=["330102", "330105", "330106"]).values_list(
            "code", flat=True
        )
    )
    assert summary.enterprises == Enterprise.objects.count() == 2000
    assert summary.counties == 3
    rows = list(
        Enterprise.objects.values_list(
            "uscc",
            "town__parent_id",
            "town__parent__name",
            "name",
            "name_initials",
            "name_core_initials",
            "name_core_pinyin",
            "name_pinyin",
            "name_sort",
        )
    )
    assert len({row[0] for row in rows}) == 2000
    for code, county, county_name, name, *spellings in rows:
        assert uscc.check(code).status == uscc.UsccStatus.VALID
        assert code[2:8] == county and county in counties
        expected = spell(name, [county_name])
        assert spellings == [
            expected.initials,
            expected.core_initials,
            expected.core_pinyin,
            expected.pinyin,
            expected.sort_key,
        ]
    years = set(ScaleRecord.objects.values_list("year", flat=True))
    assert years == set(range(2021, 2026))
    assert summary.scale_records == ScaleRecord.objects.count()
    assert Qualification.objects.filter(kind=QualificationKind.HNTE).exists()


@pytest.mark.django_db
def test_demo_command_prints_logins_and_skips_when_loaded():
    out = io.StringIO()
    call_command("demo", "--enterprises", "60", "--seed", "3", stdout=out)
    text = out.getvalue()
    assert "企业 60 家" in text
    assert "admin" in text and DEMO_PASSWORD in text and "乡镇街道科员" in text
    out = io.StringIO()
    call_command("demo", "--if-empty", stdout=out)
    assert "跳过" in out.getvalue() and "university" in out.getvalue()
    assert Enterprise.objects.count() == 60
    call_command("demo", "--reset", "--scale", "300", "--counties", "2", stdout=io.StringIO())
    assert Enterprise.objects.count() == 300 and not User.objects.exists()


def test_demo_modules_import_each_other_without_cycles():
    """Each generator imports the modules it builds on, never one that imports it back."""
    package = Path(__file__).resolve().parent.parent
    graph = {}
    for path in package.glob("*.py"):
        imported = set()
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.ImportFrom) and node.module == "kechuang.demo":
                imported.update(alias.name for alias in node.names)
            elif isinstance(node, ast.ImportFrom) and (node.module or "").startswith(
                "kechuang.demo."
            ):
                imported.add(node.module.split(".")[2])
        graph[path.stem] = imported & {p.stem for p in package.glob("*.py")}
    done: set[str] = set()

    def visit(module: str, path: tuple[str, ...]) -> None:
        assert module not in path, " -> ".join((*path, module))
        if module not in done:
            for other in sorted(graph[module]):
                visit(other, (*path, module))
            done.add(module)

    for module in sorted(graph):
        visit(module, ())
    assert graph["records"] <= {"profiles", "plan"}
    assert graph["profiles"] <= {"vocabulary"}
