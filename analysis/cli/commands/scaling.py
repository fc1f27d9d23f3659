"""``frontier-atlas data-needed`` and ``frontier-atlas compute``: scaling-law data requirements, compute accounting.

* ``data-needed --compute FLOP``: compute-optimal parameters and tokens for a budget;
* ``data-needed --params N``: compute-optimal tokens (and compute) for a model size;
* ``data-needed --target-loss L --params N``: tokens a model of N parameters needs to reach loss L;
* ``data-needed --target-loss L``: the cheapest model reaching loss L;
* ``compute MODEL_ID``: a model's training compute by each available method, implied utilization, cost, energy.
"""

from __future__ import annotations

import argparse
import math

from analysis import constants as C
from analysis.cli.args import add_data_option, add_json_option, confidence_type, print_json, seed_type
from analysis.errors import UsageError


def _number(text: str | None, option: str, *, fraction: bool = False, minimum: float | None = None) -> float | None:
    """Parse a number such as '1e24' or '8.03e9'; invalid or non-positive -> UsageError (exit 2)."""
    if text is None:
        return None
    try:
        v = float(str(text).strip().replace("_", ""))
    except ValueError:
        raise UsageError(f"{option} expects a number such as 1e24, got {text!r}") from None
    if not math.isfinite(v) or v <= 0:
        raise UsageError(f"{option} must be a positive finite number, got {text!r}")
    if fraction and v > 1:
        raise UsageError(f"{option} is a fraction of peak in (0, 1] (write 0.4 for 40%), got {text!r}")
    if minimum is not None and v < minimum:
        raise UsageError(f"{option} must be at least {minimum:g}, got {text!r}")
    return v


def register(sub: argparse._SubParsersAction) -> None:
    from analysis.metrics.scaling import APPROACHES, DEFAULT_APPROACH

    p = sub.add_parser(
        "data-needed", help="parameters, tokens and compute from a scaling law (Chinchilla and its replication)",
        description="Compute-optimal allocation and data requirements under Hoffmann et al. 2022 (approaches 1-3) "
                    "or the Besiroglu et al. 2024 refit (with Monte Carlo intervals). Give --compute, --params, "
                    "--target-loss, or --target-loss with --params.")
    p.add_argument("--compute", metavar="FLOP", help="training compute budget in FLOP, e.g. 1e24")
    p.add_argument("--params", metavar="N", help="model size in parameters, e.g. 7e10")
    p.add_argument("--target-loss", metavar="L", help="target loss (nats/token, on the fit's data), e.g. 2.0")
    p.add_argument("--approach", default=DEFAULT_APPROACH, choices=APPROACHES,
                   help=f"scaling law (default {DEFAULT_APPROACH}; hoffmann-1/2 have no loss function)")
    p.add_argument("--confidence", default=None, metavar="P", type=confidence_type,
                   help=f"interval level for besiroglu-2024 (default {C.DEFAULT_CONFIDENCE})")
    p.add_argument("--seed", default="0", metavar="S", type=seed_type, help="Monte Carlo seed (default 0)")
    add_json_option(p)
    p.set_defaults(func=run_data_needed)

    q = sub.add_parser(
        "compute", help="a model's training compute by each method, implied utilization, cost and energy",
        description="Training FLOP from 6ND (active parameters for MoE), from reported GPU-hours and, with "
                    "--training-days, from chips x time; the utilization (MFU) implied by the GPU-hours; cost at a "
                    "cited GPU-hour price; energy from the accelerator's TDP and a PUE.")
    q.add_argument("model_id", metavar="MODEL_ID", help="model id, e.g. llama-3-8b")
    add_data_option(q)
    q.add_argument("--utilization", metavar="U", help="MFU for hardware-based estimates (default: the model's "
                                                      "reported MFU, else the median MFU reported for its hardware "
                                                      "generation, with their range)")
    q.add_argument("--precision", default="bf16", choices=["fp32", "tf32", "bf16", "fp16", "fp8", "int8"],
                   help="training precision for the peak throughput (default bf16)")
    q.add_argument("--price", metavar="USD", help="price per GPU-hour in USD (default: cited price per accelerator)")
    q.add_argument("--pue", metavar="PUE", help=f"power usage effectiveness (default {C.DEFAULT_PUE})")
    q.add_argument("--training-days", metavar="DAYS", help="wall-clock training time, enables the chips x time estimate")
    add_json_option(q)
    q.set_defaults(func=run_compute)


# --- data-needed ----------------------------------------------------------------------------------------------


def _fmt(v: float | None, unit: str = "") -> str:
    if v is None or (isinstance(v, float) and math.isnan(v)):
        return "n/a"
    if math.isinf(v):
        return "unbounded"
    from analysis.reporting.figures import si

    return f"{si(v)}{unit}"  # counts in SI units (312 B), FLOP in powers of ten (1.2×10²⁵): no e-notation


def _ci_text(alloc, name: str) -> str:
    ci = alloc.ci(name)
    if ci is None:
        return ""
    return f"  ({alloc.confidence:.0%} interval {_fmt(ci[0])} to {_fmt(ci[1])})"


def _check_target_loss(target: float, approach: str) -> None:
    """Refuse absurd targets before solving: a loss at or above E + A + B is what the law gives a model of one
    parameter trained on one token, so no model of any real size is needed (and huge targets underflow)."""
    from analysis.errors import AnalysisError
    from analysis.metrics import scaling

    f = scaling.get_fit(approach)
    ceiling = f.E + f.A + f.B
    if target >= ceiling:
        raise AnalysisError(f"--target-loss {target:g} is absurd under {f.name}: a 1-parameter model trained on 1 "
                            f"token already has loss E + A + B = {ceiling:.4g}; give a target between E = {f.E:g} and "
                            f"{ceiling:.4g} (nats/token)")


def _check_allocation(alloc, target: float) -> None:
    """Refuse answers that are not a model: fewer than one parameter or token, or not finite."""
    from analysis.errors import AnalysisError

    vals = {"parameters": alloc.params, "tokens": alloc.tokens, "compute": alloc.compute_flop}
    for name, v in vals.items():
        if v is None or not math.isfinite(v) or v < 1:
            raise AnalysisError(f"--target-loss {target:g}: the solution has {name} = {v!r}, not a real model; "
                                "choose a lower target loss")


def run_data_needed(args: argparse.Namespace) -> int:
    from analysis.metrics import scaling

    compute = _number(args.compute, "--compute")
    params = _number(args.params, "--params")
    target = _number(args.target_loss, "--target-loss")
    try:
        seed = int(str(args.seed).strip())
    except ValueError:
        raise UsageError(f"--seed must be a whole number >= 0, got {args.seed!r}") from None
    if seed < 0:
        raise UsageError(f"--seed must be a whole number >= 0, got {args.seed!r}")
    kw = {"seed": seed}
    if args.confidence is not None:
        conf = _number(args.confidence, "--confidence")
        if not 0 < conf < 1:
            raise UsageError(f"--confidence must be between 0 and 1 (e.g. 0.9), got {args.confidence!r}")
        kw["confidence"] = conf
    approach = args.approach
    if compute is not None and (params is not None or target is not None):
        raise UsageError("give --compute alone, --params alone, --target-loss alone, or --target-loss with --params")
    if compute is not None:
        alloc = scaling.compute_optimal(compute, approach, **kw)
    elif target is not None:
        if approach in scaling.POWER_LAWS:
            raise UsageError(f"--target-loss needs a loss function: approach {approach} has none "
                             "(use --approach hoffmann-3 or besiroglu-2024)")
        _check_target_loss(target, approach)
        if params is not None:
            alloc = scaling.tokens_for_loss(target, params, approach, **kw)
        else:
            alloc = scaling.compute_optimal_for_loss(target, approach, **kw)
        _check_allocation(alloc, target)
    elif params is not None:
        alloc = scaling.allocation_for_params(params, approach, **kw)
    else:
        raise UsageError("give one of --compute FLOP, --params N, --target-loss L (optionally with --params N)")

    if args.json:
        print_json(alloc.to_dict())
        return 0
    from analysis.reporting.figures import no_e_notation, pow10, si

    head = {"compute": f"Compute-optimal model for {pow10(alloc.compute_flop, 3)} FLOP",
            "params": f"Compute-optimal training of a {si(alloc.params)}-parameter model",
            "target-loss": f"Cheapest model reaching loss {alloc.loss:g}" if alloc.loss is not None else "",
            "target-loss+params": f"Data a {si(alloc.params)}-parameter model needs to reach loss "
                                  f"{alloc.loss if alloc.loss is not None else float('nan'):g}"}[alloc.question]
    print(f"{head} ({approach})")
    print(f"  parameters:       {_fmt(alloc.params)}{_ci_text(alloc, 'params')}")
    print(f"  tokens:           {_fmt(alloc.tokens)}{_ci_text(alloc, 'tokens')}")
    print(f"  compute:          {_fmt(alloc.compute_flop)} FLOP{_ci_text(alloc, 'compute_flop')}")
    print(f"  tokens/parameter: {_fmt(alloc.tokens_per_param)}{_ci_text(alloc, 'tokens_per_param')}")
    if alloc.loss is not None:
        label = "target loss" if alloc.question.startswith("target") else "loss"
        print(f"  {label + ':':17s} {alloc.loss:.4f}{_ci_text(alloc, 'loss')}")
    a_ci = f" (Hoffmann et al. Table 2, 10th-90th pct. {alloc.exponent_a_ci[0]}-{alloc.exponent_a_ci[1]})" \
        if alloc.exponent_a_ci else ""
    print(f"  N* ~ C^{alloc.exponent_a:.3f}, D* ~ C^{alloc.exponent_b:.3f}{a_ci}")
    print(f"  method: {alloc.method}" + (f"; seed {alloc.seed}" if alloc.seed is not None else ""))
    for n in alloc.notes:
        print(f"  note: {no_e_notation(str(n))}")
    return 0


# --- compute -------------------------------------------------------------------------------------------------


def _money(v: float) -> str:
    if v >= 1e9:
        return f"${v / 1e9:.2f}B"
    if v >= 1e6:
        return f"${v / 1e6:.2f}M"
    if v >= 1e3:
        return f"${v / 1e3:.1f}K"
    return f"${v:.0f}"


def run_compute(args: argparse.Namespace) -> int:
    from analysis.data.dataset import load
    from analysis.metrics import compute

    util = _number(args.utilization, "--utilization", fraction=True)
    price = _number(args.price, "--price")
    pue = _number(args.pue, "--pue", minimum=1.0)
    days = _number(args.training_days, "--training-days")
    ds = load(args.data)
    mc = compute.model_compute(ds.models, ds.hardware, args.model_id, utilization=util, precision=args.precision,
                               price_per_gpu_hour=price, pue=pue if pue is not None else C.DEFAULT_PUE,
                               training_days=days)
    if args.json:
        d = mc.to_dict()
        d["data"] = ds.label
        print_json(d)
        return 0
    from analysis.reporting.figures import no_e_notation, pow10, si

    print(f"{mc.name} ({mc.model_id}) - data: {ds.label}")
    if mc.recorded_flop is not None:
        print(f"  recorded training compute: {pow10(mc.recorded_flop, 3)} FLOP ({mc.recorded_method or 'method unknown'})")
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
        print(f"  energy: {mc.energy_mwh:,.0f} MWh = {si(mc.gpu_hours)} GPU-hours ({mc.gpu_hours_source}) x "
              f"{mc.power_w:g} W TDP x PUE {mc.pue:g} ({mc.it_energy_mwh:,.0f} MWh at the accelerators)")
    for n in mc.notes:
        print(f"  note: {no_e_notation(str(n))}")
    return 0
