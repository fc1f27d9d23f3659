"""Frontier selection (top-k by compute at release) and subsets, checked by hand and by properties."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from analysis.errors import AnalysisError, UsageError
from analysis.metrics import frontier as F
from analysis.metrics import selection as S
from analysis.metrics.selection import select as select_subset


def frontier_mask(df: pd.DataFrame, k: int = 10) -> pd.Series:
    """The frontier flag of the one definition (selection.frontier_flags), ranking every row given."""
    return S.frontier_flags(df, k, epoch_flag=False, exclude=())["frontier"]


def hand_table() -> pd.DataFrame:
    """Eight models; with k=2 the frontier is A, B, C, E, H (worked out in the test docstrings)."""
    return pd.DataFrame({
        "id": list("ABCDEFGH"),
        "name": [f"Model {c}" for c in "ABCDEFGH"],
        "release_date": pd.to_datetime(["2020-01-01", "2020-02-01", "2020-03-01", "2020-04-01", "2020-04-01",
                                        "2020-05-01", None, "2020-06-01"]),
        "training_compute_flop": [1e20, 1e21, 5e20, 2e20, 3e21, np.nan, 1e25, 1e21],
        "access": ["open-weights-unrestricted", "api", "unreleased", "open-weights-restricted", None, "hosted",
                   "api", "open-weights-non-commercial"],
        "domain": ["language", "vision", "language, vision", "language", "games", "language", "language", "Language"],
        "organization": ["Org1", "Org2", "Org1, Org2", "Org3", "Org2", "Org1", "Org1", "Org3"],
    })


def test_rank_at_release_by_hand():
    """A: alone -> 1. B: beats A -> 1. C (5e20): only B larger so far -> 2. D (2e20, same day as E): B, C and E
    (released the same day: inclusive) are larger -> 4. E (3e21): largest -> 1. F: no compute, G: no date ->
    unranked and they push nobody out (G's 1e25 does not count). H (1e21) ties B; only E is larger -> 2."""
    r = F.rank_at_release(hand_table())
    expected = [1, 1, 2, 4, 1, np.nan, np.nan, 2]
    np.testing.assert_array_equal(r.to_numpy(), np.array(expected, dtype=float))


def test_frontier_mask_by_hand_k2():
    m = frontier_mask(hand_table(), k=2)
    assert list(hand_table().loc[m, "id"]) == ["A", "B", "C", "E", "H"]


def test_frontier_mask_k1_is_record_holders_and_ties():
    """k=1: running record (ties with the record holder count: H equals B's 1e21 but E's 3e21 came before)."""
    m = frontier_mask(hand_table(), k=1)
    assert list(hand_table().loc[m, "id"]) == ["A", "B", "E"]


def test_status_is_judged_at_release_later_models_do_not_change_it():
    df = hand_table()
    later = pd.DataFrame({"id": ["Z"], "name": ["Z"], "release_date": pd.to_datetime(["2030-01-01"]),
                          "training_compute_flop": [1e30]})
    m = frontier_mask(pd.concat([df, later], ignore_index=True), k=2)
    assert list(m[:8]) == list(frontier_mask(df, k=2))
    assert bool(m.iloc[8])


def test_exclude_drops_outliers_before_ranking():
    """Without E, D (2e20) has B and C above it -> rank 3, frontier for k=3 (it was rank 4 with E)."""
    df = hand_table()
    assert not frontier_mask(df, k=3)[3]
    sel = S.select(df, "frontier", top_k=3, exclude=["Model E"])
    assert "D" in set(sel["id"]) and "E" not in set(sel["id"])
    assert int(sel.set_index("id").loc["D", "rank_at_release"]) == 3
    assert "E" not in set(S.select(df, "frontier", top_k=3, exclude=["e"])["id"])  # ids work too, case-insensitive
    # the frontier flag with the same exclusion agrees, and never flags the excluded model
    ff = S.frontier_flags(df, 3, epoch_flag=False, exclude=["Model E"])
    assert list(df.loc[ff["frontier"], "id"]) == list(sel["id"])


def test_subsets_open_closed_unknown_access():
    df = hand_table()
    assert list(select_subset(df, "open")["id"]) == ["A", "D", "H"]
    assert list(select_subset(df, "closed")["id"]) == ["B", "C", "F", "G"]
    assert len(select_subset(df, "notable")) == 8  # E (unknown access) is in neither open nor closed


def test_domain_organization_filters_match_any_listed_entry_case_insensitively():
    df = hand_table()
    assert list(select_subset(df, "notable", domain="vision")["id"]) == ["B", "C"]
    assert list(select_subset(df, "notable", domain="language")["id"]) == ["A", "C", "D", "F", "G", "H"]
    assert list(select_subset(df, "notable", organization="org2")["id"]) == ["B", "C", "E"]


def test_frontier_then_domain_ranks_on_all_models():
    """Frontier language models = language models in the overall top 2 at release: A, C, H (not D)."""
    df = hand_table()
    assert list(select_subset(df, "frontier", domain="language", top_k=2)["id"]) == ["A", "C", "H"]


@pytest.mark.parametrize("k", [0, -1, 2.5, True, "10"])
def test_bad_k_is_usage_error(k):
    with pytest.raises(UsageError, match="top_k must be a positive whole number"):
        frontier_mask(hand_table(), k=k)


def test_bad_subset_and_missing_columns():
    with pytest.raises(UsageError, match="unknown subset"):
        select_subset(hand_table(), "big")
    with pytest.raises(AnalysisError, match="no column 'training_compute_flop'"):
        frontier_mask(hand_table().drop(columns="training_compute_flop"))
    with pytest.raises(AnalysisError, match="not dates"):
        frontier_mask(hand_table().assign(release_date=["2020-01-01"] * 7 + ["last spring"]))


def test_string_dates_and_numbers_are_accepted():
    df = hand_table()
    df2 = df.assign(release_date=df["release_date"].dt.strftime("%Y-%m-%d").where(df["release_date"].notna(), ""),
                    training_compute_flop=df["training_compute_flop"].map(lambda v: "" if np.isnan(v) else repr(v)))
    assert list(frontier_mask(df2, 2)) == list(frontier_mask(df, 2))


# --- properties ---------------------------------------------------------------------------------------------

models = st.lists(
    st.tuples(st.integers(0, 60), st.sampled_from([1e18, 3e18, 1e19, 5e19, 1e20, 2e21, 1e22, 7e22])),
    min_size=1, max_size=25)


def _frame(rows):
    return pd.DataFrame({
        "release_date": [pd.Timestamp("2020-01-01") + pd.DateOffset(months=m) for m, _ in rows],
        "training_compute_flop": [c for _, c in rows],
    })


@settings(max_examples=60, deadline=None)
@given(models, st.integers(1, 6))
def test_property_matches_brute_force_and_is_monotone_in_k(rows, k):
    df = _frame(rows)
    r = F.rank_at_release(df)
    for i in range(len(df)):
        earlier = df[df.release_date <= df.release_date[i]]
        assert r[i] == 1 + (earlier.training_compute_flop > df.training_compute_flop[i]).sum()
    small, big = frontier_mask(df, k), frontier_mask(df, k + 1)
    assert not (small & ~big).any()  # frontier(k) is a subset of frontier(k+1)
    assert small.sum() >= min(k, len(df))  # the overall top k were top k at their release too
    # the running maximum is always frontier
    running_max = df.sort_values("release_date").groupby("release_date").training_compute_flop.max().cummax()
    for i in range(len(df)):
        if df.training_compute_flop[i] >= running_max[df.release_date[i]]:
            assert small[i]


@settings(max_examples=40, deadline=None)
@given(models, st.randoms(use_true_random=False))
def test_property_row_order_does_not_matter(rows, rnd):
    df = _frame(rows)
    perm = list(range(len(df)))
    rnd.shuffle(perm)
    shuffled = df.iloc[perm]
    assert frontier_mask(shuffled, 3).sort_index().tolist() == frontier_mask(df, 3).tolist()


def test_running_record_starts_at_the_record_standing_on_since():
    """Before: the Llama case study took closed models released since 2020 and their running maximum, so the
    'largest closed run to date' started at 10²⁰ FLOP in January 2020 (the first closed model of 2020) although
    the record then was far higher. running_record starts at the record standing on `since`, set by a real model
    (here B, released 2019), then steps at each new record only (C is below the record, E ties D's date but not
    its value, F is a new record; a model without compute never counts)."""
    df = pd.DataFrame({"id": list("ABCDEFG"),
                       "release_date": pd.to_datetime(["2018-01-01", "2019-05-01", "2020-01-10", "2020-06-01",
                                                       "2020-06-01", "2021-01-01", "2021-02-01"]),
                       "training_compute_flop": [1e22, 3e23, 1e20, 5e23, 4e23, 6e23, np.nan]})
    rec = F.running_record(df, since="2020-01-01")
    assert rec["id"].tolist() == ["B", "D", "F"]
    first = rec.iloc[0]  # the line's first point is a data point: B's own date and compute
    assert (first["release_date"], first["record"]) == (pd.Timestamp("2019-05-01"), 3e23)
    assert rec["record"].is_monotonic_increasing
    assert F.running_record(df)["id"].tolist() == ["A", "B", "D", "F"]
    # the order of the rows given does not matter
    assert F.running_record(df.iloc[::-1], since="2020-01-01")["id"].tolist() == ["B", "D", "F"]
