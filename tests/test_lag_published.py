"""Published open-closed lags reproduced on the pinned data (always in the repo): Epoch AI, "How far behind are open
models?" (Cottier, You, Martemianova & Owen, 2024-11-04; values of its notebooks in analysis/constants.py).

Our lag (the median over levels, analysis/metrics/openness/lag.py) on our data cut at the report's date:
* benchmarks: on MMLU and GPQA Diamond, from our benchmarks table and from Epoch's Benchmarking Hub, inside the
  report's range of catch-up lags, 5 to 22 months (tolerance: the range itself; the report gives no interval for a
  single benchmark's lag);
* training compute since 2018: inside Epoch's 90% interval 11.55-19.82 months, and Epoch's 15.61 inside our
  interval — each estimate within the other's sampling error (tolerance: the two published and computed 90%
  intervals; the estimands differ: Epoch's is the horizontal distance between two log-linear trends with a common
  slope, ours the median over levels of the step frontiers).
"""

from __future__ import annotations

import pytest

from analysis import constants as C
from analysis.metrics import openness as op

REPORT_DATE = C.EPOCH_OPEN_MODELS_REPORT_DATE


@pytest.mark.published
def test_our_benchmark_lags_at_the_report_date_within_its_range():
    from analysis.data import benchmark_hub as bh
    from analysis.data.dataset import load

    lo, hi = C.EPOCH_OPEN_LAG_BENCHMARK_MONTHS
    ds = load(None)
    hub = bh.load_hub(benchmarks=["mmlu", "gpqa-diamond"])
    for slug in ("mmlu", "gpqa-diamond"):
        r = op.capability_lag(ds.benchmarks, ds.models, slug, until=REPORT_DATE, n_boot=300)
        assert lo <= r.median_lag_months <= hi, (slug, r.median_lag_months)
        e = op.in_window(bh.lag_entries(hub, slug), None, REPORT_DATE)
        h = op.open_closed_lag(e, benchmark=slug, as_of=REPORT_DATE, n_boot=300)
        assert lo <= h.median_lag_months <= hi, (slug, h.median_lag_months)
        # reproducible: same seed, same interval
        again = op.capability_lag(ds.benchmarks, ds.models, slug, until=REPORT_DATE, n_boot=300)
        assert again.lag_months_ci == r.lag_months_ci


@pytest.mark.published
def test_our_compute_lag_at_the_report_date_agrees_with_epochs():
    from analysis.data import epoch, upstream

    m = epoch.load_epoch(upstream.find("notable_ai_models", "2026-07-19").path).models
    r = op.compute_lag(m, since="2018-01-01", until=REPORT_DATE, n_boot=500)
    lo, hi = C.EPOCH_OPEN_LAG_COMPUTE_CI
    assert lo <= r.median_lag_months <= hi, r.median_lag_months
    assert r.lag_months_ci[0] <= C.EPOCH_OPEN_LAG_COMPUTE_MONTHS <= r.lag_months_ci[1]
    # GPT-4 (2.1e25 FLOP, March 2023) was first matched by Llama 3.1 405B (July 2024): the notebook's 16.3 months
    gpt4 = r.matched[r.matched["closed_model"].str.startswith("gpt-4")]
    assert gpt4["open_model"].tolist() == ["llama-3.1-405b"]
    assert gpt4["lag_months"].iloc[0] * 365.25 / 365 == pytest.approx(16.3, abs=0.05)
