"""ECI frontier gap, capability vs compute and saturation: hand computations, Epoch's published open–closed gap
(pinned on the Benchmarking Hub snapshot in the repo), and coverage of every interval on synthetic data with a
known truth."""

from __future__ import annotations

import json

import numpy as np
import pandas as pd
import pytest

from analysis.cli.main import main
from analysis.constants import DAYS_PER_MONTH
from analysis.data import benchmark_hub as bh
from analysis.errors import AnalysisError, UsageError
from analysis.metrics import capabilities as cap

D0 = pd.Timestamp("2023-01-01")


def frame(rows):
    """rows: (group, day offset, value); group 'open'/'closed'."""
    return pd.DataFrame([{"model": f"{g}{i}", "release_date": D0 + pd.Timedelta(days=d), "score": v,
                          "open": g == "open", "country": None} for i, (g, d, v) in enumerate(rows)])


def test_gap_by_hand():
    # closed: 10 on day 0, 20 on day 10; open: 10 on day 0, 20 on day 19. Window days 0..19 (20 days).
    m = frame([("closed", 0, 10), ("closed", 10, 20), ("open", 0, 10), ("open", 19, 20)])
    r = cap.frontier_gap(m, "open", n_boot=20)
    # points: 10 on days 10..18 (9 days), 0 otherwise -> 90 / 20
    assert r.gap_points == pytest.approx(90 / 20)
    # months: on days 10..18 closed has been above open's level (10) since day 10 -> 0..8 days; ties count 0
    assert r.gap_months == pytest.approx(sum(range(9)) / 20 / DAYS_PER_MONTH)
    assert r.window == (D0, D0 + pd.Timedelta(days=19))
    assert list(r.frontier["value"]) == [10, 20, 10, 20]


def test_gap_is_antisymmetric_and_exact_for_a_shifted_copy():
    rng = np.random.default_rng(3)
    days = np.sort(rng.choice(900, 40, replace=False))
    vals = np.cumsum(rng.uniform(0, 2, 40)) + rng.normal(0, 0.5, 40)
    shift = 61
    rows = [("closed", int(d), float(v)) for d, v in zip(days, vals)]
    rows += [("open", int(d) + shift, float(v)) for d, v in zip(days, vals)]
    m = frame(rows)
    r = cap.frontier_gap(m, "open", n_boot=10)
    # every day the open frontier equals the closed one `shift` days earlier: the leader rose above the open
    # level at most `shift` days ago, so the gap is in (0, shift]; points equal the closed frontier's increase
    assert 0 < r.gap_months <= shift / DAYS_PER_MONTH
    swapped = m.assign(open=~m["open"])
    s = cap.frontier_gap(swapped, "open", n_boot=10)
    assert s.gap_points == pytest.approx(-r.gap_points) and s.gap_months == pytest.approx(-r.gap_months)


def test_gap_needs_both_groups_and_valid_options():
    m = frame([("closed", 0, 10), ("closed", 10, 20)])
    with pytest.raises(AnalysisError, match="both groups"):
        cap.frontier_gap(m, "open")
    with pytest.raises(UsageError):
        cap.frontier_gap(m, "size")
    with pytest.raises(UsageError):
        cap.frontier_gap(m, "open", ci_level=1.5)


def test_country_groups():
    m = pd.DataFrame({"country": ["United States of America", "China", "France", "United States of America,China",
                                  None]})
    assert cap.group_labels(m, "country").tolist() == ["US", "China", None, None, None]


@pytest.fixture(scope="module")
def eci():
    return bh.per_model(bh.load_hub(benchmarks=["eci"]), "eci", None)


def test_reproduces_epochs_published_open_closed_eci_gap(eci):
    """Epoch AI's data insights on the open–closed ECI gap:

    * Emberson, "Open-weight models lag state-of-the-art by around 3 months on average" (30 Oct 2025,
      https://epoch.ai/data-insights/open-weights-vs-closed-weights-models): over January 2023 – October 2025,
      an average gap of 3 months and "around 7 points" of ECI.
    * Edwards & Emberson, "Open models lag closed models by 4 months" (29 May 2026,
      https://epoch.ai/data-insights/open-closed-eci-gap): since January 2026, 4 months and 8 ECI points; the
      90% interval 7–11 points is quoted by secondary coverage of that insight (techjacksolutions.com), not
      verified on Epoch's page itself.

    On the pinned 2026-04-19 hub snapshot our average *points* gap reproduces both: 8.3 [4.7, 10.6] for
    2023-01-01 – 2025-10-30 contains 7, and 8.3 [6.0, 10.0] for 2026-01-01 – 2026-04-08 contains 8 and lies
    inside Epoch's 7–11. The *months* gap does not: we get about 7 months in both windows (intervals about
    [3.9, 8.6] and [4.7, 10.1]) against Epoch's 3 and 4. The difference is the index vintage, not the method of
    averaging: Epoch re-fits the ECI with every release, and in this snapshot the closed frontier rises more
    slowly in points than in the index Epoch used in October 2025 — o3 -> GPT-5 is 2.8 points here where Epoch
    calls ~7 points "similar to the gap between o3 and GPT-5", and Llama 3.1-405B scores 127.9 against Claude 3.5
    Sonnet's 130.0 where Epoch rated them on par — so the same points gap spans more months. The crossing-based
    lag of the existing lag function (median over closed records) gives the same ~7 months on this snapshot
    (test_lag_on_eci_agrees_in_magnitude), so the difference is not an artefact of our horizontal measure.
    """
    old = cap.frontier_gap(eci, "open", since="2023-01-01", until="2025-10-30", n_boot=500)
    assert old.gap_points_ci[0] <= 7 <= old.gap_points_ci[1]
    new = cap.frontier_gap(eci, "open", since="2026-01-01", n_boot=500)
    assert new.gap_points_ci[0] <= 8 <= new.gap_points_ci[1]
    assert 7 <= new.gap_points <= 11  # inside Epoch's reported interval
    # the documented difference in months: ours are longer than Epoch's in both windows
    assert old.gap_months_ci[0] > 3 and new.gap_months_ci[0] > 4
    # the facts the explanation rests on (values of the pinned snapshot)
    s = eci.set_index("model")["score"]
    assert s["GPT-5"] - s["o3"] < 4 and s["Claude 3.5 Sonnet"] - s["Llama 3.1-405B"] > 1.5


def test_lag_on_eci_agrees_in_magnitude(eci):
    from analysis.metrics.openness import open_closed_lag

    hub = bh.load_hub(benchmarks=["eci"])
    lag = open_closed_lag(bh.lag_entries(hub, "eci"), benchmark="eci")
    gap = cap.frontier_gap(eci, "open", n_boot=200)
    assert abs(lag.median_lag_months - gap.gap_months) < 3


def test_compute_fit_by_hand():
    x = np.array([22, 23, 24, 25, 26.0])
    y = 100 + 10 * (x - 22) + np.array([1, -1, 0, 1, -1])
    m = pd.DataFrame({"model": list("abcde"), "release_date": pd.to_datetime(["2022-01-01", "2025-01-01",
                      "2023-01-01", "2026-01-01", "2024-01-01"]), "score": y, "training_compute_flop": 10 ** x,
                      "open": [True, False, True, False, True]})
    f = cap.compute_fit(m)
    slope = np.polyfit(x, y, 1)[0]
    assert f.slope == pytest.approx(slope) and f.n == 5
    assert f.slope_ci[0] < slope < f.slope_ci[1]
    resid = y - np.polyval(np.polyfit(x, y, 1), x)
    np.testing.assert_allclose(f.points.set_index("model").loc[list("abcde"), "residual"], resid, atol=1e-9)
    g = f.groups.set_index("group")
    assert g.loc["open", "mean_residual"] == pytest.approx(resid[[0, 2, 4]].mean())
    yrs = pd.to_datetime(m["release_date"])
    yrs = (yrs.dt.year + (yrs.dt.day_of_year - 1) / 365.25).to_numpy()
    X = np.column_stack([np.ones(5), x, yrs, [1, 0, 1, 0, 1]])
    assert f.open_offset == pytest.approx(np.linalg.lstsq(X, y, rcond=None)[0][3])


def test_saturation_on_the_snapshot_matches_pandas():
    hub = bh.load_hub(benchmarks=["gpqa-diamond", "mmlu", "frontiermath"])
    s = cap.saturation(hub).table.set_index("benchmark")
    g = bh.per_model(hub, "gpqa-diamond")
    assert s.loc["gpqa-diamond", "best"] == pytest.approx(g["score_percent"].max())
    assert s.loc["gpqa-diamond", "best_open"] == pytest.approx(g.loc[g["open"] == True, "score_percent"].max())  # noqa: E712
    assert bool(s.loc["gpqa-diamond", "saturated"]) == (g["score_percent"].max() >= 90)
    assert s.loc["mmlu", "setting"] == "5-shot"
    assert not s.loc["frontiermath", "saturated"] and s.loc["frontiermath", "years_left"] > 0
    r = s.loc["frontiermath"]
    assert r["years_left_low"] <= r["years_left"] <= r["years_left_high"]


def test_years_left():
    assert cap.years_left(95, 5, (4, 6), 90) == (0.0, 0.0, 0.0)
    y, lo, hi = cap.years_left(70, 10, (5, 20), 90)
    assert (y, lo, hi) == (2.0, 1.0, 4.0)
    assert cap.years_left(70, 10, (-1, 20), 90)[2] == float("inf")


def test_cli_capabilities_json(capsys):
    assert main(["capabilities", "--by", "country", "--json", "--bootstrap", "50"]) == 0
    out = json.loads(capsys.readouterr().out)
    assert out["leader"] == "US" and out["follower"] == "China"
    assert out["gap_points_ci"][0] <= out["gap_points"] <= out["gap_points_ci"][1]
    assert {"gap_months", "gap_months_ci", "n_us", "n_china", "window"} <= set(out)
    assert main(["capabilities", "--since", "yesterday"]) == 2
    assert main(["capabilities", "--confidence", "2"]) == 2


def test_cli_lag_on_hub_benchmarks(capsys):
    assert main(["lag", "--benchmark", "eci", "--json"]) == 0
    out = json.loads(capsys.readouterr().out)
    assert out["benchmark"] == "eci" and "Benchmarking Hub" in out["data"]
    assert main(["lag", "--benchmark", "mmlu", "--source", "hub", "--json"]) == 0
    assert "setting 5-shot" in json.loads(capsys.readouterr().out)["data"]
    assert main(["lag", "--benchmark", "not-a-benchmark", "--source", "hub"]) == 2


# --- coverage on synthetic data with a known truth -----------------------------------------------------------

def synth(rng, delta, b, sigma, rate, years, burn=24):
    """Closed and open models arriving at `rate` a month each; capability b*t + noise, open shifted by `delta`
    months. True average gap: delta months and b*delta points (the open process is the closed one moved in time)."""
    rows = []
    for grp, shift in (("closed", 0.0), ("open", delta)):
        n = rng.poisson(rate * (years * 12 + burn))
        t = rng.uniform(-burn, years * 12, n)
        v = b * (t - shift) + rng.normal(0, sigma, n)
        rows += [{"model": f"{grp}{i}", "release_date": D0 + pd.Timedelta(days=float(ti) * DAYS_PER_MONTH),
                  "score": vi, "open": grp == "open"} for i, (ti, vi) in enumerate(zip(t, v))]
    return pd.DataFrame(rows)


@pytest.mark.slow
def test_gap_interval_coverage():
    """Set-up not used to choose the calibration (BOOT_WIDEN): shift 3 months, 1.5 models a month, noise 4."""
    rng = np.random.default_rng(2024)
    reps, hits = 80, np.zeros(2)
    truth = np.array([0.7 * 3.0, 3.0])
    for r in range(reps):
        m = synth(rng, delta=3.0, b=0.7, sigma=4.0, rate=1.5, years=3.0)
        g = cap.frontier_gap(m, "open", since=D0, n_boot=300, seed=r, ci_level=0.90)
        hits += [g.gap_points_ci[0] <= truth[0] <= g.gap_points_ci[1], g.gap_months_ci[0] <= truth[1] <= g.gap_months_ci[1]]
    cover = hits / reps
    assert (cover >= 0.82).all(), cover  # nominal 0.90; 80 replications: 2.5 standard errors
    assert (cover <= 0.995).all(), cover


@pytest.mark.slow
def test_compute_fit_interval_coverage():
    """Slope per decade (truth 14), residual trend (truth 5 points a year: compute and year independent) and the
    open–closed offset at equal compute (truth 2 points)."""
    rng = np.random.default_rng(7)
    reps, hit_s, hit_t, hit_o = 400, 0, 0, 0
    for _ in range(reps):
        n = 60
        x = rng.uniform(22, 27, n)
        yr = rng.uniform(2022, 2026, n)
        is_open = rng.random(n) < .5
        y = -200 + 14 * x + 5 * (yr - 2024) + 2 * is_open + rng.normal(0, 4, n)
        m = pd.DataFrame({"model": [f"m{i}" for i in range(n)], "score": y, "training_compute_flop": 10 ** x,
                          "release_date": pd.to_datetime((yr - 1970) * 365.25, unit="D"), "open": is_open})
        f = cap.compute_fit(m)
        hit_s += f.slope_ci[0] <= 14 <= f.slope_ci[1]
        hit_t += f.residual_trend_ci[0] <= 5 <= f.residual_trend_ci[1]
        hit_o += f.open_offset_ci[0] <= 2 <= f.open_offset_ci[1]
    cover = (hit_s / reps, hit_t / reps, hit_o / reps)
    assert all(0.85 <= c <= 0.95 for c in cover), cover


@pytest.mark.slow
def test_saturation_rate_and_years_left_coverage():
    """Frontier records rising linearly (rate 12 points a year) with noise: the rate interval and the implied
    years-left interval cover the truth (years left from the last record to 90% at the true rate)."""
    rng = np.random.default_rng(11)
    reps, hit_r, hit_y = 400, 0, 0
    for _ in range(reps):
        t = np.sort(rng.uniform(-2, 0, 8))
        vals = 60 + 12 * t + rng.normal(0, 1.0, 8)
        rec = pd.DataFrame({"release_date": pd.Timestamp("2026-01-01") + pd.to_timedelta(t * 365.25, unit="D"),
                            "value": vals, "model": [f"m{i}" for i in range(8)]})
        rate, ci, n = cap.record_rate(rec, 2.0, 0.90, pd.Timestamp("2026-01-01"))
        hit_r += ci[0] <= 12 <= ci[1]
        best = vals[-1]
        _, lo, hi = cap.years_left(best, rate, ci, 90.0)
        hit_y += lo <= (90 - best) / 12 <= hi
    assert 0.85 <= hit_r / reps <= 0.95, hit_r / reps  # 400 replications: SE 0.015
    assert 0.85 <= hit_y / reps <= 0.95, hit_y / reps
