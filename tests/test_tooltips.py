"""Every point that stands for a model names it on hover, and can be hovered, by construction (issue 26, item 3).

The SVG is checked as XML (titles, pointer events, who names whom), and once in headless Chromium on a small
figure with every way a point used to be hidden: under a confidence band, under a text label, under a line, under
another point at the same place, and half outside the axes. tests/test_browser.py does the same for every figure of
every report.
"""

from __future__ import annotations

import xml.etree.ElementTree as ET

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
import pytest
from hover_check import chromium, hover_points

from analysis.reporting import figures
from analysis.reporting.figures import labelled_scatter, new_figure

NS = {"svg": "http://www.w3.org/2000/svg"}


def models(n: int = 12) -> pd.DataFrame:
    dates = pd.date_range("2020-01-01", periods=n, freq="90D")
    return pd.DataFrame({"id": [f"m{i}" for i in range(n)], "name": [f"Model <{i}> & co" for i in range(n)],
                         "organization": ["Lab"] * n, "release_date": dates,
                         "training_compute_flop": 10 ** np.linspace(22, 25, n)})


def hidden_points_figure():
    """Points under a band, a line, a text label, a twin at the same place, and one half outside the axes."""
    m = models()
    fig, ax = new_figure()
    labelled_scatter(ax, m, "release_date", "training_compute_flop", unit="FLOP", s=14, label="models")
    twin = m.iloc[[3]].assign(id="twin", name="Twin model")  # drawn later, exactly over Model <3>
    labelled_scatter(ax, twin, "release_date", "training_compute_flop", unit="FLOP", s=30, label="twin")
    ax.fill_between(m["release_date"], m["training_compute_flop"] / 3, m["training_compute_flop"] * 3, alpha=0.3,
                    zorder=5)  # a band drawn over every point
    ax.plot(m["release_date"], m["training_compute_flop"], lw=6, zorder=6)  # a thick line over them
    r = m.iloc[5]
    ax.text(r["release_date"], r["training_compute_flop"], "A LABEL OVER A POINT", fontsize=12, zorder=7,
            ha="center", va="center", bbox={"facecolor": "white"})
    ax.set_yscale("log")
    ax.set_xlim(m["release_date"].iloc[0], m["release_date"].iloc[-1])  # first and last point: half outside
    ax.set_title("Hidden points")
    return fig


def saved_svg(fig, tmp_path, fid="hidden-points") -> str:
    """The SVG as the output layer writes it (save_deterministic's SVG step, without the PNG and PDF)."""
    import io

    buf = io.StringIO()
    fig.savefig(buf, format="svg", metadata={"Date": None})
    svg, fig.atlas_svg_problems = figures.add_svg_tooltips(buf.getvalue(), fig, fid)
    return svg


def test_only_points_take_the_pointer_and_every_point_is_titled(tmp_path):
    fig = hidden_points_figure()
    assert figures.hover_problems(fig) == []
    figures.save_deterministic(fig, tmp_path / "hidden-points", "hidden-points")  # what reports write
    svg = (tmp_path / "hidden-points.svg").read_text()
    assert fig.atlas_svg_problems == []
    root = ET.fromstring(svg)
    top = root.find("svg:g[@id='figure_1']", NS)
    assert top.get("pointer-events") == "none"
    titled = [el for el in root.iter() if el.find("svg:title", NS) is not None]
    assert len(titled) == 13 and all(el.get("pointer-events") == "visible" for el in titled)
    assert all(el.get("pointer-events") is None for el in root.iter() if el not in titled and el is not top)
    first = titled[0].find("svg:title", NS).text
    assert first.startswith("Model <0> & co (Lab), 2020-01-01: 10²² FLOP")  # escaped in the file, text when parsed
    assert "<title>Model &lt;0&gt; &amp; co" in svg
    plt.close(fig)


def test_a_point_drawn_over_another_names_both(tmp_path):
    fig = hidden_points_figure()
    root = ET.fromstring(saved_svg(fig, tmp_path))
    titles = [el.find("svg:title", NS).text for el in root.iter() if el.find("svg:title", NS) is not None]
    twin = [t for t in titles if t.startswith("Twin model")]
    assert len(twin) == 1 and "\nalso here: Model <3> & co (Lab)" in twin[0]
    assert not any("also here" in t for t in titles if t.startswith("Model <3>"))
    plt.close(fig)


def test_a_scatter_without_tooltips_is_a_hover_problem():
    fig, ax = new_figure()
    ax.scatter([1, 2, 3], [1, 2, 3], label="three models")
    problems = figures.hover_problems(fig)
    assert len(problems) == 1 and "'three models' of 3 point(s)" in problems[0] and "no tooltips" in problems[0]
    plt.close(fig)


def test_points_a_log_axis_cannot_draw_get_no_tooltip_and_the_rest_stay_aligned(tmp_path):
    m = models(4)
    m.loc[1, "training_compute_flop"] = 0.0  # not drawable on a log axis: matplotlib leaves the marker out
    fig, ax = new_figure()
    labelled_scatter(ax, m, "release_date", "training_compute_flop", unit="FLOP")
    ax.set_yscale("log")
    root = ET.fromstring(saved_svg(fig, tmp_path, "log-axis"))
    titles = [el.find("svg:title", NS).text for el in root.iter() if el.find("svg:title", NS) is not None]
    assert [t.split(" (")[0] for t in titles] == ["Model <0> & co", "Model <2> & co", "Model <3> & co"]
    assert fig.atlas_svg_problems == []
    plt.close(fig)


def test_error_bar_markers_can_carry_tooltips(tmp_path):
    m = models(5)
    fig, ax = new_figure()
    eb = ax.errorbar(m["release_date"], m["training_compute_flop"], yerr=m["training_compute_flop"] / 2, fmt="o")
    figures.attach_tooltips(eb.lines[0], figures.point_titles(m, "training_compute_flop", "FLOP"))
    root = ET.fromstring(saved_svg(fig, tmp_path, "error-bars"))
    titles = [el.find("svg:title", NS).text for el in root.iter() if el.find("svg:title", NS) is not None]
    assert len(titles) == 5 and titles[4].startswith("Model <4> & co (Lab)")
    plt.close(fig)


@pytest.mark.browser
def test_every_hidden_point_is_named_under_the_pointer_in_chromium(tmp_path):
    fig = hidden_points_figure()
    svg = saved_svg(fig, tmp_path)
    page_html = ('<!DOCTYPE html><html><body style="width:900px"><figure id="fig-hidden-points">'
                 f"{figures.inline_svg(svg, 'hidden points')}</figure></body></html>")
    (tmp_path / "page.html").write_text(page_html, encoding="utf-8")
    with chromium() as browser:
        page = browser.new_page(viewport={"width": 1000, "height": 900})
        page.goto((tmp_path / "page.html").as_uri())
        points = hover_points(page, "fig-hidden-points")
        page.close()
    assert len(points) == 13  # the first and last, half outside the axes, are still hoverable on their visible half
    assert [q for q in points if not q["named"]] == []
    plt.close(fig)
