"""The ``frontier-atlas`` command line.

Subcommands live in ``analysis/commands/<name>.py``; each module defines ``register(subparsers)``, which adds its
parser(s) and sets ``func`` (a callable ``(args) -> int``) as a default. Conventions (see README):

* ``--data SPEC`` wherever data is read: nothing = bundled, ``PATH`` = our schema, ``epoch:PATH`` = Epoch export;
* ``--json`` wherever a number is printed: one JSON value on stdout;
* exit codes: 0 success, 1 input read but wrong / impossible request, 2 unusable invocation or input;
* errors: one line on stderr (``error: ...``); a traceback only with ``--debug``.
"""

from __future__ import annotations

import argparse
import importlib
import json
import math
import os
import pkgutil
import sys
from collections.abc import Sequence
from typing import Any

import analysis
from analysis import constants as C
from analysis.errors import AtlasError, UsageError


class _Parser(argparse.ArgumentParser):
    """argparse that reports usage errors with exit code 2 in our one-line format."""

    def error(self, message: str) -> None:  # type: ignore[override]
        self.exit(2, f"error: {self.prog}: {message}\n")


def add_data_option(p: argparse.ArgumentParser) -> None:
    p.add_argument("--data", metavar="SPEC", default=None,
                   help="data source: omitted = Epoch AI's pinned notable-models snapshot + our overlay; curated = our "
                        "rows only; PATH = a models CSV in our schema; epoch:PATH = an Epoch AI export + our overlay; "
                        "epoch-vintage:DATE = a pinned Epoch snapshot (e.g. 2026-01-26, or latest) + our overlay")
    p.add_argument("--no-overlay", action="store_true",
                   help="with the default data or --data epoch:PATH: Epoch AI's rows as published, without our overlay")


def add_json_option(p: argparse.ArgumentParser) -> None:
    p.add_argument("--json", action="store_true", help="print one JSON value on stdout instead of prose")


def _clean(obj: Any) -> Any:
    """Make a result JSON-safe: NaN/inf -> null, numpy scalars -> Python, dates -> ISO strings."""
    import numpy as np
    import pandas as pd

    if isinstance(obj, dict):
        return {str(k): _clean(v) for k, v in obj.items()}
    if isinstance(obj, (list, tuple)):
        return [_clean(v) for v in obj]
    if isinstance(obj, (np.integer,)):
        return int(obj)
    if isinstance(obj, (np.floating, float)):
        f = float(obj)
        return None if math.isnan(f) or math.isinf(f) else f
    if isinstance(obj, (np.bool_,)):
        return bool(obj)
    if obj is pd.NA or obj is pd.NaT:
        return None
    if isinstance(obj, (pd.Timestamp,)):
        return obj.strftime("%Y-%m-%d")
    if hasattr(obj, "isoformat"):
        return obj.isoformat()
    return obj


def print_json(obj: Any) -> None:
    json.dump(_clean(obj), sys.stdout, indent=2, sort_keys=False, allow_nan=False)
    sys.stdout.write("\n")


def build_parser(only: str | None = None) -> argparse.ArgumentParser:
    """The full parser; ``only``: register just that command (the fast path of ``report``, see :func:`main`)."""
    parser = _Parser(
        prog="frontier-atlas",
        description="Frontier Atlas: data and honest uncertainty on the AI race (compute, model size, data, openness).",
        formatter_class=lambda prog: argparse.HelpFormatter(prog, max_help_position=30, width=110),
    )
    parser.add_argument("--version", action="version", version=f"frontier-atlas {analysis.__version__}")
    parser.add_argument("--debug", action="store_true", help="show tracebacks for errors")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", parser_class=_Parser)
    import analysis.commands as pkg

    for mod in sorted(m.name for m in pkgutil.iter_modules(pkg.__path__)):
        if only is not None and mod != only:
            continue
        try:
            importlib.import_module(f"analysis.commands.{mod}").register(sub)
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
        if not action.help and parser is not None and parser.description:
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

    from analysis.notices import ImportNotice

    previous = warnings.showwarning

    def show(message, category, filename, lineno, file=None, line=None):
        if issubclass(category, ImportNotice):
            print(f"warning: {message}", file=sys.stderr)
        else:
            previous(message, category, filename, lineno, file, line)

    warnings.showwarning = show
    warnings.filterwarnings("once", category=ImportNotice)


def date_option(text: str | None, opt: str):
    """A date option (``--since``/``--until``) as a Timestamp, None when not given; a one-line UsageError otherwise."""
    import pandas as pd

    if text is None:
        return None
    try:
        return pd.Timestamp(text)
    except (ValueError, TypeError):
        raise UsageError(f"{opt} {text!r}: expected a date such as 2023-01-01") from None


def format_interval(low, high, nd: int = 1, width: int = 0) -> str:
    """An interval as '[low, high]', or '[n/a, n/a]' when it is missing; padded to ``width`` so columns align."""

    def one(x) -> str:
        return "n/a" if x is None or (isinstance(x, float) and math.isnan(x)) else f"{x:.{nd}f}"

    return f"[{one(low)}, {one(high)}]".ljust(width)


def _unavailable(mod: str, exc: Exception):
    def run(args: argparse.Namespace) -> int:
        raise AtlasError(f"command group {mod!r} is unavailable: internal error {type(exc).__name__}: {exc}")

    return run


# Commands whose own module is all they need: `frontier-atlas report` then skips importing every other command (and
# through them pandas, scipy and statsmodels), so deciding that every report is unchanged takes well under a second.
FAST_COMMANDS = ("report",)


def main(argv: Sequence[str] | None = None) -> int:
    argv, debug = _split_debug(sys.argv[1:] if argv is None else argv)
    first = next((a for a in argv if not a.startswith("-")), None)
    fast = first in FAST_COMMANDS and not any(a in ("-h", "--help") for a in argv[:argv.index(first)])
    parser = build_parser(only=first if fast else None)
    args = parser.parse_args(argv)
    args.debug = bool(getattr(args, "debug", False) or debug)
    _one_line_notices()
    if not getattr(args, "func", None):
        parser.print_help()
        return 2
    try:
        if getattr(args, "no_overlay", False):
            from analysis.data import without_overlay

            args.data = without_overlay(args.data)
        return int(args.func(args) or 0)
    except AtlasError as exc:
        if args.debug:
            raise
        print(f"error: {exc}", file=sys.stderr)
        return exc.exit_code
    except KeyboardInterrupt:
        print("error: interrupted", file=sys.stderr)
        if argv is None:  # the real program (not a test calling main): our cleanup is done, so leave at once;
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


# --- shared argument types (every command uses these, so limits and messages are the same everywhere) ------------

MAX_BOOTSTRAP = C.MAX_BOOTSTRAP  # documented maximum of --bootstrap (analysis/constants.py)
MAX_SEED = 2**32 - 1  # numpy seeds are non-negative; 32 bits are plenty and print the same everywhere


def _whole(text: object, what: str) -> int:
    s = str(text).strip()
    if not s.isascii() or not s.lstrip("+-").isdigit():
        raise argparse.ArgumentTypeError(f"{what}: expected a whole number, got {text!r}")
    return int(s)


def seed_type(text: object) -> int:
    """argparse type for ``--seed``: a whole number in [0, 2**32 - 1]."""
    v = _whole(text, "seed")
    if not 0 <= v <= MAX_SEED:
        raise argparse.ArgumentTypeError(f"seed must be between 0 and {MAX_SEED}, got {text!r}")
    return v


def bootstrap_type(text: object) -> int:
    """argparse type for ``--bootstrap``: resamples, between 10 and :data:`MAX_BOOTSTRAP`."""
    v = _whole(text, "bootstrap")
    if not 10 <= v <= MAX_BOOTSTRAP:
        raise argparse.ArgumentTypeError(f"bootstrap must be at least 10 and at most {MAX_BOOTSTRAP:,} resamples, "
                                         f"got {text!r}")
    return v


def confidence_type(text: object) -> float:
    """argparse type for ``--confidence``: a level strictly between 0 and 1 (each command may narrow it)."""
    s = str(text).strip()
    try:
        if not s.isascii():
            raise ValueError
        v = float(s)
    except ValueError:
        raise argparse.ArgumentTypeError(f"confidence: expected a number such as 0.90, got {text!r}") from None
    if not 0 < v < 1:  # also refuses nan and inf
        raise argparse.ArgumentTypeError(f"confidence must be between 0 and 1 (e.g. 0.90), got {text!r}")
    return v


def positive_int_type(text: object) -> int:
    """argparse type for counts such as ``--top-k`` and ``--jobs``: a whole number >= 1."""
    v = _whole(text, "value")
    if v < 1:
        raise argparse.ArgumentTypeError(f"must be at least 1, got {text!r}")
    return v


def positive_float_type(text: object) -> float:
    """argparse type for amounts such as ``--timeout``: a finite number > 0."""
    s = str(text).strip()
    try:
        if not s.isascii():
            raise ValueError
        v = float(s)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a number, got {text!r}") from None
    if not 0 < v < float("inf"):  # also refuses nan
        raise argparse.ArgumentTypeError(f"must be a positive number, got {text!r}")
    return v


def checked(type_fn, value: object, option: str):
    """Apply an argument type inside a command (for options parsed as strings): UsageError (exit 2) naming it."""
    from analysis.errors import UsageError

    try:
        return type_fn(value)
    except argparse.ArgumentTypeError as exc:
        raise UsageError(f"{option}: {exc}") from None
