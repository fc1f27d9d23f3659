"""The cost of a training run from first principles: amortized hardware + energy, and cloud rental.

Amortized hardware + energy follows Cottier et al. (2024), "The rising costs of training frontier AI models"
(arXiv:2405.21015), as implemented in Epoch AI's public cost model; each assumption is a constant with its source
in :mod:`analysis.constants` (section "Compute infrastructure")::

    value per chip          = release price (deflated) x 10**(-r * age)   age = years from the chip's release to
                                                                          the run's start (0 when not known)
    cluster cost (2023 USD) = chips x value per chip x server overhead x interconnect overhead
    amortized hardware      = cluster cost x (1 - 10**(-r * t))     r = depreciation, OOM/year; t = run, years
    wall power (W)          = chips x TDP x chip-to-server power ratio x fraction of server TDP drawn x PUE
    energy cost             = wall power x hours / 1000 x price per kWh
    cloud rental            = chip-hours x price per chip-hour (cited defaults in analysis.constants)

When only chip-hours are known (not chips and hours separately) the amortized hardware uses the first-order form
``price x chip_hours x r ln(10) / 8766 h`` (within 2% of the exact form for runs shorter than a month).

Ranges: each uncertain input is lognormal with its 5th and 95th percentiles at the ends of its documented range
(as in Epoch's uncertainty notebook); 20,000 Monte Carlo draws with a fixed seed give the 90% range of each cost.
These are ranges of assumptions, not sampling intervals: they say how much the answer moves with the inputs.
The central estimate uses the central value of every input.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from analysis import constants as C
from analysis.errors import AnalysisError, UsageError
from analysis.metrics import trends
from analysis.metrics.accelerators import HardwareCatalog, HardwareSpec
from analysis.metrics.compute import find_model
from analysis.metrics.energy import energy_kwh_draws, lognormal_from_range, run_energy
from analysis.metrics.result import Result, ResultMeta, meta
from analysis.metrics.selection import select

HOURS_PER_YEAR = 24 * C.DAYS_PER_YEAR
N_DRAWS = 20_000


def _positive(value: object, what: str, *, allow_none: bool = False) -> float | None:
    if value is None or (isinstance(value, float) and math.isnan(value)):
        if allow_none:
            return None
        raise UsageError(f"{what} is required")
    try:
        v = float(value)
    except (TypeError, ValueError):
        raise UsageError(f"{what} must be a number, got {value!r}") from None
    if not (v > 0 and math.isfinite(v)):
        raise UsageError(f"{what} must be a positive number, got {value!r}")
    return v


COST_RANGE_LEVEL = 0.90  # the ranges are 5th-95th percentiles of the Monte Carlo draws


@dataclass(frozen=True)
class CostEstimate(Result):
    """Cost of one run: central values (2023 USD) and 90% ranges over the documented assumptions."""

    json_skip = frozenset({"assumptions"})
    json_rename = {"label": "run", "price_2023_usd": "price_per_chip_2023_usd",
                   "cluster_cost_usd": "cluster_cost_2023_usd", "amortized_hardware_usd": "amortized_hardware_2023_usd",
                   "amortized_hardware_range": "amortized_hardware_2023_usd_ci", "energy_usd": "energy_2023_usd", "energy_mwh_range": "energy_mwh_ci",
                   "energy_range": "energy_2023_usd_ci", "amortized_total_usd": "amortized_total_2023_usd",
                   "amortized_total_range": "amortized_total_2023_usd_ci",
                   "cloud_price_per_chip_hour": "cloud_price_per_chip_hour_usd", "cloud_range": "cloud_usd_ci"}
    json_derived = ("ratio_to_epoch",)

    label: str
    hardware: str
    chips: float | None
    hours: float | None
    chip_hours: float
    utilization: float | None  # given, or implied by the model's compute
    flop: float | None  # chip-hours x 3600 x peak x utilization
    peak_flop_per_s: float | None
    price_2023_usd: float | None  # per accelerator
    cluster_cost_usd: float | None  # acquisition cost of the cluster (chips x price x overheads)
    amortized_hardware_usd: float | None
    amortized_hardware_range: tuple[float, float] | None
    power_w: float | None  # wall power of the cluster (needs chips)
    energy_mwh: float | None  # the one energy model (analysis.metrics.energy), as `compute` prints it
    energy_mwh_range: tuple[float, float] | None  # its 90% range (fraction of server power drawn and PUE)
    energy_usd: float | None
    energy_range: tuple[float, float] | None
    amortized_total_usd: float | None
    amortized_total_range: tuple[float, float] | None
    cloud_price_per_chip_hour: float | None
    cloud_usd: float | None
    cloud_range: tuple[float, float] | None
    epoch_cost_2023_usd: float | None = None
    epoch_power_draw_w: float | None = None
    assumptions: tuple[tuple[str, float, tuple[float, float] | None, str], ...] = ()
    notes: tuple[str, ...] = ()
    sources: dict = field(default_factory=dict)

    @property
    def ratio_to_epoch(self) -> float | None:
        if self.epoch_cost_2023_usd and self.amortized_total_usd:
            return self.amortized_total_usd / self.epoch_cost_2023_usd
        return None

    def to_frame(self) -> pd.DataFrame:
        """One row per cost component: central value and 90% range (USD of 2023; cloud at its list-price year)."""
        rows = []
        for name, v, rng in (("amortized hardware", self.amortized_hardware_usd, self.amortized_hardware_range),
                             ("energy", self.energy_usd, self.energy_range),
                             ("amortized hardware + energy", self.amortized_total_usd, self.amortized_total_range),
                             ("cloud rental", self.cloud_usd, self.cloud_range),
                             ("Epoch AI estimate", self.epoch_cost_2023_usd, None)):
            lo, hi = (rng[0], rng[1]) if rng else (math.nan, math.nan)
            rows.append({"run": self.label, "component": name, "usd": v, "usd_low": lo, "usd_high": hi,
                         "usd_millions": None if v is None else v / 1e6, "usd_low_millions": lo / 1e6,
                         "usd_high_millions": hi / 1e6})
        return pd.DataFrame(rows)

    def json_extra(self) -> dict:
        return {"range_level": COST_RANGE_LEVEL,
                "assumptions": [{"name": n, "value": v, "range": r, "source": s} for n, v, r, s in self.assumptions]}

    @property
    def meta(self) -> ResultMeta:
        return meta(1, None, None, "hardware and energy: Monte Carlo over the documented assumption ranges "
                    "(lognormal draws, 5th-95th percentiles); cloud: the documented price range", COST_RANGE_LEVEL)


def _amortized_hardware(spec: HardwareSpec, chips: float | None, hours: float | None, chip_hours: float,
                        start: object, rng: np.random.Generator, notes: list, assumptions: list):
    """Amortized hardware cost of a run (Cottier et al. 2024): central value, 90% range, cluster cost and the Monte
    Carlo draws; appends its assumptions and notes."""
    amort = amort_rng = cluster = None
    amort_draws = None
    if spec.price_2023_usd is not None:
        over = C.SERVER_COST_OVERHEAD * C.CLUSTER_INTERCONNECT_OVERHEAD
        r = C.DEPRECIATION_OOM_PER_YEAR
        age = 0.0
        if start is not None and spec.release_date is not None:
            age = max(0.0, (pd.Timestamp(start) - pd.Timestamp(spec.release_date)).total_seconds() / 86400
                      / C.DAYS_PER_YEAR)
        r_d = lognormal_from_range(*C.DEPRECIATION_OOM_PER_YEAR_RANGE, N_DRAWS, rng)
        price = spec.price_2023_usd * 10 ** (-r * age)
        price_d = (spec.price_2023_usd * 10 ** (-r_d * age)
                   * lognormal_from_range(*C.HARDWARE_PRICE_FACTOR_RANGE, N_DRAWS, rng))
        over_d = (lognormal_from_range(*C.SERVER_COST_OVERHEAD_RANGE, N_DRAWS, rng)
                  * lognormal_from_range(*C.CLUSTER_INTERCONNECT_OVERHEAD_RANGE, N_DRAWS, rng))
        if chips is not None and hours is not None:
            cluster = chips * price * over
            t = hours / HOURS_PER_YEAR
            amort = cluster * (1 - 10 ** (-r * t))
            amort_draws = chips * price_d * over_d * (1 - 10 ** (-r_d * t))
        else:
            amort = price * over * chip_hours * r * math.log(10) / HOURS_PER_YEAR
            amort_draws = price_d * over_d * chip_hours * r_d * math.log(10) / HOURS_PER_YEAR
            notes.append("chips and duration not known separately: amortized hardware uses the first-order "
                         "(short-run) depreciation per chip-hour")
        amort_rng = tuple(np.quantile(amort_draws, [0.05, 0.95]))
        if age > 0:
            assumptions.append(("hardware age at the run's start (years)", age, None,
                                "chip release date (Epoch AI ML hardware) to the run's start"))
        assumptions += [
            ("value per accelerator at the run's start (2023 USD)", price, (price * C.HARDWARE_PRICE_FACTOR_RANGE[0],
                                                        price * C.HARDWARE_PRICE_FACTOR_RANGE[1]),
             f"{spec.price_source}, deflated with {C.CPI_U_SOURCE}; range x0.5-x2 as in Cottier et al. 2024"),
            ("server cost overhead", C.SERVER_COST_OVERHEAD, C.SERVER_COST_OVERHEAD_RANGE, "Cottier et al. 2024"),
            ("cluster interconnect overhead", C.CLUSTER_INTERCONNECT_OVERHEAD, C.CLUSTER_INTERCONNECT_OVERHEAD_RANGE,
             "Cottier et al. 2024"),
            ("depreciation (OOM/year)", r, C.DEPRECIATION_OOM_PER_YEAR_RANGE,
             "ML-GPU price-performance trend (Hobbhahn et al.)"),
        ]
        if spec.price_year is not None and spec.price_year > max(C.CPI_U_ANNUAL):
            notes.append(f"release price of {spec.price_year} not deflated (CPI-U known to {max(C.CPI_U_ANNUAL)})")
    else:
        notes.append(f"no release price for {spec.name} in Epoch's ML-hardware data: no amortized hardware cost")
    return amort, amort_rng, cluster, amort_draws


def _energy(spec: HardwareSpec, chips: float | None, chip_hours: float, pue: float | None,
            electricity_usd_per_kwh: float | None, rng: np.random.Generator, notes: list, assumptions: list):
    """Energy of a run (:func:`analysis.metrics.energy.run_energy`, the one energy model): cluster power, the
    :class:`~analysis.metrics.energy.RunEnergy`, its cost, the cost's 90% range and the Monte Carlo draws; appends its
    assumptions and notes. Draws from ``rng`` after the hardware draws."""
    power = energy_usd = energy_rng = e = None
    energy_draws = None
    if spec.tdp_w is not None:
        e = run_energy(spec.tdp_w, chip_hours, hardware_id=spec.key, tpu=spec.group == "tpu", pue=pue)
        if electricity_usd_per_kwh is not None:
            kwh_c = _positive(electricity_usd_per_kwh, "electricity price")
            kwh_r = (kwh_c, kwh_c)
        else:
            kwh_c, kwh_r = C.ELECTRICITY_USD_PER_KWH, C.ELECTRICITY_USD_PER_KWH_RANGE
        energy_usd = e.mwh * 1000 * kwh_c
        if chips is not None:
            power = e.wall_w_per_chip * chips
        energy_draws = energy_kwh_draws(e, N_DRAWS, rng) * (lognormal_from_range(*kwh_r, N_DRAWS, rng)
                                                             if kwh_r[0] < kwh_r[1] else np.full(N_DRAWS, kwh_r[0]))
        energy_rng = tuple(np.quantile(energy_draws, [0.05, 0.95]))
        assumptions += [
            ("chip TDP (W)", spec.tdp_w, None, spec.peak_source or "Epoch AI ML hardware"),
            ("chip-to-server power ratio", e.server_ratio, None, "NVIDIA DGX datasheets / Jouppi et al. 2021, via Epoch"),
            ("fraction of server TDP drawn", e.server_fraction, e.server_fraction_range, "Epoch cost model"),
            ("PUE", e.pue, e.pue_range, "given" if pue is not None else "Epoch cost model (hyperscale 1.1); Uptime 2023"),
            ("electricity (USD/kWh)", kwh_c, kwh_r, "given" if electricity_usd_per_kwh is not None else
             "EIA US industrial average 2023; state range TX-VA"),
        ]
    else:
        notes.append(f"no TDP for {spec.name}: no energy estimate")
    return power, e, energy_usd, energy_rng, energy_draws


def _cloud_rental(spec: HardwareSpec, chip_hours: float, cloud_price_per_chip_hour: float | None, notes: list,
                  assumptions: list):
    """Cloud rental cost of a run at a given or documented price per chip-hour, with its range."""
    cloud = cloud_rng = None
    cprice = cloud_price_per_chip_hour
    if cprice is not None:
        cprice = _positive(cprice, "cloud price per chip-hour")
        cloud = cprice * chip_hours
        cloud_rng = (cloud, cloud)
    elif spec.key in C.GPU_HOUR_PRICE_USD:
        cprice = C.GPU_HOUR_PRICE_USD[spec.key]
        cloud = cprice * chip_hours
        lo, hi = C.GPU_HOUR_PRICE_RANGE_USD.get(spec.key, (cprice, cprice))
        cloud_rng = (lo * chip_hours, hi * chip_hours)
        assumptions.append(("cloud price per chip-hour (USD)", cprice, (lo, hi), C.GPU_HOUR_PRICE_SOURCE))
    else:
        notes.append(f"no documented cloud price for {spec.name}: pass one for a rental estimate")
    return cprice, cloud, cloud_rng


def run_cost(spec: HardwareSpec, *, chips: float | None = None, hours: float | None = None,
             chip_hours: float | None = None, utilization: float | None = None, label: str = "hypothetical run",
             cloud_price_per_chip_hour: float | None = None, pue: float | None = None,
             electricity_usd_per_kwh: float | None = None, start: object = None, seed: int = 0) -> CostEstimate:
    """Cost of a run on ``chips`` accelerators for ``hours`` (or ``chip_hours`` in total).

    Give chips and hours (or days x 24), or chip_hours alone. ``utilization`` (MFU, 0-1) is only used to report the
    run's FLOP. Overrides (PUE, electricity price, cloud price) replace the documented central value and its range.
    ``start`` (a date) is when the run began: hardware bought at release has lost value by then, at the same
    depreciation rate (Cottier et al.'s code depreciates the release price to the training start date the same way);
    without it the hardware is valued new.
    """
    chips = _positive(chips, "chip count", allow_none=True)
    hours = _positive(hours, "training hours", allow_none=True)
    chip_hours = _positive(chip_hours, "chip-hours", allow_none=True)
    if chips is not None and hours is not None:
        if chip_hours is not None and not math.isclose(chip_hours, chips * hours, rel_tol=1e-6):
            raise UsageError(f"chip-hours {chip_hours:g} disagree with chips x hours = {chips * hours:g}")
        chip_hours = chips * hours
    if chip_hours is None:
        raise UsageError("give chips and hours, or chip-hours")
    if utilization is not None and not (0 < float(utilization) <= 1):
        raise UsageError(f"utilization must be in (0, 1], got {utilization!r}")
    notes: list[str] = []
    assumptions: list[tuple[str, float, tuple[float, float] | None, str]] = []
    rng = np.random.default_rng(seed)
    amort, amort_rng, cluster, amort_draws = _amortized_hardware(spec, chips, hours, chip_hours, start, rng, notes,
                                                                 assumptions)
    power, energy, energy_usd, energy_rng, energy_draws = _energy(spec, chips, chip_hours, pue,
                                                                  electricity_usd_per_kwh, rng, notes, assumptions)

    total = total_rng = None
    if amort is not None and energy_usd is not None:
        total = amort + energy_usd
        total_rng = tuple(np.quantile(amort_draws + energy_draws, [0.05, 0.95]))
    elif amort is not None:
        total, total_rng = amort, amort_rng
        notes.append("total excludes energy (no TDP)")

    cprice, cloud, cloud_rng = _cloud_rental(spec, chip_hours, cloud_price_per_chip_hour, notes, assumptions)

    flop = None
    if utilization is not None and spec.peak_flop_per_s is not None:
        flop = chip_hours * 3600 * spec.peak_flop_per_s * float(utilization)
    return CostEstimate(
        label=label, hardware=spec.name, chips=chips, hours=hours, chip_hours=chip_hours,
        utilization=None if utilization is None else float(utilization), flop=flop,
        peak_flop_per_s=spec.peak_flop_per_s, price_2023_usd=spec.price_2023_usd, cluster_cost_usd=cluster,
        amortized_hardware_usd=amort, amortized_hardware_range=amort_rng, power_w=power,
        energy_mwh=None if energy is None else energy.mwh, energy_mwh_range=None if energy is None else energy.mwh_range,
        energy_usd=energy_usd, energy_range=energy_rng, amortized_total_usd=total, amortized_total_range=total_rng,
        cloud_price_per_chip_hour=cprice, cloud_usd=cloud, cloud_range=cloud_rng, assumptions=tuple(assumptions),
        notes=tuple(notes), sources={"price": spec.price_source, "peak": spec.peak_source})


def _cell(row: pd.Series, col: str) -> float | None:
    if col not in row.index:
        return None
    v = pd.to_numeric(pd.Series([row[col]]), errors="coerce").iloc[0]
    return None if pd.isna(v) or v <= 0 else float(v)


def model_cost(models: pd.DataFrame, catalog: HardwareCatalog, model_id: str, **kw) -> CostEstimate:
    """:func:`run_cost` for a model of the table: its hardware, chip count, hours (or GPU-hours), compared with
    Epoch's ``training_cost_2023_usd`` and ``training_power_draw_w`` where the row has them."""
    return row_cost(find_model(models, model_id), catalog, model_id, **kw)


def row_cost(row: pd.Series, catalog: HardwareCatalog, model_id: str = "", **kw) -> CostEstimate:
    """:func:`model_cost` for one row of the models table."""
    hw = row.get("training_hardware")
    if hw is None or (isinstance(hw, float) and math.isnan(hw)) or not str(hw).strip():
        raise AnalysisError(f"{row.get('id', model_id)}: no training hardware recorded; use a hypothetical run "
                            "(--hardware, --chips, --hours)")
    spec = catalog.spec(hw)
    if spec is None:
        raise AnalysisError(f"{row.get('id', model_id)}: hardware {hw!r} is not in the hardware tables")
    chips, hours, gh = _cell(row, "hardware_count"), _cell(row, "training_time_hours"), _cell(row, "gpu_hours")
    notes = []
    if chips is not None and hours is not None:
        kw_run = dict(chips=chips, hours=hours)
    elif gh is not None:
        kw_run = dict(chip_hours=gh)
        if chips is not None:
            kw_run = dict(chips=chips, hours=gh / chips)
            notes.append("hours = reported chip-hours / chip count")
    else:
        raise AnalysisError(f"{row.get('id', model_id)}: needs hardware_count and training_time_hours, or gpu_hours")
    util = kw.pop("utilization", None)
    compute = _cell(row, "training_compute_flop")
    ch = kw_run.get("chip_hours") or kw_run["chips"] * kw_run["hours"]
    if util is None and compute is not None and spec.peak_flop_per_s:
        util = compute / (ch * 3600 * spec.peak_flop_per_s)
        notes.append(f"utilization implied by the model's compute and the {spec.peak_precision} peak")
        if not (0 < util <= 1):
            notes.append(f"implied utilization {util:.2f} is outside (0, 1]: compute, hardware or hours disagree")
            util = None
    start = None
    rel = pd.to_datetime(row.get("release_date"), errors="coerce")
    if "start" not in kw and not pd.isna(rel):
        hours = kw_run.get("hours")
        start = rel - pd.Timedelta(hours=hours) if hours else rel
        notes.append("run assumed to end at the model's release date (hardware age counted to its start)")
    est = run_cost(spec, utilization=util, label=str(row.get("name", model_id)), start=kw.pop("start", start),
                   **kw_run, **kw)
    return CostEstimate(**{**est.__dict__, "epoch_cost_2023_usd": _cell(row, "training_cost_2023_usd"),
                           "epoch_power_draw_w": _cell(row, "training_power_draw_w"),
                           "notes": tuple(notes) + est.notes})


def cost_table(models: pd.DataFrame, catalog: HardwareCatalog, *, subset_ids=None) -> pd.DataFrame:
    """Our first-principles amortized cost next to Epoch's figure, for every model where both can be computed."""
    rows = []
    sel = models if subset_ids is None else models[models["id"].isin(list(subset_ids))]
    has_hw = sel["training_hardware"].fillna("").astype(str).str.strip() != ""
    has_time = pd.Series(False, index=sel.index)
    for c in ("training_time_hours", "gpu_hours"):
        if c in sel.columns:
            has_time |= pd.to_numeric(sel[c], errors="coerce").gt(0)
    for _, row in sel[has_hw & has_time].iterrows():
        mid = row.get("id")
        try:
            e = row_cost(row, catalog, mid)
        except (AnalysisError, UsageError):
            continue
        if e.amortized_total_usd is None:
            continue
        rows.append({"id": mid, "name": e.label, "hardware": e.hardware, "chips": e.chips, "hours": e.hours,
                     "chip_hours": e.chip_hours, "amortized_total_usd": e.amortized_total_usd,
                     "amortized_low_usd": e.amortized_total_range[0], "amortized_high_usd": e.amortized_total_range[1],
                     "energy_usd": e.energy_usd, "cloud_usd": e.cloud_usd, "epoch_cost_2023_usd": e.epoch_cost_2023_usd,
                     "ratio_to_epoch": e.ratio_to_epoch})
    return pd.DataFrame(rows)


def comparison_summary(table: pd.DataFrame) -> pd.DataFrame:
    """One row: how many runs are costed both ways, the median ratio ours / Epoch's, and the share of runs whose
    Epoch figure lies inside our 90% range (NaN when there are none)."""
    t = table.dropna(subset=["epoch_cost_2023_usd"]) if "epoch_cost_2023_usd" in table.columns else table.iloc[0:0]
    if t.empty:
        return pd.DataFrame([{"n": 0, "median_ratio": math.nan, "share_inside": math.nan}])
    inside = (t["amortized_low_usd"] <= t["epoch_cost_2023_usd"]) & (t["epoch_cost_2023_usd"] <= t["amortized_high_usd"])
    return pd.DataFrame([{"n": int(len(t)), "median_ratio": float(t["ratio_to_epoch"].median()),
                          "share_inside": float(inside.mean())}])


def cost_trend(models: pd.DataFrame, catalog: HardwareCatalog, subset: str = "frontier", *, since: object = None,
               until: object = None, top_k: int = C.FRONTIER_TOP_K, confidence: float = C.DEFAULT_CONFIDENCE):
    """Growth per year of *our* first-principles amortized cost (not Epoch's column) over the runs of ``subset``
    that can be costed (hardware with a release price, chips and hours or chip-hours)."""
    rows = select(models, subset, top_k=top_k)
    costs = cost_table(rows, catalog)
    if costs.empty:
        raise AnalysisError(f"no {subset} run can be costed from first principles")
    fit_rows = rows.merge(costs[["id", "amortized_total_usd"]], on="id")
    trends.COLUMN_LABELS.setdefault("amortized_total_usd", "Amortized hardware + energy cost (ours, 2023 USD)")
    return trends.fit_trend(fit_rows, "amortized_total_usd", since=since, until=until, confidence=confidence,
                            subset=f"{subset} runs costed from first principles")
