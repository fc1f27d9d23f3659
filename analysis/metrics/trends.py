"""Log-linear trends of model scale over time, with honest intervals.

Model: ``log10(value) = a + b * (t - t̄) + e`` where ``t`` is the release date in decimal (Julian) years and ``t̄``
the mean date of the fitted models. ``b`` is the growth in orders of magnitude (OOM) per year; the growth factor
per year is ``10**b``; the doubling time is ``12 * log10(2) / b`` months.

Intervals (``confidence``, default 0.90 as in Epoch AI's reports):

* ``method="analytic"`` (default): OLS (statsmodels) with heteroskedasticity-robust **HC3** standard errors and
  Student-t(n-2) quantiles. (``cov_type="HC1"`` or ``"nonrobust"`` may be asked for; if HC3 is undefined because a
  point has leverage 1, HC1 is used and a note says so.)
* ``method="bootstrap"``: ``n_boot`` resamples of the models (rows) with replacement, percentile interval;
  ``method="cluster-bootstrap"``: resamples whole organizations, harmonized to parent families by
  :func:`analysis.metrics.selection.organizations` (Google Brain, DeepMind and Google DeepMind are one cluster; a
  co-developed model's cluster is its set of families; rows without one form singleton clusters), for dependence
  between a developer's models; the percentile distances from the estimate are widened by the few-cluster factor
  sqrt(G/(G-1)) t(G-1)/z (G clusters). Fixed ``seed`` (default 0):
  identical input gives identical output. Resamples where every date is equal are skipped and counted.
  The point estimate is always the OLS fit on all the data.

Growth-factor and doubling-time intervals are the slope interval transformed (monotone). When the slope interval
includes 0 (or lies below it) the doubling time is unbounded: the upper bound is ``math.inf`` in Python and
``None`` (JSON null) in :meth:`TrendFit.to_dict`, and a note says why; a non-positive point slope gives
``doubling_months = inf`` (no doubling).

Data handling, reported in every result: rows without a release date, and rows in the window without a value, are
dropped and counted (``n_missing_date``, ``n_missing_value``); **non-positive values in the window raise**
:class:`AnalysisError` (a zero or negative FLOP/parameter count is a data error and has no logarithm) unless
``nonpositive="drop"``, which drops and counts them (``n_nonpositive``); usable rows outside the ``since``/``until``
window (inclusive) are counted in ``n_outside``.
At least 3 models with at least 2 distinct dates are needed (:data:`MIN_POINTS`), else AnalysisError.

Every function takes a models DataFrame (only the columns it uses are required) and returns a frozen dataclass or
a tidy DataFrame; nothing prints.
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

import numpy as np
import pandas as pd
import statsmodels.api as sm
from scipy import stats

from analysis import constants as C
from analysis.data.overlay import representative
from analysis.errors import AnalysisError, UsageError
from analysis.metrics.frontier import as_dates, as_numbers, exclude_models, matches, split_multi
from analysis.metrics.selection import (
    SUBSETS,
    above_threshold,
    check_confidence,
    check_n_boot,
    describe_subset,
    organizations,
    select_subset,
)

# CLI name -> (column, label used in sentences)
METRICS: dict[str, tuple[str, str]] = {
    "compute": ("training_compute_flop", "Training compute"),
    "parameters": ("parameters", "Parameter count"),
    "active-parameters": ("active_parameters", "Active parameter count"),
    "tokens": ("training_tokens", "Training data (tokens)"),
    "gpu-hours": ("gpu_hours", "Training GPU-hours"),
    # training runs (issue 16; see analysis.metrics.infrastructure)
    "hardware-quantity": ("hardware_count", "Cluster size (accelerators)"),
    "training-hours": ("training_time_hours", "Training duration (hours)"),
    "power-draw": ("training_power_draw_w", "Training power draw (W)"),
    "training-cost": ("training_cost_2023_usd", "Training cost (2023 USD)"),
}
COLUMN_LABELS = {col: label for col, label in METRICS.values()}
MIN_POINTS = 3
METHODS = ("analytic", "bootstrap", "cluster-bootstrap")
LOG10_2 = math.log10(2.0)
_EPOCH0 = pd.Timestamp("2000-01-01")


# --- helpers -------------------------------------------------------------------------------------------------


def metric_column(metric: str) -> str:
    """Accept a CLI name ('compute') or a column name ('training_compute_flop')."""
    if metric in METRICS:
        return METRICS[metric][0]
    if metric in COLUMN_LABELS:
        return metric
    names = ", ".join(list(METRICS))
    raise UsageError(f"unknown metric {metric!r}; choose one of {names} (or a column: {', '.join(COLUMN_LABELS)})")


def decimal_year(dates: pd.Series | pd.Timestamp | str) -> np.ndarray | float:
    """Dates -> decimal years (Julian years of 365.25 days counted from 2000-01-01)."""
    if isinstance(dates, (str, pd.Timestamp)):
        return 2000.0 + (pd.Timestamp(dates) - _EPOCH0).total_seconds() / 86400.0 / C.DAYS_PER_YEAR
    d = pd.to_datetime(pd.Series(dates))
    return 2000.0 + ((d - _EPOCH0).dt.total_seconds() / 86400.0 / C.DAYS_PER_YEAR).to_numpy("float64")


def year_to_date(x: float) -> pd.Timestamp | None:
    """Decimal year -> Timestamp (day precision); None if not finite or out of pandas' range."""
    if x is None or not np.isfinite(x) or not (1700 < x < 2260):
        return None
    return (_EPOCH0 + pd.Timedelta(days=(x - 2000.0) * C.DAYS_PER_YEAR)).round("D")


def parse_date(value: object, what: str = "date") -> pd.Timestamp | None:
    """YYYY, YYYY-MM or YYYY-MM-DD (or a Timestamp) -> Timestamp; None passes through; else UsageError."""
    if value is None:
        return None
    if isinstance(value, pd.Timestamp):
        return value
    if hasattr(value, "year") and hasattr(value, "month"):
        return pd.Timestamp(value)
    s = str(value).strip()
    m = re.fullmatch(r"(\d{4})(?:-(\d{2})(?:-(\d{2}))?)?", s)
    if not m:
        raise UsageError(f"{what}: {s!r} is not a date; use YYYY-MM-DD (or YYYY-MM, YYYY)")
    try:
        return pd.Timestamp(int(m.group(1)), int(m.group(2) or 1), int(m.group(3) or 1))
    except ValueError as exc:
        raise UsageError(f"{what}: {s!r} is not a valid date ({exc})") from None


def _pow10(x: float) -> float:
    """10**x for growth factors and levels, inf instead of OverflowError (a degenerate slope over a short era)."""
    try:
        return 10.0 ** x
    except OverflowError:
        return math.inf


def _check_confidence(confidence: float) -> float:
    return check_confidence(confidence)


def _doubling(slope: float) -> float:
    return 12.0 * LOG10_2 / slope if slope > 0 else math.inf


def _doubling_ci(lo: float, hi: float) -> tuple[float, float]:
    """Doubling-time interval from a slope interval [lo, hi] (OOM/yr): positive slopes only; inf = unbounded."""
    if hi <= 0:
        return (math.inf, math.inf)
    return (12.0 * LOG10_2 / hi, 12.0 * LOG10_2 / lo if lo > 0 else math.inf)


def _json_num(v: float | None) -> float | None:
    if v is None:
        return None
    v = float(v)
    return v if math.isfinite(v) else None


def _iso(ts: pd.Timestamp | None) -> str | None:
    return None if ts is None or pd.isna(ts) else pd.Timestamp(ts).strftime("%Y-%m-%d")


# --- data preparation ----------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Prepared:
    """Rows ready for fitting: decimal years ``x``, ``log10`` values ``y``, and what was dropped."""

    column: str
    x: np.ndarray
    y: np.ndarray
    dates: pd.DatetimeIndex
    clusters: np.ndarray  # organization per row ('' when unknown)
    ids: np.ndarray
    since: pd.Timestamp | None
    until: pd.Timestamp | None
    n_missing_date: int
    n_missing_value: int
    n_nonpositive: int
    n_outside: int

    @property
    def n(self) -> int:
        return len(self.x)

    def take(self, mask: np.ndarray, since: pd.Timestamp | None = None, until: pd.Timestamp | None = None) -> Prepared:
        return Prepared(self.column, self.x[mask], self.y[mask], self.dates[mask], self.clusters[mask], self.ids[mask],
                        since if since is not None else self.since, until if until is not None else self.until,
                        self.n_missing_date, self.n_missing_value, self.n_nonpositive,
                        self.n_outside + int((~mask).sum()))


def prepare(df: pd.DataFrame, metric: str = "training_compute_flop", *, since: object = None, until: object = None,
            nonpositive: str = "raise") -> Prepared:
    """Select, clean and log-transform the data of one fit (see module docstring for the rules)."""
    column = metric_column(metric)
    if not isinstance(df, pd.DataFrame):
        raise AnalysisError(f"expected a models DataFrame, got {type(df).__name__}")
    for col in ("release_date", column):
        if col not in df.columns:
            raise AnalysisError(f"models table has no column {col!r}")
    if nonpositive not in ("raise", "drop"):
        raise UsageError(f"nonpositive must be 'raise' or 'drop', got {nonpositive!r}")
    since_ts, until_ts = parse_date(since, "since"), parse_date(until, "until")
    if since_ts is not None and until_ts is not None and since_ts > until_ts:
        raise UsageError(f"--since {_iso(since_ts)} is after --until {_iso(until_ts)}")
    dates = as_dates(df["release_date"])
    vals = as_numbers(df[column], column)
    has_date = dates.notna()
    has_val = vals.notna()
    in_window = has_date.copy()
    if since_ts is not None:
        in_window &= dates >= since_ts
    if until_ts is not None:
        in_window &= dates <= until_ts
    n_missing_date = int((~has_date).sum())
    n_missing_value = int((in_window & ~has_val).sum())  # counted inside the window only
    nonpos = in_window & has_val & (vals <= 0)
    if nonpos.any() and nonpositive == "raise":
        who = df.loc[nonpos, "name" if "name" in df.columns else "release_date"].astype(str).head(3).tolist()
        raise AnalysisError(
            f"{column}: {int(nonpos.sum())} non-positive value(s) (e.g. {', '.join(who)}); a log-linear trend needs "
            f"values > 0 - fix the data or pass nonpositive='drop'")
    usable = has_date & has_val & ~(has_val & (vals <= 0))
    inside = usable & in_window
    n_outside = int((usable & ~in_window).sum())
    sel = df.loc[inside]
    d = dates[inside]
    orgs = (sel["organization"].map(lambda c: ", ".join(sorted(organizations(c, harmonize=True))))
            if "organization" in sel.columns else pd.Series([""] * len(sel), index=sel.index))
    ids = sel["id"].astype(str) if "id" in sel.columns else pd.Series(sel.index.astype(str), index=sel.index)
    # canonical order (date, value, organization, id): results do not depend on the input's row order
    keys = pd.DataFrame({"d": d.to_numpy("datetime64[ns]"), "v": vals[inside].to_numpy("float64"),
                         "o": orgs.astype(str).to_numpy(), "i": ids.to_numpy()})
    order = keys.sort_values(["d", "v", "o", "i"], kind="mergesort").index.to_numpy()
    return Prepared(
        column=column,
        x=decimal_year(d)[order],
        y=np.log10(vals[inside].to_numpy("float64"))[order],
        dates=pd.DatetimeIndex(d.to_numpy("datetime64[ns]")[order]),
        clusters=orgs.to_numpy(dtype=object)[order],
        ids=ids.to_numpy(dtype=object)[order],
        since=since_ts,
        until=until_ts,
        n_missing_date=n_missing_date,
        n_missing_value=n_missing_value,
        n_nonpositive=int(nonpos.sum()),
        n_outside=n_outside,
    )


def _check_enough(p: Prepared, what: str = "") -> None:
    where = ""
    if p.since is not None or p.until is not None:
        where = f" between {_iso(p.since) or 'the start'} and {_iso(p.until) or 'the end'}"
    label = COLUMN_LABELS.get(p.column, p.column)
    if p.n < MIN_POINTS:
        raise AnalysisError(
            f"too few points to fit a trend{what}: {p.n} model(s) with a release date and {p.column}{where}, "
            f"need at least {MIN_POINTS}")
    if np.ptp(p.x) == 0:
        raise AnalysisError(f"cannot fit a trend{what}: all {p.n} models with {label.lower()} share one release date")
    if np.ptp(p.y) == 0:  # zero variance in y: OLS would report growth 1.0x, an infinite doubling time, R² = -inf
        raise AnalysisError(f"cannot fit a trend{what}: all {p.n} models have the same {label.lower()} "
                            f"({_pow10(float(p.y[0])):.3g}); there is no growth to measure")


# --- the fit -------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class TrendFit:
    """A log-linear trend: slope in OOM/year with its interval, n, window and R²."""

    metric: str  # column name
    subset: str  # free label of the selection ('notable', 'frontier', 'frontier language', ...)
    n: int
    start: pd.Timestamp  # window start: requested `since`, else the first fitted model's date
    end: pd.Timestamp  # window end: requested `until`, else the last fitted model's date
    data_start: pd.Timestamp  # first / last fitted model
    data_end: pd.Timestamp
    slope_oom_per_year: float
    slope_oom_per_year_ci: tuple[float, float]
    intercept: float  # log10 value of the trend at x_mean
    x_mean: float  # decimal year the intercept refers to
    confidence: float
    r2: float
    method: str  # analytic | bootstrap | cluster-bootstrap
    se_type: str  # HC3 | HC1 | nonrobust (analytic s.e. used for prediction bands)
    residual_sd: float  # in log10 units
    cov: tuple[tuple[float, float], tuple[float, float]]  # covariance of (intercept, slope), se_type
    df_resid: int
    n_boot: int | None = None
    seed: int | None = None
    n_boot_failed: int = 0
    n_clusters: int | None = None
    n_missing_date: int = 0
    n_missing_value: int = 0
    n_nonpositive: int = 0
    n_outside: int = 0
    notes: tuple[str, ...] = ()
    boot: np.ndarray | None = field(default=None, repr=False, compare=False)  # (n_ok, 2): intercept, slope
    residuals: np.ndarray | None = field(default=None, repr=False, compare=False)

    # derived quantities -----------------------------------------------------------------------------------
    @property
    def growth_per_year(self) -> float:
        return _pow10(self.slope_oom_per_year)

    @property
    def growth_per_year_ci(self) -> tuple[float, float]:
        lo, hi = self.slope_oom_per_year_ci
        return (_pow10(lo), _pow10(hi))

    @property
    def doubling_months(self) -> float:
        return _doubling(self.slope_oom_per_year)

    @property
    def doubling_months_ci(self) -> tuple[float, float]:
        return _doubling_ci(*self.slope_oom_per_year_ci)

    @property
    def label(self) -> str:
        return COLUMN_LABELS.get(self.metric, self.metric)

    def predict_log10(self, date: object) -> float:
        """Trend value (log10) at a date."""
        d = parse_date(date, "date")
        return self.intercept + self.slope_oom_per_year * (decimal_year(d) - self.x_mean)

    def to_dict(self) -> dict:
        """JSON-ready dict: dates as YYYY-MM-DD, intervals as [low, high], infinite bounds as None (see notes)."""
        dlo, dhi = self.doubling_months_ci
        return {
            "metric": self.metric,
            "subset": self.subset,
            "n": int(self.n),
            "start": _iso(self.start),
            "end": _iso(self.end),
            "window": [_iso(self.start), _iso(self.end)],
            "data_start": _iso(self.data_start),
            "data_end": _iso(self.data_end),
            "slope_oom_per_year": float(self.slope_oom_per_year),
            "slope_oom_per_year_ci": [float(v) for v in self.slope_oom_per_year_ci],
            "growth_per_year": float(self.growth_per_year),
            "growth_per_year_ci": [float(v) for v in self.growth_per_year_ci],
            "doubling_months": _json_num(self.doubling_months),
            "doubling_months_ci": [_json_num(dlo), _json_num(dhi)],
            "confidence": float(self.confidence),
            "r2": _json_num(self.r2),
            "method": self.method,
            "se_type": self.se_type,
            "residual_sd_log10": float(self.residual_sd),
            "n_boot": self.n_boot,
            "seed": self.seed,
            "n_boot_failed": int(self.n_boot_failed),
            "n_clusters": self.n_clusters,
            "n_missing_date": int(self.n_missing_date),
            "n_missing_value": int(self.n_missing_value),
            "n_nonpositive": int(self.n_nonpositive),
            "n_outside_window": int(self.n_outside),
            "notes": list(self.notes),
        }

    def to_row(self) -> dict:
        """Flat dict for tables (one row per fit)."""
        slo, shi = self.slope_oom_per_year_ci
        glo, ghi = self.growth_per_year_ci
        dlo, dhi = self.doubling_months_ci
        return {
            "subset": self.subset, "metric": self.metric, "n": self.n, "start": self.start, "end": self.end,
            "slope_oom_per_year": self.slope_oom_per_year, "slope_low": slo, "slope_high": shi,
            "growth_per_year": self.growth_per_year, "growth_low": glo, "growth_high": ghi,
            "doubling_months": self.doubling_months, "doubling_low": dlo, "doubling_high": dhi,
            "r2": self.r2, "confidence": self.confidence, "method": self.method,
        }

    def sentence(self, what: str | None = None) -> str:
        """'Training compute of frontier models grew 4.6x per year (90% CI 4.1–5.2x), doubling every 5.4 months ...'"""
        what = what or self.subset
        pct = f"{self.confidence * 100:g}%"
        g, (glo, ghi) = self.growth_per_year, self.growth_per_year_ci
        head = f"{self.label} of {what}"
        if self.slope_oom_per_year > 0:
            growth = f"grew {_fmt(g)}x per year ({pct} CI {_fmt(glo)}–{_fmt(ghi)}x)"
        else:
            growth = f"changed by a factor of {_fmt(g)} per year ({pct} CI {_fmt(glo)}–{_fmt(ghi)}x)"
        dlo, dhi = self.doubling_months_ci
        if math.isfinite(self.doubling_months):
            hi = f"{dhi:.1f}" if math.isfinite(dhi) else "unbounded"
            dbl = f"doubling every {self.doubling_months:.1f} months ({pct} CI {dlo:.1f}–{hi})"
        else:
            dbl = "no doubling (the trend is not increasing)"
        tail = f"n={self.n}, {_iso(self.start)} to {_iso(self.end)}"
        method = {"analytic": "OLS on log10, HC3 errors", "bootstrap": f"bootstrap of models, {self.n_boot} resamples",
                  "cluster-bootstrap": f"bootstrap of organizations, {self.n_boot} resamples"}[self.method]
        return f"{head} {growth}, {dbl}; {tail} ({method}, R²={self.r2:.2f})."


def _fmt(v: float) -> str:
    if v >= 100:
        return f"{v:.0f}"
    if v >= 10:
        return f"{v:.1f}"
    return f"{v:.2f}" if v < 1 else f"{v:.1f}"


def _ols(x: np.ndarray, y: np.ndarray, cov_type: str):
    xm = float(x.mean())
    X = np.column_stack([np.ones_like(x), x - xm])
    model = sm.OLS(y, X)
    notes: list[str] = []
    if cov_type == "nonrobust":
        res = model.fit()
    else:
        res = model.fit(cov_type=cov_type, use_t=True)
        if not np.all(np.isfinite(res.bse)):
            res = model.fit(cov_type="HC1", use_t=True)
            notes.append(f"{cov_type} undefined (a point has leverage 1); HC1 errors used")
            cov_type = "HC1"
    return res, xm, cov_type, notes


def _boot_slopes(x: np.ndarray, y: np.ndarray, idx: np.ndarray) -> np.ndarray:
    """Vectorised OLS on resamples ``idx`` (n_boot, n) at global centre 0 -> (n_boot, 2) [intercept, slope]."""
    xb, yb = x[idx], y[idx]
    mx, my = xb.mean(axis=1, keepdims=True), yb.mean(axis=1, keepdims=True)
    sxx = ((xb - mx) ** 2).sum(axis=1)
    sxy = ((xb - mx) * (yb - my)).sum(axis=1)
    with np.errstate(divide="ignore", invalid="ignore"):
        b = sxy / sxx
    a = my[:, 0] - b * mx[:, 0]
    out = np.column_stack([a, b])
    out[sxx <= 1e-12] = np.nan
    return out


def _bootstrap(p: Prepared, xm: float, method: str, n_boot: int, seed: int) -> tuple[np.ndarray, int, int | None]:
    rng = np.random.default_rng(seed)
    x = p.x - xm
    if method == "bootstrap":
        # in chunks of about 2 million drawn indices: memory stays linear in the models, whatever n_boot is
        # (the same draws as one (n_boot, n) array: the generator fills rows in order)
        step = max(1, 2_000_000 // max(p.n, 1))
        draws = np.concatenate([_boot_slopes(x, p.y, rng.integers(0, p.n, size=(min(step, n_boot - i), p.n)))
                                for i in range(0, n_boot, step)])
        n_clusters = None
    else:
        keys = np.array([c if c else f"__row{i}" for i, c in enumerate(p.clusters)], dtype=object)
        uniq, inv = np.unique(keys, return_inverse=True)
        n_clusters = len(uniq)
        if n_clusters < 2:
            raise AnalysisError("cluster bootstrap needs models from at least 2 organizations")
        members = [np.flatnonzero(inv == g) for g in range(n_clusters)]
        draws = np.empty((n_boot, 2))
        for i in range(n_boot):
            pick = rng.integers(0, n_clusters, size=n_clusters)
            rows = np.concatenate([members[g] for g in pick])
            draws[i] = _boot_slopes(x, p.y, rows[None, :])[0]
    ok = np.all(np.isfinite(draws), axis=1)
    return draws[ok], int((~ok).sum()), n_clusters


def _fit_prepared(p: Prepared, *, subset: str, confidence: float, method: str, n_boot: int, seed: int,
                  cov_type: str, what: str = "") -> TrendFit:
    _check_enough(p, what)
    res, xm, se_type, notes = _ols(p.x, p.y, cov_type)
    a, b = (float(v) for v in res.params)
    cov = np.asarray(res.cov_params(), dtype=float)
    dfr = int(p.n - 2)
    alpha = 1 - confidence
    boot = None
    n_failed = 0
    n_clusters = None
    if method == "analytic":
        lo, hi = (float(v) for v in np.asarray(res.conf_int(alpha=alpha))[1])
    else:
        n_boot = check_n_boot(n_boot, minimum=10)
        boot, n_failed, n_clusters = _bootstrap(p, xm, method, int(n_boot), int(seed))
        if len(boot) < 10:
            raise AnalysisError(f"bootstrap failed: only {len(boot)} of {n_boot} resamples had two distinct dates")
        lo, hi = (float(v) for v in np.quantile(boot[:, 1], [alpha / 2, 1 - alpha / 2]))
        if method == "cluster-bootstrap" and n_clusters is not None and n_clusters > 2:
            # few-cluster correction: widen the percentile distances from the estimate by sqrt(G/(G-1)) (the CR1
            # factor) times t(G-1)/z; percentile cluster bootstraps undercover with tens of clusters
            g = n_clusters
            k = math.sqrt(g / (g - 1)) * stats.t.ppf(1 - alpha / 2, g - 1) / stats.norm.ppf(1 - alpha / 2)
            lo, hi = b + (lo - b) * k, b + (hi - b) * k
        if n_failed:
            notes.append(f"{n_failed} resample(s) with a single distinct date skipped")
    if lo <= 0 < hi:
        notes.append("slope interval includes 0: the doubling time's upper bound is unbounded (inf; null in JSON)")
    elif hi <= 0:
        notes.append("slope interval is not positive: no finite doubling time")
    if p.n_nonpositive:
        notes.append(f"{p.n_nonpositive} non-positive value(s) dropped")
    if p.n < 10:
        notes.append(f"only {p.n} points: treat the interval with caution")
    resid = np.asarray(res.resid, dtype=float)
    return TrendFit(
        metric=p.column,
        subset=subset,
        n=p.n,
        start=p.since if p.since is not None else p.dates[0],
        end=p.until if p.until is not None else p.dates[-1],
        data_start=p.dates[0],
        data_end=p.dates[-1],
        slope_oom_per_year=b,
        slope_oom_per_year_ci=(lo, hi),
        intercept=a,
        x_mean=xm,
        confidence=confidence,
        r2=float(res.rsquared),
        method=method,
        se_type=se_type,
        residual_sd=float(np.sqrt(np.sum(resid ** 2) / dfr)) if dfr > 0 else math.nan,
        cov=((float(cov[0, 0]), float(cov[0, 1])), (float(cov[1, 0]), float(cov[1, 1]))),
        df_resid=dfr,
        n_boot=int(n_boot) if method != "analytic" else None,
        seed=int(seed) if method != "analytic" else None,
        n_boot_failed=n_failed,
        n_clusters=n_clusters,
        n_missing_date=p.n_missing_date,
        n_missing_value=p.n_missing_value,
        n_nonpositive=p.n_nonpositive,
        n_outside=p.n_outside,
        notes=tuple(notes),
        boot=boot,
        residuals=resid,
    )


def _check_method(method: str, cov_type: str) -> None:
    if method not in METHODS:
        raise UsageError(f"unknown method {method!r}; choose one of {', '.join(METHODS)}")
    if cov_type not in ("HC3", "HC1", "HC0", "HC2", "nonrobust"):
        raise UsageError(f"unknown cov_type {cov_type!r}; use HC3 (default), HC0-HC2 or nonrobust")


def fit_trend(df: pd.DataFrame, metric: str = "training_compute_flop", *, since: object = None,
              until: object = None, confidence: float = C.DEFAULT_CONFIDENCE, method: str = "analytic",
              n_boot: int = 1000, seed: int = 0, cov_type: str = "HC3", nonpositive: str = "raise",
              subset: str = "notable") -> TrendFit:
    """Fit the log-linear trend of ``metric`` on the given rows (no subsetting: pass the rows you want).

    ``subset`` is only a label stored in the result. See the module docstring for methods and data rules.
    """
    confidence = _check_confidence(confidence)
    _check_method(method, cov_type)
    p = prepare(df, metric, since=since, until=until, nonpositive=nonpositive)
    return _fit_prepared(p, subset=subset, confidence=confidence, method=method, n_boot=n_boot, seed=seed,
                         cov_type=cov_type)


def subset_trend(df: pd.DataFrame, metric: str = "training_compute_flop", subset: str = "notable", *,
                 domain: str | None = None, organization: str | None = None, country: str | None = None,
                 top_k: int = C.FRONTIER_TOP_K, exclude: Iterable[str] = (), **kw) -> TrendFit:
    """Select a subset (see :func:`analysis.metrics.selection.select_subset`) then :func:`fit_trend` it.

    The frontier is ranked on all rows before the date window is applied. Without ``until`` the window ends at the
    last release date in ``df`` (the data's vintage: "no frontier model since" is information, too).
    """
    rows = select_subset(df, subset, domain=domain, organization=organization, country=country, top_k=top_k,
                         exclude=exclude)
    if kw.get("until") is None and "release_date" in df.columns:
        # the window ends at the data's last release (all models), not at the subset's last fitted model
        last = as_dates(df["release_date"]).max()
        since_ts = parse_date(kw.get("since"), "since")
        if not pd.isna(last) and (since_ts is None or since_ts <= last):
            kw["until"] = last
    label = describe_subset(subset, domain, top_k)
    for extra in (organization, country):
        if extra:
            label += f" ({extra})"
    return fit_trend(rows, metric, subset=label, **kw)


# --- tables of fits ------------------------------------------------------------------------------------------

GROUPINGS = ("domain", "access", "organization", "country", "subset")
AtlasErrorTypes = (AnalysisError, UsageError)


def _groups(df: pd.DataFrame, by: str, top_k: int) -> list[tuple[str, pd.DataFrame]]:
    if by == "subset":
        return [(s, select_subset(df, s, top_k=top_k)) for s in SUBSETS]
    if by == "access":
        return [(s, select_subset(df, s)) for s in ("open", "closed")]
    if by not in df.columns:
        raise AnalysisError(f"models table has no column {by!r}")
    names = sorted({p for cell in df[by] for p in split_multi(cell)}, key=str.lower)
    return [(g, df[matches(df[by], g)]) for g in names]


def trend_table(df: pd.DataFrame, metric: str = "training_compute_flop", by: str = "domain", *,
                subset: str = "notable", top_k: int = C.FRONTIER_TOP_K, min_n: int = 10, exclude: Iterable[str] = (),
                **kw) -> pd.DataFrame:
    """One trend per group (``by`` in domain, access, organization, country, subset), tidy, ready to plot.

    Rows are first restricted to ``subset`` (frontier ranked on all rows), except for ``by="subset"``. Columns: the
    group (named after ``by``), ``label`` (a readable description), n, window, slope/growth/doubling with their
    ``_low``/``_high`` bounds, r2, method, note. Groups with fewer than ``min_n`` usable points (or a degenerate fit)
    are listed with ``n`` and a ``note`` instead of numbers.
    """
    if by not in GROUPINGS:
        raise UsageError(f"unknown grouping {by!r}; choose one of {', '.join(GROUPINGS)}")
    base = exclude_models(df, exclude)
    if by != "subset":
        base = select_subset(base, subset, top_k=top_k)
    rows = []
    for name, part in _groups(base, by, top_k):
        label = name if by != "subset" else describe_subset(name, None, top_k)
        try:
            p = prepare(part, metric, since=kw.get("since"), until=kw.get("until"),
                        nonpositive=kw.get("nonpositive", "raise"))
            if p.n < max(min_n, MIN_POINTS):
                raise AnalysisError(f"too few points ({p.n} < {max(min_n, MIN_POINTS)})")
            fit = fit_trend(part, metric, subset=label, **kw)
            row = fit.to_row()
            row["label"] = row.pop("subset")
            row["note"] = "; ".join(fit.notes)
        except AnalysisError as exc:
            n = len(part)
            try:
                n = prepare(part, metric, since=kw.get("since"), until=kw.get("until"), nonpositive="drop").n
            except AtlasErrorTypes:
                pass
            row = {"label": label, "metric": metric_column(metric), "n": n, "note": str(exc)}
        row = {by: name, **row}
        rows.append(row)
    cols = [by, "label", "metric", "n", "start", "end", "slope_oom_per_year", "slope_low", "slope_high",
            "growth_per_year", "growth_low", "growth_high", "doubling_months", "doubling_low", "doubling_high", "r2",
            "confidence", "method", "note"]
    out = pd.DataFrame(rows)
    for c in cols:
        if c not in out.columns:
            out[c] = np.nan
    return out[cols].reset_index(drop=True)



def compare_subsets(df: pd.DataFrame, metric: str = "training_compute_flop", *, top_k: int = C.FRONTIER_TOP_K,
                    min_n: int = 10, **kw) -> pd.DataFrame:
    """Trend of notable, frontier, open and closed models side by side (same window and method)."""
    return trend_table(df, metric, by="subset", top_k=top_k, min_n=min_n, **kw)


# --- eras and breaks -----------------------------------------------------------------------------------------


@dataclass(frozen=True)
class PiecewiseFit:
    """Separate log-linear trends between given break dates, with a joint test that the slopes are equal."""

    metric: str
    subset: str
    breaks: tuple[pd.Timestamp, ...]
    segments: tuple[TrendFit, ...]
    f_stat: float  # Wald F test (HC3) that all segment slopes are equal
    p_value: float
    df_num: int
    df_denom: int
    confidence: float
    notes: tuple[str, ...] = ()

    def to_frame(self) -> pd.DataFrame:
        rows = []
        for i, s in enumerate(self.segments):
            r = s.to_row()
            r["segment"] = i + 1
            rows.append(r)
        return pd.DataFrame(rows)[["segment"] + list(self.segments[0].to_row())]

    def to_dict(self) -> dict:
        return {
            "metric": self.metric,
            "subset": self.subset,
            "breaks": [_iso(b) for b in self.breaks],
            "segments": [s.to_dict() for s in self.segments],
            "slope_equality_f": float(self.f_stat),
            "slope_equality_p_value": float(self.p_value),
            "df_num": self.df_num,
            "df_denom": self.df_denom,
            "test": "Wald F test of equal slopes, HC3 covariance, fully interacted OLS",
            "confidence": self.confidence,
            "notes": list(self.notes),
        }


def _wald_equal_slopes(p: Prepared, seg: np.ndarray, nseg: int, cov_type: str) -> tuple[float, float, int, int]:
    X = np.zeros((p.n, 2 * nseg))
    xm = p.x.mean()
    for s in range(nseg):
        m = seg == s
        X[m, 2 * s] = 1.0
        X[m, 2 * s + 1] = p.x[m] - xm
    model = sm.OLS(p.y, X)
    res = model.fit() if cov_type == "nonrobust" else model.fit(cov_type=cov_type, use_t=True)
    if not np.all(np.isfinite(res.bse)):
        res = model.fit(cov_type="HC1", use_t=True)
    R = np.zeros((nseg - 1, 2 * nseg))
    for s in range(nseg - 1):
        R[s, 2 * s + 1] = 1.0
        R[s, 2 * s + 3] = -1.0
    t = res.f_test(R)
    return float(np.squeeze(t.fvalue)), float(t.pvalue), int(t.df_num), int(t.df_denom)


def piecewise_trend(df: pd.DataFrame, metric: str = "training_compute_flop", breaks: Sequence[object] = (
        C.DEEP_LEARNING_ERA_START, C.LARGE_SCALE_ERA_START), *, since: object = None, until: object = None,
        confidence: float = C.DEFAULT_CONFIDENCE, cov_type: str = "HC3", nonpositive: str = "raise",
        subset: str = "notable") -> PiecewiseFit:
    """Independent trends (own slope and level) in each era delimited by ``breaks``; a model released on a break
    date belongs to the later era. Tests H0: all slopes equal (Wald F with HC3 covariance)."""
    confidence = _check_confidence(confidence)
    _check_method("analytic", cov_type)
    bts = sorted(parse_date(b, "break") for b in breaks)
    if not bts:
        raise UsageError("piecewise_trend needs at least one break date")
    if len(set(bts)) != len(bts):
        raise UsageError("break dates must be distinct")
    p = prepare(df, metric, since=since, until=until, nonpositive=nonpositive)
    _check_enough(p)
    bx = np.array([decimal_year(b) for b in bts])
    seg = np.searchsorted(bx, p.x, side="right")
    nseg = len(bts) + 1
    edges = [p.since] + list(bts) + [p.until]
    fits = []
    for s in range(nseg):
        m = seg == s
        lo = edges[s] if edges[s] is not None else (p.dates[m][0] if m.any() else None)
        hi = (bts[s] - pd.Timedelta(days=1)) if s < len(bts) else edges[-1]
        if hi is None and m.any():
            hi = p.dates[m][-1]
        part = p.take(m, since=lo, until=hi)
        fits.append(_fit_prepared(part, subset=subset, confidence=confidence, method="analytic", n_boot=0, seed=0,
                                  cov_type=cov_type, what=f" in era {s + 1} ({_iso(lo) or '...'} to {_iso(hi) or '...'})"))
    f, pv, dn, dd = _wald_equal_slopes(p, seg, nseg, cov_type)
    return PiecewiseFit(metric=p.column, subset=subset, breaks=tuple(bts), segments=tuple(fits), f_stat=f, p_value=pv,
                        df_num=dn, df_denom=dd, confidence=confidence)


BREAK_KINDS = ("discontinuous", "kinked")


@dataclass(frozen=True)
class BreakEstimate:
    """Estimated date of a change in trend, with bootstrap intervals for the date and the slopes on each side.

    ``kind="discontinuous"``: two separate lines (own level and slope), as Sevilla et al. 2022's eras;
    ``kind="kinked"``: one continuous line whose slope changes at the break (Epoch's "discrete acceleration").
    Slope intervals come from the same bootstrap as the date (the break is re-estimated in every resample), so they
    include the uncertainty about where the break is.
    """

    metric: str
    subset: str
    kind: str
    break_date: pd.Timestamp
    break_date_ci: tuple[pd.Timestamp, pd.Timestamp]
    slope_before: float  # OOM/year
    slope_before_ci: tuple[float, float]
    slope_after: float
    slope_after_ci: tuple[float, float]
    n: int
    n_before: int
    n_after: int
    start: pd.Timestamp
    end: pd.Timestamp
    confidence: float
    n_boot: int
    seed: int
    min_segment: int
    slope_change_p_value: float  # conditional on the estimated date: overstates significance (see notes)
    ssr_ratio: float  # SSR(with break) / SSR(one line)
    notes: tuple[str, ...] = ()
    profile: pd.DataFrame | None = field(default=None, repr=False, compare=False)  # candidate date, ssr
    sup_f: float = math.nan  # unconditional test of "no break" (see break_test)
    sup_f_p_value: float = math.nan
    change: str = ""  # 'level shift', 'slope change', 'level and slope', 'no break detected'
    level_shift_p_value: float = math.nan  # at the estimated date (conditional), discontinuous kind only

    @property
    def growth_before(self) -> float:
        return _pow10(self.slope_before)

    @property
    def growth_after(self) -> float:
        return _pow10(self.slope_after)

    @property
    def growth_before_ci(self) -> tuple[float, float]:
        return (_pow10(self.slope_before_ci[0]), _pow10(self.slope_before_ci[1]))

    @property
    def growth_after_ci(self) -> tuple[float, float]:
        return (_pow10(self.slope_after_ci[0]), _pow10(self.slope_after_ci[1]))

    def to_dict(self) -> dict:
        db, da = _doubling_ci(*self.slope_before_ci), _doubling_ci(*self.slope_after_ci)
        return {
            "metric": self.metric,
            "subset": self.subset,
            "kind": self.kind,
            "break_date": _iso(self.break_date),
            "break_date_ci": [_iso(d) for d in self.break_date_ci],
            "slope_before_oom_per_year": self.slope_before,
            "slope_before_oom_per_year_ci": list(self.slope_before_ci),
            "growth_before_per_year": self.growth_before,
            "growth_before_per_year_ci": list(self.growth_before_ci),
            "doubling_before_months": _json_num(_doubling(self.slope_before)),
            "doubling_before_months_ci": [_json_num(v) for v in db],
            "slope_after_oom_per_year": self.slope_after,
            "slope_after_oom_per_year_ci": list(self.slope_after_ci),
            "growth_after_per_year": self.growth_after,
            "growth_after_per_year_ci": list(self.growth_after_ci),
            "doubling_after_months": _json_num(_doubling(self.slope_after)),
            "doubling_after_months_ci": [_json_num(v) for v in da],
            "n": self.n, "n_before": self.n_before, "n_after": self.n_after,
            "start": _iso(self.start), "end": _iso(self.end),
            "confidence": self.confidence, "n_boot": self.n_boot, "seed": self.seed, "min_segment": self.min_segment,
            "slope_change_p_value": self.slope_change_p_value,
            "level_shift_p_value": _json_num(self.level_shift_p_value),
            "sup_f": _json_num(self.sup_f), "sup_f_p_value": _json_num(self.sup_f_p_value),
            "change": self.change,
            "ssr_ratio": self.ssr_ratio,
            "method": "grid search of the break date minimising the SSR (= BIC for a fixed model); percentile "
                      "bootstrap of models for the date and slopes, break re-estimated in each resample; "
                      "unconditional sup-F test with a wild-bootstrap p-value",
            "notes": list(self.notes),
        }


def _cumsums(x: np.ndarray, y: np.ndarray) -> dict[str, np.ndarray]:
    z = lambda v: np.concatenate([[0.0], np.cumsum(v)])  # noqa: E731
    return {"n": np.arange(len(x) + 1, dtype=float), "x": z(x), "y": z(y), "xx": z(x * x), "yy": z(y * y),
            "xy": z(x * y)}


def _break_fits(x: np.ndarray, y: np.ndarray, ks: np.ndarray, cx: np.ndarray, kind: str):
    """For sorted x and split positions ``ks`` (first k points before the break at ``cx``): SSR, slope before,
    slope after, for every candidate at once."""
    cs = _cumsums(x, y)
    n = len(x)
    L = {k: v[ks] for k, v in cs.items()}
    R = {k: cs[k][n] - L[k] for k in cs}
    if kind == "discontinuous":
        def line(s):
            with np.errstate(divide="ignore", invalid="ignore"):
                vxx = s["xx"] - s["x"] ** 2 / s["n"]
                vxy = s["xy"] - s["x"] * s["y"] / s["n"]
                vyy = s["yy"] - s["y"] ** 2 / s["n"]
                b = np.where(vxx > 1e-12, vxy / vxx, np.nan)
                ssr = np.where(vxx > 1e-12, np.maximum(vyy - b * vxy, 0.0), np.inf)
            return ssr, b

        s1, b1 = line(L)
        s2, b2 = line(R)
        return s1 + s2, b1, b2
    # kinked: y = a + b x + d * max(0, x - c)
    N = float(n)
    Sx, Sxx, Sy, Sxy, Syy = cs["x"][n], cs["xx"][n], cs["y"][n], cs["xy"][n], cs["yy"][n]
    m = R["n"]
    Sh = R["x"] - m * cx
    Shh = R["xx"] - 2 * cx * R["x"] + m * cx * cx
    Sxh = R["xx"] - cx * R["x"]
    Shy = R["xy"] - cx * R["y"]
    K = len(ks)
    XtX = np.empty((K, 3, 3))
    XtX[:, 0, 0], XtX[:, 0, 1], XtX[:, 0, 2] = N, Sx, Sh
    XtX[:, 1, 0], XtX[:, 1, 1], XtX[:, 1, 2] = Sx, Sxx, Sxh
    XtX[:, 2, 0], XtX[:, 2, 1], XtX[:, 2, 2] = Sh, Sxh, Shh
    Xty = np.stack([np.full(K, Sy), np.full(K, Sxy), Shy], axis=1)
    ok = np.abs(np.linalg.det(XtX)) > 1e-9
    beta = np.full((K, 3), np.nan)
    if ok.any():
        beta[ok] = np.linalg.solve(XtX[ok], Xty[ok][..., None])[..., 0]
    ssr = np.where(ok, np.maximum(Syy - np.einsum("ij,ij->i", beta, Xty), 0.0), np.inf)
    return ssr, beta[:, 1], beta[:, 1] + beta[:, 2]


def estimate_break(df: pd.DataFrame, metric: str = "training_compute_flop", *, kind: str = "discontinuous",
                   since: object = None, until: object = None, candidates: Sequence[object] | None = None,
                   min_segment: int = C.BREAK_MIN_SEGMENT, n_boot: int = 500, seed: int = 0,
                   confidence: float = C.DEFAULT_CONFIDENCE, nonpositive: str = "raise",
                   subset: str = "notable") -> BreakEstimate:
    """Estimate an unknown break date in a log-linear trend.

    Every candidate date (default: the 1st of each month between the ``min_segment``-th first and last model) is
    tried; a model released on or after the date is "after". The candidate with the smallest total SSR is kept (for
    a fixed number of parameters this is the BIC-minimising break, Epoch's rule; Epoch also requires >= 10 models
    per segment). Candidates falling between the same two models fit equally well: the estimate is the middle of
    that tie range, and the interval always contains the whole range. Intervals: percentile bootstrap over models
    (``n_boot`` resamples, ``seed``), re-estimating the break each time (date interval: low quantile of each
    resample's earliest tied date, high quantile of its latest). ``slope_change_p_value`` (HC3 Wald test of equal slopes at the estimated date) ignores that
    the date was chosen to fit the data, so it overstates the evidence for a break; ``sup_f_p_value`` is the
    unconditional test (:func:`break_test`), and ``change`` says what the break is: a ``level shift`` (the
    trend jumps, same slope), a ``slope change`` (growth rate changes, continuous kink) or ``level and slope``,
    whichever has the lowest BIC (each at its own best date), or ``no break detected`` (sup-F not significant at
    1 - ``confidence``).
    """
    confidence = _check_confidence(confidence)
    if kind not in BREAK_KINDS:
        raise UsageError(f"unknown break kind {kind!r}; choose one of {', '.join(BREAK_KINDS)}")
    if isinstance(min_segment, bool) or not isinstance(min_segment, (int, np.integer)) or min_segment < 3:
        raise UsageError(f"min_segment must be a whole number >= 3, got {min_segment!r}")
    n_boot = check_n_boot(n_boot, minimum=10)
    p = prepare(df, metric, since=since, until=until, nonpositive=nonpositive)
    _check_enough(p)
    if p.n < 2 * min_segment:
        raise AnalysisError(f"too few points to estimate a break: {p.n} models, need at least {2 * min_segment} "
                            f"({min_segment} on each side)")
    if candidates is None:
        lo, hi = p.dates[min_segment - 1], p.dates[p.n - min_segment]
        cands = pd.date_range(lo.to_period("M").to_timestamp() + pd.offsets.MonthBegin(1), hi, freq="MS")
    else:
        cands = pd.DatetimeIndex(sorted({parse_date(c, "candidate") for c in candidates}))
    if len(cands) == 0:
        raise AnalysisError("no candidate break dates between the first and last models")
    x0 = float(p.x.mean())
    cx = np.array([decimal_year(c) for c in cands]) - x0
    x, y = p.x - x0, p.y

    def best(xs: np.ndarray, ys: np.ndarray):
        ks = np.searchsorted(xs, cx, side="left")
        valid = (ks >= min_segment) & (ks <= len(xs) - min_segment)
        ssr = np.full(len(cx), np.inf)
        b1 = np.full(len(cx), np.nan)
        b2 = np.full(len(cx), np.nan)
        if valid.any():
            ssr[valid], b1[valid], b2[valid] = _break_fits(xs, ys, ks[valid], cx[valid], kind)
        if not np.isfinite(ssr).any():
            return -1, -1, -1, ssr, math.nan, math.nan
        smin = float(np.min(ssr))
        # candidates between the same two models fit equally well (discontinuous): the data only locate the break
        # within that gap, so keep the whole tie range and report its middle
        ties = np.flatnonzero(ssr <= smin + 1e-9 * max(1.0, abs(smin)))
        j = int(ties[len(ties) // 2])
        return j, int(ties[0]), int(ties[-1]), ssr, b1[j], b2[j]

    i_best, i_first, i_last, ssr, sb, sa = best(x, y)
    if i_best < 0:
        raise AnalysisError(f"no candidate date leaves {min_segment} models with distinct dates on each side")
    rng = np.random.default_rng(seed)
    firsts, lasts, before, after = [], [], [], []
    failed = 0
    for _ in range(n_boot):
        idx = np.sort(rng.integers(0, p.n, size=p.n))  # x is sorted, so sorted indices keep it sorted
        j, jf, jl, _, b1, b2 = best(x[idx], y[idx])
        if j < 0 or not (np.isfinite(b1) and np.isfinite(b2)):
            failed += 1
            continue
        firsts.append(jf)
        lasts.append(jl)
        before.append(b1)
        after.append(b2)
    if len(firsts) < 10:
        raise AnalysisError("bootstrap of the break date failed: too few valid resamples")
    alpha = 1 - confidence
    qs = [alpha / 2, 1 - alpha / 2]
    jlo = min(np.quantile(np.array(firsts), alpha / 2, method="inverted_cdf"), i_first)
    jhi = max(np.quantile(np.array(lasts), 1 - alpha / 2, method="inverted_cdf"), i_last)
    blo, bhi = np.quantile(np.array(before), qs)
    alo, ahi = np.quantile(np.array(after), qs)
    bdate = cands[i_best]
    n_before = int(np.searchsorted(x, cx[i_best], side="left"))
    # conditional test of equal slopes at the estimated date (HC3)
    seg = (x >= cx[i_best]).astype(int)
    p_level = math.nan
    if kind == "discontinuous":
        _, pval, _, _ = _wald_equal_slopes(p, seg, 2, "HC3")
        # level shift at the break date: jump of the fitted value at c, HC3 (y = a + b x + s (a2 + b2 (x - c)))
        Xl = np.column_stack([np.ones_like(x), x, seg, seg * (x - cx[i_best])])
        rl = sm.OLS(y, Xl).fit(cov_type="HC3", use_t=True)
        if not np.all(np.isfinite(rl.bse)):
            rl = sm.OLS(y, Xl).fit(cov_type="HC1", use_t=True)
        p_level = float(rl.pvalues[2])
    else:
        X = np.column_stack([np.ones_like(x), x, np.maximum(0.0, x - cx[i_best])])
        res = sm.OLS(y, X).fit(cov_type="HC3", use_t=True)
        if not np.all(np.isfinite(res.bse)):
            res = sm.OLS(y, X).fit(cov_type="HC1", use_t=True)
        pval = float(res.pvalues[2])
    xc = x - x.mean()
    ssr_one = float(np.sum((y - y.mean()) ** 2) - np.sum(xc * (y - y.mean())) ** 2 / np.sum(xc ** 2))
    bt = break_test(df, metric, kind=kind, since=since, until=until, candidates=candidates, min_segment=min_segment,
                    n_sim=499, seed=seed, nonpositive=nonpositive)
    change = _classify_change(bt.p_value, _change_bics(x, y, cx, min_segment), 1 - confidence)
    notes = ["slope_change_p_value and level_shift_p_value are conditional on the estimated date; sup_f_p_value "
             "(wild-bootstrap sup-F) is the unconditional test of any break",
             f"{change} (sup-F p = {bt.p_value:.3g}, tested at 1 - confidence; kind of change chosen by BIC among a "
             "level shift, a slope change and both, each at its own best date)"]
    if failed:
        notes.append(f"{failed} bootstrap resample(s) without a valid split skipped")
    if i_best in (0, len(cands) - 1):
        notes.append("the estimate is at the edge of the candidate range: the break may lie outside it")
    return BreakEstimate(
        metric=p.column, subset=subset, kind=kind, break_date=bdate,
        break_date_ci=(cands[int(jlo)], cands[int(jhi)]),
        slope_before=float(sb), slope_before_ci=(float(blo), float(bhi)),
        slope_after=float(sa), slope_after_ci=(float(alo), float(ahi)),
        n=p.n, n_before=n_before, n_after=p.n - n_before,
        start=p.since if p.since is not None else p.dates[0], end=p.until if p.until is not None else p.dates[-1],
        confidence=confidence, n_boot=int(n_boot), seed=int(seed), min_segment=int(min_segment),
        slope_change_p_value=float(pval), ssr_ratio=float(ssr[i_best] / ssr_one) if ssr_one > 0 else math.nan,
        notes=tuple(notes), profile=pd.DataFrame({"date": cands, "ssr": ssr}), sup_f=bt.sup_f,
        sup_f_p_value=bt.p_value, change=change, level_shift_p_value=p_level)


@dataclass(frozen=True)
class BreakTest:
    """Unconditional test of "one log-linear trend, no break" against a break at an unknown date (sup-F)."""

    kind: str
    sup_f: float
    p_value: float
    break_date: pd.Timestamp
    n: int
    n_sim: int
    seed: int
    min_segment: int
    df_num: int  # extra parameters of the break model: 2 (discontinuous) or 1 (kinked)


def _sup_f_stat(x: np.ndarray, y: np.ndarray, cx: np.ndarray, kind: str, min_segment: int) -> tuple[float, int]:
    ks = np.searchsorted(x, cx, side="left")
    valid = (ks >= min_segment) & (ks <= len(x) - min_segment)
    if not valid.any():
        return math.nan, -1
    ssr_k, _, _ = _break_fits(x, y, ks[valid], cx[valid], kind)
    xc = x - x.mean()
    yc = y - y.mean()
    ssr_1 = float(np.sum(yc ** 2) - np.sum(xc * yc) ** 2 / np.sum(xc ** 2))
    q = 2 if kind == "discontinuous" else 1
    dof = len(x) - 2 - q
    with np.errstate(divide="ignore", invalid="ignore"):
        f = ((ssr_1 - ssr_k) / q) / (ssr_k / dof)
    f = np.where(np.isfinite(f), f, -np.inf)
    j = int(np.argmax(f))
    return float(f[j]), int(np.flatnonzero(valid)[j])


def break_test(df: pd.DataFrame, metric: str = "training_compute_flop", *, kind: str = "discontinuous",
               since: object = None, until: object = None, candidates: Sequence[object] | None = None,
               min_segment: int = C.BREAK_MIN_SEGMENT, n_sim: int = 499, seed: int = 0,
               nonpositive: str = "raise") -> BreakTest:
    """sup-F test (Andrews 1993) of no break, with a p-value that does not condition on the chosen date.

    F(c) compares one line with the break model at candidate date c (both least squares); sup-F is its maximum
    over the candidates (monthly, keeping ``min_segment`` models on each side, as :func:`estimate_break`). Its null
    distribution is simulated by a fixed-regressor wild bootstrap (Hansen 2000, "Testing for structural change in
    conditional models", J. Econometrics 97:93-115): y* = one-line fit + residual x Rademacher sign, which keeps
    heteroskedasticity; p = (1 + #{sup-F* >= sup-F}) / (1 + ``n_sim``). Andrews' asymptotic critical values assume
    homoskedastic errors and a fixed trimming fraction, so they are not used.
    """
    if kind not in BREAK_KINDS:
        raise UsageError(f"unknown break kind {kind!r}; choose one of {', '.join(BREAK_KINDS)}")
    n_sim = check_n_boot(n_sim, minimum=19)
    p = prepare(df, metric, since=since, until=until, nonpositive=nonpositive)
    _check_enough(p)
    if p.n < 2 * min_segment + 1:
        raise AnalysisError(f"too few points to test for a break: {p.n} models, need more than {2 * min_segment}")
    if candidates is None:
        lo, hi = p.dates[min_segment - 1], p.dates[p.n - min_segment]
        cands = pd.date_range(lo.to_period("M").to_timestamp() + pd.offsets.MonthBegin(1), hi, freq="MS")
    else:
        cands = pd.DatetimeIndex(sorted({parse_date(c, "candidate") for c in candidates}))
    x0 = float(p.x.mean())
    x, y = p.x - x0, p.y
    cx = np.array([decimal_year(c) for c in cands]) - x0
    stat, j = _sup_f_stat(x, y, cx, kind, min_segment)
    if j < 0 or not math.isfinite(stat):
        raise AnalysisError(f"no candidate date leaves {min_segment} models with distinct dates on each side")
    b = np.polyfit(x, y, 1)
    fitted = np.polyval(b, x)
    resid = y - fitted
    rng = np.random.default_rng(seed)
    exceed = 0
    for _ in range(n_sim):
        ys = fitted + resid * rng.choice((-1.0, 1.0), size=len(y))
        exceed += _sup_f_stat(x, ys, cx, kind, min_segment)[0] >= stat
    return BreakTest(kind=kind, sup_f=stat, p_value=(1 + exceed) / (1 + n_sim), break_date=cands[j], n=p.n,
                     n_sim=n_sim, seed=int(seed), min_segment=int(min_segment),
                     df_num=2 if kind == "discontinuous" else 1)


CHANGE_KINDS = {"level shift": 3, "slope change": 3, "level and slope": 4}  # regression parameters (+ the date)


def _change_bics(x: np.ndarray, y: np.ndarray, cx: np.ndarray, min_segment: int) -> dict[str, float]:
    """BIC of the three break models, each at its own best date: a jump with a common slope ('level shift'), a
    continuous kink ('slope change'), and two separate lines ('level and slope')."""
    n = len(x)
    best = {k: math.inf for k in CHANGE_KINDS}
    ks = np.searchsorted(x, cx, side="left")
    for c, k in zip(cx, ks):
        if k < min_segment or k > n - min_segment:
            continue
        s = (x >= c).astype(float)
        h = s * (x - c)
        for name, X in (("level shift", np.column_stack([np.ones(n), x, s])),
                        ("slope change", np.column_stack([np.ones(n), x, h])),
                        ("level and slope", np.column_stack([np.ones(n), x, s, h]))):
            beta, *_ = np.linalg.lstsq(X, y, rcond=None)
            best[name] = min(best[name], float(np.sum((y - X @ beta) ** 2)))
    return {k: n * math.log(v / n) + (CHANGE_KINDS[k] + 1) * math.log(n) if math.isfinite(v) and v > 0 else math.inf
            for k, v in best.items()}


def _classify_change(p_break: float, bics: dict[str, float], alpha: float) -> str:
    """'no break detected' unless the sup-F test rejects at ``alpha``; then the break model with the lowest BIC."""
    if not p_break < alpha:
        return "no break detected"
    return min(bics, key=lambda k: (bics[k], CHANGE_KINDS[k]))


# --- projections ---------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class LevelProjection:
    """Value of the trend at a date: the trend line's interval (``ci``) and a prediction interval for one model."""

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

    def to_dict(self) -> dict:
        return {
            "metric": self.metric, "date": _iso(self.date), "value": self.value, "value_ci": list(self.ci),
            "value_pi": list(self.pi), "log10_value": math.log10(self.value), "confidence": self.confidence,
            "method": self.method, "fit_n": self.fit_n, "fit_window": [_iso(d) for d in self.fit_window],
            "years_beyond_data": self.years_beyond_data,
        }


@dataclass(frozen=True)
class DateProjection:
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

    def to_dict(self) -> dict:
        return {
            "metric": self.metric, "level": self.level, "date": _iso(self.date),
            "date_ci": [_iso(d) for d in self.date_ci], "date_pi": [_iso(d) for d in self.date_pi],
            "confidence": self.confidence, "method": self.method, "fit_n": self.fit_n,
            "fit_window": [_iso(d) for d in self.fit_window], "notes": list(self.notes),
        }


def _quantile(fit: TrendFit) -> float:
    return float(stats.t.ppf(0.5 + fit.confidence / 2, fit.df_resid))


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


# --- threshold counts ----------------------------------------------------------------------------------------


def _threshold_frame(df: pd.DataFrame) -> tuple[pd.Series, pd.Series]:
    for col in ("release_date", "training_compute_flop"):
        if col not in df.columns:
            raise AnalysisError(f"models table has no column {col!r}")
    return as_dates(df["release_date"]), as_numbers(df["training_compute_flop"], "training_compute_flop")


def _above(vals: pd.Series, t: float, inclusive: bool) -> pd.Series:
    return (vals >= t) if inclusive else pd.Series(above_threshold(vals, t), index=vals.index)


def threshold_counts(df: pd.DataFrame, thresholds: Sequence[float] = C.THRESHOLDS_FLOP, *,
                     inclusive: bool = False) -> pd.DataFrame:
    """Models released per year with training compute above each threshold (tidy: year, threshold, ...).

    "Above" is strictly greater than the threshold, as in the EU AI Act Art. 51(2) ("greater than 10^25") and
    EO 14110 ("greater than 10^26"); ``inclusive=True`` counts ``>=``. Every year from the first to the last year
    with a dated model appears (zeros included). ``n_unknown_compute`` counts that year's models without a compute
    estimate: they may exceed the threshold, so counts are lower bounds of the true numbers.
    """
    df = representative(df)  # overlay additions are not part of the representative set
    dates, vals = _threshold_frame(df)
    if not thresholds:
        raise UsageError("give at least one threshold")
    dated = dates.notna()
    if not dated.any():
        raise AnalysisError("no models with a release date")
    years = dates.dt.year
    yr = range(int(years[dated].min()), int(years[dated].max()) + 1)
    rows = []
    for t in sorted(float(v) for v in thresholds):
        above = dated & _above(vals, t, inclusive).fillna(False)
        per_year = years[above].value_counts()
        cum = 0
        for y in yr:
            k = int(per_year.get(y, 0))
            cum += k
            in_year = dated & (years == y)
            rows.append({"year": y, "threshold": t, "n_models": k, "cumulative": cum,
                         "n_with_compute": int((in_year & vals.notna()).sum()),
                         "n_unknown_compute": int((in_year & vals.isna()).sum())})
    return pd.DataFrame(rows)


def threshold_counts_by_organization(df: pd.DataFrame, thresholds: Sequence[float] = C.THRESHOLDS_FLOP, *,
                                     inclusive: bool = False) -> pd.DataFrame:
    """Per organization and threshold: number of models above it, first such model and its date.

    A model listing several organizations counts once for each. Sorted by threshold, then count (descending).
    """
    df = representative(df)  # overlay additions are not part of the representative set
    dates, vals = _threshold_frame(df)
    if "organization" not in df.columns:
        raise AnalysisError("models table has no column 'organization'")
    names = df["name"] if "name" in df.columns else df.get("id", pd.Series(df.index.astype(str), index=df.index))
    rows = []
    for t in sorted(float(v) for v in thresholds):
        above = dates.notna() & _above(vals, t, inclusive).fillna(False)
        sub = pd.DataFrame({"org": df.loc[above, "organization"].map(split_multi), "date": dates[above],
                            "name": names[above]}).explode("org")
        sub["org"] = sub["org"].fillna("(unknown)")
        for org, g in sub.groupby("org", sort=False):
            g = g.sort_values("date", kind="stable")
            rows.append({"organization": org, "threshold": t, "n_models": len(g), "first_date": g["date"].iloc[0],
                         "first_model": g["name"].iloc[0]})
    out = pd.DataFrame(rows, columns=["organization", "threshold", "n_models", "first_date", "first_model"])
    return out.sort_values(["threshold", "n_models", "organization"], ascending=[True, False, True],
                           kind="stable").reset_index(drop=True)


def threshold_counts_by_organization_year(df: pd.DataFrame, thresholds: Sequence[float] = C.THRESHOLDS_FLOP, *,
                                          inclusive: bool = False) -> pd.DataFrame:
    """Tidy counts per organization, threshold and year (only non-zero cells)."""
    df = representative(df)  # overlay additions are not part of the representative set
    dates, vals = _threshold_frame(df)
    rows = []
    for t in sorted(float(v) for v in thresholds):
        above = dates.notna() & _above(vals, t, inclusive).fillna(False)
        sub = pd.DataFrame({"organization": df.loc[above, "organization"].map(split_multi),
                            "year": dates[above].dt.year}).explode("organization")
        sub["organization"] = sub["organization"].fillna("(unknown)")
        c = sub.groupby(["organization", "year"]).size().reset_index(name="n_models")
        c.insert(1, "threshold", t)
        rows.append(c)
    if not rows:
        return pd.DataFrame(columns=["organization", "threshold", "year", "n_models"])
    return pd.concat(rows, ignore_index=True)[["organization", "threshold", "year", "n_models"]]


# --- parameters ----------------------------------------------------------------------------------------------


def moe_table(df: pd.DataFrame) -> pd.DataFrame:
    """Mixture-of-experts models with total and active parameters, active share and sparsity (total/active).

    A model is included if ``architecture == 'moe'`` or it has an ``active_parameters`` value below its total.
    """
    for col in ("parameters", "active_parameters"):
        if col not in df.columns:
            raise AnalysisError(f"models table has no column {col!r}")
    tot = as_numbers(df["parameters"], "parameters")
    act = as_numbers(df["active_parameters"], "active_parameters")
    is_moe = (df["architecture"].astype("string").str.lower() == "moe").fillna(False) if "architecture" in df.columns \
        else pd.Series(False, index=df.index)
    is_moe = is_moe.astype(bool) | (act.notna() & tot.notna() & (act < tot))
    keep = [c for c in ("id", "name", "organization", "release_date", "domain", "access") if c in df.columns]
    out = df.loc[is_moe, keep].copy()
    out["parameters"] = tot[is_moe]
    out["active_parameters"] = act[is_moe]
    with np.errstate(divide="ignore", invalid="ignore"):
        out["active_share"] = out["active_parameters"] / out["parameters"]
        out["sparsity"] = out["parameters"] / out["active_parameters"]
    if "release_date" in out.columns:
        out = out.sort_values("release_date", kind="stable")
    return out.reset_index(drop=True)


def moe_parameter_trends(df: pd.DataFrame, **kw) -> pd.DataFrame:
    """Trends of total vs active parameters over the MoE models (rows: total, active); too few points -> note."""
    moe = moe_table(df)
    rows = []
    for name, col in (("total", "parameters"), ("active", "active_parameters")):
        try:
            r = fit_trend(moe, col, subset=f"MoE models ({name} parameters)", **kw).to_row()
            r["note"] = ""
        except AnalysisError as exc:
            r = {"subset": f"MoE models ({name} parameters)", "metric": col, "n": int(moe[col].notna().sum()),
                 "note": str(exc)}
        rows.append({"parameters": name, **r})
    return pd.DataFrame(rows)


def parameter_trends_by_domain(df: pd.DataFrame, metric: str = "parameters", *, min_n: int = 10,
                               **kw) -> pd.DataFrame:
    """Parameter-count (or active-parameter) trend per domain: :func:`trend_table` with ``by="domain"``."""
    return trend_table(df, metric, by="domain", min_n=min_n, **kw)


def band_labels(edges: Sequence[float] = C.PARAMETER_BAND_EDGES) -> list[str]:
    def f(v: float) -> str:
        return f"1e{int(round(math.log10(v)))}" if v > 0 and abs(math.log10(v) - round(math.log10(v))) < 1e-9 \
            else f"{v:.3g}"

    labels = [f"<{f(edges[0])}"]
    labels += [f"{f(lo)}-{f(hi)}" for lo, hi in zip(edges[:-1], edges[1:])]
    labels.append(f">={f(edges[-1])}")
    return labels


def size_band_counts(df: pd.DataFrame, column: str = "parameters",
                     edges: Sequence[float] = C.PARAMETER_BAND_EDGES) -> pd.DataFrame:
    """The "parameter gap" view: models per size band per year (bands left-closed: [1e9, 1e10) is '1e9-1e10').

    Tidy: year, band, band_low, band_high, n_models (zeros included for every year with a sized model).
    """
    df = representative(df)  # overlay additions are not part of the representative set
    column = metric_column(column) if column in METRICS else column
    edges = sorted(float(e) for e in edges)
    if not edges:
        raise UsageError("give at least one band edge")
    if column not in df.columns or "release_date" not in df.columns:
        raise AnalysisError(f"models table needs columns 'release_date' and {column!r}")
    dates = as_dates(df["release_date"])
    vals = as_numbers(df[column], column)
    ok = dates.notna() & vals.notna() & (vals > 0)
    if not ok.any():
        raise AnalysisError(f"no models with a release date and a positive {column}")
    labels = band_labels(edges)
    bins = [0.0] + edges + [math.inf]
    cat = pd.cut(vals[ok], bins=bins, labels=labels, right=False)
    years = dates[ok].dt.year
    counts = pd.crosstab(years, cat).reindex(columns=labels, fill_value=0)
    counts = counts.reindex(range(int(years.min()), int(years.max()) + 1), fill_value=0)
    out = counts.stack().rename("n_models").reset_index()
    out.columns = ["year", "band", "n_models"]
    lows = dict(zip(labels, bins[:-1]))
    highs = dict(zip(labels, bins[1:]))
    out["band_low"] = out["band"].map(lows).astype(float)
    out["band_high"] = out["band"].map(highs).astype(float)
    out["band"] = pd.Categorical(out["band"].astype(str), categories=labels, ordered=True)
    return out[["year", "band", "band_low", "band_high", "n_models"]]
