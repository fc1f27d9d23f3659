"""Text output of the number-printing commands is written for people: SI units (312 B) and powers of ten
(1.2×10²⁵ FLOP), never e-notation; their --json output stays numeric with the same keys."""

from __future__ import annotations

import json
import re

import pytest

from analysis.cli import main as cli

E_NOTATION = re.compile(r"(?<![\w.])\d+(?:\.\d+)?e[+-]?\d+(?![\w.])")  # a number, not a hex hash

# the meta keys every command's --json carries (analysis/metrics/result.py)
META = {"n", "window", "interval_kind", "confidence"}
# command -> top-level keys of its --json object (unchanged by the text formatting)
CASES = {
    ("data-needed", "--compute", "1e25"): {
        "approach", "compute_flop", "confidence", "exponent_a", "exponent_b", "loss", "loss_ci", "method",
        "n_samples", "notes", "params", "params_ci", "question", "seed", "tokens", "tokens_ci", "tokens_per_param",
        "tokens_per_param_ci"},
    ("data-needed", "--params", "7e10"): None,
    ("compute", "llama-3-70b"): {
        "alternatives", "cost_range_usd", "cost_usd", "data", "energy_formula", "energy_mwh", "energy_mwh_ci",
        "estimates", "gpu_hours", "gpu_hours_source",
        "hardware", "implied_mfu", "implied_mfu_flop_method", "it_energy_mwh", "model_id", "name", "notes",
        "peak_flop_per_s", "power_w", "precision", "price_per_gpu_hour", "price_source", "pue", "recorded_flop",
        "recorded_method", "reference_mfu"},
    ("cost", "llama-3-70b"): {
        "alternatives", "amortized_hardware_2023_usd", "amortized_hardware_2023_usd_ci", "amortized_total_2023_usd",
        "amortized_total_2023_usd_ci", "assumptions", "chip_hours", "chips", "cloud_price_per_chip_hour_usd",
        "cloud_usd", "cloud_usd_ci", "cluster_cost_2023_usd", "data", "energy_2023_usd", "energy_2023_usd_ci",
        "energy_mwh", "energy_mwh_ci", "epoch_cost_2023_usd", "epoch_power_draw_w", "flop", "hardware", "hours", "notes",
        "peak_flop_per_s", "power_w", "price_per_chip_2023_usd", "range_level", "ratio_to_epoch", "run", "sources",
        "utilization"},
    ("hardware",): {"confidence", "deflator", "method", "sha256", "source", "trends"},
    ("data-wall",): {"confidence", "data", "published_year", "published_year_ci", "published_year_ci_level",
                     "stock_tokens", "stock_tokens_ci", "subsets"},
    ("trend", "compute"): None,
    ("lag", "--metric", "compute"): None,  # before: the matched levels printed as 3.48e+12
    ("clusters", "leading"): None,
    ("clusters", "shares", "--bootstrap", "100"): None,
    ("clusters", "runs"): None,
    ("datacenters", "capex"): None,
    ("chips", "hyperscalers"): None,
}


def _run(capsys, argv):
    capsys.readouterr()
    code = cli.main(list(argv))
    return code, capsys.readouterr().out


@pytest.mark.parametrize("argv", list(CASES), ids=" ".join)
def test_text_output_has_no_e_notation(capsys, argv):
    code, out = _run(capsys, argv)
    assert code == 0 and out.strip()
    assert not E_NOTATION.search(out), [line for line in out.splitlines() if E_NOTATION.search(line)]


@pytest.mark.parametrize("argv", list(CASES), ids=" ".join)
def test_json_output_stays_numeric(capsys, argv):
    code, out = _run(capsys, (*argv, "--json"))
    assert code == 0
    data = json.loads(out)
    if CASES[argv] is not None:  # the same keys, plus the meta every result carries (issue 14: one result shape)
        assert set(data) == CASES[argv] | META


def test_data_needed_reads_in_si_and_powers_of_ten(capsys):
    _, out = _run(capsys, ("data-needed", "--compute", "1e25"))
    assert "10²⁵ FLOP" in out and " B " in out.splitlines()[1]
    _, js = _run(capsys, ("data-needed", "--compute", "1e25", "--json"))
    d = json.loads(js)
    assert d["compute_flop"] == 1e25 and isinstance(d["params"], float)
