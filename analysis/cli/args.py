"""Shared command-line pieces: the parser class, ``--data``/``--json`` options, JSON output and the argument types.

Every command module in :mod:`analysis.cli.commands` uses these, so limits and messages are the same everywhere.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import math
import os
import sys
from typing import Any

from analysis import constants as C
from analysis.data.spec import DataSpec
from analysis.errors import AtlasError


class Parser(argparse.ArgumentParser):
    """argparse that reports usage errors with exit code 2 in our one-line format, and runs a command's deferred
    set-up (:func:`defer`) when the command is used or its help shown."""

    setups: list | None = None

    def error(self, message: str) -> None:  # type: ignore[override]
        self.exit(2, f"error: {self.prog}: {message}\n")

    def _ready(self) -> None:
        while self.setups:  # in the order they were deferred (a set-up may defer more)
            self.setups.pop(0)(self)

    def parse_known_args(self, args=None, namespace=None):
        self._ready()
        return super().parse_known_args(args, namespace)

    def format_help(self) -> str:
        self._ready()
        return super().format_help()


def defer(p: argparse.ArgumentParser, setup) -> None:
    """Leave ``setup(p)`` (a command's description and options) until the command is used or its help is shown, so
    that building every command's parser (``frontier-atlas --help``) imports nothing heavy; a plain argparse parser
    runs it now."""
    if isinstance(p, Parser):
        p.setups = [*(p.setups or []), setup]
    else:
        setup(p)


def data_spec_type(text: str) -> DataSpec:
    """argparse type for ``--data``: the SPEC parsed once into a :class:`DataSpec`, which every layer then takes
    as it is (commands pass it to ``load``, ``report`` to the runner). An unusable SPEC is a one-line usage error."""
    try:
        return DataSpec.parse(text)
    except AtlasError as exc:  # an unknown kind or ~user, a missing path after epoch:, an unknown vintage
        raise argparse.ArgumentTypeError(str(exc).removeprefix("--data ")) from None


def add_data_option(p: argparse.ArgumentParser) -> None:
    p.add_argument("--data", metavar="SPEC", default=None, type=data_spec_type,
                   help="data source: omitted = Epoch AI's pinned notable-models snapshot + our overlay; curated = our "
                        "rows only; PATH = a models CSV in our schema; epoch:PATH = an Epoch AI export + our overlay; "
                        "epoch-vintage:DATE = a pinned Epoch snapshot (e.g. 2026-01-26, or latest) + our overlay")
    p.add_argument("--no-overlay", action="store_true",
                   help="with the default data or --data epoch:PATH: Epoch AI's rows as published, without our overlay")


class OutputError(AtlasError):
    """Standard output cannot be written (a full disk, /dev/full, an I/O error)."""


class CheckedStream:
    """Standard output whose write errors (other than a closed pipe) become one :class:`OutputError` line."""

    def __init__(self, stream):
        self._stream = stream

    def _fail(self, exc: OSError) -> OutputError:
        name = "standard output"
        with contextlib.suppress(OSError, ValueError, AttributeError):
            name = f"{os.readlink(f'/proc/self/fd/{self._stream.fileno()}')} (standard output)"
        if self._stream is sys.__stdout__:  # what could not be written must not fail again when Python exits
            with contextlib.suppress(OSError, ValueError):
                fd = os.open(os.devnull, os.O_WRONLY)
                os.dup2(fd, self._stream.fileno())
                os.close(fd)
        return OutputError(f"{name}: cannot write ({exc.strerror or exc})")

    def write(self, text: str) -> int:
        try:
            return self._stream.write(text)
        except BrokenPipeError:
            raise
        except OSError as exc:
            raise self._fail(exc) from None

    def flush(self) -> None:
        try:
            self._stream.flush()
        except BrokenPipeError:
            raise
        except OSError as exc:
            raise self._fail(exc) from None

    def __getattr__(self, name: str):
        return getattr(self._stream, name)


def add_json_option(p: argparse.ArgumentParser) -> None:
    p.add_argument("--json", action="store_true", help="print one JSON value on stdout instead of prose")


def _clean(obj: Any) -> Any:
    """Make a result JSON-safe: NaN/inf -> null, numpy scalars -> Python, dates -> ISO strings (one rule for every
    command and every result: :func:`analysis.metrics.result.json_value`)."""
    from analysis.metrics.result import json_value  # imports pandas: only when JSON is printed, not for --help

    return json_value(obj)


def print_json(obj: Any) -> None:
    json.dump(_clean(obj), sys.stdout, indent=2, sort_keys=False, allow_nan=False)
    sys.stdout.write("\n")


def format_interval(low, high, nd: int = 1, width: int = 0) -> str:
    """An interval as '[low, high]', or '[n/a, n/a]' when it is missing; padded to ``width`` so columns align."""

    def one(x) -> str:
        return "n/a" if x is None or (isinstance(x, float) and math.isnan(x)) else f"{x:.{nd}f}"

    return f"[{one(low)}, {one(high)}]".ljust(width)


# --- argument types: the validators of analysis/metrics/vocabulary.py as argparse types -------------------------

MAX_BOOTSTRAP = C.MAX_BOOTSTRAP  # documented maximum of --bootstrap (analysis/constants.py)


def as_type(check):
    """An argparse type from a validator of :mod:`analysis.metrics.vocabulary` (its one line becomes argparse's
    usage error, exit 2)."""

    def parse(text: str):
        try:
            return check(text)
        except AtlasError as exc:
            raise argparse.ArgumentTypeError(str(exc)) from None

    parse.__name__ = getattr(check, "__name__", "value")
    return parse


def positive_int_type(text: object) -> int:
    """argparse type for counts such as ``--jobs``: a whole number >= 1."""
    from analysis.metrics.registry import to_int  # deferred: --help and --version stay light
    from analysis.metrics.vocabulary import check_count  # deferred: --help and --version stay light

    return as_type(lambda t: check_count(to_int(t)))(text)


# --- options declared by the analyses (analysis/metrics/registry.py) ---------------------------------------------

def add_analysis_options(p: argparse.ArgumentParser, name: str, *names: str) -> None:
    """Add the options the analysis ``name`` declares (all, or ``names`` in that order) to a command's parser:
    deferred like :func:`defer`, since the declaration is at the analysis function (whose module imports pandas)."""

    def setup(p: argparse.ArgumentParser) -> None:
        from analysis.metrics.registry import get  # deferred: finding the analysis imports its module (pandas)

        get(name).add_arguments(p, names or None)

    p.analyses = (*getattr(p, "analyses", ()), name)  # type: ignore[attr-defined]  # which analyses it offers
    defer(p, setup)


def analysis_options(args: argparse.Namespace, name: str) -> dict:
    """The declared parameters of the analysis ``name`` as parsed from a command line, ready for
    ``get(name)(data, **options)``."""
    from analysis.metrics.registry import get  # deferred, like add_analysis_options

    return get(name).options(args)
