# ---
# jupyter:
#   kernelspec:
#     display_name: Frontier Atlas (.venv)
#     language: python
#     name: frontier-atlas
# ---

# %% [markdown]
# # Who is at the frontier?
#
# Concentration of notable and frontier models among organizations and countries: yearly shares, the
# Herfindahl–Hirschman index (HHI, the sum of squared shares: 1/n for n equal players, 1 for a monopoly) of each
# year's releases, with a bias-corrected estimate of the underlying concentration and its interval for every year
# with at least 20 models (fewer: "too few models", no value drawn; frontier years hold 2-20 models, so the frontier
# pools each year with the two before it), the number of organizations with a frontier model or a model above
# 10²⁵ FLOP, who held the largest training run and for how long, and which organizations reached the frontier for
# the first time. The last year of the data is incomplete and is marked as such.
#
# **Caveats.** Organizations are counted by parent family (Google Brain, DeepMind and Google DeepMind are Google;
# FAIR and Meta AI are Meta). A model with several developers gives each an equal share. Versions of one model count
# once, at the first release (GPT-4o's four dated snapshots are one model, not five), and the models our overlay adds
# for look-ups are not counted. Counting models is not counting compute or revenue: one lab's single large run and
# another's ten small models weigh differently here.

# %% tags=["parameters"]
data_spec: str = ""  # data source: empty for bundled, a models CSV path, or epoch:PATH
top_k: int = 10  # frontier size: top-k by compute at release
notable_window: int = 1  # years pooled per point in the notable concentration (1 = single years)
frontier_window: int = 3  # years pooled per point in the frontier concentration (frontier years hold 2-20 models)
since_year: int = 2015  # first year shown
confidence: float = 0.90  # level of the HHI interval
output_dir: str = ""  # set by the report runner; empty shows figures only

# %%
import numpy as np
import pandas as pd

from analysis.data import dataset, sources
from analysis.metrics import analyses, competition, selection, vintages
from analysis.metrics.result import partial_year
from analysis.reporting.figures import PALETTE, ReportOutput, legend_below, mark_partial_year, new_figure, short_label

out = ReportOutput(output_dir)
ds = dataset.load(data_spec or None)
models = selection.select(ds.models)  # the representative set: one row per model, no overlay additions
pinned = vintages.pinned_tables(sources.default_on_vintages(vintages.PINNED, data_spec))  # the default table on each pinned Epoch vintage, for the vintage range

# %% [markdown]
# ## Concentration per year

# %%
for subset, window in (("notable", notable_window), ("frontier", frontier_window)):
    hhi = analyses.get("concentration")(ds, by="organization", subset=subset, top_k=top_k, confidence=confidence,
                                        window_years=window)
    conc = hhi.to_frame()
    conc = conc[conc["year"] >= since_year].reset_index(drop=True)
    rev = vintages.revision(pinned, lambda m, s=subset, w=window: competition.concentration(
        m, subset=s, top_k=top_k, window_years=w, n_boot=100).to_frame(), "hhi_estimate", on="year")
    conc = conc.merge(rev[["year", "vintage_low", "vintage_high"]], on="year", how="left")
    shown = conc[~conc["too_few_models"]]
    few = conc[conc["too_few_models"]]
    fig, ax = new_figure()
    ax.plot(conc["year"], conc["hhi"].where(~conc["too_few_models"]), marker="o", color=PALETTE["blue"],
            label="HHI of the " + ("year's" if window == 1 else f"{window} years'") + " releases")
    ax.errorbar(shown["year"], shown["hhi_estimate"],
                yerr=[shown["hhi_estimate"] - shown["hhi_low"], shown["hhi_high"] - shown["hhi_estimate"]],
                fmt="s", ms=4, color=PALETTE["orange"], ecolor=PALETTE["orange"], capsize=2,
                label=f"bias-corrected estimate, {confidence:.0%} interval")
    ax.plot(conc["year"], conc["hhi_min"].where(~conc["too_few_models"]), ls="--", color="#888888",
            label="floor 1/n (organizations)")
    if len(few):
        ax.plot(few["year"], np.full(len(few), 0.01), ls="none", marker="x", color=PALETTE["black"],
                label=f"too few models (< {hhi.settings['min_models']}): no value")
    top = max([float(v) for v in (shown["hhi_high"].max(), shown["hhi"].max()) if pd.notna(v)] or [1.0])
    ax.set_ylim(0, min(1.0, 1.3 * top))
    ax.set_xlabel("Release year" + ("" if window == 1 else f" (each pooled with the {window - 1} years before it)"))
    ax.set_ylabel("Herfindahl–Hirschman index (0–1)")
    ax.set_title(f"Concentration of {subset} models among organizations")
    partial = mark_partial_year(ax, models["release_date"].max())
    legend_below(ax, ncol=2)
    pooled = "" if window == 1 else f" Each point pools the year with the {window - 1} years before it."
    out.figure(fig, f"concentration-hhi-{subset}",
               caption=f"Herfindahl–Hirschman index of {subset} models (one row per model: versions count once) "
                       f"across organizations (parent families) per year, the bias-corrected estimate of the underlying concentration with its {confidence:.0%} "
                       f"interval ({hhi.meta.interval_kind}); the dashed line is the minimum possible for that "
                       f"number of organizations. Years with fewer than {hhi.settings['min_models']} models are "
                       f"marked x and show no value.{pooled}"
                       + (f" {partial}: an incomplete year." if partial else "")
                       + " " + vintages.range_caption(pinned, conc, "the bias-corrected estimate", "{:.3f}"),
               alt="Yearly HHI points with interval bars for the bias-corrected estimate above a dashed floor line.",
               table=conc, source=ds, result=hhi)

# %% [markdown]
# ## Organizations at the frontier and above 10²⁵ FLOP

# %%
orgs = competition.frontier_organizations(models, top_k=top_k).table
orgs = orgs[orgs["year"] >= since_year].reset_index(drop=True)
entrants = competition.entrants_per_year(models, top_k=top_k)
last_partial = partial_year(models["release_date"])  # the data's incomplete last year, None if complete
orgs["partial"] = orgs["year"] == last_partial
entrants["partial"] = entrants["year"] == last_partial
fig, ax = new_figure()
ax.bar(orgs["year"] - 0.2, orgs["n_orgs_frontier"], width=0.4, color=PALETTE["blue"],
       label=f"organizations with a top-{top_k} model")
ax.bar(orgs["year"] + 0.2, orgs["n_orgs_above"], width=0.4, color=PALETTE["vermillion"],
       label="organizations with a model above 10²⁵ FLOP")
ax.set_xlabel("Release year")
ax.set_ylabel("Organizations (count)")
ax.set_title("How many organizations are at the frontier?")
mark_partial_year(ax, models["release_date"].max())
ax.legend(loc="upper left")
out.figure(fig, "frontier-organizations-per-year",
           caption=f"Distinct organizations (parent families) per year with a frontier (top-{top_k} at release) "
                   "model and with a model trained with more than 10²⁵ FLOP (the EU AI Act's systemic-risk "
                   "presumption); versions of one model count once.",
           alt="Paired bars per year; organizations above 10²⁵ FLOP appear from 2023 and grow.", table=orgs,
           source=ds)
out.table(entrants, "frontier-entrants-per-year")

# %% [markdown]
# ## Who held the largest training run

# %%
lead = competition.compute_leadership(models, by="organization").table
last = models["release_date"].max()
lead["end"] = pd.to_datetime(lead["end"]).fillna(last)
lead = lead[lead["end"] >= pd.Timestamp(f"{since_year}-01-01")].reset_index(drop=True)
fig, ax = new_figure()
holders = list(dict.fromkeys(lead["holder"]))
colors = list(PALETTE.values())
for _, r in lead.iterrows():
    i = holders.index(r["holder"])
    ax.barh(i, (pd.Timestamp(r["end"]) - pd.Timestamp(r["start"])).days, left=pd.Timestamp(r["start"]),
            color=colors[i % len(colors)])
ax.set_yticks(range(len(holders)), [short_label(h) for h in holders])
ax.set_xlabel("Date")
ax.set_title("Holder of the largest known training run")
out.figure(fig, "compute-leadership-timeline",
           caption="Organization (parent family: Google Brain, DeepMind and Google DeepMind are Google; Facebook and "
                   "Meta AI are Meta) holding the largest known training run (by training compute) over time; a "
                   "lead ends when another organization releases a larger run.",
           alt="Gantt-style bars of tenure per organization.", table=lead, source=ds)
