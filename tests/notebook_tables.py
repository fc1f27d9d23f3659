"""Run a report notebook in this process and return the tables it saves (test helper, not a test module).

The notebooks are jupytext ``py:percent`` scripts; their code cells run in one namespace, in order, with the
``parameters`` cell's values overridden as the report runner would. Figures are not rendered: ``ReportOutput.figure``
keeps the table behind the figure and closes it, so a whole report's tables cost seconds. Running in-process lets a
test change what the data layer reads (e.g. an overlay without its additions) with ``monkeypatch``, which a
separate kernel would not see.
"""

from __future__ import annotations

import re
from pathlib import Path

import pandas as pd

ROOT = Path(__file__).resolve().parents[1]
NOTEBOOKS = ROOT / "notebooks"
_CELL = re.compile(r"^# %%(.*)$", re.M)


def cells(name: str) -> list[tuple[str, str]]:
    """(header, source) of each cell of ``notebooks/<name>.py`` (header: the text after ``# %%``)."""
    text = (NOTEBOOKS / f"{name}.py").read_text(encoding="utf-8")
    marks = list(_CELL.finditer(text))
    out = []
    for i, m in enumerate(marks):
        end = marks[i + 1].start() if i + 1 < len(marks) else len(text)
        out.append((m.group(1).strip(), text[m.end():end]))
    return out


def run_tables(name: str, monkeypatch, params: dict | None = None) -> dict[str, pd.DataFrame]:
    """Execute notebook ``name`` in-process and return every table it saved, by id (figure tables included)."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    from analysis.reporting import figures

    saved: dict[str, pd.DataFrame] = {}

    def table(self, df, table_id):
        self.tables[table_id] = df.reset_index(drop=True)
        saved[table_id] = df.reset_index(drop=True).copy()

    def figure(self, fig, figure_id, *, caption, alt, table, source, **_):
        self.tables[figure_id] = table.reset_index(drop=True)
        saved[figure_id] = table.reset_index(drop=True).copy()
        plt.close(fig)

    monkeypatch.setattr(figures.ReportOutput, "table", table)
    monkeypatch.setattr(figures.ReportOutput, "figure", figure)
    monkeypatch.setattr(figures.ReportOutput, "prose", lambda self, markdown: None)
    ns: dict = {"__name__": f"notebook_{name.replace('-', '_')}", "display": lambda *a, **k: None}
    for header, src in cells(name):
        if header.startswith("[markdown]"):
            continue
        exec(compile(src, f"notebooks/{name}.py", "exec"), ns)  # noqa: S102 - our own notebook sources
        if "parameters" in header:
            ns.update(params or {})
    plt.close("all")
    return saved
