"""Run the notebooks through papermill into ``reports/<name>/`` — in parallel, incrementally and safely.

For each report: execute ``notebooks/<name>.py`` (jupytext py:percent, the reviewed source) on the project's
kernel with the given parameters, in a temporary folder beside the target; write the executed notebook, a
code-hidden HTML page, the figures (SVG/PNG/PDF) and the tables behind them (CSV) written by the notebook through
:class:`analysis.figures.ReportOutput`, and ``manifest.json``; then swap the folder into place. A failing or
interrupted run removes its temporary folder and leaves the last good report untouched.

A report is skipped when its content hash (notebook source, parameters, data files, analysis code, style,
toolkit version) equals the one in its manifest; ``force=True`` rebuilds.
"""

from __future__ import annotations

import contextlib
import errno
import fcntl
import hashlib
import json
import math
import os
import re
import shutil
import signal
import stat
import subprocess
import sys
import time
from dataclasses import dataclass, field
from importlib import metadata
from pathlib import Path

import analysis
from analysis.data import schema
from analysis.data.safeio import check_regular, sha256_file
from analysis.data.spec import parse_spec
from analysis.errors import AtlasError, UsageError
from analysis.reporting.manifests import citation_year, read_manifest
from analysis.reporting.render import render_html, write_index

ROOT = schema.PROJECT_ROOT
# FRONTIER_ATLAS_NOTEBOOKS points the runner at another notebooks folder (used by the tests).
NOTEBOOKS = Path(os.environ.get("FRONTIER_ATLAS_NOTEBOOKS", ROOT / "notebooks"))
DEFAULT_OUT = ROOT / "reports"
NAME = re.compile(r"^[a-z0-9][a-z0-9-]*$")
KERNEL = "python3"
# Time limit of one report (seconds). Every report takes under a minute on two cores with the bundled data and a few
# minutes on 100k-row exports; the limit exists so that a hung kernel fails one report instead of the whole batch.
REPORT_TIMEOUT_S = 1800.0
TIMEOUT_ENV = "FRONTIER_ATLAS_REPORT_TIMEOUT"
PACKAGES = ("pandas", "numpy", "matplotlib", "statsmodels", "scipy", "papermill", "nbformat", "jupytext", "pandera",
            "ipykernel")
VOLATILE_KEYS = ("start_time", "end_time", "duration")


# --- the light path -----------------------------------------------------------------------------------------
#
# Deciding that every report is unchanged must not import pandas, papermill or matplotlib (about 2-4 s on two busy
# cores): this module imports only the standard library and light parts of ``analysis`` at the top; the data loader
# is imported when a --data SPEC must be parsed or a report must actually run.


def available() -> list[str]:
    """Names of the notebooks that can be run as reports (notebooks/<name>.py)."""
    return sorted(p.stem for p in NOTEBOOKS.glob("*.py") if NAME.match(p.stem))


def notebook_path(name: str) -> Path:
    if not NAME.match(name):
        raise UsageError(f"report name {name!r} is not a plain lower-case name (letters, digits, '-')")
    p = NOTEBOOKS / f"{name}.py"
    if not p.is_file():
        raise UsageError(f"no notebook named {name!r}; available: {', '.join(available())}")
    return p


def read_notebook(name: str):
    import jupytext

    nb = jupytext.read(notebook_path(name))
    nb.metadata["kernelspec"] = {"name": KERNEL, "display_name": "Python 3", "language": "python"}
    nb.metadata.setdefault("language_info", {"name": "python"})
    for i, cell in enumerate(nb.cells):
        cell.metadata.setdefault("tags", [])
        if "id" in cell:  # deterministic ids (jupytext draws random ones): same inputs, same notebook bytes
            cell["id"] = f"cell-{i}"
    return nb


# --- parameters ---------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Param:
    name: str
    type: str  # int | float | bool | str | None (unknown: passed as str)
    default: str
    help: str


def declared_parameters(name: str) -> dict[str, Param]:
    """The typed parameters declared in the notebook's ``parameters`` cell (``name: type = default  # help``).

    Read straight from the py:percent source with :mod:`ast`, without importing papermill or nbformat, so that
    checking parameters and skipping unchanged reports stays fast.
    """
    import ast

    lines = notebook_path(name).read_text(encoding="utf-8").splitlines()
    starts = [i for i, ln in enumerate(lines) if ln.startswith("# %%") and "parameters" in ln and "tags" in ln]
    if not starts:
        raise AtlasError(f"notebook {name} has no cell tagged 'parameters'")
    body = []
    for ln in lines[starts[0] + 1:]:
        if ln.startswith("# %%"):
            break
        body.append(ln)
    try:
        tree = ast.parse("\n".join(body))
    except SyntaxError as exc:
        raise AtlasError(f"notebook {name}: parameters cell does not parse ({exc.msg})") from None
    out = {}
    for node in tree.body:
        if isinstance(node, ast.AnnAssign) and isinstance(node.target, ast.Name):
            line = body[node.lineno - 1]
            help_ = line.split("#", 1)[1].strip() if "#" in line[node.end_col_offset:] else ""
            out[node.target.id] = Param(node.target.id, ast.unparse(node.annotation),
                                        ast.unparse(node.value) if node.value is not None else "", help_)
    if not out:
        raise AtlasError(f"notebook {name} declares no typed parameters")
    return out


_TRUE, _FALSE = {"true", "1", "yes", "on"}, {"false", "0", "no", "off"}


def coerce(value: str, param: Param):
    """Convert a ``-p KEY=VALUE`` string to the parameter's declared type, or raise UsageError."""
    t = param.type
    try:
        if t == "int":
            return int(value)
        if t == "float":
            v = float(value)
            if v != v or v in (float("inf"), float("-inf")):
                raise ValueError
            return v
        if t == "bool":
            low = value.strip().lower()
            if low in _TRUE:
                return True
            if low in _FALSE:
                return False
            raise ValueError
        if t.startswith("list"):
            v = json.loads(value)
            if not isinstance(v, list):
                raise ValueError
            return v
    except (ValueError, json.JSONDecodeError):
        raise UsageError(f"-p {param.name}={value!r}: expected {t} (declared as `{param.name}: {t} = {param.default}`)") from None
    if len(value) > 1000:
        raise UsageError(f"-p {param.name}: value longer than 1000 characters")
    return value


def _key_value(item: str) -> tuple[str, str]:
    """One ``-p KEY=VALUE`` item, split and checked."""
    if "=" not in item:
        raise UsageError(f"-p {item!r}: expected KEY=VALUE")
    k, v = item.split("=", 1)
    k = k.strip()
    if not k.isidentifier():
        raise UsageError(f"-p {item!r}: {k!r} is not a parameter name")
    return k, v


def parse_overrides(items: list[str]) -> dict[str, str]:
    return dict(_key_value(item) for item in items or [])


# --- parameter sweeps ---------------------------------------------------------------------------------------
#
# `-p key=v1,v2,v3` (or `-p key=v1 -p key=v2`) runs the notebook once per value, each into its own folder
# ``<out>/<notebook>--key=value/``; with several swept keys, once per combination. A comma inside brackets (a JSON
# list) does not separate values; elsewhere write a literal comma as ``\,`` (and a literal backslash before
# a comma as ``\\``).


def split_values(text: str) -> list[str]:
    r"""``a,b`` -> ['a', 'b']; ``a\,b`` -> ['a,b']; ``[1, 2],[3]`` -> ['[1, 2]', '[3]']."""
    values, cur, depth, i = [], [], 0, 0
    while i < len(text):
        ch = text[i]
        if ch == "\\" and i + 1 < len(text) and text[i + 1] in ",\\":
            cur.append(text[i + 1])
            i += 2
            continue
        if ch in "([{":
            depth += 1
        elif ch in ")]}":
            depth = max(0, depth - 1)
        elif ch == "," and depth == 0:
            values.append("".join(cur))
            cur = []
            i += 1
            continue
        cur.append(ch)
        i += 1
    values.append("".join(cur))
    return values


def parse_sweep(items: list[str]) -> dict[str, list[str]]:
    """``-p`` items to the values of each key, in order, without duplicates (one value: no sweep)."""
    out: dict[str, list[str]] = {}
    for item in items or []:
        k, v = _key_value(item)
        out.setdefault(k, [])
        out[k] += [x for x in split_values(v) if x not in out[k]]
    return out


_SAFE_VALUE = re.compile(r"^[a-z0-9][a-z0-9._+-]{0,39}$")


def _canonical(value) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (int, float)):
        return repr(value)
    return value if isinstance(value, str) else json.dumps(value, sort_keys=True, separators=(",", ":"))


def variant_name(notebook: str, swept: dict) -> str:
    """The folder of one sweep combination: ``<notebook>--key=value`` per swept key (sorted). A value that is not
    a short plain lower-case word or number (a path, a JSON list, spaces, capitals, a trailing dot) is written as
    ``h`` + the first 10 hex digits of its sha256, so that every name is a safe, portable folder name."""
    parts = [notebook]
    for k in sorted(swept):
        v = _canonical(swept[k])
        if not _SAFE_VALUE.match(v) or v.endswith("."):
            v = "h" + hashlib.sha256(v.encode()).hexdigest()[:10]
        parts.append(f"{k.lower()}={v}")
    name = "--".join(parts)
    if len(name) > 150:  # file names are limited to 255 bytes, and the temporary entries add a suffix
        digest = hashlib.sha256(json.dumps(swept, sort_keys=True, default=str).encode()).hexdigest()[:16]
        name = f"{notebook}--sweep=h{digest}"
    return name


def _approaches() -> tuple[str, ...]:
    from analysis.metrics.scaling import APPROACHES

    return tuple(APPROACHES)


# Parameters with a fixed vocabulary, checked before anything runs (else a typo fails late, inside the notebook).
CHOICES = {
    "subset": lambda: ("notable", "frontier"),
    "wall_subset": lambda: ("notable", "frontier"),
    "approach": _approaches,
}


def resolve_parameters(name: str, overrides: dict[str, str], data_spec: str | None) -> dict:
    """Validate overrides against the notebook's declared types; return the parameters to inject."""
    declared = declared_parameters(name)
    params = {}
    for k, v in sorted(overrides.items()):
        if k not in declared:
            continue  # checked across all selected notebooks by the caller
        if k in ("output_dir", "data_spec"):
            raise UsageError(f"-p {k}: set by the runner; use --out / --data")
        params[k] = coerce(v, declared[k])
    for k, v in params.items():
        if k in CHOICES and v not in CHOICES[k]():
            raise UsageError(f"-p {k}={v!r}: expected one of {', '.join(CHOICES[k]())}")
    if data_spec:
        kind, path = parse_spec(data_spec)
        if path is not None:
            if not path.exists():
                raise UsageError(f"--data {data_spec}: no such file")
            check_regular(path, f"--data {data_spec}")  # a FIFO or device would hang hashing and reading
            params["data_spec"] = ("epoch:" if kind == "epoch" else "") + str(path.resolve())
    return params


# --- hashing and provenance ---------------------------------------------------------------------------------


def data_files(data_spec: str | None) -> list[Path]:
    files = [schema.DATA_DIR / r.path for r in schema.resources().values()] + [schema.DATAPACKAGE]
    kind, path = parse_spec(data_spec)
    if path is not None:
        files.append(path)
    if kind == "default":  # the pinned upstream snapshot under the overlay
        from analysis.data import upstream

        files.append(upstream.find("notable_ai_models").path)
    return [f for f in files if f.exists()]


def code_files() -> list[Path]:
    pkg = Path(analysis.__file__).parent
    return sorted([*pkg.rglob("*.py"), *pkg.glob("*.mplstyle")])


# Within one run (see run_reports), what every report shares -- the digest of the data and code files, the
# provenance -- is computed once, in the main process before the workers are forked, and inherited by them.
_MEMO: dict = {}
_IN_RUN = False


def _memo(key, compute):
    if not _IN_RUN:
        return compute()
    if key not in _MEMO:
        _MEMO[key] = compute()
    return _MEMO[key]


def _inputs_digest(data_spec: str | None) -> bytes:
    h = hashlib.sha256()
    for f in data_files(data_spec):
        h.update(f.name.encode() + sha256_file(f).encode())
    for f in code_files():
        h.update(str(f.relative_to(ROOT)).encode() + f.read_bytes())
    h.update(analysis.__version__.encode())
    return h.digest()


def content_hash(name: str, params: dict, data_spec: str | None) -> str:
    h = hashlib.sha256()
    h.update(notebook_path(name).read_bytes())
    h.update(json.dumps(params, sort_keys=True).encode())
    h.update(_memo(("inputs", data_spec), lambda: _inputs_digest(data_spec)))
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


def data_source(data_spec: str | None) -> dict:
    """Which data the report ran on: label, upstream vintage, model rows, overlay counts and hashes."""
    from analysis.data import dataset as data

    p = data.load(data_spec).provenance()
    return {k: p[k] for k in ("label", "vintage", "models", "overlay")}


def data_version() -> str:
    return json.loads(schema.DATAPACKAGE.read_text(encoding="utf-8")).get("version", "unknown")


# --- execution ------------------------------------------------------------------------------------------------


@dataclass
class Result:
    name: str
    status: str  # ok | skipped | failed
    seconds: float
    message: str = ""
    figures: list[str] = field(default_factory=list)


def _strip_volatile(nb) -> None:
    """Remove timestamps so the executed notebook depends only on its inputs."""
    pm = nb.metadata.get("papermill", {})
    for k in VOLATILE_KEYS:
        pm.pop(k, None)
    if isinstance(pm.get("output_path"), str):  # the temporary build folder's path: keep the file name only
        pm["output_path"] = os.path.basename(pm["output_path"])
    for i, cell in enumerate(nb.cells):
        if "id" in cell:  # nbformat draws random cell ids: number them so the notebook's bytes depend on its inputs
            cell["id"] = f"cell-{i}"
        cpm = cell.metadata.get("papermill", {})
        for k in VOLATILE_KEYS:
            cpm.pop(k, None)
        cell.metadata.pop("execution", None)
    mapping = _widget_ids(nb)
    if mapping:  # interactive widgets get random ids (uuid4): renumber them in a canonical order
        text = json.dumps(nb)
        for old, new in mapping.items():
            text = text.replace(old, new)
        import nbformat

        fresh = nbformat.from_dict(json.loads(text))
        nb.clear()
        nb.update(fresh)


_WIDGET_ID = re.compile(r"[0-9a-f]{32}")


def _widget_ids(nb) -> dict[str, str]:
    """Old widget model id -> ``0…01``, ``0…02``, … in a canonical order: depth-first from the widgets shown in the
    cells' outputs (in cell order), following each model's references in sorted-key order; models no output reaches
    follow, ordered by their content."""
    state = nb.get("metadata", {}).get("widgets", {}).get("application/vnd.jupyter.widget-state+json", {}).get("state")
    if not isinstance(state, dict) or not state:
        return {}
    order: list[str] = []

    def visit(i: str) -> None:
        stack = [i]
        while stack:
            j = stack.pop()
            if j in state and j not in order:
                order.append(j)
                stack.extend(reversed(_WIDGET_ID.findall(json.dumps(state[j], sort_keys=True))))

    for cell in nb.get("cells", []):
        for out in cell.get("outputs", []) or []:
            view = out.get("data", {}).get("application/vnd.jupyter.widget-view+json") if isinstance(out, dict) else None
            for ref in _WIDGET_ID.findall(json.dumps(view, sort_keys=True)) if view else []:
                visit(ref)
    for i in sorted(set(state) - set(order), key=lambda i: _WIDGET_ID.sub("", json.dumps(state[i], sort_keys=True))):
        visit(i)
    return {old: f"{k + 1:032x}" for k, old in enumerate(order)}


def _failure_message(name: str, exc: BaseException) -> str:
    from papermill.exceptions import PapermillExecutionError

    if isinstance(exc, PapermillExecutionError):
        src = [ln for ln in (exc.source or "").splitlines() if ln.strip() and not ln.lstrip().startswith("#")]
        first = src[0].strip()[:100] if src else ""
        # papermill's index counts the injected-parameters cell; report the cell as numbered in the source notebook
        idx = exc.cell_index
        with contextlib.suppress(Exception):
            tags = [c.metadata.get("tags", []) for c in read_notebook(name).cells]
            pidx = next(i for i, t in enumerate(tags) if "parameters" in t)
            idx = idx - 1 if idx > pidx else idx
        return (f"{name}: cell {idx + 1} of notebooks/{name}.py failed with {exc.ename}: {str(exc.evalue).strip()[:300]}"
                + (f"\n    in: {first}" if first else ""))
    return f"{name}: {type(exc).__name__}: {str(exc)[:300]}"


def _write_manifest(tmp: Path, name: str, params: dict, data_spec: str | None, digest: str,
                    notebook: str | None = None, swept: dict | None = None) -> list[dict]:
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
    tables = sorted(p.name for p in (tmp / "tables").glob("*.csv")) if (tmp / "tables").is_dir() else []
    title = _title(tmp / f"{name}.ipynb") or name
    if swept:
        title += " (" + ", ".join(f"{k}={_canonical(v)}" for k, v in sorted(swept.items())) + ")"
    manifest = {
        "report": name,
        "title": title,
        "toolkit_version": analysis.__version__,
        "data_version": _memo("data_version", data_version),
        "git_commit": _memo("git_commit", git_commit),
        "content_hash": digest,
        "parameters": params,
        "data_spec": data_spec or "default",
        "data_source": _memo(("data_source", data_spec), lambda: data_source(data_spec)),
        "data_files": _memo(("data_files", data_spec), lambda: {
            str(p.relative_to(ROOT)) if p.is_relative_to(ROOT) else str(p): sha256_file(p)
            for p in data_files(data_spec)}),
        "versions": _memo("versions", versions),
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


# --- what we own in --out ----------------------------------------------------------------------------------
#
# Everything temporary (build folders, the backup of a report being replaced, kernel logs, the lock) lives in one
# private folder, ``<out>/.frontier-atlas/``, created by us and marked by a file we wrote. Nothing else in --out is
# ever renamed or deleted except the report folders themselves (``<out>/<name>/`` holding our manifest.json) and
# ``index.html``. Entries are never matched by prefix alone and symlinks are never followed.

WORK_DIR = ".frontier-atlas"
MARKER = "frontier-atlas-work-folder"
MARKER_TEXT = ("This folder holds the temporary files of `frontier-atlas report` (build folders, backups, the lock).\n"
               "It is safe to delete when no report run is active.\n")
LOCK = "lock"
_ENTRY = re.compile(r"^(tmp|old|log)-([a-z0-9][a-z0-9._=+-]*)\.([0-9]+)-([0-9]+)$")


def _is_real_dir(p: Path) -> bool:
    with contextlib.suppress(OSError):
        return stat.S_ISDIR(os.lstat(p).st_mode)
    return False


def work_dir(out: Path) -> Path:
    """The private folder in ``out`` (created if needed); AtlasError if that name is taken by something else."""
    w = out / WORK_DIR
    try:
        os.mkdir(w, 0o755)
        made = True
    except FileExistsError:
        made = False
    if not _is_real_dir(w):
        raise AtlasError(f"{w} exists and is not a folder made by frontier-atlas (a file or a symlink); move it away "
                         "or use another --out")
    marker = w / MARKER
    if made or not any(True for _ in os.scandir(w)):
        _write_new(marker, MARKER_TEXT)
    else:
        try:
            st = os.lstat(marker)
            ok = stat.S_ISREG(st.st_mode) and marker.read_text(encoding="utf-8") == MARKER_TEXT
        except (OSError, UnicodeDecodeError):
            ok = False
        if not ok:
            raise AtlasError(f"{w} exists but was not made by frontier-atlas (no {MARKER} file of ours); move it "
                             "away or use another --out")
    return w


def _write_new(path: Path, text: str) -> None:
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC | os.O_NOFOLLOW | os.O_CLOEXEC, 0o644)
    with os.fdopen(fd, "w", encoding="utf-8") as fh:
        fh.write(text)


def _entry(work: Path, kind: str, name: str, run_id: str) -> Path:
    return work / f"{kind}-{name}.{run_id}"


def _remove(p: Path) -> None:
    """Remove an entry of our private folder without following symlinks (rmtree refuses them; unlink the link)."""
    try:
        mode = os.lstat(p).st_mode
    except FileNotFoundError:
        return
    if stat.S_ISDIR(mode):
        shutil.rmtree(p, ignore_errors=True)
    else:
        with contextlib.suppress(OSError):
            os.unlink(p)


def is_report_dir(p: Path, name: str | None = None) -> bool:
    """A folder (not a symlink) holding a manifest.json written by us for report ``name`` (default: the folder's)."""
    if not _is_real_dir(p):
        return False
    m = read_manifest(p)
    return m is not None and m.get("report") == (name or p.name)


def _tree_hashes(folder: Path) -> dict[str, str]:
    """sha256 of every regular file under ``folder`` except manifest.json (relative POSIX paths, sorted)."""
    out = {}
    for p in sorted(folder.rglob("*")):
        if p.is_symlink() or not p.is_file():
            continue
        rel = p.relative_to(folder).as_posix()
        if rel != "manifest.json":
            out[rel] = sha256_file(p)
    return out


def _swap(tmp: Path, final: Path, old: Path) -> None:
    """Replace ``final`` by ``tmp``; the old report is kept (in our private folder) until the new one is in place."""
    if os.path.lexists(final):
        os.rename(final, old)
    try:
        os.rename(tmp, final)
    except OSError:
        if os.path.lexists(old) and not os.path.lexists(final):
            os.rename(old, final)
        raise
    _remove(old)


def _unchanged(final: Path, digest: str) -> bool:
    """Same content hash, and every file the manifest lists is there with its recorded sha256 (a report damaged or
    trimmed by hand is rebuilt)."""
    m = read_manifest(final) if _is_real_dir(final) else None
    if m is None or m.get("content_hash") != digest or not isinstance(m.get("files"), dict) or not m["files"]:
        return False
    try:
        return _tree_hashes(final) == m["files"]
    except OSError:
        return False


def _term_to_interrupt(signum, frame):  # pragma: no cover - exercised via subprocess tests
    raise KeyboardInterrupt


_RUNNING = False  # in a worker process: is a notebook being executed right now?
RUN_ENV = "FRONTIER_ATLAS_RUN"  # set in each worker: the kernels it starts inherit it, so they can be found and stopped
PDEATHSIG = signal.SIGTERM


def _worker_signal(signum, frame):  # pragma: no cover - exercised via subprocess tests
    """In a worker, SIGINT/SIGTERM/SIGHUP (and the parent-death signal) stop the worker's kernel at once, then
    interrupt the running notebook so that its cleanup runs; an idle worker just exits."""
    marker = os.environ.get(RUN_ENV, "")
    if "/" in marker:
        _kill_marked(*marker.split("/", 1))
    if _RUNNING:
        raise KeyboardInterrupt
    os._exit(1)


def _set_parent_death_signal(parent: int) -> None:
    """Linux: the kernel sends PDEATHSIG to this process when its parent dies (kill -9 included)."""
    with contextlib.suppress(Exception):
        import ctypes

        libc = ctypes.CDLL(None, use_errno=True)
        libc.prctl(1, int(PDEATHSIG), 0, 0, 0)  # PR_SET_PDEATHSIG = 1
    if os.getppid() != parent:  # the parent died before prctl: do not outlive it
        os._exit(1)


def _watch_parent(parent: int) -> None:
    """Portable fallback of the parent-death signal: a daemon thread that stops the worker once orphaned."""
    import threading

    def watch() -> None:
        while True:
            time.sleep(0.5)
            if os.getppid() != parent:
                os.kill(os.getpid(), PDEATHSIG)
                return

    threading.Thread(target=watch, daemon=True, name="frontier-atlas-parent-watch").start()


def _worker_init(parent: int, lock_fd: int | None, log: Path) -> None:
    for sig in (signal.SIGTERM, signal.SIGINT, signal.SIGHUP):
        signal.signal(sig, _worker_signal)
    _set_parent_death_signal(parent)
    _watch_parent(parent)
    if lock_fd is not None:  # the lock belongs to the parent: a worker must never keep it alive
        with contextlib.suppress(OSError):
            os.close(lock_fd)
    # whatever the worker or its libraries print (warnings, a dying kernel) goes to a log, never the user's terminal
    fd = os.open(log, os.O_WRONLY | os.O_CREAT | os.O_TRUNC | os.O_NOFOLLOW | os.O_CLOEXEC, 0o644)
    os.dup2(fd, 1)
    os.dup2(fd, 2)
    os.close(fd)


def report_timeout() -> float:
    """Seconds one report may run (``FRONTIER_ATLAS_REPORT_TIMEOUT``, else ``REPORT_TIMEOUT_S``)."""
    raw = os.environ.get(TIMEOUT_ENV, "").strip()
    if not raw:
        return REPORT_TIMEOUT_S
    try:
        value = float(raw)
    except ValueError:
        raise UsageError(f"{TIMEOUT_ENV}={raw!r}: expected a number of seconds") from None
    if not value > 0 or value != value or value == float("inf"):
        raise UsageError(f"{TIMEOUT_ENV}={raw!r}: expected a positive number of seconds")
    return value


HIST_ARG = "--HistoryManager.hist_file=:memory:"  # as nbclient starts a kernel: no history database on disk


def run_one(name: str, out_root: str, params: dict, data_spec: str | None, force: bool, run_id: str,
            timeout: float | None = None, *, notebook: str | None = None, swept: dict | None = None,
            go=None) -> Result:
    """Execute one report into a temporary folder and swap it in on success (runs in a worker process). A cell that
    runs longer than ``timeout`` seconds fails the report (default: ``report_timeout()``); the parent also stops a
    worker that overruns it as a whole.

    ``name`` is the report's folder; ``notebook`` the notebook it runs (default: ``name``; they differ for one
    combination of a sweep). With warm kernels (:mod:`analysis.kernels`) the kernel is started with the notebook's
    imports and data before ``go()`` returns (the runner calls it when a slot is free); the report's time starts
    then."""
    global _RUNNING
    from analysis.reporting import kernels

    nb_name = notebook or name
    t0 = time.monotonic()
    out = Path(out_root)
    final = out / name
    digest = content_hash(nb_name, params, data_spec)
    if not force and _unchanged(final, digest):
        return Result(name, "skipped", time.monotonic() - t0, "unchanged")
    if os.path.lexists(final) and not is_report_dir(final, name):
        return Result(name, "failed", time.monotonic() - t0,
                      f"{name}: {final} exists and is not a report made by frontier-atlas; left alone (move it away "
                      "or use another --out)")
    work = out / WORK_DIR
    tmp = _entry(work, "tmp", name, run_id)
    _remove(tmp)
    timeout = report_timeout() if timeout is None else timeout
    _RUNNING = True
    km = None
    try:
        import papermill as pm  # imported only when something must run: keeps no-op runs fast

        tmp.mkdir()
        nb = read_notebook(nb_name)
        if kernels.enabled():
            sources = [c.source for c in nb.cells
                       if c.cell_type == "code" and "parameters" not in c.metadata.get("tags", [])]
            km = kernels.start(str(tmp), KERNEL, [HIST_ARG, *kernels.startup_arguments(sources, params.get("data_spec"))])
        if go is not None:
            go()
            t0 = time.monotonic()
        injected = dict(params) | {"output_dir": "."}
        ipynb = tmp / f"{name}.ipynb"
        executed = pm.execute_notebook(nb, str(ipynb), parameters=injected, kernel_name=KERNEL, cwd=str(tmp),
                                       progress_bar=False, log_output=False, start_timeout=120,
                                       execution_timeout=int(math.ceil(timeout)), km=km,
                                       shutdown_kernel="immediate",
                                       # not rewritten after every cell (33 writes, 0.7 s CPU for one report): we
                                       # write the final notebook ourselves
                                       request_save_on_cell_execute=False)
        if km is not None:
            kernels.stop(km)
            km = None
        _strip_volatile(executed)
        import nbformat

        nbformat.write(executed, ipynb)
        figures = _write_manifest(tmp, name, params, data_spec, digest, nb_name, swept)
        (tmp / f"{name}.html").write_text(render_html(executed, name, json.loads((tmp / "manifest.json").read_text())),
                                          encoding="utf-8")
        _add_file_hashes(tmp)
        _swap(tmp, final, _entry(work, "old", name, run_id))
        return Result(name, "ok", time.monotonic() - t0, figures=[f["id"] for f in figures])
    except KeyboardInterrupt:
        _remove(tmp)
        return Result(name, "failed", time.monotonic() - t0, f"{name}: interrupted")
    except TimeoutError as exc:  # nbclient's CellTimeoutError: a cell ran past the limit (or the kernel hung)
        _remove(tmp)
        preview = [ln.strip() for ln in str(exc).splitlines() if ln.strip() and not set(ln.strip()) <= {"-"}]
        return Result(name, "failed", time.monotonic() - t0,
                      f"{name}: a cell ran longer than the time limit of {timeout:g} s and was stopped (raise it "
                      f"with --timeout or {TIMEOUT_ENV})" + (f"\n    in: {preview[-1][:100]}" if len(preview) > 1 else ""))
    except OSError as exc:
        _remove(tmp)
        return Result(name, "failed", time.monotonic() - t0, f"{name}: cannot write {out}: {_os_reason(exc)}")
    except Exception as exc:  # a failing notebook must not stop the others
        _remove(tmp)
        return Result(name, "failed", time.monotonic() - t0, _failure_message(nb_name, exc))
    finally:
        if km is not None:
            kernels.stop(km)
        _RUNNING = False


def _add_file_hashes(tmp: Path) -> None:
    """Record the sha256 of every report file in the manifest, so that a damaged report is noticed and rebuilt."""
    mpath = tmp / "manifest.json"
    m = json.loads(mpath.read_text(encoding="utf-8"))
    m["files"] = _tree_hashes(tmp)
    mpath.write_text(json.dumps(m, indent=2, sort_keys=True, ensure_ascii=False) + "\n", encoding="utf-8")


def _os_reason(exc: OSError) -> str:
    if exc.errno == errno.ENOSPC:
        return "no space left on device (disk full)"
    if exc.errno in (errno.EROFS, errno.EACCES, errno.EPERM):
        return "output folder is not writable (read-only file system or permission denied)"
    return exc.strerror or str(exc)


def _start_time(pid: int) -> str | None:
    """The process's start time (clock ticks since boot, /proc/PID/stat field 22): pid + start time names a process
    uniquely even after its pid is reused. None when it is not running (or off Linux: then '0' if it exists)."""
    try:
        text = Path(f"/proc/{pid}/stat").read_text()
        return text.rsplit(")", 1)[1].split()[19]
    except (OSError, IndexError):
        pass
    if not Path("/proc/self/stat").exists():
        try:
            os.kill(pid, 0)
            return "0"
        except ProcessLookupError:
            return None
        except PermissionError:
            return "0"
    return None


def _run_id() -> str:
    return f"{os.getpid()}-{_start_time(os.getpid()) or 0}"


def _alive(pid: int, start: str) -> bool:
    now = _start_time(pid)
    return now is not None and (now == start or now == "0" or start == "0")


@contextlib.contextmanager
def output_lock(out: Path):
    """One writer per output folder.

    The lock is ``<out>/.frontier-atlas/lock``: opened without following symlinks, held with ``flock`` by the
    main process only (workers close their inherited copy; they also die with the main process), and recording
    ``pid start-time``. The kernel releases a flock when its holder dies, so a run killed with ``kill -9`` never
    blocks the next one; a record left by a dead run is reported as taken over.
    """
    try:
        out.mkdir(parents=True, exist_ok=True)
    except FileExistsError:
        raise AtlasError(f"--out {out}: exists and is not a folder") from None
    except OSError as exc:
        raise AtlasError(f"cannot write to {out}: {_os_reason(exc)}") from None
    if not out.is_dir():
        raise AtlasError(f"--out {out}: exists and is not a folder")
    try:
        work = work_dir(out)
        lock = work / LOCK
        fd = os.open(lock, os.O_RDWR | os.O_CREAT | os.O_NOFOLLOW | os.O_CLOEXEC, 0o644)
    except OSError as exc:
        if exc.errno in (errno.ELOOP, errno.EISDIR, errno.ENXIO):
            raise AtlasError(f"{out / WORK_DIR / LOCK} is not a lock file of ours (a symlink, folder or device); "
                             "remove it or use another --out") from None
        raise AtlasError(f"cannot write to {out}: {_os_reason(exc)}") from None
    try:
        if not stat.S_ISREG(os.fstat(fd).st_mode):
            raise AtlasError(f"{lock} is not a lock file of ours; remove it or use another --out")
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            holder = os.pread(fd, 200, 0).decode("ascii", "replace").split()
            pid = holder[0] if holder else "?"
            if len(holder) >= 2 and holder[0].isdigit() and not _alive(int(holder[0]), holder[1]):
                raise AtlasError(f"the lock on {out} is held by a process left over from run pid {pid}, which is no "
                                 "longer running; wait a few seconds and retry") from None
            raise AtlasError(f"another `frontier-atlas report` (pid {pid}) is writing to {out}; wait for it to "
                             "finish or use --out DIR") from None
        os.ftruncate(fd, 0)
        os.pwrite(fd, f"{os.getpid()} {_start_time(os.getpid()) or 0}\n".encode(), 0)
        yield fd
    finally:
        with contextlib.suppress(OSError):
            os.close(fd)  # closing the last descriptor releases the flock


def cleanup_temp(out: Path, run_id: str | None = None) -> None:
    """Remove our temporary entries (of this run, or of every run that is no longer alive) and restore a report
    left mid-swap by a dead run. Only names of the form ``<kind>-<report>.<pid>-<start>`` inside our private
    folder are considered; anything else there, and everything outside it, is left alone."""
    work = out / WORK_DIR
    if not _is_real_dir(work):
        return
    try:
        entries = sorted(os.scandir(work), key=lambda e: e.name)
    except OSError:
        return
    for e in entries:
        m = _ENTRY.match(e.name)
        if not m or e.is_symlink():
            continue
        kind, name, pid, start = m.groups()
        this = f"{pid}-{start}"
        if run_id is not None and this != run_id:
            continue
        if run_id is None and _alive(int(pid), start) and int(pid) != os.getpid():
            continue
        p = Path(e.path)
        if kind == "old" and not os.path.lexists(out / name) and e.is_dir(follow_symlinks=False):
            with contextlib.suppress(OSError):
                os.rename(p, out / name)
                continue
        _remove(p)


def _kill_marked(run_id: str, name: str | None = None) -> None:
    """SIGKILL every process whose environment carries this run's marker (the kernels our workers started), or only
    those of one report."""
    needle = (f"\0{RUN_ENV}={run_id}/{name}\0" if name else f"\0{RUN_ENV}={run_id}/").encode()
    with contextlib.suppress(OSError):
        for d in os.listdir("/proc"):
            if not d.isdigit() or int(d) == os.getpid():
                continue
            try:
                env = b"\0" + Path(f"/proc/{d}/environ").read_bytes()
            except OSError:
                continue
            if needle in env:
                with contextlib.suppress(OSError):
                    os.kill(int(d), signal.SIGKILL)


def _signal_name(code: int | None) -> str:
    if code is None:
        return "no exit status"
    if code < 0:
        with contextlib.suppress(ValueError):
            sig = signal.Signals(-code)
            extra = " (killed: out of memory, or by hand)" if sig == signal.SIGKILL else ""
            return f"signal {sig.name}{extra}"
        return f"signal {-code}"
    return f"exit status {code}"


def _child(conn, parent: int, lock_fd: int | None, log: str, name: str, out: str, params: dict,
           data_spec: str | None, run_id: str, timeout: float, notebook: str | None = None,
           swept: dict | None = None) -> None:  # pragma: no cover - runs in a forked worker
    os.environ[RUN_ENV] = f"{run_id}/{name}"
    _worker_init(parent, lock_fd, Path(log))
    import asyncio
    import faulthandler

    # A forked worker must not reuse the parent's event loop: its executor threads did not survive the fork, and work
    # handed to them would wait forever. papermill then makes a fresh loop in this process.
    asyncio.set_event_loop_policy(None)
    # If the report overruns its limit, every thread's stack goes to the worker's log before the parent kills it.
    faulthandler.dump_traceback_later(timeout, exit=False, file=2)  # fd 2 is the log (_worker_init)

    def go() -> None:
        """Wait until the runner gives this report a slot (a worker started ahead has its kernel warming)."""
        conn.recv()
        faulthandler.dump_traceback_later(timeout, exit=False, file=2)  # the report's time starts now

    try:
        res = run_one(name, out, params, data_spec, True, run_id, timeout, notebook=notebook, swept=swept, go=go)
    except BaseException as exc:  # noqa: BLE001 - whatever happens, the parent gets one line
        res = Result(name, "failed", 0.0, f"{name}: {type(exc).__name__}: {str(exc)[:300]}")
    try:
        conn.send(res)
    finally:
        os._exit(0)


INTERRUPT_GRACE_S = 1.5  # after Ctrl-C/SIGTERM/SIGHUP, workers get this long to clean up before SIGKILL
# Past its time limit a report's worker gets this long to fail cleanly (a cell timeout names the cell); then the
# parent kills the worker and its kernel, so a hung kernel can never hold the batch forever.
TIMEOUT_GRACE_S = 30.0


def _where(log: Path) -> str:
    """The innermost frames of the main thread (faulthandler lists it last) that the worker's fault handler wrote to
    its log when the report overran its limit, if any."""
    try:
        text = log.read_text(encoding="utf-8", errors="replace")[-20000:]
    except OSError:
        return ""
    blocks = re.split(r"^(?:Current thread|Thread) 0x[0-9a-f]+ ", text, flags=re.M)
    block = blocks[-1] if len(blocks) > 1 else ""
    frames = [ln.strip() for ln in block.splitlines() if ln.strip().startswith("File ")][:4]
    return ("\n    where: " + "\n           ".join(frames)) if frames else ""


def _run_workers(todo: list[str], out: Path, per_report: dict, data_spec: str | None, jobs: int, run_id: str,
                 lock_fd: int | None, results: list[Result], total: int, progress, timeout: float,
                 variants: dict | None = None) -> None:
    """Run each report in its own forked worker, at most ``jobs`` at a time, in the order given. With warm kernels
    up to ``jobs`` more workers are started ahead, each starting its kernel (imports, data) while it waits for a
    slot. A worker that dies (kill -9, the OOM killer) or overruns its time fails only its own report; an interrupt
    stops every worker and kernel within a few seconds. ``variants``: report -> (notebook, swept parameters) for
    the combinations of a sweep."""
    import multiprocessing as mp
    from multiprocessing.connection import wait

    from analysis.reporting import kernels

    ctx = mp.get_context("fork")
    work = out / WORK_DIR
    pending = list(todo)
    ahead = jobs if kernels.enabled() else 0
    variants = variants or {}
    running: dict = {}  # sentinel -> [process, connection, name, t0 (None until the report has a slot)]

    def finish(key, res: Result) -> None:
        proc, conn, name, _ = running.pop(key)
        conn.close()
        proc.join(timeout=5)
        _remove(_entry(work, "log", name, run_id))
        results.append(res)
        if progress:
            progress(len(results), total, res)

    try:
        while pending or running:
            while pending and len(running) < jobs + ahead:
                name = pending.pop(0)
                mine, theirs = ctx.Pipe(duplex=True)
                log = _entry(work, "log", name, run_id)
                notebook, swept = variants.get(name, (None, None))
                proc = ctx.Process(target=_child, name=f"frontier-atlas-{name}",
                                   args=(theirs, os.getpid(), lock_fd, str(log), name, str(out), per_report[name],
                                         data_spec, run_id, timeout, notebook, swept), daemon=False)
                proc.start()
                theirs.close()
                running[proc.sentinel] = [proc, mine, name, None]
            active = sum(v[3] is not None for v in running.values())
            for slot in running.values():  # slots go to the workers in the order they were started
                if active >= jobs:
                    break
                if slot[3] is None:
                    with contextlib.suppress(OSError, ValueError):  # a worker that already ended is handled below
                        slot[1].send(b"go")
                    slot[3] = time.monotonic()
                    active += 1
            conns = {v[1]: k for k, v in running.items()}
            ready = wait(list(conns) + list(running), timeout=1.0)
            limit = timeout + TIMEOUT_GRACE_S
            for key, (proc, _conn, name, t0) in list(running.items()):
                if key in ready or t0 is None or time.monotonic() - t0 <= limit:
                    continue
                proc.kill()
                proc.join(timeout=5)
                _kill_marked(run_id, name)
                _remove(_entry(work, "tmp", name, run_id))
                finish(key, Result(name, "failed", time.monotonic() - t0,
                                   f"{name}: stopped after {time.monotonic() - t0:.0f} s, over its time limit of "
                                   f"{timeout:g} s (raise it with --timeout or {TIMEOUT_ENV}); the other reports were "
                                   "not affected" + _where(_entry(work, "log", name, run_id))))
            for r in ready:
                key = conns.get(r, r)
                if key not in running:
                    continue
                proc, conn, name, t0 = running[key]
                res = None
                with contextlib.suppress(EOFError, OSError):
                    if conn.poll():
                        res = conn.recv()
                if res is None:
                    proc.join(timeout=5)
                    if proc.exitcode is None and r is conn:
                        continue  # closed pipe, process still exiting: its sentinel comes next
                    _remove(_entry(work, "tmp", name, run_id))
                    _kill_marked(run_id, name)
                    res = Result(name, "failed", time.monotonic() - (t0 or time.monotonic()),
                                 f"{name}: the worker running it died ({_signal_name(proc.exitcode)}); the other "
                                 "reports were not affected")
                finish(key, res)
    except BaseException:  # Ctrl-C, SIGTERM, or an exception from a progress callback: no worker outlives the run
        for sig in (signal.SIGINT, signal.SIGTERM, signal.SIGHUP):  # a second Ctrl-C must not cut the cleanup short
            signal.signal(sig, signal.SIG_IGN)
        procs = [v[0] for v in running.values()]
        for p in procs:
            with contextlib.suppress(Exception):
                p.terminate()
        deadline = time.monotonic() + INTERRUPT_GRACE_S
        for p in procs:
            p.join(timeout=max(0.0, deadline - time.monotonic()))
        for p in procs:
            if p.is_alive():
                p.kill()
                p.join(timeout=1)
        _kill_marked(run_id)
        raise


def _check_out(out: object) -> Path:
    if out is None:
        return DEFAULT_OUT
    text = str(out) if not isinstance(out, Path) else out.as_posix()
    if isinstance(out, str) and not out.strip():
        raise UsageError("--out '': give a folder path (the empty string would mean the current folder)")
    p = Path(text)
    if os.path.lexists(p) and not p.is_dir():
        raise UsageError(f"--out {text}: exists and is not a folder")
    return p


def run_reports(names: list[str] | None = None, *, out: Path | str = DEFAULT_OUT, jobs: int | None = None,
                data_spec: str | None = None, overrides: list[str] | None = None, force: bool = False,
                progress=None, timeout: float | None = None) -> list[Result]:
    """Build the named reports (default: all). Validates every parameter before running anything. ``timeout``:
    seconds one report may run (default ``report_timeout()``)."""
    names = list(dict.fromkeys(names or available()))  # a name given twice is built once
    if not names:
        return []
    for n in names:
        notebook_path(n)
    out = _check_out(out)
    citation_year()  # a bad SOURCE_DATE_EPOCH is refused before anything runs
    if timeout is None:
        timeout = report_timeout()
    elif not (isinstance(timeout, (int, float)) and 0 < timeout < float("inf")):
        raise UsageError(f"--timeout {timeout!r}: expected a positive number of seconds")
    sweep = parse_sweep(overrides or [])
    per_report, variants = plan(names, sweep, data_spec)
    declared_any = set().union(*(declared_parameters(n).keys() for n in names))
    unknown = sorted(set(sweep) - declared_any)
    if unknown:
        raise UsageError(f"-p {unknown[0]}: no selected notebook declares this parameter")
    reports_ = list(per_report)
    out = Path(os.path.abspath(out))
    jobs = max(1, min(jobs or os.cpu_count() or 1, len(reports_)))
    run_id = _run_id()
    results: list[Result] = []
    previous = {signal.SIGINT: signal.getsignal(signal.SIGINT)}
    previous |= {sig: signal.signal(sig, _term_to_interrupt) for sig in (signal.SIGTERM, signal.SIGHUP)}
    global _IN_RUN
    _MEMO.clear()
    _IN_RUN = True
    try:
        with output_lock(out) as lock_fd:
            cleanup_temp(out)
            todo = []
            for n in reports_:  # unchanged reports are settled here, without starting a worker or importing papermill
                t0 = time.monotonic()
                nb = variants[n][0] if n in variants else n
                if not force and _unchanged(out / n, content_hash(nb, per_report[n], data_spec)):
                    results.append(Result(n, "skipped", time.monotonic() - t0, "unchanged"))
                    if progress:
                        progress(len(results), len(reports_), results[-1])
                else:
                    todo.append(n)
            server = _fork_server(todo, per_report, variants, run_id)  # imports while the batch is prepared
            try:
                if todo:
                    import jupytext  # noqa: F401  (imported once here, inherited by the forked workers)
                    import nbformat  # noqa: F401
                    import papermill  # noqa: F401

                    import analysis.reporting.kernels  # noqa: F401

                    _prepare_batch(data_spec)
                    todo = longest_first(todo, out)
                if server is not None:
                    server.ready()
                _run_workers(todo, out, per_report, data_spec, jobs, run_id, lock_fd, results, len(reports_),
                             progress, float(timeout), variants)
            finally:
                if server is not None:
                    server.close()
                cleanup_temp(out, run_id)
                _record_durations(out, results)
            try:
                write_index(out)
            except OSError as exc:
                raise AtlasError(f"cannot write {out / 'index.html'}: {_os_reason(exc)}") from None
    finally:
        _IN_RUN = False
        _MEMO.clear()
        for sig, handler in previous.items():
            signal.signal(sig, handler)
    results.sort(key=lambda r: reports_.index(r.name))
    return results


def plan(names: list[str], sweep: dict[str, list[str]], data_spec: str | None) -> tuple[dict, dict]:
    """The reports to build: report folder -> injected parameters, and for the combinations of a sweep, report
    folder -> (notebook, swept parameters). Every value is checked before anything runs."""
    import itertools

    per_report: dict[str, dict] = {}
    variants: dict[str, tuple[str, dict]] = {}
    for n in names:
        declared = declared_parameters(n)
        keys = [k for k in sweep if k in declared]
        swept = [k for k in keys if len(sweep[k]) > 1]
        fixed = {k: sweep[k][0] for k in keys if len(sweep[k]) == 1}
        for combo in itertools.product(*(sweep[k] for k in swept)):
            params = resolve_parameters(n, fixed | dict(zip(swept, combo)), data_spec)
            if not swept:
                per_report[n] = params
                continue
            chosen = {k: params[k] for k in swept}
            folder = variant_name(n, chosen)
            if folder not in per_report:  # "5" and "05" are the same int: built once
                per_report[folder] = params
                variants[folder] = (n, chosen)
    return per_report, variants


def _fork_server(todo: list[str], per_report: dict, variants: dict, run_id: str):
    """A fork server for this batch's kernels (see :mod:`analysis.reporting.forkserver`), started now and preloading
    what the reports' notebooks import; None when there is little to run or forked kernels are off. The server
    carries the run's marker, so that an interrupted run stops it (and with it, every kernel forked from it)."""
    from analysis.reporting import forkserver, kernels

    if len(todo) < 2 or not kernels.fork_enabled():
        return None
    sources = []
    for n in todo:
        nb = read_notebook(variants[n][0] if n in variants else n)
        sources += [c.source for c in nb.cells if c.cell_type == "code" and "parameters" not in c.metadata.get("tags", [])]
    specs = {per_report[n].get("data_spec") for n in todo}
    env = dict(os.environ, **{RUN_ENV: f"{run_id}/.fork-server"})
    try:
        return forkserver.ForkServer(forkserver.preload_modules(sources), specs.pop() if len(specs) == 1 else None, env)
    except OSError:  # cannot start a process now: the kernels start as usual
        return None


def _prepare_batch(data_spec: str | None) -> None:
    """In the main process, before the workers are forked: build (or read from the disk cache) the data table once
    and compute the provenance every report shares, so that no worker or kernel builds them again."""
    _memo(("data_source", data_spec), lambda: data_source(data_spec))
    for key, fn in (("versions", versions), ("git_commit", git_commit), ("data_version", data_version)):
        _memo(key, fn)


DURATIONS = "durations.json"  # in the private folder: seconds each report took last time, for longest-first order


def longest_first(todo: list[str], out: Path) -> list[str]:
    """Reports in decreasing order of their last duration (unknown ones first, by name), so that the batch does not
    end with one long report running alone on a machine whose other cores are idle."""
    try:
        known = json.loads((out / WORK_DIR / DURATIONS).read_text(encoding="utf-8"))
        known = {k: float(v) for k, v in known.items() if isinstance(v, (int, float))} if isinstance(known, dict) else {}
    except (OSError, ValueError, UnicodeDecodeError):
        known = {}
    return sorted(todo, key=lambda n: (n in known, -known.get(n, 0.0), n))


def _record_durations(out: Path, results: list[Result]) -> None:
    path = out / WORK_DIR / DURATIONS
    try:
        known = json.loads(path.read_text(encoding="utf-8"))
        known = known if isinstance(known, dict) else {}
    except (OSError, ValueError, UnicodeDecodeError):
        known = {}
    known |= {r.name: round(r.seconds, 2) for r in results if r.status == "ok"}
    with contextlib.suppress(OSError):
        tmp = out / WORK_DIR / f".{DURATIONS}.{os.getpid()}"
        _write_new(tmp, json.dumps(dict(sorted(known.items())), indent=1) + "\n")
        os.replace(tmp, path)
