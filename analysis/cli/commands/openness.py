"""Openness commands: ``openness``, ``openness-score``, ``lag``."""

from __future__ import annotations

import argparse
import math

from analysis.cli.args import (
    add_analysis_options,
    add_data_option,
    add_json_option,
    analysis_options,
    print_json,
)


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("openness", help="share of models released with open weights, with binomial intervals",
                       description="Share of notable (or frontier) models released with open weights per year "
                                   "(90% intervals that allow for organizations by default: Wilson at the effective "
                                   "n of the year's organization clusters; --method wilson for the binomial one). "
                                   "Open = the models' access column (Epoch AI accessibility; one rule for the "
                                   "toolkit); unknown access is excluded.")
    add_data_option(p)
    add_analysis_options(p, "openness")
    add_json_option(p)
    p.set_defaults(func=run_openness)

    p = sub.add_parser("openness-score", help="explain a model's 14-dimension openness score",
                       description="Openness index (open=1, partial=0.5, closed=0 over 14 dimensions; Liesenfeld et "
                                   "al. 2023 / European Open Source AI Index), sub-scores, MOF class and OSI OSAID "
                                   "screen (documented approximations), with evidence for each dimension.")
    add_data_option(p)
    add_analysis_options(p, "openness-score")
    add_json_option(p)
    p.set_defaults(func=run_openness_score)

    p = sub.add_parser("lag", help="how many months open-weights models trail closed ones",
                       description="For every level the closed frontier (running best score, or largest training "
                                   "run) reached, the months until the open-weights frontier reached it; the lag is "
                                   "the median over levels, levels not reached yet counted as censored (Kaplan-Meier). "
                                   "One declared evaluation setting per benchmark (MMLU 5-shot, GPQA Diamond 0-shot; "
                                   "--setting any mixes settings only on request); scores dated by model release "
                                   "(--date-by evaluation on request). Interval: calibrated percentile bootstrap over "
                                   "organizations, with the coverage it reached in simulation printed beside it. The "
                                   "crossings (months until each closed record was matched) are listed below it.")
    add_data_option(p)
    add_analysis_options(p, "lag")
    p.add_argument("--source", choices=("auto", "table", "hub"), default="auto",
                   help="benchmark scores from our benchmarks table or Epoch's Benchmarking Hub snapshot (eci and "
                        "every hub benchmark); auto = the table for mmlu and gpqa-diamond, the hub otherwise")
    add_json_option(p)
    p.set_defaults(func=run_lag)


def _fmt(x: float, nd: int = 1) -> str:
    if x is None or (isinstance(x, float) and math.isnan(x)):
        return "n/a"
    return "not reached" if math.isinf(x) else f"{x:.{nd}f}"


def _date(ts) -> str:
    return "n/a" if ts is None or ts != ts else ts.strftime("%Y-%m-%d")




def _measured_coverage(settings: dict) -> dict | None:
    """The interval's measured coverage (docs/methods.md) when it applies: a measured method at the 90% it was
    measured at."""
    from analysis.metrics.openness import SHARE_MEASURED_COVERAGE, coverage_at

    return coverage_at(SHARE_MEASURED_COVERAGE, settings["method"], settings["confidence"])


def _share_vintage_range(ds, args) -> list[dict] | None:
    """Per year: the same share on the default table built on each pinned Epoch vintage (default data, by year)."""
    if ds.spec != "default" or args.by != "year":
        return None
    import pandas as pd

    from analysis.data import sources
    from analysis.metrics import openness, vintages

    pinned = vintages.pinned_tables(sources.default_on_vintages(vintages.PINNED))
    rev = vintages.revision(pinned, lambda m: openness.open_share(m, by="year", subset=args.subset,
                                                                  top_k=args.top_k).table, "share", on="year")
    return [{"year": int(r["year"]), "low": None if pd.isna(r["vintage_low"]) else float(r["vintage_low"]),
             "high": None if pd.isna(r["vintage_high"]) else float(r["vintage_high"]),
             "values": {v: None if pd.isna(r[f"value_{v}"]) else float(r[f"value_{v}"]) for v in pinned}}
            for r in rev.to_dict("records")]


def run_openness(args: argparse.Namespace) -> int:
    from analysis.data.dataset import load
    from analysis.metrics.analyses import get

    ds = load(args.data)
    result = get("openness")(ds, **analysis_options(args, "openness"))
    res, settings = result.table, result.settings
    rows = [{**{k: v for k, v in r.items() if k not in ("share_low", "share_high")},
             "share_ci": [r["share_low"], r["share_high"]]} for r in res.to_dict(orient="records")]
    if args.json:
        print_json({"data": ds.label, "subset": args.subset, "by": args.by, "method": settings["method"],
                    "confidence": settings["confidence"], "n_models": int(res["n"].sum()) if args.by != "access"
                    else int(res.drop_duplicates("year")["n"].sum()),
                    "n_unknown_access": settings["n_unknown"], "n_no_date": settings["n_no_date"], "rows": rows,
                    "measured_coverage": _measured_coverage(settings),
                    "vintage_range": _share_vintage_range(ds, args),
                    **{k: v for k, v in result.meta.to_dict().items() if k != "confidence"}})
        return 0
    conf = int(round(100 * settings["confidence"]))
    print(f"Open-weights share of {args.subset} models ({ds.label}); {conf}% intervals: {result.meta.interval_kind}")
    if cov := _measured_coverage(settings):
        print(f"measured coverage (simulation): {cov['independent'][0]:.2f}-{cov['independent'][1]:.2f} if models were "
              f"independent, {cov['organization-dependent'][0]:.2f}-{cov['organization-dependent'][1]:.2f} where an "
              "organization's releases are alike, as in these data (docs/methods.md)")
    label = {"year": None, "org": "org type", "country": "country", "access": "access"}[args.by]
    head = "year" + (f"  {label:<28}" if label else "") + "     n   open   share   interval          orgs  n_eff"
    print(head)
    for r in res.to_dict(orient="records"):
        grp = f"  {str(r['group'])[:28]:<28}" if label else ""
        ci = f"[{100 * r['share_low']:.1f}%, {100 * r['share_high']:.1f}%]"
        print(f"{r['year']}{grp} {r['n']:5d} {r['k']:6d}  {100 * r['share']:5.1f}%  {ci:<16} {r['n_orgs']:5d} "
              f"{r['n_eff']:6.1f}")
    print(f"excluded: {settings['n_unknown']} model(s) with unknown access, {settings['n_no_date']} without a date")
    return 0


def run_openness_score(args: argparse.Namespace) -> int:
    from analysis.data.dataset import load
    from analysis.metrics.analyses import get

    ds = load(args.data)
    ex = get("openness-score")(ds, **analysis_options(args, "openness-score"))
    if args.json:
        print_json(ex.to_dict())
        return 0
    print(ex.summary())
    src = f"assessed by {ex.assessed_by or 'n/a'} on {_date(ex.assessed_date)}; licence type {ex.license_type or 'n/a'}"
    print(src)
    for r in ex.components.to_dict(orient="records"):
        pts = "  - " if r["code"] is None else f"{r['points']:4.1f}"
        print(f"  {r['group']:<13} {r['dimension']:<18} {str(r['code']):<8} {pts}  {r['evidence'] or ''}")
        if r["note"]:
            print(f"  {'':<13} {'':<18} {'':<8}       {r['note']}")
    for cls, unmet in ex.mof.unmet.items():
        if unmet:
            print(f"MOF class {cls} not met: {', '.join(unmet)}")
    return 0


def run_lag(args: argparse.Namespace) -> int:
    from analysis.data.dataset import load
    from analysis.metrics.analyses import get

    since, until = args.since, args.until
    ds = load(args.data)
    args.benchmark = _known_benchmark(args.benchmark, ds) if args.metric == "score" else args.benchmark
    hub = _hub_lag(args, ds, since, until)
    if hub is not None:
        res, label = hub
        ds = type(ds)(**{**ds.__dict__, "spec": label})
    else:
        res = get("lag")(ds, **analysis_options(args, "lag"))
    models = ("models: one row per model (dated versions once; the overlay's additions, if any, left out)"
              + (f", domain {args.domain} ({'listed among others' if args.domain_rule == 'any' else 'only'})"
                 if args.domain else "") if res.metric == "compute" else None)
    if args.json:
        print_json({"data": ds.label, **res.to_dict(),
                    **({"models": models, "domain": args.domain, "domain_rule": args.domain_rule}
                       if res.metric == "compute" else {})})
        return 0
    what = (f"benchmark {res.benchmark}, setting {res.setting}, scores dated by {res.date_basis}"
            if res.metric == "score" else "training compute")
    from analysis.reporting.figures import pow10

    level = (lambda v: f"{v:.1f}") if res.metric == "score" else (lambda v: pow10(v, 3))  # FLOP as 3.8×10²⁵, no e+25
    ci = int(round(100 * res.ci_level))
    cov = f"{res.coverage[0]:.2f}-{res.coverage[1]:.2f}"
    print(f"Open-weights lag behind closed models on {what} (top-{res.top_k}; {ds.label})")
    print(f"median lag over levels: {_fmt(res.median_lag_months)} months, interval [{_fmt(res.lag_months_ci[0])}, "
          f"{_fmt(res.lag_months_ci[1])}] at nominal {ci}%, coverage {cov} measured in simulation ({res.n_clusters} "
          f"{res.cluster_by} clusters, calibrated bootstrap); {res.share_censored_levels:.0%} of levels not yet "
          f"reached; n={res.n} models, window {_date(res.window[0])} to {_date(res.window[1])}")
    print(f"closed records: {len(res.crossings)}; {res.n_matched} matched (median {_fmt(res.matched_median_lag_months)}"
          f" months), {res.n_censored} not yet (Kaplan-Meier median over all records "
          f"{_fmt(res.km_median_lag_months)} months):")
    for r in res.matched.to_dict(orient="records"):
        print(f"  {_date(r['closed_date'])} {r['closed_model']:<28} {level(r['level']):>9}  -> "
              f"{_date(r['open_date'])} {r['open_model']:<28} {r['lag_months']:6.1f} months")
    for r in res.censored.to_dict(orient="records"):
        print(f"  {_date(r['closed_date'])} {r['closed_model']:<28} {level(r['level']):>9}  -> not reached "
              f"yet (>{r['censored_months']:.1f} months)")
    for n in res.notes:
        print(f"note: {n}")
    if models:
        print(f"note: {models}")
    return 0


# Benchmarks our benchmarks table carries (docs/data.md): `--source auto` reads them from the table, every other
# Benchmarking Hub benchmark (eci, frontiermath, swe-bench-verified, ...) from the hub snapshot.
TABLE_BENCHMARKS = ("mmlu", "gpqa-diamond")


def _known_benchmark(name: str, ds) -> str:
    """``--benchmark`` in any case (MMLU, ECI); a one-line error listing every benchmark there is (the table's
    and the Benchmarking Hub's, eci included) when it names none."""
    from analysis.data import benchmark_hub as bh
    from analysis.errors import UsageError

    table = {str(b) for b in ds.benchmarks["benchmark"].dropna()}
    wanted = str(name).strip()
    for known in sorted(table | set(bh.BENCHMARKS)):
        if known.lower() == wanted.lower():
            return known
    raise UsageError(f"--benchmark {name!r}: no such benchmark; in the benchmarks table: {', '.join(sorted(table))}; "
                     f"in the Benchmarking Hub (--source hub): {', '.join(sorted(bh.BENCHMARKS))}")


def _hub_lag(args: argparse.Namespace, ds, since, until):
    """The lag on a Benchmarking Hub benchmark (same lag function), or None when the table is to be used."""
    from dataclasses import replace

    from analysis.data import benchmark_hub as bh
    from analysis.errors import UsageError
    from analysis.metrics.openness import in_window, open_closed_lag

    source = getattr(args, "source", "auto")
    if args.metric != "score" or source == "table":
        return None
    if source == "auto" and (args.benchmark in TABLE_BENCHMARKS or args.benchmark not in bh.BENCHMARKS):
        return None
    if args.benchmark not in bh.BENCHMARKS:
        raise UsageError(f"--benchmark {args.benchmark!r} is not in the Benchmarking Hub; hub benchmarks: "
                         f"{', '.join(sorted(bh.BENCHMARKS))}")
    setting = args.setting if args.setting is not None else "default"
    hub = bh.load_hub(benchmarks=[args.benchmark])
    e = in_window(bh.lag_entries(hub, args.benchmark, setting), since, until)
    res = open_closed_lag(e, metric="score", benchmark=args.benchmark, top_k=args.top_k, seed=args.seed,
                          as_of=until, confidence=args.confidence)
    label = bh.setting_label(args.benchmark, setting)
    notes = res.notes + ("scores dated by the release of the model version that earned them",)
    res = replace(res, setting=label, date_basis="version release date", notes=notes)
    return res, f"Epoch AI Benchmarking Hub {bh.HUB_VINTAGE}"
