"""Read an Epoch AI "Data on AI Models" export for a vintage comparison (``data diff``, the vintages report).

:func:`read_export` takes a path, ``epoch:PATH`` (or ``epoch-raw:PATH``), ``epoch-vintage:NAME`` or a bare vintage
name (``2026-01-26``) of the pinned notable-models snapshot in ``data/upstream/epoch-ai/``, reads it into our
schema (:func:`analysis.data.epoch.load_epoch`; a pinned snapshot's bytes are checked against its metadata) and
returns an :class:`Export` with a match ``key`` and the ``links`` of each model. The comparison itself is
:func:`analysis.metrics.vintages.diff`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

from analysis.data import epoch, upstream
from analysis.data.safeio import exists, sha256_file
from analysis.data.tables import display_path, read_raw
from analysis.errors import AtlasError, UsageError

NOTABLE = "notable_ai_models"
VINTAGE_PREFIX = "epoch-vintage:"
_ISO = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_VINTAGE_NAME = re.compile(r"^\d{4}-\d{2}-\d{2}$|^latest$")


@dataclass(frozen=True)
class Export:
    """One Epoch export read into our schema, with what identifies it."""

    label: str  # as given on the command line, or the vintage name
    path: Path
    sha256: str
    rows: int  # models kept (named and dated)
    skipped: int  # rows without a model name or a parseable publication date (not compared)
    newest: str | None  # newest publication date (ISO)
    vintage: str | None  # the snapshot's vintage folder (access date) when it is a pinned snapshot
    columns: tuple[str, ...]  # the export's header
    columns_used: dict  # our column -> the export's column
    models: pd.DataFrame = field(repr=False, compare=False)  # our schema + 'key' + 'links'

    def to_dict(self) -> dict:
        return {"label": self.label, "path": _shown(self.path), "sha256": self.sha256, "rows": self.rows,
                "rows_skipped": self.skipped,
                "newest": self.newest, "vintage": self.vintage, "columns_used": dict(self.columns_used)}


def _shown(path: Path) -> str:
    return display_path(path)


def resolve(spec: str) -> tuple[Path, str | None]:
    """(path, vintage name or None) for ``PATH``, ``epoch:PATH`` (or ``epoch-raw:PATH``), ``epoch-vintage:NAME`` or a
    bare vintage name."""
    s = str(spec).strip()
    if not s:
        raise UsageError("empty export name; give a path, epoch:PATH or a vintage name such as 2026-01-26")
    if s.startswith(VINTAGE_PREFIX):
        name = s[len(VINTAGE_PREFIX):] or "latest"
        return _snapshot_path(name)
    for prefix in ("epoch:", "epoch-raw:"):  # the comparison reads the export as published either way
        if s.startswith(prefix):
            p = s[len(prefix):]
            if not p:
                raise UsageError(f"{prefix}PATH needs a path after {prefix!r}")
            return Path(p).expanduser(), None
    p = Path(s).expanduser()
    if not exists(p) and _VINTAGE_NAME.match(s):
        return _snapshot_path(s)
    return p, None


def _snapshot_path(name: str) -> tuple[Path, str]:
    snap = upstream.find(NOTABLE, None if name == "latest" else name)
    return snap.path, snap.vintage


def _links(cell: str) -> str:
    """The set of URLs in a Link cell, sorted and joined (order and whitespace do not matter)."""
    return " ".join(sorted({u.rstrip("/") for u in re.findall(r"https?://[^\s,;\"']+", cell or "")}))


def _date(text: str) -> str:
    """Epoch's date parsing (:func:`analysis.data.epoch.parse_date_text`) with a fast path for ISO dates."""
    return text if _ISO.match(text) else epoch.parse_date_text(text)


def read_export(spec: str) -> Export:
    """Read one export (see :func:`resolve`) into our schema; each model gets a match ``key`` and its ``links``."""
    path, vintage = resolve(spec)
    if vintage is None and exists(path.with_name(path.name.removesuffix(".csv") + upstream.META_SUFFIX)):
        vintage = path.parent.name  # a snapshot named by its path: label it by its vintage folder
    imp = epoch.load_epoch(path)
    raw = read_raw(path)
    frame = raw.frame()
    used = imp.columns_used
    name = frame[used["name"]].fillna("")
    dates = frame[used["release_date"]].fillna("").map(_date)
    kept = frame[(name != "") & (dates != "")]
    models = imp.models.copy()
    if len(kept) != len(models):  # pragma: no cover - both follow the same keep rule
        raise AtlasError(f"{_shown(path)}: internal error aligning {len(kept)} rows with {len(models)} models")
    link_col = used.get("source_url")
    models["links"] = (kept[link_col].fillna("").map(_links).to_numpy() if link_col
                       else np.array([""] * len(models), dtype=object))
    occurrence = models.groupby("name").cumcount() + 1
    models["key"] = [n if k == 1 else f"{n} #{k}" for n, k in zip(models["name"], occurrence)]
    newest = models["release_date"].max()
    return Export(
        label=vintage or str(spec), path=path, sha256=sha256_file(path), rows=len(models),
        skipped=len(frame) - len(models),
        newest=None if pd.isna(newest) else newest.strftime("%Y-%m-%d"), vintage=vintage,
        columns=tuple(raw.header), columns_used=dict(used), models=models.reset_index(drop=True),
    )


def report_newer(data_spec: str, new_vintage: str) -> tuple[str, str | None]:
    """The newer side of the ``vintages`` report: ``data_spec`` when it is an Epoch export, else the pinned vintage.

    Returns (spec, note); the note says why a ``--data`` that is not an Epoch export (our schema's CSV) was not used.
    """
    spec = (data_spec or "").strip()
    if not spec:
        return new_vintage, None
    if spec.startswith(("epoch:", "epoch-raw:", VINTAGE_PREFIX)):
        return spec, None
    return new_vintage, (f"The data given to the report ({Path(spec).name}) is not an Epoch AI export, so this report "
                         f"compares the pinned vintage {new_vintage} instead.")


def previous_vintage(vintage: str, root: Path | None = None) -> str | None:
    """The newest notable-models vintage older than ``vintage`` (None if there is none)."""
    older = [v for v in upstream.vintages(NOTABLE, root=root) if v < vintage]
    return older[-1] if older else None
