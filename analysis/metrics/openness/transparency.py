"""Foundation Model Transparency Index (FMTI): scores by edition, changes between editions, and scores from the
indicator table.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping

import numpy as np
import pandas as pd

from analysis.errors import AnalysisError

# --- transparency (FMTI) --------------------------------------------------------------------------------------

EDITION_ORDER = ("2023-10", "2024-05", "2025-12")


def _edition_key(e: str) -> tuple:
    return (EDITION_ORDER.index(e) if e in EDITION_ORDER else len(EDITION_ORDER), str(e))


def transparency_changes(transparency: pd.DataFrame, aliases: Mapping[str, str] | None = None) -> pd.DataFrame:
    """FMTI score per developer and edition, with the change since that developer's previous and first edition.

    Columns: developer, edition, flagship_model (if given), score, previous_edition, previous_score, change,
    change_from_first, n_editions. ``aliases`` renames developers across editions (e.g. {"Stability": "Stability
    AI"}); names are otherwise taken as written.
    """
    for c in ("developer", "edition", "score"):
        if c not in transparency.columns:
            raise AnalysisError(f"the transparency table needs a {c} column")
    t = transparency.copy()
    t["developer"] = t["developer"].map(lambda d: (aliases or {}).get(d, d))
    t["_k"] = t["edition"].map(_edition_key)
    t = t.sort_values(["developer", "_k"])
    if t.duplicated(["developer", "edition"]).any():
        dup = t[t.duplicated(["developer", "edition"], keep=False)][["developer", "edition"]].iloc[0]
        raise AnalysisError(f"developer {dup['developer']!r} appears twice in edition {dup['edition']!r}")
    g = t.groupby("developer")
    t["previous_edition"] = g["edition"].shift(1)
    t["previous_score"] = g["score"].shift(1)
    t["change"] = t["score"] - t["previous_score"]
    t["change_from_first"] = t["score"] - g["score"].transform("first")
    t["n_editions"] = g["edition"].transform("count")
    cols = ["developer", "edition"] + (["flagship_model"] if "flagship_model" in t.columns else []) + [
        "score", "previous_edition", "previous_score", "change", "change_from_first", "n_editions"]
    return t[cols].reset_index(drop=True)


def transparency_summary(transparency: pd.DataFrame) -> pd.DataFrame:
    """Per FMTI edition: n_developers, mean, median, min, max, top_developer (ties joined with ' / ')."""
    for c in ("developer", "edition", "score"):
        if c not in transparency.columns:
            raise AnalysisError(f"the transparency table needs a {c} column")
    rows = []
    for ed, g in sorted(transparency.groupby("edition"), key=lambda kv: _edition_key(kv[0])):
        top = g["score"].max()
        rows.append({"edition": ed, "n_developers": len(g), "mean": g["score"].mean(), "median": g["score"].median(),
                     "min": g["score"].min(), "max": top,
                     "top_developer": " / ".join(sorted(g.loc[g["score"] == top, "developer"]))})
    return pd.DataFrame(rows, columns=["edition", "n_developers", "mean", "median", "min", "max", "top_developer"])


def fmti_scores_from_indicators(scores: pd.DataFrame, edition: str,
                                domains: Iterable[str] | pd.Series | None = None) -> pd.DataFrame:
    """Developer totals from a CRFM FMTI indicator table (one row per indicator, one 0/1 column per developer).

    Accepts the files of github.com/stanford-crfm/fmti as read by pandas: ``Indicator`` column, optional
    ``Domain``/``Subdomain`` columns and ``Total`` column (ignored), and an optional totals row (``Indicator`` ==
    "Total"; ignored, totals are recomputed). ``domains`` (Upstream/Model/Downstream per indicator, same order)
    gives the sub-scores when the table has no Domain column. Returns rows in our transparency schema
    (developer, edition, score, upstream_score, model_score, downstream_score).
    """
    if "Indicator" not in scores.columns:
        raise AnalysisError("an FMTI score table needs an 'Indicator' column")
    body = scores[scores["Indicator"].astype(str).str.strip().str.lower() != "total"]
    meta = {"Domain", "Subdomain", "Indicator", "Total"}
    devs = [c for c in body.columns if c not in meta]
    if domains is None and "Domain" in body.columns:
        domains = body["Domain"]
    dom = None if domains is None else pd.Series(list(domains), index=body.index).astype(str).str.strip().str.lower()
    if dom is not None and len(dom) != len(body):
        raise AnalysisError(f"{len(dom)} domains given for {len(body)} indicators")
    rows = []
    for d in devs:
        v = pd.to_numeric(body[d], errors="coerce")
        if v.isna().any() or not v.isin([0, 1]).all():
            raise AnalysisError(f"FMTI column {d!r} must hold 0/1 for every indicator")
        row = {"developer": d, "edition": edition, "score": float(v.sum())}
        for name in ("upstream", "model", "downstream"):
            row[f"{name}_score"] = float(v[dom == name].sum()) if dom is not None else np.nan
        rows.append(row)
    return pd.DataFrame(rows)
