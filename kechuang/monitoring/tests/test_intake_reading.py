"""Reading statistics files at the service level: real 107-2 layouts, every kind of bad
file and bad row, and the checks against the register and last year's figures."""

import io
from decimal import Decimal

import pytest
from openpyxl import Workbook

from kechuang.conftest import SHARED_WORLD
from kechuang.engines import uscc
from kechuang.monitoring import batches, intake, validation
from kechuang.monitoring.models import RDRecord
from kechuang.monitoring.tests.factories import (
    FULL,
    XLS_107_2,
    XLS_CODES,
    K,
    codes,
    commit,
    csv_bytes,
    full_row,
    full_workbook,
    rd_row,
    rd_workbook,
    sheet_bytes,
    stage,
)
from kechuang.registry.tests.factories import EnterpriseFactory

pytestmark = [SHARED_WORLD, pytest.mark.django_db]


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
