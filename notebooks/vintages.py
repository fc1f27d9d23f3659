# ---
# jupyter:
#   kernelspec:
#     display_name: Frontier Atlas (.venv)
#     language: python
#     name: frontier-atlas
# ---

# %% [markdown]
# # How much do the headlines move when Epoch AI's data is updated?
#
# Epoch AI revises its "Data on AI Models" continuously: models are added, renamed, re-dated and re-estimated.
# This report compares two pinned vintages of the notable-models file (`data/upstream/epoch-ai/<access date>/`)
# and re-runs the headline fits on each with the same code: the compute trend of notable models since 2010, of
# frontier models (top 10 by compute at release) since 2018, and the open-weights share per release year.
#
# **Method.** Models match by exact name; a leftover pair is a *rename* when it has the same publication date and
# the same Link URLs, or the same date, organization, and parameters and compute within 1% (one-to-one pairs
# only, no fuzzy name matching). Value changes are counted per column of our schema among matched models.
# **Caveats.** The two vintages share most of their models, so their intervals are not independent: overlapping
# intervals are no test of "no change", and the difference of two estimates has no interval here. `frontier-atlas
# data diff OLD NEW` prints the same comparison for any two exports.

# %% tags=["parameters"]
data_spec: str = ""  # newer export: empty for the new_vintage snapshot, or epoch:PATH (other data: not used)
old_vintage: str = "2026-01-26"  # older pinned notable-models snapshot (access date)
new_vintage: str = "2026-07-19"  # newer pinned snapshot, used when data_spec is empty
output_dir: str = ""  # set by the report runner; empty shows figures only

# %%
import numpy as np
import pandas as pd

from analysis.data import exports
from analysis.metrics import vintages
from analysis.reporting import citation
from analysis.reporting.figures import PALETTE, ReportOutput, new_figure

out = ReportOutput(output_dir)
newer, note = exports.report_newer(data_spec, new_vintage)
if note:
    out.prose(note)
d = vintages.diff(exports.read_export(old_vintage), exports.read_export(newer))
source = [citation.epoch_export(e.path, e.sha256) for e in (d.old, d.new)]  # the two vintages compared
counts = pd.DataFrame([{**d.counts(), "old": d.old.label, "new": d.new.label, "old_sha256": d.old.sha256,
                        "new_sha256": d.new.sha256, "old_newest": d.old.newest, "new_newest": d.new.newest}])
out.table(counts, "vintage-counts")
out.table(d.changes, "vintage-value-changes")
out.table(pd.concat([d.added.assign(change="added"), d.removed.assign(change="removed")], ignore_index=True),
          "vintage-models-added-removed")
out.table(d.renamed, "vintage-models-renamed")

# %%
out.prose(
    f"The older vintage ({out.number('vintage-counts', 0, 'old', '{}')}, newest model "
    f"{out.number('vintage-counts', 0, 'old_newest', '{}')}) has "
    f"{out.number('vintage-counts', 0, 'old_rows', '{:d}')} dated models; the newer one "
    f"({out.number('vintage-counts', 0, 'new', '{}')}, newest {out.number('vintage-counts', 0, 'new_newest', '{}')}) "
    f"has {out.number('vintage-counts', 0, 'new_rows', '{:d}')}. "
    f"{out.number('vintage-counts', 0, 'matched_by_name', '{:d}')} models keep their name, "
    f"{out.number('vintage-counts', 0, 'renamed', '{:d}')} were renamed, "
    f"{out.number('vintage-counts', 0, 'added', '{:d}')} were added and "
    f"{out.number('vintage-counts', 0, 'removed', '{:d}')} removed."
)

# %% [markdown]
# ## Values revised between the vintages

# %%
changed = d.changes[d.changes["n_changed"] > 0].reset_index(drop=True)
fig, ax = new_figure(figsize=(7, max(3, 0.3 * len(changed) + 1)))
y = np.arange(len(changed))
left = np.zeros(len(changed))
for part, color, label in (("n_modified", PALETTE["blue"], "value changed"), ("n_filled", PALETTE["green"], "filled in"),
                           ("n_cleared", PALETTE["vermillion"], "cleared")):
    ax.barh(y, changed[part], left=left, color=color, label=label)
    left += changed[part].to_numpy()
ax.set_yticks(y, changed["column"])
ax.invert_yaxis()
ax.set_xlabel("Matched models whose value differs (count)")
ax.set_title("Values revised between two vintages")
ax.legend(loc="lower right")
out.figure(fig, "vintage-value-changes-per-column",
           caption=f"Models present in both vintages ({d.old.label} and {d.new.label}) whose value differs, per "
                   "column of our schema: changed, filled in (empty before) or cleared (empty after).",
           alt="Horizontal stacked bars, one per column, counting revised values.", table=changed, source=source)

# %% [markdown]
# ## The vintage effect on the headline fits

# %%
fits = d.fits.copy()
fig, ax = new_figure()
xs = np.arange(len(fits))
for side, color, dx in (("old", PALETTE["sky"], -0.12), ("new", PALETTE["blue"], 0.12)):
    g = fits[f"growth_per_year_{side}"].to_numpy(dtype=float)
    lo, hi = fits[f"growth_low_{side}"].to_numpy(dtype=float), fits[f"growth_high_{side}"].to_numpy(dtype=float)
    ax.errorbar(xs + dx, g, yerr=[g - lo, hi - g], fmt="o", color=color, capsize=4,
                label=f"vintage {d.old.label if side == 'old' else d.new.label}")
ax.set_xticks(xs, [f.replace("_", " ") for f in fits["fit"]])
ax.set_ylabel("Training compute growth (x per year)")
ax.set_title("Compute trends re-fitted on each vintage")
ax.legend()
out.figure(fig, "vintage-effect-compute-trends",
           caption=f"Growth per year of training compute (OLS on log10 compute, {fits['confidence_new'].iloc[0]:.0%} "
                   "intervals, errors clustered by organization and release year) for notable models since 2010 and frontier models since 2018, fitted on each "
                   "vintage; each window ends at the vintage's newest model. Vintage range on the older vintage's "
                   "window (the newer file cut at the older one's newest model, columns *_new_same_window): "
                   + "; ".join(f"{f.replace('_', ' ')} {vintages.range_text(*sorted((o, n)), unit='x')}"
                               for f, o, n in zip(fits["fit"], fits["growth_per_year_old"],
                                                  fits.get("growth_per_year_new_same_window", fits["fit"] * 0 + np.nan)))
                   + ".",
           alt="Two pairs of points with error bars, one pair per fit, old and new vintage side by side.",
           table=fits, source=source)

# %%
out.prose(
    f"Notable models since 2010: **{out.number('vintage-effect-compute-trends', 0, 'growth_per_year_old', '{:.2f}')}x** "
    f"per year on the older vintage ({out.number('vintage-effect-compute-trends', 0, 'growth_low_old', '{:.2f}')}–"
    f"{out.number('vintage-effect-compute-trends', 0, 'growth_high_old', '{:.2f}')}x, "
    f"n = {out.number('vintage-effect-compute-trends', 0, 'n_old', '{:d}')}) and "
    f"**{out.number('vintage-effect-compute-trends', 0, 'growth_per_year_new', '{:.2f}')}x** on the newer "
    f"({out.number('vintage-effect-compute-trends', 0, 'growth_low_new', '{:.2f}')}–"
    f"{out.number('vintage-effect-compute-trends', 0, 'growth_high_new', '{:.2f}')}x, "
    f"n = {out.number('vintage-effect-compute-trends', 0, 'n_new', '{:d}')}). "
    f"Frontier models since 2018: **{out.number('vintage-effect-compute-trends', 1, 'growth_per_year_old', '{:.2f}')}x** "
    f"({out.number('vintage-effect-compute-trends', 1, 'growth_low_old', '{:.2f}')}–"
    f"{out.number('vintage-effect-compute-trends', 1, 'growth_high_old', '{:.2f}')}x, "
    f"n = {out.number('vintage-effect-compute-trends', 1, 'n_old', '{:d}')}) against "
    f"**{out.number('vintage-effect-compute-trends', 1, 'growth_per_year_new', '{:.2f}')}x** "
    f"({out.number('vintage-effect-compute-trends', 1, 'growth_low_new', '{:.2f}')}–"
    f"{out.number('vintage-effect-compute-trends', 1, 'growth_high_new', '{:.2f}')}x, "
    f"n = {out.number('vintage-effect-compute-trends', 1, 'n_new', '{:d}')})."
    + (f" On the older vintage's window (to {out.number('vintage-effect-compute-trends', 0, 'until_new_same_window', '{}')}), "
       f"the newer file gives {out.number('vintage-effect-compute-trends', 0, 'growth_per_year_new_same_window', '{:.2f}')}x "
       f"(notable) and {out.number('vintage-effect-compute-trends', 1, 'growth_per_year_new_same_window', '{:.2f}')}x "
       "(frontier): the revision of the data alone."
       if "growth_per_year_new_same_window" in fits.columns and fits["growth_per_year_new_same_window"].notna().all()
       else "")
)

# %%
share = d.share.copy()
fig, ax = new_figure()
for side, color, marker in (("old", PALETTE["sky"], "s"), ("new", PALETTE["green"], "o")):
    s = share.dropna(subset=[f"share_{side}"])
    ax.plot(s["year"], 100 * s[f"share_{side}"], color=color, marker=marker,
            label=f"vintage {d.old.label if side == 'old' else d.new.label}")
    ax.fill_between(s["year"], 100 * s[f"share_low_{side}"], 100 * s[f"share_high_{side}"], color=color, alpha=0.15)
ax.set_ylim(0, 100)
ax.set_xlabel("Release year")
ax.set_ylabel("Models released with open weights (%)")
ax.set_title("Open-weights share on each vintage")
ax.legend()
out.figure(fig, "vintage-effect-open-share",
           caption=f"Share of notable models released with open weights per year (Epoch AI's accessibility column), "
                   f"with {vintages.SHARE_CONFIDENCE:.0%} intervals allowing for organizations, on each vintage; "
                   "models with unknown "
                   "accessibility are left out.",
           alt="Two lines with shaded bands of the open-weights share per year, one per vintage.",
           table=share, source=source)
