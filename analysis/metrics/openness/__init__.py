"""Openness of AI models: scores, open-weight shares, the open-vs-closed lag, and transparency.

Questions answered (one function each):

* :func:`openness_scores` / :func:`explain_openness` — the 14-dimension openness index of "Opening up ChatGPT"
  (Liesenfeld, Lopez & Dingemanse 2023) and the European Open Source AI Index (EOSAI), its three sub-scores, and
  mappings to the Model Openness Framework (MOF) class and to the OSI Open Source AI Definition (OSAID) 1.0;
* :func:`open_share` — share of notable (or frontier) models released with open weights, per year and by access
  category, organization type or country, with an interval that allows for organizations (an organization's
  releases are alike: Wilson at the effective n of organization clusters) or the binomial Wilson interval;
* :func:`capability_lag` / :func:`compute_lag` — how long open-weights models take to reach the levels closed
  models reached first, on a benchmark or in training compute, with a calibrated bootstrap interval over
  organizations whose coverage is measured in simulation;
* :func:`transparency_changes` / :func:`transparency_summary` — FMTI developer scores across editions.

Rubrics (sources in :mod:`analysis.constants`)
----------------------------------------------
**Openness index.** Each of 14 dimensions is coded open / partial / closed and scores 1 / 0.5 / 0
(:data:`~analysis.constants.OPENNESS_POINTS`); sub-scores: availability (6 dims, max 6), documentation (6, max 6),
access (2, max 2); total max 14. This reproduces the published totals of "Opening up ChatGPT" exactly (46/46
models, tests/test_openness_reference.py). The current EOSAI files code only 12 of the dimensions (no package/api):
:func:`score_codes` then scores the dimensions present and reports ``n_dims``.

**MOF class (approximation).** MOF (White et al. 2024) asks, per class, for 17 components each released under an
open licence; our 14 dimensions do not map 1:1, so we use this documented proxy (``L`` = open licence: the row's
``license_type`` is ``osi-approved``; when ``license_type`` is unknown, the ``license`` dimension is ``open``):

* Class III (open model): model architecture ← ``architecture_docs`` ≠ closed and L; final parameters ←
  ``finetuned_weights`` = open and L; evaluation results ← ``preprint``, ``paper`` or ``model_card`` ≠ closed;
  model card ← ``model_card`` ≠ closed; data card ← ``datasheet`` ≠ closed; technical report ← ``preprint`` or
  ``paper`` ≠ closed.
* Class II (open tooling) = III plus: training code ← ``source_code`` = open and L; inference code ←
  ``source_code`` ≠ closed and L; evaluation code and evaluation data (no dimension of ours) ← ``source_code`` =
  open and ``code_docs`` ≠ closed (open training pipelines ship their evaluation suites; an assumption).
* Class I (open science) = II plus: datasets ← ``pretraining_data`` and ``finetuning_data`` = open; data
  preprocessing code ← ``source_code`` = open and ``pretraining_data`` = open; intermediate parameters ←
  ``base_weights`` = open (the base model is the closest intermediate checkpoint we code); research paper ←
  ``paper`` or ``preprint`` = open.

A release with restricted weights (Llama, Gemma licences) therefore has no MOF class, as in the MOF tool.

**OSAID 1.0 (approximation).** The definition requires three elements under OSI-approved terms: *data
information* ← (``pretraining_data`` = open, or = partial with ``datasheet`` ≠ closed) and ``finetuning_data`` ≠
closed; *code* ← ``source_code`` = open and L; *parameters* ← ``finetuned_weights`` = open and L. ``meets`` = all
three. This is a screen, not the OSI's own validation.

Open weights
------------
One rule for the toolkit (:func:`analysis.metrics.selection.open_flags`): the models' ``access`` column (Epoch AI's
accessibility: ``open-weights-*`` = open; ``api``, ``hosted``, ``unreleased`` = closed); unknown access is excluded
from shares and counted. The openness table describes how open a release is; it does not decide open vs closed.

Lag
---
One evaluation setting per benchmark (:data:`analysis.constants.LAG_DEFAULT_SETTING`; ``setting="any"`` mixes
them only on request), scores dated by the model's release date (``date_by="evaluation"`` on request). The lag is
the median over the levels the closed frontier reached of the months the open frontier took to reach them, levels
not yet reached counted as censored (:mod:`analysis.metrics.openness.lag`); the interval is a calibrated bootstrap
over organizations (:mod:`analysis.metrics.statistics`).

Modules: :mod:`~analysis.metrics.openness.rubric` (index, MOF class, OSAID, importers of EOSAI and
Opening-up codes), :mod:`~analysis.metrics.openness.shares` (open share), :mod:`~analysis.metrics.openness.lag`
(open-closed lag) and :mod:`~analysis.metrics.openness.transparency` (FMTI). Their public names are imported here:
``openness.open_share``, ...
"""

from analysis.metrics.openness.lag import (
    LagResult,
    benchmark_entries,
    capability_lag,
    compute_lag,
    default_setting,
    frontier_curves,
    in_window,
    level_lags,
    open_closed_lag,
    records,
)
from analysis.metrics.openness.rubric import (
    CODES,
    DIMENSIONS,
    EOSAI_KEYS,
    GROUP_OF,
    OPENING_UP_KEYS,
    MofResult,
    OpennessExplanation,
    OpennessScore,
    OsaidResult,
    codes_from_eosai,
    codes_from_opening_up,
    explain_openness,
    mof_class,
    normalize_codes,
    openness_scores,
    osaid_assessment,
    score_codes,
)
from analysis.metrics.openness.shares import (
    BINOMIAL_INTERVALS,
    BY_COLUMNS,
    CI_METHODS,
    COVERAGE_LEVEL,
    DEFAULT_SHARE_METHOD,
    SHARE_MEASURED_COVERAGE,
    SHARE_METHODS,
    WILSON_MEASURED_COVERAGE,
    check_share_method,
    clustered_share_interval,
    coverage_at,
    open_share,
    open_weights_flags,
    organization_clusters,
    share_interval,
)
from analysis.metrics.openness.transparency import (
    EDITION_ORDER,
    fmti_scores_from_indicators,
    transparency_changes,
    transparency_summary,
)

__all__ = [
    "BINOMIAL_INTERVALS",
    "BY_COLUMNS",
    "CI_METHODS",
    "CODES",
    "DEFAULT_SHARE_METHOD",
    "DIMENSIONS",
    "EDITION_ORDER",
    "EOSAI_KEYS",
    "GROUP_OF",
    "LagResult",
    "MofResult",
    "OPENING_UP_KEYS",
    "OpennessExplanation",
    "OpennessScore",
    "OsaidResult",
    "SHARE_MEASURED_COVERAGE",
    "COVERAGE_LEVEL",
    "SHARE_METHODS",
    "WILSON_MEASURED_COVERAGE",
    "benchmark_entries",
    "capability_lag",
    "check_share_method",
    "coverage_at",
    "clustered_share_interval",
    "codes_from_eosai",
    "codes_from_opening_up",
    "compute_lag",
    "default_setting",
    "explain_openness",
    "fmti_scores_from_indicators",
    "frontier_curves",
    "in_window",
    "level_lags",
    "mof_class",
    "normalize_codes",
    "open_closed_lag",
    "open_share",
    "open_weights_flags",
    "organization_clusters",
    "records",
    "openness_scores",
    "osaid_assessment",
    "score_codes",
    "share_interval",
    "transparency_changes",
    "transparency_summary",
]
