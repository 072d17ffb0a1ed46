"""The columnar path gives the same levels as classify, record by record, and runs inside
the engines users already have (Dask here; Spark in test_spark.py, run by `make spark`)."""

from __future__ import annotations

import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

pa = pytest.importorskip("pyarrow")

import earlyhelp_core as eh  # noqa: E402
from earlyhelp_core.cohorts.columnar import (  # noqa: E402
    ByRecord,
    classify_dask,
    classify_pandas,
    classify_table,
)
from earlyhelp_core.testing import assessments, authorities  # noqa: E402

from ._cohort import synthetic_cohort, with_escalation  # noqa: E402

BUNDLED = [eh.load_authority(a) for a in eh.list_authorities()]


def long_table(docs: list[eh.Assessment]) -> pa.Table:
    records, factors, cells = [], [], []
    for i, doc in enumerate(docs):
        rows = [(o.factor, o.cell) for o in doc.factors] or [(None, None)]
        records += [f"r{i:04}"] * len(rows)
        factors += [f for f, _ in rows]
        cells += [c for _, c in rows]
    return pa.table(
        {
            "record": records,
            "factor": pa.array(factors, pa.string()),
            "cell": pa.array(cells, pa.string()),
        }
    )


def assert_same_as_classify(authority: eh.Authority, docs: list[eh.Assessment]) -> None:
    table = classify_table(authority, long_table(docs))
    got = dict(zip(table["record"].to_pylist(), table["level"].to_pylist(), strict=True))
    want = {f"r{i:04}": authority.classify(d).computed_level.id for i, d in enumerate(docs)}
    assert got == want


@settings(max_examples=40, deadline=None)
@given(
    docs=st.lists(assessments(), min_size=1, max_size=12),
    which=st.sampled_from(range(len(BUNDLED))),
)
def test_same_levels_as_classify_under_the_bundled_configs(docs, which) -> None:
    assert_same_as_classify(BUNDLED[which], docs)


@settings(max_examples=25, deadline=None)
@given(data=st.data())
def test_same_levels_as_classify_with_escalation_rules(data) -> None:
    authority = data.draw(authorities(escalation=True))
    docs = data.draw(st.lists(assessments(authority), min_size=1, max_size=10))
    assert_same_as_classify(authority, docs)


@settings(max_examples=25, deadline=None)
@given(data=st.data())
def test_same_levels_as_classify_with_indicator_cells(data) -> None:
    authority = data.draw(authorities())
    assume(authority.cells)
    pool = sorted({*authority.cells, *list(authority.placements)[:20]})
    docs = data.draw(st.lists(assessments(authority, factors=pool), min_size=1, max_size=10))
    assert_same_as_classify(authority, docs)


def test_a_named_cell_places_the_need_and_an_unknown_one_is_the_default() -> None:
    bromley = BUNDLED[eh.list_authorities().index("bromley")]
    cohort = pa.table(
        {
            "record": ["a", "b", "c"],
            "factor": ["early-development-delay"] * 3,
            "cell": ["tier-4", None, "tier-9"],
        }
    )
    levels = classify_table(bromley, cohort)["level"].to_pylist()
    default = bromley.placements["early-development-delay"].id
    assert levels == ["tier-4", default, default]


def test_the_same_factor_twice_counts_once_and_unknown_factors_are_ignored() -> None:
    bromley = BUNDLED[eh.list_authorities().index("bromley")]
    table = pa.table(
        {
            "record": ["a", "a", "b", "c"],
            "factor": ["offending", "offending", "otherton:x", None],
        }
    )
    rows = classify_table(bromley, table).to_pylist()
    assert [(r["record"], r["level"]) for r in rows] == [
        ("a", "tier-2"),
        ("b", "tier-1"),
        ("c", "tier-1"),
    ]
    assert rows[0]["response"] == "multi-agency"


def test_pandas_and_polars_frames_are_accepted() -> None:
    pd = pytest.importorskip("pandas")
    pl = pytest.importorskip("polars")
    bromley = BUNDLED[eh.list_authorities().index("bromley")]
    data = {"record": [1, 1, 2], "factor": ["trafficking", "offending", "housing-need"]}
    for frame in (pd.DataFrame(data), pl.DataFrame(data)):
        assert classify_table(bromley, frame)["level"].to_pylist() == ["tier-4", "tier-2"]


def test_bad_input_is_named() -> None:
    bromley = BUNDLED[0]
    with pytest.raises(TypeError, match="cohort must be a pyarrow Table"):
        classify_table(bromley, [1, 2])
    with pytest.raises(ValueError, match=r"missing \['factor'\]"):
        classify_table(bromley, pa.table({"record": [1]}))


def test_a_dask_map_partitions_step() -> None:
    dd = pytest.importorskip("dask.dataframe")
    pd = pytest.importorskip("pandas")
    import dask

    bromley = BUNDLED[eh.list_authorities().index("bromley")]
    frame = pd.DataFrame(
        {
            "record": ["a", "a", "b", "c", "d"],
            "factor": ["offending", "trafficking", "housing-need", None, "low-income"],
        }
    )
    # each partition must hold all the rows of its records: partition by record
    ddf = dd.from_pandas(frame, npartitions=2, sort=False).shuffle("record")
    meta = {
        "record": "object",
        "level": "object",
        "rank": "int32",
        "prevention": "object",
        "response": "object",
    }
    with dask.config.set(scheduler="synchronous"):
        got = ddf.map_partitions(classify_pandas, bromley, meta=meta).compute()
    assert dict(zip(got["record"], got["level"], strict=True)) == {
        "a": "tier-4",
        "b": "tier-2",
        "c": "tier-1",
        "d": "tier-2",
    }


def test_the_dask_step_classifies_whole_records_and_compiles_the_matrix_once(
    monkeypatch,
) -> None:
    pd = pytest.importorskip("pandas")
    dd = pytest.importorskip("dask.dataframe")
    from earlyhelp_core.cohorts import columnar

    compiled = []

    def counting(config, **kwargs):
        compiled.append(config.id)
        return compile_config(config, **kwargs)

    compile_config = columnar.compile_config
    monkeypatch.setattr(columnar, "compile_config", counting)
    monkeypatch.setattr(columnar, "_COMPILED", {})

    authority = with_escalation(BUNDLED[eh.list_authorities().index("bromley")])
    columns, _ = synthetic_cohort(authority, 20_000, seed=23)
    # rows of one record land in different input partitions: the step must bring them together
    ddf = dd.from_pandas(pd.DataFrame(columns), npartitions=7, sort=False)
    got = classify_dask(ddf, authority, partitions=5).compute()
    want = classify_table(authority, pa.table(columns))
    assert len(got) == 20_000
    assert dict(zip(got["record"], got["level"], strict=True)) == dict(
        zip(want["record"].to_pylist(), want["level"].to_pylist(), strict=True)
    )
    assert list(got.columns) == ["record", "level", "rank", "prevention", "response"]
    assert compiled == [authority.id]  # once for all the partitions (and the meta)


def test_a_worker_refuses_a_config_that_compiles_to_another_fingerprint() -> None:
    from earlyhelp_core.cohorts.columnar import _compiled, _shipped

    bromley = BUNDLED[eh.list_authorities().index("bromley")]
    _, config = _shipped(bromley)
    with pytest.raises(RuntimeError, match="same earlyhelp_core version"):
        _compiled("0" * 64, config)
    assert _compiled(bromley.fingerprint, config).fingerprint == bromley.fingerprint


def test_partitioned_rows_are_made_only_by_by_record() -> None:
    # a frame taken on trust could hold a record in two partitions, each classified on
    # some of its needs: only by_record, which partitions the rows, makes one
    with pytest.raises(TypeError, match=r"made by by_record\(frame\)"):
        ByRecord(object())
