"""Trend fits: the log-linear growth of a metric over time (:class:`TrendFit`), fitted on one subset or a table of groups.

The model, the intervals and the data handling are described in :mod:`analysis.metrics.trends`.
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from dataclasses import dataclass, field

import numpy as np
import pandas as pd
import statsmodels.api as sm
from scipy import stats

from analysis import constants as C
from analysis.errors import AnalysisError, UsageError
from analysis.metrics.frontier import as_dates, as_numbers
from analysis.metrics.result import Result, ResultMeta, iso_date, meta
from analysis.metrics.selection import (
    SUBSETS,
    describe_subset,
    groups_of,
    organizations,
    select,
    universe,
)
from analysis.metrics.trends.robust import bootstrap_lines, trend_cov
from analysis.metrics.vocabulary import check_confidence, check_date, check_n_boot

# CLI name -> (column, label used in sentences)
METRICS: dict[str, tuple[str, str]] = {
    "compute": ("training_compute_flop", "Training compute"),
    "parameters": ("parameters", "Parameter count"),
    "active-parameters": ("active_parameters", "Active parameter count"),
    "tokens": ("training_tokens", "Training tokens seen"),
    "dataset-size": ("dataset_size_tokens", "Training dataset size (tokens)"),
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
    """YYYY, YYYY-MM or YYYY-MM-DD (or a Timestamp) -> Timestamp; None passes through; else UsageError (the one
    rule: :func:`analysis.metrics.vocabulary.check_date`)."""
    return check_date(value, what)


def _pow10(x: float) -> float:
    """10**x for growth factors and levels, inf instead of OverflowError (a degenerate slope over a short era)."""
    try:
        return 10.0 ** x
    except OverflowError:
        return math.inf


def _doubling(slope: float) -> float:
    return 12.0 * LOG10_2 / slope if slope > 0 else math.inf


def _doubling_ci(lo: float, hi: float) -> tuple[float, float]:
    """Doubling-time interval from a slope interval [lo, hi] (OOM/yr): positive slopes only; inf = unbounded."""
    if hi <= 0:
        return (math.inf, math.inf)
    return (12.0 * LOG10_2 / hi, 12.0 * LOG10_2 / lo if lo > 0 else math.inf)


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
    df = universe(df)  # every fit is representative: no overlay additions, one row per model (issue 22.2)
    since_ts, until_ts = parse_date(since, "since"), parse_date(until, "until")
    if since_ts is not None and until_ts is not None and since_ts > until_ts:
        raise UsageError(f"--since {iso_date(since_ts)} is after --until {iso_date(until_ts)}")
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
        where = f" between {iso_date(p.since) or 'the start'} and {iso_date(p.until) or 'the end'}"
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
class TrendFit(Result):
    """A log-linear trend: slope in OOM/year with its interval, n, window and R².

    ``to_dict()`` (generic, :class:`analysis.metrics.result.Result`): dates as YYYY-MM-DD, intervals as [low, high],
    infinite bounds as None (see notes).
    """

    json_skip = frozenset({"intercept", "x_mean", "cov", "df_resid", "boot", "residuals"})
    json_rename = {"residual_sd": "residual_sd_log10", "n_outside": "n_outside_window"}
    json_derived = ("growth_per_year", "growth_per_year_ci", "doubling_months", "doubling_months_ci")

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
    se_type: str  # CR2 | HC3 | HC1 | nonrobust (analytic s.e., also used for prediction bands)
    residual_sd: float  # in log10 units
    cov: tuple[tuple[float, float], tuple[float, float]]  # covariance of (intercept, slope), se_type
    df_resid: int
    interval_df: float = math.nan  # df of the t quantile (CR2: Bell-McCaffrey; else n - 2)
    n_years: int | None = None  # release years clustered (CR2), with the Bartlett bandwidth below
    year_bandwidth: int | None = None
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

    @property
    def meta(self) -> ResultMeta:
        return meta(self.n, self.start, self.end, self.interval_kind, self.confidence)

    @property
    def interval_kind(self) -> str:
        """How the slope interval was made (from ``method``)."""
        if self.method == "analytic" and self.se_type == "CR2":
            by = [f"organization ({self.n_clusters})"] if self.n_clusters else []
            by += [f"release year ({self.n_years}; Bartlett over {self.year_bandwidth} years)"] if self.n_years else []
            return f"OLS t, CR2 errors clustered by {' and '.join(by)}, Bell-McCaffrey df {self.interval_df:.1f}"
        if self.method == "analytic":
            return f"OLS t, {self.se_type} errors"
        if self.method == "bootstrap":
            return f"bootstrap percentile, {self.n_boot} resamples of models"
        return (f"bootstrap percentile, {self.n_boot} resamples clustered by organization (widened for few "
                "clusters)")

    def to_frame(self) -> pd.DataFrame:
        """One row: :meth:`to_row`."""
        return pd.DataFrame([self.to_row()])

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
            "n_clusters": self.n_clusters, "n_years": self.n_years, "interval_df": self.interval_df,
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
        tail = f"n={self.n}, {iso_date(self.start)} to {iso_date(self.end)}"
        robust = (f"CR2 errors clustered by {self.n_clusters or 0} organizations and {self.n_years or 0} release "
                  f"years, df {self.interval_df:.1f}" if self.se_type == "CR2" else f"{self.se_type} errors")
        method = {"analytic": f"OLS on log10, {robust}", "bootstrap": f"bootstrap of models, {self.n_boot} resamples",
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
    else:  # CR2 is computed by the caller from these residuals (HC3 stands in when it cannot be)
        res = model.fit(cov_type="HC3" if cov_type == "CR2" else cov_type, use_t=True)
        if not np.all(np.isfinite(res.bse)):
            res = model.fit(cov_type="HC1", use_t=True)
            notes.append(f"{cov_type} undefined (a point has leverage 1); HC1 errors used")
            cov_type = "HC1"
    return res, xm, cov_type, notes


def _clustered(p: Prepared, xm: float, res, notes: list[str]):
    """The CR2 two-way covariance of a fit (:func:`analysis.metrics.trends.robust.trend_cov`) and its se_type; HC3
    (and a note) when neither organizations nor release years can be clustered."""
    rc = trend_cov(p.x - xm, np.asarray(res.resid, dtype=float), p.clusters, p.dates.year.to_numpy(),
                   C.TREND_YEAR_BANDWIDTH)
    if rc is None:
        notes.append("fewer than 3 organizations and too few release years to cluster: HC3 errors (models treated "
                     "as independent)")
        return "HC3", None
    if not (rc.n_org_clusters and rc.n_years):
        notes.append("clustered by " + ("organization only: the release years span less than "
                     f"{2 * C.TREND_YEAR_BANDWIDTH} years" if rc.n_org_clusters else "release year only: fewer than "
                     "3 organizations"))
    return "CR2", rc


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
    n_clusters = n_years = bandwidth = None
    idf = float(dfr)
    if se_type == "CR2":
        se_type, rc = _clustered(p, xm, res, notes)
        if rc is not None:
            cov, idf = rc.cov, rc.df
            n_clusters, n_years, bandwidth = rc.n_org_clusters or None, rc.n_years or None, rc.bandwidth or None
    if method == "analytic":
        h = float(stats.t.ppf(1 - alpha / 2, idf)) * math.sqrt(cov[1, 1])
        lo, hi = b - h, b + h
    else:
        n_boot = check_n_boot(n_boot, minimum=10)
        boot, n_failed, n_clusters = bootstrap_lines(p.x - xm, p.y, p.clusters, method, int(n_boot), int(seed))
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
        interval_df=idf,
        n_years=n_years,
        year_bandwidth=bandwidth,
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
    if cov_type not in ("CR2", "HC3", "HC1", "HC0", "HC2", "nonrobust"):
        raise UsageError(f"unknown cov_type {cov_type!r}; use CR2 (default), HC0-HC3 or nonrobust")


def fit_trend(df: pd.DataFrame, metric: str = "training_compute_flop", *, since: object = None,
              until: object = None, confidence: float = C.DEFAULT_CONFIDENCE, method: str = "analytic",
              n_boot: int = 1000, seed: int = 0, cov_type: str = "CR2", nonpositive: str = "raise",
              subset: str = "notable") -> TrendFit:
    """Fit the log-linear trend of ``metric`` on the given rows (no subsetting: pass the rows you want).

    ``subset`` is only a label stored in the result. See the module docstring for methods and data rules.
    """
    confidence = check_confidence(confidence)
    _check_method(method, cov_type)
    p = prepare(df, metric, since=since, until=until, nonpositive=nonpositive)
    return _fit_prepared(p, subset=subset, confidence=confidence, method=method, n_boot=n_boot, seed=seed,
                         cov_type=cov_type)


def subset_trend(df: pd.DataFrame, metric: str = "training_compute_flop", subset: str = "notable", *,
                 domain: str | None = None, domain_rule: str = "any", organization: str | None = None,
                 country: str | None = None, top_k: int = C.FRONTIER_TOP_K, exclude: Iterable[str] | None = None,
                 **kw) -> TrendFit:
    """Select a subset of the representative set (:func:`analysis.metrics.selection.select`) then :func:`fit_trend` it.

    The frontier is ranked on all rows before the date window is applied (``exclude`` None: without the default
    outliers, AlphaGo Master and Zero). Without ``until`` the window ends at the last release date of the
    representative set (the data's vintage: "no frontier model since" is information, too).
    """
    rows = select(df, subset, domain=domain, domain_rule=domain_rule, organization=organization, country=country,
                  top_k=top_k, exclude=exclude)
    if kw.get("until") is None and "release_date" in df.columns:
        # the window ends at the data's last release (all models of the set), not at the subset's last fitted model
        last = as_dates(universe(df)["release_date"]).max()
        since_ts = parse_date(kw.get("since"), "since")
        if not pd.isna(last) and (since_ts is None or since_ts <= last):
            kw["until"] = last
    label = describe_subset(subset, domain, top_k, domain_rule)
    for extra in (organization, country):
        if extra:
            label += f" ({extra})"
    return fit_trend(rows, metric, subset=label, **kw)


# --- tables of fits ------------------------------------------------------------------------------------------

GROUPINGS = ("domain", "access", "organization", "country", "subset")
AtlasErrorTypes = (AnalysisError, UsageError)


def _groups(df: pd.DataFrame, by: str, top_k: int, exclude: Iterable[str] | None = None
            ) -> list[tuple[str, pd.DataFrame]]:
    if by == "subset":
        return [(s, select(df, s, top_k=top_k, exclude=exclude)) for s in SUBSETS]
    if by == "access":
        return [(s, select(df, s)) for s in ("open", "closed")]
    if by not in df.columns:
        raise AnalysisError(f"models table has no column {by!r}")
    members = df[by].map(groups_of(by))
    names = sorted({p for ms in members for p in ms}, key=str.lower)
    return [(g, df[members.map(lambda ms, g=g: g in ms).astype(bool)]) for g in names]


def trend_table(df: pd.DataFrame, metric: str = "training_compute_flop", by: str = "domain", *,
                subset: str = "notable", top_k: int = C.FRONTIER_TOP_K, min_n: int = 10,
                exclude: Iterable[str] | None = None, **kw) -> pd.DataFrame:
    """One trend per group (``by`` in domain, access, organization, country, subset), tidy, ready to plot.

    Rows are the representative set (:func:`analysis.metrics.selection.select`), first restricted to ``subset``
    (frontier ranked on all rows), except for ``by="subset"``. A model belongs to every domain it lists (a
    multimodal language model is in the language and the multimodal group) and to the parent family of each of its
    organizations. Columns: the
    group (named after ``by``), ``label`` (a readable description), n, window, slope/growth/doubling with their
    ``_low``/``_high`` bounds, r2, method, note. Groups with fewer than ``min_n`` usable points (or a degenerate fit)
    are listed with ``n`` and a ``note`` instead of numbers.
    """
    if by not in GROUPINGS:
        raise UsageError(f"unknown grouping {by!r}; choose one of {', '.join(GROUPINGS)}")
    base = select(df, subset if by != "subset" else "notable", top_k=top_k, exclude=exclude)
    rows = []
    for name, part in _groups(base, by, top_k, exclude):
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
            "confidence", "method", "n_clusters", "n_years", "interval_df", "note"]
    out = pd.DataFrame(rows)
    for c in cols:
        if c not in out.columns:
            out[c] = np.nan
    return out[cols].reset_index(drop=True)



def compare_subsets(df: pd.DataFrame, metric: str = "training_compute_flop", *, top_k: int = C.FRONTIER_TOP_K,
                    min_n: int = 10, **kw) -> pd.DataFrame:
    """Trend of notable, frontier, open and closed models side by side (same window and method)."""
    return trend_table(df, metric, by="subset", top_k=top_k, min_n=min_n, **kw)
