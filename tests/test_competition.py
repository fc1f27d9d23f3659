"""Competition metrics: shares, HHI, frontier flags, leadership tenures and entrants on hand-made tables."""

from __future__ import annotations

import json

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from analysis.cli.main import main
from analysis.errors import AnalysisError, UsageError
from analysis.metrics import competition as comp
from analysis.metrics import selection


def M(rows):
    """Models frame from (id, organization, date or None, compute or None[, country]) tuples."""
    out = []
    for r in rows:
        mid, org, date, flop = r[:4]
        country = r[4] if len(r) > 4 else "United States of America"
        out.append({"id": mid, "organization": org, "country": country,
                    "release_date": pd.Timestamp(date) if date else pd.NaT,
                    "training_compute_flop": float(flop) if flop is not None else np.nan})
    df = pd.DataFrame(out)
    df["release_date"] = df["release_date"].astype("datetime64[ns]")
    return df


MARKET = M([
    ("a", "Google", "2020-01-10", 1e22),
    ("b", "Google", "2020-03-01", 2e22),
    ("c", "OpenAI", "2020-05-01", 3e23),
    ("d", "Google, DeepMind", "2020-07-01", 5e22),
    ("e", "Meta", "2021-02-01", 1e24, "France"),
    ("f", "OpenAI", None, 1e25),  # no date: excluded and counted
])


# --- shares and HHI -------------------------------------------------------------------------------------------

def test_equal_fractional_credit_and_exact_hhi():
    r = comp.shares_by_year(MARKET, harmonize=False)
    s = r.table
    y20 = s[s["year"] == 2020].set_index("group")["share"]
    # names as written: Google 1 + 1 + 0.5, OpenAI 1, DeepMind 0.5 of 4 models
    assert y20.to_dict() == pytest.approx({"Google": 0.625, "OpenAI": 0.25, "DeepMind": 0.125})
    assert r.settings["n_no_date"] == 1
    # harmonized (default): DeepMind is Google, so model d is Google's alone: Google 3 of 4, OpenAI 1 of 4
    h = comp.shares_by_year(MARKET).table
    assert h[h["year"] == 2020].set_index("group")["share"].to_dict() == pytest.approx({"Google": 0.75, "OpenAI": 0.25})
    c = comp.concentration(MARKET, harmonize=False).table.set_index("year")
    assert c.loc[2020, "hhi"] == pytest.approx(0.625 ** 2 + 0.25 ** 2 + 0.125 ** 2)  # 0.46875
    assert c.loc[2020, "n_models"] == 4 and c.loc[2020, "n_groups"] == 3
    assert c.loc[2020, "top1"] == "Google" and c.loc[2020, "top1_share"] == pytest.approx(0.625)
    assert c.loc[2020, "top3_share"] == pytest.approx(1.0)
    assert c.loc[2020, "effective_number"] == pytest.approx(1 / 0.46875)
    # 4 models: too few for an interval that holds its coverage (HHI_MIN_MODELS), said so
    assert np.isnan(c.loc[2020, "hhi_low"]) and "too few models" in c.loc[2020, "hhi_note"]
    # bias-corrected estimate by hand: (sum of squared totals - sum of squared credits) / (n (n - 1))
    # totals 2.5, 1, 0.5; credits squared 1 + 1 + 1 + (0.25 + 0.25) = 3.5
    assert c.loc[2020, "hhi_estimate"] == pytest.approx((2.5 ** 2 + 1 + 0.25 - 3.5) / (4 * 3))


def test_year_with_one_model_is_a_monopoly_without_interval():
    c = comp.concentration(MARKET).table.set_index("year")
    assert c.loc[2021, "hhi"] == 1.0 and c.loc[2021, "hhi_min"] == 1.0
    assert np.isnan(c.loc[2021, "hhi_low"]) and np.isnan(c.loc[2021, "hhi_high"])


def test_country_shares():
    s = comp.shares_by_year(MARKET, by="country").table
    assert s[s["year"] == 2021].set_index("group")["share"].to_dict() == {"France": 1.0}


def test_aliases_merge_and_do_not_double_count():
    # the one organization rule (selection.organizations), as written (harmonize=False) with aliases applied first
    assert selection.organizations("Google, Google DeepMind", False, {"Google DeepMind": "Google"}) == ["Google"]
    assert selection.organizations(" Google ,, DeepMind ", harmonize=False) == ["Google", "DeepMind"]
    assert selection.organizations(np.nan) == []
    s = comp.shares_by_year(MARKET, aliases={"DeepMind": "Google"}).table
    y20 = s[s["year"] == 2020].set_index("group")["share"]
    assert y20["Google"] == pytest.approx(0.75)


def test_hhi_function_bounds_and_errors():
    assert comp.hhi([1.0]) == 1.0
    assert comp.hhi([0.25] * 4) == pytest.approx(0.25)
    with pytest.raises(AnalysisError):
        comp.hhi([])
    with pytest.raises(AnalysisError):
        comp.hhi([0.5, 0.6])


def test_concentration_is_reproducible_and_seeded():
    a = comp.concentration(MARKET, seed=3)
    b = comp.concentration(MARKET, seed=3)
    pd.testing.assert_frame_equal(a.table, b.table)


def test_bad_options_raise_usage_errors():
    with pytest.raises(UsageError):
        comp.concentration(MARKET, subset="everything")
    with pytest.raises(UsageError):
        comp.shares_by_year(MARKET, by="continent")
    with pytest.raises(UsageError):
        comp.concentration(MARKET, confidence=1.5)


@st.composite
def markets(draw):
    orgs = ["A", "B", "C", "D", "E"]
    n = draw(st.integers(1, 25))
    rows = []
    for i in range(n):
        k = draw(st.integers(1, 3))
        members = draw(st.lists(st.sampled_from(orgs), min_size=k, max_size=k))
        year = draw(st.integers(2018, 2021))
        rows.append((f"m{i}", ", ".join(members), f"{year}-06-01", None))
    return M(rows)


@settings(max_examples=40, deadline=None)
@given(markets())
def test_property_shares_sum_to_one_and_hhi_in_bounds(models):
    s = comp.shares_by_year(models).table
    for _, g in s.groupby("year"):
        assert g["share"].sum() == pytest.approx(1.0)
    c = comp.concentration(models, n_boot=100).table
    for r in c.itertuples():
        assert 1.0 / r.n_groups - 1e-12 <= r.hhi <= 1.0 + 1e-12
        if not np.isnan(r.hhi_low):
            assert 0.0 <= r.hhi_low <= r.hhi_estimate <= r.hhi_high <= 1.0 + 1e-12


# --- frontier -------------------------------------------------------------------------------------------------

def test_frontier_flags_top_n_at_release_with_ties_and_missing():
    m = M([
        ("a", "X", "2020-01-01", 10), ("b", "Y", "2020-02-01", 20), ("c", "Z", "2020-03-01", 5),
        ("d", "X", "2020-04-01", 20), ("e", "Y", "2020-05-01", None), ("f", "Z", None, 100),
        ("g", "W", "2020-06-01", 30),
    ])
    ff = selection.frontier_flags(m, top_k=2, exclude=())
    f = ff["frontier"]
    # a: first; b: top; c: 2 larger -> no; d: ties b at 20 (one larger? none larger) -> yes; g: largest
    assert f.tolist()[:4] == [True, True, False, True]
    # e (no compute) and f (no date) are unranked and not frontier
    assert ff["rank_at_release"].isna().tolist()[4:6] == [True, True] and f.tolist()[4:6] == [False, False]
    assert bool(f.iloc[6]) is True
    with pytest.raises(UsageError):
        selection.frontier_flags(m, top_k=0)


def test_frontier_organizations_and_threshold():
    m = M([("a", "X", "2023-01-01", 2e25), ("b", "Y, Z", "2023-02-01", 3e25), ("c", "X", "2024-01-01", 5e24),
           ("d", "W", "2024-03-01", 1e25)])
    out = comp.frontier_organizations(m, top_k=10).table.set_index("year")
    assert out.loc[2023, "n_orgs_above"] == 3 and out.loc[2023, "orgs_above"] == "X; Y; Z"
    # EU AI Act Art. 51(2): "greater than 10^25": exactly 1e25 (W) is not above, nor is 5e24
    assert out.loc[2024, "n_orgs_above"] == 0
    assert out.loc[2024, "cumulative_orgs_above"] == 3
    assert out.loc[2024, "n_orgs_frontier"] == 2


def test_entrants_first_frontier_year():
    m = M([("a", "X", "2019-01-01", 1e20), ("b", "Y", "2020-01-01", 1e21), ("c", "X", "2021-01-01", 1e22),
           ("d", "Z", "2021-06-01", 1e10), ("e", "Y, Z", "2022-01-01", 1e23)])
    ent = comp.frontier_entrants(m, top_k=2).table
    assert ent[["organization", "year", "first_model"]].values.tolist() == [
        ["X", 2019, "a"], ["Y", 2020, "b"], ["Z", 2022, "e"]]
    per = comp.entrants_per_year(m, top_k=2).set_index("year")
    assert per["n_entrants"].to_dict() == {2019: 1, 2020: 1, 2021: 0, 2022: 1}


# --- leadership -----------------------------------------------------------------------------------------------

def _entries(rows):
    return pd.DataFrame([{"model_id": m, "organization": o, "date": pd.Timestamp(d), "value": v}
                         for m, o, d, v in rows])


def test_leadership_tenures_ties_and_merge():
    e = _entries([
        ("a", "X", "2020-01-01", 50), ("b", "Y", "2020-01-01", 50),  # same-day tie: a leads, b listed
        ("c", "Y", "2020-07-01", 50),  # equalling does not take the lead
        ("d", "X", "2021-01-01", 60), ("e", "X", "2021-07-01", 70), ("f", "Z", "2022-01-01", 65),
    ])
    t = comp.leadership_timeline(e).table
    assert t["holder"].tolist() == ["a", "d", "e"]
    assert t["tied_with"].tolist() == ["b", "", ""]
    assert t.loc[0, "end"] == pd.Timestamp("2021-01-01")
    assert t.loc[0, "tenure_months"] == pytest.approx(366 / (365.25 / 12))
    assert bool(t.loc[2, "ongoing"]) and pd.isna(t.loc[2, "end"])
    assert t.loc[2, "tenure_months"] == pytest.approx(184 / (365.25 / 12))  # to the last date in the data
    o = comp.leadership_timeline(e, by="organization").table
    assert o["holder"].tolist() == ["X"] and o.loc[0, "models"] == "a, d, e" and o.loc[0, "value"] == 70


def test_compute_and_benchmark_leadership():
    m = M([("a", "X", "2020-01-01", 1e22), ("b", "Y", "2021-01-01", 1e23), ("c", "X", "2021-06-01", None)])
    t = comp.compute_leadership(m).table
    assert t["holder"].tolist() == ["a", "b"]
    b = pd.DataFrame({"model_id": ["a", "b", "c", "a"], "benchmark": ["mmlu"] * 3 + ["gpqa"],
                      "setting": ["5-shot"] * 4, "score": [60.0, 55.0, 70.0, 30.0]})
    t = comp.benchmark_leadership(b, m, "mmlu").table
    assert t["holder"].tolist() == ["a", "c"] and t["value"].tolist() == [60.0, 70.0]
    with pytest.raises(AnalysisError, match="no scores"):
        comp.benchmark_leadership(b, m, "hellaswag")


# --- CLI ------------------------------------------------------------------------------------------------------

def test_cli_concentration_json(models_csv, capsys):
    path = models_csv(
        {"id": "a", "organization": "Google", "release_date": "2020-01-01"},
        {"id": "b", "organization": "Google, DeepMind", "release_date": "2020-02-01"},
        {"id": "c", "organization": "OpenAI", "release_date": "2020-03-01"},
        {"id": "d", "organization": "OpenAI", "release_date": "2021-03-01"},
    )
    assert main(["concentration", "--data", str(path), "--json"]) == 0
    out = json.loads(capsys.readouterr().out)
    years = {y["year"]: y for y in out["years"]}
    # harmonized (default): DeepMind is Google, so Google 2/3, OpenAI 1/3
    assert years[2020]["hhi"] == pytest.approx((2 / 3) ** 2 + (1 / 3) ** 2)
    assert main(["concentration", "--data", str(path), "--json", "--organizations", "as-written"]) == 0
    y2 = {y["year"]: y for y in json.loads(capsys.readouterr().out)["years"]}
    # as written: Google 1.5/3, OpenAI 1/3, DeepMind 0.5/3
    assert y2[2020]["hhi"] == pytest.approx((1.5 / 3) ** 2 + (1 / 3) ** 2 + (0.5 / 3) ** 2)
    assert years[2021]["hhi"] == 1.0 and years[2021]["hhi_ci"] == [None, None]
    assert len(years[2020]["hhi_ci"]) == 2 and "fractional" in out["split"]
    assert main(["concentration", "--data", str(path)]) == 0
    assert "HHI" in capsys.readouterr().out


def test_cli_concentration_bad_subset_exit_2(capsys):
    assert main(["concentration", "--subset", "all"]) == 2
