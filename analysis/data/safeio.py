"""Bounded, safe reading of user-supplied files.

A path given on the command line may name anything: a FIFO (reading blocks for ever), a character device such as
``/dev/zero`` (reports size 0, then reads without end), a symlink to either, a directory, or a file too large to
hold in memory. :func:`read_bytes_limited` refuses every non-regular file *before* opening it for reading (a FIFO
is never opened, so nothing can block) and reads at most ``limit + 1`` bytes, so the size limit holds even when
the reported size is wrong (files that grow while being read, special file systems).
"""

from __future__ import annotations

import contextlib
import errno
import hashlib
import os
import stat
from pathlib import Path

from analysis.data import schema
from analysis.errors import UsageError

# Largest input file read into memory. A 100,000-model CSV in our schema is about 30 MB; Epoch AI's all-models
# export (2026) is under 20 MB. 200 MiB leaves an order of magnitude of headroom and keeps the peak memory of any
# command well under 2 GB.
MAX_FILE_BYTES = 200 * 1024 * 1024


def display_path(path: Path) -> str:
    """Path as shown in messages: relative to the project when inside it; a very long path is shortened in the
    middle (a 5,000-character name stays a one-line message). Never raises (a symlink loop, a name too long)."""
    try:
        text = str(path.resolve().relative_to(schema.PROJECT_ROOT))
    except (ValueError, OSError, RuntimeError):  # outside the project, a symlink loop, a name too long
        text = str(path)
    return shorten(text)


def shorten(text: str, limit: int = 300) -> str:
    """Text of a message part (a path the user gave) cut in the middle when longer than ``limit``."""
    return text if len(text) <= limit else f"{text[:150]}…{text[-100:]} ({len(text):,} characters)"


def exists(path: Path) -> bool:
    """``path.exists()`` that is False, not an exception, for a name too long, a symlink loop or a NUL byte."""
    try:
        os.stat(path)
    except (OSError, ValueError):
        return False
    return True


def is_file(path: Path) -> bool:
    """``path.is_file()`` that is False, not an exception, for any name the system cannot look up."""
    try:
        return stat.S_ISREG(os.stat(path).st_mode)
    except (OSError, ValueError):
        return False


def expand_user(text: str) -> Path:
    """``Path(text).expanduser()`` that turns an unknown ``~user`` into a one-line UsageError."""
    try:
        return Path(text).expanduser()
    except RuntimeError:
        user = text[1:].split("/", 1)[0]
        raise UsageError(f"{text}: no such user {user!r} for '~{user}'; write the path out in full") from None


def _kind(mode: int) -> str:
    if stat.S_ISDIR(mode):
        return "is a directory, expected a CSV file"
    if stat.S_ISFIFO(mode):
        return "is a named pipe (FIFO), expected a regular file"
    if stat.S_ISCHR(mode) or stat.S_ISBLK(mode):
        return "is a device, expected a regular file"
    if stat.S_ISSOCK(mode):
        return "is a socket, expected a regular file"
    return "is not a regular file"


def read_bytes_limited(path: Path, shown: str | None = None, limit: int = MAX_FILE_BYTES) -> bytes:
    """The bytes of a regular file of at most ``limit`` bytes, or UsageError with a one-line reason.

    Symlinks are resolved for the check (a link to ``/dev/zero`` or a FIFO is refused like its target). The file
    is opened with ``O_NONBLOCK`` and re-checked with ``fstat`` on the open descriptor, so a file swapped for a
    FIFO between the check and the open cannot block either.
    """
    shown = shown or str(path)
    try:
        st = os.stat(path)
    except FileNotFoundError:
        raise UsageError(f"{shown}: no such file") from None
    except (OSError, ValueError) as exc:  # ValueError: an embedded NUL byte
        raise UsageError(f"{shown}: {_reason(exc)}") from None
    if not stat.S_ISREG(st.st_mode):
        raise UsageError(f"{shown}: {_kind(st.st_mode)}")
    if st.st_size > limit:
        raise UsageError(f"{shown}: file is {st.st_size / 1e6:.0f} MB, larger than the {limit // 2**20} MiB limit")
    try:
        fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK | getattr(os, "O_CLOEXEC", 0))
    except OSError as exc:
        raise UsageError(f"{shown}: {_reason(exc)}") from None
    try:
        st = os.fstat(fd)
        if not stat.S_ISREG(st.st_mode):
            raise UsageError(f"{shown}: {_kind(st.st_mode)}")
        chunks: list[bytes] = []
        total = 0
        while True:
            chunk = os.read(fd, min(1 << 20, limit + 1 - total))
            if not chunk:
                break
            chunks.append(chunk)
            total += len(chunk)
            if total > limit:
                raise UsageError(f"{shown}: file is larger than the {limit // 2**20} MiB limit")
        return b"".join(chunks)
    except OSError as exc:
        raise UsageError(f"{shown}: {_reason(exc)}") from None
    finally:
        os.close(fd)


def check_regular(path: Path, shown: str | None = None) -> None:
    """UsageError unless ``path`` (after symlinks) is an existing regular file: never blocks on a FIFO."""
    shown = shown or str(path)
    try:
        st = os.stat(path)
    except FileNotFoundError:
        raise UsageError(f"{shown}: no such file") from None
    except (OSError, ValueError) as exc:
        raise UsageError(f"{shown}: {_reason(exc)}") from None
    if not stat.S_ISREG(st.st_mode):
        raise UsageError(f"{shown}: {_kind(st.st_mode)}")


def atomic_write_text(path: Path, text: str, marker: str = ".frontier-atlas-tmp") -> None:
    """Write ``path`` through a temporary file in the same folder, renamed into place; on any error (a full disk)
    the temporary file is removed and ``path`` keeps its old content. The temporary name carries our marker and
    the pid, and is created with O_EXCL|O_NOFOLLOW, so no user file or symlink can be written through."""
    tmp = path.with_name(f"{marker}-{os.getpid()}-{path.name}")
    data = text.encode("utf-8")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_CLOEXEC", 0),
                 0o644)
    try:
        try:
            view = memoryview(data)
            while view:
                n = os.write(fd, view)
                view = view[n:]
        finally:
            os.close(fd)
        os.replace(tmp, path)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise


def sha256_file(path: Path, shown: str | None = None) -> str:
    """sha256 of a regular file's bytes, read in 1 MiB chunks; a one-line UsageError naming the file when it cannot
    be read (permission, symlink loop, name too long, a FIFO or device, an I/O error)."""
    shown = shown or str(path)
    try:
        fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK | getattr(os, "O_CLOEXEC", 0))
    except FileNotFoundError:
        raise UsageError(f"{shown}: no such file") from None
    except (OSError, ValueError) as exc:
        raise UsageError(f"{shown}: {_reason(exc)}") from None
    try:
        if not stat.S_ISREG(os.fstat(fd).st_mode):
            raise UsageError(f"{shown}: {_kind(os.fstat(fd).st_mode)}")
        h = hashlib.sha256()
        while chunk := os.read(fd, 1 << 20):
            h.update(chunk)
        return h.hexdigest()
    except OSError as exc:
        raise UsageError(f"{shown}: {_reason(exc)}") from None
    finally:
        os.close(fd)


def _reason(exc: OSError | ValueError) -> str:
    """An OSError as the few words a user can act on."""
    if isinstance(exc, ValueError):
        return "not a usable file name (it contains a NUL byte)"
    if exc.errno == errno.EACCES or exc.errno == errno.EPERM:
        return "permission denied"
    if exc.errno == errno.ELOOP:
        return "too many levels of symbolic links"
    if exc.errno == errno.ENAMETOOLONG:
        return "file name too long"
    return f"cannot read ({exc.strerror or exc})"
