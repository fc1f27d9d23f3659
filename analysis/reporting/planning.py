"""What a report run builds: the notebooks, their declared parameters, ``-p`` overrides and sweeps, and the plan
(report folder -> the parameters injected into its notebook).

Light on purpose (standard library, :mod:`analysis.data.spec` and the shared validators of
:mod:`analysis.metrics.vocabulary`): checking parameters and deciding that every report is unchanged must not import
pandas, papermill or matplotlib (about 2-4 s on two busy cores); only a date given with ``-p`` imports pandas to be
checked.
"""

from __future__ import annotations

import ast
import hashlib
import itertools
import json
import math
import os
import re
from dataclasses import dataclass
from pathlib import Path

from analysis.data import schema
from analysis.data.spec import DataSpec, as_spec
from analysis.errors import AtlasError, UsageError
from analysis.metrics import vocabulary

ROOT = schema.PROJECT_ROOT
# FRONTIER_ATLAS_NOTEBOOKS points the runner at another notebooks folder (used by the tests).
NOTEBOOKS = Path(os.environ.get("FRONTIER_ATLAS_NOTEBOOKS", ROOT / "notebooks"))
NAME = re.compile(r"^[a-z0-9][a-z0-9-]*$")
KERNEL = "python3"


def available() -> list[str]:
    """Names of the notebooks that can be run as reports (notebooks/<name>.py)."""
    return sorted(p.stem for p in NOTEBOOKS.glob("*.py") if NAME.match(p.stem))


def notebook_path(name: str) -> Path:
    if not NAME.match(name):
        raise UsageError(f"report name {name!r} is not a plain lower-case name (letters, digits, '-')")
    p = NOTEBOOKS / f"{name}.py"
    if not p.is_file():
        raise UsageError(f"no notebook named {name!r}; available: {', '.join(available())}")
    return p


def read_notebook(name: str):
    import jupytext

    nb = jupytext.read(notebook_path(name))
    nb.metadata["kernelspec"] = {"name": KERNEL, "display_name": "Python 3", "language": "python"}
    nb.metadata.setdefault("language_info", {"name": "python"})
    for i, cell in enumerate(nb.cells):
        cell.metadata.setdefault("tags", [])
        if "id" in cell:  # jupytext draws random ids, and papermill records this notebook in the executed one
            cell["id"] = f"cell-{i}"
    return nb


# --- parameters ---------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Param:
    name: str
    type: str  # int | float | bool | str (any other: passed as str)
    default: str
    help: str


def declared_parameters(name: str) -> dict[str, Param]:
    """The typed parameters of the notebook's ``parameters`` cell (``name: type = default  # help``), read from the
    py:percent source with :mod:`ast` (no papermill or nbformat: checking parameters stays fast)."""
    lines = notebook_path(name).read_text(encoding="utf-8").splitlines()
    start = next((i for i, ln in enumerate(lines) if ln.startswith("# %%") and "parameters" in ln and "tags" in ln), None)
    if start is None:
        raise AtlasError(f"notebook {name} has no cell tagged 'parameters'")
    body = list(itertools.takewhile(lambda ln: not ln.startswith("# %%"), lines[start + 1:]))
    try:
        tree = ast.parse("\n".join(body))
    except SyntaxError as exc:
        raise AtlasError(f"notebook {name}: parameters cell does not parse ({exc.msg})") from None
    out = {}
    for node in tree.body:
        if isinstance(node, ast.AnnAssign) and isinstance(node.target, ast.Name):
            line = body[node.lineno - 1]
            help_ = line.split("#", 1)[1].strip() if "#" in line[node.end_col_offset:] else ""
            out[node.target.id] = Param(node.target.id, ast.unparse(node.annotation),
                                        ast.unparse(node.value) if node.value is not None else "", help_)
    if not out:
        raise AtlasError(f"notebook {name} declares no typed parameters")
    return out


_BOOL = dict.fromkeys(("true", "1", "yes", "on"), True) | dict.fromkeys(("false", "0", "no", "off"), False)


def coerce(value: str, param: Param):
    """A ``-p KEY=VALUE`` string as the parameter's declared type, or UsageError."""
    t = param.type
    try:
        v = (int(value) if t == "int" else float(value) if t == "float" else _BOOL[value.strip().lower()]
             if t == "bool" else value)
    except (ValueError, KeyError):
        v = None
    if v is None or (t == "float" and not math.isfinite(v)):
        raise UsageError(f"-p {param.name}={value!r}: expected {t} (declared as `{param.name}: {t} = {param.default}`)")
    if isinstance(v, str) and len(v) > 1000:
        raise UsageError(f"-p {param.name}: value longer than 1000 characters")
    return v


# --- parameter sweeps ---------------------------------------------------------------------------------------
#
# `-p key=v1,v2,v3` (or `-p key=v1 -p key=v2`) runs the notebook once per value, each into its own folder
# ``<out>/<notebook>--key=value/``; with several swept keys, once per combination. A comma inside brackets (a JSON
# list) does not separate values; elsewhere write a literal comma as ``\,`` (and a literal backslash before
# a comma as ``\\``).


def split_values(text: str) -> list[str]:
    r"""``a,b`` -> ['a', 'b']; ``a\,b`` -> ['a,b']; ``[1, 2],[3]`` -> ['[1, 2]', '[3]']."""
    values, cur, depth = [], "", 0
    for tok in re.findall(r"\\[,\\]|.", text, flags=re.S):
        if tok == "," and not depth:
            values, cur = values + [cur], ""
        else:
            depth = max(0, depth + (tok in "([{") - (tok in ")]}"))
            cur += tok[-1]
    return values + [cur]


def parse_sweep(items: list[str]) -> dict[str, list[str]]:
    """``-p`` items to the values of each key, in order, without duplicates (one value: no sweep)."""
    out: dict[str, list[str]] = {}
    for item in items or []:
        k, sep, v = item.partition("=")
        if not sep or not k.strip().isidentifier():
            raise UsageError(f"-p {item!r}: " + (f"{k.strip()!r} is not a parameter name" if sep else "expected KEY=VALUE"))
        k = k.strip()
        out.setdefault(k, [])
        out[k] += [x for x in split_values(v) if x not in out[k]]
    return out


_SAFE_VALUE = re.compile(r"^[a-z0-9][a-z0-9._+-]{0,39}$")


def canonical_value(value) -> str:
    """A parameter value as written in folder names and titles (``true``, ``0.9``, compact JSON)."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (int, float)):
        return repr(value)
    return value if isinstance(value, str) else json.dumps(value, sort_keys=True, separators=(",", ":"))


def variant_name(notebook: str, swept: dict) -> str:
    """The folder of one sweep combination: ``<notebook>--key=value`` per swept key (sorted). A value that is not
    a short plain lower-case word or number (a path, a JSON list, spaces, capitals, a trailing dot) is written as
    ``h`` + the first 10 hex digits of its sha256, so that every name is a safe, portable folder name."""
    parts = [notebook]
    for k in sorted(swept):
        v = canonical_value(swept[k])
        if not _SAFE_VALUE.match(v) or v.endswith("."):
            v = "h" + hashlib.sha256(v.encode()).hexdigest()[:10]
        parts.append(f"{k.lower()}={v}")
    name = "--".join(parts)
    if len(name) > 150:  # file names are limited to 255 bytes, and the temporary entries add a suffix
        digest = hashlib.sha256(json.dumps(swept, sort_keys=True, default=str).encode()).hexdigest()[:16]
        name = f"{notebook}--sweep=h{digest}"
    return name


# A notebook's own parameters with a fixed vocabulary; those it shares with the analyses are checked by the shared
# validator of their name (:data:`analysis.metrics.vocabulary.BY_NAME`). Else a typo fails late, in the notebook.
CHOICES = {"wall_subset": ("notable", "frontier")}


def resolve_parameters(name: str, overrides: dict[str, str], data_spec: DataSpec | str | None) -> dict:
    """Validate overrides against the notebook's declared types; return the parameters to inject. The notebook's
    ``data_spec`` is the spec's canonical string (an absolute path; nothing for the default data, which is the
    notebook's own default), so that it reads the very data the runner hashed and the manifest records."""
    declared = declared_parameters(name)
    params = {}
    for k, v in sorted(overrides.items()):
        if k not in declared:
            continue  # checked across all selected notebooks by the caller
        if k in ("output_dir", "data_spec"):
            raise UsageError(f"-p {k}: set by the runner; use --out / --data")
        params[k] = coerce(v, declared[k])
        if k in CHOICES and params[k] not in CHOICES[k]:
            raise UsageError(f"-p {k}={v!r}: expected one of {', '.join(CHOICES[k])}")
        if k in vocabulary.BY_NAME and params[k] != "":  # empty: the notebook's "none" (e.g. no end date)
            try:
                vocabulary.BY_NAME[k](params[k])
            except UsageError as exc:
                raise UsageError(f"-p {k}={v!r}: {exc}") from None
    spec = as_spec(data_spec)
    spec.check()  # a missing file, or a FIFO or device that would hang hashing and reading
    if spec.kind != "default":
        params["data_spec"] = spec.canonical
    return params


def plan(names: list[str], sweep: dict[str, list[str]], data_spec: DataSpec | str | None) -> dict:
    """The reports to build: report folder -> (notebook, injected parameters, swept parameters or None). Every
    value is checked before anything runs."""
    spec = as_spec(data_spec)
    reports: dict[str, tuple[str, dict, dict | None]] = {}
    for n in names:
        declared = declared_parameters(n)
        keys = [k for k in sweep if k in declared]
        swept = [k for k in keys if len(sweep[k]) > 1]
        fixed = {k: sweep[k][0] for k in keys if len(sweep[k]) == 1}
        for combo in itertools.product(*(sweep[k] for k in swept)):
            params = resolve_parameters(n, fixed | dict(zip(swept, combo)), spec)
            chosen = {k: params[k] for k in swept} if swept else None
            reports.setdefault(variant_name(n, chosen) if chosen else n, (n, params, chosen))  # "5" = "05": once
    return reports
