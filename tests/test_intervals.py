"""Intervals that hold their coverage (issue 12, item 2) and the one selection vocabulary (item 1).

Every coverage test draws synthetic data from a known truth, builds the nominal 90% interval with the library's
public functions, and checks the observed coverage is within 85-95% over 400 replications (the binomial s.e. of a
90% coverage over 400 runs is 1.5 points, so the band is about +-3 s.e.). Heavier ones are marked ``slow``.
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest
from statsmodels.stats.proportion import proportion_confint

from analysis.errors import UsageError
from analysis.metrics import competition as comp
from analysis.metrics import openness as op
from analysis.metrics import selection, trends, vocabulary
from analysis.metrics.trends import projections
from tests.conftest import clustered_wilson_by_hand

R = 400  # replications per coverage check
LOW, HIGH = 0.85, 0.95


def _market(rng, probs, n_models, years, orgs=None):
    """One row per model: each year's models drawn i.i.d. from the organization distribution ``probs``."""
    orgs = orgs or [f"Org {i}" for i in range(len(probs))]
    rows = []
    for y in years:
        for j, g in enumerate(rng.choice(len(probs), size=n_models, p=probs)):
            rows.append({"id": f"m{y}-{j}", "organization": orgs[g], "release_date": pd.Timestamp(f"{y}-06-01"),
                         "training_compute_flop": np.nan})
    return pd.DataFrame(rows)


# --- HHI ---------------------------------------------------------------------------------------------------------

@pytest.mark.slow
def test_hhi_estimate_is_unbiased_where_the_plug_in_is_not():
    """E[hhi_estimate] = true HHI (U-statistic); the plug-in is biased up by (1 - H)/n (0.074 here).

    Fails if the bias correction is removed (hhi_estimate = plug-in): the mean would sit ~0.074 above the truth,
    about 25 standard errors away.
    """
    p = np.array([0.4, 0.25, 0.15, 0.1, 0.1])
    truth = float(np.sum(p ** 2))  # 0.265
    c = comp.concentration(_market(np.random.default_rng(5), p, 10, range(1000, 3000)), harmonize=False,
                           n_boot=100).table
    assert len(c) == 2000
    se = c["hhi_estimate"].std() / math.sqrt(len(c))
    assert abs(c["hhi_estimate"].mean() - truth) < 3 * se
    assert c["hhi"].mean() - truth == pytest.approx((1 - truth) / 10, abs=4 * se)
    assert c["hhi_note"].str.contains("too few models").all()  # 10 models a year: no interval, said so


@pytest.mark.slow
@pytest.mark.parametrize("probs, n_models, high", [
    ([0.4, 0.25, 0.15, 0.1, 0.1], 30, None),  # 5 unequal organizations
    ([0.5, 0.3, 0.2], 20, None),  # 3 organizations
    # 5 equal organizations: the truth 1/5 is the smallest HHI five organizations can have, and the interval
    # over-covers there (99.0% measured; 99.3% with 50 equal organizations and 200 models): conservative, which the
    # README says. Real years are far from equal shares (Zipf-like, tests below).
    ([0.2] * 5, 40, 1.0),
])
def test_hhi_interval_coverage(probs, n_models, high):
    p = np.array(probs)
    truth = float(np.sum(p ** 2))
    c = comp.concentration(_market(np.random.default_rng(11), p, n_models, range(1000, 1000 + R)),
                           harmonize=False, n_boot=400).table
    assert c["hhi_low"].notna().all()  # >= 20 models a year: always an interval
    cover = ((c["hhi_low"] <= truth) & (truth <= c["hhi_high"])).mean()
    lo, hi = binomial_band(R, z=1.0)
    assert lo <= cover <= (high or hi), f"coverage {cover:.3f} for {probs} x {n_models}"


# Zipf-sized organizations (the k-th largest releases 1/k^s of the largest's share), as in real years: notable
# 2023 (117 models over about 120 organizations, HHI estimate 0.04) looks like 200 organizations with s = 1; frontier
# 2024 (20 models, 13 organizations, 0.06-0.10) like 30. (n_models, organizations, s):
HHI_SETUPS = [(n, g, 1.0) for n in (20, 40, 80, 120) for g in (10, 30, 80, 200)] + [(40, 30, 1.5), (120, 200, 0.7)]


def _zipf_shares(groups, s):
    w = 1.0 / np.arange(1, groups + 1) ** s
    return w / w.sum()


def hhi_coverage(n_models, groups, s, reps, seed, n_boot=1000):
    """Coverage of the 90% HHI interval of :func:`comp.concentration` over ``reps`` years of ``n_models`` models
    drawn from Zipf(``s``) shares over ``groups`` organizations, and the share of years that get an interval."""
    p = _zipf_shares(groups, s)
    truth = float(np.sum(p ** 2))
    c = comp.concentration(_market(np.random.default_rng(seed), p, n_models, range(1000, 1000 + reps)),
                           harmonize=False, n_boot=n_boot).table
    ok = c["hhi_low"].notna()
    return float(((c.loc[ok, "hhi_low"] <= truth) & (truth <= c.loc[ok, "hhi_high"])).mean()), float(ok.mean())


@pytest.mark.parametrize("n_models, groups", [(20, 30), (80, 200)])
def test_hhi_interval_coverage_zipf_cheap(n_models, groups):
    """Fast tier: 100 years each, fixed seeds; 85-95% widened by 2.33 binomial s.e. Every year of >= 20 models gets an
    interval (the former rule of 3 models per organization gave none here, nor in any real year)."""
    cover, shown = hhi_coverage(n_models, groups, 1.0, 100, seed=n_models * 1000 + groups, n_boot=400)
    lo, hi = binomial_band(100)
    assert shown == 1.0 and lo <= cover <= hi, f"coverage {cover:.3f} at {n_models} models, {groups} organizations"


@pytest.mark.slow
@pytest.mark.parametrize("n_models, groups, s", HHI_SETUPS)
def test_hhi_interval_coverage_zipf(n_models, groups, s):
    """400 years per cell; coverage within 85-95% widened by one binomial s.e. Measured values: README."""
    cover, shown = hhi_coverage(n_models, groups, s, R, seed=n_models * 1000 + groups)
    lo, hi = binomial_band(R, z=1.0)
    assert shown == 1.0 and lo <= cover <= hi, f"coverage {cover:.3f} at {n_models} models, {groups} orgs, s={s}"


def persistent_market(rng, n_per_year, groups=30, s=1.0, drift=0.3, years=3):
    """Organizations persist over ``years`` years with Zipf(s) shares whose log-weights take a random walk (sd
    ``drift`` a year); year t has ``n_per_year[t]`` models. Returns the models and the window's truth: the chance
    that two distinct models of the window come from one organization,
    Σ_g [(Σ_t n_t p_tg)² - Σ_t n_t p_tg²] / (N (N - 1))."""
    logw = np.log(_zipf_shares(groups, s))
    rows, shares = [], []
    for t, n in enumerate(n_per_year):
        if t:
            logw = logw + rng.normal(0, drift, groups)
        p = np.exp(logw) / np.exp(logw).sum()
        shares.append((n, p))
        for j, g in enumerate(rng.choice(groups, size=n, p=p)):
            rows.append({"id": f"m{t}-{j}", "organization": f"Org {g}", "release_date": pd.Timestamp(f"{2000 + t}-06-01"),
                         "training_compute_flop": np.nan})
    N = sum(n for n, _ in shares)
    tot = sum(n * p for n, p in shares)
    truth = (np.sum(tot ** 2) - sum(n * np.sum(p ** 2) for n, p in shares)) / (N * (N - 1))
    return pd.DataFrame(rows), float(truth)


def pooled_coverage(reps, seed, n_per_year=(8, 13, 10), groups=30, n_boot=400):
    """Coverage of the 3-year pooled interval (window_years=3) for the last year of a persistent market."""
    rng = np.random.default_rng(seed)
    hits = 0
    for r in range(reps):
        m, truth = persistent_market(rng, n_per_year, groups)
        row = comp.concentration(m, harmonize=False, n_boot=n_boot, window_years=3, seed=r).table.iloc[-1]
        assert row["window_start"] == 2000 and row["n_models"] == sum(n_per_year)
        hits += row["hhi_low"] <= truth <= row["hhi_high"]
    return hits / reps


def test_hhi_pooled_window_coverage_cheap():
    """Frontier-like windows (8, 13 and 10 models in three years, 30 organizations whose shares drift): the
    3-year pooled interval covers the window's truth in 85-95% widened by 2.33 binomial s.e. (80 windows)."""
    lo, hi = binomial_band(80)
    cover = pooled_coverage(80, seed=5)
    assert lo <= cover <= hi, f"coverage {cover:.3f}"


@pytest.mark.slow
@pytest.mark.parametrize("n_per_year", [(8, 13, 10), (6, 16, 20)])
def test_hhi_pooled_window_coverage(n_per_year):
    cover = pooled_coverage(R, seed=sum(n_per_year), n_per_year=n_per_year)
    lo, hi = binomial_band(R, z=1.0)
    assert lo <= cover <= hi, f"coverage {cover:.3f} for {n_per_year}"


def test_hhi_bootstrap_percentiles_are_the_central_quantiles():
    """Catches a wrong bootstrap quantile in the fast tier: with 2,000 models over 50 organizations nobody is seen
    once, so the bootstrap population is the observed shares and the U-statistic is close to normal with
    Hoeffding's exact variance; the percentile interval must be 2 x 1.645 of its s.d. wide (ratio 0.9-1.1;
    alpha instead of alpha/2 gives 0.78)."""
    from scipy import stats

    rng = np.random.default_rng(3)
    x = rng.multinomial(2000, _zipf_shares(50, 1.0)).astype(float)
    lo, hi = comp.hhi_interval(x, 2000, None, 0.9, n_boot=20_000, seed=1)
    sd = math.sqrt(comp.hhi_u_variance(x / 2000, 2000))
    assert 0.9 < (hi - lo) / (2 * stats.norm.ppf(0.95) * sd) < 1.1


def test_chao_population_by_hand():
    """Counts 3, 2, 1, 1 (n = 7): f1 = 2 organizations seen once, f2 = 1 seen twice. Coverage C = 1 - f1/n (n-1) f1 / ((n-1) f1 + 2 f2) = 1 - 2/7 * 12/14; f0 = (n-1)/n f1²/(2 f2) = 6/7 * 2 -> 2
    unseen organizations sharing 1 - C; the seen shares sum to C."""
    x = np.array([3.0, 2.0, 1.0, 1.0])
    p = comp.chao_population(x, 7)
    cover = 1 - 2 / 7 * 12 / 14
    assert len(p) == 6 and p.sum() == pytest.approx(1.0)
    assert p[:4].sum() == pytest.approx(cover) and p[4] == pytest.approx((1 - cover) / 2) == pytest.approx(p[5])
    # nobody seen once: the observed shares themselves
    assert comp.chao_population(np.array([4.0, 2.0]), 6) == pytest.approx([4 / 6, 2 / 6])


def test_hhi_u_variance_by_hand_and_by_simulation():
    """Hoeffding's variance of the U-statistic: two models over two equal groups is a fair coin (variance 1/4);
    for a larger market it matches the variance of simulated estimates."""
    assert comp.hhi_u_variance(np.array([0.5, 0.5]), 2) == pytest.approx(0.25)
    assert comp.hhi_u_variance(np.array([1.0]), 50) == pytest.approx(0.0)  # a monopoly: always exactly 1
    rng = np.random.default_rng(0)
    p = np.array([0.4, 0.3, 0.2, 0.1])
    sims = comp._hhi_u_counts(rng.multinomial(60, p, size=200_000), 60)
    assert sims.mean() == pytest.approx(np.sum(p ** 2), abs=1e-3)
    assert sims.var() == pytest.approx(comp.hhi_u_variance(p, 60), rel=0.02)


def _direct_coverage(rng, p, n_models, reps, n_boot=400):
    truth = float(np.sum(p ** 2))
    hit = 0
    for r in range(reps):
        x = rng.multinomial(n_models, p)
        x = x[x > 0].astype(float)
        lo, hi = comp.hhi_interval(x, n_models, None, 0.9, n_boot=n_boot, seed=r)
        hit += lo <= truth <= hi
    return hit / reps


@pytest.mark.slow
@pytest.mark.parametrize("n_models, groups, reps", [(300, 30, 200), (200, 20, 200), (1500, 50, 200),
                                                    (500, 5, 200), (600, 200, 200)])
def test_hhi_interval_coverage_with_many_models(n_models, groups, reps):
    """Large years (100k-row exports have about 2,000 models a year): unequal shares, Dirichlet(0.7)."""
    rng = np.random.default_rng(groups)
    p = rng.dirichlet(np.full(groups, 0.7))
    cover = _direct_coverage(rng, p, n_models, reps)
    lo, hi = binomial_band(reps, z=1.0)
    assert lo <= cover <= hi, f"coverage {cover:.3f} at {n_models} models over {groups} groups"


def test_hhi_too_few_models_is_said_not_guessed():
    """8 equal organizations, 10 models a year (the review's 3%-coverage case): no interval, a note instead."""
    c = comp.concentration(_market(np.random.default_rng(3), np.full(8, 1 / 8), 10, range(2000, 2040)),
                           harmonize=False).table
    assert c["hhi_low"].isna().all() and c["hhi_note"].str.startswith("too few models").all()


def test_hhi_memory_is_linear_in_models():
    """5,000 models in one year (the review saw 186 GiB requested): runs, and fast."""
    import time

    rng = np.random.default_rng(0)
    p = np.full(50, 1 / 50)
    t0 = time.perf_counter()
    c = comp.concentration(_market(rng, p, 5000, [2024]), harmonize=False, n_boot=200).table
    assert time.perf_counter() - t0 < 60
    assert c.loc[0, "hhi_low"] <= 0.02 + 1e-12 and 0.02 <= c.loc[0, "hhi_high"]


def test_bootstrap_cap_is_a_clear_error():
    m = _market(np.random.default_rng(0), [0.5, 0.5], 4, [2020])
    with pytest.raises(UsageError, match="maximum of 100,000"):
        comp.concentration(m, n_boot=selection.MAX_BOOTSTRAP + 1)
    with pytest.raises(UsageError, match="maximum"):
        trends.fit_trend(pd.DataFrame({"release_date": pd.to_datetime(["2020-01-01", "2021-01-01", "2022-01-01"]),
                                       "training_compute_flop": [1e20, 1e21, 1e22]}),
                         method="bootstrap", n_boot=10 ** 7)


def test_cli_bootstrap_cap_exit_2(capsys):
    from analysis.cli.main import main

    # refused while parsing the arguments (the declared validator is the argparse type): exit 2
    assert main(["concentration", "--bootstrap", "1000001"]) == 2
    err = capsys.readouterr().err
    assert err.startswith("error: ") and "at most 100,000" in err and err.count("\n") == 1


# --- organizations -------------------------------------------------------------------------------------------------

def test_organization_map_merges_parent_families_and_is_switchable():
    assert selection.organizations("Google Brain, DeepMind, Google DeepMind") == ["Google"]
    assert selection.organizations("Facebook AI Research, Meta AI") == ["Meta"]
    assert selection.organizations("Google Brain, DeepMind", harmonize=False) == ["Google Brain", "DeepMind"]
    # commas inside parentheses do not split an organization
    assert selection.split_cell("BigCode (Hugging Face, ServiceNow), OpenAI") == [
        "BigCode (Hugging Face, ServiceNow)", "OpenAI"]


def test_harmonized_organizations_raise_hhi_and_feed_the_cluster_bootstrap():
    m = pd.DataFrame({"id": list("abcd"), "organization": ["Google Brain", "DeepMind", "Google DeepMind", "OpenAI"],
                      "release_date": pd.to_datetime(["2022-01-01", "2022-03-01", "2022-06-01", "2022-09-01"]),
                      "training_compute_flop": [1e22, 2e22, 4e22, 8e22]})
    raw = comp.concentration(m, harmonize=False).table.loc[0, "hhi"]
    fam = comp.concentration(m).table.loc[0, "hhi"]
    assert raw == pytest.approx(4 * 0.25 ** 2) and fam == pytest.approx(0.75 ** 2 + 0.25 ** 2)
    p = trends.prepare(m)
    assert sorted(set(p.clusters)) == ["Google", "OpenAI"]


def test_multinational_country_mapping_from_epoch(tmp_path):
    """Epoch lists several countries for multinational collaborations; they count as one 'Multinational' group."""
    from analysis.data import epoch

    path = tmp_path / "epoch.csv"
    pd.DataFrame({
        "Model": ["A", "B", "C"],
        "Organization": ["Google DeepMind", "OpenAI", "Mistral AI"],
        "Publication date": ["2023-01-01", "2023-02-01", "2023-03-01"],
        "Domain": ["Language"] * 3,
        "Country (of organization)": ["United States of America,United Kingdom of Great Britain and Northern Ireland",
                                      "United States of America", "France"],
    }).to_csv(path, index=False)
    m = epoch.load_epoch(path).models
    assert m["country"].tolist() == ["Multinational", "United States of America", "France"]
    s = comp.shares_by_year(m, by="country").table.set_index("group")["share"]
    assert s.to_dict() == pytest.approx({"Multinational": 1 / 3, "United States of America": 1 / 3, "France": 1 / 3})


# --- one vocabulary ------------------------------------------------------------------------------------------------

def test_threshold_is_strictly_greater_everywhere():
    """EU AI Act Art. 51(2): "greater than 10^25" FLOP; a model at exactly 1e25 (Inflection-2's case) is not above."""
    m = pd.DataFrame({"id": ["x", "y"], "organization": ["Inflection AI", "OpenAI"],
                      "release_date": pd.to_datetime(["2023-11-22", "2023-03-14"]),
                      "training_compute_flop": [1e25, 2.1e25]})
    assert selection.above_threshold(m["training_compute_flop"]).tolist() == [False, True]
    assert comp.frontier_organizations(m).table.loc[0, "n_orgs_above"] == 1
    t = trends.threshold_counts(m, thresholds=[1e25])
    assert int(t["n_models"].sum()) == 1


def test_frontier_uses_epoch_flag_only_without_compute_and_labels_it():
    m = pd.DataFrame({"id": list("abc"), "release_date": pd.to_datetime(["2024-01-01", "2024-02-01", "2024-03-01"]),
                      "training_compute_flop": [1e25, np.nan, np.nan], "frontier_model": ["", "yes", ""]})
    f = selection.frontier_flags(m, top_k=10)
    assert f["frontier"].tolist() == [True, True, False]
    assert f["frontier_basis"].tolist() == ["compute-rank", "epoch-flag", ""]
    assert selection.frontier_flags(m, 10, epoch_flag=False)["frontier"].tolist() == [True, False, False]
    assert selection.select(m, "frontier")["frontier_basis"].tolist() == ["compute-rank", "epoch-flag"]


def test_one_confidence_rule_and_default():
    for bad in (0.3, 1.0, "x"):
        with pytest.raises(UsageError, match=r"0\.5"):
            vocabulary.check_confidence(bad)
    import inspect

    for fn in (comp.concentration, op.open_share, op.capability_lag, op.compute_lag, trends.fit_trend):
        assert inspect.signature(fn).parameters["confidence"].default == 0.90, fn.__name__


# --- Wilson shares -------------------------------------------------------------------------------------------------

@pytest.mark.parametrize("p_true, n", [(0.3, 40), (0.5, 25)])
def test_wilson_share_coverage(p_true, n):
    rng = np.random.default_rng(7)
    years = np.repeat(np.arange(1000, 1000 + R), n)
    acc = np.where(rng.random(len(years)) < p_true, "open-weights-unrestricted", "api")
    m = pd.DataFrame({"id": [f"m{i}" for i in range(len(years))], "access": acc,
                      "release_date": pd.to_datetime([f"{y}-06-01" for y in years], format="%Y-%m-%d")})
    r = op.open_share(m, method="wilson")
    s = r.table
    assert r.settings["confidence"] == 0.90
    cover = ((s["share_low"] <= p_true) & (p_true <= s["share_high"])).mean()
    assert LOW <= cover <= HIGH


# Issue 23: the Wilson interval's coverage measured, not assumed. Exact coverage of open_share's own interval (every k
# of n evaluated once, weighted by the binomial probability: no simulation error), and a clustered set-up: a year of
# n models from Zipf-sized organizations whose open propensities are drawn from a Beta with mean p and intra-class
# correlation icc (the notable models of 2018-2025 have 0.46 by organization within a year: 623 models, 291
# organization-years; real years hold 30-120 models from 20-60 organizations).

WILSON_GRID = [(n, p) for n in (10, 25, 40, 90, 120) for p in (0.05, 0.1, 0.3, 0.5)]
SHARE_GRID = WILSON_GRID  # the (n, p) grid of both intervals


def grid_groups(n):
    """Organizations behind a year of n models in the independent grid: n / 2.5, as in real years (90 models from 35
    organizations, 117 from 76 in 2023); at least 2."""
    return max(2, round(n / 2.5))


CLUSTERED_SHARE_SETUPS = [(90, 35, 0.45, 0.46), (90, 35, 0.1, 0.46), (40, 20, 0.3, 0.2), (120, 60, 0.45, 0.46)]
# Further set-ups for the default interval only (docs/methods.md): a frontier-like year (10 models, 6 organizations),
# a small year, stronger and weaker dependence, and one model per organization.
MORE_SHARE_SETUPS = [(10, 6, 0.25, 0.46), (30, 15, 0.4, 0.46), (90, 35, 0.45, 0.7), (90, 35, 0.45, 0.1),
                     (60, 60, 0.3, 0.46)]


def _share_frame(years, access, organization=None):
    n = len(years)
    return pd.DataFrame({"id": [f"m{i}" for i in range(n)], "access": access,
                         "organization": organization if organization is not None else "O",
                         "release_date": pd.to_datetime([f"{y}-06-01" for y in years], format="%Y-%m-%d")})


def wilson_exact_coverage(n, p, confidence=0.90):
    """Coverage of op.open_share's interval for a year of n independent models, each open with probability p."""
    from scipy.stats import binom

    years = np.repeat(np.arange(1000, 1001 + n), n)  # year 1000 + k holds k open models of n
    access = np.where(np.tile(np.arange(n), n + 1) < (years - 1000), "open-weights-unrestricted", "api")
    s = op.open_share(_share_frame(years, access), method="wilson", confidence=confidence).table
    k = s["k"].to_numpy()
    covered = (s["share_low"] <= p) & (p <= s["share_high"])
    return float(binom.pmf(k, n, p)[covered.to_numpy()].sum())


def clustered_hits(rng, sizes, p, icc):
    """One simulated cell: organizations of ``sizes`` units, each with its own propensity drawn from a Beta with mean p
    and intra-class correlation icc (icc 0: p for all), then one Bernoulli draw per unit; units in organization
    order."""
    ab = (1 - icc) / icc if icc > 0 else None
    p_org = rng.beta(p * ab, (1 - p) * ab, len(sizes)) if ab else np.full(len(sizes), p)
    return rng.random(int(sizes.sum())) < np.repeat(p_org, sizes)


def clustered_share_years(reps, seed, n, groups, p, icc, confidence=0.90, method="wilson"):
    """open_share's table (``method``) of ``reps`` simulated years (see above; icc 0: independent models)."""
    rng = np.random.default_rng(seed)
    sizes = _zipf_sizes(n, groups)
    opened, years, orgs = [], [], []
    for r in range(reps):
        opened.append(clustered_hits(rng, sizes, p, icc))
        years.append(np.full(n, 1000 + r))
        orgs.append(np.repeat([f"O{g}" for g in range(groups)], sizes))
    access = np.where(np.concatenate(opened), "open-weights-unrestricted", "api")
    return op.open_share(_share_frame(np.concatenate(years), access, np.concatenate(orgs)), method=method,
                         confidence=confidence).table


def clustered_share_coverage(reps, seed, n, groups, p, icc, confidence=0.90, method="wilson"):
    """Share of ``reps`` simulated years whose open_share interval (``method``) holds p."""
    s = clustered_share_years(reps, seed, n, groups, p, icc, confidence, method)
    return float(((s["share_low"] <= p) & (p <= s["share_high"])).mean())


def share_coverage_and_width(reps, seed, n, groups, p, icc, method):
    """(coverage, mean interval width) over the same simulated years."""
    s = clustered_share_years(reps, seed, n, groups, p, icc, method=method)
    return float(((s["share_low"] <= p) & (p <= s["share_high"])).mean()), float((s["share_high"] - s["share_low"]).mean())


@pytest.mark.parametrize("n, p", [(25, 0.1), (90, 0.45)])
def test_wilson_exact_coverage_is_that_of_the_wilson_score_interval(n, p):
    """open_share's interval is Wilson's (statsmodels, independently), so their exact coverages agree; a simulation
    of independent years through open_share agrees with it within 3 s.e. At (25, 0.1) it is 0.83: Wilson's known dip
    at small n*p (Brown, Cai & DasGupta 2001), stated in README, not hidden."""
    from scipy.stats import binom
    from statsmodels.stats.proportion import proportion_confint

    k = np.arange(n + 1)
    lo, hi = proportion_confint(k, n, alpha=0.10, method="wilson")
    exact = wilson_exact_coverage(n, p)
    assert exact == pytest.approx(float(binom.pmf(k, n, p)[(lo <= p) & (p <= hi)].sum()), abs=1e-12)
    sim = clustered_share_coverage(R, seed=n, n=n, groups=10, p=p, icc=0)
    assert abs(sim - exact) <= 3 * math.sqrt(exact * (1 - exact) / R), (sim, exact)


def test_wilson_under_organization_dependence_cheap():
    """Organizations that release mostly open or mostly closed models make a year's models dependent: the interval,
    which treats them as independent, then covers less than on independent models of the same size (200 years)."""
    n, groups, p = 90, 35, 0.45
    independent = wilson_exact_coverage(n, p)
    clustered = clustered_share_coverage(200, seed=5, n=n, groups=groups, p=p, icc=0.46)
    assert clustered < independent - 3 * math.sqrt(independent * (1 - independent) / 200), (clustered, independent)


def test_wilson_label_states_the_measured_independent_coverage():
    """The range the open-share captions print is the exact coverage's range over README's grid."""
    exact = [wilson_exact_coverage(n, p) for n, p in WILSON_GRID]
    assert op.WILSON_MEASURED_COVERAGE["independent"] == (round(min(exact), 2), round(max(exact), 2))


@pytest.mark.slow
def test_wilson_label_states_the_measured_clustered_coverage():
    low, high = op.WILSON_MEASURED_COVERAGE["organization-dependent"]
    cover = [clustered_share_coverage(R, seed=n + g, n=n, groups=g, p=p, icc=icc)
             for n, g, p, icc in CLUSTERED_SHARE_SETUPS]
    assert abs(min(cover) - low) <= 0.015 and abs(max(cover) - high) <= 0.015, cover


@pytest.mark.slow
@pytest.mark.parametrize("n, p", WILSON_GRID)
def test_wilson_share_coverage_grid(n, p):
    """Every cell of README's Wilson table: the simulated coverage of open_share on independent years agrees with
    the exact calculation within 3 s.e. (400 years)."""
    exact = wilson_exact_coverage(n, p)
    sim = clustered_share_coverage(R, seed=7 * n + int(100 * p), n=n, groups=10, p=p, icc=0)
    assert abs(sim - exact) <= 3 * math.sqrt(max(exact * (1 - exact), 0.01) / R), (sim, exact)


@pytest.mark.slow
@pytest.mark.parametrize("n, groups, p, icc", CLUSTERED_SHARE_SETUPS)
def test_wilson_share_coverage_clustered(n, groups, p, icc):
    """README's clustered rows: with organization dependence the interval covers less than with none (400 years)."""
    clustered = clustered_share_coverage(R, seed=n + groups, n=n, groups=groups, p=p, icc=icc)
    independent = wilson_exact_coverage(n, p)
    assert clustered < independent - 2 * math.sqrt(independent * (1 - independent) / R), (clustered, independent)


# The default interval (method="organizations"): Wilson at the effective n of the year's organization clusters.

def test_organizations_share_interval_by_hand_on_three_organizations():
    """3 organizations with 4, 2 and 1 models, 3, 0 and 1 open (k = 4 of n = 7), 90%: computed here from the formula
    of docs/methods.md, step by step, and through open_share on the same table."""

    y, m = np.array([3.0, 0.0, 1.0]), np.array([4.0, 2.0, 1.0])
    n, p, g = 7.0, 4 / 7, 3
    var = g / (g - 1) * ((3 - 4 * p) ** 2 + (0 - 2 * p) ** 2 + (1 - 1 * p) ** 2) / n ** 2
    deff_max = (16 + 4 + 1) / n  # 3.0: every organization's models alike
    deff = min(max(var / (p * (1 - p) / n), 1.0), deff_max)
    assert 1 < deff < deff_max  # the clip does not bind here: the estimated design effect is used
    low, high = clustered_wilson_by_hand(p, n, m, deff)
    lo, hi, d, n_eff = op.clustered_share_interval(y, m, 0.90)
    assert (lo, hi, d, n_eff) == pytest.approx((low, high, deff, n / deff), rel=1e-12)
    models = _share_frame([2020] * 7, ["open-weights-unrestricted"] * 3 + ["api"] * 4,
                          ["A", "A", "A", "A", "B", "B", "C"])
    models.loc[3, "access"], models.loc[6, "access"] = "api", "open-weights-restricted"  # A: 3 of 4; C: 1 of 1
    r = op.open_share(models)
    row = r.table.iloc[0]
    assert (row["n"], row["k"], row["n_orgs"]) == (7, 4, 3) and row["n_eff"] == pytest.approx(n / deff)
    assert (row["share_low"], row["share_high"]) == pytest.approx((lo, hi), rel=1e-12)
    assert r.settings["method"] == "organizations" == op.DEFAULT_SHARE_METHOD
    wl, wh = proportion_confint(4, 7, alpha=0.10, method="wilson")
    assert lo < wl and wh < hi  # wider than the binomial interval of the same counts


def test_organizations_share_interval_falls_back_to_the_largest_design_effect():
    """No estimate of the design effect (one organization, or every model closed): the interval is Wilson at the
    effective n of organizations whose models are all alike, n^2 / sum m_g^2; one organization then counts once."""
    lo, hi, deff, n_eff = op.clustered_share_interval(np.array([0.0, 0.0]), np.array([3.0, 1.0]))
    assert deff == pytest.approx(10 / 4) and n_eff == pytest.approx(16 / 10)
    assert lo == 0 and hi > proportion_confint(0, 4, alpha=0.10, method="wilson")[1]
    lo1, hi1, deff1, n1 = op.clustered_share_interval(np.array([2.0]), np.array([5.0]))
    assert deff1 == 5 and n1 == 1 and lo1 < 0.05 and hi1 > 0.95
    # organizations that are all singletons: deff 1 (floor) and Wilson widened only by the t quantile of n df
    y = np.array([1.0] * 20 + [0.0] * 30)
    lo2, hi2, deff2, _ = op.clustered_share_interval(y, np.ones(50))
    wl, wh = proportion_confint(20, 50, alpha=0.10, method="wilson")
    assert deff2 == 1 and lo2 < wl and wh < hi2 and (hi2 - lo2) < 1.05 * (wh - wl)


def test_organizations_share_interval_contains_wilsons_and_the_estimate():
    """Property over 300 random tables (1-30 organizations of 1-15 models): the interval holds the observed share
    and contains Wilson's interval of the same counts (Wilson's score intervals are nested in n, and n_eff shrunk by
    (z/t)^2 never exceeds n); n_eff lies between n^2 / sum m^2 and n."""
    rng = np.random.default_rng(23)
    for _ in range(300):
        m = rng.integers(1, 16, rng.integers(1, 31)).astype(float)
        y = rng.binomial(m.astype(int), rng.beta(0.5, 0.5, len(m))).astype(float)
        lo, hi, deff, n_eff = op.clustered_share_interval(y, m, 0.90)
        n, k = m.sum(), y.sum()
        wl, wh = proportion_confint(k, n, alpha=0.10, method="wilson")
        assert lo <= k / n <= hi and lo <= wl + 1e-12 and wh - 1e-12 <= hi, (y, m)
        assert n ** 2 / (m ** 2).sum() - 1e-9 <= n_eff <= n + 1e-9 and deff >= 1


def test_open_share_clusters_models_by_parent_family():
    """One organization rule: subsidiaries map to their parent family (DeepMind and Google Brain are Google), a
    collaboration is its own cluster, unknown organizations are singletons."""
    m = pd.DataFrame({"organization": ["Google DeepMind", "Google", "Google Brain", "Meta AI, Google", None, None]})
    c = op.organization_clusters(m)
    assert c.iloc[0] == c.iloc[1] == c.iloc[2] and c.iloc[3] not in (c.iloc[0],) and c.iloc[4] != c.iloc[5]
    assert c.iloc[3] == ", ".join(sorted(selection.organizations("Meta AI, Google")))


def test_organizations_share_coverage_under_organization_dependence_cheap():
    """Fast tier, 200 simulated years like 2022-2025 (90 models, 35 Zipf-sized organizations, p = 0.45, icc 0.46):
    the default interval covers 85-97% (Wilson covers about 56% on these years), and on independent models of a
    40-model year from 16 organizations at least 85%."""
    cover = clustered_share_coverage(200, seed=5, n=90, groups=35, p=0.45, icc=0.46, method="organizations")
    assert LOW <= cover <= 0.97, cover
    indep = clustered_share_coverage(200, seed=6, n=40, groups=grid_groups(40), p=0.3, icc=0,
                                     method="organizations")
    assert indep >= LOW, indep


@pytest.mark.slow
@pytest.mark.parametrize("n, groups, p, icc", CLUSTERED_SHARE_SETUPS)
def test_organizations_share_coverage_clustered(n, groups, p, icc):
    """docs/methods.md's clustered rows, 400 years each: the default interval covers 85-95%."""
    cover = clustered_share_coverage(R, seed=n + groups, n=n, groups=groups, p=p, icc=icc, method="organizations")
    assert LOW <= cover <= HIGH, cover


@pytest.mark.slow
@pytest.mark.parametrize("n, groups, p, icc", MORE_SHARE_SETUPS)
def test_organizations_share_coverage_further_setups(n, groups, p, icc):
    """docs/methods.md's further set-ups (400 years each): at least 85% (0.96 at 10 models from 6 organizations)."""
    cover = clustered_share_coverage(R, seed=n + groups, n=n, groups=groups, p=p, icc=icc, method="organizations")
    assert cover >= LOW, cover


@pytest.mark.slow
@pytest.mark.parametrize("n, p", SHARE_GRID)
def test_organizations_share_coverage_grid(n, p):
    """docs/methods.md's independent grid (n / 2.5 Zipf-sized organizations, 400 years per cell): at least 85%;
    over-coverage (up to 0.99 at 10 models from 4 organizations) is the price of few organizations."""
    cover = clustered_share_coverage(R, seed=7 * n + int(100 * p), n=n, groups=grid_groups(n), p=p, icc=0,
                                     method="organizations")
    assert cover >= LOW, cover


@pytest.mark.slow
def test_organizations_label_states_the_measured_coverage():
    """The ranges the captions and the CLI print are those measured on the set-ups above (to 0.015)."""
    rng = op.SHARE_MEASURED_COVERAGE["organizations"]
    clustered = [clustered_share_coverage(R, seed=n + g, n=n, groups=g, p=p, icc=icc, method="organizations")
                 for n, g, p, icc in CLUSTERED_SHARE_SETUPS]
    grid = [clustered_share_coverage(R, seed=7 * n + int(100 * p), n=n, groups=grid_groups(n), p=p, icc=0,
                                     method="organizations") for n, p in SHARE_GRID]
    for (low, high), cover in ((rng["organization-dependent"], clustered), (rng["independent"], grid)):
        assert abs(min(cover) - low) <= 0.015 and abs(max(cover) - high) <= 0.015, cover


# --- share of open-base derivatives built outside the base's developer (spillovers.spillover_counts) ------------
#
# Each simulated table is one "year" of open-base derivatives whose developer is known, from Zipf-sized
# organizations, each with its own propensity to build outside (clustered_hits). Like the pinned notable export
# (2026-07-19 with our overlay): 82 such derivatives from 67 organization clusters (the largest with 5; Zipf sizes of
# 82 over 67 give 4), 59 outside (72%), intra-class correlation of "outside" by organization 0.45 (one-way ANOVA
# estimator); its largest year, 2023: 28 from 23. Two more concentrated set-ups (a vintage where a few labs build
# most derivatives) show what the binomial interval misses when organizations repeat.

OUTSIDE_SETUPS = [(82, 67, 0.72), (28, 23, 0.75), (82, 30, 0.72), (40, 12, 0.6)]
OUTSIDE_ICC = 0.45


def outside_share_tables(reps, seed, n, groups, p, icc, method="organizations", confidence=0.90):
    """spillover_counts(by='year') of ``reps`` simulated tables (one year each; see above; icc 0: independent)."""
    from analysis.metrics import spillovers as sp

    rng = np.random.default_rng(seed)
    sizes = _zipf_sizes(n, groups)
    outside = np.concatenate([clustered_hits(rng, sizes, p, icc) for _ in range(reps)])
    years = np.repeat(np.arange(1000, 1000 + reps), n)
    deriv = pd.DataFrame({"derivative": [f"d{i}" for i in range(n * reps)],
                          "derivative_organization": np.tile(np.repeat([f"Lab {g}" for g in range(groups)], sizes),
                                                             reps),
                          "derivative_date": pd.to_datetime([f"{y}-06-01" for y in years], format="%Y-%m-%d"),
                          "year": pd.array(years, dtype="Int64"), "base_open": pd.array([True] * (n * reps)),
                          "outside": pd.array(outside, dtype="boolean")})
    return sp.spillover_counts(deriv, "year", confidence=confidence, method=method).table


def outside_coverage(reps, seed, n, groups, p, icc, method="organizations"):
    s = outside_share_tables(reps, seed, n, groups, p, icc, method)
    assert (s["n_outside_known"] == n).all()
    return float(((s["share_outside_low"] <= p) & (p <= s["share_outside_high"])).mean())


def outside_seed(n, groups, p, icc):
    return 31 * n + groups + int(100 * p) + (1000 if icc else 0)


def test_outside_share_coverage_cheap():
    """Fast tier, 200 tables of 82 derivatives from 30 Zipf-sized organizations (p = 0.72, icc 0.45): the default
    interval covers 85-97%, Wilson's clearly less than its exact coverage on independent derivatives; on tables like
    the pinned export (82 from 67 organizations) the default covers at least 85% with and without dependence."""
    n, groups, p = 82, 30, 0.72
    cover = outside_coverage(200, outside_seed(n, groups, p, 1), n, groups, p, OUTSIDE_ICC)
    assert LOW <= cover <= 0.97, cover
    wilson = outside_coverage(200, outside_seed(n, groups, p, 1), n, groups, p, OUTSIDE_ICC, method="wilson")
    exact = wilson_exact_coverage(n, p)
    assert wilson < exact - 3 * math.sqrt(exact * (1 - exact) / 200), (wilson, exact)
    for icc in (OUTSIDE_ICC, 0):
        like_ours = outside_coverage(200, outside_seed(82, 67, p, icc), 82, 67, p, icc)
        assert like_ours >= LOW, (icc, like_ours)


@pytest.mark.slow
@pytest.mark.parametrize("n, groups, p", OUTSIDE_SETUPS)
def test_outside_share_coverage(n, groups, p):
    """docs/methods.md's spillover rows, 400 tables each: the default covers 85-95% with organization dependence and
    at least 85% without. Where organizations repeat (over 2 derivatives per organization) Wilson, on the same
    dependent tables, covers less than on independent ones (exact); on tables like ours, where most organizations
    appear once, its deficit (0.86 against 0.89) is within the simulation's noise and is only reported."""
    dep = outside_coverage(R, outside_seed(n, groups, p, 1), n, groups, p, OUTSIDE_ICC)
    assert LOW <= dep <= HIGH, dep
    indep = outside_coverage(R, outside_seed(n, groups, p, 0), n, groups, p, 0)
    assert indep >= LOW, indep
    if n / groups > 2:
        wilson = outside_coverage(R, outside_seed(n, groups, p, 1), n, groups, p, OUTSIDE_ICC, method="wilson")
        exact = wilson_exact_coverage(n, p)
        assert wilson < exact - 2 * math.sqrt(exact * (1 - exact) / R), (wilson, exact)


def outside_coverage_ranges():
    """Measured (min, max) coverage of both methods on OUTSIDE_SETUPS, as spillovers.OUTSIDE_MEASURED_COVERAGE
    states them (Wilson's independent range exact)."""
    out = {}
    for method in ("organizations", "wilson"):
        dep = [outside_coverage(R, outside_seed(n, g, p, 1), n, g, p, OUTSIDE_ICC, method=method)
               for n, g, p in OUTSIDE_SETUPS]
        indep = [outside_coverage(R, outside_seed(n, g, p, 0), n, g, p, 0, method=method)
                 if method == "organizations" else wilson_exact_coverage(n, p) for n, g, p in OUTSIDE_SETUPS]
        out[method] = {"independent": (min(indep), max(indep)), "organization-dependent": (min(dep), max(dep))}
    return out


@pytest.mark.slow
def test_outside_label_states_the_measured_coverage():
    """The ranges the capabilities report and the CLI print are those measured on the set-ups above (to 0.015)."""
    from analysis.metrics import spillovers as sp

    measured = outside_coverage_ranges()
    for method, ranges in sp.OUTSIDE_MEASURED_COVERAGE.items():
        for setup, (low, high) in ranges.items():
            got = measured[method][setup]
            assert abs(got[0] - low) <= 0.015 and abs(got[1] - high) <= 0.015, (method, setup, got)


# --- open-vs-closed lag: tests/test_lag_coverage.py (coverage) and tests/test_statistics.py (its helpers) ----------

# --- trends ----------------------------------------------------------------------------------------------------------
#
# Set-ups of issue 23 (item 1). Organizations have Zipf-sized model counts (the k-th largest has ~1/k of the
# largest's models, as Google, Meta, OpenAI ... in Epoch's notable models) and are active around their own date
# (larger ones for longer); the true trend is 0.6 OOM/year over ``years`` years; the errors are
#   independent  N(0, 0.5) per model;
#   org effects  + a level shift N(0, 0.4) shared by an organization's models (intra-class correlation 0.39;
#                the residuals of the notable-models trend since 2010 have 0.35 by parent organization);
#   AR(1)        errors correlated along the release order, rho = 0.6, marginal sd 0.5;
#   combined     org effects + AR(1).

SETUPS = ("independent", "org effects", "AR(1)", "combined")
TREND_TRUE = 0.6


def _zipf_sizes(n, groups):
    w = 1.0 / np.arange(1, groups + 1)
    raw = w / w.sum() * n
    sizes = np.maximum(1, np.floor(raw)).astype(int)
    while sizes.sum() < n:
        sizes[np.argmax(raw - sizes)] += 1
    while sizes.sum() > n:
        sizes[np.argmax(sizes)] -= 1
    return sizes


def dependent_trend_data(rng, setup, n=70, groups=14, years=12.0, rho=0.6, sd_org=0.4, sd=0.5):
    """One synthetic models table of a set-up above (columns organization, release_date, training_compute_flop)."""
    sizes = _zipf_sizes(n, groups)
    org = np.repeat(np.arange(groups), sizes)
    centre = rng.uniform(0, years, groups)
    spread = np.minimum(years / 3, 0.5 + 0.5 * np.log(sizes))
    x = np.clip(centre[org] + rng.normal(0, 1, len(org)) * spread[org], 0, years)
    order = np.argsort(x, kind="stable")
    x, org = x[order], org[order]
    if setup in ("AR(1)", "combined"):
        z = rng.normal(0, sd * math.sqrt(1 - rho ** 2), len(x))
        e = np.empty(len(x))
        e[0] = rng.normal(0, sd)
        for i in range(1, len(x)):
            e[i] = rho * e[i - 1] + z[i]
    else:
        e = rng.normal(0, sd, len(x))
    if setup in ("org effects", "combined"):
        e = e + rng.normal(0, sd_org, groups)[org]
    dates = pd.Timestamp("2012-01-01") + pd.to_timedelta(np.round(x * 365.25), unit="D")
    return pd.DataFrame({"id": [f"m{i}" for i in range(len(x))], "organization": [f"Org {g}" for g in org],
                         "release_date": dates, "training_compute_flop": 10 ** (20 + TREND_TRUE * x + e)})


def trend_coverage(setup, reps, seed, n=70, groups=14, years=12.0, **fit_kw):
    """Share of ``reps`` data sets of ``setup`` whose 90% slope interval (fit_trend with ``fit_kw``) covers 0.6."""
    rng = np.random.default_rng(seed)
    hits = 0
    for r in range(reps):
        df = dependent_trend_data(rng, setup, n, groups, years)
        lo, hi = trends.fit_trend(df, seed=r, **fit_kw).slope_oom_per_year_ci
        hits += lo <= TREND_TRUE <= hi
    return hits / reps


def binomial_band(reps, low=LOW, high=HIGH, z=2.33):
    """85-95% widened by z binomial standard errors of a coverage estimated from ``reps`` data sets (z = 2.33: a
    method whose true coverage is in 85-95% fails the check in at most 1% of seeds)."""
    return (low - z * math.sqrt(low * (1 - low) / reps), high + z * math.sqrt(high * (1 - high) / reps))


@pytest.mark.parametrize("setup", SETUPS)
def test_default_trend_interval_holds_under_dependence_cheap(setup):
    """Fast tier: 80 data sets of each set-up (70 models, 14 organizations, 12 years), fixed seed. The default
    interval's coverage lies in 85-95% widened by 2.33 binomial s.e. (76-100%); HC3 on the same data sets fails
    this band under organization effects or AR(1) errors (issue 23 measured 0.58 and 0.59)."""
    reps = 80
    cover = trend_coverage(setup, reps, seed=SETUPS.index(setup) + 1)
    lo, hi = binomial_band(reps)
    assert lo <= cover <= hi, f"{setup}: coverage {cover:.3f}"
    if setup != "independent":
        assert trend_coverage(setup, reps, seed=SETUPS.index(setup) + 1, cov_type="HC3") < lo


TREND_SIZES = [(40, 10, 12.0), (70, 14, 12.0), (150, 30, 12.0), (300, 50, 12.0), (500, 80, 12.0),
               (77, 29, 8.5)]  # the last: the frontier since 2018 (77 models, 29 organization clusters, 8.5 years)


@pytest.mark.slow
@pytest.mark.parametrize("setup", SETUPS)
@pytest.mark.parametrize("n, groups, years", TREND_SIZES)
def test_default_trend_interval_coverage_under_dependence(setup, n, groups, years):
    """400 data sets per cell; the coverage of the default interval is in 85-95% within one binomial s.e. (1.8
    points). Measured values are in README's interval table."""
    cover = trend_coverage(setup, R, seed=1000 * n + SETUPS.index(setup), n=n, groups=groups, years=years)
    lo, hi = binomial_band(R, z=1.0)
    assert lo <= cover <= hi, f"{setup}, n={n}, {groups} organizations: coverage {cover:.3f}"


def test_bootstrap_percentiles_are_the_central_quantiles():
    """Catches a wrong bootstrap quantile in the fast tier: with 300 models the bootstrap of models and the HC0
    normal interval agree (both estimate the sandwich variance), so the percentile interval must be about as wide
    as 2 x 1.645 HC0 standard errors (ratio 0.9-1.1). Using alpha instead of alpha/2 gives a ratio of 0.78, a
    one-sided quantile or the 99% level 1.4; the cluster bootstrap must in the same way match 2 x 1.645 CR1
    (organization) errors times its documented few-cluster factor."""
    from scipy import stats

    rng = np.random.default_rng(12)
    df = dependent_trend_data(rng, "independent", n=300, groups=40)
    boot = trends.fit_trend(df, method="bootstrap", n_boot=4000, seed=1)
    hc0 = trends.fit_trend(df, cov_type="HC0")
    z = stats.norm.ppf(0.95)
    width = boot.slope_oom_per_year_ci[1] - boot.slope_oom_per_year_ci[0]
    assert 0.9 < width / (2 * z * math.sqrt(hc0.cov[1][1])) < 1.1
    # cluster bootstrap against the CR1 (organization) variance with the same widening factor sqrt(G/(G-1)) t/z
    import statsmodels.api as sm

    p = trends.prepare(df)
    X = sm.add_constant(p.x - p.x.mean())
    g = pd.factorize(p.clusters)[0]
    se = sm.OLS(p.y, X).fit(cov_type="cluster", cov_kwds={"groups": g}).bse[1]
    clu = trends.fit_trend(df, method="cluster-bootstrap", n_boot=4000, seed=1)
    G = clu.n_clusters
    k = math.sqrt(G / (G - 1)) * stats.t.ppf(0.95, G - 1) / z
    cwidth = clu.slope_oom_per_year_ci[1] - clu.slope_oom_per_year_ci[0]
    assert 0.85 < cwidth / (2 * z * se * k) < 1.15

def _trend_data(rng, n, slope=0.6, hetero=True):
    x = np.sort(rng.uniform(2012, 2024, n))
    sd = 0.3 + (0.5 * (x - 2012) / 12 if hetero else 0.0)
    y = 20 + slope * (x - 2012) + rng.normal(0, sd, n)
    dates = pd.to_datetime((x - 1970) * 365.25, unit="D")
    return pd.DataFrame({"release_date": dates, "training_compute_flop": 10 ** y})


@pytest.mark.slow
@pytest.mark.parametrize("cov_type", ["HC3", "CR2"])
def test_trend_interval_coverage_under_heteroskedasticity(cov_type):
    """Independent models whose scatter grows over time (30 models, no organization column: each model its own
    cluster, release years clustered): HC3 and the default both hold 85-95%."""
    rng = np.random.default_rng(21)
    hits = 0
    for _ in range(R):
        f = trends.fit_trend(_trend_data(rng, 30), cov_type=cov_type)
        lo, hi = f.slope_oom_per_year_ci
        hits += lo <= 0.6 <= hi
    assert LOW <= hits / R <= HIGH


@pytest.mark.slow
def test_cluster_bootstrap_coverage_on_harmonized_organizations():
    """Models of one parent family share a level shift and a release period; the family's labs carry different
    names (Google Brain / DeepMind / Google DeepMind). Clustering on harmonized families holds 85-95%."""
    rng = np.random.default_rng(33)
    fams = [("Google Brain", "DeepMind", "Google DeepMind"), ("Facebook AI Research", "Meta AI", "Meta"),
            ("Microsoft", "Microsoft Research", "Microsoft")]
    fams += [(f"Lab {i}",) * 3 for i in range(37)]  # 40 clusters (harmonized bundled data: 67; frontier: 27)
    hits = 0
    for _ in range(R):
        rows = []
        for names in fams:
            centre, shift = rng.uniform(2013, 2023), rng.normal(0, 0.6)
            for j in range(4):
                x = centre + rng.normal(0, 0.7)
                rows.append({"organization": names[j % 3], "release_date": pd.Timestamp("1970-01-01")
                             + pd.Timedelta(days=(x - 1970) * 365.25),
                             "training_compute_flop": 10 ** (20 + 0.5 * (x - 2012) + shift + rng.normal(0, 0.3))})
        f = trends.fit_trend(pd.DataFrame(rows), method="cluster-bootstrap", n_boot=200, seed=int(rng.integers(1e9)))
        assert f.n_clusters == len(fams)
        lo, hi = f.slope_oom_per_year_ci
        hits += lo <= 0.5 <= hi
    assert LOW <= hits / R <= HIGH


def test_bootstrap_prediction_residuals_are_rescaled_to_the_unbiased_variance():
    """Resampled residuals for bootstrap prediction bands carry variance SSR/(n-2), not SSR/n (factor 5/3 at n=5)."""
    rng = np.random.default_rng(1)
    df = _trend_data(rng, 5, hetero=False)
    f = trends.fit_trend(df, method="bootstrap", n_boot=200)
    draws = projections._resid_draws(f, 400_000, 0)
    target = np.sum(f.residuals ** 2) / (f.n - 2)
    assert np.mean(draws ** 2) == pytest.approx(target, rel=0.02)


# --- break dates -----------------------------------------------------------------------------------------------------

def _line(rng, n=60, level_shift=0.0, slope_after=0.5, at=2018.0):
    x = np.sort(rng.uniform(2010, 2024, n))
    y = 20 + 0.5 * (x - 2010) + np.where(x >= at, level_shift + (slope_after - 0.5) * (x - at), 0.0)
    y = y + rng.normal(0, 0.25 + 0.25 * (x - 2010) / 14, n)  # heteroskedastic
    return pd.DataFrame({"release_date": pd.to_datetime((x - 1970) * 365.25, unit="D"), "training_compute_flop": 10 ** y})


@pytest.mark.slow
def test_sup_f_break_test_holds_its_size_without_a_break():
    """No break in the truth: the unconditional test rejects at 10% in 5-15% of 400 data sets (the conditional
    p-value at the best date rejects far more often)."""
    rng = np.random.default_rng(8)
    rej = 0
    for i in range(R):
        rej += trends.break_test(_line(rng), n_sim=49, seed=i).p_value < 0.10
    assert 0.05 <= rej / R <= 0.15


def test_break_result_tells_a_level_shift_from_a_slope_change():
    """Ten data sets each: a pure level shift (+1.5 OOM in 2018) is called a level shift, a pure slope change
    (0.5 -> 1.2 OOM/yr) a slope change, in at least 7 of 10 (the rest "level and slope": BIC's penalty does not
    always beat chance improvements on heteroskedastic data); never the one for the other."""
    rng = np.random.default_rng(4)
    lvl = [trends.estimate_break(_line(rng, 80, level_shift=1.5), n_boot=20, seed=1) for _ in range(10)]
    slo = [trends.estimate_break(_line(rng, 80, slope_after=1.2), n_boot=20, seed=1) for _ in range(10)]
    assert sum(b.change == "level shift" for b in lvl) >= 7 and not any(b.change == "slope change" for b in lvl)
    assert sum(b.change == "slope change" for b in slo) >= 7 and not any(b.change == "level shift" for b in slo)
    # one wild-bootstrap weight per release year (14 years here) costs power: p = 0.002-0.014 for these clear breaks
    # (with one sign per model, < 0.01; but that test rejected 84-91% of dependent data sets without a break)
    assert all(b.sup_f_p_value < 0.02 for b in lvl + slo)


def _sup_f_rejections(setup, reps, seed):
    rng = np.random.default_rng(seed)
    return np.mean([trends.break_test(dependent_trend_data(rng, setup, n=150, groups=30), n_sim=49,
                                      seed=r).p_value < 0.10 for r in range(reps)])


def test_sup_f_break_test_resamples_whole_years_cheap():
    """No break, AR(1) errors over release order: with one wild-bootstrap sign per model the sup-F test rejected
    at 10% in 91% of data sets (150 models, 12 years); with one Webb weight per release year in 17% (400). Fast tier:
    60 data sets, at most 35% (the per-model signs fail this)."""
    assert _sup_f_rejections("AR(1)", 60, seed=3) <= 0.35


@pytest.mark.slow
@pytest.mark.parametrize("setup, high", [("independent", 0.15), ("AR(1)", 0.25), ("combined", 0.30)])
def test_sup_f_break_test_size_under_dependence(setup, high):
    """Measured size at nominal 10% (README): about 11% independent, 17% AR(1), 23% combined; the test still
    over-rejects under dependence, which the compute-trends report states."""
    assert _sup_f_rejections(setup, 200, seed=SETUPS.index(setup)) <= high


def test_openness_cli_states_the_measured_coverage(capsys):
    """`openness` prints the coverage measured above beside its nominal 90% intervals: the default's (organization
    clusters), or Wilson's with --method wilson (not for other methods or levels, which were not measured)."""
    import json

    from analysis.cli.main import main

    assert main(["openness", "--json"]) == 0
    d = json.loads(capsys.readouterr().out)
    assert d["method"] == "organizations"
    assert d["measured_coverage"] == {k: list(v) for k, v in op.SHARE_MEASURED_COVERAGE["organizations"].items()}
    assert main(["openness", "--json", "--method", "wilson"]) == 0
    d = json.loads(capsys.readouterr().out)
    assert d["measured_coverage"] == {k: list(v) for k, v in op.WILSON_MEASURED_COVERAGE.items()}
    low, high = op.SHARE_MEASURED_COVERAGE["organizations"]["organization-dependent"]
    assert main(["openness"]) == 0
    assert f"{low:.2f}-{high:.2f} where an organization's releases are alike" in capsys.readouterr().out
    assert main(["openness", "--method", "wilson"]) == 0
    assert "measured coverage (simulation): 0.83-0.97" in capsys.readouterr().out
    assert main(["openness", "--json", "--method", "clopper-pearson"]) == 0
    assert json.loads(capsys.readouterr().out)["measured_coverage"] is None
