"""Figure and page conventions, checked on hand-made inputs: numbers written without e-notation, citations cut
at full sentences, tooltips on scatter points, the text-overlap check (it must catch overlaps, not just pass),
partial years marked, no backend forced at import, and the CLI's help and formatting polish."""

from __future__ import annotations

import os
import re
import subprocess
import sys

import pandas as pd
import pytest

from analysis.cli import main as cli
from analysis.cli.args import format_interval
from analysis.errors import AnalysisError, UsageError
from analysis.metrics import checks
from analysis.reporting import citation, figures, render
from tests.conftest import ROOT

# --- numbers ------------------------------------------------------------------------------------------------

@pytest.mark.parametrize("value,digits,text", [
    (1e25, 2, "10²⁵"), (3.2e24, 2, "3.2×10²⁴"), (7.227e23, 3, "7.23×10²³"), (1e-3, 1, "10⁻³"), (0, 2, "0"),
    (float("nan"), 2, "–"), (-2e10, 2, "-2×10¹⁰"),
])
def test_pow10_by_hand(value, digits, text):
    assert figures.pow10(value, digits) == text


@pytest.mark.parametrize("raw,text", [
    ("2.6e+10 tokens", "2.6×10¹⁰ tokens"), ("1e+23 FLOP beside 10²³", "10²³ FLOP beside 10²³"),
    ("budget 1e25", "budget 10²⁵"), ("gpt-3e5 stays, 3.5x stays, v1.2e", "gpt-3e5 stays, 3.5x stays, v1.2e"),
    ("a 5e-3 share", "a 5×10⁻³ share"),
])
def test_no_e_notation_by_hand(raw, text):
    assert figures.no_e_notation(raw) == text


@pytest.mark.parametrize("value,text", [(8.03e9, "8.03 B"), (1.5e13, "15 T"), (640, "640"), (70.6e9, "70.6 B"),
                                        (1.3e6, "1.3 M"), (3.8e25, "3.8×10²⁵"), (None, "–")])
def test_si_by_hand(value, text):
    assert figures.si(value) == text


def test_number_in_prose_has_no_e_notation():
    out = figures.ReportOutput("")
    out.table(pd.DataFrame({"x": [2.6e10]}), "t")
    span = out.number("t", 0, "x", "{:.2g}")
    assert span.endswith(">2.6×10¹⁰</span>") and 'data-format="{:.2g}"' in span


def test_human_table_headers_units_and_escaping():
    df = pd.DataFrame({"name": ["<b>X</b>"], "parameters": [8.03e9], "training_compute_flop": [7.2e23],
                       "release_date": [pd.Timestamp("2024-04-18")], "gpu_hours": [float("nan")]})
    html = figures.human_table(df, {"name": "Model", "parameters": "Parameters", "release_date": "Released",
                                    "training_compute_flop": "Training compute (FLOP)", "gpu_hours": "GPU-hours"},
                               flop=("training_compute_flop",))
    assert "<th>Training compute (FLOP)</th>" in html and "snake" not in html and "training_compute_flop" not in html
    assert "<td>8.03 B</td>" in html and "<td>7.2×10²³</td>" in html and "<td>2024-04-18</td>" in html
    assert "<td>–</td>" in html and "&lt;b&gt;X&lt;/b&gt;" in html and "e+" not in html


# --- citations ----------------------------------------------------------------------------------------------

CAPTIONS = [
    ("Compute-optimal training tokens per parameter against budget under Hoffmann et al. (2022) approaches 1-3 "
     "and the Besiroglu et al. (2024) replication, with its 90% interval.",
     "Compute-optimal training tokens per parameter against budget under Hoffmann et al. (2022) approaches 1-3 "
     "and the Besiroglu et al. (2024) replication, with its 90% interval."),
    ("Value of repeating data (Muennighoff et al. 2023, R* = 15.4): effective tokens. Second sentence.",
     "Value of repeating data (Muennighoff et al. 2023, R* = 15.4): effective tokens."),
    ("Share of models, e.g. Llama 3.1 and GPT-4o, with 2.5 percent. Then more.",
     "Share of models, e.g. Llama 3.1 and GPT-4o, with 2.5 percent."),
    ("No closing period", "No closing period."),
]


@pytest.mark.parametrize("caption,sentence", CAPTIONS)
def test_first_sentence_never_cut_at_abbreviations(caption, sentence):
    assert citation.first_sentence(caption) == sentence


def _balanced(text: str) -> bool:
    depth = {"(": 0, "[": 0, "{": 0}
    pairs = {")": "(", "]": "[", "}": "{"}
    for i, ch in enumerate(text):
        if ch in depth:
            depth[ch] += 1
        elif ch in pairs and not (i and text[i - 1] == "\\"):
            depth[pairs[ch]] -= 1
            if depth[pairs[ch]] < 0:
                return False
    return not any(depth.values())


@pytest.mark.parametrize("caption,_", CAPTIONS)
def test_citations_whole_balanced_and_closed(caption, _):
    manifest = {"report": "r", "toolkit_version": "0.1.0", "git_commit": "0123456789abcdef"}
    c = render.figure_citation(manifest, {"id": "f-1", "caption": caption + " 100% {x} & y_z #1"}, "2026")
    plain, bib = c["figure"], c["figure_bibtex"]
    title = citation.first_sentence(caption).rstrip(".")
    assert title in plain and plain.endswith(".") and _balanced(plain)
    assert _balanced(bib.replace("\\{", "").replace("\\}", "")) and bib.count("{") == bib.count("}")
    assert "et al" not in caption or "et al." in plain


def test_bibtex_escapes_tex_specials():
    assert citation.bibtex_escape("30–50% & {x}_1 #2 $") == "30–50\\% \\& \\{x\\}\\_1 \\#2 \\$"


def test_index_template_autoescapes(tmp_path):
    import json

    rep = tmp_path / "r"
    rep.mkdir()
    (rep / "manifest.json").write_text(json.dumps({
        "report": "r", "title": "<script>x</script>", "data_version": "1", "git_commit": "c", "toolkit_version": "0",
        "content_hash": "h",
        "data_files": {}, "figures": [{"id": "f", "caption": "A <b>bold</b> caption (Smith et al. 2020).",
                                       "alt": '"><img>'}]}))
    html = render.write_index(tmp_path).read_text()
    assert "<script>x" not in html and "&lt;script&gt;" in html and "&lt;b&gt;bold" in html
    assert "(Smith et al. 2020) [figure f, report r]." in html


def test_stdout_streams_reach_the_page_and_stderr_does_not():
    import nbformat

    nb = nbformat.v4.new_notebook()
    c = nbformat.v4.new_code_cell("print('x')")
    c.outputs = [nbformat.v4.new_output("stream", name="stdout", text="No gpqa lag: <none>\n"),
                 nbformat.v4.new_output("stream", name="stderr", text="DeprecationWarning: noise\n")]
    nb.cells = [c]
    html = render.render_html(nb, "r", {"parameters": {}})
    assert "No gpqa lag: &lt;none&gt;" in html and "DeprecationWarning" not in html


# --- tooltips, layout, partial years --------------------------------------------------------------------------

def _frame():
    return pd.DataFrame({"id": ["a", "b", "c", "d"], "name": ["Alpha <1>", "Beta & co", "Gamma", "Delta"],
                         "organization": ["Org A", "Org B", None, "Org D"],
                         "release_date": pd.to_datetime(["2020-01-01", "2021-06-01", "2022-03-01", "2023-01-01"]),
                         "training_compute_flop": [1e22, 3e23, None, 2e25]})


def test_scatter_points_carry_svg_titles(tmp_path):
    fig, ax = figures.new_figure()
    figures.labelled_scatter(ax, _frame(), "release_date", "training_compute_flop", unit="FLOP")
    ax.set_yscale("log")
    figures.save_deterministic(fig, tmp_path / "f", "f")
    svg = (tmp_path / "f.svg").read_text()
    titles = re.findall(r"<use [^>]*><title>([^<]*)</title></use>", svg)
    assert titles == ["Alpha &lt;1&gt; (Org A), 2020-01-01: 10²² FLOP", "Beta &amp; co (Org B), 2021-06-01: 3×10²³ FLOP",
                      "Delta (Org D), 2023-01-01: 2×10²⁵ FLOP"]  # the row without compute is not drawn
    figures.save_deterministic(fig, tmp_path / "g", "f")
    assert (tmp_path / "g.svg").read_bytes() == (tmp_path / "f.svg").read_bytes()
    assert "<script" not in svg


def test_layout_check_catches_overlaps_and_passes_clean_figures():
    fig, ax = figures.new_figure()
    ax.plot([0, 1], [0, 1])
    ax.set_title("A title")
    ax.set_xlabel("x (units)")
    assert figures.layout_problems(fig) == []
    ax.annotate("first label", (0.5, 0.5))
    ax.annotate("second label", (0.5, 0.5))
    assert any("overlaps" in p for p in figures.layout_problems(fig))

    fig, ax = figures.new_figure()
    ax.scatter([0.02, 0.05], [0.98, 0.95])
    ax.scatter([0.5], [0.5], label="points")
    ax.set_xlim(0, 1)
    ax.set_ylim(0, 1)
    ax.legend(loc="upper left")
    assert any("legend covers" in p for p in figures.layout_problems(fig))
    figures.legend_below(ax)
    assert figures.layout_problems(fig) == []

    fig, ax = figures.new_figure()
    ax.set_xticks(range(40), [f"a long category name {i}" for i in range(40)])
    assert any("x tick" in p and "overlaps" in p for p in figures.layout_problems(fig))

    fig, ax = figures.new_figure()
    ax.set_ylabel("Compute-optimal tokens per parameter (tokens/parameter, log scale), far too long")
    assert any("longer than the axes" in p for p in figures.layout_problems(fig))


def test_source_line_goes_below_everything():
    fig, ax = figures.new_figure()
    ax.set_xticks([0, 1], ["two\nlines", "of ticks"])
    ax.set_xlabel("a label\nover two lines")
    ax.set_ylabel("a y label\nover two lines", fontsize=12)
    figures.stamp(fig, "fig-id", "a source")
    assert figures.layout_problems(fig) == []


def test_partial_year_hatched_and_labelled():
    fig, ax = figures.new_figure()
    ax.bar([2024, 2025, 2026], [3, 4, 2])
    label = figures.mark_partial_year(ax, "2026-07-15")
    assert label == "2026: data to 2026-07-15"
    assert [p.get_hatch() for p in ax.patches] == [None, None, "////"]
    assert label in ax.get_legend_handles_labels()[1]
    assert figures.mark_partial_year(ax, "2025-12-31") is None


def test_partial_year_on_a_line_has_a_hollow_marker_in_the_legend():
    """Before: the open-share line drew 2026 as a hollow circle but its legend entry was a hatched swatch that
    matched nothing in the figure. The legend entry of a partial year on a line is the hollow marker drawn."""
    fig, ax = figures.new_figure()
    ax.plot([2024, 2025, 2026], [40, 39, 36], marker="o", color=figures.OPEN_COLOR, label="share")
    label = figures.mark_partial_year(ax, "2026-07-15")
    handles, labels = ax.get_legend_handles_labels()
    handle = handles[labels.index(label)]
    assert not hasattr(handle, "get_hatch") or not handle.get_hatch()
    assert handle.get_marker() == "o" and handle.get_markerfacecolor() == "white"
    assert handle.get_markeredgecolor() == figures.OPEN_COLOR
    assert labels.count(label) == 1


def test_report_tables_cannot_run_as_spreadsheet_formulas(tmp_path):
    """Before: ReportOutput wrote tables/<id>.csv with plain to_csv, so a model named '=HYPERLINK(...)' in the data
    became a live formula in Excel or LibreOffice, against the policy of every other CSV we write (OWASP "CSV
    injection", analysis.data.writer). Text cells starting with = + - @ (or a tab) get a leading apostrophe; numbers
    (-5), dates and ordinary text are written as before."""
    df = pd.DataFrame({"model": ['=HYPERLINK("http://x","y")', "+cmd", "-ish", "@SUM(A1)", "\tx", "gpt-4"],
                       "value": [-5.0, 1.5, 2.0, 3.0, 4.0, 1e25],
                       "date": pd.to_datetime(["2024-01-02"] * 6)})
    out = figures.ReportOutput(str(tmp_path))
    out.table(df, "formula-cells")
    text = (tmp_path / "tables" / "formula-cells.csv").read_text(encoding="utf-8")
    rows = text.splitlines()
    assert rows[0] == "model,value,date"
    assert rows[1] == '"\'=HYPERLINK(""http://x"",""y"")",-5,2024-01-02'
    assert rows[2:5] == ["'+cmd,1.5,2024-01-02", "'-ish,2,2024-01-02", "'@SUM(A1),3,2024-01-02"]
    assert rows[5].startswith("'\tx,") and rows[6] == "gpt-4,1e+25,2024-01-02"
    assert df["model"].iloc[2] == "-ish"  # the caller's frame is not changed


def test_no_backend_forced_at_import():
    """Importing analysis.reporting.figures keeps the notebook's inline backend (the bug: Agg replaced it)."""
    env = dict(os.environ, MPLBACKEND="module://matplotlib_inline.backend_inline")
    code = "import analysis.reporting.figures, matplotlib; print(matplotlib.get_backend())"
    res = subprocess.run([sys.executable, "-c", code], env=env, cwd=ROOT, capture_output=True, text=True, timeout=60)
    assert res.returncode == 0, res.stderr
    assert "inline" in res.stdout


# --- parameter checks ------------------------------------------------------------------------------------------

def test_checks_give_the_clis_messages():
    bench = pd.DataFrame({"model_id": ["a", "b"], "benchmark": ["gpqa-diamond", "mmlu"], "setting": ["0-shot", "5-shot"],
                          "score": [50.0, 70.0]})
    with pytest.raises(AnalysisError, match=r"no scores for benchmark 'gpqa'; available: gpqa-diamond, mmlu"):
        checks.benchmark(bench, "gpqa")
    with pytest.raises(AnalysisError, match=r"settings available for gpqa-diamond: 0-shot"):
        checks.benchmark(bench, "gpqa-diamond", "5-shot")
    assert checks.benchmark(bench, "mmlu", "5-shot") is None  # nothing to display when the notebook calls it
    models = pd.DataFrame({"id": ["llama-3-8b", "llama-3-70b"], "domain": ["language", "language"]})
    with pytest.raises(AnalysisError, match=r"unknown model id 'llama3-8b'; did you mean 'llama-3-8b'"):
        checks.model_ids(models, "llama-3-70b, llama3-8b")
    assert checks.model_ids(models, "llama-3-8b,llama-3-70b") == ["llama-3-8b", "llama-3-70b"]
    with pytest.raises(AnalysisError, match=r"unknown domain 'langauge'; available: language"):
        checks.value_in(models, "domain", "langauge")


# --- CLI polish -------------------------------------------------------------------------------------------------

def _helps():
    parser = cli.build_parser()
    sub = next(a for a in parser._actions if a.__class__.__name__ == "_SubParsersAction")
    return parser, sub


def test_help_has_no_double_percent_and_one_line_per_command():
    parser, sub = _helps()
    assert "%%" not in parser.format_help()
    for name, p in sub.choices.items():
        assert "%%" not in p.format_help(), name
    for action in sub._choices_actions:
        assert action.help and "\n" not in action.help, action.dest


def test_commands_listed_in_reading_order():
    _, sub = _helps()
    names = [a.dest for a in sub._choices_actions]
    known = [n for n in cli.COMMAND_ORDER if n in names]
    assert names[:len(known)] == known
    assert names.index("validate") < names.index("trend") < names.index("report")


@pytest.mark.parametrize("argv", [["--debug", "lag", "--benchmark", "nope"], ["lag", "--benchmark", "nope", "--debug"],
                                  ["lag", "--debug", "--benchmark", "nope"]])
def test_debug_anywhere_on_the_line(argv):
    assert cli._split_debug(argv) == (["lag", "--benchmark", "nope"], True)
    with pytest.raises(UsageError):  # with --debug the error propagates (a traceback), wherever it is written
        cli.main(argv)  # (an unknown benchmark is a usage error, exit 2, naming every known one)


def test_debug_after_double_dash_is_data():
    assert cli._split_debug(["report", "--", "--debug"]) == (["report", "--", "--debug"], False)


def test_missing_intervals_keep_columns_aligned():
    a = format_interval(float("nan"), None, 3, 14)
    b = format_interval(0.333, 0.78, 3, 14)
    assert a == "[n/a, n/a]    " and b == "[0.333, 0.780]" and len(a) == len(b)


def test_concentration_columns_do_not_shift(models_csv, capsys):
    """A year with an estimate, a year with too few models (a phrase instead of numbers) and the partial last year
    (starred): the last column stays put (issue 22 item 6 replaced the 'n/a' intervals of small years)."""
    orgs = "AAAAAAAABBBBBCCCDDEF"  # 20 models in 2020: an estimate and its interval
    rows = [{"id": f"m{i}", "organization": o, "release_date": "2020-05-01"} for i, o in enumerate(orgs)]
    rows += [{"id": f"n{i}", "organization": o, "release_date": d} for i, (o, d) in
             enumerate([("A", "2021-05-01"), ("B", "2021-06-01"), ("C", "2021-07-01")])]
    path = models_csv(*rows)
    assert cli.main(["concentration", "--data", str(path)]) == 0
    lines = [ln for ln in capsys.readouterr().out.splitlines() if re.match(r"^\d{4}[ *]", ln)]
    assert len(lines) == 2 and "[" in lines[0] and "too few models" in lines[1] and lines[1].startswith("2021*")
    assert len(lines[0]) == len(lines[1])  # the last column (organizations above 10^25 FLOP) does not move


def test_epoch_import_warnings_once_with_counts(tmp_path, capsys):
    """Values outside our ranges and rows without a date: one warning line with counts, shown once, not per row."""
    p = tmp_path / "epoch.csv"
    n = 30
    pd.DataFrame({
        "Model": [f"M{i}" for i in range(n)] + ["NoDate1", "NoDate2"],
        "Organization": ["Org"] * (n + 2),
        "Publication date": [f"{2000 + i % 25}-03-01" for i in range(n)] + ["", ""],
        "Training compute (FLOP)": [("40" if i < 4 else f"1e{20 + i % 6}") for i in range(n)] + ["", ""],
        "Parameters": [("0.5" if i == 5 else "1e9") for i in range(n)] + ["", ""],
    }).to_csv(p, index=False)
    assert cli.main(["trend", "compute", "--data", f"epoch:{p}"]) == 0
    err = capsys.readouterr().err.splitlines()
    warned = [ln for ln in err if ln.startswith("warning: epoch.csv:")]
    assert len(warned) == 1, err
    assert "5 value(s) outside our ranges set empty (Training compute (FLOP) 4, Parameters 1)" in warned[0]
    assert "2 row(s) without a model name or date skipped" in warned[0]


def test_benchmark_names_missed_targets_plainly():
    sys.path.insert(0, str(ROOT / "benchmarks"))
    try:
        import bench_reports
    finally:
        sys.path.pop(0)
    ok = {"cold_batch_s": 20.0, "speedup": 2.6, "noop_rerun_s": 1.0}
    assert bench_reports.missed_targets(ok) == []
    missed = bench_reports.missed_targets({"cold_batch_s": 75.0, "speedup": 2.4, "noop_rerun_s": 1.2})
    assert missed == ["cold batch took 75.0 s, target < 60 s", "speed-up over sequential papermill is 2.40x, target >= 2.5x",
                      "no-op re-run took 1.20 s, target <= 1 s"]


# --- captions name the colours the figure draws -----------------------------------------------------------------

COLOUR_WORD = re.compile(r"\b(red|orange|blue|green|purple|pink|yellow|grey|gray|black|vermill?ion|amber|brown|"
                         r"violet|teal|cyan|magenta)\b", re.I)


def _literal_text(node) -> str:
    """The literal parts of a caption expression (a string, an f-string, or strings joined with +)."""
    import ast

    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return node.value
    if isinstance(node, ast.JoinedStr):
        return " ".join(_literal_text(v) for v in node.values)
    if isinstance(node, ast.BinOp):
        return _literal_text(node.left) + " " + _literal_text(node.right)
    return " "


def _drawn_colour_names(source: str) -> set[str]:
    """Reader names of every colour a notebook cell draws with: palette keys, OPEN_/CLOSED_COLOR, literal colours
    (a literal grey, e.g. '#bbbbbb', is 'grey')."""
    import matplotlib.colors as mcolors

    names: set[str] = set()
    keys = set(re.findall(r"PALETTE\[[\"'](\w+)[\"']\]", source))
    keys |= {"green"} if "OPEN_COLOR" in source else set()
    keys |= {"purple"} if "CLOSED_COLOR" in source else set()
    for k in keys:
        names |= set(figures.COLOUR_NAMES[k])
    for lit in re.findall(r"colou?r=[\"']([^\"']+)[\"']", source):
        if mcolors.is_color_like(lit):
            r, g, b = mcolors.to_rgb(lit)
            if max(r, g, b) - min(r, g, b) < 0.05 and 0.2 < r < 0.95:
                names |= {"grey", "gray"}
    return names


def _caption_colour_problems(source: str) -> list[str]:
    import ast

    problems = []
    drawn = _drawn_colour_names(source)
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Call) and getattr(node.func, "attr", "") == "figure":
            for kw in node.keywords:
                if kw.arg == "caption":
                    text = _literal_text(kw.value)
                    for name in sorted(drawn, key=len, reverse=True):  # 'dark orange' before 'orange'
                        text = re.sub(rf"\b{re.escape(name)}\b", " ", text, flags=re.I)
                    problems += [m.group(0) for m in COLOUR_WORD.finditer(text)]
    return problems


def test_caption_colour_check_catches_a_wrong_colour():
    """The defect as it was: training-run-trends drew frontier runs in vermillion (dark orange on screen) and its
    caption said 'red'."""
    before = ('ax.plot(x, y, color=PALETTE["vermillion"])\n'
              'out.figure(fig, "f", caption=f"since {since}; frontier models in red with their trend.")')
    assert _caption_colour_problems(before) == ["red"]
    after = before.replace("in red", "in dark orange")
    assert _caption_colour_problems(after) == []
    assert _caption_colour_problems(after.replace('"vermillion"', '"blue"')) == ["orange"]
    assert _caption_colour_problems('ax.plot(x, y, color="#bbbbbb")\nout.figure(f, "g", caption="in grey")') == []


@pytest.mark.parametrize("name", sorted(p.stem for p in (ROOT / "notebooks").glob("*.py")))
def test_captions_name_only_colours_the_figure_draws(name):
    import jupytext

    nb = jupytext.read(ROOT / "notebooks" / f"{name}.py")
    bad = {i: p for i, c in enumerate(nb.cells) if c.cell_type == "code" and (p := _caption_colour_problems(c.source))}
    assert not bad, f"{name}: caption colour words not drawn in the cell (use figures.colour_name): {bad}"
    assert set(figures.COLOUR_NAMES) == set(figures.PALETTE)
    assert figures.colour_name("vermillion") == "dark orange"


@pytest.mark.parametrize("since", ["2025-01-01", "2024-01-01", "2018-01-01"])
def test_explore_trend_date_labels_never_run_together(since):
    """Before: with the explore widget's 'From year' near the end of the data, the x axis showed a label every
    two or three months ('2024-01', '2024-04', … eleven labels) and they ran into each other (the layout check
    reported 10 overlaps for 2024). explore.trend_view now uses figures.date_axis: at most 7 concise labels."""
    import matplotlib.pyplot as plt

    from analysis.data import dataset
    from analysis.reporting import explore

    view = explore.trend_view(dataset.load(None).models, "training_compute_flop", "notable", since=since)
    try:
        ax = view.figure.axes[0]
        lo, hi = ax.get_xlim()
        shown = [t for t in ax.get_xticklabels() if lo <= t.get_position()[0] <= hi and t.get_text()]
        assert 3 <= len(shown) <= 7, [t.get_text() for t in shown]
        assert not [p for p in figures.layout_problems(view.figure) if "tick" in p]
    finally:
        plt.close(view.figure)


def test_say_writes_tagged_numbers_from_one_table(monkeypatch):
    """The explore cells promised 'a line or two of the public API' but each sentence was ~7 lines of
    out.number(table, row, column, fmt) plumbing. out.say takes the table once and {column:spec} fields; the
    numbers are the same tagged spans number() makes (so the prose-vs-CSV test still checks them)."""
    out = figures.ReportOutput("")
    out.table(pd.DataFrame({"growth_per_year": [4.2345], "growth_low": [3.31], "n": [467],
                            "end_date": pd.to_datetime(["2026-07-15"])}), "fit")
    said = []
    monkeypatch.setattr(out, "prose", said.append)
    out.say("fit", "Growth **{growth_per_year:.2g}x** (from {growth_low:.2g}x, {confidence:.0%} CI; n = {n:d}), "
            "to {end_date}.", confidence=0.9)
    by_hand = (f"Growth **{out.number('fit', 0, 'growth_per_year', '{:.2g}')}x** (from "
               f"{out.number('fit', 0, 'growth_low', '{:.2g}')}x, 90% CI; n = {out.number('fit', 0, 'n', '{:d}')}), "
               f"to {out.number('fit', 0, 'end_date', '{}')}.")
    assert said == [by_hand]
    assert ">4.2<" in said[0] and ">3.3<" in said[0] and ">467<" in said[0] and ">2026-07-15<" in said[0]
    with pytest.raises(ValueError, match="column:spec"):
        out.say("fit", "{n!r}")
    with pytest.raises(KeyError):
        out.say("fit", "{missing_column}")


def test_estimate_gives_a_number_with_its_tagged_interval_or_says_it_has_none():
    import pandas as pd

    from analysis.reporting.figures import ReportOutput

    out = ReportOutput("")
    out.table(pd.DataFrame({"months": [5.24, 7.0], "months_low": [3.1, None], "months_high": [7.44, None]}), "t")
    text = out.estimate("t", 0, "months")
    assert [s.split(">")[1].split("<")[0] for s in text.split("</span>")[:3]] == ["5.2", "3.1", "7.4"]
    assert 'data-column="months_low"' in text and 'data-column="months_high"' in text
    assert out.estimate("t", 1, "months").endswith(">7.0</span> (no interval)")
