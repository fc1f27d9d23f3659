"""Points that name the model they stand for, on hover, in every saved SVG -- by construction.

A notebook draws model points with :func:`labelled_scatter` (or gives any marker artist its tooltips with
:func:`attach_tooltips`, e.g. the markers of an error-bar plot). When the figure is saved, :func:`add_svg_tooltips`
rewrites the SVG so that

* every such point is a ``<use>`` (or ``<path>``) carrying a native ``<title>`` tooltip: 'name (organization),
  date: value unit';
* nothing else in the figure can take the pointer (``pointer-events="none"`` on the figure's group): bands,
  lines, text labels and legends drawn over a point never hide it from the mouse, while they still show;
* a point drawn over another point's centre also names the point beneath it (one line each), so a point that is
  wholly covered is still named where the reader hovers.

:func:`hover_problems` lists what would break this: a scatter of points without tooltips, or tooltips that no
longer match the markers drawn. Report figures record the list (``hover_problems`` in the figure's metadata), and
the browser test hovers every point with ``elementFromPoint``.
"""

from __future__ import annotations

import re
from xml.sax.saxutils import escape as _xml_escape

import numpy as np
import pandas as pd

from analysis.reporting.numbers import pow10, si

REGISTRY_ATTR = "_atlas_tooltips"
GID_PREFIX = "atlas-points-"
POINTER = 'pointer-events="visible"'  # the marker's fill and stroke take the pointer, even when hollow


def _fmt_value(v, unit: str) -> str:
    if v is None or (not isinstance(v, str) and pd.isna(v)):
        return "–"
    if isinstance(v, str):
        return v
    if unit == "FLOP" or "FLOP" in unit and abs(float(v)) >= 1e15:
        return pow10(float(v), 3)
    if unit == "%":
        return f"{float(v):.3g}%"
    return si(v)


def _first_text(r: pd.Series, columns) -> str:
    for c in columns:
        v = r.get(c)
        if isinstance(v, str) and v.strip():
            return v
    return ""


def point_titles(frame: pd.DataFrame, value: str, unit: str, *, date: str = "release_date",
                 name: str | None = None, context: str | None = None) -> list[str]:
    """One tooltip per row: 'name (organization), YYYY-MM-DD: value unit'. ``name``: the column naming the point
    (default: the first of name, model, id with text); the organization is ``organization`` or ``manufacturer``;
    ``context``: a column whose text is added before the value (e.g. the benchmark)."""
    out = []
    for _, r in frame.iterrows():
        who = _first_text(r, [name] if name else ["name", "model", "id"])
        org = _first_text(r, ["organization", "manufacturer"])
        when = r.get(date)
        when = when.strftime("%Y-%m-%d") if isinstance(when, pd.Timestamp) and not pd.isna(when) else ""
        text = who + (f" ({org})" if org else "") + (f", {when}" if when else "")
        if context and isinstance(r.get(context), str):
            text += f", {r.get(context)}"
        shown = _fmt_value(r.get(value), unit)
        out.append(" ".join(f"{text}: {shown}{'' if unit == '%' else ' ' + unit}".split()))
    return out


def attach_tooltips(artist, titles: list[str]):
    """Give the markers of ``artist`` (a scatter's PathCollection, or a Line2D drawn with markers) one tooltip each,
    in drawing order. Returns the artist."""
    fig = artist.axes.figure if artist.axes is not None else artist.figure
    registry = getattr(fig, REGISTRY_ATTR, None)
    if registry is None:
        registry = {}
        setattr(fig, REGISTRY_ATTR, registry)
    gid = f"{GID_PREFIX}{len(registry)}"
    artist.set_gid(gid)
    registry[gid] = (artist, [str(t) for t in titles])
    return artist


def labelled_scatter(ax, frame: pd.DataFrame, x: str, y: str, *, unit: str, titles: list[str] | None = None,
                     name: str | None = None, context: str | None = None, **kw):
    """``ax.scatter`` of ``frame[x]`` against ``frame[y]`` whose points carry a native SVG ``<title>`` tooltip in the
    saved SVG (name, organization, date, value; or ``titles``, one per row of ``frame``). Rows with a missing x or y
    are left out."""
    keep = frame[x].notna() & frame[y].notna()
    d = frame[keep]
    coll = ax.scatter(d[x], d[y], **kw)
    if titles is not None:
        titles = [t for t, k in zip(titles, keep) if k]
    else:
        titles = point_titles(d, y, unit, date=x if x.endswith("date") else "release_date", name=name,
                              context=context)
    return attach_tooltips(coll, titles)


def _registered(fig) -> dict:
    return getattr(fig, REGISTRY_ATTR, None) or {}


def _drawn_mask(artist) -> np.ndarray:
    """Which of the artist's points the SVG backend draws (finite after the transform: e.g. not 0 on a log axis)."""
    from matplotlib.collections import PathCollection

    if isinstance(artist, PathCollection):  # the steps of matplotlib's Collection._prepare_points
        offs, trf = artist.get_offsets(), artist.get_offset_transform()
        if not len(offs):
            return np.zeros(0, bool)
        if not trf.is_affine:
            offs, trf = trf.transform_non_affine(offs), trf.get_affine()
        if isinstance(offs, np.ma.MaskedArray):
            offs = offs.filled(np.nan)
        xy = trf.transform(np.asarray(offs, dtype=float))
    else:
        xy = np.asarray(artist.get_xydata(), dtype=float)
        xy = artist.get_transform().transform(xy) if len(xy) else xy.reshape(0, 2)
    return np.isfinite(xy).all(axis=1) if len(xy) else np.zeros(0, bool)


def hover_problems(fig) -> list[str]:
    """Model points that would not name themselves on hover: a scatter (PathCollection) without tooltips, or
    tooltips whose count differs from the markers the artist has. Empty when every point is labelled."""
    from matplotlib.collections import PathCollection

    registry = _registered(fig)
    problems = []
    for ax in fig.axes:
        if not ax.get_visible():
            continue
        for c in ax.collections:
            if not isinstance(c, PathCollection) or not c.get_visible() or not len(c.get_offsets()):
                continue
            if c.get_gid() not in registry:
                label = c.get_label()
                named = f" {label!r}" if label and not label.startswith("_") else ""
                problems.append(f"scatter{named} of {len(c.get_offsets())} point(s) in axes "
                                f"{ax.get_title(loc='left') or ax.get_title()!r} has no tooltips "
                                "(draw it with labelled_scatter)")
    for gid, (artist, titles) in registry.items():
        n = len(artist.get_offsets()) if hasattr(artist, "get_offsets") else len(artist.get_xydata())
        if n != len(titles):
            problems.append(f"{gid}: {len(titles)} tooltip(s) for {n} point(s)")
    return problems


# --- the SVG ----------------------------------------------------------------------------------------------------

_ELEM = re.compile(r"<(use|path)\b[^>]*?/>")
_DEFS = re.compile(r"<defs>.*?</defs>", re.S)
_PATH_DEF = re.compile(r'<path id="([^"]+)" d="([^"]*)"')
_NUM = re.compile(r"-?\d+(?:\.\d+)?(?:e[-+]?\d+)?")
_ATTR = re.compile(r'\s(x|y|xlink:href|d|style)="([^"]*)"')
_STROKE = re.compile(r"stroke-width:\s*([0-9.]+)")


def _bbox(d: str) -> tuple[float, float, float, float] | None:
    nums = [float(v) for v in _NUM.findall(d)]
    if len(nums) < 2:
        return None
    xs, ys = nums[0::2], nums[1::2]
    return min(xs), min(ys), max(xs), max(ys)


def _group_span(svg: str, gid: str) -> tuple[int, int] | None:
    start = svg.find(f'<g id="{gid}">')
    if start < 0:
        return None
    depth = 0
    for m in re.finditer(r"<g\b|</g>", svg[start:]):
        depth += 1 if m.group(0) == "<g" else -1
        if depth == 0:
            return start, start + m.end()
    return None


def _markers(block: str, offset: int) -> list[tuple[int, int, str]]:
    """(start, end, element) of each drawn marker in a group's text, outside its ``<defs>``."""
    skip = [(m.start(), m.end()) for m in _DEFS.finditer(block)]
    out = []
    for m in _ELEM.finditer(block):
        if any(a <= m.start() < b for a, b in skip):
            continue
        out.append((offset + m.start(), offset + m.end(), m.group(0)))
    return out


def add_svg_tooltips(svg: str, fig, figure_id: str = "") -> tuple[str, list[str]]:
    """The SVG with every registered point titled and hoverable and everything else transparent to the pointer
    (see the module's docstring); and the problems met (a group not found, or markers that do not match the
    tooltips: those points then get none rather than a wrong one)."""
    registry = _registered(fig)
    problems: list[str] = []
    defs = {i: _bbox(d) for i, d in _PATH_DEF.findall(svg)}
    points = []  # (start, end, element, own title, centre, box)
    for gid, (artist, titles) in registry.items():
        span = _group_span(svg, gid)
        if span is None:
            if artist.get_visible() and len(titles):
                problems.append(f"{gid}: its points are not in the SVG")
            continue
        drawn = [t for t, ok in zip(titles, _drawn_mask(artist)) if ok]
        found = _markers(svg[span[0]:span[1]], span[0])
        if len(found) != len(drawn):
            problems.append(f"{gid}: {len(found)} marker(s) drawn for {len(drawn)} tooltip(s); left without")
            continue
        for (a, b, el), title in zip(found, drawn):
            attrs = dict(_ATTR.findall(el))
            sw = _STROKE.search(attrs.get("style", ""))
            grow = (float(sw.group(1)) if sw else 1.0) / 2 + 0.25  # half the stroke (SVG default 1), and rounding
            if "d" in attrs and "xlink:href" not in attrs:
                box = _bbox(attrs["d"])
                centre = None if box is None else ((box[0] + box[2]) / 2, (box[1] + box[3]) / 2)
                box = None if box is None else (box[0] - grow, box[1] - grow, box[2] + grow, box[3] + grow)
            else:
                mb = defs.get(attrs.get("xlink:href", "").lstrip("#"))
                x, y = float(attrs.get("x", "nan")), float(attrs.get("y", "nan"))
                box = None if mb is None else (x + mb[0] - grow, y + mb[1] - grow, x + mb[2] + grow, y + mb[3] + grow)
                centre = (x, y)
            points.append((a, b, el, title, centre, box))
    points.sort(key=lambda p: p[0])  # drawing order
    # a point drawn later whose marker covers an earlier point's centre names that point too
    names = [[p[3]] for p in points]
    for i, (_, _, _, title, centre, _) in enumerate(points):
        if centre is None:
            continue
        for j in range(i + 1, len(points)):
            box = points[j][5]
            if box is not None and box[0] <= centre[0] <= box[2] and box[1] <= centre[1] <= box[3] \
                    and title not in names[j]:
                names[j].append(title)
    pieces, pos = [], 0
    for (a, b, el, _, _, _), ns in zip(points, names):
        text = ns[0] + "".join(f"\nalso here: {t}" for t in ns[1:])
        tag = el[1:el.index(" ")]
        pieces += [svg[pos:a], f"{el[:-2]} {POINTER}><title>{_xml_escape(text)}</title></{tag}>"]
        pos = b
    svg = "".join(pieces) + svg[pos:]
    # nothing but the points takes the pointer; ids made unique per figure (several SVGs share one HTML page)
    svg = svg.replace('<g id="figure_1">', '<g id="figure_1" pointer-events="none">', 1)
    if figure_id:
        svg = svg.replace(f'<g id="{GID_PREFIX}', f'<g id="{figure_id}-points-')
    return svg, problems
