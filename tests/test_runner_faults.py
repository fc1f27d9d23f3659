"""Issue 13, items 1-2 and 6: the report runner under faults. A killed run never blocks the next one, a dead worker
fails only its own report, interrupts end quickly and cleanly, and nothing in --out that we did not make is ever
touched. The process tests run the CLI in a subprocess on tiny fixture notebooks (tests/fixtures/notebooks)."""

from __future__ import annotations

import errno
import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from analysis.cli.main import main
from analysis.errors import AtlasError, UsageError
from analysis.reporting import execution, manifests, output_folder, planning, reports, workers
from tests.conftest import report_files as files
from tests.conftest import use_fixture_notebooks

pytestmark = pytest.mark.slow


@pytest.fixture
def nbdir(tmp_path, monkeypatch):
    return use_fixture_notebooks(tmp_path, monkeypatch, "demo", "slow")


def marked_processes(run_id: str | None = None) -> list[int]:
    """Processes (kernels) whose environment carries a report-run marker."""
    found = []
    for d in os.listdir("/proc"):
        if not d.isdigit():
            continue
        try:
            env = Path(f"/proc/{d}/environ").read_bytes()
        except OSError:
            continue
        if f"{workers.RUN_ENV}={run_id or ''}".encode() in env:
            found.append(int(d))
    return found


def children(pid: int) -> list[int]:
    out = []
    for d in os.listdir("/proc"):
        if d.isdigit():
            try:
                stat = Path(f"/proc/{d}/stat").read_text()
            except OSError:
                continue
            if int(stat.rsplit(")", 1)[1].split()[1]) == pid:
                out.append(int(d))
    return out


def default_sigint() -> None:
    """Undo an inherited 'ignore SIGINT' (a test run started in the background): the CLI must see Ctrl-C."""
    signal.signal(signal.SIGINT, signal.SIG_DFL)


def start(out: Path, *args: str) -> subprocess.Popen:
    cmd = [sys.executable, "-m", "analysis", "report", "--out", str(out), *args]
    return subprocess.Popen(cmd, env=dict(os.environ), stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                            start_new_session=True, preexec_fn=default_sigint)


def wait_for(cond, timeout: float = 120.0) -> None:
    deadline = time.monotonic() + timeout
    while not cond():
        if time.monotonic() > deadline:
            raise AssertionError("timed out")
        time.sleep(0.2)


def building(out: Path, name: str) -> bool:
    w = out / reports.WORK_DIR
    return w.is_dir() and any(p.name.startswith(f"tmp-{name}.") for p in w.iterdir())


def kernels_of(name: str, run: str | None = None) -> list[int]:
    """Kernels of one report (of the run whose marker starts with ``run``, e.g. ``f"{pid}-"``, if given)."""
    out = []
    for k in marked_processes(run):
        try:
            if f"/{name}\0".encode() in Path(f"/proc/{k}/environ").read_bytes():
                out.append(k)
        except OSError:
            pass
    return out


def no_temp(out: Path) -> bool:
    w = out / reports.WORK_DIR
    return not w.exists() or not [p.name for p in w.iterdir() if p.name.startswith(("tmp-", "old-", "log-"))]


@pytest.mark.skipif(not Path("/proc/self/stat").exists(), reason="needs Linux /proc")
def test_kill_9_of_the_runner_never_blocks_the_next_run(nbdir, tmp_path):
    """Before: the orphaned pool workers kept .lock and every later run was refused, naming the dead pid."""
    out = tmp_path / "reports"
    proc = start(out, "slow", "-p", "seconds=60", "--jobs", "1")
    wait_for(lambda: building(out, "slow"))
    wait_for(lambda: kernels_of("slow", f"{proc.pid}-"))
    time.sleep(2)  # the kernel is in the sleeping cell
    workers = children(proc.pid)
    assert workers
    os.kill(proc.pid, signal.SIGKILL)
    proc.wait(timeout=10)
    # the workers die with their parent (parent-death signal), and their kernels with them
    wait_for(lambda: not any(Path(f"/proc/{w}").exists() for w in workers), timeout=10)
    wait_for(lambda: not marked_processes(f"{proc.pid}-"), timeout=10)
    done = subprocess.run([sys.executable, "-m", "analysis", "report", "demo", "--out", str(out), "--jobs", "1"],
                          capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr
    assert (out / "demo" / "manifest.json").is_file()
    assert no_temp(out)  # the dead run's temp folder was removed by the next run
    assert not (out / "slow").exists()


@pytest.mark.skipif(not Path("/proc/self/stat").exists(), reason="needs Linux /proc")
def test_a_dead_worker_fails_only_its_own_report(nbdir, tmp_path):
    """Before: kill -9 of one worker (what the OOM killer does) aborted the batch with BrokenProcessPool."""
    out = tmp_path / "reports"
    proc = start(out, "slow", "demo", "-p", "seconds=60", "--jobs", "2")
    wait_for(lambda: building(out, "slow"))
    wait_for(lambda: kernels_of("slow", f"{proc.pid}-"))
    time.sleep(2)
    slow_kernel = kernels_of("slow", f"{proc.pid}-")
    worker = int(Path(f"/proc/{slow_kernel[0]}/stat").read_text().rsplit(")", 1)[1].split()[1])
    os.kill(worker, signal.SIGKILL)
    _, err = proc.communicate(timeout=180)
    assert proc.returncode == 1, err
    assert "slow: the worker running it died (signal SIGKILL" in err
    assert "Traceback" not in err
    assert (out / "demo" / "manifest.json").is_file()  # the other report still built
    assert not (out / "slow").exists()
    assert no_temp(out)
    wait_for(lambda: not marked_processes(f"{proc.pid}-"), timeout=10)


@pytest.mark.skipif(not Path("/proc/self/stat").exists(), reason="needs Linux /proc")
@pytest.mark.parametrize("sig", [signal.SIGINT, signal.SIGHUP, signal.SIGTERM])
def test_interrupt_exits_quickly_without_leftovers(nbdir, tmp_path, sig):
    """Before: Ctrl-C took 17-34 s (and once in 15 leaked a DeadKernelError traceback); SIGHUP left temp folders
    until the next run. Promise: exit within 3 s (timed here with slack for a loaded test machine), kernels stopped,
    one line, no temporary entries."""
    out = tmp_path / "reports"
    proc = start(out, "slow", "-p", "seconds=60", "--jobs", "1")
    wait_for(lambda: building(out, "slow"))
    wait_for(lambda: kernels_of("slow", f"{proc.pid}-"))
    time.sleep(2)
    t0 = time.monotonic()
    proc.send_signal(sig)
    _, err = proc.communicate(timeout=60)
    elapsed = time.monotonic() - t0
    assert elapsed < 10.0, elapsed  # under the 17 s it took before even on a machine loaded 2-3x (CI has been)
    assert proc.returncode != 0
    assert "Traceback" not in err and "interrupted" in err, err
    assert no_temp(out)
    wait_for(lambda: not marked_processes(f"{proc.pid}-"), timeout=3)


def test_stale_lock_record_is_taken_over(nbdir, tmp_path):
    out = tmp_path / "reports"
    out.mkdir()
    lock = output_folder.work_dir(out) / output_folder.LOCK
    lock.write_text("999999999 12345\n")  # a run that is long gone
    assert reports.run_reports(["demo"], out=out, jobs=1)[0].status == "ok"
    pid, startt = lock.read_text().split()
    assert int(pid) == os.getpid()


def test_foreign_files_in_out_are_never_touched(nbdir, tmp_path):
    """Before: .tmp-my-thesis/ and .kernel-config.log were deleted, .old-notes-2024/ renamed to notes/, and a
    .lock symlink followed and its target overwritten."""
    out = tmp_path / "reports"
    out.mkdir()
    (out / ".tmp-my-thesis").mkdir()
    (out / ".tmp-my-thesis" / "chapter1.tex").write_text("my thesis")
    (out / ".kernel-config.log").write_text("my config")
    (out / ".old-notes-2024").mkdir()
    (out / ".old-notes-2024" / "n.txt").write_text("notes")
    (out / ".old-demo-123").mkdir()  # looks like an old backup of ours by prefix, but is not in our folder
    target = tmp_path / "precious.txt"
    target.write_text("precious")
    (out / ".lock").symlink_to(target)
    (out / "notes").mkdir()
    (out / "notes" / "manifest.json").write_text('{"name": "my web app", "icons": []}')  # a foreign manifest
    (out / "manifest.json").write_text("{}")
    before = files(out)
    res = reports.run_reports(["demo"], out=out, jobs=1)
    assert [r.status for r in res] == ["ok"], res[0].message
    after = files(out)
    for rel, data in before.items():
        assert after.get(rel) == data, rel
    assert target.read_text() == "precious" and (out / ".lock").is_symlink()
    assert not (out / "notes" / "manifest.json").read_text().startswith('{\n  "content_hash"')
    index = (out / "index.html").read_text()
    assert "demo-line" in index and "my web app" not in index  # foreign manifest ignored, no KeyError
    assert reports.run_reports(["demo"], out=out, jobs=1)[0].status == "skipped"
    assert not [p for p in out.iterdir() if p.name.startswith(".frontier-atlas-tmp")]


def test_a_foreign_folder_named_like_a_report_is_left_alone(nbdir, tmp_path, capsys):
    out = tmp_path / "reports"
    (out / "demo").mkdir(parents=True)
    (out / "demo" / "mine.txt").write_text("mine")
    code = main(["report", "demo", "--out", str(out)])
    err = capsys.readouterr().err
    assert code == 1 and "is not a report made by frontier-atlas; left alone" in err
    assert files(out / "demo") == {"mine.txt": b"mine"}


@pytest.mark.parametrize("what", ["file", "symlink", "foreign folder"])
def test_our_private_folder_name_taken_is_a_clear_error(nbdir, tmp_path, what):
    out = tmp_path / "reports"
    out.mkdir()
    w = out / reports.WORK_DIR
    if what == "file":
        w.write_text("x")
    elif what == "symlink":
        (tmp_path / "elsewhere").mkdir()
        w.symlink_to(tmp_path / "elsewhere")
    else:
        w.mkdir()
        (w / "data.txt").write_text("mine")
    with pytest.raises(AtlasError, match="not a folder made by frontier-atlas|was not made by frontier-atlas"):
        reports.run_reports(["demo"], out=out)
    assert not (tmp_path / "elsewhere").exists() or not any((tmp_path / "elsewhere").iterdir())


@pytest.mark.parametrize("what", ["directory", "symlink"])
def test_lock_that_is_not_a_file_is_a_clear_error(nbdir, tmp_path, capsys, what):
    """Before: `.lock` as a directory was an internal error; a `.lock` symlink was followed."""
    out = tmp_path / "reports"
    out.mkdir()
    lock = output_folder.work_dir(out) / output_folder.LOCK
    target = tmp_path / "target.txt"
    target.write_text("keep")
    if what == "directory":
        lock.mkdir()
    else:
        lock.symlink_to(target)
    code = main(["report", "demo", "--out", str(out)])
    err = capsys.readouterr().err
    assert code == 1 and "is not a lock file of ours" in err and "Traceback" not in err
    assert target.read_text() == "keep"


def test_empty_out_is_refused(nbdir, tmp_path, capsys, monkeypatch):
    """Before: `--out ''` wrote into the current folder."""
    monkeypatch.chdir(tmp_path)
    code = main(["report", "demo", "--out", ""])
    err = capsys.readouterr().err
    assert code == 2 and "--out ''" in err
    assert sorted(p.name for p in tmp_path.iterdir()) == ["notebooks"]


def test_out_that_is_a_file_is_refused(nbdir, tmp_path):
    f = tmp_path / "file"
    f.write_text("x")
    with pytest.raises(UsageError, match="not a folder"):
        reports.run_reports(["demo"], out=f)


def test_damaged_or_missing_report_files_are_rebuilt(nbdir, tmp_path):
    """Before: a report whose files were damaged by hand was still 'unchanged'."""
    out = tmp_path / "reports"
    assert reports.run_reports(["demo"], out=out, jobs=1)[0].status == "ok"
    good = files(out / "demo")
    m = json.loads((out / "demo" / "manifest.json").read_text())
    assert set(m["files"]) == set(good) - {"manifest.json"}
    (out / "demo" / "tables" / "demo-line.csv").write_text("x,y\n0,999\n")
    assert reports.run_reports(["demo"], out=out, jobs=1)[0].status == "ok"
    assert files(out / "demo") == good
    (out / "demo" / "figures" / "demo-line.png").unlink()
    assert reports.run_reports(["demo"], out=out, jobs=1)[0].status == "ok"
    assert files(out / "demo") == good
    assert reports.run_reports(["demo"], out=out, jobs=1)[0].status == "skipped"


def test_duplicate_names_are_built_once(nbdir, tmp_path):
    """Before: `report demo demo` raced two workers on one temp folder."""
    res = reports.run_reports(["demo", "demo", "demo"], out=tmp_path / "reports", jobs=3)
    assert [(r.name, r.status) for r in res] == [("demo", "ok")]


def test_full_disk_while_writing_the_index_leaves_no_partial_file(nbdir, tmp_path, monkeypatch, capsys):
    """Before: a full disk while writing index.html left a partial `.index.html.tmp`."""
    out = tmp_path / "reports"
    assert reports.run_reports(["demo"], out=out, jobs=1)[0].status == "ok"
    index = (out / "index.html").read_bytes()
    real = os.write

    def full(fd, data):
        if "index.html" in os.readlink(f"/proc/self/fd/{fd}"):
            raise OSError(errno.ENOSPC, "No space left on device")
        return real(fd, data)

    if not Path("/proc/self/fd").exists():
        pytest.skip("needs /proc/self/fd")
    monkeypatch.setattr(os, "write", full)
    code = main(["report", "demo", "--out", str(out), "--force"])
    err = capsys.readouterr().err
    monkeypatch.undo()
    assert code == 1 and "index.html: no space left on device (disk full)" in err and "Traceback" not in err
    assert (out / "index.html").read_bytes() == index
    assert sorted(p.name for p in out.iterdir() if p.name not in ("demo", "index.html", reports.WORK_DIR)) == []


@pytest.mark.parametrize("value", ["99999999999999999999999", "-5", "1e9", "253402300800"])
def test_bad_source_date_epoch_is_refused_up_front(nbdir, tmp_path, monkeypatch, capsys, value):
    """Before: an overflowing SOURCE_DATE_EPOCH was an internal error after every report had run."""
    monkeypatch.setenv("SOURCE_DATE_EPOCH", value)
    code = main(["report", "demo", "--out", str(tmp_path / "reports")])
    err = capsys.readouterr().err
    assert code == 2 and "SOURCE_DATE_EPOCH" in err and "Traceback" not in err
    assert not (tmp_path / "reports").exists()


def test_source_date_epoch_sets_the_citation_year(monkeypatch):
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1700000000")  # 2023-11-14T22:13:20Z
    assert manifests.citation_year() == "2023"


@pytest.mark.parametrize("notebook, override", [("explore", "subset=bogus"),
                                                ("data-requirements", "wall_subset=all"),
                                                ("data-requirements", "approach=hoffmann-9")])
def test_fixed_vocabulary_parameters_are_checked_up_front(tmp_path, monkeypatch, notebook, override):
    """Before: `-p subset=bogus` failed late, inside the notebook."""
    monkeypatch.setattr(planning, "NOTEBOOKS", reports.ROOT / "notebooks")
    key = override.split("=")[0]
    with pytest.raises(UsageError, match=f"-p {key}=.*expected one of"):
        reports.run_reports([notebook], out=tmp_path / "reports", overrides=[override])
    assert not (tmp_path / "reports").exists()


def test_fifo_as_data_is_refused_before_anything_runs(nbdir, tmp_path):
    """Before: a FIFO given as --data hung `report` (hashing it blocked)."""
    fifo = tmp_path / "models.csv"
    os.mkfifo(fifo)
    with pytest.raises(UsageError, match="named pipe"):
        reports.run_reports(["demo"], out=tmp_path / "reports", data_spec=str(fifo))


@pytest.mark.skipif(not Path("/proc/self/stat").exists(), reason="needs Linux /proc")
def test_a_cell_over_the_time_limit_fails_only_its_report(nbdir, tmp_path):
    """Before: no limit; a cell that never returned (a hung kernel) held `make reports` and CI forever."""
    out = tmp_path / "reports"
    t0 = time.monotonic()
    proc = start(out, "slow", "demo", "-p", "seconds=600", "--jobs", "2", "--timeout", "20")
    _, err = proc.communicate(timeout=300)
    assert time.monotonic() - t0 < 200, err  # stopped at the limit (20 s + 30 s grace), not after the 600 s sleep
    assert proc.returncode == 1, err
    assert "slow: a cell ran longer than the time limit of 20 s and was stopped" in err, err
    assert "time.sleep(seconds)" in err, err  # the message shows which cell
    assert "Traceback" not in err
    assert (out / "demo" / "manifest.json").is_file()
    assert not (out / "slow").exists()
    assert no_temp(out)
    wait_for(lambda: not marked_processes(f"{proc.pid}-"), timeout=10)


@pytest.mark.skipif(not Path("/proc/self/stat").exists(), reason="needs Linux /proc")
def test_a_worker_hung_outside_a_cell_is_killed_at_the_limit(nbdir, tmp_path, monkeypatch):
    """A worker that hangs where no cell timeout reaches (kernel start-up or shutdown) is killed by the parent after
    the limit plus its grace; the batch goes on and nothing is left behind."""
    def hang(name, *args, **kwargs):
        if name == "slow":
            time.sleep(600)
        return real(name, *args, **kwargs)

    real = execution.run_one
    monkeypatch.setattr(execution, "run_one", hang)  # the workers are forked: they inherit the patched function
    monkeypatch.setattr(workers, "TIMEOUT_GRACE_S", 1.0)
    t0 = time.monotonic()
    res = reports.run_reports(["slow", "demo"], out=tmp_path / "reports", jobs=2, timeout=20)
    assert time.monotonic() - t0 < 150  # stopped at the limit (21 s), not after the hang's 600 s, on a loaded machine
    status = {r.name: r for r in res}
    assert status["demo"].status == "ok", status["demo"].message
    assert status["slow"].status == "failed"
    assert status["slow"].message.startswith("slow: stopped after "), status["slow"].message
    assert "over its time limit of 20 s" in status["slow"].message
    assert "where: File" in status["slow"].message and "in hang" in status["slow"].message  # the stack, innermost
    assert not (tmp_path / "reports" / "slow").exists()
    assert no_temp(tmp_path / "reports")


DIES = """import os, sys
count, deaths = sys.argv[1], int(sys.argv[2])
n = len(open(count).read()) if os.path.exists(count) else 0
with open(count, "a") as f:
    f.write("x")
if n < deaths:
    sys.exit(3)  # dies before it answers, as a kernel that lost the race for one of its ports does
os.execv(sys.executable, [sys.executable, "-m", "ipykernel_launcher", *sys.argv[3:]])
"""


@pytest.mark.parametrize("deaths", [1, 5])
def test_a_kernel_that_dies_before_it_answers_is_replaced_once(nbdir, tmp_path, monkeypatch, deaths):
    """CI saw "compute-trends: RuntimeError: Kernel died before replying to kernel_info" once, on a loaded machine:
    a kernel that exits before it answers has run no cell, so the report is run again on a new kernel, once. A
    kernel that keeps dying still fails its report, with that message. The kernel here is the project's kernel name
    pointed (JUPYTER_PATH) at a command that exits `deaths` times before it starts ipykernel."""
    count, script = tmp_path / "starts", tmp_path / "dies.py"
    script.write_text(DIES)
    spec = tmp_path / "jupyter" / "kernels" / planning.KERNEL
    spec.mkdir(parents=True)
    argv = [sys.executable, str(script), str(count), str(deaths), "-f", "{connection_file}"]
    (spec / "kernel.json").write_text(json.dumps({"argv": argv, "display_name": "dies", "language": "python"}))
    monkeypatch.setenv("JUPYTER_PATH", str(tmp_path / "jupyter"))
    [res] = reports.run_reports(["demo"], out=tmp_path / "reports", jobs=1)
    assert count.read_text() == "xx"  # started twice: the first died, the second is the retry; no third
    if deaths == 1:
        assert res.status == "ok", res.message
        assert (tmp_path / "reports" / "demo" / "manifest.json").is_file()
    else:
        assert res.status == "failed"
        assert res.message == "demo: RuntimeError: Kernel died before replying to kernel_info", res.message
        assert not (tmp_path / "reports" / "demo").exists()
    assert no_temp(tmp_path / "reports")


@pytest.mark.parametrize("value", ["0", "-5", "nan", "inf", "soon"])
def test_bad_timeout_is_a_usage_error(nbdir, tmp_path, monkeypatch, capsys, value):
    with pytest.raises(SystemExit) as exc:  # argparse refuses it: exit 2, one line
        main(["report", "demo", "--out", str(tmp_path / "r"), "--timeout", value])
    assert exc.value.code == 2
    assert "--timeout" in capsys.readouterr().err
    monkeypatch.setenv(execution.TIMEOUT_ENV, value)
    with pytest.raises(UsageError, match=execution.TIMEOUT_ENV):
        reports.run_reports(["demo"], out=tmp_path / "r")
    assert not (tmp_path / "r").exists()
