"""Under load from 32 clients, with others sending garbage, oversized and slow bodies, the
server answers every request, each with its own answer, and refuses the hostile ones.

Correctness only: the figures (throughput, p50/p99 beside in-process classify) are
printed and written to ``test-artifacts/load.txt``; ``benchmarks/service.py`` measures
them for ``benchmarks/RESULTS.md``."""

from __future__ import annotations

from pathlib import Path

import pytest

import earlyhelp_core as eh

from . import _load

pytestmark = pytest.mark.load

ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"


def test_twenty_thousand_assessments_from_32_clients_each_get_their_own_answer() -> None:
    bromley = eh.load_authority("bromley")
    docs = _load.cohort(bromley, 20_000)
    with _load.server("bromley") as base:
        load = _load.run(base, bromley, docs, clients=32)
    assert load.requests == len(docs)
    assert load.wrong == []
    refused = {key.split()[0]: key.split()[1] for key in load.hostile}
    assert set(refused) == {"garbage", "oversized", "slow"}
    assert set(load.hostile) <= {"garbage 422", "oversized 413", "slow 408"}
    report = _load.summary(load, _load.in_process_per_second(bromley, docs[:5000]))
    ARTIFACTS.mkdir(exist_ok=True)
    (ARTIFACTS / "load.txt").write_text(report + "\n", encoding="utf-8")
    print(report)
