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
import os
import re
import shutil
import signal
import subprocess
import sys
import time
from concurrent.futures import ProcessPoolExecutor, as_completed
from dataclasses import dataclass, field
from importlib import metadata
from pathlib import Path

import analysis
from analysis import schema
from analysis.data import parse_spec, sha256_file
from analysis.errors import AtlasError, UsageError

ROOT = schema.PROJECT_ROOT
# FRONTIER_ATLAS_NOTEBOOKS points the runner at another notebooks folder (used by the tests).
NOTEBOOKS = Path(os.environ.get("FRONTIER_ATLAS_NOTEBOOKS", ROOT / "notebooks"))
DEFAULT_OUT = ROOT / "reports"
NAME = re.compile(r"^[a-z0-9][a-z0-9-]*$")
KERNEL = "python3"
PACKAGES = ("pandas", "numpy", "matplotlib", "statsmodels", "scipy", "papermill", "nbformat", "jupytext", "pandera",
            "ipykernel")
VOLATILE_KEYS = ("start_time", "end_time", "duration")


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
    for cell in nb.cells:
        cell.metadata.setdefault("tags", [])
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


def parse_overrides(items: list[str]) -> dict[str, str]:
    out: dict[str, str] = {}
    for item in items or []:
        if "=" not in item:
            raise UsageError(f"-p {item!r}: expected KEY=VALUE")
        k, v = item.split("=", 1)
        k = k.strip()
        if not k.isidentifier():
            raise UsageError(f"-p {item!r}: {k!r} is not a parameter name")
        out[k] = v
    return out


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
    if data_spec:
        kind, path = parse_spec(data_spec)
        if path is not None:
            if not path.exists():
                raise UsageError(f"--data {data_spec}: no such file")
            params["data_spec"] = ("epoch:" if kind == "epoch" else "") + str(path.resolve())
    return params


# --- hashing and provenance ---------------------------------------------------------------------------------


def data_files(data_spec: str | None) -> list[Path]:
    files = [schema.DATA_DIR / r.path for r in schema.resources().values()] + [schema.DATAPACKAGE]
    kind, path = parse_spec(data_spec)
    if path is not None:
        files.append(path)
    if kind == "default":  # the pinned upstream snapshot under the overlay
        from analysis import upstream

        files.append(upstream.find("notable_ai_models").path)
    return [f for f in files if f.exists()]


def code_files() -> list[Path]:
    pkg = Path(analysis.__file__).parent
    return sorted([*pkg.rglob("*.py"), *pkg.glob("*.mplstyle")])


def content_hash(name: str, params: dict, data_spec: str | None) -> str:
    h = hashlib.sha256()
    h.update(notebook_path(name).read_bytes())
    h.update(json.dumps(params, sort_keys=True).encode())
    for f in data_files(data_spec):
        h.update(f.name.encode() + sha256_file(f).encode())
    for f in code_files():
        h.update(str(f.relative_to(ROOT)).encode() + f.read_bytes())
    h.update(analysis.__version__.encode())
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


def citation_year() -> str:
    """Derived from SOURCE_DATE_EPOCH, else the commit date: never from the wall clock."""
    sde = os.environ.get("SOURCE_DATE_EPOCH")
    if sde and sde.isdigit():
        return time.strftime("%Y", time.gmtime(int(sde)))
    try:
        out = subprocess.run(["git", "-C", str(ROOT), "log", "-1", "--format=%cs"], capture_output=True, text=True, timeout=10)
        if out.returncode == 0 and out.stdout[:4].isdigit():
            return out.stdout[:4]
    except (OSError, subprocess.SubprocessError):
        pass
    return "n.d."


def versions() -> dict[str, str]:
    out = {"python": sys.version.split()[0], "frontier-atlas": analysis.__version__}
    for p in PACKAGES:
        with contextlib.suppress(metadata.PackageNotFoundError):
            out[p] = metadata.version(p)
    return out


def data_source(data_spec: str | None) -> dict:
    """Which data the report ran on: label, upstream vintage, model rows, overlay counts and hashes."""
    from analysis import data

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
    for cell in nb.cells:
        cpm = cell.metadata.get("papermill", {})
        for k in VOLATILE_KEYS:
            cpm.pop(k, None)
        cell.metadata.pop("execution", None)


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


def _write_manifest(tmp: Path, name: str, params: dict, data_spec: str | None, digest: str) -> list[dict]:
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
    manifest = {
        "report": name,
        "title": _title(tmp / f"{name}.ipynb") or name,
        "toolkit_version": analysis.__version__,
        "data_version": data_version(),
        "git_commit": git_commit(),
        "content_hash": digest,
        "parameters": params,
        "data_spec": data_spec or "default",
        "data_source": data_source(data_spec),
        "data_files": {str(p.relative_to(ROOT)) if p.is_relative_to(ROOT) else str(p): sha256_file(p)
                       for p in data_files(data_spec)},
        "versions": versions(),
        "figures": figures,
        "tables": [f"tables/{t}" for t in tables],
    }
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


def _swap(tmp: Path, final: Path) -> None:
    """Replace ``final`` by ``tmp``; the old folder is kept until the new one is in place."""
    old = final.with_name(f".old-{final.name}-{os.getpid()}")
    if final.exists():
        os.rename(final, old)
    try:
        os.rename(tmp, final)
    except OSError:
        if old.exists() and not final.exists():
            os.rename(old, final)
        raise
    shutil.rmtree(old, ignore_errors=True)


def _unchanged(final: Path, digest: str) -> bool:
    manifest = final / "manifest.json"
    with contextlib.suppress(ValueError, OSError):
        return json.loads(manifest.read_text(encoding="utf-8")).get("content_hash") == digest
    return False


def _term_to_interrupt(signum, frame):  # pragma: no cover - exercised via subprocess tests
    raise KeyboardInterrupt


_RUNNING = False  # in a worker process: is a notebook being executed right now?


def _worker_signal(signum, frame):  # pragma: no cover - exercised via subprocess tests
    """In a worker, SIGINT/SIGTERM interrupt the running notebook (its cleanup runs); an idle worker just exits."""
    if _RUNNING:
        raise KeyboardInterrupt
    os._exit(1)


def _worker_init() -> None:
    signal.signal(signal.SIGTERM, _worker_signal)
    signal.signal(signal.SIGINT, _worker_signal)


def run_one(name: str, out_root: str, params: dict, data_spec: str | None, force: bool, run_id: str) -> Result:
    """Execute one report into a temporary folder and swap it in on success (runs in a worker process)."""
    global _RUNNING
    t0 = time.monotonic()
    out = Path(out_root)
    final = out / name
    digest = content_hash(name, params, data_spec)
    if not force and _unchanged(final, digest):
        return Result(name, "skipped", time.monotonic() - t0, "unchanged")
    tmp = out / f".tmp-{name}-{run_id}"
    shutil.rmtree(tmp, ignore_errors=True)
    _RUNNING = True
    try:
        import papermill as pm  # imported only when something must run: keeps no-op runs fast

        from analysis.render import render_html

        tmp.mkdir(parents=True)
        nb = read_notebook(name)
        injected = dict(params) | {"output_dir": "."}
        ipynb = tmp / f"{name}.ipynb"
        # the kernel's own chatter (transport warnings) goes to a log, not the user's terminal
        log = open(out / f".kernel-{name}-{run_id}.log", "w")
        saved_fd = os.dup(2)
        os.dup2(log.fileno(), 2)
        try:
            executed = pm.execute_notebook(nb, str(ipynb), parameters=injected, kernel_name=KERNEL, cwd=str(tmp),
                                           progress_bar=False, log_output=False, start_timeout=120)
        finally:
            os.dup2(saved_fd, 2)
            os.close(saved_fd)
            log.close()
            with contextlib.suppress(OSError):
                os.unlink(log.name)
        _strip_volatile(executed)
        import nbformat

        nbformat.write(executed, ipynb)
        figures = _write_manifest(tmp, name, params, data_spec, digest)
        (tmp / f"{name}.html").write_text(render_html(executed, name, json.loads((tmp / "manifest.json").read_text())),
                                          encoding="utf-8")
        _swap(tmp, final)
        return Result(name, "ok", time.monotonic() - t0, figures=[f["id"] for f in figures])
    except KeyboardInterrupt:
        shutil.rmtree(tmp, ignore_errors=True)
        return Result(name, "failed", time.monotonic() - t0, f"{name}: interrupted")
    except OSError as exc:
        shutil.rmtree(tmp, ignore_errors=True)
        return Result(name, "failed", time.monotonic() - t0, f"{name}: cannot write {out}: {_os_reason(exc)}")
    except Exception as exc:  # a failing notebook must not stop the others
        shutil.rmtree(tmp, ignore_errors=True)
        return Result(name, "failed", time.monotonic() - t0, _failure_message(name, exc))
    finally:
        _RUNNING = False


def _os_reason(exc: OSError) -> str:
    if exc.errno == errno.ENOSPC:
        return "no space left on device (disk full)"
    if exc.errno in (errno.EROFS, errno.EACCES, errno.EPERM):
        return "output folder is not writable (read-only file system or permission denied)"
    return exc.strerror or str(exc)


@contextlib.contextmanager
def output_lock(out: Path):
    """One writer per output folder: a second concurrent run fails fast with a clear message."""
    try:
        out.mkdir(parents=True, exist_ok=True)
        probe = out / f".write-test-{os.getpid()}"
        probe.write_text("ok")
        probe.unlink()
    except OSError as exc:
        raise AtlasError(f"cannot write to {out}: {_os_reason(exc)}") from None
    fh = open(out / ".lock", "a+")
    try:
        fcntl.flock(fh, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        fh.seek(0)
        holder = fh.read().strip() or "?"
        fh.close()
        raise AtlasError(f"another `frontier-atlas report` (pid {holder}) is writing to {out}; wait for it to finish "
                         "or use --out DIR") from None
    fh.seek(0)
    fh.truncate()
    fh.write(str(os.getpid()))
    fh.flush()
    try:
        yield
    finally:
        fcntl.flock(fh, fcntl.LOCK_UN)
        fh.close()


def cleanup_temp(out: Path, run_id: str | None = None) -> None:
    """Remove temporary folders of this run (or of dead runs), and restore a report left mid-swap."""
    if not out.is_dir():
        return
    for p in out.iterdir():
        if p.name.startswith(".tmp-") and (run_id is None or p.name.endswith(f"-{run_id}")):
            shutil.rmtree(p, ignore_errors=True)
        elif p.name.startswith(".kernel-") and (run_id is None or p.name.endswith(f"-{run_id}.log")):
            p.unlink(missing_ok=True)
        elif p.name.startswith(".old-"):
            name = p.name[len(".old-"):].rsplit("-", 1)[0]
            if not (out / name).exists():
                os.rename(p, out / name)
            else:
                shutil.rmtree(p, ignore_errors=True)


def run_reports(names: list[str] | None = None, *, out: Path = DEFAULT_OUT, jobs: int | None = None,
                data_spec: str | None = None, overrides: list[str] | None = None, force: bool = False,
                progress=None) -> list[Result]:
    """Build the named reports (default: all). Validates every parameter before running anything."""
    names = list(names or available())
    if not names:
        return []
    for n in names:
        notebook_path(n)
    ov = parse_overrides(overrides or [])
    per_report = {n: resolve_parameters(n, ov, data_spec) for n in names}
    declared_any = set().union(*(declared_parameters(n).keys() for n in names))
    unknown = sorted(set(ov) - declared_any)
    if unknown:
        raise UsageError(f"-p {unknown[0]}: no selected notebook declares this parameter")
    out = Path(out).resolve()
    jobs = max(1, min(jobs or os.cpu_count() or 1, len(names)))
    run_id = f"{os.getpid()}"
    results: list[Result] = []
    with output_lock(out):
        cleanup_temp(out)
        previous = signal.signal(signal.SIGTERM, _term_to_interrupt)
        import multiprocessing as mp

        todo = []
        for n in names:  # unchanged reports are settled here, without starting a worker or importing papermill
            t0 = time.monotonic()
            if not force and _unchanged(out / n, content_hash(n, per_report[n], data_spec)):
                results.append(Result(n, "skipped", time.monotonic() - t0, "unchanged"))
                if progress:
                    progress(len(results), len(names), results[-1])
            else:
                todo.append(n)
        if todo:
            import papermill  # noqa: F401  (imported once here, inherited by the forked workers)

            import analysis.render  # noqa: F401
        pool = ProcessPoolExecutor(max_workers=max(1, min(jobs, len(todo) or 1)), mp_context=mp.get_context("fork"),
                                   initializer=_worker_init)
        try:
            futs = {pool.submit(run_one, n, str(out), per_report[n], data_spec, True, run_id): n for n in todo}
            for fut in as_completed(futs):
                res = fut.result()
                results.append(res)
                if progress:
                    progress(len(results), len(names), res)
        except KeyboardInterrupt:
            # stop the workers: SIGTERM becomes KeyboardInterrupt there, which removes their temp folders and
            # shuts their kernels down; then make sure nothing of this run is left behind
            procs = list(getattr(pool, "_processes", {}).values())
            for p in procs:
                with contextlib.suppress(Exception):
                    p.terminate()
            for p in procs:
                p.join(timeout=15)
                if p.is_alive():
                    p.kill()
            pool.shutdown(wait=False, cancel_futures=True)
            cleanup_temp(out, run_id)
            raise
        finally:
            pool.shutdown(wait=True)
            signal.signal(signal.SIGTERM, previous)
            cleanup_temp(out, run_id)
        from analysis.render import write_index

        write_index(out)
    results.sort(key=lambda r: names.index(r.name))
    return results
