"""Write data/overlay.csv: the key from each curated model (data/models.csv) to Epoch AI's notable snapshot.

A maintainer tool, run by a person when models.csv or the pinned snapshot changes; the pipeline only reads the
file it writes. The upstream key of each row is found here, once, by exact rules, and written into the file, so
that loading never matches by name at run time:

1. the row's notes name the Epoch entry ("Epoch AI entry: 'AlexNet'") and that exact name is in the snapshot;
2. an explicit pair in ``MANUAL`` below (checked by hand against the snapshot: same developer, date and size);
3. the curated name, or our id, equals an upstream name after lower-casing and dropping everything but letters and
   digits ('+' kept as 'plus').

A matched row is a ``correction`` where a curated value of a correctable column differs from Epoch's (numbers by more than 0.5%) (the
curated value comes from the row's primary source), else a ``match``. Compute whose curated method is
``epoch-ai`` (Epoch's own estimate, copied) is never a correction: the snapshot's estimate is the newer one.
Unmatched rows are ``addition`` rows. Re-running on the same inputs writes the same bytes.

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


def build(vintage: str | None = None) -> pd.DataFrame:
    snap = upstream.find("notable_ai_models", vintage)
    up = epoch.load_epoch(snap.path).models
    cur = dataset.load_table("models")
    names = set(up["name"])
    by_norm: dict[str, str] = {}
    for n in up["name"]:
        by_norm.setdefault(crosscheck.norm(n), n)
    upi = up.set_index("name")
    rows = []
    used: dict[str, str] = {}
    for _, r in cur.iterrows():
        key = key_for(r, names, by_norm)
        if key and key in used:
            raise SystemExit(f"{r['id']} and {used[key]} both map to upstream {key!r}")
        if key:
            used[key] = r["id"]
        if not key:
            rows.append({"id": r["id"], "kind": "addition", "upstream_name": "", "fields": "", "upstream_values": "",
                         "checked_vintage": snap.vintage, "source_url": r["source_url"],
                         "reason": f"not in Epoch AI's notable-models snapshot {snap.vintage}; values from the primary source"})
            continue
        u = upi.loc[key]
        changed = []
        for f in overlay.CORRECTABLE:
            if f == "compute_method":
                continue
            if f == "training_compute_flop" and r["compute_method"] == "epoch-ai":
                continue
            if overlay.is_missing(r[f]) or overlay.same_value(r[f], u[f], overlay.RESTATE_TOLERANCE):
                continue
            changed.append(f)
        if "training_compute_flop" in changed:
            changed.append("compute_method")
        if changed:
            diffs = "; ".join(f"{f} {overlay.format_value(r[f])} (Epoch: {overlay.format_value(u[f]) or 'empty'})"
                              for f in changed if f != "compute_method")
            rows.append({"id": r["id"], "kind": "correction", "upstream_name": key, "fields": "|".join(changed),
                         "upstream_values": "|".join(f"{f}={overlay.format_value(u[f])}" for f in changed),
                         "checked_vintage": snap.vintage, "source_url": r["source_url"],
                         "reason": f"primary source gives {diffs}"})
        else:
            rows.append({"id": r["id"], "kind": "match", "upstream_name": key, "fields": "", "upstream_values": "",
                         "checked_vintage": snap.vintage, "source_url": r["source_url"],
                         "reason": "restates Epoch AI's values; keeps our id and adds overlay-only columns"})
    return pd.DataFrame(rows, columns=list(overlay.OVERLAY_COLUMNS))


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
