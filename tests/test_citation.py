"""One citation format, built by one function, crediting every data source with its vintage (issue 26, item 1).

Hashes are recomputed here from the files (hashlib), credit lines read from the snapshots' metadata: the tests do
not compare the citation module with itself.
"""

from __future__ import annotations

import csv
import hashlib
import json
import re
from pathlib import Path

import pytest

import analysis
from analysis.data import dataset, schema
from analysis.reporting import citation, figure_meta

ROOT = Path(__file__).resolve().parents[1]
UP = schema.DATA_DIR / "upstream" / "epoch-ai"


def sha(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def meta(path: Path) -> dict:
    return json.loads(path.with_name(path.stem + ".meta.json").read_text())


@pytest.fixture(scope="module")
def ds():
    return dataset.load(None)


def test_the_default_data_are_credited_to_epoch_and_our_overlay_with_hashes_from_the_files(ds):
    line, sources = citation.resolve(ds)
    snap = UP / "2026-07-19" / "notable_ai_models.csv"
    up, ov_file, models_file = sha(snap), sha(schema.DATA_DIR / "overlay.csv"), sha(schema.DATA_DIR / "models.csv")
    overlay = hashlib.sha256((ov_file + models_file).encode()).hexdigest()  # as data/merged.py defines it
    assert line == ds.label == f"Epoch AI 2026-07-19 + overlay, sha256 {up[:8]}/{overlay[:8]}"
    epoch, ours = sources
    m = meta(snap)
    assert (epoch.producer, epoch.credit, epoch.licence) == ("Epoch AI", m["credit"], "CC BY 4.0")
    assert (epoch.accessed, epoch.vintage) == ("2026-07-19", m["vintage"])
    assert epoch.sha256 == {"upstream/epoch-ai/2026-07-19/notable_ai_models.csv": up}
    assert ours.sha256["overlay.csv + models.csv"] == overlay and ours.sha256["data/overlay.csv"] == ov_file
    with open(schema.DATA_DIR / "overlay.csv", encoding="utf-8") as f:  # counted independently of the loader
        kinds = [r["kind"] for r in csv.DictReader(f)]
    assert ours.licence == "CC BY 4.0"
    assert f"{kinds.count('correction')} corrections, {kinds.count('addition')} additions" in ours.credit


def test_a_pinned_vintage_and_a_users_export_get_a_hash_on_their_line(tmp_path):
    old = dataset.load("epoch-vintage:2026-01-26")
    line, (epoch, _) = citation.resolve(old)
    assert f"sha256 {sha(UP / '2026-01-26' / 'notable_ai_models.csv')[:8]}/" in line
    assert epoch.accessed == "2026-01-26" and epoch.credit.startswith("Epoch AI, 'Data on AI Models'")
    mine = tmp_path / "notable_ai_models.csv"
    mine.write_bytes((UP / "2026-07-19" / "notable_ai_models.csv").read_bytes())
    src = citation.epoch_export(mine)
    assert src.credit == citation.EPOCH_MODELS_CREDIT and src.vintage is None and src.accessed is None
    assert src.shown_hash == sha(mine)[:8] and src.licence == "CC BY 4.0"


def test_the_hub_digest_is_what_sha256sum_gives():
    root = UP / "2026-04-19" / "benchmarking_hub"
    files = sorted(root.glob("*.csv"))
    lines = "".join(f"{sha(p)}  {p.name}\n" for p in files)  # `sha256sum *.csv` in benchmarking_hub/
    src = citation.benchmarking_hub("2026-04-19")
    assert src.shown_hash == hashlib.sha256(lines.encode()).hexdigest()[:8] and str(len(files)) in src.note
    one = citation.benchmarking_hub("2026-04-19", files=["epoch_capabilities_index"])
    assert one.shown_hash == sha(root / "epoch_capabilities_index.csv")[:8]
    assert one.vintage == meta(root / "epoch_capabilities_index.csv")["vintage"]
    assert one.credit == "Epoch AI, 'AI Benchmarking Hub'. Published online at epoch.ai. Retrieved from " \
                         "https://epoch.ai/benchmarks"


def test_curated_tables_credit_the_sources_the_datapackage_lists():
    fmti = citation.curated("transparency")
    assert "Bommasani" in fmti.credit and fmti.licence == "CC BY 4.0"
    assert fmti.shown_hash == sha(schema.DATA_DIR / "transparency.csv")[:8]
    osai = citation.curated("openness")
    assert "Liesenfeld & Dingemanse (2024)" in osai.credit and osai.vintage == "2026-06-12"


FIG = {"id": "f-1", "title": "Training compute of notable models", "caption": "Compute. More.",
       "source": "Epoch AI 2026-07-19 + overlay, sha256 cff05a9b/189e15f3; Villalobos et al. 2024"}


def test_the_figure_citation_names_toolkit_commit_figure_every_source_with_vintage_and_the_shown_hash(ds):
    _, sources = citation.resolve([ds, "Villalobos et al. 2024"])
    fig = dict(FIG, sources=[s.to_dict() for s in sources])
    c = citation.cite(fig, "compute-trends", "0.1.0", "0123456789abcdef0123", "2026")
    plain = c["figure"]
    assert plain.startswith("Frontier Atlas contributors (2026). Training compute of notable models "
                            "[figure f-1, report compute-trends]. Frontier Atlas 0.1.0, commit 0123456789ab.")
    credit = meta(UP / "2026-07-19" / "notable_ai_models.csv")["credit"]
    assert f"{credit} (retrieved 2026-07-19, data to 2026-07-15; CC BY 4.0)" in plain
    assert "overlay on Epoch AI's notable models" in plain
    assert "Data sha256 cff05a9b/189e15f3, as printed under the figure." in plain
    assert "Draws on: Villalobos et al. 2024." in plain
    # the data, in Our World in Data's form: producers and years, then the table, then each original source
    assert c["data_inline"] == "Epoch AI (2026); Frontier Atlas contributors (2026) – with major processing by " \
                               "Frontier Atlas"
    assert c["data"].startswith(c["data_inline"] + ". “Training compute of notable models” [dataset: tables/f-1.csv")
    assert c["data"].count("[original data]") == 2
    bib = c["figure_bibtex"]
    assert bib.startswith("@misc{frontieratlas-f-1,") and bib.count("{") == bib.count("}")
    how = re.search(r"howpublished = \{(.*)\},", bib).group(1)
    assert how == "Frontier Atlas 0.1.0, report compute-trends, figure f-1" and "/" not in how  # no local path


def test_a_sweep_combination_gets_its_own_bibtex_key():
    a = citation.cite(FIG, "compute-trends--top_k=5", "0.1.0", None, "2026", notebook="compute-trends")
    b = citation.cite(FIG, "compute-trends--top_k=20", "0.1.0", None, "2026", notebook="compute-trends")
    key = re.compile(r"@misc\{([^,]+),")
    assert key.match(a["figure_bibtex"]).group(1) != key.match(b["figure_bibtex"]).group(1)


def test_data_last_updated_is_the_newest_access_date_of_the_data_not_of_references():
    srcs = [{"kind": "data", "accessed": "2026-07-19"}, {"kind": "data", "accessed": "2026-11-27"},
            {"kind": "reference", "accessed": "2030-01-01"}, {"kind": "data", "vintage": "2026-12-01"}]
    assert figure_meta.data_last_updated(srcs) == "2026-12-01"
    assert figure_meta.data_last_updated([{"kind": "reference"}]) is None


def test_citation_cff_credits_each_upstream_dataset_as_its_metadata_does():
    """CITATION.cff: the toolkit's version, and each Epoch dataset with the credit line of its pinned metadata."""
    text = (ROOT / "CITATION.cff").read_text()
    flat = " ".join(text.split())  # folded YAML lines
    assert re.search(rf"^version: {re.escape(analysis.__version__)}$", text, re.M)
    for snap in (UP / "2026-07-19" / "notable_ai_models.csv", UP / "2026-07-19" / "ml_hardware.csv",
                 UP / "2026-04-19" / "benchmarking_hub" / "epoch_capabilities_index.csv"):
        m = meta(snap)
        assert m["credit"] in flat, m["credit"]
    assert "figures/<id>.json" in text  # where the figure and data citations are
