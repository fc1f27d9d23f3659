"""Which models a question is asked about: one vocabulary for the CLI, the library and the notebooks.

Everything that decides *which rows count* lives here, once:

* **Subsets** (:data:`SUBSETS`): ``notable`` (every row given: our table and Epoch's notable file are notable
  models), ``frontier`` (top-``top_k`` by training compute at release, see below), ``open`` and ``closed``; plus
  the filters ``domain``, ``organization`` and ``country`` (any entry of a comma-separated cell,
  case-insensitive) and the date window ``since`` / ``until`` (inclusive, on ``release_date``).
* **Open** (:func:`open_flags`): one rule, Epoch AI's accessibility categories in our ``access`` column
  (:data:`analysis.data.tables.OPEN_WEIGHTS` = open; ``api``, ``hosted``, ``unreleased`` = closed; anything else =
  unknown, in neither subset). The openness table (14 dimensions) describes *how* open a release is; it does not
  override ``access`` (it used to in the share and lag code, and the three rules disagreed on three models).
* **Thresholds** (:func:`above_threshold`): strictly *greater than* the threshold, as the EU AI Act says
  (Regulation (EU) 2024/1689, Art. 51(2): "greater than 10^25" floating-point operations); one rule for every count.
* **Frontier** (:func:`frontier_flags`): Epoch AI's definition, in the top ``top_k`` (default 10) by training
  compute among all models released on or before the model's date (:mod:`analysis.metrics.frontier`). Models without a
  disclosed compute cannot be ranked; with ``epoch_flag=True`` (the default) a model Epoch itself marks
  ``frontier_model = yes`` counts as frontier *when its compute is unknown*, labelled ``frontier_basis =
  "epoch-flag"`` (ranked models are labelled ``"compute-rank"``). NB Epoch's flag may use a different k.
* **Organizations** (:func:`organizations`): the ``organization`` cell split on commas outside parentheses, each
  name mapped to its parent family by :data:`ORGANIZATION_PARENTS` (``harmonize=True``, the default; pass
  ``harmonize=False`` for names as written). The same map feeds the concentration (HHI) and the cluster bootstrap
  of trends.
* **Parameters**: ``top_k``, ``confidence`` (default :data:`analysis.constants.DEFAULT_CONFIDENCE` = 0.90,
  validated by :func:`check_confidence` in [0.5, 1)), ``since``, ``until``; bootstrap sizes are capped by
  :func:`check_n_boot` at :data:`MAX_BOOTSTRAP`.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping

import numpy as np
import pandas as pd

from analysis import constants as C
from analysis.data.overlay import representative  # overlay additions are not part of the representative set
from analysis.data.tables import CLOSED, OPEN_WEIGHTS
from analysis.errors import AnalysisError, UsageError
from analysis.metrics.frontier import COMPUTE, as_dates, exclude_models, rank_at_release

SUBSETS = ("notable", "frontier", "open", "closed")

# Largest bootstrap we run: 100,000 resamples keep every interval's Monte Carlo error far below its width and run in
# seconds; larger requests are almost always typos (an extra zero) and would hold the machine for minutes.
MAX_BOOTSTRAP = C.MAX_BOOTSTRAP

# Parent family of an organization, for counting "who" (HHI, organizations above a threshold, cluster bootstrap).
# Sources for the non-obvious merges:
# * Google: Google Brain and DeepMind combined into Google DeepMind, a unit of Google (Google blog, "Announcing
#   Google DeepMind", 2023-04-20; DeepMind had been an Alphabet/Google company since 2014). Google Research and the
#   "Brain Team" byline are Google.
# * Meta: Facebook renamed itself Meta Platforms on 2021-10-28 (Meta newsroom, "Introducing Meta"); FAIR (Facebook
#   AI Research) and Meta AI are its research labs; Meta Superintelligence Labs (2025) is Meta's AI unit.
# * Microsoft Research is Microsoft; Huawei Noah's Ark Lab and Huawei Cloud are Huawei; Alibaba Cloud / Qwen team are
#   Alibaba; Z.ai is the international brand of Zhipu AI (2025); Together Computer = Together AI.
ORGANIZATION_PARENTS: dict[str, str] = {
    "google": "Google", "google deepmind": "Google", "deepmind": "Google", "google brain": "Google",
    "google research": "Google", "brain team": "Google", "google ai": "Google",
    "meta": "Meta", "meta ai": "Meta", "facebook": "Meta", "facebook ai": "Meta", "facebook ai research": "Meta",
    "fair": "Meta", "meta ai (meta superintelligence labs)": "Meta", "meta superintelligence labs": "Meta",
    "microsoft": "Microsoft", "microsoft research": "Microsoft", "microsoft research asia": "Microsoft",
    "huawei": "Huawei", "huawei noah's ark lab": "Huawei", "huawei cloud": "Huawei",
    "alibaba": "Alibaba", "alibaba cloud": "Alibaba", "alibaba group": "Alibaba", "qwen team": "Alibaba",
    "zhipu ai": "Zhipu AI", "z.ai (zhipu ai)": "Zhipu AI", "zhipu ai (z.ai)": "Zhipu AI", "z.ai": "Zhipu AI",
    "together": "Together AI", "together computer": "Together AI", "together ai": "Together AI",
    "amazon": "Amazon", "amazon web services": "Amazon", "aws": "Amazon",
    "nvidia": "NVIDIA", "tencent": "Tencent", "tencent ai lab": "Tencent", "baidu": "Baidu",
    "baidu research": "Baidu", "tsinghua university": "Tsinghua University",
    "tsinghua university (keg)": "Tsinghua University", "stanford university": "Stanford University",
    "stanford university (crfm)": "Stanford University",
}


# --- parameters ----------------------------------------------------------------------------------------------

def check_confidence(confidence: object) -> float:
    """The one validation of a confidence level: a number in [0.5, 1) (default 0.90 everywhere)."""
    try:
        c = float(confidence)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        raise UsageError(f"confidence must be a number between 0.5 and 1, e.g. 0.90; got {confidence!r}") from None
    if not 0.5 <= c < 1:
        raise UsageError(f"confidence must be in [0.5, 1), e.g. 0.90; got {confidence!r}")
    return c


def check_top_k(top_k: object) -> int:
    if isinstance(top_k, bool) or not isinstance(top_k, (int, np.integer)) or top_k < 1:
        raise UsageError(f"top_k must be a positive whole number, got {top_k!r}")
    return int(top_k)


def check_n_boot(n_boot: object, minimum: int = 1) -> int:
    """Bootstrap size: a whole number in [minimum, MAX_BOOTSTRAP]."""
    if isinstance(n_boot, bool) or not isinstance(n_boot, (int, np.integer)) or n_boot < minimum:
        raise UsageError(f"n_boot: need at least {minimum} resamples (a whole number), got {n_boot!r}")
    if n_boot > MAX_BOOTSTRAP:
        raise UsageError(f"n_boot: {n_boot} bootstrap resamples is more than the maximum of {MAX_BOOTSTRAP:,}; "
                         f"{MAX_BOOTSTRAP:,} already makes the Monte Carlo error negligible")
    return int(n_boot)


# --- organizations ---------------------------------------------------------------------------------------------

def check_positive(value: object, what: str) -> float:
    """A finite positive float, else AnalysisError (non-numbers: UsageError)."""
    if isinstance(value, bool):
        raise UsageError(f"{what} must be a number, got {value!r}")
    try:
        v = float(value)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        raise UsageError(f"{what} must be a number, got {value!r}") from None
    if not math.isfinite(v) or v <= 0:
        raise AnalysisError(f"{what} must be a positive finite number, got {value!r}")
    return v


def split_cell(cell: object) -> list[str]:
    """'BigCode (Hugging Face, ServiceNow), Google' -> ['BigCode (Hugging Face, ServiceNow)', 'Google'].

    Commas inside parentheses do not split; missing -> [].
    """
    if cell is None or cell is pd.NA or (isinstance(cell, float) and np.isnan(cell)):
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
    """One string per model: its harmonized organizations joined with ', ' ('' when unknown)."""
    if "organization" not in models.columns:
        return pd.Series("", index=models.index, dtype=object)
    return models["organization"].map(lambda c: ", ".join(organizations(c, harmonize, aliases))).astype(object)


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

def frontier_flags(models: pd.DataFrame, top_k: int = C.FRONTIER_TOP_K, epoch_flag: bool = True) -> pd.DataFrame:
    """Per model: ``frontier`` (bool) and ``frontier_basis`` ('compute-rank', 'epoch-flag' or '').

    Ranked on every row given (before any filter or window): see :mod:`analysis.metrics.frontier`.
    """
    top_k = check_top_k(top_k)
    for c in ("release_date", "training_compute_flop"):
        if c not in models.columns:
            raise AnalysisError(f"the models table has no column {c!r}")
    rank = rank_at_release(models)
    by_rank = (rank <= top_k).fillna(False).astype(bool)
    basis = pd.Series("", index=models.index, dtype=object)
    basis[by_rank] = "compute-rank"
    flag = by_rank.copy()
    if epoch_flag and "frontier_model" in models.columns:
        ep = models["frontier_model"].astype(str).str.strip().str.lower().isin(["yes", "true", "1"])
        extra = ep & models["training_compute_flop"].isna() & models["release_date"].notna()
        flag |= extra
        basis[extra] = "epoch-flag"
    return pd.DataFrame({"frontier": flag, "frontier_basis": basis}, index=models.index)


# --- selection -----------------------------------------------------------------------------------------------------

def _matches(values: pd.Series, wanted: str) -> pd.Series:
    w = wanted.strip().lower()
    return values.map(lambda c: any(p.lower() == w for p in split_cell(c))).astype(bool)


def select(models: pd.DataFrame, subset: str = "notable", *, top_k: int = C.FRONTIER_TOP_K,
           domain: str | None = None, organization: str | None = None, country: str | None = None,
           since: object = None, until: object = None, exclude: Iterable[str] = (), epoch_flag: bool = True,
           harmonize: bool = True) -> pd.DataFrame:
    """Rows of one subset, filtered. The frontier is ranked on all rows (after ``exclude``) before any filter.

    ``organization`` matches the harmonized family too (``organization="Google"`` finds "DeepMind" rows) unless
    ``harmonize=False``. Frontier rows get a ``frontier_basis`` column. ``since``/``until`` filter release dates
    inclusively (rows without a date are dropped only when a window is given).
    """
    if subset not in SUBSETS:
        raise UsageError(f"unknown subset {subset!r}; choose one of {', '.join(SUBSETS)}")
    out = exclude_models(representative(models), exclude)
    if subset == "frontier":
        ff = frontier_flags(out, top_k, epoch_flag)
        out = out.assign(frontier_basis=ff["frontier_basis"])[ff["frontier"]]
    elif subset in ("open", "closed"):
        fl = open_flags(out)
        out = out[(fl == (subset == "open")).fillna(False).astype(bool)]
    for col, wanted in (("domain", domain), ("organization", organization), ("country", country)):
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


def select_subset(df: pd.DataFrame, subset: str = "notable", *, domain: str | None = None,
                  organization: str | None = None, country: str | None = None, top_k: int = C.FRONTIER_TOP_K,
                  exclude: Iterable[str] = ()) -> pd.DataFrame:
    """Rows of one subset (``notable``, ``frontier``, ``open``, ``closed``), optionally filtered.

    Routed to :func:`select` (the one selection vocabulary): the frontier is ranked on the whole
    table (after ``exclude``) *before* the domain/organization/country filter, so "frontier language models" are
    language models in the overall top-k at their release; frontier rows carry ``rank_at_release`` and
    ``frontier_basis``.
    """
    out = select(df, subset, top_k=top_k, domain=domain, organization=organization, country=country,
                 exclude=exclude)
    if subset == "frontier":
        out = out.assign(rank_at_release=rank_at_release(exclude_models(representative(df), exclude), COMPUTE).reindex(out.index))
    return out


def describe_subset(subset: str, domain: str | None = None, top_k: int = C.FRONTIER_TOP_K) -> str:
    """Human phrase: 'frontier language models', 'open-weights models', ..."""
    noun = {"notable": "notable", "frontier": "frontier", "open": "open-weights", "closed": "closed"}[subset]
    words = [noun]
    if domain:
        words.append(domain.replace("-", " "))
    words.append("models")
    phrase = " ".join(words)
    if subset == "frontier" and top_k != C.FRONTIER_TOP_K:
        phrase += f" (top {top_k} at release)"
    return phrase
