"""Adversarial cases against the data layer, each named by what a user (or their network, disk or colleague) did.

Issue 24 items 2-5 and 7: the cache cannot run code and is bounded; every way of reading a snapshot checks it; a pull
accepts only complete, bounded downloads and is all or nothing; foreseeable faults give one line naming the file and
the reason; what we write, we read. Pull cases run against a local HTTP server on 127.0.0.1 (no network).
"""

from __future__ import annotations

import csv
import http.server
import io
import json
import os
import shutil
import signal
import subprocess
import sys
import threading
import time
import zipfile
from pathlib import Path

import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from analysis.cli.main import main
from analysis.data import pull, snapshot_package, upstream
from analysis.errors import AtlasError

ROOT = Path(__file__).resolve().parents[1]

# --- a local server with the failure modes of a real network ------------------------------------------------------

HEAD = ["Model", "Organization", "Publication date", "Domain", "Parameters", "Training compute (FLOP)", "Link",
        "Model accessibility"]


def _csv(header, rows) -> bytes:
    buf = io.StringIO(newline="")
    w = csv.writer(buf, lineterminator="\n")
    w.writerow(header)
    w.writerows(rows)
    return buf.getvalue().encode("utf-8")


def _models(n: int) -> bytes:
    return _csv(HEAD, [[f"Model {i}", "Lab", f"2025-{1 + i % 12:02d}-01", "Language", "7e9", f"{1 + i}e22",
                        f"https://m{i}.example", "API access"] for i in range(n)])


def _zip(members: dict[str, bytes]) -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", compression=zipfile.ZIP_DEFLATED) as zf:
        for name, body in members.items():
            zf.writestr(name, body)
    return buf.getvalue()


NOTABLE = _models(40)
HARDWARE = _csv(["Hardware name", "Manufacturer", "Release date", "TDP (W)"],
                [["NVIDIA H100 SXM5 80GB", "NVIDIA", "2022-09-20", "700"]])
HUB = _zip({"benchmark_data/gpqa_diamond.csv": _csv(["Model version", "mean_score", "Release date"],
                                                    [["model-a-2025", "0.5", "2025-01-01"]])})
GOOD = {"/d/notable_ai_models.csv": NOTABLE, "/d/ml_hardware.csv": HARDWARE, "/d/benchmark_data.zip": HUB}


class _Handler(http.server.BaseHTTPRequestHandler):
    routes: dict = {}
    stop: threading.Event

    def log_message(self, *args):
        pass

    def do_GET(self):  # noqa: N802 (http.server API)
        spec = self.routes.get(self.path)
        if spec is None:
            self.send_error(404, "Not Found")
            return
        body, mode = spec if isinstance(spec, tuple) else (spec, "ok")
        self.send_response(200)
        if mode == "ok":
            self.send_header("Content-Length", str(len(body)))
        self.end_headers()  # "nolength" and "drip": no Content-Length, the body ends when the connection closes
        if mode == "drip":  # one byte every 0.2 s, for as long as the client listens
            for b in body:
                if self.stop.wait(0.2):
                    return
                try:
                    self.wfile.write(bytes([b]))
                    self.wfile.flush()
                except OSError:
                    return
            return
        self.wfile.write(body)


@pytest.fixture
def server():
    routes: dict = {}
    stop = threading.Event()
    handler = type("H", (_Handler,), {"routes": routes, "stop": stop})
    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    httpd.daemon_threads = True
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    try:
        yield f"http://127.0.0.1:{httpd.server_address[1]}/d", routes
    finally:
        stop.set()
        httpd.shutdown()
        httpd.server_close()


@pytest.fixture
def dest(tmp_path):
    """A producer folder with an earlier notable vintage of 40 models and the snapshot descriptor beside it."""
    d = tmp_path / "upstream" / "epoch-ai"
    upstream.write_snapshot(d / "2026-01-01", "notable_ai_models", NOTABLE,
                            {"producer": "Epoch AI", "dataset": "notable_ai_models", "accessed": "2026-01-01"},
                            date_column="Publication date")
    snapshot_package.write(d.parent)
    return d


def _tree(path: Path):
    return sorted((p.relative_to(path).as_posix(), p.read_bytes() if p.is_file() else None) for p in path.rglob("*"))


def _pull(base, dest, *extra):
    return ["data", "pull", "--url-base", base, "--dest", str(dest), "--vintage", "2026-11-30", "--quiet", *extra]


def _bomb(size: int) -> bytes:
    return _zip({"benchmark_data/gpqa_diamond.csv": b"Model version,mean_score\n" + b"0" * size})


# (what happened, routes changed, extra options, message expected)
PULL_REFUSED = [
    ("the connection dropped mid-row and the server sent no Content-Length",
     {"/d/notable_ai_models.csv": (NOTABLE[: len(NOTABLE) // 2 + 7], "nolength")}, (), "cut mid-row"),
    ("the connection dropped inside a quoted field",
     {"/d/notable_ai_models.csv": (NOTABLE + b'"Model 99 (a name with\nline breaks,Lab\n', "nolength")}, (),
     "truncated or malformed download"),
    ("the connection dropped at a row boundary with no Content-Length (half the rows of the last vintage)",
     {"/d/notable_ai_models.csv": (_models(20), "nolength")}, (), "20 rows where the previous vintage has 40"),
    ("the hub archive is a zip bomb (a member of 8 MiB of zeros)",
     {"/d/benchmark_data.zip": _bomb(8 << 20)}, (), "compression ratio"),
    ("the server drips one byte every 0.2 s",
     {"/d/ml_hardware.csv": (HARDWARE, "drip")}, ("--deadline", "1.5", "--timeout", "5"), "deadline"),
]


def _expected_rows() -> int:
    """The default table's size counted independently of the loader: the pinned snapshot's named and dated rows
    plus the overlay's additions (csv module only)."""
    with open(ROOT / "data/upstream/epoch-ai/2026-07-19/notable_ai_models.csv", encoding="utf-8") as f:
        upstream_rows = sum(1 for r in csv.DictReader(f) if r["Model"].strip() and r["Publication date"].strip())
    with open(ROOT / "data/overlay.csv", encoding="utf-8") as f:
        return upstream_rows + sum(1 for r in csv.DictReader(f) if r["kind"] == "addition")


@pytest.mark.parametrize("what, routes, extra, message", PULL_REFUSED, ids=[c[0] for c in PULL_REFUSED])
def test_a_pull_accepts_only_complete_bounded_downloads(server, dest, capsys, what, routes, extra, message):
    base, r = server
    r.update({**GOOD, **routes})
    before = _tree(dest.parent)
    t = time.monotonic()
    code = main(_pull(base, dest, *extra))
    err = capsys.readouterr().err
    assert code == 1, err
    assert message in err and err.count("\n") == 1 and err.startswith("error: ") and "nothing was written" in err
    assert _tree(dest.parent) == before  # all or nothing
    assert time.monotonic() - t < 20


def test_the_user_accepts_a_smaller_file_on_purpose(server, dest, capsys):
    base, r = server
    r.update({**GOOD, "/d/notable_ai_models.csv": (_models(20), "nolength")})
    assert main(_pull(base, dest, "--allow-fewer-rows")) == 0, capsys.readouterr().err
    meta = upstream.read_meta(dest / "2026-11-30" / "notable_ai_models.csv")
    assert meta["rows"] == 20 and meta["content_length"] is None and meta["bytes_download"] == len(_models(20))
    hw = upstream.read_meta(dest / "2026-11-30" / "ml_hardware.csv")
    assert hw["content_length"] == hw["bytes_download"] == len(HARDWARE)  # the server's length, recorded


def test_a_zip_bomb_never_reaches_memory(server, dest, monkeypatch, capsys):
    """A member declaring more than the unpacked limit is refused before it is read (limit lowered for the test:
    the bomb is 40 MiB of zeros; the default limit is 256 MiB); peak memory stays far below the unpacked size."""
    import resource

    monkeypatch.setattr(pull, "MAX_UNPACKED_BYTES", 16 << 20)
    monkeypatch.setattr(pull, "MAX_RATIO", 10**6)  # only the size limit acts here
    base, r = server
    r.update({**GOOD, "/d/benchmark_data.zip": _bomb(40 << 20)})
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    assert main(_pull(base, dest)) == 1
    err = capsys.readouterr().err
    assert "over the 16 MiB limit" in err and err.count("\n") == 1
    assert resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - rss < 30 << 10  # KiB: < 30 MiB more


def test_timeouts_that_do_not_fit_a_socket_are_usage_errors(dest, capsys):
    for value in ("1e308", "inf", "nan", "0", "-1"):
        assert main(["data", "pull", "--dest", str(dest), "--timeout", value, "--quiet"]) == 2
        err = capsys.readouterr().err
        assert err.count("\n") == 1 and "--timeout" in err and "internal error" not in err
    assert main(["data", "pull", "--dest", str(dest), "--deadline", "1e308", "--quiet"]) == 2
    assert "--deadline" in capsys.readouterr().err


def test_an_old_temporary_folder_does_not_fail_a_pull(server, dest, capsys):
    """A killed pull left .pull-* folders: a fresh one (maybe another pull running) is left alone and ignored,
    one older than an hour is removed; the new vintage lands and the descriptor lists only real snapshots."""
    base, r = server
    r.update(GOOD)
    for name, age in ((".pull-2026-11-29-fresh", 0), (".pull-2026-11-28-stale", 7200)):
        half = dest / name / name[6:16]
        half.mkdir(parents=True)
        (half / "notable_ai_models.csv").write_bytes(NOTABLE[:100])  # no metadata: a half-written vintage
        os.utime(dest / name, (time.time() - age, time.time() - age))
    assert main(_pull(base, dest)) == 0, capsys.readouterr().err
    names = sorted(p.name for p in dest.iterdir())
    assert names == [".pull-2026-11-29-fresh", "2026-01-01", "2026-11-30"]
    desc = json.loads((dest.parent / "datapackage.json").read_text())
    assert all(".pull" not in res["path"] for res in desc["resources"])
    assert any(res["path"] == "epoch-ai/2026-11-30/notable_ai_models.csv" for res in desc["resources"])


def test_a_failed_descriptor_update_undoes_the_pull(server, dest, monkeypatch, capsys):
    base, r = server
    r.update(GOOD)
    before = _tree(dest.parent)

    def full_disk(root):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(snapshot_package, "render", full_disk)
    assert main(_pull(base, dest)) == 1
    err = capsys.readouterr().err
    assert "No space left on device" in err and "nothing was written" in err and err.count("\n") == 1
    assert _tree(dest.parent) == before


def test_a_pull_into_the_bundled_snapshot_folder_does_not_mistake_its_probe_for_a_snapshot(server, tmp_path,
                                                                                           monkeypatch, capsys):
    root = tmp_path / "upstream"
    monkeypatch.setattr(upstream, "UPSTREAM_DIR", root)
    base, r = server
    r.update(GOOD)
    assert main(_pull(base, root / "epoch-ai")) == 0, capsys.readouterr().err


def test_sigterm_during_a_pull_leaves_nothing(server, dest):
    """`kill PID` (SIGTERM) while the server drips: exit 143, one line, no .pull-* folder left."""
    base, r = server
    r.update({**GOOD, "/d/notable_ai_models.csv": (NOTABLE, "drip")})
    before = _tree(dest.parent)
    proc = subprocess.Popen([sys.executable, "-m", "analysis", *_pull(base, dest, "--timeout", "30")], cwd=ROOT,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    deadline = time.monotonic() + 60
    while not any(p.name.startswith(".pull-") for p in dest.iterdir()):
        assert time.monotonic() < deadline and proc.poll() is None
        time.sleep(0.1)
    time.sleep(0.5)
    proc.send_signal(signal.SIGTERM)
    _, err = proc.communicate(timeout=60)
    assert proc.returncode == 128 + signal.SIGTERM, err
    assert err.strip().splitlines() == ["error: data pull terminated (SIGTERM); nothing was written"]
    assert _tree(dest.parent) == before


def test_a_deadline_ends_a_download_whose_headers_never_finish(tmp_path):
    """A server that accepts the connection and never answers: the watchdog ends it at the deadline, not the
    per-read timeout."""
    import socket

    srv = socket.socket()
    srv.bind(("127.0.0.1", 0))
    srv.listen()
    t = time.monotonic()
    with pytest.raises(AtlasError, match="deadline"):
        pull.pull(f"http://127.0.0.1:{srv.getsockname()[1]}/d", tmp_path / "d", vintage="2026-11-30", timeout=60,
                  deadline=1.0)
    assert time.monotonic() - t < 10
    srv.close()
    assert [p.name for p in (tmp_path / "d").iterdir()] == []


# --- the cache: nothing in it runs, anything wrong in it is a miss, it stays bounded ---------------------------------

@pytest.fixture
def cache_dir(tmp_path, monkeypatch):
    from analysis.data import cache

    d = tmp_path / "cache"
    monkeypatch.setenv("FRONTIER_ATLAS_CACHE", str(d))
    monkeypatch.delenv("FRONTIER_ATLAS_CACHE_MB", raising=False)
    cache.clear_memory()
    yield d
    cache.clear_memory()


def _entry(d: Path) -> Path:
    (p,) = [p for p in d.iterdir() if p.suffix == ".fac"]
    return p


class _RunsCode:
    def __reduce__(self):
        return (os.system, (f"touch {MARKER}",))


MARKER = Path("/tmp") / f"frontier-atlas-pwned-{os.getpid()}"


def _pickle(obj) -> bytes:
    import pickle

    return pickle.dumps(obj)


def _header(data: bytes) -> dict:
    import struct

    from analysis.data import cache

    (n,) = struct.unpack_from("<Q", data, len(cache.MAGIC))
    return json.loads(data[len(cache.MAGIC) + 8:len(cache.MAGIC) + 8 + n])


def _tamper_header(data: bytes, **change) -> bytes:
    import struct

    from analysis.data import cache

    start = len(cache.MAGIC) + 8
    (n,) = struct.unpack_from("<Q", data, len(cache.MAGIC))
    header = json.loads(data[start:start + n])
    header.update(change)
    head = json.dumps(header).encode()
    return cache.MAGIC + struct.pack("<Q", len(head)) + head + data[start + n:]


# (what was done to the default data's cache entry, how) -> the next load rebuilds and gives the right table
CACHE_TAMPERING = [
    ("a crafted pickle that runs code was put in place", lambda data, other: _pickle(_RunsCode())),
    ("a pickle of 5 was put in place", lambda data, other: _pickle(5)),
    ("another data set's entry was copied into place", lambda data, other: other),
    ("the file was cut in half by a full disk", lambda data, other: data[: len(data) // 2]),
    ("one byte of the payload flipped", lambda data, other: data[:-10] + bytes([data[-10] ^ 1]) + data[-9:]),
    ("another data set's entry was edited to carry this entry's key",
     lambda data, other: _tamper_header(other, key=_header(data)["key"])),
    ("the header names a column kind that does not exist",
     lambda data, other: _tamper_header(data, tables={"models": {"rows": 1, "columns": [{"name": "x", "kind": "object", "spans": [[0, 8]]}]}})),
    ("the file is empty", lambda data, other: b""),
]


@pytest.mark.parametrize("what, tamper", CACHE_TAMPERING, ids=[c[0] for c in CACHE_TAMPERING])
def test_a_tampered_cache_entry_is_a_miss_and_never_runs_code(cache_dir, what, tamper):
    from analysis.data import cache, dataset

    MARKER.unlink(missing_ok=True)
    built = dataset.load()  # builds and writes the entry
    entry = _entry(cache_dir)
    good = entry.read_bytes()
    cache.clear_memory()
    dataset.load("curated")
    other = next(p for p in cache_dir.iterdir() if p.suffix == ".fac" and p != entry).read_bytes()
    cache.clear_memory()
    entry.write_bytes(tamper(good, other))
    again = dataset.load()
    assert not MARKER.exists()
    pd.testing.assert_frame_equal(again.models, built.models)
    assert len(again.models) == _expected_rows() and again.vintage == "2026-07-19"
    assert entry.read_bytes() == good  # rebuilt and rewritten


def test_an_old_pickle_cache_is_never_read_and_is_removed(cache_dir):
    from analysis.data import dataset

    cache_dir.mkdir()
    old = cache_dir / ("dataset-" + "0" * 32 + ".pickle")
    old.write_bytes(_pickle(_RunsCode()))
    foreign = cache_dir / "notes.txt"
    foreign.write_text("mine")
    MARKER.unlink(missing_ok=True)
    dataset.load()
    assert not MARKER.exists() and not old.exists() and foreign.read_text() == "mine"


def test_the_cache_round_trips_every_table_exactly(cache_dir):
    from analysis.data import cache, dataset, schema

    built = dataset.load()
    cache.clear_memory()
    read = dataset.load()
    for name in schema.TABLES:
        pd.testing.assert_frame_equal(getattr(read, name), getattr(built, name), check_exact=True)
    assert (read.files, read.overlay, read.spec, read.vintage) == (built.files, built.overlay, built.spec, built.vintage)


def test_a_full_disk_leaves_no_temporary_file_and_the_data_still_loads(cache_dir, monkeypatch):
    import errno

    from analysis.data import cache, dataset

    real = os.write

    def full(fd, data):
        real(fd, bytes(data)[:1000])
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(cache.os, "write", full)
    ds = dataset.load()
    assert len(ds.models) == _expected_rows()
    assert [p.name for p in cache_dir.iterdir()] == []


def test_the_cache_stays_bounded_least_recently_used_first(cache_dir, monkeypatch):
    """A day of testing left 31 entries (424 MB): at most MAX_ENTRIES and the size bound remain, oldest evicted,
    foreign files untouched; an entry larger than the bound is not written at all."""
    from analysis.data import cache, dataset

    cache_dir.mkdir()
    now = time.time()
    for i in range(30):
        p = cache_dir / f"dataset-{i:032x}.fac"
        p.write_bytes(b"x" * 100_000)
        os.utime(p, (now - 1000 + i, now - 1000 + i))
    (cache_dir / "keep-me.fac").write_bytes(b"y")
    monkeypatch.setenv("FRONTIER_ATLAS_CACHE_MB", "1.5")
    dataset.load()
    entries = sorted(p.name for p in cache_dir.iterdir() if cache.ENTRY.match(p.name))
    assert len(entries) <= cache.MAX_ENTRIES
    assert sum((cache_dir / n).stat().st_size for n in entries) <= 1.5 * 2**20
    assert f"dataset-{29:032x}.fac" in entries and f"dataset-{0:032x}.fac" not in entries  # newest kept
    assert (cache_dir / "keep-me.fac").exists()
    new = [n for n in entries if not n.startswith("dataset-0000")]
    assert len(new) == 1  # the entry just written
    for p in list(cache_dir.iterdir()):
        p.unlink()
    cache.clear_memory()
    monkeypatch.setenv("FRONTIER_ATLAS_CACHE_MB", "0.1")  # the default data's entry is about 0.65 MB
    assert len(dataset.load().models) == _expected_rows()
    assert not any(cache.ENTRY.match(p.name) for p in cache_dir.iterdir())


def test_the_key_covers_every_module_the_loader_runs():
    """The code hash is derived from the package: every data-layer and base module a load imports is hashed (the
    hand-kept list it replaces omitted safeio.py and upstream.py)."""
    from analysis.data import cache, dataset

    dataset.load()
    hashed = {f.resolve() for f in cache.code_files()}
    pkg = ROOT / "analysis"
    files = {Path(m.__file__).resolve() for name, m in list(sys.modules.items())
             if name.startswith("analysis.") and getattr(m, "__file__", None)}
    used = {f for f in files if f.parent == pkg.resolve() or pkg.resolve() / "data" in f.parents}
    assert used and used <= hashed, sorted(str(p) for p in used - hashed)
    assert {"safeio.py", "upstream.py", "cache.py"} <= {p.name for p in hashed}


# --- every way of reading a snapshot checks it ---------------------------------------------------------------------

@pytest.fixture
def upstream_copy(tmp_path, monkeypatch, cache_dir):
    """A copy of data/upstream (notable vintages and ML hardware) used by every loader."""
    root = tmp_path / "upstream"
    src = upstream.UPSTREAM_DIR
    for v in ("2026-01-26", "2026-07-19"):
        shutil.copytree(src / "epoch-ai" / v, root / "epoch-ai" / v)
    monkeypatch.setattr(upstream, "UPSTREAM_DIR", root)
    return root


def _flip(path: Path) -> None:
    data = bytearray(path.read_bytes())
    i = data.index(b"1e+2")  # a compute value: 1e+2x -> 2e+2x, a plausible-looking edit
    data[i] = ord("2")
    path.write_bytes(bytes(data))


def _read_default():
    from analysis.data import dataset
    return dataset.load()


def _read_epoch_vintage():
    from analysis.data import dataset
    return dataset.load("epoch-vintage:2026-07-19")


def _read_epoch_path():
    from analysis.data import dataset
    return dataset.load(f"epoch-raw:{upstream.UPSTREAM_DIR / 'epoch-ai' / '2026-07-19' / 'notable_ai_models.csv'}")


def _read_diff():
    from analysis.data import exports
    return exports.read_export("2026-07-19")


def _read_runs_fallback():
    from analysis.data import sources
    return sources.notable_models()


def _read_mfu_reports():
    from analysis.data import sources
    return sources.mfu_reports("2026-07-19")


def _read_sensitivity_vintages():
    from analysis.data import sources
    return sources.notable_vintages(["2026-01-26", "2026-07-19"])


SNAPSHOT_READERS = [
    ("ran a command on the default data", _read_default),
    ("passed --data epoch-vintage:2026-07-19", _read_epoch_vintage),
    ("passed the pinned file as --data epoch-raw:PATH", _read_epoch_path),
    ("ran data diff 2026-01-26 2026-07-19", _read_diff),
    ("ran the compute-infrastructure report on curated data (the runs fallback)", _read_runs_fallback),
    ("asked for a model's compute (the MFU prior)", _read_mfu_reports),
    ("ran trend compute --sensitivity (the vintage rows)", _read_sensitivity_vintages),
]


@pytest.mark.parametrize("what, read", SNAPSHOT_READERS, ids=[c[0] for c in SNAPSHOT_READERS])
def test_an_edited_snapshot_is_refused_on_every_path(upstream_copy, what, read):
    """A changed byte in the pinned notable-models CSV: every way of reading it refuses it (kills the mutant that
    removes the sha256 check, which the earlier tests did not see)."""
    from analysis.errors import DataError

    read()  # the intact copy reads
    _flip(upstream_copy / "epoch-ai" / "2026-07-19" / "notable_ai_models.csv")
    from analysis.data import cache, sources

    cache.clear_memory()
    sources._MEMO.clear()
    with pytest.raises(DataError, match="snapshot was modified"):
        read()


def test_an_edited_hardware_snapshot_is_refused(upstream_copy, capsys):
    from analysis.data import sources

    path = upstream_copy / "epoch-ai" / "2026-07-19" / "ml_hardware.csv"
    path.write_bytes(path.read_bytes().replace(b"NVIDIA", b"NVIDIa", 1))
    sources._MEMO.clear()
    assert main(["hardware", "--metric", "fp32"]) == 1
    err = capsys.readouterr().err
    assert "ml_hardware.csv" in err and "snapshot was modified" in err and err.count("\n") == 1


def test_a_missing_pinned_vintage_is_an_error_not_a_fallback(upstream_copy, capsys):
    """The pinned 2026-07-19 file is gone: every command fails naming it (it silently used 2026-01-26, n=453)."""
    from analysis.data import dataset
    from analysis.errors import UsageError

    (upstream_copy / "epoch-ai" / "2026-07-19" / "notable_ai_models.csv").unlink()
    with pytest.raises(UsageError, match="pinned notable_ai_models snapshot .vintage 2026-07-19. is missing"):
        dataset.load()
    assert main(["trend", "compute", "--json"]) == 2
    out = capsys.readouterr()
    assert out.out == "" and "2026-07-19" in out.err and "2026-01-26" in out.err and out.err.count("\n") == 1
    assert len(dataset.load("epoch-vintage:2026-01-26").models) > 0  # the old vintage is there when named


# --- foreseeable faults: one line with the file and the reason -----------------------------------------------------

def _as_root() -> bool:
    return hasattr(os, "geteuid") and os.geteuid() == 0


def _unreadable(tmp_path, monkeypatch) -> str:
    """A file the user cannot read. Root reads any file whatever its mode, so as root the PermissionError the
    kernel would raise is raised by os.open for this one path (the code path after it is the same)."""
    p = tmp_path / "secret.csv"
    p.write_text("id,name\n", encoding="utf-8")
    if _as_root():
        real = os.open

        def deny(path, *a, **kw):
            if Path(os.fspath(path)) == p:
                raise PermissionError(13, "Permission denied", str(path))
            return real(path, *a, **kw)

        monkeypatch.setattr(os, "open", deny)
        monkeypatch.setattr("builtins.open", lambda f, *a, **kw: deny(f) if Path(os.fspath(f)) == p else
                            __import__("io").open(f, *a, **kw))
    else:
        p.chmod(0)
    return str(p)


def _loop(tmp_path, monkeypatch) -> str:
    p = tmp_path / "loop.csv"
    p.symlink_to(p)
    return str(p)


def _long(tmp_path, monkeypatch) -> str:
    return str(tmp_path / ("a" * 5000 + ".csv"))


def _proc_mem(tmp_path, monkeypatch) -> str:
    if not Path("/proc/self/mem").exists():
        pytest.skip("no /proc/self/mem on this system")
    return "/proc/self/mem"


# (what the user gave, how to make it, expected words in the one line)
BAD_FILES = [
    ("a file they cannot read", _unreadable, ("secret.csv", "permission denied")),
    ("a symlink loop", _loop, ("loop.csv", "too many levels of symbolic links")),
    ("a 5,000-character path", _long, ("aaaa", " characters): file name too long")),
    ("/proc/self/mem", _proc_mem, ("/proc/self/mem", "cannot read")),
]
COMMANDS = [("trend", "compute", "--data"), ("data", "build", "--out", "/dev/null", "--data"), ("validate",),
            ("data", "diff", "2026-07-19")]


@pytest.mark.parametrize("cmd", COMMANDS, ids=lambda c: " ".join(c[:2]))
@pytest.mark.parametrize("what, make, words", BAD_FILES, ids=[c[0] for c in BAD_FILES])
def test_a_bad_file_is_one_line_naming_it(tmp_path, monkeypatch, cache_dir, run_cli, what, make, words, cmd):
    path = make(tmp_path, monkeypatch)
    code, err = run_cli([*cmd, path])
    assert code in (1, 2), err
    assert err.count("\n") == 1 and err.startswith("error: ") and "internal error" not in err, err
    for w in words:
        assert w in err, (w, err)


def test_output_to_a_full_device(tmp_path, cache_dir, run_cli):
    """data build --out /dev/full: one line naming it, and the device is written, not replaced by a file."""
    if not Path("/dev/full").exists():
        pytest.skip("no /dev/full on this system")
    code, err = run_cli(["data", "build", "--out", "/dev/full"])
    assert code == 2 and err.strip() == "error: /dev/full: cannot write (No space left on device)"
    assert not Path("/dev/full").is_file()


def test_stdout_redirected_to_a_full_device(cache_dir):
    if not Path("/dev/full").exists():
        pytest.skip("no /dev/full on this system")
    with open("/dev/full", "w") as full:
        proc = subprocess.run([sys.executable, "-m", "analysis", "trend", "compute", "--json"], cwd=ROOT,
                              stdout=full, stderr=subprocess.PIPE, text=True, timeout=300)
    assert proc.returncode == 1
    assert proc.stderr.strip().splitlines() == ["error: /dev/full (standard output): cannot write (No space left on "
                                                "device)"]


def test_a_bad_date_on_a_keyed_row_of_an_epoch_export_is_a_warning_naming_it(tmp_path, cache_dir, run_cli):
    """DQN's publication date 9999-12-31 (past what pandas holds): the row is skipped with a warning naming it, the
    other 1,035 rows are used (it failed every command: "'dqn' has no release date")."""
    rows = list(csv.reader(io.StringIO((upstream.UPSTREAM_DIR / "epoch-ai" / "2026-07-19" /
                                        "notable_ai_models.csv").read_text(encoding="utf-8"), newline="")))
    i, d = rows[0].index("Model"), rows[0].index("Publication date")
    for r in rows[1:]:
        if r[i] == "DQN":
            r[d] = "9999-12-31"
    p = tmp_path / "export.csv"
    with open(p, "w", newline="", encoding="utf-8") as fh:
        csv.writer(fh).writerows(rows)
    code, err = run_cli(["trend", "compute", "--data", f"epoch:{p}"])
    assert code == 0, err
    assert "'DQN' (id dqn) has no usable publication date; row skipped" in err and err.startswith("warning: ")


# --- what we write, we read -----------------------------------------------------------------------------------------

def test_the_merged_table_written_by_data_build_reads_back_identical(tmp_path, cache_dir, run_cli):
    """data build --out m.csv: validate accepts it (it reported 24 errors) and --data m.csv gives the same table,
    every value and dtype, so every headline (n=467 for the notable trend since 2010) is the same."""
    from analysis.data import dataset

    out = tmp_path / "m.csv"
    assert run_cli(["data", "build", "--out", str(out)])[0] == 0
    code, err = run_cli(["validate", str(out)])
    assert code == 0 and " 0 error(s)" in err, err
    pd.testing.assert_frame_equal(dataset.load(str(out)).models, dataset.load().models, check_exact=True)


HOSTILE = {"name": "=HYPERLINK(\"http://evil.example\",\"click\")", "organization": "+cmd|' /C calc'!A0",
           "notes": "@SUM(1+1)", "task": "-ish", "license": "''=two apostrophes", "architecture": "dense"}


def test_spreadsheet_formulas_are_written_as_text_and_read_back_as_they_were(tmp_path, cache_dir, run_cli,
                                                                             models_csv):
    """OWASP CSV injection: cells starting with = + - @ are written with a leading apostrophe, so a spreadsheet
    shows them as text; our readers remove it, so the values round-trip; numbers are never escaped."""
    from analysis.data import dataset
    from analysis.data.writer import FORMULA_CHARS, unescape_cell

    src = models_csv({"id": "evil", **HOSTILE, "training_compute_flop": "1e24"}, {"id": "plain"})
    out = tmp_path / "built.csv"
    assert run_cli(["data", "build", "--data", str(src), "--out", str(out)])[0] == 0
    with open(out, newline="", encoding="utf-8") as fh:
        cells = [c for row in csv.reader(fh) for c in row]
    assert not [c for c in cells if c and c[0] in FORMULA_CHARS]
    assert "'=HYPERLINK(\"http://evil.example\",\"click\")" in cells and "''=two apostrophes" in cells
    back = dataset.load(str(out)).models.set_index("id")
    source = dataset.load(str(src)).models.set_index("id")
    for col, value in HOSTILE.items():  # the source's own apostrophe is its text marker: '=x means =x
        assert back.at["evil", col] == source.at["evil", col] == unescape_cell(value)
    assert back.at["evil", "license"] == "'=two apostrophes"
    assert back.at["evil", "training_compute_flop"] == 1e24


def test_data_build_writes_a_file_like_any_other(tmp_path, cache_dir, run_cli):
    """Mode 0666 less the umask (it was 0600), and no temporary file left beside it."""
    out = tmp_path / "m.csv"
    old = os.umask(0o022)
    try:
        assert run_cli(["data", "build", "--data", "curated", "--out", str(out)])[0] == 0
    finally:
        os.umask(old)
    assert out.stat().st_mode & 0o777 == 0o644
    assert [p.name for p in tmp_path.iterdir() if p.name != "cache"] == ["m.csv"]


# --- errors that point to the fix (issue 26 item 7) -----------------------------------------------------------------

def test_an_epoch_export_without_the_prefix_names_the_prefix(tmp_path, cache_dir, run_cli):
    p = tmp_path / "notable.csv"
    shutil.copy(upstream.UPSTREAM_DIR / "epoch-ai" / "2026-07-19" / "notable_ai_models.csv", p)
    for argv in (["trend", "compute", "--data", str(p)], ["validate", str(p)]):
        code, err = run_cli(argv)
        assert code == 2 and err.count("\n") == 1 and f"--data epoch:{p}" in err and "more problems" not in err


def test_a_semicolon_separated_file_is_named_as_such(tmp_path, cache_dir, run_cli, models_csv):
    src = models_csv({})
    text = src.read_text(encoding="utf-8").replace(",", ";")
    src.write_text(text, encoding="utf-8")
    for argv in (["trend", "compute", "--data", str(src)], ["validate", str(src)]):
        code, err = run_cli(argv)
        assert code == 2 and "semicolon-separated" in err and "comma-separated" in err and err.count("\n") == 1


def test_benchmark_names_in_any_case_and_the_list_of_known_ones(cache_dir, run_cli, capsys):
    assert main(["lag", "--benchmark", "MMLU", "--json"]) == 0
    upper = json.loads(capsys.readouterr().out)
    assert main(["lag", "--benchmark", "mmlu", "--json"]) == 0
    assert json.loads(capsys.readouterr().out) == upper
    code, err = run_cli(["lag", "--benchmark", "no-such-bench"])
    assert code == 2 and "eci" in err and "mmlu" in err and err.count("\n") == 1


# --- a million rows: the fast paths of the reader change nothing it reads --------------------------------------------

_CELL_CHARS = st.sampled_from(["a", " ", ",", '"', "\n", "\r", "\r\n", "\t", "'", "=", "-", "x", "\u3000", "\xa0",
                               "\x85", "é", "\u2028", ";"])


@settings(max_examples=300, deadline=None)
@given(st.lists(_CELL_CHARS, min_size=0, max_size=40).map("".join))
def test_the_readers_whole_text_checks_never_change_what_is_read(tmp_path_factory, body):
    """read_raw skips stripping and unescaping when two whole-text checks show no cell needs them (a million-row
    file then costs no Python call per cell): forcing both paths on gives the same header, rows, lines, problems."""
    from analysis.data import tables

    p = tmp_path_factory.mktemp("fast") / "t.csv"
    p.write_text("h1,h2\n" + body, encoding="utf-8", newline="")

    def read():
        try:
            r = tables.read_raw(p)
            return r.header, r.rows, r.lines, [str(x) for x in r.problems]
        except AtlasError as exc:
            return str(exc)

    fast = read()
    import unittest.mock as mock

    with mock.patch.object(tables, "_padded", lambda t: True), mock.patch.object(tables, "_escaped", lambda t: True):
        assert read() == fast
