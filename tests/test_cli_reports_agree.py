"""The same question through the CLI and through the report tables gets the same numbers (issue 12, item 1).

The session's reports are built with confidence 0.95 (tests/conftest.py ``built_reports``); the CLI is asked the
same question with ``--confidence 0.95`` on the same (bundled) data. Nothing here pins a number of the data: only
that both paths agree.

Marked ``regression``: both sides run the same analysis functions, so agreement shows the CLI and the reports are
wired to the same code with the same settings, not that the numbers are right (those are checked against hand
computations, published values and coverage simulations in the analyses' own test files).
"""

from __future__ import annotations

import json
import math

import pandas as pd
import pytest

from analysis.cli.main import main

pytestmark = [pytest.mark.slow, pytest.mark.regression]


def _cli(capsys, *argv) -> dict:
    assert main([*argv, "--json"]) == 0
    return json.loads(capsys.readouterr().out)


def _same(a, b) -> bool:
    a = None if a is None or (isinstance(a, float) and math.isnan(a)) else float(a)
    b = None if b is None or (isinstance(b, float) and math.isnan(b)) else float(b)
    return (a is None and b is None) or (a is not None and b is not None and a == pytest.approx(b, rel=1e-5))


def test_lag_cli_equals_openness_report(built_reports, capsys):
    out, results = built_reports
    assert results["openness"].status == "ok"
    t = pd.read_csv(out / "openness" / "tables" / "open-closed-lag-summary.csv")
    mmlu = _cli(capsys, "lag", "--benchmark", "mmlu", "--confidence", "0.95")
    row = t.iloc[0]
    assert mmlu["setting"] == row["setting"] == "5-shot"
    for key, col in (("median_lag_months", "median_lag_months"), ("n", "n"), ("n_censored", "n_censored"),
                     ("n_clusters", "n_clusters"), ("km_median_lag_months", "km_median_lag_months"),
                     ("matched_median_lag_months", "matched_median_lag_months"),
                     ("share_censored_levels", "share_censored_levels")):
        assert _same(mmlu[key], row[col]), key
    assert _same(mmlu["lag_months_ci"][0], row["lag_low"]) and _same(mmlu["lag_months_ci"][1], row["lag_high"])
    assert mmlu["coverage"] == [row["coverage_low"], row["coverage_high"]] and mmlu["date_basis"] == row["date_basis"]
    comp = _cli(capsys, "lag", "--metric", "compute", "--confidence", "0.95")
    row = t[t["metric"] == "training compute"].iloc[0]
    assert _same(comp["median_lag_months"], row["median_lag_months"]) and comp["n"] == row["n"]
    assert _same(comp["lag_months_ci"][0], row["lag_low"]) and _same(comp["lag_months_ci"][1], row["lag_high"])


def test_concentration_cli_equals_competition_report(built_reports, capsys):
    out, _ = built_reports
    t = pd.read_csv(out / "competition" / "tables" / "concentration-hhi-frontier.csv")
    res = _cli(capsys, "concentration", "--subset", "frontier", "--confidence", "0.95", "--window", "3")
    years = {y["year"]: y for y in res["years"]}
    assert len(t) > 0
    for r in t.itertuples():
        y = years[r.year]
        assert y["n_models"] == r.n_models and _same(y["hhi"], r.hhi) and _same(y["hhi_estimate"], r.hhi_estimate)
        assert _same(y["hhi_ci"][0], r.hhi_low) and _same(y["hhi_ci"][1], r.hhi_high)


def test_open_share_cli_equals_openness_report(built_reports, capsys):
    out, _ = built_reports
    t = pd.read_csv(out / "openness" / "tables" / "open-share-by-year.csv")
    res = _cli(capsys, "openness", "--confidence", "0.95")
    rows = {r["year"]: r for r in res["rows"]}
    assert res["confidence"] == 0.95
    for r in t.itertuples():
        y = rows[r.year]
        assert (y["n"], y["k"]) == (r.n, r.k)
        assert _same(y["share_ci"][0], r.share_low) and _same(y["share_ci"][1], r.share_high)
