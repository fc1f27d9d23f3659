"""Pinned upstream snapshots: immutable extracts of public datasets with their metadata beside them.

Layout (in the spirit of Our World in Data's ``etl`` snapshots)::

    data/upstream/<producer>/<vintage>/<name>.csv          the extract (factual columns only)
    data/upstream/<producer>/<vintage>/<name>.meta.json    producer, title, URL, licence, credit, access date,
                                                           vintage (newest row), sha256 of download and extract,
                                                           row count, columns kept and dropped

``<vintage>`` is the access date (ISO) of the download the extract was made from. Snapshots are written once
(:func:`write_snapshot`, used by ``tools/snapshot_upstream.py`` and ``frontier-atlas data pull``) and never
edited: :func:`verify` checks the extract's sha256 against its metadata.

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
from analysis.errors import DataError, UsageError

UPSTREAM_DIR = schema.DATA_DIR / "upstream"

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


def read_meta(csv_path: Path) -> dict:
    meta_path = csv_path.with_name(csv_path.name.removesuffix(".csv") + META_SUFFIX)
    if not meta_path.exists():
        raise DataError(f"snapshot has no metadata file {meta_path.name}", file=str(csv_path))
    try:
        return json.loads(meta_path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise DataError(f"unreadable snapshot metadata ({exc})", file=str(meta_path)) from None


def snapshots(root: Path = UPSTREAM_DIR) -> list[Snapshot]:
    """Every snapshot under ``root``, sorted by producer, vintage and name."""
    out = []
    for p in sorted(root.glob("*/*/**/*.csv")):
        out.append(Snapshot(p, read_meta(p)))
    return out


def vintages(name: str, producer: str = "epoch-ai", root: Path = UPSTREAM_DIR) -> list[str]:
    """Vintages (access dates) holding a snapshot called ``name``, oldest first."""
    return sorted(p.parent.name for p in (root / producer).glob(f"*/{name}.csv"))


def find(name: str, vintage: str | None = None, producer: str = "epoch-ai", root: Path = UPSTREAM_DIR) -> Snapshot:
    """The snapshot ``name`` of a vintage (the newest when None)."""
    vs = vintages(name, producer, root)
    if not vs:
        raise UsageError(f"no upstream snapshot named {name!r} under {root / producer}")
    if vintage is None:
        vintage = vs[-1]
    if vintage not in vs:
        raise UsageError(f"no {name!r} snapshot of vintage {vintage!r}; available: {', '.join(vs)}")
    p = root / producer / vintage / f"{name}.csv"
    return Snapshot(p, read_meta(p))


def verify(snap: Snapshot) -> None:
    """Raise DataError if the extract's bytes do not match the sha256 in its metadata (it was edited)."""
    digest = sha256_bytes(snap.path.read_bytes())
    if digest != snap.meta.get("sha256_extract"):
        raise DataError(
            f"snapshot was modified: sha256 {digest[:12]}… does not match its metadata "
            f"({str(snap.meta.get('sha256_extract'))[:12]}…); snapshots are immutable", file=str(snap.path))
