"""Defaults of issue 12 item 3 and the sensitivity table (item 4): hand computations, properties, a coverage
simulation for the MFU prior's range, and the CLI (text and --json). Published-value checks are in
tests/test_published_values.py."""

from __future__ import annotations

import json

import numpy as np
import pandas as pd
import pytest

from analysis import constants as C
from analysis.cli.main import main
from analysis.errors import AnalysisError
from analysis.metrics import scaling as S
from analysis.metrics import utilization as U
from tests.conftest import GOOD_MODEL, write_csv

# --- MFU prior ---------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("hw, gen", [
    ("NVIDIA H100 SXM5 80GB", "h100-class"), ("nvidia-h100", "h100-class"), ("NVIDIA H800 SXM5", "h100-class"),
    ("Google TPU v5p", "h100-class"), ("NVIDIA A100 SXM4 40 GB", "a100-class"), ("google-tpu-v4", "a100-class"),
    ("Huawei Ascend 910B", "a100-class"), ("Amazon Trainium1", "a100-class"), ("NVIDIA GeForce GTX 580", "pre-a100"),
    ("NVIDIA Tesla V100 DGXS 32 GB", "pre-a100"), ("Google TPU v3", "pre-a100"), ("nvidia-gb200", "blackwell"),
    ("Google TPU v4, Google TPU v5p", "a100-class"), ("Some Custom ASIC", None), ("", None), (None, None)])
def test_generation_map(hw, gen):
    assert U.generation(hw) == gen


def epoch_like(rows):
    return pd.DataFrame(rows, columns=["Model", "Organization", "Training hardware", "Hardware utilization (MFU)"])


def test_prior_hand_computed_and_deduplicated():
    """Five H100-class reports, one duplicated (same organization, hardware, value) and one invalid (> 1):
    distinct valid values 0.2, 0.3, 0.4, 0.5 -> median 0.35, range 0.2-0.5, n 4 < MFU_PRIOR_MIN_N -> falls back to
    the pool; with a fifth value the generation's own prior is used: median 0.4, coverage (5-1)/(5+1)."""
    rows = [("a", "X", "NVIDIA H100", "0.2"), ("a2", "X", "NVIDIA H100", "0.2"), ("b", "Y", "NVIDIA H100", "0.3"),
            ("c", "Z", "NVIDIA H800", "0.4"), ("d", "W", "Google TPU v5p", "0.5"), ("e", "V", "NVIDIA H100", "40"),
            ("f", "U", "NVIDIA A100", "0.1")]
    rep = U.reported_mfus(epoch_like(rows))
    assert sorted(rep["mfu"]) == [0.1, 0.2, 0.3, 0.4, 0.5]
    p = U.prior_for("nvidia-h100", reports=rep)
    assert p.generation.startswith("all (only 4 reports for h100-class)") and p.n == 5 and p.median == 0.3
    rep2 = U.reported_mfus(epoch_like(rows + [("g", "T", "NVIDIA H200", "0.6")]))
    p2 = U.prior_for("nvidia-h100", reports=rep2)
    assert p2.generation == "h100-class" and p2.n == 5
    assert (p2.median, p2.low, p2.high) == (0.4, 0.2, 0.6)
    assert p2.coverage == pytest.approx(4 / 6)
    t = U.prior_table(rep2).set_index("generation")
    assert t.loc["h100-class", "n"] == 5 and t.loc["blackwell", "n"] == 0 and t.loc["all", "n"] == 6


def test_prior_errors():
    with pytest.raises(AnalysisError, match="Hardware utilization"):
        U.reported_mfus(pd.DataFrame({"Training hardware": ["x"]}))
    with pytest.raises(AnalysisError, match="no reported MFUs"):
        U.prior_for("nvidia-h100", reports=U.reported_mfus(epoch_like([])))


def test_range_prediction_coverage_simulation():
    """The prior's interval is the range of n reports; a new run's MFU falls inside it with probability
    (n-1)/(n+1) whatever the distribution (exchangeability). Simulated on a skewed beta distribution with known
    truth, 4000 replications per n: observed coverage within 0.025 of (n-1)/(n+1). Fails if the interval is
    narrowed (e.g. an inter-quartile range) or the coverage formula is wrong."""
    rng = np.random.default_rng(12)
    for n in (5, 6, 21):
        draws = rng.beta(4, 7, size=(4000, n + 1))
        past, new = draws[:, :n], draws[:, n]
        inside = (past.min(axis=1) <= new) & (new <= past.max(axis=1))
        assert abs(inside.mean() - (n - 1) / (n + 1)) < 0.025, (n, inside.mean())


def test_model_compute_uses_the_prior_only_without_a_reported_mfu(tmp_path):
    from analysis.data.dataset import load
    from analysis.metrics import compute as K

    hw = load(None).hardware
    models = pd.DataFrame([{**GOOD_MODEL}, {**GOOD_MODEL, "id": "reported", "name": "Reported",
                                             "utilization_mfu": "0.5"}])
    from analysis.data import sources

    reports = U.mfu_reports(sources.mfu_reports())
    prior = U.prior_for("nvidia-h100", reports=reports)
    with pytest.raises(AnalysisError, match="no reported MFU"):  # the prior's reports come from the data layer
        K.model_compute(models, hw, "llama-3-8b")
    a = K.model_compute(models, hw, "llama-3-8b", mfu_reports=reports).estimate("gpu-hours")
    assert a.utilization == prior.median and (a.utilization_low, a.utilization_high) == prior.ci
    assert a.flop_low < a.flop < a.flop_high
    b = K.model_compute(models, hw, "reported").estimate("gpu-hours")
    assert b.utilization == 0.5 and b.utilization_source == "reported MFU" and b.flop_low == b.flop == b.flop_high
    c = K.model_compute(models, hw, "llama-3-8b", utilization=0.25).estimate("gpu-hours")
    assert c.utilization == 0.25 and c.utilization_source == "given"


# --- data wall per subset ----------------------------------------------------------------------------------------


def synthetic_language_models(n=60, seed=3):
    """Language models whose training sets grow exactly 10x every 2 years (0.5 OOM/yr) with small noise; compute
    grows with them so the top-10 frontier is well defined."""
    rng = np.random.default_rng(seed)
    dates = pd.date_range("2018-01-01", "2025-12-31", periods=n)
    t = (dates - pd.Timestamp("2018-01-01")).days / C.DAYS_PER_YEAR
    tokens = 10 ** (10 + 0.5 * t + rng.normal(0, 0.1, n))
    compute = 10 ** (20 + 0.6 * t + rng.normal(0, 1.0, n))  # scattered: not every model is top 10 at release
    return pd.DataFrame({"id": [f"m{i}" for i in range(n)], "name": [f"M{i}" for i in range(n)],
                         "release_date": dates, "domain": "language", "training_tokens": tokens,
                         "training_compute_flop": compute, "organization": "Org"})


def test_data_wall_table_rows_by_hand():
    """With slope 0.5 OOM/yr from 1e10 tokens at 2018.0, the line meets the 3e14 stock at 2018 + 2 * log10(3e4)
    = 2026.95; both rows carry an interval around it and their own n."""
    m = synthetic_language_models()
    t = S.data_wall_table(m).set_index("subset")
    expected = 2018.0 + 2 * np.log10(3e14 / 1e10)
    assert t.loc["notable", "year"] == pytest.approx(expected, abs=0.3)
    assert t.loc["notable", "n"] == 60 and 10 <= t.loc["frontier", "n"] < 60
    for sub in ("notable", "frontier"):
        r = t.loc[sub]
        assert r["year_low"] < r["year"] < r["year_high"] and r["growth_low"] < r["growth_per_year"] < r["growth_high"]
        assert f"typical training set of {sub}" in r["note"]


def test_data_wall_table_failing_subset_is_a_row_not_a_crash():
    m = synthetic_language_models()
    m["training_tokens"] = np.geomspace(1e13, 1e11, len(m))  # shrinking training sets: no crossing
    t = S.data_wall_table(m)
    assert t["year"].isna().all() and t["note"].str.contains("not growing").all()


def test_cli_data_wall(tmp_path, capsys):
    csv = tmp_path / "m.csv"
    rows = []
    for r in synthetic_language_models().to_dict(orient="records"):
        rows.append({**GOOD_MODEL, "id": r["id"], "name": r["name"], "release_date": r["release_date"].strftime("%Y-%m-%d"),
                     "training_tokens": f"{r['training_tokens']:.6g}", "training_compute_flop": f"{r['training_compute_flop']:.6g}",
                     "parameters": "1e9", "compute_method": "reported", "gpu_hours": ""})
    write_csv(csv, rows)
    assert main(["data-wall", "--data", str(csv), "--json"]) == 0
    d = json.loads(capsys.readouterr().out)
    assert [r["subset"] for r in d["subsets"]] == ["notable", "frontier"]
    assert all(len(r["year_ci"]) == 2 and r["n"] > 0 for r in d["subsets"])
    assert main(["data-wall", "--data", str(csv)]) == 0
    text = capsys.readouterr().out
    assert "notable" in text and "frontier" in text and "Villalobos" in text
    assert main(["data-wall", "--data", str(csv), "--subset", "open"]) == 2


# --- sensitivity table -------------------------------------------------------------------------------------------


def test_sensitivity_grid_and_known_slope():
    """Synthetic frontier growing exactly 0.6 OOM/yr: every top-k x start row recovers it within its interval,
    the rows are labelled by what differs from the baseline, and exclusions drop the named models."""
    from analysis.metrics.sensitivity import sensitivity_table

    m = synthetic_language_models(n=120, seed=5)
    m["release_date"] = pd.date_range("2010-01-01", "2025-12-31", periods=120)
    t = (m["release_date"] - pd.Timestamp("2010-01-01")).dt.days / C.DAYS_PER_YEAR
    m["training_compute_flop"] = 10 ** (18 + 0.6 * t + np.random.default_rng(1).normal(0, 0.05, 120))
    m.loc[5, "name"] = "AlphaGo Zero"
    m.loc[5, "training_compute_flop"] = 1e30  # an outlier that distorts the frontier unless excluded
    tab = sensitivity_table(m, vintages=())
    assert tab.loc[0, "varied"] == "baseline" and len(tab) == 9 + 1
    assert set(tab["varied"]) >= {"top-k 5", "top-k 20", "start 2015", "start 2018", "top-k 20 and start 2018",
                                  "no exclusions"}
    truth = 10 ** 0.6
    ok = tab[tab["varied"] != "no exclusions"]
    assert ((ok["growth_low"] <= truth) & (truth <= ok["growth_high"])).all()
    assert (ok["n"] > 0).all() and (ok["growth_low"] < ok["growth_per_year"]).all()
    noex = tab.set_index("varied").loc["no exclusions"]
    base = tab.loc[0]
    assert noex["n"] == base["n"] + 1 and noex["growth_per_year"] < base["growth_per_year"]  # the outlier pulls it


def test_cli_trend_sensitivity(capsys):
    assert main(["trend", "compute", "--sensitivity", "--json"]) == 0
    d = json.loads(capsys.readouterr().out)
    assert d["baseline"] == {"top_k": 10, "since": "2010-01-01", "exclusions": list(C.EPOCH_FRONTIER_OUTLIERS)}
    vary = [r["varied"] for r in d["rows"]]
    assert vary[0] == "baseline" and "data vintage 2026-01-26" in vary and "data vintage 2026-07-19" in vary
    for r in d["rows"]:
        assert r["n"] > 0 and r["growth_per_year_ci"][0] < r["growth_per_year"] < r["growth_per_year_ci"][1]
    assert main(["trend", "compute", "--sensitivity", "--top-k", "20", "--since", "2015"]) == 0
    text = capsys.readouterr().out
    assert "baseline: top 20 at release, since 2015-01-01" in text and "data vintage 2026-01-26" in text
    assert main(["trend", "parameters", "--sensitivity"]) == 2
    assert "compute trend only" in capsys.readouterr().err
