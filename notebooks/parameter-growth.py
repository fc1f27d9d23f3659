# ---
# jupyter:
#   kernelspec:
#     display_name: Frontier Atlas (.venv)
#     language: python
#     name: frontier-atlas
# ---

# %% [markdown]
# # How fast are models growing?
#
# Three views of model size: the log-linear trend of parameter counts and of training-set sizes (tokens) against
# release date, per domain and for language models; total versus *active* parameters for mixture-of-experts (MoE)
# models, where each token uses only a fraction of the weights; and the "parameter gap" view, the number of models
# released per year in each size band.
#
# **Caveats.** Closed developers rarely disclose parameter counts (GPT-4, Claude, Gemini are missing here, not
# small), so size trends describe models whose size is public, increasingly open-weight models. For MoE models the
# total parameter count overstates the compute per token; compare active parameters for that.
#
# **Which models.** Epoch AI's notable models with our corrections, one row per model (dated versions of a model
# count once; the models our overlay adds for look-ups are left out). A model belongs to every domain Epoch AI lists
# for it: "language models" include multimodal ones such as GPT-4 and Claude (`domain_rule = "only"` keeps models
# whose one domain it is).

# %% tags=["parameters"]
data_spec: str = ""  # data source: empty for bundled, a models CSV path, or epoch:PATH
since: str = "2012-01-01"  # start of the fitting window
until: str = ""  # end of the window, empty for the last release in the data
domain: str = "language"  # domain for the headline parameter and token trends
domain_rule: str = "any"  # any: models listing the domain among others (multimodal included); only: that domain alone
min_n: int = 8  # smallest group fitted in the per-domain table
confidence: float = 0.90  # confidence level of every interval
output_dir: str = ""  # set by the report runner; empty shows figures only

# %%
import numpy as np
import pandas as pd

from analysis.data import dataset, sources
from analysis.errors import AnalysisError
from analysis.metrics import checks, selection, trends, vintages
from analysis.metrics.result import partial_year
from analysis.reporting.figures import (
    PALETTE,
    ReportOutput,
    label_log_axis,
    labelled_scatter,
    legend_below,
    mark_partial_year,
    new_figure,
    no_e_notation,
)

out = ReportOutput(output_dir)
ds = dataset.load(data_spec or None)
models = selection.select(ds.models)  # the representative set: one row per model, no overlay additions
checks.domain(models, domain)  # a misspelt -p domain fails the report with the domains available
window = dict(since=since, until=until or None, confidence=confidence)
which = selection.describe_subset("notable", domain, domain_rule=domain_rule)
rows = []
for metric in ("parameters", "dataset_size_tokens"):  # training sets: Epoch's dataset size, not tokens seen
    try:
        rows.append(trends.subset_trend(models, metric, "notable", domain=domain, domain_rule=domain_rule,
                                        **window).to_row())
    except AnalysisError as exc:
        rows.append({"subset": which, "metric": metric, "n": 0, "note": str(exc)})
headline = pd.DataFrame(rows)
# vintage range: the same fits on the default table built on each pinned Epoch vintage, over the window both cover
pinned = vintages.pinned_tables(sources.default_on_vintages(vintages.PINNED, data_spec))
revised = [vintages.trend_revision(pinned, metric=m, subset="notable", domain=domain, domain_rule=domain_rule,
                                   since=since, until=until or None, confidence=confidence)
           for m in ("parameters", "dataset_size_tokens")]
headline = headline.assign(vintage_low=[r["vintage_low"] for r in revised],
                           vintage_high=[r["vintage_high"] for r in revised],
                           vintage_until=[r["vintage_until"] for r in revised])
out.table(headline, "parameter-growth-fits")
by_domain = trends.parameter_trends_by_domain(models, min_n=min_n, **window)
out.table(by_domain, "parameter-trend-by-domain")

# %% [markdown]
# ## Parameters and training-set sizes of language models

# %%
lm = selection.select(models, domain=domain, domain_rule=domain_rule, since=since)
fig, ax = new_figure()
series, kinds, shown_fits = [], [], {}
for metric, color, label in (("parameters", PALETTE["blue"], "parameters"),
                             ("dataset_size_tokens", PALETTE["orange"], "training-set size")):
    pts = lm.dropna(subset=[metric])
    labelled_scatter(ax, pts, "release_date", metric, unit="parameters" if metric == "parameters" else "tokens",
                     s=12, color=color, alpha=0.7, label=label)
    series.append(pts[["id", "name", "release_date"]].assign(series=metric, value=pts[metric]))
    row = headline[headline["metric"] == metric]
    if len(row) and pd.notna(row.iloc[0].get("slope_oom_per_year", np.nan)):
        fit = shown_fits[f"{label} trend"] = trends.subset_trend(models, metric, "notable", domain=domain,
                                                                 domain_rule=domain_rule, **window)
        kinds.append(f"{label}: {fit.caption()}")
        line = trends.trend_line(fit)
        ax.plot(line["date"], line["value"], color=color, lw=2,
                label=f"{label} trend {fit.growth_per_year:.2g}x/yr ({confidence:.0%} CI "
                      f"{fit.growth_per_year_ci[0]:.2g}–{fit.growth_per_year_ci[1]:.2g})")
        ax.fill_between(line["date"], line["value_low"], line["value_high"], color=color, alpha=0.2)
        series.append(line.rename(columns={"date": "release_date"}).assign(series=f"{metric}-trend"))
label_log_axis(ax, "y", "Parameters or tokens", "count")
ax.set_xlabel("Release date")
ax.set_title(f"Size of {domain} models and their training data")
legend_below(ax)
out.figure(fig, "parameters-tokens-language",
           caption=f"Parameters and training-set sizes (tokens) of {which} since {since}, one point per model, with "
                   f"log-linear trends and {confidence:.0%} confidence intervals on the growth rates "
                   f"({'; '.join(kinds)}). "
                   + (f"Vintage range (the same fits on Epoch AI's {' and '.join(pinned)} snapshots with our overlay, "
                      f"window to {revised[0]['vintage_until']}): parameters "
                      f"{vintages.range_text(revised[0]['vintage_low'], revised[0]['vintage_high'], unit='x')}, "
                      "training-set size "
                      f"{vintages.range_text(revised[1]['vintage_low'], revised[1]['vintage_high'], unit='x')} per year."
                      if pinned else "Vintage range: not computed (data other than the default)."),
           alt="Log-scale scatter of parameter counts and training-set sizes rising over time, tokens faster.",
           table=pd.concat(series, ignore_index=True), source=ds, result=shown_fits)

# %%
hl = headline.set_index("metric")
if {"parameters", "dataset_size_tokens"} <= set(hl.index) and "growth_per_year" in hl.columns \
        and hl[["growth_per_year"]].notna().all().all():
    out.prose(
        f"Parameter counts of {which} grew "
        f"**{out.number('parameter-growth-fits', 0, 'growth_per_year', '{:.2g}')}x per year** "
        f"({confidence:.0%} CI {out.number('parameter-growth-fits', 0, 'growth_low', '{:.2g}')}–"
        f"{out.number('parameter-growth-fits', 0, 'growth_high', '{:.2g}')}x, "
        f"n = {out.number('parameter-growth-fits', 0, 'n', '{:d}')}), while training sets grew "
        f"**{out.number('parameter-growth-fits', 1, 'growth_per_year', '{:.2g}')}x per year** "
        f"({out.number('parameter-growth-fits', 1, 'growth_low', '{:.2g}')}–"
        f"{out.number('parameter-growth-fits', 1, 'growth_high', '{:.2g}')}x, "
        f"n = {out.number('parameter-growth-fits', 1, 'n', '{:d}')})."
    )

# %% [markdown]
# ## Mixture-of-experts: total versus active parameters

# %%
moe = trends.moe_table(models).dropna(subset=["parameters"])
if moe.empty:
    out.prose("This data set marks no mixture-of-experts models (Epoch AI exports carry no architecture column).")
else:
    fig, ax = new_figure()
    has_active = moe.dropna(subset=["active_parameters"])
    for _, r in has_active.iterrows():
        ax.plot([r["release_date"], r["release_date"]], [r["active_parameters"], r["parameters"]], color="#bbbbbb", lw=1)
    labelled_scatter(ax, moe, "release_date", "parameters", unit="parameters", s=16, color=PALETTE["purple"],
                     label="total parameters")
    labelled_scatter(ax, has_active, "release_date", "active_parameters", unit="active parameters", s=16,
                     color=PALETTE["green"], label="active parameters per token")
    label_log_axis(ax, "y", "Parameters", "count")
    ax.set_xlabel("Release date")
    ax.set_title("Mixture-of-experts models: total and active parameters")
    legend_below(ax)
    out.figure(fig, "moe-total-vs-active",
               caption="Total and active (per-token) parameters of mixture-of-experts models; the grey segment spans "
                       "the two for each model.",
               alt="Pairs of points per MoE model, total parameters well above active parameters, both rising.",
               table=moe, source=ds)

# %% [markdown]
# ## The parameter gap: models per size band

# %%
bands = trends.size_band_counts(models[models["release_date"] >= pd.Timestamp(since)])
bands["partial"] = bands["year"] == partial_year(models["release_date"])  # the data's incomplete last year
pivot = bands.pivot_table(index="year", columns="band", values="n_models", aggfunc="sum", fill_value=0)
pivot = pivot[[b for b in trends.band_labels() if b in pivot.columns]]
fig, ax = new_figure()
bottom = np.zeros(len(pivot))
for band in pivot.columns:
    ax.bar(pivot.index, pivot[band], bottom=bottom,  # band '1e8-1e9' labelled '10⁸–10⁹': no e-notation in figures
           label="–".join(no_e_notation(b) for b in band.replace(">=", "≥").split("-")) + " parameters")
    bottom += pivot[band].to_numpy()
ax.set_xlabel("Release year")
ax.set_ylabel("Models with a known parameter count (count)")
ax.set_title("Models per parameter band")
mark_partial_year(ax, models["release_date"].max())
ax.legend(fontsize=7, ncol=2, loc="upper left")
out.figure(fig, "parameter-bands-per-year",
           caption="Models released per year in each parameter-count band (only models with a public parameter count).",
           alt="Stacked bars of model counts per year by size band, with growing shares above 10 billion parameters.",
           table=bands, source=ds)
