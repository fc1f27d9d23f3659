"""The pinned snapshots of Epoch AI's GPU clusters, frontier data centers and AI-chip stock (issue 27, item 1).

Counts are made with the csv module on the snapshot files (not with our loader); the reference copies in
../shared/reference (marker ``reference``) are compared cell by cell with the extracts.
"""

from __future__ import annotations

import csv
import datetime as dt
import hashlib
import http.server
import json
import re
import shutil
import threading
from collections import Counter
from pathlib import Path

import pytest

from analysis.cli.main import main
from analysis.data import infrastructure_snapshots as infra
from analysis.data import pull, snapshot_package, upstream
from analysis.errors import DataError
from tests.conftest import REF, needs_ref

ROOT = Path(__file__).resolve().parents[1]
FORBIDDEN_HEADER = re.compile(r"(?i)notes?|abstract|authors?|source|link|quote|address|timelapse")
META_KEYS = ("producer", "title", "url", "licence", "credit", "accessed", "vintage", "newest_row", "rows",
             "columns_kept", "columns_dropped", "column_mapping", "sha256_download", "sha256_extract", "origin")


def _path(name: str) -> Path:
    s = infra.spec(name)
    return upstream.UPSTREAM_DIR / "epoch-ai" / s.vintage / f"{s.name}.csv"


def _rows(path: Path) -> list[dict]:
    with open(path, newline="", encoding="utf-8") as fh:
        return list(csv.DictReader(fh))


@pytest.mark.parametrize("name", list(infra.SPECS))
def test_every_snapshot_is_facts_only_with_complete_metadata(name):
    path = _path(name)
    meta = upstream.read_meta(path)
    for k in META_KEYS:
        assert k in meta, f"{name}: metadata lacks {k}"
    assert meta["producer"] == "Epoch AI" and meta["licence"] == "CC BY 4.0" and meta["credit"].startswith("Epoch AI, '")
    assert meta["accessed"] == infra.spec(name).vintage in path.parts
    assert hashlib.sha256(path.read_bytes()).hexdigest() == meta["sha256_extract"]
    with open(path, newline="", encoding="utf-8") as fh:
        header = next(csv.reader(fh))
    assert header == meta["columns_kept"] == list(meta["column_mapping"])
    assert not [h for h in header if FORBIDDEN_HEADER.search(h)], f"{name}: free-text or source column kept"
    assert len(_rows(path)) == meta["rows"]
    assert meta["vintage"] <= meta["accessed"]


def test_snapshots_are_listed_in_the_upstream_data_package():
    desc = json.loads((upstream.UPSTREAM_DIR / snapshot_package.DESCRIPTOR).read_text(encoding="utf-8"))
    paths = {r["path"]: r for r in desc["resources"]}
    for name, s in infra.SPECS.items():
        rel = f"epoch-ai/{s.vintage}/{s.name}.csv"
        assert rel in paths, f"{name} missing from data/upstream/datapackage.json"
        assert paths[rel]["hash"] == "sha256:" + upstream.read_meta(_path(name))["sha256_extract"]
    assert snapshot_package.render() == (upstream.UPSTREAM_DIR / snapshot_package.DESCRIPTOR).read_text(encoding="utf-8")


@needs_ref
@pytest.mark.reference
@pytest.mark.parametrize("name", [n for n, s in infra.SPECS.items() if not s.source_path.startswith("data_inputs/")])
def test_extract_keeps_the_reference_cells_byte_for_byte(name):
    s = infra.spec(name)
    src = REF / ("epoch_ai_chip_counts/" + s.source_path if s.vintage == infra.CHIPS_VINTAGE else s.source_path)
    meta = upstream.read_meta(_path(name))
    assert hashlib.sha256(src.read_bytes()).hexdigest() == meta["sha256_download"]
    with open(src, newline="", encoding="utf-8-sig") as fh:
        ref = list(csv.DictReader(fh))
    ours = _rows(_path(name))
    assert len(ours) == len(ref)
    for a, b in zip(ours, ref, strict=True):
        assert a == {k: b[k] for k in a}


def test_cluster_loader_agrees_with_an_independent_count():
    rows = _rows(_path("gpu_clusters"))
    df = infra.clusters()
    assert len(df) == len(rows) == 786
    assert Counter(r["Status"] for r in rows) == Counter(df["status"]) == Counter(
        {"Existing": 609, "Planned": 171, "Decommissioned": 6})  # the reference README, section 6a
    assert sum(r["Include in Standard Analysis"] == "True" for r in rows) == int(df["epoch_standard"].sum()) == 482
    anon = sum(r["GPU Supplier (primary)"] == "Anonymized" for r in rows)
    assert int(df["anonymized"].sum()) == anon and anon > 200
    b16 = [float(r["16-bit OP/s"]) for r in rows if r["16-bit OP/s"]]
    assert df["ops_16bit"].notna().sum() == len(b16) and df["ops_16bit"].sum() == pytest.approx(sum(b16), rel=1e-12)
    dated = [r["First Operational Date"] for r in rows if r["First Operational Date"]]
    assert df["first_operational"].notna().sum() == len(dated)
    assert df["first_operational"].max().strftime("%Y-%m-%d") == max(dated)


def test_data_center_and_chip_loaders_agree_with_an_independent_count():
    sites = _rows(_path("data_centers"))
    assert len(infra.data_centers()) == len(sites) == 17
    tl = _rows(_path("data_center_timelines"))
    t = infra.data_center_timelines()
    assert len(t) == len(tl) == 118
    assert t["power_mw"].sum() == pytest.approx(sum(float(r["Power (MW)"]) for r in tl))
    stock = infra.chip_stock()
    n = sum(len(_rows(_path(f"{infra.CHIPS_DIR}/{rel.rsplit('/', 1)[-1][:-4]}"))) for rel in infra.CHIP_TOTALS)
    assert len(stock) == n
    nv = _rows(_path("ai_chip_counts/nvidia_cumulative_totals"))
    last = max(nv, key=lambda r: dt.datetime.strptime(r["End date"], "%m/%d/%Y"))
    got = stock[(stock["vendor"] == "NVIDIA")].sort_values("end_date").iloc[-1]
    assert got["h100e"] == float(last["Compute estimate in H100e (median)"])
    assert got["h100e_p05"] == float(last["Compute estimate in H100e (5th percentile)"])
    owners = infra.chip_owners()
    assert set(owners["owner"]) >= {"Microsoft", "Meta", "Amazon", "Google", "Oracle", "China", "Other", "CoreWeave",
                                    "xAI"}


def _copy_snapshot(tmp_path: Path, name: str) -> Path:
    s = infra.spec(name)
    root = tmp_path / "upstream"
    dst = root / "epoch-ai" / s.vintage / f"{s.name}.csv"
    dst.parent.mkdir(parents=True, exist_ok=True)
    shutil.copy(_path(name), dst)
    shutil.copy(_path(name).with_name(Path(s.name).name + upstream.META_SUFFIX), dst.with_name(
        Path(s.name).name + upstream.META_SUFFIX))
    return dst


def test_an_edited_snapshot_is_refused(tmp_path, monkeypatch):
    dst = _copy_snapshot(tmp_path, "gpu_clusters")
    monkeypatch.setattr(upstream, "UPSTREAM_DIR", tmp_path / "upstream")
    infra.clusters()  # the untouched copy loads
    dst.write_bytes(dst.read_bytes().replace(b"Existing", b"Existinf", 1))
    with pytest.raises(DataError, match="snapshot was modified"):
        infra.clusters()


def test_a_bad_cell_names_file_row_and_column(tmp_path, monkeypatch):
    dst = _copy_snapshot(tmp_path, "data_center_timelines")
    monkeypatch.setattr(upstream, "UPSTREAM_DIR", tmp_path / "upstream")
    lines = dst.read_text(encoding="utf-8").splitlines(keepends=True)
    head = next(csv.reader([lines[0]]))
    cells = next(csv.reader([lines[3]]))
    cells[head.index("Power (MW)")] = "about 80"
    lines[3] = ",".join(cells) + "\n"
    dst.write_text("".join(lines), encoding="utf-8")
    meta_path = dst.with_name("data_center_timelines" + upstream.META_SUFFIX)
    meta = json.loads(meta_path.read_text())
    meta["sha256_extract"] = hashlib.sha256(dst.read_bytes()).hexdigest()
    meta_path.write_text(json.dumps(meta))
    with pytest.raises(DataError) as err:
        infra.data_center_timelines()
    assert err.value.row == 4 and err.value.column == "Power (MW)" and "about 80" in str(err.value)


def test_a_missing_vintage_is_a_clear_usage_error():
    from analysis.errors import UsageError

    with pytest.raises(UsageError, match="no 'gpu_clusters' snapshot of vintage '1999-01-01'.*available: 2025-12-17"):
        infra.clusters("1999-01-01")


class _Handler(http.server.BaseHTTPRequestHandler):
    routes: dict = {}

    def log_message(self, *args):
        pass

    def do_GET(self):  # noqa: N802 (http.server API)
        body = self.routes.get(self.path)
        if body is None:
            self.send_error(404, "Not Found")
            return
        self.send_response(200)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)


@pytest.fixture
def server():
    routes: dict = {}
    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), type("H", (_Handler,), {"routes": routes}))
    httpd.daemon_threads = True
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    try:
        yield f"http://127.0.0.1:{httpd.server_address[1]}/data", routes
    finally:
        httpd.shutdown()
        httpd.server_close()


def _download(name: str) -> bytes:
    """A download with the upstream columns: the extract plus the dropped free-text columns, blank."""
    s = infra.spec(name)
    meta = upstream.read_meta(_path(name))
    rows = _rows(_path(name))[:5]
    cols = meta["columns_kept"] + meta["columns_dropped"]
    import io

    buf = io.StringIO(newline="")
    w = csv.DictWriter(buf, fieldnames=cols, lineterminator="\n")
    w.writeheader()
    for r in rows:
        w.writerow({c: r.get(c, "free text") for c in cols})
    assert s.columns
    return buf.getvalue().encode("utf-8")


def test_data_pull_infrastructure_writes_facts_only_snapshots(server, tmp_path, capsys):
    base, routes = server
    from tests.test_pull import GOOD

    routes.update(GOOD)
    for fname, _kind, common in pull.INFRASTRUCTURE_FILES:
        routes[f"/data/{fname}"] = _download(common["spec"])
    dest = tmp_path / "upstream" / "epoch-ai"
    code = main(["data", "pull", "--url-base", base, "--dest", str(dest), "--vintage", "2026-12-01", "--quiet",
                 "--infrastructure"])
    assert code == 0, capsys.readouterr().err
    for name in ("gpu_clusters", "data_centers", "data_center_timelines"):
        p = dest / "2026-12-01" / f"{name}.csv"
        meta = upstream.read_meta(p)
        upstream.verify(upstream.Snapshot(p, meta))
        assert meta["accessed"] == "2026-12-01" and meta["url"].endswith(name + ".csv")
        assert meta["columns_kept"] == list(infra.spec(name).columns)
        assert set(meta["columns_dropped"]) == set(upstream.read_meta(_path(name))["columns_dropped"])
        assert len(_rows(p)) == 5


def test_data_pull_infrastructure_refuses_a_file_without_the_columns(server, tmp_path, capsys):
    base, routes = server
    from tests.test_pull import GOOD

    routes.update(GOOD)
    for fname, _kind, common in pull.INFRASTRUCTURE_FILES:
        routes[f"/data/{fname}"] = _download(common["spec"])
    routes["/data/gpu_clusters.csv"] = b"Name,Status\nA,Existing\n"
    dest = tmp_path / "upstream" / "epoch-ai"
    code = main(["data", "pull", "--url-base", base, "--dest", str(dest), "--vintage", "2026-12-01", "--quiet",
                 "--infrastructure"])
    err = capsys.readouterr().err
    assert code == 1 and err.count("\n") == 1 and "not Epoch AI's Data on GPU Clusters export" in err
    assert not (dest / "2026-12-01").exists()
