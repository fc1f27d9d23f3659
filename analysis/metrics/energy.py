"""The energy of a training run: one model for every command, table and figure (`compute`, `cost`, the reports).

Cottier et al. (2024), "The rising costs of training frontier AI models" (arXiv:2405.21015), as implemented in Epoch
AI's public cost model (github.com/epoch-research/training-cost-trends, energy.py); each input is a constant with
its source in :mod:`analysis.constants`::

    wall power per chip (W) = chip TDP x chip-to-server power ratio x fraction of server TDP drawn x PUE
    energy (MWh)            = wall power per chip x accelerator-hours / 1e6

The chip-to-server ratio carries the server's CPUs, memory and network; the fraction is the share of the server's
rated power a training run draws; the PUE (default 1.1, hyperscale facilities) the building's overhead. The range
is the 5th to 95th percentile when the fraction and the PUE are lognormal with their documented ranges at those
percentiles (their product is lognormal: the range is exact, no simulation, so every command prints the same one).
A PUE given by the user is taken as exact. ``it_mwh`` is the energy at the chips alone (TDP x hours), for
comparison with figures that count only the accelerators.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from analysis import constants as C
from analysis.errors import AnalysisError, UsageError

Z90 = 1.6448536269514722  # standard normal 95th percentile
ENERGY_RANGE_LEVEL = 0.90
ENERGY_MODEL = ("chip TDP x chip-to-server power ratio x fraction of server TDP drawn x PUE (Cottier et al. 2024, "
                "Epoch AI's cost model)")


def lognormal_params(low: float, high: float) -> tuple[float, float]:
    """(mu, sigma) of the lognormal whose 5th and 95th percentiles are ``low`` and ``high``."""
    if not (0 < low <= high):
        raise UsageError(f"a range needs 0 < low <= high, got ({low}, {high})")
    return (math.log(low) + math.log(high)) / 2, (math.log(high) - math.log(low)) / (2 * Z90)


def lognormal_from_range(low: float, high: float, size: int, rng: np.random.Generator) -> np.ndarray:
    """Draws whose 5th and 95th percentiles are ``low`` and ``high`` (a constant when low == high)."""
    mu, sigma = lognormal_params(low, high)
    return np.exp(rng.normal(mu, sigma, size)) if sigma > 0 else np.full(size, low)


def server_power_ratio(hardware_id: str | None, tpu: bool) -> float:
    """Chip-to-server power ratio: the measured one for the chip where known (H100, A100), else GPUs' or TPUs'."""
    if hardware_id in C.CHIP_TO_SERVER_POWER:
        return C.CHIP_TO_SERVER_POWER[str(hardware_id)]
    return C.CHIP_TO_SERVER_POWER["tpu" if tpu else "gpu"]


@dataclass(frozen=True)
class RunEnergy:
    """Energy of one run with the inputs it rests on."""

    mwh: float
    mwh_range: tuple[float, float]  # 5th-95th percentile over the fraction drawn and the PUE
    it_mwh: float  # at the chips: TDP x hours
    wall_w_per_chip: float
    tdp_w: float
    chip_hours: float
    server_ratio: float
    server_fraction: float
    server_fraction_range: tuple[float, float]
    pue: float
    pue_range: tuple[float, float]
    pue_given: bool

    def formula(self) -> str:
        """'6,400,000 chip-hours x 700 W TDP x 1.82 (chip-to-server power) x 0.75 (...) x PUE 1.1'."""
        return (f"{self.chip_hours:,.0f} chip-hours x {self.tdp_w:g} W TDP x {self.server_ratio:.3g} (chip-to-server "
                f"power) x {self.server_fraction:g} (share of server power drawn) x PUE {self.pue:g}")


def run_energy(tdp_w: float, chip_hours: float, *, hardware_id: str | None = None, tpu: bool = False,
               pue: float | None = None) -> RunEnergy:
    """The energy of a run of ``chip_hours`` on chips of ``tdp_w`` (see the module docstring)."""
    for v, what in ((tdp_w, "TDP (W)"), (chip_hours, "accelerator-hours")):
        if v is None or not math.isfinite(float(v)) or float(v) <= 0:
            raise AnalysisError(f"{what} must be a positive number, got {v!r}")
    if pue is not None and (not math.isfinite(float(pue)) or float(pue) < 1):
        raise AnalysisError(f"PUE is total facility power / IT power and cannot be below 1, got {pue!r}")
    kind = "tpu" if tpu else "gpu"
    ratio = server_power_ratio(hardware_id, tpu)
    frac, frac_r = C.SERVER_TDP_FRACTION[kind], C.SERVER_TDP_FRACTION_RANGE[kind]
    pue_c, pue_r = (float(pue), (float(pue), float(pue))) if pue is not None else (C.AI_DATACENTER_PUE,
                                                                                C.AI_DATACENTER_PUE_RANGE)
    wall = float(tdp_w) * ratio * frac * pue_c
    base = float(tdp_w) * ratio * float(chip_hours) / 1e6
    m1, s1 = lognormal_params(*frac_r)
    m2, s2 = lognormal_params(*pue_r)
    s = math.hypot(s1, s2)
    lo, hi = base * math.exp(m1 + m2 - Z90 * s), base * math.exp(m1 + m2 + Z90 * s)
    return RunEnergy(mwh=wall * float(chip_hours) / 1e6, mwh_range=(lo, hi), it_mwh=float(tdp_w) * chip_hours / 1e6,
                     wall_w_per_chip=wall, tdp_w=float(tdp_w), chip_hours=float(chip_hours), server_ratio=ratio,
                     server_fraction=frac, server_fraction_range=frac_r, pue=pue_c, pue_range=pue_r,
                     pue_given=pue is not None)


def energy_kwh_draws(e: RunEnergy, size: int, rng: np.random.Generator) -> np.ndarray:
    """Monte Carlo draws of the run's energy in kWh (fraction drawn, then PUE, from ``rng``): the cost model
    multiplies them by electricity prices."""
    frac = lognormal_from_range(*e.server_fraction_range, size, rng)
    pue = lognormal_from_range(*e.pue_range, size, rng) if e.pue_range[0] < e.pue_range[1] else np.full(size, e.pue)
    return e.tdp_w * e.server_ratio * e.chip_hours / 1000 * frac * pue
