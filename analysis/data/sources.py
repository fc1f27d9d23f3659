"""Upstream tables besides the models table, loaded and verified here and passed to the metrics as arguments.

The metrics layer reads no file (``tests/test_architecture.py`` checks it): what it needs from a pinned snapshot
comes from these loaders, each of which reads through :func:`analysis.data.upstream.read_verified` (the sha256 check
every snapshot read goes through) and names the snapshot it read, so that a figure can cite it.

* :func:`ml_hardware`: Epoch AI's ML-hardware extract (strings as published) for
  :func:`analysis.metrics.accelerators.hardware_table`;
* :func:`mfu_reports`: the notable-models columns the utilization prior is built from
  (:func:`analysis.metrics.utilization.reported_mfus`);
* :func:`notable_models`: a notable-models vintage in our schema (:func:`analysis.data.epoch.load_epoch`), for the
  run analyses' fallback and the vintage rows of the sensitivity table;

Without a vintage each loader reads the pinned one (:data:`analysis.data.upstream.PINNED`); a missing pinned file
is an error, never a silent switch to another vintage. Results are kept per file state (path, size, times, inode)
and returned as copies.
"""

from __future__ import annotations

import os
import warnings
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from analysis import constants as C
from analysis.data import dataset, epoch, upstream
from analysis.errors import Problem
from analysis.notices import ImportNotice

NOTABLE = "notable_ai_models"
HARDWARE = "ml_hardware"
MFU_COLUMNS = ("Model", "Organization", "Training hardware", "Hardware utilization (MFU)")


class _Snapshotted:
    """What identifies the snapshot a table was read from (``self.snapshot``)."""

    snapshot: upstream.Snapshot

    @property
    def vintage(self) -> str:
        return self.snapshot.vintage

    @property
    def sha256(self) -> str | None:
        return self.snapshot.meta.get("sha256_extract")


@dataclass(frozen=True)
class SnapshotTable(_Snapshotted):
    """A snapshot's table (strings as published, '' = empty) and the snapshot it was read from."""

    frame: pd.DataFrame
    snapshot: upstream.Snapshot

    @property
    def credit(self) -> str:
        return self.snapshot.meta.get("credit") or f"{self.snapshot.producer} {self.snapshot.name}"


@dataclass(frozen=True)
class SnapshotModels(_Snapshotted):
    """A notable-models snapshot in our schema, with what identifies it (label, vintage, sha256)."""

    models: pd.DataFrame
    snapshot: upstream.Snapshot
    problems: tuple[Problem, ...] = ()

    @property
    def label(self) -> str:
        return f"Epoch AI, 'Data on AI Models' (pinned snapshot {self.vintage}, {len(self.models)} models)"


_MEMO: dict[tuple, object] = {}


def _state(p: Path) -> tuple:
    st = os.stat(p)
    return (str(p), st.st_size, st.st_mtime_ns, st.st_ctime_ns, st.st_ino)


def _snapshot(name: str, vintage: str | None) -> upstream.Snapshot:
    return upstream.pinned(name) if vintage is None else upstream.find(name, vintage)


def ml_hardware(vintage: str | None = None) -> SnapshotTable:
    """Epoch AI's ML-hardware snapshot (pinned vintage when None), verified."""
    snap = _snapshot(HARDWARE, vintage)
    key = ("table", _state(snap.path), None)
    if key not in _MEMO:
        _MEMO[key] = SnapshotTable(upstream.read_frame(snap), snap)
    t = _MEMO[key]
    return SnapshotTable(t.frame.copy(), t.snapshot)


def mfu_reports(vintage: str = C.MFU_PRIOR_VINTAGE) -> SnapshotTable:
    """The notable-models columns behind the MFU prior (model, organization, hardware, reported MFU), verified."""
    snap = upstream.find(NOTABLE, vintage)
    key = ("table", _state(snap.path), MFU_COLUMNS)
    if key not in _MEMO:
        _MEMO[key] = SnapshotTable(upstream.read_frame(snap, usecols=lambda c: c in MFU_COLUMNS), snap)
    t = _MEMO[key]
    return SnapshotTable(t.frame.copy(), t.snapshot)


def notable_models(vintage: str | None = None) -> SnapshotModels:
    """A notable-models snapshot (pinned vintage when None) in our schema, as published (no overlay), verified."""
    snap = _snapshot(NOTABLE, vintage)
    key = ("models", _state(snap.path))
    if key not in _MEMO:
        imp = epoch.load_epoch(snap.path)
        _MEMO[key] = SnapshotModels(imp.models, snap, imp.problems)
    m = _MEMO[key]
    return SnapshotModels(m.models.copy(), m.snapshot, m.problems)


def notable_vintages(vintages) -> dict[str, pd.DataFrame]:
    """``{vintage: models}`` of the named notable-models snapshots (for the sensitivity table's vintage rows)."""
    return {v: notable_models(v).models for v in vintages}


def default_on_vintages(vintages, data_spec: str | None = None) -> dict[str, pd.DataFrame]:
    """``{vintage: models}``: the default table (snapshot + overlay) built on each named pinned notable-models
    vintage, oldest first, for a headline's vintage range (:mod:`analysis.metrics.vintages`). Empty when
    ``data_spec`` names other data than the default: a vintage range describes the default data only. The older
    snapshot's import notices (values outside our ranges) are of the kind the default table reports already."""
    if data_spec not in (None, "", "default"):
        return {}
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ImportNotice)
        return {v: dataset.load(f"epoch-vintage:{v}").models for v in sorted(vintages)}
