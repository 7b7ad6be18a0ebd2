"""The pages and the API, for every persona in and out of their reach."""

import io
from decimal import Decimal

import pytest
from django.urls import reverse
from openpyxl import Workbook, load_workbook

from kechuang.conftest import NANMING, PERSONAS, SHARED_WORLD
from kechuang.indicators.models import Indicator, IndicatorValue, Target
from kechuang.indicators.tests.factories import HOME, UNITS, official, province

pytestmark = [SHARED_WORLD, pytest.mark.django_db]

READERS = {"admin", "leader", "staff", "town", "other_town"}
WRITERS = {"admin", "staff"}


@pytest.fixture
def figures(world):
    province(2023)
    province(2024)
    official("above_rd_intensity", NANMING, 2024, "2.8", source="企业数据计算")
    Target.objects.create(
        region_id=HOME,
        indicator=Indicator.objects.get(code="rd_gdp"),
        year=2027,
        value=Decimal("5.0"),
    )
    return world


PAGES = [
    "indicators:overview",
    "indicators:towns",
    "indicators:indicatorvalue_list",
    "indicators:target_list",
    "indicators:simulate",
]


@pytest.mark.parametrize("persona", PERSONAS)
@pytest.mark.parametrize("name", PAGES)
def test_pages_by_persona(figures, login, persona, name):
    response = login(getattr(figures, persona)).get(reverse(name))
    assert response.status_code == (200 if persona in READERS else 403)


@pytest.mark.parametrize("persona", PERSONAS)
@pytest.mark.parametrize(
    "name",
    ["indicators:indicatorvalue_add", "indicators:indicatorvalue_import", "indicators:target_add"],
)
def test_entry_pages_by_persona(figures, login, persona, name):
    response = login(getattr(figures, persona)).get(reverse(name))
    assert response.status_code == (200 if persona in WRITERS else 403)


def test_overview_says_where_the_county_stands(figures, login):
    response = login(figures.staff).get(reverse("indicators:overview"))
    html = response.content.decode()
    # The home county is the weakest of the six units listed in the factory.
    assert "第 6 名" in html
    assert 'data-testid="peer-table"' in html
    assert "滨江区" in html  # a default peer
    assert 'data-testid="rank-interval"' in html
    assert 'data-testid="changes"' in html  # 2023 is there to compare with
    assert response.context["year"] == 2024
    explained = response.context["explained"]
    # Arithmetic mean without gaps: the pulls add up to the distance from the average score.
    assert explained["total"] == pytest.approx(explained["home"] - explained["mean"])
    assert explained["shown"] + explained["rest"] == pytest.approx(explained["total"])


def test_overview_takes_chosen_peers_and_ignores_junk(figures, login):
    client = login(figures.staff)
    response = client.get(reverse("indicators:overview"), {"peer": ["330683", "abc", "999999"]})
    assert [region.code for region in response.context["peers"]] == ["330683"]
    assert client.get(reverse("indicators:overview"), {"year": "20x4"}).status_code == 400
    late = client.get(reverse("indicators:overview"), {"year": "2030"})
    assert late.status_code == 200
    assert "不足以计算指数" in late.content.decode()


def test_overview_without_figures_says_what_to_do(world, login):
    html = login(world.staff).get(reverse("indicators:overview")).content.decode()
    assert "尚无可计算指数的年度" in html


def test_a_value_entered_on_the_page_is_stored_with_its_source(figures, login):
    client = login(figures.staff)
    gdp = Indicator.objects.get(code="gdp")
    response = client.post(
        reverse("indicators:indicatorvalue_add"),
        {
            "indicator": gdp.pk,
            "region": HOME,
            "year": 2024,
            "value": "651.56",
            "source": "2024年统计公报",
            "reason": "公报",
        },
    )
    assert response.status_code == 302
    stored = IndicatorValue.objects.get(indicator=gdp, region_id=HOME, year=2024)
    assert stored.value == Decimal("651.560000")
    detail = client.get(response["Location"]).content.decode()
    assert "2024年统计公报" in detail and "公报" in detail


@pytest.mark.parametrize(
    ("changes", "error"),
    [
        ({"year": 2099}, "year"),
        ({"value": "-1"}, "value"),
        ({"source": ""}, "source"),
        ({"region": "330624999"}, "region"),
    ],
)
def test_bad_values_are_refused_with_the_field(figures, login, changes, error):
    data = {
        "indicator": Indicator.objects.get(code="gdp").pk,
        "region": HOME,
        "year": 2024,
        "value": "1",
        "source": "s",
    }
    response = login(figures.staff).post(
        reverse("indicators:indicatorvalue_add"), {**data, **changes}
    )
    assert response.status_code == 200
    assert error in response.context["form"].errors


def test_a_share_above_100_is_refused(figures, login):
    share = Indicator.objects.get(code="hitech_va_share")
    response = login(figures.staff).post(
        reverse("indicators:indicatorvalue_add"),
        {"indicator": share.pk, "region": HOME, "year": 2024, "value": "101", "source": "s"},
    )
    assert "不能超过 100" in str(response.context["form"].errors["value"])


def test_towns_rank_on_the_chosen_column(figures, login):
    official("enterprise_rd", NANMING, 2024, "1.5")
    IndicatorValue.objects.filter(region_id=NANMING).update(origin="computed", is_computed=True)
    client = login(figures.town)
    response = client.get(reverse("indicators:towns"), {"sort": "above_rd_intensity"})
    assert response.status_code == 200
    first = response.context["rows"][0]
    assert first["town"].code == NANMING and first["place"] == 1
    assert client.get(reverse("indicators:towns"), {"year": "x"}).status_code == 400
    assert (
        login(figures.enterprise)
        .get(reverse("indicators:towns"), {"year": "2024", "export": "xlsx"})
        .status_code
        == 403
    )
    export = login(figures.staff).get(
        reverse("indicators:towns"), {"year": "2024", "export": "xlsx"}
    )
    sheet = load_workbook(io.BytesIO(export.content)).active
    assert sheet.cell(1, 2).value == "乡镇街道"


SCENARIO = {
    "year": 2024,
    "target_year": 2027,
    "top_n": 50,
    "top_growth": 15,
    "others_growth": 5,
    "zero_start_share": 20,
    "gdp_growth": 7,
}


def test_simulation_marks_itself_and_moves_the_rank(figures, login):
    client = login(figures.staff)
    params = dict(SCENARIO)
    for code in (
        "rd_gdp",
        "above_rd_intensity",
        "hitech_va_share",
        "new_product_rate",
        "digital_share",
        "fiscal_st_share",
    ):
        params[f"set_{code}"] = "99"
    response = client.get(reverse("indicators:simulate"), params)
    html = response.content.decode()
    assert "模拟结果，非统计数据" in html
    projection = response.context["projection"]
    assert projection.base_rank == 6
    assert projection.rank < projection.base_rank
    bad = client.get(reverse("indicators:simulate"), {**params, "set_rd_gdp": "abc"})
    assert bad.context["projection"] is None
    assert "不是数字" in bad.content.decode()


def test_import_of_a_wide_bulletin_table(figures, login):
    book = Workbook()
    sheet = book.active
    sheet.append(["2024年部分县（市、区）主要指标"])
    sheet.append(["地区", "年度", "地区生产总值（亿元）", "全社会R&D经费支出", "出处"])
    sheet.append(["新昌县", 2024, "651.56", 29.65, "2024年新昌县统计公报"])
    sheet.append(["330108", 2024, 2310.5, "-", "2024年滨江区统计公报"])
    buffer = io.BytesIO()
    book.save(buffer)
    buffer.seek(0)
    buffer.name = "公报.xlsx"
    response = login(figures.staff).post(
        reverse("indicators:indicatorvalue_import"), {"file": buffer}
    )
    assert response.status_code == 302
    assert IndicatorValue.objects.get(
        indicator__code="gdp", region_id=HOME, year=2024
    ).value == Decimal("651.56")
    # The ratio follows its parts: 29.65 / 651.56 × 100
    assert IndicatorValue.objects.get(
        indicator__code="rd_gdp", region_id=HOME, year=2024
    ).value == Decimal("4.550617")


def test_import_with_bad_cells_lists_them_and_writes_nothing(figures, login):
    before = IndicatorValue.objects.count()
    content = "地区,年度,指标,数值,出处\n新昌县,2024,地区生产总值,abc,公报\n火星县,2024,地区生产总值,1,公报\n新昌县,2024,R&D经费支出占GDP比重,4,公报\n新昌县,2024,地区生产总值,5,\n".encode()
    upload = io.BytesIO(content)
    upload.name = "values.csv"
    client = login(figures.staff)
    response = client.post(reverse("indicators:indicatorvalue_import"), {"file": upload})
    assert response.status_code == 200
    issues = [(issue.row, issue.message) for issue in response.context["result"].issues]
    assert (2, "不是数字") in issues
    assert any(row == 3 and "不是本省的县" in message for row, message in issues)
    assert any(row == 4 and "比率类指标" in message for row, message in issues)
    assert any(row == 5 and "出处不能为空" in message for row, message in issues)
    assert IndicatorValue.objects.count() == before
    issues_file = client.get(reverse("indicators:import_issues"))
    assert load_workbook(io.BytesIO(issues_file.content)).active.cell(2, 1).value == 2


def test_stages_download_has_every_stage(figures, login):
    response = login(figures.leader).get(reverse("indicators:stages"), {"year": 2024})
    book = load_workbook(io.BytesIO(response.content))
    assert {
        "原始数据",
        "除分母后",
        "插补后",
        "离群值处理后",
        "标准化后",
        "加总后",
        "排名",
        "离群值处理",
        "框架",
        "方法",
    } <= set(book.sheetnames)
    assert (
        login(figures.leader).get(reverse("indicators:stages"), {"year": 2030}).status_code == 400
    )


def test_the_map_is_served_locally(figures, login):
    response = login(figures.leader).get(reverse("indicators:map"), HTTP_ACCEPT_ENCODING="gzip")
    assert response.status_code == 200
    assert response["Content-Encoding"] == "gzip"
    assert login(figures.enterprise).get(reverse("indicators:map")).status_code == 403


def test_refresh_is_for_the_bureau(figures, login):
    assert (
        login(figures.town).post(reverse("indicators:refresh"), {"year": 2024}).status_code == 403
    )
    response = login(figures.staff).post(reverse("indicators:refresh"), {"year": 2024})
    assert response.status_code == 302


@pytest.mark.parametrize("persona", PERSONAS)
def test_api_ranking_by_persona(figures, login, persona):
    response = login(getattr(figures, persona)).get("/api/indicators/index/")
    assert response.status_code == (200 if persona in READERS else 403)
    if persona in READERS:
        rows = response.json()
        assert [row["region"] for row in rows][-1] == HOME
        assert rows[0]["ranks"]["Index"] == 1
        assert len(rows) == len(UNITS)


def test_api_values_and_targets(figures, login):
    client = login(figures.staff)
    values = client.get("/api/indicators/values/", {"indicator": "rd_gdp", "year": 2024}).json()
    assert values["count"] == len(UNITS)
    assert {row["unit"] for row in values["results"]} == {"%"}
    target = client.get("/api/indicators/targets/").json()["results"][0]
    assert target["indicator"] == "rd_gdp" and target["latest_year"] == 2024
    assert client.get("/api/indicators/index/", {"year": "1999x"}).status_code == 400


def test_chosen_peers_become_the_default(figures, login):
    assert (
        login(figures.leader).post(reverse("indicators:peers"), {"peer": ["330683"]}).status_code
        == 403
    )
    response = login(figures.staff).post(
        reverse("indicators:peers"), {"peer": ["330683", "330624", "x"], "year": "2024"}
    )
    assert response.status_code == 302 and response["Location"].endswith("?year=2024")
    from kechuang.indicators import services

    assert [r.code for r in services.peers()] == ["330683"]  # the home county is not its own peer
    refused = login(figures.staff).post(reverse("indicators:peers"), {"peer": ["x"]}, follow=True)
    assert "请至少选择一个" in refused.content.decode()
    assert [r.code for r in services.peers()] == ["330683"]


def _xlsx(rows, percent_columns=()):
    book = Workbook()
    sheet = book.active
    for row in rows:
        sheet.append(row)
    for column in percent_columns:
        for cell in sheet[column][1:]:
            cell.number_format = "0.0%"
    buffer = io.BytesIO()
    book.save(buffer)
    buffer.seek(0)
    buffer.name = "bulletin.xlsx"
    return buffer


def test_a_cell_shown_as_a_percentage_imports_as_the_percentage_shown(figures, login):
    upload = _xlsx(
        [["地区", "年度", "规上工业企业研发机构设置率", "出处"], ["余杭区", 2024, 0.385, "公报"]],
        percent_columns=["C"],
    )
    response = login(figures.staff).post(
        reverse("indicators:indicatorvalue_import"), {"file": upload}
    )
    assert response.status_code == 302
    stored = IndicatorValue.objects.get(
        indicator__code="rd_institution_share", region_id="330110", year=2024
    )
    assert stored.value == Decimal("38.5")


def test_unit_slips_and_ambiguous_separators_are_refused(figures, login):
    # 余杭's 2023 设置率 is 30 × 1.2 = 36 in the factory; 0.385 is a hundredth of what it should be.
    content = '地区,年度,指标,数值,出处\n余杭区,2024,规上工业企业研发机构设置率,0.385,公报\n新昌县,2024,常住人口,"41,45",公报\n新昌县,2024,地区生产总值,4.2%,公报\n'.encode()
    upload = io.BytesIO(content)
    upload.name = "values.csv"
    response = login(figures.staff).post(
        reverse("indicators:indicatorvalue_import"), {"file": upload}
    )
    issues = {issue.row: issue.message for issue in response.context["result"].issues}
    assert "相差 94 倍" in issues[2] and "疑似单位有误" in issues[2]
    assert issues[3] == "不是数字"
    assert issues[4] == "地区生产总值以“亿元”计，不是百分比"


def test_more_simulated_growth_never_lowers_the_rank(figures, login):
    client = login(figures.staff)
    ranks = []
    for value in ("3", "4", "6", "50", "99"):
        response = client.get(reverse("indicators:simulate"), {**SCENARIO, "set_rd_gdp": value})
        ranks.append(response.context["projection"].rank)
    assert ranks == sorted(ranks, reverse=True)
    top = client.get(reverse("indicators:simulate"), {**SCENARIO, "set_rd_gdp": "99"})
    assert "按端点计分" in top.content.decode()


def test_impossible_settings_are_refused(figures, login):
    client = login(figures.staff)
    over = client.get(
        reverse("indicators:simulate"), {**SCENARIO, "set_rd_institution_share": "150"}
    )
    assert over.context["projection"] is None and "不能超过 100" in over.content.decode()
    far = client.get(reverse("indicators:simulate"), {**SCENARIO, "target_year": 2036})
    assert "target_year" in far.context["form"].errors
    fast = client.get(reverse("indicators:simulate"), {**SCENARIO, "top_growth": 200})
    assert "top_growth" in fast.context["form"].errors


def test_simulated_targets_are_judged_on_the_simulated_value(figures, login):
    response = login(figures.staff).get(
        reverse("indicators:simulate"), {**SCENARIO, "set_rd_gdp": "6"}
    )
    row = response.context["target_rows"][0]
    assert row["simulated"] == 6.0 and row["verdict"] == "模拟到 2027 年可达到"
    response = login(figures.staff).get(
        reverse("indicators:simulate"), {**SCENARIO, "set_rd_gdp": "4.5"}
    )
    assert response.context["target_rows"][0]["verdict"] == "模拟到 2027 年仍差 0.50 个百分点"


def _target_data(**changes):
    rd_gdp = Indicator.objects.get(code="rd_gdp")
    return {
        "region": HOME,
        "indicator": rd_gdp.pk,
        "year": 2027,
        "value": "5.5",
        "note": "目标",
        **changes,
    }


def test_a_second_target_for_the_same_year_points_to_the_first(figures, login):
    response = login(figures.staff).post(reverse("indicators:target_add"), _target_data())
    assert response.context["form"].non_field_errors() == [
        "该地区已有这项指标这一年的目标，请在目标列表中修改它。"
    ]


def test_towns_take_targets_on_computed_indicators_and_growth_may_fall(figures, login):
    client = login(figures.staff)
    refused = client.post(reverse("indicators:target_add"), _target_data(region=NANMING))
    assert "乡镇街道没有" in str(refused.context["form"].errors["indicator"])
    growth = Indicator.objects.get(code="enterprise_rd_growth")
    accepted = client.post(
        reverse("indicators:target_add"),
        _target_data(region=NANMING, indicator=growth.pk, value="-5"),
    )
    assert accepted.status_code == 302
    assert Target.objects.get(region_id=NANMING).value == Decimal("-5")


def test_readers_see_no_edit_links_on_targets(figures, login):
    assert (
        ">修改</a>"
        not in login(figures.leader).get(reverse("indicators:target_list")).content.decode()
    )
    assert (
        ">修改</a>" in login(figures.staff).get(reverse("indicators:target_list")).content.decode()
    )
    edit = login(figures.staff).get(
        reverse("indicators:target_edit", args=[Target.objects.get().pk])
    )
    assert 'value="5"' in edit.content.decode()


def test_changing_a_value_starts_from_the_stored_one_and_says_what_it_came_from(figures, login):
    client = login(figures.staff)
    page = client.get(
        reverse("indicators:indicatorvalue_add"), {"indicator": "gdp", "region": HOME, "year": 2024}
    )
    assert page.context["form"].initial["value"] == Decimal("500")
    derived = IndicatorValue.objects.get(indicator__code="rd_gdp", region_id=HOME, year=2024)
    html = client.get(
        reverse("indicators:indicatorvalue_detail", args=[derived.pk])
    ).content.decode()
    assert "分子出处：统计公报" in html and "numerator" not in html


def test_the_landing_page_leads_with_the_index(figures, login):
    html = login(figures.leader).get("/").content.decode()
    assert 'data-testid="index-headline"' in html
    assert "全省第 6 名" in html and "R&amp;D经费支出占GDP比重 3.00%" in html
    assert "目标：2027年 5%" in html
    assert (
        'data-testid="index-headline"'
        not in login(figures.university).get("/", follow=True).content.decode()
    )


def test_the_value_in_use_is_marked_where_two_exist(figures, login):
    IndicatorValue.objects.create(
        indicator=Indicator.objects.get(code="above_rd_intensity"),
        region_id=HOME,
        year=2024,
        value=Decimal("2.4"),
        origin="computed",
        source="企业数据计算",
    )
    rows = (
        login(figures.staff)
        .get(
            "/api/indicators/values/",
            {"indicator": "above_rd_intensity", "region": HOME, "year": 2024},
        )
        .json()["results"]
    )
    assert {(row["is_computed"], row["in_use"]) for row in rows} == {(False, True), (True, False)}
    nanming = (
        login(figures.staff)
        .get("/api/indicators/values/", {"indicator": "above_rd_intensity", "region": NANMING})
        .json()["results"]
    )
    assert [row["in_use"] for row in nanming] == [True]


def test_statistics_office_spellings_of_years_and_units_are_read(figures, login):
    content = "地区,年度,指标,数值,出处\n新昌县,2024年,地区生产总值,651.56亿元,公报\n".encode()
    upload = io.BytesIO(content)
    upload.name = "values.csv"
    response = login(figures.staff).post(
        reverse("indicators:indicatorvalue_import"), {"file": upload}
    )
    assert response.status_code == 302
    assert IndicatorValue.objects.get(
        indicator__code="gdp", region_id=HOME, year=2024
    ).value == Decimal("651.56")
