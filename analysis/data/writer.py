"""Write a table as a CSV that we read back exactly and that a spreadsheet opens without running anything.

**Round trip.** :func:`write_csv` writes numbers at full precision (Python's shortest repr, which parses back to
the same float), dates as ISO ``YYYY-MM-DD``, missing values as empty cells, ``\\n`` line ends, UTF-8: what
``frontier-atlas data build`` writes, ``validate`` and ``--data PATH`` read back to the same table.

**Spreadsheet formulas (OWASP "CSV injection").** A text cell that starts with ``=``, ``+``, ``-``, ``@``, a tab
or a carriage return (or their full-width forms ``＝＋－＠``) is taken as a formula by Excel, LibreOffice and
Google Sheets when the CSV is opened: ``=HYPERLINK(...)`` in a model name becomes a live link, ``=cmd|...`` a
command. Policy, in every CSV we write (``data build``, the report tables through
:func:`spreadsheet_safe`):

* such a text cell is written with a leading apostrophe (``'=HYPERLINK(...)``), the marker spreadsheets read as
  "this is text", as OWASP recommends; cells that already start with apostrophes before such a character get one
  more, so the escape is reversible;
* our readers (:func:`analysis.data.tables.read_raw`, hence ``validate``, ``--data PATH`` and ``epoch:PATH``)
  remove one leading apostrophe before such a character (:func:`unescape_cell`), so the value read back is the
  value written;
* number and date columns are never escaped (``-5`` stays a number); only text is.

We escape instead of refusing, because the values are data (a model may be called ``-ish``) and a reader of the
file in a spreadsheet then sees the text, not its effect.

**Writing.** Through a temporary file in the target folder, renamed into place (a full disk leaves the old file and
no temporary file); created with mode 0666 less the umask, like any file the user writes. A target that is not a
regular file (``/dev/stdout``, a FIFO) is written directly. Errors are one line naming the file.
"""

from __future__ import annotations

import contextlib
import os
import re
import stat
from pathlib import Path

import pandas as pd

from analysis.data.safeio import display_path
from analysis.errors import UsageError

FORMULA_CHARS = "=+-@\t\r＝＋－＠"
_FORMULA = re.compile(r"^'*[" + re.escape(FORMULA_CHARS) + "]")
_ESCAPED = re.compile(r"^'+[" + re.escape(FORMULA_CHARS) + "]")


def escape_cell(text: str) -> str:
    """A text cell as written: a leading apostrophe before a formula character (see the module docstring)."""
    return "'" + text if _FORMULA.match(text) else text


def unescape_cell(text: str) -> str:
    """The inverse of :func:`escape_cell`, applied by our CSV readers."""
    return text[1:] if _ESCAPED.match(text) else text


def _is_text(s: pd.Series) -> bool:
    return pd.api.types.is_string_dtype(s.dtype) or s.dtype == object


def spreadsheet_safe(df: pd.DataFrame) -> pd.DataFrame:
    """A copy of ``df`` whose text cells cannot run as spreadsheet formulas (:func:`escape_cell`); numbers, dates
    and missing values unchanged. Every CSV we write goes through this (the report tables too)."""
    out = df.copy()
    for c in out.columns:
        s = out[c]
        if _is_text(s):
            mask = s.map(lambda v: isinstance(v, str) and bool(_FORMULA.match(v))).astype(bool)
            if mask.any():
                out[c] = s.astype(object).where(~mask, "'" + s[mask].astype(str))
    return out


def _prepare(df: pd.DataFrame) -> pd.DataFrame:
    out = spreadsheet_safe(df)
    for c in out.columns:
        if pd.api.types.is_datetime64_any_dtype(out[c]):
            out[c] = out[c].dt.strftime("%Y-%m-%d")
    return out


def write_csv(df: pd.DataFrame, path: Path) -> None:
    """Write ``df`` (no index) as described in the module docstring; UsageError (one line) when it cannot."""
    path = Path(path)
    shown = display_path(path)
    table = _prepare(df)
    try:
        st = os.stat(path)
    except FileNotFoundError:
        st = None
    except OSError as exc:
        raise UsageError(f"{shown}: cannot write ({exc.strerror or exc})") from None
    try:
        if st is not None and not stat.S_ISREG(st.st_mode):
            if stat.S_ISDIR(st.st_mode):
                raise UsageError(f"{shown}: is a directory; give a file name such as {shown}/models.csv")
            with open(path, "w", encoding="utf-8", newline="") as fh:  # a device or FIFO: written as it is
                table.to_csv(fh, index=False, lineterminator="\n")
            return
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_name(f".{path.name}.{os.getpid()}.{os.urandom(3).hex()}.tmp")
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_NOFOLLOW", 0)
                     | getattr(os, "O_CLOEXEC", 0), 0o666)  # the umask applies, as for any file the user writes
        try:
            with os.fdopen(fd, "w", encoding="utf-8", newline="") as fh:
                table.to_csv(fh, index=False, lineterminator="\n")
            os.replace(tmp, path)
        except BaseException:
            with contextlib.suppress(OSError):
                os.unlink(tmp)
            raise
    except OSError as exc:
        raise UsageError(f"{shown}: cannot write ({exc.strerror or exc})") from None
