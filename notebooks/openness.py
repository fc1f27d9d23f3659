# ---
# jupyter:
#   kernelspec:
#     display_name: Frontier Atlas (.venv)
#     language: python
#     name: frontier-atlas
# ---

# %% [markdown]
# # Are open models catching up?
#
# Three measurements. **Openness** of language-model releases on the 14 dimensions of the European Open Source AI
# Index ("Opening up ChatGPT", Liesenfeld, Lopez & Dingemanse 2023): open = 1, partial = 0.5, closed = 0, grouped
# into availability, documentation and access. **Open share**: the share of notable models released with open
# weights each year, with 90% intervals that allow for organizations (an organization's releases are mostly all open
# or all closed, so a year's models count as fewer independent ones: Wilson at the effective n of the year's
# organizations; coverage measured in simulation: docs/methods.md, "which interval each figure uses"). "Open weights"
# follows one rule across the toolkit:
# Epoch AI's accessibility category of the model. **The lag**: for every level the closed frontier reached (a best
# score, or a largest training run), how many months later the open-weights frontier reached it; the summary is the
# median over levels, with levels not reached yet counted as *censored* (Kaplan–Meier). One evaluation setting per
# benchmark (MMLU 5-shot and GPQA Diamond 0-shot by default), scores dated by the model's release. The interval is
# a bootstrap over organizations read at a calibrated level; beside it stands the coverage it reached in simulation
# (open frontier = closed frontier shifted by a known number of months, with organization effects and errors
# correlated over time). The median over closed records of the months until one was matched (the crossings of Epoch
# AI's 2024 report, drawn as arrows) runs longer than the shift in that simulation, so it is shown, not used.
#
# **Caveats.** "Open weights" is not open source: most open-weight licences restrict use, and few releases
# publish training data. Benchmark scores come from different evaluators and prompts (see each row's `setting`
# and `evaluator`); MMLU is saturated near the top, which compresses late lags.

# %% tags=["parameters"]
data_spec: str = ""  # data source: empty for bundled, a models CSV path, or epoch:PATH
benchmark: str = "mmlu"  # benchmark for the capability lag
benchmark_setting: str = ""  # evaluation setting; empty = the benchmark's default (MMLU 5-shot), "any" = best of all
top_k: int = 1  # compare the k-th best open and closed model
confidence: float = 0.90  # level of every interval (open share, median lag)
output_dir: str = ""  # set by the report runner; empty shows figures only

# %%
import numpy as np
import pandas as pd

from analysis.constants import FMTI_DEVELOPER_ALIASES
from analysis.data import dataset, sources
from analysis.errors import AnalysisError
from analysis.metrics import checks, openness, vintages
from analysis.metrics.result import partial_year
from analysis.reporting import citation
from analysis.reporting.figures import (
    CLOSED_COLOR,
    OPEN_COLOR,
    PALETTE,
    ReportOutput,
    labelled_scatter,
    legend_below,
    mark_partial_year,
    new_figure,
    short_label,
)

out = ReportOutput(output_dir)
ds = dataset.load(data_spec or None)
models, bench, opn = ds.models, ds.benchmarks, ds.openness
checks.benchmark(bench, benchmark, benchmark_setting or None)  # a misspelt -p benchmark fails the report clearly

# %% [markdown]
# ## Openness scores

# %%
if len(opn):
    scores = openness.openness_scores(opn).merge(models[["id", "name", "organization"]], left_on="model_id",
                                                 right_on="id", how="left").drop(columns="id")
    top = scores.sort_values(["score", "model_id"], ascending=[True, True])
    fig, ax = new_figure(figsize=(7, max(4, 0.2 * len(top) + 1.2)))  # tall enough for readable labels
    left = np.zeros(len(top))
    for part, color in (("availability", PALETTE["blue"]), ("documentation", PALETTE["orange"]),
                        ("access", PALETTE["green"])):
        ax.barh(top["name"].fillna(top["model_id"]).map(short_label), top[part], left=left, color=color, label=part)
        left += top[part].to_numpy()
    ax.set_xlabel("Openness score (points of 14)")
    ax.set_title("Openness of language-model releases")
    ax.tick_params(axis="y", labelsize=7.5)
    ax.set_ylim(-0.7, len(top) - 0.3)
    ax.legend(loc="lower right")
    out.figure(fig, "openness-scores",
               caption="Openness of language-model releases on 14 dimensions (open 1, partial 0.5, closed 0), split "
                       "into availability, documentation and access; codes from the European Open Source AI Index "
                       "with evidence in data/openness.csv.",
               alt="Horizontal stacked bars, one per model, from least to most open.", table=scores,
               source=citation.curated("openness"))

# %% [markdown]
# ## Share of notable models released with open weights

# %%
open_share = openness.open_share(models, by="year", confidence=confidence)
share = open_share.table
share = share[share["year"] >= 2015].reset_index(drop=True)
share["partial"] = share["year"] == partial_year(models["release_date"])  # the data's incomplete last year
pinned = vintages.pinned_tables(sources.default_on_vintages(vintages.PINNED, data_spec))  # the default table on each pinned Epoch vintage, for the vintage range
rev = vintages.revision(pinned, lambda m: openness.open_share(m, by="year").table, "share", on="year")
share = share.merge(rev[["year", "vintage_low", "vintage_high"]], on="year", how="left")
fig, ax = new_figure()
ax.plot(share["year"], 100 * share["share"], color=OPEN_COLOR, marker="o", label="open-weights share")
ax.fill_between(share["year"], 100 * share["share_low"], 100 * share["share_high"], color=OPEN_COLOR, alpha=0.2,
                label=f"{confidence:.0%} interval (organizations)")
ax.set_ylim(0, 100)
ax.set_xlabel("Release year")
ax.set_ylabel("Models released with open weights (%)")
ax.set_title("Open-weights share of notable models")
mark_partial_year(ax, models["release_date"].max())
legend_below(ax, ncol=3)
out.figure(fig, "open-share-by-year",
           caption="Share of notable models released with open weights each year (models with known access), "
                   f"with {confidence:.0%} intervals that allow for organizations (Wilson at the effective n of the "
                   f"year's organization clusters; n_orgs and n_eff in the table); n = {int(share['n'].sum())} models "
                   f"released {share['year'].min()}–{share['year'].max()} (each year's n in the table). "
                   + ("At nominal 90% they cover {1[0]:.2f}–{1[1]:.2f} where an organization's releases are alike, as "
                      "in these data, and {0[0]:.2f}–{0[1]:.2f} on independent models (simulation, docs/methods.md; "
                      "the binomial Wilson interval covers {2[0]:.2f}–{2[1]:.2f} here). ".format(
                          *openness.SHARE_MEASURED_COVERAGE["organizations"].values(),
                          openness.WILSON_MEASURED_COVERAGE["organization-dependent"])
                      if confidence == 0.90 else "")
                   + vintages.range_caption(pinned, share, "the same share", "{:.1%}"),
           alt="Line of the yearly open-weights share with a shaded interval band.", table=share, source=ds,
           result=open_share)

# %% [markdown]
# ## How far behind are open models?

# %%
lag_rows = []
lag = None
try:
    lag = openness.capability_lag(bench, models, benchmark, setting=benchmark_setting or None, top_k=top_k,
                                  confidence=confidence)
except AnalysisError as exc:
    print(f"No {benchmark} lag: {exc}")
if lag is not None:
    entries = openness.benchmark_entries(bench, models, benchmark, setting=benchmark_setting or None).table
    curves = openness.frontier_curves(entries, top_k=top_k)
    fig, ax = new_figure()
    for group, color in (("closed", CLOSED_COLOR), ("open", OPEN_COLOR)):
        c = curves[curves["group"] == group].sort_values("date")
        ax.step(c["date"], c["value"], where="post", color=color, lw=2, label=f"best {group} model")
        pts = entries[(entries["open_weights"] == (group == "open")).fillna(False).astype(bool)]  # unknown: neither
        labelled_scatter(ax, pts, "date", "value", unit="%", context="setting", s=10, color=color, alpha=0.35)
    for _, r in lag.matched.iterrows():
        ax.annotate("", xy=(r["open_date"], r["level"]), xytext=(r["closed_date"], r["level"]),
                    arrowprops=dict(arrowstyle="->", color="#777777", lw=0.8))
    ax.set_xlabel(f"Date of the score ({lag.date_basis})")
    ax.set_ylabel(f"{benchmark.upper()} score (%)")
    ax.set_title(f"Best open and closed models on {benchmark.upper()}")
    legend_below(ax)
    out.figure(fig, f"open-closed-frontier-{benchmark}",
               caption=f"Best closed and best open-weights {benchmark.upper()} scores over time "
                       f"({lag.setting} only; dated by {lag.date_basis}); arrows show how long open models took to match "
                       f"each new closed record. Median lag over levels: {lag.caption()}.",
               alt="Two rising step lines, closed above and open catching up, with horizontal arrows for lags.",
               table=curves, source=[ds, citation.curated("benchmarks")], result=lag)
    lag_rows.append(lag.to_frame())
clag = openness.compute_lag(models, top_k=top_k, confidence=confidence)
lag_end = vintages.common_end(pinned)  # the vintage range: the same lag to the older vintage's newest model
clag_rev = vintages.revision(pinned, lambda m: openness.compute_lag(m, top_k=top_k, until=lag_end).to_frame(),
                             "median_lag_months")
lag_rows.append(clag.to_frame().assign(vintage_low=clag_rev["vintage_low"].iloc[0] if len(clag_rev) else None,
                                       vintage_high=clag_rev["vintage_high"].iloc[0] if len(clag_rev) else None,
                                       vintage_until=None if lag_end is None else lag_end.strftime("%Y-%m-%d")))
lags = pd.concat(lag_rows, ignore_index=True)
out.table(lags, "open-closed-lag-summary")
crossings = pd.concat([(lag.crossings.assign(metric=benchmark) if lag is not None else None),
                       clag.crossings.assign(metric="compute")], ignore_index=True)
out.table(crossings, "open-closed-lag-crossings")

# %%
i = len(lags) - 1
T = "open-closed-lag-summary"
parts = []
for row, what in ([(0, f"On {benchmark.upper()} ({lag.setting}), open-weights models reached the closed models' "
                       "scores")] if lag is not None else []) + [
        (i, "In training compute, the open frontier reached the closed one's levels")]:
    parts.append(
        f"{what} after a median of **{out.number(T, row, 'median_lag_months', '{:.1f}')} months** over the "
        f"levels closed models reached first (interval {out.number(T, row, 'lag_low', '{:.1f}')}–"
        f"{out.number(T, row, 'lag_high', '{:.1f}')} at nominal {confidence:.0%}, coverage "
        f"{out.number(T, row, 'coverage_low', '{:.2f}')}–{out.number(T, row, 'coverage_high', '{:.2f}')} "
        f"in simulation; {out.number(T, row, 'share_censored_levels', '{:.0%}')} of the levels not reached "
        f"yet; n = {out.number(T, row, 'n', '{:d}')} models). Of {out.number(T, row, 'n_records', '{:d}')} closed "
        f"records, {out.number(T, row, 'n_censored', '{:d}')} are not yet matched; the matched ones took a median "
        f"of {out.number(T, row, 'matched_median_lag_months', '{:.1f}')} months, the Kaplan–Meier median counting "
        f"the unmatched ones is {out.number(T, row, 'km_median_lag_months', '{:.1f}')}.")
if pinned and pd.notna(lags.at[i, "vintage_low"]):
    parts.append(f"Between Epoch AI's {' and '.join(pinned)} data, the compute lag to "
                 f"{out.number(T, i, 'vintage_until', '{}')} moved within {out.number(T, i, 'vintage_low', '{:.1f}')}–"
                 f"{out.number(T, i, 'vintage_high', '{:.1f}')} months.")
text = " ".join(parts)
out.prose(text)

# %% [markdown]
# ## Headline: the gap on the composite index and on MMLU
#
# MMLU is saturated near the top; Epoch AI's Capabilities Index (ECI) combines about 40 benchmarks. The same lag
# function on both (ECI scores dated by the model version that earned them), and on the ECI Epoch AI's average gap in
# index points (see the capabilities report, which also compares it with Epoch's published figures).

# %%
from analysis.data import benchmark_hub
from analysis.metrics import capabilities  # noqa: E402

headline = capabilities.eci_headline(benchmark_hub.load_hub(benchmarks=["eci"]), confidence=confidence)
if lag is not None:
    headline = pd.concat([headline, lags.iloc[[0]].assign(metric=benchmark.upper(), source=ds.label)],
                         ignore_index=True)
out.table(headline, "open-closed-gap-eci-mmlu")
text = (f"On the ECI, open-weights models took a median of "
        f"**{out.number('open-closed-gap-eci-mmlu', 0, 'median_lag_months', '{:.1f}')} months** to reach the levels "
        f"closed models reached first (interval {out.number('open-closed-gap-eci-mmlu', 0, 'lag_low', '{:.1f}')}–"
        f"{out.number('open-closed-gap-eci-mmlu', 0, 'lag_high', '{:.1f}')} at nominal {confidence:.0%}, coverage "
        f"{out.number('open-closed-gap-eci-mmlu', 0, 'coverage_low', '{:.2f}')}–"
        f"{out.number('open-closed-gap-eci-mmlu', 0, 'coverage_high', '{:.2f}')} in simulation) and trailed the "
        f"state of the art by {out.number('open-closed-gap-eci-mmlu', 0, 'gap_points', '{:.1f}')} index points on "
        f"average over the days (Epoch AI's estimand; {confidence:.0%} bootstrap interval "
        f"{out.number('open-closed-gap-eci-mmlu', 0, 'gap_points_low', '{:.1f}')}–"
        f"{out.number('open-closed-gap-eci-mmlu', 0, 'gap_points_high', '{:.1f}')}).")
if lag is not None:
    text += (f" On {benchmark.upper()}: **{out.number('open-closed-gap-eci-mmlu', 1, 'median_lag_months', '{:.1f}')} "
             f"months** ({out.number('open-closed-gap-eci-mmlu', 1, 'lag_low', '{:.1f}')}–"
             f"{out.number('open-closed-gap-eci-mmlu', 1, 'lag_high', '{:.1f}')}).")
out.prose(text)

# %% [markdown]
# ## Transparency of developers (FMTI)

# %%
if len(ds.transparency):
    tr = openness.transparency_changes(ds.transparency, aliases=FMTI_DEVELOPER_ALIASES)
    editions = sorted(tr["edition"].unique())
    devs = tr.groupby("developer")["score"].max().sort_values(ascending=False).index.tolist()
    ncols = 4
    nrows = -(-len(devs) // ncols)
    # small multiples, one panel per developer (all developers faint in the background): no tangle, no legend
    fig, axes = new_figure(nrows, ncols, figsize=(7, 1.25 * nrows + 0.6), sharex=True, sharey=True, squeeze=False)
    xpos = {e: i for i, e in enumerate(editions)}
    for k, ax in enumerate(axes.flat):
        if k >= len(devs):
            ax.set_visible(False)
            continue
        for _, g in tr.groupby("developer"):
            g = g.sort_values("edition")
            ax.plot(g["edition"].map(xpos), g["score"], color="#dddddd", lw=0.8, zorder=1)
        g = tr[tr["developer"] == devs[k]].sort_values("edition")
        ax.plot(g["edition"].map(xpos), g["score"], color=PALETTE["blue"], marker="o", lw=1.8, zorder=3)
        ax.set_title(short_label(devs[k], 22), fontsize=8, fontweight="normal")
        ax.set_ylim(0, 100)
        ax.set_yticks([0, 50, 100])
        ax.set_xlim(-0.4, len(editions) - 0.6)
        ax.set_xticks(range(len(editions)), [e[:4] for e in editions])
        ax.tick_params(labelsize=7)
    fig.supylabel("Transparency score (points of 100)", fontsize=8.5)
    fig.supxlabel("FMTI edition (2023-10, 2024-05, 2025-12)", fontsize=8.5)
    fig.suptitle("Foundation Model Transparency Index by developer", x=0.02, ha="left", fontweight="bold",
                 fontsize=11)
    fig.tight_layout()
    out.figure(fig, "fmti-scores-by-developer",
               caption="Stanford CRFM Foundation Model Transparency Index totals per developer in the 2023, 2024 "
                       "and 2025 editions, one panel per developer (other developers in grey).",
               alt="Small multiples, one panel per developer, each with its scores across the FMTI editions in front "
                   "of all developers' lines in grey; many fall in 2025.", table=tr,
               source=citation.curated("transparency"))
