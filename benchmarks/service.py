"""The service under load on loopback: 20,000 assessments from 32 concurrent clients
(while two more send garbage, oversized and slow bodies), throughput and p50/p99 latency
beside parsing and classifying the same documents in-process, in the same run.

Run alone with ``python benchmarks/service.py``; ``make bench`` runs it when the service
extra is installed. Client and server share this machine's cores.
"""

from __future__ import annotations

import statistics
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from tests.service import _load  # noqa: E402

import earlyhelp_core as eh  # noqa: E402

RECORDS = 20_000
CLIENTS = 32
RUNS = 3


def _spread(values: list[float], unit: str, digits: int = 0) -> str:
    return (
        f"{statistics.median(values):,.{digits}f} {unit} "
        f"(min {min(values):,.{digits}f}, max {max(values):,.{digits}f})"
    )


def main() -> None:
    bromley = eh.load_authority("bromley")
    docs = _load.cohort(bromley, RECORDS)
    for workers in (1, 2):
        rates, p50s, p99s, local = [], [], [], []
        with _load.server("bromley", workers=workers) as base:
            for _ in range(RUNS):
                load = _load.run(base, bromley, docs, clients=CLIENTS)
                assert not load.wrong, load.wrong[:3]
                rates.append(load.per_second)
                p50s.append(load.percentile(0.5) * 1000)
                p99s.append(load.percentile(0.99) * 1000)
                local.append(_load.in_process_per_second(bromley, docs[:5000]))
        label = f"service, {workers} worker{'s' if workers > 1 else ''}, {CLIENTS} clients"
        print(f"{label + ', assessments/s':<58} {_spread(rates, '/s')}")
        print(f"{'  latency p50':<58} {_spread(p50s, 'ms', 1)}")
        print(f"{'  latency p99':<58} {_spread(p99s, 'ms', 1)}")
        ratios = [x / y for x, y in zip(local, rates, strict=True)]
        print(
            f"{'  in-process parse + classify, same run':<58} {_spread(local, '/s')}: "
            f"{_spread(ratios, 'x the service', 1)}"
        )


if __name__ == "__main__":
    main()
