"""Model FLOP utilization (MFU) prior by hardware generation, derived from the MFUs developers reported.

Replaces a single blanket utilization (40%, from one run: Llama 3 405B) for every model. A model's hardware-based
compute estimate uses, in order: a utilization the user gives; the model's own reported MFU; else the prior of its
accelerator's generation (:data:`analysis.constants.MFU_GENERATIONS`).

The prior is computed from Epoch AI's notable-models snapshot (column ``Hardware utilization (MFU)``, values Epoch
records from developers' papers and reports), pinned in ``data/upstream/epoch-ai/<vintage>/`` (vintage
:data:`analysis.constants.MFU_PRIOR_VINTAGE`): the data layer reads and verifies it
(``analysis.data.sources.mfu_reports()``) and :func:`mfu_reports` turns it into the :class:`MfuReports` the prior
takes. Reports of the same value by the same organization on the same
hardware (e.g. GPT-4 March and June, DeepSeek-V3 and its March 2025 update) are counted once.

Per generation: the **median** reported MFU is the point value, the **interval is the range** (min to max) of the
reports. That range is a distribution-free prediction interval for one more run drawn from the same population:
a new draw falls between the minimum and maximum of ``n`` exchangeable draws with probability ``(n-1)/(n+1)``
(e.g. 67% at n = 5, 90% at n = 19). That probability is reported with the interval as ``coverage``; it is lower
than 90% for small generations, and we say so rather than widen the range by assumption. A generation with fewer
than :data:`analysis.constants.MFU_PRIOR_MIN_N` reports falls back to the pool of all reports.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import numpy as np
import pandas as pd

from analysis import constants as C
from analysis.errors import AnalysisError
from analysis.metrics.result import Result, ResultMeta, meta

HARDWARE_COLUMN = "Training hardware"
MFU_COLUMN = "Hardware utilization (MFU)"
ALL = "all"


def generation(hardware: object) -> str | None:
    """Generation of an accelerator (Epoch name such as 'NVIDIA A100 SXM4 40 GB' or our id 'nvidia-a100'), or None.

    Multi-accelerator cells ('Google TPU v4, Google TPU v5p') use the first entry, as our Epoch import does.
    """
    if hardware is None or (isinstance(hardware, float) and np.isnan(hardware)):
        return None
    text = str(hardware).split(",")[0].strip().lower().replace("-", " ")
    if not text:
        return None
    for gen, patterns in C.MFU_GENERATIONS.items():
        if any(re.search(p, text) for p in patterns):
            return gen
    return None


@dataclass(frozen=True)
class MfuPrior(Result):
    """Utilization prior of one hardware generation: median and range of the reported MFUs."""

    json_skip = frozenset({"low", "high"})
    json_rename = {"median": "mfu"}
    json_derived = ("mfu_ci",)

    generation: str
    median: float
    low: float
    high: float
    n: int
    coverage: float  # probability that one more run's MFU falls in [low, high]: (n-1)/(n+1)
    source: str
    models: tuple[str, ...] = ()

    @property
    def ci(self) -> tuple[float, float]:
        return (self.low, self.high)

    def label(self) -> str:
        return (f"{self.generation} prior: median of {self.n} reported MFUs {self.median:.2f} "
                f"(range {self.low:.2f}-{self.high:.2f}, ~{self.coverage:.0%} prediction coverage; {self.source})")

    @property
    def mfu_ci(self) -> tuple[float, float]:
        return self.ci

    @property
    def meta(self) -> ResultMeta:
        return meta(self.n, None, None, f"range of the {self.n} reported MFUs (one more run falls in it with "
                    "probability (n-1)/(n+1))", self.coverage)


def reported_mfus(epoch: pd.DataFrame) -> pd.DataFrame:
    """Reported MFUs from an Epoch AI models table (Epoch column names), one row per distinct report.

    Columns: model, organization, hardware, generation, mfu. Values outside (0, 1] are dropped (a percentage
    written as 40 is not an MFU of 40).
    """
    for col in (HARDWARE_COLUMN, MFU_COLUMN):
        if col not in epoch.columns:
            raise AnalysisError(f"Epoch models table has no {col!r} column")
    mfu = pd.to_numeric(epoch[MFU_COLUMN], errors="coerce")
    out = pd.DataFrame({
        "model": epoch.get("Model", pd.Series([""] * len(epoch), index=epoch.index)).astype(str),
        "organization": epoch.get("Organization", pd.Series([""] * len(epoch), index=epoch.index)).fillna("").astype(str),
        "hardware": epoch[HARDWARE_COLUMN].fillna("").astype(str).str.split(",").str[0].str.strip(),
        "mfu": mfu})
    out = out[(out["mfu"] > 0) & (out["mfu"] <= 1)].copy()
    out["generation"] = out["hardware"].map(generation)
    out = out.drop_duplicates(["organization", "hardware", "mfu"]).reset_index(drop=True)
    return out[["model", "organization", "hardware", "generation", "mfu"]]


def _prior(gen: str, part: pd.DataFrame, source: str) -> MfuPrior:
    v = np.sort(part["mfu"].to_numpy(dtype=float))
    n = len(v)
    return MfuPrior(generation=gen, median=float(np.median(v)), low=float(v[0]), high=float(v[-1]), n=n,
                    coverage=(n - 1) / (n + 1), source=source, models=tuple(part["model"]))


def prior_table(reports: pd.DataFrame, source: str = "") -> pd.DataFrame:
    """One row per generation (plus ``all``): n, median, low, high, coverage. ``reports`` from :func:`reported_mfus`."""
    rows = []
    for gen in list(C.MFU_GENERATIONS) + [ALL]:
        part = reports if gen == ALL else reports[reports["generation"] == gen]
        if len(part) == 0:
            rows.append({"generation": gen, "n": 0, "mfu": np.nan, "mfu_low": np.nan, "mfu_high": np.nan,
                         "coverage": np.nan})
            continue
        p = _prior(gen, part, source)
        rows.append({"generation": gen, "n": p.n, "mfu": p.median, "mfu_low": p.low, "mfu_high": p.high,
                     "coverage": p.coverage})
    return pd.DataFrame(rows)


@dataclass(frozen=True)
class MfuReports:
    """Reported MFUs (:func:`reported_mfus`) and where they come from (named in every prior's label)."""

    table: pd.DataFrame
    source: str


def mfu_reports(snapshot_table) -> MfuReports:
    """The reports of a notable-models snapshot table as the data layer gives it (``.frame`` with Epoch's columns,
    ``.vintage``; e.g. ``analysis.data.sources.mfu_reports()``)."""
    return MfuReports(reported_mfus(snapshot_table.frame),
                      f"Epoch AI notable models, vintage {snapshot_table.vintage}")


def prior_for(hardware: object, *, reports: MfuReports | pd.DataFrame) -> MfuPrior:
    """The MFU prior for an accelerator: its generation's reports, or all reports when that generation has fewer
    than :data:`analysis.constants.MFU_PRIOR_MIN_N` (or the hardware is unknown). ``reports``: a
    :class:`MfuReports`, or a :func:`reported_mfus` table (its source is then "given reports")."""
    if isinstance(reports, MfuReports):
        reports, source = reports.table, reports.source
    else:
        source = "given reports"
    if len(reports) == 0:
        raise AnalysisError("no reported MFUs to build a utilization prior from")
    gen = generation(hardware)
    part = reports[reports["generation"] == gen] if gen is not None else reports.iloc[0:0]
    if len(part) < C.MFU_PRIOR_MIN_N:
        why = "unknown hardware generation" if gen is None else f"only {len(part)} reports for {gen}"
        p = _prior(ALL, reports, source)
        return MfuPrior(generation=f"{ALL} ({why})", median=p.median, low=p.low, high=p.high, n=p.n,
                        coverage=p.coverage, source=source, models=p.models)
    return _prior(gen, part, source)
