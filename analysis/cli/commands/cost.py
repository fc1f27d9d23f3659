"""``frontier-atlas cost MODEL_ID``: the cost of a training run from first principles (or of a hypothetical run)."""

from __future__ import annotations

import argparse

from analysis.cli.args import add_analysis_options, add_data_option, add_json_option, analysis_options, print_json


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser(
        "cost", help="amortized hardware + energy and cloud-rental cost of a training run, with ranges",
        description="Estimate what a training run cost: amortized hardware (chips x release price x server and "
                    "interconnect overheads, depreciated at the ML-GPU price-performance rate over the run) plus "
                    "energy (TDP x server overhead x PUE x hours x electricity price), and the cloud-rental "
                    "equivalent, each with a 90% range over documented assumptions (Cottier et al. 2024 method). "
                    "Compared with Epoch AI's estimate where the model has one. Give MODEL_ID for a model of the "
                    "data, or --hardware with --chips and --hours/--days (or --chip-hours) for a hypothetical run.")
    add_data_option(p)
    add_analysis_options(p, "cost")
    add_json_option(p)
    p.set_defaults(func=run)


def _usd(v: float | None) -> str:
    if v is None:
        return "n/a"
    for unit, div in (("B", 1e9), ("M", 1e6), ("k", 1e3)):
        if abs(v) >= div:
            return f"${v / div:.3g}{unit}"
    return f"${v:.3g}"


def run(args: argparse.Namespace) -> int:
    from analysis.data.dataset import load
    from analysis.metrics.analyses import get
    from analysis.metrics.entries import cost_run_hours

    opts = analysis_options(args, "cost")
    # the analysis's own rules, before the data loads
    cost_run_hours(opts["model"], opts["hardware"], opts["hours"], opts["days"], opts["utilization"])
    ds = load(args.data)
    est = get("cost")(ds, **opts)
    source = ds.label if args.model is not None else "hypothetical run"
    from analysis.data.overlay import alternatives_for
    from analysis.metrics.compute import find_model

    alts = alternatives_for(ds.models, str(find_model(ds.models, args.model)["id"])) if args.model is not None else []
    if args.json:
        out = est.to_dict()
        out["data"] = source
        out["alternatives"] = alts
        print_json(out)
        return 0
    lo_hi = lambda r: f" (90% range {_usd(r[0])}-{_usd(r[1])})" if r else ""  # noqa: E731
    size = (f"{est.chips:,.0f} x {est.hardware} for {est.hours:,.0f} h ({est.hours / 24:.1f} days)"
            if est.chips and est.hours else f"{est.chip_hours:,.0f} {est.hardware}-hours")
    print(f"{est.label}: {size}")
    if est.flop:
        from analysis.reporting.figures import pow10

        print(f"  compute: {pow10(est.flop, 3)} FLOP at {est.utilization:.0%} utilization of the dense peak")
    print(f"  amortized hardware: {_usd(est.amortized_hardware_usd)}{lo_hi(est.amortized_hardware_range)}")
    if est.energy_mwh is not None:
        pw = f", {est.power_w / 1e6:.3g} MW at the wall" if est.power_w else ""
        mwh = (f" (90% range {est.energy_mwh_range[0]:,.0f}-{est.energy_mwh_range[1]:,.0f})"
               if est.energy_mwh_range else "")
        print(f"  energy: {est.energy_mwh:,.0f} MWh{mwh}{pw}, {_usd(est.energy_usd)}{lo_hi(est.energy_range)}"
              " (one energy model with `compute`: TDP x chip-to-server power x share drawn x PUE)")
    print(f"  amortized hardware + energy (2023 USD): {_usd(est.amortized_total_usd)}{lo_hi(est.amortized_total_range)}")
    print(f"  cloud rental: {_usd(est.cloud_usd)}{lo_hi(est.cloud_range)}")
    if est.epoch_cost_2023_usd:
        print(f"  Epoch AI's estimate: {_usd(est.epoch_cost_2023_usd)} (ours / Epoch's = {est.ratio_to_epoch:.2f})")
    from analysis.reporting.figures import no_e_notation, pow10

    if alts:  # as `compute MODEL` shows them: the cost above uses the table's (Epoch AI's) values
        print("  Epoch AI's value and our alternative (the cost above, trends and counts use Epoch AI's):")
        for a in alts:
            show = [pow10(v, 4) if isinstance(v, float) else (v or "empty") for v in (a["epoch_ai"], a["ours"])]
            print(f"    {a['field']}: Epoch AI {show[0]}; ours {show[1]} ({a['method']}) - {a['evidence_url']}")

    for n in est.notes:
        print(f"note: {no_e_notation(str(n))}")
    print("note: ranges cover the documented assumptions (see --json 'assumptions'), not sampling error.")
    print(f"source: {source}; prices: {est.sources.get('price') or 'n/a'}")
    return 0
