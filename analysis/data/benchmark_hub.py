"""Epoch AI's Benchmarking Hub as one tidy table: every benchmark's score column, setting and unit in one place.

Data: the pinned snapshot ``data/upstream/epoch-ai/<vintage>/benchmarking_hub/`` (Epoch AI, "AI Benchmarking Hub",
CC BY 4.0, https://epoch.ai/benchmarks), read through :mod:`analysis.data.upstream` (metadata and sha256 beside each
file). :func:`load_hub` returns one row per (model version, benchmark, setting) result::

    model_version, model, organization, country, release_date, access, open, benchmark, setting, score, unit,
    score_percent, training_compute_flop

* ``model_version`` is the hub's key (a model with a reasoning effort or date, e.g. ``gpt-5.4-2026-03-05_high``);
  ``model`` is Epoch's model name (``GPT-5.4``) where the ECI file has it, else the version.
* Model facts (model name, organization, country, accessibility, release date, compute) come from
  ``epoch_capabilities_index.csv`` joined on ``Model version`` — the per-benchmark files have no accessibility
  column — and from the benchmark file itself where the ECI file is blank.
* **One rule for open**: ``open`` is True when Epoch's ``Model accessibility`` starts with ``Open weights (``
  (unrestricted, restricted use, non-commercial); False for ``API access``, ``Hosted access (no API)`` and
  ``Unreleased``; <NA> when blank.
* ``score`` is in the benchmark's own unit (:data:`BENCHMARKS`); ``score_percent`` is the score in percent for
  benchmarks scored as a fraction or percent of items (fractions x 100), empty for Elo, minutes or 1–10 scales.
* The ECI itself is benchmark ``eci`` (unit ``eci points``; setting ``composite``): Epoch's item-response index
  over ~40 benchmarks (https://epoch.ai/eci). Its score is per model version (Gemini 1.5 Pro: 128.4 for the
  February 2024 version, 132.8 for gemini-1.5-pro-002 of September 2024).

:data:`DEFAULT_SETTINGS` is the one declared evaluation setting per benchmark that the lag and saturation analyses
use ("any", each model's best over all settings, only by request). Scores are dated by the model version that
earned them (:func:`per_model`, :func:`version_steps`).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import numpy as np
import pandas as pd

from analysis.data import upstream
from analysis.errors import DataError, UsageError

HUB_VINTAGE = "2026-04-19"
HUB_DIR = "benchmarking_hub"
ECI_FILE = "epoch_capabilities_index"


@dataclass(frozen=True)
class HubBenchmark:
    """How to read one hub file: its score column, unit, scale to percent and where its setting comes from."""

    slug: str
    file: str
    score_column: str
    unit: str  # 'fraction', 'percent', 'eci points', 'elo', 'minutes', 'points'
    setting_column: str | None  # column naming the evaluation setting (shots, agent, scaffold), or None
    fixed_setting: str  # setting when there is no setting column
    title: str


def _b(slug, file, col, unit, setting_col, fixed, title) -> HubBenchmark:
    return HubBenchmark(slug, file, col, unit, setting_col, fixed, title)


EPOCH_RUN = "Epoch AI run (mean over samples)"
# One row per benchmark: slug, hub file, score column, unit, setting column, fixed setting, title.
BENCHMARKS: dict[str, HubBenchmark] = {b.slug: b for b in (
    _b("eci", ECI_FILE, "ECI Score", "eci points", None, "composite", "Epoch Capabilities Index"),
    _b("adversarial-nli", "adversarial_nli_external", "Score", "fraction", "Shots", "", "Adversarial NLI"),
    _b("aider-polyglot", "aider_polyglot_external", "Percent correct", "percent", "Edit format", "",
       "Aider Polyglot"),
    _b("apex-agents", "apex_agents_external", "Pass@1 score", "fraction", None, "pass@1", "APEX-Agents"),
    _b("arc-agi-2", "arc_agi_2_external", "Score", "fraction", None, "leaderboard", "ARC-AGI-2"),
    _b("arc-agi", "arc_agi_external", "Score", "fraction", None, "leaderboard", "ARC-AGI"),
    _b("arc-ai2", "arc_ai2_external", "Challenge score", "fraction", "Shots", "", "ARC (AI2), challenge set"),
    _b("balrog", "balrog_external", "Average progress", "fraction", None, "leaderboard", "BALROG"),
    _b("bbh", "bbh_external", "Average", "fraction", "Shots", "", "BIG-Bench Hard"),
    _b("boolq", "bool_q_external", "Score", "fraction", "Shots", "", "BoolQ"),
    _b("cad-eval", "cad_eval_external", "Overall pass (%)", "fraction", "Prompt", "", "CadEval"),
    _b("chess-puzzles", "chess_puzzles", "mean_score", "fraction", None, EPOCH_RUN, "Chess puzzles"),
    _b("commonsense-qa-2", "common_sense_qa_2_external", "Score", "fraction", "Shots", "", "CommonsenseQA 2.0"),
    _b("cybench", "cybench_external", "Unguided % Solved", "fraction", None, "unguided", "Cybench"),
    _b("deepresearchbench", "deepresearchbench_external", "Average score", "fraction", "Agent", "",
       "DeepResearch Bench"),
    _b("fictionlivebench", "fictionlivebench_external", "120k token score", "fraction", None, "120k tokens",
       "Fiction.LiveBench"),
    _b("frontiermath", "frontiermath", "mean_score", "fraction", None, EPOCH_RUN, "FrontierMath tiers 1-3"),
    _b("frontiermath-tier-4", "frontiermath_tier_4", "mean_score", "fraction", None, EPOCH_RUN,
       "FrontierMath tier 4"),
    _b("gdpval", "gdpval_external", "Win Rate (%)", "fraction", None, "win rate", "GDPval"),
    _b("geobench", "geobench_external", "ACW Avg Score", "points", "Tools", "", "GeoBench (ACW average score)"),
    _b("gpqa-diamond", "gpqa_diamond", "mean_score", "fraction", None, EPOCH_RUN, "GPQA Diamond"),
    _b("gsm8k", "gsm8k_external", "EM", "fraction", "Shots", "", "GSM8K"),
    _b("gso", "gso_external", "Score OPT@1", "fraction", "Scaffold", "", "GSO"),
    _b("hellaswag", "hella_swag_external", "Overall accuracy", "fraction", "Shots", "", "HellaSwag"),
    _b("hle", "hle_external", "Accuracy", "fraction", None, "leaderboard", "Humanity's Last Exam"),
    _b("lambada", "lambada_external", "Score", "fraction", "Shots", "", "LAMBADA"),
    _b("lech-mazur-writing", "lech_mazur_writing_external", "Mean score", "points", None, "leaderboard",
       "Lech Mazur creative writing (1-10)"),
    _b("livebench", "live_bench_external", "Global average", "percent", "LiveBench Version", "", "LiveBench"),
    _b("math-level-5", "math_level_5", "mean_score", "fraction", None, EPOCH_RUN, "MATH level 5"),
    _b("metr-time-horizons", "metr_time_horizons_external", "Time horizon", "minutes", "METR version", "",
       "METR 50% time horizon"),
    _b("mmlu", "mmlu_external", "EM", "fraction", "Shots", "", "MMLU"),
    _b("openbookqa", "open_book_qa_external", "Accuracy", "fraction", "Shots", "", "OpenBookQA"),
    _b("osworld", "os_world_external", "Score", "percent", "Agent", "", "OSWorld"),
    _b("otis-mock-aime", "otis_mock_aime_2024_2025", "mean_score", "fraction", None, EPOCH_RUN,
       "OTIS Mock AIME 2024-2025"),
    _b("piqa", "piqa_external", "Score", "fraction", "Shots", "", "PIQA"),
    _b("posttrainbench", "posttrainbench_external", "Average (%)", "fraction", "Scaffold", "", "PostTrainBench"),
    _b("scienceqa", "science_qa_external", "Score", "fraction", "Shots", "", "ScienceQA"),
    _b("simplebench", "simplebench_external", "Score (AVG@5)", "fraction", None, "avg@5", "SimpleBench"),
    _b("simpleqa-verified", "simpleqa_verified", "mean_score", "fraction", None, EPOCH_RUN, "SimpleQA Verified"),
    _b("superglue", "superglue_external", "Score", "fraction", None, "reported", "SuperGLUE"),
    _b("swe-bench-bash", "swe_bench_bash", "% Resolved", "fraction", None, "bash only", "SWE-bench (bash only)"),
    _b("swe-bench-verified", "swe_bench_verified", "mean_score", "fraction", None, EPOCH_RUN,
       "SWE-bench Verified"),
    _b("terminal-bench", "terminalbench_external", "Accuracy mean", "fraction", "Agent", "", "Terminal-Bench 2"),
    _b("the-agent-company", "the_agent_company_external", "% Score", "fraction", None, "leaderboard",
       "TheAgentCompany"),
    _b("triviaqa", "trivia_qa_external", "EM", "fraction", "Shots", "", "TriviaQA"),
    _b("video-mme", "video_mme_external", "Overall (no subtitles)", "fraction", None, "no subtitles", "Video-MME"),
    _b("vpct", "vpct_external", "Correct", "fraction", None, "leaderboard", "VPCT"),
    _b("webdev-arena", "webdev_arena_external", "Arena Score", "elo", None, "leaderboard", "WebDev Arena"),
    _b("weirdml", "weirdml_external", "Accuracy", "fraction", None, "leaderboard", "WeirdML"),
    _b("winogrande", "wino_grande_external", "Accuracy", "fraction", "Shots", "", "WinoGrande"),
)}

# The one evaluation setting per benchmark that lags and saturation use unless told otherwise (declared, never "best
# of all": mixing shot counts or harnesses mixes protocols). Rule: the setting with the most models in the 2026-04-19
# snapshot; "unspecified" only where no stated setting has 5 models; ties alphabetical
# (tests/test_benchmark_hub.py checks the table against the rule). Models per setting: MMLU 5-shot 104 (0-shot 17);
# ARC challenge 0-shot 28 (unspecified 44); BBH 3-shot 42; BoolQ 0-shot 31 (5-shot 25); GSM8K 4-shot 35 (8-shot 33,
# 5-shot 27); HellaSwag 0-shot 47; PIQA 0-shot 37; WinoGrande 0-shot 32 (5-shot 27); TriviaQA 5-shot 31;
# OpenBookQA 0-shot 33; Aider Polyglot edit format "diff" 34; LiveBench 2024-11-25 44; METR v1.1 13 (unspecified
# 32); Terminal-Bench agent Terminus 2 32; PostTrainBench OpenCode 10; GSO OpenHands 20; CadEval "default" 15;
# GeoBench tools "None" 25; Adversarial NLI, CommonsenseQA 2, LAMBADA, ScienceQA and DeepResearch Bench:
# "unspecified" (9, 4, 26, 23, 15). Exception: OSWorld's "Agent" column names a different agent for each of its 8
# entries, so no setting has two models; its lag takes each model's best ("any") and says so. Benchmarks without a
# setting column have their one fixed setting (ECI "composite", Epoch's own runs, leaderboards).
DEFAULT_SETTINGS: dict[str, str] = {
    "mmlu": "5-shot", "arc-ai2": "0-shot", "bbh": "3-shot", "boolq": "0-shot", "gsm8k": "4-shot",
    "hellaswag": "0-shot", "piqa": "0-shot", "winogrande": "0-shot", "triviaqa": "5-shot", "openbookqa": "0-shot",
    "aider-polyglot": "diff", "livebench": "LiveBench-2024-11-25", "metr-time-horizons": "METR-Horizon-v1.1",
    "terminal-bench": "Terminus 2", "posttrainbench": "OpenCode", "gso": "OpenHands", "cad-eval": "default",
    "geobench": "None", "adversarial-nli": "unspecified", "commonsense-qa-2": "unspecified",
    "lambada": "unspecified", "scienceqa": "unspecified", "deepresearchbench": "unspecified", "osworld": "any",
}
ANY = "any"  # each model's best score over all settings: only by request (or OSWorld's declared default)
OPEN_PREFIX = "Open weights ("
CLOSED_ACCESS = ("API access", "Hosted access (no API)", "Unreleased")
COLUMNS = ["model_version", "model", "organization", "country", "release_date", "access", "open", "benchmark",
           "setting", "score", "unit", "score_percent", "training_compute_flop"]


def default_setting(benchmark: str) -> str:
    """The declared setting of ``benchmark`` (:data:`DEFAULT_SETTINGS`), or its one fixed setting."""
    if benchmark in DEFAULT_SETTINGS:
        return DEFAULT_SETTINGS[benchmark]
    if benchmark in BENCHMARKS and BENCHMARKS[benchmark].setting_column is None:
        return BENCHMARKS[benchmark].fixed_setting
    raise UsageError(f"unknown hub benchmark {benchmark!r}; available: {', '.join(sorted(BENCHMARKS))}")


def resolve_setting(benchmark: str, setting: str | None = "default") -> str | None:
    """The evaluation setting ``setting`` stands for on ``benchmark``: ``"default"`` -> the declared one
    (:func:`default_setting`); ``"any"`` or None -> None (each model's best over all settings, by request)."""
    if setting == "default":
        setting = default_setting(benchmark)
    return None if setting in (None, ANY) else setting


def setting_label(benchmark: str, setting: str | None = "default") -> str:
    """How a result names the setting it used: the setting, or "any (each model's best over all settings)"."""
    used = resolve_setting(benchmark, setting)
    return used if used is not None else "any (each model's best over all settings)"


def open_flag(access: pd.Series) -> pd.Series:
    """The one open rule: 'Open weights (…)' -> True; API, hosted, unreleased -> False; blank or other -> <NA>."""
    a = access.astype("string").str.strip()
    out = pd.Series(pd.NA, index=access.index, dtype="boolean")
    out[a.str.startswith(OPEN_PREFIX).fillna(False).astype(bool)] = True
    out[a.isin(CLOSED_ACCESS).fillna(False).astype(bool)] = False
    return out


def _shots(v: object) -> str:
    s = str(v).strip()
    if not s or s.lower() == "nan":
        return ""
    m = re.fullmatch(r"(\d+)(?:\.0)?(?:-shot)?", s)
    if m:
        return f"{int(m.group(1))}-shot"
    return "few-shot" if s.lower() == "few" else s


def _read(name: str, vintage: str) -> tuple[pd.DataFrame, upstream.Snapshot]:
    snap = _find(name, vintage)
    return upstream.read_frame(snap), snap  # read once, checked against the snapshot's sha256


def _find(name: str, vintage: str) -> upstream.Snapshot:
    p = upstream.UPSTREAM_DIR / "epoch-ai" / vintage / HUB_DIR / f"{name}.csv"  # looked up at call time
    if not p.is_file():
        raise UsageError(f"no Benchmarking Hub file {name!r} in vintage {vintage!r} ({p.parent})")
    return upstream.Snapshot(p, upstream.read_meta(p))


def _numbers(df: pd.DataFrame, col: str, file: str) -> pd.Series:
    """Numbers of a column; a non-empty cell that is not a number is an error naming file, row and column."""
    raw = df[col].astype(str).str.strip()
    num = pd.to_numeric(raw.where(raw != ""), errors="coerce")
    bad = raw.ne("") & num.isna()
    if bad.any():
        i = int(np.flatnonzero(bad.to_numpy())[0])
        raise DataError(f"expected a number, got {raw.iloc[i]!r}", file=file, row=i + 2, column=col)
    return num


def _need(df: pd.DataFrame, cols, file: str) -> None:
    for c in cols:
        if c not in df.columns:
            raise DataError(f"hub file lacks column {c!r}", file=file, column=c)


def eci_models(vintage: str = HUB_VINTAGE) -> pd.DataFrame:
    """The ECI file as one row per model version with typed columns (model facts used to tag every result)."""
    df, snap = _read(ECI_FILE, vintage)
    f = str(snap.path)
    _need(df, ["Model version", "ECI Score", "Release date", "Organization", "Country", "Model accessibility",
               "Training compute (FLOP)", "Model name"], f)
    out = pd.DataFrame({
        "model_version": df["Model version"].str.strip(),
        "model": df["Model name"].str.strip().replace("", pd.NA).fillna(df["Model version"].str.strip()),
        "organization": df["Organization"].str.strip().replace("", pd.NA),
        "country": df["Country"].str.strip().replace("", pd.NA),
        "release_date": pd.to_datetime(df["Release date"].str.strip().replace("", pd.NA), errors="coerce"),
        "access": df["Model accessibility"].str.strip().replace("", pd.NA),
        "eci": _numbers(df, "ECI Score", f),
        "training_compute_flop": _numbers(df, "Training compute (FLOP)", f),
    })
    out["open"] = open_flag(out["access"])
    return out


def load_benchmark(slug: str, vintage: str = HUB_VINTAGE, facts: pd.DataFrame | None = None) -> pd.DataFrame:
    """Tidy rows (:data:`COLUMNS`) of one benchmark; rows without a model version or a score are dropped."""
    slug = {k.lower(): k for k in BENCHMARKS}.get(str(slug).strip().lower(), slug)  # MMLU, ECI: any case
    if slug not in BENCHMARKS:
        raise UsageError(f"unknown hub benchmark {slug!r}; available: {', '.join(sorted(BENCHMARKS))}")
    b = BENCHMARKS[slug]
    facts = eci_models(vintage) if facts is None else facts
    if slug == "eci":
        e = facts[facts["eci"].notna()].copy()
        e["score"] = e["eci"]
        e["setting"] = b.fixed_setting
    else:
        df, snap = _read(b.file, vintage)
        f = str(snap.path)
        _need(df, ["Model version", b.score_column] + ([b.setting_column] if b.setting_column else []), f)
        score = _numbers(df, b.score_column, f)
        if b.setting_column:
            setting = df[b.setting_column].map(_shots if b.setting_column == "Shots" else lambda v: str(v).strip())
            setting = setting.replace("", "unspecified")
        else:
            setting = pd.Series(b.fixed_setting, index=df.index)
        own = pd.DataFrame({"model_version": df["Model version"].str.strip(), "score": score, "setting": setting})
        if "Release date" in df.columns:
            own["own_date"] = pd.to_datetime(df["Release date"].str.strip().replace("", pd.NA), errors="coerce")
        else:
            own["own_date"] = pd.NaT
        own = own[(own["model_version"] != "") & own["score"].notna()]
        e = own.merge(facts.drop(columns=["eci"]), on="model_version", how="left")
        e["release_date"] = e["release_date"].fillna(e["own_date"])
        e["model"] = e["model"].fillna(e["model_version"])
    e["benchmark"] = slug
    e["unit"] = b.unit
    e["score_percent"] = {"fraction": 100.0, "percent": 1.0}.get(b.unit, np.nan) * e["score"]
    return e[COLUMNS].reset_index(drop=True)


def load_hub(vintage: str = HUB_VINTAGE, benchmarks=None) -> pd.DataFrame:
    """Every benchmark of the hub snapshot (or those named) as one tidy frame (:data:`COLUMNS`)."""
    facts = eci_models(vintage)
    slugs = sorted(BENCHMARKS) if benchmarks is None else list(benchmarks)
    parts = [load_benchmark(s, vintage, facts) for s in slugs]
    out = pd.concat(parts, ignore_index=True)
    out["open"] = out["open"].astype("boolean")
    return out.sort_values(["benchmark", "release_date", "model_version", "setting"], kind="stable").reset_index(drop=True)


def benchmark_table() -> pd.DataFrame:
    """The documentation table: slug, title, file, score column, unit, setting source, default setting."""
    rows = [{"benchmark": b.slug, "title": b.title, "file": f"{b.file}.csv", "score_column": b.score_column,
             "unit": b.unit, "setting": b.setting_column or b.fixed_setting,
             "default_setting": DEFAULT_SETTINGS.get(b.slug)} for b in BENCHMARKS.values()]
    return pd.DataFrame(rows)


def files(vintage: str = HUB_VINTAGE) -> list[tuple[str, str]]:
    """(path relative to data/, sha256) of the hub files, for report manifests."""
    root = upstream.UPSTREAM_DIR / "epoch-ai" / vintage / HUB_DIR
    return [(str(p.relative_to(upstream.UPSTREAM_DIR.parent)), upstream.read_meta(p)["sha256_extract"])
            for p in sorted(root.glob("*.csv"))]


def _results(hub: pd.DataFrame, benchmark: str, setting: str | None) -> pd.DataFrame:
    used = resolve_setting(benchmark, setting)
    b = hub[hub["benchmark"] == benchmark]
    if used is not None:
        b = b[b["setting"] == used]
    if b.empty:
        known = sorted(hub["benchmark"].unique())
        raise UsageError(f"no hub results for benchmark {benchmark!r}" + (f" in setting {used!r}" if used
                         else "") + f"; hub benchmarks: {', '.join(known)}")
    return b


MODEL_COLUMNS = ["model", "organization", "country", "release_date", "access", "open", "score", "score_percent",
                 "training_compute_flop", "model_version"]


def per_model(hub: pd.DataFrame, benchmark: str, setting: str | None = "default") -> pd.DataFrame:
    """Best score per model (not version) on a benchmark, dated by the version that earned it.

    ``setting='default'`` uses the declared setting (:func:`default_setting`); ``"any"`` or None takes each model's
    best over every setting. Among a model's dated versions the best score wins (ties: the earliest version), and
    its date is that version's release date: Gemini 1.5 Pro's 132.8 ECI is gemini-1.5-pro-002's (2024-09-24), not
    the February version's (128.4). A model none of whose versions is dated keeps its best score with no date.
    Columns: model, organization, country, release_date, access, open, score, score_percent,
    training_compute_flop, model_version (the best version).
    """
    b = _results(hub, benchmark, setting)
    b = b.assign(_undated=b["release_date"].isna())
    b = b.sort_values(["model", "_undated", "score", "release_date", "model_version"],
                      ascending=[True, True, False, True, True], kind="stable")
    best = b.drop_duplicates("model")
    return best[MODEL_COLUMNS].sort_values(["release_date", "model"], kind="stable").reset_index(drop=True)


def version_steps(hub: pd.DataFrame, benchmark: str, setting: str | None = "default") -> pd.DataFrame:
    """Each model's best score over time: one row per dated version that raised its model's best, at that version's
    release date (columns as :func:`per_model`). A model's running best is then exactly what its versions had
    reached by each date; the last row of a model is its :func:`per_model` row."""
    b = _results(hub, benchmark, setting)
    b = b[b["release_date"].notna() & b["score"].notna()]
    b = b.sort_values(["model", "release_date", "score", "model_version"], ascending=[True, True, False, True],
                      kind="stable")
    run = b.groupby("model", sort=False)["score"].cummax()
    prev = run.groupby(b["model"], sort=False).shift(1)
    steps = b[prev.isna() | (run > prev)]
    return steps[MODEL_COLUMNS].sort_values(["release_date", "model"], kind="stable").reset_index(drop=True)


def lag_entries(hub: pd.DataFrame, benchmark: str, setting: str | None = "default") -> pd.DataFrame:
    """Adapter to :func:`analysis.metrics.openness.open_closed_lag`: model_id, name, organization, date, value,
    open_weights.

    One row per version that raised its model's best (:func:`version_steps`; model_id = the model, so a model
    counts once with its best so far), in percent where the benchmark is scored in percent, else in its own unit;
    open_weights is <NA> when Epoch's accessibility is blank (those rows are kept: count them with
    ``open_weights.isna()``). The setting used is :func:`resolve_setting` of ``setting``.
    """
    m = version_steps(hub, benchmark, setting)
    e = pd.DataFrame({"model_id": m["model"], "name": m["model"], "organization": m["organization"],
                      "date": m["release_date"], "value": m["score_percent"].fillna(m["score"]),
                      "open_weights": m["open"], "model_version": m["model_version"]})
    return e.reset_index(drop=True)
