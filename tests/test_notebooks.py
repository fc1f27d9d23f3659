"""Every notebook executes under papermill (bundled data with overrides, and once on Epoch AI's data when
present); its manifest, figures and tables exist and agree; numbers in the prose equal the tables."""

from __future__ import annotations

import csv
import json
import re

import pytest

from analysis.reporting import reports
from analysis.reporting.figures import format_number
from tests.conftest import REF

pytestmark = pytest.mark.slow
NOTEBOOKS = reports.available()
SPAN = re.compile(r'<span class="atlas-num" data-table="([^"]+)" data-row="(\d+)" data-column="([^"]+)" '
                  r'data-format="([^"]+)">([^<]*)</span>')


@pytest.fixture(scope="module")
def built(built_reports):
    return built_reports


def test_all_notebooks_present():
    expected = {"explore", "compute-trends", "parameter-growth", "data-requirements", "openness", "competition",
                "llama3-case-study", "capabilities", "compute-infrastructure", "vintages"}
    assert expected <= set(NOTEBOOKS), expected - set(NOTEBOOKS)


@pytest.mark.parametrize("name", NOTEBOOKS)
def test_notebook_builds_with_consistent_outputs(built, name):
    out, results = built
    assert results[name].status == "ok", results[name].message
    rep = out / name
    m = json.loads((rep / "manifest.json").read_text())
    assert m["figures"], "every report has at least one figure"
    declared = reports.declared_parameters(name)
    if "confidence" in declared:
        assert m["parameters"]["confidence"] == 0.95
    if "since" in declared:
        assert m["parameters"]["since"] == "2014-01-01"
    nb = json.loads((rep / f"{name}.ipynb").read_text())
    assert nb["metadata"]["papermill"]["parameters"] == {**m["parameters"], "output_dir": "."}
    html = (rep / f"{name}.html").read_text()
    for f in m["figures"]:
        for ext in ("svg", "png", "pdf"):
            assert (rep / f["files"][ext]).stat().st_size > 1000
        with open(rep / f["files"]["table"], newline="") as fh:
            assert len(list(csv.reader(fh))) >= 2, f"{f['id']}: empty table"
        assert f'id="fig-{f["id"]}"' in html and f["alt"] and f["caption"]
        assert re.fullmatch(r"[a-z0-9]+(-[a-z0-9]+)*", f["id"])


@pytest.mark.parametrize("name", NOTEBOOKS)
def test_numbers_in_prose_equal_tables(built, name):
    out, _ = built
    rep = out / name
    html = (rep / f"{name}.html").read_text()
    for table, row, column, fmt, text in SPAN.findall(html):
        with open(rep / "tables" / f"{table}.csv", newline="") as fh:
            rows = list(csv.DictReader(fh))
        raw = rows[int(row)][column]
        fmt = fmt.replace("&#x27;", "'")
        value = int(float(raw)) if fmt.endswith("d}") else (float(raw) if re.search(r"[eEfgG%]}$", fmt) else raw)
        assert format_number(fmt, value) == text.replace("&amp;", "&"), (table, row, column)


def test_real_notebook_rebuild_gives_identical_bytes(built, tmp_path):
    """Same inputs, same bytes: rebuild one real report elsewhere and compare figures, tables and manifest."""
    out, _ = built
    again = tmp_path / "again"
    res = reports.run_reports(["compute-trends"], out=again, jobs=1, overrides=["confidence=0.95", "since=2014-01-01"])
    assert res[0].status == "ok"
    a, b = out / "compute-trends", again / "compute-trends"
    rels = sorted(str(p.relative_to(a)) for p in a.rglob("*") if p.is_file() and p.parent.name in ("figures", "tables"))
    assert rels
    for rel in rels + ["manifest.json"]:
        assert (a / rel).read_bytes() == (b / rel).read_bytes(), rel


def test_figure_ids_unique_across_reports(built):
    out, _ = built
    ids = [f["id"] for m in out.glob("*/manifest.json") for f in json.loads(m.read_text())["figures"]]
    assert len(ids) == len(set(ids))


@pytest.mark.skipif(not (REF / "epoch_notable_ai_models.csv").is_file(), reason="../shared/reference not present")
@pytest.mark.reference
def test_notebooks_run_on_epoch_data(tmp_path):
    out = tmp_path / "epoch-reports"
    names = [n for n in NOTEBOOKS if n in ("compute-trends", "parameter-growth", "competition", "openness")]
    results = reports.run_reports(names, out=out, jobs=2, data_spec=f"epoch:{REF / 'epoch_notable_ai_models.csv'}")
    assert all(r.status == "ok" for r in results), [r.message for r in results if r.status != "ok"]
    m = json.loads((out / names[0] / "manifest.json").read_text())
    assert m["data_spec"].startswith("epoch:") and any("epoch_notable" in k for k in m["data_files"])


def test_no_text_overlaps_in_any_figure(built):
    """Titles, labels, tick labels, legends, annotations and the source line never collide, and legends never
    cover data points, in every figure of every report (checked on the drawn figure when it is saved)."""
    out, _ = built
    problems = {f["id"]: f["layout_problems"] for m in out.glob("*/manifest.json")
                for f in json.loads(m.read_text())["figures"]}
    assert problems and all(isinstance(v, list) for v in problems.values())
    assert {k: v for k, v in problems.items() if v} == {}


def test_scatter_points_have_tooltips(built):
    out, _ = built
    svg = (out / "compute-trends" / "figures" / "compute-trend-notable.svg").read_text()
    titles = re.findall(r"<title>([^<]*)</title>", svg)
    table = list(csv.DictReader(open(out / "compute-trends" / "tables" / "compute-trend-notable.csv")))
    n_points = sum(r["series"] in ("notable-model", "frontier-model") for r in table)
    assert len(titles) == n_points > 20
    assert all(re.search(r"\d{4}-\d\d-\d\d: [\d.×]*10\S+ FLOP$", t) for t in titles), titles[:3]
    page = (out / "compute-trends" / "compute-trends.html").read_text()
    assert page.count("<title>") > n_points and "<script" not in page.lower()  # inline: the tooltips work


def test_no_e_notation_in_prose_or_captions(built):
    out, _ = built
    for page in [out / "index.html", *out.glob("*/*.html")]:
        text = re.sub(r"<svg.*?</svg>", "", page.read_text(), flags=re.S)
        text = re.sub(r"<[^>]+>", " ", text)
        text = text.split("Provenance")[0]
        assert not re.search(r"(?<![\w.-])\d+(\.\d+)?e[+-]?\d+(?![\w.])", text), (page.name, re.findall(
            r".{30}(?<![\w.-])\d+(?:\.\d+)?e[+-]?\d+.{10}", text)[:3])


def test_index_citations_whole(built):
    out, _ = built
    html = (out / "index.html").read_text()
    cites = re.findall(r'<p class="citation"><strong>Cite this figure:</strong> (.*?)</p>', html)
    assert len(cites) == sum(len(json.loads(m.read_text())["figures"]) for m in out.glob("*/manifest.json"))
    for c in cites:
        assert c.endswith(".") and c.count("(") == c.count(")") and c.count("[") == c.count("]"), c
        assert not re.search(r"et al\.? \[figure", c), c


def test_unknown_benchmark_fails_the_report_like_the_cli(tmp_path):
    res = reports.run_reports(["openness"], out=tmp_path / "r", jobs=1, overrides=["benchmark=gpqa"])
    assert res[0].status == "failed"
    assert "no scores for benchmark 'gpqa'" in res[0].message and "available: gpqa-diamond" in res[0].message


def test_fmti_developers_one_name_each(built):
    """'Stability' (FMTI 2024 row) and 'Stability AI' (2023) are one developer with two editions in the figure."""
    out, _ = built
    rows = list(csv.DictReader(open(out / "openness" / "tables" / "fmti-scores-by-developer.csv")))
    devs = {r["developer"] for r in rows}
    assert "Stability" not in devs and sum(r["developer"] == "Stability AI" for r in rows) == 2


def test_partial_year_marked(built):
    out, _ = built
    svg = (out / "compute-trends" / "figures" / "compute-thresholds-per-year.svg").read_text()
    assert re.search(r"20\d\d: data to 20\d\d-\d\d-\d\d", svg)  # the legend names the data's end
