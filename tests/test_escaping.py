"""No value from the data can become markup on a report page (issue 24, item 1), checked at unit level: a report
is made in-process through the notebook helpers (prose, numbers, human tables, a figure with tooltips, a caption)
with hostile values in every place a value goes, plus outputs a notebook could display without the helpers; the
page and the index are then parsed, and every element and attribute must be one the page itself makes.

tests/test_browser.py builds every report on a models table with hostile values in every free-text column and
checks the pages in Chromium (slow).
"""

from __future__ import annotations

import json
import re
from html.parser import HTMLParser

import nbformat
import pandas as pd
import pytest
from IPython.core.formatters import format_display_data

import analysis
from analysis.reporting import figure_meta, figures, render
from analysis.reporting.figures import ReportOutput, human_table, labelled_scatter, new_figure

HOSTILE = ['<img src=x onerror=alert(1)>', '<script>alert("pwn")</script>', '"><b id="pwn">bold</b>',
           "<svg onload=alert(1)>", "[click](javascript:alert(1))", "![x](https://evil.example/pwn.png)",
           "<a href='https://evil.example'>pwn</a>", "$\\frac{1}{0}$ & {\\LaTeX} _x_ *y*"]


class Elements(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.found = []

    def handle_starttag(self, tag, attrs):
        self.found.append((tag, dict(attrs)))

    handle_startendtag = handle_starttag


def injected(page: str) -> list:
    """Elements and attributes in ``page`` that only a hostile value could have made."""
    p = Elements()
    p.feed(page)
    bad = []
    for tag, attrs in p.found:
        if tag in ("script", "iframe", "object", "embed", "b") or (tag == "svg" and "onload" in attrs):
            bad.append((tag, attrs))
        for k, v in attrs.items():
            v = v or ""
            link = k in ("href", "src", "xlink:href", "action", "formaction")
            if k.startswith("on") or (k == "id" and "pwn" in v) or (link and ("evil.example" in v or "pwn" in v
                                                                               or "javascript:" in v.lower())):
                bad.append((tag, {k: v}))
        if tag == "img" and not re.match(r"data:image/|[a-z0-9][a-z0-9.=_-]*/figures/[a-z0-9-]+\.svg$",
                                          attrs.get("src") or ""):
            bad.append((tag, attrs))
    return bad


@pytest.fixture(scope="module")
def pages(tmp_path_factory):
    """(page, index) of the hostile report, made once; what the helpers display is recorded as notebook outputs
    (as the kernel would record them)."""
    import IPython.display

    outputs = []

    def display(obj, metadata=None, **_):
        data, md = format_display_data(obj)
        outputs.append(nbformat.v4.new_output("display_data", data=data, metadata={**md, **(metadata or {})}))

    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(IPython.display, "display", display)
        return hostile_report(tmp_path_factory.mktemp("hostile"), outputs)


def hostile_report(tmp_path, outputs) -> tuple[str, str]:
    """A report made through the helpers with a hostile value everywhere; returns (page, index)."""
    root = tmp_path / "r"
    out = ReportOutput(str(root))
    m = pd.DataFrame({"id": [f"m{i}" for i in range(len(HOSTILE))], "name": HOSTILE,
                      "organization": list(reversed(HOSTILE)),
                      "release_date": pd.date_range("2020-01-01", periods=len(HOSTILE), freq="200D"),
                      "training_compute_flop": [1e22 * 3 ** i for i in range(len(HOSTILE))]})
    out.table(m, "hostile-models")
    # prose: a value put in raw (as compute-infrastructure did with already_reached_by) and one through number()
    out.prose(f"Already passed by {m.at[0, 'name']} and {out.number('hostile-models', 2, 'name', '{}')}; "
              + "; ".join(HOSTILE))
    import IPython.display as ipd

    ipd.display(human_table(m, {"name": "Model", "organization": HOSTILE[2]}))
    fig, ax = new_figure()
    labelled_scatter(ax, m, "release_date", "training_compute_flop", unit="FLOP", label=HOSTILE[3])
    ax.set_title(HOSTILE[0])
    ax.set_yscale("log")
    ax.legend()
    out.figure(fig, "hostile-figure", caption=" ".join(HOSTILE), alt=HOSTILE[2], table=m,
               source=[HOSTILE[1], HOSTILE[4]])
    # what a notebook could display without the helpers: kept as text
    ipd.display(ipd.HTML(HOSTILE[0] + HOSTILE[1]))
    ipd.display(ipd.Markdown(" ".join(HOSTILE)))
    ipd.display(ipd.SVG('<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"><script>alert(1)</script></svg>'))
    nb = nbformat.v4.new_notebook()
    nb.cells = [nbformat.v4.new_markdown_cell("# Hostile report"), nbformat.v4.new_code_cell("")]
    nb.cells[1].outputs = outputs
    nb.cells[1].outputs.append(nbformat.v4.new_output("stream", name="stdout", text=HOSTILE[1]))
    nb.cells[1].outputs.append(nbformat.v4.new_output("error", ename=HOSTILE[0], evalue=HOSTILE[2], traceback=[]))
    figs = json.loads((root / "figures.json").read_text())
    for f in figs:
        f["files"] = {ext: f"figures/{f['id']}.{ext}" for ext in ("svg", "png", "pdf")}
    manifest = {"report": "r", "title": HOSTILE[1], "toolkit_version": analysis.__version__, "git_commit": HOSTILE[2],
                "content_hash": "h", "parameters": {"p": HOSTILE[0]}, "data_files": {HOSTILE[3]: "00" * 32},
                "data_source": {"label": HOSTILE[5]}, "figures": figs}
    manifest = figure_meta.write(root, manifest)
    (root / "manifest.json").write_text(json.dumps(manifest))
    page = render.render_html(nb, "r", manifest, root)
    index = render.write_index(tmp_path).read_text()
    return page, index


def test_no_hostile_value_becomes_an_element_or_attribute(pages):
    page, index = pages
    assert injected(page) == [] and injected(index) == []
    assert "<script" not in page.lower() and "<script" not in index.lower()


def test_hostile_values_are_shown_as_text_not_dropped(pages):
    page, index = pages
    assert page.count("&lt;img src=x onerror=alert(1)&gt;") >= 4  # prose, table, untrusted HTML, error, caption ...
    assert "Already passed by &lt;img src=x onerror=alert(1)&gt;" in page
    assert "&lt;script&gt;alert(&#34;pwn&#34;)&lt;/script&gt;" in index  # the figure's source, in its citation
    # the tooltip of the first point names the hostile model as text inside the inline SVG
    assert "<title>&lt;img src=x onerror=alert(1)&gt; (" in page
    # number tags stay tags: the escaped value is inside the span
    assert '<span class="atlas-num" data-table="hostile-models" data-row="2" data-column="name" ' in page


def test_prose_escapes_everything_but_the_number_tags_it_made():
    out = ReportOutput("")
    out.table(pd.DataFrame({"v": [4.4]}), "t")
    tag = out.number("t", 0, "v", "{:.2g}")
    forged = tag.replace("4.4", "9.9")
    text = figures.escape_prose(f"**{tag}** <b>x</b> & {forged}", out.spans)
    assert text.startswith(f"**{tag}** &lt;b&gt;x&lt;/b&gt; &amp; &lt;span")


def test_the_page_re_escapes_prose_marked_as_escaped_that_is_not():
    nb = nbformat.v4.new_notebook()
    nb.cells = [nbformat.v4.new_code_cell("")]
    nb.cells[0].outputs = [nbformat.v4.new_output("display_data", data={"text/markdown": HOSTILE[0]},
                                                  metadata={"frontier_atlas": "prose"})]
    page = render.render_html(nb, "r", {"parameters": {}})
    assert injected(page) == [] and "&lt;img src=x onerror=alert(1)&gt;" in page


def test_nbconvert_page_shows_unmarked_outputs_as_text_and_leaves_code_and_parameters_out():
    """The page is nbconvert's walk through the notebook (render.exporter, templates/notebook.html.j2): a raw
    <script> in an HTML output, a javascript: link, a JavaScript output, unmarked SVG and HTML make no script, no
    event attribute, no javascript: URL and no external resource; code, parameter cells, stderr, widget views and
    raw cells are left out; the same notebook gives the same bytes."""
    v4 = nbformat.v4
    params = v4.new_code_cell("p = 'PARAM-VALUE'", metadata={"tags": ["parameters"]})
    params.outputs = [v4.new_output("stream", name="stdout", text="PARAM-OUTPUT")]
    code = v4.new_code_cell("import os  # CODE-INPUT")
    code.outputs = [
        v4.new_output("display_data", data={"text/html": '<script>alert(1)</script><a href="https://evil.example">'}),
        v4.new_output("display_data", data={"application/javascript": "alert('JS-OUTPUT')"}),
        v4.new_output("display_data", data={"text/markdown": "[click](javascript:alert(1)) ![i](https://evil.example)"}),
        v4.new_output("display_data", data={"image/svg+xml": '<svg onload="alert(1)"><script>alert(2)</script></svg>'}),
        v4.new_output("execute_result", execution_count=1,
                      data={"text/html": '<iframe src="https://evil.example"></iframe>', "text/plain": "TEXT-ONLY"}),
        v4.new_output("display_data", data={"application/vnd.jupyter.widget-view+json": {"model_id": "m"},
                                            "text/plain": "WIDGET-FALLBACK"}),
        v4.new_output("stream", name="stderr", text="STDERR-NOISE"),
        v4.new_output("stream", name="stdout", text="printed <b>x</b>\n")]
    nb = v4.new_notebook(cells=[v4.new_markdown_cell("# Title\n\n[author link](javascript:alert(1))"), params,
                                v4.new_code_cell("p = 'INJECTED-VALUE'", metadata={"tags": ["injected-parameters"]}),
                                code, v4.new_raw_cell("<script>alert('RAW-CELL')</script>")])
    page = render.render_html(nb, "r", {"parameters": {}})
    p = Elements()
    p.feed(page)
    links = [v or "" for _, attrs in p.found for k, v in attrs.items() if k in ("href", "src", "xlink:href")]
    assert injected(page) == [] and "<script" not in page.lower() and "javascript:" not in page.lower()
    assert not [k for _, attrs in p.found for k in attrs if k.startswith("on")]
    assert links and all(v.startswith("data:image/") or not re.match(r"([a-z][a-z0-9+.-]*:|//)", v, re.I)
                         for v in links), links
    # shown as text: the HTML outputs, the markdown output's link text, what the notebook printed
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page and "&lt;iframe src=" in page
    assert "click" in page and "printed &lt;b&gt;x&lt;/b&gt;" in page and "<h1>Title</h1>" in page
    for absent in ("CODE-INPUT", "PARAM-VALUE", "PARAM-OUTPUT", "INJECTED-VALUE", "JS-OUTPUT", "TEXT-ONLY",
                   "WIDGET-FALLBACK", "STDERR-NOISE", "RAW-CELL"):
        assert absent not in page, absent
    again = nbformat.reads(nbformat.writes(nb), as_version=4)
    assert render.render_html(again, "r", {"parameters": {}}) == page
