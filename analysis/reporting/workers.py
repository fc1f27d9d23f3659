"""The worker processes of a report run and their lifecycle.

Each report runs in its own forked worker (:func:`run_workers`), at most ``jobs`` at a time. A worker dies with the
main process (the parent-death signal, and a watcher thread where that signal does not exist), writes whatever it
or its libraries print to a log in the private folder, dumps every thread's stack there when its report overruns
its time limit (faulthandler), and marks the kernels it starts (``FRONTIER_ATLAS_RUN`` in their environment) so
that they can be found and stopped. A worker that dies (kill -9, the OOM killer) or overruns its time fails only
its own report; Ctrl-C or SIGTERM stops every worker and kernel within a few seconds.
"""

from __future__ import annotations

import contextlib
import os
import re
import signal
import time
from pathlib import Path

from analysis.data.spec import DataSpec
from analysis.reporting import execution, kernels
from analysis.reporting.execution import TIMEOUT_ENV, Result
from analysis.reporting.output_folder import WORK_DIR, entry, remove
from analysis.reporting.processes import die_with_parent

RUN_ENV = "FRONTIER_ATLAS_RUN"  # set in each worker: the kernels it starts inherit it, so they can be found and stopped
PDEATHSIG = signal.SIGTERM
INTERRUPT_GRACE_S = 1.5  # after Ctrl-C/SIGTERM/SIGHUP, workers get this long to clean up before SIGKILL
# Past its time limit a report's worker gets this long to fail cleanly (a cell timeout names the cell); then the
# parent kills the worker and its kernel, so a hung kernel can never hold the batch forever.
TIMEOUT_GRACE_S = 30.0


# --- in the worker ----------------------------------------------------------------------------------------------


def _worker_signal(signum, frame):  # pragma: no cover - exercised via subprocess tests
    """In a worker, SIGINT/SIGTERM/SIGHUP (and the parent-death signal) stop the worker's kernel at once, then
    interrupt the running notebook so that its cleanup runs; an idle worker just exits."""
    marker = os.environ.get(RUN_ENV, "")
    if "/" in marker:
        kill_marked(*marker.split("/", 1))
    if execution.STATE.running:
        raise KeyboardInterrupt
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
    die_with_parent(parent, PDEATHSIG)
    _watch_parent(parent)
    if lock_fd is not None:  # the lock belongs to the parent: a worker must never keep it alive
        with contextlib.suppress(OSError):
            os.close(lock_fd)
    # whatever the worker or its libraries print (warnings, a dying kernel) goes to a log, never the user's terminal
    fd = os.open(log, os.O_WRONLY | os.O_CREAT | os.O_TRUNC | os.O_NOFOLLOW | os.O_CLOEXEC, 0o644)
    os.dup2(fd, 1)
    os.dup2(fd, 2)
    os.close(fd)


def _child(conn, parent: int, lock_fd: int | None, log: str, name: str, out: str, params: dict,
           spec: DataSpec, run_id: str, timeout: float, notebook: str | None = None,
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
        res = execution.run_one(name, out, params, spec, True, run_id, timeout, notebook=notebook, swept=swept, go=go)
    except BaseException as exc:  # noqa: BLE001 - whatever happens, the parent gets one line
        res = Result(name, "failed", 0.0, f"{name}: {type(exc).__name__}: {str(exc)[:300]}")
    try:
        conn.send(res)
    finally:
        os._exit(0)


# --- in the parent ----------------------------------------------------------------------------------------------


def kill_marked(run_id: str, name: str | None = None) -> None:
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


class _Pool:
    """The workers of one run: ``running`` maps each worker's sentinel to [process, connection, report, t0], t0
    being None until the report has a slot."""

    def __init__(self, out: Path, per_report: dict, spec: DataSpec, jobs: int, run_id: str, lock_fd: int | None,
                 timeout: float, variants: dict, done) -> None:
        import multiprocessing as mp

        self.ctx = mp.get_context("fork")
        self.out, self.work, self.per_report, self.spec = out, out / WORK_DIR, per_report, spec
        self.jobs, self.run_id, self.lock_fd, self.timeout, self.variants = jobs, run_id, lock_fd, timeout, variants
        self.ahead = jobs if kernels.enabled() else 0  # warm kernels: up to `jobs` more workers started ahead
        self.done = done
        self.running: dict = {}

    def start(self, name: str) -> None:
        mine, theirs = self.ctx.Pipe(duplex=True)
        log = entry(self.work, "log", name, self.run_id)
        notebook, swept = self.variants.get(name, (None, None))
        proc = self.ctx.Process(target=_child, name=f"frontier-atlas-{name}",
                                args=(theirs, os.getpid(), self.lock_fd, str(log), name, str(self.out),
                                      self.per_report[name], self.spec, self.run_id, self.timeout, notebook, swept),
                                daemon=False)
        proc.start()
        theirs.close()
        self.running[proc.sentinel] = [proc, mine, name, None]

    def give_slots(self) -> None:
        """Free slots go to the waiting workers in the order they were started."""
        active = sum(v[3] is not None for v in self.running.values())
        for slot in self.running.values():
            if active >= self.jobs:
                break
            if slot[3] is None:
                with contextlib.suppress(OSError, ValueError):  # a worker that already ended is handled later
                    slot[1].send(b"go")
                slot[3] = time.monotonic()
                active += 1

    def finish(self, key, res: Result) -> None:
        proc, conn, name, _ = self.running.pop(key)
        conn.close()
        proc.join(timeout=5)
        remove(entry(self.work, "log", name, self.run_id))
        self.done(res)

    def stop_overdue(self, ready: list) -> None:
        """Kill the workers (and kernels) of reports past their time limit and its grace."""
        limit = self.timeout + TIMEOUT_GRACE_S
        for key, (proc, _conn, name, t0) in list(self.running.items()):
            if key in ready or t0 is None or time.monotonic() - t0 <= limit:
                continue
            proc.kill()
            proc.join(timeout=5)
            kill_marked(self.run_id, name)
            remove(entry(self.work, "tmp", name, self.run_id))
            self.finish(key, Result(name, "failed", time.monotonic() - t0,
                                    f"{name}: stopped after {time.monotonic() - t0:.0f} s, over its time limit of "
                                    f"{self.timeout:g} s (raise it with --timeout or {TIMEOUT_ENV}); the other reports "
                                    "were not affected" + _where(entry(self.work, "log", name, self.run_id))))

    def collect(self, ready: list, conns: dict) -> None:
        """The results of the workers that answered or ended; a worker that died fails only its own report."""
        for r in ready:
            key = conns.get(r, r)
            if key not in self.running:
                continue
            proc, conn, name, t0 = self.running[key]
            res = None
            with contextlib.suppress(EOFError, OSError):
                if conn.poll():
                    res = conn.recv()
            if res is None:
                proc.join(timeout=5)
                if proc.exitcode is None and r is conn:
                    continue  # closed pipe, process still exiting: its sentinel comes next
                remove(entry(self.work, "tmp", name, self.run_id))
                kill_marked(self.run_id, name)
                res = Result(name, "failed", time.monotonic() - (t0 or time.monotonic()),
                             f"{name}: the worker running it died ({_signal_name(proc.exitcode)}); the other "
                             "reports were not affected")
            self.finish(key, res)

    def stop_all(self) -> None:
        """Ctrl-C, SIGTERM, or an exception from a progress callback: no worker or kernel outlives the run."""
        for sig in (signal.SIGINT, signal.SIGTERM, signal.SIGHUP):  # a second Ctrl-C must not cut the cleanup short
            signal.signal(sig, signal.SIG_IGN)
        procs = [v[0] for v in self.running.values()]
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
        kill_marked(self.run_id)


def run_workers(todo: list[str], out: Path, per_report: dict, spec: DataSpec, jobs: int, run_id: str,
                lock_fd: int | None, results: list[Result], total: int, progress, timeout: float,
                variants: dict | None = None) -> None:
    """Run each report in its own forked worker, at most ``jobs`` at a time, in the order given. With warm kernels
    up to ``jobs`` more workers are started ahead, each starting its kernel (imports, data) while it waits for a
    slot. A worker that dies (kill -9, the OOM killer) or overruns its time fails only its own report; an interrupt
    stops every worker and kernel within a few seconds. ``variants``: report -> (notebook, swept parameters) for
    the combinations of a sweep."""
    from multiprocessing.connection import wait

    def done(res: Result) -> None:
        results.append(res)
        if progress:
            progress(len(results), total, res)

    pool = _Pool(out, per_report, spec, jobs, run_id, lock_fd, timeout, variants or {}, done)
    pending = list(todo)
    try:
        while pending or pool.running:
            while pending and len(pool.running) < jobs + pool.ahead:
                pool.start(pending.pop(0))
            pool.give_slots()
            conns = {v[1]: k for k, v in pool.running.items()}
            ready = wait(list(conns) + list(pool.running), timeout=1.0)
            pool.stop_overdue(ready)
            pool.collect(ready, conns)
    except BaseException:
        pool.stop_all()
        raise
