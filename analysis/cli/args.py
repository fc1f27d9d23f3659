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
from analysis.errors import AtlasError, UsageError


class Parser(argparse.ArgumentParser):
    """argparse that reports usage errors with exit code 2 in our one-line format, and runs a command's deferred
    set-up (:func:`defer`) when the command is used or its help shown."""

    setup = None

    def error(self, message: str) -> None:  # type: ignore[override]
        self.exit(2, f"error: {self.prog}: {message}\n")

    def _ready(self) -> None:
        if self.setup is not None:
            setup, self.setup = self.setup, None
            setup(self)

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
        p.setup = setup
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


def _number(text: object, expected: str) -> float:
    """A plain ASCII number (``float`` syntax); ``ArgumentTypeError`` saying what was expected otherwise."""
    s = str(text).strip()
    try:
        if not s.isascii():
            raise ValueError
        return float(s)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{expected}, got {text!r}") from None


def confidence_type(text: object) -> float:
    """argparse type for ``--confidence``: a level strictly between 0 and 1 (each command may narrow it)."""
    v = _number(text, "confidence: expected a number such as 0.90")
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
    v = _number(text, "expected a number")
    if not 0 < v < float("inf"):  # also refuses nan
        raise argparse.ArgumentTypeError(f"must be a positive number, got {text!r}")
    return v


def checked(type_fn, value: object, option: str):
    """Apply an argument type inside a command (for options parsed as strings): UsageError (exit 2) naming it."""
    try:
        return type_fn(value)
    except argparse.ArgumentTypeError as exc:
        raise UsageError(f"{option}: {exc}") from None


def whole_option(value: str, option: str, minimum: int) -> int:
    """A whole-number option checked inside a command: UsageError (exit 2) naming the option."""
    try:
        v = int(str(value).strip())
    except ValueError:
        raise UsageError(f"{option}: expected a whole number, got {value!r}") from None
    if v < minimum:
        raise UsageError(f"{option}: must be at least {minimum}, got {v}")
    return v


def confidence_option(value: str) -> float:
    """``--confidence`` checked inside a command, for analyses that need a level in [0.5, 1)."""
    try:
        c = float(value)
    except ValueError:
        raise UsageError(f"--confidence: expected a number such as 0.90, got {value!r}") from None
    if not (0.5 <= c < 1) or math.isnan(c):
        raise UsageError(f"--confidence: must be in [0.5, 1), e.g. 0.90; got {value}")
    return c


def positive_number_option(text: str | None, option: str, *, fraction: bool = False, minimum: float | None = None) -> float | None:
    """Parse a number such as '1e24' or '8.03e9'; invalid or non-positive -> UsageError (exit 2)."""
    if text is None:
        return None
    try:
        v = float(str(text).strip().replace("_", ""))
    except ValueError:
        raise UsageError(f"{option} expects a number such as 1e24, got {text!r}") from None
    if not math.isfinite(v) or v <= 0:
        raise UsageError(f"{option} must be a positive finite number, got {text!r}")
    if fraction and v > 1:
        raise UsageError(f"{option} is a fraction of peak in (0, 1] (write 0.4 for 40%), got {text!r}")
    if minimum is not None and v < minimum:
        raise UsageError(f"{option} must be at least {minimum:g}, got {text!r}")
    return v


# --- options declared by the analyses (analysis/metrics/analyses.py) --------------------------------------------

ARG_TYPES = {"seed": seed_type, "bootstrap": bootstrap_type, "confidence": confidence_type,
             "positive_int": positive_int_type, "positive_float": positive_float_type, "float": float, "int": int}


def add_analysis_options(p: argparse.ArgumentParser, name: str, *names: str) -> None:
    """Add the options an analysis declares (all, or ``names`` in that order) to a command's parser."""
    from analysis.metrics.analyses import get  # declarations only: loads no pandas

    get(name).add_arguments(p, ARG_TYPES, names or None)

