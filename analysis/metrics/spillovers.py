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

**Interval of the share outside** (:func:`spillover_counts`, :func:`outside_share`): derivatives come in
organization clusters (the derivative's parent families, the open share's rule,
:func:`analysis.metrics.openness.organization_clusters`; a derivative without a known organization is its own
cluster), and one organization's derivatives are alike (a lab that fine-tunes others' bases does so again). The
default interval (``method="organizations"``) is the open share's: Wilson at the effective n of those clusters
(:func:`analysis.metrics.openness.clustered_share_interval`); ``method="wilson"`` treats derivatives as independent.
Coverage of both, measured in simulation: :data:`OUTSIDE_MEASURED_COVERAGE`.
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
from analysis.metrics.openness import (
    BINOMIAL_INTERVALS,
    DEFAULT_SHARE_METHOD,
    check_share_method,
    coverage_at,
    organization_clusters,
    share_interval,
)
from analysis.metrics.result import Result, ResultMeta, TableResult, meta, span
from analysis.metrics.selection import organizations, select
from analysis.metrics.vocabulary import check_confidence

# Coverage of the nominal 90% share-outside intervals, measured (tests/test_intervals.py; python
# tools/interval_coverage.py spillovers). Each simulated table is a set of open-base derivatives from Zipf-sized
# organizations, like the pinned notable export (82 derivatives with a known developer, 67 organization clusters, the
# largest with 5; 59 outside, 72%; intra-class correlation of "outside" by organization 0.45) and like its largest
# year and more concentrated tables; "organization-dependent": each organization's propensity to build outside drawn
# from a Beta with mean p and intra-class correlation 0.45; "independent": every derivative outside with
# probability p. 400 tables per set-up.
OUTSIDE_MEASURED_COVERAGE = {
    "organizations": {"independent": (0.88, 0.97), "organization-dependent": (0.905, 0.92)},
    "wilson": {"independent": (0.877, 0.926), "organization-dependent": (0.547, 0.863)},  # independent: exact
}


def measured_coverage(method: str, confidence: float) -> dict[str, list[float]] | None:
    """The share-outside interval's measured coverage (:data:`OUTSIDE_MEASURED_COVERAGE`) for ``method`` at the
    level it was measured at; None otherwise (a coverage not measured is not stated)."""
    return coverage_at(OUTSIDE_MEASURED_COVERAGE, method, confidence)


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


def outside_clusters(units: pd.DataFrame) -> pd.Series:
    """Organization cluster of each derivative row (``derivative``, ``derivative_organization``): its parent families
    (:func:`analysis.metrics.openness.organization_clusters`, the open share's rule); a derivative without a known
    organization is its own cluster (all rows of one derivative in the same one)."""
    c = organization_clusters(pd.DataFrame({"organization": units["derivative_organization"]}, index=units.index))
    alone = c.str.startswith("model:")
    return c.where(~alone, "derivative:" + units["derivative"].astype(str)).astype(object)


def _per_derivative(deriv: pd.DataFrame) -> pd.DataFrame:
    """One row per dated derivative: year, organization, status (open if any base is open, closed if all are known
    closed, else unknown) and outside (outside the developer of any of its open bases; <NA> if that is unknown for
    every open base, or no base is open)."""
    d = deriv[deriv["year"].notna()]
    is_open = (d["base_open"] == True).fillna(False).astype(bool)  # noqa: E712
    is_closed = (d["base_open"] == False).fillna(False).astype(bool)  # noqa: E712
    out = d["outside"].where(is_open)
    g = pd.DataFrame({"derivative": d["derivative"], "year": d["year"],
                      "derivative_organization": d["derivative_organization"], "any_open": is_open,
                      "all_closed": is_closed, "known": out.notna(), "hit": out.fillna(False).astype(bool)}
                     ).groupby("derivative", sort=False)
    u = g.agg(year=("year", "first"), derivative_organization=("derivative_organization", "first"),
              any_open=("any_open", "any"), all_closed=("all_closed", "all"), known=("known", "any"),
              hit=("hit", "any"))
    u["status"] = np.where(u["any_open"], "open", np.where(u["all_closed"], "closed", "unknown"))
    u["outside"] = u["hit"].astype("boolean").where(u["known"], pd.NA)
    return u.drop(columns=["any_open", "all_closed", "known", "hit"]).reset_index()


def _outside_cell(grp: pd.DataFrame, method: str, level: float) -> dict:
    """Counts and the share-outside interval of one cell of units (``status``, ``outside``, ``cluster``)."""
    op = grp[grp["status"] == "open"]
    kn = op[op["outside"].notna()]
    hit = kn["outside"].astype(bool)
    lo, hi, n_eff = share_interval(hit, kn["cluster"], method, level)
    return {"n_derivatives": len(grp), "n_open_base": len(op),
            "n_closed_base": int((grp["status"] == "closed").sum()),
            "n_unknown_base": int((grp["status"] == "unknown").sum()),
            "n_outside": int(hit.sum()), "n_outside_known": len(kn),
            "share_outside": float(hit.mean()) if len(kn) else np.nan, "share_outside_low": lo,
            "share_outside_high": hi, "n_outside_orgs": int(kn["cluster"].nunique()), "n_outside_eff": n_eff}


def _interval_kind(method: str) -> str:
    return f"{BINOMIAL_INTERVALS[method]} (share outside the base's developer)"


def spillover_counts(deriv: pd.DataFrame, by: str = "year", confidence: float = DEFAULT_CONFIDENCE,
                     method: str = DEFAULT_SHARE_METHOD) -> TableResult:
    """Counts of notable derivatives per year or per base family, and the share built outside the base's developer
    with its interval at ``confidence``.

    ``by='year'``: one row per year; a derivative counts once: open base if any of its bases is open, closed if
    all are known closed, else unknown. ``by='family'``: one row per base family over (derivative, base) pairs.
    ``method``: the share intervals' vocabulary (:data:`analysis.metrics.openness.CI_METHODS`): ``organizations``
    (default; Wilson at the effective n of the derivatives' organization clusters, parent families, as for the open
    share: one organization's derivatives are alike, e.g. a lab that fine-tunes only others' bases), or the binomial
    ``wilson`` / ``clopper-pearson``, which treat derivatives as independent (coverage of each:
    :data:`OUTSIDE_MEASURED_COVERAGE`).
    Columns: <by>, n_derivatives, n_open_base, n_closed_base, n_unknown_base, n_outside (open-base derivatives
    from outside the base's developer), n_outside_known, share_outside (of n_outside_known), share_outside_low,
    share_outside_high, n_outside_orgs (organization clusters among the n_outside_known), n_outside_eff (effective
    number of independent derivatives behind the interval; n_outside_known for the binomial methods). Returned in a
    :class:`~analysis.metrics.result.TableResult` with settings level, by, method and meta n = distinct
    derivatives, window = their first and last release date, the interval's kind.
    """
    level = check_confidence(confidence)
    check_share_method(method)
    if by not in ("year", "family"):
        raise UsageError(f"unknown --by {by!r}; use year or family")
    if by == "year":
        units = _per_derivative(deriv)
    else:
        units = deriv.assign(status=deriv["base_open"].map({True: "open", False: "closed"}).fillna("unknown"),
                             family=deriv["base_family"],
                             outside=deriv["outside"].where(deriv["base_open"] == True))  # noqa: E712
    units = units.assign(cluster=outside_clusters(units))
    rows = [{by: k, **_outside_cell(grp, method, level)} for k, grp in units.groupby(by, sort=True)]
    out = pd.DataFrame(rows)
    if out.empty:
        raise AnalysisError("no notable model records a base model in this data")
    if by == "family":
        out = out.sort_values(["n_derivatives", "family"], ascending=[False, True]).reset_index(drop=True)
    dates = deriv["derivative_date"].dropna()
    info = meta(int(deriv["derivative"].nunique()), *span(dates), _interval_kind(method), level)
    return TableResult(table=out, info=info, settings={"level": level, "by": by, "method": method})


def outside_share(deriv: pd.DataFrame, confidence: float = DEFAULT_CONFIDENCE,
                  method: str = DEFAULT_SHARE_METHOD) -> TableResult:
    """All dated derivatives pooled (each once, as in ``spillover_counts(by='year')``): one row with the columns of
    :func:`spillover_counts` but the key, the share outside the base's developer and its interval (``method``)."""
    level = check_confidence(confidence)
    check_share_method(method)
    units = _per_derivative(deriv)
    if units.empty:
        raise AnalysisError("no dated notable model records a base model in this data")
    units = units.assign(cluster=outside_clusters(units))
    dates = deriv["derivative_date"].dropna()
    info = meta(int(deriv["derivative"].nunique()), *span(dates), _interval_kind(method), level)
    return TableResult(table=pd.DataFrame([_outside_cell(units, method, level)]), info=info,
                       settings={"level": level, "method": method})


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
