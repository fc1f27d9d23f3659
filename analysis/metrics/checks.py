"""Checks of notebook parameters against the data, so a report fails with the CLI's clear message instead of
silently leaving a section out (``-p benchmark=gpqa`` when the benchmark is called ``gpqa-diamond``)."""

from __future__ import annotations

import pandas as pd

from analysis.errors import AnalysisError
from analysis.metrics.compute import find_model
from analysis.metrics.selection import domains


def model_ids(models: pd.DataFrame, ids: str) -> list[str]:
    """Comma-separated model ids -> list; an unknown id raises the CLI's error ("unknown model id ...; did you
    mean ...")."""
    out = [m.strip() for m in str(ids).split(",") if m.strip()]
    for m in out:
        find_model(models, m)
    return out


def benchmark(benchmarks: pd.DataFrame, name: str, setting: str | None = None) -> None:
    """The benchmark (and setting) must have scores: else the CLI's error, naming the benchmarks available."""
    b = benchmarks[benchmarks["benchmark"] == name] if "benchmark" in benchmarks.columns else benchmarks.iloc[0:0]
    if setting:
        b = b[b["setting"] == setting] if "setting" in b.columns else b.iloc[0:0]
    if b.empty:
        known = sorted(benchmarks["benchmark"].dropna().unique()) if "benchmark" in benchmarks.columns else []
        hint = f"; available: {', '.join(known[:12])}" if known else " (the benchmarks table is empty)"
        if setting and name in set(known):
            settings = sorted(benchmarks.loc[benchmarks["benchmark"] == name, "setting"].dropna().unique())
            hint = f"; settings available for {name}: {', '.join(settings)}"
        raise AnalysisError(f"no scores for benchmark {name!r}" + (f" in setting {setting!r}" if setting else "")
                            + hint)


def value_in(frame: pd.DataFrame, column: str, value: str, what: str | None = None) -> None:
    """``value`` must occur in ``frame[column]`` (e.g. a domain or an organization); else a one-line error that
    lists what is available."""
    known = sorted(frame[column].dropna().astype(str).unique()) if column in frame.columns else []
    if value not in known:
        hint = f"; available: {', '.join(known[:15])}" + (" …" if len(known) > 15 else "") if known else ""
        raise AnalysisError(f"unknown {what or column} {value!r}{hint}")


def domain(frame: pd.DataFrame, value: str) -> None:
    """``value`` must be a domain of some model (domains are multi-valued: 'multimodal,language,vision' has three);
    else a one-line error that lists the domains available."""
    known = sorted({d for cell in frame["domain"] for d in domains(cell)}) if "domain" in frame.columns else []
    if str(value).strip().lower() not in known:
        hint = f"; available: {', '.join(known)}" if known else ""
        raise AnalysisError(f"unknown domain {value!r}{hint}")
