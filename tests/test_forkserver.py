"""Kernels forked from the batch's fork server (issue 18): they run, they are really forks of the server, signals
reach them, and they never outlive their stand-in or the server; without a server the kernel starts as usual.
(That forked kernels give byte-identical reports is in tests/test_batch.py.)"""

from __future__ import annotations

import os
import signal
import sys
import time
from pathlib import Path

import pytest

from analysis.reporting import forkserver, kernels
from analysis.reporting.planning import KERNEL

pytestmark = pytest.mark.skipif(not sys.platform.startswith("linux") or not hasattr(os, "pidfd_open"),
                                reason="fork server: Linux only")


def _alive(pid: int) -> bool:
    """The process exists and is not a zombie."""
    try:
        return Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0] != "Z"
    except (OSError, IndexError):
        return False


def _gone_within(pid: int, seconds: float) -> bool:
    t0 = time.monotonic()
    while time.monotonic() - t0 < seconds:
        if not _alive(pid):
            return True
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


@pytest.fixture
def server(tmp_path):
    with forkserver.running(["json"], None, dict(os.environ)) as proc:
        assert proc is not None, "the fork server did not start"
        assert os.environ[forkserver.ENV]
        yield proc
    assert forkserver.ENV not in os.environ


def _pids(km) -> tuple[int, int]:
    content, text = _run(km, "import os; print(os.getpid(), os.getppid())")
    assert content["status"] == "ok", content
    pid, ppid = map(int, text.split())
    return pid, ppid


def test_kernel_is_a_fork_of_the_server_and_dies_with_its_stand_in(server, tmp_path):
    km = kernels.start(str(tmp_path), KERNEL, [])
    try:
        pid, ppid = _pids(km)
        assert ppid == server.pid  # forked from the server, not started by us
        assert km.provisioner.process.pid != pid  # jupyter_client holds the stand-in
        content, text = _run(km, "import sys; print('json' in sys.modules, sys.argv[0])")
        assert text.split() == ["True", "ipykernel_launcher"]
    finally:
        kernels.stop(km)  # kills the stand-in at once: the server must kill the kernel
    assert _gone_within(pid, 10), "the forked kernel outlived its stand-in"


def test_interrupt_reaches_the_forked_kernel(server, tmp_path):
    km = kernels.start(str(tmp_path), KERNEL, [])
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
        from jupyter_core.utils import run_sync

        run_sync(km.interrupt_kernel)()
        reply = kc.get_shell_msg(timeout=30)
        while reply["parent_header"].get("msg_id") != msg_id:
            reply = kc.get_shell_msg(timeout=30)
        kc.stop_channels()
        assert reply["content"]["status"] == "error" and reply["content"]["ename"] == "KeyboardInterrupt"
    finally:
        kernels.stop(km)


def test_kernels_die_with_the_server(server, tmp_path):
    km = kernels.start(str(tmp_path), KERNEL, [])
    try:
        pid, _ = _pids(km)
        server.send_signal(signal.SIGKILL)
        assert _gone_within(pid, 10), "a forked kernel outlived the fork server"
    finally:
        kernels.stop(km)


def test_without_a_server_the_kernel_starts_as_usual(tmp_path, monkeypatch):
    monkeypatch.setenv(forkserver.ENV, str(tmp_path / "no-such-socket"))
    km = kernels.start(str(tmp_path), KERNEL, [])
    try:
        pid, ppid = _pids(km)
        assert ppid == os.getpid()  # the stand-in became the usual kernel command, started by us
        assert km.provisioner.process.pid == pid
    finally:
        kernels.stop(km)


def test_preload_skips_modules_bound_to_a_running_kernel():
    mods = forkserver.preload_modules(["import ipywidgets as w\nimport pandas as pd\nfrom IPython.display import HTML"])
    assert "pandas" in mods and "scipy.stats" in mods
    assert not [m for m in mods if m.split(".")[0] in ("ipywidgets", "IPython")]


def _fake_server(path: str, answer):
    """A one-request stand-in for the fork server on ``path``: reads the request, then calls ``answer(conn)``."""
    import socket
    import threading

    listener = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    listener.bind(path)
    listener.listen(1)

    def serve():
        conn, _ = listener.accept()
        with conn:
            data, fds, _, _ = socket.recv_fds(conn, 1 << 20, 3)
            for fd in fds:
                os.close(fd)
            size = int.from_bytes(data[:8], "big")
            while len(data) - 8 < size:
                data += conn.recv(1 << 20)
            answer(conn)
        listener.close()

    thread = threading.Thread(target=serve, daemon=True)
    thread.start()
    return thread


def test_the_stand_in_waits_for_a_slow_server_and_never_starts_a_second_kernel(tmp_path, monkeypatch):
    """CI saw a kernel die before replying to kernel_info on a loaded machine. The stand-in used to give up on a
    server slower than its time-out and start the usual kernel itself, while the server could still fork one for
    the same connection file: two kernels racing for the same ports. Once its request is sent, it waits."""
    from analysis.reporting import forkshim

    monkeypatch.setattr(forkshim, "CONNECT_TIMEOUT_S", 0.2)
    path = str(tmp_path / "s")
    thread = _fake_server(path, lambda conn: (time.sleep(1.0), conn.sendall(b'{"pid": 4242}\n')))
    assert forkshim.ask(path, ["-f", "kernel.json"]) == 4242  # after 1 s, five times the time-out
    thread.join(5)


def test_the_stand_in_starts_the_usual_kernel_only_when_none_was_forked(tmp_path):
    """No server (nothing listening), or a server that closes the connection without an answer (it does so only
    when it has not forked): the stand-in may start the kernel itself."""
    from analysis.reporting import forkshim

    with pytest.raises(forkshim.NoServer):
        forkshim.ask(str(tmp_path / "nobody"), ["-f", "kernel.json"])
    path = str(tmp_path / "s")
    thread = _fake_server(path, lambda conn: None)
    with pytest.raises(forkshim.NoServer, match="closed the connection"):
        forkshim.ask(path, ["-f", "kernel.json"])
    thread.join(5)
