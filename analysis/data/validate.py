"""Validate curated CSVs against the data dictionary and report *every* problem.

Checks (each reported as ``file:row:column: message``):

* reading: encoding, CSV syntax, ragged rows, missing/unknown columns (:func:`analysis.data.tables.read_table`);
* types: numbers, integers and ISO dates parse;
* constraints from ``datapackage.json`` (via pandera): required, unique, allowed values, ranges
  (e.g. compute within 1e10-1e30 FLOP, dates from 1950 to today), patterns;
* across files: benchmark/openness rows name known model ids, training hardware ids exist;
* plausibility (warnings): a 6·N·D estimate more than 3x off the stated compute; an MoE without active
  parameters; active parameters above total; a recorded sha256 that no longer matches the file.
"""

from __future__ import annotations

import datetime as _dt
import re
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd
import pandera.pandas as pa

from analysis.data import safeio, schema, tables
from analysis.errors import Problem, UsageError

SIX_ND_TOLERANCE = 3.0  # warn when 6·N·D and the stated compute differ by more than this factor


def _fmt(v: object) -> str:
    if isinstance(v, float):
        return f"{v:g}"
    if isinstance(v, pd.Timestamp):
        return v.strftime("%Y-%m-%d")
    return str(v)


_LIST_OF = re.compile(r"^\^\(([a-z0-9|-]+)\)\(, \?\(\1\)\)\*\$$")


def _pattern_message(pattern: str) -> str:
    """'must match PATTERN', or for a comma-separated list of allowed words (the multi-valued domain) the words."""
    m = _LIST_OF.match(pattern)
    if m:
        return f"must be one of {m.group(1)} (several separated by commas)"
    return f"must match {pattern}"


def _pandera_schema(resource: schema.Resource, today: pd.Timestamp) -> pa.DataFrameSchema:
    cols = {}
    for f in resource.fields:
        checks = []
        if f.enum:
            checks.append(pa.Check.isin(list(f.enum), error=f"must be one of {'|'.join(f.enum)}"))
        if f.type == "date":
            lo = pd.Timestamp(f.minimum) if f.minimum else None
            if lo is not None:
                checks.append(pa.Check.ge(lo, error=f"must be on or after {_fmt(lo)}"))
            checks.append(pa.Check.le(today, error=f"must not be after today ({_fmt(today)})"))
        else:
            if f.minimum is not None:
                checks.append(pa.Check.ge(f.minimum, error=f"must be >= {_fmt(float(f.minimum))}" + (f" {f.unit}" if f.unit else "")))
            if f.maximum is not None:
                checks.append(pa.Check.le(f.maximum, error=f"must be <= {_fmt(float(f.maximum))}" + (f" {f.unit}" if f.unit else "")))
        if f.pattern:
            checks.append(pa.Check.str_matches(f.pattern, error=_pattern_message(f.pattern)))
        cols[f.name] = pa.Column(checks=checks, nullable=not f.required, unique=f.unique, required=False, coerce=False)
    return pa.DataFrameSchema(cols, strict=False)


_MESSAGES = {
    "not_nullable": "is required but empty",
    "field_uniqueness": "duplicate value {value!r} (must be unique)",
}


def check_frame(df: pd.DataFrame, resource: schema.Resource, file: str, today: pd.Timestamp | None = None) -> list[Problem]:
    """Column constraints of one typed frame (index = file line)."""
    today = today or pd.Timestamp(_dt.date.today())
    problems: list[Problem] = []
    try:
        _pandera_schema(resource, today).validate(df, lazy=True)
    except pa.errors.SchemaErrors as exc:
        fc = exc.failure_cases
        for rec in fc.itertuples(index=False):
            line = None if pd.isna(rec.index) else int(rec.index)
            check = str(rec.check)
            template = _MESSAGES.get(check)
            if template:
                msg = template.format(value=rec.failure_case)
            else:
                msg = f"{check}, got {_fmt(rec.failure_case)}"
            problems.append(Problem(file, line, None if pd.isna(rec.column) else str(rec.column), msg))
    # multi-column primary keys
    pk = list(resource.primary_key)
    if len(pk) > 1 and all(c in df.columns for c in pk) and len(df):
        dup = df.duplicated(subset=pk, keep="first")
        for line in df.index[dup]:
            key = ", ".join(f"{c}={_fmt(df.at[line, c])}" for c in pk)
            problems.append(Problem(file, int(line), pk[0], f"duplicate row for ({key})"))
    problems.sort(key=lambda p: (p.row or 0, p.column or ""))
    return _upstream_rows_may_lack(df, problems)


# Epoch AI's rows may lack an organization or a link (analysis.data.epoch keeps them empty rather than guess). In a
# merged table written by `data build` (it has the `overlay` column) those two are required only on our additions,
# which come from data/models.csv with a primary source: what we write, we read.
UPSTREAM_MAY_LACK = ("organization", "source_url")


def _upstream_rows_may_lack(df: pd.DataFrame, problems: list[Problem]) -> list[Problem]:
    if tables.MERGED_COLUMN not in df.columns:
        return problems
    upstream_lines = set(df.index[df[tables.MERGED_COLUMN].fillna("") != "addition"])
    return [p for p in problems if not (p.message == _MESSAGES["not_nullable"] and p.column in UPSTREAM_MAY_LACK
                                        and p.row in upstream_lines)]


def plausibility(models: pd.DataFrame, file: str) -> list[Problem]:
    """Warnings on models.csv rows whose numbers disagree with each other (row order, then check order)."""
    def num(col: str) -> np.ndarray:
        return pd.to_numeric(models[col], errors="coerce").to_numpy(dtype=float)

    act, par, d, c = num("active_parameters"), num("parameters"), num("training_tokens"), num("training_compute_flop")
    n = np.where(np.isnan(act), par, act)
    with np.errstate(invalid="ignore", divide="ignore", over="ignore"):
        ok = ~np.isnan(n) & ~np.isnan(d) & ~np.isnan(c) & (np.fmin(np.fmin(n, d), c) > 0)
        ratio = np.where(ok, 6 * n * d / np.where(ok, c, 1.0), 1.0)
    six_nd = ok & ((ratio > SIX_ND_TOLERANCE) | (ratio < 1 / SIX_ND_TOLERANCE))
    moe = (models["architecture"] == "moe").to_numpy() & np.isnan(act) & ~np.isnan(par)
    over = ~np.isnan(act) & ~np.isnan(par) & (act > par)
    no_method = ~np.isnan(c) & models["compute_method"].isna().to_numpy()
    lines = models.index
    out: list[Problem] = []
    for i in np.flatnonzero(six_nd | moe | over | no_method):
        line = int(lines[i])
        if six_nd[i]:
            out.append(Problem(file, line, "training_compute_flop",
                               f"6*N*D = {6 * n[i] * d[i]:.3g} FLOP is {ratio[i]:.2g}x the stated {c[i]:.3g} FLOP",
                               "warning"))
        if moe[i]:
            out.append(Problem(file, line, "active_parameters", "mixture-of-experts model without active parameters",
                               "warning"))
        if over[i]:
            out.append(Problem(file, line, "active_parameters", "active parameters exceed total parameters"))
        if no_method[i]:
            out.append(Problem(file, line, "compute_method", "training compute given without its estimation method"))
    return out


def dedupe(problems: list[Problem]) -> list[Problem]:
    """Drop 'required but empty' where the same cell already failed to parse (one problem per cell)."""
    parsed = {(p.file, p.row, p.column) for p in problems if p.message.startswith("expected ")}
    return [p for p in problems
            if not (p.message == _MESSAGES["not_nullable"] and (p.file, p.row, p.column) in parsed)]


@dataclass(frozen=True)
class Report:
    """Outcome of a validation run."""

    problems: tuple[Problem, ...]
    files: tuple[str, ...]

    @property
    def errors(self) -> list[Problem]:
        return [p for p in self.problems if p.severity == "error"]

    @property
    def warnings(self) -> list[Problem]:
        return [p for p in self.problems if p.severity == "warning"]

    @property
    def ok(self) -> bool:
        return not self.errors


def _guess_resource(path: Path, header: list[str]) -> schema.Resource | None:
    res = schema.resources()
    for r in res.values():
        if path.name == r.path:
            return r
    best = max(res.values(), key=lambda r: len(set(r.columns) & set(header)))
    return best if set(best.columns) & set(header) else None


def validate_paths(paths: list[Path] | None = None, today: pd.Timestamp | None = None) -> Report:
    """Validate the given CSVs (default: the bundled data set, with cross-file checks).

    Raises UsageError for unusable input (missing file, not CSV, wrong encoding).
    """
    bundled = not paths
    if bundled:
        paths = [tables.bundled_path(n) for n in schema.TABLES if tables.bundled_path(n).exists()]
    problems: list[Problem] = []
    frames: dict[str, tuple[pd.DataFrame, str]] = {}
    for p in paths:
        if str(p).startswith(("epoch:", "epoch-raw:", "epoch-vintage:")) and not safeio.exists(Path(p)):
            raise UsageError(f"{safeio.shorten(str(p))}: validate checks CSVs in our schema; an Epoch AI export is "
                             f"read by any command with --data {safeio.shorten(str(p))}")
        raw = tables.read_raw(p)  # raises UsageError for unusable files
        if tables.looks_like_epoch_export(raw.header):
            raise tables.epoch_hint(raw.file, p)
        res = _guess_resource(p, raw.header)
        if res is None:
            problems.append(Problem(raw.file, 1, None, "columns match no known table (models, benchmarks, openness, transparency, hardware)"))
            continue
        df, probs = tables.read_table(p, res, raw)
        problems += probs
        problems += check_frame(df, res, raw.file, today)
        if res.name == "models":
            problems += plausibility(df, raw.file)
        frames[res.name] = (df, raw.file)
        if bundled and res.sha256 and safeio.sha256_file(p) != res.sha256:
            problems.append(Problem(raw.file, None, None, "sha256 differs from data/datapackage.json; run `make datapackage`", "warning"))
    # cross-file references: use the bundled table when a referenced table was not given
    def table(name: str) -> pd.DataFrame | None:
        if name in frames:
            return frames[name][0]
        p = tables.bundled_path(name)
        if p.exists():
            return tables.read_table(p, schema.resource(name))[0]
        return None

    for name, (df, file) in frames.items():
        for col, ref_res, ref_col in schema.resource(name).foreign_keys:
            ref = table(ref_res)
            if ref is None or col not in df.columns:
                continue
            known = set(ref[ref_col].dropna())
            for line, v in df[col].items():
                if pd.notna(v) and v not in known:
                    if name == "models" and col == "training_hardware":
                        continue  # free-text hardware names are allowed; ids are checked below
                    problems.append(Problem(file, int(line), col, f"unknown {ref_res} id {v!r} (not in {ref_res}.csv)"))
    return Report(tuple(dedupe(problems)), tuple(tables.display_path(p) for p in paths))
