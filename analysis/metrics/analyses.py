"""The declared analyses: name, function, parameters (typed default, one-line help, allowed values, command-line
option) and result type, once each. The command line builds its options from these declarations and notebooks
call the analyses through them (:mod:`analysis.metrics.registry`; the functions are in
:mod:`analysis.metrics.entries`). This module imports no pandas.
"""

from __future__ import annotations

from analysis import constants as C
from analysis.errors import UsageError
from analysis.metrics.registry import REGISTRY, Param, declare, get

__all__ = ["REGISTRY", "get"]

TREND_SUBSETS = ("notable", "frontier", "open", "closed")
SEED = Param("seed", 0, "bootstrap seed (default 0)", kind="seed")
SINCE_DATE = Param("since", None, "only models released on/after DATE", metavar="DATE")
DOMAIN_RULE = Param("domain_rule", "any", "with --domain: any = models listing the domain among others (default; "
                    "'--domain language' includes multimodal language models); only = models whose one domain it is",
                    choices=("any", "only"))
UNTIL_DATE = Param("until", None, "only models released on/before DATE", metavar="DATE")

declare(
    "trend", func="analysis.metrics.entries:trend", result="analysis.metrics.trends.fits:TrendFit",
    help="growth per year and doubling time of a metric, with a confidence interval",
    params=(
        Param("metric", "compute", "a name of analysis.metrics.trends.METRICS (compute, parameters, tokens, ...)",
              flag="", metavar="METRIC"),
        Param("since", C.TREND_DEFAULT_SINCE, "first release date included (YYYY-MM-DD, YYYY-MM or YYYY; default "
              f"{C.TREND_DEFAULT_SINCE}, the {C.TREND_DEFAULT_SINCE_SOURCE}; 'all' for the whole record)",
              metavar="DATE", cli_default=None),
        Param("until", None, "last release date included (default: the last in the data)", metavar="DATE"),
        Param("subset", "notable", f"one of {', '.join(TREND_SUBSETS)} (default notable)", choices=TREND_SUBSETS,
              metavar="NAME", cli_choices=False),
        Param("domain", None, "only models with this domain among theirs (e.g. language: multimodal language models "
              "included; see --domain-rule)", metavar="NAME"),
        DOMAIN_RULE,
        Param("top_k", C.FRONTIER_TOP_K, f"frontier size: top K by compute at release (default {C.FRONTIER_TOP_K})",
              metavar="K", cli_default=str(C.FRONTIER_TOP_K)),
        Param("confidence", C.DEFAULT_CONFIDENCE, "confidence level of the intervals (default 0.90)", metavar="P",
              cli_default=f"{C.DEFAULT_CONFIDENCE:.2f}"),
        Param("bootstrap", None, "bootstrap the interval with N resamples of the models instead of the default CR2 "
              "errors clustered by organization and release year", metavar="N"),
        Param("cluster", False, "with --bootstrap: resample whole organizations (cluster bootstrap)",
              action="store_true"),
        Param("seed", 0, "bootstrap seed (default 0)", metavar="S", cli_default="0"),
        Param("exclude", None, "drop a model by name or id before ranking and fitting (repeatable; replaces the "
              "default; 'none' for no exclusions); default: with --subset frontier, AlphaGo Master and AlphaGo Zero "
              "are left out of the ranking, as Sevilla & Roldan 2024 do", action="append", metavar="MODEL",
              cli_default=None),
    ))

declare(
    "lag", func="analysis.metrics.entries:lag", result="analysis.metrics.openness.lag:LagResult",
    help="how many months open-weights models trail closed ones",
    params=(
        Param("benchmark", "mmlu", "benchmark slug in the benchmarks table (default mmlu)"),
        Param("setting", None, "evaluation setting (e.g. '5-shot'); default: the benchmark's one declared setting "
              "(MMLU 5-shot, GPQA Diamond 0-shot; hub benchmarks: analysis.data.benchmark_hub.DEFAULT_SETTINGS); "
              "'any' = each model's best score across settings (mixes protocols)"),
        Param("date_by", "release", "date each score by the model's release (default: when the capability became "
              "available) or by the score's own publication date where known ('evaluation')",
              choices=("evaluation", "release")),
        Param("confidence", C.DEFAULT_CONFIDENCE, "interval level (default 0.90)", kind="float"),
        Param("metric", "score", "score = benchmark score (default); compute = training compute",
              choices=("score", "compute")),
        Param("top_k", 1, "compare the k-th best open vs closed (default 1)", kind="positive_int"),
        Param("domain", None, "with --metric compute: only models with this domain among theirs (e.g. language)"),
        DOMAIN_RULE, SINCE_DATE, UNTIL_DATE, SEED,
    ))

declare(
    "concentration", func="analysis.metrics.entries:concentration", result="analysis.metrics.result:TableResult",
    help="per-year HHI and top shares of organizations (or countries)",
    params=(
        Param("subset", "notable", None, choices=("notable", "frontier")),
        Param("by", "organization", None, choices=("organization", "country")),
        SEED,
        Param("top_k", C.FRONTIER_TOP_K, "frontier size with --subset frontier (default 10)", kind="positive_int"),
        Param("confidence", C.DEFAULT_CONFIDENCE, "interval level (default 0.90)", kind="confidence"),
        Param("bootstrap", 1000, "bootstrap samples of the HHI interval (default 1000, at most 100000)",
              kind="bootstrap", metavar="N"),
        Param("window_years", 1, "pool each year with the N-1 years before it (default 1: single years; frontier "
              "years hold 2-20 models, 3-year windows 29-41)", kind="positive_int", metavar="N", flag="--window"),
        Param("organizations", "harmonized", "harmonized = parent families (Google Brain, DeepMind -> Google; "
              "default); as-written", choices=("harmonized", "as-written")),
    ))

declare(
    "data-wall", func="analysis.metrics.entries:data_wall", result="analysis.metrics.result:TableResult",
    help="year training sets reach the stock of public text, for notable and frontier models",
    params=(
        Param("subsets", ("notable", "frontier"), "only this subset (repeatable; one of notable, frontier; default: "
              "all of them)", choices=("notable", "frontier"), flag="--subset", action="append", metavar="NAME",
              cli_default=None, cli_choices=False),
        Param("since", C.DATA_WALL_SINCE, f"first release date of the trend window (default {C.DATA_WALL_SINCE})",
              metavar="DATE"),
        Param("confidence", C.DEFAULT_CONFIDENCE, "confidence level of the intervals (default 0.90)", metavar="P",
              cli_default=f"{C.DEFAULT_CONFIDENCE:.2f}"),
    ))

declare(
    "capabilities", func="analysis.metrics.entries:capabilities", result="analysis.metrics.capabilities:GapResult",
    help="gap between open and closed (or US and Chinese) models on Epoch's ECI",
    params=(
        Param("by", "open", "open = closed vs open-weights models (default); country = US vs China",
              choices=("open", "country")),
        Param("since", None, "start of the averaging window", metavar="DATE"),
        Param("until", None, "end of the averaging window", metavar="DATE"),
        Param("vintage", None, "hub snapshot vintage (default: the pinned one, 2026-04-19; 2025-11-07 = the ECI "
              "Epoch fitted around its October 2025 gap insight)"),
        Param("confidence", C.DEFAULT_CONFIDENCE, "interval level (default 0.90)", kind="float"),
        Param("bootstrap", 1000, "bootstrap replicates (default 1000)", kind="bootstrap"),
        SEED,
        Param("tolerance", 0.0, "ECI points within which an open model counts as caught up in Epoch's average gap "
              "(Epoch tests significance with index re-fits; default 0: any higher score counts)", kind="float",
              metavar="POINTS"),
    ))

declare(
    "openness", func="analysis.metrics.entries:openness", result="analysis.metrics.result:TableResult",
    help="share of models released with open weights, with binomial intervals",
    params=(
        Param("by", "year", "year (default); org = organization type; country; access = share of each access "
              "category", choices=("year", "org", "country", "access")),
        Param("subset", "notable", "notable = every model (default); frontier = top-10 by compute at release",
              choices=("notable", "frontier")),
        Param("method", "wilson", "binomial interval", choices=("wilson", "clopper-pearson")),
        Param("top_k", C.FRONTIER_TOP_K, "frontier size with --subset frontier (default 10)", kind="positive_int"),
        Param("confidence", C.DEFAULT_CONFIDENCE, "interval level (default 0.90)", kind="float"),
    ))

declare(
    "thresholds", func="analysis.metrics.entries:thresholds", result="analysis.metrics.result:TableResult",
    help="models per year above 10²³, 10²⁴, 10²⁵ and 10²⁶ FLOP, and by organization",
    params=(Param("inclusive", False, "count compute >= threshold instead of >", action="store_true"),))

declare(
    "spillovers", func="analysis.metrics.entries:spillovers", result="analysis.metrics.result:TableResult",
    help="notable models built on open vs closed base models",
    params=(
        Param("by", "year", "year (default) or base family", choices=("year", "family")),
        SEED,
    ))

declare(
    "data-needed", func="analysis.metrics.entries:data_needed", result="analysis.metrics.scaling.laws:Allocation",
    help="parameters, tokens and compute from a scaling law (Chinchilla and its replication)",
    params=(
        Param("compute", None, "training compute budget in FLOP, e.g. 1e24", metavar="FLOP"),
        Param("params", None, "model size in parameters, e.g. 7e10", metavar="N"),
        Param("target_loss", None, "target loss (nats/token, on the fit's data), e.g. 2.0", metavar="L"),
        Param("approach", "besiroglu-2024", "scaling law (default besiroglu-2024; hoffmann-1/2 have no loss function)",
              choices=C.SCALING_APPROACHES),
        Param("confidence", None, f"interval level for besiroglu-2024 (default {C.DEFAULT_CONFIDENCE})",
              kind="confidence", metavar="P"),
        Param("seed", 0, "Monte Carlo seed (default 0)", kind="seed", metavar="S", cli_default="0"),
    ))

COMPUTE_PRECISIONS = ("fp32", "tf32", "bf16", "fp16", "fp8", "int8")
declare(
    "compute", func="analysis.metrics.entries:compute", result="analysis.metrics.compute:ModelCompute",
    help="a model's training compute by each method, implied utilization, cost and energy",
    params=(
        Param("model_id", None, "model id, e.g. llama-3-8b", flag="", metavar="MODEL_ID"),
        Param("utilization", None, "MFU for hardware-based estimates (default: the model's reported MFU, else the "
              "median MFU reported for its hardware generation, with their range)", metavar="U"),
        Param("precision", "bf16", "training precision for the peak throughput (default bf16)",
              choices=COMPUTE_PRECISIONS),
        Param("price", None, "price per GPU-hour in USD (default: cited price per accelerator)", metavar="USD"),
        Param("pue", None, f"power usage effectiveness (default {C.AI_DATACENTER_PUE}, range "
              f"{C.AI_DATACENTER_PUE_RANGE[0]}-{C.AI_DATACENTER_PUE_RANGE[1]}: the energy model `cost` uses)",
              metavar="PUE"),
        Param("training_days", None, "wall-clock training time, enables the chips x time estimate", metavar="DAYS"),
    ))

declare(
    "cost", func="analysis.metrics.entries:cost", result="analysis.metrics.training_cost:CostEstimate",
    help="amortized hardware + energy and cloud-rental cost of a training run, with ranges",
    params=(
        Param("model", None, "model id or exact name (e.g. llama-3-70b)", flag="", nargs="?", metavar="MODEL_ID"),
        Param("hardware", None, "hypothetical run: accelerator (our id, e.g. nvidia-h100, or Epoch's hardware name)",
              metavar="ID"),
        Param("chips", None, "number of accelerators", metavar="N"),
        Param("hours", None, "training duration in hours", metavar="H"),
        Param("days", None, "training duration in days (instead of --hours)", metavar="D"),
        Param("chip_hours", None, "total accelerator-hours (instead of --chips and --hours)", metavar="CH"),
        Param("utilization", None, "model FLOP utilization (0-1), to report the run's FLOP", metavar="U"),
        Param("pue", None, "power usage effectiveness (default 1.1, range 1.1-1.58)", metavar="X"),
        Param("electricity", None, "electricity price in USD per kWh (default 0.0806)", metavar="USD"),
        Param("cloud_price", None, "cloud price per accelerator-hour", metavar="USD"),
    ))

# the default metrics and the groups of analysis.metrics.accelerators (DEFAULT_HARDWARE_METRICS, HARDWARE_GROUPS),
# written out so that building the options loads no pandas (tests/test_registry.py checks they are the same)
HARDWARE_DEFAULT_METRICS = ("fp32", "tf32", "tensor-fp16", "fp8", "fp32-per-dollar", "tensor-fp16-per-dollar",
                            "fp32-per-watt", "tensor-fp16-per-watt", "best-per-watt")
HARDWARE_GROUP_NAMES = ("all", "ml", "gpu", "tpu", "other", "ml-gpu")
declare(
    "hardware", func="analysis.metrics.entries:hardware", result="analysis.metrics.result:TableResult",
    help="trends of ML accelerators: peak FLOP/s per precision, FLOP/s per dollar and per watt",
    params=(
        Param("metrics", HARDWARE_DEFAULT_METRICS, f"a metric (repeatable; default: "
              f"{', '.join(HARDWARE_DEFAULT_METRICS)})", choices="analysis.metrics.accelerators:HARDWARE_METRICS",
              flag="--metric", action="append", metavar="METRIC", cli_default=(), cli_choices=False),
        Param("groups", ("all", "ml", "gpu", "tpu"), f"one of {', '.join(HARDWARE_GROUP_NAMES)} (repeatable; "
              "default: all, ml, gpu, tpu)", choices=HARDWARE_GROUP_NAMES, flag="--group", action="append",
              metavar="GROUP", cli_default=(), cli_choices=False),
        Param("since", None, "first release date included (YYYY-MM-DD, YYYY-MM or YYYY)", metavar="DATE"),
        Param("until", None, "last release date included", metavar="DATE"),
        Param("vintage", None, "ML-hardware snapshot vintage (default: the newest)", metavar="DATE"),
        Param("confidence", C.DEFAULT_CONFIDENCE, "confidence level (default 0.90)", metavar="P",
              cli_default=f"{C.DEFAULT_CONFIDENCE:.2f}"),
        Param("min_n", 5, "skip a metric/group with fewer accelerators (default 5)", metavar="N", cli_default="5"),
    ))

declare(
    "openness-score", func="analysis.metrics.entries:openness_score",
    result="analysis.metrics.openness.rubric:OpennessExplanation", help="explain a model's 14-dimension openness score",
    params=(Param("model_id", None, "model id in data/openness.csv, e.g. llama-3.1-405b", flag="",
                  metavar="MODEL_ID"),))


def cost_run_hours(model: str | None, hardware: str | None, hours: float | None, days: float | None,
                   utilization: float | None) -> float | None:
    """The rules of a cost question that need no data, checked in this order (the command line calls this before
    it loads the data): hours or days, not both (days are 24 hours); a utilization of at most 1; a model or a
    hypothetical run's hardware, not both or neither. Returns the run's hours."""
    if hours is not None and days is not None:
        raise UsageError("give --hours or --days, not both")
    if utilization is not None and utilization > 1:
        raise UsageError(f"--utilization: must be at most 1, got {utilization}")
    if (model is None) == (hardware is None):
        raise UsageError("give a MODEL_ID, or --hardware with --chips and --hours/--days (or --chip-hours)")
    return days * 24 if days is not None else hours

# --- who owns the compute (issue 27): Epoch AI's GPU clusters, frontier data centers, AI-chip stock ------------
CLUSTER_VIEWS = ("trends", "leading", "shares", "hhi", "runs", "place")
CONFIDENCE = Param("confidence", C.DEFAULT_CONFIDENCE, "interval level (default 0.90)", kind="confidence",
                   metavar="P")
declare(
    "clusters", func="analysis.metrics.entries:clusters", result="analysis.metrics.result:TableResult",
    help="AI supercomputers: growth of the leading systems, who owns the compute (shares, HHI), runs vs clusters",
    params=(
        Param("view", "trends", "trends (default: growth per year of the leading systems), leading (the systems), "
              "shares, hhi, runs (largest run vs largest cluster per year), place (rank of a cluster size)",
              choices=CLUSTER_VIEWS, flag="", nargs="?", metavar="VIEW"),
        Param("by", "country", "shares/hhi: country (default), sector or owner", choices=("country", "sector",
                                                                                           "owner")),
        Param("weight", "h100e", "shares/hhi: weigh systems by H100-equivalents (default) or 16-bit OP/s "
              "(ops_16bit, Epoch's measure in its share insights)", choices=("h100e", "ops_16bit")),
        Param("certainty", ("Confirmed", "Likely"), "certainty levels kept (repeatable; default Confirmed and "
              "Likely, Epoch's standard analysis)", choices=("Confirmed", "Likely", "Unlikely"), action="append",
              metavar="LEVEL", cli_default=(), cli_choices=False),
        Param("dates", (), "shares/hhi: a date to report (repeatable; default 1 January of each year from 2019 and "
              "the snapshot's last date)", flag="--date", action="append", metavar="DATE", cli_default=()),
        Param("rank", "epoch", "trends/leading: top 10 by Epoch's rank when first operational (default) or a rank "
              "recomputed on the snapshot", choices=("epoch", "recomputed")),
        Param("size", C.LLAMA3_CLUSTER_GPUS, f"place: cluster size in chips (default {C.LLAMA3_CLUSTER_GPUS:,}, "
              "Llama 3's clusters)", kind="positive_int", metavar="CHIPS", cli_default=C.LLAMA3_CLUSTER_GPUS),
        Param("year", 2024, "place: systems operating in this year (default 2024)", kind="positive_int",
              metavar="YEAR", cli_default=2024),
        CONFIDENCE,
        Param("bootstrap", 1000, "resamples of the intervals (default 1000)", kind="bootstrap", metavar="N"),
        SEED,
        Param("vintage", None, "GPU-clusters snapshot vintage (default: the pinned one, 2025-12-17)",
              metavar="DATE"),
    ))

declare(
    "datacenters", func="analysis.metrics.entries:datacenters", result="analysis.metrics.result:TableResult",
    help="frontier data centers: 1 GW crossings, capital cost per GW, power per site, beside the run projection",
    params=(
        Param("view", "crossings", "crossings (default: when each site reaches 1 GW), capex (cost per GW), power "
              "(milestones per site), projection (crossings beside the run-power projection)",
              choices=("crossings", "capex", "power", "projection"), flag="", nargs="?", metavar="VIEW"),
        Param("threshold_mw", C.GIGAWATT_MW, "crossings: power threshold in MW (default 1000)",
              kind="positive_float", metavar="MW", cli_default=C.GIGAWATT_MW),
        CONFIDENCE,
        Param("vintage", None, "data-centers snapshot vintage (default: the pinned one, 2025-12-17)",
              metavar="DATE"),
    ))

declare(
    "chips", func="analysis.metrics.entries:chips", result="analysis.metrics.result:TableResult",
    help="installed stock of AI chips (H100e) by owner and vendor, the hyperscalers' share and growth",
    params=(
        Param("view", "owners", "owners (default: holdings per owner), vendors, hyperscalers (share and growth), "
              "deliveries (growth of quarterly deliveries)", choices=("owners", "vendors", "hyperscalers",
                                                                      "deliveries"),
              flag="", nargs="?", metavar="VIEW"),
        CONFIDENCE,
        SEED,
        Param("vintage", None, "AI-chip exports vintage (default: the pinned one, 2026-04-22)", metavar="DATE"),
    ))
