"""Epoch AI's "How far behind are open models?" (Cottier, You, Martemianova & Owen, 4 Nov 2024) reproduced with
its own estimand on its own tables, beside our lag.

Epoch's benchmark lag (notebook ``benchmark_analysis.ipynb`` of github.com/epoch-research/open-model-trends, "MAIN
RESULT"): each group's record scores over time, as -ln(1 - accuracy) ("nats"), models of one date merged into
their best; for every closed record not already within ``tolerance`` of the last open model matched, the first open
record scoring above the closed record minus ``tolerance`` (0.02 nats); lag = days / 365 * 12. The report's "5 to
22 months" is the 5th to 95th percentile of these lags pooled over MMLU, GPQA, GSM1k and BBH. Filters as in the
notebook: scores Epoch distrusted ("Trust in benchmark results" < 0) are left out on MMLU and, after November 2023,
on GPQA; separately fine-tuned versions are left out (:data:`analysis.constants.EPOCH_REPORT_FINETUNED`, the
notebook's list as far as the tables hold them, and every "Flan" model); Scale's SEAL Math scores stand in for
GSM1k where present.

:func:`catch_up_lags` is that estimand on any table of (system, date, open/closed, accuracy); :func:`report_tables`
turns the report's two tables (../shared/reference/epoch_open_model_trends, read by the caller) into one frame per
benchmark, which our own lag (:func:`analysis.metrics.openness.open_closed_lag`) also takes.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from analysis import constants as C
from analysis.errors import AnalysisError
from analysis.metrics.openness.lag import open_closed_lag
from analysis.metrics.result import TableResult, meta, span

REPORT_BENCHMARKS = ("MMLU", "GPQA", "GSM1k", "BBH")
GPQA_RELEASE = pd.Timestamp("2023-11-01")  # the notebook's cut-off ("GPQA was released November 20, 2023")


def report_tables(main: pd.DataFrame, gsm1k: pd.DataFrame) -> dict[str, pd.DataFrame]:
    """The report's benchmark tables (``benchmarks_with_model_accessibility.csv`` and
    ``gsm1k_with_model_accessibility.csv`` as read) as one frame per benchmark: model_id, date, value (accuracy in
    percent), open_weights, organization (None: the tables have none), with the notebook's filters applied."""
    df = pd.concat([gsm1k, main], ignore_index=True)
    df = df[df["System"] != "Random chance"]
    finetuned = df["System"].isin(C.EPOCH_REPORT_FINETUNED) | df["System"].str.contains("Flan", case=False)
    df = df[~finetuned].copy()
    df["GSM1k"] = df["SEAL Math"].where(df["SEAL Math"].notna(), df["GSM1k"])
    df["Date"] = pd.to_datetime(df["Date"], format="mixed")
    trust = df["Trust in benchmark results"].fillna(0)
    out = {}
    for bench in REPORT_BENCHMARKS:
        d = df[df[bench].notna() & df["Date"].notna() & df["Open/Closed"].isin(["Open", "Closed"])]
        t = trust.loc[d.index]
        if bench == "MMLU":
            d = d[t >= 0]
        elif bench == "GPQA":
            d = d[(d["Date"] < GPQA_RELEASE) | (t >= 0)]
        out[bench] = pd.DataFrame({"model_id": d["System"].to_numpy(), "date": d["Date"].to_numpy(),
                                   "value": 100 * d[bench].to_numpy(float),
                                   "open_weights": (d["Open/Closed"] == "Open").to_numpy(), "organization": None})
    return out


def _records(e: pd.DataFrame) -> list[tuple[pd.Timestamp, str, float]]:
    """Record scores in nats, in date order; a record on the same date as the previous one replaces it."""
    rows: list[tuple[pd.Timestamp, str, float]] = []
    best = 0.0
    for r in e.sort_values("date", kind="stable").itertuples(index=False):
        score = -np.log(1 - r.value / 100)
        if score > best:
            best = score
            if rows and rows[-1][0] == r.date:
                rows[-1] = (r.date, r.model_id, score)
            else:
                rows.append((r.date, r.model_id, score))
    return rows


def catch_up_lags(entries: pd.DataFrame, tolerance: float = C.EPOCH_OPEN_LAG_BENCHMARK_NOISE_NATS) -> pd.DataFrame:
    """Epoch's discrete catch-up lags (module docstring) on entries (model_id, date, value = accuracy in percent,
    open_weights). Columns: closed_model, closed_date, closed_percent, open_model, open_date, open_percent,
    lag_months (days / 365 * 12, as in the report)."""
    e = entries.dropna(subset=["date", "value", "open_weights"])
    closed, opened = _records(e[~e["open_weights"].astype(bool)]), _records(e[e["open_weights"].astype(bool)])
    rows, winner = [], 0.0
    for cd, cm, cs in closed:
        if cs <= winner + tolerance:  # an open model already at this level
            continue
        for od, om, os_ in opened:
            if os_ > cs - tolerance:
                winner = os_
                rows.append({"closed_model": cm, "closed_date": cd, "closed_percent": 100 * (1 - np.exp(-cs)),
                             "open_model": om, "open_date": od, "open_percent": 100 * (1 - np.exp(-os_)),
                             "lag_months": (od - cd).days / 365 * 12})
                break
    return pd.DataFrame(rows, columns=["closed_model", "closed_date", "closed_percent", "open_model", "open_date",
                                       "open_percent", "lag_months"])


def report_lags(tables: dict[str, pd.DataFrame], n_boot: int = 1000, seed: int = 0,
                confidence: float = C.DEFAULT_CONFIDENCE) -> TableResult:
    """Per benchmark of the report: Epoch's catch-up lags (their mean, count) and our median lag over levels with
    its interval, on the same table. Settings: ``pooled_5th`` / ``pooled_95th`` (the report's "5 to 22 months"),
    ``pooled_mean``, ``pooled_median``, ``lags`` (every catch-up lag)."""
    rows, every = [], []
    for bench, e in tables.items():
        lags = catch_up_lags(e)
        every.append(lags.assign(benchmark=bench))
        ours = open_closed_lag(e, benchmark=bench.lower(), n_boot=n_boot, seed=seed, confidence=confidence,
                               cluster_by="model", as_of=C.EPOCH_OPEN_MODELS_REPORT_DATE)
        rows.append({"benchmark": bench, "n_models": len(e), "epoch_n_lags": len(lags),
                     "epoch_mean_lag_months": float(lags["lag_months"].mean()) if len(lags) else float("nan"),
                     "median_lag_months": ours.median_lag_months, "lag_low": ours.lag_months_ci[0],
                     "lag_high": ours.lag_months_ci[1], "share_censored_levels": ours.share_censored_levels,
                     "window_start": ours.window[0], "window_end": ours.window[1]})
    if not rows:
        raise AnalysisError("no benchmark table to compute the report's lags on")
    lags = pd.concat(every, ignore_index=True)
    pooled = lags["lag_months"].to_numpy(float)
    table = pd.DataFrame(rows)
    settings = {"pooled_5th": float(np.percentile(pooled, 5)), "pooled_95th": float(np.percentile(pooled, 95)),
                "pooled_mean": float(pooled.mean()), "pooled_median": float(np.median(pooled)),
                "tolerance_nats": C.EPOCH_OPEN_LAG_BENCHMARK_NOISE_NATS, "lags": lags}
    dates = pd.concat([table["window_start"], table["window_end"]])
    info = meta(int(table["n_models"].sum()), *span(dates),
                "ours: calibrated percentile bootstrap over models; Epoch's catch-up lags: none (5th-95th "
                "percentile of the pooled lags is a spread, not an interval)", confidence)
    return TableResult(table=table, info=info, settings=settings)
