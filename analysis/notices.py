"""One notice per data import, with counts, instead of one line per value (or none at all).

An Epoch AI export has values outside our schema's ranges (1950s systems below 10¹⁰ FLOP) and rows without a name
or a date. :func:`warn_import` turns the import's problems into a single :class:`ImportNotice` warning such as
``epoch_notable_ai_models.csv: 12 values outside our ranges set empty (training_compute_flop 9, parameters 3);
2 rows without a model name or date skipped``; Python shows a given notice once, the CLI prints it as one
``warning:`` line on stderr, and notebooks show it in the cell's stderr (not in the report).
"""

from __future__ import annotations

import re
import warnings
from collections import Counter
from collections.abc import Iterable


class ImportNotice(UserWarning):
    """A summary of what an import changed or dropped."""


def summarize_problems(problems: Iterable) -> str | None:
    """Warnings of an import grouped by kind and column, with counts; None when there are none."""
    warns = [p for p in problems if getattr(p, "severity", "warning") == "warning"]
    if not warns:
        return None
    skipped = [p for p in warns if "skipped" in p.message]
    duplicated = [p for p in warns if "duplicates upstream model" in p.message]  # analysis.data.overlay
    ranged = Counter(p.column or "?" for p in warns if "outside our schema's range" in p.message)
    other = Counter(p.column or "?" for p in warns if p not in skipped and p not in duplicated
                    and "outside our schema's range" not in p.message)

    def cols(c: Counter) -> str:
        return ", ".join(f"{k} {v}" for k, v in sorted(c.items(), key=lambda kv: (-kv[1], kv[0])))

    parts = []
    if ranged:
        parts.append(f"{sum(ranged.values())} value(s) outside our ranges set empty ({cols(ranged)})")
    if other:
        parts.append(f"{sum(other.values())} unreadable value(s) set empty ({cols(other)})")
    if skipped:
        parts.append(f"{len(skipped)} row(s) without a model name or date skipped")
    if duplicated:
        parts.append(f"{len(duplicated)} overlay addition(s) are models this file lists too (added as well; "
                     "counts, shares and trends leave additions out)")
    named = [p for p in warns if "(id " in p.message]  # rows the overlay keys: named, so the user can find them
    if named:
        parts.append("; ".join(p.message for p in named[:3]) + (f" (and {len(named) - 3} more)" if len(named) > 3 else ""))
    file = re.sub(r".*/", "", str(warns[0].file)) if getattr(warns[0], "file", None) else "import"
    return f"{file}: " + "; ".join(parts)


def warn_import(problems: Iterable) -> None:
    message = summarize_problems(problems)
    if message:
        warnings.warn(message, ImportNotice, stacklevel=3)
