"""Competition command: ``concentration`` (per-year HHI and top shares of organizations or countries)."""

from __future__ import annotations

import argparse

from analysis.cli.args import (
    add_analysis_options,
    add_data_option,
    add_json_option,
    analysis_options,
    format_interval,
    print_json,
)


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("concentration", help="per-year HHI and top shares of organizations (or countries)",
                       description="Herfindahl-Hirschman index of the year's notable or frontier models by "
                                   "organization (equal fractional credit for co-developed models) or country, with "
                                   "its bias-corrected estimate with a 90% bootstrap interval (none for a year with "
                                   "fewer than 20 models: 'too few models'), plus the number of organizations above "
                                   "10²⁵ FLOP. --window 3 pools each year with the two before it.")
    add_data_option(p)
    add_analysis_options(p, "concentration", "subset", "by")
    p.add_argument("--since", type=int, default=None, metavar="YEAR", help="first year shown")
    add_analysis_options(p, "concentration", "seed", "top_k", "confidence", "bootstrap", "organizations",
                         "window_years")
    add_json_option(p)
    p.set_defaults(func=run_concentration)


def run_concentration(args: argparse.Namespace) -> int:
    from analysis.data.dataset import load
    from analysis.metrics.analyses import get
    from analysis.metrics.competition import frontier_organizations

    ds = load(args.data)
    result = get("concentration")(ds, **analysis_options(args, "concentration"))
    res, attrs = result.table, result.settings
    orgs = frontier_organizations(ds.models, top_k=args.top_k, harmonize=args.organizations == "harmonized").table
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
                     "window_start": r["window_start"], "too_few_models": bool(r["too_few_models"]),
                     "partial": bool(r["partial"]),
                     "n_orgs_frontier": int(front.get(r["year"], 0)),
                     "n_orgs_above_1e25_flop": int(above.get(r["year"], 0))})
    if args.json:
        print_json({"data": ds.label, "subset": args.subset, "by": args.by, "confidence": attrs["confidence"],
                    "ci_level": attrs["ci_level"], "organizations": args.organizations,
                    "n_boot": attrs["n_boot"], "seed": args.seed, "n_no_date": attrs["n_no_date"],
                    "window_years": attrs["window_years"], "min_models": attrs["min_models"],
                    "partial_year": attrs["partial_year"],
                    "split": "equal fractional credit among co-developing organizations", "years": rows,
                    "models": "one row per model (dated versions once; the overlay's additions, if any, left out); "
                              "organizations as parent families unless --organizations as-written",
                    **{k: v for k, v in _shown_meta(result.meta, res).to_dict().items() if k != "confidence"}})
        return 0
    ci = int(round(100 * attrs["ci_level"]))
    win = attrs["window_years"]
    pooled = f"; each year pooled with the {win - 1} before it" if win > 1 else ""
    partial = f"; * = partial year (the data end in {attrs['partial_year']})" if attrs["partial_year"] else ""
    print(f"Concentration of {args.subset} models by {args.by} ({ds.label}; organizations {args.organizations}"
          f"{pooled}); HHI on shares in [0,1]; estimate = bias-corrected, {ci}% bootstrap interval; a year with "
          f"fewer than {attrs['min_models']} models: 'too few models'{partial}")
    print("year   models groups   HHI  estimate interval         eff.n  top1 (share)                    top3  orgs>10²⁵")
    for r in rows:
        top = f"{r['top1'][:24]} ({100 * r['top1_share']:.0f}%)"
        year = f"{r['year']}{'*' if r['partial'] else ' '}"
        if r["too_few_models"]:
            print(f"{year}  {r['n_models']:6d} {r['n_groups']:6d} {'too few models (no estimate)':<76}  "
                  f"{r['n_orgs_above_1e25_flop']:5d}")
            continue
        print(f"{year}  {r['n_models']:6d} {r['n_groups']:6d} {r['hhi']:.3f}  {r['hhi_estimate']:7.3f}  "
              f"{format_interval(r['hhi_ci'][0], r['hhi_ci'][1], 3, 14)}  {r['effective_number']:5.1f}  {top:<31} "
              f"{100 * r['top3_share']:4.0f}%  {r['n_orgs_above_1e25_flop']:5d}")
    if attrs["n_no_date"]:
        print(f"excluded: {attrs['n_no_date']} model(s) without a release date")
    return 0


def _shown_meta(meta, table):
    """The result's meta for the years shown (``--since`` drops earlier years): n = their models, window = them."""
    from dataclasses import replace

    years = table["year"]
    return replace(meta, n=int(table["n_models"].sum()),
                   window=(str(int(years.min())), str(int(years.max()))) if len(years) else (None, None))
