"""Spillovers from Epoch AI's 'Base model' column: counts checked against an independent pandas count on the
pinned notable-models snapshot (data/upstream/epoch-ai/2026-07-19, always in the repo), explicit matching, family
rules, Llama 3's derivatives, and coverage of the intervals on synthetic data."""

from __future__ import annotations

import json
import re

import numpy as np
import pandas as pd
import pytest

from analysis.cli.main import main
from analysis.data import dataset as data
from analysis.data import upstream
from analysis.errors import AnalysisError, UsageError
from analysis.metrics import spillovers as sp

SNAP = upstream.find("notable_ai_models", "2026-07-19")


@pytest.fixture(scope="module")
def models():
    return data.load(f"epoch-raw:{SNAP.path}").models  # Epoch's file as published (no overlay), as the raw count


@pytest.fixture(scope="module")
def deriv(models):
    return sp.derivatives(models)


@pytest.fixture(scope="module")
def raw():
    return pd.read_csv(SNAP.path)


def norm(s: pd.Series) -> pd.Series:
    return s.astype(str).str.strip().str.lower().str.replace(r"\s+", " ", regex=True)


# A later dated snapshot of a model ("GPT-4o (Aug 2024)", "GPT-4 (Jun 2023)"): its name is another row's (same
# Organization cell) plus a month-year or date in parentheses, and that row is older. Written here independently of
# analysis.metrics.selection (which also merges organization spellings; in this snapshot every such pair shares its
# Organization cell).
_DATED = r"\s*\((?:[A-Z][a-z]{2,8}\.? \d{4}|\d{4}-\d{2}(?:-\d{2})?|(?:0[1-9]|1[0-2])(?:0[1-9]|[12]\d|3[01]))\)$"


def later_snapshots(raw: pd.DataFrame) -> pd.Series:
    name = raw["Model"].fillna("").str.strip()
    t = raw.assign(stem=name.str.replace(_DATED, "", regex=True), dated=name.str.contains(_DATED, regex=True),
                   Organization=raw["Organization"].fillna(""),
                   date=pd.to_datetime(raw["Publication date"], errors="coerce"), pos=range(len(raw)))
    grouped = t.groupby(["stem", "Organization"])["dated"].transform("any")
    first = t[grouped].sort_values(["date", "pos"]).drop_duplicates(["stem", "Organization"]).index
    return grouped & ~t.index.isin(first)


def test_counts_equal_independent_pandas_count(deriv, raw):
    later = later_snapshots(raw)
    assert int(later.sum()) == 11  # GPT-4o x4, Gemini 2.5 Pro x2, GPT-4 Turbo, GPT-4, DeepSeek-V3, -R1, Qwen3-235B
    raw = raw[~later]  # versions of one model are one model: not a derivative of their previous snapshot
    r = raw[raw["Base model"].notna() & raw["Model"].notna() & raw["Publication date"].notna()].copy()
    r["year"] = pd.to_datetime(r["Publication date"]).dt.year
    pairs = r.assign(base=r["Base model"].str.split(",")).explode("base")
    pairs["base"] = norm(pairs["base"])
    pairs = pairs[pairs["base"] != ""]
    names = raw.assign(key=norm(raw["Model"])).drop_duplicates("key").set_index("key")["Model accessibility"]
    pairs["matched"] = pairs["base"].isin(names.index)
    pairs["base_acc"] = pairs["base"].map(names)
    # pairs and exact matches
    assert len(deriv) == len(pairs)
    assert int((deriv["base_match"] == "exact").sum()) == int(pairs["matched"].sum())
    # derivatives per year
    counts = sp.spillover_counts(deriv, "year").table.set_index("year")
    expect = r.groupby("year").size()
    assert counts["n_derivatives"].to_dict() == expect.to_dict()
    # derivatives per year built on a matched open-weights base (Epoch accessibility 'Open weights (...)')
    open_matched = pairs[pairs["base_acc"].astype(str).str.startswith("Open weights")]
    expect_open = open_matched.groupby("year")["Model"].nunique()
    mine = deriv[(deriv["base_open_source"] == "matched-access") & (deriv["base_open"] == True)]  # noqa: E712
    assert mine.groupby("year")["derivative"].nunique().to_dict() == expect_open.to_dict()
    # per family: every pair is counted once
    fam = sp.spillover_counts(deriv, "family").table
    assert fam["n_derivatives"].sum() == len(pairs)
    assert (fam["n_open_base"] + fam["n_closed_base"] + fam["n_unknown_base"] == fam["n_derivatives"]).all()


def test_unmatched_bases_are_not_notable_models(deriv, raw):
    """The alias table is not needed on this vintage: no unmatched base is a notable model under another spelling
    (compared after removing every non-alphanumeric character)."""
    squash = lambda s: re.sub(r"[^a-z0-9]", "", s.lower())  # noqa: E731
    notable = {squash(n) for n in raw["Model"].dropna()}
    unmatched = deriv.loc[deriv["base_match"] == "unmatched", "base"].unique()
    assert len(unmatched) > 10
    assert not [b for b in unmatched if squash(b) in notable]


def test_matching_rules_and_family():
    m = pd.DataFrame({
        "name": ["Llama 3-70B", "GPT-4 (Mar 2023)", "Tuned A", "Tuned B", "Tuned C", "Meta tune"],
        "organization": ["Meta AI", "OpenAI", "Lab X", "Lab Y", "Lab Z", "Meta AI"],
        "release_date": pd.to_datetime(["2024-04-18", "2023-03-14", "2024-06-18", "2023-09-14", "2024-01-01",
                                        "2024-05-01"]),
        "access": ["open-weights-restricted", "api", "open-weights-unrestricted", "api", None, None],
        "base_model": [None, None, "  llama 3-70b ", "GPT-4", "Qwen-7B,Unknown Net", "Llama 3-70B"],
    })
    d = sp.derivatives(m)
    a = d[d["derivative"] == "Tuned A"].iloc[0]
    assert a["base_match"] == "exact" and a["base_open"] and a["outside"] and a["base_family"] == "Llama"
    b = d[d["derivative"] == "Tuned B"].iloc[0]
    assert b["base_match"] == "alias" and b["base_model"] == "GPT-4 (Mar 2023)" and b["base_open"] == False  # noqa: E712
    c = d[d["derivative"] == "Tuned C"]
    assert c["base_family"].tolist() == ["Qwen", "other"] and c["base_open"].isna().all()  # Qwen is mixed
    assert not d[d["derivative"] == "Meta tune"]["outside"].iloc[0]
    t = sp.time_to_first_derivative(d)
    assert t.n == 1 and t.median_months == pytest.approx(13 / (365.25 / 12))  # 2024-04-18 -> 2024-05-01: 13 days
    assert sp.llama3_derivatives(d)["derivative"].tolist() == ["Meta tune", "Tuned A"]
    with pytest.raises(UsageError):
        sp.spillover_counts(d, "decade")
    with pytest.raises(AnalysisError, match="Base model"):
        sp.derivatives(m.drop(columns="base_model"))


def test_llama3_derivatives_on_the_snapshot(deriv, raw):
    got = set(sp.llama3_derivatives(deriv)["derivative"])
    b = raw["Base model"].fillna("")
    expect = set(raw.loc[b.str.contains(r"(?:^|,)\s*Llama 3(?:\.[013])?[- ]", regex=True), "Model"])
    assert got == expect and len(got) >= 1


def test_cli_spillovers(capsys):
    assert main(["spillovers", "--by", "family", "--json"]) == 0
    out = json.loads(capsys.readouterr().out)
    assert out["by"] == "family" and out["rows"] and "share_outside_ci" in out["rows"][0]
    assert "median_months_ci" in out["time_to_first_derivative"]
    assert main(["spillovers", "--by", "decade"]) == 2


@pytest.mark.slow
def test_share_outside_and_median_interval_coverage():
    """Wilson 95% interval of a share (n = 20, p = 0.7) and the bootstrap 90% interval of the median time to a
    first derivative (log-normal, n = 34 bases like the snapshot, true median 6 months)."""
    rng = np.random.default_rng(5)
    reps = 1000
    k = rng.binomial(20, 0.7, reps)
    lo, hi = sp.wilson(k, np.full(reps, 20), 0.95)
    cover = np.mean((lo <= 0.7) & (0.7 <= hi))
    assert 0.93 <= cover <= 0.98, cover
    hits = 0
    for r in range(300):
        x = np.exp(rng.normal(np.log(6.0), 0.8, 34))
        a, b = sp.median_ci(x, 0.90, 1000, seed=r)
        hits += a <= 6.0 <= b
    assert 0.85 <= hits / 300 <= 0.96, hits / 300
