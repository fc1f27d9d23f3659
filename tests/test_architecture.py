"""The package's structure, checked: layers import only downwards, no import circles, no private names used across
modules, and imports inside functions only where a reason is given.

The layer and circle rules are import-linter contracts in pyproject.toml (``[tool.importlinter]``, also run by
``make lint``); the other two rules are read from the source here with :mod:`ast`.
"""

from __future__ import annotations

import ast
from pathlib import Path

import grimp
from importlinter.cli import lint_imports

ROOT = Path(__file__).resolve().parents[1]
PACKAGE = ROOT / "analysis"
# Function-level imports of our own modules are allowed here, with the reason:
DEFERRED_OK = {
    # command modules import the analysis they run inside run(): `--help` and usage errors load no pandas/pandera
    # (see analysis/cli/commands/__init__.py)
    "analysis/cli/commands",
    # (the report runner's deferred imports, its light path, each carry their reason on the line)
}


def _sources(*folders: str) -> list[Path]:
    out: list[Path] = []
    for f in folders:
        p = ROOT / f
        out += sorted(p.rglob("*.py")) if p.is_dir() else sorted(ROOT.glob(f))
    return out


def _is_ours(module: str | None) -> bool:
    return bool(module) and (module == "analysis" or module.startswith("analysis."))


def test_import_contracts_hold(capsys):
    """Layers cli > reporting > metrics > data > base, and no circle inside any package (import-linter)."""
    code = lint_imports(config_filename=str(ROOT / "pyproject.toml"), no_cache=True, no_logo=True)
    out = capsys.readouterr().out
    assert code == 0, out
    assert "Contracts: 2 kept, 0 broken." in out


def test_the_layer_contract_catches_an_upward_import():
    """The layer check is not vacuous: a data module importing a metric is found (grimp is import-linter's engine)."""
    graph = grimp.build_graph("analysis", cache_dir=None)
    graph.add_import(importer="analysis.data.tables", imported="analysis.metrics.trends", line_number=1,
                     line_contents="from analysis.metrics import trends")
    illegal = graph.find_illegal_dependencies_for_layers(
        layers=("analysis.cli", "analysis.reporting", "analysis.metrics", "analysis.data"))
    assert any(d.importer == "analysis.data" and d.imported == "analysis.metrics" for d in illegal)


def _package_of(path: Path) -> str:
    return ".".join(path.relative_to(ROOT).with_suffix("").parts[:-1])


def _shares_question_package(path: Path, module: str) -> bool:
    """Modules of one question package (analysis.metrics.trends.fits and .breaks) may share private helpers."""
    pkg = _package_of(path)
    return pkg.count(".") >= 2 and module.startswith(pkg + ".")


def test_no_private_names_across_modules():
    """``from analysis.x import _name`` or ``x._name`` outside module x: a private name is an implementation detail;
    what another module needs is public (named without the underscore). The modules of one question package
    (e.g. analysis.metrics.trends) may share private helpers: the package is their unit."""
    bad = []
    for path in _sources("analysis", "tools", "benchmarks", "notebooks/*.py"):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        aliases = set()
        for node in ast.walk(tree):
            if isinstance(node, ast.ImportFrom) and _is_ours(node.module):
                for a in node.names:
                    if (a.name.startswith("_") and not a.name.startswith("__")
                            and not _shares_question_package(path, node.module)):
                        bad.append(f"{path.relative_to(ROOT)}:{node.lineno}: imports {node.module}.{a.name}")
                    aliases.add(a.asname or a.name)
            elif isinstance(node, ast.Import):
                aliases |= {(a.asname or a.name).split(".")[0] for a in node.names if _is_ours(a.name)}
        for node in ast.walk(tree):
            if (isinstance(node, ast.Attribute) and isinstance(node.value, ast.Name) and node.value.id in aliases
                    and node.attr.startswith("_") and not node.attr.startswith("__")):
                bad.append(f"{path.relative_to(ROOT)}:{node.lineno}: uses {node.value.id}.{node.attr}")
    assert not bad, "\n".join(bad)


def test_imports_inside_functions_have_a_reason():
    """An import of our own modules inside a function hides a dependency (often a circle); allowed only where
    DEFERRED_OK gives the reason, or with a comment on the line saying why."""
    bad = []
    for path in _sources("analysis"):
        rel = path.relative_to(ROOT).as_posix()
        if any(rel == ok or rel.startswith(ok + "/") for ok in DEFERRED_OK):
            continue
        text = path.read_text(encoding="utf-8")
        lines = text.splitlines()
        for fn in ast.walk(ast.parse(text)):
            if not isinstance(fn, (ast.FunctionDef, ast.AsyncFunctionDef)):
                continue
            for node in ast.walk(fn):
                ours = (isinstance(node, ast.ImportFrom) and _is_ours(node.module)) or (
                    isinstance(node, ast.Import) and any(_is_ours(a.name) for a in node.names))
                if ours and "#" not in lines[node.lineno - 1]:
                    bad.append(f"{rel}:{node.lineno}: {lines[node.lineno - 1].strip()}")
    assert not bad, "\n".join(bad)


MAX_MODULE_LINES = 650  # "about 600": a module larger than this is split along its concepts
MAX_FUNCTION_LINES = 80  # longer only with a "Length:" line in the docstring saying why
SIZE_EXEMPT: set[str] = set()  # none: the report runner was split along its concepts (issue 14)


def test_modules_and_functions_stay_small():
    """No module over ~600 lines, no function over 80 lines without a stated reason (see CONTRIBUTING.md)."""
    bad = []
    for path in _sources("analysis"):
        rel = path.relative_to(ROOT).as_posix()
        if rel in SIZE_EXEMPT:
            continue
        text = path.read_text(encoding="utf-8")
        if len(text.splitlines()) > MAX_MODULE_LINES:
            bad.append(f"{rel}: {len(text.splitlines())} lines")
        for fn in ast.walk(ast.parse(text)):
            if isinstance(fn, (ast.FunctionDef, ast.AsyncFunctionDef)):
                n = fn.end_lineno - fn.lineno + 1
                if n > MAX_FUNCTION_LINES and "Length:" not in (ast.get_docstring(fn) or ""):
                    bad.append(f"{rel}:{fn.lineno}: {fn.name} has {n} lines")
    assert not bad, "\n".join(bad)


# --- a pure metrics layer: no module under analysis/metrics/ opens a file ------------------------------------------

# Calls that read or write a file, by the called name (a method of any object: pandas' readers, Path's, json's and
# numpy's loaders) or by the builtin/module function.
_IO_NAMES = {"open", "read_csv", "read_json", "read_excel", "read_parquet", "read_table", "read_fwf", "read_pickle",
             "read_feather", "read_html", "read_sql", "read_text", "read_bytes", "write_text", "write_bytes",
             "loadtxt", "genfromtxt", "fromfile", "urlopen", "fdopen", "to_csv", "to_pickle", "iterdir", "glob",
             "rglob", "scandir", "listdir"}
_IO_MODULE_CALLS = {("json", "load"), ("np", "load"), ("numpy", "load"), ("pickle", "load"), ("pickle", "loads")}
# The data layer's readers: metrics take the tables they return as arguments instead.
_DATA_READERS_MODULES = {"upstream", "safeio", "dataset", "merged", "pull", "sources", "exports", "cache",
                         "snapshot_package", "validate"}
_DATA_READER_NAMES = {"load_epoch", "read_raw", "read_text", "read_table", "read_overlay", "load_hub",
                      "load_benchmark", "eci_models", "load", "load_table", "load_with_bases", "read_verified",
                      "read_frame", "sha256_file", "read_bytes_limited"}
# The registry's adapter from a command's --vintage to the data layer's verified loaders (see its docstring).
_LOADER_ADAPTERS = {"analysis/metrics/entries.py"}


def file_access(source: str, *, adapter: bool = False) -> list[str]:
    """Where ``source`` opens a file or calls a data-layer reader: ``line: what`` for each."""
    found = []
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Call):
            f = node.func
            name = f.id if isinstance(f, ast.Name) else f.attr if isinstance(f, ast.Attribute) else None
            owner = f.value.id if isinstance(f, ast.Attribute) and isinstance(f.value, ast.Name) else None
            if name in _IO_NAMES or (owner, name) in _IO_MODULE_CALLS:
                found.append(f"{node.lineno}: calls {owner + '.' if owner else ''}{name}()")
            elif not adapter and owner in _DATA_READERS_MODULES | {"bh", "benchmark_hub", "epoch", "tables"} \
                    and name in _DATA_READER_NAMES | {"find", "verify", "read_meta", "snapshots", "pinned"}:
                found.append(f"{node.lineno}: calls the data layer's reader {owner}.{name}()")
        elif isinstance(node, ast.ImportFrom) and node.module and node.module.startswith("analysis.data"):
            mod = node.module.split(".")[2] if node.module.count(".") >= 2 else None
            names = {a.name for a in node.names if not a.name[:1].isupper()}  # a type (Export) reads nothing
            if (mod in _DATA_READERS_MODULES and names) or names & _DATA_READERS_MODULES or names & _DATA_READER_NAMES:
                if not (adapter and (mod in (None, "benchmark_hub") and not (names & {"upstream", "safeio"}))):
                    found.append(f"{node.lineno}: imports a data-layer reader from {node.module} "
                                 f"({', '.join(sorted(names))})")
        elif isinstance(node, ast.Import):
            for a in node.names:
                if a.name.startswith("analysis.data."):
                    found.append(f"{node.lineno}: imports {a.name}")
    return found


def test_the_file_access_scan_catches_what_it_should():
    """Self-test of the scan: each way a metric could read a file is flagged; pure code is not."""
    flagged = {
        "open('x.csv')": "open",
        "import pandas as pd\npd.read_csv(p)": "read_csv",
        "from pathlib import Path\nPath('x').read_text()": "read_text",
        "import json\njson.load(fh)": "json.load",
        "import numpy as np\nnp.load('a.npy')": "np.load",
        "from analysis.data import upstream": "upstream",
        "from analysis.data.epoch import load_epoch": "load_epoch",
        "from analysis.data import benchmark_hub as bh\nbh.load_hub('2026-04-19')": "bh.load_hub",
        "from analysis.data import dataset": "dataset",
        "import analysis.data.upstream": "analysis.data.upstream",
        "df.to_csv('out.csv')": "to_csv",
        "p.glob('*.csv')": "glob",
    }
    for src, what in flagged.items():
        hits = file_access(src)
        assert hits and any(what in h for h in hits), (src, hits)
    clean = ("import pandas as pd\ndf = pd.DataFrame({'a': [1]})\ndf.groupby('a').sum()",
             "from analysis.data.tables import OPEN_WEIGHTS, display_path",
             "from analysis.data.overlay import representative",
             "from analysis.data.exports import Export",
             "from analysis.data.benchmark_hub import per_model, lag_entries",
             "import numpy as np\nnp.loadings = 1\nx = np.log10(3)")
    for src in clean:
        assert file_access(src) == [], src
    # the adapter may call the verified loaders, still never open a file itself
    assert file_access("from analysis.data import sources\nsources.ml_hardware()", adapter=True) == []
    assert file_access("open('x')", adapter=True)


def test_no_metrics_module_opens_a_file():
    """The data layer loads and verifies every table (sha256 of snapshots, --data) and passes it in: no module under
    analysis/metrics/ opens a file or calls a data-layer reader (entries.py, the registry's adapter from a command's
    --vintage to the verified loaders, may call those, and nothing else)."""
    bad = []
    for path in _sources("analysis/metrics"):
        rel = path.relative_to(ROOT).as_posix()
        bad += [f"{rel}:{h}" for h in file_access(path.read_text(encoding="utf-8"), adapter=rel in _LOADER_ADAPTERS)]
    assert not bad, "\n".join(bad)
