"""``frontier-atlas data …``: the data layers (upstream snapshot, overlay, merged table).

Subcommands are the entries of ``SUBCOMMANDS``: each is a function ``(subparsers) -> None`` that adds one parser
and sets ``func``. Adding a subcommand (``diff``, ``pull``) is one more function and one more entry.
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
from pathlib import Path

from analysis.cli import add_data_option, add_json_option, print_json


def add_build(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("build", help="write the merged models table (snapshot + overlay) as a CSV in our schema",
                       description="Build the models table every analysis uses by default (Epoch AI's pinned "
                                   "notable-models snapshot mapped to our schema, with our overlay applied) and "
                                   "write it as CSV. The last column, 'overlay', says what the overlay did to each "
                                   "row ('' upstream as published, correction, match, addition).")
    p.add_argument("--out", type=Path, default=Path("build/models.csv"), metavar="PATH",
                   help="output CSV (default: build/models.csv)")
    add_data_option(p)
    add_json_option(p)
    p.set_defaults(func=run_build)


SUBCOMMANDS = [add_build]


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("data", help="data layers: build the merged table", description=__doc__.splitlines()[0])
    inner = p.add_subparsers(dest="data_command", metavar="SUBCOMMAND", parser_class=type(p))
    for add in SUBCOMMANDS:
        add(inner)
    p.set_defaults(func=lambda args: (p.print_help(sys.stderr), 2)[1])


def write_models_csv(models, path: Path) -> None:
    """Write atomically: a temporary file in the target folder, then a rename (no half-written table)."""
    from analysis import overlay, schema
    from analysis.errors import UsageError
    from analysis.figures import write_table

    cols = schema.resource("models").columns + ([overlay.ORIGIN_COLUMN] if overlay.ORIGIN_COLUMN in models.columns else [])
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
        os.close(fd)
        write_table(models[cols], Path(tmp))
        os.replace(tmp, path)
    except OSError as exc:
        raise UsageError(f"{path}: cannot write ({exc.strerror or exc})") from None


def run_build(args: argparse.Namespace) -> int:
    from analysis import data

    ds = data.load(args.data)
    write_models_csv(ds.models, args.out)
    info = ds.provenance()
    info["out"] = str(args.out)
    if args.json:
        print_json(info)
    else:
        o = ds.overlay or {}
        extra = (f"; overlay: {o.get('corrections', 0)} corrections, {o.get('matches', 0)} matches, "
                 f"{o.get('additions', 0)} additions") if o else ""
        print(f"wrote {args.out}: {len(ds.models)} models from {ds.label}{extra}")
        for name in (o.get("missing_keys") or [])[:20]:
            print(f"warning: overlay key {name!r} not found upstream; the curated row was added as it stands",
                  file=sys.stderr)
    return 0
