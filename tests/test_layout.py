"""The layout check catches what a reader sees (issue 26, item 4).

Two figures of the 2026-11 reports lost text at the edge of their PNG while their manifests said
``layout_problems: []``: the compute-trend-sensitivity title lost "vintages", and the training-cost labels
"6.4M H100-hours on 16,384 GPUs" and "new 24,576-H100 cluster, 30 days" lost their first letters. The cause: the
saved box was measured with text laid out at the figure's 100 dpi, while the PNG is drawn at 300 dpi and the SVG and
PDF at 72, where hinted text is wider (the first label is cut in the SVG and PDF, the others in every format). The fixtures are those two figures exactly as the notebooks drew them (their saved tables, the same
drawing code, the same source lines). The check must flag them against the box used then, and pass -- in the check
and in the pixels of the PNG -- with the box the output layer uses now.
"""

from __future__ import annotations

from pathlib import Path

import matplotlib
import matplotlib.image as mpimg
import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
import pytest

from analysis.reporting import figures
from analysis.reporting.figures import PALETTE, label_log_axis, new_figure
from analysis.reporting.layout import cut_texts, lay_out, layout_problems, save_box

FIXTURES = Path(__file__).parent / "fixtures" / "layout"
HASHES = "Epoch AI 2026-07-19 + overlay, sha256 cff05a9b/189e15f3"


def sensitivity_figure():
    """notebooks/compute-trends.py, section 'How robust is the frontier growth rate?' (commit 7c89a5c)."""
    sens = pd.read_csv(FIXTURES / "compute-trend-sensitivity.csv")
    fitted = sens[sens["n"] > 0]
    fig, ax = new_figure()
    ypos = np.arange(len(fitted))[::-1]
    ax.errorbar(fitted["growth_per_year"], ypos,
                xerr=[fitted["growth_per_year"] - fitted["growth_low"], fitted["growth_high"] - fitted["growth_per_year"]],
                fmt="o", color=PALETTE["blue"], ecolor=PALETTE["sky"], capsize=2)
    ax.set_yticks(ypos, [f"{v} (n = {n})" for v, n in zip(fitted["varied"], fitted["n"])], fontsize=7)
    ax.set_xlabel("Growth of frontier training compute (factor per year)")
    ax.set_title("Frontier compute growth rate under alternative selections and data vintages")
    figures.stamp(fig, "compute-trend-sensitivity",
                  f"{HASHES}; Epoch AI notable-models snapshots 2026-01-26 and 2026-07-19")
    return fig


def training_cost_figure():
    """notebooks/compute-infrastructure.py, section 'What a run costs, from first principles' (commit 7c89a5c)."""
    t = pd.read_csv(FIXTURES / "training-cost-first-principles.csv")
    ex = t[t["panel"] == "worked examples"].reset_index(drop=True)
    comparison = t[t["panel"] == "comparison with Epoch AI"].reset_index(drop=True)
    labels = list(dict.fromkeys(ex["run"]))
    fig, (ax1, ax2) = new_figure(1, 2, figsize=(10, 4))
    for j, comp in enumerate(("amortized hardware + energy", "cloud rental")):
        part = ex[ex["component"] == comp]
        y = np.arange(len(part))[::-1] + (0.2 if j == 0 else -0.2)
        ax1.errorbar(part["usd"], y, xerr=[part["usd"] - part["usd_low"], part["usd_high"] - part["usd"]], fmt="o",
                     capsize=3, color=(PALETTE["blue"], PALETTE["orange"])[j], label=comp)
    ax1.set_yticks(np.arange(len(labels))[::-1], labels, fontsize=7.5)
    label_log_axis(ax1, "x", "Cost", "USD")
    ax1.legend(loc="upper center", bbox_to_anchor=(0.5, -0.16), ncol=2, fontsize=7)
    ax1.set_title("Worked examples (90% ranges)")
    cmp_ = comparison.dropna(subset=["epoch_cost_2023_usd"])
    ax2.errorbar(cmp_["epoch_cost_2023_usd"], cmp_["amortized_total_usd"],
                 yerr=[cmp_["amortized_total_usd"] - cmp_["amortized_low_usd"],
                       cmp_["amortized_high_usd"] - cmp_["amortized_total_usd"]], fmt="o", ms=3, alpha=0.7,
                 color=PALETTE["blue"])
    lim = [cmp_[["epoch_cost_2023_usd", "amortized_low_usd"]].min().min() / 2,
           cmp_[["epoch_cost_2023_usd", "amortized_high_usd"]].max().max() * 2]
    ax2.plot(lim, lim, color="#888888", lw=0.8, ls="--", label="equal")
    ax2.legend(loc="upper left", fontsize=7)
    label_log_axis(ax2, "x", "Epoch AI's estimate", "2023 USD")
    label_log_axis(ax2, "y", "Our estimate", "2023 USD")
    ax2.set_title("Our first-principles cost vs Epoch AI's")
    figures.stamp(fig, "training-cost-first-principles", f"{HASHES}; Epoch AI ML hardware; Meta")
    return fig


def box_before(fig):
    """The box the output layer saved every format to until 2026-12: the tight box at the figure's own dpi."""
    return fig.get_tightbbox(lay_out(fig)).padded(matplotlib.rcParams["savefig.pad_inches"])


def png_edges(fig, box, tmp_path) -> dict[str, int]:
    """Dark pixels on each edge of the PNG saved at 300 dpi to ``box``: text a reader sees cut there."""
    p = tmp_path / "f.png"
    fig.savefig(p, dpi=300, bbox_inches=box)
    img = mpimg.imread(p)[..., :3].mean(axis=2)
    edges = {"left": img[:, 0], "right": img[:, -1], "top": img[0, :], "bottom": img[-1, :]}
    return {side: int((px < 0.6).sum()) for side, px in edges.items()}


CASES = [
    (sensitivity_figure, "right", ["Frontier compute growth rate under alternative selections and data vintages"]),
    (training_cost_figure, "left", ["6.4M H100-hours on 16,384 GPUs", "new 24,576-H100 cluster, 30 days"]),
]


@pytest.mark.parametrize("draw,side,texts", CASES, ids=["compute-trend-sensitivity", "training-cost-first-principles"])
def test_the_check_flags_the_cut_texts_with_the_old_box(draw, side, texts, tmp_path):
    fig = draw()
    old = box_before(fig)
    assert layout_problems(fig) == []  # the checks of the time: no overlap, nothing inside the axes
    problems = cut_texts(fig, old)
    for text in texts:
        assert any(repr(text) in p and f"cut at the {side} edge of the" in p for p in problems), problems
    assert png_edges(fig, old, tmp_path)[side] > 0  # and a reader of the PNG sees them cut
    plt.close(fig)


@pytest.mark.parametrize("draw,side,texts", CASES, ids=["compute-trend-sensitivity", "training-cost-first-principles"])
def test_the_box_of_every_output_resolution_holds_every_text(draw, side, texts, tmp_path):
    fig = draw()
    box = save_box(fig)
    assert layout_problems(fig, box=box) == []
    assert box.x0 < box_before(fig).x0 or box.x1 > box_before(fig).x1  # wider than before, where the text was cut
    assert png_edges(fig, box, tmp_path) == {"left": 0, "right": 0, "top": 0, "bottom": 0}
    plt.close(fig)


def test_texts_colliding_only_at_another_resolution_are_caught():
    """Two labels 1 pixel apart at 100 dpi touch at 72 or 300 dpi: measured where each file is drawn."""
    fig, ax = new_figure()
    ax.plot([0, 1], [0, 1])
    a = ax.text(0.1, 0.5, "A label long enough to grow with hinting", transform=ax.transAxes, fontsize=9)
    r = lay_out(fig)
    b_x = ax.transAxes.inverted().transform((a.get_window_extent(r).x1 + 1, 0))[0]
    ax.text(b_x, 0.5, "next", transform=ax.transAxes, fontsize=9)
    assert layout_problems(fig) == []  # 1 pixel apart at 100 dpi
    found = layout_problems(fig, box=save_box(fig))
    assert any("overlaps" in p and "dpi)" in p for p in found), found
    plt.close(fig)


def test_a_text_clipped_to_its_axes_is_caught():
    fig, ax = new_figure()
    ax.plot([0, 1], [0, 1])
    ax.set_xlim(0, 1)
    ax.text(0.95, 0.5, "runs past the axes", clip_on=True)
    assert any("cut by the axes" in p for p in layout_problems(fig))
    plt.close(fig)
