"""CLI plumbing: every command module imports, help works, usage errors exit 2 without a traceback, and fuzzed
arguments never crash with anything but our own errors."""

from __future__ import annotations

import importlib
import pkgutil
import subprocess
import sys

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import analysis.cli.commands as pkg
from analysis.cli.main import build_parser, main

MODULES = sorted(m.name for m in pkgutil.iter_modules(pkg.__path__))
COMMANDS = ["validate", "trend", "thresholds", "data-needed", "compute", "openness", "openness-score", "lag",
            "concentration", "report"]


@pytest.mark.parametrize("mod", MODULES)
def test_every_command_module_imports(mod):
    import argparse

    module = importlib.import_module(f"analysis.cli.commands.{mod}")
    module.register(argparse.ArgumentParser().add_subparsers())


def test_all_documented_commands_exist():
    choices = build_parser()._subparsers._group_actions[0].choices
    assert set(COMMANDS) <= set(choices), set(COMMANDS) - set(choices)


HEAVY = ("pandas", "numpy", "scipy", "statsmodels", "matplotlib", "pandera", "papermill", "jupyter_client",
         "nbconvert")


@pytest.mark.parametrize("argv", [["--version"], ["--help"], ["--debug", "--version"], []])
def test_version_and_help_import_no_scientific_library(argv):
    """Issue 25 item 5: `--version` took about 2 s of CPU because building the parser imported pandas, statsmodels
    and scipy (the hardware and trend commands listed their metrics, and data pull its files, at registration).
    Now --version answers before any command is imported, and each command imports what its description and
    options need only when it is used. Run in a fresh interpreter: what is in sys.modules at the end was imported."""
    probe = ("import sys\nfrom analysis.cli.main import main\ntry:\n    code = main(sys.argv[1:])\n"
             "except SystemExit as exc:\n    code = exc.code\n"
             f"print(code, sorted(m for m in {HEAVY!r} if m in sys.modules), file=sys.stderr)")
    done = subprocess.run([sys.executable, "-c", probe, *argv], capture_output=True, text=True, timeout=120)
    assert done.stderr.splitlines()[-1] == f"{2 if not argv else 0} []", done.stderr
    if argv:
        assert done.stdout.startswith("frontier-atlas " if "--version" in argv else "usage: frontier-atlas")


@pytest.mark.parametrize("argv, shows", [(["hardware", "--help"], "METRIC: fp32, tf32"),
                                         (["trend", "--help"], "METRIC: compute, parameters"),
                                         (["data", "pull", "--help"], "(default https://epoch.ai/data)")])
def test_deferred_descriptions_are_there_when_the_command_is_used(argv, shows, capsys):
    """The metrics and files these commands list come from modules that import pandas: they are added when the
    command runs or its help is shown (analysis.cli.args.defer), and the help reads as before."""
    with pytest.raises(SystemExit) as exc:
        main(argv)
    assert exc.value.code == 0 and shows in " ".join(capsys.readouterr().out.split())


def test_python_dash_m_and_console_script_agree():
    out = subprocess.run([sys.executable, "-m", "analysis", "--version"], capture_output=True, text=True, timeout=60)
    assert out.returncode == 0 and out.stdout.startswith("frontier-atlas ")


@pytest.mark.parametrize("argv", [[], ["nope"], ["trend"], ["trend", "flops"], ["validate", "--bogus"],
                                  ["trend", "compute", "--top-k", "x"], ["report", "--jobs", "0"]])
def test_usage_errors_exit_2(argv, run_cli):
    code, err = run_cli(argv)
    assert code == 2, (argv, err)
    assert "Traceback" not in err


@pytest.mark.parametrize("argv", [["capabilities", "--seed", "-1"], ["spillovers", "--seed", "-1"],
                                  ["capabilities", "--bootstrap", "5"], ["capabilities", "--confidence", "1.5"],
                                  ["openness", "--top-k", "0"], ["lag", "--seed", "-1"], ["trend", "compute", "--seed", "-1"]])
def test_every_command_checks_seed_bootstrap_confidence_and_counts_alike(argv, run_cli):
    """The shared argument types (cli/args.py) everywhere: a negative seed was an internal error in capabilities
    and spillovers, a top-k of 0 was accepted by openness; now each is a one-line usage error (exit 2)."""
    code, err = run_cli(argv)
    assert code == 2, (argv, err)
    assert err.startswith("error:") and "internal error" not in err and "Traceback" not in err


ARGS = st.lists(st.sampled_from(COMMANDS + ["compute", "parameters", "--json", "--data", "epoch:", "x.csv",
                                            "--since", "2020-13-45", "--until", "yesterday", "--top-k", "-3",
                                            "--confidence", "1.5", "--bootstrap", "-1", "--benchmark", "nope",
                                            "--metric", "score", "--subset", "weird", "--by", "org", "--params",
                                            "0", "--compute", "1e24", "--approach", "x", "--target-loss", "-1",
                                            "llama-3-8b", "ghost-model", "--domain", "language", "--help"]),
                max_size=7)


@settings(max_examples=120, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(argv=ARGS)
def test_fuzzed_arguments_never_crash(argv, capsys):
    if "report" in argv:
        argv = [a for a in argv if a != "report"]  # running notebooks is covered elsewhere
    try:
        code = main(argv)
    except SystemExit as exc:  # argparse: --help (0) or usage error (2)
        code = exc.code
    err = capsys.readouterr().err
    assert code in (0, 1, 2), (argv, code)
    assert "Traceback" not in err and "internal error" not in err, (argv, err)
