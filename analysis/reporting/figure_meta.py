"""Each figure self-describing away from its report: ``figures/<id>.json`` beside ``figures/<id>.svg|png|pdf`` and
``tables/<id>.csv``, and the figure's citations in the report's manifest (which the report page and the index print).

Written once per report by the runner, after the manifest (it needs the report's name, commit and parameters) and
before the HTML page. The file holds: title, caption, alt text, what was measured (the axes' titles and labels, and
the notebook's own words where it gave them), each estimate's n, window, interval kind and level; the data sources
with producer, credit line, licence, vintage, access date and full hashes, and the line printed under the figure;
the date the data were last updated (the newest access date of its data sources); the notebook, its parameters and
data spec; the toolkit's version and commit; the figure's and the data's citations (:func:`~analysis.reporting.
citation.cite`); the files; and the layout and hover checks. Its bytes depend only on those inputs (sorted keys).
"""

from __future__ import annotations

import json
from pathlib import Path

from analysis.reporting.citation import citation_year, cite

LICENCE = ("Figure and table: CC BY 4.0 (Frontier Atlas contributors). The data keep their producers' licences "
           "and credit lines (see sources); reuse must credit them.")


def citation_of(manifest: dict, fig: dict, year: str) -> dict:
    """The figure's citations, from the report's manifest (the one call every page and file goes through)."""
    return cite(fig, manifest["report"], manifest.get("toolkit_version", ""), manifest.get("git_commit"), year,
                manifest.get("notebook"))


def data_last_updated(sources: list[dict]) -> str | None:
    """The newest access (else vintage) date among a figure's data sources: when its data were last updated."""
    dates = [s.get("accessed") or s.get("vintage") for s in sources if s.get("kind") != "reference"]
    dates = [str(d) for d in dates if d]
    return max(dates) if dates else None


def metadata(manifest: dict, fig: dict) -> dict:
    """The self-describing record of one figure (see the module's docstring)."""
    est = fig.get("estimates") or []
    one = est[0] if len(est) == 1 else {}
    return {
        "id": fig["id"],
        "title": fig.get("title", ""),
        "caption": fig.get("caption", ""),
        "alt": fig.get("alt", ""),
        "measured": fig.get("measured") or {},
        "n": one.get("n"),
        "window": one.get("window"),
        "interval_kind": one.get("interval_kind"),
        "confidence": one.get("confidence"),
        "estimates": est,
        "source_line": fig.get("source", ""),
        "sources": fig.get("sources") or [],
        "data_last_updated": data_last_updated(fig.get("sources") or []),
        "report": manifest["report"],
        "notebook": manifest.get("notebook", manifest["report"]),
        "parameters": manifest.get("parameters", {}),
        "data_spec": manifest.get("data_spec"),
        "data_source": manifest.get("data_source"),
        "toolkit": {"name": "Frontier Atlas", "version": manifest.get("toolkit_version"),
                    "commit": manifest.get("git_commit")},
        "citation": fig.get("citation", {}),
        "licence": LICENCE,
        "files": fig.get("files", {}),
        "layout_problems": fig.get("layout_problems", []),
        "hover_problems": fig.get("hover_problems", []),
        "tooltips": fig.get("tooltips", 0),
    }


def dumps(obj) -> str:
    return json.dumps(obj, indent=2, sort_keys=True, ensure_ascii=False) + "\n"


def write(folder: Path, manifest: dict) -> dict:
    """Give every figure of the report built in ``folder`` its citations and write its metadata file
    ``figures/<id>.json``; return the manifest with the citations (the runner writes it, with the file hashes)."""
    manifest = json.loads(json.dumps(manifest))  # a copy: the caller's dictionary is left as it was
    year = citation_year()
    for fig in manifest.get("figures", []):
        fig["citation"] = citation_of(manifest, fig, year)
        fig.setdefault("files", {})["metadata"] = f"figures/{fig['id']}.json"
        (folder / "figures" / f"{fig['id']}.json").write_text(dumps(metadata(manifest, fig)), encoding="utf-8")
    return manifest
