"""The report runner against what its users do (issues 13, 24 and 25): every case is named by what the user did, and
cases that share their check share a table. The process cases run the CLI in a subprocess on the tiny fixture
notebooks (tests/fixtures/notebooks); the promises are README's Guarantees (atomic reports, kill -9, Ctrl-C within
bounds, foreign files in --out, one writer per --out)."""

from __future__ import annotations

import errno
import fcntl
import hashlib
import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from analysis.data import schema
from analysis.errors import AtlasError, UsageError
from analysis.reporting import execution, output_folder, planning, reports, workers
from tests.conftest import GOOD_MODEL, use_fixture_notebooks, write_csv
from tests.conftest import report_files as files

LINUX = pytest.mark.skipif(not Path("/proc/self/stat").exists(), reason="needs Linux /proc")


@pytest.fixture
def nbdir(tmp_path, monkeypatch):
    return use_fixture_notebooks(tmp_path, monkeypatch, "demo", "slow", "reader")


def start(out: Path, *args: str) -> subprocess.Popen:
    """`frontier-atlas report --out OUT ARGS` in its own session, with Ctrl-C not ignored (a test run in the
    background inherits SIGINT ignored)."""
    return subprocess.Popen([sys.executable, "-m", "analysis", "report", "--out", str(out), *args], env=dict(os.environ),
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, start_new_session=True,
                            preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL))


def wait_for(cond, timeout: float = 120.0):
    deadline = time.monotonic() + timeout
    while not (found := cond()):
        if time.monotonic() > deadline:
            raise AssertionError("timed out")
        time.sleep(0.2)
    return found


def _proc(pid: int, what: str) -> str:
    try:
        return os.readlink(f"/proc/{pid}/{what}") if what == "cwd" else Path(f"/proc/{pid}/{what}").read_text()
    except OSError:
        return ""


def marked_processes(runner: int, out: Path) -> list[int]:
    """The run's processes besides the runner: those working in its private folder (workers while they build, the
    children that wait to become kernels, forked kernels: none of them exec'd, so the run's marker is not in their
    /proc environ) and those carrying the run's marker in their environment (kernels started from the command)."""
    needle, work = f"{workers.RUN_ENV}={runner}-".encode(), str(out / reports.WORK_DIR)
    return [int(d) for d in os.listdir("/proc") if d.isdigit()
            and (needle in _environ(int(d)) or _proc(int(d), "cwd").startswith(work))]


def _environ(pid: int) -> bytes:
    try:
        return Path(f"/proc/{pid}/environ").read_bytes()
    except OSError:
        return b""


def building(out: Path, name: str, runner: int) -> dict[str, int]:
    """The processes working in the build folder of report ``name``: its worker (a child of the runner) and its
    kernel (a process with the run's marker), by role; empty until both are there."""
    build, marked, found = str(out / reports.WORK_DIR / f"tmp-{name}.{runner}-"), marked_processes(runner, out), {}
    for pid in map(int, filter(str.isdigit, os.listdir("/proc"))):
        stat = _proc(pid, "stat").rsplit(")", 1)[-1].split()
        if _proc(pid, "cwd").startswith(build) and len(stat) > 1:
            role = "worker" if int(stat[1]) == runner else "kernel" if pid in marked else None
            found |= {role: pid} if role else {}
    return found if len(found) == 2 else {}


def no_temp(out: Path) -> bool:
    w = out / reports.WORK_DIR
    return not w.exists() or not [p.name for p in w.iterdir() if p.name.startswith(("tmp-", "old-", "log-"))]


# --- 1. The user stops or kills the run, or part of it, while reports build -------------------------------------

SIGNALS = {"pressed Ctrl-C": signal.SIGINT, "ran kill (SIGTERM)": signal.SIGTERM,
           "closed the terminal (SIGHUP)": signal.SIGHUP}


@LINUX
@pytest.mark.slow
@pytest.mark.parametrize("sig", SIGNALS.values(), ids=SIGNALS.keys())
def test_user_interrupts_the_run(nbdir, tmp_path, sig):
    """Before: Ctrl-C took 17-34 s (and once in 15 leaked a DeadKernelError traceback); SIGHUP left temp folders
    until the next run. Promise: exit within 3 s (timed here with slack for a loaded machine), one line, kernels
    stopped, no temporary entries."""
    out = tmp_path / "reports"
    proc = start(out, "slow", "demo", "-p", "seconds=60", "--jobs", "2")
    wait_for(lambda: building(out, "slow", proc.pid))
    time.sleep(2)  # the kernel is in its sleeping cell
    t0 = time.monotonic()
    proc.send_signal(sig)
    _, err = proc.communicate(timeout=60)
    assert time.monotonic() - t0 < 10.0  # under the 17 s it took before even on a machine loaded 2-3x
    assert proc.returncode == 130 and "Traceback" not in err and "error: interrupted" in err, err
    assert no_temp(out) and not (out / "slow").exists()
    wait_for(lambda: not marked_processes(proc.pid, out), timeout=3)


KILLS = {
    "killed the runner with kill -9": ("runner", None),
    "killed a report's worker with kill -9 (as the OOM killer does)": (
        "worker", "slow: the worker running it died (signal SIGKILL (killed: out of memory, or by hand)); the other "
                  "reports were not affected"),
    "killed a report's kernel with kill -9": ("kernel", "slow: DeadKernelError: "),
}


@LINUX
@pytest.mark.slow
@pytest.mark.parametrize("target, message", KILLS.values(), ids=KILLS.keys())
def test_user_kills_a_process_of_the_run(nbdir, tmp_path, target, message):
    """Before: the orphaned pool workers of a killed runner kept the lock and every later run was refused; kill -9
    of one worker aborted the batch with BrokenProcessPool. Now a killed runner takes its workers, kernels and fork
    server with it and the next run starts at once; a killed worker or kernel fails only its own report."""
    out = tmp_path / "reports"
    proc = start(out, "slow", "demo", "-p", "seconds=60", "--jobs", "2")
    pids = wait_for(lambda: building(out, "slow", proc.pid))
    time.sleep(2)  # the kernel is in its sleeping cell
    os.kill(proc.pid if target == "runner" else pids[target], signal.SIGKILL)
    _, err = proc.communicate(timeout=180)
    wait_for(lambda: not marked_processes(proc.pid, out) and not any(_proc(p, "stat") for p in pids.values()), timeout=10)
    if target == "runner":
        done = subprocess.run([sys.executable, "-m", "analysis", "report", "demo", "--out", str(out)],
                              capture_output=True, text=True, timeout=300)
        assert done.returncode == 0, done.stderr
    else:
        assert proc.returncode == 1 and message in err and "Traceback" not in err, err
    assert (out / "demo" / "manifest.json").is_file()  # the other report built (or builds on the next run)
    assert not (out / "slow").exists() and no_temp(out)


@LINUX
@pytest.mark.slow
def test_user_waits_while_a_cell_runs_past_the_time_limit(nbdir, tmp_path):
    """Before: no limit; a cell that never returned (a hung kernel) held `make reports` and CI forever."""
    out = tmp_path / "reports"
    t0 = time.monotonic()
    proc = start(out, "slow", "demo", "-p", "seconds=600", "--jobs", "2", "--timeout", "20")
    _, err = proc.communicate(timeout=300)
    assert time.monotonic() - t0 < 200, err  # stopped at the limit (20 s + 30 s grace), not after the 600 s sleep
    assert proc.returncode == 1, err
    assert "slow: a cell ran longer than the time limit of 20 s and was stopped" in err, err
    assert "time.sleep(seconds)" in err and "Traceback" not in err, err  # the message shows which cell
    assert (out / "demo" / "manifest.json").is_file() and not (out / "slow").exists() and no_temp(out)
    wait_for(lambda: not marked_processes(proc.pid, out), timeout=10)


@LINUX
@pytest.mark.slow
def test_user_waits_while_a_worker_hangs_outside_any_cell(nbdir, tmp_path, monkeypatch):
    """A worker that hangs where no cell timeout reaches (kernel start-up or shutdown) is killed by the runner after
    the limit plus its grace; the batch goes on and nothing is left behind."""
    def hang(job):
        if job.name == "slow":
            time.sleep(600)
        return real(job)

    real = execution.build
    monkeypatch.setattr(execution, "build", hang)  # the workers are forked: they inherit the patched function
    monkeypatch.setattr(workers, "TIMEOUT_GRACE_S", 1.0)
    t0 = time.monotonic()
    res = {r.name: r for r in reports.run_reports(["slow", "demo"], out=tmp_path / "reports", jobs=2, timeout=20)}
    assert time.monotonic() - t0 < 150  # stopped at the limit (21 s), not after the hang's 600 s, on a loaded machine
    assert res["demo"].status == "ok", res["demo"].message
    assert res["slow"].status == "failed" and res["slow"].message.startswith("slow: stopped after "), res["slow"]
    assert "over its time limit of 20 s" in res["slow"].message
    assert "where: File" in res["slow"].message and "in hang" in res["slow"].message  # the stack, innermost
    assert not (tmp_path / "reports" / "slow").exists() and no_temp(tmp_path / "reports")


DIES = """import os, sys
count, deaths = sys.argv[1], int(sys.argv[2])
n = len(open(count).read()) if os.path.exists(count) else 0
with open(count, "a") as f:
    f.write("x")
if n < deaths:
    sys.exit(3)  # dies before it answers, as a kernel that lost the race for one of its ports does
os.execv(sys.executable, [sys.executable, "-m", "ipykernel_launcher", *sys.argv[3:]])
"""


@pytest.mark.slow
@pytest.mark.parametrize("deaths", [1, 5], ids=["has a kernel that dies once before it answers",
                                                "has a kernel that always dies before it answers"])
def test_user_has_a_kernel_that_dies_starting(nbdir, tmp_path, monkeypatch, deaths):
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
        assert res.message == "demo: RuntimeError: Kernel died before replying to kernel_info", res.message
        assert res.status == "failed" and not (tmp_path / "reports" / "demo").exists()
    assert no_temp(tmp_path / "reports")


# --- 2. The user's --out holds things we did not make ------------------------------------------------------------


def _their_files(out: Path, tmp: Path) -> None:
    """Before: .tmp-my-thesis/ and .kernel-config.log were deleted, .old-notes-2024/ renamed to notes/, and a .lock
    symlink followed and its target overwritten."""
    for rel, text in {".tmp-my-thesis/chapter1.tex": "my thesis", ".kernel-config.log": "my config",
                      ".old-notes-2024/n.txt": "notes", ".old-demo-123/x": "looks like an old backup of ours",
                      "notes/manifest.json": '{"name": "my web app", "icons": []}', "manifest.json": "{}"}.items():
        (out / rel).parent.mkdir(parents=True, exist_ok=True)
        (out / rel).write_text(text)
    (out / ".lock").symlink_to(tmp / "precious.txt")


def _private(kind: str):
    def plant(out: Path, tmp: Path) -> None:
        w = out / reports.WORK_DIR
        if kind == "file":
            w.write_text("x")
        elif kind == "symlink":
            (tmp / "elsewhere").mkdir()
            w.symlink_to(tmp / "elsewhere")
        elif kind == "folder":
            w.mkdir()
            (w / "data.txt").write_text("mine")
        else:  # the lock: a folder, or a symlink to their file
            lock = output_folder.work_dir(out) / output_folder.LOCK
            lock.mkdir() if kind == "lock folder" else lock.symlink_to(tmp / "precious.txt")
    return plant


OUT_CASES = {
    "kept their own files and folders in --out": (_their_files, 0, "reports: 1 built"),
    "has a folder of their own named like the report": (
        lambda out, tmp: (out / "demo").mkdir() or (out / "demo" / "mine.txt").write_text("mine"), 1,
        "is not a report made by frontier-atlas; left alone"),
    "has a file named .frontier-atlas in --out": (_private("file"), 1, "is not a folder made by frontier-atlas"),
    "has a symlink named .frontier-atlas in --out": (_private("symlink"), 1, "is not a folder made by frontier-atlas"),
    "has a folder of their own named .frontier-atlas": (_private("folder"), 1, "was not made by frontier-atlas"),
    "made .frontier-atlas/lock a folder": (_private("lock folder"), 1, "is not a lock file of ours"),
    "made .frontier-atlas/lock a symlink to their file": (_private("lock symlink"), 1, "is not a lock file of ours"),
}


@pytest.mark.slow
@pytest.mark.parametrize("plant, code, message", OUT_CASES.values(), ids=OUT_CASES.keys())
def test_user_out_folder_holds_their_things(nbdir, tmp_path, run_cli, plant, code, message):
    """Nothing in --out that we did not make is renamed, deleted, read or written through, whatever its name."""
    out, precious = tmp_path / "reports", tmp_path / "precious.txt"
    out.mkdir()
    precious.write_text("precious")
    plant(out, tmp_path)

    def state() -> dict:
        return {p: (p.is_symlink(), p.read_bytes() if p.is_file() and not p.is_symlink() else None)
                for p in tmp_path.rglob("*") if ".frontier-atlas/" not in str(p)}

    before = state()
    got, err = run_cli(["report", "demo", "--out", str(out)])
    assert got == code and message in err and "Traceback" not in err, err
    after = state()
    assert {p: after.get(p) for p in before} == before  # all theirs, as it was; and ours only where it may be
    ours = {out / "index.html", out / reports.WORK_DIR}
    assert all(p in ours or (code == 0 and p.is_relative_to(out / "demo")) for p in set(after) - set(before))
    if code == 0:  # a foreign manifest is ignored by the index; the report is ours and is skipped next time
        index = (out / "index.html").read_text()
        assert "demo-line" in index and "my web app" not in index
        assert reports.run_reports(["demo"], out=out, jobs=1)[0].status == "skipped"


# --- 3. The user gives an unusable option or environment: exit 2, one line, nothing written -------------------

BAD_INVOCATIONS = {
    "gave --out ''": (["--out", ""], {}, "--out ''"),
    "gave a file as --out": (["--out", "{tmp}/file"], {}, "exists and is not a folder"),
    "gave /dev/full as --out": (["--out", "/dev/full"], {}, "exists and is not a folder"),
    "gave --timeout 0": (["--timeout", "0"], {}, "--timeout"),
    "gave --timeout -5": (["--timeout", "-5"], {}, "--timeout"),
    "gave --timeout nan": (["--timeout", "nan"], {}, "--timeout"),
    "gave --timeout inf": (["--timeout", "inf"], {}, "--timeout"),
    "gave --timeout soon": (["--timeout", "soon"], {}, "--timeout"),
    "gave --timeout 1e10 (a worker died of it)": (["--timeout", "1e10"], {}, "--timeout 1e10: expected a positive "
                                                                           "number of seconds, at most 1e+06"),
    "set FRONTIER_ATLAS_REPORT_TIMEOUT=0": ([], {"FRONTIER_ATLAS_REPORT_TIMEOUT": "0"}, "FRONTIER_ATLAS_REPORT_TIMEOUT"),
    "set FRONTIER_ATLAS_REPORT_TIMEOUT=nan": ([], {"FRONTIER_ATLAS_REPORT_TIMEOUT": "nan"},
                                              "FRONTIER_ATLAS_REPORT_TIMEOUT"),
    "set FRONTIER_ATLAS_REPORT_TIMEOUT=soon": ([], {"FRONTIER_ATLAS_REPORT_TIMEOUT": "soon"},
                                               "FRONTIER_ATLAS_REPORT_TIMEOUT"),
    "set FRONTIER_ATLAS_REPORT_TIMEOUT=1e10": ([], {"FRONTIER_ATLAS_REPORT_TIMEOUT": "1e10"}, "at most 1e+06"),
    "set SOURCE_DATE_EPOCH past any time_t": ([], {"SOURCE_DATE_EPOCH": "99999999999999999999999"}, "SOURCE_DATE_EPOCH"),
    "set SOURCE_DATE_EPOCH negative": ([], {"SOURCE_DATE_EPOCH": "-5"}, "SOURCE_DATE_EPOCH"),
    "set SOURCE_DATE_EPOCH to a decimal": ([], {"SOURCE_DATE_EPOCH": "1e9"}, "SOURCE_DATE_EPOCH"),
    "set SOURCE_DATE_EPOCH past year 9999": ([], {"SOURCE_DATE_EPOCH": "253402300800"}, "SOURCE_DATE_EPOCH"),
    "gave a named pipe (FIFO) as --data": (["--data", "{tmp}/fifo.csv"], {}, "named pipe"),
}


@pytest.mark.parametrize("args, env, message", BAD_INVOCATIONS.values(), ids=BAD_INVOCATIONS.keys())
def test_user_gives_an_unusable_option(nbdir, tmp_path, run_cli, monkeypatch, args, env, message):
    """Before: --timeout 1e10 killed the worker (an internal error after the report had started); an overflowing
    SOURCE_DATE_EPOCH was an internal error after every report had run; a FIFO as --data hung the run."""
    (tmp_path / "file").write_text("x")
    os.mkfifo(tmp_path / "fifo.csv")
    monkeypatch.chdir(tmp_path)
    for k, v in env.items():
        monkeypatch.setenv(k, v)
    args = [a.replace("{tmp}", str(tmp_path)) for a in args]
    out = [] if "--out" in args else ["--out", str(tmp_path / "reports")]
    code, err = run_cli(["report", "demo", *out, *args])
    assert code == 2 and message in err and "Traceback" not in err and len(err.strip().splitlines()) == 1, err
    assert sorted(p.name for p in tmp_path.iterdir()) == ["fifo.csv", "file", "notebooks"]


OUTPUTS = {"sent --version to a full disk": ["--version"], "sent --help to a full disk": ["--help"],
           "sent report --list to a full disk": ["report", "--list"],
           "sent report --list --json to a full disk": ["report", "--list", "--json"]}


@pytest.mark.skipif(not os.path.exists("/dev/full"), reason="needs /dev/full")
@pytest.mark.parametrize("argv", OUTPUTS.values(), ids=OUTPUTS.keys())
def test_user_sends_the_output_to_a_full_disk(argv):
    """Before: an internal error (OSError: No space left on device), or exit 0 with the output lost."""
    with open("/dev/full", "w") as full:
        done = subprocess.run([sys.executable, "-m", "analysis", *argv], stdout=full, stderr=subprocess.PIPE,
                              text=True, timeout=120)
    assert done.returncode == 1
    assert done.stderr == "error: /dev/full (standard output): cannot write (No space left on device)\n"


VOCABULARY = {
    "asked for -p subset=bogus": ("explore", "subset=bogus", "unknown subset 'bogus'; choose one of notable, "
                                                             "frontier, open, closed"),
    "asked for -p wall_subset=all": ("data-requirements", "wall_subset=all", "expected one of notable, frontier"),
    "asked for -p approach=hoffmann-9": ("data-requirements", "approach=hoffmann-9", "unknown approach"),
    "asked for -p confidence=0.3": ("compute-trends", "confidence=0.3", "confidence must be in [0.5, 1)"),
    "asked for -p n_boot=5": ("capabilities", "n_boot=5", "bootstrap must be at least 10"),
    "asked for -p top_k=0": ("explore", "top_k=0", "top_k must be a positive whole number"),
    "asked for -p until=2024-13": ("compute-trends", "until=2024-13", "'2024-13' is not a date"),
}


@pytest.mark.parametrize("notebook, override, message", VOCABULARY.values(), ids=VOCABULARY.keys())
def test_user_asks_for_a_value_outside_a_parameter_vocabulary(tmp_path, monkeypatch, notebook, override, message):
    """Before: `-p subset=bogus` failed late, inside the notebook; `-p confidence=0.3` ran a report that the trend
    command refuses; and `-p subset=open`, which the explore notebook accepts, was refused (the runner kept its own
    list of subsets). A shared parameter is now checked by the one validator of its name."""
    monkeypatch.setattr(planning, "NOTEBOOKS", reports.ROOT / "notebooks")
    key = override.split("=")[0]
    with pytest.raises(UsageError, match=f"^-p {key}=") as exc:
        reports.run_reports([notebook], out=tmp_path / "reports", overrides=[override])
    assert message in str(exc.value)
    assert not (tmp_path / "reports").exists()


def test_shared_parameters_accept_what_the_analyses_accept(monkeypatch):
    monkeypatch.setattr(planning, "NOTEBOOKS", reports.ROOT / "notebooks")
    assert planning.plan(["explore"], {"subset": ["open", "closed"]}, None) == {
        "explore--subset=open": ("explore", {"subset": "open"}, {"subset": "open"}),
        "explore--subset=closed": ("explore", {"subset": "closed"}, {"subset": "closed"})}
    assert planning.resolve_parameters("compute-trends", {"until": "", "since": "2015"}, None) == {"until": "",
                                                                                                   "since": "2015"}


# --- 4. The machine fails under the run: full disk, failed renames ----------------------------------------------


@pytest.mark.slow
def test_user_disk_fills_up_while_the_index_is_written(nbdir, tmp_path, monkeypatch, run_cli):
    """Before: a full disk while writing index.html left a partial `.index.html.tmp`."""
    if not Path("/proc/self/fd").exists():
        pytest.skip("needs /proc/self/fd")
    out = tmp_path / "reports"
    assert reports.run_reports(["demo"], out=out, jobs=1)[0].status == "ok"
    index, real = (out / "index.html").read_bytes(), os.write

    def full(fd, data):
        if "index.html" in os.readlink(f"/proc/self/fd/{fd}"):
            raise OSError(errno.ENOSPC, "No space left on device")
        return real(fd, data)

    monkeypatch.setattr(os, "write", full)
    code, err = run_cli(["report", "demo", "--out", str(out), "--force"])
    monkeypatch.undo()
    assert code == 1 and "index.html: no space left on device (disk full)" in err and "Traceback" not in err
    assert (out / "index.html").read_bytes() == index
    assert sorted(p.name for p in out.iterdir()) == [reports.WORK_DIR, "demo", "index.html"]


def _failing_rename(monkeypatch, *failing: str):
    """os.rename fails (read-only, as when the disk is remounted) for moves out of folders named in ``failing``."""
    real = os.rename

    def rename(src, dst):
        if Path(src).parent.name in failing or Path(src).name.split(".")[0] in failing:
            raise OSError(errno.EROFS, "Read-only file system")
        return real(src, dst)

    monkeypatch.setattr(os, "rename", rename)


RUN = "999999999-1"  # the id of a run that is not running (no such pid)


def _swap_case(tmp_path: Path):
    out = tmp_path / "out"
    out.mkdir()
    work = output_folder.work_dir(out)
    (out / "demo").mkdir()
    (out / "demo" / "good.txt").write_text("last good")
    (work / f"tmp-demo.{RUN}").mkdir()
    (work / f"tmp-demo.{RUN}" / "new.txt").write_text("new")
    return out, work


def test_user_disk_refuses_to_move_the_new_report_into_place(tmp_path, monkeypatch):
    """The swap puts the last good report back when the new one cannot take its place, and says why."""
    out, work = _swap_case(tmp_path)
    _failing_rename(monkeypatch, "tmp-demo")
    with pytest.raises(OSError, match="Read-only"):
        output_folder.swap(work / f"tmp-demo.{RUN}", out / "demo", work / f"old-demo.{RUN}")
    assert (out / "demo" / "good.txt").read_text() == "last good" and not (work / f"old-demo.{RUN}").exists()


def test_user_disk_refuses_even_to_put_the_last_good_report_back(tmp_path, monkeypatch):
    """Before: a failed restore in the swap raised its own error and masked the first; then the run's clean-up
    deleted the backup, the last good report. Now the error names both failures and where the report is kept, the
    clean-up keeps it, and the next run puts it back."""
    out, work = _swap_case(tmp_path)
    _failing_rename(monkeypatch, "tmp-demo", "old-demo")
    with pytest.raises(AtlasError, match=r"cannot move the new report into place \(output folder is not writable.*"
                                         r"nor put the last good one back .* it is kept in .*old-demo"):
        output_folder.swap(work / f"tmp-demo.{RUN}", out / "demo", work / f"old-demo.{RUN}")
    output_folder.cleanup_temp(out, RUN)  # the run's own clean-up
    assert (work / f"old-demo.{RUN}" / "good.txt").read_text() == "last good"
    monkeypatch.undo()
    output_folder.cleanup_temp(out)  # the next run's
    assert (out / "demo" / "good.txt").read_text() == "last good" and no_temp(out)


# --- 5. Two runs, and what a run left behind --------------------------------------------------------------------


def test_user_starts_a_second_run_into_the_same_out(tmp_path):
    """One writer per --out: a second run is refused while the first holds the lock (a shared lock would let both
    in), and gets it once the first has ended."""
    out = tmp_path / "reports"
    with output_folder.output_lock(out):
        with pytest.raises(AtlasError, match=r"another `frontier-atlas report` \(pid \d+\) is writing to"):
            with output_folder.output_lock(out):
                pass
        probe = subprocess.run([sys.executable, "-c", "import fcntl, sys; f = open(sys.argv[1], 'a');"
                                "fcntl.flock(f, fcntl.LOCK_SH | fcntl.LOCK_NB)", str(out / reports.WORK_DIR / "lock")],
                               capture_output=True, text=True)
        assert probe.returncode != 0 and "BlockingIOError" in probe.stderr  # not even a reader gets in
    with output_folder.output_lock(out):
        pass
    with open(out / reports.WORK_DIR / "lock", "a") as fh:  # released: anyone can take it now
        fcntl.flock(fh, fcntl.LOCK_EX | fcntl.LOCK_NB)


@pytest.mark.slow
def test_user_reruns_after_a_run_killed_with_its_lock_record(nbdir, tmp_path):
    out = tmp_path / "reports"
    out.mkdir()
    lock = output_folder.work_dir(out) / output_folder.LOCK
    lock.write_text("999999999 12345\n")  # a run that is long gone
    assert reports.run_reports(["demo"], out=out, jobs=1)[0].status == "ok"
    assert lock.read_text() == f"{os.getpid()}\n"  # the record is ours now


@pytest.mark.slow
def test_user_edits_or_deletes_report_files_by_hand(nbdir, tmp_path):
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


@pytest.mark.slow
def test_user_names_the_same_report_three_times(nbdir, tmp_path):
    """Before: `report demo demo` raced two workers on one temp folder."""
    res = reports.run_reports(["demo", "demo", "demo"], out=tmp_path / "reports", jobs=3)
    assert [(r.name, r.status) for r in res] == [("demo", "ok")]


# --- 6. The user rewrites the data while the batch runs -------------------------------------------------------


@LINUX
@pytest.mark.slow
def test_user_rewrites_the_data_file_mid_batch(nbdir, tmp_path):
    """Before: a report built from the old bytes recorded the new file's sha256 (the manifest hashed the file after
    the notebook had run). The batch hashes its data once, before it starts, and a report whose data changed while
    it ran fails (its last good report stays); built again, the manifest records the sha256 the kernel read."""
    data, flag, out = tmp_path / "models.csv", tmp_path / "read", tmp_path / "reports"
    columns = schema.resource("models").columns
    write_csv(data, [dict(GOOD_MODEL, id=f"m-{i}") for i in range(3)], columns)
    proc = start(out, "reader", "--data", str(data), "-p", f"flag={flag}", "-p", "seconds=5")
    wait_for(flag.exists)
    write_csv(data, [dict(GOOD_MODEL, id=f"m-{i}", parameters="9e9") for i in range(3)], columns)  # after the read
    _, err = proc.communicate(timeout=300)
    assert proc.returncode == 1 and f"reader: {data} changed while the batch ran" in err, err
    assert not (out / "reader").exists() and no_temp(out)
    done = subprocess.run([sys.executable, "-m", "analysis", "report", "reader", "--out", str(out), "--data", str(data)],
                          capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr
    recorded = json.loads((out / "reader" / "manifest.json").read_text())["data_files"][str(data)]
    seen = [ln.split(",")[1] for ln in (out / "reader/tables/reader.csv").read_text().splitlines() if "models.csv," in ln]
    assert [recorded] == seen == [hashlib.sha256(data.read_bytes()).hexdigest()]
