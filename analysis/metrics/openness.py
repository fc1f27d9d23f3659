"""Openness of AI models: scores, open-weight shares, the open-vs-closed lag, and transparency.

Questions answered (one function each):

* :func:`openness_scores` / :func:`explain_openness` — the 14-dimension openness index of "Opening up ChatGPT"
  (Liesenfeld, Lopez & Dingemanse 2023) and the European Open Source AI Index (EOSAI), its three sub-scores, and
  mappings to the Model Openness Framework (MOF) class and to the OSI Open Source AI Definition (OSAID) 1.0;
* :func:`open_share` — share of notable (or frontier) models released with open weights, per year and by access
  category, organization type or country, with binomial intervals;
* :func:`capability_lag` / :func:`compute_lag` — how long open-weights models take to reach each new level set by
  closed models on a benchmark or in training compute, with a distribution-free interval over open models;
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
them only on request), scores dated by their evaluation date where the benchmarks table has one. Crossings made by
one open model form a cluster: the median and its order-statistic interval are over open models
(:func:`median_interval`); censored records enter the Kaplan-Meier median (:func:`km_median`).
"""

from __future__ import annotations

import heapq
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, replace

import numpy as np
import pandas as pd

from analysis.constants import (
    DAYS_PER_MONTH,
    DEFAULT_CONFIDENCE,
    FRONTIER_TOP_K,
    LAG_DEFAULT_SETTING,
    OPENNESS_GROUPS,
    OPENNESS_MAX_SCORE,
    OPENNESS_POINTS,
)
from analysis.data.tables import CLOSED, OPEN_WEIGHTS
from analysis.errors import AnalysisError, UsageError
from analysis.metrics.selection import check_confidence, open_flags, select

DIMENSIONS: tuple[str, ...] = tuple(d for dims in OPENNESS_GROUPS.values() for d in dims)
GROUP_OF: dict[str, str] = {d: g for g, dims in OPENNESS_GROUPS.items() for d in dims}
CODES = tuple(OPENNESS_POINTS)

# Our dimension -> key in an EOSAI model YAML (osai-index.eu, Language-Technology-Assessment/main-database).
# package and api are not coded in the current index (2025-2026 files).
EOSAI_KEYS: dict[str, str] = {
    "source_code": "trainingcode", "pretraining_data": "datasources_basemodel", "base_weights": "weights_basemodel",
    "finetuning_data": "datasources_endmodel", "finetuned_weights": "weights_endmodel", "license": "licenses",
    "code_docs": "code", "architecture_docs": "hardware_architecture", "preprint": "preprint", "paper": "paper",
    "model_card": "modelcard", "datasheet": "datasheet", "package": "package", "api": "api",
}
# Our dimension -> column prefix in "Opening up ChatGPT"'s df.csv (<prefix>.class / .link / .notes).
OPENING_UP_KEYS: dict[str, str] = {
    "source_code": "opencode", "pretraining_data": "llmdata", "base_weights": "llmweights",
    "finetuning_data": "rldata", "finetuned_weights": "rlweights", "license": "license", "code_docs": "code",
    "architecture_docs": "architecture", "preprint": "preprint", "paper": "paper", "model_card": "modelcard",
    "datasheet": "datasheet", "package": "package", "api": "api",
}


# --- openness index -------------------------------------------------------------------------------------------

@dataclass(frozen=True)
class OpennessScore:
    """Points per group for one model; ``score`` out of ``max_score`` (14 when every dimension is coded)."""

    score: float
    max_score: float
    availability: float
    documentation: float
    access: float
    n_dims: int
    n_open: int
    n_partial: int
    n_closed: int
    missing: tuple[str, ...] = ()

    @property
    def percent(self) -> float:
        return 100.0 * self.score / self.max_score if self.max_score else float("nan")


def _code(value: object, dim: str) -> str | None:
    if value is None or value is pd.NA or (isinstance(value, float) and np.isnan(value)):
        return None
    v = str(value).strip().lower()
    if v == "":
        return None
    if v not in OPENNESS_POINTS:
        raise AnalysisError(f"{dim}: openness code must be open, partial or closed, got {value!r}")
    return v


def normalize_codes(codes: Mapping[str, object]) -> dict[str, str | None]:
    """Codes for the 14 dimensions (None where absent), validated; unknown keys are ignored."""
    return {d: _code(codes.get(d), d) for d in DIMENSIONS}


def score_codes(codes: Mapping[str, object]) -> OpennessScore:
    """Score a mapping dimension -> open/partial/closed with the 1/0.5/0 rubric. Absent dimensions are skipped."""
    c = normalize_codes(codes)
    present = {d: v for d, v in c.items() if v is not None}
    if not present:
        raise AnalysisError("no openness dimension is coded")
    sub = {g: sum(OPENNESS_POINTS[present[d]] for d in dims if d in present) for g, dims in OPENNESS_GROUPS.items()}
    vals = list(present.values())
    return OpennessScore(
        score=float(sum(sub.values())), max_score=float(len(present)) if len(present) < len(DIMENSIONS) else
        OPENNESS_MAX_SCORE, availability=sub["availability"], documentation=sub["documentation"],
        access=sub["access"], n_dims=len(present), n_open=vals.count("open"), n_partial=vals.count("partial"),
        n_closed=vals.count("closed"), missing=tuple(d for d in DIMENSIONS if d not in present),
    )


def _open_licence(codes: Mapping[str, str | None], license_type: object = None) -> bool:
    if license_type is not None and not (isinstance(license_type, float) and np.isnan(license_type)) \
            and license_type is not pd.NA and str(license_type).strip():
        return str(license_type).strip() == "osi-approved"
    return codes.get("license") == "open"


@dataclass(frozen=True)
class MofResult:
    """MOF class (``"I"``, ``"II"``, ``"III"`` or None) and, per class, the components our proxy finds unmet."""

    mof_class: str | None
    unmet: Mapping[str, tuple[str, ...]]

    @property
    def label(self) -> str:
        names = {"I": "Class I (open science)", "II": "Class II (open tooling)", "III": "Class III (open model)"}
        return names.get(self.mof_class or "", "no MOF class")


def mof_class(codes: Mapping[str, object], license_type: object = None) -> MofResult:
    """Approximate Model Openness Framework class from our dimensions (rubric in the module docstring)."""
    c = normalize_codes(codes)
    L = _open_licence(c, license_type)

    def is_open(d: str) -> bool:
        return c.get(d) == "open"

    def not_closed(d: str) -> bool:
        return c.get(d) in ("open", "partial")

    components = {
        "III": {
            "Model architecture": not_closed("architecture_docs") and L,
            "Model parameters (Final)": is_open("finetuned_weights") and L,
            "Evaluation results": not_closed("preprint") or not_closed("paper") or not_closed("model_card"),
            "Model card": not_closed("model_card"),
            "Data card": not_closed("datasheet"),
            "Technical report": not_closed("preprint") or not_closed("paper"),
        },
        "II": {
            "Training code": is_open("source_code") and L,
            "Inference code": not_closed("source_code") and L,
            "Evaluation code": is_open("source_code") and not_closed("code_docs"),
            "Evaluation data": is_open("source_code") and not_closed("code_docs"),
        },
        "I": {
            "Datasets": is_open("pretraining_data") and is_open("finetuning_data"),
            "Data preprocessing code": is_open("source_code") and is_open("pretraining_data"),
            "Model parameters (Intermediate)": is_open("base_weights"),
            "Research paper": is_open("paper") or is_open("preprint"),
        },
    }
    unmet = {k: tuple(n for n, ok in comp.items() if not ok) for k, comp in components.items()}
    cls = None
    for k in ("III", "II", "I"):
        if unmet[k]:
            break
        cls = k
    return MofResult(cls, unmet)


@dataclass(frozen=True)
class OsaidResult:
    """OSI Open Source AI Definition 1.0 screen: the three required elements and whether all are met."""

    data_information: bool
    code: bool
    parameters: bool

    @property
    def meets(self) -> bool:
        return self.data_information and self.code and self.parameters

    @property
    def missing(self) -> tuple[str, ...]:
        return tuple(n for n, ok in (("data information", self.data_information), ("code", self.code),
                                     ("parameters", self.parameters)) if not ok)


def osaid_assessment(codes: Mapping[str, object], license_type: object = None) -> OsaidResult:
    """Approximate OSAID 1.0 required elements from our dimensions (rubric in the module docstring)."""
    c = normalize_codes(codes)
    L = _open_licence(c, license_type)
    data_info = (c.get("pretraining_data") == "open"
                 or (c.get("pretraining_data") == "partial" and c.get("datasheet") in ("open", "partial"))) \
        and c.get("finetuning_data") in ("open", "partial")
    return OsaidResult(data_information=bool(data_info), code=c.get("source_code") == "open" and L,
                       parameters=c.get("finetuned_weights") == "open" and L)


def openness_scores(openness: pd.DataFrame) -> pd.DataFrame:
    """One row per model of the openness table: 14-dim score, sub-scores, MOF class and OSAID screen.

    Columns: model_id, score, max_score, percent, availability, documentation, access, n_open, n_partial,
    n_closed, mof_class, osaid_meets, osaid_data_information, osaid_code, osaid_parameters, license_type,
    assessed_by, assessed_date, rank (1 = most open; ties share the rank). Sorted by score, most open first.
    """
    if "model_id" not in openness.columns:
        raise AnalysisError("the openness table needs a model_id column")
    missing = [d for d in DIMENSIONS if d not in openness.columns]
    if missing:
        raise AnalysisError(f"the openness table lacks dimension column(s): {', '.join(missing)}")
    rows = []
    for _, r in openness.iterrows():
        codes = {d: r[d] for d in DIMENSIONS}
        lt = r.get("license_type")
        s, m, o = score_codes(codes), mof_class(codes, lt), osaid_assessment(codes, lt)
        rows.append({
            "model_id": r["model_id"], "score": s.score, "max_score": s.max_score, "percent": s.percent,
            "availability": s.availability, "documentation": s.documentation, "access": s.access,
            "n_open": s.n_open, "n_partial": s.n_partial, "n_closed": s.n_closed, "mof_class": m.mof_class,
            "osaid_meets": o.meets, "osaid_data_information": o.data_information, "osaid_code": o.code,
            "osaid_parameters": o.parameters, "license_type": lt, "assessed_by": r.get("assessed_by"),
            "assessed_date": r.get("assessed_date"),
        })
    cols = ["model_id", "score", "max_score", "percent", "availability", "documentation", "access", "n_open",
            "n_partial", "n_closed", "mof_class", "osaid_meets", "osaid_data_information", "osaid_code",
            "osaid_parameters", "license_type", "assessed_by", "assessed_date"]
    out = pd.DataFrame(rows, columns=cols)
    out["rank"] = out["score"].rank(ascending=False, method="min").astype("Int64")
    return out.sort_values(["score", "model_id"], ascending=[False, True]).reset_index(drop=True)


@dataclass(frozen=True)
class OpennessExplanation:
    """Why a model scores what it scores: every dimension with its code, points, evidence URL and note."""

    model_id: str
    score: OpennessScore
    components: pd.DataFrame  # dimension, group, code, points, evidence, note
    mof: MofResult
    osaid: OsaidResult
    license_type: str | None
    assessed_by: str | None
    assessed_date: pd.Timestamp | None

    def summary(self) -> str:
        s = self.score
        open_dims = ", ".join(self.components.loc[self.components["code"] == "open", "dimension"]) or "none"
        closed = ", ".join(self.components.loc[self.components["code"] == "closed", "dimension"]) or "none"
        osaid = "meets" if self.osaid.meets else "does not meet (missing: " + ", ".join(self.osaid.missing) + ")"
        return (f"{self.model_id} scores {s.score:g}/{s.max_score:g} (availability {s.availability:g}/6, "
                f"documentation {s.documentation:g}/6, access {s.access:g}/2): open on {open_dims}; closed on "
                f"{closed}. MOF: {self.mof.label}. OSI OSAID 1.0 screen: {osaid}.")

    def to_dict(self) -> dict:
        return {
            "model_id": self.model_id, "score": self.score.score, "max_score": self.score.max_score,
            "availability": self.score.availability, "documentation": self.score.documentation,
            "access": self.score.access, "mof_class": self.mof.mof_class, "mof_unmet": dict(self.mof.unmet),
            "osaid_meets": self.osaid.meets, "osaid_missing": list(self.osaid.missing),
            "license_type": self.license_type, "assessed_by": self.assessed_by, "assessed_date": self.assessed_date,
            "components": self.components.to_dict(orient="records"), "summary": self.summary(),
        }


def explain_openness(openness: pd.DataFrame, model_id: str) -> OpennessExplanation:
    """The components of one model's openness score (e.g. "why does Llama 3 score X/14")."""
    if "model_id" not in openness.columns:
        raise AnalysisError("the openness table needs a model_id column")
    hit = openness[openness["model_id"] == model_id]
    if hit.empty:
        near = [m for m in openness["model_id"].astype(str) if model_id.split("-")[0] in m][:5]
        hint = f"; similar ids: {', '.join(near)}" if near else ""
        raise AnalysisError(f"no openness assessment for model {model_id!r} ({len(openness)} models assessed){hint}")
    r = hit.iloc[0]
    comps = []
    for d in DIMENSIONS:
        code = _code(r.get(d), d)
        ev, note = r.get(f"{d}_evidence"), r.get(f"{d}_note")
        comps.append({"dimension": d, "group": GROUP_OF[d], "code": code,
                      "points": OPENNESS_POINTS[code] if code else np.nan,
                      "evidence": None if pd.isna(ev) else ev, "note": None if pd.isna(note) else note})
    codes = {d: r.get(d) for d in DIMENSIONS}
    lt = r.get("license_type")
    lt = None if lt is None or pd.isna(lt) else str(lt)
    by = r.get("assessed_by")
    date = r.get("assessed_date")
    return OpennessExplanation(
        model_id=model_id, score=score_codes(codes), components=pd.DataFrame(comps), mof=mof_class(codes, lt),
        osaid=osaid_assessment(codes, lt), license_type=lt, assessed_by=None if pd.isna(by) else str(by),
        assessed_date=None if date is None or pd.isna(date) else pd.Timestamp(date),
    )


def codes_from_eosai(doc: Mapping) -> dict[str, str | None]:
    """Our dimension codes from one parsed EOSAI model YAML (None for dimensions it does not code)."""
    out = {}
    for d, key in EOSAI_KEYS.items():
        entry = doc.get(key)
        out[d] = _code(entry.get("class") if isinstance(entry, Mapping) else None, d)
    return out


def codes_from_opening_up(row: Mapping) -> dict[str, str | None]:
    """Our dimension codes from one row of "Opening up ChatGPT"'s df.csv (columns ``<prefix>.class``)."""
    return {d: _code(row.get(f"{p}.class"), d) for d, p in OPENING_UP_KEYS.items()}


# --- open weights and open share ------------------------------------------------------------------------------

def open_weights_flags(models: pd.DataFrame, openness: pd.DataFrame | None = None) -> pd.DataFrame:
    """Per model: open_weights (boolean, <NA> if unknown) and its source ('access' or None).

    One rule for the whole toolkit (:func:`analysis.metrics.selection.open_flags`): Epoch AI's accessibility categories in
    the ``access`` column. ``openness`` is accepted for backward compatibility and no longer decides: the openness
    table describes how open a release is, not whether its weights are out (the two rules disagreed on 3 models).
    """
    if "id" not in models.columns:
        raise AnalysisError("the models table needs an id column")
    if "access" not in models.columns:
        flag = pd.Series(pd.NA, index=models.index, dtype="boolean")
    else:
        flag = open_flags(models)
    source = pd.Series(None, index=models.index, dtype="object")
    source[flag.notna()] = "access"
    return pd.DataFrame({"id": models["id"], "open_weights": flag, "source": source}, index=models.index)


BY_COLUMNS = {"year": None, "org": "organization_type", "org-type": "organization_type",
              "organization_type": "organization_type", "country": "country", "access": "access"}
CI_METHODS = {"wilson": "wilson", "clopper-pearson": "beta", "beta": "beta"}


def _binom_ci(k: np.ndarray, n: np.ndarray, alpha: float, method: str) -> tuple[np.ndarray, np.ndarray]:
    from statsmodels.stats.proportion import proportion_confint

    lo, hi = proportion_confint(k, n, alpha=alpha, method=CI_METHODS[method])
    return np.asarray(lo, dtype=float), np.asarray(hi, dtype=float)


def open_share(models: pd.DataFrame, openness: pd.DataFrame | None = None, by: str = "year",
               subset: str = "notable", per_year: bool = True, method: str = "wilson", alpha: float | None = None,
               top_k: int = FRONTIER_TOP_K, confidence: float = DEFAULT_CONFIDENCE) -> pd.DataFrame:
    """Share of models released with open weights, with binomial intervals (Wilson or Clopper–Pearson).

    ``by``: ``year`` (one row per year), ``org`` (organization type), ``country``, or ``access`` (share of each
    Epoch access category among models with known access). ``per_year=False`` pools all years per group.
    ``subset``: ``notable`` (all rows) or ``frontier`` (top-``top_k`` by compute at release, see
    :func:`analysis.metrics.selection.select`). Intervals at ``confidence`` (default 0.90, as everywhere; ``alpha`` is
    the old spelling, 1 - confidence).

    Columns: [year], [group], n (models with known status), k (open-weights models, or models in the access
    category), share, share_low, share_high, n_unknown (models without known status in the cell). ``attrs``:
    n_no_date, n_unknown, subset, by, method, confidence.
    """
    if by not in BY_COLUMNS:
        raise UsageError(f"unknown --by {by!r}; use year, org, country or access")
    if method not in CI_METHODS:
        raise UsageError(f"unknown interval method {method!r}; use wilson or clopper-pearson")
    alpha = 1 - check_confidence(confidence if alpha is None else 1 - alpha)
    col = BY_COLUMNS[by]
    if by == "year" and not per_year:
        raise UsageError("by='year' needs per_year=True")
    needed = ["id", "release_date"] + ([col] if col else [])
    missing = [c for c in needed if c not in models.columns]
    if missing:
        raise AnalysisError(f"open_share needs column(s) {', '.join(missing)}")
    if subset not in ("notable", "frontier"):
        raise UsageError(f"unknown subset {subset!r}; use notable or frontier")
    sub = select(models, subset, top_k=top_k)
    dated = sub[sub["release_date"].notna()]
    n_no_date = len(sub) - len(dated)
    df = pd.DataFrame({"year": dated["release_date"].dt.year.astype(int)}, index=dated.index)
    if col == "access":
        status = dated["access"].where(dated["access"].isin(OPEN_WEIGHTS + CLOSED))
        df["status"] = status
        known = status.notna()
    else:
        flags = open_weights_flags(dated, openness)
        df["status"] = flags["open_weights"]
        known = flags["open_weights"].notna()
        if col:
            df["group"] = dated[col].fillna("Unknown").astype(str)
    keys = (["year"] if per_year else []) + (["group"] if col and col != "access" else [])
    rows = []
    if col == "access":
        kd = df[known]
        for key, g in (kd.groupby("year") if per_year else [((), kd)]):
            n = len(g)
            n_unk = int((~known[df["year"] == key]).sum()) if per_year else int((~known).sum())
            for cat in OPEN_WEIGHTS + CLOSED:
                k = int((g["status"] == cat).sum())
                rows.append({**({"year": key} if per_year else {}), "group": cat, "n": n, "k": k,
                             "n_unknown": n_unk})
    else:
        grouped = df.groupby(keys) if keys else [((), df)]
        for key, g in grouped:
            kn = g["status"].notna()
            key = key if isinstance(key, tuple) else (key,)
            rows.append({**dict(zip(keys, key)), "n": int(kn.sum()),
                         "k": int(g.loc[kn, "status"].astype(bool).sum()), "n_unknown": int((~kn).sum())})
    out = pd.DataFrame(rows)
    if out.empty:
        raise AnalysisError("no dated models to compute an open-weights share from")
    out = out[out["n"] > 0].reset_index(drop=True)
    if out.empty:
        raise AnalysisError(f"none of the {len(dated)} dated models has a known access category or openness row")
    out["share"] = out["k"] / out["n"]
    lo, hi = _binom_ci(out["k"].to_numpy(), out["n"].to_numpy(), alpha, method)
    out["share_low"], out["share_high"] = lo, hi
    order = [c for c in ("year", "group") if c in out.columns]
    out = out[order + ["n", "k", "share", "share_low", "share_high", "n_unknown"]]
    out.attrs.update(n_no_date=int(n_no_date), n_unknown=int((~known).sum()), subset=subset, by=by,
                     method=method, confidence=1 - alpha)
    return out


# --- open vs closed lag ---------------------------------------------------------------------------------------

@dataclass(frozen=True)
class LagResult:
    """Lag of open-weights models behind closed ones (months), with the crossings it is computed from.

    ``crossings``: one row per closed record (each time the closed top-k level rises): closed_model, closed_date,
    level, open_model, open_date, lag_months (negative if an open model already had that level), censored (no
    open model has reached the level by ``as_of``), censored_months (time from the record to ``as_of``).
    Crossings that one open model made are not independent (one release can match several closed records), so
    the open model is the unit: ``median_lag_months`` is the median over open models of each one's median lag,
    and ``lag_months_ci`` is a distribution-free order-statistic interval for that median (Hettmansperger &
    Sheather 1986 interpolation between order statistics; ``ci_level``), over ``n_clusters`` open models. With
    fewer than 5 open models no 90% order-statistic interval exists: the interval is the min-max range and a
    note gives its actual coverage. ``km_median_lag_months`` is the Kaplan-Meier median over all crossings, with
    censored records counted as lags longer than their time so far (NaN when more than half are censored).
    ``n`` = matched crossings.
    """

    metric: str
    benchmark: str | None
    top_k: int
    median_lag_months: float
    lag_months_ci: tuple[float, float]
    ci_level: float
    n: int
    n_censored: int
    window: tuple[pd.Timestamp, pd.Timestamp]
    as_of: pd.Timestamp
    crossings: pd.DataFrame
    frontier: pd.DataFrame
    n_open_models: int
    n_closed_models: int
    n_unknown_access: int
    n_boot: int
    seed: int
    notes: tuple[str, ...] = field(default_factory=tuple)
    n_clusters: int = 0
    km_median_lag_months: float = float("nan")
    setting: str | None = None
    date_basis: str = "release date"
    interval_method: str = "order statistics over open models (Hettmansperger-Sheather)"

    @property
    def matched(self) -> pd.DataFrame:
        return self.crossings[~self.crossings["censored"]]

    @property
    def censored(self) -> pd.DataFrame:
        return self.crossings[self.crossings["censored"]]

    def to_dict(self) -> dict:
        def rec(df: pd.DataFrame) -> list[dict]:
            return df.to_dict(orient="records")

        return {
            "metric": self.metric, "benchmark": self.benchmark, "top_k": self.top_k,
            "median_lag_months": self.median_lag_months, "lag_months_ci": list(self.lag_months_ci),
            "ci_level": self.ci_level, "n": self.n, "n_censored": self.n_censored, "n_clusters": self.n_clusters,
            "km_median_lag_months": self.km_median_lag_months, "setting": self.setting,
            "date_basis": self.date_basis, "interval_method": self.interval_method,
            "window": [self.window[0], self.window[1]], "as_of": self.as_of,
            "n_open_models": self.n_open_models, "n_closed_models": self.n_closed_models,
            "n_unknown_access": self.n_unknown_access, "n_boot": self.n_boot, "seed": self.seed,
            "crossings": rec(self.matched.drop(columns=["censored", "censored_months"])),
            "censored": rec(self.censored[["closed_model", "closed_date", "level", "censored_months"]]),
            "notes": list(self.notes),
        }


def _topk_curve(e: pd.DataFrame, k: int) -> pd.DataFrame:
    """Running k-th largest value by date: columns date, value, model_id (model that set the level). Steps only."""
    s = e.sort_values(["date", "model_id"])
    values = s["value"].to_numpy()
    if values.dtype.kind != "f" or np.isnan(values).any():
        return _topk_curve_sorting(e, k)
    rows = []
    level = -np.inf
    # groups of the sorted frame by date, in groupby's order (rows within a group keep the sorted frame's order)
    gb = s.groupby("date", sort=True)
    codes = gb.ngroup().to_numpy()
    keys = gb.size().index
    by_code = np.argsort(codes, kind="stable")
    by_code = by_code[codes[by_code] >= 0]  # groupby drops missing dates
    bounds = np.searchsorted(codes[by_code], np.arange(len(keys) + 1), side="left")
    top: list[float] = []  # min-heap of the k largest values so far: top[0] is the k-th largest
    n_seen = 0
    for g, date in enumerate(keys):
        idx = by_code[bounds[g]:bounds[g + 1]]
        for x in values[idx].tolist():
            if len(top) < k:
                heapq.heappush(top, x)
            elif x > top[0]:
                heapq.heapreplace(top, x)
        n_seen += len(idx)
        if n_seen < k:
            continue
        kth = top[0]
        if kth > level:
            grp = s.iloc[idx]
            setter = grp[grp["value"] >= kth].sort_values(["value", "model_id"], ascending=[True, True])
            mid = setter["model_id"].iloc[0] if len(setter) else grp.sort_values("value")["model_id"].iloc[-1]
            rows.append({"date": date, "value": float(kth), "model_id": mid})
            level = kth
    return pd.DataFrame(rows, columns=["date", "value", "model_id"])


def _topk_curve_sorting(e: pd.DataFrame, k: int) -> pd.DataFrame:
    """Reference implementation of :func:`_topk_curve` (re-sorts all values at each date); used for non-float or
    missing values, whose ordering the heap would not reproduce."""
    vals: list[float] = []
    rows = []
    level = -np.inf
    for date, grp in e.sort_values(["date", "model_id"]).groupby("date", sort=True):
        vals.extend(grp["value"].tolist())
        if len(vals) < k:
            continue
        kth = sorted(vals, reverse=True)[k - 1]
        if kth > level:
            setter = grp[grp["value"] >= kth].sort_values(["value", "model_id"], ascending=[True, True])
            mid = setter["model_id"].iloc[0] if len(setter) else grp.sort_values("value")["model_id"].iloc[-1]
            rows.append({"date": date, "value": float(kth), "model_id": mid})
            level = kth
    return pd.DataFrame(rows, columns=["date", "value", "model_id"])


def frontier_curves(entries: pd.DataFrame, top_k: int = 1) -> pd.DataFrame:
    """Running best (k-th best) value of closed and open models over time, as steps.

    ``entries``: columns model_id, date, value, open_weights (bool). Returns date, group ('closed'/'open'),
    value, model_id — one row each time a group's level rises (ready to plot as a step function).
    """
    _check_entries(entries)
    entries = entries[entries["open_weights"].notna()]  # unknown access (Epoch's larger exports) is neither group
    parts = []
    for name, mask in (("closed", ~entries["open_weights"].astype(bool)), ("open", entries["open_weights"].astype(bool))):
        c = _topk_curve(entries[mask], top_k)
        parts.append(c.assign(group=name))
    out = pd.concat(parts, ignore_index=True)[["date", "group", "value", "model_id"]]
    return out.sort_values(["date", "group"]).reset_index(drop=True)


def _check_entries(entries: pd.DataFrame) -> None:
    missing = [c for c in ("model_id", "date", "value", "open_weights") if c not in entries.columns]
    if missing:
        raise AnalysisError(f"lag entries need column(s) {', '.join(missing)}")


def median_interval(values: np.ndarray, confidence: float = DEFAULT_CONFIDENCE) -> tuple[tuple[float, float], float]:
    """Distribution-free interval for the median of independent values, and its nominal coverage.

    Order statistics [y(d), y(n-d+1)] cover the median with probability 1 - 2 P(Bin(n, 1/2) <= d - 1); between the
    two nearest such intervals the bounds are interpolated (Hettmansperger & Sheather 1986, Statist. Probab. Lett.
    4:75-79) to reach ``confidence``. With too few values for any order-statistic interval to reach
    ``confidence`` (n < 5 at 90%), returns the min-max range and its actual coverage.
    """
    from scipy.stats import binom

    y = np.sort(np.asarray(values, dtype=float))
    n = len(y)
    if n < 2:
        return (float("nan"), float("nan")), float("nan")
    cov = lambda d: 1 - 2 * binom.cdf(d - 1, n, 0.5)  # noqa: E731
    if cov(1) < confidence:
        return (float(y[0]), float(y[-1])), float(cov(1))
    d = 1
    while d + 1 <= n // 2 and cov(d + 1) >= confidence:
        d += 1
    g_d = cov(d)
    if d + 1 > (n + 1) // 2 or np.isclose(g_d, confidence):
        return (float(y[d - 1]), float(y[n - d])), float(g_d)
    g_next = cov(d + 1)
    i = (g_d - confidence) / (g_d - g_next)
    lam = (n - d) * i / (d + (n - 2 * d) * i)
    lo = (1 - lam) * y[d - 1] + lam * y[d]
    hi = (1 - lam) * y[n - d] + lam * y[n - d - 1]
    return (float(lo), float(hi)), float(confidence)


def km_median(times: np.ndarray, censored: np.ndarray) -> float:
    """Kaplan-Meier median of right-censored times: the first time the survival curve reaches 1/2 (NaN if never)."""
    t = np.asarray(times, dtype=float)
    c = np.asarray(censored, dtype=bool)
    ok = np.isfinite(t)
    t, c = t[ok], c[ok]
    if len(t) == 0:
        return float("nan")
    s = 1.0
    for u in np.unique(t[~c]):
        at_risk = np.sum(t >= u)
        events = np.sum((t == u) & ~c)
        s *= 1 - events / at_risk
        if s <= 0.5 + 1e-12:
            return float(u)
    return float("nan")


def open_closed_lag(entries: pd.DataFrame, metric: str = "score", benchmark: str | None = None, top_k: int = 1,
                    n_boot: int = 2000, seed: int = 0, ci_level: float | None = None,
                    as_of: pd.Timestamp | str | None = None, confidence: float = DEFAULT_CONFIDENCE) -> LagResult:
    """Core lag computation on entries (model_id, date, value, open_weights; rows with missing values dropped).

    Records: each date the closed top-``top_k`` level rises to a new value s. For each, the first date the open
    top-``top_k`` level is >= s (ties count as reached). Lag = that date minus the record date, in months of
    365.25/12 days. Raises AnalysisError if there are no closed or no open entries.
    """
    _check_entries(entries)
    if top_k < 1:
        raise UsageError(f"top_k must be at least 1, got {top_k}")
    if n_boot < 1:
        raise UsageError(f"n_boot must be at least 1, got {n_boot}")
    ci_level = check_confidence(confidence if ci_level is None else ci_level)
    n_unknown = int(entries["open_weights"].isna().sum())
    e = entries.dropna(subset=["date", "value", "open_weights"]).copy()
    e["open_weights"] = e["open_weights"].astype(bool)
    what = f"benchmark {benchmark!r}" if benchmark else metric
    closed, opened = e[~e["open_weights"]], e[e["open_weights"]]
    if closed.empty:
        raise AnalysisError(f"no closed model with a dated value on {what}: nothing to lag behind")
    if opened.empty:
        raise AnalysisError(f"no open-weights model with a dated value on {what} "
                            f"({len(closed)} closed models): the lag is undefined")
    c_curve, o_curve = _topk_curve(closed, top_k), _topk_curve(opened, top_k)
    if c_curve.empty:
        raise AnalysisError(f"fewer than {top_k} closed models on {what}")
    as_of = pd.Timestamp(as_of) if as_of is not None else e["date"].max()
    rows = []
    o_vals = o_curve["value"].to_numpy()
    for _, rec in c_curve.iterrows():
        hit = np.nonzero(o_vals >= rec["value"])[0]
        if len(hit):
            o = o_curve.iloc[hit[0]]
            rows.append({"closed_model": rec["model_id"], "closed_date": rec["date"], "level": rec["value"],
                         "open_model": o["model_id"], "open_date": o["date"],
                         "lag_months": (o["date"] - rec["date"]).days / DAYS_PER_MONTH, "censored": False,
                         "censored_months": np.nan})
        else:
            rows.append({"closed_model": rec["model_id"], "closed_date": rec["date"], "level": rec["value"],
                         "open_model": None, "open_date": pd.NaT, "lag_months": np.nan, "censored": True,
                         "censored_months": max((as_of - rec["date"]).days, 0) / DAYS_PER_MONTH})
    cr = pd.DataFrame(rows)
    matched = cr[~cr["censored"]]
    lags = matched["lag_months"].to_numpy(dtype=float)
    notes = []
    cluster_medians = matched.groupby("open_model")["lag_months"].median().to_numpy(dtype=float)
    km = km_median(cr["lag_months"].fillna(cr["censored_months"]).to_numpy(dtype=float),
                   cr["censored"].to_numpy(dtype=bool))
    if len(lags) == 0:
        med, ci = float("nan"), (float("nan"), float("nan"))
        notes.append("no closed record has been matched by an open model yet: the lag exceeds the censored times")
    else:
        med = float(np.median(cluster_medians))
        ci, cover = median_interval(cluster_medians, ci_level)
        if len(cluster_medians) < 2:
            notes.append("only one open model made the crossings: no interval")
        elif cover < ci_level:
            notes.append(f"only {len(cluster_medians)} open models: the interval is their min-max range, which "
                         f"covers the median with probability {cover:.0%}, less than {ci_level:.0%}")
    n_cens = int(cr["censored"].sum())
    if n_cens:
        notes.append(f"{n_cens} closed record(s) not yet matched by an open model (censored): their lags exceed "
                     "their time so far; the Kaplan-Meier median (km_median_lag_months) counts them so")
    if (lags < 0).any():
        notes.append(f"{int((lags < 0).sum())} crossing(s) with negative lag: an open model had already reached "
                     "that level before the closed record")
    return LagResult(
        metric=metric, benchmark=benchmark, top_k=top_k, median_lag_months=med, lag_months_ci=ci,
        ci_level=ci_level, n=int(len(lags)), n_censored=n_cens, window=(e["date"].min(), e["date"].max()),
        as_of=as_of, crossings=cr, frontier=frontier_curves(e, top_k), n_open_models=int(len(opened)),
        n_closed_models=int(len(closed)), n_unknown_access=n_unknown, n_boot=n_boot, seed=seed, notes=tuple(notes),
        n_clusters=int(len(cluster_medians)), km_median_lag_months=km,
    )


def in_window(df: pd.DataFrame, since, until) -> pd.DataFrame:
    if since is not None:
        df = df[df["date"] >= pd.Timestamp(since)]
    if until is not None:
        df = df[df["date"] <= pd.Timestamp(until)]
    return df


def default_setting(benchmarks: pd.DataFrame, benchmark: str) -> str | None:
    """The evaluation setting a lag on ``benchmark`` uses unless told otherwise.

    :data:`analysis.constants.LAG_DEFAULT_SETTING` where listed (MMLU 5-shot, GPQA Diamond 0-shot); else the
    benchmark's only setting; else its most common setting (ties: alphabetical). None when there is no setting
    column.
    """
    if benchmark in LAG_DEFAULT_SETTING:
        return LAG_DEFAULT_SETTING[benchmark]
    if "setting" not in benchmarks.columns:
        return None
    s = benchmarks.loc[benchmarks["benchmark"] == benchmark, "setting"].dropna().astype(str)
    if s.empty:
        return None
    counts = s.value_counts()
    return sorted(counts[counts == counts.max()].index)[0]


def benchmark_entries(benchmarks: pd.DataFrame, models: pd.DataFrame, benchmark: str = "mmlu",
                      setting: str | None = None, openness: pd.DataFrame | None = None,
                      date_by: str = "evaluation") -> pd.DataFrame:
    """Best score per model on a benchmark in one evaluation setting, joined to models for the open-weights status.

    ``setting``: None = the benchmark's default (:func:`default_setting`); ``"any"`` = each model's best score
    across settings (mixes protocols: only by request). Dates (``date_by="evaluation"``, the default): the score's
    own ``date`` in the benchmarks table where known, else the model's release date; ``date_by="release"``: the
    release date. Returns model_id, name, organization, date, date_basis ('evaluation' or 'release'), value
    (score), setting, open_weights. ``attrs``: n_not_in_models, n_no_date, setting, n_evaluation_dates.
    """
    for c in ("model_id", "benchmark", "score"):
        if c not in benchmarks.columns:
            raise AnalysisError(f"the benchmarks table needs a {c} column")
    if date_by not in ("evaluation", "release"):
        raise UsageError(f"date_by must be 'evaluation' or 'release', got {date_by!r}")
    b = benchmarks[benchmarks["benchmark"] == benchmark]
    if setting is None:
        setting = default_setting(benchmarks, benchmark)
    if setting is not None and setting != "any":
        if "setting" not in b.columns:
            raise AnalysisError("the benchmarks table has no setting column")
        b = b[b["setting"] == setting]
    if b.empty:
        known = sorted(benchmarks["benchmark"].dropna().unique())
        hint = f"; available: {', '.join(known[:12])}" if known else " (the benchmarks table is empty)"
        if setting not in (None, "any") and len(benchmarks[benchmarks["benchmark"] == benchmark]):
            have = sorted(benchmarks.loc[benchmarks["benchmark"] == benchmark, "setting"].dropna().unique())
            hint = f"; settings available: {', '.join(have)} (or 'any')"
        raise AnalysisError(f"no scores for benchmark {benchmark!r}" + (f" in setting {setting!r}" if setting else "")
                            + hint)
    b = b.assign(_eval_date=pd.to_datetime(b["date"], errors="coerce") if "date" in b.columns else pd.NaT)
    b = b.sort_values(["model_id", "score", "_eval_date"], ascending=[True, False, True])
    best = b.drop_duplicates("model_id")[["model_id", "score", "_eval_date"] + (["setting"] if "setting" in b.columns
                                                                                 else [])]
    best = best.rename(columns={"score": "value"})
    if "setting" not in best.columns:
        best["setting"] = None
    flags = open_weights_flags(models, openness)
    meta = pd.DataFrame({"model_id": models["id"], "release_date": models["release_date"],
                         "name": models.get("name"), "organization": models.get("organization"),
                         "open_weights": flags["open_weights"]}).drop_duplicates("model_id")
    e = best.merge(meta, on="model_id", how="inner")
    n_not = len(best) - len(e)
    use_eval = (date_by == "evaluation") & e["_eval_date"].notna()
    e["date"] = e["_eval_date"].where(use_eval, e["release_date"])
    e["date_basis"] = np.where(use_eval, "evaluation", "release")
    n_no_date = int(e["date"].isna().sum())
    e = e[e["date"].notna()].reset_index(drop=True)
    e.attrs.update(n_not_in_models=int(n_not), n_no_date=n_no_date, setting=setting,
                   n_evaluation_dates=int((e["date_basis"] == "evaluation").sum()))
    out = e[["model_id", "name", "organization", "date", "date_basis", "value", "setting", "open_weights"]]
    out.attrs.update(e.attrs)
    return out


def capability_lag(benchmarks: pd.DataFrame, models: pd.DataFrame, benchmark: str = "mmlu",
                   setting: str | None = None, openness: pd.DataFrame | None = None, top_k: int = 1,
                   since=None, until=None, n_boot: int = 2000, seed: int = 0,
                   ci_level: float | None = None, confidence: float = DEFAULT_CONFIDENCE,
                   date_by: str = "evaluation") -> LagResult:
    """Open-vs-closed lag on a benchmark: months for the best open model to reach each new closed best score.

    One evaluation setting (default per benchmark, see :func:`benchmark_entries`), stated in the result
    (``setting``, ``date_basis``).
    """
    e = benchmark_entries(benchmarks, models, benchmark, setting, openness, date_by)
    used = e.attrs.get("setting")
    n_eval = int((e["date_basis"] == "evaluation").sum())
    e = in_window(e, since, until)
    if e.empty:
        raise AnalysisError(f"no dated scores on {benchmark!r} in the requested window")
    res = open_closed_lag(e, metric="score", benchmark=benchmark, top_k=top_k, n_boot=n_boot, seed=seed,
                          ci_level=ci_level, confidence=confidence, as_of=until)
    basis = ("evaluation date where known, release date otherwise" if date_by == "evaluation" else "release date")
    notes = res.notes + ((f"{n_eval} of {n_eval + int((e['date_basis'] == 'release').sum())} scores dated by "
                          f"evaluation date" if date_by == "evaluation" else "scores dated by model release"),)
    if used == "any":
        notes += ("setting 'any': each model's best score across evaluation settings (mixes protocols)",)
    return replace(res, setting=used, date_basis=basis, notes=notes)


def compute_lag(models: pd.DataFrame, openness: pd.DataFrame | None = None, top_k: int = 1,
                domain: str | None = None, since=None, until=None, n_boot: int = 2000, seed: int = 0,
                ci_level: float | None = None, confidence: float = DEFAULT_CONFIDENCE) -> LagResult:
    """Open-vs-closed lag in training compute: months for the open top-k to reach each new closed top-k level.

    Closed = api, hosted or unreleased (Epoch AI's definition); ``domain`` restricts to one domain (e.g.
    ``language``).
    """
    for c in ("id", "release_date", "training_compute_flop"):
        if c not in models.columns:
            raise AnalysisError(f"compute_lag needs a {c} column in the models table")
    m = models if domain is None else models[models.get("domain") == domain]
    flags = open_weights_flags(m, openness)
    e = pd.DataFrame({"model_id": m["id"], "date": m["release_date"], "value": m["training_compute_flop"],
                      "open_weights": flags["open_weights"]})
    e = in_window(e[e["value"].notna() & e["date"].notna()], since, until)
    if e.empty:
        raise AnalysisError("no models with both a release date and training compute in the requested window")
    return open_closed_lag(e, metric="compute", benchmark=None, top_k=top_k, n_boot=n_boot, seed=seed,
                           ci_level=ci_level, confidence=confidence, as_of=until)


# --- transparency (FMTI) --------------------------------------------------------------------------------------

EDITION_ORDER = ("2023-10", "2024-05", "2025-12")


def _edition_key(e: str) -> tuple:
    return (EDITION_ORDER.index(e) if e in EDITION_ORDER else len(EDITION_ORDER), str(e))


def transparency_changes(transparency: pd.DataFrame, aliases: Mapping[str, str] | None = None) -> pd.DataFrame:
    """FMTI score per developer and edition, with the change since that developer's previous and first edition.

    Columns: developer, edition, flagship_model (if given), score, previous_edition, previous_score, change,
    change_from_first, n_editions. ``aliases`` renames developers across editions (e.g. {"Stability": "Stability
    AI"}); names are otherwise taken as written.
    """
    for c in ("developer", "edition", "score"):
        if c not in transparency.columns:
            raise AnalysisError(f"the transparency table needs a {c} column")
    t = transparency.copy()
    t["developer"] = t["developer"].map(lambda d: (aliases or {}).get(d, d))
    t["_k"] = t["edition"].map(_edition_key)
    t = t.sort_values(["developer", "_k"])
    if t.duplicated(["developer", "edition"]).any():
        dup = t[t.duplicated(["developer", "edition"], keep=False)][["developer", "edition"]].iloc[0]
        raise AnalysisError(f"developer {dup['developer']!r} appears twice in edition {dup['edition']!r}")
    g = t.groupby("developer")
    t["previous_edition"] = g["edition"].shift(1)
    t["previous_score"] = g["score"].shift(1)
    t["change"] = t["score"] - t["previous_score"]
    t["change_from_first"] = t["score"] - g["score"].transform("first")
    t["n_editions"] = g["edition"].transform("count")
    cols = ["developer", "edition"] + (["flagship_model"] if "flagship_model" in t.columns else []) + [
        "score", "previous_edition", "previous_score", "change", "change_from_first", "n_editions"]
    return t[cols].reset_index(drop=True)


def transparency_summary(transparency: pd.DataFrame) -> pd.DataFrame:
    """Per FMTI edition: n_developers, mean, median, min, max, top_developer (ties joined with ' / ')."""
    for c in ("developer", "edition", "score"):
        if c not in transparency.columns:
            raise AnalysisError(f"the transparency table needs a {c} column")
    rows = []
    for ed, g in sorted(transparency.groupby("edition"), key=lambda kv: _edition_key(kv[0])):
        top = g["score"].max()
        rows.append({"edition": ed, "n_developers": len(g), "mean": g["score"].mean(), "median": g["score"].median(),
                     "min": g["score"].min(), "max": top,
                     "top_developer": " / ".join(sorted(g.loc[g["score"] == top, "developer"]))})
    return pd.DataFrame(rows, columns=["edition", "n_developers", "mean", "median", "min", "max", "top_developer"])


def fmti_scores_from_indicators(scores: pd.DataFrame, edition: str,
                                domains: Iterable[str] | pd.Series | None = None) -> pd.DataFrame:
    """Developer totals from a CRFM FMTI indicator table (one row per indicator, one 0/1 column per developer).

    Accepts the files of github.com/stanford-crfm/fmti as read by pandas: ``Indicator`` column, optional
    ``Domain``/``Subdomain`` columns and ``Total`` column (ignored), and an optional totals row (``Indicator`` ==
    "Total"; ignored, totals are recomputed). ``domains`` (Upstream/Model/Downstream per indicator, same order)
    gives the sub-scores when the table has no Domain column. Returns rows in our transparency schema
    (developer, edition, score, upstream_score, model_score, downstream_score).
    """
    if "Indicator" not in scores.columns:
        raise AnalysisError("an FMTI score table needs an 'Indicator' column")
    body = scores[scores["Indicator"].astype(str).str.strip().str.lower() != "total"]
    meta = {"Domain", "Subdomain", "Indicator", "Total"}
    devs = [c for c in body.columns if c not in meta]
    if domains is None and "Domain" in body.columns:
        domains = body["Domain"]
    dom = None if domains is None else pd.Series(list(domains), index=body.index).astype(str).str.strip().str.lower()
    if dom is not None and len(dom) != len(body):
        raise AnalysisError(f"{len(dom)} domains given for {len(body)} indicators")
    rows = []
    for d in devs:
        v = pd.to_numeric(body[d], errors="coerce")
        if v.isna().any() or not v.isin([0, 1]).all():
            raise AnalysisError(f"FMTI column {d!r} must hold 0/1 for every indicator")
        row = {"developer": d, "edition": edition, "score": float(v.sum())}
        for name in ("upstream", "model", "downstream"):
            row[f"{name}_score"] = float(v[dom == name].sum()) if dom is not None else np.nan
        rows.append(row)
    return pd.DataFrame(rows)
