"""The keyword box: ranked results and pinyin order, on the page, in the API and in exports.

Names here share the prefixes half the county's names open with (浙江, 新昌县, a town), which
is what made initials matched anywhere useless: "xhc" is in 新昌县 itself."""

import pytest
from django.urls import reverse

from kechuang.conftest import NANMING, QIXING, SHARED_WORLD
from kechuang.registry.filtersets import EnterpriseFilterSet, PersonFilterSet
from kechuang.registry.models import Enterprise, EnterpriseFormerName, Person
from kechuang.registry.tests.factories import EnterpriseFactory, PersonFactory

pytestmark = SHARED_WORLD

NAMES = [
    "新昌县新禾成机械有限公司",  # initials after 新昌县: xhc
    "浙江新和成股份有限公司",  # initials after 浙江: xhc
    "新昌县七星街道小黄车服务部",  # after 新昌县 and 七星街道: xhc
    "浙江新昌县和成电子有限公司",  # xhc only across the county prefix: zjxc[xhc]dz
    "新昌县兴华机械厂",  # no xhc anywhere
    "杭州新禾成贸易有限公司",  # another city's prefix is not this county's: kept
]


@pytest.fixture
def named(world):
    made = {name: EnterpriseFactory(name=name, town_id=QIXING) for name in NAMES}
    Enterprise.objects.exclude(name__in=NAMES).update(status="cancelled")
    return made


def found(query: str, **extra) -> list[str]:
    data = {"q": query, "status": "active", **extra}
    filterset = EnterpriseFilterSet(data, queryset=Enterprise.objects.all())
    assert filterset.is_valid(), filterset.errors
    return list(filterset.qs.values_list("name", flat=True))


def test_initials_rank_names_that_begin_with_them_after_their_place_first(named):
    assert found("xhc") == [
        # 2: initials begin with xhc once 新昌县 / 七星街道 / 浙江 is left out; pinyin order.
        "新昌县七星街道小黄车服务部",
        "新昌县新禾成机械有限公司",
        "浙江新和成股份有限公司",
        # 4: xhc inside the name after its place (杭州 is not this county's place).
        "杭州新禾成贸易有限公司",
        # Not 浙江新昌县和成电子: its xhc runs across the county's 县 into the name.
    ]


def test_full_width_letters_and_spaced_pinyin_are_read_as_typed_plainly(named):
    assert found("ｘｈｃ") == found("xhc")
    assert found("xin he cheng") == found("xinhecheng")
    target = named["新昌县兴华机械厂"]
    full_width = target.uscc.translate({i: i + 0xFEE0 for i in range(0x21, 0x7F)})
    assert found(full_width) == ["新昌县兴华机械厂"]


def test_several_words_find_names_holding_each(named):
    assert found("新昌 机械") == ["新昌县新禾成机械有限公司", "新昌县兴华机械厂"]
    assert found("浙江 电子") == ["浙江新昌县和成电子有限公司"]
    assert found("杭州 电子") == []


def test_initials_with_the_prefix_typed_rank_as_a_prefix(named):
    assert found("zjxh") == ["浙江新和成股份有限公司"]
    assert found("xcxx")[:2] == ["新昌县新禾成机械有限公司", "新昌县兴华机械厂"]


def test_exact_name_then_name_prefix_then_contains(named):
    assert found("新昌县新禾成机械有限公司") == ["新昌县新禾成机械有限公司"]
    assert found("新昌县") == [
        "新昌县七星街道小黄车服务部",
        "新昌县新禾成机械有限公司",
        "新昌县兴华机械厂",
        "浙江新昌县和成电子有限公司",  # contains 新昌县, does not begin with it
    ]
    ranked = found("新禾成")
    assert ranked == ["杭州新禾成贸易有限公司", "新昌县新禾成机械有限公司"]


def test_full_pinyin_ranks_after_initials(named):
    EnterpriseFactory(name="新昌县鑫华诚包装有限公司", town_id=NANMING)  # xin hua cheng
    assert found("xinhecheng") == [
        # 3: the pinyin of the name after its place begins so
        "新昌县新禾成机械有限公司",
        "浙江新和成股份有限公司",
        # 5: holds it after its place (杭州 is not this county's)
        "杭州新禾成贸易有限公司",
    ]
    assert found("xhc")[:3] == [
        "新昌县七星街道小黄车服务部",
        "新昌县新禾成机械有限公司",
        "新昌县鑫华诚包装有限公司",
    ]


def test_initials_of_the_place_rank_after_the_names_they_begin(named):
    EnterpriseFactory(name="浙江信晨物流有限公司", town_id=QIXING)
    # xc is also 新昌县's initials: the names whose own words are xc come first.
    assert found("xc")[0] == "浙江信晨物流有限公司"
    assert set(found("xc")[1:]) == {n for n in NAMES if n.startswith("新昌县")}


def test_a_legal_form_is_no_match(named):
    assert found("xian") == []  # the 县 of 新昌县, the 限 of 有限公司
    assert found("gongsi") == []


def test_names_are_read_as_names_read(world):
    from kechuang.engines.text import spell

    assert spell("新昌县晟力冷链有限公司").pinyin.startswith("xinchangxianshengli")
    assert spell("天姥实验室").pinyin == "tianmushiyanshi"


def test_credit_code_typed_whole_comes_first(named):
    target = named["新昌县兴华机械厂"]
    assert found(target.uscc) == ["新昌县兴华机械厂"]
    assert found(target.uscc.lower())[0] == "新昌县兴华机械厂"


def test_former_names_are_found_and_ranked_with_the_rest(named):
    renamed = named["新昌县兴华机械厂"]
    EnterpriseFormerName.objects.create(enterprise=renamed, name="新昌县小虹城五金厂")
    assert found("小虹城") == ["新昌县兴华机械厂"]


def test_people_are_ranked_by_their_names_pinyin(world):
    for name in ("张新华", "谢华成", "许海超", "李小红"):
        PersonFactory(name=name)
    filterset = PersonFilterSet({"q": "xhc"}, queryset=Person.objects.all())
    assert list(filterset.qs.values_list("name", flat=True)) == ["谢华成", "许海超"]


def test_names_are_listed_in_pinyin_order_not_by_character_code(world, login):
    for name in ("艾科精密有限公司", "阿里轴承有限公司", "安防科技有限公司", "长城机械有限公司"):
        EnterpriseFactory(name=name, town_id=NANMING)
    client = login(world.staff)
    page = client.get(reverse("registry:enterprise_list"), {"q": "有限公司", "sort": "name"})
    shown = [row.record.name for row in page.context["table"].page.object_list]
    expected = sorted(shown, key=lambda n: Enterprise.objects.get(name=n).name_sort)
    assert shown == expected
    assert shown.index("阿里轴承有限公司") < shown.index("艾科精密有限公司")
    assert shown.index("艾科精密有限公司") < shown.index("安防科技有限公司")
    assert shown.index("安防科技有限公司") < shown.index("长城机械有限公司")


def test_the_page_the_api_and_the_export_rank_alike(named, world, login):
    client = login(world.staff)
    expected = found("xhc")
    page = client.get(reverse("registry:enterprise_list"), {"q": "xhc", "status": "active"})
    assert [row.record.name for row in page.context["table"].page.object_list] == expected
    api = client.get("/api/registry/enterprises/", {"q": "xhc", "status": "active"})
    assert [row["name"] for row in api.json()["results"]] == expected
    # A column the user sorts by wins over the ranking.
    page = client.get(
        reverse("registry:enterprise_list"), {"q": "xhc", "status": "active", "sort": "-name"}
    )
    shown = [row.record.name for row in page.context["table"].page.object_list]
    assert shown == sorted(expected, key=lambda n: Enterprise.objects.get(name=n).name_sort)[::-1]


def test_a_filter_the_user_has_no_choices_for_is_not_shown(world, login):
    own = login(world.enterprise).get(reverse("registry:enterprise_list"))
    assert own.status_code == 200
    assert 'id="id_town"' in own.content.decode()
    assert own.context["filter"].form["town"].is_hidden
    staff = login(world.staff).get(reverse("registry:enterprise_list"))
    assert not staff.context["filter"].form["town"].is_hidden


def test_chains_sort_by_pinyin_and_are_found_by_initials(world, login):
    from kechuang.registry.tests.factories import IndustryChainFactory

    for name in ("制冷配件", "兽药", "低空经济", "化学药"):
        IndustryChainFactory(name=name)
    client = login(world.staff)
    page = client.get(reverse("registry:industrychain_list"), {"sort": "name"})
    names = [row.record.name for row in page.context["table"].page.object_list]
    mine = [n for n in names if n in ("制冷配件", "兽药", "低空经济", "化学药")]
    assert mine == ["低空经济", "化学药", "兽药", "制冷配件"]
    found = client.get("/api/registry/chains/", {"q": "dkjj"}).json()["results"]
    assert [row["name"] for row in found] == ["低空经济"]


def test_a_cluster_counts_and_lists_the_enterprises_of_its_chains(world, login):
    from kechuang.registry.models import ChainLink
    from kechuang.registry.tests.factories import IndustryChainFactory

    cluster = IndustryChainFactory(name="高端装备集群", kind="cluster")
    bearings = IndustryChainFactory(name="轴承链", kind="chain", parent=cluster)
    segment = IndustryChainFactory(name="精密轴承", kind="segment", parent=bearings)
    ChainLink.objects.create(
        enterprise=world.nanming_enterprise, chain=bearings, position="midstream"
    )
    ChainLink.objects.create(
        enterprise=world.nanming_enterprise, chain=segment, position="midstream"
    )
    ChainLink.objects.create(enterprise=world.qixing_enterprise, chain=segment, position="upstream")
    client = login(world.staff)
    page = client.get(reverse("registry:industrychain_list"), {"q": "高端装备"})
    assert [row.record.enterprise_count for row in page.context["table"].page.object_list] == [2]
    detail = client.get(cluster.get_absolute_url())
    assert detail.context["link_count"] == 2
    assert "精密轴承" in detail.content.decode()
    town = login(world.town).get(reverse("registry:industrychain_list"), {"q": "高端装备"})
    assert [row.record.enterprise_count for row in town.context["table"].page.object_list] == [1]


def test_the_api_lists_in_the_pages_order_by_default(world, login):
    for name in ("艾科精密有限公司", "阿里轴承有限公司", "安防科技有限公司"):
        EnterpriseFactory(name=name, town_id=NANMING)
    client = login(world.staff)
    api = [row["name"] for row in client.get("/api/registry/enterprises/").json()["results"]]
    page = client.get(reverse("registry:enterprise_list"))
    assert api == [row.record.name for row in page.context["table"].page.object_list]


def test_an_enterprise_user_cannot_move_its_own_industry(world, login):
    client = login(world.enterprise)
    enterprise = world.own_enterprise
    form = client.get(reverse("registry:enterprise_edit", args=[enterprise.pk])).context["form"]
    assert form.fields["industry"].disabled
    response = client.patch(
        f"/api/registry/enterprises/{enterprise.pk}/",
        {"industry": "2710"},
        content_type="application/json",
    )
    assert response.status_code == 400
    assert response.json()["industry"] == ["您无权修改此字段。"]


def test_short_values_stay_on_one_line_and_free_text_wraps(world, login):
    page = login(world.staff).get(reverse("registry:enterprise_list")).content.decode()
    body = page.split("<tbody", 1)[1]
    assert 'class="nowrap"' in body  # dates, amounts, codes, towns
    first_row = body.split("</tr>", 1)[0]
    assert first_row.count('class="nowrap"') >= 5
    assert "<td >" in first_row or "<td>" in first_row  # the name wraps


def test_a_search_finding_nothing_says_so(world, login):
    page = login(world.staff).get(reverse("registry:enterprise_list"), {"q": "不存在的企业名"})
    assert "没有符合条件的记录。" in page.content.decode()
