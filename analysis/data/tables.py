"""Read a CSV in our schema into one typed frame: bounded reading, CSV parsing, number and date parsing.

The low layer of data loading, shared by the loader (:mod:`analysis.data.dataset`), the validator
(:mod:`analysis.data.validate`), the Epoch importer and the overlay. Typed means: dates are ``datetime64``, counts
and FLOP are ``float64``, integers are nullable ``Int64``, categorical columns hold only their allowed values.
Reading never crashes on malformed input: it raises :class:`~analysis.errors.UsageError` (unusable file) or
records a :class:`~analysis.errors.Problem`.
"""

from __future__ import annotations

import csv
import io
import math
import re
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

from analysis.data import schema, upstream
from analysis.data.safeio import MAX_FILE_BYTES, display_path
from analysis.data.writer import unescape_cell
from analysis.errors import Problem, UsageError

# Epoch AI's accessibility categories as they appear in our `access` column.
OPEN_WEIGHTS = ("open-weights-unrestricted", "open-weights-restricted", "open-weights-non-commercial")
CLOSED = ("api", "hosted", "unreleased")

_ISO_DATE = re.compile(r"^[0-9]{4}-[0-9]{2}-[0-9]{2}$")  # ASCII digits only
_ASCII_NUMBER = re.compile(r"^[+-]?([0-9]+(\.[0-9]*)?|\.[0-9]+)([eE][+-]?[0-9]+)?$")


def read_text(path: Path) -> str:
    """Read a CSV file as text, or raise UsageError with a one-line reason."""
    shown = display_path(path)
    # bounded, regular files only (FIFOs, devices, directories refused); a pinned snapshot is checked against the
    # sha256 of its metadata (upstream.read_verified: the one check every way of reading a snapshot goes through)
    raw = upstream.read_verified(path, shown, MAX_FILE_BYTES)
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
            rows.append([unescape_cell(c.strip()) for c in rec])  # our spreadsheet-formula escape
            lines.append(start)
    except csv.Error as exc:
        raise UsageError(f"{shown}:{reader.line_num}: not a valid CSV ({exc})") from None
    if not header or all(not h for h in header):
        raise UsageError(f"{shown}: no header row")
    _check_delimiter(shown, text.split("\n", 1)[0], header)
    dup = sorted({h for h in header if header.count(h) > 1})
    if dup:
        raise UsageError(f"{shown}: duplicate column name(s) in header: {', '.join(dup)}")
    return RawTable(shown, header, rows, lines, problems)


def _check_delimiter(shown: str, first_line: str, header: list[str]) -> None:
    """A semicolon- or tab-separated file (a spreadsheet saved with a European list separator) is named as such
    instead of failing later on a missing column: UsageError saying how to re-save it."""
    for sep, name in ((";", "semicolon"), ("\t", "tab")):
        n = first_line.count(sep)
        if n >= 2 and n + 1 > len(header):
            raise UsageError(f"{shown}: the file is {name}-separated (its header has {n + 1} columns separated by "
                             f"{sep!r}); save it as a comma-separated CSV (UTF-8), e.g. in Excel 'CSV UTF-8 "
                             "(Comma delimited)'")
    if len(header) == 1 and len(first_line) > 40 and "," not in first_line:
        raise UsageError(f"{shown}: not a comma-separated file (one column named {header[0][:40]!r})")


# The column data build adds to the merged table: what the overlay did to the row ('' as published, correction,
# match, addition); a models CSV that has it is a merged table, read back with it (see read_table).
MERGED_COLUMN = "overlay"
MERGED_VALUES = ("", "correction", "match", "addition")
# An Epoch AI export's essential columns (analysis.data.epoch.ALIASES): such a file given as our schema is named.
EPOCH_MARKERS = ("Model", "Publication date")


def looks_like_epoch_export(header: list[str]) -> bool:
    low = {h.strip().lower() for h in header}
    return all(m.lower() in low for m in EPOCH_MARKERS) and "id" not in low


def epoch_hint(shown: str, path: Path) -> UsageError:
    return UsageError(f"{shown}: this is an Epoch AI export (columns 'Model', 'Publication date'), not a table in our "
                      f"schema; read it with --data epoch:{path} (or epoch-raw:{path} without our overlay)")


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

    Column-level constraints (ranges, allowed values, uniqueness) are checked by :mod:`analysis.data.validate`.
    """
    raw = read_raw(path)
    problems = list(raw.problems)
    if resource.name == "models" and looks_like_epoch_export(raw.header):
        raise epoch_hint(raw.file, path)
    merged = resource.name == "models" and MERGED_COLUMN in raw.header
    missing = [f.name for f in resource.fields if f.name not in raw.header]
    for name in missing:
        fld = resource.field(name)
        problems.append(
            Problem(raw.file, 1, name, "required column is missing" if fld.required else "column is missing (treated as empty)",
                    "error" if fld.required else "warning")
        )
    extra = [h for h in raw.header if h not in resource.columns and not (merged and h == MERGED_COLUMN)]
    for name in extra:
        problems.append(Problem(raw.file, 1, name, "unknown column (ignored)", "warning"))
    frame = raw.frame()
    df = type_frame(frame, resource, raw.file, problems)
    if merged:  # a merged table (data build): keep what the overlay did to each row
        origin = frame[MERGED_COLUMN].fillna("")
        for line in origin.index[~origin.isin(MERGED_VALUES)]:
            problems.append(Problem(raw.file, int(line), MERGED_COLUMN,
                                    f"must be one of {'|'.join(MERGED_VALUES[1:])} or empty, got {origin[line]!r}"))
        df[MERGED_COLUMN] = pd.Series(origin.where(origin.isin(MERGED_VALUES), ""), dtype="str")
    return df, problems


def bundled_path(name: str) -> Path:
    return schema.DATA_DIR / schema.resource(name).path
