"""Notebooks are thin, parameterized and stored diffable: each .py (py:percent) has its paired .ipynb without
outputs, one `parameters` cell with typed, commented defaults, and no analysis logic beyond calling analysis/."""

from __future__ import annotations

import ast
import json
import os
from pathlib import Path

import jupytext
import pytest

from analysis.reporting import planning, reports

NB_DIR = Path(__file__).resolve().parents[1] / "notebooks"
NAMES = sorted(p.stem for p in NB_DIR.glob("*.py"))


@pytest.mark.parametrize("name", NAMES)
def test_pair_in_sync_and_without_outputs(name):
    py = jupytext.read(NB_DIR / f"{name}.py")
    ipynb_path = NB_DIR / f"{name}.ipynb"
    assert ipynb_path.is_file(), f"run `make notebooks` to create {ipynb_path.name}"
    raw = json.loads(ipynb_path.read_text(encoding="utf-8"))
    for cell in raw["cells"]:
        if cell["cell_type"] == "code":
            assert not cell.get("outputs") and not cell.get("execution_count"), f"{name}.ipynb has outputs"
    assert raw["metadata"]["kernelspec"]["language"] == "python"  # plain `papermill` needs kernel and language
    nb = jupytext.read(ipynb_path)
    assert [c.source for c in nb.cells] == [c.source for c in py.cells], f"{name}: .py and .ipynb differ; make notebooks"


@pytest.mark.parametrize("name", NAMES)
def test_notebook_names_the_project_kernel(name):
    """Before: capabilities, compute-infrastructure, compute-ownership and vintages declared `python3`, so JupyterLab
    opened them on the wrong kernel with the unsaved dot showing. `make install` registers `frontier-atlas`."""
    for path in (NB_DIR / f"{name}.py", NB_DIR / f"{name}.ipynb"):
        spec = jupytext.read(path).metadata["kernelspec"]
        assert (spec["name"], spec["display_name"]) == ("frontier-atlas", "Frontier Atlas (.venv)"), (path.name, spec)
    makefile = (NB_DIR.parent / "Makefile").read_text(encoding="utf-8")
    assert '--name frontier-atlas --display-name "Frontier Atlas (.venv)"' in makefile


@pytest.mark.parametrize("name", NAMES)
def test_one_typed_parameters_cell(name):
    nb = planning.read_notebook(name)
    tagged = [c for c in nb.cells if "parameters" in c.metadata.get("tags", [])]
    assert len(tagged) == 1
    tree = ast.parse(tagged[0].source)
    lines = tagged[0].source.splitlines()
    for node in tree.body:
        assert isinstance(node, ast.AnnAssign), f"{name}: parameter without a type annotation"
        assert "#" in lines[node.lineno - 1], f"{name}: parameter {ast.unparse(node.target)} has no comment"
    declared = reports.declared_parameters(name)
    assert {"data_spec", "output_dir"} <= set(declared)
    assert all(p.type in ("int", "float", "str", "bool") for p in declared.values()), declared


@pytest.mark.parametrize("name", NAMES)
def test_notebooks_stay_thin(name):
    """Logic lives in analysis/: notebooks define no functions or classes of their own."""
    nb = planning.read_notebook(name)
    for cell in nb.cells:
        if cell.cell_type == "code":
            tree = ast.parse(cell.source)
            assert not [n for n in ast.walk(tree) if isinstance(n, (ast.FunctionDef, ast.ClassDef))], name


# Findings typed into authored markdown: a measured magnitude (3.8×10²⁵ FLOP, 3.8e25), a growth rate (4.2x/yr) or a
# gap in months. Such numbers must come from a saved table through `out.number` (generated prose), so that they
# follow the data. Bare powers of ten (thresholds such as 10²⁵ FLOP) and cited inputs (6.4M GPU-hours) are allowed.
TYPED_FINDING = __import__("re").compile(
    r"\d(?:\.\d+)?\s*(?:×|x)\s*10[⁰¹²³⁴⁵⁶⁷⁸⁹⁻]+"  # mantissa × power of ten
    r"|\d(?:\.\d+)?e[+-]?\d{1,2}\b"  # e-notation
    r"|\d(?:\.\d+)?\s*(?:x|×)\s*(?:/\s*yr|per year|a year)"  # growth factors
    r"|\d(?:[.–-]\d+)?\s+months\b")  # gaps and lags in months


@pytest.mark.parametrize("name", NAMES)
def test_no_findings_typed_into_markdown(name):
    """Before: the Llama 3 notebook typed '3.8×10²⁵ FLOP, the largest open-weights run' and the capabilities
    notebook 'our months gap is longer than their 3–4 months' into authored markdown."""
    nb = jupytext.read(NB_DIR / f"{name}.py")
    bad = [m.group(0) for c in nb.cells if c.cell_type == "markdown" for m in TYPED_FINDING.finditer(c.source)]
    assert not bad, f"{name}: numbers typed into markdown (generate them from a table): {bad}"


@pytest.mark.skipif(not __import__("shutil").which("make"), reason="no make")
def test_make_lab_passes_lab_args():
    """Before: `make lab` hard-coded Lab's options, so as root (Docker, cloud machines) it failed with no way to pass
    `--allow-root`. LAB_ARGS reaches the `jupyter lab` command line; without it the command has no --allow-root."""
    import subprocess

    def dry_run(*args: str) -> str:
        # as a plain shell would run it: a `make test` above us must not add make's directory lines
        env = {k: v for k, v in os.environ.items() if k not in ("MAKEFLAGS", "MAKELEVEL", "MFLAGS")}
        done = subprocess.run(["make", "--no-print-directory", "-n", "lab", *args], cwd=NB_DIR.parent,
                              capture_output=True, text=True, check=True, env=env)
        return " ".join(line.strip().rstrip("\\") for line in done.stdout.splitlines())

    with_args = dry_run("LAB_ARGS=--allow-root --port 8899")
    assert "jupyter lab" in with_args and with_args.rstrip().endswith("--allow-root --port 8899"), with_args
    assert "--notebook-dir=notebooks --allow-root" not in dry_run()
