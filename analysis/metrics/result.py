"""One shape for analysis results: a frozen dataclass that is a :class:`Result`.

A result says what it estimated (its fields) and how far to trust it (:class:`ResultMeta`: ``n``, ``window``,
``interval_kind``, ``confidence``). From these, and nothing else, it gives

* ``to_dict()`` — JSON-safe, snake_case keys, intervals as ``[low, high]`` under ``<name>_ci``, dates as
  ``YYYY-MM-DD``, NaN and infinite values as ``None``, tables as lists of records; the meta keys are added
  (``n``, ``window``, ``interval_kind``, ``confidence``) unless the result already has a field of that name;
* ``to_frame()`` — a tidy table: the result's own table when it has one (``frame_field``), else one row of its
  scalar estimates with each interval split into ``<name>_low`` / ``<name>_high``;
* ``caption()`` — one line built from the meta only: ``"n=120, window 2018-01-01 to 2026-06-30; 90% interval:
  OLS t, HC3 errors"``.

A result class declares how its fields map to JSON in four class attributes, instead of a hand-written
``to_dict``: ``json_skip`` (fields left out: arrays, fitted objects, internal tables), ``json_rename`` (field ->
key), ``json_derived`` (properties added after the fields, e.g. ``growth_per_year``) and, for the rare key that
is neither a field nor a property, a ``json_extra()`` method. ``confidence`` is the one name of the confidence
level (a fraction such as 0.9); older fields named ``ci_level`` are kept for their callers, and the meta adds
``confidence`` next to them.

Tables. An analysis whose answer is a table returns a :class:`TableResult` (the table, its meta, its settings),
and so do the table functions beneath the registered analyses (``open_share``, ``shares_by_year``,
``concentration``, ``frontier_organizations``, ``frontier_entrants``, the leadership timelines, ``overtraining``
(tokens per parameter), ``saturation``, ``spillover_counts``, ``benchmark_entries``), each listing its settings in
its docstring. No function sets ``DataFrame.attrs``: pandas does not reliably carry them through operations, so
they were a hidden channel (``tests/test_result.py`` checks none is set under ``analysis/``).
"""

from __future__ import annotations

import datetime as dt
import math
from dataclasses import dataclass, fields
from typing import Any, ClassVar

import numpy as np
import pandas as pd


def json_value(obj: Any) -> Any:
    """A value made JSON-safe: NaN/inf -> None, numpy scalars -> Python, dates -> ISO strings, tables -> records."""
    if isinstance(obj, Result):
        return obj.to_dict()
    if isinstance(obj, pd.DataFrame):
        return [json_value(r) for r in obj.to_dict(orient="records")]
    if isinstance(obj, (pd.Series, np.ndarray)):
        return [json_value(v) for v in obj.tolist()]
    if isinstance(obj, dict):
        return {str(k): json_value(v) for k, v in obj.items()}
    if isinstance(obj, (list, tuple)):
        return [json_value(v) for v in obj]
    if isinstance(obj, (bool, np.bool_)):
        return bool(obj)
    if isinstance(obj, np.integer):
        return int(obj)
    if isinstance(obj, (np.floating, float)):
        f = float(obj)
        return None if math.isnan(f) or math.isinf(f) else f
    if obj is pd.NA or obj is pd.NaT:
        return None
    if isinstance(obj, pd.Timestamp):
        return obj.strftime("%Y-%m-%d")
    if isinstance(obj, (dt.date, dt.datetime, dt.time)):
        return obj.isoformat()
    return obj


def iso_date(ts: object) -> str | None:
    """A date (Timestamp, date or date string) as ``YYYY-MM-DD``; a year (an integer) as ``YYYY``; None for
    None/NaT/NaN."""
    if ts is None or (isinstance(ts, float) and math.isnan(ts)):
        return None
    if isinstance(ts, (int, np.integer)):
        return str(int(ts))
    if pd.isna(ts):
        return None
    return pd.Timestamp(ts).strftime("%Y-%m-%d")


@dataclass(frozen=True)
class ResultMeta:
    """What a caption needs: ``n`` (units the estimate rests on; 0 for values computed from published constants,
    not from rows of data), ``window`` (first and last date or year of the data used; None when there is none),
    ``interval_kind`` (how the interval was made) and ``confidence`` (its level, a fraction; None for a result
    without an interval, whose ``interval_kind`` then starts with "none:")."""

    n: int
    window: tuple[str | None, str | None]
    interval_kind: str
    confidence: float | None

    def to_dict(self) -> dict:
        return {"n": int(self.n), "window": [self.window[0], self.window[1]], "interval_kind": self.interval_kind,
                "confidence": None if self.confidence is None else float(self.confidence)}

    def caption(self) -> str:
        """One line: ``n=120, window 2018-01-01 to 2026-06-30; 90% interval: OLS t, HC3 errors`` (n and window left
        out when there are none)."""
        lo, hi = (w if w is not None else "n/a" for w in self.window)
        head = ([f"n={self.n}"] if self.n else []) + ([f"window {lo} to {hi}"] if self.window != (None, None) else [])
        tail = (self.interval_kind if self.confidence is None else
                f"{self.confidence * 100:g}% interval: {self.interval_kind}")
        return "; ".join(filter(None, (", ".join(head), tail)))


def span(values) -> tuple[object, object]:
    """The window of a series of dates or years: its first and last value, or (None, None) when it is empty."""
    return (values.min(), values.max()) if len(values) else (None, None)


def partial_year(dates) -> int | None:
    """The calendar year of the last of ``dates`` (the data's coverage) when that date is not 31 December: that year
    is incomplete and per-year counts, shares and concentrations for it are partial. None otherwise."""
    end = pd.to_datetime(pd.Series(dates), errors="coerce").max() if len(dates) else pd.NaT
    if pd.isna(end) or (end.month, end.day) == (12, 31):
        return None
    return int(end.year)


def meta(n: int, start: object, end: object, interval_kind: str, confidence: float | None) -> ResultMeta:
    """A :class:`ResultMeta` from a window given as dates, timestamps or years (integers)."""
    return ResultMeta(n=int(n), window=(iso_date(start), iso_date(end)), interval_kind=interval_kind,
                      confidence=None if confidence is None else float(confidence))


class Result:
    """Base of every analysis result (mix into a frozen dataclass; subclasses define :attr:`meta`)."""

    json_skip: ClassVar[frozenset[str]] = frozenset()  # fields not in to_dict()
    json_rename: ClassVar[dict[str, str]] = {}  # field -> key in to_dict()
    json_derived: ClassVar[tuple[str, ...]] = ()  # properties added to to_dict() after the fields
    frame_field: ClassVar[str | None] = None  # a DataFrame field that is the result's own table (to_frame())

    @property
    def meta(self) -> ResultMeta:
        raise NotImplementedError(f"{type(self).__name__} must define meta")

    def json_extra(self) -> dict:
        """Keys that are neither fields nor properties (override where needed)."""
        return {}

    def to_dict(self) -> dict:
        """JSON-safe dict of the fields (minus ``json_skip``, renamed by ``json_rename``), the ``json_derived``
        properties, ``json_extra()`` and the meta keys not already present."""
        out: dict[str, Any] = {}
        for f in fields(self):  # type: ignore[arg-type]
            if f.name not in self.json_skip:
                out[self.json_rename.get(f.name, f.name)] = json_value(getattr(self, f.name))
        for name in self.json_derived:
            out[name] = json_value(getattr(self, name))
        out.update(json_value(self.json_extra()))
        for k, v in self.meta.to_dict().items():
            out.setdefault(k, v)
        return out

    def to_frame(self) -> pd.DataFrame:
        """The result's own table (``frame_field``), or one row of its scalar estimates and meta, each
        ``<name>_ci`` interval split into ``<name>_low`` and ``<name>_high``."""
        if self.frame_field is not None:
            return getattr(self, self.frame_field)
        row: dict[str, Any] = {}
        for k, v in self.to_dict().items():
            if k.endswith("_ci") and isinstance(v, list) and len(v) == 2:
                row[f"{k[:-3]}_low"], row[f"{k[:-3]}_high"] = v
            elif k == "window" and isinstance(v, list) and len(v) == 2:
                row["window_start"], row["window_end"] = v
            elif not isinstance(v, (list, dict)):
                row[k] = v
        return pd.DataFrame([row])

    def caption(self) -> str:
        """One line from the meta: n, window, interval level and kind."""
        return self.meta.caption()


@dataclass(frozen=True)
class TableResult(Result):
    """A documented table type: an analysis whose answer is a table (one row per year, subset or group), with the
    meta of the whole (``info``) and the settings the table was made with (``settings``: subset, by, seed, counts
    of rows left out, ...; what older functions carried in ``DataFrame.attrs``, which nothing sets now).

    ``to_frame()`` is the table itself; ``to_dict()`` the settings, the rows under ``rows_key`` and the meta.
    """

    table: pd.DataFrame
    info: ResultMeta
    settings: dict
    rows_key: str = "rows"

    json_skip = frozenset({"table", "info", "settings", "rows_key"})
    frame_field = "table"

    @property
    def meta(self) -> ResultMeta:
        return self.info

    def json_extra(self) -> dict:
        return {**self.settings, self.rows_key: self.table}
