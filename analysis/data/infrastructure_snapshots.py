"""Who owns the compute: Epoch AI's GPU clusters, frontier data centers and AI-chip stock, as typed tables.

Snapshots (pinned, facts only, each with its ``.meta.json``; written by ``tools/snapshot_upstream.py``):

* ``data/upstream/epoch-ai/2025-12-17/gpu_clusters.csv`` — Epoch AI, "Data on GPU Clusters" (786 systems);
* ``data/upstream/epoch-ai/2025-12-17/data_centers.csv`` and ``data_center_timelines.csv`` — Epoch AI, "Frontier
  Data Centers" (17 sites; 118 dated rows);
* ``data/upstream/epoch-ai/2026-04-22/ai_chip_counts/*.csv`` — the exports behind Epoch AI's AI Chip Sales and
  Chip Owners explorers (cumulative units, H100-equivalents and power with 5th/50th/95th percentiles), from
  Epoch's own repository ``epoch-research/ai-chip-counts``.

The folder name is the access date: the date of the commit the files were taken from (2025-12-17 for the
clusters and data centers, the mirror's last change of those files; 2026-04-22 for the chip exports, the
repository's HEAD). Each spec below lists the upstream columns kept and the name we give them; every other column
(notes, quotes, source links, addresses, attachment URLs, free-text construction status, derived log10 columns)
is left out of the extract, and its metadata lists them.

Every loader verifies the extract's sha256 against its metadata (:func:`analysis.data.upstream.verify`) before it
reads a byte, types the columns (numbers, ISO dates) and raises :class:`~analysis.errors.DataError` naming file,
row and column for a cell that does not parse. Licence: CC BY 4.0 (data), credit lines in :data:`SPECS`.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from analysis.data import upstream
from analysis.errors import DataError, UsageError

PRODUCER = "epoch-ai"
CLUSTERS_VINTAGE = "2025-12-17"
CHIPS_VINTAGE = "2026-04-22"
CHIPS_DIR = "ai_chip_counts"
LICENCE = "CC BY 4.0"
LICENCE_URL = "https://creativecommons.org/licenses/by/4.0/"
CLUSTERS_CREDIT = ("Epoch AI, 'Data on GPU Clusters'. Published online at epoch.ai. Retrieved from "
                   "https://epoch.ai/data/gpu-clusters")
DATA_CENTERS_CREDIT = ("Epoch AI, 'Data on Frontier AI Data Centers'. Published online at epoch.ai. Retrieved from "
                       "https://epoch.ai/data/data-centers")
CHIP_SALES_CREDIT = ("Epoch AI, 'Data on AI Chip Sales'. Published online at epoch.ai. Retrieved from "
                     "https://epoch.ai/data/ai-chip-sales")
CHIP_OWNERS_CREDIT = ("Epoch AI, 'Data on AI Chip Owners'. Published online at epoch.ai. Retrieved from "
                      "https://epoch.ai/data/ai-chip-owners")
MIRROR = {"repository": "cnyke/cnyke.github.io", "commit": "a64f15ae5aeaad54cb242e17952fbcfedface04d",
          "head": "20889d55307b072051e060c2f4736aceebb7197d",
          "note": "third-party mirror of Epoch AI's downloads; the files were last changed in this commit "
                  "(2025-12-17) and copied from the mirror's HEAD"}
CHIPS_REPO = {"repository": "epoch-research/ai-chip-counts", "commit": "d1b1bc311479ed385befa400e94533afc8b59fb7",
              "note": "Epoch AI's own repository (code MIT, data CC BY); HEAD of 2026-04-22"}

CLUSTER_COLUMNS = {
    "Name": "name", "Status": "status", "Certainty": "certainty", "Single cluster?": "single_cluster",
    "H100 equivalents": "h100e", "Chip type (primary)": "chip_type", "Chip quantity (primary)": "chips_primary",
    "Country": "country", "Owner": "owner", "First Operational Date": "first_operational",
    "Sector": "sector", "Power Capacity (MW)": "power_mw", "Hardware Cost": "hardware_cost_usd", "Users": "users",
    "Builds Upon": "builds_upon", "Superseded by": "superseded_by", "Possible Duplicate": "possible_duplicate",
    "Possible Duplicate Of": "possible_duplicate_of", "Chip type (secondary)": "chip_type_secondary",
    "Chip quantity (secondary)": "chips_secondary", "Total number of AI chips": "chips",
    "GPU Supplier (primary)": "supplier", "GPU supplier (secondary)": "supplier_secondary",
    "Include in Standard Analysis": "epoch_standard", "Exclude": "exclude",
    "Rank when first operational": "rank_at_start", "Max OP/s": "max_ops", "8-bit OP/s": "ops_8bit",
    "16-bit OP/s": "ops_16bit", "32-bit OP/s": "ops_32bit", "Calculated Power Capacity (MW)": "power_calculated_mw",
    "Reported Power Capacity (MW)": "power_reported_mw", "Energy Efficiency": "ops_per_watt",
    "Calculated Cost": "cost_calculated_usd", "Reported Cost": "cost_reported_usd",
    "Reported Cost (Inflation adjusted)": "cost_reported_real_usd",
    "Decommissioned Date (if applicable)": "decommissioned",
    "Largest existing cluster when first operational": "largest_at_start",
    "% of largest cluster when first operational": "fraction_of_largest_at_start",
}
DATA_CENTER_COLUMNS = {
    "Handle": "site", "Title": "title", "Project": "project", "Latitude": "latitude", "Longitude": "longitude",
    "Owner": "owner", "Users": "users", "Investors": "investors", "Construction companies": "builders",
    "Energy companies": "energy_companies", "Current H100 equivalents": "h100e",
    "Current power (MW)": "power_mw", "Current total capital cost (2025 USD billions)": "capex_2025_usd_bn",
}
TIMELINE_COLUMNS = {
    "Date": "date", "Data center": "site", "Power (MW)": "power_mw", "H100 equivalents": "h100e",
    "Buildings operational": "buildings", "Total capital cost (2025 USD billions)": "capex_2025_usd_bn",
    "Compute cost (2025 USD billions)": "compute_cost_2025_usd_bn",
    "Construction cost (2025 USD billions)": "construction_cost_2025_usd_bn",
    "Building area (square feet)": "building_area_sqft", "Site area (square feet)": "site_area_sqft",
    "Water use (MGD)": "water_mgd", "Performance (8-bit OP/s)": "ops_8bit",
}
# the chip exports spell the same quantity several ways; one name each here
CHIP_COLUMNS = {
    "Name": "label", "Chip manufacturer": "vendor", "Owner": "owner", "Start date": "start_date",
    "End date": "end_date", "Chip type": "chip_type", "Incomplete": "incomplete",
    "Compute estimate in H100e (median)": "h100e", "Compute estimate in H100e (5th percentile)": "h100e_p05",
    "Compute estimate in H100e (95th percentile)": "h100e_p95", "H100e (5th percentile)": "h100e_p05",
    "H100e (95th percentile)": "h100e_p95", "Number of units (median)": "units", "Number of Units (median)": "units",
    "Number of Units": "units", "Number of units (5th percentile)": "units_p05",
    "Number of Units (5th percentile)": "units_p05", "Number of units (95th percentile)": "units_p95",
    "Number of Units (95th percentile)": "units_p95", "Power in MW (median)": "power_mw",
    "Power in MW (5th percentile)": "power_mw_p05", "Power in MW (95th percentile)": "power_mw_p95",
    "Total TDP (W)": "tdp_w", "Total TDP (W) (5th percentile)": "tdp_w_p05",
    "Total TDP (W) (95th percentile)": "tdp_w_p95",
}
# columns a download must have to be taken for the dataset (the chip exports vary, so only their key columns)
REQUIRED = {"gpu_clusters": tuple(CLUSTER_COLUMNS), "data_centers": tuple(DATA_CENTER_COLUMNS),
            "data_center_timelines": tuple(TIMELINE_COLUMNS),
            "ai_chip_counts": ("Chip manufacturer", "Start date", "End date")}
CLUSTER_NUMBERS = ("h100e", "chips_primary", "power_mw", "hardware_cost_usd", "chips_secondary", "chips",
                   "rank_at_start", "max_ops", "ops_8bit", "ops_16bit", "ops_32bit", "power_calculated_mw",
                   "power_reported_mw", "ops_per_watt", "cost_calculated_usd", "cost_reported_usd",
                   "cost_reported_real_usd", "fraction_of_largest_at_start")
CLUSTER_FLAGS = ("possible_duplicate", "epoch_standard", "exclude")
ANONYMIZED = "Anonymized"  # Epoch's GPU supplier (and name prefix) of the anonymized Chinese systems


@dataclass(frozen=True)
class Spec:
    """One pinned file: where it lives, where it came from, and the upstream columns kept (-> our names)."""

    name: str  # path under the vintage folder, without .csv
    vintage: str  # access date (folder name)
    dataset: str
    title: str
    url: str
    credit: str
    columns: dict[str, str]
    date_column: str | None
    origin: dict = field(default_factory=dict)
    source_path: str = ""  # the file in ../shared/reference (or the repository) the snapshot is made from

    @property
    def drop(self) -> re.Pattern:
        """Every column not kept (an exact-name negative match of the kept ones)."""
        return re.compile(r"^(?!(?:" + "|".join(re.escape(c) for c in self.columns) + r")$)")


def _chip_spec(rel: str, owners: bool) -> Spec:
    name = f"{CHIPS_DIR}/{rel.rsplit('/', 1)[-1].removesuffix('.csv')}"
    return Spec(name=name, vintage=CHIPS_VINTAGE, dataset=f"ai_chip_counts/{rel.removesuffix('.csv')}",
                title="AI Chip Owners (cumulative by owner)" if owners else "AI Chip Sales (cumulative by vendor)",
                url=f"https://github.com/epoch-research/ai-chip-counts/blob/{CHIPS_REPO['commit']}/{rel}",
                credit=CHIP_OWNERS_CREDIT if owners else CHIP_SALES_CREDIT, columns=CHIP_COLUMNS, date_column=None,
                origin={**CHIPS_REPO, "path": rel}, source_path=rel)


CHIP_TOTALS = tuple(f"csv_export/{v}_cumulative_totals.csv" for v in ("nvidia", "tpu", "amd", "trainium"))
CHIP_OWNER_TOTALS = (*(f"owners_csv_export/{v}_owners_cumulative_totals.csv" for v in ("nvidia", "tpu", "amd",
                                                                                      "trainium")),
                     "owners_csv_export/nvidia_owners_OTHER_cumulative_totals.csv",
                     "owners_csv_export/coreweave/coreweave_owners_cumulative_totals.csv",
                     "data_inputs/named_other_owners_cumulative_totals.csv")
SPECS: dict[str, Spec] = {
    "gpu_clusters": Spec(
        name="gpu_clusters", vintage=CLUSTERS_VINTAGE, dataset="gpu_clusters", title="Data on GPU Clusters",
        url="https://epoch.ai/data/gpu_clusters.csv", credit=CLUSTERS_CREDIT, columns=CLUSTER_COLUMNS,
        date_column="First Operational Date",
        origin={**MIRROR, "path": "dist/data/EpochAI/gpu_clusters/gpu_clusters.csv"},
        source_path="epoch_gpu_clusters/gpu_clusters.csv"),
    "data_centers": Spec(
        name="data_centers", vintage=CLUSTERS_VINTAGE, dataset="data_centers", title="Frontier Data Centers: sites",
        url="https://epoch.ai/data/data_centers/data_centers.csv", credit=DATA_CENTERS_CREDIT,
        columns=DATA_CENTER_COLUMNS, date_column=None,
        origin={**MIRROR, "path": "dist/data/EpochAI/data_centers/data_centers.csv"},
        source_path="epoch_data_centers/data_centers.csv"),
    "data_center_timelines": Spec(
        name="data_center_timelines", vintage=CLUSTERS_VINTAGE, dataset="data_center_timelines",
        title="Frontier Data Centers: timelines", url="https://epoch.ai/data/data_centers/data_center_timelines.csv",
        credit=DATA_CENTERS_CREDIT, columns=TIMELINE_COLUMNS, date_column="Date",
        origin={**MIRROR, "path": "dist/data/EpochAI/data_centers/data_center_timelines.csv"},
        source_path="epoch_data_centers/data_center_timelines.csv"),
    **{(s := _chip_spec(rel, False)).name: s for rel in CHIP_TOTALS},
    **{(s := _chip_spec(rel, True)).name: s for rel in CHIP_OWNER_TOTALS},
}


def _raw_dates(raw: bytes, column: str | None) -> list[dt.date]:
    """The parseable dates of ``column`` in a raw download (ISO, YYYY-MM, M/D/YYYY or M/D/YY)."""
    out: list[dt.date] = []
    if column is None:
        return out
    for rec in csv.DictReader(io.StringIO(raw.decode("utf-8-sig"), newline="")):
        v = (rec.get(column) or "").strip()
        for fmt in ("%Y-%m-%d", "%Y-%m", "%m/%d/%Y", "%m/%d/%y"):
            try:
                out.append(dt.datetime.strptime(v, fmt).date())
                break
            except ValueError:
                continue
    return out


def snapshot_meta(s: Spec, raw: bytes, *, accessed: str | None = None, url: str | None = None,
                  origin: dict | None = None) -> dict:
    """The metadata of a snapshot of ``s`` made from the download ``raw`` (for
    :func:`analysis.data.upstream.write_snapshot`): producer, title, URL, licence and credit, access date, the
    upstream columns kept and their names here (``column_mapping``), the newest dated row and the vintage (the
    newest date on or before the access date: later rows are Epoch's planned systems and projected milestones).
    Raises DataError when a column the spec keeps is missing from the download."""
    header = next(csv.reader(io.StringIO(raw.decode("utf-8-sig"), newline="")), [])
    header = [h.strip() for h in header]
    required = [c for c in s.columns if c in REQUIRED.get(s.dataset.split("/")[0], s.columns)]
    missing = [c for c in required if c not in header]
    if missing:
        raise DataError(f"not Epoch AI's {s.title} export: no {missing[0]!r} column", column=missing[0])
    accessed = accessed or s.vintage
    date_col = s.date_column if s.date_column else ("End date" if "End date" in header else None)
    dates = _raw_dates(raw, date_col)
    acc = dt.date.fromisoformat(accessed)
    return {"producer": "Epoch AI", "dataset": s.dataset, "title": s.title, "url": url or s.url, "licence": LICENCE,
            "licence_url": LICENCE_URL, "credit": s.credit, "accessed": accessed,
            "vintage": max((d for d in dates if d <= acc), default=acc).isoformat(),
            "origin": origin if origin is not None else s.origin,
            "newest_row": max(dates).isoformat() if dates else None,
            "column_mapping": {h: s.columns[h] for h in header if h in s.columns},
            "dropped_because": "notes, quotes, source links, addresses, attachment URLs, free-text status and "
                               "derived log10 columns are not kept (facts only)"}


def spec(name: str) -> Spec:
    if name not in SPECS:
        raise UsageError(f"unknown infrastructure snapshot {name!r}; one of {', '.join(SPECS)}")
    return SPECS[name]


def snapshot(name: str, vintage: str | None = None) -> upstream.Snapshot:
    """The verified snapshot ``name`` (a key of :data:`SPECS`) of ``vintage`` (default: the pinned one)."""
    s = spec(name)
    root = upstream.UPSTREAM_DIR / PRODUCER
    path = root / (vintage or s.vintage) / f"{s.name}.csv"
    if not path.is_file():
        have = sorted(p.name for p in root.iterdir() if (p / f"{s.name}.csv").is_file()) if root.is_dir() else []
        raise UsageError(f"no {s.name!r} snapshot of vintage {vintage or s.vintage!r} under {root}; available: "
                         f"{', '.join(have) or 'none'}")
    snap = upstream.Snapshot(path, upstream.read_meta(path))
    upstream.verify(snap)
    return snap


def _read(name: str, vintage: str | None) -> tuple[pd.DataFrame, upstream.Snapshot, str]:
    snap = snapshot(name, vintage)
    try:
        raw = pd.read_csv(snap.path, dtype=str, keep_default_na=False)
    except (OSError, ValueError) as exc:
        raise DataError(f"unreadable snapshot ({exc})", file=str(snap.path)) from None
    return raw, snap, str(snap.path)


def _numbers(raw: pd.DataFrame, col: str, file: str) -> pd.Series:
    """Numbers of a column (commas as thousands separators allowed); a non-empty cell that is not a number is an
    error naming file, row and column."""
    s = raw[col].astype(str).str.strip().str.replace(",", "", regex=False)
    num = pd.to_numeric(s.where(s != ""), errors="coerce")
    bad = s.ne("") & num.isna()
    if bad.any():
        i = int(np.flatnonzero(bad.to_numpy())[0])
        raise DataError(f"expected a number, got {raw[col].iloc[i]!r}", file=file, row=i + 2, column=col)
    return num.astype("float64")


def _dates(raw: pd.DataFrame, col: str, file: str, formats: tuple[str, ...] = ("%Y-%m-%d",)) -> pd.Series:
    """Dates of a column in one of ``formats`` (YYYY-MM and YYYY also accepted: first of the month / year)."""
    s = raw[col].astype(str).str.strip()
    out = pd.Series(pd.NaT, index=raw.index, dtype="datetime64[ns]")
    for fmt in (*formats, "%Y-%m", "%Y"):
        todo = s.ne("") & out.isna()
        if not todo.any():
            break
        out[todo] = pd.to_datetime(s[todo], format=fmt, errors="coerce")
    bad = s.ne("") & out.isna()
    if bad.any():
        i = int(np.flatnonzero(bad.to_numpy())[0])
        raise DataError(f"expected a date ({' or '.join(formats)}), got {s.iloc[i]!r}", file=file, row=i + 2,
                        column=col)
    return out


def _need(raw: pd.DataFrame, cols, file: str) -> None:
    for c in cols:
        if c not in raw.columns:
            raise DataError(f"snapshot lacks column {c!r}", file=file, column=c)


def _text(raw: pd.DataFrame, col: str) -> pd.Series:
    return raw[col].astype(str).str.strip()


def clusters(vintage: str | None = None) -> pd.DataFrame:
    """Epoch AI's GPU clusters, one row per system, with our column names (:data:`CLUSTER_COLUMNS`).

    Numbers are floats (OP/s, H100e, chips, MW, USD), ``first_operational`` and ``decommissioned`` datetimes,
    the flags (``epoch_standard``, ``possible_duplicate``, ...) booleans; plus ``anonymized`` (Epoch's anonymized
    Chinese systems: values rounded to one significant figure, name and owner withheld), ``row`` (1-based line in
    the snapshot) and ``id`` (``c<row>``: Epoch's names repeat, e.g. "Anonymized Chinese System").
    """
    raw, _snap, f = _read("gpu_clusters", vintage)
    _need(raw, CLUSTER_COLUMNS, f)
    out = pd.DataFrame({ours: _text(raw, up) for up, ours in CLUSTER_COLUMNS.items()})
    for c in CLUSTER_NUMBERS:
        up = next(u for u, o in CLUSTER_COLUMNS.items() if o == c)
        out[c] = _numbers(raw, up, f)
    out["first_operational"] = _dates(raw, "First Operational Date", f)
    out["decommissioned"] = _dates(raw, "Decommissioned Date (if applicable)", f)
    for c in CLUSTER_FLAGS:
        out[c] = out[c].str.lower().eq("true")
    for c in ("owner", "country", "sector", "users", "chip_type", "supplier"):
        out[c] = out[c].replace("", pd.NA)
    out["anonymized"] = out["supplier"].eq(ANONYMIZED).fillna(False) | out["name"].str.startswith(ANONYMIZED)
    out.insert(0, "row", np.arange(2, len(out) + 2))
    out.insert(0, "id", [f"c{r}" for r in out["row"]])
    return out


def data_centers(vintage: str | None = None) -> pd.DataFrame:
    """Epoch AI's frontier data-center sites (:data:`DATA_CENTER_COLUMNS`). ``owner``/``users`` keep Epoch's
    confidence tags (``Amazon #confident``); ``owner_name`` and ``owner_confidence`` split the first owner."""
    raw, _snap, f = _read("data_centers", vintage)
    _need(raw, DATA_CENTER_COLUMNS, f)
    out = pd.DataFrame({ours: _text(raw, up) for up, ours in DATA_CENTER_COLUMNS.items()})
    for up, ours in (("Current H100 equivalents", "h100e"), ("Current power (MW)", "power_mw"),
                     ("Current total capital cost (2025 USD billions)", "capex_2025_usd_bn")):
        out[ours] = _numbers(raw, up, f)
    tag = out["owner"].str.extract(r"^\s*([^#,]*?)\s*(?:#(\w+))?\s*(?:,|$)")
    out["owner_name"] = tag[0].replace("", pd.NA)
    out["owner_confidence"] = tag[1]
    return out


def data_center_timelines(vintage: str | None = None) -> pd.DataFrame:
    """Dated milestones of each site (:data:`TIMELINE_COLUMNS`): power (MW), H100e, capital cost (2025 USD bn),
    areas, water; ``date`` a datetime (Epoch projects milestones up to 2029: rows after the access date are plans)."""
    raw, _snap, f = _read("data_center_timelines", vintage)
    _need(raw, TIMELINE_COLUMNS, f)
    out = pd.DataFrame({ours: _text(raw, up) for up, ours in TIMELINE_COLUMNS.items()})
    for up, ours in TIMELINE_COLUMNS.items():
        if ours not in ("date", "site"):
            out[ours] = _numbers(raw, up, f)
    out["date"] = _dates(raw, "Date", f)
    return out


def _chip_table(name: str, vintage: str | None) -> pd.DataFrame:
    raw, _snap, f = _read(name, vintage)
    _need(raw, ("Chip manufacturer", "Start date", "End date"), f)
    out = pd.DataFrame(index=raw.index)
    for up in raw.columns:
        ours = CHIP_COLUMNS.get(up)
        if ours is None or ours in out.columns:
            continue
        if ours in ("start_date", "end_date"):
            out[ours] = _dates(raw, up, f, formats=("%m/%d/%Y", "%m/%d/%y", "%Y-%m-%d"))
        elif ours in ("label", "vendor", "owner", "chip_type", "incomplete"):
            out[ours] = _text(raw, up)
        else:
            out[ours] = _numbers(raw, up, f)
    if "h100e" not in out.columns:
        raise DataError("snapshot has no H100e (median) column", file=f)
    out["source"] = spec(name).dataset
    return out


def chip_stock(vintage: str | None = None) -> pd.DataFrame:
    """Cumulative AI-chip deliveries per vendor and quarter (Epoch's AI Chip Sales exports): one row per
    (vendor, end_date) with units, H100e and power (median and 5th/95th percentiles). ``start_date`` is where each
    vendor's cumulative count starts (NVIDIA 2022-01-01, TPU 2023-01-01, AMD and Trainium 2024-01-01)."""
    names = [f"{CHIPS_DIR}/{rel.rsplit('/', 1)[-1].removesuffix('.csv')}" for rel in CHIP_TOTALS]
    out = pd.concat([_chip_table(n, vintage) for n in names], ignore_index=True)
    out["vendor"] = out["vendor"].replace({"Nvidia": "NVIDIA", "Google": "Google TPU", "Amazon": "Amazon Trainium"})
    return out.sort_values(["vendor", "end_date"], kind="mergesort").reset_index(drop=True)


def chip_owners(vintage: str | None = None) -> pd.DataFrame:
    """Cumulative AI-chip holdings per owner, vendor and quarter (Epoch's AI Chip Owners exports): the NVIDIA
    owners (Microsoft, Meta, Amazon, Google, Oracle, China), the NVIDIA remainder ``Other`` (which excludes the
    named owners xAI and CoreWeave), CoreWeave, xAI (two year-end values, Epoch's hand-curated input), Google's TPUs,
    AMD's owners and Amazon's Trainium. Columns as :func:`chip_stock`, plus ``owner``."""
    names = [f"{CHIPS_DIR}/{rel.rsplit('/', 1)[-1].removesuffix('.csv')}" for rel in CHIP_OWNER_TOTALS]
    out = pd.concat([_chip_table(n, vintage) for n in names], ignore_index=True)
    out["vendor"] = out["vendor"].replace({"Nvidia": "NVIDIA", "Google": "Google TPU", "Amazon": "Amazon Trainium"})
    return out.sort_values(["vendor", "owner", "end_date"], kind="mergesort").reset_index(drop=True)


def source_line(name: str, vintage: str | None = None) -> str:
    """'Epoch AI, Data on GPU Clusters (accessed 2025-12-17, 786 rows, sha256 1a2b3c4d)' for captions."""
    snap = snapshot(name, vintage)
    m = snap.meta
    return (f"Epoch AI, {m.get('title')} (accessed {m.get('accessed')}, {m.get('rows')} rows, "
            f"sha256 {str(m.get('sha256_extract'))[:8]})")
