"""Report manifests: reading them without running anything (which folders in ``--out`` are ours, the citation
year), and writing them (the content hash that decides whether a report is unchanged, the provenance: data spec and
files, versions, commit). Used by the runner (:mod:`analysis.reporting.reports`) and the index and citation pages
(:mod:`analysis.reporting.render`).

A report is skipped when its content hash (notebook source, parameters, data files, analysis code, style, toolkit
version) equals the one in its manifest.
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
import time
from importlib import metadata
from pathlib import Path

import analysis
from analysis.data import schema
from analysis.data.safeio import sha256_file
from analysis.data.spec import DataSpec, as_spec
from analysis.errors import AtlasError, UsageError
from analysis.reporting.planning import canonical_value, notebook_path

ROOT = schema.PROJECT_ROOT
# A report folder: a notebook's name, or for one combination of a parameter sweep the notebook's name followed by
# ``--key=value`` for each swept parameter (see :func:`analysis.reporting.planning.variant_name`).
REPORT_DIR = re.compile(r"^[a-z0-9][a-z0-9-]*(?:--[a-z0-9_]+=[a-z0-9][a-z0-9._+-]*)*$")


def citation_year() -> str:
    """Derived from SOURCE_DATE_EPOCH, else the commit date: never from the wall clock."""
    sde = os.environ.get("SOURCE_DATE_EPOCH")
    if sde:
        if not (sde.isascii() and sde.isdigit()):
            raise UsageError(f"SOURCE_DATE_EPOCH={sde[:40]!r}: expected a Unix time in whole seconds")
        try:
            year = time.gmtime(int(sde)).tm_year
        except (OverflowError, OSError, ValueError):
            year = 10000
        if not 1970 <= year <= 9999:
            raise UsageError(f"SOURCE_DATE_EPOCH={sde[:40]}: out of range (a Unix time up to 253402300799, "
                             "the end of year 9999)")
        return f"{year:04d}"
    try:
        out = subprocess.run(["git", "-C", str(ROOT), "log", "-1", "--format=%cs"], capture_output=True, text=True, timeout=10)
        if out.returncode == 0 and out.stdout[:4].isdigit():
            return out.stdout[:4]
    except (OSError, subprocess.SubprocessError):
        pass
    return "n.d."


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

# Within one run (see :func:`run_memo`), what every report shares -- the digest of the code files, the provenance --
# is computed once, in the main process before the workers are forked, and inherited by them.
_SHARED: dict | None = None


@contextlib.contextmanager
def run_memo():
    """Within this block, :func:`shared` computes each value once (a report run); outside, every time."""
    global _SHARED
    _SHARED = {}
    try:
        yield
    finally:
        _SHARED = None


def shared(key, compute):
    if _SHARED is None:
        return compute()
    if key not in _SHARED:
        _SHARED[key] = compute()
    return _SHARED[key]


def code_files() -> list[Path]:
    pkg = Path(analysis.__file__).parent
    return sorted([*pkg.rglob("*.py"), *pkg.glob("*.mplstyle")])


def code_digest() -> str:
    """sha256 of the analysis code and style (paths and bytes) and the toolkit version."""
    h = hashlib.sha256()
    for f in code_files():
        h.update(str(f.relative_to(ROOT)).encode() + f.read_bytes())
    h.update(analysis.__version__.encode())
    return h.hexdigest()


def content_hash(name: str, params: dict, data_spec: DataSpec | str | None) -> str:
    """What a report depends on: its notebook, its parameters, its data files (:meth:`DataSpec.digest`, hashed
    once per spec while the files do not change) and the code."""
    h = hashlib.sha256()
    h.update(notebook_path(name).read_bytes())
    h.update(json.dumps(params, sort_keys=True).encode())
    h.update(as_spec(data_spec).digest().encode())
    h.update(shared("code", code_digest).encode())
    return h.hexdigest()


def git_commit() -> str | None:
    try:
        out = subprocess.run(["git", "-C", str(ROOT), "rev-parse", "HEAD"], capture_output=True, text=True, timeout=10)
        commit = out.stdout.strip() if out.returncode == 0 else None
        dirty = subprocess.run(["git", "-C", str(ROOT), "status", "--porcelain", "--untracked-files=no"],
                               capture_output=True, text=True, timeout=10).stdout.strip()
        return f"{commit}-dirty" if commit and dirty else commit
    except (OSError, subprocess.SubprocessError):
        return None


def versions() -> dict[str, str]:
    out = {"python": sys.version.split()[0], "frontier-atlas": analysis.__version__}
    for p in PACKAGES:
        with contextlib.suppress(metadata.PackageNotFoundError):
            out[p] = metadata.version(p)
    return out


def data_source(data_spec: DataSpec | str | None) -> dict:
    """Which data the report ran on: label, upstream vintage, model rows, overlay counts and hashes."""
    from analysis.data import dataset as data  # deferred: the loader imports pandas (the runner's light path)

    p = data.load(data_spec).provenance()
    return {k: p[k] for k in ("label", "vintage", "models", "overlay")}


def data_version() -> str:
    return json.loads(schema.DATAPACKAGE.read_text(encoding="utf-8")).get("version", "unknown")


def prepare(spec: DataSpec) -> None:
    """In the main process, before the workers are forked: build (or read from the disk cache) the data table once
    and compute the provenance every report shares, so that no worker or kernel builds them again."""
    shared(("data_source", spec), lambda: data_source(spec))
    for key, fn in (("versions", versions), ("git_commit", git_commit), ("data_version", data_version)):
        shared(key, fn)


def _figures(tmp: Path, name: str) -> list[dict]:
    """The figures the notebook recorded (figures.json, removed), each checked on disk and given its files."""
    fig_file = tmp / "figures.json"
    figures = json.loads(fig_file.read_text(encoding="utf-8")) if fig_file.exists() else []
    fig_file.unlink(missing_ok=True)
    for f in figures:
        for ext in ("svg", "png", "pdf"):
            if not (tmp / "figures" / f"{f['id']}.{ext}").is_file():
                raise AtlasError(f"{name}: figure {f['id']}.{ext} was not written")
        if not (tmp / "tables" / f"{f['id']}.csv").is_file():
            raise AtlasError(f"{name}: table behind figure {f['id']} was not written")
        f["files"] = {ext: f"figures/{f['id']}.{ext}" for ext in ("svg", "png", "pdf")} | {"table": f"tables/{f['id']}.csv"}
    return figures


def write_manifest(tmp: Path, name: str, params: dict, spec: DataSpec, digest: str,
                   notebook: str | None = None, swept: dict | None = None) -> list[dict]:
    """Write ``manifest.json`` of the report built in ``tmp``; return its figures. The data recorded is the
    spec the notebook was given (its canonical string) and the sha256 of its files."""
    figures = _figures(tmp, name)
    tables = sorted(p.name for p in (tmp / "tables").glob("*.csv")) if (tmp / "tables").is_dir() else []
    title = _title(tmp / f"{name}.ipynb") or name
    if swept:
        title += " (" + ", ".join(f"{k}={canonical_value(v)}" for k, v in sorted(swept.items())) + ")"
    manifest = {
        "report": name,
        "title": title,
        "toolkit_version": analysis.__version__,
        "data_version": shared("data_version", data_version),
        "git_commit": shared("git_commit", git_commit),
        "content_hash": digest,
        "parameters": params,
        **spec.to_dict(),  # data_spec, data_files
        "data_source": shared(("data_source", spec), lambda: data_source(spec)),
        "versions": shared("versions", versions),
        "figures": figures,
        "tables": [f"tables/{t}" for t in tables],
    }
    if notebook and notebook != name:  # one combination of a parameter sweep
        manifest["notebook"] = notebook
        manifest["sweep"] = swept or {}
    (tmp / "manifest.json").write_text(json.dumps(manifest, indent=2, sort_keys=True, ensure_ascii=False) + "\n",
                                       encoding="utf-8")
    return figures


def _title(ipynb: Path) -> str | None:
    import nbformat

    nb = nbformat.read(ipynb, as_version=4)
    for c in nb.cells:
        if c.cell_type == "markdown":
            for ln in c.source.splitlines():
                if ln.startswith("# "):
                    return ln[2:].strip()
    return None


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


def add_file_hashes(tmp: Path) -> None:
    """Record the sha256 of every report file in the manifest, so that a damaged report is noticed and rebuilt."""
    mpath = tmp / "manifest.json"
    m = json.loads(mpath.read_text(encoding="utf-8"))
    m["files"] = tree_hashes(tmp)
    mpath.write_text(json.dumps(m, indent=2, sort_keys=True, ensure_ascii=False) + "\n", encoding="utf-8")
