"""The assessment pages for each role, in and out of scope."""

import datetime
import io

import pytest
from openpyxl import load_workbook

from kechuang.assessment import services
from kechuang.assessment.models import AssessmentRun, IntellectualProperty, RecognitionFigures
from kechuang.assessment.tests.factories import ready_enterprise
from kechuang.registry.tests.factories import QualificationFactory

pytestmark = pytest.mark.django_db

ON = datetime.date(2025, 6, 1)


@pytest.fixture
def county(world):
    """The world's three enterprises, the Nanming one ready for 高企 and holding 科小."""
    ready_enterprise(world.nanming_enterprise)
    QualificationFactory(
        enterprise=world.nanming_enterprise,
        kind="tech_sme",
        issued_on=datetime.date(2025, 3, 1),
        valid_until=datetime.date(2026, 3, 31),
    )
    QualificationFactory(
        enterprise=world.qixing_enterprise,
        kind="tech_sme",
        issued_on=datetime.date(2025, 3, 1),
        valid_until=datetime.date(2026, 3, 31),
    )
    services.run_assessment("hnte", ON, user=world.staff)
    services.run_assessment("sme", ON, user=world.staff)
    return world


@pytest.mark.parametrize(
    ("persona", "status"),
    [
        ("admin", 200),
        ("leader", 200),
        ("staff", 200),
        ("town", 200),
        ("enterprise", 302),  # to its own page
        ("university", 403),
        ("outsider", 403),
    ],
)
def test_overview_by_role(county, login, persona, status):
    response = login(getattr(county, persona)).get("/assessment/")
    assert response.status_code == status


def test_overview_counts_within_scope(county, login):
    staff = login(county.staff).get("/assessment/").content.decode()
    town = login(county.town).get("/assessment/").content.decode()
    assert 'data-testid="card-hnte"' in staff
    # The bureau sees all three enterprises; Nanming sees its two.
    assert "范围内 3 家" in staff and "范围内 2 家" in town


def test_candidates_list_and_its_scope(county, login):
    staff = login(county.staff).get("/assessment/results/?list=candidates")
    names = [r.record.enterprise.name for r in staff.context["table"].page.object_list]
    assert names[0] == county.nanming_enterprise.name
    assert county.qixing_enterprise.name in names
    town = login(county.town).get("/assessment/results/?list=candidates")
    names = [r.record.enterprise.name for r in town.context["table"].page.object_list]
    assert names == [county.nanming_enterprise.name]
    assert login(county.outsider).get("/assessment/results/").status_code == 403


def test_result_filters_and_export(county, login):
    client = login(county.staff)
    response = client.get("/assessment/results/?rules=hnte&unmet=c5")
    names = {r.record.enterprise.name for r in response.context["table"].page.object_list}
    assert county.nanming_enterprise.name not in names
    export = client.get("/assessment/results/?list=candidates&export=xlsx")
    assert export.status_code == 200
    sheet = load_workbook(io.BytesIO(export.content)).active
    header = [cell.value for cell in sheet[1]]
    assert "统一社会信用代码" in header and "条件5" in header
    assert sheet.cell(2, header.index("条件5") + 1).value == "符合"
    assert login(county.enterprise).get("/assessment/results/?export=xlsx").status_code == 403


def test_unknown_list_and_rules_are_refused(county, login):
    client = login(county.staff)
    assert client.get("/assessment/results/?list=nope").status_code == 404
    assert client.get("/assessment/results/?rules=nope").status_code == 400


@pytest.mark.parametrize(
    ("persona", "which", "status"),
    [
        ("staff", "qixing_enterprise", 200),
        ("town", "nanming_enterprise", 200),
        ("town", "qixing_enterprise", 404),
        ("enterprise", "own_enterprise", 200),
        ("enterprise", "nanming_enterprise", 404),
        ("outsider", "nanming_enterprise", 403),
    ],
)
def test_enterprise_assessment_in_and_out_of_scope(county, login, persona, which, status):
    enterprise = getattr(county, which)
    response = login(getattr(county, persona)).get(f"/assessment/enterprises/{enterprise.pk}/")
    assert response.status_code == status
    facts = login(getattr(county, persona)).get(f"/assessment/enterprises/{enterprise.pk}/facts/")
    assert facts.status_code == status


def test_enterprise_assessment_shows_every_condition_with_years_and_sources(county, login):
    pk = county.nanming_enterprise.pk
    page = login(county.staff).get(f"/assessment/enterprises/{pk}/?rules=hnte&on=2025-06-01")
    text = page.content.decode()
    assert page.context["result"].criterion("c5").verdict == "met"
    assert "2022—2024年" in text and "2024年认定口径数据" in text
    assert "第十一条" in text
    sme = login(county.staff).get(f"/assessment/enterprises/{pk}/?rules=sme&on=2025-06-01")
    assert sme.context["result"].rules == "sme"
    for bad in ("?on=2025-13-01", "?rules=x", "?on=1990-01-01"):
        assert login(county.staff).get(f"/assessment/enterprises/{pk}/{bad}").status_code == 400


def test_readiness_panel_on_the_enterprise_page(county, login):
    pk = county.nanming_enterprise.pk
    text = login(county.staff).get(f"/registry/enterprises/{pk}/").content.decode()
    assert 'data-testid="readiness-panel"' in text and 'data-testid="readiness-hnte"' in text
    text = login(county.university).get(f"/registry/enterprises/{pk}/")
    assert text.status_code in (403, 404)


def test_staff_records_an_ip_right_in_wan_free_form(county, login):
    client = login(county.staff)
    pk = county.qixing_enterprise.pk
    response = client.post(
        f"/assessment/ip/add/?enterprise={pk}",
        {
            "enterprise": pk,
            "kind": "utility_model",
            "number": "ZL202320000001.5",
            "title": "一种制冷配件的密封结构",
            "granted_on": "2024-01-05",
            "acquisition": "own",
            "source": "ip_office",
        },
    )
    assert response.status_code == 302
    assert response["Location"] == f"/assessment/enterprises/{pk}/facts/"
    assert IntellectualProperty.objects.filter(enterprise_id=pk).count() == 1


def test_ip_form_refuses_impossible_entries(county, login):
    client = login(county.staff)
    pk = county.qixing_enterprise.pk
    response = client.post(
        "/assessment/ip/add/",
        {
            "enterprise": pk,
            "kind": "invention",
            "number": "ZL1",
            "title": "x",
            "granted_on": "2024-01-05",
            "expires_on": "2023-01-01",
            "acquisition": "own",
            "used_in_hnte_year": "2024",
            "source": "enterprise",
        },
    )
    assert response.status_code == 200
    errors = response.context["form"].errors
    assert "保护期届满日不能早于授权日期。" in errors["expires_on"]
    assert "Ⅰ类知识产权可重复使用，无需填写。" in errors["used_in_hnte_year"]


def test_town_cannot_record_facts_for_another_town(county, login):
    response = login(county.town).post(
        "/assessment/ip/add/",
        {
            "enterprise": county.qixing_enterprise.pk,
            "kind": "invention",
            "number": "ZL2",
            "title": "x",
            "granted_on": "2024-01-05",
            "acquisition": "own",
            "source": "bureau",
        },
    )
    assert response.status_code == 200
    assert "enterprise" in response.context["form"].errors


def test_enterprise_user_enters_its_own_figures_in_wan(county, login):
    client = login(county.enterprise)
    pk = county.own_enterprise.pk
    response = client.post(
        "/assessment/figures/add/",
        {
            "enterprise": pk,
            "year": "2024",
            "sales": "3000",
            "total_income": "3100",
            "hightech_income": "2500",
            "rd_expense": "180",
            "rd_domestic": "180",
            "net_assets": "-20",
            "staff_total": "60.5",
            "tech_staff": "9",
            "conversions": "2",
            "source": "enterprise",
        },
    )
    assert response.status_code == 302, response.context["form"].errors
    figures = RecognitionFigures.objects.get(enterprise_id=pk, year=2024)
    assert figures.sales == 30_000_000 and figures.net_assets == -200_000
    bad = client.post(
        "/assessment/figures/add/",
        {
            "enterprise": pk,
            "year": "2023",
            "total_income": "100",
            "hightech_income": "200",
            "staff_total": "5",
            "tech_staff": "6",
            "source": "enterprise",
        },
    )
    errors = bad.context["form"].errors
    assert "高新技术产品（服务）收入不能大于总收入。" in errors["hightech_income"]
    assert "科技人员不能多于职工总数。" in errors["tech_staff"]
    future = client.post(
        "/assessment/figures/add/",
        {"enterprise": pk, "year": str(datetime.date.today().year), "source": "enterprise"},
    )
    assert "year" in future.context["form"].errors
    # Incidents are the bureau's to record.
    assert client.get(f"/assessment/events/add/?enterprise={pk}").status_code == 403


def test_profile_takes_a_domain_code_or_title(county, login):
    client = login(county.staff)
    pk = county.qixing_enterprise.pk
    response = client.post(
        "/assessment/profiles/add/",
        {
            "enterprise": pk,
            "tech_domain": "基础软件",
            "restricted_catalogue": "false",
            "source": "bureau",
        },
    )
    assert response.status_code == 302
    county.qixing_enterprise.recognition_profile.refresh_from_db()
    assert county.qixing_enterprise.recognition_profile.tech_domain == "1.1.1"
    again = client.get(f"/assessment/profiles/add/?enterprise={pk}")
    assert again.status_code == 302 and "/edit/" in again["Location"]
    bad = client.post(
        f"/assessment/profiles/{county.qixing_enterprise.recognition_profile.pk}/edit/",
        {
            "enterprise": pk,
            "tech_domain": "轴承",
            "restricted_catalogue": "unknown",
            "source": "bureau",
        },
    )
    assert "tech_domain" in bad.context["form"].errors


def test_run_is_started_by_bureau_staff_only(county, login):
    response = login(county.staff).post("/assessment/run/", {"code": "sme", "on": "2025-06-01"})
    assert response.status_code == 302
    assert response["Location"] == "/assessment/results/?rules=sme"  # done at once in tests
    assert (
        AssessmentRun.objects.filter(code="sme", is_current=True).get().computed_by == county.staff
    )
    assert (
        login(county.town).post("/assessment/run/", {"code": "sme", "on": "2025-06-01"}).status_code
        == 403
    )
    bad = login(county.staff).post(
        "/assessment/run/", {"code": "sme", "on": "1999-01-01"}, follow=True
    )
    assert "基准日" in bad.content.decode()
