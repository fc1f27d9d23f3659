"""ML accelerators: Epoch AI's ML-hardware snapshot as typed columns, their trends, and a lookup of one chip.

* :func:`hardware_table`: release date and price, dense peak FLOP/s per precision, TDP (units in column names), plus
  price-performance (FLOP/s per 2023 USD, release price deflated with the BLS CPI-U) and energy efficiency (per W);
* :func:`hardware_trend` / :func:`hardware_trend_table`: log-linear growth with HC3 intervals
  (:func:`analysis.metrics.trends.fit_trend`), per metric and accelerator group;
* :class:`HardwareCatalog`: one accelerator's peak, TDP and release price by our hardware id or Epoch's name.

Split out of :mod:`analysis.metrics.infrastructure` (which re-exports these names) to keep each module readable.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
import pandas as pd

from analysis import constants as C
from analysis.errors import AnalysisError, UsageError
from analysis.metrics import trends

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


def _register_labels() -> None:
    """Let analysis.metrics.trends fit our columns (it accepts its metric names or known columns) with readable labels."""
    for col, label, _unit in HARDWARE_METRICS.values():
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


def hardware_table(raw: pd.DataFrame) -> pd.DataFrame:
    """Epoch's ML-hardware extract as typed columns, with price-performance and energy efficiency.

    ``raw`` is the extract as strings (the data layer reads and verifies it:
    ``analysis.data.sources.ml_hardware().frame``). Unknown = NaN, never a guess. Adds ``group`` (gpu/tpu/other), ``ml`` (used to train at least one
    model in Epoch's models data: the ``ML models`` column is not empty), ``release_year``, ``price_2023_usd``
    (release price deflated with CPI-U; ``price_deflated`` False when the release year is past the last CPI entry),
    and per precision ``*_per_2023_usd`` and ``*_per_w`` (dense peak over deflated price / over TDP).
    """
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
    # accelerators, not models: HC3 as documented (the organization/year clustering of model trends, issue 23, was
    # not studied for chips)
    return trends.fit_trend(rows, col, since=since, until=until, confidence=confidence, method=method,
                            n_boot=n_boot, seed=seed, subset=f"{group} accelerators", cov_type="HC3")


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


_register_labels()
