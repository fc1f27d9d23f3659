"""How fast the leading AI supercomputers grow: performance, chips, chips' performance, power, cost, efficiency.

Reproduces Pilz et al. 2025, "Trends in AI Supercomputers" (arXiv:2504.16026) with their estimand: a log-linear
OLS of each quantity of the leading systems (:func:`analysis.metrics.ownership.systems.leading_mask`) on the date
they first became operational, growth per year = 10**slope. Published: performance 2.5x per year (doubling every
nine months), 1.6x more chips and 1.6x better chips per year, power and hardware cost about 2x per year
(:mod:`analysis.constants`, ``PILZ_2025_*``).

Interval: the systems of one owner are not independent (phases of one site, twin clusters such as Meta's two
24,576-GPU clusters), so the default interval resamples owners (:func:`analysis.metrics.trends.fit_trend` with
``method="cluster-bootstrap"``: owners harmonized to parent families; anonymized Chinese systems, whose owner is
withheld, are singletons), widened for few clusters as that function documents. The HC3 interval that treats
systems as independent is given beside it. ``tests/test_clusters.py`` measures both intervals' coverage on
simulated data shaped like these systems (owner effects, 2019-2025 dates).

Decomposition: on the systems with a known chip count, log10(performance) = log10(chips) + log10(performance per
chip), so the three OLS slopes on those rows add up exactly (``settings['decomposition']``).
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd

from analysis import constants as C
from analysis.errors import AnalysisError
from analysis.metrics import trends
from analysis.metrics.ownership.systems import describe_selection, leading_mask, require
from analysis.metrics.result import TableResult, meta

# our column -> (label, unit, published growth per year or None, where it is published)
QUANTITIES: dict[str, tuple[str, str, float | None, str]] = {
    "ops_16bit": ("16-bit performance", "OP/s", C.PILZ_2025_PERFORMANCE_GROWTH,
                  "Pilz et al. 2025, abstract (doubling every 9 months) and Epoch data insight (2.5x/yr)"),
    "h100e": ("Performance in H100-equivalents", "H100e", None, ""),
    "chips": ("AI chips", "chips", C.PILZ_2025_CHIPS_GROWTH, "Epoch data insight on Pilz et al. 2025 (1.6x/yr)"),
    "ops_per_chip": ("16-bit performance per chip", "OP/s per chip", C.PILZ_2025_PER_CHIP_GROWTH,
                     "Epoch data insight on Pilz et al. 2025 (1.6x/yr)"),
    "power_mw": ("Power capacity", "MW", C.PILZ_2025_POWER_GROWTH,
                 "Pilz et al. 2025, abstract (doubled every year; data insight: every 13 months)"),
    "hardware_cost_usd": ("Hardware cost", "2025 USD", C.PILZ_2025_COST_GROWTH,
                          "Epoch data insight on Pilz et al. 2025 (1.9x/yr; abstract: doubled every year)"),
    "ops_per_watt": ("Energy efficiency", "16-bit OP/s per W", None, ""),
}
PREFIX = "supercomputer_"
METHODS = ("cluster-bootstrap", "analytic", "bootstrap")


def _register_labels() -> None:
    for col, (label, _unit, _pub, _src) in QUANTITIES.items():
        trends.COLUMN_LABELS.setdefault(PREFIX + col, f"{label} of leading AI supercomputers")


def trend_frame(systems: pd.DataFrame) -> pd.DataFrame:
    """The columns :func:`analysis.metrics.trends.fit_trend` reads: release_date (first operational), organization
    (owner, for the cluster bootstrap), id, name and one ``supercomputer_<quantity>`` column per quantity."""
    out = pd.DataFrame({"id": systems["id"].astype(str), "name": systems["name"].astype(str),
                        "release_date": systems["first_operational"],
                        "organization": systems["owner"].fillna("").astype(str)}, index=systems.index)
    chips = systems["chips"].where(systems["chips"] > 0)
    derived = {"ops_per_chip": systems["ops_16bit"] / chips}
    for col in QUANTITIES:
        out[PREFIX + col] = derived[col] if col in derived else systems[col]
    return out


def _fit(frame: pd.DataFrame, col: str, *, confidence: float, method: str, n_boot: int, seed: int):
    return trends.fit_trend(frame, PREFIX + col, confidence=confidence, method=method, n_boot=n_boot, seed=seed,
                            nonpositive="drop", subset="leading AI supercomputers")


def leading_trends(clusters: pd.DataFrame, *, top: int = C.PILZ_2025_LEADING_TOP,
                   since: object = C.PILZ_2025_LEADING_SINCE, until: object = None,
                   certainty=C.CLUSTER_CERTAINTY_DEFAULT, rank: str = "epoch",
                   confidence: float = C.DEFAULT_CONFIDENCE, method: str = "cluster-bootstrap", n_boot: int = 2000,
                   seed: int = 0) -> TableResult:
    """Growth per year of each quantity of the leading systems, with its interval (``method``; the HC3 interval
    beside it), n and window, the published value and whether it lies in our interval.

    One row per quantity (:data:`QUANTITIES`). Settings: the selection in words, the decomposition check, the
    interval method. Meta: n = leading systems, window = their first and last first-operational date.
    """
    require(clusters)
    m = leading_mask(clusters, top=top, since=since, until=until, certainty=certainty, rank=rank)
    systems = clusters[m]
    if len(systems) < trends.MIN_POINTS:
        raise AnalysisError(f"only {len(systems)} leading systems in the window; need {trends.MIN_POINTS}")
    frame = trend_frame(systems)
    rows = []
    kind = method
    for col, (label, unit, published, source) in QUANTITIES.items():
        try:
            fit = _fit(frame, col, confidence=confidence, method=method, n_boot=n_boot, seed=seed)
            hc3 = _fit(frame, col, confidence=confidence, method="analytic", n_boot=n_boot, seed=seed)
        except AnalysisError as exc:
            rows.append({"quantity": label, "column": col, "unit": unit, "n": 0, "note": str(exc)})
            continue
        lo, hi = fit.growth_per_year_ci
        if col == "ops_16bit":
            kind = fit.interval_kind
        rows.append({
            "quantity": label, "column": col, "unit": unit, "n": fit.n, "start": fit.data_start, "end": fit.data_end,
            "growth_per_year": fit.growth_per_year, "growth_low": lo, "growth_high": hi,
            "doubling_months": fit.doubling_months, "doubling_low": fit.doubling_months_ci[0],
            "doubling_high": fit.doubling_months_ci[1], "hc3_low": hc3.growth_per_year_ci[0],
            "hc3_high": hc3.growth_per_year_ci[1], "r2": fit.r2, "n_clusters": fit.n_clusters,
            "published_growth": published, "published_source": source,
            "published_in_interval": None if published is None else bool(lo <= published <= hi),
            "confidence": confidence, "method": fit.method, "note": "; ".join(fit.notes)})
    table = pd.DataFrame(rows)
    settings = {"selection": describe_selection(top=top, since=since, until=until, certainty=certainty, rank=rank),
                "method": method, "n_boot": n_boot, "seed": seed,
                "decomposition": decomposition(frame),
                "published": "Pilz et al. 2025 (arXiv:2504.16026) and Epoch AI's data insights on its dataset"}
    return TableResult(table=table, info=meta(len(systems), systems["first_operational"].min(),
                                              systems["first_operational"].max(), kind, confidence),
                       settings=settings, rows_key="trends")


def _slope(x: np.ndarray, y: np.ndarray) -> float:
    xc = x - x.mean()
    return float(np.sum(xc * (y - y.mean())) / np.sum(xc * xc))


def decomposition(frame: pd.DataFrame) -> dict:
    """Slopes (OOM/yr) of performance, chips and performance per chip on the rows where all three are known;
    ``residual`` = performance - chips - per chip (0 up to rounding: OLS is linear in the response)."""
    cols = [PREFIX + c for c in ("ops_16bit", "chips", "ops_per_chip")]
    d = frame.dropna(subset=cols + ["release_date"])
    d = d[(d[cols] > 0).all(axis=1)]
    if len(d) < trends.MIN_POINTS:
        return {"n": len(d)}
    x = np.asarray(trends.decimal_year(d["release_date"]), dtype=float)
    s = {c: _slope(x, np.log10(d[PREFIX + c].to_numpy(float))) for c in ("ops_16bit", "chips", "ops_per_chip")}
    return {"n": len(d), **{f"{k}_growth": 10 ** v for k, v in s.items()},
            "chips_share_of_growth": s["chips"] / s["ops_16bit"] if s["ops_16bit"] else math.nan,
            "residual": s["ops_16bit"] - s["chips"] - s["ops_per_chip"]}


_register_labels()
