"""A bounded load on a real server over loopback: many clients sending assessments, each
answer checked against its request, while other clients send garbage, oversized and slow
bodies. Used by the load test (correctness under load) and by ``benchmarks/service.py``
(throughput and latency beside in-process ``classify``)."""

from __future__ import annotations

import asyncio
import contextlib
import json
import os
import random
import socket
import statistics
import subprocess
import sys
import time
import urllib.request
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

import httpx2

import earlyhelp_core as eh

BODY_SECONDS = 2.0
MAX_BODY_BYTES = 64 * 1024
HOSTILE = 2
"""Clients sending garbage, oversized and slow bodies throughout a run."""


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@contextmanager
def serving(*args: str, env: dict[str, str] | None = None) -> Iterator[str]:
    """``earlyhelp serve ARGS`` in a child process on a free loopback port; its base URL
    once it answers ``/health``."""
    port = free_port()
    process = subprocess.Popen(
        [
            *(sys.executable, "-m", "earlyhelp_core.cli", "serve"),
            *("--port", str(port), "--log-level", "warning", *args),
        ],
        env={**os.environ, **(env or {})},
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                with urllib.request.urlopen(f"{base}/health", timeout=5):
                    break
            except OSError:
                if process.poll() is not None or time.monotonic() > deadline:
                    message = f"the server did not start: {process.communicate()[1]}"
                    raise RuntimeError(message) from None
                time.sleep(0.1)
        yield base
    finally:
        process.terminate()
        process.communicate(timeout=20)


def server(authority: str = "bromley", workers: int = 1) -> contextlib.AbstractContextManager[str]:
    """The server a load runs against: one authority, tight body limits."""
    return serving(
        *("--authority", authority, "--workers", str(workers)),
        *("--body-seconds", str(BODY_SECONDS), "--max-body-bytes", str(MAX_BODY_BYTES)),
    )


def cohort(authority: eh.Authority, n: int, seed: int = 41) -> list[dict[str, Any]]:
    """``n`` assessments of 0-6 of the matrix's factors, each with its own id."""
    rng = random.Random(seed)
    factors = sorted(authority.placements)
    return [
        {
            "kind": "early-help-assessment",
            "id": f"LOAD-{i:06}",
            "assessed_on": "2024-03-01",
            "family": {
                "id": f"F{i:06}",
                "members": [{"id": "c1", "role": "child", "date_of_birth": "2015-01-01"}],
            },
            "factors": [
                {"factor": f, "about": ["c1"]} for f in rng.sample(factors, rng.randint(0, 6))
            ],
        }
        for i in range(n)
    ]


@dataclass
class Load:
    """What a run saw."""

    requests: int = 0
    seconds: float = 0.0
    latencies: list[float] = field(default_factory=list)
    wrong: list[str] = field(default_factory=list)
    """Answers that did not match their request (id, level or request id): none, ever."""
    hostile: Counter[str] = field(default_factory=Counter)
    """The hostile clients' answers: what was sent, and the status it got."""

    @property
    def per_second(self) -> float:
        return self.requests / self.seconds

    def percentile(self, q: float) -> float:
        ordered = sorted(self.latencies)
        return ordered[min(len(ordered) - 1, int(q * len(ordered)))]


class _Connection:
    """One keep-alive HTTP/1.1 connection that writes each request in one piece and
    reads each answer by its Content-Length: light enough that the server, not the
    client, is what a run measures."""

    def __init__(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        self.reader = reader
        self.writer = writer

    @classmethod
    async def open(cls, base: str) -> _Connection:
        host, port = base.removeprefix("http://").split(":")
        return cls(*await asyncio.open_connection(host, int(port)))

    async def post(
        self, target: str, body: bytes, request_id: str
    ) -> tuple[int, dict[str, str], bytes]:
        head = (
            f"POST {target} HTTP/1.1\r\nHost: loopback\r\nContent-Type: application/json\r\n"
            f"Content-Length: {len(body)}\r\nX-Request-ID: {request_id}\r\n\r\n"
        )
        self.writer.write(head.encode() + body)
        await self.writer.drain()
        status = int((await self.reader.readline()).split()[1])
        headers: dict[str, str] = {}
        while (line := await self.reader.readline()) not in (b"\r\n", b""):
            name, _, value = line.decode("latin-1").partition(":")
            headers[name.strip().lower()] = value.strip()
        return status, headers, await self.reader.readexactly(int(headers["content-length"]))

    def close(self) -> None:
        self.writer.close()


async def _good(
    base: str,
    authority: str,
    docs: list[dict[str, Any]],
    levels: dict[str, str],
    load: Load,
) -> None:
    connection = await _Connection.open(base)
    target = f"/authorities/{authority}/assess?explain=false"
    try:
        for doc in docs:
            body = json.dumps(doc).encode()
            started = time.perf_counter()
            status, headers, answer = await connection.post(target, body, doc["id"])
            load.latencies.append(time.perf_counter() - started)
            load.requests += 1
            if status != 200:
                load.wrong.append(f"{doc['id']}: status {status}")
                continue
            got = json.loads(answer)
            if headers.get("x-request-id") != doc["id"] or got["id"] != doc["id"]:
                load.wrong.append(f"{doc['id']}: answered as {got['id']}")
            elif got["level"]["id"] != levels[doc["id"]]:
                load.wrong.append(f"{doc['id']}: {got['level']['id']} != {levels[doc['id']]}")
    finally:
        connection.close()


async def _slow(host: str, port: int) -> int:
    """Headers and a little of a body, then nothing: the server gives up on it."""
    reader, writer = await asyncio.open_connection(host, port)
    writer.write(
        b"POST /authorities/bromley/assess HTTP/1.1\r\nHost: x\r\n"
        b'Content-Type: application/json\r\nContent-Length: 1000\r\n\r\n{"kind": '
    )
    await writer.drain()
    line = await asyncio.wait_for(reader.readline(), BODY_SECONDS * 10)
    writer.close()
    return int(line.split()[1])


async def _hostile(base: str, authority: str, load: Load, stop: asyncio.Event) -> None:
    host, port = base.removeprefix("http://").split(":")
    async with httpx2.AsyncClient(base_url=base, timeout=60) as client:
        round_ = 0
        while not stop.is_set():
            round_ += 1
            kind = ("garbage", "oversized", "slow")[round_ % 3]
            if kind == "slow":
                status = await _slow(host, int(port))
            else:
                body = b"{not json" if kind == "garbage" else b" " * (MAX_BODY_BYTES + 1)
                answer = await client.post(
                    f"/authorities/{authority}/assess",
                    content=body,
                    headers={"content-type": "application/json"},
                )
                status = answer.status_code
            load.hostile[f"{kind} {status}"] += 1


async def _run(
    base: str, authority: str, docs: list[dict[str, Any]], levels: dict[str, str], clients: int
) -> Load:
    load = Load()
    stop = asyncio.Event()
    hostile = [asyncio.create_task(_hostile(base, authority, load, stop)) for _ in range(HOSTILE)]
    started = time.perf_counter()
    await asyncio.gather(
        *(_good(base, authority, docs[i::clients], levels, load) for i in range(clients))
    )
    load.seconds = time.perf_counter() - started
    stop.set()
    await asyncio.gather(*hostile)
    return load


def run(base: str, authority: eh.Authority, docs: list[dict[str, Any]], clients: int = 32) -> Load:
    """Send every document from ``clients`` concurrent clients (and two hostile ones)."""
    levels = {}
    for doc in docs:
        parsed = eh.parse_document(doc)
        assert isinstance(parsed, eh.Assessment)
        levels[parsed.id] = authority.classify(parsed).level.id
    return asyncio.run(_run(base, authority.id, docs, levels, clients))


def in_process_per_second(authority: eh.Authority, docs: list[dict[str, Any]]) -> float:
    """Parse and classify the same documents in this process, from JSON text, as the
    server does for each request."""
    texts = [json.dumps(doc) for doc in docs]
    started = time.perf_counter()
    for text in texts:
        parsed = eh.parse_document(json.loads(text))
        assert isinstance(parsed, eh.Assessment)
        authority.classify(parsed).to_dict()
    return len(texts) / (time.perf_counter() - started)


def summary(load: Load, in_process: float) -> str:
    ms = 1000
    return (
        f"{load.requests:,} assessments in {load.seconds:.1f} s: {load.per_second:,.0f}/s, "
        f"p50 {load.percentile(0.5) * ms:.1f} ms, p99 {load.percentile(0.99) * ms:.1f} ms; "
        f"in-process parse+classify {in_process:,.0f}/s "
        f"({in_process / load.per_second:.1f}x the server); hostile: "
        + ", ".join(f"{k}: {v}" for k, v in sorted(load.hostile.items()))
        + f"; median latency {statistics.median(load.latencies) * ms:.1f} ms"
    )
