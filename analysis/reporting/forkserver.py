"""Kernels forked from one process that has already imported the notebooks' libraries (issue 18).

A cold kernel spends 1 to 2 s of CPU importing pandas, statsmodels, scipy, matplotlib and our modules before its
first cell runs; ten reports pay that ten times, and on two busy cores the CPU is what limits the batch. While a
batch runs, the runner starts one *fork server*: a process that imports those libraries (and the default table) once
and then waits on a Unix socket. Each report's kernel is then a ``fork`` of it, started by a tiny stand-in command
(:mod:`analysis.reporting.forkshim`) that jupyter_client runs in place of ``python -m ipykernel_launcher``:

- the child becomes an ordinary ipykernel (``IPKernelApp``) with the stand-in's working directory, environment,
  standard streams and arguments; it has imported modules but no state of any notebook, and serves one notebook;
- signals sent to the stand-in (interrupt, terminate) are passed on; when the stand-in dies (shut down with
  ``now=True``, killed by the runner's clean-up), the server kills the kernel at once; when the server dies (the
  runner was killed), the kernels die with it (parent-death signal); the server dies with the runner;
- any failure (no server, a thread in the server, a refused connection) falls back to the usual cold kernel.

Why the reports stay byte-identical to a cold kernel's: the server only imports modules and fills the loader's
memory cache (which hands out fresh copies), exactly what a warm kernel's start-up line does; it sets
``MPLBACKEND`` the way ipykernel does before anything imports matplotlib; and the kernel's namespace, history and
execution counts are its own. ``tests/test_batch.py`` compares the outputs with cold kernels.
"""

from __future__ import annotations

import atexit
import contextlib
import gc
import json
import os
import select
import selectors
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time

from analysis.reporting import kernels
from analysis.reporting.processes import die_with_parent

ENV = kernels.FORK_SERVER_SOCKET  # the server's socket, in the runner's workers while a batch runs
READY_TIMEOUT_S = 120.0
# Modules that must be imported inside a running kernel (they register with it at import time).
KERNEL_BOUND = ("ipywidgets", "IPython", "ipykernel", "matplotlib_inline")


def preload_modules(sources: list[str]) -> list[str]:
    """What the server imports: every module these code cells import at top level (except those bound to a running
    kernel), plus the libraries our analyses import on first use."""
    modules = kernels.imported_modules(sources) + ["scipy.stats", "statsmodels.stats.proportion"]
    return [m for m in dict.fromkeys(modules) if m.split(".")[0] not in KERNEL_BOUND]


class ForkServer:
    """A fork server started for a batch (``with ForkServer(...) as server``): it imports while the runner prepares
    the batch; :meth:`ready` then waits for it (bounded) and points the runner's workers at it (``ENV``)."""

    def __init__(self, modules: list[str], data_spec: str | None, env: dict[str, str]):
        self.folder = tempfile.mkdtemp(prefix="atlas-fork-")
        self.sock = os.path.join(self.folder, "s")
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "analysis.reporting.forkserver", self.sock, json.dumps(modules), data_spec or "",
             str(os.getpid())], env=env, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL,
            start_new_session=True)

    def ready(self, timeout: float = READY_TIMEOUT_S) -> bool:
        """Wait until the server says ``ready`` (at most ``timeout`` seconds); then workers fork their kernels from
        it. False (kernels start cold) if it exits, says anything else or takes longer."""
        line, deadline = b"", time.monotonic() + timeout
        fd = self.proc.stdout.fileno()
        while not line.endswith(b"\n") and time.monotonic() < deadline:
            if not select.select([fd], [], [], max(0.0, deadline - time.monotonic()))[0]:
                break
            chunk = os.read(fd, 64)
            if not chunk:
                break
            line += chunk
        ok = line.strip() == b"ready"
        if ok:
            os.environ[ENV] = self.sock
        return ok

    def close(self) -> None:
        os.environ.pop(ENV, None)
        with contextlib.suppress(OSError):
            self.proc.kill()
        with contextlib.suppress(subprocess.TimeoutExpired):
            self.proc.wait(timeout=10)
        with contextlib.suppress(OSError):
            self.proc.stdout.close()
        for remove in (lambda: os.unlink(self.sock), lambda: os.rmdir(self.folder)):
            with contextlib.suppress(OSError):
                remove()

    def __enter__(self) -> ForkServer:
        return self

    def __exit__(self, *exc) -> None:
        self.close()


@contextlib.contextmanager
def running(modules: list[str], data_spec: str | None, env: dict[str, str]):
    """A fork server for the duration of the block, ready; yields its process (``Popen``), or None when it could not
    start (kernels then start cold, as without one)."""
    with ForkServer(modules, data_spec, env) as server:
        yield server.proc if server.ready() else None


# --- in the server process ------------------------------------------------------------------------------------------

def serve(sock_path: str, modules: list[str], data_spec: str | None, parent: int) -> None:
    """The server: import, load, then fork a kernel for each request until killed."""
    die_with_parent(parent, signal.SIGKILL)
    if not os.environ.get("MPLBACKEND"):  # what ipykernel sets before a notebook can import matplotlib
        os.environ["MPLBACKEND"] = "module://matplotlib_inline.backend_inline"
    import ipykernel.kernelapp  # noqa: F401  (the kernel's own start-up, paid once)

    kernels.warm(modules, data_spec, load_data="analysis.data.dataset" in modules)
    gc.collect()
    gc.freeze()  # the imported objects stay out of the children's collections: fewer copied pages
    if threading.active_count() != 1:
        print("threads", flush=True)  # forking a process with threads is unsafe: kernels start cold instead
        return
    try:
        os.close(os.pidfd_open(os.getpid()))  # process handles (Linux >= 5.3) watch the stand-ins
    except OSError:
        print("no pidfd", flush=True)
        return
    listener = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    listener.bind(sock_path)
    listener.listen(16)
    print("ready", flush=True)
    sel = selectors.DefaultSelector()
    sel.register(listener, selectors.EVENT_READ, None)
    while True:
        for key, _ in sel.select(timeout=1.0):
            if key.data is None:
                _serve_one(listener, sel)
            else:  # a stand-in died: its kernel goes too
                pidfd, kernel = key.fileobj, key.data
                sel.unregister(pidfd)
                os.close(pidfd)
                with contextlib.suppress(ProcessLookupError):
                    os.kill(kernel, signal.SIGKILL)
        with contextlib.suppress(ChildProcessError):
            while os.waitpid(-1, os.WNOHANG)[0]:
                pass


def _serve_one(listener, sel) -> None:
    conn, _ = listener.accept()
    fds: list[int] = []
    with conn:
        try:
            conn.settimeout(30)
            data, fds, _, _ = socket.recv_fds(conn, 1 << 20, 3)
            size = int.from_bytes(data[:8], "big")
            data = data[8:]
            while len(data) < size:
                chunk = conn.recv(size - len(data))
                if not chunk:
                    raise OSError("request cut short")
                data += chunk
            request = json.loads(data)
            if len(fds) != 3:
                raise OSError("expected three standard streams")
        except (OSError, ValueError):
            for fd in fds:
                os.close(fd)
            return
        pid = os.fork()
        if pid == 0:  # pragma: no cover - the kernel, in the forked child
            listener.close()
            conn.close()
            _become_kernel(request, fds)
        for fd in fds:
            os.close(fd)
        try:
            pidfd = os.pidfd_open(int(request["shim"]))
            sel.register(pidfd, selectors.EVENT_READ, pid)
        except (OSError, ValueError, KeyError):  # the stand-in is already gone (or unknown): no kernel without it
            with contextlib.suppress(ProcessLookupError):
                os.kill(pid, signal.SIGKILL)
            return
        with contextlib.suppress(OSError):
            conn.sendall(json.dumps({"pid": pid}).encode() + b"\n")


def _become_kernel(request: dict, fds: list[int]) -> None:  # pragma: no cover - runs in the forked child
    """Turn this forked child into the ipykernel the stand-in asked for; never returns."""
    code = 1
    try:
        server = os.getppid()
        os.setsid()
        die_with_parent(server, signal.SIGKILL)
        for target, fd in zip((0, 1, 2), fds):
            os.dup2(fd, target)
            os.close(fd)
        for sig in (signal.SIGTERM, signal.SIGHUP, signal.SIGCHLD, signal.SIGQUIT):
            signal.signal(sig, signal.SIG_DFL)
        signal.signal(signal.SIGINT, signal.default_int_handler)
        os.chdir(request["cwd"])
        os.environ.clear()
        os.environ.update(request["env"])
        sys.argv = ["ipykernel_launcher", *request["argv"]]
        if sys.path and sys.path[0] == "":
            del sys.path[0]
        from ipykernel.kernelapp import IPKernelApp

        IPKernelApp.launch_instance(argv=list(request["argv"]))
        code = 0
    except SystemExit as exc:
        code = exc.code if isinstance(exc.code, int) else 0
    finally:
        with contextlib.suppress(BaseException):
            atexit._run_exitfuncs()
        with contextlib.suppress(BaseException):
            sys.stdout.flush()
            sys.stderr.flush()
        os._exit(code)


if __name__ == "__main__":  # pragma: no cover - started by running()
    serve(sys.argv[1], json.loads(sys.argv[2]), sys.argv[3] or None, int(sys.argv[4]))
