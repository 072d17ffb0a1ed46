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
from earlyhelp_core.columnar import classify_table

cohort = pa.table({"record": ["a", "a", "b"], "factor": ["persistent-absence", "offending", None]})
levels = classify_table(eh.load_authority("bromley"), cohort)
```

The result is a ``pyarrow.Table`` with one row per record: ``record``, ``level``,
``rank``, ``prevention`` and ``response`` - the level the matrix computes, exactly as
:meth:`Authority.classify` does (the ``computed_level``; a practitioner's recorded level is
not part of the columns). Rows come out ordered by record.

The same function runs unchanged inside engines you already have, partition by partition,
as long as each partition holds *all* the rows of its records (partition by ``record``):
``dask_frame.map_partitions(classify_pandas, authority)`` or, with Spark,
``frame.groupBy("record").applyInArrow(...)`` (see the documentation's how-to).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import pyarrow as pa

    from ..thresholds import Authority

__all__ = ["classify_pandas", "classify_table"]


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
    rows = pa.table({"record": table["record"], "factor": factor, "level": level})
    best = rows.group_by("record").aggregate([("level", "max")])
    result_record = best["record"]
    result_level = pc.fill_null(best["level_max"], 0)

    if authority.escalation_rules:
        domain_of = {f: d.value for f, d in authority.factor_domains.items()}
        mapped = rows.filter(pc.is_valid(rows["level"]))
        # one row per (record, factor): the same factor recorded twice counts once
        distinct = mapped.group_by(["record", "factor"]).aggregate([("level", "max")])
        domains = pa.array([domain_of.get(f) for f in placed], pa.string())
        distinct = distinct.append_column(
            "domain", pc.take(domains, pc.index_in(distinct["factor"], value_set=factor_ids))
        )
        for rule in authority.escalation_rules:
            hits = distinct.filter(pc.greater_equal(distinct["level_max"], rule.at_index))
            counted = hits.group_by("record").aggregate(
                [("factor", "count"), ("domain", "count_distinct")]
            )
            fired = counted.filter(
                pc.and_(
                    pc.greater_equal(counted["factor_count"], rule.at_least),
                    pc.greater_equal(counted["domain_count_distinct"], rule.across_domains),
                )
            )["record"]
            raised = pc.is_in(result_record, value_set=fired)
            result_level = pc.if_else(
                pc.and_(raised, pc.less(result_level, rule.then_index)),
                rule.then_index,
                result_level,
            )

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


def classify_pandas(frame: Any, authority: Authority) -> Any:
    """:func:`classify_table` for a pandas DataFrame partition, returning a DataFrame
    (the shape ``dask``'s ``map_partitions`` wants)."""
    return classify_table(authority, frame).to_pandas()
