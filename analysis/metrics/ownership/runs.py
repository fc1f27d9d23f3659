"""Training runs against the machines: how much of the largest cluster did the largest run use, and where do
Llama 3's 24,576-GPU clusters stand among the systems of their year?

Inputs: the models table (:func:`analysis.data.dataset.load`; its ``hardware_count`` is Epoch's "Hardware
quantity", the accelerators a run used) and the clusters table (:func:`analysis.data.infrastructure_snapshots.
clusters`). Runs are the representative notable models (overlay additions left out, as in every count of the
toolkit); clusters are the standard systems operating on the date (:mod:`analysis.metrics.ownership.systems`).

No sampling interval is given for these: each is a comparison of two recorded values (a run's chip count, the
largest cluster's), not an estimate from a sample. What is uncertain is the measurement: where a cluster is one of
Epoch's anonymized Chinese systems its chip count is rounded to one significant figure, and the share and rank
carry the bounds that rounding allows (``share_low``/``share_high``, ``rank_best``/``rank_worst``).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from analysis import constants as C
from analysis.errors import AnalysisError
from analysis.metrics.frontier import as_dates, as_numbers
from analysis.metrics.ownership.shares import rounding_bounds
from analysis.metrics.ownership.systems import check_certainty, operating_at, require, standard_mask
from analysis.metrics.result import Result, ResultMeta, TableResult, meta
from analysis.metrics.selection import select

NO_INTERVAL = "none: ratio of two recorded values; rounding bounds where a cluster is anonymized"


def _largest(systems: pd.DataFrame, column: str = "h100e") -> pd.Series | None:
    """The largest system by ``column`` among those with a chip count (ties: the earlier, then the id)."""
    s = systems[systems[column].notna() & systems[column].gt(0) & systems["chips"].gt(0)]
    if s.empty:
        return None
    return s.sort_values([column, "first_operational", "id"], ascending=[False, True, True], kind="mergesort").iloc[0]


def runs_vs_clusters(models: pd.DataFrame, clusters: pd.DataFrame, *, since: int = 2016, until: int | None = None,
                     certainty=C.CLUSTER_CERTAINTY_DEFAULT) -> TableResult:
    """For each year, the notable model with the most training accelerators, and that count as a share of the AI
    chips of the largest cluster operating on the model's release date and at the end of the year. "Largest" is by
    H100-equivalents (the performance leader): by raw chip count the largest systems would be clusters of many
    weak accelerators, whose chips are not comparable with a frontier run's GPUs.

    One row per year with a run: year, model, release date, chips, hardware; the largest cluster on that date (name,
    chips, owner) and the share; the same at 31 December; n_runs (models of the year with a chip count) and
    n_clusters (operating systems with a chip count on the release date)."""
    require(clusters)
    for col in ("release_date", "hardware_count", "name"):
        if col not in models.columns:
            raise AnalysisError(f"models table has no column {col!r}")
    levels = check_certainty(certainty)
    runs = select(models)  # the representative notable set
    runs = runs.assign(_date=as_dates(runs["release_date"]), _chips=as_numbers(runs["hardware_count"],
                                                                                "hardware_count"))
    runs = runs[runs["_date"].notna() & runs["_chips"].gt(0)]
    last_year = int(until) if until is not None else int(runs["_date"].dt.year.max())
    rows = []
    for year in range(int(since), last_year + 1):
        of_year = runs[runs["_date"].dt.year == year]
        if of_year.empty:
            continue
        run = of_year.sort_values(["_chips", "_date", "name"], ascending=[False, True, True], kind="mergesort").iloc[0]
        on_day = operating_at(clusters, run["_date"], levels)
        big = _largest(on_day)
        end = _largest(operating_at(clusters, pd.Timestamp(year, 12, 31), levels))
        row = {"year": year, "model": run["name"], "release_date": run["_date"], "run_chips": float(run["_chips"]),
               "hardware": run.get("training_hardware"), "n_runs": len(of_year),
               "n_clusters": int(on_day["chips"].gt(0).sum())}
        for tag, c in (("", big), ("year_end_", end)):
            if c is None:
                continue
            lo, hi = rounding_bounds([c["chips"]], [c["anonymized"]])
            row.update({f"{tag}cluster": c["name"], f"{tag}cluster_owner": c["owner"],
                        f"{tag}cluster_chips": float(c["chips"]), f"{tag}cluster_anonymized": bool(c["anonymized"]),
                        f"{tag}share": run["_chips"] / c["chips"], f"{tag}share_low": run["_chips"] / hi[0],
                        f"{tag}share_high": run["_chips"] / lo[0]})
        rows.append(row)
    if not rows:
        raise AnalysisError("no notable model with a chip count in the years asked")
    table = pd.DataFrame(rows)
    settings = {"certainty": list(levels), "runs": "representative notable models with Epoch's hardware quantity",
                "clusters": "standard systems operating on the date; the largest by H100e, its total AI chips"}
    return TableResult(table=table, info=meta(int(table["n_runs"].sum()), int(table["year"].min()),
                                              int(table["year"].max()), NO_INTERVAL, None),
                       settings=settings, rows_key="years")


@dataclass(frozen=True)
class ClusterPlace(Result):
    """Where a cluster of ``size`` stands among the systems operating in ``year`` (by ``by``)."""

    size: float
    by: str
    year: int
    n: int  # systems operating at some time in the year with a known value
    rank: int  # 1 + systems larger
    rank_best: int  # rounding bounds: anonymized systems counted larger only when surely larger
    rank_worst: int
    percentile: float  # share of the systems smaller, ties counted half (0-100)
    n_equal: int
    larger: tuple[str, ...]
    certainty: tuple[str, ...]

    json_rename = {"size": "size_chips"}

    @property
    def meta(self) -> ResultMeta:
        return meta(self.n, f"{self.year}-01-01", f"{self.year}-12-31", NO_INTERVAL, None)

    def sentence(self, what: str | None = None) -> str:
        if what is None:
            what = ("Llama 3's 24,576-GPU cluster" if self.size == C.LLAMA3_CLUSTER_GPUS and self.by == "chips"
                    else f"A cluster of {self.size:,.0f} {'chips' if self.by == 'chips' else 'H100e'}")
        return (f"{what} ranks {self.rank} of {self.n} systems operating in {self.year} by {self.by} "
                f"(percentile {self.percentile:.0f}; {self.n_equal} of the same size; rounding of anonymized "
                f"systems allows ranks {self.rank_best}-{self.rank_worst}).")


def operating_in_year(clusters: pd.DataFrame, year: int, certainty=C.CLUSTER_CERTAINTY_DEFAULT) -> pd.DataFrame:
    """Standard systems operating at some time in ``year``: first operational by 31 December, not decommissioned
    before 1 January."""
    levels = check_certainty(certainty)
    start, end = pd.Timestamp(int(year), 1, 1), pd.Timestamp(int(year), 12, 31)
    first, off = clusters["first_operational"], clusters["decommissioned"]
    m = standard_mask(clusters, levels) & first.notna() & (first <= end) & ~(off.notna() & (off < start))
    return clusters[m]


def place_cluster(clusters: pd.DataFrame, size: float = C.LLAMA3_CLUSTER_GPUS, *, year: int = 2024,
                  by: str = "chips", certainty=C.CLUSTER_CERTAINTY_DEFAULT) -> ClusterPlace:
    """Rank and percentile of a cluster of ``size`` (chips, or H100e with ``by="h100e"``) among the systems
    operating in ``year``. Default: Llama 3's 24,576 H100 GPUs (Meta, 2024-03-12) among the systems of 2024."""
    require(clusters)
    if by not in ("chips", "h100e"):
        raise AnalysisError(f"by: chips or h100e, got {by!r}")
    levels = check_certainty(certainty)
    pool = operating_in_year(clusters, year, levels)
    pool = pool[pool[by].notna() & pool[by].gt(0)]
    if pool.empty:
        raise AnalysisError(f"no system with a known {by} operating in {year}")
    v = pool[by].to_numpy(float)
    lo, hi = rounding_bounds(v, pool["anonymized"].to_numpy(bool))
    larger = pool[v > size].sort_values(by, ascending=False)
    return ClusterPlace(size=float(size), by=by, year=int(year), n=len(pool), rank=1 + int(np.sum(v > size)),
                        rank_best=1 + int(np.sum(lo > size)), rank_worst=1 + int(np.sum(hi > size)),
                        percentile=100.0 * (np.sum(v < size) + 0.5 * np.sum(v == size)) / len(pool),
                        n_equal=int(np.sum(v == size)), larger=tuple(larger["name"].astype(str)),
                        certainty=levels)


def size_distribution(clusters: pd.DataFrame, *, year: int = 2024, by: str = "chips",
                      certainty=C.CLUSTER_CERTAINTY_DEFAULT) -> TableResult:
    """The systems operating in ``year`` with their size, rank and percentile (largest first), for figures."""
    pool = operating_in_year(clusters, year, certainty)
    pool = pool[pool[by].notna() & pool[by].gt(0)].sort_values([by, "id"], ascending=[False, True],
                                                                kind="mergesort")
    v = pool[by].to_numpy(float)
    t = pool[["id", "name", "owner", "country", "first_operational", "anonymized", by]].reset_index(drop=True)
    t["rank"] = [1 + int(np.sum(v > x)) for x in v]
    t["percentile"] = [100.0 * (np.sum(v < x) + 0.5 * np.sum(v == x)) / len(v) for x in v]
    return TableResult(table=t, info=meta(len(t), f"{year}-01-01", f"{year}-12-31", NO_INTERVAL, None),
                       settings={"year": int(year), "by": by, "certainty": list(check_certainty(certainty))},
                       rows_key="systems")
