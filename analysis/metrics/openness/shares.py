"""Open-weights flags and the open share of models by year or group, with Wilson or Clopper-Pearson intervals.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from analysis.constants import (
    DEFAULT_CONFIDENCE,
    FRONTIER_TOP_K,
)
from analysis.data.tables import CLOSED, OPEN_WEIGHTS
from analysis.errors import AnalysisError, UsageError
from analysis.metrics.result import TableResult, meta
from analysis.metrics.selection import open_flags, select
from analysis.metrics.vocabulary import check_confidence

# --- open weights and open share ------------------------------------------------------------------------------

def open_weights_flags(models: pd.DataFrame) -> pd.DataFrame:
    """Per model: open_weights (boolean, <NA> if unknown) and its source ('access' or None).

    One rule for the whole toolkit (:func:`analysis.metrics.selection.open_flags`): Epoch AI's accessibility categories in
    the ``access`` column. The openness table describes how open a release is, not whether its weights are out.
    """
    if "id" not in models.columns:
        raise AnalysisError("the models table needs an id column")
    if "access" not in models.columns:
        flag = pd.Series(pd.NA, index=models.index, dtype="boolean")
    else:
        flag = open_flags(models)
    source = pd.Series(None, index=models.index, dtype="object")
    source[flag.notna()] = "access"
    return pd.DataFrame({"id": models["id"], "open_weights": flag, "source": source}, index=models.index)


BY_COLUMNS = {"year": None, "org": "organization_type", "org-type": "organization_type",
              "organization_type": "organization_type", "country": "country", "access": "access"}
CI_METHODS = {"wilson": "wilson", "clopper-pearson": "beta", "beta": "beta"}
BINOMIAL_INTERVALS = {"wilson": "Wilson score", "clopper-pearson": "Clopper-Pearson exact binomial",
                      "beta": "Clopper-Pearson exact binomial"}  # interval_kind of each method
# Coverage of the nominal 90% Wilson interval, measured (tests/test_intervals.py, issue 23): exact on independent
# models over 10-120 models and shares 0.05-0.5 (0.83 at 25 models and p = 0.1); simulated, 400 years each, where an
# organization's releases are alike (open propensity by organization with intra-class correlation 0.2-0.46; the
# notable models of 2018-2025 have 0.46). The interval treats models as independent: labels state both.
WILSON_MEASURED_COVERAGE = {"independent": (0.83, 0.97), "organization-dependent": (0.53, 0.73)}


def _binom_ci(k: np.ndarray, n: np.ndarray, alpha: float, method: str) -> tuple[np.ndarray, np.ndarray]:
    from statsmodels.stats.proportion import proportion_confint

    lo, hi = proportion_confint(k, n, alpha=alpha, method=CI_METHODS[method])
    return np.asarray(lo, dtype=float), np.asarray(hi, dtype=float)


def open_share(models: pd.DataFrame, by: str = "year", subset: str = "notable", per_year: bool = True,
               method: str = "wilson", top_k: int = FRONTIER_TOP_K,
               confidence: float = DEFAULT_CONFIDENCE) -> TableResult:
    """Share of models released with open weights, with binomial intervals (Wilson or Clopper–Pearson).

    ``by``: ``year`` (one row per year), ``org`` (organization type), ``country``, or ``access`` (share of each
    Epoch access category among models with known access). ``per_year=False`` pools all years per group.
    ``subset``: ``notable`` (the representative set: no overlay additions, one row per model) or ``frontier``
    (top-``top_k`` by compute at release), both from :func:`analysis.metrics.selection.select`. Intervals at
    ``confidence`` (default 0.90, as everywhere).

    Returns a :class:`~analysis.metrics.result.TableResult`. Table columns: [year], [group], n (models with known
    status), k (open-weights models, or models in the access category), share, share_low, share_high, n_unknown
    (models without known status in the cell). Settings: n_no_date, n_unknown, subset, by, method, confidence.
    Meta: n = dated models with known status, window = their first and last year, the binomial interval's kind.
    """
    if by not in BY_COLUMNS:
        raise UsageError(f"unknown --by {by!r}; use year, org, country or access")
    if method not in CI_METHODS:
        raise UsageError(f"unknown interval method {method!r}; use wilson or clopper-pearson")
    level = check_confidence(confidence)
    alpha = 1 - level
    col = BY_COLUMNS[by]
    if by == "year" and not per_year:
        raise UsageError("by='year' needs per_year=True")
    needed = ["id", "release_date"] + ([col] if col else [])
    missing = [c for c in needed if c not in models.columns]
    if missing:
        raise AnalysisError(f"open_share needs column(s) {', '.join(missing)}")
    if subset not in ("notable", "frontier"):
        raise UsageError(f"unknown subset {subset!r}; use notable or frontier")
    sub = select(models, subset, top_k=top_k)
    dated = sub[sub["release_date"].notna()]
    n_no_date = len(sub) - len(dated)
    df = pd.DataFrame({"year": dated["release_date"].dt.year.astype(int)}, index=dated.index)
    if col == "access":
        status = dated["access"].where(dated["access"].isin(OPEN_WEIGHTS + CLOSED))
        df["status"] = status
        known = status.notna()
    else:
        flags = open_weights_flags(dated)
        df["status"] = flags["open_weights"]
        known = flags["open_weights"].notna()
        if col:
            df["group"] = dated[col].fillna("Unknown").astype(str)
    keys = (["year"] if per_year else []) + (["group"] if col and col != "access" else [])
    rows = []
    if col == "access":
        kd = df[known]
        for key, g in (kd.groupby("year") if per_year else [((), kd)]):
            n = len(g)
            n_unk = int((~known[df["year"] == key]).sum()) if per_year else int((~known).sum())
            for cat in OPEN_WEIGHTS + CLOSED:
                k = int((g["status"] == cat).sum())
                rows.append({**({"year": key} if per_year else {}), "group": cat, "n": n, "k": k,
                             "n_unknown": n_unk})
    else:
        grouped = df.groupby(keys) if keys else [((), df)]
        for key, g in grouped:
            kn = g["status"].notna()
            key = key if isinstance(key, tuple) else (key,)
            rows.append({**dict(zip(keys, key)), "n": int(kn.sum()),
                         "k": int(g.loc[kn, "status"].astype(bool).sum()), "n_unknown": int((~kn).sum())})
    out = pd.DataFrame(rows)
    if out.empty:
        raise AnalysisError("no dated models to compute an open-weights share from")
    out = out[out["n"] > 0].reset_index(drop=True)
    if out.empty:
        raise AnalysisError(f"none of the {len(dated)} dated models has a known access category or openness row")
    out["share"] = out["k"] / out["n"]
    lo, hi = _binom_ci(out["k"].to_numpy(), out["n"].to_numpy(), alpha, method)
    out["share_low"], out["share_high"] = lo, hi
    order = [c for c in ("year", "group") if c in out.columns]
    out = out[order + ["n", "k", "share", "share_low", "share_high", "n_unknown"]]
    settings = {"n_no_date": int(n_no_date), "n_unknown": int((~known).sum()), "subset": subset, "by": by,
                "method": method, "confidence": 1 - alpha}
    years = df.loc[known, "year"]
    info = meta(int(known.sum()), years.min(), years.max(), BINOMIAL_INTERVALS[method], level)
    return TableResult(table=out, info=info, settings=settings)
