"""The installed stock of AI chips: cumulative H100-equivalents by vendor and by owner, the hyperscalers' share
and its growth, with Epoch AI's percentile bands carried through.

Inputs: :func:`analysis.data.infrastructure_snapshots.chip_stock` (per vendor and quarter) and
:func:`~analysis.data.infrastructure_snapshots.chip_owners` (per owner, vendor and quarter): Epoch's AI Chip Sales
and Chip Owners exports, cumulative deliveries in H100e with 5th, 50th and 95th percentiles. Each vendor's count
starts at its own date (NVIDIA 2022-01-01, Google TPU 2023-01-01, AMD and Amazon Trainium 2024-01-01), so a total
over vendors is *complete* only from the first quarter all four report (``complete``). Huawei is not in these
exports: shares here are of the non-Huawei stock (Epoch's explorer adds Huawei, held in China).

Bands. Per vendor and per owner-vendor: Epoch's own 5th/95th percentiles. A sum over vendors or owners has no
published percentile; two are given: ``*_p05``/``*_p95`` = the sums of the bounds (the band if the errors moved
together: the widest), and for shares a Monte Carlo interval that draws each owner-vendor estimate independently
from a log-normal with Epoch's median whose halves match its 5th and 95th percentiles (``share_low``/``share_high``,
labelled with that assumption; Epoch's own draws are correlated, and the remainder "Other" is what is left after
the named owners, so the band is indicative).

Growth: the hyperscalers' holdings at the end of a year over the end of the previous year, with the same Monte
Carlo interval; and the log-linear trend of quarterly deliveries (differences of the cumulative medians) through
:func:`analysis.metrics.trends.fit_trend`.
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
from scipy import stats

from analysis import constants as C
from analysis.errors import AnalysisError
from analysis.metrics import trends
from analysis.metrics.result import TableResult, meta
from analysis.metrics.vocabulary import check_confidence

VENDORS = ("NVIDIA", "Google TPU", "AMD", "Amazon Trainium")
STOCK_COLUMNS = ("vendor", "end_date", "h100e", "h100e_p05", "h100e_p95")
Z95 = stats.norm.ppf(0.95)
DELIVERIES = "quarterly_h100e_deliveries"
trends.COLUMN_LABELS.setdefault(DELIVERIES, "Quarterly AI-chip deliveries (H100e)")


def _require(df: pd.DataFrame, cols=STOCK_COLUMNS, what: str = "chip stock") -> None:
    missing = [c for c in cols if c not in df.columns]
    if missing:
        raise AnalysisError(f"{what} table has no column {missing[0]!r} (use analysis.data.infrastructure_snapshots)")


def _complete_from(stock: pd.DataFrame) -> pd.Timestamp:
    firsts = stock.groupby("vendor")["end_date"].min()
    return firsts.max()


def stock_by_vendor(stock: pd.DataFrame) -> TableResult:
    """Cumulative H100e per vendor and quarter with Epoch's bands, and a ``total`` row per quarter (sum of medians;
    band = sums of the percentiles), flagged ``complete`` when all vendors report that quarter."""
    _require(stock)
    s = stock[list(STOCK_COLUMNS)].copy()
    last = s.groupby("vendor")["end_date"].max()
    vendors_at = s.groupby("end_date")["vendor"].nunique()
    tot = s.groupby("end_date")[["h100e", "h100e_p05", "h100e_p95"]].sum().reset_index()
    tot["vendor"] = "total"
    tot["n_vendors"] = tot["end_date"].map(vendors_at)
    n_all = s["vendor"].nunique()
    tot["complete"] = tot["n_vendors"].eq(n_all) & tot["end_date"].le(last.min())
    s["n_vendors"], s["complete"] = 1, True
    t = pd.concat([s, tot], ignore_index=True).sort_values(["end_date", "vendor"], kind="mergesort")
    t = t.reset_index(drop=True)
    return TableResult(table=t, info=meta(len(stock), s["end_date"].min(), s["end_date"].max(),
                                          "none: Epoch's 5th-95th percentiles carried (sums of bounds for totals)",
                                          None),
                       settings={"complete_from": _complete_from(stock).strftime("%Y-%m-%d"),
                                 "complete_until": last.min().strftime("%Y-%m-%d"),
                                 "vendors": sorted(s["vendor"].unique())}, rows_key="stock")


def stock_by_owner(owners: pd.DataFrame) -> TableResult:
    """Cumulative H100e per owner and quarter, summed over the vendors each owner holds (Google: NVIDIA + TPU;
    Amazon: NVIDIA + Trainium; Microsoft, Meta, Oracle: NVIDIA + AMD), with the sums of Epoch's percentiles,
    ``vendors`` (which series contributed) and ``complete`` (all four vendors report that quarter)."""
    _require(owners, (*STOCK_COLUMNS, "owner"), "chip owners")
    o = owners.dropna(subset=["h100e"])
    g = o.groupby(["end_date", "owner"])
    t = g[["h100e", "h100e_p05", "h100e_p95"]].sum(min_count=1).reset_index()
    t["vendors"] = g["vendor"].apply(lambda v: ", ".join(sorted(set(v)))).to_numpy()
    vendors_at = o.groupby("end_date")["vendor"].nunique()
    last = o.groupby("vendor")["end_date"].max().min()
    t["complete"] = t["end_date"].map(vendors_at).eq(o["vendor"].nunique()) & t["end_date"].le(last)
    # owners without published percentiles (xAI: two year-end values) keep their median as both bounds
    t["h100e_p05"] = t["h100e_p05"].fillna(t["h100e"])
    t["h100e_p95"] = t["h100e_p95"].fillna(t["h100e"])
    total = t.groupby("end_date")["h100e"].transform("sum")
    t["share_of_median_total"] = t["h100e"] / total
    t = t.sort_values(["end_date", "h100e"], ascending=[True, False], kind="mergesort").reset_index(drop=True)
    return TableResult(table=t, info=meta(int(t["owner"].nunique()), t["end_date"].min(), t["end_date"].max(),
                                          "none: Epoch's 5th-95th percentiles carried (sums of bounds)", None),
                       settings={"complete_until": last.strftime("%Y-%m-%d")}, rows_key="owners")


def percentile_draws(med: np.ndarray, p05: np.ndarray, p95: np.ndarray, rng: np.random.Generator,
                     n: int) -> np.ndarray:
    """(n, k) draws of k estimates: log-normal halves around each median matching its 5th and 95th percentiles
    (a point where the percentiles are missing or equal to the median)."""
    med = np.asarray(med, float)
    lo = np.where(np.isfinite(p05) & (p05 > 0), p05, med)
    hi = np.where(np.isfinite(p95) & (p95 > 0), p95, med)
    s_lo = np.log(np.maximum(med, 1e-300) / np.maximum(lo, 1e-300)) / Z95
    s_hi = np.log(np.maximum(hi, 1e-300) / np.maximum(med, 1e-300)) / Z95
    z = rng.standard_normal((n, len(med)))
    return med * np.exp(np.where(z < 0, z * s_lo, z * s_hi))


def hyperscaler_share(owners: pd.DataFrame, *, hyperscalers=C.HYPERSCALERS, confidence: float = C.DEFAULT_CONFIDENCE,
                      n_draws: int = 4000, seed: int = 0, complete_only: bool = True) -> TableResult:
    """Share of the (non-Huawei) AI-chip stock held by ``hyperscalers`` on each quarter, the medians' share, the
    Monte Carlo interval (independent owner-vendor draws, module docstring), and the year-on-year growth of the
    hyperscalers' holdings at each year end with its interval. ``complete_only``: quarters where every vendor
    reports (else shares mix vendors counted from different start dates). ``all_owners``: every owner of the
    exports has a value that quarter (xAI has year-end values only, and the remainder "Other" excludes it, so the
    other quarters' totals miss xAI's chips); quote those quarters."""
    _require(owners, (*STOCK_COLUMNS, "owner"), "chip owners")
    confidence = check_confidence(confidence)
    a = 1 - confidence
    hyper = set(hyperscalers)
    by_owner = stock_by_owner(owners).table
    dates = sorted(by_owner.loc[by_owner["complete"], "end_date"].unique()) if complete_only else sorted(
        by_owner["end_date"].unique())
    if not dates:
        raise AnalysisError("no quarter in which every vendor reports")
    rng = np.random.default_rng(seed)
    o = owners.dropna(subset=["h100e"])
    every_owner = set(o["owner"])
    rows, hyper_draws = [], {}
    for d in dates:
        x = o[o["end_date"] == d]
        draws = percentile_draws(x["h100e"].to_numpy(), x["h100e_p05"].to_numpy(), x["h100e_p95"].to_numpy(), rng,
                                 n_draws)
        is_h = x["owner"].isin(hyper).to_numpy()
        h_draw = draws[:, is_h].sum(axis=1)
        share = h_draw / draws.sum(axis=1)
        hyper_draws[pd.Timestamp(d)] = h_draw
        med_h = x.loc[is_h, "h100e"].sum()
        rows.append({"end_date": pd.Timestamp(d), "hyperscalers_h100e": med_h,
                     "hyperscalers_p05": x.loc[is_h, "h100e_p05"].fillna(x.loc[is_h, "h100e"]).sum(),
                     "hyperscalers_p95": x.loc[is_h, "h100e_p95"].fillna(x.loc[is_h, "h100e"]).sum(),
                     "total_h100e": x["h100e"].sum(), "share": med_h / x["h100e"].sum(),
                     "share_low": float(np.quantile(share, a / 2)), "share_high": float(np.quantile(share, 1 - a / 2)),
                     "n_estimates": len(x), "all_owners": set(x["owner"]) == every_owner})
    t = pd.DataFrame(rows)
    growth = []
    for d, h in hyper_draws.items():
        prev = pd.Timestamp(d.year - 1, d.month, d.day)
        if d.month == 12 and prev in hyper_draws:
            r = h / hyper_draws[prev]
            growth.append({"end_date": d, "growth": t.loc[t["end_date"] == d, "hyperscalers_h100e"].iloc[0]
                           / t.loc[t["end_date"] == prev, "hyperscalers_h100e"].iloc[0],
                           "growth_low": float(np.quantile(r, a / 2)), "growth_high": float(np.quantile(r, 1 - a / 2))})
    settings = {"hyperscalers": sorted(hyper), "n_draws": n_draws, "seed": seed,
                "interval": "Monte Carlo, independent log-normal halves fitted to Epoch's 5th/50th/95th percentiles",
                "growth": growth, "excludes": "Huawei (not in Epoch's exports)"}
    return TableResult(table=t, info=meta(int(t["n_estimates"].max()), t["end_date"].min(), t["end_date"].max(),
                                          "Monte Carlo of Epoch's percentiles, owners independent", confidence),
                       settings=settings, rows_key="quarters")


def deliveries(stock: pd.DataFrame, vendor: str | None = None) -> pd.DataFrame:
    """Quarterly deliveries in H100e (differences of the cumulative medians; the first quarter is its cumulative
    value) per vendor, or of one ``vendor``: columns vendor, release_date (the quarter's end), h100e."""
    _require(stock)
    rows = []
    for v, g in stock.sort_values("end_date", kind="mergesort").groupby("vendor"):
        if vendor is not None and v != vendor:
            continue
        d = g["h100e"].diff().fillna(g["h100e"])
        rows.append(pd.DataFrame({"vendor": v, "release_date": g["end_date"].to_numpy(),
                                  DELIVERIES: d.to_numpy(), "id": [f"{v} {e:%Y-%m}" for e in g["end_date"]]}))
    if not rows:
        raise AnalysisError(f"no vendor {vendor!r} in the chip stock")
    return pd.concat(rows, ignore_index=True)


def delivery_trends(stock: pd.DataFrame, *, confidence: float = C.DEFAULT_CONFIDENCE) -> TableResult:
    """Growth per year of quarterly deliveries (H100e) per vendor, log-linear with the toolkit's default trend
    interval, and of all vendors together over the quarters where all report."""
    d = deliveries(stock)
    rows = []
    groups = list(d.groupby("vendor"))
    last = stock.groupby("vendor")["end_date"].max().min()
    complete = d[(d["release_date"] >= _complete_from(stock)) & (d["release_date"] <= last)]
    tot = complete.groupby("release_date")[DELIVERIES].sum().reset_index().assign(id=lambda x: x["release_date"]
                                                                                  .astype(str))
    groups.append(("all vendors (quarters all report)", tot))
    for v, g in groups:
        try:
            fit = trends.fit_trend(g, DELIVERIES, confidence=confidence, nonpositive="drop", subset=v)
        except AnalysisError as exc:
            rows.append({"vendor": v, "n": len(g), "note": str(exc)})
            continue
        rows.append({"vendor": v, "n": fit.n, "start": fit.data_start, "end": fit.data_end,
                     "growth_per_year": fit.growth_per_year, "growth_low": fit.growth_per_year_ci[0],
                     "growth_high": fit.growth_per_year_ci[1], "method": fit.interval_kind,
                     "note": "; ".join(fit.notes)})
    t = pd.DataFrame(rows)
    n = int(t["n"].max()) if len(t) else 0
    return TableResult(table=t, info=meta(n, d["release_date"].min(), d["release_date"].max(),
                                          str(t["method"].dropna().iloc[0]) if "method" in t and
                                          t["method"].notna().any() else "none", confidence),
                       settings={"quantity": "quarterly deliveries in H100e (differences of cumulative medians)"},
                       rows_key="trends")


def huawei_share_implied(published_hyperscaler_share: float, ours: float) -> float:
    """The share of the world's stock that the published hyperscaler share (with Huawei in the total) and ours
    (without) imply for Huawei: 1 - published / ours."""
    if not ours > 0:
        return math.nan
    return 1.0 - published_hyperscaler_share / ours
