"""What a reader sees of a figure's layout: texts that collide, legends over data, labels inside the axes, and
texts cut at the edge of a saved image.

Every text is measured at the resolution of each file it is saved to (72 dpi for SVG and PDF, 300 dpi for PNG):
font hinting makes text wider at 300 dpi than at the figure's own 100 dpi, so a box measured at 100 dpi cut the
end of titles and tick labels off the PNG. :func:`save_box` is the union of the tight boxes at every output
resolution, so nothing is cut by construction; :func:`cut_texts` checks a box against every resolution (the check
that caught those cuts).
"""

from __future__ import annotations

import matplotlib
import numpy as np
from matplotlib.collections import PathCollection
from matplotlib.transforms import Bbox

# dpi at which each saved format lays text out: SVG and PDF in points (72 per inch), PNG at savefig.dpi
OUTPUT_DPI = {"svg": 72, "pdf": 72, "png": 300}


def lay_out(fig):
    """Lay the figure out (ticks, texts, legends) and return the renderer that measures it, without rasterising
    anything: ``draw_without_rendering`` costs a fraction of ``canvas.draw()``, and the extents it leaves are the
    same (the same Agg renderer at the figure's dpi measures them)."""
    fig.draw_without_rendering()
    return fig.canvas.get_renderer()


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


def _texts_overlap(texts, pad: float = 0.5) -> list[str]:
    problems = []
    for i, (k1, t1, b1) in enumerate(texts):
        for k2, t2, b2 in texts[i + 1:]:
            if _overlap(b1, b2, pad):
                problems.append(f"{k1} {t1.get_text()!r} overlaps {k2} {t2.get_text()!r}")
    return problems


def _clipped(texts) -> list[str]:
    """Texts drawn with clipping on (``clip_on=True``) that reach past their clip box: the reader sees them cut."""
    problems = []
    for k, t, b in texts:
        clip = t.get_clip_box() if t.get_clip_on() else None
        if clip is not None and (b.x0 < clip.x0 - 1 or b.x1 > clip.x1 + 1 or b.y0 < clip.y0 - 1 or b.y1 > clip.y1 + 1):
            problems.append(f"{k} {t.get_text()!r} is cut by the axes it is clipped to")
    return problems


def layout_problems(fig, laid_out: bool = False, box: Bbox | None = None, measured: dict | None = None) -> list[str]:
    """Texts that collide: any two texts (titles, labels, tick labels, annotations, the source line), a legend and
    any text, a legend and the data points or line vertices it covers, axis/tick labels or titles that fall inside
    an axes, and texts cut by the axes they are clipped to. With ``box`` (the saved area, inches; see
    :func:`save_box`), also texts cut at the image's edge or colliding at the resolution of any saved format
    (:func:`cut_texts`). Empty when the figure reads cleanly. ``laid_out``: the figure was just laid out (by
    ``stamp``) and has not changed since, so it is measured as it is."""
    r = fig.canvas.get_renderer() if laid_out else lay_out(fig)
    texts = [(k, t, t.get_window_extent(r)) for k, t in _text_artists(fig)]
    legends = [(ax, ax.get_legend()) for ax in fig.axes if ax.get_legend() is not None] + \
              [(None, lg) for lg in fig.legends]
    problems = _texts_overlap(texts) + _clipped(texts)
    for ax, lg in legends:
        lb = lg.get_window_extent(r)
        for k, t, b in texts:
            if _overlap(lb, b):
                problems.append(f"legend overlaps {k} {t.get_text()!r}")
        if ax is None:
            continue
        pts = []
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
    if box is not None:
        problems += cut_texts(fig, box, measured)
    return list(dict.fromkeys(problems))  # each problem once, in the order found


# --- the saved area, at every output resolution ---------------------------------------------------------------

def measure_outputs(fig) -> dict[float, tuple]:
    """For each output resolution: the texts (kind, artist, extent in inches), the legends' extents (inches) and the
    tight box (inches) of ``fig`` laid out at that dpi. The figure is laid out at its own dpi again afterwards."""
    old = fig.dpi
    out = {}
    done = False
    try:  # the figure's own dpi last: it is left laid out at it, for the measures made at that dpi
        for dpi in [d for d in _output_dpis() if d != float(old)] + [float(old)]:
            fig.set_dpi(dpi)
            r = lay_out(fig)
            inv = fig.dpi_scale_trans.inverted()
            texts = [(k, t, t.get_window_extent(r).transformed(inv)) for k, t in _text_artists(fig)]
            legends = [lg.get_window_extent(r).transformed(inv)
                       for lg in [ax.get_legend() for ax in fig.axes] + list(fig.legends) if lg is not None]
            out[dpi] = (texts, legends, fig.get_tightbbox(r))
        done = True
    finally:
        fig.set_dpi(old)
        if not done:
            lay_out(fig)
    return out


def _format_dpis() -> dict[str, float]:
    return {f: float(d) for f, d in OUTPUT_DPI.items()}


def _output_dpis() -> list[float]:
    return sorted(set(_format_dpis().values()))


def save_box(fig, measured: dict | None = None) -> Bbox:
    """The area to save (inches): the union of the figure's tight boxes laid out at its own dpi and at every output
    resolution (``measured``: from :func:`measure_outputs`), padded by ``savefig.pad_inches``. Nothing measured at
    any of them falls outside it."""
    measured = measured or measure_outputs(fig)
    return Bbox.union([m[2] for m in measured.values()]).padded(matplotlib.rcParams["savefig.pad_inches"])


_TOLERANCE = 0.004  # inches: about one pixel at 300 dpi


def cut_texts(fig, box: Bbox, measured: dict | None = None) -> list[str]:
    """Texts and legends that reach past ``box`` (inches), or texts that collide, when the figure is laid out at the
    resolution of a saved format: what a reader of that file sees cut or overprinted."""
    measured = measured or measure_outputs(fig)
    problems = []
    for dpi in _output_dpis():
        texts, legends, _ = measured[dpi]
        fmt = " and ".join(f.upper() for f, d in _format_dpis().items() if d == dpi)
        for k, t, b in texts + [("legend", None, lb) for lb in legends]:
            sides = [s for s, out in (("left", b.x0 < box.x0 - _TOLERANCE), ("right", b.x1 > box.x1 + _TOLERANCE),
                                      ("bottom", b.y0 < box.y0 - _TOLERANCE), ("top", b.y1 > box.y1 + _TOLERANCE))
                     if out]
            if sides:
                what = f"{k} {t.get_text()!r}" if t is not None else k
                problems.append(f"{what} is cut at the {' and '.join(sides)} edge of the {fmt} ({dpi:g} dpi)")
        problems += [f"{p} in the {fmt} ({dpi:g} dpi)" for p in _texts_overlap(texts, pad=0.005)]
    return problems
