"""A standard validator agrees with ours: the Frictionless reference implementation on data/datapackage.json and on
the descriptor of the pinned upstream snapshots; on injected errors both name the same file, row and column.

Skipped when the ``frictionless`` package is not installed (it is a dev dependency).
"""

from __future__ import annotations

import csv
import json
import shutil

import pytest

from analysis.data import schema, snapshot_package, upstream
from analysis.data import validate as ours

frictionless = pytest.importorskip("frictionless")


def _errors(report) -> set[tuple[str, int | None, str | None]]:
    out = set()
    for task in report.tasks:
        for e in task.errors:
            field = getattr(e, "field_name", None)
            if field is None and getattr(e, "field_names", None):
                field = e.field_names[0]
            out.add((task.name, getattr(e, "row_number", None), field))
    return out


def test_datapackage_is_valid_for_frictionless():
    pkg = json.loads(schema.DATAPACKAGE.read_text(encoding="utf-8"))
    assert pkg["profile"] == "tabular-data-package"
    assert {r["profile"] for r in pkg["resources"]} == {"tabular-data-resource"}
    report = frictionless.validate(str(schema.DATAPACKAGE))
    assert report.valid, _errors(report)
    assert len(report.tasks) == len(pkg["resources"])


def test_training_hardware_is_not_a_foreign_key_and_says_why():
    """Epoch names accelerators hardware.csv lacks, so the key is dropped, and the field's description says so."""
    models = schema.resource("models")
    assert all(col != "training_hardware" for col, _, _ in models.foreign_keys)
    assert "Not declared as a foreign key" in models.field("training_hardware").description
    # the keys that remain hold (checked by frictionless above): benchmarks and openness rows name model ids
    assert ("model_id", "models", "id") in schema.resource("benchmarks").foreign_keys


def test_injected_errors_are_found_by_both_validators_at_the_same_place(tmp_path):
    for p in list(schema.DATA_DIR.glob("*.csv")) + [schema.DATAPACKAGE]:
        shutil.copy(p, tmp_path / p.name)
    pkg = json.loads((tmp_path / "datapackage.json").read_text(encoding="utf-8"))
    for r in pkg["resources"]:  # the copies are edited below: their recorded hashes no longer apply
        r.pop("hash", None)
        r.pop("bytes", None)
    (tmp_path / "datapackage.json").write_text(json.dumps(pkg), encoding="utf-8")

    def edit(name, fn):
        path = tmp_path / name
        with open(path, newline="", encoding="utf-8") as fh:
            rows = list(csv.reader(fh))
        fn(rows, rows[0])
        with open(path, "w", newline="", encoding="utf-8") as fh:
            csv.writer(fh, lineterminator="\n").writerows(rows)

    edit("models.csv", lambda rows, h: rows[3].__setitem__(h.index("parameters"), "-5"))  # below the minimum of 1
    edit("hardware.csv", lambda rows, h: rows[2].__setitem__(h.index("type"), "fpga"))  # not an allowed value

    def unknown_model(rows, h):
        extra = list(rows[1])
        extra[h.index("model_id")] = "no-such-model"
        rows.append(extra)

    edit("benchmarks.csv", unknown_model)
    n_bench = sum(1 for _ in open(tmp_path / "benchmarks.csv", encoding="utf-8"))
    expected = {("models", 4, "parameters"), ("hardware", 3, "type"), ("benchmarks", n_bench, "model_id")}

    theirs = _errors(frictionless.validate(str(tmp_path / "datapackage.json")))
    report = ours.validate_paths([tmp_path / f"{n}.csv" for n in schema.TABLES])
    mine = {(p.file.rsplit("/", 1)[-1].removesuffix(".csv"), p.row, p.column) for p in report.problems
            if p.severity == "error"}
    assert theirs == expected
    assert mine == expected


def test_upstream_snapshot_descriptor_is_current_and_valid():
    path = upstream.UPSTREAM_DIR / snapshot_package.DESCRIPTOR
    assert path.read_text(encoding="utf-8") == snapshot_package.render(), "run `make datapackage`"
    desc = json.loads(path.read_text(encoding="utf-8"))
    assert len(desc["resources"]) == len(upstream.snapshots())
    report = frictionless.validate(str(path))  # checks every extract's sha256 and column names
    assert report.valid, _errors(report)
    notable = [r for r in desc["resources"] if r["path"].endswith("/notable_ai_models.csv")]
    assert {"2026-01-26", "2026-07-19"} <= {r["upstream"]["accessed"] for r in notable}
    assert all(r["sources"][0]["license"] == "CC BY 4.0" and r["sources"][0]["citation"] for r in notable)
