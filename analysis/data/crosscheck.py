"""Cross-check curated models against another database (e.g. an Epoch AI export).

Models are matched by a normalised name (lower case, letters and digits only), falling back to the slug of the
other database's name. For each match, parameters must agree within ``PARAM_TOLERANCE`` (relative) and training
compute within a factor ``COMPUTE_FACTOR``; a disagreement beyond that is *explained* when the row's notes say
"differs from Epoch AI" (or name the other value), else it is *unexplained*.
"""

from __future__ import annotations

import re

import numpy as np
import pandas as pd

from analysis.data.epoch import slugify

PARAM_TOLERANCE = 0.05  # documented tolerance: parameters within 5%
COMPUTE_FACTOR = 2.0  # documented tolerance: compute within a factor of 2
EXPLAINED = re.compile(r"differs from epoch", re.I)


def norm(name: str) -> str:
    """Lower case, letters and digits only; '+' is kept as 'plus' so 'Command R+' is not 'Command R'."""
    return re.sub(r"[^a-z0-9]", "", str(name).lower().replace("+", "plus"))


def compare(ours: pd.DataFrame, theirs: pd.DataFrame) -> pd.DataFrame:
    """One row per matched model and quantity: our value, theirs, ratio, within tolerance, explained."""
    by_name = {}
    for _, r in theirs.iterrows():
        by_name.setdefault(norm(r["name"]), r)
        by_name.setdefault(norm(slugify(r["name"])), r)
    rows = []
    for _, r in ours.iterrows():
        other = by_name.get(norm(r["name"]))
        if other is None:
            other = by_name.get(norm(r["id"]))
        if other is None:
            continue
        explained = bool(EXPLAINED.search(str(r.get("notes", "")) if pd.notna(r.get("notes")) else ""))
        for q, ok in (("parameters", lambda a, b: abs(a / b - 1) <= PARAM_TOLERANCE),
                      ("training_compute_flop", lambda a, b: 1 / COMPUTE_FACTOR <= a / b <= COMPUTE_FACTOR)):
            a, b = r[q], other[q]
            if pd.isna(a) or pd.isna(b) or b <= 0:
                continue
            rows.append({"id": r["id"], "name": r["name"], "other_name": other["name"], "quantity": q,
                         "ours": float(a), "theirs": float(b), "ratio": float(a) / float(b),
                         "within_tolerance": bool(ok(float(a), float(b))), "explained": explained})
    cols = ["id", "name", "other_name", "quantity", "ours", "theirs", "ratio", "within_tolerance", "explained"]
    return pd.DataFrame(rows, columns=cols)


def summary(cmp: pd.DataFrame) -> pd.DataFrame:
    """Agreement per quantity: matched, within tolerance, explained outside, unexplained, median |log10 ratio|."""
    out = []
    for q, g in cmp.groupby("quantity"):
        outside = g[~g["within_tolerance"]]
        out.append({"quantity": q, "matched": len(g), "within_tolerance": int(g["within_tolerance"].sum()),
                    "outside_explained": int(outside["explained"].sum()),
                    "outside_unexplained": int((~outside["explained"]).sum()),
                    "median_abs_log10_ratio": float(np.median(np.abs(np.log10(g["ratio"])))) if len(g) else np.nan})
    return pd.DataFrame(out)
