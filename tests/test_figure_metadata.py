"""Each figure self-describing and citable away from its report (issue 26, items 1 and 2): ``figures/<id>.json``
beside the images and the table, the same citation on the index, the report page and in the file, and a data hash
in the citation that a reader finds printed on the figure.

The fast test builds a fixture notebook that draws one figure from the default data; the slow ones check every
figure of every report (the session's build).
"""

from __future__ import annotations

import hashlib
import html
import json
import re

import pytest
from conftest import use_fixture_notebooks

import analysis
from analysis.data import schema
from analysis.reporting import reports

KEYS = {"id", "title", "caption", "alt", "measured", "n", "window", "interval_kind", "confidence", "estimates",
        "source_line", "sources", "data_last_updated", "data_source", "report", "notebook", "parameters", "data_spec", "toolkit",
        "citation", "licence", "files", "layout_problems", "hover_problems", "tooltips"}
SHOWN = re.compile(r"Data sha256 ([0-9a-f/; ]+), as printed under the figure")


def svg_text(svg: str) -> str:
    return " ".join(html.unescape(t) for t in re.findall(r"<text[^>]*>([^<]*)</text>", svg)).replace("\u00a0", " ")


def check_figure(rep, manifest: dict, fig: dict) -> dict:
    """The figure's metadata file agrees with the manifest, its citation with the pages, its hash with the image."""
    meta = json.loads((rep / "figures" / f"{fig['id']}.json").read_text(encoding="utf-8"))
    assert set(meta) == KEYS
    assert meta["citation"] == fig["citation"] and meta["id"] == fig["id"] and meta["caption"] == fig["caption"]
    assert meta["parameters"] == manifest["parameters"] and meta["toolkit"]["version"] == analysis.__version__
    assert meta["toolkit"]["commit"] == manifest["git_commit"]
    assert meta["files"]["metadata"] == f"figures/{fig['id']}.json"
    cite = meta["citation"]["figure"]
    assert f"[figure {fig['id']}, report {manifest['report']}]" in cite
    assert f"Frontier Atlas {analysis.__version__}" in cite
    data = [s for s in meta["sources"] if s["kind"] == "data"]
    # a line with a hash but no data source: the notebook passed a label string (source=ds.label), not the data
    assert data or "sha256" not in fig["source"], (fig["id"], "pass source=ds (the Dataset), not its label")
    for s in data:  # every data source: its credit line, vintage and licence in the citation; full hashes kept
        assert s["credit"] in cite and s["licence"] and all(len(h) == 64 for h in s["sha256"].values())
        assert (s["accessed"] and f"retrieved {s['accessed']}" in cite) or "vintage unknown" in cite
    if data:
        assert meta["data_last_updated"] == max(s["accessed"] or s["vintage"] for s in data)
        shown = SHOWN.search(cite).group(1)
        text = svg_text((rep / "figures" / f"{fig['id']}.svg").read_text(encoding="utf-8"))
        for h in re.split(r"[;/]", shown):
            assert h.strip() and "sha256 " in text and h.strip() in text, (fig["id"], h)
    for page in (rep / f"{manifest['report']}.html", rep.parent / "index.html"):  # the same text, escaped
        text = page.read_text(encoding="utf-8")
        assert html.escape(cite) in text.replace("&#39;", "&#x27;").replace("&#34;", "&quot;"), page.name
    return meta


def test_a_figure_has_its_metadata_file_with_sources_estimates_and_citations(tmp_path, monkeypatch):
    use_fixture_notebooks(tmp_path, monkeypatch, "sourced")
    out = tmp_path / "reports"
    res = reports.run_reports(["sourced"], out=out, jobs=1)
    assert res[0].status == "ok", res[0].message
    rep = out / "sourced"
    manifest = json.loads((rep / "manifest.json").read_text())
    fig = manifest["figures"][0]
    meta = check_figure(rep, manifest, fig)
    assert meta["title"] == "Training compute of frontier models"
    assert meta["measured"]["axes"] == [{"title": "Training compute of frontier models", "x": "Release date",
                                         "y": "Training compute (FLOP, log scale)"}]
    (est,) = meta["estimates"]
    assert est["label"] == "frontier trend" and est["n"] == meta["n"] > 10 and meta["confidence"] == 0.9
    assert meta["interval_kind"] == est["interval_kind"] and meta["window"][0] >= "2018-01-01"
    epoch, overlay, ref = meta["sources"]
    snap = schema.DATA_DIR / "upstream" / "epoch-ai" / "2026-07-19" / "notable_ai_models.csv"
    assert epoch["sha256"] == {"upstream/epoch-ai/2026-07-19/notable_ai_models.csv":
                               hashlib.sha256(snap.read_bytes()).hexdigest()}
    assert overlay["key"] == "frontier-atlas/overlay" and ref == {**ref, "kind": "reference",
                                                                   "credit": "Sevilla et al. 2022"}
    assert meta["citation"]["data_inline"].startswith("Epoch AI (2026); Frontier Atlas contributors (")
    assert meta["tooltips"] > 10 and meta["hover_problems"] == [] and meta["layout_problems"] == []
    first = (rep / "figures" / "sourced-trend.json").read_bytes()
    assert reports.run_reports(["sourced"], out=out, jobs=1, force=True)[0].status == "ok"
    assert (rep / "figures" / "sourced-trend.json").read_bytes() == first  # byte-identical on rebuild


@pytest.mark.slow
def test_every_figure_of_every_report_is_self_describing(built_reports):
    """Every figure: its metadata file, citations and shown hash (check_figure); and each estimate records the level
    its interval reached: the level the report ran with (the session builds at confidence 0.95, not the default
    0.9), or a lower one the result states when too few data reach it (e.g. a lag over 3 open models)."""
    out, results = built_reports
    n_figures, levels = 0, set()
    for name in results:
        rep = out / name
        manifest = json.loads((rep / "manifest.json").read_text())
        level = manifest["parameters"].get("confidence")
        for fig in manifest["figures"]:
            meta = check_figure(rep, manifest, fig)
            n_figures += 1
            assert meta["title"] and meta["measured"]["axes"] and meta["sources"], fig["id"]
            for est in meta["estimates"]:
                assert est["n"] > 0 and est["interval_kind"] and len(est["window"]) == 2, (fig["id"], est)
                if level is not None and est["confidence"] is not None:
                    assert est["confidence"] <= level, (fig["id"], est)
                    levels.add(est["confidence"])
    assert n_figures == sum(len(r.figures) for r in results.values()) and max(levels) == 0.95
