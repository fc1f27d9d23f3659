"""A Frictionless descriptor of the pinned upstream snapshots: ``data/upstream/datapackage.json``.

Written from the snapshots' own ``.meta.json`` files (producer, licence, credit, access date, sha256), one
``tabular-data-resource`` per extract, so that any Frictionless tool can list, hash-check and read them. Every
column is declared as a string: an extract keeps the upstream bytes of each cell, and typing them is the job of our
importer (:mod:`analysis.data.epoch`), not of the snapshot. ``frontier-atlas data pull`` rewrites the descriptor after it
adds a vintage; ``make datapackage`` refreshes it too.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

from analysis.data import upstream

DESCRIPTOR = "datapackage.json"


def _resource_name(rel: Path) -> str:
    return re.sub(r"[^a-z0-9._-]+", "-", rel.with_suffix("").as_posix().replace("/", "--").lower())


def build(root: Path = upstream.UPSTREAM_DIR) -> dict:
    """The descriptor of every snapshot under ``root`` (sorted; deterministic)."""
    resources = []
    for snap in upstream.snapshots(root):
        m = snap.meta
        rel = snap.path.relative_to(root)
        source = {"title": m.get("title"), "producer": m.get("producer"), "path": m.get("url"),
                  "accessed": m.get("accessed")}
        if m.get("licence"):
            source["license"] = m["licence"]
        if m.get("credit"):
            source["citation"] = m["credit"]
        resources.append({
            "name": _resource_name(rel),
            "path": rel.as_posix(),
            "profile": "tabular-data-resource",
            "title": f"{m.get('producer')}: {m.get('title')} ({m.get('dataset') or snap.name}), accessed {m.get('accessed')}",
            "format": "csv",
            "encoding": "utf-8",
            "hash": f"sha256:{m['sha256_extract']}",
            "bytes": snap.path.stat().st_size,
            "schema": {"fields": [{"name": c, "type": "string"} for c in m.get("columns_kept", [])]},
            "sources": [source],
            "licenses": [{"name": "CC-BY-4.0", "path": m.get("licence_url") or "https://creativecommons.org/licenses/by/4.0/"}]
            if m.get("licence") == "CC BY 4.0" else [],
            "upstream": {"vintage": m.get("vintage"), "accessed": m.get("accessed"), "rows": m.get("rows"),
                         "sha256_download": m.get("sha256_download"), "origin": m.get("origin"),
                         "metadata": rel.with_name(snap.name + upstream.META_SUFFIX).as_posix()},
        })
    return {
        "profile": "tabular-data-package",
        "name": "frontier-atlas-upstream-snapshots",
        "title": "Pinned extracts of upstream datasets (factual columns only; never edited)",
        "description": "One resource per snapshot in <producer>/<vintage>/; the .meta.json beside each extract is the "
                       "authoritative record (licence, credit, origin, hashes). Columns are the upstream bytes, "
                       "declared as strings.",
        "licenses": [{"name": "CC-BY-4.0", "path": "https://creativecommons.org/licenses/by/4.0/"}],
        "resources": resources,
    }


def render(root: Path = upstream.UPSTREAM_DIR) -> str:
    return json.dumps(build(root), indent=2, ensure_ascii=False) + "\n"


def write(root: Path = upstream.UPSTREAM_DIR) -> Path:
    out = root / DESCRIPTOR
    out.write_text(render(root), encoding="utf-8")
    return out
