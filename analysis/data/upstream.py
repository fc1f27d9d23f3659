"""Pinned upstream snapshots: immutable extracts of public datasets with their metadata beside them.

Layout (in the spirit of Our World in Data's ``etl`` snapshots)::

    data/upstream/<producer>/<vintage>/<name>.csv          the extract (factual columns only)
    data/upstream/<producer>/<vintage>/<name>.meta.json    producer, title, URL, licence, credit, access date,
                                                           vintage (newest row), sha256 of download and extract,
                                                           row count, columns kept and dropped

``<vintage>`` is the access date (ISO) of the download the extract was made from. Snapshots are written once
(:func:`write_snapshot`, used by ``tools/snapshot_upstream.py`` and ``frontier-atlas data pull``) and never
edited.

**One check on every path.** :func:`read_verified` is the only way the toolkit reads a snapshot's bytes: the
default data, ``--data epoch-vintage:DATE``, ``--data epoch:PATH`` on a pinned file, ``data diff``, the hardware,
MFU and Benchmarking Hub tables all go through it (:func:`analysis.data.tables.read_text` calls it for every CSV it
reads, :func:`read_frame` for the tables read with pandas). A CSV with a ``.meta.json`` beside it, or any CSV
under ``data/upstream/``, is a snapshot: its bytes must hash to the metadata's ``sha256_extract`` or the read is
refused. A new snapshot (another producer, another file) needs nothing more than its ``.meta.json``; its loader
calls ``read_frame(find(name, vintage, producer))`` (or :func:`pinned`).

**Pinned vintages.** The default data is pinned (:data:`PINNED`): when a pinned file is missing the command fails
naming it, instead of falling back to another vintage. ``find(name)`` without a vintage (the newest) is only for an
explicit ``latest``.

An extract keeps the upstream bytes of every kept cell: columns are dropped (free-text notes, abstracts, author
lists), never rewritten, and rows keep their upstream order.
"""

from __future__ import annotations

import csv
import hashlib
import io
import json
import re
from dataclasses import dataclass
from pathlib import Path

from analysis.data import schema
from analysis.data.safeio import display_path, exists, read_bytes_limited
from analysis.errors import DataError, UsageError

UPSTREAM_DIR = schema.DATA_DIR / "upstream"

# The vintage each default table is pinned to, per (producer, snapshot name). Changing one is a reviewed edit
# (the overlay is keyed against the notable-models vintage; see docs/data.md "Refreshing").
PINNED: dict[tuple[str, str], str] = {
    ("epoch-ai", "notable_ai_models"): "2026-07-19",
    ("epoch-ai", "ml_hardware"): "2026-07-19",
}

# Columns never kept in an extract: free text (notes, abstracts, descriptions), author lists, paper titles and
# citation counts (they change daily and are not facts we analyse).
DROP_COLUMN = re.compile(r"(?i)(notes?$|abstract|authors?$|^reference$|^citations$|^description$)")

META_SUFFIX = ".meta.json"
META_KEYS = (
    "producer", "dataset", "title", "url", "licence", "licence_url", "credit", "accessed", "vintage",
    "origin", "sha256_download", "sha256_extract", "rows", "columns_kept", "columns_dropped", "date_column",
)


@dataclass(frozen=True)
class Snapshot:
    """One pinned extract and its metadata."""

    path: Path
    meta: dict

    @property
    def name(self) -> str:
        return self.path.name.removesuffix(".csv")

    @property
    def vintage(self) -> str:
        """The folder name: the access date of the download."""
        return self.path.parent.name

    @property
    def producer(self) -> str:
        return self.path.parent.parent.name


def sha256_bytes(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def extract(raw: bytes, *, date_column: str | None = None, drop: re.Pattern | None = None) -> tuple[bytes, dict]:
    """The factual-columns extract of an upstream CSV, and facts about it.

    Returns ``(extract_bytes, info)`` where info has ``rows``, ``columns_kept``, ``columns_dropped`` and
    ``newest`` (the largest ISO date in ``date_column``, or None). ``drop``: a pattern of further columns to leave
    out (a dataset's source links, quotes or free text that :data:`DROP_COLUMN` does not name).
    """
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise UsageError(f"upstream file is not UTF-8 text (offset {exc.start})") from None
    reader = csv.reader(io.StringIO(text, newline=""))
    try:
        header = next(reader)
    except StopIteration:
        raise UsageError("upstream file is empty") from None
    keep = [i for i, h in enumerate(header)
            if not DROP_COLUMN.search(h.strip()) and not (drop is not None and drop.search(h.strip()))]
    out = io.StringIO(newline="")
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow([header[i] for i in keep])
    rows = 0
    newest = None
    di = header.index(date_column) if date_column in header else None
    for rec in reader:
        if not rec or all(not c.strip() for c in rec):
            continue
        rec = rec + [""] * (len(header) - len(rec))
        writer.writerow([rec[i] for i in keep])
        rows += 1
        if di is not None and re.match(r"^\d{4}-\d{2}-\d{2}", rec[di] or ""):
            d = rec[di][:10]
            newest = d if newest is None or d > newest else newest
    info = {
        "rows": rows,
        "columns_kept": [header[i] for i in keep],
        "columns_dropped": [h for i, h in enumerate(header) if i not in keep],
        "newest": newest,
    }
    return out.getvalue().encode("utf-8"), info


def write_snapshot(folder: Path, name: str, raw: bytes, meta: dict, *, date_column: str | None = None,
                   drop: re.Pattern | None = None) -> Snapshot:
    """Write ``<folder>/<name>.csv`` and its metadata from the raw download; refuse to overwrite a different one.
    ``drop``: further columns to leave out (see :func:`extract`)."""
    data, info = extract(raw, date_column=date_column, drop=drop)
    full = {
        **{k: meta.get(k) for k in META_KEYS},
        **{k: v for k, v in meta.items() if k not in META_KEYS},
        "sha256_download": sha256_bytes(raw),
        "sha256_extract": sha256_bytes(data),
        "rows": info["rows"],
        "columns_kept": info["columns_kept"],
        "columns_dropped": info["columns_dropped"],
        "date_column": date_column,
        "vintage": info["newest"] if meta.get("vintage") is None else meta["vintage"],
    }
    folder.mkdir(parents=True, exist_ok=True)
    csv_path = folder / f"{name}.csv"
    meta_path = folder / f"{name}{META_SUFFIX}"
    if csv_path.exists() and csv_path.read_bytes() != data:
        raise UsageError(f"{csv_path}: a different snapshot already exists; snapshots are immutable")
    csv_path.write_bytes(data)
    meta_path.write_text(json.dumps(full, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    return Snapshot(csv_path, full)


def meta_path(csv_path: Path) -> Path:
    """The metadata file beside an extract: ``<name>.meta.json``."""
    return csv_path.with_name(csv_path.name.removesuffix(".csv") + META_SUFFIX)


def read_meta(csv_path: Path) -> dict:
    mp = meta_path(csv_path)
    if not exists(mp):
        raise DataError(f"snapshot has no metadata file {mp.name}", file=str(csv_path))
    try:
        meta = json.loads(read_bytes_limited(mp, str(mp), 1 << 20).decode("utf-8"))
    except (UsageError, ValueError) as exc:
        raise DataError(f"unreadable snapshot metadata ({exc})", file=str(mp)) from None
    if not isinstance(meta, dict):
        raise DataError("unreadable snapshot metadata (not a JSON object)", file=str(mp))
    return meta


def _root(root: Path | None) -> Path:
    return UPSTREAM_DIR if root is None else root


def _hidden(p: Path, root: Path) -> bool:
    """A path inside a hidden folder (a pull's temporary ``.pull-*`` folder): never a snapshot."""
    return any(part.startswith(".") for part in p.relative_to(root).parts)


def snapshots(root: Path | None = None) -> list[Snapshot]:
    """Every snapshot under ``root`` (default: ``data/upstream``), sorted by producer, vintage and name; files in
    hidden folders (a pull in progress or killed) are not snapshots."""
    root = _root(root)
    return [Snapshot(p, read_meta(p)) for p in sorted(root.glob("*/*/**/*.csv")) if not _hidden(p, root)]


def vintages(name: str, producer: str = "epoch-ai", root: Path | None = None) -> list[str]:
    """Vintages (access dates) holding a snapshot called ``name``, oldest first."""
    return sorted(p.parent.name for p in (_root(root) / producer).glob(f"*/{name}.csv")
                  if not p.parent.name.startswith("."))


def find(name: str, vintage: str | None = None, producer: str = "epoch-ai", root: Path | None = None) -> Snapshot:
    """The snapshot ``name`` of a vintage (the newest when None: use :func:`pinned` for the default data)."""
    root = _root(root)
    vs = vintages(name, producer, root)
    if not vs:
        raise UsageError(f"no upstream snapshot named {name!r} under {root / producer}")
    if vintage is None:
        vintage = vs[-1]
    if vintage not in vs:
        raise UsageError(f"no {name!r} snapshot of vintage {vintage!r}; available: {', '.join(vs)}")
    p = root / producer / vintage / f"{name}.csv"
    return Snapshot(p, read_meta(p))


def pinned_vintage(name: str, producer: str = "epoch-ai") -> str:
    """The vintage the default data pins ``name`` to (:data:`PINNED`)."""
    try:
        return PINNED[(producer, name)]
    except KeyError:
        raise UsageError(f"no pinned vintage for snapshot {producer}/{name}") from None


def pinned(name: str, producer: str = "epoch-ai", root: Path | None = None) -> Snapshot:
    """The pinned snapshot of ``name``; a one-line error naming the file when it is missing (never another vintage)."""
    root = _root(root)
    vintage = pinned_vintage(name, producer)
    p = root / producer / vintage / f"{name}.csv"
    if not p.is_file():
        others = [v for v in vintages(name, producer, root) if v != vintage]
        shown = display_path(p)
        raise UsageError(f"{shown}: the pinned {name} snapshot (vintage {vintage}) is missing"
                         + (f"; other vintages ({', '.join(others)}) are used only when named with "
                            "--data epoch-vintage:DATE" if others else "")
                         + "; restore it (git checkout -- data/upstream)")
    return Snapshot(p, read_meta(p))


def is_snapshot(path: Path) -> bool:
    """True for a pinned extract: a CSV with a ``.meta.json`` beside it, or any CSV under ``data/upstream/``."""
    if path.suffix.lower() != ".csv":
        return False
    if exists(meta_path(path)):
        return True
    try:
        real, root = path.resolve(), UPSTREAM_DIR.resolve()
        return real.is_relative_to(root) and not _hidden(real, root)
    except (OSError, RuntimeError):
        return False


def check_bytes(path: Path, data: bytes, meta: dict | None = None) -> None:
    """DataError unless ``data`` (the bytes read from the snapshot ``path``) hash to its recorded sha256."""
    meta = read_meta(path) if meta is None else meta
    want = meta.get("sha256_extract")
    digest = sha256_bytes(data)
    if not isinstance(want, str) or digest != want:
        raise DataError(
            f"snapshot was modified: sha256 {digest[:12]}… does not match its metadata "
            f"({str(want)[:12]}…); snapshots are immutable (restore it with git checkout, or pull a new vintage)",
            file=display_path(path))


def read_verified(path: Path, shown: str | None = None, limit: int | None = None) -> bytes:
    """The bytes of a file; for a snapshot (:func:`is_snapshot`) checked against its metadata's sha256.

    The one verification every reader of a snapshot goes through: the bytes returned are the bytes hashed, so a
    file changed between the check and the parse cannot slip through. Other files are returned as read.
    Bounded and regular files only (:func:`analysis.data.safeio.read_bytes_limited`).
    """
    kw = {} if limit is None else {"limit": limit}
    data = read_bytes_limited(path, shown or display_path(path), **kw)
    if is_snapshot(path):
        check_bytes(path, data)
    return data


def verify(snap: Snapshot) -> None:
    """Raise DataError if the extract's bytes do not match the sha256 in its metadata (it was edited)."""
    check_bytes(snap.path, read_bytes_limited(snap.path, display_path(snap.path)), snap.meta)


def read_frame(snap: Snapshot, usecols=None):
    """A snapshot as a frame of strings (empty cells ''), read from its verified bytes (pandas imported here
    only, so that parsing a --data SPEC stays free of it)."""
    import pandas as pd

    data = read_verified(snap.path)
    try:
        return pd.read_csv(io.BytesIO(data), dtype=str, keep_default_na=False, usecols=usecols)
    except (ValueError, UnicodeDecodeError) as exc:
        raise DataError(f"unreadable snapshot ({exc})", file=display_path(snap.path)) from None
