"""The validator reports every problem as file:row:column and never crashes on bad input."""

from __future__ import annotations

import re

import pandas as pd
import pytest

from analysis.cli.main import main
from analysis.data import dataset as data
from analysis.data import schema, validate
from analysis.errors import DataError, UsageError

TODAY = pd.Timestamp("2026-11-27")


def problems(path):
    return [str(p) for p in validate.validate_paths([path], today=TODAY).problems]


def test_good_row_is_clean(models_csv):
    report = validate.validate_paths([models_csv({})], today=TODAY)
    assert report.ok and report.errors == []


@pytest.mark.parametrize(
    "override, column, fragment",
    [
        ({"training_compute_flop": "5e31"}, "training_compute_flop", "must be <= 1e+30 FLOP"),
        ({"training_compute_flop": "1e9"}, "training_compute_flop", "must be >= 1e+10 FLOP"),
        ({"release_date": "1949-12-31"}, "release_date", "must be on or after 1950-01-01"),
        ({"release_date": "2027-01-02"}, "release_date", "must not be after today (2026-11-27)"),
        ({"release_date": "18/04/2024"}, "release_date", "expected an ISO date YYYY-MM-DD"),
        ({"access": "open"}, "access", "must be one of open-weights-unrestricted"),
        ({"domain": "chess"}, "domain", "must be one of language"),
        ({"parameters": "-5"}, "parameters", "must be >= 1 parameters"),
        ({"parameters": "175,000,000,000"}, "parameters", "no thousands separators"),
        ({"training_compute_flop": "1.2e24 FLOP"}, "training_compute_flop", "expected a plain number"),
        ({"source_url": "not a url"}, "source_url", "must match"),
        ({"source_url": ""}, "source_url", "is required but empty"),
        ({"id": "Bad Id"}, "id", "must match"),
        ({"hardware_count": "12.5"}, "hardware_count", "expected a whole number"),
        ({"utilization_mfu": "40"}, "utilization_mfu", "must be <= 1 fraction"),
    ],
)
def test_each_rule_names_file_row_column(models_csv, override, column, fragment):
    path = models_csv(override)
    found = problems(path)
    assert any(f"models.csv:2:{column}:" in p and fragment in p for p in found), found


def test_reports_every_problem_not_just_the_first(models_csv):
    path = models_csv({"parameters": "-1"}, {"access": "x"}, {"release_date": "2030-01-01", "domain": "y"})
    found = problems(path)
    assert len([p for p in found if "warning" not in p]) == 4
    assert {p.split(":")[1] for p in found} == {"2", "3", "4"}


def test_duplicate_ids(models_csv):
    found = problems(models_csv({"id": "same"}, {"id": "same"}))
    assert any(":3:id:" in p and "duplicate" in p for p in found)
    assert any(":2:id:" in p and "duplicate" in p for p in found)


def test_six_nd_warning_when_three_times_off(models_csv):
    report = validate.validate_paths([models_csv({"training_compute_flop": "1e25"})], today=TODAY)
    assert report.ok  # a warning, not an error
    msgs = [str(p) for p in report.warnings]
    assert any("6*N*D = 7.23e+23 FLOP is 0.072x the stated 1e+25 FLOP" in m for m in msgs), msgs


def test_six_nd_within_factor_three_is_silent(models_csv):
    report = validate.validate_paths([models_csv({"training_compute_flop": "2e24"})], today=TODAY)
    assert not [p for p in report.warnings if p.column == "training_compute_flop"]


def test_compute_without_method_is_an_error(models_csv):
    found = problems(models_csv({"compute_method": ""}))
    assert any(":2:compute_method:" in p and "without its estimation method" in p for p in found)


def test_benchmark_rows_naming_unknown_models(tmp_path, models_csv):
    from tests.conftest import write_csv

    models = models_csv({"id": "known-model"})
    bench = write_csv(tmp_path / "benchmarks.csv", [
        {"model_id": "known-model", "benchmark": "mmlu", "setting": "5-shot", "score": "66.6", "date": "2024-04-18",
         "evaluator": "developer", "source_url": "https://example.org/a"},
        {"model_id": "ghost-model", "benchmark": "mmlu", "setting": "5-shot", "score": "50", "date": "2024-04-18",
         "evaluator": "developer", "source_url": "https://example.org/b"},
        {"model_id": "known-model", "benchmark": "mmlu", "setting": "5-shot", "score": "101", "date": "2024-04-18",
         "evaluator": "Epoch AI", "source_url": "https://example.org/c"},
    ], schema.resource("benchmarks").columns)
    found = [str(p) for p in validate.validate_paths([models, bench], today=TODAY).problems]
    assert any("benchmarks.csv:3:model_id: unknown models id 'ghost-model'" in p for p in found), found
    assert any("benchmarks.csv:4:score:" in p and "must be <= 100" in p for p in found), found


def test_missing_required_column_and_unknown_column(tmp_path):
    from tests.conftest import GOOD_MODEL, write_csv

    row = {k: v for k, v in GOOD_MODEL.items() if k != "name"} | {"colour": "blue"}
    found = problems(write_csv(tmp_path / "models.csv", [row]))
    assert any("models.csv:1:name: required column is missing" in p for p in found)
    assert any("models.csv:1:colour: warning: unknown column" in p for p in found)


def test_ragged_row_is_a_problem_not_a_crash(tmp_path):
    text = ",".join(schema.resource("models").columns) + "\n" + "a,b,c\n"
    p = tmp_path / "models.csv"
    p.write_text(text, encoding="utf-8")
    found = problems(p)
    width = len(schema.resource("models").columns)
    assert any(f"models.csv:2: has 3 fields, the header has {width}" in x for x in found)


@pytest.mark.parametrize(
    "content, fragment",
    [
        (b"", "file is empty"),
        (b"\x00\x01\x02binary", "not a CSV file (binary content)"),
        ("id,name\nm\xe9,x\n".encode("latin-1"), "not UTF-8 text"),
    ],
)
def test_unusable_input_is_a_usage_error(tmp_path, content, fragment):
    p = tmp_path / "models.csv"
    p.write_bytes(content)
    with pytest.raises(UsageError, match=re.escape(fragment)):
        validate.validate_paths([p])


def test_missing_file_is_usage_error(tmp_path):
    with pytest.raises(UsageError, match="no such file"):
        validate.validate_paths([tmp_path / "nope.csv"])


def test_cli_exit_codes(models_csv, tmp_path, capsys):
    assert main(["validate", str(models_csv({}))]) == 0
    assert main(["validate", str(models_csv({"parameters": "-1"}))]) == 1
    out = capsys.readouterr()
    assert "models.csv:2:parameters: must be >= 1" in out.out
    assert main(["validate", str(tmp_path / "missing.csv")]) == 2
    err = capsys.readouterr().err
    assert err.startswith("error: ") and "no such file" in err and "Traceback" not in err


def test_load_table_strict_raises_first_problem_with_count(models_csv):
    path = models_csv({"parameters": "-1"}, {"access": "x"})
    with pytest.raises(DataError) as exc:
        data.load_table("models", path)
    msg = str(exc.value)
    assert "models.csv:2:parameters: must be >= 1" in msg and "and 1 more problems" in msg
