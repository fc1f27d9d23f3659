"""Every data-reading command, given bad input, exits 1 or 2 with one readable line naming the file (and row and
column where there is one), or handles it as documented (Epoch exports whose columns moved). Never a traceback."""

from __future__ import annotations

import pytest

from analysis.cli.main import main
from analysis.data import schema
from tests.conftest import GOOD_MODEL

COMMANDS = [["validate"], ["trend", "compute"], ["thresholds"], ["openness"], ["concentration"],
            ["lag", "--metric", "compute"]]


def models_text(rows: list[dict]) -> str:
    cols = schema.resource("models").columns
    lines = [",".join(cols)]
    for r in rows:
        full = dict(GOOD_MODEL) | r
        lines.append(",".join(f'"{full.get(c, "")}"' for c in cols))
    return "\n".join(lines) + "\n"


EPOCH_HEADER = "Model,Organization,Publication date,Domain,Parameters,Training compute (FLOP),Model accessibility\n"


def epoch_rows(n: int = 30, compute: str = "1e24", date_fmt: str = "{y}-06-01") -> str:
    out = [EPOCH_HEADER]
    for i in range(n):
        y = 2015 + i % 11
        out.append(f"M{i},Org{i % 5},{date_fmt.format(y=y)},Language,{10**9 * (i + 1)},{compute if i % 2 else f'{1e20 * 3**(i % 11):g}'},API access\n")
    return "".join(out)


CASES = {
    # name: (file content (bytes or str), spec prefix, expected exit codes, fragments that must appear in stderr)
    "missing file": (None, "", {2}, ["no such file"]),
    "empty file": ("", "", {2}, ["file is empty"]),
    "binary file": (b"\x89PNG\r\n\x1a\n\x00\x00\x00", "", {2}, ["not a CSV file (binary content)"]),
    "latin-1 encoding": (models_text([{"name": "Mod\u00e9le"}]).encode("latin-1"), "", {2}, ["not UTF-8 text"]),
    "missing columns": ("id,name\nx,y\n", "", {1}, ["required column is missing"]),
    "number with unit": (models_text([{"training_compute_flop": "1.2e24 FLOP"}]), "", {1},
                         [":2:training_compute_flop: expected a plain number"]),
    "thousands separators": (models_text([{"parameters": "175,000,000,000"}]), "", {1},
                             [":2:parameters: expected a plain number"]),
    "day-first date": (models_text([{"release_date": "18/04/2024"}]), "", {1},
                       [":2:release_date: expected an ISO date"]),
    "negative value": (models_text([{"parameters": "-5"}]), "", {1}, [":2:parameters: must be >= 1"]),
    "zero compute": (models_text([{"training_compute_flop": "0"}]), "", {1}, [":2:training_compute_flop: must be >="]),
    "duplicate models": (models_text([{"id": "a"}, {"id": "a"}]), "", {1}, ["id: duplicate value 'a'"]),
    "not an epoch export": ("a,b\n1,2\n", "epoch:", {1}, ["not an Epoch AI models export"]),
    "epoch: empty": ("", "epoch:", {2}, ["file is empty"]),
    # issue 13: each of these was an internal error, a hang or a quiet wrong answer before
    "date far in the future": (models_text([{"release_date": "9999-12-31"}]), "", {1},
                               [":2:release_date: date 9999-12-31 is outside the supported range"]),
    "date in year one": (models_text([{"release_date": "0001-01-01"}]), "", {1},
                         [":2:release_date: date 0001-01-01 is outside the supported range"]),
    "arabic-indic digits": (models_text([{"training_compute_flop": "\u0661\u0662\u0663e20"}]), "", {1},
                            [":2:training_compute_flop: expected a plain number"]),
    "fullwidth digits": (models_text([{"parameters": "\uff11e24"}]), "", {1}, [":2:parameters: expected a plain number"]),
    "fullwidth date": (models_text([{"release_date": "\uff12\uff10\uff12\uff14-01-01"}]), "", {1},
                       [":2:release_date: expected an ISO date"]),
    "underscore digits": (models_text([{"parameters": "8_000_000_000"}]), "", {1}, [":2:parameters: expected a plain number"]),
    "directory": ("DIR", "", {2}, ["is a directory"]),
    "named pipe (FIFO)": ("FIFO", "", {2}, ["is a named pipe (FIFO)"]),
    "symlink to /dev/zero": ("DEVZERO", "", {2}, ["is a device"]),
    "epoch: named pipe": ("FIFO", "epoch:", {2}, ["is a named pipe (FIFO)"]),
    "epoch: symlink to /dev/zero": ("DEVZERO", "epoch:", {2}, ["is a device"]),
}


def make_input(path, content) -> None:
    """Write a case's input: text, bytes, or a special file (a folder, a FIFO, a symlink to /dev/zero)."""
    import os

    if content == "DIR":
        path.mkdir()
    elif content == "FIFO":
        os.mkfifo(path)
    elif content == "DEVZERO":
        if not os.path.exists("/dev/zero"):
            pytest.skip("no /dev/zero")
        path.symlink_to("/dev/zero")
    elif content is not None:
        path.write_bytes(content if isinstance(content, bytes) else content.encode("utf-8"))


@pytest.mark.parametrize("case", sorted(CASES))
@pytest.mark.parametrize("cmd", COMMANDS, ids=lambda c: c[0])
def test_bad_input_table(tmp_path, capsys, case, cmd):
    content, prefix, codes, fragments = CASES[case]
    path = tmp_path / "input.csv"
    make_input(path, content)
    if cmd == ["validate"]:
        if prefix:
            pytest.skip("validate reads our schema; Epoch exports are read by --data epoch:PATH")
        argv = ["validate", str(path)]
    else:
        argv = [*cmd, "--data", f"{prefix}{path}"]
    code = main(argv)
    out = capsys.readouterr()
    assert code in codes, (argv, code, out.err, out.out)
    text = out.err + out.out
    assert "Traceback" not in text
    assert "input.csv" in text, text
    for frag in fragments:
        assert frag in text, (frag, text)
    if cmd != ["validate"]:
        assert len([ln for ln in out.err.splitlines() if ln.startswith("error:")]) == 1


@pytest.mark.parametrize("variant", ["units and separators", "several date formats", "renamed columns"])
def test_epoch_exports_that_moved_are_accepted(tmp_path, capsys, variant):
    """Documented leniency of the Epoch importer: units/separators stripped, common date formats parsed, older
    column names (e.g. 'Country (from Organization)', 'Training dataset size (datapoints)') matched by alias."""
    text = epoch_rows(40)
    if variant == "units and separators":
        text = text.replace(",1e24,", ',"1,000,000,000,000,000,000,000,000 FLOP",')
    elif variant == "several date formats":
        lines = text.splitlines(keepends=True)
        text = lines[0] + "".join(ln.replace("-06-01", "-06") if i % 3 == 0 else ln for i, ln in enumerate(lines[1:]))
    else:
        text = text.replace("Publication date", "Publication Date").replace("Model accessibility", "Model accessibility")
    path = tmp_path / "epoch.csv"
    path.write_text(text, encoding="utf-8")
    code = main(["trend", "compute", "--data", f"epoch:{path}", "--json"])
    out = capsys.readouterr()
    assert code == 0, out.err
    assert '"n": 40' in out.out


def test_fifty_megabyte_file(tmp_path, capsys):
    path = tmp_path / "big.csv"
    row = models_text([{}]).splitlines()[1]
    cols = schema.resource("models").columns
    with open(path, "w", encoding="utf-8", newline="") as fh:
        fh.write(",".join(cols) + "\n")
        i = 0
        while fh.tell() < 50 * 2**20:
            fh.write(row.replace('"llama-3-8b"', f'"m{i}"', 1) + "\n")
            i += 1
    code = main(["validate", str(path)])
    out = capsys.readouterr()
    assert code == 0, out.err[-500:]
    assert "Traceback" not in out.err
