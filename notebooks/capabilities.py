# ---
# jupyter:
#   kernelspec:
#     display_name: Frontier Atlas (.venv)
#     language: python
#     name: frontier-atlas
# ---

# %% [markdown]
# # Are open models catching up on a composite index? And what does openness spill into?
#
# Single benchmarks saturate (MMLU since 2024): the field now compares models on composite measures. Epoch AI's
# **Capabilities Index** (ECI) is an item-response model fitted across about 40 benchmarks, scaled so that Claude
# 3.5 Sonnet scores 130 and GPT-5 150 (https://epoch.ai/eci). This report reads Epoch's **Benchmarking Hub**
# snapshot (every benchmark file and the ECI, pinned with their sha256) and asks: how far behind the closed
# frontier is the open-weights frontier, in index points and in months, and the US against China; how much
# capability a model gets per FLOP of training compute; which benchmarks are saturated and which can still tell
# open and closed models apart; and, from Epoch's notable-models `Base model` column, how many notable models are
# built on an open base, by whom, and how soon after the base's release.
#
# **Method.** Each ECI score is dated by the model version that earned it (Gemini 1.5 Pro's 132.8 is its
# September 2024 version's, not its February one's). A group's *frontier* is its running best ECI over time. Two
# measures of how far open models trail, each with its own name: **Epoch AI's average gap** (each day, how far the
# state of the art stands above the best open model in points, and since when it has, in months; averaged over the
# window; Epoch's estimand of 2026) and **our median lag** (for every ECI level the closed frontier reached, the
# months until the open frontier reached it; the median over levels, with levels not yet reached counted as
# censored). Intervals: bootstrap over models (Epoch's) or organizations (ours), read at a calibrated level, with
# the coverage our lag's interval reached in simulation printed beside it. Open weights = Epoch's accessibility
# "Open weights (…)".
#
# **Caveats.** Epoch re-fits the ECI with each release, so levels and gaps move between vintages; the comparison
# with Epoch's published gaps below takes the difference apart (estimand, dating, index fit, window, significance).
# Epoch counts an open model as caught up when the state of the art is not *significantly* better, which needs the
# index's bootstrap re-fits; our tolerance in points stands in for it. The residual trend against compute mixes
# pre-training efficiency with post-training, data and inference-time reasoning. Hub scores come from many
# evaluators and scaffolds.
#
# **Sources.** Epoch AI, "AI Benchmarking Hub" (CC BY 4.0, https://epoch.ai/benchmarks); Epoch AI, "Data on AI
# Models" (CC BY 4.0); Emberson (2025), https://epoch.ai/data-insights/open-weights-vs-closed-weights-models;
# Edwards & Emberson (2026), https://epoch.ai/data-insights/open-closed-eci-gap.

# %% tags=["parameters"]
data_spec: str = ""  # models for the spillovers: empty for the default data (falls back to Epoch's notable snapshot)
hub_vintage: str = "2026-04-19"  # Benchmarking Hub snapshot under data/upstream/epoch-ai/
gap_since: str = ""  # start of the averaging window of the gaps, empty for the first day both groups have a model
recent_since: str = "2026-01-01"  # start of the 'recent' window reported beside the full one
confidence: float = 0.90  # level of every interval
n_boot: int = 1000  # bootstrap replicates of the gap intervals
ceiling: float = 90.0  # score (%) from which a benchmark counts as saturated
output_dir: str = ""  # set by the report runner; empty shows figures only

# %%
from functools import partial

import numpy as np
import pandas as pd

from analysis.data import benchmark_hub as bh
from analysis.data import upstream
from analysis.data.dataset import load_with_bases
from analysis.errors import AnalysisError
from analysis.metrics import capabilities as cap
from analysis.metrics import spillovers as sp
from analysis.metrics.openness import open_closed_lag
from analysis.metrics.result import partial_year
from analysis.reporting import citation
from analysis.reporting.figures import (
    CLOSED_COLOR,
    OPEN_COLOR,
    PALETTE,
    ReportOutput,
    label_log_axis,
    labelled_scatter,
    mark_partial_year,
    new_figure,
    point_titles,
    running_best_plot,
    short_label,
)

out = ReportOutput(output_dir)
hub = bh.load_hub(hub_vintage)
eci = bh.per_model(hub, "eci")  # one row per model: its best version's score, on that version's date
eci_versions = bh.version_steps(hub, "eci")  # every version that raised its model's best, on its own date
HUB_SOURCE = citation.benchmarking_hub(hub_vintage, files=[bh.ECI_FILE])
sources = pd.DataFrame(bh.files(hub_vintage), columns=["file", "sha256"])
sources["rows"] = [len(pd.read_csv(upstream.UPSTREAM_DIR.parent / f, usecols=[0])) for f in sources["file"]]
out.table(sources, "capabilities-data-sources")
out.table(pd.DataFrame([{"n_files": len(sources), "n_rows": int(sources["rows"].sum()), "n_results": len(hub),
                         "n_eci_models": len(eci)}]), "capabilities-data-summary")
out.prose(f"Data: {out.number('capabilities-data-summary', 0, 'n_files', '{:d}')} files of the Benchmarking Hub "
          f"snapshot {hub_vintage} ({out.number('capabilities-data-summary', 0, 'n_rows', '{:d}')} rows; "
          f"{out.number('capabilities-data-summary', 0, 'n_results', '{:d}')} scored results with a model version), "
          f"{out.number('capabilities-data-summary', 0, 'n_eci_models', '{:d}')} models with an ECI score. File "
          "hashes are in table `capabilities-data-sources`.")

# %% [markdown]
# ## Open against closed on the ECI

# %%
windows = [("open", gap_since or None, None, "full window"), ("open", recent_since, None, f"since {recent_since}"),
           ("country", gap_since or None, None, "full window")]
gap_rows, gaps = [], {}
for by, since, until, label in windows:
    g = cap.eci_gap(eci_versions, by, since=since, until=until, n_boot=n_boot, confidence=confidence)
    gaps[(by, label)] = g
    gap_rows.append(g.to_frame().assign(window=label))
gap_table = pd.concat(gap_rows, ignore_index=True)
full = gaps[("open", "full window")]
fig, ax = running_best_plot(full.frontier, full.window[1], (("closed", CLOSED_COLOR), ("open", OPEN_COLOR)),
                            {g: eci[eci["open"] == (g == "open")] for g in ("closed", "open")},
                            ylabel="Epoch Capabilities Index (points)", title="Best open and closed models on the ECI")
out.figure(fig, "eci-frontier-open-closed",
           caption="Running best Epoch Capabilities Index of closed and open-weights models, each score dated by the "
                   "model version that earned it (steps), over every model's best version (dots). Epoch AI's "
                   f"average gap: {full.caption()}.",
           alt="Two rising step lines, closed and open-weights models, with dots for every model.", table=full.frontier,
           source=HUB_SOURCE, result=full)
out.table(gap_table, "eci-gap-summary")
ci = f"{confidence:.0%}"
cov = (f"{out.number('eci-gap-summary', 0, 'lag_coverage_low', '{:.2f}')}–"
       f"{out.number('eci-gap-summary', 0, 'lag_coverage_high', '{:.2f}')}")
out.prose(
    f"Over {out.number('eci-gap-summary', 0, 'window_start', '{}')} to "
    f"{out.number('eci-gap-summary', 0, 'window_end', '{}')} "
    f"(n = {out.number('eci-gap-summary', 0, 'n_leader', '{:d}')} closed and "
    f"{out.number('eci-gap-summary', 0, 'n_follower', '{:d}')} open models), open-weights models took a median of "
    f"**{out.number('eci-gap-summary', 0, 'lag_months', '{:.1f}')} months** to reach the ECI levels closed models "
    f"reached first (our median lag over levels; interval {out.number('eci-gap-summary', 0, 'lag_low', '{:.1f}')}–"
    f"{out.number('eci-gap-summary', 0, 'lag_high', '{:.1f}')} at nominal {ci}, coverage {cov} in simulation; "
    f"{out.number('eci-gap-summary', 0, 'lag_share_censored', '{:.0%}')} of the levels not reached yet). "
    f"By Epoch AI's estimand, the average gap over the days of the window, the best open model trailed the state of "
    f"the art by **{out.number('eci-gap-summary', 0, 'gap_points', '{:.1f}')} ECI points** ({ci} CI "
    f"{out.number('eci-gap-summary', 0, 'gap_points_low', '{:.1f}')}–"
    f"{out.number('eci-gap-summary', 0, 'gap_points_high', '{:.1f}')}) and "
    f"**{out.number('eci-gap-summary', 0, 'gap_months', '{:.1f}')} months** "
    f"({out.number('eci-gap-summary', 0, 'gap_months_low', '{:.1f}')}–"
    f"{out.number('eci-gap-summary', 0, 'gap_months_high', '{:.1f}')}). Since {recent_since}: "
    f"{out.number('eci-gap-summary', 1, 'gap_points', '{:.1f}')} points "
    f"({out.number('eci-gap-summary', 1, 'gap_points_low', '{:.1f}')}–"
    f"{out.number('eci-gap-summary', 1, 'gap_points_high', '{:.1f}')}) and "
    f"{out.number('eci-gap-summary', 1, 'gap_months', '{:.1f}')} months "
    f"({out.number('eci-gap-summary', 1, 'gap_months_low', '{:.1f}')}–"
    f"{out.number('eci-gap-summary', 1, 'gap_months_high', '{:.1f}')}) by Epoch's estimand.")

# %% [markdown]
# ## Epoch AI's published gap, reproduced and taken apart
#
# Epoch AI published the open–closed ECI gap twice (sources and definitions in `analysis/metrics/epoch_gap.py`).
# Each published row below sits beside Epoch's estimand recomputed on a pinned index, and beside ours; the rows
# between them change one thing at a time: the index fit (Epoch's November 2025 ECI file against the April 2026
# hub), the dating of scores (by version, or back-dated to the model's first version as before), the window and the
# tolerance standing in for Epoch's significance test.

# %%
from analysis.metrics.epoch_gap import epoch_gap_comparison  # noqa: E402

comparison = epoch_gap_comparison(hub if hub_vintage == bh.HUB_VINTAGE else bh.load_hub(bh.HUB_VINTAGE, ["eci"]),
                                  bh.load_hub("2025-11-07", benchmarks=["eci"]), n_boot=n_boot,
                                  confidence=confidence).table
out.table(comparison, "epoch-gap-comparison")
k = {r: int(i) for i, r in enumerate(comparison["row"])}
num = lambda row, col, fmt="{:.1f}": out.number("epoch-gap-comparison", k[row], col, fmt)  # noqa: E731
months = partial(out.estimate, "epoch-gap-comparison", column="months")  # a row's months with its interval


out.prose(
    f"Emberson (2025) found open models {num('published-2025', 'months')} months behind over January 2023 – October "
    f"2025 (90% CI {num('published-2025', 'months_low')}–{num('published-2025', 'months_high')}), measured as the "
    f"horizontal distance averaged over ECI levels. The same estimand on Epoch's November 2025 index gives "
    f"**{num('epoch-2025-index-2025-11', 'months')} months** ({ci} CI {num('epoch-2025-index-2025-11', 'months_low')}–"
    f"{num('epoch-2025-index-2025-11', 'months_high')}) and {num('epoch-2025-index-2025-11', 'points')} points "
    f"against Epoch's {num('published-2025', 'points', '{:.0f}')}; on the April 2026 re-fit of the index, "
    f"{months(k['epoch-2025-index-2026-04'])} months (the re-fit); with every model's best score back-dated to "
    f"its first version, {months(k['epoch-2025-first-version'])} months (the dating). Averaged over days instead "
    f"of levels (Epoch's 2026 estimand) the same window gives {months(k['epoch-2026-estimand-2025-window'])} "
    f"months, and our median lag over levels {num('ours-2025', 'months')} "
    f"({num('ours-2025', 'months_low')}–{num('ours-2025', 'months_high')}). "
    f"Edwards & Emberson (2026) found {num('published-2026', 'months', '{:.0f}')} months and "
    f"{num('published-2026', 'points', '{:.0f}')} points (90% CI {num('published-2026', 'points_low', '{:.0f}')}–"
    f"{num('published-2026', 'points_high', '{:.0f}')}) from January to May 2026. On the April 2026 hub, whose data "
    f"end on {num('epoch-2026-tolerance-0', 'window_end', '{}')}, Epoch's estimand gives "
    f"{num('epoch-2026-tolerance-0', 'points')} points ({num('epoch-2026-tolerance-0', 'points_low')}–"
    f"{num('epoch-2026-tolerance-0', 'points_high')}) but {months(k['epoch-2026-tolerance-0'])} months when any "
    f"higher score counts as ahead, {months(k['epoch-2026-tolerance-1'])} with a tolerance of "
    f"{num('epoch-2026-tolerance-1', 'tolerance_points', '{:.0f}')} point and "
    f"{months(k['epoch-2026-tolerance-2'])} with {num('epoch-2026-tolerance-2', 'tolerance_points', '{:.0f}')}: "
    "the months depend on what counts as caught up; the index Epoch re-fitted in May 2026 and the April–May "
    "releases, which may account for the rest, are in no pinned file."
    f" Over the whole window Epoch's estimand gives {months(k['epoch-2026-full'])} months "
    f"({months(k['epoch-2026-full-first-version'])} with back-dated scores, the figure this report printed "
    f"before) and our median lag {months(k['ours-full'])}.")

# %% [markdown]
# ## The United States against China

# %%
us = gaps[("country", "full window")]
fig, ax = running_best_plot(us.frontier, us.window[1], (("US", PALETTE["blue"]), ("China", PALETTE["vermillion"])),
                            {g: eci[cap.group_labels(eci, "country") == g] for g in ("US", "China")},
                            ylabel="Epoch Capabilities Index (points)", title="Best US and Chinese models on the ECI",
                            labels={"China": "best Chinese model"})
out.figure(fig, "eci-frontier-us-china",
           caption="Running best ECI of models from US and from Chinese organizations (co-developed models listing "
                   "several countries are left out), each score dated by the model version that earned it (steps), "
                   f"over every model's best version (dots). Epoch AI's average gap: {us.caption()}.",
           alt="Two rising step lines of the best ECI score to date, one per country, over dots for each model.",
           table=us.frontier, source=HUB_SOURCE, result=us)
out.prose(
    f"By Epoch AI's estimand, the best Chinese model trailed the state of the art of US and Chinese models by "
    f"{out.number('eci-gap-summary', 2, 'gap_points', '{:.1f}')} points "
    f"({ci} CI {out.number('eci-gap-summary', 2, 'gap_points_low', '{:.1f}')}–"
    f"{out.number('eci-gap-summary', 2, 'gap_points_high', '{:.1f}')}) and "
    f"{out.number('eci-gap-summary', 2, 'gap_months', '{:.1f}')} months "
    f"({out.number('eci-gap-summary', 2, 'gap_months_low', '{:.1f}')}–"
    f"{out.number('eci-gap-summary', 2, 'gap_months_high', '{:.1f}')}; "
    f"n = {out.number('eci-gap-summary', 2, 'n_leader', '{:d}')} US and "
    f"{out.number('eci-gap-summary', 2, 'n_follower', '{:d}')} Chinese models); our median lag over levels is "
    f"{out.number('eci-gap-summary', 2, 'lag_months', '{:.1f}')} months "
    f"({out.number('eci-gap-summary', 2, 'lag_low', '{:.1f}')}–{out.number('eci-gap-summary', 2, 'lag_high', '{:.1f}')}"
    f" at nominal {ci}, coverage {out.number('eci-gap-summary', 2, 'lag_coverage_low', '{:.2f}')}–"
    f"{out.number('eci-gap-summary', 2, 'lag_coverage_high', '{:.2f}')} in simulation).")

# %% [markdown]
# ## Capability against training compute
#
# Models above the line reach more ECI per FLOP than the fit predicts. The residual trend over release dates is a
# rough measure of algorithmic progress: it also contains better post-training, data and reasoning at inference.

# %%
fit = cap.compute_fit(eci, confidence=confidence)
p = fit.points
fig, ax = new_figure()
for group, color in (("closed", CLOSED_COLOR), ("open", OPEN_COLOR)):
    s = p[p["open"] == (group == "open")]
    labelled_scatter(ax, s.assign(compute=10 ** s["log10_compute"]), "compute", "eci", unit="ECI points", s=14,
                     color=color, label=f"{group} models", alpha=0.8)
xs = np.linspace(p["log10_compute"].min(), p["log10_compute"].max(), 50)
ax.plot(10 ** xs, fit.intercept + fit.slope * xs, color=PALETTE["black"], lw=1, label="least-squares fit")
label_log_axis(ax, "x", "Training compute", "FLOP")
ax.set_ylabel("Epoch Capabilities Index (points)")
ax.set_title("ECI against training compute")
ax.legend(loc="upper left")
out.figure(fig, "eci-vs-compute",
           caption="ECI against training compute (log scale) for models with both, with the least-squares line; "
                   f"points above it gain more capability per FLOP. Fit: {fit.caption()}.",
           alt="Scatter rising with compute, open and closed models on both sides of a fitted line.", table=p,
           source=HUB_SOURCE, result=fit)
out.table(fit.to_frame(), "eci-compute-fit")
out.table(fit.groups, "eci-compute-residuals")
text = (f"Each tenfold increase in training compute goes with "
        f"**{out.number('eci-compute-fit', 0, 'slope_per_decade', '{:.1f}')} ECI points** ({ci} CI "
        f"{out.number('eci-compute-fit', 0, 'slope_low', '{:.1f}')}–{out.number('eci-compute-fit', 0, 'slope_high', '{:.1f}')}; "
        f"n = {out.number('eci-compute-fit', 0, 'n', '{:d}')} models with known compute). At fixed compute, the ECI "
        f"rose by {out.number('eci-compute-fit', 0, 'residual_trend_per_year', '{:.1f}')} points a year "
        f"({out.number('eci-compute-fit', 0, 'trend_low', '{:.1f}')}–{out.number('eci-compute-fit', 0, 'trend_high', '{:.1f}')}). "
        f"At equal compute and release date, open models score {out.number('eci-compute-fit', 0, 'open_offset', '{:+.1f}')} points "
        f"against closed ones ({out.number('eci-compute-fit', 0, 'open_offset_low', '{:+.1f}')} to "
        f"{out.number('eci-compute-fit', 0, 'open_offset_high', '{:+.1f}')});")
for i, r in fit.groups.iterrows():
    text += (f" {out.number('eci-compute-residuals', i, 'share_above', '{:.0%}')} of the "
             f"{out.number('eci-compute-residuals', i, 'n', '{:d}')} {r['group']} models sit above the line.")
out.prose(text)

# %% [markdown]
# ## Which benchmarks still separate open and closed models?

# %%
saturation = cap.saturation(hub, ceiling=ceiling, confidence=confidence)
sat = saturation.table.sort_values("best").reset_index(drop=True)
fig, ax = new_figure(figsize=(7, max(4, 0.18 * len(sat))))
y = np.arange(len(sat))
for group, color, marker in (("closed", CLOSED_COLOR, "o"), ("open", OPEN_COLOR, "D")):
    labelled_scatter(ax, sat.assign(y=y), f"best_{group}", "y", unit="%", color=color, s=18, marker=marker,
                     label=f"best {group} model", zorder=3,
                     titles=point_titles(sat, f"best_{group}", "%", name=f"best_{group}_model", context="benchmark"))
ax.hlines(y, sat[["best_open", "best_closed"]].min(axis=1), sat[["best_open", "best_closed"]].max(axis=1),
          color="#999999", lw=1)
ax.axvline(ceiling, color=PALETTE["black"], lw=0.8, ls="--", label=f"saturation ({ceiling:.0f}%)")
ax.set_yticks(y, [short_label(b, 24) for b in sat["benchmark"]])
ax.tick_params(axis="y", labelsize=6)
ax.set_xlim(0, 100)
ax.set_xlabel("Best score (% of items)")
ax.set_title("Best open and closed score per benchmark")
ax.legend(loc="lower right", fontsize=7)
out.figure(fig, "benchmark-saturation",
           caption=f"Best score of any closed and any open-weights model on each percent-scored benchmark of the hub "
                   f"(each benchmark's one declared setting); benchmarks at or above {ceiling:.0f}% count as "
                   "saturated.",
           alt="Dot plot, one row per benchmark, closed and open best scores joined by a line.", table=sat,
           source=citation.benchmarking_hub(hub_vintage, files=sorted({b.file for b in bh.BENCHMARKS.values()})),
           result=saturation)
# thresholds of the summary: a saturation ceiling (parameter), gaps counted as close or wide (points), and the share of
# the best score whose time to reach is reported (analysis/metrics/capabilities.py, `years_to_90pct`)
thresholds = pd.DataFrame([{"ceiling": ceiling, "close_gap_points": 5, "wide_gap_points": 20, "progress_share": 0.9}])
out.table(thresholds, "benchmark-saturation-thresholds")
close_gap, wide_gap = thresholds.at[0, "close_gap_points"], thresholds.at[0, "wide_gap_points"]
summary = pd.DataFrame([{"n_benchmarks": len(sat), "n_saturated": int(sat["saturated"].sum()),
                         "n_open_within_5": int(((sat["open_closed_gap"] <= close_gap) & ~sat["saturated"]).sum()),
                         "n_open_behind_20": int(((sat["open_closed_gap"] >= wide_gap) & ~sat["saturated"]).sum()),
                         "median_years_to_90pct": float(sat["years_to_90pct"].median())}])
out.table(summary, "benchmark-saturation-summary")
out.prose(f"Of {out.number('benchmark-saturation-summary', 0, 'n_benchmarks', '{:d}')} percent-scored benchmarks, "
          f"{out.number('benchmark-saturation-summary', 0, 'n_saturated', '{:d}')} have a best score of "
          f"{ceiling:.0f}% or more. Among the others, in each benchmark's one declared setting, the best open score is "
          f"within {out.number('benchmark-saturation-thresholds', 0, 'close_gap_points', '{:d}')} points of the best "
          f"closed one on {out.number('benchmark-saturation-summary', 0, 'n_open_within_5', '{:d}')} and "
          f"{out.number('benchmark-saturation-thresholds', 0, 'wide_gap_points', '{:d}')} or more points behind on "
          f"{out.number('benchmark-saturation-summary', 0, 'n_open_behind_20', '{:d}')} (differences of the best "
          "observed scores: counts, not estimates with an interval). "
          f"The median benchmark took {out.number('benchmark-saturation-summary', 0, 'median_years_to_90pct', '{:.1f}')} "
          f"years from its first result to {out.number('benchmark-saturation-thresholds', 0, 'progress_share', '{:.0%}')} "
          "of its best score; the table gives the years left at the current rate.")

# %% [markdown]
# ## The lag on every hub benchmark
#
# The same lag as for MMLU in the openness report: for every level the closed frontier reached, the months until the
# open frontier reached it, the median over levels (levels not reached counted as censored), with its calibrated
# bootstrap interval over organizations, on each benchmark's one declared setting, scores dated by the version
# that earned them.

# %%
lag_rows = []
for bench in sorted(hub["benchmark"].unique()):
    try:
        e = bh.lag_entries(hub, bench)
        lag = open_closed_lag(e, benchmark=bench, confidence=confidence)
    except AnalysisError:
        continue
    lag_rows.append({"benchmark": bench, "setting": bh.setting_label(bench),
                     "median_lag_months": lag.median_lag_months, "lag_low": lag.lag_months_ci[0],
                     "lag_high": lag.lag_months_ci[1], "coverage_low": lag.coverage[0],
                     "coverage_high": lag.coverage[1], "share_censored_levels": lag.share_censored_levels,
                     "n_records": len(lag.crossings), "n_matched": lag.n_matched, "n_censored": lag.n_censored,
                     "matched_median_lag_months": lag.matched_median_lag_months,
                     "km_median_lag_months": lag.km_median_lag_months, "n_clusters": lag.n_clusters,
                     "n_open_models": lag.n_open_models, "n_closed_models": lag.n_closed_models})
hub_lags = pd.DataFrame(lag_rows)
out.table(hub_lags, "hub-lag-by-benchmark")
out.table(pd.DataFrame([{"n_benchmarks": len(hub_lags)}]), "hub-lag-summary")
j = int(np.flatnonzero(hub_lags["benchmark"] == "eci")[0])
out.prose(f"On the ECI the median lag over levels is {out.number('hub-lag-by-benchmark', j, 'median_lag_months', '{:.1f}')} "
          f"months (interval {out.number('hub-lag-by-benchmark', j, 'lag_low', '{:.1f}')}–"
          f"{out.number('hub-lag-by-benchmark', j, 'lag_high', '{:.1f}')} at nominal {ci}, coverage "
          f"{out.number('hub-lag-by-benchmark', j, 'coverage_low', '{:.2f}')}–"
          f"{out.number('hub-lag-by-benchmark', j, 'coverage_high', '{:.2f}')} in simulation). Of its "
          f"{out.number('hub-lag-by-benchmark', j, 'n_records', '{:d}')} closed records, "
          f"{out.number('hub-lag-by-benchmark', j, 'n_censored', '{:d}')} are not yet matched: the median of the "
          f"matched ones, {out.number('hub-lag-by-benchmark', j, 'matched_median_lag_months', '{:.1f}')} months, "
          f"stands beside the Kaplan–Meier median that counts the unmatched ones, "
          f"{out.number('hub-lag-by-benchmark', j, 'km_median_lag_months', '{:.1f}')} months. "
          f"{out.number('hub-lag-summary', 0, 'n_benchmarks', '{:d}')} benchmarks have both open and closed results.")

# %% [markdown]
# ## What openness spills into
#
# Epoch records, for some notable models, the base model they were built from. A base name is matched to a notable
# model exactly (case and spacing aside) or through a documented alias; its family and developer come from a
# documented pattern table (`analysis/metrics/spillovers.py`).

# %%
ds = load_with_bases(data_spec or None)
deriv = sp.derivatives(ds.models)
by_year = sp.spillover_counts(deriv, "year").table
fig, ax = new_figure()
bottom = np.zeros(len(by_year))
for col, color, label in (("n_open_base", OPEN_COLOR, "open base"), ("n_closed_base", CLOSED_COLOR, "closed base"),
                          ("n_unknown_base", "#BBBBBB", "base access unknown")):
    ax.bar(by_year["year"].astype(int), by_year[col], bottom=bottom, color=color, label=label)
    bottom += by_year[col].to_numpy()
ax.set_xlabel("Release year of the derived model")
ax.set_ylabel("Notable models built on a base model")
ax.set_title("Notable models built on open and closed bases")
mark_partial_year(ax, ds.models["release_date"].max())
ax.legend(loc="upper left")
by_year["partial"] = by_year["year"] == partial_year(ds.models["release_date"])  # the data's incomplete last year
out.figure(fig, "spillovers-by-year",
           caption="Notable models per year whose Epoch record names a base model, by the base's access (open if "
                   "any base is open-weights).",
           alt="Stacked bars per year, rising to a peak in 2023, mostly open bases.", table=by_year, source=ds)
by_family = sp.spillover_counts(deriv, "family").table
out.table(by_family, "spillovers-by-family")
ttd = sp.time_to_first_derivative(deriv, confidence=confidence)
out.table(ttd.per_base, "spillovers-time-to-first-derivative")
tot = pd.DataFrame([{"n_derivatives": int(deriv["derivative"].nunique()), "n_pairs": len(deriv),
                     "n_matched": int((deriv["base_match"] != "unmatched").sum()),
                     "n_open_base": int(by_year["n_open_base"].sum()), "n_outside": int(by_year["n_outside"].sum()),
                     "n_outside_known": int(by_year["n_outside_known"].sum()),
                     "median_months": ttd.median_months, "months_low": ttd.median_months_ci[0],
                     "months_high": ttd.median_months_ci[1], "n_bases": ttd.n}])
outside = sp.outside_share(deriv, confidence=confidence)  # interval allowing for organizations (the default)
for col in ("share_outside", "share_outside_low", "share_outside_high", "n_outside_orgs", "n_outside_eff"):
    tot[col] = outside.table[col].to_numpy()
tot = tot.rename(columns={"share_outside_low": "share_low", "share_outside_high": "share_high"})
out.table(tot, "spillovers-summary")
coverage = sp.measured_coverage(outside.settings["method"], confidence)
wilson_coverage = sp.measured_coverage("wilson", confidence)
out.table(pd.DataFrame([{"share_ci_level": confidence, "share_ci_method": outside.settings["method"],
                         **({} if coverage is None else {
                             "coverage_dependent_low": coverage["organization-dependent"][0],
                             "coverage_dependent_high": coverage["organization-dependent"][1],
                             "coverage_independent_low": coverage["independent"][0],
                             "coverage_independent_high": coverage["independent"][1],
                             "wilson_coverage_dependent_low": wilson_coverage["organization-dependent"][0],
                             "wilson_coverage_dependent_high": wilson_coverage["organization-dependent"][1]})}]),
          "spillovers-share-ci-level")
measured = "" if coverage is None else (
    f" In simulated tables like these (docs/methods.md) the share's interval covered the true share "
    f"{out.number('spillovers-share-ci-level', 0, 'coverage_dependent_low', '{:.2f}')}–"
    f"{out.number('spillovers-share-ci-level', 0, 'coverage_dependent_high', '{:.2f}')} of the time where an "
    f"organization's derivatives are alike and "
    f"{out.number('spillovers-share-ci-level', 0, 'coverage_independent_low', '{:.2f}')}–"
    f"{out.number('spillovers-share-ci-level', 0, 'coverage_independent_high', '{:.2f}')} where they are "
    f"independent; the binomial Wilson interval, which treats derivatives as independent, covered "
    f"{out.number('spillovers-share-ci-level', 0, 'wilson_coverage_dependent_low', '{:.2f}')}–"
    f"{out.number('spillovers-share-ci-level', 0, 'wilson_coverage_dependent_high', '{:.2f}')} with "
    f"organization dependence.")
out.prose(f"{out.number('spillovers-summary', 0, 'n_derivatives', '{:d}')} notable models name a base model "
          f"({out.number('spillovers-summary', 0, 'n_matched', '{:d}')} of "
          f"{out.number('spillovers-summary', 0, 'n_pairs', '{:d}')} bases are themselves notable models); "
          f"{out.number('spillovers-summary', 0, 'n_open_base', '{:d}')} are built on an open base. Of those with a "
          f"known developer, {out.number('spillovers-summary', 0, 'share_outside', '{:.0%}')} "
          f"({out.number('spillovers-share-ci-level', 0, 'share_ci_level', '{:.0%}')} interval allowing for "
          f"organizations {out.number('spillovers-summary', 0, 'share_low', '{:.0%}')}–"
          f"{out.number('spillovers-summary', 0, 'share_high', '{:.0%}')}, n = "
          f"{out.number('spillovers-summary', 0, 'n_outside_known', '{:d}')} from "
          f"{out.number('spillovers-summary', 0, 'n_outside_orgs', '{:d}')} organizations) come from outside the "
          f"base's developer.{measured} "
          f"The first notable derivative of an open base followed its release after a median of "
          f"{out.number('spillovers-summary', 0, 'median_months', '{:.1f}')} months ({ci} CI "
          f"{out.number('spillovers-summary', 0, 'months_low', '{:.1f}')}–"
          f"{out.number('spillovers-summary', 0, 'months_high', '{:.1f}')}; n = "
          f"{out.number('spillovers-summary', 0, 'n_bases', '{:d}')} bases). Data: {ds.label}.")
