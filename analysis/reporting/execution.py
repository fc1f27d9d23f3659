"""One report, built in its worker: papermill runs the notebook into a temporary folder, the executed notebook is
made deterministic, the data it read is checked to be the data hashed before the batch, the manifest and page are
written, and the folder is swapped into place. A failure removes the temporary folder and leaves the last good
report untouched.
"""

from __future__ import annotations

import contextlib
import math
import os
import re
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

from analysis.data.spec import DataSpec
from analysis.errors import AtlasError
from analysis.reporting import figure_meta, manifests
from analysis.reporting.output_folder import WORK_DIR, entry, os_reason, remove, swap
from analysis.reporting.planning import KERNEL, read_notebook
from analysis.reporting.render import WIDGET_VIEW, render_html

TIMEOUT_ENV = "FRONTIER_ATLAS_REPORT_TIMEOUT"
VOLATILE_KEYS = ("start_time", "end_time", "duration")


@dataclass
class Result:
    name: str
    status: str  # ok | skipped | failed
    seconds: float
    message: str = ""
    figures: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class Job:
    """One report as the runner planned it: its folder ``name`` in ``out``, the ``notebook`` it runs with ``params``
    (``swept``: the swept ones, for one combination of a sweep), its data (``data_files``: their sha256, hashed once
    before the batch), its content hash, what every report records alike (:func:`manifests.provenance`) and where
    whether its kernel is forked (``fork``: the runner preloaded the notebooks' imports, see :mod:`kernels`)."""

    name: str
    notebook: str
    params: dict
    swept: dict | None
    spec: DataSpec
    data_files: dict
    digest: str
    out: Path
    run_id: str
    timeout: float
    provenance: dict = field(default_factory=dict)
    fork: bool = False

    def entry(self, kind: str) -> Path:
        """This report's entry of kind tmp, old or log in the private folder."""
        return entry(self.out / WORK_DIR, kind, self.name, self.run_id)


def build(job: Job) -> Result:
    """Build the report and swap it into place; a failure becomes a failed :class:`Result` with one line."""
    t0, tmp = time.monotonic(), job.entry("tmp")
    remove(tmp)
    try:
        executed = _execute(job, tmp)
        changed = {f for f, sha in job.spec.file_hashes().items() if job.data_files.get(f) != sha}
        if changed:  # it may have read other bytes than those hashed: the manifest could not say what it used
            raise AtlasError(f"{sorted(changed)[0]} changed while the batch ran (its sha256 was taken at the start); "
                             "run the report again")
        manifest = figure_meta.write(tmp, manifests.manifest(tmp, job, executed))  # citations, figures/<id>.json
        (tmp / f"{job.name}.html").write_text(render_html(executed, job.name, manifest, tmp), encoding="utf-8")
        manifests.write(tmp, manifest)
        swap(tmp, job.out / job.name, job.entry("old"))
        return Result(job.name, "ok", time.monotonic() - t0, figures=[f["id"] for f in manifest["figures"]])
    except (KeyboardInterrupt, Exception) as exc:
        remove(tmp)
        return Result(job.name, "failed", time.monotonic() - t0, _message(job, exc))


def _execute(job: Job, tmp: Path):
    """Run the notebook with papermill into ``tmp``; the executed notebook, made deterministic. A kernel that dies
    before it answers has run no cell: the notebook runs once more, on a kernel started from its command."""
    import nbformat
    import papermill as pm  # imported only when something must run: keeps no-op runs fast

    from analysis.reporting import kernels  # imports jupyter_client: only when something must run

    tmp.mkdir()
    ipynb, fork = tmp / f"{job.name}.ipynb", job.fork
    for attempt in range(2):
        km = kernels.manager(KERNEL, fork)
        try:
            executed = pm.execute_notebook(read_notebook(job.notebook), str(ipynb), kernel_name=KERNEL, km=km,
                                           parameters=dict(job.params) | {"output_dir": "."}, cwd=str(tmp),
                                           progress_bar=False, log_output=False, start_timeout=120,
                                           execution_timeout=int(math.ceil(job.timeout)),
                                           request_save_on_cell_execute=False)  # we write the notebook once
            break
        except RuntimeError as exc:
            if attempt or not kernels.died_starting(exc):
                raise
            print(f"{job.name}: {exc}; running the notebook on a new kernel", file=sys.stderr, flush=True)
            fork = False
        finally:
            kernels.stop(km)
    strip_volatile(executed)
    nbformat.write(executed, ipynb)
    return executed


# --- the executed notebook: deterministic bytes -------------------------------------------------------------


def strip_volatile(nb) -> None:
    """Remove timestamps, the build folder's path and random ids, so the notebook depends only on its inputs. A
    widget's view and state go too: ipywidgets draws a random id (uuid4) per widget, and a report is static (its
    page shows no widget; the notebook's static figure stands in for live controls)."""
    pm = nb.metadata.get("papermill", {})
    for k in VOLATILE_KEYS:
        pm.pop(k, None)
    if isinstance(pm.get("output_path"), str):
        pm["output_path"] = os.path.basename(pm["output_path"])
    nb.metadata.pop("widgets", None)
    for i, cell in enumerate(nb.cells):
        if "id" in cell:
            cell["id"] = f"cell-{i}"
        for k in VOLATILE_KEYS:
            cell.metadata.get("papermill", {}).pop(k, None)
        cell.metadata.pop("execution", None)
        if "outputs" in cell:
            cell["outputs"] = [o for o in cell["outputs"] if WIDGET_VIEW not in o.get("data", {})]


# --- one line for a failure ---------------------------------------------------------------------------------


_ANSI = re.compile(r"\x1b\[[0-9;]*m")
_ARROW = re.compile(r"^-+>\s*\d+\s(.*)$", re.M)


def _message(job: Job, exc: BaseException) -> str:
    from papermill.exceptions import PapermillExecutionError

    name = job.name
    if isinstance(exc, KeyboardInterrupt):
        return f"{name}: interrupted"
    if isinstance(exc, TimeoutError):  # nbclient's CellTimeoutError: a cell ran past the limit (or the kernel hung)
        preview = [ln.strip() for ln in str(exc).splitlines() if ln.strip() and not set(ln.strip()) <= {"-"}]
        return (f"{name}: a cell ran longer than the time limit of {job.timeout:g} s and was stopped (raise it with "
                f"--timeout or {TIMEOUT_ENV})" + (f"\n    in: {preview[-1][:100]}" if len(preview) > 1 else ""))
    if isinstance(exc, OSError):
        return f"{name}: cannot write {job.out}: {os_reason(exc)}"
    if isinstance(exc, AtlasError):
        return f"{name}: {exc}"
    if not isinstance(exc, PapermillExecutionError):
        return f"{name}: {type(exc).__name__}: {str(exc)[:300]}"
    # the line that raised (IPython marks it ``---> 28 code`` in the cell's frame), else the cell's first line
    frame = next((f for f in map(lambda f: _ANSI.sub("", str(f)), exc.traceback or []) if f.startswith("Cell In[")), "")
    hit = _ARROW.search(frame)
    src = [ln for ln in (exc.source or "").splitlines() if ln.strip() and not ln.lstrip().startswith("#")]
    line = hit.group(1).strip()[:100] if hit else (src[0].strip()[:100] if src else "")
    idx = exc.cell_index  # papermill counts its injected-parameters cell: number the cell as in the source
    with contextlib.suppress(Exception):
        tags = [c.metadata.get("tags", []) for c in read_notebook(job.notebook).cells]
        pidx = next(i for i, t in enumerate(tags) if "parameters" in t)
        idx = idx - 1 if idx > pidx else idx
    return (f"{name}: cell {idx + 1} of notebooks/{job.notebook}.py failed with {exc.ename}: "
            f"{str(exc.evalue).strip()[:300]}" + (f"\n    in: {line}" if line else ""))
