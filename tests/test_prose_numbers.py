"""Prose a researcher can quote (issue 12, item 5).

The generated prose of every report (the paragraphs notebooks write with ``out.prose``) is checked three ways:

1. **No untagged numbers.** After removing the tagged numbers (``out.number`` spans), a paragraph may contain only
   numbers that are not findings: years and ISO dates, numbers inside ids and names (``H100``, ``Llama 3 8B``,
   ``v1.0``: glued to letters, or a model name of the report's data), formula symbols (``6·N·D``) and the report's
   own recorded parameters (e.g. its confidence, written as ``95%``). Anything else fails: a number in prose must come
   from a saved table.
2. **Tags point at the right row.** For the headline figures, the number shown in the prose is compared with an
   independent recomputation from the analysis library on the report's data and parameters, chosen by what the
   sentence says it is about (e.g. 'notable' vs 'frontier'), not by the row the notebook tagged. Tagging the other
   subset's row, or a stale table, fails.
3. Every tag agrees with its table (that check lives in tests/test_notebooks.py).
"""

from __future__ import annotations

import html
import json
import math
import re

import pytest

from analysis.reporting import reports

pytestmark = pytest.mark.slow
NOTEBOOKS = reports.available()
SPAN = re.compile(r'<span class="atlas-num" data-table="([^"]+)" data-row="(\d+)" data-column="([^"]+)" '
                  r'data-format="([^"]+)">([^<]*)</span>')
# a number not glued to letters on either side (a trailing 'x', as in '4.4x per year', is a multiplier, not an id)
# ('5-shot', 'Llama-3-family': a number joined to a word by a hyphen is part of an id, too)
NUMBER = re.compile(r"(?<![\w.\-])[-+]?\d+(?:[.,]\d+)*(?:[eE][-+]?\d+)?%?(?![A-WYZa-wyz0-9]|[.,]\d|-[A-Za-z])")
DATE = re.compile(r"\b(19|20)\d\d-\d\d(-\d\d)?\b")
YEAR = re.compile(r"^(19|20)\d\d$")
FORMULA = re.compile(r"\d+(?=·[A-Za-z])")


def prose_paragraphs(nb_path) -> list[str]:
    """The text/markdown outputs of code cells: the paragraphs notebooks generate with ``out.prose``."""
    nb = json.loads(nb_path.read_text(encoding="utf-8"))
    out = []
    for cell in nb["cells"]:
        if cell["cell_type"] != "code":
            continue
        for o in cell.get("outputs", []):
            md = o.get("data", {}).get("text/markdown")
            if md:
                out.append("".join(md) if isinstance(md, list) else md)
    return out


def report_parameters(name: str, manifest: dict) -> dict:
    """The parameters a report ran with: the notebook's declared defaults, overridden by the manifest's."""
    import ast

    params = {}
    for key, prm in reports.declared_parameters(name).items():
        try:
            params[key] = ast.literal_eval(prm.default)
        except (ValueError, SyntaxError):
            params[key] = prm.default
    params.update(manifest.get("parameters") or {})
    return params


def allowed_parameter_numbers(params: dict) -> set[str]:
    ok = set()
    for v in params.values():
        if isinstance(v, bool) or v is None:
            continue
        if isinstance(v, (int, float)):
            ok |= {str(v), f"{v:g}", f"{v:g}%"}
            if 0 < v < 1:
                ok |= {f"{v:.0%}", f"{v * 100:g}%"}
    return ok


def untagged_numbers(text: str, names: list[str], params_ok: set[str]) -> list[str]:
    t = html.unescape(SPAN.sub(" ", text))
    for name in names:  # model names of the data (longest first) are ids, not findings
        if any(ch.isdigit() for ch in name) and name in t:
            t = t.replace(name, " ")
    t = DATE.sub(" ", t)
    t = FORMULA.sub(" ", t)
    bad = []
    for m in NUMBER.finditer(t):
        tok = m.group(0)
        if YEAR.match(tok) or tok in params_ok:
            continue
        bad.append(tok)
    return bad


@pytest.fixture(scope="module")
def built(built_reports):
    return built_reports


@pytest.fixture(scope="module")
def names_by_spec():
    from analysis.data import dataset as data

    cache = {}

    def get(spec):
        if spec not in cache:
            ds = data.load(spec or None)
            cache[spec] = sorted(ds.models["name"].dropna().astype(str).unique(), key=len, reverse=True)
        return cache[spec]

    return get


# Known violations, left to the report's owner (strict: the test fails once they are fixed, to remove the mark).
KNOWN_UNTAGGED: dict[str, str] = {}


@pytest.mark.parametrize("name", [pytest.param(n, marks=pytest.mark.xfail(reason=KNOWN_UNTAGGED[n], strict=True))
                                  if n in KNOWN_UNTAGGED else n for n in NOTEBOOKS])
def test_no_untagged_numbers_in_generated_prose(built, names_by_spec, name):
    out, results = built
    assert results[name].status == "ok", results[name].message
    rep = out / name
    manifest = json.loads((rep / "manifest.json").read_text())
    paragraphs = prose_paragraphs(rep / f"{name}.ipynb")
    if not paragraphs:
        pytest.skip(f"{name} generates no prose")
    names = names_by_spec(manifest.get("data_spec") or "")
    params_ok = allowed_parameter_numbers(report_parameters(name, manifest))
    problems = {}
    for p in paragraphs:
        bad = untagged_numbers(p, names, params_ok)
        if bad:
            problems[p[:120]] = bad
    assert not problems, f"{name}: numbers in prose without a table tag: {problems}"


def test_untagged_number_detector_catches_what_it_should():
    """The detector itself: a bare finding is caught; tags, years, dates, ids, names, formulas, parameters are not."""
    span = ('<span class="atlas-num" data-table="t" data-row="0" data-column="c" data-format="{:.2g}">4.4</span>')
    ok = (f"Compute grew {span}x per year since 2010-01-01 (95% CI {span}–{span}x; n = {span}), on H100 GPUs; "
          f"6·N·D for Llama 3 8B in 2024 under OSAID v1.0.")
    assert untagged_numbers(ok, ["Llama 3 8B"], {"95%", "0.95"}) == []
    assert untagged_numbers("Compute grew 4.4x per year.", [], set()) == ["4.4"]
    assert untagged_numbers("scores 2.5/14 overall", [], set()) == ["2.5", "14"]
    assert untagged_numbers("a 90% CI", [], {"95%"}) == ["90%"]
    assert untagged_numbers("MMLU (5-shot) in 12 months", [], set()) == ["12"]
    assert untagged_numbers(f"{span} of 1,250 models", [], set()) == ["1,250"]


# --- independent recomputation of headline numbers -----------------------------------------------------------------


def spans_with_context(text: str):
    """(table, row, column, shown text, the prose before the span) for each tagged number."""
    for m in SPAN.finditer(text):
        yield m.group(1), int(m.group(2)), m.group(3), html.unescape(m.group(5)), text[:m.start()]


def last_keyword(before: str, keywords: tuple[str, ...]) -> str | None:
    plain = SPAN.sub(" ", before).lower()
    pos = {k: plain.rfind(k) for k in keywords}
    k = max(pos, key=pos.get)
    return k if pos[k] >= 0 else None


def close(shown: str, value: float, rel: float = 0.03) -> bool:
    return math.isclose(float(shown.replace(",", "")), value, rel_tol=rel)


def test_compute_trend_prose_matches_an_independent_fit(built):
    """compute-trends: the growth rates quoted for 'notable' and 'frontier' models equal a fresh fit of that subset
    with the report's parameters (rounded as printed). Pointing a number at the other subset's row fails."""
    from analysis.data import dataset as data
    from analysis.metrics import trends

    out, results = built
    rep = out / "compute-trends"
    m = json.loads((rep / "manifest.json").read_text())
    p = report_parameters("compute-trends", m)
    models = data.load(m.get("data_spec") or None).models
    common = dict(until=p["until"] or None, confidence=p["confidence"])
    fits = {"notable": trends.subset_trend(models, "training_compute_flop", "notable", since=p["since"], **common),
            "frontier": trends.subset_trend(models, "training_compute_flop", "frontier", top_k=p["top_k"],
                                            since=p["frontier_since"], **common)}
    checked = 0
    for text in prose_paragraphs(rep / "compute-trends.ipynb"):
        for table, _row, column, shown, before in spans_with_context(text):
            if table != "compute-trend-fits" or column not in ("growth_per_year", "n"):
                continue
            fit = fits[last_keyword(before, ("notable", "frontier"))]
            if column == "n":
                assert int(shown) == fit.n, (before[-80:], shown, fit.n)
            else:
                assert close(shown, fit.growth_per_year), (before[-80:], shown, fit.growth_per_year)
            checked += 1
    assert checked >= 4


def test_data_wall_prose_matches_an_independent_projection(built):
    """data-requirements: each quoted data-wall year and n equals a fresh projection for the subset the sentence
    names ('notable' / 'frontier' language models), not the row the notebook tagged."""
    from analysis.data import dataset as data
    from analysis.metrics import scaling

    out, _ = built
    rep = out / "data-requirements"
    m = json.loads((rep / "manifest.json").read_text())
    models = data.load(m.get("data_spec") or None).models
    conf = report_parameters("data-requirements", m)["confidence"]
    walls = {s: scaling.data_wall(models, subset=s, confidence=conf) for s in ("notable", "frontier")}
    checked = 0
    for text in prose_paragraphs(rep / "data-requirements.ipynb"):
        for table, _row, column, shown, before in spans_with_context(text):
            if table != "data-wall-projection" or column not in ("year", "n", "year_low"):
                continue
            w = walls[last_keyword(before, ("notable", "frontier"))]
            expected = {"year": f"{w.year:.0f}", "year_low": f"{w.year_ci[0]:.0f}", "n": f"{w.n:d}"}[column]
            assert shown == expected, (column, before[-60:], shown, expected)
            checked += 1
    assert checked >= 6
