"""Process lifetime, shared by the runner's workers, the fork server and the kernels forked from it."""

from __future__ import annotations

import contextlib
import os


def die_with_parent(parent: int, sig: int) -> None:
    """Linux: receive ``sig`` when the parent process dies (kill -9 included), via the parent-death signal; exit now
    if the parent (process id ``parent``) is already gone. Elsewhere the process is simply not tied to its parent
    (the workers also watch theirs from a thread)."""
    with contextlib.suppress(OSError, AttributeError):
        import ctypes  # deferred: Linux only, and only in the processes that call this

        ctypes.CDLL(None, use_errno=True).prctl(1, int(sig), 0, 0, 0)  # PR_SET_PDEATHSIG = 1
    if os.getppid() != parent:  # the parent died before prctl: do not outlive it
        os._exit(1)
