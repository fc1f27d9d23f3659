"""Robustness of the headline compute trend: the same fit under the choices a reader could reasonably make.

Epoch AI report their frontier growth rate with robustness checks over the frontier definition, the start year,
outlier exclusions and the data (Sevilla & Roldan 2024, "Training compute of frontier AI models grows by 4-5x per
year", appendices: top-5/10/20 frontier, 2010 vs 2018 windows, AlphaGo Master/Zero excluded or not). The
:func:`sensitivity_table` reproduces that layout for our data:

* a grid of frontier size (top-k at release, :data:`TOP_KS`) by window start (:data:`STARTS`), with the baseline
  exclusions (:data:`analysis.constants.EPOCH_FRONTIER_OUTLIERS`);
* the baseline without exclusions;
* the baseline on each pinned Epoch AI snapshot of the notable-models file (:data:`VINTAGES`), as published (no
  overlay; the data layer reads and verifies them: ``analysis.data.sources.notable_vintages(VINTAGES)``), so a
  change between data vintages is visible next to a change of method.

Every row carries its growth per year with the interval, the doubling time with its interval, n and the window,
the fit method, and which choice differs from the baseline (``varied``). Nothing prints.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import pandas as pd

from analysis import constants as C
from analysis.errors import AnalysisError
from analysis.metrics.trends import subset_trend

TOP_KS = (5, 10, 20)
STARTS = ("2010-01-01", "2015-01-01", "2018-01-01")
VINTAGES = ("2026-01-26", "2026-07-19")
BASELINE_TOP_K = C.FRONTIER_TOP_K
BASELINE_SINCE = C.DEEP_LEARNING_ERA_START
COLUMNS = ("varied", "data", "top_k", "since", "until", "exclusions", "n", "start", "end", "growth_per_year",
           "growth_low", "growth_high", "doubling_months", "doubling_low", "doubling_high", "slope_oom_per_year",
           "slope_low", "slope_high", "confidence", "method", "note")


def _row(models: pd.DataFrame, *, varied: str, data: str, top_k: int, since: str, until, exclude: Sequence[str],
         confidence: float, metric: str, method: str, n_boot: int, seed: int) -> dict:
    base = {"varied": varied, "data": data, "top_k": top_k, "since": since,
            "until": None if until is None else pd.Timestamp(until).strftime("%Y-%m-%d"),
            "exclusions": ", ".join(exclude) if exclude else "none", "confidence": confidence, "method": method}
    try:
        fit = subset_trend(models, metric, "frontier", top_k=top_k, since=since, until=until, exclude=exclude,
                           confidence=confidence, method=method, n_boot=n_boot, seed=seed)
    except AnalysisError as exc:
        return {**base, "n": 0, "note": str(exc)}
    r = fit.to_row()
    return {**base, "n": int(fit.n), "start": r["start"].strftime("%Y-%m-%d"), "end": r["end"].strftime("%Y-%m-%d"),
            **{k: r[k] for k in ("growth_per_year", "growth_low", "growth_high", "doubling_months", "doubling_low",
                                 "doubling_high", "slope_oom_per_year", "slope_low", "slope_high")},
            "note": "; ".join(fit.notes)}


def sensitivity_table(models: pd.DataFrame, *, data_label: str = "given data", metric: str = "training_compute_flop",
                      top_ks: Sequence[int] = TOP_KS, starts: Sequence[str] = STARTS,
                      baseline_top_k: int = BASELINE_TOP_K, baseline_since: str = BASELINE_SINCE,
                      exclude: Sequence[str] = C.EPOCH_FRONTIER_OUTLIERS, until: object = None,
                      vintages: Mapping[str, pd.DataFrame] | None = None, confidence: float = C.DEFAULT_CONFIDENCE,
                      method: str = "analytic", n_boot: int = 1000, seed: int = 0) -> pd.DataFrame:
    """The frontier trend of ``metric`` under each robustness choice, one row per fit (see the module docstring).

    The baseline is top-``baseline_top_k`` frontier since ``baseline_since`` with ``exclude`` removed, on
    ``models``; the first row is the baseline. ``vintages`` maps a vintage name to its notable-models table (one
    row each, in the mapping's order); None or empty leaves out the snapshot rows.
    """
    kw = dict(confidence=confidence, metric=metric, method=method, n_boot=n_boot, seed=seed, until=until)
    exclude = tuple(exclude)
    rows = [_row(models, varied="baseline", data=data_label, top_k=baseline_top_k, since=baseline_since,
                 exclude=exclude, **kw)]
    for k in top_ks:
        for s in starts:
            if k == baseline_top_k and s == baseline_since:
                continue
            what = " and ".join(x for x in (f"top-k {k}" if k != baseline_top_k else "",
                                            f"start {s[:4]}" if s != baseline_since else "") if x)
            rows.append(_row(models, varied=what, data=data_label, top_k=k, since=s, exclude=exclude, **kw))
    if exclude:
        rows.append(_row(models, varied="no exclusions", data=data_label, top_k=baseline_top_k,
                         since=baseline_since, exclude=(), **kw))
    for v, vmodels in (vintages or {}).items():
        rows.append(_row(vmodels, varied=f"data vintage {v}",
                         data=f"Epoch AI notable models, snapshot {v} (no overlay)", top_k=baseline_top_k,
                         since=baseline_since, exclude=exclude, **kw))
    return pd.DataFrame(rows).reindex(columns=list(COLUMNS))
