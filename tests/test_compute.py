"""Tests of analysis.metrics.compute and the `compute` command: estimators, implied utilization, cost, energy."""

from __future__ import annotations

import csv
import json
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from analysis import constants as C
from analysis.cli.main import main
from analysis.data import schema
from analysis.errors import AnalysisError, UsageError
from analysis.metrics import compute as K
from analysis.metrics.energy import run_energy

H100_BF16 = 9.894e14  # NVIDIA H100 SXM5 dense BF16 peak (datasheet: 1,979 TFLOPS with sparsity / 2)


def reports():
    """The reported MFUs behind the utilization prior, as the data layer reads them (pinned, verified)."""
    from analysis.data import sources
    from analysis.metrics import utilization

    return utilization.mfu_reports(sources.mfu_reports())


def hardware() -> pd.DataFrame:
    return pd.DataFrame({
        "id": ["nvidia-h100", "nvidia-a100", "google-tpu-v4"],
        "name": ["NVIDIA H100 SXM5 80GB", "NVIDIA A100 SXM4 80GB", "Google TPU v4"],
        "fp32_flop_per_s": [6.69e13, 1.95e13, np.nan], "tf32_flop_per_s": [4.947e14, 1.56e14, np.nan],
        "bf16_flop_per_s": [H100_BF16, 3.12e14, 2.75e14], "fp8_flop_per_s": [1.9789e15, np.nan, np.nan],
        "int8_op_per_s": [1.9789e15, 6.24e14, 2.75e14], "tdp_w": [700.0, 400.0, np.nan]})


def models() -> pd.DataFrame:
    return pd.DataFrame({
        "id": ["llama-3-8b", "llama-3-70b", "gpt-3", "moe-x", "tpu-model", "bare"],
        "name": ["Llama 3 8B", "Llama 3 70B", "GPT-3 (175B)", "MoE X", "TPU model", "Bare"],
        "parameters": [8.03e9, 7.06e10, 1.75e11, 4.7e10, 1e10, np.nan],
        "active_parameters": [np.nan, np.nan, np.nan, 1.3e10, np.nan, np.nan],
        "training_tokens": [15e12, 15e12, 3e11, 1e12, 1e12, np.nan],
        "training_compute_flop": [7.227e23, 6.354e24, 3.14e23, np.nan, 6e22, 1e20],
        "compute_method": ["6ND", "6ND", "reported", np.nan, "6ND", "epoch-ai"],
        "training_hardware": ["nvidia-h100", "nvidia-h100", "nvidia-v100", np.nan, "google-tpu-v4", np.nan],
        "hardware_count": [np.nan, np.nan, np.nan, np.nan, 1024, np.nan],
        "gpu_hours": [C.LLAMA3_MODEL_CARD_GPU_HOURS["llama-3-8b"], C.LLAMA3_MODEL_CARD_GPU_HOURS["llama-3-70b"],
                      np.nan, np.nan, np.nan, np.nan],
        "utilization_mfu": [np.nan] * 6})


# --- estimators: published and hand-computed -----------------------------------------------------------------


def test_6nd_gpt3_and_chinchilla():
    # GPT-3: 6 x 175e9 x 300e9 = 3.15e23; Brown et al. 2020 Table D.1 reports 3.14e23 (they use 174.6B params):
    # within 0.5%
    assert K.flop_6nd(C.GPT3_PARAMS, C.GPT3_TOKENS) == pytest.approx(3.15e23, rel=1e-12)
    assert abs(K.flop_6nd(C.GPT3_PARAMS, C.GPT3_TOKENS) / C.GPT3_REPORTED_FLOP - 1) < 0.005
    # Chinchilla: 6 x 70e9 x 1.4e12 = 5.88e23 vs reported 5.76e23 (Hoffmann et al. 2022): +2.1%, the size of the
    # 6ND-vs-full-count differences in their Table A4 (0.99-1.10), so we allow 3%
    f = K.flop_6nd(C.CHINCHILLA_PARAMS, C.CHINCHILLA_TOKENS)
    assert f == pytest.approx(5.88e23, rel=1e-12)
    assert abs(f / C.CHINCHILLA_REPORTED_FLOP - 1) < 0.03


def test_6nd_uses_active_params_for_moe():
    assert K.flop_6nd(4.7e10, 1e12, active_params=1.3e10) == pytest.approx(6 * 1.3e10 * 1e12)


def test_hardware_and_gpu_hours_hand_computed():
    # 1000 chips x 24 h x 3600 s x 1e15 FLOP/s x 0.5 = 4.32e22
    assert K.flop_from_hardware(1000, 24, 1e15, 0.5) == pytest.approx(4.32e22)
    # Llama 3 8B: 1.3e6 H100-hours x 3600 x 9.894e14 x 0.40 = 1.8521568e24
    assert K.flop_from_gpu_hours(1.3e6, H100_BF16, 0.40) == pytest.approx(1.8521568e24)
    # the two agree when gpu_hours = chips x hours
    assert K.flop_from_hardware(512, 100, H100_BF16, 0.3) == pytest.approx(K.flop_from_gpu_hours(51200, H100_BF16, 0.3))


def test_implied_mfu_llama3():
    """Llama 3 from the model card's H100-hours (8B: 1.3M, 70B: 6.4M) and 6ND FLOP (15T tokens): MFU =
    FLOP / (hours x 3600 x 989.4e12). 8B: 7.227e23 / 4.630e24 = 15.6%; 70B: 6.354e24 / 2.2796e25 = 27.9%. Meta's
    'over 400 TFLOPS per GPU' on 16K GPUs (Llama 3 blog, 2024-04-18) is 40.4% of the same peak: the reported
    hours imply far lower utilization than the headline throughput (they include more than the final run)."""
    mfu8 = K.implied_utilization(K.flop_6nd(8.03e9, 15e12), 1.3e6, H100_BF16)
    mfu70 = K.implied_utilization(K.flop_6nd(7.06e10, 15e12), 6.4e6, H100_BF16)
    assert mfu8 == pytest.approx(6 * 8.03e9 * 15e12 / (1.3e6 * 3600 * H100_BF16), rel=1e-12)
    assert mfu70 == pytest.approx(6 * 7.06e10 * 15e12 / (6.4e6 * 3600 * H100_BF16), rel=1e-12)
    assert (round(mfu8, 3), round(mfu70, 3)) == (0.156, 0.279)  # the 15.6% and 27.9% worked out above
    ref = K.per_gpu_throughput_to_mfu(C.REFERENCE_THROUGHPUT_PER_GPU["nvidia-h100"], H100_BF16)
    assert ref == pytest.approx(400e12 / H100_BF16, rel=1e-12) and round(ref, 3) == 0.404
    assert C.LLAMA3_405B_MFU_RANGE[0] <= ref <= C.LLAMA3_405B_MFU_RANGE[1]  # consistent with the paper's 38-43%
    assert mfu8 < mfu70 < ref


# H100 server: DGX H100 10.2 kW for 8 GPUs of 700 W (analysis.constants.CHIP_TO_SERVER_POWER)
H100_SERVER_RATIO = 10.2 / 8 / 0.7


def test_cost_and_energy_hand_computed():
    assert K.training_cost_usd(1.3e6, 4.916) == pytest.approx(6_390_800)
    # the one energy model: 1.3e6 h x 700 W x 1.8214 (server) x 0.75 (share drawn) x PUE 1.1 / 1e6 = 1367.4 MWh
    e = run_energy(700, 1.3e6, hardware_id="nvidia-h100", pue=1.1)
    assert e.mwh == pytest.approx(1.3e6 * 700 * H100_SERVER_RATIO * 0.75 * 1.1 / 1e6) == pytest.approx(1367.44, abs=0.01)
    assert e.it_mwh == pytest.approx(910.0) and e.pue == 1.1 and e.pue_given
    # a given PUE is exact; the range comes from the share of server power drawn (GPUs: 0.5-1.0 at 5%-95%)
    assert e.mwh_range[0] == pytest.approx(910.0 * H100_SERVER_RATIO * 0.5 * 1.1, rel=1e-9)
    assert e.mwh_range[1] == pytest.approx(910.0 * H100_SERVER_RATIO * 1.0 * 1.1, rel=1e-9)
    # TPU and other GPUs use the generic ratios
    assert run_energy(100, 1.0, tpu=True, pue=1.0).mwh == pytest.approx(100 * 1.56 * 0.43 / 1e6)
    assert run_energy(100, 1.0, hardware_id="nvidia-v100", pue=1.0).mwh == pytest.approx(100 * 1.8 * 0.75 / 1e6)


@pytest.mark.parametrize("call", [
    lambda: K.flop_6nd(0, 1e12), lambda: K.flop_6nd(1e9, -1), lambda: K.flop_from_gpu_hours(1e6, 1e15, 0),
    lambda: K.flop_from_gpu_hours(1e6, 1e15, 1.5), lambda: run_energy(700, 1e6, pue=0.9),
    lambda: K.implied_utilization(1e24, 0, 1e15), lambda: K.training_cost_usd(float("nan"), 2.0),
])
def test_non_positive_or_impossible_inputs(call):
    with pytest.raises(AnalysisError):
        call()


def test_non_numbers_are_usage_errors():
    with pytest.raises(UsageError):
        K.flop_6nd("lots", 1e12)
    with pytest.raises(UsageError):
        K.flop_from_hardware(True, 1, 1, 0.5)


@settings(max_examples=50, deadline=None)
@given(h=st.floats(1, 1e8), peak=st.floats(1e12, 1e16), u=st.floats(0.01, 1.0))
def test_gpu_hours_round_trip_through_mfu(h, peak, u):
    flop = K.flop_from_gpu_hours(h, peak, u)
    assert K.implied_utilization(flop, h, peak) == pytest.approx(u, rel=1e-9)


# --- hardware lookups ----------------------------------------------------------------------------------------


def test_peak_lookup_and_errors():
    hw = hardware()
    assert K.peak_flop_per_s(hw, "nvidia-h100") == H100_BF16
    assert K.peak_flop_per_s(hw, "nvidia-h100", "fp8") == 1.9789e15
    with pytest.raises(AnalysisError, match="did you mean 'nvidia-h100'"):
        K.peak_flop_per_s(hw, "nvidia-h10")
    with pytest.raises(AnalysisError, match="no fp8 peak for nvidia-a100"):
        K.peak_flop_per_s(hw, "nvidia-a100", "fp8")
    with pytest.raises(UsageError, match="precision"):
        K.peak_flop_per_s(hw, "nvidia-h100", "fp4")


def test_find_model_did_you_mean():
    with pytest.raises(AnalysisError, match="did you mean 'llama-3-8b'"):
        K.find_model(models(), "llama-3-8")
    assert K.find_model(models(), "Llama 3 70B")["id"] == "llama-3-70b"  # case-insensitive name match


# --- one model -----------------------------------------------------------------------------------------------


def test_model_compute_llama3_8b():
    rep = reports()
    mc = K.model_compute(models(), hardware(), "llama-3-8b", mfu_reports=rep)
    e6, eg = mc.estimate("6ND"), mc.estimate("gpu-hours")
    assert e6.flop == pytest.approx(6 * 8.03e9 * 15e12)
    # no reported MFU: the H100-class prior, the median and range of the H100-class reports (six distinct
    # H100/H800/H200/TPU v5p reports in Epoch's 2026-07-19 snapshot: median 0.36, 0.19-0.52), not a blanket 40%
    h100 = rep.table.loc[rep.table["generation"] == "h100-class", "mfu"].astype(float).to_numpy()
    med, lo, hi = float(np.median(h100)), float(h100.min()), float(h100.max())
    assert len(h100) >= C.MFU_PRIOR_MIN_N and (round(med, 2), round(lo, 2), round(hi, 2)) == (0.36, 0.19, 0.52)
    assert eg.utilization == pytest.approx(med) and eg.flop == pytest.approx(1.3e6 * 3600 * H100_BF16 * med)
    assert (eg.utilization_low, eg.utilization_high) == (pytest.approx(lo), pytest.approx(hi))
    assert eg.flop_low == pytest.approx(1.3e6 * 3600 * H100_BF16 * lo)
    assert eg.flop_high == pytest.approx(1.3e6 * 3600 * H100_BF16 * hi)
    assert "h100-class prior" in eg.utilization_source and any("h100-class prior" in n for n in mc.notes)
    assert mc.implied_mfu == pytest.approx(6 * 8.03e9 * 15e12 / (1.3e6 * 3600 * H100_BF16), rel=1e-12)
    assert mc.implied_mfu_flop_method == "6ND"
    assert mc.reference_mfu == pytest.approx(400e12 / H100_BF16, rel=1e-12)
    assert mc.cost_usd == pytest.approx(1.3e6 * C.GPU_HOUR_PRICE_USD["nvidia-h100"])
    lo, hi = mc.cost_range_usd
    assert lo < mc.cost_usd < hi
    # default PUE: the energy model's hyperscale 1.1 (range 1.1-1.58), the same figure `cost` prints
    assert mc.energy_mwh == pytest.approx(1.3e6 * 700 * H100_SERVER_RATIO * 0.75 * C.AI_DATACENTER_PUE / 1e6)
    assert mc.it_energy_mwh == pytest.approx(910.0) and mc.pue == C.AI_DATACENTER_PUE
    assert mc.estimate("hardware") is None  # the schema has no training duration
    d = mc.to_dict()
    assert d["implied_mfu"] == mc.implied_mfu and d["estimates"][0]["method"] == "6ND"


def test_model_compute_options_and_other_rows():
    ms, hw = models(), hardware()
    given = K.model_compute(ms, hw, "llama-3-8b", utilization=0.5, price_per_gpu_hour=2.0, pue=1.1)
    assert given.estimate("gpu-hours").flop == pytest.approx(K.flop_from_gpu_hours(1.3e6, H100_BF16, 0.5))
    assert given.cost_usd == pytest.approx(2.6e6) and given.cost_range_usd is None
    assert given.energy_mwh == pytest.approx(1.3e6 * 700 * H100_SERVER_RATIO * 0.75 * 1.1 / 1e6)
    moe = K.model_compute(ms, hw, "moe-x", mfu_reports=reports())
    assert moe.estimate("6ND").flop == pytest.approx(6 * 1.3e10 * 1e12)
    assert any("MoE" in n for n in moe.notes) and any("hardware unknown" in n for n in moe.notes)
    rep = reports()
    tpu = K.model_compute(ms, hw, "tpu-model", training_days=10, mfu_reports=rep)
    # TPU v4 (A100-class generation): median of the A100-class reports (21 distinct in the 2026-07-19 snapshot)
    a100 = rep.table.loc[rep.table["generation"] == "a100-class", "mfu"].astype(float)
    assert tpu.estimate("hardware").flop == pytest.approx(1024 * 240 * 3600 * 2.75e14 * float(np.median(a100)))
    assert tpu.energy_mwh is None and any("no TDP" in n for n in tpu.notes)
    assert "estimated from" in tpu.gpu_hours_source and tpu.cost_usd is None  # no default TPU price
    gpt3 = K.model_compute(ms, hw, "gpt-3", mfu_reports=reports())  # V100 not in this small table: a note, no crash
    assert any("nvidia-v100" in n for n in gpt3.notes) and gpt3.estimate("6ND").flop == pytest.approx(3.15e23)
    bare = K.model_compute(ms, hw, "bare", mfu_reports=reports())
    assert bare.estimates == () and bare.implied_mfu is None
    table = K.compute_table(ms, hw, mfu_reports=reports())
    assert len(table) == len(ms) and table.set_index("id").at["llama-3-70b", "implied_mfu"] == pytest.approx(
        6 * 7.06e10 * 15e12 / (6.4e6 * 3600 * H100_BF16), rel=1e-12)


# --- CLI (on a models CSV written in our schema) -------------------------------------------------------------


@pytest.fixture()
def models_csv(tmp_path: Path) -> Path:
    cols = schema.resource("models").columns
    rows = [
        {"id": "llama-3-8b", "name": "Llama 3 8B", "organization": "Meta AI", "organization_type": "industry",
         "country": "United States of America", "release_date": "2024-04-18", "domain": "language",
         "architecture": "dense", "parameters": "8.03e9", "training_tokens": "15e12",
         "training_compute_flop": "7.227e23", "compute_method": "6ND", "training_hardware": "nvidia-h100",
         "gpu_hours": "1.3e6", "access": "open-weights-restricted", "confidence": "confident",
         "source_url": "https://github.com/meta-llama/llama3/blob/main/MODEL_CARD.md"},
        {"id": "llama-3-70b", "name": "Llama 3 70B", "organization": "Meta AI", "organization_type": "industry",
         "country": "United States of America", "release_date": "2024-04-18", "domain": "language",
         "architecture": "dense", "parameters": "7.06e10", "training_tokens": "15e12",
         "training_compute_flop": "6.354e24", "compute_method": "6ND", "training_hardware": "nvidia-h100",
         "gpu_hours": "6.4e6", "access": "open-weights-restricted", "confidence": "confident",
         "source_url": "https://github.com/meta-llama/llama3/blob/main/MODEL_CARD.md"},
    ]
    p = tmp_path / "models.csv"
    with open(p, "w", newline="", encoding="utf-8") as fh:
        w = csv.DictWriter(fh, fieldnames=cols)
        w.writeheader()
        for r in rows:
            w.writerow({c: r.get(c, "") for c in cols})
    return p


def _bundled_hardware_has_h100() -> bool:
    p = schema.DATA_DIR / "hardware.csv"
    return p.exists() and "nvidia-h100" in p.read_text(encoding="utf-8")


needs_hw = pytest.mark.skipif(not _bundled_hardware_has_h100(), reason="bundled data/hardware.csv lacks nvidia-h100")


@needs_hw
def test_cli_compute_json(capsys, models_csv):
    code = main(["compute", "llama-3-70b", "--data", str(models_csv), "--json"])
    out = capsys.readouterr().out
    assert code == 0
    d = json.loads(out)
    assert d["model_id"] == "llama-3-70b" and d["hardware"] == "nvidia-h100"
    assert d["implied_mfu"] == pytest.approx(6 * 7.06e10 * 15e12 / (6.4e6 * 3600 * d["peak_flop_per_s"]))
    assert {e["method"] for e in d["estimates"]} == {"6ND", "gpu-hours"}
    assert d["cost_usd"] > 0 and d["energy_mwh"] > 0


@needs_hw
def test_cli_compute_text(capsys, models_csv):
    code = main(["compute", "llama-3-8b", "--data", str(models_csv), "--price", "2.5", "--pue", "1.1"])
    out = capsys.readouterr().out
    assert code == 0
    assert "implied utilization (MFU): 15.6%" in out and "400 TFLOPS" in out and "$2.5/GPU-hour" in out


@needs_hw
def test_cli_compute_unknown_model(capsys, models_csv):
    code = main(["compute", "llama-3-7b", "--data", str(models_csv)])
    err = capsys.readouterr().err
    assert code == 1 and "did you mean" in err and "llama-3-70b" in err


@needs_hw
@pytest.mark.parametrize("argv", [["--utilization", "40"], ["--utilization", "abc"], ["--price", "-1"],
                                  ["--pue", "0.5"], ["--training-days", "0"]])
def test_cli_compute_usage_errors(capsys, models_csv, argv):
    code = main(["compute", "llama-3-8b", "--data", str(models_csv), *argv])
    assert code == 2 and capsys.readouterr().err.startswith("error:")


@pytest.mark.parametrize("method, implied", [("hardware", None), ("reported", 3e23 / (1e6 * 3600 * H100_BF16)),
                                             ("epoch-ai", 3e23 / (1e6 * 3600 * H100_BF16))])
def test_implied_utilization_is_never_circular(method, implied):
    """Without 6ND, the implied MFU divides the recorded FLOP by GPU-hours x peak, but only when that FLOP was not
    itself derived from hardware and an assumed utilization (compute_method 'hardware'): that would return the
    assumption. Hand computation: 3e23 / (1e6 h x 3600 s x 9.894e14) = 0.0842. (Kills the mutant that drops the
    filter, which no test saw.)"""
    m = pd.DataFrame({"id": ["x"], "name": ["X"], "parameters": [np.nan], "active_parameters": [np.nan],
                      "training_tokens": [np.nan], "training_compute_flop": [3e23], "compute_method": [method],
                      "training_hardware": ["nvidia-h100"], "hardware_count": [np.nan], "gpu_hours": [1e6],
                      "utilization_mfu": [np.nan]})
    mc = K.model_compute(m, hardware(), "x", utilization=0.4)
    if implied is None:
        assert mc.implied_mfu is None and mc.implied_mfu_flop_method is None
    else:
        assert mc.implied_mfu == pytest.approx(implied) and mc.implied_mfu_flop_method == f"recorded ({method})"
