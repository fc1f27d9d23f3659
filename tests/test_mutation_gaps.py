"""Tests written for mutants that survived the mutation pass (mutmut on trends, openness, competition): each would
have let a broken implementation through."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from analysis.metrics import trends as T
from analysis.metrics.trends import projections


def test_resampled_residuals_have_the_unbiased_residual_variance():
    """Prediction intervals of bootstrap fits add resampled residuals rescaled by sqrt(n / (n - 2)), so that their
    variance is the unbiased s^2 = RSS / (n - 2) (the fit's residual_sd), not RSS / n. Removing or inverting the
    rescale (a breakage the review found the suite missed) changes the s.d. of the draws by 12% at n = 10."""
    rng = np.random.default_rng(4)
    n = 10
    dates = pd.date_range("2015-01-01", periods=n, freq="180D")
    df = pd.DataFrame({"release_date": dates, "training_compute_flop": 10 ** (20 + 0.5 * np.arange(n) / 2
                                                                              + rng.normal(0, 0.3, n))})
    fit = T.fit_trend(df, method="bootstrap", n_boot=200, seed=0)
    r = fit.residuals
    assert fit.residual_sd == pytest.approx(np.sqrt(np.sum(r ** 2) / (n - 2)), rel=1e-9)
    draws = projections._resid_draws(fit, 400_000, 0)
    assert draws.std() == pytest.approx(fit.residual_sd, rel=0.02)
    assert np.isin(np.round(draws / np.sqrt(n / (n - 2)), 12), np.round(r, 12)).all()
