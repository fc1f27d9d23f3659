"""Pinned upstream snapshots on a tiny hand-made tree (analysis/data/upstream.py): every read checks the sha256
recorded in the metadata, a missing pinned vintage is an error naming it and never a fallback, and a file in a
hidden (pull-in-progress) folder is never a snapshot. Written for the mutants that `make mutation` found alive
(benchmarks/mutation/); no bundled data read."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

import pytest

from analysis.data import upstream as U
from analysis.errors import DataError, UsageError

BODY = b"Model,Training compute (FLOP)\nA,1e+24\nB,2e+22\n"


def _snap(root: Path, vintage: str, name: str = "notable_ai_models", body: bytes = BODY, **meta) -> Path:
    d = root / "epoch-ai" / vintage
    d.mkdir(parents=True, exist_ok=True)
    p = d / f"{name}.csv"
    p.write_bytes(body)
    m = {"sha256_extract": hashlib.sha256(body).hexdigest(), "rows": body.count(b"\n") - 1, **meta}
    (d / f"{name}.meta.json").write_text(json.dumps(m))
    return p


@pytest.fixture
def tree(tmp_path, monkeypatch):
    root = tmp_path / "upstream"
    _snap(root, "2026-01-26")
    _snap(root, "2026-07-19")
    monkeypatch.setattr(U, "UPSTREAM_DIR", root)
    return root


def test_sha256_and_check_bytes_by_hand(tree):
    assert U.sha256_bytes(b"abc") == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"  # FIPS 180-2
    p = tree / "epoch-ai" / "2026-07-19" / "notable_ai_models.csv"
    U.check_bytes(p, BODY)  # intact
    U.check_bytes(p, b"x", {"sha256_extract": hashlib.sha256(b"x").hexdigest()})  # the given metadata is used
    with pytest.raises(DataError) as exc:
        U.check_bytes(p, BODY.replace(b"1e+24", b"2e+24"))
    msg = str(exc.value)
    assert "snapshot was modified: sha256 " in msg and hashlib.sha256(BODY.replace(b"1e+24", b"2e+24")).hexdigest()[
        :12] in msg and hashlib.sha256(BODY).hexdigest()[:12] in msg and "notable_ai_models.csv" in msg
    for meta in ({}, {"sha256_extract": None}, {"sha256_extract": 5}):  # no recorded hash: refused, not trusted
        with pytest.raises(DataError, match="snapshot was modified"):
            U.check_bytes(p, BODY, meta)


def test_every_read_of_a_snapshot_verifies_it(tree):
    p = tree / "epoch-ai" / "2026-07-19" / "notable_ai_models.csv"
    snap = U.find("notable_ai_models", "2026-07-19")
    assert U.read_verified(p) == BODY
    U.verify(snap)
    df = U.read_frame(snap)
    assert list(df.columns) == ["Model", "Training compute (FLOP)"] and df.iloc[0, 1] == "1e+24"
    assert list(U.read_frame(snap, usecols=["Model"]).columns) == ["Model"]
    p.write_bytes(BODY.replace(b"B,", b"C,"))
    for read in (lambda: U.read_verified(p), lambda: U.verify(snap), lambda: U.read_frame(snap)):
        with pytest.raises(DataError, match="snapshot was modified"):
            read()


def test_a_file_outside_the_snapshots_is_read_as_it_is(tmp_path, tree):
    other = tmp_path / "mine.csv"
    other.write_bytes(b"a\n1\n")
    assert not U.is_snapshot(other) and U.read_verified(other) == b"a\n1\n"
    # a CSV anywhere with a .meta.json beside it is a snapshot (and checked)
    _snap(tmp_path / "elsewhere", "v")
    q = tmp_path / "elsewhere" / "epoch-ai" / "v" / "notable_ai_models.csv"
    assert U.is_snapshot(q)
    q.write_bytes(b"changed\n")
    with pytest.raises(DataError, match="snapshot was modified"):
        U.read_verified(q)
    # under data/upstream even without metadata; but not in a hidden folder, and only CSVs
    bare = tree / "epoch-ai" / "2026-07-19" / "bare.csv"
    bare.write_bytes(b"a\n")
    assert U.is_snapshot(bare)
    hidden = tree / "epoch-ai" / ".pull-123" / "notable_ai_models.csv"
    hidden.parent.mkdir()
    hidden.write_bytes(b"a\n")
    assert not U.is_snapshot(hidden)
    assert not U.is_snapshot(tree / "epoch-ai" / "2026-07-19" / "notable_ai_models.meta.json")


def test_find_names_vintages_and_refuses_unknown_ones(tree):
    (tree / "epoch-ai" / ".pull-9").mkdir()
    (tree / "epoch-ai" / ".pull-9" / "notable_ai_models.csv").write_bytes(b"x\n")
    assert U.vintages("notable_ai_models") == ["2026-01-26", "2026-07-19"]
    assert U.find("notable_ai_models").vintage == "2026-07-19"  # newest, only when asked for latest
    s = U.find("notable_ai_models", "2026-01-26")
    assert (s.vintage, s.producer, s.name) == ("2026-01-26", "epoch-ai", "notable_ai_models")
    assert s.meta["rows"] == 2
    with pytest.raises(UsageError, match=r"no 'notable_ai_models' snapshot of vintage '2025-01-01'; available: "
                                         r"2026-01-26, 2026-07-19"):
        U.find("notable_ai_models", "2025-01-01")
    with pytest.raises(UsageError, match="no upstream snapshot named 'nope'"):
        U.find("nope")


def test_the_pinned_vintage_is_used_and_its_absence_is_an_error(tree):
    assert U.pinned_vintage("notable_ai_models") == "2026-07-19"
    assert U.pinned("notable_ai_models").vintage == "2026-07-19"
    _snap(tree, "2026-12-01")  # a newer vintage does not move the pin
    assert U.pinned("notable_ai_models").path == tree / "epoch-ai" / "2026-07-19" / "notable_ai_models.csv"
    with pytest.raises(UsageError, match="no pinned vintage for snapshot epoch-ai/nope"):
        U.pinned("nope")
    (tree / "epoch-ai" / "2026-07-19" / "notable_ai_models.csv").unlink()
    with pytest.raises(UsageError) as exc:
        U.pinned("notable_ai_models")
    msg = str(exc.value)
    assert "the pinned notable_ai_models snapshot (vintage 2026-07-19) is missing" in msg
    assert "other vintages (2026-01-26, 2026-12-01) are used only when named with --data epoch-vintage:DATE" in msg
    assert msg.endswith("; restore it (git checkout -- data/upstream)")
    for v in ("2026-01-26", "2026-12-01"):
        for f in (tree / "epoch-ai" / v).iterdir():
            f.unlink()
    with pytest.raises(UsageError) as exc:
        U.pinned("notable_ai_models")
    assert "other vintages" not in str(exc.value)


def test_metadata_must_be_there_and_be_a_json_object(tree):
    p = tree / "epoch-ai" / "2026-07-19" / "notable_ai_models.csv"
    mp = U.meta_path(p)
    assert mp.name == "notable_ai_models.meta.json"
    mp.write_text("[1, 2]")
    with pytest.raises(DataError, match="not a JSON object"):
        U.read_meta(p)
    mp.write_text("{bad")
    with pytest.raises(DataError, match="unreadable snapshot metadata"):
        U.read_meta(p)
    mp.unlink()
    with pytest.raises(DataError, match="snapshot has no metadata file notable_ai_models.meta.json"):
        U.read_meta(p)
    with pytest.raises(DataError):
        U.read_verified(p)  # under data/upstream: a snapshot without metadata is refused, not read unchecked


def test_an_explicit_root_is_used_and_latest_is_the_newest_of_three(tmp_path, tree):
    other = tmp_path / "other"
    for v in ("2025-01-01", "2025-06-01", "2025-09-01"):
        _snap(other, v, body=BODY + v.encode() + b",1\n")
    assert U.vintages("notable_ai_models", root=other) == ["2025-01-01", "2025-06-01", "2025-09-01"]
    s = U.find("notable_ai_models", root=other)
    assert s.path == other / "epoch-ai" / "2025-09-01" / "notable_ai_models.csv" and s.meta["rows"] == 3
    assert U.find("notable_ai_models", "2025-06-01", root=other).vintage == "2025-06-01"
    with pytest.raises(UsageError, match="no upstream snapshot named 'notable_ai_models' under .*elsewhere"):
        U.find("notable_ai_models", root=tmp_path / "elsewhere")
    _snap(other, "2026-07-19")
    p = U.pinned("notable_ai_models", root=other)
    assert p.path == other / "epoch-ai" / "2026-07-19" / "notable_ai_models.csv" and p.meta["rows"] == 2
    (p.path).unlink()
    with pytest.raises(UsageError, match=r"other vintages \(2025-01-01, 2025-06-01, 2025-09-01\)"):
        U.pinned("notable_ai_models", root=other)
    with pytest.raises(UsageError, match="no pinned vintage for snapshot other-producer/notable_ai_models"):
        U.pinned("notable_ai_models", producer="other-producer")


def test_a_missing_pinned_file_alone_is_named_with_the_restore_hint(tree):
    for v in ("2026-01-26", "2026-07-19"):
        for f in (tree / "epoch-ai" / v).iterdir():
            f.unlink()
    p = tree / "epoch-ai" / "2026-07-19" / "notable_ai_models.csv"
    with pytest.raises(UsageError) as exc:
        U.pinned("notable_ai_models")
    assert str(exc.value) == (f"{U.display_path(p)}: the pinned notable_ai_models snapshot (vintage 2026-07-19) is "
                              "missing; restore it (git checkout -- data/upstream)")


def test_verify_checks_against_the_snapshots_own_metadata_and_names_the_file(tree):
    s = U.find("notable_ai_models", "2026-07-19")
    U.verify(s)
    with pytest.raises(DataError, match="snapshot was modified"):
        U.verify(U.Snapshot(s.path, {"sha256_extract": "0" * 64}))  # the metadata it was found with is the one used
    gone = U.Snapshot(tree / "epoch-ai" / "2026-07-19" / "gone.csv", s.meta)
    with pytest.raises((DataError, UsageError)) as exc:
        U.verify(gone)
    assert "gone.csv" in str(exc.value)


def test_read_frame_keeps_every_cell_as_its_text_and_names_an_unreadable_file(tmp_path, tree):
    body = b"Model,Parameters,Notes\nNA,,null\nB,1e9,N/A\n"
    p = _snap(tmp_path / "t", "v", body=body)
    df = U.read_frame(U.Snapshot(p, U.read_meta(p)))
    assert df.to_dict("list") == {"Model": ["NA", "B"], "Parameters": ["", "1e9"], "Notes": ["null", "N/A"]}
    bad = _snap(tmp_path / "u", "v", body=b"a,b\n\xff\xfe,1\n")  # recorded hash matches: it is the parse that fails
    with pytest.raises(DataError) as exc:
        U.read_frame(U.Snapshot(bad, U.read_meta(bad)))
    assert str(exc.value).count("unreadable snapshot (") == 1 and "notable_ai_models.csv" in str(exc.value)


def test_metadata_errors_name_the_metadata_file_and_the_rule(tree):
    """Every error about a snapshot's metadata names the file at fault (the CSV when the metadata is missing, the
    .meta.json when it is unreadable) and says what is wrong with it."""
    p = tree / "epoch-ai" / "2026-07-19" / "notable_ai_models.csv"
    mp = U.meta_path(p)
    mp.write_text("[1, 2]")
    with pytest.raises(DataError) as exc:
        U.read_meta(p)
    assert (exc.value.file, exc.value.detail) == (str(mp), "unreadable snapshot metadata (not a JSON object)")
    assert str(exc.value) == f"{mp}: unreadable snapshot metadata (not a JSON object)"
    mp.write_text("{bad")
    with pytest.raises(DataError) as exc:
        U.read_meta(p)
    assert exc.value.file == str(mp) and exc.value.detail.startswith("unreadable snapshot metadata (Expecting ")
    mp.unlink()
    mp.mkdir()  # a folder in its place: the reason given by the reader names the metadata file too
    with pytest.raises(DataError) as exc:
        U.read_meta(p)
    assert exc.value.file == str(mp) and exc.value.detail.startswith(f"unreadable snapshot metadata ({mp}: is a ")
    mp.rmdir()
    with pytest.raises(DataError) as exc:
        U.read_meta(p)
    assert (exc.value.file, exc.value.detail) == (str(p), "snapshot has no metadata file notable_ai_models.meta.json")


def test_metadata_of_more_than_1_mib_is_refused(tree):
    """The metadata is a few hundred bytes; one larger than 1 MiB (2**20 bytes) is refused before it is parsed,
    one of exactly 1 MiB is read."""
    p = tree / "epoch-ai" / "2026-07-19" / "notable_ai_models.csv"
    mp = U.meta_path(p)
    meta = {"sha256_extract": hashlib.sha256(BODY).hexdigest(), "rows": 2, "padding": ""}
    meta["padding"] = "x" * ((1 << 20) - len(json.dumps(meta)))
    mp.write_text(json.dumps(meta))
    assert mp.stat().st_size == 1 << 20 and U.read_meta(p)["rows"] == 2
    meta["padding"] += "x"
    mp.write_text(json.dumps(meta))
    with pytest.raises(DataError) as exc:
        U.read_meta(p)
    assert exc.value.file == str(mp)
    assert exc.value.detail == f"unreadable snapshot metadata ({mp}: file is 1 MB, larger than the 1 MiB limit)"


def test_read_verified_shows_the_given_name_and_honours_the_limit(tmp_path, tree):
    """``shown`` is how the caller names the file in messages (tables.read_text passes the path relative to the
    project); the bytes are read from ``path`` itself, and ``limit`` bounds what is read."""
    other = tmp_path / "mine.csv"
    other.write_bytes(b"a\n" + b"1\n" * ((1 << 19) - 1))  # exactly 1 MiB
    assert len(U.read_verified(other, "my table", limit=1 << 20)) == 1 << 20
    other.write_bytes(other.read_bytes() + b"\n")  # 1 MiB + 1 byte
    with pytest.raises(UsageError) as exc:
        U.read_verified(other, "my table", limit=1 << 20)
    assert str(exc.value) == "my table: file is 1 MB, larger than the 1 MiB limit"
    assert len(U.read_verified(other)) == (1 << 20) + 1  # the default limit (200 MiB) admits it
    with pytest.raises(UsageError) as exc:
        U.read_verified(tmp_path / "missing.csv", "my table")
    assert str(exc.value) == "my table: no such file"


def test_messages_show_the_path_relative_to_the_project_wherever_the_command_runs(tmp_path, tree, monkeypatch):
    """A snapshot inside the project is named by its path relative to the project root in messages, and it is read
    from its real path, whatever the current directory."""
    monkeypatch.setattr(U.schema, "PROJECT_ROOT", tmp_path.resolve())
    monkeypatch.chdir(tree / "epoch-ai")  # not the project root: the relative name does not resolve from here
    s = U.find("notable_ai_models", "2026-07-19")
    U.verify(s)
    assert U.read_verified(s.path) == BODY
    gone = tree / "epoch-ai" / "2026-07-19" / "gone.csv"
    for read in (lambda: U.verify(U.Snapshot(gone, s.meta)), lambda: U.read_verified(gone)):
        with pytest.raises(UsageError) as exc:
            read()
        assert str(exc.value) == "upstream/epoch-ai/2026-07-19/gone.csv: no such file"


def test_a_modified_snapshot_is_a_one_line_error_with_both_digests(tree):
    """The message names the file (relative to the project when inside it) and the first 12 hex digits of the sha256
    found and of the one recorded, then how to recover."""
    p = tree / "epoch-ai" / "2026-07-19" / "notable_ai_models.csv"
    changed = BODY.replace(b"A,", b"Z,")
    got, want = hashlib.sha256(changed).hexdigest(), hashlib.sha256(BODY).hexdigest()
    with pytest.raises(DataError) as exc:
        U.check_bytes(p, changed)
    assert exc.value.file == U.display_path(p)
    assert exc.value.detail == (f"snapshot was modified: sha256 {got[:12]}… does not match its metadata "
                                f"({want[:12]}…); snapshots are immutable (restore it with git checkout, or pull a "
                                "new vintage)")


def test_a_csv_whose_path_cannot_be_resolved_is_not_a_snapshot(tmp_path, tree):
    """A symlink loop named like a CSV, outside data/upstream and without metadata: not a snapshot (reading it then
    fails on its own with a one-line reason)."""
    loop = tmp_path / "loop.csv"
    loop.symlink_to(tmp_path / "loop.csv")
    assert not U.is_snapshot(loop)
    with pytest.raises(UsageError, match=r"loop\.csv: too many levels of symbolic links$"):
        U.read_verified(loop)
