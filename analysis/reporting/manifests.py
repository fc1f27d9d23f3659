"""Report folders and their manifests, read without running anything: which folders in ``--out`` are ours, their
manifests, and the citation year. Used by the runner (:mod:`analysis.reporting.reports`) and the index and citation
pages (:mod:`analysis.reporting.render`)."""

from __future__ import annotations

import contextlib
import json
import os
import re
import stat
import subprocess
import time
from pathlib import Path

from analysis.data import schema
from analysis.errors import UsageError

ROOT = schema.PROJECT_ROOT
# A report folder: a notebook's name, or for one combination of a parameter sweep the notebook's name followed by
# ``--key=value`` for each swept parameter (see :func:`analysis.reporting.reports.variant_name`).
REPORT_DIR = re.compile(r"^[a-z0-9][a-z0-9-]*(?:--[a-z0-9_]+=[a-z0-9][a-z0-9._+-]*)*$")


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
        out = subprocess.run(["git", "-C", str(ROOT), "log", "-1", "--format=%cs"], capture_output=True, text=True, timeout=10)
        if out.returncode == 0 and out.stdout[:4].isdigit():
            return out.stdout[:4]
    except (OSError, subprocess.SubprocessError):
        pass
    return "n.d."


def read_manifest(folder: Path) -> dict | None:
    """Our manifest in ``folder``, or None for a missing, unreadable or foreign one (any other JSON)."""
    f = folder / "manifest.json"
    try:
        if not stat.S_ISREG(os.lstat(f).st_mode) or os.lstat(f).st_size > 10 * 2**20:
            return None
        m = json.loads(f.read_text(encoding="utf-8"))
    except (OSError, ValueError, UnicodeDecodeError):
        return None
    keys = {"report", "content_hash", "figures", "toolkit_version"}
    if not isinstance(m, dict) or not keys <= set(m) or not isinstance(m.get("report"), str) \
            or not isinstance(m.get("figures"), list) or not REPORT_DIR.match(m["report"]):
        return None
    if not all(isinstance(f, dict) and isinstance(f.get("id"), str) and isinstance(f.get("caption", ""), str)
               for f in m["figures"]):
        return None
    return m


def report_manifests(out: Path) -> list[dict]:
    """Our manifests in ``out`` (foreign folders and foreign manifest.json files are ignored)."""
    found = []
    with contextlib.suppress(OSError):
        for e in sorted(os.scandir(out), key=lambda e: e.name):
            if REPORT_DIR.match(e.name) and e.is_dir(follow_symlinks=False):
                m = read_manifest(Path(e.path))
                if m is not None and m["report"] == e.name:
                    found.append(m)
    return found
