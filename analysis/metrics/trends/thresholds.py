"""Counts of models above compute thresholds (EU AI Act Art. 51(2): strictly greater than 10^25 FLOP), by year and by
organization.

Counted on the representative set (:func:`analysis.metrics.selection.select`: no overlay additions, one row per
model, versions counted once) with organizations as parent families
(:func:`analysis.metrics.selection.organizations`; ``harmonize=False`` for names as written).
"""

from __future__ import annotations

from collections.abc import Sequence

import pandas as pd

from analysis import constants as C
from analysis.errors import AnalysisError, UsageError
from analysis.metrics.frontier import as_dates, as_numbers
from analysis.metrics.result import partial_year
from analysis.metrics.selection import above_threshold, organizations, select

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
    estimate: they may exceed the threshold, so counts are lower bounds of the true numbers. ``partial`` marks the
    year of the last release date when that date is not 31 December (an incomplete year).
    """
    df = select(df)  # the representative set: no overlay additions, one row per model
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
    out = pd.DataFrame(rows)
    out["partial"] = out["year"] == partial_year(dates[dated])
    return out


def threshold_counts_by_organization(df: pd.DataFrame, thresholds: Sequence[float] = C.THRESHOLDS_FLOP, *,
                                     inclusive: bool = False, harmonize: bool = True) -> pd.DataFrame:
    """Per organization (parent family) and threshold: number of models above it, first such model and its date.

    A model listing several organizations counts once for each. Sorted by threshold, then count (descending).
    """
    df = select(df)  # the representative set: no overlay additions, one row per model
    dates, vals = _threshold_frame(df)
    if "organization" not in df.columns:
        raise AnalysisError("models table has no column 'organization'")
    names = df["name"] if "name" in df.columns else df.get("id", pd.Series(df.index.astype(str), index=df.index))
    rows = []
    for t in sorted(float(v) for v in thresholds):
        above = dates.notna() & _above(vals, t, inclusive).fillna(False)
        sub = pd.DataFrame({"org": df.loc[above, "organization"].map(lambda c: organizations(c, harmonize)),
                            "date": dates[above],
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
                                          inclusive: bool = False, harmonize: bool = True) -> pd.DataFrame:
    """Tidy counts per organization (parent family), threshold and year (only non-zero cells)."""
    df = select(df)  # the representative set: no overlay additions, one row per model
    dates, vals = _threshold_frame(df)
    rows = []
    for t in sorted(float(v) for v in thresholds):
        above = dates.notna() & _above(vals, t, inclusive).fillna(False)
        sub = pd.DataFrame({"organization": df.loc[above, "organization"].map(lambda c: organizations(c, harmonize)),
                            "year": dates[above].dt.year}).explode("organization")
        sub["organization"] = sub["organization"].fillna("(unknown)")
        c = sub.groupby(["organization", "year"]).size().reset_index(name="n_models")
        c.insert(1, "threshold", t)
        rows.append(c)
    if not rows:
        return pd.DataFrame(columns=["organization", "threshold", "year", "n_models"])
    return pd.concat(rows, ignore_index=True)[["organization", "threshold", "year", "n_models"]]
