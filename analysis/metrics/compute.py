"""Compute accounting: training FLOP by three estimators, implied utilization (MFU), cost and energy.

Estimators (Epoch AI's two standard methods plus the reported-hours variant):

* ``6ND``: ``6 x N x D`` with N the *active* parameters for mixture-of-experts models (Kaplan et al. 2020;
  Hoffmann et al. 2022, Appendix F: within a few % of a full FLOP count for dense transformers);
* ``hardware``: ``chips x training hours x peak FLOP/s at the training precision x utilization``;
* ``gpu-hours``: ``reported accelerator-hours x 3600 x peak FLOP/s x utilization``.

Peak throughput comes from the hardware table (``data/hardware.csv``: ``bf16_flop_per_s`` etc., dense figures).
Utilization: a value the caller gives, else the model's reported ``utilization_mfu``, else the prior of its
accelerator's generation (:mod:`analysis.metrics.utilization`: the median of the MFUs developers reported for that
generation in Epoch AI's data, with their range as the interval and its distribution-free prediction coverage;
no single blanket value). The FLOP range of a hardware-based estimate is that range.

Implied utilization: ``FLOP / (accelerator-hours x 3600 x peak)``, e.g. Llama 3 from Meta's reported H100-hours.
Cost: accelerator-hours x a price per accelerator-hour (cited defaults per accelerator, with a cited low-high
range). Energy: :func:`analysis.metrics.energy.run_energy`, the one energy model of the toolkit (chip TDP x
chip-to-server power x share of server power drawn x PUE, Cottier et al. 2024), so `compute` and `cost` print the
same figure. Accelerator-hours for cost and energy follow `cost`'s rule: chips x training hours when both are known,
else the reported chip-hours; `compute` alone goes on to estimate them from the FLOP at the utilization, and says so.
All are pure functions of DataFrames and numbers; nothing prints.
"""

from __future__ import annotations

import contextlib
import difflib
import math
from dataclasses import dataclass

import pandas as pd

from analysis import constants as C
from analysis.errors import AnalysisError, UsageError
from analysis.metrics.energy import run_energy
from analysis.metrics.result import Result, ResultMeta, meta
from analysis.metrics.utilization import MfuReports, prior_for
from analysis.metrics.vocabulary import check_positive

SECONDS_PER_HOUR = 3600.0
# --precision name -> hardware.csv column (dense peak throughput)
PRECISIONS = {
    "fp32": "fp32_flop_per_s",
    "tf32": "tf32_flop_per_s",
    "bf16": "bf16_flop_per_s",
    "fp16": "bf16_flop_per_s",  # the table's 16-bit column (bf16 = fp16 tensor throughput on these parts)
    "fp8": "fp8_flop_per_s",
    "int8": "int8_op_per_s",
}
METHODS = ("6ND", "hardware", "gpu-hours")


# --- numbers ---------------------------------------------------------------------------------------------------


def _num(value: object, what: str, *, allow_zero: bool = False) -> float:
    """A finite positive float (or 0 with ``allow_zero``); same rules and messages as the scaling module."""
    if allow_zero and not isinstance(value, bool):
        with contextlib.suppress(TypeError, ValueError):
            if float(value) == 0:  # type: ignore[arg-type]
                return 0.0
    return check_positive(value, what)


def _fraction(value: object, what: str = "utilization") -> float:
    v = _num(value, what)
    if v > 1:
        raise AnalysisError(f"{what} is a fraction of peak and must be in (0, 1], got {value!r} "
                            f"(write 0.4 for 40%)")
    return v


# --- estimators ------------------------------------------------------------------------------------------------


def flop_6nd(params: float, tokens: float, active_params: float | None = None) -> float:
    """Training FLOP ``6 N D``; N = ``active_params`` when given (MoE: parameters used per token)."""
    n = _num(active_params, "active parameters") if active_params is not None else _num(params, "parameters")
    return 6.0 * n * _num(tokens, "training tokens")


def flop_from_hardware(chip_count: float, training_hours: float, peak_flop_per_s: float,
                       utilization: float) -> float:
    """Training FLOP ``chips x hours x 3600 x peak FLOP/s x utilization``."""
    return (_num(chip_count, "chip count") * _num(training_hours, "training hours") * SECONDS_PER_HOUR
            * _num(peak_flop_per_s, "peak FLOP/s") * _fraction(utilization))


def flop_from_gpu_hours(gpu_hours: float, peak_flop_per_s: float, utilization: float) -> float:
    """Training FLOP ``accelerator-hours x 3600 x peak FLOP/s x utilization``."""
    return (_num(gpu_hours, "GPU-hours") * SECONDS_PER_HOUR * _num(peak_flop_per_s, "peak FLOP/s")
            * _fraction(utilization))


def implied_utilization(flop: float, gpu_hours: float, peak_flop_per_s: float) -> float:
    """Model FLOP utilization implied by a FLOP count and accelerator-hours: ``FLOP / (hours x 3600 x peak)``.

    Values above 1 are returned as computed (they signal inconsistent inputs: too few hours, a wrong chip or
    precision, or FLOP counting more than the run); the caller reports them.
    """
    return _num(flop, "FLOP") / (_num(gpu_hours, "GPU-hours") * SECONDS_PER_HOUR * _num(peak_flop_per_s, "peak FLOP/s"))


def per_gpu_throughput_to_mfu(flop_per_s_per_gpu: float, peak_flop_per_s: float) -> float:
    """Achieved FLOP/s per accelerator as a fraction of peak (e.g. Meta's 400 TFLOPS on H100 -> 0.40)."""
    return _num(flop_per_s_per_gpu, "achieved FLOP/s") / _num(peak_flop_per_s, "peak FLOP/s")


def training_cost_usd(gpu_hours: float, price_per_gpu_hour: float) -> float:
    """Rental-equivalent cost: accelerator-hours x price per accelerator-hour (USD)."""
    return _num(gpu_hours, "GPU-hours") * _num(price_per_gpu_hour, "price per GPU-hour")


# --- lookups ---------------------------------------------------------------------------------------------------


def _did_you_mean(wanted: str, candidates) -> str:
    close = difflib.get_close_matches(str(wanted), [str(c) for c in candidates], n=3, cutoff=0.5)
    return f"; did you mean {', '.join(repr(c) for c in close)}?" if close else ""


def find_model(models: pd.DataFrame, model_id: str) -> pd.Series:
    """The row of ``model_id`` (exact id; else a unique case-insensitive match on id or name), or AnalysisError."""
    if not isinstance(models, pd.DataFrame) or "id" not in models.columns:
        raise AnalysisError("models table has no 'id' column")
    ids = models["id"].astype(str)
    hit = models[ids == str(model_id)]
    if hit.empty:
        key = str(model_id).strip().lower()
        mask = ids.str.lower() == key
        if "name" in models.columns:
            mask |= models["name"].astype(str).str.lower() == key
        hit = models[mask]
    if hit.empty:
        raise AnalysisError(f"unknown model id {model_id!r}{_did_you_mean(str(model_id).lower(), ids)}")
    if len(hit) > 1:
        raise AnalysisError(f"model id {model_id!r} matches {len(hit)} rows: {', '.join(hit['id'].astype(str))}")
    return hit.iloc[0]


def hardware_row(hardware: pd.DataFrame, hardware_id: str) -> pd.Series:
    """The hardware table row of ``hardware_id`` (e.g. 'nvidia-h100'), or AnalysisError with a suggestion."""
    if not isinstance(hardware, pd.DataFrame) or "id" not in hardware.columns:
        raise AnalysisError("hardware table has no 'id' column")
    ids = hardware["id"].astype(str)
    hit = hardware[ids == str(hardware_id)]
    if hit.empty:
        raise AnalysisError(f"unknown hardware id {hardware_id!r} (not in the hardware table)"
                            f"{_did_you_mean(hardware_id, ids)}")
    return hit.iloc[0]


def peak_flop_per_s(hardware: pd.DataFrame, hardware_id: str, precision: str = "bf16") -> float:
    """Dense peak throughput of an accelerator at a precision (``fp32``, ``tf32``, ``bf16``, ``fp8``, ``int8``)."""
    if precision not in PRECISIONS:
        raise UsageError(f"unknown precision {precision!r}; choose one of {', '.join(PRECISIONS)}")
    row = hardware_row(hardware, hardware_id)
    col = PRECISIONS[precision]
    v = pd.to_numeric(pd.Series([row.get(col)]), errors="coerce").iloc[0]
    if pd.isna(v) or v <= 0:
        have = [p for p, c in PRECISIONS.items() if c in row.index and pd.notna(row.get(c)) and p != "fp16"]
        raise AnalysisError(f"no {precision} peak for {hardware_id} in the hardware table"
                            + (f" (available: {', '.join(have)})" if have else ""))
    return float(v)


# --- one model -------------------------------------------------------------------------------------------------


COMPUTE_RANGE_KIND = "range over the utilization prior (the reported MFUs of the hardware generation)"


@dataclass(frozen=True)
class ComputeEstimate(Result):
    """One way of estimating a model's training compute; ``flop_range`` spans the utilization prior's range."""

    method: str  # 6ND | hardware | gpu-hours
    flop: float
    formula: str
    flop_low: float | None = None  # range from the utilization prior's range (reported MFUs of the generation)
    flop_high: float | None = None
    utilization: float | None = None
    utilization_low: float | None = None  # the utilization range behind flop_low/flop_high
    utilization_high: float | None = None
    utilization_source: str | None = None  # 'given', 'reported MFU' or the generation prior used

    json_skip = frozenset({"flop_low", "flop_high", "utilization_low", "utilization_high"})

    def json_extra(self) -> dict:
        return {"flop_range": None if self.flop_low is None else [self.flop_low, self.flop_high],
                "utilization_ci": None if self.utilization_low is None else [self.utilization_low,
                                                                              self.utilization_high]}

    @property
    def meta(self) -> ResultMeta:
        return meta(1, None, None, COMPUTE_RANGE_KIND if self.flop_low is not None else "none: a single estimate",
                    None)


@dataclass(frozen=True)
class ModelCompute(Result):
    """Every compute figure we can derive for one model, with the inputs and assumptions behind each."""

    json_rename = {"hardware_id": "hardware", "energy_mwh_range": "energy_mwh_ci"}

    model_id: str
    name: str
    recorded_flop: float | None
    recorded_method: str | None
    estimates: tuple[ComputeEstimate, ...]
    hardware_id: str | None
    precision: str
    peak_flop_per_s: float | None
    gpu_hours: float | None
    gpu_hours_source: str | None  # 'reported' | 'estimated from FLOP at utilization u' | None
    implied_mfu: float | None
    implied_mfu_flop_method: str | None
    reference_mfu: float | None  # for H100: Meta's >400 TFLOPS per GPU on 16K GPUs, as a fraction of peak
    price_per_gpu_hour: float | None
    price_source: str | None
    cost_usd: float | None
    cost_range_usd: tuple[float, float] | None
    power_w: float | None  # the accelerator's TDP
    pue: float | None
    energy_mwh: float | None
    it_energy_mwh: float | None
    energy_mwh_range: tuple[float, float] | None = None  # 90% range (share of server power drawn, PUE)
    energy_formula: str | None = None
    notes: tuple[str, ...] = ()

    def estimate(self, method: str) -> ComputeEstimate | None:
        return next((e for e in self.estimates if e.method == method), None)

    @property
    def meta(self) -> ResultMeta:
        ranged = any(e.flop_low is not None for e in self.estimates) or self.cost_range_usd is not None
        return meta(1, None, None, COMPUTE_RANGE_KIND if ranged else "none: single estimates", None)


def _cell(row: pd.Series, col: str) -> float | None:
    if col not in row.index:
        return None
    v = pd.to_numeric(pd.Series([row[col]]), errors="coerce").iloc[0]
    return None if pd.isna(v) or v <= 0 else float(v)


def _text(row: pd.Series, col: str) -> str | None:
    if col not in row.index or pd.isna(row[col]) or str(row[col]).strip() == "":
        return None
    return str(row[col]).strip()


def _utilization(utilization: float | None, reported_mfu: float | None, hw: str | None, notes: list[str],
                 mfu_reports: MfuReports | None):
    """The utilization used for hardware-based estimates, its source and range: given, else the model's reported
    MFU, else the prior for its hardware generation (whose interval becomes the range)."""
    prior = None
    if utilization is not None:
        u, u_src = _fraction(utilization), "given"
    elif reported_mfu is not None and reported_mfu <= 1:
        u, u_src = reported_mfu, "reported MFU"
    else:
        if mfu_reports is None:
            return None, None, None, None  # needed only with a known peak: model_compute then says what is missing
        prior = utilization_prior(hw, mfu_reports)
        u, u_src = prior.median, f"{prior.generation} prior, n={prior.n}"
        notes.append(f"utilization: {prior.label()}")
    u_lo, u_hi = (prior.low, prior.high) if prior is not None else (u, u)
    return u, u_src, u_lo, u_hi


def _need_utilization(model_id: str, peak: float | None, u: float | None) -> None:
    if peak is not None and u is None:
        raise AnalysisError(f"{model_id}: no reported MFU; give a utilization, or the reported MFUs the prior is built "
                            "from (mfu_reports=utilization.mfu_reports(analysis.data.sources.mfu_reports()))")


def _peak_and_power(hardware: pd.DataFrame, hw: str | None, precision: str, notes: list[str]):
    """Peak FLOP/s at ``precision`` and TDP of the training hardware; None (with a note) when unknown."""
    peak = power = None
    if hw is not None:
        try:
            hrow = hardware_row(hardware, hw)
            power = _cell(hrow, "tdp_w")
            peak = peak_flop_per_s(hardware, hw, precision)
        except AnalysisError as exc:
            notes.append(str(exc))
    else:
        notes.append("training hardware unknown: no hardware-based estimate, implied utilization or energy")
    return peak, power


def _implied_mfu(estimates, recorded: float | None, rec_method: str | None, gh: float | None, peak: float | None,
                 notes: list[str]):
    """Implied utilization: from 6ND (independent of any utilization assumption), else the recorded FLOP."""
    implied = flop_basis = None
    if peak is not None and gh is not None:
        e6 = next((e for e in estimates if e.method == "6ND"), None)
        # a FLOP figure derived from hardware and an assumed utilization would make the MFU circular
        basis = e6.flop if e6 else (recorded if rec_method in ("reported", "6ND", "epoch-ai") else None)
        if basis is not None:
            implied = implied_utilization(basis, gh, peak)
            flop_basis = "6ND" if e6 else f"recorded ({rec_method})"
            if implied > 1:
                notes.append(f"implied utilization {implied:.2f} > 1: the inputs are inconsistent")
    return implied, flop_basis


def _rental_cost(hours: float | None, hw: str | None, price_per_gpu_hour: float | None, notes: list[str]):
    """Price per GPU-hour (given or the cited default), its source, the cost and its range."""
    price = src = cost = cost_rng = None
    if hours is not None:
        if price_per_gpu_hour is not None:
            price, src = _num(price_per_gpu_hour, "price per GPU-hour"), "given"
        elif hw in C.GPU_HOUR_PRICE_USD:
            price, src = C.GPU_HOUR_PRICE_USD[hw], C.GPU_HOUR_PRICE_SOURCE
        if price is not None:
            cost = training_cost_usd(hours, price)
            if src != "given" and hw in C.GPU_HOUR_PRICE_RANGE_USD:
                lo, hi = C.GPU_HOUR_PRICE_RANGE_USD[hw]
                cost_rng = (training_cost_usd(hours, lo), training_cost_usd(hours, hi))
        else:
            notes.append(f"no default price for {hw}: pass a price per GPU-hour for a cost")
    return price, src, cost, cost_rng


def _run_hours(row: pd.Series, count: float | None, gh: float | None, flop: float | None, peak: float | None,
               u: float, u_src: str) -> tuple[float | None, str | None]:
    """Accelerator-hours for cost and energy, as `cost` takes them: chips x training hours, else the reported
    chip-hours; else (here only) estimated from the FLOP at the utilization."""
    run_h = _cell(row, "training_time_hours")
    if count is not None and run_h is not None:
        return count * run_h, "chips x training hours"
    if gh is not None:
        return gh, "reported"
    if flop is not None and peak is not None:
        return flop / (SECONDS_PER_HOUR * peak * u), f"estimated from {flop:.3g} FLOP at utilization {u:.2f} ({u_src})"
    return None, None


def model_compute(models: pd.DataFrame, hardware: pd.DataFrame, model_id: str, *, utilization: float | None = None,
                  precision: str = "bf16", price_per_gpu_hour: float | None = None, pue: float | None = None,
                  training_days: float | None = None, chip_count: float | None = None,
                  mfu_reports: MfuReports | None = None) -> ModelCompute:
    """Compute of one model by each available method, its implied utilization, cost and energy.

    ``utilization`` overrides the model's reported MFU / the prior (``mfu_reports``, from the data layer) for the
    hardware-based estimates. ``training_days`` (with the model's ``hardware_count`` or ``chip_count``) enables the
    hardware estimator: the schema has no training duration. ``price_per_gpu_hour`` overrides the cited default for
    the accelerator; ``pue`` (None: the energy model's default and range) the facility overhead.
    """
    if precision not in PRECISIONS:
        raise UsageError(f"unknown precision {precision!r}; choose one of {', '.join(PRECISIONS)}")
    row = find_model(models, model_id)
    if pue is not None and _num(pue, "PUE") < 1:
        raise AnalysisError(f"PUE cannot be below 1, got {pue!r}")
    notes: list[str] = []
    mid, name = str(row["id"]), _text(row, "name") or str(row["id"])
    n, n_act, d = _cell(row, "parameters"), _cell(row, "active_parameters"), _cell(row, "training_tokens")
    gh = _cell(row, "gpu_hours")
    hw = _text(row, "training_hardware")
    count = chip_count if chip_count is not None else _cell(row, "hardware_count")
    reported_mfu = _cell(row, "utilization_mfu")
    u, u_src, u_lo, u_hi = _utilization(utilization, reported_mfu, hw, notes, mfu_reports)

    estimates: list[ComputeEstimate] = []
    if (n_act or n) and d:
        used = n_act or n
        f = flop_6nd(n or used, d, n_act)
        what = "active params" if n_act else "params"
        estimates.append(ComputeEstimate("6ND", f, f"6 x {used:.3g} {what} x {d:.3g} tokens"))
    peak, power = _peak_and_power(hardware, hw, precision, notes)
    _need_utilization(mid, peak, u)

    if peak is not None and gh is not None:
        f = flop_from_gpu_hours(gh, peak, u)
        estimates.append(ComputeEstimate(
            "gpu-hours", f, f"{gh:.3g} {hw}-hours x 3600 s x {peak:.4g} FLOP/s ({precision}) x {u:.2f} ({u_src})",
            flop_from_gpu_hours(gh, peak, u_lo), flop_from_gpu_hours(gh, peak, u_hi), u, u_lo, u_hi, u_src))
    if peak is not None and training_days is not None:
        days = _num(training_days, "training days")
        if count is None:
            notes.append("hardware estimate needs the chip count (hardware_count is empty; pass chip_count)")
        else:
            hours = days * 24.0
            f = flop_from_hardware(count, hours, peak, u)
            estimates.append(ComputeEstimate(
                "hardware", f, f"{count:.0f} x {hw} x {hours:.4g} h x {peak:.4g} FLOP/s ({precision}) x {u:.2f}",
                flop_from_hardware(count, hours, peak, u_lo), flop_from_hardware(count, hours, peak, u_hi), u,
                u_lo, u_hi, u_src))

    recorded = _cell(row, "training_compute_flop")
    rec_method = _text(row, "compute_method")

    # implied utilization: from 6ND (independent of any utilization assumption), else the recorded FLOP
    implied, flop_basis = _implied_mfu(estimates, recorded, rec_method, gh, peak, notes)
    ref_mfu = None
    if hw in C.REFERENCE_THROUGHPUT_PER_GPU and peak is not None and precision == "bf16":
        ref_mfu = per_gpu_throughput_to_mfu(C.REFERENCE_THROUGHPUT_PER_GPU[hw], peak)

    hours, hours_src = _run_hours(row, count, gh, recorded or next((e.flop for e in estimates if e.method == "6ND"),
                                                                   None), peak, u, u_src)
    price, src, cost, cost_rng = _rental_cost(hours, hw, price_per_gpu_hour, notes)
    energy = None
    if hours is not None and power is not None:
        energy = run_energy(power, hours, hardware_id=hw, tpu=_text(hardware_row(hardware, hw), "type") == "tpu",
                            pue=pue)
    elif hours is not None and hw is not None and power is None:
        notes.append(f"no TDP for {hw} in the hardware table: no energy estimate")
    if n_act and n and n_act < n:
        notes.append(f"MoE: 6ND uses the {n_act:.3g} active parameters, not the {n:.3g} total")
    return ModelCompute(
        model_id=mid, name=name, recorded_flop=recorded, recorded_method=rec_method, estimates=tuple(estimates),
        hardware_id=hw, precision=precision, peak_flop_per_s=peak, gpu_hours=hours, gpu_hours_source=hours_src,
        implied_mfu=implied, implied_mfu_flop_method=flop_basis, reference_mfu=ref_mfu, price_per_gpu_hour=price,
        price_source=src, cost_usd=cost, cost_range_usd=cost_rng, power_w=power,
        pue=None if energy is None else energy.pue, energy_mwh=None if energy is None else energy.mwh,
        it_energy_mwh=None if energy is None else energy.it_mwh,
        energy_mwh_range=None if energy is None else energy.mwh_range,
        energy_formula=None if energy is None else energy.formula(), notes=tuple(notes))


def utilization_prior(hardware: object, reports: MfuReports):
    """The hardware-generation MFU prior (:func:`analysis.metrics.utilization.prior_for`) used when no MFU is reported."""
    return prior_for(hardware, reports=reports)


def compute_table(models: pd.DataFrame, hardware: pd.DataFrame, **kw) -> pd.DataFrame:
    """One row per model: 6ND and GPU-hours FLOP, implied MFU, GPU-hours used, cost and energy (tidy, plot-ready)."""
    if not isinstance(models, pd.DataFrame) or "id" not in models.columns:
        raise AnalysisError("models table has no 'id' column")
    rows = []
    for mid in models["id"].astype(str):
        mc = model_compute(models, hardware, mid, **kw)
        e6, eg = mc.estimate("6ND"), mc.estimate("gpu-hours")
        rows.append({
            "id": mc.model_id, "name": mc.name, "recorded_flop": mc.recorded_flop,
            "recorded_method": mc.recorded_method, "flop_6nd": e6.flop if e6 else math.nan,
            "flop_gpu_hours": eg.flop if eg else math.nan, "hardware": mc.hardware_id, "gpu_hours": mc.gpu_hours,
            "gpu_hours_source": mc.gpu_hours_source, "implied_mfu": mc.implied_mfu,
            "cost_usd": mc.cost_usd, "cost_low_usd": mc.cost_range_usd[0] if mc.cost_range_usd else math.nan,
            "cost_high_usd": mc.cost_range_usd[1] if mc.cost_range_usd else math.nan,
            "energy_mwh": mc.energy_mwh, "pue": mc.pue})
    return pd.DataFrame(rows)
