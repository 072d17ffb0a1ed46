"""Cohort benchmarks: the peer decision engine, streaming, the columnar path, the CLI.

Run through ``benchmarks/run.py`` (``make bench``). Sizes are environment variables so a
quick run is possible: ``EARLYHELP_BENCH_RECORDS`` (default 1,000,000).
"""

from __future__ import annotations

import json
import os
import random
import subprocess
import sys
import tempfile
import time
import timeit
from collections.abc import Callable, Iterator
from pathlib import Path

import yaml

import earlyhelp_core as eh
from earlyhelp_core.thresholds import compile_config

RECORDS = int(os.environ.get("EARLYHELP_BENCH_RECORDS", "1000000"))


def zen_decision(authority: eh.Authority) -> Callable[[list[str]], int]:
    """The same matrix as a gorules zen-engine decision table (hit policy: collect), with
    the highest level taken from what it collects."""
    import zen

    index = {lv.id: i for i, lv in enumerate(authority.config.levels)}
    rules = [
        {"_id": f"r{n}", "in": f'contains($, "{factor}")', "out": str(index[m.level])}
        for n, (factor, m) in enumerate(authority.config.factors.items())
    ]
    content = {
        "nodes": [
            {"id": "input", "type": "inputNode", "name": "in", "position": {"x": 0, "y": 0}},
            {
                "id": "table",
                "type": "decisionTableNode",
                "name": "matrix",
                "position": {"x": 0, "y": 0},
                "content": {
                    "hitPolicy": "collect",
                    "inputs": [{"id": "in", "name": "factors", "field": "factors"}],
                    "outputs": [{"id": "out", "name": "level", "field": "level"}],
                    "rules": rules,
                },
            },
            {"id": "output", "type": "outputNode", "name": "out", "position": {"x": 0, "y": 0}},
        ],
        "edges": [
            {"id": "a", "sourceId": "input", "targetId": "table", "type": "edge"},
            {"id": "b", "sourceId": "table", "targetId": "output", "type": "edge"},
        ],
    }
    decision = zen.ZenEngine().create_decision(json.dumps(content))

    def evaluate(factors: list[str]) -> int:
        found = decision.evaluate({"factors": factors})["result"]
        return max((row["level"] for row in found), default=0)

    return evaluate


def zen_ratio(authority: eh.Authority, assessment: eh.Assessment) -> tuple[float, float, float]:
    """(classify us, zen us, zen / classify) of one run: the best of interleaved rounds."""
    evaluate = zen_decision(authority)
    factors = sorted(assessment.factor_ids)
    assert authority.levels[evaluate(factors)] == authority.classify(assessment).computed_level
    ours, theirs = [], []
    for _ in range(3):
        ours.append(
            min(timeit.repeat(lambda: authority.classify(assessment), number=5000, repeat=3)) / 5000
        )
        theirs.append(min(timeit.repeat(lambda: evaluate(factors), number=200, repeat=3)) / 200)
    return min(ours) * 1e6, min(theirs) * 1e6, min(theirs) / min(ours)


def with_rules(bromley: eh.Authority, n: int, *, few: bool = False) -> eh.Authority:
    """Bromley given ``n`` escalation rules, each needing more needs than the example
    assessment has (so none fires for it), counted from each level in turn.

    With ``few``, each rule needs only 1 to 7 needs, counted from the lowest level or the
    next, across all 3 domains: the example has enough needs there for every rule, but in 2
    domains, so none fires, and each classification counts its needs by level and gathers
    their domains (no short cut)."""
    data = bromley.config.model_dump(mode="json")
    source = data["levels"][0]["source"]
    levels = [lv["id"] for lv in data["levels"]]
    rules = [
        {
            "id": f"bench-{i}",
            "when": {
                "at_least": 1 + i % 7 if few else 20 + i % 30,
                "at_level": levels[i % (2 if few else len(levels) - 1)],
                "across_domains": 3 if few else 1 + i % 3,
            },
            "then": levels[-1],
            "source": source,
        }
        for i in range(n)
    ]
    return compile_config(eh.AuthorityConfig.model_validate({**data, "escalation": rules}))


def rules_file(bromley: eh.Authority, n: int, folder: Path) -> str:
    """A config file of Bromley with ``n`` rules counting 1-7 needs in 3 domains (see
    :func:`with_rules`), for the paths that load a config by name."""
    path = folder / f"bromley-{n}-rules.yaml"
    config = with_rules(bromley, n, few=True).config.model_dump(mode="json")
    path.write_text(yaml.safe_dump(config, sort_keys=False), encoding="utf-8")
    return str(path)


def synthetic(authority: eh.Authority, n: int, seed: int = 7) -> Iterator[dict[str, object]]:
    """``n`` small, valid assessments with 0-6 factors each, drawn from the matrix."""
    rng = random.Random(seed)
    factors = sorted(authority.config.factors)
    for i in range(n):
        chosen = rng.sample(factors, rng.randint(0, 6))
        yield {
            "kind": "early-help-assessment",
            "id": f"R{i:07}",
            "assessed_on": "2024-03-01",
            "assessor": {"name": "n", "agency": "a", "role": "r"},
            "consent": {"given": True, "given_on": "2024-02-28", "by": "p1"},
            "family": {
                "id": f"F{i:07}",
                "members": [
                    {"id": "c1", "role": "child", "date_of_birth": "2015-01-01"},
                    {"id": "p1", "role": "parent"},
                ],
            },
            "factors": [{"factor": f, "about": ["c1"]} for f in chosen],
        }


STREAM = """
import json, sys, time
sys.path.insert(0, {bench!r})
import earlyhelp_core as eh
from cohorts import synthetic
authority = eh.load_authority({config!r})
lines = (json.dumps(r) for r in synthetic(authority, {n}))
start = time.perf_counter()
count = sum(1 for r in eh.classify_many(authority, lines) if r.decision is not None)
took = time.perf_counter() - start
peak = [l for l in open("/proc/self/status") if l.startswith("VmHWM")][0].split()[1]
print(count, took, int(peak) // 1024)
"""


def streaming(n: int, config: str = "bromley") -> tuple[int, float, int]:
    """(records classified, seconds, peak MiB) for ``n`` JSON Lines records under
    ``config`` (an id or a file), in a fresh process."""
    code = STREAM.format(bench=str(Path(__file__).parent), n=n, config=config)
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    count, took, peak = out.stdout.split()
    return int(count), float(took), int(peak)


def columnar(authority: eh.Authority, n: int) -> tuple[list[float], int]:
    """(seconds of each of 3 runs, rows) to classify ``n`` records given as long columns
    (one core)."""
    import pyarrow as pa

    from earlyhelp_core.cohorts.columnar import classify_table

    rng = random.Random(11)
    factors = sorted(authority.config.factors)
    records, values = [], []
    for i in range(n):
        k = rng.randint(0, 4)
        if k == 0:
            records.append(i)
            values.append(None)
        for f in rng.sample(factors, k):
            records.append(i)
            values.append(f)
    table = pa.table(
        {"record": pa.array(records, pa.int64()), "factor": pa.array(values, pa.string())}
    )
    pa.set_cpu_count(1)
    pa.set_io_thread_count(1)
    times = []
    for _ in range(3):
        start = time.perf_counter()
        out = classify_table(authority, table)
        times.append(time.perf_counter() - start)
    assert out.num_rows == n
    return times, table.num_rows


def cli_100k(
    authority_id: str = "bromley", n: int = 100_000, *extra: str
) -> tuple[float, str, int]:
    """(seconds, summary line, bytes written) for ``earlyhelp assess --format jsonl`` over
    ``n`` JSON Lines records; ``extra``: more arguments (``--fields``)."""
    authority = eh.load_authority(authority_id)
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "cohort.jsonl"
        with path.open("w", encoding="utf-8") as f:
            for record in synthetic(authority, n):
                f.write(json.dumps(record) + "\n")
        start = time.perf_counter()
        run = subprocess.run(
            [
                sys.executable,
                "-m",
                "earlyhelp_core.cli",
                "assess",
                str(path),
                "--authority",
                authority_id,
                "--format",
                "jsonl",
                *extra,
            ],
            capture_output=True,
            check=False,
        )
        took = time.perf_counter() - start
    summary = run.stderr.decode("utf-8").strip().splitlines()[-1]
    return took, summary, len(run.stdout)


FILED_AT = "6c4faa7"
"""The commit whose command line the scale issue measured as "today's": the baseline of its
target for ``earlyhelp assess --format jsonl`` (at least twice its records/s)."""

MAKE_INPUT = """
import json, sys
sys.path.insert(0, sys.argv[1])
import earlyhelp_core as eh
from cohorts import synthetic
with open(sys.argv[2], "w", encoding="utf-8") as f:
    for record in synthetic(eh.load_authority("bromley"), int(sys.argv[3])):
        f.write(json.dumps(record) + "\\n")
"""


def against_filed(n: int = 100_000, runs: int = 3) -> dict[str, list[tuple[float, int]]] | None:
    """(seconds, bytes written) of each of ``runs`` runs of ``earlyhelp assess --format
    jsonl`` over the same ``n`` records, by the command line at :data:`FILED_AT` and by this
    checkout's (one process, and ``--jobs 2``), taken in turn; output to a file, as a user
    would. The records are made by that commit's own generator, so both read them. None
    when :data:`FILED_AT` cannot be had (not a git clone)."""
    root = Path(__file__).resolve().parents[1]
    with tempfile.TemporaryDirectory() as tmp:
        old = Path(tmp) / "old"
        old.mkdir()
        archive = subprocess.run(
            ["git", "-C", str(root), "archive", FILED_AT],
            capture_output=True,
            check=False,
        )
        if archive.returncode != 0:
            return None
        subprocess.run(["tar", "-x", "-C", str(old)], input=archive.stdout, check=True)
        records = Path(tmp) / "cohort.jsonl"
        subprocess.run(
            [sys.executable, "-c", MAKE_INPUT, str(old / "benchmarks"), str(records), str(n)],
            env={**os.environ, "PYTHONPATH": str(old / "src")},
            check=True,
        )
        sides = {
            FILED_AT: (old / "src", ()),
            "this checkout": (root / "src", ()),
            "this checkout, --jobs 2": (root / "src", ("--jobs", "2")),
        }
        out: dict[str, list[tuple[float, int]]] = {side: [] for side in sides}
        for _ in range(runs):
            for side, (src, extra) in sides.items():
                written = Path(tmp) / "out.jsonl"
                with written.open("wb") as sink:
                    start = time.perf_counter()
                    command = [sys.executable, "-m", "earlyhelp_core.cli", "assess", str(records)]
                    subprocess.run(
                        [*command, "--authority", "bromley", "--format", "jsonl", *extra],
                        stdout=sink,
                        stderr=subprocess.DEVNULL,
                        env={**os.environ, "PYTHONPATH": str(src)},
                        check=False,
                    )
                    took = time.perf_counter() - start
                out[side].append((took, written.stat().st_size))
    return out
