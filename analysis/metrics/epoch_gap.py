"""Epoch AI's published open–closed gap on the ECI, reproduced with Epoch's own estimands, beside ours, and the
difference between them taken apart.

Epoch AI published the gap twice:

* Emberson, "Open-weight models lag state-of-the-art by around 3 months on average" (30 Oct 2025,
  https://epoch.ai/data-insights/open-weights-vs-closed-weights-models), January 2023 – October 2025: "the
  horizontal distance between the two lines across the range of ECI values where such lines can be drawn", 3.5
  months (90% CI 1.1–5.3); the vertical distance averaged over dates, 7 points (90% CI 0–14). Estimand here:
  :func:`level_average_gap` (months) and the day-averaged vertical gap of
  :func:`analysis.metrics.capabilities.frontier_gap` (points).
* Edwards & Emberson, "Open models lag state-of-the-art closed models by 4 months" (29 May 2026,
  https://epoch.ai/data-insights/open-closed-eci-gap), 1 January – 28 May 2026: day by day, the days since the
  state of the art was last not significantly better than the best open model, averaged: 4 months; 8 points
  (90% CI 7–11). Estimand: :func:`analysis.metrics.capabilities.frontier_gap`.

Ours is the median lag over levels (:mod:`analysis.metrics.openness.lag`). :func:`epoch_gap_comparison` lays the
published values, Epoch's estimands on the pinned indexes and ours side by side, one row per step of the
difference: the estimand, the dating of scores (by the version that earned them, or back-dated to the model's
first version as before), the fit of the index (Epoch's November 2025 ECI file against the April 2026 hub), the
window, and the tolerance standing in for Epoch's significance test.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from analysis import constants as C
from analysis.constants import DAYS_PER_MONTH
from analysis.data.benchmark_hub import version_steps
from analysis.errors import AnalysisError
from analysis.metrics.capabilities import frontier_gap, group_labels
from analysis.metrics.openness import in_window, open_closed_lag, records
from analysis.metrics.openness.lag import level_lags
from analysis.metrics.result import TableResult, meta
from analysis.metrics.statistics import drawn_rows, percentile_interval


def _group_arrays(versions: pd.DataFrame, by: str, until) -> tuple[tuple, tuple, np.ndarray, np.ndarray]:
    g = group_labels(versions, by)
    ok = g.notna() & versions["release_date"].notna() & versions["score"].notna()
    if until is not None:
        ok &= versions["release_date"] <= pd.Timestamp(until)
    v = versions[ok]
    leader = (g[ok] == ("closed" if by == "open" else "US")).to_numpy()
    day = v["release_date"].to_numpy().astype("datetime64[D]").astype(np.int64)
    val = v["score"].to_numpy(float)
    code = pd.factorize(v["model"].to_numpy())[0]
    return (day[leader], val[leader], code[leader]), (day[~leader], val[~leader], code[~leader]), leader, code


def _level_average(lead, follow, start: int, tol: float) -> float:
    """Mean horizontal distance (months) over the levels both frontiers reached, above both groups' first levels
    and the leader's level on ``start``; the follower counts as having reached a level ``tol`` points above its
    score."""
    ld, lv, _ = records(lead[0], lead[1], lead[2])
    fd, fv, _ = records(follow[0], follow[1] + tol, follow[2])
    w, lag, cens = level_lags(ld, lv, fd, fv, int(max(ld[-1], fd[-1])) if len(ld) and len(fd) else 0, start)
    ok = ~cens
    if not ok.any():
        return float("nan")
    return float(np.sum(w[ok] * lag[ok]) / np.sum(w[ok])) / DAYS_PER_MONTH


def level_average_gap(versions: pd.DataFrame, by: str = "open", since=None, until=None, tolerance_points: float = 0.0,
                      n_boot: int = 1000, seed: int = 0, confidence: float = C.DEFAULT_CONFIDENCE
                      ) -> tuple[float, tuple[float, float]]:
    """Epoch AI's October 2025 time gap: the horizontal distance between the leader's and the follower's frontier
    averaged uniformly over the ECI levels both reached within [since, until] (months), with a calibrated
    bootstrap interval over models. Returns (months, (low, high))."""
    lead, follow, _, _ = _group_arrays(versions, by, until)
    if len(lead[0]) == 0 or len(follow[0]) == 0:
        raise AnalysisError("need models in both groups for the level-averaged gap")
    start = int(np.datetime64(pd.Timestamp(since), "D").astype(np.int64)) if since is not None else \
        int(max(lead[0].min(), follow[0].min()))
    est = _level_average(lead, follow, start, tolerance_points)
    rng = np.random.default_rng(seed)
    boot = np.empty(n_boot)
    nl, nf = lead[2].max() + 1, follow[2].max() + 1
    for b in range(n_boot):
        il = drawn_rows(lead[2], rng.integers(0, nl, nl))
        jf = drawn_rows(follow[2], rng.integers(0, nf, nf))
        boot[b] = _level_average(tuple(a[il] for a in lead), tuple(a[jf] for a in follow), start, tolerance_points)
    return est, percentile_interval(boot, confidence)


def _ours(versions: pd.DataFrame, since, until, n_boot: int, seed: int, confidence: float):
    g = group_labels(versions, "open")
    ok = g.notna() & versions["release_date"].notna() & versions["score"].notna()
    v = versions[ok]
    e = pd.DataFrame({"model_id": v["model"], "date": v["release_date"], "value": v["score"],
                      "organization": v["organization"], "open_weights": (g[ok] == "open").to_numpy()})
    return open_closed_lag(in_window(e, None, until), benchmark="eci", n_boot=n_boot, seed=seed,
                           confidence=confidence, as_of=until, levels_since=since)


def first_version_dated(hub: pd.DataFrame) -> pd.DataFrame:
    """The ECI per model as it was dated before: the best version's score at the model's earliest version's date
    (Gemini 1.5 Pro: gemini-1.5-pro-002's 132.8 on 2024-02-15). Only to measure what the dating changes."""
    e = hub[(hub["benchmark"] == "eci") & hub["score"].notna()]
    best = e.sort_values(["model", "score", "model_version"], ascending=[True, False, True], kind="stable")
    best = best.drop_duplicates("model").copy()
    best["release_date"] = best["model"].map(e.groupby("model")["release_date"].min())
    return best.reset_index(drop=True)


def epoch_gap_comparison(april_hub: pd.DataFrame, november_hub: pd.DataFrame, n_boot: int = 1000, seed: int = 0,
                         confidence: float = C.DEFAULT_CONFIDENCE) -> TableResult:
    """Epoch AI's published open–closed ECI gaps, Epoch's estimands on our pinned indexes, and ours (module
    docstring), one row per step of the difference.

    ``april_hub`` / ``november_hub``: :func:`analysis.data.benchmark_hub.load_hub` of the ECI of hub vintages
    2026-04-19 and 2025-11-07. Blocks: ``2026`` (Epoch's May 2026 window, cut at the end of our data), ``2025``
    (Epoch's October 2025 window) and ``full`` (every day both groups have a model, what ``capabilities`` prints).

    Table columns: block, row, source, index, dating, estimand, window_start, window_end, tolerance_points,
    months, months_low, months_high, points, points_low, points_high. Published rows carry Epoch's values and
    intervals (NaN where none was published); ``months`` is inf where more than half of the levels are not reached.
    """
    april, november = version_steps(april_hub, "eci"), version_steps(november_hub, "eci")
    first = first_version_dated(april_hub)
    e25, e26 = C.EPOCH_ECI_GAP_2025, C.EPOCH_ECI_GAP_2026
    data_end = april["release_date"].max()
    w26 = (pd.Timestamp(e26["since"]), min(pd.Timestamp(e26["until"]), data_end))
    w25 = (pd.Timestamp(e25["since"]), pd.Timestamp(e25["until"]))
    rows = []
    nan2 = (float("nan"), float("nan"))
    day_avg = "Epoch 2026: average over days of the time since the SOTA was last within the tolerance"
    lvl_avg = "Epoch 2025: average over ECI levels of the horizontal distance; points: average over days"
    ours = "ours: median over levels of the months open models took (levels not reached counted as censored)"
    apr, nov, ver, back = "hub 2026-04-19", "ECI file 2025-11-07", "model versions", "first version (back-dated)"

    def add(block, row, source, index, dating, estimand, window, tol, months, mci, points=float("nan"), pci=nan2):
        rows.append({"block": block, "row": row, "source": source, "index": index, "dating": dating,
                     "estimand": estimand, "window_start": pd.Timestamp(window[0]),
                     "window_end": pd.Timestamp(window[1]), "tolerance_points": tol, "months": months,
                     "months_low": mci[0], "months_high": mci[1], "points": points, "points_low": pci[0],
                     "points_high": pci[1]})

    def gap(vers, window, tol=0.0):
        return frontier_gap(vers, "open", since=window[0], until=window[1], n_boot=n_boot, seed=seed,
                            confidence=confidence, tolerance_points=tol)

    def day_row(block, row, index, dating, vers, window, tol=0.0):
        g = gap(vers, window, tol)
        add(block, row, "ours", index, dating, day_avg, g.window, tol, g.gap_months, g.gap_months_ci, g.gap_points,
            g.gap_points_ci)

    def lag_row(block, row, window):
        lag = _ours(april, window[0], window[1], n_boot, seed, confidence)
        add(block, row, "ours", apr, ver, ours, (window[0] or lag.window[0], window[1] or lag.window[1]),
            float("nan"), lag.median_lag_months, lag.lag_months_ci)

    add("2026", "published-2026", "Edwards & Emberson (2026)", "Epoch, May 2026", ver, day_avg,
        (e26["since"], e26["until"]), float("nan"), e26["months"], nan2, e26["points"], e26["points_ci"])
    for tol in (0.0, 1.0, 2.0):
        day_row("2026", f"epoch-2026-tolerance-{tol:g}", apr, ver, april, w26, tol)
    day_row("2026", "epoch-2026-first-version", apr, back, first, w26)
    lag_row("2026", "ours-2026", w26)
    add("2025", "published-2025", "Emberson (2025)", "Epoch, October 2025", ver, lvl_avg,
        (e25["since"], e25["until"]), float("nan"), e25["months"], e25["months_ci"], e25["points"],
        e25["points_ci"])
    for row, index, dating, vers in (("epoch-2025-index-2025-11", nov, ver, november),
                                     ("epoch-2025-index-2026-04", apr, ver, april),
                                     ("epoch-2025-first-version", apr, back, first)):
        m, mci = level_average_gap(vers, "open", since=w25[0], until=w25[1], n_boot=n_boot, seed=seed,
                                   confidence=confidence)
        g = gap(vers, w25)
        add("2025", row, "ours", index, dating, lvl_avg, w25, 0.0, m, mci, g.gap_points, g.gap_points_ci)
    day_row("2025", "epoch-2026-estimand-2025-window", apr, ver, april, w25)
    lag_row("2025", "ours-2025", w25)
    day_row("full", "epoch-2026-full", apr, ver, april, (None, None))
    day_row("full", "epoch-2026-full-first-version", apr, back, first, (None, None))
    lag_row("full", "ours-full", (None, None))
    table = pd.DataFrame(rows)
    info = meta(int(april["model"].nunique()), april["release_date"].min(), data_end,
                "bootstrap over models (Epoch's estimands) or organizations (ours), read at the calibrated level; "
                "published rows: Epoch's intervals", confidence)
    return TableResult(table=table, info=info, settings={"n_boot": n_boot, "seed": seed})
