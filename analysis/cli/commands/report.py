"""``frontier-atlas report``: execute the notebooks into reports/ (parallel, incremental, atomic)."""

from __future__ import annotations

import argparse
import sys

from analysis.cli.args import add_json_option, data_spec_type, positive_int_type, print_json


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("report", help="build reports from the notebooks (papermill)",
                       description="Execute notebooks into reports/<name>/ with figures, tables and a manifest. "
                                   "Unchanged reports are skipped; failures leave the last good report intact.")
    p.add_argument("names", nargs="*", metavar="NAME", help="notebooks to run (default: all)")
    p.add_argument("--out", default=None, metavar="DIR", help="output folder (default: reports/)")
    p.add_argument("--jobs", type=positive_int_type, default=None, metavar="N", help="notebooks run at once (default: cores)")
    p.add_argument("--data", metavar="SPEC", default=None, type=data_spec_type, help="data for every notebook: PATH or epoch:PATH")
    p.add_argument("-p", dest="params", action="append", default=[], metavar="KEY=VALUE",
                   help="override a notebook parameter (checked against its declared type); KEY=V1,V2 (or KEY "
                        "repeated) sweeps: one report per value in <out>/NAME--KEY=VALUE/ (write \\, for a literal "
                        "comma)")
    p.add_argument("--force", action="store_true", help="rebuild even when nothing changed")
    p.add_argument("--timeout", default=None, metavar="SECONDS",  # checked by the runner, as the variable below
                   help="time limit of one report; a report over it fails, the others go on (default: "
                        "$FRONTIER_ATLAS_REPORT_TIMEOUT, else 1800)")
    p.add_argument("--list", action="store_true", help="list the notebooks and their parameters, then exit")
    add_json_option(p)
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    from analysis.errors import UsageError
    from analysis.reporting import reports

    if args.list:
        rows = {n: {k: {"type": v.type, "default": v.default, "help": v.help}
                    for k, v in reports.declared_parameters(n).items()} for n in reports.available()}
        if args.json:
            print_json(rows)
        else:
            for n, ps in rows.items():
                print(n)
                for k, v in ps.items():
                    print(f"  {k}: {v['type']} = {v['default']}  # {v['help']}")
        return 0
    if args.jobs is not None and args.jobs < 1:
        raise UsageError("--jobs must be at least 1")

    def progress(i: int, total: int, res) -> None:
        if not args.json:
            print(f"[{i}/{total}] {res.name:<22} {res.status:<7} {res.seconds:6.1f} s", file=sys.stderr, flush=True)

    out = reports.DEFAULT_OUT if args.out is None else args.out
    results = reports.run_reports(args.names or None, out=out, jobs=args.jobs, data_spec=args.data,
                                  overrides=args.params, force=args.force, progress=progress,
                                  timeout=args.timeout)
    failed = [r for r in results if r.status == "failed"]
    if args.json:
        print_json({"out": str(out), "reports": [vars(r) for r in results], "failed": len(failed)})
    else:
        counts = {s: sum(r.status == s for r in results) for s in ("ok", "skipped", "failed")}
        print(f"reports: {counts['ok']} built, {counts['skipped']} unchanged, {counts['failed']} failed "
              f"-> {out}/index.html", file=sys.stderr)
        for r in failed:
            print(f"error: {r.message}", file=sys.stderr)
    return 1 if failed else 0
