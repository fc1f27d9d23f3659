"""The registry of analyses: an analysis is declared once, at its definition, by a decorator.

    @analysis("trend")
    def trend(ds, metric: Annotated[str, Opt("a name of METRICS", flag="", choices=METRICS)] = "compute",
              confidence: Confidence = C.DEFAULT_CONFIDENCE, seed: Seed = 0) -> TrendFit:
        \"\"\"Growth per year and doubling time of a metric, with a confidence interval.\"\"\"

Each parameter is written once, in the signature: its name, its typed default, and (in ``Annotated``) an
:class:`Opt` with its one-line help, its validator, its allowed values and its command-line spelling. The shared
ones (``Confidence``, ``Seed``, ``Bootstrap``, ``TopK``, ``Since``, ...) are declared once in
:mod:`analysis.metrics.vocabulary`. The result type is the return annotation and the one-line help the docstring's
first line.

Both front ends use the declaration: the command line builds a command's options from it
(:meth:`Analysis.add_arguments`: same flags, defaults, help, allowed values and validators; the command passes
:meth:`Analysis.options` of its parsed arguments back) and notebooks call the analysis through it
(``get("trend")(ds, metric="parameters")``), which checks the parameter names (an old spelling such as
``ci_level`` is named as such), runs each parameter's validator and checks that the function returned its declared
:class:`~analysis.metrics.result.Result`. Calling the decorated function directly is calling the function.

:func:`get` finds an analysis by name; the first lookup of an unknown name imports the modules of
:mod:`analysis.metrics`, so an analysis declared in a new module is found without being listed anywhere.
"""

from __future__ import annotations

import argparse
import importlib
import inspect
import pkgutil
import typing
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from analysis.errors import AtlasError, UsageError


@dataclass(frozen=True)
class Opt:
    """How a parameter is offered: ``help`` (one line), ``check`` (its validator: value or command-line text ->
    typed value, UsageError otherwise), ``choices`` (the allowed values), ``flag`` (the command-line option; "" =
    positional; default ``--name-with-dashes``), ``metavar``, ``action`` (argparse's ``append`` or
    ``store_true``) and ``nargs`` (``"?"``: an optional positional)."""

    help: str | None = None
    check: Callable[[Any], Any] | None = None
    choices: Sequence | None = None
    flag: str | None = None
    metavar: str | None = None
    action: str | None = None
    nargs: str | None = None


@dataclass(frozen=True)
class Param:
    """One declared parameter: its name and typed default (from the signature) and how it is offered (``opt``)."""

    name: str
    default: Any
    opt: Opt
    convert: Callable[[str], Any] | None = None  # command-line text -> the declared type (int, float), then check

    @property
    def help(self) -> str | None:
        return self.opt.help

    @property
    def allowed(self) -> tuple | None:
        return None if self.opt.choices is None else tuple(self.opt.choices)

    @property
    def option(self) -> str:
        return "--" + self.name.replace("_", "-") if self.opt.flag is None else self.opt.flag

    def check_one(self, value: Any) -> Any:
        """One value through the validator and the allowed values (UsageError naming the parameter)."""
        if self.opt.check is not None:
            value = self.opt.check(value)
        allowed = self.allowed
        if allowed is not None and value not in allowed:
            raise UsageError(f"{self.name} must be one of {', '.join(map(str, allowed))}, got {value!r}")
        return value

    def validate(self, value: Any) -> Any:
        """The value a caller gave, checked: None stays None when the default is None (not given); a repeatable
        parameter is checked item by item; a flag is a bool."""
        if self.opt.action == "store_true":
            if not isinstance(value, bool):
                raise UsageError(f"{self.name} must be True or False, got {value!r}")
            return value
        if value is None and self.default is None:
            return None
        if self.opt.action == "append":
            if isinstance(value, (str, bytes)) or not isinstance(value, Sequence):
                raise UsageError(f"{self.name} must be a list of values, got {value!r}")
            return tuple(self.check_one(v) for v in value)
        return self.check_one(value)

    def _cli_type(self, text: str) -> Any:
        try:
            return self.check_one(text if self.convert is None else self.convert(text))
        except AtlasError as exc:  # the same one line, as argparse's usage error (exit 2)
            raise argparse.ArgumentTypeError(str(exc)) from None

    def add_to(self, parser: argparse.ArgumentParser) -> None:
        """Add this parameter to a command's parser (its validator is the argparse type)."""
        o = self.opt
        kw: dict[str, Any] = {"help": self.help}
        if o.action == "store_true":
            kw.update(action="store_true", default=self.default)
        else:
            if o.check is not None or o.choices is not None or self.convert is not None:
                kw["type"] = self._cli_type
            # a repeatable option starts empty (argparse appends to its default); absent = the declared default
            kw["default"] = None if o.action == "append" else self.default
            if o.choices is not None:
                kw["choices"] = self.allowed
            for key in ("metavar", "action", "nargs"):
                if getattr(o, key) is not None:
                    kw[key] = getattr(o, key)
        if self.option:
            parser.add_argument(self.option, dest=self.name, **kw)
        else:
            if o.nargs is None:
                kw.pop("default", None)
            parser.add_argument(self.name, **kw)


@dataclass(frozen=True)
class Analysis:
    """A declared analysis: ``name``, its ``function``, its parameters, its result type and a one-line help."""

    name: str
    function: Callable[..., Any]
    params: tuple[Param, ...]
    result_type: type
    help: str
    example: tuple[tuple[str, Any], ...] = ()  # a quick call (parameters besides the defaults): docs, smoke tests
    lookup: str | None = None  # why it reads rows beyond the representative set (a per-model look-up), else None

    def param(self, name: str) -> Param:
        for p in self.params:
            if p.name == name:
                return p
        raise KeyError(f"{self.name} has no parameter {name!r}")

    def defaults(self) -> dict[str, Any]:
        return {p.name: p.default for p in self.params}

    def add_arguments(self, parser: argparse.ArgumentParser, names: Sequence[str] | None = None) -> None:
        """Add the declared parameters (all, or ``names`` in that order) to a command's parser."""
        for p in self.params if names is None else tuple(self.param(n) for n in names):
            p.add_to(parser)

    def options(self, args: argparse.Namespace) -> dict[str, Any]:
        """The declared parameters found in a command's parsed arguments (a repeatable option not given: its
        declared default), ready for ``analysis(data, **options)``."""
        out = {}
        for p in self.params:
            if hasattr(args, p.name):
                v = getattr(args, p.name)
                out[p.name] = p.default if v is None and p.opt.action == "append" else v
        return out

    def check(self, **params: Any) -> dict[str, Any]:
        """Every parameter's value (given, else the declared default), each through its validator."""
        names = {p.name for p in self.params}
        for key in sorted(set(params) - names):
            new = RENAMED.get(key)
            if new is not None and new.split()[0] in names:
                raise UsageError(f"{self.name}: {key!r} is now spelled {new}")
            raise UsageError(f"{self.name}: unknown parameter {key!r}; parameters: "
                             f"{', '.join(p.name for p in self.params)}")
        return {p.name: p.validate(params[p.name]) if p.name in params else p.default for p in self.params}

    def __call__(self, data: Any, **params: Any) -> Any:
        """Run the analysis on ``data`` with the declared defaults for the parameters not given."""
        res = self.function(data, **self.check(**params))
        if not isinstance(res, self.result_type):
            raise TypeError(f"analysis {self.name!r} returned {type(res).__name__}, declared "
                            f"{self.result_type.__name__}")
        return res


# Old spellings of a parameter -> the one spelling (the library says so instead of "unknown parameter").
RENAMED = {"ci_level": "confidence", "level": "confidence", "alpha": "confidence (= 1 - alpha)",
           "conf": "confidence", "confidence_level": "confidence", "n_bootstrap": "bootstrap",
           "start": "since", "end": "until", "from_date": "since", "to_date": "until"}

REGISTRY: dict[str, Analysis] = {}


def to_int(text: object) -> int:
    """Command-line text of a whole number (ASCII digits) -> int; UsageError otherwise."""
    s = text.strip() if isinstance(text, str) else None
    if s is None or not s.isascii() or not s.lstrip("+-").isdigit():
        raise UsageError(f"expected a whole number, got {text!r}")
    return int(s)


def to_float(text: object) -> float:
    """Command-line text of a number (ASCII; ``1e24``, ``1_000``) -> float; UsageError otherwise."""
    s = text.strip() if isinstance(text, str) else None
    try:
        if s is None or not s.isascii():
            raise ValueError
        return float(s.replace("_", ""))
    except ValueError:
        raise UsageError(f"expected a number such as 1e24, got {text!r}") from None


def _converter(hint: Any) -> Callable[[str], Any] | None:
    """How the command line turns text into the declared type: int and float parameters are converted before their
    validator (which takes typed values), anything else is checked as text."""
    base = [t for t in typing.get_args(getattr(hint, "__origin__", hint)) or (getattr(hint, "__origin__", hint),)
            if t is not type(None)]
    if base == [int]:
        return to_int
    if base == [float]:
        return to_float
    return None


def _declared(name: str, func: Callable[..., Any], example: dict[str, Any], lookup: str | None) -> Analysis:
    hints = typing.get_type_hints(func, include_extras=True)
    params = []
    for i, (pname, sp) in enumerate(inspect.signature(func).parameters.items()):
        if i == 0:
            continue  # the data
        if sp.default is inspect.Parameter.empty:
            raise TypeError(f"analysis {name!r}: parameter {pname!r} needs a default")
        meta = getattr(hints.get(pname), "__metadata__", ())
        opt = next((m for m in meta if isinstance(m, Opt)), None)
        if opt is None:
            raise TypeError(f"analysis {name!r}: parameter {pname!r} needs an Opt (Annotated[type, Opt(...)])")
        params.append(Param(pname, sp.default, opt, _converter(hints[pname])))
    result = hints.get("return")
    if not isinstance(result, type):
        raise TypeError(f"analysis {name!r}: the function needs its Result class as return annotation")
    doc = inspect.getdoc(func) or ""
    return Analysis(name=name, function=func, params=tuple(params), result_type=result,
                    help=doc.split("\n\n")[0].replace("\n", " ").strip(), example=tuple(example.items()), lookup=lookup)


def analysis(name: str, *, example: dict[str, Any] | None = None, lookup: str | None = None
             ) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
    """Declare the decorated function as the analysis ``name`` (see the module docstring); returns the function
    unchanged, with the declaration as its ``analysis`` attribute. ``example``: the parameters of a quick call
    (besides the defaults), which ``tests/test_registry.py`` runs through the library and the command line.
    ``lookup``: why the analysis reads rows beyond the representative set (one model by id, additions included);
    None: it counts on :func:`analysis.metrics.selection.select`, which ``tests/test_representative.py`` checks."""

    def register(func: Callable[..., Any]) -> Callable[..., Any]:
        entry = _declared(name, func, dict(example or {}), lookup)
        unknown = sorted(set(dict(entry.example)) - {p.name for p in entry.params})
        if unknown:
            raise TypeError(f"analysis {name!r}: example names unknown parameter(s) {', '.join(unknown)}")
        known = REGISTRY.get(name)
        if known is not None and (known.function.__module__, known.function.__qualname__) != (
                func.__module__, func.__qualname__):
            raise ValueError(f"analysis {name!r} is declared twice ({known.function.__module__} and "
                             f"{func.__module__})")
        REGISTRY[name] = entry
        func.analysis = entry  # type: ignore[attr-defined]
        return func

    return register


def load_all() -> dict[str, Analysis]:
    """Import every module of :mod:`analysis.metrics` (each declares its analyses) and return the registry."""
    import analysis.metrics as pkg  # the package this module is in: only to walk its modules

    importlib.import_module("analysis.metrics.entries")
    for mod in pkgutil.walk_packages(pkg.__path__, prefix="analysis.metrics."):
        importlib.import_module(mod.name)
    return REGISTRY


def get(name: str) -> Analysis:
    """The declared analysis ``name`` (UsageError naming the known ones otherwise)."""
    if name not in REGISTRY:
        importlib.import_module("analysis.metrics.entries")  # the analyses of the toolkit's questions
    if name not in REGISTRY:
        load_all()  # an analysis declared in a module of its own
    try:
        return REGISTRY[name]
    except KeyError:
        raise UsageError(f"unknown analysis {name!r}; known: {', '.join(sorted(REGISTRY))}") from None
