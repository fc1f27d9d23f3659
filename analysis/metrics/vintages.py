"""Compare two vintages of Epoch AI's "Data on AI Models" export: what changed, and what it does to the headlines.

``diff(old, new)`` takes two exports of any column vintage, read by the data layer
(:func:`analysis.data.exports.read_export`: paths, ``epoch:PATH``, ``epoch-vintage:NAME`` or a vintage name; a pinned
snapshot is checked against its sha256), (2025 and 2026 names are mapped onto our schema by
:mod:`analysis.data.epoch`) and returns a :class:`VintageDiff`:

* **models added, removed and renamed.** Models are matched by their exact ``Model`` name first (a repeated name
  is matched by its order of appearance). Among the models left over on each side, an OLD row and a NEW row are a
  *rename* when they are each other's only candidate under one of two rules, tried in this order:

  1. ``link``: the same publication date and the same set of URLs in ``Link`` (non-empty);
  2. ``facts``: the same publication date, the same organization, and parameters and training compute each equal
     within 1% or empty on both sides, with at least one of the two present.

  Pairs are one-to-one; a row with two or more candidates under a rule is not paired by it and stays added or
  removed (``n_ambiguous`` counts such rows, on both sides). No fuzzy name similarity is used: a rename is only
  reported on facts.
* **values changed per column** (matched and renamed models, in our schema's columns): how many values changed,
  were filled in (empty -> value) or cleared (value -> empty); for numbers the median and largest
  |log10(new/old)| among values present on both sides, for dates the median shift in days; and examples.
* **the vintage effect**: the headline fits re-run on each vintage side by side, each with its interval, n and
  window: the notable-model compute trend since 2010, the frontier (top 10 at release) trend since 2018, and the
  open-weights share per year (open_share's default interval, which allows for organizations, 90% as everywhere). The
  two vintages share most of their models, so the two intervals are
  not independent and their overlap is no test of a difference; the table shows how much a headline moves when
  only the vintage changes.
* **the vintage range of a headline** (:func:`revision`, :func:`trend_revision`): a report's headline (a trend, a
  share per year, an HHI per year) computed the same way on the default table (Epoch snapshot + our overlay, one row
  per model, no additions) built on each pinned notable-models vintage (:data:`PINNED`), over the window both cover
  (ending at the older vintage's newest model), so that the range is the revision of the data alone, not a longer
  window. ``vintage_low``/``vintage_high`` are the smallest and largest value over the vintages; a cell is empty
  where a vintage has no value (e.g. a year the older vintage does not cover).

"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd

from analysis.constants import DEFAULT_CONFIDENCE
from analysis.data.exports import Export
from analysis.data.tables import display_path
from analysis.errors import AnalysisError, UsageError
from analysis.metrics.openness import BINOMIAL_INTERVALS, DEFAULT_SHARE_METHOD, open_share
from analysis.metrics.result import Result, ResultMeta, json_value, meta
from analysis.metrics.selection import select
from analysis.metrics.sensitivity import VINTAGES
from analysis.metrics.trends import subset_trend

# Columns of our schema compared between vintages (the others are empty in Epoch imports, or derived).
COMPARE_COLUMNS = (
    "release_date", "organization", "organization_type", "country", "domain", "task", "parameters",
    "training_compute_flop", "dataset_size_tokens", "epochs", "training_hardware", "hardware_count", "gpu_hours",
    "utilization_mfu", "training_time_hours", "training_power_draw_w", "training_cost_2023_usd", "access",
    "training_code", "frontier_model", "base_model", "finetune_compute_flop", "confidence", "source_url",
)
NUMBER_COLUMNS = (
    "parameters", "training_compute_flop", "dataset_size_tokens", "epochs", "hardware_count", "gpu_hours", "utilization_mfu",
    "training_time_hours", "training_power_draw_w", "training_cost_2023_usd", "finetune_compute_flop",
)
RENAME_RTOL = 0.01  # the 'facts' rule: parameters and compute equal within 1%
N_EXAMPLES = 3

# The headline fits (the "vintage effect"); share years from SHARE_SINCE on.
HEADLINE_FITS = (
    ("notable_since_2010", "notable", "2010-01-01"),
    ("frontier_since_2018", "frontier", "2018-01-01"),
)
SHARE_SINCE = 2018
PINNED = VINTAGES  # the pinned notable-models vintages a headline's range runs over (one list: sensitivity's)
SHARE_CONFIDENCE = DEFAULT_CONFIDENCE  # the toolkit's one level (0.90), as every other interval


# --- matching --------------------------------------------------------------------------------------------------

def _close(a: float, b: float, rtol: float = RENAME_RTOL) -> bool:
    if pd.isna(a) and pd.isna(b):
        return True
    if pd.isna(a) or pd.isna(b):
        return False
    return bool(abs(a - b) <= rtol * max(abs(a), abs(b)))


def _rename_candidates(o: pd.Series, new_left: pd.DataFrame, rule: str) -> list[int]:
    same_date = new_left["release_date"] == o["release_date"]
    if rule == "link":
        if not o["links"]:
            return []
        hit = same_date & (new_left["links"] == o["links"])
    else:
        if pd.isna(o["parameters"]) and pd.isna(o["training_compute_flop"]):
            return []
        hit = same_date & (new_left["organization"].fillna("") == (o["organization"] if isinstance(o["organization"], str) else ""))
        hit &= new_left["parameters"].map(lambda v: _close(v, o["parameters"]))
        hit &= new_left["training_compute_flop"].map(lambda v: _close(v, o["training_compute_flop"]))
    return list(new_left.index[hit.to_numpy(dtype=bool)])


def match_models(old: pd.DataFrame, new: pd.DataFrame) -> tuple[pd.DataFrame, int]:
    """Pairs of (old row, new row) with the rule that matched them ('name', 'link' or 'facts'), and n_ambiguous.

    Columns: old (index in ``old``), new (index in ``new``), rule. See the module docstring for the rules.
    """
    new_pos = {k: i for i, k in enumerate(new["key"])}
    pairs = [(i, new_pos[k], "name") for i, k in enumerate(old["key"]) if k in new_pos]
    used_old = {p[0] for p in pairs}
    used_new = {p[1] for p in pairs}
    had_candidate: set[tuple[str, int]] = set()
    for rule in ("link", "facts"):
        old_left = old[~old.index.isin(used_old)]
        new_left = new[~new.index.isin(used_new)]
        cand = {i: _rename_candidates(o, new_left, rule) for i, o in old_left.iterrows()}
        back: dict[int, list[int]] = {}
        for i, js in cand.items():
            for j in js:
                back.setdefault(j, []).append(i)
        for i, js in cand.items():
            if len(js) == 1 and len(back[js[0]]) == 1:
                pairs.append((i, js[0], rule))
                used_old.add(i)
                used_new.add(js[0])
        had_candidate |= {("old", i) for i, js in cand.items() if js} | {("new", j) for j in back}
    # ambiguous: rows left unpaired although a rule found candidates for them (more than one, on either side)
    left = {a for a in had_candidate if a[1] not in (used_old if a[0] == "old" else used_new)}
    out = pd.DataFrame(pairs, columns=["old", "new", "rule"]).sort_values(["old"]).reset_index(drop=True)
    return out, len(left)


# --- value changes ---------------------------------------------------------------------------------------------

def _fmt_value(v: object) -> str | None:
    if v is None or (isinstance(v, float) and math.isnan(v)) or v is pd.NA or v is pd.NaT:
        return None
    if isinstance(v, pd.Timestamp):
        return v.strftime("%Y-%m-%d")
    if isinstance(v, (float, np.floating)):
        return f"{float(v):.4g}"
    return str(v)


def column_changes(old: pd.DataFrame, new: pd.DataFrame, pairs: pd.DataFrame,
                   columns: tuple[str, ...] = COMPARE_COLUMNS) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Per-column summary of value changes between matched models, and examples (largest changes first).

    An example's ``size`` is |log10(new/old)| for numbers, the shift in days for dates, empty otherwise.

    Summary columns: column, n_compared, n_changed (all three kinds), n_filled (empty -> value), n_cleared
    (value -> empty), n_modified (both present and different), median_abs_log10_ratio and max_abs_log10_ratio
    (numbers), median_abs_days (dates). Numbers are equal within a relative 1e-9; text compares exactly.
    """
    a = old.loc[pairs["old"].to_numpy()].reset_index(drop=True)
    b = new.loc[pairs["new"].to_numpy()].reset_index(drop=True)
    rows, examples = [], []
    for col in columns:
        if col not in a.columns or col not in b.columns:
            continue
        x, y = a[col], b[col]
        px, py = x.notna(), y.notna()
        if col in NUMBER_COLUMNS:
            xf, yf = x.astype("float64"), y.astype("float64")
            both = (px & py).to_numpy()
            same = np.zeros(len(a), dtype=bool)
            same[both] = np.isclose(xf[both], yf[both], rtol=1e-9, atol=0)
        elif col == "release_date":
            same = ((x == y) & px & py).to_numpy(dtype=bool)
        else:
            same = ((x.astype("object") == y.astype("object")) & px & py).to_numpy(dtype=bool)
        both = (px & py).to_numpy(dtype=bool)
        filled = (~px & py).to_numpy(dtype=bool)
        cleared = (px & ~py).to_numpy(dtype=bool)
        modified = both & ~same
        row = {"column": col, "n_compared": int(len(a)), "n_changed": int(filled.sum() + cleared.sum() + modified.sum()),
               "n_filled": int(filled.sum()), "n_cleared": int(cleared.sum()), "n_modified": int(modified.sum()),
               "median_abs_log10_ratio": np.nan, "max_abs_log10_ratio": np.nan, "median_abs_days": np.nan}
        size = pd.Series(np.nan, index=a.index)
        if col in NUMBER_COLUMNS:
            xf, yf = x.astype("float64"), y.astype("float64")
            pos = modified & (xf > 0).to_numpy() & (yf > 0).to_numpy()
            if pos.any():
                lr = np.abs(np.log10(yf[pos].to_numpy() / xf[pos].to_numpy()))
                row["median_abs_log10_ratio"] = float(np.median(lr))
                row["max_abs_log10_ratio"] = float(np.max(lr))
                size[pos] = lr
        elif col == "release_date" and modified.any():
            days = np.abs((y[modified] - x[modified]).dt.days.to_numpy(dtype=float))
            row["median_abs_days"] = float(np.median(days))
            size[modified] = days
        rows.append(row)
        changed = np.flatnonzero(filled | cleared | modified)
        if len(changed):
            order = sorted(changed, key=lambda i: (-(size[i] if not pd.isna(size[i]) else -1), str(b.at[i, "name"])))
            for i in order[:N_EXAMPLES]:
                examples.append({"column": col, "model": b.at[i, "name"], "old": _fmt_value(x.iat[i]),
                                 "new": _fmt_value(y.iat[i]), "size": None if pd.isna(size[i]) else float(size[i])})
    ex = pd.DataFrame(examples, columns=["column", "model", "old", "new", "size"])
    return pd.DataFrame(rows), ex


# --- the vintage effect ----------------------------------------------------------------------------------------

def headline_fits(models: pd.DataFrame, until: object = None) -> pd.DataFrame:
    """The headline trend fits on one vintage: one row per fit (growth per year with its 90% CI, n, window), the
    window ending at ``until`` (None: the vintage's newest model)."""
    rows = []
    for name, subset, since in HEADLINE_FITS:
        try:
            fit = subset_trend(models, "training_compute_flop", subset, since=since, until=until)
        except (AnalysisError, UsageError) as exc:
            rows.append({"fit": name, "n": 0, "error": str(exc)})
            continue
        glo, ghi = fit.growth_per_year_ci
        rows.append({"fit": name, "subset": subset, "since": since, "until": fit.end.strftime("%Y-%m-%d"), "n": fit.n,
                     "growth_per_year": fit.growth_per_year, "growth_low": glo, "growth_high": ghi,
                     "doubling_months": fit.doubling_months, "confidence": fit.confidence, "error": None})
    return pd.DataFrame(rows)


def share_by_year(models: pd.DataFrame, since: int = SHARE_SINCE) -> pd.DataFrame:
    """Open-weights share per release year (Epoch's accessibility column; open_share's default interval, which allows
    for organizations, at :data:`SHARE_CONFIDENCE`) from ``since`` on."""
    try:
        s = open_share(models, by="year", confidence=SHARE_CONFIDENCE).table
    except (AnalysisError, UsageError):  # e.g. an export without an accessibility column: no share to show
        return pd.DataFrame(columns=["year", "n", "k", "share", "share_low", "share_high", "n_unknown", "n_orgs",
                                     "n_eff"])
    return s[s["year"] >= since].reset_index(drop=True)


def _side_by_side(a: pd.DataFrame, b: pd.DataFrame, on: str) -> pd.DataFrame:
    out = a.merge(b, on=on, how="outer", suffixes=("_old", "_new"))
    return out.sort_values(on).reset_index(drop=True)


# --- the diff --------------------------------------------------------------------------------------------------

@dataclass(frozen=True)
class VintageDiff(Result):
    """Everything :func:`diff` finds; ``to_dict()`` is the ``--json`` output."""

    old: Export
    new: Export
    n_matched: int  # by exact name
    added: pd.DataFrame  # name, release_date, organization (NEW only)
    removed: pd.DataFrame  # name, release_date, organization (OLD only)
    renamed: pd.DataFrame  # old_name, new_name, release_date, organization, rule
    n_ambiguous: int
    columns_added: tuple[str, ...]  # export columns only in NEW
    columns_removed: tuple[str, ...]
    changes: pd.DataFrame  # per column (see column_changes)
    examples: pd.DataFrame
    fits: pd.DataFrame  # headline fits side by side (suffixes _old, _new)
    share: pd.DataFrame  # open-weights share per year side by side

    def counts(self) -> dict:
        return {"old_rows": self.old.rows, "new_rows": self.new.rows, "matched_by_name": self.n_matched,
                "renamed": len(self.renamed), "added": len(self.added), "removed": len(self.removed),
                "ambiguous": self.n_ambiguous}

    def to_dict(self) -> dict:
        def recs(df: pd.DataFrame) -> list[dict]:
            return [{k: json_value(v) for k, v in r.items()} for r in df.to_dict("records")]

        fits = []
        for r in self.fits.to_dict("records"):
            d = {"fit": r["fit"]}
            for side in ("old", "new"):
                d[side] = {"n": json_value(r.get(f"n_{side}")), "window": [json_value(r.get(f"since_{side}")), json_value(r.get(f"until_{side}"))],
                           "growth_per_year": json_value(r.get(f"growth_per_year_{side}")),
                           "growth_per_year_ci": [json_value(r.get(f"growth_low_{side}")), json_value(r.get(f"growth_high_{side}"))],
                           "doubling_months": json_value(r.get(f"doubling_months_{side}")),
                           "confidence": json_value(r.get(f"confidence_{side}")), "error": json_value(r.get(f"error_{side}"))}
            d["new_on_old_window"] = {
                "n": json_value(r.get("n_new_same_window")), "until": json_value(r.get("until_new_same_window")),
                "growth_per_year": json_value(r.get("growth_per_year_new_same_window")),
                "growth_per_year_ci": [json_value(r.get("growth_low_new_same_window")),
                                       json_value(r.get("growth_high_new_same_window"))]}
            fits.append(d)
        share = []
        for r in self.share.to_dict("records"):
            d = {"year": int(r["year"])}
            for side in ("old", "new"):
                d[side] = {"n": json_value(r.get(f"n_{side}")), "k": json_value(r.get(f"k_{side}")),
                           "share": json_value(r.get(f"share_{side}")),
                           "share_ci": [json_value(r.get(f"share_low_{side}")), json_value(r.get(f"share_high_{side}"))]}
            share.append(d)
        return {
            "old": self.old.to_dict(), "new": self.new.to_dict(), "counts": self.counts(),
            "rename_rules": ["link: same publication date and same set of Link URLs",
                             "facts: same publication date and organization, parameters and training compute "
                             "within 1% or both empty (at least one present)"],
            "added": recs(self.added), "removed": recs(self.removed), "renamed": recs(self.renamed),
            "columns_added": list(self.columns_added), "columns_removed": list(self.columns_removed),
            "changes": recs(self.changes), "examples": recs(self.examples),
            "headline_fits": fits, "open_share_by_year": share, "share_confidence": SHARE_CONFIDENCE,
            **self.meta.to_dict(),
        }

    @property
    def meta(self) -> ResultMeta:
        """n = models matched between the vintages; window = the two vintages' newest models; the level of the
        headline trend fits (the open share's intervals are at ``share_confidence``)."""
        conf = self.fits["confidence_new"].dropna() if "confidence_new" in self.fits.columns else ()
        return meta(self.n_matched + len(self.renamed), self.old.newest, self.new.newest,
                    f"OLS t, CR2 errors clustered by organization and release year (headline fits); "
                    f"{BINOMIAL_INTERVALS[DEFAULT_SHARE_METHOD]} at {SHARE_CONFIDENCE:.0%} (open share)",
                    float(conf.iloc[0]) if len(conf) else None)

    def lines(self, max_list: int = 10) -> list[str]:
        """The text report."""
        o, n = self.old, self.new
        c = self.counts()
        out = [f"{side}: {e.label} ({display_path(e.path)}; {e.rows} models"
               + (f" + {e.skipped} rows without name or date, not compared" if e.skipped else "")
               + f"; newest {e.newest}; sha256 {e.sha256[:12]})" for side, e in (("old", o), ("new", n))]
        out += [
               f"models: {c['matched_by_name']} matched by name, {c['renamed']} renamed, {c['added']} added, "
               f"{c['removed']} removed" + (f", {c['ambiguous']} with ambiguous rename candidates" if c["ambiguous"] else "")]
        if self.columns_added or self.columns_removed:
            out.append(f"export columns: added {', '.join(self.columns_added) or 'none'}; "
                       f"removed {', '.join(self.columns_removed) or 'none'}")
        for r in self.renamed.head(max_list).itertuples():
            out.append(f"  renamed ({r.rule}): {r.old_name} -> {r.new_name}")
        for title, df in (("added", self.added), ("removed", self.removed)):
            for r in df.head(max_list).itertuples():
                d = r.release_date.strftime("%Y-%m-%d") if not pd.isna(r.release_date) else "?"
                out.append(f"  {title}: {r.name} ({r.organization if isinstance(r.organization, str) else '?'}, {d})")
            if len(df) > max_list:
                out.append(f"  … and {len(df) - max_list} more {title} (see --json)")
        out.append(f"values changed in {c['matched_by_name'] + c['renamed']} matched models (filled = empty -> value, "
                   "cleared = value -> empty):")
        for r in self.changes[self.changes["n_changed"] > 0].itertuples():
            size = ""
            if not pd.isna(r.median_abs_log10_ratio):
                size = f"; median |log10 ratio| {r.median_abs_log10_ratio:.3f} (max {r.max_abs_log10_ratio:.2f})"
            elif not pd.isna(r.median_abs_days):
                size = f"; median shift {r.median_abs_days:.0f} days"
            ex = self.examples[self.examples["column"] == r.column].head(1) if len(self.examples) else []
            eg = ""
            if len(ex):
                e = ex.iloc[0]
                eg = f"; e.g. {e['model']}: {_or_empty(e['old'])} -> {_or_empty(e['new'])}"
            out.append(f"  {r.column}: {r.n_changed} ({r.n_modified} modified, {r.n_filled} filled, "
                       f"{r.n_cleared} cleared){size}{eg}")
        out.append("vintage effect (same code on each vintage; intervals are not independent):")
        for r in self.fits.to_dict("records"):
            parts = []
            for side in ("old", "new"):
                if r.get(f"error_{side}") or pd.isna(r.get(f"growth_per_year_{side}")):
                    parts.append(f"{side}: n/a ({r.get(f'error_{side}') or 'no fit'})")
                else:
                    pct = f"{r[f'confidence_{side}'] * 100:g}%"
                    parts.append(f"{side} {r[f'growth_per_year_{side}']:.2f}x/yr ({pct} CI {r[f'growth_low_{side}']:.2f}–"
                                 f"{r[f'growth_high_{side}']:.2f}), n={int(r[f'n_{side}'])}, to {r[f'until_{side}']}")
            if not pd.isna(r.get("growth_per_year_new_same_window", np.nan)):
                parts.append(f"new on the old window (to {r['until_new_same_window']}) "
                             f"{r['growth_per_year_new_same_window']:.2f}x/yr ({r['growth_low_new_same_window']:.2f}–"
                             f"{r['growth_high_new_same_window']:.2f}), n={int(r['n_new_same_window'])}")
            out.append(f"  compute trend, {r['fit'].replace('_', ' ')}: " + "; ".join(parts))
        out.append(f"  open-weights share by year ({SHARE_CONFIDENCE * 100:g}% interval allowing for organizations):")
        for r in self.share.to_dict("records"):
            parts = []
            for side in ("old", "new"):
                if pd.isna(r.get(f"share_{side}")):
                    parts.append(f"{side} n/a")
                else:
                    parts.append(f"{side} {r[f'share_{side}'] * 100:.0f}% ({r[f'share_low_{side}'] * 100:.0f}–"
                                 f"{r[f'share_high_{side}'] * 100:.0f}), {int(r[f'k_{side}'])}/{int(r[f'n_{side}'])}")
            out.append(f"    {int(r['year'])}: " + "; ".join(parts))
        return out


def _or_empty(v: object) -> str:
    return "(empty)" if v is None or (not isinstance(v, str) and pd.isna(v)) else str(v)


def _listing(df: pd.DataFrame) -> pd.DataFrame:
    return df[["name", "release_date", "organization"]].sort_values(["release_date", "name"], ascending=[False, True]).reset_index(drop=True)


def diff(old: Export, new: Export) -> VintageDiff:
    """Compare two exports read by the data layer (:func:`analysis.data.exports.read_export`; see the module
    docstring)."""
    a, b = old.models, new.models
    pairs, n_amb = match_models(a, b)
    renamed_pairs = pairs[pairs["rule"] != "name"]
    renamed = pd.DataFrame({
        "old_name": a.loc[renamed_pairs["old"], "name"].to_numpy(),
        "new_name": b.loc[renamed_pairs["new"], "name"].to_numpy(),
        "release_date": b.loc[renamed_pairs["new"], "release_date"].to_numpy(),
        "organization": b.loc[renamed_pairs["new"], "organization"].to_numpy(),
        "rule": renamed_pairs["rule"].to_numpy(),
    }, columns=["old_name", "new_name", "release_date", "organization", "rule"])
    added = _listing(b[~b.index.isin(pairs["new"])])
    removed = _listing(a[~a.index.isin(pairs["old"])])
    changes, examples = column_changes(a, b, pairs)
    fits = _side_by_side(headline_fits(a), headline_fits(b), "fit")
    # the newer vintage on the older one's window: the revision of the data alone, without the added months
    old_end = pd.to_datetime(a["release_date"]).max() if "release_date" in a.columns else pd.NaT
    if not pd.isna(old_end):
        same = headline_fits(b, until=old_end)
        keep = ["growth_per_year", "growth_low", "growth_high", "n", "until"]
        same = same.reindex(columns=["fit", *keep]).rename(columns={c: f"{c}_new_same_window" for c in keep})
        fits = fits.merge(same, on="fit", how="left")
    order = {name: i for i, (name, _, _) in enumerate(HEADLINE_FITS)}
    fits = fits.sort_values("fit", key=lambda s: s.map(order)).reset_index(drop=True)
    share = _side_by_side(share_by_year(a), share_by_year(b), "year")
    return VintageDiff(
        old=old, new=new, n_matched=int((pairs["rule"] == "name").sum()), added=added, removed=removed,
        renamed=renamed, n_ambiguous=n_amb,
        columns_added=tuple(c for c in new.columns if c not in old.columns),
        columns_removed=tuple(c for c in old.columns if c not in new.columns),
        changes=changes, examples=examples, fits=fits, share=share,
    )



# --- the vintage range of a headline ----------------------------------------------------------------------------

def pinned_tables(tables: Mapping[str, pd.DataFrame]) -> dict[str, pd.DataFrame]:
    """``{vintage: representative models}`` (:func:`select`: one row per model, no overlay additions) of the tables
    the data layer built on each pinned vintage (``analysis.data.sources.default_on_vintages(PINNED, data_spec)``:
    empty for other data than the default, and so is this)."""
    return {v: select(m) for v, m in tables.items()}


def common_end(tables: Mapping[str, pd.DataFrame], until: object = None) -> pd.Timestamp | None:
    """The last release date every table covers (the older vintage's newest model), or ``until`` if earlier."""
    ends = [pd.to_datetime(m["release_date"]).max() for m in tables.values()]
    if until not in (None, ""):
        ends.append(pd.Timestamp(until))
    ends = [e for e in ends if not pd.isna(e)]
    return min(ends) if ends else None


def revision(tables: Mapping[str, pd.DataFrame], headline: Callable[[pd.DataFrame], pd.DataFrame], value: str,
             on: str | Sequence[str] | None = None) -> pd.DataFrame:
    """A headline on each vintage, side by side, with its range.

    ``headline(models)`` returns a DataFrame holding column ``value`` (one row, or one row per key ``on``, e.g.
    year; or several keys, e.g. ``["subset", "column"]``). Returns ``[on…], value_<vintage>… , vintage_low,
    vintage_high, vintages`` (``vintage_low``/``_high`` empty where a vintage has no value). ``tables`` empty: an
    empty frame with those columns.
    """
    keys = [on] if isinstance(on, str) else list(on or [])
    cols = [f"value_{v}" for v in tables]
    parts = []
    for v, models in tables.items():
        t = headline(models)
        t = t[[*keys, value]].rename(columns={value: f"value_{v}"}).reset_index(drop=True)
        parts.append(t if keys else t.head(1))
    if not parts:
        return pd.DataFrame(columns=keys + ["vintage_low", "vintage_high", "vintages"])
    out = parts[0]
    for t in parts[1:]:
        out = out.merge(t, on=keys, how="outer") if keys else pd.concat([out, t], axis=1)
    if keys:
        out = out.sort_values(keys).reset_index(drop=True)
    vals = out[cols].astype("float64")
    complete = vals.notna().all(axis=1)
    out["vintage_low"] = vals.min(axis=1).where(complete)
    out["vintage_high"] = vals.max(axis=1).where(complete)
    out["vintages"] = " and ".join(tables)
    return out


def trend_revision(tables: Mapping[str, pd.DataFrame], metric: str = "training_compute_flop",
                   subset: str = "notable", since: object = None, until: object = None, value: str = "growth_per_year",
                   **kw) -> dict:
    """:func:`subset_trend` on each vintage over the common window: ``{vintage_low, vintage_high, vintage_until,
    values: {vintage: value}}`` (all None when ``tables`` is empty or a fit fails)."""
    end = common_end(tables, until)
    empty = {"vintage_low": None, "vintage_high": None, "vintage_until": None, "values": {}}
    if not tables or end is None:
        return empty

    def one(models: pd.DataFrame) -> pd.DataFrame:
        try:
            return subset_trend(models, metric, subset, since=since, until=end, **kw).to_frame()
        except (AnalysisError, UsageError):
            return pd.DataFrame({value: [np.nan]})

    r = revision(tables, one, value).iloc[0]
    lo, hi = r["vintage_low"], r["vintage_high"]
    return {"vintage_low": None if pd.isna(lo) else float(lo), "vintage_high": None if pd.isna(hi) else float(hi),
            "vintage_until": end.strftime("%Y-%m-%d"),
            "values": {v: json_value(r[f"value_{v}"]) for v in tables}}


def range_text(low: object, high: object, fmt: str = "{:.2f}", unit: str = "") -> str:
    """'4.30–4.33x' (or 'n/a' when a side is missing) for a caption."""
    if low is None or high is None or pd.isna(low) or pd.isna(high):
        return "n/a"
    return f"{fmt.format(low)}–{fmt.format(high)}{unit}"


def largest_move(table: pd.DataFrame, key: str = "year") -> dict | None:
    """The row of ``table`` (with ``vintage_low``/``vintage_high``) whose headline moved most between the vintages:
    ``{key, vintage_low, vintage_high, moved}``; None when no row has a range."""
    if "vintage_low" not in table.columns or not table["vintage_low"].notna().any():
        return None
    moved = (table["vintage_high"] - table["vintage_low"]).astype("float64")
    i = moved.idxmax()
    return {key: table.at[i, key], "vintage_low": float(table.at[i, "vintage_low"]),
            "vintage_high": float(table.at[i, "vintage_high"]), "moved": float(moved[i])}


def range_caption(pinned: Mapping[str, pd.DataFrame], table: pd.DataFrame, what: str, fmt: str = "{:.2f}",
                  unit: str = "", key: str = "year") -> str:
    """One caption sentence: how far a per-``key`` headline moved between the pinned vintages (the table's
    ``vintage_low``/``vintage_high``), or that it was not computed."""
    if not pinned:
        return "Vintage range: not computed (data other than the default)."
    m = largest_move(table, key)
    if m is None:
        return f"Vintage range: no {key} is covered by every pinned vintage."
    head = (f"Vintage range ({what} on Epoch AI's {' and '.join(pinned)} snapshots with our overlay, column "
            f"vintage_low–vintage_high of the table): ")
    if fmt.format(m["vintage_low"]) == fmt.format(m["vintage_high"]):
        return head + f"the same, at the precision shown, in every {key} both cover."
    return head + f"largest move in {m[key]}, {range_text(m['vintage_low'], m['vintage_high'], fmt, unit)}."
