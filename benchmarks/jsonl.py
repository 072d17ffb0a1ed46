"""JSON Lines cohort timing: microseconds per record for ``classify_many`` and
``validate_many`` over JSON Lines text, and for reading a record alone.

Run with ``python benchmarks/jsonl.py [records] [rounds]``. The machine is shared and noisy:
each figure is the median of several rounds, and a before/after comparison should
interleave runs of the two trees (``PYTHONPATH=... python benchmarks/jsonl.py``) in one
session rather than compare with a number written down earlier.
"""

from __future__ import annotations

import json
import statistics
import sys
import time
from collections.abc import Callable, Iterable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))  # for cohorts.py

import cohorts

import earlyhelp_core as eh
from earlyhelp_core.cohorts._records import read_record


def per_record_us(run: Callable[[], Iterable[object]], n: int, rounds: int) -> float:
    """Median over ``rounds`` of the microseconds per record that ``run`` takes."""
    times = []
    for _ in range(rounds):
        start = time.perf_counter()
        for _ in run():
            pass
        times.append((time.perf_counter() - start) / n * 1e6)
    return statistics.median(times)


def main(argv: list[str] | None = None) -> None:
    args = sys.argv[1:] if argv is None else argv
    n = int(args[0]) if args else 5_000
    rounds = int(args[1]) if len(args) > 1 else 7
    bromley = eh.load_authority("bromley")
    lines = [json.dumps(r) for r in cohorts.synthetic(bromley, n)]
    # a tenth of the records give a level of another authority (EH030 looks for the nearest)
    for i in range(0, n, 10):
        record = json.loads(lines[i])
        record["recorded_level"] = {"level": "tier-9", "rationale": "as agreed"}
        lines[i] = json.dumps(record)
    list(eh.validate_many(bromley, lines[:10]))  # warm: rules registered, caches filled
    read = per_record_us(lambda: (read_record(line, line=1) for line in lines), n, rounds)
    classify = per_record_us(lambda: eh.classify_many(bromley, lines), n, rounds)
    validate = per_record_us(lambda: eh.validate_many(bromley, lines), n, rounds)
    print(f"read_record (JSON Lines)    {read:7.1f} us/record")
    print(f"classify_many (JSON Lines)  {classify:7.1f} us/record")
    print(f"validate_many (JSON Lines)  {validate:7.1f} us/record")


if __name__ == "__main__":
    main()
