"""Who owns the compute: shares of existing AI-supercomputer performance by country, sector and owner, and the
compute-weighted concentration (HHI) of owners and countries, over time, with intervals that reflect the data.

Input: the clusters table (:func:`analysis.data.infrastructure_snapshots.clusters`). On each date the systems counted
are the standard systems operating that day (:func:`analysis.metrics.ownership.systems.operating_at`: Epoch's rule,
decommissioned systems while they operated, no planned systems); each weighs its H100-equivalents (``weight="h100e"``,
default) or its 16-bit OP/s (``"ops_16bit"``, Epoch's measure in the share insights). A system shared by several
owners ("Microsoft,OpenAI") or countries splits its weight equally between them. Systems without the weight or the
group are left out and counted.

Three kinds of uncertainty, each reported:

1. **Which systems were found** (``share_low``/``share_high``; the countries' ``hhi_low``/``hhi_high``): Epoch's
   dataset is a sample of the world's clusters (it covers an estimated 10-20% of their performance), and one
   owner's systems are found or missed together. The bootstrap resamples owners (anonymized Chinese systems, whose
   owner is withheld, are singletons) with replacement and takes percentile intervals. Coverage with a known truth
   (:func:`analysis.metrics.ownership.coverage.share_coverage`, owners found at random): about 0.9 for a country's
   share and for the countries' HHI, but lower (0.7-0.8) for a country where one owner holds half the compute,
   because whether that owner was found decides the share. It does not cover the dataset's selection bias (which
   clusters get reported at all).
   The owners' HHI is different: a sample of owners has fewer competitors than the world, so its HHI does not
   estimate the world's (it grows about as 1/coverage). Its estimand is the concentration among the owners in
   Epoch's dataset, and its interval is the measurement interval of 2. (``resample="none"``), with the bound
   ``hhi_anonymized_pooled`` for the withheld owners.
2. **Rounding of anonymized Chinese systems** (Epoch rounds their values to one significant figure): inside each
   bootstrap replicate each anonymized value is drawn uniformly within its rounding interval (a value d·10^k stood
   for [(d-0.5)·10^k, (d+0.5)·10^k), and 1·10^k for [0.95·10^k, 1.5·10^k)); ``share_round_low``/``_high`` are the
   hard bounds of the share when every anonymized value sits at one end of its interval.
3. **Certainty**: systems marked Likely are kept by default (Epoch's standard analysis); ``share_confirmed`` is the
   share on Confirmed systems only (a stated sensitivity, not an interval).
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd

from analysis import constants as C
from analysis.errors import AnalysisError, UsageError
from analysis.metrics.ownership.systems import as_date, check_certainty, operating_at, require
from analysis.metrics.result import TableResult, meta
from analysis.metrics.selection import organizations
from analysis.metrics.vocabulary import check_confidence, check_n_boot

GROUPINGS = ("country", "sector", "owner")
WEIGHTS = ("h100e", "ops_16bit")
ANONYMIZED_OWNER = "anonymized Chinese owner"


def rounding_bounds(values: pd.Series | np.ndarray, rounded: pd.Series | np.ndarray,
                    figures: int = C.ANONYMIZED_SIGNIFICANT_FIGURES) -> tuple[np.ndarray, np.ndarray]:
    """Low and high end of the values a rounded number may stand for (round half up to ``figures`` significant
    figures); unrounded values are their own bounds. 3e18 -> [2.5e18, 3.5e18); 1e19 -> [9.5e18, 1.5e19)."""
    v = np.asarray(values, dtype=float)
    r = np.asarray(rounded, dtype=bool) & np.isfinite(v) & (v > 0)
    lo, hi = v.copy(), v.copy()
    if r.any():
        k = np.floor(np.log10(v[r])) - (figures - 1)
        unit = 10.0 ** k
        lead = np.round(v[r] / unit)
        lo[r] = np.where(lead == 10 ** (figures - 1), (lead - 0.05) * unit, (lead - 0.5) * unit)
        hi[r] = (lead + 0.5) * unit
    return lo, hi


def _members(cell: object, by: str) -> list[str]:
    if cell is None or (isinstance(cell, float) and math.isnan(cell)) or cell is pd.NA or str(cell).strip() == "":
        return []
    if by == "owner":
        return organizations(cell, harmonize=True)
    return [p.strip() for p in str(cell).split(",") if p.strip()] if by == "country" else [str(cell).strip()]


def long_weights(systems: pd.DataFrame, by: str, weight: str) -> pd.DataFrame:
    """One row per (system, group) with the system's weight split equally; anonymized systems without an owner get
    their own owner (``by='owner'``). Columns: id, group, frac, w, w_lo, w_hi, cluster, certainty."""
    lo, hi = rounding_bounds(systems[weight], systems["anonymized"])
    rows = []
    for i, (sid, cell, w, a, b, anon, cert, owner) in enumerate(zip(
            systems["id"], systems[by] if by in systems.columns else systems["owner"], systems[weight], lo, hi,
            systems["anonymized"], systems["certainty"], systems["owner"], strict=True)):
        groups = _members(cell, by)
        if not groups and by == "owner" and bool(anon):
            groups = [f"{ANONYMIZED_OWNER} {sid}"]
        owners = _members(owner, "owner")
        cluster = ", ".join(sorted(owners)) if owners else f"__{sid}"
        for g in groups:
            rows.append((sid, g, 1.0 / len(groups), w, a, b, cluster, cert, i))
    return pd.DataFrame(rows, columns=["id", "group", "frac", "w", "w_lo", "w_hi", "cluster", "certainty", "row"])


def group_shares(long: pd.DataFrame, w: np.ndarray) -> pd.Series:
    s = pd.Series(w * long["frac"].to_numpy(), index=long["group"].to_numpy()).groupby(level=0).sum()
    tot = s.sum()
    return s / tot if tot > 0 else s * np.nan


def hhi(shares: pd.Series | np.ndarray) -> float:
    """Herfindahl-Hirschman index of shares (fractions summing to 1): sum of squares, in [1/n, 1]."""
    s = np.asarray(shares, dtype=float)
    return float(np.sum(s ** 2))


def bootstrap_shares(systems: pd.DataFrame, by: str, *, weight: str = "h100e", n_boot: int = 1000, seed: int = 0,
                     confidence: float = C.DEFAULT_CONFIDENCE, hhi_only: bool = False, resample: str = "owners",
                     hhi_interval: str = "percentile"):
    """Shares of each group and the HHI on ``systems`` (already selected), with owner-clustered bootstrap
    intervals that draw anonymized values within their rounding intervals (module docstring).

    Returns a DataFrame (group, share, share_low, share_high, share_round_low, share_round_high) whose settings
    are in columns of every row (hhi, hhi_low, hhi_high); with ``hhi_only`` a dict of the HHI numbers only
    (hhi, hhi_low, hhi_high and the plug-in percentile interval hhi_plugin_low/high, for the coverage study).
    """
    long = long_weights(systems, by, weight)
    long = long[np.isfinite(long["w"]) & (long["w"] > 0)]
    if long.empty:
        raise AnalysisError(f"no system with a {weight} and a {by}")
    base = group_shares(long, long["w"].to_numpy())
    h = hhi(base)
    rng = np.random.default_rng(seed)
    keys, inv = np.unique(long["cluster"].to_numpy(), return_inverse=True)
    # each cluster's rows, in row order, laid end to end (cluster k: by_cluster[start[k]:start[k] + size[k]]), so a
    # resample's rows are gathered in one step instead of a Python list of one array per drawn cluster
    by_cluster = np.argsort(inv, kind="stable")
    size = np.bincount(inv, minlength=len(keys))
    start = np.cumsum(size) - size
    groups = base.index
    code = pd.Index(groups).get_indexer(long["group"].to_numpy())
    frac = long["frac"].to_numpy()
    draws = np.empty((n_boot, len(groups)))
    w_lo, w_hi = long["w_lo"].to_numpy(), long["w_hi"].to_numpy()
    every = np.arange(len(long))
    for b in range(n_boot):
        if resample == "owners":
            pick = rng.integers(0, len(keys), size=len(keys))
            n_rows = size[pick]
            ends = np.cumsum(n_rows)
            idx = by_cluster[np.repeat(start[pick] - ends + n_rows, n_rows) + np.arange(ends[-1])]
        else:  # measurement only: the same systems, anonymized values drawn within their rounding intervals
            idx = every
        tot = np.bincount(code[idx], weights=rng.uniform(w_lo[idx], w_hi[idx]) * frac[idx], minlength=len(groups))
        draws[b] = tot / tot.sum()
    hhis = np.sum(draws ** 2, axis=1)
    a = 1 - confidence
    q_lo, q_hi = np.quantile(hhis, [a / 2, 1 - a / 2])
    h_ci = ((max(0.0, 2 * h - q_hi), min(1.0, 2 * h - q_lo)) if hhi_interval == "basic" else
            (float(q_lo), float(q_hi)))
    if resample != "owners":  # measurement only: Epoch's rounded values give the point, which the interval keeps
        h_ci = (min(h_ci[0], h), max(h_ci[1], h))
    if hhi_only:
        return {"hhi": h, "hhi_low": h_ci[0], "hhi_high": h_ci[1], "hhi_plugin_low": float(q_lo),
                "hhi_plugin_high": float(q_hi), "n_groups": len(groups)}
    lo_share, hi_share = np.quantile(draws, [a / 2, 1 - a / 2], axis=0)
    # hard rounding bounds: a group's share is lowest when its anonymized values are low and everyone else's high
    out = pd.DataFrame({"group": groups, "share": base.to_numpy(), "share_low": lo_share, "share_high": hi_share})
    w_g = pd.Series(long["w"].to_numpy() * long["frac"].to_numpy(), index=long["group"]).groupby(level=0).sum()
    lo_g = pd.Series(long["w_lo"].to_numpy() * long["frac"].to_numpy(), index=long["group"]).groupby(level=0).sum()
    hi_g = pd.Series(long["w_hi"].to_numpy() * long["frac"].to_numpy(), index=long["group"]).groupby(level=0).sum()
    tot_lo, tot_hi = lo_g.sum(), hi_g.sum()
    out["share_round_low"] = [lo_g[g] / (lo_g[g] + tot_hi - hi_g[g]) for g in groups]
    out["share_round_high"] = [hi_g[g] / (hi_g[g] + tot_lo - lo_g[g]) for g in groups]
    out["weight"] = [w_g[g] for g in groups]
    out["hhi"], out["hhi_low"], out["hhi_high"] = h, h_ci[0], h_ci[1]
    return out


def _check(by: str, weight: str) -> None:
    if by not in GROUPINGS:
        raise UsageError(f"by: choose one of {', '.join(GROUPINGS)}, got {by!r}")
    if weight not in WEIGHTS:
        raise UsageError(f"weight: choose one of {', '.join(WEIGHTS)}, got {weight!r}")


def default_dates(clusters: pd.DataFrame, since: object = "2019-01-01") -> list[pd.Timestamp]:
    """1 January of each year from ``since`` to the last first-operational date of an existing system, and that
    date itself (the snapshot's present)."""
    last = clusters.loc[clusters["status"].eq("Existing"), "first_operational"].max()
    start = as_date(since, "since")
    out = [pd.Timestamp(y, 1, 1) for y in range(start.year, last.year + 1) if pd.Timestamp(y, 1, 1) >= start]
    return out + ([last] if last not in out else [])


def share_table(clusters: pd.DataFrame, by: str = "country", *, dates=None, weight: str = "h100e",
                certainty=C.CLUSTER_CERTAINTY_DEFAULT, confidence: float = C.DEFAULT_CONFIDENCE,
                n_boot: int = 1000, seed: int = 0, top: int | None = None) -> TableResult:
    """Share of operating performance per group (``by``: country, sector, owner) on each date, with the bootstrap
    interval, the rounding bounds and the Confirmed-only share (module docstring). ``top``: keep the ``top``
    largest groups of the last date (others still count in the totals). Meta: n = systems on the last date."""
    require(clusters)
    _check(by, weight)
    confidence = check_confidence(confidence)
    n_boot = check_n_boot(n_boot, minimum=50)
    levels = check_certainty(certainty)
    dates = [as_date(d) for d in (dates if dates is not None else default_dates(clusters))]
    parts, counts = [], {}
    for d in dates:
        sys_d = operating_at(clusters, d, levels)
        usable = sys_d[sys_d[weight].notna() & sys_d[weight].gt(0)]
        counts[d.strftime("%Y-%m-%d")] = {"operating": len(sys_d), "with_weight": len(usable),
                                          f"without_{by}": int(usable[by].isna().sum()) if by in usable else 0}
        if usable.empty:
            continue
        t = bootstrap_shares(usable, by, weight=weight, n_boot=n_boot, seed=seed, confidence=confidence)
        confirmed = usable[usable["certainty"].eq("Confirmed")]
        conf = (bootstrap_shares(confirmed, by, weight=weight, n_boot=50, seed=seed, confidence=confidence)
                .set_index("group")["share"] if len(confirmed) else pd.Series(dtype=float))
        t["share_confirmed"] = t["group"].map(conf).fillna(0.0)
        t.insert(0, "date", d)
        t["n_systems"] = len(usable)
        t["n_anonymized"] = int(usable["anonymized"].sum())
        parts.append(t.drop(columns=["hhi", "hhi_low", "hhi_high"]))
    if not parts:
        raise AnalysisError(f"no operating system with a {weight} on the dates asked")
    table = pd.concat(parts, ignore_index=True).sort_values(["date", "share"], ascending=[True, False],
                                                            kind="mergesort").reset_index(drop=True)
    if top is not None:
        last = table[table["date"] == table["date"].max()].nlargest(int(top), "share")["group"]
        table = table[table["group"].isin(set(last))].reset_index(drop=True)
    n_last = int(table.loc[table["date"] == table["date"].max(), "n_systems"].iloc[0])
    settings = {"by": by, "weight": weight, "certainty": list(levels), "n_boot": n_boot, "seed": seed,
                "counts": counts, "interval": "owner-clustered bootstrap, percentile; anonymized values drawn "
                "within their rounding intervals", "rounding": "share_round_low/high: hard bounds from Epoch's "
                "one-significant-figure rounding of anonymized Chinese systems",
                "sensitivity": "share_confirmed: Confirmed systems only"}
    return TableResult(table=table, info=meta(n_last, min(dates), max(dates), "owner-clustered bootstrap "
                                              "percentile, rounding drawn", confidence),
                       settings=settings, rows_key="shares")


def hhi_table(clusters: pd.DataFrame, by: str = "owner", *, dates=None, weight: str = "h100e",
              certainty=C.CLUSTER_CERTAINTY_DEFAULT, confidence: float = C.DEFAULT_CONFIDENCE, n_boot: int = 1000,
              seed: int = 0) -> TableResult:
    """Compute-weighted HHI of owners (or countries) on each date, with its interval (countries: owner-clustered
    bootstrap percentile; owners: the measurement interval of the rounding, module docstring; both draw anonymized
    values within their rounding intervals) and, for owners, the bound with every
    anonymized Chinese system given to one owner (``hhi_anonymized_pooled``: their owners are withheld, so the
    default, each its own owner, is the low end of what the data allow)."""
    require(clusters)
    if by not in ("owner", "country"):
        raise UsageError(f"by: choose owner or country, got {by!r}")
    _check(by, weight)
    confidence = check_confidence(confidence)
    n_boot = check_n_boot(n_boot, minimum=50)
    levels = check_certainty(certainty)
    dates = [as_date(d) for d in (dates if dates is not None else default_dates(clusters))]
    rows = []
    for d in dates:
        sys_d = operating_at(clusters, d, levels)
        usable = sys_d[sys_d[weight].notna() & sys_d[weight].gt(0)]
        if usable.empty:
            continue
        r = bootstrap_shares(usable, by, weight=weight, n_boot=n_boot, seed=seed, confidence=confidence,
                             hhi_only=True, resample="none" if by == "owner" else "owners")
        row = {"date": d, "hhi": r["hhi"], "hhi_low": r["hhi_low"], "hhi_high": r["hhi_high"],
               "n_groups": r["n_groups"], "n_systems": len(usable), "n_anonymized": int(usable["anonymized"].sum())}
        if by == "owner":
            pooled = usable.copy()
            pooled.loc[pooled["anonymized"] & pooled["owner"].isna(), "owner"] = ANONYMIZED_OWNER
            long = long_weights(pooled, "owner", weight)
            row["hhi_anonymized_pooled"] = hhi(group_shares(long, long["w"].to_numpy()))
        confirmed = usable[usable["certainty"].eq("Confirmed")]
        if len(confirmed):
            long = long_weights(confirmed, by, weight)
            row["hhi_confirmed"] = hhi(group_shares(long, long["w"].to_numpy()))
        rows.append(row)
    if not rows:
        raise AnalysisError(f"no operating system with a {weight} on the dates asked")
    table = pd.DataFrame(rows)
    kind = ("rounding of anonymized values drawn (measurement interval; the HHI of the owners in the dataset)"
            if by == "owner" else "owner-clustered bootstrap percentile, rounding drawn")
    settings = {"by": by, "weight": weight, "certainty": list(levels), "n_boot": n_boot, "seed": seed,
                "interval": kind}
    return TableResult(table=table, info=meta(int(table["n_systems"].iloc[-1]), min(dates), max(dates), kind,
                                              confidence), settings=settings, rows_key="hhi")
