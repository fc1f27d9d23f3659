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
import math
import numbers
import re
from dataclasses import dataclass
from pathlib import Path
from xml.sax.saxutils import escape as _xml_escape

# No backend is chosen at import: JupyterLab and nbconvert/nbclient keep their inline backend (figures appear in
# the notebook); the report runner switches to Agg when it saves files (ReportOutput with an output_dir), and
# matplotlib itself falls back to Agg where there is no display.
import matplotlib
import matplotlib.pyplot as plt
import numpy as np
import pandas as pd

STYLE = Path(__file__).with_name("atlas.mplstyle")
# Okabe & Ito (2008), "Color Universal Design": distinguishable under the common colour-vision deficiencies.
PALETTE = {
    "blue": "#0072B2", "orange": "#E69F00", "green": "#009E73", "purple": "#CC79A7",
    "sky": "#56B4E9", "vermillion": "#D55E00", "yellow": "#F0E442", "black": "#000000",
}
OPEN_COLOR, CLOSED_COLOR = PALETTE["green"], PALETTE["purple"]
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


def running_best_plot(frontier: pd.DataFrame, window_end, groups, points, *, ylabel: str, title: str):
    """Running-best step lines, one per group of ``frontier`` (columns group, date, value; drawn on to
    ``window_end``), over every model's score (dots; ``points[group]`` has release_date and score). Returns
    (figure, axes)."""
    fig, ax = new_figure()
    for group, color in groups:
        f = frontier[frontier["group"] == group]
        steps = f[["date", "value"]]
        if len(f):
            steps = pd.concat([steps, pd.DataFrame({"date": [window_end], "value": [f["value"].iloc[-1]]})],
                              ignore_index=True)
        ax.step(steps["date"], steps["value"], where="post", color=color, lw=2, label=f"best {group} model")
        pts = points[group]
        ax.scatter(pts["release_date"], pts["score"], s=10, color=color, alpha=0.35)
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


_SUPERSCRIPT = str.maketrans("0123456789-", "⁰¹²³⁴⁵⁶⁷⁸⁹⁻")
_E_NUMBER = re.compile(r"(?<![\w.\-])(-?\d+(?:\.\d+)?)e([+-]?\d+)(?![\w.])")


def pow10(value: float, digits: int = 2) -> str:
    """A number in powers of ten as people write it: 1e25 -> '10²⁵', 3.2e24 -> '3.2×10²⁴' (``digits`` significant)."""
    if value is None or not math.isfinite(value):
        return "–"
    if value == 0:
        return "0"
    text = f"{value:.{max(digits, 1) - 1}e}"
    return _from_e(re.match(r"(-?[\d.]+)e([+-]\d+)", text))


def _from_e(m: re.Match) -> str:
    mant, exp = m.group(1), int(m.group(2))
    if "." in mant:
        mant = mant.rstrip("0").rstrip(".")
    power = "10" + str(exp).translate(_SUPERSCRIPT)
    if mant in ("1", "-1"):
        return ("-" if mant == "-1" else "") + power
    return f"{mant}×{power}"


def no_e_notation(text: str) -> str:
    """Rewrite every e-notation number in ``text`` ('2.6e+10', '1e23') as '2.6×10¹⁰', '10²³'."""
    return _E_NUMBER.sub(_from_e, text)


def format_number(fmt: str, value) -> str:
    """``fmt.format(value)`` for prose, with e-notation rewritten as powers of ten (see :func:`no_e_notation`)."""
    return no_e_notation(fmt.format(value))


_SI = ((1e12, " T"), (1e9, " B"), (1e6, " M"), (1e3, " k"))


def si(value, digits: int = 3) -> str:
    """A count for tables and prose: 8.03e9 -> '8.03 B', 1.5e13 -> '15 T', 640 -> '640'; huge values (FLOP) in
    powers of ten; missing -> '–'."""
    if value is None or (isinstance(value, float) and not math.isfinite(value)) or pd.isna(value):
        return "–"
    v = float(value)
    if abs(v) >= 1e15:
        return pow10(v, digits)
    for scale, suffix in _SI:
        if abs(v) >= scale:
            return f"{v / scale:.{digits}g}{suffix}"
    return f"{v:.{digits}g}"


def human_table(df: pd.DataFrame, headers: dict[str, str], *, flop: tuple[str, ...] = ()) -> str:
    """An HTML table for people: only the columns in ``headers`` (renamed to human headers with units), counts
    SI-formatted, FLOP columns in powers of ten, dates ISO, missing values as '–'; everything escaped."""
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
    return f'<table class="atlas-table"><thead><tr>{head}</tr></thead><tbody>{"".join(rows)}</tbody></table>'


# --- tooltips on scatter points ------------------------------------------------------------------------------

_TOOLTIP_ATTR = "_atlas_tooltips"


def point_titles(frame: pd.DataFrame, value: str, unit: str, *, date: str = "release_date") -> list[str]:
    """One tooltip per row: 'name (organization), YYYY-MM-DD: value unit'."""
    out = []
    for _, r in frame.iterrows():
        name = r.get("name") if isinstance(r.get("name"), str) else r.get("id", "")
        org = r.get("organization")
        when = r.get(date)
        when = when.strftime("%Y-%m-%d") if isinstance(when, pd.Timestamp) and not pd.isna(when) else ""
        v = r.get(value)
        num = "–" if v is None or pd.isna(v) else (pow10(float(v), 3) if unit == "FLOP" else si(v))
        text = f"{name}" + (f" ({org})" if isinstance(org, str) and org else "") + (f", {when}" if when else "")
        out.append(" ".join(f"{text}: {num} {unit}".split()))
    return out


def labelled_scatter(ax, frame: pd.DataFrame, x: str, y: str, *, unit: str, **kw):
    """``ax.scatter`` of ``frame[x]`` against ``frame[y]`` whose points carry a native SVG ``<title>`` tooltip in the
    saved SVG (name, organization, date, value). Rows with a missing x or y are left out."""
    d = frame[frame[x].notna() & frame[y].notna()]
    coll = ax.scatter(d[x], d[y], **kw)
    fig = ax.figure
    registry = getattr(fig, _TOOLTIP_ATTR, None)
    if registry is None:
        registry = {}
        setattr(fig, _TOOLTIP_ATTR, registry)
    gid = f"atlas-points-{len(registry)}"
    coll.set_gid(gid)
    registry[gid] = point_titles(d, y, unit, date=x if x.endswith("date") else "release_date")
    return coll


_USE = re.compile(r"<use\b[^>]*?/>")


def add_svg_tooltips(svg: str, registry: dict[str, list[str]]) -> str:
    """Give every ``<use>`` marker inside the group ``<g id="gid">`` its ``<title>`` (in offset order)."""
    for gid, titles in registry.items():
        start = svg.find(f'<g id="{gid}">')
        if start < 0:
            continue
        depth, i = 0, start
        tag = re.compile(r"<g\b|</g>")
        for m in tag.finditer(svg, start):
            depth += 1 if m.group(0) == "<g" else -1
            if depth == 0:
                i = m.end()
                break
        block = svg[start:i]
        uses = _USE.findall(block)
        if len(uses) != len(titles):
            continue  # markers clipped or merged: better no tooltip than a wrong one
        parts = _USE.split(block)
        block = parts[0] + "".join(u[:-2] + f"><title>{_xml_escape(t)}</title></use>" + rest
                                   for u, t, rest in zip(uses, titles, parts[1:]))
        svg = svg[:start] + block + svg[i:]
    return svg


# --- partial years, layout ------------------------------------------------------------------------------------


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
    for p in ax.patches:
        if isinstance(p, Rectangle) and p.get_width() < 2:
            cx = p.get_x() + p.get_width() / 2
            if abs(cx - year) <= 0.5:
                p.set_hatch("////")
                p.set_alpha(0.45)
                hit = True
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
                hit = True
    if label_it and hit:
        ax.fill_between([], [], facecolor="white", edgecolor="#555555", hatch="////", label=label)
    return label if hit else None


def lay_out(fig):
    """Lay the figure out (ticks, texts, legends) and return the renderer that measures it, without rasterising
    anything: ``draw_without_rendering`` costs a fraction of ``canvas.draw()``, and the extents it leaves are the
    same (the same Agg renderer at the figure's dpi measures them)."""
    fig.draw_without_rendering()
    return fig.canvas.get_renderer()


def legend_below(ax, ncol: int = 2, **kw):
    """The legend under the axes (below the x-axis label), so it never covers data points."""
    fig = ax.figure
    bb = ax.get_tightbbox(lay_out(fig))
    y = ax.transAxes.inverted().transform((0, bb.y0))[1]
    return ax.legend(loc="upper left", bbox_to_anchor=(0, y - 0.02), ncol=ncol, borderaxespad=0, **kw)


def _text_artists(fig):
    """(description, artist) for every visible, non-empty text in the figure."""
    out = []
    for t in fig.texts:
        out.append(("figure text", t))
    for ax in fig.axes:
        if not ax.get_visible():
            continue
        out += [("title", ax.title), ("title", ax._left_title), ("title", ax._right_title),
                ("x label", ax.xaxis.label), ("y label", ax.yaxis.label)]
        for axis, kind in ((ax.xaxis, "x tick"), (ax.yaxis, "y tick")):
            lo, hi = sorted(axis.get_view_interval())
            for tick in axis.get_major_ticks():
                if lo - 1e-9 * max(1, abs(hi)) <= tick.get_loc() <= hi + 1e-9 * max(1, abs(hi)):
                    out.append((kind, tick.label1))
        out += [("annotation", t) for t in ax.texts]
    return [(k, t) for k, t in out if t.get_visible() and t.get_text().strip()]


def _overlap(a, b, pad: float = 0.5) -> bool:
    return a.x0 + pad < b.x1 and b.x0 + pad < a.x1 and a.y0 + pad < b.y1 and b.y0 + pad < a.y1


def layout_problems(fig, laid_out: bool = False) -> list[str]:
    """Texts that collide: any two texts (titles, labels, tick labels, annotations, the source line), a legend and
    any text, a legend and the data points or line vertices it covers, and axis/tick labels or titles that fall
    inside an axes. Empty when the figure reads cleanly. ``laid_out``: the figure was just laid out (by
    :func:`stamp`) and has not changed since, so it is measured as it is."""
    from matplotlib.transforms import Bbox

    r = fig.canvas.get_renderer() if laid_out else lay_out(fig)
    texts = [(k, t, t.get_window_extent(r)) for k, t in _text_artists(fig)]
    legends = [(ax, ax.get_legend()) for ax in fig.axes if ax.get_legend() is not None] + \
              [(None, lg) for lg in fig.legends]
    problems = []
    for i, (k1, t1, b1) in enumerate(texts):
        for k2, t2, b2 in texts[i + 1:]:
            if _overlap(b1, b2):
                problems.append(f"{k1} {t1.get_text()!r} overlaps {k2} {t2.get_text()!r}")
    for ax, lg in legends:
        lb = lg.get_window_extent(r)
        for k, t, b in texts:
            if _overlap(lb, b):
                problems.append(f"legend overlaps {k} {t.get_text()!r}")
        if ax is None:
            continue
        import numpy as np

        pts = []
        from matplotlib.collections import PathCollection

        for c in ax.collections:
            if not isinstance(c, PathCollection):  # scatter points; bands and bars have no meaningful offsets
                continue
            offs = c.get_offsets()
            if len(offs) and c.get_offset_transform() is not None:
                pts.append(c.get_offset_transform().transform(np.asarray(offs, dtype=float)))
        for ln in ax.lines:
            xy = ln.get_xydata()
            if len(xy) and ln.get_marker() not in (None, "None", "", " "):
                pts.append(ln.get_transform().transform(np.asarray(xy, dtype=float)))
        if pts:
            allp = np.vstack(pts)
            inside = ((allp[:, 0] > lb.x0) & (allp[:, 0] < lb.x1) & (allp[:, 1] > lb.y0) & (allp[:, 1] < lb.y1))
            if inside.any():
                problems.append(f"legend covers {int(inside.sum())} data point(s)")
    for ax in fig.axes:
        ab = ax.get_window_extent(r)
        shrunk = Bbox.from_extents(ab.x0 + 2, ab.y0 + 2, ab.x1 - 2, ab.y1 - 2)
        for k, t, b in texts:
            if k in ("x tick", "y tick", "x label", "y label") and t.axes is ax and _overlap(b, shrunk):
                problems.append(f"{k} {t.get_text()!r} falls inside the axes")
        for k, t in (("x label", ax.xaxis.label), ("y label", ax.yaxis.label)):
            if t.get_visible() and t.get_text().strip():
                b = t.get_window_extent(r)
                longer = b.width > ab.width + 6 if k == "x label" else b.height > ab.height + 6
                if longer:
                    problems.append(f"{k} {t.get_text()!r} is longer than the axes")
    return problems


def stamp(fig, figure_id: str, source: str) -> None:
    """Write the source line and the figure id under the figure: below everything already drawn (tick labels,
    axis labels, legends placed under the axes), so the source line never touches them."""
    box = fig.get_tightbbox(lay_out(fig))  # inches
    w, h = fig.get_size_inches()
    y = (box.y0 - 0.1) / h  # 0.1 inch under the lowest text, whatever the figure's height
    x0, x1 = min(0.0, box.x0 / w), max(1.0, box.x1 / w)
    src = fig.text(x0, y, f"Source: {source}", ha="left", va="top", fontsize=7.5, color="#555555",
                   transform=fig.transFigure, parse_math=False)  # a '$' in a file name or label is text, never mathtext
    fid = fig.text(x1, y, f"Frontier Atlas · {figure_id}", ha="right", va="top", fontsize=7.5, color="#555555",
                   transform=fig.transFigure)
    renderer = fig.canvas.get_renderer()
    a, b = src.get_window_extent(renderer), fid.get_window_extent(renderer)
    if a.x1 + 6 > b.x0:  # a long source line: the figure id goes on the line below instead of overlapping it
        fid.set_y(y - 1.3 * a.height / fig.bbox.height)


def tight_box(fig, laid_out: bool = False):
    """The figure's tight bounding box (inches), padded by ``savefig.pad_inches``: what ``bbox_inches="tight"``
    computes, measured once instead of by a dry-run draw inside every ``savefig`` (one per format)."""
    renderer = fig.canvas.get_renderer() if laid_out else lay_out(fig)
    return fig.get_tightbbox(renderer).padded(matplotlib.rcParams["savefig.pad_inches"])


def save_deterministic(fig, path_stem: Path, figure_id: str, laid_out: bool = False) -> list[Path]:
    """SVG, PNG (300 dpi) and PDF whose bytes depend only on the figure's content, all cut to one tight box.
    ``laid_out``: the figure was just laid out and has not changed since (see :func:`layout_problems`)."""
    paths = []
    tight = matplotlib.rcParams["savefig.bbox"] == "tight" and fig.get_layout_engine() is None
    box = tight_box(fig, laid_out) if tight else None
    with matplotlib.rc_context({"svg.hashsalt": figure_id}):
        for ext, meta in (("svg", {"Date": None, "Creator": "Frontier Atlas"}),
                          ("png", {"Software": "Frontier Atlas"}),
                          ("pdf", {"CreationDate": None, "ModDate": None, "Creator": "Frontier Atlas", "Producer": "Frontier Atlas"})):
            p = path_stem.with_suffix(f".{ext}")
            registry = getattr(fig, _TOOLTIP_ATTR, None)
            if ext == "svg" and registry:
                buf = io.StringIO()
                fig.savefig(buf, format=ext, metadata=meta, bbox_inches=box)
                p.write_text(add_svg_tooltips(buf.getvalue(), registry), encoding="utf-8")
            else:
                fig.savefig(p, format=ext, metadata=meta, dpi=300 if ext == "png" else None, bbox_inches=box)
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
    """CSV with stable formatting: fixed float repr, ISO dates, '\\n' line ends."""
    out = df.copy()
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
        return (f'<span class="atlas-num" data-table="{html.escape(table_id)}" data-row="{row}" '
                f'data-column="{html.escape(column)}" data-format="{html.escape(fmt)}">{html.escape(text)}</span>')

    def prose(self, markdown: str) -> None:
        """Display a paragraph of generated text (numbers via :meth:`number`)."""
        from IPython.display import Markdown, display

        display(Markdown(markdown))

    def figure(self, fig, figure_id: str, *, caption: str, alt: str, table: pd.DataFrame, source: str) -> None:
        """Stamp, save (svg/png/pdf + the table behind it) and display a figure with its caption."""
        from IPython.display import HTML, display

        if not FIGURE_ID.match(figure_id):
            raise ValueError(f"figure id {figure_id!r} must be kebab-case")
        if any(f["id"] == figure_id for f in self.registered):
            raise ValueError(f"figure id {figure_id!r} used twice")
        stamp(fig, figure_id, source)
        caption, alt = no_e_notation(caption), no_e_notation(alt)
        entry = {"id": figure_id, "caption": caption, "alt": alt, "source": source}
        if self.root:
            entry["layout_problems"] = layout_problems(fig, laid_out=True)
        self.registered.append(entry)
        cap = html.escape(caption)
        if self.root:
            save_deterministic(fig, self.root / "figures" / figure_id, figure_id, laid_out=True)
            svg = (self.root / "figures" / f"{figure_id}.svg").read_text(encoding="utf-8")
        self.tables[figure_id] = table.reset_index(drop=True)
        if self.root:
            write_table(table, self.root / "tables" / f"{figure_id}.csv")
            with open(self.root / MANIFEST_FIGURES, "w", encoding="utf-8") as fh:
                json.dump(self.registered, fh, indent=2, ensure_ascii=False)
            plt.close(fig)
            display(HTML(
                f'<figure class="atlas-figure" id="fig-{figure_id}">'
                f'{inline_svg(svg, alt)}'
                f'<figcaption><strong>Figure {figure_id}.</strong> {cap} '
                f'<span class="atlas-cite">Cite as: Frontier Atlas, figure <code>{figure_id}</code>; data: '
                f"{html.escape(source)}. Data behind it: <a href=\"tables/{figure_id}.csv\">tables/{figure_id}.csv</a>; "
                f"image: <a href=\"figures/{figure_id}.svg\">SVG</a>, <a href=\"figures/{figure_id}.png\">PNG</a>, "
                f"<a href=\"figures/{figure_id}.pdf\">PDF</a>."
                f"</span></figcaption></figure>"
            ))
        else:
            display(fig)
            plt.close(fig)
            display(HTML(f"<p><strong>Figure {figure_id}.</strong> {cap}</p>"))

