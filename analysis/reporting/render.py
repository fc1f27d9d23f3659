"""Self-contained HTML for executed notebooks (code hidden) and the reports index with citations.

No external scripts, fonts or CDNs: the pages open offline and in a locked-down browser.

Escaping by construction. Every page is a Jinja template with autoescaping (``templates/``): any value put into it
is escaped unless it is one of the fragments below, each made safe where it is made:

* markdown cells: the notebook author's own text (the notebook source, not data);
* outputs our helpers mark as escaped (``frontier_atlas`` output metadata, see
  :func:`analysis.reporting.figures.trusted`): human tables (every cell escaped), prose (every '&', '<', '>'
  escaped except the number tags, and checked again here), and figures, whose block is rebuilt here from the
  manifest and the saved SVG (matplotlib escapes its text; the tooltips are escaped);
* images: PNG and SVG outputs are shown as ``<img>`` (an SVG in an image runs no script).

Any other HTML or markdown a notebook displays is escaped: it shows as text. Generated markdown never makes links
or images (a value in prose cannot become one).
"""

from __future__ import annotations

import base64
import html
import json
import re
from pathlib import Path

import mistune
from markupsafe import Markup

import analysis
from analysis.data.safeio import atomic_write_text
from analysis.reporting.citation import bibtex_escape, citation_year, first_sentence  # noqa: F401  (used by tests)
from analysis.reporting.figure_meta import citation_of
from analysis.reporting.manifests import report_manifests

CSS = """
body{font-family:system-ui,-apple-system,'Segoe UI',Roboto,sans-serif;max-width:900px;margin:2rem auto;padding:0 1rem;
color:#1a1a1a;line-height:1.5}
h1{font-size:1.7rem}h2{font-size:1.3rem;margin-top:2rem}h3{font-size:1.1rem}
figure.atlas-figure{margin:1.5rem 0;padding:0}figure.atlas-figure img{max-width:100%;height:auto;border:0}
figcaption{font-size:.9rem;color:#333;margin-top:.4rem}.atlas-cite{display:block;color:#555;font-size:.82rem}
.reuse{font-size:.82rem;color:#444}.reuse p{margin:.3rem 0}.inline-citation{display:block;color:#666}
table{border-collapse:collapse;font-size:.85rem;margin:1rem 0;display:block;overflow-x:auto;max-width:100%}th,td{border-bottom:1px solid #ddd;padding:.25rem .6rem;
text-align:right}th{background:#f4f4f4}td:first-child,th:first-child{text-align:left}
pre{background:#f7f7f7;padding:.6rem;overflow-x:auto;font-size:.8rem;white-space:pre-wrap}pre.error{background:#fdecea}
.meta{color:#666;font-size:.8rem}details{margin:1rem 0}code{font-size:.85em}
nav a{margin-right:1rem}.fig-card{border-top:1px solid #ddd;padding:.8rem 0}
.fig-card img{max-width:320px;float:right;margin-left:1rem;border:1px solid #eee}
svg.atlas-svg{max-width:100%;height:auto}pre.stream{background:#f4f8fb}
.fig-card::after{content:"";display:block;clear:both}textarea{width:100%;font-family:monospace;font-size:.75rem}
"""


def _templates():
    """Page templates (analysis/reporting/templates), rendered with autoescaping: data never becomes markup."""
    import jinja2

    return jinja2.Environment(loader=jinja2.FileSystemLoader(Path(__file__).with_name("templates")),
                              autoescape=True, keep_trailing_newline=True, undefined=jinja2.StrictUndefined)


class _NoLinks(mistune.HTMLRenderer):
    """Generated prose: links and images are written as their text (no value can become one)."""

    def link(self, text: str, url: str, title=None) -> str:
        return text

    def image(self, text: str, url: str, title=None) -> str:
        return html.escape(text)


_md = mistune.create_markdown(escape=False, plugins=["table", "strikethrough"])  # the author's markdown cells
_prose_md = mistune.create_markdown(renderer=_NoLinks(escape=False), plugins=["table", "strikethrough"])
_untrusted_md = mistune.create_markdown(renderer=_NoLinks(escape=True), plugins=["table", "strikethrough"])
_NUM_TAG = re.compile(r'<span class="atlas-num" data-table="[^"<>]*" data-row="\d+" data-column="[^"<>]*" '
                      r'data-format="[^"<>]*">[^<>]*</span>')


def _only_number_tags(text: str) -> str:
    """Prose markdown with every '<' and '>' escaped that is not part of a number tag (out.prose escaped them
    already; this holds even for a notebook that did not)."""
    out, pos = [], 0
    for m in _NUM_TAG.finditer(text):
        out += [text[pos:m.start()].replace("<", "&lt;").replace(">", "&gt;"), m.group(0)]
        pos = m.end()
    out.append(text[pos:].replace("<", "&lt;").replace(">", "&gt;"))
    return "".join(out)


def _mark(out: dict, mime: str) -> str | None:
    meta = out.get("metadata") or {}
    mark = meta.get("frontier_atlas")
    if mark is None and isinstance(meta.get(mime), dict):
        mark = meta[mime].get("frontier_atlas")
    return mark if isinstance(mark, str) else None


def _text(value) -> str:
    return "".join(value) if isinstance(value, list) else str(value)


def _figure_block(fig: dict, svg: str, manifest: dict, year: str) -> Markup:
    from analysis.reporting.figures import inline_svg  # figures imports matplotlib: only when a page has figures

    f = dict(fig, citation=fig.get("citation") or citation_of(manifest, fig, year))
    return Markup(_templates().get_template("figure.html.j2").render(f=f, svg=Markup(inline_svg(svg, f["alt"]))))


def _output_html(out: dict, ctx: dict) -> Markup:
    """One cell output as safe HTML (see the module's docstring for what is kept as HTML)."""
    kind = out.get("output_type")
    if kind == "stream":
        # what the notebook prints (e.g. "No gpqa lag: ...") is part of the report; stderr (library warnings) is not
        text = _text(out.get("text", ""))
        if out.get("name") != "stdout" or not text.strip():
            return Markup("")
        return Markup('<pre class="stream">{}</pre>').format(text.rstrip())
    if kind == "error":
        return Markup('<pre class="error">{}: {}</pre>').format(out.get("ename", ""), out.get("evalue", ""))
    data = out.get("data", {})
    if "application/vnd.jupyter.widget-view+json" in data:
        return Markup("")  # live controls need a kernel; the report shows the notebook's static figure instead
    if "text/html" in data:
        mark, body = _mark(out, "text/html"), _text(data["text/html"])
        if mark and mark.startswith("figure:") and mark[7:] in ctx["figures"]:
            fig = ctx["figures"][mark[7:]]
            svg_path = ctx["folder"] / "figures" / f"{fig['id']}.svg" if ctx["folder"] else None
            if svg_path is not None and svg_path.is_file():
                return _figure_block(fig, svg_path.read_text(encoding="utf-8"), ctx["manifest"], ctx["year"])
        if mark:
            return Markup(body)
        return Markup('<pre class="untrusted-html">{}</pre>').format(body)
    if "image/svg+xml" in data:
        b64 = base64.b64encode(_text(data["image/svg+xml"]).encode()).decode()
        return Markup('<img alt="figure" src="data:image/svg+xml;base64,{}">').format(b64)
    if "image/png" in data:
        return Markup('<img alt="figure" src="data:image/png;base64,{}">').format(_text(data["image/png"]).strip())
    if "text/markdown" in data:
        md = _text(data["text/markdown"])
        if _mark(out, "text/markdown") == "prose":
            return Markup(_prose_md(_only_number_tags(md)))
        return Markup(_untrusted_md(md))
    if "text/plain" in data:
        return Markup("<pre>{}</pre>").format(_text(data["text/plain"]))
    return Markup("")


def render_html(nb, name: str, manifest: dict, folder: Path | None = None) -> str:
    """The report page: markdown cells and outputs in order, code hidden, provenance at the end. ``folder``: the
    report's folder, whose saved SVGs the figures are drawn from."""
    ctx = {"figures": {f["id"]: f for f in manifest.get("figures", [])}, "folder": folder, "manifest": manifest,
           "year": citation_year() if manifest.get("figures") else ""}
    blocks = []
    for cell in nb.cells:
        if cell.cell_type == "markdown":
            blocks.append(Markup(_md(cell.source)))  # the author's own text
        elif cell.cell_type == "code":
            tags = cell.metadata.get("tags", [])
            if "parameters" in tags or "injected-parameters" in tags:
                continue
            blocks.extend(b for b in (_output_html(o, ctx) for o in cell.get("outputs", [])) if b)
    ds = manifest.get("data_source") or {}
    return _templates().get_template("report.html.j2").render(
        title=manifest.get("title", name), css=Markup(CSS), blocks=blocks, name=name,
        m={"toolkit_version": manifest.get("toolkit_version", ""), "git_commit": str(manifest.get("git_commit"))},
        data=ds.get("label") or manifest.get("data_spec") or "bundled data",
        params=json.dumps(manifest.get("parameters", {}), sort_keys=True),
        files=sorted(manifest.get("data_files", {}).items()))


def figure_citation(manifest: dict, fig: dict, year: str) -> dict:
    """The citations of one figure (``figure``, ``figure_bibtex``, ``data``, ``data_inline``): the manifest's,
    else made by the one function that makes them all."""
    return fig.get("citation") or citation_of(manifest, fig, year)


# Reading order of the index: the headline questions first, the case study last; others follow alphabetically.
_ORDER = {n: i for i, n in enumerate(("explore", "compute-trends", "parameter-growth", "data-requirements", "openness",
                                      "compute-infrastructure", "capabilities", "competition", "llama3-case-study"))}


def write_index(out: Path) -> Path:
    """reports/index.html: every report and figure, each with its figure and data citations."""
    year = citation_year()
    # only our own manifests: a foreign folder or manifest.json in --out is ignored
    # a sweep's combinations (manifest "notebook": the notebook they ran) are listed right after their notebook
    manifests = sorted(report_manifests(out), key=lambda m: (_ORDER.get(m.get("notebook", m["report"]), len(_ORDER)),
                                                             m.get("notebook", m["report"]), m["report"]))
    view = [{"report": m["report"], "title": m.get("title", m["report"]),
             "data": (m.get("data_source") or {}).get("label") or m.get("data_spec") or "bundled data",
             "toolkit_version": str(m.get("toolkit_version")), "git_commit": str(m.get("git_commit")),
             "figures": [dict(f, citation=figure_citation(m, f, year)) for f in m.get("figures", [])]}
            for m in manifests]
    body = _templates().get_template("index.html.j2").render(version=analysis.__version__, manifests=view,
                                                              title="Frontier Atlas reports", css=Markup(CSS))
    path = out / "index.html"
    atomic_write_text(path, body)  # no partial file on a full disk
    return path
