"""Coverage of the intervals of this package on simulated data shaped like Epoch AI's GPU clusters, with a known truth.

* :func:`trend_coverage`: leading-system trends (about 58 systems, 2019-2025, a few owners with several systems
  each and a random owner effect): how often the owner-clustered bootstrap and the HC3 interval of
  :func:`analysis.metrics.trends.fit_trend` hold the true slope.
* :func:`share_coverage`: compute shares and compute-weighted HHI (:mod:`analysis.metrics.ownership.shares`):
  a population of systems with heavy-tailed sizes, owners and countries; the data set is a sample of it (systems
  found with some probability, whole owners' disclosure correlated); how often the owner-clustered bootstrap
  interval holds the population's share and HHI.

Each returns a small dict: ``coverage`` (fraction of replicates whose interval held the truth), ``n_reps`` and the
Monte Carlo standard error; the tests assert on them and the report quotes them beside the nominal level.
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd

from analysis import constants as C
from analysis.metrics import trends
from analysis.metrics.ownership.shares import bootstrap_shares, group_shares, hhi, long_weights, rounding_bounds


def _mc(hits: list[bool]) -> dict:
    n = len(hits)
    p = float(np.mean(hits)) if n else math.nan
    return {"coverage": p, "n_reps": n, "mc_se": math.sqrt(p * (1 - p) / n) if n else math.nan}


def trend_coverage(*, n_systems: int = 58, n_owners: int = 30, slope: float = 0.4, owner_sd: float = 0.3,
                   noise_sd: float = 0.35, reps: int = 100, method: str = "cluster-bootstrap", n_boot: int = 300,
                   confidence: float = C.DEFAULT_CONFIDENCE, seed: int = 0) -> dict:
    """Coverage of the slope interval (``method`` of :func:`analysis.metrics.trends.fit_trend`) when systems share
    owners (a Zipf-like allocation: a few owners with many systems) and each owner has its own level."""
    rng = np.random.default_rng(seed)
    weights = 1.0 / np.arange(1, n_owners + 1)
    weights /= weights.sum()
    hits = []
    for r in range(reps):
        owner = rng.choice(n_owners, size=n_systems, p=weights)
        t = rng.uniform(2019.0, 2025.2, size=n_systems)
        effect = rng.normal(0.0, owner_sd, size=n_owners)
        y = 18.0 + slope * (t - 2022.0) + effect[owner] + rng.normal(0.0, noise_sd, size=n_systems)
        dates = pd.Timestamp("2000-01-01") + pd.to_timedelta((t - 2000.0) * C.DAYS_PER_YEAR, unit="D")
        frame = pd.DataFrame({"release_date": dates, "organization": [f"owner{o}" for o in owner],
                              "id": [f"s{i}" for i in range(n_systems)], "training_compute_flop": 10 ** y})
        fit = trends.fit_trend(frame, "training_compute_flop", method=method, n_boot=n_boot, seed=seed + r,
                               confidence=confidence)
        lo, hi = fit.slope_oom_per_year_ci
        hits.append(lo <= slope <= hi)
    return {**_mc(hits), "method": method, "confidence": confidence, "n_systems": n_systems, "n_owners": n_owners}


def synthetic_population(rng: np.random.Generator, *, n_systems: int = 2000, n_owners: int = 300,
                         countries=(("A", 0.55), ("B", 0.25), ("C", 0.2)), size_sigma: float = 1.6,
                         owner_sigma: float = 1.0) -> pd.DataFrame:
    """Systems with lognormal sizes, owners of lognormal scale (few large owners) and a home country per owner."""
    owner_scale = rng.lognormal(0.0, owner_sigma, size=n_owners)
    names, probs = zip(*countries, strict=True)
    owner_country = rng.choice(list(names), size=n_owners, p=np.asarray(probs) / sum(probs))
    p = owner_scale / owner_scale.sum()
    owner = rng.choice(n_owners, size=n_systems, p=p)
    size = rng.lognormal(0.0, size_sigma, size=n_systems) * owner_scale[owner] ** 0.5
    return pd.DataFrame({"id": [f"s{i}" for i in range(n_systems)], "owner": [f"o{o}" for o in owner],
                         "country": owner_country[owner], "h100e": size, "anonymized": False,
                         "certainty": "Confirmed"})


def share_coverage(*, reps: int = 100, found: float = 0.3, n_systems: int = 2000, n_owners: int = 300,
                   n_boot: int = 300, confidence: float = C.DEFAULT_CONFIDENCE, seed: int = 0,
                   population_seed: int = 1) -> dict:
    """Coverage of the owner-clustered bootstrap of :func:`analysis.metrics.ownership.shares.bootstrap_shares` for
    each country's share and the countries' HHI, when the data set holds the systems of a random ``found`` fraction
    of the owners of a fixed population (the truth), and country B's values are rounded to one significant figure
    (as Epoch rounds Chinese systems). Also returns each country's largest-owner fraction: where one owner holds
    much of a country's compute, whether that owner was found decides the share, and no resampling of the found
    owners can show it (coverage falls; the report states the coverage reached)."""
    rng = np.random.default_rng(population_seed)
    pop = synthetic_population(rng, n_systems=n_systems, n_owners=n_owners)
    w = pop.groupby("country")["h100e"].sum()
    truth = w / w.sum()
    true_hhi = float((truth ** 2).sum())
    by_owner = pop.groupby(["country", "owner"])["h100e"].sum()
    largest = (by_owner.groupby(level=0).max() / w).to_dict()
    rng = np.random.default_rng(seed)
    hits: dict[str, list[bool]] = {g: [] for g in truth.index}
    hhi_hits: list[bool] = []
    owners = pop["owner"].unique()
    for r in range(reps):
        keep = set(owners[rng.random(len(owners)) < found])
        sample = pop[pop["owner"].isin(keep)].copy()
        b = sample["country"].eq("B").to_numpy()
        if b.any():
            v = sample.loc[b, "h100e"].to_numpy()
            unit = 10.0 ** np.floor(np.log10(v))
            sample.loc[b, "h100e"] = np.round(v / unit) * unit
            sample.loc[b, "anonymized"] = True
        t = bootstrap_shares(sample, "country", n_boot=n_boot, seed=seed + r, confidence=confidence)
        t = t.set_index("group")
        for g in truth.index:
            hits[g].append(g in t.index and t.loc[g, "share_low"] <= truth[g] <= t.loc[g, "share_high"])
        hhi_hits.append(t["hhi_low"].iloc[0] <= true_hhi <= t["hhi_high"].iloc[0])
    return {"shares": {g: {**_mc(h), "truth": float(truth[g]), "largest_owner_fraction": float(largest[g])}
                       for g, h in hits.items()},
            "hhi": {**_mc(hhi_hits), "truth": true_hhi}, "found": found, "confidence": confidence}


def rounding_coverage(systems: pd.DataFrame, by: str = "owner", *, weight: str = "h100e", reps: int = 100,
                      n_draws: int = 300, confidence: float = C.DEFAULT_CONFIDENCE, seed: int = 0) -> dict:
    """Coverage of the measurement interval of the HHI (``resample="none"``: anonymized values drawn within their
    rounding intervals) on the real systems given: in each replicate the true values of the anonymized systems are
    drawn uniformly within their rounding intervals (the truth), the data are those values rounded again to one
    significant figure, and the interval is made from the data."""
    rng = np.random.default_rng(seed)
    base = systems[systems[weight].notna() & systems[weight].gt(0)].reset_index(drop=True)
    lo, hi = rounding_bounds(base[weight], base["anonymized"])
    anon = base["anonymized"].to_numpy(bool)
    hits = []
    for r in range(reps):
        true = base.copy()
        true[weight] = np.where(anon, rng.uniform(lo, hi), base[weight])
        long = long_weights(true, by, weight)
        h_true = hhi(group_shares(long, long["w"].to_numpy()))
        data = true.copy()
        v = data.loc[anon, weight].to_numpy()
        unit = 10.0 ** np.floor(np.log10(v))
        data.loc[anon, weight] = np.round(v / unit) * unit
        res = bootstrap_shares(data, by, weight=weight, n_boot=n_draws, seed=seed + r, confidence=confidence,
                               hhi_only=True, resample="none")
        hits.append(res["hhi_low"] <= h_true <= res["hhi_high"])
    return {**_mc(hits), "by": by, "n_systems": len(base), "n_anonymized": int(anon.sum()), "confidence": confidence}
