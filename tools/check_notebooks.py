"""Fail if a notebook under notebooks/ is stored with outputs or execution counts (used by `make lint`)."""

import json
import sys
from pathlib import Path

bad = []
for nb in sorted(Path("notebooks").glob("*.ipynb")):
    cells = json.loads(nb.read_text(encoding="utf-8")).get("cells", [])
    if any(c.get("outputs") or c.get("execution_count") for c in cells if c.get("cell_type") == "code"):
        bad.append(str(nb))
if bad:
    print("notebooks stored with outputs (strip them):", *bad, sep="\n  ")
    sys.exit(1)
print(f"ok: {len(list(Path('notebooks').glob('*.ipynb')))} notebooks without outputs")
