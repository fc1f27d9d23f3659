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


def _unused():  # keep imports used by later sections
    return shutil, pd
