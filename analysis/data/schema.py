"""The data dictionary, read from ``data/datapackage.json`` (Frictionless Tabular Data Package).

The JSON is the single declaration of every curated file's columns, units, allowed values and provenance;
the validator, the loaders and the reports all read it through this module.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

PROJECT_ROOT = Path(__file__).resolve().parents[2]
DATA_DIR = PROJECT_ROOT / "data"
DATAPACKAGE = DATA_DIR / "datapackage.json"

TABLES = ("models", "benchmarks", "openness", "transparency", "hardware")


@dataclass(frozen=True)
class Field:
    name: str
    type: str  # string | number | integer | date
    title: str
    description: str
    unit: str | None
    required: bool
    unique: bool
    enum: tuple[str, ...] | None
    minimum: Any
    maximum: Any
    pattern: str | None


@dataclass(frozen=True)
class Resource:
    name: str
    path: str
    title: str
    fields: tuple[Field, ...]
    primary_key: tuple[str, ...]
    foreign_keys: tuple[tuple[str, str, str], ...]  # (column, resource, column)
    sha256: str | None
    sources: tuple[dict, ...]

    @property
    def columns(self) -> list[str]:
        return [f.name for f in self.fields]

    def field(self, name: str) -> Field:
        for f in self.fields:
            if f.name == name:
                return f
        raise KeyError(name)


def _field(d: dict) -> Field:
    c = d.get("constraints", {})
    return Field(
        name=d["name"],
        type=d["type"],
        title=d.get("title", d["name"]),
        description=d.get("description", ""),
        unit=d.get("unit"),
        required=bool(c.get("required", False)),
        unique=bool(c.get("unique", False)),
        enum=tuple(c["enum"]) if "enum" in c else None,
        minimum=c.get("minimum"),
        maximum=c.get("maximum"),
        pattern=c.get("pattern"),
    )


@lru_cache(maxsize=4)
def _load(path: str) -> dict:
    return json.loads(Path(path).read_text(encoding="utf-8"))


def datapackage(path: Path = DATAPACKAGE) -> dict:
    """The raw datapackage descriptor."""
    return _load(str(path))


def resources(path: Path = DATAPACKAGE) -> dict[str, Resource]:
    """All resources of the data package, by name (parsed once per process; do not edit the dict)."""
    return _resources(str(path))


@lru_cache(maxsize=4)
def _resources(path: str) -> dict[str, Resource]:
    out = {}
    for r in datapackage(Path(path))["resources"]:
        schema = r["schema"]
        fks = tuple(
            (fk["fields"], fk["reference"]["resource"], fk["reference"]["fields"]) for fk in schema.get("foreignKeys", [])
        )
        h = r.get("hash")
        out[r["name"]] = Resource(
            name=r["name"],
            path=r["path"],
            title=r.get("title", r["name"]),
            fields=tuple(_field(f) for f in schema["fields"]),
            primary_key=tuple(schema.get("primaryKey", [])),
            foreign_keys=fks,
            sha256=h.split(":", 1)[1] if h else None,
            sources=tuple(r.get("sources", [])),
        )
    return out


def resource(name: str) -> Resource:
    return resources()[name]
