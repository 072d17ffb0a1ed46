"""This checkout against another, in one run: parse, classify, validate and classify_many,
each side in its own fresh processes, taken in turn so both see the same machine load.

    python benchmarks/against.py --other /path/to/other/checkout [--runs 3]
        [--config CONFIG] [--other-config CONFIG] [--document DOCUMENT]

``--other`` is a checkout of another commit (``git worktree add ../old <commit>``). Both
sides load ``--config`` (Bromley's bundled config by default); ``--other-config`` gives the
other side its own file where the two versions read configs differently (a config written
for the older one, with the parameters the newer one requires set to null). Both check
that they reach the same level for the document. Prints each measure's median with its min
and max, and this side over the other.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]

MEASURE = r"""
import json, sys, time, timeit
import earlyhelp_core as eh
config, document = sys.argv[1], sys.argv[2]
authority = eh.load_authority(config)
doc = eh.load_document(document)
data = doc.model_dump(mode="json")
line = json.dumps(data)
# the functions, or the methods they were before validation and cohorts moved out
if hasattr(eh, "validate"):
    validate = lambda d: eh.validate(authority, d)
    many = lambda xs: eh.classify_many(authority, xs)
else:
    validate, many = authority.validate, authority.classify_many
def each(fn, number):
    return min(timeit.repeat(fn, number=number, repeat=5)) / number * 1e6
out = {
    "parse (us)": each(lambda: eh.parse_document(data), 2000),
    "classify (us)": each(lambda: authority.classify(doc), 5000),
    "validate (us)": each(lambda: validate(doc), 1000),
}
lines = [line] * 20000
start = time.perf_counter()
assert sum(1 for r in many(lines) if r.decision is not None) == len(lines)
out["classify_many (records/s)"] = len(lines) / (time.perf_counter() - start)
out["level"] = authority.classify(doc).level.id
print(json.dumps(out))
"""


def measure(src: Path, config: str, document: str) -> dict[str, object]:
    env = {**os.environ, "PYTHONPATH": str(src)}
    run = subprocess.run(
        [sys.executable, "-c", MEASURE, config, document],
        capture_output=True,
        text=True,
        check=True,
        env=env,
    )
    return dict(json.loads(run.stdout))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--other", required=True, type=Path, help="another checkout")
    parser.add_argument("--config", default="bromley")
    parser.add_argument("--other-config", default=None)
    parser.add_argument(
        "--document", default=str(ROOT / "examples" / "assessment-complex-needs.yaml")
    )
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    sides = {
        "here": (ROOT / "src", args.config),
        "other": (args.other.resolve() / "src", args.other_config or args.config),
    }
    found: dict[str, list[dict[str, object]]] = {side: [] for side in sides}
    for _ in range(args.runs):
        for side, (src, config) in sides.items():
            found[side].append(measure(src, config, args.document))
    levels = {run["level"] for runs in found.values() for run in runs}
    if len(levels) != 1:
        sys.exit(f"the two sides reach different levels for the document: {sorted(levels)}")
    print(f"{args.runs} runs each, in turn; level {levels.pop()} on both sides")
    for key in found["here"][0]:
        if key == "level":
            continue
        here = [float(r[key]) for r in found["here"]]  # type: ignore[arg-type]
        other = [float(r[key]) for r in found["other"]]  # type: ignore[arg-type]
        h, o = statistics.median(here), statistics.median(other)
        print(
            f"{key:<26} here {h:10,.2f} (min {min(here):,.2f}, max {max(here):,.2f})   "
            f"other {o:10,.2f} (min {min(other):,.2f}, max {max(other):,.2f})   "
            f"here/other {h / o:.2f}"
        )


if __name__ == "__main__":
    main()
