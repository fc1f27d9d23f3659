"""Reproduce Epoch AI's published compute trends on Epoch AI's own database.

Data: ../shared/reference/epoch_notable_ai_models.csv (Epoch AI, 'Data on AI Models', notable models, downloaded
2026-07-19, newest row 2026-07-15), loaded with analysis.data.epoch.load_epoch. Published figures (analysis/constants.py):

* Sevilla & Roldán, "Training compute of frontier AI models grows by 4-5x per year", Epoch AI, 28 May 2024
  (Table A8): notable models 2010 to May 2024, 4.1x/yr (90% CI 3.7-4.6); frontier (running top 10) 2010 to May
  2024, 5.3x/yr (4.9-5.7); frontier after a break ~2018, 4.2x/yr (3.6-4.9), break 2018-01 (80% CI 2016-10 to
  2019-08), AlphaGo Master and AlphaGo Zero excluded. Log-linear fits, bootstrap intervals.
* Sevilla et al. 2022, "Compute Trends Across Three Eras of Machine Learning" (arXiv:2202.05924), Table 2: Deep
  Learning Era (2010 to Feb 2022) doubling time 5.7 months, interval [4.3; 5.6; 9.0] months.

Why our numbers are not identical: (1) data vintage. The 2024 report had 333 compute estimates for notable models
released 2010 to May 2024; this July-2026 export has 387 for the same window (backfilled models) and Epoch has
revised many estimates since. (2) The "~2018" frontier figure is the post-break slope of a kinked (continuous)
fit with a BIC-chosen break; our headline frontier figure is a simple fit from 2018-01-01. (3) Sevilla et al. 2022's
Deep Learning Era fit used their 2022 dataset (and, in Table 2, regular-scale models only). Each test states the
comparison it makes and why it is the fair one.
"""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd
import pytest

from analysis import constants as C
from analysis.cli.main import main
from analysis.metrics import selection as S
from analysis.metrics import trends as T

REF = Path(__file__).resolve().parents[1].parent / "shared" / "reference"
NOTABLE = REF / "epoch_notable_ai_models.csv"
needs_ref = pytest.mark.skipif(not NOTABLE.is_file(), reason="../shared/reference not present")
pytestmark = [pytest.mark.reference, needs_ref]


@pytest.fixture(scope="module")
def epoch_models() -> pd.DataFrame:
    from analysis.data.epoch import load_epoch

    return load_epoch(NOTABLE).models


def inside(value: float, published: tuple[float, float, float]) -> bool:
    _, lo, hi = published
    return lo <= value <= hi


def overlap(ci: tuple[float, float], published: tuple[float, float, float]) -> bool:
    return ci[0] <= published[2] and published[1] <= ci[1]


@pytest.mark.parametrize("method", ["analytic", "bootstrap"])
def test_notable_models_2010_to_may_2024(epoch_models, method):
    """Same selection as Sevilla & Roldán 2024 (notable models, 2010-01-01 to 2024-05-28): 4.1x (3.7-4.6).

    Ours on the 2026 vintage: 3.81x (90% CI 3.34-4.36 with the default CR2 errors clustered by organization and
    release year; 3.48-4.18 with HC3), n=387 (they had 333 estimates): inside their interval."""
    fit = T.subset_trend(epoch_models, "compute", "notable", since=C.DEEP_LEARNING_ERA_START,
                         until=C.EPOCH_2024_DATA_END, method=method, n_boot=1000)
    assert inside(fit.growth_per_year, C.EPOCH_2024_NOTABLE_2010_GROWTH)
    assert overlap(fit.growth_per_year_ci, C.EPOCH_2024_NOTABLE_2010_GROWTH)
    assert 370 <= fit.n <= 400


def test_notable_models_since_2010_all_current_data(epoch_models):
    """The '4-5x per year since 2010' headline on all current data: ours 4.35x (3.33-5.69; HC3: 4.04-4.68), n=467; inside
    Sevilla & Roldán's 3.7-4.6 (Epoch's auto-updated data insight 'compute-trend-post-2010' reports 4.4-4.7x
    depending on the day it was read)."""
    fit = T.subset_trend(epoch_models, "compute", "notable", since=C.DEEP_LEARNING_ERA_START)
    assert inside(fit.growth_per_year, C.EPOCH_2024_NOTABLE_2010_GROWTH)
    assert 4.0 <= fit.growth_per_year <= 5.0
    assert fit.end == pd.Timestamp("2026-07-15")


@pytest.mark.parametrize("until", [C.EPOCH_2024_DATA_END, None])
def test_frontier_models_since_2018(epoch_models, until):
    """Frontier = running top 10 at release (AlphaGo Master/Zero excluded, as Epoch did), simple fit from 2018-01-01.

    Published: 4.2x (3.6-4.9) after a break estimated at 2018-01. Ours: 4.87x (4.18-5.67), n=65, to May 2024;
    4.81x (4.25-5.44), n=79, to July 2026. Both points are inside the published interval, near its top. Likely
    reasons: revised/backfilled estimates in the 2026 vintage, and a simple fit from 2018 is not constrained to join
    the pre-2018 trend as Epoch's kinked fit is (see test_frontier_break_kinked_like_epoch)."""
    fit = T.subset_trend(epoch_models, "compute", "frontier", since=C.FRONTIER_SLOWDOWN_START, until=until,
                         exclude=C.EPOCH_FRONTIER_OUTLIERS, method="bootstrap", n_boot=1000)
    assert inside(fit.growth_per_year, C.EPOCH_2024_FRONTIER_2018_GROWTH)
    assert overlap(fit.growth_per_year_ci, C.EPOCH_2024_FRONTIER_2018_GROWTH)
    assert 60 <= fit.n <= 85


def test_frontier_models_2010_to_may_2024(epoch_models):
    """Published: 5.3x (4.9-5.7), frontier 2010 to May 2024. Ours: 4.84x (4.59-5.11), n=110.

    Our point estimate is 0.06x below their interval, but the intervals overlap. We attribute this to the data
    vintage rather than the method: Epoch's own sensitivity table (App. 2) gives 5.15-5.44x for every top-N from 5
    to 20 on the 2024 data, while on the 2026 data every top-N we tried (5, 10, 15, 20) gives 4.6-4.9x, so the
    choice of frontier definition cannot explain the gap; the data changed (more models, revised estimates).
    We therefore assert overlap and closeness (within 15%), not containment."""
    fit = T.subset_trend(epoch_models, "compute", "frontier", since=C.DEEP_LEARNING_ERA_START,
                         until=C.EPOCH_2024_DATA_END, exclude=C.EPOCH_FRONTIER_OUTLIERS, method="bootstrap",
                         n_boot=1000)
    assert overlap(fit.growth_per_year_ci, C.EPOCH_2024_FRONTIER_2010_GROWTH)
    assert fit.growth_per_year == pytest.approx(C.EPOCH_2024_FRONTIER_2010_GROWTH[0], rel=0.15)
    for k in (5, 15, 20):  # insensitive to k, as Epoch found
        alt = T.subset_trend(epoch_models, "compute", "frontier", top_k=k, since=C.DEEP_LEARNING_ERA_START,
                             until=C.EPOCH_2024_DATA_END, exclude=C.EPOCH_FRONTIER_OUTLIERS)
        assert abs(alt.growth_per_year - fit.growth_per_year) < 0.5


def test_frontier_break_kinked_like_epoch(epoch_models):
    """Epoch's model: kinked exponential, BIC-chosen break, >= 10 models per segment, 2010 to May 2024.

    Published: break 2018-01 (80% CI 2016-10 to 2019-08), post-break 4.2x (90% CI 3.6-4.9). Ours on the 2026
    vintage: break 2015-02 with a wide 90% interval (2012-07 to 2023-06) that contains Epoch's date; post-break
    4.45x, inside their interval. Epoch warn the break date "isn't robust"; the revised data move it earlier."""
    fr = S.select(epoch_models, "frontier", top_k=C.FRONTIER_TOP_K, exclude=C.EPOCH_FRONTIER_OUTLIERS)
    b = T.estimate_break(fr, kind="kinked", since=C.DEEP_LEARNING_ERA_START, until=C.EPOCH_2024_DATA_END,
                         min_segment=C.BREAK_MIN_SEGMENT, n_boot=1000, seed=0)
    epoch_break = pd.Timestamp(C.EPOCH_2024_FRONTIER_BREAK[0])
    assert b.break_date_ci[0] <= epoch_break <= b.break_date_ci[1]
    assert inside(b.growth_after, C.EPOCH_2024_FRONTIER_2018_GROWTH)
    assert b.growth_before > b.growth_after  # a slowdown, as Epoch found


def test_deep_learning_era_doubling_time_sevilla_2022(epoch_models):
    """Sevilla et al. 2022: Deep Learning Era (2010 to Feb 2022) doubling every 5.7 months, interval 4.3-9.0.

    Ours (notable models 2010-01-01 to 2022-02-28, 2026 vintage): 6.4 months (90% CI 5.3-8.0; HC3: 5.9-7.0), inside; the same
    from the two-era piecewise fit (the eras' slopes differ: p < 0.001, CR2 Wald test)."""
    fit = T.subset_trend(epoch_models, "compute", "notable", since=C.DEEP_LEARNING_ERA_START,
                         until=C.SEVILLA_2022_DATA_END)
    _, lo, hi = C.SEVILLA_2022_DL_DOUBLING_MONTHS
    assert lo <= fit.doubling_months <= hi
    assert fit.doubling_months_ci[0] < hi and fit.doubling_months_ci[1] > lo
    pw = T.piecewise_trend(epoch_models, "compute", [C.DEEP_LEARNING_ERA_START], until=C.SEVILLA_2022_DATA_END)
    pre, dl = pw.segments
    assert dl.doubling_months == pytest.approx(fit.doubling_months)
    # the Wald test uses the CR2 two-way covariance and its Bell-McCaffrey df (issue 23): p ~ 4e-4, not < 1e-6
    assert pre.doubling_months > 2 * dl.doubling_months and pw.p_value < 1e-3


def test_epoch_frontier_flags_are_in_our_running_top_k(epoch_models):
    """External check of the frontier rule: every model Epoch's export flags 'Frontier model' (with a compute
    value) is in our running top 5 at release, hence in our top 10 (the export's flag is the stricter set)."""
    raw = pd.read_csv(NOTABLE, usecols=["Model", "Frontier model"])
    flagged = set(raw.loc[raw["Frontier model"].eq(True), "Model"])
    m = epoch_models[epoch_models["training_compute_flop"].notna()]
    ours5 = set(m.loc[S.frontier_flags(m, 5, epoch_flag=False, exclude=())["frontier"], "name"])
    have = flagged & set(m["name"])
    assert len(have) >= 90
    assert have <= ours5


def test_cli_on_epoch_file(capsys):
    """The documented example: frontier models since 2018 on Epoch's file as published (--no-overlay: `epoch:PATH`
    applies our overlay by default), with the frontier's default exclusions (AlphaGo Master and Zero left out of the
    ranking, as Sevilla & Roldán do; issue 22.4: one set of exclusions) and one row per model: n=79, window
    2018-01-01 to 2026-07-15, growth inside Sevilla & Roldán's 3.6-4.9x. `--exclude none` ranks every model: the
    two outliers take top-10 slots in 2017-18 and push one 2018 model out (n=78)."""
    assert main(["trend", "compute", "--data", f"epoch:{NOTABLE}", "--no-overlay", "--since", "2018-01-01",
                 "--subset", "frontier", "--json"]) == 0
    out = json.loads(capsys.readouterr().out)
    assert out["n"] == 79 and out["start"] == "2018-01-01" and out["end"] == "2026-07-15"
    assert out["excluded"] == list(C.EPOCH_FRONTIER_OUTLIERS)
    assert inside(out["growth_per_year"], C.EPOCH_2024_FRONTIER_2018_GROWTH)
    assert main(["trend", "compute", "--data", f"epoch:{NOTABLE}", "--no-overlay", "--since", "2018-01-01",
                 "--subset", "frontier", "--exclude", "none", "--json"]) == 0
    every = json.loads(capsys.readouterr().out)
    assert every["n"] == 78 and every["excluded"] == []
    assert main(["thresholds", "--data", f"epoch:{NOTABLE}", "--no-overlay", "--json"]) == 0
    th = json.loads(capsys.readouterr().out)
    # Epoch counts GPT-4 (Mar 2023, 2.1e25) as the first model above 1e25 FLOP
    first = [r for r in th["by_organization"] if r["threshold"] == 1e25 and r["organization"] == "OpenAI"][0]
    assert first["first_date"] == "2023-03-15"
    # with our overlay: the curated release date, OpenAI's announcement of GPT-4 on 2023-03-14 (overlay correction)
    assert main(["thresholds", "--data", f"epoch:{NOTABLE}", "--json"]) == 0
    th = json.loads(capsys.readouterr().out)
    first = [r for r in th["by_organization"] if r["threshold"] == 1e25 and r["organization"] == "OpenAI"][0]
    assert first["first_date"] == "2023-03-14"
