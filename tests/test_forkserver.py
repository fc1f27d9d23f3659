"""Kernels forked from the batch's fork server through jupyter_client's provisioner API (issue 25, item 4): they run,
they are really forks of the server, signals reach them, they never outlive the server, the server refuses to fork
while it runs a second OS thread, and without a server (or off Linux) the kernel command starts as usual. (That
forked kernels give byte-identical reports is in tests/test_batch.py.)"""

from __future__ import annotations

import os
import signal
import socket
import sys
import threading
import time
from pathlib import Path

import pytest
from jupyter_core.utils import run_sync

from analysis.reporting import kernels
from analysis.reporting.planning import KERNEL

pytestmark = pytest.mark.skipif(not kernels.fork_enabled(), reason="fork server: Linux only")


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


def _run(km, code: str, timeout: float = 60) -> tuple[dict, str]:
    """Execute ``code`` in the kernel; (the execute reply's content, its stdout)."""
    kc = km.blocking_client()
    kc.start_channels()
    try:
        kc.wait_for_ready(timeout=timeout)
        out = []
        reply = kc.execute_interactive(code, timeout=timeout,
                                       output_hook=lambda m: out.append(m["content"].get("text", "")))
        return reply["content"], "".join(out)
    finally:
        kc.stop_channels()


def _start(server: str | None, cwd: Path):
    km = kernels.manager(KERNEL, server)
    run_sync(km.start_kernel)(cwd=str(cwd))
    return km


@pytest.fixture
def server():
    srv = kernels.ForkServer(["json", "numpy", "scipy.stats"], None, dict(os.environ))
    try:
        assert srv.ready(), "the fork server did not start"
        yield srv
    finally:
        srv.close()
    assert not os.path.exists(srv.path) and not os.path.exists(srv.folder)


def _pids(km) -> tuple[int, int]:
    content, text = _run(km, "import os; print(os.getpid(), os.getppid())")
    assert content["status"] == "ok", content
    pid, ppid = map(int, text.split())
    return pid, ppid


def test_the_kernel_is_a_fork_of_the_server_started_through_the_provisioner_api(server, tmp_path):
    """The kernel manager's provisioner is ours, named in the kernel spec's metadata; the kernel command itself is
    left as the spec gives it (no stand-in spliced into argv); the kernel is the server's child and has the server's
    imports; jupyter_client holds the kernel's own pid; stopping the kernel manager ends it."""
    km = _start(server.path, tmp_path)
    try:
        assert isinstance(km.provisioner, kernels.ForkProvisioner)
        assert km.kernel_spec.metadata["kernel_provisioner"]["provisioner_name"] == kernels.PROVISIONER
        assert km.kernel_spec.argv[1:3] == ["-m", "ipykernel_launcher"]
        pid, ppid = _pids(km)
        assert ppid == server.proc.pid and km.provisioner.pid == pid
        _, text = _run(km, "import os, sys; print('numpy' in sys.modules, sys.argv[0], os.getcwd() == sys.path[0])")
        assert text.split() == ["True", "ipykernel_launcher", "True"]
    finally:
        kernels.stop(km)
    assert _gone_within(pid, 10), "the forked kernel outlived its kernel manager's shutdown"


def test_interrupt_reaches_the_forked_kernel(server, tmp_path):
    km = _start(server.path, tmp_path)
    try:
        kc = km.blocking_client()
        kc.start_channels()
        kc.wait_for_ready(timeout=60)
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
        kc.stop_channels()
        assert reply["content"]["status"] == "error" and reply["content"]["ename"] == "KeyboardInterrupt"
    finally:
        kernels.stop(km)


def test_kernels_die_with_the_server(server, tmp_path):
    km = _start(server.path, tmp_path)
    try:
        pid, _ = _pids(km)
        server.proc.send_signal(signal.SIGKILL)
        assert _gone_within(pid, 10), "a forked kernel outlived the fork server"
        deadline = time.monotonic() + 10  # and its kernel manager sees it gone
        while run_sync(km.is_alive)() and time.monotonic() < deadline:
            time.sleep(0.1)
        assert not run_sync(km.is_alive)()
    finally:
        kernels.stop(km)


@pytest.mark.parametrize("how", ["no server", "no provisioner named"])
def test_without_a_server_the_kernel_command_starts_as_usual(tmp_path, how):
    km = _start(str(tmp_path / "no-such-socket") if how == "no server" else None, tmp_path)
    try:
        pid, ppid = _pids(km)
        assert ppid == os.getpid() and km.provisioner.process.pid == pid  # started by us, from its command
    finally:
        kernels.stop(km)


def test_off_linux_no_kernel_is_forked(monkeypatch):
    monkeypatch.setattr(sys, "platform", "darwin")
    assert not kernels.fork_enabled()
    monkeypatch.setattr(sys, "platform", "linux")
    monkeypatch.setenv(kernels.FORK_ENV, "0")
    assert not kernels.fork_enabled()


def test_the_server_refuses_to_fork_while_it_runs_a_second_os_thread(tmp_path):
    """Forking a process with threads copies only the calling thread: a lock another thread held stays locked in
    the child. Python's threading.active_count() does not see threads started by C libraries (numpy's OpenBLAS
    starts them at import: three OS threads for one Python thread); the server counts /proc/self/task instead. A
    module that starts a thread threading does not know of (as a C library does) keeps it from forking; numpy's and
    scipy's thread pools do not (the fixture above imports both: the server stops them before it forks)."""
    (tmp_path / "starts_a_thread.py").write_text("import _thread, time\n_thread.start_new_thread(time.sleep, (600,))\n")
    env = dict(os.environ, PYTHONPATH=f"{tmp_path}{os.pathsep}{os.environ.get('PYTHONPATH', '')}")
    srv = kernels.ForkServer(["numpy", "starts_a_thread"], None, env)
    try:
        assert not srv.ready()
        assert srv.proc.wait(timeout=30) == 0  # it said why ("threads") and ended
    finally:
        srv.close()


def test_preload_skips_modules_bound_to_a_running_kernel():
    mods = kernels.preload_modules(["import ipywidgets as w\nimport pandas as pd\nfrom IPython.display import HTML",
                                    "from analysis.data import dataset\nfrom . import local\nimport numpy"])
    assert mods[:4] == ["pandas", "analysis.data", "analysis.data.dataset", "numpy"]
    assert "scipy.stats" in mods and not [m for m in mods if m.split(".")[0] in ("ipywidgets", "IPython")]


def _fake_server(path: str, answer):
    """A one-request stand-in for the fork server on ``path``: reads the request, then calls ``answer(conn)``."""
    listener = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    listener.bind(path)
    listener.listen(1)

    def serve():
        conn, _ = listener.accept()
        with conn:
            data, fds, _, _ = socket.recv_fds(conn, 1 << 20, 3)
            for fd in fds:
                os.close(fd)
            while not data.endswith(b"\n"):
                data += conn.recv(1 << 20)
            answer(conn)
        listener.close()

    thread = threading.Thread(target=serve, daemon=True)
    thread.start()
    return thread


def test_a_slow_server_is_waited_for_and_never_gets_a_second_kernel(tmp_path, monkeypatch):
    """Once the request is sent the server may fork at any moment: the provisioner waits for the answer beyond its
    connection time-out (a fallback would start a second kernel on the same connection file, two kernels racing
    for the same ports: "Kernel died before replying to kernel_info")."""
    path = str(tmp_path / "s")
    me = os.pidfd_open(os.getpid())

    def slow(conn):
        time.sleep(1.0)
        socket.send_fds(conn, [b"%d" % os.getpid()], [me])

    thread = _fake_server(path, slow)
    real = socket.socket.settimeout
    monkeypatch.setattr(socket.socket, "settimeout", lambda s, t: real(s, 0.2 if t == 30 else t))
    forked = kernels.Forked(path, ["-f", "kernel.json"], str(tmp_path), {})
    assert forked.pid == os.getpid() and forked.poll() is None  # after 1 s, five times the time-out
    thread.join(5)


def test_no_kernel_was_forked_when_the_server_closes_without_an_answer(tmp_path):
    with pytest.raises(OSError, match="forked no kernel|No such file"):
        kernels.Forked(str(tmp_path / "nobody"), ["-f", "kernel.json"], str(tmp_path), {})
    path = str(tmp_path / "s")
    thread = _fake_server(path, lambda conn: None)
    with pytest.raises(OSError, match="forked no kernel"):
        kernels.Forked(path, ["-f", "kernel.json"], str(tmp_path), {})
    thread.join(5)
