"""What the report runner owns in ``--out``: its private work folder, the temporary entries in it, the lock, and
the atomic swap of a finished report into place.

Everything temporary (build folders, the backup of a report being replaced, kernel logs, the lock) lives in one
private folder, ``<out>/.frontier-atlas/``, created by us and marked by a file we wrote. Nothing else in --out is
ever renamed or deleted except the report folders themselves (``<out>/<name>/`` holding our manifest.json) and
``index.html``. Entries are never matched by prefix alone and symlinks are never followed.
"""

from __future__ import annotations

import contextlib
import errno
import fcntl
import os
import re
import shutil
import stat
import time
from pathlib import Path

from analysis.data.safeio import atomic_write_text
from analysis.errors import AtlasError, UsageError
from analysis.reporting.manifests import read_manifest, tree_hashes

WORK_DIR = ".frontier-atlas"
MARKER = "frontier-atlas-work-folder"
MARKER_TEXT = ("This folder holds the temporary files of `frontier-atlas report` (build folders, backups, the lock).\n"
               "It is safe to delete when no report run is active.\n")
LOCK = "lock"
_ENTRY = re.compile(r"^(tmp|old|log)-([a-z0-9][a-z0-9._=+-]*)\.([0-9]+-[0-9]+)$")


def is_real_dir(p: Path) -> bool:
    with contextlib.suppress(OSError):
        return stat.S_ISDIR(os.lstat(p).st_mode)
    return False


def work_dir(out: Path) -> Path:
    """The private folder in ``out`` (created if needed); AtlasError if that name is taken by something else."""
    w, made = out / WORK_DIR, False
    with contextlib.suppress(FileExistsError):
        os.mkdir(w, 0o755)
        made = True
    if not is_real_dir(w):
        raise AtlasError(f"{w} exists and is not a folder made by frontier-atlas (a file or a symlink); move it away "
                         "or use another --out")
    marker = w / MARKER
    if made or not any(True for _ in os.scandir(w)):
        atomic_write_text(marker, MARKER_TEXT)  # never written through a symlink planted in its place
    else:
        try:
            st = os.lstat(marker)
            ok = stat.S_ISREG(st.st_mode) and marker.read_text(encoding="utf-8") == MARKER_TEXT
        except (OSError, UnicodeDecodeError):
            ok = False
        if not ok:
            raise AtlasError(f"{w} exists but was not made by frontier-atlas (no {MARKER} file of ours); move it "
                             "away or use another --out")
    return w


def entry(work: Path, kind: str, name: str, run_id: str) -> Path:
    """A temporary entry of our private folder: ``<kind>-<report>.<run id>`` (kind: tmp, old or log)."""
    return work / f"{kind}-{name}.{run_id}"


def remove(p: Path) -> None:
    """Remove an entry of our private folder without following symlinks (rmtree refuses them; unlink the link)."""
    try:
        mode = os.lstat(p).st_mode
    except FileNotFoundError:
        return
    if stat.S_ISDIR(mode):
        shutil.rmtree(p, ignore_errors=True)
    else:
        with contextlib.suppress(OSError):
            os.unlink(p)


def is_report_dir(p: Path, name: str | None = None) -> bool:
    """A folder (not a symlink) holding a manifest.json written by us for report ``name`` (default: the folder's)."""
    if not is_real_dir(p):
        return False
    m = read_manifest(p)
    return m is not None and m.get("report") == (name or p.name)


def swap(tmp: Path, final: Path, old: Path) -> None:
    """Replace ``final`` by ``tmp``. The old report waits in our private folder (``old``) until the new one is in
    place and is put back if it cannot be; if even that fails, the error says where it is kept (and the next run
    puts it back)."""
    if os.path.lexists(final):
        os.rename(final, old)
    try:
        os.rename(tmp, final)
    except OSError as exc:
        if os.path.lexists(old) and not os.path.lexists(final):
            try:
                os.rename(old, final)
            except OSError as again:
                raise AtlasError(f"cannot move the new report into place ({os_reason(exc)}) nor put the last good "
                                 f"one back ({os_reason(again)}); it is kept in {old}") from None
        raise
    remove(old)


def unchanged(final: Path, digest: str) -> bool:
    """Same content hash, and every file the manifest lists is there with its recorded sha256 (a report damaged or
    trimmed by hand is rebuilt)."""
    m = read_manifest(final) if is_real_dir(final) else None
    if m is None or m.get("content_hash") != digest or not isinstance(m.get("files"), dict) or not m["files"]:
        return False
    try:
        return tree_hashes(final) == m["files"]
    except (OSError, UsageError):  # a file the system refuses to read (sha256_file raises UsageError): rebuilt
        return False


def os_reason(exc: OSError) -> str:
    """A write failure in plain words (disk full, read-only, permission)."""
    if exc.errno == errno.ENOSPC:
        return "no space left on device (disk full)"
    if exc.errno in (errno.EROFS, errno.EACCES, errno.EPERM):
        return "output folder is not writable (read-only file system or permission denied)"
    return exc.strerror or str(exc)


# --- runs: the lock, and what a dead run left behind ------------------------------------------------------


def run_id() -> str:
    """This run's id, ``<pid>-<nanoseconds>``: names its temporary entries and marks the kernels it starts."""
    return f"{os.getpid()}-{time.time_ns()}"


@contextlib.contextmanager
def output_lock(out: Path):
    """One writer per output folder: ``<out>/.frontier-atlas/lock``, opened without following symlinks, held with
    ``flock`` by the runner alone (workers close their copy and die with it) and recording its pid. The kernel
    releases a flock when its holder dies, so a run killed with ``kill -9`` never blocks the next one."""
    lock = out / WORK_DIR / LOCK
    try:
        out.mkdir(parents=True, exist_ok=True)
        if not out.is_dir():
            raise FileExistsError
        fd = os.open(work_dir(out) / LOCK, os.O_RDWR | os.O_CREAT | os.O_NOFOLLOW | os.O_CLOEXEC, 0o644)
    except FileExistsError:
        raise AtlasError(f"--out {out}: exists and is not a folder") from None
    except OSError as exc:
        if exc.errno in (errno.ELOOP, errno.EISDIR, errno.ENXIO):
            raise AtlasError(f"{lock} is not a lock file of ours (a symlink, folder or device); remove it or use "
                             "another --out") from None
        raise AtlasError(f"cannot write to {out}: {os_reason(exc)}") from None
    try:
        if not stat.S_ISREG(os.fstat(fd).st_mode):
            raise AtlasError(f"{lock} is not a lock file of ours; remove it or use another --out")
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            holder = os.pread(fd, 200, 0).decode("ascii", "replace").split() or ["?"]
            raise AtlasError(f"another `frontier-atlas report` (pid {holder[0]}) is writing to {out}; wait for it to "
                             "finish or use --out DIR") from None
        os.ftruncate(fd, 0)
        os.pwrite(fd, f"{os.getpid()}\n".encode(), 0)
        yield fd
    finally:
        with contextlib.suppress(OSError):
            os.close(fd)  # closing the last descriptor releases the flock


def cleanup_temp(out: Path, run: str | None = None) -> None:
    """Remove our temporary entries (of run ``run``, else of every run) and restore a report left mid-swap by a
    dead run. Called under the lock, so every other run's entries are a dead run's. Only names of the form
    ``<kind>-<report>.<run id>`` inside our private folder are considered; anything else there, and everything
    outside it, is left alone."""
    work = out / WORK_DIR
    if not is_real_dir(work):
        return
    with contextlib.suppress(OSError):
        for e in sorted(os.scandir(work), key=lambda e: e.name):
            m = _ENTRY.match(e.name)
            if not m or e.is_symlink() or run not in (None, m.group(3)):
                continue
            kind, name = m.group(1), m.group(2)
            if kind == "old" and not os.path.lexists(out / name) and e.is_dir(follow_symlinks=False):
                with contextlib.suppress(OSError):  # the last good report, left mid-swap: put back, or kept for later
                    os.rename(e.path, out / name)
                continue
            remove(Path(e.path))
