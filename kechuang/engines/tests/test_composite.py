"""The composite-indicator engine against values worked by hand from the OECD/JRC handbook's
formulas (and COINr's conventions), plus invariants that must hold for any data.

Every expected number below is written out as arithmetic in the test; none is obtained by
calling the engine. Skewness and kurtosis are cross-checked against pandas' `skew()`/`kurt()`,
an independent implementation of the same bias-corrected statistics (G1, G2).
"""

import math

import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from kechuang.engines.composite import (
    INDEX_CODE,
    FrameworkError,
    Methods,
    build,
    contributions,
    read_framework,
    stages,
)
from kechuang.engines.composite.framework import check_framework
from kechuang.engines.composite.stages import BuildError
from kechuang.engines.composite.uncertainty import monte_carlo, one_at_a_time, remove_one

NO_TREAT = Methods(treat="none")


def framework(*rows, data_columns=()):
    """Rows as (iCode, Level, Parent, Weight, Direction) tuples; None for an empty cell."""
    keys = ("iCode", "Level", "Parent", "Weight", "Direction")
    return read_framework(
        [
            {k: ("" if v is None else str(v)) for k, v in zip(keys, row, strict=False)}
            for row in rows
        ],
        data_columns,
    )


def column(values, **methods):
    return stages.normalise_column(np.array(values, dtype=float), 1, Methods(**methods))


def pandas_fails(values, skew=2.0, kurt=3.5):
    """The outlier test computed with pandas, independently of the engine."""
    series = pd.Series(values, dtype=float)
    return abs(series.skew()) >= skew and series.kurt() >= kurt


# --------------------------------------------------------------------------- denominate, screen


def test_denomination_divides_by_the_reference_column_and_zero_gives_missing():
    fw = framework(("x", 1, "P"), ("y", 1, "P"), ("P", 2))
    fw = check_framework(
        [
            element
            if element.code != "x"
            else element.__class__(**{**element.__dict__, "denominator": "pop"})
            for element in fw.elements
        ]
    )
    raw = pd.DataFrame(
        {"x": [10.0, 9.0, 5.0], "y": [1.0, 2.0, 3.0], "pop": [4.0, 3.0, 0.0]}, index=list("ABC")
    )
    out = stages.denominate(raw, fw, Methods())
    # 10/4 = 2.5, 9/3 = 3, 5/0 -> missing (not inf)
    assert out["x"].tolist()[:2] == [2.5, 3.0]
    assert math.isnan(out.at["C", "x"])
    assert out["y"].tolist() == [1.0, 2.0, 3.0]
    plain = stages.denominate(raw, fw, Methods(denominate=False))
    assert plain["x"].tolist() == [10.0, 9.0, 5.0]


def test_screening_keeps_units_at_or_above_the_availability_share():
    data = pd.DataFrame(
        {"a": [1.0, np.nan, np.nan], "b": [1.0, 2.0, np.nan], "c": [1.0, 2.0, 3.0]},
        index=list("ABC"),
    )
    # availability: A 3/3, B 2/3, C 1/3
    kept, availability = stages.screen(data, Methods(screen=2 / 3))
    assert availability.tolist() == pytest.approx([1.0, 2 / 3, 1 / 3])
    assert kept.index.tolist() == ["A", "B"]  # exactly 2/3 is kept
    kept, _ = stages.screen(data, Methods(screen=0.7))
    assert kept.index.tolist() == ["A"]
    result = build(
        data,
        framework(("a", 1, "P"), ("b", 1, "P"), ("c", 1, "P"), ("P", 2)),
        Methods(screen=0.7, treat="none"),
    )
    assert result.screened_out == ["B", "C"]


# --------------------------------------------------------------------------------- imputation

IMPUTE_DATA = pd.DataFrame(
    {
        "x": [1.0, 3.0, np.nan, 10.0, np.nan, np.nan],
        "y": [np.nan, 4.0, 6.0, 8.0, 2.0, 5.0],
    },
    index=list("ABCDEF"),
)
# A, B in N; C, D in S; E in W (W has no x at all); F has no group
GROUPS = pd.Series({"A": "N", "B": "N", "C": "S", "D": "S", "E": "W", "F": None}, dtype=object)


def test_group_mean_imputation_falls_back_to_the_overall_mean_for_an_empty_group():
    filled, log = stages.impute(IMPUTE_DATA, Methods(impute="group_mean", impute_group="g"), GROUPS)
    assert filled.at["C", "x"] == 10.0  # group S: only D = 10
    assert filled.at["E", "x"] == pytest.approx((1 + 3 + 10) / 3)  # W all missing -> overall
    assert filled.at["F", "x"] == pytest.approx((1 + 3 + 10) / 3)  # no group -> overall
    assert filled.at["A", "y"] == 4.0  # group N: only B = 4
    assert {(entry.unit, entry.code) for entry in log} == {
        ("C", "x"),
        ("E", "x"),
        ("F", "x"),
        ("A", "y"),
    }
    how = {(entry.unit, entry.code): entry.how for entry in log}
    assert "S" in how["C", "x"] and "全体" in how["E", "x"]
    # the group statistic is taken over observed values only, never over imputed ones
    assert IMPUTE_DATA["x"].isna().sum() == 3


def test_group_median_and_plain_mean_and_median():
    filled, _ = stages.impute(IMPUTE_DATA, Methods(impute="group_median", impute_group="g"), GROUPS)
    assert filled.at["C", "x"] == 10.0
    assert filled.at["E", "x"] == 3.0  # median of 1, 3, 10
    filled, _ = stages.impute(IMPUTE_DATA, Methods(impute="mean"))
    assert filled.at["C", "x"] == pytest.approx(14 / 3)
    assert filled.at["A", "y"] == pytest.approx((4 + 6 + 8 + 2 + 5) / 5)  # 5
    filled, _ = stages.impute(IMPUTE_DATA, Methods(impute="median"))
    assert filled.at["E", "x"] == 3.0
    assert filled.at["A", "y"] == 5.0  # median of 2, 4, 5, 6, 8
    filled, log = stages.impute(IMPUTE_DATA, Methods())
    assert log == [] and filled["x"].isna().sum() == 3


def test_group_imputation_without_the_group_column_is_refused():
    with pytest.raises(BuildError):
        stages.impute(IMPUTE_DATA, Methods(impute="group_mean", impute_group="g"), None)
    with pytest.raises(ValueError):
        Methods(impute="group_mean")


# ------------------------------------------------------------------------ skewness, kurtosis


def test_skewness_and_kurtosis_against_the_formulas():
    x = np.array([1.0, 2.0, 3.0, 4.0, 10.0])
    # n = 5, mean 4, deviations -3 -2 -1 0 6
    # S2 = 9+4+1+0+36 = 50, S3 = -27-8-1+0+216 = 180, S4 = 81+16+1+0+1296 = 1394
    # g1 = sqrt(n) S3 / S2^1.5 = 0.72 sqrt(2.5); G1 = g1 sqrt(n(n-1))/(n-2) = 0.24 sqrt(50)
    g1 = 0.24 * math.sqrt(50)  # 1.697056...
    # g2 + 3 = n S4 / S2^2 = 5*1394/2500 = 2.788
    # G2 = ((n+1)(2.788-3) + 6)(n-1)/((n-2)(n-3)) = (6 - 1.272) * 4 / 6 = 3.152
    g2 = (6 - 1.272) * 4 / 6
    assert stages.skewness(x) == pytest.approx(g1, rel=1e-12)
    assert stages.kurtosis(x) == pytest.approx(g2, rel=1e-12)
    # pandas (an independent implementation of the same estimators) agrees
    assert pd.Series(x).skew() == pytest.approx(g1, rel=1e-12)
    assert pd.Series(x).kurt() == pytest.approx(g2, rel=1e-12)
    # the sign follows the long tail
    assert stages.skewness(-x) == pytest.approx(-g1, rel=1e-12)


def test_small_samples_and_constants():
    # n = 3: [1, 2, 6], mean 3, deviations -2 -1 3: S2 = 14, S3 = 18
    # G1 = sqrt(3)*18/14^1.5 * sqrt(6)/1
    assert stages.skewness(np.array([1.0, 2.0, 6.0])) == pytest.approx(
        math.sqrt(3) * 18 / 14**1.5 * math.sqrt(6)
    )
    assert math.isnan(stages.kurtosis(np.array([1.0, 2.0, 6.0])))  # kurtosis needs n >= 4
    assert math.isnan(stages.skewness(np.array([1.0, 2.0])))
    assert stages.skewness(np.array([5.0] * 6)) == 0.0
    # missing values are left out: same as without them
    assert stages.skewness(np.array([1.0, np.nan, 2.0, 3.0, 4.0, 10.0])) == pytest.approx(
        0.24 * math.sqrt(50)
    )


def test_a_statistic_exactly_at_its_threshold_fails_the_test():
    # [0, 0, 0, 1]: mean 1/4, deviations -1/4 x3, 3/4: S2 = 3/16 + 9/16 = 3/4,
    # S3 = -3/64 + 27/64 = 3/8, S4 = 3/256 + 81/256 = 21/64
    # g1 = 2 * (3/8) / (3/4)^1.5 = 2/sqrt(3); G1 = 2/sqrt(3) * sqrt(12) / 2 = 2 exactly
    # g2 + 3 = 4 * (21/64) / (9/16) = 7/3; G2 = (5 * (7/3 - 3) + 6) * 3 / (2 * 1) = 4 exactly
    x = np.array([0.0, 0.0, 0.0, 1.0])
    assert stages.skewness(x) == pytest.approx(2.0)
    assert stages.kurtosis(x) == pytest.approx(4.0)
    assert stages.outlying(x, Methods())  # |skew| = 2 >= 2 and kurt = 4 >= 3.5
    assert stages.outlying(x, Methods(kurtosis_threshold=4.0))  # kurt exactly at its threshold
    assert not stages.outlying(x, Methods(skew_threshold=2.001))
    assert not stages.outlying(x, Methods(kurtosis_threshold=4.001))
    # [0]*8 + [1]: S2 = 8/81 + 64/81 = 8/9, S3 = -8/729 + 512/729 = 56/81,
    # S4 = 8/6561 + 4096/6561; G1 = 3 and G2 = ((10)(7.125 - 3) + 6) * 8 / 42 = 9 exactly
    y = np.array([0.0] * 8 + [1.0])
    assert stages.skewness(y) == pytest.approx(3.0)
    assert stages.kurtosis(y) == pytest.approx(9.0)
    assert stages.outlying(y, Methods(skew_threshold=3.0, kurtosis_threshold=9.0))
    assert stages.outlying(-y, Methods(skew_threshold=3.0, kurtosis_threshold=9.0))  # |skew|
    assert not stages.outlying(y, Methods(skew_threshold=3.0, kurtosis_threshold=9.0001))
    # and the treatment acts on it: the single 1 is replaced by the next highest, 0
    treated, log = stages.treat(pd.DataFrame({"v": x}, index=list("ABCD")), Methods())
    assert log[0].action == "winsorised"
    assert log[0].points == [("D", "high")]
    assert treated["v"].tolist() == [0.0, 0.0, 0.0, 0.0]


# ------------------------------------------------------------------------- outlier treatment

# 1..12 and three high values: 14, 50, 60 (units A..O)
TAILED = [float(v) for v in range(1, 13)] + [14.0, 50.0, 60.0]
UNITS = [chr(ord("A") + i) for i in range(len(TAILED))]


def test_winsorisation_replaces_exactly_two_points():
    # step 1: 60 -> 50 (next highest); step 2: both 50s -> 14; then the test passes
    step1 = TAILED[:-1] + [50.0]
    step2 = TAILED[:-3] + [14.0, 14.0, 14.0]
    assert pandas_fails(TAILED) and pandas_fails(step1) and not pandas_fails(step2)
    data = pd.DataFrame({"v": TAILED}, index=UNITS)
    treated, log = stages.treat(data, Methods())
    entry = log[0]
    assert entry.action == "winsorised"
    assert entry.points == [("N", "high"), ("O", "high")]  # the 50 and the 60
    assert treated["v"].tolist() == step2
    assert entry.skew_before == pytest.approx(pd.Series(TAILED).skew())
    assert entry.kurtosis_after == pytest.approx(pd.Series(step2).kurt())
    assert "缩尾 2 点" in entry.summary


def test_winsorisation_at_the_low_end_for_negative_skew():
    mirrored = [-v for v in TAILED]
    treated, log = stages.treat(pd.DataFrame({"v": mirrored}, index=UNITS), Methods())
    assert log[0].action == "winsorised"
    assert log[0].points == [("N", "low"), ("O", "low")]
    assert treated["v"].tolist() == [-v for v in TAILED[:-3]] + [-14.0, -14.0, -14.0]


def test_log_fallback_uses_the_original_values():
    # winmax 1: after 60 -> 50 the indicator still fails, so the ORIGINAL values are logged:
    # ln(x - min + 0.01 (max - min)) = ln(x - 1 + 0.59) = ln(x - 0.41)
    expected = [math.log(v - 0.41) for v in TAILED]
    assert not pandas_fails(expected)
    treated, log = stages.treat(pd.DataFrame({"v": TAILED}, index=UNITS), Methods(winmax=1))
    assert log[0].action == "log"
    assert log[0].points == []
    assert treated["v"].tolist() == pytest.approx(expected, rel=1e-12)
    # winmax 0: straight to the log
    _, log = stages.treat(pd.DataFrame({"v": TAILED}, index=UNITS), Methods(winmax=0))
    assert log[0].action == "log"


def test_log_that_still_fails_is_kept_and_marked_failed():
    # fifteen 1s and a 1000: ln(x - 1 + 9.99) is fifteen ln 9.99 and one ln 1008.99,
    # the same [0]*15 + [1] shape again (skew 4, kurtosis 16), so the test still fails
    values = [1.0] * 15 + [1000.0]
    expected = [math.log(v - 1 + 9.99) for v in values]
    assert pandas_fails(expected)
    treated, log = stages.treat(pd.DataFrame({"v": values}), Methods(winmax=0))
    assert log[0].action == "failed"
    assert treated["v"].tolist() == pytest.approx(expected)


def test_treatment_skips_short_and_constant_indicators_and_passes_ordinary_ones():
    data = pd.DataFrame(
        {
            "short": [1.0, 2.0, 100.0, np.nan, np.nan],  # three values: not tested
            "flat": [7.0] * 5,
            "fine": [1.0, 2.0, 3.0, 4.0, 5.0],
        }
    )
    treated, log = stages.treat(data, Methods())
    actions = {entry.code: entry.action for entry in log}
    assert actions == {"short": "skipped", "flat": "skipped", "fine": "passed"}
    pd.testing.assert_frame_equal(treated, data)
    _, log = stages.treat(data, Methods(treat="none"))
    assert log == []


# ----------------------------------------------------------------------------- normalisation


def test_minmax():
    assert column([1, 2, 4]).tolist() == pytest.approx([0, 100 / 3, 100])
    # to [1, 100]: 1 + (1/3) * 99 = 34
    assert column([1, 2, 4], low=1, high=100).tolist() == pytest.approx([1, 34, 100])
    # direction -1: -1, -2, -4 -> min -4, max -1
    fw_values = stages.normalise_column(np.array([1.0, 2.0, 4.0]), -1, Methods())
    assert fw_values.tolist() == pytest.approx([100, 200 / 3, 0])
    # missing stays missing
    out = column([1, np.nan, 4])
    assert out[0] == 0 and np.isnan(out[1]) and out[2] == 100


def test_constant_indicator_normalises_to_missing_and_is_skipped_in_aggregation():
    assert np.isnan(column([3, 3, 3])).all()
    data = pd.DataFrame({"a": [5.0, 5.0, 5.0], "b": [1.0, 2.0, 4.0]}, index=list("ABC"))
    result = build(data, framework(("a", 1, "P"), ("b", 1, "P"), ("P", 2)), NO_TREAT)
    # P is b alone: 0, 33.33, 100
    assert result.scores.tolist() == pytest.approx([0, 100 / 3, 100])


def test_zscore():
    # [1, 2, 3, 6]: mean 3, sample sd sqrt((4 + 1 + 0 + 9) / 3) = sqrt(14/3)
    sd = math.sqrt(14 / 3)
    assert column([1, 2, 3, 6], normalise="zscore").tolist() == pytest.approx(
        [-2 / sd, -1 / sd, 0, 3 / sd]
    )
    assert column([1, 2, 3, 6], normalise="zscore", zscore_mean=10, zscore_sd=2).tolist() == (
        pytest.approx([10 - 4 / sd, 10 - 2 / sd, 10, 10 + 6 / sd])
    )


def test_rank_percentile_borda_with_ties_taking_the_minimum_rank():
    values = [3, 1, 3, 2, np.nan]
    # sorted 1, 2, 3, 3: ranks 3, 1, 3, 2
    out = column(values, normalise="rank")
    assert out[:4].tolist() == [3, 1, 3, 2] and np.isnan(out[4])
    # (rank - 1) / (4 - 1) * 100 over the 4 present
    assert column(values, normalise="percentile")[:4].tolist() == pytest.approx(
        [200 / 3, 0, 200 / 3, 100 / 3]
    )
    assert column(values, normalise="borda")[:4].tolist() == [2, 0, 2, 1]
    # direction -1 ranks the smallest highest
    assert stages.normalise_column(
        np.array([3.0, 1.0, 2.0]), -1, Methods(normalise="rank")
    ).tolist() == [1, 3, 2]


def test_distance_to_reference_and_to_target():
    x = np.array([2.0, 4.0, 6.0, 10.0])
    # reference 6: (1 - (6 - x) / (6 - 2)) * 100
    out = stages.normalise_column(x, 1, Methods(normalise="dist_ref", reference="C"), reference=6.0)
    assert out.tolist() == pytest.approx([0, 50, 100, 200])
    # target 8: (1 - (8 - x) / (8 - 2)) * 100, capped at 100
    out = stages.normalise_column(x, 1, Methods(normalise="dist_target"), target=8.0)
    assert out.tolist() == pytest.approx([0, 100 / 3, 200 / 3, 100])
    # direction -1, target 3: x' = -2 -4 -6 -10, goal -3, worst -10: (1 - (-3 - x') / 7) * 100
    out = stages.normalise_column(x, -1, Methods(normalise="dist_target"), target=3.0)
    assert out.tolist() == pytest.approx([100, 600 / 7, 400 / 7, 0])
    with pytest.raises(BuildError):
        stages.normalise_column(x, 1, Methods(normalise="dist_target"), target=None)


def test_dist_ref_through_the_pipeline_uses_the_reference_unit():
    data = pd.DataFrame({"a": [2.0, 4.0, 6.0, 10.0]}, index=list("ABCD"))
    fw = framework(("a", 1, "P"), ("P", 2))
    result = build(data, fw, Methods(normalise="dist_ref", reference="C", treat="none"))
    assert result.normalised["a"].tolist() == pytest.approx([0, 50, 100, 200])
    with pytest.raises(BuildError):
        build(data, fw, Methods(normalise="dist_ref", reference="Z", treat="none"))


# ------------------------------------------------------------------------------- aggregation

AGG_FW = framework(("a", 1, "P", 1), ("b", 1, "P", 2), ("c", 1, "P", 1), ("P", 2))
AGG_DATA = pd.DataFrame(
    {"a": [10.0, 10.0, np.nan], "b": [40.0, 40.0, np.nan], "c": [np.nan, 20.0, np.nan]},
    index=["missing_c", "complete", "empty"],
)


def aggregated(method):
    return stages.aggregate(AGG_DATA, AGG_FW, Methods(aggregate=method))["P"]


def test_weighted_arithmetic_mean_renormalises_over_present_children():
    out = aggregated("arithmetic")
    assert out["missing_c"] == pytest.approx((1 * 10 + 2 * 40) / 3)  # 30, weights 1+2
    assert out["complete"] == pytest.approx((10 + 80 + 20) / 4)  # 27.5
    assert np.isnan(out["empty"])


def test_weighted_geometric_mean():
    out = aggregated("geometric")
    assert out["missing_c"] == pytest.approx((10 * 40**2) ** (1 / 3))  # 16000^(1/3)
    assert out["complete"] == pytest.approx((10 * 40**2 * 20) ** (1 / 4))  # 320000^(1/4)


def test_weighted_harmonic_mean():
    out = aggregated("harmonic")
    assert out["missing_c"] == pytest.approx(3 / (1 / 10 + 2 / 40))  # 20
    assert out["complete"] == pytest.approx(4 / (1 / 10 + 2 / 40 + 1 / 20))  # 20


def test_geometric_and_harmonic_refuse_zero():
    data = AGG_DATA.fillna(0.0)
    for method in ("geometric", "harmonic"):
        with pytest.raises(BuildError, match="正数"):
            stages.aggregate(data, AGG_FW, Methods(aggregate=method))


def test_positive_means_move_minmax_to_start_at_one():
    assert Methods(aggregate="geometric").for_positive_means().low == 1.0
    assert Methods(aggregate="arithmetic").for_positive_means().low == 0.0


# ------------------------------------------------------------------------------------- ranks


def test_ranks_one_is_highest_ties_share_the_smallest_rank():
    ranks = stages.rank_descending(np.array([10.0, 30.0, 30.0, 20.0, np.nan]))
    assert ranks[:4].tolist() == [4, 1, 1, 3] and np.isnan(ranks[4])
    # scores equal up to floating-point noise tie
    assert stages.rank_descending(np.array([0.1 + 0.2, 0.3, 0.0])).tolist() == [1, 1, 3]
    # several runs at once: each row ranked on its own
    assert stages.rank_descending(np.array([[1.0, 2.0], [2.0, 1.0]])).tolist() == [[2, 1], [1, 2]]


# ------------------------------------------------------------------------- framework shapes

UNBALANCED = (
    ("a", 1, "P1", 1),
    ("b", 1, "P1", 1),
    ("c", 1, "P1", 2),
    ("d", 1, "P2", 5),
    ("P1", 2, "Index", 2),
    ("P2", 2, "Index", 1),
    ("Index", 3),
)


def test_effective_weights_of_an_unbalanced_three_level_tree():
    shares = framework(*UNBALANCED).effective_weights()
    # P1 2/3, P2 1/3; a, b 1/4 of P1, c 2/4 of P1, d all of P2
    assert shares["Index"] == 1
    assert shares["P1"] == pytest.approx(2 / 3)
    assert shares["P2"] == pytest.approx(1 / 3)
    assert shares["a"] == pytest.approx(1 / 4 * 2 / 3)
    assert shares["b"] == pytest.approx(1 / 6)
    assert shares["c"] == pytest.approx(2 / 4 * 2 / 3)
    assert shares["d"] == pytest.approx(1 / 3)
    assert sum(shares[code] for code in "abcd") == pytest.approx(1)


def test_contributions_add_up_to_the_index_under_arithmetic_aggregation():
    data = pd.DataFrame(
        {"a": [1.0, 2.0, 3.0], "b": [3.0, 1.0, 2.0], "c": [1.0, 5.0, 3.0], "d": [9.0, 8.0, 1.0]},
        index=list("XYZ"),
    )
    result = build(data, framework(*UNBALANCED), NO_TREAT)
    table = contributions(result, "Y")
    # Y normalised: a 50, b 0, c 100, d 87.5 -> 50/6 + 0 + 100/3 + 87.5/3
    assert table["contribution"].sum() == pytest.approx(50 / 6 + 100 / 3 + 87.5 / 3)
    assert result.scores["Y"] == pytest.approx(table["contribution"].sum())


def test_several_top_elements_get_an_implicit_index_with_equal_weights():
    fw = framework(("a", 1, "P1"), ("b", 1, "P2"), ("c", 1, "P2"), ("P1", 2), ("P2", 2))
    assert fw.top.code == INDEX_CODE and fw.top.level == 3
    assert fw.by_code["P1"].parent == INDEX_CODE and fw.by_code["P2"].parent == INDEX_CODE
    data = pd.DataFrame({"a": [1.0, 3.0], "b": [2.0, 1.0], "c": [4.0, 2.0]}, index=["X", "Y"])
    result = build(data, fw, NO_TREAT)
    # X: P1 = 0, P2 = (100 + 100) / 2 = 100 -> Index 50; Y: P1 = 100, P2 = 0 -> 50
    assert result.aggregated["P2"].tolist() == [100, 0]
    assert result.scores.tolist() == [50, 50]
    assert result.ranks["Index"].tolist() == [1, 1]
    # indicators with no parent at all: Index directly above them
    flat = framework(("a", 1), ("b", 1))
    assert flat.top.code == INDEX_CODE and flat.top.level == 2


def test_parents_named_index_without_an_index_row_get_one():
    fw = framework(("a", 1, "P1"), ("P1", 2, "Index"))
    assert fw.top.code == INDEX_CODE and fw.by_code[INDEX_CODE].level == 3


# ---------------------------------------------------------------------- framework validation


def problems(rows, data_columns=()):
    with pytest.raises(FrameworkError) as caught:
        read_framework(rows, data_columns)
    return caught.value.problems


def test_duplicate_icode_names_both_rows():
    found = problems(
        [
            {"iCode": "a", "Level": "1", "Parent": "P"},
            {"iCode": "a", "Level": "1", "Parent": "P"},
            {"iCode": "P", "Level": "2"},
        ]
    )
    assert found == ["第 3 行，iCode：“a”与第 2 行重复"]


def test_parent_at_the_wrong_level_names_the_row_and_column():
    found = problems(
        [
            {"iCode": "a", "Level": "1", "Parent": "P"},
            {"iCode": "b", "Level": "1", "Parent": "Index"},
            {"iCode": "P", "Level": "2", "Parent": "Index"},
            {"iCode": "Index", "Level": "3"},
        ]
    )
    assert len(found) == 1
    assert found[0].startswith("第 3 行，Parent：")
    assert "“Index”在第 3 层" in found[0] and "应在第 2 层" in found[0]


def test_unknown_parent_is_reported():
    found = problems(
        [
            {"iCode": "a", "Level": "1", "Parent": "Q"},
            {"iCode": "P", "Level": "2"},
            {"iCode": "b", "Level": "1", "Parent": "P"},
        ]
    )
    assert any(p.startswith("第 2 行，Parent：") and "“Q”" in p for p in found)


def test_bad_direction_negative_weight_and_bad_level_name_their_cells():
    found = problems(
        [
            {"iCode": "a", "Level": "1", "Parent": "P", "Direction": "2"},
            {"iCode": "b", "Level": "1", "Parent": "P", "Direction": "up"},
            {"iCode": "c", "Level": "1", "Parent": "P", "Weight": "-1"},
            {"iCode": "d", "Level": "1.5", "Parent": "P"},
            {"iCode": "", "Level": "1", "Parent": "P"},
            {"iCode": "P", "Level": "2"},
        ]
    )
    assert found[0].startswith("第 2 行，Direction：") and "“2”" in found[0]
    assert found[1] == "第 3 行，Direction：“up”不是数字"
    assert found[2].startswith("第 4 行，Weight：") and "负数" in found[2]
    assert found[3].startswith("第 5 行，Level：")
    assert found[4] == "第 6 行，iCode：不能为空"
    assert len(found) == 5  # every problem at once


def test_denominator_not_in_the_data_and_aggregate_without_children():
    found = problems(
        [
            {"iCode": "a", "Level": "1", "Parent": "P1", "Denominator": "pop"},
            {"iCode": "P1", "Level": "2"},
            {"iCode": "P2", "Level": "2"},
        ],
        data_columns=["uCode", "a", "gdp"],
    )
    assert "第 2 行，Denominator：数据表中没有“pop”这一列" in found
    assert any(p.startswith("第 4 行：") and "“P2”下面没有任何元素" in p for p in found)


def test_indicator_missing_from_the_data_and_zero_weights_are_refused():
    found = problems(
        [{"iCode": "a", "Level": "1", "Parent": "P"}, {"iCode": "P", "Level": "2"}],
        data_columns=["uCode", "b"],
    )
    assert found == ["第 2 行，iCode：数据表中没有“a”这一列"]
    found = problems(
        [{"iCode": "a", "Level": "1", "Parent": "P", "Weight": "0"}, {"iCode": "P", "Level": "2"}]
    )
    assert found[0].startswith("第 3 行") and "全为 0" in found[0]


def test_type_rows_for_denominators_groups_and_others_are_skipped_with_extra_columns():
    fw = read_framework(
        [
            {"iCode": "a", "Level": "1", "Parent": "P", "Type": "Indicator", "Source": "x"},
            {"iCode": "pop", "Level": "", "Type": "Denominator", "Source": "census"},
            {"iCode": "region", "Type": "Group"},
            {"iCode": "P", "Level": "2", "Type": "Aggregate", "Source": ""},
        ],
        ["uCode", "a", "pop"],
    )
    assert [element.code for element in fw.elements] == ["a", "P"]


# ---------------------------------------------------------------- sensitivity and uncertainty

SMALL = pd.DataFrame({"a": [1.0, 2.0, 3.0], "b": [3.0, 1.0, 2.0]}, index=list("XYZ"))
SMALL_FW = framework(("a", 1, "P"), ("b", 1, "P"), ("P", 2))


def test_correlations_with_parent():
    result = build(SMALL, SMALL_FW, NO_TREAT)
    # a: 0 50 100, b: 100 0 50 -> P: 50 25 75; a-P deviations (-50, 0, 50) . (0, -25, 25)
    # = 1250 / sqrt(5000 * 1250) = 0.5
    table = result.correlations().set_index("code")
    assert table.at["a", "with_parent"] == pytest.approx(0.5)
    assert result.ranks["P"].tolist() == [2, 3, 1]


def test_remove_one():
    table = remove_one(SMALL, SMALL_FW, NO_TREAT).set_index("code")
    # nominal ranks 2 3 1; without a: P = b -> 1 3 2 (shifts 1 0 1); without b: 3 2 1 (1 1 0)
    assert table.at["a", "mean_shift"] == pytest.approx(2 / 3)
    assert table.at["a", "max_shift"] == 1
    assert table.at["b", "mean_shift"] == pytest.approx(2 / 3)


def test_remove_one_of_a_pillar_with_one_child_falls_back_to_zero_weight():
    fw = framework(("a", 1, "P1"), ("b", 1, "P2"), ("P1", 2), ("P2", 2))
    table = remove_one(SMALL, fw, NO_TREAT).set_index("code")
    # without a the index is b alone: ranks 1 3 2 against nominal 2 3 1
    assert table.at["a", "max_shift"] == 1


def test_one_at_a_time():
    table = one_at_a_time(SMALL, SMALL_FW, NO_TREAT, alternatives={"normalise": ("minmax", "rank")})
    # rank normalisation: a 1 2 3, b 3 1 2 -> P = 2, 1.5, 2.5 -> ranks 2 3 1
    assert table["nominal"].tolist() == [2, 3, 1]
    assert table["normalise=rank"].tolist() == [2, 3, 1]
    assert list(table.columns) == ["nominal", "normalise=rank"]


MC_DATA = pd.DataFrame(
    {
        "a": [1.0, 2.0, 3.0, 4.0, 5.0, np.nan],
        "b": [5.0, 3.0, 4.0, 1.0, 2.0, 6.0],
        "c": [2.0, 2.0, 9.0, 1.0, 4.0, 3.0],
    },
    index=list("UVWXYZ"),
)
MC_FW = framework(("a", 1, "P1"), ("b", 1, "P1", 2), ("c", 1, "P2"), ("P1", 2), ("P2", 2))


def test_monte_carlo_without_noise_or_alternatives_reproduces_the_nominal_rank():
    single = {"impute": ("none",), "normalise": ("minmax",), "aggregate": ("arithmetic",)}
    result = monte_carlo(MC_DATA, MC_FW, NO_TREAT, runs=40, weight_noise=0.0, alternatives=single)
    nominal = build(MC_DATA, MC_FW, NO_TREAT).ranks["Index"].to_numpy()
    assert (result.ranks == nominal).all()
    summary = result.summary()
    assert (summary["median"] == summary["nominal"]).all()
    assert (summary["q05"] == summary["nominal"]).all() and (
        summary["q95"] == summary["nominal"]
    ).all()


def test_monte_carlo_median_within_the_interval_and_seed_reproducible():
    kwargs = {"runs": 200, "weight_noise": 0.4, "seed": 7}
    first = monte_carlo(MC_DATA, MC_FW, NO_TREAT, **kwargs)
    second = monte_carlo(MC_DATA, MC_FW, NO_TREAT, **kwargs)
    np.testing.assert_array_equal(first.ranks, second.ranks)
    summary = first.summary()
    assert (summary["q05"] <= summary["median"]).all()
    assert (summary["median"] <= summary["q95"]).all()
    assert ((first.ranks >= 1) & (first.ranks <= len(MC_DATA))).all()
    other = monte_carlo(MC_DATA, MC_FW, NO_TREAT, **{**kwargs, "seed": 8})
    assert not np.array_equal(first.ranks, other.ranks)
    with pytest.raises(ValueError):
        monte_carlo(MC_DATA, MC_FW, NO_TREAT, weight_noise=1.0)


# ------------------------------------------------------------------------------- invariants

HYP = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
values = st.floats(min_value=-1e3, max_value=1e3, allow_nan=False).map(lambda v: round(v, 3))


@st.composite
def panels(draw, min_units=3, max_units=7):
    n = draw(st.integers(min_units, max_units))
    data = {code: draw(st.lists(values, min_size=n, max_size=n)) for code in "abc"}
    return pd.DataFrame(data, index=[f"u{i}" for i in range(n)])


def invariant_fw(directions=(1, 1, 1), weights=(1, 1, 1, 1, 1)):
    return framework(
        ("a", 1, "P1", weights[0], directions[0]),
        ("b", 1, "P1", weights[1], directions[1]),
        ("c", 1, "P2", weights[2], directions[2]),
        ("P1", 2, None, weights[3]),
        ("P2", 2, None, weights[4]),
    )


@HYP
@given(
    panels(),
    st.data(),
    st.sampled_from([1, -1]),
    st.floats(min_value=0.001, max_value=500),
)
def test_raising_a_value_moves_the_score_with_the_direction(data, draw, direction, bump):
    fw = invariant_fw(directions=(direction, 1, 1))
    unit = draw.draw(st.sampled_from(list(data.index)))
    raised = data.copy()
    raised.at[unit, "a"] += bump
    before = build(data, fw, NO_TREAT).scores[unit]
    after = build(raised, fw, NO_TREAT).scores[unit]
    if np.isnan(before) or np.isnan(after):
        return
    if direction == 1:
        assert after >= before - 1e-9
    else:
        assert after <= before + 1e-9


@HYP
@given(
    panels(),
    st.floats(min_value=0.01, max_value=1000),
    st.lists(st.floats(min_value=0.1, max_value=10), min_size=5, max_size=5),
    st.sampled_from(["arithmetic", "geometric", "harmonic"]),
)
def test_scaling_every_weight_by_a_constant_changes_nothing(data, factor, weights, method):
    methods = Methods(treat="none", aggregate=method).for_positive_means()
    base = build(data, invariant_fw(weights=weights), methods)
    scaled = build(data, invariant_fw(weights=[w * factor for w in weights]), methods)
    pd.testing.assert_frame_equal(base.aggregated, scaled.aggregated, rtol=1e-9)
    pd.testing.assert_frame_equal(base.ranks, scaled.ranks)


@HYP
@given(st.lists(st.one_of(st.integers(-5, 5).map(float), st.just(np.nan)), min_size=1, max_size=12))
def test_ranks_are_a_permutation_with_ties_consistent_with_scores(scores):
    scores = np.array(scores)
    ranks = stages.rank_descending(scores)
    present = ~np.isnan(scores)
    assert (np.isnan(ranks) == ~present).all()
    s, r = scores[present], ranks[present]
    for i in range(len(s)):
        # min rank: one more than the number of strictly better scores
        assert r[i] == 1 + (s > s[i]).sum()
        for j in range(len(s)):
            if s[i] > s[j]:
                assert r[i] < r[j]
            if s[i] == s[j]:
                assert r[i] == r[j]
    if len(s):
        assert r.min() == 1 and r.max() <= len(s)
        # the sorted ranks are those of a competition ranking ("1224")
        ordered = np.sort(r)
        for k, rank in enumerate(ordered):
            assert rank == 1 + (ordered < rank).sum() and rank <= k + 1


@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(panels(min_units=4), st.integers(0, 2**16))
def test_monte_carlo_invariants_for_any_data(data, seed):
    fw = invariant_fw()
    single = {"impute": ("none",), "normalise": ("minmax",), "aggregate": ("arithmetic",)}
    still = monte_carlo(
        data, fw, NO_TREAT, runs=10, weight_noise=0.0, alternatives=single, seed=seed
    )
    nominal = build(data, fw, NO_TREAT).ranks["Index"].to_numpy()
    np.testing.assert_array_equal(still.ranks, np.broadcast_to(nominal, still.ranks.shape))
    noisy = monte_carlo(data, fw, NO_TREAT, runs=30, seed=seed)
    again = monte_carlo(data, fw, NO_TREAT, runs=30, seed=seed)
    np.testing.assert_array_equal(noisy.ranks, again.ranks)
    summary = noisy.summary().dropna()
    assert (summary["q05"] <= summary["median"]).all()
    assert (summary["median"] <= summary["q95"]).all()


# -- placing a unit's changed figures on a build's scales ----------------------------------


def _placement_build():
    from kechuang.engines.composite import Methods, build, read_framework

    data = pd.DataFrame(
        {"a": [1.0, 2.0, 3.0, 4.0, 10.0], "b": [5.0, 4.0, 3.0, 2.0, 1.0]},
        index=["U1", "U2", "U3", "U4", "U5"],
    )
    framework = read_framework(
        [
            {"iCode": "a", "Level": 1, "Parent": "P", "Direction": 1, "Weight": 1},
            {"iCode": "b", "Level": 1, "Parent": "P", "Direction": -1, "Weight": 1},
            {"iCode": "P", "Level": 2, "Parent": ""},
        ]
    )
    return data, build(data, framework, Methods(treat="none"))


def test_placing_a_units_own_figures_gives_back_its_score_and_rank():
    from kechuang.engines.composite import place

    data, result = _placement_build()
    for unit in data.index:
        placed = place(result, data.loc[unit], unit=unit)
        assert placed.scores["P"] == pytest.approx(result.aggregated.at[unit, "P"])
        assert placed.ranks["P"] == result.ranks.at[unit, "P"]
        assert placed.capped == []


def test_placing_interpolates_and_stops_at_the_builds_best():
    from kechuang.engines.composite import place

    data, result = _placement_build()
    # a = 2.5 lies halfway between 2 and 3 on a's min-max scale 1..10:
    # (2-1)/9*100 = 11.11 and (3-1)/9*100 = 22.22, so 16.67; b = 3 is 50 (direction -1).
    figures = pd.Series({"a": 2.5, "b": 3.0})
    placed = place(result, figures, unit="U1")
    assert placed.scores["P"] == pytest.approx((16.6667 + 50) / 2, abs=1e-3)
    beyond = place(result, pd.Series({"a": 50.0, "b": 0.5}), unit="U1")
    assert beyond.scores["P"] == pytest.approx(100.0)
    assert beyond.capped == ["a", "b"]
    assert beyond.ranks["P"] == 1


@given(st.floats(min_value=0, max_value=20), st.floats(min_value=0, max_value=20))
def test_placing_a_larger_value_never_lowers_the_score(low, high):
    from kechuang.engines.composite import place

    low, high = sorted((low, high))
    _data, result = _placement_build()
    first = place(result, pd.Series({"a": low, "b": 3.0}), unit="U3").scores["P"]
    second = place(result, pd.Series({"a": high, "b": 3.0}), unit="U3").scores["P"]
    assert second >= first - 1e-9


def test_contributions_add_up_to_the_score_with_gaps():
    from kechuang.engines.composite import Methods, build, contributions, read_framework

    data = pd.DataFrame(
        {"a": [1.0, 2.0, 4.0], "b": [3.0, np.nan, 1.0], "c": [2.0, 5.0, 8.0]},
        index=["U1", "U2", "U3"],
    )
    framework = read_framework(
        [
            {"iCode": "a", "Level": 1, "Parent": "P", "Weight": 1},
            {"iCode": "b", "Level": 1, "Parent": "P", "Weight": 3},
            {"iCode": "c", "Level": 1, "Parent": "Q", "Weight": 1},
            {"iCode": "P", "Level": 2, "Parent": "", "Weight": 2},
            {"iCode": "Q", "Level": 2, "Parent": "", "Weight": 1},
        ]
    )
    result = build(data, framework, Methods(treat="none"))
    for unit in data.index:
        table = contributions(result, unit)
        assert table["contribution"].sum() == pytest.approx(result.aggregated.at[unit, "Index"])
    # U2 has no b: a carries P's whole share, 2/3 of the index.
    shares = contributions(result, "U2").set_index("code")["effective_weight"]
    assert shares["a"] == pytest.approx(2 / 3) and shares["b"] == 0


def test_a_framework_table_reports_row_and_structure_problems_at_once():
    from kechuang.engines.composite import FrameworkError, read_framework

    with pytest.raises(FrameworkError) as caught:
        read_framework(
            [
                {"iCode": "a", "Level": "x", "Parent": "P"},  # line 2: Level unreadable
                {"iCode": "b", "Level": 1, "Parent": "Q"},  # line 3: parent missing
                {"iCode": "P", "Level": 2, "Parent": ""},  # line 4: nothing under it
            ]
        )
    problems = caught.value.problems
    assert any(p.startswith("第 2 行，Level") for p in problems)
    assert any(p.startswith("第 3 行，Parent") for p in problems)
    assert any(p.startswith("第 4 行") and "下面没有任何元素" for p in problems)


def test_a_top_row_without_a_code_is_the_index():
    from kechuang.engines.composite import read_framework

    framework = read_framework(
        [
            {"iCode": "a", "Level": 1, "Parent": "P"},
            {"iCode": "P", "Level": 2, "Parent": "Index"},
            {"iCode": "", "Level": 3, "Parent": ""},
        ]
    )
    assert framework.top.code == "Index" and framework.top.level == 3


def test_a_row_with_a_bad_direction_still_has_its_parent_checked():
    from kechuang.engines.composite import FrameworkError, read_framework

    with pytest.raises(FrameworkError) as caught:
        read_framework(
            [
                {"iCode": "a", "Level": 1, "Parent": "nowhere", "Direction": 3, "Weight": -1},
                {"iCode": "b", "Level": 1, "Parent": "P"},
                {"iCode": "P", "Level": 2, "Parent": ""},
            ],
            data_columns=["b"],
        )
    problems = " ".join(caught.value.problems)
    for expected in ("Direction", "Weight", "“nowhere”不是框架中的 iCode", "数据表中没有“a”这一列"):
        assert expected in problems


def test_distance_to_a_reference_that_is_the_worst_is_refused():
    from kechuang.engines.composite.stages import BuildError, normalise_column

    with pytest.raises(BuildError, match="最差的值"):
        normalise_column(
            np.array([1.0, 2.0, 3.0]),
            1,
            Methods(normalise="dist_ref", reference="U1"),
            reference=1.0,
            code="A",
        )
