"""The shared interval and survival helpers (analysis/metrics/statistics.py): hand computations and one coverage
check each. Moved from tests/test_intervals.py with the helpers (issue 25, item 2: one home per concept)."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest

from analysis.metrics import statistics as st


def test_km_median_with_censoring_by_hand():
    # times 2, 4(censored), 6, 8: S(2) = 3/4, S(6) = 3/4 * 1/2 = 3/8 <= 1/2 -> median 6
    assert st.km_median(np.array([2.0, 4.0, 6.0, 8.0]), np.array([False, True, False, False])) == 6.0
    # more than half censored: the survival curve never reaches 1/2, no median
    assert math.isnan(st.km_median(np.array([5.0, 9.0]), np.array([True, True])))
    # a censored time tied with an event is still at risk at that event: 151 (c), 151 (e), 365 (e) weighted 1
    assert st.km_median(np.array([151.0, 151.0, 365.0]), np.array([True, False, False])) == 365.0


def test_km_median_weights_are_repeated_times():
    t, c = np.array([1.0, 3.0, 4.0]), np.array([False, True, False])
    w = np.array([2.0, 1.0, 3.0])
    expanded = st.km_median(np.repeat(t, [2, 1, 3]), np.repeat(c, [2, 1, 3]))
    assert st.km_median(t, c, w) == expanded
    # S(1) = 1 - 2/6 = 2/3; S(4) = 2/3 * (1 - 3/3) = 0 -> median 4
    assert expanded == 4.0


def test_median_interval_order_statistics_by_hand():
    from scipy.stats import binom

    y = np.arange(1.0, 12.0)  # n = 11
    (lo, hi), cover = st.median_interval(y, 0.90)
    # [y(3), y(9)] covers with 1 - 2 P(Bin(11, .5) <= 2) = 0.9346; [y(4), y(8)] with 0.7744: interpolate between
    assert 1 - 2 * binom.cdf(2, 11, 0.5) == pytest.approx(0.93457, abs=1e-5)
    assert 3.0 < lo < 4.0 and 8.0 < hi < 9.0 and lo + hi == pytest.approx(12.0) and cover == 0.90
    # too few values for 90%: the min-max range and its own coverage, 1 - 2^(1-n)
    (lo, hi), cover = st.median_interval(np.array([3.0, 1.0, 2.0]), 0.90)
    assert (lo, hi) == (1.0, 3.0) and cover == pytest.approx(0.75)


def _clustered_lags(rng, k, mu=12.0):
    """k clusters of 1-3 values sharing the cluster's effect (symmetric about mu)."""
    rows = []
    for j in range(k):
        u = rng.normal(0, 5)
        for _ in range(rng.integers(1, 4)):
            rows.append((f"c{j}", mu + u + rng.normal(0, 2)))
    return pd.DataFrame(rows, columns=["cluster", "value"])


@pytest.mark.parametrize("k", [6, 9, 15])
def test_median_interval_coverage_over_cluster_medians(k):
    """Order statistics over cluster medians cover the median of a symmetric cluster distribution at 85-95%; a
    bootstrap treating the clustered values as independent is too narrow."""
    rng = np.random.default_rng(k)
    reps, hits, naive = 400, 0, 0
    for _ in range(reps):
        c = _clustered_lags(rng, k)
        (lo, hi), _ = st.median_interval(c.groupby("cluster")["value"].median().to_numpy(), 0.90)
        hits += lo <= 12.0 <= hi
        v = c["value"].to_numpy()
        boot = np.median(v[rng.integers(0, len(v), size=(300, len(v)))], axis=1)
        naive += np.quantile(boot, 0.05) <= 12.0 <= np.quantile(boot, 0.95)
    assert 0.85 <= hits / reps <= 0.95, hits / reps
    assert naive < hits


def test_calibrated_percentile_interval():
    b = np.arange(1.0, 1001.0)
    assert st.calibrated_level(0.90) == pytest.approx(1 - 0.1 / st.BOOT_WIDEN)
    lo, hi = st.percentile_interval(b, 0.90, widen=1.0)
    assert (lo, hi) == pytest.approx(tuple(np.quantile(b, [0.05, 0.95])))
    wlo, whi = st.percentile_interval(b, 0.90, widen=2.0)
    assert (wlo, whi) == pytest.approx(tuple(np.quantile(b, [0.025, 0.975]))) and wlo < lo and whi > hi
    # an unbounded replicate (a median lag not reached) stays unbounded, with no interpolation towards it
    lo, hi = st.percentile_interval(np.r_[b, [np.inf] * 100], 0.90, widen=1.0)
    assert np.isfinite(lo) and hi == np.inf
    assert all(np.isnan(st.percentile_interval(np.array([np.nan, np.nan]), 0.9)))  # no replicate, no interval


# --- hand computations written for mutants that survived `make mutation` (benchmarks/mutation/) ------------------


def _cov(d: int, n: int) -> float:
    """Exact coverage of [y(d), y(n-d+1)] for the median: 1 - 2 P(Bin(n, 1/2) <= d - 1), from binomial counts."""
    return 1 - 2 * sum(math.comb(n, j) for j in range(d)) / 2**n


def test_median_interval_interpolates_between_order_statistics_by_hand():
    """n = 10, 90%: [y(2), y(9)] covers 1 - 2 * 11/1024 = 0.9785 and [y(3), y(8)] 1 - 2 * 56/1024 = 0.8906; the
    Hettmansperger-Sheather bounds interpolate with I = (0.9785 - 0.90) / (0.9785 - 0.8906) = 0.893 and
    lambda = (n - d) I / (d + (n - 2d) I) = 8 I / (2 + 6 I) = 0.971, so on y = 1..10 the interval is
    [2 + lambda, 9 - lambda] = [2.971, 8.029], reported at the 90% it reaches."""
    n, d = 10, 2
    assert (_cov(2, n), _cov(3, n)) == (pytest.approx(1 - 22 / 1024), pytest.approx(1 - 112 / 1024))
    i = (_cov(d, n) - 0.90) / (_cov(d, n) - _cov(d + 1, n))
    lam = (n - d) * i / (d + (n - 2 * d) * i)
    assert lam == pytest.approx(0.9710, abs=1e-4)
    y = np.arange(10.0, 0.0, -1.0)  # unsorted input: the function sorts
    (lo, hi), cover = st.median_interval(y, 0.90)
    assert (lo, hi) == (pytest.approx(2 + lam, rel=1e-12), pytest.approx(9 - lam, rel=1e-12))
    assert cover == 0.90
    # asymmetric spacing: each bound interpolates towards the inside between its own two order statistics
    z = np.array([0, 1, 10, 11, 12, 13, 14, 15, 30, 100.0])
    (lo, hi), _ = st.median_interval(z, 0.90)
    assert lo == pytest.approx((1 - lam) * 1 + lam * 10) and hi == pytest.approx((1 - lam) * 30 + lam * 15)


def test_median_interval_at_an_attainable_level_is_the_order_statistic_interval():
    """Asked for exactly the coverage of [y(2), y(9)] at n = 10 (0.978516), the interval is those order statistics,
    with that coverage. Asked for 10%, below what even the innermost pair [y(5), y(6)] covers (1 - 2 x 386/1024 =
    0.246), it returns that pair and its 0.246 (no interpolation past the middle)."""
    y = np.arange(1.0, 11.0)
    (lo, hi), cover = st.median_interval(y, _cov(2, 10))
    assert (lo, hi) == (2.0, 9.0) and cover == pytest.approx(_cov(2, 10))
    (lo, hi), cover = st.median_interval(y, 0.10)  # every pair covers at least 10%: the innermost pair, d = 5
    assert (lo, hi) == (5.0, 6.0) and cover == pytest.approx(_cov(5, 10))


def test_median_interval_too_few_values():
    """n < 2: no interval. n = 4 at 90%: even [min, max] covers only 1 - 2/16 = 0.875, which is what is reported
    (never the nominal 90%); n = 5 at 90%: [min, max] covers 0.9375 >= 0.90 and the interval is interpolated
    inside it."""
    (lo, hi), cover = st.median_interval(np.array([3.0]), 0.9)
    assert math.isnan(lo) and math.isnan(hi) and math.isnan(cover)
    (lo, hi), cover = st.median_interval(np.array([4.0, 1.0, 3.0, 2.0]), 0.9)
    assert (lo, hi, cover) == (1.0, 4.0, pytest.approx(0.875))
    (lo, hi), cover = st.median_interval(np.arange(1.0, 6.0), 0.9)
    assert 1.0 < lo < 2.0 and 4.0 < hi < 5.0 and lo + hi == pytest.approx(6.0) and cover == 0.9


def test_km_median_drops_non_finite_times_and_zero_weights_and_never_reaching_half_is_nan():
    """Times 1, 2, 3, 4 with no censoring: survival 0.75, 0.5 -> median 2 (the first time S <= 1/2). A NaN or
    infinite time and a zero weight are left out, not counted in the risk set. Weights 2, 1, 1 at times 1, 2, 3:
    S(1) = 1 - 2/4 = 0.5 -> median 1. Censoring at 2 in 1..5: S(1) = 0.8, S(3) = 0.8 x 2/3 = 0.533,
    S(4) = 0.267 -> median 4. All censored, or nothing left: NaN."""
    f = np.zeros(4, dtype=bool)
    assert st.km_median(np.array([4.0, 2.0, 3.0, 1.0]), f) == 2.0
    assert st.km_median(np.array([1.0, 2.0, 3.0, 4.0, np.nan, np.inf]), np.zeros(6, dtype=bool)) == 2.0
    assert st.km_median(np.array([1.0, 2.0, 3.0, 4.0, 0.5]), np.zeros(5, dtype=bool),
                        np.array([1.0, 1.0, 1.0, 1.0, 0.0])) == 2.0
    assert st.km_median(np.array([1.0, 2.0, 3.0]), np.zeros(3, dtype=bool), np.array([2.0, 1.0, 1.0])) == 1.0
    assert st.km_median(np.arange(1.0, 6.0), np.array([False, True, False, False, False])) == 4.0
    assert math.isnan(st.km_median(np.array([1.0, 2.0]), np.array([True, True])))
    assert math.isnan(st.km_median(np.array([np.nan]), np.array([False])))
    # S(1) = 2/3, S(2) = 1/3: the first time at or below one half is 2, not 3
    assert st.km_median(np.array([1.0, 2.0, 3.0]), np.zeros(3, dtype=bool)) == 2.0


def test_percentile_interval_by_hand():
    """Replicates 0..100: the plain 90% percentile interval is [5, 95]; at the calibrated level 1 - 0.1/3 the
    quantiles are 1/60 and 59/60 of the way: [1.667, 98.333]. NaN replicates are dropped. With an infinite
    replicate the bounds are order statistics (numpy 'lower' and 'higher'), so the upper bound can be inf."""
    b = np.arange(101.0)
    assert st.calibrated_level(0.9, 3.0) == pytest.approx(1 - 0.1 / 3)
    assert st.percentile_interval(b, 0.9, widen=1.0) == (pytest.approx(5.0), pytest.approx(95.0))
    lo, hi = st.percentile_interval(np.r_[b, [np.nan] * 7], 0.9, widen=3.0)
    assert (lo, hi) == (pytest.approx(100 / 60), pytest.approx(100 * 59 / 60))
    # 4 replicates, 50%: positions (n - 1) q = 0.75 and 2.25 -> lower 1.0, higher inf
    assert st.percentile_interval(np.array([3.0, np.inf, 1.0, 2.0]), 0.5, widen=1.0) == (1.0, np.inf)
    assert st.percentile_interval(np.array([-np.inf, 1.0, 2.0, 3.0]), 0.5, widen=1.0) == (-np.inf, 3.0)


def test_edge_cases_of_the_helpers_by_hand():
    """Two values at 90%: [min, max] covers 1 - 2/4 = 0.5, reported as such (not NaN). One uncensored time: the
    survival drops to 0 there, so it is the median. Missing entries given as None (an object column) are dropped
    like NaN: times, weights and bootstrap replicates."""
    assert st.median_interval(np.array([7.0, 3.0]), 0.9) == ((3.0, 7.0), pytest.approx(0.5))
    assert st.km_median(np.array([5.0]), np.array([False])) == 5.0
    assert st.km_median([1, None, 2, 3, 4], [False] * 5) == 2.0
    assert st.km_median([1.0, 2.0, 3.0, 4.0], [False] * 4, [1, None, 1, 1]) == 3.0  # S(1) = 2/3, S(3) = 1/3
    assert st.percentile_interval([0.0, None, 10.0], 0.5, widen=1.0) == (pytest.approx(2.5), pytest.approx(7.5))


@pytest.mark.parametrize("confidence, d, lam", [
    # n = 6: [y(1), y(6)] covers 1 - 2/64 = 0.96875, [y(2), y(5)] 1 - 14/64 = 0.78125, [y(3), y(4)] 0.3125.
    # 90%: I = (0.96875 - 0.9) / 0.1875 = 0.3667, lambda = 5 I / (1 + 4 I) = 0.7432
    (0.90, 1, 5 * (0.06875 / 0.1875) / (1 + 4 * (0.06875 / 0.1875))),
    # 75%: d = 2 is the last pair that reaches it, I = 0.03125 / 0.46875 = 1/15, lambda = 4 I / (2 + 2 I) = 0.125
    (0.75, 2, 0.125),
])
def test_median_interval_of_six_values_by_hand(confidence, d, lam):
    y = np.array([1.0, 2.0, 4.0, 8.0, 16.0, 32.0])
    (lo, hi), cover = st.median_interval(y[::-1], confidence)
    assert lo == pytest.approx((1 - lam) * y[d - 1] + lam * y[d], rel=1e-12)
    assert hi == pytest.approx((1 - lam) * y[6 - d] + lam * y[6 - d - 1], rel=1e-12)
    assert cover == confidence


def test_side_of_interval_by_hand():
    assert [st.side_of_interval(v, 2.0, 3.0) for v in (1.9, 2.0, 2.5, 3.0, 3.1)] == [-1, 0, 0, 0, 1]
    with pytest.raises(ValueError):
        st.side_of_interval(float("nan"), 2.0, 3.0)
    with pytest.raises(ValueError):
        st.side_of_interval(2.5, 3.0, 2.0)


def test_drawn_rows_is_the_isin_mask_including_unknown_clusters_and_repeats():
    """The bootstrap's look-up of the drawn clusters' rows (w-speed) against np.isin, on random cases: codes -1
    (no cluster) are never drawn; a cluster drawn twice, or never, gives the same mask."""
    from analysis.metrics.statistics import drawn_rows

    rng = np.random.default_rng(7)
    for _ in range(500):
        k = int(rng.integers(1, 30))
        codes = rng.integers(-1, k, size=int(rng.integers(0, 60)))
        drawn = rng.integers(0, k, size=int(rng.integers(0, 2 * k)))
        assert np.array_equal(drawn_rows(codes, drawn), np.isin(codes, drawn))
