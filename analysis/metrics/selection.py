"""Which models a question is asked about: one vocabulary for the CLI, the library and the notebooks.

Everything that decides *which rows count* lives here, once; other modules import it:

* **The representative set** (:func:`select`): counts, shares, trends and concentration run on Epoch AI's models
  (with our corrections), **one row per model**:

  - *overlay additions* (:func:`analysis.data.overlay.representative`: chat fine-tunes, sibling sizes and recent
    releases we added for look-ups, benchmark joins and case studies) are left out unless a caller passes
    ``additions=True``, which only per-model look-ups and case studies do. Adding a row to the overlay can never
    move a representative number;
  - *versions of one model* (:func:`later_versions`) count once, at the first release: rows of the same
    organization family whose names differ only by a trailing release-date qualifier ("GPT-4o (Aug 2024)",
    "GPT-4 (Jun 2023)", "DeepSeek-V3 (Mar 2025)", "GLM-4 (0520)") are the later snapshots of the row without it, or
    of the earliest. Epoch's own ``Base model`` column links most of them (GPT-4o's four dated snapshots each name
    the previous one) but also links fine-tunes (Minerva on PaLM) and misses some (DeepSeek-R1 (May 2025) names
    DeepSeek-V3), so it cannot be the rule; it is the cross-check (tests/test_selection.py). ``versions="all"``
    keeps every row (Epoch's own counting, for reproducing its published figures).
* **Subsets** (:data:`SUBSETS`): ``notable`` (every row given: our table and Epoch's notable file are notable
  models), ``frontier`` (top-``top_k`` by training compute at release, see below), ``open`` and ``closed``; plus
  the filters ``domain``, ``organization`` and ``country`` (any entry of a comma-separated cell,
  case-insensitive) and the date window ``since`` / ``until`` (inclusive, on ``release_date``).
* **Domains** (:func:`domains`, :func:`domain_mask`): a model has every domain Epoch AI lists for it
  ("Multimodal,Language,Vision" is multimodal, language and vision). ``domain="language"`` means *has language
  among its domains* (rule ``"any"``, the default: multimodal language models such as GPT-4, GPT-5, Claude Opus 4
  and Grok 4 included); ``domain_rule="only"`` keeps models whose only domain is ``domain`` ("language only").
  In a file with one domain per row (our curated ``models.csv``), ``multimodal`` implies ``language``: every row
  Epoch AI tags Multimodal also lists Language (103 of 103 in the 2026-01-26 snapshot, 118 of 118 in 2026-07-19;
  checked by tests/test_selection.py).
* **Open** (:func:`open_flags`): one rule, Epoch AI's accessibility categories in our ``access`` column
  (:data:`analysis.data.tables.OPEN_WEIGHTS` = open; ``api``, ``hosted``, ``unreleased`` = closed; anything else =
  unknown, in neither subset). The openness table (14 dimensions) describes *how* open a release is; it does not
  override ``access``.
* **Thresholds** (:func:`above_threshold`): strictly *greater than* the threshold, as the EU AI Act says
  (Regulation (EU) 2024/1689, Art. 51(2): "greater than 10^25" floating-point operations); one rule for every count.
* **Frontier** (:func:`frontier_flags`): Epoch AI's definition, in the top ``top_k`` (default 10) by training
  compute among all models released on or before the model's date (the ranking itself:
  :func:`analysis.metrics.frontier.rank_at_release`), ranked on the representative set after dropping
  :data:`analysis.constants.EPOCH_FRONTIER_OUTLIERS` (AlphaGo Master and AlphaGo Zero, as Sevilla & Roldán 2024
  do before selecting the running top 10): one definition for the headline trend, its sensitivity baseline, the
  data wall, concentration and every frontier count (``exclude`` replaces the outliers; ``exclude=()`` ranks every
  model). Models without a disclosed compute cannot be ranked; with ``epoch_flag=True`` (the default) a model
  Epoch itself marks ``frontier_model = yes`` counts as frontier *when its compute is unknown*, labelled
  ``frontier_basis = "epoch-flag"`` (ranked models are labelled ``"compute-rank"``). NB Epoch's flag may use a
  different k.
* **Organizations** (:func:`organizations`): the ``organization`` cell split on commas outside parentheses, each
  name mapped to its parent family by :data:`ORGANIZATION_PARENTS` (``harmonize=True``, the default; pass
  ``harmonize=False`` for names as written). Every table and figure that names or counts organizations uses it:
  concentration (HHI), organizations above a threshold, frontier organizations and entrants, the leadership
  timeline, version grouping and the cluster bootstrap of trends.
* **Parameters**: ``top_k``, ``confidence`` (default :data:`analysis.constants.DEFAULT_CONFIDENCE` = 0.90,
  validated by :func:`analysis.metrics.vocabulary.check_confidence` in [0.5, 1)), ``since``, ``until``; bootstrap
  sizes are capped by :func:`analysis.metrics.vocabulary.check_n_boot` at :data:`MAX_BOOTSTRAP` (each parameter's one
  definition is in :mod:`analysis.metrics.vocabulary`).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping

import numpy as np
import pandas as pd

from analysis import constants as C
from analysis.data.overlay import representative  # overlay additions are not part of the representative set
from analysis.data.tables import CLOSED, OPEN_WEIGHTS
from analysis.errors import AnalysisError, UsageError
from analysis.metrics.frontier import as_dates, exclude_models, rank_at_release
from analysis.metrics.vocabulary import (  # the parameters' one definition; imported here by older callers
    SUBSETS,
    check_domain_rule,
    check_top_k,
)

VERSION_RULES = ("first", "all")

# Largest bootstrap we run: 100,000 resamples keep every interval's Monte Carlo error far below its width and run in
# seconds; larger requests are almost always typos (an extra zero) and would hold the machine for minutes.
MAX_BOOTSTRAP = C.MAX_BOOTSTRAP

# Parent family of an organization, for counting "who" (HHI, organizations above a threshold, frontier
# organizations and entrants, the leadership timeline, version grouping, the cluster bootstrap). Keys are lower-case
# names as Epoch AI and our curated file write them; names not listed are their own family. Sources:
# * Google: Google Brain (a team of Google Research) and DeepMind (acquired by Google in 2014) combined into Google
#   DeepMind, a unit of Google (Google blog, "Announcing Google DeepMind", 2023-04-20; 9to5Google, 2023-04-20).
#   Google Research, Google Cloud, Google AI and the "Brain Team" byline are Google. Isomorphic Labs is an Alphabet
#   company outside Google and stays its own family.
# * Meta: Facebook renamed itself Meta Platforms on 2021-10-28 (Meta newsroom, "Introducing Meta"; AP, 2021-10-28);
#   FAIR (Facebook AI Research), Facebook AI and Meta AI are its research labs; Meta Superintelligence Labs (2025)
#   is Meta's AI unit.
# * Microsoft Research and Microsoft Research Asia are Microsoft; Huawei Noah's Ark Lab and Huawei Cloud are
#   Huawei; Alibaba Cloud, Alibaba Group, the Qwen team and the DAMO Academy (Alibaba's research institute, founded
#   2017-10-11; Xinhua/GMW, 2017-10-12) are Alibaba. Ant Group, an affiliate Alibaba does not control, stays its own.
# * LG AI Research is the AI research institute of LG Group (LG, 2020-12-07; Yonhap); Salesforce Research,
#   Intel Labs, Samsung R&D Institute Russia, Baidu Research, Tencent AI Lab and Amazon Web Services are research or
#   cloud units of the company named; Cohere For AI (now Cohere Labs) is Cohere's research lab.
# * Z.ai is the international name of Zhipu AI since 2025 (SCMP via AdvancedAINews, "Z.ai, formerly known as Zhipu
#   AI"); Together Computer = Together AI; Moonshot = Moonshot AI; Thinking Machines = Thinking Machines Lab.
# * Collaborations written with their members in parentheses are one organization under their own name: BigCode
#   ("a community project jointly led by Hugging Face and ServiceNow", BigCode governance card), OpenBMB, LLM360.
# * Spellings of one institution: Carnegie Mellon University (CMU), New York University (NYU), INRIA/Inria,
#   University College London (UCL), UC Berkeley (BAIR) = University of California (UC) Berkeley, Shanghai AI Lab(oratory),
#   Allen Institute for AI (Ai2), Tsinghua University (KEG), Stanford University (CRFM), Jacobs University (Bremen),
#   Meituan (Inc), Xiaomi (Corp).
ORGANIZATION_PARENTS: dict[str, str] = {
    "google": "Google", "google deepmind": "Google", "deepmind": "Google", "google brain": "Google",
    "google research": "Google", "brain team": "Google", "google ai": "Google", "google cloud": "Google",
    "meta": "Meta", "meta ai": "Meta", "facebook": "Meta", "facebook ai": "Meta", "facebook ai research": "Meta",
    "fair": "Meta", "meta ai (meta superintelligence labs)": "Meta", "meta superintelligence labs": "Meta",
    "microsoft": "Microsoft", "microsoft research": "Microsoft", "microsoft research asia": "Microsoft",
    "huawei": "Huawei", "huawei noah's ark lab": "Huawei", "huawei cloud": "Huawei",
    "alibaba": "Alibaba", "alibaba cloud": "Alibaba", "alibaba group": "Alibaba", "qwen team": "Alibaba",
    "alibaba damo academy": "Alibaba",
    "zhipu ai": "Zhipu AI", "z.ai (zhipu ai)": "Zhipu AI", "zhipu ai (z.ai)": "Zhipu AI", "z.ai": "Zhipu AI",
    "together": "Together AI", "together computer": "Together AI", "together ai": "Together AI",
    "amazon": "Amazon", "amazon web services": "Amazon", "aws": "Amazon",
    "nvidia": "NVIDIA", "tencent": "Tencent", "tencent ai lab": "Tencent", "baidu": "Baidu",
    "baidu research": "Baidu", "lg": "LG", "lg ai research": "LG", "salesforce": "Salesforce",
    "salesforce research": "Salesforce", "intel": "Intel", "intel labs": "Intel", "samsung": "Samsung",
    "samsung r&d institute russia": "Samsung", "cohere": "Cohere", "cohere for ai": "Cohere",
    "cohere labs": "Cohere", "moonshot": "Moonshot AI", "moonshot ai": "Moonshot AI",
    "thinking machines": "Thinking Machines Lab", "thinking machines lab": "Thinking Machines Lab",
    "bigcode (hugging face, servicenow)": "BigCode", "bigcode (hugging face, servicenow, nvidia)": "BigCode",
    "bigcode": "BigCode", "openbmb (tsinghua university, modelbest)": "OpenBMB",
    "llm360 (mbzuai, petuum, et al.)": "LLM360",
    "tsinghua university": "Tsinghua University", "tsinghua university (keg)": "Tsinghua University",
    "stanford university": "Stanford University", "stanford university (crfm)": "Stanford University",
    "carnegie mellon university": "Carnegie Mellon University (CMU)",
    "new york university": "New York University (NYU)", "inria": "INRIA",
    "university college london": "University College London (UCL)",
    "uc berkeley (bair)": "University of California (UC) Berkeley",
    "shanghai ai laboratory": "Shanghai AI Lab", "allen institute for ai (ai2)": "Allen Institute for AI",
    "jacobs university bremen": "Jacobs University", "meituan inc": "Meituan", "xiaomi corp": "Xiaomi",
}

# --- parameters ----------------------------------------------------------------------------------------------

# --- organizations ---------------------------------------------------------------------------------------------

def _missing(cell: object) -> bool:
    return cell is None or cell is pd.NA or (isinstance(cell, float) and np.isnan(cell))


def split_cell(cell: object) -> list[str]:
    """'BigCode (Hugging Face, ServiceNow), Google' -> ['BigCode (Hugging Face, ServiceNow)', 'Google'].

    Commas inside parentheses do not split; missing -> []. The one way a multi-valued cell (organization, domain,
    country) is split.
    """
    if _missing(cell):
        return []
    out, depth, cur = [], 0, []
    for ch in str(cell):
        if ch == "(":
            depth += 1
        elif ch == ")":
            depth = max(depth - 1, 0)
        if ch == "," and depth == 0:
            out.append("".join(cur).strip())
            cur = []
        else:
            cur.append(ch)
    out.append("".join(cur).strip())
    return [p for p in out if p]


def parent_organization(name: str, harmonize: bool = True, aliases: Mapping[str, str] | None = None) -> str:
    """The family an organization name belongs to (``aliases`` first, then :data:`ORGANIZATION_PARENTS`)."""
    name = name.strip()
    if aliases and name in aliases:
        return aliases[name]
    if not harmonize:
        return name
    return ORGANIZATION_PARENTS.get(name.lower(), name)


def organizations(cell: object, harmonize: bool = True, aliases: Mapping[str, str] | None = None) -> list[str]:
    """Distinct (harmonized) organizations of one ``organization`` cell, order kept."""
    out: list[str] = []
    for part in split_cell(cell):
        p = parent_organization(part, harmonize, aliases)
        if p not in out:
            out.append(p)
    return out


def organization_key(models: pd.DataFrame, harmonize: bool = True,
                     aliases: Mapping[str, str] | None = None) -> pd.Series:
    """One label per model: its (harmonized) organizations joined with ', ' ('' when unknown); how tables name the
    developer of a model (the leadership timeline, versions)."""
    if "organization" not in models.columns:
        return pd.Series("", index=models.index, dtype=object)
    return models["organization"].map(lambda c: ", ".join(organizations(c, harmonize, aliases))).astype(object)


# --- domains -------------------------------------------------------------------------------------------------------

# A domain a row's other domain implies, where a file has one domain per row (see the module docstring).
DOMAIN_IMPLIES = {"multimodal": "language"}


def domains(cell: object) -> list[str]:
    """The domains of one ``domain`` cell, lower-case, order kept: 'Multimodal,Language,Vision' ->
    ['multimodal', 'language', 'vision']; 'multimodal' alone -> ['multimodal', 'language'] (:data:`DOMAIN_IMPLIES`)."""
    out: list[str] = []
    for part in split_cell(cell):
        p = part.lower()
        if p not in out:
            out.append(p)
    for have, implied in DOMAIN_IMPLIES.items():
        if have in out and implied not in out:
            out.append(implied)
    return out


def domain_mask(models: pd.DataFrame, domain: str, rule: str = "any") -> pd.Series:
    """True where a model has ``domain`` among its domains (``rule="any"``) or as its only one (``"only"``)."""
    rule = check_domain_rule(rule)
    if "domain" not in models.columns:
        raise AnalysisError("the models table has no domain column")
    want = str(domain).strip().lower()
    if not want:
        raise UsageError("--domain needs a non-empty value")
    if rule == "any":
        return models["domain"].map(lambda c: want in domains(c)).astype(bool)
    return models["domain"].map(lambda c: domains(c) == [want]).astype(bool)


def describe_domain(domain: str, rule: str = "any") -> str:
    """'language models (domain includes language; multimodal included)' / 'language-only models'."""
    d = str(domain).strip().lower().replace("-", " ")
    if check_domain_rule(rule) == "only":
        return f"{d}-only models (no other domain)"
    extra = "; multimodal included" if d == "language" else ""
    return f"{d} models (domains include {d}{extra})"


def groups_of(column: str):
    """How a cell of ``column`` splits into the groups a model belongs to (tables by group): every domain it lists,
    the parent family of each organization, else the comma-separated entries."""
    return {"domain": domains, "organization": organizations}.get(column, split_cell)


# --- versions ------------------------------------------------------------------------------------------------------

# A trailing qualifier that dates a snapshot of a model: "(Mar 2025)", "(March 2025)", "(2024-08-06)", "(2024-08)",
# "(0520)" (month and day). A bare year such as "(2017)" is not one: Epoch uses it to tell apart different models of
# the same name (DeepLab (2017) is DeepLab v2, not a snapshot of DeepLab).
_MONTHS = "jan|feb|mar|apr|may|jun|jul|aug|sep|sept|oct|nov|dec"
_VERSION_QUALIFIER = re.compile(
    rf"\s*\((?:(?:{_MONTHS})[a-z]*\.?\s+\d{{4}}|\d{{4}}-\d{{2}}(?:-\d{{2}})?|(?:0[1-9]|1[0-2])(?:0[1-9]|[12]\d|3[01]))\)\s*$",
    re.IGNORECASE)


def version_stem(name: object) -> str:
    """The model name without a trailing release-date qualifier: 'GPT-4o (Aug 2024)' -> 'GPT-4o'."""
    return "" if _missing(name) else _VERSION_QUALIFIER.sub("", str(name).strip()).strip()


def later_versions(models: pd.DataFrame) -> pd.DataFrame:
    """The rows that are later versions of a model also in ``models``, with ``version_of`` (the first version's id
    or name): the rows :func:`select` leaves out. Versions are rows of one organization family whose names share the
    stem, at least one of them carrying a release-date qualifier (rows of the same name without one are not told
    apart); the first version is the earliest release (ties: file order). Only names that share a stem with a dated
    name are looked at further (linear in the rows, vectorized)."""
    empty = models.iloc[0:0].assign(version_of=pd.Series(dtype=object))
    if not len(models) or "name" not in models.columns:
        return empty
    names = [n.strip() if isinstance(n, str) else "" for n in models["name"].tolist()]
    dated_at = [i for i, n in enumerate(names) if n.endswith(")") and _VERSION_QUALIFIER.search(n)]
    if not dated_at:
        return empty
    stem_list = [n.lower() for n in names]
    for i in dated_at:
        stem_list[i] = version_stem(names[i]).lower()
    dated_stems = {stem_list[i] for i in dated_at}
    cand = pd.Series([st in dated_stems for st in stem_list], index=models.index)
    dated = pd.Series(False, index=models.index)
    dated.iloc[dated_at] = True
    stems = pd.Series(stem_list, index=models.index, dtype=object)
    sub = models[cand]
    key = (organization_key(sub) + "|" + stems[cand]).astype(object)
    grouped = key.isin(set(key[dated[cand]]))
    dates = as_dates(sub["release_date"]) if "release_date" in sub.columns else pd.Series(pd.NaT, sub.index)
    order = pd.DataFrame({"k": key, "d": dates, "pos": np.flatnonzero(cand.to_numpy())}, index=sub.index)[grouped]
    order = order.sort_values(["k", "d", "pos"], kind="mergesort", na_position="last")
    first = order.groupby("k", sort=False).head(1)
    label = sub["id"] if "id" in sub.columns else sub["name"]
    first_of = pd.Series(label.loc[first.index].to_numpy(), index=first["k"].to_numpy())
    out = sub[grouped & ~sub.index.isin(first.index)]
    return out.assign(version_of=key.loc[out.index].map(first_of))


def drop_later_versions(models: pd.DataFrame) -> pd.DataFrame:
    """``models`` with each model's later versions removed (see :func:`later_versions`), order kept."""
    later = later_versions(models)
    return models if later.empty else models.drop(index=later.index)


# --- open / closed, thresholds -----------------------------------------------------------------------------------

def open_flags(models: pd.DataFrame) -> pd.Series:
    """Boolean per model from ``access``: True = open weights, False = closed, <NA> = unknown (the one rule)."""
    if "access" not in models.columns:
        raise AnalysisError("the models table has no access column: open and closed cannot be told apart")
    acc = models["access"]
    out = pd.Series(pd.NA, index=models.index, dtype="boolean")
    out[acc.isin(OPEN_WEIGHTS)] = True
    out[acc.isin(CLOSED)] = False
    return out


def above_threshold(values: pd.Series | np.ndarray | float, threshold: float = C.EU_AI_ACT_SYSTEMIC_RISK_FLOP):
    """Strictly greater than ``threshold`` (EU AI Act Art. 51(2): "greater than 10^25"); NaN is never above."""
    return np.asarray(values, dtype=float) > float(threshold) if not np.isscalar(values) else float(values) > threshold


# --- frontier ------------------------------------------------------------------------------------------------------

def frontier_exclusions(exclude: Iterable[str] | None) -> tuple[str, ...]:
    """The models left out of the frontier ranking: ``None`` = the default outliers
    (:data:`analysis.constants.EPOCH_FRONTIER_OUTLIERS`), else exactly ``exclude``."""
    return tuple(C.EPOCH_FRONTIER_OUTLIERS if exclude is None else exclude)


def frontier_flags(models: pd.DataFrame, top_k: int = C.FRONTIER_TOP_K, epoch_flag: bool = True,
                   exclude: Iterable[str] | None = ()) -> pd.DataFrame:
    """Per model: ``frontier`` (bool), ``frontier_basis`` ('compute-rank', 'epoch-flag' or '') and
    ``rank_at_release`` (NaN where unranked), ranked on every row given except ``exclude`` (never frontier). This
    function ranks what it is given; :func:`select` gives it the representative set (one row per model, no
    additions) without the default outliers."""
    top_k = check_top_k(top_k)
    for c in ("release_date", "training_compute_flop"):
        if c not in models.columns:
            raise AnalysisError(f"the models table has no column {c!r}")
    ranked = exclude_models(models, frontier_exclusions(exclude))
    rank = rank_at_release(ranked).reindex(models.index)
    by_rank = (rank <= top_k).fillna(False).astype(bool)
    basis = pd.Series("", index=models.index, dtype=object)
    basis[by_rank] = "compute-rank"
    flag = by_rank.copy()
    if epoch_flag and "frontier_model" in models.columns:
        ep = models["frontier_model"].astype(str).str.strip().str.lower().isin(["yes", "true", "1"])
        extra = ep & models["training_compute_flop"].isna() & models["release_date"].notna()
        extra &= models.index.isin(ranked.index)
        flag |= extra
        basis[extra] = "epoch-flag"
    return pd.DataFrame({"frontier": flag, "frontier_basis": basis, "rank_at_release": rank}, index=models.index)


# --- selection -----------------------------------------------------------------------------------------------------

def _matches(values: pd.Series, wanted: str) -> pd.Series:
    w = wanted.strip().lower()
    return values.map(lambda c: any(p.lower() == w for p in split_cell(c))).astype(bool)


def universe(models: pd.DataFrame, *, additions: bool = False, versions: str = "first") -> pd.DataFrame:
    """The rows every count starts from: without overlay additions (unless ``additions``), one row per model
    (``versions="first"``; ``"all"`` keeps every version)."""
    if versions not in VERSION_RULES:
        raise UsageError(f"unknown versions rule {versions!r}; choose first (one row per model) or all")
    out = models if additions else representative(models)
    return drop_later_versions(out) if versions == "first" else out


def frontier_view(models: pd.DataFrame, top_k: int = C.FRONTIER_TOP_K, *, exclude: Iterable[str] | None = None,
                  epoch_flag: bool = True, additions: bool = False, versions: str = "first") -> pd.DataFrame:
    """The representative set (:func:`universe`, without ``exclude`` when a list is given) with the columns of
    :func:`frontier_flags`: for a figure that draws every model and marks the frontier ones. Its ``frontier``
    rows are exactly ``select(models, "frontier", ...)``."""
    out = universe(models, additions=additions, versions=versions)
    if exclude is not None:
        out = exclude_models(out, exclude)
    ff = frontier_flags(out, top_k, epoch_flag, exclude=None if exclude is None else ())
    return out.assign(frontier=ff["frontier"], frontier_basis=ff["frontier_basis"],
                      rank_at_release=ff["rank_at_release"])


def select(models: pd.DataFrame, subset: str = "notable", *, top_k: int = C.FRONTIER_TOP_K,
           domain: str | None = None, domain_rule: str = "any", organization: str | None = None,
           country: str | None = None, since: object = None, until: object = None,
           exclude: Iterable[str] | None = None, epoch_flag: bool = True, harmonize: bool = True,
           additions: bool = False, versions: str = "first") -> pd.DataFrame:
    """Rows of one subset of the representative set (:func:`universe`), filtered.

    The frontier is ranked on all rows of the universe before any filter, without ``exclude`` (None: the default
    outliers, for the frontier only; a list: dropped from every subset); frontier rows carry ``frontier_basis`` and
    ``rank_at_release``. ``domain`` with ``domain_rule`` (:func:`domain_mask`); ``organization`` matches the
    harmonized family too (``organization="Google"`` finds "DeepMind" rows) unless ``harmonize=False``.
    ``since``/``until`` filter release dates inclusively (rows without a date are dropped only when a window is
    given). ``additions=True`` (look-ups and case studies only) keeps overlay additions.
    """
    if subset not in SUBSETS:
        raise UsageError(f"unknown subset {subset!r}; choose one of {', '.join(SUBSETS)}")
    if subset == "frontier":
        out = frontier_view(models, top_k, exclude=exclude, epoch_flag=epoch_flag, additions=additions,
                            versions=versions)
        out = out[out["frontier"]].drop(columns="frontier")
    else:
        out = universe(models, additions=additions, versions=versions)
        if exclude is not None:
            out = exclude_models(out, exclude)
    if subset in ("open", "closed"):
        fl = open_flags(out)
        out = out[(fl == (subset == "open")).fillna(False).astype(bool)]
    if domain is not None:
        out = out[domain_mask(out, domain, domain_rule)]
    for col, wanted in (("organization", organization), ("country", country)):
        if wanted is None:
            continue
        if col not in out.columns:
            raise AnalysisError(f"the models table has no {col} column")
        if not str(wanted).strip():
            raise UsageError(f"--{col} needs a non-empty value")
        m = _matches(out[col], wanted)
        if col == "organization" and harmonize:
            fam = parent_organization(str(wanted), True)
            m |= out[col].map(lambda c, fam=fam: fam in organizations(c, True)).astype(bool)
        out = out[m]
    if since is not None or until is not None:
        d = as_dates(out["release_date"])
        keep = d.notna()
        if since is not None:
            keep &= d >= pd.Timestamp(since)
        if until is not None:
            keep &= d <= pd.Timestamp(until)
        out = out[keep]
    return out


def describe_subset(subset: str, domain: str | None = None, top_k: int = C.FRONTIER_TOP_K,
                    domain_rule: str = "any") -> str:
    """Human phrase: 'frontier language models (domains include language; multimodal included)', 'open-weights
    models', 'notable language-only models (no other domain)' ..."""
    noun = {"notable": "notable", "frontier": "frontier", "open": "open-weights", "closed": "closed"}[subset]
    phrase = f"{noun} {describe_domain(domain, domain_rule)}" if domain else f"{noun} models"
    if subset == "frontier" and top_k != C.FRONTIER_TOP_K:
        phrase += f" (top {top_k} at release)"
    return phrase
