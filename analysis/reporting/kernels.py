"""Report kernels, started through jupyter_client's kernel-provisioner API.

A report's kernel spec names :class:`ForkProvisioner` in its ``kernel_provisioner`` metadata, as a kernel.json would
(entry point group ``jupyter_client.kernel_provisioners``, pyproject.toml): jupyter_client's LocalProvisioner, except
that on Linux the kernel is a fork of its own worker. Before a batch forks its workers, the runner imports what the
notebooks import and loads their data (:func:`preload`); each worker, as its first act, forks a child that waits
for the kernel command's arguments (:class:`Forked`), and the provisioner hands it those arguments, working
directory and environment in place of starting the command. The child is the worker's own: it dies with the
worker, and is reaped and signalled by it like a ``Popen``. Kernels are forked only from a runner that runs one OS
thread (/proc/self/task; OpenBLAS's fork handler stops its thread pools) -- otherwise, off Linux, or for a kernel
spec that is not this interpreter's ipykernel, the command starts as usual.
"""

from __future__ import annotations

import ast
import atexit
import contextlib
import functools
import gc
import importlib
import json
import os
import signal
import sys

from jupyter_client.provisioning import LocalProvisioner

PROVISIONER = "frontier-atlas-fork"  # the entry point's name (pyproject.toml)
FORK_ENV = "FRONTIER_ATLAS_FORK_KERNELS"  # 0: every kernel runs its command (for comparisons and debugging)
KERNEL_BOUND = ("ipywidgets", "IPython", "ipykernel", "matplotlib_inline")  # imported by a running kernel only


def die_with_parent(parent: int, sig: int) -> None:
    """Linux: get ``sig`` when the parent dies (kill -9 included); exit now if ``parent`` is already gone."""
    with contextlib.suppress(OSError, AttributeError):
        import ctypes  # deferred: Linux only, and only in the processes that call this

        ctypes.CDLL(None, use_errno=True).prctl(1, int(sig), 0, 0, 0)  # PR_SET_PDEATHSIG = 1
    if os.getppid() != parent:
        os._exit(1)


def fork_enabled() -> bool:
    """Linux, our provisioner installed, and not switched off with ``FORK_ENV=0``."""
    from importlib.metadata import entry_points

    return (sys.platform.startswith("linux") and os.path.isdir("/proc/self/task")
            and os.environ.get(FORK_ENV, "1").strip().lower() not in ("0", "false", "no", "off")
            and bool(entry_points(group="jupyter_client.kernel_provisioners", name=PROVISIONER)))


def preload_modules(sources: list[str]) -> list[str]:
    """What the code cells import at top level (``from a import b``: ``a`` and ``a.b``), except modules bound to a
    running kernel, plus the libraries our analyses import on first use."""
    out: list[str] = []
    for src in sources:
        with contextlib.suppress(SyntaxError):
            for node in ast.parse(src).body:
                if isinstance(node, ast.Import):
                    out += [a.name for a in node.names]
                elif isinstance(node, ast.ImportFrom) and node.module and not node.level:
                    out += [node.module] + [f"{node.module}.{a.name}" for a in node.names if a.name != "*"]
    out += ["scipy.stats", "statsmodels.stats.proportion"]
    return [m for m in dict.fromkeys(out) if m.split(".")[0] not in KERNEL_BOUND]


def one_thread() -> bool:
    """This process runs one OS thread (threads started by C libraries included), so a fork of it is safe."""
    return len(os.listdir("/proc/self/task")) == 1


# --- in the runner, before it forks the workers ------------------------------------------------------------------


def preload(modules: list[str], data_spec: str | None) -> bool:
    """Import ``modules`` and load the data as the notebooks will (a module that fails to import is left to the
    notebook's own import, in its cell); True if this process may then fork kernels' parents: one OS thread."""
    backend = os.environ.get("MPLBACKEND")
    os.environ["MPLBACKEND"] = backend or "module://matplotlib_inline.backend_inline"  # as ipykernel sets it
    try:
        import ipykernel.kernelapp  # noqa: F401  (the kernel's own start-up, paid once)

        for m in modules:
            with contextlib.suppress(Exception):
                importlib.import_module(m)
        with contextlib.suppress(Exception):
            if "analysis.data.dataset" in modules:  # fills the loader's memory cache, as the notebooks will load it
                sys.modules["analysis.data.dataset"].load(data_spec or None)
    finally:
        if backend is None:
            os.environ.pop("MPLBACKEND")
    gc.collect()
    gc.freeze()  # the imported objects stay out of the children's collections: fewer copied pages
    pid = os.fork()  # a first fork: OpenBLAS's fork handler stops its thread pools in this process
    if pid == 0:
        os._exit(0)
    os.waitpid(pid, 0)
    return one_thread()


# --- in a worker -------------------------------------------------------------------------------------------------

_waiting: Forked | None = None  # this worker's child, forked at its start, waiting to become its kernel


def fork_child(close: int, cwd: str) -> None:
    """In a new worker, before it starts any thread: fork the child that will become its kernel (``close``: a
    descriptor of the worker's the child must not hold; ``cwd``: where it waits, the run's private folder)."""
    global _waiting
    if fork_enabled() and one_thread():
        _waiting = Forked(close, cwd)


class ForkProvisioner(LocalProvisioner):
    """LocalProvisioner that hands the kernel command's arguments to the worker's waiting child when it can."""

    async def launch_kernel(self, cmd: list[str], **kwargs):
        global _waiting
        child, _waiting = _waiting, None
        if child is not None and cmd[1:3] == ["-m", "ipykernel_launcher"] and os.path.samefile(cmd[0], sys.executable):
            env = dict(kwargs.get("env") or os.environ, JPY_PARENT_PID=str(os.getpid()))  # as the launcher does
            with contextlib.suppress(OSError):  # the child is gone: it became no kernel, so run the command
                child.start({"argv": cmd[3:], "cwd": kwargs.get("cwd") or os.getcwd(), "env": env})
                self.process, self.pid, self.pgid, self.cwd = child, child.pid, child.pid, kwargs.get("cwd")
                return self.connection_info
        if child is not None:
            child.kill()
            child.wait()
        return await super().launch_kernel(cmd, **kwargs)

    async def send_signal(self, signum: int) -> None:
        if not isinstance(self.process, Forked) or self.process.poll() is None:  # a reaped kernel has no group
            await super().send_signal(signum)


class Forked:
    """A child of this worker waiting, on a pipe, for the arguments that make it a kernel; afterwards that kernel,
    in place of the ``Popen`` LocalProvisioner keeps (its own process group; reaped and signalled by the worker)."""

    stdin = stdout = stderr = returncode = None

    def __init__(self, close: int, cwd: str):
        r, self._w = os.pipe()
        parent, self.pid = os.getpid(), os.fork()
        if self.pid == 0:  # pragma: no cover - in the child
            os.close(self._w)
            with contextlib.suppress(OSError):
                os.close(close)
            with contextlib.suppress(OSError):
                os.chdir(cwd)
            _become_kernel(parent, r)
        os.close(r)

    def start(self, request: dict) -> None:
        with open(self._w, "wb") as fh:  # the child reads as it comes: a request larger than the pipe's buffer is fine
            fh.write(json.dumps(request).encode())

    def poll(self, flags: int = os.WNOHANG) -> int | None:
        if self.returncode is None:
            try:
                pid, status = os.waitpid(self.pid, flags)
            except ChildProcessError:  # reaped elsewhere
                pid, status = self.pid, 0
            if pid:
                self.returncode = os.waitstatus_to_exitcode(status)
        return self.returncode

    def wait(self) -> int:
        return self.poll(0)

    def send_signal(self, sig: int) -> None:
        if self.poll() is None:  # not reaped: the pid is still this child's
            with contextlib.suppress(ProcessLookupError):
                os.kill(self.pid, sig)

    kill = functools.partialmethod(send_signal, signal.SIGKILL)
    terminate = functools.partialmethod(send_signal, signal.SIGTERM)


def manager(kernel_name: str, fork: bool):
    """A kernel manager for papermill (``km=``; nbclient starts the kernel), with :class:`ForkProvisioner` where
    ``fork`` and the worker has a waiting child; else the kernel spec's own provisioner."""
    from jupyter_client.manager import AsyncKernelManager

    km = AsyncKernelManager(kernel_name=kernel_name)
    if fork and _waiting is not None and km.kernel_spec is not None and "kernel_provisioner" not in km.kernel_spec.metadata:
        km.kernel_spec.metadata["kernel_provisioner"] = {"provisioner_name": PROVISIONER, "config": {}}
    return km


def stop(km) -> None:
    """Stop a kernel at once (it served its one notebook) and release its ports and connection file."""
    from jupyter_core.utils import run_sync

    with contextlib.suppress(Exception):
        run_sync(km.shutdown_kernel)(now=True)


def died_starting(exc: BaseException) -> bool:
    """The kernel exited before it answered (jupyter_client's ``wait_for_ready``): no cell ran, so the notebook can
    run on a new kernel (seen when two kernels raced for a port on a loaded machine)."""
    return isinstance(exc, RuntimeError) and str(exc).startswith("Kernel died before replying to kernel_info")


def _become_kernel(parent: int, r: int) -> None:  # pragma: no cover - in the forked child
    """Wait for the request on ``r``, then turn into the ipykernel it asks for; never returns. No request (the
    worker closed the pipe, or died): exit."""
    code = 1
    try:
        die_with_parent(parent, signal.SIGKILL)
        with os.fdopen(r, "rb") as fh:
            data = fh.read()
        if not data:
            os._exit(0)
        request = json.loads(data)
        os.setsid()  # its own process group, which the kernel manager signals
        null = os.open(os.devnull, os.O_RDONLY)
        os.dup2(null, 0)  # its output goes to the worker's log, as the worker's does
        os.close(null)
        for sig in (signal.SIGTERM, signal.SIGHUP, signal.SIGCHLD, signal.SIGQUIT):
            signal.signal(sig, signal.SIG_DFL)
        signal.signal(signal.SIGINT, signal.default_int_handler)
        os.chdir(request["cwd"])
        os.environ.clear()
        os.environ.update(request["env"])
        sys.argv = ["ipykernel_launcher", *request["argv"]]
        sys.path[0] = request["cwd"]  # as `python -m ipykernel_launcher` started there would have it
        from ipykernel.kernelapp import IPKernelApp

        IPKernelApp.launch_instance(argv=list(request["argv"]))
        code = 0
    except SystemExit as exc:
        code = exc.code if isinstance(exc.code, int) else 0
    finally:
        with contextlib.suppress(BaseException):
            atexit._run_exitfuncs()
            sys.stdout.flush()
            sys.stderr.flush()
        os._exit(code)
