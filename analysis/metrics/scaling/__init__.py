"""Scaling laws and data requirements: Chinchilla loss, compute-optimal allocation, data needs, the data wall.

Everything here is a pure function of its inputs; published constants come from :mod:`analysis.constants`
("Scaling laws and compute accounting" section), where each has its source.

**Loss.** ``L(N, D) = E + A / N**alpha + B / D**beta`` (Hoffmann et al. 2022, eq. 2) with a selectable published
fit (:data:`FITS`):

* ``hoffmann-2022``: the constants printed in the paper (E=1.69, A=406.4, B=410.7, alpha=0.34, beta=0.28);
* ``hoffmann-2022-tex``: the less-rounded exponents of the paper's arXiv TeX source (alpha=0.3392, beta=0.2849).
  Only these reproduce the paper's own approach-3 results (a=0.46, b=0.54 in Table 2; a 40B-parameter optimum at
  the Gopher budget, Fig. 4); the rounded exponents give a=0.45 and 32B. Approach ``hoffmann-3`` therefore uses
  this fit (Besiroglu et al. 2024 trace the discrepancy to the rounding);
* ``besiroglu-2024``: the refit of Besiroglu et al. 2024 ("Chinchilla Scaling: A replication attempt",
  E=1.8172, A=482.01, B=2085.43, alpha=0.3478, beta=0.3658), with uncertainty (below).

**Compute-optimal allocation** for a budget ``C`` (``C = 6 N D``), per approach (:data:`APPROACHES`):

* ``hoffmann-1`` / ``hoffmann-2``: the paper gives exponents (Table 2) and projections (Table 3 for approach 1,
  Table A3 for approach 2) but no coefficients. We fit ``log10 N = log10 k + a log10 C`` by least squares to the
  published projection rows, which reproduces every row to within its printed rounding (tests) and gives
  a = 0.498 (approach 1; Table 2: 0.50, 10th-90th pct. 0.488-0.502) and a = 0.490 (approach 2; Table 2: 0.49);
  then ``D = C / (6 N)``. These approaches define no loss function.
* parametric fits (``hoffmann-3`` = ``hoffmann-2022-tex``, ``besiroglu-2024``): the closed-form optimum of
  Hoffmann et al. eq. 4: ``G = (alpha A / (beta B))**(1/(alpha+beta))``, ``N* = G (C/6)**a``,
  ``D* = G**-1 (C/6)**b``, ``a = beta/(alpha+beta)``, ``b = alpha/(alpha+beta)``.

**Uncertainty** (``besiroglu-2024`` only): Monte Carlo over the parameters, ``theta = (ln A, ln B, ln E, alpha,
beta)`` ~ multivariate normal, centred on the published estimates, with the covariance of a bootstrap refit of
Besiroglu et al.'s released data (:data:`analysis.constants.BESIROGLU_2024_THETA_COV`, derivation documented
there); fixed ``seed`` (default 0) and ``n_samples`` (default 4000): identical input gives identical output.
Intervals are equal-tailed percentiles at ``confidence`` (default 0.90, as elsewhere in the toolkit). Draws for
which a target loss is unreachable count as an infinite requirement (an unbounded upper end, reported as such).
Hoffmann et al. published no usable uncertainty for the coefficients (only 10th-90th percentiles of the
exponents, reported with each result as ``exponent_a_ci``), so their approaches give point values.

**Other questions**: tokens needed to reach a target loss at a given size (:func:`tokens_for_loss`), the
compute-optimal model for a target loss (:func:`compute_optimal_for_loss`), over-training of real models
(:func:`overtraining`), the inference-aware optimum of Sardana et al. 2024 (:func:`inference_optimal`), the value
of repeated data (Muennighoff et al. 2023; :func:`effective_data`, :func:`repeated_data_table`) and the data wall
(:func:`data_wall`: the trend of frontier language models' training-set sizes against Villalobos et al. 2024's
estimated stock of public human text).

Modules: :mod:`~analysis.metrics.scaling.laws` (fits, compute-optimal allocations),
:mod:`~analysis.metrics.scaling.adjustments` (over-training, inference-aware optimum, repeated data) and
:mod:`~analysis.metrics.scaling.data_wall`. Their public names are imported here: ``scaling.compute_optimal``, ...
"""

from analysis.metrics.scaling.adjustments import (
    InferenceOptimum,
    effective_data,
    effective_params,
    inference_optimal,
    overtraining,
    repeated_data_table,
)
from analysis.metrics.scaling.data_wall import (
    DATA_WALL_INTERVAL_KIND,
    DATA_WALL_SUBSETS,
    DataWall,
    data_wall,
    data_wall_frame,
    data_wall_points,
    data_wall_table,
    stock_log10_sd,
)
from analysis.metrics.scaling.laws import (
    APPROACH_FIT,
    APPROACHES,
    DEFAULT_APPROACH,
    DEFAULT_SAMPLES,
    FITS,
    FLOP_PER_PARAM_TOKEN,
    POWER_LAWS,
    Allocation,
    ParametricFit,
    PowerLaw,
    allocation_for_params,
    check_approach,
    compute_optimal,
    compute_optimal_for_loss,
    get_fit,
    loss,
    min_loss_at_params,
    optimal_table,
    tokens_for_loss,
)

__all__ = [
    "APPROACHES",
    "APPROACH_FIT",
    "Allocation",
    "DATA_WALL_INTERVAL_KIND",
    "DATA_WALL_SUBSETS",
    "DEFAULT_APPROACH",
    "DEFAULT_SAMPLES",
    "DataWall",
    "FITS",
    "FLOP_PER_PARAM_TOKEN",
    "InferenceOptimum",
    "POWER_LAWS",
    "ParametricFit",
    "PowerLaw",
    "allocation_for_params",
    "check_approach",
    "compute_optimal",
    "compute_optimal_for_loss",
    "data_wall",
    "data_wall_frame",
    "data_wall_points",
    "data_wall_table",
    "effective_data",
    "effective_params",
    "get_fit",
    "inference_optimal",
    "loss",
    "min_loss_at_params",
    "optimal_table",
    "overtraining",
    "repeated_data_table",
    "stock_log10_sd",
    "tokens_for_loss",
]
