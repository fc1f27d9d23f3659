"""Shared figure conventions: one style, a colour-blind-safe palette, units on axes, a source line and a stable
figure id under every figure, and deterministic SVG/PNG/PDF output.

Notebooks call :class:`ReportOutput` to save each figure together with the table behind it::

    out = ReportOutput(output_dir)            # "" when run interactively: figures only displayed
    fig, ax = new_figure()
    ...
    out.figure(fig, "compute-trend-frontier", caption="...", alt="...", table=df, source=ds.label)
"""

from __future__ import annotations

import html
import io
import json
import numbers
import re
from dataclasses import dataclass
from pathlib import Path

# No backend is chosen at import: JupyterLab and nbconvert/nbclient keep their inline backend (figures appear in
# the notebook); the report runner switches to Agg when it saves files (ReportOutput with an output_dir), and
# matplotlib itself falls back to Agg where there is no display.
import matplotlib
import matplotlib.pyplot as plt
import numpy as np
import pandas as pd

from analysis.data.writer import spreadsheet_safe
from analysis.reporting import citation
from analysis.reporting.layout import (  # noqa: F401  (layout_problems, cut_texts: public API)
    OUTPUT_DPI,
    cut_texts,
    lay_out,
    layout_problems,
    measure_outputs,
    save_box,
)
from analysis.reporting.numbers import format_number, no_e_notation, pow10, si  # noqa: F401
from analysis.reporting.tooltips import (  # noqa: F401  (the public API notebooks import from here)
    add_svg_tooltips,
    attach_tooltips,
    hover_problems,
    labelled_scatter,
    point_titles,
)

STYLE = Path(__file__).with_name("atlas.mplstyle")
# Okabe & Ito (2008), "Color Universal Design": distinguishable under the common colour-vision deficiencies.
PALETTE = {
    "blue": "#0072B2", "orange": "#E69F00", "green": "#009E73", "purple": "#CC79A7",
    "sky": "#56B4E9", "vermillion": "#D55E00", "yellow": "#F0E442", "black": "#000000",
}
OPEN_COLOR, CLOSED_COLOR = PALETTE["green"], PALETTE["purple"]
# What a reader calls each palette colour (Okabe & Ito 2008 name vermillion and reddish purple; on screen they read
# as dark orange and pink). A caption names a colour with colour_name(key), never by guess: a test checks that
# every colour word in a caption is a name of a colour the figure draws.
COLOUR_NAMES = {
    "blue": ("blue", "dark blue"), "orange": ("orange", "amber"), "green": ("green", "bluish green"),
    "purple": ("pink", "reddish purple"), "sky": ("light blue", "sky blue"), "vermillion": ("dark orange", "vermillion"),
    "yellow": ("yellow",), "black": ("black",),
}


def colour_name(key: str) -> str:
    """The reader's name of palette colour ``key`` (e.g. 'vermillion' → 'dark orange'), for captions."""
    return COLOUR_NAMES[key][0]


FIGURE_ID = re.compile(r"^[a-z0-9]+(-[a-z0-9]+)*$")
MANIFEST_FIGURES = "figures.json"


def use_style() -> None:
    plt.style.use(str(STYLE))


def new_figure(nrows: int = 1, ncols: int = 1, **kw):
    use_style()
    return plt.subplots(nrows, ncols, **kw)


def label_log_axis(ax, axis: str, quantity: str, unit: str) -> None:
    """Label a log-scaled axis with its quantity and unit, e.g. 'Training compute (FLOP, log scale)'."""
    text = f"{quantity} ({unit}, log scale)"
    (ax.set_yscale if axis == "y" else ax.set_xscale)("log")
    (ax.set_ylabel if axis == "y" else ax.set_xlabel)(text)


def year_axis(ax, axis: str = "x", every: int = 1) -> None:
    """Date ticks every ``every`` years, written as the year, so tick labels never crowd each other."""
    import matplotlib.dates as mdates

    target = ax.xaxis if axis == "x" else ax.yaxis
    target.set_major_locator(mdates.YearLocator(every))
    target.set_major_formatter(mdates.DateFormatter("%Y"))


def date_axis(ax, axis: str = "x") -> None:
    """Date ticks that never run together on any window: at most 7 ticks, written concisely (years; on a window of
    a year or two, months with the year: "2025", "May 2025", "Sep 2025" …)."""
    import matplotlib.dates as mdates

    target = ax.xaxis if axis == "x" else ax.yaxis
    locator = mdates.AutoDateLocator(minticks=3, maxticks=7)
    target.set_major_locator(locator)
    target.set_major_formatter(mdates.ConciseDateFormatter(locator, show_offset=False,
                                                           formats=["%Y", "%b %Y", "%d %b", "%H:%M", "%H:%M", "%S"],
                                                           zero_formats=["", "%Y", "%b %Y", "%d %b", "%H:%M",
                                                                         "%H:%M"]))


def running_best_plot(frontier: pd.DataFrame, window_end, groups, points, *, ylabel: str, title: str,
                      unit: str = "points", labels: dict[str, str] | None = None):
    """Running-best step lines, one per group of ``frontier`` (columns group, date, value; drawn on to
    ``window_end``), over every model's score (dots that name their model on hover; ``points[group]`` has
    release_date, score and the model's name; ``labels``: a legend label per group, default 'best <group> model').
    Returns (figure, axes)."""
    fig, ax = new_figure()
    for group, color in groups:
        f = frontier[frontier["group"] == group]
        steps = f[["date", "value"]]
        if len(f):
            steps = pd.concat([steps, pd.DataFrame({"date": [window_end], "value": [f["value"].iloc[-1]]})],
                              ignore_index=True)
        ax.step(steps["date"], steps["value"], where="post", color=color, lw=2,
                label=(labels or {}).get(group, f"best {group} model"))
        labelled_scatter(ax, points[group], "release_date", "score", unit=unit, s=10, color=color, alpha=0.35)
    ax.set_xlabel("Release date")
    ax.set_ylabel(ylabel)
    ax.set_title(title)
    year_axis(ax)
    ax.legend(loc="upper left")
    return fig, ax


def short_label(text: object, width: int = 40) -> str:
    """A label safe for axes: '$' escaped so data never triggers mathtext, cut to ``width`` characters."""
    s = " ".join(str(text).split())
    s = s if len(s) <= width else s[: width - 1] + "…"
    return s.replace("$", r"\$")


TRUSTED = {"frontier_atlas": "escaped"}  # output metadata: HTML our helpers built with every value escaped


class SafeHTML(str):
    """HTML built by our helpers, every value in it escaped. ``display(SafeHTML)`` shows it and marks the output
    (``TRUSTED`` metadata) so that the report page keeps it as HTML; the page escapes any HTML output without
    the mark (:mod:`analysis.reporting.render`)."""

    __slots__ = ()

    def _repr_html_(self):
        return str(self), dict(TRUSTED)


def human_table(df: pd.DataFrame, headers: dict[str, str], *, flop: tuple[str, ...] = ()) -> SafeHTML:
    """An HTML table for people: only the columns in ``headers`` (renamed to human headers with units), counts
    SI-formatted, FLOP columns in powers of ten, dates ISO, missing values as '–'; everything escaped. Show it with
    ``display(human_table(...))``."""
    rows = []
    for _, r in df.iterrows():
        cells = []
        for c in headers:
            v = r[c]
            if isinstance(v, pd.Timestamp):
                text = v.strftime("%Y-%m-%d")
            elif v is None or (not isinstance(v, str) and pd.isna(v)):
                text = "–"
            elif isinstance(v, numbers.Real) and not isinstance(v, (bool, np.bool_)):
                if c in flop:
                    text = pow10(float(v), 3)
                elif float(v).is_integer() and abs(v) < 1e6:
                    text = str(int(v))  # years and counts as written: 2024, 640
                else:
                    text = si(v)
            else:
                text = str(v)
            cells.append(f"<td>{html.escape(text)}</td>")
        rows.append("<tr>" + "".join(cells) + "</tr>")
    head = "".join(f"<th>{html.escape(h)}</th>" for h in headers.values())
    return SafeHTML(f'<table class="atlas-table"><thead><tr>{head}</tr></thead><tbody>{"".join(rows)}</tbody></table>')


def mark_partial_year(ax, data_end, *, label_it: bool = True) -> str | None:
    """Mark the last calendar year as partial when the data end before 31 December: its bars are hatched and
    lighter, its line markers hollow, and (``label_it``) a legend entry says 'YYYY: data to YYYY-MM-DD'.
    Call it before ``ax.legend``. Returns that label (None for a complete year)."""
    from matplotlib.patches import Rectangle

    end = pd.Timestamp(data_end)
    if pd.isna(end) or (end.month, end.day) == (12, 31):
        return None
    year = end.year
    label = f"{year}: data to {end.strftime('%Y-%m-%d')}"
    hit = False
    hollow = []  # (marker, colour, size) of each line whose point of the partial year is drawn hollow
    for p in ax.patches:
        if isinstance(p, Rectangle) and p.get_width() < 2:
            cx = p.get_x() + p.get_width() / 2
            if abs(cx - year) <= 0.5:
                p.set_hatch("////")
                p.set_alpha(0.45)
                hit = True
    bars = hit
    for ln in list(ax.lines):
        x = ln.get_xdata()
        try:
            xs = [float(v) for v in x]
        except (TypeError, ValueError):
            continue
        for k, v in enumerate(xs):
            if v == year and ln.get_marker() not in (None, "None", "", " "):
                ax.plot([v], [ln.get_ydata()[k]], marker=ln.get_marker(), ms=ln.get_markersize() + 1.5, ls="none",
                        markerfacecolor="white", markeredgecolor=ln.get_color(), zorder=ln.get_zorder() + 1)
                hollow.append((ln.get_marker(), ln.get_color(), ln.get_markersize() + 1.5))
                hit = True
    if label_it and hit:
        # the legend shows what was drawn: a hatched swatch for hatched bars, a hollow marker for hollow points
        # (before: always a hatched swatch, which matched nothing on a line chart)
        if bars:
            ax.fill_between([], [], facecolor="white", edgecolor="#555555", hatch="////", label=label)
        if hollow:
            marker, colour, size = hollow[0]
            ax.plot([], [], marker=marker, ms=size, ls="none", markerfacecolor="white", markeredgecolor=colour,
                    label=None if bars else label)
    return label if hit else None


def legend_below(ax, ncol: int = 2, **kw):
    """The legend under the axes (below the x-axis label), so it never covers data points."""
    fig = ax.figure
    bb = ax.get_tightbbox(lay_out(fig))
    y = ax.transAxes.inverted().transform((0, bb.y0))[1]
    return ax.legend(loc="upper left", bbox_to_anchor=(0, y - 0.02), ncol=ncol, borderaxespad=0, **kw)



def _widest(text, renderer) -> tuple[float, float, float, float]:
    """(left, bottom, right, top) in inches of ``text``, the union over the figure's dpi and every output
    resolution (hinted text is up to 15% wider at 72 dpi than at 100)."""
    dpis = sorted({float(text.figure.dpi), *(float(d) for d in OUTPUT_DPI.values())})
    boxes = [(text.get_window_extent(renderer, dpi=d), d) for d in dpis]
    return (min(b.x0 / d for b, d in boxes), min(b.y0 / d for b, d in boxes), max(b.x1 / d for b, d in boxes),
            max(b.y1 / d for b, d in boxes))


def stamp(fig, figure_id: str, source: str) -> None:
    """Write the source line and the figure id under the figure: below everything already drawn (tick labels,
    axis labels, legends placed under the axes), so the source line never touches them. A source line wider than
    the figure is wrapped (never inside 'sha256 <hash>'), and the figure id goes under it when they would touch at
    any output resolution."""
    import textwrap

    box = fig.get_tightbbox(lay_out(fig))  # inches
    w, h = fig.get_size_inches()
    y = (box.y0 - 0.1) / h  # 0.1 inch under the lowest text, whatever the figure's height
    x0, x1 = min(0.0, box.x0 / w), max(1.0, box.x1 / w)
    text = f"Source: {source}".replace("sha256 ", "sha256\u00a0")  # a hash stays beside its label
    src = fig.text(x0, y, text, ha="left", va="top", fontsize=7.5, color="#555555",
                   transform=fig.transFigure, parse_math=False)  # a '$' in a file name or label is text, never mathtext
    renderer = fig.canvas.get_renderer()
    room = (x1 - x0) * w
    left, _, right, _ = _widest(src, renderer)
    if right - left > room:  # wrap to the figure's width
        src.set_text(textwrap.fill(text, width=max(20, int(len(text) * room / (right - left) * 0.97)),
                                   break_on_hyphens=False))
    fid = fig.text(x1, y, f"Frontier Atlas · {figure_id}", ha="right", va="top", fontsize=7.5, color="#555555",
                   transform=fig.transFigure)
    a, b = _widest(src, renderer), _widest(fid, renderer)
    if a[2] + 0.08 > b[0]:  # they would touch: the id on the line below the source line's lowest extent
        fid.set_y((a[1] - 0.04) / h)


def tight_box(fig, laid_out: bool = False):
    """The area every format is saved to (inches): :func:`save_box`, the union of the tight boxes at every output
    resolution. ``laid_out`` is accepted for older callers; the box is always measured afresh."""
    return save_box(fig)


_SAVE_META = {"svg": {"Date": None, "Creator": "Frontier Atlas"}, "png": {"Software": "Frontier Atlas"},
              "pdf": {"CreationDate": None, "ModDate": None, "Creator": "Frontier Atlas", "Producer": "Frontier Atlas"}}


def save_deterministic(fig, path_stem: Path, figure_id: str, laid_out: bool = False, box=None) -> list[Path]:
    """SVG, PNG (300 dpi) and PDF whose bytes depend only on the figure's content, all cut to one box that holds
    every text at every output resolution (:func:`save_box`, or ``box``). The SVG's model points name their model on
    hover and nothing else takes the pointer (:mod:`analysis.reporting.tooltips`); the problems met doing so are
    kept in ``fig.atlas_svg_problems``."""
    paths = []
    tight = matplotlib.rcParams["savefig.bbox"] == "tight" and fig.get_layout_engine() is None
    if box is None and tight:
        box = save_box(fig)
    fig.atlas_svg_problems = []
    with matplotlib.rc_context({"svg.hashsalt": figure_id}):
        for ext, meta in _SAVE_META.items():
            p = path_stem.with_suffix(f".{ext}")
            if ext == "svg":
                buf = io.StringIO()
                fig.savefig(buf, format=ext, metadata=meta, bbox_inches=box)
                svg, fig.atlas_svg_problems = add_svg_tooltips(buf.getvalue(), fig, figure_id)
                p.write_text(svg, encoding="utf-8")
            else:
                fig.savefig(p, format=ext, metadata=meta, dpi=OUTPUT_DPI["png"] if ext == "png" else None,
                            bbox_inches=box)
            paths.append(p)
    return paths


def inline_svg(svg: str, alt: str) -> str:
    """The saved SVG as an element of an HTML page (so its point tooltips work): XML prolog and fixed size dropped,
    scaled to the page width, labelled for screen readers."""
    start = svg.find("<svg")
    body = svg[start:]
    head_end = body.find(">")
    head = re.sub(r'\s(width|height)="[^"]*"', "", body[:head_end])
    head += f' width="100%" role="img" aria-label="{html.escape(alt, quote=True)}" class="atlas-svg"'
    return head + body[head_end:]


def write_table(df: pd.DataFrame, path: Path) -> None:
    """CSV with stable formatting: fixed float repr, ISO dates, '\\n' line ends; text cells that a spreadsheet would
    run as a formula (``=``, ``+``, ``-``, ``@`` …) written with a leading apostrophe, as every CSV we write
    (:func:`analysis.data.writer.spreadsheet_safe`, OWASP "CSV injection")."""
    out = spreadsheet_safe(df)
    for c in out.columns:
        if pd.api.types.is_datetime64_any_dtype(out[c]):
            out[c] = out[c].dt.strftime("%Y-%m-%d")
    out.to_csv(path, index=False, lineterminator="\n", float_format="%.6g")


@dataclass
class ReportOutput:
    """Where a notebook writes its figures and tables. ``output_dir=""`` means interactive: display only."""

    output_dir: str = ""

    def __post_init__(self) -> None:
        self.root = Path(self.output_dir) if self.output_dir else None
        self.registered: list[dict] = []
        self.tables: dict[str, pd.DataFrame] = {}
        self.spans: set[str] = set()  # the number tags made by number(): the only HTML prose() keeps
        if self.root:
            # saving files (report runner, papermill): a non-interactive backend, chosen here and not at import
            plt.switch_backend("Agg")
            (self.root / "figures").mkdir(parents=True, exist_ok=True)
            (self.root / "tables").mkdir(parents=True, exist_ok=True)

    def table(self, df: pd.DataFrame, table_id: str) -> None:
        """Save a table that is not behind a figure (e.g. a summary of fitted trends)."""
        if not FIGURE_ID.match(table_id):
            raise ValueError(f"table id {table_id!r} must be kebab-case")
        self.tables[table_id] = df.reset_index(drop=True)
        if self.root:
            write_table(df, self.root / "tables" / f"{table_id}.csv")

    def number(self, table_id: str, row: int, column: str, fmt: str = "{:.3g}") -> str:
        """A number for the prose, taken from a saved table and tagged with where it comes from.

        The span records table, row, column and format, so a test can check that the text and the CSV agree.
        """
        df = self.tables.get(table_id)
        if df is None:
            raise KeyError(f"table {table_id!r} has not been saved yet")
        value = df.at[row, column]
        if isinstance(value, pd.Timestamp):
            value = value.strftime("%Y-%m-%d")
        elif isinstance(value, float):
            value = float(f"{value:.6g}")  # exactly the value written to the CSV
        text = format_number(fmt, value)
        span = (f'<span class="atlas-num" data-table="{html.escape(table_id)}" data-row="{row}" '
                f'data-column="{html.escape(column)}" data-format="{html.escape(fmt)}">{html.escape(text)}</span>')
        self.spans.add(span)
        return span

    def estimate(self, table_id: str, row: int, column: str, fmt: str = "{:.1f}", low: str | None = None,
                 high: str | None = None) -> str:
        """A number with its interval for the prose, all three tagged as by :meth:`number`: '5.2 (3.1–7.4)' from
        columns ``column``, ``low`` and ``high`` (default ``<column>_low`` / ``<column>_high``), or
        '5.2 (no interval)' when either bound is missing — every number in prose carries its interval or says so."""
        low, high = low or f"{column}_low", high or f"{column}_high"
        df = self.tables.get(table_id)
        if df is None:
            raise KeyError(f"table {table_id!r} has not been saved yet")
        value = self.number(table_id, row, column, fmt)
        if low in df.columns and high in df.columns and pd.notna(df.at[row, low]) and pd.notna(df.at[row, high]):
            return f"{value} ({self.number(table_id, row, low, fmt)}–{self.number(table_id, row, high, fmt)})"
        return f"{value} (no interval)"

    def say(self, table_id: str, template: str, row: int = 0, **settings) -> None:
        """A paragraph from one saved table in one call: each ``{column:spec}`` of ``template`` is that column of
        row ``row`` of table ``table_id``, formatted with ``spec`` and tagged as by :meth:`number`; a name given as a
        keyword argument (a setting such as the confidence level, not a finding) is formatted as it is; ``{column}``
        without a spec writes the value as saved (dates as YYYY-MM-DD). E.g.
        ``out.say("explore-trend-fit", "Growth **{growth_per_year:.2g}x per year** (n = {n:d}).")``."""
        import string

        parts = []
        for literal, field, spec, conversion in string.Formatter().parse(template):
            parts.append(literal)
            if field is None:
                continue
            if conversion or not field.isidentifier():
                raise ValueError(f"say(): write {{column:spec}}, got {{{field}{'!' + conversion if conversion else ''}}}")
            if field in settings:
                parts.append(format(settings[field], spec))
            else:
                parts.append(self.number(table_id, row, field, "{:" + spec + "}" if spec else "{}"))
        self.prose("".join(parts))

    def prose(self, markdown: str) -> None:
        """Display a paragraph of generated text (numbers via :meth:`number`). Every character of ``markdown`` that
        could start HTML is escaped, except the number tags this object made: a model name or any other value put
        into the text shows as text, never as markup (markdown emphasis stays)."""
        from IPython.display import Markdown, display

        display(Markdown(escape_prose(markdown, self.spans)), metadata=trusted("prose"))

    def figure(self, fig, figure_id: str, *, caption: str, alt: str, table: pd.DataFrame, source,
               result=None, measured: str | None = None) -> None:
        """Stamp, save (svg/png/pdf + the table behind it) and display a figure with its caption.

        ``source``: where the data come from -- the loaded Dataset, a :mod:`~analysis.reporting.citation` Source
        (``snapshot``, ``benchmarking_hub``, ``curated``, ``reference``), a string (a published work) or a list of
        them; the line under the figure and the figure's metadata and citations are made from it. ``result``: the
        analysis result(s) the figure shows (a Result, or a dict label -> Result), whose n, window, interval kind
        and level go into the figure's metadata; ``measured``: what was measured, in words (default: the axes'
        titles and labels)."""
        from IPython.display import HTML, display

        if not FIGURE_ID.match(figure_id):
            raise ValueError(f"figure id {figure_id!r} must be kebab-case")
        if any(f["id"] == figure_id for f in self.registered):
            raise ValueError(f"figure id {figure_id!r} used twice")
        line, sources = citation.resolve(source)
        stamp(fig, figure_id, line)
        caption, alt = no_e_notation(caption), no_e_notation(alt)
        entry = {"id": figure_id, "title": figure_title(fig), "caption": caption, "alt": alt, "source": line,
                 "sources": [s.to_dict() for s in sources], "measured": describe_axes(fig, measured),
                 "estimates": estimates(result)}
        cap = html.escape(caption)
        if self.root:
            measured = measure_outputs(fig)  # every text at every output resolution, once
            box = save_box(fig, measured) if fig.get_layout_engine() is None else None
            entry["layout_problems"] = layout_problems(fig, laid_out=True, box=box, measured=measured)
            entry["hover_problems"] = hover_problems(fig)
            save_deterministic(fig, self.root / "figures" / figure_id, figure_id, box=box)
            entry["hover_problems"] += fig.atlas_svg_problems
            entry["tooltips"] = sum(len(t) for _, t in getattr(fig, "_atlas_tooltips", {}).values())
            svg = (self.root / "figures" / f"{figure_id}.svg").read_text(encoding="utf-8")
        self.registered.append(entry)
        self.tables[figure_id] = table.reset_index(drop=True)
        if self.root:
            write_table(table, self.root / "tables" / f"{figure_id}.csv")
            with open(self.root / MANIFEST_FIGURES, "w", encoding="utf-8") as fh:
                json.dump(self.registered, fh, indent=2, ensure_ascii=False)
            plt.close(fig)
            links = (f'Data behind it: <a href="tables/{figure_id}.csv">tables/{figure_id}.csv</a>; image: '
                     f'<a href="figures/{figure_id}.svg">SVG</a>, <a href="figures/{figure_id}.png">PNG</a>, '
                     f'<a href="figures/{figure_id}.pdf">PDF</a>; metadata and citations: '
                     f'<a href="figures/{figure_id}.json">figures/{figure_id}.json</a>.')
            display(HTML(f'<figure class="atlas-figure" id="fig-{figure_id}">{inline_svg(svg, alt)}'
                         f'<figcaption><strong>Figure {figure_id}.</strong> {cap} <span class="atlas-cite">Data: '
                         f'{html.escape(line)}. {links}</span></figcaption></figure>',
                         metadata=trusted(f"figure:{figure_id}")))
        else:
            display(fig)
            plt.close(fig)
            display(HTML(f"<p><strong>Figure {figure_id}.</strong> {cap}</p>", metadata=trusted("caption")))


def trusted(kind: str) -> dict:
    """Output metadata marking HTML or markdown our helpers built with every value escaped (``kind``: prose,
    table, figure:<id>, caption, note); the report page keeps such outputs and escapes any other."""
    return {"frontier_atlas": kind}


_SPAN = re.compile(r'<span class="atlas-num" data-table="[^"<>]*" data-row="\d+" data-column="[^"<>]*" '
                   r'data-format="[^"<>]*">[^<>]*</span>')


def escape_prose(markdown: str, spans=frozenset()) -> str:
    """``markdown`` with every '&', '<' and '>' escaped except inside the number tags in ``spans`` (the exact
    strings :meth:`ReportOutput.number` returned). Data put into prose can then never become HTML."""
    out, pos = [], 0
    for m in _SPAN.finditer(markdown):
        if m.group(0) not in spans:
            continue
        out += [html.escape(markdown[pos:m.start()], quote=False), m.group(0)]
        pos = m.end()
    out.append(html.escape(markdown[pos:], quote=False))
    return "".join(out)


def figure_title(fig) -> str:
    """The figure's title(s): the suptitle and each axes' title, joined by ' | '."""
    titles = [fig.get_suptitle()] if hasattr(fig, "get_suptitle") else []
    for ax in fig.axes:
        titles.append(ax.get_title(loc="left") or ax.get_title() or ax.get_title(loc="right"))
    return " | ".join(t for t in titles if t)


def describe_axes(fig, measured: str | None = None) -> dict:
    """What the figure measures: ``measured`` in words (when given) and each axes' title and axis labels."""
    axes = [{"title": ax.get_title(loc="left") or ax.get_title() or ax.get_title(loc="right"),
             "x": ax.get_xlabel(), "y": ax.get_ylabel()} for ax in fig.axes if ax.get_visible()]
    return {"description": measured, "axes": [a for a in axes if any(a.values())]}


def estimates(result) -> list[dict]:
    """n, window, interval kind and level of each analysis result a figure shows (``result``: a Result, a list, or
    a dict label -> Result; labels default to the result's type)."""
    if result is None:
        return []
    items = (list(result.items()) if isinstance(result, dict) else
             [(None, r) for r in (result if isinstance(result, (list, tuple)) else [result])])
    out = []
    for label, r in items:
        meta = getattr(r, "meta", None)
        if meta is None or not hasattr(meta, "to_dict"):
            raise TypeError(f"result {label or type(r).__name__!r} has no meta (n, window, interval kind, level)")
        out.append({"label": str(label or type(r).__name__), **meta.to_dict()})
    return out
