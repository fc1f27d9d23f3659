"""Shared fixtures. Reference datasets live in ../shared/reference (beside the project) and are optional."""

from __future__ import annotations

import csv
import os
from pathlib import Path

import pytest

from analysis.data import schema

ROOT = Path(__file__).resolve().parents[1]
# FRONTIER_ATLAS_REFERENCE points at the reference folder when the project is checked out elsewhere (a worktree)
REF = Path(__import__("os").environ.get("FRONTIER_ATLAS_REFERENCE") or ROOT.parent / "shared" / "reference")
needs_ref = pytest.mark.skipif(not REF.is_dir(), reason="../shared/reference not present")
# A report that hangs fails after 10 minutes with its stack (each takes well under one here), before pytest-timeout's
# per-test limit would stop the whole test.
os.environ.setdefault("FRONTIER_ATLAS_REPORT_TIMEOUT", "600")

GOOD_MODEL = {
    "id": "llama-3-8b",
    "name": "Llama 3 8B",
    "organization": "Meta AI",
    "organization_type": "industry",
    "country": "United States of America",
    "release_date": "2024-04-18",
    "domain": "language",
    "task": "language modeling",
    "architecture": "dense",
    "parameters": "8.03e9",
    "active_parameters": "",
    "training_tokens": "15e12",
    "training_compute_flop": "7.227e23",
    "compute_method": "6ND",
    "training_hardware": "nvidia-h100",
    "hardware_count": "",
    "gpu_hours": "1.3e6",
    "utilization_mfu": "",
    "access": "open-weights-restricted",
    "license": "Llama 3 Community License",
    "training_code": "unreleased",
    "source_url": "https://github.com/meta-llama/llama3/blob/main/MODEL_CARD.md",
    "notes": "",
    "confidence": "confident",
}


def write_csv(path: Path, rows: list[dict], columns: list[str] | None = None) -> Path:
    columns = columns or list(rows[0].keys())
    with open(path, "w", newline="", encoding="utf-8") as fh:
        w = csv.DictWriter(fh, fieldnames=columns, extrasaction="ignore")
        w.writeheader()
        for r in rows:
            w.writerow(r)
    return path


@pytest.fixture
def models_csv(tmp_path):
    """Factory: write models rows (dicts overriding GOOD_MODEL) to a CSV in our schema."""

    def make(*overrides: dict, name: str = "models.csv") -> Path:
        rows = []
        for i, o in enumerate(overrides or ({},)):
            r = dict(GOOD_MODEL)
            r["id"] = f"model-{i}" if "id" not in o else o["id"]
            r.update(o)
            rows.append(r)
        return write_csv(tmp_path / name, rows, schema.resource("models").columns)

    return make


@pytest.fixture
def run_cli(capsys):
    """Run the CLI in-process: ``run_cli(argv) -> (exit code, stderr)``; argparse's SystemExit becomes its code."""
    from analysis.cli.main import main

    def run(argv: list[str]) -> tuple[int, str]:
        try:
            code = main(argv)
        except SystemExit as exc:
            code = exc.code
        return code, capsys.readouterr().err

    return run


@pytest.fixture(scope="session")
def built_reports(tmp_path_factory):
    """Every notebook built once per test session (bundled data; confidence 0.95 and a narrower window)."""
    from analysis.reporting import reports

    out = tmp_path_factory.mktemp("reports")
    results = reports.run_reports(reports.available(), out=out, jobs=2, overrides=["confidence=0.95", "since=2014-01-01"])
    return out, {r.name: r for r in results}


# Property tests: fixed examples in CI (a landing must not depend on a lucky draw), random exploration locally.
from hypothesis import settings as _hsettings  # noqa: E402

_hsettings.register_profile("ci", derandomize=True, database=None, print_blob=True)
if __import__("os").environ.get("CI"):
    _hsettings.load_profile("ci")


FIXTURE_NOTEBOOKS = Path(__file__).parent / "fixtures" / "notebooks"


def use_fixture_notebooks(tmp_path: Path, monkeypatch, *names: str) -> Path:
    """A notebooks folder with the named fixture notebooks, used by the runner (in-process and in subprocesses)."""
    import shutil

    from analysis.reporting import planning

    d = tmp_path / "notebooks"
    d.mkdir()
    for n in names:
        shutil.copy(FIXTURE_NOTEBOOKS / f"{n}.py", d / f"{n}.py")
    monkeypatch.setattr(planning, "NOTEBOOKS", d)
    monkeypatch.setenv("FRONTIER_ATLAS_NOTEBOOKS", str(d))
    return d


def report_files(root: Path) -> dict[str, bytes]:
    """Every file under ``root`` (a report folder or --out) with its bytes, by relative path."""
    return {str(p.relative_to(root)): p.read_bytes() for p in sorted(root.rglob("*")) if p.is_file()}


def clustered_wilson_by_hand(p: float, n: float, m, deff: float, level: float = 0.90) -> tuple[float, float]:
    """The bounds of docs/methods.md's organization-clustered share interval, written out step by step for the
    hand-computed tests (tests/test_intervals.py, tests/test_spillovers.py): Wilson at the effective n = n / deff,
    shrunk by (z / t_df)^2 with Satterthwaite's df from the implied intra-class correlation."""
    import math

    import numpy as np
    from scipy.stats import norm, t

    m = np.asarray(m, dtype=float)
    deff_max = (m ** 2).sum() / n
    rho = (deff - 1) / (deff_max - 1)
    w = m * (1 + (m - 1) * rho)
    df = w.sum() ** 2 / (w ** 2).sum()
    z = norm.ppf(0.5 + level / 2)
    n_adj = n / deff * (z / t.ppf(0.5 + level / 2, df)) ** 2
    centre = (p + z * z / (2 * n_adj)) / (1 + z * z / n_adj)
    half = z / (1 + z * z / n_adj) * math.sqrt(p * (1 - p) / n_adj + z * z / (4 * n_adj ** 2))
    return centre - half, centre + half
