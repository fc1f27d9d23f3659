"""The registry of declared analyses (analysis/metrics/registry.py, analyses.py): every analysis returns its declared
Result with n, window, interval kind and confidence filled; the CLI builds its options from the declarations; every
command's --json carries the meta."""

from __future__ import annotations

import argparse
import importlib
import inspect
import json

import pandas as pd
import pytest

from analysis.cli.args import ARG_TYPES
from analysis.cli.main import main
from analysis.data.dataset import load, load_with_bases
from analysis.errors import UsageError
from analysis.metrics.analyses import REGISTRY, get
from analysis.metrics.registry import Param
from analysis.metrics.result import Result

META = ("n", "window", "interval_kind", "confidence")
# the CLI command of each registered analysis, with the arguments a run needs besides the declared defaults
COMMANDS = {"trend": ["trend", "compute"], "lag": ["lag"], "concentration": ["concentration"],
            "data-wall": ["data-wall"], "capabilities": ["capabilities", "--bootstrap", "200"],
            "openness": ["openness"], "thresholds": ["thresholds"], "spillovers": ["spillovers"],
            "data-needed": ["data-needed", "--compute", "1e25"], "compute": ["compute", "llama-3-70b"],
            "cost": ["cost", "llama-3-70b"], "hardware": ["hardware"],
            "openness-score": ["openness-score", "llama-3-70b"],
            "clusters": ["clusters", "--bootstrap", "100"], "datacenters": ["datacenters"], "chips": ["chips"]}
# calls with modest work (the defaults of capabilities run 1000 bootstrap replicates)
CALLS = {"trend": {}, "lag": {}, "concentration": {"subset": "frontier"}, "data-wall": {},
         "capabilities": {"bootstrap": 200}, "openness": {}, "thresholds": {}, "spillovers": {},
         "data-needed": {"compute": 1e25}, "compute": {"model_id": "llama-3-70b"},
         "cost": {"model": "llama-3-70b"}, "hardware": {"groups": ("all",)},
         "openness-score": {"model_id": "llama-3-70b"},
         "clusters": {"bootstrap": 100}, "datacenters": {}, "chips": {}}
# analyses of published fits, not of rows of data: n = 0 and no window (ResultMeta's convention)
DATA_FREE = {"data-needed"}
# analyses of one model (or one hypothetical run): n = 1 and, unless the result is dated, no window
ONE_MODEL = {"compute", "cost", "openness-score"}
# the module of each command
MODULES = {"trend": "trend", "lag": "openness", "concentration": "competition", "data-wall": "datawall",
           "capabilities": "capabilities", "openness": "openness", "thresholds": "trend", "spillovers": "spillovers",
           "data-needed": "scaling", "compute": "compute",
           "cost": "cost", "hardware": "hardware",
           "openness-score": "openness", "clusters": "clusters", "datacenters": "datacenters", "chips": "chips"}
# commands that print estimates but run no registered analysis: their --json carries the meta of their result.
# `data diff` stays outside the registry: it compares two exports it reads itself (paths or vintage names), not the
# loaded data an analysis takes first, and it is a `data` subcommand (checking the data, like validate and pull);
# the headline fits it re-runs on each side are registered analyses (trend, openness).
OTHER_COMMANDS = [["data", "diff", "2026-01-26", "2026-07-19"]]


@pytest.fixture(scope="module")
def ds():
    return load(None)


def test_the_analyses_are_declared():
    assert {"trend", "lag", "concentration", "data-wall", "capabilities"} <= set(REGISTRY)
    assert set(REGISTRY) == set(CALLS) == set(COMMANDS), "a new analysis needs a CLI command and a call in this test"


@pytest.mark.regression  # shape only (types, keys, n > 0): guards the contract, not the numbers
@pytest.mark.parametrize("name", sorted(CALLS))
def test_every_registered_analysis_returns_its_result_with_meta(ds, name):
    entry = get(name)
    res = entry(load_with_bases(None) if name == "spillovers" else ds, **CALLS[name])
    assert isinstance(res, Result) and isinstance(res, entry.result_type)
    m = res.meta
    if name in DATA_FREE:
        assert m.n == 0 and m.window == (None, None)
    elif name in ONE_MODEL and m.window == (None, None):
        assert m.n == 1
    else:
        assert isinstance(m.n, int) and m.n > 0
        assert all(isinstance(w, str) and w[:2] in ("19", "20") for w in m.window), m.window
        assert m.window[0] <= m.window[1]
    assert isinstance(m.interval_kind, str) and len(m.interval_kind) > 5
    # counts have no interval: confidence None and the kind says so
    # (compute's low-high is a range over the utilization prior, not an interval: its kind says "range over")
    assert (0 < m.confidence < 1) if m.confidence is not None else m.interval_kind.startswith("none: ") or (
        name == "compute" and m.interval_kind.startswith("range over "))
    d = res.to_dict()
    assert all(k in d for k in META)
    json.dumps(d, allow_nan=False)
    assert res.caption().startswith(f"n={m.n}, window ") or (name in ONE_MODEL and res.caption().startswith(
        "n=1; ")) or (name in DATA_FREE and
                                                              res.caption().startswith(f"{m.confidence * 100:g}% "))
    assert len(res.to_frame()) >= 1


@pytest.mark.regression  # shape only (types, keys, n > 0): guards the contract, not the numbers
@pytest.mark.parametrize("name", sorted(COMMANDS))
def test_every_registered_command_json_includes_the_meta(capsys, name):
    """Each command's --json has the four meta keys (n > 0 for analyses of data)."""
    assert main(COMMANDS[name] + ["--json"]) == 0
    out = json.loads(capsys.readouterr().out)
    assert all(k in out for k in META), sorted(set(META) - set(out))
    assert (out["n"] > 0 or name in DATA_FREE) and len(out["window"]) == 2 and out["interval_kind"]
    assert out["confidence"] is None or 0 < out["confidence"] < 1


@pytest.mark.regression  # shape only (types, keys, n > 0): guards the contract, not the numbers
@pytest.mark.parametrize("argv", OTHER_COMMANDS, ids=lambda a: a[0] if a[0] != "data" else "data-diff")
def test_every_other_analysis_command_json_includes_the_meta(capsys, argv):
    assert main(argv + ["--json"]) == 0
    out = json.loads(capsys.readouterr().out)
    assert all(k in out for k in META), sorted(set(META) - set(out))
    assert isinstance(out["n"], int) and len(out["window"]) == 2 and out["interval_kind"]


@pytest.mark.parametrize("name", sorted(COMMANDS))
def test_declared_parameters_match_the_function_and_the_cli(name):
    """Each declared parameter is a keyword of the function with the same default, and the command's parser has
    it (so a declaration change reaches both front ends)."""
    entry = get(name)
    sig = inspect.signature(entry.function)
    assert set(list(sig.parameters)[1:]) == {p.name for p in entry.params}
    for p in entry.params:
        assert sig.parameters[p.name].default == p.default, p.name
    parser = argparse.ArgumentParser()
    sub = parser.add_subparsers()
    mod = importlib.import_module(f"analysis.cli.commands.{MODULES[name]}")
    mod.register(sub)
    command = sub.choices[name]
    dests = {a.dest for a in command._actions}
    assert {p.name for p in entry.params} <= dests


def test_registry_checks_names_and_allowed_values(ds):
    with pytest.raises(UsageError, match="unknown parameter 'subsett'"):
        get("concentration")(ds, subsett="frontier")
    with pytest.raises(UsageError, match="subset must be one of notable, frontier"):
        get("concentration")(ds, subset="everything")
    with pytest.raises(UsageError, match="unknown analysis 'trends'"):
        get("trends")


def test_declared_kinds_check_command_line_values(run_cli):
    """--bootstrap is declared with kind 'bootstrap' (at least 10): the CLI refuses 5 with exit 2."""
    code, err = run_cli(["concentration", "--bootstrap", "5"])
    assert code == 2 and "bootstrap must be at least 10" in err
    assert all(p.kind is None or p.kind in ARG_TYPES for e in REGISTRY.values() for p in e.params)


def test_param_add_to_builds_the_option():
    parser = argparse.ArgumentParser()
    Param("top_k", 10, "frontier size", kind="positive_int", metavar="K").add_to(parser, ARG_TYPES)
    Param("subsets", ("a", "b"), "repeatable", flag="--subset", action="append", cli_default=None).add_to(parser,
                                                                                                    ARG_TYPES)
    Param("metric", "compute", "what", flag="").add_to(parser, ARG_TYPES)
    ns = parser.parse_args(["parameters", "--top-k", "3", "--subset", "a", "--subset", "b"])
    assert (ns.metric, ns.top_k, ns.subsets) == ("parameters", 3, ["a", "b"])
    assert parser.parse_args(["compute"]).subsets is None and parser.parse_args(["compute"]).top_k == 10


def test_trend_through_the_registry_equals_the_direct_fit(ds):
    """The declaration adds nothing to the numbers: the registered trend is subset_trend on the same rows."""
    from analysis.metrics.trends import subset_trend

    via = get("trend")(ds, metric="parameters", subset="frontier", since="2018-01-01")
    direct = subset_trend(ds.models, "parameters", "frontier", since=pd.Timestamp("2018-01-01"))
    assert via.to_dict() == direct.to_dict()
    with pytest.raises(UsageError, match="unknown metric 'flops'"):
        get("trend")(ds, metric="flops")


def test_cost_through_the_registry_checks_the_run_like_the_cli(ds):
    """Notebook callers get the command's rules: days = 24 hours, hours and days not both, a model or hardware."""
    by_days = get("cost")(ds, hardware="nvidia-h100", chips=1000, days=30)
    by_hours = get("cost")(ds, hardware="nvidia-h100", chips=1000, hours=720)
    assert by_days.hours == by_hours.hours == 720 and by_days.to_dict() == by_hours.to_dict()
    with pytest.raises(UsageError, match="not both"):
        get("cost")(ds, hardware="nvidia-h100", chips=1000, hours=10, days=2)
    with pytest.raises(UsageError, match="give a MODEL_ID, or --hardware"):
        get("cost")(ds)
    with pytest.raises(UsageError, match="describe a hypothetical run"):
        get("cost")(ds, model="llama-3-70b", chips=5)


def test_hardware_declaration_spells_out_the_accelerator_defaults():
    """analyses.py writes the default metrics and the groups out (it loads no pandas): they are the module's."""
    from analysis.metrics import accelerators
    from analysis.metrics.analyses import HARDWARE_DEFAULT_METRICS, HARDWARE_GROUP_NAMES

    assert HARDWARE_DEFAULT_METRICS == accelerators.DEFAULT_HARDWARE_METRICS
    assert HARDWARE_GROUP_NAMES == accelerators.HARDWARE_GROUPS
    assert set(get("hardware").param("metrics").allowed) == set(accelerators.HARDWARE_METRICS)


def test_hardware_through_the_registry_equals_the_direct_fit():
    """The registered hardware trends are hardware_trend_table on the newest snapshot, with its meta."""
    from analysis.data import sources
    from analysis.metrics.accelerators import hardware_table, hardware_trend_table

    via = get("hardware")(None, metrics=["fp32"], groups=["gpu"], confidence=0.8)
    direct = hardware_trend_table(hardware_table(sources.ml_hardware().frame), ["fp32"], ["gpu"], confidence=0.8)
    pd.testing.assert_frame_equal(via.table, direct)
    assert via.meta.n == int(direct["n"].iloc[0]) and via.meta.confidence == 0.8
    with pytest.raises(UsageError, match="metrics must be one of"):
        get("hardware")(None, metrics=["fp33"])


def test_one_model_analyses_through_the_registry_equal_the_direct_calls(ds):
    """compute and openness-score add nothing to the numbers; a missing model id is a usage error, not a crash."""
    from analysis.data import sources
    from analysis.metrics.compute import model_compute
    from analysis.metrics.openness import explain_openness
    from analysis.metrics.utilization import mfu_reports

    assert get("compute")(ds, model_id="llama-3-8b", precision="fp8").to_dict() == model_compute(
        ds.models, ds.hardware, "llama-3-8b", precision="fp8",
        mfu_reports=mfu_reports(sources.mfu_reports())).to_dict()
    assert get("openness-score")(ds, model_id="llama-3-70b").to_dict() == explain_openness(
        ds.openness, "llama-3-70b").to_dict()
    for name in ("compute", "openness-score"):
        with pytest.raises(UsageError, match="give model_id"):
            get(name)(ds)
