"""The race for compute: accelerators, cluster size, training duration, power draw, cost, and where they lead.

Three inputs, each a DataFrame:

* the **hardware table** (:func:`hardware_table`): Epoch AI's ML-hardware snapshot mapped to typed columns with units
  in their names (release date and price, dense peak FLOP/s per precision, TDP), plus derived price-performance
  (FLOP/s per 2023 USD, deflated with the BLS CPI-U) and energy efficiency (FLOP/s per watt);
* the **models table** (whatever :func:`analysis.data.load` returns): ``hardware_count``, ``training_time_hours``,
  ``training_power_draw_w``, ``training_cost_2023_usd``, ``training_compute_flop``, ``training_hardware``;
* our curated ``hardware`` table (``data/hardware.csv``), whose ids the models' ``training_hardware`` refers to.

Every growth rate is a log-linear fit (:func:`analysis.trends.fit_trend`: OLS on log10 against the release date,
HC3 robust standard errors, Student-t interval) with its n and window. Results are frozen dataclasses or tidy
DataFrames; nothing prints.

Decomposition (:func:`decompose_compute_growth`): on runs where compute, chip count, training hours and the chip's
dense peak are all known, ``compute = chips x hours x 3600 x peak x utilization`` defines the *implied*
utilization. Because OLS is linear in the response and the four parts are fitted on the same rows and dates,
their slopes (OOM/year) add up exactly to the slope of compute. Shares of the total get a paired bootstrap
interval (runs resampled together; expanded percentile, Hesterberg 2015), whose coverage is checked by
simulation in the tests (0.88-0.89 for a nominal 0.90 with 40 runs).
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

import numpy as np
import pandas as pd
from scipy import stats

from analysis import constants as C
from analysis import trends, upstream
from analysis.errors import AnalysisError, UsageError
from analysis.frontier import as_dates, as_numbers, select_subset

# --- the hardware table ----------------------------------------------------------------------------------------

# Epoch ML-hardware column -> our column (units in names). Only these are read; the rest of the extract is ignored.
HARDWARE_COLUMNS = {
    "Hardware name": "name",
    "Manufacturer": "manufacturer",
    "Type": "type",
    "Release date": "release_date",
    "Release price (USD)": "release_price_usd",
    "FP64 (double precision) performance (FLOP/s)": "fp64_flop_per_s",
    "FP32 (single precision) performance (FLOP/s)": "fp32_flop_per_s",
    "TF32 (TensorFloat-32) performance (FLOP/s)": "tf32_flop_per_s",
    "FP16 (half precision) performance (FLOP/s)": "fp16_flop_per_s",
    "Tensor-FP16/BF16 performance (FLOP/s)": "tensor_fp16_flop_per_s",
    "FP8 performance (FLOP/s)": "fp8_flop_per_s",
    "INT8 performance (OP/s)": "int8_op_per_s",
    "TDP (W)": "tdp_w",
    "Memory (bytes)": "memory_bytes",
    "Memory bandwidth (byte/s)": "memory_bandwidth_byte_per_s",
    "Max performance": "best_op_per_s",
    "ML models": "ml_models",
    "Source for the price": "price_source",
}
NUMERIC = ("release_price_usd", "fp64_flop_per_s", "fp32_flop_per_s", "tf32_flop_per_s", "fp16_flop_per_s",
           "tensor_fp16_flop_per_s", "fp8_flop_per_s", "int8_op_per_s", "tdp_w", "memory_bytes",
           "memory_bandwidth_byte_per_s", "best_op_per_s")
# precision name -> dense peak column. "best" is Epoch's "Max performance": the chip's fastest number format of
# any kind (FP4/FP8/INT8 on recent chips), the quantity behind Epoch's energy-efficiency insight; it mixes formats.
PRECISIONS = {
    "fp32": "fp32_flop_per_s",
    "tf32": "tf32_flop_per_s",
    "fp16": "fp16_flop_per_s",
    "tensor-fp16": "tensor_fp16_flop_per_s",
    "fp8": "fp8_flop_per_s",
    "best": "best_op_per_s",
}
_LABEL = {"fp32": "FP32", "tf32": "TF32", "fp16": "FP16 (non-tensor)", "tensor-fp16": "tensor FP16/BF16",
          "fp8": "FP8", "best": "best-format"}
# CLI metric name -> (column, label, unit)
HARDWARE_METRICS: dict[str, tuple[str, str, str]] = {}
for _p, _col in PRECISIONS.items():
    HARDWARE_METRICS[_p] = (_col, f"Peak {_LABEL[_p]} performance", "OP/s" if _p == "best" else "FLOP/s")
for _p in ("fp32", "tensor-fp16"):
    _col = PRECISIONS[_p]
    HARDWARE_METRICS[f"{_p}-per-dollar"] = (_col.replace("_flop_per_s", "_flop_per_s_per_2023_usd"),
                                            f"{_LABEL[_p]} FLOP/s per 2023 dollar", "FLOP/s per 2023 USD")
for _p in ("fp32", "tensor-fp16", "best"):
    _col = PRECISIONS[_p]
    HARDWARE_METRICS[f"{_p}-per-watt"] = (_col.replace("_per_s", "_per_s_per_w"),
                                          f"{_LABEL[_p]} {'OP' if _p == 'best' else 'FLOP'}/s per watt (TDP)",
                                          f"{'OP' if _p == 'best' else 'FLOP'}/s per W")
DEFAULT_HARDWARE_METRICS = ("fp32", "tf32", "tensor-fp16", "fp8", "fp32-per-dollar", "tensor-fp16-per-dollar",
                            "fp32-per-watt", "tensor-fp16-per-watt", "best-per-watt")
HARDWARE_GROUPS = ("all", "ml", "gpu", "tpu", "other", "ml-gpu")

# Model-side run metrics (trend CLI names live in analysis.trends.METRICS).
RUN_METRICS = {
    "hardware_count": ("Cluster size", "accelerators"),
    "training_time_hours": ("Training duration", "hours"),
    "training_power_draw_w": ("Training power draw", "W"),
    "training_cost_2023_usd": ("Training cost", "2023 USD"),
    "training_compute_flop": ("Training compute", "FLOP"),
}


def _register_labels() -> None:
    """Let analysis.trends fit our columns (it accepts its metric names or known columns) with readable labels."""
    for col, label, _unit in HARDWARE_METRICS.values():
        trends.COLUMN_LABELS.setdefault(col, label)
    for col, (label, _unit) in RUN_METRICS.items():
        trends.COLUMN_LABELS.setdefault(col, label)
    for col, label in DECOMPOSITION_PARTS.items():
        trends.COLUMN_LABELS.setdefault(col, label)


def cpi(year: int) -> tuple[float, bool]:
    """CPI-U annual average of ``year`` and whether it was available (later years use the last published one)."""
    years = sorted(C.CPI_U_ANNUAL)
    if year < years[0]:
        raise AnalysisError(f"no CPI-U value before {years[0]} in constants.CPI_U_ANNUAL (asked for {year})")
    if year > years[-1]:
        return C.CPI_U_ANNUAL[years[-1]], False
    return C.CPI_U_ANNUAL[int(year)], True


def to_base_usd(usd: float, year: int, base_year: int = C.BASE_USD_YEAR) -> float:
    """Nominal USD of ``year`` -> USD of ``base_year`` (CPI-U annual averages)."""
    return float(usd) * cpi(base_year)[0] / cpi(year)[0]


def type_group(t: object) -> str:
    s = str(t).strip() if t is not None and not (isinstance(t, float) and math.isnan(t)) else ""
    for group, names in C.HARDWARE_TYPE_GROUPS.items():
        if s in names:
            return group
    return "other"


def hardware_table(raw: pd.DataFrame | None = None, *, vintage: str | None = None) -> pd.DataFrame:
    """Epoch's ML-hardware extract as typed columns, with price-performance and energy efficiency.

    ``raw`` is the extract as read by ``pandas.read_csv`` (default: the pinned snapshot of ``vintage``, the newest
    when None). Unknown = NaN, never a guess. Adds ``group`` (gpu/tpu/other), ``ml`` (used to train at least one
    model in Epoch's models data: the ``ML models`` column is not empty), ``release_year``, ``price_2023_usd``
    (release price deflated with CPI-U; ``price_deflated`` False when the release year is past the last CPI entry),
    and per precision ``*_per_2023_usd`` and ``*_per_w`` (dense peak over deflated price / over TDP).
    """
    if raw is None:
        snap = upstream.find("ml_hardware", vintage)
        upstream.verify(snap)
        raw = pd.read_csv(snap.path, dtype=str, keep_default_na=False)
    missing = [c for c in ("Hardware name", "Release date") if c not in raw.columns]
    if missing:
        raise AnalysisError(f"ML-hardware table has no column {missing[0]!r}")
    out = pd.DataFrame(index=raw.index)
    for src, dst in HARDWARE_COLUMNS.items():
        out[dst] = raw[src] if src in raw.columns else ""
    for col in NUMERIC:
        out[col] = pd.to_numeric(out[col].replace("", np.nan), errors="coerce")
        out.loc[out[col] <= 0, col] = np.nan
    out["name"] = out["name"].astype(str).str.strip()
    out["release_date"] = pd.to_datetime(out["release_date"].replace("", np.nan), errors="coerce")
    out["release_year"] = out["release_date"].dt.year.astype("Int64")
    out["group"] = out["type"].map(type_group)
    out["ml"] = out["ml_models"].fillna("").astype(str).str.strip() != ""
    price = []
    deflated = []
    for p, y in zip(out["release_price_usd"], out["release_year"]):
        if pd.isna(p) or pd.isna(y) or int(y) < min(C.CPI_U_ANNUAL):
            price.append(np.nan)
            deflated.append(False)
            continue
        price.append(to_base_usd(p, int(y)))
        deflated.append(cpi(int(y))[1])
    out["price_2023_usd"] = price
    out["price_deflated"] = deflated
    for col in PRECISIONS.values():
        out[col.replace("_per_s", "_per_s_per_2023_usd")] = out[col] / out["price_2023_usd"]
        out[col.replace("_per_s", "_per_s_per_w")] = out[col] / out["tdp_w"]
    out["organization"] = out["manufacturer"]  # the trend fit's cluster key
    out["id"] = out["name"]
    return out.reset_index(drop=True)


def select_hardware(hw: pd.DataFrame, group: str = "all") -> pd.DataFrame:
    """Rows of one accelerator group: all, ml (used for a notable model), gpu, tpu, other, ml-gpu."""
    if group not in HARDWARE_GROUPS:
        raise UsageError(f"unknown hardware group {group!r}; choose one of {', '.join(HARDWARE_GROUPS)}")
    if group == "all":
        return hw
    if group == "ml":
        return hw[hw["ml"]]
    if group == "ml-gpu":
        return hw[hw["ml"] & (hw["group"] == "gpu")]
    return hw[hw["group"] == group]


def hardware_metric_column(metric: str) -> str:
    if metric in HARDWARE_METRICS:
        return HARDWARE_METRICS[metric][0]
    names = ", ".join(HARDWARE_METRICS)
    raise UsageError(f"unknown hardware metric {metric!r}; choose one of {names}")


def hardware_trend(hw: pd.DataFrame, metric: str = "fp32", group: str = "all", *, since: object = None,
                   until: object = None, confidence: float = C.DEFAULT_CONFIDENCE, method: str = "analytic",
                   n_boot: int = 1000, seed: int = 0) -> trends.TrendFit:
    """Log-linear trend of one accelerator metric (peak FLOP/s, FLOP/s per 2023 USD, FLOP/s per W) by release date."""
    col = hardware_metric_column(metric)
    rows = select_hardware(hw, group)
    return trends.fit_trend(rows, col, since=since, until=until, confidence=confidence, method=method,
                            n_boot=n_boot, seed=seed, subset=f"{group} accelerators")


def hardware_trend_table(hw: pd.DataFrame, metrics=None, groups=("all", "ml", "gpu", "tpu"), *, since: object = None,
                         until: object = None, confidence: float = C.DEFAULT_CONFIDENCE,
                         min_n: int = 5) -> pd.DataFrame:
    """One row per (metric, group) with at least ``min_n`` accelerators: growth, doubling time (years), CIs, n."""
    rows = []
    for metric in (metrics or DEFAULT_HARDWARE_METRICS):
        for group in groups:
            col = hardware_metric_column(metric)
            sub = select_hardware(hw, group)
            n_ok = int((sub[col].notna() & sub["release_date"].notna()).sum())
            if n_ok < max(min_n, trends.MIN_POINTS):
                continue
            try:
                fit = hardware_trend(hw, metric, group, since=since, until=until, confidence=confidence)
            except AnalysisError:
                continue
            r = fit.to_row()
            r.update({"metric": metric, "column": col, "group": group, "unit": HARDWARE_METRICS[metric][2],
                      "doubling_years": r["doubling_months"] / 12, "doubling_years_low": r["doubling_low"] / 12,
                      "doubling_years_high": r["doubling_high"] / 12})
            rows.append(r)
    cols = ["metric", "group", "unit", "n", "start", "end", "growth_per_year", "growth_low", "growth_high",
            "doubling_years", "doubling_years_low", "doubling_years_high", "slope_oom_per_year", "slope_low",
            "slope_high", "r2", "confidence", "column"]
    return pd.DataFrame(rows, columns=cols)


# --- training runs ---------------------------------------------------------------------------------------------


def run_trend(models: pd.DataFrame, column: str, subset: str = "notable", *, since: object = None,
              until: object = None, top_k: int = C.FRONTIER_TOP_K, confidence: float = C.DEFAULT_CONFIDENCE,
              exclude=(), method: str = "analytic", n_boot: int = 1000, seed: int = 0) -> trends.TrendFit:
    """Growth of one run quantity (cluster size, hours, power, cost, compute) for a subset of models."""
    if column not in RUN_METRICS:
        raise UsageError(f"unknown run column {column!r}; choose one of {', '.join(RUN_METRICS)}")
    if column not in models.columns:
        raise AnalysisError(f"models table has no column {column!r}")
    return trends.subset_trend(models, column, subset, top_k=top_k, exclude=exclude, since=since, until=until,
                               confidence=confidence, method=method, n_boot=n_boot, seed=seed)


def run_trend_table(models: pd.DataFrame, subsets=("notable", "frontier"), columns=None, *, since: object = None,
                    until: object = None, top_k: int = C.FRONTIER_TOP_K,
                    confidence: float = C.DEFAULT_CONFIDENCE) -> pd.DataFrame:
    """One row per (quantity, subset): growth per year with CI, doubling months, n, window; skipped when too few."""
    rows = []
    for col in (columns or [c for c in RUN_METRICS if c != "training_compute_flop"]):
        for subset in subsets:
            try:
                fit = run_trend(models, col, subset, since=since, until=until, top_k=top_k, confidence=confidence)
            except AnalysisError as exc:
                rows.append({"quantity": RUN_METRICS[col][0], "column": col, "subset": subset, "n": 0,
                             "note": str(exc)})
                continue
            r = fit.to_row()
            r.update({"quantity": RUN_METRICS[col][0], "column": col, "subset": subset, "unit": RUN_METRICS[col][1],
                      "note": "; ".join(fit.notes)})
            rows.append(r)
    cols = ["quantity", "subset", "unit", "n", "start", "end", "growth_per_year", "growth_low", "growth_high",
            "doubling_months", "doubling_low", "doubling_high", "slope_oom_per_year", "slope_low", "slope_high",
            "r2", "confidence", "column", "note"]
    return pd.DataFrame(rows).reindex(columns=cols)


@dataclass(frozen=True)
class RunData:
    """The models table the run analyses use, and where it came from."""

    models: pd.DataFrame
    label: str
    fallback: bool  # True: the given table lacked run data, so Epoch's pinned notable-models snapshot is used
    reason: str
    sha256: str | None = None
    vintage: str = ""


def run_data(models: pd.DataFrame, label: str, *, min_rows: int = 20, vintage: str | None = None) -> RunData:
    """``models`` if it has at least ``min_rows`` runs with power draw and with cost; else Epoch's pinned
    notable-models snapshot (the representative set these columns come from), with the reason.

    Our curated table leaves Epoch's run columns empty; once the default table is Epoch's notable set plus our
    overlay, no fallback happens."""
    have = {c: int(as_numbers(models[c], c).notna().sum()) if c in models.columns else 0
            for c in ("training_power_draw_w", "training_cost_2023_usd")}
    if min(have.values()) >= min_rows:
        return RunData(models, label, False, "")
    import warnings

    from analysis import epoch

    snap = upstream.find("notable_ai_models", vintage)
    upstream.verify(snap)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        m = epoch.load_epoch(snap.path).models
    reason = (f"{label} has {have['training_power_draw_w']} runs with power draw and "
              f"{have['training_cost_2023_usd']} with cost (fewer than {min_rows})")
    return RunData(m, f"Epoch AI, 'Data on AI Models' (pinned snapshot {snap.vintage}, {len(m)} models)", True,
                   reason, snap.meta.get("sha256_extract"), snap.vintage)


def provenance_table(hw: pd.DataFrame, runs: RunData, models_label: str, *, vintage: str | None = None) -> pd.DataFrame:
    """Which data each part of the analysis used: source, vintage, rows, sha256."""
    snap = upstream.find("ml_hardware", vintage)
    return pd.DataFrame([
        {"part": "accelerators", "source": snap.meta.get("credit", "Epoch AI ML hardware"), "vintage": snap.vintage,
         "rows": len(hw), "sha256": snap.meta.get("sha256_extract"), "note": ""},
        {"part": "training runs", "source": runs.label, "vintage": runs.vintage,
         "rows": len(runs.models), "sha256": runs.sha256 or "", "note": runs.reason},
        {"part": "hardware ids (peaks, TDP)", "source": "Frontier Atlas data/hardware.csv", "vintage": "",
         "rows": None, "sha256": "", "note": f"models table: {models_label}"},
    ])


# --- peak FLOP/s of a run's hardware ---------------------------------------------------------------------------


def _norm(s: object) -> str:
    return " ".join(str(s).lower().split())


@dataclass(frozen=True)
class HardwareSpec:
    """One accelerator's facts used by the cost and decomposition code, with where each came from."""

    key: str
    name: str
    group: str  # gpu | tpu | other
    peak_flop_per_s: float | None  # dense 16-bit peak (tensor FP16/BF16, else FP16, else TF32, else FP32)
    peak_precision: str | None
    tdp_w: float | None
    price_usd: float | None  # release price, nominal
    price_year: int | None
    price_2023_usd: float | None
    peak_source: str
    price_source: str
    release_date: pd.Timestamp | None = None  # of the priced variant (for depreciation to the run's start)


def _best_peak(row: pd.Series) -> tuple[float | None, str | None]:
    """Dense 16-bit tensor peak (BF16/FP16) when the chip has one; else the faster of non-tensor FP16 and FP32
    (consumer GPUs run FP16 at 1/64 of FP32, so FP16 alone would understate them)."""
    def get(col):
        v = row.get(col) if col in row.index else None
        return float(v) if v is not None and pd.notna(v) and float(v) > 0 else None
    for col, name in (("bf16_flop_per_s", "bf16"), ("tensor_fp16_flop_per_s", "tensor-fp16")):
        if get(col):
            return get(col), name
    fp16, fp32 = get("fp16_flop_per_s"), get("fp32_flop_per_s")
    if fp16 and (not fp32 or fp16 >= fp32):
        return fp16, "fp16"
    if fp32:
        return fp32, "fp32"
    return None, None


class HardwareCatalog:
    """Look up an accelerator by our hardware id (``data/hardware.csv``) or by Epoch's hardware name.

    Peak and TDP come from our curated row (manufacturers' datasheets) when the id is known there, else from
    Epoch's ML-hardware table; the release price always comes from Epoch's table (matched by name), since our
    curated table has no prices.
    """

    def __init__(self, epoch_hw: pd.DataFrame, curated: pd.DataFrame | None = None):
        self.epoch = epoch_hw
        self.curated = curated if curated is not None else pd.DataFrame(columns=["id", "name"])
        self._by_name = {_norm(n): i for i, n in zip(epoch_hw.index, epoch_hw["name"])}
        self._cur_by_id = {str(i): k for k, i in zip(self.curated.index, self.curated.get("id", []))}

    def _epoch_row(self, name: str) -> pd.Series | None:
        i = self._by_name.get(_norm(name))
        if i is None:  # tolerate Epoch's '... 80GB' vs '... 80 GB' and trailing 'GPUs'
            key = _norm(name).replace(" gb", "gb").removesuffix(" gpus")
            for n, j in self._by_name.items():
                if n.replace(" gb", "gb") == key:
                    i = j
                    break
        return None if i is None else self.epoch.loc[i]

    def spec(self, key: object) -> HardwareSpec | None:
        if key is None or (isinstance(key, float) and math.isnan(key)) or not str(key).strip():
            return None
        key = str(key).strip()
        cur = self._cur_by_id.get(key)
        crow = self.curated.loc[cur] if cur is not None else None
        name = str(crow["name"]) if crow is not None else key
        candidates = [r for r in (self._epoch_row(name), self._epoch_row(EPOCH_NAME_FOR_ID.get(key, name)))
                      if r is not None]
        erow = candidates[0] if candidates else None
        # the price may sit on a sibling variant (e.g. A100 40 GB for our A100 80 GB row): say which in the source
        prow = next((r for r in candidates if pd.notna(r["release_price_usd"]) and pd.notna(r["release_year"])), None)
        if crow is None and erow is None:
            return None
        if crow is not None:
            peak, prec = _best_peak(crow)
            tdp = float(crow["tdp_w"]) if pd.notna(crow.get("tdp_w")) else None
            group = str(crow.get("type") or "other")
            group = group if group in ("gpu", "tpu") else "other"
            peak_src = "Frontier Atlas hardware.csv (manufacturer datasheet)"
        else:
            peak, prec, tdp, group, peak_src = None, None, None, "other", ""
        if erow is not None:
            if peak is None:
                peak, prec = _best_peak(erow)
                peak_src = "Epoch AI ML hardware"
            if tdp is None and pd.notna(erow["tdp_w"]):
                tdp = float(erow["tdp_w"])
            if crow is None:
                group = str(erow["group"])
        price = price_year = price23 = rdate = None
        price_src = ""
        if prow is not None:
            price, price_year = float(prow["release_price_usd"]), int(prow["release_year"])
            price23 = to_base_usd(price, price_year)
            price_src = f"Epoch AI ML hardware, release price of {prow['name']} ({price_year})"
            rdate = prow["release_date"] if pd.notna(prow["release_date"]) else None
        return HardwareSpec(key=key, name=str(erow["name"]) if erow is not None else name, group=group,
                            peak_flop_per_s=peak, peak_precision=prec, tdp_w=tdp, price_usd=price,
                            price_year=price_year, price_2023_usd=price23, peak_source=peak_src,
                            price_source=price_src, release_date=rdate)


# Our hardware.csv ids whose curated name differs from Epoch's hardware name.
EPOCH_NAME_FOR_ID = {
    "nvidia-a100": "NVIDIA A100 SXM4 40 GB",
    "nvidia-v100": "NVIDIA Tesla V100 SXM2",
    "nvidia-p100": "NVIDIA P100",
    "nvidia-h200": "NVIDIA H200 SXM",
    "nvidia-k40": "NVIDIA Tesla K40s",
    "nvidia-titan-x": "NVIDIA GeForce GTX TITAN X",
    "amd-mi250x": "AMD Radeon Instinct MI250X",
}


# --- decomposition of compute growth ---------------------------------------------------------------------------

DECOMPOSITION_PARTS = {
    "hardware_count": "Cluster size (chips)",
    "training_time_hours": "Training duration",
    "peak_flop_per_s": "Per-chip peak FLOP/s",
    "implied_utilization": "Utilization (implied)",
}


def run_factors(models: pd.DataFrame, catalog: HardwareCatalog) -> pd.DataFrame:
    """Runs with compute, chip count, hours and a known peak: the four factors and the implied utilization.

    ``implied_utilization = compute / (chips x hours x 3600 x peak)``; values outside 0.01-1 (compute, chip count,
    hours or peak inconsistent) are flagged in ``implausible``. Fine-tunes (a ``base_model`` is named) are left out:
    their compute includes the base model's while their hours do not.
    """
    need = ("release_date", "training_compute_flop", "hardware_count", "training_time_hours", "training_hardware")
    for c in need:
        if c not in models.columns:
            raise AnalysisError(f"models table has no column {c!r}")
    df = models.copy()
    df["release_date"] = as_dates(df["release_date"])
    for c in ("training_compute_flop", "hardware_count", "training_time_hours"):
        df[c] = as_numbers(df[c], c)
    specs = {k: catalog.spec(k) for k in df["training_hardware"].dropna().unique()}
    df["peak_flop_per_s"] = df["training_hardware"].map(lambda k: getattr(specs.get(k), "peak_flop_per_s", None))
    df["peak_precision"] = df["training_hardware"].map(lambda k: getattr(specs.get(k), "peak_precision", None))
    df["peak_flop_per_s"] = pd.to_numeric(df["peak_flop_per_s"], errors="coerce")
    ok = df["release_date"].notna()
    if "base_model" in df.columns:  # fine-tunes: Epoch's compute includes the base model's, the hours do not
        ok &= df["base_model"].fillna("").astype(str).str.strip() == ""
    for c in ("training_compute_flop", "hardware_count", "training_time_hours", "peak_flop_per_s"):
        ok &= df[c].notna() & (df[c] > 0)
    out = df[ok].copy()
    out["implied_utilization"] = out["training_compute_flop"] / (
        out["hardware_count"] * out["training_time_hours"] * 3600.0 * out["peak_flop_per_s"])
    out["implausible"] = (out["implied_utilization"] > 1) | (out["implied_utilization"] < 0.01)
    keep = ["id", "name", "organization", "release_date", "training_hardware", "training_compute_flop",
            "hardware_count", "training_time_hours", "peak_flop_per_s", "peak_precision", "implied_utilization",
            "implausible"]
    return out[[c for c in keep if c in out.columns]].reset_index(drop=True)


@dataclass(frozen=True)
class Decomposition:
    """Compute growth split into log-growth rates of its four factors (they add up to the total)."""

    subset: str
    n: int
    start: pd.Timestamp
    end: pd.Timestamp
    confidence: float
    n_boot: int
    seed: int
    n_implausible: int  # runs with implied utilization outside 0.01-1 (left out unless exclude_implausible=False)
    table: pd.DataFrame = field(repr=False)  # one row per part + total
    runs: pd.DataFrame = field(repr=False, compare=False)

    def to_frame(self) -> pd.DataFrame:
        return self.table.copy()

    def to_dict(self) -> dict:
        parts = []
        for r in self.table.itertuples():
            parts.append({"part": r.part, "column": r.column, "slope_oom_per_year": r.slope_oom_per_year,
                          "slope_oom_per_year_ci": [r.slope_low, r.slope_high], "growth_per_year": r.growth_per_year,
                          "growth_per_year_ci": [r.growth_low, r.growth_high], "share": r.share,
                          "share_ci": [r.share_low, r.share_high]})
        return {"subset": self.subset, "n": self.n, "window": [self.start.strftime("%Y-%m-%d"),
                                                                 self.end.strftime("%Y-%m-%d")],
                "confidence": self.confidence, "n_boot": self.n_boot, "seed": self.seed,
                "n_implausible_utilization": self.n_implausible, "parts": parts}


def _slopes(x: np.ndarray, Y: np.ndarray) -> np.ndarray:
    """OLS slopes of each column of Y on x (vectorised)."""
    xc = x - x.mean()
    return (xc @ (Y - Y.mean(axis=0))) / (xc @ xc)


def share_bootstrap(x: np.ndarray, Y: np.ndarray, *, confidence: float = C.DEFAULT_CONFIDENCE, n_boot: int = 1000,
                    seed: int = 0) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Shares of the total slope (columns of Y are the parts; total = row sums), with paired-bootstrap expanded
    percentile intervals. Returns (share, low, high). Resamples whose dates are all equal or whose total slope is 0
    are skipped.
    """
    b = _slopes(x, Y)
    share = b / b.sum()
    rng = np.random.default_rng(seed)
    n = len(x)
    idx = rng.integers(0, n, (n_boot, n))  # one row of run indices per resample (paired: all parts together)
    xs = x[idx]
    xc = xs - xs.mean(axis=1, keepdims=True)
    sxx = (xc * xc).sum(axis=1)
    Ys = Y[idx]  # (n_boot, n, parts)
    bs = np.einsum("bn,bnk->bk", xc, Ys - Ys.mean(axis=1, keepdims=True)) / np.where(sxx > 0, sxx, np.nan)[:, None]
    tot = bs.sum(axis=1)  # the total's slope is the sum of the parts' (same rows, OLS linear in y)
    ok = (sxx > 0) & (tot != 0) & np.isfinite(tot)
    d = bs[ok] / tot[ok, None]
    # expanded percentile interval (Hesterberg 2015, "What teachers should know about the bootstrap", Am. Stat.
    # 69(4)): quantiles at Phi(sqrt(n/(n-1)) t_{n-1}) instead of alpha/2, correcting the percentile interval's
    # known under-coverage in small samples (the coverage test in tests/test_infrastructure.py measures it). The
    # article is verified; the formula is as we recall it from its section on expanded percentile intervals.
    a = float(stats.norm.cdf(math.sqrt(n / (n - 1)) * stats.t.ppf((1 - confidence) / 2, n - 1))) if n > 2 else \
        (1 - confidence) / 2
    return share, np.quantile(d, a, axis=0), np.quantile(d, 1 - a, axis=0)


def decompose_compute_growth(models: pd.DataFrame, catalog: HardwareCatalog, subset: str = "notable", *,
                             since: object = None, until: object = None, top_k: int = C.FRONTIER_TOP_K,
                             confidence: float = C.DEFAULT_CONFIDENCE, n_boot: int = 1000, seed: int = 0,
                             exclude_implausible: bool = True) -> Decomposition:
    """Split the growth of training compute into cluster size x duration x per-chip peak x utilization.

    Each part's slope interval is the HC3 interval of :func:`analysis.trends.fit_trend`; the shares of the total
    (part slope / compute slope) get a paired bootstrap percentile interval (``n_boot`` resamples, ``seed``).
    Runs whose implied utilization is implausible (outside 0.01-1) are left out by default and counted in
    ``n_implausible``; with ``exclude_implausible=False`` they are kept (the parts still add up).
    """
    _register_labels()
    rows = select_subset(models, subset, top_k=top_k)
    runs = run_factors(rows, catalog)
    lo = trends.parse_date(since, "since")
    hi = trends.parse_date(until, "until")
    if lo is not None:
        runs = runs[runs["release_date"] >= lo]
    if hi is not None:
        runs = runs[runs["release_date"] <= hi]
    n_bad = int(runs["implausible"].sum())
    if exclude_implausible:
        runs = runs[~runs["implausible"]]
    runs = runs.sort_values(["release_date", "id" if "id" in runs.columns else "name"]).reset_index(drop=True)
    if len(runs) < trends.MIN_POINTS or runs["release_date"].nunique() < 2:
        raise AnalysisError(f"too few runs with compute, chip count, training hours and a known chip peak "
                            f"({len(runs)}; need {trends.MIN_POINTS} with 2 distinct dates)")
    parts = list(DECOMPOSITION_PARTS)
    fits = {c: trends.fit_trend(runs, c, confidence=confidence, subset=subset) for c in parts}
    fits["training_compute_flop"] = trends.fit_trend(runs, "training_compute_flop", confidence=confidence,
                                                     subset=subset)
    x = trends.decimal_year(runs["release_date"])
    Y = np.column_stack([np.log10(runs[c].to_numpy(float)) for c in parts])
    share, s_lo, s_hi = share_bootstrap(x, Y, confidence=confidence, n_boot=n_boot, seed=seed)
    table = []
    for i, c in enumerate(parts + ["training_compute_flop"]):
        f = fits[c]
        table.append({
            "part": DECOMPOSITION_PARTS.get(c, "Training compute (total)"), "column": c, "n": f.n,
            "slope_oom_per_year": f.slope_oom_per_year, "slope_low": f.slope_oom_per_year_ci[0],
            "slope_high": f.slope_oom_per_year_ci[1], "growth_per_year": f.growth_per_year,
            "growth_low": f.growth_per_year_ci[0], "growth_high": f.growth_per_year_ci[1],
            "share": share[i] if i < len(parts) else 1.0, "share_low": s_lo[i] if i < len(parts) else 1.0,
            "share_high": s_hi[i] if i < len(parts) else 1.0,
        })
    return Decomposition(subset=subset, n=len(runs), start=lo or runs["release_date"].min(),
                         end=hi or runs["release_date"].max(), confidence=confidence, n_boot=n_boot, seed=seed,
                         n_implausible=n_bad, table=pd.DataFrame(table), runs=runs)


# --- projections -----------------------------------------------------------------------------------------------


def first_to_reach(models: pd.DataFrame, column: str, level: float) -> pd.Series | None:
    """The earliest model (by release date) whose ``column`` is at least ``level``, or None."""
    if column not in models.columns:
        return None
    vals = as_numbers(models[column], column)
    dates = as_dates(models["release_date"])
    hit = models[(vals >= level) & dates.notna()]
    if hit.empty:
        return None
    return hit.loc[dates[hit.index].sort_values(kind="mergesort").index[0]]


def level_label(column: str, level: float) -> str:
    """'1 GW', '$1 billion', '100,000 accelerators': a level in words for figures and prose."""
    if column == "training_power_draw_w":
        for unit, div in (("TW", 1e12), ("GW", 1e9), ("MW", 1e6), ("kW", 1e3)):
            if level >= div:
                return f"{level / div:g} {unit}"
        return f"{level:g} W"
    if column == "training_cost_2023_usd":
        for unit, div in (("trillion", 1e12), ("billion", 1e9), ("million", 1e6)):
            if level >= div:
                return f"${level / div:g} {unit}"
        return f"${level:,.0f}"
    if column == "hardware_count":
        return f"{level:,.0f} accelerators"
    if column == "training_time_hours":
        return f"{level:,.0f} hours"
    return f"{level:g}"


def projection_table(models: pd.DataFrame, levels: dict | None = None, subset: str = "frontier", *,
                     since: object = C.COTTIER_2024_SINCE, until: object = None, top_k: int = C.FRONTIER_TOP_K,
                     confidence: float = C.DEFAULT_CONFIDENCE) -> pd.DataFrame:
    """When do runs of ``subset`` reach each level (1 GW, $1B, 100k chips by default) if the fitted trend holds?

    One row per quantity: the date the trend line crosses, its confidence interval (where the line could be) and
    the prediction interval (when a single run on the trend would), the fit's n and window, the first model in the
    data already at or above the level (if any), and a plain-words note on extrapolation.
    """
    levels = levels or C.PROJECTION_LEVELS
    rows = []
    for col, level in levels.items():
        base = {"quantity": RUN_METRICS[col][0], "column": col, "level": float(level), "unit": RUN_METRICS[col][1],
                "level_label": level_label(col, level), "subset": subset}
        first = first_to_reach(models, col, level)
        base["already_reached_by"] = None if first is None else str(first.get("name", first.get("id")))
        base["already_reached_on"] = None if first is None else as_dates(pd.Series([first["release_date"]]))[0]
        try:
            fit = run_trend(models, col, subset, since=since, until=until, top_k=top_k, confidence=confidence)
            pr = trends.date_reaching(fit, level)
        except AnalysisError as exc:
            rows.append({**base, "note": str(exc)})
            continue
        beyond = (trends.decimal_year(pr.date) - trends.decimal_year(fit.data_end)) if pr.date is not None else None
        note = list(pr.notes)
        if beyond is not None and beyond > 0:
            note.append(f"assumes the {fit.start.year}-{fit.data_end.year} trend continues {beyond:.1f} years past "
                        f"the last run in the data; physical, financial and supply limits are not modelled")
        rows.append({**base, "date": pr.date, "date_low": pr.date_ci[0], "date_high": pr.date_ci[1],
                     "date_pi_low": pr.date_pi[0], "date_pi_high": pr.date_pi[1], "growth_per_year":
                     fit.growth_per_year, "growth_low": fit.growth_per_year_ci[0],
                     "growth_high": fit.growth_per_year_ci[1], "fit_n": fit.n, "fit_start": fit.start,
                     "fit_end": fit.end, "confidence": confidence, "note": "; ".join(note)})
    for r in rows:  # calendar years, for prose (the dates are not that precise)
        for k in ("date", "date_low", "date_high", "date_pi_low", "date_pi_high"):
            d = r.get(k)
            r[k.replace("date", "year")] = float(d.year) if d is not None and not pd.isna(d) else math.nan
    cols = ["quantity", "column", "level", "unit", "level_label", "subset", "date", "date_low", "date_high", "date_pi_low",
            "date_pi_high", "year", "year_low", "year_high", "year_pi_low", "year_pi_high", "growth_per_year", "growth_low", "growth_high", "fit_n", "fit_start", "fit_end",
            "confidence", "already_reached_by", "already_reached_on", "note"]
    return pd.DataFrame(rows).reindex(columns=cols)


_register_labels()
