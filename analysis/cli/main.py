"""The ``frontier-atlas`` command line.

Subcommands live in ``analysis/cli/commands/<name>.py``; each module defines ``register(subparsers)``, which adds its
parser(s) and sets ``func`` (a callable ``(args) -> int``) as a default. Conventions (see README):

* ``--data SPEC`` wherever data is read: nothing = bundled, ``PATH`` = our schema, ``epoch:PATH`` = Epoch export;
* ``--json`` wherever a number is printed: one JSON value on stdout;
* exit codes: 0 success, 1 input read but wrong / impossible request, 2 unusable invocation or input;
* errors: one line on stderr (``error: ...``); a traceback only with ``--debug``.
"""

from __future__ import annotations

import argparse
import importlib
import os
import pkgutil
import sys
from collections.abc import Sequence

import analysis
import analysis.cli.commands as pkg
from analysis.cli.args import CheckedStream, OutputError, Parser
from analysis.data.spec import without_overlay
from analysis.errors import AtlasError
from analysis.notices import ImportNotice


def build_parser(only: str | None = None) -> argparse.ArgumentParser:
    """The full parser; ``only``: register just the commands of that module (see :func:`main`)."""
    parser = Parser(
        prog="frontier-atlas",
        description="Frontier Atlas: data and honest uncertainty on the AI race (compute, model size, data, openness).",
        formatter_class=lambda prog: argparse.HelpFormatter(prog, max_help_position=30, width=110),
    )
    parser.add_argument("--version", action="version", version=f"frontier-atlas {analysis.__version__}")
    parser.add_argument("--debug", action="store_true", help="show tracebacks for errors")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", parser_class=Parser)
    for mod in sorted(m.name for m in pkgutil.iter_modules(pkg.__path__)):
        if only is not None and mod != only:
            continue
        try:
            importlib.import_module(f"analysis.cli.commands.{mod}").register(sub)
        except Exception as exc:  # a broken command must not take the others down (tests import each one)
            broken = sub.add_parser(mod, help=f"(unavailable: {type(exc).__name__})")
            broken.add_argument("rest", nargs=argparse.REMAINDER)
            broken.set_defaults(func=_unavailable(mod, exc))
    _order_commands(sub)
    return parser


# The order `frontier-atlas --help` lists commands in: check the data, then the questions (compute, size and data,
# openness and competition), then reports. Commands not named here follow alphabetically.
COMMAND_ORDER = ("validate", "data", "trend", "thresholds", "compute", "hardware", "cost", "data-needed", "openness",
                 "openness-score", "lag", "concentration", "capabilities", "report")


def _order_commands(sub) -> None:
    rank = {n: i for i, n in enumerate(COMMAND_ORDER)}
    sub._choices_actions.sort(key=lambda a: (rank.get(a.dest, len(rank)), a.dest))
    for action in sub._choices_actions:  # one line each: the first sentence of the description if help is missing
        parser = sub.choices.get(action.dest)
        if not action.help and parser is not None and isinstance(parser.description, str):
            action.help = parser.description.split(". ")[0].rstrip(".")


def _split_debug(argv: Sequence[str]) -> tuple[list[str], bool]:
    """``--debug`` is accepted anywhere on the line (before ``--``), not only before the command."""
    args, debug = list(argv), False
    end = args.index("--") if "--" in args else len(args)
    head = [a for a in args[:end] if a != "--debug"]
    if len(head) != end:
        debug = True
    return head + args[end:], debug


def _one_line_notices() -> None:
    """Import notices (values set empty, rows skipped) as one ``warning:`` line each on stderr, shown once."""
    import warnings

    previous = warnings.showwarning

    def show(message, category, filename, lineno, file=None, line=None):
        if issubclass(category, ImportNotice):
            print(f"warning: {message}", file=sys.stderr)
        else:
            previous(message, category, filename, lineno, file, line)

    warnings.showwarning = show
    warnings.filterwarnings("once", category=ImportNotice)


def _unavailable(mod: str, exc: Exception):
    def run(args: argparse.Namespace) -> int:
        raise AtlasError(f"command group {mod!r} is unavailable: internal error {type(exc).__name__}: {exc}")

    return run


def main(argv: Sequence[str] | None = None) -> int:
    real, (argv, debug) = argv is None, _split_debug(sys.argv[1:] if argv is None else argv)
    # standard output whose write errors (`> /dev/full`) become one line naming it, for every command and for
    # argparse's own output (--help, --version)
    stdout, sys.stdout = sys.stdout, CheckedStream(sys.stdout)
    try:
        try:
            return _main(argv, debug, real)
        finally:  # also after argparse's exit (--help, a usage error): the output is written, or that is the error
            sys.stdout.flush()
    except OutputError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    finally:
        sys.stdout = stdout


def _main(argv: list[str], debug: bool, real: bool) -> int:
    first = next((a for a in argv if not a.startswith("-")), None)
    head = argv[:argv.index(first)] if first else argv
    if "--version" in head:  # answered before any command is imported
        print(f"frontier-atlas {analysis.__version__}")
        return 0
    # a command in the module of its name registers alone (`report`, `trend`, ...): the others are not even imported
    alone = first in {m.name for m in pkgutil.iter_modules(pkg.__path__)} and not {"-h", "--help"} & set(head)
    parser = build_parser(only=first if alone else None)
    try:
        args = parser.parse_args(argv)
    except SystemExit as exc:  # a usage error (one line printed, exit 2) is returned like every other error;
        if exc.code in (0, None):  # --help and --version leave as argparse does
            raise
        return int(exc.code)
    args.debug = bool(getattr(args, "debug", False) or debug)
    _one_line_notices()
    if not getattr(args, "func", None):
        parser.print_help()
        return 2
    try:
        if getattr(args, "no_overlay", False):
            args.data = without_overlay(args.data)
        return int(args.func(args) or 0)
    except OutputError:
        raise
    except AtlasError as exc:
        if args.debug:
            raise
        print(f"error: {exc}", file=sys.stderr)
        return exc.exit_code
    except KeyboardInterrupt:
        print("error: interrupted", file=sys.stderr)
        if real:  # the real program (not a test calling main): our cleanup is done, so leave at once;
            sys.stdout.flush()  # tearing down the notebook libraries' objects can take seconds on a busy machine
            sys.stderr.flush()
            os._exit(130)
        return 130
    except BrokenPipeError:
        return 0
    except MemoryError:
        print("error: out of memory; use a smaller file or fewer resamples (--bootstrap)", file=sys.stderr)
        return 1
    except Exception as exc:  # a bug, not a user mistake: still one line unless --debug
        if args.debug:
            raise
        print(f"error: internal error ({type(exc).__name__}: {exc}); rerun with --debug and report it", file=sys.stderr)
        return 1
