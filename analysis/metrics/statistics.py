"""General interval and survival helpers shared by the analyses (one home for each; callers import them here).

* :func:`median_interval` — distribution-free order-statistic interval for a median (Hettmansperger & Sheather).
* :func:`km_median` — Kaplan-Meier median of right-censored times.
* :func:`calibrated_level` / :func:`percentile_interval` — a percentile bootstrap read at a calibrated level. The
  plain percentile bootstrap of statistics of running maxima (frontiers, the lags and gaps between them) undercovers:
  the bootstrap is inconsistent for extremes. Reading it at ``1 - (1 - confidence) / BOOT_WIDEN`` is a calibrated
  bootstrap in the sense of Loh (1987, JASA 82:155). :data:`BOOT_WIDEN` was chosen on the ECI frontier gap
  (nominal 90% covered 77-87% on three synthetic set-ups, 0.90-0.97 once widened); the lag and the gap check it on
  set-ups not used to choose it (tests/test_capabilities.py, tests/test_lag_coverage.py), and each result states
  the coverage measured there.
"""

from __future__ import annotations

import numpy as np

from analysis.constants import DEFAULT_CONFIDENCE

BOOT_WIDEN = 3.0


def median_interval(values: np.ndarray, confidence: float = DEFAULT_CONFIDENCE) -> tuple[tuple[float, float], float]:
    """Distribution-free interval for the median of independent values, and its nominal coverage.

    Order statistics [y(d), y(n-d+1)] cover the median with probability 1 - 2 P(Bin(n, 1/2) <= d - 1); between the
    two nearest such intervals the bounds are interpolated (Hettmansperger & Sheather 1986, Statist. Probab. Lett.
    4:75-79) to reach ``confidence``. With too few values for any order-statistic interval to reach
    ``confidence`` (n < 5 at 90%), returns the min-max range and its actual coverage.
    """
    from scipy.stats import binom

    y = np.sort(np.asarray(values, dtype=float))
    n = len(y)
    if n < 2:
        return (float("nan"), float("nan")), float("nan")
    cov = lambda d: 1 - 2 * binom.cdf(d - 1, n, 0.5)  # noqa: E731
    if cov(1) < confidence:
        return (float(y[0]), float(y[-1])), float(cov(1))
    d = 1
    while d + 1 <= n // 2 and cov(d + 1) >= confidence:
        d += 1
    g_d = cov(d)
    if d + 1 > (n + 1) // 2 or np.isclose(g_d, confidence):
        return (float(y[d - 1]), float(y[n - d])), float(g_d)
    g_next = cov(d + 1)
    i = (g_d - confidence) / (g_d - g_next)
    lam = (n - d) * i / (d + (n - 2 * d) * i)
    lo = (1 - lam) * y[d - 1] + lam * y[d]
    hi = (1 - lam) * y[n - d] + lam * y[n - d - 1]
    return (float(lo), float(hi)), float(confidence)


def km_median(times: np.ndarray, censored: np.ndarray, weights: np.ndarray | None = None) -> float:
    """Kaplan-Meier median of right-censored times: the first time the survival curve reaches 1/2 (NaN if never).

    ``weights`` (optional, >= 0) weight each time (e.g. the width of a band of levels); equal weights by default.
    """
    t = np.asarray(times, dtype=float)
    c = np.asarray(censored, dtype=bool)
    w = np.ones(len(t)) if weights is None else np.asarray(weights, dtype=float)
    ok = np.isfinite(t) & (w > 0)
    t, c, w = t[ok], c[ok], w[ok]
    if len(t) == 0:
        return float("nan")
    order = np.argsort(t, kind="stable")
    t, c, w = t[order], c[order], w[order]
    uniq, start = np.unique(t, return_index=True)
    at_risk = w.sum() - np.concatenate([[0.0], np.cumsum(w)[:-1]])[start]
    events = np.add.reduceat(np.where(c, 0.0, w), start)
    surv = np.cumprod(1 - events / at_risk)
    hit = np.flatnonzero(surv <= 0.5 + 1e-12)
    if len(hit):
        return float(uniq[hit[0]])
    return float("nan")


def drawn_rows(codes: np.ndarray, drawn: np.ndarray) -> np.ndarray:
    """Rows whose cluster code is among ``drawn`` (codes 0..n-1; -1, an unknown cluster, is never drawn): the same
    mask as ``np.isin(codes, drawn)``, by a look-up table instead of a sort (a bootstrap draws it on every resample)."""
    codes = np.asarray(codes)
    present = np.zeros(max(int(codes.max(initial=-1)), int(np.max(drawn, initial=-1))) + 2, dtype=bool)
    present[drawn] = True
    return present[codes]  # -1 reads the last slot, which no draw sets


def calibrated_level(confidence: float, widen: float = BOOT_WIDEN) -> float:
    """The level at which a calibrated percentile bootstrap is read: ``1 - (1 - confidence) / widen``."""
    return 1 - (1 - confidence) / widen


def percentile_interval(replicates: np.ndarray, confidence: float = DEFAULT_CONFIDENCE,
                        widen: float = BOOT_WIDEN) -> tuple[float, float]:
    """Percentile interval of bootstrap ``replicates`` read at :func:`calibrated_level` (``widen=1``: the plain
    percentile interval). NaN replicates are dropped; +inf (an unbounded replicate) stays, so a bound can be inf."""
    b = np.asarray(replicates, dtype=float)
    b = b[~np.isnan(b)]
    if len(b) == 0:
        return float("nan"), float("nan")
    level = calibrated_level(confidence, widen)
    q = ((1 - level) / 2, (1 + level) / 2)
    if np.isinf(b).any():  # no interpolation towards an infinite replicate: the order statistics themselves
        return float(np.quantile(b, q[0], method="lower")), float(np.quantile(b, q[1], method="higher"))
    lo, hi = np.quantile(b, q)
    return float(lo), float(hi)


def side_of_interval(value: float, low: float, high: float) -> int:
    """Where ``value`` (e.g. a published estimate) stands against our interval [low, high]: -1 below it, 0 inside
    (consistent with ours, bounds included), 1 above it. A prose comparison such as "slower than" may be claimed
    only when the value is outside the interval."""
    if not (np.isfinite(value) and np.isfinite(low) and np.isfinite(high)) or low > high:
        raise ValueError(f"side_of_interval needs finite value and low <= high, got {value}, [{low}, {high}]")
    return -1 if value < low else 1 if value > high else 0
