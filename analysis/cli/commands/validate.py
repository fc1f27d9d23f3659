"""``frontier-atlas validate [PATH ...]``: report every problem in the bundled data or the given files."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from analysis.cli.args import add_json_option, print_json


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("validate", help="validate the bundled data (default) or the given CSV files",
                       description="Report every problem as file:row:column: message. Exit 0 clean, 1 problems, 2 unusable input.")
    p.add_argument("paths", nargs="*", type=Path, metavar="PATH", help="CSV files in our schema (default: data/*.csv)")
    p.add_argument("--strict", action="store_true", help="treat warnings as problems (exit 1)")
    add_json_option(p)
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    from analysis.data.validate import validate_paths

    report = validate_paths(list(args.paths) or None)
    failed = bool(report.errors) or (args.strict and bool(report.warnings))
    if args.json:
        print_json({"ok": not failed, "files": list(report.files), "errors": len(report.errors),
                    "warnings": len(report.warnings), "problems": [p.as_dict() for p in report.problems]})
    else:
        for p in report.problems:
            print(str(p), file=sys.stdout if p.severity == "error" else sys.stderr)
        status = "FAILED" if failed else "ok"
        print(f"{status}: {len(report.files)} file(s), {len(report.errors)} error(s), {len(report.warnings)} warning(s)",
              file=sys.stderr)
    return 1 if failed else 0
