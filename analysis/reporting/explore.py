"""The start-here notebook's building blocks: one trend figure for any metric, subset, window and frontier size,
and the interactive controls (ipywidgets) that refit and redraw it live in JupyterLab.

Each function takes the models table and returns a figure, a fit and the table behind the figure (or a widget):
the notebook stays a few lines per question, and the same figure is what a report shows when widgets are not
available (papermill, HTML).
"""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from analysis.errors import AtlasError
from analysis.metrics import trends
from analysis.metrics.selection import select
from analysis.reporting.figures import (
    PALETTE,
    date_axis,
    label_log_axis,
    labelled_scatter,
    legend_below,
    new_figure,
    trusted,
)

# metric column -> (axis quantity, unit)
METRICS = {
    "training_compute_flop": ("Training compute", "FLOP"),
    "parameters": ("Parameters", "parameters"),
    "training_tokens": ("Training tokens", "tokens"),
}
SUBSETS = ("notable", "frontier", "open", "closed")


@dataclass(frozen=True)
class TrendView:
    """A trend figure with the fit and the rows it was fitted on (plus the fitted line)."""

    figure: object
    fit: trends.TrendFit
    table: pd.DataFrame
    title: str


def trend_view(models: pd.DataFrame, metric: str = "training_compute_flop", subset: str = "frontier", *,
               since: str = "2018-01-01", until: str | None = None, top_k: int = 10, confidence: float = 0.90
               ) -> TrendView:
    """Fit the log-linear trend of ``metric`` on ``subset`` since ``since`` and draw points, line and CI band."""
    if metric not in METRICS:
        raise AtlasError(f"unknown metric {metric!r}; choose one of {', '.join(METRICS)}")
    fit = trends.subset_trend(models, metric, subset, top_k=top_k, since=since, until=until, confidence=confidence)
    rows = select(models, subset, top_k=top_k)
    rows = rows[rows[metric].notna() & (rows["release_date"] >= fit.start) & (rows["release_date"] <= fit.end)]
    quantity, unit = METRICS[metric]
    fig, ax = new_figure()
    labelled_scatter(ax, rows, "release_date", metric, unit=unit, s=14, color=PALETTE["sky"], alpha=0.8,
                     label=f"{subset} models (n = {fit.n})")
    line = trends.trend_line(fit)
    lo, hi = fit.growth_per_year_ci
    ax.plot(line["date"], line["value"], color=PALETTE["blue"], lw=2,
            label=f"trend {fit.growth_per_year:.2g}x per year ({fit.confidence:.0%} CI {lo:.2g}–{hi:.2g}x)")
    ax.fill_between(line["date"], line["value_low"], line["value_high"], color=PALETTE["blue"], alpha=0.2)
    label_log_axis(ax, "y", quantity, unit)
    ax.set_xlabel("Release date")
    date_axis(ax)  # a short window (From year near the end) gave month labels that ran together
    title = f"{quantity} of {subset} models since {fit.start:%Y-%m-%d}"
    ax.set_title(title)
    legend_below(ax, ncol=1)
    cols = [c for c in ("id", "name", "organization", "release_date", metric) if c in rows.columns]
    table = pd.concat([rows[cols].assign(series="model"),
                       line.rename(columns={"date": "release_date", "value": metric}).assign(series="trend")],
                      ignore_index=True)
    return TrendView(fig, fit, table, title)


def interactive_trend(models: pd.DataFrame, *, metric: str = "training_compute_flop", subset: str = "frontier",
                      since_year: int = 2018, top_k: int = 10, confidence: float = 0.90, live: bool = True):
    """Controls (metric, subset, first year, top-k) that refit and redraw :func:`trend_view` on every change.

    Returns an ``ipywidgets.VBox``. With ``live=False`` (a report run: no kernel stays to drive the controls) it
    returns a one-line note instead and creates no widget: the notebook's static figure with the default settings
    stands in for it, and papermill never has to follow an Output widget (a run once waited on one for good).
    """
    import matplotlib.pyplot as plt
    from IPython.display import HTML, display

    if not live:
        return HTML("<p><em>Live controls appear when this notebook runs in JupyterLab (<code>make lab</code>); the "
                    "figure of section 4 shows the default settings.</em></p>", metadata=trusted("note"))

    try:
        import ipywidgets as w
    except ImportError:  # the static figure still shows the default view
        return HTML("<p><em>Live controls need ipywidgets (<code>pip install ipywidgets</code>).</em></p>",
                    metadata=trusted("note"))

    first = int(models["release_date"].dropna().dt.year.min())
    last = int(models["release_date"].dropna().dt.year.max())
    controls = {
        "metric": w.Dropdown(options=[(METRICS[m][0], m) for m in METRICS], value=metric, description="Metric"),
        "subset": w.Dropdown(options=list(SUBSETS), value=subset, description="Subset"),
        "since_year": w.IntSlider(value=min(max(since_year, first), last - 1), min=first, max=last - 1,
                                  description="From year", continuous_update=False),
        "top_k": w.IntSlider(value=top_k, min=1, max=50, description="Top-k", continuous_update=False),
    }
    out = w.Output()
    status = w.HTML()

    def redraw(_change=None) -> None:
        with out:
            out.clear_output(wait=True)
            try:
                view = trend_view(models, controls["metric"].value, controls["subset"].value,
                                  since=f"{controls['since_year'].value}-01-01", top_k=controls["top_k"].value,
                                  confidence=confidence)
            except AtlasError as exc:  # too few points for this choice: say so, keep the controls usable
                status.value = f"<b>No trend:</b> {exc}"
                return
            f = view.fit
            status.value = (f"<b>{f.growth_per_year:.2g}x per year</b> ({f.confidence:.0%} CI "
                            f"{f.growth_per_year_ci[0]:.2g}–{f.growth_per_year_ci[1]:.2g}x), n = {f.n}, "
                            f"{f.start:%Y-%m-%d} to {f.end:%Y-%m-%d}")
            display(view.figure)
            plt.close(view.figure)

    for c in controls.values():
        c.observe(redraw, names="value")
    redraw()
    return w.VBox([w.HBox([controls["metric"], controls["subset"]]),
                   w.HBox([controls["since_year"], controls["top_k"]]), status, out])
