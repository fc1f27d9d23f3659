"""Load the data an analysis runs on, named by a ``--data`` SPEC, into one :class:`Dataset`.

``load(spec)`` is the entry point used by every command and notebook:

* ``None`` / ``"default"``: Epoch AI's pinned notable-models snapshot (``data/upstream``) mapped to our schema,
  with our overlay (``data/overlay.csv`` + ``data/models.csv``) applied: see :mod:`analysis.data.merged`;
* ``"curated"``: only the curated rows in ``data/models.csv`` (the pre-overlay behaviour, for comparison);
* ``"PATH"``: a models CSV in our own schema (other tables stay the bundled ones);
* ``"epoch:PATH"``: an Epoch AI export (notable / all / frontier / large-scale models, any vintage), mapped
  onto our models schema by :mod:`analysis.data.epoch`, with the overlay applied (``"epoch-raw:PATH"``: without it);
* the other tables (benchmarks, openness, transparency, hardware) are always the bundled ones.

Reading and typing one file is :mod:`analysis.data.tables`; a malformed file raises
:class:`~analysis.errors.UsageError` (unusable file) or :class:`~analysis.errors.DataError` (the first
problem, with a count of the others; ``frontier-atlas validate`` lists them all).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from analysis.data import cache, merged, overlay, schema, upstream, validate
from analysis.data.safeio import exists, is_file, sha256_file
from analysis.data.spec import DataSpec, as_spec, parse_spec  # noqa: F401  (parse_spec: public API)
from analysis.data.tables import bundled_path, display_path, empty_frame, read_table, read_text
from analysis.errors import DataError, Problem
from analysis.notices import warn_import

NOTABLE_VINTAGE = upstream.pinned_vintage("notable_ai_models")  # the pinned notable-models snapshot


@dataclass(frozen=True)
class Dataset:
    """The tables an analysis runs on, with where they came from."""

    models: pd.DataFrame
    benchmarks: pd.DataFrame
    openness: pd.DataFrame
    transparency: pd.DataFrame
    hardware: pd.DataFrame
    spec: str  # 'default', 'curated', a path, 'epoch:PATH' or 'epoch-raw:PATH'
    files: tuple[tuple[str, str], ...]  # (display path, sha256) of every file read
    vintage: str | None = None  # the upstream snapshot's vintage (folder name) when one is used
    overlay: dict | None = None  # OverlayStats.to_dict() when the overlay was applied

    @property
    def label(self) -> str:
        """Short description of the models' origin for figure source lines."""
        if self.spec in ("default", "bundled"):
            o = self.overlay or {}
            # short enough for a figure's source line: vintage, both sha256 prefixes, the overlay's counts
            # (the overlay's counts are in the manifest and Dataset.overlay)
            return (f"Epoch AI {self.vintage} + overlay, sha256 {str(o.get('upstream_sha256', ''))[:8]}/"
                    f"{str(o.get('overlay_sha256', ''))[:8]}")
        if self.spec == "curated":
            return "Frontier Atlas curated data"
        if self.spec.startswith("epoch:"):
            o = self.overlay or {}
            return (f"Epoch AI, 'Data on AI Models' ({_epoch_name(Path(self.spec[6:]))}) + Frontier Atlas overlay "
                    f"({o.get('corrections', 0)} corrections, {o.get('additions', 0)} additions)")
        if self.spec.startswith("epoch-raw:"):
            return f"Epoch AI, 'Data on AI Models' ({_epoch_name(Path(self.spec[10:]))})"
        return Path(self.spec).name

    def provenance(self) -> dict:
        """Which data, which vintage, how many rows, and the hashes: for report manifests and --json output."""
        return {"spec": self.spec, "label": self.label, "vintage": self.vintage, "models": len(self.models),
                "overlay": self.overlay, "files": dict(self.files)}


def _epoch_name(p: Path) -> str:
    """The export's file name; for a pinned snapshot also its vintage (access date)."""
    if exists(p.parent / (p.stem + ".meta.json")):
        return f"{p.name}, accessed {p.parent.name}"
    return p.name


def _finalize(df: pd.DataFrame) -> pd.DataFrame:
    return df.reset_index(drop=True)


def load_table(name: str, path: Path | None = None, *, strict: bool = True) -> pd.DataFrame:
    """Load one table (bundled by default). With ``strict``, any validation error raises DataError."""
    res = schema.resource(name)
    p = path or bundled_path(name)
    if not p.exists() and path is None:
        return empty_frame(res)
    df, problems = read_table(p, res)
    problems = validate.dedupe(problems + validate.check_frame(df, res, display_path(p)))
    errors = [pr for pr in problems if pr.severity == "error"]
    if strict and errors:
        more = f" (and {len(errors) - 1} more problems; run `frontier-atlas validate {display_path(p)}`)" if len(errors) > 1 else ""
        first = errors[0]
        raise DataError(f"{first.message}{more}", file=first.file, row=first.row, column=first.column)
    return _finalize(df)


def load(spec: DataSpec | str | None = None, *, strict: bool = True) -> Dataset:
    """Load the dataset named by a --data SPEC (see module docstring): a :class:`DataSpec` parsed once by the
    command line or the report runner, or the text itself (notebooks and the public API pass strings).

    Cached in memory and on disk (:mod:`analysis.data.cache`: a format that runs no code, checked against the
    sha256 of every input file and of the loader code on each load); each call returns its own copies of the
    tables, so a caller that edits one changes nothing else. The import notices of an Epoch export are shown on
    every load, cached or not.
    """
    parsed = as_spec(spec)
    kind, path = parsed.kind, parsed.path
    inputs = [bundled_path(n) for n in schema.TABLES] + [schema.DATAPACKAGE]
    if kind in ("default", "epoch"):
        inputs += [overlay.OVERLAY_PATH]
    if kind == "default":
        inputs.append(upstream.pinned("notable_ai_models").path)
    if path is not None:
        if not is_file(path):
            read_text(path)  # the one-line UsageError for a missing or unusable file
        inputs.append(path)
    hashes = cache.file_hashes(inputs, display_path)
    key = cache.make_key([kind, str(path), str(strict)], hashes)
    entry = cache.cached(key, hashes, lambda: _entry(_load(kind, path, strict)))
    ds, notices = _from_entry(entry)
    if notices:  # a user's export: one notice with counts of values set empty and rows skipped
        warn_import(notices)
    return ds


def _entry(built: tuple[Dataset, list[Problem]]) -> cache.Entry:
    ds, notices = built
    meta = {"spec": ds.spec, "files": [list(f) for f in ds.files], "vintage": ds.vintage, "overlay": ds.overlay,
            "notices": [p.as_dict() for p in notices]}
    return cache.Entry({n: getattr(ds, n) for n in schema.TABLES}, meta)


def _from_entry(entry: cache.Entry) -> tuple[Dataset, list[Problem]]:
    m = entry.meta
    ds = Dataset(**{n: entry.tables[n].copy() for n in schema.TABLES}, spec=m["spec"],
                 files=tuple((str(a), str(b)) for a, b in m["files"]), vintage=m["vintage"],
                 overlay=None if m["overlay"] is None else dict(m["overlay"]))
    notices = [Problem(p["file"], p["row"], p["column"], p["message"], p["severity"]) for p in m.get("notices", [])]
    return ds, notices


def _load(kind: str, path: Path | None, strict: bool) -> tuple[Dataset, list[Problem]]:
    tables = {n: load_table(n, strict=strict) for n in schema.TABLES}
    files = [(display_path(bundled_path(n)), sha256_file(bundled_path(n))) for n in schema.TABLES if bundled_path(n).exists()]
    vintage = None
    stats = None
    notices: list[Problem] = []
    if kind == "csv":
        assert path is not None
        tables["models"] = load_table("models", path, strict=strict)
        files = [f for f in files if not f[0].endswith("models.csv")] + [(display_path(path), sha256_file(path))]
        label = str(path)
    elif kind in ("default", "epoch", "epoch-raw"):
        m = merged.merged_models(path if kind != "default" else None, overlay=kind != "epoch-raw",
                                 curated=tables["models"])
        tables["models"] = m.models
        vintage = m.vintage
        stats = m.stats
        files = [f for f in files if not (kind == "epoch-raw" and f[0].endswith("models.csv"))] + list(m.files)
        label = {"default": "default", "epoch": f"epoch:{path}", "epoch-raw": f"epoch-raw:{path}"}[kind]
        if kind != "default":
            notices = [p for p in m.warnings if p.column != "upstream_name"]
    else:
        label = "curated"
    return Dataset(**tables, spec=label, files=tuple(files), vintage=vintage, overlay=stats), notices


def load_with_bases(spec):
    """The dataset of --data if its models record base models, else the pinned notable snapshot."""
    ds = load(spec)
    if "base_model" in ds.models.columns and ds.models["base_model"].notna().any():
        return ds
    return load(f"epoch:{upstream.pinned('notable_ai_models').path}")
