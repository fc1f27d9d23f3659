"""The registry of analyses: each analysis declares once its name, function, parameters and result type.

    declare("trend", func="analysis.metrics.entries:trend", result="analysis.metrics.trends.fits:TrendFit",
            help="growth per year of a metric", params=(
                Param("metric", "compute", "one of: compute, parameters, ...", flag=""),
                Param("confidence", 0.90, "confidence level of the intervals", kind="confidence")))

The declaration is used by both front ends: the command line builds its options from it
(:meth:`Analysis.add_arguments`, same flags, defaults, help and allowed values) and notebooks call the analysis
through it (``get("trend")(ds, metric="parameters")``), which checks the parameter names and allowed values and
that the function returned its declared :class:`~analysis.metrics.result.Result`. The declarations live in
:mod:`analysis.metrics.analyses` (importing it fills the registry), the functions in :mod:`analysis.metrics.entries`.
Function and result are named as ``"module:name"`` and imported when the analysis first runs, so that building a
command's options from a declaration loads no pandas.

An analysis function takes the loaded data first (an :class:`analysis.data.dataset.Dataset`, or anything with its
``models``/``openness``/``benchmarks`` attributes) and its parameters as keywords.
"""

from __future__ import annotations

import argparse
import importlib
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from analysis.errors import UsageError

if TYPE_CHECKING:  # the result module imports pandas; declarations must not (`frontier-atlas --help` stays light)
    from analysis.metrics.result import Result

_UNSET = object()


@dataclass(frozen=True)
class Param:
    """One parameter of an analysis.

    ``default`` is the typed default the function gets; ``kind`` names the command-line argument type that converts
    and checks a string (``seed``, ``bootstrap``, ``confidence``, ``positive_int``: the front end maps the name to
    its parser, e.g. :data:`analysis.cli.args.ARG_TYPES`; None: the string is passed on and the function, or the
    command, checks it); ``choices``
    the allowed values; ``flag`` the command-line option ("" = positional; default ``--name-with-dashes``);
    ``action`` an argparse action (``append``, ``store_true``); ``nargs`` argparse's (``"?"``: an optional
    positional); ``cli_default`` what the command line stores when
    the option is absent, when that differs from ``default`` (e.g. None meaning "the documented default").
    """

    name: str
    default: Any
    help: str | None
    kind: str | None = None
    choices: tuple | str | None = None  # the allowed values, or a "module:NAME" reference to them
    flag: str | None = None
    metavar: str | None = None
    action: str | None = None
    cli_default: Any = _UNSET
    cli_choices: bool = True  # False: the command checks the value itself (with its own message)
    nargs: str | None = None  # argparse nargs (e.g. "?" for an optional positional)

    @property
    def allowed(self) -> tuple | None:
        """The allowed values (a ``"module:NAME"`` reference is imported when first needed)."""
        return tuple(resolve(self.choices)) if isinstance(self.choices, str) else self.choices

    @property
    def option(self) -> str:
        return "--" + self.name.replace("_", "-") if self.flag is None else self.flag

    def add_to(self, parser: argparse.ArgumentParser, types: Mapping[str, Callable[[str], Any]]) -> None:
        """Add this parameter to a command's parser; ``types`` maps each ``kind`` to its argparse type."""
        default = self.default if self.cli_default is _UNSET else self.cli_default
        kw: dict[str, Any] = {"help": self.help}
        if self.action == "store_true":
            kw.update(action="store_true")
        else:
            kw.update(default=list(default) if self.action == "append" and default is not None else default)
            if self.kind is not None:
                kw["type"] = types[self.kind]
            if self.choices is not None and self.cli_choices:
                kw["choices"] = self.allowed
            for key in ("metavar", "action", "nargs"):
                if getattr(self, key) is not None:
                    kw[key] = getattr(self, key)
        if self.option:
            parser.add_argument(self.option, dest=self.name, **kw)
        else:
            kw.pop("default", None)
            parser.add_argument(self.name, **kw)


def resolve(ref: str) -> Any:
    """``"package.module:name"`` -> the object (imported on first use, so declarations load no pandas)."""
    module, _, attr = ref.partition(":")
    return getattr(importlib.import_module(module), attr)


@dataclass(frozen=True)
class Analysis:
    """A declared analysis: ``name``, its function and result type (as ``"module:name"`` references, imported when
    the analysis first runs), its parameters and a one-line help."""

    name: str
    func: str
    params: tuple[Param, ...]
    result: str
    help: str

    @property
    def function(self) -> Callable[..., Result]:
        return resolve(self.func)

    @property
    def result_type(self) -> type:
        return resolve(self.result)

    def param(self, name: str) -> Param:
        for p in self.params:
            if p.name == name:
                return p
        raise KeyError(f"{self.name} has no parameter {name!r}")

    def defaults(self) -> dict[str, Any]:
        return {p.name: p.default for p in self.params}

    def add_arguments(self, parser: argparse.ArgumentParser, types: Mapping[str, Callable[[str], Any]],
                      names: tuple[str, ...] | None = None) -> None:
        """Add the declared parameters (all, or ``names`` in that order) to a command's parser."""
        for p in self.params if names is None else tuple(self.param(n) for n in names):
            p.add_to(parser, types)

    def __call__(self, data: Any, **params: Any) -> Result:
        """Run the analysis on ``data`` with the declared defaults for parameters not given."""
        unknown = sorted(set(params) - {p.name for p in self.params})
        if unknown:
            raise UsageError(f"{self.name}: unknown parameter {unknown[0]!r}; parameters: "
                             f"{', '.join(p.name for p in self.params)}")
        values = {**self.defaults(), **params}
        for p in self.params:
            allowed = p.allowed
            if allowed is not None and values[p.name] not in allowed and not (
                    p.action == "append" and set(values[p.name] or ()) <= set(allowed)):
                raise UsageError(f"{self.name}: {p.name} must be one of {', '.join(map(str, allowed))}, got "
                                 f"{values[p.name]!r}")
        res = self.function(data, **values)
        expected = self.result_type
        if not isinstance(res, expected):
            raise TypeError(f"analysis {self.name!r} returned {type(res).__name__}, declared {expected.__name__}")
        return res


REGISTRY: dict[str, Analysis] = {}


def declare(name: str, *, func: str, result: str, params: tuple[Param, ...] = (), help: str) -> Analysis:
    """Register the analysis ``name`` (declared once; see the module docstring)."""
    if name in REGISTRY:
        raise ValueError(f"analysis {name!r} is declared twice")
    REGISTRY[name] = entry = Analysis(name=name, func=func, params=tuple(params), result=result, help=help)
    return entry


def get(name: str) -> Analysis:
    """The declared analysis ``name`` (UsageError naming the known ones otherwise)."""
    try:
        return REGISTRY[name]
    except KeyError:
        raise UsageError(f"unknown analysis {name!r}; known: {', '.join(sorted(REGISTRY))}") from None
