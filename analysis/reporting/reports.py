"""Run the notebooks into ``<out>/<name>/`` in parallel, incrementally and safely: the batch.

Check every name, option and parameter before anything runs; take the output folder's lock; settle the reports whose
content hash (notebook, parameters, data files, code) is unchanged; hash the data once; run the others in worker
processes (:mod:`~analysis.reporting.workers`), longest first, each kernel a fork of its worker, itself a fork of this
process once it has imported what the notebooks import (:mod:`~analysis.reporting.kernels`); write the index.
Deciding that every report is unchanged imports no pandas, papermill or matplotlib: they are imported only when a
report must run.
"""

from __future__ import annotations

import contextlib
import gc
import json
import os
import signal
from dataclasses import replace
from pathlib import Path

from analysis.data.safeio import atomic_write_text
from analysis.data.spec import DataSpec, as_spec
from analysis.errors import AtlasError, UsageError
from analysis.reporting import manifests
from analysis.reporting.citation import citation_year
from analysis.reporting.execution import TIMEOUT_ENV, Job, Result
from analysis.reporting.output_folder import (
    WORK_DIR,
    cleanup_temp,
    is_report_dir,
    os_reason,
    output_lock,
    run_id,
    unchanged,
)
from analysis.reporting.planning import (
    ROOT,
    available,
    declared_parameters,
    parse_sweep,
    plan,
    read_notebook,
)
from analysis.reporting.render import exporter, write_index
from analysis.reporting.workers import run_workers

DEFAULT_OUT = ROOT / "reports"
DURATIONS = "durations.json"  # in the private folder: seconds each report took last time, for longest-first order
# Time limit of one report. Each takes under a minute on two cores with the bundled data and a few minutes on 100k-row
# exports; the limit makes a hung kernel fail one report instead of the batch. Above MAX, a limit means none.
TIMEOUT_S, MAX_TIMEOUT_S = 1800.0, 1e6


def _check_timeout(value: float | str | None, shown: str) -> float:
    with contextlib.suppress(TypeError, ValueError):
        if 0 < float(value) <= MAX_TIMEOUT_S:  # nan and inf refused
            return float(value)
    raise UsageError(f"{shown}: expected a positive number of seconds, at most {MAX_TIMEOUT_S:g} (11.6 days)")


def run_reports(names: list[str] | None = None, *, out: Path | str = DEFAULT_OUT, jobs: int | None = None,
                data_spec: DataSpec | str | None = None, overrides: list[str] | None = None, force: bool = False,
                progress=None, timeout: float | str | None = None) -> list[Result]:
    """Build the named reports (default: all) into ``out``; ``data_spec`` the ``--data`` spec (parsed or its text);
    ``timeout`` the seconds one report may run (default ``$FRONTIER_ATLAS_REPORT_TIMEOUT``, else 1800)."""
    names = list(dict.fromkeys(names or available()))  # a name given twice is built once; each checked by plan()
    if isinstance(out, str) and not out.strip():
        raise UsageError("--out '': give a folder path (the empty string would mean the current folder)")
    out = Path(os.path.abspath(DEFAULT_OUT if out is None else out))
    if os.path.lexists(out) and not out.is_dir():
        raise UsageError(f"--out {out}: exists and is not a folder")
    citation_year()  # a bad SOURCE_DATE_EPOCH is refused before anything runs
    env = os.environ.get(TIMEOUT_ENV, "").strip()
    timeout = (_check_timeout(timeout, f"--timeout {timeout}") if timeout is not None
               else _check_timeout(env, f"{TIMEOUT_ENV}={env!r}") if env else TIMEOUT_S)
    spec = as_spec(data_spec)  # the only parse of the text in a run: every step below takes the object
    sweep = parse_sweep(overrides or [])
    planned = plan(names, sweep, spec)
    unknown = sorted(set(sweep) - set().union(*(declared_parameters(n) for n in names)))
    if unknown:
        raise UsageError(f"-p {unknown[0]}: no selected notebook declares this parameter")
    if not planned:
        return []
    results: list[Result] = []
    previous = {signal.SIGINT: signal.getsignal(signal.SIGINT)}
    previous |= {sig: signal.signal(sig, _interrupt) for sig in (signal.SIGTERM, signal.SIGHUP)}
    try:
        with output_lock(out) as lock_fd:
            jobs = max(1, min(jobs or os.cpu_count() or 1, len(planned)))
            _batch(planned, spec, out, jobs, lock_fd, force, timeout, results, progress)
    finally:
        for sig, handler in previous.items():
            signal.signal(sig, handler)
    order = list(planned)
    return sorted(results, key=lambda r: order.index(r.name))


def _interrupt(signum, frame):  # pragma: no cover - exercised via subprocess tests
    raise KeyboardInterrupt


def _batch(planned: dict, spec: DataSpec, out: Path, jobs: int, lock_fd: int, force: bool, timeout: float,
           results: list[Result], progress) -> None:
    """Under the lock: settle the unchanged reports, run the others in workers, write the index."""
    run = run_id()
    cleanup_temp(out)

    def done(res: Result) -> None:
        results.append(res)
        if progress:
            progress(len(results), len(planned), res)

    data_files, code, todo = spec.file_hashes(), manifests.code_digest(), []  # the data, hashed once
    for n, (notebook, params, swept) in planned.items():  # settled here, without a worker or papermill
        job = Job(n, notebook, params, swept, spec, data_files, manifests.content_hash(notebook, params, spec, code),
                  out, run, timeout)
        if not force and unchanged(out / n, job.digest):
            done(Result(n, "skipped", 0.0, "unchanged"))
        elif os.path.lexists(out / n) and not is_report_dir(out / n, n):
            done(Result(n, "failed", 0.0, f"{n}: {out / n} exists and is not a report made by frontier-atlas; left "
                                          "alone (move it away or use another --out)"))
        else:
            todo.append(job)
    try:
        if todo:
            import jupytext  # noqa: F401  (imported once here, inherited by the forked workers)
            import nbformat  # noqa: F401
            import papermill  # noqa: F401

            exporter()  # nbconvert and the page template's exporter, made once here for the workers

            shared = manifests.provenance(spec)
            fork = len(todo) > 1 and _preload(todo)
            order = longest_first([j.name for j in todo], out)
            todo = [replace(j, provenance=shared, fork=fork) for j in sorted(todo, key=lambda j: order.index(j.name))]
        run_workers(todo, jobs, lock_fd, done)
    finally:
        gc.unfreeze()  # what the preload froze for the forks is this process's garbage to collect again
        cleanup_temp(out, run)
        _record_durations(out, results)
    try:
        write_index(out)
    except OSError as exc:
        raise AtlasError(f"cannot write {out / 'index.html'}: {os_reason(exc)}") from None


def _preload(todo: list[Job]) -> bool:
    """Import what these reports' notebooks import, and their data (when they all read the same), in this process
    before it forks the workers, whose kernels are then forked from them; False where kernels are not forked."""
    from analysis.reporting import kernels  # imports jupyter_client: only when reports must run

    if not kernels.fork_enabled():
        return False
    sources = [c.source for j in todo for c in read_notebook(j.notebook).cells
               if c.cell_type == "code" and "parameters" not in c.metadata.get("tags", [])]
    specs = {j.params.get("data_spec") for j in todo}
    return kernels.preload(kernels.preload_modules(sources), specs.pop() if len(specs) == 1 else None)


def _durations(out: Path) -> dict[str, float]:
    with contextlib.suppress(OSError, ValueError, UnicodeDecodeError, AttributeError):
        known = json.loads((out / WORK_DIR / DURATIONS).read_text(encoding="utf-8"))
        return {k: float(v) for k, v in known.items() if isinstance(v, (int, float))}
    return {}


def longest_first(names: list[str], out: Path) -> list[str]:
    """Reports by decreasing last duration (unknown ones first, by name), so that the batch does not end with one
    long report running alone while the other cores idle."""
    known = _durations(out)
    return sorted(names, key=lambda n: (n in known, -known.get(n, 0.0), n))


def _record_durations(out: Path, results: list[Result]) -> None:
    known = _durations(out) | {r.name: round(r.seconds, 2) for r in results if r.status == "ok"}
    with contextlib.suppress(OSError):
        atomic_write_text(out / WORK_DIR / DURATIONS, json.dumps(dict(sorted(known.items())), indent=1) + "\n")
