"""Batch performance (issues 18, 25): kernels forked from preloaded workers, longest-first order, parameter
sweeps and the light no-op path keep every report byte-identical to a cold, one-at-a-time run."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from analysis.cli.main import main
from analysis.errors import UsageError
from analysis.reporting import execution, kernels, manifests, planning, reports
from tests.conftest import report_files as tree
from tests.conftest import use_fixture_notebooks

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture
def nbdir(tmp_path, monkeypatch):
    return use_fixture_notebooks(tmp_path, monkeypatch, "demo", "warmth")


# --- pure parts -------------------------------------------------------------------------------------------------


def test_values_split_on_commas_outside_brackets_and_escapes():
    assert planning.split_values("1,2,3") == ["1", "2", "3"]
    assert planning.split_values(r"2015-09-01\,2018-01-01") == ["2015-09-01,2018-01-01"]
    assert planning.split_values(r"a\\,b") == ["a\\", "b"]
    assert planning.split_values('["x", "y"],[1, 2]') == ['["x", "y"]', "[1, 2]"]
    assert planning.split_values("Meta's,b") == ["Meta's", "b"]
    assert planning.split_values("") == [""]


def test_sweep_parsing_merges_repeated_keys_without_duplicates():
    assert reports.parse_sweep(["k=1,2", "k=2", "k=3", "j=x"]) == {"k": ["1", "2", "3"], "j": ["x"]}
    with pytest.raises(UsageError, match="expected KEY=VALUE"):
        reports.parse_sweep(["k"])


def test_variant_names_are_safe_and_distinct():
    assert planning.variant_name("compute-trends", {"top_k": 5, "confidence": 0.9}) == \
        "compute-trends--confidence=0.9--top_k=5"
    assert planning.variant_name("x", {"since": "2014-01-01"}) == "x--since=2014-01-01"
    assert planning.variant_name("x", {"flag": True}) == "x--flag=true"
    odd = ["../../etc", "a b", "Frontier", "x.", "a/b", "é", "[1, 2]", "", "-x"]
    names = [planning.variant_name("x", {"label": v}) for v in odd]
    assert len(set(names)) == len(odd)
    for n in names:
        assert manifests.REPORT_DIR.match(n) and "/" not in n and not n.endswith("."), n
        assert n.startswith("x--label=h") and len(n) == len("x--label=h") + 10
    long = planning.variant_name("x", {f"k{i}": "v" * 30 for i in range(8)})
    assert len(long) < 60 and manifests.REPORT_DIR.match(long)


def test_the_notebook_given_to_papermill_is_the_same_at_every_read(nbdir):
    """papermill records the input notebook in the executed one; jupytext draws random cell ids at every read."""
    import nbformat

    assert nbformat.writes(planning.read_notebook("demo")) == nbformat.writes(planning.read_notebook("demo"))


def test_longest_first_uses_last_durations(tmp_path):
    out = tmp_path / "out"
    (out / reports.WORK_DIR).mkdir(parents=True)
    (out / reports.WORK_DIR / reports.DURATIONS).write_text(json.dumps({"a": 1.0, "b": 9.0, "c": 3.0}))
    assert reports.longest_first(["a", "b", "c", "new"], out) == ["new", "b", "c", "a"]
    (out / reports.WORK_DIR / reports.DURATIONS).write_text("not json")
    assert reports.longest_first(["b", "a"], out) == ["a", "b"]


# --- end to end (execute notebooks) -----------------------------------------------------------------------------


@pytest.mark.slow
def test_forked_and_cold_kernels_jobs_1_and_2_give_identical_reports(nbdir, tmp_path, monkeypatch):
    """The whole report folders (executed notebook, HTML, figures, tables, manifest) are byte-identical between
    forked kernels with 2 jobs (the default on Linux, see tests/test_kernels.py; the command, as a user runs it:
    a fresh process with one OS thread) and kernels started from their command with 1 job, on a fixture and on a
    real notebook that loads the default data; the fixture `warmth` shows that the forked kernel had really
    imported pandas before its first cell."""
    shutil.copy(ROOT / "notebooks" / "competition.py", nbdir / "competition.py")
    names = ["demo", "competition", "warmth"]
    if not kernels.fork_enabled():
        pytest.skip("kernels are forked on Linux only")
    warm = subprocess.run([sys.executable, "-m", "analysis", "report", *names, "--out", str(tmp_path / "warm"),
                           "--jobs", "2"], capture_output=True, text=True, timeout=600)
    assert warm.returncode == 0, warm.stderr
    monkeypatch.setenv(kernels.FORK_ENV, "0")
    cold = reports.run_reports(names, out=tmp_path / "cold", jobs=1)
    assert [r.status for r in cold] == ["ok"] * 3, [r.message for r in cold]
    for n in ("demo", "competition"):
        a, b = tree(tmp_path / "warm" / n), tree(tmp_path / "cold" / n)
        assert a.keys() == b.keys() and a, n
        for rel in a:
            assert a[rel] == b[rel], f"{n}/{rel} differs between forked (2 jobs) and started (1 job) kernels"
    assert (tmp_path / "warm/warmth/tables/warmth.csv").read_text().splitlines()[1] == "True"
    assert (tmp_path / "cold/warmth/tables/warmth.csv").read_text().splitlines()[1] == "False"
    nb = json.loads((tmp_path / "warm/demo/demo.ipynb").read_text())
    counts = [c["execution_count"] for c in nb["cells"] if c["cell_type"] == "code"]
    assert counts == list(range(1, len(counts) + 1))  # the start-up line is not in the history


@pytest.mark.slow
def test_sweep_builds_one_folder_per_value_identical_to_single_runs(nbdir, tmp_path, monkeypatch, capsys):
    out = tmp_path / "reports"
    code = main(["report", "demo", "--out", str(out), "--jobs", "2", "-p", "scale=1,3", "-p", r"label=a\,b"])
    err = capsys.readouterr().err
    assert code == 0, err
    assert sorted(p.name for p in out.iterdir() if not p.name.startswith(".")) == \
        ["demo--scale=1.0", "demo--scale=3.0", "index.html"]
    m = json.loads((out / "demo--scale=3.0" / "manifest.json").read_text())
    assert m["report"] == "demo--scale=3.0" and m["notebook"] == "demo" and m["sweep"] == {"scale": 3.0}
    assert m["parameters"] == {"scale": 3.0, "label": "a,b"} and m["title"] == "Demo report (scale=3.0)"
    assert m["figures"][0]["caption"] == "A line with slope 3.0 (a,b)."  # the escaped comma is a comma
    index = (out / "index.html").read_text()
    assert "demo--scale=1.0/demo--scale=1.0.html" in index and "Demo report (scale=3.0)" in index
    keys = [ln for ln in index.splitlines() if "@misc{" in ln]
    assert len(keys) == 2 and len(set(keys)) == 2  # one citation key per combination
    # each combination is byte-identical (figures, tables) to the same parameters run alone, cold, with 1 job
    monkeypatch.setenv(kernels.FORK_ENV, "0")
    for scale in ("1", "3"):
        alone = tmp_path / f"alone-{scale}"
        res = reports.run_reports(["demo"], out=alone, jobs=1, overrides=[f"scale={scale}", "label=a,b"])
        assert res[0].status == "ok", res[0].message
        a, b = tree(out / f"demo--scale={scale}.0"), tree(alone / "demo")
        for rel in b:
            if rel.startswith(("figures/", "tables/")):
                assert a[rel] == b[rel], rel
    # unchanged combinations are skipped; a new value builds only itself
    again = reports.run_reports(["demo"], out=out, jobs=2, overrides=["scale=1,3,5", r"label=a\,b"])
    assert [(r.name, r.status) for r in again] == [("demo--scale=1.0", "skipped"), ("demo--scale=3.0", "skipped"),
                                                   ("demo--scale=5.0", "ok")]


def test_sweep_values_are_all_checked_before_anything_runs(nbdir, tmp_path):
    with pytest.raises(UsageError, match="-p points='x': expected int"):
        reports.run_reports(["demo"], out=tmp_path / "r", overrides=["points=3,x"])
    assert not (tmp_path / "r").exists()


@pytest.mark.slow
def test_noop_rerun_imports_no_heavy_library(nbdir, tmp_path):
    """Deciding that every report is unchanged reads hashes: pandas, numpy, matplotlib, papermill, jupyter_client
    and nbconvert stay unloaded."""
    out = tmp_path / "reports"
    (nbdir / "warmth.py").unlink()
    assert reports.run_reports(["demo"], out=out, jobs=1)[0].status == "ok"
    probe = ("import sys; from analysis.cli.main import main; code = main(['report', '--out', sys.argv[1]]); "
             "print(code, sorted(m for m in ('pandas', 'numpy', 'matplotlib', 'papermill', 'scipy', 'jupyter_client', "
             "'nbconvert') "
             "if m in sys.modules))")
    done = subprocess.run([sys.executable, "-c", probe, str(out)], capture_output=True, text=True, timeout=120,
                          env=dict(os.environ), cwd=tmp_path)
    assert done.stdout.strip() == "0 []", (done.stdout, done.stderr)
    assert "1 unchanged" in done.stderr


def _widget_notebook(ids: list[str]):
    import nbformat

    box, slider, layout = ids
    nb = nbformat.v4.new_notebook()
    cell = nbformat.v4.new_code_cell("ui")
    cell.outputs = [nbformat.v4.new_output("display_data", data={
        "application/vnd.jupyter.widget-view+json": {"model_id": box, "version_major": 2, "version_minor": 0}})]
    nb.cells = [cell]
    state = {box: {"model_name": "VBoxModel", "state": {"children": [f"IPY_MODEL_{slider}"],
                                                        "layout": f"IPY_MODEL_{layout}"}},
             slider: {"model_name": "IntSliderModel", "state": {"value": 2018, "layout": f"IPY_MODEL_{layout}"}},
             layout: {"model_name": "LayoutModel", "state": {"width": None}}}
    nb.metadata["widgets"] = {"application/vnd.jupyter.widget-state+json": {"state": state, "version_major": 2,
                                                                           "version_minor": 0}}
    return nb


def test_widgets_are_not_kept_so_random_ids_cannot_change_a_report():
    """ipywidgets draws a uuid4 per widget, so the executed explore notebook differed between any two runs. A report
    is static (its page shows no widget): the executed notebook keeps neither widget views nor widget state, and
    every other output of the cell stays."""
    import uuid

    import nbformat

    texts = []
    for _ in range(3):
        nb = _widget_notebook([uuid.uuid4().hex for _ in range(3)])
        nb.cells[0].outputs.append(nbformat.v4.new_output("stream", name="stdout", text="refitted\n"))
        execution.strip_volatile(nb)
        texts.append(nbformat.writes(nb))
    assert texts[0] == texts[1] == texts[2]
    nb = json.loads(texts[0])
    assert "widgets" not in nb["metadata"]
    assert nb["cells"][0]["outputs"] == [{"name": "stdout", "output_type": "stream", "text": ["refitted\n"]}]
