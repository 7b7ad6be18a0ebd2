"""Policy formulas and conditions, and the innovation-points scheme, at their edges."""

from datetime import date
from decimal import Decimal as D

import pytest

from kechuang.engines.recognition import points
from kechuang.engines.recognition.policies import (
    Condition,
    Policy,
    PolicyError,
    evaluate,
    policy_from_dict,
)

INCREASE = Policy(
    code="rd-increase",
    title="研发投入增量补助",
    kind="rd_increase",
    basis="县政府关于推动科技创新的若干政策 第三条",
    effective_from=date(2025, 1, 1),
    rate=D("0.10"),
    cap=D("50"),
    conditions=(Condition("is_above_scale", "==", True),),
)


def test_increase_pays_its_rate_up_to_the_cap():
    outcome = evaluate(
        INCREASE, {"is_above_scale": True, "rd": D(300), "rd_previous": D(200)}, 2025
    )
    assert outcome.verdict == "eligible" and outcome.amount == D("10.0000")
    assert "增加 100 万元" in outcome.explanation and "10%" in outcome.explanation
    capped = evaluate(
        INCREASE, {"is_above_scale": True, "rd": D(1200), "rd_previous": D(200)}, 2025
    )
    assert capped.amount == D(50) and "封顶" in capped.explanation
    at_cap = evaluate(INCREASE, {"is_above_scale": True, "rd": D(700), "rd_previous": D(200)}, 2025)
    assert at_cap.amount == D(50) and "封顶" not in at_cap.explanation


@pytest.mark.parametrize(
    ("rd", "previous", "verdict"),
    [(200, 200, "not_eligible"), (199, 200, "not_eligible"), (201, 200, "eligible")],
)
def test_no_increase_no_subsidy(rd, previous, verdict):
    outcome = evaluate(
        INCREASE, {"is_above_scale": True, "rd": D(rd), "rd_previous": D(previous)}, 2025
    )
    assert outcome.verdict == verdict


def test_conditions_decide_and_missing_facts_say_so():
    small = evaluate(INCREASE, {"is_above_scale": False, "rd": D(300), "rd_previous": D(1)}, 2025)
    assert small.verdict == "not_eligible" and "规上企业为是" in small.explanation
    unknown = evaluate(INCREASE, {"is_above_scale": True, "rd": D(300)}, 2025)
    assert unknown.verdict == "needs_info" and "2024年研发费用" in unknown.explanation
    unknown_scale = evaluate(INCREASE, {"rd": D(300), "rd_previous": D(1)}, 2025)
    assert unknown_scale.verdict == "needs_info" and "规上企业" in unknown_scale.explanation


def test_a_first_recognition_award_compares_with_the_policy_year():
    award = policy_from_dict(
        {
            "code": "hnte-first",
            "title": "首次认定高企奖励",
            "kind": "fixed",
            "amount": "20",
            "effective_from": "2025-01-01",
            "conditions": [{"fact": "first_hnte_year", "op": "==", "value": "year"}],
        }
    )
    assert evaluate(award, {"first_hnte_year": 2025}, 2025).amount == D(20)
    assert evaluate(award, {"first_hnte_year": 2023}, 2025).verdict == "not_eligible"
    assert evaluate(award, {"first_hnte_year": None}, 2025).verdict == "needs_info"


def test_badly_written_policies_are_refused_in_chinese():
    base = {"code": "x", "title": "x", "effective_from": "2025-01-01"}
    with pytest.raises(PolicyError, match="计算方式"):
        policy_from_dict({**base, "kind": "magic"})
    with pytest.raises(PolicyError, match="比例"):
        policy_from_dict({**base, "kind": "rd_share"})
    with pytest.raises(PolicyError, match="数据项"):
        policy_from_dict(
            {
                **base,
                "kind": "fixed",
                "amount": 1,
                "conditions": [{"fact": "nope", "op": "==", "value": 1}],
            }
        )


# -- innovation points ----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("age", "revenue", "stage"),
    [
        (2, D(50000), "startup"),
        (5, D("1999.99"), "startup"),
        (5, D(2000), "growth"),
        (9, D(30000), "growth"),
        (10, D(20000), "mature"),
        (None, D(30000), "mature"),
        (None, None, "growth"),
    ],
)
def test_stage_boundaries(age, revenue, stage):
    assert points.stage_of(age, revenue, points.DEFAULT_SCHEME) == stage


def test_points_are_weights_times_attainment_with_reasons():
    values = {
        "rd_intensity": D("0.03"),
        "rd_staff_share": D("0.30"),
        "invention_patents": D(20),
        "tech_contract_turnover": None,
        "rd_institution": D(3),
        "hightech_income_share": D("0.60"),
        "revenue_growth": D("-0.1"),
        "rd_growth": D("0.15"),
    }
    result = points.score(values, 5, D(8000))
    assert result.stage == "growth"
    by_key = {item.key: item for item in result.items}
    assert by_key["rd_intensity"].points == D(10)  # half of 6% earns half of 20
    assert by_key["invention_patents"].points == D(15)  # capped at the full mark
    assert by_key["revenue_growth"].points == 0
    assert by_key["tech_contract_turnover"].points == 0
    assert "未掌握" in by_key["tech_contract_turnover"].explanation
    assert result.total == sum(i.points for i in result.items) == D(10 + 15 + 15 + 5 + 15 + 0 + 5)
    assert "3.00%" in by_key["rd_intensity"].explanation


def test_schemes_must_weigh_to_a_hundred_per_stage():
    data = points.scheme_to_dict(points.DEFAULT_SCHEME)
    assert points.scheme_from_dict(data) == points.DEFAULT_SCHEME
    data["weights"]["growth"]["rd_intensity"] = "21"
    with pytest.raises(points.SchemeError, match="成长期的权重合计为 101"):
        points.scheme_from_dict(data)
    data = points.scheme_to_dict(points.DEFAULT_SCHEME)
    del data["weights"]["mature"]
    with pytest.raises(points.SchemeError, match="稳定期"):
        points.scheme_from_dict(data)
