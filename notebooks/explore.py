# ---
# jupyter:
#   kernelspec:
#     display_name: Frontier Atlas (.venv)
#     language: python
#     name: frontier-atlas
# ---

# %% [markdown]
# # Start here: explore the data
#
# A tour of the toolkit in a few lines each: load the data, look up a model, filter, fit a trend on the subset
# you choose, work out the data a training budget needs, and compare open and closed models. Run all cells
# (Run ▸ Run All Cells); then use the controls at the end to refit the trend live. Everything here is plain
# Python on pandas tables: copy a cell, change a name, run it again.
#
# Every growth rate comes with its interval, its `n` and its window; the numbers in the text are taken from the
# tables this notebook saves.

# %% tags=["parameters"]
data_spec: str = ""  # data source: empty for the default data, a models CSV path, or epoch:PATH
model: str = "llama-3-70b"  # a model to look up (its id)
metric: str = "training_compute_flop"  # trend metric: training_compute_flop, parameters or training_tokens
subset: str = "frontier"  # models in the trend: notable, frontier, open or closed
since: str = "2018-01-01"  # start of the trend window
top_k: int = 10  # frontier size: top-k by compute at release
budget_flop: float = 1e25  # a training budget for the data question, FLOP
confidence: float = 0.90  # level of every interval
output_dir: str = ""  # set by the report runner; empty shows figures only

# %% [markdown]
# ## 1. Load the data
# `dataset.load()` returns every table (models, benchmarks, openness, transparency, hardware) as pandas DataFrames,
# with a label saying where they came from.

# %%
import pandas as pd
from IPython.display import display

from analysis.data import dataset
from analysis.metrics import analyses, checks, openness, selection, trends
from analysis.reporting import explore
from analysis.reporting.figures import ReportOutput, human_table

out = ReportOutput(output_dir)
ds = dataset.load(data_spec or None)
table = ds.models  # every row: look-ups find any model, including the ones our overlay adds
models = selection.select(table)  # the representative set every count and trend uses: one row per model
out.table(pd.DataFrame([{"data": ds.label, "models": len(models),
                         "first_release": models["release_date"].min(), "last_release": models["release_date"].max(),
                         "with_compute": int(models["training_compute_flop"].notna().sum())}]), "explore-data")
out.prose(f"Data: {ds.label}: {out.number('explore-data', 0, 'models', '{:d}')} models released "
          f"{out.number('explore-data', 0, 'first_release', '{}')} to {out.number('explore-data', 0, 'last_release', '{}')}, "
          f"{out.number('explore-data', 0, 'with_compute', '{:d}')} of them with a training-compute figure. Counts and "
          "trends use these (`selection.select`: one row per model, dated versions counted once); `ds.models` also "
          "holds the later versions and the models our overlay adds for look-ups.")

# %% [markdown]
# ## 2. Look up a model

# %%
checks.model_ids(table, model)  # an unknown id says which ids are close
row = table[table["id"] == model]
display(human_table(row, {"name": "Model", "organization": "Organization", "release_date": "Released",
                               "parameters": "Parameters", "training_tokens": "Training tokens",
                               "training_compute_flop": "Training compute (FLOP)", "access": "Access"},
                         flop=("training_compute_flop",)))

# %% [markdown]
# ## 3. Filter: language models released since 2024 with more than 10²⁵ FLOP
# `selection.select` takes the same words as the command line: `domain="language"` means every model with language
# among its domains, multimodal ones (GPT-5, Claude, Gemini, Grok) included; `domain_rule="only"` keeps models whose
# one domain is language.

# %%
big = selection.select(models, domain="language", since="2024-01-01")
big = big[selection.above_threshold(big["training_compute_flop"], 1e25)].sort_values("training_compute_flop",
                                                                                      ascending=False)
display(human_table(big.head(10), {"name": "Model", "organization": "Organization", "release_date": "Released",
                                        "training_compute_flop": "Training compute (FLOP)"},
                         flop=("training_compute_flop",)))

# %% [markdown]
# ## 4. Fit a trend on a chosen subset
# `trends.subset_trend(models, metric, subset, since=...)` fits log10(metric) against the release date;
# `explore.trend_view` fits the same and draws the models it was fitted on, the line and its confidence band. Hover a
# point in the report's figure to see which model it is. `out.say` writes a sentence from a saved table: each
# `{column:format}` is taken from the table (and tagged, so a test checks the text against the CSV).

# %%
fit = trends.subset_trend(models, metric, subset, since=since, top_k=top_k, confidence=confidence)
out.table(fit.to_frame(), "explore-trend-fit")
view = explore.trend_view(models, metric, subset, since=since, top_k=top_k, confidence=confidence)  # the same fit
out.figure(view.figure, "explore-trend",
           caption=f"{view.title}: log-linear trend with its {confidence:.0%} confidence band "
                   f"({subset} = {selection.describe_subset(subset, None, top_k)}); {view.fit.caption()}.",
           alt="Scatter of the chosen models on a log scale against release date with a fitted trend line.",
           table=view.table, source=ds, result=view.fit)
out.say("explore-trend-fit", "The trend is **{growth_per_year:.2g}x per year** ({confidence:.0%} CI "
        "{growth_low:.2g}–{growth_high:.2g}x; n = {n:d}).", confidence=confidence)

# %% [markdown]
# ## 5. How much data does a training budget need?
# Compute-optimal parameters and tokens under the Besiroglu et al. (2024) replication of Chinchilla, with a
# Monte Carlo interval over the fit's uncertainty.

# %%
alloc = analyses.get("data-needed")(ds, compute=budget_flop, approach="besiroglu-2024", confidence=confidence)
out.table(alloc.to_frame()[["compute_flop", "params", "params_low", "params_high", "tokens", "tokens_low",
                           "tokens_high"]], "explore-data-needed")
out.say("explore-data-needed", "A budget of {compute_flop:.2g} FLOP is best spent on {params:.2g} parameters "
        "({confidence:.0%} CI {params_low:.2g}–{params_high:.2g}) trained on {tokens:.2g} tokens "
        "({tokens_low:.2g}–{tokens_high:.2g}).", confidence=confidence)

# %% [markdown]
# ## 6. Open and closed models
# The share of models released with open weights, per year, with 90% intervals that allow for organizations (the
# toolkit's one default level; Wilson at the effective n of the year's organizations, coverage measured in
# docs/methods.md).

# %%
share = openness.open_share(models, by="year").table
share = share[share["year"] >= 2020].reset_index(drop=True)
out.table(share, "explore-open-share")
display(human_table(share.assign(pct=100 * share["share"], lo=100 * share["share_low"],
                                      hi=100 * share["share_high"]),
                         {"year": "Year", "n": "Models (known access)", "k": "Open weights", "pct": "Share (%)",
                          "lo": "90% interval, low (%)", "hi": "90% interval, high (%)"}))

# %% [markdown]
# ## 7. Who owns the compute?
# The machines behind the runs: Epoch AI's GPU clusters (shares of the H100-equivalents operating today, by country,
# with an owner-clustered interval) and Epoch's AI-chip exports (the hyperscalers' share of the installed chips). The
# `compute-ownership` report has the trends, concentration, data centers and the Llama 3 clusters' rank.

# %%
who = analyses.get("clusters")(ds, view="shares", by="country", bootstrap=200, confidence=confidence)
who_now = who.table[who.table["date"] == who.table["date"].max()].head(3).reset_index(drop=True)
out.table(who_now, "explore-compute-by-country")
display(human_table(who_now.assign(pct=100 * who_now["share"], lo=100 * who_now["share_low"],
                                   hi=100 * who_now["share_high"]),
                    {"date": "Date", "group": "Country", "pct": "Share of H100e (%)",
                     "lo": "Interval, low (%)", "hi": "Interval, high (%)"}))
chips = analyses.get("chips")(ds, view="hyperscalers", confidence=confidence).table
chips = chips[chips["all_owners"]].tail(1).reset_index(drop=True)
out.table(chips, "explore-hyperscaler-share")
out.say("explore-hyperscaler-share", "On {end_date} five hyperscalers held {share:.0%} of the (non-Huawei) "
        "AI-chip stock ({share_low:.0%}–{share_high:.0%}).")

# %% [markdown]
# ## 8. Try it yourself
# Change the metric, the subset, the first year or the frontier size: the trend is refitted and redrawn. (In the
# HTML report the controls are not live; the figure of section 4 shows the default settings.)

# %%
explore.interactive_trend(models, metric=metric, subset=subset, since_year=int(since[:4]), top_k=top_k,
                          confidence=confidence, live=not output_dir)
