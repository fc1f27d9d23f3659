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
from tests.conftest import REF, needs_ref

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
    m = bh.per_model(hub, "mmlu")  # declared: 5-shot
    assert m["model"].is_unique
    five = hub[(hub["benchmark"] == "mmlu") & (hub["setting"] == "5-shot")]
    assert len(m) == five["model"].nunique()
    # the best dated version's score (independently: the max over dated rows, else over all rows)
    dated = five[five["release_date"].notna()].groupby("model")["score"].max()
    expect = five.groupby("model")["score"].max().where(~five.groupby("model")["score"].max().index.isin(dated.index),
                                                         dated)
    assert m.set_index("model")["score"].sort_index().tolist() == expect.sort_index().tolist()


def test_one_declared_setting_per_benchmark(hub):
    """Every benchmark with a setting column has a declared setting, chosen by the documented rule: the stated
    setting with the most models; "unspecified" only where no stated setting has 5 models; OSWorld (a different
    agent per entry) takes each model's best, said so."""
    for slug, b in bh.BENCHMARKS.items():
        if b.setting_column is None:
            assert bh.default_setting(slug) == b.fixed_setting and slug not in bh.DEFAULT_SETTINGS
            continue
        x = hub[hub["benchmark"] == slug]
        counts = x.groupby("setting")["model"].nunique()
        stated = counts.drop("unspecified", errors="ignore")
        if slug == "osworld":
            assert stated.max() == 1 and bh.DEFAULT_SETTINGS[slug] == "any"
            assert bh.resolve_setting(slug) is None and bh.setting_label(slug).startswith("any")
            continue
        if len(stated) and stated.max() >= 5:
            rule = sorted(stated[stated == stated.max()].index)[0]
        else:
            rule = "unspecified"
        assert bh.DEFAULT_SETTINGS[slug] == rule, slug
    assert bh.default_setting("eci") == "composite" and bh.resolve_setting("eci") == "composite"
    assert bh.resolve_setting("mmlu", "any") is None


def test_scores_dated_by_the_version_that_earned_them(hub):
    """Gemini 1.5 Pro: 128.4 for the February 2024 version, 127.3 for -001 (May), 132.8 for -002 (September).
    Its per-model row is -002's score on -002's date, and its steps are February's 128.4 and September's 132.8."""
    m = bh.per_model(hub, "eci", "any").set_index("model")
    g = m.loc["Gemini 1.5 Pro"]
    assert g["model_version"] == "gemini-1.5-pro-002" and g["release_date"] == pd.Timestamp("2024-09-24")
    assert g["score"] == pytest.approx(132.81, abs=0.01)
    steps = bh.version_steps(hub, "eci")
    gs = steps[steps["model"] == "Gemini 1.5 Pro"]
    assert gs["release_date"].tolist() == [pd.Timestamp("2024-02-15"), pd.Timestamp("2024-09-24")]
    assert gs["score"].round(1).tolist() == [128.4, 132.8]
    # independently: models whose best version came after their first one, and by how much
    e = raw(bh.ECI_FILE)
    e = e[e["ECI Score"].notna() & e["Release date"].notna()]
    e["model"] = e["Model name"].fillna(e["Model version"])
    e["date"] = pd.to_datetime(e["Release date"])
    best = e.sort_values(["ECI Score", "date"], ascending=[False, True]).drop_duplicates("model").set_index("model")
    delay = (best["date"] - e.groupby("model")["date"].min()).dt.days
    assert delay.max() == 222 and delay.idxmax() == "Gemini 1.5 Pro"
    later = delay[delay > 0].index
    assert (m.loc[later, "release_date"] == best.loc[later, "date"]).all()
    # a model's last step is its per-model row
    last = steps.groupby("model").tail(1).set_index("model")
    dated = m[m["release_date"].notna()]
    assert last.loc[dated.index, "score"].tolist() == dated["score"].tolist()


def test_lag_entries_adapter_feeds_the_lag_function(hub):
    from analysis.metrics.openness import open_closed_lag

    e = bh.lag_entries(hub, "eci")
    assert list(e.columns) == ["model_id", "name", "organization", "date", "value", "open_weights", "model_version"]
    res = open_closed_lag(e, benchmark="eci", n_boot=20)
    closed = e[e["open_weights"] == False].sort_values("date")  # noqa: E712
    best = closed.groupby("date")["value"].max().cummax()
    n_records = int((best.diff().fillna(1) > 0).sum())  # independent count of new closed bests
    assert res.n_matched + res.n_censored == n_records == len(res.crossings)


@pytest.mark.reference
@needs_ref
def test_version_dates_agree_with_epochs_model_versions_file(hub):
    """Epoch AI's own version list (github.com/epoch-research/benchmark-stitching, data/model_versions.csv, MIT;
    ../shared/reference/epoch_benchmark_stitching) against the hub's version release dates: every scored version
    both date agrees except four, where the hub (April 2026) differs from the December 2025 list."""
    v = pd.read_csv(REF / "epoch_benchmark_stitching" / "model_versions.csv", encoding="utf-8-sig")
    v = v[v["Version release date"].notna()].set_index("id")["Version release date"]
    e = hub[(hub["benchmark"] == "eci") & hub["release_date"].notna()].set_index("model_version")["release_date"]
    both = e.index.intersection(v.index)
    diff = sorted(x for x in both if pd.Timestamp(v[x]) != e[x])
    assert len(both) >= 250
    assert diff == ["Kimi-K2-Instruct-0905", "gemini-1.0-pro-001", "gemini-1.5-pro-001",
                    "gemini-2.5-pro-preview-03-25"]


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
