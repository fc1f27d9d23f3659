"""The openness rubric: per-dimension codes scored into an index, the Model Openness Framework class, the OSI
OSAID assessment, per-model explanations, and the importers of EOSAI and Opening-up-ChatGPT codes.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

import numpy as np
import pandas as pd

from analysis.constants import (
    OPENNESS_GROUPS,
    OPENNESS_MAX_SCORE,
    OPENNESS_POINTS,
)
from analysis.errors import AnalysisError
from analysis.metrics.result import Result, ResultMeta, meta

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
class OpennessExplanation(Result):
    """Why a model scores what it scores: every dimension with its code, points, evidence URL and note."""

    json_skip = frozenset({"score", "mof", "osaid"})
    frame_field = "components"

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

    def json_extra(self) -> dict:
        return {"score": self.score.score, "max_score": self.score.max_score,
                "availability": self.score.availability, "documentation": self.score.documentation,
                "access": self.score.access, "mof_class": self.mof.mof_class, "mof_unmet": dict(self.mof.unmet),
                "osaid_meets": self.osaid.meets, "osaid_missing": list(self.osaid.missing), "summary": self.summary()}

    @property
    def meta(self) -> ResultMeta:
        return meta(1, self.assessed_date, self.assessed_date, "none: a rubric score from recorded evidence", None)


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
