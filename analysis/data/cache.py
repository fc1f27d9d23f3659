"""The disk and memory cache of loaded datasets: a format that cannot run code, checked on load, bounded in size.

A cache entry is tables of typed columns plus JSON metadata (which files, which vintage, the overlay's counts). It
is written as one file::

    FRONTIER-ATLAS-CACHE 2\\n                       magic line (format version)
    <8 bytes: header length, little-endian>
    <header: UTF-8 JSON>                             key, input files and their sha256, code hash, metadata, and
                                                     per column its name, kind, offset and length in the payload
    <payload>                                        raw column buffers (numbers, masks, dictionary codes) and
                                                     JSON lists of the distinct strings

Nothing in it is executable: the header is parsed by :func:`json.loads`, numbers by :func:`numpy.frombuffer` with a
dtype chosen from a fixed list (never from the file), strings by :func:`json.loads`. A pickle would run any code a
crafted file carries; this format cannot.

**Checked on load.** The header records the cache key, the sha256 of every input file (the data files and the
snapshot) and of the loader code, and the sha256 of the payload; an entry is used only when all of them equal what
this run computes from the files on disk. Anything else (a foreign or truncated file, an entry of other inputs
copied into place, a payload with a flipped byte, an unknown column kind) is a miss: the dataset is rebuilt from
the files and the entry rewritten.

**Bounded.** At most :data:`MAX_ENTRIES` entries and :data:`MAX_BYTES` bytes on disk (``$FRONTIER_ATLAS_CACHE_MB``
overrides the size), least recently used evicted first (a hit touches its file); an entry larger than the bound is
not written. In memory, the :data:`MEMORY_ENTRIES` most recently used datasets are kept. Writes go through a
temporary file in the cache folder, renamed into place; on any error (a full disk) the temporary file is removed,
and temporary files left by a killed process are removed after :data:`STALE_TMP_SECONDS`.

**Key.** sha256 over the format version, the Python, numpy and pandas versions, the load's parameters, the sha256
of each input file and the code hash: every ``.py`` file of the data layer (``analysis/data/``) and of the base
modules (``analysis/*.py``), found by listing the package, so a new module is covered without editing a list.
"""

from __future__ import annotations

import contextlib
import functools
import hashlib
import json
import os
import re
import shutil
import struct
import sys
import time
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

from analysis.data import safeio

FORMAT = 2
MAGIC = f"FRONTIER-ATLAS-CACHE {FORMAT}\n".encode()
SUFFIX = ".fac"
MAX_ENTRIES = 16
MAX_BYTES = 512 * 2**20  # default bound of the disk cache; $FRONTIER_ATLAS_CACHE_MB overrides it
MEMORY_ENTRIES = 8
STALE_TMP_SECONDS = 15 * 60
ENTRY = re.compile(r"^dataset-[0-9a-f]{32}\.(fac|pickle)$")  # ours (.pickle: format 1, never read, removed)
TMP = re.compile(r"^\.tmp-.*\.(fac|pickle)$")
PACKAGE = Path(__file__).resolve().parents[1]  # analysis/


@dataclass(frozen=True)
class Entry:
    """What the cache stores: named tables (RangeIndex, columns of the supported kinds) and JSON metadata."""

    tables: dict[str, pd.DataFrame]
    meta: dict = field(default_factory=dict)


class Unsupported(Exception):
    """A table the format cannot hold exactly (the dataset is then used without being written)."""


class Bad(Exception):
    """A cache file that is not a valid entry for this key (a miss)."""


# --- where, and what the key covers -------------------------------------------------------------------------------


def cache_dir() -> Path:
    env = os.environ.get("FRONTIER_ATLAS_CACHE")
    if env:
        return Path(env)
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "frontier-atlas"


def max_bytes() -> int:
    env = os.environ.get("FRONTIER_ATLAS_CACHE_MB", "").strip()
    try:
        return max(0, int(float(env) * 2**20)) if env else MAX_BYTES
    except ValueError:
        return MAX_BYTES


def code_files() -> list[Path]:
    """The loader code the key covers: every module of the data layer and of the base (``analysis/*.py``)."""
    files = sorted(PACKAGE.glob("*.py")) + sorted((PACKAGE / "data").rglob("*.py"))
    return [f for f in files if "__pycache__" not in f.parts]


@functools.lru_cache(maxsize=1)
def code_hash() -> str:
    h = hashlib.sha256()
    for f in code_files():
        h.update(f.relative_to(PACKAGE).as_posix().encode() + b"\0")
        h.update(f.read_bytes())
    return h.hexdigest()


def file_hashes(files: list[Path], shown: Callable[[Path], str]) -> dict[str, str]:
    """sha256 of each input file by its shown name; a missing file is recorded as such (the loader then fails)."""
    out = {}
    for f in files:
        try:
            out[shown(f)] = safeio.sha256_file(f, shown(f))
        except FileNotFoundError:
            out[shown(f)] = "<missing>"
    return out


def make_key(parts: list[str], inputs: dict[str, str]) -> str:
    h = hashlib.sha256(MAGIC)
    for v in (sys.version.split()[0], np.__version__, pd.__version__, code_hash(), *parts):
        h.update(v.encode() + b"\0")
    for name, sha in inputs.items():
        h.update(name.encode() + b"\0" + sha.encode() + b"\0")
    return h.hexdigest()


# --- encoding -----------------------------------------------------------------------------------------------------


def _kind(s: pd.Series) -> str:
    dt = s.dtype
    if dt == STR:
        return "str"
    if isinstance(dt, pd.Int64Dtype):
        return "Int64"
    if isinstance(dt, pd.BooleanDtype):
        return "boolean"
    if isinstance(dt, np.dtype):
        if dt == np.float64:
            return "float64"
        if dt == np.int64:
            return "int64"
        if dt == np.bool_:
            return "bool"
        if dt.kind == "M" and np.datetime_data(dt)[0] in ("s", "ms", "us", "ns"):
            return f"datetime64[{np.datetime_data(dt)[0]}]"
    raise Unsupported(f"column {s.name!r} has dtype {dt}")


def _encode_column(s: pd.Series, kind: str) -> list[bytes]:
    if kind == "str":
        codes, uniques = pd.factorize(s, use_na_sentinel=True)
        values = uniques.to_numpy(dtype=object).tolist()  # plain str objects (iterating the Index boxes each one)
        return [codes.astype("<i4").tobytes(), json.dumps(values, ensure_ascii=False).encode("utf-8")]
    if kind in ("Int64", "boolean"):
        fill = 0 if kind == "Int64" else False
        values = s.to_numpy(dtype="int64" if kind == "Int64" else "bool", na_value=fill)
        return [values.astype("<i8" if kind == "Int64" else "u1").tobytes(), s.isna().to_numpy().astype("u1").tobytes()]
    if kind.startswith("datetime64"):
        return [s.to_numpy().view("<i8").tobytes()]
    return [s.to_numpy().astype({"float64": "<f8", "int64": "<i8", "bool": "u1"}[kind]).tobytes()]


def encode(key: str, inputs: dict[str, str], entry: Entry) -> list[bytes]:
    """One cache file's bytes, as parts to write one after the other (a large table is never joined into one more
    copy); see the module docstring. Unsupported when a table cannot be stored exactly."""
    chunks: list[bytes] = []
    offset = 0
    tables = {}
    for name, df in entry.tables.items():
        idx = df.index
        if not (isinstance(idx, pd.RangeIndex) and idx.start == 0 and idx.step == 1):
            raise Unsupported(f"table {name!r} has a non-default index")
        if not all(isinstance(c, str) for c in df.columns) or df.columns.has_duplicates:
            raise Unsupported(f"table {name!r} has non-string or repeated column names")
        cols = []
        for c in df.columns:
            s = df[c]
            kind = _kind(s)
            spans = []
            for buf in _encode_column(s, kind):
                spans.append([offset, len(buf)])
                chunks.append(buf)
                offset += len(buf)
            cols.append({"name": c, "kind": kind, "spans": spans})
        tables[name] = {"rows": len(df), "columns": cols}
    digest = hashlib.sha256()
    for c in chunks:
        digest.update(c)
    header = {"format": FORMAT, "key": key, "inputs": inputs, "code": code_hash(), "meta": entry.meta,
              "tables": tables, "payload_bytes": offset, "payload_sha256": digest.hexdigest()}
    head = json.dumps(header, ensure_ascii=False, allow_nan=False).encode("utf-8")
    return [MAGIC + struct.pack("<Q", len(head)) + head, *chunks]


# --- decoding -----------------------------------------------------------------------------------------------------

_FIXED = {"float64": "<f8", "int64": "<i8", "bool": "u1"}
STR = pd.StringDtype(na_value=np.nan)  # pandas' default string dtype ("str")


def _span(payload: memoryview, span, itemsize: int, rows: int | None) -> memoryview:
    if not (isinstance(span, list) and len(span) == 2 and all(isinstance(v, int) and v >= 0 for v in span)):
        raise Bad("malformed column span")
    start, n = span
    if start + n > len(payload) or (rows is not None and n != rows * itemsize):
        raise Bad("column span outside the payload or of the wrong length")
    return payload[start:start + n]


def _decode_column(payload: memoryview, col: dict, rows: int):
    kind, spans, name = col.get("kind"), col.get("spans"), col.get("name")
    if not isinstance(name, str) or not isinstance(spans, list):
        raise Bad("malformed column")
    if kind == "str":
        if len(spans) != 2:
            raise Bad("malformed string column")
        codes = np.frombuffer(_span(payload, spans[0], 4, rows), dtype="<i4")
        uniques = json.loads(bytes(_span(payload, spans[1], 1, None)).decode("utf-8"))
        if not isinstance(uniques, list) or not all(isinstance(u, str) for u in uniques):
            raise Bad("malformed string dictionary")
        if len(codes) and (codes.min() < -1 or codes.max() >= len(uniques)):
            raise Bad("string code out of range")
        values = np.array(uniques + [np.nan], dtype=object).take(codes)  # code -1 takes the trailing NaN
        return pd.array(values, dtype=STR)
    if kind in ("Int64", "boolean"):
        if len(spans) != 2:
            raise Bad("malformed masked column")
        values = np.frombuffer(_span(payload, spans[0], 8 if kind == "Int64" else 1, rows),
                               dtype="<i8" if kind == "Int64" else "u1")
        mask = np.frombuffer(_span(payload, spans[1], 1, rows), dtype="u1").astype(bool)
        return (pd.arrays.IntegerArray(values.astype(np.int64), mask) if kind == "Int64"
                else pd.arrays.BooleanArray(values.astype(bool), mask))
    if isinstance(kind, str) and re.fullmatch(r"datetime64\[(s|ms|us|ns)\]", kind):
        if len(spans) != 1:
            raise Bad("malformed date column")
        return np.frombuffer(_span(payload, spans[0], 8, rows), dtype="<i8").view(kind).copy()
    if kind in _FIXED:
        if len(spans) != 1:
            raise Bad("malformed number column")
        arr = np.frombuffer(_span(payload, spans[0], np.dtype(_FIXED[kind]).itemsize, rows), dtype=_FIXED[kind])
        return arr.astype(kind, copy=True)
    raise Bad(f"unknown column kind {kind!r}")


def decode(data: bytes, key: str, inputs: dict[str, str]) -> Entry:
    """The entry in ``data`` if it is one for ``key`` built from ``inputs`` with this code; else :class:`Bad`."""
    if not data.startswith(MAGIC) or len(data) < len(MAGIC) + 8:
        raise Bad("not a cache file of this format")
    (n,) = struct.unpack_from("<Q", data, len(MAGIC))
    start = len(MAGIC) + 8
    if start + n > len(data):
        raise Bad("truncated header")
    try:
        header = json.loads(data[start:start + n].decode("utf-8"))
    except (UnicodeDecodeError, ValueError):
        raise Bad("unreadable header") from None
    if not isinstance(header, dict) or header.get("format") != FORMAT:
        raise Bad("other format")
    if header.get("key") != key or header.get("inputs") != inputs or header.get("code") != code_hash():
        raise Bad("built from other inputs or other code")
    payload = memoryview(data)[start + n:]
    if header.get("payload_bytes") != len(payload) or header.get("payload_sha256") != hashlib.sha256(payload).hexdigest():
        raise Bad("payload truncated or changed")
    tables = header.get("tables")
    meta = header.get("meta")
    if not isinstance(tables, dict) or not isinstance(meta, dict):
        raise Bad("malformed header")
    out = {}
    for name, t in tables.items():
        if not isinstance(t, dict) or not isinstance(t.get("rows"), int) or not isinstance(t.get("columns"), list):
            raise Bad("malformed table")
        rows = t["rows"]
        if not all(isinstance(c, dict) for c in t["columns"]):
            raise Bad("malformed column")
        names = [c.get("name") for c in t["columns"]]
        if len(set(names)) != len(names):
            raise Bad("repeated column name")
        arrays = {n: _decode_column(payload, c, rows) for n, c in zip(names, t["columns"])}
        out[name] = pd.DataFrame(arrays, index=pd.RangeIndex(rows), copy=False)
    return Entry(out, meta)


# --- the cache ----------------------------------------------------------------------------------------------------

_MEMORY: OrderedDict[str, Entry] = OrderedDict()


def entry_path(key: str) -> Path:
    return cache_dir() / f"dataset-{key[:32]}{SUFFIX}"


def _read(path: Path, key: str, inputs: dict[str, str]) -> Entry | None:
    try:
        st = os.stat(path)
        if st.st_size > max(max_bytes(), 1):
            return None
        data = safeio.read_bytes_limited(path, str(path), max(max_bytes(), 1))
        entry = decode(data, key, inputs)
    except (OSError, Bad, safeio.UsageError, ValueError, TypeError, struct.error):
        return None  # missing, unreadable, foreign, truncated or stale: a miss, rebuilt from the files
    with contextlib.suppress(OSError):
        os.utime(path)  # least recently used is evicted first
    return entry


def _write(path: Path, parts: list[bytes]) -> None:
    """Write ``parts`` to ``path`` through a temporary file; on any error nothing is left behind."""
    size = sum(len(b) for b in parts)
    folder = path.parent
    folder.mkdir(parents=True, exist_ok=True)
    if shutil.disk_usage(folder).free < 2 * size + 64 * 2**20:
        return  # leave room: a cache is never worth filling a disk
    tmp = folder / f".tmp-{os.getpid()}-{os.urandom(4).hex()}{SUFFIX}"
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_CLOEXEC", 0),
                 0o600)
    try:
        try:
            for part in parts:
                view = memoryview(part)
                while view:
                    view = view[os.write(fd, view):]
        finally:
            os.close(fd)
        os.replace(tmp, path)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise


def prune(folder: Path | None = None, *, keep: Path | None = None) -> None:
    """Evict least recently used entries beyond :data:`MAX_ENTRIES` / :func:`max_bytes`; remove stale temporary
    files and format-1 pickles. Only files named as ours are touched."""
    folder = cache_dir() if folder is None else folder
    now = time.time()
    entries = []
    try:
        names = os.listdir(folder)
    except OSError:
        return
    for name in names:
        p = folder / name
        try:
            st = os.lstat(p)
        except OSError:
            continue
        if not (st.st_mode & 0o170000) == 0o100000:  # regular files only
            continue
        if TMP.match(name):
            if now - st.st_mtime > STALE_TMP_SECONDS:
                with contextlib.suppress(OSError):
                    os.unlink(p)
        elif ENTRY.match(name):
            if name.endswith(".pickle"):  # format 1 (pickle): never read again
                with contextlib.suppress(OSError):
                    os.unlink(p)
            else:
                entries.append((st.st_mtime, st.st_size, p))
    entries.sort(key=lambda e: (e[2] == keep, e[0]), reverse=True)  # the entry just used first, then newest
    total, limit = 0, max_bytes()
    for i, (_, size, p) in enumerate(entries):
        total += size
        if i >= MAX_ENTRIES or total > limit:
            with contextlib.suppress(OSError):
                os.unlink(p)


def cached(key: str, inputs: dict[str, str], build: Callable[[], Entry]) -> Entry:
    """Memory, then disk, then ``build()`` (stored in both when it fits). The entry is shared: copy before editing."""
    if key in _MEMORY:
        _MEMORY.move_to_end(key)
        return _MEMORY[key]
    path = entry_path(key)
    entry = _read(path, key, inputs) if path.is_file() else None
    if entry is None:
        entry = build()
        try:
            parts = encode(key, inputs, entry)
        except (Unsupported, TypeError, ValueError):
            parts = None  # kept in memory only
        if parts is not None and sum(len(b) for b in parts) <= max_bytes():
            with contextlib.suppress(OSError):
                _write(path, parts)
        del parts
        with contextlib.suppress(OSError):
            prune(path.parent, keep=path)
    _MEMORY[key] = entry
    while len(_MEMORY) > MEMORY_ENTRIES:
        _MEMORY.popitem(last=False)
    return entry


def clear_memory() -> None:
    _MEMORY.clear()
