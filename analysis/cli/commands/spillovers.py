"""Spillovers command: ``spillovers`` (notable models built on open or closed base models, per year or family)."""

from __future__ import annotations

import argparse

from analysis.cli.args import add_analysis_options, add_data_option, add_json_option, analysis_options, print_json


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("spillovers", help="notable models built on open vs closed base models",
                       description="From Epoch AI's 'Base model' column: notable models built on an open or a "
                                   "closed base, per year or per base family; the share of open-base derivatives "
                                   "made outside the base's developer (90% like every interval of the toolkit; "
                                   "--method organizations, the default, allows for derivatives of one "
                                   "organization being alike; wilson treats them as independent); the months from "
                                   "a base's release to its first notable derivative. Needs a table with base "
                                   "models: when --data has none, the pinned Epoch notable-models snapshot is used.")
    add_data_option(p)
    add_analysis_options(p, "spillovers")
    add_json_option(p)
    p.set_defaults(func=run_spillovers)


def run_spillovers(args: argparse.Namespace) -> int:
    from analysis.data.dataset import load_with_bases
    from analysis.metrics.analyses import get
    from analysis.metrics.openness import BINOMIAL_INTERVALS
    from analysis.metrics.spillovers import measured_coverage

    ds = load_with_bases(args.data)
    result = get("spillovers")(ds, **analysis_options(args, "spillovers"))
    counts, info = result.table, result.settings
    ttd = info["time_to_first_derivative"]
    rows = [{**{k: v for k, v in r.items() if k not in ("share_outside_low", "share_outside_high")},
             "share_outside_ci": [r["share_outside_low"], r["share_outside_high"]]}
            for r in counts.to_dict(orient="records")]
    cov = measured_coverage(info["method"], info["level"])
    counts_kind = BINOMIAL_INTERVALS[info["method"]]
    if args.json:
        print_json({"data": ds.label, "by": args.by, "n_derivatives": info["n_derivatives"],
                    "n_pairs": info["n_pairs"], "n_bases_matched": info["n_bases_matched"],
                    "share_ci_level": info["level"], "share_ci_method": info["method"],
                    "share_ci_measured_coverage": cov, "rows": rows,
                    "time_to_first_derivative": {k: v for k, v in ttd.to_dict().items() if k != "bases"},
                    **result.meta.to_dict()})
        return 0
    print(f"Notable models built on a base model ({ds.label}); {info['n_derivatives']} derivatives, "
          f"{info['n_pairs']} derivative-base pairs, {info['n_bases_matched']} bases matched")
    print(f"share outside the base's developer, {int(round(100 * info['level']))}% intervals: {counts_kind}")
    if cov:
        print(f"measured coverage (simulation): {cov['independent'][0]:.2f}-{cov['independent'][1]:.2f} if "
              f"derivatives were independent, {cov['organization-dependent'][0]:.2f}-"
              f"{cov['organization-dependent'][1]:.2f} where an organization's derivatives are alike, as in these "
              "data (docs/methods.md)")
    print(f"{args.by:<16}  models  open  closed  unknown  outside/known  share outside [interval]  orgs  n_eff")
    for r in rows:
        lo, hi = r["share_outside_ci"]
        share = "n/a" if r["share_outside"] != r["share_outside"] else (
            f"{100 * r['share_outside']:.0f}% [{100 * lo:.0f}%, {100 * hi:.0f}%]")
        print(f"{str(r[args.by]):<16}  {r['n_derivatives']:6d} {r['n_open_base']:5d} {r['n_closed_base']:7d} "
              f"{r['n_unknown_base']:8d}  {r['n_outside']:5d}/{r['n_outside_known']:<7d}  {share:<24} "
              f"{r['n_outside_orgs']:5d} {'n/a' if share == 'n/a' else format(r['n_outside_eff'], '.1f'):>6}")
    lo, hi = ttd.median_months_ci
    print(f"open base to first notable derivative: median {ttd.median_months:.1f} months, "
          f"{int(round(100 * ttd.level))}% CI [{lo:.1f}, {hi:.1f}] over n={ttd.n} bases")
    return 0
