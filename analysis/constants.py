"""Every published constant the toolkit uses, each with its source.

Sections: general / policy thresholds, trends (issue: trend analysis), scaling laws and compute accounting,
openness and competition. Add a constant here (never inline in code) with a comment citing where it comes from.
"""

from __future__ import annotations

# --- General ---------------------------------------------------------------------------------------------------

DAYS_PER_YEAR = 365.25  # Julian year, used to convert dates to decimal years

# Regulatory reporting thresholds on training compute.
EU_AI_ACT_SYSTEMIC_RISK_FLOP = 1e25  # EU AI Act (Regulation (EU) 2024/1689), Art. 51(2): presumption of systemic risk
US_EO_14110_REPORTING_FLOP = 1e26  # US Executive Order 14110 (2023-10-30), Sec. 4.2(b)(i); revoked 2025-01-20
THRESHOLDS_FLOP = (1e23, 1e24, 1e25, 1e26)

# --- Trends ----------------------------------------------------------------------------------------------------

# Frontier = "models that were in the top 10 of training compute as of the time of their release"
# (Epoch AI, 'AI Models' documentation, https://epoch.ai/data/ai-models-documentation; the same running top 10 is
# the frontier of Sevilla & Roldán 2024). NB: some Epoch notable-model exports flag a top-5 set in their
# `Frontier model` column; we use the top-10 definition of the trend analyses.
FRONTIER_TOP_K = 10
# Epoch AI reports 90% intervals throughout (Sevilla & Roldán 2024; Epoch data insights).
DEFAULT_CONFIDENCE = 0.90
# Sevilla & Roldán 2024 (Fig. 3) drop these two as outliers before selecting the running top 10.
EPOCH_FRONTIER_OUTLIERS = ("AlphaGo Master", "AlphaGo Zero")

# Era boundaries. Sevilla et al. 2022, "Compute Trends Across Three Eras of Machine Learning", arXiv:2202.05924:
# Deep Learning Era from 2010; Large-Scale Era from late 2015 (AlphaGo Fan, Sept/Oct 2015).
# Sevilla & Roldán 2024: "a slowdown of growth in the frontier around 2018".
DEEP_LEARNING_ERA_START = "2010-01-01"
LARGE_SCALE_ERA_START = "2015-09-01"
FRONTIER_SLOWDOWN_START = "2018-01-01"

# Published growth figures (x per year, 90% CI), Sevilla & Roldán, "Training compute of frontier AI models grows
# by 4-5x per year", Epoch AI, 28 May 2024, https://epoch.ai/blog/training-compute-of-frontier-ai-models-grows-by-4-5x-per-year
EPOCH_2024_NOTABLE_2010_GROWTH = (4.1, 3.7, 4.6)  # notable models, 2010 to May 2024
EPOCH_2024_FRONTIER_2010_GROWTH = (5.3, 4.9, 5.7)  # running top 10, 2010 to May 2024
EPOCH_2024_FRONTIER_2018_GROWTH = (4.2, 3.6, 4.9)  # running top 10, 2018 to May 2024
EPOCH_2024_DATA_END = "2024-05-28"  # publication date of the report (data "to May 2024")
# The ~2018 figure is the post-break slope of a continuous kinked exponential ("discrete acceleration", Table A3),
# break 2018-01 (80% CI 2016-10 to 2019-08), bootstrap CIs (1000 resamples), AlphaGo Master/Zero excluded.
EPOCH_2024_FRONTIER_BREAK = ("2018-01-01", "2016-10-01", "2019-08-01")
# Same report, App. 1: break points leaving fewer than ten models in a segment are excluded.
BREAK_MIN_SEGMENT = 10
# Sevilla et al. 2022, Table 2: Deep Learning Era (2010-2022, data to Feb 2022): ~0.6 OOM/year, doubling time
# 5.7 months, bootstrap interval [4.3; 5.6; 9.0] months ([low; median; high]).
SEVILLA_2022_DL_DOUBLING_MONTHS = (5.7, 4.3, 9.0)
SEVILLA_2022_DATA_END = "2022-02-28"

# Parameter-count bands for the "parameter gap" view: [<1e8, 1e8-1e9, ..., >=1e12] (left-closed bins).
PARAMETER_BAND_EDGES = (1e8, 1e9, 1e10, 1e11, 1e12)

# --- Scaling laws and compute accounting ----------------------------------------------------------------------

# --- Openness and competition ---------------------------------------------------------------------------------

# Openness rubric of "Opening up ChatGPT" (Liesenfeld, Lopez & Dingemanse, CUI '23, doi:10.1145/3571884.3604316)
# and the European Open Source AI Index (osai-index.eu; Liesenfeld & Dingemanse, FAccT '24): each dimension is
# coded open / partial / closed and scored 1 / 0.5 / 0; the total over 14 dimensions is the published "openness".
OPENNESS_POINTS = {"open": 1.0, "partial": 0.5, "closed": 0.0}
OPENNESS_GROUPS = {  # our dimension names (data/datapackage.json), grouped as in Liesenfeld et al. 2023, Table 1
    "availability": ("source_code", "pretraining_data", "base_weights", "finetuning_data", "finetuned_weights", "license"),
    "documentation": ("code_docs", "architecture_docs", "preprint", "paper", "model_card", "datasheet"),
    "access": ("package", "api"),
}
OPENNESS_MAX_SCORE = 14.0  # 14 dimensions x 1 point

# Model Openness Framework (White et al. 2024, arXiv:2403.13784; MOF v1.0 as implemented by the LF AI & Data Model
# Openness Tool, github.com/lfai/model_openness_tool): cumulative classes, each listing the components that must
# be released under an open licence. Class III = open model, II = open tooling, I = open science.
MOF_CLASS_COMPONENTS = {
    "III": ("Model architecture", "Model parameters (Final)", "Evaluation results", "Model card", "Data card",
            "Technical report"),
    "II": ("Training code", "Inference code", "Evaluation code", "Evaluation data"),
    "I": ("Datasets", "Data preprocessing code", "Model parameters (Intermediate)", "Research paper"),
}
# OSI Open Source AI Definition 1.0 (opensource.org/ai/open-source-ai-definition, 2024-10-28): required elements.
OSAID_REQUIRED_ELEMENTS = ("data information", "code", "parameters")

# Foundation Model Transparency Index (Stanford CRFM; 100 binary indicators, score = indicators satisfied).
# Published headline numbers, per edition: mean score, top score and its developer.
FMTI_PUBLISHED = {
    # Bommasani et al. 2023, arXiv:2310.12941; crfm.stanford.edu/fmti: "top-scoring model scores only 54", "mean 37"
    "2023-10": {"mean": 37.0, "top": 54.0, "top_developer": "Meta", "n_developers": 10},
    # Bommasani et al. 2024, arXiv:2407.12929; crfm.stanford.edu/fmti/May-2024: "mean score is a 58 and the top score
    # is a 85" (BigCode/Hugging Face/ServiceNow, StarCoder)
    "2024-05": {"mean": 58.0, "top": 85.0, "top_developer": "BigCode", "n_developers": 14},
    # Wan et al. 2025 (The 2025 FMTI, Dec 2025): mean fell "from 58 in 2024 to 40"; IBM 95; xAI and Midjourney 14
    "2025-12": {"mean": 40.0, "top": 95.0, "top_developer": "IBM", "n_developers": 13, "bottom": 14.0},
}
FMTI_2023_TOTALS = {  # FMTI v1.0 developer totals (October2023_scores.csv totals row; crfm.stanford.edu/fmti figure)
    "Meta": 54, "Hugging Face": 53, "OpenAI": 48, "Stability AI": 47, "Google": 40, "Anthropic": 36, "Cohere": 34,
    "AI21 Labs": 25, "Inflection": 21, "Amazon": 12,
}

# Epoch AI, "How far behind are open models?" (Cottier, You, Martemianova & Owen, 2024-11-04,
# epoch.ai/blog/open-models-report): "the best open LLMs have lagged the best closed LLMs by 5 to 22 months in
# benchmark performance" (quoted by AIM, 2024-11); subtitle: on par "with a lag of about one year".
EPOCH_OPEN_LAG_BENCHMARK_MONTHS = (5.0, 22.0)
# Same report, training compute: the largest open models lag the largest closed ones by about 15 months. Taken from
# secondary summaries of the report (12-15 months, 90% CI 6-22 months); the primary text was not retrievable here.
EPOCH_OPEN_LAG_COMPUTE_MONTHS = 15.0
EPOCH_OPEN_LAG_COMPUTE_CI_SECONDARY = (6.0, 22.0)
EPOCH_OPEN_MODELS_REPORT_DATE = "2024-11-04"

# (Frontier = top FRONTIER_TOP_K by compute at release: defined in the Trends section, used by analysis.frontier.)
DAYS_PER_MONTH = DAYS_PER_YEAR / 12  # 30.4375 days: lag months = days / DAYS_PER_MONTH
