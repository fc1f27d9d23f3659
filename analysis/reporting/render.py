"""Self-contained HTML for executed notebooks (code hidden) and the reports index with citations.

No external scripts, fonts or CDNs: the pages open offline and in a locked-down browser. nbconvert walks the
notebook (:func:`exporter`; our ``templates/notebook.html.j2`` on its ``base/display_priority.j2``, not the lab or
classic templates, which load scripts): markdown cells and outputs in order; code, raw cells, the parameter cells,
stderr, widget views and JavaScript left out. ``templates/report.html.j2`` adds the page and its provenance.

Escaping by construction. Every page is a Jinja template with autoescaping (``templates/``, the exporter's too):
any value put into it is escaped unless it is one of the fragments below, each made safe where it is made:

* markdown cells: the notebook author's own text (the notebook source, not data), through our mistune ``_md``;
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
import functools
import html
import json
import re
from pathlib import Path

import mistune
from markupsafe import Markup

import analysis
from analysis.data.safeio import atomic_write_text
from analysis.reporting.citation import citation_year
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
    """The mark our helpers put on an output (``frontier_atlas`` metadata, see :func:`figures.trusted`), or None."""
    meta = out.get("metadata") or {}
    mark = meta.get("frontier_atlas")
    if mark is None and isinstance(meta.get(mime), dict):
        mark = meta[mime].get("frontier_atlas")
    return mark if isinstance(mark, str) else None


def _figure(mark: str, ctx: dict) -> Markup | str:
    """The block of a figure our helpers marked (``figure:<id>``), rebuilt from the manifest and the saved SVG;
    '' when the manifest or the folder has no such figure."""
    fig = ctx["figures"].get(mark[7:]) if mark.startswith("figure:") else None
    svg = ctx["folder"] / "figures" / f"{fig['id']}.svg" if fig and ctx["folder"] else None
    if svg is None or not svg.is_file():
        return ""
    from analysis.reporting.figures import inline_svg  # figures imports matplotlib: only when a page has figures

    f = dict(fig, citation=fig.get("citation") or citation_of(ctx["manifest"], fig, ctx["year"]))
    svg_html = Markup(inline_svg(svg.read_text(encoding="utf-8"), f["alt"]))
    return Markup(_templates().get_template("figure.html.j2").render(f=f, svg=svg_html))


# What the page shows of an output, in this order of preference (the first one it has); a widget view is shown as
# nothing (live controls need a kernel: the report shows the notebook's static figure instead).
WIDGET_VIEW = "application/vnd.jupyter.widget-view+json"
_SHOWN = (WIDGET_VIEW, "text/html", "image/svg+xml", "image/png", "text/markdown",
          "text/plain")
# The only filters templates/notebook.html.j2 can use (nbconvert's own, such as markdown2html, are left out).
_FILTERS = {"filter_data_type": lambda data: [m for m in _SHOWN if m in data][:1], "mark": _mark, "figure": _figure,
            "author_md": lambda s: Markup(_md(s)), "prose_md": lambda s: Markup(_prose_md(_only_number_tags(s))),
            "untrusted_md": lambda s: Markup(_untrusted_md(s)),
            "text_base64": lambda s: base64.b64encode(s.encode()).decode()}


@functools.cache
def exporter():
    """nbconvert's TemplateExporter on templates/notebook.html.j2, with autoescaping and only :data:`_FILTERS`;
    imported when a page is made (the report runner makes it once, before it forks its workers)."""
    from jupyter_core.paths import ENV_JUPYTER_PATH, jupyter_path
    from nbconvert.exporters import TemplateExporter
    from nbconvert.preprocessors import TagRemovePreprocessor

    class Exporter(TemplateExporter):
        def default_filters(self):
            return _FILTERS.items()

        def _create_environment(self):
            env = super()._create_environment()
            env.autoescape = True  # before any template is loaded: data never becomes markup
            return env

    # nbconvert's own base templates, this environment's first: a user's Jupyter folder cannot change the page
    base = next(d for d in [str(Path(p, "nbconvert", "templates")) for p in ENV_JUPYTER_PATH]
                + jupyter_path("nbconvert", "templates") if Path(d, "base", "display_priority.j2").is_file())
    drop = TagRemovePreprocessor(remove_cell_tags={"parameters", "injected-parameters"})
    return Exporter(default_preprocessors=[], preprocessors=[drop], exclude_input=True, exclude_raw=True,
                    exclude_unknown=True, template_file="notebook.html.j2",
                    template_paths=[str(Path(__file__).with_name("templates")), base])


def render_html(nb, name: str, manifest: dict, folder: Path | None = None) -> str:
    """The report page: markdown cells and outputs in order, code hidden, provenance at the end. ``folder``: the
    report's folder, whose saved SVGs the figures are drawn from."""
    ctx = {"figures": {f["id"]: f for f in manifest.get("figures", [])}, "folder": folder, "manifest": manifest,
           "year": citation_year() if manifest.get("figures") else ""}
    cells, _ = exporter().from_notebook_node(nb, resources={"atlas": ctx})
    ds = manifest.get("data_source") or {}
    return _templates().get_template("report.html.j2").render(
        title=manifest.get("title", name), css=Markup(CSS), cells=Markup(cells), name=name,
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
