"""The scale benchmark's synthetic models file (benchmarks/bench_scale.py) is valid in our schema and has the
shape it claims: compute growing 0.6 orders of magnitude a year (recovered by the trend fit's interval)."""

from __future__ import annotations

import importlib.util
import json
from pathlib import Path

from analysis.cli.main import main

ROOT = Path(__file__).resolve().parents[1]


def _bench():
    spec = importlib.util.spec_from_file_location("bench_scale", ROOT / "benchmarks" / "bench_scale.py")
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


def test_synthetic_file_is_valid_and_has_the_stated_trend(tmp_path, capsys):
    bench = _bench()
    path = bench.write_models(tmp_path / "models.csv", 1500, seed=1)
    assert main(["validate", str(path)]) == 0, capsys.readouterr()
    capsys.readouterr()
    assert main(["trend", "compute", "--data", str(path), "--since", "2010-01-01", "--json"]) == 0
    d = json.loads(capsys.readouterr().out)
    lo, hi = d["slope_oom_per_year_ci"]
    assert lo < 0.6 < hi  # the generator's slope
    assert 900 < d["n"] < 1200  # about 70% of rows carry a compute figure
    assert path.read_bytes() == bench.write_models(tmp_path / "again.csv", 1500, seed=1).read_bytes()
