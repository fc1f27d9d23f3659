"""Start-up cost of the command line (issue 25, item 5): `frontier-atlas --version`, `--help` and commands on the
default data, each in fresh processes, against the cost of importing what the command imports.

For every case: one warm-up run (it also fills the data cache), then ``--runs`` runs (default 5) in fresh processes;
CPU = user + system time of the finished child (the kernel's accounting, which other load does not inflate), wall
= elapsed time. A command's *imports* is a fresh interpreter importing every module the command had imported when it
ended (recorded once with a sys.modules dump at exit); its *overhead* is command minus imports, medians of CPU.
Targets: --version and --help under 0.2 s of CPU; a command costs its imports plus at most 0.5 s. The children run
with bytecode caches as an installation has them (PYTHONDONTWRITEBYTECODE removed from their environment: the
warm-up writes __pycache__), since compiling the sources again on every start is not what a user pays.

    .venv/bin/python benchmarks/bench_cli.py [--runs N]    # writes benchmarks/cli/bench_cli.json
"""

from __future__ import annotations

import json
import os
import platform
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
OUT = ROOT / "benchmarks" / "cli" / "bench_cli.json"
TARGET_START_S, TARGET_OVERHEAD_S = 0.2, 0.5
START = [["--version"], ["--help"]]
COMMANDS = [["validate"], ["trend", "compute"], ["openness"], ["concentration"], ["compute", "llama-3-70b"],
            ["data-needed", "--compute", "1e24"], ["report", "--list"]]
MAIN = "import sys\nfrom analysis.cli.main import main\nsys.exit(main(sys.argv[1:]))"
DUMP = ("import atexit, json, sys\natexit.register(lambda: json.dump(sorted(sys.modules), open({path!r}, 'w')))\n"
        + MAIN)
IMPORTS = ("import importlib, json, sys\nfor m in json.load(open(sys.argv[1])):\n    try:\n"
           "        importlib.import_module(m)\n    except Exception:\n        pass")


ENV = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}


def timed(cmd: list[str]) -> tuple[float, float]:
    """(CPU s, wall s) of one run of ``cmd`` in a fresh process, its output discarded."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    t0 = time.perf_counter()
    subprocess.run(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, cwd=ROOT, env=ENV, check=False)
    wall = time.perf_counter() - t0
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    return after.ru_utime - before.ru_utime + after.ru_stime - before.ru_stime, wall


def median(xs: list[float]) -> float:
    xs = sorted(xs)
    return (xs[(len(xs) - 1) // 2] + xs[len(xs) // 2]) / 2


def measure(cmd: list[str], runs: int) -> dict:
    timed(cmd)  # warm-up
    cpu, wall = zip(*(timed(cmd) for _ in range(runs)))
    return {"cpu_s": round(median(list(cpu)), 3), "wall_s": round(median(list(wall)), 3),
            "cpu_min_max_s": [round(min(cpu), 3), round(max(cpu), 3)]}


def main() -> int:
    argv = sys.argv[1:]
    runs = int(argv[argv.index("--runs") + 1]) if "--runs" in argv else 5
    py, rows = sys.executable, []
    for args in START:
        rows.append({"command": " ".join(args), **measure([py, "-c", MAIN, *args], runs)})
    with tempfile.TemporaryDirectory() as tmp:
        for args in COMMANDS:
            mods = os.path.join(tmp, "modules.json")
            subprocess.run([py, "-c", DUMP.format(path=mods), *args], capture_output=True, cwd=ROOT, env=ENV,
                           check=False)
            cmd, imp = measure([py, "-c", MAIN, *args], runs), measure([py, "-c", IMPORTS, mods], runs)
            rows.append({"command": " ".join(args), **cmd, "imports_cpu_s": imp["cpu_s"],
                         "overhead_cpu_s": round(cmd["cpu_s"] - imp["cpu_s"], 3)})
    res = {"date": time.strftime("%Y-%m-%d", time.gmtime()), "runs": runs, "rows": rows,
           "targets": {"start_cpu_s": TARGET_START_S, "overhead_cpu_s": TARGET_OVERHEAD_S},
           "load_average": round(os.getloadavg()[0], 2),
           "machine": {"cpus": os.cpu_count(), "python": platform.python_version(), "platform": platform.platform()}}
    missed = [r["command"] for r in rows if r.get("overhead_cpu_s", 0) > TARGET_OVERHEAD_S
              or ("overhead_cpu_s" not in r and r["cpu_s"] >= TARGET_START_S)]
    res["meets_targets"] = not missed
    OUT.parent.mkdir(parents=True, exist_ok=True)
    OUT.write_text(json.dumps(res, indent=2) + "\n")
    print(f"{'command':<32} {'CPU s':>6} {'wall s':>7} {'imports CPU s':>14} {'overhead CPU s':>15}")
    for r in rows:
        print(f"{r['command']:<32} {r['cpu_s']:>6.2f} {r['wall_s']:>7.2f} {r.get('imports_cpu_s', float('nan')):>14.2f} "
              f"{r.get('overhead_cpu_s', float('nan')):>15.2f}")
    print("all targets met" if not missed else f"targets missed: {', '.join(missed)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
