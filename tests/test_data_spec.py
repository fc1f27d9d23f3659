"""The ``--data`` SPEC as one object (issue 14): parsed once into a :class:`DataSpec`, passed as is by the command
line, the report runner and the loader; its canonical string round-trips, so a notebook reads exactly the data its
manifest records."""

from __future__ import annotations

import hashlib
import json
import os

import pytest
from hypothesis import given
from hypothesis import strategies as st

from analysis.cli.main import build_parser, main
from analysis.data import dataset, upstream
from analysis.data import spec as spec_module
from analysis.data.spec import DataSpec
from analysis.errors import UsageError
from analysis.reporting import planning, reports
from tests.conftest import use_fixture_notebooks

SNAPSHOT = upstream.find("notable_ai_models").path
OLD_VINTAGE = "2026-01-26"  # a pinned notable-models vintage (data/upstream/epoch-ai/2026-01-26/)


# --- the object ---------------------------------------------------------------------------------------------


def test_parse_by_hand(tmp_path, monkeypatch):
    """Hand-worked cases: kinds, an absolute path from a relative one and from ``~``, the user's text kept."""
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    assert DataSpec.parse(None) == DataSpec.parse("") == DataSpec.parse("bundled") == DataSpec("default")
    assert DataSpec.parse("curated") == DataSpec("curated")
    s = DataSpec.parse("models.csv")
    assert (s.kind, s.path, s.text) == ("csv", tmp_path / "models.csv", "models.csv")
    assert s.canonical == str(tmp_path / "models.csv")
    e = DataSpec.parse("epoch:~/exports/notable.csv")
    assert (e.kind, e.path) == ("epoch", tmp_path / "home" / "exports" / "notable.csv")
    assert e.canonical == f"epoch:{tmp_path / 'home' / 'exports' / 'notable.csv'}"
    assert DataSpec.parse("epoch-raw:x.csv").canonical == f"epoch-raw:{tmp_path / 'x.csv'}"
    # two texts naming the same file are the same spec (the text is kept, not compared)
    assert DataSpec.parse("epoch:x.csv") == DataSpec.parse(f"epoch:{tmp_path}/sub/../x.csv")
    v = DataSpec.parse(f"epoch-vintage:{OLD_VINTAGE}")
    assert v == DataSpec("epoch", upstream.find("notable_ai_models", OLD_VINTAGE).path)
    assert v.text == f"epoch-vintage:{OLD_VINTAGE}" and v.canonical.startswith("epoch:/")
    assert DataSpec.parse("default").canonical == "default" and DataSpec.parse("curated").canonical == "curated"


def test_a_symlink_is_kept_so_messages_name_the_users_file(tmp_path):
    target = tmp_path / "real.csv"
    target.write_text("id\n")
    link = tmp_path / "mine.csv"
    link.symlink_to(target)
    assert DataSpec.parse(str(link)).path == link


_SEGMENT = st.text(alphabet="abcXYZ019._- ", min_size=1, max_size=8)
_PATH = st.builds(lambda lead, parts: lead + "/".join(parts), st.sampled_from(["", "/", "./", "../", "~/"]),
                  st.lists(_SEGMENT, min_size=1, max_size=4))
_TEXT = st.one_of(
    st.sampled_from([None, "", "default", "bundled", "curated", "epoch-vintage:latest", f"epoch-vintage:{OLD_VINTAGE}"]),
    st.builds(lambda prefix, path: prefix + path, st.sampled_from(["", "epoch:", "epoch-raw:"]), _PATH))


@given(text=_TEXT)
def test_canonical_string_round_trips(text):
    """``DataSpec.parse(spec.canonical) == spec`` for every kind and every path form (relative, absolute, ``~``,
    ``..``, spaces): the string the runner hands a notebook names the data the runner hashed."""
    s = DataSpec.parse(text)
    back = DataSpec.parse(s.canonical)
    assert back == s
    assert back.canonical == s.canonical
    assert s.path is None or s.path.is_absolute()
    assert s.text == (text or "")


def test_errors_stay_one_line_usage_errors():
    with pytest.raises(UsageError, match="needs a path"):
        DataSpec.parse("epoch:")
    with pytest.raises(UsageError, match="unknown source kind 'ftp'"):
        DataSpec.parse("ftp:thing.csv")
    with pytest.raises(UsageError, match="available"):
        DataSpec.parse("epoch-vintage:1999-01-01")
    with pytest.raises(UsageError, match="no such user"):
        DataSpec.parse("~nosuchuser-atlas/x.csv")


def test_without_overlay():
    assert DataSpec.parse(None).without_overlay() == DataSpec("epoch-raw", SNAPSHOT)
    e = DataSpec.parse(f"epoch:{SNAPSHOT}")
    assert e.without_overlay() == DataSpec("epoch-raw", SNAPSHOT)
    assert e.without_overlay().without_overlay() == e.without_overlay()
    with pytest.raises(UsageError, match="--no-overlay"):
        DataSpec.parse("curated").without_overlay()


def test_file_hashes_and_digest_are_computed_once_until_a_file_changes(tmp_path, monkeypatch):
    """The manifest's record of the data: the user's file with the sha256 of its bytes (computed here with hashlib);
    every input file is hashed once per object, and again only after it changes."""
    path = tmp_path / "models.csv"
    path.write_bytes(b"id,name\na,b\n")
    calls = []
    real = spec_module.sha256_file
    monkeypatch.setattr(spec_module, "sha256_file", lambda p: calls.append(p) or real(p))
    s = DataSpec.parse(str(path))
    record = s.to_dict()
    assert record["data_spec"] == str(path)
    assert record["data_files"][str(path)] == hashlib.sha256(b"id,name\na,b\n").hexdigest()
    assert "data/models.csv" in record["data_files"] and "data/datapackage.json" in record["data_files"]
    n_files = len(s.input_files())
    first = s.digest()
    assert s.digest() == first and s.to_dict() == record
    assert len(calls) == n_files  # hashed once, for to_dict, digest and to_dict again
    path.write_bytes(b"id,name\na,c\n")
    assert s.digest() != first
    assert len(calls) == 2 * n_files
    assert s.to_dict()["data_files"][str(path)] == hashlib.sha256(b"id,name\na,c\n").hexdigest()


def test_input_files():
    default = {p.name for p in DataSpec.parse(None).input_files()}
    assert {"notable_ai_models.csv", "overlay.csv", "models.csv", "datapackage.json"} <= default
    assert "notable_ai_models.csv" not in {p.name for p in DataSpec.parse("curated").input_files()}
    old = upstream.find("notable_ai_models", OLD_VINTAGE).path
    assert old in DataSpec.parse(f"epoch-vintage:{OLD_VINTAGE}").input_files()


def test_load_takes_the_object_or_its_text():
    a = dataset.load(DataSpec.parse("curated"))
    b = dataset.load("curated")
    assert a.spec == b.spec == "curated" and a.models.equals(b.models)


# --- parsed once --------------------------------------------------------------------------------------------


@pytest.fixture
def parses(tmp_path, monkeypatch):
    """Every DataSpec.parse call, as 'pid text' lines in a file (so that calls in forked workers are seen too)."""
    log = tmp_path / "parses.log"
    log.touch()
    real = DataSpec.parse.__func__

    def counting(cls, text):
        with open(log, "a", encoding="utf-8") as fh:
            fh.write(f"{os.getpid()} {text}\n")
        return real(cls, text)

    monkeypatch.setattr(DataSpec, "parse", classmethod(counting))
    return lambda: log.read_text(encoding="utf-8").splitlines()


def test_the_data_option_is_a_dataspec():
    args = build_parser().parse_args(["thresholds", "--data", "curated"])
    assert args.data == DataSpec("curated") and args.data.text == "curated"
    args = build_parser().parse_args(["report", "--data", f"epoch:{SNAPSHOT}"])
    assert args.data == DataSpec("epoch", SNAPSHOT)


@pytest.mark.parametrize("argv, text", [
    (["thresholds", "--data", "curated", "--json"], "curated"),
    (["thresholds", "--json"], "None"),
    (["trend", "compute", "--data", "curated", "--since", "2015-01-01", "--json"], "curated"),
])
def test_a_command_parses_its_spec_once(parses, capsys, argv, text):
    assert main(argv) == 0, capsys.readouterr().err
    assert parses() == [f"{os.getpid()} {text}"]


@pytest.mark.slow
def test_a_report_run_parses_the_spec_once_in_the_parent(parses, tmp_path, monkeypatch):
    """Two reports (a sweep), each in a forked worker that inherits the counting parse: the text is parsed once, by
    the parent; planning, hashing, the skip check, the manifests and the workers take the object."""
    use_fixture_notebooks(tmp_path, monkeypatch, "demo")
    res = reports.run_reports(["demo"], out=tmp_path / "r", jobs=2, data_spec="curated", overrides=["scale=2,3"])
    assert [r.status for r in res] == ["ok", "ok"], [r.message for r in res]
    assert parses() == [f"{os.getpid()} curated"]
    assert main(["report", "demo", "--out", str(tmp_path / "r"), "--data", "curated", "-p", "scale=2,3"]) == 0
    assert parses() == [f"{os.getpid()} curated"] * 2  # the CLI: argparse parses it, nothing after


# --- the notebook reads what the manifest records -------------------------------------------------------------


def test_every_kind_reaches_the_notebook(tmp_path, monkeypatch):
    """Before, the runner gave a notebook no data_spec for --data curated (it then read the default table) and a
    bare path for epoch-raw:PATH (read as a CSV in our schema)."""
    use_fixture_notebooks(tmp_path, monkeypatch, "whichdata")
    assert "data_spec" not in planning.resolve_parameters("whichdata", {}, None)
    assert planning.resolve_parameters("whichdata", {}, "curated")["data_spec"] == "curated"
    raw = planning.resolve_parameters("whichdata", {}, f"epoch-raw:{SNAPSHOT}")["data_spec"]
    assert raw == f"epoch-raw:{SNAPSHOT}"


@pytest.mark.slow
@pytest.mark.parametrize("text", ["curated", f"epoch-raw:{SNAPSHOT}"])
def test_the_notebook_reads_the_data_its_manifest_records(tmp_path, monkeypatch, text):
    use_fixture_notebooks(tmp_path, monkeypatch, "whichdata")
    out = tmp_path / "r"
    res = reports.run_reports(["whichdata"], out=out, jobs=1, data_spec=text)
    assert res[0].status == "ok", res[0].message
    m = json.loads((out / "whichdata" / "manifest.json").read_text())
    nb = json.loads((out / "whichdata" / "whichdata.ipynb").read_text())
    given = nb["metadata"]["papermill"]["parameters"]["data_spec"]
    assert given == m["data_spec"] == DataSpec.parse(text).canonical
    assert DataSpec.parse(m["data_spec"]) == DataSpec.parse(text)
    row = (out / "whichdata" / "tables" / "which-data.csv").read_text().splitlines()[1].rsplit(",", 1)
    expected = dataset.load(text)
    assert int(row[1]) == len(expected.models) == m["data_source"]["models"]
    assert m["data_source"]["label"] == expected.label
    assert expected.label != dataset.load(None).label  # not the default table (which the notebook read before)



def test_parsing_and_hashing_a_spec_imports_no_pandas():
    """The command line and the runner's no-op path parse and hash the spec without the data loader's libraries."""
    import subprocess
    import sys

    probe = ("import sys; from analysis.data.spec import DataSpec; s = DataSpec.parse(None); s.digest(); "
             "print(sorted(m for m in ('pandas', 'numpy', 'pandera') if m in sys.modules))")
    done = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, timeout=120)
    assert done.stdout.strip() == "[]", (done.stdout, done.stderr)
