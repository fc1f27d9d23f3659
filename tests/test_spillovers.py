"""Spillovers from Epoch AI's 'Base model' column: counts checked against an independent pandas count on the
pinned notable-models snapshot (data/upstream/epoch-ai/2026-07-19, always in the repo), explicit matching, family
rules, Llama 3's derivatives, and coverage of the intervals on synthetic data."""

from __future__ import annotations

import json
import math
import re

import numpy as np
import pandas as pd
import pytest

from analysis.cli.main import main
from analysis.data import dataset as data
from analysis.data import upstream
from analysis.errors import AnalysisError, UsageError
from analysis.metrics import spillovers as sp
from tests.conftest import clustered_wilson_by_hand

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


def _clustered_table() -> pd.DataFrame:
    """Nine open-base derivatives of 2024 with a known developer, in four organization clusters (parent families):
    Meta 4 (2 on Llama, its own base, 2 on Google's Gemma: outside), Lab X 2 (on Llama: outside), Google 2 (Google
    DeepMind and Google on Gemma: not outside), Lab Y 1 (outside); plus one derivative without an organization
    (outside unknown) and one on a closed base, both left out of the share."""
    rows = [("Llama 3-70B", "Meta AI", "2024-04-18", "open-weights-restricted", None),
            ("M1", "Meta AI", "2024-05-01", None, "Llama 3-70B"), ("M2", "Facebook AI Research", "2024-05-02", None,
                                                                     "Llama 3-70B"),
            ("M3", "Meta AI", "2024-05-03", None, "Gemma-7B"), ("M4", "FAIR", "2024-05-04", None, "Gemma-7B"),
            ("X1", "Lab X", "2024-06-01", None, "Llama 3-70B"), ("X2", "Lab X", "2024-06-02", None, "Llama 3-70B"),
            ("G1", "Google DeepMind", "2024-07-01", None, "Gemma-7B"), ("G2", "Google", "2024-07-02", None, "Gemma-7B"),
            ("Y1", "Lab Y", "2024-08-01", None, "Llama 3-70B"), ("Z1", None, "2024-09-01", None, "Llama 3-70B"),
            ("C1", "Lab X", "2024-10-01", None, "GPT-4")]
    return pd.DataFrame(rows, columns=["name", "organization", "release_date", "access", "base_model"]).assign(
        release_date=lambda d: pd.to_datetime(d["release_date"]))


def test_share_outside_interval_allows_for_organizations_by_hand():
    """The default interval of the share outside: y = (2, 2, 0, 1) outside of m = (4, 2, 2, 1) derivatives per
    organization cluster (k = 5 of n = 9). The cluster-robust variance of the share is statsmodels' CR1 variance of
    an intercept-only OLS clustered by organization (its correction G/(G-1) (n-1)/(n-k) is G/(G-1) for one
    parameter); design effect, Satterthwaite df and the Wilson bounds at the effective n are computed here."""
    import statsmodels.api as sm
    from scipy.stats import norm as normal

    d = sp.derivatives(_clustered_table())
    units = d[(d["base_open"] == True) & d["outside"].notna()]  # noqa: E712
    assert sorted(units["derivative"]) == ["G1", "G2", "M1", "M2", "M3", "M4", "X1", "X2", "Y1"]
    y = units["outside"].astype(float).to_numpy()
    clusters = units["derivative_organization"].map({"Meta AI": 0, "Facebook AI Research": 0, "FAIR": 0, "Lab X": 1,
                                                     "Google DeepMind": 2, "Google": 2, "Lab Y": 3}).to_numpy()
    n, k, p = 9, 5, 5 / 9
    assert y.sum() == k
    fit = sm.OLS(y, np.ones(n)).fit(cov_type="cluster", cov_kwds={"groups": clusters})
    assert fit.params[0] == pytest.approx(p)
    deff = fit.bse[0] ** 2 / (p * (1 - p) / n)
    m = np.array([4.0, 2.0, 2.0, 1.0])
    deff_max = (m ** 2).sum() / n  # 25/9: every organization's derivatives alike
    assert 1 < deff < deff_max  # estimated, not clipped: 1.364
    low, high = clustered_wilson_by_hand(p, n, m, deff)
    r = sp.spillover_counts(d, "year")
    row = r.table.set_index("year").loc[2024]
    assert (row["n_outside"], row["n_outside_known"], row["n_outside_orgs"]) == (5, 9, 4)
    assert (row["share_outside_low"], row["share_outside_high"]) == pytest.approx((low, high),
                                                                                  rel=1e-9)
    assert row["n_outside_eff"] == pytest.approx(n / deff, rel=1e-9)
    assert r.settings["method"] == "organizations" and "effective n of organization clusters" in r.meta.interval_kind
    pooled = sp.outside_share(d).table.iloc[0]  # one year: the pooled share is the year's
    assert (pooled["share_outside_low"], pooled["share_outside_high"]) == pytest.approx((low, high))
    # Wilson (method="wilson"): the score interval of 5 of 9, derivatives treated as independent, narrower here
    z = normal.ppf(0.95)  # the binomial Wilson interval, for comparison
    wc = (p + z * z / (2 * n)) / (1 + z * z / n)
    wh = z / (1 + z * z / n) * math.sqrt(p * (1 - p) / n + z * z / (4 * n ** 2))
    w_row = sp.spillover_counts(d, "year", method="wilson").table.set_index("year").loc[2024]
    assert (w_row["share_outside_low"], w_row["share_outside_high"]) == pytest.approx((wc - wh, wc + wh), rel=1e-9)
    assert w_row["n_outside_eff"] == n and low < wc - wh and wc + wh < high
    fam = sp.spillover_counts(d, "family").table.set_index("family")  # per family: Llama 3 of 5 known (Z1 unknown)
    assert (fam.loc["Llama", "n_outside"], fam.loc["Llama", "n_outside_known"]) == (3, 5)
    assert fam.loc["Llama", "n_outside_orgs"] == 3
    with pytest.raises(UsageError, match="interval method"):
        sp.spillover_counts(d, "year", method="bootstrap")


def test_derivatives_without_organization_are_their_own_cluster():
    u = pd.DataFrame({"derivative": ["a", "b", "a", "c"], "derivative_organization": [None, None, None, "Google DeepMind"]})
    c = sp.outside_clusters(u)
    assert c.iloc[0] == c.iloc[2] != c.iloc[1] and c.iloc[3] == "Google"


def anova_icc(y: np.ndarray, groups: np.ndarray) -> float:
    """One-way ANOVA estimator of the intra-class correlation of y by group (unequal sizes: n0 of Searle)."""
    df = pd.DataFrame({"y": y, "g": groups})
    g = df.groupby("g")["y"]
    m, means, p = g.size().to_numpy(float), g.mean().to_numpy(), df["y"].mean()
    n, k = m.sum(), len(m)
    msb = (m * (means - p) ** 2).sum() / (k - 1)
    msw = ((df["y"] - g.transform("mean")) ** 2).sum() / (n - k)
    n0 = (n - (m ** 2).sum() / n) / (k - 1)
    return float((msb - msw) / (msb + (n0 - 1) * msw))


def test_outside_simulation_is_like_the_data():
    """The first set-up of the share-outside coverage simulation (tests/test_intervals.py) is the report's table:
    the pooled open-base derivatives with a known developer of the default data (pinned export + overlay), their
    organization clusters and share, and the intra-class correlation of 'outside' by organization estimated on them."""
    from analysis.data.dataset import load_with_bases
    from tests.test_intervals import OUTSIDE_ICC, OUTSIDE_SETUPS

    d = sp.derivatives(load_with_bases(None).models)
    row = sp.outside_share(d).table.iloc[0]
    assert OUTSIDE_SETUPS[0] == (row["n_outside_known"], row["n_outside_orgs"], round(row["share_outside"], 2))
    units = d[(d["base_open"] == True) & d["outside"].notna() & d["year"].notna()]  # noqa: E712
    units = units.groupby("derivative").agg(org=("derivative_organization", "first"), y=("outside", "max"))
    assert len(units) == row["n_outside_known"]
    clusters = sp.outside_clusters(units.reset_index().rename(columns={"org": "derivative_organization"}))
    assert round(anova_icc(units["y"].astype(float).to_numpy(), clusters.to_numpy()), 2) == OUTSIDE_ICC


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
    """Wilson 95% interval of a share outside (method="wilson"; n = 20 independent derivatives, each from its own
    organization, p = 0.7) and the bootstrap 90% interval of the median time to a first derivative (log-normal,
    n = 34 bases like the snapshot, true median 6 months). The default interval's coverage with and without
    organization dependence: tests/test_intervals.py."""
    rng = np.random.default_rng(5)
    reps = 1000
    years = np.repeat(np.arange(1000, 1000 + reps), 20)
    deriv = pd.DataFrame({"derivative": [f"d{i}" for i in range(len(years))],
                          "derivative_organization": [f"Lab {i}" for i in range(len(years))],
                          "derivative_date": pd.to_datetime([f"{y}-06-01" for y in years], format="%Y-%m-%d"),
                          "year": pd.array(years, dtype="Int64"), "base_open": pd.array([True] * len(years)),
                          "outside": pd.array(rng.random(len(years)) < 0.7, dtype="boolean")})
    t = sp.spillover_counts(deriv, "year", confidence=0.95, method="wilson").table
    cover = np.mean((t["share_outside_low"] <= 0.7) & (0.7 <= t["share_outside_high"]))
    assert 0.93 <= cover <= 0.98, cover
    hits = 0
    for r in range(300):
        x = np.exp(rng.normal(np.log(6.0), 0.8, 34))
        a, b = sp.median_ci(x, 0.90, 1000, seed=r)
        hits += a <= 6.0 <= b
    assert 0.85 <= hits / 300 <= 0.96, hits / 300
