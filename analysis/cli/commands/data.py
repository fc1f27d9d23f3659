"""``frontier-atlas data SUBCOMMAND``: the data layers (upstream snapshots, vintages, refresh).

Each subcommand is added by one small ``register_<name>(subparsers)`` function listed in ``SUBCOMMANDS``, so
subcommands can be added independently.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from analysis.cli.args import Parser, add_data_option, add_json_option, defer, print_json


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("data", help="data layers: compare Epoch AI vintages, pull a new one",
                       description="Work with the data layers: pinned upstream snapshots (data/upstream/) and their "
                                   "vintages.")
    dsub = p.add_subparsers(dest="data_command", metavar="SUBCOMMAND", parser_class=Parser)
    for reg in SUBCOMMANDS:
        reg(dsub)
    p.set_defaults(func=_help(p))


def _help(p: argparse.ArgumentParser):
    def run(args: argparse.Namespace) -> int:
        p.print_help()
        return 2

    return run


# --- data diff ---------------------------------------------------------------------------------------------------

def register_diff(dsub: argparse._SubParsersAction) -> None:
    p = dsub.add_parser(
        "diff", help="compare two Epoch AI exports: models added/removed/renamed, values changed, headline fits",
        description="Compare two Epoch AI 'Data on AI Models' exports of any column vintage. OLD and NEW are paths, "
                    "epoch:PATH, or vintage names of the pinned notable-models snapshot (e.g. 2026-01-26, "
                    "2026-07-19, epoch-vintage:latest). Models match by exact name; a rename is a leftover pair with "
                    "the same publication date and the same Link URLs, or the same date, organization and "
                    "parameters and compute within 1%; pairs must be one-to-one. The vintage effect re-runs the "
                    "headline fits (notable compute trend since 2010, frontier since 2018, open-weights share by "
                    "year) on each side with their intervals.")
    p.add_argument("old", metavar="OLD", help="the older export: PATH, epoch:PATH or a vintage name")
    p.add_argument("new", metavar="NEW", help="the newer export: PATH, epoch:PATH or a vintage name")
    p.add_argument("--max-list", default="10", metavar="N", help="models listed per category in text (default 10)")
    add_json_option(p)
    p.set_defaults(func=run_diff)


def run_diff(args: argparse.Namespace) -> int:
    from analysis.data import exports
    from analysis.errors import UsageError
    from analysis.metrics import vintages

    try:
        max_list = int(args.max_list)
    except ValueError:
        raise UsageError(f"--max-list: expected a whole number, got {args.max_list!r}") from None
    d = vintages.diff(exports.read_export(args.old), exports.read_export(args.new))
    if args.json:
        print_json(d.to_dict())
    else:
        print("\n".join(d.lines(max_list=max(0, max_list))))
    return 0


# --- data pull ---------------------------------------------------------------------------------------------------

def register_pull(dsub: argparse._SubParsersAction) -> None:
    defer(dsub.add_parser("pull", help="download Epoch AI's current files into a new vintage folder, then diff "
                                       "against the last one"), _pull_options)


def _pull_options(p) -> None:
    from analysis.data import pull  # imports pandas: only when the command is used

    p.description = (
        "Download Epoch AI's public files (" + ", ".join(f for f, _, _ in pull.FILES) + ") from --url-base into "
        "DEST/VINTAGE with their metadata (producer, licence, credit, access date, sha256). Atomic: files are "
        "downloaded into a temporary folder in DEST beside the new vintage, checked to parse as Epoch exports, then "
        "the folder is renamed into place; an existing vintage is never overwritten and a failed download leaves "
        "nothing behind. Then prints the diff of the notable-models file against the previous vintage.")
    p.add_argument("--url-base", default=pull.URL_BASE, metavar="URL", help=f"where the files are (default {pull.URL_BASE})")
    p.add_argument("--dest", default=None, metavar="DIR",
                   help="the producer folder of the snapshots (default data/upstream/epoch-ai)")
    p.add_argument("--vintage", default=None, metavar="YYYY-MM-DD", help="folder name and access date (default today, UTC)")
    p.add_argument("--timeout", default="60", metavar="SECONDS",
                   help=f"network timeout per read (default 60, at most {pull.MAX_TIMEOUT:g})")
    p.add_argument("--deadline", default=str(pull.DEFAULT_DEADLINE), metavar="SECONDS",
                   help=f"the whole pull must finish within this (default {pull.DEFAULT_DEADLINE:g})")
    p.add_argument("--allow-fewer-rows", action="store_true",
                   help=f"accept a file with fewer than {pull.MIN_ROW_RATIO * 100:g}%% of the previous vintage's rows")
    p.add_argument("--quiet", action="store_true", help="no progress bar")
    p.add_argument("--infrastructure", action="store_true",
                   help="also download Epoch's GPU clusters and frontier data centers (" +
                        ", ".join(f for f, _, _ in pull.INFRASTRUCTURE_FILES) + ")")
    add_json_option(p)
    p.set_defaults(func=run_pull)


def run_pull(args: argparse.Namespace) -> int:
    import sys
    from pathlib import Path

    from analysis.data import exports, pull
    from analysis.errors import UsageError
    from analysis.metrics import vintages

    seconds = {}
    for opt, text in (("--timeout", args.timeout), ("--deadline", args.deadline)):
        try:
            seconds[opt] = float(text)
        except ValueError:
            raise UsageError(f"{opt}: expected a number of seconds, got {text!r}") from None
    dest = Path(args.dest).expanduser() if args.dest else pull.DEFAULT_DEST
    progress = None if args.quiet else pull.TextProgress(sys.stderr)
    files = pull.FILES + (pull.INFRASTRUCTURE_FILES if args.infrastructure else ())
    result = pull.pull(args.url_base, dest, vintage=args.vintage, timeout=seconds["--timeout"], progress=progress,
                       deadline=seconds["--deadline"], allow_fewer_rows=args.allow_fewer_rows, files=files)
    d = None
    if result.previous:
        d = vintages.diff(exports.read_export(str(dest / result.previous / f"{exports.NOTABLE}.csv")),
                          exports.read_export(str(result.folder / f"{exports.NOTABLE}.csv")))
    if args.json:
        out = result.to_dict()
        out["diff"] = d.to_dict() if d else None
        print_json(out)
    else:
        print("\n".join(result.lines()))
        if d:
            print(f"diff against the previous vintage {result.previous}:")
            print("\n".join(d.lines()))
        else:
            print("no previous notable-models vintage to compare with")
    return 0


# --- data build ----------------------------------------------------------------------------------------------------

def register_build(sub: argparse._SubParsersAction) -> None:
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



def write_models_csv(models, path: Path) -> None:
    """The merged table as CSV (:func:`analysis.data.writer.write_csv`: full precision, read back exactly, spreadsheet
    formulas escaped, atomic, mode per the umask)."""
    from analysis.data import overlay, schema
    from analysis.data.writer import write_csv

    cols = schema.resource("models").columns + ([overlay.ORIGIN_COLUMN] if overlay.ORIGIN_COLUMN in models.columns else [])
    write_csv(models[cols], path)


def run_build(args: argparse.Namespace) -> int:
    from analysis.data import dataset, overlay
    from analysis.data.writer import write_csv

    ds = dataset.load(args.data)
    write_models_csv(ds.models, args.out)
    info = ds.provenance()
    info["out"] = str(args.out)
    # our alternatives beside the table's (Epoch AI's) values, as `compute MODEL` shows them; the table keeps Epoch's
    alts = overlay.alternatives(ds.models)
    info["alternatives"] = len(alts)
    if len(alts):
        alt_path = args.out.with_name(args.out.stem + ".alternatives.csv")
        write_csv(alts, alt_path)
        info["alternatives_out"] = str(alt_path)
    if args.json:
        print_json(info)
    else:
        o = ds.overlay or {}
        extra = (f"; overlay: {o.get('corrections', 0)} corrections, {o.get('matches', 0)} matches, "
                 f"{o.get('additions', 0)} additions") if o else ""
        print(f"wrote {args.out}: {len(ds.models)} models from {ds.label}{extra}")
        if len(alts):
            print(f"wrote {info['alternatives_out']}: {len(alts)} alternatives of ours kept beside Epoch AI's values "
                  f"(on {alts['id'].nunique()} models; the table holds Epoch AI's)")
        for name in (o.get("missing_keys") or [])[:20]:
            print(f"warning: overlay key {name!r} not found upstream; the curated row was added as it stands",
                  file=sys.stderr)
    return 0


SUBCOMMANDS = (register_diff, register_pull, register_build)
