"""The Spark step, in local mode: the same level as classify_many for every record of a
large cohort. Marked ``spark`` and left out of the default run (pyspark is large and needs
Java): ``make spark`` installs it and runs these."""

from __future__ import annotations

import os
import sys

import pytest

import earlyhelp_core as eh
from earlyhelp_core.cohorts.columnar import by_record, classify_spark

from ._cohort import classify_many_levels, synthetic_cohort, with_escalation

pytestmark = [
    pytest.mark.spark,
    pytest.mark.filterwarnings("ignore::FutureWarning"),  # pyspark about pandas 3
    pytest.mark.filterwarnings("ignore::DeprecationWarning"),
    pytest.mark.filterwarnings("ignore::ResourceWarning"),  # py4j's sockets at shutdown
]

BROMLEY = eh.load_authority("bromley")


@pytest.fixture(scope="module")
def spark():
    pytest.importorskip("pyspark")
    pd = pytest.importorskip("pandas")
    from pyspark.sql import SparkSession

    before = os.environ.get("PYSPARK_PYTHON")
    os.environ["PYSPARK_PYTHON"] = sys.executable  # the workers run this interpreter
    session = (
        SparkSession.builder.master("local[2]")
        .appName("earlyhelp-tests")
        .config("spark.ui.enabled", "false")
        .config("spark.ui.showConsoleProgress", "false")
        .config("spark.sql.shuffle.partitions", "8")
        .config("spark.sql.execution.arrow.pyspark.enabled", "true")
        .getOrCreate()
    )
    session.sparkContext.setLogLevel("ERROR")
    try:
        yield lambda columns: session.createDataFrame(pd.DataFrame(columns))
    finally:
        session.stop()
        if before is None:
            os.environ.pop("PYSPARK_PYTHON", None)
        else:
            os.environ["PYSPARK_PYTHON"] = before


def levels_of(frame) -> dict[str, str]:
    return {row.record: row.level for row in frame.select("record", "level").toLocalIterator()}


def test_a_hundred_thousand_records_get_the_levels_classify_many_gives(spark) -> None:
    columns, docs = synthetic_cohort(BROMLEY, 100_000)
    assert sum(c is not None for c in columns["cell"]) > 10_000  # cells are exercised
    got = levels_of(classify_spark(spark(columns), BROMLEY))
    want = classify_many_levels(BROMLEY, docs)
    assert len(got) == len(want) == 100_000
    assert got == want


def test_escalation_rules_count_across_a_records_rows(spark) -> None:
    authority = with_escalation(BROMLEY)
    columns, docs = synthetic_cohort(authority, 20_000, seed=3)
    got = levels_of(classify_spark(spark(columns), authority, partitions=5))
    want = classify_many_levels(authority, docs)
    assert got == want
    assert got != classify_many_levels(BROMLEY, docs)  # the rule changed some records


def test_the_output_is_typed_and_keeps_the_records_type(spark) -> None:
    frame = spark({"record": [7, 7, 8], "factor": ["offending", "trafficking", None]})
    out = classify_spark(frame, BROMLEY)
    assert [(f.name, f.dataType.simpleString()) for f in out.schema.fields] == [
        ("record", "bigint"),
        ("level", "string"),
        ("rank", "int"),
        ("prevention", "string"),
        ("response", "string"),
    ]
    rows = sorted(out.collect())
    assert [tuple(r) for r in rows] == [
        (7, "tier-4", 4, "tertiary", "section-47"),
        (8, "tier-1", 1, "secondary", "universal"),
    ]
    assert classify_spark(frame.limit(0), BROMLEY).count() == 0
    with pytest.raises(ValueError, match=r"missing \['factor'\]"):
        classify_spark(frame.select("record"), BROMLEY)


def test_the_workers_keep_the_matrix_they_compiled(spark) -> None:
    columns, _ = synthetic_cohort(BROMLEY, 2_000, seed=5)
    frame = spark(columns)
    assert classify_spark(frame, BROMLEY, partitions=16).count() == 2_000
    fingerprint = BROMLEY.fingerprint

    def probe(batches):  # a later job, in the (reused) Python workers
        import pyarrow as pa

        from earlyhelp_core.cohorts.columnar import _compiled

        for _ in batches:
            pass
        try:  # a cached matrix is found by fingerprint: the text is not read again
            kept = _compiled(fingerprint, "not the config").fingerprint == fingerprint
        except ValueError:
            kept = False
        yield pa.record_batch({"pid": [os.getpid()], "kept": [kept]})

    probed = frame.repartition(8).mapInArrow(probe, "pid long, kept boolean").collect()
    assert all(row.kept for row in probed)


def test_rows_partitioned_once_are_classified_under_several_matrices(spark) -> None:
    authority = with_escalation(BROMLEY)
    columns, docs = synthetic_cohort(BROMLEY, 20_000, seed=11)
    rows = by_record(spark(columns), partitions=6).cache()
    for matrix in (BROMLEY, authority, eh.load_authority("bedford")):
        got = levels_of(classify_spark(rows, matrix))
        assert got == classify_many_levels(matrix, docs)

    # the partitioned rows are not moved again: the step's plan holds no exchange beyond
    # the one that made the cached rows
    def exchanges(frame) -> int:
        return frame._jdf.queryExecution().executedPlan().toString().count("Exchange ")

    assert exchanges(classify_spark(rows, BROMLEY)) == exchanges(rows.frame) >= 1
    assert exchanges(classify_spark(spark(columns), BROMLEY)) >= 1  # and from plain rows, one
    with pytest.raises(ValueError, match="partitioned already"):
        classify_spark(rows, BROMLEY, partitions=4)
