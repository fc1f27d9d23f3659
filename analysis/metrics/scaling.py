"""Scaling laws and data requirements: Chinchilla loss, compute-optimal allocation, data needs, the data wall.

Everything here is a pure function of its inputs; published constants come from :mod:`analysis.constants`
("Scaling laws and compute accounting" section), where each has its source.

**Loss.** ``L(N, D) = E + A / N**alpha + B / D**beta`` (Hoffmann et al. 2022, eq. 2) with a selectable published
fit (:data:`FITS`):

* ``hoffmann-2022``: the constants printed in the paper (E=1.69, A=406.4, B=410.7, alpha=0.34, beta=0.28);
* ``hoffmann-2022-tex``: the less-rounded exponents of the paper's arXiv TeX source (alpha=0.3392, beta=0.2849).
  Only these reproduce the paper's own approach-3 results (a=0.46, b=0.54 in Table 2; a 40B-parameter optimum at
  the Gopher budget, Fig. 4); the rounded exponents give a=0.45 and 32B. Approach ``hoffmann-3`` therefore uses
  this fit (Besiroglu et al. 2024 trace the discrepancy to the rounding);
* ``besiroglu-2024``: the refit of Besiroglu et al. 2024 ("Chinchilla Scaling: A replication attempt",
  E=1.8172, A=482.01, B=2085.43, alpha=0.3478, beta=0.3658), with uncertainty (below).

**Compute-optimal allocation** for a budget ``C`` (``C = 6 N D``), per approach (:data:`APPROACHES`):

* ``hoffmann-1`` / ``hoffmann-2``: the paper gives exponents (Table 2) and projections (Table 3 for approach 1,
  Table A3 for approach 2) but no coefficients. We fit ``log10 N = log10 k + a log10 C`` by least squares to the
  published projection rows, which reproduces every row to within its printed rounding (tests) and gives
  a = 0.498 (approach 1; Table 2: 0.50, 10th-90th pct. 0.488-0.502) and a = 0.490 (approach 2; Table 2: 0.49);
  then ``D = C / (6 N)``. These approaches define no loss function.
* parametric fits (``hoffmann-3`` = ``hoffmann-2022-tex``, ``besiroglu-2024``): the closed-form optimum of
  Hoffmann et al. eq. 4: ``G = (alpha A / (beta B))**(1/(alpha+beta))``, ``N* = G (C/6)**a``,
  ``D* = G**-1 (C/6)**b``, ``a = beta/(alpha+beta)``, ``b = alpha/(alpha+beta)``.

**Uncertainty** (``besiroglu-2024`` only): Monte Carlo over the parameters, ``theta = (ln A, ln B, ln E, alpha,
beta)`` ~ multivariate normal, centred on the published estimates, with the covariance of a bootstrap refit of
Besiroglu et al.'s released data (:data:`analysis.constants.BESIROGLU_2024_THETA_COV`, derivation documented
there); fixed ``seed`` (default 0) and ``n_samples`` (default 4000): identical input gives identical output.
Intervals are equal-tailed percentiles at ``confidence`` (default 0.90, as elsewhere in the toolkit). Draws for
which a target loss is unreachable count as an infinite requirement (an unbounded upper end, reported as such).
Hoffmann et al. published no usable uncertainty for the coefficients (only 10th-90th percentiles of the
exponents, reported with each result as ``exponent_a_ci``), so their approaches give point values.

**Other questions**: tokens needed to reach a target loss at a given size (:func:`tokens_for_loss`), the
compute-optimal model for a target loss (:func:`compute_optimal_for_loss`), over-training of real models
(:func:`overtraining`), the inference-aware optimum of Sardana et al. 2024 (:func:`inference_optimal`), the value
of repeated data (Muennighoff et al. 2023; :func:`effective_data`, :func:`repeated_data_table`) and the data wall
(:func:`data_wall`: the trend of frontier language models' training-set sizes against Villalobos et al. 2024's
estimated stock of public human text).
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, field
from functools import lru_cache

import numpy as np
import pandas as pd
from scipy import optimize, stats

from analysis import constants as C
from analysis.errors import AnalysisError, UsageError
from analysis.metrics import trends
from analysis.metrics.selection import check_positive

APPROACHES = ("hoffmann-1", "hoffmann-2", "hoffmann-3", "besiroglu-2024")
DEFAULT_APPROACH = "besiroglu-2024"
DEFAULT_SAMPLES = 4000
FLOP_PER_PARAM_TOKEN = 6.0  # C = 6 N D (Kaplan et al. 2020; Hoffmann et al. 2022, Appendix F)

# --- numbers ---------------------------------------------------------------------------------------------------


def _check_confidence(confidence: float) -> float:
    try:
        c = float(confidence)
    except (TypeError, ValueError):
        raise UsageError(f"confidence must be a number between 0 and 1, got {confidence!r}") from None
    if not 0 < c < 1:
        raise UsageError(f"confidence must be between 0 and 1 (e.g. 0.9), got {confidence!r}")
    return c


def _check_samples(n_samples: int) -> int:
    if isinstance(n_samples, bool) or not isinstance(n_samples, (int, np.integer)) or n_samples < 100:
        raise UsageError(f"n_samples must be a whole number >= 100, got {n_samples!r}")
    return int(n_samples)


def _interval(samples: np.ndarray, confidence: float) -> tuple[float, float]:
    """Equal-tailed percentile interval; +inf entries (impossible requests) sort last, so they can bound it."""
    s = np.sort(np.asarray(samples, dtype=float))
    s = s[~np.isnan(s)]
    if s.size == 0:
        return (math.nan, math.nan)
    alpha = 1 - confidence
    lo = float(np.quantile(s, alpha / 2, method="inverted_cdf"))
    hi = float(np.quantile(s, 1 - alpha / 2, method="inverted_cdf"))
    return (lo, hi)


# --- fits ------------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class ParametricFit:
    """One published fit of ``L(N, D) = E + A/N**alpha + B/D**beta`` (natural-log loss, N parameters, D tokens)."""

    name: str
    E: float
    A: float
    B: float
    alpha: float
    beta: float
    source: str
    theta_cov: tuple[tuple[float, ...], ...] | None = None  # cov of (ln A, ln B, ln E, alpha, beta), if known

    @property
    def a(self) -> float:
        """Exponent of N* in C: ``beta / (alpha + beta)``."""
        return self.beta / (self.alpha + self.beta)

    @property
    def b(self) -> float:
        """Exponent of D* in C: ``alpha / (alpha + beta)``."""
        return self.alpha / (self.alpha + self.beta)

    @property
    def G(self) -> float:
        return (self.alpha * self.A / (self.beta * self.B)) ** (1.0 / (self.alpha + self.beta))

    @property
    def has_uncertainty(self) -> bool:
        return self.theta_cov is not None

    def loss(self, params: float, tokens: float) -> float:
        return float(self.E + self.A / params ** self.alpha + self.B / tokens ** self.beta)

    def params_array(self) -> dict[str, np.ndarray]:
        """The point estimate as 1-element arrays (same shape as Monte Carlo draws)."""
        return {k: np.array([getattr(self, k)], dtype=float) for k in ("E", "A", "B", "alpha", "beta")}

    def draws(self, n_samples: int = DEFAULT_SAMPLES, seed: int = 0) -> dict[str, np.ndarray]:
        """Monte Carlo parameter draws (multivariate normal in ``(ln A, ln B, ln E, alpha, beta)``)."""
        if self.theta_cov is None:
            raise AnalysisError(f"fit {self.name} has no published uncertainty to sample from")
        n = _check_samples(n_samples)
        mean = (math.log(self.A), math.log(self.B), math.log(self.E), self.alpha, self.beta)
        return _draws(mean, tuple(tuple(float(v) for v in row) for row in self.theta_cov), n, int(seed))

    def to_dict(self) -> dict:
        return {"fit": self.name, "E": self.E, "A": self.A, "B": self.B, "alpha": self.alpha, "beta": self.beta,
                "a": self.a, "b": self.b, "G": self.G, "source": self.source}


def _fit_from(name: str, d: dict, source: str, cov=None) -> ParametricFit:
    return ParametricFit(name=name, E=d["E"], A=d["A"], B=d["B"], alpha=d["alpha"], beta=d["beta"], source=source,
                         theta_cov=cov)


FITS: dict[str, ParametricFit] = {
    "hoffmann-2022": _fit_from("hoffmann-2022", C.HOFFMANN_2022_FIT,
                               "Hoffmann et al. 2022, arXiv:2203.15556, eq. 10 (constants as printed)"),
    "hoffmann-2022-tex": _fit_from("hoffmann-2022-tex", C.HOFFMANN_2022_TEX_FIT,
                                   "Hoffmann et al. 2022, arXiv TeX source exponents (per Besiroglu et al. 2024)"),
    "besiroglu-2024": _fit_from("besiroglu-2024", C.BESIROGLU_2024_FIT,
                                "Besiroglu et al. 2024, 'Chinchilla Scaling: A replication attempt', arXiv:2404.10102",
                                C.BESIROGLU_2024_THETA_COV),
}
# which parametric fit each parametric approach uses
APPROACH_FIT = {"hoffmann-3": "hoffmann-2022-tex", "besiroglu-2024": "besiroglu-2024"}


def get_fit(fit: str | ParametricFit) -> ParametricFit:
    """A fit by name (``hoffmann-2022``, ``hoffmann-2022-tex``, ``besiroglu-2024``), or an approach name."""
    if isinstance(fit, ParametricFit):
        return fit
    name = APPROACH_FIT.get(fit, fit)
    if name not in FITS:
        choices = ", ".join(list(FITS) + ["hoffmann-3"])
        if fit in ("hoffmann-1", "hoffmann-2"):
            raise UsageError(f"approach {fit} has no loss function (Hoffmann et al. fitted only N*(C) there); "
                             f"use hoffmann-3 or besiroglu-2024")
        raise UsageError(f"unknown scaling-law fit {fit!r}; choose one of {choices}")
    return FITS[name]


@lru_cache(maxsize=16)
def _draws(mean: tuple[float, ...], cov: tuple[tuple[float, ...], ...], n: int, seed: int) -> dict[str, np.ndarray]:
    """Cached draws of (A, B, E, alpha, beta) from a normal in (ln A, ln B, ln E, alpha, beta); read-only arrays."""
    rng = np.random.default_rng(seed)
    th = rng.multivariate_normal(np.array(mean), np.array(cov, dtype=float), size=n, method="cholesky")
    out = {"A": np.exp(th[:, 0]), "B": np.exp(th[:, 1]), "E": np.exp(th[:, 2]), "alpha": th[:, 3], "beta": th[:, 4]}
    # exponents must stay positive for the law to make sense (never binding at the published s.e., kept as a guard)
    ok = (out["alpha"] > 0) & (out["beta"] > 0)
    for k in out:
        out[k] = out[k][ok]
        out[k].setflags(write=False)
    return out


def loss(params: float, tokens: float, fit: str | ParametricFit = "hoffmann-2022") -> float:
    """Predicted loss ``E + A/N**alpha + B/D**beta`` (nats/token on the fit's data) for N params, D tokens."""
    f = get_fit(fit)
    return f.loss(check_positive(params, "params"), check_positive(tokens, "tokens"))


# --- closed forms (vectorised over parameter draws) -------------------------------------------------------------


def _opt_from_compute(p: dict[str, np.ndarray], compute: float):
    al, be = p["alpha"], p["beta"]
    G = (al * p["A"] / (be * p["B"])) ** (1.0 / (al + be))
    x = compute / FLOP_PER_PARAM_TOKEN
    n = G * x ** (be / (al + be))
    d = x ** (al / (al + be)) / G
    return n, d


def _loss_arr(p: dict[str, np.ndarray], n, d):
    return p["E"] + p["A"] / n ** p["alpha"] + p["B"] / d ** p["beta"]


def _opt_from_params(p: dict[str, np.ndarray], params: float):
    al, be = p["alpha"], p["beta"]
    G = (al * p["A"] / (be * p["B"])) ** (1.0 / (al + be))
    x = (params / G) ** ((al + be) / be)  # C/6
    d = x / params
    return x * FLOP_PER_PARAM_TOKEN, d


def _tokens_for_loss_arr(p: dict[str, np.ndarray], target: float, params: float):
    gap = target - p["E"] - p["A"] / params ** p["alpha"]
    with np.errstate(divide="ignore", invalid="ignore"):
        d = np.where(gap > 0, (p["B"] / np.where(gap > 0, gap, 1.0)) ** (1.0 / p["beta"]), np.inf)
    return d


def _opt_for_loss_arr(p: dict[str, np.ndarray], target: float):
    """Compute-optimal (C, N, D) reaching ``target``: on the frontier L*(C) = E + K (C/6)**-gamma."""
    al, be = p["alpha"], p["beta"]
    G = (al * p["A"] / (be * p["B"])) ** (1.0 / (al + be))
    K = p["A"] * G ** (-al) + p["B"] * G ** be
    gamma = al * be / (al + be)
    gap = target - p["E"]
    with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
        x = np.where(gap > 0, (K / np.where(gap > 0, gap, 1.0)) ** (1.0 / gamma), np.inf)
        n = G * x ** (be / (al + be))
        d = x ** (al / (al + be)) / G
    return x * FLOP_PER_PARAM_TOKEN, n, d


# --- power-law approaches (Hoffmann approaches 1 and 2) --------------------------------------------------------


@dataclass(frozen=True)
class PowerLaw:
    """``N*(C) = 10**log10_k * C**a``, fitted to published projection rows (N, C, D)."""

    name: str
    a: float
    log10_k: float
    rows: tuple[tuple[float, float, float], ...]
    exponent_a_published: float
    exponent_a_ci: tuple[float, float]  # published 10th-90th percentiles (Hoffmann et al. Table 2)
    source: str

    @property
    def b(self) -> float:
        return 1.0 - self.a  # from C = 6 N D

    def params(self, compute: float) -> float:
        return 10.0 ** (self.log10_k + self.a * math.log10(compute))

    def compute_for_params(self, params: float) -> float:
        return 10.0 ** ((math.log10(params) - self.log10_k) / self.a)


def _power_law(name: str, rows, table2, source: str) -> PowerLaw:
    arr = np.array(rows, dtype=float)
    x, y = np.log10(arr[:, 1]), np.log10(arr[:, 0])
    a, k = np.polyfit(x, y, 1)
    return PowerLaw(name=name, a=float(a), log10_k=float(k), rows=tuple(map(tuple, rows)),
                    exponent_a_published=table2[0], exponent_a_ci=tuple(table2[1]), source=source)


POWER_LAWS: dict[str, PowerLaw] = {
    "hoffmann-1": _power_law("hoffmann-1", C.HOFFMANN_2022_TABLE3, C.HOFFMANN_2022_TABLE2["hoffmann-1"],
                             "least-squares fit to Hoffmann et al. 2022 Table 3 (approach 1 projections)"),
    "hoffmann-2": _power_law("hoffmann-2", C.HOFFMANN_2022_TABLE_A3_APPROACH2, C.HOFFMANN_2022_TABLE2["hoffmann-2"],
                             "least-squares fit to Hoffmann et al. 2022 Table A3 (approach 2 projections)"),
}


def check_approach(approach: str) -> str:
    if approach not in APPROACHES:
        raise UsageError(f"unknown approach {approach!r}; choose one of {', '.join(APPROACHES)}")
    return approach


# --- results ---------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Allocation:
    """A model size / data / compute triple answering one question under one approach.

    ``question``: 'compute' (optimum for a budget), 'params' (compute-optimal data for a size), 'target-loss'
    (compute-optimal model reaching a loss), 'target-loss+params' (data a given size needs to reach a loss).
    ``intervals``: ``(name, low, high)`` at ``confidence`` (Monte Carlo; ``besiroglu-2024`` only); an infinite
    upper end means some parameter draws make the request impossible.
    """

    approach: str
    question: str
    params: float
    tokens: float
    compute_flop: float
    loss: float | None
    exponent_a: float
    exponent_b: float
    method: str
    intervals: tuple[tuple[str, float, float], ...] = ()
    confidence: float | None = None
    n_samples: int | None = None
    seed: int | None = None
    exponent_a_ci: tuple[float, float] | None = None  # published 10th-90th percentiles (Hoffmann Table 2)
    notes: tuple[str, ...] = ()

    @property
    def tokens_per_param(self) -> float:
        return self.tokens / self.params

    def ci(self, name: str) -> tuple[float, float] | None:
        for n, lo, hi in self.intervals:
            if n == name:
                return (lo, hi)
        return None

    def to_dict(self) -> dict:
        d: dict = {"approach": self.approach, "question": self.question, "params": self.params,
                   "tokens": self.tokens, "compute_flop": self.compute_flop, "tokens_per_param": self.tokens_per_param}
        if self.loss is not None:
            d["loss"] = self.loss
        for name, lo, hi in self.intervals:
            d[f"{name}_ci"] = [lo, hi]
        d.update({"exponent_a": self.exponent_a, "exponent_b": self.exponent_b})
        if self.exponent_a_ci is not None:
            d["exponent_a_ci"] = list(self.exponent_a_ci)
        d.update({"confidence": self.confidence, "method": self.method, "n_samples": self.n_samples,
                  "seed": self.seed, "notes": list(self.notes)})
        return d


def _mc_intervals(pairs: Sequence[tuple[str, np.ndarray]], confidence: float) -> tuple[tuple[str, float, float], ...]:
    out = []
    for name, arr in pairs:
        lo, hi = _interval(arr, confidence)
        out.append((name, lo, hi))
    return tuple(out)


def _unbounded_note(arr: np.ndarray, what: str) -> tuple[str, ...]:
    frac = float(np.mean(~np.isfinite(arr)))
    if frac > 0:
        return (f"{frac:.1%} of parameter draws cannot reach the target loss ({what}); an infinite interval end "
                f"means the request may be impossible",)
    return ()


def _parametric_method(fit: ParametricFit, mc: bool, n: int | None) -> str:
    base = f"closed-form optimum of the parametric loss ({fit.name})"
    return base + (f"; interval: Monte Carlo over the fit's parameter uncertainty ({n} draws)" if mc else "")


def _power_law_allocation(approach: str, question: str, params: float, compute_flop: float) -> Allocation:
    """An allocation under one of Hoffmann et al.'s power laws (approaches 1-2): no interval, only their exponent
    percentiles."""
    pl = POWER_LAWS[approach]
    return Allocation(approach=approach, question=question, params=params,
                      tokens=compute_flop / (FLOP_PER_PARAM_TOKEN * params), compute_flop=compute_flop, loss=None,
                      exponent_a=pl.a, exponent_b=pl.b, method=pl.source, exponent_a_ci=pl.exponent_a_ci,
                      notes=("no interval: Hoffmann et al. published percentiles of the exponent only",))


def compute_optimal(compute_flop: float, approach: str = DEFAULT_APPROACH, *,
                    confidence: float = C.DEFAULT_CONFIDENCE, n_samples: int = DEFAULT_SAMPLES,
                    seed: int = 0) -> Allocation:
    """Compute-optimal parameters and tokens for a training budget of ``compute_flop`` FLOP (C = 6ND)."""
    c = check_positive(compute_flop, "compute")
    check_approach(approach)
    confidence = _check_confidence(confidence)
    if approach in POWER_LAWS:
        pl = POWER_LAWS[approach]
        return _power_law_allocation(approach, "compute", pl.params(c), c)
    fit = get_fit(approach)
    n, d = _opt_from_compute(fit.params_array(), c)
    n, d = float(n[0]), float(d[0])
    lo = float(_loss_arr(fit.params_array(), n, d)[0])
    kw = _uncertainty_kw(fit, confidence, n_samples, seed)
    intervals: tuple = ()
    if fit.has_uncertainty:
        p = fit.draws(n_samples, seed)
        nn, dd = _opt_from_compute(p, c)
        intervals = _mc_intervals([("params", nn), ("tokens", dd), ("tokens_per_param", dd / nn),
                                   ("loss", _loss_arr(p, nn, dd))], confidence)
    return Allocation(approach=approach, question="compute", params=n, tokens=d, compute_flop=c, loss=lo,
                      exponent_a=fit.a, exponent_b=fit.b, method=_parametric_method(fit, fit.has_uncertainty,
                                                                                    kw["n_samples"]),
                      intervals=intervals, exponent_a_ci=_table2_ci(approach), **kw)


def _table2_ci(approach: str) -> tuple[float, float] | None:
    t = C.HOFFMANN_2022_TABLE2.get(approach)
    return tuple(t[1]) if t else None


def _uncertainty_kw(fit: ParametricFit, confidence: float, n_samples: int, seed: int) -> dict:
    if fit.has_uncertainty:
        return {"confidence": confidence, "n_samples": _check_samples(n_samples), "seed": int(seed)}
    return {"confidence": None, "n_samples": None, "seed": None}


def allocation_for_params(params: float, approach: str = DEFAULT_APPROACH, *,
                          confidence: float = C.DEFAULT_CONFIDENCE, n_samples: int = DEFAULT_SAMPLES,
                          seed: int = 0) -> Allocation:
    """Compute-optimal training for a model of ``params`` parameters: its tokens and compute (Hoffmann Table 3)."""
    n = check_positive(params, "params")
    check_approach(approach)
    confidence = _check_confidence(confidence)
    if approach in POWER_LAWS:
        pl = POWER_LAWS[approach]
        return _power_law_allocation(approach, "params", n, pl.compute_for_params(n))
    fit = get_fit(approach)
    c, d = _opt_from_params(fit.params_array(), n)
    c, d = float(c[0]), float(d[0])
    kw = _uncertainty_kw(fit, confidence, n_samples, seed)
    intervals: tuple = ()
    if fit.has_uncertainty:
        p = fit.draws(n_samples, seed)
        cc, dd = _opt_from_params(p, n)
        intervals = _mc_intervals([("tokens", dd), ("compute_flop", cc), ("tokens_per_param", dd / n),
                                   ("loss", _loss_arr(p, n, dd))], confidence)
    return Allocation(approach=approach, question="params", params=n, tokens=d, compute_flop=c,
                      loss=fit.loss(n, d), exponent_a=fit.a, exponent_b=fit.b,
                      method=_parametric_method(fit, fit.has_uncertainty, kw["n_samples"]), intervals=intervals,
                      exponent_a_ci=_table2_ci(approach), **kw)


def min_loss_at_params(params: float, fit: str | ParametricFit = DEFAULT_APPROACH) -> float:
    """The loss floor of a model with ``params`` parameters and unlimited data: ``E + A / N**alpha``."""
    f = get_fit(fit)
    n = check_positive(params, "params")
    return f.E + f.A / n ** f.alpha


def tokens_for_loss(target_loss: float, params: float, fit: str | ParametricFit = DEFAULT_APPROACH, *,
                    confidence: float = C.DEFAULT_CONFIDENCE, n_samples: int = DEFAULT_SAMPLES,
                    seed: int = 0) -> Allocation:
    """Training tokens a model of ``params`` parameters needs to reach ``target_loss``.

    Solves ``E + A/N**alpha + B/D**beta = L`` for D. Raises AnalysisError when the target is unreachable at that
    size (``L <= E + A/N**alpha``: even infinite data leaves the model above the target).
    """
    f = get_fit(fit)
    L = check_positive(target_loss, "target loss")
    n = check_positive(params, "params")
    confidence = _check_confidence(confidence)
    floor = f.E + f.A / n ** f.alpha
    if L <= floor:
        raise AnalysisError(f"target loss {L:g} is unreachable with {n:.3g} parameters under {f.name}: even "
                            f"infinite data leaves the loss at E + A/N^alpha = {floor:.4f}; choose a larger model or "
                            f"a target above {floor:.4f}")
    d = float(_tokens_for_loss_arr(f.params_array(), L, n)[0])
    approach = next((k for k, v in APPROACH_FIT.items() if v == f.name), f.name)
    kw = _uncertainty_kw(f, confidence, n_samples, seed)
    intervals: tuple = ()
    notes: tuple = ()
    if f.has_uncertainty:
        p = f.draws(n_samples, seed)
        dd = _tokens_for_loss_arr(p, L, n)
        intervals = _mc_intervals([("tokens", dd), ("compute_flop", FLOP_PER_PARAM_TOKEN * n * dd),
                                   ("tokens_per_param", dd / n)], confidence)
        notes = _unbounded_note(dd, f"at {n:.3g} parameters")
    return Allocation(approach=approach, question="target-loss+params", params=n, tokens=d,
                      compute_flop=FLOP_PER_PARAM_TOKEN * n * d, loss=L, exponent_a=f.a, exponent_b=f.b,
                      method=f"parametric loss solved for D ({f.name})" + (
                          f"; interval: Monte Carlo ({kw['n_samples']} draws)" if f.has_uncertainty else ""),
                      intervals=intervals, exponent_a_ci=_table2_ci(approach), notes=notes, **kw)


def compute_optimal_for_loss(target_loss: float, fit: str | ParametricFit = DEFAULT_APPROACH, *,
                             confidence: float = C.DEFAULT_CONFIDENCE, n_samples: int = DEFAULT_SAMPLES,
                             seed: int = 0) -> Allocation:
    """The cheapest (compute-optimal) model reaching ``target_loss``: its size, tokens and compute.

    On the compute-optimal frontier the loss is ``E + K (C/6)**-gamma`` with ``gamma = alpha beta/(alpha+beta)``
    and ``K = A G**-alpha + B G**beta``; inverting gives C, then N* and D*. Unreachable (AnalysisError) when the
    target is at or below the irreducible loss E.
    """
    f = get_fit(fit)
    L = check_positive(target_loss, "target loss")
    confidence = _check_confidence(confidence)
    if L <= f.E:
        raise AnalysisError(f"target loss {L:g} is unreachable under {f.name}: it is at or below the irreducible "
                            f"loss E = {f.E:g}")
    c, n, d = (float(v[0]) for v in _opt_for_loss_arr(f.params_array(), L))
    approach = next((k for k, v in APPROACH_FIT.items() if v == f.name), f.name)
    kw = _uncertainty_kw(f, confidence, n_samples, seed)
    intervals: tuple = ()
    notes: tuple = ()
    if f.has_uncertainty:
        p = f.draws(n_samples, seed)
        cc, nn, dd = _opt_for_loss_arr(p, L)
        with np.errstate(invalid="ignore"):
            ratio = np.where(np.isfinite(dd), dd / nn, np.inf)
        intervals = _mc_intervals([("params", nn), ("tokens", dd), ("compute_flop", cc), ("tokens_per_param", ratio)],
                                  confidence)
        notes = _unbounded_note(cc, "target at or below the drawn irreducible loss E")
    return Allocation(approach=approach, question="target-loss", params=n, tokens=d, compute_flop=c, loss=L,
                      exponent_a=f.a, exponent_b=f.b,
                      method=_parametric_method(f, f.has_uncertainty, kw["n_samples"]), intervals=intervals,
                      exponent_a_ci=_table2_ci(approach), notes=notes, **kw)


def optimal_table(computes: Sequence[float] = (1e21, 1e22, 1e23, 1e24, 1e25, 1e26, 1e27),
                  approaches: Sequence[str] = APPROACHES, **kw) -> pd.DataFrame:
    """Tidy table (approach x budget) of compute-optimal N*, D*, D*/N* and loss, with intervals where known."""
    rows = []
    for ap in approaches:
        for c in computes:
            a = compute_optimal(c, ap, **kw)
            row = {"approach": ap, "compute_flop": a.compute_flop, "params": a.params, "tokens": a.tokens,
                   "tokens_per_param": a.tokens_per_param, "loss": a.loss}
            for name in ("params", "tokens", "tokens_per_param", "loss"):
                ci = a.ci(name)
                row[f"{name}_low"], row[f"{name}_high"] = ci if ci else (math.nan, math.nan)
            row["confidence"] = a.confidence
            rows.append(row)
    return pd.DataFrame(rows)


# --- over-training ---------------------------------------------------------------------------------------------


def overtraining(models: pd.DataFrame, approach: str = DEFAULT_APPROACH, *,
                 confidence: float = C.DEFAULT_CONFIDENCE, n_samples: int = DEFAULT_SAMPLES,
                 seed: int = 0) -> pd.DataFrame:
    """Tokens per parameter of every model with parameters and training tokens, against the compute-optimal ratio.

    N is ``active_parameters`` where given (MoE), else ``parameters``; the model's budget is taken as 6·N·D and
    the compute-optimal ratio D*/N* is evaluated at that budget. ``overtraining_factor`` = (D/N) / (D*/N*):
    1 = Chinchilla-optimal, >1 = trained past it (smaller model, more data). Intervals (``*_low``/``*_high``)
    for ``besiroglu-2024``. Rows lacking N or D are left out; their count is in ``df.attrs['n_skipped']``.
    """
    check_approach(approach)
    confidence = _check_confidence(confidence)
    if not isinstance(models, pd.DataFrame):
        raise UsageError("models must be a pandas DataFrame")
    need = ["parameters", "training_tokens"]
    missing = [c for c in need if c not in models.columns]
    if missing:
        raise AnalysisError(f"models table lacks column(s) {', '.join(missing)}")
    params = pd.to_numeric(models["parameters"], errors="coerce")
    if "active_parameters" in models.columns:
        active = pd.to_numeric(models["active_parameters"], errors="coerce")
        used = active.where(active.notna() & (active > 0), params)
    else:
        used = params
    tokens = pd.to_numeric(models["training_tokens"], errors="coerce")
    ok = used.notna() & tokens.notna() & (used > 0) & (tokens > 0)
    rows = []
    pl = POWER_LAWS.get(approach)
    fit = None if pl else get_fit(approach)
    draws = fit.draws(n_samples, seed) if fit is not None and fit.has_uncertainty else None
    for idx in models.index[ok]:
        n, d = float(used[idx]), float(tokens[idx])
        c = FLOP_PER_PARAM_TOKEN * n * d
        if pl is not None:
            nopt = pl.params(c)
            r_opt = c / (FLOP_PER_PARAM_TOKEN * nopt * nopt)
            lo = hi = math.nan
        else:
            nn, dd = _opt_from_compute(fit.params_array(), c)
            r_opt = float(dd[0] / nn[0])
            if draws is not None:
                nn, dd = _opt_from_compute(draws, c)
                lo, hi = _interval(dd / nn, confidence)
            else:
                lo = hi = math.nan
        tpp = d / n
        row = {"id": models.at[idx, "id"] if "id" in models.columns else idx}
        for col in ("name", "organization", "release_date", "architecture"):
            if col in models.columns:
                row[col] = models.at[idx, col]
        row.update({"parameters": float(params[idx]) if pd.notna(params[idx]) else math.nan, "params_used": n,
                    "training_tokens": d, "compute_6nd": c, "tokens_per_param": tpp,
                    "optimal_tokens_per_param": r_opt, "optimal_tokens_per_param_low": lo,
                    "optimal_tokens_per_param_high": hi, "overtraining_factor": tpp / r_opt,
                    # a higher optimal ratio means a smaller over-training factor, hence the swap
                    "overtraining_factor_low": tpp / hi if hi == hi else math.nan,
                    "overtraining_factor_high": tpp / lo if lo == lo else math.nan,
                    "approach": approach})
        rows.append(row)
    out = pd.DataFrame(rows)
    out.attrs["n_skipped"] = int((~ok).sum())
    out.attrs["confidence"] = confidence if draws is not None else None
    return out


# --- inference-aware optimum (Sardana et al. 2024) -------------------------------------------------------------


@dataclass(frozen=True)
class InferenceOptimum:
    """Model minimising lifetime compute ``6 N D + 2 N D_inf`` at a fixed loss (Sardana et al. 2024)."""

    fit: str
    target_loss: float
    inference_tokens: float
    params: float
    tokens: float
    train_flop: float
    inference_flop: float
    chinchilla_params: float
    chinchilla_tokens: float
    chinchilla_total_flop: float
    notes: tuple[str, ...] = ()

    @property
    def total_flop(self) -> float:
        return self.train_flop + self.inference_flop

    @property
    def tokens_per_param(self) -> float:
        return self.tokens / self.params

    @property
    def flop_saved(self) -> float:
        return self.chinchilla_total_flop - self.total_flop

    @property
    def fraction_saved(self) -> float:
        return self.flop_saved / self.chinchilla_total_flop

    def to_dict(self) -> dict:
        return {"fit": self.fit, "target_loss": self.target_loss, "inference_tokens": self.inference_tokens,
                "params": self.params, "tokens": self.tokens, "tokens_per_param": self.tokens_per_param,
                "train_flop": self.train_flop, "inference_flop": self.inference_flop, "total_flop": self.total_flop,
                "chinchilla_params": self.chinchilla_params, "chinchilla_tokens": self.chinchilla_tokens,
                "chinchilla_total_flop": self.chinchilla_total_flop, "flop_saved": self.flop_saved,
                "fraction_saved": self.fraction_saved, "notes": list(self.notes)}


def inference_optimal(inference_tokens: float, *, target_loss: float | None = None,
                      reference_params: float | None = None, fit: str | ParametricFit = C.SARDANA_2024_DEFAULT_FIT
                      ) -> InferenceOptimum:
    """Size and training tokens minimising training + inference compute at a target loss.

    Minimises ``6 N D(N) + 2 N D_inf`` over N, where D(N) reaches the target loss (Sardana et al. 2024, eq. 2 with
    the 2N FLOP/token inference cost). The target is ``target_loss``, or the loss of the Chinchilla-optimal model
    with ``reference_params`` parameters ("a 13B-Chinchilla-quality model"). With ``inference_tokens = 0`` this is
    the compute-optimal model for the target. Compared with training that Chinchilla-optimal model and serving it.
    Default fit ``hoffmann-2022-tex`` (:data:`analysis.constants.SARDANA_2024_DEFAULT_FIT`): Hoffmann et al.'s
    constants with the precise exponents alpha = 0.3392, beta = 0.2849, the only variant that reproduces Sardana et
    al.'s Fig. 1 (a 7B model saving 17%); the rounded printed exponents (``hoffmann-2022``) give 8.0B and 10%.
    """
    f = get_fit(fit)
    if isinstance(inference_tokens, bool):
        raise UsageError("inference_tokens must be a number")
    try:
        d_inf = float(inference_tokens)
    except (TypeError, ValueError):
        raise UsageError(f"inference_tokens must be a number, got {inference_tokens!r}") from None
    if not math.isfinite(d_inf) or d_inf < 0:
        raise AnalysisError(f"inference_tokens must be >= 0 and finite, got {inference_tokens!r}")
    if (target_loss is None) == (reference_params is None):
        raise UsageError("give exactly one of target_loss or reference_params")
    if reference_params is not None:
        n_ref = check_positive(reference_params, "reference params")
        _, d_ref = (float(v[0]) for v in _opt_from_params(f.params_array(), n_ref))
        L = f.loss(n_ref, d_ref)
    else:
        L = check_positive(target_loss, "target loss")
    if L <= f.E:
        raise AnalysisError(f"target loss {L:g} is unreachable under {f.name}: at or below E = {f.E:g}")
    p = f.params_array()
    c0, n0, d0 = (float(v[0]) for v in _opt_for_loss_arr(p, L))
    n_min = (f.A / (L - f.E)) ** (1.0 / f.alpha)

    def tokens(n: float) -> float:
        return float(_tokens_for_loss_arr(p, L, n)[0])

    def total(u: float) -> float:
        n = math.exp(u)
        return math.log(FLOP_PER_PARAM_TOKEN * n * tokens(n) + 2.0 * n * d_inf)

    if d_inf == 0:
        n_opt = n0
    else:
        lo = math.log(n_min) + 1e-9
        hi = math.log(n0) + 1e-6  # inference cost only ever pushes the optimum below the Chinchilla size
        res = optimize.minimize_scalar(total, bounds=(lo, hi), method="bounded",
                                       options={"xatol": 1e-10, "maxiter": 500})
        n_opt = float(math.exp(res.x))
    d_opt = tokens(n_opt)
    return InferenceOptimum(
        fit=f.name, target_loss=L, inference_tokens=d_inf, params=n_opt, tokens=d_opt,
        train_flop=FLOP_PER_PARAM_TOKEN * n_opt * d_opt, inference_flop=2.0 * n_opt * d_inf,
        chinchilla_params=n0, chinchilla_tokens=d0, chinchilla_total_flop=c0 + 2.0 * n0 * d_inf,
        notes=("point estimate: Sardana et al. give no uncertainty; the optimum inherits the fit's",))


# --- data-constrained scaling (Muennighoff et al. 2023) --------------------------------------------------------


def effective_data(unique_tokens: float, epochs: float, r_star: float = C.MUENNIGHOFF_2023_R_STAR_D) -> float:
    """Effective data ``D' = U + U R* (1 - exp(-R/R*))`` for ``epochs`` passes over ``unique_tokens`` (R = epochs-1).

    Muennighoff et al. 2023, eq. 5: repeated tokens are worth less; as epochs grow D' tends to ``U (1 + R*)``.
    """
    u = check_positive(unique_tokens, "unique tokens")
    e = check_positive(epochs, "epochs")
    rs = check_positive(r_star, "R*")
    if e < 1:
        raise AnalysisError(f"epochs must be >= 1 (one pass over the unique data), got {epochs!r}")
    r = e - 1.0
    return u + u * rs * (1.0 - math.exp(-r / rs))


def effective_params(unique_params: float, params: float, r_star: float = C.MUENNIGHOFF_2023_R_STAR_N) -> float:
    """Effective parameters ``N' = U_N + U_N R*_N (1 - exp(-R_N/R*_N))``, ``R_N = N/U_N - 1`` (Muennighoff eq. 5).

    ``unique_params`` (U_N) is the compute-optimal size for the unique data; parameters beyond it are discounted.
    """
    un = check_positive(unique_params, "unique params")
    n = check_positive(params, "params")
    rs = check_positive(r_star, "R*_N")
    if n < un:
        return n
    rn = n / un - 1.0
    return un + un * rs * (1.0 - math.exp(-rn / rs))


def repeated_data_table(unique_tokens: float, epochs: Sequence[float] = (1, 2, 4, 8, 16, 32, 64),
                        r_star: float = C.MUENNIGHOFF_2023_R_STAR_D) -> pd.DataFrame:
    """The value of repeated epochs: tokens seen, effective tokens, their ratio and the worth of the last epoch.

    ``marginal_value`` = dD'/d(epochs) / U = exp(-(epochs-1)/R*): the value of one more pass relative to fresh data.
    """
    u = check_positive(unique_tokens, "unique tokens")
    rows = []
    for e in epochs:
        eff = effective_data(u, e, r_star)
        seen = u * float(e)
        rows.append({"epochs": float(e), "tokens_seen": seen, "effective_tokens": eff,
                     "effective_fraction": eff / seen, "marginal_value": math.exp(-(float(e) - 1.0) / r_star),
                     "r_star": r_star})
    return pd.DataFrame(rows)


# --- the data wall (Villalobos et al. 2024) --------------------------------------------------------------------


def stock_log10_sd(stock_ci: tuple[float, float] = C.VILLALOBOS_2024_STOCK_CI,
                   level: float = C.VILLALOBOS_2024_STOCK_CI_LEVEL) -> float:
    """Log10 s.d. of a lognormal whose central ``level`` interval is ``stock_ci`` (width / 2z)."""
    lo, hi = (check_positive(v, "stock interval bound") for v in stock_ci)
    if hi <= lo:
        raise AnalysisError(f"stock interval must be increasing, got {stock_ci!r}")
    z = stats.norm.ppf(0.5 + level / 2)
    return (math.log10(hi) - math.log10(lo)) / (2 * z)


@dataclass(frozen=True)
class DataWall:
    """When the training sets of frontier language models reach the stock of public human text."""

    subset: str
    n: int
    start: pd.Timestamp
    end: pd.Timestamp
    slope_oom_per_year: float
    slope_oom_per_year_ci: tuple[float, float]
    stock_tokens: float
    stock_tokens_ci: tuple[float, float]
    stock_ci_level: float
    year: float  # central: the fitted line meets the central stock
    year_ci: tuple[float, float]  # both uncertainties propagated
    year_ci_trend_only: tuple[float, float]
    year_ci_stock_only: tuple[float, float]
    confidence: float
    n_samples: int
    seed: int
    trend_method: str
    published_year: float = C.VILLALOBOS_2024_EXHAUSTION_YEAR
    published_year_ci: tuple[float, float] = C.VILLALOBOS_2024_EXHAUSTION_CI
    published_year_ci_level: float = C.VILLALOBOS_2024_EXHAUSTION_CI_LEVEL
    notes: tuple[str, ...] = ()
    fit: object = field(default=None, repr=False, compare=False)  # the TrendFit (analysis.metrics.trends)

    @property
    def growth_per_year(self) -> float:
        return 10.0 ** self.slope_oom_per_year

    def to_dict(self) -> dict:
        def yr(v):
            return None if v is None or not math.isfinite(v) else round(float(v), 2)
        return {
            "subset": self.subset, "n": self.n, "window": [_iso(self.start), _iso(self.end)],
            "slope_oom_per_year": self.slope_oom_per_year,
            "slope_oom_per_year_ci": list(self.slope_oom_per_year_ci), "growth_per_year": self.growth_per_year,
            "stock_tokens": self.stock_tokens, "stock_tokens_ci": list(self.stock_tokens_ci),
            "stock_ci_level": self.stock_ci_level, "year": yr(self.year),
            "year_ci": [yr(v) for v in self.year_ci], "year_ci_trend_only": [yr(v) for v in self.year_ci_trend_only],
            "year_ci_stock_only": [yr(v) for v in self.year_ci_stock_only], "confidence": self.confidence,
            "n_samples": self.n_samples, "seed": self.seed, "trend_method": self.trend_method,
            "published_year": self.published_year, "published_year_ci": list(self.published_year_ci),
            "published_year_ci_level": self.published_year_ci_level, "notes": list(self.notes)}

    def sentence(self) -> str:
        pct = f"{self.confidence:.0%}"
        lo, hi = self.year_ci
        hi_s = f"{hi:.1f}" if math.isfinite(hi) else "never (unbounded)"
        return (f"At the trend of {self.subset}' training sets ({self.growth_per_year:.2g}x per year, n={self.n}, "
                f"{_iso(self.start)} to {_iso(self.end)}), they reach the estimated stock of public human text "
                f"({self.stock_tokens:.2g} tokens) around {self.year:.1f} ({pct} interval {lo:.1f}-{hi_s}, trend and "
                f"stock uncertainty combined); Villalobos et al. 2024 project {self.published_year:.0f} "
                f"({self.published_year_ci_level:.0%} CI {self.published_year_ci[0]:.0f}-"
                f"{self.published_year_ci[1]:.0f}).")


def _iso(ts) -> str | None:
    if ts is None or (isinstance(ts, float) and math.isnan(ts)) or pd.isna(ts):
        return None
    return pd.Timestamp(ts).strftime("%Y-%m-%d")


def _line_draws(fit, n: int, rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray]:
    """Draws of (intercept, slope): the fit's bootstrap lines if any, else normal with the fit's covariance."""
    if getattr(fit, "boot", None) is not None and fit.method != "analytic":
        idx = rng.integers(0, len(fit.boot), n)
        return fit.boot[idx, 0], fit.boot[idx, 1]
    mean = np.array([fit.intercept, fit.slope_oom_per_year])
    cov = np.array(fit.cov, dtype=float)
    # Student-t(df) draws: scale normal draws by sqrt(df / chi2(df)), matching the t-based trend intervals
    z = rng.multivariate_normal(np.zeros(2), cov, size=n, method="cholesky")
    w = np.sqrt(fit.df_resid / rng.chisquare(fit.df_resid, size=n))
    th = mean + z * w[:, None]
    return th[:, 0], th[:, 1]


def _decimal_year(ts) -> float:
    ts = pd.Timestamp(ts)
    return 2000.0 + (ts - pd.Timestamp("2000-01-01")).days / C.DAYS_PER_YEAR


def data_wall(models: pd.DataFrame, *, stock: float = C.VILLALOBOS_2024_STOCK_TOKENS,
              stock_ci: tuple[float, float] = C.VILLALOBOS_2024_STOCK_CI,
              stock_ci_level: float = C.VILLALOBOS_2024_STOCK_CI_LEVEL, subset: str = "frontier",
              domain: str | None = "language", since: object = C.DATA_WALL_SINCE, until: object = None,
              confidence: float = C.DEFAULT_CONFIDENCE, method: str = "analytic", n_boot: int = 1000,
              n_samples: int = 20000, seed: int = 0, exclude: Sequence[str] = C.EPOCH_FRONTIER_OUTLIERS) -> DataWall:
    """Projected year the training sets of (by default) frontier language models reach the stock of public text.

    The trend is ``log10(training_tokens)`` on release date (:func:`analysis.metrics.trends.subset_trend`; frontier = top 10
    by compute at release, then filtered to ``domain``), by default since :data:`analysis.constants.DATA_WALL_SINCE`
    (pretrained transformer language models; pass ``since=None`` for all history). The crossing year is ``x̄ + (log10 S - a) / b``; its
    interval propagates both the trend's uncertainty (Student-t draws from the fit's HC3 covariance, or its
    bootstrap lines) and the stock's (lognormal with median ``stock`` and central ``stock_ci_level`` interval
    ``stock_ci``), by Monte Carlo with a fixed ``seed``. Also reported: the interval from each source alone.
    """
    confidence = _check_confidence(confidence)
    s = check_positive(stock, "stock")
    n_samples = _check_samples(n_samples)
    sd = stock_log10_sd(stock_ci, stock_ci_level)
    fit = trends.subset_trend(models, "training_tokens", subset, domain=domain, since=since, until=until,
                              confidence=confidence, method=method, n_boot=n_boot, seed=seed, exclude=exclude)
    b = fit.slope_oom_per_year
    if b <= 0:
        raise AnalysisError(f"training-set sizes of {fit.subset} are not growing (slope {b:.3g} OOM/yr, n={fit.n}): "
                            "no exhaustion date")
    rng = np.random.default_rng(seed)
    a_d, b_d = _line_draws(fit, n_samples, rng)
    s_d = math.log10(s) + sd * rng.standard_normal(n_samples)
    L0 = math.log10(s)
    with np.errstate(divide="ignore", invalid="ignore"):
        both = np.where(b_d > 0, fit.x_mean + (s_d - a_d) / b_d, np.inf)
        trend_only = np.where(b_d > 0, fit.x_mean + (L0 - a_d) / b_d, np.inf)
    stock_only = fit.x_mean + (s_d - fit.intercept) / b
    central = fit.x_mean + (L0 - fit.intercept) / b
    notes = []
    last = _decimal_year(fit.data_end)
    if central > last:
        notes.append(f"extrapolation {central - last:.1f} years beyond the last fitted model")
    if np.mean(~np.isfinite(both)) > (1 - confidence) / 2:
        notes.append("the trend's slope is not distinguishable from 0 at this confidence: the latest year is unbounded")
    notes.append(f"crossing of the trend line (a typical training set of {fit.subset} models) with the stock; "
                 "single models scatter around the line")
    return DataWall(
        subset=fit.subset, n=fit.n, start=fit.start, end=fit.end, slope_oom_per_year=b,
        slope_oom_per_year_ci=tuple(fit.slope_oom_per_year_ci), stock_tokens=s, stock_tokens_ci=tuple(stock_ci),
        stock_ci_level=stock_ci_level, year=float(central), year_ci=_interval(both, confidence),
        year_ci_trend_only=_interval(trend_only, confidence), year_ci_stock_only=_interval(stock_only, confidence),
        confidence=confidence, n_samples=n_samples, seed=int(seed), trend_method=fit.method, notes=tuple(notes),
        fit=fit)


def data_wall_frame(wall: DataWall, years: Sequence[float] | None = None) -> pd.DataFrame:
    """Plot-ready: per year, the projected training-set size (line and its interval) and the stock band."""
    fit = wall.fit
    if fit is None:
        raise AnalysisError("this DataWall carries no trend fit")
    if years is None:
        start = math.floor(_decimal_year(fit.data_start))
        years = np.arange(start, max(start + 1, math.ceil(wall.year_ci[1] if math.isfinite(wall.year_ci[1])
                                                          else wall.year + 5)) + 2)
    rows = []
    for y in years:
        date = pd.Timestamp("2000-01-01") + pd.Timedelta(days=(float(y) - 2000.0) * C.DAYS_PER_YEAR)
        lv = trends.level_at(fit, date)
        rows.append({"year": float(y), "tokens": lv.value, "tokens_low": lv.ci[0], "tokens_high": lv.ci[1],
                     "stock": wall.stock_tokens, "stock_low": wall.stock_tokens_ci[0],
                     "stock_high": wall.stock_tokens_ci[1], "confidence": wall.confidence})
    return pd.DataFrame(rows)


DATA_WALL_SUBSETS = ("notable", "frontier")


def data_wall_table(models: pd.DataFrame, subsets: Sequence[str] = DATA_WALL_SUBSETS, **kw) -> pd.DataFrame:
    """The data wall for each subset (default: notable and frontier language models), one row each.

    The projected year depends on which models' training sets are extrapolated (all notable language models grow
    more slowly than the frontier's), so both are shown side by side rather than one chosen silently. Columns:
    subset, year with its interval (``year_low``/``year_high``, trend and stock uncertainty combined), n, window,
    growth per year with its interval, the stock, the confidence and Villalobos et al.'s published year. A subset
    whose fit fails (too few models, no growth) gets a row with empty numbers and the reason in ``note``.
    """
    rows = []
    for sub in subsets:
        try:
            w = data_wall(models, subset=sub, **kw)
        except AnalysisError as exc:
            rows.append({"subset": sub, "year": math.nan, "year_low": math.nan, "year_high": math.nan, "n": 0,
                         "start": None, "end": None, "growth_per_year": math.nan, "growth_low": math.nan,
                         "growth_high": math.nan, "stock_tokens": kw.get("stock", C.VILLALOBOS_2024_STOCK_TOKENS),
                         "confidence": kw.get("confidence", C.DEFAULT_CONFIDENCE),
                         "published_year": C.VILLALOBOS_2024_EXHAUSTION_YEAR, "note": str(exc)})
            continue
        lo, hi = w.slope_oom_per_year_ci
        rows.append({"subset": sub, "year": w.year, "year_low": w.year_ci[0], "year_high": w.year_ci[1], "n": w.n,
                     "start": _iso(w.start), "end": _iso(w.end), "growth_per_year": w.growth_per_year,
                     "growth_low": 10.0 ** lo, "growth_high": 10.0 ** hi, "stock_tokens": w.stock_tokens,
                     "confidence": w.confidence, "published_year": w.published_year, "note": "; ".join(w.notes)})
    return pd.DataFrame(rows)
