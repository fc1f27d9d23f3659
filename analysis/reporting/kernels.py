"""Report kernels, started through jupyter_client's kernel-provisioner API.

A report's kernel spec names :class:`ForkProvisioner` in its ``kernel_provisioner`` metadata, as a kernel.json would
(entry point group ``jupyter_client.kernel_provisioners``, pyproject.toml): jupyter_client's LocalProvisioner, except
that while a batch runs on Linux it asks the batch's *fork server* -- one process that has imported what the
notebooks import and loaded their data -- to fork the ipykernel with the command's arguments, working directory,
environment and standard streams, and watches and signals it through a process handle (pidfd). A forked kernel dies
with the worker that asked for it and with the server, which dies with the runner. The server forks only while it
runs one OS thread (/proc/self/task; OpenBLAS's fork handler stops its thread pools). Otherwise -- no server, not
Linux, a kernel spec that is not this interpreter's ipykernel, a refused request -- the command starts as usual.
"""

from __future__ import annotations

import ast
import atexit
import contextlib
import gc
import importlib
import json
import os
import select
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading

from jupyter_client.provisioning import LocalProvisioner
from traitlets import Unicode

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
    """Linux with process handles, our provisioner installed, and not switched off with ``FORK_ENV=0``."""
    from importlib.metadata import entry_points

    return (sys.platform.startswith("linux") and hasattr(os, "pidfd_open") and os.path.isdir("/proc/self/task")
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


# --- in a worker ---------------------------------------------------------------------------------------------------


class ForkProvisioner(LocalProvisioner):
    """LocalProvisioner that forks the kernel from the fork server listening at ``server`` when it can."""

    server = Unicode("", config=True, help="the fork server's socket; empty: run the kernel command")

    async def launch_kernel(self, cmd: list[str], **kwargs):
        with contextlib.suppress(OSError, IndexError):  # no server, or it refused before forking: run the command
            if self.server and cmd[1:3] == ["-m", "ipykernel_launcher"] and os.path.samefile(cmd[0], sys.executable):
                env = dict(kwargs.get("env") or os.environ, JPY_PARENT_PID=str(os.getpid()))  # as the launcher does
                self.process = Forked(self.server, cmd[3:], kwargs.get("cwd") or os.getcwd(), env)
                self.pid = self.pgid = self.process.pid
                self.cwd = kwargs.get("cwd")
                return self.connection_info
        return await super().launch_kernel(cmd, **kwargs)

    async def send_signal(self, signum: int) -> None:
        if not isinstance(self.process, Forked) or self.process.poll() is None:  # a reaped kernel has no group
            await super().send_signal(signum)


class Forked:
    """A forked kernel in place of the ``Popen`` LocalProvisioner keeps, watched and signalled through a process
    handle (pidfd) the server sends with its pid. Once the request is sent the server may fork at any moment, so the
    answer is awaited without a limit (a fallback after a time-out would start a second kernel on the same connection
    file); a server that closes the connection without an answer has forked nothing."""

    stdin = stdout = stderr = returncode = None

    def __init__(self, server: str, args: list[str], cwd: str, env: dict[str, str]):
        message = json.dumps({"argv": args, "cwd": cwd, "env": env, "worker": os.getpid()}).encode() + b"\n"
        with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as s:
            s.settimeout(30)
            s.connect(server)
            with open(os.devnull, "rb") as null:
                sent = socket.send_fds(s, [message], [null.fileno(), 1, 2])
            if sent < len(message):
                s.sendall(message[sent:])
            s.settimeout(None)
            data, fds, _, _ = socket.recv_fds(s, 64, 1)
        if len(fds) != 1:
            raise OSError("the fork server forked no kernel")
        self.pid, self.pidfd = int(data), fds[0]

    def poll(self) -> int | None:
        if self.returncode is None and select.select([self.pidfd], [], [], 0)[0]:  # readable once it has exited
            os.close(self.pidfd)
            self.returncode = 0  # its exit status goes to its parent, the server
        return self.returncode

    def wait(self) -> int:
        while self.poll() is None:
            select.select([self.pidfd], [], [])
        return self.returncode

    def send_signal(self, sig: int) -> None:
        if self.poll() is None:
            with contextlib.suppress(ProcessLookupError):
                signal.pidfd_send_signal(self.pidfd, sig)

    def kill(self) -> None:
        self.send_signal(signal.SIGKILL)

    def terminate(self) -> None:
        self.send_signal(signal.SIGTERM)


def manager(kernel_name: str, server: str | None):
    """A kernel manager for papermill (``km=``; nbclient starts the kernel), with :class:`ForkProvisioner` and the
    fork server ``server``; with None, the kernel spec's own provisioner."""
    from jupyter_client.manager import AsyncKernelManager

    km = AsyncKernelManager(kernel_name=kernel_name)
    if server and km.kernel_spec is not None and "kernel_provisioner" not in km.kernel_spec.metadata:
        km.kernel_spec.metadata["kernel_provisioner"] = {"provisioner_name": PROVISIONER, "config": {"server": server}}
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


# --- the fork server --------------------------------------------------------------------------------------------


class ForkServer:
    """Started at once, so that it imports while the runner prepares the batch; listens at ``path`` once
    :meth:`ready` says so."""

    def __init__(self, modules: list[str], data_spec: str | None, env: dict[str, str]):
        self.folder = tempfile.mkdtemp(prefix="atlas-fork-")
        self.path = os.path.join(self.folder, "s")
        self.proc = subprocess.Popen(
            [sys.executable, "-m", __name__, self.path, json.dumps(modules), data_spec or "", str(os.getpid())],
            env=env, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL,
            start_new_session=True)

    def ready(self, timeout: float = 120.0) -> bool:
        """Wait (at most ``timeout`` s) until it says ready; False if it says anything else or exits."""
        return bool(select.select([self.proc.stdout], [], [], timeout)[0]) and self.proc.stdout.readline() == b"ready\n"

    def close(self) -> None:
        self.proc.kill()  # and with it any kernel forked from it
        with contextlib.suppress(subprocess.TimeoutExpired):
            self.proc.wait(timeout=10)
        self.proc.stdout.close()
        shutil.rmtree(self.folder, ignore_errors=True)


def serve(path: str, modules: list[str], data_spec: str | None, parent: int) -> None:  # pragma: no cover - server
    """Import, load the data, then fork a kernel for each request until killed."""
    die_with_parent(parent, signal.SIGKILL)
    if not os.environ.get("MPLBACKEND"):  # as ipykernel sets it before a notebook can import matplotlib
        os.environ["MPLBACKEND"] = "module://matplotlib_inline.backend_inline"
    import ipykernel.kernelapp  # noqa: F401  (the kernel's own start-up, paid once)

    for m in modules:  # a module that fails to import is left to the notebook's own import, in its cell
        with contextlib.suppress(Exception):
            importlib.import_module(m)
    with contextlib.suppress(Exception):
        if "analysis.data.dataset" in modules:  # fills the loader's memory cache, as the notebooks will load it
            sys.modules["analysis.data.dataset"].load(data_spec or None)
    gc.collect()
    gc.freeze()  # the imported objects stay out of the children's collections: fewer copied pages
    if os.fork() == 0:  # a first fork: OpenBLAS's fork handler stops its thread pools in this process
        os._exit(0)
    os.wait()
    if len(os.listdir("/proc/self/task")) != 1:
        print("threads", flush=True)  # forking a process with other threads is unsafe: kernels start from commands
        return
    listener = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    listener.bind(path)
    listener.listen(16)
    listener.settimeout(1.0)
    print("ready", flush=True)
    while True:
        with contextlib.suppress(ChildProcessError):  # reap the kernels that ended
            while os.waitpid(-1, os.WNOHANG)[0]:
                pass
        with contextlib.suppress(OSError):  # TimeoutError included: then only the reaping above
            conn, _ = listener.accept()
            with conn:
                _fork_kernel(listener, conn)


def _fork_kernel(listener: socket.socket, conn: socket.socket) -> None:  # pragma: no cover - in the server
    """Fork the kernel of one request and answer with its pid and a process handle. A request cut short, or a second
    thread in the server, closes the connection before any fork: the worker then runs the kernel command."""
    conn.settimeout(30)
    data, fds, _, _ = socket.recv_fds(conn, 1 << 20, 3)
    try:
        while not data.endswith(b"\n"):
            chunk = conn.recv(1 << 20)
            if not chunk:
                raise OSError("request cut short")
            data += chunk
        request = json.loads(data)
        if len(fds) != 3 or len(os.listdir("/proc/self/task")) != 1:
            raise OSError("refused")
        pid = os.fork()
    except (OSError, ValueError):
        for fd in fds:
            os.close(fd)
        return
    if pid == 0:
        listener.close()
        conn.close()
        _become_kernel(request, fds)
    for fd in fds:
        os.close(fd)
    pidfd = os.pidfd_open(pid)  # before any reaping: it is this child's
    try:
        socket.send_fds(conn, [b"%d" % pid], [pidfd])
    except OSError:  # the worker is gone: no kernel without it
        os.kill(pid, signal.SIGKILL)
    finally:
        os.close(pidfd)


def _become_kernel(request: dict, fds: list[int]) -> None:  # pragma: no cover - in the forked kernel
    """Turn this forked child into the ipykernel the request asks for; never returns."""
    code = 1
    try:
        server = os.getppid()
        os.setsid()
        die_with_parent(server, signal.SIGKILL)
        worker = os.pidfd_open(request["worker"])  # and with the worker that asked for it (its session, too)
        threading.Thread(target=lambda: (select.select([worker], [], []), os.killpg(0, signal.SIGKILL)), daemon=True,
                         name="frontier-atlas-worker-watch").start()
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


if __name__ == "__main__":  # pragma: no cover - started by ForkServer
    serve(sys.argv[1], json.loads(sys.argv[2]), sys.argv[3] or None, int(sys.argv[4]))
