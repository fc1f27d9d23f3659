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
