"""The toolkit's own error types.

Every foreseeable mistake (bad file, bad argument, impossible request) raises one of these; the CLI turns
them into one readable line on stderr and an exit code, never a traceback.
"""

from __future__ import annotations


class AtlasError(Exception):
    """Base class. ``exit_code`` follows the CLI convention: 1 = input read but wrong, 2 = unusable."""

    exit_code = 1


class UsageError(AtlasError):
    """Unusable invocation or input: missing/unreadable file, not a CSV, unknown option value."""

    exit_code = 2


class DataError(AtlasError):
    """The input was read but is wrong; names the file, row (1-based line in the file) and column."""

    exit_code = 1

    def __init__(self, message: str, *, file: str | None = None, row: int | None = None, column: str | None = None):
        self.file, self.row, self.column, self.detail = file, row, column, message
        loc = ":".join(str(p) for p in (file, row, column) if p is not None)
        super().__init__(f"{loc}: {message}" if loc else message)


class AnalysisError(AtlasError):
    """An impossible or ill-posed analysis request (too few points, non-positive values, unreachable target)."""

    exit_code = 1


class Problem:
    """One validation finding, printed as ``file:row:column: message``.

    ``row`` is the 1-based line of the record in the file (the header is line 1), so an editor's
    go-to-line lands on it; ``None`` for file-level problems.
    """

    __slots__ = ("file", "row", "column", "message", "severity")

    def __init__(self, file: str, row: int | None, column: str | None, message: str, severity: str = "error"):
        self.file, self.row, self.column, self.message, self.severity = file, row, column, message, severity

    def __str__(self) -> str:
        loc = self.file + (f":{self.row}" if self.row is not None else "") + (f":{self.column}" if self.column else "")
        tag = "warning: " if self.severity == "warning" else ""
        return f"{loc}: {tag}{self.message}"

    def __repr__(self) -> str:
        return f"Problem({str(self)!r})"

    def as_dict(self) -> dict:
        return {"file": self.file, "row": self.row, "column": self.column, "message": self.message, "severity": self.severity}

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Problem) and self.as_dict() == other.as_dict()

    def __hash__(self) -> int:
        return hash(tuple(self.as_dict().values()))
