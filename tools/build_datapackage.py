"""Write data/datapackage.json: the data dictionary and provenance of the curated set.

This is a maintainer tool (``make datapackage``), run by a person after editing data/*.csv; the
pipeline never writes into data/. Field definitions below are the single place where columns,
units and allowed values are declared; the validator and the reports read the JSON it writes.
The sha256 of each CSV is recomputed on every run, so the recorded hash always matches the file.
"""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
DATA = ROOT / "data"

ACCESS = [
    "open-weights-unrestricted",
    "open-weights-restricted",
    "open-weights-non-commercial",
    "api",
    "hosted",
    "unreleased",
]
OPENNESS_CLASSES = ["open", "partial", "closed"]
# The 14 dimensions of "Opening up ChatGPT" (Liesenfeld, Lopez & Dingemanse 2023) and the
# European Open Source AI Index, grouped as availability / documentation / access.
OPENNESS_DIMENSIONS = [
    ("source_code", "Open code", "availability", "Training/source code released under an open licence (EOSAI: trainingcode)."),
    ("pretraining_data", "Base model data", "availability", "Pretraining data sources documented and available (EOSAI: datasources_basemodel)."),
    ("base_weights", "Base model weights", "availability", "Weights of the base (pretrained) model available (EOSAI: weights_basemodel)."),
    ("finetuning_data", "Instruction-tuning data", "availability", "Fine-tuning / instruction / RL data available (EOSAI: datasources_endmodel)."),
    ("finetuned_weights", "Instruction-tuned weights", "availability", "Weights of the instruction-tuned model available (EOSAI: weights_endmodel)."),
    ("license", "Licence", "availability", "Licence of the release is OSI-approved/open (open), restricted (partial) or proprietary (closed) (EOSAI: licenses)."),
    ("code_docs", "Code documentation", "documentation", "Source code documented (EOSAI: code documentation)."),
    ("architecture_docs", "Architecture documentation", "documentation", "Architecture and training set-up documented (EOSAI: hardware architecture)."),
    ("preprint", "Preprint", "documentation", "Preprint (e.g. arXiv) describing the model."),
    ("paper", "Peer-reviewed paper", "documentation", "Peer-reviewed publication describing the model."),
    ("model_card", "Model card", "documentation", "Model card in a standard format."),
    ("datasheet", "Datasheet", "documentation", "Datasheet for the training data."),
    ("package", "Package", "access", "Released as an installable software package."),
    ("api", "API", "access", "Open API access (and meta-prompts where applicable)."),
]


def f(name, type_, title, description, unit=None, required=False, **constraints):
    field = {"name": name, "type": type_, "title": title, "description": description}
    if unit:
        field["unit"] = unit
    cons = dict(constraints)
    if required:
        cons["required"] = True
    if cons:
        field["constraints"] = cons
    return field


URL = dict(pattern=r"^https?://\S+$")
DOMAINS = ["language", "vision", "multimodal", "image-generation", "video", "speech", "audio", "games", "biology",
           "mathematics", "robotics", "recommendation", "science", "other"]
DOMAIN_PATTERN = "^({0})(, ?({0}))*$".format("|".join(DOMAINS))

MODELS = [
    f("id", "string", "Model id", "Stable slug that identifies the model across files and releases.", required=True, unique=True, pattern=r"^[a-z0-9][a-z0-9.+-]*$"),
    f("name", "string", "Model name", "Name as published by the developer.", required=True),
    f("organization", "string", "Organization", "Developer(s); several separated by ', '.", required=True),
    f("organization_type", "string", "Organization type", "Epoch AI's categorisation of the developer(s).", enum=["industry", "academia", "industry-academia", "government", "research-collective", "non-profit"]),
    f("country", "string", "Country", "Country of the developing organization (Epoch AI naming), or 'Multinational'.",),
    f("release_date", "date", "Release date", "Date of first public announcement, paper or release (ISO 8601).", required=True, minimum="1950-01-01"),
    f("domain", "string", "Domain", "Every domain of the model, comma-separated, as Epoch AI lists them (e.g. 'multimodal,language,vision'); one of " + ", ".join(DOMAINS) + " each. 'multimodal' is a language model with other modalities (every Epoch AI row tagged Multimodal also lists Language), so a row written 'multimodal' alone counts as a language model too.", required=True, pattern=DOMAIN_PATTERN),
    f("task", "string", "Task", "Main task(s), free text (e.g. 'language modeling', 'image classification')."),
    f("architecture", "string", "Architecture", "Dense or mixture-of-experts (moe) for transformer-era models; empty when not applicable or unknown.", enum=["dense", "moe"]),
    f("parameters", "number", "Parameters", "Total number of trainable parameters (all experts for MoE).", unit="parameters", minimum=1, maximum=1e15),
    f("active_parameters", "number", "Active parameters", "Parameters used per token (MoE only); equals parameters for dense models, so left empty there.", unit="parameters", minimum=1, maximum=1e15),
    f("training_tokens", "number", "Training tokens seen", "Number of tokens seen in pretraining, repeats counted (language and multimodal models). On Epoch AI rows: Epoch's 'Training dataset size' x its 'Epochs' where Epoch records both, else empty.", unit="tokens", minimum=1, maximum=1e16),
    f("dataset_size_tokens", "number", "Training dataset size", "Size of the training set in tokens, each token once (Epoch AI's 'Training dataset size' on language and multimodal rows); tokens seen = dataset size x epochs.", unit="tokens", minimum=1, maximum=1e16),
    f("epochs", "number", "Epochs", "Passes over the training set (Epoch AI's 'Epochs'); may be fractional.", unit="epochs", minimum=0, maximum=1e6),
    f("training_compute_flop", "number", "Training compute", "Total training compute of the final model, pretraining (plus post-training where reported).", unit="FLOP", minimum=1e10, maximum=1e30),
    f("compute_method", "string", "Compute estimation method", "How training_compute_flop was obtained: reported by the developer; 6ND (6 x active parameters x tokens); hardware (chips x time x peak x utilization); epoch-ai (Epoch AI's estimate, see notes); third-party (another compiler's published figure, named and converted in notes, e.g. the Akronomicon leaderboard's PF-days x 8.64e19 FLOP).", enum=["reported", "6ND", "hardware", "epoch-ai", "third-party"]),
    f("training_hardware", "string", "Training hardware", "Accelerator used for training: an id in hardware.csv where the accelerator is listed there, otherwise the name as Epoch AI spells it (e.g. 'Huawei Ascend 910'). Not declared as a foreign key: hardware.csv lists 21 accelerators and Epoch AI's data names many more."),
    f("hardware_count", "integer", "Hardware count", "Number of accelerators used for the main training run.", unit="chips", minimum=1, maximum=10000000),
    f("gpu_hours", "number", "Accelerator-hours", "Accelerator-hours of the training run as reported (GPU-hours or TPU-chip-hours).", unit="chip-hours", minimum=1, maximum=1e10),
    f("utilization_mfu", "number", "Reported utilization (MFU)", "Model FLOP utilization reported by the developer, as a fraction.", unit="fraction", minimum=0, maximum=1),
    f("access", "string", "Access category", "Epoch AI's model accessibility categories: open weights (unrestricted / restricted use / non-commercial), API access, hosted access (no API), unreleased.", enum=ACCESS),
    f("license", "string", "Licence", "Licence of the released weights (SPDX id where one exists, else the licence's name)."),
    f("training_code", "string", "Training code availability", "Whether training code was released (Epoch AI categories).", enum=["open", "open-restricted", "open-non-commercial", "unreleased"]),
    f("source_url", "string", "Primary source", "Primary source: paper, model card or official post.", required=True, **URL),
    f("notes", "string", "Notes", "Provenance of estimates, caveats and explained disagreements with other databases."),
    f("confidence", "string", "Confidence", "Confidence in the compute/parameter figures (Epoch AI's scale).", enum=["confident", "likely", "speculative", "unknown"]),
    f("training_time_hours", "number", "Training time", "Wall-clock duration of the main training run (Epoch AI: 'Training time (hours)').", unit="hours", minimum=0, maximum=1e6),
    f("training_power_draw_w", "number", "Training power draw", "Power drawn by the training cluster, including datacenter overhead, as estimated by Epoch AI ('Training power draw (W)').", unit="W", minimum=0, maximum=1e11),
    f("training_cost_2023_usd", "number", "Training compute cost", "Amortized hardware and energy cost of the final training run in 2023 US dollars, as estimated by Epoch AI ('Training compute cost (2023 USD)').", unit="2023 USD", minimum=0, maximum=1e12),
    f("frontier_model", "string", "Epoch frontier flag", "'yes' where Epoch AI flags the model as a frontier model (top 10 by training compute at release, Epoch's 'Frontier model' column); empty otherwise.", enum=["yes"]),
    f("base_model", "string", "Base model", "Name of the model this one was fine-tuned or built from (Epoch AI's 'Base model'), as upstream spells it."),
    f("finetune_compute_flop", "number", "Fine-tuning compute", "Compute of fine-tuning on top of the base model (Epoch AI's 'Finetune compute (FLOP)').", unit="FLOP", minimum=0, maximum=1e30),
]

BENCHMARKS = [
    f("model_id", "string", "Model id", "Id of a model in models.csv.", required=True),
    f("benchmark", "string", "Benchmark", "Benchmark slug.", required=True, pattern=r"^[a-z0-9][a-z0-9.-]*$"),
    f("setting", "string", "Setting", "Evaluation setting, e.g. '5-shot', '0-shot CoT'.", required=True),
    f("score", "number", "Score", "Score in percent (accuracy).", unit="percent", required=True, minimum=0, maximum=100),
    f("date", "date", "Date", "Date the score was published.", required=True, minimum="2015-01-01"),
    f("evaluator", "string", "Evaluator", "Who ran the evaluation: 'developer' or the third party (e.g. 'Epoch AI').", required=True),
    f("source_url", "string", "Source", "Where the score is published.", required=True, **URL),
    f("notes", "string", "Notes", "Caveats: prompting, model variant (e.g. instruct), subset."),
]

OPENNESS = [
    f("model_id", "string", "Model id", "Id of a model in models.csv (the instruction-tuned release that was assessed).", required=True, unique=True),
    f("license_type", "string", "Licence type", "OSI-approved open licence, restricted open-weights licence, or proprietary.", required=True, enum=["osi-approved", "restricted-open-weights", "proprietary"]),
    f("assessed_by", "string", "Assessed by", "Who coded the dimensions: 'eosai' (European Open Source AI Index, osai-index.eu), 'opening-up-chatgpt' (its predecessor table, Liesenfeld, Lopez & Dingemanse 2023) or 'frontier-atlas'.", required=True, enum=["eosai", "opening-up-chatgpt", "frontier-atlas"]),
    f("source_record", "string", "Source record", "Machine-readable pointer to the coded record: 'eosai:<file>.yaml@<commit>' (Language-Technology-Assessment/main-database) or 'opening-up-chatgpt:docs/df.csv#row=N'; '; package,api: <pointer>' when those two dimensions come from another record.", required=True),
    f("assessed_date", "date", "Assessment date", "Date of the assessment or of the source snapshot.", required=True, minimum="2022-01-01"),
]
for dim, title, group, desc in OPENNESS_DIMENSIONS:
    OPENNESS += [
        f(dim, "string", title, f"{desc} Group: {group}.", required=True, enum=OPENNESS_CLASSES, group=group),
        f(f"{dim}_evidence", "string", f"{title}: evidence", "URL supporting the code.", **URL),
        f(f"{dim}_note", "string", f"{title}: justification", "Quote or justification for the code."),
    ]
# "group" is not a Frictionless constraint; move it to a field property.
for fld in OPENNESS:
    g = fld.get("constraints", {}).pop("group", None)
    if g:
        fld["openness_group"] = g

TRANSPARENCY = [
    f("developer", "string", "Developer", "Developer assessed by the FMTI.", required=True),
    f("edition", "string", "Edition", "FMTI edition.", required=True, enum=["2023-10", "2024-05", "2025-12"]),
    f("flagship_model", "string", "Flagship model", "Model assessed for the developer in that edition."),
    f("score", "number", "Total score", "FMTI total: indicators satisfied out of 100.", unit="points (of 100)", required=True, minimum=0, maximum=100),
    f("upstream_score", "number", "Upstream score", "Points on upstream indicators (data, labour, compute, methods).", unit="points", minimum=0, maximum=100),
    f("model_score", "number", "Model score", "Points on model indicators.", unit="points", minimum=0, maximum=100),
    f("downstream_score", "number", "Downstream score", "Points on downstream indicators.", unit="points", minimum=0, maximum=100),
    f("source_url", "string", "Source", "FMTI publication or data file.", required=True, **URL),
    f("notes", "string", "Notes", "Caveats and differences from other published totals."),
]

HARDWARE = [
    f("id", "string", "Hardware id", "Stable slug, referenced by models.csv training_hardware.", required=True, unique=True, pattern=r"^[a-z0-9][a-z0-9.+-]*$"),
    f("name", "string", "Name", "Product name.", required=True),
    f("manufacturer", "string", "Manufacturer", "Chip designer.", required=True),
    f("type", "string", "Type", "Accelerator type.", required=True, enum=["gpu", "tpu", "other"]),
    f("release_year", "integer", "Release year", "Year of launch / general availability.", unit="year", required=True, minimum=2000, maximum=2030),
    f("fp32_flop_per_s", "number", "Peak FP32", "Peak dense FP32 throughput.", unit="FLOP/s", minimum=1e9, maximum=1e18),
    f("tf32_flop_per_s", "number", "Peak TF32", "Peak dense TF32 tensor throughput (no sparsity).", unit="FLOP/s", minimum=1e9, maximum=1e18),
    f("bf16_flop_per_s", "number", "Peak BF16/FP16", "Peak dense 16-bit tensor throughput (no sparsity).", unit="FLOP/s", minimum=1e9, maximum=1e18),
    f("fp8_flop_per_s", "number", "Peak FP8", "Peak dense FP8 tensor throughput (no sparsity).", unit="FLOP/s", minimum=1e9, maximum=1e18),
    f("int8_op_per_s", "number", "Peak INT8", "Peak dense INT8 throughput (no sparsity).", unit="OP/s", minimum=1e9, maximum=1e18),
    f("memory_gb", "number", "Memory", "On-package memory.", unit="GB", minimum=1, maximum=10000),
    f("memory_bandwidth_tb_per_s", "number", "Memory bandwidth", "Peak memory bandwidth.", unit="TB/s", minimum=0.01, maximum=1000),
    f("tdp_w", "number", "TDP", "Thermal design power (board/module).", unit="W", minimum=1, maximum=100000),
    f("source_url", "string", "Source", "Datasheet or official specification.", required=True, **URL),
    f("notes", "string", "Notes", "Form factor, sparsity caveats."),
]

# data/overlay.csv: how each curated row relates to Epoch AI's notable-models snapshot (see analysis/data/overlay.py).
OVERLAY = [
    f("id", "string", "Model id", "Id of the curated row in models.csv (our stable slug; benchmarks and openness refer to it).", required=True, unique=True),
    f("kind", "string", "Kind", "correction: our values replace Epoch's in `fields` (reviewed as correction or fill in overlay_review.csv); match: Epoch's values stand, the row adds our id and overlay-only columns (architecture, active_parameters, gpu_hours, license, notes) where Epoch's are empty; addition: a model the snapshot lacks, appended from models.csv and kept out of representative counts.", required=True, enum=["correction", "match", "addition"]),
    f("upstream_name", "string", "Upstream key", "Epoch AI's `Model` string, exactly (empty for an addition). Written once by tools/build_overlay.py; never matched by name at run time."),
    f("fields", "string", "Corrected fields", "Columns whose curated value replaces Epoch's, separated by '|' (corrections only)."),
    f("upstream_values", "string", "Upstream values when checked", "Epoch's values of the corrected fields at checked_vintage, as field=value separated by '|'; a test lists corrections whose upstream value has since changed."),
    f("alternatives", "string", "Alternative fields", "Fields where our value differs from Epoch's by method or quantity (reviewed as alternative in overlay_review.csv): Epoch's value stays in the merged table, ours is shown beside it by look-ups. Separated by '|'."),
    f("checked_vintage", "date", "Checked against vintage", "Vintage (access date) of the snapshot the row was checked against.", required=True),
    f("source_url", "string", "Primary source", "Paper, model card or official post the curated values come from.", required=True, **URL),
    f("reason", "string", "Reason", "Why the row exists: the values that differ from Epoch's, or why the model is added.", required=True),
]

# data/overlay_review.csv: the field-by-field judgement of every keyed curated value that differs from Epoch's.
REVIEW = [
    f("id", "string", "Model id", "Id of the curated row in models.csv.", required=True),
    f("upstream_name", "string", "Upstream key", "Epoch AI's `Model` string of the entry the row was checked against.", required=True),
    f("field", "string", "Field", "The column judged.", required=True, enum=["release_date", "parameters", "training_tokens", "training_compute_flop", "compute_method", "training_hardware", "hardware_count", "access"]),
    f("class", "string", "Class", "correction: the primary source states a different number, or Epoch's value contradicts its own stated method (replaces Epoch's); fill: Epoch's cell is empty (replaces it); alternative: another estimation method or another quantity (kept beside Epoch's value, never replacing it); restates: rounding or spelling of the same fact (Epoch's stands); wrong: our value was an error, belonged to another model or had no source (removed).", required=True, enum=["correction", "fill", "alternative", "restates", "wrong"]),
    f("basis", "string", "Basis", "Why the class applies: source-states or epoch-inconsistent (correction); epoch-empty (fill); other-method or other-quantity (alternative); rounding or spelling (restates); our-error, different-model or unsourced (wrong).", required=True, enum=["source-states", "epoch-inconsistent", "epoch-empty", "other-method", "other-quantity", "rounding", "spelling", "our-error", "different-model", "unsourced"]),
    f("epoch_value", "string", "Epoch's value", "Epoch's value of the field at checked_vintage, in our schema (empty: Epoch has none)."),
    f("our_value", "string", "Our value", "Our value of the field as judged (for a wrong row: the value that was removed)."),
    f("was", "string", "Value before the review", "Our value before this review where the review changed it (empty otherwise)."),
    f("method", "string", "Our method", "For an alternative: the method or quantity of our value, shown beside Epoch's in look-ups."),
    f("evidence_url", "string", "Evidence", "Where the judgement can be checked: the primary source, or Epoch's own method.", required=True, **URL),
    f("checked", "string", "Re-read", "yes: the stated number was read in the source (or in Epoch's quotation of it) during the review; partly: part of it; no: rests on the curated row's citation.", required=True, enum=["yes", "partly", "no"]),
    f("checked_vintage", "date", "Checked against vintage", "Vintage of Epoch AI's snapshot the judgement was made against.", required=True),
    f("note", "string", "Note", "What the evidence shows, in our words.", required=True),
]

RESOURCES = [
    ("models", "models.csv", "Notable AI models", "One row per notable model: dates, size, data, compute, hardware and access.", MODELS, ["id"], []),  # training_hardware is not a foreign key (see its description)
    ("benchmarks", "benchmarks.csv", "Benchmark scores", "Long format: one row per model, benchmark and setting.", BENCHMARKS, ["model_id", "benchmark", "setting", "evaluator"], [("model_id", "models", "id")]),
    ("openness", "openness.csv", "Openness assessments", "14-dimension openness coding per model, with evidence and justification for each code.", OPENNESS, ["model_id"], [("model_id", "models", "id")]),
    ("transparency", "transparency.csv", "Foundation Model Transparency Index", "FMTI developer scores per edition.", TRANSPARENCY, ["developer", "edition"], []),
    ("hardware", "hardware.csv", "ML accelerators", "Peak throughput, memory and power of training accelerators.", HARDWARE, ["id"], []),
    ("overlay", "overlay.csv", "Overlay on Epoch AI's notable models", "One row per curated model: its key in Epoch AI's notable-models snapshot, what it corrects, its primary source and reason.", OVERLAY, ["id"], [("id", "models", "id")]),
    ("overlay_review", "overlay_review.csv", "Review of the overlay against Epoch AI", "One row per field where a keyed curated value differs from Epoch AI's: correction, fill, alternative, restates or wrong, with the evidence URL.", REVIEW, ["id", "field"], [("id", "models", "id")]),
]

SOURCES = {
    "models": [
        {"title": "Developers' papers, model cards and official posts (one per row, in source_url)",
         "producer": "model developers", "path": "https://epoch.ai/data/ai-models", "accessed": "2026-11-27"},
        {"title": "Epoch AI, 'Data on AI Models' (estimates in rows with compute_method=epoch-ai; cross-checks)",
         "producer": "Epoch AI", "path": "https://epoch.ai/data/ai-models", "accessed": "2026-07-19",
         "license": "CC-BY-4.0", "citation": "Epoch AI, 'Data on AI Models'. Published online at epoch.ai."},
    ],
    "benchmarks": [
        {"title": "Developers' technical reports and model cards (rows with evaluator 'developer')",
         "producer": "model developers", "path": "https://epoch.ai/benchmarks", "accessed": "2026-11-27"},
        {"title": "Epoch AI, 'AI Benchmarking Hub' (rows with evaluator 'Epoch AI'; third-party rows collected there)",
         "producer": "Epoch AI", "path": "https://epoch.ai/benchmarks", "accessed": "2026-04-19", "license": "CC-BY-4.0",
         "citation": "Epoch AI, 'AI Benchmarking Hub'. Published online at epoch.ai."},
        {"title": "Stanford CRFM HELM MMLU leaderboard (rows with evaluator 'Stanford CRFM HELM')",
         "producer": "Stanford CRFM", "path": "https://crfm.stanford.edu/helm/mmlu/latest/", "accessed": "2026-04-19"},
    ],
    "openness": [
        {"title": "European Open Source AI Index, main-database (rows with assessed_by=eosai)",
         "producer": "Centre for Language & Speech Technology, Radboud University",
         "path": "https://github.com/Language-Technology-Assessment/main-database", "accessed": "2026-06-12",
         "license": "CC-BY-4.0",
         "citation": "Liesenfeld & Dingemanse (2024), Rethinking open source generative AI: open-washing and the EU AI Act, FAccT '24; doi:10.5281/zenodo.15386042"},
        {"title": "Opening up ChatGPT, docs/df.csv (rows with assessed_by=opening-up-chatgpt)",
         "producer": "Liesenfeld, Lopez & Dingemanse, Radboud University",
         "path": "https://github.com/opening-up-chatgpt/opening-up-chatgpt.github.io", "accessed": "2025-03-11",
         "license": "Apache-2.0", "citation": "Liesenfeld, Lopez & Dingemanse (2023), Opening up ChatGPT, CUI '23; doi:10.1145/3571884.3604316"},
    ],
    "transparency": [
        {"title": "Foundation Model Transparency Index score files (2023-10, 2024-05, 2025-12)",
         "producer": "Stanford CRFM (Bommasani et al.)", "path": "https://github.com/stanford-crfm/fmti",
         "accessed": "2025-12-09", "license": "CC-BY-4.0",
         "citation": "Bommasani et al., The Foundation Model Transparency Index (2023; v1.1 2024; 2025)"},
    ],
    "overlay": [
        {"title": "Epoch AI, 'Data on AI Models', notable models (pinned snapshot in data/upstream/epoch-ai/)",
         "producer": "Epoch AI", "path": "https://epoch.ai/data/ai-models", "accessed": "2026-07-19",
         "license": "CC-BY-4.0", "citation": "Epoch AI, 'Data on AI Models'. Published online at epoch.ai."},
    ],
    "overlay_review": [
        {"title": "Developers' papers, model cards and official posts (one per row, in evidence_url)",
         "producer": "model developers", "path": "https://epoch.ai/data/ai-models", "accessed": "2026-11-30"},
        {"title": "Epoch AI, 'Data on AI Models', notable models (pinned snapshot in data/upstream/epoch-ai/)",
         "producer": "Epoch AI", "path": "https://epoch.ai/data/ai-models", "accessed": "2026-07-19",
         "license": "CC-BY-4.0", "citation": "Epoch AI, 'Data on AI Models'. Published online at epoch.ai."},
    ],
    "hardware": [
        {"title": "Manufacturers' datasheets (one per row, in source_url); cross-checked with Epoch AI's ML Hardware data",
         "producer": "NVIDIA, Google, AMD, Intel; Epoch AI", "path": "https://epoch.ai/data/machine-learning-hardware",
         "accessed": "2026-11-27"},
    ],
}


def sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def main() -> None:
    resources = []
    for name, path, title, description, fields, pk, fks in RESOURCES:
        p = DATA / path
        res = {
            "name": name,
            "path": path,
            "profile": "tabular-data-resource",  # Frictionless: a CSV with a Table Schema (validated by frictionless)
            "title": title,
            "description": description,
            "format": "csv",
            "encoding": "utf-8",
            "schema": {
                "fields": fields,
                "primaryKey": pk,
                "foreignKeys": [
                    {"fields": a, "reference": {"resource": b, "fields": c}} for a, b, c in fks
                ],
            },
            "sources": SOURCES[name],
            "licenses": [{"name": "CC-BY-4.0", "path": "https://creativecommons.org/licenses/by/4.0/"}],
        }
        if p.exists():
            res["hash"] = "sha256:" + sha256(p)
            res["bytes"] = p.stat().st_size
        resources.append(res)
    pkg = {
        "profile": "tabular-data-package",
        "name": "frontier-atlas-data",
        "title": "Frontier Atlas curated data on notable AI models",
        "version": "0.1.0",
        "licenses": [{"name": "CC-BY-4.0", "path": "https://creativecommons.org/licenses/by/4.0/", "title": "Creative Commons Attribution 4.0"}],
        "contributors": [{"title": "Frontier Atlas contributors", "role": "author"}],
        "resources": resources,
    }
    out = DATA / "datapackage.json"
    out.write_text(json.dumps(pkg, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    print(f"wrote {out.relative_to(ROOT)} ({len(resources)} resources)")


if __name__ == "__main__":
    main()
