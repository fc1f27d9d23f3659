"""The common result shape (analysis/metrics/result.py): JSON conversion, meta, caption, to_frame, and that every
result class uses the generic ``to_dict`` rather than its own."""

from __future__ import annotations

import ast
import importlib
import json
import math
import pkgutil
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

import analysis.metrics
from analysis.metrics import result as R
from analysis.metrics.selection import select
from analysis.metrics.trends import fit_trend

ROOT = Path(__file__).resolve().parents[1]


def test_json_value_makes_values_json_safe():
    got = R.json_value({"a": np.float64(1.5), "b": float("nan"), "c": (np.int64(3), float("inf")),
                        "d": pd.Timestamp("2024-04-18 13:00"), "e": pd.NaT, "f": np.bool_(True),
                        "g": pd.DataFrame({"x": [1.0, np.nan], "t": pd.to_datetime(["2020-01-02", None])})})
    assert got == {"a": 1.5, "b": None, "c": [3, None], "d": "2024-04-18", "e": None, "f": True,
                   "g": [{"x": 1.0, "t": "2020-01-02"}, {"x": None, "t": None}]}
    assert type(got["c"][0]) is int and type(got["f"]) is bool
    json.dumps(got, allow_nan=False)


def test_caption_is_built_from_the_meta_only():
    m = R.meta(120, pd.Timestamp("2018-01-01"), "2026-06-30", "OLS t, HC3 errors", 0.9)
    assert m.caption() == "n=120, window 2018-01-01 to 2026-06-30; 90% interval: OLS t, HC3 errors"
    assert R.meta(7, 2019, 2024, "exact binomial", 0.95).caption() == \
        "n=7, window 2019 to 2024; 95% interval: exact binomial"
    assert R.meta(1, None, None, "none: a single estimate", None).caption() == "n=1; none: a single estimate"
    assert R.meta(0, None, None, "Monte Carlo, 100 draws", 0.8).caption() == "80% interval: Monte Carlo, 100 draws"
    assert R.meta(5, "2020-01-01", None, "t", 0.9).caption() == "n=5, window 2020-01-01 to n/a; 90% interval: t"
    assert m.to_dict() == {"n": 120, "window": ["2018-01-01", "2026-06-30"], "interval_kind": "OLS t, HC3 errors",
                           "confidence": 0.9}


@dataclass(frozen=True)
class Toy(R.Result):
    """A result declaring each kind of JSON rule once."""

    name: str
    rate: float
    rate_ci: tuple[float, float]
    internal: np.ndarray = field(default=None, repr=False, compare=False)
    level: float = 0.8
    n_rows: int = 12

    json_skip = frozenset({"internal"})
    json_rename = {"level": "ci_level"}
    json_derived = ("double_rate",)

    @property
    def double_rate(self) -> float:
        return 2 * self.rate

    def json_extra(self) -> dict:
        return {"n": 99}  # a result's own n wins over the meta's

    @property
    def meta(self) -> R.ResultMeta:
        return R.meta(self.n_rows, "2020-01-01", "2020-12-31", "toy", self.level)


def test_generic_to_dict_applies_the_declared_rules_and_adds_the_meta():
    t = Toy("a", 0.5, (0.25, float("inf")), internal=np.arange(3))
    d = t.to_dict()
    assert d == {"name": "a", "rate": 0.5, "rate_ci": [0.25, None], "ci_level": 0.8, "n_rows": 12, "double_rate": 1.0,
                 "n": 99, "window": ["2020-01-01", "2020-12-31"], "interval_kind": "toy", "confidence": 0.8}
    json.dumps(d, allow_nan=False)
    frame = t.to_frame()
    assert list(frame.columns) == ["name", "rate", "rate_low", "rate_high", "ci_level", "n_rows", "double_rate", "n",
                                   "window_start", "window_end", "interval_kind", "confidence"]
    assert frame.iloc[0]["rate_low"] == 0.25 and frame.iloc[0]["rate_high"] is None
    assert t.caption() == "n=12, window 2020-01-01 to 2020-12-31; 80% interval: toy"


def test_table_result_is_its_table_plus_settings_and_meta():
    table = pd.DataFrame({"year": [2020, 2021], "share": [0.25, math.nan]})
    r = R.TableResult(table=table, info=R.meta(40, 2020, 2021, "Wilson", 0.9), settings={"subset": "notable"},
                      rows_key="years")
    assert r.to_frame() is table
    assert r.to_dict() == {"subset": "notable", "years": [{"year": 2020, "share": 0.25}, {"year": 2021, "share": None}],
                           "n": 40, "window": ["2020", "2021"], "interval_kind": "Wilson", "confidence": 0.9}


def _synthetic(n=60, seed=0):
    rng = np.random.default_rng(seed)
    dates = pd.Timestamp("2012-01-01") + pd.to_timedelta(np.sort(rng.uniform(0, 3650, n)), unit="D")
    x = (dates - pd.Timestamp("2012-01-01")).days / 365.25
    return pd.DataFrame({"name": [f"m{i}" for i in range(n)], "release_date": dates,
                         "training_compute_flop": 10 ** (20 + 0.6 * x + rng.normal(0, 0.3, n))})


def test_trend_fit_meta_caption_and_frame():
    fit = fit_trend(_synthetic())
    assert fit.meta.n == fit.n == 60 and fit.meta.confidence == 0.9
    d = fit.to_dict()
    assert d["window"] == [fit.start.strftime("%Y-%m-%d"), fit.end.strftime("%Y-%m-%d")]
    # the default interval (issue 23): CR2 clustered by organization (no organization column: each model its own
    # cluster) and release year (10 calendar years), with its Bell-McCaffrey df
    kind = ("OLS t, CR2 errors clustered by organization (60) and release year (10; Bartlett over 3 years), "
            f"Bell-McCaffrey df {fit.interval_df:.1f}")
    assert d["interval_kind"] == kind and d["n_clusters"] == 60 and d["n_years"] == 10
    assert fit.caption() == f"n=60, window {d['window'][0]} to {d['window'][1]}; 90% interval: {kind}"
    hc3 = fit_trend(_synthetic(), cov_type="HC3")
    assert hc3.meta.interval_kind == "OLS t, HC3 errors" and hc3.to_dict()["n_years"] is None
    pd.testing.assert_frame_equal(fit.to_frame(), pd.DataFrame([fit.to_row()]))
    boot = fit_trend(_synthetic(), method="bootstrap", n_boot=50)
    assert boot.meta.interval_kind == "bootstrap percentile, 50 resamples of models"


def _classes_with_own_to_dict() -> list[str]:
    found = []
    for path in sorted((ROOT / "analysis" / "metrics").rglob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.ClassDef) and any(isinstance(f, ast.FunctionDef) and f.name == "to_dict"
                                                      for f in node.body):
                found.append(f"{path.relative_to(ROOT).as_posix()}:{node.name}")
    return found


def test_results_use_the_generic_to_dict():
    """Only the base classes and the documented exceptions write their own ``to_dict``: ParametricFit is a published
    constant set (no estimate of ours), VintageDiff describes data files, not estimates (Export, the file read, now
    lives in the data layer: analysis/data/exports.py)."""
    assert _classes_with_own_to_dict() == [
        "analysis/metrics/result.py:ResultMeta",
        "analysis/metrics/result.py:Result",
        "analysis/metrics/scaling/laws.py:ParametricFit",
        "analysis/metrics/vintages.py:VintageDiff",
    ]


def test_every_result_class_declares_its_meta():
    """A Result subclass must define ``meta`` (the base raises): every one in analysis.metrics does."""
    for info in pkgutil.walk_packages(analysis.metrics.__path__, "analysis.metrics."):
        importlib.import_module(info.name)
    classes = [c for c in R.Result.__subclasses__()]
    assert len(classes) >= 19
    missing = [c.__name__ for c in classes if not any("meta" in vars(k) for k in c.__mro__ if k is not R.Result)]
    assert missing == []


def _lag_entries(n_open: int):
    """Closed records every year from 2010 at 50, 51, ...; open model i reaches record i half a year later."""
    rows = []
    for i in range(n_open):
        rows.append({"model_id": f"c{i}", "date": pd.Timestamp(2010 + i, 1, 1), "value": 50.0 + i,
                     "open_weights": False})
        rows.append({"model_id": f"o{i}", "date": pd.Timestamp(2010 + i, 7, 1), "value": 50.0 + i,
                     "open_weights": True})
    return pd.DataFrame(rows)


@pytest.mark.parametrize("k", [1, 2, 5])
def test_lag_meta_states_the_coverage_the_interval_holds(k):
    """The lag's interval is a calibrated bootstrap over clusters (here each model is one): its meta names the method
    and the coverage it reached in simulation (analysis.metrics.openness.lag.MEASURED_COVERAGE, checked by
    tests/test_lag_coverage.py), and the caption repeats it; one model per group gives no interval."""
    from analysis.metrics.openness import open_closed_lag
    from analysis.metrics.openness.lag import MEASURED_COVERAGE

    r = open_closed_lag(_lag_entries(k), confidence=0.90, n_boot=200)
    assert r.n_clusters == 2 * k and r.ci_level == 0.90
    m = r.meta
    if k == 1:
        assert m.confidence is None and m.interval_kind.startswith("none: ")
    else:
        lo, hi = MEASURED_COVERAGE
        assert m.confidence == 0.90 and f"coverage {lo:.2f}-{hi:.2f} measured in simulation" in m.interval_kind
        assert r.caption().endswith(f"90% interval: {m.interval_kind}")
        assert r.median_lag_months == pytest.approx(r.crossings["lag_months"].median(), abs=0.05)


# --- no DataFrame.attrs: the table functions return a TableResult ----------------------------------------------

def _attrs_uses(source: str) -> list[int]:
    """Lines of ``source`` that touch a ``.attrs`` attribute in code (docstrings and comments do not count): setting
    it (``df.attrs[k] = v``, ``df.attrs.update(...)``, ``df.attrs = {...}``) or reading it back, the other end of
    the same hidden channel."""
    return sorted({node.lineno for node in ast.walk(ast.parse(source))
                   if isinstance(node, ast.Attribute) and node.attr == "attrs"})


def test_the_attrs_scan_finds_each_way_of_setting_them():
    for code in ("df.attrs['n'] = 1", "df.attrs.update(n=1)", "df.attrs = {'n': 1}", "x = out.attrs.get('n')",
                 "f(a.b.attrs)"):
        assert _attrs_uses(code) == [1], code
    assert _attrs_uses('"""df.attrs in a docstring"""\n# df.attrs in a comment\nattrs = {}\nx = attrs') == []


def test_no_module_under_analysis_uses_dataframe_attrs():
    """pandas does not reliably carry ``DataFrame.attrs`` through operations: settings travel in a TableResult."""
    found = [f"{p.relative_to(ROOT).as_posix()}:{line}" for p in sorted((ROOT / "analysis").rglob("*.py"))
             for line in _attrs_uses(p.read_text(encoding="utf-8"))]
    assert found == []


@pytest.fixture(scope="module")
def bundled():
    from analysis.data.dataset import load

    return load(None)


def _years(table: pd.DataFrame, col: str = "year") -> tuple[str, str]:
    return str(int(table[col].min())), str(int(table[col].max()))


def _check_shape(r, settings: set[str]) -> None:
    """The declared shape: a TableResult whose frame is its table, whose settings have the documented keys, whose
    meta is filled and whose JSON is strict (no NaN) with the settings, the rows and the meta."""
    assert isinstance(r, R.TableResult) and isinstance(r.table, pd.DataFrame) and len(r.table) > 0
    assert r.to_frame() is r.table and set(r.settings) == settings
    assert r.meta.n > 0 and None not in r.meta.window and r.meta.interval_kind
    assert (r.meta.confidence is None) == r.meta.interval_kind.startswith("none:")
    d = json.loads(json.dumps(r.to_dict(), allow_nan=False))
    assert len(d[r.rows_key]) == len(r.table) and set(settings) <= set(d)
    assert d["window"] == list(r.meta.window) and d["n"] == r.meta.n
    assert r.caption().startswith(f"n={r.meta.n}, window {r.meta.window[0]} to {r.meta.window[1]}")


def test_open_share_returns_a_table_result(bundled):
    from analysis.metrics.openness import BINOMIAL_INTERVALS as op_intervals
    from analysis.metrics.openness import open_share
    from analysis.metrics.selection import select

    r = open_share(bundled.models)
    _check_shape(r, {"n_no_date", "n_unknown", "subset", "by", "method", "confidence"})
    t = r.table
    # n = models with known access; with the unknown and the undated ones, every notable model is counted once
    assert r.meta.n == t["n"].sum()
    assert r.meta.n + r.settings["n_unknown"] + r.settings["n_no_date"] == len(select(bundled.models, "notable"))
    assert r.meta.window == _years(t) and r.meta.confidence == 0.90
    assert r.meta.interval_kind == op_intervals["organizations"] and r.settings["method"] == "organizations"
    assert open_share(bundled.models, method="wilson").meta.interval_kind == "Wilson score"
    cp = open_share(bundled.models, by="access", method="clopper-pearson", confidence=0.95)
    assert cp.meta.n == r.meta.n and cp.meta.confidence == 0.95
    assert cp.meta.interval_kind == "Clopper-Pearson exact binomial"


def test_shares_by_year_returns_a_table_result(bundled):
    from analysis.metrics import competition as comp

    r = comp.shares_by_year(bundled.models, by="country")
    _check_shape(r, {"n_no_date", "subset", "by"})
    t = r.table
    assert r.meta.n == t.drop_duplicates("year")["n_models"].sum() and r.meta.window == _years(t)
    assert r.meta.confidence is None and r.settings["by"] == "country"
    assert (t.groupby("year")["share"].sum() - 1).abs().max() < 1e-9


def test_concentration_and_frontier_organizations_return_table_results(bundled):
    from analysis.metrics import competition as comp

    c = comp.concentration(bundled.models, subset="frontier", n_boot=100)
    _check_shape(c, {"n_no_date", "subset", "by", "confidence", "ci_level", "n_boot", "seed", "harmonize",
                     "window_years", "min_models", "partial_year", "n_years_before_start"})
    assert c.rows_key == "years" and c.meta.n == c.table["n_models"].sum() and c.meta.window == _years(c.table)
    # pooled windows: the meta counts each model once (the rows' windows overlap)
    w = comp.concentration(bundled.models, subset="frontier", n_boot=100, window_years=3)
    dated = select(bundled.models, "frontier")["release_date"].dropna().dt.year
    assert w.meta.n == dated.between(w.table["window_start"].min(), w.table["year"].max()).sum()
    assert w.meta.n < w.table["n_models"].sum()
    assert c.meta.interval_kind == comp.HHI_INTERVAL_KIND.format(n_boot=100) and c.meta.confidence == 0.90
    f = comp.frontier_organizations(bundled.models)
    _check_shape(f, {"n_no_date", "threshold_flop", "top_k"})
    rep = select(bundled.models)  # counted on the representative set: one row per model, no overlay additions
    assert f.meta.n == f.table["n_models"].sum() == rep["release_date"].notna().sum()
    assert f.meta.window == _years(f.table) and f.settings["n_no_date"] == rep["release_date"].isna().sum()
    e = comp.frontier_entrants(bundled.models)
    _check_shape(e, {"n_no_date", "top_k"})
    lead = comp.compute_leadership(bundled.models)
    _check_shape(lead, {"as_of", "by"})
    assert lead.meta.window[1] == lead.settings["as_of"].strftime("%Y-%m-%d")


def test_overtraining_returns_a_table_result(bundled):
    from analysis.metrics import scaling

    r = scaling.overtraining(bundled.models, "besiroglu-2024")
    _check_shape(r, {"n_skipped", "confidence", "approach"})
    assert r.meta.n == len(r.table) and r.meta.n + r.settings["n_skipped"] == len(select(bundled.models))
    assert r.meta.confidence == r.settings["confidence"] == 0.90
    assert r.meta.window == (r.table["release_date"].min().strftime("%Y-%m-%d"),
                             r.table["release_date"].max().strftime("%Y-%m-%d"))
    point = scaling.overtraining(bundled.models, "hoffmann-1")  # a power law without published uncertainty
    assert point.meta.confidence is None and point.settings["confidence"] is None


def test_saturation_returns_a_table_result():
    from analysis.data import benchmark_hub as bh
    from analysis.metrics import capabilities as cap

    r = cap.saturation(bh.load_hub(benchmarks=["gpqa-diamond", "mmlu", "frontiermath"]), confidence=0.8)
    _check_shape(r, {"ceiling", "rate_years", "ci_level", "confidence"})
    t = r.table
    assert r.meta.n == t["n_models"].sum() and r.meta.confidence == r.settings["ci_level"] == 0.8
    assert r.meta.window == (t["first_date"].min().strftime("%Y-%m-%d"), t["last_date"].max().strftime("%Y-%m-%d"))


def test_spillover_counts_and_benchmark_entries_return_table_results(bundled):
    from analysis.data.dataset import load_with_bases
    from analysis.metrics import spillovers as sp
    from analysis.metrics.openness import benchmark_entries

    deriv = sp.derivatives(load_with_bases(None).models)
    r = sp.spillover_counts(deriv, "year")
    _check_shape(r, {"level", "by", "method"})
    # n = distinct derivatives; per year each dated one counts once
    assert r.meta.n == deriv["derivative"].nunique() > 0
    assert r.table["n_derivatives"].sum() == deriv.loc[deriv["year"].notna(), "derivative"].nunique()
    assert r.meta.window == (deriv["derivative_date"].min().strftime("%Y-%m-%d"),
                             deriv["derivative_date"].max().strftime("%Y-%m-%d"))
    assert r.meta.confidence == r.settings["level"] == 0.90
    assert sp.spillover_counts(deriv, "family").meta == r.meta  # the same derivatives, grouped otherwise
    e = benchmark_entries(bundled.benchmarks, bundled.models, "mmlu")
    _check_shape(e, {"n_not_in_models", "n_no_date", "setting", "n_evaluation_dates"})
    assert e.meta.n == len(e.table) and e.settings["n_evaluation_dates"] == (e.table["date_basis"] == "evaluation").sum()
