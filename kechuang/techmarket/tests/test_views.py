"""Every page of the market for every persona: who may open it, and what the forms offer."""

import datetime

import pytest
from django.urls import reverse

from kechuang.techmarket import choices
from kechuang.techmarket.models import MatchmakingEvent, TechResult
from kechuang.techmarket.tests.factories import (
    ExpertProfileFactory,
    MatchFactory,
    TechDemandFactory,
    TechResultFactory,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def rows(world):
    result = TechResultFactory(institution=world.own_institution)
    demand = TechDemandFactory(enterprise=world.own_enterprise)
    expert = ExpertProfileFactory(person=world.own_person)
    match = MatchFactory(demand=demand, result=result)
    event = MatchmakingEvent.objects.create(
        title="对接会", held_on=datetime.date(2025, 5, 1), region_id="330624", status="held"
    )
    return {"result": result, "demand": demand, "expert": expert, "match": match, "event": event}


PAGES = {
    # url name -> personas answered 200 (the others 403 or 404)
    "techmarket:overview": {"admin", "staff", "leader", "town", "enterprise", "university"},
    "techmarket:techresult_list": {"admin", "staff", "leader", "town", "enterprise", "university"},
    "techmarket:techresult_add": {"admin", "staff", "university"},
    "techmarket:techdemand_list": {"admin", "staff", "leader", "town", "enterprise", "university"},
    "techmarket:techdemand_add": {"admin", "staff", "town", "enterprise"},
    "techmarket:expertprofile_list": {
        "admin",
        "staff",
        "leader",
        "town",
        "enterprise",
        "university",
    },
    "techmarket:match_list": {"admin", "staff", "leader", "town", "enterprise", "university"},
    "techmarket:matchmakingevent_list": {"admin", "staff", "leader", "town"},
    "techmarket:matchmakingevent_add": {"admin", "staff"},
}
DETAILS = {
    "techmarket:techresult_detail": (
        "result",
        {"admin", "staff", "leader", "town", "enterprise", "university"},
    ),
    "techmarket:techresult_edit": ("result", {"admin", "staff", "university"}),
    "techmarket:techdemand_detail": (
        "demand",
        {"admin", "staff", "leader", "town", "enterprise", "university"},
    ),
    "techmarket:techdemand_edit": ("demand", {"admin", "staff", "town", "enterprise"}),
    "techmarket:expertprofile_detail": (
        "expert",
        {"admin", "staff", "leader", "town", "enterprise", "university"},
    ),
    "techmarket:match_detail": (
        "match",
        {"admin", "staff", "leader", "town", "enterprise", "university"},
    ),
    "techmarket:matchmakingevent_detail": ("event", {"admin", "staff", "leader", "town"}),
}


@pytest.mark.parametrize(("name", "allowed"), PAGES.items())
def test_pages_by_persona(world, rows, login, name, allowed):
    for persona, user in world.personas().items():
        status = login(user).get(reverse(name)).status_code
        assert (status == 200) == (persona in allowed), (persona, status)


@pytest.mark.parametrize(("name", "spec"), DETAILS.items())
def test_detail_pages_by_persona(world, rows, login, name, spec):
    key, allowed = spec
    url = reverse(name, args=[rows[key].pk])
    for persona, user in world.personas().items():
        status = login(user).get(url).status_code
        assert (status == 200) == (persona in allowed), (persona, status)
        assert status in (200, 403, 404)


def test_a_university_posts_for_its_own_institute_only(world, login):
    client = login(world.university)
    form = client.get(reverse("techmarket:techresult_add")).context["form"]
    assert "enterprise" not in form.fields
    assert list(form.fields["institution"].queryset) == [world.own_institution]
    data = {
        "title": "新型轴承保持架材料",
        "abstract": "玻纤增强聚醚醚酮保持架，耐温 250 ℃。",
        "field": "4.3",
        "readiness": "5",
        "institution": world.other_institution.pk,  # not theirs
        "modes": ["license"],
        "price_negotiable": "on",
    }
    response = client.post(reverse("techmarket:techresult_add"), data)
    assert response.status_code == 200
    assert "institution" in response.context["form"].errors
    data["institution"] = world.own_institution.pk
    response = client.post(reverse("techmarket:techresult_add"), data)
    assert response.status_code == 302
    result = TechResult.objects.get(title="新型轴承保持架材料")
    assert result.status == choices.ResultStatus.DRAFT and result.license and not result.transfer
    assert result.created_by == world.university


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        ({"modes": []}, "modes", "必填"),
        ({"price_negotiable": ""}, "price", "价格面议"),
        ({"readiness": "10"}, "readiness", "选择一个有效的选项"),
        ({"price": "-1"}, "price", "不能为负数"),
        ({"contact_phone": "电话"}, "contact_phone", "联系电话"),
    ],
)
def test_result_form_refusals(world, login, changes, field, message):
    data = {
        "title": "测试成果",
        "abstract": "简介",
        "field": "8.5",
        "readiness": "5",
        "institution": world.own_institution.pk,
        "modes": ["license"],
        "price_negotiable": "on",
        **changes,
    }
    response = login(world.staff).post(reverse("techmarket:techresult_add"), data)
    assert response.status_code == 200
    assert message in " ".join(response.context["form"].errors[field])
    assert not TechResult.objects.exists()


def test_enterprise_posts_a_demand_for_itself(world, login):
    client = login(world.enterprise)
    form = client.get(reverse("techmarket:techdemand_add")).context["form"]
    assert form.initial["enterprise"] == world.own_enterprise.pk
    response = client.post(
        reverse("techmarket:techdemand_add"),
        {
            "enterprise": world.qixing_enterprise.pk,  # another enterprise
            "title": "需求",
            "problem": "问题",
            "visibility": "public",
        },
    )
    assert response.status_code == 200
    assert "enterprise" in response.context["form"].errors


def patent_form(world, result, **data):
    from kechuang.techmarket.forms import ResultPatentForm

    values = {"result": result.pk, "kind": "invention", "status": "filed"} | data
    return ResultPatentForm(values, user=world.staff)


def test_one_patent_is_one_number_however_it_is_typed(world):
    result = TechResultFactory(institution=world.own_institution)
    first = patent_form(
        world, result, number="ZL201710601862.3", status="granted", granted_on="2019-05-10"
    )
    assert first.is_valid(), first.errors
    patent = first.save()
    assert patent.number == "201710601862.3"
    assert str(patent) == "发明专利 ZL201710601862.3"
    again = patent_form(world, result, number="CN 2017 1 0601862.3")
    assert not again.is_valid()
    assert again.non_field_errors() == ["该成果已登记这一号码。"]


def test_a_grant_date_ahead_is_refused_once_and_for_what_it_is(world):
    result = TechResultFactory(institution=world.own_institution)
    ahead = (datetime.date.today() + datetime.timedelta(days=30)).isoformat()
    form = patent_form(world, result, number="201710601862.3", status="granted", granted_on=ahead)
    assert not form.is_valid()
    assert len(form.errors["granted_on"]) == 1 and "不能晚于今天" in form.errors["granted_on"][0]


def test_amounts_read_in_wan_yuan_as_they_are_typed(world, login):
    from decimal import Decimal

    result = TechResultFactory(institution=world.own_institution, price=Decimal("1500000"))
    demand = TechDemandFactory(enterprise=world.own_enterprise, budget=Decimal("800000"))
    client = login(world.staff)
    for obj, shown in ((result, "150"), (demand, "80")):
        page = client.get(obj.get_absolute_url()).content.decode()
        assert f"{shown}.00 万元" in page or f"{shown} 万元" in page
        assert "000.00 元" not in page


def test_exports_carry_the_texts_the_page_leaves_out(world, login):
    import io

    from openpyxl import load_workbook

    from kechuang.techmarket.models import ResultPatent

    result = TechResultFactory(institution=world.own_institution, inventors="王教授、李工")
    ResultPatent.objects.create(
        result=result, kind="invention", number="201710601862.3", status="granted"
    )
    TechDemandFactory(enterprise=world.own_enterprise, constraints="不改动现有磨床")
    client = login(world.staff)
    page = client.get(reverse("techmarket:techresult_list")).content.decode()
    assert result.abstract[:10] not in page and 'value="abstract"' not in page
    client.get(reverse("techmarket:techresult_list") + "?columns=title")  # a narrow choice
    for name, wanted in (
        ("techmarket:techresult_list", ["成果简介", "知识产权", "完成人"]),
        ("techmarket:techdemand_list", ["问题描述", "期望目标", "约束条件"]),
    ):
        content = client.get(reverse(name) + "?export=xlsx").content
        sheet = load_workbook(io.BytesIO(content)).worksheets[0]
        rows = list(sheet.iter_rows(values_only=True))
        header = [h for h in rows[0] if h]
        assert set(wanted) <= set(header), header
    results = list(
        load_workbook(
            io.BytesIO(client.get(reverse("techmarket:techresult_list") + "?export=xlsx").content)
        )
        .worksheets[0]
        .iter_rows(values_only=True)
    )
    patents = results[0].index("知识产权")
    assert "发明专利 ZL201710601862.3（已授权）" in [r[patents] for r in results[1:]]
