"""Policies, the 免申即享 list, innovation points, the enterprise's own page, its flags and
its report, for each role in and out of scope."""

import datetime
import io
import zipfile
from decimal import Decimal

import pytest
from docx import Document

from kechuang.assessment import support
from kechuang.assessment.models import FigureFlag, Policy, PolicyOutcome
from kechuang.assessment.tests.factories import financial, rd_record, ready_enterprise
from kechuang.core.models import Job
from kechuang.registry.tests.factories import QualificationFactory, ScaleRecordFactory

pytestmark = pytest.mark.django_db


def increase_policy(**changes) -> Policy:
    values = {
        "code": "rd-increase",
        "title": "规上企业研发投入增量补助",
        "basis": "县政府若干政策意见 第二条",
        "kind": "rd_increase",
        "rd_caliber": "statistical",
        "rate": Decimal("0.10"),
        "cap": Decimal(500_000),
        "conditions": [{"fact": "is_above_scale", "op": "==", "value": True}],
        "no_application": True,
        "effective_from": datetime.date(2024, 1, 1),
    }
    return Policy.objects.create(**{**values, **changes})


@pytest.fixture
def county(world):
    """Nanming's enterprise grew its R&D by 100 万元 in 2024 and is 规上; Qixing's grew by
    6,000 万元 (capped); the user's own enterprise has no 2023 figure."""
    for enterprise, before, now in (
        (world.nanming_enterprise, 300, 400),
        (world.qixing_enterprise, 1000, 7000),
    ):
        rd_record(enterprise, 2023, rd_expense=before)
        rd_record(enterprise, 2024, rd_expense=now, rd_staff=30, valid_inventions=4)
        financial(enterprise, 2023, revenue=9000, employees=200)
        financial(enterprise, 2024, revenue=10000, employees=200)
        ScaleRecordFactory(enterprise=enterprise, year=2024)
    rd_record(world.own_enterprise, 2024, rd_expense=50)
    ScaleRecordFactory(enterprise=world.own_enterprise, year=2024)
    return world


def test_a_calculation_pays_each_by_the_formula_and_says_why(county):
    run = support.calculate_policy(increase_policy(), 2024, user=county.staff)
    outcomes = {o.enterprise_id: o for o in PolicyOutcome.objects.filter(run=run)}
    nanming = outcomes[county.nanming_enterprise.pk]
    assert nanming.verdict == "eligible" and nanming.amount == Decimal("100000.00")
    assert "比上年增加 100 万元" in nanming.explanation
    qixing = outcomes[county.qixing_enterprise.pk]
    assert qixing.amount == Decimal("500000.00") and "封顶" in qixing.explanation
    assert outcomes[county.own_enterprise.pk].verdict == "needs_info"
    assert run.summary["eligible"] == 2 and Decimal(run.summary["total"]) == Decimal(600000)
    again = support.calculate_policy(increase_policy(code="x", title="另一项"), 2024)
    assert again.is_current and run.policy.runs.get().is_current


def test_a_stopped_policy_or_a_future_year_is_refused(county):
    with pytest.raises(support.CalculationRefused, match="停用"):
        support.calculate_policy(increase_policy(is_active=False), 2024)
    with pytest.raises(support.CalculationRefused, match="年度"):
        support.calculate_policy(increase_policy(code="y"), 2999)


def test_the_exempt_list_is_scoped_and_exports_with_the_basis(county, login):
    support.calculate_policy(increase_policy(), 2024)
    support.calculate_policy(
        increase_policy(code="apply", title="需申报的政策", no_application=False), 2024
    )
    staff = login(county.staff).get("/assessment/outcomes/?exempt=1")
    rows = list(staff.context["table"].page.object_list)
    assert {r.record.run.policy.code for r in rows} == {"rd-increase"}
    assert len(rows) == 2
    assert "60.00 万元" in staff.content.decode()
    town = login(county.town).get("/assessment/outcomes/?exempt=1")
    assert [r.record.enterprise_id for r in town.context["table"].page.object_list] == [
        county.nanming_enterprise.pk
    ]
    export = login(county.staff).get("/assessment/outcomes/?exempt=1&export=xlsx")
    from openpyxl import load_workbook

    sheet = load_workbook(io.BytesIO(export.content)).active
    header = [cell.value for cell in sheet[1]]
    assert "政策依据" in header and "金额（万元）" in header and "统一社会信用代码" in header
    amounts = sorted(
        row[header.index("金额（万元）")] for row in sheet.iter_rows(min_row=2, values_only=True)
    )
    assert amounts == [10, 50]
    assert (
        login(county.enterprise).get("/assessment/outcomes/?exempt=1&export=xlsx").status_code
        == 403
    )


def test_staff_writes_a_policy_with_conditions_and_calculates_it(county, login):
    client = login(county.staff)
    data = {
        "title": "首次认定高新技术企业奖励",
        "code": "hnte-first",
        "basis": "若干政策意见 第五条",
        "kind": "fixed",
        "rd_caliber": "deduction",
        "amount": "20",
        "no_application": "on",
        "effective_from": "2024-01-01",
        "is_active": "on",
        "conditions-TOTAL_FORMS": "2",
        "conditions-INITIAL_FORMS": "0",
        "conditions-0-fact": "first_hnte_year",
        "conditions-0-op": "==",
        "conditions-0-value": "政策年度",
        "conditions-1-fact": "",
        "conditions-1-op": ">=",
        "conditions-1-value": "",
    }
    response = client.post("/assessment/policies/add/", data)
    assert response.status_code == 302, response.context["form"].errors
    policy = Policy.objects.get(code="hnte-first")
    assert policy.amount == Decimal(200_000)
    assert policy.conditions == [{"fact": "first_hnte_year", "op": "==", "value": "year"}]
    QualificationFactory(enterprise=county.nanming_enterprise, issued_on=datetime.date(2024, 12, 1))
    response = client.post(f"/assessment/policies/{policy.pk}/calculate/", {"year": "2024"})
    assert response.status_code == 302
    eligible = PolicyOutcome.objects.filter(verdict="eligible")
    assert list(eligible.values_list("enterprise_id", flat=True)) == [county.nanming_enterprise.pk]
    page = client.get(f"/assessment/policies/{policy.pk}/").content.decode()
    assert "首次认定高企年度等于2025年" not in page and "首次认定高企年度等于" in page
    bad = client.post(
        f"/assessment/policies/{policy.pk}/edit/",
        {
            **data,
            "kind": "rd_share",
            "rate": "",
            "conditions-0-value": "明年",
        },
    )
    assert bad.status_code == 200
    assert "按比例补助须填写 0 至 1 之间的比例（如 0.10）。" in bad.context["form"].errors["rate"]
    assert "value" in bad.context["rows"].forms[0].errors
    assert login(county.town).get("/assessment/policies/add/").status_code == 403
    assert (
        login(county.town)
        .post(f"/assessment/policies/{policy.pk}/calculate/", {"year": "2024"})
        .status_code
        == 403
    )


def test_points_rank_the_county_and_explain_each_score(county, login):
    run = support.calculate_points(2024, user=county.staff)
    results = list(run.results.order_by("rank"))
    assert [r.rank for r in results] == sorted(r.rank for r in results)
    nanming = run.results.get(enterprise=county.nanming_enterprise)
    items = {item["key"]: item for item in nanming.items}
    assert items["rd_intensity"]["value"] == "0.04"  # 400 / 10,000
    assert "4.00%" in items["rd_intensity"]["explanation"]
    assert items["tech_contract_turnover"]["points"] == "0"
    page = login(county.town).get("/assessment/points/")
    assert {r.record.enterprise_id for r in page.context["table"].page.object_list} == {
        county.nanming_enterprise.pk,
        county.own_enterprise.pk,  # also in Nanming
    }
    assert (
        login(county.town).post("/assessment/points/calculate/", {"year": "2024"}).status_code
        == 403
    )
    assert (
        login(county.staff).post("/assessment/points/calculate/", {"year": "2999"}).status_code
        == 302
    )


@pytest.mark.parametrize(
    ("persona", "which", "status"),
    [
        ("enterprise", "own_enterprise", 200),
        ("enterprise", "nanming_enterprise", 404),
        ("town", "nanming_enterprise", 200),
        ("town", "qixing_enterprise", 404),
        ("leader", "qixing_enterprise", 200),
        ("university", "own_enterprise", 403),
    ],
)
def test_the_enterprise_page_in_and_out_of_scope(county, login, persona, which, status):
    pk = getattr(county, which).pk
    assert (
        login(getattr(county, persona)).get(f"/assessment/enterprises/{pk}/overview/").status_code
        == status
    )


def test_an_enterprise_user_lands_on_its_own_page(county, login):
    response = login(county.enterprise).get("/assessment/me/")
    assert response["Location"] == f"/assessment/enterprises/{county.own_enterprise.pk}/overview/"
    assert login(county.staff).get("/assessment/me/")["Location"] == "/assessment/"


def test_the_page_compares_with_the_industry_only_among_five_or_more(county, login):
    from kechuang.registry.tests.factories import EnterpriseFactory

    for i in range(4):
        peer = EnterpriseFactory(
            town_id="330624004", industry_id=county.nanming_enterprise.industry_id
        )
        rd_record(peer, 2024, rd_expense=100 + i * 100)
        financial(peer, 2024, revenue=5000)
    page = login(county.staff).get(
        f"/assessment/enterprises/{county.nanming_enterprise.pk}/overview/"
    )
    rows = {row["year"]: row for row in page.context["profile"].rows}
    assert rows[2024]["peers"] == 7 and rows[2024]["quartiles"] is not None
    assert rows[2023]["quartiles"] is None  # two enterprises reported 2023
    assert "同行业不足 5 家" in page.content.decode()


def test_confirmations_and_flags_reach_the_officers(county, login):
    client = login(county.enterprise)
    pk = county.own_enterprise.pk
    refused = client.post(
        f"/assessment/enterprises/{pk}/flags/", {"year": "2024", "figure": "rd_staff"}, follow=True
    )
    assert "提出异议请说明" in refused.content.decode()
    from kechuang.assessment.tests.factories import RecognitionFiguresFactory

    figures = RecognitionFiguresFactory(enterprise=county.own_enterprise, year=2024)
    client.post(f"/assessment/enterprises/{pk}/flags/", {"year": "2024", "is_confirmation": "on"})
    figures.refresh_from_db()
    assert figures.confirmed_at is not None
    client.post(
        f"/assessment/enterprises/{pk}/flags/",
        {
            "year": "2024",
            "figure": "rd_expense",
            "note": "应为 80 万元，漏报委托研发 30 万元",
        },
    )
    flags = FigureFlag.objects.filter(enterprise_id=pk).order_by("pk")
    assert [(f.is_confirmation, f.status) for f in flags] == [(True, "confirmed"), (False, "open")]
    again = client.post(
        f"/assessment/enterprises/{pk}/flags/",
        {"year": "2024", "is_confirmation": "on"},
        follow=True,
    )
    assert "未处理的数据异议" in again.content.decode()
    assert FigureFlag.objects.filter(enterprise_id=pk).count() == 2
    assert (
        client.post(
            f"/assessment/enterprises/{county.nanming_enterprise.pk}/flags/",
            {"year": "2024", "is_confirmation": "on"},
        ).status_code
        == 404
    )
    work = login(county.town).get("/assessment/flags/?status=open")
    assert [r.record.pk for r in work.context["table"].page.object_list] == [flags[1].pk]
    assert login(county.other_town).get("/assessment/flags/").context["table"].paginator.count == 0
    handled = login(county.town).post(
        f"/assessment/flags/{flags[1].pk}/handle/",
        {"status": "fixed", "handling_note": "已通知统计局更正，重新导入后生效"},
    )
    assert handled.status_code == 302
    flags[1].refresh_from_db()
    assert flags[1].status == "fixed" and flags[1].handled_by == county.town
    again = login(county.staff).post(
        f"/assessment/flags/{flags[1].pk}/handle/", {"status": "kept", "handling_note": "x"}
    )
    assert "已处理" in again.content.decode()
    assert (
        login(county.enterprise).get(f"/assessment/flags/{flags[1].pk}/handle/").status_code == 403
    )


def test_reports_in_pdf_and_word_say_what_the_page_says(county, login):
    ready_enterprise(county.own_enterprise, on_year=datetime.date.today().year)
    client = login(county.enterprise)
    pk = county.own_enterprise.pk
    pdf = client.get(f"/assessment/enterprises/{pk}/report.pdf")
    assert pdf.status_code == 200 and pdf["Content-Type"] == "application/pdf"
    assert pdf.content.startswith(b"%PDF") and len(pdf.content) > 10_000
    assert "attachment" in pdf["Content-Disposition"]
    word = client.get(f"/assessment/enterprises/{pk}/report.docx")
    document = Document(io.BytesIO(word.content))
    text = "\n".join(p.text for p in document.paragraphs)
    assert county.own_enterprise.name in text and "认定准备情况" in text
    assert "{{" not in text and "{%" not in text
    assert document.inline_shapes  # the charts
    assert (
        client.get(f"/assessment/enterprises/{county.nanming_enterprise.pk}/report.pdf").status_code
        == 404
    )
    assert client.get(f"/assessment/enterprises/{pk}/report.exe").status_code == 404


def test_a_town_s_reports_in_one_job(county, login):
    client = login(county.staff)
    response = client.post("/assessment/reports/", {"town": "330624002", "format": "docx"})
    job = Job.objects.get(kind="assessment.reports")
    assert response.status_code == 302 and job.status == "succeeded", job.error
    download = client.get(f"/assessment/reports/{job.pk}/download/")
    archive = zipfile.ZipFile(io.BytesIO(b"".join(download.streaming_content)))
    names = sorted(archive.namelist())
    assert len(names) == 2 and all(name.endswith(".docx") for name in names)
    assert login(county.leader).get(f"/assessment/reports/{job.pk}/download/").status_code == 404
    refused = client.post("/assessment/reports/", {"town": "330683001", "format": "pdf"})
    assert refused.status_code == 302 and Job.objects.filter(kind="assessment.reports").count() == 1
    town = login(county.town)
    assert town.get("/assessment/reports/").status_code == 200
    town.post("/assessment/reports/", {"town": "330624003", "format": "pdf"})  # 七星: not theirs
    assert Job.objects.filter(kind="assessment.reports").count() == 1
    assert login(county.university).get("/assessment/reports/").status_code == 403


def test_staff_revises_the_points_scheme_and_the_next_calculation_uses_it(county, login):
    client = login(county.staff)
    page = client.get("/assessment/points/scheme/")
    form = page.context["form"]
    data = {name: form[name].value() for name in form.fields}
    data["note"] = "提高研发投入强度权重"
    data["w_growth_rd_intensity"] = "25"  # 20 → 25: the stage now adds up to 105
    refused = client.post("/assessment/points/scheme/", data)
    assert "成长期的权重合计为 105，应为 100" in refused.content.decode()
    data["w_growth_rd_growth"] = "5"  # 10 → 5
    saved = client.post("/assessment/points/scheme/", data)
    assert saved.status_code == 302
    run = support.calculate_points(2024)
    assert run.scheme.version.startswith(datetime.date.today().strftime("%Y%m%d"))
    assert run.scheme.scheme["weights"]["growth"]["rd_intensity"] == "25"
    assert login(county.town).post("/assessment/points/scheme/", data).status_code == 403
    assert login(county.town).get("/assessment/points/scheme/").status_code == 200


def test_a_policy_is_calculated_only_for_ended_years_in_effect_and_can_be_withdrawn(county, login):
    policy = increase_policy(effective_from=datetime.date(2024, 1, 1))
    with pytest.raises(support.CalculationRefused, match="2024年至"):
        support.calculate_policy(policy, 2020)
    this_year = datetime.date.today().year
    with pytest.raises(support.CalculationRefused):
        support.calculate_policy(policy, this_year)
    later = increase_policy(code="later", effective_from=datetime.date(this_year, 1, 1))
    with pytest.raises(support.CalculationRefused, match="尚无已结束的政策年度"):
        support.calculate_policy(later, this_year - 1)
    run = support.calculate_policy(policy, 2024)
    client = login(county.staff)
    assert client.get("/assessment/outcomes/?exempt=1").context["table"].paginator.count == 2
    refused = client.post(
        f"/assessment/policies/runs/{run.pk}/withdraw/", {"reason": ""}, follow=True
    )
    assert "须说明原因" in refused.content.decode()
    client.post(f"/assessment/policies/runs/{run.pk}/withdraw/", {"reason": "政策年度选错"})
    run.refresh_from_db()
    assert not run.is_current and run.summary["withdrawn_reason"] == "政策年度选错"
    assert client.get("/assessment/outcomes/?exempt=1").context["table"].paginator.count == 0
    assert (
        login(county.town)
        .post(f"/assessment/policies/runs/{run.pk}/withdraw/", {"reason": "x"})
        .status_code
        == 403
    )


def test_points_are_kept_per_year_and_only_for_ended_years(county, login):
    with pytest.raises(support.CalculationRefused, match="已结束的年度"):
        support.calculate_points(datetime.date.today().year)
    support.calculate_points(2024)
    support.calculate_points(2023)
    client = login(county.staff)
    assert client.get("/assessment/points/").context["run"].year == 2024
    assert client.get("/assessment/points/?year=2023").context["run"].year == 2023
    assert client.get("/assessment/points/?year=20x3").status_code == 400
    assert (
        client.get("/api/assessment/points/", {"year": 2023}).json()["results"][0]["year"] == 2023
    )


def test_condition_rows_refuse_what_cannot_be_checked(county, login):
    data = {
        "title": "测试政策",
        "code": "t",
        "basis": "文件",
        "kind": "fixed",
        "rd_caliber": "deduction",
        "amount": "1",
        "effective_from": "2024-01-01",
        "is_active": "on",
        "conditions-TOTAL_FORMS": "4",
        "conditions-INITIAL_FORMS": "0",
        "conditions-0-fact": "town",
        "conditions-0-op": "in",
        "conditions-0-value": "330624002,999999999",
        "conditions-1-fact": "rd_intensity",
        "conditions-1-op": ">=",
        "conditions-1-value": "300%",
        "conditions-2-fact": "",
        "conditions-2-op": ">=",
        "conditions-2-value": "5",
        "conditions-3-fact": "revenue",
        "conditions-3-op": ">=",
        "conditions-3-value": "NaN",
    }
    response = login(county.staff).post("/assessment/policies/add/", data)
    rows = response.context["rows"].forms
    assert "没有这个乡镇街道代码：999999999。" in rows[0].errors["value"]
    assert "研发投入强度应在 0 至 100% 之间。" in rows[1].errors["value"]
    assert "请选择数据项，或清空这一行的值。" in rows[2].errors["fact"]
    assert "“NaN”不是数字。" in rows[3].errors["value"]
    assert not Policy.objects.filter(code="t").exists()


def test_an_empty_year_of_figures_and_a_repeated_year_are_refused(county, login):
    client = login(county.staff)
    pk = county.qixing_enterprise.pk
    empty = client.post(
        "/assessment/figures/add/", {"enterprise": pk, "year": "2023", "source": "bureau"}
    )
    assert "请至少填写一项数据。" in empty.content.decode()
    client.post(
        "/assessment/figures/add/",
        {"enterprise": pk, "year": "2023", "sales": "10", "source": "bureau"},
    )
    again = client.post(
        "/assessment/figures/add/",
        {"enterprise": pk, "year": "2023", "sales": "11", "source": "bureau"},
    )
    assert "该企业这一年度的认定口径数据已填报，请修改原记录。" in again.content.decode()


def test_a_run_date_without_rules_in_force_is_refused_before_any_job(county, login):
    response = login(county.staff).post(
        "/assessment/run/", {"code": "hnte", "on": "2010-01-01"}, follow=True
    )
    assert "没有生效的高新技术企业认定规则" in response.content.decode()
    assert not Job.objects.filter(kind="assessment.run").exists()
