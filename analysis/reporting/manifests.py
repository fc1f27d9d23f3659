"""Report manifests: read without running anything (which folders in ``--out`` are ours) and
written by the runner: the content hash that decides whether a report is unchanged (notebook, parameters, data files,
code), the provenance (data spec and files, versions, commit) and the sha256 of every report file.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import re
import stat
import subprocess
import sys
from importlib import metadata
from pathlib import Path

import analysis
from analysis.data import schema
from analysis.data.safeio import sha256_file
from analysis.data.spec import DataSpec, as_spec
from analysis.errors import AtlasError
from analysis.reporting.planning import canonical_value, notebook_path

ROOT = schema.PROJECT_ROOT
# A report folder: a notebook's name, or for one combination of a parameter sweep the notebook's name followed by
# ``--key=value`` for each swept parameter (see :func:`analysis.reporting.planning.variant_name`).
REPORT_DIR = re.compile(r"^[a-z0-9][a-z0-9-]*(?:--[a-z0-9_]+=[a-z0-9][a-z0-9._+-]*)*$")


def read_manifest(folder: Path) -> dict | None:
    """Our manifest in ``folder``, or None for a missing, unreadable or foreign one (any other JSON)."""
    f = folder / "manifest.json"
    try:
        if not stat.S_ISREG(os.lstat(f).st_mode) or os.lstat(f).st_size > 10 * 2**20:
            return None
        m = json.loads(f.read_text(encoding="utf-8"))
    except (OSError, ValueError, UnicodeDecodeError):
        return None
    keys = {"report", "content_hash", "figures", "toolkit_version"}
    if not isinstance(m, dict) or not keys <= set(m) or not isinstance(m.get("report"), str) \
            or not isinstance(m.get("figures"), list) or not REPORT_DIR.match(m["report"]):
        return None
    if not all(isinstance(f, dict) and isinstance(f.get("id"), str) and isinstance(f.get("caption", ""), str)
               for f in m["figures"]):
        return None
    return m


def report_manifests(out: Path) -> list[dict]:
    """Our manifests in ``out`` (foreign folders and foreign manifest.json files are ignored)."""
    found = []
    with contextlib.suppress(OSError):
        for e in sorted(os.scandir(out), key=lambda e: e.name):
            if REPORT_DIR.match(e.name) and e.is_dir(follow_symlinks=False):
                m = read_manifest(Path(e.path))
                if m is not None and m["report"] == e.name:
                    found.append(m)
    return found


# --- hashing and provenance ---------------------------------------------------------------------------------

PACKAGES = ("pandas", "numpy", "matplotlib", "statsmodels", "scipy", "papermill", "nbformat", "jupytext", "pandera",
            "ipykernel")


def code_digest() -> str:
    """sha256 of the analysis code and style (paths and bytes) and the toolkit version."""
    h = hashlib.sha256()
    pkg = Path(analysis.__file__).parent
    for f in sorted([*pkg.rglob("*.py"), *pkg.glob("*.mplstyle")]):
        h.update(str(f.relative_to(ROOT)).encode() + f.read_bytes())
    h.update(analysis.__version__.encode())
    return h.hexdigest()


def content_hash(name: str, params: dict, data_spec: DataSpec | str | None, code: str) -> str:
    """What a report depends on: its notebook, its parameters, its data files (:meth:`DataSpec.digest`, hashed
    once per spec while the files do not change) and the code (:func:`code_digest`)."""
    h = hashlib.sha256()
    h.update(notebook_path(name).read_bytes())
    h.update(json.dumps(params, sort_keys=True).encode())
    h.update(as_spec(data_spec).digest().encode())
    h.update(code.encode())
    return h.hexdigest()


def git_commit() -> str | None:
    """The checkout's commit (full hash; ``-dirty`` when tracked files differ from it), or None outside git."""
    with contextlib.suppress(OSError, subprocess.SubprocessError):  # --exclude: tags never replace the hash
        out = subprocess.run(["git", "-C", str(ROOT), "describe", "--always", "--dirty", "--abbrev=40", "--exclude=*"],
                             capture_output=True, text=True, timeout=10)
        return out.stdout.strip() or None if out.returncode == 0 else None
    return None


def data_source(data_spec: DataSpec | str | None) -> dict:
    """Which data the report ran on: label, upstream vintage, model rows, overlay counts and hashes."""
    from analysis.data import dataset as data  # deferred: the loader imports pandas (the runner's light path)

    p = data.load(data_spec).provenance()
    return {k: p[k] for k in ("label", "vintage", "models", "overlay")}


def provenance(spec: DataSpec) -> dict:
    """What every report of a run records alike, computed once by the runner before it forks the workers (it also
    builds the data table, or reads it from the disk cache, so that no worker or kernel builds it again)."""
    versions = {"python": sys.version.split()[0], "frontier-atlas": analysis.__version__}
    for p in PACKAGES:
        with contextlib.suppress(metadata.PackageNotFoundError):
            versions[p] = metadata.version(p)
    return {"data_source": data_source(spec), "versions": versions, "git_commit": git_commit(), "toolkit_version":
            analysis.__version__, "data_version": json.loads(schema.DATAPACKAGE.read_text("utf-8")).get("version", "unknown")}


def _figures(tmp: Path, name: str) -> list[dict]:
    """The figures the notebook recorded (figures.json, removed), each checked on disk and given its files."""
    fig_file = tmp / "figures.json"
    figures = json.loads(fig_file.read_text(encoding="utf-8")) if fig_file.exists() else []
    fig_file.unlink(missing_ok=True)
    for f in figures:
        f["files"] = {ext: f"figures/{f['id']}.{ext}" for ext in ("svg", "png", "pdf")} | {"table": f"tables/{f['id']}.csv"}
        for path in f["files"].values():
            if not (tmp / path).is_file():
                raise AtlasError(f"{name}: {path} of figure {f['id']} was not written")
    return figures


def manifest(tmp: Path, job, executed) -> dict:
    """The manifest of report ``job`` (an :class:`analysis.reporting.execution.Job`) built in ``tmp``. Its data:
    the spec the notebook was given and the input files' sha256 as hashed before the batch (the report checked that
    they did not change while it ran)."""
    title = next((ln[2:].strip() for c in executed.cells if c.cell_type == "markdown"
                  for ln in c.source.splitlines() if ln.startswith("# ")), job.name)
    if job.swept:
        title += " (" + ", ".join(f"{k}={canonical_value(v)}" for k, v in sorted(job.swept.items())) + ")"
    m = job.provenance | {
        "report": job.name, "title": title, "content_hash": job.digest, "parameters": job.params,
        "data_spec": job.spec.canonical, "data_files": job.data_files, "figures": _figures(tmp, job.name),
        "tables": sorted(f"tables/{p.name}" for p in (tmp / "tables").glob("*.csv")),
    }
    if job.swept:  # one combination of a parameter sweep
        m |= {"notebook": job.notebook, "sweep": job.swept}
    return m


def write(tmp: Path, manifest: dict) -> None:
    """Write ``manifest.json`` with the sha256 of every other report file, so that a damaged report is rebuilt."""
    manifest = manifest | {"files": tree_hashes(tmp)}
    (tmp / "manifest.json").write_text(json.dumps(manifest, indent=2, sort_keys=True, ensure_ascii=False) + "\n",
                                       encoding="utf-8")


def tree_hashes(folder: Path) -> dict[str, str]:
    """sha256 of every regular file under ``folder`` except manifest.json (relative POSIX paths, sorted)."""
    out = {}
    for p in sorted(folder.rglob("*")):
        if p.is_symlink() or not p.is_file():
            continue
        rel = p.relative_to(folder).as_posix()
        if rel != "manifest.json":
            out[rel] = sha256_file(p)
    return out
