"""``frontier-atlas compute MODEL_ID``: a model's training compute by each available method, implied utilization,
cost and energy."""

from __future__ import annotations

import argparse

from analysis.cli.args import (
    add_analysis_options,
    add_data_option,
    add_json_option,
    analysis_options,
    print_json,
)


def register(sub: argparse._SubParsersAction) -> None:
    q = sub.add_parser(
        "compute", help="a model's training compute by each method, implied utilization, cost and energy",
        description="Training FLOP from 6ND (active parameters for MoE), from reported GPU-hours and, with "
                    "--training-days, from chips x time; the utilization (MFU) implied by the GPU-hours; cost at a "
                    "cited GPU-hour price; energy from the accelerator's TDP, the server's power and a PUE (the "
                    "energy model `cost` uses).")
    add_data_option(q)
    add_analysis_options(q, "compute")
    add_json_option(q)
    q.set_defaults(func=run_compute)


def _money(v: float) -> str:
    if v >= 1e9:
        return f"${v / 1e9:.2f}B"
    if v >= 1e6:
        return f"${v / 1e6:.2f}M"
    if v >= 1e3:
        return f"${v / 1e3:.1f}K"
    return f"${v:.0f}"


def _alternatives(models, model_id: str) -> list[dict]:
    """Our alternative values for this model (data/overlay_review.csv), beside the table's (Epoch AI's) value."""
    from analysis.data.overlay import alternatives_for

    return alternatives_for(models, model_id)


def run_compute(args: argparse.Namespace) -> int:
    from analysis.data.dataset import load
    from analysis.metrics.analyses import get

    ds = load(args.data)
    mc = get("compute")(ds, **analysis_options(args, "compute"))
    alts = _alternatives(ds.models, mc.model_id)
    if args.json:
        d = mc.to_dict()
        d["data"] = ds.label
        d["alternatives"] = alts
        print_json(d)
        return 0
    from analysis.reporting.figures import no_e_notation, pow10, si

    print(f"{mc.name} ({mc.model_id}) - data: {ds.label}")
    if mc.recorded_flop is not None:
        print(f"  recorded training compute: {pow10(mc.recorded_flop, 3)} FLOP ({mc.recorded_method or 'method unknown'})")
    if alts:
        print("  Epoch AI's value and our alternative (the table, trends and counts use Epoch AI's):")
        for a in alts:
            show = [pow10(v, 4) if isinstance(v, float) else (v or "empty") for v in (a["epoch_ai"], a["ours"])]
            print(f"    {a['field']}: Epoch AI {show[0]}; ours {show[1]} ({a['method']}) - {a['evidence_url']}")
    if not mc.estimates:
        print("  no estimate possible: needs parameters and tokens (6ND) or GPU-hours and known hardware")
    for e in mc.estimates:
        rng = "" if e.flop_low is None or e.flop_low == e.flop_high else \
            f"  [{pow10(e.flop_low, 3)} to {pow10(e.flop_high, 3)} at utilization {e.utilization_low:.2f}-" \
            f"{e.utilization_high:.2f}: the range of reported MFUs, not a CI]"
        print(f"  {e.method:10s} {pow10(e.flop, 3)} FLOP = {no_e_notation(e.formula)}{rng}")
    if mc.implied_mfu is not None:
        ref = f"; Meta reported >400 TFLOPS per H100 on 16K GPUs = {mc.reference_mfu:.1%} of peak" \
            if mc.reference_mfu is not None else ""
        print(f"  implied utilization (MFU): {mc.implied_mfu:.1%} ({mc.implied_mfu_flop_method} FLOP / "
              f"({si(mc.gpu_hours)} GPU-hours x 3600 s x {pow10(mc.peak_flop_per_s, 4)} FLOP/s {mc.precision}){ref})")
    if mc.cost_usd is not None:
        rng = f"; {_money(mc.cost_range_usd[0])} to {_money(mc.cost_range_usd[1])} across published prices" \
            if mc.cost_range_usd else ""
        print(f"  cost: {_money(mc.cost_usd)} = {si(mc.gpu_hours)} GPU-hours ({mc.gpu_hours_source}) x "
              f"${mc.price_per_gpu_hour:g}/GPU-hour ({mc.price_source}){rng}")
    if mc.energy_mwh is not None:
        lo, hi = mc.energy_mwh_range
        print(f"  energy: {mc.energy_mwh:,.0f} MWh (90% range {lo:,.0f}-{hi:,.0f}) = {mc.energy_formula}; "
              f"accelerator-hours {mc.gpu_hours_source} ({mc.it_energy_mwh:,.0f} MWh at the accelerators; the same "
              "energy model as `cost`)")
    for n in mc.notes:
        print(f"  note: {no_e_notation(str(n))}")
    return 0
