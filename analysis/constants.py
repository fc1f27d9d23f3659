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
# Default start of `frontier-atlas trend` when no --since is given: the Deep Learning Era start of Sevilla et al.
# 2022 (arXiv:2202.05924, abstract: "before 2010 training compute grew in line with Moore's law ... Since the
# advent of Deep Learning in the early 2010s ... doubling approximately every 6 months"; eras split at 2010), the
# window of Epoch AI's headline
# compute trends (Sevilla & Roldan 2024: notable models "2010 to May 2024"). Without it a fit on an Epoch export
# spans the 1950s to today and mixes eras (2.6x/yr instead of ~4x/yr). `--since all` fits the whole record.
TREND_DEFAULT_SINCE = DEEP_LEARNING_ERA_START
TREND_DEFAULT_SINCE_SOURCE = "start of the deep-learning era (Sevilla et al. 2022, arXiv:2202.05924)"
# Trend intervals are cluster-robust (CR2) by parent organization and by release year (analysis.metrics.trends.robust):
# models of adjacent years are linked by a Bartlett kernel over windows of this many calendar years (weights 1, 2/3,
# 1/3 for models 0, 1, 2 years apart; Newey & West 1987's kernel, used over periods by Driscoll & Kraay 1998). 3
# rather than 1 or 2: with AR(1) errors over release order (rho 0.6) at 40 models, clustering by single years
# covered 84% at nominal 90%, windows of 2 years 86%, of 3 years 88%, with the independent and organization
# set-ups unchanged (87-88%) (tests/test_intervals.py, 400 replicates each; issue 23).
TREND_YEAR_BANDWIDTH = 3

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

# Hoffmann et al. 2022, "Training Compute-Optimal Large Language Models", arXiv:2203.15556 (Chinchilla).
# Parametric loss L(N, D) = E + A/N^alpha + B/D^beta, Appendix D.2 (eq. 10): "E = 1.69, A = 406.4, B = 410.7",
# exponents 0.34 and 0.28, as printed in the paper.
HOFFMANN_2022_FIT = {"E": 1.69, "A": 406.4, "B": 410.7, "alpha": 0.34, "beta": 0.28}
# Less-rounded exponents of the arXiv TeX source, alpha = 0.3392, beta = 0.2849, as reported by Besiroglu et al.
# 2024 (below; checked here only through a secondary quotation). They give the paper's own approach-3 results:
# a = 0.4565 (Table 2: 0.46) and N* = 40.3B at the Gopher budget (Fig. 4: "40B parameters"); the rounded
# exponents give a = 0.452 and 32B.
HOFFMANN_2022_TEX_FIT = {"E": 1.69, "A": 406.4, "B": 410.7, "alpha": 0.3392, "beta": 0.2849}
HOFFMANN_2022_GOPHER_BUDGET_FLOP = 5.76e23  # Fig. 2-4 captions: "the number of FLOPs used to train Gopher"
HOFFMANN_2022_APPROACH3_GOPHER_PARAMS = 40e9  # Fig. 4 caption: "optimal model size ... Gopher budget to be 40B"
# Table 2: exponents a (N* ~ C^a) and b (D* ~ C^b), with 10th and 90th percentiles from bootstrapping.
HOFFMANN_2022_TABLE2 = {  # approach: (a, (p10, p90), b, (p10, p90))
    "hoffmann-1": (0.50, (0.488, 0.502), 0.50, (0.501, 0.512)),
    "hoffmann-2": (0.49, (0.462, 0.534), 0.51, (0.483, 0.529)),
    "hoffmann-3": (0.46, (0.454, 0.455), 0.54, (0.542, 0.543)),
}
# The compute-optimal allocations we compute: Hoffmann et al.'s approaches 1-3 (Table 2) and Besiroglu et al.
# 2024's refit of approach 3 (below); the names `data-needed --approach` and the notebooks' `approach` accept.
SCALING_APPROACHES = ("hoffmann-1", "hoffmann-2", "hoffmann-3", "besiroglu-2024")
# Table 3 (approach 1 projections): (parameters, FLOPs, tokens), as printed (3 significant figures).
HOFFMANN_2022_TABLE3 = (
    (4e8, 1.92e19, 8.0e9), (1e9, 1.21e20, 20.2e9), (1e10, 1.23e22, 205.1e9), (6.7e10, 5.76e23, 1.5e12),
    (1.75e11, 3.85e24, 3.7e12), (2.8e11, 9.90e24, 5.9e12), (5.2e11, 3.43e25, 11.0e12), (1e12, 1.27e26, 21.2e12),
    (1e13, 1.30e28, 216.2e12),
)
# Table A3 (Appendix D.3): the same projections from approaches 2 and 3.
HOFFMANN_2022_TABLE_A3_APPROACH2 = (
    (4e8, 1.84e19, 7.7e9), (1e9, 1.20e20, 20.0e9), (1e10, 1.32e22, 219.5e9), (6.7e10, 6.88e23, 1.7e12),
    (1.75e11, 4.54e24, 4.3e12), (2.8e11, 1.18e25, 7.1e12), (5.2e11, 4.19e25, 13.4e12), (1e12, 1.59e26, 26.5e12),
    (1e13, 1.75e28, 292.0e12),
)
HOFFMANN_2022_TABLE_A3_APPROACH3 = (  # the 175B row reads 1.26e24 in the transcription we saw; 6ND gives 1.26e25
    (4e8, 2.21e19, 9.2e9), (1e9, 1.62e20, 27.1e9), (1e10, 2.46e22, 410.1e9), (6.7e10, 1.71e24, 4.1e12),
    (1.75e11, 1.26e25, 12.0e12), (2.8e11, 3.52e25, 20.1e12), (5.2e11, 1.36e26, 43.5e12), (1e12, 5.65e26, 94.1e12),
    (1e13, 8.55e28, 1425.5e12),
)
# Chinchilla itself (same paper, Section 4): 70B parameters, 1.4T tokens, the Gopher budget of 5.76e23 FLOP.
CHINCHILLA_PARAMS, CHINCHILLA_TOKENS, CHINCHILLA_REPORTED_FLOP = 7e10, 1.4e12, 5.76e23
# GPT-3 (Brown et al. 2020, arXiv:2005.14165): 175B parameters, 300B training tokens, Table D.1: 3.14e23 FLOP.
GPT3_PARAMS, GPT3_TOKENS, GPT3_REPORTED_FLOP = 1.75e11, 3e11, 3.14e23

# Besiroglu, Erdil, Barnett & You 2024, "Chinchilla Scaling: A replication attempt", arXiv:2404.10102 (Epoch AI):
# refit of approach 3 on 240 points extracted from Hoffmann et al.'s Fig. 4 (the 5 highest-loss of 245 dropped).
BESIROGLU_2024_FIT = {"E": 1.8172, "A": 482.01, "B": 2085.43, "alpha": 0.3478, "beta": 0.3658}
# Their Table 1 standard errors (A 124.58, B 1293.23, E 0.03, alpha 0.02, beta 0.02). Recalled from the paper;
# the paper text was not retrievable in this session (the point estimates were checked, see above).
BESIROGLU_2024_SE = {"A": 124.58, "B": 1293.23, "E": 0.03, "alpha": 0.02, "beta": 0.02}
BESIROGLU_2024_N_POINTS = 240
BESIROGLU_2024_TOKENS_PER_PARAM = 20.0  # their headline: compute-optimal "~20 tokens per parameter", as Chinchilla
# Covariance of theta = (ln A, ln B, ln E, alpha, beta) for the Monte Carlo in analysis.metrics.scaling. Not published:
# DERIVED here. We refit their released data (github.com/Besiroglu/data, svg_extracted_data.csv, dropping the 5
# highest-loss points as they do) with Hoffmann et al.'s procedure (Huber delta 1e-3 on log loss, L-BFGS from a
# grid of initialisations): point estimates A 477.8, B 2143, E 1.8172, alpha 0.3473, beta 0.3672 (within 1%, 3%,
# 0%, 0.0005, 0.0014 of theirs). Then 900 bootstrap resamples of the 240 points (numpy seeds 1 and 2), each
# refit from the point estimate plus 60 random starts of that grid: bootstrap s.e. A 120, B 1169, E 0.025,
# alpha 0.015, beta 0.019, close to their Table 1 s.e. above (refits started only near the point estimate give s.e. 25-50% smaller: local
# minima matter). THETA_COV is that bootstrap covariance. A multivariate normal with it reproduces the refits'
# 5-95% range of N* within 2% at 1e21 FLOP, 5% at the Gopher budget and 8% at 1e26; for D*/N* its upper tail is
# 10-20% wider (conservative).
BESIROGLU_2024_THETA_COV = (  # ln A, ln B, ln E, alpha, beta
    (6.1858e-02, -2.2009e-02, 2.0902e-03, 3.6876e-03, -1.1058e-03),
    (-2.2009e-02, 1.5557e-01, 3.3316e-03, -1.3811e-03, 7.6259e-03),
    (2.0902e-03, 3.3316e-03, 1.9057e-04, 1.2331e-04, 1.6278e-04),
    (3.6876e-03, -1.3811e-03, 1.2331e-04, 2.2014e-04, -6.9436e-05),
    (-1.1058e-03, 7.6259e-03, 1.6278e-04, -6.9436e-05, 3.7405e-04),
)

# Muennighoff et al. 2023, "Scaling Data-Constrained Language Models" (NeurIPS 2023, arXiv:2305.16264), eq. 5:
# D' = U_D + U_D R*_D (1 - exp(-R_D / R*_D)), R_D = epochs - 1; fitted R*_D ~ 15.4 and R*_N ~ 5.3 (values recalled
# from the paper; only the functional form was re-checked in this session).
MUENNIGHOFF_2023_R_STAR_D = 15.4
MUENNIGHOFF_2023_R_STAR_N = 5.3

# Sardana, Portes, Doubov & Frankle 2024, "Beyond Chinchilla-Optimal: Accounting for Inference in Language Model
# Scaling Laws" (ICML 2024, arXiv:2401.00448), Fig. 1: a 13B model with 2T tokens of lifetime inference demand
# can save 1.7e22 FLOPs (17%) "by instead training a 7B model on more data".
SARDANA_2024_FIG1 = {"reference_params": 13e9, "inference_tokens": 2e12, "optimal_params": 7e9,
                     "flop_saved": 1.7e22, "fraction_saved": 0.17}
# Fit used by analysis.metrics.scaling.inference_optimal by default: Hoffmann et al.'s constants with the TeX-source exponents
# (HOFFMANN_2022_TEX_FIT). Only these reproduce SARDANA_2024_FIG1 (7.1B, 16% saved); the rounded printed exponents
# give 8.0B and 10% (tests/test_published_values.py).
SARDANA_2024_DEFAULT_FIT = "hoffmann-2022-tex"

# Villalobos et al. 2024, "Will we run out of data? Limits of LLM scaling based on human-generated data" (ICML 2024,
# arXiv:2211.04325v2): effective stock of public human text ~300T tokens; datasets reach it "between 2026 and
# 2032", median 2028 (80% CI 2026-2032). The 90% CI of the stock (100T-1000T) is as quoted in our issue; the
# abstract and secondary summaries we could check give only the ~300T central value.
VILLALOBOS_2024_STOCK_TOKENS = 3e14
VILLALOBOS_2024_STOCK_CI = (1e14, 1e15)
VILLALOBOS_2024_STOCK_CI_LEVEL = 0.90
VILLALOBOS_2024_EXHAUSTION_YEAR = 2028.0
VILLALOBOS_2024_EXHAUSTION_CI = (2026.0, 2032.0)
VILLALOBOS_2024_EXHAUSTION_CI_LEVEL = 0.80
# Default start of the data-wall trend window: OUR choice, not a published constant. Pretrained transformer language
# models begin in 2018 (GPT, June 2018; BERT, October 2018); earlier "language" rows (word vectors, LSTMs) count
# training data differently and would flatten the trend.
DATA_WALL_SINCE = "2018-01-01"

# Utilization. Llama 3 paper (Dubey et al. 2024, arXiv:2407.21783, Table 4): BF16 MFU 38-43% for the 405B run on
# 8K-16K H100s (400 TFLOPs/GPU at 16,384 GPUs). DEFAULT_MFU sits in that range; the sensitivity range around it is
# our convention (typical large runs report 30-50%), not a published interval.
LLAMA3_405B_MFU_RANGE = (0.38, 0.43)
DEFAULT_MFU = 0.40  # kept for callers that pass it explicitly; model_compute now uses the generation prior below
MFU_SENSITIVITY_RANGE = (0.30, 0.50)
# MFU prior by hardware generation (analysis.metrics.utilization): median and range of the MFUs developers reported, as
# recorded in Epoch AI's notable-models data (column "Hardware utilization (MFU)"), in the pinned snapshot of this
# vintage. Generations group accelerators by their release period; patterns match Epoch's hardware names and our
# hardware ids (lower case, '-' read as ' '). OUR grouping, not a published one. Below MFU_PRIOR_MIN_N reports a
# generation falls back to all reports pooled (e.g. Blackwell: no reported MFU in the 2026-07-19 snapshot).
MFU_PRIOR_VINTAGE = "2026-07-19"
MFU_PRIOR_MIN_N = 5
MFU_GENERATIONS = {
    "pre-a100": (r"gtx", r"titan", r"\bk[248]0\b", r"\bm[46]0\b", r"p100", r"v100",
                 r"tpu v[123]\b"),  # to 2019: Kepler-Volta GPUs, TPU v2-v3
    "a100-class": (  # 2020-2022 parts
        r"a100", r"a800", r"tpu v4", r"trainium1", r"trainium$", r"ascend 910", r"mi250", r"gaudi ?2"),
    "h100-class": (  # 2023-2024 parts
        r"h100", r"h800", r"h200", r"\bh20\b", r"tpu v5", r"tpu v6", r"trillium", r"mi300", r"gaudi ?3", r"trainium2"),
    "blackwell": (r"\bb200", r"gb200", r"\bb100", r"gb300", r"\bb300"),  # 2025- parts
}
# Meta, "Introducing Meta Llama 3" (blog, 2024-04-18): "Our most efficient implementation achieves a compute
# utilization of over 400 TFLOPS per GPU when trained on 16K GPUs simultaneously" (H100; wording checked via the
# Llama 3 paper's Table 4 and SC'24 slides quoting 400 TFLOPS at 16,384 GPUs). Per-GPU achieved FLOP/s by hardware id.
REFERENCE_THROUGHPUT_PER_GPU = {"nvidia-h100": 400e12}
# Llama 3 model card (github.com/meta-llama/llama3/blob/main/MODEL_CARD.md): H100-80GB hours, 8B 1.3M, 70B 6.4M.
LLAMA3_MODEL_CARD_GPU_HOURS = {"llama-3-8b": 1.3e6, "llama-3-70b": 6.4e6}

# Prices (USD per accelerator-hour). Default: AWS EC2 Capacity Blocks for ML, effective accelerator hourly rate,
# US East, rates in force until 2025-01-01 (aws.amazon.com/ec2/capacityblocks/pricing): p5.48xlarge (8x H100)
# $4.916, H200 instances $5.408, p4d.24xlarge (8x A100 40GB) $1.844. Range for H100: Lambda on-demand 1x H100
# $2.49/h to AWS p5.48xlarge on-demand $98.32/h / 8 = $12.29/h (both as listed by computespec.pages.dev, 2025).
GPU_HOUR_PRICE_USD = {"nvidia-h100": 4.916, "nvidia-h200": 5.408, "nvidia-a100": 1.844}
GPU_HOUR_PRICE_SOURCE = "AWS EC2 Capacity Blocks effective accelerator rate, 2024"
GPU_HOUR_PRICE_RANGE_USD = {"nvidia-h100": (2.49, 12.29)}
# PUE: Uptime Institute Global Data Center Survey 2023: industry average PUE 1.58 (flat at 1.55-1.59 since 2020).
# Hyperscale AI facilities report lower values; pass --pue to use one.
DEFAULT_PUE = 1.58

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
# epoch.ai/blog/open-models-report), values as computed in its notebooks (github.com/epoch-research/open-model-trends
# at a72b3e93, benchmark_analysis.ipynb and compute_analysis.ipynb, outputs of 4 Nov 2024):
# * benchmarks: "lagged ... by 5 to 22 months" = the 5th and 95th percentiles of 13 catch-up lags pooled over MMLU
#   (5), GPQA (2), GSM1k (3) and BBH (3): for each closed record not already exceeded by the last open match, the
#   first open record within 0.02 nats of -ln(error) (lags in days / 365 * 12); per-benchmark means 18.4, 4.6, 8.4
#   and 14.8 months; pooled mean 13, median 15.
EPOCH_OPEN_LAG_BENCHMARK_MONTHS = (5.0, 22.0)
EPOCH_OPEN_LAG_BENCHMARK_MEANS = {"MMLU": 18.4, "GPQA": 4.6, "GSM1k": 8.4, "BBH": 14.8}
EPOCH_OPEN_LAG_BENCHMARK_NOISE_NATS = 0.02
# The notebook's list of separately fine-tuned systems it leaves out, as far as the report's tables hold them (every
# system whose name contains "Flan" is left out too).
EPOCH_REPORT_FINETUNED = ("U-PaLM", "Hermes-2 Theta Llama 3 70B")
# * training compute, top-1 frontier models since 2018: open and closed log-linear trends with a common slope, lag =
#   horizontal distance 15.61 months (90% bootstrap CI 11.55-19.82); separate slopes 15.37 (6.45-21.9); mean of the
#   top-1 crossings 16.3 months (5th-95th percentile 8.9-25.5; GPT-4 -> Llama 3.1-405B 16.3).
EPOCH_OPEN_LAG_COMPUTE_MONTHS = 15.61
EPOCH_OPEN_LAG_COMPUTE_CI = (11.55, 19.82)
EPOCH_OPEN_LAG_COMPUTE_CROSSINGS_MEAN = 16.3
EPOCH_OPEN_MODELS_REPORT_DATE = "2024-11-04"
# Epoch AI data insights on the open-closed gap on the Epoch Capabilities Index (ECI), averages over the window:
# Emberson (2025-10-30, epoch.ai/data-insights/open-weights-vs-closed-weights-models), January 2023 - October 2025:
# "an average 'horizontal' time gap of 3.5 months, with a 90% confidence interval of 1.1 to 5.3 months", "an average
# gap of 7 ECI points, with a 90% confidence interval of 0 to 14" (headline: "around 3 months"); Edwards & Emberson
# (2026-05-29, epoch.ai/data-insights/open-closed-eci-gap), "analysis window, January 1, 2026, through May 28, 2026":
# four months and 8 points (90% CI 7-11 points as quoted by secondary coverage of the insight, techjacksolutions.com;
# not in the part of Epoch's page we could read; no interval for the months was published). Estimands: analysis.metrics.epoch_gap.
EPOCH_ECI_GAP_2025 = {"points": 7.0, "points_ci": (0.0, 14.0), "months": 3.5, "months_ci": (1.1, 5.3),
                      "since": "2023-01-01", "until": "2025-10-30"}
EPOCH_ECI_GAP_2026 = {"points": 8.0, "points_ci": (7.0, 11.0), "months": 4.0, "since": "2026-01-01",
                      "until": "2026-05-28"}

# (Frontier = top FRONTIER_TOP_K by compute at release: defined in the Trends section, used by analysis.metrics.frontier.)
DAYS_PER_MONTH = DAYS_PER_YEAR / 12  # 30.4375 days: lag months = days / DAYS_PER_MONTH

# --- Open-vs-closed lag: default evaluation setting per benchmark (a lag never mixes settings) -----------------
# MMLU: 5-shot is the protocol of the benchmark's paper (Hendrycks et al. 2021, arXiv:2009.03300, "few-shot ... up to
# 5 examples") and of most developers' reports; GPQA Diamond: 0-shot, the setting of Epoch AI's Benchmarking Hub
# runs (epoch.ai/benchmarks) that supply most of our GPQA rows. `lag --setting any` takes each model's best score
# across settings, only when asked.
LAG_DEFAULT_SETTING = {"mmlu": "5-shot", "gpqa-diamond": "0-shot"}

# --- Compute infrastructure: hardware, clusters, power and the cost of training runs (issue 16) ----------------

# Deflator: US BLS CPI-U, U.S. city average, all items, annual averages (1982-84 = 100), series CUUR0000SA0.
# Values as published by BLS (bls.gov CPI tables; the 2024 average 313.689 and 2021-2023 checked on bls.gov
# regional tables and inflationdata.com's copy of the BLS table; 2006-2017 checked against statinvestor.com's copy,
# which rounds to 2 decimals). Years after the last entry use the last entry (no adjustment) and say so; the 2025
# annual average was not verified in this session.
CPI_U_ANNUAL = {
    2006: 201.6, 2007: 207.342, 2008: 215.303, 2009: 214.537, 2010: 218.056, 2011: 224.939, 2012: 229.594,
    2013: 232.957, 2014: 236.736, 2015: 237.017, 2016: 240.007, 2017: 245.120, 2018: 251.107, 2019: 255.657,
    2020: 258.811, 2021: 270.970, 2022: 292.655, 2023: 304.702, 2024: 313.689,
}
CPI_U_SOURCE = "US BLS CPI-U (CUUR0000SA0), annual averages"
BASE_USD_YEAR = 2023  # Epoch AI reports training costs in 2023 USD; we deflate hardware prices to the same year

# Accelerator groups of Epoch's ML-hardware file ("Type" column) -> our three groups.
HARDWARE_TYPE_GROUPS = {"gpu": ("GPU", "GPGPU", "DCU (GPGPU)"), "tpu": ("TPU",)}  # everything else: "other"

# Hobbhahn & Besiroglu (2022), "Trends in GPU price-performance", Epoch AI, epoch.ai/blog/trends-in-gpu-price-
# performance, Table 1: FLOP/s per dollar doubling time in years [90% CI]: all 470 GPUs 2006-2021 2.46
# [2.24, 2.72]; ML GPUs (n=26) 2.07 [1.54, 3.13]; top GPUs (n=57) 2.95 [2.54, 3.52]; FP16 (n=91) 2.30 [1.69, 3.62].
HOBBHAHN_2022_DOUBLING_YEARS = {
    "all": (2.46, 2.24, 2.72), "ml": (2.07, 1.54, 3.13), "top": (2.95, 2.54, 3.52), "fp16": (2.30, 1.69, 3.62),
}
HOBBHAHN_2022_WINDOW = ("2006-01-01", "2021-12-31")
HOBBHAHN_2022_N_GPUS = {"all": 470, "ml": 26, "top": 57, "fp16": 91}  # same Table 1: GPUs in each fit
# Epoch AI, "Machine Learning Hardware" data page (epoch.ai/data/machine-learning-hardware, update of 2025-01-16):
# "Measured in 16-bit floating point operations, ML hardware performance has increased at a rate of 29% per year,
# doubling every 2.7 years" (the 2024-11-13 version read 28% and 2.8 years); "Leading ML hardware becomes 50% more
# energy-efficient each year"; "Performance per dollar improves around 30% each year". No intervals are printed.
EPOCH_HW_PAGE_FP16_GROWTH = 1.29
EPOCH_HW_PAGE_FP16_DOUBLING_YEARS = 2.7
EPOCH_HW_PAGE_LEADING_EFFICIENCY_GROWTH = 1.5
EPOCH_HW_PAGE_DATE = "2025-01-16"

# Cottier, Rahman, Fattorini, Maslej, Besiroglu & Owen (2024), "The rising costs of training frontier AI models",
# arXiv:2405.21015, abstract: amortized hardware + energy cost of the final training run of frontier models (top 10
# by compute at release) grew "2.4x per year since 2016 (90% CI: 2.0x to 2.9x)"; 45 frontier models (Epoch blog
# "How much does it cost to train frontier AI models?", 2024-06-03, which prints a 95% CI of 2.0x to 3.1x).
# "the largest training runs will cost more than a billion dollars by 2027".
COTTIER_2024_COST_GROWTH = (2.4, 2.0, 2.9)
COTTIER_2024_SINCE = "2016-01-01"
COTTIER_2024_DATA_END = "2024-05-31"  # arXiv v1 submitted 2024-05-31
COTTIER_2024_BILLION_YEAR = 2027
# Emberson & Rahman, "The power required to train frontier AI models is doubling annually", Epoch AI data insight,
# 2024-09-19 (epoch.ai/data-insights/power-usage-trend): frontier models (top 10 at release) since 2010, n = 45,
# log-linear fit, "2.1x per year, with a 90% confidence interval of 1.9 to 2.2x".
EPOCH_POWER_GROWTH = (2.1, 1.9, 2.2)
EPOCH_POWER_SINCE = "2010-01-01"
EPOCH_POWER_DATA_END = "2024-09-19"
EPOCH_POWER_N = 45

# Cost of a run from first principles (amortized hardware + energy), following Cottier et al. (2024) as implemented
# in their public code (github.com/epoch-research/training-cost-trends: parameters in constants.py, energy.py and
# the uncertainty notebook's 90% credible intervals):
# * server cost = accelerator cost x SERVER_COST_OVERHEAD (their 90% CI 1.3-2.1; measured 1.54 P100 to 1.69 V100);
#   cluster cost = server cost x CLUSTER_INTERCONNECT_OVERHEAD (90% CI 1.07-1.32). Central values are the geometric
#   midpoints of those intervals (our derivation).
# * Accelerator price: 90% credible range x0.5 to x2 of the list price (their notes: reported NVIDIA margins on
#   Hopper, volume discounts, demand-driven price spikes).
HARDWARE_PRICE_FACTOR_RANGE = (0.5, 2.0)
SERVER_COST_OVERHEAD = 1.65
SERVER_COST_OVERHEAD_RANGE = (1.3, 2.1)
CLUSTER_INTERCONNECT_OVERHEAD = 1.19
CLUSTER_INTERCONNECT_OVERHEAD_RANGE = (1.07, 1.32)
# * Depreciation: hardware loses value at the rate ML-GPU price-performance improves, 0.14 OOM per year (their
#   ML_GPU_PRICE_PERFORMANCE_OOMS_PER_YEAR, citing Hobbhahn et al. 2023 "Trends in machine learning hardware":
#   price-performance doubles every 2.1 years, log10(2)/2.1 = 0.143). The amortized cost of a run of t years is
#   cluster cost x (1 - 10**(-0.14 t)). Range: Hobbhahn & Besiroglu 2022's ML-GPU doubling CI, 1.54-3.13 years.
DEPRECIATION_OOM_PER_YEAR = 0.14
DEPRECIATION_OOM_PER_YEAR_RANGE = (0.30103 / 3.13, 0.30103 / 1.54)
# * Energy: chip TDP x chip-to-server power ratio x fraction of server TDP drawn in training x PUE x hours x price.
#   Ratios from NVIDIA DGX datasheets as compiled in Epoch's energy.py: H100 10.2 kW / 8 / 0.7 kW = 1.82, A100
#   6.5 / 8 / 0.4 = 2.03, other GPUs 1.8; TPUs 1.56 (Jouppi et al. 2021, Table 1). Fraction of server TDP in use:
#   GPUs 0.75, TPUs 0.43 (same file, from Patterson et al. 2021, arXiv:2104.10350, Table 4, and Epoch's own H100
#   measurement); ranges are the 90% intervals noted there.
CHIP_TO_SERVER_POWER = {"nvidia-h100": 10.2 / 8 / 0.7, "nvidia-a100": 6.5 / 8 / 0.4, "gpu": 1.8, "tpu": 1.56}
SERVER_TDP_FRACTION = {"gpu": 0.75, "tpu": 0.43}
SERVER_TDP_FRACTION_RANGE = {"gpu": (0.5, 1.0), "tpu": (0.3, 0.8)}
# PUE of AI/hyperscale facilities: Epoch's cost model uses 1.1 for hyperscalers (Meta reports 1.09 for buildings
# completed in 2022; Google and Microsoft ~1.1, Patterson et al. 2021 Table 4). Range up to the industry average
# DEFAULT_PUE (Uptime Institute 2023, 1.58).
AI_DATACENTER_PUE = 1.1
AI_DATACENTER_PUE_RANGE = (1.1, 1.58)
# Electricity: US industrial average 8.06 US cents/kWh in 2023 (EIA, Electric Power Monthly / Annual, as charted
# by Statista 2024-03-18). Range: 2023 industrial averages of large data-centre states, Texas 6.60 to Virginia 8.92
# cents/kWh (EIA Electric Power Annual 2023, average revenue per kWh by state).
ELECTRICITY_USD_PER_KWH = 0.0806
ELECTRICITY_USD_PER_KWH_RANGE = (0.0660, 0.0892)

# Meta, "Building Meta's GenAI Infrastructure" (engineering.fb.com, March 2024): "two versions of our 24,576-GPU
# data center scale cluster", NVIDIA H100 GPUs, "We use this cluster design for Llama 3 training"; fleet target of
# 350,000 H100s by the end of 2024. Meta's Llama 3 post reports over 400 TFLOPS per GPU "when trained on 16K GPUs
# simultaneously" (REFERENCE_THROUGHPUT_PER_GPU above).
META_GENAI_CLUSTER_GPUS = 24_576
META_GENAI_FLEET_H100_2024 = 350_000
META_LLAMA3_CONCURRENT_GPUS = 16_384
LLAMA3_RELEASE_DATE = "2024-04-18"  # Llama 3 model card: "Model Release Date April 18, 2024"

# Projection thresholds for frontier training runs (round numbers of the public debate, not published constants).
PROJECTION_LEVELS = {"training_power_draw_w": 1e9, "training_cost_2023_usd": 1e9, "hardware_count": 1e5}

# FMTI developers written differently across editions, mapped to one name so a developer is one series in figures.
# The 2023 index (crfm.stanford.edu/fmti: "Stability AI, the third open foundation model developer, is a close
# fourth") and the May 2024 index (crfm.stanford.edu/fmti/May-2024: "All eight developers scored in both the October
# 2023 and May 2024 FMTI have improved their scores"; the eight are only reached with Stability counted as Stability
# AI) score the same developer; our 2024 row writes it "Stability".
FMTI_DEVELOPER_ALIASES = {"Stability": "Stability AI"}

# --- Resource limits --------------------------------------------------------------------------------------------
# Documented maximum of bootstrap / simulation sizes (`--bootstrap`, `n_boot`): resamples are drawn in bounded chunks,
# so time grows linearly; 100,000 already makes the Monte Carlo error of a 90% interval negligible.
MAX_BOOTSTRAP = 100_000

# --- Compute ownership: AI supercomputers, data centers, chip stock (issue 27) ----------------------------------

# Pilz, Sanders, Rahman & Heim 2025, "Trends in AI Supercomputers", arXiv:2504.16026, and Epoch AI's data insights
# on the same dataset by the same authors (epoch.ai/data-insights/ai-supercomputers-*, 2025-04-30 and 2025-06-05).
# Abstract: performance "doubled every nine months" (= 2**(12/9) = 2.52x per year), "hardware acquisition cost and
# power needs both doubled every year"; "the United States accounts for about 75% of total performance in our
# dataset, with China in second place at 15%"; Colossus (March 2025) "200,000 AI chips ... $7B ... 300 MW".
# Data insight 'ai-supercomputers-performance-trend': "grown by 2.5x annually since 2019", chips "1.6x per year",
# "performance per chip has also improved by 1.6x annually"; leading = "ranked among the top 10 most powerful
# supercomputers at the time they first became operational" (57 of 482 systems with 16-bit performance, 2019+).
# Data insight 'ai-supercomputers-cost-trend': hardware cost of leading systems "1.9x per year" (doubling every 13
# months); 'ai-supercomputers-power-trend': power "doubled every 13 months" (= 1.90x per year).
# Data insight 'ai-supercomputers-performance-share-by-sector': private share "from 40% in 2019 to 80% in 2025".
PILZ_2025_PERFORMANCE_DOUBLING_MONTHS = 9.0
PILZ_2025_PERFORMANCE_GROWTH = 2.5
PILZ_2025_CHIPS_GROWTH = 1.6
PILZ_2025_PER_CHIP_GROWTH = 1.6
PILZ_2025_POWER_GROWTH = 2.0  # abstract: "doubled every year"; the data insight gives 13 months (1.90x)
PILZ_2025_COST_GROWTH = 1.9  # data insight; the abstract rounds it to "doubled every year"
PILZ_2025_LEADING_TOP = 10  # "top 10 ... at the time they first became operational"
PILZ_2025_LEADING_SINCE = "2019-01-01"  # "since 2019"; the dataset's systematic collection starts in 2019
PILZ_2025_LEADING_N = 57
PILZ_2025_US_SHARE = 0.75
PILZ_2025_CHINA_SHARE = 0.15
PILZ_2025_PRIVATE_SHARE_2019 = 0.40
PILZ_2025_PRIVATE_SHARE_2025 = 0.80
PILZ_2025_SHARE_DATE = "2025-05-31"  # "As of May 2025" (data insights on country and sector shares)
# Epoch keeps a system in its standard analysis when it is confirmed or likely, a single cluster and not a possible
# duplicate (this rule reproduces the `Include in Standard Analysis` column of the 2025-12-17 snapshot for all 786
# rows, tests/test_clusters.py). Certainty levels kept by default:
CLUSTER_CERTAINTY_DEFAULT = ("Confirmed", "Likely")
# Epoch anonymizes Chinese systems and rounds "values of numerical fields to one significant figure"
# (epoch.ai/data/gpu-clusters-documentation/records, "Chinese data").
ANONYMIZED_SIGNIFICANT_FIGURES = 1
# Meta trained Llama 3 on "two 24K GPU clusters" of 24,576 H100 GPUs each (Meta Engineering, "Building Meta's GenAI
# Infrastructure", 2024-03-12; Llama 3 model card: "custom-built GPU cluster").
LLAMA3_CLUSTER_GPUS = 24_576
# Hyperscalers of Epoch AI's AI Chip Owners explorer ("Google, Microsoft, Meta, Amazon and Oracle ... hold 71% of
# world AI compute" after the April 2026 correction; @EpochAIResearch, 2026-04; explorer updated 2026-04-15).
HYPERSCALERS = ("Amazon", "Google", "Meta", "Microsoft", "Oracle")
EPOCH_HYPERSCALER_SHARE_2026 = 0.71
GIGAWATT_MW = 1000.0
