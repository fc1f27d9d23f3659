"""``frontier-atlas chips``: the installed stock of AI chips (Epoch AI's AI Chip Sales and Chip Owners exports) —
H100-equivalents by owner and by vendor with Epoch's percentile bands, the hyperscalers' share and growth, and the
growth of quarterly deliveries."""

from __future__ import annotations

import argparse

from analysis.cli.args import add_analysis_options, add_json_option, analysis_options, print_json


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser(
        "chips", help="installed AI chips (H100e) by owner and vendor, the hyperscalers' share and growth",
        description="Epoch AI's AI Chip Sales and Chip Owners exports (epoch-research/ai-chip-counts, 2026-04-22; "
                    "data CC BY): cumulative deliveries in H100-equivalents per vendor (NVIDIA from 2022, TPU from "
                    "2023, AMD and Trainium from 2024) and per owner, with Epoch's 5th-95th percentiles. Huawei is "
                    "not in the exports. VIEW: owners, vendors, hyperscalers (Amazon, Google, Meta, Microsoft, "
                    "Oracle: share of the stock with a Monte Carlo interval from Epoch's percentiles, and growth "
                    "year on year), deliveries (log-linear growth of quarterly deliveries).")
    add_analysis_options(p, "chips")
    add_json_option(p)
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    from analysis.metrics.analyses import get

    res = get("chips")(None, **analysis_options(args, "chips"))
    t, s = res.table, res.settings
    if args.json:
        print_json({"view": args.view, **res.to_dict()})
        return 0
    if args.view == "owners":
        last = t["end_date"].max() if not t["complete"].any() else t.loc[t["complete"], "end_date"].max()
        print(f"AI-chip holdings on {last:%Y-%m-%d} (H100e; Epoch's 5th-95th percentiles summed over vendors)")
        for r in t[t["end_date"] == last].itertuples():
            print(f"  {r.owner:<12} {r.h100e:>12,.0f}  [{r.h100e_p05:,.0f}, {r.h100e_p95:,.0f}]  "
                  f"{100 * r.share_of_median_total:5.1f}%  ({r.vendors})")
    elif args.view == "vendors":
        for r in t.itertuples():
            tag = "" if r.vendor != "total" else ("  (all vendors)" if r.complete else "  (incomplete)")
            print(f"  {r.end_date:%Y-%m-%d}  {r.vendor:<16} {r.h100e:>12,.0f}  [{r.h100e_p05:,.0f}, "
                  f"{r.h100e_p95:,.0f}]{tag}")
    elif args.view == "hyperscalers":
        print(f"Hyperscalers' share of the AI-chip stock ({', '.join(s['hyperscalers'])}; without Huawei)")
        for r in t.itertuples():
            flag = "" if r.all_owners else "  (xAI not reported this quarter)"
            print(f"  {r.end_date:%Y-%m-%d}  {100 * r.share:5.1f}%  [{100 * r.share_low:.1f}%, "
                  f"{100 * r.share_high:.1f}%]  {r.hyperscalers_h100e:>12,.0f} H100e{flag}")
        for g in s["growth"]:
            print(f"  growth to {g['end_date']:%Y-%m-%d}: {g['growth']:.2f}x [{g['growth_low']:.2f}, "
                  f"{g['growth_high']:.2f}]")
    else:
        for r in t.itertuples():
            if r.n and r.growth_per_year == r.growth_per_year:
                print(f"  {r.vendor:<36} n={r.n:<3} {r.growth_per_year:.2f}x/yr [{r.growth_low:.2f}, "
                      f"{r.growth_high:.2f}]")
            else:
                print(f"  {r.vendor:<36} {r.note}")
    print(f"{res.caption()}; source: {s['source']}")
    return 0
