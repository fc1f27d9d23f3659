"""``frontier-atlas data pull`` against a local HTTP server on 127.0.0.1 serving fixture files made here (no network).

Every failure mode (HTTP error, truncated body, non-CSV, stalled or interrupted download, bad zip, existing vintage)
must leave the destination exactly as it was and give one error line.
"""

from __future__ import annotations

import csv
import hashlib
import http.server
import io
import json
import threading
import time
import zipfile

import pytest

from analysis.cli.main import main
from analysis.data import pull, snapshot_package, upstream
from analysis.errors import AtlasError, UsageError

NOTABLE_HEAD = ["Model", "Organization", "Publication date", "Domain", "Parameters", "Training compute (FLOP)", "Link",
                "Model accessibility", "Abstract"]


def _csv(header, rows) -> bytes:
    buf = io.StringIO(newline="")
    w = csv.writer(buf, lineterminator="\n")
    w.writerow(header)
    w.writerows(rows)
    return buf.getvalue().encode("utf-8")


OLD_NOTABLE = _csv(NOTABLE_HEAD, [["A", "Lab", "2025-01-01", "Language", "7e9", "1e23", "https://a.example", "API access", "x"],
                                  ["B", "Lab", "2025-02-01", "Language", "", "", "https://b.example", "API access", "y"]])
NEW_NOTABLE = _csv(NOTABLE_HEAD, [["C", "Lab", "2025-03-01", "Language", "", "2e23", "https://c.example", "Open weights (unrestricted)", "z"],
                                  ["A", "Lab", "2025-01-01", "Language", "7e9", "2e23", "https://a.example", "API access", "x"],
                                  ["B", "Lab", "2025-02-01", "Language", "", "", "https://b.example", "API access", "y"]])
HARDWARE = _csv(["Hardware name", "Manufacturer", "Release date", "TDP (W)"], [["NVIDIA H100 SXM5 80GB", "NVIDIA", "2022-09-20", "700"]])


def _zip(members: dict[str, bytes]) -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as zf:
        for name, body in members.items():
            zf.writestr(name, body)
    return buf.getvalue()


HUB = _zip({
    "benchmark_data/gpqa_diamond.csv": _csv(["Model version", "Best score (across scorers)", "Release date"],
                                            [["model-a-2025", "0.5", "2025-01-01"]]),
    "benchmark_data/additional_eci_data/eci_scaling.csv": _csv(["slope", "intercept"], [["1.0", "2.0"]]),
    "benchmark_data/README.md": b"licence text",
})
GOOD = {"/data/notable_ai_models.csv": NEW_NOTABLE, "/data/ml_hardware.csv": HARDWARE, "/data/benchmark_data.zip": HUB}


class _Handler(http.server.BaseHTTPRequestHandler):
    routes: dict = {}

    def log_message(self, *args):  # keep test output clean
        pass

    def do_GET(self):  # noqa: N802 (http.server API)
        spec = self.routes.get(self.path)
        if spec is None:
            self.send_error(404, "Not Found")
            return
        body, mode = spec if isinstance(spec, tuple) else (spec, "ok")
        self.send_response(200)
        length = len(body) * 2 if mode == "truncate" else len(body)
        self.send_header("Content-Length", str(length))
        self.end_headers()
        if mode == "stall":
            self.wfile.write(body[: len(body) // 2])
            self.wfile.flush()
            time.sleep(2.0)
            return
        self.wfile.write(body)


@pytest.fixture
def server():
    """A fresh local server; yields (base URL, routes dict to fill)."""
    routes: dict = {}
    handler = type("H", (_Handler,), {"routes": routes})
    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    httpd.daemon_threads = True
    t = threading.Thread(target=httpd.serve_forever, daemon=True)
    t.start()
    try:
        yield f"http://127.0.0.1:{httpd.server_address[1]}/data", routes
    finally:
        httpd.shutdown()
        httpd.server_close()


@pytest.fixture
def dest(tmp_path):
    """A producer folder with one earlier notable vintage and the snapshot descriptor beside it."""
    d = tmp_path / "upstream" / "epoch-ai"
    upstream.write_snapshot(d / "2026-01-01", "notable_ai_models", OLD_NOTABLE,
                            {"producer": "Epoch AI", "dataset": "notable_ai_models", "accessed": "2026-01-01"},
                            date_column="Publication date")
    snapshot_package.write(d.parent)
    return d


def _tree(path):
    return sorted((p.relative_to(path).as_posix(), p.read_bytes() if p.is_file() else None) for p in path.rglob("*"))


def test_pull_writes_a_complete_vintage_with_metadata_and_prints_the_diff(server, dest, capsys):
    base, routes = server
    routes.update(GOOD)
    code = main(["data", "pull", "--url-base", base, "--dest", str(dest), "--vintage", "2026-11-30"])
    out, err = capsys.readouterr()
    assert code == 0, err
    folder = dest / "2026-11-30"
    snap = upstream.find("notable_ai_models", "2026-11-30", root=dest.parent)
    upstream.verify(snap)
    assert snap.meta["sha256_download"] == hashlib.sha256(NEW_NOTABLE).hexdigest()
    assert snap.meta["accessed"] == "2026-11-30" and snap.meta["vintage"] == "2025-03-01"
    assert snap.meta["licence"] == "CC BY 4.0" and snap.meta["url"] == f"{base}/notable_ai_models.csv"
    assert snap.meta["rows"] == 3 and "Abstract" in snap.meta["columns_dropped"]
    assert (folder / "ml_hardware.csv").exists()
    hub = folder / "benchmarking_hub"
    assert (hub / "gpqa_diamond.csv").exists() and (hub / "additional_eci_data" / "eci_scaling.csv").exists()
    assert not list(hub.rglob("README*"))
    assert sorted(p.name for p in dest.iterdir()) == ["2026-01-01", "2026-11-30"]  # no temporary folder left
    desc = json.loads((dest.parent / "datapackage.json").read_text())
    assert any(r["path"] == "epoch-ai/2026-11-30/notable_ai_models.csv" for r in desc["resources"])
    assert "diff against the previous vintage 2026-01-01" in out
    assert "2 matched by name, 0 renamed, 1 added, 0 removed" in out
    assert "100%" in err  # the progress bar, on stderr


def test_pull_json_reports_downloads_and_diff(server, dest, capsys):
    base, routes = server
    routes.update(GOOD)
    assert main(["data", "pull", "--url-base", base, "--dest", str(dest), "--vintage", "2026-11-30", "--json", "--quiet"]) == 0
    out, err = capsys.readouterr()
    res = json.loads(out)
    assert err == ""
    assert res["previous_vintage"] == "2026-01-01" and res["diff"]["counts"]["added"] == 1
    assert {d["file"] for d in res["downloads"]} == {"notable_ai_models.csv", "ml_hardware.csv", "benchmark_data.zip"}


@pytest.mark.parametrize("case, routes, message", [
    ("404", {k: v for k, v in GOOD.items() if not k.endswith("ml_hardware.csv")}, "HTTP 404"),
    ("truncated", {**GOOD, "/data/benchmark_data.zip": (HUB, "truncate")}, "truncated download"),
    ("html", {**GOOD, "/data/notable_ai_models.csv": b"<!DOCTYPE html><html><body>Not here</body></html>"}, "not a CSV"),
    ("not-epoch", {**GOOD, "/data/notable_ai_models.csv": b"a,b\n1,2\n"}, "not an Epoch AI models export"),
    ("hardware", {**GOOD, "/data/ml_hardware.csv": OLD_NOTABLE}, "not an Epoch AI hardware export"),
    ("bad-zip", {**GOOD, "/data/benchmark_data.zip": b"PK\x03\x04 garbage"}, "not a zip archive"),
    ("stalled", {**GOOD, "/data/ml_hardware.csv": (HARDWARE, "stall")}, "stalled"),
])
def test_failed_pull_leaves_nothing_and_one_error_line(server, dest, capsys, case, routes, message):
    base, r = server
    r.update(routes)
    before = _tree(dest.parent)
    code = main(["data", "pull", "--url-base", base, "--dest", str(dest), "--vintage", "2026-11-30", "--quiet",
                 "--timeout", "0.5"])
    err = capsys.readouterr().err
    assert code == 1, err
    assert message in err and err.count("\n") == 1 and err.startswith("error: ") and "Traceback" not in err
    assert _tree(dest.parent) == before


def test_existing_vintage_is_never_overwritten(server, dest, capsys):
    base, routes = server
    routes.update(GOOD)
    before = _tree(dest.parent)
    assert main(["data", "pull", "--url-base", base, "--dest", str(dest), "--vintage", "2026-01-01", "--quiet"]) == 2
    err = capsys.readouterr().err
    assert "already exists" in err and err.count("\n") == 1
    assert _tree(dest.parent) == before


def test_interrupted_pull_removes_its_temporary_folder(server, dest):
    """Ctrl-C while downloading (simulated from the progress callback) leaves nothing behind."""
    base, routes = server
    routes.update(GOOD)
    before = _tree(dest.parent)

    def interrupt(name, done, total):
        if name == "ml_hardware.csv":
            raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        pull.pull(base, dest, vintage="2026-11-30", timeout=5, progress=interrupt)
    assert _tree(dest.parent) == before


def test_unreachable_server_and_bad_arguments(dest, capsys):
    with pytest.raises(AtlasError, match="cannot connect|no response"):
        pull.pull("http://127.0.0.1:9/data", dest, vintage="2026-11-30", timeout=2)
    assert sorted(p.name for p in dest.iterdir()) == ["2026-01-01"]
    with pytest.raises(UsageError, match="YYYY-MM-DD"):
        pull.pull("http://127.0.0.1:9/data", dest, vintage="latest")
    with pytest.raises(UsageError, match="http"):
        pull.pull("ftp://example.org", dest, vintage="2026-11-30")
    assert main(["data", "pull", "--dest", str(dest), "--timeout", "0"]) == 2


def test_zip_with_unsafe_paths_is_refused(server, dest, capsys):
    base, routes = server
    routes.update({**GOOD, "/data/benchmark_data.zip": _zip({"../evil.csv": b"Model version\nx\n"})})
    assert main(["data", "pull", "--url-base", base, "--dest", str(dest), "--vintage", "2026-11-30", "--quiet"]) == 1
    assert "unsafe path" in capsys.readouterr().err
    assert not (dest.parent / "evil.csv").exists() and sorted(p.name for p in dest.iterdir()) == ["2026-01-01"]


def test_text_progress_bar_on_a_terminal_and_in_a_log():
    class Stream(io.StringIO):
        def __init__(self, tty):
            super().__init__()
            self._tty = tty

        def isatty(self):
            return self._tty

    tty = Stream(True)
    bar = pull.TextProgress(tty, width=10, interval=0)
    for done in (0, 50, 100):
        bar("f.csv", done * 10_000, 1_000_000)
    assert tty.getvalue().count("\r") == 3 and "[#####.....]  50%" in tty.getvalue() and tty.getvalue().endswith("\n")
    log = Stream(False)
    bar = pull.TextProgress(log, width=10, interval=0)
    for done in (0, 50, 100):
        bar("f.csv", done * 10_000, 1_000_000)
    assert log.getvalue().count("\n") == 2 and "\r" not in log.getvalue()  # a start and an end line only
