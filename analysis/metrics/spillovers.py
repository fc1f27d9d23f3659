"""What openness spills into: notable models built on a released base model (Epoch AI's ``Base model`` column).

Input: a models table in our schema with ``name``, ``organization``, ``release_date``, ``access`` and
``base_model`` (Epoch AI's "Base model": the model(s) a notable model was fine-tuned or built from, comma-separated
when several). It is filled when the data is an Epoch export (``--data epoch:PATH``; the pinned
``data/upstream/epoch-ai/2026-07-19/notable_ai_models.csv`` by default in the report).

**Matching** (:func:`derivatives`). Each base name is matched to a model of the same table explicitly: exact name
after normalising case and whitespace; then :data:`ALIASES` (documented spelling variants); otherwise the base is
*unmatched* (most bases are not themselves notable models, e.g. ``Llama 3.1-8B``) and keeps only its family.

**Family** (:data:`FAMILIES`): the first pattern that matches the base name gives family and developer.

**Open base**: the matched model's Epoch accessibility (open weights = ``open-weights-*``); for an unmatched base,
the family rule ``open_weights`` in :data:`FAMILIES` where the family publishes the weights of every base checkpoint
Epoch lists for it (None = mixed family, e.g. GLM or Mistral with API-only flagships: the base stays unknown).
Column ``base_open_source`` says which rule decided.

**Outside the developer**: a derivative counts as *outside* when none of its organizations is the base's developer
(the matched base's organizations, else the family developer), organizations compared as parent families
(:func:`analysis.metrics.selection.organizations`: a Google model on Google DeepMind's Gemma is not outside);
unknown when neither is known.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import numpy as np
import pandas as pd

from analysis.constants import DAYS_PER_MONTH, DEFAULT_CONFIDENCE
from analysis.data.overlay import representative  # overlay additions are not part of the representative set
from analysis.data.tables import CLOSED, OPEN_WEIGHTS
from analysis.errors import AnalysisError, UsageError
from analysis.metrics.result import Result, ResultMeta, TableResult, meta, span
from analysis.metrics.selection import organizations, select
from analysis.metrics.vocabulary import check_confidence

# Documented spelling variants of base names (normalised base -> normalised notable model name), each the same
# model under another spelling. On the 2026-07-19 notable export no base needs one: every base left unmatched
# there is a model absent from the notable set (tests/test_spillovers.py lists them); add a row with its reason
# when a vintage spells a base differently from the model's own row.
ALIASES: dict[str, str] = {
    "llama 3 70b": "llama 3-70b",  # Meta's own spelling vs Epoch's "Llama 3-70B"
    "llama 3.1 405b": "llama 3.1-405b",
    "gpt-4": "gpt-4 (mar 2023)",  # Epoch dates GPT-4 versions; the unqualified name is the March 2023 release
}

# (pattern on the normalised base name, family, developer, open_weights for unmatched bases or None if mixed).
# Sources for the family rules: Meta's Llama releases (https://www.llama.com/llama-downloads/), Alibaba's Qwen
# checkpoints (https://huggingface.co/Qwen), DeepSeek (https://huggingface.co/deepseek-ai), Google's Gemma
# (https://ai.google.dev/gemma), 01.AI's Yi (https://huggingface.co/01-ai), LMSYS Vicuna
# (https://lmsys.org/blog/2023-03-30-vicuna/), EleutherAI Pythia / GPT-J (https://huggingface.co/EleutherAI),
# Stability AI (https://huggingface.co/stabilityai), Meta ESM (https://github.com/facebookresearch/esm), Google T5 /
# Flan-T5 / BERT / ViT (https://github.com/google-research). Closed families (GPT, Gemini, PaLM, Claude) publish no
# weights of the listed bases; GPT-J is EleutherAI's, matched before GPT.
FAMILIES: tuple[tuple[str, str, str, bool | None], ...] = (
    (r"^(llama|code llama)", "Llama", "Meta AI", True),
    (r"^qwen", "Qwen", "Alibaba", None),
    (r"^(mistral|mixtral|codestral)", "Mistral", "Mistral AI", None),
    (r"^deepseek", "DeepSeek", "DeepSeek", True),
    (r"^gemma", "Gemma", "Google DeepMind", True),
    (r"^yi-", "Yi", "01.AI", True),
    (r"^(glm|chatglm)", "GLM", "Z.ai (Zhipu AI)", None),
    (r"^kimi", "Kimi", "Moonshot", None),
    (r"^ernie", "ERNIE", "Baidu", None),
    (r"^vicuna", "Vicuna", "LMSYS", True),
    (r"^(pythia|gpt-j|gpt-neo)", "EleutherAI", "EleutherAI", True),
    (r"^(gpt|o1|o3|o4)", "GPT", "OpenAI", False),
    (r"^gemini", "Gemini", "Google DeepMind", False),
    (r"^(palm|flan-palm|u-palm)", "PaLM", "Google", False),
    (r"^claude", "Claude", "Anthropic", False),
    (r"^(t5|flan-t5|mt5|ul2|byt5)", "T5", "Google", True),
    (r"^(bert|roberta|deberta|xlm-r|protbert|albert)", "BERT", "various", True),
    (r"^(vit|siglip|clip|internvit|eva)", "Vision encoders", "various", None),
    (r"^(stable diffusion|stable video|sdxl)", "Stable Diffusion", "Stability AI", True),
    (r"^(esm|alphafold)", "Protein models", "various", None),
)
OTHER = "other"


def normalize(name: object) -> str:
    return re.sub(r"\s+", " ", str(name).strip().lower())


def split_bases(value: object) -> list[str]:
    """The base names of one ``base_model`` cell (comma-separated), empty for a blank cell."""
    if value is None or (isinstance(value, float) and np.isnan(value)) or value is pd.NA:
        return []
    return [b.strip() for b in str(value).split(",") if b.strip()]


def family_of(base: str) -> tuple[str, str | None, bool | None]:
    n = normalize(base)
    for pat, fam, dev, ow in FAMILIES:
        if re.search(pat, n):
            return fam, (None if dev == "various" else dev), ow
    return OTHER, None, None


def _orgs(value: object) -> set[str]:
    """The parent families of an organization cell (the one organization rule), normalised."""
    return {normalize(o) for o in organizations(value)}


def _open(access: object) -> bool | None:
    if access in OPEN_WEIGHTS:
        return True
    if access in CLOSED:
        return False
    return None


def derivatives(models: pd.DataFrame) -> pd.DataFrame:
    """One row per (derivative model, base) pair; see the module docstring for the rules.

    Columns: derivative, derivative_organization, derivative_date, year, derivative_open, base, base_match
    ('exact', 'alias' or 'unmatched'), base_model (matched name), base_organization, base_date, base_family,
    base_developer, base_open (True/False/<NA>), base_open_source ('matched-access', 'family-rule', None),
    outside (True/False/<NA>).
    """
    for c in ("name", "organization", "release_date", "access", "base_model"):
        if c not in models.columns:
            raise AnalysisError(f"spillovers need a {c!r} column in the models table (an Epoch export has "
                                "'Base model'; use --data epoch:PATH)")
    pool = representative(models)  # bases are looked up among every version of every model
    by_name = {}
    for r in pool.itertuples(index=False):
        by_name.setdefault(normalize(r.name), r)
    rows = []
    # derivatives: the representative set, one row per model (a dated snapshot naming the previous one as its base,
    # e.g. "GPT-4o (Aug 2024)" on "GPT-4o", is a version, not a model built on another)
    for r in select(models).itertuples(index=False):
        for base in split_bases(r.base_model):
            n = normalize(base)
            hit, how = by_name.get(n), "exact"
            if hit is None and n in ALIASES:
                hit, how = by_name.get(ALIASES[n]), "alias"
            if hit is None:
                how = "unmatched"
            fam, dev, fam_open = family_of(base)
            if hit is not None and _open(hit.access) is not None:
                b_open, src = _open(hit.access), "matched-access"
            elif fam_open is not None:
                b_open, src = fam_open, "family-rule"
            else:
                b_open, src = None, None
            dev_orgs = _orgs(hit.organization) if hit is not None and isinstance(hit.organization, str) else (
                _orgs(dev) if dev else set())
            d_orgs = _orgs(r.organization) if isinstance(r.organization, str) else set()
            outside = (not (dev_orgs & d_orgs)) if dev_orgs and d_orgs else None
            rows.append({
                "derivative": r.name, "derivative_organization": r.organization, "derivative_date": r.release_date,
                "year": r.release_date.year if pd.notna(r.release_date) else pd.NA,
                "derivative_open": _open(r.access), "base": base, "base_match": how,
                "base_model": hit.name if hit is not None else None,
                "base_organization": hit.organization if hit is not None else None,
                "base_date": hit.release_date if hit is not None else pd.NaT, "base_family": fam,
                "base_developer": (hit.organization if hit is not None else dev), "base_open": b_open,
                "base_open_source": src, "outside": outside})
    cols = ["derivative", "derivative_organization", "derivative_date", "year", "derivative_open", "base",
            "base_match", "base_model", "base_organization", "base_date", "base_family", "base_developer",
            "base_open", "base_open_source", "outside"]
    out = pd.DataFrame(rows, columns=cols)
    for c in ("derivative_open", "base_open", "outside"):
        out[c] = out[c].astype("boolean")
    out["year"] = out["year"].astype("Int64")
    return out


def wilson(k: np.ndarray, n: np.ndarray, confidence: float = DEFAULT_CONFIDENCE) -> tuple[np.ndarray, np.ndarray]:
    from statsmodels.stats.proportion import proportion_confint

    lo, hi = proportion_confint(np.asarray(k), np.asarray(n), alpha=1 - check_confidence(confidence), method="wilson")
    return np.asarray(lo, dtype=float), np.asarray(hi, dtype=float)


def spillover_counts(deriv: pd.DataFrame, by: str = "year", confidence: float = DEFAULT_CONFIDENCE) -> TableResult:
    """Counts of notable derivatives per year or per base family (``confidence``: the Wilson level).

    ``by='year'``: one row per year; a derivative counts once: open base if any of its bases is open, closed if
    all are known closed, else unknown. ``by='family'``: one row per base family over (derivative, base) pairs.
    Columns: <by>, n_derivatives, n_open_base, n_closed_base, n_unknown_base, n_outside (open-base derivatives
    from outside the base's developer), n_outside_known, share_outside (of n_outside_known), share_outside_low,
    share_outside_high (Wilson ``level``). Returned in a :class:`~analysis.metrics.result.TableResult` with
    settings level, by and meta n = distinct derivatives, window = their first and last release date, "Wilson
    score".
    """
    level = check_confidence(confidence)
    if by not in ("year", "family"):
        raise UsageError(f"unknown --by {by!r}; use year or family")
    if by == "year":
        d = deriv[deriv["year"].notna()]
        g = d.groupby("derivative", sort=False).agg(
            year=("year", "first"), any_open=("base_open", lambda s: bool((s == True).any())),  # noqa: E712
            all_closed=("base_open", lambda s: bool(s.notna().all() and (s == False).all())),  # noqa: E712
            outside=("outside", lambda s: _outside_of_open(s, d.loc[s.index, "base_open"])))
        g["status"] = np.where(g["any_open"], "open", np.where(g["all_closed"], "closed", "unknown"))
        key, units = "year", g.reset_index()
    else:
        units = deriv.assign(status=deriv["base_open"].map({True: "open", False: "closed"}).fillna("unknown"),
                             family=deriv["base_family"],
                             outside=deriv["outside"].where(deriv["base_open"] == True))  # noqa: E712
        key = "family"
    rows = []
    for k, grp in units.groupby(key, sort=True):
        op = grp[grp["status"] == "open"]
        known = op["outside"].notna()
        rows.append({key: k, "n_derivatives": len(grp), "n_open_base": int((grp["status"] == "open").sum()),
                     "n_closed_base": int((grp["status"] == "closed").sum()),
                     "n_unknown_base": int((grp["status"] == "unknown").sum()),
                     "n_outside": int(op.loc[known, "outside"].astype(bool).sum()), "n_outside_known": int(known.sum())})
    out = pd.DataFrame(rows)
    if out.empty:
        raise AnalysisError("no notable model records a base model in this data")
    n = out["n_outside_known"].to_numpy()
    k = out["n_outside"].to_numpy()
    with np.errstate(invalid="ignore", divide="ignore"):
        out["share_outside"] = np.where(n > 0, k / np.maximum(n, 1), np.nan)
    lo, hi = wilson(k, np.maximum(n, 1), level)
    out["share_outside_low"] = np.where(n > 0, lo, np.nan)
    out["share_outside_high"] = np.where(n > 0, hi, np.nan)
    if by == "family":
        out = out.sort_values(["n_derivatives", "family"], ascending=[False, True]).reset_index(drop=True)
    dates = deriv["derivative_date"].dropna()
    info = meta(int(deriv["derivative"].nunique()), *span(dates), "Wilson score (share outside the base's developer)",
                level)
    return TableResult(table=out, info=info, settings={"level": level, "by": by})


def _outside_of_open(outside: pd.Series, base_open: pd.Series):
    """For one derivative: outside any open base's developer (<NA> if unknown or no open base)."""
    o = outside[base_open == True]  # noqa: E712
    o = o[o.notna()]
    return pd.NA if o.empty else bool(o.astype(bool).any())


@dataclass(frozen=True)
class TimeToDerivative(Result):
    """Months from a base's release to its first notable derivative: per base and the median with its interval."""

    json_rename = {"level": "ci_level", "per_base": "bases"}
    frame_field = "per_base"

    per_base: pd.DataFrame  # base_model, base_family, base_open, base_date, first_derivative, first_date, months
    median_months: float
    median_months_ci: tuple[float, float]
    n: int
    level: float
    n_boot: int
    seed: int

    @property
    def meta(self) -> ResultMeta:
        dates = self.per_base["base_date"] if "base_date" in self.per_base.columns else pd.Series([], dtype=object)
        return meta(self.n, *span(dates),
                    f"bootstrap percentile of the median, {self.n_boot} resamples of base models", self.level)


def median_ci(x: np.ndarray, confidence: float = DEFAULT_CONFIDENCE, n_boot: int = 2000,
              seed: int = 0) -> tuple[float, float]:
    """Percentile bootstrap interval of the median (nan for fewer than 2 values)."""
    x = np.asarray(x, dtype=float)
    if len(x) < 2:
        return float("nan"), float("nan")
    rng = np.random.default_rng(seed)
    boot = np.median(x[rng.integers(0, len(x), (n_boot, len(x)))], axis=1)
    return float(np.quantile(boot, (1 - confidence) / 2)), float(np.quantile(boot, (1 + confidence) / 2))


def time_to_first_derivative(deriv: pd.DataFrame, open_only: bool = True, confidence: float = DEFAULT_CONFIDENCE,
                             n_boot: int = 2000, seed: int = 0) -> TimeToDerivative:
    """Per matched base with a date (open bases only by default): months to its first notable derivative
    (``confidence``: the interval's level).

    Derivatives released before their base (preview fine-tunes, date conventions) give negative months and are
    kept. The median has a percentile bootstrap interval over bases.
    """
    level = check_confidence(confidence)
    d = deriv[deriv["base_model"].notna() & deriv["base_date"].notna() & deriv["derivative_date"].notna()]
    if open_only:
        d = d[d["base_open"] == True]  # noqa: E712
    if d.empty:
        raise AnalysisError("no matched base with a release date and a dated derivative")
    d = d.sort_values(["base_model", "derivative_date", "derivative"])
    first = d.drop_duplicates("base_model")
    per = pd.DataFrame({"base_model": first["base_model"], "base_family": first["base_family"],
                        "base_open": first["base_open"], "base_date": first["base_date"],
                        "first_derivative": first["derivative"], "first_date": first["derivative_date"],
                        "months": (first["derivative_date"] - first["base_date"]).dt.days / DAYS_PER_MONTH,
                        "n_derivatives": first["base_model"].map(d.groupby("base_model").size())})
    per = per.sort_values(["base_date", "base_model"]).reset_index(drop=True)
    x = per["months"].to_numpy(float)
    return TimeToDerivative(per_base=per, median_months=float(np.median(x)),
                            median_months_ci=median_ci(x, level, n_boot, seed), n=len(x), level=level,
                            n_boot=n_boot, seed=seed)


LLAMA3 = re.compile(r"^llama 3(\.[0-9])?[- ]")


def llama3_derivatives(deriv: pd.DataFrame) -> pd.DataFrame:
    """Derivatives of Llama 3, 3.1 and 3.3 (base names 'Llama 3-…', 'Llama 3.1-…', 'Llama 3.3 …'), not 3.2/4."""
    n = deriv["base"].map(normalize)
    hit = n.str.match(LLAMA3) & ~n.str.startswith("llama 3.2")
    return deriv[hit].sort_values(["derivative_date", "derivative"]).reset_index(drop=True)
