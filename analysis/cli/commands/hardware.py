"""``frontier-atlas hardware``: growth of accelerator performance, price-performance and energy efficiency."""

from __future__ import annotations

import argparse

from analysis.cli.args import add_analysis_options, add_json_option, analysis_options, defer, print_json


def register(sub: argparse._SubParsersAction) -> None:
    defer(sub.add_parser("hardware", help="trends of ML accelerators: peak FLOP/s per precision, FLOP/s per dollar "
                                          "and per watt"), _options)


def _options(p) -> None:
    from analysis.metrics.accelerators import HARDWARE_METRICS  # imports pandas: only when the command is used

    p.description = (
        "Fit log10(metric) against release date for the accelerators of Epoch AI's ML-hardware snapshot (OLS, HC3 "
        "errors) and report growth per year and doubling time (years) with confidence intervals, n and window, per "
        "metric and accelerator group. Prices are release prices deflated to 2023 USD with the US BLS CPI-U; "
        f"per-watt figures use the chip's TDP. METRIC: {', '.join(HARDWARE_METRICS)}. GROUP: all, ml (used to "
        "train a model in Epoch's data), gpu, tpu, other, ml-gpu.")
    add_analysis_options(p, "hardware")
    add_json_option(p)
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    from analysis.errors import UsageError
    from analysis.metrics.analyses import get

    opts = analysis_options(args, "hardware")
    since, until, confidence = opts["since"], opts["until"], opts["confidence"]
    if since is not None and until is not None and since > until:
        raise UsageError(f"--since {since:%Y-%m-%d} is after --until {until:%Y-%m-%d}")
    result = get("hardware")(None, **opts)
    table, settings = result.table, result.settings
    source = settings["source"]
    if args.json:
        rows = []
        for r in table.itertuples():
            rows.append({"metric": r.metric, "group": r.group, "unit": r.unit, "n": int(r.n),
                         "window": [r.start, r.end], "growth_per_year": r.growth_per_year,
                         "growth_per_year_ci": [r.growth_low, r.growth_high], "doubling_years": r.doubling_years,
                         "doubling_years_ci": [r.doubling_years_low, r.doubling_years_high],
                         "slope_oom_per_year": r.slope_oom_per_year,
                         "slope_oom_per_year_ci": [r.slope_low, r.slope_high], "r2": r.r2})
        # n: accelerators of the largest fit (the groups overlap); window: the widest span of the fits
        print_json({"confidence": confidence, "method": settings["method"], "trends": rows,
                    "deflator": settings["deflator"], "source": source, "sha256": settings["sha256"],
                    **result.meta.to_dict()})
        return 0
    pct = f"{confidence:.0%}"
    print(f"ML accelerators: growth per year and doubling time ({pct} CI), OLS on log10 with HC3 errors")
    print(f"{'metric':<24}{'group':<8}{'n':>4}  {'window':<23}{'growth/yr':>10}  {pct + ' CI':<15}{'doubling':>9}  "
          f"{pct + ' CI (years)'}")
    for r in table.itertuples():
        hi = f"{r.doubling_years_high:.2f}" if r.doubling_years_high != float("inf") else "unbounded"
        win = f"{r.start:%Y-%m-%d}..{r.end:%Y-%m-%d}"
        print(f"{r.metric:<24}{r.group:<8}{r.n:>4}  {win:<23}{r.growth_per_year:>9.2f}x  "
              f"{r.growth_low:.2f}-{r.growth_high:.2f}x{'':<4}{r.doubling_years:>8.2f}y  {r.doubling_years_low:.2f}-{hi}")
    print("note: per-dollar = dense peak / release price in 2023 USD (CPI-U); per-watt = dense peak / TDP.")
    print(f"source: {source}")
    return 0
