"""Openness index, MOF/OSAID mappings, open-weight shares, the open-vs-closed lag and FMTI changes.

Hand-made tables where every number is known exactly (lags in days / (365.25/12), Wilson intervals from the
closed-form formula), plus hypothesis properties.
"""

from __future__ import annotations

import json
import math

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from analysis.cli.main import main
from analysis.data.dataset import Dataset
from analysis.errors import AnalysisError, UsageError
from analysis.metrics import openness as op

DPM = 365.25 / 12
ALL_OPEN = {d: "open" for d in op.DIMENSIONS}


def row(model_id, codes=None, license_type="osi-approved", **extra):
    r = {"model_id": model_id, "license_type": license_type, "assessed_by": "frontier-atlas",
         "assessed_date": pd.Timestamp("2024-08-01")}
    for d in op.DIMENSIONS:
        r[d] = (codes or {}).get(d, "closed")
        r[f"{d}_evidence"] = f"https://example.org/{model_id}/{d}"
        r[f"{d}_note"] = f"note on {d}"
    r.update(extra)
    return r


LLAMA_LIKE = {  # restricted weights, paper, model card: 1 + 0.5 + 1 + 0.5 + 0.5 = 3.5 ... see test
    "base_weights": "partial", "finetuned_weights": "partial", "license": "partial", "preprint": "open",
    "model_card": "partial", "architecture_docs": "partial", "api": "partial", "source_code": "partial",
}
OPENNESS = pd.DataFrame([
    row("olmo-like", ALL_OPEN),
    row("llama-like", LLAMA_LIKE, license_type="restricted-open-weights"),
    row("closed-model", {"api": "partial", "model_card": "partial"}, license_type="proprietary"),
])


# --- the 14-dimension index -----------------------------------------------------------------------------------

def test_scores_and_subscores_exact():
    s = op.score_codes(ALL_OPEN)
    assert (s.score, s.max_score, s.availability, s.documentation, s.access) == (14, 14, 6, 6, 2)
    s = op.score_codes({**{d: "closed" for d in op.DIMENSIONS}, **LLAMA_LIKE})
    # availability: source 0.5 + base 0.5 + ft 0.5 + licence 0.5 = 2; documentation: arch 0.5 + preprint 1 +
    # card 0.5 = 2; access: api 0.5
    assert (s.availability, s.documentation, s.access, s.score) == (2.0, 2.0, 0.5, 4.5)
    assert (s.n_open, s.n_partial, s.n_closed) == (1, 7, 6)


def test_partial_coding_scores_only_present_dimensions():
    s = op.score_codes({"source_code": "open", "api": "partial", "paper": None})
    assert s.n_dims == 2 and s.max_score == 2 and s.score == 1.5
    assert "paper" in s.missing
    with pytest.raises(AnalysisError, match="open, partial or closed"):
        op.score_codes({"source_code": "mostly"})
    with pytest.raises(AnalysisError):
        op.score_codes({})


def test_mof_and_osaid_mappings():
    assert op.mof_class(ALL_OPEN, "osi-approved").mof_class == "I"
    assert op.osaid_assessment(ALL_OPEN, "osi-approved").meets
    llama = {**{d: "closed" for d in op.DIMENSIONS}, **LLAMA_LIKE}
    m = op.mof_class(llama, "restricted-open-weights")
    assert m.mof_class is None and "Model parameters (Final)" in m.unmet["III"]
    o = op.osaid_assessment(llama, "restricted-open-weights")
    assert not o.meets and set(o.missing) == {"data information", "code", "parameters"}
    # open weights under an OSI licence with documentation, but no open code/data: class III only
    c3 = {**{d: "closed" for d in op.DIMENSIONS}, "finetuned_weights": "open", "base_weights": "open",
          "architecture_docs": "partial", "preprint": "open", "model_card": "open", "datasheet": "partial",
          "license": "open"}
    assert op.mof_class(c3, "osi-approved").mof_class == "III"
    assert op.osaid_assessment(c3, "osi-approved").missing == ("data information", "code")
    # without license_type the licence dimension decides
    assert op.mof_class(c3).mof_class == "III"
    assert op.mof_class({**c3, "license": "partial"}).mof_class is None
    # an OSI licence does not rescue weights that are not open
    assert op.mof_class({**c3, "finetuned_weights": "partial"}, "osi-approved").mof_class is None


def test_openness_scores_table_and_ranks():
    t = op.openness_scores(OPENNESS).set_index("model_id")
    assert t.loc["olmo-like", "score"] == 14 and t.loc["olmo-like", "rank"] == 1
    assert t.loc["llama-like", "score"] == 4.5 and pd.isna(t.loc["llama-like", "mof_class"])
    assert t.loc["closed-model", "score"] == 1.0 and t.loc["closed-model", "rank"] == 3
    assert bool(t.loc["olmo-like", "osaid_meets"]) and not bool(t.loc["llama-like", "osaid_meets"])
    with pytest.raises(AnalysisError, match="lacks dimension"):
        op.openness_scores(OPENNESS.drop(columns=["api"]))


def test_explain_openness_lists_codes_evidence_and_notes():
    ex = op.explain_openness(OPENNESS, "llama-like")
    comp = ex.components.set_index("dimension")
    assert list(ex.components["dimension"]) == list(op.DIMENSIONS)
    assert comp.loc["preprint", "code"] == "open" and comp.loc["preprint", "points"] == 1.0
    assert comp.loc["license", "evidence"] == "https://example.org/llama-like/license"
    assert comp.loc["license", "note"] == "note on license"
    assert ex.components["points"].sum() == ex.score.score == 4.5
    assert "4.5/14" in ex.summary() and "no MOF class" in ex.summary()
    d = ex.to_dict()
    assert d["score"] == 4.5 and len(d["components"]) == 14
    with pytest.raises(AnalysisError, match="no openness assessment"):
        op.explain_openness(OPENNESS, "gpt-9")


def test_reference_converters():
    doc = {"trainingcode": {"class": "partial"}, "licenses": {"class": "closed"}, "weights_basemodel": {"class": "open"}}
    c = op.codes_from_eosai(doc)
    assert c["source_code"] == "partial" and c["license"] == "closed" and c["base_weights"] == "open"
    assert c["package"] is None and c["api"] is None
    r = {"opencode.class": "open", "rlweights.class": "partial", "api.class": "closed"}
    c = op.codes_from_opening_up(r)
    assert c["source_code"] == "open" and c["finetuned_weights"] == "partial" and c["api"] == "closed"


# --- open weights and open share ------------------------------------------------------------------------------

def models(rows):
    df = pd.DataFrame(rows, columns=["id", "release_date", "access", "organization_type", "country",
                                     "training_compute_flop", "organization"][: len(rows[0])])
    df["release_date"] = pd.to_datetime(df["release_date"])
    return df


SHARE_MODELS = pd.DataFrame({
    "id": ["a", "b", "c", "d", "e", "f", "g", "llama-like"],
    "release_date": pd.to_datetime(["2020-01-01", "2020-02-01", "2020-03-01", "2020-04-01", "2021-01-01",
                                    "2021-02-01", None, "2021-03-01"]),
    "access": ["open-weights-unrestricted", "open-weights-restricted", "api", "open-weights-non-commercial",
               "unreleased", None, "api", "api"],  # llama-like: 'api' decides, whatever the openness table says
    "organization_type": ["industry", "academia", "industry", "industry", "industry", "academia", "industry",
                          "industry"],
    "country": ["China", "France", "China", "China", "France", "France", "China", "France"],
})


def test_open_weights_flags_one_rule_from_access():
    """One rule (issue 12): accessibility decides; the openness table no longer overrides it."""
    from analysis.metrics.selection import open_flags

    f = op.open_weights_flags(SHARE_MODELS).set_index("id")
    assert bool(f.loc["a", "open_weights"]) and not bool(f.loc["c", "open_weights"])
    assert pd.isna(f.loc["f", "open_weights"]) and pd.isna(f.loc["f", "source"])
    assert not bool(f.loc["llama-like", "open_weights"]) and f.loc["llama-like", "source"] == "access"
    assert f["open_weights"].tolist() == open_flags(SHARE_MODELS).tolist()


def wilson(k, n, z=1.6448536269514722):  # 90% (two-sided), the toolkit's one default
    p = k / n
    centre = (p + z * z / (2 * n)) / (1 + z * z / n)
    half = z / (1 + z * z / n) * math.sqrt(p * (1 - p) / n + z * z / (4 * n * n))
    return centre - half, centre + half


def test_open_share_per_year_exact_wilson():
    r = op.open_share(SHARE_MODELS, method="wilson")
    s = r.table.set_index("year")
    assert s.loc[2020, "n"] == 4 and s.loc[2020, "k"] == 3 and s.loc[2020, "share"] == 0.75
    lo, hi = wilson(3, 4)
    assert s.loc[2020, "share_low"] == pytest.approx(lo) and s.loc[2020, "share_high"] == pytest.approx(hi)
    # 2021: e closed, f unknown (excluded, counted), llama-like closed by its access ('api')
    assert (s.loc[2021, "n"], s.loc[2021, "k"], s.loc[2021, "n_unknown"]) == (2, 0, 1)
    assert r.settings["confidence"] == 0.90
    assert r.settings["n_no_date"] == 1 and r.settings["n_unknown"] == 1


def test_open_share_clopper_pearson_and_groups():
    from scipy.stats import beta

    s = op.open_share(SHARE_MODELS, method="clopper-pearson", confidence=0.95).table.set_index("year")
    assert s.loc[2020, "share_low"] == pytest.approx(beta.ppf(0.025, 3, 2))
    assert s.loc[2020, "share_high"] == pytest.approx(beta.ppf(0.975, 4, 1))
    g = op.open_share(SHARE_MODELS, by="country", per_year=False).table.set_index("group")
    assert (g.loc["China", "n"], g.loc["China", "k"]) == (3, 2)
    o = op.open_share(SHARE_MODELS, by="org").table.set_index(["year", "group"])
    assert o.loc[(2020, "academia"), "share"] == 1.0
    with pytest.raises(UsageError):
        op.open_share(SHARE_MODELS, by="planet")
    with pytest.raises(UsageError):
        op.open_share(SHARE_MODELS, method="jeffreys")


def test_open_share_by_access_category_sums_to_one():
    a = op.open_share(SHARE_MODELS, by="access").table
    for _, g in a.groupby("year"):
        assert g["share"].sum() == pytest.approx(1.0)
    y20 = a[a["year"] == 2020].set_index("group")["k"]
    assert y20["open-weights-unrestricted"] == 1 and y20["api"] == 1 and y20["unreleased"] == 0


def test_open_share_frontier_subset_uses_top_k():
    m = SHARE_MODELS.assign(training_compute_flop=[1e20, 1e21, 1e22, 1e19, 1e23, 1e18, 1e24, 1e17])
    s = op.open_share(m, subset="frontier", top_k=2).table.set_index("year")
    # frontier (top-2 at release): a, b, c (2020); e (2021). a, b open; c, e closed.
    assert (s.loc[2020, "n"], s.loc[2020, "k"]) == (3, 2) and (s.loc[2021, "n"], s.loc[2021, "k"]) == (1, 0)


@st.composite
def share_tables(draw):
    n = draw(st.integers(1, 40))
    acc = draw(st.lists(st.sampled_from(["open-weights-unrestricted", "api", "unreleased", "hosted", None,
                                         "open-weights-restricted"]), min_size=n, max_size=n))
    years = draw(st.lists(st.integers(2015, 2024), min_size=n, max_size=n))
    return pd.DataFrame({"id": [f"m{i}" for i in range(n)], "access": acc,
                         "release_date": pd.to_datetime([f"{y}-05-01" for y in years])})


@settings(max_examples=40, deadline=None)
@given(share_tables())
def test_property_shares_and_intervals(df):
    if df["access"].isna().all():
        with pytest.raises(AnalysisError, match="known access"):
            op.open_share(df)
        return
    r = op.open_share(df)
    s = r.table
    assert ((0 <= s["share_low"]) & (s["share_low"] <= s["share"] + 1e-12) & (s["share"] <= s["share_high"] + 1e-12)
            & (s["share_high"] <= 1)).all()
    a = op.open_share(df, by="access").table
    for _, g in a.groupby("year"):
        assert g["share"].sum() == pytest.approx(1.0)
    assert s["n"].sum() + r.settings["n_unknown"] == len(df)


# --- the lag --------------------------------------------------------------------------------------------------

def E(rows):
    return pd.DataFrame([{"model_id": m, "date": pd.Timestamp(d), "value": v, "open_weights": o}
                         for m, d, v, o in rows])


LAG = E([
    ("c1", "2020-01-01", 50.0, False), ("c2", "2021-01-01", 60.0, False), ("c3", "2022-01-01", 70.0, False),
    ("c0", "2021-06-01", 55.0, False),  # below the closed best: not a record
    ("o1", "2020-07-01", 55.0, True), ("o2", "2022-01-01", 60.0, True),  # reaches 60 exactly (a tie counts)
    ("o3", "2022-06-01", 65.0, True),
])


def test_lag_exact_months_and_censoring():
    """Hand computation of the median lag over levels. Closed records 50 (2020-01-01), 60 (2021-01-01), 70
    (2022-01-01); open records 55 (2020-07-01), 60 (2022-01-01), 65 (2022-06-01). Levels from the higher first level
    (55) to the closed top (70), in bands of width 5: (55, 60] closed 2021-01-01, open 2022-01-01 -> 365 days;
    (60, 65] closed 2022-01-01, open 2022-06-01 -> 151 days; (65, 70] not reached by open: censored at 151 days
    (to as_of 2022-06-01). Kaplan-Meier: S(151) = 1 - 5/15 = 2/3, S(365) = 0 -> median 365 days."""
    r = op.open_closed_lag(LAG, n_boot=500)
    cr = r.crossings
    assert cr["closed_model"].tolist() == ["c1", "c2", "c3"]
    assert cr["open_model"].tolist()[:2] == ["o1", "o2"]
    lags = [182 / DPM, 365 / DPM]  # 2020-01-01 -> 2020-07-01; 2021-01-01 -> 2022-01-01
    assert cr["lag_months"].tolist()[:2] == pytest.approx(lags)
    assert r.median_lag_months == pytest.approx(365 / DPM)
    assert r.share_censored_levels == pytest.approx(1 / 3)
    assert r.n == 7 and r.n_matched == 2 and r.n_censored == 1
    assert r.matched_median_lag_months == pytest.approx(np.median(lags))
    # crossings' Kaplan-Meier: 151 (censored), then 182 and 365 (events): S(182) = 1 - 1/2 -> median 182 days
    assert r.km_median_lag_months == pytest.approx(182 / DPM)
    lo, hi = r.lag_months_ci
    assert lo <= r.median_lag_months <= hi
    cens = r.censored.iloc[0]
    assert cens["closed_model"] == "c3" and cens["censored_months"] == pytest.approx(151 / DPM)  # to 2022-06-01
    assert r.window == (pd.Timestamp("2020-01-01"), pd.Timestamp("2022-06-01"))
    assert any("censored" in n for n in r.notes)
    d = r.to_dict()
    assert {"median_lag_months", "lag_months_ci", "crossings", "censored", "n", "window", "coverage"} <= set(d)
    assert len(d["crossings"]) == 2 and len(d["censored"]) == 1
    assert "coverage" in d["interval_kind"] and d["confidence"] == 0.9


def test_lag_levels_by_hand_helpers():
    days = np.array([0, 10, 20, 30])
    d, v, idx = op.records(days, np.array([5.0, 3.0, 7.0, 7.0]), np.array(list("abcd")))
    assert d.tolist() == [0, 20] and v.tolist() == [5.0, 7.0] and idx.tolist() == [0, 2]
    # top-2 over clusters: a model's later, better version replaces its earlier score
    d2, v2, _ = op.records(days, np.array([5.0, 3.0, 4.0, 6.0]), np.array(["a", "b", "b", "c"]), k=2)
    assert d2.tolist() == [10, 20, 30] and v2.tolist() == [3.0, 4.0, 5.0]
    w, lag, cens = op.level_lags(np.array([0, 10]), np.array([1.0, 3.0]), np.array([5, 40]), np.array([2.0, 4.0]),
                                 as_of=50)
    # bands (2, 3]: closed day 10, open day 40 -> 30
    assert w.tolist() == [1.0] and lag.tolist() == [30.0] and not cens.any()
    w, lag, cens = op.level_lags(np.array([0, 10]), np.array([1.0, 3.0]), np.array([5]), np.array([2.0]), as_of=50)
    assert lag.tolist() == [40.0] and cens.tolist() == [True]


def test_lag_bootstrap_is_seeded():
    a = op.open_closed_lag(LAG, seed=1, n_boot=300)
    b = op.open_closed_lag(LAG, seed=1, n_boot=300)
    assert a.lag_months_ci == b.lag_months_ci


def test_lag_negative_when_open_led_and_top_k():
    e = E([("o1", "2020-01-01", 80.0, True), ("c1", "2021-01-01", 70.0, False), ("c2", "2021-06-01", 75.0, False)])
    r = op.open_closed_lag(e)
    assert r.crossings["lag_months"].tolist() == pytest.approx([-366 / DPM, -517 / DPM])
    assert any("negative" in n for n in r.notes)
    # the closed frontier never rose above the open one's first level: no level to measure a lag at
    assert np.isnan(r.median_lag_months) and any("no level" in n for n in r.notes)
    # top-2: the closed second-best reaches 70 on 2021-06-01; the open second-best reaches 72 on 2022-01-01
    e2 = pd.concat([e, E([("o2", "2022-01-01", 72.0, True)])])
    r2 = op.open_closed_lag(e2, top_k=2)
    assert r2.crossings["level"].tolist() == [70.0]
    assert r2.crossings["lag_months"].tolist() == pytest.approx([214 / DPM])


def test_lag_one_crossing_has_no_interval_and_no_open_model_is_an_error():
    r = op.open_closed_lag(E([("c1", "2020-01-01", 50.0, False), ("o1", "2020-03-01", 50.0, True)]))
    assert r.n == 2 and r.matched_median_lag_months == pytest.approx(60 / DPM)
    assert np.isnan(r.median_lag_months) and all(np.isnan(r.lag_months_ci))
    assert r.meta.confidence is None and r.meta.interval_kind.startswith("none")
    with pytest.raises(AnalysisError, match="no open-weights model"):
        op.open_closed_lag(E([("c1", "2020-01-01", 50.0, False)]), benchmark="gpqa-diamond")
    with pytest.raises(AnalysisError, match="no closed model"):
        op.open_closed_lag(E([("o1", "2020-01-01", 50.0, True)]))
    r = op.open_closed_lag(E([("c1", "2020-01-01", 90.0, False), ("o1", "2020-03-01", 50.0, True)]))
    assert r.n_matched == 0 and np.isnan(r.median_lag_months) and r.n_censored == 1


def test_lag_all_levels_censored_is_infinite_not_a_number():
    e = E([("c1", "2020-01-01", 50.0, False), ("o1", "2020-02-01", 55.0, True), ("c2", "2020-06-01", 70.0, False)])
    r = op.open_closed_lag(e, n_boot=50)
    assert r.share_censored_levels == 1.0 and r.median_lag_months == float("inf")
    assert r.to_dict()["median_lag_months"] is None and any("have not reached" in n for n in r.notes)


MODELS = pd.DataFrame({
    "id": ["c1", "c2", "o1", "o2", "nodate"],
    "name": ["C1", "C2", "O1", "O2", "N"],
    "organization": ["X", "Y", "Z", "Z", "Z"],
    "release_date": pd.to_datetime(["2020-01-01", "2021-01-01", "2020-07-01", "2022-01-01", None]),
    "access": ["api", "unreleased", "open-weights-unrestricted", "open-weights-restricted", "open-weights-unrestricted"],
    "training_compute_flop": [1e23, 1e24, 2e23, 1e24, 1e26],
    "domain": ["language"] * 5,
})
BENCH = pd.DataFrame({
    "model_id": ["c1", "c1", "c2", "o1", "o2", "nodate", "ghost"],
    "benchmark": ["mmlu"] * 7, "setting": ["5-shot", "0-shot", "5-shot", "5-shot", "5-shot", "5-shot", "5-shot"],
    "score": [50.0, 52.0, 60.0, 55.0, 61.0, 99.0, 99.0],
})


def test_capability_lag_joins_models_and_drops_missing_dates():
    entries = op.benchmark_entries(BENCH, MODELS, "mmlu", setting="any")
    e = entries.table
    assert set(e["model_id"]) == {"c1", "c2", "o1", "o2"}
    assert entries.settings["n_not_in_models"] == 1 and entries.settings["n_no_date"] == 1
    assert e.set_index("model_id").loc["c1", "value"] == 52.0  # best over settings, only when asked
    r = op.capability_lag(BENCH, MODELS, "mmlu", setting="any", n_boot=200)
    assert r.crossings["lag_months"].tolist() == pytest.approx([182 / DPM, 365 / DPM])
    # levels (55, 60]: closed 2021-01-01, open (61) 2022-01-01
    assert r.median_lag_months == pytest.approx(365 / DPM)
    assert r.setting == "any" and any("mixes protocols" in n for n in r.notes)
    # the default never mixes settings: MMLU 5-shot (analysis.constants.LAG_DEFAULT_SETTING), dated by release
    r5 = op.capability_lag(BENCH, MODELS, "mmlu", n_boot=200)
    assert r5.crossings["level"].tolist() == [50.0, 60.0] and r5.setting == "5-shot"
    assert r5.date_basis == "release date"
    ev = op.capability_lag(BENCH.assign(date="2023-01-01"), MODELS, "mmlu", n_boot=50, date_by="evaluation")
    assert ev.date_basis.startswith("evaluation date where known") and ev.window[0] == pd.Timestamp("2023-01-01")
    with pytest.raises(AnalysisError, match="no scores for benchmark 'hle'"):
        op.capability_lag(BENCH, MODELS, "hle")


def test_compute_lag_from_models():
    r = op.compute_lag(MODELS, n_boot=200)
    # closed 1e23 (2020-01-01) reached by o1 2e23 (2020-07-01); closed 1e24 (2021-01-01) by o2 (2022-01-01)
    assert r.crossings["lag_months"].tolist() == pytest.approx([182 / DPM, 365 / DPM])
    # levels in log10 FLOP from 23.3 (o1's first) to 24: closed 2021-01-01, open 2022-01-01
    assert r.metric == "compute" and r.n == 4 and r.median_lag_months == pytest.approx(365 / DPM)
    # organizations X, Y (closed) and Z (open): one open cluster, no interval
    assert r.n_clusters == 3 and all(np.isnan(r.lag_months_ci))
    r = op.compute_lag(MODELS, until="2021-06-30", n_boot=200)
    assert r.n_matched == 1 and r.n_censored == 1 and r.share_censored_levels == 1.0


# --- transparency ---------------------------------------------------------------------------------------------

FMTI = pd.DataFrame({
    "developer": ["Meta", "OpenAI", "Meta", "OpenAI", "IBM", "Meta"],
    "edition": ["2023-10", "2023-10", "2024-05", "2024-05", "2025-12", "2025-12"],
    "score": [54.0, 48.0, 60.0, 49.0, 95.0, 31.0],
})


def test_transparency_changes_and_summary():
    c = op.transparency_changes(FMTI).set_index(["developer", "edition"])
    assert c.loc[("Meta", "2024-05"), "change"] == 6 and c.loc[("Meta", "2025-12"), "change"] == -29
    assert c.loc[("Meta", "2025-12"), "change_from_first"] == -23 and c.loc[("Meta", "2025-12"), "n_editions"] == 3
    assert pd.isna(c.loc[("IBM", "2025-12"), "change"])
    s = op.transparency_summary(FMTI).set_index("edition")
    assert s.loc["2023-10", "mean"] == 51 and s.loc["2025-12", "top_developer"] == "IBM"
    assert list(s.index) == ["2023-10", "2024-05", "2025-12"]
    with pytest.raises(AnalysisError, match="twice"):
        op.transparency_changes(pd.concat([FMTI, FMTI.iloc[:1]]))


def test_fmti_totals_from_indicator_table():
    t = pd.DataFrame({"Domain": ["Upstream", "Model", "Downstream", None], "Indicator": ["a", "b", "c", "Total"],
                      "X": [1, 1, 0, 2], "Y": [0, 1, 1, 2]})
    out = op.fmti_scores_from_indicators(t, "2023-10").set_index("developer")
    assert out.loc["X", "score"] == 2 and out.loc["X", "upstream_score"] == 1 and out.loc["Y", "downstream_score"] == 1
    with pytest.raises(AnalysisError):
        op.fmti_scores_from_indicators(t.assign(X=[1, 2, 0, 2]), "2023-10")


# --- CLI ------------------------------------------------------------------------------------------------------

@pytest.fixture
def fake_data(monkeypatch):
    from analysis.data import dataset as data

    def fake_load(spec=None, **kw):
        empty = pd.DataFrame()
        return Dataset(models=MODELS, benchmarks=BENCH, openness=OPENNESS, transparency=empty, hardware=empty,
                       spec="test", files=())

    monkeypatch.setattr(data, "load", fake_load)


def test_cli_lag_json(fake_data, capsys):
    assert main(["lag", "--json"]) == 0
    out = json.loads(capsys.readouterr().out)
    assert out["median_lag_months"] == pytest.approx(365 / DPM)
    assert len(out["lag_months_ci"]) == 2 and out["n"] == 4 and len(out["crossings"]) == 2
    assert out["window"] == ["2020-01-01", "2022-01-01"] and out["benchmark"] == "mmlu"
    assert main(["lag", "--metric", "compute", "--json"]) == 0
    assert json.loads(capsys.readouterr().out)["metric"] == "compute"
    assert main(["lag"]) == 0
    assert "median lag" in capsys.readouterr().out


def test_cli_lag_errors(fake_data, capsys):
    assert main(["lag", "--benchmark", "gpqa-diamond"]) == 1
    assert "no scores for benchmark 'gpqa-diamond'" in capsys.readouterr().err
    assert main(["lag", "--until", "last tuesday"]) == 2
    assert "--until" in capsys.readouterr().err


def test_cli_openness_share_and_score(fake_data, capsys):
    assert main(["openness", "--json"]) == 0
    out = json.loads(capsys.readouterr().out)
    rows = {r["year"]: r for r in out["rows"]}
    assert rows[2020]["share"] == 0.5 and len(rows[2020]["share_ci"]) == 2
    assert main(["openness", "--by", "access"]) == 0
    assert "open-weights-unrestricted" in capsys.readouterr().out
    assert main(["openness-score", "llama-like", "--json"]) == 0
    out = json.loads(capsys.readouterr().out)
    assert out["score"] == 4.5 and out["mof_class"] is None and len(out["components"]) == 14
    assert main(["openness-score", "llama-like"]) == 0
    assert "4.5/14" in capsys.readouterr().out
    assert main(["openness-score", "gpt-9"]) == 1
    assert "no openness assessment" in capsys.readouterr().err
