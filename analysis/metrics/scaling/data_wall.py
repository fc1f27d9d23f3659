"""The data wall (Villalobos et al. 2024): when the tokens used by frontier training runs reach the stock of public
human text, from the trend of training tokens and a lognormal stock estimate.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np
import pandas as pd
from scipy import stats

from analysis import constants as C
from analysis.errors import AnalysisError
from analysis.metrics import trends
from analysis.metrics.result import Result, ResultMeta, iso_date, meta
from analysis.metrics.scaling.laws import _check_samples, _interval
from analysis.metrics.selection import select
from analysis.metrics.vocabulary import check_confidence, check_positive

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
class DataWall(Result):
    """When the training sets of frontier language models reach the stock of public human text.

    ``to_dict()``: years rounded to 0.01, the window as [start, end].
    """

    json_skip = frozenset({"start", "end", "fit", "fit_ids"})
    json_derived = ("growth_per_year",)

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
    fit_ids: tuple[str, ...] = field(default=(), repr=False, compare=False)  # ids of the fitted models
    column: str = "training_tokens"  # the training-set size the trend is fitted on

    @property
    def growth_per_year(self) -> float:
        return 10.0 ** self.slope_oom_per_year

    def json_extra(self) -> dict:
        def yr(v):
            return None if v is None or not math.isfinite(v) else round(float(v), 2)
        return {"year": yr(self.year), "year_ci": [yr(v) for v in self.year_ci],
                "year_ci_trend_only": [yr(v) for v in self.year_ci_trend_only],
                "year_ci_stock_only": [yr(v) for v in self.year_ci_stock_only]}

    @property
    def meta(self) -> ResultMeta:
        return meta(self.n, self.start, self.end, f"Monte Carlo, {self.n_samples} draws of the trend line and of a "
                    "lognormal stock", self.confidence)

    def sentence(self) -> str:
        pct = f"{self.confidence:.0%}"
        lo, hi = self.year_ci
        hi_s = f"{hi:.1f}" if math.isfinite(hi) else "never (unbounded)"
        return (f"At the trend of {self.subset}' training sets ({self.growth_per_year:.2g}x per year, n={self.n}, "
                f"{iso_date(self.start)} to {iso_date(self.end)}), they reach the estimated stock of public human text "
                f"({self.stock_tokens:.2g} tokens) around {self.year:.1f} ({pct} interval {lo:.1f}-{hi_s}, trend and "
                f"stock uncertainty combined); Villalobos et al. 2024 project {self.published_year:.0f} "
                f"({self.published_year_ci_level:.0%} CI {self.published_year_ci[0]:.0f}-"
                f"{self.published_year_ci[1]:.0f}).")


def _line_draws(fit, n: int, rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray]:
    """Draws of (intercept, slope): the fit's bootstrap lines if any, else normal with the fit's covariance."""
    if getattr(fit, "boot", None) is not None and fit.method != "analytic":
        idx = rng.integers(0, len(fit.boot), n)
        return fit.boot[idx, 0], fit.boot[idx, 1]
    mean = np.array([fit.intercept, fit.slope_oom_per_year])
    cov = np.array(fit.cov, dtype=float)
    # Student-t(df) draws: scale normal draws by sqrt(df / chi2(df)), matching the t-based trend intervals
    z = rng.multivariate_normal(np.zeros(2), cov, size=n, method="cholesky")
    dof = fit.interval_df if np.isfinite(fit.interval_df) else fit.df_resid  # the fit's own t df (CR2: Bell-McCaffrey)
    w = np.sqrt(dof / rng.chisquare(dof, size=n))
    th = mean + z * w[:, None]
    return th[:, 0], th[:, 1]


def _decimal_year(ts) -> float:
    ts = pd.Timestamp(ts)
    return 2000.0 + (ts - pd.Timestamp("2000-01-01")).days / C.DAYS_PER_YEAR


def data_wall(models: pd.DataFrame, *, stock: float = C.VILLALOBOS_2024_STOCK_TOKENS,
              stock_ci: tuple[float, float] = C.VILLALOBOS_2024_STOCK_CI,
              stock_ci_level: float = C.VILLALOBOS_2024_STOCK_CI_LEVEL, subset: str = "frontier",
              domain: str | None = "language", domain_rule: str = "any", since: object = C.DATA_WALL_SINCE,
              until: object = None, confidence: float = C.DEFAULT_CONFIDENCE, method: str = "analytic",
              n_boot: int = 1000, n_samples: int = 20000, seed: int = 0,
              exclude: Sequence[str] | None = None, column: str | None = None) -> DataWall:
    """Projected year the training sets of (by default) frontier language models reach the stock of public text.

    ``column`` is the training-set size: by default ``dataset_size_tokens`` (Epoch AI's 'Training dataset size', the
    quantity Villalobos et al. 2024 project against the stock) where the table has any, else ``training_tokens``
    (tokens seen: a table in our schema without dataset sizes, e.g. ``--data curated``); the note says which.
    The trend is ``log10(column)`` on release date (:func:`analysis.metrics.trends.subset_trend`; frontier = top 10
    by compute at release, then filtered to ``domain``: by default every model with language among its domains,
    multimodal ones included), by default since :data:`analysis.constants.DATA_WALL_SINCE`
    (pretrained transformer language models; pass ``since=None`` for all history). The crossing year is ``x̄ + (log10 S - a) / b``; its
    interval propagates both the trend's uncertainty (Student-t draws from the fit's covariance and df, or its
    bootstrap lines) and the stock's (lognormal with median ``stock`` and central ``stock_ci_level`` interval
    ``stock_ci``), by Monte Carlo with a fixed ``seed``. Also reported: the interval from each source alone.
    """
    confidence = check_confidence(confidence)
    s = check_positive(stock, "stock")
    n_samples = _check_samples(n_samples)
    sd = stock_log10_sd(stock_ci, stock_ci_level)
    if column is None:
        has = "dataset_size_tokens" in models.columns and pd.to_numeric(models["dataset_size_tokens"],
                                                                         errors="coerce").notna().any()
        column = "dataset_size_tokens" if has else "training_tokens"
    fit = trends.subset_trend(models, column, subset, domain=domain, domain_rule=domain_rule,
                              since=since, until=until,
                              confidence=confidence, method=method, n_boot=n_boot, seed=seed, exclude=exclude)
    # the models behind the line, for figures (the same selection and window as subset_trend)
    fitted = trends.prepare(select(models, subset, domain=domain, domain_rule=domain_rule, exclude=exclude),
                            column, since=fit.start, until=fit.end)
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
    notes.append("training-set size: " + ("Epoch AI's training dataset size (dataset_size_tokens)"
                                          if column == "dataset_size_tokens" else f"{column}"))
    notes.append(f"crossing of the trend line (a typical training set of {fit.subset} models) with the stock; "
                 "single models scatter around the line")
    return DataWall(
        subset=fit.subset, n=fit.n, start=fit.start, end=fit.end, slope_oom_per_year=b,
        slope_oom_per_year_ci=tuple(fit.slope_oom_per_year_ci), stock_tokens=s, stock_tokens_ci=tuple(stock_ci),
        stock_ci_level=stock_ci_level, year=float(central), year_ci=_interval(both, confidence),
        year_ci_trend_only=_interval(trend_only, confidence), year_ci_stock_only=_interval(stock_only, confidence),
        confidence=confidence, n_samples=n_samples, seed=int(seed), trend_method=fit.method, notes=tuple(notes),
        fit=fit, fit_ids=tuple(str(i) for i in fitted.ids), column=column)


def data_wall_points(models: pd.DataFrame, wall: DataWall) -> pd.DataFrame:
    """The models a data-wall trend was fitted on (one row each, release date order): id, name, organization,
    release_date, the fitted training-set size as ``tokens`` (``wall.column``: the y of :func:`data_wall_frame`),
    and ``year`` (decimal year, its x). Plot them with the line, so a reader sees what the line summarizes."""
    cols = [c for c in ("id", "name", "organization", "release_date", wall.column) if c in models.columns]
    pos = {m: k for k, m in enumerate(wall.fit_ids)}
    rows = models.loc[models["id"].astype(str).isin(pos), cols].drop_duplicates("id")
    rows = rows.assign(_k=rows["id"].astype(str).map(pos)).sort_values("_k").drop(columns="_k").reset_index(drop=True)
    rows = rows.rename(columns={wall.column: "tokens"})
    return rows.assign(year=[_decimal_year(d) for d in rows["release_date"]])


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
DATA_WALL_INTERVAL_KIND = "Monte Carlo of the trend line and of a lognormal stock (trend and stock uncertainty combined)"


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
                     "start": iso_date(w.start), "end": iso_date(w.end), "growth_per_year": w.growth_per_year,
                     "growth_low": 10.0 ** lo, "growth_high": 10.0 ** hi, "stock_tokens": w.stock_tokens,
                     "confidence": w.confidence, "published_year": w.published_year, "note": "; ".join(w.notes)})
    return pd.DataFrame(rows)
