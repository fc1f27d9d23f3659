"""Capabilities on Epoch's composite index (ECI): open vs closed and US vs China, capability per FLOP, saturation.

Functions take the tidy hub frame of :mod:`analysis.data.benchmark_hub` (or the per-model frame it derives) and return
frozen results with ``to_dict()`` / frames.

**Frontier gap, Epoch AI's estimand** (:func:`frontier_gap`). The *state of the art* (SOTA) is the running best
ECI of both groups together, the follower's frontier (open weights, or China) the running best of its own models,
each score dated by the model version that earned it. On every day of the window (default: from the day both
groups have a model to the last release in the data):

* the gap in **points**: SOTA minus the follower's frontier (vertical distance);
* the gap in **months**: days since the SOTA first rose more than ``tolerance_points`` above the follower's
  current level — Edwards & Emberson (2026): "what is the most recent date on which the SOTA model was not
  significantly better than this open-weight model? The time gap for that day is the number of days elapsed since
  that date" — in months of 365.25/12 days; zero on days the follower is at the SOTA.

Each is averaged over the days of the window: the "average gap" of Epoch's data insights (Emberson 2025,
https://epoch.ai/data-insights/open-weights-vs-closed-weights-models; Edwards & Emberson 2026,
https://epoch.ai/data-insights/open-closed-eci-gap). Epoch decides "not significantly better" with bootstrap
re-fits of the index, which the published files do not allow: ``tolerance_points`` stands in for it (0 = any
higher score counts). Interval: percentile bootstrap over models, resampling models (all versions of a model
together) with replacement within each group (fixed seed), read at the calibrated level of
:mod:`analysis.metrics.statistics`; coverage on synthetic frontiers with a known shift in tests/test_capabilities.py.
Our own estimand of the same question, the median lag over levels (:mod:`analysis.metrics.openness.lag`), is
reported beside it (:func:`eci_gap`); :mod:`analysis.metrics.epoch_gap` decomposes the difference.

**Capability vs compute** (:func:`compute_fit`). OLS of ECI on log10(training compute) over models with both;
slope with its t interval; residuals (above the line = more capability per FLOP than the fit) by open/closed
(descriptive), and the open–closed offset at equal compute and release date (coefficient of an open dummy in
an OLS of ECI on log10 compute, release year and the dummy; t interval) — closed models with known compute are
few and older, so the date must be held fixed; the residual trend over release years (ECI points per year at fixed compute) is
a rough measure of algorithmic progress — it mixes pre-training efficiency with post-training, data and
inference-time reasoning (reasoning-effort versions share the model's ECI).

**Saturation** (:func:`saturation`). Per benchmark scored in percent: best score over time, time from the first
result to 80% and 90% of the best score observed, the current rate (OLS slope of the frontier records in the last
``rate_years`` years, t interval) and the years left to ``ceiling`` percent at that rate for benchmarks below it;
plus the best open and best closed score, so the report says which benchmarks can still tell them apart.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace

import numpy as np
import pandas as pd
from scipy import stats

from analysis.constants import DAYS_PER_MONTH, DEFAULT_CONFIDENCE
from analysis.data.benchmark_hub import HUB_VINTAGE, per_model, setting_label, version_steps
from analysis.errors import AnalysisError, UsageError
from analysis.metrics.openness import in_window, open_closed_lag
from analysis.metrics.result import Result, ResultMeta, TableResult, meta
from analysis.metrics.statistics import calibrated_level, drawn_rows, percentile_interval
from analysis.metrics.vocabulary import check_confidence

US, CHINA = "United States of America", "China"
GROUPINGS = {"open": ("closed", "open"), "country": ("US", "China")}


# --- frontier gap -----------------------------------------------------------------------------------------------

def group_labels(models: pd.DataFrame, by: str) -> pd.Series:
    """Group of each model: by='open' -> 'open'/'closed' (<NA> if access unknown); by='country' -> 'US'/'China'
    (<NA> for other countries and for co-developed models listing several countries)."""
    if by == "open":
        o = models["open"].astype("boolean")
        return o.map({True: "open", False: "closed"}).astype("object").where(o.notna(), None)
    if by == "country":
        c = models["country"].astype("string").str.strip()
        return c.map({US: "US", CHINA: "China"}).astype("object").where(c.isin([US, CHINA]).fillna(False), None)
    raise UsageError(f"unknown grouping {by!r}; use open or country")


def _days(d: pd.Series | np.ndarray) -> np.ndarray:
    return (pd.to_datetime(pd.Series(d)).to_numpy().astype("datetime64[D]").astype(np.int64))


def _frontier(days: np.ndarray, vals: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Record days and levels of the running best (strictly increasing levels)."""
    o = np.lexsort((-vals, days))
    d, v = days[o], vals[o]
    run = np.maximum.accumulate(v)
    keep = np.concatenate(([True], run[1:] > run[:-1]))
    return d[keep], run[keep]


def _level(rec_d: np.ndarray, rec_v: np.ndarray, grid: np.ndarray) -> np.ndarray:
    i = np.searchsorted(rec_d, grid, side="right") - 1
    out = np.full(len(grid), np.nan)
    ok = i >= 0
    out[ok] = rec_v[i[ok]]
    return out


def _above(rec_d: np.ndarray, rec_v: np.ndarray, level: np.ndarray) -> np.ndarray:
    """First day the frontier rose strictly above each level (nan if never)."""
    j = np.searchsorted(rec_v, level, side="right")
    out = np.full(len(level), np.nan)
    ok = j < len(rec_v)
    out[ok] = rec_d[j[ok]]
    return out


def _gaps(ld, lv, fd, fv, grid, tol: float = 0.0) -> tuple[float, float]:
    """Mean vertical (points) and horizontal (months) gap of the SOTA (both groups) over the follower on the grid
    days (module docstring); the follower counts as caught up while the SOTA is at most ``tol`` above it."""
    srec = _frontier(np.concatenate([ld, fd]), np.concatenate([lv, fv]))
    S, F = _level(*srec, grid), _level(*_frontier(fd, fv), grid)
    since = grid - _above(*srec, F + tol)  # days since the SOTA first stood more than tol above the follower
    months = np.where(np.isnan(since) | (since < 0), 0.0, since) / DAYS_PER_MONTH  # not above (yet): caught up
    months[np.isnan(S) | np.isnan(F)] = np.nan
    return float(np.nanmean(S - F)), float(np.nanmean(months))


@dataclass(frozen=True)
class GapResult(Result):
    """Gap of one group behind the state of the art on the ECI: Epoch AI's average gap over a window (points and
    months, :func:`frontier_gap`) and, under its own name, our median lag over levels (``lag_months``, from
    :func:`eci_gap`; NaN when not computed), each with its interval."""

    json_skip = frozenset({"n_leader", "n_follower", "frontier"})

    by: str
    leader: str
    follower: str
    gap_points: float
    gap_points_ci: tuple[float, float]
    gap_months: float
    gap_months_ci: tuple[float, float]
    ci_level: float
    n_leader: int
    n_follower: int
    n_excluded: int
    window: tuple[pd.Timestamp, pd.Timestamp]
    n_boot: int
    seed: int
    frontier: pd.DataFrame = field(repr=False)  # date, group, value, model: one row per record
    notes: tuple[str, ...] = ()
    tolerance_points: float = 0.0
    estimand: str = "Epoch AI's average gap (Edwards & Emberson 2026)"
    lag_months: float = float("nan")
    lag_months_ci: tuple[float, float] = (float("nan"), float("nan"))
    lag_share_censored: float = float("nan")
    lag_coverage: tuple[float, float] = (float("nan"), float("nan"))
    lag_interval: str = ""

    def json_extra(self) -> dict:
        return {f"n_{self.leader.lower()}": self.n_leader, f"n_{self.follower.lower()}": self.n_follower}

    @property
    def meta(self) -> ResultMeta:
        return meta(self.n_leader + self.n_follower, self.window[0], self.window[1],
                    f"bootstrap percentile over models within each group, {self.n_boot} resamples, read at the "
                    f"calibrated level {calibrated_level(self.ci_level):.3f}", self.ci_level)

    def to_frame(self) -> pd.DataFrame:
        return pd.DataFrame([{"by": self.by, "leader": self.leader, "follower": self.follower,
                              "gap_points": self.gap_points, "gap_points_low": self.gap_points_ci[0],
                              "gap_points_high": self.gap_points_ci[1], "gap_months": self.gap_months,
                              "gap_months_low": self.gap_months_ci[0], "gap_months_high": self.gap_months_ci[1],
                              "tolerance_points": self.tolerance_points, "lag_months": self.lag_months,
                              "lag_low": self.lag_months_ci[0], "lag_high": self.lag_months_ci[1],
                              "lag_share_censored": self.lag_share_censored,
                              "lag_coverage_low": self.lag_coverage[0], "lag_coverage_high": self.lag_coverage[1],
                              "n_leader": self.n_leader, "n_follower": self.n_follower, "n_excluded": self.n_excluded,
                              "window_start": self.window[0], "window_end": self.window[1], "ci_level": self.ci_level,
                              "n_boot": self.n_boot}])


def frontier_gap(models: pd.DataFrame, by: str = "open", value: str = "score", since=None, until=None,
                 n_boot: int = 1000, seed: int = 0, confidence: float = DEFAULT_CONFIDENCE,
                 tolerance_points: float = 0.0) -> GapResult:
    """Epoch AI's average gap of the follower group of ``by`` behind the state of the art (module docstring).

    ``confidence``: the level of the intervals (:func:`analysis.metrics.vocabulary.check_confidence`).

    ``models``: rows with model, release_date, ``value`` (the ECI score) and open / country columns — one row per
    model (:func:`analysis.data.benchmark_hub.per_model`) or one per version that raised its model's best
    (:func:`analysis.data.benchmark_hub.version_steps`); the bootstrap resamples models with all their rows.
    ``since``/``until`` bound the averaging window (models released before ``since`` still set the frontier level
    at its start).
    """
    ci_level = check_confidence(confidence)
    if n_boot < 1:
        raise UsageError(f"n_boot must be at least 1, got {n_boot}")
    if not tolerance_points >= 0:
        raise UsageError(f"tolerance_points must be >= 0, got {tolerance_points}")
    leader, follower = GROUPINGS.get(by, (None, None))
    if leader is None:
        raise UsageError(f"unknown grouping {by!r}; use open or country")
    for c in ("release_date", value, "model"):
        if c not in models.columns:
            raise AnalysisError(f"frontier_gap needs a {c!r} column")
    g = group_labels(models, by)
    ok = g.notna() & models["release_date"].notna() & models[value].notna()
    m = models[ok].assign(group=g[ok])
    n_excl = int(models.loc[~ok, "model"].nunique())
    lm, fm = m[m["group"] == leader], m[m["group"] == follower]
    if lm.empty or fm.empty:
        raise AnalysisError(f"need models in both groups ({leader}: {lm['model'].nunique()}, "
                            f"{follower}: {fm['model'].nunique()})")
    ld, lv = _days(lm["release_date"]), lm[value].to_numpy(float)
    fd, fv = _days(fm["release_date"]), fm[value].to_numpy(float)
    start = max(ld.min(), fd.min())
    end = max(ld.max(), fd.max())
    if since is not None:
        start = max(start, int(_days([pd.Timestamp(since)])[0]))
    if until is not None:
        end = min(end, int(_days([pd.Timestamp(until)])[0]))
    keep_l, keep_f = ld <= end, fd <= end
    if end <= start:
        raise AnalysisError("the averaging window is empty (both groups need models before its end)")
    grid = np.arange(start, end + 1)
    pts, months = _gaps(ld[keep_l], lv[keep_l], fd[keep_f], fv[keep_f], grid, tolerance_points)
    lcode, lcl = pd.factorize(lm["model"].to_numpy()[keep_l])
    fcode, fcl = pd.factorize(fm["model"].to_numpy()[keep_f])
    ld, lv, fd, fv = ld[keep_l], lv[keep_l], fd[keep_f], fv[keep_f]
    rng = np.random.default_rng(seed)
    boot = np.empty((n_boot, 2))
    for b in range(n_boot):
        il = drawn_rows(lcode, rng.integers(0, len(lcl), len(lcl)))  # all rows of each drawn model (duplicates: no
        jf = drawn_rows(fcode, rng.integers(0, len(fcl), len(fcl)))  # effect on a running maximum)
        boot[b] = _gaps(ld[il], lv[il], fd[jf], fv[jf], grid, tolerance_points)
    ci_p = percentile_interval(boot[:, 0], ci_level)
    ci_m = percentile_interval(boot[:, 1], ci_level)
    rows = []
    for name, part in ((leader, lm), (follower, fm)):
        part = part[_days(part["release_date"]) <= end].sort_values(["release_date", value], ascending=[True, False])
        best = -np.inf
        for r in part.itertuples(index=False):
            v = getattr(r, value)
            if v > best:
                rows.append({"date": r.release_date, "group": name, "value": float(v), "model": r.model})
                best = v
    notes = []
    if len(lcl) < 10 or len(fcl) < 10:
        notes.append("fewer than 10 models in a group: the bootstrap interval is rough")
    to_ts = lambda d: pd.Timestamp(np.datetime64(int(d), "D"))  # noqa: E731
    return GapResult(by=by, leader=leader, follower=follower, gap_points=pts, gap_points_ci=ci_p, gap_months=months,
                     gap_months_ci=ci_m, ci_level=ci_level, n_leader=len(lcl), n_follower=len(fcl), n_excluded=n_excl,
                     window=(to_ts(start), to_ts(end)), n_boot=n_boot, seed=seed,
                     frontier=pd.DataFrame(rows, columns=["date", "group", "value", "model"]), notes=tuple(notes),
                     tolerance_points=float(tolerance_points))


def eci_gap(versions: pd.DataFrame, by: str = "open", since=None, until=None, n_boot: int = 1000, seed: int = 0,
            confidence: float = DEFAULT_CONFIDENCE, tolerance_points: float = 0.0) -> GapResult:
    """Epoch's average gap (:func:`frontier_gap`) with our median lag over levels beside it (``lag_months``:
    :func:`analysis.metrics.openness.open_closed_lag` on the same versions, the follower group as "open",
    organizations as bootstrap clusters, models released up to ``until``, the levels the leader reached from
    ``since`` on).

    ``versions``: :func:`analysis.data.benchmark_hub.version_steps` of the ECI (or :func:`per_model`).
    """
    gap = frontier_gap(versions, by, since=since, until=until, n_boot=n_boot, seed=seed, confidence=confidence,
                       tolerance_points=tolerance_points)
    g = group_labels(versions, by)
    ok = g.notna() & versions["release_date"].notna() & versions["score"].notna()
    v = versions[ok]
    e = pd.DataFrame({"model_id": v["model"], "date": v["release_date"], "value": v["score"],
                      "organization": v["organization"], "open_weights": (g[ok] == gap.follower).to_numpy()})
    e = in_window(e, None, until)
    try:
        lag = open_closed_lag(e, benchmark="eci", n_boot=n_boot, seed=seed, confidence=confidence,
                              as_of=gap.window[1], levels_since=since)
    except AnalysisError as exc:
        return replace(gap, notes=gap.notes + (f"no median lag: {exc}",))
    return replace(gap, lag_months=lag.median_lag_months, lag_months_ci=lag.lag_months_ci,
                   lag_share_censored=lag.share_censored_levels, lag_coverage=lag.coverage,
                   lag_interval=lag.meta.interval_kind, notes=gap.notes + lag.notes)


# --- capability vs compute ------------------------------------------------------------------------------------

@dataclass(frozen=True)
class ComputeFit(Result):
    """ECI = intercept + slope * log10(compute); residual means by group and the residual trend over time."""

    json_skip = frozenset({"points"})
    json_rename = {"slope": "slope_per_decade", "slope_ci": "slope_per_decade_ci",
                   "residual_trend_ci": "residual_trend_per_year_ci"}

    slope: float
    slope_ci: tuple[float, float]
    intercept: float
    r2: float
    n: int
    ci_level: float
    residual_trend_per_year: float
    residual_trend_ci: tuple[float, float]
    window: tuple[pd.Timestamp, pd.Timestamp]
    open_offset: float  # open minus closed ECI at equal compute and date (OLS on log10 compute, year, open dummy)
    open_offset_ci: tuple[float, float]
    points: pd.DataFrame = field(repr=False)  # model, release_date, open, log10_compute, eci, fitted, residual
    groups: pd.DataFrame = field(repr=False)  # group, n, mean_residual, share_above (descriptive)

    def to_frame(self) -> pd.DataFrame:
        """One row: slope, residual trend and open offset, each with its interval (``_low``/``_high``)."""
        return pd.DataFrame([{"slope_per_decade": self.slope, "slope_low": self.slope_ci[0],
                              "slope_high": self.slope_ci[1], "r2": self.r2, "n": self.n,
                              "residual_trend_per_year": self.residual_trend_per_year,
                              "trend_low": self.residual_trend_ci[0], "trend_high": self.residual_trend_ci[1],
                              "open_offset": self.open_offset, "open_offset_low": self.open_offset_ci[0],
                              "open_offset_high": self.open_offset_ci[1], "window_start": self.window[0],
                              "window_end": self.window[1], "ci_level": self.ci_level}])

    @property
    def meta(self) -> ResultMeta:
        return meta(self.n, self.window[0], self.window[1], "OLS t", self.ci_level)


def _ols(x: np.ndarray, y: np.ndarray, level: float):
    """Slope, intercept, slope CI (t), r2 and residuals of y on x."""
    res = stats.linregress(x, y)
    t = stats.t.ppf((1 + level) / 2, len(x) - 2)
    return res.slope, res.intercept, (res.slope - t * res.stderr, res.slope + t * res.stderr), res.rvalue ** 2, \
        y - (res.intercept + res.slope * x)


def _offset(x: np.ndarray, t: np.ndarray, d: np.ndarray, y: np.ndarray, level: float) -> tuple[float, tuple[float, float]]:
    """Coefficient of the dummy d in OLS y ~ 1 + x + t + d, with its t interval (nan if d does not vary)."""
    if len(y) < 5 or d.min() == d.max():
        return float("nan"), (float("nan"), float("nan"))
    X = np.column_stack([np.ones_like(x), x, t, d])
    beta, *_ = np.linalg.lstsq(X, y, rcond=None)
    resid = y - X @ beta
    dof = len(y) - X.shape[1]
    se = np.sqrt(max(float(resid @ resid) / dof * float(np.linalg.inv(X.T @ X)[3, 3]), 0.0))
    h = stats.t.ppf((1 + level) / 2, dof) * se
    return float(beta[3]), (float(beta[3] - h), float(beta[3] + h))


def compute_fit(models: pd.DataFrame, value: str = "score", confidence: float = DEFAULT_CONFIDENCE) -> ComputeFit:
    """Fit ECI against log10(training compute) over models with both (see module docstring); ``confidence`` is the
    level of the intervals."""
    ci_level = check_confidence(confidence)
    for c in ("model", "release_date", value, "training_compute_flop", "open"):
        if c not in models.columns:
            raise AnalysisError(f"compute_fit needs a {c!r} column")
    m = models[models[value].notna() & (models["training_compute_flop"] > 0) & models["release_date"].notna()]
    if len(m) < 5:
        raise AnalysisError(f"only {len(m)} models with both a score and training compute: no fit")
    x = np.log10(m["training_compute_flop"].to_numpy(float))
    y = m[value].to_numpy(float)
    slope, icpt, ci, r2, resid = _ols(x, y, ci_level)
    years = m["release_date"].dt.year + (m["release_date"].dt.day_of_year - 1) / 365.25
    tr, _, tr_ci, _, _ = _ols(years.to_numpy(float), resid, ci_level)
    pts = pd.DataFrame({"model": m["model"].to_numpy(), "release_date": m["release_date"].to_numpy(),
                        "open": m["open"].to_numpy(), "log10_compute": x, "eci": y, "fitted": icpt + slope * x,
                        "residual": resid})
    rows = []
    for name, mask in (("closed", pts["open"] == False), ("open", pts["open"] == True)):  # noqa: E712
        r = pts.loc[mask.fillna(False).astype(bool), "residual"].to_numpy(float)
        if len(r):
            rows.append({"group": name, "n": len(r), "mean_residual": float(np.mean(r)),
                         "share_above": float(np.mean(r > 0))})
    known = m["open"].notna().to_numpy()
    off, off_ci = _offset(x[known], years.to_numpy(float)[known], m["open"].to_numpy()[known].astype(float),
                          y[known], ci_level)
    return ComputeFit(slope=float(slope), slope_ci=(float(ci[0]), float(ci[1])), intercept=float(icpt), r2=float(r2),
                      n=len(m), ci_level=ci_level, residual_trend_per_year=float(tr),
                      residual_trend_ci=(float(tr_ci[0]), float(tr_ci[1])),
                      window=(m["release_date"].min(), m["release_date"].max()),
                      open_offset=off, open_offset_ci=off_ci,
                      points=pts.sort_values(["release_date", "model"]).reset_index(drop=True),
                      groups=pd.DataFrame(rows, columns=["group", "n", "mean_residual", "share_above"]))


# --- saturation -----------------------------------------------------------------------------------------------

def best_over_time(per_model: pd.DataFrame, value: str = "score_percent") -> pd.DataFrame:
    """Records of the running best: release_date, value, model (one row each time the best rises)."""
    m = per_model[per_model[value].notna() & per_model["release_date"].notna()]
    m = m.sort_values(["release_date", value], ascending=[True, False], kind="stable")
    rows, best = [], -np.inf
    for r in m.itertuples(index=False):
        v = getattr(r, value)
        if v > best:
            rows.append({"release_date": r.release_date, "value": float(v), "model": r.model})
            best = v
    return pd.DataFrame(rows, columns=["release_date", "value", "model"])


def record_rate(records: pd.DataFrame, rate_years: float = 2.0, confidence: float = DEFAULT_CONFIDENCE,
                as_of: pd.Timestamp | None = None) -> tuple[float, tuple[float, float], int]:
    """OLS slope (points per year, t interval) of the frontier records in the last ``rate_years`` before ``as_of``.

    Returns (rate, ci, n_records); nan when fewer than 3 records fall in the window.
    """
    as_of = records["release_date"].max() if as_of is None else pd.Timestamp(as_of)
    w = records[records["release_date"] >= as_of - pd.Timedelta(days=365.25 * rate_years)]
    if len(w) < 3:
        return float("nan"), (float("nan"), float("nan")), len(w)
    t = (w["release_date"] - as_of).dt.days.to_numpy(float) / 365.25
    slope, _, ci, _, _ = _ols(t, w["value"].to_numpy(float), check_confidence(confidence))
    return float(slope), (float(ci[0]), float(ci[1])), len(w)


def years_left(best: float, rate: float, rate_ci: tuple[float, float], ceiling: float) -> tuple[float, float, float]:
    """Years to go from ``best`` to ``ceiling`` at ``rate`` (per year) and the interval implied by the rate's CI."""
    gap = ceiling - best
    if gap <= 0:
        return 0.0, 0.0, 0.0
    inv = lambda r: float(gap / r) if r > 0 else float("inf")  # noqa: E731
    if not np.isfinite(rate):
        return float("nan"), float("nan"), float("nan")
    return inv(rate), inv(rate_ci[1]), inv(rate_ci[0])


def _best_model(m: pd.DataFrame) -> str | None:
    """The model with the highest score_percent in ``m`` (the first in file order on a tie), None without one."""
    s = m["score_percent"]
    return None if not s.notna().any() else str(m.loc[s.idxmax(), "model"])


def _years_to(records: pd.DataFrame, level: float, first: pd.Timestamp) -> float:
    hit = records.loc[records["value"] >= level, "release_date"].iloc[0]
    return (hit - first).days / 365.25


def saturation(hub: pd.DataFrame, ceiling: float = 90.0, rate_years: float = 2.0,
               confidence: float = DEFAULT_CONFIDENCE, min_models: int = 5) -> TableResult:
    """One row per percent-scored benchmark (default setting; see :data:`analysis.data.benchmark_hub.DEFAULT_SETTINGS`).

    ``confidence`` is the level of the rate intervals.

    Columns: benchmark, setting, n_models, first_date, last_date, best, best_model, best_date, years_to_80pct,
    years_to_90pct (from the first result to 80%/90% of the best score observed), best_open, best_closed,
    open_closed_gap (points), saturated (best >= ceiling), rate_per_year, rate_low, rate_high, n_records_rate,
    years_left, years_left_low, years_left_high (to ``ceiling`` at the current rate; 0 when saturated),
    best_open_model, best_closed_model (the model behind best_open and best_closed; None without one).
    Returned in a :class:`~analysis.metrics.result.TableResult` with settings ceiling, rate_years, ci_level (and
    confidence, the same level) and meta n = models over the benchmarks shown, window = their first and last
    release date, "OLS t" (the rate intervals).
    """
    ci_level = check_confidence(confidence)
    rows = []
    for bench in sorted(hub.loc[hub["score_percent"].notna(), "benchmark"].unique()):
        m = per_model(hub, bench, "default")
        m = m[m["score_percent"].notna() & m["release_date"].notna()]
        if len(m) < min_models:
            continue
        rec = best_over_time(m)
        best = float(rec["value"].iloc[-1])
        first = m["release_date"].min()


        rate, rci, nrec = record_rate(rec, rate_years, ci_level, m["release_date"].max())
        yl = years_left(best, rate, rci, ceiling)
        o, c = m[m["open"] == True], m[m["open"] == False]  # noqa: E712
        bo = float(o["score_percent"].max()) if len(o) else float("nan")
        bc = float(c["score_percent"].max()) if len(c) else float("nan")
        rows.append({"benchmark": bench, "setting": setting_label(bench), "n_models": len(m),
                     "first_date": first, "last_date": m["release_date"].max(), "best": best,
                     "best_model": rec["model"].iloc[-1], "best_date": rec["release_date"].iloc[-1],
                     "years_to_80pct": _years_to(rec, 0.8 * best, first),
                     "years_to_90pct": _years_to(rec, 0.9 * best, first), "best_open": bo,
                     "best_closed": bc, "open_closed_gap": bc - bo, "saturated": best >= ceiling,
                     "rate_per_year": rate, "rate_low": rci[0], "rate_high": rci[1], "n_records_rate": nrec,
                     "years_left": yl[0], "years_left_low": yl[1], "years_left_high": yl[2],
                     "best_open_model": _best_model(o), "best_closed_model": _best_model(c)})
    out = pd.DataFrame(rows)
    settings = {"ceiling": ceiling, "rate_years": rate_years, "ci_level": ci_level, "confidence": ci_level}
    info = meta(int(out["n_models"].sum()) if len(out) else 0, out["first_date"].min() if len(out) else None,
                out["last_date"].max() if len(out) else None,
                f"OLS t (rate of the frontier records of the last {rate_years:g} years)", ci_level)
    return TableResult(table=out, info=info, settings=settings)


# --- headline row for the openness report ------------------------------------------------------------------------

def eci_headline(hub: pd.DataFrame, confidence: float = DEFAULT_CONFIDENCE, n_boot: int = 1000,
                 seed: int = 0) -> pd.DataFrame:
    """One row: the open–closed gap on the ECI in the columns of the openness report's lag summary (``confidence``:
    the level).

    Columns: metric, source, median_lag_months, lag_low, lag_high, coverage_low, coverage_high,
    share_censored_levels (our median lag over levels, the same function as for MMLU), gap_points,
    gap_points_low, gap_points_high, gap_months, gap_months_low, gap_months_high (Epoch AI's average gap over the
    window), n_closed, n_open, confidence. Scores are dated by the version that earned them.
    """
    ci_level = check_confidence(confidence)
    g = eci_gap(version_steps(hub, "eci"), "open", n_boot=n_boot, seed=seed, confidence=ci_level)
    return pd.DataFrame([{
        "metric": "ECI", "source": f"Epoch AI Benchmarking Hub {HUB_VINTAGE}",
        "median_lag_months": g.lag_months, "lag_low": g.lag_months_ci[0], "lag_high": g.lag_months_ci[1],
        "coverage_low": g.lag_coverage[0], "coverage_high": g.lag_coverage[1],
        "share_censored_levels": g.lag_share_censored, "gap_points": g.gap_points,
        "gap_points_low": g.gap_points_ci[0], "gap_points_high": g.gap_points_ci[1], "gap_months": g.gap_months,
        "gap_months_low": g.gap_months_ci[0], "gap_months_high": g.gap_months_ci[1], "n_closed": g.n_leader,
        "n_open": g.n_follower, "confidence": ci_level}])
