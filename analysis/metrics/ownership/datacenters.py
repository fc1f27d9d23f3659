"""Frontier data centers: power per site over time, when each site crosses 1 GW, and capital cost per GW.

Input: Epoch AI's "Frontier Data Centers" timelines (:func:`analysis.data.infrastructure_snapshots.
data_center_timelines`: dated milestones of power, H100e and capital cost per site) and the snapshot's access date
``as_of``: milestones after it are Epoch's projections from permits and construction plans, not observations, and
every table says which is which (``observed``).

* :func:`site_power` — each site's power (MW) and H100e at each milestone;
* :func:`gigawatt_crossings` — the first milestone at which a site's power reaches 1 GW (observed or projected),
  and the site's largest planned power;
* :func:`capex_per_gw` — capital cost per GW of power of the sites operating on ``as_of`` (their latest observed
  milestone): the median across sites with the distribution-free order-statistic interval of
  :func:`analysis.metrics.statistics.median_interval` (coverage stated), the ratio of the sums beside it, and the compute / construction
  split. Sites, not milestones, are the units: a site's milestones are one model's extrapolation.
* :func:`beside_projection` — the crossings set beside the toolkit's "when would a training run pass 1 GW"
  extrapolation (:func:`analysis.metrics.infrastructure.projection_table`), so the physical build-out and the
  trend line can be read together.
"""

from __future__ import annotations

import math

import pandas as pd

from analysis import constants as C
from analysis.errors import AnalysisError
from analysis.metrics.ownership.systems import as_date
from analysis.metrics.result import TableResult, meta
from analysis.metrics.statistics import median_interval
from analysis.metrics.vocabulary import check_confidence

TIMELINE_COLUMNS = ("site", "date", "power_mw", "h100e", "capex_2025_usd_bn")


def _require(timelines: pd.DataFrame) -> None:
    missing = [c for c in TIMELINE_COLUMNS if c not in timelines.columns]
    if missing:
        raise AnalysisError(f"data-center timelines have no column {missing[0]!r} (use analysis.data."
                            "infrastructure_snapshots.data_center_timelines())")


def site_power(timelines: pd.DataFrame, as_of: object) -> TableResult:
    """Power (MW), H100e and capital cost of each site at each milestone, with ``observed`` (on or before
    ``as_of``) and ``gw`` (power / 1000)."""
    _require(timelines)
    cut = as_date(as_of, "as_of")
    t = timelines.sort_values(["site", "date"], kind="mergesort").reset_index(drop=True)
    t = t.assign(observed=t["date"] <= cut, gw=t["power_mw"] / C.GIGAWATT_MW)
    cols = ["site", "date", "observed", "power_mw", "gw", "h100e", "capex_2025_usd_bn", "buildings"]
    t = t[[c for c in cols if c in t.columns]]
    return TableResult(table=t, info=meta(int(t["site"].nunique()), t["date"].min(), t["date"].max(),
                                          "none: Epoch's milestones (observed and projected)", None),
                       settings={"as_of": cut.strftime("%Y-%m-%d"), "n_observed": int(t["observed"].sum()),
                                 "n_projected": int((~t["observed"]).sum())}, rows_key="milestones")


def gigawatt_crossings(timelines: pd.DataFrame, as_of: object, threshold_mw: float = C.GIGAWATT_MW) -> TableResult:
    """One row per site: the first milestone with power >= ``threshold_mw`` (date, power, observed or projected),
    or none; the site's power on ``as_of`` and its largest planned power. Sorted by crossing date."""
    _require(timelines)
    cut = as_date(as_of, "as_of")
    rows = []
    for site, g in timelines.sort_values("date", kind="mergesort").groupby("site", sort=True):
        hit = g[g["power_mw"] >= threshold_mw]
        now = g[g["date"] <= cut]
        first = hit.iloc[0] if len(hit) else None
        rows.append({"site": site, "crosses": first is not None,
                     "date": first["date"] if first is not None else pd.NaT,
                     "power_mw_at_crossing": first["power_mw"] if first is not None else math.nan,
                     "observed": bool(first["date"] <= cut) if first is not None else False,
                     "power_mw_now": float(now["power_mw"].iloc[-1]) if len(now) else 0.0,
                     "power_mw_max": float(g["power_mw"].max()), "last_milestone": g["date"].max()})
    t = pd.DataFrame(rows).sort_values(["crosses", "date", "site"], ascending=[False, True, True],
                                       kind="mergesort").reset_index(drop=True)
    n_cross = int(t["crosses"].sum())
    return TableResult(table=t, info=meta(len(t), timelines["date"].min(), timelines["date"].max(),
                                          "none: Epoch's milestones (observed and projected)", None),
                       settings={"as_of": cut.strftime("%Y-%m-%d"), "threshold_mw": float(threshold_mw),
                                 "n_crossing": n_cross, "n_crossed_by_as_of": int(t["observed"].sum())},
                       rows_key="sites")


def capex_per_gw(timelines: pd.DataFrame, as_of: object, *, confidence: float = C.DEFAULT_CONFIDENCE) -> TableResult:
    """Capital cost (2025 USD bn) per GW at each site's latest observed milestone with power > 0 (module
    docstring). Rows: one per site, then summary rows (``site`` = "median of sites", "ratio of sums")."""
    _require(timelines)
    confidence = check_confidence(confidence)
    cut = as_date(as_of, "as_of")
    obs = timelines[(timelines["date"] <= cut)].sort_values("date", kind="mergesort").groupby("site").tail(1)
    obs = obs[obs["power_mw"] > 0].copy()
    if len(obs) < 2:
        raise AnalysisError("fewer than 2 sites with power on the access date")
    gw = obs["power_mw"] / C.GIGAWATT_MW
    obs["usd_bn_per_gw"] = obs["capex_2025_usd_bn"] / gw
    for part in ("compute_cost_2025_usd_bn", "construction_cost_2025_usd_bn"):
        if part in obs.columns:
            obs[part.replace("_2025_usd_bn", "_usd_bn_per_gw")] = obs[part] / gw
    per = obs[["site", "date", "power_mw", "capex_2025_usd_bn", "usd_bn_per_gw"]
              + [c for c in ("compute_usd_bn_per_gw", "construction_usd_bn_per_gw") if c in obs.columns]]
    per = per.sort_values("usd_bn_per_gw", kind="mergesort").reset_index(drop=True)
    (lo, hi), cov = median_interval(per["usd_bn_per_gw"].to_numpy(), confidence)
    summary = pd.DataFrame([
        {"site": "median of sites", "usd_bn_per_gw": float(per["usd_bn_per_gw"].median()), "low": lo, "high": hi,
         "coverage": cov, "power_mw": float(per["power_mw"].sum())},
        {"site": "ratio of sums", "usd_bn_per_gw": float(obs["capex_2025_usd_bn"].sum() / gw.sum()),
         "power_mw": float(per["power_mw"].sum())}])
    table = pd.concat([per, summary], ignore_index=True)
    settings = {"as_of": cut.strftime("%Y-%m-%d"), "n_sites": len(per), "median": summary.iloc[0]["usd_bn_per_gw"],
                "low": lo, "high": hi, "coverage": cov,
                "interval": "order-statistic interval for the median across sites (Hettmansperger-Sheather interpolation)"}
    return TableResult(table=table, info=meta(len(per), per["date"].min(), per["date"].max(),
                                              f"order statistics of {len(per)} sites, coverage {cov:.3f}",
                                              confidence), settings=settings, rows_key="sites")


def beside_projection(crossings: pd.DataFrame, projection: pd.DataFrame) -> pd.DataFrame:
    """The sites' 1 GW crossings and the run-power projection's 1 GW row in one table: ``kind`` = "data center
    (observed)", "data center (projected by Epoch)" or "training run (trend extrapolation)", with dates and, for
    the projection, its confidence and prediction intervals."""
    rows = []
    for r in crossings[crossings["crosses"]].itertuples():
        rows.append({"what": r.site, "kind": "data center (observed)" if r.observed else
                     "data center (projected by Epoch)", "date": r.date, "low": pd.NaT, "high": pd.NaT,
                     "power_mw": r.power_mw_at_crossing})
    p = projection[projection["column"].eq("training_power_draw_w")]
    for r in p.itertuples():
        rows.append({"what": f"frontier training run ({r.subset}, trend since {pd.Timestamp(r.fit_start).year})",
                     "kind": "training run (trend extrapolation)", "date": r.date, "low": r.date_low,
                     "high": r.date_high, "pi_low": r.date_pi_low, "pi_high": r.date_pi_high,
                     "power_mw": r.level / 1e6})
    return pd.DataFrame(rows).sort_values("date", kind="mergesort").reset_index(drop=True)
