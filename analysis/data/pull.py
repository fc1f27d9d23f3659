"""Refresh: download Epoch AI's current files into a new, immutable vintage folder.

``pull(url_base, dest)`` fetches the public files Epoch AI publishes (``FILES``; URLs as given on epoch.ai's data
pages and used by many open projects: https://epoch.ai/data/notable_ai_models.csv, .../ml_hardware.csv and
.../benchmark_data.zip) and writes ``dest/<vintage>/`` with one extract + metadata per file through
:func:`analysis.data.upstream.write_snapshot`, the same way the shipped snapshots were made.

All or nothing: everything is downloaded and written into a temporary folder beside the destination
(``dest/.pull-<vintage>-XXXX``); only when every file passed its checks is the folder renamed to ``dest/<vintage>``
and the snapshot descriptor rewritten (if that fails, the rename is undone). Any failure (HTTP error, timeout,
deadline, truncated or non-CSV body, Ctrl-C, SIGTERM) removes the temporary folder and raises one
:class:`~analysis.errors.AtlasError` line; a vintage folder that exists is never touched. Temporary folders a killed
pull left behind (older than :data:`STALE_PULL_SECONDS`) are removed by the next pull and never read.

Accepted downloads are complete and bounded:

* **complete**: the bytes received equal the Content-Length when the server sends one (recorded in the metadata as
  ``bytes_download`` and ``content_length``); a CSV must end with a line break after a complete last record (no
  unterminated quote, every row as wide as the header), and must not have fewer than :data:`MIN_ROW_RATIO` of the
  rows of the previous vintage of the same file (a body cut at a row boundary by a dropped connection), unless
  ``allow_fewer_rows``; a zip member's CRC is checked;
* **bounded**: at most :data:`MAX_BYTES` per download; a zip member is read in chunks and refused beyond
  :data:`MAX_UNPACKED_BYTES` in total or a compression ratio above :data:`MAX_RATIO` (a zip bomb never reaches
  memory); each network read waits at most ``timeout`` seconds (at most :data:`MAX_TIMEOUT`), and the whole pull
  ends at ``deadline`` seconds (a server dripping a byte every few seconds is cut off: the connections are shut
  down from a watchdog thread).
"""

from __future__ import annotations

import contextlib
import csv
import datetime as dt
import io
import os
import re
import shutil
import signal
import tempfile
import threading
import time
import zipfile
from dataclasses import dataclass
from pathlib import Path, PurePosixPath

from analysis.data import epoch, snapshot_package, upstream
from analysis.data import infrastructure_snapshots as infra
from analysis.data.download import (  # noqa: F401  (TextProgress, Progress, MAX_*: part of pull's interface)
    CHUNK,
    DEFAULT_DEADLINE,
    MAX_BYTES,
    MAX_TIMEOUT,
    Progress,
    TextProgress,
    Watchdog,
    download,
    size_text,
)
from analysis.data.download import (
    fail as _fail,
)
from analysis.data.safeio import atomic_write_text
from analysis.data.tables import display_path
from analysis.errors import AtlasError, UsageError

URL_BASE = "https://epoch.ai/data"
DEFAULT_DEST = upstream.UPSTREAM_DIR / "epoch-ai"
MAX_UNPACKED_BYTES = 256 * 1024 * 1024  # all CSV members of the hub archive together (2026: about 5 MB)
MAX_RATIO = 100  # unpacked / compressed size of one zip member (CSV text compresses 5-20x)
MIN_ROW_RATIO = 0.9  # a new vintage with fewer rows than this share of the previous one is refused
STALE_PULL_SECONDS = 3600
_PULL_DIR = re.compile(r"^\.pull-\d{4}-\d{2}-\d{2}-")


class Terminated(AtlasError):
    """The pull received SIGTERM: the temporary folder was removed, nothing was written."""

    exit_code = 128 + signal.SIGTERM

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
            out.append(f"  {u}: {size_text(b)}, sha256 {h[:12]}")
        models = [s for s in self.snapshots if "benchmarking_hub" not in s.path.parts]
        hub = [s for s in self.snapshots if "benchmarking_hub" in s.path.parts]
        for s in models:
            out.append(f"  {s.name}: {s.meta['rows']} rows, newest {s.meta.get('vintage')}")
        if hub:
            out.append(f"  benchmarking_hub: {len(hub)} tables, {sum(s.meta['rows'] for s in hub)} rows")
        return out


def check_complete(raw: bytes, url: str) -> int:
    """The number of records of a CSV body, or AtlasError if it is cut: no line break after the last record, an
    unterminated quoted field, or a row narrower or wider than the header."""
    text = raw.decode("utf-8-sig")  # already checked by _header
    if not text.endswith(("\n", "\r")):
        raise _fail(url, "truncated download: the file does not end with a line break (cut mid-row)")
    reader = csv.reader(io.StringIO(text, newline=""), strict=True)
    try:
        width = len(next(reader))
        rows = 0
        for rec in reader:
            if not rec or all(not c.strip() for c in rec):
                continue
            if len(rec) != width:
                raise _fail(url, f"truncated or malformed download: line {reader.line_num} has {len(rec)} fields, "
                                 f"the header has {width}")
            rows += 1
    except csv.Error as exc:
        raise _fail(url, f"truncated or malformed download: not a valid CSV at line {reader.line_num} ({exc})") from None
    return rows


def check_row_count(rows: int, previous: int | None, url: str, allow_fewer: bool) -> None:
    """A body cut at a row boundary looks complete: compare with the previous vintage of the same file."""
    if previous and rows < MIN_ROW_RATIO * previous and not allow_fewer:
        raise _fail(url, f"{rows} rows where the previous vintage has {previous} (fewer than "
                         f"{MIN_ROW_RATIO:.0%}): a cut download? (--allow-fewer-rows accepts it)")


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


def _read_member(zf: zipfile.ZipFile, info: zipfile.ZipInfo, url: str, budget: int) -> bytes:
    """One member, read in chunks: refused beyond ``budget`` bytes, beyond its declared size, or above
    :data:`MAX_RATIO` (the declared sizes of a crafted archive are not trusted)."""
    if info.file_size > budget:
        raise _fail(url, f"archive member {info.filename} unpacks to {info.file_size / 1e6:.0f} MB, over the "
                         f"{MAX_UNPACKED_BYTES // 2**20} MiB limit of the unpacked archive")
    if info.file_size > MAX_RATIO * max(info.compress_size, 1) and info.file_size > 1 << 20:
        raise _fail(url, f"archive member {info.filename} has a compression ratio of "
                         f"{info.file_size / max(info.compress_size, 1):.0f}:1 (over {MAX_RATIO}:1): a zip bomb?")
    out = io.BytesIO()
    with zf.open(info) as fh:
        while chunk := fh.read(CHUNK):
            out.write(chunk)
            if out.tell() > min(budget, info.file_size):
                raise _fail(url, f"archive member {info.filename} unpacks to more than it declares "
                                 f"({info.file_size} bytes) or the limit")
    return out.getvalue()


def hub_members(raw: bytes, url: str) -> list[tuple[PurePosixPath, bytes]]:
    """The CSV members of the Benchmarking Hub zip as (relative path, bytes); checks that it is the hub, that each
    member is intact (CRC) and that the archive unpacks to a bounded size."""
    try:
        zf = zipfile.ZipFile(io.BytesIO(raw))
    except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, ValueError, EOFError):
        raise _fail(url, "not a zip archive") from None
    members = []
    budget = MAX_UNPACKED_BYTES
    with zf:
        for info in zf.infolist():
            p = PurePosixPath(info.filename)
            if info.is_dir() or p.suffix.lower() != ".csv" or p.name.startswith(".") or "__MACOSX" in p.parts:
                continue
            if p.is_absolute() or ".." in p.parts:
                raise _fail(url, f"unsafe path in archive: {info.filename}")
            try:
                body = _read_member(zf, info, url, budget)
            except (zipfile.BadZipFile, zipfile.LargeZipFile, NotImplementedError, OSError, EOFError,
                    ValueError, RuntimeError) as exc:
                raise _fail(url, f"corrupt archive member {info.filename} ({exc})") from None
            budget -= len(body)
            members.append((p, body))
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
         progress: Progress | None = None, files: tuple = FILES, deadline: float = DEFAULT_DEADLINE,
         allow_fewer_rows: bool = False) -> PullResult:
    """Download ``files`` from ``url_base`` into ``dest/<vintage>``, all or nothing (see the module docstring)."""
    vintage = vintage or dt.datetime.now(dt.UTC).date().isoformat()
    if not _VINTAGE.match(vintage):
        raise UsageError(f"--vintage: expected a date YYYY-MM-DD, got {vintage!r}")
    try:
        dt.date.fromisoformat(vintage)
    except ValueError:
        raise UsageError(f"--vintage: not a valid date: {vintage}") from None
    if not re.match(r"^https?://", url_base):
        raise UsageError(f"--url-base: expected an http(s) URL, got {url_base!r}")
    for opt, v, hi in (("--timeout", timeout, MAX_TIMEOUT), ("--deadline", deadline, 7 * 24 * 3600.0)):
        if not 0 < v <= hi:  # also refuses nan; a huge value would overflow the socket's timeval
            raise UsageError(f"{opt}: must be a number of seconds between 0 and {hi:g}, got {v:g}")
    dest = Path(dest)
    final = dest / vintage
    if final.exists():
        raise UsageError(f"{display_path(final)}: vintage {vintage} already exists; snapshots are never overwritten "
                         "(pass another --vintage)")
    try:
        dest.mkdir(parents=True, exist_ok=True)
        _remove_stale(dest)
        tmp = Path(tempfile.mkdtemp(prefix=f".pull-{vintage}-", dir=dest))
    except OSError as exc:
        raise UsageError(f"{display_path(dest)}: cannot create the destination ({exc.strerror or exc})") from None
    watchdog = Watchdog(time.monotonic() + deadline)
    try:
        with _terminate_cleanly():
            stage = tmp / vintage
            downloads, snaps = _fetch_all(url_base, dest, stage, tmp, vintage, files, timeout=timeout,
                                          progress=progress, watchdog=watchdog, allow_fewer_rows=allow_fewer_rows)
            previous = _previous(dest, vintage)
            _move_into_place(stage, final, dest)
    finally:
        watchdog.cancel()
        shutil.rmtree(tmp, ignore_errors=True)
    moved = tuple(upstream.Snapshot(final / s.path.relative_to(stage), s.meta) for s in snaps)
    return PullResult(folder=final, vintage=vintage, snapshots=moved, downloads=tuple(downloads), previous=previous)


def _fetch_all(url_base, dest, stage, tmp, vintage, files, *, timeout, progress, watchdog, allow_fewer_rows):
    """Download, check and stage every file (nothing outside ``tmp`` is written)."""
    downloads, snaps = [], []
    base = url_base.rstrip("/")
    for fname, kind, common in files:
        url = f"{base}/{fname}"
        raw, length = download(url, fname, timeout=timeout, progress=progress, watchdog=watchdog)
        downloads.append((url, fname, len(raw), upstream.sha256_bytes(raw)))
        meta = {**_meta(url, common, vintage), "bytes_download": len(raw), "content_length": length}
        if kind in ("models", "hardware"):
            _header(raw, url)  # CSV text, not an HTML error page
            rows = check_complete(raw, url)
            if kind == "models":
                check_models(raw, url, tmp)
            else:
                check_hardware(raw, url)
            check_row_count(rows, _previous_rows(dest, common["dataset"], vintage), url, allow_fewer_rows)
            date_col = "Publication date" if kind == "models" else "Release date"
            snaps.append(upstream.write_snapshot(stage, common["dataset"], raw, meta, date_column=date_col))
        elif kind == "infrastructure":  # Epoch's GPU clusters and data centers (data pull --infrastructure)
            _header(raw, url)
            rows = check_complete(raw, url)
            spec = infra.spec(common["spec"])
            check_row_count(rows, _previous_rows(dest, spec.name, vintage), url, allow_fewer_rows)
            try:
                m = infra.snapshot_meta(spec, raw, accessed=vintage, url=url, origin=meta["origin"])
            except AtlasError as exc:
                raise _fail(url, getattr(exc, "detail", None) or str(exc)) from None
            m = {**m, "bytes_download": len(raw), "content_length": length}
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
    return downloads, snaps


def _move_into_place(stage: Path, final: Path, dest: Path) -> None:
    """Rename the staged vintage into place and rewrite the snapshot descriptor; undo the rename if that fails."""
    try:
        os.rename(stage, final)
    except OSError as exc:
        if final.exists():
            raise UsageError(f"{display_path(final)}: vintage {final.name} appeared during the download; "
                             "snapshots are never overwritten") from None
        raise AtlasError(f"{display_path(final)}: cannot move the new vintage into place ({exc.strerror or exc})") from None
    descriptor = dest.parent / snapshot_package.DESCRIPTOR
    if not descriptor.exists():
        return
    try:  # keep the Frictionless descriptor of the snapshots current
        atomic_write_text(descriptor, snapshot_package.render(dest.parent))
    except BaseException as exc:
        with contextlib.suppress(OSError):
            os.rename(final, stage)  # all or nothing: the vintage goes back to the temporary folder (removed)
        if isinstance(exc, AtlasError):
            raise AtlasError(f"{display_path(descriptor)}: cannot update the snapshot descriptor ({exc}); "
                             "nothing was written") from None
        if isinstance(exc, OSError):
            raise AtlasError(f"{display_path(descriptor)}: cannot update the snapshot descriptor "
                             f"({exc.strerror or exc}); nothing was written") from None
        raise


@contextlib.contextmanager
def _terminate_cleanly():
    """SIGTERM during the pull raises :class:`Terminated` (so the temporary folder is removed), in the main thread."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return

    def handler(signum, frame):
        raise Terminated("data pull terminated (SIGTERM); nothing was written")

    previous = signal.signal(signal.SIGTERM, handler)
    try:
        yield
    finally:
        signal.signal(signal.SIGTERM, previous)


def _remove_stale(dest: Path) -> None:
    """Remove temporary folders of pulls that were killed (older than :data:`STALE_PULL_SECONDS`)."""
    now = time.time()
    for p in dest.iterdir():
        try:
            if _PULL_DIR.match(p.name) and p.is_dir() and not p.is_symlink() and \
                    now - p.stat().st_mtime > STALE_PULL_SECONDS:
                shutil.rmtree(p, ignore_errors=True)
        except OSError:
            continue


def _previous_rows(dest: Path, dataset: str, vintage: str) -> int | None:
    """Rows of the newest earlier vintage of ``dataset`` in ``dest`` (from its metadata), or None."""
    older = sorted(p for p in dest.glob(f"*/{dataset}.csv") if _VINTAGE.match(p.parent.name) and p.parent.name < vintage)
    if not older:
        return None
    try:
        rows = upstream.read_meta(older[-1]).get("rows")
    except AtlasError:
        return None
    return rows if isinstance(rows, int) else None


def _previous(dest: Path, vintage: str) -> str | None:
    older = sorted(p.parent.name for p in dest.glob(f"*/{FILES[0][2]['dataset']}.csv")
                   if _VINTAGE.match(p.parent.name) and p.parent.name < vintage)
    return older[-1] if older else None
