"""The ``--data`` SPEC: which data an analysis runs on, split into a kind and a path.

Kept apart from the loader (:mod:`analysis.data.dataset`) so that the command line and the report runner can check
and hash a SPEC without importing pandas or the validator. Kinds: ``default`` (Epoch AI's pinned notable-models
snapshot + our overlay), ``curated`` (our rows only), ``csv`` (a models CSV in our schema), ``epoch`` (an Epoch
export + overlay; ``epoch-vintage:DATE`` names a pinned one) and ``epoch-raw`` (an Epoch export as published).
"""

from __future__ import annotations

import re
from pathlib import Path

from analysis.data import upstream
from analysis.data.safeio import expand_user
from analysis.errors import UsageError


def parse_spec(spec: str | None) -> tuple[str, Path | None]:
    """Split a --data SPEC into (kind, path).

    Kinds: ('default', None) = upstream snapshot + overlay; ('curated', None) = our rows only; ('csv', PATH);
    ('epoch', PATH) = an Epoch export + overlay; ('epoch-raw', PATH) = an Epoch export without the overlay.
    An unknown ``~user`` (``Path.expanduser`` raises RuntimeError) is a one-line UsageError naming the user.
    """
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
    if ":" in spec.split("/")[0] and not Path(spec).exists() and not re.match(r"^[A-Za-z]:[\\/]", spec):
        kind = spec.split(":", 1)[0]
        raise UsageError(f"--data {spec}: unknown source kind {kind!r}; use curated, PATH, epoch:PATH or "
                         "epoch-vintage:DATE")
    return "csv", Path(spec).expanduser()


def without_overlay(spec: str | None) -> str:
    """The spec for ``--no-overlay``: only meaningful with epoch:PATH (and the default snapshot)."""
    kind, path = parse_spec(spec)
    if kind == "epoch":
        return f"epoch-raw:{path}"
    if kind == "default":
        return f"epoch-raw:{upstream.find('notable_ai_models').path}"
    if kind == "epoch-raw":
        return str(spec)
    raise UsageError("--no-overlay applies to the default data or --data epoch:PATH only")
