"""Import an Epoch AI "Data on AI Models" export into our models schema.

Works on every vintage we have seen (notable / all / frontier / large-scale files, 2025-2026): columns are matched
by known aliases, missing optional columns become empty, extra columns are ignored. Values that break our schema
(compute outside 1e10-1e30 FLOP, unparseable numbers or dates) are set to empty and reported as warnings, so a
newer export with odd rows still loads; a file without the essential columns (model name, publication date) is
refused with a clear error.

Mapping (Epoch column -> ours): Model -> name (and a slug id), Organization, Organization categorization ->
organization_type, Country (of organization) -> country, Publication date -> release_date, Domain -> domain (every
domain of Epoch's list, in our vocabulary, comma-separated: "Multimodal,Language,Vision" -> "multimodal,language,vision"),
Task, Parameters, Training compute (FLOP) ->
training_compute_flop (compute_method 'epoch-ai'), Training dataset size -> dataset_size_tokens (the size of the
training set, in tokens: rows whose first domain is language, and multimodal rows, where Epoch counts tokens),
Epochs -> epochs, and training_tokens (tokens seen) = dataset_size_tokens x epochs where Epoch records both, else
empty (Epoch's dataset size is the data, not the passes over it: XLNet's 32.9B-token set x 63.8 epochs = 2.1T
tokens seen), Training hardware, Hardware quantity, Training chip-hours -> gpu_hours,
Hardware utilization (MFU), Model accessibility -> access, Training code accessibility, Link -> source_url (first
URL), Confidence. A blank domain becomes 'other'; a blank organization stays empty (our curated files require it,
imported rows may lack it).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import numpy as np
import pandas as pd

from analysis.data import schema
from analysis.data.tables import read_raw, type_frame
from analysis.errors import DataError, Problem

ALIASES: dict[str, tuple[str, ...]] = {
    "name": ("Model", "System", "Model name"),
    "organization": ("Organization", "Organization(s)", "Organisation"),
    "organization_type": ("Organization categorization", "Organization categorization (from Organization)", "Sector"),
    "country": ("Country (of organization)", "Country (from Organization)", "Country"),
    "release_date": ("Publication date", "Publication Date", "Release date"),
    "domain": ("Domain",),
    "task": ("Task",),
    "parameters": ("Parameters",),
    "training_compute_flop": ("Training compute (FLOP)", "Training compute (FLOPs)", "Training compute"),
    "dataset_size_tokens": (
        "Training dataset size (total)",
        "Training dataset size (datapoints)",
        "Training dataset size (gradients)",
        "(DEPRECATED) Training dataset size (datapoints)",
        "Training dataset size",
    ),
    "epochs": ("Epochs",),
    "training_hardware": ("Training hardware",),
    "hardware_count": ("Hardware quantity", "Hardware count"),
    "gpu_hours": ("Training chip-hours",),
    "utilization_mfu": ("Hardware utilization (MFU)", "Hardware utilization"),
    "access": ("Model accessibility",),
    "training_code": ("Training code accessibility",),
    "source_url": ("Link", "Links"),
    "confidence": ("Confidence",),
    "notes": ("Training compute notes",),
    "training_time_hours": ("Training time (hours)",),
    "training_power_draw_w": ("Training power draw (W)",),
    "training_cost_2023_usd": ("Training compute cost (2023 USD)",),
    "frontier_model": ("Frontier model",),
    "base_model": ("Base model",),
    "finetune_compute_flop": ("Finetune compute (FLOP)",),
}
REQUIRED = ("name", "release_date")

ACCESS_MAP = {
    "open weights (unrestricted)": "open-weights-unrestricted",
    "open weights (restricted use)": "open-weights-restricted",
    "open weights (non-commercial)": "open-weights-non-commercial",
    "api access": "api",
    "hosted access (no api)": "hosted",
    "unreleased": "unreleased",
    "open source": "open-weights-unrestricted",  # older exports
    "open access (unrestricted)": "open-weights-unrestricted",
    "open access (restricted use)": "open-weights-restricted",
    "open access (non-commercial)": "open-weights-non-commercial",
}
CODE_MAP = {
    "open source": "open",
    "open (restricted use)": "open-restricted",
    "open (non-commercial)": "open-non-commercial",
    "unreleased": "unreleased",
}
DOMAIN_MAP = {
    "language": "language", "vision": "vision", "multimodal": "multimodal", "image generation": "image-generation",
    "video": "video", "speech": "speech", "audio": "audio", "games": "games", "biology": "biology",
    "mathematics": "mathematics", "robotics": "robotics", "recommendation": "recommendation",
    "medicine": "science", "earth science": "science", "materials science": "science", "chemistry": "science",
    "3d modeling": "other", "search": "other", "driving": "robotics", "other": "other",
}
CONFIDENCE_MAP = {"confident": "confident", "likely": "likely", "speculative": "speculative", "unknown": "unknown"}
ORG_TYPE_MAP = {"industry": "industry", "academia": "academia", "government": "government",
                "research collective": "research-collective", "non-profit": "non-profit"}
# Epoch hardware names -> our hardware.csv ids (prefix match, most specific first).
HARDWARE_MAP = (
    ("nvidia gb200", "nvidia-gb200"), ("nvidia b200", "nvidia-b200"), ("nvidia h200", "nvidia-h200"),
    ("nvidia h800", "nvidia-h800"), ("nvidia h100", "nvidia-h100"), ("nvidia a100", "nvidia-a100"),
    ("nvidia tesla v100", "nvidia-v100"), ("nvidia v100", "nvidia-v100"), ("nvidia p100", "nvidia-p100"),
    ("nvidia tesla p100", "nvidia-p100"), ("google tpu v2", "google-tpu-v2"), ("google tpu v3", "google-tpu-v3"),
    ("google tpu v4", "google-tpu-v4"), ("google tpu v5e", "google-tpu-v5e"), ("google tpu v5p", "google-tpu-v5p"),
    ("google tpu v6e", "google-tpu-v6e"), ("amd instinct mi250x", "amd-mi250x"), ("amd radeon instinct mi250x", "amd-mi250x"),
    ("amd instinct mi300x", "amd-mi300x"),
)
_URL = re.compile(r"https?://[^\s,;\"']+")
_TEXT_DOMAINS = {"language", "multimodal"}


@dataclass(frozen=True)
class EpochImport:
    models: pd.DataFrame
    problems: tuple[Problem, ...]
    columns_used: dict  # our column -> Epoch column found


def slugify(name: str) -> str:
    s = name.lower().replace("&", "and")
    s = re.sub(r"[()\[\]{}'\"`’]", "", s)
    s = re.sub(r"[^a-z0-9.+]+", "-", s).strip("-.")
    return s or "model"


def _first(cell: str, mapping: dict[str, str]) -> str:
    for part in (p.strip().lower() for p in cell.split(",")):
        if part in mapping:
            return mapping[part]
    return ""


def _domain(cell: str) -> str:
    """Every domain Epoch lists, mapped to our vocabulary, distinct, in Epoch's order; 'other' when none maps."""
    out: list[str] = []
    for p in (p.strip().lower() for p in cell.split(",")):
        d = DOMAIN_MAP.get(p)
        if d and d not in out:
            out.append(d)
    return ",".join(out) or "other"  # Epoch's own catch-all; also used when the domain is blank


def _counts_tokens(domains: str) -> bool:
    """Whether Epoch's dataset size of a row is in tokens: multimodal rows, and rows whose first domain is
    language (Epoch counts tokens there). Rows that list language after another domain ("Vision,Language",
    "Biology,Language", "Medicine,Language") give sizes in images, proteins or examples, and stay empty."""
    parts = domains.split(",")
    return "multimodal" in parts or parts[0] in _TEXT_DOMAINS


def _tokens_seen(size: pd.Series, epochs: pd.Series) -> pd.Series:
    """Tokens seen = Epoch's dataset size x its Epochs, where Epoch records both; else empty (never a guessed 1
    epoch: Epoch leaves Epochs blank for many rows, and its dataset size is then the data, not the passes over it)."""
    s = pd.to_numeric(size.replace("", np.nan), errors="coerce")
    e = pd.to_numeric(epochs.replace("", np.nan), errors="coerce")
    seen = (s * e).round()
    return seen.map(lambda v: "" if pd.isna(v) or v <= 0 else repr(float(v)))


def _org_type(cell: str) -> str:
    parts = {ORG_TYPE_MAP.get(p.strip().lower(), "") for p in cell.split(",")} - {""}
    if {"industry", "academia"} <= parts:
        return "industry-academia"
    for t in ("industry", "academia", "government", "research-collective", "non-profit"):
        if t in parts:
            return t
    return ""


def _country(cell: str) -> str:
    parts = [p.strip() for p in cell.split(",") if p.strip()]
    return parts[0] if len(set(parts)) == 1 else ("Multinational" if parts else "")


def _hardware(cell: str) -> str:
    first = cell.split(",")[0].strip()
    low = first.lower()
    for prefix, hid in HARDWARE_MAP:
        if low.startswith(prefix):
            return hid
    return first


def _number(text: str) -> str:
    """Epoch numbers are plain floats; tolerate thousands separators and stray units, else empty."""
    t = text.replace(",", "").replace("\u202f", "").strip()
    m = re.match(r"^[-+]?(\d+(\.\d*)?|\.\d+)([eE][-+]?\d+)?", t, re.ASCII)  # ASCII digits only: never read '１e24' as a number
    return m.group(0) if m else ""


@lru_cache(maxsize=1 << 16)  # an export repeats its dates, and vintages share most of them: each is parsed once
def parse_date_text(text: str) -> str:
    """An Epoch date cell as YYYY-MM-DD (a bare year or year-month: its first day), or "" when it is not a date."""
    t = text.strip()
    if not t or not t.isascii():  # only ASCII digits are dates
        return ""
    ts = pd.to_datetime(t, errors="coerce", dayfirst=False)
    if pd.isna(ts):
        m = re.match(r"^(\d{4})(?:-(\d{1,2}))?$", t)
        if not m:
            return ""
        ts = pd.Timestamp(int(m.group(1)), int(m.group(2) or 1), 1)
    return ts.strftime("%Y-%m-%d")


def _ids(names: pd.Series) -> list[str]:
    """Stable unique ids from names (suffix -2, -3 for repeated names, in file order)."""
    seen: dict[str, int] = {}
    ids = []
    for s in names.map(slugify):
        seen[s] = seen.get(s, 0) + 1
        ids.append(s if seen[s] == 1 else f"{s}-{seen[s]}")
    return ids


def _clear_out_of_range(typed: pd.DataFrame, res: schema.Resource, shown: str, used: dict[str, str],
                        problems: list[Problem]) -> None:
    """Clear (in place) values that break our schema's ranges instead of refusing the whole file; one warning each."""
    for f in res.fields:
        s = typed[f.name]
        bad = pd.Series(False, index=s.index)
        if f.type in ("number", "integer"):
            if f.minimum is not None:
                bad |= s < float(f.minimum)
            if f.maximum is not None:
                bad |= s > float(f.maximum)
        elif f.type == "date":
            bad |= s < pd.Timestamp(f.minimum or "1900-01-01")
        bad = bad.fillna(False).astype(bool)
        for line in s.index[bad]:
            problems.append(Problem(shown, int(line), used.get(f.name, f.name),
                                    f"value {s[line]} outside our schema's range; treated as empty", "warning"))
        if bad.any():
            typed.loc[bad, f.name] = np.nan if f.type != "integer" else pd.NA


def load_epoch(path: Path | str) -> EpochImport:
    """Read an Epoch AI export and return models in our schema (index reset), with warnings."""
    path = Path(path)
    raw = read_raw(path)  # UsageError for unusable files
    shown = raw.file
    problems = list(raw.problems)
    frame = raw.take_frame()
    used: dict[str, str] = {}
    for ours, names in ALIASES.items():
        for n in names:
            if n in frame.columns:
                used[ours] = n
                break
    missing = [c for c in REQUIRED if c not in used]
    if missing:
        want = " / ".join(ALIASES[missing[0]])
        raise DataError(f"not an Epoch AI models export: no {want!r} column (found: {', '.join(raw.header[:8])}...)",
                        file=shown, row=1)
    res = schema.resource("models")
    col = {k: frame[v].fillna("") for k, v in used.items()}
    n = len(frame)
    empty = pd.Series([""] * n, index=frame.index, dtype=object)

    def get(k: str) -> pd.Series:
        return col.get(k, empty)

    out = pd.DataFrame(index=frame.index)
    out["name"] = get("name").map(str.strip)  # Epoch has names with a trailing newline ('GPT-3.5 (davinci-002)\n')
    out["organization"] = get("organization").map(lambda s: ", ".join(p.strip() for p in s.split(",") if p.strip()))
    out["organization_type"] = get("organization_type").map(_org_type)
    out["country"] = get("country").map(_country)
    out["release_date"] = get("release_date").map(parse_date_text)
    out["domain"] = get("domain").map(_domain)
    out["task"] = get("task")
    out["architecture"] = ""
    out["parameters"] = get("parameters").map(_number)
    out["active_parameters"] = ""
    out["dataset_size_tokens"] = get("dataset_size_tokens").map(_number).where(out["domain"].map(_counts_tokens), "")
    out["epochs"] = get("epochs").map(_number)
    out["training_tokens"] = _tokens_seen(out["dataset_size_tokens"], out["epochs"])
    out["training_compute_flop"] = get("training_compute_flop").map(_number)
    out["compute_method"] = np.where(out["training_compute_flop"] != "", "epoch-ai", "")
    out["training_hardware"] = get("training_hardware").map(_hardware)
    out["hardware_count"] = get("hardware_count").map(_number).map(lambda s: str(int(float(s))) if s else "")
    out["gpu_hours"] = get("gpu_hours").map(_number)
    out["utilization_mfu"] = get("utilization_mfu").map(_number)
    out["access"] = get("access").map(lambda s: _first(s, ACCESS_MAP))
    out["license"] = ""
    out["training_code"] = get("training_code").map(lambda s: _first(s, CODE_MAP))
    out["source_url"] = get("source_url").map(lambda s: (_URL.search(s).group(0) if _URL.search(s) else ""))
    out["notes"] = get("notes").map(lambda s: s[:500])
    out["confidence"] = get("confidence").map(lambda s: CONFIDENCE_MAP.get(s.strip().lower(), ""))
    out["training_time_hours"] = get("training_time_hours").map(_number)
    out["training_power_draw_w"] = get("training_power_draw_w").map(_number)
    out["training_cost_2023_usd"] = get("training_cost_2023_usd").map(_number)
    out["frontier_model"] = get("frontier_model").map(lambda s: "yes" if s.strip().lower() in ("true", "yes", "1") else "")
    out["base_model"] = get("base_model").map(str.strip)
    out["finetune_compute_flop"] = get("finetune_compute_flop").map(_number)
    out["id"] = _ids(out["name"])
    out = out[[c for c in res.columns]]
    # Drop rows that cannot be used at all (no name or no date), with a warning each.
    keep = (out["name"] != "") & (out["release_date"] != "")
    for line in out.index[~keep]:
        problems.append(Problem(shown, int(line), used.get("release_date"), "row without model name or parseable date skipped", "warning"))
    out = out[keep]
    parse_problems: list[Problem] = []
    typed = type_frame(out, res, shown, parse_problems)
    _clear_out_of_range(typed, res, shown, used, parse_problems)
    typed.loc[typed["training_compute_flop"].isna(), "compute_method"] = np.nan
    problems += [p if p.severity == "warning" else Problem(p.file, p.row, p.column, p.message + "; treated as empty", "warning")
                 for p in parse_problems]
    typed = typed.reset_index(drop=True)
    return EpochImport(models=typed, problems=tuple(problems), columns_used=used)

