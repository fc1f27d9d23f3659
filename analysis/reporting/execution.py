"""One report, executed: papermill runs ``notebooks/<name>.py`` on the project's kernel into a temporary folder,
the executed notebook is made deterministic, the manifest and HTML page are written, and the folder is swapped into
place. A failing, overrunning or interrupted run removes its temporary folder and leaves the last good report
untouched. Runs in a worker process (:mod:`analysis.reporting.workers`).
"""

from __future__ import annotations

import contextlib
import json
import math
import os
import re
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

from analysis.data.spec import DataSpec, as_spec
from analysis.errors import UsageError
from analysis.reporting import figure_meta, kernels, manifests
from analysis.reporting.output_folder import WORK_DIR, entry, is_report_dir, os_reason, remove, swap, unchanged
from analysis.reporting.planning import KERNEL, read_notebook
from analysis.reporting.render import render_html

# Time limit of one report (seconds). Every report takes under a minute on two cores with the bundled data and a few
# minutes on 100k-row exports; the limit exists so that a hung kernel fails one report instead of the whole batch.
REPORT_TIMEOUT_S = 1800.0
TIMEOUT_ENV = "FRONTIER_ATLAS_REPORT_TIMEOUT"
VOLATILE_KEYS = ("start_time", "end_time", "duration")
# A kernel that dies before answering its first request is replaced this many times (see kernels.died_starting).
KERNEL_START_RETRIES = 1
HIST_ARG = "--HistoryManager.hist_file=:memory:"  # as nbclient starts a kernel: no history database on disk


@dataclass
class Result:
    name: str
    status: str  # ok | skipped | failed
    seconds: float
    message: str = ""
    figures: list[str] = field(default_factory=list)


@dataclass
class WorkerState:
    running: bool = False  # is a notebook being executed right now (in this worker process)?


STATE = WorkerState()


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


# --- the executed notebook: deterministic bytes -------------------------------------------------------------


def strip_volatile(nb) -> None:
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


_ANSI = re.compile(r"\x1b\[[0-9;]*m")
_ARROW = re.compile(r"^-+>\s*\d+\s(.*)$", re.M)


def _failing_line(traceback: list[str] | None) -> str:
    """The line of the notebook's cell that raised (IPython marks it ``---> 28 code`` in the cell's frame), or ""."""
    for frame in traceback or []:
        frame = _ANSI.sub("", str(frame))
        if frame.startswith("Cell In["):
            hit = _ARROW.search(frame)
            return hit.group(1).strip()[:100] if hit else ""
    return ""


def _failure_message(name: str, exc: BaseException) -> str:
    from papermill.exceptions import PapermillExecutionError

    if isinstance(exc, PapermillExecutionError):
        src = [ln for ln in (exc.source or "").splitlines() if ln.strip() and not ln.lstrip().startswith("#")]
        first = _failing_line(exc.traceback) or (src[0].strip()[:100] if src else "")
        # papermill's index counts the injected-parameters cell; report the cell as numbered in the source notebook
        idx = exc.cell_index
        with contextlib.suppress(Exception):
            tags = [c.metadata.get("tags", []) for c in read_notebook(name).cells]
            pidx = next(i for i, t in enumerate(tags) if "parameters" in t)
            idx = idx - 1 if idx > pidx else idx
        return (f"{name}: cell {idx + 1} of notebooks/{name}.py failed with {exc.ename}: {str(exc.evalue).strip()[:300]}"
                + (f"\n    in: {first}" if first else ""))
    return f"{name}: {type(exc).__name__}: {str(exc)[:300]}"


def _failed(name: str, nb_name: str, exc: BaseException, out: Path, timeout: float) -> str:
    """The one-line message of a report that failed with ``exc``."""
    if isinstance(exc, KeyboardInterrupt):
        return f"{name}: interrupted"
    if isinstance(exc, TimeoutError):  # nbclient's CellTimeoutError: a cell ran past the limit (or the kernel hung)
        preview = [ln.strip() for ln in str(exc).splitlines() if ln.strip() and not set(ln.strip()) <= {"-"}]
        return (f"{name}: a cell ran longer than the time limit of {timeout:g} s and was stopped (raise it "
                f"with --timeout or {TIMEOUT_ENV})" + (f"\n    in: {preview[-1][:100]}" if len(preview) > 1 else ""))
    if isinstance(exc, OSError):
        return f"{name}: cannot write {out}: {os_reason(exc)}"
    return _failure_message(nb_name, exc)  # a failing notebook must not stop the others


# --- one report ---------------------------------------------------------------------------------------------


@dataclass
class _Job:
    """One report being built: its folder name, notebook, parameters, data, where it is built and where it goes,
    and when its time started (reset when a warm kernel's report gets its slot)."""

    name: str
    notebook: str
    params: dict
    spec: DataSpec
    tmp: Path
    final: Path
    timeout: float
    t0: float
    swept: dict | None = None


def _execute(job: _Job, go):
    """Run the notebook with papermill into ``job.tmp`` and return the executed notebook, made deterministic.
    With warm kernels the kernel is started (imports, data) before ``go()`` returns; ``job.t0`` is then reset to
    when the report got its slot."""
    import nbformat
    import papermill as pm  # imported only when something must run: keeps no-op runs fast

    job.tmp.mkdir()
    nb = read_notebook(job.notebook)
    ipynb = job.tmp / f"{job.name}.ipynb"
    sources = [c.source for c in nb.cells if c.cell_type == "code" and "parameters" not in c.metadata.get("tags", [])]
    for attempt in range(1 + KERNEL_START_RETRIES):
        km = None
        try:
            if kernels.enabled():  # the retry starts a new process, not a fork: whatever killed the first
                km = kernels.start(str(job.tmp), KERNEL,
                                   [HIST_ARG, *kernels.startup_arguments(sources, job.params.get("data_spec"))],
                                   fork=attempt == 0)
            if go is not None and attempt == 0:
                go()
                job.t0 = time.monotonic()
            executed = pm.execute_notebook(nb, str(ipynb), parameters=dict(job.params) | {"output_dir": "."},
                                           kernel_name=KERNEL, cwd=str(job.tmp), progress_bar=False,
                                           log_output=False, start_timeout=120,
                                           execution_timeout=int(math.ceil(job.timeout)), km=km,
                                           shutdown_kernel="immediate",
                                           # not rewritten after every cell (33 writes, 0.7 s CPU for one report):
                                           # we write the final notebook ourselves
                                           request_save_on_cell_execute=False)
            break
        except RuntimeError as exc:
            if attempt == KERNEL_START_RETRIES or not kernels.died_starting(exc):
                raise
            # to the worker's log: the report itself is unaffected (no cell had run)
            print(f"{job.name}: {exc}; running the notebook on a new kernel", file=sys.stderr, flush=True)
        finally:
            if km is not None:
                kernels.stop(km)
    strip_volatile(executed)
    nbformat.write(executed, ipynb)
    return executed


def _publish(job: _Job, executed, digest: str, old: Path) -> list[dict]:
    """Write the manifest and the HTML page beside the executed notebook, then swap the folder into place."""
    figures = manifests.write_manifest(job.tmp, job.name, job.params, job.spec, digest, job.notebook, job.swept)
    manifest = figure_meta.write(job.tmp)  # each figure's citations and figures/<id>.json
    (job.tmp / f"{job.name}.html").write_text(render_html(executed, job.name, manifest, job.tmp), encoding="utf-8")
    manifests.add_file_hashes(job.tmp)
    swap(job.tmp, job.final, old)
    return figures


def run_one(name: str, out_root: str, params: dict, data_spec: DataSpec | str | None, force: bool, run_id: str,
            timeout: float | None = None, *, notebook: str | None = None, swept: dict | None = None,
            go=None) -> Result:
    """Execute one report into a temporary folder and swap it in on success (runs in a worker process). A cell that
    runs longer than ``timeout`` seconds fails the report (default: ``report_timeout()``); the parent also stops a
    worker that overruns it as a whole.

    ``name`` is the report's folder; ``notebook`` the notebook it runs (default: ``name``; they differ for one
    combination of a sweep). With warm kernels (:mod:`analysis.reporting.kernels`) the kernel is started with the
    notebook's imports and data before ``go()`` returns (the runner calls it when a slot is free); the report's
    time starts then."""
    nb_name = notebook or name
    t0 = time.monotonic()
    out = Path(out_root)
    final = out / name
    spec = as_spec(data_spec)
    digest = manifests.content_hash(nb_name, params, spec)
    if not force and unchanged(final, digest):
        return Result(name, "skipped", time.monotonic() - t0, "unchanged")
    if os.path.lexists(final) and not is_report_dir(final, name):
        return Result(name, "failed", time.monotonic() - t0,
                      f"{name}: {final} exists and is not a report made by frontier-atlas; left alone (move it away "
                      "or use another --out)")
    work = out / WORK_DIR
    job = _Job(name, nb_name, params, spec, entry(work, "tmp", name, run_id), final,
               report_timeout() if timeout is None else timeout, t0, swept)
    remove(job.tmp)
    STATE.running = True
    try:
        executed = _execute(job, go)
        figures = _publish(job, executed, digest, entry(work, "old", name, run_id))
        return Result(name, "ok", time.monotonic() - job.t0, figures=[f["id"] for f in figures])
    except (KeyboardInterrupt, Exception) as exc:
        remove(job.tmp)
        return Result(name, "failed", time.monotonic() - job.t0, _failed(name, nb_name, exc, out, job.timeout))
    finally:
        STATE.running = False
