"""The open-closed lag: how long open-weights models take to match the closed frontier on a benchmark or in
compute, with an order-statistics interval over open models and a Kaplan-Meier median for censored records.
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
from analysis.metrics.selection import check_confidence, select

# --- open vs closed lag ---------------------------------------------------------------------------------------

@dataclass(frozen=True)
class LagResult(Result):
    """Lag of open-weights models behind closed ones (months), with the crossings it is computed from.

    ``crossings``: one row per closed record (each time the closed top-k level rises): closed_model, closed_date,
    level, open_model, open_date, lag_months (negative if an open model already had that level), censored (no
    open model has reached the level by ``as_of``), censored_months (time from the record to ``as_of``).
    Crossings that one open model made are not independent (one release can match several closed records), so
    the open model is the unit: ``median_lag_months`` is the median over open models of each one's median lag,
    and ``lag_months_ci`` is a distribution-free order-statistic interval for that median (Hettmansperger &
    Sheather 1986 interpolation between order statistics; ``ci_level``), over ``n_clusters`` open models. With
    fewer than 5 open models no 90% order-statistic interval exists: the interval is the min-max range and a
    note gives its actual coverage. ``km_median_lag_months`` is the Kaplan-Meier median over all crossings, with
    censored records counted as lags longer than their time so far (NaN when more than half are censored).
    ``n`` = matched crossings.
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
    setting: str | None = None
    date_basis: str = "release date"
    interval_method: str = "order statistics over open models (Hettmansperger-Sheather)"

    @property
    def matched(self) -> pd.DataFrame:
        return self.crossings[~self.crossings["censored"]]

    @property
    def censored(self) -> pd.DataFrame:
        return self.crossings[self.crossings["censored"]]

    def json_extra(self) -> dict:
        return {"crossings": self.matched.drop(columns=["censored", "censored_months"]),
                "censored": self.censored[["closed_model", "closed_date", "level", "censored_months"]]}

    def to_frame(self) -> pd.DataFrame:
        """One summary row: what is measured, the median lag with its interval, n, open models, censored records."""
        what = f"{self.benchmark} score" if self.metric == "score" else "training compute"
        return pd.DataFrame([{"metric": what, "setting": self.setting, "median_lag_months": self.median_lag_months,
                              "lag_low": self.lag_months_ci[0], "lag_high": self.lag_months_ci[1], "n": self.n,
                              "n_open_models": self.n_clusters, "n_censored": self.n_censored,
                              "km_median_lag_months": self.km_median_lag_months, "confidence": self.ci_level}])

    @property
    def meta(self) -> ResultMeta:
        """The interval as it holds: with too few open models for an order-statistic interval at ``ci_level`` it is
        their min-max range, whose coverage 1 - 2^(1-k) for k models is the confidence stated; none below two."""
        k, (lo, hi) = self.n_clusters, self.window
        if k < 2 or self.n == 0:
            return meta(self.n, lo, hi, f"none: {k} open model(s) made the crossings, no interval", None)
        minmax = 1 - 2 * 0.5 ** k
        if minmax < self.ci_level:
            return meta(self.n, lo, hi, f"min-max range of the median lags of {k} open models (too few for an "
                        f"order-statistic interval at {self.ci_level:.0%})", minmax)
        return meta(self.n, lo, hi, f"{self.interval_method}, {k} open models", self.ci_level)


def _topk_curve(e: pd.DataFrame, k: int) -> pd.DataFrame:
    """Running k-th largest value by date: columns date, value, model_id (model that set the level). Steps only."""
    s = e.sort_values(["date", "model_id"])
    values = s["value"].to_numpy()
    if values.dtype.kind != "f" or np.isnan(values).any():
        return _topk_curve_sorting(e, k)
    rows = []
    level = -np.inf
    # groups of the sorted frame by date, in groupby's order (rows within a group keep the sorted frame's order)
    gb = s.groupby("date", sort=True)
    codes = gb.ngroup().to_numpy()
    keys = gb.size().index
    by_code = np.argsort(codes, kind="stable")
    by_code = by_code[codes[by_code] >= 0]  # groupby drops missing dates
    bounds = np.searchsorted(codes[by_code], np.arange(len(keys) + 1), side="left")
    top: list[float] = []  # min-heap of the k largest values so far: top[0] is the k-th largest
    n_seen = 0
    for g, date in enumerate(keys):
        idx = by_code[bounds[g]:bounds[g + 1]]
        for x in values[idx].tolist():
            if len(top) < k:
                heapq.heappush(top, x)
            elif x > top[0]:
                heapq.heapreplace(top, x)
        n_seen += len(idx)
        if n_seen < k:
            continue
        kth = top[0]
        if kth > level:
            grp = s.iloc[idx]
            setter = grp[grp["value"] >= kth].sort_values(["value", "model_id"], ascending=[True, True])
            mid = setter["model_id"].iloc[0] if len(setter) else grp.sort_values("value")["model_id"].iloc[-1]
            rows.append({"date": date, "value": float(kth), "model_id": mid})
            level = kth
    return pd.DataFrame(rows, columns=["date", "value", "model_id"])


def _topk_curve_sorting(e: pd.DataFrame, k: int) -> pd.DataFrame:
    """Reference implementation of :func:`_topk_curve` (re-sorts all values at each date); used for non-float or
    missing values, whose ordering the heap would not reproduce."""
    vals: list[float] = []
    rows = []
    level = -np.inf
    for date, grp in e.sort_values(["date", "model_id"]).groupby("date", sort=True):
        vals.extend(grp["value"].tolist())
        if len(vals) < k:
            continue
        kth = sorted(vals, reverse=True)[k - 1]
        if kth > level:
            setter = grp[grp["value"] >= kth].sort_values(["value", "model_id"], ascending=[True, True])
            mid = setter["model_id"].iloc[0] if len(setter) else grp.sort_values("value")["model_id"].iloc[-1]
            rows.append({"date": date, "value": float(kth), "model_id": mid})
            level = kth
    return pd.DataFrame(rows, columns=["date", "value", "model_id"])


def frontier_curves(entries: pd.DataFrame, top_k: int = 1) -> pd.DataFrame:
    """Running best (k-th best) value of closed and open models over time, as steps.

    ``entries``: columns model_id, date, value, open_weights (bool). Returns date, group ('closed'/'open'),
    value, model_id — one row each time a group's level rises (ready to plot as a step function).
    """
    _check_entries(entries)
    entries = entries[entries["open_weights"].notna()]  # unknown access (Epoch's larger exports) is neither group
    parts = []
    for name, mask in (("closed", ~entries["open_weights"].astype(bool)), ("open", entries["open_weights"].astype(bool))):
        c = _topk_curve(entries[mask], top_k)
        parts.append(c.assign(group=name))
    out = pd.concat(parts, ignore_index=True)[["date", "group", "value", "model_id"]]
    return out.sort_values(["date", "group"]).reset_index(drop=True)


def _check_entries(entries: pd.DataFrame) -> None:
    missing = [c for c in ("model_id", "date", "value", "open_weights") if c not in entries.columns]
    if missing:
        raise AnalysisError(f"lag entries need column(s) {', '.join(missing)}")


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


def km_median(times: np.ndarray, censored: np.ndarray) -> float:
    """Kaplan-Meier median of right-censored times: the first time the survival curve reaches 1/2 (NaN if never)."""
    t = np.asarray(times, dtype=float)
    c = np.asarray(censored, dtype=bool)
    ok = np.isfinite(t)
    t, c = t[ok], c[ok]
    if len(t) == 0:
        return float("nan")
    s = 1.0
    for u in np.unique(t[~c]):
        at_risk = np.sum(t >= u)
        events = np.sum((t == u) & ~c)
        s *= 1 - events / at_risk
        if s <= 0.5 + 1e-12:
            return float(u)
    return float("nan")


def open_closed_lag(entries: pd.DataFrame, metric: str = "score", benchmark: str | None = None, top_k: int = 1,
                    n_boot: int = 2000, seed: int = 0, ci_level: float | None = None,
                    as_of: pd.Timestamp | str | None = None, confidence: float = DEFAULT_CONFIDENCE) -> LagResult:
    """Core lag computation on entries (model_id, date, value, open_weights; rows with missing values dropped).

    Records: each date the closed top-``top_k`` level rises to a new value s. For each, the first date the open
    top-``top_k`` level is >= s (ties count as reached). Lag = that date minus the record date, in months of
    365.25/12 days. Raises AnalysisError if there are no closed or no open entries.
    """
    _check_entries(entries)
    if top_k < 1:
        raise UsageError(f"top_k must be at least 1, got {top_k}")
    if n_boot < 1:
        raise UsageError(f"n_boot must be at least 1, got {n_boot}")
    ci_level = check_confidence(confidence if ci_level is None else ci_level)
    n_unknown = int(entries["open_weights"].isna().sum())
    e = entries.dropna(subset=["date", "value", "open_weights"]).copy()
    e["open_weights"] = e["open_weights"].astype(bool)
    what = f"benchmark {benchmark!r}" if benchmark else metric
    closed, opened = e[~e["open_weights"]], e[e["open_weights"]]
    if closed.empty:
        raise AnalysisError(f"no closed model with a dated value on {what}: nothing to lag behind")
    if opened.empty:
        raise AnalysisError(f"no open-weights model with a dated value on {what} "
                            f"({len(closed)} closed models): the lag is undefined")
    c_curve, o_curve = _topk_curve(closed, top_k), _topk_curve(opened, top_k)
    if c_curve.empty:
        raise AnalysisError(f"fewer than {top_k} closed models on {what}")
    as_of = pd.Timestamp(as_of) if as_of is not None else e["date"].max()
    rows = []
    o_vals = o_curve["value"].to_numpy()
    for _, rec in c_curve.iterrows():
        hit = np.nonzero(o_vals >= rec["value"])[0]
        if len(hit):
            o = o_curve.iloc[hit[0]]
            rows.append({"closed_model": rec["model_id"], "closed_date": rec["date"], "level": rec["value"],
                         "open_model": o["model_id"], "open_date": o["date"],
                         "lag_months": (o["date"] - rec["date"]).days / DAYS_PER_MONTH, "censored": False,
                         "censored_months": np.nan})
        else:
            rows.append({"closed_model": rec["model_id"], "closed_date": rec["date"], "level": rec["value"],
                         "open_model": None, "open_date": pd.NaT, "lag_months": np.nan, "censored": True,
                         "censored_months": max((as_of - rec["date"]).days, 0) / DAYS_PER_MONTH})
    cr = pd.DataFrame(rows)
    matched = cr[~cr["censored"]]
    lags = matched["lag_months"].to_numpy(dtype=float)
    notes = []
    cluster_medians = matched.groupby("open_model")["lag_months"].median().to_numpy(dtype=float)
    km = km_median(cr["lag_months"].fillna(cr["censored_months"]).to_numpy(dtype=float),
                   cr["censored"].to_numpy(dtype=bool))
    if len(lags) == 0:
        med, ci = float("nan"), (float("nan"), float("nan"))
        notes.append("no closed record has been matched by an open model yet: the lag exceeds the censored times")
    else:
        med = float(np.median(cluster_medians))
        ci, cover = median_interval(cluster_medians, ci_level)
        if len(cluster_medians) < 2:
            notes.append("only one open model made the crossings: no interval")
        elif cover < ci_level:
            notes.append(f"only {len(cluster_medians)} open models: the interval is their min-max range, which "
                         f"covers the median with probability {cover:.0%}, less than {ci_level:.0%}")
    n_cens = int(cr["censored"].sum())
    if n_cens:
        notes.append(f"{n_cens} closed record(s) not yet matched by an open model (censored): their lags exceed "
                     "their time so far; the Kaplan-Meier median (km_median_lag_months) counts them so")
    if (lags < 0).any():
        notes.append(f"{int((lags < 0).sum())} crossing(s) with negative lag: an open model had already reached "
                     "that level before the closed record")
    return LagResult(
        metric=metric, benchmark=benchmark, top_k=top_k, median_lag_months=med, lag_months_ci=ci,
        ci_level=ci_level, n=int(len(lags)), n_censored=n_cens, window=(e["date"].min(), e["date"].max()),
        as_of=as_of, crossings=cr, frontier=frontier_curves(e, top_k), n_open_models=int(len(opened)),
        n_closed_models=int(len(closed)), n_unknown_access=n_unknown, n_boot=n_boot, seed=seed, notes=tuple(notes),
        n_clusters=int(len(cluster_medians)), km_median_lag_months=km,
    )


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
                      date_by: str = "evaluation") -> TableResult:
    """Best score per model on a benchmark in one evaluation setting, joined to models for the open-weights status.

    ``setting``: None = the benchmark's default (:func:`default_setting`); ``"any"`` = each model's best score
    across settings (mixes protocols: only by request). Dates (``date_by="evaluation"``, the default): the score's
    own ``date`` in the benchmarks table where known, else the model's release date; ``date_by="release"``: the
    release date. Returns a :class:`~analysis.metrics.result.TableResult`: table columns model_id, name,
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
                   since=None, until=None, n_boot: int = 2000, seed: int = 0,
                   ci_level: float | None = None, confidence: float = DEFAULT_CONFIDENCE,
                   date_by: str = "evaluation") -> LagResult:
    """Open-vs-closed lag on a benchmark: months for the best open model to reach each new closed best score.

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
                          ci_level=ci_level, confidence=confidence, as_of=until)
    basis = ("evaluation date where known, release date otherwise" if date_by == "evaluation" else "release date")
    notes = res.notes + ((f"{n_eval} of {n_eval + int((e['date_basis'] == 'release').sum())} scores dated by "
                          f"evaluation date" if date_by == "evaluation" else "scores dated by model release"),)
    if used == "any":
        notes += ("setting 'any': each model's best score across evaluation settings (mixes protocols)",)
    return replace(res, setting=used, date_basis=basis, notes=notes)


def compute_lag(models: pd.DataFrame, openness: pd.DataFrame | None = None, top_k: int = 1,
                domain: str | None = None, since=None, until=None, n_boot: int = 2000, seed: int = 0,
                ci_level: float | None = None, confidence: float = DEFAULT_CONFIDENCE,
                domain_rule: str = "any") -> LagResult:
    """Open-vs-closed lag in training compute: months for the open top-k to reach each new closed top-k level.

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
                      "open_weights": flags["open_weights"]})
    e = in_window(e[e["value"].notna() & e["date"].notna()], since, until)
    if e.empty:
        raise AnalysisError("no models with both a release date and training compute in the requested window")
    return open_closed_lag(e, metric="compute", benchmark=None, top_k=top_k, n_boot=n_boot, seed=seed,
                           ci_level=ci_level, confidence=confidence, as_of=until)
