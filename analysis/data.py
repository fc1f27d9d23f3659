"""Load the curated data, a CSV in our schema, or an Epoch AI export into one typed schema.

``load(spec)`` is the entry point used by every command and notebook:

* ``None`` / ``"default"``: Epoch AI's pinned notable-models snapshot (``data/upstream``) mapped to our schema,
  with our overlay (``data/overlay.csv`` + ``data/models.csv``) applied: see :mod:`analysis.merged`;
* ``"curated"``: only the curated rows in ``data/models.csv`` (the pre-overlay behaviour, for comparison);
* ``"PATH"``: a models CSV in our own schema (other tables stay the bundled ones);
* ``"epoch:PATH"``: an Epoch AI export (notable / all / frontier / large-scale models, any vintage), mapped
  onto our models schema by :mod:`analysis.epoch`, with the overlay applied (``"epoch-raw:PATH"``: without it);
* the other tables (benchmarks, openness, transparency, hardware) are always the bundled ones.

Typed means: dates are ``datetime64``, counts and FLOP are ``float64``, integers are nullable ``Int64``,
categorical columns hold only their allowed values. Reading never crashes on malformed input: it raises
:class:`~analysis.errors.UsageError` (unusable file) or :class:`~analysis.errors.DataError` (the first
problem, with a count of the others; ``frontier-atlas validate`` lists them all).
"""

from __future__ import annotations

import csv
import hashlib
import io
import math
import re
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

from analysis import schema
from analysis.errors import DataError, Problem, UsageError
from analysis.safeio import MAX_FILE_BYTES, expand_user, read_bytes_limited  # bounded, regular files only

# Epoch AI's accessibility categories as they appear in our `access` column.
OPEN_WEIGHTS = ("open-weights-unrestricted", "open-weights-restricted", "open-weights-non-commercial")
CLOSED = ("api", "hosted", "unreleased")

_ISO_DATE = re.compile(r"^[0-9]{4}-[0-9]{2}-[0-9]{2}$")  # ASCII digits only
_ASCII_NUMBER = re.compile(r"^[+-]?([0-9]+(\.[0-9]*)?|\.[0-9]+)([eE][+-]?[0-9]+)?$")


def display_path(path: Path) -> str:
    """Path as shown in messages: relative to the project when inside it."""
    try:
        return str(path.resolve().relative_to(schema.PROJECT_ROOT))
    except ValueError:
        return str(path)


def sha256_file(path: Path) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


def read_text(path: Path) -> str:
    """Read a CSV file as text, or raise UsageError with a one-line reason."""
    shown = display_path(path)
    raw = read_bytes_limited(path, shown, MAX_FILE_BYTES)  # refuses FIFOs, devices, directories; bounded read
    if not raw.strip():
        raise UsageError(f"{shown}: file is empty")
    if b"\x00" in raw[:65536]:
        raise UsageError(f"{shown}: not a CSV file (binary content)")
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        raise UsageError(
            f"{shown}:{line}: not UTF-8 text (byte 0x{raw[exc.start]:02x} at offset {exc.start}); re-save the file as UTF-8"
        ) from None


@dataclass
class RawTable:
    """A CSV read as strings, with the 1-based file line where each record starts."""

    file: str
    header: list[str]
    rows: list[list[str]]
    lines: list[int]
    problems: list[Problem] = field(default_factory=list)

    def frame(self) -> pd.DataFrame:
        df = pd.DataFrame(self.rows, columns=self.header, dtype=object)
        df.index = pd.Index(self.lines, name="line")
        return df


def read_raw(path: Path) -> RawTable:
    """Parse CSV text into strings; ragged rows become problems (not crashes)."""
    text = read_text(path)
    shown = display_path(path)
    reader = csv.reader(io.StringIO(text, newline=""), strict=True)
    header: list[str] | None = None
    rows: list[list[str]] = []
    lines: list[int] = []
    problems: list[Problem] = []
    prev = 0
    try:
        for rec in reader:
            start = prev + 1
            prev = reader.line_num
            if header is None:
                header = [h.strip() for h in rec]
                continue
            if not rec or all(not c.strip() for c in rec):
                continue
            if len(rec) != len(header):
                problems.append(Problem(shown, start, None, f"has {len(rec)} fields, the header has {len(header)}"))
                continue
            rows.append([c.strip() for c in rec])
            lines.append(start)
    except csv.Error as exc:
        raise UsageError(f"{shown}:{reader.line_num}: not a valid CSV ({exc})") from None
    if not header or all(not h for h in header):
        raise UsageError(f"{shown}: no header row")
    if len(header) == 1 and len(text) > 200 and "," not in text.splitlines()[0]:
        raise UsageError(f"{shown}: not a comma-separated file (one column named {header[0][:40]!r})")
    dup = sorted({h for h in header if header.count(h) > 1})
    if dup:
        raise UsageError(f"{shown}: duplicate column name(s) in header: {', '.join(dup)}")
    return RawTable(shown, header, rows, lines, problems)


def parse_number(text: str) -> float:
    """A plain decimal or scientific number; raise ValueError with a readable reason otherwise."""
    if not _ASCII_NUMBER.match(text.strip()):  # float() alone would accept '１e24', '١٢٣e20' and '1_000'
        raise ValueError("not a plain ASCII number")
    value = float(text)  # accepts '8.03e9', '1e24', '  7 '; rejects '1.2e24 FLOP', '175,000'
    if math.isnan(value) or math.isinf(value):
        raise ValueError("not a finite number")
    return value


def _parse_column(raw: pd.Series, fld: schema.Field, file: str, problems: list[Problem]) -> pd.Series:
    values: list[object] = []
    for line, text in raw.items():
        if text == "" or text is None:
            values.append(None)
            continue
        try:
            if fld.type in ("number", "integer"):
                v = parse_number(text)
                if fld.type == "integer" and v != int(v):
                    raise ValueError("not a whole number")
                values.append(v)
            elif fld.type == "date":
                if not _ISO_DATE.match(text):
                    raise ValueError("not an ISO date YYYY-MM-DD")
                ts = pd.Timestamp(text)
                if not pd.Timestamp.min <= ts <= pd.Timestamp.max:  # e.g. 9999-12-31: not representable in ns
                    problems.append(Problem(file, int(line), fld.name, f"date {text} is outside the supported range "
                                            f"{pd.Timestamp.min:%Y-%m-%d} to {pd.Timestamp.max:%Y-%m-%d}"))
                    values.append(None)
                    continue
                values.append(ts)
            else:
                values.append(text)
        except (ValueError, OverflowError):
            expect = {
                "number": "a plain number such as 1.75e11 (no units, no thousands separators)",
                "integer": "a whole number such as 2048",
                "date": "an ISO date YYYY-MM-DD",
            }[fld.type]
            problems.append(Problem(file, int(line), fld.name, f"expected {expect}, got {text[:60]!r}"))
            values.append(None)
    idx = raw.index
    if fld.type == "number":
        return pd.Series([np.nan if v is None else v for v in values], index=idx, dtype="float64")
    if fld.type == "integer":
        return pd.Series([pd.NA if v is None else int(v) for v in values], index=idx, dtype="Int64")
    if fld.type == "date":
        return pd.Series([pd.NaT if v is None else v for v in values], index=idx, dtype="datetime64[ns]")
    return pd.Series([np.nan if v is None else v for v in values], index=idx, dtype="str")


def empty_frame(resource: schema.Resource) -> pd.DataFrame:
    """A zero-row frame with the resource's typed columns."""
    raw = pd.DataFrame({c: pd.Series([], dtype=object) for c in resource.columns})
    return type_frame(raw, resource, "<empty>", [])


def type_frame(raw: pd.DataFrame, resource: schema.Resource, file: str, problems: list[Problem]) -> pd.DataFrame:
    """Convert a frame of strings (index = file line) to the resource's types, recording parse problems."""
    out = {}
    for fld in resource.fields:
        col = raw[fld.name] if fld.name in raw.columns else pd.Series([""] * len(raw), index=raw.index, dtype=object)
        out[fld.name] = _parse_column(col.fillna(""), fld, file, problems)
    df = pd.DataFrame(out, index=raw.index)
    return df


def read_table(path: Path, resource: schema.Resource) -> tuple[pd.DataFrame, list[Problem]]:
    """Read one CSV in our schema: typed frame (index = file line) and the problems found while reading.

    Column-level constraints (ranges, allowed values, uniqueness) are checked by :mod:`analysis.validate`.
    """
    raw = read_raw(path)
    problems = list(raw.problems)
    missing = [f.name for f in resource.fields if f.name not in raw.header]
    for name in missing:
        fld = resource.field(name)
        problems.append(
            Problem(raw.file, 1, name, "required column is missing" if fld.required else "column is missing (treated as empty)",
                    "error" if fld.required else "warning")
        )
    extra = [h for h in raw.header if h not in resource.columns]
    for name in extra:
        problems.append(Problem(raw.file, 1, name, "unknown column (ignored)", "warning"))
    df = type_frame(raw.frame(), resource, raw.file, problems)
    return df, problems


@dataclass(frozen=True)
class Dataset:
    """The tables an analysis runs on, with where they came from."""

    models: pd.DataFrame
    benchmarks: pd.DataFrame
    openness: pd.DataFrame
    transparency: pd.DataFrame
    hardware: pd.DataFrame
    spec: str  # 'default', 'curated', a path, 'epoch:PATH' or 'epoch-raw:PATH'
    files: tuple[tuple[str, str], ...]  # (display path, sha256) of every file read
    vintage: str | None = None  # the upstream snapshot's vintage (folder name) when one is used
    overlay: dict | None = None  # OverlayStats.to_dict() when the overlay was applied

    @property
    def label(self) -> str:
        """Short description of the models' origin for figure source lines."""
        if self.spec in ("default", "bundled"):
            o = self.overlay or {}
            # short enough for a figure's source line: vintage, both sha256 prefixes, the overlay's counts
            # (the overlay's counts are in the manifest and Dataset.overlay)
            return (f"Epoch AI {self.vintage} + overlay, sha256 {str(o.get('upstream_sha256', ''))[:8]}/"
                    f"{str(o.get('overlay_sha256', ''))[:8]}")
        if self.spec == "curated":
            return "Frontier Atlas curated data"
        if self.spec.startswith("epoch:"):
            o = self.overlay or {}
            return (f"Epoch AI, 'Data on AI Models' ({_epoch_name(Path(self.spec[6:]))}) + Frontier Atlas overlay "
                    f"({o.get('corrections', 0)} corrections, {o.get('additions', 0)} additions)")
        if self.spec.startswith("epoch-raw:"):
            return f"Epoch AI, 'Data on AI Models' ({_epoch_name(Path(self.spec[10:]))})"
        return Path(self.spec).name

    def provenance(self) -> dict:
        """Which data, which vintage, how many rows, and the hashes: for report manifests and --json output."""
        return {"spec": self.spec, "label": self.label, "vintage": self.vintage, "models": len(self.models),
                "overlay": self.overlay, "files": dict(self.files)}


def _epoch_name(p: Path) -> str:
    """The export's file name; for a pinned snapshot also its vintage (access date)."""
    if (p.parent / (p.stem + ".meta.json")).exists():
        return f"{p.name}, accessed {p.parent.name}"
    return p.name


def bundled_path(name: str) -> Path:
    return schema.DATA_DIR / schema.resource(name).path


def _finalize(df: pd.DataFrame) -> pd.DataFrame:
    return df.reset_index(drop=True)


def load_table(name: str, path: Path | None = None, *, strict: bool = True) -> pd.DataFrame:
    """Load one table (bundled by default). With ``strict``, any validation error raises DataError."""
    from analysis import validate  # local import: validate depends on this module

    res = schema.resource(name)
    p = path or bundled_path(name)
    if not p.exists() and path is None:
        return empty_frame(res)
    df, problems = read_table(p, res)
    problems = validate.dedupe(problems + validate.check_frame(df, res, display_path(p)))
    errors = [pr for pr in problems if pr.severity == "error"]
    if strict and errors:
        more = f" (and {len(errors) - 1} more problems; run `frontier-atlas validate {display_path(p)}`)" if len(errors) > 1 else ""
        first = errors[0]
        raise DataError(f"{first.message}{more}", file=first.file, row=first.row, column=first.column)
    return _finalize(df)


def parse_spec(spec: str | None) -> tuple[str, Path | None]:
    """Split a --data SPEC into (kind, path).

    Kinds: ('default', None) = upstream snapshot + overlay; ('curated', None) = our rows only; ('csv', PATH);
    ('epoch', PATH) = an Epoch export + overlay; ('epoch-raw', PATH) = an Epoch export without the overlay.
    """
    if spec is None or spec in ("", "bundled", "default"):
        return "default", None
    if spec == "curated":
        return "curated", None
    if spec.startswith("epoch-vintage:"):  # a pinned notable-models snapshot: epoch-vintage:2026-01-26 (or :latest)
        from analysis import upstream

        name = spec[len("epoch-vintage:"):]
        return "epoch", upstream.find("notable_ai_models", None if name in ("", "latest") else name).path
    for prefix in ("epoch:", "epoch-raw:"):
        if spec.startswith(prefix):
            p = spec[len(prefix):]
            if not p:
                raise UsageError(f"--data {prefix}PATH needs a path after {prefix!r}")
            return prefix[:-1], Path(p).expanduser()
    if ":" in spec.split("/")[0] and not Path(spec).exists() and not re.match(r"^[A-Za-z]:[\\/]", spec):
        kind = spec.split(":", 1)[0]
        raise UsageError(f"--data {spec}: unknown source kind {kind!r}; use curated, PATH, epoch:PATH or "
                         "epoch-vintage:DATE")
    return "csv", Path(spec).expanduser()


def without_overlay(spec: str | None) -> str:
    """The spec for ``--no-overlay``: only meaningful with epoch:PATH (and the default snapshot)."""
    kind, path = parse_spec(spec)
    if kind == "epoch":
        return f"epoch-raw:{path}"
    if kind == "default":
        from analysis import upstream

        return f"epoch-raw:{upstream.find('notable_ai_models').path}"
    if kind == "epoch-raw":
        return str(spec)
    raise UsageError("--no-overlay applies to the default data or --data epoch:PATH only")


def load(spec: str | None = None, *, strict: bool = True) -> Dataset:
    """Load the dataset named by a --data SPEC (see module docstring).

    Cached in memory and on disk (:mod:`analysis.merged`), keyed by the sha256 of every input file and of the
    loader code; each call returns its own copies of the tables, so a caller that edits one changes nothing else.
    """
    from analysis import merged, overlay, upstream

    kind, path = parse_spec(spec)
    inputs = [bundled_path(n) for n in schema.TABLES]
    if kind in ("default", "epoch"):
        inputs.append(overlay.OVERLAY_PATH)
    if kind == "default":
        inputs.append(upstream.find("notable_ai_models").path)
    if path is not None:
        if not path.is_file():
            read_text(path)  # the one-line UsageError for a missing or unusable file
        inputs.append(path)
    key = merged.cache_key([kind, str(path), str(strict)], inputs)
    ds = merged.cached(key, lambda: _load(kind, path, strict))
    return Dataset(**{n: getattr(ds, n).copy() for n in schema.TABLES}, spec=ds.spec, files=ds.files,
                   vintage=ds.vintage, overlay=None if ds.overlay is None else dict(ds.overlay))


def _load(kind: str, path: Path | None, strict: bool) -> Dataset:
    tables = {n: load_table(n, strict=strict) for n in schema.TABLES}
    files = [(display_path(bundled_path(n)), sha256_file(bundled_path(n))) for n in schema.TABLES if bundled_path(n).exists()]
    vintage = None
    stats = None
    if kind == "csv":
        assert path is not None
        tables["models"] = load_table("models", path, strict=strict)
        files = [f for f in files if not f[0].endswith("models.csv")] + [(display_path(path), sha256_file(path))]
        label = str(path)
    elif kind in ("default", "epoch", "epoch-raw"):
        from analysis import merged

        m = merged.merged_models(path if kind != "default" else None, overlay=kind != "epoch-raw",
                                 curated=tables["models"])
        tables["models"] = m.models
        vintage = m.vintage
        stats = m.stats
        files = [f for f in files if not (kind == "epoch-raw" and f[0].endswith("models.csv"))] + list(m.files)
        label = {"default": "default", "epoch": f"epoch:{path}", "epoch-raw": f"epoch-raw:{path}"}[kind]
        if kind != "default":  # a user's export: one notice with counts of values set empty and rows skipped
            from analysis.notices import warn_import

            warn_import([p for p in m.warnings if p.column != "upstream_name"])
    else:
        label = "curated"
    return Dataset(**tables, spec=label, files=tuple(files), vintage=vintage, overlay=stats)


def is_open_weights(access: pd.Series) -> pd.Series:
    """True where the access category releases weights (any licence), NaN where access is unknown."""
    out = access.isin(OPEN_WEIGHTS).astype("boolean")
    out[access.isna()] = pd.NA
    return out


# `~unknownuser/x.csv`: Path.expanduser raises RuntimeError. Wherever a --data SPEC is parsed, that is a one-line
# usage error (wraps parse_spec above; functions here and elsewhere look the name up when called).
_parse_spec_expanding = parse_spec


def parse_spec(spec: str | None) -> tuple[str, Path | None]:  # noqa: F811
    """Split a --data SPEC into (kind, path); an unknown ``~user`` is a UsageError."""
    try:
        return _parse_spec_expanding(spec)
    except RuntimeError:
        text = (spec or "")[len("epoch:"):] if (spec or "").startswith("epoch:") else (spec or "")
        expand_user(text)  # raises the UsageError naming the user
        raise
