"""Competition in the AI race: concentration, leadership and entrants.

Questions answered (one function each, tidy DataFrames out):

* :func:`shares_by_year` — who released the notable / frontier models each year (shares by organization or country);
* :func:`concentration` — Herfindahl–Hirschman index (HHI) of those shares per year, with a bootstrap interval;
* :func:`frontier_organizations` — how many distinct organizations had a frontier model, or one above the EU AI
  Act systemic-risk threshold (1e25 FLOP), each year;
* :func:`leadership_timeline` / :func:`benchmark_leadership` / :func:`compute_leadership` — who held the best score
  (or the largest training run) when, and for how long;
* :func:`frontier_entrants` / :func:`entrants_per_year` — organizations reaching the frontier for the first time.

Conventions (documented once, used everywhere):

* **Which models**: the representative set of :func:`analysis.metrics.selection.select` (no overlay additions,
  versions of one model counted once) for every count, share and concentration; the leadership timeline ranks the
  same set. **Frontier**: Epoch AI's running top 10 (:data:`analysis.constants.FRONTIER_TOP_K`) by training compute
  at release, as defined once in :func:`analysis.metrics.selection.frontier_flags` (ranked on the whole
  representative set, AlphaGo Master and Zero left out as Sevilla & Roldán 2024 do; a model without compute is
  frontier only when Epoch's own ``frontier_model`` flag says so, labelled ``epoch-flag``; without a date, never).
* **Several organizations** ("Google, Google DeepMind"): the ``organization`` cell is split on commas (outside
  parentheses) and each listed organization gets an **equal fractional credit** 1/k of the model (k = number of
  distinct organizations after applying ``aliases``), so every model contributes exactly 1 to a year's total and
  shares sum to 1. Organization names are harmonized to parent families (Google Brain, DeepMind, Google DeepMind
  -> Google; Facebook AI Research, Meta AI -> Meta; :data:`analysis.metrics.selection.ORGANIZATION_PARENTS`, with
  sources) unless ``harmonize=False``; ``aliases`` maps further names first.
  Countries: one ``country`` per model (our schema; Epoch imports map several countries to "Multinational").
* **HHI** is computed on shares in [0, 1], so the year's observed HHI (``hhi``) lies in [1/n, 1] for n groups
  (1 = monopoly); the "effective number" of competitors is 1/HHI. Read as an estimate of the *underlying*
  concentration (the chance that two of the year's models come from the same organization), the observed HHI is
  biased upward by (1 - HHI)/n_models and ignores organizations that happened to release nothing that year.
  ``hhi_estimate`` is the unbiased U-statistic (n² HHI - Σ_i |c_i|²) / (n (n - 1)) (c_i = model i's credit vector;
  = (n HHI - 1)/(n - 1) for single-developer models). Its interval (``hhi_low``/``hhi_high``) inverts a parametric
  bootstrap test: along a path of candidate distributions (uniform over the observed plus Chao1-estimated unseen
  organizations -> the observed shares -> monopoly), a candidate is kept when the observed ``hhi_estimate`` lies
  within the central ``confidence`` range of ``n_boot`` multinomial simulations from it (mid-p; fixed seed), on a
  41-point grid whose outermost kept points are then refined by bisection (:data:`HHI_BISECT`). From
  :data:`HHI_NORMAL_MIN_MODELS` models a year the simulations are replaced by the normal law of the U-statistic
  with its exact (Hoeffding) variance on a fine grid: seconds become milliseconds at 100k-row exports.
  Memory is linear in the number of models and organizations (no resample x model x group array). Below
  :data:`HHI_MIN_MODELS` models, or fewer than :data:`HHI_MIN_MODELS_PER_GROUP` models per observed group, the
  interval is NaN and ``hhi_note`` says "too few models": no method we tried holds its coverage there.
* Years come from ``release_date``; models without a date are dropped and counted in the result's
  ``settings["n_no_date"]``.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping

import numpy as np
import pandas as pd

from analysis.constants import DAYS_PER_MONTH, DEFAULT_CONFIDENCE, EU_AI_ACT_SYSTEMIC_RISK_FLOP, FRONTIER_TOP_K
from analysis.errors import AnalysisError, UsageError
from analysis.metrics import selection
from analysis.metrics.result import TableResult, meta, span

# Fewest models in a year, and fewest models per observed group, for which the HHI interval is given. Below
# either, the interval is NaN with the note "too few models": the coverage simulations (tests/test_intervals.py)
# hold 85-95% for 90% intervals from 20 models and 3 models per group up, and fall to 40-80% below (e.g. 8 equal
# organizations with 10 models a year: most organizations are seen once or never).
HHI_MIN_MODELS = 20
HHI_MIN_MODELS_PER_GROUP = 3.0
HHI_GRID = 41  # points on the path of candidate distributions inverted by the HHI interval
# From this many models in a year the test inversion uses the normal law of the U-statistic (its exact variance,
# Hoeffding 1948) instead of multinomial simulations: same interval within Monte Carlo error (tests/test_intervals.py),
# in milliseconds instead of seconds per year. Its 90% intervals covered 89-94% in simulations from 200 models (5 to
# 300 groups; tests/test_intervals.py). Years of notable models have at most about 120 models, so their intervals
# are still simulated; this path serves large exports (100k rows: about 2,000 models a year).
HHI_NORMAL_MIN_MODELS = 500
HHI_GRID_NORMAL = 2001
HHI_BISECT = 6  # bisection steps refining each simulated bound between two grid points (1/64 of a grid step)
# How the HHI interval is made, for captions and --json (``n_boot`` filled in by the caller)
HHI_INTERVAL_KIND = ("inverted parametric-bootstrap test of the bias-corrected HHI ({n_boot} multinomial simulations "
                     f"per candidate; normal law of the U-statistic from {HHI_NORMAL_MIN_MODELS} models a year; none "
                     f"for a year with fewer than {HHI_MIN_MODELS} models or {HHI_MIN_MODELS_PER_GROUP:g} per group)")

# interval_kind of the tables without an interval (observed shares and counts)
SHARES_INTERVAL_KIND = "none: observed shares of the year's models (equal fractional credit)"
COUNTS_INTERVAL_KIND = "none: counts of organizations (each co-developer counts)"
LEADERSHIP_INTERVAL_KIND = "none: record holders (observed values)"

SUBSETS = ("notable", "frontier")
SHARE_KEYS = {"organization": "organization", "org": "organization", "country": "country"}


# --- helpers --------------------------------------------------------------------------------------------------

def _require(df: pd.DataFrame, columns: Iterable[str], what: str) -> None:
    missing = [c for c in columns if c not in df.columns]
    if missing:
        raise AnalysisError(f"{what} needs column(s) {', '.join(missing)}")


def _subset(models: pd.DataFrame, subset: str = "notable", top_k: int = FRONTIER_TOP_K) -> pd.DataFrame:
    """``notable`` or ``frontier`` rows of the representative set (:func:`analysis.metrics.selection.select`)."""
    if subset not in SUBSETS:
        raise UsageError(f"unknown subset {subset!r}; use one of {', '.join(SUBSETS)}")
    return selection.select(models, subset, top_k=top_k)


def _frontier_in(universe: pd.DataFrame, models: pd.DataFrame, top_k: int) -> pd.Series:
    """Boolean per row of ``universe``: in the frontier of ``models`` (the one definition, ranked on the whole
    representative set)."""
    return pd.Series(universe.index.isin(selection.select(models, "frontier", top_k=top_k).index),
                     index=universe.index)


def _dated(models: pd.DataFrame) -> tuple[pd.DataFrame, int]:
    _require(models, ("release_date",), "this analysis")
    dated = models[models["release_date"].notna()]
    return dated, int(len(models) - len(dated))


def credits(models: pd.DataFrame, by: str = "organization", aliases: Mapping[str, str] | None = None,
            harmonize: bool = True) -> pd.DataFrame:
    """Long table of fractional credit: one row per (model, organization or country) with ``credit`` = 1/k.

    Columns: row (position in ``models``), model_id, year, group, credit. Models whose group is unknown get the
    group ``"Unknown"`` (so each model still contributes 1 and shares stay comparable across years).
    """
    key = SHARE_KEYS.get(by)
    if key is None:
        raise UsageError(f"unknown grouping {by!r}; use organization or country")
    _require(models, (key, "release_date"), "credits")
    rows = []
    ids = models["id"] if "id" in models.columns else pd.Series(models.index.astype(str), index=models.index)
    # column-wise iteration (iterrows builds a Series per row: seconds at 100k rows); same values, same order
    id_values = list(ids) if models.index.is_unique else [ids.loc[idx] for idx in models.index]
    for pos, (v, date, model_id) in enumerate(zip(models[key], models["release_date"], id_values)):
        if key == "organization":
            groups = selection.organizations(v, harmonize, aliases)
        else:
            groups = [] if pd.isna(v) else [(aliases or {}).get(str(v), str(v))]
        groups = groups or ["Unknown"]
        year = date.year if pd.notna(date) else pd.NA
        for g in groups:
            rows.append((pos, model_id, year, g, 1.0 / len(groups)))
    out = pd.DataFrame(rows, columns=["row", "model_id", "year", "group", "credit"])
    out["year"] = out["year"].astype("Int64")
    return out


def hhi(shares: Iterable[float]) -> float:
    """Herfindahl–Hirschman index of shares in [0, 1] (sum of squares); the shares must sum to 1."""
    s = np.asarray(list(shares), dtype=float)
    if s.size == 0:
        raise AnalysisError("HHI of an empty market is undefined")
    if np.any(s < 0) or not np.isclose(s.sum(), 1.0, atol=1e-9):
        raise AnalysisError(f"shares must be non-negative and sum to 1 (sum is {s.sum():.6g})")
    return float(np.sum(s ** 2))


# --- shares and concentration ---------------------------------------------------------------------------------

def shares_by_year(models: pd.DataFrame, by: str = "organization", subset: str = "notable",
                   aliases: Mapping[str, str] | None = None, top_k: int = FRONTIER_TOP_K,
                   harmonize: bool = True) -> TableResult:
    """Share of each year's models (notable or frontier) credited to each organization or country.

    Returns a :class:`~analysis.metrics.result.TableResult`. Table columns: year, group, credit (fractional number
    of models), n_models (models that year), share (credit / n_models; sums to 1 within a year), rank (1 = largest
    share; ties share the rank). Settings: n_no_date, subset, by. Meta: n = dated models, window = their first and
    last year; no interval (observed shares).
    """
    sub = _subset(models, subset, top_k)
    dated, n_missing = _dated(sub)
    cr = credits(dated, by, aliases, harmonize)
    if cr.empty:
        out = pd.DataFrame(columns=["year", "group", "credit", "n_models", "share", "rank"])
    else:
        g = cr.groupby(["year", "group"], as_index=False)["credit"].sum()
        n = cr.groupby("year")["row"].nunique().rename("n_models")
        out = g.merge(n, on="year")
        out["share"] = out["credit"] / out["n_models"]
        out["rank"] = out.groupby("year")["share"].rank(ascending=False, method="min").astype(int)
        out = out.sort_values(["year", "share", "group"], ascending=[True, False, True]).reset_index(drop=True)
    years = dated["release_date"].dt.year
    info = meta(len(dated), *span(years), SHARES_INTERVAL_KIND, None)
    return TableResult(table=out, info=info, settings={"n_no_date": n_missing, "subset": subset,
                                                       "by": SHARE_KEYS.get(by, by)})


def _year_credits(cr_year: pd.DataFrame) -> tuple[np.ndarray, list[str], np.ndarray, int]:
    """Group totals, group names, per-model sum of squared credits, and the number of models (linear memory)."""
    g = cr_year.groupby("group", sort=True)["credit"].sum()
    sq = cr_year.assign(c2=cr_year["credit"] ** 2).groupby("row")["c2"].sum().to_numpy()
    return g.to_numpy(dtype=float), list(g.index), sq, int(cr_year["row"].nunique())


def hhi_unbiased(totals: np.ndarray, n_models: int, sum_sq_credit: float | None = None) -> float:
    """Unbiased estimate of the underlying HHI from group totals (U-statistic; see the module docstring)."""
    n = float(n_models)
    if n < 2:
        return float("nan")
    ssq = n if sum_sq_credit is None else float(sum_sq_credit)
    return float((np.sum(np.asarray(totals, dtype=float) ** 2) - ssq) / (n * (n - 1)))


def _hhi_u_counts(x: np.ndarray, n: int) -> np.ndarray:
    # integer squares summed exactly (counts <= n, far below 2**53), then as float: the same value as summing floats
    xi = np.asarray(x).astype(np.int64, copy=False)
    return (np.einsum("...i,...i->...", xi, xi).astype(float) - n) / (n * (n - 1.0))


def _candidate_path(shares: np.ndarray, n_groups: int, grid: np.ndarray) -> np.ndarray:
    """Distributions on ``n_groups`` groups: grid 0 = uniform, 1 = observed shares (sorted), 2 = monopoly."""
    p = np.zeros(n_groups)
    p[: len(shares)] = np.sort(shares)[::-1]
    u = np.full(n_groups, 1.0 / n_groups)
    e = np.zeros(n_groups)
    e[0] = 1.0
    return np.array([(1 - g) * u + g * p if g <= 1 else (2 - g) * p + (g - 1) * e for g in grid])


def hhi_interval(totals: np.ndarray, n_models: int, estimate: float, confidence: float = DEFAULT_CONFIDENCE,
                 n_boot: int = 1000, seed: int = 0) -> tuple[float, float]:
    """Test-inversion interval for the underlying HHI (see the module docstring); memory O(n_boot x groups)."""
    rng = np.random.default_rng(seed)
    shares = np.asarray(totals, dtype=float) / n_models
    shares = shares[shares > 0]
    # Chao1 estimate of the number of organizations, counting seen-once and seen-twice groups (rounded totals)
    k = len(shares)
    counts = np.rint(shares * n_models)
    f1, f2 = float(np.sum(counts == 1)), float(np.sum(counts == 2))
    chao = k + (f1 * (f1 - 1) / 2 if f2 == 0 else f1 * f1 / (2 * f2))
    m = int(max(k, np.ceil(chao)))
    normal = n_models >= HHI_NORMAL_MIN_MODELS
    # the normal path is cheap enough for a fine grid, which its narrow intervals need (41 points would round them)
    grid = np.linspace(0.0, 2.0, HHI_GRID_NORMAL if normal else HHI_GRID)
    cands = _candidate_path(shares, m, grid)
    h_cand = np.sum(cands ** 2, axis=1)
    a = (1 - confidence) / 2
    if normal:
        keep = _normal_keep(cands, n_models, estimate, a)
    else:
        keep = _simulated_keep(cands, n_models, estimate, a, n_boot, rng)
    if not keep.any():  # the estimate is outside every candidate's central range: fall back to the nearest
        j = int(np.argmin(np.abs(h_cand - estimate)))
        return float(h_cand[j]), float(h_cand[j])
    i_lo, i_hi = int(np.flatnonzero(keep)[0]), int(np.flatnonzero(keep)[-1])
    if normal:
        return float(h_cand[i_lo]), float(h_cand[i_hi])
    # HHI rises along the path; between the outermost kept and the next dropped grid point the bound is refined by
    # bisection (41 points alone round narrow intervals inward: 70% coverage at 300 models over 30 groups)
    def kept(g: float) -> bool:
        return bool(_simulated_keep(_candidate_path(shares, m, np.array([g])), n_models, estimate, a, n_boot, rng)[0])

    def refine(g_in: float, g_out: float) -> float:
        for _ in range(HHI_BISECT):
            mid = (g_in + g_out) / 2
            g_in, g_out = (mid, g_out) if kept(mid) else (g_in, mid)
        return g_in

    g_lo = grid[i_lo] if i_lo == 0 else refine(grid[i_lo], grid[i_lo - 1])
    g_hi = grid[i_hi] if i_hi == len(grid) - 1 else refine(grid[i_hi], grid[i_hi + 1])
    h_lo, h_hi = (float(np.sum(_candidate_path(shares, m, np.array([g]))[0] ** 2)) for g in (g_lo, g_hi))
    return h_lo, h_hi


def _simulated_keep(cands: np.ndarray, n_models: int, estimate: float, a: float, n_boot: int,
                    rng: np.random.Generator) -> np.ndarray:
    """Candidates whose simulated U-statistics put ``estimate`` within their central range (mid-p)."""
    keep = np.zeros(len(cands), dtype=bool)
    for i, q in enumerate(cands):
        sims = _hhi_u_counts(rng.multinomial(n_models, q / q.sum(), size=n_boot), n_models)
        mid_p = np.mean(sims < estimate - 1e-12) + 0.5 * np.mean(np.abs(sims - estimate) <= 1e-12)
        keep[i] = a <= mid_p <= 1 - a
    return keep


def hhi_u_variance(q: np.ndarray, n_models: int) -> np.ndarray:
    """Exact variance of the U-statistic HHI estimate for ``n_models`` draws from each row of ``q``:
    [4 (n - 2) (S3 - S2²) + 2 (S2 - S2²)] / (n (n - 1)), with Sk = Σ q^k (Hoeffding's formula for the kernel
    1[Y_i = Y_j])."""
    q = np.asarray(q, dtype=float)
    q = q / q.sum(axis=-1, keepdims=True)
    s2, s3 = np.sum(q ** 2, axis=-1), np.sum(q ** 3, axis=-1)
    n = float(n_models)
    return (4 * (n - 2) * (s3 - s2 ** 2) + 2 * (s2 - s2 ** 2)) / (n * (n - 1))


def _normal_keep(cands: np.ndarray, n_models: int, estimate: float, a: float) -> np.ndarray:
    """Candidates whose normal law of the U-statistic puts ``estimate`` within its central range."""
    from scipy.stats import norm

    h = np.sum((cands / cands.sum(axis=1, keepdims=True)) ** 2, axis=1)
    sd = np.sqrt(np.maximum(hhi_u_variance(cands, n_models), 0.0))
    with np.errstate(divide="ignore", invalid="ignore"):
        cdf = norm.cdf((estimate - h) / sd)
    point = sd <= 1e-15  # the monopoly candidate: its statistic is exactly 1
    cdf = np.where(point, np.where(np.abs(estimate - h) <= 1e-12, 0.5, np.where(estimate > h, 1.0, 0.0)), cdf)
    return (a <= cdf) & (cdf <= 1 - a)


def concentration(models: pd.DataFrame, by: str = "organization", subset: str = "notable",
                  aliases: Mapping[str, str] | None = None, top_k: int = FRONTIER_TOP_K, n_boot: int = 1000,
                  seed: int = 0, confidence: float = DEFAULT_CONFIDENCE, harmonize: bool = True,
                  ci_level: float | None = None) -> TableResult:
    """Per-year concentration of notable or frontier models among organizations (or countries).

    Columns: year, n_models, n_groups, hhi (the year's observed shares), hhi_estimate (bias-corrected estimate of
    the underlying concentration), hhi_low, hhi_high (its interval at ``confidence``; NaN with ``hhi_note`` when
    too few models, see the module docstring), hhi_note, hhi_min (1/n_groups), effective_number (1/hhi), top1
    (largest group; ties joined with " / "), top1_share, top3_share; returned in a
    :class:`~analysis.metrics.result.TableResult` (rows under ``years`` in ``to_dict()``) whose settings are
    n_no_date, subset, by, confidence (also as ci_level), n_boot, seed, harmonize, and whose meta has n = dated
    models of the subset, window = first and last year, :data:`HHI_INTERVAL_KIND`. ``ci_level`` is the old name
    of ``confidence``.
    """
    confidence = selection.check_confidence(confidence if ci_level is None else ci_level)
    n_boot = selection.check_n_boot(n_boot, minimum=100)
    sub = _subset(models, subset, top_k)
    dated, n_missing = _dated(sub)
    cr = credits(dated, by, aliases, harmonize)
    rows = []
    for year, cy in cr.groupby("year", sort=True):
        totals, groups, sq, n_models = _year_credits(cy)
        shares = totals / n_models
        h = float(np.sum(shares ** 2))
        est = hhi_unbiased(totals, n_models, float(sq.sum()))
        note = ""
        if n_models < HHI_MIN_MODELS or n_models / len(groups) < HHI_MIN_MODELS_PER_GROUP:
            lo = hi = np.nan
            note = (f"too few models for an interval ({n_models} models, {len(groups)} groups; need >= "
                    f"{HHI_MIN_MODELS} and >= {HHI_MIN_MODELS_PER_GROUP:g} per group)")
        else:
            lo, hi = hhi_interval(totals, n_models, est, confidence, n_boot, seed + int(year))
            lo, hi = min(lo, est), max(hi, est)
        order = np.argsort(-shares, kind="stable")
        top_share = shares[order[0]]
        top = " / ".join(sorted(g for g, s in zip(groups, shares) if np.isclose(s, top_share)))
        rows.append({
            "year": int(year), "n_models": n_models, "n_groups": len(groups), "hhi": h,
            "hhi_estimate": est, "hhi_low": float(lo), "hhi_high": float(hi), "hhi_note": note,
            "hhi_min": 1.0 / len(groups), "effective_number": 1.0 / h, "top1": top,
            "top1_share": float(top_share), "top3_share": float(shares[order[:3]].sum()),
        })
    out = pd.DataFrame(rows, columns=["year", "n_models", "n_groups", "hhi", "hhi_estimate", "hhi_low", "hhi_high",
                                      "hhi_note", "hhi_min", "effective_number", "top1", "top1_share", "top3_share"])
    settings = {"n_no_date": n_missing, "subset": subset, "by": SHARE_KEYS.get(by, by), "confidence": confidence,
                "ci_level": confidence, "n_boot": n_boot, "seed": seed, "harmonize": harmonize}
    years = out["year"]
    info = meta(int(out["n_models"].sum()), *span(years), HHI_INTERVAL_KIND.format(n_boot=n_boot), confidence)
    return TableResult(table=out, info=info, settings=settings, rows_key="years")


def frontier_organizations(models: pd.DataFrame, threshold_flop: float = EU_AI_ACT_SYSTEMIC_RISK_FLOP,
                           top_k: int = FRONTIER_TOP_K, aliases: Mapping[str, str] | None = None,
                           harmonize: bool = True) -> TableResult:
    """Per year: distinct organizations with a frontier model, and with a model trained above ``threshold_flop``.

    Returns a :class:`~analysis.metrics.result.TableResult`. Table columns: year, n_models, n_frontier_models,
    n_orgs_frontier, orgs_frontier ("; "-joined), n_models_above, n_orgs_above, orgs_above, cumulative_orgs_above
    (distinct organizations ever above the threshold up to that year). Each organization of a multi-organization
    model counts as present (no fractional credit here). Settings: n_no_date, threshold_flop, top_k. Meta: n =
    dated models, window = their first and last year; no interval (counts).
    """
    _require(models, ("release_date", "training_compute_flop", "organization"), "frontier_organizations")
    dated, n_missing = _dated(selection.select(models))
    flags = _frontier_in(dated, models, top_k)
    above = pd.Series(selection.above_threshold(dated["training_compute_flop"], threshold_flop), index=dated.index)
    rows, ever = [], set()
    years = dated["release_date"].dt.year
    for year in sorted(years.unique()):
        m = years == year
        f_orgs = sorted({o for c in dated.loc[m & flags, "organization"]
                         for o in selection.organizations(c, harmonize, aliases)})
        a_orgs = sorted({o for c in dated.loc[m & above, "organization"]
                         for o in selection.organizations(c, harmonize, aliases)})
        ever |= set(a_orgs)
        rows.append({"year": int(year), "n_models": int(m.sum()), "n_frontier_models": int((m & flags).sum()),
                     "n_orgs_frontier": len(f_orgs), "orgs_frontier": "; ".join(f_orgs),
                     "n_models_above": int((m & above).sum()), "n_orgs_above": len(a_orgs),
                     "orgs_above": "; ".join(a_orgs), "cumulative_orgs_above": len(ever)})
    out = pd.DataFrame(rows)
    info = meta(len(dated), *span(years), COUNTS_INTERVAL_KIND, None)
    return TableResult(table=out, info=info,
                       settings={"n_no_date": n_missing, "threshold_flop": threshold_flop, "top_k": top_k})


# --- leadership -----------------------------------------------------------------------------------------------

LEADERSHIP_COLUMNS = ["holder", "organization", "models", "value", "start", "end", "tenure_months", "ongoing",
                      "tied_with"]


def leadership_timeline(entries: pd.DataFrame, by: str = "model", as_of: pd.Timestamp | str | None = None
                        ) -> TableResult:
    """Who held the top value when, from entries with columns model_id, organization, date, value.

    A model takes the lead only by strictly beating the current best (equalling it does not); models released the
    same day with the same best value are listed in ``tied_with`` and the lead goes to the first by model_id.
    Tenure runs from the record's date to the next record (``end``), or to ``as_of`` (default: the latest date in
    ``entries``) for the current holder (``ongoing`` True, ``end`` NaT). ``by="organization"`` merges consecutive
    records of the same organization into one tenure (``models`` lists them).

    Returns a :class:`~analysis.metrics.result.TableResult` (table columns :data:`LEADERSHIP_COLUMNS`; settings:
    as_of, by; meta: n = dated entries with a value, window = first date to ``as_of``; no interval).
    """
    _require(entries, ("model_id", "organization", "date", "value"), "leadership_timeline")
    if by not in ("model", "organization"):
        raise UsageError(f"unknown leadership grouping {by!r}; use model or organization")
    e = entries[entries["date"].notna() & entries["value"].notna()]
    if e.empty:
        raise AnalysisError("no dated values to build a leadership timeline from")
    end_of_data = pd.Timestamp(as_of) if as_of is not None else e["date"].max()
    records = []
    best = -np.inf
    for date, grp in e.groupby("date", sort=True):
        top = grp["value"].max()
        if top > best:
            winners = grp[grp["value"] == top].sort_values("model_id")
            w = winners.iloc[0]
            records.append({"holder": w["model_id"], "organization": w["organization"], "models": w["model_id"],
                            "value": float(top), "start": date,
                            "tied_with": ", ".join(winners["model_id"].iloc[1:])})
            best = top
    if by == "organization":
        merged: list[dict] = []
        for r in records:
            if merged and merged[-1]["organization"] == r["organization"]:
                merged[-1]["models"] += ", " + r["models"]
                merged[-1]["value"] = r["value"]
                merged[-1]["holder"] = r["organization"]
                if r["tied_with"]:
                    merged[-1]["tied_with"] = ", ".join(x for x in (merged[-1]["tied_with"], r["tied_with"]) if x)
            else:
                merged.append({**r, "holder": r["organization"]})
        records = merged
    for i, r in enumerate(records):
        nxt = records[i + 1]["start"] if i + 1 < len(records) else None
        r["end"] = nxt if nxt is not None else pd.NaT
        r["ongoing"] = nxt is None
        stop = nxt if nxt is not None else end_of_data
        r["tenure_months"] = max((stop - r["start"]).days, 0) / DAYS_PER_MONTH
    out = pd.DataFrame(records, columns=LEADERSHIP_COLUMNS)
    info = meta(len(e), e["date"].min(), end_of_data, LEADERSHIP_INTERVAL_KIND, None)
    return TableResult(table=out, info=info, settings={"as_of": end_of_data, "by": by})


def _model_meta(models: pd.DataFrame, harmonize: bool = True) -> pd.DataFrame:
    """model_id, organization (parent families joined, :func:`analysis.metrics.selection.organization_key`), date."""
    _require(models, ("id", "organization", "release_date"), "leadership")
    return pd.DataFrame({"model_id": models["id"], "organization": selection.organization_key(models, harmonize),
                         "date": models["release_date"]}, index=models.index)


def benchmark_leadership(benchmarks: pd.DataFrame, models: pd.DataFrame, benchmark: str = "mmlu",
                         setting: str | None = None, by: str = "model", as_of=None,
                         harmonize: bool = True) -> TableResult:
    """Leadership timeline on a benchmark: a model's best score, dated by its release date (the models table is a
    look-up of the scored models, overlay additions included); a :class:`~analysis.metrics.result.TableResult` as
    :func:`leadership_timeline`."""
    _require(benchmarks, ("model_id", "benchmark", "score"), "benchmark_leadership")
    b = benchmarks[benchmarks["benchmark"] == benchmark]
    if setting is not None:
        b = b[b["setting"] == setting]
    if b.empty:
        raise AnalysisError(f"no scores for benchmark {benchmark!r}" + (f" in setting {setting!r}" if setting else ""))
    best = b.groupby("model_id", as_index=False)["score"].max().rename(columns={"score": "value"})
    e = best.merge(_model_meta(models, harmonize), on="model_id", how="inner")
    if e.empty:
        raise AnalysisError(f"none of the models scored on {benchmark!r} is in the models table")
    return leadership_timeline(e, by=by, as_of=as_of)


def compute_leadership(models: pd.DataFrame, by: str = "model", as_of=None, harmonize: bool = True) -> TableResult:
    """Leadership timeline of the largest training run (training_compute_flop) among the representative set
    (:func:`analysis.metrics.selection.select`), dated by release date, organizations as parent families; a
    :class:`~analysis.metrics.result.TableResult` as :func:`leadership_timeline`."""
    _require(models, ("training_compute_flop",), "compute_leadership")
    models = selection.select(models)
    e = _model_meta(models, harmonize).assign(value=models["training_compute_flop"].to_numpy())
    return leadership_timeline(e, by=by, as_of=as_of)


# --- entrants -------------------------------------------------------------------------------------------------

def frontier_entrants(models: pd.DataFrame, top_k: int = FRONTIER_TOP_K,
                      aliases: Mapping[str, str] | None = None, harmonize: bool = True) -> TableResult:
    """Organizations reaching the frontier for the first time: one row per organization.

    Returns a :class:`~analysis.metrics.result.TableResult`. Table columns: organization, year, first_date,
    first_model (id of its first frontier model; several joined with ", " if released the same day), sorted by
    first_date. Settings: n_no_date, top_k. Meta: n = dated frontier models, window = their first and last release
    date; no interval.
    """
    _require(models, ("id", "organization", "release_date", "training_compute_flop"), "frontier_entrants")
    dated, n_missing = _dated(selection.select(models))
    fr = dated[_frontier_in(dated, models, top_k)].sort_values(["release_date", "id"])
    first: dict[str, dict] = {}
    for _, r in fr.iterrows():
        for org in selection.organizations(r["organization"], harmonize, aliases):
            if org not in first:
                first[org] = {"organization": org, "year": int(r["release_date"].year),
                              "first_date": r["release_date"], "first_model": r["id"]}
            elif first[org]["first_date"] == r["release_date"]:
                first[org]["first_model"] += ", " + r["id"]
    out = pd.DataFrame(list(first.values()), columns=["organization", "year", "first_date", "first_model"])
    out = out.sort_values(["first_date", "organization"]).reset_index(drop=True)
    dates = fr["release_date"]
    info = meta(len(fr), *span(dates), "none: first frontier model of each organization", None)
    return TableResult(table=out, info=info, settings={"n_no_date": n_missing, "top_k": top_k})


def entrants_per_year(models: pd.DataFrame, top_k: int = FRONTIER_TOP_K,
                      aliases: Mapping[str, str] | None = None, harmonize: bool = True) -> pd.DataFrame:
    """Per year with any frontier model: n_entrants (organizations new to the frontier) and their names."""
    ent = frontier_entrants(models, top_k, aliases, harmonize).table
    dated, _ = _dated(selection.select(models, "frontier", top_k=top_k))
    fr_years = sorted(dated["release_date"].dt.year.unique())
    rows = []
    for y in fr_years:
        e = ent[ent["year"] == y]
        rows.append({"year": int(y), "n_entrants": len(e), "entrants": "; ".join(e["organization"])})
    return pd.DataFrame(rows, columns=["year", "n_entrants", "entrants"])
