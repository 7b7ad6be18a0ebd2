"""Results, demands and experts come in from Excel as the template lays them out: every row
checked first, each problem named by row, column and reason, nothing written unless all is
well; a row may publish what it imports."""

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from openpyxl import Workbook, load_workbook

from kechuang.techmarket import choices
from kechuang.techmarket.importers import (
    ExpertProfileImportSpec,
    TechDemandImportSpec,
    TechResultImportSpec,
)
from kechuang.techmarket.models import ExpertProfile, ResultPatent, TechDemand, TechResult

pytestmark = pytest.mark.django_db


def xlsx(header, rows) -> bytes:
    workbook = Workbook()
    sheet = workbook.active
    for line in [header, *rows]:
        sheet.append(list(line))
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


RESULT_HEADER = [
    "成果名称",
    "成果简介",
    "技术领域",
    "适用行业",
    "关键词",
    "技术成熟度",
    "成果所有机构",
    "转化方式",
    "参考价格（万元）",
    "价格面议",
    "发布",
]


def result_row(world, **changes):
    values = {
        "title": "轴承套圈磨削烧伤在线检测",
        "abstract": "巴克豪森噪声在线检测磨削烧伤，检出率 99%。",
        "field": "8.5",
        "industry": "C3451",
        "keywords": "磨削烧伤、无损检测",
        "readiness": "TRL6",
        "owner": world.own_institution.name,
        "modes": "转让、许可",
        "price": "50",
        "negotiable": "否",
        "publish": "是",
    }
    values.update(changes)
    return list(values.values())


def messages_of(result) -> list[str]:
    return [f"{e.row}|{e.column}|{e.message}" for e in result.errors]


def test_results_import_and_publish(world, login):
    content = xlsx(
        RESULT_HEADER,
        [
            result_row(world),
            result_row(
                world,
                title="冷媒泄漏检测",
                field="先进制造与自动化／新型机械",
                readiness="5",
                publish="",
                price="",
                negotiable="是",
            ),
        ],
    )
    response = login(world.university).post(
        reverse("techmarket:techresult_import"), {"file": SimpleUploadedFile("成果.xlsx", content)}
    )
    result = response.context["result"]
    assert result.ok, messages_of(result)
    assert result.created == 2
    first = TechResult.objects.get(title="轴承套圈磨削烧伤在线检测")
    assert first.status == choices.ResultStatus.PUBLISHED and first.published_on
    assert (first.transfer, first.license, first.equity, first.joint) == (True, True, False, False)
    assert first.price == 500000 and first.readiness == 6 and first.industry_id == "3451"
    assert first.keywords == "磨削烧伤、无损检测"
    second = TechResult.objects.get(title="冷媒泄漏检测")
    assert second.status == choices.ResultStatus.DRAFT and second.field == "8.5"
    assert second.price is None and second.price_negotiable


@pytest.mark.parametrize(
    ("changes", "column", "reason"),
    [
        ({"readiness": "10"}, "技术成熟度", "1 至 9"),
        ({"readiness": "0"}, "技术成熟度", "1 至 9"),
        ({"field": "9.9"}, "技术领域", "二级领域"),
        ({"modes": "赠送"}, "转化方式", "无效的转化方式"),
        ({"owner": "不存在的研究院"}, "成果所有机构", "没有名为"),
        ({"price": "-1"}, "参考价格（万元）", "负"),
        ({"price": "", "negotiable": "否"}, "参考价格（万元）", "价格面议"),
        ({"title": ""}, "成果名称", ""),
    ],
)
def test_a_bad_result_row_is_named_and_nothing_is_written(world, changes, column, reason):
    content = xlsx(
        RESULT_HEADER, [result_row(world, title="好的一行"), result_row(world, **changes)]
    )
    result = TechResultImportSpec(world.staff).run(
        "成果.xlsx", content, update_existing=False, dry_run=False
    )
    assert not result.ok
    assert any(f"3|{column}|" in m and reason in m for m in messages_of(result)), messages_of(
        result
    )
    assert not TechResult.objects.exists()


DEMAND_HEADER = [
    "需求名称",
    "需求企业",
    "问题描述",
    "预算（万元）",
    "期望完成日期",
    "公开范围",
    "发布",
]


def test_demands_import_for_the_enterprise_and_refuse_others(world):
    rows = [
        [
            "套圈烧伤检测",
            world.own_enterprise.name,
            "套圈磨后有烧伤，想找在线检测办法。",
            "30",
            "2030-06-30",
            "仅科技局可见",
            "是",
        ],
        ["冷媒阀门泄漏", world.qixing_enterprise.uscc, "阀门泄漏率高。", "", "", "", ""],
    ]
    result = TechDemandImportSpec(world.enterprise).run(
        "需求.xlsx", xlsx(DEMAND_HEADER, rows), update_existing=False, dry_run=False
    )
    assert not result.ok
    assert any("3|" in m for m in messages_of(result)), messages_of(result)  # not its enterprise
    assert not TechDemand.objects.exists()
    result = TechDemandImportSpec(world.enterprise).run(
        "需求.xlsx", xlsx(DEMAND_HEADER, rows[:1]), update_existing=False, dry_run=False
    )
    assert result.ok, messages_of(result)
    demand = TechDemand.objects.get()
    assert demand.visibility == choices.Visibility.BUREAU
    assert demand.status == choices.DemandStatus.OPEN and demand.budget == 300000


def test_a_past_deadline_is_refused(world):
    rows = [["旧需求", world.own_enterprise.name, "问题。", "", "2020-01-01", "", ""]]
    result = TechDemandImportSpec(world.staff).run(
        "需求.xlsx", xlsx(DEMAND_HEADER, rows), update_existing=False, dry_run=False
    )
    assert any("期望完成日期" in m and "不能早于今天" in m for m in messages_of(result))


def test_experts_import_by_name_and_affiliation(world):
    header = ["姓名", "技术领域", "专长关键词", "代表性成果与论著"]
    rows = [
        [
            f"{world.own_person.name}（{world.own_institution.name}）",
            "8.5",
            "轴承、磨削",
            "论文若干",
        ]
    ]
    result = ExpertProfileImportSpec(world.staff).run(
        "专家.xlsx", xlsx(header, rows), update_existing=False, dry_run=False
    )
    assert result.ok, messages_of(result)
    profile = ExpertProfile.objects.get()
    assert profile.person == world.own_person and profile.keywords == "轴承、磨削"
    unknown = ExpertProfileImportSpec(world.staff).run(
        "专家.xlsx",
        xlsx(header, [["查无此人", "8.5", "轴承", ""]]),
        update_existing=False,
        dry_run=False,
    )
    assert not unknown.ok and "2|姓名|" in messages_of(unknown)[0]


def test_templates_carry_the_chinese_headers(world, login):
    client = login(world.staff)
    for name, first in (
        ("techmarket:techresult_import", "成果名称"),
        ("techmarket:techdemand_import", "需求名称"),
        ("techmarket:expertprofile_import", "姓名"),
    ):
        response = client.get(reverse(name) + "?template=1")
        sheet = load_workbook(io.BytesIO(response.content)).worksheets[0]
        assert str(sheet.cell(1, 1).value).lstrip("*") == first
    assert not ResultPatent.objects.exists()


def test_chains_read_by_name_or_as_the_pages_show_them(world):
    from kechuang.registry.tests.factories import IndustryChainFactory

    parent = IndustryChainFactory(name="高端智能装备")
    textile = IndustryChainFactory(name="纺机", parent=parent)
    bearings = IndustryChainFactory(name="轴承", parent=parent)
    header = [*RESULT_HEADER, "适用产业链"]
    rows = [result_row(world) + [f"{textile}；轴承"]]
    result = TechResultImportSpec(world.staff).run(
        "成果.xlsx", xlsx(header, rows), update_existing=False, dry_run=False
    )
    assert result.ok, messages_of(result)
    assert set(TechResult.objects.get().chains.all()) == {textile, bearings}


def test_one_pass_names_every_problem_of_a_row(world):
    header = [*RESULT_HEADER, "适用产业链"]
    rows = [result_row(world, title="", price="-1") + ["没有这条链"]]
    result = TechResultImportSpec(world.staff).run(
        "成果.xlsx", xlsx(header, rows), update_existing=False, dry_run=False
    )
    columns = [e.column for e in result.errors]
    assert {"适用产业链", "参考价格（万元）", "成果名称"} <= set(columns), messages_of(result)
    assert len(columns) == len(set(columns))  # each said once
    assert not TechResult.objects.exists()


def test_expert_problems_name_the_person_not_an_id(world):
    header = ["姓名", "技术领域", "专长关键词", "代表性成果与论著"]
    name = f"{world.own_person.name}（{world.own_institution.name}）"
    rows = [[name, "8.5", "轴承", ""], [name, "8.5", "磨削", ""]]
    result = ExpertProfileImportSpec(world.staff).run(
        "专家.xlsx", xlsx(header, rows), update_existing=False, dry_run=False
    )
    assert [(e.row, e.value, e.message) for e in result.errors] == [(3, name, "与第2行重复。")]
