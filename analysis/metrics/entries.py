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
    HardwareCatalog,
    hardware_table,
    hardware_trend_table,
)
from analysis.metrics.analyses import cost_run_hours
from analysis.metrics.capabilities import GapResult, eci_gap
from analysis.metrics.openness import (
    LagResult,
    OpennessExplanation,
    capability_lag,
    compute_lag,
    explain_openness,
    open_share,
)
from analysis.metrics.result import TableResult, meta, span
from analysis.metrics.selection import select
from analysis.metrics.training_cost import CostEstimate, model_cost, run_cost
from analysis.metrics.trends import (
    TrendFit,
    metric_column,
    parse_date,
    subset_trend,
    threshold_counts,
    threshold_counts_by_organization,
)
from analysis.metrics.utilization import mfu_reports


def trend(ds, metric: str = "compute", subset: str = "notable", domain: str | None = None, domain_rule: str = "any",
          top_k: int = C.FRONTIER_TOP_K, since: object = C.TREND_DEFAULT_SINCE, until: object = None,
          confidence: float = C.DEFAULT_CONFIDENCE, bootstrap: int | None = None, cluster: bool = False,
          seed: int = 0, exclude: Sequence[str] | None = None) -> TrendFit:
    """Log-linear trend of a metric on a subset: ``since="all"`` (or None) fits the whole record; ``bootstrap``
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


def lag(ds, benchmark: str = "mmlu", setting: str | None = None, date_by: str = "release",
        confidence: float = C.DEFAULT_CONFIDENCE, metric: str = "score", top_k: int = 1, domain: str | None = None,
        domain_rule: str = "any", since: object = None, until: object = None, seed: int = 0) -> LagResult:
    """Open-vs-closed lag on a benchmark of the benchmarks table (``metric="score"``) or in training compute."""
    since, until = parse_date(since, "since"), parse_date(until, "until")
    if metric == "score":
        return capability_lag(ds.benchmarks, ds.models, benchmark=benchmark, setting=setting, openness=ds.openness,
                              top_k=top_k, since=since, until=until, seed=seed, confidence=confidence,
                              date_by=date_by)
    return compute_lag(ds.models, top_k=top_k, domain=domain, domain_rule=domain_rule, since=since, until=until,
                       seed=seed, confidence=confidence)


def concentration(ds, subset: str = "notable", by: str = "organization", top_k: int = C.FRONTIER_TOP_K,
                  confidence: float = C.DEFAULT_CONFIDENCE, bootstrap: int = 1000, seed: int = 0,
                  organizations: str = "harmonized", window_years: int = 1) -> TableResult:
    """Per-year HHI of notable or frontier models (:func:`analysis.metrics.competition.concentration`, a table
    result: n = dated models of the subset, window = first and last year)."""
    return competition.concentration(ds.models, by=by, subset=subset, seed=seed, top_k=top_k, confidence=confidence,
                                     n_boot=bootstrap, harmonize=organizations == "harmonized",
                                     window_years=int(window_years))


def data_wall(ds, subsets: Sequence[str] = scaling.DATA_WALL_SUBSETS, since: object = C.DATA_WALL_SINCE,
              confidence: float = C.DEFAULT_CONFIDENCE) -> TableResult:
    """Year training sets reach the stock of public text, one row per subset
    (:func:`analysis.metrics.scaling.data_wall_table`; a subset that cannot be projected has empty numbers and the
    reason in ``note``). n = models of the largest subset (the subsets overlap), window = their widest span."""
    table = scaling.data_wall_table(ds.models, tuple(dict.fromkeys(subsets)), since=parse_date(since, "since"),
                                    confidence=confidence)
    starts, ends = table["start"].dropna(), table["end"].dropna()
    info = meta(int(table["n"].max()), starts.min() if len(starts) else None, ends.max() if len(ends) else None,
                scaling.DATA_WALL_INTERVAL_KIND, confidence)
    return TableResult(table=table, info=info, settings={"stock_tokens": C.VILLALOBOS_2024_STOCK_TOKENS},
                       rows_key="subsets")


def capabilities(ds, by: str = "open", since: object = None, until: object = None, vintage: str | None = None,
                 confidence: float = C.DEFAULT_CONFIDENCE, bootstrap: int = 1000, seed: int = 0,
                 tolerance: float = 0.0) -> GapResult:
    """ECI gap, open vs closed or US vs China, from a pinned Benchmarking Hub snapshot (``ds`` is not used: the hub
    carries its own models): Epoch AI's average gap and our median lag over levels, scores dated by the version
    that earned them (:func:`analysis.metrics.capabilities.eci_gap`)."""
    hub = bh.load_hub(vintage or bh.HUB_VINTAGE, benchmarks=["eci"])
    return eci_gap(bh.version_steps(hub, "eci"), by=by, since=None if since is None else pd.Timestamp(since),
                   until=None if until is None else pd.Timestamp(until), n_boot=bootstrap, seed=seed,
                   confidence=confidence, tolerance_points=tolerance)


def openness(ds, by: str = "year", subset: str = "notable", method: str = "wilson", top_k: int = C.FRONTIER_TOP_K,
             confidence: float = C.DEFAULT_CONFIDENCE) -> TableResult:
    """Open-weights share per year, organization type, country or access category
    (:func:`analysis.metrics.openness.open_share`): n = models with known access, window = first and last year."""
    return open_share(ds.models, by=by, subset=subset, method=method, top_k=top_k, confidence=confidence)


def thresholds(ds, inclusive: bool = False) -> TableResult:
    """Models per release year above each compute threshold (:data:`analysis.constants.THRESHOLDS_FLOP`), with the
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


def spillovers(ds, by: str = "year", seed: int = 0) -> TableResult:
    """Notable models built on open or closed base models per year or base family
    (:func:`analysis.metrics.spillovers.spillover_counts`), with the time from a base's release to its first
    derivative in ``settings``: n = derivatives, window = their first and last release date."""
    deriv = sp.derivatives(ds.models)
    counts = sp.spillover_counts(deriv, by=by)
    ttd = sp.time_to_first_derivative(deriv, seed=seed)
    dates = deriv["derivative_date"].dropna()
    info = meta(int(deriv["derivative"].nunique()), *span(dates),
                f"Wilson score (share outside the base's developer); {ttd.meta.interval_kind} (time to first "
                "derivative)", counts.settings["level"])
    settings = {"n_derivatives": int(deriv["derivative"].nunique()), "n_pairs": len(deriv),
                "n_bases_matched": int((deriv["base_match"] != "unmatched").sum()), **counts.settings,
                "time_to_first_derivative": ttd}
    return TableResult(table=counts.table, info=info, settings=settings)


def data_needed(ds, compute: float | None = None, params: float | None = None, target_loss: float | None = None,
                approach: str = scaling.DEFAULT_APPROACH, confidence: float | None = None,
                seed: int = 0) -> scaling.Allocation:
    """Compute-optimal allocation for a budget (``compute``), compute-optimal data for a size (``params``), the
    cheapest model reaching a loss (``target_loss``), or the data a size needs to reach it (both); ``ds`` is not
    used (the scaling laws are published fits). ``confidence`` None: the default level."""
    kw = {"seed": seed} if confidence is None else {"seed": seed, "confidence": confidence}
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


def compute(ds, model_id: str | None = None, utilization: float | None = None, precision: str = "bf16",
            price: float | None = None, pue: float | None = None, training_days: float | None = None
            ) -> cm.ModelCompute:
    """A model's training compute by each available method, implied utilization, cost and energy
    (:func:`analysis.metrics.compute.model_compute`; ``price`` in USD per GPU-hour, None: the cited price of its
    accelerator; ``pue`` None: the energy model's default and range, as `cost`)."""
    if model_id is None:
        raise UsageError("compute: give model_id, e.g. 'llama-3-8b'")
    return cm.model_compute(ds.models, ds.hardware, model_id, utilization=utilization, precision=precision,
                            price_per_gpu_hour=price, pue=pue,
                            training_days=training_days, mfu_reports=mfu_reports(sources.mfu_reports()))


def cost(ds, model: str | None = None, hardware: str | None = None, chips: float | None = None,
         hours: float | None = None, days: float | None = None, chip_hours: float | None = None,
         utilization: float | None = None, pue: float | None = None, electricity: float | None = None,
         cloud_price: float | None = None) -> CostEstimate:
    """Cost of a model's training run (``model``, :func:`analysis.metrics.training_cost.model_cost`) or of a
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


def hardware(ds, metrics: Sequence[str] = DEFAULT_HARDWARE_METRICS, groups: Sequence[str] = ("all", "ml", "gpu", "tpu"),
             since: object = None, until: object = None, vintage: str | None = None,
             confidence: float = C.DEFAULT_CONFIDENCE, min_n: int = 5) -> TableResult:
    """Growth per year of accelerator metrics per group (:func:`analysis.metrics.accelerators.hardware_trend_table`)
    on Epoch's ML-hardware snapshot of ``vintage`` (None: the newest; ``ds`` is not used). Empty ``metrics`` or
    ``groups``: the defaults. n = accelerators of the largest fit (the groups overlap), window = the widest span of
    the fits; the snapshot's credit, size and hash in ``settings``."""
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


def openness_score(ds, model_id: str | None = None) -> OpennessExplanation:
    """A model's openness index with its sub-scores, MOF class, OSAID screen and the evidence for each dimension
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


def clusters(ds, view: str = "trends", by: str = "country", weight: str = "h100e",
             certainty: Sequence[str] = ("Confirmed", "Likely"), dates: Sequence[str] = (), rank: str = "epoch",
             size: int = C.LLAMA3_CLUSTER_GPUS, year: int = 2024, confidence: float = C.DEFAULT_CONFIDENCE,
             bootstrap: int = 1000, seed: int = 0, vintage: str | None = None) -> TableResult:
    """Epoch AI's GPU clusters (snapshot ``vintage``): ``view`` = trends (:func:`analysis.metrics.ownership.
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


def datacenters(ds, view: str = "crossings", threshold_mw: float = C.GIGAWATT_MW,
                confidence: float = C.DEFAULT_CONFIDENCE, vintage: str | None = None) -> TableResult:
    """Epoch AI's frontier data centers (snapshot ``vintage``; milestones after its access date are Epoch's
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


def chips(ds, view: str = "owners", confidence: float = C.DEFAULT_CONFIDENCE, seed: int = 0,
          vintage: str | None = None) -> TableResult:
    """Epoch AI's AI-chip exports (snapshot ``vintage``; ``ds`` is not used): holdings per owner, stock per vendor,
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
