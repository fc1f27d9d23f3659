"""The report output folder's promises, function by function (analysis/reporting/output_folder.py): nothing outside
our private folder is touched, symlinks are never followed, the lock admits one writer, the swap is atomic and
never loses the last good report, and only a dead run's temporary entries are cleaned up. Written for the mutants
that `make mutation` found alive (benchmarks/mutation/); each assertion is what a user would see."""

from __future__ import annotations

import errno
import json
import os
from pathlib import Path

import pytest

from analysis.errors import AtlasError
from analysis.reporting import manifests
from analysis.reporting import output_folder as F

DEAD = "999999999-1"  # a run that is not running (no such pid)


def _report(folder: Path, name: str, contents: dict[str, str] | None = None, **extra) -> Path:
    """A report folder with our manifest (the four keys read_manifest requires) and the listed files."""
    folder.mkdir(parents=True, exist_ok=True)
    for rel, text in (contents or {}).items():
        (folder / rel).parent.mkdir(parents=True, exist_ok=True)
        (folder / rel).write_text(text)
    m = {"report": name, "content_hash": "abc", "figures": [], "toolkit_version": "0",
         "files": manifests.tree_hashes(folder), **extra}
    (folder / "manifest.json").write_text(json.dumps(m))
    return folder


def test_work_dir_is_made_once_with_our_marker_and_refuses_foreign_folders(tmp_path):
    w = F.work_dir(tmp_path)
    assert w == tmp_path / ".frontier-atlas" and w.is_dir()
    assert (w / F.MARKER).read_text(encoding="utf-8") == F.MARKER_TEXT
    (w / "lock").write_text("")
    assert F.work_dir(tmp_path) == w  # ours: accepted again, marker unchanged
    (w / F.MARKER).write_text("someone else's")
    with pytest.raises(AtlasError, match=r"was not made by frontier-atlas \(no frontier-atlas-work-folder file of "
                                         r"ours\); move it away or use another --out$"):
        F.work_dir(tmp_path)
    (w / F.MARKER).unlink()  # a folder of that name with files in it but no marker: not ours
    with pytest.raises(AtlasError, match="was not made by frontier-atlas"):
        F.work_dir(tmp_path)
    # an empty folder of that name (e.g. made by hand, or ours cleared) gets the marker
    other = tmp_path / "o"
    (other / ".frontier-atlas").mkdir(parents=True)
    assert (F.work_dir(other) / F.MARKER).read_text(encoding="utf-8") == F.MARKER_TEXT
    # a file, or a symlink to a folder, in its place
    f = tmp_path / "f"
    f.mkdir()
    (f / ".frontier-atlas").write_text("x")
    with pytest.raises(AtlasError, match=r"exists and is not a folder made by frontier-atlas \(a file or a symlink\); "
                                         r"move it away or use another --out$"):
        F.work_dir(f)
    s = tmp_path / "s"
    s.mkdir()
    (s / ".frontier-atlas").symlink_to(w)
    with pytest.raises(AtlasError, match="a file or a symlink"):
        F.work_dir(s)
    # a marker that is a symlink to a file with the right text is not ours either
    m = tmp_path / "m"
    (m / ".frontier-atlas").mkdir(parents=True)
    (m / "elsewhere").write_text(F.MARKER_TEXT)
    (m / ".frontier-atlas" / F.MARKER).symlink_to(m / "elsewhere")
    with pytest.raises(AtlasError, match="was not made by frontier-atlas"):
        F.work_dir(m)


def test_our_files_are_never_written_through_a_planted_symlink(tmp_path):
    """The marker and the durations file replace a symlink planted in their place; its target is left alone."""
    from analysis.reporting import reports

    victim = tmp_path / "victim"
    victim.write_text("keep")
    (tmp_path / "out" / F.WORK_DIR).mkdir(parents=True)
    (tmp_path / "out" / F.WORK_DIR / F.MARKER).symlink_to(victim)  # an empty folder but for the link: refused
    with pytest.raises(AtlasError, match="was not made by frontier-atlas"):
        F.work_dir(tmp_path / "out")
    (tmp_path / "new").mkdir()
    work = F.work_dir(tmp_path / "new")
    (work / reports.DURATIONS).symlink_to(victim)
    reports._record_durations(tmp_path / "new", [reports.Result("demo", "ok", 1.234)])
    assert victim.read_text() == "keep" and not (work / reports.DURATIONS).is_symlink()
    assert json.loads((work / reports.DURATIONS).read_text()) == {"demo": 1.23}
    assert sorted(p.name for p in work.iterdir()) == sorted([F.MARKER, reports.DURATIONS])  # no temporary left


def test_entry_names_and_remove_never_follows_symlinks(tmp_path):
    assert F.entry(tmp_path, "tmp", "demo", DEAD) == tmp_path / f"tmp-demo.{DEAD}"
    target = tmp_path / "target"
    target.mkdir()
    (target / "keep.txt").write_text("keep")
    (tmp_path / "link").symlink_to(target)
    F.remove(tmp_path / "link")
    assert not os.path.lexists(tmp_path / "link") and (target / "keep.txt").read_text() == "keep"
    d = tmp_path / "d"
    (d / "sub").mkdir(parents=True)
    (d / "sub" / "f").write_text("x")
    F.remove(d)
    assert not d.exists()
    (tmp_path / "file").write_text("x")
    F.remove(tmp_path / "file")
    assert not (tmp_path / "file").exists()
    F.remove(tmp_path / "never-there")  # no error


def test_is_real_dir_and_is_report_dir(tmp_path):
    assert F.is_real_dir(tmp_path) and not F.is_real_dir(tmp_path / "missing")
    (tmp_path / "f").write_text("x")
    assert not F.is_real_dir(tmp_path / "f")
    r = _report(tmp_path / "demo", "demo")
    assert F.is_report_dir(r) and F.is_report_dir(r, "demo") and not F.is_report_dir(r, "other")
    (tmp_path / "ln").symlink_to(r)
    assert not F.is_real_dir(tmp_path / "ln") and not F.is_report_dir(tmp_path / "ln", "demo")
    (tmp_path / "plain").mkdir()
    assert not F.is_report_dir(tmp_path / "plain")


def test_swap_replaces_the_report_and_removes_the_backup(tmp_path):
    out, work = tmp_path, F.work_dir(tmp_path)
    (out / "demo").mkdir()
    (out / "demo" / "old.txt").write_text("old")
    tmp, old = work / f"tmp-demo.{DEAD}", work / f"old-demo.{DEAD}"
    tmp.mkdir()
    (tmp / "new.txt").write_text("new")
    F.swap(tmp, out / "demo", old)
    assert sorted(p.name for p in (out / "demo").iterdir()) == ["new.txt"]
    assert not os.path.lexists(tmp) and not os.path.lexists(old)
    # first build: nothing to back up
    tmp.mkdir()
    (tmp / "a").write_text("a")
    F.swap(tmp, out / "fresh", old)
    assert (out / "fresh" / "a").read_text() == "a" and not os.path.lexists(old)


def _renames_fail(monkeypatch, fails: dict) -> None:
    """os.rename raises OSError(errno) when its source is one of ``fails`` (path -> errno); other renames happen."""
    real = os.rename

    def rename(a, b):
        if Path(a) in fails:
            raise OSError(fails[Path(a)], os.strerror(fails[Path(a)]))
        return real(a, b)

    monkeypatch.setattr(os, "rename", rename)


def test_a_failed_swap_puts_the_last_good_report_back_and_raises_the_first_error(tmp_path, monkeypatch):
    out, work = tmp_path, F.work_dir(tmp_path)
    (out / "demo").mkdir()
    (out / "demo" / "good.txt").write_text("good")
    tmp, old = work / f"tmp-demo.{DEAD}", work / f"old-demo.{DEAD}"
    tmp.mkdir()
    _renames_fail(monkeypatch, {tmp: errno.ENOSPC})
    with pytest.raises(OSError) as exc:
        F.swap(tmp, out / "demo", old)
    assert exc.value.errno == errno.ENOSPC and not isinstance(exc.value, AtlasError)
    assert (out / "demo" / "good.txt").read_text() == "good" and not os.path.lexists(old)


def test_a_failed_restore_says_both_reasons_and_where_the_report_is(tmp_path, monkeypatch):
    out, work = tmp_path, F.work_dir(tmp_path)
    (out / "demo").mkdir()
    tmp, old = work / f"tmp-demo.{DEAD}", work / f"old-demo.{DEAD}"
    tmp.mkdir()
    _renames_fail(monkeypatch, {tmp: errno.ENOSPC, old: errno.EACCES})
    with pytest.raises(AtlasError) as exc:
        F.swap(tmp, out / "demo", old)
    assert str(exc.value) == ("cannot move the new report into place (no space left on device (disk full)) nor put "
                              "the last good one back (output folder is not writable (read-only file system or "
                              f"permission denied)); it is kept in {old}")
    assert exc.value.__cause__ is None and exc.value.__suppress_context__
    assert old.is_dir()  # kept


def test_os_reason_in_plain_words():
    assert F.os_reason(OSError(errno.ENOSPC, "x")) == "no space left on device (disk full)"
    for e in (errno.EROFS, errno.EACCES, errno.EPERM):
        assert F.os_reason(OSError(e, "x")).startswith("output folder is not writable")
    assert F.os_reason(OSError(errno.EIO, "Input/output error")) == "Input/output error"
    assert F.os_reason(OSError("bare")) == "bare"


def test_unchanged_needs_the_same_hash_and_every_listed_file_intact(tmp_path):
    r = _report(tmp_path / "demo", "demo", {"index.html": "<p>1</p>", "tables/t.csv": "a\n1\n"})
    assert F.unchanged(r, "abc")
    assert not F.unchanged(r, "abd")  # other content hash
    (r / "tables" / "t.csv").write_text("a\n2\n")
    assert not F.unchanged(r, "abc")  # a file edited by hand
    r2 = _report(tmp_path / "two", "two", {"index.html": "x"})
    (r2 / "index.html").unlink()
    assert not F.unchanged(r2, "abc")  # a file deleted by hand
    r3 = _report(tmp_path / "three", "three", {})
    assert not F.unchanged(r3, "abc")  # a manifest listing no file
    r4 = _report(tmp_path / "four", "four", {"a": "a"}, files="not a dict")
    assert not F.unchanged(r4, "abc")
    assert not F.unchanged(tmp_path / "missing", "abc")
    intact = _report(tmp_path / "five", "five", {"a": "a"})
    assert F.unchanged(intact, "abc")
    (tmp_path / "ln").symlink_to(intact)
    assert not F.unchanged(tmp_path / "ln", "abc")  # a symlink to an intact report is not our report folder


def test_run_ids_differ_between_runs_of_one_process():
    """A run's id names its temporary entries: two runs of one process (the Python API) never share one."""
    first, second = F.run_id(), F.run_id()
    assert first != second and first.startswith(f"{os.getpid()}-") and F._ENTRY.match(f"tmp-demo.{first}")


def test_the_lock_admits_one_writer_and_records_it(tmp_path):
    out = tmp_path / "reports"
    with F.output_lock(out) as fd:
        assert (out / ".frontier-atlas" / "lock").read_text() == f"{os.getpid()}\n"
        assert isinstance(fd, int)
        with pytest.raises(AtlasError, match=rf"another `frontier-atlas report` \(pid {os.getpid()}\) is writing to "):
            with F.output_lock(out):
                pass
    with F.output_lock(out):  # released at exit
        pass


def test_the_lock_refuses_what_is_not_a_lock_file_of_ours(tmp_path):
    f = tmp_path / "file"
    f.write_text("x")
    with pytest.raises(AtlasError, match=r"^--out .*file: exists and is not a folder$"):
        with F.output_lock(f):
            pass
    out = tmp_path / "out"
    out.mkdir()
    w = F.work_dir(out)
    (w / F.LOCK).mkdir()
    with pytest.raises(AtlasError, match="is not a lock file of ours"):
        with F.output_lock(out):
            pass
    (w / F.LOCK).rmdir()
    (tmp_path / "t").write_text("keep")
    (w / F.LOCK).symlink_to(tmp_path / "t")
    with pytest.raises(AtlasError, match=r"is not a lock file of ours \(a symlink, folder or device\)"):
        with F.output_lock(out):
            pass
    assert (tmp_path / "t").read_text() == "keep"


def test_cleanup_removes_earlier_runs_entries_and_puts_a_half_swapped_report_back(tmp_path):
    """At the start of a run (under the lock, so no other run is alive) every run's entries go, except a backup
    whose report is missing: that is the last good report, put back. Nothing outside our name pattern is touched."""
    out = tmp_path
    w = F.work_dir(out)
    mine = F.run_id()
    (w / f"tmp-demo.{DEAD}").mkdir()  # a dead run's build folder
    (w / f"log-demo.{DEAD}").write_text("log")
    (w / f"old-gone.{DEAD}").mkdir()  # a dead run's backup whose report is missing: put back
    (w / f"old-gone.{DEAD}" / "good.txt").write_text("good")
    (out / "kept").mkdir()
    (out / "kept" / "new.txt").write_text("new")
    (w / f"old-kept.{DEAD}").mkdir()  # a backup whose report is in place: removed, the report left as it is
    (w / f"tmp-mine.{mine}").mkdir()  # this process's own leftovers: removed
    (w / "tmp-demo").mkdir()  # not our name pattern: left alone
    (w / "notes.txt").write_text("user's")
    (tmp_path / "elsewhere").mkdir()
    (w / f"tmp-link.{DEAD}").symlink_to(tmp_path / "elsewhere")  # a symlink with our name: left alone
    F.cleanup_temp(out)
    assert sorted(os.listdir(w)) == sorted([F.MARKER, "tmp-demo", "notes.txt", f"tmp-link.{DEAD}"])
    assert (out / "gone" / "good.txt").read_text() == "good" and (tmp_path / "elsewhere").is_dir()
    assert os.listdir(out / "kept") == ["new.txt"]
    F.cleanup_temp(tmp_path / "no-such-out")  # no work folder: nothing to do


def test_cleanup_of_one_run_leaves_other_runs(tmp_path):
    """A run's own clean-up, at its end, takes only its own entries."""
    w = F.work_dir(tmp_path)
    other = "999999998-1"
    (w / f"tmp-a.{DEAD}").mkdir()
    (w / f"tmp-a.{other}").mkdir()
    F.cleanup_temp(tmp_path, DEAD)
    assert not (w / f"tmp-a.{DEAD}").exists() and (w / f"tmp-a.{other}").exists()


def test_a_failed_first_swap_raises_its_own_error(tmp_path, monkeypatch):
    """No earlier report and the move fails: the disk's error, not a failed restore of a backup that never was."""
    work = F.work_dir(tmp_path)
    tmp, old = work / f"tmp-demo.{DEAD}", work / f"old-demo.{DEAD}"
    tmp.mkdir()

    def rename(a, b):
        raise OSError(errno.EROFS, "Read-only file system")

    monkeypatch.setattr(os, "rename", rename)
    with pytest.raises(OSError) as exc:
        F.swap(tmp, tmp_path / "demo", old)
    assert exc.value.errno == errno.EROFS and not isinstance(exc.value, AtlasError)


@pytest.fixture
def umask0():
    """A permissive umask (0): the modes we pass are the modes created, not masked by the usual 022."""
    old = os.umask(0)
    try:
        yield
    finally:
        os.umask(old)


def test_our_folder_and_files_are_not_group_or_world_writable_even_under_umask_0(tmp_path, umask0):
    w = F.work_dir(tmp_path)
    assert stat_mode(w) == 0o755 and stat_mode(w / F.MARKER) == 0o644
    from analysis.reporting import reports

    reports._record_durations(tmp_path, [reports.Result("demo", "ok", 1.0)])
    assert stat_mode(w / reports.DURATIONS) == 0o644


def stat_mode(p: Path) -> int:
    return os.lstat(p).st_mode & 0o7777


def test_a_leftover_the_file_system_refuses_to_delete_does_not_fail_the_run(tmp_path, monkeypatch):
    """Removing our temporary entries is best effort: a file that cannot be unlinked (a read-only mount, a file
    busy on a network file system) is left, the rest goes, and the swap of the new report still succeeds."""
    out, work = tmp_path, F.work_dir(tmp_path)
    real = os.unlink

    def unlink(p, *a, **kw):
        if os.fspath(p).endswith("stuck"):
            raise PermissionError(errno.EPERM, "Operation not permitted")
        return real(p, *a, **kw)

    monkeypatch.setattr(os, "unlink", unlink)
    (out / "demo").mkdir()
    (out / "demo" / "stuck").write_text("old")
    (out / "demo" / "other").write_text("old")
    tmp, old = work / f"tmp-demo.{DEAD}", work / f"old-demo.{DEAD}"
    tmp.mkdir()
    (tmp / "new.txt").write_text("new")
    F.swap(tmp, out / "demo", old)
    assert os.listdir(out / "demo") == ["new.txt"] and os.listdir(old) == ["stuck"]
    lone = work / f"log-stuck.{DEAD}-stuck"
    lone.write_text("log")
    F.remove(lone)  # a single file refused: no error, left in place
    assert lone.exists()


def test_a_report_whose_files_cannot_be_read_is_rebuilt(tmp_path, monkeypatch):
    """``unchanged`` cannot confirm a report one of whose files the system refuses to read (permission, I/O
    error): it is rebuilt, not reported as an error and not taken as intact."""
    from analysis.data import safeio

    r = _report(tmp_path / "demo", "demo", {"index.html": "<p>1</p>", "tables/t.csv": "a\n1\n"})
    assert F.unchanged(r, "abc")
    real = os.open

    def refuse(p, *a, **kw):
        if os.fspath(p).endswith("t.csv"):
            raise PermissionError(errno.EACCES, "Permission denied")
        return real(p, *a, **kw)

    monkeypatch.setattr(safeio.os, "open", refuse)
    assert not F.unchanged(r, "abc")


def test_the_recorded_commit_is_the_checkouts_head_marked_dirty_when_tracked_files_differ():
    import subprocess

    def git(*args):
        return subprocess.run(["git", "-C", str(manifests.ROOT), *args], capture_output=True, text=True)

    head = git("rev-parse", "HEAD")
    if head.returncode:
        pytest.skip("not a git checkout")
    dirty = bool(git("status", "--porcelain", "--untracked-files=no").stdout.strip())
    assert manifests.git_commit() == head.stdout.strip() + ("-dirty" if dirty else "")
