"""Where the report batch spends its time, notebook by notebook (issue 18). Run after `make install`:

    .venv/bin/python benchmarks/profile_batch.py [NAME ...] [--json]

Each notebook is run alone (one at a time, so the numbers are not mixed with the other notebooks' work) on the
project's kernel, the way the report runner runs it, in four timed phases:

  kernel start   start a fresh kernel and wait until it answers (python + ipykernel start-up);
  imports        the notebook's own top-level ``import``/``from`` statements, run before its cells;
  data load      ``analysis.data.dataset.load(<the report's data>)`` (the merged table from the disk cache, as in a batch);
  cells          every code cell in order (its imports and the data load are then already paid), each timed;

plus the kernel shutdown, and once per profile the start-up of the plain ``papermill`` command (what the
sequential baseline of `make benchmark` pays per notebook on top of the above). Overhead is kernel start + imports
+ data load + shutdown (+ the papermill command in the baseline); analysis is the cells. Wall times: on a shared
machine run it when it is quiet (the load average is recorded).

The batch itself forks every kernel from one process that has already paid the kernel start and the imports
(analysis/reporting/kernels.py), so of the overhead above it pays those once per batch, not per notebook.

Writes benchmarks/results/profile_batch.json and prints a markdown table.
"""

from __future__ import annotations

import ast
import json
import os
import platform
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
RESULTS = ROOT / "benchmarks" / "results"


def import_lines(nb) -> list[str]:
    """The notebook's top-level import statements (source text), in order, from every code cell."""
    out = []
    for cell in nb.cells:
        if cell.cell_type != "code" or "parameters" in cell.metadata.get("tags", []):
            continue
        try:
            tree = ast.parse(cell.source)
        except SyntaxError:
            continue
        out += [ast.unparse(n) for n in tree.body if isinstance(n, (ast.Import, ast.ImportFrom))]
    return out


def cpu_seconds(pid: int) -> float:
    """User + system CPU seconds of a process so far (Linux /proc; 0 elsewhere)."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
    except (OSError, IndexError, ValueError):
        return 0.0


def run_code(kc, code: str, pid: int, timeout: float = 1800.0) -> tuple[float, float, str | None]:
    """Execute ``code`` in the kernel; (wall seconds, kernel CPU seconds, error or None)."""
    t0, c0 = time.perf_counter(), cpu_seconds(pid)
    reply = kc.execute_interactive(code, timeout=timeout, output_hook=lambda msg: None, store_history=True)
    dt, dc = time.perf_counter() - t0, cpu_seconds(pid) - c0
    c = reply["content"]
    return dt, dc, (None if c["status"] == "ok" else f"{c.get('ename')}: {c.get('evalue', '')[:120]}")


def profile_one(name: str, data_spec: str | None) -> dict:
    from jupyter_client.manager import KernelManager
    from papermill.parameterize import parameterize_notebook

    from analysis.reporting import planning

    nb = planning.read_notebook(name)
    nb.metadata.setdefault("papermill", {})
    nb = parameterize_notebook(nb, {"output_dir": "."} | ({"data_spec": data_spec} if data_spec else {}))
    work = Path(tempfile.mkdtemp(prefix=f"atlas-profile-{name}-"))
    row: dict = {"report": name}
    km = KernelManager(kernel_name=planning.KERNEL)
    try:
        t0 = time.perf_counter()
        km.start_kernel(cwd=str(work), extra_arguments=["--HistoryManager.hist_file=:memory:"])
        kc = km.client()
        kc.start_channels()
        kc.wait_for_ready(timeout=120)
        row["kernel_start_s"] = time.perf_counter() - t0
        pid = km.provisioner.process.pid
        cpu = {"kernel_start": cpu_seconds(pid)}
        imports = import_lines(nb)
        row["imports_s"], cpu["imports"], err = run_code(kc, "\n".join(imports), pid) if imports else (0.0, 0.0, None)
        if err:
            raise RuntimeError(f"{name}: imports failed: {err}")
        load = f"from analysis.data import dataset as _atlas_data; _atlas_data.load({data_spec!r} or None); del _atlas_data"
        row["data_load_s"], cpu["data_load"], err = run_code(kc, load, pid)
        if err:
            raise RuntimeError(f"{name}: data load failed: {err}")
        cells = []
        for i, cell in enumerate(nb.cells):
            if cell.cell_type != "code":
                continue
            dt, dc, err = run_code(kc, cell.source, pid)
            first = next((ln.strip() for ln in cell.source.splitlines() if ln.strip() and not ln.startswith("#")), "")
            cells.append({"cell": i, "seconds": round(dt, 3), "cpu_seconds": round(dc, 3), "first_line": first[:60]})
            if err:
                raise RuntimeError(f"{name}: cell {i} failed: {err}")
        row["cells"] = cells
        row["cells_s"] = sum(c["seconds"] for c in cells)
        cpu["cells"] = sum(c["cpu_seconds"] for c in cells)
        row["kernel_cpu_s"] = {k: round(v, 2) for k, v in cpu.items()}
        kc.stop_channels()
        t0 = time.perf_counter()
        km.shutdown_kernel(now=False)
        row["shutdown_s"] = time.perf_counter() - t0
    finally:
        if km.has_kernel:
            km.shutdown_kernel(now=True)
        shutil.rmtree(work, ignore_errors=True)
    row["overhead_s"] = row["kernel_start_s"] + row["imports_s"] + row["data_load_s"] + row["shutdown_s"]
    row["total_s"] = row["overhead_s"] + row["cells_s"]
    top = max(row["cells"], key=lambda c: c["seconds"])
    row["slowest_cell"] = top
    for k in list(row):
        if k.endswith("_s") and isinstance(row[k], float):
            row[k] = round(row[k], 3)
    return row


def papermill_startup() -> float:
    """Wall time of the plain ``papermill`` command doing nothing (``--help``): paid per notebook by the baseline."""
    exe = Path(sys.executable).parent / "papermill"
    runs = []
    for _ in range(3):
        t0 = time.perf_counter()
        subprocess.run([str(exe), "--help"], check=True, capture_output=True)  # noqa: S603
        runs.append(time.perf_counter() - t0)
    return sorted(runs)[1]


def table(rows: list[dict], pm_start: float) -> str:
    head = ("| report | kernel start s | imports s | data load s | cells s | shutdown s | total s | overhead share "
            "| slowest cell (s) |\n|---|---|---|---|---|---|---|---|---|\n")
    body = ""
    for r in rows:
        c = r["slowest_cell"]
        body += (f"| {r['report']} | {r['kernel_start_s']:.2f} | {r['imports_s']:.2f} | {r['data_load_s']:.2f} | "
                 f"{r['cells_s']:.2f} | {r['shutdown_s']:.2f} | {r['total_s']:.2f} | "
                 f"{r['overhead_s'] / r['total_s']:.0%} | cell {c['cell']}: `{c['first_line']}` ({c['seconds']:.2f}) |\n")
    tot = {k: sum(r[k] for r in rows) for k in ("kernel_start_s", "imports_s", "data_load_s", "cells_s", "shutdown_s",
                                                "total_s", "overhead_s")}
    body += (f"| **all** | {tot['kernel_start_s']:.2f} | {tot['imports_s']:.2f} | {tot['data_load_s']:.2f} | "
             f"{tot['cells_s']:.2f} | {tot['shutdown_s']:.2f} | {tot['total_s']:.2f} | "
             f"{tot['overhead_s'] / tot['total_s']:.0%} | |\n")
    n = len(rows)
    seq = tot["total_s"] + n * pm_start
    kcpu = {k: sum(r["kernel_cpu_s"][k] for r in rows) for k in rows[0]["kernel_cpu_s"]}
    foot0 = ("\nkernel CPU seconds (user + system, independent of other load): "
             + ", ".join(f"{k.replace('_', ' ')} {v:.1f}" for k, v in kcpu.items())
             + f"; overhead share of kernel CPU {1 - kcpu['cells'] / sum(kcpu.values()):.0%}.")
    foot = foot0 + (f"\nplain `papermill` command start-up: {pm_start:.2f} s per notebook ({n * pm_start:.1f} s for {n}); "
            f"sequential estimate {seq:.1f} s, of which overhead {tot['overhead_s'] + n * pm_start:.1f} s "
            f"({(tot['overhead_s'] + n * pm_start) / seq:.0%}) and analysis (cells) {tot['cells_s']:.1f} s "
            f"({tot['cells_s'] / seq:.0%}).\n")
    return head + body + foot


def main(argv: list[str]) -> int:
    from analysis.reporting import planning

    as_json = "--json" in argv
    names = [a for a in argv if not a.startswith("--")] or planning.available()
    data_spec = os.environ.get("ATLAS_PROFILE_DATA") or None
    load0 = os.getloadavg()[0]
    # the disk cache of the merged table is warm in a batch (the runner's parent builds it once); warm it here too
    from analysis.data import dataset

    dataset.load(data_spec)
    rows = []
    for n in names:
        rows.append(profile_one(n, data_spec))
        print(f"{n}: {rows[-1]['total_s']:.1f} s", file=sys.stderr, flush=True)
    pm_start = papermill_startup()
    res = {"date": time.strftime("%Y-%m-%d", time.gmtime()), "reports": rows, "papermill_startup_s": round(pm_start, 3),
           "load_average": [round(load0, 2), round(os.getloadavg()[0], 2)],
           "machine": {"cpus": os.cpu_count(), "python": platform.python_version()}}
    RESULTS.mkdir(parents=True, exist_ok=True)
    (RESULTS / "profile_batch.json").write_text(json.dumps(res, indent=2) + "\n")
    print(json.dumps(res, indent=2) if as_json else table(rows, pm_start))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
