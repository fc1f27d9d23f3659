"""``frontier-atlas datacenters``: Epoch AI's frontier data centers — when each site reaches 1 GW, capital cost per
GW, power per site, and the crossings beside the toolkit's "when would a training run pass 1 GW" projection."""

from __future__ import annotations

import argparse

from analysis.cli.args import add_analysis_options, add_data_option, add_json_option, analysis_options, print_json


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser(
        "datacenters", help="frontier data centers: 1 GW crossings, cost per GW, power per site",
        description="Epoch AI's 'Frontier Data Centers' (pinned snapshot, accessed 2025-12-17; CC BY 4.0): 17 "
                    "sites with dated milestones of power, H100e and capital cost; milestones after the access "
                    "date are Epoch's projections and are marked so. VIEW: crossings (first milestone at or above "
                    "--threshold-mw), capex (2025 USD bn per GW at each site's latest observed milestone; median "
                    "with an order-statistic interval of exact coverage), power (all milestones), projection (the "
                    "crossings beside the frontier run-power trend's 1 GW date; --data chooses the models).")
    add_data_option(p)
    add_analysis_options(p, "datacenters")
    add_json_option(p)
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    from analysis.data.dataset import load
    from analysis.metrics.analyses import get

    ds = load(args.data) if args.view == "projection" else None
    res = get("datacenters")(ds, **analysis_options(args, "datacenters"))
    t, s = res.table, res.settings
    if args.json:
        print_json({"view": args.view, **res.to_dict()})
        return 0
    if args.view == "crossings":
        print(f"Sites reaching {s['threshold_mw']:,.0f} MW (observed up to {s['as_of']}, later = Epoch's projection)")
        for r in t.itertuples():
            when = f"{r.date:%Y-%m-%d} ({'observed' if r.observed else 'projected'})" if r.crosses else "not planned"
            print(f"  {r.site[:52]:<52} {when:<24} now {r.power_mw_now:>6,.0f} MW, planned max "
                  f"{r.power_mw_max:>6,.0f} MW")
    elif args.view == "capex":
        print(f"Capital cost per GW (2025 USD bn) at each site's latest milestone up to {s['as_of']}")
        for r in t.to_dict(orient="records"):
            ci = f"  [{r['low']:.1f}, {r['high']:.1f}] (coverage {r['coverage']:.3f})" if r.get("low") == r.get(
                "low") and r.get("low") is not None else ""
            print(f"  {str(r['site'])[:52]:<52} {r['usd_bn_per_gw']:6.1f}{ci}")
    elif args.view == "power":
        for r in t.itertuples():
            print(f"  {r.date:%Y-%m-%d}  {r.site[:52]:<52} {r.power_mw:>7,.0f} MW  "
                  f"{'observed' if r.observed else 'projected'}")
    else:
        print("1 GW: data centers (Epoch's milestones) beside the frontier training-run power trend")
        for r in t.to_dict(orient="records"):
            rng = "" if r.get("low") is None or r["low"] != r["low"] else (
                f"  CI {r['low']:%Y-%m} to {r['high']:%Y-%m}")
            print(f"  {r['date']:%Y-%m-%d}  {str(r['what'])[:60]:<60} {r['kind']}{rng}")
    print(f"{res.caption()}; source: {s['source']}")
    return 0
