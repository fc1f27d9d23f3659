"""Parametric scaling laws (Hoffmann et al. 2022 approaches 1-3; Besiroglu et al. 2024): loss, the compute-optimal
allocation of parameters and tokens for a budget, a model size or a target loss, with Monte Carlo intervals over
the fits' parameter uncertainty.

Sources and conventions are described in :mod:`analysis.metrics.scaling`.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache

import numpy as np
import pandas as pd

from analysis import constants as C
from analysis.errors import AnalysisError, UsageError
from analysis.metrics.result import Result, ResultMeta, meta
from analysis.metrics.vocabulary import check_approach, check_confidence, check_positive

APPROACHES = C.SCALING_APPROACHES
DEFAULT_APPROACH = "besiroglu-2024"
DEFAULT_SAMPLES = 4000
FLOP_PER_PARAM_TOKEN = 6.0  # C = 6 N D (Kaplan et al. 2020; Hoffmann et al. 2022, Appendix F)

# --- numbers ---------------------------------------------------------------------------------------------------


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


# --- results ---------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Allocation(Result):
    """A model size / data / compute triple answering one question under one approach.

    ``question``: 'compute' (optimum for a budget), 'params' (compute-optimal data for a size), 'target-loss'
    (compute-optimal model reaching a loss), 'target-loss+params' (data a given size needs to reach a loss).
    ``intervals``: ``(name, low, high)`` at ``confidence`` (Monte Carlo; ``besiroglu-2024`` only); an infinite
    upper end means some parameter draws make the request impossible. ``meta.n`` is 0: the numbers come from a
    published fit, not from rows of our data.
    """

    json_skip = frozenset({"loss", "intervals", "exponent_a_ci"})
    json_derived = ("tokens_per_param",)

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

    def json_extra(self) -> dict:
        d: dict = {} if self.loss is None else {"loss": self.loss}
        d.update({f"{name}_ci": [lo, hi] for name, lo, hi in self.intervals})
        return d if self.exponent_a_ci is None else {**d, "exponent_a_ci": self.exponent_a_ci}

    @property
    def meta(self) -> ResultMeta:
        kind = (f"Monte Carlo over the fit's parameter covariance, {self.n_samples} draws" if self.intervals else
                "none: point values of a published fit")
        return meta(0, None, None, kind, self.confidence if self.intervals else None)


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
    confidence = check_confidence(confidence)
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
    confidence = check_confidence(confidence)
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
    confidence = check_confidence(confidence)
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
    confidence = check_confidence(confidence)
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
