"""Create the pinned Epoch AI snapshots in data/upstream/ from the reference copies in ../shared/reference.

Run once per new upstream download (``python tools/snapshot_upstream.py [REFERENCE_DIR]``); snapshots are
immutable, so re-running with the same inputs rewrites identical bytes and a changed input is refused.
Origins (mirror repository, path, commit) are the ones recorded in ../shared/reference/README.md.

``python tools/snapshot_upstream.py --eci-2025-11 FILE`` pins the November 2025 ECI (the index Epoch AI fitted
around its October 2025 open-closed gap insight; used to measure how much a re-fit of the index moves the gap):
FILE is ``git show 07356c2106015f283c23a1f2478ea9e654a9f24f:data/website/epoch_capabilities_index.csv`` of
github.com/epoch-research/benchmark-stitching (MIT; the file was removed from the repository later).
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from analysis.data import infrastructure_snapshots as infra  # noqa: E402
from analysis.data.upstream import UPSTREAM_DIR, write_snapshot  # noqa: E402

EPOCH_LICENCE = "CC BY 4.0"
EPOCH_LICENCE_URL = "https://creativecommons.org/licenses/by/4.0/"
MODELS_CREDIT = "Epoch AI, 'Data on AI Models'. Published online at epoch.ai. Retrieved from https://epoch.ai/data/ai-models"
HARDWARE_CREDIT = ("Epoch AI, 'Data on Machine Learning Hardware'. Published online at epoch.ai. "
                   "Retrieved from https://epoch.ai/data/machine-learning-hardware")
HUB_CREDIT = "Epoch AI, 'AI Benchmarking Hub'. Published online at epoch.ai. Retrieved from https://epoch.ai/benchmarks"

NOTABLE_JULY = {
    "producer": "Epoch AI", "dataset": "notable_ai_models", "title": "Data on AI Models: notable AI models",
    "url": "https://epoch.ai/data/notable_ai_models.csv", "licence": EPOCH_LICENCE, "licence_url": EPOCH_LICENCE_URL,
    "credit": MODELS_CREDIT, "accessed": "2026-07-19",
    "origin": {"repository": "spragada4/ai-energy-explorer", "path": "data/raw/notable_ai_models.csv",
               "commit": "22699c8b2572068706dedd4397c1bff5e8dadf80",
               "note": "downloaded from epoch.ai by the repository's ETL and committed 2026-07-19"},
}
NOTABLE_JANUARY = {
    **NOTABLE_JULY, "accessed": "2026-01-26",
    "origin": {"repository": "mxschons/sobe-2025-data-repository", "path": "data/external/epoch-ai/notable-ai-models.csv",
               "commit": "3ba35a61b33af611f478a27ee37d03a31d0e09d0", "note": "accessed 2026-01-26 by the repository"},
}
HARDWARE_JULY = {
    "producer": "Epoch AI", "dataset": "ml_hardware", "title": "Data on Machine Learning Hardware",
    "url": "https://epoch.ai/data/ml_hardware.csv", "licence": EPOCH_LICENCE, "licence_url": EPOCH_LICENCE_URL,
    "credit": HARDWARE_CREDIT, "accessed": "2026-07-19",
    "origin": {"repository": "spragada4/ai-energy-explorer", "path": "data/raw/ml_hardware.csv",
               "commit": "22699c8b2572068706dedd4397c1bff5e8dadf80",
               "note": "same download as the notable-models file"},
}
HUB_APRIL = {
    "producer": "Epoch AI", "title": "AI Benchmarking Hub", "url": "https://epoch.ai/data/benchmark_data.zip",
    "licence": EPOCH_LICENCE, "licence_url": EPOCH_LICENCE_URL, "credit": HUB_CREDIT, "accessed": "2026-04-19",
    "origin": {"repository": "madhu24raj/bayes-llm-saturation", "path": "benchmark_data/",
               "commit": "8698b9ba92fdb58d51d67f4828376b7adca29afa",
               "note": "the extracted benchmark_data.zip from epoch.ai, committed 2026-04-19"},
}
ECI_NOVEMBER_2025 = {
    "producer": "Epoch AI", "dataset": "benchmarking_hub/epoch_capabilities_index",
    "title": "Epoch Capabilities Index (the website's ECI file, November 2025)",
    "url": "https://github.com/epoch-research/benchmark-stitching", "licence": "MIT",
    "licence_url": "https://github.com/epoch-research/benchmark-stitching/blob/main/LICENSE",
    "credit": "Epoch AI, 'Epoch Capabilities Index', via github.com/epoch-research/benchmark-stitching (MIT)",
    "accessed": "2025-11-07",
    "origin": {"repository": "epoch-research/benchmark-stitching", "path": "data/website/epoch_capabilities_index.csv",
               "commit": "07356c2106015f283c23a1f2478ea9e654a9f24f",
               "note": "added 2025-11-07 ('added option to compare with website data'), removed from the repository "
                       "later; read with git show from the official repository"},
}


def pin_eci_november(src: Path) -> int:
    """Pin the November 2025 ECI file (module docstring) as hub vintage 2025-11-07 (only the ECI file)."""
    if not src.is_file():
        print(f"error: {src}: file not found", file=sys.stderr)
        return 2
    folder = UPSTREAM_DIR / "epoch-ai" / "2025-11-07" / "benchmarking_hub"
    snap = write_snapshot(folder, "epoch_capabilities_index", src.read_bytes(), ECI_NOVEMBER_2025,
                          date_column="Release date")
    print(f"{snap.path.relative_to(UPSTREAM_DIR.parent.parent)}: {snap.meta['rows']} rows, "
          f"{len(snap.meta['columns_kept'])} columns kept, {len(snap.meta['columns_dropped'])} dropped")
    from analysis.data import snapshot_package

    print(f"wrote {snapshot_package.write().relative_to(UPSTREAM_DIR.parent.parent)} (Frictionless descriptor)")
    return 0


def _infrastructure_bytes(s, ref: Path, mirror: Path | None) -> bytes:
    """The download behind an infrastructure spec: the reference copy, else the chip repository at its commit."""
    if s.vintage == infra.CHIPS_VINTAGE:
        local = ref / "epoch_ai_chip_counts" / s.source_path
        if local.is_file():
            return local.read_bytes()
        if mirror is None:
            raise SystemExit(f"error: {s.source_path} is not in {ref}; set FRONTIER_ATLAS_CHIPS_MIRROR to a clone "
                             "of epoch-research/ai-chip-counts")
        return subprocess.run(["git", f"--git-dir={mirror}", "show", f"{s.origin['commit']}:{s.source_path}"],
                              check=True, capture_output=True).stdout
    return (ref / s.source_path).read_bytes()


def infrastructure_jobs(ref: Path, mirror: Path | None) -> list:
    """Snapshots of GPU clusters, frontier data centers and AI-chip stock (issue 27), with the metadata of
    :func:`analysis.data.infrastructure_snapshots.snapshot_meta` (columns kept and their names, newest row, vintage)."""
    jobs = []
    for s in infra.SPECS.values():
        local = ref / "epoch_ai_chip_counts" / s.source_path
        pinned = UPSTREAM_DIR / "epoch-ai" / s.vintage / f"{s.name}.csv"
        if s.vintage == infra.CHIPS_VINTAGE and not local.is_file() and mirror is None and pinned.is_file():
            print(f"{s.source_path}: not in {ref} and no FRONTIER_ATLAS_CHIPS_MIRROR; the pinned snapshot is kept")
            continue
        raw = _infrastructure_bytes(s, ref, mirror)
        meta = infra.snapshot_meta(s, raw)
        sub, _, stem = s.name.rpartition("/")
        jobs.append((UPSTREAM_DIR / "epoch-ai" / s.vintage / sub, stem, raw, meta, s.date_column, s.drop))
    return jobs


def main(ref: Path) -> int:
    if not ref.is_dir():
        print(f"error: {ref}: reference folder not found", file=sys.stderr)
        return 2
    epoch = UPSTREAM_DIR / "epoch-ai"
    jobs = [
        (epoch / "2026-07-19", "notable_ai_models", ref / "epoch_notable_ai_models.csv", NOTABLE_JULY, "Publication date"),
        (epoch / "2026-01-26", "notable_ai_models", ref / "epoch_notable_ai_models_2026-01-26.csv", NOTABLE_JANUARY,
         "Publication date"),
        (epoch / "2026-07-19", "ml_hardware", ref / "epoch_ml_hardware.csv", HARDWARE_JULY, "Release date"),
    ]
    hub = ref / "epoch_benchmarking_hub"
    for src in sorted(hub.rglob("*.csv")):
        rel = src.relative_to(hub)
        folder = epoch / "2026-04-19" / "benchmarking_hub" / rel.parent
        date_col = "Release date" if "additional_eci_data" not in rel.parts else None
        meta = {**HUB_APRIL, "dataset": f"benchmarking_hub/{rel.with_suffix('').as_posix()}",
                "origin": {**HUB_APRIL["origin"], "path": f"benchmark_data/{rel.as_posix()}"}}
        jobs.append((folder, src.stem, src, meta, date_col))
    mirror = os.environ.get("FRONTIER_ATLAS_CHIPS_MIRROR")
    runs = [(folder, name, src.read_bytes(), meta, date_col, None) for folder, name, src, meta, date_col in jobs]
    runs += infrastructure_jobs(ref, Path(mirror) if mirror else None)
    for folder, name, raw, meta, date_col, drop in runs:
        snap = write_snapshot(folder, name, raw, meta, date_column=date_col, drop=drop)
        print(f"{snap.path.relative_to(UPSTREAM_DIR.parent.parent)}: {snap.meta['rows']} rows, "
              f"{len(snap.meta['columns_kept'])} columns kept, {len(snap.meta['columns_dropped'])} dropped")
    from analysis.data import snapshot_package

    print(f"wrote {snapshot_package.write().relative_to(UPSTREAM_DIR.parent.parent)} (Frictionless descriptor)")
    return 0


if __name__ == "__main__":
    if len(sys.argv) == 3 and sys.argv[1] == "--eci-2025-11":
        sys.exit(pin_eci_november(Path(sys.argv[2])))
    default = Path(__file__).resolve().parents[2] / "shared" / "reference"
    sys.exit(main(Path(sys.argv[1]) if len(sys.argv) > 1 else default))
