"""Overlay additions never reach a representative output (issue 22, item 2).

The overlay adds models Epoch's snapshot lacks (chat fine-tunes, sibling sizes, recent releases) for per-model
look-ups, benchmark joins and case studies. Every representative output (a count, share, trend, lag in compute,
concentration, projection) is computed on :func:`analysis.metrics.selection.select`, which leaves them out unless a
caller asks with ``additions=True``. The test builds the default table twice, with the overlay as shipped and with
every addition removed from it (a temporary overlay.csv), and requires every representative output to be identical:
each registered analysis here (fast), and every table of every report in the slow test (the notebooks run
in-process, :mod:`tests.notebook_tables`).
"""

from __future__ import annotations

import csv
import json
import math

import pandas as pd
import pytest

from analysis.data import dataset
from analysis.data import overlay as ov
from analysis.metrics import competition, scaling, selection, trends
from analysis.metrics.analyses import get, load_all

# Settings checked besides each analysis's declared example (every registered analysis that is not a declared
# look-up, @analysis(..., lookup=why), is checked with its example).
EXTRA: dict[str, list[dict]] = {
    "trend": [{"metric": "compute", "subset": "frontier", "since": "2018-01-01"},
              {"metric": "compute", "domain": "language", "since": "2023-01-01"},
              {"metric": "tokens", "domain": "language"}, {"metric": "compute", "subset": "open"}],
    "lag": [{"metric": "compute", "domain": "language", "top_k": 3}],
    "concentration": [{"bootstrap": 200}, {"by": "country", "bootstrap": 200}],
    "openness": [{"subset": "frontier"}, {"by": "org"}, {"by": "access"}],
    "spillovers": [{"by": "family"}],
}
# capabilities (Epoch's Benchmarking Hub), data-needed (published scaling laws) and hardware (Epoch's ML-hardware
# snapshot) never read the models table: their examples are checked all the same.
REGISTRY = load_all()
LOOKUPS = {name: a.lookup for name, a in REGISTRY.items() if a.lookup}  # one model by id, additions included
CHECKED = {name: [dict(a.example), *EXTRA.get(name, [])] for name, a in REGISTRY.items() if not a.lookup}
# The benchmark lag (lag --metric score) joins the benchmarks table's scored models to their release dates and
# access: a look-up of the models the benchmarks table names (README: additions serve benchmark lags); owned by the
# lag work (issue 23), it is checked in compute only here.


def _without_additions(tmp_path):
    rows = list(csv.DictReader(open(ov.OVERLAY_PATH, newline="", encoding="utf-8")))
    path = tmp_path / "overlay.csv"
    with open(path, "w", newline="", encoding="utf-8") as fh:
        w = csv.DictWriter(fh, fieldnames=list(rows[0]))
        w.writeheader()
        w.writerows(r for r in rows if r["kind"] != "addition")
    assert sum(r["kind"] == "addition" for r in rows) > 100  # there is something to remove
    return path


@pytest.fixture(scope="module")
def both(tmp_path_factory):
    """(shipped, without additions) datasets, and the two data labels (they differ by the overlay's hash)."""
    full = dataset.load()
    with pytest.MonkeyPatch.context() as mp:
        tmp = tmp_path_factory.mktemp("no-additions")
        mp.setattr(ov, "OVERLAY_PATH", _without_additions(tmp))
        mp.setenv("FRONTIER_ATLAS_CACHE", str(tmp / "cache"))
        bare = dataset.load()
    assert (bare.models["overlay"] == "addition").sum() == 0 < (full.models["overlay"] == "addition").sum()
    return full, bare


def _plain(obj, labels):
    """JSON text with the other data label replaced by the shipped one (the overlay's hash differs, nothing else)."""
    text = json.dumps(obj, sort_keys=True, default=str, allow_nan=True)
    return text.replace(labels[1], labels[0])


def test_every_registered_analysis_is_classified():
    assert set(EXTRA) <= set(CHECKED) and {"compute", "cost", "openness-score"} <= set(LOOKUPS)
    assert all(len(why) > 10 for why in LOOKUPS.values())


@pytest.mark.parametrize("name, kw", [(n, kw) for n, kws in CHECKED.items() for kw in kws],
                         ids=lambda v: v if isinstance(v, str) else ",".join(f"{k}={x}" for k, x in v.items()))
def test_registered_analysis_unchanged_without_additions(both, name, kw):
    full, bare = both
    a, b = get(name)(full, **kw).to_dict(), get(name)(bare, **kw).to_dict()
    assert _plain(a, (full.label, bare.label)) == _plain(b, (full.label, bare.label))


def test_notebook_level_functions_unchanged_without_additions(both):
    """The functions the reports call directly (not through the registry), on their default settings."""
    full, bare = both
    calls = [
        lambda m: trends.threshold_counts(m), lambda m: trends.threshold_counts_by_organization(m),
        lambda m: trends.size_band_counts(m), lambda m: trends.moe_table(m),
        lambda m: trends.parameter_trends_by_domain(m, min_n=8, since="2012-01-01"),
        lambda m: trends.piecewise_trend(m, "training_compute_flop", ("2015-09-01", "2018-01-01"),
                                         since="2010-01-01").to_frame(),
        lambda m: competition.frontier_organizations(m).table, lambda m: competition.entrants_per_year(m),
        lambda m: competition.compute_leadership(m, by="organization").table,
        lambda m: competition.shares_by_year(m, subset="frontier").table,
        lambda m: scaling.overtraining(m).table, lambda m: selection.frontier_view(m),
    ]
    for i, f in enumerate(calls):
        x, y = f(full.models).reset_index(drop=True), f(bare.models).reset_index(drop=True)
        pd.testing.assert_frame_equal(x, y, check_dtype=False, obj=f"call {i}")


def test_additions_are_there_when_asked_for(both):
    """Look-ups and case studies ask explicitly: the additions are in the table and in select(additions=True)."""
    full, _ = both
    added = set(full.models.loc[full.models["overlay"] == "addition", "id"])
    assert "llama-3-8b" in added and "llama-3-8b" in set(selection.select(full.models, additions=True)["id"])
    assert not added & set(selection.select(full.models)["id"])
    assert get("compute")(full, model_id="llama-3-8b").gpu_hours == pytest.approx(1.3e6)
    assert math.isfinite(get("cost")(full, model="llama-3-8b").energy_mwh)


# --- every table of every report (slow: the notebooks run in-process twice) ---------------------------------------

# Report tables that are look-ups or case studies by design, with the reason.
REPORT_LOOKUPS = {
    "llama3-case-study": "a case study of named models (Llama 3 8B is an addition)",
}
TABLE_LOOKUPS = {
    "openness-scores": "the openness index's own 67 records; the models table only gives their names",
    "open-closed-frontier-mmlu": "the benchmarks table's scored models (benchmark lag, issue 23)",
    "open-closed-lag-mmlu": "the benchmarks table's scored models (benchmark lag, issue 23)",
    "open-closed-gap-eci-mmlu": "ECI row: the Benchmarking Hub only; its MMLU row is open-closed-lag-mmlu's (above)",
}
# Tables whose benchmark rows (metric "<benchmark> score") are look-ups as above, beside representative rows
# (the compute lag) that are checked.
BENCHMARK_ROWS = {"open-closed-lag-summary"}


def _checked_rows(table_id: str, df: pd.DataFrame) -> pd.DataFrame:
    if table_id in BENCHMARK_ROWS:
        df = df[~df["metric"].astype(str).str.endswith(" score")].reset_index(drop=True)
        assert len(df), f"{table_id}: no representative row left to check"
    return df


def _norm(df: pd.DataFrame, labels=None) -> pd.DataFrame:
    df = df.copy()
    for c in df.columns:
        if df[c].dtype == object or pd.api.types.is_string_dtype(df[c]):
            def fix(v):
                if isinstance(v, str):
                    return v.replace(labels[1], labels[0]) if labels else v
                return None if v is None or (isinstance(v, float) and math.isnan(v)) else v
            df[c] = df[c].astype(object).map(fix)
    return df


REPORTS = ("explore", "compute-trends", "parameter-growth", "data-requirements", "openness", "competition",
           "capabilities", "vintages", "compute-infrastructure", "compute-ownership")


@pytest.mark.slow
@pytest.mark.parametrize("name", REPORTS)
def test_report_tables_unchanged_without_additions(both, name, tmp_path, monkeypatch):
    from notebook_tables import run_tables

    full, bare = both
    a = run_tables(name, monkeypatch, {"output_dir": str(tmp_path / "a")})
    monkeypatch.undo()
    monkeypatch.setattr(ov, "OVERLAY_PATH", _without_additions(tmp_path))
    monkeypatch.setenv("FRONTIER_ATLAS_CACHE", str(tmp_path / "cache"))
    b = run_tables(name, monkeypatch, {"output_dir": str(tmp_path / "b")})
    assert set(a) == set(b) and a
    for table_id in sorted(set(a) - set(TABLE_LOOKUPS)):
        pd.testing.assert_frame_equal(_norm(_checked_rows(table_id, a[table_id])),
                                      _norm(_checked_rows(table_id, b[table_id]), (full.label, bare.label)),
                                      check_dtype=False, obj=f"{name}: {table_id}")


def test_report_list_is_complete():
    """Every report is checked or is a declared case study: a new notebook must be classified."""
    from analysis.reporting.planning import available

    assert set(available()) == set(REPORTS) | set(REPORT_LOOKUPS) and not set(REPORTS) & set(REPORT_LOOKUPS)
