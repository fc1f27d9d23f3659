"""The Benchmarking Hub loader: every documented score column exists, counts equal an independent pandas read of
the pinned snapshot (data/upstream/epoch-ai/2026-04-19/benchmarking_hub, always in the repo), one open rule, units,
and bad input fails with file, row and column."""

from __future__ import annotations

import shutil

import numpy as np
import pandas as pd
import pytest

from analysis.data import benchmark_hub as bh
from analysis.data import upstream
from analysis.errors import DataError, UsageError

HUB = upstream.UPSTREAM_DIR / "epoch-ai" / bh.HUB_VINTAGE / bh.HUB_DIR


@pytest.fixture(scope="module")
def hub():
    return bh.load_hub()


def raw(name: str) -> pd.DataFrame:
    return pd.read_csv(HUB / f"{name}.csv")


def test_every_documented_file_and_score_column_exists():
    for b in bh.BENCHMARKS.values():
        cols = pd.read_csv(HUB / f"{b.file}.csv", nrows=0).columns
        assert b.score_column in cols, b.slug
        assert b.setting_column is None or b.setting_column in cols, b.slug
    # every per-benchmark file of the snapshot is documented (none silently ignored)
    files = {p.stem for p in HUB.glob("*.csv")}
    assert files == {b.file for b in bh.BENCHMARKS.values()}
    assert set(bh.DEFAULT_SETTINGS) <= set(bh.BENCHMARKS)
    t = bh.benchmark_table()
    assert len(t) == len(bh.BENCHMARKS) and t["benchmark"].is_unique


def test_open_rule():
    s = pd.Series(["Open weights (unrestricted)", "Open weights (restricted use)", "Open weights (non-commercial)",
                   "API access", "Hosted access (no API)", "Unreleased", None, ""])
    assert bh.open_flag(s).tolist() == [True, True, True, False, False, False, pd.NA, pd.NA]


def test_counts_equal_independent_pandas_read(hub):
    for slug in ("mmlu", "gpqa-diamond", "terminal-bench", "aider-polyglot"):
        b = bh.BENCHMARKS[slug]
        r = raw(b.file)
        expected = int((r["Model version"].notna() & r[b.score_column].notna()).sum())
        assert (hub["benchmark"] == slug).sum() == expected, slug
    e = raw(bh.ECI_FILE)
    assert (hub["benchmark"] == "eci").sum() == int(e["ECI Score"].notna().sum())
    # one ECI per model: distinct models with a score
    per = bh.per_model(hub, "eci", None)
    scored = e[e["ECI Score"].notna()]
    assert len(per) == scored["Model name"].fillna(scored["Model version"]).nunique()


def test_units_and_percent(hub):
    r = raw("mmlu_external")
    r = r[r["Model version"].notna() & r["EM"].notna()]
    mine = hub[hub["benchmark"] == "mmlu"]
    np.testing.assert_allclose(np.sort(mine["score_percent"].to_numpy()), np.sort(100 * r["EM"].to_numpy()))
    aider = hub[hub["benchmark"] == "aider-polyglot"]
    np.testing.assert_allclose(aider["score_percent"], aider["score"])  # already in percent
    assert hub.loc[hub["benchmark"] == "webdev-arena", "score_percent"].isna().all()  # Elo is not a percent
    assert hub.loc[hub["benchmark"] != "eci", "score_percent"].dropna().between(0, 100).all()
    assert set(hub.columns) == set(bh.COLUMNS)


def test_access_joined_from_eci_file(hub):
    """Per-benchmark files have no accessibility: it comes from the ECI file by model version."""
    e = raw(bh.ECI_FILE).set_index("Model version")["Model accessibility"]
    g = hub[hub["benchmark"] == "gpqa-diamond"]
    for v, acc in zip(g["model_version"], g["access"]):
        expect = e.get(v)
        assert (pd.isna(acc) and pd.isna(expect)) or acc == expect
    assert g["open"].notna().mean() > 0.9


def test_settings_normalised(hub):
    s = set(hub.loc[hub["benchmark"] == "mmlu", "setting"])
    assert {"5-shot", "0-shot"} <= s and not any(x.endswith(".0-shot") for x in s)
    m = bh.per_model(hub, "mmlu")  # default 5-shot
    assert m["model"].is_unique
    five = hub[(hub["benchmark"] == "mmlu") & (hub["setting"] == "5-shot")]
    assert len(m) == five["model"].nunique()
    assert m.set_index("model")["score"].equals(five.groupby("model")["score"].max().reindex(m["model"]).rename("score")
                                                .rename_axis("model"))


def test_lag_entries_adapter_feeds_the_lag_function(hub):
    from analysis.metrics.openness import open_closed_lag

    e = bh.lag_entries(hub, "eci")
    assert list(e.columns) == ["model_id", "name", "organization", "date", "value", "open_weights"]
    res = open_closed_lag(e, benchmark="eci")
    closed = e[e["open_weights"] == False].sort_values("date")  # noqa: E712
    best = closed.groupby("date")["value"].max().cummax()
    n_records = int((best.diff().fillna(1) > 0).sum())  # independent count of new closed bests
    assert res.n + res.n_censored == n_records


def test_unknown_benchmark_and_setting(hub):
    with pytest.raises(UsageError, match="unknown hub benchmark"):
        bh.load_benchmark("nope")
    with pytest.raises(UsageError, match="no hub results"):
        bh.per_model(hub, "mmlu", "99-shot")


def test_bad_cell_and_edited_snapshot(tmp_path, monkeypatch):
    root = tmp_path / "upstream"
    dest = root / "epoch-ai" / bh.HUB_VINTAGE / bh.HUB_DIR
    dest.mkdir(parents=True)
    for name in (bh.ECI_FILE, "mmlu_external"):
        for suffix in (".csv", ".meta.json"):
            shutil.copy(HUB / f"{name}{suffix}", dest / f"{name}{suffix}")
    monkeypatch.setattr(upstream, "UPSTREAM_DIR", root)
    assert len(bh.load_benchmark("mmlu")) > 100
    text = (dest / "mmlu_external.csv").read_text().splitlines()
    parts = text[1].split(",")
    parts[1] = "high"
    text[1] = ",".join(parts)
    (dest / "mmlu_external.csv").write_text("\n".join(text) + "\n")
    with pytest.raises(DataError, match="modified"):
        bh.load_benchmark("mmlu")
    df = pd.DataFrame({"EM": ["0.5", "high"]})
    with pytest.raises(DataError) as exc:
        bh._numbers(df, "EM", "x.csv")
    assert "x.csv" in str(exc.value) and "3" in str(exc.value) and "EM" in str(exc.value)
