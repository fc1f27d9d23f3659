"""``frontier-atlas data-needed``: scaling-law data requirements.

* ``data-needed --compute FLOP``: compute-optimal parameters and tokens for a budget;
* ``data-needed --params N``: compute-optimal tokens (and compute) for a model size;
* ``data-needed --target-loss L --params N``: tokens a model of N parameters needs to reach loss L;
* ``data-needed --target-loss L``: the cheapest model reaching loss L.
"""

from __future__ import annotations

import argparse
import math

from analysis.cli.args import add_analysis_options, add_json_option, analysis_options, print_json
from analysis.errors import UsageError


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser(
        "data-needed", help="parameters, tokens and compute from a scaling law (Chinchilla and its replication)",
        description="Compute-optimal allocation and data requirements under Hoffmann et al. 2022 (approaches 1-3) "
                    "or the Besiroglu et al. 2024 refit (with Monte Carlo intervals). Give --compute, --params, "
                    "--target-loss, or --target-loss with --params.")
    add_analysis_options(p, "data-needed")
    add_json_option(p)
    p.set_defaults(func=run_data_needed)


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
    from analysis.metrics.analyses import get

    opts = analysis_options(args, "data-needed")
    compute, params, target, approach = opts["compute"], opts["params"], opts["target_loss"], opts["approach"]
    if compute is not None and (params is not None or target is not None):
        raise UsageError("give --compute alone, --params alone, --target-loss alone, or --target-loss with --params")
    if compute is None and params is None and target is None:
        raise UsageError("give one of --compute FLOP, --params N, --target-loss L (optionally with --params N)")
    if target is not None and compute is None:
        if approach in scaling.POWER_LAWS:
            raise UsageError(f"--target-loss needs a loss function: approach {approach} has none "
                             "(use --approach hoffmann-3 or besiroglu-2024)")
        _check_target_loss(target, approach)
    alloc = get("data-needed")(None, **opts)
    if target is not None:
        _check_allocation(alloc, target)

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
