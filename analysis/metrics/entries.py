"""The functions behind the registered analyses (:mod:`analysis.metrics.analyses`): each takes the loaded data
first (an :class:`analysis.data.dataset.Dataset` or anything with its ``models``/``openness``/``benchmarks``
attributes) and the declared parameters as keywords, and returns a :class:`analysis.metrics.result.Result`.

They are thin: they pick the tables an analysis needs, turn command-line values into the analysis' own (a metric
name into its column, ``since="all"`` into no lower bound) and wrap tables in a
:class:`~analysis.metrics.result.TableResult` with their meta.

This is the one module of the metrics layer that calls the data layer's loaders: where a command names a snapshot
(``--vintage``) or an analysis needs an upstream table besides ``ds`` (the ML-hardware snapshot, the reported
MFUs, the Benchmarking Hub), it asks :mod:`analysis.data.sources` / :mod:`analysis.data.benchmark_hub`, which read
and verify the files, and passes the tables to the pure functions (``tests/test_architecture.py`` checks that no
other metrics module reads a file or calls a loader).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Annotated

import pandas as pd

from analysis import constants as C
from analysis.data import benchmark_hub as bh
from analysis.data import infrastructure_snapshots as infra
from analysis.data import sources
from analysis.errors import AnalysisError, UsageError
from analysis.metrics import competition, ownership, scaling
from analysis.metrics import compute as cm
from analysis.metrics import infrastructure as run_infrastructure
from analysis.metrics import spillovers as sp
from analysis.metrics.accelerators import (
    DEFAULT_HARDWARE_METRICS,
    HARDWARE_GROUPS,
    HARDWARE_METRICS,
    HardwareCatalog,
    hardware_table,
    hardware_trend_table,
)
from analysis.metrics.capabilities import GapResult, eci_gap
from analysis.metrics.openness import (
    DEFAULT_SHARE_METHOD,
    SHARE_METHODS,
    LagResult,
    OpennessExplanation,
    capability_lag,
    compute_lag,
    explain_openness,
    open_share,
)
from analysis.metrics.registry import Opt, analysis
from analysis.metrics.result import TableResult, meta, span
from analysis.metrics.selection import select
from analysis.metrics.training_cost import CostEstimate, model_cost, run_cost
from analysis.metrics.trends import (
    METRICS,
    TrendFit,
    metric_column,
    parse_date,
    subset_trend,
    threshold_counts,
    threshold_counts_by_organization,
)
from analysis.metrics.utilization import mfu_reports
from analysis.metrics.vocabulary import (
    SUBSETS,
    Bootstrap,
    Confidence,
    Domain,
    DomainRule,
    Seed,
    Since,
    TopK,
    Until,
    check_amount,
    check_bootstrap,
    check_count,
    check_date,
    check_fraction,
    check_name,
    check_nonnegative,
    check_pue,
    check_since,
    check_start,
    check_subset,
    check_top_k,
    check_until,
)

COMPUTE_PRECISIONS = ("fp32", "tf32", "bf16", "fp16", "fp8", "int8")
CLUSTER_VIEWS = ("trends", "leading", "shares", "hhi", "runs", "place")
# The interval of a share (open share, share of derivatives built outside the base's developer): one vocabulary
ShareMethod = Annotated[str, Opt("interval: organizations = Wilson at the effective n of organization clusters "
                                 "(default); wilson, clopper-pearson = binomial (units independent)",
                                 choices=SHARE_METHODS)]


def check_metric(metric: object) -> str:
    if metric not in METRICS:
        raise UsageError(f"unknown metric {metric!r}; choose one of {', '.join(METRICS)}")
    return str(metric)


def check_min_n(value: object) -> int:
    """The fewest accelerators a hardware fit takes: a whole number >= 3 (a line through 2 points has no error)."""
    v = check_count(value)
    if v < 3:
        raise UsageError(f"must be at least 3, got {value!r}")
    return v


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


@analysis("trend", example={"metric": "compute"})
def trend(ds,
          metric: Annotated[str, Opt("one of analysis.metrics.trends.METRICS (compute, parameters, tokens, ...)",
                                     check=check_metric, flag="", metavar="METRIC")] = "compute",
          since: Annotated[object, Opt(f"first release date included (YYYY-MM-DD, YYYY-MM or YYYY; default "
                                       f"{C.TREND_DEFAULT_SINCE}, the {C.TREND_DEFAULT_SINCE_SOURCE}; 'all' for "
                                       "the whole record)", check=check_since, metavar="DATE")]
          = C.TREND_DEFAULT_SINCE,
          until: Annotated[object, Opt("last release date included (default: the last in the data)",
                                       check=check_until, metavar="DATE")] = None,
          subset: Annotated[str, Opt(f"one of {', '.join(SUBSETS)} (default notable)", check=check_subset,
                                     metavar="NAME")] = "notable",
          domain: Domain = None, domain_rule: DomainRule = "any", top_k: TopK = C.FRONTIER_TOP_K,
          confidence: Confidence = C.DEFAULT_CONFIDENCE,
          bootstrap: Annotated[int | None, Opt("bootstrap the interval with N resamples of the models instead of "
                                               "the default CR2 errors clustered by organization and release year",
                                               check=check_bootstrap, metavar="N")] = None,
          cluster: Annotated[bool, Opt("with --bootstrap: resample whole organizations (cluster bootstrap)",
                                       action="store_true")] = False,
          seed: Seed = 0,
          exclude: Annotated[Sequence[str] | None, Opt(
              "drop a model by name or id before ranking and fitting (repeatable; replaces the default; 'none' for "
              "no exclusions); default: with --subset frontier, AlphaGo Master and AlphaGo Zero are left out of the "
              "ranking, as Sevilla & Roldan 2024 do", action="append", metavar="MODEL")] = None) -> TrendFit:
    """Growth per year and doubling time of a metric, with a confidence interval.

    Log-linear trend of a metric on a subset: ``since="all"`` (or None) fits the whole record; ``bootstrap``
    resamples models (organizations with ``cluster``) instead of CR2 errors clustered by organization and year.
    ``exclude`` None: the default exclusions (the frontier outliers); ``["none"]`` or ``()``: none."""
    since = None if since is None or str(since).strip().lower() == "all" else parse_date(since, "since")
    method = "analytic" if bootstrap is None else "cluster-bootstrap" if cluster else "bootstrap"
    return subset_trend(ds.models, metric_column(metric), subset, domain=domain, domain_rule=domain_rule,
                        top_k=int(top_k), exclude=exclusions(exclude), since=since, until=parse_date(until, "until"),
                        confidence=float(confidence), method=method, n_boot=1000 if bootstrap is None else
                        int(bootstrap), seed=int(seed))


def exclusions(exclude: Sequence[str] | None) -> tuple[str, ...] | None:
    """``exclude`` as given on the command line: None = the default exclusions; 'none' (alone) = no exclusion."""
    if exclude is None:
        return None
    names = tuple(str(e) for e in exclude)
    return () if [n.strip().lower() for n in names] == ["none"] else names


@analysis("lag", example={"metric": "compute"})
def lag(ds,
        benchmark: Annotated[str, Opt("benchmark slug in the benchmarks table (default mmlu)",
                                      check=check_name)] = "mmlu",
        setting: Annotated[str | None, Opt(
            "evaluation setting (e.g. '5-shot'); default: the benchmark's one declared setting (MMLU 5-shot, GPQA "
            "Diamond 0-shot; hub benchmarks: analysis.data.benchmark_hub.DEFAULT_SETTINGS); 'any' = each model's "
            "best score across settings (mixes protocols)")] = None,
        date_by: Annotated[str, Opt("date each score by the model's release (default: when the capability became "
                                    "available) or by the score's own publication date where known ('evaluation')",
                                    choices=("evaluation", "release"))] = "release",
        confidence: Confidence = C.DEFAULT_CONFIDENCE,
        metric: Annotated[str, Opt("score = benchmark score (default); compute = training compute",
                                   choices=("score", "compute"))] = "score",
        top_k: Annotated[int, Opt("compare the k-th best open vs closed (default 1)", check=check_top_k,
                                  metavar="K")] = 1,
        domain: Domain = None, domain_rule: DomainRule = "any", since: Since = None, until: Until = None,
        seed: Seed = 0) -> LagResult:
    """How many months open-weights models trail closed ones.

    Open-vs-closed lag on a benchmark of the benchmarks table (``metric="score"``) or in training compute."""
    since, until = parse_date(since, "since"), parse_date(until, "until")
    if metric == "score":
        return capability_lag(ds.benchmarks, ds.models, benchmark=benchmark, setting=setting, openness=ds.openness,
                              top_k=top_k, since=since, until=until, seed=seed, confidence=confidence,
                              date_by=date_by)
    return compute_lag(ds.models, top_k=top_k, domain=domain, domain_rule=domain_rule, since=since, until=until,
                       seed=seed, confidence=confidence)


@analysis("concentration", example={"subset": "frontier", "bootstrap": 200})
def concentration(ds, subset: Annotated[str, Opt(None, choices=("notable", "frontier"))] = "notable",
                  by: Annotated[str, Opt(None, choices=("organization", "country"))] = "organization",
                  seed: Seed = 0, top_k: TopK = C.FRONTIER_TOP_K, confidence: Confidence = C.DEFAULT_CONFIDENCE,
                  bootstrap: Bootstrap = 1000,
                  window_years: Annotated[int, Opt("pool each year with the N-1 years before it (default 1: single "
                                                   "years; frontier years hold 2-20 models, 3-year windows 29-41)",
                                                   check=check_count, metavar="N", flag="--window")] = 1,
                  organizations: Annotated[str, Opt("harmonized = parent families (Google Brain, DeepMind -> "
                                                    "Google; default); as-written",
                                                    choices=("harmonized", "as-written"))] = "harmonized",
                  ) -> TableResult:
    """Per-year HHI and top shares of organizations (or countries).

    Per-year HHI of notable or frontier models (:func:`analysis.metrics.competition.concentration`, a table
    result: n = dated models of the subset, window = first and last year)."""
    return competition.concentration(ds.models, by=by, subset=subset, seed=seed, top_k=top_k, confidence=confidence,
                                     n_boot=bootstrap, harmonize=organizations == "harmonized",
                                     window_years=int(window_years))


@analysis("data-wall")
def data_wall(ds,
              subsets: Annotated[Sequence[str], Opt("only this subset (repeatable; one of notable, frontier; "
                                                    "default: all of them)", check=check_subset,
                                                    choices=scaling.DATA_WALL_SUBSETS, flag="--subset",
                                                    action="append", metavar="NAME")] = scaling.DATA_WALL_SUBSETS,
              since: Annotated[object, Opt(f"first release date of the trend window (default {C.DATA_WALL_SINCE})",
                                           check=check_start, metavar="DATE")] = C.DATA_WALL_SINCE,
              confidence: Confidence = C.DEFAULT_CONFIDENCE) -> TableResult:
    """Year training sets reach the stock of public text, for notable and frontier models.

    One row per subset (:func:`analysis.metrics.scaling.data_wall_table`; a subset that cannot be projected has
    empty numbers and the reason in ``note``). n = models of the largest subset (the subsets overlap), window =
    their widest span."""
    table = scaling.data_wall_table(ds.models, tuple(dict.fromkeys(subsets)), since=parse_date(since, "since"),
                                    confidence=confidence)
    starts, ends = table["start"].dropna(), table["end"].dropna()
    info = meta(int(table["n"].max()), starts.min() if len(starts) else None, ends.max() if len(ends) else None,
                scaling.DATA_WALL_INTERVAL_KIND, confidence)
    return TableResult(table=table, info=info, settings={"stock_tokens": C.VILLALOBOS_2024_STOCK_TOKENS},
                       rows_key="subsets")


@analysis("capabilities", example={"bootstrap": 200})
def capabilities(ds,
                 by: Annotated[str, Opt("open = closed vs open-weights models (default); country = US vs China",
                                        choices=("open", "country"))] = "open",
                 since: Annotated[object, Opt("start of the averaging window", check=check_start,
                                              metavar="DATE")] = None,
                 until: Annotated[object, Opt("end of the averaging window", check=check_until,
                                              metavar="DATE")] = None,
                 vintage: Annotated[str | None, Opt(
                     "hub snapshot vintage (default: the pinned one, 2026-04-19; 2025-11-07 = the ECI Epoch fitted "
                     "around its October 2025 gap insight)")] = None,
                 confidence: Confidence = C.DEFAULT_CONFIDENCE, bootstrap: Bootstrap = 1000, seed: Seed = 0,
                 tolerance: Annotated[float, Opt(
                     "ECI points within which an open model counts as caught up in Epoch's average gap (Epoch tests "
                     "significance with index re-fits; default 0: any higher score counts)", check=check_nonnegative,
                     metavar="POINTS")] = 0.0) -> GapResult:
    """Gap between open and closed (or US and Chinese) models on Epoch's ECI.

    ECI gap, open vs closed or US vs China, from a pinned Benchmarking Hub snapshot (``ds`` is not used: the hub
    carries its own models): Epoch AI's average gap and our median lag over levels, scores dated by the version
    that earned them (:func:`analysis.metrics.capabilities.eci_gap`)."""
    hub = bh.load_hub(vintage or bh.HUB_VINTAGE, benchmarks=["eci"])
    return eci_gap(bh.version_steps(hub, "eci"), by=by, since=None if since is None else pd.Timestamp(since),
                   until=None if until is None else pd.Timestamp(until), n_boot=bootstrap, seed=seed,
                   confidence=confidence, tolerance_points=tolerance)


@analysis("openness")
def openness(ds,
             by: Annotated[str, Opt("year (default); org = organization type; country; access = share of each "
                                    "access category", choices=("year", "org", "country", "access"))] = "year",
             subset: Annotated[str, Opt("notable = every model (default); frontier = top-10 by compute at release",
                                        choices=("notable", "frontier"))] = "notable",
             method: ShareMethod = DEFAULT_SHARE_METHOD,
             top_k: TopK = C.FRONTIER_TOP_K, confidence: Confidence = C.DEFAULT_CONFIDENCE) -> TableResult:
    """Share of models released with open weights, with intervals that allow for organizations.

    Open-weights share per year, organization type, country or access category
    (:func:`analysis.metrics.openness.open_share`): n = models with known access, window = first and last year."""
    return open_share(ds.models, by=by, subset=subset, method=method, top_k=top_k, confidence=confidence)


@analysis("thresholds")
def thresholds(ds, inclusive: Annotated[bool, Opt("count compute >= threshold instead of >",
                                                  action="store_true")] = False) -> TableResult:
    """Models per year above 10²³, 10²⁴, 10²⁵ and 10²⁶ FLOP, and by organization.

    Models per release year above each compute threshold (:data:`analysis.constants.THRESHOLDS_FLOP`), with the
    counts by organization in ``settings``: n = models with a compute estimate and a date, window = their years.
    Counts, no interval: models without an estimate may also pass a threshold (lower bounds)."""
    m = select(ds.models)  # the representative set the counts are made on
    by_year = threshold_counts(m, C.THRESHOLDS_FLOP, inclusive=inclusive)
    by_org = threshold_counts_by_organization(m, C.THRESHOLDS_FLOP, inclusive=inclusive)
    dated = m[m["training_compute_flop"].notna() & m["release_date"].notna()]
    years = dated["release_date"].dt.year
    info = meta(len(dated), *span(years),
                "none: counts, lower bounds (models without a compute estimate are not counted)", None)
    return TableResult(table=by_year, info=info, settings={"by_organization": by_org}, rows_key="by_year")


@analysis("spillovers")
def spillovers(ds, by: Annotated[str, Opt("year (default) or base family", choices=("year", "family"))] = "year",
               method: ShareMethod = DEFAULT_SHARE_METHOD, confidence: Confidence = C.DEFAULT_CONFIDENCE,
               seed: Seed = 0) -> TableResult:
    """Notable models built on open vs closed base models.

    Notable models built on open or closed base models per year or base family
    (:func:`analysis.metrics.spillovers.spillover_counts`; ``method``: the interval of the share built outside the
    base's developer), with the time from a base's release to its first derivative in ``settings``: n =
    derivatives, window = their first and last release date."""
    deriv = sp.derivatives(ds.models)
    counts = sp.spillover_counts(deriv, by=by, confidence=confidence, method=method)
    ttd = sp.time_to_first_derivative(deriv, confidence=confidence, seed=seed)
    dates = deriv["derivative_date"].dropna()
    info = meta(int(deriv["derivative"].nunique()), *span(dates),
                f"{counts.meta.interval_kind}; {ttd.meta.interval_kind} (time to first derivative)",
                counts.settings["level"])
    settings = {"n_derivatives": int(deriv["derivative"].nunique()), "n_pairs": len(deriv),
                "n_bases_matched": int((deriv["base_match"] != "unmatched").sum()), **counts.settings,
                "time_to_first_derivative": ttd}
    return TableResult(table=counts.table, info=info, settings=settings)


@analysis("data-needed", example={"compute": 1e25})
def data_needed(ds,
                compute: Annotated[float | None, Opt("training compute budget in FLOP, e.g. 1e24", check=check_amount,
                                                     metavar="FLOP")] = None,
                params: Annotated[float | None, Opt("model size in parameters, e.g. 7e10", check=check_amount,
                                                    metavar="N")] = None,
                target_loss: Annotated[float | None, Opt("target loss (nats/token, on the fit's data), e.g. 2.0",
                                                         check=check_amount, metavar="L")] = None,
                approach: Annotated[str, Opt("scaling law (default besiroglu-2024; hoffmann-1/2 have no loss "
                                             "function)", choices=C.SCALING_APPROACHES)] = scaling.DEFAULT_APPROACH,
                confidence: Confidence = C.DEFAULT_CONFIDENCE, seed: Seed = 0) -> scaling.Allocation:
    """Parameters, tokens and compute from a scaling law (Chinchilla and its replication).

    Compute-optimal allocation for a budget (``compute``), compute-optimal data for a size (``params``), the
    cheapest model reaching a loss (``target_loss``), or the data a size needs to reach it (both); ``ds`` is not
    used (the scaling laws are published fits). ``confidence``: the level of besiroglu-2024's intervals."""
    kw = {"seed": seed, "confidence": confidence}
    if compute is not None and (params is not None or target_loss is not None):
        raise UsageError("give compute alone, params alone, target_loss alone, or target_loss with params")
    if compute is not None:
        return scaling.compute_optimal(compute, approach, **kw)
    if target_loss is not None:
        if params is not None:
            return scaling.tokens_for_loss(target_loss, params, approach, **kw)
        return scaling.compute_optimal_for_loss(target_loss, approach, **kw)
    if params is not None:
        return scaling.allocation_for_params(params, approach, **kw)
    raise UsageError("give one of compute, params or target_loss (optionally with params)")


@analysis("compute", example={"model_id": "llama-3-70b"},
          lookup="one model's compute, by id: any row of the table, additions included")
def compute(ds,
            model_id: Annotated[str | None, Opt("model id, e.g. llama-3-8b", flag="", metavar="MODEL_ID")] = None,
            utilization: Annotated[float | None, Opt(
                "MFU for hardware-based estimates (default: the model's reported MFU, else the median MFU reported "
                "for its hardware generation, with their range)", check=check_fraction, metavar="U")] = None,
            precision: Annotated[str, Opt("training precision for the peak throughput (default bf16)",
                                          choices=COMPUTE_PRECISIONS)] = "bf16",
            price: Annotated[float | None, Opt("price per GPU-hour in USD (default: cited price per accelerator)",
                                               check=check_amount, metavar="USD")] = None,
            pue: Annotated[float | None, Opt(
                f"power usage effectiveness (default {C.AI_DATACENTER_PUE}, range {C.AI_DATACENTER_PUE_RANGE[0]}-"
                f"{C.AI_DATACENTER_PUE_RANGE[1]}: the energy model `cost` uses)", check=check_pue,
                metavar="PUE")] = None,
            training_days: Annotated[float | None, Opt("wall-clock training time, enables the chips x time "
                                                       "estimate", check=check_amount, metavar="DAYS")] = None,
            ) -> cm.ModelCompute:
    """A model's training compute by each method, implied utilization, cost and energy.

    By each available method (:func:`analysis.metrics.compute.model_compute`; ``price`` in USD per GPU-hour,
    None: the cited price of its accelerator; ``pue`` None: the energy model's default and range, as `cost`)."""
    if model_id is None:
        raise UsageError("compute: give model_id, e.g. 'llama-3-8b'")
    return cm.model_compute(ds.models, ds.hardware, model_id, utilization=utilization, precision=precision,
                            price_per_gpu_hour=price, pue=pue,
                            training_days=training_days, mfu_reports=mfu_reports(sources.mfu_reports()))


@analysis("cost", example={"model": "llama-3-70b"}, lookup="one model's (or a hypothetical run's) cost, by id")
def cost(ds,
         model: Annotated[str | None, Opt("model id or exact name (e.g. llama-3-70b)", flag="", nargs="?",
                                          metavar="MODEL_ID")] = None,
         hardware: Annotated[str | None, Opt("hypothetical run: accelerator (our id, e.g. nvidia-h100, or Epoch's "
                                             "hardware name)", metavar="ID")] = None,
         chips: Annotated[float | None, Opt("number of accelerators", check=check_amount, metavar="N")] = None,
         hours: Annotated[float | None, Opt("training duration in hours", check=check_amount, metavar="H")] = None,
         days: Annotated[float | None, Opt("training duration in days (instead of --hours)", check=check_amount,
                                           metavar="D")] = None,
         chip_hours: Annotated[float | None, Opt("total accelerator-hours (instead of --chips and --hours)",
                                                 check=check_amount, metavar="CH")] = None,
         utilization: Annotated[float | None, Opt("model FLOP utilization (0-1), to report the run's FLOP",
                                                  check=check_fraction, metavar="U")] = None,
         pue: Annotated[float | None, Opt("power usage effectiveness (default 1.1, range 1.1-1.58)",
                                          check=check_pue, metavar="X")] = None,
         electricity: Annotated[float | None, Opt("electricity price in USD per kWh (default 0.0806)",
                                                  check=check_amount, metavar="USD")] = None,
         cloud_price: Annotated[float | None, Opt("cloud price per accelerator-hour", check=check_amount,
                                                  metavar="USD")] = None) -> CostEstimate:
    """Amortized hardware + energy and cloud-rental cost of a training run, with ranges.

    Cost of a model's training run (``model``, :func:`analysis.metrics.training_cost.model_cost`) or of a
    hypothetical run (``hardware`` with ``chips`` and ``hours``/``days``, or ``chip_hours``;
    :func:`~analysis.metrics.training_cost.run_cost`). None: the documented defaults (PUE, electricity price in USD
    per kWh, cloud price per accelerator-hour)."""
    hours = cost_run_hours(model, hardware, hours, days, utilization)
    extra = dict(pue=pue, electricity_usd_per_kwh=electricity, cloud_price_per_chip_hour=cloud_price)
    catalog = HardwareCatalog(hardware_table(sources.ml_hardware().frame), ds.hardware)
    if model is not None:
        if chips or hours or chip_hours:
            raise UsageError("--chips/--hours/--days/--chip-hours describe a hypothetical run; use them with "
                             "--hardware instead of MODEL_ID")
        return model_cost(ds.models, catalog, model, utilization=utilization, **extra)
    spec = catalog.spec(hardware)
    if spec is None:
        raise AnalysisError(f"--hardware: unknown accelerator {hardware!r} (use an id of data/hardware.csv "
                            "such as nvidia-h100, or an Epoch hardware name)")
    return run_cost(spec, chips=chips, hours=hours, chip_hours=chip_hours, utilization=utilization,
                    label=f"{spec.name} run", **extra)


@analysis("hardware", example={"groups": ("all",)})
def hardware(ds,
             metrics: Annotated[Sequence[str], Opt(f"a metric (repeatable; default: "
                                                   f"{', '.join(DEFAULT_HARDWARE_METRICS)})",
                                                   choices=tuple(HARDWARE_METRICS), flag="--metric",
                                                   action="append", metavar="METRIC")] = DEFAULT_HARDWARE_METRICS,
             groups: Annotated[Sequence[str], Opt(f"one of {', '.join(HARDWARE_GROUPS)} (repeatable; default: all, "
                                                  "ml, gpu, tpu)", choices=HARDWARE_GROUPS, flag="--group",
                                                  action="append", metavar="GROUP")] = ("all", "ml", "gpu", "tpu"),
             since: Annotated[object, Opt("first release date included (YYYY-MM-DD, YYYY-MM or YYYY)",
                                          check=check_start, metavar="DATE")] = None,
             until: Annotated[object, Opt("last release date included", check=check_until,
                                          metavar="DATE")] = None,
             vintage: Annotated[str | None, Opt("ML-hardware snapshot vintage (default: the newest)",
                                                metavar="DATE")] = None,
             confidence: Confidence = C.DEFAULT_CONFIDENCE,
             min_n: Annotated[int, Opt("skip a metric/group with fewer accelerators (at least 3; default 5)",
                                       check=check_min_n, metavar="N")] = 5) -> TableResult:
    """Trends of ML accelerators: peak FLOP/s per precision, FLOP/s per dollar and per watt.

    Growth per year of accelerator metrics per group (:func:`analysis.metrics.accelerators.hardware_trend_table`)
    on Epoch's ML-hardware snapshot of ``vintage`` (None: the newest; ``ds`` is not used). n = accelerators of the
    largest fit (the groups overlap), window = the widest span of the fits; the snapshot's credit, size and hash in
    ``settings``."""
    src = sources.ml_hardware(vintage)
    snap = src.snapshot
    hw = hardware_table(src.frame)
    table = hardware_trend_table(hw, list(metrics) or list(DEFAULT_HARDWARE_METRICS),
                                 list(groups) or ["all", "ml", "gpu", "tpu"], since=parse_date(since, "since"),
                                 until=parse_date(until, "until"), confidence=confidence, min_n=min_n)
    if table.empty:
        raise AnalysisError(f"no metric/group has at least {min_n} accelerators with a release date in the window")
    info = meta(int(table["n"].max()), table["start"].min(), table["end"].max(), "OLS t, HC3 errors", confidence)
    source = f"{snap.meta.get('credit', 'Epoch AI ML hardware')} (snapshot {snap.vintage}, {len(hw)} accelerators)"
    settings = {"confidence": confidence, "method": "OLS on log10, HC3 errors",
                "deflator": "US BLS CPI-U annual averages, 2023 USD", "source": source,
                "sha256": snap.meta.get("sha256_extract")}
    return TableResult(table=table, info=info, settings=settings, rows_key="trends")


@analysis("openness-score", example={"model_id": "llama-3-70b"}, lookup="one record of the openness table")
def openness_score(ds, model_id: Annotated[str | None, Opt("model id in data/openness.csv, e.g. llama-3.1-405b",
                                                           flag="", metavar="MODEL_ID")] = None
                   ) -> OpennessExplanation:
    """Explain a model's 14-dimension openness score.

    A model's openness index with its sub-scores, MOF class, OSAID screen and the evidence for each dimension
    (:func:`analysis.metrics.openness.explain_openness` on the openness table): n = 1 model, window = the
    assessment date."""
    if model_id is None:
        raise UsageError("openness-score: give model_id, e.g. 'llama-3.1-405b'")
    return explain_openness(ds.openness, model_id)


# --- who owns the compute (issue 27) ----------------------------------------------------------------------------

def _place_table(p) -> TableResult:
    table = pd.DataFrame([{**{k: v for k, v in p.to_dict().items() if k not in ("larger", "n", "window",
                                                                               "interval_kind", "confidence")},
                           "n_systems": p.n, "systems_larger": "; ".join(p.larger)}])
    return TableResult(table=table, info=p.meta, settings={"sentence": p.sentence()}, rows_key="place")


@analysis("clusters", example={"bootstrap": 100})
def clusters(ds,
             view: Annotated[str, Opt("trends (default: growth per year of the leading systems), leading (the "
                                      "systems), shares, hhi, runs (largest run vs largest cluster per year), place "
                                      "(rank of a cluster size)", choices=CLUSTER_VIEWS, flag="", nargs="?",
                                      metavar="VIEW")] = "trends",
             by: Annotated[str, Opt("shares/hhi: country (default), sector or owner",
                                    choices=("country", "sector", "owner"))] = "country",
             weight: Annotated[str, Opt("shares/hhi: weigh systems by H100-equivalents (default) or 16-bit OP/s "
                                        "(ops_16bit, Epoch's measure in its share insights)",
                                        choices=("h100e", "ops_16bit"))] = "h100e",
             certainty: Annotated[Sequence[str], Opt("certainty levels kept (repeatable; default Confirmed and "
                                                     "Likely, Epoch's standard analysis)",
                                                     choices=("Confirmed", "Likely", "Unlikely"), action="append",
                                                     metavar="LEVEL")] = ("Confirmed", "Likely"),
             dates: Annotated[Sequence[str], Opt("shares/hhi: a date to report (repeatable; default 1 January of "
                                                 "each year from 2019 and the snapshot's last date)", flag="--date",
                                                 check=check_date, action="append", metavar="DATE")] = (),
             rank: Annotated[str, Opt("trends/leading: top 10 by Epoch's rank when first operational (default) or "
                                      "a rank recomputed on the snapshot", choices=("epoch", "recomputed"))] = "epoch",
             size: Annotated[int, Opt(f"place: cluster size in chips (default {C.LLAMA3_CLUSTER_GPUS:,}, Llama 3's "
                                      "clusters)", check=check_count, metavar="CHIPS")] = C.LLAMA3_CLUSTER_GPUS,
             year: Annotated[int, Opt("place: systems operating in this year (default 2024)", check=check_count,
                                      metavar="YEAR")] = 2024,
             confidence: Confidence = C.DEFAULT_CONFIDENCE, bootstrap: Bootstrap = 1000, seed: Seed = 0,
             vintage: Annotated[str | None, Opt("GPU-clusters snapshot vintage (default: the pinned one, "
                                                "2025-12-17)", metavar="DATE")] = None) -> TableResult:
    """AI supercomputers: growth of the leading systems, who owns the compute (shares, HHI), runs vs clusters.

    Epoch AI's GPU clusters (snapshot ``vintage``): ``view`` = trends (:func:`analysis.metrics.ownership.
    leading_trends`), leading (the systems), shares / hhi (``by``, ``weight``, on ``dates``), runs (the models of
    ``ds`` against the clusters), place (rank of a cluster of ``size`` chips in ``year``). ``ds`` is used by
    ``runs`` only. The snapshot's credit line and hash are in ``settings['source']``."""
    levels = tuple(certainty) or ("Confirmed", "Likely")
    table = infra.clusters(vintage)
    when = list(dates) or None
    if view == "trends":
        res = ownership.leading_trends(table, certainty=levels, rank=rank, confidence=confidence, n_boot=bootstrap,
                                       seed=seed)
    elif view == "leading":
        res = ownership.leading_systems(table, certainty=levels, rank=rank)
    elif view == "shares":
        res = ownership.share_table(table, by, dates=when, weight=weight, certainty=levels, confidence=confidence,
                                    n_boot=bootstrap, seed=seed)
    elif view == "hhi":
        if by == "sector":
            raise UsageError("clusters hhi: --by owner or country (sector has two groups)")
        res = ownership.hhi_table(table, by, dates=when, weight=weight, certainty=levels, confidence=confidence,
                                  n_boot=bootstrap, seed=seed)
    elif view == "runs":
        res = ownership.runs_vs_clusters(ds.models, table, certainty=levels)
    else:
        res = _place_table(ownership.place_cluster(table, size, year=year, certainty=levels))
    res.settings["source"] = infra.source_line("gpu_clusters", vintage)
    return res


@analysis("datacenters")
def datacenters(ds,
                view: Annotated[str, Opt("crossings (default: when each site reaches 1 GW), capex (cost per GW), "
                                         "power (milestones per site), projection (crossings beside the run-power "
                                         "projection)", choices=("crossings", "capex", "power", "projection"),
                                         flag="", nargs="?", metavar="VIEW")] = "crossings",
                threshold_mw: Annotated[float, Opt("crossings: power threshold in MW (default 1000)",
                                                   check=check_amount, metavar="MW")] = C.GIGAWATT_MW,
                confidence: Confidence = C.DEFAULT_CONFIDENCE,
                vintage: Annotated[str | None, Opt("data-centers snapshot vintage (default: the pinned one, "
                                                   "2025-12-17)", metavar="DATE")] = None) -> TableResult:
    """Frontier data centers: 1 GW crossings, capital cost per GW, power per site, beside the run projection.

    Epoch AI's frontier data centers (snapshot ``vintage``; milestones after its access date are Epoch's
    projections): crossings of ``threshold_mw``, capital cost per GW, power per site, or the crossings beside the
    toolkit's run-power projection on the models of ``ds`` (``view="projection"``)."""
    snap = infra.snapshot("data_center_timelines", vintage)
    tl, as_of = infra.data_center_timelines(vintage), snap.meta["accessed"]
    if view == "capex":
        res = ownership.capex_per_gw(tl, as_of, confidence=confidence)
    elif view == "power":
        res = ownership.site_power(tl, as_of)
    else:
        res = ownership.gigawatt_crossings(tl, as_of, threshold_mw)
        if view == "projection":
            beside = ownership.beside_projection(res.table, run_infrastructure.projection_table(ds.models))
            res = TableResult(table=beside, info=res.info, settings=res.settings, rows_key="gigawatt")
    res.settings["source"] = infra.source_line("data_center_timelines", vintage)
    return res


@analysis("chips")
def chips(ds,
          view: Annotated[str, Opt("owners (default: holdings per owner), vendors, hyperscalers (share and growth), "
                                   "deliveries (growth of quarterly deliveries)",
                                   choices=("owners", "vendors", "hyperscalers", "deliveries"), flag="", nargs="?",
                                   metavar="VIEW")] = "owners",
          confidence: Confidence = C.DEFAULT_CONFIDENCE, seed: Seed = 0,
          vintage: Annotated[str | None, Opt("AI-chip exports vintage (default: the pinned one, 2026-04-22)",
                                             metavar="DATE")] = None) -> TableResult:
    """Installed stock of AI chips (H100e) by owner and vendor, the hyperscalers' share and growth.

    Epoch AI's AI-chip exports (snapshot ``vintage``; ``ds`` is not used): holdings per owner, stock per vendor,
    the hyperscalers' share and growth, or the growth of quarterly deliveries."""
    if view == "vendors":
        res = ownership.stock_by_vendor(infra.chip_stock(vintage))
    elif view == "deliveries":
        res = ownership.delivery_trends(infra.chip_stock(vintage), confidence=confidence)
    elif view == "hyperscalers":
        res = ownership.hyperscaler_share(infra.chip_owners(vintage), confidence=confidence, seed=seed)
    else:
        res = ownership.stock_by_owner(infra.chip_owners(vintage))
    credit = infra.CHIP_OWNERS_CREDIT if view in ("owners", "hyperscalers") else infra.CHIP_SALES_CREDIT
    res.settings["source"] = (f"{credit} (exports of {vintage or infra.CHIPS_VINTAGE}, "
                              "epoch-research/ai-chip-counts; Huawei not included)")
    return res
