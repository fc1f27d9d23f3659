"""Which AI supercomputers count: Epoch AI's standard rule, systems operating on a date, and the leading systems.

Input: the clusters table of :func:`analysis.data.infrastructure_snapshots.clusters` (one row per system, our column
names). Nothing here reads a file.

* **Standard rule** (:func:`standard_mask`): Epoch AI keeps a system in its standard analysis when it is *confirmed
  or likely*, a *single cluster* and *not a possible duplicate*; with status ``Existing`` this reproduces Epoch's
  ``Include in Standard Analysis`` column on every row of the 2025-12-17 snapshot. Here the rule is applied to
  decommissioned systems too, for the dates they operated: a history of who owned the compute must count Summit
  in 2019, even though it was switched off in 2024 (Epoch's flag, a statement about today, leaves it out).
  ``certainty`` chooses the levels kept (default Confirmed and Likely; ``("Confirmed",)`` is the sensitivity).
  Planned systems never count.
* **Operating on a date** (:func:`operating_at`): standard systems first operational on or before the date and not
  decommissioned by then.
* **Leading systems** (:func:`leading_systems`): standard systems first operational since 2019 with a known 16-bit
  performance, ranked in the top 10 when they first became operational — Pilz et al. 2025's selection (their data
  insight: "ranked among the top 10 most powerful supercomputers at the time they first became operational").
  ``rank="epoch"`` (default) uses Epoch's own ``Rank when first operational``; ``rank="recomputed"`` ranks each
  system's 16-bit OP/s among the standard systems operating on its first day (a sensitivity: Epoch's column was
  computed on its working database, which holds systems the public file does not).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from analysis import constants as C
from analysis.errors import AnalysisError, UsageError
from analysis.metrics.result import TableResult, meta, span
from analysis.metrics.vocabulary import check_date

OPERATING_STATUS = ("Existing", "Decommissioned")
CERTAINTY_LEVELS = ("Confirmed", "Likely", "Unlikely")
RANKS = ("epoch", "recomputed")
REQUIRED = ("id", "name", "status", "certainty", "single_cluster", "possible_duplicate", "first_operational",
            "decommissioned", "ops_16bit", "rank_at_start", "owner", "country", "sector", "anonymized")


def require(clusters: pd.DataFrame, columns=REQUIRED) -> None:
    if not isinstance(clusters, pd.DataFrame):
        raise AnalysisError(f"expected the clusters DataFrame, got {type(clusters).__name__}")
    missing = [c for c in columns if c not in clusters.columns]
    if missing:
        raise AnalysisError(f"clusters table has no column {missing[0]!r} (use analysis.data.infrastructure_snapshots"
                            ".clusters())")


def check_certainty(certainty) -> tuple[str, ...]:
    levels = (certainty,) if isinstance(certainty, str) else tuple(certainty)
    bad = [c for c in levels if c not in CERTAINTY_LEVELS]
    if not levels or bad:
        raise UsageError(f"certainty: {bad[0] if bad else 'none'!r} is not a level; choose from "
                         f"{', '.join(CERTAINTY_LEVELS)}")
    return tuple(c for c in CERTAINTY_LEVELS if c in levels)


def standard_mask(clusters: pd.DataFrame, certainty=C.CLUSTER_CERTAINTY_DEFAULT, *,
                  statuses=OPERATING_STATUS) -> pd.Series:
    """Epoch AI's standard-analysis rule (see the module docstring) on the given statuses."""
    require(clusters, ("status", "certainty", "single_cluster", "possible_duplicate"))
    levels = check_certainty(certainty)
    return (clusters["status"].isin(statuses) & clusters["certainty"].isin(levels)
            & clusters["single_cluster"].eq("Yes") & ~clusters["possible_duplicate"].astype(bool))


def as_date(value: object, what: str = "date") -> pd.Timestamp:
    """A date that must be given (:func:`analysis.metrics.vocabulary.check_date`, the one rule for dates)."""
    ts = None if value is None or value is pd.NaT else check_date(value, what)
    if ts is None or pd.isna(ts):
        raise UsageError(f"{what}: no date given")
    return ts


def operating_mask(clusters: pd.DataFrame, date: object, certainty=C.CLUSTER_CERTAINTY_DEFAULT) -> pd.Series:
    """Standard systems operating on ``date``: first operational on or before it, not decommissioned by then."""
    d = as_date(date)
    first, off = clusters["first_operational"], clusters["decommissioned"]
    return standard_mask(clusters, certainty) & first.notna() & (first <= d) & ~(off.notna() & (off <= d))


def operating_at(clusters: pd.DataFrame, date: object, certainty=C.CLUSTER_CERTAINTY_DEFAULT) -> pd.DataFrame:
    return clusters[operating_mask(clusters, date, certainty)]


def recomputed_rank(clusters: pd.DataFrame, metric: str = "ops_16bit",
                    certainty=C.CLUSTER_CERTAINTY_DEFAULT) -> pd.Series:
    """Each standard system's rank by ``metric`` among the standard systems operating on its first operational day
    (1 = the largest; ties share the better rank); NaN where the metric or the date is unknown."""
    require(clusters, ("first_operational", "decommissioned", metric))
    std = standard_mask(clusters, certainty) & clusters[metric].notna() & clusters["first_operational"].notna()
    pool = clusters[std]
    first = pool["first_operational"].to_numpy("datetime64[ns]")
    off = pool["decommissioned"].to_numpy("datetime64[ns]")
    vals = pool[metric].to_numpy(float)
    out = pd.Series(np.nan, index=clusters.index)
    for i, idx in enumerate(pool.index):
        on = (first <= first[i]) & ~((~np.isnat(off)) & (off <= first[i]))
        out[idx] = 1 + int(np.sum(on & (vals > vals[i])))
    return out


def leading_mask(clusters: pd.DataFrame, *, top: int = C.PILZ_2025_LEADING_TOP,
                 since: object = C.PILZ_2025_LEADING_SINCE, until: object = None,
                 certainty=C.CLUSTER_CERTAINTY_DEFAULT, rank: str = "epoch") -> pd.Series:
    """The leading systems (module docstring): standard, first operational in [since, until], known 16-bit
    performance, rank when first operational <= ``top``."""
    require(clusters)
    if rank not in RANKS:
        raise UsageError(f"rank: choose one of {', '.join(RANKS)}, got {rank!r}")
    if int(top) < 1:
        raise UsageError(f"top: must be at least 1, got {top}")
    first = clusters["first_operational"]
    m = standard_mask(clusters, certainty) & clusters["ops_16bit"].notna() & first.notna()
    if since is not None:
        m &= first >= as_date(since, "since")
    if until is not None:
        m &= first <= as_date(until, "until")
    r = clusters["rank_at_start"] if rank == "epoch" else recomputed_rank(clusters, "ops_16bit", certainty)
    return m & (r <= int(top))


def describe_selection(*, top: int, since: object, until: object, certainty, rank: str) -> str:
    levels = "/".join(check_certainty(certainty))
    window = f"first operational {since or 'any date'} to {until or 'the snapshot'}"
    basis = ("Epoch's rank when first operational" if rank == "epoch" else
             "16-bit OP/s rank among standard systems operating that day (recomputed)")
    return (f"leading AI supercomputers: top {top} when first operational ({basis}); {window}; known 16-bit OP/s; "
            f"certainty {levels}; single clusters, possible duplicates excluded; decommissioned systems counted "
            f"while they operated; planned systems excluded")


def leading_systems(clusters: pd.DataFrame, *, top: int = C.PILZ_2025_LEADING_TOP,
                    since: object = C.PILZ_2025_LEADING_SINCE, until: object = None,
                    certainty=C.CLUSTER_CERTAINTY_DEFAULT, rank: str = "epoch") -> TableResult:
    """The leading systems, one row each (date order): name, owner, country, sector, certainty, first operational
    date, 16-bit OP/s, H100e, chips, power, hardware cost, rank. Settings: the selection in words and counts."""
    m = leading_mask(clusters, top=top, since=since, until=until, certainty=certainty, rank=rank)
    cols = ["id", "name", "owner", "country", "sector", "certainty", "status", "anonymized", "first_operational",
            "ops_16bit", "h100e", "chips", "power_mw", "hardware_cost_usd", "ops_per_watt", "rank_at_start"]
    t = clusters.loc[m, [c for c in cols if c in clusters.columns]].sort_values(
        ["first_operational", "ops_16bit", "id"], kind="mergesort").reset_index(drop=True)
    if t.empty:
        raise AnalysisError("no leading system in the window")
    start, end = span(t["first_operational"])
    settings = {"selection": describe_selection(top=top, since=since, until=until, certainty=certainty, rank=rank),
                "top": int(top), "rank": rank, "certainty": list(check_certainty(certainty)),
                "by_certainty": {k: int(v) for k, v in t["certainty"].value_counts().sort_index().items()},
                "anonymized": int(t["anonymized"].sum()), "decommissioned": int(t["status"].eq("Decommissioned").sum()),
                "published_n": C.PILZ_2025_LEADING_N}
    return TableResult(table=t, info=meta(len(t), start, end, "none: a selection of systems", None),
                       settings=settings, rows_key="systems")


def for_display(systems: pd.DataFrame) -> pd.DataFrame:
    """The systems with the columns tables and figure tooltips read: ``organization`` (the owner, or "owner
    withheld" for Epoch's anonymized systems) and ``release_date`` (the first operational date)."""
    return systems.assign(organization=systems["owner"].fillna("owner withheld"),
                          release_date=systems["first_operational"])
