"""How a benchmark reports a flat result: printed one figure a line, and kept as JSON."""

from __future__ import annotations

import json
import os
import platform
import resource
import subprocess
import sys
import time
from collections.abc import Sequence
from pathlib import Path


def write_report(result: dict, name: str) -> None:
    """Print ``result`` and write it to data/08_reporting/benchmarks/<name>.json."""
    width = max(map(len, result))
    for key, value in result.items():
        shown = f"{value:.4g}" if isinstance(value, float) else value
        print(f"{key:>{width}}: {shown}")
    save_json(result, Path("data/08_reporting/benchmarks") / f"{name}.json")


def save_json(data: dict | list, out: Path) -> Path:
    """Write ``data`` as indented JSON to ``out``, making its folder: every benchmark's file."""
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(data, indent=2))
    return out


def machine() -> dict:
    """The host and the cores this process may use: figures differ between machines."""
    return {
        "machine": f"{platform.node()} {platform.processor() or platform.machine()}",
        "cpu_count": len(os.sched_getaffinity(0)),
    }


# The columns of ``time_steps``' figures in a ``print_table``: header, key, format.
TIMING_COLUMNS = [
    ("s/step", "step_s", ".3f"),
    ("cpu s", "cpu_s", ".3f"),
    ("img/s", "images_per_s", ".1f"),
    ("peak RSS MB", "peak_rss_mb", ".0f"),
]


def time_steps(gan, dataset, steps: int, warmup: int, batch_size: int) -> dict:
    """Train ``warmup`` steps (tracing and compiling the step), then time ``steps`` more: wall
    and CPU seconds per step (``cpu_s``, all threads: steadier where other work shares the
    cores) and the process's peak RSS so far."""
    gan.fit(dataset, steps_per_epoch=warmup, epochs=1, verbose=0)
    start, cpu_start = time.perf_counter(), time.process_time()
    gan.fit(dataset, steps_per_epoch=steps, epochs=1, verbose=0)
    seconds = (time.perf_counter() - start) / steps
    return {
        "step_s": seconds,
        "cpu_s": (time.process_time() - cpu_start) / steps,
        "images_per_s": batch_size / seconds,
        "peak_rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,  # Linux: KiB
    }


def run_child(command: list[str], cwd: Path, env: dict | None = None) -> dict:
    """Run one measurement in its own process (its own backend, its own peak RSS) and return
    the JSON object it prints last; stop with its error output if it fails."""
    child = subprocess.run(command, check=False, capture_output=True, text=True, cwd=cwd, env=env)
    if child.returncode:
        sys.exit(f"{' '.join(command[2:])} failed:\n{child.stderr[-3000:]}")
    return json.loads(child.stdout.strip().splitlines()[-1])


def print_table(rows: Sequence[dict], columns: Sequence[tuple[str, str, str]]) -> None:
    """Print ``rows`` as a right-aligned table; ``columns`` are (header, key, format spec)."""
    cells = [[format(row[key], spec) for _, key, spec in columns] for row in rows]
    widths = [
        max(len(header), *(len(line[index]) for line in cells))
        for index, (header, _, _) in enumerate(columns)
    ]
    print("  ".join(f"{header:>{w}}" for (header, _, _), w in zip(columns, widths, strict=True)))
    for line in cells:
        print("  ".join(f"{cell:>{w}}" for cell, w in zip(line, widths, strict=True)))
