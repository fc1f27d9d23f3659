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
# year's releases, with a bias-corrected estimate of the underlying concentration and its interval where the year
# has enough models (otherwise none is shown), the number of organizations with a frontier model or a model above 10²⁵ FLOP, who held the
# largest training run and for how long, and which organizations reached the frontier for the first time.
#
# **Caveats.** Organizations are counted by parent family (Google Brain, DeepMind and Google DeepMind are Google;
# FAIR and Meta AI are Meta). A model with several developers gives each an equal share. Counting models is not counting
# compute or revenue: one lab's single large run and another's ten small models weigh differently here.

# %% tags=["parameters"]
data_spec: str = ""  # data source: empty for bundled, a models CSV path, or epoch:PATH
subset: str = "frontier"  # models counted: notable or frontier
top_k: int = 10  # frontier size: top-k by compute at release
since_year: int = 2015  # first year shown
confidence: float = 0.90  # level of the HHI interval
output_dir: str = ""  # set by the report runner; empty shows figures only

# %%
import pandas as pd

from analysis.data import dataset
from analysis.metrics import analyses, competition
from analysis.reporting.figures import PALETTE, ReportOutput, mark_partial_year, new_figure, short_label

out = ReportOutput(output_dir)
ds = dataset.load(data_spec or None)
models = ds.models

# %% [markdown]
# ## Concentration per year

# %%
hhi = analyses.get("concentration")(ds, by="organization", subset=subset, top_k=top_k, confidence=confidence)
conc = hhi.to_frame()
conc = conc[conc["year"] >= since_year].reset_index(drop=True)
fig, ax = new_figure()
ax.plot(conc["year"], conc["hhi"], marker="o", color=PALETTE["blue"], label="HHI of the year's releases")
ax.plot(conc["year"], conc["hhi_estimate"], marker=".", ls=":", color=PALETTE["orange"],
        label="bias-corrected estimate")
ax.fill_between(conc["year"], conc["hhi_low"], conc["hhi_high"], color=PALETTE["orange"], alpha=0.2,
                label=f"{confidence:.0%} interval (years with enough models)")
ax.plot(conc["year"], conc["hhi_min"], ls="--", color="#888888", label="floor 1/n (organizations that year)")
ax.set_ylim(0, 1)
ax.set_xlabel("Release year")
ax.set_ylabel("Herfindahl–Hirschman index (0–1)")
ax.set_title(f"Concentration of {subset} models among organizations")
ax.legend(loc="upper right")
out.figure(fig, f"concentration-hhi-{subset}",
           caption=f"Herfindahl–Hirschman index of {subset} models across organizations (parent families) per "
                   f"year, the bias-corrected estimate of the underlying concentration and its {confidence:.0%} "
                   "interval where a year has enough models; the dashed line is the minimum possible for that year's "
                   "number of organizations.",
           alt="Line of yearly HHI with an interval band above a dashed floor line.", table=conc, source=ds,
           result=hhi)

# %% [markdown]
# ## Organizations at the frontier and above 10²⁵ FLOP

# %%
orgs = competition.frontier_organizations(models, top_k=top_k).table
orgs = orgs[orgs["year"] >= since_year].reset_index(drop=True)
entrants = competition.entrants_per_year(models, top_k=top_k)
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
           caption=f"Distinct organizations per year with a frontier (top-{top_k} at release) model and with a model "
                   "trained with more than 10²⁵ FLOP (the EU AI Act's systemic-risk presumption).",
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
           caption="Organization holding the largest known training run (by training compute) over time; a lead "
                   "ends when another organization releases a larger run.",
           alt="Gantt-style bars of tenure per organization.", table=lead, source=ds)
