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

* **Frontier**: a model is *frontier* if its training compute is among the top 10
  (:data:`analysis.constants.FRONTIER_TOP_K`) of all models with known compute released on or before its release
  date (Epoch AI's definition, implemented in :mod:`analysis.frontier`). Models released the same day are ranked
  together. Models without compute or date are never frontier (flag ``<NA>``).
* **Several organizations** ("Google, Google DeepMind"): the ``organization`` cell is split on commas and each
  listed organization gets an **equal fractional credit** 1/k of the model (k = number of distinct organizations
  after applying ``aliases``), so every model contributes exactly 1 to a year's total and shares sum to 1.
  Organization names are used as written; pass ``aliases={"DeepMind": "Google DeepMind"}`` to merge names.
  Countries: one ``country`` per model (our schema; Epoch imports map several countries to "Multinational").
* **HHI** is computed on shares in [0, 1], so it lies in [1/n, 1] for n groups (1 = monopoly); the "effective
  number" of competitors is 1/HHI. The interval is a bootstrap over the year's models (fixed seed): percentiles
  of the resampled HHIs shifted by their mean bias (a resample repeats models, which inflates the plug-in HHI;
  unshifted percentiles often exclude the estimate), clipped to [1/n, 1].
* Years come from ``release_date``; models without a date are dropped and counted in ``df.attrs["n_no_date"]``.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping

import numpy as np
import pandas as pd

from analysis.constants import DAYS_PER_MONTH, DEFAULT_CONFIDENCE, EU_AI_ACT_SYSTEMIC_RISK_FLOP
from analysis.constants import FRONTIER_TOP_K as FRONTIER_TOP_N
from analysis.errors import AnalysisError, UsageError

SUBSETS = ("notable", "frontier")
SHARE_KEYS = {"organization": "organization", "org": "organization", "country": "country"}


# --- helpers --------------------------------------------------------------------------------------------------

def _require(df: pd.DataFrame, columns: Iterable[str], what: str) -> None:
    missing = [c for c in columns if c not in df.columns]
    if missing:
        raise AnalysisError(f"{what} needs column(s) {', '.join(missing)}")


def split_organizations(cell: object, aliases: Mapping[str, str] | None = None) -> list[str]:
    """Distinct organizations listed in an ``organization`` cell (comma separated), after ``aliases``; order kept."""
    if cell is None or (isinstance(cell, float) and np.isnan(cell)) or cell is pd.NA:
        return []
    out: list[str] = []
    for part in str(cell).split(","):
        name = part.strip()
        if not name:
            continue
        name = (aliases or {}).get(name, name)
        if name not in out:
            out.append(name)
    return out


def frontier_flags(models: pd.DataFrame, top_n: int = FRONTIER_TOP_N) -> pd.Series:
    """Boolean Series (index of ``models``): True if the model's compute was in the top ``top_n`` at its release.

    Uses :func:`analysis.frontier.rank_at_release` (rank = 1 + number of models with strictly larger compute
    released on or before the same date; ties share a rank, so a tie at 10th place keeps both). ``<NA>`` where
    compute or date is missing.
    """
    from analysis.frontier import rank_at_release

    _require(models, ("release_date", "training_compute_flop"), "frontier_flags")
    if isinstance(top_n, bool) or not isinstance(top_n, (int, np.integer)) or top_n < 1:
        raise UsageError(f"top_n must be a positive whole number, got {top_n!r}")
    rank = rank_at_release(models)
    out = (rank <= top_n).astype("boolean")
    out[rank.isna()] = pd.NA
    return out


def _frontier_mask(models: pd.DataFrame, top_n: int) -> pd.Series:
    return frontier_flags(models, top_n).fillna(False).astype(bool)


def select_subset(models: pd.DataFrame, subset: str = "notable", top_n: int = FRONTIER_TOP_N) -> pd.DataFrame:
    """``notable`` = every row given; ``frontier`` = rows flagged by :func:`frontier_flags`."""
    if subset not in SUBSETS:
        raise UsageError(f"unknown subset {subset!r}; use one of {', '.join(SUBSETS)}")
    from analysis.overlay import representative  # overlay additions are not part of the representative set

    models = representative(models)
    if subset == "notable":
        return models
    return models[_frontier_mask(models, top_n)]


def _dated(models: pd.DataFrame) -> tuple[pd.DataFrame, int]:
    _require(models, ("release_date",), "this analysis")
    dated = models[models["release_date"].notna()]
    return dated, int(len(models) - len(dated))


def credits(models: pd.DataFrame, by: str = "organization", aliases: Mapping[str, str] | None = None) -> pd.DataFrame:
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
    for pos, (idx, r) in enumerate(models.iterrows()):
        if key == "organization":
            groups = split_organizations(r[key], aliases)
        else:
            v = r[key]
            groups = [] if pd.isna(v) else [(aliases or {}).get(str(v), str(v))]
        groups = groups or ["Unknown"]
        year = r["release_date"].year if pd.notna(r["release_date"]) else pd.NA
        for g in groups:
            rows.append((pos, ids.loc[idx], year, g, 1.0 / len(groups)))
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
                   aliases: Mapping[str, str] | None = None, top_n: int = FRONTIER_TOP_N) -> pd.DataFrame:
    """Share of each year's models (notable or frontier) credited to each organization or country.

    Columns: year, group, credit (fractional number of models), n_models (models that year), share
    (credit / n_models; sums to 1 within a year), rank (1 = largest share; ties share the rank).
    """
    sub = select_subset(models, subset, top_n)
    dated, n_missing = _dated(sub)
    cr = credits(dated, by, aliases)
    if cr.empty:
        out = pd.DataFrame(columns=["year", "group", "credit", "n_models", "share", "rank"])
    else:
        g = cr.groupby(["year", "group"], as_index=False)["credit"].sum()
        n = cr.groupby("year")["row"].nunique().rename("n_models")
        out = g.merge(n, on="year")
        out["share"] = out["credit"] / out["n_models"]
        out["rank"] = out.groupby("year")["share"].rank(ascending=False, method="min").astype(int)
        out = out.sort_values(["year", "share", "group"], ascending=[True, False, True]).reset_index(drop=True)
    out.attrs.update(n_no_date=n_missing, subset=subset, by=SHARE_KEYS.get(by, by))
    return out


def _year_matrix(cr_year: pd.DataFrame) -> tuple[np.ndarray, list[str]]:
    groups = sorted(cr_year["group"].unique())
    col = {g: j for j, g in enumerate(groups)}
    rows = sorted(cr_year["row"].unique())
    pos = {r: i for i, r in enumerate(rows)}
    mat = np.zeros((len(rows), len(groups)))
    for r, g, c in cr_year[["row", "group", "credit"]].itertuples(index=False):
        mat[pos[r], col[g]] += c
    return mat, groups


def concentration(models: pd.DataFrame, by: str = "organization", subset: str = "notable",
                  aliases: Mapping[str, str] | None = None, top_n: int = FRONTIER_TOP_N, n_boot: int = 1000,
                  seed: int = 0, ci_level: float = DEFAULT_CONFIDENCE) -> pd.DataFrame:
    """Per-year concentration of notable or frontier models among organizations (or countries).

    Columns: year, n_models, n_groups, hhi, hhi_low, hhi_high (bias-shifted percentile bootstrap over the
    year's models, ``ci_level``; NaN for a year with one model), hhi_min (1/n_groups), effective_number (1/hhi), top1 (largest
    group; ties joined with " / "), top1_share, top3_share. ``attrs``: n_no_date, subset, by, ci_level, n_boot, seed.
    """
    if not 0 < ci_level < 1:
        raise UsageError(f"ci_level must be between 0 and 1, got {ci_level}")
    if n_boot < 1:
        raise UsageError(f"n_boot must be at least 1, got {n_boot}")
    sub = select_subset(models, subset, top_n)
    dated, n_missing = _dated(sub)
    cr = credits(dated, by, aliases)
    rng = np.random.default_rng(seed)
    q = ((1 - ci_level) / 2, (1 + ci_level) / 2)
    rows = []
    for year, cy in cr.groupby("year", sort=True):
        mat, groups = _year_matrix(cy)
        n_models = mat.shape[0]
        totals = mat.sum(axis=0)
        shares = totals / n_models
        h = float(np.sum(shares ** 2))
        if n_models >= 2:
            idx = rng.integers(0, n_models, size=(n_boot, n_models))
            boot_tot = mat[idx].sum(axis=1)  # (n_boot, n_groups)
            boot_h = np.sum((boot_tot / n_models) ** 2, axis=1)
            bias = boot_h.mean() - h  # resampling duplicates models, so resampled HHIs are biased upward
            lo, hi = np.clip(np.quantile(boot_h, q) - bias, 1.0 / len(groups), 1.0)
        else:
            lo = hi = np.nan
        order = np.argsort(-shares, kind="stable")
        top_share = shares[order[0]]
        top = " / ".join(sorted(g for g, s in zip(groups, shares) if np.isclose(s, top_share)))
        rows.append({
            "year": int(year), "n_models": n_models, "n_groups": len(groups), "hhi": h, "hhi_low": float(lo),
            "hhi_high": float(hi), "hhi_min": 1.0 / len(groups), "effective_number": 1.0 / h, "top1": top,
            "top1_share": float(top_share), "top3_share": float(shares[order[:3]].sum()),
        })
    out = pd.DataFrame(rows, columns=["year", "n_models", "n_groups", "hhi", "hhi_low", "hhi_high", "hhi_min",
                                      "effective_number", "top1", "top1_share", "top3_share"])
    out.attrs.update(n_no_date=n_missing, subset=subset, by=SHARE_KEYS.get(by, by), ci_level=ci_level,
                     n_boot=n_boot, seed=seed)
    return out


def frontier_organizations(models: pd.DataFrame, threshold_flop: float = EU_AI_ACT_SYSTEMIC_RISK_FLOP,
                           top_n: int = FRONTIER_TOP_N, aliases: Mapping[str, str] | None = None) -> pd.DataFrame:
    """Per year: distinct organizations with a frontier model, and with a model trained above ``threshold_flop``.

    Columns: year, n_models, n_frontier_models, n_orgs_frontier, orgs_frontier ("; "-joined), n_models_above,
    n_orgs_above, orgs_above, cumulative_orgs_above (distinct organizations ever above the threshold up to that
    year). Each organization of a multi-organization model counts as present (no fractional credit here).
    """
    _require(models, ("release_date", "training_compute_flop", "organization"), "frontier_organizations")
    dated, n_missing = _dated(models)
    flags = _frontier_mask(dated, top_n)
    above = dated["training_compute_flop"] >= threshold_flop
    rows, ever = [], set()
    years = dated["release_date"].dt.year
    for year in sorted(years.unique()):
        m = years == year
        f_orgs = sorted({o for c in dated.loc[m & flags, "organization"] for o in split_organizations(c, aliases)})
        a_orgs = sorted({o for c in dated.loc[m & above, "organization"] for o in split_organizations(c, aliases)})
        ever |= set(a_orgs)
        rows.append({"year": int(year), "n_models": int(m.sum()), "n_frontier_models": int((m & flags).sum()),
                     "n_orgs_frontier": len(f_orgs), "orgs_frontier": "; ".join(f_orgs),
                     "n_models_above": int((m & above).sum()), "n_orgs_above": len(a_orgs),
                     "orgs_above": "; ".join(a_orgs), "cumulative_orgs_above": len(ever)})
    out = pd.DataFrame(rows)
    out.attrs.update(n_no_date=n_missing, threshold_flop=threshold_flop, top_n=top_n)
    return out


# --- leadership -----------------------------------------------------------------------------------------------

LEADERSHIP_COLUMNS = ["holder", "organization", "models", "value", "start", "end", "tenure_months", "ongoing",
                      "tied_with"]


def leadership_timeline(entries: pd.DataFrame, by: str = "model", as_of: pd.Timestamp | str | None = None
                        ) -> pd.DataFrame:
    """Who held the top value when, from entries with columns model_id, organization, date, value.

    A model takes the lead only by strictly beating the current best (equalling it does not); models released the
    same day with the same best value are listed in ``tied_with`` and the lead goes to the first by model_id.
    Tenure runs from the record's date to the next record (``end``), or to ``as_of`` (default: the latest date in
    ``entries``) for the current holder (``ongoing`` True, ``end`` NaT). ``by="organization"`` merges consecutive
    records of the same organization into one tenure (``models`` lists them).
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
    out.attrs.update(as_of=end_of_data, by=by)
    return out


def _model_meta(models: pd.DataFrame) -> pd.DataFrame:
    _require(models, ("id", "organization", "release_date"), "leadership")
    return models[["id", "organization", "release_date"]].rename(columns={"id": "model_id", "release_date": "date"})


def benchmark_leadership(benchmarks: pd.DataFrame, models: pd.DataFrame, benchmark: str = "mmlu",
                         setting: str | None = None, by: str = "model", as_of=None) -> pd.DataFrame:
    """Leadership timeline on a benchmark: a model's best score, dated by its release date (models table)."""
    _require(benchmarks, ("model_id", "benchmark", "score"), "benchmark_leadership")
    b = benchmarks[benchmarks["benchmark"] == benchmark]
    if setting is not None:
        b = b[b["setting"] == setting]
    if b.empty:
        raise AnalysisError(f"no scores for benchmark {benchmark!r}" + (f" in setting {setting!r}" if setting else ""))
    best = b.groupby("model_id", as_index=False)["score"].max().rename(columns={"score": "value"})
    e = best.merge(_model_meta(models), on="model_id", how="inner")
    if e.empty:
        raise AnalysisError(f"none of the models scored on {benchmark!r} is in the models table")
    return leadership_timeline(e, by=by, as_of=as_of)


def compute_leadership(models: pd.DataFrame, by: str = "model", as_of=None) -> pd.DataFrame:
    """Leadership timeline of the largest training run (training_compute_flop), dated by release date."""
    _require(models, ("training_compute_flop",), "compute_leadership")
    e = _model_meta(models).assign(value=models["training_compute_flop"].to_numpy())
    return leadership_timeline(e, by=by, as_of=as_of)


# --- entrants -------------------------------------------------------------------------------------------------

def frontier_entrants(models: pd.DataFrame, top_n: int = FRONTIER_TOP_N,
                      aliases: Mapping[str, str] | None = None) -> pd.DataFrame:
    """Organizations reaching the frontier for the first time: one row per organization.

    Columns: organization, year, first_date, first_model (id of its first frontier model; several joined with
    ", " if released the same day). Sorted by first_date.
    """
    _require(models, ("id", "organization", "release_date", "training_compute_flop"), "frontier_entrants")
    dated, n_missing = _dated(models)
    fr = dated[_frontier_mask(dated, top_n)].sort_values(["release_date", "id"])
    first: dict[str, dict] = {}
    for _, r in fr.iterrows():
        for org in split_organizations(r["organization"], aliases):
            if org not in first:
                first[org] = {"organization": org, "year": int(r["release_date"].year),
                              "first_date": r["release_date"], "first_model": r["id"]}
            elif first[org]["first_date"] == r["release_date"]:
                first[org]["first_model"] += ", " + r["id"]
    out = pd.DataFrame(list(first.values()), columns=["organization", "year", "first_date", "first_model"])
    out = out.sort_values(["first_date", "organization"]).reset_index(drop=True)
    out.attrs.update(n_no_date=n_missing, top_n=top_n)
    return out


def entrants_per_year(models: pd.DataFrame, top_n: int = FRONTIER_TOP_N,
                      aliases: Mapping[str, str] | None = None) -> pd.DataFrame:
    """Per year with any frontier model: n_entrants (organizations new to the frontier) and their names."""
    ent = frontier_entrants(models, top_n, aliases)
    dated, _ = _dated(models)
    fr_years = sorted(dated[_frontier_mask(dated, top_n)]["release_date"].dt.year.unique())
    rows = []
    for y in fr_years:
        e = ent[ent["year"] == y]
        rows.append({"year": int(y), "n_entrants": len(e), "entrants": "; ".join(e["organization"])})
    return pd.DataFrame(rows, columns=["year", "n_entrants", "entrants"])
