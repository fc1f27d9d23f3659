"""The open-closed lag: how long open-weights models take to reach the levels closed models reached first, on a
benchmark or in training compute.

**Estimand.** Each group's frontier is its running best (k-th best) value over time. For every level ``s`` that
the closed frontier reached, the *lag at s* is the time from the closed frontier first reaching ``s`` to the open
frontier first reaching it (the horizontal distance between the two step lines). The lag is the median of the
lag at ``s`` over the levels, each level weighted by its width (uniformly over the range the closed frontier
climbed above both groups' first levels: below its first level a group's dates only mark where its data start),
with the levels open models have not reached yet right-censored at ``as_of`` (Kaplan-Meier). For a world where the open frontier is the closed one shifted by d months this centres on d
(tests/test_lag_coverage.py: 4.0 months for a 4-month shift at 1 model a month, and at 0.5 a month with twice
the noise). The median over *closed records* of the months until an open model matched each (the crossings, the
estimand of Epoch AI's 2024 report) is biased upwards there (4.9 and 5.7 months): a record sits at the top of a
jump of the closed frontier, which an independent open frontier needs extra time to pass. The crossings are kept
(``crossings``, with their matched median and Kaplan-Meier median) as the data behind the figure.

**Interval.** Percentile bootstrap over clusters of models — organizations (``cluster_by="organization"``, the
default: models of one developer share its strengths) or single models — resampled within each group, read at the
calibrated level of :func:`analysis.metrics.statistics.calibrated_level` with :data:`LAG_BOOT_WIDEN`. Its coverage
measured on synthetic frontiers with a known shift is :data:`MEASURED_COVERAGE` (set-ups in
tests/test_lag_coverage.py: independent models, sparse and noisy ones, organization effects, AR(1) errors over
time); every label states it.
"""

from __future__ import annotations

import heapq
from dataclasses import dataclass, field, replace

import numpy as np
import pandas as pd

from analysis.constants import (
    DAYS_PER_MONTH,
    DEFAULT_CONFIDENCE,
    LAG_DEFAULT_SETTING,
)
from analysis.errors import AnalysisError, UsageError
from analysis.metrics.openness.shares import open_weights_flags
from analysis.metrics.result import Result, ResultMeta, TableResult, meta, span
from analysis.metrics.selection import select
from analysis.metrics.statistics import calibrated_level, km_median, percentile_interval
from analysis.metrics.vocabulary import check_confidence

# The bootstrap over organizations is read at 1 - (1 - confidence) / LAG_BOOT_WIDEN (0.95 for a 90% interval).
# Chosen among 1 (the plain percentile), 2 and 3 (BOOT_WIDEN of the ECI gap) on the four set-ups of
# tests/test_lag_coverage.py (4-month shift, 4 years, twelve organizations per group), 200 synthetic data sets each
# (seeds 11-14, 150 resamples): coverage of a nominal 90% interval
#   independent (1 model a month)   0.870 / 0.940 / 0.965
#   sparse (0.5 a month, noise x2)  0.890 / 0.945 / 0.960
#   organization effects            0.850 / 0.910 / 0.925
#   AR(1) errors over releases      0.730 / 0.800 / 0.835
# 2 keeps the shifted-frontier set-ups (the first two) inside 85-95%. Re-measured on fresh data sets (seeds
# 101-104, 100 resamples; tests/test_lag_coverage.py, slow): 0.955, 0.930, 0.900 and 0.770. MEASURED_COVERAGE is
# that range, which every label states: with errors correlated over time the interval covers only about 77-80%.
MEASURED_COVERAGE = (0.77, 0.96)
LAG_BOOT_WIDEN = 2.0
CLUSTER_BY = ("organization", "model")


@dataclass(frozen=True)
class LagResult(Result):
    """Lag of open-weights models behind closed ones (months), with the frontiers and crossings behind it.

    ``median_lag_months``: the median over levels of the months open models took to reach a level the closed
    frontier reached (module docstring), censored levels counted by Kaplan-Meier; ``lag_months_ci`` its calibrated
    bootstrap interval over ``n_clusters`` clusters (``cluster_by``), ``ci_level`` nominal, ``coverage`` the range
    measured in simulation at 90%. ``share_censored_levels``: share of the levels not yet reached by open models.
    ``crossings``: one row per closed record: closed_model, closed_date, level, open_model, open_date,
    lag_months (negative if an open model already had that level), censored, censored_months (time from the
    record to ``as_of``); ``matched_median_lag_months`` and ``km_median_lag_months`` (censored records counted) are
    their medians. ``n`` = models (dated, with a value and known access) the frontiers are built from.
    """

    json_skip = frozenset({"crossings", "frontier"})

    metric: str
    benchmark: str | None
    top_k: int
    median_lag_months: float
    lag_months_ci: tuple[float, float]
    ci_level: float
    n: int
    n_censored: int
    window: tuple[pd.Timestamp, pd.Timestamp]
    as_of: pd.Timestamp
    crossings: pd.DataFrame
    frontier: pd.DataFrame
    n_open_models: int
    n_closed_models: int
    n_unknown_access: int
    n_boot: int
    seed: int
    notes: tuple[str, ...] = field(default_factory=tuple)
    n_clusters: int = 0
    km_median_lag_months: float = float("nan")
    matched_median_lag_months: float = float("nan")
    n_matched: int = 0
    share_censored_levels: float = float("nan")
    cluster_by: str = "organization"
    coverage: tuple[float, float] = MEASURED_COVERAGE
    setting: str | None = None
    date_basis: str = "release date"
    interval_method: str = "calibrated percentile bootstrap"

    @property
    def matched(self) -> pd.DataFrame:
        return self.crossings[~self.crossings["censored"]]

    @property
    def censored(self) -> pd.DataFrame:
        return self.crossings[self.crossings["censored"]]

    @property
    def interval_label(self) -> str:
        """How the interval was made and the coverage it reached, e.g. for a CLI header or a caption."""
        lo, hi = self.coverage
        level = calibrated_level(self.ci_level, LAG_BOOT_WIDEN)
        return (f"{self.interval_method} over {self.n_clusters} {self.cluster_by} clusters, {self.n_boot} resamples, "
                f"read at {level:.3f}; coverage {lo:.2f}-{hi:.2f} measured in simulation at nominal 90%")

    def json_extra(self) -> dict:
        return {"crossings": self.matched.drop(columns=["censored", "censored_months"]),
                "censored": self.censored[["closed_model", "closed_date", "level", "censored_months"]]}

    def to_frame(self) -> pd.DataFrame:
        """One summary row: what is measured, the median lag with its interval and coverage, the crossings."""
        what = f"{self.benchmark} score" if self.metric == "score" else "training compute"
        return pd.DataFrame([{"metric": what, "setting": self.setting, "date_basis": self.date_basis,
                              "median_lag_months": self.median_lag_months, "lag_low": self.lag_months_ci[0],
                              "lag_high": self.lag_months_ci[1], "confidence": self.ci_level,
                              "coverage_low": self.coverage[0], "coverage_high": self.coverage[1],
                              "share_censored_levels": self.share_censored_levels, "n": self.n,
                              "n_clusters": self.n_clusters, "n_records": len(self.crossings),
                              "n_matched": self.n_matched, "n_censored": self.n_censored,
                              "matched_median_lag_months": self.matched_median_lag_months,
                              "km_median_lag_months": self.km_median_lag_months}])

    @property
    def meta(self) -> ResultMeta:
        lo, hi = self.window
        if self.n_clusters < 2 or not np.isfinite(self.lag_months_ci[0]):
            return meta(self.n, lo, hi, "none: too few models or clusters for an interval", None)
        return meta(self.n, lo, hi, self.interval_label, self.ci_level)


# --- frontiers ------------------------------------------------------------------------------------------------

def _day_numbers(dates) -> np.ndarray:
    return pd.to_datetime(pd.Series(dates)).to_numpy().astype("datetime64[D]").astype(np.int64)


def records(day: np.ndarray, value: np.ndarray, cluster: np.ndarray, k: int = 1,
            tiebreak: np.ndarray | None = None) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Running k-th best value over clusters (each cluster counts with its best value so far), as steps.

    Returns (record days, record levels (strictly increasing), index of the row that set each record). Rows of one
    day enter together; the setter of a record is, among that day's rows at or above the new level, the one with
    the lowest value (ties: lowest ``tiebreak``, default the row order).
    """
    n = len(day)
    tb = np.arange(n) if tiebreak is None else np.asarray(tiebreak)
    if n == 0:
        return np.array([], dtype=np.int64), np.array([], dtype=float), np.array([], dtype=np.int64)
    if k == 1:
        order = np.lexsort((tb, -value, day))
        v = value[order]
        run = np.maximum.accumulate(v)
        keep = np.empty(len(run), dtype=bool)
        keep[0] = True
        keep[1:] = run[1:] > run[:-1]
        idx = order[keep]
        return day[idx], value[idx].astype(float), idx
    order = np.lexsort((tb, -value, day))
    best: dict = {}
    rd, rv, ri = [], [], []
    level = -np.inf
    i = 0
    while i < n:
        j = i
        d = day[order[i]]
        while j < n and day[order[j]] == d:
            r = order[j]
            best[cluster[r]] = max(best.get(cluster[r], -np.inf), value[r])
            j += 1
        if len(best) >= k:
            kth = heapq.nlargest(k, best.values())[-1]
            if kth > level:
                day_rows = order[i:j]
                ok = day_rows[value[day_rows] >= kth]
                setter = ok[np.lexsort((tb[ok], value[ok]))][0] if len(ok) else day_rows[0]
                rd.append(d)
                rv.append(float(kth))
                ri.append(setter)
                level = kth
        i = j
    return np.array(rd, dtype=np.int64), np.array(rv, dtype=float), np.array(ri, dtype=np.int64)


def _level_at(rec_days: np.ndarray, rec_levels: np.ndarray, day: int) -> float:
    i = np.searchsorted(rec_days, day, side="right") - 1
    return float(rec_levels[i]) if i >= 0 else -np.inf


def level_lags(c_days, c_levels, o_days, o_levels, as_of: int,
               start: int | None = None) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """The lag at every level the closed frontier reached above both groups' first levels, as bands of levels.

    Returns (widths, lags in days, censored): one entry per band (a, b] between consecutive record levels of either
    frontier, from the higher of the two groups' first levels (below its first level a group's "reach" dates are
    only the start of its data) — or, with ``start``, from the closed frontier's level on that day if higher — to
    the closed frontier's last level. Lag = day the open frontier first reached b minus day the closed one did;
    censored (lag = ``as_of`` minus the closed day) where the open frontier has not reached b.
    """
    empty = (np.array([]), np.array([]), np.array([], dtype=bool))
    if len(c_days) == 0 or len(o_days) == 0:
        return empty
    lo = max(float(c_levels[0]), float(o_levels[0]))
    if start is not None:
        lo = max(lo, _level_at(c_days, c_levels, start))
    hi = float(c_levels[-1])
    if not hi > lo:
        return empty
    inner = np.concatenate([c_levels, o_levels])
    pts = np.unique(np.concatenate([[lo, hi], inner[(inner > lo) & (inner < hi)]]))
    b = pts[1:]
    fc = c_days[np.searchsorted(c_levels, b, side="left")]
    jo = np.searchsorted(o_levels, b, side="left")
    reached = jo < len(o_levels)
    fo = o_days[np.minimum(jo, len(o_levels) - 1)]
    lag = np.where(reached, fo - fc, as_of - fc).astype(float)
    return np.diff(pts), lag, ~reached


def _median_lag(widths, lags, cens) -> float:
    """KM median over levels (months); +inf when more than half of the levels are censored; NaN without levels."""
    if len(widths) == 0:
        return float("nan")
    m = km_median(lags, cens, widths)
    return float(m) / DAYS_PER_MONTH if np.isfinite(m) else float("inf")


def frontier_curves(entries: pd.DataFrame, top_k: int = 1) -> pd.DataFrame:
    """Running best (k-th best) value of closed and open models over time, as steps.

    ``entries``: columns model_id, date, value, open_weights (bool); several rows of one model_id are that model's
    versions (it counts once, with its best so far). Returns date, group ('closed'/'open'), value, model_id — one
    row each time a group's level rises (ready to plot as a step function).
    """
    _check_entries(entries)
    entries = entries[entries["open_weights"].notna()]  # unknown access (Epoch's larger exports) is neither group
    parts = []
    for name, mask in (("closed", ~entries["open_weights"].astype(bool)), ("open", entries["open_weights"].astype(bool))):
        g = entries[mask & entries["date"].notna() & entries["value"].notna()]
        ids = g["model_id"].astype(str).to_numpy()
        days, levels, idx = records(_day_numbers(g["date"]), g["value"].to_numpy(float), ids, top_k,
                                    tiebreak=pd.factorize(ids, sort=True)[0])
        parts.append(pd.DataFrame({"date": pd.to_datetime(days.astype("datetime64[D]")), "value": levels,
                                   "model_id": ids[idx], "group": name}))
    out = pd.concat(parts, ignore_index=True)[["date", "group", "value", "model_id"]]
    return out.sort_values(["date", "group"]).reset_index(drop=True)


def _check_entries(entries: pd.DataFrame) -> None:
    missing = [c for c in ("model_id", "date", "value", "open_weights") if c not in entries.columns]
    if missing:
        raise AnalysisError(f"lag entries need column(s) {', '.join(missing)}")


# --- the lag --------------------------------------------------------------------------------------------------

class _Group:
    """One group's rows as arrays, with cluster codes for the bootstrap."""

    def __init__(self, e: pd.DataFrame, cluster_by: str, log_levels: bool = False):
        self.day = _day_numbers(e["date"])
        self.value = e["value"].to_numpy(float)
        if log_levels:  # compute: levels are orders of magnitude, so each band is weighted by its width in log10
            self.value = np.log10(self.value)
        self.ids = e["model_id"].astype(str).to_numpy()
        self.tb = pd.factorize(self.ids, sort=True)[0]
        key = self.ids
        if cluster_by == "organization" and "organization" in e.columns:
            org = e["organization"].astype("object").where(e["organization"].notna(), None).to_numpy()
            key = np.array([f"org:{o}" if o not in (None, "") else f"model:{m}" for o, m in zip(org, self.ids)])
        self.cluster, self.uniq = pd.factorize(key)
        self.n_clusters = len(self.uniq)
        order = np.lexsort((self.tb, -self.value, self.day))  # records() order, kept for the resamples
        # for the top-1 resamples only the rows that raise their own cluster's best can ever be a record: a row below
        # an earlier row of its cluster is never the maximum when that cluster is drawn
        run = pd.Series(self.value[order]).groupby(self.cluster[order]).cummax().to_numpy()
        prev = pd.Series(run).groupby(self.cluster[order]).shift(1).to_numpy()
        self.order = order[np.isnan(prev) | (run > prev)]
        self.sorted_cluster = self.cluster[self.order]
        self._curves: dict[bytes, tuple[np.ndarray, np.ndarray]] = {}  # top-1 resample curves by clusters present

    def curve(self, k: int, rows: np.ndarray | None = None, relabel: np.ndarray | None = None):
        if rows is None:
            d, v, _ = records(self.day, self.value, self.ids, k, self.tb)
            return d, v
        cl = self.ids[rows] if relabel is None else relabel
        d, v, _ = records(self.day[rows], self.value[rows], cl, k, self.tb[rows])
        return d, v

    def resample(self, rng: np.random.Generator, k: int):
        pick = rng.integers(0, self.n_clusters, self.n_clusters)
        if k == 1:  # duplicates do not change a running maximum: which clusters are present is all that matters
            present = np.zeros(self.n_clusters, dtype=bool)
            present[pick] = True
            key = present.tobytes()
            hit = self._curves.get(key)  # the same set of clusters drawn again: the same curve
            if hit is None:
                idx = self.order[present[self.sorted_cluster]]  # still in records() order: no sort needed
                run = np.maximum.accumulate(self.value[idx])
                keep = np.empty(len(run), dtype=bool)
                keep[0] = True
                keep[1:] = run[1:] > run[:-1]
                hit = self._curves[key] = (self.day[idx[keep]], self.value[idx[keep]])
            return hit
        rows, labels = [], []
        for copy, c in enumerate(pick):
            r = np.flatnonzero(self.cluster == c)
            rows.append(r)
            labels.append(np.char.add(f"{copy}:", self.ids[r].astype(str)))
        return self.curve(k, np.concatenate(rows), np.concatenate(labels))


def open_closed_lag(entries: pd.DataFrame, metric: str = "score", benchmark: str | None = None, top_k: int = 1,
                    n_boot: int = 1000, seed: int = 0,
                    as_of: pd.Timestamp | str | None = None, confidence: float = DEFAULT_CONFIDENCE,
                    cluster_by: str = "organization", levels_since: pd.Timestamp | str | None = None) -> LagResult:
    """Core lag computation on entries (model_id, date, value, open_weights; optional organization; rows with
    missing values dropped; several rows of one model_id are its versions). See the module docstring.
    ``levels_since``: only the levels the closed frontier reached from this date on (the frontiers still start
    with every entry; Epoch's windows work so); default: every level above both groups' first levels.

    Crossings: each date the closed top-``top_k`` level rises to a new value s; for each, the first date the open
    top-``top_k`` level is >= s (ties count as reached); months of 365.25/12 days. Raises AnalysisError if there
    are no closed or no open entries.
    """
    _check_entries(entries)
    if top_k < 1:
        raise UsageError(f"top_k must be at least 1, got {top_k}")
    if n_boot < 1:
        raise UsageError(f"n_boot must be at least 1, got {n_boot}")
    if cluster_by not in CLUSTER_BY:
        raise UsageError(f"cluster_by must be one of {', '.join(CLUSTER_BY)}, got {cluster_by!r}")
    ci_level = check_confidence(confidence)
    n_unknown = int(entries["open_weights"].isna().sum())
    e = entries.dropna(subset=["date", "value", "open_weights"]).copy()
    e["open_weights"] = e["open_weights"].astype(bool)
    what = f"benchmark {benchmark!r}" if benchmark else metric
    closed, opened = e[~e["open_weights"]], e[e["open_weights"]]
    if closed.empty:
        raise AnalysisError(f"no closed model with a dated value on {what}: nothing to lag behind")
    if opened.empty:
        raise AnalysisError(f"no open-weights model with a dated value on {what} "
                            f"({closed['model_id'].nunique()} closed models): the lag is undefined")
    log_levels = metric == "compute"
    if log_levels and (e["value"] <= 0).any():
        raise AnalysisError("training compute must be positive for the lag (levels are log10 FLOP)")
    grp_c, grp_o = _Group(closed, cluster_by, log_levels), _Group(opened, cluster_by, log_levels)
    (cd, cv), (od, ov) = grp_c.curve(top_k), grp_o.curve(top_k)
    if len(cd) == 0:
        raise AnalysisError(f"fewer than {top_k} closed models on {what}")
    as_of = pd.Timestamp(as_of) if as_of is not None else e["date"].max()
    as_of_day = int(_day_numbers([as_of])[0])
    start = None if levels_since is None else int(_day_numbers([pd.Timestamp(levels_since)])[0])
    widths, lags, cens = level_lags(cd, cv, od, ov, as_of_day, start)
    med = _median_lag(widths, lags, cens)
    ci = _bootstrap_ci(grp_c, grp_o, top_k, as_of_day, start, n_boot, seed, ci_level)
    n_cl = grp_c.n_clusters + grp_o.n_clusters
    front = frontier_curves(e, top_k)  # closed and opened are e's rows of each group, in e's order
    cr = _crossings(front, as_of)
    matched = cr[~cr["censored"]]
    share_cens = float(widths[cens].sum() / widths.sum()) if len(widths) else float("nan")
    notes = _notes(widths, med, share_cens, min(grp_c.n_clusters, grp_o.n_clusters), cluster_by, cr)
    km = km_median(cr["lag_months"].fillna(cr["censored_months"]).to_numpy(dtype=float),
                   cr["censored"].to_numpy(dtype=bool))
    return LagResult(
        metric=metric, benchmark=benchmark, top_k=top_k, median_lag_months=med, lag_months_ci=tuple(ci),
        ci_level=ci_level, n=int(closed["model_id"].nunique() + opened["model_id"].nunique()),
        n_censored=int(cr["censored"].sum()),
        window=(e["date"].min(), e["date"].max()), as_of=as_of, crossings=cr, frontier=front,
        n_open_models=int(opened["model_id"].nunique()), n_closed_models=int(closed["model_id"].nunique()),
        n_unknown_access=n_unknown, n_boot=n_boot, seed=seed, notes=tuple(notes), n_clusters=n_cl,
        km_median_lag_months=km, matched_median_lag_months=float(matched["lag_months"].median()) if len(matched)
        else float("nan"), n_matched=int(len(matched)), share_censored_levels=share_cens, cluster_by=cluster_by)


def _bootstrap_ci(grp_c: _Group, grp_o: _Group, top_k: int, as_of_day: int, start: int | None, n_boot: int,
                  seed: int, ci_level: float) -> tuple[float, float]:
    """Calibrated percentile interval of the median lag over ``n_boot`` resamples of clusters within each group."""
    if min(grp_c.n_clusters, grp_o.n_clusters) < 2:
        return float("nan"), float("nan")
    rng = np.random.default_rng(seed)
    boot = np.empty(n_boot)
    # resamples with few clusters repeat the same pair of frontiers often (about 4 in 5 on the hub's benchmarks): the
    # median lag is a function of the two curves alone, so each distinct pair is computed once (same numbers)
    seen: dict[tuple[bytes, bytes, bytes, bytes], float] = {}
    for b in range(n_boot):
        bcd, bcv = grp_c.resample(rng, top_k)
        bod, bov = grp_o.resample(rng, top_k)
        if not len(bcd):
            boot[b] = np.nan
            continue
        key = (bcd.tobytes(), bcv.tobytes(), bod.tobytes(), bov.tobytes())
        med = seen.get(key)
        if med is None:
            med = seen[key] = _median_lag(*level_lags(bcd, bcv, bod, bov, as_of_day, start))
        boot[b] = med
    return percentile_interval(boot, ci_level, LAG_BOOT_WIDEN)


def _notes(widths, med: float, share_cens: float, min_clusters: int, cluster_by: str, cr: pd.DataFrame) -> list[str]:
    notes = []
    if len(widths) == 0:
        notes.append("the closed frontier never rose above both groups' first levels: no level to measure a lag at")
    elif np.isinf(med):
        notes.append(f"open models have not reached {share_cens:.0%} of the levels the closed frontier reached: the "
                     "median lag exceeds the time those levels have been waiting (no estimate)")
    if min_clusters < 2:
        notes.append(f"fewer than 2 {cluster_by} clusters in a group: no interval")
    elif min_clusters < 5:
        notes.append(f"only {min_clusters} {cluster_by} clusters in a group: the bootstrap interval is rough")
    n_cens = int(cr["censored"].sum())
    if n_cens:
        notes.append(f"{n_cens} of {len(cr)} closed records not yet matched by an open model (censored); the "
                     f"median lag counts the {share_cens:.0%} of levels not yet reached as censored")
    neg = int((cr.loc[~cr["censored"], "lag_months"] < 0).sum())
    if neg:
        notes.append(f"{neg} crossing(s) with negative lag: an open model had already reached that level before "
                     "the closed record")
    return notes


def _crossings(curves: pd.DataFrame, as_of: pd.Timestamp) -> pd.DataFrame:
    """One row per closed record of ``curves`` (:func:`frontier_curves`) with the first open record at or above its
    level (or censored)."""
    c_curve, o_curve = curves[curves["group"] == "closed"], curves[curves["group"] == "open"]
    o_vals = o_curve["value"].to_numpy()
    rows = []
    for rec in c_curve.itertuples(index=False):
        hit = np.nonzero(o_vals >= rec.value)[0]
        if len(hit):
            o = o_curve.iloc[hit[0]]
            rows.append({"closed_model": rec.model_id, "closed_date": rec.date, "level": rec.value,
                         "open_model": o["model_id"], "open_date": o["date"],
                         "lag_months": (o["date"] - rec.date).days / DAYS_PER_MONTH, "censored": False,
                         "censored_months": np.nan})
        else:
            rows.append({"closed_model": rec.model_id, "closed_date": rec.date, "level": rec.value,
                         "open_model": None, "open_date": pd.NaT, "lag_months": np.nan, "censored": True,
                         "censored_months": max((as_of - rec.date).days, 0) / DAYS_PER_MONTH})
    return pd.DataFrame(rows, columns=["closed_model", "closed_date", "level", "open_model", "open_date",
                                       "lag_months", "censored", "censored_months"])


def in_window(df: pd.DataFrame, since, until) -> pd.DataFrame:
    if since is not None:
        df = df[df["date"] >= pd.Timestamp(since)]
    if until is not None:
        df = df[df["date"] <= pd.Timestamp(until)]
    return df


def default_setting(benchmarks: pd.DataFrame, benchmark: str) -> str | None:
    """The evaluation setting a lag on ``benchmark`` uses unless told otherwise.

    :data:`analysis.constants.LAG_DEFAULT_SETTING` where listed (MMLU 5-shot, GPQA Diamond 0-shot); else the
    benchmark's only setting; else its most common setting (ties: alphabetical). None when there is no setting
    column.
    """
    if benchmark in LAG_DEFAULT_SETTING:
        return LAG_DEFAULT_SETTING[benchmark]
    if "setting" not in benchmarks.columns:
        return None
    s = benchmarks.loc[benchmarks["benchmark"] == benchmark, "setting"].dropna().astype(str)
    if s.empty:
        return None
    counts = s.value_counts()
    return sorted(counts[counts == counts.max()].index)[0]


def benchmark_entries(benchmarks: pd.DataFrame, models: pd.DataFrame, benchmark: str = "mmlu",
                      setting: str | None = None, openness: pd.DataFrame | None = None,
                      date_by: str = "release") -> TableResult:
    """Best score per model on a benchmark in one evaluation setting, joined to models for the open-weights status.

    ``setting``: None = the benchmark's default (:func:`default_setting`); ``"any"`` = each model's best score
    across settings (mixes protocols: only by request). Dates (``date_by="release"``, the default): the model's
    release date, when the capability became available (Epoch AI's open-models report dates scores so);
    ``date_by="evaluation"``: the score's own ``date`` in the benchmarks table (when it was published, up to 2.6
    years after the release for GPQA Diamond rows) where known, else the release date. Returns a :class:`~analysis.metrics.result.TableResult`: table columns model_id, name,
    organization, date, date_basis ('evaluation' or 'release'), value (score), setting, open_weights; settings
    n_not_in_models, n_no_date, setting (the one used), n_evaluation_dates; meta n = dated models, window = their
    first and last date, no interval.
    """
    for c in ("model_id", "benchmark", "score"):
        if c not in benchmarks.columns:
            raise AnalysisError(f"the benchmarks table needs a {c} column")
    if date_by not in ("evaluation", "release"):
        raise UsageError(f"date_by must be 'evaluation' or 'release', got {date_by!r}")
    b = benchmarks[benchmarks["benchmark"] == benchmark]
    if setting is None:
        setting = default_setting(benchmarks, benchmark)
    if setting is not None and setting != "any":
        if "setting" not in b.columns:
            raise AnalysisError("the benchmarks table has no setting column")
        b = b[b["setting"] == setting]
    if b.empty:
        known = sorted(benchmarks["benchmark"].dropna().unique())
        hint = f"; available: {', '.join(known[:12])}" if known else " (the benchmarks table is empty)"
        if setting not in (None, "any") and len(benchmarks[benchmarks["benchmark"] == benchmark]):
            have = sorted(benchmarks.loc[benchmarks["benchmark"] == benchmark, "setting"].dropna().unique())
            hint = f"; settings available: {', '.join(have)} (or 'any')"
        raise AnalysisError(f"no scores for benchmark {benchmark!r}" + (f" in setting {setting!r}" if setting else "")
                            + hint)
    b = b.assign(_eval_date=pd.to_datetime(b["date"], errors="coerce") if "date" in b.columns else pd.NaT)
    b = b.sort_values(["model_id", "score", "_eval_date"], ascending=[True, False, True])
    best = b.drop_duplicates("model_id")[["model_id", "score", "_eval_date"] + (["setting"] if "setting" in b.columns
                                                                                 else [])]
    best = best.rename(columns={"score": "value"})
    if "setting" not in best.columns:
        best["setting"] = None
    flags = open_weights_flags(models)
    known = pd.DataFrame({"model_id": models["id"], "release_date": models["release_date"],
                          "name": models.get("name"), "organization": models.get("organization"),
                          "open_weights": flags["open_weights"]}).drop_duplicates("model_id")
    e = best.merge(known, on="model_id", how="inner")
    n_not = len(best) - len(e)
    use_eval = (date_by == "evaluation") & e["_eval_date"].notna()
    e["date"] = e["_eval_date"].where(use_eval, e["release_date"])
    e["date_basis"] = np.where(use_eval, "evaluation", "release")
    n_no_date = int(e["date"].isna().sum())
    e = e[e["date"].notna()].reset_index(drop=True)
    settings = {"n_not_in_models": int(n_not), "n_no_date": n_no_date, "setting": setting,
                "n_evaluation_dates": int((e["date_basis"] == "evaluation").sum())}
    out = e[["model_id", "name", "organization", "date", "date_basis", "value", "setting", "open_weights"]]
    info = meta(len(out), *span(out["date"]), "none: each model's best score", None)
    return TableResult(table=out, info=info, settings=settings)


def capability_lag(benchmarks: pd.DataFrame, models: pd.DataFrame, benchmark: str = "mmlu",
                   setting: str | None = None, openness: pd.DataFrame | None = None, top_k: int = 1,
                   since=None, until=None, n_boot: int = 1000, seed: int = 0,
                   confidence: float = DEFAULT_CONFIDENCE,
                   date_by: str = "release", cluster_by: str = "organization") -> LagResult:
    """Open-vs-closed lag on a benchmark (module docstring): months for the open frontier to reach the scores the
    closed frontier reached.

    One evaluation setting (default per benchmark, see :func:`benchmark_entries`), stated in the result
    (``setting``, ``date_basis``).
    """
    entries = benchmark_entries(benchmarks, models, benchmark, setting, openness, date_by)
    e, used = entries.table, entries.settings["setting"]
    n_eval = int((e["date_basis"] == "evaluation").sum())
    e = in_window(e, since, until)
    if e.empty:
        raise AnalysisError(f"no dated scores on {benchmark!r} in the requested window")
    res = open_closed_lag(e, metric="score", benchmark=benchmark, top_k=top_k, n_boot=n_boot, seed=seed,
                          confidence=confidence, as_of=until, cluster_by=cluster_by)
    basis = ("evaluation date where known, release date otherwise" if date_by == "evaluation" else "release date")
    notes = res.notes + ((f"{n_eval} of {n_eval + int((e['date_basis'] == 'release').sum())} scores dated by "
                          f"evaluation date" if date_by == "evaluation" else "scores dated by model release"),)
    if used == "any":
        notes += ("setting 'any': each model's best score across evaluation settings (mixes protocols)",)
    return replace(res, setting=used, date_basis=basis, notes=notes)


def compute_lag(models: pd.DataFrame, openness: pd.DataFrame | None = None, top_k: int = 1,
                domain: str | None = None, since=None, until=None, n_boot: int = 1000, seed: int = 0,
                confidence: float = DEFAULT_CONFIDENCE,
                cluster_by: str = "organization", domain_rule: str = "any") -> LagResult:
    """Open-vs-closed lag in training compute (module docstring; levels in log10 FLOP): months for the open top-k
    to reach the levels the closed top-k reached.

    On the representative set (:func:`analysis.metrics.selection.select`: no overlay additions, one row per model).
    Closed = api, hosted or unreleased (Epoch AI's definition); ``domain`` restricts to models with that domain
    (e.g. ``language``: multimodal language models included; ``domain_rule="only"``: that domain alone).
    """
    for c in ("id", "release_date", "training_compute_flop"):
        if c not in models.columns:
            raise AnalysisError(f"compute_lag needs a {c} column in the models table")
    m = select(models, domain=domain, domain_rule=domain_rule)
    flags = open_weights_flags(m)
    e = pd.DataFrame({"model_id": m["id"], "date": m["release_date"], "value": m["training_compute_flop"],
                      "organization": m.get("organization"), "open_weights": flags["open_weights"]})
    e = in_window(e[e["value"].notna() & e["date"].notna()], since, until)
    if e.empty:
        raise AnalysisError("no models with both a release date and training compute in the requested window")
    return open_closed_lag(e, metric="compute", benchmark=None, top_k=top_k, n_boot=n_boot, seed=seed,
                           confidence=confidence, as_of=until, cluster_by=cluster_by)
