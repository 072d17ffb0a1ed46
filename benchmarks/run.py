"""Benchmarks for earlyhelp_core, reported as ratios against baselines measured in the same run.

Run with ``make bench``. The machine is shared and noisy, so every figure that matters is a
ratio of two timings taken side by side (interleaved, best of several rounds), never an
absolute time compared with a fixed number.
"""

from __future__ import annotations

import os
import platform
import statistics
import subprocess
import sys
import tempfile
import time
import timeit
from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import Literal

from pydantic import BaseModel, ConfigDict

import earlyhelp_core as eh
from earlyhelp_core._reader import read_path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(Path(__file__).parent))  # for cohorts.py

from cohorts import rules_file, with_rules  # noqa: E402  (benchmarks/, on the path just above)


def bare_assessment(config: ConfigDict) -> type[BaseModel]:
    """A bare pydantic model of the same shape as eh.Assessment: the same fields and nesting,
    plain types, no strictness, no consistency checks, no vocabulary lookup."""

    class Base(BaseModel):
        model_config = config

    class Professional(Base):
        name: str
        agency: str
        role: str

    class Consent(Base):
        given: bool
        given_on: date | None = None
        by: str | None = None

    class Member(Base):
        id: str
        role: str
        name: str | None = None
        date_of_birth: date | None = None
        expected_on: date | None = None
        send: str = "none"

    class Family(Base):
        id: str
        members: tuple[Member, ...]

    class Observation(Base):
        factor: str
        about: tuple[str, ...] = ()
        noted_on: date | None = None
        evidence: str | None = None

    class Voice(Base):
        about: str
        recorded_on: date
        summary: str

    class RecordedLevel(Base):
        level: str
        rationale: str | None = None

    class Assessment(Base):
        kind: Literal["early-help-assessment"]
        id: str
        authority: str | None = None
        assessed_on: date
        assessor: Professional
        consent: Consent
        family: Family
        factors: tuple[Observation, ...] = ()
        strengths: tuple[str, ...] = ()
        voice: tuple[Voice, ...] = ()
        recorded_level: RecordedLevel | None = None

    return Assessment


BareAssessment = bare_assessment(ConfigDict())
# The configuration every document must have (unknown keys rejected, frozen): the gap
# between this and eh.Assessment is the cost of the library's own checks.
ConfiguredBareAssessment = bare_assessment(ConfigDict(extra="forbid", frozen=True))


def best(fn: Callable[[], object], number: int, rounds: int = 7) -> list[float]:
    return [t / number for t in timeit.repeat(fn, number=number, repeat=rounds)]


RUNS = 3
"""Every figure is the median of this many runs, shown with their min and max."""


def spread(values: list[float], digits: int = 1, unit: str = "") -> str:
    """``median (min a, max b)`` of ``values``, as the results print every figure."""
    unit = f" {unit}" if unit else ""
    return (
        f"{statistics.median(values):,.{digits}f}{unit} "
        f"(min {min(values):,.{digits}f}, max {max(values):,.{digits}f})"
    )


def ratio(
    name: str, subject: Callable[[], object], baseline: Callable[[], object], number: int
) -> float:
    """The median of :data:`RUNS` ratios, each the best of interleaved rounds (so both
    sides see the same machine load), printed with their min and max."""
    ratios: list[float] = []
    subjects: list[float] = []
    baselines: list[float] = []
    for _ in range(RUNS):
        subject_times: list[float] = []
        baseline_times: list[float] = []
        for _ in range(3):
            baseline_times += best(baseline, number, 3)
            subject_times += best(subject, number, 3)
        s, b = min(subject_times), min(baseline_times)
        subjects.append(s)
        baselines.append(b)
        ratios.append(s / b)
    s, b, r = (statistics.median(v) for v in (subjects, baselines, ratios))
    print(
        f"{name:<58} {s * 1e6:9.1f} us vs {b * 1e6:9.1f} us   ratio {r:5.2f}x "
        f"(min {min(ratios):.2f}, max {max(ratios):.2f})"
    )
    return r


def fresh_process_ms(code: str, runs: int = 3) -> list[float]:
    """For each of :data:`RUNS` runs, the best of ``runs`` fresh interpreters running
    ``code`` (which prints seconds taken), in ms."""
    out = []
    for _ in range(RUNS):
        times = [
            float(
                subprocess.run(
                    [sys.executable, "-c", code], capture_output=True, text=True, check=True
                ).stdout
            )
            for _ in range(runs)
        ]
        out.append(min(times) * 1e3)
    return out


def import_time() -> float:
    """Cold ``import earlyhelp_core`` in fresh interpreters, in ms (median of runs)."""
    code = "import time; t = time.perf_counter(); import {}; print(time.perf_counter() - t)"
    ours = fresh_process_ms(code.format("earlyhelp_core"))
    base = fresh_process_ms(code.format("pydantic"))
    print(
        f"{'import earlyhelp_core (cold, best of 3 a run)':<58} {spread(ours, unit='ms')}; "
        f"import pydantic alone: {spread(base, unit='ms')}"
    )
    # the document models (and pydantic) load on first use: what a program that reads a
    # document pays before it can
    models = fresh_process_ms(code.format("earlyhelp_core; earlyhelp_core.Assessment"))
    print(f"{'import earlyhelp_core, then eh.Assessment (cold)':<58} {spread(models, unit='ms')}")
    return statistics.median(ours)


def main() -> None:
    print(
        f"earlyhelp_core {eh.__version__} on Python {platform.python_version()}, "
        f"{platform.machine()}, {platform.system()} ({platform.processor() or 'unknown cpu'})"
    )
    data = read_path(ROOT / "examples" / "assessment-complex-needs.yaml").data
    eh.vocabulary.factors()  # load once, as a service would at start
    ratio(
        "parse assessment: eh.Assessment vs bare pydantic model",
        lambda: eh.Assessment.model_validate(data),
        lambda: BareAssessment.model_validate(data),
        number=2000,
    )
    ratio(
        "parse assessment: eh.Assessment vs bare model, forbid+frozen",
        lambda: eh.Assessment.model_validate(data),
        lambda: ConfiguredBareAssessment.model_validate(data),
        number=2000,
    )
    ratio(
        "parse_document (kind dispatch) vs bare pydantic model",
        lambda: eh.parse_document(data),
        lambda: BareAssessment.model_validate(data),
        number=2000,
    )
    # classification (issue: classify within 2.5x of a hand-written lookup;
    # parse+classify within 1.5x of parse alone)
    bromley = eh.load_authority("bromley")
    assessment = eh.Assessment.model_validate(data)
    index = {lv.id: i for i, lv in enumerate(bromley.config.levels)}
    lookup = {f: index[m.level] for f, m in bromley.config.factors.items()}

    def hand_written(a: eh.Assessment) -> int:
        return max((lookup[o.factor] for o in a.factors if o.factor in lookup), default=0)

    assert bromley.levels[hand_written(assessment)] == bromley.classify(assessment).computed_level
    ratio(
        "classify vs hand-written dict lookup (same highest-level logic)",
        lambda: bromley.classify(assessment),
        lambda: hand_written(assessment),
        number=20000,
    )
    # the evaluation alone (the level, no reasons, judgement or Decision) against the floor
    factor_ids = [o.factor for o in assessment.factors]
    ratio(
        "level_for (the evaluation alone) vs hand-written dict lookup",
        lambda: bromley.level_for(factor_ids),
        lambda: hand_written(assessment),
        number=20000,
    )
    ratio(
        "parse + classify vs parse alone",
        lambda: bromley.classify(eh.Assessment.model_validate(data)),
        lambda: eh.Assessment.model_validate(data),
        number=2000,
    )
    # validation (issue: validate with all rules within 1.5x of parsing; parse+classify+validate
    # within 3x of parse alone)
    ratio(
        "validate (all rules) vs parse",
        lambda: eh.validate(bromley, assessment),
        lambda: eh.Assessment.model_validate(data),
        number=2000,
    )
    ratio(
        "parse + classify + validate vs parse alone",
        lambda: eh.validate(bromley, eh.Assessment.model_validate(data)),
        lambda: eh.Assessment.model_validate(data),
        number=2000,
    )
    children = sum(1 for m in assessment.family.members if m.role is eh.Role.CHILD)
    per_child = [
        min(timeit.repeat(lambda: eh.validate(bromley, assessment), number=1000, repeat=3))
        / 1000
        / children
        * 1e6
        for _ in range(RUNS)
    ]
    print(
        f"{'validate, per child (reference: 1.85 s / 9,960 = 186 us)':<58} "
        f"{spread(per_child, unit='us')} ({children} children, {len(eh.rules())} rules)"
    )
    loads = [
        min(timeit.repeat(lambda: eh.load_authority("bromley"), number=1, repeat=7)) * 1e3
        for _ in range(RUNS)
    ]
    print(
        f"{'load + check + compile configs/bromley.yaml (best of 7)':<58} "
        f"{spread(loads, unit='ms')} (target under 50 ms)"
    )
    for authority_id in eh.list_authorities():
        authority = eh.load_authority(authority_id)
        checks = [
            min(timeit.repeat(lambda a=authority: eh.check_authority(a), number=1, repeat=3)) * 1e3
            for _ in range(RUNS)
        ]
        print(
            f"{'check_authority(' + authority_id + ') (best of 3; target under 2 s)':<58} "
            f"{spread(checks, unit='ms')}"
        )
    # what would change the level (issue: within 20x the decision, on the bundled configs)
    for authority_id in eh.list_authorities():
        authority = eh.load_authority(authority_id)
        ratio(
            f"explain vs classify ({authority_id}, complex needs)",
            lambda a=authority: eh.explain(a, assessment),
            lambda a=authority: a.classify(assessment),
            number=500,
        )
    diff_benchmark(bromley)
    escalation_benchmark(bromley, assessment)
    import_time()
    first_load()
    cohort_benchmarks(bromley, assessment)
    import census  # a CIN census return read and classified child by child (benchmarks/)

    census.main()
    try:
        import uvicorn  # noqa: F401  (the service extra)
    except ImportError:
        print("service under load: skipped (the service extra is not installed)")
    else:
        import service  # the service on loopback under 32 clients (benchmarks/)

        service.main()
    try:
        import pyspark  # noqa: F401  (the spark extra: make spark installs it)
    except ImportError:
        print("Spark local mode: skipped (pyspark is not installed; `make spark` installs it)")
    else:
        import spark  # Spark local mode, 1 and 2 cores, against the columnar path

        spark.main()


def _most_rules() -> int:
    from earlyhelp_core.thresholds.config import CONFIG_LIMITS

    return CONFIG_LIMITS["escalation"]


def escalation_benchmark(bromley: eh.Authority, assessment: eh.Assessment) -> None:
    """classify under Bromley given 1, 10 and the most escalation rules a config may have
    (50), none firing for the assessment, against classify under Bromley as it is (issue:
    within 2x whatever the number of rules)."""
    for n in (1, 10, _most_rules()):
        authority = with_rules(bromley, n)
        ratio(
            f"classify with {n:,} escalation rules vs with none",
            lambda a=authority: a.classify(assessment),
            lambda: bromley.classify(assessment),
            number=5000,
        )
    for n in (1, _most_rules()):
        authority = with_rules(bromley, n, few=True)
        assert authority.classify(assessment).computed_level == bromley.levels[1]
        ratio(
            f"classify with {n:,} rules needing 1-7 needs in 3 domains",
            lambda a=authority: a.classify(assessment),
            lambda: bromley.classify(assessment),
            number=5000,
        )


def diff_benchmark(bromley: eh.Authority, n: int = 100_000) -> None:
    """A diff of two bundled configs over a cohort (issue: within 2x the cost of
    classifying the cohort twice), median of 3 runs each, interleaved."""
    import cohorts

    bedford = eh.load_authority("bedford")
    records = [eh.parse_document(r) for r in cohorts.synthetic(bromley, n)]

    def twice() -> None:
        for doc in records:
            bromley.classify(doc)  # type: ignore[arg-type]
            bedford.classify(doc)  # type: ignore[arg-type]

    diff_times, twice_times = [], []
    for _ in range(3):
        start = time.perf_counter()
        twice()
        twice_times.append(time.perf_counter() - start)
        start = time.perf_counter()
        eh.diff(bromley, bedford, cohort=records)
        diff_times.append(time.perf_counter() - start)
    d, t = statistics.median(diff_times), statistics.median(twice_times)
    print(
        f"{f'diff bromley bedford over {n:,} records vs classify twice':<58} {d:9.2f} s vs "
        f"{t:9.2f} s   ratio {d / t:5.2f}x (min {min(diff_times) / max(twice_times):.2f}, "
        f"max {max(diff_times) / min(twice_times):.2f}; target under 2x)"
    )


def cohort_benchmarks(bromley: eh.Authority, assessment: eh.Assessment) -> None:
    """The cohort targets: peers, streaming, the columnar path, the CLI."""
    import cohorts

    runs = [cohorts.zen_ratio(bromley, assessment) for _ in range(RUNS)]
    ours, theirs, times = ([r[i] for r in runs] for i in range(3))
    print(
        f"{'classify vs zen-engine decision table (same matrix)':<58} "
        f"{statistics.median(ours):9.1f} us vs {statistics.median(theirs):9.1f} us   zen is "
        f"{statistics.median(times):.0f}x slower (min {min(times):.0f}, max {max(times):.0f}; "
        "target: at least 50x)"
    )
    streamed = [cohorts.streaming(100_000) for _ in range(RUNS)]
    print(
        f"{'classify_many over 100,000 JSON Lines records':<58} "
        f"{spread([c / t for c, t, _ in streamed], 0)} records/s, peak "
        f"{max(p for _, _, p in streamed)} MiB (target under 200 MiB)"
    )
    count, took, peak = cohorts.streaming(cohorts.RECORDS)
    print(
        f"{f'classify_many over {cohorts.RECORDS:,} JSON Lines records (one run)':<58} "
        f"{count / took:9,.0f} records/s, peak {peak} MiB (flat memory: the same bound)"
    )
    times_, rows = cohorts.columnar(bromley, cohorts.RECORDS)
    print(
        f"{f'columnar classify_table, {cohorts.RECORDS:,} records ({rows:,} rows), one core':<58} "
        f"{spread(times_, 2, 's')} (target under 2 s)"
    )
    for n in (1, 10, _most_rules()):
        times_, _ = cohorts.columnar(with_rules(bromley, n), cohorts.RECORDS)
        print(
            f"{f'  the same with {n} escalation rules':<58} {spread(times_, 2, 's')} "
            "(target with 10: under 2 s)"
        )
    clis = [cohorts.cli_100k() for _ in range(RUNS)]
    print(
        f"{'earlyhelp assess --format jsonl, 100,000 records':<58} "
        f"{spread([t for t, _, _ in clis], 1, 's')}: {clis[0][1]}"
    )
    print(
        f"{'  records/s':<58} {spread([100_000 / t for t, _, _ in clis], 0)}; "
        f"output per record {clis[0][2] / 100_000:,.0f} bytes"
    )
    fields = [
        cohorts.cli_100k("bromley", 100_000, "--fields", "level,reasons") for _ in range(RUNS)
    ]
    print(
        f"{'  the same with --fields level,reasons':<58} "
        f"{spread([t for t, _, _ in fields], 1, 's')}, "
        f"{fields[0][2] / 100_000:,.0f} bytes per record"
    )
    filed = cohorts.against_filed(100_000, RUNS)
    if filed is None:
        print(f"earlyhelp assess against {cohorts.FILED_AT}: skipped (not a git clone)")
    else:
        print(
            f"earlyhelp assess --format jsonl, 100,000 records, against {cohorts.FILED_AT} "
            "(the command line when the scale issue was filed), in turn, output to a file:"
        )
        base = statistics.median([100_000 / t for t, _ in filed[cohorts.FILED_AT]])
        for side, measured in filed.items():
            rates = [100_000 / t for t, _ in measured]
            print(
                f"{'  ' + side:<58} {spread(rates, 0)} records/s, "
                f"{measured[0][1] / 100_000:,.0f} bytes a record: "
                f"{statistics.median(rates) / base:.2f}x {cohorts.FILED_AT}'s rate"
            )
    # escalation rules on the JSON Lines paths: rules that count 1-7 needs in 3 domains,
    # so that every record is counted (no short cut), against the figures above
    plain_stream = statistics.median([c / t for c, t, _ in streamed])
    plain_cli = statistics.median([100_000 / t for t, _, _ in clis])
    with tempfile.TemporaryDirectory() as tmp:
        for n in (10, _most_rules()):
            path = rules_file(bromley, n, Path(tmp))
            rates = [c / t for c, t, _ in (cohorts.streaming(100_000, path) for _ in range(RUNS))]
            print(
                f"{f'classify_many, 100,000 records, {n} rules counting 1-7 needs':<58} "
                f"{spread(rates, 0)} records/s: "
                f"{statistics.median(rates) / plain_stream:.2f}x the rate without"
            )
            rates = [100_000 / t for t, _, _ in (cohorts.cli_100k(path) for _ in range(RUNS))]
            print(
                f"{f'earlyhelp assess --format jsonl, {n} rules counting 1-7 needs':<58} "
                f"{spread(rates, 0)} records/s: "
                f"{statistics.median(rates) / plain_cli:.2f}x the rate without"
            )


def first_load() -> float:
    """A fresh process's first load of a bundled config (includes importing jsonschema)."""
    took = fresh_process_ms(
        "import time, earlyhelp_core as eh; t = time.perf_counter(); "
        "eh.load_authority('bromley'); print(time.perf_counter() - t)"
    )
    name = "first load_authority in a fresh process (best of 3 a run)"
    print(f"{name:<58} {spread(took, unit='ms')}")
    return statistics.median(took)


class _Tee:
    """Print as usual, and keep every line for RESULTS.md."""

    def __init__(self) -> None:
        self.lines: list[str] = []
        self.stdout = sys.stdout

    def write(self, text: str) -> int:
        self.lines.append(text)
        return self.stdout.write(text)

    def flush(self) -> None:
        self.stdout.flush()


def write_results(text: str) -> None:
    import datetime

    cpu = "unknown"
    try:
        with open("/proc/cpuinfo", encoding="utf-8") as f:
            cpu = next(line.split(":", 1)[1].strip() for line in f if line.startswith("model name"))
    except (OSError, StopIteration):
        pass
    body = (
        "# Benchmark results\n\n"
        f"Measured {datetime.date.today().isoformat()} with `make bench` on {os.cpu_count()} "
        f"cores ({cpu}), Python {platform.python_version()}, earlyhelp_core {eh.__version__}. "
        "The machine is shared and noisy: every figure that matters is a ratio against a baseline "
        "measured in the same run, or a bound with wide room.\n\n```text\n" + text + "```\n"
    )
    (ROOT / "benchmarks" / "RESULTS.md").write_text(body, encoding="utf-8")


if __name__ == "__main__":
    tee = _Tee()
    sys.stdout = tee  # type: ignore[assignment]
    try:
        main()
    finally:
        sys.stdout = tee.stdout
    write_results("".join(tee.lines))
