"""Interrupting `frontier-atlas report` (SIGINT, SIGTERM) leaves the previous reports intact and no temporary
folders behind; the user sees one line, not a traceback."""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

FIXTURES = Path(__file__).parent / "fixtures" / "notebooks"
pytestmark = pytest.mark.slow


def default_sigint() -> None:
    """Undo an inherited 'ignore SIGINT' (a test run started in the background): the CLI must see Ctrl-C."""
    signal.signal(signal.SIGINT, signal.SIG_DFL)


def snapshot(root: Path) -> dict[str, bytes]:
    return {str(p.relative_to(root)): p.read_bytes() for p in sorted(root.rglob("*")) if p.is_file()}


@pytest.mark.parametrize("sig", [signal.SIGINT, signal.SIGTERM])
def test_interrupt_keeps_previous_report(tmp_path, sig):
    nbdir = tmp_path / "notebooks"
    nbdir.mkdir()
    shutil.copy(FIXTURES / "slow.py", nbdir / "slow.py")
    env = dict(os.environ, FRONTIER_ATLAS_NOTEBOOKS=str(nbdir))
    out = tmp_path / "reports"
    cmd = [sys.executable, "-m", "analysis", "report", "--out", str(out), "--jobs", "1"]
    done = subprocess.run(cmd + ["-p", "seconds=0"], env=env, capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr
    before = snapshot(out / "slow")
    proc = subprocess.Popen(cmd + ["-p", "seconds=60"], env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                            text=True, preexec_fn=default_sigint)
    deadline = time.monotonic() + 120
    work = out / ".frontier-atlas"  # the runner's private folder: temp, backup and log entries live there
    while not any(p.name.startswith("tmp-") for p in work.iterdir()) and time.monotonic() < deadline:
        time.sleep(0.2)
    time.sleep(3)  # the kernel is running the sleeping cell now
    proc.send_signal(sig)
    _, err = proc.communicate(timeout=120)
    assert proc.returncode != 0
    assert "Traceback" not in err, err
    assert "interrupted" in err
    assert snapshot(out / "slow") == before
    leftovers = [p.name for p in out.iterdir() if p.name.startswith((".tmp-", ".old-", ".kernel-"))]
    leftovers += [p.name for p in work.iterdir() if p.name.startswith(("tmp-", "old-", "log-"))]
    assert leftovers == []
