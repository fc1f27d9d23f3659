"""README's command-line examples work when pasted: every `frontier-atlas …` line of a ```bash block is one shell
command (no `|` alternatives that the shell reads as a pipe) that the real parser accepts; the slow tier runs each
one that needs neither the network nor a file of the reader's own.

Before: `capabilities --by open|country --json` piped into a command `country`, `spillovers --by year|family` into
`family`, and `clusters`, `datacenters` and `chips` examples did the same."""

from __future__ import annotations

import re
import shlex

import pytest

from analysis.cli.main import build_parser, main
from tests.conftest import ROOT

README = ROOT / "README.md"


def readme_examples(text: str | None = None) -> list[str]:
    """The `frontier-atlas …` command lines of README's ```bash blocks, as written (comments included)."""
    text = README.read_text(encoding="utf-8") if text is None else text
    lines = []
    for block in re.findall(r"```bash\n(.*?)```", text, re.S):
        for line in block.splitlines():
            if line.startswith("frontier-atlas"):
                lines.append(line)
    return lines


def shell_words(line: str) -> list[str]:
    """The words the shell would see; a control operator (| ; & < >) outside quotes is a word of its own."""
    lex = shlex.shlex(line, posix=True, punctuation_chars=True)
    lex.whitespace_split = True
    lex.commenters = "#"
    return list(lex)


EXAMPLES = readme_examples()
# examples that need the network (data pull), a file of the reader's own, or build every report
NOT_RUN = re.compile(r"data pull|~/Downloads|my_models\.csv|^frontier-atlas report")


def test_readme_has_examples():
    assert len(EXAMPLES) >= 30
    assert any("capabilities --by country" in e for e in EXAMPLES)


def test_the_check_catches_the_pipe_it_was_written_for():
    line = "frontier-atlas capabilities --by open|country --json     # ECI gap"
    assert "|" in shell_words(line)
    with pytest.raises(SystemExit):
        build_parser().parse_args(shlex.split(line, comments=True)[1:])


@pytest.mark.parametrize("line", EXAMPLES)
def test_readme_example_is_one_command_the_parser_accepts(line):
    words = shell_words(line)
    operators = [w for w in words if set(w) <= set("|;&<>")]
    assert not operators, f"{line!r}: the shell reads {operators} as an operator; write one command per line"
    build_parser().parse_args(words[1:])  # exits 2 (SystemExit) on an unknown option or an invalid choice


@pytest.mark.slow
@pytest.mark.parametrize("line", [e for e in EXAMPLES if not NOT_RUN.search(e)])
def test_readme_example_runs(line, tmp_path, monkeypatch, capsys):
    monkeypatch.chdir(tmp_path)  # `data build --out build/models.csv` writes here
    try:
        code = main(shell_words(line)[1:])
    except SystemExit as exc:
        code = exc.code
    err = capsys.readouterr().err
    assert code == 0, f"{line}: exit {code}: {err[-500:]}"


def table_problems(text: str) -> list[str]:
    """Markdown table rows that render as raw pipes: a `|` line after a blank line that does not start a table
    (a header row followed by a `|---|` separator)."""
    lines = text.splitlines()
    bad = []
    for k, line in enumerate(lines):
        starts = line.startswith("|") and (k == 0 or not lines[k - 1].startswith("|"))
        if starts and not (k + 1 < len(lines) and re.match(r"^\|[\s:|-]+\|\s*$", lines[k + 1])):
            bad.append(f"line {k + 1}: {line[:60]}")
    return bad


def test_readme_tables_are_whole():
    """Before: a blank line inside the notebooks table cut it in two, and its last two rows (compute-ownership,
    compute-infrastructure) showed as raw pipes."""
    assert table_problems("| a | b |\n|---|---|\n| 1 | 2 |\n\n| 3 | 4 |\n") == ["line 5: | 3 | 4 |"]
    for doc in [README, *sorted((ROOT / "docs").glob("*.md")), ROOT / "benchmarks" / "README.md"]:
        assert table_problems(doc.read_text(encoding="utf-8")) == [], doc.name
