"""One meaning per word (issue 22): domains, versions, organizations and the frontier's exclusions, each defined once
in analysis.metrics.selection and checked on named models, by hand and against independent counts of the pinned
snapshot (read with the csv module, not our loader)."""

from __future__ import annotations

import ast
import csv
import json
import re
from pathlib import Path

import pandas as pd
import pytest

from analysis import constants as C
from analysis.cli.main import main
from analysis.data import dataset, upstream
from analysis.errors import AnalysisError, UsageError
from analysis.metrics import competition, selection, sensitivity, trends

ROOT = Path(__file__).resolve().parents[1]
SNAP = upstream.find("notable_ai_models", "2026-07-19")
MONTHS = "Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec"


@pytest.fixture(scope="module")
def models() -> pd.DataFrame:
    return dataset.load().models


@pytest.fixture(scope="module")
def raw() -> list[dict]:
    with open(SNAP.path, newline="", encoding="utf-8") as fh:
        return list(csv.DictReader(fh))


def _domains(row: dict) -> list[str]:
    return [p.strip().lower() for p in row["Domain"].split(",") if p.strip()]


def _later_snapshot_names(raw: list[dict]) -> set[str]:
    """Names of the rows that are dated snapshots of an older row of the same Organization cell (independent of
    selection.py): 'GPT-4o (Aug 2024)' after 'GPT-4o'."""
    dated = re.compile(rf"\s*\((?:(?:{MONTHS})[a-z]* \d{{4}}|\d{{4}}-\d{{2}}(?:-\d{{2}})?|(?:0[1-9]|1[0-2])\d\d)\)$")
    groups: dict[tuple[str, str], list[tuple[str, int, str, bool]]] = {}
    for i, r in enumerate(raw):
        name = r["Model"].strip()
        groups.setdefault((dated.sub("", name), r["Organization"]), []).append(
            (r["Publication date"], i, name, bool(dated.search(name))))
    out = set()
    for rows in groups.values():
        if len(rows) > 1 and any(d for *_, d in rows):
            out |= {name for _, _, name, _ in sorted(rows)[1:]}
    return out


# --- domains ---------------------------------------------------------------------------------------------------------

def test_language_means_has_language_named_models(models):
    """GPT-4, GPT-5, Claude Opus 4 and Grok 4 are Epoch's "Multimodal,Language,Vision": language models. ViT-22B
    (Vision only) is not; NVLM-D 72B (Vision,Language) is a language model but not a language-only one."""
    lang = set(selection.select(models, domain="language")["id"])
    assert {"gpt-4", "gpt-5", "claude-opus-4", "grok-4", "llama-3-70b", "nvlm-d-72b"} <= lang
    assert "vit-22b" not in lang
    only = set(selection.select(models, domain="language", domain_rule="only")["id"])
    assert "llama-3-70b" in only and not {"gpt-4", "gpt-5", "claude-opus-4", "grok-4", "nvlm-d-72b"} & only
    assert "vit-22b" in set(selection.select(models, domain="vision", domain_rule="only")["id"])
    # the explore notebook's filter: language models since 2024 above 1e25 FLOP no longer start with Composer 2.5
    big = selection.select(models, domain="language", since="2024-01-01")
    big = big[selection.above_threshold(big["training_compute_flop"], 1e25)]
    top = big.sort_values("training_compute_flop", ascending=False)["id"].tolist()
    assert {"grok-4", "gpt-5"} <= set(top) and top[0] != "composer-2.5"


def test_language_count_equals_an_independent_count_of_the_snapshot(models, raw):
    """Since 2023, notable models with a compute figure and Language among Epoch's domains: 130 rows of the CSV; 126
    once four later snapshots are counted with their first release (GPT-4 (Jun 2023), DeepSeek-V3 (Mar 2025),
    DeepSeek-R1 (May 2025), Qwen3-235B-A22B (Jul 2025)). `trend compute --domain language` fits exactly those."""
    hits = [r for r in raw if r["Publication date"] >= "2023-01-01" and r["Training compute (FLOP)"].strip()
            and "language" in _domains(r)]
    later = _later_snapshot_names(raw)
    assert len(hits) == 130
    expect = {r["Model"].strip() for r in hits} - later
    ours = selection.select(models, domain="language", since="2023-01-01").dropna(subset=["training_compute_flop"])
    assert len(ours) == len(expect) == 126
    allv = selection.select(models, domain="language", since="2023-01-01", versions="all")
    assert allv["training_compute_flop"].notna().sum() == len(hits)
    only = [r for r in hits if _domains(r) == ["language"] and r["Model"].strip() not in later]
    ours_only = selection.select(models, domain="language", domain_rule="only", since="2023-01-01")
    assert ours_only["training_compute_flop"].notna().sum() == len(only)


def test_cli_domain_language_uses_the_multi_valued_rule_and_says_so(capsys):
    assert main(["trend", "compute", "--domain", "language", "--since", "2023-01-01", "--json"]) == 0
    out = json.loads(capsys.readouterr().out)
    assert out["n"] == 126 and out["domain_rule"] == "any" and "multimodal included" in out["subset_label"]
    assert main(["trend", "compute", "--domain", "language", "--domain-rule", "only", "--since", "2023-01-01",
                 "--json"]) == 0
    only = json.loads(capsys.readouterr().out)
    assert only["domain_rule"] == "only" and "language-only" in only["subset_label"] and only["n"] < out["n"]


def test_multimodal_implies_language_in_both_pinned_vintages():
    """The rule that lets a curated row written 'multimodal' count as a language model: Epoch never tags a model
    Multimodal without Language (103 of 103 rows in 2026-01-26, 118 of 118 in 2026-07-19)."""
    for vintage, n in (("2026-01-26", 103), ("2026-07-19", 118)):
        with open(upstream.find("notable_ai_models", vintage).path, newline="", encoding="utf-8") as fh:
            mm = [_domains(r) for r in csv.DictReader(fh) if "multimodal" in _domains(r)]
        assert len(mm) == n and all("language" in d for d in mm)
    assert selection.domains("multimodal") == ["multimodal", "language"]
    assert selection.domains("Multimodal,Language,Vision") == ["multimodal", "language", "vision"]
    assert selection.domains(None) == []


def test_domain_rule_is_checked():
    with pytest.raises(Exception, match="unknown domain rule"):
        selection.domain_mask(pd.DataFrame({"domain": ["language"]}), "language", "all")


# --- versions ----------------------------------------------------------------------------------------------------------

def test_later_versions_on_the_snapshot_are_the_dated_snapshots(models, raw):
    later = selection.later_versions(selection.select(models, versions="all"))
    assert set(later["name"]) == _later_snapshot_names(raw)
    assert len(later) == 11
    gpt4o = later[later["version_of"] == "gpt-4o"]["name"].tolist()
    assert sorted(gpt4o) == ["GPT-4o (Aug 2024)", "GPT-4o (Jan 2025)", "GPT-4o (Mar 2025)", "GPT-4o (Nov 2024)"]
    # Epoch's own Base model column links every GPT-4o snapshot to the one before: the rule agrees with it there
    base = {r["Model"].strip(): r["Base model"].strip() for r in raw}
    assert [base[n] for n in ("GPT-4o (Aug 2024)", "GPT-4o (Nov 2024)", "GPT-4o (Jan 2025)", "GPT-4o (Mar 2025)")] == [
        "GPT-4o", "GPT-4o (Aug 2024)", "GPT-4o (Nov 2024)", "GPT-4o (Jan 2025)"]


def test_version_rule_by_hand():
    m = pd.DataFrame({"id": list("abcdefg"),
                      "name": ["X", "X (Aug 2024)", "X (Mar 2025)", "Y (2017)", "Y", "Z", "Z"],
                      "organization": ["Google DeepMind", "Google", "DeepMind", "Lab", "Lab", "Q", "Q"],
                      "release_date": pd.to_datetime(["2024-05-01", "2024-08-01", "2025-03-01", "2017-01-01",
                                                      "2014-01-01", "2020-01-01", "2021-01-01"])})
    later = selection.later_versions(m)
    # X's snapshots (organizations of one family) are versions of X; 'Y (2017)' is a different model (a bare year
    # is not a snapshot date); two rows both named Z without a date are not told apart
    assert later["id"].tolist() == ["b", "c"] and later["version_of"].tolist() == ["a", "a"]
    assert selection.select(m)["id"].tolist() == ["a", "d", "e", "f", "g"]
    assert selection.version_stem("GLM-4 (0520)") == "GLM-4" and selection.version_stem("DeepLab (2017)") == "DeepLab (2017)"


def test_frontier_counts_gpt4o_once_and_concentration_with_it(models):
    fr = selection.select(models, "frontier")
    assert (fr["name"].str.startswith("GPT-4o")).sum() == 1
    every = selection.select(models, "frontier", versions="all")
    assert (every["name"].str.startswith("GPT-4o")).sum() == 5  # the five snapshots Epoch flags
    sh = competition.shares_by_year(models, subset="frontier").table
    openai_2025 = sh[(sh["year"] == 2025) & (sh["group"] == "OpenAI")]["credit"].sum()
    by_hand = sum(1 for _, r in fr.iterrows() if r["release_date"].year == 2025 and r["organization"] == "OpenAI")
    assert openai_2025 == by_hand


# --- organizations -------------------------------------------------------------------------------------------------

def test_one_organization_rule_parent_families_everywhere(models):
    assert selection.organizations("Google Brain, DeepMind, Google DeepMind, Google Research") == ["Google"]
    assert selection.organizations("Facebook, Meta AI, Facebook AI Research") == ["Meta"]
    for cell in ("BigCode (Hugging Face, ServiceNow)", "BigCode (Hugging Face, ServiceNow, NVIDIA)"):
        assert selection.organizations(cell) == ["BigCode"]
    assert selection.organizations("OpenBMB (Tsinghua University, ModelBest), OpenAI") == ["OpenBMB", "OpenAI"]
    # thresholds and the leadership timeline name families, never the labs
    by_org = trends.threshold_counts_by_organization(models)
    labs = {"Google Research", "Google Brain", "DeepMind", "Google DeepMind", "Meta AI", "Facebook", "Facebook AI"}
    assert not labs & set(by_org["organization"])
    google23 = by_org[(by_org["threshold"] == 1e23) & (by_org["organization"] == "Google")]["n_models"].iloc[0]
    rep = selection.select(models)
    big = rep[selection.above_threshold(rep["training_compute_flop"], 1e23)]
    assert google23 == sum("Google" in selection.organizations(c) for c in big["organization"])
    lead = competition.compute_leadership(models, by="organization").table
    assert not labs & set(lead["holder"]) and "Google" in set(lead["holder"]) and "Meta" in set(lead["holder"])


def _defs(name: str) -> list[str]:
    hits = []
    for path in (ROOT / "analysis").rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)) and node.name == name:
                hits.append(path.relative_to(ROOT).as_posix())
    return hits


@pytest.mark.parametrize("name", ["split_cell", "organizations", "parent_organization", "frontier_flags",
                                  "frontier_view", "domains", "domain_mask", "later_versions", "open_flags",
                                  "above_threshold", "select"])
def test_each_selection_concept_is_defined_once_in_selection(name):
    """Issue 25.2: organization splitting, frontier flags, domains and versions live in one module."""
    assert _defs(name) == ["analysis/metrics/selection.py"]


@pytest.mark.parametrize("gone", ["split_multi", "split_organizations", "select_frontier", "frontier_mask",
                                  "select_subset", "training_energy_mwh"])
def test_the_second_definitions_are_gone(gone):
    assert _defs(gone) == []


# --- one set of defaults: the frontier's exclusions ---------------------------------------------------------------

def test_headline_frontier_fit_is_the_sensitivity_baseline(models):
    """`trend compute --subset frontier --since 2018` and the sensitivity table's 'start 2018' row (and its baseline
    when the baseline starts in 2018) are the same fit: AlphaGo Master and Zero left out of the ranking in both."""
    head = trends.subset_trend(models, "training_compute_flop", "frontier", since="2018-01-01")
    grid = sensitivity.sensitivity_table(models, vintages=())
    row = grid[grid["varied"] == "start 2018"].iloc[0]
    assert int(row["n"]) == head.n and row["growth_per_year"] == pytest.approx(head.growth_per_year, rel=1e-12)
    base = sensitivity.sensitivity_table(models, baseline_since="2018-01-01", vintages=()).iloc[0]
    assert base["varied"] == "baseline" and int(base["n"]) == head.n
    assert base["growth_per_year"] == pytest.approx(head.growth_per_year, rel=1e-12)
    none = trends.subset_trend(models, "training_compute_flop", "frontier", since="2018-01-01", exclude=())
    ranked = selection.select(models, "frontier", exclude=())
    assert set(C.EPOCH_FRONTIER_OUTLIERS) <= set(ranked["name"]) and none.n != head.n
    assert not set(C.EPOCH_FRONTIER_OUTLIERS) & set(selection.select(models, "frontier")["name"])



# --- select on a hand-made table (every filter, worked out by hand) ----------------------------------------------------

def _hand() -> pd.DataFrame:
    """Nine models. 'Beta (Aug 2021)' is a dated snapshot of Beta (same family); 'Added' is an overlay addition;
    Delta has no date; Epsilon and Zeta have no compute but Epoch flags them frontier (' True ', '1'); Eta has
    neither compute nor the flag; Gamma has the flag and compute (ranked, not flagged)."""
    return pd.DataFrame({
        "id": list("abcdefghi"),
        "name": ["Alpha", "Beta", "Gamma", "Delta", "Beta (Aug 2021)", "Added", "Epsilon", "Zeta", "Eta"],
        "organization": ["Google DeepMind", "DeepMind", "Meta AI", "OpenAI", "DeepMind", "Google",
                         "BigCode (Hugging Face, ServiceNow)", "Mistral AI", "Mistral AI"],
        "country": ["United States of America", "United Kingdom", "United States of America",
                    "United States of America", "United Kingdom", "United States of America",
                    "United States of America, France", "France", "France"],
        "domain": ["Language", "Multimodal,Language,Vision", "Vision", "Language", "Language", "Language", "Language",
                   "Language", "Language"],
        "release_date": pd.to_datetime(["2020-01-01", "2021-06-01", "2022-01-01", None, "2021-08-01", "2023-01-01",
                                        "2022-12-31", "2023-02-01", "2023-03-01"]),
        "training_compute_flop": [1e22, 1e23, 1e21, 1e24, 2e23, 1e25, float("nan"), float("nan"), float("nan")],
        "frontier_model": ["", "", "Yes", "", "", "", " True ", "1", "no"],
        "overlay": ["", "", "", "", "", "addition", "", "", ""],
    })


def _ids(df: pd.DataFrame) -> str:
    return "".join(df["id"])


def test_the_universe_is_one_row_per_model_without_additions_unless_asked():
    m = _hand()
    assert _ids(selection.select(m)) == _ids(selection.universe(m)) == "abcdghi"  # no snapshot e, no addition f
    assert _ids(selection.select(m, additions=True)) == _ids(selection.universe(m, additions=True)) == "abcdfghi"
    assert _ids(selection.select(m, versions="all")) == _ids(selection.universe(m, versions="all")) == "abcdeghi"
    assert _ids(selection.select(m, additions=True, versions="all")) == "abcdefghi"
    with pytest.raises(UsageError) as exc:
        selection.select(m, versions="every")
    assert str(exc.value) == "unknown versions rule 'every'; choose first (one row per model) or all"
    with pytest.raises(UsageError) as exc:
        selection.select(m, "top")
    assert str(exc.value) == "unknown subset 'top'; choose one of notable, frontier, open, closed"


def test_the_frontier_by_hand_on_the_universe():
    """Top 1 at release: Alpha (alone), Beta (largest so far); Gamma ranks 3rd; Delta (no date) is unranked; Epsilon
    and Zeta have no compute and Epoch's flag; Eta has no flag. Added (1e25, 2023) counts only with additions,
    the snapshot Beta (Aug 2021) (2e23, then the largest) only with every version."""
    m = _hand()
    f = selection.select(m, "frontier", top_k=1)
    assert _ids(f) == "abgh" and f["frontier_basis"].tolist() == ["compute-rank"] * 2 + ["epoch-flag"] * 2
    assert f["rank_at_release"].tolist()[:2] == [1.0, 1.0] and f["rank_at_release"].iloc[2:].isna().all()
    assert _ids(selection.select(m, "frontier", top_k=1, epoch_flag=False)) == "ab"
    assert _ids(selection.select(m, "frontier", top_k=1, additions=True)) == "abfgh"
    assert _ids(selection.select(m, "frontier", top_k=1, versions="all")) == "abegh"
    assert _ids(selection.select(m, "frontier", top_k=3)) == "abcgh"
    assert _ids(selection.select(m, "frontier", top_k=1, exclude=["Beta"])) == "agh"  # Gamma is then 2nd, after Alpha
    ff = selection.frontier_flags(m, top_k=1)
    assert ff.index.equals(m.index) and ff["frontier"].dtype == bool
    assert _ids(m[ff["frontier"]]) == "abefgh"  # frontier_flags ranks every row it is given (e and f too)


def test_exclude_drops_rows_by_name_or_id_from_every_subset():
    m = _hand()
    assert _ids(selection.select(m, exclude=["gamma", "D"])) == "abghi"  # case-insensitive, name or id
    assert _ids(selection.select(m, exclude=[])) == "abcdghi"


def test_organization_country_and_domain_filters_by_hand():
    m = _hand()
    # the family: "Google" finds Google DeepMind and DeepMind rows; "DeepMind" finds its family (Google) too
    assert _ids(selection.select(m, organization="Google")) == "ab"
    assert _ids(selection.select(m, organization="DeepMind")) == "ab"
    assert _ids(selection.select(m, organization="deepmind", harmonize=False)) == "b"  # as written, any case
    assert _ids(selection.select(m, organization="Google", harmonize=False)) == ""
    assert _ids(selection.select(m, organization="hugging face, servicenow")) == ""  # a part, not a whole entry
    assert _ids(selection.select(m, organization="BigCode (Hugging Face, ServiceNow)")) == "g"
    assert _ids(selection.select(m, country="France")) == "ghi"
    assert _ids(selection.select(m, country="united kingdom", organization="Google")) == "b"
    assert _ids(selection.select(m, domain="language")) == "abdghi"  # multimodal rows list language
    assert _ids(selection.select(m, domain="language", domain_rule="only")) == "adghi"
    assert _ids(selection.select(m, "frontier", top_k=1, domain="language", domain_rule="only")) == "agh"
    with pytest.raises(UsageError) as exc:
        selection.select(m, organization="  ")
    assert str(exc.value) == "--organization needs a non-empty value"
    with pytest.raises(UsageError) as exc:
        selection.select(m, organization="Google", country=" ")
    assert str(exc.value) == "--country needs a non-empty value"
    with pytest.raises(AnalysisError) as exc:
        selection.select(m.drop(columns="country"), country="France")
    assert str(exc.value) == "the models table has no country column"


def test_release_windows_are_inclusive_and_drop_undated_rows():
    m = _hand()
    assert _ids(selection.select(m)) == "abcdghi"  # no window: the undated Delta stays
    assert _ids(selection.select(m, since="2021-06-01")) == "bcghi"
    assert _ids(selection.select(m, until="2021-06-01")) == "ab"
    assert _ids(selection.select(m, since="2021-01-01", until="2022-12-31")) == "bcg"
    assert _ids(selection.select(m, since="2024-01-01")) == ""


def test_domain_mask_rules_and_errors_by_hand():
    m = _hand()
    assert selection.domain_mask(m, "language").tolist() == selection.domain_mask(m, " Language ", "any").tolist()
    assert "".join(m["id"][selection.domain_mask(m, "language")]) == "abdefghi"
    only = selection.domain_mask(m, "language", "only")
    assert only.dtype == bool and "".join(m["id"][only]) == "adefghi"
    assert "".join(m["id"][selection.domain_mask(m, "vision", "only")]) == "c"
    with pytest.raises(AnalysisError) as exc:
        selection.domain_mask(m.drop(columns="domain"), "language")
    assert str(exc.value) == "the models table has no domain column"
    with pytest.raises(UsageError) as exc:
        selection.domain_mask(m, " ")
    assert str(exc.value) == "--domain needs a non-empty value"


def test_split_cell_keeps_nested_parentheses_together():
    assert selection.split_cell("BigCode (Hugging Face (HF), ServiceNow), Google") == [
        "BigCode (Hugging Face (HF), ServiceNow)", "Google"]
    assert selection.split_cell("A (B (C, D), E), F (G)") == ["A (B (C, D), E)", "F (G)"]
    assert selection.split_cell("A), B (C, D)") == ["A)", "B (C, D)"]  # a stray ')' does not hide later commas
    assert selection.parent_organization(" DeepMind ") == "Google"  # harmonized by default
    assert selection.parent_organization("DeepMind", False) == "DeepMind"


def test_later_versions_by_hand_without_dates_or_ids():
    """No release_date: the first version is the first in the file; no id: ``version_of`` is the first one's name.
    Same names without a date qualifier (two 'P (extra)', two 'N' of Lab) are not told apart; 'N (0520)' of another
    organization is not a version of Lab's N; a missing name is no model's version."""
    m = pd.DataFrame({"name": ["M", "M (Jan 2024)", "P (extra)", "M (2024-02)", "P (extra)", "N", "N", "N (0520)",
                               float("nan")],
                      "organization": ["Org", "Org", "Org", "Org", "Org", "Lab", "Lab", "Other Lab", "Org"]})
    later = selection.later_versions(m)
    assert later["name"].tolist() == ["M (Jan 2024)", "M (2024-02)"] and later["version_of"].tolist() == ["M", "M"]
    assert selection.drop_later_versions(m).index.tolist() == [0, 2, 4, 5, 6, 7, 8]
    assert selection.later_versions(m[["organization"]]).empty and selection.later_versions(m.iloc[0:0]).empty


def test_the_first_version_is_the_earliest_release_not_the_first_row():
    m = pd.DataFrame({"id": ["q2", "q1", "q3"], "name": ["Q (Mar 2025)", "Q", "Q (2025-06-01)"],
                      "organization": ["Lab", "Lab", "Lab"],
                      "release_date": pd.to_datetime(["2025-03-01", "2024-11-01", "2025-06-01"])})
    later = selection.later_versions(m)
    assert later["id"].tolist() == ["q2", "q3"] and later["version_of"].tolist() == ["q1", "q1"]


def test_frontier_view_defaults_and_the_default_outliers():
    """frontier_view marks the frontier on the universe (no additions, one row per model, Epoch's flag used); the
    default outliers (AlphaGo Zero) are left out of the ranking unless a list of exclusions is given."""
    m = _hand()
    v = selection.frontier_view(m, 1)
    assert _ids(v) == "abcdghi" and _ids(v[v["frontier"]]) == "abgh"
    zero = pd.concat([m, pd.DataFrame({"id": ["z"], "name": ["AlphaGo Zero"], "organization": ["DeepMind"],
                                       "country": ["United Kingdom"], "domain": ["Games"],
                                       "release_date": pd.to_datetime(["2017-10-18"]),
                                       "training_compute_flop": [3.41e23], "frontier_model": [""],
                                       "overlay": [""]})], ignore_index=True)
    assert _ids(selection.select(zero, "frontier", top_k=1)) == "abgh"  # Zero (3.4e23 in 2017) not ranked
    v = selection.frontier_view(zero, 1, exclude=[])
    assert _ids(v[v["frontier"]]) == "ghz"  # ranked: the largest until 2023
    assert _ids(selection.select(zero, "frontier", top_k=1, exclude=[])) == "ghz"


def test_above_threshold_is_strict_for_scalars_and_arrays_and_missing_is_never_above():
    assert selection.above_threshold(2e25) and not selection.above_threshold(1e25)  # EU AI Act: "greater than"
    assert selection.above_threshold(5.0, 4.0) and not selection.above_threshold(4.0, 4.0)
    assert selection.above_threshold([None, 1e25, 1.1e25]).tolist() == [False, False, True]


def test_subset_phrases_and_group_splitters():
    assert selection.describe_subset("frontier", "language") == (
        "frontier language models (domains include language; multimodal included)")
    assert selection.describe_subset("notable", "Language", domain_rule="only") == (
        "notable language-only models (no other domain)")
    assert selection.describe_subset("closed", "vision") == "closed vision models (domains include vision)"
    assert selection.describe_subset("open") == "open-weights models"
    assert selection.describe_subset("frontier", top_k=C.FRONTIER_TOP_K) == "frontier models"
    assert selection.describe_subset("frontier", top_k=3) == "frontier models (top 3 at release)"
    assert selection.describe_domain(" Image-Generation ") == (
        "image generation models (domains include image generation)")
    assert selection.groups_of("domain")("Multimodal") == ["multimodal", "language"]
    assert selection.groups_of("organization")("DeepMind, Google Brain") == ["Google"]
    assert selection.groups_of("country")("A (B, C), D") == ["A (B, C)", "D"]
    m = _hand()
    assert selection.organization_key(m).tolist()[:3] == ["Google", "Google", "Meta"]
    assert selection.organization_key(m, harmonize=False)[1] == "DeepMind"
    assert selection.organization_key(m, aliases={"Meta AI": "Facebook"})[2] == "Facebook"
    assert selection.organization_key(m.drop(columns="organization")).tolist() == [""] * len(m)
    assert selection.open_flags(pd.DataFrame({"access": ["api", "open-weights-unrestricted", None]})).tolist() == [
        False, True, pd.NA]


def test_open_flags_organization_key_and_version_stem_on_edge_cells():
    fl = selection.open_flags(pd.DataFrame({"access": ["hosted", "open-weights-non-commercial", "", None]}))
    assert str(fl.dtype) == "boolean" and fl.tolist() == [False, True, pd.NA, pd.NA]  # unknown stays unknown
    with pytest.raises(AnalysisError) as exc:
        selection.open_flags(pd.DataFrame({"name": ["x"]}))
    assert str(exc.value) == "the models table has no access column: open and closed cannot be told apart"
    m = pd.DataFrame({"organization": ["OpenAI, Microsoft", "Google Brain, DeepMind", None]})
    assert selection.organization_key(m).tolist() == ["OpenAI, Microsoft", "Google", ""]
    assert selection.version_stem(None) == selection.version_stem(float("nan")) == ""
    assert selection.version_stem(" GPT-4o (Aug 2024) ") == "GPT-4o"
