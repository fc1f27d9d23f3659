# ---
# jupyter:
#   kernelspec:
#     display_name: Python 3 (ipykernel)
#     language: python
#     name: python3
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
# **Method.** A group's *frontier* is its running best ECI by release date. The gap in points is the vertical
# distance between the two frontiers, the gap in months how long the leader has stood above the follower's current
# level; both are averaged over the days of the window, with a bootstrap interval over models (calibrated, see
# `analysis/metrics/capabilities.py`). Open weights = Epoch's accessibility "Open weights (…)".
#
# **Caveats.** Epoch re-fits the ECI with each release, so levels and gaps move between vintages: compare our gaps
# with Epoch's published ones (the comparison below reads both from saved tables) knowing that the months gap also
# depends on how fast the leader's frontier rises in the vintage used. Reasoning-effort versions share their
# model's ECI. The residual trend against compute mixes pre-training efficiency with
# post-training, data and inference-time reasoning. Hub scores come from many evaluators and scaffolds.
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
import numpy as np
import pandas as pd

from analysis import constants as C
from analysis.data import benchmark_hub as bh
from analysis.data import upstream
from analysis.data.dataset import load_with_bases
from analysis.errors import AnalysisError
from analysis.metrics import capabilities as cap
from analysis.metrics import spillovers as sp
from analysis.metrics.openness import open_closed_lag
from analysis.reporting import citation
from analysis.reporting.figures import (
    CLOSED_COLOR,
    OPEN_COLOR,
    PALETTE,
    ReportOutput,
    label_log_axis,
    labelled_scatter,
    new_figure,
    point_titles,
    running_best_plot,
    short_label,
)

out = ReportOutput(output_dir)
hub = bh.load_hub(hub_vintage)
eci = bh.per_model(hub, "eci", None)
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
    g = cap.frontier_gap(eci, by, since=since, until=until, n_boot=n_boot, confidence=confidence)
    gaps[(by, label)] = g
    gap_rows.append(g.to_frame().assign(window=label))
gap_table = pd.concat(gap_rows, ignore_index=True)
full = gaps[("open", "full window")]
fig, ax = running_best_plot(full.frontier, full.window[1], (("closed", CLOSED_COLOR), ("open", OPEN_COLOR)),
                            {g: eci[eci["open"] == (g == "open")] for g in ("closed", "open")},
                            ylabel="Epoch Capabilities Index (points)", title="Best open and closed models on the ECI")
out.figure(fig, "eci-frontier-open-closed",
           caption="Running best Epoch Capabilities Index of closed and open-weights models by release date (steps), "
                   f"over every model with an ECI score (dots). Average gap: {full.caption()}.",
           alt="Two rising step lines, closed above open, with dots for every model.", table=full.frontier,
           source=HUB_SOURCE, result=full)
out.table(gap_table, "eci-gap-summary")
# Epoch AI's published gaps the prose compares with (analysis/constants.py, where each is sourced), one row per figure
published = pd.DataFrame([
    {"source": src, "quantity": f"average open-closed ECI gap ({unit})", "value": gap[key], "since": gap["since"],
     "until": gap["until"]}
    for src, gap in (("Emberson (2025), epoch.ai/data-insights/open-weights-vs-closed-weights-models",
                      C.EPOCH_ECI_GAP_2025),
                     ("Edwards & Emberson (2026), epoch.ai/data-insights/open-closed-eci-gap", C.EPOCH_ECI_GAP_2026))
    for key, unit in (("points", "points"), ("months", "months"))])
out.table(published, "published-comparisons")
ci = f"{confidence:.0%}"
out.prose(
    f"Over {out.number('eci-gap-summary', 0, 'window_start', '{}')} to "
    f"{out.number('eci-gap-summary', 0, 'window_end', '{}')}, "
    f"the best open-weights model trailed the best closed model by an average of "
    f"**{out.number('eci-gap-summary', 0, 'gap_points', '{:.1f}')} ECI points** ({ci} CI "
    f"{out.number('eci-gap-summary', 0, 'gap_points_low', '{:.1f}')}–"
    f"{out.number('eci-gap-summary', 0, 'gap_points_high', '{:.1f}')}) and "
    f"**{out.number('eci-gap-summary', 0, 'gap_months', '{:.1f}')} months** "
    f"({out.number('eci-gap-summary', 0, 'gap_months_low', '{:.1f}')}–"
    f"{out.number('eci-gap-summary', 0, 'gap_months_high', '{:.1f}')}; "
    f"n = {out.number('eci-gap-summary', 0, 'n_leader', '{:d}')} closed and "
    f"{out.number('eci-gap-summary', 0, 'n_follower', '{:d}')} open models). Since {recent_since}: "
    f"{out.number('eci-gap-summary', 1, 'gap_points', '{:.1f}')} points "
    f"({out.number('eci-gap-summary', 1, 'gap_points_low', '{:.1f}')}–"
    f"{out.number('eci-gap-summary', 1, 'gap_points_high', '{:.1f}')}) and "
    f"{out.number('eci-gap-summary', 1, 'gap_months', '{:.1f}')} months "
    f"({out.number('eci-gap-summary', 1, 'gap_months_low', '{:.1f}')}–"
    f"{out.number('eci-gap-summary', 1, 'gap_months_high', '{:.1f}')}). Epoch AI reports about "
    f"{out.number('published-comparisons', 0, 'value', '{:.0f}')} points and "
    f"{out.number('published-comparisons', 1, 'value', '{:.0f}')} months for January 2023 – October 2025 and "
    f"{out.number('published-comparisons', 2, 'value', '{:.0f}')} points and "
    f"{out.number('published-comparisons', 3, 'value', '{:.0f}')} months since January 2026, on earlier fits of "
    "the index.")

# %% [markdown]
# ## The United States against China

# %%
us = gaps[("country", "full window")]
fig, ax = running_best_plot(us.frontier, us.window[1], (("US", PALETTE["blue"]), ("China", PALETTE["vermillion"])),
                            {g: eci[cap.group_labels(eci, "country") == g] for g in ("US", "China")},
                            ylabel="Epoch Capabilities Index (points)", title="Best US and Chinese models on the ECI")
out.figure(fig, "eci-frontier-us-china",
           caption="Running best ECI of models from US and from Chinese organizations (co-developed models listing "
                   "several countries are left out), by release date.",
           alt="Two rising step lines, US above China.", table=us.frontier, source=HUB_SOURCE, result=us)
out.prose(
    f"Chinese models trailed US models by {out.number('eci-gap-summary', 2, 'gap_points', '{:.1f}')} points "
    f"({ci} CI {out.number('eci-gap-summary', 2, 'gap_points_low', '{:.1f}')}–"
    f"{out.number('eci-gap-summary', 2, 'gap_points_high', '{:.1f}')}) and "
    f"{out.number('eci-gap-summary', 2, 'gap_months', '{:.1f}')} months "
    f"({out.number('eci-gap-summary', 2, 'gap_months_low', '{:.1f}')}–"
    f"{out.number('eci-gap-summary', 2, 'gap_months_high', '{:.1f}')}; "
    f"n = {out.number('eci-gap-summary', 2, 'n_leader', '{:d}')} US and "
    f"{out.number('eci-gap-summary', 2, 'n_follower', '{:d}')} Chinese models).")

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
                   f"(default setting); benchmarks at or above {ceiling:.0f}% count as saturated.",
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
          f"{ceiling:.0f}% or more. Among the others, open models are within "
          f"{out.number('benchmark-saturation-thresholds', 0, 'close_gap_points', '{:d}')} points of closed ones on "
          f"{out.number('benchmark-saturation-summary', 0, 'n_open_within_5', '{:d}')} and "
          f"{out.number('benchmark-saturation-thresholds', 0, 'wide_gap_points', '{:d}')} or more points behind on "
          f"{out.number('benchmark-saturation-summary', 0, 'n_open_behind_20', '{:d}')}: those still separate them. "
          f"The median benchmark took {out.number('benchmark-saturation-summary', 0, 'median_years_to_90pct', '{:.1f}')} "
          f"years from its first result to {out.number('benchmark-saturation-thresholds', 0, 'progress_share', '{:.0%}')} "
          "of its best score; the table gives the years left at the current rate.")

# %% [markdown]
# ## The lag on every hub benchmark
#
# The same lag as for MMLU in the openness report: for each new best closed score, the months until an open model
# reached it (median over matched records, bootstrap interval), on each benchmark's default setting.

# %%
lag_rows = []
for bench in sorted(hub["benchmark"].unique()):
    try:
        e = bh.lag_entries(hub, bench)
        lag = open_closed_lag(e, benchmark=bench, ci_level=confidence)
    except AnalysisError:
        continue
    lag_rows.append({"benchmark": bench, "setting": bh.default_setting(bench) or "best of all",
                     "median_lag_months": lag.median_lag_months, "lag_low": lag.lag_months_ci[0],
                     "lag_high": lag.lag_months_ci[1], "n": lag.n, "n_censored": lag.n_censored,
                     "n_open_models": lag.n_open_models, "n_closed_models": lag.n_closed_models})
hub_lags = pd.DataFrame(lag_rows)
out.table(hub_lags, "hub-lag-by-benchmark")
out.table(pd.DataFrame([{"n_benchmarks": len(hub_lags)}]), "hub-lag-summary")
j = int(np.flatnonzero(hub_lags["benchmark"] == "eci")[0])
out.prose(f"On the ECI the crossing-based lag is {out.number('hub-lag-by-benchmark', j, 'median_lag_months', '{:.1f}')} "
          f"months ({ci} CI {out.number('hub-lag-by-benchmark', j, 'lag_low', '{:.1f}')}–"
          f"{out.number('hub-lag-by-benchmark', j, 'lag_high', '{:.1f}')}; n = "
          f"{out.number('hub-lag-by-benchmark', j, 'n', '{:d}')} matched records, "
          f"{out.number('hub-lag-by-benchmark', j, 'n_censored', '{:d}')} not yet matched); "
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
ax.legend(loc="upper left")
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
wilson_level = confidence  # the one interval level of the report
lo, hi = sp.wilson(tot["n_outside"].to_numpy(), tot["n_outside_known"].to_numpy(), wilson_level)
tot["share_outside"] = tot["n_outside"] / tot["n_outside_known"]
tot["share_low"], tot["share_high"] = lo, hi
out.table(tot, "spillovers-summary")
out.table(pd.DataFrame([{"share_ci_level": wilson_level}]), "spillovers-share-ci-level")
out.prose(f"{out.number('spillovers-summary', 0, 'n_derivatives', '{:d}')} notable models name a base model "
          f"({out.number('spillovers-summary', 0, 'n_matched', '{:d}')} of "
          f"{out.number('spillovers-summary', 0, 'n_pairs', '{:d}')} bases are themselves notable models); "
          f"{out.number('spillovers-summary', 0, 'n_open_base', '{:d}')} are built on an open base. Of those with a "
          f"known developer, {out.number('spillovers-summary', 0, 'share_outside', '{:.0%}')} "
          f"({out.number('spillovers-share-ci-level', 0, 'share_ci_level', '{:.0%}')} Wilson "
          f"{out.number('spillovers-summary', 0, 'share_low', '{:.0%}')}–"
          f"{out.number('spillovers-summary', 0, 'share_high', '{:.0%}')}, n = "
          f"{out.number('spillovers-summary', 0, 'n_outside_known', '{:d}')}) come from outside the base's developer. "
          f"The first notable derivative of an open base followed its release after a median of "
          f"{out.number('spillovers-summary', 0, 'median_months', '{:.1f}')} months ({ci} CI "
          f"{out.number('spillovers-summary', 0, 'months_low', '{:.1f}')}–"
          f"{out.number('spillovers-summary', 0, 'months_high', '{:.1f}')}; n = "
          f"{out.number('spillovers-summary', 0, 'n_bases', '{:d}')} bases). Data: {ds.label}.")
