"""Warm kernels for the report runner: a notebook's kernel started ahead, with its imports and data already loaded.

A report's worker (see :mod:`analysis.reporting.workers`) may be started while other reports still run. It then starts its
kernel at once, with a start-up line (IPython's ``exec_lines``, run before the kernel answers its first request)
that imports the modules the notebook imports and loads the table the notebook will load, and waits for the runner
to hand it a free slot. The notebook then runs on that kernel, which is stopped when the report is done: every
kernel serves exactly one notebook, so reports stay isolated.

Why the reports stay byte-identical to a cold kernel's: the start-up line binds no name in the notebook's namespace
(it calls :func:`warm`, which imports into ``sys.modules`` only), is not stored in the history (the execution counts
are the same) and loads data through the same cached loader the notebook calls, which returns fresh copies.
"""

from __future__ import annotations

import ast
import contextlib
import importlib
import importlib.util
import os
import sys
from pathlib import Path

# Set to 0 to start every kernel cold, when its report's turn comes (for comparisons and debugging).
WARM_ENV = "FRONTIER_ATLAS_WARM_KERNELS"
# Set to 0 to start warm kernels as new processes instead of forks of the batch's fork server.
FORK_ENV = "FRONTIER_ATLAS_FORK_KERNELS"
# The fork server's socket (see analysis/reporting/forkserver.py), set in the runner while a batch runs.
FORK_SERVER_SOCKET = "FRONTIER_ATLAS_FORKSERVER"
SHIM = Path(__file__).with_name("forkshim.py")


def _on(variable: str) -> bool:
    return os.environ.get(variable, "1").strip().lower() not in ("0", "false", "no", "off")


def enabled() -> bool:
    return _on(WARM_ENV)


def fork_enabled() -> bool:
    """Kernels forked from a fork server (Linux, warm kernels on, not switched off with ``FORK_ENV=0``)."""
    return enabled() and _on(FORK_ENV) and sys.platform.startswith("linux") and hasattr(os, "pidfd_open")


def imported_modules(sources: list[str]) -> list[str]:
    """Absolute module names that the given cells import at top level, in order, without duplicates.

    ``from analysis.data import dataset`` gives ``analysis.data`` and ``analysis.data.dataset`` (a name
    that is not a module is skipped at import time); relative imports are ignored.
    """
    out: list[str] = []
    for src in sources:
        try:
            tree = ast.parse(src)
        except SyntaxError:
            continue
        for node in tree.body:
            if isinstance(node, ast.Import):
                out += [a.name for a in node.names]
            elif isinstance(node, ast.ImportFrom) and node.module and not node.level:
                out.append(node.module)
                out += [f"{node.module}.{a.name}" for a in node.names if a.name != "*"]
    return list(dict.fromkeys(out))


def warm(modules: list[str], data_spec: str | None = None, load_data: bool = False) -> None:
    """Run in the kernel at start-up: import ``modules`` and fill the loader's memory cache for ``data_spec``.

    Nothing is bound in the user's namespace. A module that fails to import is skipped: the notebook's own import
    then fails with its usual message, in its own cell.
    """
    for m in modules:
        with contextlib.suppress(Exception):
            parent = m.rpartition(".")[0]
            if parent and importlib.util.find_spec(parent) is not None and importlib.util.find_spec(m) is None:
                continue  # `from pkg import name` where name is not a module
            importlib.import_module(m)
    if load_data:
        with contextlib.suppress(Exception):
            from analysis.data import dataset  # deferred: runs in the kernel only, at its start-up

            dataset.load(data_spec or None)


def startup_arguments(sources: list[str], data_spec: str | None) -> list[str]:
    """The kernel's extra command-line arguments that run :func:`warm` for a notebook with these code cells."""
    modules = imported_modules(sources)
    load_data = any(m == "analysis.data.dataset" for m in modules)
    line = f"__import__('analysis.reporting.kernels').reporting.kernels.warm({modules!r}, {data_spec!r}, {load_data})"
    return [f"--IPKernelApp.exec_lines={line}"]


def start(cwd: str, kernel_name: str, extra_arguments: list[str], fork: bool = True):
    """Start a kernel (not waiting for it to be ready) and return its manager, for ``papermill ... km=``; forked
    from the batch's fork server if one runs and ``fork``, else a new process."""
    from jupyter_client.manager import AsyncKernelManager
    from jupyter_core.utils import run_sync

    km = AsyncKernelManager(kernel_name=kernel_name)
    sock = os.environ.get(FORK_SERVER_SOCKET) if fork else None
    if sock and km.kernel_spec is not None:  # a fork server runs for this batch: fork the kernel from it
        argv = list(km.kernel_spec.argv)
        if argv and argv[0] in ("python", f"python{sys.version_info[0]}", "python{}.{}".format(*sys.version_info[:2])):
            argv[0] = sys.executable  # as jupyter_client does for a plain `python`: this environment's interpreter
        if "ipykernel_launcher" in argv:
            km.kernel_spec.argv = [sys.executable, "-I", "-S", str(SHIM), sock, "--", *argv]
    run_sync(km.start_kernel)(cwd=cwd, extra_arguments=extra_arguments)
    return km


def died_starting(exc: BaseException) -> bool:
    """The kernel exited before it answered its first request (jupyter_client's ``wait_for_ready``): no cell has
    run, so the notebook can be run again on a new kernel. Seen when two kernels raced for the same port (a start
    is given five free ports that another process may take before the kernel binds them)."""
    return isinstance(exc, RuntimeError) and str(exc).startswith("Kernel died before replying to kernel_info")


def stop(km) -> None:
    """Stop a kernel at once (it served its one notebook) and release its ports and connection file."""
    from jupyter_core.utils import run_sync

    with contextlib.suppress(Exception):
        run_sync(km.shutdown_kernel)(now=True)  # also removes its connection file

