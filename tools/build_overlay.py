"""Write data/overlay.csv: the key from each curated model (data/models.csv) to Epoch AI's notable snapshot.

A maintainer tool, run by a person when models.csv or the pinned snapshot changes; the pipeline only reads the
file it writes. The upstream key of each row is found here, once, by exact rules, and written into the file, so
that loading never matches by name at run time:

1. the row's notes name the Epoch entry ("Epoch AI entry: 'AlexNet'") and that exact name is in the snapshot;
2. an explicit pair in ``MANUAL`` below (checked by hand against the snapshot: same developer, date and size);
3. the curated name, or our id, equals an upstream name after lower-casing and dropping everything but letters and
   digits ('+' kept as 'plus').

Every field where a matched row's curated value differs from Epoch's (numbers by more than 0.5%; compute whose
curated method is ``epoch-ai``, Epoch's own estimate copied, is never compared) must be judged in
``data/overlay_review.csv`` (one row per id and field, with its evidence; see analysis/data/overlay.py). Fields
reviewed as ``correction`` or ``fill`` are the row's ``fields`` (its Epoch values recorded in ``upstream_values``);
fields reviewed as ``alternative`` are its ``alternatives``, kept beside Epoch's value, never replacing it;
``restates`` changes nothing. A matched row with fields is a ``correction``, else a ``match``. Unmatched rows are
``addition`` rows. The tool refuses an unreviewed difference, a review whose recorded values no longer match
models.csv or the snapshot, a difference reviewed as ``wrong`` that is still in models.csv, and a review row with
no difference left to judge. Re-running on the same inputs writes the same bytes.

    python tools/build_overlay.py [--vintage 2026-07-19] [--check]
"""

from __future__ import annotations

import argparse
import re
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

import pandas as pd  # noqa: E402

from analysis.data import crosscheck, dataset, epoch, overlay, upstream  # noqa: E402

# Curated id -> Epoch 'Model' string, where neither the notes nor the normalised name give it. Each checked by hand
# on the 2026-07-19 snapshot: same developer, same release month, same parameter count.
MANUAL = {
    "palm": "PaLM (540B)",
    "gpt-4": "GPT-4 (Mar 2023)",
    "gpt-4-turbo": "GPT-4 Turbo (Nov 2023)",
    "internlm-104b": "InternLM",
    "gemini-2.5-pro": "Gemini 2.5 Pro (Mar 2025)",
    "qwen3-235b-a22b-thinking-2507": "Qwen3-235B-A22B-Thinking (Jul 2025)",
    "deepseek-coder-v2": "DeepSeek-Coder-V2 236B",
    "galactica-120b": "Galactica",
    "deepseek-r1-0528": "DeepSeek-R1 (May 2025)",
    "deepseek-v3-0324": "DeepSeek-V3 (Mar 2025)",
    "gpt-3.5": "GPT-3.5 (davinci-002)",  # ours names the API model text-davinci-002; OpenAI, 2022-03-15, Epoch's compute
}
NOTE_KEY = re.compile(r"Epoch AI entry: '([^']*)'")


def key_for(row: pd.Series, names: set[str], by_norm: dict[str, str]) -> str:
    m = NOTE_KEY.search(str(row["notes"]) if pd.notna(row["notes"]) else "")
    if m and m.group(1) in names:
        return m.group(1)
    if row["id"] in MANUAL:
        return MANUAL[row["id"]]
    for k in (crosscheck.norm(row["name"]), crosscheck.norm(row["id"])):
        if k in by_norm:
            return by_norm[k]
    return ""


def _reviewed(review: pd.DataFrame) -> dict[tuple[str, str], pd.Series]:
    return {(r["id"], r["field"]): r for _, r in review.iterrows()}


def _diffs(r: pd.Series, u: pd.Series, reviewed: set[tuple[str, str]]) -> list[str]:
    """The correctable fields where the curated row differs from Epoch's by more than rounding. A derived column
    (tokens seen) that Epoch leaves empty is filled by ``overlay.apply`` without a judgement, unless one exists."""
    out = []
    for f in overlay.CORRECTABLE:
        if f == "compute_method":
            continue
        if f == "training_compute_flop" and r["compute_method"] == "epoch-ai":
            continue
        if f in overlay.DERIVED_FILL and overlay.is_missing(u[f]) and (r["id"], f) not in reviewed:
            continue
        if overlay.is_missing(r[f]) or overlay.same_value(r[f], u[f], overlay.RESTATE_TOLERANCE):
            continue
        out.append(f)
    return out


def _reason(review: dict, rid: str, applied: list[str], alts: list[str], r: pd.Series, u: pd.Series) -> str:
    fmt = overlay.format_value
    parts = []
    for f in applied:
        rv = review[(rid, f)]
        verb = "fills" if rv["class"] == "fill" else (
            "corrects" if rv["basis"] == "source-states" else "corrects (Epoch inconsistent with its own method)")
        parts.append(f"{verb} {f} {fmt(r[f])} (Epoch: {fmt(u[f]) or 'empty'})")
    if alts:
        parts.append("keeps Epoch's " + ", ".join(alts) + " with ours beside it as an alternative ("
                     + "; ".join(f"{f}: {review[(rid, f)]['method']}" for f in alts) + ")")
    if not parts:
        return "restates Epoch AI's values; keeps our id and adds overlay-only columns where Epoch's are empty"
    return "; ".join(parts) + "; evidence per field in overlay_review.csv"


def build(vintage: str | None = None) -> pd.DataFrame:
    snap = upstream.find("notable_ai_models", vintage)
    up = epoch.load_epoch(snap.path).models
    cur = dataset.load_table("models")
    review = _reviewed(overlay.read_review())
    names = set(up["name"])
    by_norm: dict[str, str] = {}
    for n in up["name"]:
        by_norm.setdefault(crosscheck.norm(n), n)
    upi = up.set_index("name")
    rows = []
    used: dict[str, str] = {}
    judged: set[tuple[str, str]] = set()
    problems: list[str] = []
    for _, r in cur.iterrows():
        key = key_for(r, names, by_norm)
        if key and key in used:
            raise SystemExit(f"{r['id']} and {used[key]} both map to upstream {key!r}")
        if key:
            used[key] = r["id"]
        if not key:
            rows.append({"id": r["id"], "kind": "addition", "upstream_name": "", "fields": "", "upstream_values": "",
                         "alternatives": "", "checked_vintage": snap.vintage, "source_url": r["source_url"],
                         "reason": f"not in Epoch AI's notable-models snapshot {snap.vintage}; values from the primary source"})
            continue
        u = upi.loc[key]
        applied, alts = [], []
        for f in _diffs(r, u, set(review)):
            rv = review.get((r["id"], f))
            judged.add((r["id"], f))
            fmt = overlay.format_value
            if rv is None:
                problems.append(f"{r['id']}.{f}: ours {fmt(r[f])} differs from Epoch's {fmt(u[f]) or 'empty'} and is "
                                "not reviewed in data/overlay_review.csv")
            elif rv["class"] == "wrong":
                problems.append(f"{r['id']}.{f}: reviewed as wrong, yet models.csv still differs from Epoch")
            elif not overlay.same_value(rv["our_value"], r[f]) or not overlay.same_value(rv["epoch_value"], u[f]):
                problems.append(f"{r['id']}.{f}: review records ours {rv['our_value']!r} / Epoch {rv['epoch_value']!r}, "
                                f"now {fmt(r[f])!r} / {fmt(u[f])!r}: re-check it")
            elif rv["class"] in overlay.APPLIED_CLASSES:
                applied.append(f)
            elif rv["class"] == "alternative":
                alts.append(f)
        fields = applied + (["compute_method"] if "training_compute_flop" in applied else [])
        rows.append({"id": r["id"], "kind": "correction" if applied else "match", "upstream_name": key,
                     "fields": "|".join(fields),
                     "upstream_values": "|".join(f"{f}={overlay.format_value(u[f])}" for f in fields),
                     "alternatives": "|".join(alts), "checked_vintage": snap.vintage, "source_url": r["source_url"],
                     "reason": _reason(review, r["id"], applied, alts, r, u)})
    for (rid, f), rv in review.items():
        if (rid, f) not in judged and rv["class"] != "wrong":
            problems.append(f"{rid}.{f}: reviewed as {rv['class']}, but there is no difference left to judge")
    if problems:
        raise SystemExit("data/overlay_review.csv does not cover models.csv against the snapshot:\n  "
                         + "\n  ".join(problems))
    out = pd.DataFrame(rows, columns=list(overlay.OVERLAY_COLUMNS))
    dups = overlay.duplicate_additions(up, cur, out)
    if dups:
        raise SystemExit("additions that duplicate an upstream model:\n  " + "\n  ".join(map(str, dups)))
    return out


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--vintage", default=None, help="snapshot vintage (default: newest)")
    ap.add_argument("--check", action="store_true", help="exit 1 if data/overlay.csv differs from what would be written")
    args = ap.parse_args(argv)
    df = build(args.vintage)
    text = df.to_csv(index=False, lineterminator="\n")
    if args.check:
        same = overlay.OVERLAY_PATH.exists() and overlay.OVERLAY_PATH.read_text(encoding="utf-8") == text
        print("data/overlay.csv is up to date" if same else "data/overlay.csv differs: run tools/build_overlay.py")
        return 0 if same else 1
    overlay.OVERLAY_PATH.write_text(text, encoding="utf-8")
    counts = df["kind"].value_counts().to_dict()
    print(f"wrote data/overlay.csv: {len(df)} rows {counts}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
