"""Excel import of enterprises and institutions: the contract of core.importing, end to end.

Row numbers in errors are the row numbers the user sees in Excel (1-based, counting the title
rows above the header). Nothing is written unless every row is valid.

Long because the import contract is tested whole, header finding to the all-or-nothing
write, for both registry specs.
"""

import datetime
import io
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from openpyxl import Workbook, load_workbook

from kechuang.conftest import NANMING, QIXING, SHARED_WORLD
from kechuang.core.importing import Issue
from kechuang.core.models import OperationLog
from kechuang.engines import uscc
from kechuang.registry.importers import EnterpriseImportSpec, InstitutionImportSpec
from kechuang.registry.models import Enterprise, Institution
from kechuang.registry.tests.factories import EnterpriseFactory

pytestmark = [SHARED_WORLD, pytest.mark.django_db]

PILOT_CODE = "91350100M0001TGQXM"
HEADER = [
    "统一社会信用代码",
    "企业名称",
    "所在乡镇街道",
    "行业代码",
    "成立日期",
    "注册资本（万元）",
    "从业人员",
    "企业规模",
]
TITLE_ROWS = [
    ["新昌县科技型企业名录（2025年）"],
    ["填报单位：新昌县科学技术局", None, None, None, "填报日期：2025年3月1日"],
]
UNITS_ROW = [None, None, None, None, None, "万元", "人", None]


def code(n: int, region: str = "330624") -> str:
    return uscc.make("91", region, f"KC{n:06d}")


def row(n: int, name: str | None = None, town: str = "南明街道", **overrides) -> list:
    values = {
        "uscc": code(n),
        "name": f"新昌县导入测试{n}号机械有限公司" if name is None else name,
        "town": town,
        "industry": "C3451",
        "founded": datetime.date(2015, 6, 18),
        "capital": 500,
        "employees": 120,
        "size": "小型",
    }
    values.update(overrides)
    return list(values.values())


def xlsx(rows, *, header=HEADER, above=(), below=()) -> bytes:
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = "企业"
    for line in [*above, header, *below, *rows]:
        sheet.append(list(line))
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def csv_bytes(rows, *, header=HEADER, encoding="utf-8") -> bytes:
    lines = [",".join("" if v is None else str(v) for v in line) for line in [header, *rows]]
    return ("\r\n".join(lines) + "\r\n").encode(encoding)


def run(user, content: bytes, filename="企业.xlsx", *, update_existing=False, dry_run=False):
    return EnterpriseImportSpec(user).run(
        filename, content, update_existing=update_existing, dry_run=dry_run
    )


def post(client, content: bytes, filename="企业.xlsx", url_name="registry:import", **options):
    data = {"file": SimpleUploadedFile(filename, content)}
    data.update({key: "1" for key, on in options.items() if on})
    response = client.post(reverse(url_name), data)
    assert response.status_code == 200
    return response, response.context["result"]


def messages_of(result) -> list[str]:
    return [e.message for e in result.errors]


# -- a good file ---------------------------------------------------------------------------


def test_good_xlsx_below_title_rows_with_units_line_is_imported_through_the_page(world, login):
    before = Enterprise.objects.count()
    content = xlsx(
        [
            row(1, "浙江新和成导入药业有限公司", capital=1234.5, employees=480, size="中型"),
            row(2, "新昌县七星导入轴承有限公司", town=QIXING, founded="2019/3/1"),
        ],
        above=TITLE_ROWS,
        below=[UNITS_ROW],
    )
    response, result = post(login(world.staff), content)

    assert result.ok, result.errors
    assert (result.total, result.created, result.updated, result.unchanged) == (2, 2, 0, 0)
    assert Enterprise.objects.count() == before + 2
    page = response.content.decode()
    assert "导入完成" in page and "新增 2" in page

    first = Enterprise.objects.get(uscc=code(1))
    assert first.name == "浙江新和成导入药业有限公司"
    assert first.name_initials == "zjxhcdryyyxgs"
    assert first.town_id == NANMING
    assert first.industry_id == "3451"
    assert first.founded_on == datetime.date(2015, 6, 18)
    assert first.registered_capital == Decimal("12345000")
    assert first.employees == 480
    assert first.size_class == "medium"
    assert first.status == "active"
    assert first.uscc_state == "valid"
    assert first.created_by == world.staff

    second = Enterprise.objects.get(uscc=code(2))
    assert second.town_id == QIXING
    assert second.founded_on == datetime.date(2019, 3, 1)


@pytest.mark.parametrize(
    "units",
    [
        UNITS_ROW,
        ["单位：", "—", "—", "—", "年月日", "（万元）", "(人)", ""],
        ["甲", "乙", "丙", "丁", "", "万元", "人", ""],
    ],
)
def test_units_line_under_the_header_is_not_a_data_row(world, units):
    result = run(world.staff, xlsx([row(1)], below=[units]))
    assert result.ok, result.errors
    assert result.total == 1
    assert result.created == 1


def test_a_units_line_between_data_rows_is_an_error(world):
    result = run(world.staff, xlsx([row(1), UNITS_ROW, row(2)]))
    assert {(e.row, e.column) for e in result.errors} >= {(3, "注册资本（万元）"), (3, "从业人员")}
    assert not Enterprise.objects.filter(uscc__in=[code(1), code(2)]).exists()


def test_good_file_imported_by_the_spec_directly(world):
    result = run(world.staff, xlsx([row(1), row(2)], above=TITLE_ROWS))
    assert result.ok, result.errors
    assert (result.total, result.created) == (2, 2)
    assert Enterprise.objects.filter(uscc__in=[code(1), code(2)]).count() == 2


def test_header_synonyms_spacing_and_unknown_columns(world):
    header = [
        "序号",
        "社会信用代码",
        "单位详细名称",
        "乡镇",
        "国民经济行业代码",
        "成立时间",
        "备注",
    ]
    rows = [[1, code(1), "新昌县同义列名有限公司", NANMING, "3451", "2020年3月1日", "无"]]
    result = run(world.staff, xlsx(rows, header=header))
    assert result.ok, result.errors
    assert result.ignored_headers == ["序号", "备注"]
    enterprise = Enterprise.objects.get(uscc=code(1))
    assert enterprise.town_id == NANMING
    assert enterprise.founded_on == datetime.date(2020, 3, 1)


def test_dates_in_every_accepted_form(world):
    rows = [
        row(1, founded="2020-03-01"),
        row(2, founded="2020/3/1"),
        row(3, founded="2020.3.1"),
        row(4, founded="2020年3月1日"),
        row(5, founded="20200301"),
        row(6, founded=datetime.datetime(2020, 3, 1, 0, 0)),
    ]
    result = run(world.staff, xlsx(rows))
    assert result.ok, result.errors
    founded = set(
        Enterprise.objects.filter(uscc__in=[code(n) for n in range(1, 7)]).values_list(
            "founded_on", flat=True
        )
    )
    assert founded == {datetime.date(2020, 3, 1)}


def test_dry_run_validates_and_writes_nothing(world, login):
    before = Enterprise.objects.count()
    response, result = post(login(world.staff), xlsx([row(1), row(2)]), dry_run=True)
    assert result.ok and result.dry_run
    assert result.total == 2 and result.created == 0
    assert Enterprise.objects.count() == before
    assert "校验通过" in response.content.decode()
    assert not OperationLog.objects.filter(action=OperationLog.Action.IMPORT).exists()


def test_users_without_the_import_permission_are_refused(world, login):
    client = login(world.enterprise)
    assert client.get(reverse("registry:import")).status_code == 403
    response = client.post(
        reverse("registry:import"), {"file": SimpleUploadedFile("企业.xlsx", xlsx([row(1)]))}
    )
    assert response.status_code == 403
    assert not Enterprise.objects.filter(uscc=code(1)).exists()


# -- the template -------------------------------------------------------------------------


def test_template_has_chinese_headers_required_marked_and_instructions(world, login):
    response = login(world.staff).get(reverse("registry:import"), {"template": 1})
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    assert "attachment" in response["Content-Disposition"]
    workbook = load_workbook(io.BytesIO(response.content))
    assert workbook.sheetnames == ["企业", "填写说明"]

    headers = [c.value for c in workbook["企业"][1]]
    assert headers[:5] == [
        "*统一社会信用代码",
        "*企业名称",
        "*所在乡镇街道",
        "*行业代码",
        "*成立日期",
    ]
    assert "注册资本（万元）" in headers and "*注册资本（万元）" not in headers
    assert "早期试点代码" in headers
    assert all(
        h.startswith("*") == c.required
        for h, c in zip(headers, EnterpriseImportSpec.columns, strict=True)
    )
    assert workbook["企业"].max_row == 1

    notes = list(workbook["填写说明"].iter_rows(values_only=True))
    assert notes[0] == ("列名", "是否必填", "说明")
    by_header = {r[0]: r for r in notes[1:]}
    assert by_header["统一社会信用代码"][1] == "必填"
    assert by_header["联系电话"][1] == "选填"
    assert "南明街道" in by_header["所在乡镇街道"][2]
    assert OperationLog.objects.filter(action=OperationLog.Action.TEMPLATE).count() == 1


def test_blank_optional_cells_of_the_template_take_the_defaults(world, login):
    """Only the required columns filled, as the template's notes allow (经营状态: 不填为存续)."""
    client = login(world.staff)
    workbook = load_workbook(
        io.BytesIO(client.get(reverse("registry:import"), {"template": 1}).content)
    )
    sheet = workbook["企业"]
    headers = [str(c.value).lstrip("*") for c in sheet[1]]
    required = {
        "统一社会信用代码": code(1),
        "企业名称": "新昌县只填必填项有限公司",
        "所在乡镇街道": "南明街道",
        "行业代码": "C3451",
        "成立日期": "2019-09-09",
    }
    sheet.append([required.get(h, "") for h in headers])
    buffer = io.BytesIO()
    workbook.save(buffer)
    _, result = post(client, buffer.getvalue(), filename="企业导入模板.xlsx")
    assert result.ok, result.errors
    enterprise = Enterprise.objects.get(uscc=code(1))
    assert (enterprise.status, enterprise.is_listed) == ("active", False)

    sheet.cell(row=2, column=headers.index("企业名称") + 1, value="新昌县改名有限公司")
    buffer = io.BytesIO()
    workbook.save(buffer)
    _, result = post(client, buffer.getvalue(), filename="企业导入模板.xlsx", update_existing=True)
    assert result.ok and result.updated == 1, result.errors
    enterprise.refresh_from_db()
    assert enterprise.name == "新昌县改名有限公司"
    assert enterprise.status == "active"


def test_filled_template_can_be_uploaded_again(world, login):
    client = login(world.staff)
    template = client.get(reverse("registry:import"), {"template": 1}).content
    workbook = load_workbook(io.BytesIO(template))
    sheet = workbook["企业"]
    headers = [str(c.value).lstrip("*") for c in sheet[1]]
    filled = {
        "统一社会信用代码": code(1),
        "企业名称": "新昌县模板回填有限公司",
        "所在乡镇街道": "南明街道",
        "行业代码": "C3451",
        "成立日期": "2018-08-08",
        "注册资本（万元）": 800,
        "从业人员": 35,
        "企业规模": "小型",
        "经营状态": "存续",
        "是否上市": "否",
        "法定代表人": "张三",
        "联系电话": "0575-86012345",
        "早期试点代码": "否",
    }
    sheet.append([filled.get(h) for h in headers])
    buffer = io.BytesIO()
    workbook.save(buffer)

    _, result = post(client, buffer.getvalue(), filename="企业导入模板.xlsx")
    assert result.ok, result.errors
    assert result.created == 1
    enterprise = Enterprise.objects.get(uscc=code(1))
    assert enterprise.name == "新昌县模板回填有限公司"
    assert enterprise.registered_capital == Decimal("8000000")
    assert enterprise.employees == 35
    assert enterprise.legal_representative == "张三"
    assert enterprise.contact_phone == "0575-86012345"
    assert enterprise.is_listed is False


def test_capital_in_yuan_to_the_fen_and_no_finer(world):
    header = [*HEADER[:5], "注册资本（元）"]
    result = run(world.staff, xlsx([row(1)[:5] + ["1234.567"]], header=header))
    assert [(e.column, e.message) for e in result.errors] == [
        ("注册资本（元）", "最多 2 位小数（精确到分）。")
    ]
    result = run(world.staff, xlsx([row(1)[:5] + ["1234.56"]], header=header))
    assert result.ok, result.errors
    assert Enterprise.objects.get(uscc=code(1)).registered_capital == Decimal("1234.56")


def test_both_capital_columns_must_agree(world):
    header = [*HEADER[:6], "注册资本（元）"]
    disagree = run(world.staff, xlsx([row(1, capital=100)[:6] + ["2,000,000"]], header=header))
    assert [(e.column, e.value) for e in disagree.errors] == [("注册资本（元）", "2,000,000")]
    assert "与“注册资本（万元）”列不一致" in disagree.errors[0].message
    agree = run(world.staff, xlsx([row(1, capital=200)[:6] + ["2,000,000.00"]], header=header))
    assert agree.ok, agree.errors
    assert Enterprise.objects.get(uscc=code(1)).registered_capital == Decimal("2000000")


def test_industry_under_the_forms_own_label_and_by_name(world):
    header = [*HEADER[:3], "国民经济行业", *HEADER[4:]]
    result = run(world.staff, xlsx([row(1, industry="滚动轴承制造")], header=header))
    assert result.ok, result.errors
    assert Enterprise.objects.get(uscc=code(1)).industry_id == "3451"


def test_capital_in_yuan_column(world):
    header = [*HEADER[:5], "注册资本（元）"]
    result = run(world.staff, xlsx([row(1)[:5] + ["3,000,000"]], header=header))
    assert result.ok, result.errors
    assert Enterprise.objects.get(uscc=code(1)).registered_capital == Decimal("3000000")


# -- file-level errors --------------------------------------------------------------------


def test_wrong_headers_give_a_clear_error_and_write_nothing(world, login):
    before = Enterprise.objects.count()
    content = xlsx([["a", "b", "c"]], header=["编号", "公司简称", "地区"])
    response, result = post(login(world.staff), content)
    assert len(result.errors) == 1
    assert result.errors[0].row == 0
    assert "未找到表头" in result.errors[0].message
    assert Enterprise.objects.count() == before
    assert "未写入任何数据" in response.content.decode()


def test_missing_required_columns_are_named(world):
    content = xlsx([[code(1), "新昌县缺列有限公司"]], header=["统一社会信用代码", "企业名称"])
    result = run(world.staff, content)
    assert len(result.errors) == 1
    error = result.errors[0]
    assert error.row == 1
    assert error.message == "缺少必填列：所在乡镇街道、行业代码、成立日期"
    assert not Enterprise.objects.filter(uscc=code(1)).exists()


def test_empty_file(world, login):
    _, result = post(login(world.staff), b"")
    assert messages_of(result) == ["文件为空。"]


def test_file_with_only_headers(world):
    result = run(world.staff, xlsx([], above=TITLE_ROWS, below=[UNITS_ROW]))
    assert messages_of(result) == ["文件中没有数据行。"]
    result = run(world.staff, csv_bytes([[None] * len(HEADER)]), filename="企业.csv")
    assert messages_of(result) == ["文件中没有数据行。"]


def test_png_named_xlsx_is_refused(world, login):
    png = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x02"
    response, result = post(login(world.staff), png, filename="企业名录.xlsx")
    assert len(result.errors) == 1
    assert "不是有效的 Excel 文件" in result.errors[0].message
    assert result.errors[0].value == "企业名录.xlsx"
    assert "不是有效的 Excel 文件" in response.content.decode()


def test_text_file_is_refused(world):
    result = run(world.staff, "统一社会信用代码\t企业名称\n".encode(), filename="企业.txt")
    assert len(result.errors) == 1
    assert "不支持的文件类型" in result.errors[0].message


def test_binary_file_named_csv_is_refused(world):
    result = run(world.staff, b"PK\x03\x04\x00\x00\x00\x00binary", filename="企业.csv")
    assert len(result.errors) == 1
    assert "CSV" in result.errors[0].message


def test_no_file_chosen(world, login):
    response = login(world.staff).post(reverse("registry:import"), {}, follow=True)
    assert "请选择要导入的文件" in response.content.decode()


# -- CSV encodings ------------------------------------------------------------------------


@pytest.mark.parametrize("encoding", ["gbk", "gb18030", "utf-8-sig", "utf-8"])
def test_csv_in_chinese_encodings(world, encoding):
    rows = [row(1, "新昌县镜岭镇茶业有限公司", town="镜岭镇", founded="2016-01-01")]
    content = csv_bytes(rows, encoding=encoding)
    if encoding == "utf-8-sig":
        assert content.startswith(b"\xef\xbb\xbf")
    result = run(world.staff, content, filename="企业.CSV")
    assert result.ok, result.errors
    enterprise = Enterprise.objects.get(uscc=code(1))
    assert enterprise.name == "新昌县镜岭镇茶业有限公司"
    assert enterprise.town.name == "镜岭镇"


# -- row errors ---------------------------------------------------------------------------


def test_bad_uscc_format_and_check_character_name_row_column_and_value(world, login):
    good = code(3)
    wrong_check = code(2)[:17] + ("0" if code(2)[17] != "0" else "1")
    rows = [
        row(1, uscc="91330624KC00000"),  # row 4: too short
        row(2, uscc=wrong_check),  # row 5
        row(3, uscc=good.lower()),  # row 6: fine once normalised
        row(4, uscc="91330624KC00000I" + good[16:]),  # row 7: forbidden letter
    ]
    before = Enterprise.objects.count()
    response, result = post(login(world.staff), xlsx(rows, above=TITLE_ROWS))
    assert Enterprise.objects.count() == before
    errors = {e.row: e for e in result.errors}
    assert sorted(errors) == [4, 5, 7]
    assert errors[4].column == "统一社会信用代码"
    assert errors[4].value == "91330624KC00000"
    assert errors[4].message.startswith("统一社会信用代码格式不正确")
    assert "不含I、O、Z、S、V" in errors[7].message
    assert errors[5] == Issue(
        5,
        "统一社会信用代码",
        wrong_check,
        f"统一社会信用代码校验位错误：第18位应为“{code(2)[17]}”。"
        "请核对；如确为早期试点代码，请勾选“确认为早期试点代码”。",
    )
    page = response.content.decode()
    assert wrong_check in page and "校验位错误" in page


def test_legacy_pilot_code_needs_the_confirmation_column(world):
    header = [*HEADER, "早期试点代码"]
    refused = run(world.staff, xlsx([row(1, uscc=PILOT_CODE) + ["否"]], header=header))
    assert [(e.row, e.column) for e in refused.errors] == [(2, "统一社会信用代码")]
    assert "第18位应为“1”" in refused.errors[0].message
    assert not Enterprise.objects.filter(uscc=PILOT_CODE).exists()

    accepted = run(world.staff, xlsx([row(1, uscc=PILOT_CODE) + ["是"]], header=header))
    assert accepted.ok, accepted.errors
    enterprise = Enterprise.objects.get(uscc=PILOT_CODE)
    assert enterprise.uscc_state == "legacy"


def test_confirmation_does_not_turn_a_valid_code_into_a_legacy_one(world):
    header = [*HEADER, "早期试点代码"]
    result = run(world.staff, xlsx([row(1) + ["是"]], header=header))
    assert result.ok, result.errors
    assert Enterprise.objects.get(uscc=code(1)).uscc_state == "valid"


def test_confirmation_column_rejects_other_words(world):
    header = [*HEADER, "早期试点代码"]
    result = run(world.staff, xlsx([row(1, uscc=PILOT_CODE) + ["确认"]], header=header))
    found = [(e.row, e.column, e.value, e.message) for e in result.errors]
    assert found[0] == (2, "早期试点代码", "确认", "应填写“是”或“否”。")
    # In the same pass, what the unconfirmed code then means for the row.
    assert [column for _, column, _, _ in found[1:]] == ["统一社会信用代码"]


def test_duplicates_within_the_file(world):
    rows = [row(1), row(2), row(1, name="另一家公司"), row(3), [" " + code(2).lower()] + row(2)[1:]]
    result = run(world.staff, xlsx(rows, above=TITLE_ROWS))
    assert [(e.row, e.column, e.value, e.message) for e in result.errors] == [
        (6, "统一社会信用代码", code(1), "与第4行重复。"),
        (8, "统一社会信用代码", code(2), "与第5行重复。"),
    ]
    assert not Enterprise.objects.filter(uscc__in=[code(1), code(2), code(3)]).exists()


@pytest.mark.parametrize(
    ("override", "column", "value", "message"),
    [
        ({"town": "仙居镇"}, "所在乡镇街道", "仙居镇", "本县没有名为“仙居镇”的乡镇街道。"),
        ({"town": "330683001"}, "所在乡镇街道", "330683001", "本县没有名为“330683001”的乡镇街道。"),
        (
            {"founded": "2021-02-30"},
            "成立日期",
            "2021-02-30",
            "日期格式不正确，应为 2020-03-01、2020/3/1 或 2020年3月1日。",
        ),
        (
            {"founded": "去年"},
            "成立日期",
            "去年",
            "日期格式不正确，应为 2020-03-01、2020/3/1 或 2020年3月1日。",
        ),
        ({"employees": "一百二十"}, "从业人员", "一百二十", "应为非负整数。"),
        ({"employees": -5}, "从业人员", "-5", "应为非负整数。"),
        ({"employees": 12.5}, "从业人员", "12.5", "应为非负整数。"),
        ({"capital": "五百"}, "注册资本（万元）", "五百", "应为数字。"),
        (
            {"size": "特大型"},
            "企业规模",
            "特大型",
            "无效的选项“特大型”，可选：大型、中型、小型、微型",
        ),
        (
            {"industry": "C9999"},
            "行业代码",
            "C9999",
            "行业应为 GB/T 4754-2017 的四位小类代码（如 C3451）或小类名称。",
        ),
        (
            {"capital": "12.3456789"},
            "注册资本（万元）",
            "12.3456789",
            "最多 6 位小数（精确到分）。",
        ),
        ({"name": ""}, "企业名称", "", "该字段是必填项。"),
    ],
)
def test_bad_cells_get_a_chinese_message_naming_row_and_column(
    world, override, column, value, message
):
    result = run(world.staff, xlsx([row(1), row(2, **override)], above=TITLE_ROWS))
    assert [(e.row, e.column, e.value, e.message) for e in result.errors] == [
        (5, column, value, message)
    ]
    assert not Enterprise.objects.filter(uscc__in=[code(1), code(2)]).exists()


def test_negative_capital_is_reported_on_the_column_the_user_filled(world):
    result = run(world.staff, xlsx([row(1, capital=-1)]))
    assert len(result.errors) == 1
    assert result.errors[0].row == 2
    assert result.errors[0].column == "注册资本（万元）"


def test_several_errors_in_one_row_are_all_reported(world):
    bad = row(1, town="仙居镇", founded="2021-13-01", size="巨型")
    result = run(world.staff, xlsx([bad]))
    assert sorted(e.column for e in result.errors) == ["企业规模", "成立日期", "所在乡镇街道"]
    assert {e.row for e in result.errors} == {2}


def test_blank_rows_are_skipped_and_row_numbers_stay_those_of_excel(world):
    rows = [row(1), [None] * len(HEADER), row(2, town="仙居镇")]
    result = run(world.staff, xlsx(rows, above=TITLE_ROWS))
    assert result.total == 2
    assert [e.row for e in result.errors] == [6]


def test_all_or_nothing_three_good_rows_and_one_bad_write_nothing(world, login):
    before = Enterprise.objects.count()
    rows = [row(1), row(2), row(3), row(4, founded="2021/02/29")]
    response, result = post(login(world.staff), xlsx(rows))
    assert result.total == 4
    assert [e.row for e in result.errors] == [5]
    assert result.created == 0
    assert Enterprise.objects.count() == before
    assert "未写入任何数据" in response.content.decode()


def test_listed_enterprise_without_stock_code_is_a_row_error(world):
    header = [*HEADER, "是否上市", "股票代码"]
    rows = [row(1) + ["是", ""], row(2) + ["是", "002001"]]
    result = run(world.staff, xlsx(rows, header=header))
    assert [(e.row, e.column, e.message) for e in result.errors] == [
        (2, "股票代码", "上市企业请填写股票代码。")
    ]


# -- existing records ---------------------------------------------------------------------


def test_existing_code_needs_update_existing_then_updates(world, login):
    existing = EnterpriseFactory(uscc=code(1), name="新昌县旧名称有限公司", employees=10)
    client = login(world.staff)
    content = xlsx([row(1, "新昌县新名称有限公司", employees=99)])

    _, refused = post(client, content)
    assert [(e.row, e.column, e.value) for e in refused.errors] == [
        (2, "统一社会信用代码", code(1))
    ]
    assert "已存在" in refused.errors[0].message and "更新已有记录" in refused.errors[0].message
    existing.refresh_from_db()
    assert (existing.name, existing.employees) == ("新昌县旧名称有限公司", 10)

    _, updated = post(client, content, update_existing=True)
    assert updated.ok, updated.errors
    assert (updated.created, updated.updated, updated.unchanged) == (0, 1, 0)
    existing.refresh_from_db()
    assert (existing.name, existing.employees) == ("新昌县新名称有限公司", 99)
    assert existing.registered_capital == Decimal("5000000")
    assert list(existing.former_names.values_list("name", flat=True)) == ["新昌县旧名称有限公司"]

    _, again = post(client, content, update_existing=True)
    assert again.ok, again.errors
    assert (again.created, again.updated, again.unchanged) == (0, 0, 1)
    assert existing.former_names.count() == 1


def test_update_keeps_fields_the_file_does_not_mention(world):
    existing = EnterpriseFactory(
        uscc=code(1), legal_representative="李四", contact_phone="13800001111", is_listed=False
    )
    result = run(world.staff, xlsx([row(1, employees=7)]), update_existing=True)
    assert result.ok, result.errors
    existing.refresh_from_db()
    assert existing.employees == 7
    assert existing.legal_representative == "李四"
    assert existing.contact_phone == "13800001111"


def test_reimport_of_the_same_file_is_idempotent(world):
    content = xlsx(
        [row(1), row(2, capital=123.45), row(3, uscc=PILOT_CODE) + ["是"]],
        header=[*HEADER, "早期试点代码"],
        above=TITLE_ROWS,
    )
    first = run(world.staff, content)
    assert first.ok, first.errors
    assert (first.created, first.updated, first.unchanged) == (3, 0, 0)
    snapshot = list(Enterprise.objects.order_by("pk").values())
    history = sum(e.history.count() for e in Enterprise.objects.all())

    for _ in range(2):
        again = run(world.staff, content, update_existing=True)
        assert again.ok, again.errors
        assert (again.total, again.created, again.updated, again.unchanged) == (3, 0, 0, 3)
    assert list(Enterprise.objects.order_by("pk").values()) == snapshot
    assert sum(e.history.count() for e in Enterprise.objects.all()) == history


def test_reimport_with_one_changed_row_updates_only_that_row(world):
    run(world.staff, xlsx([row(1), row(2)]))
    result = run(world.staff, xlsx([row(1), row(2, employees=121)]), update_existing=True)
    assert (result.created, result.updated, result.unchanged) == (0, 1, 1)
    assert Enterprise.objects.get(uscc=code(2)).employees == 121


# -- data scope ---------------------------------------------------------------------------


def test_town_user_imports_in_own_town(world, login):
    _, result = post(login(world.town), xlsx([row(1)]))
    assert result.ok, result.errors
    assert Enterprise.objects.get(uscc=code(1)).town_id == NANMING


def test_town_user_cannot_import_into_another_town(world, login):
    before = Enterprise.objects.count()
    rows = [row(1), row(2, town="七星街道"), row(3)]
    _, result = post(login(world.town), xlsx(rows))
    # The cell as the user wrote it, not the code it was read into.
    assert [(e.row, e.column, e.value) for e in result.errors] == [(3, "所在乡镇街道", "七星街道")]
    assert result.errors[0].message == "该乡镇街道不在您的数据范围内。"
    assert Enterprise.objects.count() == before


def test_town_user_cannot_update_an_enterprise_of_another_town(world, login):
    other = world.qixing_enterprise
    rows = [row(1), [other.uscc, "冒名更新", "南明街道", "C3451", "2015-01-01", 1, 1, "微型"]]
    for update_existing in (False, True):
        _, result = post(login(world.town), xlsx(rows), update_existing=update_existing)
        assert [(e.row, e.column, e.value) for e in result.errors] == [
            (3, "统一社会信用代码", other.uscc)
        ]
        assert "不在您的数据范围内" in result.errors[0].message
    other.refresh_from_db()
    assert other.name == "新昌县七星制冷配件有限公司"
    assert other.town_id == QIXING
    assert not Enterprise.objects.filter(uscc=code(1)).exists()


def test_town_user_may_update_an_enterprise_of_own_town(world):
    own = world.nanming_enterprise
    content = xlsx([[own.uscc, own.name, "南明街道", "C3451", "2010-05-01", 500, 121, "小型"]])
    result = run(world.town, content, update_existing=True)
    assert result.ok, result.errors
    assert result.updated == 1
    own.refresh_from_db()
    assert own.employees == 121


# -- logging and the error report ---------------------------------------------------------


def test_an_import_writes_one_operation_log_row(world, login):
    client = login(world.staff)
    post(client, xlsx([row(1), row(2)]), filename="南明企业.xlsx")
    logs = OperationLog.objects.filter(action=OperationLog.Action.IMPORT)
    assert logs.count() == 1
    log = logs.get()
    assert log.user == world.staff
    assert log.target == "企业"
    assert log.row_count == 2
    assert log.success is True
    assert "南明企业.xlsx" in log.summary and "新增2" in log.summary

    post(client, xlsx([row(3, town="仙居镇")]))
    failed = OperationLog.objects.filter(action=OperationLog.Action.IMPORT).order_by("-at", "-pk")
    assert failed.count() == 2
    assert failed.first().success is False
    assert failed.first().row_count == 0


def test_error_report_downloads_as_xlsx(world, login):
    client = login(world.staff)
    wrong_check = code(2)[:17] + ("0" if code(2)[17] != "0" else "1")
    post(client, xlsx([row(1, town="仙居镇"), row(2, uscc=wrong_check)], above=TITLE_ROWS))

    response = client.get(reverse("registry:import"), {"errors": 1})
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    sheet = load_workbook(io.BytesIO(response.content))["问题清单"]
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0] == ("行号", "列", "值", "原因", "级别")
    assert rows[1] == (4, "所在乡镇街道", "仙居镇", "本县没有名为“仙居镇”的乡镇街道。", "错误")
    assert rows[2][0] == 5
    assert rows[2][2] == wrong_check
    assert "校验位错误" in rows[2][3]
    assert len(rows) == 3


def test_error_report_without_a_previous_import_redirects(world, login):
    response = login(world.staff).get(reverse("registry:import"), {"errors": 1})
    assert response.status_code == 302


# -- institutions -------------------------------------------------------------------------

INSTITUTION_HEADER = ["机构名称", "机构类型", "级别", "所在区划", "县内机构", "成立日期", "网址"]


def test_institution_import(world, login):
    rows = [
        [
            "新昌县轴承产业创新服务综合体",
            "新型研发机构",
            "省级",
            "南明街道",
            "是",
            "2019-05-01",
            "www.example.cn",
        ],
        ["浙江大学新昌技术转移中心", "技术转移机构", "市级", "330624003", "是", "", ""],
    ]
    before = Institution.objects.count()
    _, result = post(
        login(world.staff),
        xlsx(rows, header=INSTITUTION_HEADER, above=[["高校院所及平台名录"]]),
        url_name="registry:institution_import",
    )
    assert result.ok, result.errors
    assert result.created == 2
    assert Institution.objects.count() == before + 2
    hub = Institution.objects.get(name="新昌县轴承产业创新服务综合体")
    assert (hub.kind, hub.level, hub.region_id) == ("new_rd", "province", NANMING)
    assert hub.established_on == datetime.date(2019, 5, 1)
    assert hub.website == "https://www.example.cn"
    assert hub.name_initials == "xcxzccycxfwzht"
    assert Institution.objects.get(name="浙江大学新昌技术转移中心").region_id == QIXING


def test_institution_import_with_a_bad_kind_label(world):
    rows = [
        ["新昌县甲研究院", "科研院所", "县级", "南明街道", "是", "", ""],
        ["新昌县乙研究所", "研究所", "县级", "南明街道", "是", "", ""],
    ]
    before = Institution.objects.count()
    result = InstitutionImportSpec(world.staff).run(
        "机构.xlsx", xlsx(rows, header=INSTITUTION_HEADER), update_existing=False, dry_run=False
    )
    assert len(result.errors) == 1
    error = result.errors[0]
    assert (error.row, error.column, error.value) == (3, "机构类型", "研究所")
    assert error.message.startswith("无效的选项“研究所”，可选：高校、科研院所、")
    assert "新型研发机构" in error.message
    assert Institution.objects.count() == before


def test_institution_reimport_by_name_is_idempotent(world):
    rows = [["新昌县丙研究院", "实验室", "市级", "南明街道", "是", "2020-01-01", ""]]
    content = xlsx(rows, header=INSTITUTION_HEADER)
    spec = InstitutionImportSpec(world.staff)
    assert spec.run("机构.xlsx", content, update_existing=False, dry_run=False).created == 1
    again = spec.run("机构.xlsx", content, update_existing=True, dry_run=False)
    assert (again.created, again.updated, again.unchanged) == (0, 0, 1)
