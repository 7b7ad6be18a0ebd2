"""The HNTE and SME rules at each boundary RULES.md §1–§2 lists, and the properties of the
score ranges."""

from dataclasses import replace
from datetime import date
from decimal import Decimal as D

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from kechuang.engines import uscc
from kechuang.engines.recognition import Facts, assess
from kechuang.engines.recognition import rules as R
from kechuang.engines.recognition.domains import domains, find_domain
from kechuang.engines.recognition.facts import FactError, facts_from_row
from kechuang.engines.recognition.hnte import growth_rate
from kechuang.engines.recognition.staff import (
    counts_for_hnte,
    counts_for_sme,
    days_in_year,
    monthly_average,
)

APPLY = date(2025, 6, 1)
CODE = uscc.make("91", "330624", "MA2D3K1Q")

# A medium enterprise that meets every HNTE condition the data can decide.
GOOD = Facts(
    uscc=CODE,
    name="新昌县样例轴承有限公司",
    registered_on=date(2012, 3, 1),
    apply_on=APPLY,
    sales_t1=D("12000"),
    sales_t2=D("10000"),
    sales_t3=D("8000"),
    total_income_t1=D("12500"),
    hightech_income_t1=D("9000"),
    rd_t1=D("600"),
    rd_t2=D("500"),
    rd_t3=D("400"),
    rd_domestic_t1=D("600"),
    rd_domestic_t2=D("500"),
    rd_domestic_t3=D("400"),
    cost_expense_t1=D("10000"),
    assets_t1=D("15000"),
    net_assets_t1=D("6000"),
    net_assets_t2=D("5000"),
    net_assets_t3=D("4000"),
    staff_total=D("200"),
    tech_staff=D("30"),
    ip_class1=2,
    ip_class2=5,
    conversions_avg_3y=D("4"),
    major_incident=False,
    tech_domain="8.1.1",
    expert_score=78,
    hnte_valid=False,
    national_award_5y=False,
    provincial_rd_institution=False,
    led_standard_5y=False,
    restricted_catalogue=False,
)


def hnte(**changes):
    return assess(replace(GOOD, **changes), "hnte")


def sme(**changes):
    return assess(replace(GOOD, **changes), "sme")


def verdict(result, key):
    return result.criterion(key).verdict


def test_the_good_case_is_eligible_for_both():
    assert hnte().verdict == "eligible"
    result = sme(sales_t1=D("8000"), assets_t1=D("9000"))
    assert result.verdict == "eligible", [c.explanation for c in result.criteria]


# -- HNTE (一) registration ---------------------------------------------------------------


@pytest.mark.parametrize(("days", "expected"), [(364, "not_met"), (365, "met"), (366, "met")])
def test_registered_a_year_means_365_days(days, expected):
    registered = date.fromordinal(APPLY.toordinal() - days)
    assert verdict(hnte(registered_on=registered), "c1") == expected


def test_registration_gap_names_the_first_day_to_apply():
    result = hnte(registered_on=date(2024, 6, 2))
    assert "2025年6月2日起" in result.criterion("c1").gap


# -- (二) IP, (三) domain --------------------------------------------------------------------


@pytest.mark.parametrize(
    ("class1", "class2", "expected"),
    [(0, 0, "not_met"), (1, 0, "met"), (0, 1, "met"), (None, 0, "needs_info"), (None, 2, "met")],
)
def test_ip_condition(class1, class2, expected):
    assert verdict(hnte(ip_class1=class1, ip_class2=class2), "c2") == expected


def test_domain_is_a_third_level_heading_of_the_catalogue():
    assert len([d for d in domains().values() if d.level3]) == 254
    assert len({d.level1 for d in domains().values()}) == 8
    assert find_domain("1.1.1").level3 == "基础软件"
    assert find_domain("１．１．１") is None or find_domain("1．1．1").code == "1.1.1"
    assert find_domain("基础软件").code == "1.1.1"
    assert verdict(hnte(tech_domain="9.9.9"), "c3") == "needs_info"
    assert verdict(hnte(tech_domain=None), "c3") == "needs_info"
    assert "基础软件" in hnte(tech_domain="1.1.1").criterion("c3").explanation


# -- (四) technology staff ------------------------------------------------------------------


@pytest.mark.parametrize(
    ("tech", "staff", "expected"),
    [(20, 200, "met"), (D("19.99"), 200, "not_met"), (0, 0, "not_met"), (300, 200, "needs_info")],
)
def test_tech_staff_share_at_ten_percent(tech, staff, expected):
    assert verdict(hnte(tech_staff=D(tech), staff_total=D(staff)), "c4") == expected


# -- (五) R&D ratio bands -------------------------------------------------------------------


@pytest.mark.parametrize(
    ("sales_t1", "threshold"),
    [
        ("4999.99", "0.05"),
        ("5000", "0.05"),  # “5,000万元以下（含）”
        ("5000.01", "0.04"),
        ("20000", "0.04"),  # “2亿元（含）”
        ("20000.01", "0.03"),
    ],
)
def test_threshold_follows_the_latest_year_sales_band(sales_t1, threshold):
    result = hnte(sales_t1=D(sales_t1))
    assert result.figures["rd_threshold"] == D(threshold)


@pytest.mark.parametrize(
    ("rd_t1", "expected"),
    [("0", "not_met"), ("299.99", "not_met"), ("300", "met")],
)
def test_ratio_exactly_at_the_threshold_is_met(rd_t1, expected):
    # sales 10,000 + 10,000 + 10,000; R&D t2 + t3 = 900; 4% of 30,000 = 1,200.
    result = hnte(
        sales_t1=D("10000"),
        sales_t2=D("10000"),
        sales_t3=D("10000"),
        rd_t1=D(rd_t1),
        rd_t2=D("450"),
        rd_t3=D("450"),
        rd_domestic_t1=D(rd_t1),
        rd_domestic_t2=D("450"),
        rd_domestic_t3=D("450"),
    )
    assert verdict(result, "c5") == expected
    assert result.figures["rd_threshold"] == D("0.04")


def test_the_gap_says_how_much_more_rd_is_needed():
    result = hnte(rd_t1=D("400"), rd_t2=D("320"), rd_t3=D("240"))
    c5 = result.criterion("c5")
    assert c5.verdict == "not_met"
    assert "3.20%" in c5.explanation and "4%" in c5.explanation
    assert "240 万元" in c5.gap  # 4% × 30,000 − 960
    assert c5.period == "2022—2024年"


@pytest.mark.parametrize(
    ("domestic_t1", "expected"),
    [("300", "met"), ("299.99", "not_met")],  # 60% of 1,500 = 900 = 300 + 300 + 300
)
def test_domestic_share_at_sixty_percent(domestic_t1, expected):
    result = hnte(rd_domestic_t1=D(domestic_t1), rd_domestic_t2=D("300"), rd_domestic_t3=D("300"))
    assert verdict(result, "c5") == expected


def test_missing_year_needs_information_but_a_failing_ratio_still_fails():
    assert verdict(hnte(rd_t3=None), "c5") == "needs_info"
    assert verdict(hnte(rd_domestic_t2=None), "c5") == "needs_info"
    low = hnte(rd_t1=D("1"), rd_t2=D("1"), rd_t3=D("1"), rd_domestic_t2=None)
    assert verdict(low, "c5") == "not_met"


def test_a_two_year_old_company_uses_its_actual_years():
    result = hnte(
        registered_on=date(2023, 5, 10),
        sales_t3=None,
        rd_t3=None,
        rd_domestic_t3=None,
        net_assets_t3=None,
    )
    c5 = result.criterion("c5")
    assert c5.verdict == "met"
    assert c5.period == "2023—2024年"
    assert result.figures["rd_ratio"] == D("1100") / D("22000")
    assert result.figures["growth_sales"] == D("12000") / D("10000") - 1


def test_a_company_in_its_first_accounting_year_scores_no_growth():
    result = hnte(registered_on=date(2024, 3, 1))
    growth = next(p for p in result.parts if p.key == "sales")
    assert (growth.low, growth.high) == (0, 0)
    assert result.criterion("c5").period == "2024年"


# -- (六) high-tech income -------------------------------------------------------------------


@pytest.mark.parametrize(("hightech", "expected"), [("7500", "met"), ("7499.99", "not_met")])
def test_hightech_income_share_at_sixty_percent(hightech, expected):
    assert (
        verdict(hnte(total_income_t1=D("12500"), hightech_income_t1=D(hightech)), "c6") == expected
    )


# -- (七) score -------------------------------------------------------------------------------


@pytest.mark.parametrize(("score", "expected"), [(70, "not_met"), (71, "met")])
def test_score_must_be_strictly_above_seventy(score, expected):
    assert verdict(hnte(expert_score=score), "c7") == expected


def test_without_an_expert_score_the_range_decides_only_when_it_can():
    result = hnte(expert_score=None)
    assert verdict(result, "c7") == "needs_info"
    assert result.figures["score_min"] < 71 <= result.figures["score_max"]
    weak = hnte(
        expert_score=None,
        ip_class1=0,
        ip_class2=0,
        conversions_avg_3y=D("0"),
        net_assets_t1=D("1"),
        net_assets_t2=D("1"),
        net_assets_t3=D("1"),
        sales_t1=D("1"),
        sales_t2=D("1"),
        sales_t3=D("1"),
    )
    assert weak.figures["score_max"] <= 70
    assert verdict(weak, "c7") == "not_met"


@pytest.mark.parametrize(
    ("class1", "class2", "band"),
    [
        (1, 0, (7, 8)),
        (0, 5, (5, 6)),
        (0, 4, (3, 4)),
        (0, 3, (3, 4)),
        (0, 2, (1, 2)),
        (0, 1, (1, 2)),
        (0, 0, (0, 0)),
        (None, 2, (1, 8)),
    ],
)
def test_ip_quantity_bands(class1, class2, band):
    part = next(p for p in hnte(ip_class1=class1, ip_class2=class2).parts if p.key == "ip_quantity")
    assert (part.low, part.high) == band


@pytest.mark.parametrize(
    ("average", "band"),
    [
        ("5", (25, 30)),
        ("4.99", (19, 24)),
        ("4", (19, 24)),
        ("3", (13, 18)),
        ("2", (7, 12)),
        ("1", (1, 6)),
        ("0.67", (0, 0)),
        ("0", (0, 0)),
    ],
)
def test_conversion_bands(average, band):
    part = next(p for p in hnte(conversions_avg_3y=D(average)).parts if p.key == "conversion")
    assert (part.low, part.high) == band


def test_no_ip_scores_nothing_for_ip_and_the_cap_is_thirty():
    none = hnte(ip_class1=0, ip_class2=0)
    assert (
        sum(p.high for p in none.parts if p.key.startswith("ip_") and p.key != "ip_standard") == 0
    )
    full = hnte(led_standard_5y=True)
    ip_high = sum(p.high for p in full.parts if p.key.startswith("ip_"))
    assert ip_high == 32
    assert full.figures["score_max"] == 30 + 24 + 20 + 6 + 6  # IP capped at 30


# -- growth -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("y1", "y2", "y3", "rate", "known"),
    [
        (D(100), D(135), D("182.25"), D("0.35"), True),  # exactly 35%
        (D(0), D(100), D(150), D("0.5"), True),  # Y1 = 0: the last two years only
        (D(100), D(0), D(150), None, True),  # Y2 = 0: 0 points
        (D(100), D(100), D(100), D(0), True),
        (D(100), None, D(100), None, False),
    ],
)
def test_growth_formula_and_edge_cases(y1, y2, y3, rate, known):
    got, got_known, _note = growth_rate(y1, y2, y3, 3)
    assert got_known is known
    assert got == rate


@pytest.mark.parametrize(
    ("t3", "t2", "t1", "band"),
    [
        ("100", "135", "182.25", (9, 10)),
        ("100", "125", "156.25", (7, 8)),
        ("100", "115", "132.25", (5, 6)),
        ("100", "105", "110.25", (3, 4)),
        ("100", "100", "100.02", (1, 2)),
        ("100", "100", "100", (0, 0)),  # rate 0 is F: “>0” is E
        ("100", "90", "80", (0, 0)),  # negative
        ("0", "100", "150", (9, 10)),
        ("100", "0", "150", (0, 0)),
    ],
)
def test_growth_bands(t3, t2, t1, band):
    result = hnte(net_assets_t3=D(t3), net_assets_t2=D(t2), net_assets_t1=D(t1))
    part = next(p for p in result.parts if p.key == "net_assets")
    assert (part.low, part.high) == band


# -- (八) incidents and the overall verdict ----------------------------------------------------


def test_an_incident_rules_out_and_an_unknown_leaves_open():
    assert hnte(major_incident=True).verdict == "not_eligible"
    assert hnte(major_incident=None).verdict == "needs_info"
    assert hnte(major_incident=None, tech_staff=D(1)).verdict == "not_eligible"


def test_every_criterion_names_its_basis():
    for result in (hnte(), sme()):
        assert all(c.basis.startswith("《") for c in result.criteria)


# -- SME ----------------------------------------------------------------------------------------

SMALL = {"sales_t1": D("8000"), "assets_t1": D("9000")}


@pytest.mark.parametrize(
    ("changes", "expected"),
    [
        ({"staff_total": D(500), "tech_staff": D(100)}, "met"),
        ({"staff_total": D(501), "tech_staff": D(100)}, "not_met"),
        ({"sales_t1": D(20000)}, "met"),
        ({"sales_t1": D("20000.01")}, "not_met"),
        ({"assets_t1": D(20000)}, "met"),
        ({"assets_t1": D("20000.01")}, "not_met"),
        ({"assets_t1": None}, "needs_info"),
        ({"assets_t1": None, "sales_t1": D(30000)}, "not_met"),
    ],
)
def test_sme_size_limits_are_inclusive(changes, expected):
    assert verdict(sme(**{**SMALL, **changes}), "c2") == expected


@pytest.mark.parametrize(
    ("tech", "points"),
    [(60, 20), ("59.99", 16), (50, 16), (40, 12), (30, 8), (20, 4), ("19.99", 0)],
)
def test_sme_staff_bands(tech, points):
    assert sme(**SMALL, tech_staff=D(tech)).figures["score_staff"] == points


def test_sme_no_staff_scores_zero_for_staff_and_the_total_adds_up():
    result = sme(**SMALL, staff_total=D(0), tech_staff=D(0))
    assert result.figures["score_staff"] == 0
    assert result.figures["score"] == result.figures["score_rd"] + result.figures["score_ip"]


@pytest.mark.parametrize(
    ("rd", "points"),
    [(480, 50), ("479.99", 40), (400, 40), (320, 30), (240, 20), (160, 10), ("159.99", 0)],
)
def test_sme_rd_to_sales_bands(rd, points):
    result = sme(sales_t1=D(8000), assets_t1=D(9000), cost_expense_t1=D(1000000), rd_t1=D(rd))
    assert result.figures["score_rd"] == points


@pytest.mark.parametrize(
    ("cost", "points"), [(2000, 50), ("2000.01", 40), (6000, 10), ("6000.01", 0)]
)
def test_sme_rd_to_cost_bands(cost, points):
    result = sme(sales_t1=D(10**7), assets_t1=D(9000), rd_t1=D(600), cost_expense_t1=D(cost))
    assert result.figures["score_rd"] == points
    assert result.figures["rd_basis"] == ("cost" if points else "sales")


def test_sme_takes_the_better_of_the_two_ratios():
    # 2.5% of sales scores 10; 16% of cost scores 20.
    result = sme(sales_t1=D(8000), assets_t1=D(9000), rd_t1=D(200), cost_expense_t1=D(1250))
    assert result.figures["score_rd"] == 20
    assert result.figures["rd_ratio"] == D("0.16")
    assert result.figures["rd_threshold"] == D("0.15")


@pytest.mark.parametrize(
    ("class1", "class2", "points"),
    [(1, 0, 30), (0, 4, 24), (0, 3, 18), (0, 2, 12), (0, 1, 6), (0, 0, 0)],
)
def test_sme_ip_bands(class1, class2, points):
    assert sme(**SMALL, ip_class1=class1, ip_class2=class2).figures["score_ip"] == points


@pytest.mark.parametrize(
    ("tech", "class1", "class2", "rd", "score", "expected"),
    [
        (50, 0, 4, 240, 16 + 20 + 24, "met"),  # exactly 60
        (30, 1, 0, 240, 8 + 20 + 30, "not_met"),  # 58, the highest score below 60
        (10, 1, 0, 480, 0 + 50 + 30, "not_met"),  # 80, but 科技人员 scores 0
    ],
)
def test_sme_pass_is_sixty_and_staff_must_score(tech, class1, class2, rd, score, expected):
    result = sme(
        **SMALL,
        tech_staff=D(tech),
        ip_class1=class1,
        ip_class2=class2,
        rd_t1=D(rd),
        cost_expense_t1=D(10**6),
    )
    assert result.figures["score"] == score
    assert verdict(result, "c5") == expected


def test_sme_direct_routes_confirm_without_the_score():
    weak = {**SMALL, "tech_staff": D(0), "rd_t1": D(0), "ip_class1": 0, "ip_class2": 0}
    assert verdict(sme(**weak), "c5") == "not_met"
    for flag, route in (
        ("hnte_valid", "hnte"),
        ("national_award_5y", "national_award"),
        ("provincial_rd_institution", "rd_institution"),
        ("led_standard_5y", "standard"),
    ):
        result = sme(**weak, **{flag: True})
        assert verdict(result, "c5") == "met"
        assert result.figures["direct_route"] == route
    unknown = sme(**weak, hnte_valid=None)
    assert verdict(unknown, "c5") == "needs_info"


def test_sme_resident_enterprise_by_credit_code():
    assert verdict(sme(**SMALL), "c1") == "met"
    assert verdict(sme(**SMALL, uscc=uscc.make("92", "330624", "MA2D3K1Q")), "c1") == "not_met"
    assert verdict(sme(**SMALL, uscc=""), "c1") == "needs_info"


# -- staff counting: 183 days against six months ----------------------------------------------


def test_hnte_days_and_sme_months_differ_at_the_edge():
    first_half_2025 = [(date(2025, 1, 1), date(2025, 6, 30))]  # 181 days, six months
    assert days_in_year(first_half_2025, 2025) == 181
    assert not counts_for_hnte(first_half_2025, 2025)
    assert counts_for_sme(first_half_2025, 2025)
    exactly_183 = [(date(2025, 7, 2), date(2025, 12, 31))]
    assert days_in_year(exactly_183, 2025) == 183
    assert counts_for_hnte(exactly_183, 2025)
    short = [(date(2025, 1, 15), date(2025, 7, 13))]  # a day short of six months
    assert not counts_for_sme(short, 2025)
    assert counts_for_sme([(date(2025, 1, 15), date(2025, 7, 14))], 2025)
    split = [(date(2025, 1, 1), date(2025, 3, 31)), (date(2025, 9, 1), date(2025, 11, 30))]
    assert counts_for_sme(split, 2025) and not counts_for_hnte(split, 2025)


def test_monthly_average():
    assert monthly_average([(100, 110)] * 12) == D(105)
    with pytest.raises(ValueError):
        monthly_average([(1, 1)] * 11)


# -- rules as data -----------------------------------------------------------------------------


def test_rules_round_trip_through_json_and_pick_the_version_in_force():
    for rules in (R.HNTE_2016, R.SME_2017):
        assert R.rules_from_dict(R.to_dict(rules)) == rules
    revised = replace(
        R.HNTE_2016, version="2026", effective_from=date(2026, 1, 1), min_tech_staff_ratio=D("0.2")
    )
    versions = (R.HNTE_2016, revised)
    assert R.rules_on("hnte", date(2025, 12, 31), versions).version == "2016"
    assert R.rules_on("hnte", date(2026, 1, 1), versions).version == "2026"
    with pytest.raises(R.NoRulesInForce):
        R.rules_on("hnte", date(2015, 1, 1))
    with pytest.raises(ValueError, match="未知的规则项"):
        R.hnte_rules_from_dict({**R.to_dict(R.HNTE_2016), "surprise": 1})
    late = replace(GOOD, apply_on=date(2026, 3, 1))
    assert assess(late, "hnte", versions=versions).criterion("c4").verdict == "not_met"


# -- reading facts -----------------------------------------------------------------------------


def test_cells_are_read_or_named():
    facts = facts_from_row(
        {
            "uscc": " 91330624ma2d3k1q8x ",
            "sales_t1": "1,200.5",
            "major_incident": "否",
            "ip_class1": "2",
            "registered_on": "2020-01-02",
        }
    )
    assert facts.uscc == "91330624MA2D3K1Q8X"
    assert facts.sales_t1 == D("1200.5") and facts.major_incident is False and facts.ip_class1 == 2
    for column, raw, words in (
        ("sales_t1", "abc", "不是数字"),
        ("sales_t1", "-1", "负数"),
        ("ip_class1", "1.5", "整数"),
        ("major_incident", "maybe", "是/否"),
        ("registered_on", "2020-13-01", "YYYY-MM-DD"),
        ("sales_t1", "NaN", "不是数字"),
    ):
        with pytest.raises(FactError, match=words) as caught:
            facts_from_row({column: raw})
        assert caught.value.column == column
    assert facts_from_row({"net_assets_t1": "-50"}).net_assets_t1 == D(-50)


# -- properties of the score range --------------------------------------------------------------

amounts = st.one_of(st.none(), st.decimals(min_value=0, max_value=10**6, places=2))
counts = st.one_of(st.none(), st.integers(min_value=0, max_value=50))
flags = st.one_of(st.none(), st.booleans())


@st.composite
def facts(draw):
    return Facts(
        uscc=CODE,
        registered_on=draw(st.one_of(st.none(), st.dates(date(2000, 1, 1), date(2025, 5, 31)))),
        apply_on=APPLY,
        **{
            name: draw(amounts)
            for name in (
                "sales_t1",
                "sales_t2",
                "sales_t3",
                "total_income_t1",
                "hightech_income_t1",
                "rd_t1",
                "rd_t2",
                "rd_t3",
                "rd_domestic_t1",
                "rd_domestic_t2",
                "rd_domestic_t3",
                "cost_expense_t1",
                "assets_t1",
                "net_assets_t1",
                "net_assets_t2",
                "net_assets_t3",
                "staff_total",
                "tech_staff",
                "conversions_avg_3y",
            )
        },
        ip_class1=draw(counts),
        ip_class2=draw(counts),
        major_incident=draw(flags),
        hnte_valid=draw(flags),
        led_standard_5y=draw(flags),
        ip_self_developed=draw(flags),
    )


@settings(max_examples=300, deadline=None)
@given(facts())
def test_hnte_score_range_is_ordered_bounded_and_consistent(item):
    result = assess(item, "hnte")
    low, high = result.figures["score_min"], result.figures["score_max"]
    assert 0 <= low <= high <= 100
    for part in result.parts:
        assert 0 <= part.low <= part.high <= part.maximum
    c7 = result.criterion("c7").verdict
    assert c7 == ("met" if low > 70 else "not_met" if high <= 70 else "needs_info")
    assert result.verdict in ("eligible", "not_eligible", "needs_info")


@settings(max_examples=300, deadline=None)
@given(facts(), st.sampled_from(["net_assets", "sales", "conversions_avg_3y", "ip_class1"]))
def test_knowing_more_never_widens_the_range(item, what):
    unknown = replace(
        item,
        **(
            {f"{what}_t1": None, f"{what}_t2": None, f"{what}_t3": None}
            if what in ("net_assets", "sales")
            else {what: None}
        ),
    )
    narrow, wide = assess(item, "hnte"), assess(unknown, "hnte")
    assert wide.figures["score_min"] <= narrow.figures["score_min"]
    assert narrow.figures["score_max"] <= wide.figures["score_max"]


@settings(max_examples=300, deadline=None)
@given(facts())
def test_sme_score_is_the_sum_of_its_parts_when_known(item):
    result = assess(item, "sme")
    parts = {p.key: p for p in result.parts}
    assert 0 <= sum(p.low for p in parts.values()) <= sum(p.high for p in parts.values()) <= 100
    if result.figures["score"] is not None:
        assert result.figures["score"] == sum(
            result.figures[name] for name in ("score_staff", "score_rd", "score_ip")
        )
    if result.criterion("c5").verdict == "met" and result.figures["direct_route"] is None:
        assert parts["staff"].low > 0 and sum(p.low for p in parts.values()) >= 60


def test_closeness_ranks_who_stands_nearest():
    eligible = hnte()
    assert eligible.closeness == 100
    short_of_rd = hnte(rd_t1=D("400"), rd_t2=D("320"), rd_t3=D("240"))  # 3.2% of 4%
    assert short_of_rd.criterion("c5").closeness == pytest.approx(0.8)
    far = hnte(rd_t1=D("40"), rd_t2=D("32"), rd_t3=D("24"), tech_staff=D(5))
    unknown = hnte(major_incident=None)
    assert far.closeness < short_of_rd.closeness < eligible.closeness
    assert far.closeness < unknown.closeness == 100 - 100 / 8 / 2


@pytest.mark.parametrize(
    ("score", "expected"), [(95, "needs_info"), (30, "needs_info"), (80, "met")]
)
def test_a_score_outside_what_the_data_allow_is_queried(score, expected):
    result = hnte(expert_score=score)
    low, high = result.figures["score_min"], result.figures["score_max"]
    assert low <= 80 <= high and not low <= 95 <= high
    assert verdict(result, "c7") == expected


def test_gaps_in_people_round_up():
    result = hnte(staff_total=D(12), tech_staff=D(1))  # 8.33% of 10%: 0.2 more people
    assert "约 1 人" in result.criterion("c4").gap


def test_the_catalogue_s_own_numbering_is_read():
    assert find_domain("一(一)1").code == "1.1.1"
    assert find_domain("八（五）4").code == "8.5.4"
    assert find_domain("五(四)").code == "5.4"  # no third level under it
    assert find_domain("九(一)1") is None


def test_rows_that_cannot_be_so_are_refused():
    from kechuang.engines.recognition.table import read_facts

    _facts, problems = read_facts(
        [
            (2, {"uscc": CODE, "registered_on": "2024-01-01", "apply_on": "2023-06-01"}),
            (3, {"uscc": CODE}),
            (4, {"uscc": "9133"}),
            (5, {"uscc": uscc.make("91", "330624", "MA2E5L7R"), "expert_score": "101"}),
        ]
    )
    said = [str(p) for p in problems]
    assert any("第 2 行" in s and "早于注册成立日期" in s for s in said)
    assert any("第 3 行" in s and "与第 2 行重复" in s for s in said)
    assert any("第 4 行" in s and "不是 18 位" in s for s in said)
    assert any("第 5 行" in s and "超过满分 100" in s for s in said)


def test_a_ratio_just_under_its_bar_does_not_read_as_the_bar():
    result = hnte(
        sales_t1=D("20000.01"),
        sales_t2=D("10000"),
        sales_t3=D("10000"),
        rd_t1=D("1200"),
        rd_t2=D("0"),
        rd_t3=D("0"),
        rd_domestic_t1=D("1200"),
        rd_domestic_t2=D("0"),
        rd_domestic_t3=D("0"),
    )
    c5 = result.criterion("c5")
    assert c5.verdict == "not_met"
    assert "需达到 3%" in c5.explanation and "占比 3.00%" not in c5.explanation
    assert "不足 0.01 万元" in c5.gap


def test_a_score_not_above_seventy_says_what_it_needs():
    c7 = hnte(expert_score=70).criterion("c7")
    assert c7.verdict == "not_met" and "71 分以上" in c7.gap


def test_parts_larger_than_their_wholes_are_refused():
    from kechuang.engines.recognition.facts import read_row

    _facts, errors = read_row({"uscc": CODE, "staff_total": "10", "tech_staff": "20"})
    assert errors and errors[0].column == "tech_staff" and "大于职工总数" in str(errors[0])
