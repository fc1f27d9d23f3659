# ---
# jupyter:
#   kernelspec:
#     display_name: Frontier Atlas (.venv)
#     language: python
#     name: frontier-atlas
# ---

# %% [markdown]
# # Case study: Meta's Llama 3 8B and 70B
#
# Released on 18 April 2024 with open weights under the Llama 3 Community License. Meta published the numbers a
# compute estimate needs: 8.03B and 70.6B parameters, over 15T training tokens, and 1.3M and 6.4M H100-80GB
# GPU-hours (model card). This notebook
# puts those numbers through the toolkit: training compute by two methods, the implied hardware utilization
# against the per-GPU throughput Meta reported for its 24K-GPU clusters, tokens per parameter against the
# Chinchilla optimum, the benchmark position against the best closed model of April 2024, the release's openness
# scores, and what followed.
#
# **Caveats.** The GPU-hours cover pretraining as Meta reports them; 6·N·D counts only the forward and backward
# passes of the final run. Benchmark scores are the instruct models' as reported by Meta and by third parties,
# with different prompts.

# %% tags=["parameters"]
data_spec: str = ""  # data source: empty for bundled, a models CSV path, or epoch:PATH
models_focus: str = "llama-3-8b,llama-3-70b"  # the models of the case study, comma-separated ids
peers: str = "llama-2-70b,mistral-7b,mixtral-8x7b,gemma-7b,chinchilla,gpt-3,llama-3.1-405b"  # comparison models
benchmark: str = "mmlu"  # benchmark for the position against closed models
benchmark_setting: str = "5-shot"  # evaluation setting of that benchmark
as_of: str = "2024-04-18"  # date at which the best closed model is taken
approach: str = "besiroglu-2024"  # scaling fit for the compute-optimal ratio
confidence: float = 0.90  # level of every interval
output_dir: str = ""  # set by the report runner; empty shows figures only

# %%

import numpy as np
import pandas as pd
from IPython.display import display

from analysis.constants import OPENNESS_GROUPS
from analysis.data import dataset, sources, tables
from analysis.errors import AtlasError
from analysis.metrics import checks, compute, frontier, openness, scaling, selection, utilization
from analysis.reporting import citation
from analysis.reporting.figures import (
    CLOSED_COLOR,
    OPEN_COLOR,
    PALETTE,
    ReportOutput,
    human_table,
    label_log_axis,
    labelled_scatter,
    legend_below,
    new_figure,
    point_titles,
    short_label,
)

out = ReportOutput(output_dir)
ds = dataset.load(data_spec or None)
models, bench = ds.models, ds.benchmarks
# unknown ids, benchmarks or settings given with -p fail the report with the CLI's message (no silent gaps)
focus = checks.model_ids(models, models_focus)
peer_ids = checks.model_ids(models, peers)
checks.benchmark(bench, benchmark, benchmark_setting)
cols = ["id", "name", "organization", "release_date", "parameters", "training_tokens", "training_compute_flop",
        "compute_method", "gpu_hours", "training_hardware", "access", "license"]
facts = models[models["id"].isin(focus + peer_ids)][cols].sort_values("release_date").reset_index(drop=True)
out.table(facts, "llama3-models")
shown = ["name", "organization", "release_date", "parameters", "training_tokens", "training_compute_flop", "gpu_hours"]
display(human_table(facts, {"name": "Model", "organization": "Organization", "release_date": "Released",
                                  "parameters": "Parameters", "training_tokens": "Training tokens",
                                  "training_compute_flop": "Training compute (FLOP)", "gpu_hours": "GPU-hours"},
                           flop=("training_compute_flop",)))

# %% [markdown]
# ## Training compute two ways, and the implied utilization

# %%
rows = []
mfu_reports = utilization.mfu_reports(sources.mfu_reports())  # the reported MFUs behind the utilization prior
for mid in focus:
    try:
        mc = compute.model_compute(models, ds.hardware, mid, mfu_reports=mfu_reports)
    except AtlasError as exc:
        print(f"{mid}: {exc}")
        continue
    six = mc.estimate("6ND")
    gh = mc.estimate("gpu-hours")
    rows.append({"id": mid, "name": mc.name, "flop_6nd": six.flop if six else np.nan,
                 "flop_gpu_hours": gh.flop if gh else np.nan, "flop_gpu_hours_low": gh.flop_low if gh else np.nan,
                 "flop_gpu_hours_high": gh.flop_high if gh else np.nan, "gpu_hours": mc.gpu_hours,
                 "peak_flop_per_s": mc.peak_flop_per_s, "implied_mfu": mc.implied_mfu,
                 "reference_mfu": mc.reference_mfu, "cost_usd": mc.cost_usd, "energy_mwh": mc.energy_mwh})
cm = pd.DataFrame(rows)
if len(cm):
    fig, axes = new_figure(1, 2, figsize=(8, 3.8))
    x = np.arange(len(cm))
    # bars on a linear axis from zero, in units of 10²⁴ FLOP (a log axis would make bar lengths meaningless)
    axes[0].bar(x - 0.2, cm["flop_6nd"] / 1e24, width=0.4, color=PALETTE["blue"], label="6·N·D")
    err = np.vstack([cm["flop_gpu_hours"] - cm["flop_gpu_hours_low"], cm["flop_gpu_hours_high"] - cm["flop_gpu_hours"]])
    axes[0].bar(x + 0.2, cm["flop_gpu_hours"] / 1e24, width=0.4, color=PALETTE["orange"], yerr=err / 1e24, capsize=3,
                label="GPU-hours × peak ×\nutilization 0.3–0.5")
    axes[0].set_xticks(x, [short_label(n, 14) for n in cm["name"]])
    axes[0].set_ylabel("Training compute (10²⁴ FLOP)")
    axes[0].set_ylim(0, 1.35 * float(np.nanmax(cm["flop_gpu_hours_high"].fillna(cm["flop_6nd"]))) / 1e24)
    axes[0].legend(fontsize=7, loc="upper left")
    axes[0].set_title("Compute estimates")
    axes[1].bar(x, 100 * cm["implied_mfu"], color=PALETTE["green"], width=0.5, label="implied by 6ND and GPU-hours")
    if cm["reference_mfu"].notna().any():
        axes[1].axhline(100 * cm["reference_mfu"].dropna().iloc[0], color=PALETTE["vermillion"], ls="--",
                        label="Meta: >400 TFLOPS/GPU on 16K GPUs")
    axes[1].set_xticks(x, [short_label(n, 14) for n in cm["name"]])
    axes[1].set_ylabel("Model FLOP utilization (% of BF16 peak)")
    axes[1].set_ylim(0, 60)
    axes[1].legend(fontsize=7, loc="upper left")
    axes[1].set_title("Implied utilization")
    out.figure(fig, "llama3-compute-and-utilization",
               caption="Llama 3 training compute from 6·N·D and from Meta's reported H100 GPU-hours (bars span "
                       "utilization 30–50%), and the utilization implied by the two, against the per-GPU throughput "
                       "Meta reported for its 24K-GPU clusters.",
               alt="Left: paired bars of compute estimates per model; right: implied utilization bars below a "
                   "dashed reference line near 40%.",
               table=cm, source=[ds, "Meta Llama 3 model card and blog"])
    # Epoch AI exports lack some of these fields (e.g. GPU-hours): say only what the data supports
    have = cm.iloc[0].notna()
    name0 = str(cm["name"].iloc[0])
    if have["flop_6nd"] and have["gpu_hours"] and have["implied_mfu"] and have["reference_mfu"]:
        out.prose(
            f"6·N·D gives {out.number('llama3-compute-and-utilization', 0, 'flop_6nd', '{:.2g}')} FLOP for "
            f"{name0}; against its "
            f"{out.number('llama3-compute-and-utilization', 0, 'gpu_hours', '{:.2g}')} reported GPU-hours that is a "
            f"utilization of {out.number('llama3-compute-and-utilization', 0, 'implied_mfu', '{:.1%}')} of the H100's "
            f"dense BF16 peak, below the {out.number('llama3-compute-and-utilization', 0, 'reference_mfu', '{:.1%}')} "
            "Meta reported for its clusters: the reported hours include more than the final run's useful FLOP."
        )
    elif have["flop_6nd"]:
        out.prose(f"6·N·D gives {out.number('llama3-compute-and-utilization', 0, 'flop_6nd', '{:.2g}')} FLOP for "
                  f"{name0}; this data has no reported GPU-hours for it, so no utilization is implied.")
    else:
        out.prose(f"This data has neither parameters and tokens nor GPU-hours for {name0}: no compute estimate.")

# %% [markdown]
# ## Tokens per parameter against the Chinchilla optimum

# %%
# a case study of named models: asks for the overlay's additions explicitly (Llama 3 8B is one)
overtraining = scaling.overtraining(models[models["id"].isin(focus + peer_ids)], approach, confidence=confidence,
                                    additions=True)
ot = overtraining.table
ot = ot.sort_values("tokens_per_param").reset_index(drop=True)
fig, ax = new_figure()
y = np.arange(len(ot))
colors = [PALETTE["vermillion"] if i in focus else PALETTE["sky"] for i in ot["id"]]
# points, not bars: the axis is logarithmic, so a bar's length would mean nothing
labelled_scatter(ax, ot.assign(y=y), "tokens_per_param", "y", unit="", color=colors, s=30, zorder=3,
                 label="training tokens per parameter",
                 titles=point_titles(ot, "tokens_per_param", "tokens per parameter"))
ax.errorbar(ot["optimal_tokens_per_param"], y, xerr=[ot["optimal_tokens_per_param"] - ot["optimal_tokens_per_param_low"],
            ot["optimal_tokens_per_param_high"] - ot["optimal_tokens_per_param"]], fmt="|", color="black",
            label=f"compute-optimal ratio ({approach}, {confidence:.0%} CI)")
ax.set_yticks(y, [short_label(n, 28) for n in ot["name"]])
label_log_axis(ax, "x", "Training tokens per parameter", "tokens/parameter")
ax.set_title("Llama 3 tokens per parameter against the compute-optimal ratio")
ax.legend(loc="lower right", fontsize=7)
out.figure(fig, "llama3-tokens-per-parameter",
           caption="Training tokens per parameter of Llama 3 (highlighted) and peers, with the compute-optimal "
                   f"ratio at each model's own budget under {approach} and its {confidence:.0%} interval.",
           alt="Horizontal bars; Llama 3 8B's bar is about a hundred times the optimal marker.", table=ot,
           source=ds, result=overtraining)
if "llama-3-8b" in set(ot["id"]):
    i = int(ot.index[ot["id"] == "llama-3-8b"][0])
    out.prose(
        f"Llama 3 8B saw {out.number('llama3-tokens-per-parameter', i, 'tokens_per_param', '{:.0f}')} tokens per "
        f"parameter, {out.number('llama3-tokens-per-parameter', i, 'overtraining_factor', '{:.0f}')} times the "
        f"compute-optimal ratio ({confidence:.0%} CI "
        f"{out.number('llama3-tokens-per-parameter', i, 'overtraining_factor_low', '{:.0f}')}–"
        f"{out.number('llama3-tokens-per-parameter', i, 'overtraining_factor_high', '{:.0f}')}): a small model "
        "bought with extra training compute to be cheap at inference."
    )

# %% [markdown]
# ## Benchmark position against the best closed model of the day

# %%
b = bench[(bench["benchmark"] == benchmark) & (bench["setting"] == benchmark_setting)]
b = b.merge(models[["id", "name", "release_date", "access"]], left_on="model_id", right_on="id")
b["open_weights"] = b["access"].isin(tables.OPEN_WEIGHTS)
b = b.sort_values("score", ascending=False).drop_duplicates("model_id")
cutoff = pd.Timestamp(as_of)
closed = b[~b["open_weights"] & (b["release_date"] <= cutoff)].head(5)
mine = b[b["model_id"].isin(focus)]
pos = pd.concat([closed.assign(group="closed, released by " + as_of), mine.assign(group="Llama 3")])
pos = pos[["model_id", "name", "release_date", "score", "evaluator", "group", "source_url"]].reset_index(drop=True)
if len(pos):
    fig, ax = new_figure()
    y = np.arange(len(pos))
    ax.barh(y, pos["score"], color=[OPEN_COLOR if g == "Llama 3" else CLOSED_COLOR for g in pos["group"]])
    ax.set_yticks(y, [short_label(n, 28) for n in pos["name"]])
    ax.invert_yaxis()
    ax.set_xlabel(f"{benchmark.upper()} {benchmark_setting} score (%)")
    ax.set_xlim(0, 100)  # bars start at zero
    ax.set_title(f"Llama 3 against the best closed models as of {as_of}")
    out.figure(fig, "llama3-benchmark-position",
               caption=f"{benchmark.upper()} ({benchmark_setting}) of Llama 3 against the five best closed models "
                       f"released by {as_of}; each model's best reported score.",
               alt="Horizontal bars: closed models slightly above Llama 3 70B, Llama 3 8B well below.", table=pos,
               source=[ds, citation.curated("benchmarks")])

# %% [markdown]
# ## How open is the release?

# %%
if len(ds.openness) and "llama-3-70b" in set(ds.openness["model_id"]):
    ex = openness.explain_openness(ds.openness, "llama-3-70b")
    comp = pd.DataFrame(ex.components) if not isinstance(ex.components, pd.DataFrame) else ex.components
    out.table(comp, "llama3-openness-components")
    d = ex.to_dict()
    summary = pd.DataFrame([{"model_id": d["model_id"], "score": d["score"], "max_score": d["max_score"],
                             "availability": d["availability"], "availability_max": len(OPENNESS_GROUPS["availability"]),
                             "documentation": d["documentation"], "documentation_max": len(OPENNESS_GROUPS["documentation"]), "access": d["access"],
                             "access_max": len(OPENNESS_GROUPS["access"]), "mof_class": d["mof_class"], "osaid_meets": d["osaid_meets"]}])
    out.table(summary, "llama3-openness-summary")
    n = {c: out.number("llama3-openness-summary", 0, c, "{:g}") for c in summary.columns if c.endswith(
        ("score", "availability", "documentation", "access", "_max"))}
    open_on = ", ".join(comp.loc[comp["code"] == "open", "dimension"]) or "none"
    closed_on = ", ".join(comp.loc[comp["code"] == "closed", "dimension"]) or "none"
    out.prose(
        f"{d['model_id']} scores {n['score']}/{n['max_score']} (availability "
        f"{n['availability']}/{n['availability_max']}, documentation {n['documentation']}/"
        f"{n['documentation_max']}, access {n['access']}/{n['access_max']}): open on {open_on}; "
        f"closed on {closed_on}. MOF: {ex.mof.label}. OSI Open Source AI Definition v1.0 "
        "screen: "
        + ("meets." if d["osaid_meets"] else "does not meet (missing: " + ", ".join(d["osaid_missing"])
           + ").")
    )

# %% [markdown]
# ## What followed
#
# Meta's later releases (Llama 3.1, 3.3 and 4) against the largest closed training run to date: the figure places
# the Llama family's training compute on the closed record, and the text below reads the saved table.

# %%
# Meta's own Llama releases (the default table also holds other developers' Llama fine-tunes, e.g. NVIDIA's)
fam = models[models["id"].str.startswith("llama") & models["organization"].fillna("").str.contains("Meta")
             & models["training_compute_flop"].notna()].sort_values("release_date")
# the closed record comes from the representative set (Epoch's notable models, one row per model); the Llama
# family is this case study's named models, the overlay's additions included
closed_all = selection.select(models, "closed").dropna(subset=["training_compute_flop"]).sort_values("release_date")
# every closed record since 2020, starting from the record standing on 2020-01-01 (set earlier, by a real model)
record = frontier.running_record(closed_all, since="2020-01-01")
# the closed record standing on each Llama release date (the step line below), and the release's share of it
at_release = pd.merge_asof(fam[["release_date"]].reset_index(), record[["release_date", "record"]],
                           on="release_date", direction="backward").set_index("index")["record"]
fam = fam.assign(closed_record_flop=at_release, share_of_closed_record=fam["training_compute_flop"] / at_release)
fig, ax = new_figure()
# the last record still stands at the data's last closed release: the step runs on to that date
ax.step([*record["release_date"], closed_all["release_date"].max()], [*record["record"], record["record"].iloc[-1]],
        where="post", color=CLOSED_COLOR, lw=2, label="largest closed training run to date")
labelled_scatter(ax, fam, "release_date", "training_compute_flop", unit="FLOP", color=OPEN_COLOR, s=20,
                 label="Llama family")
for _, r in fam[fam["id"].isin(focus + ["llama-3.1-405b", "llama-4-maverick"])].iterrows():
    ax.annotate(short_label(r["name"], 20), (r["release_date"], r["training_compute_flop"]), fontsize=7,
                xytext=(4, -8), textcoords="offset points")
label_log_axis(ax, "y", "Training compute", "FLOP")
ax.set_xlabel("Release date")
ax.set_title("The Llama family against the closed frontier")
legend_below(ax)
out.figure(fig, "llama-family-vs-closed-frontier",
           caption="Training compute of Meta's Llama models against the largest closed-model training run to date "
                   "(a step at each new record, from the record standing on 2020-01-01, "
                   f"{record['name'].iloc[0]}, released {record['release_date'].iloc[0]:%Y-%m-%d}).",
           alt="Scatter of Llama models' training compute with a rising step line of the largest closed run to date.",
           table=pd.concat([fam[["id", "name", "release_date", "training_compute_flop", "closed_record_flop",
                                 "share_of_closed_record"]].assign(series="llama"),
                            record[["id", "name", "release_date", "record"]]
                            .rename(columns={"record": "training_compute_flop"}).assign(series="closed-record")],
                           ignore_index=True), source=ds)
if len(fam):  # the family's largest run, read from the saved table (its first rows are the Llama models, in order)
    T, big = "llama-family-vs-closed-frontier", int(np.argmax(fam["training_compute_flop"].to_numpy()))
    text = (f"The largest Llama training run in this data is {fam['name'].iloc[big]}, released "
            f"{out.number(T, big, 'release_date', '{}')} with {out.number(T, big, 'training_compute_flop', '{:.2g}')} "
            "FLOP")
    if pd.notna(fam["closed_record_flop"].iloc[big]):
        text += (f": {out.number(T, big, 'share_of_closed_record', '{:.0%}')} of the largest closed training run "
                 f"to that date ({out.number(T, big, 'closed_record_flop', '{:.2g}')} FLOP).")
    out.prose(text + ("" if text.endswith(".") else "."))

# %% [markdown]
# ## Llama 3's own spillover
#
# Notable models whose Epoch AI record names Llama 3, 3.1 or 3.3 as their base model (Epoch's `Base model` column;
# when the data has none, the pinned notable-models snapshot). A derivative is *outside* when none of its
# developers is Meta.

# %%
from analysis.data.dataset import load_with_bases  # noqa: E402
from analysis.metrics import spillovers  # noqa: E402

sds = load_with_bases(data_spec or None)
l3 = spillovers.llama3_derivatives(spillovers.derivatives(sds.models))
l3 = l3[["derivative", "derivative_organization", "derivative_date", "derivative_open", "base", "base_model",
         "outside"]]
out.table(l3, "llama3-derivatives")
out.table(pd.DataFrame([{"n_derivatives": int(l3["derivative"].nunique()),
                         "n_outside": int(l3.drop_duplicates("derivative")["outside"].fillna(False).astype(bool).sum())}]),
          "llama3-derivatives-summary")
out.prose(f"{out.number('llama3-derivatives-summary', 0, 'n_derivatives', '{:d}')} notable model(s) name a model of "
          f"the Llama-3 family as their base, {out.number('llama3-derivatives-summary', 0, 'n_outside', '{:d}')} of "
          f"them from outside Meta ({sds.label}). Epoch's notable set records few fine-tunes: most "
          "derivatives of the Llama-3 family are not notable models, so this counts notable spillover only.")
