"""The open-closed lag on synthetic frontiers with a known truth: the open frontier is the closed one shifted by
4 months (issue 23: the crossing median centred on 4.9 and its interval covered 76% there).

Set-ups (4 years of models after a 2-year burn-in, capability = months + noise, twelve organizations per group, as
many as the real data have: the ECI lag resamples 31 organizations, the MMLU lag 38):

* ``independent``: 1 model a month per group, noise 3 (months of progress);
* ``sparse``: 0.5 models a month, noise 6;
* ``organizations``: as independent, plus an organization effect (sd 3) shared by all its models;
* ``ar1``: as independent, with AR(1) errors over successive releases (rho 0.6).

The point estimate (median over levels) must centre on the shift within +-0.5 months in every set-up, and the
interval's coverage is measured: in the slow tier with 200 data sets per set-up (binomial SE 0.02), each against
the range :data:`analysis.metrics.openness.lag.MEASURED_COVERAGE` that every label prints, and the issue's two
shifted-frontier set-ups against 85-95% (+-2 SE). The fast tier keeps one cheap version of each check.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from analysis.constants import DAYS_PER_MONTH
from analysis.metrics.openness import open_closed_lag
from analysis.metrics.openness.lag import MEASURED_COVERAGE

SHIFT = 4.0
D0 = pd.Timestamp("2020-01-01")
SETUPS = {
    "independent": dict(rate=1.0, sigma=3.0),
    "sparse": dict(rate=0.5, sigma=6.0),
    "organizations": dict(rate=1.0, sigma=3.0, tau=3.0),
    "ar1": dict(rate=1.0, sigma=3.0, rho=0.6),
}


def shifted_frontiers(rng, rate=1.0, sigma=3.0, tau=0.0, rho=0.0, n_org=12, years=4, burn=24):
    """Closed and open models arriving at ``rate`` a month; capability = release month + noise (open: month minus
    SHIFT), so the open frontier is the closed one 4 months later. Models before month 0 are left out (the window)."""
    rows = []
    for grp, shift in (("closed", 0.0), ("open", SHIFT)):
        n = rng.poisson(rate * (years * 12 + burn))
        t = np.sort(rng.uniform(-burn, years * 12, n))
        e = rng.normal(0, sigma, n)
        if rho:
            for i in range(1, n):
                e[i] = rho * e[i - 1] + np.sqrt(1 - rho ** 2) * e[i]
        org = rng.integers(0, n_org, n)
        if tau:
            e = e + rng.normal(0, tau, n_org)[org]
        keep = t >= 0
        rows += [{"model_id": f"{grp}{i}", "organization": f"{grp}-org{o}", "open_weights": grp == "open",
                  "date": D0 + pd.Timedelta(days=float(ti) * DAYS_PER_MONTH), "value": float(ti - shift + ei)}
                 for i, (ti, ei, o) in enumerate(zip(t[keep], e[keep], org[keep]))]
    return pd.DataFrame(rows)


def run(setup: str, reps: int, n_boot: int, seed: int) -> tuple[float, float]:
    """(median of the estimates, coverage of the true shift) over ``reps`` synthetic data sets."""
    rng = np.random.default_rng(seed)
    est, hit = [], 0
    for r in range(reps):
        res = open_closed_lag(shifted_frontiers(rng, **SETUPS[setup]), n_boot=n_boot, seed=r)
        est.append(res.median_lag_months)
        lo, hi = res.lag_months_ci
        hit += lo <= SHIFT <= hi
    return float(np.median(est)), hit / reps


def test_lag_centres_on_the_shift_and_covers_it_cheaply():
    """Fast tier: the estimate centres on the shift (the crossings' median does not) and the interval covers it in
    a cheap run (40 data sets: only a gross failure, below 0.7, fails)."""
    rng = np.random.default_rng(5)
    ours, crossings = [], []
    for r in range(120):
        res = open_closed_lag(shifted_frontiers(rng, **SETUPS["independent"]), n_boot=1, seed=r)
        ours.append(res.median_lag_months)
        crossings.append(res.matched_median_lag_months)
    assert abs(np.median(ours) - SHIFT) <= 0.5, np.median(ours)
    assert np.median(crossings) - SHIFT > 0.5  # the bias the issue found (4.9 months), kept out of the headline
    _, cover = run("independent", reps=40, n_boot=60, seed=6)
    assert cover >= 0.7, cover


@pytest.mark.slow
@pytest.mark.parametrize("setup", list(SETUPS))
def test_lag_coverage_per_setup(setup):
    # seeds 101-104: not the data sets (seeds 11-14) LAG_BOOT_WIDEN was chosen on
    med, cover = run(setup, reps=200, n_boot=100, seed=101 + list(SETUPS).index(setup))
    print(f"{setup}: median estimate {med:.2f}, coverage {cover:.3f}")
    assert abs(med - SHIFT) <= 0.5, (setup, med)
    se = (0.9 * 0.1 / 200) ** 0.5
    assert MEASURED_COVERAGE[0] - 2 * se <= cover <= MEASURED_COVERAGE[1] + 2 * se, (setup, cover)
    if setup in ("independent", "sparse"):  # the shifted-frontier set-ups
        assert 0.85 - 2 * se <= cover <= 0.95 + 2 * se, (setup, cover)
