"""Read a CSV in our schema into one typed frame: bounded reading, CSV parsing, number and date parsing.

The low layer of data loading, shared by the loader (:mod:`analysis.data.dataset`), the validator
(:mod:`analysis.data.validate`), the Epoch importer and the overlay. Typed means: dates are ``datetime64``, counts
and FLOP are ``float64``, integers are nullable ``Int64``, categorical columns hold only their allowed values.
Reading never crashes on malformed input: it raises :class:`~analysis.errors.UsageError` (unusable file) or
records a :class:`~analysis.errors.Problem`.
"""

from __future__ import annotations

import csv
import math
import re
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

from analysis.data import schema, upstream
from analysis.data.safeio import MAX_FILE_BYTES, display_path
from analysis.data.writer import FORMULA_CHARS, unescape_cell
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


# Substrings that show some cell may have white space at an edge (a space or tab beside a comma, a line end or a
# quote; a quoted field that opens or closes with a line break) or any other white-space character: if the text has
# none, no cell needs stripping. Plain substring tests (C speed), conservative.
_SPACE_MARKS = (" ,", ", ", " \n", "\n ", " \r", "\r ", ' "', '" ')
_QUOTE_MARKS = (',"\n', ',"\r', '\n"\n', '\n"\r', '\r"\n', '\r"\r', '\n",', '\r",')
_OTHER_SPACE = frozenset(c for c in map(chr, range(0x3001)) if c.isspace()) - {" ", "\n", "\r"}
_ESCAPE_MARKS = tuple("'" + c for c in FORMULA_CHARS)


_ORDINARY = bytes(range(0x21, 0x7F)).replace(b'"', b"") + b" \n"  # printable ASCII but the quote, space, LF


def _rare_chars(text: str) -> set[str]:
    """The characters of ``text`` other than printable ASCII, space and line feed (deleted in C first: a set of a
    200 MB text's every character would take seconds)."""
    rest = text.encode("utf-8", "surrogatepass").translate(None, _ORDINARY)
    return set(rest.decode("utf-8", "surrogatepass"))


_LINE = re.compile(r"[^\r\n]*(?:\r\n?|\n)|[^\r\n]+")


def _lines(text: str):
    """The lines of ``text`` with their endings (\\n, \\r\\n or \\r), as ``io.StringIO(text, newline="")`` gives
    them, one at a time: a StringIO would hold a second copy of the text at four bytes a character."""
    return (m.group() for m in _LINE.finditer(text))


def _padded(text: str) -> bool:
    chars = _rare_chars(text)
    if chars & _OTHER_SPACE or text[:1].isspace() or text[-1:] == " ":
        return True
    if '"' in chars and (text[:2] in ('"\n', '"\r') or text.endswith(('\n"', '\r"'))
                         or any(m in text for m in _QUOTE_MARKS)):
        return True
    return any(m in text for m in _SPACE_MARKS)


def _escaped(text: str) -> bool:
    return "'" in text and any(m in text for m in _ESCAPE_MARKS)


@dataclass
class RawTable:
    """A CSV read as strings, with the 1-based file line where each record starts."""

    file: str
    header: list[str]
    rows: list[list[str]]
    lines: list[int]
    problems: list[Problem] = field(default_factory=list)

    def frame(self) -> pd.DataFrame:
        """The records as a frame of strings (index = file line)."""
        if not self.rows:
            return pd.DataFrame({h: pd.Series([], dtype=object) for h in self.header},
                                index=pd.Index(self.lines, name="line"))
        df = pd.DataFrame(self.rows, columns=self.header, dtype=object)
        df.index = pd.Index(self.lines, name="line")
        return df

    def take_frame(self) -> pd.DataFrame:
        """:meth:`frame`, releasing the records (a million-row file then holds its cells once, not twice)."""
        df = self.frame()
        self.rows = []
        return df


def read_raw(path: Path) -> RawTable:
    """Parse CSV text into strings; ragged rows become problems (not crashes)."""
    text = read_text(path)
    shown = display_path(path)
    reader = csv.reader(_lines(text), strict=True)
    # Two checks over the whole text (one pass each, in C) spare a million-row file a Python call per cell:
    # cells are stripped only if some cell has space at its edge, unescaped only if some cell is escaped.
    padded, escaped = _padded(text), _escaped(text)
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
            if padded:
                rec = [c.strip() for c in rec]
            if not any(rec):  # a blank line, or only separators and white space
                continue
            if len(rec) != len(header):
                problems.append(Problem(shown, start, None, f"has {len(rec)} fields, the header has {len(header)}"))
                continue
            if escaped:  # our spreadsheet-formula escape: undone cell by cell (only when the file has one)
                rec = [unescape_cell(c) for c in rec]
            rows.append(rec)
            lines.append(start)
    except csv.Error as exc:
        raise UsageError(f"{shown}:{reader.line_num}: not a valid CSV ({exc})") from None
    if not header or all(not h for h in header):
        raise UsageError(f"{shown}: no header row")
    _check_delimiter(shown, text[:text.find("\n")] if "\n" in text else text, header)
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


_EXPECT = {
    "number": "a plain number such as 1.75e11 (no units, no thousands separators)",
    "integer": "a whole number such as 2048",
    "date": "an ISO date YYYY-MM-DD",
}
_TS_MIN, _TS_MAX = pd.Timestamp.min, pd.Timestamp.max  # datetime64[ns]: 1677-09-21 00:12 to 2262-04-11 23:47
_DAY_MIN, _DAY_MAX = np.datetime64("1677-09-22", "D"), np.datetime64("2262-04-11", "D")  # whole days inside


def _parse_column(raw: pd.Series, fld: schema.Field, file: str, problems: list[Problem]) -> pd.Series:
    """One column of strings ('' = empty) as the field's type; a cell that does not parse is empty and a problem
    (in row order). Vectorized: a million-row file is parsed column by column, not cell by cell."""
    idx = raw.index
    cells = raw.to_numpy(dtype=object)
    present = cells != ""  # type_frame gives strings only ('' = empty)
    where = np.flatnonzero(present)
    text = cells[where]
    bad: dict[int, str] = {}  # position -> message
    if fld.type in ("number", "integer"):
        ok = np.fromiter((bool(_ASCII_NUMBER.match(t.strip())) for t in text), dtype=bool, count=len(text))
        values = np.full(len(text), np.nan)
        with np.errstate(over="ignore", invalid="ignore"):
            values[ok] = text[ok].astype(float)
            fine = ok & np.isfinite(values)
            if fld.type == "integer":
                fine &= (np.floor(values) == values) & (np.abs(values) < 2.0**63)
        for i in np.flatnonzero(~fine):
            bad[int(where[i])] = f"expected {_EXPECT[fld.type]}, got {text[i][:60]!r}"
        out = np.full(len(cells), np.nan)
        out[where[fine]] = values[fine]
        if fld.type == "number":
            series = pd.Series(out, index=idx, dtype="float64")
        else:
            series = pd.Series(pd.array(np.where(np.isnan(out), 0, out).astype(np.int64), dtype="Int64"), index=idx)
            series[np.isnan(out)] = pd.NA
    elif fld.type == "date":
        ok = np.fromiter((bool(_ISO_DATE.match(t)) for t in text), dtype=bool, count=len(text))
        stamps = pd.to_datetime(pd.Series(text[ok], dtype=object), format="%Y-%m-%d", errors="coerce").to_numpy()
        parsed = np.full(len(text), np.datetime64("NaT"), dtype=stamps.dtype if len(stamps) else "datetime64[s]")
        parsed[ok] = stamps
        in_range = ~np.isnat(parsed)
        days = parsed[in_range].astype("datetime64[D]")  # compared in days: no overflow of the ns bounds
        in_range[in_range] = (days >= _DAY_MIN) & (days <= _DAY_MAX)
        for i in range(len(text)):
            if not ok[i] or np.isnat(parsed[i]):
                bad[int(where[i])] = f"expected {_EXPECT['date']}, got {text[i][:60]!r}"
            elif not in_range[i]:
                bad[int(where[i])] = (f"date {text[i]} is outside the supported range {_TS_MIN:%Y-%m-%d} to "
                                      f"{_TS_MAX:%Y-%m-%d}")
        out = np.full(len(cells), np.datetime64("NaT"), dtype="datetime64[ns]")
        keep = in_range
        out[where[keep]] = parsed[keep].astype("datetime64[ns]")
        series = pd.Series(out, index=idx, dtype="datetime64[ns]")
    else:
        out = cells.copy()
        out[~present] = np.nan
        series = pd.Series(out, index=idx, dtype="str")
    for pos in sorted(bad):
        problems.append(Problem(file, int(idx[pos]), fld.name, bad[pos]))
    return series


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


def read_table(path: Path, resource: schema.Resource, raw: RawTable | None = None
               ) -> tuple[pd.DataFrame, list[Problem]]:
    """Read one CSV in our schema: typed frame (index = file line) and the problems found while reading
    (``raw``: the file already read by :func:`read_raw`, so that it is read once).

    Column-level constraints (ranges, allowed values, uniqueness) are checked by :mod:`analysis.data.validate`.
    """
    raw = read_raw(path) if raw is None else raw
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
    frame = raw.take_frame()
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
