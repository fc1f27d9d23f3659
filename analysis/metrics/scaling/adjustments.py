"""Departures from the compute-optimal allocation: over-training of released models, the inference-aware optimum
(Sardana et al. 2024) and data-constrained scaling with repeated data (Muennighoff et al. 2023).
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

import pandas as pd
from scipy import optimize

from analysis import constants as C
from analysis.errors import AnalysisError, UsageError
from analysis.metrics.result import Result, ResultMeta, TableResult, meta, span
from analysis.metrics.scaling.laws import (
    DEFAULT_APPROACH,
    DEFAULT_SAMPLES,
    FLOP_PER_PARAM_TOKEN,
    POWER_LAWS,
    ParametricFit,
    _interval,
    _opt_for_loss_arr,
    _opt_from_compute,
    _opt_from_params,
    _tokens_for_loss_arr,
    check_approach,
    get_fit,
)
from analysis.metrics.selection import select
from analysis.metrics.vocabulary import check_confidence, check_positive

# --- over-training ---------------------------------------------------------------------------------------------


def overtraining(models: pd.DataFrame, approach: str = DEFAULT_APPROACH, *,
                 confidence: float = C.DEFAULT_CONFIDENCE, n_samples: int = DEFAULT_SAMPLES,
                 seed: int = 0, additions: bool = False, domain: str | None = None, domain_rule: str = "any",
                 since: object = None) -> TableResult:
    """Tokens per parameter of every model with parameters and training tokens, against the compute-optimal ratio.

    Models: the representative set (:func:`analysis.metrics.selection.select`: one row per model, no overlay
    additions; ``additions=True`` keeps them, for case studies that name their models). ``domain``, ``domain_rule``
    and ``since`` narrow it as in :func:`~analysis.metrics.selection.select`: the compute-optimal ratio is defined
    for language models (Hoffmann et al. 2022 fitted it on transformer language models), so a figure against it
    should pass ``domain="language"`` and a window of pretrained transformers (:data:`analysis.constants.DATA_WALL_SINCE`).

    N is ``active_parameters`` where given (MoE), else ``parameters``; the model's budget is taken as 6·N·D and
    the compute-optimal ratio D*/N* is evaluated at that budget. ``overtraining_factor`` = (D/N) / (D*/N*):
    1 = Chinchilla-optimal, >1 = trained past it (smaller model, more data). Intervals (``*_low``/``*_high``)
    for ``besiroglu-2024``. Rows lacking N or D are left out.

    Returns a :class:`~analysis.metrics.result.TableResult`: the table above; settings n_skipped (rows left out),
    confidence (None without an interval) and approach; meta n = models in the table, window = their first and
    last release date (None without a ``release_date`` column), the interval's kind.
    """
    check_approach(approach)
    confidence = check_confidence(confidence)
    if not isinstance(models, pd.DataFrame):
        raise UsageError("models must be a pandas DataFrame")
    models = select(models, additions=additions, domain=domain, domain_rule=domain_rule, since=since)
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
    level = confidence if draws is not None else None
    settings = {"n_skipped": int((~ok).sum()), "confidence": level, "approach": approach}
    dates = out["release_date"].dropna() if "release_date" in out.columns else pd.Series(dtype="datetime64[ns]")
    kind = (f"Monte Carlo over the fit's parameter covariance, {n_samples} draws (optimal ratio only)"
            if draws is not None else "none: point values of a published fit")
    info = meta(len(out), *span(dates), kind, level)
    return TableResult(table=out, info=info, settings=settings)


# --- inference-aware optimum (Sardana et al. 2024) -------------------------------------------------------------


@dataclass(frozen=True)
class InferenceOptimum(Result):
    """Model minimising lifetime compute ``6 N D + 2 N D_inf`` at a fixed loss (Sardana et al. 2024)."""

    json_derived = ("tokens_per_param", "total_flop", "flop_saved", "fraction_saved")

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

    @property
    def meta(self) -> ResultMeta:
        return meta(0, None, None, "none: point values of a published fit", None)


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
