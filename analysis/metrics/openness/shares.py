"""Open-weights flags and the open share of models by year or group, with an interval that allows for organizations
(default) or the binomial Wilson / Clopper-Pearson intervals.
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
from analysis.metrics.selection import open_flags, organizations, select
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
CI_METHODS = {"organizations": "organizations", "wilson": "wilson", "clopper-pearson": "beta", "beta": "beta"}
BINOMIAL_INTERVALS = {"organizations": "Wilson score at the effective n of organization clusters (Kish design "
                                       "effect, Satterthwaite t df)",
                      "wilson": "Wilson score", "clopper-pearson": "Clopper-Pearson exact binomial",
                      "beta": "Clopper-Pearson exact binomial"}  # interval_kind of each method
DEFAULT_SHARE_METHOD = "organizations"
SHARE_METHODS = ("organizations", "wilson", "clopper-pearson")  # the names offered (CLI choices); "beta" = clopper-pearson
# Coverage of the nominal 90% intervals, measured (tests/test_intervals.py; python tools/interval_coverage.py shares).
# "independent": models open independently with probability p, a year's n = 10-120 models from Zipf-sized
# organizations (n/2.5 of them) and p = 0.05-0.5; "organization-dependent": open propensity by organization drawn
# with intra-class correlation 0.2-0.46 (the notable models of 2018-2025 have 0.46), 400 years per set-up.
# Wilson's independent range is exact (binomial weights, one organization irrelevant to it).
SHARE_MEASURED_COVERAGE = {
    "organizations": {"independent": (0.91, 0.99), "organization-dependent": (0.88, 0.92)},
    "wilson": {"independent": (0.83, 0.97), "organization-dependent": (0.53, 0.73)},
}
WILSON_MEASURED_COVERAGE = SHARE_MEASURED_COVERAGE["wilson"]  # the binomial interval's (issue 23), for comparison
COVERAGE_LEVEL = 0.90  # the level at which every share interval's coverage was measured


def coverage_at(measured: dict, method: str, confidence: float) -> dict[str, list[float]] | None:
    """``measured[method]`` (a table of measured coverages, e.g. :data:`SHARE_MEASURED_COVERAGE`) when
    ``confidence`` is :data:`COVERAGE_LEVEL`, the level it was measured at; None otherwise: a coverage that was not
    measured is not stated."""
    if method not in measured or round(confidence, 6) != COVERAGE_LEVEL:
        return None
    return {k: list(v) for k, v in measured[method].items()}


def organization_clusters(models: pd.DataFrame) -> pd.Series:
    """One cluster label per model: its parent families (:func:`analysis.metrics.selection.organizations`) sorted and
    joined, the rule of the trends' cluster bootstrap; a model without a known organization is its own cluster."""
    if "organization" not in models.columns:
        return pd.Series([f"model:{i}" for i in range(len(models))], index=models.index, dtype=object)
    keys = models["organization"].map(lambda c: ", ".join(sorted(organizations(c, harmonize=True))))
    alone = pd.Series([f"model:{i}" for i in range(len(models))], index=models.index, dtype=object)
    return keys.where(keys != "", alone).astype(object)


def clustered_share_interval(y: np.ndarray, m: np.ndarray, confidence: float = DEFAULT_CONFIDENCE
                             ) -> tuple[float, float, float, float]:
    """Interval of a share k/n whose n models come in G organization clusters (``y[g]`` of ``m[g]`` models counted).

    Returns (low, high, deff, n_eff). The ratio estimator's cluster-robust variance
    V = G/(G-1) * sum_g (y_g - p m_g)^2 / n^2 over the binomial p(1-p)/n is the design effect deff, kept between 1
    and its largest value sum m_g^2 / n (every organization's models alike: n_eff = n^2 / sum m_g^2); that largest
    value when it cannot be estimated (one organization, or p = 0 or 1). The Wilson score interval is taken at
    n_eff = n / deff shrunk by (z / t_df)^2 (Korn & Graubard 1998), df = Satterthwaite's (sum w)^2 / sum w^2 with
    w_g = m_g (1 + (m_g - 1) rho), rho = (deff - 1) / (sum m_g^2 / n - 1) the implied intra-class correlation: few
    or very unequal organizations give few degrees of freedom and a wider interval.
    """
    from scipy.stats import norm, t

    y = np.asarray(y, dtype=float)
    m = np.asarray(m, dtype=float)
    n, groups = m.sum(), len(m)
    p = y.sum() / n
    deff_max = float((m ** 2).sum() / n)
    if groups >= 2 and 0 < p < 1:
        var = groups / (groups - 1) * float(((y - p * m) ** 2).sum()) / n ** 2
        deff = min(max(var / (p * (1 - p) / n), 1.0), deff_max)
    else:
        deff = deff_max
    rho = (deff - 1) / (deff_max - 1) if deff_max > 1 else 0.0
    w = m * (1 + (m - 1) * rho)
    df = max(float(w.sum() ** 2 / (w ** 2).sum()), 1.0)
    z = float(norm.ppf(0.5 + confidence / 2))
    n_eff = n / deff
    n_adj = n_eff * (z / float(t.ppf(0.5 + confidence / 2, df))) ** 2
    centre = (p + z * z / (2 * n_adj)) / (1 + z * z / n_adj)
    half = z / (1 + z * z / n_adj) * np.sqrt(p * (1 - p) / n_adj + z * z / (4 * n_adj ** 2))
    low = 0.0 if p == 0 else max(centre - half, 0.0)  # exact bounds at 0 and 1 (no rounding residue)
    high = 1.0 if p == 1 else min(centre + half, 1.0)
    return float(low), float(high), float(deff), float(n_eff)


def check_share_method(method: str) -> str:
    """``method`` if it is one of :data:`CI_METHODS` (the one vocabulary of share intervals), else a usage error."""
    if method not in CI_METHODS:
        raise UsageError(f"unknown interval method {method!r}; use {', '.join(SHARE_METHODS)}")
    return method


def share_interval(hit: pd.Series, cluster: pd.Series, method: str = DEFAULT_SHARE_METHOD,
                   confidence: float = DEFAULT_CONFIDENCE) -> tuple[float, float, float]:
    """Interval of the share of True among ``hit`` (one value per unit, e.g. a model), by ``method``: the default
    ``organizations`` (:func:`clustered_share_interval` over the units' organization ``cluster`` labels) or a
    binomial one of :data:`CI_METHODS` (units independent). Returns (low, high, n_eff); n_eff = n for the binomial
    methods; all nan when there are no units."""
    check_share_method(method)
    level = check_confidence(confidence)
    hit = pd.Series(hit).astype(bool)
    if hit.empty:
        return float("nan"), float("nan"), float("nan")
    if method == "organizations":
        lo, hi, _, n_eff = _cell_interval(hit, pd.Series(cluster), level)
        return lo, hi, n_eff
    lo, hi = _binom_ci(np.array([int(hit.sum())]), np.array([len(hit)]), 1 - level, method)
    return float(lo[0]), float(hi[0]), float(len(hit))


def _binom_ci(k: np.ndarray, n: np.ndarray, alpha: float, method: str) -> tuple[np.ndarray, np.ndarray]:
    from statsmodels.stats.proportion import proportion_confint

    lo, hi = proportion_confint(k, n, alpha=alpha, method=CI_METHODS[method])
    return np.asarray(lo, dtype=float), np.asarray(hi, dtype=float)


def _cell_interval(hit: pd.Series, cluster: pd.Series, level: float) -> tuple[float, float, float, float]:
    """:func:`clustered_share_interval` of one table cell (its models' hits and organization clusters)."""
    per = pd.DataFrame({"y": hit.astype(int).to_numpy(), "c": cluster.to_numpy()}).groupby("c", sort=True)["y"]
    return clustered_share_interval(per.sum().to_numpy(), per.size().to_numpy(), level)


def _share_cells(dated: pd.DataFrame, col: str | None, per_year: bool) -> tuple[pd.DataFrame, pd.Series, list[dict]]:
    """The cells of :func:`open_share`: per model its year, organization cluster and status (open-weights flag, or
    access category), which models have a known status, and one row per cell with n, k, n_unknown and the
    cell's hits and clusters (``_hit``, ``_cluster``) for the interval."""
    df = pd.DataFrame({"year": dated["release_date"].dt.year.astype(int)}, index=dated.index)
    df["cluster"] = organization_clusters(dated)
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
                hit = g["status"] == cat
                rows.append({**({"year": key} if per_year else {}), "group": cat, "n": n, "k": int(hit.sum()),
                             "n_unknown": n_unk, "_hit": hit, "_cluster": g["cluster"]})
    else:
        grouped = df.groupby(keys) if keys else [((), df)]
        for key, g in grouped:
            kn = g["status"].notna()
            key = key if isinstance(key, tuple) else (key,)
            hit = g.loc[kn, "status"].astype(bool)
            rows.append({**dict(zip(keys, key)), "n": int(kn.sum()), "k": int(hit.sum()),
                         "n_unknown": int((~kn).sum()), "_hit": hit, "_cluster": g.loc[kn, "cluster"]})
    return df, known, rows


def open_share(models: pd.DataFrame, by: str = "year", subset: str = "notable", per_year: bool = True,
               method: str = DEFAULT_SHARE_METHOD, top_k: int = FRONTIER_TOP_K,
               confidence: float = DEFAULT_CONFIDENCE) -> TableResult:
    """Share of models released with open weights, with intervals that allow for organizations (default).

    ``by``: ``year`` (one row per year), ``org`` (organization type), ``country``, or ``access`` (share of each
    Epoch access category among models with known access). ``per_year=False`` pools all years per group.
    ``subset``: ``notable`` (the representative set: no overlay additions, one row per model) or ``frontier``
    (top-``top_k`` by compute at release), both from :func:`analysis.metrics.selection.select`. Intervals at
    ``confidence`` (default 0.90, as everywhere). ``method``: ``organizations`` (default;
    :func:`clustered_share_interval`: an organization's releases are alike, so a cell's models count as fewer
    independent ones), or the binomial ``wilson`` / ``clopper-pearson``, which treat models as independent
    (coverage of each: :data:`SHARE_MEASURED_COVERAGE`).

    Returns a :class:`~analysis.metrics.result.TableResult`. Table columns: [year], [group], n (models with known
    status), k (open-weights models, or models in the access category), share, share_low, share_high, n_unknown
    (models without known status in the cell), n_orgs (organization clusters among the n), n_eff (effective number
    of independent models behind the interval; n for the binomial methods). Settings: n_no_date, n_unknown, subset, by, method, confidence.
    Meta: n = dated models with known status, window = their first and last year, the binomial interval's kind.
    """
    if by not in BY_COLUMNS:
        raise UsageError(f"unknown --by {by!r}; use year, org, country or access")
    check_share_method(method)
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
    df, known, rows = _share_cells(dated, col, per_year)
    out = pd.DataFrame(rows)
    if out.empty:
        raise AnalysisError("no dated models to compute an open-weights share from")
    out = out[out["n"] > 0].reset_index(drop=True)
    if out.empty:
        raise AnalysisError(f"none of the {len(dated)} dated models has a known access category or openness row")
    out["share"] = out["k"] / out["n"]
    out["n_orgs"] = [int(c.nunique()) for c in out["_cluster"]]
    if method == "organizations":
        cis = [_cell_interval(h, c, level) for h, c in zip(out["_hit"], out["_cluster"])]
        out["share_low"], out["share_high"] = [c[0] for c in cis], [c[1] for c in cis]
        out["n_eff"] = [c[3] for c in cis]
    else:
        lo, hi = _binom_ci(out["k"].to_numpy(), out["n"].to_numpy(), alpha, method)
        out["share_low"], out["share_high"], out["n_eff"] = lo, hi, out["n"].astype(float)
    order = [c for c in ("year", "group") if c in out.columns]
    out = out[order + ["n", "k", "share", "share_low", "share_high", "n_unknown", "n_orgs", "n_eff"]]
    settings = {"n_no_date": int(n_no_date), "n_unknown": int((~known).sum()), "subset": subset, "by": by,
                "method": method, "confidence": 1 - alpha}
    years = df.loc[known, "year"]
    info = meta(int(known.sum()), years.min(), years.max(), BINOMIAL_INTERVALS[method], level)
    return TableResult(table=out, info=info, settings=settings)
