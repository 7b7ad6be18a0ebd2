"""The monitoring engine: lists, coverage, classes, tiers, alerts, rules and schema.

Long because each rule is tested at its boundaries; the sections follow the engine package
(lists and coverage, classes, tiers, alerts, the rules' schema) so one part is found whole."""

import json
from datetime import date

import numpy as np
import pandas as pd
import pytest

from kechuang.engines import monitoring
from kechuang.engines.monitoring import (
    AllOf,
    AnyOf,
    Condition,
    CoverageItem,
    MonitoringRules,
    TierRule,
    compute,
    expr_from_dict,
    validate_facts,
)

YEAR = 2024


def row(enterprise_id: int, year: int = YEAR, **values) -> dict:
    """A fact row for a 规上 enterprise with modest R&D; keyword arguments override."""
    base = {
        "enterprise_id": enterprise_id,
        "year": year,
        "town_code": "330624001",
        "industry_code": "C3451",
        "is_above_scale": True,
        "revenue": 100_000_000.0,
        "rd_expense": 1_000_000.0,
        "rd_staff": 5,
        "employees": 100,
        "tech_staff": 10,
        "has_rd_institution": False,
        "valid_inventions": 0,
        "iuc_expense": 0.0,
        "new_product_sales": 0.0,
        "is_hnte": False,
        "is_tech_sme": False,
        "hnte_valid_until": None,
    }
    unknown = set(values) - set(base)
    assert not unknown, unknown
    return base | values


def facts(*rows: dict) -> pd.DataFrame:
    return pd.DataFrame(list(rows))


def run(*rows: dict, year: int = YEAR, **rule_values) -> monitoring.MonitoringResult:
    return compute(facts(*rows), year, MonitoringRules(**rule_values))


def column(frame: pd.DataFrame, name: str, key: str = "enterprise_id") -> dict:
    return dict(zip(frame[key].tolist(), frame[name].tolist(), strict=True))


# -- Schema ----------------------------------------------------------------------------------


def test_missing_columns_are_named():
    frame = facts(row(1)).drop(columns=["rd_expense", "is_hnte"])
    with pytest.raises(ValueError, match="missing columns: rd_expense, is_hnte"):
        compute(frame, YEAR)


def test_duplicate_enterprise_year_is_rejected():
    with pytest.raises(ValueError, match="enterprise_id=7, year=2024"):
        validate_facts(facts(row(7), row(8), row(7)))


def test_negative_amounts_are_rejected():
    with pytest.raises(ValueError, match="'rd_expense' has negative values"):
        validate_facts(facts(row(1, rd_expense=-5.0)))


def test_non_numeric_amounts_are_rejected():
    with pytest.raises(ValueError, match="'revenue' has non-numeric values"):
        validate_facts(facts(row(1, revenue="很多")))


def test_missing_enterprise_id_is_rejected():
    frame = facts(row(1), row(2))
    frame["enterprise_id"] = [1.0, np.nan]
    with pytest.raises(ValueError, match="'enterprise_id' has missing"):
        validate_facts(frame)


def test_bad_boolean_values_are_rejected():
    with pytest.raises(ValueError, match="is_hnte"):
        validate_facts(facts(row(1, is_hnte=2)))


def test_year_without_rows_is_rejected():
    with pytest.raises(ValueError, match="no rows for year 2025"):
        compute(facts(row(1)), 2025)


def test_non_date_expiry_is_rejected():
    with pytest.raises(ValueError, match="hnte_valid_until"):
        compute(facts(row(1, is_hnte=True, hnte_valid_until="not a date")), YEAR)


def test_extra_columns_and_column_order_do_not_matter():
    frame = facts(row(1), row(2, rd_expense=5.0))
    frame["note"] = "x"
    result = compute(frame[list(reversed(frame.columns))], YEAR)
    assert result.top_by_spend["enterprise_id"].tolist() == [1, 2]


def test_missing_booleans_are_false():
    frame = facts(row(1, has_rd_institution=None, is_hnte=None), row(2, has_rd_institution=True))
    result = compute(frame, YEAR)
    assert column(result.coverage, "rd_institution") == {1: False, 2: True}


def test_sparse_ids_give_the_same_results_as_dense_ones():
    rows = [
        row(1, rd_expense=5.0),
        row(2, rd_expense=5.0),
        row(3, rd_expense=0.0),
        row(1, YEAR - 1, rd_expense=9.0),
    ]
    dense = compute(facts(*rows), YEAR)
    sparse_rows = [r | {"enterprise_id": r["enterprise_id"] * 10**12} for r in rows]
    sparse = compute(facts(*sparse_rows), YEAR)
    assert (sparse.top_by_spend["enterprise_id"] // 10**12).tolist() == [1, 2]
    assert (sparse.declines["enterprise_id"] // 10**12).tolist() == [1]
    assert dense.summary == sparse.summary


# -- Rules as data ---------------------------------------------------------------------------


def test_default_rules():
    rules = MonitoringRules()
    assert rules.top_n == 50
    assert rules.decline_min_ratio == 0.0 and rules.alert_decline_ratio == 0.30
    assert rules.zero_rd_alert_years == 2 and rules.hnte_expiry_days == 183
    assert rules.classes == monitoring.DEFAULT_CLASSES
    assert rules.classes[0].conditions.conditions[0] == Condition("intensity", ">=", 0.03)
    assert rules.intensity_above_scale_only and rules.intensity_sections == ("B", "C", "D")
    assert rules.intensity_min_revenue == 20_000_000
    assert rules.zero_rd_above_scale_only and rules.zero_rd_min_years == 1
    assert [item.label for item in rules.coverage_items] == [
        "研发机构",
        "研发投入",
        "研发人员",
        "发明专利",
        "产学研合作",
    ]
    assert [tier.label for tier in rules.tiers] == ["高壮大", "小升高", "微成长"]


def test_rules_round_trip_through_json():
    rules = MonitoringRules()
    stored = json.loads(json.dumps(rules.to_dict(), ensure_ascii=False))
    assert MonitoringRules.from_dict(stored) == rules


def test_custom_rules_round_trip_through_json():
    rules = MonitoringRules(
        version="2025-试行",
        top_n=10,
        coverage_items=(CoverageItem("npd", "新产品", "new_product_sales", 1_000_000),),
        tiers=(
            TierRule(
                "town",
                "重点乡镇",
                AllOf(
                    (
                        Condition("town_code", "in", ("330624001", "330624002")),
                        AnyOf(
                            (Condition("intensity", ">", 0.05), Condition("is_hnte", "!=", False))
                        ),
                    )
                ),
            ),
        ),
    )
    stored = json.loads(json.dumps(rules.to_dict()))
    assert stored["tiers"][0]["conditions"]["all"][0]["value"] == ["330624001", "330624002"]
    assert MonitoringRules.from_dict(stored) == rules


def test_omitted_settings_take_defaults():
    rules = MonitoringRules.from_dict({"version": "v2", "top_n": 20})
    assert rules.top_n == 20 and rules.tiers == MonitoringRules().tiers


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"top_m": 5}, "未知的规则项：top_m"),
        ({"top_n": 0}, "top_n"),
        ({"top_n": True}, "top_n"),
        ({"decline_min_ratio": 1.0}, "decline_min_ratio"),
        ({"alert_decline_ratio": -0.1}, "alert_decline_ratio"),
        ({"version": " "}, "版本号"),
        ({"coverage_items": []}, "全覆盖事项不能为空"),
        (
            {"coverage_items": [{"key": "a", "label": "甲", "field": "town_code", "min_value": 1}]},
            "不是数值字段",
        ),
        ({"coverage_items": [{"key": "a", "label": "甲"}]}, "定义不完整"),
        (
            {
                "coverage_items": [
                    {"key": "a", "label": "甲", "field": "rd_staff", "min_value": 1},
                    {"key": "a", "label": "乙", "field": "rd_staff", "min_value": 2},
                ]
            },
            "代码重复",
        ),
        (
            {
                "coverage_items": [
                    {"key": "missing", "label": "甲", "field": "rd_staff", "min_value": 1}
                ]
            },
            "不能为 enterprise_id 或 missing",
        ),
        (
            {
                "tiers": [
                    {
                        "key": "x",
                        "label": "某",
                        "conditions": {"field": "nope", "op": "==", "value": 1},
                    }
                ]
            },
            "未知字段",
        ),
        (
            {
                "tiers": [
                    {
                        "key": "x",
                        "label": "某",
                        "conditions": {"field": "revenue", "op": "~", "value": 1},
                    }
                ]
            },
            "不支持运算符",
        ),
        (
            {
                "tiers": [
                    {
                        "key": "x",
                        "label": "某",
                        "conditions": {"field": "revenue", "op": ">", "value": "1"},
                    }
                ]
            },
            "类型不符",
        ),
        (
            {
                "tiers": [
                    {
                        "key": "x",
                        "label": "某",
                        "conditions": {"field": "is_hnte", "op": "==", "value": 1},
                    }
                ]
            },
            "类型不符",
        ),
        (
            {
                "tiers": [
                    {
                        "key": "x",
                        "label": "某",
                        "conditions": {"field": "town_code", "op": ">", "value": "a"},
                    }
                ]
            },
            "不支持运算符",
        ),
        (
            {
                "tiers": [
                    {
                        "key": "x",
                        "label": "某",
                        "conditions": {"field": "town_code", "op": "in", "value": []},
                    }
                ]
            },
            "非空列表",
        ),
        ({"tiers": [{"key": "x", "label": "某", "conditions": {"any": []}}]}, "不能为空"),
        (
            {
                "tiers": [
                    {
                        "key": "none",
                        "label": "某",
                        "conditions": {"field": "revenue", "op": ">", "value": 1},
                    }
                ]
            },
            "保留代码",
        ),
        (
            {"tiers": [{"key": "x", "label": "某", "conditions": {"field": "revenue"}}]},
            "无法识别的条件",
        ),
    ],
)
def test_invalid_rules_are_rejected_with_a_reason(data, message):
    with pytest.raises(ValueError, match=message):
        MonitoringRules.from_dict(data)


def test_condition_tree_parses_nested_json():
    expr = expr_from_dict(
        {
            "any": [
                {"all": [{"field": "revenue", "op": ">=", "value": 5}]},
                {"field": "is_hnte", "op": "==", "value": True},
            ]
        }
    )
    assert expr == AnyOf(
        (AllOf((Condition("revenue", ">=", 5),)), Condition("is_hnte", "==", True))
    )


# -- 研发50强 ----------------------------------------------------------------------------------


def test_top_by_spend_ranks_everyone_with_rd_and_breaks_ties_by_id():
    result = run(
        row(5, rd_expense=300.0),
        row(3, rd_expense=300.0),
        row(4, rd_expense=500.0, is_above_scale=False),
        row(1, rd_expense=0.0),
        row(2, rd_expense=np.nan),
        row(6, rd_expense=100.0),
        top_n=3,
    )
    top = result.top_by_spend
    assert top["rank"].tolist() == [1, 2, 3]
    assert top["enterprise_id"].tolist() == [4, 3, 5]
    assert top["value"].tolist() == [500.0, 300.0, 300.0]
    ranks = result.entries.assign(rank_spend=result.entries["rank_spend"].fillna(0))
    assert column(ranks, "rank_spend") == {1: 0, 2: 0, 3: 2, 4: 1, 5: 3, 6: 4}


def test_ties_follow_enterprise_id_whatever_the_row_order():
    ids = np.random.default_rng(7).permutation(np.arange(1, 201))
    result = run(*(row(int(eid), rd_expense=100.0 + (eid > 150)) for eid in ids), top_n=60)
    expected = list(range(151, 201)) + list(range(1, 11))
    assert result.top_by_spend["enterprise_id"].tolist() == expected
    assert result.top_by_intensity["enterprise_id"].tolist() == expected


def test_top_by_intensity_needs_positive_revenue():
    result = run(
        row(1, rd_expense=30.0, revenue=1000.0),
        row(2, rd_expense=50.0, revenue=0.0),
        row(3, rd_expense=50.0, revenue=np.nan),
        row(4, rd_expense=20.0, revenue=1000.0),
        row(5, rd_expense=0.0, revenue=1000.0),
        intensity_min_revenue=0.0,
    )
    top = result.top_by_intensity
    assert top["enterprise_id"].tolist() == [1, 4]
    assert top["value"].tolist() == [0.03, 0.02]


def test_intensity_revenue_floor_is_inclusive():
    rows = (row(1, rd_expense=10.0, revenue=1000.0), row(2, rd_expense=10.0, revenue=999.0))
    assert run(*rows, intensity_min_revenue=1000.0).top_by_intensity["enterprise_id"].tolist() == [
        1
    ]


# -- 负增长 ------------------------------------------------------------------------------------


def test_any_fall_counts_by_default_and_no_change_does_not():
    result = run(
        row(1, YEAR - 1, rd_expense=100.0),
        row(1, rd_expense=99.0),
        row(2, YEAR - 1, rd_expense=100.0),
        row(2, rd_expense=100.0),
        row(3, YEAR - 1, rd_expense=100.0),
        row(3, rd_expense=0.0),
    )
    declines = result.declines
    assert declines["enterprise_id"].tolist() == [3, 1]
    assert declines.iloc[0].to_dict() == {
        "enterprise_id": 3,
        "previous": 100.0,
        "current": 0.0,
        "drop": 100.0,
        "drop_ratio": 1.0,
    }


def test_decline_threshold_is_exclusive():
    rows = []
    for eid, current in ((1, 70.0), (2, 69.9), (3, 70.1)):
        rows += [row(eid, YEAR - 1, rd_expense=100.0), row(eid, rd_expense=current)]
    result = run(*rows, decline_min_ratio=0.3)
    assert result.declines["enterprise_id"].tolist() == [2]


def test_declines_need_positive_previous_and_known_current():
    result = run(
        row(1, YEAR - 1, rd_expense=0.0),
        row(1, rd_expense=0.0),
        row(2, YEAR - 1, rd_expense=np.nan),
        row(2, rd_expense=10.0),
        row(3, YEAR - 1, rd_expense=100.0),
        row(3, rd_expense=np.nan),
        row(4, YEAR - 1, rd_expense=100.0),
    )
    assert result.declines.empty


def test_first_year_has_no_declines():
    assert run(row(1, rd_expense=0.0), row(2)).declines.empty


def test_declines_order_by_drop_then_id():
    rows = []
    for eid, previous, current in ((9, 100.0, 50.0), (4, 300.0, 250.0), (6, 1000.0, 100.0)):
        rows += [row(eid, YEAR - 1, rd_expense=previous), row(eid, rd_expense=current)]
    assert run(*rows).declines["enterprise_id"].tolist() == [6, 4, 9]


# -- 零研发 ------------------------------------------------------------------------------------


def test_three_year_zero_streak():
    result = run(
        row(1, YEAR - 3, rd_expense=5.0),
        row(1, YEAR - 2, rd_expense=0.0),
        row(1, YEAR - 1, rd_expense=0.0),
        row(1, rd_expense=0.0),
    )
    assert column(result.zero_rd, "zero_years") == {1: 3}


def test_streak_is_broken_by_positive_missing_or_unknown_years():
    result = run(
        row(1, YEAR - 2, rd_expense=0.0),
        row(1, YEAR - 1, rd_expense=10.0),
        row(1, rd_expense=0.0),
        row(2, YEAR - 2, rd_expense=0.0),
        row(2, rd_expense=0.0),
        row(3, YEAR - 1, rd_expense=np.nan),
        row(3, rd_expense=0.0),
        row(4, YEAR - 1, rd_expense=0.0),
        row(4, rd_expense=0.0),
    )
    assert result.zero_rd["enterprise_id"].tolist() == [4, 1, 2, 3]
    assert column(result.zero_rd, "zero_years") == {1: 1, 2: 1, 3: 1, 4: 2}


def test_zero_rd_lists_above_scale_only_and_not_unknown_rd():
    result = run(
        row(1, rd_expense=0.0, is_above_scale=False),
        row(2, rd_expense=np.nan),
        row(3, rd_expense=0.0),
    )
    assert result.zero_rd["enterprise_id"].tolist() == [3]
    assert column(result.entries, "zero_years") == {1: 1, 2: 0, 3: 1}


def test_years_after_the_monitored_year_are_ignored():
    result = run(row(1, rd_expense=0.0), row(1, YEAR + 1, rd_expense=0.0))
    assert column(result.zero_rd, "zero_years") == {1: 1}


# -- 五个全覆盖 --------------------------------------------------------------------------------


def test_coverage_items_at_their_boundaries():
    result = run(
        row(
            1,
            has_rd_institution=True,
            rd_expense=0.01,
            rd_staff=1,
            valid_inventions=1,
            iuc_expense=1.0,
        ),
        row(2, rd_expense=0.0, rd_staff=0, valid_inventions=0, iuc_expense=0.0),
        row(3, rd_expense=np.nan, rd_staff=np.nan, valid_inventions=np.nan, iuc_expense=np.nan),
        row(4, is_above_scale=False),
    )
    coverage = result.coverage
    assert coverage["enterprise_id"].tolist() == [1, 2, 3]
    assert (
        coverage.iloc[0][["rd_institution", "rd_expense", "rd_staff", "invention", "iuc"]].tolist()
        == [True] * 5
    )
    all_labels = ("研发机构", "研发投入", "研发人员", "发明专利", "产学研合作")
    assert column(coverage, "missing") == {1: (), 2: all_labels, 3: all_labels}
    assert column(result.entries, "coverage_missing")[4] == ()


def test_coverage_summary_counts_and_shares():
    result = run(
        row(1, has_rd_institution=True),
        row(2, has_rd_institution=True, valid_inventions=3),
        row(3),
        row(4),
    )
    summary = result.coverage_summary.set_index("key")
    assert summary.loc["rd_institution", ["covered", "total", "share"]].tolist() == [2, 4, 0.5]
    assert summary.loc["invention", "covered"] == 1
    assert summary.loc["rd_expense", "share"] == 1.0
    assert result.summary["coverage_full"] == 0


def test_custom_coverage_threshold_is_inclusive():
    items = (CoverageItem("staff", "研发人员≥10", "rd_staff", 10),)
    result = run(row(1, rd_staff=10), row(2, rd_staff=9), coverage_items=items)
    assert column(result.coverage, "staff") == {1: True, 2: False}
    assert column(result.coverage, "missing") == {1: (), 2: ("研发人员≥10",)}
    assert result.summary["coverage_full"] == 1 and result.summary["coverage_full_share"] == 0.5


# -- 分类提级 ----------------------------------------------------------------------------------


def test_active_class_at_the_intensity_boundary():
    result = run(
        row(1, rd_expense=3.0, revenue=100.0, has_rd_institution=True),
        row(2, rd_expense=2.99, revenue=100.0, has_rd_institution=True),
        row(3, rd_expense=3.0, revenue=100.0),
        row(4, rd_expense=3.0, revenue=100.0, valid_inventions=1),
        row(5, rd_expense=3.0, revenue=0.0, has_rd_institution=True),
    )
    assert column(result.classes, "innovation_class") == {
        1: "active",
        2: "passive",
        3: "passive",
        4: "active",
        5: "passive",
    }


def test_lacking_class_needs_zero_rd_now_and_last_year_or_no_last_year():
    result = run(
        row(1, YEAR - 1, rd_expense=0.0),
        row(1, rd_expense=0.0),
        row(2, rd_expense=0.0),
        row(3, YEAR - 1, rd_expense=np.nan),
        row(3, rd_expense=0.0),
        row(4, YEAR - 1, rd_expense=10.0),
        row(4, rd_expense=0.0),
        row(5, rd_expense=np.nan),
    )
    assert column(result.classes, "innovation_class") == {
        1: "lacking",
        2: "lacking",
        3: "lacking",
        4: "passive",
        5: "unknown",
    }
    assert result.summary["classes"] == {"active": 0, "passive": 1, "lacking": 3, "unknown": 1}


# -- Tiers -----------------------------------------------------------------------------------


def test_default_tiers_at_their_boundaries():
    valid = date(YEAR + 2, 6, 30)
    result = run(
        row(1, is_hnte=True, hnte_valid_until=valid, is_above_scale=False, revenue=200_000_000.0),
        row(2, is_hnte=True, hnte_valid_until=valid, is_above_scale=False, revenue=199_999_999.0),
        row(3, is_hnte=True, hnte_valid_until=valid, revenue=30_000_000.0),
        row(4, is_hnte=True, hnte_valid_until=date(YEAR, 12, 30)),
        row(5, is_hnte=True, hnte_valid_until=date(YEAR, 12, 31)),
        row(6, is_hnte=True),
        row(7, is_tech_sme=True, rd_expense=0.0, tech_staff=0),
        row(8, rd_expense=0.0, tech_staff=1),
        row(9, rd_expense=0.0, tech_staff=0),
        row(10, rd_expense=np.nan, tech_staff=np.nan),
    )
    assert column(result.tiers, "tier") == {
        1: "strong",
        2: "rising",
        3: "strong",
        4: "micro",
        5: "strong",
        6: "strong",
        7: "rising",
        8: "micro",
        9: "none",
        10: "none",
    }
    assert result.summary["tiers"] == {"strong": 4, "rising": 2, "micro": 2, "none": 2}


def test_tier_moves_compare_with_last_year_from_the_same_facts():
    result = run(
        row(1, YEAR - 1, is_tech_sme=True),
        row(1, is_hnte=True),
        row(2, YEAR - 1, is_tech_sme=True),
        row(2, is_hnte=True),
        row(3, YEAR - 1),
        row(3),
        row(4, YEAR - 1),
        row(5),
        row(6, YEAR - 1, rd_expense=0.0, tech_staff=0),
        row(6, rd_expense=0.0, tech_staff=0),
    )
    moves = {(m.from_tier, m.to_tier): m.count for m in result.tier_moves.itertuples()}
    assert moves == {
        ("rising", "strong"): 2,
        ("micro", "micro"): 1,
        ("micro", "absent"): 1,
        ("none", "none"): 1,
        ("absent", "micro"): 1,
    }
    assert result.tier_moves["count"].sum() == 6
    first = result.tier_moves.iloc[0]
    assert (first.from_label, first.to_label) == ("小升高", "高壮大")
    assert column(result.tiers, "previous_tier") == {
        1: "rising",
        2: "rising",
        3: "micro",
        5: "absent",
        6: "none",
    }


def test_first_year_moves_come_from_absent():
    result = run(row(1), row(2, is_tech_sme=True))
    moves = {(m.from_tier, m.to_tier): m.count for m in result.tier_moves.itertuples()}
    assert moves == {("absent", "rising"): 1, ("absent", "micro"): 1}


def test_custom_tier_rules_first_match_wins():
    tiers = (
        TierRule("towns", "重点乡镇", Condition("town_code", "in", ("330624002",))),
        TierRule("big", "大企业", Condition("revenue", ">=", 50.0)),
        TierRule("rest", "其他", Condition("industry_code", "!=", "C3451")),
    )
    result = run(
        row(1, town_code="330624002", revenue=100.0),
        row(2, revenue=100.0),
        row(3, revenue=10.0, industry_code="C2710"),
        row(4, revenue=10.0),
        row(5, revenue=10.0, industry_code=None),
        tiers=tiers,
    )
    assert column(result.tiers, "tier") == {1: "towns", 2: "big", 3: "rest", 4: "none", 5: "none"}


def test_missing_values_never_satisfy_a_condition():
    tiers = (TierRule("low", "低", Condition("revenue", "!=", 5.0)),)
    result = run(row(1, revenue=np.nan), row(2, revenue=4.0), tiers=tiers)
    assert column(result.tiers, "tier") == {1: "none", 2: "low"}


def test_derived_fields_in_conditions():
    tiers = (
        TierRule("grow", "增长", Condition("previous_rd_expense", "<", 100.0)),
        TierRule("staff", "人才", Condition("tech_staff_ratio", ">=", 0.5)),
    )
    result = run(
        row(1, YEAR - 1, rd_expense=50.0),
        row(1),
        row(2, tech_staff=50, employees=100),
        row(3, tech_staff=49, employees=100),
        tiers=tiers,
    )
    assert column(result.tiers, "tier") == {1: "grow", 2: "staff", 3: "none"}


# -- Alerts ----------------------------------------------------------------------------------


def alerts_of(result: monitoring.MonitoringResult, kind: str) -> pd.DataFrame:
    return result.alerts[result.alerts["kind"] == kind]


def test_rd_drop_alert_is_strictly_above_the_ratio():
    rows = []
    for eid, current in ((1, 700_000.0), (2, 699_999.0), (3, 0.0)):
        rows += [row(eid, YEAR - 1, rd_expense=1_000_000.0), row(eid, rd_expense=current)]
    drops = alerts_of(run(*rows), "rd_drop")
    assert drops["enterprise_id"].tolist() == [2, 3]
    assert drops.iloc[0]["message"] == "研发投入由 100.00 万元降至 70.00 万元，降幅 30.0%"
    assert drops["value"].tolist() == pytest.approx([0.300001, 1.0])


def test_zero_rd_streak_alert_from_the_configured_years():
    result = run(
        row(1, YEAR - 1, rd_expense=0.0),
        row(1, rd_expense=0.0),
        row(2, rd_expense=0.0),
        row(3, YEAR - 1, rd_expense=0.0, is_above_scale=False),
        row(3, rd_expense=0.0, is_above_scale=False),
    )
    streaks = alerts_of(result, "zero_rd_streak")
    assert streaks["enterprise_id"].tolist() == [1]
    assert streaks.iloc[0]["message"] == "规上企业已连续 2 年研发投入为零"
    rows = (row(1, YEAR - 1, rd_expense=0.0), row(1, rd_expense=0.0))
    assert alerts_of(run(*rows, zero_rd_alert_years=3), "zero_rd_streak").empty


def test_hnte_expiry_alert_window_from_the_default_today():
    # Default today is 2024-12-31; 183 days later is 2025-07-02.
    result = run(
        row(1, is_hnte=True, hnte_valid_until=date(2025, 7, 2)),
        row(2, is_hnte=True, hnte_valid_until=date(2025, 7, 3)),
        row(3, is_hnte=True, hnte_valid_until=date(2024, 12, 31)),
        row(4, is_hnte=True, hnte_valid_until=date(2024, 12, 30)),
        row(5, is_hnte=False, hnte_valid_until=date(2025, 1, 5)),
        row(6, is_hnte=True),
    )
    expiring = alerts_of(result, "hnte_expiring")
    assert column(expiring, "value") == {1: 183.0, 3: 0.0}
    assert expiring.iloc[0]["message"] == "高新技术企业资格将于 2025-07-02 到期（剩余 183 天）"
    assert result.today == date(2024, 12, 31)


def test_hnte_expiry_uses_the_given_today():
    frame = facts(row(1, is_hnte=True, hnte_valid_until=pd.Timestamp("2025-03-01")))
    near = compute(frame, YEAR, today=date(2025, 2, 1))
    assert column(alerts_of(near, "hnte_expiring"), "value") == {1: 28.0}
    later = compute(frame, YEAR, MonitoringRules(hnte_expiry_days=27), today=date(2025, 2, 1))
    assert alerts_of(later, "hnte_expiring").empty


def test_left_above_scale_alert():
    result = run(
        row(1, YEAR - 1),
        row(1, is_above_scale=False, revenue=15_000_000.0),
        row(2, YEAR - 1),
        row(3, YEAR - 1),
        row(3),
        row(4, YEAR - 1, is_above_scale=False),
        row(4, is_above_scale=False),
    )
    left = alerts_of(result, "left_above_scale")
    assert column(left, "message") == {
        1: "上年为规上企业，本年已退出规上",
        2: "上年为规上企业，本年无数据",
    }
    assert left["value"].iloc[0] == 15_000_000.0 and np.isnan(left["value"].iloc[1])


def test_alerts_are_ordered_by_kind_then_enterprise():
    result = run(
        row(2, YEAR - 1, rd_expense=100.0),
        row(2, rd_expense=0.0),
        row(1, YEAR - 1, rd_expense=100.0),
        row(1, rd_expense=0.0, is_above_scale=False),
    )
    pairs = list(zip(result.alerts["kind"], result.alerts["enterprise_id"], strict=True))
    assert pairs == [("rd_drop", 1), ("rd_drop", 2), ("left_above_scale", 1)]
    assert result.summary["alerts"] == {
        "rd_drop": 2,
        "zero_rd_streak": 0,
        "hnte_expiring": 0,
        "left_above_scale": 1,
    }


# -- Summary and entries ---------------------------------------------------------------------


def test_summary_county_figures():
    result = run(
        row(1, rd_expense=3_000_000.0, revenue=100_000_000.0, has_rd_institution=True),
        row(2, rd_expense=1_000_000.0, revenue=100_000_000.0),
        row(3, rd_expense=500_000.0, revenue=5_000_000.0, is_above_scale=False),
        row(4, rd_expense=np.nan, revenue=np.nan, is_above_scale=False),
    )
    summary = result.summary
    assert summary["enterprises"] == 4 and summary["above_scale"] == 2
    assert summary["with_rd"] == 3
    assert summary["total_rd_expense"] == 4_500_000.0
    assert summary["above_scale_rd_expense"] == 4_000_000.0
    assert summary["above_scale_rd_ratio"] == 0.02
    assert summary["above_scale_rd_institution_share"] == 0.5
    assert summary["top_by_spend"] == 3 and summary["rules_version"] == "default"
    json.dumps(summary)


def test_entries_carry_every_figure_for_the_snapshot():
    result = run(
        row(1, YEAR - 1, rd_expense=200.0, is_tech_sme=True),
        row(1, rd_expense=100.0, revenue=1000.0),
        row(2, rd_expense=0.0, is_above_scale=False, tech_staff=0),
    )
    entries = result.entries.set_index("enterprise_id")
    first = entries.loc[1]
    assert first["intensity"] == 0.1
    assert (first["previous_rd_expense"], first["drop"], first["drop_ratio"]) == (200.0, 100.0, 0.5)
    assert (first["tier"], first["previous_tier"], first["innovation_class"]) == (
        "micro",
        "rising",
        "passive",
    )
    assert first["coverage_missing"] == ("研发机构", "发明专利", "产学研合作")
    second = entries.loc[2]
    assert np.isnan(second["drop"]) and second["tier"] == "none"
    assert pd.isna(second["rank_spend"]) and second["coverage_missing"] == ()


# -- Decisions stored with each entry ---------------------------------------------------------


def _on(result, key: str) -> set[int]:
    entries = result.entries
    return set(entries.loc[entries[monitoring.LIST_COLUMNS[key]], "enterprise_id"].tolist())


def test_entries_carry_every_list_decision():
    rows = (
        row(1, YEAR - 1, rd_expense=100.0),
        row(1, rd_expense=40.0),  # fell 60%
        row(2, YEAR - 1, rd_expense=100.0),
        row(2, rd_expense=50.0),  # fell 50%
        row(3, rd_expense=0.0),
        row(4, rd_expense=0.0, is_above_scale=False),
        row(5, rd_expense=500.0),
    )
    result = run(*rows, top_n=2, decline_min_ratio=0.55)
    assert _on(result, "top_spend") == set(result.top_by_spend["enterprise_id"]) == {5, 2}
    assert _on(result, "top_intensity") == set(result.top_by_intensity["enterprise_id"])
    assert _on(result, "decline") == set(result.declines["enterprise_id"]) == {1}
    assert _on(result, "zero_rd") == set(result.zero_rd["enterprise_id"]) == {3}
    assert _on(result, "coverage") == set(result.coverage["enterprise_id"]) == {1, 2, 3, 5}


def test_intensity_ranking_follows_the_bureau_eligibility():
    rows = (
        row(1, rd_expense=5_000_000.0, revenue=20_000_000.0),  # C, 2,000万: eligible
        row(2, rd_expense=5_000_000.0, revenue=19_999_999.0),  # under the floor
        row(3, rd_expense=5_000_000.0, revenue=50_000_000.0, is_above_scale=False),
        row(4, rd_expense=5_000_000.0, revenue=50_000_000.0, industry_code="6510"),  # I 软件
        row(5, rd_expense=5_000_000.0, revenue=50_000_000.0, industry_code="4411"),  # D 电力
    )
    assert _on(run(*rows), "top_intensity") == {1, 5}
    assert _on(run(*rows, intensity_sections=()), "top_intensity") == {1, 4, 5}
    assert _on(run(*rows, intensity_above_scale_only=False), "top_intensity") == {1, 3, 5}
    assert _on(run(*rows, intensity_min_revenue=0.0), "top_intensity") == {1, 2, 5}


def test_zero_rd_settings_choose_who_is_listed():
    rows = (
        row(1, YEAR - 1, rd_expense=0.0),
        row(1, rd_expense=0.0),
        row(2, rd_expense=0.0),
        row(3, rd_expense=0.0, is_above_scale=False),
    )
    assert _on(run(*rows), "zero_rd") == {1, 2}
    assert _on(run(*rows, zero_rd_min_years=2), "zero_rd") == {1}
    assert _on(run(*rows, zero_rd_above_scale_only=False), "zero_rd") == {1, 2, 3}
    titles = MonitoringRules(zero_rd_min_years=2, zero_rd_above_scale_only=False).list_titles()
    assert titles["zero_rd"] == "连续2年及以上零研发（企业）"


def test_list_titles_follow_top_n():
    titles = MonitoringRules(top_n=30).list_titles()
    assert titles["top_spend"] == "研发30强（按研发投入）"
    assert titles["top_intensity"] == "研发30强（按研发强度）"


def test_class_conditions_are_data():
    rows = (row(1, rd_expense=2_000_000.0, has_rd_institution=True),)  # intensity 2%
    assert column(run(*rows).classes, "innovation_class") == {1: "passive"}
    easier = (monitoring.active_class(0.01), *monitoring.DEFAULT_CLASSES[1:])
    assert column(run(*rows, classes=easier).classes, "innovation_class") == {1: "active"}


def test_stored_rules_with_active_min_intensity_still_load():
    rules = MonitoringRules.from_dict({"version": "old", "active_min_intensity": 0.05})
    assert rules.classes[0] == monitoring.active_class(0.05)
    assert MonitoringRules.from_dict(rules.to_dict()) == rules


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"intensity_sections": ["Z"]}, "行业门类"),
        ({"intensity_sections": ["C", "C"]}, "行业门类重复"),
        ({"zero_rd_min_years": 0}, "zero_rd_min_years"),
        ({"classes": [{"key": "passive", "conditions": {"all": []}}]}, "分类提级"),
    ],
)
def test_new_settings_are_validated(data, message):
    with pytest.raises(ValueError, match=message):
        MonitoringRules.from_dict(data)
