"""overlay.apply on small hand-made tables: what each kind of overlay row does to Epoch's rows, the ids, the counts
and the warnings (README, Datasets: the upstream snapshot stands unless a reviewed correction replaces a field;
a blank of ours never overwrites Epoch's value; additions come after Epoch's rows and are marked). Written for the
mutants that `make mutation` found alive (benchmarks/mutation/); fast, no data files read."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest

from analysis.data import overlay, schema, tables
from analysis.errors import DataError


def _ov(*rows: dict) -> pd.DataFrame:
    base = {"id": "", "kind": "match", "upstream_name": "", "fields": "", "upstream_values": "", "alternatives": "",
            "checked_vintage": "2026-07-19", "source_url": "https://x.org", "reason": "test"}
    return pd.DataFrame([{**base, **r} for r in rows], columns=list(base))


def _tables():
    """Upstream: Model A, Model B, Model C (unkeyed), Model C! (slug clash). Curated: a, b, new (an addition),
    lost (keyed to a name not upstream)."""
    empty = tables.empty_frame(schema.resource("models"))  # the schema's columns and dtypes, as the loaders type them
    cols = list(empty.columns)
    up = pd.DataFrame({c: [pd.NA] * 4 for c in cols})
    up["name"] = ["Model A", "Model B", "Model C", "Model C!"]
    up["id"] = [""] * 4
    up["release_date"] = pd.to_datetime(["2024-01-01", "2024-06-01", "2023-01-01", "2023-02-01"])
    up["parameters"] = [7e10, 1e9, 5e9, 6e9]
    up["training_compute_flop"] = [7.861e24, 1e22, 3e22, 4e22]
    up["gpu_hours"] = [6.4e6, pd.NA, pd.NA, pd.NA]
    up = up.astype({c: empty[c].dtype for c in cols}, errors="ignore")
    cur = pd.DataFrame({c: [pd.NA] * 4 for c in cols})
    cur["id"] = ["a", "b", "new", "lost"]
    cur["name"] = ["Model A", "Model B", "New model", "Lost model"]
    cur["release_date"] = pd.to_datetime(["2024-01-01", "2024-06-01", "2025-01-01", "2022-01-01"])
    cur["parameters"] = [7.06e10, 2e9, 1e8, 3e8]
    cur["training_compute_flop"] = [6.354e24, 2e22, 1e21, 2e21]
    cur["gpu_hours"] = [9e9, 3.0e5, pd.NA, pd.NA]
    cur = cur.astype({c: empty[c].dtype for c in cols}, errors="ignore")
    ov = _ov({"id": "a", "kind": "correction", "upstream_name": "Model A", "fields": "training_compute_flop",
              "alternatives": "parameters"},
             {"id": "b", "kind": "match", "upstream_name": "Model B", "alternatives": "parameters|training_tokens"},
             {"id": "new", "kind": "addition"},
             {"id": "lost", "kind": "match", "upstream_name": "Lost model"})
    return up, cur, ov


def test_apply_corrects_listed_fields_only_matches_change_nothing_and_additions_follow():
    up, cur, ov = _tables()
    merged, stats, problems = overlay.apply(up, cur, ov)
    m = merged.set_index("id")
    # upstream order (with our ids where keyed, slugs elsewhere; the clash gets -2), then additions in curated order
    assert list(merged["id"]) == ["a", "b", "model-c", "model-c-2", "new", "lost"]
    assert list(merged[overlay.ORIGIN_COLUMN]) == ["correction", "match", "", "", "addition", "addition"]
    # the correction replaces its listed field; its other values stay Epoch's (our parameters are an alternative)
    assert m.at["a", "training_compute_flop"] == 6.354e24 and m.at["a", "parameters"] == 7e10
    # a match changes no field Epoch has: B's parameters and compute stay Epoch's
    assert m.at["b", "parameters"] == 1e9 and m.at["b", "training_compute_flop"] == 1e22
    # overlay-only columns fill Epoch's blanks only (B has none upstream), never replace a value (A's 6.4e6)
    assert m.at["b", "gpu_hours"] == 3.0e5 and m.at["a", "gpu_hours"] == 6.4e6
    # unkeyed upstream rows are as they were
    assert m.at["model-c", "parameters"] == 5e9 and m.at["model-c-2", "parameters"] == 6e9
    # an addition and a keyed row whose name is not upstream come in as they stand, after Epoch's rows
    assert m.at["new", "parameters"] == 1e8 and m.at["lost", "name"] == "Lost model"
    assert stats == overlay.OverlayStats(corrections=1, matches=1, additions=2, alternatives=3,
                                         missing_keys=("Lost model",), upstream_rows=4, rows=6)
    assert len(problems) == 1 and problems[0].severity == "warning" and problems[0].column == "upstream_name"
    assert "'Lost model' not found in the upstream table" in problems[0].message
    # the schema's dtypes survive the concatenation, and the inputs are not modified
    for c in cur.columns:
        assert merged[c].dtype == cur[c].dtype, c
    assert list(up["id"]) == [""] * 4 and up.at[0, "training_compute_flop"] == 7.861e24


def test_apply_without_overlay_rows_is_the_upstream_table_with_slugs():
    up, cur, _ = _tables()
    merged, stats, problems = overlay.apply(up, cur, _ov().iloc[0:0])
    assert list(merged["id"]) == ["model-a", "model-b", "model-c", "model-c-2"] and problems == []
    assert stats == overlay.OverlayStats(0, 0, 0, 0, (), 4, 4)
    assert (merged["parameters"].to_numpy() == up["parameters"].to_numpy()).all()


def test_apply_reserves_curated_ids_for_upstream_slugs():
    """An unkeyed upstream row whose slug is a curated id gets the next free suffix, so no two rows share an id."""
    up, cur, ov = _tables()
    cur.loc[cur["id"] == "new", "id"] = "model-c"
    ov.loc[ov["id"] == "new", "id"] = "model-c"
    merged, _, _ = overlay.apply(up, cur, ov)
    assert list(merged["id"]) == ["a", "b", "model-c-2", "model-c-3", "model-c", "lost"]
    assert merged["id"].is_unique


def test_apply_refuses_an_overlay_id_not_in_the_curated_table():
    up, cur, ov = _tables()
    bad = pd.concat([ov, _ov({"id": "ghost", "kind": "addition"})], ignore_index=True)
    with pytest.raises(DataError) as exc:
        overlay.apply(up, cur, bad, file="data/o.csv")
    assert "overlay id 'ghost' is not in data/models.csv" in str(exc.value) and "data/o.csv" in str(exc.value)


def test_cell_helpers_by_hand():
    assert overlay.split_fields(" parameters | |training_tokens|") == ["parameters", "training_tokens"]
    assert overlay.split_fields("") == []
    assert overlay.parse_values("parameters=7e10| training_tokens = 15e12 |junk") == {
        "parameters": "7e10", "training_tokens": "15e12"}
    assert overlay.parse_values("url=a=b") == {"url": "a=b"}
    assert [overlay.format_value(v) for v in (None, pd.NA, pd.NaT, float("nan"), np.nan)] == [""] * 5
    assert overlay.format_value(pd.Timestamp("2024-04-18 13:00")) == "2024-04-18"
    assert overlay.format_value(7e10) == "70000000000.0" and overlay.format_value(np.float32(0.5)) == "0.5"
    assert overlay.format_value(np.int64(3)) == "3" and overlay.format_value(True) == "1"
    assert overlay.format_value("x") == "x"
    assert overlay.same_value(pd.NA, "") and overlay.same_value(7e10, "7e10") and overlay.same_value("a", "a")
    assert overlay.same_value(1.0, 1.0 + 1e-12) and not overlay.same_value(1.0, 1.0 + 1e-6)
    assert overlay.same_value(1.0, 1.004, rel_tol=0.005) and not overlay.same_value("a", "b")
    assert not overlay.same_value(1.0, pd.NA)
    assert [overlay.is_missing(v) for v in (None, pd.NA, pd.NaT, math.nan, "", 0, 0.0, "0")] == [True] * 5 + [
        False] * 3
    assert overlay.unique_ids(pd.Series(["GPT-4", "GPT 4", "gpt-4", "X"]), {"gpt-4-2"}) == [
        "gpt-4", "gpt-4-3", "gpt-4-4", "x"]


def test_apply_counts_every_row_and_a_missing_key_does_not_stop_the_others():
    """A keyed row whose name is not upstream, listed first, is a warning naming the overlay file; the rows after it
    are still applied (two corrections and two matches counted as two each). The merged index is 0..n-1."""
    up, cur, ov = _tables()
    ov = pd.concat([ov.iloc[[3]], ov.iloc[[0, 1, 2]]], ignore_index=True)  # the 'lost' key first
    cur.loc[cur["id"] == "new", "name"] = "Model C"
    ov.loc[ov["id"] == "new", ["kind", "upstream_name", "fields"]] = ["correction", "Model C", "parameters"]
    ov = pd.concat([ov, _ov({"id": "new2", "kind": "match", "upstream_name": "Model C!"})], ignore_index=True)
    cur = pd.concat([cur, cur.iloc[[2]].assign(id="new2", name="Model C!")], ignore_index=True)
    merged, stats, problems = overlay.apply(up, cur, ov)
    m = merged.set_index("id")
    assert (stats.corrections, stats.matches, stats.additions) == (2, 2, 1)
    assert m.at["a", "training_compute_flop"] == 6.354e24 and m.at["new", "parameters"] == 1e8
    assert list(merged.index) == list(range(len(merged))) == list(range(5))
    assert [p.file for p in problems] == ["data/overlay.csv"]


def test_an_unknown_overlay_id_names_the_id_column():
    up, cur, ov = _tables()
    with pytest.raises(DataError) as exc:
        overlay.apply(up, cur, pd.concat([ov, _ov({"id": "ghost", "kind": "addition"})], ignore_index=True))
    assert exc.value.column == "id" and exc.value.file == "data/overlay.csv"
