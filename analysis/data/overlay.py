"""Our curation as a sourced overlay on an upstream snapshot (Epoch AI's notable models).

Three layers (see docs/data.md):

1. the **upstream snapshot** ``data/upstream/epoch-ai/<vintage>/notable_ai_models.csv`` (immutable), read into our
   schema by :mod:`analysis.data.epoch`;
2. the **overlay**: ``data/overlay.csv`` (one row per curated model: its upstream key, what it changes, the
   primary source and the reason) together with the curated values in ``data/models.csv``;
3. the **merged table** (:func:`apply`): every upstream model, with our corrections applied and our additions
   appended. ``frontier-atlas data build`` writes it.

Overlay rows (``kind``):

* ``correction``: names an upstream model by ``upstream_name`` (Epoch's ``Model`` string, exactly) and lists in
  ``fields`` the columns whose curated value replaces Epoch's; ``upstream_values`` records Epoch's values of those
  columns at the vintage the correction was checked against (:func:`stale` lists those that have since changed).
  ``alternatives`` (any keyed row) lists the fields where our value differs by method and is kept beside Epoch's.
* ``match``: names an upstream model whose values stand; it contributes only our stable id and the overlay-only
  columns (:data:`OVERLAY_ONLY`), and only where Epoch's cell is empty. Rows that restate upstream are kept as
  ``match`` rather than dropped because benchmarks.csv and openness.csv refer to their ids and ``--data curated``
  keeps today's curated table.
* ``addition``: a model the snapshot lacks, fully sourced in models.csv; appended to the merged table.

Which curated values may replace Epoch's is decided field by field in the **review**, ``data/overlay_review.csv``
(:func:`read_review`): one row per field where a keyed curated value differs from Epoch's, with its class, the
evidence URL and a note. Only two classes replace Epoch's value: ``correction`` (the primary source states a
different number, or Epoch's value contradicts its own stated method) and ``fill`` (Epoch's cell is empty). An
``alternative`` (a different estimation method or a different quantity, e.g. 6ND against Epoch's geometric mean,
steps x batch x sequence against dataset size x epochs) never replaces Epoch's value: it is kept beside it, and look-ups show both
(:func:`alternatives`); representative tables use Epoch's. ``restates`` (rounding, spelling) and ``wrong`` (a
curated value the review removed) change nothing. ``tools/build_overlay.py`` writes the overlay from the review and
refuses a difference nobody has reviewed.

Blanks never overwrite: a curated empty cell leaves Epoch's value as it is, for listed fields and overlay-only
columns alike (an export whose ``Training chip-hours`` is filled keeps every one of them).

Matching is explicit: the key is written in the file (checked by a test against the snapshot), never guessed at
run time. A key that is missing from the upstream table (e.g. a user's older export) is a warning and the
curated row is then appended as it stands, so nothing the other tables refer to disappears.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from analysis.data import schema
from analysis.data.epoch import slugify
from analysis.data.tables import MERGED_COLUMN, read_raw
from analysis.errors import DataError, Problem

OVERLAY_PATH = schema.DATA_DIR / "overlay.csv"
REVIEW_PATH = schema.DATA_DIR / "overlay_review.csv"
REVIEW_COLUMNS = ("id", "upstream_name", "field", "class", "basis", "epoch_value", "our_value", "was", "method",
                  "evidence_url", "checked", "checked_vintage", "note")
# class -> the bases allowed for it. correction: the source states the number (source-states) or Epoch's value
# contradicts its own stated method (epoch-inconsistent); fill: Epoch's cell is empty; alternative: another
# estimation method or another quantity; restates: rounding or spelling of the same fact; wrong: our value was an
# error, belonged to another model, or had no source (removed from models.csv or the row un-keyed).
REVIEW_CLASSES = {
    "correction": ("source-states", "epoch-inconsistent"),
    "fill": ("epoch-empty",),
    "alternative": ("other-method", "other-quantity"),
    "restates": ("rounding", "spelling"),
    "wrong": ("our-error", "different-model", "unsourced"),
}
# the classes whose curated value replaces Epoch's in the merged table
APPLIED_CLASSES = ("correction", "fill")
OVERLAY_COLUMNS = ("id", "kind", "upstream_name", "fields", "upstream_values", "alternatives", "checked_vintage",
                   "source_url", "reason")
KINDS = ("correction", "match", "addition")

# Columns a correction may change: the factual columns Epoch also has.
CORRECTABLE = ("release_date", "parameters", "training_tokens", "training_compute_flop", "compute_method",
               "training_hardware", "hardware_count", "access")
# Columns the notable snapshot has no data for (chip-hours, active parameters, licence, architecture are not among
# the columns Epoch publishes in the notable file, or are always empty there): a curated value always applies.
OVERLAY_ONLY = ("architecture", "active_parameters", "gpu_hours", "license", "notes")
# Columns Epoch publishes only as a product of others: tokens seen = 'Training dataset size' x 'Epochs'
# (analysis.data.epoch). Where Epoch records no epochs the cell is empty and a keyed row's sourced curated value
# fills it, like an overlay-only column (never over a value, never from a field kept as an alternative); where
# Epoch's product exists, a different curated value is a difference the review judges like any other.
DERIVED_FILL = ("training_tokens",)
# Provenance column added to the merged table.
ORIGIN_COLUMN = MERGED_COLUMN  # "overlay"
# A curated number within this of Epoch's restates it (rounding, e.g. 6.8e6 for 6,797,700 parameters): not a
# correction. Llama 3 70B's 70.6B against Epoch's 70B (0.9%) is one.
RESTATE_TOLERANCE = 0.005  # '' = upstream as is, 'correction', 'match', 'addition'


@dataclass(frozen=True)
class OverlayStats:
    """What an application of the overlay did."""

    corrections: int
    matches: int
    additions: int
    alternatives: int  # fields of keyed rows found upstream where our alternative is kept beside Epoch's value
    missing_keys: tuple[str, ...]  # overlay upstream_name values not found upstream (warnings)
    upstream_rows: int
    rows: int

    def to_dict(self) -> dict:
        return {"corrections": self.corrections, "matches": self.matches, "additions": self.additions,
                "alternatives": self.alternatives,
                "missing_keys": list(self.missing_keys), "upstream_rows": self.upstream_rows, "rows": self.rows}


def _read_columns(path: Path, columns: tuple[str, ...], what: str):
    """(raw file, frame of ``columns`` as strings); DataError naming file, row and column for a missing column or
    a malformed row."""
    raw = read_raw(path)
    missing = [c for c in columns if c not in raw.header]
    if missing:
        raise DataError(f"{what} column {missing[0]!r} is missing", file=raw.file, row=1, column=missing[0])
    if raw.problems:
        p = raw.problems[0]
        raise DataError(p.message, file=p.file, row=p.row, column=p.column)
    return raw, raw.frame()[list(columns)]


def read_overlay(path: Path = OVERLAY_PATH) -> pd.DataFrame:
    """The overlay key file as strings; DataError with file:row:column for a malformed row."""
    raw, df = _read_columns(path, OVERLAY_COLUMNS, "overlay")
    for line, r in df.iterrows():
        where = {"file": raw.file, "row": int(line)}
        if r["kind"] not in KINDS:
            raise DataError(f"kind must be one of {', '.join(KINDS)}, got {r['kind']!r}", column="kind", **where)
        if (r["kind"] == "addition") != (r["upstream_name"] == ""):
            raise DataError("an addition has no upstream_name; a correction or match must name one",
                            column="upstream_name", **where)
        if not r["source_url"].startswith(("http://", "https://")):
            raise DataError("every overlay row needs a primary source URL", column="source_url", **where)
        if not r["reason"]:
            raise DataError("every overlay row needs a reason", column="reason", **where)
        fields = split_fields(r["fields"])
        bad = [f for f in fields if f not in CORRECTABLE]
        if bad:
            raise DataError(f"field {bad[0]!r} cannot be corrected (allowed: {', '.join(CORRECTABLE)})",
                            column="fields", **where)
        if (r["kind"] == "correction") != bool(fields):
            raise DataError("a correction lists the fields it changes; other kinds list none", column="fields", **where)
        alts = split_fields(r["alternatives"])
        bad = [f for f in alts if f not in CORRECTABLE or f in fields]
        if bad:
            raise DataError(f"alternative field {bad[0]!r} is not a correctable field, or is also corrected",
                            column="alternatives", **where)
        if alts and r["kind"] == "addition":
            raise DataError("an addition has no Epoch value to keep an alternative beside", column="alternatives",
                            **where)
    dup = df["id"][df["id"].duplicated()]
    if len(dup):
        raise DataError(f"duplicate overlay id {dup.iloc[0]!r}", file=raw.file, row=int(dup.index[0]), column="id")
    dup = df["upstream_name"][(df["upstream_name"] != "") & df["upstream_name"].duplicated()]
    if len(dup):
        raise DataError(f"upstream model {dup.iloc[0]!r} is keyed by two overlay rows", file=raw.file,
                        row=int(dup.index[0]), column="upstream_name")
    return df.reset_index(drop=True)


def read_review(path: Path = REVIEW_PATH) -> pd.DataFrame:
    """The field-level review of the overlay as strings; DataError with file:row:column for a malformed row."""
    raw, df = _read_columns(path, REVIEW_COLUMNS, "review")
    for line, r in df.iterrows():
        where = {"file": raw.file, "row": int(line)}
        cls = r["class"]
        if cls not in REVIEW_CLASSES:
            raise DataError(f"class must be one of {', '.join(REVIEW_CLASSES)}, got {cls!r}", column="class", **where)
        if r["basis"] not in REVIEW_CLASSES[cls]:
            raise DataError(f"basis of a {cls} must be one of {', '.join(REVIEW_CLASSES[cls])}, got {r['basis']!r}",
                            column="basis", **where)
        if r["field"] not in CORRECTABLE:
            raise DataError(f"field {r['field']!r} cannot be reviewed (allowed: {', '.join(CORRECTABLE)})",
                            column="field", **where)
        if not r["evidence_url"].startswith(("http://", "https://")):
            raise DataError("every review row needs an evidence URL", column="evidence_url", **where)
        if len(r["note"]) < 10:
            raise DataError("every review row needs a note saying what the evidence shows", column="note", **where)
        if cls == "alternative" and not r["method"]:
            raise DataError("an alternative names the method or quantity of our value", column="method", **where)
        if cls == "fill" and r["epoch_value"] != "":
            raise DataError("a fill is for an empty Epoch cell; this one has a value", column="epoch_value", **where)
        if r["checked"] not in ("yes", "partly", "no"):
            raise DataError(f"checked must be yes, partly or no, got {r['checked']!r}", column="checked", **where)
    dup = df[df.duplicated(["id", "field"])]
    if len(dup):
        raise DataError(f"({dup.iloc[0]['id']}, {dup.iloc[0]['field']}) is reviewed twice", file=raw.file,
                        row=int(dup.index[0]), column="field")
    return df.reset_index(drop=True)


def alternatives(models: pd.DataFrame, review: pd.DataFrame | None = None) -> pd.DataFrame:
    """Our alternative estimates for the keyed rows of a merged table, beside the value the table shows.

    One row per (id, field) reviewed as ``alternative`` whose model is a keyed upstream row of ``models`` (overlay
    ``correction`` or ``match``): ``table_value`` is the value the table holds (Epoch's), ``our_value`` ours, with
    the method, the evidence URL and the note. Tables without the ``overlay`` column (``--data curated``, a CSV in
    our schema) already hold our values, so the result is empty for them.
    """
    cols = ["id", "field", "table_value", "our_value", "method", "evidence_url", "note"]
    if ORIGIN_COLUMN not in models.columns or "id" not in models.columns:
        return pd.DataFrame(columns=cols)
    rev = read_review() if review is None else review
    rev = rev[rev["class"] == "alternative"]
    keyed = models[models[ORIGIN_COLUMN].isin(["correction", "match"])].set_index("id")
    rows = []
    for _, r in rev.iterrows():
        if r["id"] in keyed.index and r["field"] in keyed.columns:
            rows.append({"id": r["id"], "field": r["field"], "table_value": keyed.at[r["id"], r["field"]],
                         "our_value": r["our_value"], "method": r["method"], "evidence_url": r["evidence_url"],
                         "note": r["note"]})
    return pd.DataFrame(rows, columns=cols)


def alternatives_for(models: pd.DataFrame, model_id: str) -> list[dict]:
    """One model's alternatives as plain values (numbers as floats) for look-ups: ``field``, ``epoch_ai`` (the
    table's value), ``ours``, ``method``, ``evidence_url``, ``note``; [] when it has none."""
    alts = alternatives(models)
    out = []
    for _, a in alts[alts["id"] == model_id].iterrows():
        vals = []
        for v in (a["table_value"], a["our_value"]):
            if isinstance(v, pd.Timestamp):
                vals.append(v.strftime("%Y-%m-%d"))
                continue
            try:
                f = float(v)
                vals.append(None if math.isnan(f) else f)
            except (TypeError, ValueError):
                vals.append(None if v is None or str(v) in ("", "nan", "NaT") else str(v))
        out.append({"field": a["field"], "epoch_ai": vals[0], "ours": vals[1], "method": a["method"],
                    "evidence_url": a["evidence_url"], "note": a["note"]})
    return out


def split_fields(text: str) -> list[str]:
    return [f for f in (p.strip() for p in str(text).split("|")) if f]


def format_value(v: object) -> str:
    """A cell as written in the overlay's ``upstream_values`` (dates ISO, numbers repr, empty for missing)."""
    if v is None or v is pd.NA or v is pd.NaT:
        return ""
    if isinstance(v, float) and math.isnan(v):
        return ""
    if isinstance(v, pd.Timestamp):
        return v.strftime("%Y-%m-%d")
    if isinstance(v, (float, np.floating)):
        return repr(float(v))
    if isinstance(v, (int, np.integer)):
        return str(int(v))
    return str(v)


def parse_values(text: str) -> dict[str, str]:
    """``field=value|field=value`` → dict (values never contain '|')."""
    out = {}
    for part in str(text).split("|"):
        if "=" in part:
            k, v = part.split("=", 1)
            out[k.strip()] = v.strip()
    return out


def same_value(a: object, b: object, rel_tol: float = 1e-9) -> bool:
    """Equal as data: both missing, equal strings/dates, or numbers within ``rel_tol`` relative."""
    sa, sb = format_value(a), format_value(b)
    if sa == sb:
        return True
    try:
        fa, fb = float(sa), float(sb)
    except ValueError:
        return False
    return math.isclose(fa, fb, rel_tol=rel_tol)


def unique_ids(names: pd.Series, reserved: set[str]) -> list[str]:
    """Slug ids for upstream names: slug of the name, then -2, -3… in file order, skipping reserved ids."""
    taken = set(reserved)
    out = []
    for name in names:
        base = slugify(str(name))
        cand, k = base, 1
        while cand in taken:
            k += 1
            cand = f"{base}-{k}"
        taken.add(cand)
        out.append(cand)
    return out


def _base_name(name: str) -> str:
    """A name without its parenthesised qualifier, normalised: 'GPT-3.5 (text-davinci-002)' -> 'gpt35'."""
    return re.sub(r"[^a-z0-9]", "", re.sub(r"\([^)]*\)", "", str(name)).lower().replace("+", "plus"))


def duplicate_additions(upstream: pd.DataFrame, curated: pd.DataFrame, overlay: pd.DataFrame,
                        *, file: str = "data/overlay.csv") -> list[Problem]:
    """Additions that duplicate an upstream model and must be keyed to it instead (one error each).

    Rule: an ``addition`` is a model the snapshot lacks, so none may have (a) the name or id of an upstream model
    (letters and digits compared, as in ``tools/build_overlay.py``), or (b) an upstream model's release date and
    organization with the same name once parenthesised qualifiers are dropped ('GPT-3.5 (text-davinci-002)' and
    Epoch's 'GPT-3.5 (davinci-002)', both OpenAI, 2022-03-15). ``row`` is the overlay line (header = 1).
    """
    from analysis.data.crosscheck import norm  # a leaf module; imported here to keep this module's imports light
    by_norm = {norm(n): n for n in upstream["name"]}
    by_base: dict[tuple, str] = {}
    for n, d, o in zip(upstream["name"], upstream["release_date"], upstream["organization"]):
        by_base.setdefault((_base_name(n), format_value(d), str(o).split(",")[0].strip().lower()), n)
    cur = curated.set_index("id", drop=False)
    out = []
    for line, o in zip(overlay.index, overlay.itertuples(index=False)):
        if o.kind != "addition" or o.id not in cur.index:
            continue
        c = cur.loc[o.id]
        hit = by_norm.get(norm(c["name"])) or by_norm.get(norm(o.id))
        rule = "same name"
        if hit is None:
            hit = by_base.get((_base_name(c["name"]), format_value(c["release_date"]),
                               str(c["organization"]).split(",")[0].strip().lower()))
            rule = "same organization, release date and name without its parenthesised qualifier"
        if hit is not None:
            out.append(Problem(file, int(line) + 2, "kind",
                               f"addition {o.id!r} duplicates upstream model {hit!r} ({rule}): key it to that entry "
                               "(a match or correction, judged in overlay_review.csv), not an addition"))
    return out


def apply(upstream: pd.DataFrame, curated: pd.DataFrame, overlay: pd.DataFrame,
          *, file: str = "data/overlay.csv") -> tuple[pd.DataFrame, OverlayStats, list[Problem]]:
    """Merge: upstream rows (ids from our overlay where keyed, else slugs), corrections, additions.

    ``upstream`` and ``curated`` are typed models tables in our schema; ``overlay`` is :func:`read_overlay`'s
    frame. Returns the merged table (upstream order, then additions in curated order), the counts and warnings.
    """
    cols = list(curated.columns)
    cur = curated.set_index("id", drop=False)
    unknown = sorted(set(overlay["id"]) - set(cur.index))
    if unknown:
        raise DataError(f"overlay id {unknown[0]!r} is not in data/models.csv", file=file, column="id")
    up = upstream.reset_index(drop=True).copy()
    pos = {n: i for i, n in enumerate(up["name"])}  # upstream names are unique in Epoch's files
    keyed = overlay[overlay["upstream_name"] != ""]
    missing = tuple(n for n in keyed["upstream_name"] if n not in pos)
    problems = [Problem(file, None, "upstream_name", f"overlay key {n!r} not found in the upstream table; "
                        "the curated row is added as it stands", "warning") for n in missing]
    # A newer export may list a model we add: say so (tools/build_overlay.py refuses it on the pinned snapshot).
    problems += [Problem(p.file, p.row, p.column, p.message, "warning")
                 for p in duplicate_additions(upstream, curated, overlay, file=file)]
    row_id = [None] * len(up)
    origin = [""] * len(up)
    n_corr = n_match = 0
    for _, o in keyed.iterrows():
        i = pos.get(o["upstream_name"])
        if i is None:
            continue
        c = cur.loc[o["id"]]
        row_id[i] = o["id"]
        alts = set(split_fields(o["alternatives"]))
        for f in OVERLAY_ONLY + DERIVED_FILL:  # fill-only: Epoch's value, where it has one, stands
            if f in up.columns and f not in alts and not is_missing(c[f]) and is_missing(up.at[i, f]):
                up.at[i, f] = c[f]
        if o["kind"] == "correction":
            for f in split_fields(o["fields"]):
                if not is_missing(c[f]):  # a blank never overwrites Epoch's value
                    up.at[i, f] = c[f]
            origin[i] = "correction"
            n_corr += 1
        else:
            origin[i] = "match"
            n_match += 1
    reserved = set(cur.index)
    free = [i for i, v in enumerate(row_id) if v is None]
    for i, s in zip(free, unique_ids(up.loc[free, "name"], reserved)):
        row_id[i] = s
    up["id"] = row_id
    up[ORIGIN_COLUMN] = origin
    add_ids = list(overlay.loc[overlay["kind"] == "addition", "id"])
    add_ids += [i for i, n in zip(keyed["id"], keyed["upstream_name"]) if n in missing]
    adds = cur.loc[[i for i in cur.index if i in set(add_ids)], cols].copy()
    adds[ORIGIN_COLUMN] = "addition"
    merged = pd.concat([up[cols + [ORIGIN_COLUMN]], adds[cols + [ORIGIN_COLUMN]]], ignore_index=True)
    for c in cols:  # keep the schema's dtypes after concatenation
        if curated[c].dtype != merged[c].dtype:
            merged[c] = merged[c].astype(curated[c].dtype)
    stats = OverlayStats(corrections=n_corr, matches=n_match, additions=len(adds),
                         alternatives=sum(len(split_fields(a)) for a, n in zip(keyed["alternatives"],
                                                                               keyed["upstream_name"]) if n in pos),
                         missing_keys=missing,
                         upstream_rows=len(up), rows=len(merged))
    return merged, stats, problems


def representative(df: pd.DataFrame) -> pd.DataFrame:
    """The rows of the upstream set (with our corrections): what counts, shares, trends and concentration use.

    Overlay additions (models the upstream set lacks: chat fine-tunes and sibling sizes added for the openness,
    benchmark and case-study tables, recent releases) stay in the table for per-model look-ups and joins but are
    not part of the representative sample, so adding a row never moves a share or a trend. Tables without the
    ``overlay`` column (``--data curated``, ``--data PATH``) are returned unchanged.
    """
    if ORIGIN_COLUMN not in df.columns:
        return df
    return df[df[ORIGIN_COLUMN].fillna("") != "addition"]


def stale(upstream: pd.DataFrame, overlay: pd.DataFrame) -> pd.DataFrame:
    """Corrections whose recorded upstream value differs from ``upstream`` now (a new vintage changed it).

    One row per (id, field): recorded value, current upstream value. Keys missing upstream are listed with
    ``current`` = '<missing>'.
    """
    by_name = upstream.set_index("name")
    rows = []
    for _, o in overlay[overlay["kind"] == "correction"].iterrows():
        rec = parse_values(o["upstream_values"])
        if o["upstream_name"] not in by_name.index:
            rows.append({"id": o["id"], "upstream_name": o["upstream_name"], "field": "", "recorded": "",
                         "current": "<missing>"})
            continue
        u = by_name.loc[o["upstream_name"]]
        for f in split_fields(o["fields"]):
            if not same_value(rec.get(f, ""), u[f]):
                rows.append({"id": o["id"], "upstream_name": o["upstream_name"], "field": f,
                             "recorded": rec.get(f, ""), "current": format_value(u[f])})
    return pd.DataFrame(rows, columns=["id", "upstream_name", "field", "recorded", "current"])


def is_missing(v: object) -> bool:
    return v is None or v is pd.NA or v is pd.NaT or (isinstance(v, float) and math.isnan(v)) or v == ""
