"""Loaders: typed frames, --data specs, the Epoch importer on every reference export, and fuzzing."""

from __future__ import annotations

import string

import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from analysis.data import dataset, epoch, schema, tables
from analysis.errors import AtlasError, DataError, UsageError
from tests.conftest import REF, needs_ref


def test_typed_frame(models_csv):
    df = dataset.load_table("models", models_csv({}))
    assert str(df["release_date"].dtype).startswith("datetime64")
    assert df["training_compute_flop"].dtype == "float64"
    assert df.loc[0, "parameters"] == pytest.approx(8.03e9)
    assert str(df["hardware_count"].dtype) == "Int64"
    assert pd.isna(df.loc[0, "active_parameters"])


def test_spec_parsing(tmp_path):
    assert dataset.parse_spec(None) == ("default", None)  # snapshot + overlay (was: curated rows only)
    assert dataset.parse_spec("bundled") == ("default", None)
    assert dataset.parse_spec("curated") == ("curated", None)
    assert dataset.parse_spec("epoch-raw:/x/y.csv") == ("epoch-raw", tmp_path.__class__("/x/y.csv"))
    assert dataset.parse_spec("epoch:/x/y.csv") == ("epoch", tmp_path.__class__("/x/y.csv"))
    assert dataset.parse_spec("some/file.csv")[0] == "csv"
    with pytest.raises(UsageError, match="needs a path"):
        dataset.parse_spec("epoch:")
    with pytest.raises(UsageError, match="unknown source kind 'ftp'"):
        dataset.parse_spec("ftp:thing.csv")


def test_load_csv_spec_replaces_models(models_csv):
    ds = dataset.load(str(models_csv({"id": "only-one"})))
    assert list(ds.models["id"]) == ["only-one"]
    assert any(f.endswith("models.csv") for f, _ in ds.files)


def test_slugify():
    assert epoch.slugify("Llama 3.1-405B") == "llama-3.1-405b"
    assert epoch.slugify("GPT-4o (May 2024)") == "gpt-4o-may-2024"
    assert epoch.slugify("  ") == "model"


def test_epoch_importer_maps_columns(tmp_path):
    p = tmp_path / "epoch.csv"
    pd.DataFrame({
        "Model": ["Alpha", "Beta", "Alpha", "NoDate"],
        "Organization": ["Org A,Org B", "Org C", "Org A", "Org D"],
        "Publication date": ["2024-04-18", "2023-07", "2022-01-05", ""],
        "Domain": ["Language", "Vision,Multimodal", "Image generation", "Language"],
        "Parameters": ["8030000000.0", "1e9", "", "1"],
        "Training compute (FLOP)": ["7.2e23", "40", "1e22", ""],
        "Training dataset size (total)": ["15000000000000", "1e9", "", ""],
        "Model accessibility": ["Open weights (restricted use)", "API access", "Unreleased", ""],
        "Organization categorization": ["Industry,Academia", "Industry", "Academia", ""],
        "Training hardware": ["NVIDIA H100 SXM5 80GB", "Google TPU v4", "Mystery chip", ""],
        "Link": ["https://a.example/x, https://b.example", "", "https://c.example", ""],
        "Extra column": ["ignored", "", "", ""],
    }).to_csv(p, index=False)
    imp = epoch.load_epoch(p)
    m = imp.models
    assert list(m["id"]) == ["alpha", "beta", "alpha-2"]
    assert m.loc[0, "access"] == "open-weights-restricted" and m.loc[1, "access"] == "api"
    assert m.loc[0, "organization_type"] == "industry-academia"
    assert m.loc[0, "training_hardware"] == "nvidia-h100" and m.loc[1, "training_hardware"] == "google-tpu-v4"
    assert m.loc[2, "training_hardware"] == "Mystery chip"
    # Epoch's dataset size is the training set; without an Epochs column tokens seen are unknown (issue 22.5)
    assert m.loc[0, "dataset_size_tokens"] == 15e12 and pd.isna(m.loc[0, "training_tokens"])
    # every domain Epoch lists, in our vocabulary and Epoch's order (issue 22.1: domains are multi-valued)
    assert m.loc[1, "domain"] == "vision,multimodal" and m.loc[2, "domain"] == "image-generation"
    assert pd.isna(m.loc[2, "dataset_size_tokens"])  # dataset size is tokens only for text domains
    assert m.loc[1, "release_date"] == pd.Timestamp("2023-07-01")
    assert pd.isna(m.loc[1, "training_compute_flop"])  # 40 FLOP is outside 1e10..1e30: cleared, warned
    assert pd.isna(m.loc[1, "compute_method"]) and m.loc[0, "compute_method"] == "epoch-ai"
    assert m.loc[0, "source_url"] == "https://a.example/x"
    msgs = [str(p) for p in imp.problems]
    assert any("outside our schema's range" in x for x in msgs)
    assert any("row without model name or parseable date skipped" in x for x in msgs)


def test_epoch_importer_rejects_other_csv(tmp_path):
    p = tmp_path / "other.csv"
    p.write_text("a,b\n1,2\n", encoding="utf-8")
    with pytest.raises(DataError, match="not an Epoch AI models export"):
        epoch.load_epoch(p)


EPOCH_FILES = ["epoch_notable_ai_models.csv", "epoch_all_ai_models.csv", "epoch_frontier_ai_models.csv",
               "epoch_large_scale_ai_models.csv"]


@needs_ref
@pytest.mark.reference
@pytest.mark.parametrize("name", EPOCH_FILES)
def test_epoch_importer_on_every_reference_export(name):
    """Each vintage (columns differ between releases) loads into our schema with its rows and dates intact."""
    raw = pd.read_csv(REF / name)
    imp = epoch.load_epoch(REF / name)
    m = imp.models
    assert list(m.columns) == schema.resource("models").columns
    dated = raw["Publication date"].notna() & raw["Model"].notna()
    assert len(m) == int(dated.sum())
    assert m["id"].is_unique
    assert m["release_date"].max() == pd.Timestamp(raw["Publication date"].dropna().max())
    in_range = raw["Training compute (FLOP)"].between(1e10, 1e30)
    assert int(m["training_compute_flop"].notna().sum()) == int((in_range & dated).sum())
    assert set(m["access"].dropna()) <= set(schema.resource("models").field("access").enum)
    # the typed result satisfies our own schema's constraints
    from analysis.data.validate import check_frame

    errs = [p for p in check_frame(m, schema.resource("models"), name) if p.column not in ("source_url", "organization")]
    assert errs == [], errs[:5]


@needs_ref
@pytest.mark.reference
def test_epoch_llama3_values():
    m = epoch.load_epoch(REF / "epoch_notable_ai_models.csv").models.set_index("name")
    row = m.loc["Llama 3-70B"] if "Llama 3-70B" in m.index else None
    if row is None:
        pytest.skip("Llama 3-70B not named as expected in this export")
    assert row["parameters"] == pytest.approx(7.06e10, rel=0.01)
    assert row["access"] == "open-weights-restricted"


@needs_ref
@pytest.mark.reference
def test_data_spec_epoch_prefix():
    ds = dataset.load(f"epoch:{REF / 'epoch_notable_ai_models.csv'}")
    assert len(ds.models) > 1000 and ds.spec.startswith("epoch:")
    assert "Epoch AI" in ds.label


csv_text = st.text(alphabet=string.printable + "éü\u2028\x00", max_size=300)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(body=csv_text, header=st.sampled_from(["", ",".join(schema.resource("models").columns) + "\n", "Model,Publication date\n"]))
def test_no_malformed_csv_crashes_the_loaders(tmp_path, body, header):
    p = tmp_path / "fuzz.csv"
    p.write_text(header + body, encoding="utf-8", errors="surrogatepass")
    for loader in (lambda: dataset.load_table("models", p), lambda: epoch.load_epoch(p), lambda: tables.read_raw(p)):
        try:
            loader()
        except AtlasError:
            pass


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(raw=st.binary(max_size=200))
def test_no_binary_input_crashes_the_loaders(tmp_path, raw):
    p = tmp_path / "fuzz.bin"
    p.write_bytes(raw)
    for loader in (lambda: dataset.load_table("models", p), lambda: epoch.load_epoch(p)):
        try:
            loader()
        except AtlasError:
            pass
