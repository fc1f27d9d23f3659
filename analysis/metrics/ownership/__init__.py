"""Who owns the compute: AI supercomputers, frontier data centers and the installed stock of AI chips (issue 27).

Pure functions on the tables of :mod:`analysis.data.infrastructure_snapshots` (DataFrame in, result out; nothing
reads a file):

* :mod:`~analysis.metrics.ownership.systems` — which systems count (Epoch's standard rule, operating on a date,
  the leading systems of Pilz et al. 2025);
* :mod:`~analysis.metrics.ownership.leading` — growth per year of the leading systems' performance, chips, power,
  cost and efficiency, with owner-clustered intervals;
* :mod:`~analysis.metrics.ownership.shares` — shares of operating compute by country, sector and owner, and the
  compute-weighted HHI, with intervals for discovery, rounding and certainty;
* :mod:`~analysis.metrics.ownership.runs` — the largest training run against the largest cluster of its day; where
  Llama 3's 24,576-GPU clusters rank among the systems of 2024;
* :mod:`~analysis.metrics.ownership.datacenters` — frontier data centers: power per site, 1 GW crossings, capital
  cost per GW, beside the run-power projection;
* :mod:`~analysis.metrics.ownership.chips` — the installed stock of AI chips by vendor and owner, the hyperscalers'
  share and growth;
* :mod:`~analysis.metrics.ownership.coverage` — the coverage of the intervals on simulated data with a known truth.
"""

from analysis.metrics.ownership.chips import (
    delivery_trends,
    hyperscaler_share,
    stock_by_owner,
    stock_by_vendor,
)
from analysis.metrics.ownership.datacenters import (
    beside_projection,
    capex_per_gw,
    gigawatt_crossings,
    median_interval,
    site_power,
)
from analysis.metrics.ownership.leading import QUANTITIES, decomposition, leading_trends, trend_frame
from analysis.metrics.ownership.runs import ClusterPlace, place_cluster, runs_vs_clusters, size_distribution
from analysis.metrics.ownership.shares import GROUPINGS, WEIGHTS, hhi, hhi_table, rounding_bounds, share_table
from analysis.metrics.ownership.systems import (
    CERTAINTY_LEVELS,
    check_certainty,
    for_display,
    leading_mask,
    leading_systems,
    operating_at,
    operating_mask,
    recomputed_rank,
    standard_mask,
)

__all__ = [
    "delivery_trends", "hyperscaler_share", "stock_by_owner", "stock_by_vendor", "beside_projection", "capex_per_gw",
    "gigawatt_crossings", "median_interval", "site_power", "ClusterPlace", "place_cluster", "runs_vs_clusters",
    "size_distribution",
    "GROUPINGS", "WEIGHTS", "hhi", "hhi_table", "rounding_bounds", "share_table",
    "CERTAINTY_LEVELS", "QUANTITIES", "check_certainty", "for_display", "decomposition", "leading_mask", "leading_systems",
    "leading_trends", "operating_at", "operating_mask", "recomputed_rank", "standard_mask", "trend_frame",
]
