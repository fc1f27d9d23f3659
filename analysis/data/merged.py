"""One build, one table: upstream snapshot → our schema → overlay → validated models table.

:func:`merged_models` builds the models table every analysis uses by default (see :mod:`analysis.data.overlay` for the
layers). The loader (:mod:`analysis.data.dataset`) caches what it builds in :mod:`analysis.data.cache`.
"""

from __future__ import annotations

import dataclasses
import hashlib
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from analysis.data import epoch, safeio, tables, upstream
from analysis.data import overlay as ov
from analysis.errors import DataError, Problem


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
        snap = upstream.pinned("notable_ai_models") if vintage is None else upstream.find("notable_ai_models", vintage)
        path, vintage = snap.path, snap.vintage
    imp = epoch.load_epoch(path)  # a snapshot's bytes are checked against its metadata (upstream.read_verified)
    files = [(tables.display_path(path), safeio.sha256_file(path))]
    if not overlay:
        m = imp.models.copy()
        m[ov.ORIGIN_COLUMN] = ""
        return MergedModels(m, vintage, None, tuple(files), imp.problems)
    o = ov.read_overlay(ov.OVERLAY_PATH)
    files.append((tables.display_path(ov.OVERLAY_PATH), safeio.sha256_file(ov.OVERLAY_PATH)))
    m, stats, problems = ov.apply(imp.models, curated, o, file=tables.display_path(ov.OVERLAY_PATH))
    m, undated = _skip_undated(m, files[0][0])
    stats = dataclasses.replace(stats, rows=len(m))
    _check(m)
    info = stats.to_dict()
    info["upstream_sha256"] = files[0][1]
    # The overlay is the key file and the curated values it points at: one hash over both files' hashes.
    cur_hash = safeio.sha256_file(tables.bundled_path("models"))
    info["overlay_sha256"] = hashlib.sha256((files[1][1] + cur_hash).encode()).hexdigest()
    return MergedModels(m, vintage, info, tuple(files), tuple(problems) + imp.problems + tuple(undated))


def _skip_undated(m: pd.DataFrame, file: str) -> tuple[pd.DataFrame, list[Problem]]:
    """Rows whose publication date the import had to clear (e.g. 9999-12-31, outside the dates pandas holds) are
    left out with a warning naming the model, as ``epoch-raw:`` does, instead of failing every command."""
    bad = m["release_date"].isna()
    if not bad.any():
        return m, []
    warn = [Problem(file, None, "Publication date", f"{name!r} (id {mid}) has no usable publication date; row "
                    "skipped", "warning") for name, mid in zip(m.loc[bad, "name"], m.loc[bad, "id"])]
    return m[~bad].reset_index(drop=True), warn


def _check(m: pd.DataFrame) -> None:
    """The merged table must have unique ids and names for every row; anything else is a bug in a layer."""
    dup = m["id"][m["id"].duplicated()]
    if len(dup):
        raise DataError(f"merged models table has duplicate id {dup.iloc[0]!r}", file="data/overlay.csv", column="id")
    if m["release_date"].isna().any():
        bad = m.loc[m["release_date"].isna(), "id"].iloc[0]
        raise DataError(f"merged models table: {bad!r} has no release date", file="data/overlay.csv")
