# ---
# jupyter:
#   kernelspec:
#     display_name: Frontier Atlas (.venv)
#     language: python
#     name: frontier-atlas
# ---

# %% [markdown]
# # Who owns the compute: AI supercomputers, frontier data centers and the installed stock of AI chips
#
# Meta trained Llama 3 on two clusters of 24,576 GPUs. This report looks at the machines behind such runs: how fast
# the leading AI supercomputers grow, who owns the world's AI compute and how concentrated it is, how a frontier run
# compares with the largest cluster of its day, when frontier data centers pass a gigawatt, and how the installed
# stock of AI chips is split between owners.
#
# **Data.** Epoch AI's *Data on GPU Clusters* and *Frontier Data Centers* (pinned snapshots accessed 2025-12-17)
# and the exports behind Epoch's *AI Chip Sales* and *AI Chip Owners* explorers (2026-04-22), all CC BY 4.0; the
# notable-models table for the training runs. A system counts when Epoch's standard analysis keeps it (confirmed or
# likely, a single cluster, not a possible duplicate); decommissioned systems count while they ran, planned ones
# never. Epoch anonymizes Chinese systems and rounds their values to one significant figure.
#
# **Intervals.** Growth rates resample owners (systems of one owner are not independent). Shares resample owners
# too and draw each anonymized value within its rounding interval; the rounding's hard bounds and the share on
# Confirmed systems only are given beside them. The owners' HHI is the concentration among the owners in Epoch's
# data (a sample of owners has fewer competitors than the world, so it does not estimate the world's); its interval
# is the rounding's. Coverage of each interval on simulated data with a known truth is in `tests/`.
#
# **Caveats.** Epoch's clusters cover an estimated 10–20% of the world's AI compute, and which clusters get reported
# is not random; data-center milestones after the access date are Epoch's projections from permits and plans; the
# chip exports leave out Huawei (held in China), so shares of the chip stock are of the non-Huawei stock.

# %% tags=["parameters"]
data_spec: str = ""  # models for the training runs: empty for bundled, a models CSV path, or epoch:PATH
confidence: float = 0.90  # confidence level of every interval
n_boot: int = 1000  # bootstrap resamples (trend and share intervals)
rank: str = "epoch"  # leading systems: 'epoch' (Epoch's rank when first operational) or 'recomputed'
confirmed_only: bool = False  # keep only Confirmed systems (default: Confirmed and Likely, Epoch's standard analysis)
place_year: int = 2024  # year whose operating systems Llama 3's clusters are ranked among
output_dir: str = ""  # set by the report runner; empty shows figures only

# %%
import pandas as pd

from analysis import constants as C
from analysis.data import dataset
from analysis.data import infrastructure_snapshots as infra
from analysis.metrics import infrastructure, ownership
from analysis.reporting import citation
from analysis.reporting.figures import (
    PALETTE,
    ReportOutput,
    label_log_axis,
    labelled_scatter,
    legend_below,
    new_figure,
    year_axis,
)

out = ReportOutput(output_dir)
ds = dataset.load(data_spec or None)
clusters = infra.clusters()
timelines = infra.data_center_timelines()
stock, holders = infra.chip_stock(), infra.chip_owners()
certainty = ("Confirmed",) if confirmed_only else C.CLUSTER_CERTAINTY_DEFAULT
as_of = infra.snapshot("data_center_timelines").meta["accessed"]
provenance = pd.DataFrame([{"dataset": s.title, "snapshot": s.name, **{k: infra.snapshot(n).meta.get(k) for k in
                                                                      ("accessed", "vintage", "rows")},
                            "sha256": infra.snapshot(n).meta["sha256_extract"]} for n, s in infra.SPECS.items()])
out.table(provenance, "compute-ownership-data")
SRC_CLUSTERS = citation.snapshot("gpu_clusters")  # each figure's data source, credited and hashed from its metadata
SRC_DC = citation.snapshot("data_center_timelines")
SRC_CHIPS = citation.snapshot_folder(f"{infra.CHIPS_VINTAGE}/ai_chip_counts", "epoch-ai/ai_chip_counts",
                                     f"Epoch AI chip exports {infra.CHIPS_VINTAGE}")
out.prose(f"GPU clusters: {out.number('compute-ownership-data', 0, 'rows', '{:d}')} systems (accessed "
          f"{out.number('compute-ownership-data', 0, 'accessed', '{}')}); data-center milestones: "
          f"{out.number('compute-ownership-data', 2, 'rows', '{:d}')}; training runs: {ds.label}.")

# %% [markdown]
# ## The leading AI supercomputers
#
# Pilz et al. 2025 ("Trends in AI Supercomputers", arXiv:2504.16026) fit log-linear trends to the *leading*
# systems: those in the top ten by 16-bit performance when they first became operational, since 2019. The paper
# reports performance doubling every nine months, from more chips and better chips in about equal parts, with power
# and hardware cost about doubling yearly (the published values are in the table beside ours). Our fit uses the
# same selection on the newer snapshot.

# %%
lead = ownership.leading_trends(clusters, certainty=certainty, rank=rank, confidence=confidence, n_boot=n_boot)
out.table(lead.table, "leading-supercomputer-trends")
systems = ownership.leading_systems(clusters, certainty=certainty, rank=rank).table
std = clusters[ownership.standard_mask(clusters, certainty) & clusters["ops_16bit"].notna()
               & (clusters["first_operational"] >= pd.Timestamp(C.PILZ_2025_LEADING_SINCE))]
hover = ownership.for_display
fig, ax = new_figure()
labelled_scatter(ax, hover(std[~std["id"].isin(systems["id"])]), "release_date", "ops_16bit", unit="OP/s", s=8,
                 color="0.7", alpha=0.6, label="other standard systems")
labelled_scatter(ax, hover(systems), "release_date", "ops_16bit", unit="OP/s", s=22, color=PALETTE["vermillion"],
                 label="leading systems (top ten when first operational)")
row = lead.table.set_index("column").loc["ops_16bit"]
ax.set_title("Performance of AI supercomputers when first operational")
label_log_axis(ax, "y", "16-bit performance", "OP/s")
ax.set_xlabel("First operational")
year_axis(ax)
legend_below(ax, ncol=1)
out.figure(fig, "leading-supercomputers-performance",
           caption=f"16-bit OP/s of standard AI supercomputers first operational since 2019; the leading systems "
                   f"grew {row['growth_per_year']:.2f}x per year ({confidence:.0%} CI {row['growth_low']:.2f}–"
                   f"{row['growth_high']:.2f}x, owners resampled). {lead.caption()}. Hover a point for the system.",
           alt="Log-scale scatter of AI supercomputer performance against first-operational date, leading systems "
               "highlighted, rising about an order of magnitude every two to three years.",
           table=std.assign(leading=std["id"].isin(systems["id"]))[
               ["id", "name", "owner", "country", "first_operational", "ops_16bit", "leading"]],
           source=SRC_CLUSTERS, result=lead)

# %%
t = lead.table.reset_index(drop=True)
i = {c: int(t.index[t["column"] == c][0]) for c in t["column"]}
g = lambda c, k="growth_per_year": out.number("leading-supercomputer-trends", i[c], k, "{:.2f}")  # noqa: E731
out.prose(
    f"The leading systems' 16-bit performance grew **{g('ops_16bit')}x per year** ({confidence:.0%} CI "
    f"{g('ops_16bit', 'growth_low')}–{g('ops_16bit', 'growth_high')}x; n = "
    f"{out.number('leading-supercomputer-trends', i['ops_16bit'], 'n', '{:d}')} systems), from "
    f"{g('chips')}x more chips ({g('chips', 'growth_low')}–{g('chips', 'growth_high')}x) and {g('ops_per_chip')}x "
    f"better chips ({g('ops_per_chip', 'growth_low')}–{g('ops_per_chip', 'growth_high')}x) a year. Power grew "
    f"{g('power_mw')}x ({g('power_mw', 'growth_low')}–{g('power_mw', 'growth_high')}x), hardware cost "
    f"{g('hardware_cost_usd')}x ({g('hardware_cost_usd', 'growth_low')}–{g('hardware_cost_usd', 'growth_high')}x) "
    f"and energy efficiency {g('ops_per_watt')}x a year. Published (Pilz et al. 2025 and Epoch's data insights): "
    f"{g('ops_16bit', 'published_growth')}x, {g('chips', 'published_growth')}x, "
    f"{g('ops_per_chip', 'published_growth')}x, {g('power_mw', 'published_growth')}x and "
    f"{g('hardware_cost_usd', 'published_growth')}x; "
    + ("each lies inside our interval." if t["published_in_interval"].dropna().all() else
       "not every one lies inside our interval (see the table).")
    + " Our snapshot is newer than the paper's and Epoch has revised and added systems since.")

# %% [markdown]
# ## Who owns it: countries, sectors, owners
#
# Shares of the H100-equivalents operating on 1 January of each year. The band is the owner-clustered bootstrap
# interval; the published comparison below uses Epoch's own measure (16-bit OP/s) on the dates Epoch reports.

# %%
shares = {by: ownership.share_table(clusters, by, certainty=certainty, confidence=confidence, n_boot=n_boot)
          for by in ("country", "sector")}
for by, res in shares.items():
    out.table(res.table, f"compute-share-by-{by}")
fig, axes = new_figure(1, 2, figsize=(10, 4.2))
for ax, (by, res), groups in zip(axes, shares.items(), (("United States of America", "China"),
                                                       ("Private", "Public", "Public/Private")), strict=True):
    for grp, color in zip(groups, (PALETTE["blue"], PALETTE["vermillion"], PALETTE["green"]), strict=False):
        d = res.table[res.table["group"] == grp]
        ax.plot(d["date"], 100 * d["share"], color=color, lw=2, label=grp.replace(" of America", ""))
        ax.fill_between(d["date"], 100 * d["share_low"], 100 * d["share_high"], color=color, alpha=0.15)
    ax.set_ylim(0, 100)
    ax.set_ylabel("Share of operating H100e (%)")
    ax.set_xlabel("Date")
    ax.set_title(f"By {by}")
    year_axis(ax, every=2)
    legend_below(ax, ncol=1)
out.figure(fig, "compute-share-by-country-and-sector",
           caption=f"Share of the H100-equivalents of standard AI supercomputers operating on each date, by country "
                   f"and by sector, with {confidence:.0%} owner-clustered bootstrap bands (anonymized values drawn "
                   f"within their rounding). {shares['country'].caption()}.",
           alt="Two line charts of shares over time: the United States rising to about three quarters while China "
               "falls; private-sector share rising from under half to about four fifths.",
           table=pd.concat([r.table.assign(by=b) for b, r in shares.items()], ignore_index=True),
           source=SRC_CLUSTERS)

# %%
pub = pd.concat([
    ownership.share_table(clusters, "country", dates=[C.PILZ_2025_SHARE_DATE], weight="ops_16bit",
                          certainty=certainty, confidence=confidence, n_boot=n_boot).table,
    ownership.share_table(clusters, "sector", dates=["2019-01-01", C.PILZ_2025_SHARE_DATE], weight="ops_16bit",
                          certainty=certainty, confidence=confidence, n_boot=n_boot).table], ignore_index=True)
pub = pub[pub["group"].isin(["United States of America", "China", "Private"])].reset_index(drop=True)
pub["published"] = pub.apply(lambda r: {"United States of America": C.PILZ_2025_US_SHARE,
                                        "China": C.PILZ_2025_CHINA_SHARE}.get(r["group"], C.PILZ_2025_PRIVATE_SHARE_2019
                                        if r["date"].year == 2019 else C.PILZ_2025_PRIVATE_SHARE_2025), axis=1)
out.table(pub, "compute-share-published")
j = {(r.group, r.date.year): k for k, r in enumerate(pub.itertuples())}
p = lambda key, col="share": out.number("compute-share-published", j[key], col, "{:.0%}")  # noqa: E731
out.prose(
    f"In 16-bit OP/s, Epoch's measure, the United States held {p(('United States of America', 2025))} of the "
    f"operating compute in May 2025 (interval {p(('United States of America', 2025), 'share_low')}–"
    f"{p(('United States of America', 2025), 'share_high')}; rounding bounds "
    f"{p(('United States of America', 2025), 'share_round_low')}–"
    f"{p(('United States of America', 2025), 'share_round_high')}) and China {p(('China', 2025))} "
    f"({p(('China', 2025), 'share_low')}–{p(('China', 2025), 'share_high')}); published: about "
    f"{p(('United States of America', 2025), 'published')} and {p(('China', 2025), 'published')}. The private "
    f"sector held {p(('Private', 2019))} at the start of 2019 and {p(('Private', 2025))} in May 2025 (published: "
    f"about {p(('Private', 2019), 'published')} and {p(('Private', 2025), 'published')}). On Confirmed systems "
    f"only, the US share is {p(('United States of America', 2025), 'share_confirmed')}.")

# %%
hhi = {by: ownership.hhi_table(clusters, by, certainty=certainty, confidence=confidence, n_boot=n_boot)
       for by in ("owner", "country")}
for by, res in hhi.items():
    out.table(res.table, f"compute-hhi-{by}")
fig, ax = new_figure()
for (by, res), color in zip(hhi.items(), (PALETTE["purple"], PALETTE["blue"]), strict=True):
    d = res.table
    ax.plot(d["date"], d["hhi"], color=color, lw=2, marker="o", label={"owner": "owners", "country": "countries"}[by])
    ax.fill_between(d["date"], d["hhi_low"], d["hhi_high"], color=color, alpha=0.15)
    if by == "owner":
        ax.plot(d["date"], d["hhi_anonymized_pooled"], color=color, lw=1, ls="--",
                label="owners, anonymized Chinese systems as one owner")
ax.set_ylim(0, 1)
ax.set_ylabel("HHI (sum of squared shares)")
ax.set_xlabel("Date")
ax.set_title("Concentration of operating AI-supercomputer compute")
year_axis(ax, every=2)
legend_below(ax, ncol=1)
out.figure(fig, "compute-hhi-owners-countries",
           caption=f"Compute-weighted HHI (H100e) of countries (owner-clustered bootstrap, {confidence:.0%}) and of "
                   "owners (the concentration among the owners in Epoch's data; band: rounding of anonymized values; "
                   f"dashed: anonymized Chinese systems pooled into one owner). {hhi['country'].caption()}.",
           alt="Line chart of HHI over time: countries around a third falling then rising to about two thirds; "
               "owners low, rising in 2025.",
           table=pd.concat([r.table.assign(by=b) for b, r in hhi.items()], ignore_index=True), source=SRC_CLUSTERS)
hc, ho = hhi["country"].table, hhi["owner"].table
out.prose(
    f"On {out.number('compute-hhi-country', len(hc) - 1, 'date', '{}')} the countries' HHI was "
    f"{out.number('compute-hhi-country', len(hc) - 1, 'hhi', '{:.2f}')} "
    f"({out.number('compute-hhi-country', len(hc) - 1, 'hhi_low', '{:.2f}')}–"
    f"{out.number('compute-hhi-country', len(hc) - 1, 'hhi_high', '{:.2f}')}) and the owners' "
    f"{out.number('compute-hhi-owner', len(ho) - 1, 'hhi', '{:.2f}')} "
    f"({out.number('compute-hhi-owner', len(ho) - 1, 'hhi_low', '{:.3f}')}–"
    f"{out.number('compute-hhi-owner', len(ho) - 1, 'hhi_high', '{:.3f}')}; "
    f"{out.number('compute-hhi-owner', len(ho) - 1, 'hhi_anonymized_pooled', '{:.3f}')} if every anonymized "
    f"Chinese system had one owner).")

# %% [markdown]
# ## Training runs against the machines
#
# For each year: the notable model trained on the most accelerators (Epoch's hardware quantity), and that count as a
# share of the chips of the largest cluster (by H100e) operating on the model's release date. A share above one is a
# run spread over several clusters.

# %%
rv = ownership.runs_vs_clusters(ds.models, clusters, certainty=certainty)
out.table(rv.table, "largest-run-vs-largest-cluster")
place = ownership.place_cluster(clusters, C.LLAMA3_CLUSTER_GPUS, year=place_year, certainty=certainty)
dist = ownership.size_distribution(clusters, year=place_year, certainty=certainty).table
out.table(place.to_frame(), "llama3-cluster-place")
fig, ax = new_figure()
dd = ownership.for_display(dist)
labelled_scatter(ax, dd, "rank", "chips", unit="chips", s=10, color=PALETTE["blue"], label=f"systems of {place_year}")
ax.axhline(C.LLAMA3_CLUSTER_GPUS, color=PALETTE["vermillion"], lw=1.5, ls="--", label="Llama 3's clusters")
label_log_axis(ax, "y", "AI chips", "chips")
label_log_axis(ax, "x", "Rank by chips", "1 = largest")
ax.set_title(f"AI supercomputers operating in {place_year}, by size")
legend_below(ax, ncol=2)
out.figure(fig, "llama3-clusters-among-2024-systems",
           caption=f"Chips of every standard AI supercomputer operating in {place_year} against its rank; the "
                   f"dashed line is Llama 3's 24,576-GPU clusters. {place.sentence()} Hover a point for the system.",
           alt="Log-log rank-size plot of AI supercomputers by chip count with a horizontal line near the top "
               "twentieth for Llama 3's clusters.", table=dist, source=SRC_CLUSTERS)
r = rv.table.reset_index(drop=True)
k = {y: n for n, y in enumerate(r["year"])}
out.prose(
    f"GPT-3 used {out.number('largest-run-vs-largest-cluster', k[2020], 'share', '{:.0%}')} of the GPUs of the "
    f"largest cluster of its day ({out.number('largest-run-vs-largest-cluster', k[2020], 'cluster', '{}')}); the "
    f"largest run of 2024 ({out.number('largest-run-vs-largest-cluster', k[2024], 'model', '{}')}) used "
    f"{out.number('largest-run-vs-largest-cluster', k[2024], 'share', '{:.0%}')} of "
    f"{out.number('largest-run-vs-largest-cluster', k[2024], 'cluster', '{}')}. Among the "
    f"{out.number('llama3-cluster-place', 0, 'n', '{:d}')} systems operating in {place_year}, a 24,576-GPU cluster "
    f"ranks {out.number('llama3-cluster-place', 0, 'rank', '{:d}')} by chips (percentile "
    f"{out.number('llama3-cluster-place', 0, 'percentile', '{:.0f}')}; rounding of anonymized systems allows ranks "
    f"{out.number('llama3-cluster-place', 0, 'rank_best', '{:d}')}–"
    f"{out.number('llama3-cluster-place', 0, 'rank_worst', '{:d}')}).")

# %% [markdown]
# ## Frontier data centers: the physical build-out beside the extrapolation
#
# Power of each site at Epoch's milestones (solid up to the access date, dashed for Epoch's projections), the
# gigawatt line, and the date the toolkit's frontier training-run power trend would reach a gigawatt.

# %%
power = ownership.site_power(timelines, as_of).table
cross = ownership.gigawatt_crossings(timelines, as_of)
capex = ownership.capex_per_gw(timelines, as_of, confidence=confidence)
proj = infrastructure.projection_table(ds.models)
beside = ownership.beside_projection(cross.table, proj)
out.table(cross.table, "datacenter-gigawatt-crossings")
out.table(capex.table, "datacenter-capex-per-gw")
out.table(beside, "gigawatt-build-out-vs-projection")
fig, ax = new_figure()
for n, (_site, d) in enumerate(power.groupby("site", sort=True)):
    color = list(PALETTE.values())[n % 7]
    ax.plot(d["date"], d["power_mw"], color=color, lw=1.2, alpha=0.8)
    fut = d[d["date"] >= d.loc[d["observed"], "date"].max()] if d["observed"].any() else d
    ax.plot(fut["date"], fut["power_mw"], color=color, lw=1.2, ls="--", alpha=0.8)
labelled_scatter(ax, power.assign(name=power["site"], release_date=power["date"]), "release_date", "power_mw",
                 unit="MW", s=10, color="0.3")
ax.axhline(C.GIGAWATT_MW, color="black", lw=1, ls=":", label="1 GW")
pr = beside[beside["kind"].str.startswith("training run")]
if len(pr) and pr[["low", "high"]].iloc[0].notna().all():  # no interval when the trend never reaches 1 GW
    ax.axvspan(pr["low"].iloc[0], pr["high"].iloc[0], color=PALETTE["sky"], alpha=0.2,
               label="frontier run power trend reaches 1 GW (CI)")
ax.set_ylabel("Power (MW)")
ax.set_xlabel("Date")
ax.set_title("Power of frontier AI data centers over time")
year_axis(ax, every=2)
legend_below(ax, ncol=2)
out.figure(fig, "datacenter-power-timelines",
           caption=f"Power of Epoch's frontier data centers at each milestone (dashed after the access date "
                   f"{as_of}: Epoch's projections) and the interval of the date the frontier run-power trend reaches "
                   f"one gigawatt. Hover a point for the site.",
           alt="Line chart of data-center power rising steeply from 2024, several sites passing the one-gigawatt "
               "line in 2026, before the shaded band of the training-run extrapolation.",
           table=power, source=[SRC_DC, ds])
c = cross.table.reset_index(drop=True)
cx = capex.table.reset_index(drop=True)
m = int(cx.index[cx["site"] == "median of sites"][0])
bz = beside.reset_index(drop=True)
q = int(bz.index[bz["kind"].str.startswith("training run")][0]) if len(pr) else None
out.prose(
    f"{out.number('datacenter-gigawatt-crossings', 0, 'site', '{}')} is the first site Epoch projects past a "
    f"gigawatt, on {out.number('datacenter-gigawatt-crossings', 0, 'date', '{}')}. Capital cost per gigawatt is "
    f"{out.number('datacenter-capex-per-gw', m, 'usd_bn_per_gw', '{:.1f}')} billion 2025 USD (median of the "
    f"sites operating on the access date, interval {out.number('datacenter-capex-per-gw', m, 'low', '{:.1f}')}–"
    f"{out.number('datacenter-capex-per-gw', m, 'high', '{:.1f}')}, coverage "
    f"{out.number('datacenter-capex-per-gw', m, 'coverage', '{:.3f}')})."
    + (f" The frontier training-run power trend reaches a gigawatt around "
       f"{out.number('gigawatt-build-out-vs-projection', q, 'date', '{}')} (interval "
       f"{out.number('gigawatt-build-out-vs-projection', q, 'low', '{}')} to "
       f"{out.number('gigawatt-build-out-vs-projection', q, 'high', '{}')})"
       + (": the sites reach a gigawatt before the extrapolation of single runs does."
          if bz.loc[q, "date"] > c["date"].min() else ".") if q is not None else ""))

# %% [markdown]
# ## The installed stock of AI chips
#
# Cumulative deliveries in H100-equivalents, by owner, with Epoch's 5th–95th percentiles (summed over vendors:
# the widest band). Counts start in 2022 for NVIDIA, 2023 for TPUs and 2024 for AMD and Trainium; the totals are
# complete from 2024.

# %%
owners = ownership.stock_by_owner(holders).table
hs = ownership.hyperscaler_share(holders, confidence=confidence)
out.table(owners, "ai-chip-stock-by-owner")
out.table(hs.table, "hyperscaler-share")
fig, ax = new_figure()
big = owners[owners["end_date"] == owners["end_date"].max()].nlargest(7, "h100e")["owner"]
for n, who in enumerate(big):
    d = owners[owners["owner"] == who]
    color = list(PALETTE.values())[n % 8]
    ax.plot(d["end_date"], d["h100e"], color=color, lw=2, label=who)
    ax.fill_between(d["end_date"], d["h100e_p05"], d["h100e_p95"], color=color, alpha=0.12)
label_log_axis(ax, "y", "Cumulative AI chips", "H100-equivalents")
ax.set_xlabel("Quarter end")
ax.set_title("Installed AI chips by owner")
year_axis(ax)
legend_below(ax, ncol=4)
out.figure(fig, "ai-chip-stock-by-owner",
           caption="Cumulative AI-chip deliveries per owner (H100e, all vendors an owner holds) with Epoch's "
                   "5th–95th percentiles summed over vendors; Huawei is not in the exports.",
           alt="Log-scale lines of cumulative H100-equivalents per owner rising steeply, Google highest.",
           table=owners, source=SRC_CHIPS)
h = hs.table.reset_index(drop=True)
last = int(h.index[h["all_owners"]][-1])
gr = hs.settings["growth"][-1] if hs.settings["growth"] else None
out.table(pd.DataFrame([gr]) if gr else pd.DataFrame(), "hyperscaler-growth")
out.table(pd.DataFrame([{"quantity": "hyperscalers' share of world AI compute, Huawei included",
                         "source": "Epoch AI, AI Chip Owners explorer (April 2026)",
                         "value": C.EPOCH_HYPERSCALER_SHARE_2026}]), "chip-published")
out.prose(
    f"On {out.number('hyperscaler-share', last, 'end_date', '{}')} Amazon, Google, Meta, Microsoft and Oracle held "
    f"{out.number('hyperscaler-share', last, 'share', '{:.0%}')} of the non-Huawei AI-chip stock (interval "
    f"{out.number('hyperscaler-share', last, 'share_low', '{:.0%}')}–"
    f"{out.number('hyperscaler-share', last, 'share_high', '{:.0%}')}, independent draws from Epoch's percentiles)"
    + (f", and their holdings grew {out.number('hyperscaler-growth', 0, 'growth', '{:.1f}')}x over the year "
       f"({out.number('hyperscaler-growth', 0, 'growth_low', '{:.1f}')}–"
       f"{out.number('hyperscaler-growth', 0, 'growth_high', '{:.1f}')}x)" if gr else "")
    + f". Epoch's explorer, with Huawei in the total, reports about {out.number('chip-published', 0, 'value', '{:.0%}')}.")
