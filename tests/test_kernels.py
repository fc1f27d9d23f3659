"""Kernels forked from their worker through jupyter_client's provisioner API (issue 25, item 4): they run, they are
really forks of the worker with the runner's imports, signals reach them, they never outlive the worker, a process
running a second OS thread is not forked from, and otherwise (switched off, off Linux, no waiting child) the kernel
command starts as usual. Each case runs in a fresh process standing in for a worker, as a worker is: one OS thread
when it forks. (That forked kernels give byte-identical reports is in tests/test_batch.py.)"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest
from jupyter_core.utils import run_sync

from analysis.reporting import kernels
from analysis.reporting.planning import KERNEL

pytestmark = pytest.mark.skipif(not kernels.fork_enabled(), reason="forked kernels: Linux only")

# A worker: the runner's preload, then the waiting child, then the kernel started through the kernel manager.
WORKER = """
import json, os, sys, time
from jupyter_core.utils import run_sync
from analysis.reporting import kernels
from analysis.reporting.planning import KERNEL

one_thread = kernels.preload(["json", "numpy", "scipy.stats"], None)
kernels.fork_child(-1, os.getcwd())
waiting = kernels._waiting
km = kernels.manager(KERNEL, True)
run_sync(km.start_kernel)(cwd=os.getcwd())
kc = km.blocking_client()
kc.start_channels()
kc.wait_for_ready(timeout=60)

def run(code):
    out = []
    reply = kc.execute_interactive(code, timeout=60, output_hook=lambda m: out.append(m["content"].get("text", "")))
    return reply["content"]["status"], "".join(out)

def say(**kw):
    print(json.dumps(kw), flush=True)
"""


def _worker(tmp_path: Path, body: str) -> subprocess.Popen:
    script = tmp_path / "worker.py"
    script.write_text(WORKER + textwrap.dedent(body))
    return subprocess.Popen([sys.executable, str(script)], cwd=tmp_path, stdout=subprocess.PIPE, text=True)


def _said(proc: subprocess.Popen) -> dict:
    """The worker's next JSON line (its kernel writes to the same standard output, as it writes to a worker's log)."""
    for line in proc.stdout:
        if line.startswith("{"):
            return json.loads(line)
    raise AssertionError(f"the worker said nothing (exit status {proc.wait(timeout=60)})")


def _alive(pid: int) -> bool:
    """The process exists and is not a zombie."""
    try:
        return Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0] != "Z"
    except (OSError, IndexError):
        return False


def _gone_within(pid: int, seconds: float) -> bool:
    deadline = time.monotonic() + seconds
    while _alive(pid) and time.monotonic() < deadline:
        time.sleep(0.1)
    return not _alive(pid)


def test_the_kernel_is_a_fork_of_its_worker_started_through_the_provisioner_api(tmp_path):
    """The kernel manager's provisioner is ours, named in the kernel spec's metadata; the kernel command is left as
    the spec gives it; the kernel is the worker's child and has the runner's imports; jupyter_client holds the
    kernel's own pid; stopping the kernel manager ends and reaps it."""
    proc = _worker(tmp_path, """
        status, text = run("import os, sys; print(os.getpid(), os.getppid(), 'numpy' in sys.modules, sys.argv[0], "
                           "os.getcwd() == sys.path[0])")
        pid, ppid, numpy, argv0, cwd = text.split()
        prov = km.provisioner
        say(one_thread=one_thread, status=status, pid=int(pid), ppid=int(ppid), me=os.getpid(), numpy=numpy,
            argv0=argv0, cwd=cwd, ours=isinstance(prov, kernels.ForkProvisioner), held=prov.pid,
            name=km.kernel_spec.metadata["kernel_provisioner"]["provisioner_name"], argv=km.kernel_spec.argv[1:3])
        kc.stop_channels()
        kernels.stop(km)
        say(reaped=waiting.returncode is not None)
    """)
    try:
        got = _said(proc)
        assert got["one_thread"] and got["status"] == "ok" and got["ours"] and got["name"] == kernels.PROVISIONER
        assert got["argv"] == ["-m", "ipykernel_launcher"]
        assert got["ppid"] == got["me"] and got["held"] == got["pid"]
        assert [got["numpy"], got["argv0"], got["cwd"]] == ["True", "ipykernel_launcher", "True"]
        assert _said(proc)["reaped"] and _gone_within(got["pid"], 10)
        assert proc.wait(timeout=60) == 0
    finally:
        proc.kill()


def test_interrupt_reaches_the_forked_kernel(tmp_path):
    proc = _worker(tmp_path, """
        msg_id = kc.execute("import time; time.sleep(120)")
        t0 = time.monotonic()  # interrupt only once the cell runs (an interrupt before that is ignored by ipykernel)
        while time.monotonic() - t0 < 60:
            msg = kc.get_iopub_msg(timeout=60)
            if msg["msg_type"] == "execute_input" and msg["parent_header"].get("msg_id") == msg_id:
                break
        time.sleep(0.5)
        run_sync(km.interrupt_kernel)()
        reply = kc.get_shell_msg(timeout=30)
        while reply["parent_header"].get("msg_id") != msg_id:
            reply = kc.get_shell_msg(timeout=30)
        say(status=reply["content"]["status"], ename=reply["content"].get("ename"), t=time.monotonic() - t0)
        kc.stop_channels()
        kernels.stop(km)
    """)
    try:
        got = _said(proc)
        assert got["status"] == "error" and got["ename"] == "KeyboardInterrupt" and got["t"] < 60
    finally:
        proc.kill()


def test_the_kernel_dies_with_its_worker(tmp_path):
    """kill -9 of the worker (the OOM killer, a timeout's kill): its kernel goes too (parent-death signal)."""
    proc = _worker(tmp_path, """
        status, text = run("import os; print(os.getpid())")
        say(pid=int(text))
        time.sleep(120)
    """)
    try:
        pid = _said(proc)["pid"]
        assert _alive(pid)
        proc.send_signal(signal.SIGKILL)
        proc.wait(timeout=10)
        assert _gone_within(pid, 10), "a forked kernel outlived its worker"
    finally:
        proc.kill()


def test_an_unused_waiting_child_ends_without_becoming_a_kernel(tmp_path):
    """A worker that starts its kernel from the command (or none) leaves no process behind: the child ends when the
    pipe closes without a request, and when its worker dies."""
    script = tmp_path / "unused.py"
    script.write_text(textwrap.dedent("""
        import json, os, time
        from analysis.reporting import kernels
        kernels.fork_child(-1, os.getcwd())
        child = kernels._waiting
        os.close(child._w)
        print(json.dumps({"code": child.wait()}), flush=True)
        kernels.fork_child(-1, os.getcwd())
        print(json.dumps({"pid": kernels._waiting.pid}), flush=True)
        time.sleep(120)
    """))
    proc = subprocess.Popen([sys.executable, str(script)], stdout=subprocess.PIPE, text=True)
    try:
        assert _said(proc) == {"code": 0}
        pid = _said(proc)["pid"]
        proc.send_signal(signal.SIGKILL)
        proc.wait(timeout=10)
        assert _gone_within(pid, 10)
    finally:
        proc.kill()


@pytest.mark.parametrize("fork", [False, True])
def test_without_a_waiting_child_the_kernel_command_starts_as_usual(tmp_path, fork):
    """Switched off, or asked to fork where no child waits (this test process forked none): the command runs."""
    assert kernels._waiting is None
    km = kernels.manager(KERNEL, fork)
    run_sync(km.start_kernel)(cwd=str(tmp_path))
    try:
        kc = km.blocking_client()
        kc.start_channels()
        kc.wait_for_ready(timeout=60)
        out = []
        kc.execute_interactive("import os; print(os.getppid())", timeout=60,
                               output_hook=lambda m: out.append(m["content"].get("text", "")))
        kc.stop_channels()
        assert int("".join(out)) == os.getpid()  # started by us, from its command
        assert not isinstance(km.provisioner, kernels.ForkProvisioner)
    finally:
        kernels.stop(km)


def test_off_linux_no_kernel_is_forked(monkeypatch):
    monkeypatch.setattr(sys, "platform", "darwin")
    assert not kernels.fork_enabled()
    monkeypatch.setattr(sys, "platform", "linux")
    monkeypatch.setenv(kernels.FORK_ENV, "0")
    assert not kernels.fork_enabled()


def test_no_fork_from_a_process_that_runs_a_second_os_thread(tmp_path):
    """Forking a process with threads copies only the calling thread: a lock another thread held stays locked in
    the child. Python's threading.active_count() does not see threads started by C libraries (numpy's OpenBLAS
    starts them at import: three OS threads for one Python thread), so the count is /proc/self/task's. A module
    that starts a thread threading does not know of (as a C library does) keeps the runner from forking kernels;
    numpy's and scipy's thread pools do not (preload stops them with a first fork)."""
    (tmp_path / "starts_a_thread.py").write_text("import _thread, time\n_thread.start_new_thread(time.sleep, (600,))\n")
    code = ("import json, os; from analysis.reporting import kernels; a = kernels.preload(['numpy', 'scipy.stats'], "
            "None); b = kernels.preload(['starts_a_thread'], None); kernels.fork_child(-1, os.getcwd()); "
            "print(json.dumps([a, b, kernels._waiting is None]))")
    env = dict(os.environ, PYTHONPATH=f"{tmp_path}{os.pathsep}{os.environ.get('PYTHONPATH', '')}")
    done = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True, timeout=120)
    assert json.loads(done.stdout) == [True, False, True], done.stderr


def test_preload_skips_modules_bound_to_a_running_kernel():
    mods = kernels.preload_modules(["import ipywidgets as w\nimport pandas as pd\nfrom IPython.display import HTML",
                                    "from analysis.data import dataset\nfrom . import local\nimport numpy"])
    assert mods[:4] == ["pandas", "analysis.data", "analysis.data.dataset", "numpy"]
    assert "scipy.stats" in mods and not [m for m in mods if m.split(".")[0] in ("ipywidgets", "IPython")]
