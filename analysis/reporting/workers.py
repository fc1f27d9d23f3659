"""The worker processes of a report run: each report is built in its own forked worker, at most ``jobs`` at a time.

A worker dies with the runner (parent-death signal, and a watcher thread where that signal does not exist), writes
what it or its libraries print to a log in the private folder and dumps its threads' stacks there when its report
overruns the time limit; its kernel dies with it (:mod:`~analysis.reporting.kernels`: a forked kernel is its child,
with a parent-death signal; a kernel started from its command polls its parent). A worker that dies (kill -9, the OOM killer) or overruns fails only its own report;
Ctrl-C or SIGTERM stops every worker and kernel within a few seconds.
"""

from __future__ import annotations

import contextlib
import os
import re
import signal
import time
from dataclasses import dataclass
from pathlib import Path

from analysis.reporting import execution
from analysis.reporting.execution import TIMEOUT_ENV, Job, Result
from analysis.reporting.output_folder import WORK_DIR, remove

RUN_ENV = "FRONTIER_ATLAS_RUN"  # "<run id>/<report>" in each worker's environment, to find our processes
PDEATHSIG = signal.SIGTERM
INTERRUPT_GRACE_S = 1.5  # after Ctrl-C/SIGTERM/SIGHUP, workers get this long to clean up before SIGKILL
# Past its time limit a report's worker gets this long to fail cleanly (a cell timeout names the cell); then the
# parent kills the worker and its kernel, so a hung kernel can never hold the batch.
TIMEOUT_GRACE_S = 30.0
_building = False  # in a worker: is its report being built right now?


# --- in the worker ----------------------------------------------------------------------------------------------


def _on_signal(signum, frame):  # pragma: no cover - exercised via subprocess tests
    """Interrupt the build, so that its cleanup runs and stops the kernel; an idle worker just exits."""
    if _building:
        raise KeyboardInterrupt
    os._exit(1)


def _child(conn, job: Job, parent: int, lock_fd: int | None) -> None:  # pragma: no cover - in a forked worker
    global _building
    import asyncio
    import faulthandler
    import threading

    from analysis.reporting import kernels  # imports jupyter_client: in the worker only

    os.environ[RUN_ENV] = f"{job.run_id}/{job.name}"
    for sig in (signal.SIGTERM, signal.SIGINT, signal.SIGHUP):
        signal.signal(sig, _on_signal)
    kernels.die_with_parent(parent, PDEATHSIG)
    if lock_fd is not None:  # the lock belongs to the runner: a worker must never keep it alive
        with contextlib.suppress(OSError):
            os.close(lock_fd)
    fd = os.open(job.entry("log"), os.O_WRONLY | os.O_CREAT | os.O_TRUNC | os.O_NOFOLLOW | os.O_CLOEXEC, 0o644)
    os.dup2(fd, 1)  # what the worker, its kernel or their libraries print goes to the log, never to the terminal
    os.dup2(fd, 2)
    os.close(fd)
    if job.fork:  # before any thread starts: the child that will become this report's kernel
        kernels.fork_child(conn.fileno(), str(job.out / WORK_DIR))

    def watch() -> None:  # where there is no parent-death signal
        while os.getppid() == parent:
            time.sleep(0.5)
        os.kill(os.getpid(), PDEATHSIG)

    threading.Thread(target=watch, daemon=True).start()
    asyncio.set_event_loop_policy(None)  # the runner's loop did not survive the fork: papermill makes a fresh one
    faulthandler.dump_traceback_later(job.timeout, exit=False, file=2)  # the stacks, if the report overruns
    _building = True
    try:
        res = execution.build(job)
    except BaseException as exc:  # noqa: BLE001 - whatever happens, the parent gets one line
        res = Result(job.name, "failed", 0.0, f"{job.name}: {type(exc).__name__}: {str(exc)[:300]}")
    try:
        conn.send(res)
    finally:
        os._exit(0)


# --- in the runner ----------------------------------------------------------------------------------------------


def _died(code: int) -> str:
    if code >= 0:
        return f"exit status {code}"
    with contextlib.suppress(ValueError):
        sig = signal.Signals(-code)
        return f"signal {sig.name}" + (" (killed: out of memory, or by hand)" if sig == signal.SIGKILL else "")
    return f"signal {-code}"


def _where(log: Path) -> str:
    """The innermost frames of the main thread (faulthandler lists it last) in the worker's log, if any."""
    try:
        text = log.read_text(encoding="utf-8", errors="replace")[-20000:]
    except OSError:
        return ""
    blocks = re.split(r"^(?:Current thread|Thread) 0x[0-9a-f]+ ", text, flags=re.M)
    frames = [ln.strip() for ln in (blocks[-1] if len(blocks) > 1 else "").splitlines() if ln.strip().startswith("File ")]
    return ("\n    where: " + "\n           ".join(frames[:4])) if frames else ""


@dataclass
class Worker:
    """A running worker: its report, process, end of the pipe, and when it started."""

    job: Job
    proc: object  # multiprocessing.Process
    conn: object  # multiprocessing.connection.Connection
    started: float

    def result(self) -> Result | None:
        with contextlib.suppress(EOFError, OSError):
            if self.conn.poll():
                return self.conn.recv()
        return None


def run_workers(jobs: list[Job], n: int, lock_fd: int | None, done) -> None:
    """Build each report in its own forked worker, at most ``n`` at a time, in the order given; ``done(result)`` as
    each ends. An interrupt (or any exception) stops every worker and kernel before it propagates."""
    import multiprocessing as mp
    from multiprocessing.connection import wait

    ctx, pending, running = mp.get_context("fork"), list(jobs), []

    try:
        while pending or running:
            while pending and len(running) < n:
                job = pending.pop(0)
                mine, theirs = ctx.Pipe(duplex=False)
                proc = ctx.Process(target=_child, args=(theirs, job, os.getpid(), lock_fd), name=job.name)
                proc.start()
                theirs.close()
                running.append(Worker(job, proc, mine, time.monotonic()))
            ready = wait([w.conn for w in running] + [w.proc.sentinel for w in running], timeout=1.0)
            for w in list(running):
                res, late = w.result(), time.monotonic() - w.started
                if res is None and (w.conn in ready or w.proc.sentinel in ready):
                    w.proc.join(timeout=5)
                    if w.proc.exitcode is None:
                        continue  # pipe closed, process still exiting: its sentinel comes next
                    res = Result(w.job.name, "failed", late, f"{w.job.name}: the worker running it died "
                                 f"({_died(w.proc.exitcode)}); the other reports were not affected")
                elif res is None and late > w.job.timeout + TIMEOUT_GRACE_S:
                    w.proc.kill()
                    w.proc.join(timeout=5)
                    res = Result(w.job.name, "failed", late, f"{w.job.name}: stopped after {late:.0f} s, over its "
                                 f"time limit of {w.job.timeout:g} s (raise it with --timeout or {TIMEOUT_ENV}); the "
                                 "other reports were not affected" + _where(w.job.entry("log")))
                if res is not None:
                    running.remove(w)
                    w.conn.close()
                    w.proc.join(timeout=5)
                    remove(w.job.entry("log"))
                    if res.status == "failed":  # its build folder, if the worker could not clean up
                        remove(w.job.entry("tmp"))
                    done(res)
    except BaseException:
        for sig in (signal.SIGINT, signal.SIGTERM, signal.SIGHUP):  # a second Ctrl-C must not cut the cleanup short
            signal.signal(sig, signal.SIG_IGN)
        for w in running:
            with contextlib.suppress(Exception):
                w.proc.terminate()
        deadline = time.monotonic() + INTERRUPT_GRACE_S
        for w in running:
            w.proc.join(timeout=max(0.0, deadline - time.monotonic()))
            if w.proc.is_alive():
                w.proc.kill()
                w.proc.join(timeout=1)
        raise
