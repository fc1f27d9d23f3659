"""Figures show what they claim (issue 26.5), checked on the built reports: the tables behind the figures hold what
the captions and legends say is drawn. Each check names the defect it was written for. Slow tier: it reads the
session's built reports (tests/conftest.py::built_reports); `check_*` take a reports folder, so they can be run on
any build (`frontier-atlas report --out DIR`)."""

from __future__ import annotations

import json
import math
from pathlib import Path

import pandas as pd
import pytest

from analysis.reporting import figures

pytestmark = pytest.mark.slow


def _table(out: Path, report: str, table_id: str) -> pd.DataFrame:
    return pd.read_csv(out / report / "tables" / f"{table_id}.csv")


def _figure(out: Path, report: str, figure_id: str) -> dict:
    return json.loads((out / report / "figures" / f"{figure_id}.json").read_text(encoding="utf-8"))


def check_data_wall(out: Path) -> None:
    """Before: lines only, drawn out to 2050, no models, and nothing said which line the headline uses."""
    tab = _table(out, "data-requirements", "data-wall")
    proj = _table(out, "data-requirements", "data-wall-projection").set_index("subset")
    models = tab[tab["kind"] == "model"]
    n_front = int(proj.loc["frontier", "n"])
    n_notable = int(proj.loc["notable", "n"])
    assert (models["subset"] == "frontier").sum() == n_front  # every fitted frontier model is drawn
    notable_only = int((models["subset"] == "notable").sum())  # drawn once: frontier ones in the frontier colour
    assert n_notable - n_front <= notable_only <= n_notable
    assert models["id"].is_unique
    trend = tab[tab["kind"] == "trend"]
    assert trend["year"].max() <= math.ceil(proj["year"].max()) + 3  # drawn to just past the later crossing
    caption = _figure(out, "data-requirements", "data-wall")["caption"]
    assert "headline" in caption and f"{proj.loc['notable', 'year']:.1f}" in caption


def check_tokens_per_parameter(out: Path) -> None:
    """Before: every domain since 1992 against a Chinchilla ratio defined for (transformer) language models."""
    from analysis import constants as C
    from analysis.data import dataset

    tab = _table(out, "data-requirements", "tokens-per-parameter-vs-optimal")
    assert pd.to_datetime(tab["release_date"]).min() >= pd.Timestamp(C.DATA_WALL_SINCE)
    domains = dataset.load(None).models.set_index("id")["domain"]
    assert all("language" in str(domains.get(i, "language")).lower() for i in tab["id"])
    assert "language models" in _figure(out, "data-requirements", "tokens-per-parameter-vs-optimal")["caption"]


def check_training_run_trends(out: Path) -> None:
    """Before: trend lines without intervals, and a caption calling the vermillion frontier points 'red'."""
    tab = _table(out, "compute-infrastructure", "training-run-trends")
    lines = tab[tab["quantity"].str.endswith("frontier trend")]
    assert len(lines) and lines[["value_low", "value_high"]].notna().all().all()
    assert (lines["value_low"] <= lines["value"]).all() and (lines["value"] <= lines["value_high"]).all()
    caption = _figure(out, "compute-infrastructure", "training-run-trends")["caption"]
    assert figures.colour_name("vermillion") in caption and " red " not in caption


def check_llama_record(out: Path) -> None:
    """Before: the 'largest closed run to date' began at 10²⁰ FLOP in January 2020, the first closed model of 2020,
    not the record standing then. The line's first point is a real model released on or before 2020-01-01."""
    tab = _table(out, "llama3-case-study", "llama-family-vs-closed-frontier")
    record = tab[tab["series"] == "closed-record"]
    first = record.iloc[0]
    assert isinstance(first["id"], str) and first["id"]
    assert pd.Timestamp(first["release_date"]) <= pd.Timestamp("2020-01-01")
    assert record["training_compute_flop"].is_monotonic_increasing
    assert first["training_compute_flop"] > 1e21


def check_labels(out: Path) -> None:
    """Legend text as a reader sees it: 'countries' (was 'countrys'), 'best Chinese model' (was 'best China
    model'), size bands in powers of ten (were '1e8-1e9')."""
    svg = (out / "compute-ownership" / "figures" / "compute-hhi-owners-countries.svg").read_text(encoding="utf-8")
    assert "countries" in svg and "countrys" not in svg
    svg = (out / "capabilities" / "figures" / "eci-frontier-us-china.svg").read_text(encoding="utf-8")
    assert "best Chinese model" in svg and "best China model" not in svg
    svg = (out / "parameter-growth" / "figures" / "parameter-bands-per-year.svg").read_text(encoding="utf-8")
    assert "10⁸–10⁹ parameters" in svg and "1e8" not in svg


def check_sensitivity_vintages(out: Path) -> None:
    """Before: title and caption promised refits on each Epoch AI data vintage, but the notebook passed no vintages,
    so no vintage row was drawn (the CLI's `trend compute --sensitivity` had them)."""
    from analysis.metrics import sensitivity

    tab = _table(out, "compute-trends", "compute-trend-sensitivity")
    assert {f"data vintage {v}" for v in sensitivity.VINTAGES} <= set(tab["varied"])
    assert "vintage" in _figure(out, "compute-trends", "compute-trend-sensitivity")["caption"]


CHECKS = [check_data_wall, check_sensitivity_vintages, check_tokens_per_parameter, check_training_run_trends, check_llama_record, check_labels]


@pytest.mark.parametrize("check", CHECKS, ids=[c.__name__ for c in CHECKS])
def test_figures_show_what_they_claim(built_reports, check):
    out, results = built_reports
    check(out)
