"""Trend fits, eras and breaks, projections, threshold counts, parameter views and the CLI.

Synthetic data have a known growth rate; hand-computed cases check the formulas; hypothesis checks invariances.
"""

from __future__ import annotations

import json
import math

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy import stats

from analysis.cli.main import main
from analysis.errors import AnalysisError, UsageError
from analysis.metrics import trends as T

LOG4 = math.log10(4.0)


def synthetic(n: int = 150, growth: float = 4.0, sd: float = 0.3, seed: int = 1, start: str = "2012-01-01",
              years: float = 12.0, n_orgs: int = 15, column: str = "training_compute_flop") -> pd.DataFrame:
    """log10(value) = 20 + log10(growth) * (t - 2018) + N(0, sd), release dates uniform over ``years``."""
    rng = np.random.default_rng(seed)
    days = np.sort(rng.uniform(0, years * 365.25, n)).astype(int)
    dates = pd.Timestamp(start) + pd.to_timedelta(days, unit="D")
    x = T.decimal_year(pd.Series(dates))
    y = 20 + math.log10(growth) * (x - 2018) + rng.normal(0, sd, n)
    return pd.DataFrame({
        "id": [f"m{i}" for i in range(n)], "name": [f"Model {i}" for i in range(n)],
        "organization": [f"Org {rng.integers(n_orgs)}" for _ in range(n)],
        "release_date": dates, column: 10.0 ** y,
    })


# --- the fit ------------------------------------------------------------------------------------------------


def test_decimal_year_is_julian_years_from_2000():
    assert T.decimal_year("2000-01-01") == 2000.0
    assert T.decimal_year("2001-01-01") == pytest.approx(2000 + 366 / 365.25)
    assert T.year_to_date(T.decimal_year("2023-03-14")) == pd.Timestamp("2023-03-14")


@pytest.mark.parametrize("method", ["analytic", "bootstrap", "cluster-bootstrap"])
def test_known_growth_is_recovered_within_its_interval(method):
    fit = T.fit_trend(synthetic(), method=method, n_boot=300, seed=0)
    lo, hi = fit.slope_oom_per_year_ci
    assert lo < LOG4 < hi
    assert fit.growth_per_year == pytest.approx(4.0, rel=0.08)
    glo, ghi = fit.growth_per_year_ci
    assert glo < 4.0 < ghi and ghi / glo < 1.3  # informative, not vacuous
    dlo, dhi = fit.doubling_months_ci
    assert dlo < 12 * math.log10(2) / LOG4 < dhi  # true doubling time 6.0 months
    assert fit.n == 150 and fit.method == method and fit.confidence == 0.9
    assert 0.8 < fit.r2 < 1


def test_growth_and_doubling_are_transforms_of_the_slope():
    fit = T.fit_trend(synthetic())
    assert fit.growth_per_year == pytest.approx(10 ** fit.slope_oom_per_year)
    assert fit.doubling_months == pytest.approx(12 * math.log10(2) / fit.slope_oom_per_year)
    lo, hi = fit.slope_oom_per_year_ci
    assert fit.doubling_months_ci == pytest.approx((12 * math.log10(2) / hi, 12 * math.log10(2) / lo))


def test_hc3_interval_is_ols_with_hc3_and_t_quantiles():
    """cov_type="HC3" (the default before issue 23) by hand: V = (X'X)^-1 X' diag(e²/(1-h)²) X (X'X)^-1,
    CI = b ± t(n-2) se."""
    df = synthetic(n=40, seed=3)
    fit = T.fit_trend(df, cov_type="HC3")
    x = T.decimal_year(df.release_date)
    y = np.log10(df.training_compute_flop.to_numpy())
    X = np.column_stack([np.ones_like(x), x - x.mean()])
    XtXi = np.linalg.inv(X.T @ X)
    beta = XtXi @ X.T @ y
    e = y - X @ beta
    h = np.einsum("ij,jk,ik->i", X, XtXi, X)
    V = XtXi @ (X.T * (e ** 2 / (1 - h) ** 2)) @ X @ XtXi
    q = stats.t.ppf(0.95, len(x) - 2)
    assert fit.slope_oom_per_year == pytest.approx(beta[1])
    assert fit.slope_oom_per_year_ci == pytest.approx((beta[1] - q * math.sqrt(V[1, 1]), beta[1] + q * math.sqrt(V[1, 1])))
    assert fit.se_type == "HC3"


def _dense_cr2_two_way(x, y, orgs, years, bw):
    """CR2 two-way by organization and Bartlett windows of ``bw`` release years, written with dense n x n matrices:
    V = B X' (Σ_g w_g A_g e_g e_g' A_g) X B, A_g = (I - H_gg)^(-1/2) (matrix square root), and the
    Bell-McCaffrey df tr(QM)² / tr(QMQM) for the slope, Q = Σ_g w_g a_g a_g' with a_g = A_g c_g."""
    from scipy.linalg import sqrtm

    n = len(x)
    X = np.column_stack([np.ones(n), x - x.mean()])
    B = np.linalg.inv(X.T @ X)
    H = X @ B @ X.T
    e = y - H @ y
    c = X @ B[:, 1]
    clusters = [(orgs == g, 1.0) for g in np.unique(orgs)]
    y0 = years - years.min()
    for k in range(y0.max() + bw):
        win = (y0 <= k) & (y0 > k - bw)
        if win.any():
            clusters.append((win, 1.0 / bw))
            clusters += [(win & (orgs == g), -1.0 / bw) for g in np.unique(orgs[win])]
    meat, Q = np.zeros((2, 2)), np.zeros((n, n))
    for mask, w in clusters:
        idx = np.flatnonzero(mask)
        A = np.real(sqrtm(np.linalg.inv(np.eye(len(idx)) - H[np.ix_(idx, idx)])))
        s = X[idx].T @ A @ e[idx]
        meat += w * np.outer(s, s)
        a = np.zeros(n)
        a[idx] = A @ c[idx]
        Q += w * np.outer(a, a)
    V = B @ meat @ B
    QM = Q @ (np.eye(n) - H)
    return V, np.trace(QM) ** 2 / np.trace(QM @ QM)


def test_default_interval_is_cr2_two_way_by_organization_and_release_year_by_hand():
    """The default slope interval: CR2 clustered by organization and by release-year windows (Bartlett over
    TREND_YEAR_BANDWIDTH years), t quantile with the Bell-McCaffrey df; checked against a dense n x n computation."""
    from analysis import constants as C

    df = synthetic(n=60, seed=4, n_orgs=6)
    fit = T.fit_trend(df)
    p = T.prepare(df)
    V, dof = _dense_cr2_two_way(p.x, p.y, p.clusters.astype(str), p.dates.year.to_numpy(), C.TREND_YEAR_BANDWIDTH)
    q = stats.t.ppf(0.95, dof)
    assert fit.se_type == "CR2" and fit.n_clusters == 6 and fit.n_years == 12
    assert fit.interval_df == pytest.approx(dof, rel=1e-9)
    assert np.array(fit.cov) == pytest.approx(V, rel=1e-9)
    b = fit.slope_oom_per_year
    assert fit.slope_oom_per_year_ci == pytest.approx((b - q * math.sqrt(V[1, 1]), b + q * math.sqrt(V[1, 1])))
    assert "clustered by organization (6) and release year (12" in fit.interval_kind
    assert fit.to_dict()["interval_df"] == pytest.approx(dof)


def test_default_interval_falls_back_to_hc3_without_clusters_and_says_so():
    df = synthetic(n=8, seed=2, years=1.5, n_orgs=1)
    fit = T.fit_trend(df)
    assert fit.se_type == "HC3" and any("HC3 errors" in n for n in fit.notes)


def test_analytic_interval_has_roughly_nominal_coverage():
    """200 synthetic data sets (independent errors): the 90% default interval covers the true slope 83-96% of
    the time."""
    hits = 0
    for s in range(200):
        lo, hi = T.fit_trend(synthetic(n=60, seed=100 + s)).slope_oom_per_year_ci
        hits += lo < LOG4 < hi
    assert 166 <= hits <= 192


def test_bootstrap_is_reproducible_and_seed_dependent():
    df = synthetic(n=60)
    a = T.fit_trend(df, method="bootstrap", n_boot=200, seed=7)
    b = T.fit_trend(df, method="bootstrap", n_boot=200, seed=7)
    c = T.fit_trend(df, method="bootstrap", n_boot=200, seed=8)
    assert a.to_dict() == b.to_dict()
    assert a.slope_oom_per_year_ci != c.slope_oom_per_year_ci
    assert a.slope_oom_per_year == c.slope_oom_per_year  # the point estimate is the OLS fit, not a bootstrap mean


def test_cluster_bootstrap_is_wider_when_organizations_share_shocks():
    """Each organization gets its own level shift: resampling organizations must widen the interval."""
    rng = np.random.default_rng(5)
    df = synthetic(n=120, sd=0.1, n_orgs=8, seed=5)
    shift = {f"Org {i}": rng.normal(0, 0.8) for i in range(8)}
    # organizations active in different periods make their shocks bias the slope
    df["organization"] = [f"Org {min(7, int(i / 15))}" for i in range(len(df))]
    df["training_compute_flop"] *= 10.0 ** df["organization"].map(shift)
    row = T.fit_trend(df, method="bootstrap", n_boot=300)
    clu = T.fit_trend(df, method="cluster-bootstrap", n_boot=300)
    width = lambda f: f.slope_oom_per_year_ci[1] - f.slope_oom_per_year_ci[0]  # noqa: E731
    assert clu.n_clusters == 8
    assert width(clu) > 1.5 * width(row)


def test_window_is_inclusive_and_reported():
    df = synthetic()
    first, last = df.release_date.iloc[10], df.release_date.iloc[99]
    fit = T.fit_trend(df, since=first, until=last)
    assert fit.n == 90
    assert fit.n_outside == 60
    assert fit.start == first and fit.end == last
    d = fit.to_dict()
    assert d["window"] == [first.strftime("%Y-%m-%d"), last.strftime("%Y-%m-%d")]
    only = T.fit_trend(df, since="2015")
    assert only.start == pd.Timestamp("2015-01-01") and only.data_start >= pd.Timestamp("2015-01-01")
    assert only.end == df.release_date.max()


def test_missing_dates_and_values_are_dropped_and_counted():
    df = synthetic(n=30)
    df.loc[[0, 5], "release_date"] = pd.NaT
    df.loc[[1, 2, 5], "training_compute_flop"] = np.nan
    fit = T.fit_trend(df)
    assert (fit.n, fit.n_missing_date, fit.n_missing_value) == (26, 2, 2)
    assert fit.to_dict()["n_missing_date"] == 2


def test_non_positive_values_raise_unless_dropped():
    df = synthetic(n=30)
    df.loc[3, "training_compute_flop"] = 0.0
    df.loc[4, "training_compute_flop"] = -1e20
    with pytest.raises(AnalysisError, match=r"2 non-positive value\(s\).*Model 3"):
        T.fit_trend(df)
    fit = T.fit_trend(df, nonpositive="drop")
    assert fit.n == 28 and fit.n_nonpositive == 2
    assert any("non-positive" in n for n in fit.notes)


def test_counts_refer_to_the_window():
    """A missing or zero value outside the window is neither counted nor an error."""
    df = synthetic(n=30)
    df.loc[0, "training_compute_flop"] = np.nan
    df.loc[1, "training_compute_flop"] = 0.0
    df.loc[29, "training_compute_flop"] = np.nan
    fit = T.fit_trend(df, since=df.release_date[2])
    assert (fit.n, fit.n_missing_value, fit.n_nonpositive, fit.n_outside) == (27, 1, 0, 0)


@pytest.mark.parametrize("n", [0, 1, 2])
def test_too_few_points(n):
    with pytest.raises(AnalysisError, match=f"too few points.*{n} model.*at least 3"):
        T.fit_trend(synthetic(n=10).head(n))


def test_too_few_points_in_window_names_the_window():
    with pytest.raises(AnalysisError, match="between 2030-01-01 and the end"):
        T.fit_trend(synthetic(), since="2030-01-01")


def test_single_release_date_is_rejected():
    df = synthetic(n=5).assign(release_date=pd.Timestamp("2020-01-01"))
    with pytest.raises(AnalysisError, match="share one release date"):
        T.fit_trend(df)


def test_bad_inputs_raise_clear_errors():
    df = synthetic(n=20)
    with pytest.raises(AnalysisError, match="no column 'parameters'"):
        T.fit_trend(df, "parameters")
    with pytest.raises(UsageError, match="unknown metric"):
        T.fit_trend(df, "flops")
    with pytest.raises(UsageError, match="not a date"):
        T.fit_trend(df, since="yesterday")
    with pytest.raises(UsageError, match="not a valid date"):
        T.fit_trend(df, until="2020-02-30")
    with pytest.raises(UsageError, match="after --until"):
        T.fit_trend(df, since="2021", until="2020")
    with pytest.raises(UsageError, match="confidence"):
        T.fit_trend(df, confidence=90)
    with pytest.raises(UsageError, match="unknown method"):
        T.fit_trend(df, method="jackknife")
    with pytest.raises(UsageError, match="at least 10 resamples"):
        T.fit_trend(df, method="bootstrap", n_boot=3)
    with pytest.raises(AnalysisError, match="not numbers"):
        T.fit_trend(df.assign(training_compute_flop=["1e20"] * 19 + ["lots"]))
    with pytest.raises(AnalysisError, match="expected a models DataFrame"):
        T.fit_trend([1, 2, 3])


def test_flat_trend_gives_unbounded_doubling_time_and_valid_json():
    """Slope CI straddles 0 -> doubling-time upper bound is inf in Python, null in JSON, with a note."""
    df = synthetic(n=40, growth=1.0, sd=0.5, seed=11)
    fit = T.fit_trend(df)
    lo, hi = fit.slope_oom_per_year_ci
    assert lo < 0 < hi
    assert math.isinf(fit.doubling_months_ci[1])
    d = fit.to_dict()
    assert d["doubling_months_ci"][1] is None and d["doubling_months_ci"][0] > 0
    assert any("unbounded" in n for n in d["notes"])
    json.dumps(d, allow_nan=False)


def test_declining_trend_has_no_doubling_time():
    fit = T.fit_trend(synthetic(n=40, growth=0.5, sd=0.1))
    assert fit.slope_oom_per_year < 0
    assert math.isinf(fit.doubling_months)
    d = fit.to_dict()
    assert d["doubling_months"] is None and d["doubling_months_ci"] == [None, None]
    assert "no doubling" in fit.sentence()


def test_sentence_format():
    s = T.fit_trend(synthetic(), subset="frontier models").sentence()
    assert s.startswith("Training compute of frontier models grew 4.")
    assert "x per year (90% CI " in s and "doubling every " in s and "n=150, " in s


def test_other_metrics_use_their_columns():
    df = synthetic(column="parameters", growth=2.0)
    fit = T.fit_trend(df, "parameters")
    assert fit.metric == "parameters" and fit.label == "Parameter count"
    assert fit.slope_oom_per_year_ci[0] < math.log10(2) < fit.slope_oom_per_year_ci[1]


# --- subsets and tables -------------------------------------------------------------------------------------


def test_subset_trend_frontier_and_window_end_is_data_vintage():
    df = synthetic(n=200, sd=0.6)
    df["access"] = np.where(np.arange(200) % 2 == 0, "api", "open-weights-unrestricted")
    fr = T.subset_trend(df, "compute", "frontier", top_k=5, since="2014")
    assert fr.subset == "frontier models (top 5 at release)"
    assert fr.end == df.release_date.max()
    assert fr.n < 200 and fr.r2 > T.fit_trend(df, since="2014").r2  # the frontier is a tighter envelope
    op = T.subset_trend(df, "compute", "open")
    assert op.n == 100 and op.subset == "open-weights models"


def test_trend_table_by_group_notes_small_groups():
    df = synthetic(n=120)
    df["domain"] = ["language"] * 100 + ["vision"] * 15 + ["games"] * 5
    tab = T.trend_table(df, "compute", by="domain", min_n=10)
    assert list(tab["domain"]) == ["games", "language", "vision"]
    games = tab.set_index("domain").loc["games"]
    assert games["n"] == 5 and "too few points" in games["note"] and np.isnan(games["slope_oom_per_year"])
    lang = tab.set_index("domain").loc["language"]
    assert lang["slope_low"] < LOG4 < lang["slope_high"]


def test_compare_subsets_has_one_row_per_subset():
    df = synthetic(n=80)
    df["access"] = ["api", "open-weights-restricted"] * 40
    tab = T.compare_subsets(df, "compute")
    assert list(tab["subset"]) == ["notable", "frontier", "open", "closed"]
    assert list(tab["n"])[::2] == [80, 40]


# --- eras and breaks ----------------------------------------------------------------------------------------


def two_regimes(seed: int = 2, kinked: bool = False, n: int = 160) -> pd.DataFrame:
    """Slope 0.2 OOM/yr before 2016-07-01, 0.7 after; discontinuous jump of +1.5 OOM unless ``kinked``."""
    rng = np.random.default_rng(seed)
    days = np.sort(rng.uniform(0, 14 * 365.25, n)).astype(int)
    dates = pd.Timestamp("2010-01-01") + pd.to_timedelta(days, unit="D")
    x = T.decimal_year(pd.Series(dates))
    xb = T.decimal_year("2016-07-01")
    y = 18 + 0.2 * (x - xb) + np.where(x >= xb, 0.5 * (x - xb) + (0 if kinked else 1.5), 0) + rng.normal(0, 0.25, n)
    return pd.DataFrame({"release_date": dates, "training_compute_flop": 10.0 ** y})


def test_piecewise_recovers_slopes_and_detects_difference():
    pw = T.piecewise_trend(two_regimes(), breaks=["2016-07-01"])
    before, after = pw.segments
    assert before.slope_oom_per_year_ci[0] < 0.2 < before.slope_oom_per_year_ci[1]
    assert after.slope_oom_per_year_ci[0] < 0.7 < after.slope_oom_per_year_ci[1]
    assert before.end == pd.Timestamp("2016-06-30") and after.start == pd.Timestamp("2016-07-01")
    assert before.n + after.n == 160
    # CR2 two-way: the denominator df is Bell-McCaffrey's (about 4 here, 12 release years), not n - 4 = 156 as with
    # HC3, so the same F (about 700) gives p ~ 1e-5 instead of < 1e-6
    assert pw.p_value < 1e-4 and pw.df_num == 1 and 2 < pw.df_denom < 20
    frame = pw.to_frame()
    assert list(frame["segment"]) == [1, 2]
    json.dumps(pw.to_dict(), allow_nan=False)


def test_piecewise_equal_slopes_not_rejected():
    pw = T.piecewise_trend(synthetic(n=150, seed=4), breaks=["2015-01-01", "2020-01-01"])
    assert len(pw.segments) == 3 and pw.df_num == 2
    assert pw.p_value > 0.05


def test_piecewise_errors():
    with pytest.raises(AnalysisError, match="era 1"):
        T.piecewise_trend(synthetic(n=50, start="2015-01-01"), breaks=["2015-01-10"])
    with pytest.raises(UsageError, match="distinct"):
        T.piecewise_trend(synthetic(n=50), breaks=["2015", "2015-01-01"])


@pytest.mark.parametrize("kind", ["discontinuous", "kinked"])
def test_break_estimation_recovers_planted_break(kind):
    b = T.estimate_break(two_regimes(kinked=kind == "kinked"), kind=kind, n_boot=100, seed=0)
    truth = pd.Timestamp("2016-07-01")
    assert abs((b.break_date - truth).days) <= 183
    assert b.break_date_ci[0] <= truth <= b.break_date_ci[1]
    assert b.slope_before_ci[0] < 0.2 < b.slope_before_ci[1]
    assert b.slope_after_ci[0] < 0.7 < b.slope_after_ci[1]
    assert b.ssr_ratio < 0.8 and b.slope_change_p_value < 0.001
    assert b.n_before + b.n_after == 160 and min(b.n_before, b.n_after) >= 10
    d = b.to_dict()
    assert d["kind"] == kind and d["break_date"] == b.break_date.strftime("%Y-%m-%d")
    json.dumps(d, allow_nan=False)
    prof = b.profile.set_index("date")["ssr"]
    assert prof[b.break_date] == pytest.approx(prof.min())  # the estimate minimises the SSR (ties: middle one)


def test_break_estimation_is_reproducible_and_checks_inputs():
    df = two_regimes(n=80)
    a = T.estimate_break(df, n_boot=50, seed=3)
    assert a.to_dict() == T.estimate_break(df, n_boot=50, seed=3).to_dict()
    with pytest.raises(AnalysisError, match="need at least 200"):
        T.estimate_break(df, min_segment=100)
    with pytest.raises(UsageError, match="kind"):
        T.estimate_break(df, kind="smooth")
    with pytest.raises(UsageError, match="n_boot"):
        T.estimate_break(df, n_boot=1)


def test_break_candidates_can_be_given():
    b = T.estimate_break(two_regimes(), candidates=["2013-01-01", "2016-07-01", "2020-01-01"], n_boot=30)
    assert b.break_date == pd.Timestamp("2016-07-01")
    assert list(b.profile["date"]) == [pd.Timestamp(d) for d in ("2013-01-01", "2016-07-01", "2020-01-01")]


# --- projections --------------------------------------------------------------------------------------------


def small_table() -> pd.DataFrame:
    return pd.DataFrame({
        "release_date": pd.to_datetime(["2018-01-01", "2019-01-01", "2020-01-01", "2021-01-01", "2022-01-01",
                                        "2022-07-01"]),
        "training_compute_flop": [1e21, 5e21, 1e22, 2e23, 3e23, 2e24],
    })


def hand_ols(df):
    x = T.decimal_year(df.release_date)
    y = np.log10(df.training_compute_flop.to_numpy())
    n, xm = len(x), x.mean()
    sxx = ((x - xm) ** 2).sum()
    b = ((x - xm) * (y - y.mean())).sum() / sxx
    a = y.mean()
    s = math.sqrt(((y - a - b * (x - xm)) ** 2).sum() / (n - 2))
    return x, y, n, xm, sxx, a, b, s


def test_level_at_date_matches_hand_computation():
    """Classical (non-robust) bands: mean ± t s sqrt(1/n + d²/Sxx); PI adds 1 under the root."""
    df = small_table()
    _, _, n, xm, sxx, a, b, s = hand_ols(df)
    fit = T.fit_trend(df, cov_type="nonrobust", confidence=0.9)
    proj = T.level_at(fit, "2025-01-01")
    d = T.decimal_year("2025-01-01") - xm
    q = stats.t.ppf(0.95, n - 2)
    mean = a + b * d
    se = s * math.sqrt(1 / n + d * d / sxx)
    sp = s * math.sqrt(1 + 1 / n + d * d / sxx)
    assert math.log10(proj.value) == pytest.approx(mean)
    assert np.log10(proj.ci) == pytest.approx([mean - q * se, mean + q * se])
    assert np.log10(proj.pi) == pytest.approx([mean - q * sp, mean + q * sp])
    assert proj.years_beyond_data == pytest.approx(T.decimal_year("2025-01-01") - T.decimal_year("2022-07-01"))


def test_date_reaching_matches_hand_computation():
    """Central date: xm + (L - a)/b. Interval ends are where the band edges equal L (checked by substitution)."""
    df = small_table()
    _, _, n, xm, sxx, a, b, s = hand_ols(df)
    fit = T.fit_trend(df, cov_type="nonrobust")
    pr = T.date_reaching(fit, 1e26)
    central = xm + (26 - a) / b
    assert T.decimal_year(pr.date) == pytest.approx(central, abs=1 / 365)
    q = stats.t.ppf(0.95, n - 2)
    day = b / 365.25 + 1e-9  # one day of trend, the rounding of dates
    for when, sign, extra in ((pr.date_ci[0], +1, 0), (pr.date_ci[1], -1, 0), (pr.date_pi[0], +1, 1),
                              (pr.date_pi[1], -1, 1)):
        d = T.decimal_year(when) - xm
        edge = a + b * d + sign * q * s * math.sqrt(extra + 1 / n + d * d / sxx)
        assert edge == pytest.approx(26, abs=2 * day + 2 * q * s * math.sqrt(1 / sxx) / 365)
    assert pr.date_pi[0] < pr.date_ci[0] < pr.date < pr.date_ci[1] < pr.date_pi[1]
    assert any("extrapolation" in n for n in pr.notes)


def test_date_reaching_exact_line():
    """No noise: compute 1e20 at 2020.0 growing 10x every 2 years reaches 1e21 at decimal year 2022.0."""
    x = np.array([2016.0, 2018.0, 2020.0, 2024.0])
    df = pd.DataFrame({"release_date": [T.year_to_date(v) for v in x],
                       "training_compute_flop": 10.0 ** (20 + 0.5 * (T.decimal_year(pd.Series([T.year_to_date(v) for v in x])) - 2020))})
    fit = T.fit_trend(df)
    pr = T.date_reaching(fit, 1e21)
    assert pr.date == T.year_to_date(2022.0)
    assert pr.date_ci[0] == pr.date_ci[1] == pr.date
    when = T.year_to_date(2026.0)
    assert T.level_at(fit, when).value == pytest.approx(10 ** (20 + 0.5 * (T.decimal_year(when) - 2020)))
    assert T.level_at(fit, when).value == pytest.approx(1e23, rel=2e-3)  # within a day of 2026.0


def test_date_reaching_bootstrap_and_errors():
    fit = T.fit_trend(synthetic(), method="bootstrap", n_boot=200)
    pr = T.date_reaching(fit, 1e26)
    assert pr.date_pi[0] <= pr.date_ci[0] < pr.date < pr.date_ci[1] <= pr.date_pi[1]
    assert pr.to_dict() == T.date_reaching(fit, 1e26).to_dict()  # reproducible
    tab = T.projection_table(fit, (1e26, 1e27))
    assert list(tab["level"]) == [1e26, 1e27] and (tab["date"].diff().dropna() > pd.Timedelta(0)).all()
    with pytest.raises(AnalysisError, match="not increasing"):
        T.date_reaching(T.fit_trend(synthetic(growth=0.5)), 1e26)
    with pytest.raises(AnalysisError, match="positive"):
        T.date_reaching(fit, -5)


def test_unbounded_projection_when_slope_not_significant():
    fit = T.fit_trend(synthetic(n=20, growth=1.05, sd=0.8, seed=0))
    assert fit.slope_oom_per_year > 0 and fit.slope_oom_per_year_ci[0] < 0
    pr = T.date_reaching(fit, 1e22)
    assert pr.date_ci == (None, None)
    d = pr.to_dict()
    assert d["date_ci"] == [None, None] and any("unbounded" in n for n in d["notes"])


# --- thresholds ---------------------------------------------------------------------------------------------


def threshold_table() -> pd.DataFrame:
    return pd.DataFrame({
        "name": ["a", "b", "c", "d", "e", "f"],
        "organization": ["OpenAI", "Google, DeepMind", "OpenAI", "Meta", "xAI", "Meta"],
        "release_date": pd.to_datetime(["2022-05-01", "2023-03-01", "2023-03-14", "2024-01-01", "2024-06-01",
                                        "2024-07-01"]),
        "training_compute_flop": [3e23, 1e25, 2.1e25, np.nan, 2e26, 5e24],
    })


def test_threshold_counts_by_hand():
    """2022: a (3e23). 2023: b (exactly 1e25: not *greater than* 1e25), c. 2024: e (2e26), f; d unknown."""
    t = T.threshold_counts(threshold_table(), (1e23, 1e25, 1e26))
    get = lambda y, th: t[(t.year == y) & (t.threshold == th)].iloc[0]  # noqa: E731
    assert [get(y, 1e23).n_models for y in (2022, 2023, 2024)] == [1, 2, 2]
    assert [get(y, 1e25).n_models for y in (2022, 2023, 2024)] == [0, 1, 1]
    assert [get(y, 1e26).n_models for y in (2022, 2023, 2024)] == [0, 0, 1]
    assert get(2024, 1e23).cumulative == 5
    assert get(2024, 1e23).n_unknown_compute == 1 and get(2024, 1e23).n_with_compute == 2
    inc = T.threshold_counts(threshold_table(), (1e25,), inclusive=True)
    assert list(inc.n_models) == [0, 2, 1]


def test_threshold_counts_by_organization():
    t = T.threshold_counts_by_organization(threshold_table(), (1e23, 1e25))
    t23 = t[t.threshold == 1e23].set_index("organization")
    assert t23.loc["OpenAI", "n_models"] == 2 and t23.loc["OpenAI", "first_model"] == "a"
    # parent families (the one organization rule): "Google, DeepMind" is one Google model, counted once
    assert t23.loc["Google", "n_models"] == 1 and "DeepMind" not in t23.index
    raw = T.threshold_counts_by_organization(threshold_table(), (1e23,), harmonize=False).set_index("organization")
    assert raw.loc["Google", "n_models"] == 1 and raw.loc["DeepMind", "n_models"] == 1  # as written: both
    assert list(t[t.threshold == 1e25]["organization"]) == ["OpenAI", "xAI"]
    y = T.threshold_counts_by_organization_year(threshold_table(), (1e23,))
    assert y[(y.organization == "Meta")].n_models.tolist() == [1]


# --- parameters ---------------------------------------------------------------------------------------------


def test_moe_table_and_size_bands():
    df = pd.DataFrame({
        "name": ["dense", "moe-a", "moe-b", "tiny", "edge"],
        "architecture": ["dense", "moe", None, "dense", "dense"],
        "release_date": pd.to_datetime(["2021-01-01", "2023-01-01", "2024-01-01", "2021-06-01", "2024-05-01"]),
        "parameters": [7e9, 6.71e11, 4.7e10, 5e7, 1e9],
        "active_parameters": [np.nan, 3.7e10, 1.3e10, np.nan, np.nan],
    })
    moe = T.moe_table(df)
    assert list(moe["name"]) == ["moe-a", "moe-b"]  # moe-b qualifies by active < total
    assert moe["sparsity"].iloc[0] == pytest.approx(6.71e11 / 3.7e10)
    bands = T.size_band_counts(df)
    assert list(bands["band"].cat.categories) == ["<1e8", "1e8-1e9", "1e9-1e10", "1e10-1e11", "1e11-1e12", ">=1e12"]
    got = bands[bands.n_models > 0][["year", "band", "n_models"]].astype({"band": str}).values.tolist()
    assert got == [[2021, "<1e8", 1], [2021, "1e9-1e10", 1], [2023, "1e11-1e12", 1], [2024, "1e9-1e10", 1],
                   [2024, "1e10-1e11", 1]]  # 1e9 exactly falls in [1e9, 1e10)
    assert set(bands.year) == {2021, 2022, 2023, 2024}  # empty years kept for plotting
    tr = T.moe_parameter_trends(df)
    assert list(tr["parameters"]) == ["total", "active"] and "too few" in tr["note"].iloc[0]


# --- properties ---------------------------------------------------------------------------------------------


@settings(max_examples=30, deadline=None)
@given(st.floats(-12, 12), st.integers(1, 3000), st.integers(0, 10_000))
def test_property_scale_and_shift_invariance(log_scale, shift_days, seed):
    """Multiplying every value by a constant, or moving every date by the same number of days, leaves the slope,
    its interval and R² unchanged. (The default interval clusters by calendar year, so a shift that carries models
    across 1 January changes its clusters: the shift is checked with HC3 errors, which do not depend on them.)"""
    df = synthetic(n=25, seed=seed)
    base, base_hc3 = T.fit_trend(df), T.fit_trend(df, cov_type="HC3")
    scaled = T.fit_trend(df.assign(training_compute_flop=df.training_compute_flop * 10.0 ** log_scale))
    moved = T.fit_trend(df.assign(release_date=df.release_date + pd.Timedelta(days=shift_days)), cov_type="HC3")
    for other, ref in ((scaled, base), (moved, base_hc3)):
        assert other.slope_oom_per_year == pytest.approx(ref.slope_oom_per_year, rel=1e-7, abs=1e-9)
        assert other.slope_oom_per_year_ci == pytest.approx(ref.slope_oom_per_year_ci, rel=1e-6, abs=1e-8)
        assert other.r2 == pytest.approx(ref.r2, abs=1e-9)
    assert scaled.intercept == pytest.approx(base.intercept + log_scale)


@settings(max_examples=20, deadline=None)
@given(st.integers(0, 10_000))
def test_property_row_order_does_not_change_any_result(seed):
    df = synthetic(n=30, seed=seed)
    shuffled = df.sample(frac=1, random_state=seed)
    assert T.fit_trend(shuffled, method="bootstrap", n_boot=50).to_dict() == \
        T.fit_trend(df, method="bootstrap", n_boot=50).to_dict()


# --- CLI ----------------------------------------------------------------------------------------------------


@pytest.fixture
def cli_csv(models_csv):
    df = synthetic(n=40, sd=0.2)
    rows = [{"id": r.id, "name": r.name, "organization": r.organization, "release_date": r.release_date.strftime("%Y-%m-%d"),
             "training_compute_flop": f"{r.training_compute_flop:.4e}",
             "access": "api" if i % 2 else "open-weights-unrestricted", "domain": "language" if i % 3 else "vision",
             "gpu_hours": ""}
            for i, r in enumerate(df.itertuples())]
    return models_csv(*rows)


def test_cli_trend_json(cli_csv, capsys):
    assert main(["trend", "compute", "--data", str(cli_csv), "--since", "2012-01-01", "--json"]) == 0
    out = json.loads(capsys.readouterr().out)
    for key in ("metric", "subset", "n", "start", "end", "slope_oom_per_year", "slope_oom_per_year_ci",
                "growth_per_year", "growth_per_year_ci", "doubling_months", "doubling_months_ci", "confidence", "r2",
                "method", "window"):
        assert key in out
    assert out["metric"] == "compute" and out["subset"] == "notable" and out["n"] == 40
    assert out["method"] == "analytic" and out["confidence"] == 0.9
    lo, hi = out["growth_per_year_ci"]
    assert lo < 4 < hi and lo < out["growth_per_year"] < hi
    assert out["start"] == "2012-01-01"


def test_cli_trend_text_and_options(cli_csv, capsys):
    assert main(["trend", "compute", "--data", str(cli_csv), "--subset", "frontier", "--top-k", "5",
                 "--confidence", "0.8", "--bootstrap", "50"]) == 0
    out = capsys.readouterr().out
    assert out.startswith("Training compute of frontier models (top 5 at release) grew ")
    assert "(80% CI " in out and "bootstrap of models, 50 resamples" in out
    assert main(["trend", "compute", "--data", str(cli_csv), "--subset", "open", "--domain", "language", "--json",
                 "--bootstrap", "40", "--cluster"]) == 0
    out = json.loads(capsys.readouterr().out)
    assert out["method"] == "cluster-bootstrap" and out["subset"] == "open" and out["domain"] == "language"


@pytest.mark.parametrize("argv, message", [
    (["trend", "flops"], "unknown metric"),
    (["trend", "compute", "--since", "2020-13-01"], "not a valid date"),
    (["trend", "compute", "--until", "soon"], "not a date"),
    (["trend", "compute", "--since", "2022", "--until", "2020"], "after --until"),
    (["trend", "compute", "--subset", "huge"], "unknown subset"),
    (["trend", "compute", "--top-k", "0"], "positive whole number"),
    (["trend", "compute", "--top-k", "ten"], "whole number"),
    (["trend", "compute", "--confidence", "95"], "--confidence"),
    (["trend", "compute", "--bootstrap", "5"], "at least 10"),
    (["trend", "compute", "--cluster"], "--cluster needs --bootstrap"),
])
def test_cli_usage_errors_exit_2(cli_csv, capsys, argv, message):
    assert main(argv + ["--data", str(cli_csv)]) == 2
    err = capsys.readouterr().err
    assert err.startswith("error: ") and message in err and "Traceback" not in err


def test_cli_too_few_points_exit_1(cli_csv, capsys):
    assert main(["trend", "compute", "--data", str(cli_csv), "--since", "2023-12-01"]) == 1
    err = capsys.readouterr().err
    assert "too few points" in err and "need at least 3" in err


def test_cli_missing_metric_column_values(cli_csv, capsys):
    assert main(["trend", "gpu-hours", "--data", str(cli_csv)]) == 1
    assert "0 model(s) with a release date and gpu_hours" in capsys.readouterr().err


def test_cli_thresholds(cli_csv, capsys):
    assert main(["thresholds", "--data", str(cli_csv), "--json"]) == 0
    out = json.loads(capsys.readouterr().out)
    assert out["thresholds"] == [1e23, 1e24, 1e25, 1e26] and out["comparison"] == ">"
    df = synthetic(n=40, sd=0.2)
    rounded = df.training_compute_flop.map(lambda v: float(f"{v:.4e}"))
    assert out["totals"]["1e+23"] == int((rounded > 1e23).sum())
    assert {"organization", "threshold", "n_models", "first_date", "first_model"} <= set(out["by_organization"][0])
    assert main(["thresholds", "--data", str(cli_csv)]) == 0
    text = capsys.readouterr().out
    assert "year" in text and ">10²⁵" in text and "lower bounds" in text


def test_trend_line_matches_hand_computation_and_band_contains_line():
    """trend_line: value = 10**(a + b*(x - x̄)) at each date; the confidence band brackets it, the prediction band
    is wider; extrapolation widens the band."""
    import numpy as np
    import pandas as pd

    from analysis.metrics import trends

    rng = np.random.default_rng(3)
    dates = pd.to_datetime("2015-01-01") + pd.to_timedelta(rng.uniform(0, 3650, 60), unit="D")
    years = trends.decimal_year(pd.Series(dates))
    df = pd.DataFrame({"release_date": dates, "training_compute_flop": 10 ** (20 + 0.6 * (years - 2015)
                                                                               + rng.normal(0, 0.3, 60))})
    fit = trends.fit_trend(df)
    line = trends.trend_line(fit, end="2030-01-01", periods=20)
    x = trends.decimal_year(line["date"])
    np.testing.assert_allclose(np.log10(line["value"]), fit.intercept + fit.slope_oom_per_year * (x - fit.x_mean))
    assert (line["value_low"] < line["value"]).all() and (line["value"] < line["value_high"]).all()
    assert (line["pi_low"] < line["value_low"]).all() and (line["pi_high"] > line["value_high"]).all()
    width = np.log10(line["value_high"] / line["value_low"])
    assert width.iloc[-1] > width.iloc[len(width) // 2]


def test_extreme_slope_interval_overflows_to_inf_not_error():
    """Three models a few days apart spanning 10 orders of magnitude: the slope CI is astronomically wide; growth
    factors report inf rather than raising OverflowError (found by running a notebook on a narrow era)."""
    import math

    import pandas as pd

    from analysis.metrics import trends

    df = pd.DataFrame({"release_date": pd.to_datetime(["2015-01-01", "2015-01-03", "2015-01-06", "2015-01-07"]),
                       "training_compute_flop": [1e12, 1e22, 1e14, 1e24]})
    fit = trends.fit_trend(df)
    lo, hi = fit.growth_per_year_ci
    assert hi == math.inf or hi > 1e300
    row = fit.to_row()
    assert row["n"] == 4
