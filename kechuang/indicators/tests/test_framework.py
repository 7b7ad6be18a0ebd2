"""The framework as the bureau revises it: weights typed in or a whole table uploaded, each
revision a new version that the index then follows; and the catalog pages."""

import io

import pytest
from django.urls import reverse

from kechuang.conftest import PERSONAS, SHARED_WORLD
from kechuang.indicators import frameworks, services
from kechuang.indicators.models import IndexFramework
from kechuang.indicators.tests.factories import HOME, province

pytestmark = [SHARED_WORLD, pytest.mark.django_db]

READERS = {"admin", "leader", "staff", "town", "other_town"}


def form_data(**changes):
    framework = services.engine_framework(services.current_framework())
    data = {f"weight_{e.code}": e.weight for e in framework.elements if e.parent}
    data.update(impute="none", normalise="minmax", aggregate="arithmetic", note="提高科技投入权重")
    data.update(changes)
    return data


@pytest.mark.parametrize("persona", PERSONAS)
@pytest.mark.parametrize(
    "name", ["indicators:catalog", "indicators:framework", "indicators:framework_csv"]
)
def test_catalog_pages_by_persona(world, login, persona, name):
    response = login(getattr(world, persona)).get(reverse(name))
    assert response.status_code == (200 if persona in READERS else 403)


def test_indicator_page_shows_definition_and_series(world, login):
    province(2024)
    html = (
        login(world.leader)
        .get(reverse("indicators:indicator_detail", args=["rd_gdp"]))
        .content.decode()
    )
    assert "全社会R&amp;D经费支出 ÷ 地区生产总值" in html
    assert (
        login(world.leader).get(reverse("indicators:indicator_detail", args=["nope"])).status_code
        == 404
    )


def test_weights_typed_in_make_a_new_version_the_index_follows(world, login):
    province(2024)
    before = services.current_framework()
    response = login(world.staff).post(reverse("indicators:framework"), form_data(weight_input=5))
    assert response.status_code == 302
    after = services.current_framework()
    assert after.pk != before.pk and after.note == "提高科技投入权重"
    shares = services.engine_framework(after).effective_weights()
    assert shares["input"] == pytest.approx(5 / 9)  # 5 of 5 + 1 + 1 + 1 + 1
    assert IndexFramework.objects.filter(pk=before.pk).exists()  # the old version stays
    assert after.history.latest().history_user == world.staff


def test_an_uploaded_table_is_checked_against_the_catalog(world, login):
    table = "iCode,Level,Parent,Direction,Weight\nrd_gdp,1,P,1,1\nno_such,1,P,1,1\nP,2,,1,1\n"
    upload = io.BytesIO(table.encode())
    upload.name = "framework.csv"
    response = login(world.staff).post(
        reverse("indicators:framework"), {**form_data(), "file": upload}
    )
    assert response.status_code == 200
    errors = " ".join(response.context["form"].non_field_errors())
    assert "第 3 行" in errors and "no_such" in errors
    assert IndexFramework.objects.count() == 1


def test_a_negative_weight_is_refused(world, login):
    response = login(world.staff).post(reverse("indicators:framework"), form_data(weight_rd_gdp=-1))
    assert "weight_rd_gdp" in response.context["form"].errors


def test_leader_may_read_but_not_revise(world, login):
    assert login(world.leader).post(reverse("indicators:framework"), form_data()).status_code == 403


def test_sensitivity_names_the_home_rank_without_each_element(world):
    province(2024)
    result = frameworks.sensitivity(services.current_framework(), 2024)
    assert result["nominal"] == 6
    indicators = result["levels"][0]["rows"]
    assert {row["code"] for row in indicators} >= {"rd_gdp", "hnte_total"}
    assert all(row["home_rank"] is not None for row in indicators)


def test_the_framework_downloads_as_a_table_the_command_reads(world, login, tmp_path):
    from django.core.management import call_command

    province(2024)
    content = (
        login(world.staff).get(reverse("indicators:framework_csv")).content.decode("utf-8-sig")
    )
    assert content.splitlines()[0] == "iCode,iName,Level,Parent,Direction,Weight,Denominator"
    (tmp_path / "framework.csv").write_text(content, encoding="utf-8")
    raw = services.raw_table(
        2024, services.engine_framework(services.current_framework()), [HOME, "330108", "330110"]
    )
    raw.index.name = "uCode"
    raw.reset_index().to_csv(tmp_path / "data.csv", index=False)
    out = io.StringIO()
    call_command(
        "index",
        "build",
        str(tmp_path / "data.csv"),
        str(tmp_path / "framework.csv"),
        stdout=out,
        stderr=io.StringIO(),
    )
    assert out.getvalue().splitlines()[0].startswith("uCode,Index,Index_rank")


def test_all_pillar_weights_at_zero_is_refused_naming_the_index(world, login):
    zero = {
        f"weight_{code}": 0
        for code in ("input", "innovation", "output", "upgrading", "environment")
    }
    response = login(world.staff).post(reverse("indicators:framework"), form_data(**zero))
    assert response.context["form"].non_field_errors() == ["“创新指数”：下级元素的权重全为 0"]
    assert IndexFramework.objects.count() == 1


def test_an_earlier_version_can_be_read_and_restored(world, login):
    client = login(world.staff)
    first = services.current_framework()
    client.post(reverse("indicators:framework"), form_data(weight_input=5))
    old = client.get(reverse("indicators:framework"), {"version": first.version})
    assert 'data-testid="old-version"' in old.content.decode()
    assert old.context["row"] == first and not old.context["can_change"]
    response = client.post(reverse("indicators:framework"), {"restore": first.pk})
    assert response.status_code == 302
    restored = services.current_framework()
    assert restored.elements == first.elements and restored.note == f"恢复为 {first.version} 版"
    assert IndexFramework.objects.count() == 3
    assert (
        login(world.leader).post(reverse("indicators:framework"), {"restore": first.pk}).status_code
        == 403
    )


def _indicator_data(**changes):
    data = {
        "code": "college_per_10k",
        "name": "每万人大专以上学历人数",
        "unit": "人",
        "direction": 1,
        "kind": "bulletin",
        "scale": 1,
        "definition": "大专以上学历人口 ÷ 常住人口（万人）",
        "source_hint": "人口普查",
        "period": "year",
        "decimals": 0,
        "position": 40,
        "is_active": "on",
    }
    data.update(changes)
    return data


def test_the_bureau_adds_a_bulletin_indicator_and_a_ratio_that_derives_itself(world, login):
    from kechuang.indicators.models import Indicator, IndicatorValue

    province(2024)
    client = login(world.staff)
    assert client.post(reverse("indicators:indicator_add"), _indicator_data()).status_code == 302
    gdp, rd_total = Indicator.objects.get(code="gdp"), Indicator.objects.get(code="rd_total")
    ratio = _indicator_data(
        code="rd_per_gdp_permille",
        name="R&D经费支出占GDP千分比",
        unit="‰",
        kind="ratio",
        numerator=rd_total.pk,
        denominator=gdp.pk,
        scale=1000,
        decimals=2,
    )
    assert client.post(reverse("indicators:indicator_add"), ratio).status_code == 302
    # 15 / 500 × 1000 = 30‰ for the home county (the factory's base figures)
    value = IndicatorValue.objects.get(
        indicator__code="rd_per_gdp_permille", region_id=HOME, year=2024
    )
    assert value.value == 30
    assert (
        Indicator.objects.get(code="college_per_10k").history.latest().history_user == world.staff
    )


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"code": "Bad Code"}, "code"),
        ({"kind": "ratio"}, "numerator"),
        ({"kind": "computed"}, "kind"),
        ({"code": "gdp"}, "code"),
    ],
)
def test_catalog_entries_are_checked(world, login, changes, field):
    response = login(world.staff).post(
        reverse("indicators:indicator_add"), _indicator_data(**changes)
    )
    assert field in response.context["form"].errors


def test_the_code_of_an_indicator_stays(world, login):
    from kechuang.indicators.models import Indicator

    client = login(world.staff)
    page = client.post(
        reverse("indicators:indicator_edit", args=["gdp"]),
        _indicator_data(code="renamed", name="地区生产总值（GDP）", unit="亿元", decimals=2),
    )
    assert page.status_code == 302
    gdp = Indicator.objects.get(code="gdp")
    assert gdp.name == "地区生产总值（GDP）" and gdp.kind == "bulletin"
    assert login(world.leader).get(reverse("indicators:indicator_add")).status_code == 403


def test_a_new_indicator_can_join_a_pillar(world, login):
    province(2024)
    before = services.current_framework()
    response = login(world.staff).post(
        reverse("indicators:indicator_add"),
        _indicator_data(
            code="college_share",
            name="大专以上学历人口占比",
            unit="%",
            decimals=2,
            period="year",
            pillar="environment",
            weight="2",
        ),
    )
    assert response.status_code == 302
    after = services.current_framework()
    assert after.pk != before.pk and after.note == "加入指标“大专以上学历人口占比”"
    element = services.engine_framework(after).by_code["college_share"]
    assert element.parent == "environment" and element.weight == 2
