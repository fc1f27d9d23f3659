# ---
# jupyter:
#   kernelspec:
#     display_name: Frontier Atlas (.venv)
#     language: python
#     name: frontier-atlas
# ---

# %% [markdown]
# # The race for compute: chips, clusters, power and the cost of training runs
#
# Training compute has grown about fourfold a year. This report asks *with what*: how fast accelerators got faster,
# cheaper per FLOP/s and more efficient per watt; how fast training clusters, run durations, power draw and cost
# grew; how much of the compute race is more chips versus faster chips versus longer runs; what a run costs from
# first principles; and when frontier runs would pass 1 GW, $1 billion and 100,000 accelerators if the trends held.
#
# Accelerators come from Epoch AI's *Machine Learning Hardware* data (pinned snapshot); training runs from the
# models table (Epoch AI's *Data on AI Models* columns for hardware quantity, training time, power draw and cost).
# Growth rates are log-linear fits (OLS on log10) with their interval, n and window: HC3 errors for accelerators,
# errors clustered by organization and release year for training runs (models of one lab, or of one period, are
# not independent).
#
# **Caveats.** Peak FLOP/s are datasheet dense peaks, not achieved throughput. Release prices exist for a third of
# the accelerators, mostly NVIDIA GPUs, and are list prices (large buyers pay other prices). Run quantities are
# reported by developers or estimated by Epoch AI; runs without them are left out, and these are more often closed
# frontier runs. Costs are amortized hardware plus energy of the final run only (no experiments, staff or data).

# %% tags=["parameters"]
data_spec: str = ""  # data source: empty for bundled, a models CSV path, or epoch:PATH
since: str = "2016-01-01"  # start of the training-run trend window (Cottier et al. 2024 start in 2016)
until: str = ""  # end of the trend windows, empty for the last release in the data
hardware_since: str = "2010-01-01"  # start of the accelerator trend window
top_k: int = 10  # frontier size: top-k by compute at release
confidence: float = 0.90  # confidence level of every interval
n_boot: int = 1000  # bootstrap resamples for the decomposition shares
min_runs: int = 20  # fewer runs with power and cost in the data: use Epoch's pinned notable-models snapshot
output_dir: str = ""  # set by the report runner; empty shows figures only

# %%
from functools import partial

import numpy as np
import pandas as pd

from analysis import constants as C
from analysis.data import dataset, sources
from analysis.metrics import infrastructure, selection, statistics, trends, vintages
from analysis.metrics import training_cost as tc
from analysis.reporting import citation
from analysis.reporting.figures import (
    PALETTE,
    ReportOutput,
    attach_tooltips,
    colour_name,
    label_log_axis,
    labelled_scatter,
    legend_below,
    new_figure,
    point_titles,
    year_axis,
)

out = ReportOutput(output_dir)
ds = dataset.load(data_spec or None)
hw_source = sources.ml_hardware()  # Epoch's ML-hardware snapshot, read and checked against its sha256
hw = infrastructure.hardware_table(hw_source.frame)
catalog = infrastructure.HardwareCatalog(hw, ds.hardware)
runs = infrastructure.run_data(ds.models, ds.label, min_rows=min_runs, fallback=sources.notable_models)
models = selection.select(runs.models)  # the representative set: one row per model, no overlay additions
runs_source = ds if not runs.fallback else citation.snapshot("notable_ai_models", runs.vintage)
window = dict(until=until or None, confidence=confidence)
out.table(infrastructure.provenance_table(hw, runs, ds.label, hw_source), "compute-infrastructure-data")
hw_snap = out.tables["compute-infrastructure-data"].iloc[0]
# the published figures the prose compares with (analysis/constants.py, where each is sourced), one row per figure
HB = C.HOBBHAHN_2022_DOUBLING_YEARS["all"]
published = pd.DataFrame([
    {"source": f"Epoch AI, 'Machine Learning Hardware' data page ({C.EPOCH_HW_PAGE_DATE})",
     "quantity": "16-bit ML hardware performance, growth rate per year", "value": C.EPOCH_HW_PAGE_FP16_GROWTH - 1},
    {"source": f"Epoch AI, 'Machine Learning Hardware' data page ({C.EPOCH_HW_PAGE_DATE})",
     "quantity": "16-bit ML hardware performance, doubling time (years)", "value": C.EPOCH_HW_PAGE_FP16_DOUBLING_YEARS},
    {"source": "Hobbhahn & Besiroglu (2022), 'Trends in GPU price-performance', Table 1",
     "quantity": "FLOP/s per dollar of all GPUs, doubling time (years)", "value": HB[0], "low": HB[1], "high": HB[2],
     "ci_level": 0.90, "n": C.HOBBHAHN_2022_N_GPUS["all"], "since": C.HOBBHAHN_2022_WINDOW[0]},
    {"source": f"Epoch AI, 'Machine Learning Hardware' data page ({C.EPOCH_HW_PAGE_DATE})",
     "quantity": "energy efficiency of leading ML hardware, growth rate per year",
     "value": C.EPOCH_HW_PAGE_LEADING_EFFICIENCY_GROWTH - 1},
    {"source": "Cottier et al. (2024), arXiv:2405.21015",
     "quantity": "amortized cost of frontier training runs, growth per year (x)", "value": C.COTTIER_2024_COST_GROWTH[0],
     "low": C.COTTIER_2024_COST_GROWTH[1], "high": C.COTTIER_2024_COST_GROWTH[2], "ci_level": 0.90,
     "since": C.COTTIER_2024_SINCE},
    {"source": "Emberson & Rahman (2024), Epoch AI data insight 'power-usage-trend'",
     "quantity": "power draw of frontier training runs, growth per year (x)", "value": C.EPOCH_POWER_GROWTH[0],
     "low": C.EPOCH_POWER_GROWTH[1], "high": C.EPOCH_POWER_GROWTH[2], "ci_level": 0.90, "n": C.EPOCH_POWER_N,
     "since": C.EPOCH_POWER_SINCE},
    {"source": "Meta, Llama 3 model card", "quantity": "GPU-hours of Llama 3 70B (millions of H100-80GB hours)",
     "value": C.LLAMA3_MODEL_CARD_GPU_HOURS["llama-3-70b"] / 1e6},
], columns=["source", "quantity", "value", "low", "high", "ci_level", "n", "since"])
published["n"] = published["n"].astype("Int64")
out.table(published, "published-comparisons")
out.prose(f"Accelerators: {out.number('compute-infrastructure-data', 0, 'rows', '{:.0f}')} rows of Epoch AI's "
          f"ML-hardware snapshot {hw_snap['vintage']}. Training runs: {runs.label}.")
if runs.fallback:
    out.prose(f"The selected models table is not used for the training-run sections: {runs.reason}.")

# %% [markdown]
# ## Accelerators: faster, cheaper per FLOP/s, more efficient per watt
#
# Dense peak performance per number format, for every accelerator with a release date. Tensor formats (TF32,
# FP16/BF16, FP8) arrived from 2017 and lie one to two orders of magnitude above FP32.

# %%
hw_trends = infrastructure.hardware_trend_table(hw, groups=("all", "ml", "gpu", "tpu"), since=hardware_since,
                                                **window)
out.table(hw_trends, "hardware-trends")
colors = {"fp32": PALETTE["blue"], "tf32": PALETTE["green"], "tensor-fp16": PALETTE["vermillion"],
          "fp8": PALETTE["purple"]}
fig, ax = new_figure()
points, lines, hw_fits = [], [], {}
for metric, color in colors.items():
    col = infrastructure.HARDWARE_METRICS[metric][0]
    pts = hw.dropna(subset=[col, "release_date"])
    pts = pts[pts["release_date"] >= pd.Timestamp(hardware_since)]
    labelled_scatter(ax, pts, "release_date", col, unit="FLOP/s", s=10, color=color, alpha=0.6)
    fit = hw_fits[f"{metric} trend"] = infrastructure.hardware_trend(hw, metric, "all", since=hardware_since, **window)
    line = trends.trend_line(fit, start=fit.data_start, end=fit.data_end)
    ax.plot(line["date"], line["value"], color=color, lw=2,
            label=f"{metric.upper()}: {fit.growth_per_year:.2g}x/yr ({fit.confidence:.0%} CI "
                  f"{fit.growth_per_year_ci[0]:.2g}–{fit.growth_per_year_ci[1]:.2g}x), n={fit.n}")
    points.append(pts[["name", "manufacturer", "release_date", col]].rename(columns={col: "flop_per_s"})
                  .assign(series=metric))
    lines.append(line.rename(columns={"date": "release_date", "value": "flop_per_s"}).assign(series=f"{metric}-trend"))
label_log_axis(ax, "y", "Dense peak performance", "FLOP/s")
ax.set_xlabel("Release date")
ax.set_title("Peak performance of ML accelerators by number format")
ax.legend(loc="upper left", fontsize=7.5)
out.figure(fig, "hardware-performance-by-precision",
           caption=f"Dense peak FLOP/s of accelerators released since {hardware_since}, per number format, with "
                   "log-linear trends (all accelerators of each format).",
           alt="Log-scale scatter of accelerator peak performance against release date in four colours, each with a "
               "rising trend line; tensor formats sit above FP32.",
           table=pd.concat([*points, *lines], ignore_index=True), source=citation.snapshot("ml_hardware"),
           result=hw_fits)

# %%
row = hw_trends.reset_index(drop=True)
i32 = int(row.index[(row.metric == "fp32") & (row.group == "all")][0])
i16 = int(row.index[(row.metric == "tensor-fp16") & (row.group == "all")][0])
out.prose(
    f"FP32 peak performance grew **{out.number('hardware-trends', i32, 'growth_per_year', '{:.2f}')}x per year** "
    f"({confidence:.0%} CI {out.number('hardware-trends', i32, 'growth_low', '{:.2f}')}–"
    f"{out.number('hardware-trends', i32, 'growth_high', '{:.2f}')}x; doubling every "
    f"{out.number('hardware-trends', i32, 'doubling_years', '{:.1f}')} years "
    f"({out.number('hardware-trends', i32, 'doubling_years_low', '{:.1f}')}–"
    f"{out.number('hardware-trends', i32, 'doubling_years_high', '{:.1f}')}), "
    f"n = {out.number('hardware-trends', i32, 'n', '{:d}')}); tensor FP16/BF16 peaks grew "
    f"{out.number('hardware-trends', i16, 'growth_per_year', '{:.2f}')}x per year "
    f"({out.number('hardware-trends', i16, 'growth_low', '{:.2f}')}–"
    f"{out.number('hardware-trends', i16, 'growth_high', '{:.2f}')}x, "
    f"n = {out.number('hardware-trends', i16, 'n', '{:d}')}). Epoch AI's hardware page reports 16-bit performance "
    f"growing {out.number('published-comparisons', 0, 'value', '{:.0%}')} per year (doubling every "
    f"{out.number('published-comparisons', 1, 'value', '{:.1f}')} years), with a similar FP32 trend."
)

# %% [markdown]
# ## Price-performance and energy efficiency
#
# FLOP/s per dollar divides the dense peak by the release price, deflated to 2023 dollars with the US BLS CPI-U;
# FLOP/s per watt divides it by the chip's thermal design power (TDP). The best-format line uses each chip's
# fastest format of any kind (FP8, FP4 or INT8 on recent chips), as Epoch AI's efficiency figure does; it mixes
# number formats, so part of its growth is the move to lower precision.

# %%
fig, (ax1, ax2) = new_figure(1, 2, figsize=(10, 4))
panels, eff_fits = [], {}
for ax, metrics, unit in ((ax1, ("fp32-per-dollar", "tensor-fp16-per-dollar"), "FLOP/s per 2023 USD"),
                          (ax2, ("fp32-per-watt", "tensor-fp16-per-watt", "best-per-watt"), "FLOP/s per W")):
    for metric, color in zip(metrics, (PALETTE["blue"], PALETTE["vermillion"], PALETTE["black"])):
        col = infrastructure.HARDWARE_METRICS[metric][0]
        pts = hw.dropna(subset=[col, "release_date"])
        pts = pts[pts["release_date"] >= pd.Timestamp(hardware_since)]
        fit = eff_fits[f"{metric} trend"] = infrastructure.hardware_trend(hw, metric, "all", since=hardware_since,
                                                                       **window)
        line = trends.trend_line(fit, start=fit.data_start, end=fit.data_end)
        labelled_scatter(ax, pts, "release_date", col, unit=unit, s=9, color=color, alpha=0.5)
        ax.fill_between(line["date"], line["value_low"], line["value_high"], color=color, alpha=0.15, lw=0)
        fmt = {"fp32": "FP32", "tensor-fp16": "tensor FP16", "best": "best format"}[metric.split("-per-")[0]]
        ax.plot(line["date"], line["value"], color=color, lw=2,
                label=f"{fmt}: {fit.growth_per_year:.3g}x/yr ({fit.growth_per_year_ci[0]:.3g}–"
                      f"{fit.growth_per_year_ci[1]:.3g}x), n={fit.n}")
        panels.append(pts[["name", "release_date", col]].rename(columns={col: "value"}).assign(series=metric))
        panels.append(line[["date", "value"]].rename(columns={"date": "release_date"}).assign(series=f"{metric}-trend"))
    label_log_axis(ax, "y", "Peak", unit)  # the panel title names the quantity
    ax.set_xlabel("Release date")
    ax.legend(loc="upper left", fontsize=7)
ax1.set_title("Price-performance")
ax2.set_title("Energy efficiency")
out.figure(fig, "hardware-price-performance-and-efficiency",
           caption="Dense peak FLOP/s per 2023 dollar of release price (left) and per watt of TDP (right), with "
                   f"log-linear trends and their {confidence:.0%} confidence bands (growth per year, its interval "
                   f"and n in the legends), accelerators released since {hardware_since}.",
           alt="Two log-scale scatter panels with rising trend lines: price-performance on the left, energy "
               "efficiency on the right.",
           table=pd.concat(panels, ignore_index=True), source=[citation.snapshot("ml_hardware"), "US BLS CPI-U"],
           result=eff_fits)

# %%
ipd = int(row.index[(row.metric == "fp32-per-dollar") & (row.group == "all")][0])
ipw = int(row.index[(row.metric == "best-per-watt") & (row.group == "all")][0])


# how each published value stands against our interval: the comparison the prose may claim, and no more
pd_vs = {-1: "slower than", 0: "consistent with", 1: "faster than"}[
    statistics.side_of_interval(published.at[2, "value"], row.at[ipd, "doubling_years_low"],
                                row.at[ipd, "doubling_years_high"])]
pw_vs = {-1: "above", 0: "consistent with", 1: "below"}[
    statistics.side_of_interval(1 + published.at[3, "value"], row.at[ipw, "growth_low"], row.at[ipw, "growth_high"])]
out.prose(
    f"FP32 FLOP/s per 2023 dollar doubled every "
    f"**{out.number('hardware-trends', ipd, 'doubling_years', '{:.1f}')} years** "
    f"({confidence:.0%} CI {out.number('hardware-trends', ipd, 'doubling_years_low', '{:.1f}')}–"
    f"{out.number('hardware-trends', ipd, 'doubling_years_high', '{:.1f}')}; "
    f"n = {out.number('hardware-trends', ipd, 'n', '{:d}')} chips with a release price), {pd_vs} the "
    f"{out.number('published-comparisons', 2, 'value', '{:.2f}')} years Hobbhahn & Besiroglu (2022) found for "
    f"{out.number('published-comparisons', 2, 'n', '{:d}')} GPUs"
    + (": this file is weighted towards data-centre accelerators, whose list prices are high" if pd_vs == "slower than"
       else "") + ". Best-format operations per watt grew "
    f"**{out.number('hardware-trends', ipw, 'growth_per_year', '{:.2f}')}x per year** "
    f"({out.number('hardware-trends', ipw, 'growth_low', '{:.2f}')}–"
    f"{out.number('hardware-trends', ipw, 'growth_high', '{:.2f}')}x), {pw_vs} the "
    f"{out.number('published-comparisons', 3, 'value', '{:.0%}')} per year on Epoch AI's hardware page."
)

# %% [markdown]
# ## Training runs: bigger clusters, longer runs, more power, higher cost
#
# Growth per year of four quantities of the final training run, for all notable models and for frontier models
# (the top 10 by training compute at their release, or the `top_k` parameter), from the start of the window.

# %%
run_tab = infrastructure.run_trend_table(models, ("notable", "frontier"), since=since, top_k=top_k, **window)
# vintage range: the same fits on the default table built on each pinned Epoch vintage, to the older one's end
pinned = vintages.pinned_tables(sources.default_on_vintages(vintages.PINNED, data_spec)) if not runs.fallback else {}
run_end = vintages.common_end(pinned, until or None)


run_growth = partial(infrastructure.run_trend_table, subsets=("notable", "frontier"), since=since, top_k=top_k,
                     until=run_end, confidence=confidence)
run_tab = run_tab.merge(vintages.revision(pinned, run_growth, "growth_per_year", on=["subset", "column"])[
    ["subset", "column", "vintage_low", "vintage_high"]], on=["subset", "column"], how="left")
run_tab = run_tab.assign(fit=run_tab["subset"] + " " + run_tab["column"])
out.table(run_tab, "training-run-trend-fits")
fig, axes = new_figure(2, 2, figsize=(10, 8), gridspec_kw={"hspace": 0.62, "top": 0.93})
tables, run_fits = [], {}
front = selection.frontier_view(models, top_k)["frontier"]
for ax, (col, (label, unit)) in zip(axes.ravel(), [(c, infrastructure.RUN_METRICS[c]) for c in
                                                   ("hardware_count", "training_time_hours", "training_power_draw_w",
                                                    "training_cost_2023_usd")]):
    pts = models.assign(frontier=front).dropna(subset=[col, "release_date"])
    pts = pts[(pts["release_date"] >= pd.Timestamp(since)) & (pts[col] > 0)]
    labelled_scatter(ax, pts[~pts.frontier], "release_date", col, unit=unit, s=9, color=PALETTE["sky"], alpha=0.6,
                     label="notable")
    labelled_scatter(ax, pts[pts.frontier], "release_date", col, unit=unit, s=12, color=PALETTE["vermillion"],
                     label=f"frontier (top-{top_k})")
    tables.append(pts[["id", "name", "release_date", "frontier", col]].rename(columns={col: "value"})
                  .assign(quantity=label, unit=unit))
    sel = run_tab[(run_tab["column"] == col) & (run_tab["subset"] == "frontier") & (run_tab["n"] > 0)]
    if not sel.empty:
        fit = run_fits[f"{label}, frontier trend"] = infrastructure.run_trend(models, col, "frontier", since=since,
                                                                              top_k=top_k, **window)
        line = trends.trend_line(fit, start=fit.data_start, end=fit.data_end)
        g_lo, g_hi = fit.growth_per_year_ci
        ax.fill_between(line["date"], line["value_low"], line["value_high"], color=PALETTE["vermillion"], alpha=0.2,
                        lw=0, label=f"{confidence:.0%} CI of the trend")
        ax.plot(line["date"], line["value"], color=PALETTE["vermillion"], lw=2,
                label=f"frontier trend {fit.growth_per_year:.3g}x/yr ({g_lo:.3g}–{g_hi:.3g}), n={fit.n}")
        tables.append(line[["date", "value", "value_low", "value_high"]].rename(columns={"date": "release_date"})
                      .assign(quantity=f"{label} frontier trend", unit=unit))
    label_log_axis(ax, "y", label, unit)
    ax.set_xlabel("Release date")
    year_axis(ax, every=2)
    legend_below(ax, ncol=2, fontsize=6.5)
fig.suptitle("Training runs of notable AI models", fontsize=11, fontweight="bold")
out.figure(fig, "training-run-trends",
           caption=f"Cluster size, training duration, power draw and amortized cost (2023 USD) of training runs "
                   f"since {since}; frontier models (top {top_k} by compute at release) in "
                   f"{colour_name('vermillion')} with their log-linear trend and its {confidence:.0%} confidence "
                   "band, other notable models in " + colour_name("sky") + "; n and growth per year in each legend. "
                   + vintages.range_caption(pinned, run_tab, "growth per year of each fit with data to "
                                            f"{run_end:%Y-%m-%d}" if run_end is not None else "", unit="x",
                                            key="fit"),
           alt="Four log-scale scatter panels of training-run quantities against release date, with frontier runs "
               "highlighted and their trend line with a shaded confidence band.",
           table=pd.concat(tables, ignore_index=True), source=runs_source, result=run_fits)

# %%
rt = run_tab.reset_index(drop=True)
idx = {(r.column, r.subset): i for i, r in rt.iterrows() if r.n and r.n > 0}
parts = []
for col, what in (("hardware_count", "cluster size"), ("training_time_hours", "training duration"),
                  ("training_power_draw_w", "power draw"), ("training_cost_2023_usd", "training cost")):
    if (col, "frontier") in idx:
        i = idx[(col, "frontier")]
        parts.append(f"{what} **{out.number('training-run-trend-fits', i, 'growth_per_year', '{:.2f}')}x** "
                     f"({out.number('training-run-trend-fits', i, 'growth_low', '{:.2f}')}–"
                     f"{out.number('training-run-trend-fits', i, 'growth_high', '{:.2f}')}x, "
                     f"n = {out.number('training-run-trend-fits', i, 'n', '{:d}')})")
out.prose(f"Per year, frontier runs since {since} grew in " + "; ".join(parts) + f" ({confidence:.0%} CIs). "
          f"Cottier et al. (2024) report {out.number('published-comparisons', 4, 'value', '{:.1f}')}x per year for "
          f"the amortized cost of frontier runs since {C.COTTIER_2024_SINCE[:4]} "
          f"({out.number('published-comparisons', 4, 'ci_level', '{:.0%}')} CI "
          f"{out.number('published-comparisons', 4, 'low', '{:.1f}')}–"
          f"{out.number('published-comparisons', 4, 'high', '{:.1f}')}x) and Epoch AI "
          f"{out.number('published-comparisons', 5, 'value', '{:.1f}')}x per year for their power draw since "
          f"{C.EPOCH_POWER_SINCE[:4]} ({out.number('published-comparisons', 5, 'low', '{:.1f}')}–"
          f"{out.number('published-comparisons', 5, 'high', '{:.1f}')}x); the tests reproduce both on the snapshot cut "
          "at their publication dates.")

# %% [markdown]
# ## Where does the compute race come from?
#
# On runs where training compute, chip count, training duration and the chip's dense 16-bit peak are all known,
# compute = chips × hours × 3600 × peak × utilization, which defines the *implied* utilization. Fitted on the same
# runs and dates, the log-growth rates of the four factors add up exactly to that of compute. Shares carry a
# paired bootstrap interval. Fine-tunes (whose compute includes the base model) and runs with an implied
# utilization outside 1–100% (inconsistent inputs) are left out and counted.

# %%
dec = infrastructure.decompose_compute_growth(models, catalog, "frontier", since=since, until=until or None,
                                              top_k=top_k, confidence=confidence, n_boot=n_boot)
dtab = dec.to_frame()
out.table(dtab, "compute-growth-decomposition-table")
out.table(pd.DataFrame([{"n": dec.n, "n_implausible": dec.n_implausible}]), "compute-growth-decomposition-counts")
fig, ax = new_figure()
bars = dtab.iloc[:-1]
ypos = np.arange(len(bars))[::-1]
ax.barh(ypos, bars["slope_oom_per_year"], color=[PALETTE["blue"], PALETTE["green"], PALETTE["orange"],
                                                  PALETTE["purple"]])
ax.errorbar(bars["slope_oom_per_year"], ypos, xerr=[bars["slope_oom_per_year"] - bars["slope_low"],
                                                     bars["slope_high"] - bars["slope_oom_per_year"]],
            fmt="none", color=PALETTE["black"], capsize=3)
ax.set_yticks(ypos, bars["part"])
ax.axvline(0, color="#888888", lw=0.8)
ax.set_xlabel("Growth (orders of magnitude per year)")
ax.set_title(f"Frontier compute growth of {dtab.iloc[-1]['slope_oom_per_year']:.2f} OOM/yr, by factor")
out.figure(fig, "compute-growth-decomposition",
           caption=f"Log-growth rates of cluster size, training duration, per-chip dense peak and implied utilization "
                   f"of frontier runs since {since} (n = {dec.n}); they add up to the growth of training compute. "
                   f"Bars: {confidence:.0%} confidence intervals ({dec.caption()}).",
           alt="Horizontal bar chart of four growth rates, the largest for cluster size, with error bars.",
           table=dtab, source=[runs_source, citation.snapshot("ml_hardware"), citation.curated("hardware")],
           result=dec)

# %%
out.prose(
    f"Of the growth of frontier training compute since {since} "
    f"({out.number('compute-growth-decomposition-table', 4, 'growth_per_year', '{:.2g}')}x per year on these "
    f"{out.number('compute-growth-decomposition-table', 4, 'n', '{:d}')} runs), more chips account for "
    f"**{out.number('compute-growth-decomposition-table', 0, 'share', '{:.0%}')}** "
    f"({out.number('compute-growth-decomposition-table', 0, 'share_low', '{:.0%}')}–"
    f"{out.number('compute-growth-decomposition-table', 0, 'share_high', '{:.0%}')}), faster chips for "
    f"**{out.number('compute-growth-decomposition-table', 2, 'share', '{:.0%}')}** "
    f"({out.number('compute-growth-decomposition-table', 2, 'share_low', '{:.0%}')}–"
    f"{out.number('compute-growth-decomposition-table', 2, 'share_high', '{:.0%}')}), longer runs for "
    f"{out.number('compute-growth-decomposition-table', 1, 'share', '{:.0%}')} and better utilization for "
    f"{out.number('compute-growth-decomposition-table', 3, 'share', '{:.0%}')} "
    f"({out.number('compute-growth-decomposition-counts', 0, 'n_implausible', '{:d}')} runs with an implausible "
    "implied utilization left out)."
)

# %% [markdown]
# ## What a run costs, from first principles
#
# Amortized hardware (chips × release price in 2023 dollars × server and interconnect overheads, depreciated at
# the rate ML-GPU price-performance improves, over the run) plus energy (TDP × server overhead × share of TDP drawn
# × PUE × hours × electricity price), and the cloud-rental equivalent, following Cottier et al. (2024). Ranges are
# 90% ranges over the documented assumptions. Hardware bought at a chip's release has lost value by the time a run
# starts (same depreciation rate); for Llama 3 the run is taken to end at the model's release. **Worked example:** Meta reports 6.4M H100-80GB GPU-hours for
# Llama 3 70B (model card) and built two clusters of 24,576 H100s for Llama 3 training ("Building Meta's GenAI
# Infrastructure", March 2024); its Llama 3 post reports 400 TFLOPS per GPU on 16,384 GPUs at once.

# %%
h100 = catalog.spec("nvidia-h100")
gh = C.LLAMA3_MODEL_CARD_GPU_HOURS["llama-3-70b"]
hours16k = gh / C.META_LLAMA3_CONCURRENT_GPUS
start16k = pd.Timestamp(C.LLAMA3_RELEASE_DATE) - pd.Timedelta(hours=hours16k)
examples = [
    tc.run_cost(h100, chip_hours=gh, start=C.LLAMA3_RELEASE_DATE, label="Llama 3 70B: 6.4M H100-hours"),
    tc.run_cost(h100, chips=C.META_LLAMA3_CONCURRENT_GPUS, hours=hours16k, start=start16k,
                label="6.4M H100-hours on 16,384 GPUs"),
    tc.run_cost(h100, chips=C.META_GENAI_CLUSTER_GPUS, hours=30 * 24, label="new 24,576-H100 cluster, 30 days"),
]
ex = pd.concat([e.to_frame() for e in examples], ignore_index=True)
ex = ex[ex["component"] != "Epoch AI estimate"].reset_index(drop=True)
facts = pd.DataFrame([{"run": e.label, "chips": e.chips, "hours": e.hours, "chip_hours": e.chip_hours,
                       "power_mw": (e.power_w or np.nan) / 1e6, "energy_mwh": e.energy_mwh,
                       "cluster_cost_usd": e.cluster_cost_usd,
                       "cluster_cost_musd": (e.cluster_cost_usd or np.nan) / 1e6} for e in examples])
out.table(facts, "worked-example-runs")
comparison = tc.cost_table(models, catalog)
fig, (ax1, ax2) = new_figure(1, 2, figsize=(10, 4))
for j, comp in enumerate(("amortized hardware + energy", "cloud rental")):
    part = ex[ex["component"] == comp]
    y = np.arange(len(part))[::-1] + (0.2 if j == 0 else -0.2)
    ax1.errorbar(part["usd"], y, xerr=[part["usd"] - part["usd_low"], part["usd_high"] - part["usd"]], fmt="o",
                 capsize=3, color=(PALETTE["blue"], PALETTE["orange"])[j], label=comp)
ax1.set_yticks(np.arange(len(examples))[::-1], [e.label for e in examples], fontsize=7.5)
label_log_axis(ax1, "x", "Cost", "USD")
ax1.legend(loc="upper center", bbox_to_anchor=(0.5, -0.16), ncol=2, fontsize=7)
ax1.set_title("Worked examples (90% ranges)")
if not comparison.empty and comparison["epoch_cost_2023_usd"].notna().any():
    cmp_ = comparison.dropna(subset=["epoch_cost_2023_usd"])
    costs = ax2.errorbar(cmp_["epoch_cost_2023_usd"], cmp_["amortized_total_usd"],
                 yerr=[cmp_["amortized_total_usd"] - cmp_["amortized_low_usd"],
                       cmp_["amortized_high_usd"] - cmp_["amortized_total_usd"]], fmt="o", ms=3, alpha=0.7,
                 color=PALETTE["blue"])
    attach_tooltips(costs.lines[0], point_titles(cmp_, "amortized_total_usd", "2023 USD (ours)"))
    lim = [cmp_[["epoch_cost_2023_usd", "amortized_low_usd"]].min().min() / 2,
           cmp_[["epoch_cost_2023_usd", "amortized_high_usd"]].max().max() * 2]
    ax2.plot(lim, lim, color="#888888", lw=0.8, ls="--", label="equal")
    ax2.legend(loc="upper left", fontsize=7)
label_log_axis(ax2, "x", "Epoch AI's estimate", "2023 USD")
label_log_axis(ax2, "y", "Our estimate", "2023 USD")
ax2.set_title("Our first-principles cost vs Epoch AI's")
out.figure(fig, "training-cost-first-principles",
           caption="Left: amortized hardware + energy and cloud-rental cost of the Llama 3 70B worked examples with "
                   "90% ranges over the assumptions. Right: our amortized cost against Epoch AI's figure for every "
                   "run where both exist (bars: our 90% range).",
           alt="Left, dot-and-range chart of three example runs' costs; right, log-log scatter of our cost "
               "estimates against Epoch AI's, close to the diagonal.",
           table=pd.concat([ex.assign(panel="worked examples"),
                            comparison.assign(panel="comparison with Epoch AI")], ignore_index=True),
           source=[runs_source, citation.snapshot("ml_hardware"), citation.curated("hardware"),
                   "Meta, Llama 3 model card and 'Building Meta's GenAI Infrastructure' (2024)"])

# %%
ex_i = ex.reset_index(drop=True)
k_total = int(ex_i.index[(ex_i.run == examples[0].label) & (ex_i.component == "amortized hardware + energy")][0])
k_cloud = int(ex_i.index[(ex_i.run == examples[0].label) & (ex_i.component == "cloud rental")][0])
out.table(ex_i, "worked-example-costs")
summary = tc.comparison_summary(comparison)
out.table(summary, "cost-comparison-summary")
out.table(pd.DataFrame([{"range_level": examples[0].to_dict()["range_level"]}]), "cost-range-level")
out.prose(
    f"Llama-3-70B's {out.number('published-comparisons', 6, 'value', '{:.1f}')}M H100-hours cost about "
    f"**{out.number('worked-example-costs', k_total, 'usd_millions', '${:.1f}')} million** in amortized hardware "
    f"and energy ({out.number('cost-range-level', 0, 'range_level', '{:.0%}')} range {out.number('worked-example-costs', k_total, 'usd_low_millions', '${:.1f}')}–"
    f"{out.number('worked-example-costs', k_total, 'usd_high_millions', '${:.1f}')} million) and "
    f"{out.number('worked-example-costs', k_cloud, 'usd_millions', '${:.1f}')} million at cloud prices. On "
    f"{out.number('worked-example-runs', 1, 'chips', '{:,.0f}')} GPUs the run "
    f"takes {out.number('worked-example-runs', 1, 'hours', '{:,.0f}')} hours and draws "
    f"{out.number('worked-example-runs', 1, 'power_mw', '{:.1f}')} MW at the wall; a full "
    f"{out.number('worked-example-runs', 2, 'chips', '{:,.0f}')}-GPU cluster "
    f"draws {out.number('worked-example-runs', 2, 'power_mw', '{:.1f}')} MW and costs "
    f"${out.number('worked-example-runs', 2, 'cluster_cost_musd', '{:,.0f}')} million to buy. Across "
    f"{out.number('cost-comparison-summary', 0, 'n', '{:d}')} runs costed both ways, our central estimate is a "
    f"median {out.number('cost-comparison-summary', 0, 'median_ratio', '{:.2f}')} times Epoch AI's, and Epoch's "
    f"figure lies inside our {out.number('cost-range-level', 0, 'range_level', '{:.0%}')} range for {out.number('cost-comparison-summary', 0, 'share_inside', '{:.0%}')} "
    f"of them."
)

# %% [markdown]
# ## If the trends hold: 1 GW, $1 billion, 100,000 accelerators
#
# Dates at which the frontier trend lines of the window reach each level. The narrow interval is where the trend
# line itself could be; the wide one is a prediction interval for a single run. **These are extrapolations, not
# forecasts**: they assume that the growth of the past decade continues unchanged, while power supply, chip
# production, capital and the returns to scale all decide whether it does. A level already passed by a run in the
# data is marked.

# %%
proj = infrastructure.projection_table(models, subset="frontier", since=since, top_k=top_k, **window)
out.table(proj, "frontier-run-projections")
fig, ax = new_figure()
ok = proj.dropna(subset=["date"]).reset_index(drop=True)
starred = False
for i, r in ok.iterrows():
    lo = r["date_pi_low"] if pd.notna(r["date_pi_low"]) else r["date"]
    hi = r["date_pi_high"] if pd.notna(r["date_pi_high"]) else r["date"]
    ax.errorbar([r["date"]], [i], xerr=[[r["date"] - lo], [hi - r["date"]]], fmt="o", color=PALETTE["vermillion"],
                capsize=4, label="prediction interval (one run)" if i == 0 else None)
    if pd.notna(r["date_low"]) and pd.notna(r["date_high"]):
        ax.plot([r["date_low"], r["date_high"]], [i, i], color=PALETTE["black"], lw=4, alpha=0.5,
                label="trend-line interval" if i == 0 else None)
    if pd.notna(r["already_reached_on"]):
        star = ax.scatter([r["already_reached_on"]], [i], marker="*", s=120, color=PALETTE["blue"],
                          label="already reached in the data" if not starred else None)
        attach_tooltips(star, [f"{r['already_reached_by']}, {r['already_reached_on']:%Y-%m-%d}: already at "
                               f"{r['level_label']}"])
        starred = True
ax.set_yticks(range(len(ok)), [f"{r.quantity}: {r.level_label}" for r in ok.itertuples()], fontsize=8)
ax.set_ylim(-0.6, len(ok) - 0.4)
ax.set_xlabel("Date")
ax.set_title("When frontier runs would reach these levels if trends hold")
ax.legend(loc="upper center", bbox_to_anchor=(0.5, -0.14), ncol=3, fontsize=7)
out.figure(fig, "frontier-run-projections",
           caption=f"Dates at which the frontier trends since {since} reach 1 GW of power draw, $1 billion of "
                   f"amortized cost and 100,000 accelerators, with {confidence:.0%} intervals for the trend line "
                   "(bar) and for a single run (whiskers); stars mark a run in the data already at the level.",
           alt="Dot-and-whisker chart of three projected dates in the late 2020s, with wide prediction intervals.",
           table=proj, source=runs_source)

# %%
pj = proj.reset_index(drop=True)
lines_ = []
for i, r in pj.iterrows():
    if pd.isna(r["date"]):
        continue
    pi = ("unbounded" if pd.isna(r["year_pi_low"]) or pd.isna(r["year_pi_high"]) else
          f"{out.number('frontier-run-projections', i, 'year_pi_low', '{:.0f}')}–"
          f"{out.number('frontier-run-projections', i, 'year_pi_high', '{:.0f}')}")
    txt = (f"{r['quantity'].lower()} of {out.number('frontier-run-projections', i, 'level_label', '{}')}: trend line in "
           f"**{out.number('frontier-run-projections', i, 'year', '{:.0f}')}** "
           f"(single-run prediction interval {pi}, n = {out.number('frontier-run-projections', i, 'fit_n', '{:d}')})")
    if isinstance(r["already_reached_by"], str):
        txt += f", already passed by {r['already_reached_by']}"
    lines_.append(txt)
out.prose("If the trends held: " + "; ".join(lines_) + f". Cottier et al. (2024) projected runs costing more than a billion dollars by "
          f"{C.COTTIER_2024_BILLION_YEAR}.")
