"""The built reports checked in a real browser (headless Chromium driven by Playwright): every figure image loads,
no console errors or failed requests, each figure has its caption and citation, and pages run no scripts —
including when model names and organizations carry HTML/JS. Screenshots go to test-artifacts/."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from analysis.data import dataset as data
from analysis.reporting import reports

pytestmark = [pytest.mark.slow, pytest.mark.browser]
ARTIFACTS = Path(__file__).resolve().parents[1] / "test-artifacts"
CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
ARGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
        "--disable-component-update", "--disable-sync"]


@pytest.fixture(scope="module")
def browser():
    if not CHROMIUM:
        pytest.skip("no Chromium installed (apt-get install chromium); .ci/run installs it where it can")
    sync_api = pytest.importorskip("playwright.sync_api")
    with sync_api.sync_playwright() as p:
        try:
            b = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        except Exception as exc:  # a browser that cannot start is an environment limit, not a report defect
            pytest.skip(f"Chromium could not start: {exc}")
        yield b
        b.close()


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
        assert "Frontier Atlas" in card["citation"] and "data version" in card["citation"]
        assert card["bibtex"].startswith("@misc{frontieratlas-")
    for name in results:
        info = check_page(browser, out / name / f"{name}.html", name)
        assert info["figures"], name
        for fig in info["figures"]:
            assert fig["caption"].startswith(f"Figure {fig['id'][4:]}.") and "Cite as: Frontier Atlas" in fig["caption"]


HOSTILE = ['<script>alert("x")</script>', '"><img src=x onerror=alert(1)>', "$\\frac{1}{0}$ & {\\LaTeX} _x_ *y*",
           "A" * 600]


def test_hostile_names_are_escaped(browser, tmp_path):
    """Model names and organizations carrying HTML/JS, Markdown/LaTeX specials or 600 characters render as text."""
    m = data.load("curated").models.copy()  # a CSV in our curated schema (upstream rows may lack organization)
    for i, s in enumerate(HOSTILE):
        m.loc[i * 7, "name"] = s
        m.loc[i * 7 + 1, "organization"] = s
    m.loc[3, "organization"] = HOSTILE[1]
    csv_path = tmp_path / "hostile.csv"
    m.assign(release_date=m["release_date"].dt.strftime("%Y-%m-%d")).to_csv(csv_path, index=False)
    out = tmp_path / "reports"
    names = [n for n in ("competition", "openness", "llama3-case-study") if n in reports.available()]
    results = reports.run_reports(names, out=out, jobs=2, data_spec=str(csv_path))
    assert all(r.status == "ok" for r in results), [r.message for r in results]
    for name in names:
        html = (out / name / f"{name}.html").read_text()
        assert "<script" not in html.lower() and "onerror=alert" not in html.replace("onerror=alert(1)&gt;", "")
        check_page(browser, out / name / f"{name}.html", f"hostile-{name}")
    check_page(browser, out / "index.html", "hostile-index")
