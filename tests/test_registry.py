"""The registry of analyses (analysis/metrics/registry.py): each analysis is declared once, at its definition, with
the @analysis decorator; the command line builds its options (flags, defaults, help, allowed values, validators)
from that declaration, the library calls go through the same validators, and every analysis returns its declared
Result with n, window, interval kind and confidence filled, through the library and through its command's --json.

Nothing here lists the analyses: the tests run over whatever is registered (registry.load_all) and whatever command
offers it (the parsers record the analyses whose options they carry), with each analysis's own ``example``."""

from __future__ import annotations

import argparse
import inspect
import json
import sys
import textwrap

import pandas as pd
import pytest

import analysis.cli.commands as command_pkg
import analysis.metrics as metrics_pkg
from analysis.cli.main import build_parser, main
from analysis.data.dataset import load, load_with_bases
from analysis.errors import UsageError
from analysis.metrics.registry import REGISTRY, RENAMED, Opt, Param, get, load_all, to_int
from analysis.metrics.result import Result
from analysis.metrics.vocabulary import check_confidence

META = ("n", "window", "interval_kind", "confidence")
NAMES = sorted(load_all())


def _ready(p: argparse.ArgumentParser) -> argparse.ArgumentParser:
    p.format_help()  # runs the command's deferred set-up (its declared options)
    return p


def _commands() -> dict[str, tuple[str, argparse.ArgumentParser]]:
    """analysis name -> (command, its parser), from the full command line (each parser records its analyses)."""
    parser = build_parser()
    sub = next(a for a in parser._actions if isinstance(a, argparse._SubParsersAction))
    out = {}
    for command, p in sub.choices.items():
        for name in getattr(_ready(p), "analyses", ()):
            out.setdefault(name, (command, p))
    return out


COMMANDS = _commands()


def _argv(name: str, params: dict) -> list[str]:
    """The command line asking what ``params`` asks of the analysis ``name`` (spelled from its declaration)."""
    entry, argv = get(name), [COMMANDS[name][0]]
    for key, value in params.items():
        p = entry.param(key)
        if not p.option:
            argv.append(str(value))
        elif p.opt.action == "store_true":
            argv += [p.option] if value else []
        elif p.opt.action == "append":
            for v in value:
                argv += [p.option, str(v)]
        else:
            argv += [p.option, str(value)]
    return argv


@pytest.fixture(scope="module")
def ds():
    return load_with_bases(None)


def test_the_toolkits_analyses_are_declared_and_each_has_a_command():
    assert {"trend", "lag", "concentration", "data-wall", "capabilities", "openness", "hardware", "cost"} <= set(NAMES)
    assert set(NAMES) <= set(COMMANDS), sorted(set(NAMES) - set(COMMANDS))


@pytest.mark.parametrize("name", NAMES)
def test_the_declaration_is_the_functions_signature(name):
    """Each parameter is written once: the declaration's names and defaults are the function's keywords and
    defaults, its result type is the return annotation, and the decorated function is the function itself."""
    entry = get(name)
    sig = inspect.signature(entry.function)
    assert [p.name for p in entry.params] == list(sig.parameters)[1:]
    assert all(sig.parameters[p.name].default == p.default for p in entry.params)
    assert entry.function.analysis is entry and issubclass(entry.result_type, Result)
    assert entry.help and "\n" not in entry.help


@pytest.mark.parametrize("name", NAMES)
def test_every_commands_options_equal_the_declaration(name):
    """The command's parser has each declared parameter with the declared flag, default, help, allowed values
    and, as its argparse type, the declared validator (checked by feeding the same bad and good values)."""
    entry = get(name)
    parser = _ready(COMMANDS[name][1])
    actions = {a.dest: a for a in parser._actions}
    for p in entry.params:
        a = actions[p.name]
        assert list(a.option_strings) == ([p.option] if p.option else []), p.name
        assert a.help == p.help, p.name
        if p.opt.action == "append":
            assert a.default is None  # absent: the declared default (Analysis.options)
        elif p.option or p.opt.nargs == "?":
            assert a.default == p.default, p.name
        if p.allowed is not None:
            assert tuple(a.choices) == p.allowed
            for good in p.allowed:
                assert a.type(good) == good
            with pytest.raises(argparse.ArgumentTypeError, match="must be one of|unknown"):
                a.type("no-such-value")
        if p.opt.check is not None:
            assert a.type is not None
            if p.default is not None and p.opt.action is None:
                assert a.type(str(p.default)) == p.check_one(p.default), p.name
    opts, given = entry.options(parser.parse_args(_argv(name, dict(entry.example))[1:])), dict(entry.example)
    assert set(opts) == {p.name for p in entry.params}
    for p in entry.params:  # the command line asks what the library call asks
        assert p.validate(opts[p.name]) == p.validate(given.get(p.name, p.default)), p.name


@pytest.mark.regression  # shape only (types, keys, n > 0): guards the contract, not the numbers
@pytest.mark.parametrize("name", NAMES)
def test_every_registered_analysis_returns_its_result_with_meta(ds, name):
    entry = get(name)
    res = entry(ds, **dict(entry.example))
    assert isinstance(res, Result) and isinstance(res, entry.result_type)
    m = res.meta
    if m.window == (None, None):  # analyses of published fits (n = 0) or of one model or one run (n = 1)
        assert m.n in (0, 1)
    else:
        assert isinstance(m.n, int) and m.n > 0
        assert all(isinstance(w, str) and w[:2] in ("19", "20") for w in m.window), m.window
        assert m.window[0] <= m.window[1]
    assert isinstance(m.interval_kind, str) and len(m.interval_kind) > 5
    # counts have no interval: confidence None and the kind says so; a range over assumptions says so too
    assert (0.5 <= m.confidence < 1) if m.confidence is not None else m.interval_kind.startswith(
        ("none: ", "range over "))
    d = res.to_dict()
    assert all(k in d for k in META)
    json.dumps(d, allow_nan=False)
    assert len(res.to_frame()) >= 1


@pytest.mark.regression  # shape only (types, keys, n > 0): guards the contract, not the numbers
@pytest.mark.parametrize("name", NAMES)
def test_every_registered_command_json_includes_the_meta(capsys, name):
    """Each analysis's command, asked its example with --json, prints the four meta keys."""
    assert main(_argv(name, dict(get(name).example)) + ["--json"]) == 0
    out = json.loads(capsys.readouterr().out)
    assert all(k in out for k in META), sorted(set(META) - set(out))
    assert isinstance(out["n"], int) and len(out["window"]) == 2 and out["interval_kind"]
    assert out["confidence"] is None or 0.5 <= out["confidence"] < 1


def test_every_other_analysis_command_json_includes_the_meta(capsys):
    """`data diff` stays outside the registry (it compares two exports it reads itself, not the loaded data an
    analysis takes first); its --json carries the meta all the same."""
    assert main(["data", "diff", "2026-01-26", "2026-07-19", "--json"]) == 0
    out = json.loads(capsys.readouterr().out)
    assert all(k in out for k in META) and isinstance(out["n"], int) and out["interval_kind"]


CONFIDENT = [n for n in NAMES if any(p.name == "confidence" for p in get(n).params)]


@pytest.mark.parametrize("bad", ["0.3", "1.5", "nan", "95"])
def test_an_invalid_confidence_is_the_same_one_line_error_everywhere(run_cli, bad):
    """One rule for the level, [0.5, 1): every command that takes --confidence refuses it with exit 2 and the
    same message, and the library says the same (issue 25: data-needed and capabilities accepted 0.3)."""
    assert len(CONFIDENT) >= 10
    with pytest.raises(UsageError) as lib:
        check_confidence(float(bad))
    messages = set()
    for name in CONFIDENT:
        positional = {p.name: v for p in get(name).params for k, v in get(name).example if k == p.name
                      and not p.option}
        code, err = run_cli(_argv(name, positional) + ["--confidence", bad])
        assert code == 2 and err.count("\n") == 1 and "Traceback" not in err, (name, err)
        messages.add(err.split("argument --confidence: ", 1)[1].strip())
        with pytest.raises(UsageError) as exc:
            get(name)(None, confidence=float(bad))
        assert str(exc.value).startswith("confidence must be in [0.5, 1)")
    assert messages == {str(lib.value)}


def test_old_spellings_of_a_parameter_are_named(ds):
    for old in ("ci_level", "level", "alpha"):
        with pytest.raises(UsageError, match=f"'{old}' is now spelled confidence"):
            get("openness")(ds, **{old: 0.9})
    assert RENAMED["ci_level"] == "confidence"
    with pytest.raises(UsageError, match="unknown parameter 'subsett'"):
        get("concentration")(ds, subsett="frontier")


def test_registry_checks_allowed_values_and_validators(ds):
    with pytest.raises(UsageError, match="subset must be one of notable, frontier"):
        get("concentration")(ds, subset="everything")
    with pytest.raises(UsageError, match="unknown analysis 'trends'"):
        get("trends")
    with pytest.raises(UsageError, match="bootstrap must be at least 10"):
        get("concentration")(ds, bootstrap=5)
    with pytest.raises(UsageError, match="metrics must be one of"):
        get("hardware")(None, metrics=["fp33"])
    with pytest.raises(UsageError, match="unknown metric 'flops'"):
        get("trend")(ds, metric="flops")


def test_a_validator_is_the_commands_argparse_type(run_cli):
    code, err = run_cli(["concentration", "--bootstrap", "5"])
    assert code == 2 and "argument --bootstrap: bootstrap must be at least 10" in err
    code, err = run_cli(["data-needed", "--compute=-1e24"])
    assert code == 2 and "argument --compute: must be a positive finite number" in err


def test_param_add_to_builds_the_option():
    parser = argparse.ArgumentParser()
    from analysis.metrics.vocabulary import check_top_k

    Param("top_k", 10, Opt("frontier size", check=check_top_k, metavar="K"), to_int).add_to(parser)
    Param("subsets", ("a", "b"), Opt("repeatable", choices=("a", "b"), flag="--subset", action="append")
          ).add_to(parser)
    Param("metric", "compute", Opt("what", flag="")).add_to(parser)
    ns = parser.parse_args(["parameters", "--top-k", "3", "--subset", "a", "--subset", "b"])
    assert (ns.metric, ns.top_k, ns.subsets) == ("parameters", 3, ["a", "b"])
    assert parser.parse_args(["compute"]).subsets is None and parser.parse_args(["compute"]).top_k == 10
    with pytest.raises(SystemExit):
        parser.parse_args(["compute", "--subset", "c"])


TOY_ANALYSIS = '''
"""A toy analysis, declared in a module of its own: median parameters per year."""
from typing import Annotated

from analysis import constants as C
from analysis.metrics.registry import Opt, analysis
from analysis.metrics.result import TableResult, meta
from analysis.metrics.selection import select
from analysis.metrics.vocabulary import Confidence, Since


@analysis("toy-median-parameters")
def median_parameters(ds, since: Since = None, confidence: Confidence = C.DEFAULT_CONFIDENCE,
                      column: Annotated[str, Opt("the column", choices=("parameters", "training_compute_flop"))]
                      = "parameters") -> TableResult:
    """Median parameters per release year."""
    m = select(ds.models, since=since).dropna(subset=[column, "release_date"])
    table = m.groupby(m["release_date"].dt.year)[column].median().rename_axis("year").reset_index()
    years = table["year"]
    return TableResult(table=table, info=meta(len(m), str(years.min()), str(years.max()), "none: medians", None),
                       settings={"column": column})
'''

TOY_COMMAND = '''
"""The toy analysis's command."""
from analysis.cli.args import add_analysis_options, add_data_option, add_json_option, analysis_options, print_json


def register(sub):
    p = sub.add_parser("toy", help="median parameters per year")
    add_data_option(p)
    add_analysis_options(p, "toy-median-parameters")
    add_json_option(p)
    p.set_defaults(func=run)


def run(args):
    from analysis.data.dataset import load
    from analysis.metrics.registry import get

    res = get("toy-median-parameters")(load(args.data), **analysis_options(args, "toy-median-parameters"))
    print_json(res.to_dict())
    return 0
'''


@pytest.fixture
def toy(tmp_path, monkeypatch):
    """A new analysis module and its command file, placed on the packages' paths as a contributor adds them."""
    (tmp_path / "metrics").mkdir()
    (tmp_path / "commands").mkdir()
    (tmp_path / "metrics" / "toy_median.py").write_text(textwrap.dedent(TOY_ANALYSIS))
    (tmp_path / "commands" / "toy.py").write_text(textwrap.dedent(TOY_COMMAND))
    monkeypatch.setattr(metrics_pkg, "__path__", [*metrics_pkg.__path__, str(tmp_path / "metrics")])
    monkeypatch.setattr(command_pkg, "__path__", [*command_pkg.__path__, str(tmp_path / "commands")])
    yield
    REGISTRY.pop("toy-median-parameters", None)
    for mod in ("analysis.metrics.toy_median", "analysis.cli.commands.toy"):
        sys.modules.pop(mod, None)


def test_a_new_analysis_needs_only_its_module_and_its_command(toy, capsys, run_cli):
    """Adding an analysis touches its module and its command file, nothing else: the registry finds it by name,
    the command's options are its declaration, and the command's output is the library's result."""
    entry = get("toy-median-parameters")
    assert [p.name for p in entry.params] == ["since", "confidence", "column"]
    assert main(["toy", "--since", "2020", "--json"]) == 0
    out = json.loads(capsys.readouterr().out)
    direct = entry(load(None), since="2020-01-01")
    assert out["n"] == direct.meta.n and out["window"] == list(direct.meta.window)
    code, err = run_cli(["toy", "--column", "nope"])
    assert code == 2 and "argument --column: column must be one of parameters, training_compute_flop" in err
    code, err = run_cli(["toy", "--confidence", "0.3"])
    assert code == 2 and "argument --confidence: confidence must be in [0.5, 1)" in err


def test_trend_through_the_registry_equals_the_direct_fit(ds):
    """The declaration adds nothing to the numbers: the registered trend is subset_trend on the same rows."""
    from analysis.metrics.trends import subset_trend

    via = get("trend")(ds, metric="parameters", subset="frontier", since="2018-01-01")
    direct = subset_trend(ds.models, "parameters", "frontier", since=pd.Timestamp("2018-01-01"))
    assert via.to_dict() == direct.to_dict()


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


def test_hardware_through_the_registry_equals_the_direct_fit():
    """The registered hardware trends are hardware_trend_table on the newest snapshot, with its meta."""
    from analysis.data import sources
    from analysis.metrics.accelerators import hardware_table, hardware_trend_table

    via = get("hardware")(None, metrics=["fp32"], groups=["gpu"], confidence=0.8)
    direct = hardware_trend_table(hardware_table(sources.ml_hardware().frame), ["fp32"], ["gpu"], confidence=0.8)
    pd.testing.assert_frame_equal(via.table, direct)
    assert via.meta.n == int(direct["n"].iloc[0]) and via.meta.confidence == 0.8


def test_one_model_analyses_through_the_registry_equal_the_direct_calls(ds):
    """compute and openness-score add nothing to the numbers; a missing model id is a usage error, not a crash."""
    from analysis.data import sources
    from analysis.metrics.compute import model_compute
    from analysis.metrics.openness import explain_openness
    from analysis.metrics.utilization import mfu_reports

    plain = load(None)
    assert get("compute")(plain, model_id="llama-3-8b", precision="fp8").to_dict() == model_compute(
        plain.models, plain.hardware, "llama-3-8b", precision="fp8",
        mfu_reports=mfu_reports(sources.mfu_reports())).to_dict()
    assert get("openness-score")(plain, model_id="llama-3-70b").to_dict() == explain_openness(
        plain.openness, "llama-3-70b").to_dict()
    for name in ("compute", "openness-score"):
        with pytest.raises(UsageError, match="give model_id"):
            get(name)(plain)
