"""Which models count: the compute frontier and the other subsets trend analyses run on.

Frontier definition (Epoch AI, 'AI Models' documentation; Sevilla & Roldán 2024): a model is *frontier* if it was
among the top ``k`` (default 10) models by training compute **of all models released up to and including its
release date**. Concretely, with ``rank = 1 + #{other models released on or before that date with strictly more
compute}``, a model is frontier when ``rank <= k``. Consequences, all deliberate:

* the frontier status of a model never changes when later models are added (it is judged "at release");
* models released on the same day compete with each other (inclusive);
* ties in compute share a rank (a model tied with the k-th is frontier);
* models without a release date or a compute value cannot be ranked and do not push other models out of the top
  k; :func:`analysis.metrics.selection.select` lets Epoch's own ``frontier_model`` flag admit an unranked model
  (labelled ``epoch-flag``); trend fits drop them anyway (no compute to fit);
* the ranking always uses training compute, whatever metric is later fitted (frontier parameter trends are trends
  of the compute frontier's parameter counts);
* the ranking uses every model given, *before* any date window: a 2018 model's status depends on 2016 models.
  Outliers are dropped before ranking, as Sevilla & Roldán do for AlphaGo Master and AlphaGo Zero.

This module holds the ranking (:func:`rank_at_release`) and the parsing helpers; *which* rows are ranked (one row
per model, no overlay additions, the outliers left out) and the frontier flag itself are defined once, in
:mod:`analysis.metrics.selection` (:func:`~analysis.metrics.selection.frontier_flags`,
:func:`~analysis.metrics.selection.select`).
"""

from __future__ import annotations

from collections.abc import Iterable

import numpy as np
import pandas as pd

from analysis.errors import AnalysisError

COMPUTE = "training_compute_flop"


def _require(df: pd.DataFrame, *cols: str) -> None:
    if not isinstance(df, pd.DataFrame):
        raise AnalysisError(f"expected a models DataFrame, got {type(df).__name__}")
    missing = [c for c in cols if c not in df.columns]
    if missing:
        raise AnalysisError(f"models table has no column {', '.join(repr(c) for c in missing)}")


def as_dates(values: pd.Series, column: str = "release_date") -> pd.Series:
    """Dates as datetime64; missing stays NaT; text that is present but not a date raises AnalysisError."""
    if pd.api.types.is_datetime64_any_dtype(values):
        return values
    missing = values.isna() | values.astype(str).str.strip().isin(["", "NaT", "nan", "None"])
    parsed = pd.to_datetime(values.where(~missing), errors="coerce", format="ISO8601")
    bad = parsed.isna() & ~missing
    if bad.any():
        example = values[bad].iloc[0]
        raise AnalysisError(f"{column}: {int(bad.sum())} value(s) are not dates (e.g. {example!r}); use YYYY-MM-DD")
    return parsed


def as_numbers(values: pd.Series, column: str) -> pd.Series:
    """Numbers as float64; missing stays NaN; text that is present but not a number raises AnalysisError."""
    if pd.api.types.is_numeric_dtype(values) and not pd.api.types.is_bool_dtype(values):
        out = values.astype("float64")
    else:
        missing = values.isna() | values.astype(str).str.strip().isin(["", "nan", "None"])
        out = pd.to_numeric(values.where(~missing), errors="coerce").astype("float64")
        bad = out.isna() & ~missing
        if bad.any():
            raise AnalysisError(f"{column}: {int(bad.sum())} value(s) are not numbers (e.g. {values[bad].iloc[0]!r})")
    if np.isinf(out).any():
        raise AnalysisError(f"{column}: {int(np.isinf(out).sum())} value(s) are infinite")
    return out


def exclude_models(df: pd.DataFrame, names: Iterable[str] = ()) -> pd.DataFrame:
    """Drop rows whose ``name`` or ``id`` is in ``names`` (case-insensitive)."""
    names = {n.lower() for n in names}
    if not names:
        return df
    drop = pd.Series(False, index=df.index)
    for col in ("name", "id"):
        if col in df.columns:
            drop |= df[col].astype(str).str.lower().isin(names)
    return df[~drop]


def rank_at_release(df: pd.DataFrame, metric: str = COMPUTE, date_col: str = "release_date") -> pd.Series:
    """1-based rank of each model by ``metric`` among all models released on or before its date (NaN if unrankable).

    rank = 1 + number of models released on or before the same date with strictly larger ``metric``.
    """
    _require(df, metric, date_col)
    dates = as_dates(df[date_col], date_col)
    vals = as_numbers(df[metric], metric)
    ok = dates.notna() & vals.notna()
    out = pd.Series(np.nan, index=df.index, dtype="float64")
    if not ok.any():
        return out
    d = dates[ok].to_numpy("datetime64[ns]").astype("int64")
    v = vals[ok].to_numpy()
    out[ok] = (1 + _count_dominating(d, v)).astype("float64")
    return out


def _count_dominating(d: np.ndarray, v: np.ndarray) -> np.ndarray:
    """For each i: #{j : d[j] <= d[i] and v[j] > v[i]}, in O(n log^2 n) time and O(n) memory.

    Models sorted by date; the prefix of models released on or before d[i] is split into dyadic blocks (at most one
    per level); within each level the blocks are sorted by value rank, and a binary search counts the larger values.
    Exact integer counts (same as the pairwise comparison).
    """
    n = len(d)
    counts = np.zeros(n, dtype=np.int64)
    if n == 0:
        return counts
    _, r = np.unique(v, return_inverse=True)  # dense value ranks: v[j] > v[i] <=> r[j] > r[i]
    r = r.reshape(-1).astype(np.int64)
    n_ranks = int(r.max()) + 1
    order = np.argsort(d, kind="stable")
    ds, rs = d[order], r[order]
    end = np.searchsorted(ds, d, side="right")  # prefix [0, end) = models released on or before d[i]
    pos = np.arange(n, dtype=np.int64)
    level = 0
    while (1 << level) <= n:
        size = 1 << level
        q = np.nonzero((end >> level) & 1)[0]
        if len(q):
            keys = np.sort((pos >> level) * n_ranks + rs)  # block-wise sorted value ranks
            block = (end[q] >> (level + 1)) << 1  # the level-sized block [block*size, (block+1)*size) of the prefix
            at = np.searchsorted(keys, block * n_ranks + r[q], side="right")
            counts[q] += (block + 1) * size - at
        level += 1
    return counts


def running_record(df: pd.DataFrame, metric: str = COMPUTE, since: object = None,
                   date_col: str = "release_date") -> pd.DataFrame:
    """The record of ``metric`` over time: one row per model that set a new record (strictly above every model
    released before it), in date order, with columns of ``df`` plus ``record``.

    With ``since``, the rows start at the record *standing* on that date (the last record set on or before it,
    released earlier if need be) and go on with every later record: the step line drawn from them starts at a
    real model and at the level the record actually had, not at the first model released after ``since`` (the bug
    this replaces: a closed record restarted in 2020 at 10²⁰ FLOP, four orders of magnitude below the record).
    Models without a date or a value are left out.
    """
    _require(df, metric, date_col)
    dates = as_dates(df[date_col], date_col)
    vals = as_numbers(df[metric], metric)
    ok = dates.notna() & vals.notna()
    rows = df[ok].assign(**{date_col: dates[ok], "record": vals[ok]})
    rows = rows.iloc[np.lexsort((-rows["record"].to_numpy(), rows[date_col].to_numpy()))]  # by date, largest first
    best = rows["record"].cummax()
    new = rows["record"].to_numpy() > np.concatenate([[-np.inf], best.to_numpy()[:-1]])
    rec = rows[new]
    if since is not None and len(rec):
        start = pd.Timestamp(since)
        standing = rec[rec[date_col] <= start]
        rec = pd.concat([standing.tail(1), rec[rec[date_col] > start]])
    return rec.reset_index(drop=True)
