"""Census benchmark: read a CIN census return and classify every child, in flat memory.

Writes a synthetic return (fictional children, :func:`synthetic_census`) to a temporary
directory, then reads and classifies it under Bedford's matrix: the time per child (median
of 3 runs, with the fastest and slowest) and the peak traced memory of a read at 10,000
and at 100,000 children, whose ratio should stay near 1 (the reader streams).

The size is an environment variable so a quick run is possible:
``EARLYHELP_BENCH_CENSUS`` (default 100,000). Run: ``python benchmarks/census.py``.
"""

from __future__ import annotations

import os
import statistics
import tempfile
import time
import tracemalloc
from pathlib import Path

import earlyhelp_core as eh
from earlyhelp_core.interop import read_cin_census, synthetic_census

CHILDREN = int(os.environ.get("EARLYHELP_BENCH_CENSUS", "100000"))
SMALL = min(10_000, CHILDREN)
VALIDATOR_US = 186
"""The CIN validator's own published figure (data-to-insight/csc-validator-be-cin), µs per
child to validate a return: quoted for scale, not measured here, and not the same work."""


def classify_all(authority: eh.Authority, path: Path) -> int:
    """Read and classify every child; the number of results."""
    return sum(1 for _ in eh.classify_many(authority, read_cin_census(path)))


def timed(authority: eh.Authority, path: Path, runs: int = 3) -> list[float]:
    """Seconds for each of ``runs`` full reads and classifications."""
    out = []
    for _ in range(runs):
        start = time.perf_counter()
        classify_all(authority, path)
        out.append(time.perf_counter() - start)
    return out


def peak(authority: eh.Authority, path: Path) -> int:
    """The peak traced memory (bytes) of reading and classifying ``path``."""
    tracemalloc.start()
    try:
        classify_all(authority, path)
        return tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()


def main() -> None:
    """Write, read and classify; print the figures."""
    bedford = eh.load_authority("bedford")
    with tempfile.TemporaryDirectory() as tmp:
        small, large = Path(tmp) / "small.xml", Path(tmp) / "large.xml"
        synthetic_census(small, SMALL, seed=1)
        synthetic_census(large, CHILDREN, seed=2)
        size = large.stat().st_size
        classify_all(bedford, small)  # warm: schemas and caches are built on first use
        seconds = timed(bedford, large)
        per = [s / CHILDREN * 1e6 for s in seconds]
        peak_small, peak_large = peak(bedford, small), peak(bedford, large)
    print(f"CIN census: {CHILDREN:,} synthetic children, {size / 1e6:.1f} MB, Bedford's matrix")
    print(
        f"  read + classify: {statistics.median(per):.1f} µs per child "
        f"(median of {len(per)}; min {min(per):.1f}, max {max(per):.1f})"
    )
    print(
        f"  for scale: the CIN validator publishes {VALIDATOR_US} µs per child to validate "
        "a return (their figure, not measured here)"
    )
    print(
        f"  peak traced memory: {peak_small / 1e6:.2f} MB at {SMALL:,} children, "
        f"{peak_large / 1e6:.2f} MB at {CHILDREN:,} (ratio {peak_large / peak_small:.2f}; "
        "flat is near 1)"
    )


if __name__ == "__main__":
    main()
