"""The columnar path: classify a whole cohort given as columns, without a model per record.

For the "what if the threshold changed" question over a million records. Needs the
``columnar`` extra (``pip install "earlyhelp_core[columnar]"``, which brings pyarrow).

The input is *long*: one row per record and factor, in two columns, ``record`` (any id)
and ``factor`` (a vocabulary or local factor id), and optionally ``cell`` (the level id of the
indicator cell the observation names, or null). A record with no factors is one row with a
null ``factor``. It may be a ``pyarrow.Table``, a pandas or a polars DataFrame:

```python
import pyarrow as pa
import earlyhelp_core as eh
from earlyhelp_core.cohorts.columnar import classify_table

cohort = pa.table({"record": ["a", "a", "b"], "factor": ["persistent-absence", "offending", None]})
levels = classify_table(eh.load_authority("bromley"), cohort)
```

The result is a ``pyarrow.Table`` with one row per record: ``record``, ``level``,
``rank``, ``prevention`` and ``response`` - the level the matrix computes, exactly as
:meth:`Authority.classify` does (the ``computed_level``; a practitioner's recorded level is
not part of the columns). Rows come out ordered by record.

For a cohort spread over a cluster, :func:`classify_spark` (a ``pyspark`` DataFrame of long
rows in, one row per record out) and :func:`classify_dask` (the same for a Dask DataFrame)
partition the rows by ``record`` so each partition holds all the rows of its records, and
classify each partition as one table. They ship the config with the job as JSON text, and
each worker process compiles it once (cached by the config's fingerprint): the workers need
``earlyhelp_core[columnar]`` installed, and no config file or network access. pyspark and
dask are not dependencies; these functions use whichever you pass them.
"""

from __future__ import annotations

import importlib
import json
import threading
from collections.abc import Iterator
from typing import TYPE_CHECKING, Any

from ..thresholds import AuthorityConfig, compile_config
from ..vocabulary import Domain

if TYPE_CHECKING:
    import pyarrow as pa

    from ..thresholds import Authority, EscalationRule


__all__ = [
    "ByRecord",
    "by_record",
    "classify_dask",
    "classify_pandas",
    "classify_spark",
    "classify_table",
]


def _pyarrow() -> Any:
    try:
        import pyarrow as pa  # noqa: PLC0415 - an optional dependency
        import pyarrow.compute as pc  # noqa: PLC0415
    except ImportError as exc:  # pragma: no cover - depends on the environment
        raise ImportError(
            'the columnar path needs pyarrow: pip install "earlyhelp_core[columnar]"'
        ) from exc
    return pa, pc


def _as_table(cohort: Any) -> pa.Table:
    pa, _ = _pyarrow()
    if isinstance(cohort, pa.Table):
        return cohort
    if hasattr(cohort, "to_arrow"):  # polars
        return cohort.to_arrow()
    if hasattr(cohort, "iloc") and hasattr(cohort, "columns"):  # pandas
        return pa.Table.from_pandas(cohort, preserve_index=False)
    raise TypeError(
        "cohort must be a pyarrow Table or a pandas or polars DataFrame, "
        f"got {type(cohort).__name__}"
    )


def classify_table(authority: Authority, cohort: Any) -> pa.Table:
    """The level of every record of a long cohort table (see the module's documentation).

    Raises:
        TypeError: ``cohort`` is not a table.
        ValueError: it has no ``record`` or ``factor`` column.
    """
    pa, pc = _pyarrow()
    table = _as_table(cohort)
    missing = [c for c in ("record", "factor") if c not in table.column_names]
    if missing:
        raise ValueError(
            f"the cohort needs columns 'record' and 'factor'; missing {missing}, "
            f"found {table.column_names}"
        )
    has_cells = "cell" in table.column_names and bool(authority.cells)
    table = table.select(["record", "factor", *(["cell"] if has_cells else [])]).combine_chunks()
    index = {lv.id: i for i, lv in enumerate(authority.levels)}
    placed = {f: index[level.id] for f, level in authority.placements.items()}
    factor_ids = pa.array(list(placed), pa.string())
    factor_levels = pa.array(list(placed.values()), pa.int32())

    factor = table["factor"].cast(pa.string())
    at = pc.index_in(factor, value_set=factor_ids)
    level = pc.take(factor_levels, at)  # null where the factor is unknown or missing
    if has_cells:
        # a named cell the factor has places it at the cell's level (as classify does)
        cells = {f"{f}\x1f{c.level}": c.index for f, cs in authority.cells.items() for c in cs}
        key = pc.binary_join_element_wise(factor, table["cell"].cast(pa.string()), "\x1f")
        cell_at = pc.take(
            pa.array(list(cells.values()), pa.int32()),
            pc.index_in(key, value_set=pa.array(list(cells), pa.string())),
        )
        level = pc.coalesce(cell_at, level)
    if authority.escalation_rules:
        result_record, result_level = _escalated(authority, table["record"], level, at, placed)
    else:
        rows = pa.table({"record": table["record"], "level": level})
        best = rows.group_by("record").aggregate([("level", "max")])
        result_record, result_level = best["record"], pc.fill_null(best["level_max"], 0)

    levels = authority.levels
    out = pa.table(
        {
            "record": result_record,
            "level": pc.take(pa.array([lv.id for lv in levels]), result_level),
            "rank": pc.take(pa.array([lv.rank for lv in levels], pa.int32()), result_level),
            "prevention": pc.take(pa.array([lv.prevention.value for lv in levels]), result_level),
            "response": pc.take(pa.array([lv.response.value for lv in levels]), result_level),
        }
    )
    return out.sort_by("record")


def _escalated(
    authority: Authority, record: Any, level: Any, at: Any, placed: dict[str, int]
) -> tuple[Any, Any]:
    """(each record, its level index) for long rows (``record``; ``level``, the level index
    of each row's factor; ``at``, the factor's place in ``placed``; null when the factor is
    not placed), with the escalation rules applied as :meth:`Authority.classify` applies them.

    Each factor of a record is counted once, at its highest placement: one group-by by
    record and factor finds that, and then one group-by by record counts, for each level a
    rule counts from, the factors at or above it (a sum) and the domains they span (one flag
    per domain), whatever the number of rules. Every column grouped is a small integer.
    """
    pa, pc = _pyarrow()
    by_level: dict[int, list[EscalationRule]] = {}
    for rule in authority.escalation_rules:
        by_level.setdefault(rule.at_index, []).append(rule)
    pairs = (
        pa.table({"record": record, "at": at, "level": level})
        .group_by(["record", "at"])
        .aggregate([("level", "max")])
    )
    pair_level = pairs["level_max"]
    codes = {d: i for i, d in enumerate(Domain)}
    domain_of = authority.factor_domains
    domains = pc.take(pa.array([codes[domain_of[f]] for f in placed], pa.int8()), pairs["at"])
    columns: dict[str, Any] = {"record": pairs["record"], "level": pair_level}
    aggregates: list[tuple[str, str]] = [("level", "max")]
    for at_index in by_level:
        # a factor placed at or above the level counts 1, and flags its domain
        counted = pc.fill_null(pc.greater_equal(pair_level, at_index), False)
        columns[f"n{at_index}"] = counted.cast(pa.int32())
        aggregates.append((f"n{at_index}", "sum"))
        for code in codes.values():
            columns[f"d{at_index}_{code}"] = pc.and_(counted, pc.equal(domains, code))
            aggregates.append((f"d{at_index}_{code}", "any"))
    best = pa.table(columns).group_by("record").aggregate(aggregates)
    result = pc.fill_null(best["level_max"], 0)
    for at_index, rules in sorted(by_level.items()):
        count = best[f"n{at_index}_sum"]
        spread = pa.nulls(len(best), pa.int8()).fill_null(0)
        for code in codes.values():
            flag = pc.fill_null(best[f"d{at_index}_{code}_any"], False)
            spread = pc.add(spread, flag.cast(pa.int8()))
        for rule in rules:
            fires = pc.and_(
                pc.greater_equal(count, rule.at_least),
                pc.greater_equal(spread, rule.across_domains),
            )
            raise_it = pc.and_(fires, pc.less(result, rule.then_index))
            result = pc.if_else(raise_it, rule.then_index, result)
    return best["record"], result


def classify_pandas(frame: Any, authority: Authority) -> Any:
    """:func:`classify_table` for a pandas DataFrame partition, returning a DataFrame
    (the shape ``dask``'s ``map_partitions`` wants)."""
    return classify_table(authority, frame).to_pandas()


# -- engines: ship the config as text, compile it once per worker process -------------------

# fingerprint -> the matrix compiled from the shipped config, in this process. Engines reuse
# their Python worker processes from task to task, so a worker compiles each config once.
_COMPILED: dict[str, Authority] = {}
_COMPILING = threading.Lock()


def _shipped(authority: Authority) -> tuple[str, str]:
    """What an engine's tasks carry instead of the matrix: the fingerprint and the config as
    JSON text (a few tens of kilobytes; no file or network access needed where it runs)."""
    config = json.dumps(authority.config.model_dump(mode="json"), sort_keys=True)
    return authority.fingerprint, config


def _compiled(fingerprint: str, config: str) -> Authority:
    """The matrix of a shipped config, compiled on first use in this process and cached."""
    found = _COMPILED.get(fingerprint)
    if found is not None:
        return found
    with _COMPILING:
        found = _COMPILED.get(fingerprint)
        if found is None:
            # the driver compiled (and checked) this config already: rebuild it as it is
            found = compile_config(AuthorityConfig.model_validate(json.loads(config)), verify=False)
            if found.fingerprint != fingerprint:
                # the worker's earlyhelp_core (its vocabulary) differs from the driver's
                raise RuntimeError(
                    f"the config compiled on this worker has fingerprint "
                    f"{found.fingerprint[:12]}, not {fingerprint[:12]} as on the driver: "
                    "install the same earlyhelp_core version on the driver and the workers"
                )
            _COMPILED[fingerprint] = found
    return found


def _long_columns(columns: Any) -> list[str]:
    missing = [c for c in ("record", "factor") if c not in columns]
    if missing:
        raise ValueError(
            f"the cohort needs columns 'record' and 'factor'; missing {missing}, "
            f"found {list(columns)}"
        )
    return ["record", "factor", *(["cell"] if "cell" in columns else [])]


class ByRecord:
    """A Spark ``DataFrame`` of long rows with all the rows of each record in one partition,
    as :func:`by_record` makes it: :func:`classify_spark` classifies it without moving any
    row. Cache it (``rows.cache()``) to classify the same cohort several times (under
    several matrices, or versions of one) with one shuffle in all.

    Made only by :func:`by_record`: a frame is not taken on trust, since a record whose rows
    were in two partitions would be classified twice, each time on some of its needs.
    """

    __slots__ = ("_frame",)

    def __init__(self, frame: Any, *, _made_by_by_record: bool = False) -> None:
        if not _made_by_by_record:
            raise TypeError("a ByRecord is made by by_record(frame), which partitions the rows")
        self._frame = frame

    @property
    def frame(self) -> Any:
        """The partitioned rows (``record``, ``factor`` and ``cell`` when there is one)."""
        return self._frame

    def cache(self) -> ByRecord:
        """The same rows, cached by Spark where they are (their partitions unchanged)."""
        return ByRecord(self._frame.cache(), _made_by_by_record=True)

    def __repr__(self) -> str:
        return f"ByRecord({', '.join(self._frame.columns)})"


def by_record(frame: Any, *, partitions: int | None = None) -> ByRecord:
    """The long rows of a ``pyspark.sql.DataFrame`` (``record``, ``factor``, optionally
    ``cell``) repartitioned by ``record`` (into ``partitions``, or Spark's
    ``spark.sql.shuffle.partitions``), for :func:`classify_spark`: the one shuffle a
    classification needs, done once.

    Raises:
        ValueError: the frame has no ``record`` or ``factor`` column.
    """
    keyed = frame.select(*_long_columns(frame.columns))
    by = ("record",) if partitions is None else (partitions, "record")
    rows = keyed.repartition(*by)
    return ByRecord(rows, _made_by_by_record=True)


def classify_spark(frame: Any, authority: Authority, *, partitions: int | None = None) -> Any:
    """:func:`classify_table` as a Spark step: a ``pyspark.sql.DataFrame`` of long rows
    (``record``, ``factor``, optionally ``cell``) in, one row per record out (``record``,
    ``level``, ``rank``, ``prevention``, ``response``; ``record`` keeps its type).

    The rows are repartitioned by ``record`` (as :func:`by_record` does, into
    ``partitions``), so each partition holds all the rows of its records; rows already
    partitioned by :func:`by_record` (a :class:`ByRecord`) are not moved again. Each
    partition is then classified as one Arrow table with ``mapInArrow``. The config travels
    in the step's closure as JSON and each Python worker compiles it once and keeps it. The
    executors need ``earlyhelp_core[columnar]`` installed, nothing else. Rows come out in no
    particular order.

    Raises:
        ValueError: the frame has no ``record`` or ``factor`` column; ``partitions`` given
            with rows already partitioned.
    """
    # optional, and present wherever ``frame`` is; Any whether or not its types are installed
    T: Any = importlib.import_module("pyspark.sql.types")

    if isinstance(frame, ByRecord):
        if partitions is not None:
            raise ValueError(
                "the rows are partitioned already (by_record); give partitions to by_record"
            )
        rows = frame.frame
    else:
        rows = by_record(frame, partitions=partitions).frame
    schema = T.StructType(
        [
            T.StructField("record", rows.schema["record"].dataType),
            T.StructField("level", T.StringType()),
            T.StructField("rank", T.IntegerType()),
            T.StructField("prevention", T.StringType()),
            T.StructField("response", T.StringType()),
        ]
    )
    fingerprint, config = _shipped(authority)

    def classify(batches: Iterator[Any]) -> Iterator[Any]:
        return _classify_batches(fingerprint, config, batches)

    return rows.mapInArrow(classify, schema)


def _classify_batches(fingerprint: str, config: str, batches: Iterator[Any]) -> Iterator[Any]:
    """One Spark partition: its Arrow batches (a record's rows may straddle two) as one
    table, classified, and given back as batches."""
    pa, _ = _pyarrow()
    received = list(batches)
    if not received or not sum(b.num_rows for b in received):
        return
    table = pa.Table.from_batches(received)
    levels = classify_table(_compiled(fingerprint, config), table)
    # Spark wants exactly the declared types; strings may arrive as large_string
    strings = table.schema.field("factor").type
    if not pa.types.is_string(strings) and not pa.types.is_large_string(strings):
        strings = pa.string()
    levels = levels.cast(
        pa.schema(
            [
                pa.field("record", table.schema.field("record").type),
                pa.field("level", strings),
                pa.field("rank", pa.int32()),
                pa.field("prevention", strings),
                pa.field("response", strings),
            ]
        )
    )
    yield from levels.to_batches()


def _classify_frame(frame: Any, fingerprint: str, config: str) -> Any:
    return classify_table(_compiled(fingerprint, config), frame).to_pandas()


def classify_dask(ddf: Any, authority: Authority, *, partitions: int | None = None) -> Any:
    """:func:`classify_pandas` as a Dask step: a ``dask.dataframe.DataFrame`` of long rows in,
    one row per record out (the columns of :func:`classify_table`).

    The rows are shuffled by ``record`` (into ``partitions``, or as many as there are), so
    each partition holds all the rows of its records, and each partition is classified as
    one table. The config travels with the tasks as JSON and each worker process compiles it
    once and keeps it. The workers need ``earlyhelp_core[columnar]`` installed.

    Raises:
        ValueError: the frame has no ``record`` or ``factor`` column.
    """
    columns = _long_columns(ddf.columns)
    fingerprint, config = _shipped(authority)
    keyed = ddf[columns].shuffle("record", npartitions=partitions)
    # the frame the function really returns, for rows of the input's types
    meta = _classify_frame(keyed._meta_nonempty, fingerprint, config).iloc[:0]
    return keyed.map_partitions(_classify_frame, fingerprint, config, meta=meta)
