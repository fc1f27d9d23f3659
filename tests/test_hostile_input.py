"""Issue 13, item 5: foreseeable input never ends in an internal error or a quiet wrong answer. Each case here was
found failing (an `internal error`, a hang, or a confident nonsense number with exit 0) and is kept as a
regression test: one located line on stderr, the documented exit code, no traceback."""

from __future__ import annotations

import io

import pytest

from analysis.cli.args import MAX_BOOTSTRAP
from analysis.cli.main import main
from analysis.data import schema
from tests.conftest import GOOD_MODEL


def _models_csv(path, rows: list[dict]):
    cols = schema.resource("models").columns
    lines = [",".join(cols)]
    for r in rows:
        full = dict(GOOD_MODEL) | r
        lines.append(",".join(f'"{full.get(c, "")}"' for c in cols))
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def _run(argv, capsys):
    """main() with argparse's SystemExit folded into the exit code."""
    try:
        code = main(argv)
    except SystemExit as exc:
        code = exc.code
    out = capsys.readouterr()
    return code, out.out, out.err


def _one_line(err: str) -> None:
    assert "Traceback" not in err
    assert "internal error" not in err, err
    assert len([ln for ln in err.splitlines() if ln.startswith("error:")]) == 1, err


@pytest.mark.parametrize("argv", [
    ["lag", "--seed", "-1"],
    ["concentration", "--seed", "-1"],
    ["trend", "compute", "--seed", "-1"],
    ["data-needed", "--compute", "1e24", "--seed", "-1"],
    ["concentration", "--seed", "99999999999999999999"],
    ["lag", "--top-k", "0"],
    ["trend", "compute", "--bootstrap", "100000000"],
    ["trend", "compute", "--bootstrap", "\uff11\uff10\uff10"],
    ["trend", "compute", "--confidence", "nan"],
    ["data-needed", "--compute", "1e24", "--confidence", "1.5"],
    ["report", "--jobs", "0", "--list"],
])
def test_out_of_range_options_exit_2(capsys, argv):
    code, _, err = _run(argv, capsys)
    assert code == 2, err
    _one_line(err)


def test_bootstrap_maximum_is_named(capsys):
    code, _, err = _run(["trend", "compute", "--bootstrap", str(MAX_BOOTSTRAP + 1)], capsys)
    assert code == 2 and f"at most {MAX_BOOTSTRAP:,}" in err


def test_bootstrap_at_the_maximum_is_accepted_and_memory_is_bounded(tmp_path, capsys):
    """The maximum itself runs: resamples are drawn in chunks, so 100,000 resamples of 60 models need no
    (100000 x 60) index cube at once. Checked through the result, which is a real interval around the slope."""
    rows = [{"id": f"m{i}", "name": f"M{i}", "release_date": f"{2010 + i // 6}-{1 + i % 6 * 2:02d}-01",
             "training_compute_flop": f"{1e20 * 10 ** (0.5 * (i / 6)) * (1.5 if i % 2 else 0.7):.4g}"}
            for i in range(60)]
    path = _models_csv(tmp_path / "m.csv", rows)
    code, out, err = _run(["trend", "compute", "--data", str(path), "--bootstrap", str(MAX_BOOTSTRAP), "--json"],
                          capsys)
    assert code == 0, err
    import json

    d = json.loads(out)
    lo, hi = d["growth_per_year_ci"]
    assert lo < 10 ** 0.5 < hi  # true slope 0.5 OOM/yr (factor 3.16 a year)


def test_identical_values_are_refused_not_fitted(tmp_path, capsys):
    """20 models all at 1e24 FLOP used to print 'grew 1.0x, doubling every 2957931439199231.5 months, R²=-inf'
    with exit 0. A trend of a constant is not a growth rate."""
    rows = [{"id": f"m{i}", "name": f"M{i}", "release_date": f"{2010 + i % 10}-0{1 + i % 9}-15",
             "training_compute_flop": "1e24"} for i in range(20)]
    path = _models_csv(tmp_path / "flat.csv", rows)
    code, out, err = _run(["trend", "compute", "--data", str(path)], capsys)
    assert code == 1
    _one_line(err)
    assert "all 20 models have the same training compute" in err and "doubling" not in out


@pytest.mark.parametrize("target, fragment", [("1e300", "absurd"), ("1e5", "absurd"), ("3000", "absurd")])
def test_absurd_target_loss_is_refused(capsys, target, fragment):
    """--target-loss 1e300 raised ZeroDivisionError after printing zeros; 1e5 answered 1.49e-06 parameters.
    Besiroglu et al. 2024: E + A + B = 1.82 + 482 + 2085 ≈ 2569 nats is the loss of a 1-parameter, 1-token model."""
    code, out, err = _run(["data-needed", "--target-loss", target], capsys)
    assert code == 1, (out, err)
    _one_line(err)
    assert fragment in err and out == ""


def test_reasonable_target_loss_still_answers(capsys):
    code, out, err = _run(["data-needed", "--target-loss", "2.0", "--json"], capsys)
    assert code == 0, err
    import json

    d = json.loads(out)
    assert d["params"] >= 1 and d["tokens"] >= 1


@pytest.mark.parametrize("argv", [
    ["validate", "~nosuchuser-atlas/x.csv"],
    ["trend", "compute", "--data", "~nosuchuser-atlas/x.csv"],
    ["thresholds", "--data", "epoch:~nosuchuser-atlas/x.csv"],
    ["report", "--data", "~nosuchuser-atlas/x.csv", "--out", "/nonexistent-atlas-out"],
])
def test_unknown_home_folder_is_a_usage_error(capsys, argv):
    code, _, err = _run(argv, capsys)
    assert code == 2, err
    assert "nosuchuser-atlas" in err
    if argv[0] != "validate":
        _one_line(err)
    assert "Traceback" not in err


def test_source_line_never_parses_mathtext():
    """A '$' in the --data file name (shown in every figure's source line) triggered mathtext, and a stray
    command in it failed the whole report. The line is plain text now."""
    import matplotlib

    matplotlib.use("Agg")
    from analysis.reporting.figures import new_figure, stamp

    fig, ax = new_figure()
    ax.plot([1, 2], [1, 2])
    source = r"my_$\notacommand{x}$_models.csv"
    stamp(fig, "demo-line", source)
    buf = io.BytesIO()
    fig.savefig(buf, format="svg")  # raised ValueError (unknown symbol) when parsed as mathtext
    assert any(t.get_text() == f"Source: {source}" and not t.get_parse_math() for t in fig.texts)
