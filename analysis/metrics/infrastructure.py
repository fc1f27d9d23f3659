"""The race for compute: accelerators, cluster size, training duration, power draw, cost, and where they lead.

Three inputs, each a DataFrame:

* the **hardware table** (:func:`hardware_table`, in :mod:`analysis.metrics.accelerators` and re-exported here): Epoch AI's ML-hardware snapshot mapped to typed columns with units
  in their names (release date and price, dense peak FLOP/s per precision, TDP), plus derived price-performance
  (FLOP/s per 2023 USD, deflated with the BLS CPI-U) and energy efficiency (FLOP/s per watt);
* the **models table** (whatever :func:`analysis.data.dataset.load` returns): ``hardware_count``, ``training_time_hours``,
  ``training_power_draw_w``, ``training_cost_2023_usd``, ``training_compute_flop``, ``training_hardware``;
* our curated ``hardware`` table (``data/hardware.csv``), whose ids the models' ``training_hardware`` refers to.

Every growth rate is a log-linear fit (:func:`analysis.metrics.trends.fit_trend`: OLS on log10 against the release date,
CR2 errors clustered by organization and release year, Student-t interval) with its n and window. Results are frozen dataclasses or tidy
DataFrames; nothing prints.

Decomposition (:func:`decompose_compute_growth`): on runs where compute, chip count, training hours and the chip's
dense peak are all known, ``compute = chips x hours x 3600 x peak x utilization`` defines the *implied*
utilization. Because OLS is linear in the response and the four parts are fitted on the same rows and dates,
their slopes (OOM/year) add up exactly to the slope of compute. Shares of the total get a paired bootstrap
interval (runs resampled together; expanded percentile, Hesterberg 2015), whose coverage is checked by
simulation in the tests (0.88-0.89 for a nominal 0.90 with 40 runs).
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

import numpy as np
import pandas as pd
from scipy import stats

from analysis import constants as C
from analysis.errors import AnalysisError, UsageError
from analysis.metrics import trends

# Accelerators live in analysis.metrics.accelerators; re-exported here so callers need one import.
from analysis.metrics.accelerators import (  # noqa: F401  (re-exported: callers need one import)
    DEFAULT_HARDWARE_METRICS,
    EPOCH_NAME_FOR_ID,
    HARDWARE_COLUMNS,
    HARDWARE_GROUPS,
    HARDWARE_METRICS,
    PRECISIONS,
    HardwareCatalog,
    HardwareSpec,
    cpi,
    hardware_metric_column,
    hardware_table,
    hardware_trend,
    hardware_trend_table,
    select_hardware,
    to_base_usd,
    type_group,
)
from analysis.metrics.frontier import as_dates, as_numbers
from analysis.metrics.result import Result, ResultMeta, meta
from analysis.metrics.selection import select

# Model-side run metrics (trend CLI names live in analysis.metrics.trends.METRICS).
RUN_METRICS = {
    "hardware_count": ("Cluster size", "accelerators"),
    "training_time_hours": ("Training duration", "hours"),
    "training_power_draw_w": ("Training power draw", "W"),
    "training_cost_2023_usd": ("Training cost", "2023 USD"),
    "training_compute_flop": ("Training compute", "FLOP"),
}


def _register_labels() -> None:
    """Let analysis.metrics.trends fit our columns (it accepts its metric names or known columns) with readable labels."""
    for col, (label, _unit) in RUN_METRICS.items():
        trends.COLUMN_LABELS.setdefault(col, label)
    for col, label in DECOMPOSITION_PARTS.items():
        trends.COLUMN_LABELS.setdefault(col, label)


# --- training runs ---------------------------------------------------------------------------------------------


def run_trend(models: pd.DataFrame, column: str, subset: str = "notable", *, since: object = None,
              until: object = None, top_k: int = C.FRONTIER_TOP_K, confidence: float = C.DEFAULT_CONFIDENCE,
              exclude=(), method: str = "analytic", n_boot: int = 1000, seed: int = 0) -> trends.TrendFit:
    """Growth of one run quantity (cluster size, hours, power, cost, compute) for a subset of models."""
    if column not in RUN_METRICS:
        raise UsageError(f"unknown run column {column!r}; choose one of {', '.join(RUN_METRICS)}")
    if column not in models.columns:
        raise AnalysisError(f"models table has no column {column!r}")
    return trends.subset_trend(models, column, subset, top_k=top_k, exclude=exclude, since=since, until=until,
                               confidence=confidence, method=method, n_boot=n_boot, seed=seed)


def run_trend_table(models: pd.DataFrame, subsets=("notable", "frontier"), columns=None, *, since: object = None,
                    until: object = None, top_k: int = C.FRONTIER_TOP_K,
                    confidence: float = C.DEFAULT_CONFIDENCE) -> pd.DataFrame:
    """One row per (quantity, subset): growth per year with CI, doubling months, n, window; skipped when too few."""
    rows = []
    for col in (columns or [c for c in RUN_METRICS if c != "training_compute_flop"]):
        for subset in subsets:
            try:
                fit = run_trend(models, col, subset, since=since, until=until, top_k=top_k, confidence=confidence)
            except AnalysisError as exc:
                rows.append({"quantity": RUN_METRICS[col][0], "column": col, "subset": subset, "n": 0,
                             "note": str(exc)})
                continue
            r = fit.to_row()
            r.update({"quantity": RUN_METRICS[col][0], "column": col, "subset": subset, "unit": RUN_METRICS[col][1],
                      "note": "; ".join(fit.notes)})
            rows.append(r)
    cols = ["quantity", "subset", "unit", "n", "start", "end", "growth_per_year", "growth_low", "growth_high",
            "doubling_months", "doubling_low", "doubling_high", "slope_oom_per_year", "slope_low", "slope_high",
            "r2", "confidence", "column", "note"]
    return pd.DataFrame(rows).reindex(columns=cols)


@dataclass(frozen=True)
class RunData:
    """The models table the run analyses use, and where it came from."""

    models: pd.DataFrame
    label: str
    fallback: bool  # True: the given table lacked run data, so Epoch's pinned notable-models snapshot is used
    reason: str
    sha256: str | None = None
    vintage: str = ""


def run_data(models: pd.DataFrame, label: str, *, fallback=None, min_rows: int = 20) -> RunData:
    """``models`` if it has at least ``min_rows`` runs with power draw and with cost; else ``fallback``, the
    representative set these columns come from (Epoch AI's pinned notable-models snapshot as the data layer reads
    it: ``analysis.data.sources.notable_models()``, with ``models``, ``label``, ``sha256`` and ``vintage``; or a
    function returning it, called only when needed), with the reason recorded in :attr:`RunData.reason` and in
    :func:`provenance_table`.

    Without a fallback, a table lacking run data is an AnalysisError naming what is missing (never a silent switch
    of dataset). Our curated table leaves Epoch's run columns empty; the default table (Epoch's notable set plus
    our overlay) has them, so no fallback happens."""
    have = {c: int(as_numbers(models[c], c).notna().sum()) if c in models.columns else 0
            for c in ("training_power_draw_w", "training_cost_2023_usd")}
    if min(have.values()) >= min_rows:
        return RunData(models, label, False, "")
    reason = (f"{label} has {have['training_power_draw_w']} runs with power draw and "
              f"{have['training_cost_2023_usd']} with cost (fewer than {min_rows})")
    if fallback is None:
        raise AnalysisError(f"{reason}; pass a fallback table with run data (e.g. Epoch AI's notable models)")
    if callable(fallback):
        fallback = fallback()
    return RunData(fallback.models, fallback.label, True, reason, fallback.sha256, fallback.vintage)


def provenance_table(hw: pd.DataFrame, runs: RunData, models_label: str, hardware_source) -> pd.DataFrame:
    """Which data each part of the analysis used: source, vintage, rows, sha256. ``hardware_source`` is the
    ML-hardware snapshot as the data layer read it (``analysis.data.sources.ml_hardware()``: ``credit``,
    ``vintage``, ``sha256``)."""
    return pd.DataFrame([
        {"part": "accelerators", "source": hardware_source.credit, "vintage": hardware_source.vintage,
         "rows": len(hw), "sha256": hardware_source.sha256, "note": ""},
        {"part": "training runs", "source": runs.label, "vintage": runs.vintage,
         "rows": len(select(runs.models)), "sha256": runs.sha256 or "",  # the models used: one row per model
         "note": runs.reason},
        {"part": "hardware ids (peaks, TDP)", "source": "Frontier Atlas data/hardware.csv", "vintage": "",
         "rows": None, "sha256": "", "note": f"models table: {models_label}"},
    ])


# --- decomposition of compute growth ---------------------------------------------------------------------------

DECOMPOSITION_PARTS = {
    "hardware_count": "Cluster size (chips)",
    "training_time_hours": "Training duration",
    "peak_flop_per_s": "Per-chip peak FLOP/s",
    "implied_utilization": "Utilization (implied)",
}


def run_factors(models: pd.DataFrame, catalog: HardwareCatalog) -> pd.DataFrame:
    """Runs with compute, chip count, hours and a known peak: the four factors and the implied utilization.

    ``implied_utilization = compute / (chips x hours x 3600 x peak)``; values outside 0.01-1 (compute, chip count,
    hours or peak inconsistent) are flagged in ``implausible``. Fine-tunes (a ``base_model`` is named) are left out:
    their compute includes the base model's while their hours do not.
    """
    need = ("release_date", "training_compute_flop", "hardware_count", "training_time_hours", "training_hardware")
    for c in need:
        if c not in models.columns:
            raise AnalysisError(f"models table has no column {c!r}")
    df = models.copy()
    df["release_date"] = as_dates(df["release_date"])
    for c in ("training_compute_flop", "hardware_count", "training_time_hours"):
        df[c] = as_numbers(df[c], c)
    specs = {k: catalog.spec(k) for k in df["training_hardware"].dropna().unique()}
    df["peak_flop_per_s"] = df["training_hardware"].map(lambda k: getattr(specs.get(k), "peak_flop_per_s", None))
    df["peak_precision"] = df["training_hardware"].map(lambda k: getattr(specs.get(k), "peak_precision", None))
    df["peak_flop_per_s"] = pd.to_numeric(df["peak_flop_per_s"], errors="coerce")
    ok = df["release_date"].notna()
    if "base_model" in df.columns:  # fine-tunes: Epoch's compute includes the base model's, the hours do not
        ok &= df["base_model"].fillna("").astype(str).str.strip() == ""
    for c in ("training_compute_flop", "hardware_count", "training_time_hours", "peak_flop_per_s"):
        ok &= df[c].notna() & (df[c] > 0)
    out = df[ok].copy()
    out["implied_utilization"] = out["training_compute_flop"] / (
        out["hardware_count"] * out["training_time_hours"] * 3600.0 * out["peak_flop_per_s"])
    out["implausible"] = (out["implied_utilization"] > 1) | (out["implied_utilization"] < 0.01)
    keep = ["id", "name", "organization", "release_date", "training_hardware", "training_compute_flop",
            "hardware_count", "training_time_hours", "peak_flop_per_s", "peak_precision", "implied_utilization",
            "implausible"]
    return out[[c for c in keep if c in out.columns]].reset_index(drop=True)


@dataclass(frozen=True)
class Decomposition(Result):
    """Compute growth split into log-growth rates of its four factors (they add up to the total)."""

    json_skip = frozenset({"start", "end", "table", "runs"})
    json_rename = {"n_implausible": "n_implausible_utilization"}

    subset: str
    n: int
    start: pd.Timestamp
    end: pd.Timestamp
    confidence: float
    n_boot: int
    seed: int
    n_implausible: int  # runs with implied utilization outside 0.01-1 (left out unless exclude_implausible=False)
    table: pd.DataFrame = field(repr=False)  # one row per part + total
    runs: pd.DataFrame = field(repr=False, compare=False)

    def to_frame(self) -> pd.DataFrame:
        return self.table.copy()

    def json_extra(self) -> dict:
        parts = []
        for r in self.table.itertuples():
            parts.append({"part": r.part, "column": r.column, "slope_oom_per_year": r.slope_oom_per_year,
                          "slope_oom_per_year_ci": [r.slope_low, r.slope_high], "growth_per_year": r.growth_per_year,
                          "growth_per_year_ci": [r.growth_low, r.growth_high], "share": r.share,
                          "share_ci": [r.share_low, r.share_high]})
        return {"parts": parts}

    @property
    def meta(self) -> ResultMeta:
        return meta(self.n, self.start, self.end, f"paired bootstrap of runs, {self.n_boot} resamples "
                    "(percentile, small-sample widened)", self.confidence)


def _slopes(x: np.ndarray, Y: np.ndarray) -> np.ndarray:
    """OLS slopes of each column of Y on x (vectorised)."""
    xc = x - x.mean()
    return (xc @ (Y - Y.mean(axis=0))) / (xc @ xc)


def share_bootstrap(x: np.ndarray, Y: np.ndarray, *, confidence: float = C.DEFAULT_CONFIDENCE, n_boot: int = 1000,
                    seed: int = 0) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Shares of the total slope (columns of Y are the parts; total = row sums), with paired-bootstrap expanded
    percentile intervals. Returns (share, low, high). Resamples whose dates are all equal or whose total slope is 0
    are skipped.
    """
    b = _slopes(x, Y)
    share = b / b.sum()
    rng = np.random.default_rng(seed)
    n = len(x)
    idx = rng.integers(0, n, (n_boot, n))  # one row of run indices per resample (paired: all parts together)
    xs = x[idx]
    xc = xs - xs.mean(axis=1, keepdims=True)
    sxx = (xc * xc).sum(axis=1)
    Ys = Y[idx]  # (n_boot, n, parts)
    bs = np.einsum("bn,bnk->bk", xc, Ys - Ys.mean(axis=1, keepdims=True)) / np.where(sxx > 0, sxx, np.nan)[:, None]
    tot = bs.sum(axis=1)  # the total's slope is the sum of the parts' (same rows, OLS linear in y)
    ok = (sxx > 0) & (tot != 0) & np.isfinite(tot)
    d = bs[ok] / tot[ok, None]
    # expanded percentile interval (Hesterberg 2015, "What teachers should know about the bootstrap", Am. Stat.
    # 69(4)): quantiles at Phi(sqrt(n/(n-1)) t_{n-1}) instead of alpha/2, correcting the percentile interval's
    # known under-coverage in small samples (the coverage test in tests/test_infrastructure.py measures it). The
    # article is verified; the formula is as we recall it from its section on expanded percentile intervals.
    a = float(stats.norm.cdf(math.sqrt(n / (n - 1)) * stats.t.ppf((1 - confidence) / 2, n - 1))) if n > 2 else \
        (1 - confidence) / 2
    return share, np.quantile(d, a, axis=0), np.quantile(d, 1 - a, axis=0)


def decompose_compute_growth(models: pd.DataFrame, catalog: HardwareCatalog, subset: str = "notable", *,
                             since: object = None, until: object = None, top_k: int = C.FRONTIER_TOP_K,
                             confidence: float = C.DEFAULT_CONFIDENCE, n_boot: int = 1000, seed: int = 0,
                             exclude_implausible: bool = True) -> Decomposition:
    """Split the growth of training compute into cluster size x duration x per-chip peak x utilization.

    Each part's slope interval is the default interval of :func:`analysis.metrics.trends.fit_trend`; the shares of the total
    (part slope / compute slope) get a paired bootstrap percentile interval (``n_boot`` resamples, ``seed``).
    Runs whose implied utilization is implausible (outside 0.01-1) are left out by default and counted in
    ``n_implausible``; with ``exclude_implausible=False`` they are kept (the parts still add up).
    """
    _register_labels()
    rows = select(models, subset, top_k=top_k)
    runs = run_factors(rows, catalog)
    lo = trends.parse_date(since, "since")
    hi = trends.parse_date(until, "until")
    if lo is not None:
        runs = runs[runs["release_date"] >= lo]
    if hi is not None:
        runs = runs[runs["release_date"] <= hi]
    n_bad = int(runs["implausible"].sum())
    if exclude_implausible:
        runs = runs[~runs["implausible"]]
    runs = runs.sort_values(["release_date", "id" if "id" in runs.columns else "name"]).reset_index(drop=True)
    if len(runs) < trends.MIN_POINTS or runs["release_date"].nunique() < 2:
        raise AnalysisError(f"too few runs with compute, chip count, training hours and a known chip peak "
                            f"({len(runs)}; need {trends.MIN_POINTS} with 2 distinct dates)")
    parts = list(DECOMPOSITION_PARTS)
    fits = {c: trends.fit_trend(runs, c, confidence=confidence, subset=subset) for c in parts}
    fits["training_compute_flop"] = trends.fit_trend(runs, "training_compute_flop", confidence=confidence,
                                                     subset=subset)
    x = trends.decimal_year(runs["release_date"])
    Y = np.column_stack([np.log10(runs[c].to_numpy(float)) for c in parts])
    share, s_lo, s_hi = share_bootstrap(x, Y, confidence=confidence, n_boot=n_boot, seed=seed)
    table = []
    for i, c in enumerate(parts + ["training_compute_flop"]):
        f = fits[c]
        table.append({
            "part": DECOMPOSITION_PARTS.get(c, "Training compute (total)"), "column": c, "n": f.n,
            "slope_oom_per_year": f.slope_oom_per_year, "slope_low": f.slope_oom_per_year_ci[0],
            "slope_high": f.slope_oom_per_year_ci[1], "growth_per_year": f.growth_per_year,
            "growth_low": f.growth_per_year_ci[0], "growth_high": f.growth_per_year_ci[1],
            "share": share[i] if i < len(parts) else 1.0, "share_low": s_lo[i] if i < len(parts) else 1.0,
            "share_high": s_hi[i] if i < len(parts) else 1.0,
        })
    return Decomposition(subset=subset, n=len(runs), start=lo or runs["release_date"].min(),
                         end=hi or runs["release_date"].max(), confidence=confidence, n_boot=n_boot, seed=seed,
                         n_implausible=n_bad, table=pd.DataFrame(table), runs=runs)


# --- projections -----------------------------------------------------------------------------------------------


def first_to_reach(models: pd.DataFrame, column: str, level: float) -> pd.Series | None:
    """The earliest model (by release date) whose ``column`` is at least ``level``, or None."""
    if column not in models.columns:
        return None
    vals = as_numbers(models[column], column)
    dates = as_dates(models["release_date"])
    hit = models[(vals >= level) & dates.notna()]
    if hit.empty:
        return None
    return hit.loc[dates[hit.index].sort_values(kind="mergesort").index[0]]


def level_label(column: str, level: float) -> str:
    """'1 GW', '$1 billion', '100,000 accelerators': a level in words for figures and prose."""
    if column == "training_power_draw_w":
        for unit, div in (("TW", 1e12), ("GW", 1e9), ("MW", 1e6), ("kW", 1e3)):
            if level >= div:
                return f"{level / div:g} {unit}"
        return f"{level:g} W"
    if column == "training_cost_2023_usd":
        for unit, div in (("trillion", 1e12), ("billion", 1e9), ("million", 1e6)):
            if level >= div:
                return f"${level / div:g} {unit}"
        return f"${level:,.0f}"
    if column == "hardware_count":
        return f"{level:,.0f} accelerators"
    if column == "training_time_hours":
        return f"{level:,.0f} hours"
    return f"{level:g}"


def projection_table(models: pd.DataFrame, levels: dict | None = None, subset: str = "frontier", *,
                     since: object = C.COTTIER_2024_SINCE, until: object = None, top_k: int = C.FRONTIER_TOP_K,
                     confidence: float = C.DEFAULT_CONFIDENCE) -> pd.DataFrame:
    """When do runs of ``subset`` reach each level (1 GW, $1B, 100k chips by default) if the fitted trend holds?

    One row per quantity: the date the trend line crosses, its confidence interval (where the line could be) and
    the prediction interval (when a single run on the trend would), the fit's n and window, the first model in the
    data already at or above the level (if any), and a plain-words note on extrapolation.
    """
    levels = levels or C.PROJECTION_LEVELS
    rows = []
    for col, level in levels.items():
        base = {"quantity": RUN_METRICS[col][0], "column": col, "level": float(level), "unit": RUN_METRICS[col][1],
                "level_label": level_label(col, level), "subset": subset}
        first = first_to_reach(models, col, level)
        base["already_reached_by"] = None if first is None else str(first.get("name", first.get("id")))
        base["already_reached_on"] = None if first is None else as_dates(pd.Series([first["release_date"]]))[0]
        try:
            fit = run_trend(models, col, subset, since=since, until=until, top_k=top_k, confidence=confidence)
            pr = trends.date_reaching(fit, level)
        except AnalysisError as exc:
            rows.append({**base, "note": str(exc)})
            continue
        beyond = (trends.decimal_year(pr.date) - trends.decimal_year(fit.data_end)) if pr.date is not None else None
        note = list(pr.notes)
        if beyond is not None and beyond > 0:
            note.append(f"assumes the {fit.start.year}-{fit.data_end.year} trend continues {beyond:.1f} years past "
                        f"the last run in the data; physical, financial and supply limits are not modelled")
        rows.append({**base, "date": pr.date, "date_low": pr.date_ci[0], "date_high": pr.date_ci[1],
                     "date_pi_low": pr.date_pi[0], "date_pi_high": pr.date_pi[1], "growth_per_year":
                     fit.growth_per_year, "growth_low": fit.growth_per_year_ci[0],
                     "growth_high": fit.growth_per_year_ci[1], "fit_n": fit.n, "fit_start": fit.start,
                     "fit_end": fit.end, "confidence": confidence, "note": "; ".join(note)})
    for r in rows:  # calendar years, for prose (the dates are not that precise)
        for k in ("date", "date_low", "date_high", "date_pi_low", "date_pi_high"):
            d = r.get(k)
            r[k.replace("date", "year")] = float(d.year) if d is not None and not pd.isna(d) else math.nan
    cols = ["quantity", "column", "level", "unit", "level_label", "subset", "date", "date_low", "date_high", "date_pi_low",
            "date_pi_high", "year", "year_low", "year_high", "year_pi_low", "year_pi_high", "growth_per_year", "growth_low", "growth_high", "fit_n", "fit_start", "fit_end",
            "confidence", "already_reached_by", "already_reached_on", "note"]
    return pd.DataFrame(rows).reindex(columns=cols)


_register_labels()
