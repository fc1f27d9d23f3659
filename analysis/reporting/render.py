"""Self-contained HTML for executed notebooks (code hidden) and the reports index with citations.

No external scripts, fonts or CDNs: the pages open offline and in a locked-down browser. Everything that comes
from data (model names, organizations, notes) is escaped where it is written (in the notebooks' HTML outputs and
here); markdown prose is the notebook author's own text.
"""

from __future__ import annotations

import html
import json
from pathlib import Path

import mistune

import analysis
from analysis.data.safeio import atomic_write_text
from analysis.reporting.manifests import citation_year, report_manifests

CSS = """
body{font-family:system-ui,-apple-system,'Segoe UI',Roboto,sans-serif;max-width:900px;margin:2rem auto;padding:0 1rem;
color:#1a1a1a;line-height:1.5}
h1{font-size:1.7rem}h2{font-size:1.3rem;margin-top:2rem}h3{font-size:1.1rem}
figure.atlas-figure{margin:1.5rem 0;padding:0}figure.atlas-figure img{max-width:100%;height:auto;border:0}
figcaption{font-size:.9rem;color:#333;margin-top:.4rem}.atlas-cite{display:block;color:#555;font-size:.82rem}
table{border-collapse:collapse;font-size:.85rem;margin:1rem 0;display:block;overflow-x:auto;max-width:100%}th,td{border-bottom:1px solid #ddd;padding:.25rem .6rem;
text-align:right}th{background:#f4f4f4}td:first-child,th:first-child{text-align:left}
pre{background:#f7f7f7;padding:.6rem;overflow-x:auto;font-size:.8rem}pre.error{background:#fdecea}
.meta{color:#666;font-size:.8rem}details{margin:1rem 0}code{font-size:.85em}
nav a{margin-right:1rem}.fig-card{border-top:1px solid #ddd;padding:.8rem 0}
.fig-card img{max-width:320px;float:right;margin-left:1rem;border:1px solid #eee}
svg.atlas-svg{max-width:100%;height:auto}pre.stream{background:#f4f8fb}
.fig-card::after{content:"";display:block;clear:both}textarea{width:100%;font-family:monospace;font-size:.75rem}
"""

def _templates():
    """Page templates (analysis/templates), rendered with autoescaping: data never becomes markup."""
    import jinja2

    return jinja2.Environment(loader=jinja2.FileSystemLoader(Path(__file__).with_name("templates")),
                              autoescape=True, keep_trailing_newline=True, undefined=jinja2.StrictUndefined)


_md = mistune.create_markdown(escape=False, plugins=["table", "strikethrough"])


def _page(title: str, body: str) -> str:
    return (
        "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">"
        "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">"
        f"<title>{html.escape(title)}</title><style>{CSS}</style></head>\n<body>\n{body}\n</body></html>\n"
    )


def _output_html(out: dict) -> str:
    kind = out.get("output_type")
    if kind == "stream":
        # what the notebook prints (e.g. "No gpqa lag: ...") is part of the report; stderr (library warnings) is not
        if out.get("name") != "stdout":
            return ""
        text = "".join(out.get("text", "")) if isinstance(out.get("text"), list) else str(out.get("text", ""))
        return f"<pre class=\"stream\">{html.escape(text.rstrip())}</pre>" if text.strip() else ""
    if kind == "error":
        return f"<pre class=\"error\">{html.escape(out.get('ename', ''))}: {html.escape(out.get('evalue', ''))}</pre>"
    data = out.get("data", {})
    if "application/vnd.jupyter.widget-view+json" in data:
        return ""  # live controls need a kernel; the report shows the notebook's static figure instead
    if "text/html" in data:
        return "".join(data["text/html"]) if isinstance(data["text/html"], list) else data["text/html"]
    if "image/svg+xml" in data:
        return str(data["image/svg+xml"])
    if "image/png" in data:
        return f"<img alt=\"figure\" src=\"data:image/png;base64,{data['image/png'].strip()}\">"
    if "text/markdown" in data:
        return _md(data["text/markdown"])
    if "text/plain" in data:
        return f"<pre>{html.escape(str(data['text/plain']))}</pre>"
    return ""


def render_html(nb, name: str, manifest: dict) -> str:
    """The report page: markdown cells and outputs in order, code hidden, provenance at the end."""
    parts = ["<nav><a href=\"../index.html\">All reports</a></nav>"]
    for cell in nb.cells:
        if cell.cell_type == "markdown":
            parts.append(_md(cell.source))
        elif cell.cell_type == "code":
            if "parameters" in cell.metadata.get("tags", []) or "injected-parameters" in cell.metadata.get("tags", []):
                continue
            parts.extend(_output_html(o) for o in cell.get("outputs", []))
    params = html.escape(json.dumps(manifest.get("parameters", {}), sort_keys=True))
    files = "".join(f"<li><code>{html.escape(k)}</code> sha256 <code>{v[:16]}…</code></li>"
                    for k, v in sorted(manifest.get("data_files", {}).items()))
    parts.append(
        "<details class=\"meta\"><summary>Provenance</summary>"
        f"<p>Frontier Atlas {html.escape(manifest.get('toolkit_version', ''))}, data version "
        f"{html.escape(str(manifest.get('data_version')))}, commit <code>{html.escape(str(manifest.get('git_commit')))}</code>."
        f" Parameters: <code>{params}</code>. Executed notebook: <a href=\"{html.escape(name)}.ipynb\">{html.escape(name)}.ipynb</a>;"
        f" manifest: <a href=\"manifest.json\">manifest.json</a>.</p><ul>{files}</ul></details>"
    )
    return _page(manifest.get("title", name), "\n".join(p for p in parts if p))


# Words after which a period does not end a sentence ("Hoffmann et al. (2022)", "e.g. Llama", "vs. GPT-4").
_ABBREVIATIONS = {"al", "e.g", "i.e", "vs", "cf", "approx", "fig", "no", "ca", "etc", "dr", "st", "jr", "inc", "ltd",
                  "co", "corp", "u.s", "v", "p", "pp", "eq", "sec", "est"}


def first_sentence(text: str) -> str:
    """The caption's first full sentence, with a closing period: never cut at an abbreviation ('et al.'), an
    initial, a decimal point or inside brackets."""
    text = " ".join(str(text).split())
    depth = 0
    for i, ch in enumerate(text):
        if ch in "([{":
            depth += 1
        elif ch in ")]}":
            depth = max(0, depth - 1)
        elif ch in ".!?" and depth == 0 and (i + 1 == len(text) or text[i + 1] == " "):
            word = text[:i].rsplit(" ", 1)[-1].lstrip("([").lower()
            if word in _ABBREVIATIONS or (len(word) == 1 and word.isalpha()):
                continue
            nxt = text[i + 2:i + 3]
            if nxt and not (nxt.isupper() or nxt.isdigit() or nxt in "\"'("):
                continue  # "approaches 1-3 and ..." — a lower-case continuation is not a new sentence
            return text[:i + 1]
    return text if text.endswith((".", "!", "?")) else text + "."


def bibtex_escape(text: str) -> str:
    """TeX specials in a BibTeX field: % & $ # _ { } written so the field's braces stay balanced."""
    return "".join("\\" + ch if ch in "%&$#_{}" else ch for ch in text)


def citation(manifest: dict, fig: dict, year: str) -> tuple[str, str]:
    """Plain-text and BibTeX citations of one figure."""
    fid, rep = fig["id"], manifest["report"]
    tv, dv = manifest.get("toolkit_version", analysis.__version__), manifest.get("data_version", "")
    data_hash = "".join(v for _, v in sorted(manifest.get("data_files", {}).items()))
    import hashlib

    dh = hashlib.sha256(data_hash.encode()).hexdigest()[:12]
    caption = first_sentence(fig["caption"]).rstrip(".")
    plain = (f"Frontier Atlas contributors ({year}). {caption} [Figure {fid}, report {rep}]. Frontier Atlas {tv}, "
             f"data version {dv} (sha256 {dh}), reports/{rep}/{rep}.html#fig-{fid}.")
    key = "frontieratlas-" + fid
    if isinstance(manifest.get("notebook"), str) and manifest["notebook"] != rep:  # one combination of a sweep
        key += "-" + hashlib.sha256(rep.encode()).hexdigest()[:8]
    bib = (f"@misc{{{key},\n  author = {{{{Frontier Atlas contributors}}}},\n  title = {{{bibtex_escape(caption)}}},\n"
           f"  year = {{{year}}},\n  note = {{Figure {fid} in report {rep}; Frontier Atlas {tv}; data version {dv} "
           f"(sha256 {dh})}},\n  howpublished = {{reports/{rep}/{rep}.html\\#fig-{fid}}}\n}}")
    return plain, bib


# Reading order of the index: the headline questions first, the case study last; others follow alphabetically.
_ORDER = {n: i for i, n in enumerate(("explore", "compute-trends", "parameter-growth", "data-requirements", "openness",
                                      "compute-infrastructure", "capabilities", "competition", "llama3-case-study"))}


def write_index(out: Path) -> Path:
    """reports/index.html: every report and figure, each with a ready citation."""
    year = citation_year()
    # only our own manifests: a foreign folder or manifest.json in --out is ignored
    # a sweep's combinations (manifest "notebook": the notebook they ran) are listed right after their notebook
    manifests = sorted(report_manifests(out), key=lambda m: (_ORDER.get(m.get("notebook", m["report"]), len(_ORDER)),
                                                             m.get("notebook", m["report"]), m["report"]))
    figures = {}
    for m in manifests:
        figures[m["report"]] = [dict(f, plain=c[0], bibtex=c[1]) for f in m.get("figures", [])
                                for c in [citation(m, f, year)]]
    view = [{"report": m["report"], "title": m.get("title", m["report"]), "data_version": str(m.get("data_version")),
             "git_commit": str(m.get("git_commit")), "figures": figures[m["report"]]} for m in manifests]
    body = _templates().get_template("index.html.j2").render(version=analysis.__version__, manifests=view)
    path = out / "index.html"
    atomic_write_text(path, _page("Frontier Atlas reports", body))  # no partial file on a full disk
    return path
