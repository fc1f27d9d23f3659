"""The ``--data`` SPEC: which data an analysis runs on, parsed once into a :class:`DataSpec`.

Kept apart from the loader (:mod:`analysis.data.dataset`) so that the command line and the report runner can check
and hash a SPEC without importing pandas or the validator. Kinds: ``default`` (Epoch AI's pinned notable-models
snapshot + our overlay), ``curated`` (our rows only), ``csv`` (a models CSV in our schema), ``epoch`` (an Epoch
export + overlay; ``epoch-vintage:DATE`` names a pinned one) and ``epoch-raw`` (an Epoch export as published).

The command line parses the user's text once (the ``--data`` option's argparse type) and passes the object on: to
:func:`analysis.data.dataset.load`, and to the report runner, which checks, hashes and records it. A notebook gets
the spec's :attr:`DataSpec.canonical` string (a papermill parameter must be JSON) and parses it once, through
``load``; ``DataSpec.parse(spec.canonical) == spec``, so the manifest records the very data the notebook read.
"""

from __future__ import annotations

import hashlib
import os
import re
from dataclasses import dataclass, field
from pathlib import Path

from analysis.data import schema, upstream
from analysis.data.safeio import check_regular, exists, expand_user, sha256_file, shorten
from analysis.errors import UsageError

KINDS = ("default", "curated", "csv", "epoch", "epoch-raw")


@dataclass(frozen=True)
class DataSpec:
    """A parsed ``--data`` SPEC. ``path`` is absolute (``~`` expanded; symlinks kept, so that messages name the
    file the user gave); ``text`` is what the user wrote (not compared: two texts naming the same data are equal).
    """

    kind: str  # one of KINDS
    path: Path | None = None  # the file read, for csv, epoch and epoch-raw
    text: str = field(default="", compare=False)
    # (file stat signature -> sha256s) of the input files: hashed once while they do not change
    memo: dict = field(default_factory=dict, compare=False, repr=False, hash=False)

    @classmethod
    def parse(cls, text: str | os.PathLike | None) -> DataSpec:
        """Parse the user's ``--data`` text (None or '' = the default data); one-line UsageError if unusable.

        An unknown ``~user`` (``Path.expanduser`` raises RuntimeError) is a UsageError naming the user;
        ``epoch-vintage:DATE`` (or ``:latest``) names a pinned notable-models snapshot and becomes ``epoch``.
        """
        raw = os.fspath(text) if isinstance(text, os.PathLike) else text
        kind, path = _split(raw)
        return cls(kind, None if path is None else Path(os.path.abspath(path)), raw or "")

    @property
    def canonical(self) -> str:
        """The spec as one string that parses back to an equal spec: ``default``, ``curated``, an absolute path,
        ``epoch:ABSPATH`` or ``epoch-raw:ABSPATH``. What the report runner gives a notebook and records."""
        if self.path is None:
            return self.kind
        return str(self.path) if self.kind == "csv" else f"{self.kind}:{self.path}"

    def without_overlay(self) -> DataSpec:
        """The spec for ``--no-overlay``: only meaningful with epoch:PATH (and the default snapshot)."""
        if self.kind == "epoch":
            return DataSpec("epoch-raw", self.path, self.text)
        if self.kind == "default":
            return DataSpec("epoch-raw", upstream.pinned("notable_ai_models").path, self.text)
        if self.kind == "epoch-raw":
            return self
        raise UsageError("--no-overlay applies to the default data or --data epoch:PATH only")

    def check(self) -> None:
        """UsageError unless the named file exists and is a regular file (a FIFO or device would hang hashing)."""
        if self.path is not None:
            if not exists(self.path):
                raise UsageError(f"--data {shorten(self.text)}: no such file")
            check_regular(self.path, f"--data {shorten(self.text)}")

    def input_files(self) -> list[Path]:
        """Every file the data is read from: the bundled tables and their data package, the user's file, and for
        the default data the pinned upstream snapshot (missing files left out). Looked up once per object."""
        if "files" not in self.memo:
            files = [schema.DATA_DIR / r.path for r in schema.resources().values()] + [schema.DATAPACKAGE]
            if self.path is not None:
                files.append(self.path)
            if self.kind == "default":
                files.append(upstream.pinned("notable_ai_models").path)
            self.memo["files"] = tuple(files)
        return [f for f in self.memo["files"] if exists(f)]

    def file_hashes(self) -> dict[str, str]:
        """sha256 of each input file, keyed by its path (relative to the project when inside it). Hashed once
        per object while the files' size, times and inode stay the same."""
        files = self.input_files()
        signature = tuple((str(f), st.st_size, st.st_mtime_ns, st.st_ctime_ns, st.st_ino)
                          for f in files for st in [os.stat(f)])
        if self.memo.get("signature") != signature:
            root = schema.PROJECT_ROOT
            hashes = {str(f.relative_to(root)) if f.is_relative_to(root) else str(f): sha256_file(f) for f in files}
            self.memo.update(signature=signature, hashes=hashes)
        return dict(self.memo["hashes"])

    def digest(self) -> str:
        """sha256 of the data this spec reads (each input file's name and sha256, in order)."""
        h = hashlib.sha256()
        for shown, sha in self.file_hashes().items():
            h.update(Path(shown).name.encode() + sha.encode())
        return h.hexdigest()

    def to_dict(self) -> dict:
        """What a report's manifest records about its data: the canonical spec and the input files' sha256."""
        return {"data_spec": self.canonical, "data_files": self.file_hashes()}


def as_spec(value: DataSpec | str | os.PathLike | None) -> DataSpec:
    """A DataSpec as given, or parsed from text (for notebooks and the public API, which pass strings)."""
    return value if isinstance(value, DataSpec) else DataSpec.parse(value)


def parse_spec(spec: DataSpec | str | None) -> tuple[str, Path | None]:
    """(kind, path) of a --data SPEC (see :class:`DataSpec`)."""
    s = as_spec(spec)
    return s.kind, s.path


def without_overlay(spec: DataSpec | str | None) -> DataSpec:
    """The spec for ``--no-overlay`` (see :meth:`DataSpec.without_overlay`)."""
    return as_spec(spec).without_overlay()


def _split(spec: str | None) -> tuple[str, Path | None]:
    try:
        return _split_spec(spec)
    except RuntimeError:
        text = (spec or "")[len("epoch:"):] if (spec or "").startswith("epoch:") else (spec or "")
        expand_user(text)  # raises the UsageError naming the user
        raise


def _split_spec(spec: str | None) -> tuple[str, Path | None]:
    """Split a --data SPEC into (kind, path).

    Kinds: ('default', None) = upstream snapshot + overlay; ('curated', None) = our rows only; ('csv', PATH);
    ('epoch', PATH) = an Epoch export + overlay; ('epoch-raw', PATH) = an Epoch export without the overlay.
    """
    if spec is None or spec in ("", "bundled", "default"):
        return "default", None
    if spec == "curated":
        return "curated", None
    if spec.startswith("epoch-vintage:"):  # a pinned notable-models snapshot: epoch-vintage:2026-01-26 (or :latest)
        name = spec[len("epoch-vintage:"):]
        return "epoch", upstream.find("notable_ai_models", None if name in ("", "latest") else name).path
    for prefix in ("epoch:", "epoch-raw:"):
        if spec.startswith(prefix):
            p = spec[len(prefix):]
            if not p:
                raise UsageError(f"--data {prefix}PATH needs a path after {prefix!r}")
            return prefix[:-1], Path(p).expanduser()
    if ":" in spec.split("/")[0] and not exists(Path(spec)) and not re.match(r"^[A-Za-z]:[\\/]", spec):
        kind = spec.split(":", 1)[0]
        raise UsageError(f"--data {spec}: unknown source kind {kind!r}; use curated, PATH, epoch:PATH or "
                         "epoch-vintage:DATE")
    return "csv", Path(spec).expanduser()
