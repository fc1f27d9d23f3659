"""``frontier-atlas data-wall``: when training sets reach the stock of public text, for each subset."""

from __future__ import annotations

import argparse
import math

from analysis import constants as C
from analysis.cli.args import add_analysis_options, add_data_option, add_json_option, analysis_options, print_json


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser(
        "data-wall", help="year training sets reach the stock of public text, for notable and frontier models",
        description="Fit the log-linear trend of training-set sizes (tokens) of language models and project when it "
                    "reaches the stock of public human-generated text (Villalobos et al. 2024, ~3e14 tokens, 90% "
                    "interval 1e14-1e15). The answer depends on which models are extrapolated, so every subset is "
                    "shown (default: all notable and frontier = top 10 by compute at release), each with its "
                    f"interval (trend and stock uncertainty combined), n and window. Window starts "
                    f"{C.DATA_WALL_SINCE} by default (pretrained transformer language models).")
    add_data_option(p)
    add_analysis_options(p, "data-wall")
    add_json_option(p)
    p.set_defaults(func=run)


def _year(v: float) -> float | None:
    return None if v is None or not math.isfinite(v) else round(float(v), 2)


def run(args: argparse.Namespace) -> int:
    from analysis.data.dataset import load
    from analysis.errors import AnalysisError
    from analysis.metrics.analyses import get

    opts = analysis_options(args, "data-wall")
    confidence = opts["confidence"]
    ds = load(args.data)
    result = get("data-wall")(ds, **opts)
    table = result.table
    if table["year"].isna().all():
        raise AnalysisError(f"no data-wall projection possible in {ds.label}: " + "; ".join(table["note"]))
    rows = []
    for r in table.itertuples():
        rows.append({"subset": r.subset, "year": _year(r.year), "year_ci": [_year(r.year_low), _year(r.year_high)],
                     "n": int(r.n), "window": [r.start, r.end], "growth_per_year": None if math.isnan(
                         r.growth_per_year) else float(r.growth_per_year),
                     "growth_per_year_ci": None if math.isnan(r.growth_low) else [float(r.growth_low),
                                                                                  float(r.growth_high)],
                     "note": r.note})
    if args.json:
        print_json({"subsets": rows, "confidence": confidence, "stock_tokens": C.VILLALOBOS_2024_STOCK_TOKENS,
                    "stock_tokens_ci": list(C.VILLALOBOS_2024_STOCK_CI),
                    "published_year": C.VILLALOBOS_2024_EXHAUSTION_YEAR,
                    "published_year_ci": list(C.VILLALOBOS_2024_EXHAUSTION_CI),
                    "published_year_ci_level": C.VILLALOBOS_2024_EXHAUSTION_CI_LEVEL, "data": ds.label,
                    **{k: v for k, v in result.meta.to_dict().items() if k != "confidence"}})
        return 0
    from analysis.reporting.figures import no_e_notation, si

    pct = f"{confidence:.0%}"
    print(f"Year training sets of language models (every model with language among its domains, multimodal ones "
          f"included; one row per model) reach the stock of public text ({si(C.VILLALOBOS_2024_STOCK_TOKENS)} "
          f"tokens), by subset ({pct} intervals, trend and stock uncertainty combined):")
    for r in rows:
        if r["year"] is None:
            print(f"  {r['subset']:9s} no projection: {no_e_notation(str(r['note']))}")
            continue
        lo, hi = r["year_ci"]
        hi_s = f"{hi:.1f}" if hi is not None else "never (unbounded)"
        lo_s = f"{lo:.1f}" if lo is not None else "n/a"
        g, (glo, ghi) = r["growth_per_year"], r["growth_per_year_ci"]
        print(f"  {r['subset']:9s} {r['year']:.1f} ({pct} interval {lo_s}-{hi_s}); training sets grow {g:.2f}x/yr "
              f"({glo:.2f}-{ghi:.2f}), n={r['n']}, {r['window'][0]} to {r['window'][1]}")
    print(f"Villalobos et al. 2024 project {C.VILLALOBOS_2024_EXHAUSTION_YEAR:.0f} "
          f"({C.VILLALOBOS_2024_EXHAUSTION_CI_LEVEL:.0%} CI {C.VILLALOBOS_2024_EXHAUSTION_CI[0]:.0f}-"
          f"{C.VILLALOBOS_2024_EXHAUSTION_CI[1]:.0f}).")
    print(f"source: {ds.label}")
    return 0
