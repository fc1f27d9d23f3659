"""Capabilities command: ``capabilities`` (ECI frontier gap open vs closed or US vs China, from the Benchmarking Hub)."""

from __future__ import annotations

import argparse
import math

from analysis.cli.args import add_analysis_options, add_json_option, analysis_options, print_json


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("capabilities", help="gap between open and closed (or US and Chinese) models on Epoch's ECI",
                       description="How far open-weights (or Chinese) models trail on the Epoch Capabilities "
                                   "Index, two ways: Epoch AI's average gap (each day, how far and since when the state "
                                   "of the art has stood above the best open model; averaged over the window, in "
                                   "points and months) and our median lag over levels (months until the open "
                                   "frontier reached each level the closed one reached). Scores dated by the model "
                                   "version that earned them; bootstrap intervals (fixed seed). Data: a pinned Epoch "
                                   "AI Benchmarking Hub snapshot.")
    add_analysis_options(p, "capabilities")
    add_json_option(p)
    p.set_defaults(func=run_capabilities)




def run_capabilities(args: argparse.Namespace) -> int:
    from analysis.data import benchmark_hub as bh
    from analysis.metrics.analyses import get

    vintage = args.vintage or bh.HUB_VINTAGE
    res = get("capabilities")(None, **{**analysis_options(args, "capabilities"), "vintage": vintage})
    data = f"Epoch AI Benchmarking Hub, ECI (vintage {vintage})"
    if args.json:
        print_json({"data": data, **res.to_dict()})
        return 0
    ci = int(round(100 * res.ci_level))
    print(f"Gap of {res.follower} behind {res.leader} on the Epoch Capabilities Index ({data})")
    print(f"window {res.window[0]:%Y-%m-%d} to {res.window[1]:%Y-%m-%d}; {res.n_leader} {res.leader} and "
          f"{res.n_follower} {res.follower} models ({res.n_excluded} other or unknown excluded); scores dated by the "
          "version that earned them")
    lo, hi = res.lag_coverage
    if math.isfinite(res.lag_months):
        print(f"ours, median lag over levels: {res.lag_months:.1f} months, interval [{res.lag_months_ci[0]:.1f}, "
              f"{res.lag_months_ci[1]:.1f}] at nominal {ci}%, coverage {lo:.2f}-{hi:.2f} measured in simulation "
              f"({res.lag_share_censored:.0%} of levels not reached yet)")
    else:
        print(f"ours, median lag over levels: no estimate ({res.lag_share_censored:.0%} of the levels the leader "
              "reached are not reached yet: the median lag is longer than they have waited)")
    print(f"Epoch AI's average gap: {res.gap_points:.1f} ECI points, {ci}% CI [{res.gap_points_ci[0]:.1f}, "
          f"{res.gap_points_ci[1]:.1f}]; {res.gap_months:.1f} months, {ci}% CI [{res.gap_months_ci[0]:.1f}, "
          f"{res.gap_months_ci[1]:.1f}] (tolerance {res.tolerance_points:g} points; bootstrap over models, "
          f"{res.n_boot} replicates, seed {res.seed})")
    for n in res.notes:
        print(f"note: {n}")
    return 0
