"""One build, one table: upstream snapshot → our schema → overlay → validated models table, cached.

:func:`merged_models` builds the models table every analysis uses by default (see :mod:`analysis.data.overlay` for the
layers). :func:`cached` keeps built datasets in memory and on disk, keyed by the sha256 of every input file and of
the code that reads them, so a changed snapshot, overlay, curated row or loader rebuilds and nothing else does.
The disk cache lives outside ``data/`` (``$FRONTIER_ATLAS_CACHE``, else ``$XDG_CACHE_HOME/frontier-atlas``, else
``~/.cache/frontier-atlas``); an unwritable cache folder only costs speed.
"""

from __future__ import annotations

import hashlib
import os
import pickle
import tempfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from analysis.data import epoch, safeio, schema, tables, upstream
from analysis.data import overlay as ov
from analysis.errors import DataError, Problem

CACHE_FORMAT = "1"
_MEMORY: dict[str, object] = {}
CODE_FILES = ("tables.py", "dataset.py", "epoch.py", "overlay.py", "merged.py", "schema.py", "validate.py")


@dataclass(frozen=True)
class MergedModels:
    models: pd.DataFrame
    vintage: str | None
    stats: dict | None  # OverlayStats.to_dict(), None without the overlay
    files: tuple[tuple[str, str], ...]  # (display path, sha256) of the upstream file and the overlay
    warnings: tuple[Problem, ...] = ()


def merged_models(path: Path | None = None, *, overlay: bool = True, curated: pd.DataFrame,
                  vintage: str | None = None) -> MergedModels:
    """Models table from an Epoch export (``path``; default: the newest pinned notable snapshot) + the overlay.

    ``curated`` is our models table (``data/models.csv``, as :func:`analysis.data.dataset.load_table` reads it): the
    overlay's corrections and additions point into it.
    """
    if path is None:
        snap = upstream.find("notable_ai_models", vintage)
        upstream.verify(snap)
        path, vintage = snap.path, snap.vintage
    imp = epoch.load_epoch(path)
    files = [(tables.display_path(path), safeio.sha256_file(path))]
    if not overlay:
        m = imp.models.copy()
        m[ov.ORIGIN_COLUMN] = ""
        return MergedModels(m, vintage, None, tuple(files), imp.problems)
    o = ov.read_overlay(ov.OVERLAY_PATH)
    files.append((tables.display_path(ov.OVERLAY_PATH), safeio.sha256_file(ov.OVERLAY_PATH)))
    m, stats, problems = ov.apply(imp.models, curated, o, file=tables.display_path(ov.OVERLAY_PATH))
    _check(m)
    info = stats.to_dict()
    info["upstream_sha256"] = files[0][1]
    # The overlay is the key file and the curated values it points at: one hash over both files' hashes.
    cur_hash = safeio.sha256_file(tables.bundled_path("models"))
    info["overlay_sha256"] = hashlib.sha256((files[1][1] + cur_hash).encode()).hexdigest()
    return MergedModels(m, vintage, info, tuple(files), tuple(problems) + imp.problems)


def _check(m: pd.DataFrame) -> None:
    """The merged table must have unique ids and names for every row; anything else is a bug in a layer."""
    dup = m["id"][m["id"].duplicated()]
    if len(dup):
        raise DataError(f"merged models table has duplicate id {dup.iloc[0]!r}", file="data/overlay.csv", column="id")
    if m["release_date"].isna().any():
        bad = m.loc[m["release_date"].isna(), "id"].iloc[0]
        raise DataError(f"merged models table: {bad!r} has no release date", file="data/overlay.csv")


# --- cache -------------------------------------------------------------------------------------------------------


def cache_dir() -> Path:
    env = os.environ.get("FRONTIER_ATLAS_CACHE")
    if env:
        return Path(env)
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "frontier-atlas"


def cache_key(parts: list[str], files: list[Path]) -> str:
    """sha256 over the given strings, the input files' bytes and the loader code."""
    h = hashlib.sha256(CACHE_FORMAT.encode())
    h.update(pd.__version__.encode())
    for p in parts:
        h.update(p.encode() + b"\0")
    here = Path(__file__).resolve().parent
    for f in [*files, *(here / c for c in CODE_FILES), schema.DATAPACKAGE]:
        h.update(str(f.name).encode())
        h.update(f.read_bytes() if f.exists() else b"<missing>")
    return h.hexdigest()


def cached(key: str, build: Callable[[], object]) -> object:
    """Memory, then disk, then ``build()`` (stored in both)."""
    if key in _MEMORY:
        return _MEMORY[key]
    path = cache_dir() / f"dataset-{key[:32]}.pickle"
    obj = None
    if path.is_file():
        try:
            with open(path, "rb") as fh:
                obj = pickle.load(fh)
        except Exception:  # a truncated or foreign cache file is rebuilt, never trusted
            obj = None
    if obj is None:
        obj = build()
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".tmp-", suffix=".pickle")
            with os.fdopen(fd, "wb") as fh:
                pickle.dump(obj, fh, protocol=pickle.HIGHEST_PROTOCOL)
            os.replace(tmp, path)
        except OSError:
            pass
    _MEMORY[key] = obj
    return obj
