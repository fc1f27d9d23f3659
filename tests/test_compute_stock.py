"""Runs against machines, frontier data centers and the installed stock of AI chips (issue 27, items 4-6):
published values (cited), hand computations, independent counts on the snapshots (csv module), coverage."""

from __future__ import annotations

import csv
import datetime as dt

import numpy as np
import pandas as pd
import pytest

from analysis import constants as C
from analysis.data import infrastructure_snapshots as infra
from analysis.data import upstream
from analysis.data.dataset import load
from analysis.metrics.ownership import chips, datacenters, runs

EPOCH = upstream.UPSTREAM_DIR / "epoch-ai"
AS_OF = infra.CLUSTERS_VINTAGE


def _rows(rel: str) -> list[dict]:
    with open(EPOCH / rel, newline="", encoding="utf-8") as fh:
        return list(csv.DictReader(fh))


@pytest.fixture(scope="module")
def clusters():
    return infra.clusters()


@pytest.fixture(scope="module")
def models():
    return load(None).models


# --- item 4: runs against the machines ---------------------------------------------------------------------------

def test_largest_run_per_year_agrees_with_an_independent_count(models, clusters):
    t = runs.runs_vs_clusters(models, clusters).table.set_index("year")
    best: dict[int, float] = {}
    for r in models.itertuples():
        if r.overlay == "addition" or pd.isna(r.release_date) or pd.isna(r.hardware_count):
            continue
        y = pd.Timestamp(r.release_date).year
        best[y] = max(best.get(y, 0.0), float(r.hardware_count))
    for year, row in t.iterrows():
        assert row["run_chips"] == best[year]
    assert t.loc[2020, "model"] == "GPT-3 175B (davinci)" and t.loc[2020, "run_chips"] == 10000
    # GPT-3 on Summit's day: 10,000 V100s against Summit's 27,648 GPUs
    assert t.loc[2020, "cluster"] == "Oak Ridge NL Summit"
    assert t.loc[2020, "share"] == pytest.approx(10000 / 27648)
    # a run larger than any one cluster: Gemini 1.0 Ultra trained across data centers (57,000 TPUv4 in Epoch's data)
    assert t.loc[2023, "share"] > 1


@pytest.mark.published
def test_llama3_clusters_are_in_the_snapshot_as_meta_describes_them(clusters):
    """Meta Engineering, "Building Meta's GenAI Infrastructure" (2024-03-12): two clusters of 24,576 H100 GPUs
    (C.LLAMA3_CLUSTER_GPUS). Epoch lists them as 'Meta GenAI 2024a' and '2024b', first operational 2024-03-12."""
    meta_24k = clusters[clusters["name"].str.startswith("Meta GenAI 2024")]
    assert len(meta_24k) == 2 and (meta_24k["chips"] == C.LLAMA3_CLUSTER_GPUS).all()
    assert (meta_24k["first_operational"] == pd.Timestamp("2024-03-12")).all()


def test_llama3_place_agrees_with_an_independent_count(clusters):
    p = runs.place_cluster(clusters)
    larger = equal = n = 0
    for r in _rows(f"{AS_OF}/gpu_clusters.csv"):
        if not (r["Status"] in ("Existing", "Decommissioned") and r["Certainty"] in ("Confirmed", "Likely")
                and r["Single cluster?"] == "Yes" and r["Possible Duplicate"] != "True"):
            continue
        off = r["Decommissioned Date (if applicable)"]
        if not r["First Operational Date"] or r["First Operational Date"] > "2024-12-31" or (off and off < "2024-01-01"):
            continue
        if not r["Total number of AI chips"] or float(r["Total number of AI chips"]) <= 0:
            continue
        n += 1
        chips_ = float(r["Total number of AI chips"])
        larger += chips_ > C.LLAMA3_CLUSTER_GPUS
        equal += chips_ == C.LLAMA3_CLUSTER_GPUS
    assert (p.n, p.rank, p.n_equal) == (n, larger + 1, equal)
    assert p.percentile == pytest.approx(100 * (n - larger - equal + equal / 2) / n)
    assert p.rank_best <= p.rank <= p.rank_worst
    assert len(p.larger) == larger


# --- item 5: frontier data centers -------------------------------------------------------------------------------

@pytest.mark.published
def test_gigawatt_crossings_match_epochs_published_months():
    """Epoch AI, Frontier Data Centers launch (November 2025; quoted by NextBigFuture, 2025-11-05, "First five AI
    data center with over one gigawatt of power arriving in 2026-2027"): 1 GW at Anthropic-Amazon New Carlisle
    (January 2026), xAI Colossus 2 (February 2026), Microsoft Fayetteville (March 2026), Meta Prometheus (May 2026)
    and OpenAI Stargate Abilene (July 2026)."""
    t = datacenters.gigawatt_crossings(infra.data_center_timelines(), AS_OF).table.set_index("site")
    published = {"Anthropic-Amazon Project Rainier New Carlisle Indiana": "2026-01",
                 "xAI Colossus 2 Memphis Tennessee": "2026-02",
                 "Microsoft Fairwater Fayetteville Georgia": "2026-03",
                 "Meta Prometheus New Albany Ohio": "2026-05",
                 "OpenAI-Oracle Stargate Abilene Texas": "2026-07"}
    for site, month in published.items():
        assert t.loc[site, "date"].strftime("%Y-%m") == month
        assert not t.loc[site, "observed"]  # after the 2025-12-17 access date: Epoch's projection


def test_crossings_agree_with_an_independent_count():
    first: dict[str, str] = {}
    for r in _rows(f"{AS_OF}/data_center_timelines.csv"):
        if float(r["Power (MW)"]) >= 1000 and (r["Data center"] not in first or r["Date"] < first[r["Data center"]]):
            first[r["Data center"]] = r["Date"]
    t = datacenters.gigawatt_crossings(infra.data_center_timelines(), AS_OF).table
    got = {r.site: r.date.strftime("%Y-%m-%d") for r in t.itertuples() if r.crosses}
    assert got == first


def test_capex_interval_is_the_one_median_interval_and_covers_a_known_truth():
    """The capex-per-GW interval is statistics.median_interval (one definition; by-hand checks in
    test_statistics): across 400 draws of 11 sites' lognormal costs around a true median of 30, it covers 85-95%."""
    from analysis.metrics import statistics as st

    assert datacenters.median_interval is st.median_interval
    rng = np.random.default_rng(4)
    hits = []
    for _ in range(400):
        x = rng.lognormal(np.log(30.0), 0.2, size=11)
        (lo, hi), _ = st.median_interval(x, 0.90)
        hits.append(lo <= 30.0 <= hi)
    assert 0.85 <= np.mean(hits) <= 0.95


def test_capex_per_gw_by_hand():
    tl = infra.data_center_timelines()
    t = datacenters.capex_per_gw(tl, AS_OF)
    per = t.table[~t.table["site"].isin(["median of sites", "ratio of sums"])]
    latest = {}
    for r in _rows(f"{AS_OF}/data_center_timelines.csv"):
        if r["Date"] <= AS_OF and (r["Data center"] not in latest or r["Date"] >= latest[r["Data center"]]["Date"]):
            latest[r["Data center"]] = r
    ratios = sorted(float(r["Total capital cost (2025 USD billions)"]) / (float(r["Power (MW)"]) / 1000)
                    for r in latest.values() if float(r["Power (MW)"]) > 0)
    assert sorted(per["usd_bn_per_gw"]) == pytest.approx(ratios)
    assert t.settings["median"] == pytest.approx(float(np.median(ratios)))
    assert t.settings["low"] <= t.settings["median"] <= t.settings["high"] and t.settings["coverage"] >= 0.9


# --- item 6: the installed stock of AI chips ---------------------------------------------------------------------

def _chip_rows(name: str) -> list[dict]:
    return _rows(f"{infra.CHIPS_VINTAGE}/{infra.CHIPS_DIR}/{name}.csv")


def _end(r: dict) -> dt.date:
    for fmt in ("%m/%d/%Y", "%m/%d/%y"):
        try:
            return dt.datetime.strptime(r["End date"], fmt).date()
        except ValueError:
            continue
    raise ValueError(r["End date"])


def test_vendor_total_agrees_with_an_independent_sum():
    t = chips.stock_by_vendor(infra.chip_stock()).table
    total = t[(t["vendor"] == "total") & (t["end_date"] == "2025-12-31")].iloc[0]
    want = 0.0
    for v in ("nvidia", "tpu", "amd", "trainium"):
        rows = [r for r in _chip_rows(f"{v}_cumulative_totals") if _end(r) == dt.date(2025, 12, 31)]
        assert len(rows) == 1
        want += float(rows[0]["Compute estimate in H100e (median)"])
    assert total["h100e"] == want and bool(total["complete"])
    assert (t["h100e_p05"] <= t["h100e"]).all() and (t["h100e"] <= t["h100e_p95"]).all()


def test_owner_holdings_agree_with_an_independent_sum():
    t = chips.stock_by_owner(infra.chip_owners()).table
    g = t[(t["owner"] == "Google") & (t["end_date"] == "2025-12-31")].iloc[0]
    want = sum(float(r["Compute estimate in H100e (median)"]) for name in ("nvidia_owners_cumulative_totals",
                                                                           "tpu_owners_cumulative_totals")
               for r in _chip_rows(name) if r["Owner"] == "Google" and _end(r) == dt.date(2025, 12, 31))
    assert g["h100e"] == want and g["vendors"] == "Google TPU, NVIDIA"


@pytest.mark.published
def test_hyperscaler_share_is_consistent_with_epochs_published_share():
    """Epoch AI (AI Chip Owners explorer, April 2026; correction on X): Google, Microsoft, Meta, Amazon and Oracle
    "hold 71% of world AI compute", and "Chinese companies collectively own just over 5%" (explorer launch thread).
    Epoch's total includes Huawei, held in China, which these exports lack: removing a share h <= China's share
    from the total raises the hyperscalers' share from 0.71 to 0.71 / (1 - h), so ours must lie in
    [0.71, 0.71 / (1 - 0.06)]."""
    h = chips.hyperscaler_share(infra.chip_owners()).table
    last = h[h["all_owners"]].iloc[-1]
    assert last["end_date"] == pd.Timestamp("2025-12-31")
    assert C.EPOCH_HYPERSCALER_SHARE_2026 <= last["share"] <= C.EPOCH_HYPERSCALER_SHARE_2026 / (1 - 0.06)
    assert last["share_low"] < last["share"] < last["share_high"]


def test_hyperscaler_growth_by_hand():
    h = chips.hyperscaler_share(infra.chip_owners())
    t = h.table.set_index("end_date")
    g = h.settings["growth"][0]
    assert g["growth"] == pytest.approx(t.loc["2025-12-31", "hyperscalers_h100e"] / t.loc["2024-12-31",
                                                                                          "hyperscalers_h100e"])
    assert g["growth_low"] < g["growth"] < g["growth_high"]


def test_monte_carlo_draws_reproduce_epochs_percentiles():
    rng = np.random.default_rng(0)
    d = chips.percentile_draws(np.array([100.0]), np.array([60.0]), np.array([200.0]), rng, 200_000)[:, 0]
    assert np.quantile(d, [0.05, 0.5, 0.95]) == pytest.approx([60.0, 100.0, 200.0], rel=0.02)


def test_deliveries_are_differences_of_the_cumulative_medians():
    s = infra.chip_stock()
    d = chips.deliveries(s, "NVIDIA")
    nv = s[s["vendor"] == "NVIDIA"].sort_values("end_date")["h100e"].to_numpy()
    assert d[chips.DELIVERIES].to_numpy() == pytest.approx(np.diff(nv, prepend=0.0))
