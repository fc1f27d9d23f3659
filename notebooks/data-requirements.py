# ---
# jupyter:
#   kernelspec:
#     display_name: Frontier Atlas (.venv)
#     language: python
#     name: frontier-atlas
# ---

# %% [markdown]
# # How much data does a model need?
#
# The Chinchilla scaling law models the loss of a language model with N parameters trained on D tokens as
# L(N, D) = E + A/N^α + B/D^β. Minimising it under a compute budget C ≈ 6·N·D gives the *compute-optimal*
# allocation. We compare Hoffmann et al. (2022)'s three approaches with the replication by Besiroglu et al.
# (2024), whose parameter uncertainty we propagate into intervals; then ask how far real models depart from the
# optimum (over-training), what repeated epochs are worth (Muennighoff et al. 2023), what an inference budget
# changes (Sardana et al. 2024), and when training sets meet the stock of public text (Villalobos et al. 2024).
#
# **Caveats.** The fits describe one model family and data mix (Chinchilla's MassiveText); losses are in nats on
# that data and do not transfer across tokenizers or data sets. Many recent models are trained on far more tokens
# per parameter than the training-compute optimum; Sardana et al. show that an expected inference demand makes
# that choice cheaper over a model's life, but these data do not record why any given model was trained as it was.

# %% tags=["parameters"]
data_spec: str = ""  # data source: empty for bundled, a models CSV path, or epoch:PATH
approach: str = "besiroglu-2024"  # scaling fit for over-training: hoffmann-1, hoffmann-2, hoffmann-3 or besiroglu-2024
budget_low: float = 1e21  # smallest training budget in the allocation figure, FLOP
budget_high: float = 1e27  # largest training budget in the allocation figure, FLOP
unique_tokens: float = 1e13  # unique tokens available, for the repeated-epochs view
wall_subset: str = "notable"  # data-wall line named the headline in the figure (its window dates the caption): notable or frontier
confidence: float = 0.90  # level of every interval
output_dir: str = ""  # set by the report runner; empty shows figures only

# %%
from functools import partial

import numpy as np
import pandas as pd

from analysis import constants as C
from analysis.data import dataset, sources
from analysis.metrics import analyses, scaling, vintages
from analysis.reporting.figures import (
    PALETTE,
    ReportOutput,
    label_log_axis,
    labelled_scatter,
    legend_below,
    new_figure,
    short_label,
)

out = ReportOutput(output_dir)
ds = dataset.load(data_spec or None)
models = ds.models
budgets = np.logspace(np.log10(budget_low), np.log10(budget_high), 13)

# %% [markdown]
# ## Compute-optimal model size and data

# %%
alloc = scaling.optimal_table(tuple(budgets), confidence=confidence)
fig, ax = new_figure()
colors = {"hoffmann-1": PALETTE["blue"], "hoffmann-2": PALETTE["sky"], "hoffmann-3": PALETTE["orange"],
          "besiroglu-2024": PALETTE["vermillion"]}
for name, g in alloc.groupby("approach"):
    ax.plot(g["compute_flop"], g["tokens_per_param"], color=colors.get(name), marker="o", ms=3, label=name)
    if g["tokens_per_param_low"].notna().any():
        ax.fill_between(g["compute_flop"], g["tokens_per_param_low"], g["tokens_per_param_high"],
                        color=colors.get(name), alpha=0.2, label=f"{name} {confidence:.0%} interval")
label_log_axis(ax, "x", "Training compute budget", "FLOP")
label_log_axis(ax, "y", "Tokens per parameter", "ratio")
ax.set_title("Compute-optimal tokens per parameter")
legend_below(ax, ncol=2)
out.figure(fig, "compute-optimal-tokens-per-parameter",
           caption="Compute-optimal training tokens per parameter against budget under Hoffmann et al. (2022) "
                   f"approaches 1-3 and the Besiroglu et al. (2024) replication, with its {confidence:.0%} interval.",
           alt="Log-log lines of compute-optimal tokens per parameter against training budget, one per approach, "
               "the replication with a shaded interval.",
           table=alloc, source="Hoffmann et al. 2022; Besiroglu et al. 2024")

# %%
one = alloc[(alloc["approach"] == "besiroglu-2024")].reset_index(drop=True)
k = int(np.argmin(np.abs(np.log10(one["compute_flop"]) - 25)))
out.table(one, "compute-optimal-besiroglu")
out.prose(
    f"With a budget of {out.number('compute-optimal-besiroglu', k, 'compute_flop', '{:.2g}')} FLOP, the replication "
    f"fit puts the optimum at {out.number('compute-optimal-besiroglu', k, 'params', '{:.2g}')} parameters "
    f"({confidence:.0%} CI {out.number('compute-optimal-besiroglu', k, 'params_low', '{:.2g}')}–"
    f"{out.number('compute-optimal-besiroglu', k, 'params_high', '{:.2g}')}) trained on "
    f"{out.number('compute-optimal-besiroglu', k, 'tokens', '{:.2g}')} tokens, "
    f"{out.number('compute-optimal-besiroglu', k, 'tokens_per_param', '{:.0f}')} tokens per parameter."
)

# %% [markdown]
# ## Over-training: real models against the optimum

# %%
# the compute-optimal ratio is defined for transformer language models: language models (multimodal included) since
# the first pretrained transformers, as for the data wall
overtraining = scaling.overtraining(models, approach, confidence=confidence, domain="language", since=C.DATA_WALL_SINCE)
ot = overtraining.table
fig, ax = new_figure()
labelled_scatter(ax, ot, "release_date", "tokens_per_param", unit="tokens/parameter", s=14, color=PALETTE["blue"],
                 alpha=0.8, label="tokens per (active) parameter")
# the optimum depends on each model's own budget: one mark per model, not a line that zigzags between budgets
labelled_scatter(ax, ot, "release_date", "optimal_tokens_per_param", unit="tokens/parameter (compute-optimal)",
                 marker="_", s=40, lw=1.2, color=PALETTE["vermillion"], zorder=1,
                 label=f"compute-optimal ratio at the model's budget ({approach})")
for mid in ("llama-3-70b", "chinchilla", "gpt-3"):
    r = ot[ot["id"] == mid]
    if len(r):
        ax.annotate(short_label(r["name"].iloc[0], 24), (r["release_date"].iloc[0], r["tokens_per_param"].iloc[0]), fontsize=7,
                    xytext=(4, 4), textcoords="offset points")
label_log_axis(ax, "y", "Training tokens per parameter", "ratio")
ax.set_xlabel("Release date")
ax.set_title("Tokens per parameter of language models against the optimum")
legend_below(ax)
out.figure(fig, "tokens-per-parameter-vs-optimal",
           caption="Training tokens per parameter of notable language models (domains include language, "
                   f"multimodal ones included; one row per model) released since {C.DATA_WALL_SINCE} with published "
                   "sizes and data, against the compute-optimal ratio at each model's own budget "
                   f"({approach}), which Hoffmann et al. (2022) defined for transformer language models. "
                   f"{overtraining.caption()}.",
           alt="Scatter of training tokens per parameter of language models against release date on a log scale, "
               "with a line for the compute-optimal ratio at each model's budget.",
           table=ot, source=ds, result=overtraining)

# %% [markdown]
# ## What repeated epochs are worth
#
# Muennighoff et al. (2023): with U unique tokens seen for R extra epochs, the effective data is
# D' = U + U·R*·(1 − e^(−R/R*)), R* ≈ 15.4. Up to about four epochs repeated data is nearly as good as new.

# %%
rep = scaling.repeated_data_table(unique_tokens)
fig, ax = new_figure()
ax.plot(rep["epochs"], rep["effective_fraction"], marker="o", color=PALETTE["green"],
        label="effective tokens / tokens seen")
ax.plot(rep["epochs"], rep["marginal_value"], marker="s", color=PALETTE["purple"], label="value of one more epoch")
ax.set_xscale("log", base=2)
ax.set_xlabel("Epochs over the unique data (count, log scale)")
ax.set_ylabel("Fraction of the value of fresh data")
ax.set_ylim(0, 1.05)
ax.set_title("Value of repeated data (Muennighoff et al. 2023)")
ax.legend(loc="lower left")
out.figure(fig, "repeated-epochs-value",
           caption="Value of repeating data (Muennighoff et al. 2023, R* = 15.4): effective tokens as a fraction of "
                   "tokens seen, and the worth of one more epoch relative to fresh data.",
           alt="Two curves against the number of epochs (log scale): effective tokens per token seen, and the value "
               "of one more epoch.", table=rep,
           source="Muennighoff et al. 2023")

# %% [markdown]
# ## Paying for inference: smaller models, more data
#
# Sardana et al. (2024): if a model will serve D_inf tokens, minimise 6·N·D + 2·N·D_inf at a fixed loss. The
# table compares, for the quality of a 70B Chinchilla-optimal model, the optimum at several inference demands.

# %%
rows = []
for d_inf in (0, 1e12, 1e13, 1e14):
    r = scaling.inference_optimal(d_inf, reference_params=7e10)
    rows.append({"inference_tokens": d_inf, "params": r.params, "tokens": r.tokens,
                 "tokens_per_param": r.tokens / r.params, "train_flop": r.train_flop,
                 "inference_flop": r.inference_flop, "chinchilla_params": r.chinchilla_params,
                 "chinchilla_tokens": r.chinchilla_tokens, "target_loss": r.target_loss})
inf = pd.DataFrame(rows)
out.table(inf, "inference-aware-optimum")
out.prose(
    f"Serving {out.number('inference-aware-optimum', 3, 'inference_tokens', '{:.0e}')} tokens, the cheapest model "
    "as good as a Chinchilla-optimal model of "
    f"{out.number('inference-aware-optimum', 3, 'chinchilla_params', '{:.2g}')} parameters has "
    f"{out.number('inference-aware-optimum', 3, 'params', '{:.2g}')} parameters "
    f"trained on {out.number('inference-aware-optimum', 3, 'tokens', '{:.2g}')} tokens "
    f"({out.number('inference-aware-optimum', 3, 'tokens_per_param', '{:.0f}')} tokens per parameter). These are "
    "point estimates of Hoffmann et al.'s fit, as in Sardana et al.; they carry that fit's uncertainty."
)

# %% [markdown]
# ## The data wall
#
# When do training sets reach the stock of public human-generated text (Villalobos et al. 2024)? The answer depends
# on whose training sets are extrapolated, so both subsets are shown: all notable language models and the frontier
# (top 10 by compute at release). "Language models" are every model with language among its domains, multimodal
# ones (GPT-4, Claude, Gemini) included, one row per model. Each projection carries its interval (trend and stock
# uncertainty combined), n and window.

# %%
walls = {sub: scaling.data_wall(models, subset=sub, confidence=confidence) for sub in ("notable", "frontier")}
wall_table = analyses.get("data-wall")(ds, subsets=("notable", "frontier"), confidence=confidence).to_frame()
# vintage range: the same crossing year on the default table built on each pinned Epoch vintage, to the older one's end
pinned = vintages.pinned_tables(sources.default_on_vintages(vintages.PINNED, data_spec))
wall_end = vintages.common_end(pinned)


wall_years = partial(scaling.data_wall_table, subsets=("notable", "frontier"), until=wall_end, confidence=confidence)
rev = vintages.revision(pinned, wall_years, "year", on="subset")
wall_table = wall_table.merge(rev[["subset", "vintage_low", "vintage_high"]], on="subset", how="left").assign(
    vintage_until=None if wall_end is None else wall_end.strftime("%Y-%m-%d"))
out.table(wall_table, "data-wall-projection")
wall = walls[wall_subset]
# both lines over the same years: from the window's start to 3 years past the later crossing (an interval that
# reaches far out is stated in the caption, not drawn to 2050)
horizon = np.arange(int(str(wall.start)[:4]), int(np.ceil(max(w.year for w in walls.values()))) + 4)
frame = pd.concat([scaling.data_wall_frame(w, years=horizon).assign(subset=sub) for sub, w in walls.items()],
                  ignore_index=True)
points = {sub: scaling.data_wall_points(models, w) for sub, w in walls.items()}
points["notable"] = points["notable"][~points["notable"]["id"].isin(points["frontier"]["id"])]  # each model once
fig, ax = new_figure()
line_colors = {"notable": PALETTE["blue"], "frontier": PALETTE["orange"]}
point_colors = {"notable": PALETTE["sky"], "frontier": PALETTE["orange"]}
for sub, pts in points.items():
    labelled_scatter(ax, pts, "year", "tokens", unit="tokens", s=9, alpha=0.55, color=point_colors[sub],
                     zorder=4, label=f"{sub} models" + (" (not frontier)" if sub == "notable" else ""))
for sub, g in frame.groupby("subset", sort=False):
    ax.plot(g["year"], g["tokens"], color=line_colors[sub], label=f"{sub} trend, n = {walls[sub].n}: "
            f"{walls[sub].year:.1f}" + (" (headline)" if sub == wall_subset else ""))
    ax.fill_between(g["year"], g["tokens_low"], g["tokens_high"], color=line_colors[sub], alpha=0.15, lw=0)
    ax.axvline(walls[sub].year, color=line_colors[sub], ls=":", lw=1)
stock = frame.drop_duplicates("year").sort_values("year")
ax.plot(stock["year"], stock["stock"], color=PALETTE["black"], lw=1.2, label="stock of public human text")
ax.fill_between(stock["year"], stock["stock_low"], stock["stock_high"], color=PALETTE["black"], alpha=0.12, lw=0)
label_log_axis(ax, "y", "Training-set size", "tokens")
ax.set_xlabel("Year")
ax.set_title("Training-set sizes of language models and the stock of public text")
legend_below(ax, ncol=2)
out.figure(fig, "data-wall",
           caption=f"Trends of training-set sizes of notable (n = {walls['notable'].n}) and frontier "
                   f"(n = {walls['frontier'].n}) language models (domains include language, multimodal ones "
                   f"included; one row per model) since {wall.start:%Y-%m-%d}, with "
                   f"{confidence:.0%} intervals, against the estimated stock of public human-generated text "
                   "(Villalobos et al. 2024) and its interval; points are the models each line is fitted on "
                   "(frontier models once, in the frontier colour). Dotted: the year each line meets the stock, "
                   f"with its {confidence:.0%} interval: "
                   + "; ".join(f"{sub} {w.year:.1f} ({w.year_ci[0]:.1f} to "
                               + (f"{w.year_ci[1]:.1f}" if np.isfinite(w.year_ci[1]) else "unbounded") + ")"
                               for sub, w in walls.items())
                   + f". Lines are drawn to {horizon[-1]}. Notable: "
                   f"{walls['notable'].caption()}; frontier: {walls['frontier'].caption()}. The headline is the "
                   f"{wall_subset} line (parameter wall_subset; by default all notable language models, the "
                   "representative set). The notable line grows "
                   f"{walls['notable'].growth_per_year:.2g}x per year, the frontier's "
                   f"{walls['frontier'].growth_per_year:.2g}x"
                   + (": besides frontier runs the notable set holds small research models, many early in the "
                      "window (points), so its slope mixes growth with a change in which models are in the set. "
                      if walls["notable"].slope_oom_per_year > walls["frontier"].slope_oom_per_year else ". ")
                   + vintages.range_caption(pinned, wall_table, f"the crossing year with data to {wall_end:%Y-%m-%d}"
                                            if wall_end is not None else "", "{:.1f}", key="subset"),
           alt="Scatter of training-set sizes in tokens against year for notable and frontier language models, "
               "with a trend line and shaded interval per subset, dotted verticals where each line meets the "
               "flat shaded band of the stock of public text.",
           table=pd.concat([frame.assign(kind="trend"),
                            pd.concat([p.assign(subset=s) for s, p in points.items()]).assign(kind="model")],
                           ignore_index=True),
           source=[ds, "Villalobos et al. 2024"], result=walls)

# %%
parts = []
for k, sub in enumerate(wall_table["subset"]):
    if not np.isfinite(wall_table.loc[k, "year"]):
        parts.append(f"{sub} language models: no projection ({wall_table.loc[k, 'note']})")
        continue
    hi = ("no crossing within the interval" if not np.isfinite(wall_table.loc[k, "year_high"])
          else out.number("data-wall-projection", k, "year_high", "{:.0f}"))
    parts.append(
        f"{sub} language models around **{out.number('data-wall-projection', k, 'year', '{:.0f}')}** "
        f"({confidence:.0%} interval {out.number('data-wall-projection', k, 'year_low', '{:.0f}')} to {hi}; "
        f"n = {out.number('data-wall-projection', k, 'n', '{:d}')} models, training sets growing "
        f"{out.number('data-wall-projection', k, 'growth_per_year', '{:.2f}')}x per year, "
        f"{out.number('data-wall-projection', k, 'growth_low', '{:.2f}')}–"
        f"{out.number('data-wall-projection', k, 'growth_high', '{:.2f}')}x)")
out.prose(
    "On these trends the training sets reach the stock of public text: " + "; ".join(parts) + ". Villalobos et al. "
    f"(2024) projected {out.number('data-wall-projection', 0, 'published_year', '{:.0f}')} with their own trend of "
    "dataset sizes. Each projection is where a subset's trend line meets the stock, not a forecast for a single "
    "model."
)
