"""Competition command: ``concentration`` (per-year HHI and top shares of organizations or countries)."""

from __future__ import annotations

import argparse

from analysis.cli.args import (
    add_data_option,
    add_json_option,
    bootstrap_type,
    confidence_type,
    format_interval,
    positive_int_type,
    print_json,
    seed_type,
)


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("concentration", help="per-year HHI and top shares of organizations (or countries)",
                       description="Herfindahl-Hirschman index of the year's notable or frontier models by "
                                   "organization (equal fractional credit for co-developed models) or country, with "
                                   "a 90% bootstrap interval, plus the number of organizations above 10²⁵ FLOP.")
    add_data_option(p)
    p.add_argument("--subset", choices=("notable", "frontier"), default="notable")
    p.add_argument("--by", choices=("organization", "country"), default="organization")
    p.add_argument("--since", type=int, default=None, metavar="YEAR", help="first year shown")
    p.add_argument("--seed", type=seed_type, default=0, help="bootstrap seed (default 0)")
    p.add_argument("--top-k", type=positive_int_type, default=10, help="frontier size with --subset frontier (default 10)")
    p.add_argument("--confidence", type=confidence_type, default=0.90, help="interval level (default 0.90)")
    p.add_argument("--bootstrap", type=bootstrap_type, default=1000, metavar="N",
                   help="simulations per candidate in the HHI interval (default 1000, at most 100000)")
    p.add_argument("--organizations", choices=("harmonized", "as-written"), default="harmonized",
                   help="harmonized = parent families (Google Brain, DeepMind -> Google; default); as-written")
    add_json_option(p)
    p.set_defaults(func=run_concentration)


def run_concentration(args: argparse.Namespace) -> int:
    from analysis.data.dataset import load
    from analysis.metrics.competition import concentration, frontier_organizations

    ds = load(args.data)
    harmonize = args.organizations == "harmonized"
    res = concentration(ds.models, by=args.by, subset=args.subset, seed=args.seed, top_k=args.top_k,
                        confidence=args.confidence, n_boot=args.bootstrap, harmonize=harmonize)
    orgs = frontier_organizations(ds.models, top_k=args.top_k, harmonize=harmonize)
    if args.since is not None:
        res = res[res["year"] >= args.since]
        orgs = orgs[orgs["year"] >= args.since]
    above = dict(zip(orgs["year"], orgs["n_orgs_above"])) if len(orgs) else {}
    front = dict(zip(orgs["year"], orgs["n_orgs_frontier"])) if len(orgs) else {}
    rows = []
    for r in res.to_dict(orient="records"):
        rows.append({"year": r["year"], "n_models": r["n_models"], "n_groups": r["n_groups"], "hhi": r["hhi"],
                     "hhi_estimate": r["hhi_estimate"], "hhi_estimate_ci": [r["hhi_low"], r["hhi_high"]],
                     "hhi_ci": [r["hhi_low"], r["hhi_high"]], "hhi_note": r["hhi_note"],
                     "effective_number": r["effective_number"],
                     "top1": r["top1"], "top1_share": r["top1_share"], "top3_share": r["top3_share"],
                     "n_orgs_frontier": int(front.get(r["year"], 0)),
                     "n_orgs_above_1e25_flop": int(above.get(r["year"], 0))})
    if args.json:
        print_json({"data": ds.label, "subset": args.subset, "by": args.by, "confidence": res.attrs["confidence"],
                    "ci_level": res.attrs["ci_level"], "organizations": args.organizations,
                    "n_boot": res.attrs["n_boot"], "seed": args.seed, "n_no_date": res.attrs["n_no_date"],
                    "split": "equal fractional credit among co-developing organizations", "years": rows})
        return 0
    ci = int(round(100 * res.attrs["ci_level"]))
    print(f"Concentration of {args.subset} models by {args.by} ({ds.label}; organizations {args.organizations}); "
          f"HHI on shares in [0,1]; estimate = bias-corrected, {ci}% interval by test inversion ('n/a' = too few models)")
    print("year  models groups   HHI  estimate interval         eff.n  top1 (share)                    top3  orgs>10²⁵")
    for r in rows:
        top = f"{r['top1'][:24]} ({100 * r['top1_share']:.0f}%)"
        print(f"{r['year']}  {r['n_models']:6d} {r['n_groups']:6d} {r['hhi']:.3f}  {r['hhi_estimate']:7.3f}  "
              f"{format_interval(r['hhi_ci'][0], r['hhi_ci'][1], 3, 14)}  {r['effective_number']:5.1f}  {top:<31} "
              f"{100 * r['top3_share']:4.0f}%  {r['n_orgs_above_1e25_flop']:5d}")
    if res.attrs["n_no_date"]:
        print(f"excluded: {res.attrs['n_no_date']} model(s) without a release date")
    return 0
