"""107-2 consistency rules (RULES.md §4.3) and the year-on-year jump check."""

import math

import pytest

from kechuang.engines.rd_checks import JUMP_FIELDS, Violation, check_row, jump_check


def consistent_row() -> dict[str, float]:
    """A 107-2 row (千元 and persons) that satisfies every rule."""
    return {
        "rd_staff": 20,
        "rd_staff_management": 3,
        "rd_staff_female": 6,
        "rd_staff_fulltime": 18,
        "rd_staff_bachelor": 15,
        "rd_staff_external": 2,
        "rd_expense": 1000,
        "cost_personnel": 400,
        "cost_direct": 300,
        "cost_depreciation": 100,
        "cost_amortisation": 20,
        "cost_design": 30,
        "cost_trial": 50,
        "cost_commissioned": 80,
        "commissioned_institutes": 10,
        "commissioned_universities": 50,
        "commissioned_enterprises": 20,
        "commissioned_abroad": 0,
        "cost_other": 20,
        "rd_fixed_assets": 200,
        "rd_instruments": 150,
        "fund_self": 900,
        "fund_government": 100,
        "fund_bank": 0,
        "fund_venture": 0,
        "fund_other": 0,
        "institutions": 1,
        "institution_staff": 12,
        "institution_phd": 2,
        "institution_master": 5,
        "institution_expense": 600,
        "patent_applications": 8,
        "invention_applications": 3,
        "valid_inventions": 10,
        "implemented_inventions": 6,
        "new_product_sales": 5000,
        "new_product_exports": 1000,
        "project_person_months": 240,
    }


def rules_of(violations: list[Violation]) -> list[str]:
    return [v.rule for v in violations]


def test_consistent_row_has_no_violations():
    assert check_row(consistent_row()) == []


# -- Sums ------------------------------------------------------------------------------------


def test_cost_total_must_equal_the_eight_items():
    row = consistent_row() | {"rd_expense": 1001, "fund_self": 901}
    (violation,) = check_row(row)
    assert violation.rule == "cost_items_sum"
    assert violation.fields[0] == "rd_expense" and len(violation.fields) == 9
    assert "研究开发费用合计（1,001）" in violation.message
    assert "（1,000）" in violation.message and "相差 1" in violation.message
    assert "人员人工费用" in violation.message


def test_commissioned_total_must_equal_the_four_parties():
    row = consistent_row() | {"commissioned_abroad": 5}
    (violation,) = check_row(row)
    assert violation.rule == "commissioned_sum"
    assert "委托外部研究开发费用（80）" in violation.message and "（85）" in violation.message


def test_funding_sources_must_add_up_to_the_cost_total():
    row = consistent_row() | {"fund_government": 99}
    assert rules_of(check_row(row)) == ["funding_sum"]


def test_tolerance_accepts_small_differences_only():
    row = consistent_row() | {"fund_government": 99.5}
    assert rules_of(check_row(row)) == ["funding_sum"]
    assert check_row(row, tolerance=0.5) == []
    assert rules_of(check_row(row | {"fund_government": 99.4}, tolerance=0.5)) == ["funding_sum"]


def test_unit_conversion_noise_is_not_a_violation():
    # 0.1 + 0.2 != 0.3 in binary floating point.
    row = {"cost_commissioned": 0.3, "commissioned_institutes": 0.1}
    row |= {"commissioned_universities": 0.2, "commissioned_enterprises": 0}
    row |= {"commissioned_abroad": 0}
    assert check_row(row) == []


# -- "其中" items within their totals ----------------------------------------------------------


def test_institution_cost_may_equal_but_not_exceed_the_total():
    assert check_row(consistent_row() | {"institution_expense": 1000}) == []
    (violation,) = check_row(consistent_row() | {"institution_expense": 1000.5})
    assert violation.rule == "cost_ge_institution"
    assert violation.message == "研究开发费用合计（1,000）不应小于机构研究开发费用（1,000.5）"


@pytest.mark.parametrize(
    "part",
    [
        "rd_staff_management",
        "rd_staff_female",
        "rd_staff_fulltime",
        "rd_staff_bachelor",
        "rd_staff_external",
    ],
)
def test_each_staff_part_fits_in_the_staff_total(part):
    assert check_row(consistent_row() | {part: 20, "rd_staff_bachelor": 20}) == []
    violations = check_row(consistent_row() | {part: 21})
    assert ("staff_ge_part", ("rd_staff", part)) in [(v.rule, v.fields) for v in violations]


def test_bachelor_and_above_covers_doctors_and_masters():
    row = consistent_row() | {"rd_staff_bachelor": 7}
    assert check_row(row) == []
    (violation,) = check_row(row | {"rd_staff_bachelor": 6})
    assert violation.rule == "bachelor_ge_postgraduates"
    assert "博士毕业（2）与其中：硕士毕业（5）之和（7）" in violation.message


def test_institution_staff_covers_doctors_and_masters():
    (violation,) = check_row(consistent_row() | {"institution_staff": 6})
    assert violation.rule == "institution_staff_ge_postgraduates"


@pytest.mark.parametrize(
    ("larger", "smaller", "rule"),
    [
        ("rd_fixed_assets", "rd_instruments", "fixed_assets_ge_instruments"),
        ("patent_applications", "invention_applications", "applications_ge_inventions"),
        ("valid_inventions", "implemented_inventions", "valid_ge_implemented"),
        ("new_product_sales", "new_product_exports", "new_products_ge_exports"),
    ],
)
def test_other_within_relations(larger, smaller, rule):
    base = consistent_row()
    assert check_row(base | {smaller: base[larger]}) == []
    (violation,) = check_row(base | {smaller: base[larger] + 1})
    assert violation.rule == rule
    assert violation.fields == (larger, smaller)


# -- Staff and staff cost, person-months ----------------------------------------------------


def test_staff_and_personnel_cost_are_zero_together():
    zero_staff = {"rd_staff": 0, "cost_personnel": 0}
    assert check_row(zero_staff) == []
    (violation,) = check_row({"rd_staff": 0, "cost_personnel": 0.01})
    assert violation.rule == "staff_iff_personnel_cost"
    assert (
        "研究开发人员合计为 0" in violation.message and "人员人工费用为 0.01" in violation.message
    )
    assert rules_of(check_row({"rd_staff": 1, "cost_personnel": 0})) == ["staff_iff_personnel_cost"]


def test_staff_times_twelve_covers_project_person_months():
    assert check_row({"rd_staff": 3, "project_person_months": 36}) == []
    (violation,) = check_row({"rd_staff": 3, "project_person_months": 37})
    assert violation.rule == "staff_covers_person_months"
    assert "3 人 × 12 = 36 人月" in violation.message and "37 人月" in violation.message


# -- Missing and invalid values -------------------------------------------------------------


def test_absent_fields_skip_their_rules():
    assert check_row({"rd_expense": 500}) == []
    assert check_row({"rd_staff": 5}) == []


def test_blank_cells_count_as_zero():
    row = consistent_row() | {"fund_bank": None, "fund_venture": math.nan, "fund_other": ""}
    assert check_row(row) == []
    blank_total = consistent_row() | {"rd_expense": None}
    assert "cost_items_sum" in rules_of(check_row(blank_total))


def test_non_numbers_are_reported_and_their_rules_skipped():
    row = consistent_row() | {"fund_self": "九百"}
    (violation,) = check_row(row)
    assert violation == Violation("not_number", "企业自筹的值“九百”不是有效数字", ("fund_self",))


def test_numeric_strings_with_separators_are_accepted():
    row = consistent_row() | {"new_product_sales": "5,000", "rd_expense": "1000"}
    assert check_row(row) == []


# -- Jumps -----------------------------------------------------------------------------------


def test_jump_up_is_flagged_from_exactly_the_factor():
    (violation,) = jump_check({"rd_expense": 10_501}, {"rd_expense": 1050})
    assert violation.rule == "jump_up" and violation.fields == ("rd_expense",)
    assert "上年 1,050" in violation.message
    assert rules_of(jump_check({"rd_expense": 10_500}, {"rd_expense": 1050})) == ["unit_slip"]
    assert jump_check({"rd_expense": 10_499}, {"rd_expense": 1050}) == []


def test_jump_down_is_flagged_from_exactly_one_over_the_factor():
    (violation,) = jump_check({"rd_staff": 3}, {"rd_staff": 31})
    assert violation.rule == "jump_down"
    assert "下降 90.3%" in violation.message and "上年 31" in violation.message
    assert jump_check({"rd_staff": 4}, {"rd_staff": 39}) == []


def test_a_fall_of_ninety_seven_percent_is_flagged():
    (violation,) = jump_check({"rd_expense": 3_000}, {"rd_expense": 100_000})
    assert violation.rule == "jump_down"
    assert "下降 97%" in violation.message


@pytest.mark.parametrize("ratio", [10, 1_000, 10_000])
def test_exact_unit_ratios_either_way_are_unit_slips(ratio):
    (up,) = jump_check({"rd_expense": 1234 * ratio}, {"rd_expense": 1234})
    (down,) = jump_check({"rd_expense": 1234}, {"rd_expense": 1234 * ratio})
    assert up.rule == down.rule == "unit_slip"
    assert f"恰为上年 {1234 * ratio:,} 的 1/{ratio:,}" in down.message
    assert f"{ratio:,} 倍" in up.message
    assert rules_of(jump_check({"rd_expense": 1234 * ratio + 1}, {"rd_expense": 1234})) == [
        "jump_up"
    ]


def test_jump_messages_quote_figures_in_the_columns_unit():
    (violation,) = jump_check(
        {"rd_expense": 50_000_000}, {"rd_expense": 100_000}, units={"rd_expense": (1000, "千元")}
    )
    assert "本年 50,000 千元" in violation.message and "上年 100 千元" in violation.message


def test_jump_factor_is_configurable():
    assert jump_check({"rd_expense": 1001}, {"rd_expense": 1}) != []
    assert jump_check({"rd_expense": 1001}, {"rd_expense": 1}, factor=1002) == []
    assert rules_of(jump_check({"rd_expense": 7}, {"rd_expense": 1}, factor=7)) == ["jump_up"]


def test_jump_ignores_zero_blank_and_absent_values():
    assert jump_check({"rd_expense": 5_000_000}, {"rd_expense": 0}) == []
    assert jump_check({"rd_expense": 0}, {"rd_expense": 5_000_000}) == []
    assert jump_check({"rd_expense": 5_000_000}, {"rd_expense": None}) == []
    assert jump_check({"rd_expense": 5_000_000}, {}) == []


def test_jump_checks_only_the_requested_fields():
    current = {"rd_expense": 1_000_001, "papers": 500}
    previous = {"rd_expense": 1000, "papers": 1}
    assert rules_of(jump_check(current, previous)) == ["jump_up"]
    assert [v.fields for v in jump_check(current, previous, fields=["papers"])] == [("papers",)]
    assert "papers" not in JUMP_FIELDS


@pytest.mark.parametrize("factor", [1, 0.5, -3, math.inf, True])
def test_jump_factor_must_exceed_one(factor):
    with pytest.raises(ValueError):
        jump_check({}, {}, factor=factor)
