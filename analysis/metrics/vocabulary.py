"""The parameters the analyses share, each defined once: its validator (one rule and one message for the command
line, the library and the notebooks) and its declaration for :func:`analysis.metrics.registry.analysis`.

A validator takes a value as a caller gives it (a number, or the text typed on the command line) and returns the
typed value or raises :class:`~analysis.errors.UsageError` with one line saying what is expected. The command line
turns the same error into its usage error (``error: frontier-atlas trend: argument --confidence: confidence must be
in [0.5, 1), e.g. 0.90; got '0.3'``), so a rule cannot differ between commands or between a command and the
library. The annotated types below (``Confidence``, ``Seed``, ...) are what an analysis function writes in its
signature::

    @analysis("trend")
    def trend(ds, confidence: Confidence = C.DEFAULT_CONFIDENCE, seed: Seed = 0) -> TrendFit: ...

Old spellings of a parameter (``ci_level``, ``level``, ``alpha``, ...) are refused by the registry with a message
naming the one spelling (:data:`analysis.metrics.registry.RENAMED`). This module imports no pandas (dates import it when one is checked).
"""

from __future__ import annotations

import math
import numbers
import re
from typing import Annotated

from analysis import constants as C
from analysis.errors import AnalysisError, UsageError
from analysis.metrics.registry import Opt

MAX_BOOTSTRAP = C.MAX_BOOTSTRAP  # documented maximum of bootstrap resamples (analysis/constants.py)
MIN_BOOTSTRAP = 10  # fewer resamples cannot place a 90% percentile interval
MAX_SEED = 2**32 - 1  # numpy seeds are non-negative; 32 bits are plenty and print the same everywhere

SUBSETS = ("notable", "frontier", "open", "closed")  # which models (analysis.metrics.selection.select)
DOMAIN_RULES = ("any", "only")  # --domain: listed among others, or the model's one domain



def _text(value: object) -> str | None:
    return value.strip() if isinstance(value, str) else None


def _number(value: object, what: str, example: str) -> float:
    """A real number given as a number or as plain ASCII text; UsageError saying what was expected otherwise."""
    if isinstance(value, bool):
        raise UsageError(f"{what}: expected a number such as {example}, got {value!r}")
    s = _text(value)
    try:
        if s is not None and not s.isascii():
            raise ValueError
        return float(s.replace("_", "") if s is not None else value)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        raise UsageError(f"{what}: expected a number such as {example}, got {value!r}") from None


def _whole(value: object, what: str) -> int:
    """A whole number (an int, not a bool, float or text: the command line converts text with :func:`to_int`)."""
    if isinstance(value, bool) or not isinstance(value, numbers.Integral):
        raise UsageError(f"{what} must be a positive whole number, got {value!r}" if what == "top_k" else
                         f"{what}: expected a whole number, got {value!r}")
    return int(value)


# --- the validators ----------------------------------------------------------------------------------------------

def check_confidence(confidence: object) -> float:
    """The one rule for a confidence level: a number in [0.5, 1) (default 0.90 everywhere)."""
    try:
        c = _number(confidence, "confidence", "0.90")
    except UsageError:
        raise UsageError(f"confidence must be a number in [0.5, 1), e.g. 0.90; got {confidence!r}") from None
    if not 0.5 <= c < 1:  # also refuses nan and inf
        raise UsageError(f"confidence must be in [0.5, 1), e.g. 0.90; got {confidence!r}")
    return c


def check_seed(seed: object) -> int:
    """A random seed: a whole number in [0, 2**32 - 1]."""
    v = _whole(seed, "seed")
    if not 0 <= v <= MAX_SEED:
        raise UsageError(f"seed must be between 0 and {MAX_SEED}, got {seed!r}")
    return v


def check_n_boot(n_boot: object, minimum: int = 1) -> int:
    """Bootstrap size: a whole number in [minimum, MAX_BOOTSTRAP] (inner helpers; a declared ``bootstrap``
    parameter uses :func:`check_bootstrap`)."""
    v = _whole(n_boot, "n_boot")
    if v < minimum:
        raise UsageError(f"n_boot: need at least {minimum} resamples (a whole number), got {n_boot!r}")
    if v > MAX_BOOTSTRAP:
        raise UsageError(f"n_boot: {v} bootstrap resamples is more than the maximum of {MAX_BOOTSTRAP:,}; "
                         f"{MAX_BOOTSTRAP:,} already makes the Monte Carlo error negligible")
    return v


def check_bootstrap(n: object) -> int:
    """Resamples of a bootstrap interval: a whole number in [10, MAX_BOOTSTRAP]."""
    v = _whole(n, "bootstrap")
    if not MIN_BOOTSTRAP <= v <= MAX_BOOTSTRAP:
        raise UsageError(f"bootstrap must be at least {MIN_BOOTSTRAP} and at most {MAX_BOOTSTRAP:,} resamples, "
                         f"got {n!r}")
    return v


def check_top_k(top_k: object) -> int:
    """A count such as ``top_k``: a whole number >= 1."""
    v = _whole(top_k, "top_k")
    if v < 1:
        raise UsageError(f"top_k must be a positive whole number, got {top_k!r}")
    return v


def check_count(value: object) -> int:
    """A count such as a window in years or a year: a whole number >= 1."""
    v = _whole(value, "value")
    if v < 1:
        raise UsageError(f"must be at least 1, got {value!r}")
    return v


def check_positive(value: object, what: str = "value") -> float:
    """A finite positive number (non-numbers: UsageError; zero, negative or infinite: AnalysisError)."""
    v = _number(value, what, "1e24")
    if not math.isfinite(v) or v <= 0:
        raise AnalysisError(f"{what} must be a positive finite number, got {value!r}")
    return v


def check_amount(value: object) -> float:
    """A positive finite amount given by a caller (FLOP, parameters, hours, prices): one message for all."""
    v = _number(value, "value", "1e24")
    if not math.isfinite(v) or v <= 0:
        raise UsageError(f"must be a positive finite number, got {value!r}")
    return v


def check_fraction(value: object) -> float:
    """A fraction of peak such as a utilization: in (0, 1]."""
    v = _number(value, "fraction", "0.4")
    if not 0 < v <= 1:
        raise UsageError(f"must be a fraction in (0, 1] (write 0.4 for 40%), got {value!r}")
    return v


def check_pue(value: object) -> float:
    """Power usage effectiveness: a finite number >= 1."""
    v = _number(value, "PUE", "1.2")
    if not 1 <= v < math.inf:
        raise UsageError(f"PUE must be at least 1 (facility power over IT power), got {value!r}")
    return v


_DATE = re.compile(r"(\d{4})(?:-(\d{2})(?:-(\d{2}))?)?")


def check_date(value: object, what: str = "date"):
    """YYYY, YYYY-MM or YYYY-MM-DD (or a date) -> ``pandas.Timestamp``; None passes through; else UsageError."""
    import pandas as pd

    if value is None:
        return None
    if isinstance(value, pd.Timestamp):
        return value
    if hasattr(value, "year") and hasattr(value, "month"):
        return pd.Timestamp(value)
    s = str(value).strip()
    m = _DATE.fullmatch(s)
    if not m:
        raise UsageError(f"{what}: {s!r} is not a date; use YYYY-MM-DD (or YYYY-MM, YYYY)")
    try:
        return pd.Timestamp(int(m.group(1)), int(m.group(2) or 1), int(m.group(3) or 1))
    except ValueError as exc:
        raise UsageError(f"{what}: {s!r} is not a date (not a valid date: {exc})") from None


def check_since(value: object):
    """A first date, or ``"all"`` for no lower bound (kept as the word ``"all"``)."""
    if isinstance(value, str) and value.strip().lower() == "all":
        return "all"
    return check_date(value, "since")


def check_start(value: object):
    """A first date (``since``)."""
    return check_date(value, "since")


def check_until(value: object):
    """A last date (``until``)."""
    return check_date(value, "until")


def check_nonnegative(value: object) -> float:
    """A finite number >= 0 (a tolerance)."""
    v = _number(value, "value", "0.5")
    if not 0 <= v < math.inf:
        raise UsageError(f"must be a finite number >= 0, got {value!r}")
    return v


def check_subset(subset: object) -> str:
    """A subset name (:data:`SUBSETS`)."""
    if subset not in SUBSETS:
        raise UsageError(f"unknown subset {subset!r}; choose one of {', '.join(SUBSETS)}")
    return str(subset)


def check_domain_rule(rule: object) -> str:
    if rule not in DOMAIN_RULES:
        raise UsageError(f"unknown domain rule {rule!r}; choose any (the model lists the domain among others) or "
                         "only (the model's one domain)")
    return str(rule)


def check_approach(approach: object) -> str:
    """A compute-optimal scaling fit (:data:`analysis.constants.SCALING_APPROACHES`)."""
    if approach not in C.SCALING_APPROACHES:
        raise UsageError(f"unknown approach {approach!r}; choose one of {', '.join(C.SCALING_APPROACHES)}")
    return str(approach)


def check_name(value: object) -> str:
    """A non-empty name (a domain, a benchmark, a model id)."""
    s = _text(value)
    if not s:
        raise UsageError(f"expected a non-empty name, got {value!r}")
    return s


# The shared parameters by the name they have wherever they appear (commands, analyses, the notebooks' parameters
# cells): the report runner checks a notebook's ``-p NAME=VALUE`` with the validator of that name, before anything
# runs. Dates import pandas only when one is given.
BY_NAME = {"confidence": check_confidence, "seed": check_seed, "n_boot": check_bootstrap, "top_k": check_top_k,
           "subset": check_subset, "since": check_start, "until": check_until, "domain_rule": check_domain_rule,
           "approach": check_approach}


# --- the declarations analysis functions annotate their parameters with ---------------------------------------

Confidence = Annotated[float, Opt(f"confidence level of the intervals, in [0.5, 1) (default "
                                  f"{C.DEFAULT_CONFIDENCE:.2f})", check=check_confidence, metavar="P")]
Seed = Annotated[int, Opt("random seed of the bootstrap or Monte Carlo draws (default 0)", check=check_seed,
                          metavar="S")]
Bootstrap = Annotated[int, Opt(f"bootstrap resamples ({MIN_BOOTSTRAP} to {MAX_BOOTSTRAP:,}; default 1000)",
                               check=check_bootstrap, metavar="N")]
TopK = Annotated[int, Opt(f"frontier size: top K by training compute at release (default {C.FRONTIER_TOP_K})",
                          check=check_top_k, metavar="K")]
Since = Annotated[object, Opt("only models released on/after DATE (YYYY-MM-DD, YYYY-MM or YYYY)",
                              check=check_start, metavar="DATE")]
Until = Annotated[object, Opt("only models released on/before DATE (YYYY-MM-DD, YYYY-MM or YYYY)",
                              check=check_until, metavar="DATE")]
Domain = Annotated[object, Opt("only models with this domain among theirs (e.g. language: multimodal language "
                               "models included; see --domain-rule)", check=check_name, metavar="NAME")]
DomainRule = Annotated[str, Opt("with --domain: any = models listing the domain among others (default; '--domain "
                                "language' includes multimodal language models); only = models whose one domain "
                                "it is", choices=DOMAIN_RULES)]
