"""What a reader of a report page can hover, measured in headless Chromium (shared by tests/test_tooltips.py and
tests/test_browser.py; not a test module).

For every figure on a page, every marker of a scatter group (``<use>`` or ``<path>`` inside a matplotlib
PathCollection, or in a group our tooltips layer named ``<figure-id>-points-N``) outside the legend is a model point.
For each one whose marker is visible inside its axes, the pointer goes to the centre of the visible part
(``elementFromPoint``): the element found there must carry a ``<title>`` naming the point's own model (its first
line, up to the colon before the value). Points without a title count as not hoverable.
"""

from __future__ import annotations

import shutil
from contextlib import contextmanager

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
ARGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
        "--disable-component-update", "--disable-sync"]

POINTS_JS = """(figId) => {
  const fig = document.getElementById(figId);
  const svg = fig.tagName.toLowerCase() === 'svg' ? fig : fig.querySelector('svg');
  const inGroup = el => !el.closest('[id^="legend_"]') && !!el.closest(
      'g[id^="PathCollection_"], g[id*="-points-"], g[id^="atlas-points-"]');
  const marks = Array.from(svg.querySelectorAll('use, path')).filter(
      el => inGroup(el) && !el.closest('defs') && !el.closest('clipPath'));
  const clipOf = el => {
    const g = el.closest('[clip-path]');
    if (!g) return null;
    const m = /#([^)]+)/.exec(g.getAttribute('clip-path'));
    const rect = m && document.getElementById(m[1]) && document.getElementById(m[1]).querySelector('rect');
    if (!rect) return null;
    const ctm = svg.getScreenCTM(), p = svg.createSVGPoint();
    p.x = +rect.getAttribute('x'); p.y = +rect.getAttribute('y'); const a = p.matrixTransform(ctm);
    p.x += +rect.getAttribute('width'); p.y += +rect.getAttribute('height'); const b = p.matrixTransform(ctm);
    return [Math.min(a.x, b.x), Math.min(a.y, b.y), Math.max(a.x, b.x), Math.max(a.y, b.y)];
  };
  const own = el => { const t = el.querySelector(':scope > title'); return t ? t.textContent : null; };
  const out = [];
  for (const el of marks) {
    el.scrollIntoView({block: 'center'});
    const r = el.getBoundingClientRect();
    let [x0, y0, x1, y1] = [r.left, r.top, r.right, r.bottom];
    const c = clipOf(el);
    if (c) { x0 = Math.max(x0, c[0]); y0 = Math.max(y0, c[1]); x1 = Math.min(x1, c[2]); y1 = Math.min(y1, c[3]); }
    if (x1 - x0 < 0.5 || y1 - y0 < 0.5) continue;  // clipped away: not drawn, nothing to hover
    const hit = document.elementFromPoint((x0 + x1) / 2, (y0 + y1) / 2);
    const hitMark = hit && hit.closest ? hit.closest('use, path') : null;
    const title = own(el);
    out.push({title: title, hit: hit ? hit.tagName : null, hitTitle: hitMark ? own(hitMark) : null});
  }
  return out;
}"""


def name_of(title: str) -> str:
    """A tooltip's first line up to the colon before its value: 'GPT-4 (OpenAI), 2023-03-14'."""
    return title.split("\n", 1)[0].rsplit(": ", 1)[0]


def hover_points(page, fig_id: str) -> list[dict]:
    """Each visible model point of the figure (element id ``fig_id``) with whether hovering it names its model."""
    out = []
    for q in page.evaluate(POINTS_JS, fig_id):
        q["named"] = bool(q["title"] and q["hitTitle"] and name_of(q["title"]) in q["hitTitle"])
        out.append(q)
    return out


@contextmanager
def chromium():
    """A headless Chromium, or pytest.skip when there is none or it cannot start."""
    import pytest

    if not CHROMIUM:
        pytest.skip("no Chromium installed (apt-get install chromium); .ci/run installs it where it can")
    sync_api = pytest.importorskip("playwright.sync_api")
    with sync_api.sync_playwright() as p:
        try:
            b = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        except Exception as exc:  # a browser that cannot start is an environment limit, not a report defect
            pytest.skip(f"Chromium could not start: {exc}")
        try:
            yield b
        finally:
            b.close()
