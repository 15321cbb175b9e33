"""How a benchmark reports a flat result: printed one figure a line, and kept as JSON."""

from __future__ import annotations

import json
from pathlib import Path


def write_report(result: dict, name: str) -> None:
    """Print ``result`` and write it to data/08_reporting/benchmarks/<name>.json."""
    width = max(map(len, result))
    for key, value in result.items():
        shown = f"{value:.4g}" if isinstance(value, float) else value
        print(f"{key:>{width}}: {shown}")
    out = Path("data/08_reporting/benchmarks") / f"{name}.json"
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(result, indent=2))
