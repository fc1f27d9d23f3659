"""Run the notebooks through papermill into ``reports/<name>/`` — in parallel, incrementally and safely.

For each report: execute ``notebooks/<name>.py`` (jupytext py:percent, the reviewed source) on the project's
kernel with the given parameters, in a temporary folder beside the target; write the executed notebook, a
code-hidden HTML page, the figures (SVG/PNG/PDF) and the tables behind them (CSV) written by the notebook through
:class:`analysis.figures.ReportOutput`, and ``manifest.json``; then swap the folder into place. A failing or
interrupted run removes its temporary folder and leaves the last good report untouched.

A report is skipped when its content hash (notebook source, parameters, data files, analysis code, style,
toolkit version) equals the one in its manifest; ``force=True`` rebuilds.

This module is the batch: check everything, take the output folder's lock, settle the unchanged reports, run the
others in worker processes, write the index. The pieces: :mod:`~analysis.reporting.planning` (notebooks,
parameters, sweeps), :mod:`~analysis.reporting.manifests` (content hash, provenance),
:mod:`~analysis.reporting.execution` (one report), :mod:`~analysis.reporting.workers` (the worker processes),
:mod:`~analysis.reporting.output_folder` (what we own in --out: private folder, lock, swap).

The light path: deciding that every report is unchanged must not import pandas, papermill or matplotlib (about
2-4 s on two busy cores): these modules import only the standard library and light parts of ``analysis`` at the
top; the data loader and papermill are imported when a report must actually run.
"""

from __future__ import annotations

import contextlib
import json
import os
import signal
import time
from pathlib import Path

from analysis.data.spec import DataSpec, as_spec
from analysis.errors import AtlasError, UsageError
from analysis.reporting import forkserver, kernels, manifests
from analysis.reporting.execution import Result, report_timeout
from analysis.reporting.manifests import citation_year
from analysis.reporting.output_folder import (
    WORK_DIR,
    cleanup_temp,
    os_reason,
    output_lock,
    run_id,
    unchanged,
    write_new,
)
from analysis.reporting.planning import (
    ROOT,
    available,
    declared_parameters,
    notebook_path,
    parse_sweep,
    plan,
    read_notebook,
)
from analysis.reporting.render import write_index
from analysis.reporting.workers import RUN_ENV, run_workers

DEFAULT_OUT = ROOT / "reports"
DURATIONS = "durations.json"  # in the private folder: seconds each report took last time, for longest-first order


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


def _check_timeout(timeout: float | None) -> float:
    if timeout is None:
        return report_timeout()
    if not (isinstance(timeout, (int, float)) and 0 < timeout < float("inf")):
        raise UsageError(f"--timeout {timeout!r}: expected a positive number of seconds")
    return float(timeout)


def _term_to_interrupt(signum, frame):  # pragma: no cover - exercised via subprocess tests
    raise KeyboardInterrupt


def run_reports(names: list[str] | None = None, *, out: Path | str = DEFAULT_OUT, jobs: int | None = None,
                data_spec: DataSpec | str | None = None, overrides: list[str] | None = None, force: bool = False,
                progress=None, timeout: float | None = None) -> list[Result]:
    """Build the named reports (default: all). Validates every parameter before running anything. ``data_spec``:
    the ``--data`` spec (a :class:`DataSpec` as the command line parsed it, or its text); ``timeout``: seconds one
    report may run (default ``report_timeout()``)."""
    names = list(dict.fromkeys(names or available()))  # a name given twice is built once
    if not names:
        return []
    for n in names:
        notebook_path(n)
    out = _check_out(out)
    citation_year()  # a bad SOURCE_DATE_EPOCH is refused before anything runs
    timeout = _check_timeout(timeout)
    spec = as_spec(data_spec)  # the only parse of the text in a run: every step below takes the object
    sweep = parse_sweep(overrides or [])
    per_report, variants = plan(names, sweep, spec)
    declared_any = set().union(*(declared_parameters(n).keys() for n in names))
    unknown = sorted(set(sweep) - declared_any)
    if unknown:
        raise UsageError(f"-p {unknown[0]}: no selected notebook declares this parameter")
    reports_ = list(per_report)
    out = Path(os.path.abspath(out))
    jobs = max(1, min(jobs or os.cpu_count() or 1, len(reports_)))
    results: list[Result] = []
    previous = {signal.SIGINT: signal.getsignal(signal.SIGINT)}
    previous |= {sig: signal.signal(sig, _term_to_interrupt) for sig in (signal.SIGTERM, signal.SIGHUP)}
    try:
        with manifests.run_memo(), output_lock(out) as lock_fd:
            _batch(reports_, out, per_report, variants, spec, jobs, lock_fd, results, force, progress, timeout)
    finally:
        for sig, handler in previous.items():
            signal.signal(sig, handler)
    results.sort(key=lambda r: reports_.index(r.name))
    return results


def _batch(reports_: list[str], out: Path, per_report: dict, variants: dict, spec: DataSpec, jobs: int,
           lock_fd: int, results: list[Result], force: bool, progress, timeout: float) -> None:
    """Under the lock: settle the unchanged reports, run the others in workers, write the index."""
    run = run_id()
    cleanup_temp(out)
    todo = []
    for n in reports_:  # unchanged reports are settled here, without starting a worker or importing papermill
        t0 = time.monotonic()
        nb = variants[n][0] if n in variants else n
        if not force and unchanged(out / n, manifests.content_hash(nb, per_report[n], spec)):
            results.append(Result(n, "skipped", time.monotonic() - t0, "unchanged"))
            if progress:
                progress(len(results), len(reports_), results[-1])
        else:
            todo.append(n)
    server = _fork_server(todo, per_report, variants, run)  # imports while the batch is prepared
    try:
        if todo:
            import jupytext  # noqa: F401  (imported once here, inherited by the forked workers)
            import nbformat  # noqa: F401
            import papermill  # noqa: F401

            manifests.prepare(spec)
            todo = longest_first(todo, out)
        if server is not None:
            server.ready()
        run_workers(todo, out, per_report, spec, jobs, run, lock_fd, results, len(reports_), progress, timeout,
                    variants)
    finally:
        if server is not None:
            server.close()
        cleanup_temp(out, run)
        _record_durations(out, results)
    try:
        write_index(out)
    except OSError as exc:
        raise AtlasError(f"cannot write {out / 'index.html'}: {os_reason(exc)}") from None


def _fork_server(todo: list[str], per_report: dict, variants: dict, run: str):
    """A fork server for this batch's kernels (see :mod:`analysis.reporting.forkserver`), started now and preloading
    what the reports' notebooks import; None when there is little to run or forked kernels are off. The server
    carries the run's marker, so that an interrupted run stops it (and with it, every kernel forked from it)."""
    if len(todo) < 2 or not kernels.fork_enabled():
        return None
    sources = []
    for n in todo:
        nb = read_notebook(variants[n][0] if n in variants else n)
        sources += [c.source for c in nb.cells if c.cell_type == "code" and "parameters" not in c.metadata.get("tags", [])]
    specs = {per_report[n].get("data_spec") for n in todo}
    env = dict(os.environ, **{RUN_ENV: f"{run}/.fork-server"})
    try:
        return forkserver.ForkServer(forkserver.preload_modules(sources), specs.pop() if len(specs) == 1 else None, env)
    except OSError:  # cannot start a process now: the kernels start as usual
        return None


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
        write_new(tmp, json.dumps(dict(sorted(known.items())), indent=1) + "\n")
        os.replace(tmp, path)
