"""``frontier-atlas clusters``: AI supercomputers (Epoch AI's GPU clusters) — growth of the leading systems, who
owns the compute (shares and HHI by country, sector, owner), the largest run against the largest cluster, and where
a cluster size ranks among the systems of a year."""

from __future__ import annotations

import argparse

from analysis.cli.args import add_analysis_options, add_data_option, add_json_option, analysis_options, print_json


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser(
        "clusters", help="AI supercomputers: leading-system growth, who owns the compute, runs vs clusters",
        description="Epoch AI's 'Data on GPU Clusters' (pinned snapshot, accessed 2025-12-17; CC BY 4.0). Systems "
                    "count when Epoch's standard analysis keeps them (confirmed or likely, single cluster, not a "
                    "possible duplicate), decommissioned ones while they ran, planned ones never. VIEW: trends "
                    "(growth per year of the leading systems' 16-bit OP/s, H100e, chips, per-chip performance, "
                    "power, hardware cost and efficiency; leading = top 10 when first operational since 2019, Pilz "
                    "et al. 2025; interval resamples owners), leading (the systems), shares and hhi (--by "
                    "country|sector|owner, weighted by H100e or 16-bit OP/s; owner-clustered bootstrap with "
                    "anonymized Chinese values drawn within their rounding; rounding bounds; Confirmed-only "
                    "share), runs (per year the largest run's chips as a share of the largest cluster; --data "
                    "chooses the models), place (rank of --size chips among the systems of --year).")
    add_data_option(p)
    add_analysis_options(p, "clusters")
    add_json_option(p)
    p.set_defaults(func=run)


def _pct(x: float) -> str:
    return "n/a" if x != x else f"{100 * x:.1f}%"


def run(args: argparse.Namespace) -> int:
    from analysis.data.dataset import load
    from analysis.metrics.analyses import get
    from analysis.reporting.figures import pow10

    ds = load(args.data) if args.view == "runs" else None
    res = get("clusters")(ds, **analysis_options(args, "clusters"))
    t, s = res.table, res.settings
    if args.json:
        print_json({"view": args.view, **({"data": ds.label} if ds is not None else {}), **res.to_dict()})
        return 0
    pct = f"{res.meta.confidence:.0%}" if res.meta.confidence else ""
    if args.view == "trends":
        print(f"Leading AI supercomputers: growth per year ({pct} CI, owners resampled; HC3 beside it)")
        print(f"  {s['selection']}")
        print(f"{'quantity':<34}{'n':>4}  {'growth/yr':>9}  {pct + ' CI':<13}  {'HC3 CI':<13}  published")
        for r in t.itertuples():
            if not r.n:
                print(f"{r.quantity:<34}{0:>4}  {r.note}")
                continue
            pub = "" if r.published_growth != r.published_growth else f"{r.published_growth:.2f}x"
            print(f"{r.quantity:<34}{r.n:>4}  {r.growth_per_year:>8.2f}x  {r.growth_low:.2f}-{r.growth_high:.2f}x"
                  f"{'':<3}{r.hc3_low:.2f}-{r.hc3_high:.2f}x{'':<3}{pub}")
        d = s["decomposition"]
        print(f"performance = chips x per chip on {d['n']} systems: {d['ops_16bit_growth']:.2f}x = "
              f"{d['chips_growth']:.2f}x x {d['ops_per_chip_growth']:.2f}x")
    elif args.view == "leading":
        print(f"{len(t)} leading AI supercomputers ({s['selection']})")
        for r in t.itertuples():
            print(f"  {r.first_operational:%Y-%m-%d}  {r.name[:44]:<44} {str(r.owner)[:22]:<22} "
                  f"{pow10(r.ops_16bit, 3):>10} OP/s  {r.certainty}")
    elif args.view in ("shares", "hhi"):
        what = "share of operating compute" if args.view == "shares" else "compute-weighted HHI"
        print(f"{what} by {args.by} ({args.weight}; {pct} interval: {res.meta.interval_kind})")
        for r in t.to_dict(orient="records"):
            if args.view == "shares":
                print(f"  {r['date']:%Y-%m-%d}  {str(r['group'])[:34]:<34} {_pct(r['share']):>7}  "
                      f"[{_pct(r['share_low'])}, {_pct(r['share_high'])}]  rounding {_pct(r['share_round_low'])}-"
                      f"{_pct(r['share_round_high'])}  Confirmed only {_pct(r['share_confirmed'])}")
            else:
                extra = (f"  anonymized owners pooled {r['hhi_anonymized_pooled']:.3f}"
                         if "hhi_anonymized_pooled" in r else "")
                print(f"  {r['date']:%Y-%m-%d}  HHI {r['hhi']:.3f} [{r['hhi_low']:.3f}, {r['hhi_high']:.3f}]  "
                      f"{r['n_groups']} groups, {r['n_systems']} systems{extra}")
    elif args.view == "runs":
        print(f"Largest training run (chips) vs the largest cluster operating that day ({ds.label})")
        for r in t.to_dict(orient="records"):
            print(f"  {r['year']}  {str(r['model'])[:30]:<30} {r['run_chips']:>9,.0f} chips  vs "
                  f"{str(r.get('cluster'))[:34]:<34} {r.get('cluster_chips', float('nan')):>9,.0f}  "
                  f"{_pct(r.get('share', float('nan')))}")
    else:
        print(s["sentence"])
    print(f"{res.caption()}; source: {s['source']}")
    return 0
