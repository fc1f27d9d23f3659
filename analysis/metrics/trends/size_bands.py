"""Model size: mixture-of-experts (total vs active parameters), parameter trends by domain, and counts by size band.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

import numpy as np
import pandas as pd

from analysis import constants as C
from analysis.errors import AnalysisError, UsageError
from analysis.metrics.frontier import as_dates, as_numbers
from analysis.metrics.selection import select
from analysis.metrics.trends.fits import METRICS, fit_trend, metric_column, trend_table

# --- parameters ----------------------------------------------------------------------------------------------


def moe_table(df: pd.DataFrame, *, additions: bool = False) -> pd.DataFrame:
    """Mixture-of-experts models with total and active parameters, active share and sparsity (total/active).

    A model of the representative set (:func:`analysis.metrics.selection.select`; ``additions=True`` adds the
    overlay's additions, for look-ups) is included if ``architecture == 'moe'`` or it has an ``active_parameters``
    value below its total.
    """
    df = select(df, additions=additions)
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
    df = select(df)  # the representative set: no overlay additions, one row per model
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
