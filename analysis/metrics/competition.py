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
  = (n HHI - 1)/(n - 1) for single-developer models). Its interval (``hhi_low``/``hhi_high``) is a
  bootstrap from the estimated population of organizations (Chao et al. 2014, Ecol. Monogr. 84:45-67, as in
  iNEXT): the observed organizations' shares adjusted by the sample coverage (Chao & Jost 2012), plus the Chao1
  estimate of organizations that released nothing this time, each with an equal part of the unseen share;
  ``n_boot`` multinomial samples of the year's size from it (fixed seed), each giving a U-statistic; their central
  range, moved to sit around the year's estimate (:func:`hhi_interval`), is the interval. Memory is
  linear in the number of models and organizations. The interval needs no minimum number of models per
  organization (the rule of >= 3 per organization was never met by a real year: at most 2.5); below
  :data:`HHI_MIN_MODELS` models it is NaN, ``too_few_models`` is True and ``hhi_note`` says "too few models", and
  figures show no value for that year.
* ``window_years`` > 1 pools each year with the years before it (a trailing window; the estimand is then the chance
  that two distinct models of the window come from the same organization). Frontier years hold 2-20 models; 3-year
  windows hold 29-41 since 2019.
* ``partial`` marks the year of the data's last release when that date is not 31 December: the year is incomplete.
  The table starts at the first year (window) with :data:`HHI_MIN_MODELS` models; later years with fewer are kept
  and marked.
* Years come from ``release_date``; models without a date are dropped and counted in the result's
  ``settings["n_no_date"]``.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping

import numpy as np
import pandas as pd

from analysis.constants import DAYS_PER_MONTH, DEFAULT_CONFIDENCE, EU_AI_ACT_SYSTEMIC_RISK_FLOP, FRONTIER_TOP_K
from analysis.errors import AnalysisError, UsageError
from analysis.metrics import selection, vocabulary
from analysis.metrics.result import TableResult, meta, partial_year, span

# Fewest models in a year (or window) for an HHI estimate to be shown, with its interval. Below, the row says "too few
# models" and figures leave the year out. The 90% bootstrap interval from Chao's estimated population covered
# HHI_COVERAGE_NOTE in simulations with Zipf-sized organizations (tests/test_intervals.py, docs/methods.md).
HHI_MIN_MODELS = 20
HHI_COVERAGE_NOTE = "88-93% from 20 models (Zipf-sized organizations, 10-200 of them)"
# How the HHI interval is made, for captions and --json (``n_boot`` filled in by the caller)
HHI_INTERVAL_KIND = ("bootstrap of the bias-corrected HHI from the estimated population of organizations (Chao et "
                     "al. 2014: coverage-adjusted shares + Chao1 unseen organizations; {n_boot} samples, range "
                     "centred on the estimate); "
                     f"none below {HHI_MIN_MODELS} models; coverage measured: {HHI_COVERAGE_NOTE}")

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


def chao_population(totals: np.ndarray, n_models: int) -> np.ndarray:
    """Estimated shares of the whole population of organizations from one sample (Chao et al. 2014, Appendix; as
    iNEXT): the observed shares x/n shrunk by ``1 - λ (1 - x/n)^n`` so that they sum to the sample coverage
    ``C = 1 - f1/n · (n-1) f1 / ((n-1) f1 + 2 f2)``, plus ``f0`` (Chao1: ``(n-1)/n · f1²/(2 f2)``, or
    ``(n-1)/n · f1 (f1-1)/2`` when f2 = 0) unseen organizations sharing ``1 - C`` equally. f1, f2 = organizations
    credited with one and two models (fractional credits rounded). Returns shares summing to 1."""
    x = np.asarray(totals, dtype=float)
    x = x[x > 0]
    n = float(n_models)
    counts = np.rint(x)
    f1, f2 = float(np.sum(counts == 1)), float(np.sum(counts == 2))
    rel = x / n
    if f1 == 0 or n < 2:
        return rel / rel.sum()
    cover = 1.0 - f1 / n * ((n - 1) * f1 / ((n - 1) * f1 + 2 * f2))
    lam = (1.0 - cover) / float(np.sum(rel * (1.0 - rel) ** n))
    seen = rel * (1.0 - lam * (1.0 - rel) ** n)
    f0 = int(np.ceil((n - 1) / n * (f1 * f1 / (2 * f2) if f2 > 0 else f1 * (f1 - 1) / 2)))
    p = np.concatenate([seen, np.full(f0, (1.0 - cover) / f0)]) if f0 > 0 else seen
    p = np.clip(p, 0.0, None)
    return p / p.sum()


def hhi_interval(totals: np.ndarray, n_models: int, estimate: float | None = None,
                 confidence: float = DEFAULT_CONFIDENCE, n_boot: int = 1000, seed: int = 0) -> tuple[float, float]:
    """Interval of the bias-corrected HHI: ``n_boot`` multinomial samples of ``n_models`` models from
    :func:`chao_population` give U-statistics U*; their central ``confidence`` range, moved by ``estimate`` minus
    the population's HHI (so that it sits around the year's unbiased estimate rather than the population's HHI,
    which carries the plug-in's upward bias), is the interval. Memory O(n_boot x organizations).

    Chosen by coverage (tests/test_intervals.py): the unmoved percentile interval covered 78% in flat markets
    (200 organizations, Zipf s = 0.7, 120 models) and 0% with 50 equal organizations; the earlier test inversion
    72-80% at 20 models over 30-200 Zipf-sized organizations."""
    rng = np.random.default_rng(seed)
    p = chao_population(totals, n_models)
    if estimate is None:
        estimate = hhi_unbiased(totals, n_models)
    a = (1 - confidence) / 2
    step = max(1, 2_000_000 // max(len(p), 1))  # about 2 million cells at a time
    sims = np.concatenate([_hhi_u_counts(rng.multinomial(n_models, p, size=min(step, n_boot - i)), n_models)
                           for i in range(0, n_boot, step)])
    lo, hi = np.quantile(sims, [a, 1 - a]) + (estimate - float(np.sum(p ** 2)))
    return float(max(lo, 0.0)), float(min(hi, 1.0))


def hhi_u_variance(q: np.ndarray, n_models: int) -> np.ndarray:
    """Exact variance of the U-statistic HHI estimate for ``n_models`` draws from each row of ``q``:
    [4 (n - 2) (S3 - S2²) + 2 (S2 - S2²)] / (n (n - 1)), with Sk = Σ q^k (Hoeffding's formula for the kernel
    1[Y_i = Y_j])."""
    q = np.asarray(q, dtype=float)
    q = q / q.sum(axis=-1, keepdims=True)
    s2, s3 = np.sum(q ** 2, axis=-1), np.sum(q ** 3, axis=-1)
    n = float(n_models)
    return (4 * (n - 2) * (s3 - s2 ** 2) + 2 * (s2 - s2 ** 2)) / (n * (n - 1))


def concentration(models: pd.DataFrame, by: str = "organization", subset: str = "notable",
                  aliases: Mapping[str, str] | None = None, top_k: int = FRONTIER_TOP_K, n_boot: int = 1000,
                  seed: int = 0, confidence: float = DEFAULT_CONFIDENCE, harmonize: bool = True,
                  window_years: int = 1) -> TableResult:
    """Per-year concentration of notable or frontier models among organizations (or countries).

    Columns: year, n_models, n_groups, hhi (the observed shares), hhi_estimate (bias-corrected estimate of the
    underlying concentration), hhi_low, hhi_high (its interval at ``confidence``; NaN below :data:`HHI_MIN_MODELS`
    models), hhi_note, hhi_min (1/n_groups), effective_number (1/hhi), top1 (largest group; ties joined with
    " / "), top1_share, top3_share, window_start (first year pooled: ``year - window_years + 1``), too_few_models
    (fewer than :data:`HHI_MIN_MODELS`: show no value), partial (the window holds the data's incomplete last year).
    Rows start at the first year with :data:`HHI_MIN_MODELS` models (all years when none has). Returned in a
    :class:`~analysis.metrics.result.TableResult` (rows under ``years`` in ``to_dict()``) whose settings are
    n_no_date, subset, by, confidence (also as ci_level), n_boot, seed, harmonize, window_years, min_models,
    partial_year, n_years_before_start, and whose meta has n = dated models of the rows' windows, window = first
    and last year, :data:`HHI_INTERVAL_KIND`.
    """
    confidence = vocabulary.check_confidence(confidence)
    n_boot = vocabulary.check_n_boot(n_boot, minimum=100)
    window_years = vocabulary.check_top_k(window_years)  # a positive whole number
    partial = partial_year(models["release_date"]) if "release_date" in models.columns else None
    sub = _subset(models, subset, top_k)
    dated, n_missing = _dated(sub)
    cr = credits(dated, by, aliases, harmonize)
    rows = []
    for year in sorted(int(y) for y in cr["year"].dropna().unique()):
        cy = cr[(cr["year"] <= year) & (cr["year"] > year - window_years)]
        totals, groups, sq, n_models = _year_credits(cy)
        shares = totals / n_models
        h = float(np.sum(shares ** 2))
        est = hhi_unbiased(totals, n_models, float(sq.sum()))
        few = n_models < HHI_MIN_MODELS
        if few:
            lo = hi = np.nan
            note = f"too few models ({n_models}; an estimate needs >= {HHI_MIN_MODELS})"
        else:
            lo, hi = hhi_interval(totals, n_models, est, confidence, n_boot, seed + year)
            lo, hi = min(lo, est), max(hi, est)  # clipped to [0, 1], the range could miss the estimate: widen
            note = ""
        order = np.argsort(-shares, kind="stable")
        top_share = shares[order[0]]
        top = " / ".join(sorted(g for g, s in zip(groups, shares) if np.isclose(s, top_share)))
        rows.append({
            "year": year, "n_models": n_models, "n_groups": len(groups), "hhi": h,
            "hhi_estimate": est, "hhi_low": float(lo), "hhi_high": float(hi), "hhi_note": note,
            "hhi_min": 1.0 / len(groups), "effective_number": 1.0 / h, "top1": top,
            "top1_share": float(top_share), "top3_share": float(shares[order[:3]].sum()),
            "window_start": year - window_years + 1, "too_few_models": few,
            "partial": partial is not None and year - window_years < partial <= year,
        })
    out = pd.DataFrame(rows, columns=["year", "n_models", "n_groups", "hhi", "hhi_estimate", "hhi_low", "hhi_high",
                                      "hhi_note", "hhi_min", "effective_number", "top1", "top1_share", "top3_share",
                                      "window_start", "too_few_models", "partial"])
    enough = np.flatnonzero(~out["too_few_models"].to_numpy(dtype=bool))
    first = int(enough[0]) if len(enough) else 0
    out = out.iloc[first:].reset_index(drop=True)
    settings = {"n_no_date": n_missing, "subset": subset, "by": SHARE_KEYS.get(by, by), "confidence": confidence,
                "ci_level": confidence, "n_boot": n_boot, "seed": seed, "harmonize": harmonize,
                "window_years": window_years, "min_models": HHI_MIN_MODELS, "partial_year": partial,
                "n_years_before_start": first}
    years = out["year"]
    covered = dated["release_date"].dt.year.between(int(out["window_start"].min()), int(years.max())) \
        if len(out) else pd.Series(dtype=bool)
    info = meta(int(covered.sum()), *span(years), HHI_INTERVAL_KIND.format(n_boot=n_boot), confidence)
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
