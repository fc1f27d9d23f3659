"""Shared figure conventions: one style, a colour-blind-safe palette, units on axes, a source line and a stable
figure id under every figure, and deterministic SVG/PNG/PDF output.

Notebooks call :class:`ReportOutput` to save each figure together with the table behind it::

    out = ReportOutput(output_dir)            # "" when run interactively: figures only displayed
    fig, ax = new_figure()
    ...
    out.figure(fig, "compute-trend-frontier", caption="...", alt="...", table=df, source=ds.label)
"""

from __future__ import annotations

import html
import json
import re
from dataclasses import dataclass
from pathlib import Path

import matplotlib

matplotlib.use("Agg", force=False)
import matplotlib.pyplot as plt  # noqa: E402
import pandas as pd  # noqa: E402

STYLE = Path(__file__).with_name("atlas.mplstyle")
# Okabe & Ito (2008), "Color Universal Design": distinguishable under the common colour-vision deficiencies.
PALETTE = {
    "blue": "#0072B2", "orange": "#E69F00", "green": "#009E73", "purple": "#CC79A7",
    "sky": "#56B4E9", "vermillion": "#D55E00", "yellow": "#F0E442", "black": "#000000",
}
OPEN_COLOR, CLOSED_COLOR = PALETTE["green"], PALETTE["purple"]
FIGURE_ID = re.compile(r"^[a-z0-9]+(-[a-z0-9]+)*$")
MANIFEST_FIGURES = "figures.json"


def use_style() -> None:
    plt.style.use(str(STYLE))


def new_figure(nrows: int = 1, ncols: int = 1, **kw):
    use_style()
    return plt.subplots(nrows, ncols, **kw)


def label_log_axis(ax, axis: str, quantity: str, unit: str) -> None:
    """Label a log-scaled axis with its quantity and unit, e.g. 'Training compute (FLOP, log scale)'."""
    text = f"{quantity} ({unit}, log scale)"
    (ax.set_yscale if axis == "y" else ax.set_xscale)("log")
    (ax.set_ylabel if axis == "y" else ax.set_xlabel)(text)


def short_label(text: object, width: int = 40) -> str:
    """A label safe for axes: '$' escaped so data never triggers mathtext, cut to ``width`` characters."""
    s = " ".join(str(text).split())
    s = s if len(s) <= width else s[: width - 1] + "…"
    return s.replace("$", r"\$")


def stamp(fig, figure_id: str, source: str) -> None:
    """Write the source line and the figure id under the figure."""
    fig.text(0.0, -0.02, f"Source: {source}", ha="left", va="top", fontsize=7.5, color="#555555",
             transform=fig.transFigure, parse_math=False)  # a '$' in a file name or label is text, never mathtext
    fig.text(1.0, -0.02, f"Frontier Atlas · {figure_id}", ha="right", va="top", fontsize=7.5, color="#555555",
             transform=fig.transFigure)


def save_deterministic(fig, path_stem: Path, figure_id: str) -> list[Path]:
    """SVG, PNG (300 dpi) and PDF whose bytes depend only on the figure's content."""
    paths = []
    with matplotlib.rc_context({"svg.hashsalt": figure_id}):
        for ext, meta in (("svg", {"Date": None, "Creator": "Frontier Atlas"}),
                          ("png", {"Software": "Frontier Atlas"}),
                          ("pdf", {"CreationDate": None, "ModDate": None, "Creator": "Frontier Atlas", "Producer": "Frontier Atlas"})):
            p = path_stem.with_suffix(f".{ext}")
            fig.savefig(p, format=ext, metadata=meta, dpi=300 if ext == "png" else None)
            paths.append(p)
    return paths


def write_table(df: pd.DataFrame, path: Path) -> None:
    """CSV with stable formatting: fixed float repr, ISO dates, '\\n' line ends."""
    out = df.copy()
    for c in out.columns:
        if pd.api.types.is_datetime64_any_dtype(out[c]):
            out[c] = out[c].dt.strftime("%Y-%m-%d")
    out.to_csv(path, index=False, lineterminator="\n", float_format="%.6g")


@dataclass
class ReportOutput:
    """Where a notebook writes its figures and tables. ``output_dir=""`` means interactive: display only."""

    output_dir: str = ""

    def __post_init__(self) -> None:
        self.root = Path(self.output_dir) if self.output_dir else None
        self.registered: list[dict] = []
        self.tables: dict[str, pd.DataFrame] = {}
        if self.root:
            (self.root / "figures").mkdir(parents=True, exist_ok=True)
            (self.root / "tables").mkdir(parents=True, exist_ok=True)

    def table(self, df: pd.DataFrame, table_id: str) -> None:
        """Save a table that is not behind a figure (e.g. a summary of fitted trends)."""
        if not FIGURE_ID.match(table_id):
            raise ValueError(f"table id {table_id!r} must be kebab-case")
        self.tables[table_id] = df.reset_index(drop=True)
        if self.root:
            write_table(df, self.root / "tables" / f"{table_id}.csv")

    def number(self, table_id: str, row: int, column: str, fmt: str = "{:.3g}") -> str:
        """A number for the prose, taken from a saved table and tagged with where it comes from.

        The span records table, row, column and format, so a test can check that the text and the CSV agree.
        """
        df = self.tables.get(table_id)
        if df is None:
            raise KeyError(f"table {table_id!r} has not been saved yet")
        value = df.at[row, column]
        if isinstance(value, pd.Timestamp):
            value = value.strftime("%Y-%m-%d")
        elif isinstance(value, float):
            value = float(f"{value:.6g}")  # exactly the value written to the CSV
        text = fmt.format(value)
        return (f'<span class="atlas-num" data-table="{html.escape(table_id)}" data-row="{row}" '
                f'data-column="{html.escape(column)}" data-format="{html.escape(fmt)}">{html.escape(text)}</span>')

    def prose(self, markdown: str) -> None:
        """Display a paragraph of generated text (numbers via :meth:`number`)."""
        from IPython.display import Markdown, display

        display(Markdown(markdown))

    def figure(self, fig, figure_id: str, *, caption: str, alt: str, table: pd.DataFrame, source: str) -> None:
        """Stamp, save (svg/png/pdf + the table behind it) and display a figure with its caption."""
        from IPython.display import HTML, display

        if not FIGURE_ID.match(figure_id):
            raise ValueError(f"figure id {figure_id!r} must be kebab-case")
        if any(f["id"] == figure_id for f in self.registered):
            raise ValueError(f"figure id {figure_id!r} used twice")
        stamp(fig, figure_id, source)
        entry = {"id": figure_id, "caption": caption, "alt": alt, "source": source}
        self.registered.append(entry)
        cap = html.escape(caption)
        if self.root:
            save_deterministic(fig, self.root / "figures" / figure_id, figure_id)
        self.tables[figure_id] = table.reset_index(drop=True)
        if self.root:
            write_table(table, self.root / "tables" / f"{figure_id}.csv")
            with open(self.root / MANIFEST_FIGURES, "w", encoding="utf-8") as fh:
                json.dump(self.registered, fh, indent=2, ensure_ascii=False)
            plt.close(fig)
            display(HTML(
                f'<figure class="atlas-figure" id="fig-{figure_id}">'
                f'<img src="figures/{figure_id}.svg" alt="{html.escape(alt, quote=True)}" width="100%">'
                f'<figcaption><strong>Figure {figure_id}.</strong> {cap} '
                f'<span class="atlas-cite">Cite as: Frontier Atlas, figure <code>{figure_id}</code>; data: '
                f"{html.escape(source)}. Data behind it: <a href=\"tables/{figure_id}.csv\">tables/{figure_id}.csv</a>."
                f"</span></figcaption></figure>"
            ))
        else:
            display(fig)
            plt.close(fig)
            display(HTML(f"<p><strong>Figure {figure_id}.</strong> {cap}</p>"))

