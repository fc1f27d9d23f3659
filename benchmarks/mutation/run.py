"""Mutation testing of the core modules (``make mutation``; mutmut 3).

Each module is mutated on its own, in a copy of the work tree under ``build/mutation/<module>/`` (so the checkout is
never touched and runs do not share state), against the fast test files named for it in :data:`MODULES` (mutmut
then runs, for each mutant, only those of them that call the mutated function). The counts are appended to
``benchmarks/mutation/scores.csv`` with the date and commit, and the surviving mutants are listed in
``benchmarks/mutation/survivors/<module>.txt`` (``mutmut show NAME`` in the module's folder prints one's diff).

    python benchmarks/mutation/run.py                 # every module
    python benchmarks/mutation/run.py overlay swap    # some of them
    python benchmarks/mutation/run.py --list          # the modules and their tests
    python benchmarks/mutation/run.py --keep statistics   # resume an interrupted run (results so far are kept)
    python benchmarks/mutation/run.py --again statistics  # only the mutants not killed last time (after adding tests)

Score = killed / (killed + survived + timeout + suspicious): a timeout counts as a survivor here (it did not fail
a test), mutants no test calls count as survivors too. Equivalent mutants are explained in the README beside this
file, not dropped from the count.
"""

from __future__ import annotations

import csv
import datetime as dt
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
HERE = Path(__file__).resolve().parent
BUILD = ROOT / "build" / "mutation"

# the selection tests that run on hand-made tables (the other fast tests of tests/test_selection.py load the full
# data: ~12 s per mutant)
SELECTION_HAND_TESTS = [
    "tests/test_frontier.py",
    "tests/test_selection.py::test_domain_rule_is_checked",
    "tests/test_selection.py::test_version_rule_by_hand",
    "tests/test_selection.py::test_multimodal_implies_language_in_both_pinned_vintages",
    *(f"tests/test_selection.py::test_{t}" for t in (
        "the_universe_is_one_row_per_model_without_additions_unless_asked", "the_frontier_by_hand_on_the_universe",
        "exclude_drops_rows_by_name_or_id_from_every_subset", "organization_country_and_domain_filters_by_hand",
        "release_windows_are_inclusive_and_drop_undated_rows", "domain_mask_rules_and_errors_by_hand",
        "split_cell_keeps_nested_parentheses_together", "later_versions_by_hand_without_dates_or_ids",
        "the_first_version_is_the_earliest_release_not_the_first_row",
        "frontier_view_defaults_and_the_default_outliers",
        "above_threshold_is_strict_for_scalars_and_arrays_and_missing_is_never_above",
        "subset_phrases_and_group_splitters", "open_flags_organization_key_and_version_stem_on_edge_cells")),
    "tests/test_competition.py::test_aliases_merge_and_do_not_double_count",
    "tests/test_competition.py::test_frontier_flags_top_n_at_release_with_ties_and_missing",
    "tests/test_competition.py::test_frontier_organizations_and_threshold",
    "tests/test_intervals.py::test_organization_map_merges_parent_families_and_is_switchable",
    "tests/test_intervals.py::test_threshold_is_strictly_greater_everywhere",
    "tests/test_intervals.py::test_frontier_uses_epoch_flag_only_without_compute_and_labels_it",
]

# module key -> (file to mutate, [fast test files or node ids], optional mutant-name patterns: only these functions)
MODULES: dict[str, tuple[str, list[str], list[str]]] = {
    # data loading: the overlay that corrects Epoch's rows (its merge and the parsing of its cells; reading the
    # files is covered by the slower tests of tests/test_overlay.py, not run here)
    "overlay": ("analysis/data/overlay.py",
                ["tests/test_overlay.py::test_blank_curated_values_never_overwrite_epoch_values",
                 "tests/test_overlay.py::test_bad_overlay_rows_are_one_line_errors",
                 "tests/test_overlay.py::test_upstream_ids_are_slugs_with_deterministic_disambiguation",
                 "tests/test_overlay.py::test_bad_review_rows_are_one_line_errors", "tests/test_overlay_apply.py"],
                ["analysis.data.overlay.x_apply*", "analysis.data.overlay.x_is_missing*",
                 "analysis.data.overlay.x_split_fields*", "analysis.data.overlay.x_unique_ids*",
                 "analysis.data.overlay.x_same_value*", "analysis.data.overlay.x_format_value*",
                 "analysis.data.overlay.x_parse_values*"]),
    # data loading: every read of a pinned snapshot checks its sha256
    "upstream": ("analysis/data/upstream.py",
                 ["tests/test_snapshots.py"],
                 ["analysis.data.upstream.x_check_bytes*", "analysis.data.upstream.x_read_verified*",
                  "analysis.data.upstream.x_verify*", "analysis.data.upstream.x_is_snapshot*",
                  "analysis.data.upstream.x_read_frame*", "analysis.data.upstream.x_pinned*",
                  "analysis.data.upstream.x_find*", "analysis.data.upstream.x_read_meta*",
                  "analysis.data.upstream.x_vintages*", "analysis.data.upstream.x_pinned_vintage*"]),
    # which rows count (the fast tests; the ones that grep the code base for second definitions are left out)
    "selection": ("analysis/metrics/selection.py",
                  ["tests/test_selection.py", "-k", "not defined_once and not second_definitions and not headline"], []),
    # the main selection functions (which rows count: subsets, organizations, the frontier, the domain rule) against
    # the selection tests on hand-made tables only (~1 s per mutant; the fast tests above load the full data,
    # ~12 s per mutant for 652 mutants)
    "selection_core": ("analysis/metrics/selection.py",
                       SELECTION_HAND_TESTS,
                       ["analysis.metrics.selection.x_select__*", "analysis.metrics.selection.x_universe__*",
                        "analysis.metrics.selection.x_organizations__*",
                        "analysis.metrics.selection.x_parent_organization__*",
                        "analysis.metrics.selection.x_split_cell__*",
                        "analysis.metrics.selection.x_frontier_flags__*",
                        "analysis.metrics.selection.x_frontier_exclusions__*",
                        "analysis.metrics.selection.x_domains__*", "analysis.metrics.selection.x_domain_mask__*"]),
    # the rest of selection.py (versions, open flags, threshold, phrases) against the same hand-made tests: with
    # selection_core, the whole file
    "selection_other": ("analysis/metrics/selection.py", SELECTION_HAND_TESTS,
                        [f"analysis.metrics.selection.x_{f}__*" for f in (
                            "later_versions", "drop_later_versions", "version_stem", "frontier_view", "describe_subset",
                            "describe_domain", "organization_key", "open_flags", "above_threshold", "_matches",
                            "groups_of", "_missing")]),
    # interval helpers shared by the analyses
    "statistics": ("analysis/metrics/statistics.py",
                   ["tests/test_statistics.py", "-k", "not coverage"], []),
    # the report output folder: private work folder, lock, atomic swap, clean-up
    "output_folder": ("analysis/reporting/output_folder.py",
                      ["tests/test_faults_runner.py", "tests/test_output_folder.py"], []),
}

COLUMNS = ["date", "commit", "module", "file", "tests", "mutants", "killed", "survived", "timeout", "suspicious",
           "no_tests", "skipped", "other", "score"]


def commit() -> str:
    sha = subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=ROOT, capture_output=True, text=True).stdout
    dirty = subprocess.run(["git", "status", "--porcelain", "--untracked-files=no"], cwd=ROOT, capture_output=True,
                           text=True).stdout.strip()
    return sha.strip() + ("+dirty" if dirty else "")


def copy_tree(dest: Path) -> None:
    files = subprocess.run(["git", "ls-files", "--cached", "--others", "--exclude-standard", "-z"], cwd=ROOT,
                           capture_output=True, text=True, check=True).stdout.split("\0")
    for f in files:
        if not f or f.startswith(("reports/", "benchmarks/")):
            continue
        src = ROOT / f
        if not src.is_file():
            continue
        (dest / f).parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(src, dest / f)


def configure(dest: Path, target: str, tests: list[str]) -> None:
    """The copy's pyproject gets a [tool.mutmut] section for this module; pytest's ``pythonpath`` goes (mutmut
    puts its mutated copy first on sys.path itself)."""
    py = dest / "pyproject.toml"
    text = py.read_text(encoding="utf-8")
    text = re.sub(r'(?m)^pythonpath = .*\n', "", text)
    text = text.replace('addopts = "-ra --strict-markers"', 'addopts = "--strict-markers -p no:cacheprovider"')
    quoted = lambda xs: "[" + ", ".join(f'"{x}"' for x in xs) + "]"  # noqa: E731
    text += ("\n[tool.mutmut]\n"
             'source_paths = ["analysis"]\n'
             f"only_mutate = {quoted([target])}\n"
             f"also_copy = {quoted(['data', 'notebooks', 'tools', 'CITATION.cff', 'README.md'])}\n"
             f"pytest_add_cli_args = {quoted(['-m', 'not slow and not browser', '-q'])}\n"
             f"pytest_add_cli_args_test_selection = {quoted(tests)}\n"
             "use_git_change_detection = false\n"
             # a mutant that loops is stopped after 3x the time of its tests (mutmut's default 15x lets one hold a
             # busy machine for minutes)
             "timeout_multiplier = 3.0\n"
             "timeout_constant = 5.0\n"
             # workers fork from a server that imported the tests but ran none: no state of the clean run (e.g. the
             # in-memory table cache) reaches a mutant
             'process_isolation = "forkserver"\n')
    py.write_text(text, encoding="utf-8")


def run_module(key: str, children: int, keep: bool = False, only: list[str] | None = None) -> dict:
    """``only``: mutant names (e.g. the survivors of the last full run) to test again after tests were added; the
    run goes to its own folder and its row says so."""
    target, tests, names = MODULES[key]
    dest = BUILD / (key + ("-only" if only else ""))
    if only:
        names = only
    if not (keep and (dest / "mutants").is_dir()):
        shutil.rmtree(dest, ignore_errors=True)
        dest.mkdir(parents=True)
        copy_tree(dest)
        configure(dest, target, tests)
    mutmut = Path(sys.executable).with_name("mutmut")
    # No data cache: a loaded table cached on disk or in memory by the clean run would hide a mutant of the loader.
    (dest / "no-cache").mkdir(exist_ok=True)
    env = {**os.environ, "PYTHONHASHSEED": "0", "CI": "1", "FRONTIER_ATLAS_CACHE": str(dest / "no-cache"),
           "FRONTIER_ATLAS_CACHE_MB": "0"}
    log = dest / "mutmut-run.log"
    with open(log, "w") as fh:
        subprocess.run([str(mutmut), "run", "--max-children", str(children), *names], cwd=dest, env=env, stdout=fh,
                       stderr=subprocess.STDOUT)
    res = subprocess.run([str(mutmut), "results", "--all", "true"], cwd=dest, env=env, capture_output=True,
                         text=True)
    statuses: dict[str, str] = {}
    for line in res.stdout.splitlines():
        m = re.match(r"\s+(\S+): (.+)$", line)
        if m:
            statuses[m.group(1)] = m.group(2).strip()
    if names:
        pats = [re.compile(re.escape(n).replace(r"\*", ".*") + "$") for n in names]
        statuses = {k: v for k, v in statuses.items() if any(p.match(k) for p in pats)}
    if not statuses:
        raise SystemExit(f"{key}: mutmut produced no results; see {log}")
    count = lambda s: sum(v == s for v in statuses.values())  # noqa: E731
    row = {"module": key, "file": target, "mutants": len(statuses),
           "tests": " ".join(tests) + (f" (again, only the {len(only)} mutants not killed before)" if only else "")}
    for s in ("killed", "survived", "timeout", "suspicious", "skipped"):
        row[s] = count(s)
    row["no_tests"] = count("no tests")
    row["other"] = row["mutants"] - sum(row[s] for s in ("killed", "survived", "timeout", "suspicious", "skipped",
                                                             "no_tests"))
    tested = row["mutants"] - row["skipped"]
    row["score"] = f"{row['killed'] / tested:.3f}" if tested else ""
    surv = sorted(k for k, v in statuses.items() if v not in ("killed", "skipped"))
    (HERE / "survivors").mkdir(exist_ok=True)
    # the diffs in one process (``mutmut show`` per mutant takes seconds each)
    show = ("import sys\nfrom mutmut.__main__ import find_mutant, get_diff_for_mutant\n"
            "for k in sys.argv[1:]:\n    print('@@@@ ' + k)\n"
            "    print(get_diff_for_mutant(k, path=find_mutant(k).path))\n")
    out = subprocess.run([sys.executable, "-c", show, *surv], cwd=dest, env=env, capture_output=True,
                         text=True).stdout if surv else ""
    diffs = dict(re.findall(r"(?ms)^@@@@ (\S+)\n(.*?)(?=^@@@@ |\Z)", out))
    with open(HERE / "survivors" / f"{key}{'-only' if only else ''}.txt", "w", encoding="utf-8") as fh:
        for k in surv:
            fh.write(f"# {k}: {statuses[k]}\n{diffs.get(k, '(diff not available)').rstrip()}\n\n")
    return row


def main(argv: list[str]) -> int:
    if "--list" in argv:
        for k, (f, t, n) in MODULES.items():
            print(f"{k:14} {f:40} {' '.join(t)} {' '.join(n)}")
        return 0
    keys = [a for a in argv if not a.startswith("-")] or list(MODULES)
    unknown = [k for k in keys if k not in MODULES]
    if unknown:
        print(f"unknown module(s): {', '.join(unknown)}; known: {', '.join(MODULES)}", file=sys.stderr)
        return 2
    children = int(os.environ.get("MUTATION_JOBS", "1"))
    scores = HERE / "scores.csv"
    new = not scores.exists()
    when, sha = dt.datetime.now(dt.UTC).strftime("%Y-%m-%dT%H:%MZ"), commit()
    for k in keys:
        only = None
        if "--again" in argv:  # the mutants listed as not killed in survivors/<module>.txt
            text = (HERE / "survivors" / f"{k}.txt").read_text(encoding="utf-8")
            only = re.findall(r"(?m)^# (\S+): ", text)
        row = {"date": when, "commit": sha, **run_module(k, children, keep="--keep" in argv, only=only)}
        with open(scores, "a", newline="", encoding="utf-8") as fh:
            w = csv.DictWriter(fh, fieldnames=COLUMNS, lineterminator="\n")
            if new:
                w.writeheader()
                new = False
            w.writerow(row)
        print(f"{k}: {row['killed']}/{row['mutants']} killed, {row['survived']} survived, {row['timeout']} timeout, "
              f"{row['no_tests']} untested -> score {row['score']}", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
