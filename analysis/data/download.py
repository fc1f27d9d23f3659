"""HTTP downloads for ``data pull``: complete, bounded in size and time, with a progress bar.

:func:`download` returns a body only when it is complete (its Content-Length, when sent, equals the bytes received)
and at most :data:`MAX_BYTES`; each network read waits at most ``timeout`` seconds, and a :class:`Watchdog` ends
the whole pull at its deadline by shutting down every connection it opened (a server dripping one byte every few
seconds never times out a single read, so a per-read timeout alone would wait for ever).
"""

from __future__ import annotations

import contextlib
import http.client
import io
import socket
import threading
import time
import urllib.error
import urllib.request
from collections.abc import Callable
from typing import TextIO

from analysis.errors import AtlasError

CHUNK = 1 << 16
MAX_BYTES = 500 * 1024 * 1024  # one download
MAX_TIMEOUT = 3600.0  # --timeout: one network read
DEFAULT_DEADLINE = 1800.0  # --deadline: the whole pull

Progress = Callable[[str, int, int | None], None]  # (file name, bytes so far, total or None)


def size_text(n: int) -> str:
    return f"{n / 1e6:.1f} MB" if n >= 1e6 else f"{n / 1e3:.1f} kB"


class TextProgress:
    """A plain-text progress bar on a stream: redrawn in place on a terminal, one line per file otherwise."""

    def __init__(self, stream: TextIO, width: int = 30, interval: float = 0.1):
        self.stream, self.width, self.interval = stream, width, interval
        self.tty = bool(getattr(stream, "isatty", lambda: False)())
        self._last = 0.0
        self._name: str | None = None

    def __call__(self, name: str, done: int, total: int | None) -> None:
        finished = total is not None and done >= total
        now = time.monotonic()
        if name != self._name:
            self._name = name
            self._last = 0.0
        if not finished and done and now - self._last < self.interval:
            return
        self._last = now
        if total:
            frac = min(1.0, done / total)
            bar = "#" * int(frac * self.width) + "." * (self.width - int(frac * self.width))
            text = f"{name:<24} [{bar}] {frac * 100:3.0f}% {size_text(done)} of {size_text(total)}"
        else:
            text = f"{name:<24} {size_text(done)}"
        if self.tty:
            self.stream.write("\r" + text + ("\n" if finished else ""))
        elif finished or done == 0:
            self.stream.write(text + ("\n" if finished else " …\n"))
        self.stream.flush()

    def done(self, name: str, size: int) -> None:
        """Mark a download without Content-Length as finished."""
        self(name, size, size)


def fail(url: str, why: str) -> AtlasError:
    """The one-line error of a failed download: the URL, why, and that nothing was written."""
    return AtlasError(f"{url}: {why}; nothing was written")


class Watchdog:
    """The overall deadline of a pull: at ``deadline`` (monotonic time) every connection opened through
    :meth:`opener` is shut down, so a read blocked on a slow server returns at once."""

    def __init__(self, deadline: float):
        self.deadline = deadline
        self.expired = False
        self._socks: list[socket.socket] = []
        self._lock = threading.Lock()
        self._timer = threading.Timer(max(0.0, deadline - time.monotonic()), self.expire)
        self._timer.daemon = True
        self._timer.start()

    def remaining(self) -> float:
        return self.deadline - time.monotonic()

    def add(self, sock: socket.socket) -> None:
        with self._lock:
            self._socks.append(sock)
            if self.expired:
                self._shut(sock)

    @staticmethod
    def _shut(sock: socket.socket) -> None:
        with contextlib.suppress(OSError):
            sock.shutdown(socket.SHUT_RDWR)

    def expire(self) -> None:
        with self._lock:
            self.expired = True
            for sock in self._socks:
                self._shut(sock)

    def cancel(self) -> None:
        self._timer.cancel()

    def opener(self) -> urllib.request.OpenerDirector:
        """urllib's opener (proxies, redirects) whose connections register their socket with this watchdog."""
        watch = self

        class HTTP(http.client.HTTPConnection):
            def connect(self):
                super().connect()
                watch.add(self.sock)

        class HTTPS(http.client.HTTPSConnection):
            def connect(self):
                super().connect()
                watch.add(self.sock)

        class HTTPHandler(urllib.request.HTTPHandler):
            def http_open(self, req):
                return self.do_open(HTTP, req)

        class HTTPSHandler(urllib.request.HTTPSHandler):
            def https_open(self, req):
                return self.do_open(HTTPS, req)

        return urllib.request.build_opener(HTTPHandler, HTTPSHandler)


def download(url: str, name: str, *, timeout: float, progress: Progress | None = None,
             watchdog: Watchdog | None = None) -> tuple[bytes, int | None]:
    """The complete body of ``url`` and the server's Content-Length (None if not sent), or AtlasError (HTTP
    error, timeout, deadline, truncated, too large)."""
    own = watchdog is None
    watchdog = Watchdog(time.monotonic() + DEFAULT_DEADLINE) if own else watchdog
    req = urllib.request.Request(url, headers={"User-Agent": "frontier-atlas data pull"})
    total = None
    buf = io.BytesIO()
    try:
        with watchdog.opener().open(req, timeout=timeout) as resp:
            length = resp.headers.get("Content-Length")
            total = int(length) if length and length.isdigit() else None
            if total is not None and total > MAX_BYTES:
                raise fail(url, f"file is {total / 1e6:.0f} MB, larger than the {MAX_BYTES // 2**20} MiB limit")
            if progress:
                progress(name, 0, total)
            while True:
                if watchdog.expired:
                    raise TimeoutError("deadline")
                chunk = resp.read1(CHUNK)  # returns what has arrived: the deadline is checked between reads
                if not chunk:
                    break
                buf.write(chunk)
                if buf.tell() > MAX_BYTES:
                    raise fail(url, f"download exceeds the {MAX_BYTES // 2**20} MiB limit")
                if progress:
                    progress(name, buf.tell(), total)
    except urllib.error.HTTPError as exc:
        raise fail(url, f"HTTP {exc.code} {exc.reason}") from None
    except AtlasError:
        raise
    except Exception as exc:  # URLError, timeouts, resets, http.client.IncompleteRead and other protocol errors
        if watchdog.expired:
            raise fail(url, f"the pull did not finish within its deadline ({_secs(watchdog)}); "
                             "a slow or stalled server (raise --deadline on a slow connection)") from None
        reason = exc.reason if isinstance(exc, urllib.error.URLError) else exc
        if isinstance(reason, (TimeoutError, socket.timeout)):
            what = "no response" if total is None and not buf.tell() else "download stalled (no data"
            raise fail(url, f"{what} within {timeout:g} s" + (")" if what.startswith("download") else "")) from None
        if isinstance(exc, urllib.error.URLError):
            raise fail(url, f"cannot connect ({reason})") from None
        raise fail(url, f"download interrupted ({type(exc).__name__}{': ' + str(exc) if str(exc) else ''})") from None
    finally:
        if own:
            watchdog.cancel()
    data = buf.getvalue()
    if watchdog.expired:
        raise fail(url, f"the pull did not finish within its deadline ({_secs(watchdog)})")
    if total is not None and len(data) != total:
        raise fail(url, f"truncated download: received {len(data)} of {total} bytes (Content-Length)")
    if not data.strip():
        raise fail(url, "empty download")
    if progress and total is None and isinstance(progress, TextProgress):
        progress.done(name, len(data))
    return data, total


def _secs(watchdog: Watchdog) -> str:
    return f"deadline passed {max(0.0, -watchdog.remaining()):.0f} s ago" if watchdog.remaining() < 0 else "deadline"


