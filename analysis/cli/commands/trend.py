"""``frontier-atlas trend METRIC`` (log-linear growth with an interval) and ``frontier-atlas thresholds``."""

from __future__ import annotations

import argparse

from analysis.cli.args import (
    add_analysis_options,
    add_data_option,
    add_json_option,
    analysis_options,
    defer,
    print_json,
)


def register(sub: argparse._SubParsersAction) -> None:
    defer(sub.add_parser("trend", help="growth per year and doubling time of a metric, with a confidence interval"),
          _trend_options)
    t = sub.add_parser(
        "thresholds", help="models per year above 10²³, 10²⁴, 10²⁵ and 10²⁶ FLOP, and by organization",
        description="Count models whose training compute is greater than each threshold (EU AI Act: 10²⁵; US EO "
                    "14110: 10²⁶), per release year and per organization. Models without a compute estimate are "
                    "counted separately: the counts are lower bounds.")
    add_data_option(t)
    add_analysis_options(t, "thresholds")
    add_json_option(t)
    t.set_defaults(func=run_thresholds)


def _trend_options(p) -> None:
    from analysis.metrics.trends import METRICS  # imports pandas: only when the command is used

    p.description = ("Fit log10(METRIC) against release date (OLS; CR2 errors clustered by parent organization and "
                     "release year with Bell-McCaffrey df, or a bootstrap) and report the "
                     "growth factor per year, the doubling time, their confidence intervals, n and the window. "
                     f"METRIC: {', '.join(METRICS)}. Models: Epoch AI's notable models with our corrections, one row "
                     "per model (dated versions of a model count once; overlay additions are left out). Frontier = "
                     "top-k by training compute among all models released up to each model's release date (Epoch "
                     "AI's definition, k=10; AlphaGo Master and Zero are left out of the ranking, as in Sevilla & "
                     "Roldan 2024). --domain language = models listing language among their domains (multimodal "
                     "included; --domain-rule only for language-only models).")
    add_data_option(p)
    add_analysis_options(p, "trend")
    p.add_argument("--sensitivity", action="store_true",
                   help="compute only: the frontier trend under each robustness choice (top-k 5/10/20 x start "
                        "2010/2015/2018, without the AlphaGo Master/Zero exclusions, and on each pinned Epoch data "
                        "vintage), one row each with its interval and n; --top-k, --since and --exclude set the "
                        "baseline")
    add_json_option(p)
    p.set_defaults(func=run)


def _since_note(since, default) -> str | None:
    """What the window's start means: the documented default, the whole record, or nothing (a date given)."""
    from analysis import constants as C

    if since == "all":
        return "whole record (--since all): the fit spans every era in the data"
    if since == default:
        return (f"window starts {C.TREND_DEFAULT_SINCE} by default, the {C.TREND_DEFAULT_SINCE_SOURCE}; "
                "pass --since DATE or --since all to change it")
    return None


def run(args: argparse.Namespace) -> int:
    from analysis.data.dataset import load
    from analysis.errors import UsageError
    from analysis.metrics.analyses import get
    from analysis.metrics.trends import METRICS

    trend = get("trend")
    opts = analysis_options(args, "trend")
    since_note = _since_note(opts["since"], trend.param("since").check_one(trend.param("since").default))
    since = None if opts["since"] == "all" else opts["since"]
    if since is not None and opts["until"] is not None and since > opts["until"]:
        raise UsageError(f"--since {since:%Y-%m-%d} is after --until {opts['until']:%Y-%m-%d}")
    if opts["cluster"] and opts["bootstrap"] is None:
        raise UsageError("--cluster needs --bootstrap N")

    ds = load(args.data)
    column, _ = METRICS[args.metric]
    if args.sensitivity:
        method = "analytic" if opts["bootstrap"] is None else "cluster-bootstrap" if opts["cluster"] else "bootstrap"
        return _run_sensitivity(args, ds, column, top_k=opts["top_k"], since=since, until=opts["until"],
                                confidence=opts["confidence"], method=method, n_boot=opts["bootstrap"] or 1000,
                                seed=opts["seed"])
    from analysis.metrics.entries import exclusions
    from analysis.metrics.selection import frontier_exclusions

    exclude = exclusions(args.exclude)
    fit = trend(ds, **opts)
    top_k = opts["top_k"]
    excluded = list(frontier_exclusions(exclude)) if exclude is not None or args.subset == "frontier" else []
    if args.json:
        out = fit.to_dict()
        out.update({"metric": args.metric, "column": column, "subset": args.subset, "subset_label": fit.subset,
                    "domain": args.domain, "domain_rule": args.domain_rule if args.domain else None,
                    "top_k": top_k if args.subset == "frontier" else None,
                    "excluded": excluded, "versions": "first release of each model", "data": ds.label,
                    "since": None if since is None else since.strftime("%Y-%m-%d"), "since_note": since_note})
        out["vintage_range"] = _vintage_range(ds, column, args, since=since, until=opts["until"], top_k=top_k,
                                              exclude=exclude, confidence=opts["confidence"])
        print_json(out)
    else:
        from analysis.reporting.figures import no_e_notation

        print(no_e_notation(fit.sentence()))
        if since_note:
            print(f"note: {no_e_notation(str(since_note))}")
        if fit.notes:
            for note in fit.notes:
                print(f"note: {no_e_notation(str(note))}")
        if excluded:
            print(f"note: excluded {', '.join(excluded)}"
                  + (" (the frontier's default outliers; --exclude none to keep them)" if exclude is None else ""))
        dropped = fit.n_missing_date + fit.n_missing_value + fit.n_nonpositive
        if dropped:
            print(f"note: left out {fit.n_missing_value} model(s) of the window without {column}, "
                  f"{fit.n_missing_date} without a release date, {fit.n_nonpositive} with a non-positive value.")
        print(f"source: {ds.label}")
    return 0


def _vintage_range(ds, column: str, args, **kw) -> dict | None:
    """The same fit on the default table built on each pinned Epoch vintage, over the window both cover (default
    data only; analysis.metrics.vintages.trend_revision)."""
    if ds.spec != "default":
        return None
    from analysis.data import sources
    from analysis.metrics import vintages

    pinned = vintages.pinned_tables(sources.default_on_vintages(vintages.PINNED))
    return vintages.trend_revision(pinned, metric=column, subset=args.subset, domain=args.domain,
                                   domain_rule=args.domain_rule, **kw)


def _run_sensitivity(args, ds, column: str, *, top_k: int, since, until, confidence: float, method: str,
                     n_boot: int, seed: int) -> int:
    import pandas as pd

    from analysis import constants as C
    from analysis.data import sources
    from analysis.errors import UsageError
    from analysis.metrics.sensitivity import VINTAGES, sensitivity_table
    from analysis.reporting.figures import no_e_notation

    if args.metric != "compute":
        raise UsageError("--sensitivity is defined for the compute trend only (trend compute --sensitivity)")
    if args.subset not in ("notable", "frontier") or args.domain:
        raise UsageError("--sensitivity varies the frontier definition itself; drop --subset/--domain")
    from analysis.metrics.entries import exclusions
    from analysis.metrics.selection import frontier_exclusions

    exclude = frontier_exclusions(exclusions(args.exclude))
    since_s = (since or pd.Timestamp(C.TREND_DEFAULT_SINCE)).strftime("%Y-%m-%d")
    table = sensitivity_table(ds.models, data_label=ds.label, metric=column, baseline_top_k=top_k,
                              baseline_since=since_s, exclude=exclude, until=until, confidence=confidence,
                              method=method, n_boot=n_boot, seed=seed,
                              vintages=sources.notable_vintages(VINTAGES))
    if args.json:
        rows = []
        for r in table.to_dict(orient="records"):
            def num(v):
                return None if v is None or pd.isna(v) or v in (float("inf"), float("-inf")) else float(v)
            rows.append({"varied": r["varied"], "data": r["data"], "top_k": int(r["top_k"]), "since": r["since"],
                         "until": r["until"], "exclusions": r["exclusions"], "n": int(r["n"]),
                         "window": [r["start"] if isinstance(r["start"], str) else None,
                                    r["end"] if isinstance(r["end"], str) else None],
                         "growth_per_year": num(r["growth_per_year"]),
                         "growth_per_year_ci": [num(r["growth_low"]), num(r["growth_high"])],
                         "doubling_months": num(r["doubling_months"]),
                         "doubling_months_ci": [num(r["doubling_low"]), num(r["doubling_high"])],
                         "note": r["note"] or ""})
        print_json({"metric": args.metric, "subset": "frontier", "confidence": confidence, "method": method,
                    "baseline": {"top_k": top_k, "since": since_s, "exclusions": list(exclude)},
                    "rows": rows, "data": ds.label})
        return 0
    pct = f"{confidence:.0%}"
    print(f"Sensitivity of the frontier training-compute trend (baseline: top {top_k} at release, since {since_s}, "
          f"excluding {', '.join(exclude)}; {pct} CI, {method}):")
    print(f"  {'varied':28s} {'n':>4s}  {'window':23s}  growth/yr ({pct} CI)      doubling, months")
    for r in table.itertuples():
        if not r.n:
            print(f"  {r.varied:28s} {0:>4d}  no fit: {no_e_notation(str(r.note))}")
            continue
        print(f"  {r.varied:28s} {r.n:>4d}  {r.start} to {r.end}  {r.growth_per_year:4.2f}x ({r.growth_low:.2f}-"
              f"{r.growth_high:.2f})     {r.doubling_months:.1f} ({r.doubling_low:.1f}-{r.doubling_high:.1f})")
    print(f"source: {ds.label}; vintage rows: Epoch AI notable-models snapshots in data/upstream (no overlay)")
    return 0


def run_thresholds(args: argparse.Namespace) -> int:
    from analysis import constants as C
    from analysis.data.dataset import load
    from analysis.errors import AnalysisError
    from analysis.metrics.analyses import get
    from analysis.reporting.figures import pow10

    ds = load(args.data)
    m = ds.models
    if m.empty or m["training_compute_flop"].notna().sum() == 0:
        raise AnalysisError(f"no models with a training compute estimate in {ds.label}")
    result = get("thresholds")(ds, **analysis_options(args, "thresholds"))
    by_year, by_org = result.table, result.settings["by_organization"]
    rel = ">=" if args.inclusive else ">"
    if args.json:
        print_json({
            "thresholds": list(C.THRESHOLDS_FLOP),
            "comparison": rel,
            "inclusive": bool(args.inclusive),
            "eu_ai_act_flop": C.EU_AI_ACT_SYSTEMIC_RISK_FLOP,
            "us_eo_14110_flop": C.US_EO_14110_REPORTING_FLOP,
            "by_year": by_year.to_dict(orient="records"),
            "by_organization": by_org.to_dict(orient="records"),
            "totals": {f"{t:.0e}": int(by_year.loc[by_year.threshold == t, "n_models"].sum())
                       for t in C.THRESHOLDS_FLOP},
            "note": "counts cover models with a compute estimate; n_unknown_compute models per year may also exceed "
                    "a threshold, so counts are lower bounds; one row per model (dated versions once), organizations "
                    "as parent families",
            "data": ds.label,
            **result.meta.to_dict(),
        })
        return 0
    wide = by_year.pivot(index="year", columns="threshold", values="n_models")
    unknown = by_year.drop_duplicates("year").set_index("year")["n_unknown_compute"]
    wide = wide[(wide.sum(axis=1) > 0)]
    heads = [f"{rel}{pow10(t)}" for t in wide.columns]
    print(f"Models per release year with training compute {rel} threshold (FLOP)")
    print("year  " + "  ".join(f"{h:>8}" for h in heads) + "  no-estimate")
    partial = set(by_year.loc[by_year["partial"], "year"])
    for year, row in wide.iterrows():
        print(f"{year}  " + "  ".join(f"{int(v):>8}" for v in row) + f"  {int(unknown[year]):>11}"
              + ("  (partial year: the data end before 31 December)" if year in partial else ""))
    tot = by_year.groupby("threshold")["n_models"].sum()
    print("total " + "  ".join(f"{int(tot[t]):>8}" for t in wide.columns))
    print()
    print(f"By organization, as parent families (EU AI Act {pow10(C.EU_AI_ACT_SYSTEMIC_RISK_FLOP)}, US EO 14110 "
          f"{pow10(C.US_EO_14110_REPORTING_FLOP)}):")
    for t in C.THRESHOLDS_FLOP:
        part = by_org[by_org.threshold == t]
        if part.empty:
            print(f"  {rel}{pow10(t)}: none")
            continue
        items = ", ".join(f"{r.organization} {r.n_models}" for r in part.head(10).itertuples())
        more = f", +{len(part) - 10} more" if len(part) > 10 else ""
        print(f"  {rel}{pow10(t)}: {items}{more}")
    print("note: only models with a compute estimate are counted (lower bounds); one row per model (dated versions "
          "once; the overlay's additions, if any, left out).")
    print(f"source: {ds.label}")
    return 0
