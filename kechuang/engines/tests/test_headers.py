"""The header engine on its own: normalising, units, total labels, matching and locating."""

import pytest

from kechuang.engines.headers import (
    Term,
    Vocabulary,
    canonical,
    is_total_label,
    is_units_or_codes_row,
    locate,
    money_units_in,
    normalise,
)

STAFF = ("研究开发人员",)
COSTS = ("研究开发费用",)
VOCABULARY = Vocabulary(
    [
        Term("uscc", ("统一社会信用代码", "组织机构代码")),
        Term("name", ("单位详细名称",)),
        Term("rd_staff", ("研究开发人员合计",), ("合计",), STAFF),
        Term("rd_staff_female", (), ("女性",), STAFF),
        Term("rd_expense", ("研究开发费用合计",), ("合计",), COSTS),
        Term("cost_personnel", ("人员人工费用",)),
        Term("cost_other", ("其他费用",), ("其他",), COSTS),
        Term("fund_other", ("其他渠道",), ("其他",), ("资金来源",)),
        Term("instruments", (), ("仪器和设备",), ("固定资产",)),
        Term("fixed_assets", ("用于研究开发的固定资产",)),
        Term("hnte", ("研发费用（高企认定口径）",)),
    ]
)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("一、研究开发人员情况", "研发人员"),
        ("（二）研究开发费用", "研发费用"),
        ("(二)研究开发费用", "研发费用"),
        ("1.人员人工费用", "人员人工费用"),
        ("1、人员人工费用", "人员人工费用"),
        ("（1）人员人工费用", "人员人工费用"),
        ("①境内研究机构", "境内研究机构"),
        ("⑴境内研究机构", "境内研究机构"),
        ("2.1境内研究机构", "境内研究机构"),
        ("其中：本科毕业及以上人员", "本科毕业及以上人员"),
        ("其中:女性", "女性"),
        ("*其中：出口", "出口"),
        ("研究开发\n费用合计（千元）", "研发费用合计"),
        ("研究开发　费用 合计 (万元)", "研发费用合计"),
        ("研究与试验发展经费支出", "研发经费支出"),
        ("研发费用（高企认定口径）", "研发费用高企认定口径"),
        ("期末机构数（个）", "期末机构数"),
        ("", ""),
        (None, ""),
    ],
)
def test_normalise(text, expected):
    assert normalise(text) == expected


def test_notes_that_are_not_units_can_be_dropped():
    assert normalise("组织机构代码（统一社会信用代码）") == "组织机构代码统一社会信用代码"
    assert normalise("组织机构代码（统一社会信用代码）", keep_notes=False) == "组织机构代码"


def test_canonical_folds_full_width_and_whitespace():
    assert canonical("（ 千元 ）\u3000") == "(千元)"
    assert canonical(12.0) == "12.0"


@pytest.mark.parametrize(
    ("text", "units"),
    [
        ("研究开发费用合计（万元）", {"万元"}),
        ("费用(千元)", {"千元"}),
        ("计量单位：人、千元、个、件", {"千元"}),
        ("单位：万元", {"万元"}),
        ("金额单位:元", {"元"}),
        ("千元", {"千元"}),
        ("研究开发人员（人）", set()),
        ("单位详细名称", set()),
        ("计量单位：千元、万元", {"千元", "万元"}),
        ("()", set()),
    ],
)
def test_money_units_in(text, units):
    assert money_units_in(text) == units


@pytest.mark.parametrize(
    ("text", "total"),
    [
        ("合计", True),
        ("合 计", True),
        ("总计", True),
        ("小计", True),
        ("全县合计", True),
        ("南明街道小计", True),
        ("汇总", True),
        ("新昌县合计机械有限公司", False),
        ("合计科技中心", False),
        ("", False),
        ("91330624MA2B3C4D59", False),
    ],
)
def test_total_labels(text, total):
    assert is_total_label(text) is total


@pytest.mark.parametrize(
    ("row", "expected"),
    [
        (["甲", "乙", 1, 2, 3, 4], True),
        ([None, None, 1, 2, 3, 4, 5], True),
        (["—", "—", "人", "人", "千元", "千元"], True),
        (["", "", "人", "千元", "件"], True),
        (["计量单位：人、千元"], True),
        (["91330624MA2B3C4D59", "某公司", 12, 800], False),
        (["", "", "", ""], False),
        ([1, 5, 9], False),
    ],
)
def test_units_or_codes_rows(row, expected):
    assert is_units_or_codes_row(row) is expected


@pytest.mark.parametrize(
    ("stack", "field"),
    [
        (["研究开发人员合计"], "rd_staff"),
        (["一、研究开发人员情况", "合计"], "rd_staff"),
        (["一、研究开发人员情况", "其中：女性"], "rd_staff_female"),
        (["二、研究开发费用情况", "合计"], "rd_expense"),
        (["二、研究开发费用情况", "（8）其他"], "cost_other"),
        (["四、研究开发费用资金来源", "5.其他"], "fund_other"),
        (["企业研究开发活动及相关情况", "二、研究开发费用情况", "合计"], "rd_expense"),
        (["其中：女性"], "rd_staff_female"),
        (["合计"], None),
        (["其他"], None),
        (["研发费用（高企认定口径）"], "hnte"),
        (["研发费用", "高企认定口径"], "hnte"),
        (["组织机构代码（统一社会信用代码）"], "uscc"),
        (["联系电话"], None),
    ],
)
def test_match(stack, field):
    assert VOCABULARY.match(stack) == field


def test_a_header_naming_two_fields_is_refused():
    with pytest.raises(ValueError, match="names both"):
        Vocabulary([Term("a", ("合计数",)), Term("b", ("合计数",))])


def test_locate_a_sectioned_header_with_title_units_line_and_code_row():
    rows = [
        ["企业研究开发活动及相关情况"],
        ["表号：107-2表", None, "计量单位：人、千元"],
        [
            "统一社会信用代码",
            "单位详细名称",
            "一、研究开发人员情况",
            None,
            "二、研究开发费用情况",
            None,
        ],
        [None, None, "合计", "其中：女性", "合计", "人员人工费用"],
        ["甲", "乙", 1, 2, 3, 4],
        ["91330624MA2B3C4D59", "某公司", 12, 3, 800, 500],
    ]
    header = locate(rows, VOCABULARY, required=("uscc",))
    assert (header.top, header.depth, header.body) == (2, 2, 5)
    assert [(c.position, c.field) for c in header.columns] == [
        (0, "uscc"),
        (1, "name"),
        (2, "rd_staff"),
        (3, "rd_staff_female"),
        (4, "rd_expense"),
        (5, "cost_personnel"),
    ]
    assert header.line_units == {"千元"}
    assert header.ignored == []


def test_locate_reads_a_units_row_under_the_header_per_column():
    rows = [
        ["统一社会信用代码", "研究开发费用合计", "人员人工费用（万元）", "联系电话"],
        ["—", "元", "万元", None],
        ["91330624MA2B3C4D59", 5, 6, "0575"],
    ]
    header = locate(rows, VOCABULARY, required=("uscc",))
    assert header.body == 2
    assert header.row_units == {1: "元", 2: "万元"}
    assert header.column("cost_personnel").header_units == {"万元"}
    assert header.ignored == [(3, "联系电话")]


def test_locate_flat_qizhong_reads_under_the_column_to_its_left():
    rows = [["统一社会信用代码", "用于研究开发的固定资产", "其中：仪器和设备"], ["x", 1, 2]]
    header = locate(rows, VOCABULARY, required=("uscc",))
    assert header.column("instruments").position == 2


def test_locate_needs_the_required_field():
    rows = [["单位详细名称", "研究开发费用合计"], ["某公司", 5]]
    assert locate(rows, VOCABULARY, required=("uscc",)) is None
    assert locate(rows, VOCABULARY).columns[1].field == "rd_expense"
    assert locate([], VOCABULARY) is None
