"""Intake at the service level: reading real 107-2 layouts, every kind of bad file and bad
row, all-or-nothing commits, idempotent re-imports, rollback, new enterprises, 规上 marks and
the background job runner that big imports go through."""

import base64
import csv
import io
import zlib
from decimal import Decimal

import pytest
from openpyxl import Workbook

from kechuang.core import jobs
from kechuang.core.models import Job
from kechuang.engines import uscc
from kechuang.monitoring import batches, intake, validation
from kechuang.monitoring.models import FinancialRecord, ImportBatch, RDRecord
from kechuang.monitoring.tests.factories import financial_workbook, rd_row, rd_workbook, stage
from kechuang.monitoring.workbooks import template_columns, template_workbook
from kechuang.registry.models import Enterprise, ScaleRecord
from kechuang.registry.tests.factories import EnterpriseFactory, ScaleRecordFactory

pytestmark = pytest.mark.django_db

K = Decimal(1000)

# One enterprise's full 107-2 row in 千元 and counts, consistent with every audit rule:
# 8 cost items = 1000 = funding sources; 4 commissioned parties = 60; parts within totals.
FULL = {
    "rd_staff": 30,
    "rd_staff_management": 3,
    "rd_staff_female": 8,
    "rd_staff_fulltime": 25,
    "rd_staff_bachelor": 20,
    "rd_staff_external": 2,
    "rd_expense": 1000,
    "cost_personnel": 500,
    "cost_direct": 200,
    "cost_depreciation": 100,
    "cost_amortisation": 20,
    "cost_design": 30,
    "cost_trial": 50,
    "cost_commissioned": 60,
    "commissioned_institutes": 20,
    "commissioned_universities": 30,
    "commissioned_enterprises": 10,
    "commissioned_abroad": 0,
    "cost_other": 40,
    "rd_fixed_assets": 300,
    "rd_instruments": 200,
    "fund_self": 800,
    "fund_government": 150,
    "fund_bank": 50,
    "fund_venture": 0,
    "fund_other": 0,
    "deduction_rd_expense": 900,
    "deduction_tax_relief": 150,
    "hnte_tax_relief": 100,
    "institutions": 1,
    "institution_staff": 12,
    "institution_phd": 1,
    "institution_master": 4,
    "institution_expense": 600,
    "institution_equipment": 400,
    "patent_applications": 6,
    "invention_applications": 2,
    "valid_inventions": 5,
    "implemented_inventions": 3,
    "patent_transfers": 1,
    "patent_transfer_income": 20,
    "new_product_sales": 30000,
    "new_product_exports": 5000,
    "trademarks": 3,
    "papers": 2,
    "standards": 1,
    "tech_renovation": 500,
    "domestic_tech_purchase": 0,
    "foreign_tech_import": 0,
    "foreign_tech_assimilation": 0,
    "overseas_institutions": 0,
}


def full_row(enterprise, **changes) -> dict:
    return {"uscc": enterprise.uscc, "name": enterprise.name, **FULL, **changes}


def full_workbook(rows: list[dict], *, year: int = 2024, total_row: bool = True) -> bytes:
    """The full official 107-2 layout (the download template) filled with rows in 千元."""
    workbook = template_workbook("rd", year)
    sheet = workbook.active
    fields = [name for *_, name in template_columns("rd")]
    for row in rows:
        sheet.append([row.get("uscc"), row.get("name"), *[row.get(f) for f in fields]])
    if total_row:
        sheet.append(
            [
                None,
                "合计",
                *[sum(r[f] for r in rows if isinstance(r.get(f), int | float)) for f in fields],
            ]
        )
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def sheet_bytes(rows: list[list]) -> bytes:
    workbook = Workbook()
    for row in rows:
        workbook.active.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def csv_bytes(rows: list[list], encoding: str) -> bytes:
    buffer = io.StringIO()
    csv.writer(buffer).writerows([["" if c is None else c for c in row] for row in rows])
    return buffer.getvalue().encode(encoding)


def commit(batch, user, **options):
    return batches.commit(batch, user=user, create_unknown=False, **options)


def codes(issues) -> list[str]:
    return [i["code"] if isinstance(i, dict) else i.code for i in issues]


# A 107-2 sheet saved in the Excel 97-2003 format (BIFF8), as the statistics office's desktop
# tool exports it: title rows, a two-row merged header, a units line, two enterprises
# (91330624XL0000015Y, 91330624XL0000023R) and a 合计 row. Written once with xlwt 1.3.0.
XLS_107_2 = zlib.decompress(
    base64.b64decode(
        "eNrtWF1sFFUU/u787q67221ZSFgT0jQRaqVJdwsiGroqER6QabdbY4ta2sJKSUsx/UvLAyLYSFJJjEYTjS9N0OgL1gdQ"
        "8f9BY4wJilETjbGV4IsvajD0ATqec3Zm3YV9oIkSMXsm98w5556/e8+de2fmyzPVczNvJuZxBbRAx6IbhFUkU9SCPhMD"
        "9bsuk/49QM2twA0FwQAV0jLxbuQLm2vI9Z6HhlnjY8LAz9QexmNw9g/laq8j3Cs59CrOYRNhhZdJEsVKyapG8C7BywS/"
        "IZrvCb5bJMcEbyLdObUDZ9JOwx3eKu7U6qQvCvb7lth8L5IkluMzXsWPP6PyuibuGd7bO/jf7FhlhHEcVLetuaHccO/g"
        "HOJUwOP4060FLvhP6ke1Ffn1lSuQfKFUbpeRP6cZwCG4PbLApxDBgsE9JpJNGxpTl9ChEsTGqUWgVGvCiU+MH8DOr7J3"
        "7Xut/fPswvhI5pOek5kgVP/Ri9mEm0QTNqARKfQfDUH9dHBmerT71e6Em6KOFNZhtDvAYjgtk4nW+db6sXOOmrCgHshu"
        "b/1l+tODkY7fJon1w5x2OjsotUDHzLQJNZ5pdBLuSNeaniKVjcfqx4hlzdPO+Uc89sL4K7ue78tlmDXY8luHSQWVYtTl"
        "KDYh15uzmzM1wMZkc3PT7al1nfc3MSTXd8WgZnPhRz/MTmAQI9i275tpOBezd+6Z7Q/uaXthMLOQvdou1dxexu5psls/"
        "1vaQbxfic0z2vVjJvheR/SBMeDeqhK6WXSFGJ9ul138/u72vLb1TJIfkrMufiLdwEeHiCbYg4yj8szCPG8TiNsGHxevN"
        "QicEx6nYdF/dttwjthwRnSeldzV5aBb4Or2miK4neurXzNurps6lbyX6xNb5A/ET36VnUEcn9G6y5+sI1qq16qUXGd5J"
        "+3fl7Z4/Cl551U4a0GJe7q537FfhMkJCVgv+QFYkz07xZYulkuVbaqnEknGeM7x5ZX2tTCRN9HVPP18Ho8BpxJmSRYBo"
        "XTTzPew3ID1cQ7MkL/2KOGyteyPK00pyZE+6xLC8iLrEsAucUdLHUYIFziIuVOBs4m7yxmmUGach8cOeviEZRAoc5xAt"
        "cHoJxzlUFTizhLNKONvjOAezTA6m5BDz9E2vqsD7tG5NySElGlHBh8OMz9qM63TGz1JZ8zNslfFuiVWN590S78s875Z4"
        "XyEaeb2Bp7h/h8b0HyLZlva922W82+LP8vzZ4m9LISL528tz0RASicF4+gf2d94bmybzo8mlS+OnRpN14YONFq0Gp3hJ"
        "0nvF3xBCBSpQgQpUoAI3LvBbGR9ufOYZ8u6Wfxe2vf86l6ktVn6T/G+hHfvpGqUP0/swRPdhTC5p/ayAqXxf6hpt/P+F"
        "DA9S9GEMoE/yGFjy+qVvGVU8nms2jP1zj9BS4y8uJc9/Of5fYNxUGw=="
    )
)
XLS_CODES = ("91330624XL0000015Y", "91330624XL0000023R")


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


# -- reading ------------------------------------------------------------------------------


def test_realistic_layout_with_title_rows_merged_header_units_and_total(world):
    content = rd_workbook(
        [rd_row(world.nanming_enterprise), rd_row(world.qixing_enterprise, rd_staff=7)]
    )
    parsed = intake.parse("107-2.xlsx", content, "rd", "yuan")

    assert parsed.issues == []
    assert parsed.stated_year == 2024
    assert [r.uscc for r in parsed.rows] == [
        world.nanming_enterprise.uscc,
        world.qixing_enterprise.uscc,
    ]  # the 合计 row is not a data row
    first = parsed.rows[0]
    assert first.number == 6  # rows are numbered as the spreadsheet shows them
    # The units line says 千元 although the default unit given is 元.
    assert first.values["rd_expense"] == Decimal("1000000.00")
    assert first.values["new_product_sales"] == Decimal("20000000.00")
    assert first.values["rd_staff"] == 20
    assert parsed.rows[1].values["rd_staff"] == 7
    labels = {c.field: c.label for c in parsed.columns}
    assert labels["rd_staff"] == "研究开发人员 / 合计"
    assert labels["rd_expense"] == "研究开发费用 / 合计"
    assert labels["rd_staff_female"] == "研究开发人员 / 其中：女性"


def test_full_template_layout_matches_every_field_and_passes_every_rule(world):
    parsed = intake.parse(
        "107-2.xlsx", full_workbook([full_row(world.nanming_enterprise)]), "rd", "yuan"
    )
    validation.validate(parsed, kind_key="rd", year=2024, quarter=0, user=world.staff)

    assert parsed.issues == []
    assert parsed.ignored == []
    assert {c.field for c in parsed.columns} == {"uscc", "name", *FULL}
    values = parsed.rows[0].values
    assert values["commissioned_universities"] == 30 * K
    assert values["fund_self"] == 800 * K
    assert values["institutions"] == 1


def test_gbk_and_utf8_csv_read_like_the_workbook(world):
    enterprise = world.nanming_enterprise
    rows = [
        ["企业研究开发活动及相关情况"],
        ["", "", "统计年度：2024年"],
        ["统一社会信用代码", "单位详细名称", "研究开发人员", "", "研究开发费用", "", "", ""],
        ["", "", "合计", "其中：女性", "合计", "人员人工费用", "直接投入费用", "其他费用"],
        ["甲", "乙", "人", "人", "千元", "千元", "千元", "千元"],
        [enterprise.uscc, enterprise.name, "12", "3", "1,200", "700", "400", "100"],
        ["", "合计", "12", "3", "1,200", "700", "400", "100"],
    ]
    for encoding in ("gbk", "gb18030", "utf-8-sig", "utf-8"):
        parsed = intake.parse("107-2.csv", csv_bytes(rows, encoding), "rd", "yuan")
        assert [i.code for i in parsed.issues] == ["partial_group"], encoding
        assert len(parsed.rows) == 1, encoding
        assert parsed.rows[0].values == {
            "rd_staff": 12,
            "rd_staff_female": 3,
            "rd_expense": 1_200 * K,
            "cost_personnel": 700 * K,
            "cost_direct": 400 * K,
            "cost_other": 100 * K,
        }, encoding


def test_xls_from_the_statistics_tool(world):
    for code in XLS_CODES:
        EnterpriseFactory(uscc=code)
    parsed = intake.parse("107-2.xls", XLS_107_2, "rd", "yuan")
    checked = validation.validate(parsed, kind_key="rd", year=2024, quarter=0, user=world.staff)

    # Three of the eight cost items: read, and refused until the file gives all eight.
    assert [i.code for i in parsed.issues] == ["partial_group"]
    assert checked.unknown == []
    assert parsed.stated_year == 2024
    assert [r.uscc for r in parsed.rows] == list(XLS_CODES)
    assert parsed.rows[1].values["rd_expense"] == Decimal("250500.00")
    assert parsed.rows[1].values["cost_other"] == Decimal("40500.00")


def test_units_per_column_from_header_units_line_or_default(world):
    code = world.nanming_enterprise.uscc
    content = sheet_bytes(
        [
            [
                "统一社会信用代码",
                "研究开发费用合计（万元）",
                "人员人工费用",
                "其他费用",
                "研究开发人员合计",
            ],
            ["", "", "元", "", "人"],
            [code, 12.5, 600, 7, 9],
        ]
    )
    parsed = intake.parse("mixed.xlsx", content, "rd", "thousand")
    assert [i.code for i in parsed.issues] == ["partial_group"]
    values = parsed.rows[0].values
    assert values["rd_expense"] == Decimal("125000.00")  # （万元） in the header: × 10,000
    assert values["cost_personnel"] == Decimal("600.00")  # 元 in the units line: × 1
    assert values["cost_other"] == Decimal("7000.00")  # nothing stated: the default, 千元
    assert values["rd_staff"] == 9  # counts are never scaled
    factors = {c.field: c.factor for c in parsed.columns}
    assert factors == {
        "uscc": None,
        "rd_expense": 10_000,
        "cost_personnel": 1,
        "cost_other": 1_000,
        "rd_staff": None,
    }


@pytest.mark.parametrize(
    "headers",
    [
        ["统一社会信用代码", "研发人员合计", "研发费用合计", "其中：人员人工费用"],
        ["社会信用代码", "研究开发人员合计", "研究与试验发展费用合计", "1.人员人工费用"],
        ["信用代码", "R研究开发人员/合计", "研究开发费用合计", "（1）人员人工费用"],
    ],
)
def test_header_synonyms_of_the_official_names(world, headers):
    code = world.nanming_enterprise.uscc
    parsed = intake.parse("flat.xlsx", sheet_bytes([headers, [code, 5, 300, 200]]), "rd", "yuan")
    fields = [c.field for c in parsed.columns]
    if headers[1].startswith("R"):
        # An unknown spelling is reported as ignored, not guessed.
        assert "rd_staff" not in fields
        assert "B列 R研究开发人员/合计" in parsed.ignored
    else:
        assert fields == ["uscc", "rd_staff", "rd_expense", "cost_personnel"]
        assert parsed.rows[0].values["rd_expense"] == 300
        assert [i.code for i in parsed.errors] == ["partial_group"]
    assert parsed.rows[0].uscc == code


def test_flat_headers_name_the_calibers_in_brackets(world):
    """ "研发费用（高企认定口径）" is a caliber, not a unit: it must not fall to rd_expense."""
    code = world.nanming_enterprise.uscc
    headers = [
        "统一社会信用代码",
        "营业收入（千元）",
        "研发费用（高企认定口径）",
        "研发费用（加计扣除口径）（万元）",
        "从业人员（注：期末人数）",
    ]
    content = sheet_bytes([headers, [code, 90000, 2800, 250, 120]])
    parsed = intake.parse("financial.xlsx", content, "financial", "thousand")
    assert parsed.issues == [] and parsed.ignored == []
    assert [c.field for c in parsed.columns] == [
        "uscc",
        "revenue",
        "rd_expense_hnte",
        "rd_expense_deduction",
        "employees",
    ]
    values = parsed.rows[0].values
    assert values["rd_expense_hnte"] == Decimal("2800000.00")
    assert values["rd_expense_deduction"] == Decimal("2500000.00")  # its own unit, 万元
    assert values["employees"] == 120  # a note that names nothing known is read past


def test_rule_messages_quote_figures_in_each_columns_unit(world):
    code = world.nanming_enterprise.uscc
    headers = ["统一社会信用代码", "研究开发费用合计（万元）", "机构研究开发费用（千元）"]
    content = sheet_bytes([headers, [code, 50, 620]])
    parsed = intake.parse("mixed.xlsx", content, "rd", "thousand")
    validation.validate(parsed, kind_key="rd", year=2024, quarter=0, user=world.staff)
    (issue,) = [i for i in parsed.issues if i.code == "cost_ge_institution"]
    assert issue.value == "50；620"
    assert issue.message == "研究开发费用合计（50 万元）不应小于机构研究开发费用（620 千元）"


# -- bad files ----------------------------------------------------------------------------


def _only_issue(parsed) -> intake.Issue:
    assert len(parsed.issues) == 1, parsed.issues
    return parsed.issues[0]


def test_empty_file(world):
    issue = _only_issue(intake.parse("107-2.xlsx", b"", "rd", "thousand"))
    assert (issue.code, issue.message) == ("unreadable", "文件为空。")
    issue = _only_issue(intake.parse("107-2.xlsx", sheet_bytes([]), "rd", "thousand"))
    assert issue.code == "empty"


def test_not_a_spreadsheet(world):
    issue = _only_issue(intake.parse("107-2.xlsx", b"%PDF-1.7 not excel", "rd", "thousand"))
    assert issue.code == "unreadable"
    assert "不是有效的 Excel 文件" in issue.message
    issue = _only_issue(intake.parse("107-2.pdf", b"%PDF-1.7", "rd", "thousand"))
    assert "不支持的文件类型" in issue.message
    issue = _only_issue(intake.parse("107-2.csv", b"\xff\xfe\x00\x00\x81\x30", "rd", "thousand"))
    assert issue.code == "unreadable"


def test_no_header(world):
    content = sheet_bytes([["企业研究开发活动及相关情况"], ["91330624MA0000015F", 1, 2, 3]])
    issue = _only_issue(intake.parse("107-2.xlsx", content, "rd", "thousand"))
    assert issue.code == "no_header"
    assert "统一社会信用代码" in issue.message


def test_no_uscc_column(world):
    content = sheet_bytes([["单位详细名称", "研发人员合计", "研发费用合计"], ["某公司", 3, 100]])
    issue = _only_issue(intake.parse("107-2.xlsx", content, "rd", "thousand"))
    assert issue.code == "missing_columns"
    assert issue.message.startswith("缺少关键列：统一社会信用代码")


def test_data_on_a_later_sheet_is_read_and_said(world):
    from openpyxl import Workbook

    workbook = Workbook()
    workbook.active.title = "填表说明"
    workbook.active.append(["本表由企业填报，金额单位为千元。"])
    data = workbook.create_sheet("107-2")
    data.append(["统一社会信用代码", "研究开发人员合计", "研究开发费用合计"])
    data.append([world.nanming_enterprise.uscc, 3, 100])
    buffer = io.BytesIO()
    workbook.save(buffer)
    parsed = intake.parse("107-2.xlsx", buffer.getvalue(), "rd", "thousand")
    assert [(i.code, i.severity) for i in parsed.issues] == [("other_sheet", "warning")]
    assert "已读取工作表“107-2”" in parsed.issues[0].message
    assert parsed.rows[0].values["rd_expense"] == Decimal("100000.00")


def test_a_summary_sheet_without_codes_gives_way_to_the_sheet_with_them(world):
    from openpyxl import Workbook

    workbook = Workbook()
    workbook.active.title = "汇总"
    workbook.active.append(["乡镇街道", "研究开发费用合计"])
    workbook.active.append(["南明街道", 900])
    data = workbook.create_sheet("分企业")
    data.append(["统一社会信用代码", "研究开发人员合计", "研究开发费用合计"])
    data.append([world.nanming_enterprise.uscc, 3, 100])
    buffer = io.BytesIO()
    workbook.save(buffer)
    parsed = intake.parse("107-2.xlsx", buffer.getvalue(), "rd", "thousand")
    assert [i.code for i in parsed.issues] == ["other_sheet"]
    assert "已读取工作表“分企业”" in parsed.issues[0].message
    assert [r.uscc for r in parsed.rows] == [world.nanming_enterprise.uscc]


def test_dashes_are_zero_and_blanks_are_empty(world):
    content = sheet_bytes(
        [
            ["统一社会信用代码", "研究开发人员合计", "研究开发费用合计", "新产品销售收入"],
            [world.nanming_enterprise.uscc, "—", "-", None],
        ]
    )
    (row,) = intake.parse("107-2.xlsx", content, "rd", "thousand").rows
    assert row.values == {"rd_staff": 0, "rd_expense": Decimal("0.00"), "new_product_sales": None}


def test_no_indicator_column(world):
    content = sheet_bytes([["统一社会信用代码", "单位详细名称", "备注"], ["x", "某公司", ""]])
    issue = _only_issue(intake.parse("107-2.xlsx", content, "rd", "thousand"))
    assert issue.code == "missing_columns"
    assert "缺少关键列：研究开发费用合计" in issue.message
    assert "C列 备注" in issue.message
    issue = _only_issue(intake.parse("fin.xlsx", content, "financial", "thousand"))
    assert issue.code == "no_columns"


def test_bad_file_stages_as_failed_batch_and_cannot_be_committed(world):
    batch = stage(world.staff, b"not a spreadsheet")
    assert batch.status == "failed"
    assert batch.row_count == 0
    assert codes(batch.errors) == ["unreadable"]
    with pytest.raises(batches.CommitRefused, match="只有校验通过"):
        commit(batch, world.staff)
    assert RDRecord.objects.count() == 0


# -- bad rows -----------------------------------------------------------------------------


def test_every_kind_of_row_error_is_listed_with_row_column_value_and_reason(world):
    a, b = world.nanming_enterprise, world.qixing_enterprise
    unknown = uscc.make("91", "330624", "MB000001")
    c = EnterpriseFactory(town_id="330624001")
    d = EnterpriseFactory(town_id="330624001")
    e = EnterpriseFactory(town_id="330624001")
    rows = [
        full_row(a, cost_other=41),  # row 6: 8 items sum to 1001, not 1000
        full_row(b, rd_staff="三十"),  # row 7: text in a number column
        {**full_row(c), "uscc": "9133062", "name": "代码残缺的公司"},  # row 8: bad USCC
        full_row(c, fund_bank=-50, fund_self=900),  # row 9: negative amount
        full_row(
            d,
            rd_staff=0,
            rd_staff_management=0,
            rd_staff_female=0,
            rd_staff_fulltime=0,
            rd_staff_bachelor=0,
            rd_staff_external=0,
        ),  # row 10: staff 0, staff cost > 0
        full_row(c),  # row 11: duplicate of row 9's enterprise
        {**full_row(e), "uscc": unknown, "name": "新昌县未登记科技有限公司"},  # row 12
        full_row(e, patent_applications=1.5),  # row 13: a count that is not whole
    ]
    parsed = intake.parse("107-2.xlsx", full_workbook(rows), "rd", "thousand")
    checked = validation.validate(parsed, kind_key="rd", year=2024, quarter=0, user=world.staff)
    found = {(i.row, i.code) for i in parsed.issues}

    assert (6, "cost_items_sum") in found
    sum_issue = next(i for i in parsed.issues if i.code == "cost_items_sum")
    assert "研究开发费用 / 合计" in sum_issue.column
    assert sum_issue.value.startswith("1000；")  # as the file has it, in 千元
    assert "（1,000 千元）应等于八项费用" in sum_issue.message
    assert "（1,001 千元），相差 1 千元" in sum_issue.message
    not_number = next(i for i in parsed.issues if i.row == 7)
    assert (not_number.column, not_number.value, not_number.message) == (
        "研究开发人员 / 合计",
        "三十",
        "不是数字。",
    )
    assert (8, "bad_uscc") in found
    negative = next(i for i in parsed.issues if i.row == 9 and i.code == "not_number")
    assert (negative.value, negative.message) == ("-50", "不能为负数。")
    assert (10, "staff_iff_personnel_cost") in found
    duplicate = next(i for i in parsed.issues if i.code == "duplicate")
    assert (duplicate.row, duplicate.message) == (11, "与第9行重复。")
    whole = next(i for i in parsed.issues if i.row == 13)
    assert whole.message == "应为整数。"
    assert checked.unknown == [
        {
            "uscc": unknown,
            "name": "新昌县未登记科技有限公司",
            "row": 12,
            "town": "",
            "industry": "",
        }
    ]
    assert all(i.severity == "error" for i in parsed.issues)


def test_funding_and_commissioned_sums_are_checked_too(world):
    rows = [
        full_row(world.nanming_enterprise, fund_other=10),
        full_row(world.qixing_enterprise, commissioned_abroad=5),
    ]
    parsed = intake.parse("107-2.xlsx", full_workbook(rows), "rd", "thousand")
    validation.validate(parsed, kind_key="rd", year=2024, quarter=0, user=world.staff)
    assert {(i.row, i.code) for i in parsed.issues} == {
        (6, "funding_sum"),
        (7, "commissioned_sum"),
    }


def test_row_without_code_is_an_error_but_total_rows_are_skipped(world):
    rows = [rd_row(world.nanming_enterprise), {**rd_row(world.qixing_enterprise), "uscc": None}]
    parsed = intake.parse("107-2.xlsx", rd_workbook(rows), "rd", "thousand")
    assert [(i.row, i.code) for i in parsed.issues] == [(7, "no_uscc")]


@pytest.fixture(params=["by_code", "whole_register"])
def lookups(request, monkeypatch):
    """Short files look enterprises and stored figures up by code; long ones read them all."""
    if request.param == "whole_register":
        monkeypatch.setattr(validation, "IN_LIST_LIMIT", 0)


def test_enterprise_outside_the_users_scope(world, lookups):
    elsewhere = EnterpriseFactory(uscc=uscc.make("91", "330683", "MC000001"), town_id="330683001")
    content = rd_workbook([rd_row(elsewhere), rd_row(world.nanming_enterprise)])
    batch = stage(world.staff, content)
    assert batch.status == "failed"
    assert [(i["row"], i["code"], i["value"]) for i in batch.errors] == [
        (6, "out_of_scope", elsewhere.uscc)
    ]
    # The same file is fine for a user whose scope is everything.
    assert stage(world.admin, content).status == "validated"


@pytest.mark.parametrize(
    ("last_year", "code", "words"),
    [
        ("10000.00", "jump_up", "100 倍"),  # a rise of 100 times
        ("1000.00", "unit_slip", "恰为上年 1 千元 的 1,000 倍"),  # exactly 1,000: a unit slip
        ("30000000.00", "jump_down", "下降 96.7%"),  # the largest spender falls 97%
        ("1000000000.00", "unit_slip", "1/1,000"),
    ],
)
def test_large_changes_from_last_year_are_warnings_only(world, lookups, last_year, code, words):
    RDRecord.objects.create(
        enterprise=world.nanming_enterprise,
        year=2023,
        department="statistics",
        rd_expense=Decimal(last_year),
        rd_staff=20,
    )
    content = rd_workbook([rd_row(world.nanming_enterprise)])  # 1,000 千元 = 1,000,000 元
    batch = stage(world.staff, content)
    assert batch.status == "validated"
    assert batch.errors == []
    assert [(w["row"], w["code"], w["severity"]) for w in batch.warnings] == [(6, code, "warning")]
    assert words in batch.warnings[0]["message"]


def test_changes_under_ten_times_are_not_flagged(world, lookups):
    record = RDRecord.objects.create(
        enterprise=world.nanming_enterprise, year=2023, department="statistics", rd_staff=20
    )
    content = rd_workbook([rd_row(world.nanming_enterprise)])
    for last_year in (Decimal("1000000") / Decimal("9.9"), Decimal("9900000")):
        record.rd_expense = last_year.quantize(Decimal("0.01"))
        record.save()
        assert stage(world.staff, content).warnings == []


def test_year_stated_in_the_title_is_checked_against_the_chosen_year(world):
    content = rd_workbook([rd_row(world.nanming_enterprise)])
    batch = stage(world.staff, content, year=2025)
    assert batch.status == "failed"
    assert codes(batch.errors) == ["year_mismatch"]
    assert "文件标题注明的统计年度为2024年，与所选的2025年不一致" in batch.errors[0]["message"]
    assert stage(world.staff, content, year=2024).issues == []


# -- commit -------------------------------------------------------------------------------


def test_commit_writes_yuan_with_provenance(world):
    content = rd_workbook([rd_row(world.nanming_enterprise), rd_row(world.qixing_enterprise)])
    batch = commit(stage(world.staff, content), world.staff)

    assert (batch.status, batch.created_count, batch.updated_count) == ("committed", 2, 0)
    record = RDRecord.objects.get(enterprise=world.nanming_enterprise, year=2024, quarter=0)
    assert record.rd_expense == Decimal("1000000.00")
    assert record.cost_personnel == Decimal("600000.00")
    assert (record.batch, record.department, record.source_unit) == (
        batch,
        "statistics",
        "thousand",
    )
    assert record.created_by == world.staff
    assert record.history.count() == 1
    assert record.history.first().history_change_reason == f"导入批次#{batch.pk}"


def test_all_or_nothing_when_one_row_is_bad(world):
    content = rd_workbook(
        [rd_row(world.nanming_enterprise), rd_row(world.qixing_enterprise, rd_staff="n/a")]
    )
    batch = stage(world.staff, content)
    assert batch.status == "failed"
    with pytest.raises(batches.CommitRefused):
        commit(batch, world.staff)
    assert RDRecord.objects.count() == 0


def test_all_or_nothing_when_writing_fails_half_way(world, monkeypatch):
    first = commit(stage(world.staff, rd_workbook([rd_row(world.nanming_enterprise)])), world.staff)
    changed = rd_workbook(
        [rd_row(world.nanming_enterprise, rd_staff=99), rd_row(world.qixing_enterprise)]
    )
    batch = stage(world.staff, changed, allow_update=True)

    def broken(*args, **kwargs):
        raise RuntimeError("磁盘已满")

    # New rows are written first, then updates: the update fails after the insert.
    monkeypatch.setattr("kechuang.core.bulk.update_rows", broken)
    with pytest.raises(RuntimeError):
        commit(batch, world.staff)
    batch.refresh_from_db()
    assert batch.status == "validated"
    assert not RDRecord.objects.filter(enterprise=world.qixing_enterprise).exists()
    assert RDRecord.objects.get().rd_staff == 20
    assert RDRecord.objects.get().batch == first


def test_reimporting_the_same_file_changes_nothing(world):
    content = full_workbook([full_row(world.nanming_enterprise), full_row(world.qixing_enterprise)])
    commit(stage(world.staff, content), world.staff)
    before = {r.pk: (r.updated_at, r.batch_id) for r in RDRecord.objects.all()}
    history_before = RDRecord.history.count()

    again = stage(world.staff, content, allow_update=False)
    assert again.status == "validated"
    assert codes(again.warnings) == ["same_file"]
    again = commit(again, world.staff)

    assert (again.created_count, again.updated_count, again.unchanged_count) == (0, 0, 2)
    assert {r.pk: (r.updated_at, r.batch_id) for r in RDRecord.objects.all()} == before
    assert RDRecord.history.count() == history_before


def test_existing_figures_need_update_to_be_replaced(world, lookups):
    commit(stage(world.staff, rd_workbook([rd_row(world.nanming_enterprise)])), world.staff)
    changed = rd_workbook(
        [rd_row(world.nanming_enterprise, rd_staff=25), rd_row(world.qixing_enterprise)]
    )
    refused = stage(world.staff, changed, allow_update=False)
    assert refused.status == "failed"
    assert [(i["row"], i["code"]) for i in refused.errors] == [(6, "exists")]
    assert "更新已有数据" in refused.errors[0]["message"]

    updated = commit(stage(world.staff, changed, allow_update=True), world.staff)
    assert (updated.created_count, updated.updated_count) == (1, 1)
    assert RDRecord.objects.get(enterprise=world.nanming_enterprise).rd_staff == 25


def test_commit_keeps_the_update_choice_made_at_upload(world):
    """A batch staged without "update existing" is refused if the period changed since."""
    content = rd_workbook([rd_row(world.nanming_enterprise, rd_staff=25)])
    waiting = stage(world.staff, content, allow_update=False)
    assert waiting.status == "validated" and waiting.allow_update is False
    commit(stage(world.staff, rd_workbook([rd_row(world.nanming_enterprise)])), world.staff)

    with pytest.raises(batches.CommitRefused, match="请重新上传并校验"):
        commit(waiting, world.staff)
    assert RDRecord.objects.get(enterprise=world.nanming_enterprise).rd_staff == 20

    waiting_with_update = stage(world.staff, content, allow_update=True)
    commit(waiting_with_update, world.staff)
    assert RDRecord.objects.get(enterprise=world.nanming_enterprise).rd_staff == 25


def test_quarterly_figures_are_kept_apart_from_the_annual_ones(world):
    content = rd_workbook([rd_row(world.nanming_enterprise)])
    commit(stage(world.staff, content), world.staff)
    commit(stage(world.staff, content, quarter=2), world.staff)
    assert sorted(RDRecord.objects.values_list("quarter", flat=True)) == [0, 2]


# -- rollback -----------------------------------------------------------------------------


def _values(record) -> dict:
    return {f: getattr(record, f) for f in ["batch_id", "department", "source_unit", *FULL]}


def test_rollback_restores_previous_values_exactly_and_removes_created_rows(world):
    a, b = world.nanming_enterprise, world.qixing_enterprise
    first = commit(stage(world.staff, full_workbook([full_row(a)])), world.staff)
    original = _values(RDRecord.objects.get(enterprise=a))

    second = stage(
        world.staff,
        full_workbook([full_row(a, cost_other=140, rd_expense=1100, fund_self=900), full_row(b)]),
        department="economy",
        default_unit="yuan",
        allow_update=True,
    )
    second = commit(second, world.staff)
    assert (second.created_count, second.updated_count) == (1, 1)
    changed = RDRecord.objects.get(enterprise=a)
    assert changed.rd_expense == Decimal("1100000.00")  # the units line says 千元
    assert (changed.batch, changed.department) == (second, "economy")

    batches.rollback(second, user=world.staff)

    second.refresh_from_db()
    assert second.status == "rolled_back"
    assert second.rolled_back_at is not None
    assert _values(RDRecord.objects.get(enterprise=a)) == original
    assert not RDRecord.objects.filter(enterprise=b).exists()
    restored = RDRecord.objects.get(enterprise=a).history.first()
    assert restored.history_change_reason == f"撤销导入批次#{second.pk}"

    removed_pk = RDRecord.objects.get(enterprise=a).pk
    batches.rollback(first, user=world.staff)
    assert RDRecord.objects.count() == 0
    removal = RDRecord.history.filter(id=removed_pk).order_by("-history_id").first()
    assert (removal.history_type, removal.history_user) == ("-", world.staff)
    assert removal.history_change_reason == f"撤销导入批次#{first.pk}"
    with pytest.raises(batches.CommitRefused, match="该批次已撤销"):
        batches.rollback(first, user=world.staff)


def test_batches_committed_one_undo_step_per_row_still_roll_back(world):
    a, b = world.nanming_enterprise, world.qixing_enterprise
    kept = RDRecord.objects.create(
        enterprise=a, year=2024, department="economy", rd_staff=21, rd_expense=Decimal("5.50")
    )
    batch = commit(stage(world.staff, rd_workbook([rd_row(b)])), world.staff)
    added = RDRecord.objects.get(enterprise=b)
    scale = ScaleRecordFactory(enterprise=b, year=2024, is_above_scale=True)
    RDRecord.objects.filter(pk=kept.pk).update(rd_staff=99, batch=batch, department="statistics")
    batch.undo = [
        {"op": "record_created", "pk": added.pk},
        {
            "op": "record_updated",
            "pk": kept.pk,
            "before": {
                "rd_staff": "21",
                "rd_expense": "5.50",
                "batch_id": None,
                "department": "economy",
                "source_unit": "yuan",
            },
        },
        {"op": "scale_updated", "pk": scale.pk},
    ]
    batch.save()

    batches.rollback(batch, user=world.staff)

    kept.refresh_from_db()
    assert (kept.rd_staff, kept.rd_expense, kept.batch, kept.department) == (
        21,
        Decimal("5.50"),
        None,
        "economy",
    )
    assert not RDRecord.objects.filter(pk=added.pk).exists()
    scale.refresh_from_db()
    assert scale.is_above_scale is False


def test_rollback_refused_while_a_later_batch_stands(world):
    content = rd_workbook([rd_row(world.nanming_enterprise)])
    first = commit(stage(world.staff, content), world.staff)
    later = commit(
        stage(
            world.staff,
            rd_workbook([rd_row(world.nanming_enterprise, rd_staff=21)]),
            allow_update=True,
        ),
        world.staff,
    )
    with pytest.raises(batches.CommitRefused, match=f"#{later.pk}"):
        batches.rollback(first, user=world.staff)
    assert RDRecord.objects.get().rd_staff == 21
    batches.rollback(later, user=world.staff)
    batches.rollback(first, user=world.staff)
    assert RDRecord.objects.count() == 0


# -- unknown enterprises ------------------------------------------------------------------


def test_unknown_codes_are_rejected_unless_created_in_the_same_step(world):
    code = uscc.make("91", "330624", "MD000001")
    row = {**rd_row(world.nanming_enterprise), "uscc": code, "name": "新昌县新登记智能科技有限公司"}
    content = rd_workbook([rd_row(world.nanming_enterprise), row])
    batch = stage(world.staff, content)
    assert batch.status == "validated"
    assert [u["uscc"] for u in batch.unknown_usccs] == [code]

    with pytest.raises(batches.CommitRefused, match="1家企业尚未登记"):
        commit(batch, world.staff)
    with pytest.raises(batches.CommitRefused, match="默认乡镇街道和行业"):
        batches.commit(batch, user=world.staff, create_unknown=True)
    assert not Enterprise.objects.filter(uscc=code).exists()
    assert RDRecord.objects.count() == 0

    batch = batches.commit(
        batch, user=world.staff, create_unknown=True, town_code="330624003", industry_code="3484"
    )
    created = Enterprise.objects.get(uscc=code)
    assert (created.name, created.town_id, created.industry_id) == (
        "新昌县新登记智能科技有限公司",
        "330624003",
        "3484",
    )
    assert created.created_by == world.staff
    assert RDRecord.objects.get(enterprise=created).rd_expense == Decimal("1000000.00")
    assert batch.created_count == 2

    batches.rollback(batch, user=world.staff)
    created.refresh_from_db()
    assert created.status == "closed"  # enterprises are never deleted
    assert RDRecord.objects.count() == 0


def test_new_enterprises_only_in_towns_within_scope(world):
    code = uscc.make("91", "330683", "MD000002")
    row = {**rd_row(world.nanming_enterprise), "uscc": code, "name": "嵊州某公司"}
    batch = stage(world.staff, rd_workbook([row]))
    with pytest.raises(batches.CommitRefused):
        batches.commit(
            batch,
            user=world.staff,
            create_unknown=True,
            town_code="330683001",  # 嵊州: outside the bureau's county
            industry_code="3484",
        )
    assert not Enterprise.objects.filter(uscc=code).exists()


# -- financial figures --------------------------------------------------------------------


def test_financial_file_with_above_scale_marks_scale_records(world):
    a, b = world.nanming_enterprise, world.qixing_enterprise
    ScaleRecordFactory(enterprise=b, year=2024, is_above_scale=False)
    rows = [
        {
            "uscc": a.uscc,
            "name": a.name,
            "revenue": 12_000,
            "total_assets": 30_000,
            "employees": 210,
        },
        {
            "uscc": b.uscc,
            "name": b.name,
            "revenue": 2_500.5,
            "total_assets": 4_000,
            "employees": 80,
        },
    ]
    batch = stage(
        world.staff,
        financial_workbook(rows),
        filename="规上财务.xlsx",
        kind="financial",
        marks_above_scale=True,
    )
    assert batch.issues == []
    batch = commit(batch, world.staff)

    record = FinancialRecord.objects.get(enterprise=b, year=2024)
    assert record.revenue == Decimal("25005000.00")  # （万元） in the header
    assert record.employees == 80
    assert ScaleRecord.objects.get(enterprise=a, year=2024).is_above_scale is True
    assert ScaleRecord.objects.get(enterprise=b, year=2024).is_above_scale is True
    marked = ScaleRecord.objects.get(enterprise=a, year=2024).history.get()
    assert (marked.history_type, marked.history_user) == ("+", world.staff)
    assert marked.history_change_reason == f"导入批次#{batch.pk}"

    batches.rollback(batch, user=world.staff)
    assert not ScaleRecord.objects.filter(enterprise=a, year=2024).exists()
    assert ScaleRecord.objects.get(enterprise=b, year=2024).is_above_scale is False
    assert FinancialRecord.objects.count() == 0


def test_financial_file_without_the_mark_leaves_scale_alone(world):
    a = world.nanming_enterprise
    rows = [{"uscc": a.uscc, "name": a.name, "revenue": 1_000}]
    batch = commit(stage(world.staff, financial_workbook(rows), kind="financial"), world.staff)
    assert batch.created_count == 1
    assert not ScaleRecord.objects.filter(enterprise=a).exists()


# -- the job runner big imports go through ------------------------------------------------


def test_job_reports_progress_and_result(world, monkeypatch):
    seen = []

    def handler(job, report):
        report(40, "一半")
        seen.append(Job.objects.values_list("status", "progress", "message").get(pk=job.pk))
        return {"answer": job.params["n"] * 2}

    monkeypatch.setitem(jobs.HANDLERS, "test.double", handler)
    job = jobs.enqueue("test.double", "测试任务", params={"n": 21}, user=world.staff)

    assert seen == [("running", 40, "一半")]
    assert (job.status, job.progress, job.result) == ("succeeded", 100, {"answer": 42})
    assert job.started_at is not None and job.finished_at is not None


def test_failed_job_records_the_error(world, monkeypatch):
    def handler(job, report):
        report(30, "读取")
        raise ValueError("文件已损坏")

    monkeypatch.setitem(jobs.HANDLERS, "test.broken", handler)
    job = jobs.enqueue("test.broken", "测试任务", params={}, user=world.staff)
    assert job.status == "failed"
    assert job.progress == 30
    assert job.error.startswith("文件已损坏")
    assert "Traceback" in job.error


def test_stage_job_reads_the_archived_file(world):
    content = rd_workbook([rd_row(world.nanming_enterprise)])
    path = batches.archive(content, intake.file_digest(content), "107-2.xlsx")
    job = jobs.enqueue(
        "monitoring.stage",
        "校验",
        params={
            "path": path,
            "filename": "107-2.xlsx",
            "kind_key": "rd",
            "year": 2024,
            "quarter": 0,
            "department": "statistics",
            "default_unit": "thousand",
            "marks_above_scale": False,
            "allow_update": True,
            "user_id": world.staff.pk,
        },
        user=world.staff,
    )
    assert job.status == "succeeded", job.error
    batch = ImportBatch.objects.get(pk=job.result["batch_id"])
    assert (batch.status, batch.row_count, batch.created_by) == ("validated", 1, world.staff)
    assert job.result["url"] == batch.get_absolute_url()


def test_job_handlers_are_known_to_a_worker_that_loads_no_urls():
    """`kechuang worker --skip-checks` never imports the URL configuration."""
    import subprocess
    import sys

    script = (
        "import django, sys; django.setup(); "
        "from kechuang.core import jobs; "
        "print(sorted(k for k in jobs.HANDLERS if k.startswith('monitoring.'))); "
        "print('kechuang.urls' in sys.modules)"
    )
    output = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, check=True
    ).stdout.split("\n")
    assert output[:2] == ["['monitoring.commit', 'monitoring.stage']", "False"]
