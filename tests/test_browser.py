"""The built reports checked in a real browser (headless Chromium driven by Playwright): every figure image loads,
no console errors or failed requests, each figure has its caption and its figure and data citations, pages run no
scripts -- including when every free-text column of the models table carries HTML/JS --, every model point of
every figure can be hovered and names its model, and no text of a figure falls outside its image. Screenshots go
to test-artifacts/."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from hover_check import chromium, hover_points
from test_escaping import injected

from analysis.data import dataset as data
from analysis.reporting import reports

pytestmark = [pytest.mark.slow, pytest.mark.browser]
ARTIFACTS = Path(__file__).resolve().parents[1] / "test-artifacts"


@pytest.fixture(scope="module")
def browser():
    with chromium() as b:
        yield b


def check_page(browser, path: Path, shot: str) -> dict:
    page = browser.new_page(viewport={"width": 1100, "height": 900})
    errors, failed, dialogs = [], [], []
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.on("requestfailed", lambda r: failed.append(r.url))
    page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
    page.goto(path.as_uri(), wait_until="load")
    info = page.evaluate("""() => ({
        images: Array.from(document.images).map(i => ({src: i.getAttribute('src'), ok: i.complete && i.naturalWidth > 0})),
        figures: Array.from(document.querySelectorAll('figure.atlas-figure')).map(f => ({
            id: f.id, caption: (f.querySelector('figcaption') || {}).textContent || ''})),
        cards: Array.from(document.querySelectorAll('.fig-card')).map(c => ({
            id: c.id, citation: (c.querySelector('.citation') || {}).textContent || '',
            data: (c.querySelector('.data-citation') || {}).textContent || '',
            bibtex: (c.querySelector('.bibtex') || {}).textContent || ''})),
        scripts: document.scripts.length,
    })""")
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"{shot}.png"), full_page=True)
    page.close()
    assert not errors, errors
    assert not failed, failed
    assert not dialogs, dialogs
    assert info["scripts"] == 0
    broken = [i["src"] for i in info["images"] if not i["ok"]]
    assert not broken, broken
    return info


def test_index_and_every_report_in_chromium(browser, built_reports):
    out, results = built_reports
    assert all(r.status == "ok" for r in results.values())
    index = check_page(browser, out / "index.html", "index")
    assert len(index["cards"]) >= len(results) and len(index["images"]) == len(index["cards"])
    for card in index["cards"]:
        assert card["citation"].startswith("Cite this figure: Frontier Atlas contributors (")
        assert f"[figure {card['id'][5:]}, report " in card["citation"] and "commit" in card["citation"]
        assert card["data"].startswith("Cite the data: ")  # the producers' data, or the published works drawn on
        assert "with major processing by Frontier Atlas" in card["data"] or "Draws on: " in card["data"]
        assert card["bibtex"].startswith("@misc{frontieratlas-")
    for name in results:
        info = check_page(browser, out / name / f"{name}.html", name)
        assert info["figures"], name
        for fig in info["figures"]:
            assert fig["caption"].startswith(f"Figure {fig['id'][4:]}.") and "Cite this figure:" in fig["caption"]
            assert "Cite the data:" in fig["caption"]


TEXTS_INSIDE_JS = """(figId) => {
  const svg = document.getElementById(figId).querySelector('svg');
  const box = svg.getBoundingClientRect();
  return Array.from(svg.querySelectorAll('text')).filter(t => {
    const r = t.getBoundingClientRect();
    return r.width > 0 && (r.left < box.left - 1 || r.right > box.right + 1 || r.top < box.top - 1
                           || r.bottom > box.bottom + 1);
  }).map(t => t.textContent);
}"""


def test_every_model_point_can_be_hovered_and_every_text_is_inside_its_figure(browser, built_reports):
    """In every figure of every report: each model point, hovered at the centre of its visible part, shows a tooltip
    naming its model (a point under another names both); the output layer found no scatter without tooltips; and
    no text of the SVG, as the browser lays it out, falls outside the image."""
    out, results = built_reports
    unnamed, outside, problems, counted = {}, {}, {}, 0
    for name in results:
        manifest = json.loads((out / name / "manifest.json").read_text())
        page = browser.new_page(viewport={"width": 1100, "height": 900})
        page.goto((out / name / f"{name}.html").as_uri(), wait_until="load")
        for f in manifest["figures"]:
            points = hover_points(page, f"fig-{f['id']}")
            counted += len(points)
            bad = [q["title"] or "(no title)" for q in points if not q["named"]]
            if bad:
                unnamed[f["id"]] = bad[:5] + ([f"... {len(bad) - 5} more"] if len(bad) > 5 else [])
            cut = page.evaluate(TEXTS_INSIDE_JS, f"fig-{f['id']}")
            if cut:
                outside[f["id"]] = cut
            if f.get("hover_problems"):
                problems[f["id"]] = f["hover_problems"]
        page.close()
    assert counted > 1000  # the scatter figures of the reports hold a few thousand model points
    assert unnamed == {} and problems == {} and outside == {}


HOSTILE = ['<script>alert("x")</script>', '"><img src=x onerror=alert(1)>', "$\\frac{1}{0}$ & {\\LaTeX} _x_ *y*",
           "A" * 600, '<b id="pwn">bold</b>', "[click](javascript:alert(1))", "<svg onload=alert(1)>"]
FREE_TEXT = ("name", "organization", "country", "task", "training_hardware", "license", "notes")


def test_hostile_values_in_every_text_column_are_escaped_in_every_report(browser, tmp_path):
    """Every free-text column of a models CSV in our schema (--data PATH) carries HTML/JS, Markdown/LaTeX
    specials or 600 characters in some rows; source_url an attribute breaker. Every report builds, and on every
    page (and the index) no element or attribute comes from the data, no script runs, no dialog opens and the
    console stays clean."""
    m = data.load("curated").models.copy()  # a CSV in our curated schema (upstream rows may lack organization)
    for j, col in enumerate(FREE_TEXT):
        for i, s in enumerate(HOSTILE):
            m.loc[(i * 11 + j * 3) % len(m), col] = s
    for i in range(0, len(m), 37):
        m.loc[i, "source_url"] = 'https://evil.example/"><img/src=x/onerror=alert(1)>'
    csv_path = tmp_path / "hostile.csv"
    m.assign(release_date=m["release_date"].dt.strftime("%Y-%m-%d")).to_csv(csv_path, index=False)
    out = tmp_path / "reports"
    names = reports.available()
    results = reports.run_reports(names, out=out, jobs=2, data_spec=str(csv_path))
    assert all(r.status == "ok" for r in results), [r.message for r in results if r.status != "ok"]
    for page in [out / "index.html", *(out / n / f"{n}.html" for n in names)]:
        assert injected(page.read_text(encoding="utf-8")) == [], page.name
        check_page(browser, page, f"hostile-{page.stem}")
