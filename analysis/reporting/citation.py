"""Where a figure's data come from, and how to cite the figure and its data: one format, built by one function.

A notebook names a figure's sources when it saves it (``out.figure(..., source=ds)``): a loaded
:class:`~analysis.data.dataset.Dataset`, a :class:`Source` made here (:func:`snapshot`, :func:`benchmarking_hub`,
:func:`curated`, :func:`reference`), a plain string (a published paper or constant), or a list of these.
:func:`resolve` turns that into the line printed under the figure (with the sha256 prefixes of the data) and the
structured sources: producer, title, credit line, licence, vintage, access date and full hashes, read from the
snapshots' ``.meta.json`` and ``data/datapackage.json``, never typed in a notebook.

:func:`cite` builds every citation the project prints -- the index, the report page, each figure's metadata file
``figures/<id>.json`` -- from a figure's metadata, in the "reuse this work" pattern of Our World in Data: one
citation for the figure, one for the data (in-line and full). Each names the toolkit (version and commit), the
figure id, the credit line of every data source with its vintage, and the data hash printed on the figure.
"""

from __future__ import annotations

import hashlib
import os
import re
import subprocess
import time
from dataclasses import asdict, dataclass, field
from pathlib import Path

from analysis.data import schema, upstream
from analysis.data.safeio import sha256_file
from analysis.errors import UsageError

TOOLKIT = "Frontier Atlas"
AUTHORS = "Frontier Atlas contributors"
PROCESSING = f"with major processing by {TOOLKIT}"
EPOCH_MODELS_CREDIT = ("Epoch AI, 'Data on AI Models'. Published online at epoch.ai. "
                       "Retrieved from https://epoch.ai/data/ai-models")  # the credit line of every Epoch export
_SHOWN_HASH = re.compile(r"sha256 ([0-9a-f]{6,64}(?:/[0-9a-f]{6,64})*)")


@dataclass(frozen=True)
class Source:
    """One source of a figure's data (``kind="data"``), or a published work it draws on (``kind="reference"``).

    ``line`` is the text printed under the figure; ``sha256`` maps each file (path relative to ``data/``) or
    combined digest to its full hash, and ``shown_hash`` is the prefix printed in ``line``. ``vintage`` is the data's
    own date as its metadata gives it (newest row, or edition); ``accessed`` the day the producer's file was
    retrieved. Unknown values are None."""

    key: str
    line: str
    producer: str
    title: str
    credit: str
    kind: str = "data"
    url: str | None = None
    licence: str | None = None
    vintage: str | None = None
    accessed: str | None = None
    sha256: dict = field(default_factory=dict)
    shown_hash: str | None = None
    note: str | None = None

    def to_dict(self) -> dict:
        return asdict(self)


# --- sources ----------------------------------------------------------------------------------------------------

def _rel(path: Path) -> str:
    try:
        return path.resolve().relative_to(schema.DATA_DIR.resolve()).as_posix()
    except ValueError:
        return path.name


def _from_meta(key: str, line_name: str, meta: dict, files: dict[str, str], shown: str) -> Source:
    return Source(key=key, line=f"{line_name}, sha256 {shown[:8]}", producer=str(meta.get("producer") or ""),
                  title=str(meta.get("title") or ""), credit=str(meta.get("credit") or ""), url=meta.get("url"),
                  licence=meta.get("licence"), vintage=meta.get("vintage"), accessed=meta.get("accessed"),
                  sha256=dict(files), shown_hash=shown[:8])


def snapshot(name: str, vintage: str | None = None, producer: str = "epoch-ai") -> Source:
    """A pinned upstream snapshot (``data/upstream/<producer>/<vintage>/<name>.csv``), e.g. ``ml_hardware``."""
    snap = upstream.find(name, vintage, producer)
    short = {"ml_hardware": "ML Hardware", "notable_ai_models": "notable models"}.get(name, name)
    sha = snap.meta.get("sha256_extract") or sha256_file(snap.path)
    return _from_meta(f"{producer}/{name}", f"Epoch AI {short} {snap.vintage}", snap.meta, {_rel(snap.path): sha}, sha)


def combined_digest(files: dict[str, str]) -> str:
    """sha256 of the lines '<sha256>  <path>' (sorted by path), as ``sha256sum`` prints them: one digest for a
    source read from several files, which a reader can recompute with ``sha256sum <files> | sha256sum``."""
    text = "".join(f"{h}  {p}\n" for p, h in sorted(files.items()))
    return hashlib.sha256(text.encode()).hexdigest()


def benchmarking_hub(vintage: str, files: list[str] | tuple[str, ...] | None = None) -> Source:
    """Epoch AI's Benchmarking Hub snapshot of ``vintage``: the named files (stems, e.g.
    ``epoch_capabilities_index``), or all of its top-level CSVs. One file: its sha256 is shown; several: their
    :func:`combined_digest`."""
    return snapshot_folder(f"{vintage}/benchmarking_hub", "epoch-ai/benchmarking_hub",
                           f"Epoch AI Benchmarking Hub {vintage}", files)


def snapshot_folder(folder: str, key: str, line_name: str, files: list[str] | tuple[str, ...] | None = None,
                    producer: str = "epoch-ai") -> Source:
    """A source read from several pinned files of one snapshot folder (``data/upstream/<producer>/<folder>``, e.g.
    ``2026-04-22/ai_chip_counts``): the named files (stems), or all of its top-level CSVs, credited from the first
    file's metadata. One file: its sha256 is shown; several: their :func:`combined_digest`."""
    root = upstream.UPSTREAM_DIR / producer / folder
    paths = [root / f"{f}.csv" for f in files] if files else sorted(root.glob("*.csv"))
    metas = {p: upstream.read_meta(p) for p in paths}
    hashes = {p.relative_to(root).as_posix(): m.get("sha256_extract") or sha256_file(p) for p, m in metas.items()}
    first = metas[paths[0]]
    shown = next(iter(hashes.values())) if len(hashes) == 1 else combined_digest(hashes)
    newest = max((str(m["vintage"]) for m in metas.values() if m.get("vintage")), default=None)
    src = _from_meta(key, line_name, first, {f"upstream/{producer}/{folder}/{k}": v for k, v in hashes.items()}, shown)
    note = None if len(hashes) == 1 else (f"{len(hashes)} files; the hash shown is sha256 of their "
                                          f"'sha256  path' lines sorted by path (paths relative to "
                                          f"{folder.rsplit('/', 1)[-1]}/)")
    return Source(**{**src.to_dict(), "vintage": newest, "note": note})


def curated(table: str) -> Source:
    """One of our curated tables in ``data/`` (models, benchmarks, openness, transparency, hardware, overlay),
    credited to the sources ``data/datapackage.json`` lists for it; vintage = its newest source access date."""
    pkg = schema.datapackage()
    res = next(r for r in pkg["resources"] if r["name"] == table)
    path = schema.DATA_DIR / res["path"]
    sha = sha256_file(path)
    cites = [s.get("citation") or s.get("title", "") for s in res.get("sources", [])]
    accessed = max((s["accessed"] for s in res.get("sources", []) if s.get("accessed")), default=None)
    lic = (res.get("licenses") or pkg.get("licenses") or [{}])[0].get("name")
    lic = lic.replace("-", " ") if lic and lic.upper().startswith("CC-") else lic  # as Epoch writes it: CC BY 4.0
    return Source(key=f"frontier-atlas/{table}", line=f"{TOOLKIT} {res['path']}, sha256 {sha[:8]}", producer=AUTHORS,
                  title=str(res.get("title") or table), credit=f"{AUTHORS}, '{res.get('title') or table}' "
                  f"(data/{res['path']}), from: " + "; ".join(cites), url=None, licence=lic, vintage=accessed,
                  accessed=accessed, sha256={res["path"]: sha}, shown_hash=sha[:8])


def reference(text: str, url: str | None = None) -> Source:
    """A published work the figure draws on (constants, a published curve): cited, no vintage, no hash."""
    return Source(key="reference", line=text, producer="", title=text, credit=text, kind="reference", url=url)


def epoch_export(path: Path, sha256: str | None = None, vintage: str | None = None) -> Source:
    """An Epoch AI 'Data on AI Models' export: a pinned snapshot (credited from its metadata), or a file the user
    downloaded (Epoch's credit line; vintage and access date unknown)."""
    path = Path(path)
    sha = sha256 or sha256_file(path)
    if path.with_name(path.stem + upstream.META_SUFFIX).exists():
        meta = upstream.read_meta(path)
        name = f"Epoch AI {vintage or path.parent.name}"
    else:
        meta = {"producer": "Epoch AI", "title": "Data on AI Models", "credit": EPOCH_MODELS_CREDIT,
                "url": "https://epoch.ai/data/ai-models", "licence": "CC BY 4.0"}
        name = f"Epoch AI export {path.name}"
    return _from_meta("epoch-ai/notable_ai_models", name, meta, {_rel(path): sha}, sha)


def _dataset_sources(ds) -> tuple[str, list[Source]]:
    """The line and sources of a loaded models table: the Epoch export (pinned snapshot or the user's file) and our
    overlay, our curated rows, or the user's own models CSV."""
    files = dict(ds.files)
    o = ds.overlay or {}
    spec = ds.spec
    if spec in ("default", "bundled") or spec.startswith(("epoch:", "epoch-raw:")):
        path = upstream.find("notable_ai_models", ds.vintage).path if spec in ("default", "bundled") else \
            Path(spec.split(":", 1)[1])
        sha = o.get("upstream_sha256") or next((h for p, h in files.items() if Path(p).name == path.name), None)
        epoch = epoch_export(path, sha, ds.vintage)
        srcs = [epoch]
        shown = [epoch.shown_hash]
        if o:
            ov = o.get("overlay_sha256", "")
            pkg, cur = curated("overlay"), curated("models")
            updated = max(d for d in (pkg.vintage, cur.vintage, "") if d is not None) or None
            srcs.append(Source(
                key="frontier-atlas/overlay", line="overlay", producer=AUTHORS, title="Overlay on Epoch AI's notable "
                "models", credit=f"{AUTHORS}, overlay on Epoch AI's notable models (data/overlay.csv with the curated "
                f"values of data/models.csv): {o.get('corrections', 0)} corrections, {o.get('additions', 0)} "
                "additions, each with a primary source", licence=pkg.licence, vintage=updated,
                accessed=updated, sha256={"overlay.csv + models.csv": ov, **{k: v for k, v in files.items()
                                                                                  if k in ("data/overlay.csv",
                                                                                           "data/models.csv")}},
                shown_hash=ov[:8], note="the overlay's hash is sha256 of the two files' sha256 hex digests "
                "concatenated (overlay.csv, then models.csv)"))
            shown.append(ov[:8])
        label = ds.label
        line = label if "sha256" in label else f"{label}, sha256 {'/'.join(shown)}"
        return line, srcs
    if spec == "curated":
        src = curated("models")
        return f"{ds.label}, sha256 {src.shown_hash}", [src]
    path = Path(spec)
    sha = next((h for p, h in files.items() if Path(p).name == path.name), None) or sha256_file(path)
    src = Source(key="user/models", line=path.name, producer="", title=path.name,
                 credit=f"models table {path.name} (given with --data)", sha256={path.name: sha}, shown_hash=sha[:8])
    return f"{ds.label}, sha256 {sha[:8]}", [src]


def resolve(source) -> tuple[str, list[Source]]:
    """The line printed under a figure and its structured sources, from what a notebook passed as ``source``."""
    if isinstance(source, (list, tuple)):
        lines, out = [], []
        for s in source:
            line, srcs = resolve(s)
            new = [x for x in srcs if not any(x.key == y.key and x.sha256 == y.sha256 for y in out)]
            if new or not srcs:  # a source already named (e.g. the pinned snapshot inside the Dataset) adds no line
                lines.append(line)
            out += new
        return "; ".join(lines), out
    if isinstance(source, Source):
        return source.line, [source]
    if isinstance(source, str):
        return source, [reference(source)]
    if hasattr(source, "files") and hasattr(source, "spec") and hasattr(source, "label"):
        return _dataset_sources(source)
    raise TypeError(f"a figure's source must be a Dataset, a Source, a string or a list of them, not "
                    f"{type(source).__name__}")


# --- citations --------------------------------------------------------------------------------------------------

def citation_year() -> str:
    """Derived from SOURCE_DATE_EPOCH, else the commit date: never from the wall clock."""
    sde = os.environ.get("SOURCE_DATE_EPOCH")
    if sde:
        if not (sde.isascii() and sde.isdigit()):
            raise UsageError(f"SOURCE_DATE_EPOCH={sde[:40]!r}: expected a Unix time in whole seconds")
        try:
            year = time.gmtime(int(sde)).tm_year
        except (OverflowError, OSError, ValueError):
            year = 10000
        if not 1970 <= year <= 9999:
            raise UsageError(f"SOURCE_DATE_EPOCH={sde[:40]}: out of range (a Unix time up to 253402300799, "
                             "the end of year 9999)")
        return f"{year:04d}"
    try:
        out = subprocess.run(["git", "-C", str(schema.PROJECT_ROOT), "log", "-1", "--format=%cs"], capture_output=True,
                             text=True, timeout=10)
        if out.returncode == 0 and out.stdout[:4].isdigit():
            return out.stdout[:4]
    except (OSError, subprocess.SubprocessError):
        pass
    return "n.d."


# Words after which a period does not end a sentence ("Hoffmann et al. (2022)", "e.g. Llama", "vs. GPT-4").
_ABBREVIATIONS = {"al", "e.g", "i.e", "vs", "cf", "approx", "fig", "no", "ca", "etc", "dr", "st", "jr", "inc", "ltd",
                  "co", "corp", "u.s", "v", "p", "pp", "eq", "sec", "est"}


def first_sentence(text: str) -> str:
    """The caption's first full sentence, with a closing period: never cut at an abbreviation ('et al.'), an
    initial, a decimal point or inside brackets."""
    text = " ".join(str(text).split())
    depth = 0
    for i, ch in enumerate(text):
        if ch in "([{":
            depth += 1
        elif ch in ")]}":
            depth = max(0, depth - 1)
        elif ch in ".!?" and depth == 0 and (i + 1 == len(text) or text[i + 1] == " "):
            word = text[:i].rsplit(" ", 1)[-1].lstrip("([").lower()
            if word in _ABBREVIATIONS or (len(word) == 1 and word.isalpha()):
                continue
            nxt = text[i + 2:i + 3]
            if nxt and not (nxt.isupper() or nxt.isdigit() or nxt in "\"'("):
                continue  # "approaches 1-3 and ..." — a lower-case continuation is not a new sentence
            return text[:i + 1]
    return text if text.endswith((".", "!", "?")) else text + "."


def bibtex_escape(text: str) -> str:
    """TeX specials in a BibTeX field: % & $ # _ { } written so the field's braces stay balanced."""
    return "".join("\\" + ch if ch in "%&$#_{}" else ch for ch in text)


def shown_hashes(line: str) -> str:
    """The data hashes printed on the figure (its source line), as printed: 'cff05a9b/189e15f3; c2dd58e2'."""
    return "; ".join(_SHOWN_HASH.findall(line))


def _when(s: dict) -> str:
    parts = []
    if s.get("accessed"):
        parts.append(f"retrieved {s['accessed']}")
    if s.get("vintage") and s.get("vintage") != s.get("accessed"):
        parts.append(f"data to {s['vintage']}")
    return ", ".join(parts) if parts else "vintage unknown"


def credit_line(s: dict) -> str:
    """A source's credit line with its vintage and licence: what CC BY 4.0 asks a reuser to keep."""
    if s.get("kind") == "reference":
        return s["credit"] + (f" ({s['url']})" if s.get("url") else "")
    lic = f"; {s['licence']}" if s.get("licence") else ""
    return f"{s['credit']} ({_when(s)}{lic})"


def _year(s: dict) -> str:
    d = s.get("vintage") or s.get("accessed") or ""
    return d[:4] if d[:4].isdigit() else "n.d."


def figure_name(figure: dict) -> str:
    """What a citation calls the figure: its title when it has one (one axes, or a suptitle), else the first
    sentence of its caption."""
    title = str(figure.get("title") or "")
    if title and " | " not in title:
        return title
    return first_sentence(figure.get("caption", "")).rstrip(".")


def cite(figure: dict, report: str, toolkit_version: str, commit: str | None, year: str,
         notebook: str | None = None) -> dict:
    """The citations of one figure, from its metadata (``id``, ``caption``, ``source`` line, ``sources``):

    * ``figure`` and ``figure_bibtex`` -- the figure: authors and year, its title (the caption's first sentence),
      the figure id and report, the toolkit's version and commit, the credit line of every source with its vintage,
      and the data hash printed under the figure;
    * ``data_inline`` and ``data`` -- the data behind it (tables/<id>.csv) in Our World in Data's form: the
      producers and years '- with major processing by Frontier Atlas', then the table, then each original source.
    """
    fid = figure["id"]
    title = figure_name(figure)
    sources = figure.get("sources") or ([reference(figure["source"]).to_dict()] if figure.get("source") else [])
    data = [s for s in sources if s.get("kind") != "reference"]
    refs = [s for s in sources if s.get("kind") == "reference"]
    hashes = shown_hashes(figure.get("source", ""))
    commit_txt = f", commit {commit[:12]}{'-dirty' if str(commit).endswith('-dirty') else ''}" if commit else ""
    toolkit = f"{TOOLKIT} {toolkit_version}{commit_txt}"
    credits = "; ".join(credit_line(s) for s in data)
    data_txt = f" Data: {credits}." if data else ("" if refs else " Data: not recorded.")
    hash_txt = f" Data sha256 {hashes}, as printed under the figure." if hashes else ""
    ref_txt = (" Draws on: " + "; ".join(credit_line(s) for s in refs) + ".") if refs else ""
    plain = f"{AUTHORS} ({year}). {title} [figure {fid}, report {report}]. {toolkit}.{data_txt}{hash_txt}{ref_txt}"
    producers = []
    for s in data:
        who = f"{s.get('producer') or AUTHORS} ({_year(s)})"
        if who not in producers:
            producers.append(who)
    inline = "; ".join(producers) + f" – {PROCESSING}" if producers else f"{AUTHORS} ({year})"
    originals = "; ".join(f"{credit_line(s)} [original data]" for s in data)
    full = (f"{inline}. “{title}” [dataset: tables/{fid}.csv, report {report}, {toolkit}]."
            + (f" {originals}." if originals else "") + hash_txt + ref_txt)
    key = "frontieratlas-" + fid
    if notebook and notebook != report:  # one combination of a sweep: its own key
        key += "-" + hashlib.sha256(report.encode()).hexdigest()[:8]
    note = f"Figure {fid} in report {report}; {toolkit}.{data_txt}{hash_txt}{ref_txt}"
    bib = (f"@misc{{{key},\n  author = {{{{{AUTHORS}}}}},\n  title = {{{bibtex_escape(title)}}},\n"
           f"  year = {{{year}}},\n  howpublished = {{{TOOLKIT} {toolkit_version}, report {bibtex_escape(report)}, "
           f"figure {fid}}},\n  version = {{{toolkit_version}}},\n  note = {{{bibtex_escape(note.strip())}}}\n}}")
    return {"figure": plain, "figure_bibtex": bib, "data_inline": inline, "data": full}
