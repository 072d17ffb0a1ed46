"""Spark local mode against the columnar path, on the same cohort.

``python benchmarks/spark.py`` (needs the spark extra and Java: ``make spark`` installs
them). ``EARLYHELP_BENCH_SPARK_RECORDS`` sets the size (default 1,000,000 records). Each
figure is the median of 3 timed runs after one warm-up run (min and max beside it); the
machine is shared, so read the ratios, not the seconds. The Spark runs classify the cached
input (shuffle by record included) into Spark's no-op sink, so no result is collected.
"""

from __future__ import annotations

import os
import random
import statistics
import sys
import time
import warnings
from collections.abc import Callable
from typing import Any

import earlyhelp_core as eh

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))  # cohorts.py
from cohorts import with_rules

RECORDS = int(os.environ.get("EARLYHELP_BENCH_SPARK_RECORDS", "1000000"))
OLD_ROUTE_RECORDS = 200  # groupBy().applyInArrow, one call and one load_authority per record


def cohort(authority: eh.Authority, n: int, seed: int = 29) -> dict[str, list[Any]]:
    """``n`` records of 0-6 of the matrix's factors as long columns, cells now and then."""
    rng = random.Random(seed)
    factors = sorted(authority.placements)
    levels = [lv.id for lv in authority.levels]
    records: list[int] = []
    values: list[str | None] = []
    cells: list[str | None] = []
    for i in range(n):
        chosen = rng.sample(factors, rng.randint(0, 6)) or [None]
        for factor in chosen:
            records.append(i)
            values.append(factor)
            named = factor in authority.cells and rng.random() < 0.7
            cells.append(rng.choice(levels) if named else None)
    return {"record": records, "factor": values, "cell": cells}


def timed(run: Callable[[], object], rounds: int = 3) -> tuple[float, float, float]:
    """(median, min, max) seconds of ``rounds`` runs after a warm-up run."""
    run()
    times = []
    for _ in range(rounds):
        start = time.perf_counter()
        run()
        times.append(time.perf_counter() - start)
    return statistics.median(times), min(times), max(times)


def spark_session(cores: int) -> Any:
    from pyspark.sql import SparkSession

    session = (
        SparkSession.builder.master(f"local[{cores}]")
        .appName(f"earlyhelp-bench-{cores}")
        .config("spark.ui.enabled", "false")
        .config("spark.ui.showConsoleProgress", "false")
        .config("spark.sql.execution.arrow.pyspark.enabled", "true")
        .config("spark.driver.memory", "4g")
        .getOrCreate()
    )
    session.sparkContext.setLogLevel("ERROR")
    return session


def show(label: str, took: tuple[float, float, float]) -> None:
    median, low, high = took
    print(f"{label:<52} {median:8.2f} s  (min {low:.2f}, max {high:.2f})")


def main() -> None:
    import pandas as pd
    import pyarrow as pa

    from earlyhelp_core.cohorts.columnar import classify_spark, classify_table

    warnings.filterwarnings("ignore", category=FutureWarning)  # pyspark about pandas 3
    os.environ.setdefault("PYSPARK_PYTHON", sys.executable)
    bromley = eh.load_authority("bromley")
    start = time.perf_counter()
    columns = cohort(bromley, RECORDS)
    table = pa.table(
        {
            "record": pa.array(columns["record"], pa.int64()),
            "factor": pa.array(columns["factor"], pa.string()),
            "cell": pa.array(columns["cell"], pa.string()),
        }
    )
    print(
        f"{RECORDS:,} records, {table.num_rows:,} rows (made in "
        f"{time.perf_counter() - start:.1f} s); bromley; {os.cpu_count()} cores"
    )

    pa.set_cpu_count(1)
    columnar = timed(lambda: classify_table(bromley, table))
    show("columnar classify_table, one core", columnar)

    spark: dict[int, tuple[float, float, float]] = {}
    identity: dict[int, tuple[float, float, float]] = {}
    partitioned: dict[int, tuple[float, float, float]] = {}
    frame_pd = pd.DataFrame(columns)
    for cores in (1, 2):
        session = spark_session(cores)
        try:
            frame = session.createDataFrame(frame_pd).repartition(cores * 4).cache()
            frame.count()

            def step(frame: Any = frame) -> None:
                classify_spark(frame, bromley).write.format("noop").mode("overwrite").save()

            spark[cores] = timed(step)
            show(f"classify_spark, local[{cores}]", spark[cores])

            def floor(frame: Any = frame) -> None:
                # Spark's own cost of the same step: the same shuffle by record and the
                # same round trip of every row to a Python worker and back, doing nothing
                frame.select("record", "factor", "cell").repartition("record").mapInArrow(
                    lambda batches: batches, "record long, factor string, cell string"
                ).write.format("noop").mode("overwrite").save()

            identity[cores] = timed(floor)
            show(f"  Spark alone: shuffle + mapInArrow identity, local[{cores}]", identity[cores])
            partitioned[cores] = by_record_once(frame, cores, bromley)
            if cores == 2:
                # escalation rules counting 1-7 needs in 3 domains (every record counted)
                ruled = with_rules(bromley, 10, few=True)

                def step_ruled(frame: Any = frame, ruled: eh.Authority = ruled) -> None:
                    classify_spark(frame, ruled).write.format("noop").mode("overwrite").save()

                with_ten = timed(step_ruled)
                show("classify_spark, local[2], 10 escalation rules", with_ten)
                print(
                    f"{'  over classify_spark without rules, local[2]':<52} "
                    f"{with_ten[0] / spark[2][0]:8.2f}x"
                )
                old = old_route(session, classify_table, columns)
                print(
                    f"{f'old groupBy().applyInArrow, local[2], {OLD_ROUTE_RECORDS} records':<52} "
                    f"{old:8.2f} s  ({old / OLD_ROUTE_RECORDS * 1e3:.1f} ms a record)"
                )
        finally:
            session.stop()

    report(columnar[0], spark, identity, partitioned, old)


Times = dict[int, tuple[float, float, float]]


def by_record_once(frame: Any, cores: int, bromley: eh.Authority) -> tuple[float, float, float]:
    """classify_spark on rows partitioned by record once (by_record, cached): no shuffle in
    the step; and Spark's own cost of the same step (the rows to Python and back)."""
    from earlyhelp_core.cohorts.columnar import by_record, classify_spark

    rows = by_record(frame, partitions=cores * 4).cache()
    rows.frame.count()

    def step(rows: Any = rows) -> None:
        classify_spark(rows, bromley).write.format("noop").mode("overwrite").save()

    took = timed(step)
    show(f"classify_spark, rows by_record once, local[{cores}]", took)

    def floor(rows: Any = rows) -> None:
        rows.frame.mapInArrow(
            lambda batches: batches, "record long, factor string, cell string"
        ).write.format("noop").mode("overwrite").save()

    show(f"  Spark alone: mapInArrow identity on them, local[{cores}]", timed(floor))
    rows.frame.unpersist()
    return took


def report(columnar: float, spark: Times, identity: Times, partitioned: Times, old: float) -> None:
    """The ratios: Spark against the columnar path, cores against cores, the step against
    Spark's own cost of it, and the old route extrapolated."""
    one, two = spark[1][0], spark[2][0]
    print(f"classify_spark local[1] / columnar one core: {one / columnar:6.1f}x")
    print(f"classify_spark local[2] / columnar one core: {two / columnar:6.1f}x")
    print(f"classify_spark local[1] / local[2]:          {one / two:6.2f}x")
    for cores in (1, 2):
        print(
            f"classify_spark, rows by_record once, local[{cores}] / columnar one core: "
            f"{partitioned[cores][0] / columnar:6.1f}x"
        )
    print(
        "classify_spark, rows by_record once, local[1] / local[2]:     "
        f"{partitioned[1][0] / partitioned[2][0]:6.2f}x"
    )
    for cores in (1, 2):
        print(
            f"classify_spark local[{cores}] / Spark alone (same step, identity): "
            f"{spark[cores][0] / identity[cores][0]:6.2f}x"
        )
    per_record = old / OLD_ROUTE_RECORDS
    print(
        f"old applyInArrow route at {RECORDS:,} records, local[2] (extrapolated): "
        f"{per_record * RECORDS:,.0f} s vs {two:.1f} s"
    )


def old_route(session: Any, classify_table: Any, columns: dict[str, list[Any]]) -> float:
    """Seconds for the route the documentation used to give, on the first records."""
    rows = sum(1 for r in columns["record"] if r < OLD_ROUTE_RECORDS)
    frame = session.createDataFrame(
        [(columns["record"][i], columns["factor"][i]) for i in range(rows)],
        "record long, factor string",
    ).cache()
    frame.count()

    def classify(table: Any) -> Any:
        return classify_table(eh.load_authority("bromley"), table)

    schema = "record long, level string, rank int, prevention string, response string"
    start = time.perf_counter()
    frame.groupBy("record").applyInArrow(classify, schema).write.format("noop").mode(
        "overwrite"
    ).save()
    return time.perf_counter() - start


if __name__ == "__main__":
    main()
