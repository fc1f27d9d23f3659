"""Refresh: download Epoch AI's current files into a new, immutable vintage folder.

``pull(url_base, dest)`` fetches the public files Epoch AI publishes (``FILES``; URLs as given on epoch.ai's data
pages and used by many open projects: https://epoch.ai/data/notable_ai_models.csv, .../ml_hardware.csv and
.../benchmark_data.zip) and writes ``dest/<vintage>/`` with one extract + metadata per file through
:func:`analysis.data.upstream.write_snapshot`, the same way the shipped snapshots were made.

Atomic: everything is downloaded and written into a temporary folder beside the destination
(``dest/.pull-<vintage>-XXXX``); each download must be complete (its Content-Length, when sent, must match the
bytes received) and must parse as the Epoch file it claims to be; only then is the folder renamed to
``dest/<vintage>``. Any failure (HTTP error, timeout, truncated or non-CSV body, Ctrl-C) removes the temporary
folder and raises one :class:`~analysis.errors.AtlasError` line. A vintage folder that exists is never touched.
"""

from __future__ import annotations

import datetime as dt
import io
import os
import re
import shutil
import socket
import tempfile
import time
import urllib.error
import urllib.request
import zipfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from typing import TextIO

from analysis.data import epoch, snapshot_package, upstream
from analysis.data import infrastructure_snapshots as infra
from analysis.data.tables import display_path
from analysis.errors import AtlasError, UsageError

URL_BASE = "https://epoch.ai/data"
DEFAULT_DEST = upstream.UPSTREAM_DIR / "epoch-ai"
CHUNK = 1 << 16
MAX_BYTES = 500 * 1024 * 1024

LICENCE = "CC BY 4.0"
LICENCE_URL = "https://creativecommons.org/licenses/by/4.0/"
MODELS_CREDIT = "Epoch AI, 'Data on AI Models'. Published online at epoch.ai. Retrieved from https://epoch.ai/data/ai-models"
HARDWARE_CREDIT = ("Epoch AI, 'Data on Machine Learning Hardware'. Published online at epoch.ai. "
                   "Retrieved from https://epoch.ai/data/machine-learning-hardware")
HUB_CREDIT = "Epoch AI, 'AI Benchmarking Hub'. Published online at epoch.ai. Retrieved from https://epoch.ai/benchmarks"

# (file name at url_base, kind, metadata common to its snapshots)
FILES = (
    ("notable_ai_models.csv", "models", {"dataset": "notable_ai_models", "title": "Data on AI Models: notable AI models",
                                         "credit": MODELS_CREDIT}),
    ("ml_hardware.csv", "hardware", {"dataset": "ml_hardware", "title": "Data on Machine Learning Hardware",
                                     "credit": HARDWARE_CREDIT}),
    ("benchmark_data.zip", "hub", {"title": "AI Benchmarking Hub", "credit": HUB_CREDIT}),
)
# Opt-in (``data pull --infrastructure``): Epoch AI's GPU clusters and frontier data centers (issue 27). These URLs
# are the ones open projects download (epoch.ai's data pages say "download as a CSV" without printing the address),
# so they are kept out of the default pull: a moved file must not break the models pull. The AI-chip exports have no
# per-file download on epoch.ai (the explorers offer a zip whose layout is not documented); refresh them from
# Epoch's repository with tools/snapshot_upstream.py.
INFRASTRUCTURE_FILES = (
    ("gpu_clusters.csv", "infrastructure", {"spec": "gpu_clusters"}),
    ("data_centers/data_centers.csv", "infrastructure", {"spec": "data_centers"}),
    ("data_centers/data_center_timelines.csv", "infrastructure", {"spec": "data_center_timelines"}),
)
_VINTAGE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
HARDWARE_COLUMNS = ("Hardware name", "Release date")
HUB_COLUMN = "Model version"

Progress = Callable[[str, int, int | None], None]  # (file name, bytes so far, total or None)


def _size(n: int) -> str:
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
            text = f"{name:<24} [{bar}] {frac * 100:3.0f}% {_size(done)} of {_size(total)}"
        else:
            text = f"{name:<24} {_size(done)}"
        if self.tty:
            self.stream.write("\r" + text + ("\n" if finished else ""))
        elif finished or done == 0:
            self.stream.write(text + ("\n" if finished else " …\n"))
        self.stream.flush()

    def done(self, name: str, size: int) -> None:
        """Mark a download without Content-Length as finished."""
        self(name, size, size)


@dataclass(frozen=True)
class PullResult:
    folder: Path  # dest/<vintage>
    vintage: str
    snapshots: tuple[upstream.Snapshot, ...]
    downloads: tuple[tuple[str, str, int, str], ...]  # (url, file, bytes, sha256)
    previous: str | None  # the newest notable vintage before this one in dest

    def to_dict(self) -> dict:
        return {"folder": display_path(self.folder), "vintage": self.vintage, "previous_vintage": self.previous,
                "downloads": [{"url": u, "file": f, "bytes": b, "sha256": h} for u, f, b, h in self.downloads],
                "snapshots": [{"name": s.meta.get("dataset") or s.name, "rows": s.meta["rows"],
                               "newest": s.meta.get("vintage"), "sha256_extract": s.meta["sha256_extract"]}
                              for s in self.snapshots]}

    def lines(self) -> list[str]:
        out = [f"pulled vintage {self.vintage} into {display_path(self.folder)}:"]
        for u, _, b, h in self.downloads:
            out.append(f"  {u}: {_size(b)}, sha256 {h[:12]}")
        models = [s for s in self.snapshots if "benchmarking_hub" not in s.path.parts]
        hub = [s for s in self.snapshots if "benchmarking_hub" in s.path.parts]
        for s in models:
            out.append(f"  {s.name}: {s.meta['rows']} rows, newest {s.meta.get('vintage')}")
        if hub:
            out.append(f"  benchmarking_hub: {len(hub)} tables, {sum(s.meta['rows'] for s in hub)} rows")
        return out


def _fail(url: str, why: str) -> AtlasError:
    return AtlasError(f"{url}: {why}; nothing was written")


def download(url: str, name: str, *, timeout: float, progress: Progress | None = None) -> bytes:
    """The complete body of ``url``, or AtlasError (HTTP error, timeout, truncated, too large)."""
    req = urllib.request.Request(url, headers={"User-Agent": "frontier-atlas data pull"})
    try:
        with urllib.request.urlopen(req, timeout=timeout) as resp:
            length = resp.headers.get("Content-Length")
            total = int(length) if length and length.isdigit() else None
            if total is not None and total > MAX_BYTES:
                raise _fail(url, f"file is {total / 1e6:.0f} MB, larger than the {MAX_BYTES // 2**20} MiB limit")
            buf = io.BytesIO()
            if progress:
                progress(name, 0, total)
            while True:
                chunk = resp.read(CHUNK)
                if not chunk:
                    break
                buf.write(chunk)
                if buf.tell() > MAX_BYTES:
                    raise _fail(url, f"download exceeds the {MAX_BYTES // 2**20} MiB limit")
                if progress:
                    progress(name, buf.tell(), total)
    except urllib.error.HTTPError as exc:
        raise _fail(url, f"HTTP {exc.code} {exc.reason}") from None
    except urllib.error.URLError as exc:
        reason = exc.reason
        if isinstance(reason, (TimeoutError, socket.timeout)):
            raise _fail(url, f"no response within {timeout:g} s") from None
        raise _fail(url, f"cannot connect ({reason})") from None
    except TimeoutError:
        raise _fail(url, f"download stalled (no data for {timeout:g} s)") from None
    except (ConnectionError, OSError) as exc:
        if isinstance(exc, AtlasError):
            raise
        raise _fail(url, f"download interrupted ({exc})") from None
    except Exception as exc:  # http.client.IncompleteRead and other protocol errors
        if isinstance(exc, AtlasError):
            raise
        raise _fail(url, f"download interrupted ({type(exc).__name__})") from None
    data = buf.getvalue()
    if total is not None and len(data) != total:
        raise _fail(url, f"truncated download: received {len(data)} of {total} bytes (Content-Length)")
    if not data.strip():
        raise _fail(url, "empty download")
    if progress and total is None and isinstance(progress, TextProgress):
        progress.done(name, len(data))
    return data


def _header(raw: bytes, url: str) -> list[str]:
    import csv

    if b"\x00" in raw[:65536]:
        raise _fail(url, "not a CSV file (binary content)")
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise _fail(url, f"not UTF-8 text (offset {exc.start})") from None
    first = text.lstrip()[:200].lower()
    if first.startswith(("<!doctype", "<html", "<?xml", "{", "[")):
        raise _fail(url, "not a CSV file (the server sent HTML or JSON)")
    try:
        return [h.strip() for h in next(csv.reader(io.StringIO(text, newline="")))]
    except (StopIteration, csv.Error) as exc:
        raise _fail(url, f"not a valid CSV ({exc})") from None


def check_models(raw: bytes, url: str, tmp: Path) -> None:
    """The body parses as an Epoch models export with at least one dated model (via :func:`analysis.data.epoch.load_epoch`)."""
    _header(raw, url)
    probe = tmp / ".probe.csv"
    probe.write_bytes(raw)
    try:
        models = epoch.load_epoch(probe).models
    except AtlasError as exc:
        raise _fail(url, f"not an Epoch AI models export ({getattr(exc, 'detail', None) or exc})") from None
    finally:
        probe.unlink(missing_ok=True)
    if models.empty:
        raise _fail(url, "no model with a name and a publication date")


def check_hardware(raw: bytes, url: str) -> None:
    header = _header(raw, url)
    missing = [c for c in HARDWARE_COLUMNS if c not in header]
    if missing:
        raise _fail(url, f"not an Epoch AI hardware export: no {missing[0]!r} column")


def hub_members(raw: bytes, url: str) -> list[tuple[PurePosixPath, bytes]]:
    """The CSV members of the Benchmarking Hub zip as (relative path, bytes); checks that it is the hub."""
    try:
        zf = zipfile.ZipFile(io.BytesIO(raw))
    except zipfile.BadZipFile:
        raise _fail(url, "not a zip archive") from None
    members = []
    with zf:
        for info in zf.infolist():
            p = PurePosixPath(info.filename)
            if info.is_dir() or p.suffix.lower() != ".csv" or p.name.startswith(".") or "__MACOSX" in p.parts:
                continue
            if p.is_absolute() or ".." in p.parts:
                raise _fail(url, f"unsafe path in archive: {info.filename}")
            try:
                members.append((p, zf.read(info)))
            except (zipfile.BadZipFile, OSError, EOFError) as exc:
                raise _fail(url, f"corrupt archive member {info.filename} ({exc})") from None
    if not members:
        raise _fail(url, "the archive holds no CSV file")
    tops = {p.parts[0] for p, _ in members}
    if len(tops) == 1 and all(len(p.parts) > 1 for p, _ in members):  # strip one common top folder
        members = [(PurePosixPath(*p.parts[1:]), b) for p, b in members]
    if not any(HUB_COLUMN in _header(b, f"{url}!{p}") for p, b in members):
        raise _fail(url, f"not the Benchmarking Hub archive: no table has a {HUB_COLUMN!r} column")
    return sorted(members)


def _meta(url: str, common: dict, vintage: str) -> dict:
    return {"producer": "Epoch AI", "url": url, "licence": LICENCE, "licence_url": LICENCE_URL, "accessed": vintage,
            "origin": {"url": url, "note": "downloaded from the producer by frontier-atlas data pull"}, **common}


def pull(url_base: str = URL_BASE, dest: Path = DEFAULT_DEST, *, vintage: str | None = None, timeout: float = 60.0,
         progress: Progress | None = None, files: tuple = FILES) -> PullResult:
    """Download ``files`` from ``url_base`` into ``dest/<vintage>`` atomically (see the module docstring)."""
    vintage = vintage or dt.datetime.now(dt.UTC).date().isoformat()
    if not _VINTAGE.match(vintage):
        raise UsageError(f"--vintage: expected a date YYYY-MM-DD, got {vintage!r}")
    try:
        dt.date.fromisoformat(vintage)
    except ValueError:
        raise UsageError(f"--vintage: not a valid date: {vintage}") from None
    if not re.match(r"^https?://", url_base):
        raise UsageError(f"--url-base: expected an http(s) URL, got {url_base!r}")
    dest = Path(dest)
    final = dest / vintage
    if final.exists():
        raise UsageError(f"{display_path(final)}: vintage {vintage} already exists; snapshots are never overwritten "
                         "(pass another --vintage)")
    try:
        dest.mkdir(parents=True, exist_ok=True)
        tmp = Path(tempfile.mkdtemp(prefix=f".pull-{vintage}-", dir=dest))
    except OSError as exc:
        raise UsageError(f"{display_path(dest)}: cannot create the destination ({exc.strerror or exc})") from None
    try:
        stage = tmp / vintage
        downloads, snaps = [], []
        base = url_base.rstrip("/")
        for fname, kind, common in files:
            url = f"{base}/{fname}"
            raw = download(url, fname, timeout=timeout, progress=progress)
            downloads.append((url, fname, len(raw), upstream.sha256_bytes(raw)))
            meta = _meta(url, common, vintage)
            if kind == "models":
                check_models(raw, url, tmp)
                snaps.append(upstream.write_snapshot(stage, common["dataset"], raw, meta, date_column="Publication date"))
            elif kind == "hardware":
                check_hardware(raw, url)
                snaps.append(upstream.write_snapshot(stage, common["dataset"], raw, meta, date_column="Release date"))
            elif kind == "infrastructure":
                _header(raw, url)
                spec = infra.spec(common["spec"])
                try:
                    m = infra.snapshot_meta(spec, raw, accessed=vintage, url=url, origin=meta["origin"])
                except AtlasError as exc:
                    raise _fail(url, getattr(exc, "detail", None) or str(exc)) from None
                snaps.append(upstream.write_snapshot(stage, spec.name, raw, m, date_column=spec.date_column,
                                                     drop=spec.drop))
            else:
                for rel, body in hub_members(raw, url):
                    folder = stage / "benchmarking_hub" / rel.parent
                    m = {**meta, "dataset": f"benchmarking_hub/{rel.with_suffix('').as_posix()}",
                         "origin": {**meta["origin"], "path": f"{fname}!{rel.as_posix()}",
                                    "sha256_archive": upstream.sha256_bytes(raw)}}
                    date_col = "Release date" if "Release date" in _header(body, url) else None
                    try:
                        snaps.append(upstream.write_snapshot(folder, rel.stem, body, m, date_column=date_col))
                    except UsageError as exc:
                        raise _fail(url, f"archive member {rel}: {exc}") from None
        previous = _previous(dest, vintage)
        try:
            os.rename(stage, final)
        except OSError as exc:
            if final.exists():
                raise UsageError(f"{display_path(final)}: vintage {vintage} appeared during the download; "
                                 "snapshots are never overwritten") from None
            raise AtlasError(f"{display_path(final)}: cannot move the new vintage into place ({exc.strerror or exc})") from None
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    if (dest.parent / snapshot_package.DESCRIPTOR).exists():  # keep the Frictionless descriptor of the snapshots current
        snapshot_package.write(dest.parent)
    moved = tuple(upstream.Snapshot(final / s.path.relative_to(stage), s.meta) for s in snaps)
    return PullResult(folder=final, vintage=vintage, snapshots=moved, downloads=tuple(downloads), previous=previous)


def _previous(dest: Path, vintage: str) -> str | None:
    older = sorted(p.parent.name for p in dest.glob(f"*/{FILES[0][2]['dataset']}.csv")
                   if _VINTAGE.match(p.parent.name) and p.parent.name < vintage)
    return older[-1] if older else None
