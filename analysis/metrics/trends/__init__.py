"""Log-linear trends of model scale over time, with honest intervals.

Model: ``log10(value) = a + b * (t - t̄) + e`` where ``t`` is the release date in decimal (Julian) years and ``t̄``
the mean date of the fitted models. ``b`` is the growth in orders of magnitude (OOM) per year; the growth factor
per year is ``10**b``; the doubling time is ``12 * log10(2) / b`` months.

Intervals (``confidence``, default 0.90 as in Epoch AI's reports):

* ``method="analytic"`` (default): OLS (statsmodels) with **CR2** standard errors clustered two ways, by parent
  organization and by release year (years linked by a Bartlett kernel over :data:`analysis.constants.TREND_YEAR_BANDWIDTH`
  years), and Student-t quantiles with the Bell–McCaffrey (Satterthwaite) df (:mod:`~analysis.metrics.trends.robust`;
  the result carries ``n_clusters``, ``n_years`` and ``interval_df``). Models of one organization, and models
  released close in time, are not independent: HC3, which assumes they are, covered 38-71% at nominal 90% in
  simulations with organization effects and/or AR(1) errors; CR2 two-way 85-90% there and 90-95% with independent
  errors (40-500 models, 10-80 organizations; ``tests/test_intervals.py``, docs/methods.md). With
  fewer than 3 organizations and 3 release years HC3 is used, and a note says so. ``cov_type="HC3"``, ``"HC1"`` or
  ``"nonrobust"`` may be asked for; if HC3 is undefined because a point has leverage 1, HC1 is used and a note says
  so.
* ``method="bootstrap"``: ``n_boot`` resamples of the models (rows) with replacement, percentile interval;
  ``method="cluster-bootstrap"``: resamples whole organizations, harmonized to parent families by
  :func:`analysis.metrics.selection.organizations` (Google Brain, DeepMind and Google DeepMind are one cluster; a
  co-developed model's cluster is its set of families; rows without one form singleton clusters), for dependence
  between a developer's models; the percentile distances from the estimate are widened by the few-cluster factor
  sqrt(G/(G-1)) t(G-1)/z (G clusters). Fixed ``seed`` (default 0):
  identical input gives identical output. Resamples where every date is equal are skipped and counted.
  The point estimate is always the OLS fit on all the data.

Growth-factor and doubling-time intervals are the slope interval transformed (monotone). When the slope interval
includes 0 (or lies below it) the doubling time is unbounded: the upper bound is ``math.inf`` in Python and
``None`` (JSON null) in :meth:`TrendFit.to_dict`, and a note says why; a non-positive point slope gives
``doubling_months = inf`` (no doubling).

Which rows: every fit runs on the representative set (:func:`analysis.metrics.selection.universe`, applied in
:func:`~analysis.metrics.trends.fits.prepare`): overlay additions are never fitted, and dated versions of a model
count once. Subsets (frontier, domains, open/closed) come from :func:`analysis.metrics.selection.select`.

Data handling, reported in every result: rows without a release date, and rows in the window without a value, are
dropped and counted (``n_missing_date``, ``n_missing_value``); **non-positive values in the window raise**
:class:`AnalysisError` (a zero or negative FLOP/parameter count is a data error and has no logarithm) unless
``nonpositive="drop"``, which drops and counts them (``n_nonpositive``); usable rows outside the ``since``/``until``
window (inclusive) are counted in ``n_outside``.
At least 3 models with at least 2 distinct dates are needed (:data:`MIN_POINTS`), else AnalysisError.

Every function takes a models DataFrame (only the columns it uses are required) and returns a frozen dataclass or
a tidy DataFrame; nothing prints.

Modules: :mod:`~analysis.metrics.trends.fits` (the fit, tables of fits), :mod:`~analysis.metrics.trends.breaks`
(eras, break dates, break tests), :mod:`~analysis.metrics.trends.projections` (levels and dates with prediction
intervals), :mod:`~analysis.metrics.trends.thresholds` (counts above compute thresholds) and
:mod:`~analysis.metrics.trends.size_bands` (mixture-of-experts, size bands). Their public names are imported here:
``trends.fit_trend``, ``trends.estimate_break``, ...
"""

from analysis.metrics.trends.breaks import (
    BREAK_KINDS,
    CHANGE_KINDS,
    BreakEstimate,
    BreakTest,
    PiecewiseFit,
    break_test,
    estimate_break,
    piecewise_trend,
)
from analysis.metrics.trends.fits import (
    COLUMN_LABELS,
    GROUPINGS,
    LOG10_2,
    METHODS,
    METRICS,
    MIN_POINTS,
    AtlasErrorTypes,
    Prepared,
    TrendFit,
    compare_subsets,
    decimal_year,
    fit_trend,
    metric_column,
    parse_date,
    prepare,
    subset_trend,
    trend_table,
    year_to_date,
)
from analysis.metrics.trends.projections import (
    DateProjection,
    LevelProjection,
    date_reaching,
    level_at,
    projection_table,
    trend_line,
)
from analysis.metrics.trends.size_bands import (
    band_labels,
    moe_parameter_trends,
    moe_table,
    parameter_trends_by_domain,
    size_band_counts,
)
from analysis.metrics.trends.thresholds import (
    threshold_counts,
    threshold_counts_by_organization,
    threshold_counts_by_organization_year,
)

__all__ = [
    "AtlasErrorTypes",
    "BREAK_KINDS",
    "BreakEstimate",
    "BreakTest",
    "CHANGE_KINDS",
    "COLUMN_LABELS",
    "DateProjection",
    "GROUPINGS",
    "LOG10_2",
    "LevelProjection",
    "METHODS",
    "METRICS",
    "MIN_POINTS",
    "PiecewiseFit",
    "Prepared",
    "TrendFit",
    "band_labels",
    "break_test",
    "compare_subsets",
    "date_reaching",
    "decimal_year",
    "estimate_break",
    "fit_trend",
    "level_at",
    "metric_column",
    "moe_parameter_trends",
    "moe_table",
    "parameter_trends_by_domain",
    "parse_date",
    "piecewise_trend",
    "prepare",
    "projection_table",
    "size_band_counts",
    "subset_trend",
    "threshold_counts",
    "threshold_counts_by_organization",
    "threshold_counts_by_organization_year",
    "trend_line",
    "trend_table",
    "year_to_date",
]
