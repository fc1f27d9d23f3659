"""Measure the coverage of every trend and HHI interval method on the set-ups of tests/test_intervals.py.

A maintainer tool (minutes of CPU): it prints the Markdown rows of README's interval table ("Method notes: which
interval each figure uses"). The set-ups, seeds and truths are the tests' own (imported from
``tests/test_intervals.py``), so a number printed here is the number the slow tests check.

    python tools/interval_coverage.py trends [--reps 400]
    python tools/interval_coverage.py hhi [--reps 400]
    python tools/interval_coverage.py shares [--reps 400]   (default and Wilson; Wilson exact on independent models)
    python tools/interval_coverage.py spillovers [--reps 400]   (share of derivatives outside the base's developer)
"""

from __future__ import annotations

import argparse
import importlib.util
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def _tests_module():
    """tests/test_intervals.py, loaded by path (the tests are not a package)."""
    spec = importlib.util.spec_from_file_location("test_intervals", ROOT / "tests" / "test_intervals.py")
    mod = importlib.util.module_from_spec(spec)
    sys.modules["test_intervals"] = mod
    spec.loader.exec_module(mod)
    return mod


T = _tests_module()

TREND_METHODS = {
    "CR2 two-way (default)": {},
    "HC3 (`cov_type='HC3'`)": {"cov_type": "HC3"},
    "bootstrap of models (`--bootstrap 200`)": {"method": "bootstrap", "n_boot": 200},
    "cluster bootstrap (`--bootstrap 200 --cluster`)": {"method": "cluster-bootstrap", "n_boot": 200},
}


def trends_table(reps: int, sizes) -> list[str]:
    lines = []
    for n, groups, years in sizes:
        for name, kw in TREND_METHODS.items():
            cells = [f"{T.trend_coverage(s, reps, seed=1000 * n + T.SETUPS.index(s), n=n, groups=groups, years=years, **kw):.2f}"
                     for s in T.SETUPS]
            lines.append(f"| {name} | {n} models, {groups} organizations, {years:g} years | " + " | ".join(cells) + " |")
            print(lines[-1], flush=True)
    return lines


def hhi_table(reps: int) -> list[str]:
    lines = []
    for n_models, groups, s in T.HHI_SETUPS:
        cover, shown = T.hhi_coverage(n_models, groups, s, reps, seed=n_models * 1000 + groups)
        lines.append(f"| {n_models} | {groups} | {s:g} | {cover:.3f} | {shown:.2f} |")
        print(lines[-1], flush=True)
    for n_per_year in ((8, 13, 10), (6, 16, 20)):
        cover = T.pooled_coverage(reps, seed=sum(n_per_year), n_per_year=n_per_year)
        lines.append(f"| 3-year window {'+'.join(map(str, n_per_year))} | 30, shares drifting | 1 | {cover:.3f} | 1.00 |")
        print(lines[-1], flush=True)
    return lines


def shares_table(reps: int) -> list[str]:
    """docs/methods.md's two share tables: clustered set-ups (default and Wilson on the same years, mean widths), then
    the independent grid (the default simulated, Wilson exact in brackets)."""
    lines = []
    for n, groups, p, icc in T.CLUSTERED_SHARE_SETUPS + T.MORE_SHARE_SETUPS:
        cells = [T.share_coverage_and_width(reps, n + groups, n, groups, p, icc, m) for m in ("organizations", "wilson")]
        lines.append(f"| {n} models, {groups} organizations, p = {p:g}, icc {icc:g} | "
                     + " | ".join(f"{c:.3f} ({w:.2f})" for c, w in cells) + f" | {T.wilson_exact_coverage(n, p):.3f} |")
        print(lines[-1], flush=True)
    for n in sorted({n for n, _ in T.SHARE_GRID}):
        groups = T.grid_groups(n)
        cells = [f"{T.clustered_share_coverage(reps, 7 * n + int(100 * p), n, groups, p, 0, method='organizations'):.3f}"
                 f" ({T.wilson_exact_coverage(n, p):.3f})" for m, p in T.SHARE_GRID if m == n]
        lines.append(f"| {n} ({groups}) | " + " | ".join(cells) + " |")
        print(lines[-1], flush=True)
    return lines


def spillovers_table(reps: int) -> list[str]:
    """docs/methods.md's spillover table: per set-up, with organization dependence the default and Wilson on the same
    tables (mean widths in brackets), then on independent derivatives the default and Wilson's exact coverage."""
    lines = []
    for n, groups, p in T.OUTSIDE_SETUPS:
        cells = []
        for icc in (T.OUTSIDE_ICC, 0):
            for method in ("organizations", "wilson"):
                if icc == 0 and method == "wilson":
                    cells.append(f"{T.wilson_exact_coverage(n, p):.3f}")
                    continue
                t = T.outside_share_tables(reps, T.outside_seed(n, groups, p, icc), n, groups, p, icc, method)
                cover = ((t["share_outside_low"] <= p) & (p <= t["share_outside_high"])).mean()
                width = (t["share_outside_high"] - t["share_outside_low"]).mean()
                cells.append(f"{cover:.3f} ({width:.2f})")
        lines.append(f"| {n} derivatives, {groups} organizations, p = {p:g} | " + " | ".join(cells) + " |")
        print(lines[-1], flush=True)
    return lines


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("what", choices=("trends", "hhi", "shares", "spillovers"))
    ap.add_argument("--reps", type=int, default=T.R)
    ap.add_argument("--all-sizes", action="store_true", help="trends: every size of the slow tests, not 3")
    args = ap.parse_args(argv)
    if args.what == "trends":
        sizes = T.TREND_SIZES if args.all_sizes else [(70, 14, 12.0), (500, 80, 12.0), (77, 29, 8.5)]
        trends_table(args.reps, sizes)
    elif args.what == "shares":
        shares_table(args.reps)
    elif args.what == "spillovers":
        spillovers_table(args.reps)
    else:
        hhi_table(args.reps)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
