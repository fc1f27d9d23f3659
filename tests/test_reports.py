"""The report pipeline: outputs, determinism, incremental skips, failure safety, parameter checks, locking."""

from __future__ import annotations

import fcntl
import json
import shutil
from pathlib import Path

import pytest

from analysis.cli.main import main
from analysis.errors import AtlasError, UsageError
from analysis.reporting import manifests, output_folder, planning, reports

FIXTURES = Path(__file__).parent / "fixtures" / "notebooks"
pytestmark = pytest.mark.slow


@pytest.fixture
def nbdir(tmp_path, monkeypatch):
    d = tmp_path / "notebooks"
    d.mkdir()
    shutil.copy(FIXTURES / "demo.py", d / "demo.py")
    monkeypatch.setattr(planning, "NOTEBOOKS", d)
    return d


def files(root: Path) -> dict[str, bytes]:
    return {str(p.relative_to(root)): p.read_bytes() for p in sorted(root.rglob("*")) if p.is_file()}


def test_report_outputs_and_manifest(nbdir, tmp_path):
    out = tmp_path / "reports"
    res = reports.run_reports(["demo"], out=out, overrides=["scale=3", "label=x<y"], jobs=1)
    assert [r.status for r in res] == ["ok"], res[0].message
    rep = out / "demo"
    for rel in ("demo.html", "demo.ipynb", "manifest.json", "figures/demo-line.svg", "figures/demo-line.png",
                "figures/demo-line.pdf", "tables/demo-line.csv"):
        assert (rep / rel).is_file(), rel
    assert (rep / "figures/demo-line.png").read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    assert (rep / "figures/demo-line.pdf").read_bytes()[:5] == b"%PDF-"
    assert b"<svg" in (rep / "figures/demo-line.svg").read_bytes()[:500]
    table = (rep / "tables/demo-line.csv").read_text()
    assert table.splitlines()[0] == "x,y" and table.splitlines()[-1] == "4,12"
    m = json.loads((rep / "manifest.json").read_text())
    assert m["parameters"] == {"label": "x<y", "scale": 3.0}
    assert m["figures"][0]["id"] == "demo-line" and m["figures"][0]["alt"] == "A straight line."
    assert "A line with slope 3.0 (x<y)." == m["figures"][0]["caption"]
    assert set(m["versions"]) >= {"pandas", "matplotlib", "python"} and m["data_files"]
    assert all(len(v) == 64 for v in m["data_files"].values())
    # the executed notebook records the parameters that were given
    nb = json.loads((rep / "demo.ipynb").read_text())
    assert nb["metadata"]["papermill"]["parameters"] == {"label": "x<y", "scale": 3.0, "output_dir": "."}
    html = (rep / "demo.html").read_text()
    assert "x&lt;y" in html and "x<y" not in html.split("<body>")[1].replace("x&lt;y", "")  # escaped
    assert "import pandas" not in html  # code hidden
    index = (out / "index.html").read_text()
    assert "demo-line" in index and "@misc{frontieratlas-demo-line" in index
    assert not [p for p in out.iterdir() if p.name.startswith((".tmp-", ".old-"))]


def test_same_inputs_same_bytes_and_noop_skip(nbdir, tmp_path):
    out = tmp_path / "reports"
    reports.run_reports(["demo"], out=out, jobs=1)
    first = files(out / "demo")
    again = reports.run_reports(["demo"], out=out, jobs=1)
    assert again[0].status == "skipped"
    forced = reports.run_reports(["demo"], out=out, jobs=1, force=True)
    assert forced[0].status == "ok"
    second = files(out / "demo")
    for rel in first:
        if rel.startswith(("figures/", "tables/")) or rel == "manifest.json":
            assert first[rel] == second[rel], f"{rel} differs between runs"
    # a changed parameter is not skipped
    assert reports.run_reports(["demo"], out=out, jobs=1, overrides=["points=6"])[0].status == "ok"


def test_failing_notebook_keeps_last_good_report(nbdir, tmp_path, capsys):
    out = tmp_path / "reports"
    assert reports.run_reports(["demo"], out=out, jobs=1)[0].status == "ok"
    before = files(out / "demo")
    shutil.copy(FIXTURES / "broken.py", nbdir / "demo.py")
    shutil.copy(FIXTURES / "demo.py", nbdir / "good.py")
    code = main(["report", "--out", str(out), "--jobs", "2"])
    err = capsys.readouterr().err
    assert code == 1
    assert "demo: cell 4 of notebooks/demo.py failed with ValueError: deliberate failure for the tests" in err
    assert "raise ValueError" in err
    assert files(out / "demo") == before  # untouched
    assert (out / "good" / "manifest.json").is_file()  # the other report still built
    assert not [p for p in out.iterdir() if p.name.startswith((".tmp-", ".old-"))]


def test_a_failure_names_the_line_that_raised(nbdir, tmp_path):
    """The message quotes the cell's line that raised, not its first line: the Llama 3 report on a raw export said
    "in: import html" for a cell that failed in `checks.model_ids(...)` twenty lines further down."""
    src = (FIXTURES / "broken.py").read_text(encoding="utf-8")
    cell = 'raise ValueError("deliberate failure for the tests")'
    assert cell in src
    (nbdir / "demo.py").write_text(src.replace(cell, "import math\n\nroot = math.sqrt(4)  # fine\n"
                                                     f"{cell}\nprint(root)"), encoding="utf-8")
    [res] = reports.run_reports(["demo"], out=tmp_path / "reports", jobs=1)
    assert res.status == "failed"
    assert res.message.endswith(f"\n    in: {cell}"), res.message


@pytest.mark.parametrize("override, fragment", [
    ("scale=abc", "-p scale='abc': expected float"),
    ("points=1.5", "-p points='1.5': expected int"),
    ("nope=1", "-p nope: no selected notebook declares this parameter"),
    ("output_dir=/etc", "-p output_dir: set by the runner"),
    ("novalue", "expected KEY=VALUE"),
])
def test_parameters_validated_before_running(nbdir, tmp_path, override, fragment):
    out = tmp_path / "reports"
    with pytest.raises(UsageError, match=fragment.replace("(", r"\(").replace(")", r"\)")):
        reports.run_reports(["demo"], out=out, overrides=[override])
    assert not (out / "demo").exists()


@pytest.mark.parametrize("name", ["../evil", "a/b", "Demo", "missing"])
def test_names_cannot_escape_or_be_unknown(nbdir, tmp_path, name):
    with pytest.raises(UsageError):
        reports.run_reports([name], out=tmp_path / "reports")


def test_concurrent_run_is_refused(nbdir, tmp_path):
    out = tmp_path / "reports"
    out.mkdir()
    with open(output_folder.work_dir(out) / output_folder.LOCK, "a+") as fh:
        fcntl.flock(fh, fcntl.LOCK_EX | fcntl.LOCK_NB)
        with pytest.raises(AtlasError, match="another `frontier-atlas report`"):
            reports.run_reports(["demo"], out=out)


def test_read_only_output_is_a_clear_error(nbdir, tmp_path, monkeypatch):
    """A read-only output folder (simulated: the suite may run as root, which ignores permissions)."""
    import errno
    import os

    real = os.mkdir

    def refuse(path, *a, **kw):
        if os.path.basename(path) == reports.WORK_DIR:  # the first thing a run writes in --out
            raise OSError(errno.EROFS, "Read-only file system", str(path))
        return real(path, *a, **kw)

    monkeypatch.setattr(os, "mkdir", refuse)
    out = tmp_path / "ro"
    with pytest.raises(AtlasError, match="cannot write to .*not writable"):
        reports.run_reports(["demo"], out=out)
    code = main(["report", "--out", str(out)])
    assert code == 1


def test_full_disk_mid_run_keeps_last_good_report(nbdir, tmp_path, monkeypatch, capsys):
    import errno

    out = tmp_path / "reports"
    assert reports.run_reports(["demo"], out=out, jobs=1)[0].status == "ok"
    before = files(out / "demo")

    def full(*a, **kw):
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(manifests, "write", full)  # inherited by the forked worker
    code = main(["report", "--out", str(out), "--force"])
    err = capsys.readouterr().err
    assert code == 1 and "no space left on device (disk full)" in err and "Traceback" not in err
    assert files(out / "demo") == before
    assert not [p for p in out.iterdir() if p.name.startswith((".tmp-", ".old-"))]
