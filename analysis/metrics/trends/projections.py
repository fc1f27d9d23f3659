"""Projections of a trend fit: the level at a date and the date a level is reached, each with a prediction interval
(parameter uncertainty and the scatter of models around the line), and the fitted line for plots.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd
from scipy import stats

from analysis.errors import AnalysisError, UsageError
from analysis.metrics.result import Result, ResultMeta, meta
from analysis.metrics.trends.fits import TrendFit, _pow10, decimal_year, parse_date, year_to_date

# --- projections ---------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class LevelProjection(Result):
    """Value of the trend at a date: the trend line's interval (``ci``) and a prediction interval for one model."""

    json_rename = {"ci": "value_ci", "pi": "value_pi"}
    json_derived = ("log10_value",)

    metric: str
    date: pd.Timestamp
    value: float
    ci: tuple[float, float]  # where the trend line is (confidence band)
    pi: tuple[float, float]  # where a single new model falls (prediction band)
    confidence: float
    method: str
    fit_n: int
    fit_window: tuple[pd.Timestamp, pd.Timestamp]
    years_beyond_data: float  # > 0: extrapolation beyond the last fitted model

    @property
    def log10_value(self) -> float:
        return math.log10(self.value)

    @property
    def meta(self) -> ResultMeta:
        return meta(self.fit_n, *self.fit_window, _interval_kind(self.method), self.confidence)


@dataclass(frozen=True)
class DateProjection(Result):
    """Date at which the trend reaches a level, with intervals; None bounds are unbounded (see notes)."""

    metric: str
    level: float
    date: pd.Timestamp | None
    date_ci: tuple[pd.Timestamp | None, pd.Timestamp | None]  # when the trend line crosses (confidence band)
    date_pi: tuple[pd.Timestamp | None, pd.Timestamp | None]  # when a single model is predicted to (prediction band)
    confidence: float
    method: str
    fit_n: int
    fit_window: tuple[pd.Timestamp, pd.Timestamp]
    notes: tuple[str, ...] = ()

    @property
    def meta(self) -> ResultMeta:
        return meta(self.fit_n, *self.fit_window, _interval_kind(self.method), self.confidence)


def _interval_kind(method: str) -> str:
    """The interval of a projection from a trend fitted by ``method``."""
    return {"analytic": "t band of the OLS trend, the fit's covariance and df (prediction band adds the residual "
                        "spread)",
            "bootstrap": "bootstrap percentile of the trend line, resamples of models",
            "cluster-bootstrap": "bootstrap percentile of the trend line, resamples of organizations"}.get(method, method)


def _quantile(fit: TrendFit) -> float:
    """The t quantile of the fit's own interval (CR2: its Bell-McCaffrey df; HC errors: n - 2)."""
    dof = fit.interval_df if math.isfinite(fit.interval_df) else fit.df_resid
    return float(stats.t.ppf(0.5 + fit.confidence / 2, dof))


def _resid_draws(fit: TrendFit, size: int, seed: int) -> np.ndarray:
    rng = np.random.default_rng(seed + 1)
    r = fit.residuals
    # rescale residuals to the unbiased residual variance (n / (n-2))
    scale = math.sqrt(len(r) / max(len(r) - 2, 1))
    return rng.choice(r, size=size, replace=True) * scale


def level_at(fit: TrendFit, date: object) -> LevelProjection:
    """Projected value of the trend at ``date`` (PI adds the residual scatter of single models).

    Analytic: mean ± t·se(mean) with the fit's covariance; PI: ± t·sqrt(se(mean)² + s²) (s = residual s.d.).
    Bootstrap fits: percentiles of the resampled lines (CI) and of lines + resampled residuals (PI).
    """
    d = parse_date(date, "date")
    dx = decimal_year(d) - fit.x_mean
    mean = fit.intercept + fit.slope_oom_per_year * dx
    alpha = 1 - fit.confidence
    if fit.method == "analytic" or fit.boot is None:
        (va, cab), (_, vb) = fit.cov
        se = math.sqrt(max(va + 2 * dx * cab + dx * dx * vb, 0.0))
        q = _quantile(fit)
        ci = (mean - q * se, mean + q * se)
        spi = math.sqrt(se * se + fit.residual_sd ** 2)
        pi = (mean - q * spi, mean + q * spi)
    else:
        line = fit.boot[:, 0] + fit.boot[:, 1] * dx
        ci = tuple(np.quantile(line, [alpha / 2, 1 - alpha / 2]))
        noisy = line + _resid_draws(fit, len(line), fit.seed or 0)
        pi = tuple(np.quantile(noisy, [alpha / 2, 1 - alpha / 2]))
    return LevelProjection(
        metric=fit.metric, date=d, value=_pow10(mean), ci=(_pow10(ci[0]), _pow10(ci[1])),
        pi=(_pow10(pi[0]), _pow10(pi[1])), confidence=fit.confidence, method=fit.method, fit_n=fit.n,
        fit_window=(fit.start, fit.end), years_beyond_data=float(decimal_year(d) - decimal_year(fit.data_end)))


def _band_crossing(a: float, b: float, va: float, cab: float, vb: float, extra: float, q: float, target: float):
    """Solve for d where the band a + b d ± q sqrt(va + 2 d cab + d² vb + extra) meets ``target``.

    Returns (d_low, d_high) = (upper band reaches target, lower band reaches target), or (None, None) when the
    band does not bound the date (b² <= q² vb: slope not distinguishable from 0 at this confidence).
    """
    D = target - a
    A = b * b - q * q * vb
    if A <= 0:
        return None, None
    B = -2.0 * (b * D + q * q * cab)
    Cc = D * D - q * q * (va + extra)
    disc = B * B - 4 * A * Cc
    if disc < 0:  # cannot happen when the band contains the line; guard anyway
        disc = 0.0
    r1, r2 = (-B - math.sqrt(disc)) / (2 * A), (-B + math.sqrt(disc)) / (2 * A)
    return min(r1, r2), max(r1, r2)


def date_reaching(fit: TrendFit, level: float) -> DateProjection:
    """When does the trend reach ``level`` (in the metric's units, e.g. 1e27 FLOP)?

    ``date``: where the fitted line crosses. ``date_ci``: dates at which the confidence band of the line crosses
    (inverting the band: the earliest date the line could plausibly reach the level, and the latest).
    ``date_pi``: the same for the prediction band, i.e. when a *single model* on the trend is predicted to reach it.
    Bootstrap fits: percentiles of the crossing dates of the resampled lines (plus resampled residuals for the PI).
    An unbounded end (slope not distinguishable from 0) is None, with a note.
    """
    try:
        level = float(level)
    except (TypeError, ValueError):
        raise UsageError(f"level must be a number, got {level!r}") from None
    if not (level > 0 and math.isfinite(level)):
        raise AnalysisError(f"level must be a positive finite number, got {level!r}")
    b = fit.slope_oom_per_year
    if b <= 0:
        raise AnalysisError(f"the trend of {fit.metric} is not increasing (slope {b:.3g} OOM/yr): it never reaches "
                            f"{level:.3g}")
    L = math.log10(level)
    a = fit.intercept
    notes: list[str] = []
    central = fit.x_mean + (L - a) / b
    alpha = 1 - fit.confidence
    if fit.method == "analytic" or fit.boot is None:
        (va, cab), (_, vb) = fit.cov
        q = _quantile(fit)
        ci = _band_crossing(a, b, va, cab, vb, 0.0, q, L)
        pi = _band_crossing(a, b, va, cab, vb, fit.residual_sd ** 2, q, L)
        ci = tuple(None if v is None else fit.x_mean + v for v in ci)
        pi = tuple(None if v is None else fit.x_mean + v for v in pi)
        if ci[0] is None:
            notes.append("slope not distinguishable from 0 at this confidence: the date interval is unbounded")
    else:
        A, B = fit.boot[:, 0], fit.boot[:, 1]
        e = _resid_draws(fit, len(A), fit.seed or 0)
        with np.errstate(divide="ignore", invalid="ignore"):
            xs = np.where(B > 0, fit.x_mean + (L - A) / B, np.inf)
            xp = np.where(B > 0, fit.x_mean + (L - A - e) / B, np.inf)
        ci = tuple(float(v) for v in np.quantile(xs, [alpha / 2, 1 - alpha / 2], method="inverted_cdf"))
        pi = tuple(float(v) for v in np.quantile(xp, [alpha / 2, 1 - alpha / 2], method="inverted_cdf"))
        if (B <= 0).mean() > alpha / 2:
            notes.append("some resampled trends are not increasing: the latest date is unbounded")
    if central > decimal_year(fit.data_end):
        notes.append(f"extrapolation {central - decimal_year(fit.data_end):.1f} years beyond the last fitted model")
    return DateProjection(
        metric=fit.metric, level=level, date=year_to_date(central),
        date_ci=(year_to_date(ci[0]) if ci[0] is not None else None, year_to_date(ci[1]) if ci[1] is not None else None),
        date_pi=(year_to_date(pi[0]) if pi[0] is not None else None, year_to_date(pi[1]) if pi[1] is not None else None),
        confidence=fit.confidence, method=fit.method, fit_n=fit.n, fit_window=(fit.start, fit.end),
        notes=tuple(notes))


def trend_line(fit: TrendFit, start: object = None, end: object = None, periods: int = 50) -> pd.DataFrame:
    """The fitted line on a date grid, ready to plot: date, value, and the line's confidence band
    (``value_low``/``value_high``) and a single model's prediction band (``pi_low``/``pi_high``), from
    :func:`level_at`. Defaults to the fit's window; give ``end`` beyond it to extrapolate."""
    lo = parse_date(start, "start") if start is not None else fit.start
    hi = parse_date(end, "end") if end is not None else fit.end
    if periods < 2 or hi <= lo:
        raise UsageError("trend_line needs end after start and at least 2 points")
    rows = []
    for d in pd.date_range(lo, hi, periods=periods):
        lv = level_at(fit, d)
        rows.append({"date": d, "value": lv.value, "value_low": lv.ci[0], "value_high": lv.ci[1],
                     "pi_low": lv.pi[0], "pi_high": lv.pi[1]})
    return pd.DataFrame(rows)


def projection_table(fit: TrendFit, levels: Sequence[float] = (1e26, 1e27, 1e28)) -> pd.DataFrame:
    """One row per level: central date, trend-line interval, single-model prediction interval."""
    rows = []
    for lv in levels:
        pr = date_reaching(fit, lv)
        rows.append({"level": lv, "date": pr.date, "date_low": pr.date_ci[0], "date_high": pr.date_ci[1],
                     "date_pi_low": pr.date_pi[0], "date_pi_high": pr.date_pi[1], "confidence": pr.confidence,
                     "method": pr.method, "fit_n": pr.fit_n, "fit_start": fit.start, "fit_end": fit.end,
                     "note": "; ".join(pr.notes)})
    return pd.DataFrame(rows)
