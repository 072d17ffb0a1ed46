"""Standard Safeguarding Dataset extracts: joins, mapping, bad input, round trip, Parquet."""

from __future__ import annotations

import csv
from datetime import date
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import earlyhelp_core as eh
from earlyhelp_core import vocabulary
from earlyhelp_core.cohorts import Unread
from earlyhelp_core.interop._codes import subject_of
from earlyhelp_core.interop.ssd import MAX_FIELD_CHARS, read_ssd, synthetic_ssd, write_ssd
from earlyhelp_core.models import Assessment
from earlyhelp_core.testing import assessments

PERSON = "pers_person_id,pers_dob,pers_expected_dob,pers_send_flag\n"
CINA = "cina_assessment_id,cina_person_id,cina_assessment_auth_date\n"
CINF = "cinf_table_id,cinf_assessment_id,cinf_assessment_factors_json\n"


def extract(
    folder: Path,
    persons: str = "",
    cina: str = "",
    cinf: str = "",
    *,
    headers: tuple[str, str, str] = (PERSON, CINA, CINF),
) -> Path:
    """A folder holding the three tables, each its header and the rows given."""
    folder.mkdir(parents=True, exist_ok=True)
    for name, header, rows in zip(
        ("ssd_person", "ssd_cin_assessments", "ssd_assessment_factors"),
        headers,
        (persons, cina, cinf),
        strict=True,
    ):
        (folder / f"{name}.csv").write_text(header + rows, encoding="utf-8")
    return folder


GOOD_PERSONS = "P1,2015-04-02,,N\nP2,,2024-09-01,\nP3,2010-01-15,,Y\n"


def read(folder: Path) -> list[Assessment | Unread]:
    return list(read_ssd(folder, authority="bromley"))


def only(record: Assessment | Unread) -> Unread:
    assert isinstance(record, Unread), record
    return record


# --------------------------------------------------------------------------- joins, mapping


def test_each_authorised_assessment_joins_its_person_and_factors(tmp_path: Path) -> None:
    folder = extract(
        tmp_path,
        GOOD_PERSONS,
        "A1,P1,2024-03-01\nA2,P2,2024-05-02 00:00:00.000\nA3,P3,02/06/2024\n",
        '1,A2,"[""21""]"\n2,A1,"[""1A"", ""4B"", ""3C"", ""18C""]"\n3,A3,"{""16A"": ""Yes"", ""2B"": ""No""}"\n',
    )
    a1, a2, a3 = read(folder)
    assert isinstance(a1, Assessment)
    assert (a1.id, a1.authority, a1.assessed_on) == ("A1", "bromley", date(2024, 3, 1))
    assert a1.assessor is None
    assert a1.consent is None
    assert a1.family.id == "P1"
    assert [(m.id, m.role.value) for m in a1.family.members] == [
        ("c1", "child"),
        ("p1", "parent"),
        ("h1", "other-adult"),
    ]
    assert a1.family.member("c1").date_of_birth == date(2015, 4, 2)
    assert [(o.factor, o.about, o.census_code, o.noted_on) for o in a1.factors] == [
        ("child-alcohol-misuse", ("c1",), "1A", date(2024, 3, 1)),
        ("parental-mental-health", ("p1",), "4B", date(2024, 3, 1)),
        ("household-domestic-abuse", ("h1",), "3C", date(2024, 3, 1)),
        ("physical-abuse", ("c1",), "18C", date(2024, 3, 1)),
    ]
    # 21 (no factors): the child alone, no observations; an unborn child has its due date
    assert isinstance(a2, Assessment)
    assert a2.factors == ()
    assert a2.assessed_on == date(2024, 5, 2)
    (unborn,) = a2.family.members
    assert (unborn.role.value, unborn.expected_on) == ("unborn", date(2024, 9, 1))
    # the object form of the factors cell; DD/MM/YYYY dates; the EHC plan flag
    assert isinstance(a3, Assessment)
    assert a3.assessed_on == date(2024, 6, 2)
    assert [o.census_code for o in a3.factors] == ["16A"]
    assert [m.id for m in a3.family.members] == ["c1"]
    assert a3.family.member("c1").send.value == "ehc-plan"


def test_codes_are_read_trimmed_upper_case_and_once(tmp_path: Path) -> None:
    folder = extract(tmp_path, GOOD_PERSONS, "A1,P1,2024-03-01\n", '1,A1,"["" 1a"", ""1A""]"\n')
    (a1,) = read(folder)
    assert isinstance(a1, Assessment)
    assert [o.census_code for o in a1.factors] == ["1A"]


def test_other_is_other_need_about_the_child(tmp_path: Path) -> None:
    folder = extract(tmp_path, GOOD_PERSONS, "A1,P1,2024-03-01\n", '1,A1,"[""20""]"\n')
    (a1,) = read(folder)
    assert isinstance(a1, Assessment)
    assert [(o.factor, o.about) for o in a1.factors] == [("other-need", ("c1",))]


def test_an_assessment_in_progress_is_skipped_with_its_factors(tmp_path: Path) -> None:
    folder = extract(
        tmp_path, GOOD_PERSONS, "A1,P1,\nA2,P1,2024-03-01\n", '1,A1,"[""1A""]"\n2,A2,"[""21""]"\n'
    )
    assert [r.id for r in read(folder)] == ["A2"]


def test_a_person_with_no_row_makes_the_assessment_unread(tmp_path: Path) -> None:
    folder = extract(
        tmp_path,
        GOOD_PERSONS,
        "A1,P9,2024-03-01\nA2,P1,2024-03-01\n",
        '1,A1,"[""1A""]"\n2,A2,"[""21""]"\n',
    )
    first, second = read(folder)
    (problem,) = only(first).problems
    assert first.id == "A1"
    assert problem.kind == "missing-row"
    assert problem.path == ("ssd_cin_assessments", "cina_person_id")
    assert problem.source == str(folder / "ssd_cin_assessments.csv")
    assert problem.line == 2
    assert "no ssd_person row has this person id" in problem.message
    assert isinstance(second, Assessment)


def test_an_assessment_with_no_factors_row_is_unread_not_factor_free(tmp_path: Path) -> None:
    folder = extract(
        tmp_path, GOOD_PERSONS, "A1,P1,2024-03-01\nA2,P1,2024-03-02\n", '1,A2,"[""21""]"\n'
    )
    first, second = read(folder)
    (problem,) = only(first).problems
    assert (problem.kind, problem.line, problem.path[-1]) == (
        "missing-row",
        2,
        "cina_assessment_id",
    )
    assert "ssd_assessment_factors" in problem.message
    assert isinstance(second, Assessment)


def test_a_factors_row_with_no_assessment_is_unread_after_the_assessments(tmp_path: Path) -> None:
    folder = extract(
        tmp_path, GOOD_PERSONS, "A1,P1,2024-03-01\n", '1,A9,"[""1A""]"\n2,A1,"[""21""]"\n'
    )
    first, orphan = read(folder)
    assert isinstance(first, Assessment)
    (problem,) = only(orphan).problems
    assert orphan.id == "A9"
    assert problem.source == str(folder / "ssd_assessment_factors.csv")
    assert (problem.line, problem.kind) == (2, "missing-row")
    assert problem.path == ("ssd_assessment_factors", "cinf_assessment_id")


# --------------------------------------------------------------------------- bad input


@pytest.mark.parametrize(
    ("cell", "kind", "words"),
    [
        ("not json", "factors-json", "is not JSON"),
        ('"1A"', "factors-type", "not a list of codes"),
        ("[1]", "factors-type", "entry 0 of the list is not text"),
        ("[]", "factors", "empty"),
        ("", "factors", "empty"),
        ('["RB"]', "unknown-code", "unknown census factor code 'RB' (expected a census code"),
        ('["18D"]', "unknown-code", "unknown census factor code '18D' (did you mean '8D'?)"),
        ('["21", "1A"]', "exclusive-code", "21 (no factors identified) must be the only code"),
        ('{"1A": "maybe"}', "factors-type", 'is not "Yes" or "No"'),
    ],
)
def test_a_bad_factors_cell_is_located_and_the_next_record_still_reads(
    tmp_path: Path, cell: str, kind: str, words: str
) -> None:
    quoted = '"' + cell.replace('"', '""') + '"'
    folder = extract(
        tmp_path,
        GOOD_PERSONS,
        "A1,P1,2024-03-01\nA2,P1,2024-03-02\n",
        f'1,A1,{quoted}\n2,A2,"[""21""]"\n',
    )
    first, second = read(folder)
    (problem,) = only(first).problems
    assert problem.kind == kind
    assert words in problem.message
    assert problem.path == ("ssd_assessment_factors", "cinf_assessment_factors_json")
    assert problem.line == 2
    assert isinstance(second, Assessment)


def test_an_unknown_code_long_enough_to_be_text_is_not_echoed(tmp_path: Path) -> None:
    folder = extract(tmp_path, GOOD_PERSONS, "A1,P1,2024-03-01\n", '1,A1,"[""Jane Smith""]"\n')
    (problem,) = only(read(folder)[0]).problems
    assert "Jane" not in problem.message
    assert "an entry of 10 characters" in problem.message


@pytest.mark.parametrize(
    ("value", "words"),
    [
        ("2024-02-30", "not a possible date"),
        ("31/13/2024", "not a possible date"),
        ("March 1", "not a date"),
    ],
)
def test_a_bad_date_is_located_without_echoing_it(tmp_path: Path, value: str, words: str) -> None:
    folder = extract(
        tmp_path,
        GOOD_PERSONS,
        f"A1,P1,{value}\nA2,P1,2024-03-02\n",
        '1,A1,"[""21""]"\n2,A2,"[""21""]"\n',
    )
    first, second = read(folder)
    (problem,) = only(first).problems
    assert (problem.kind, problem.line) == ("date", 2)
    assert problem.path == ("ssd_cin_assessments", "cina_assessment_auth_date")
    assert words in problem.message
    assert value not in problem.message
    assert isinstance(second, Assessment)


def test_a_bad_date_of_birth_makes_its_childs_assessments_unread(tmp_path: Path) -> None:
    folder = extract(
        tmp_path,
        "P1,1999-02-29,,N\nP2,2015-01-01,,N\n",
        "A1,P1,2024-03-01\nA2,P2,2024-03-01\n",
        '1,A1,"[""21""]"\n2,A2,"[""21""]"\n',
    )
    first, second = read(folder)
    (problem,) = only(first).problems
    assert (problem.source, problem.line) == (str(folder / "ssd_person.csv"), 2)
    assert problem.path == ("ssd_person", "pers_dob")
    assert "1999" not in problem.message
    assert isinstance(second, Assessment)


def test_a_child_with_neither_date_is_unread(tmp_path: Path) -> None:
    folder = extract(tmp_path, "P1,,,N\n", "A1,P1,2024-03-01\n", '1,A1,"[""21""]"\n')
    (problem,) = only(read(folder)[0]).problems
    assert problem.kind == "missing-value"
    assert problem.path == ("ssd_person", "pers_dob")


def test_repeated_primary_keys_are_reported(tmp_path: Path) -> None:
    folder = extract(
        tmp_path,
        GOOD_PERSONS + "P1,2016-01-01,,N\n",
        "A1,P1,2024-03-01\nA1,P3,2024-03-01\nA2,P3,2024-03-01\n",
        '1,A1,"[""21""]"\n2,A2,"[""1A""]"\n2,A2,"[""1B""]"\n',
    )
    first, again, third = read(folder)
    # a person row repeated: which date of birth is the child's is not known
    (problem,) = only(first).problems
    assert (problem.kind, problem.path, problem.line) == (
        "duplicate-key",
        ("ssd_person", "pers_person_id"),
        5,
    )
    assert "first at line 2" in problem.message
    kinds = {(p.kind, p.path[-1]) for p in only(again).problems}
    assert ("duplicate-key", "cina_assessment_id") in kinds
    # a factors row repeated (both its table id and its assessment id): never merged
    repeated = only(third).problems
    assert {p.path[-1] for p in repeated} == {"cinf_table_id", "cinf_assessment_id"}
    assert all(p.line == 4 for p in repeated)


def test_a_bad_assessment_id_is_located_and_not_used(tmp_path: Path) -> None:
    folder = extract(tmp_path, GOOD_PERSONS, "A 1,P1,2024-03-01\n", '1,A 1,"[""21""]"\n')
    record = only(read(folder)[0])
    assert record.id is None
    assert [p.kind for p in record.problems] == ["id"]


def test_a_missing_folder_or_table_is_a_load_error(tmp_path: Path) -> None:
    with pytest.raises(eh.LoadError) as missing:
        read_ssd(tmp_path / "nowhere")
    assert missing.value.problems[0].kind == "file"
    assert "no such folder" in str(missing.value)
    folder = extract(tmp_path / "x", GOOD_PERSONS)
    (folder / "ssd_assessment_factors.csv").unlink()
    with pytest.raises(eh.LoadError) as table:
        read_ssd(folder)
    (problem,) = table.value.problems
    assert problem.source == str(folder / "ssd_assessment_factors.csv")
    assert (problem.kind, problem.message) == (
        "file",
        "no such file (nor ssd_assessment_factors.parquet)",
    )


def test_a_missing_required_column_names_it_and_the_columns_found(tmp_path: Path) -> None:
    folder = extract(
        tmp_path,
        headers=(PERSON, "cina_assessment_id,cina_person_id,cina_assessment_start_date\n", CINF),
    )
    with pytest.raises(eh.LoadError) as caught:
        read_ssd(folder)
    (problem,) = caught.value.problems
    assert problem.kind == "missing-column"
    assert problem.path == ("ssd_cin_assessments", "cina_assessment_auth_date")
    assert "no column 'cina_assessment_auth_date'" in problem.message
    assert "columns found: cina_assessment_id, cina_person_id, cina_assessment_start_date" in (
        problem.message
    )


def test_a_row_that_is_not_utf8_is_unread_and_the_rest_read(tmp_path: Path) -> None:
    folder = extract(
        tmp_path,
        GOOD_PERSONS,
        "A1,P1,2024-03-01\nA2,P1,2024-03-01\n",
        '1,A1,"[""21""]"\n2,A2,"[""21""]"\n',
    )
    path = folder / "ssd_cin_assessments.csv"
    path.write_bytes(CINA.encode() + b"A1,P1,2024-03-01,\xe9\n" + b"A2,P1,2024-03-01\n")
    first, second = read(folder)
    kinds = [(p.kind, p.line) for p in only(first).problems]
    assert ("encoding", 2) in kinds
    assert isinstance(second, Assessment)
    path.write_bytes(b"\xff\xfe" + CINA.encode("utf-16-le"))
    with pytest.raises(eh.LoadError) as caught:
        read_ssd(folder)
    assert caught.value.problems[0].kind == "encoding"


def test_an_over_long_field_is_unread_and_the_rest_read(tmp_path: Path) -> None:
    long = "x" * (MAX_FIELD_CHARS + 1)
    folder = extract(
        tmp_path,
        GOOD_PERSONS,
        "A1,P1,2024-03-01\nA2,P1,2024-03-01\n",
        f'1,A1,"{long}"\n2,A2,"[""21""]"\n',
    )
    before = csv.field_size_limit()
    first, second, unparsed = read(folder)
    # the factors row could not be parsed, so its assessment finds none, and the row is
    # reported where it is
    assert [p.kind for p in only(first).problems] == ["missing-row"]
    assert isinstance(second, Assessment)
    (problem,) = only(unparsed).problems
    assert (problem.kind, problem.line, problem.source) == (
        "csv",
        2,
        str(folder / "ssd_assessment_factors.csv"),
    )
    assert csv.field_size_limit() == before  # the process's limit is left as it was


def test_a_row_of_the_wrong_width_is_unread(tmp_path: Path) -> None:
    folder = extract(tmp_path, GOOD_PERSONS, "A1,P1,2024-03-01,extra\n", '1,A1,"[""21""]"\n')
    assert [p.kind for p in only(read(folder)[0]).problems] == ["row-shape"]


def test_nothing_outside_the_folder_is_read(tmp_path: Path) -> None:
    (tmp_path / "ssd_person.csv").write_text(PERSON + GOOD_PERSONS, encoding="utf-8")
    folder = extract(tmp_path / "in", "", "A1,../ssd_person,2024-03-01\n", '1,A1,"[""21""]"\n')
    (problem,) = only(read(folder)[0]).problems
    assert problem.kind == "missing-row"


# --------------------------------------------------------------------------- writing


def test_a_factor_with_several_codes_and_none_chosen_cannot_be_written(tmp_path: Path) -> None:
    doc = Assessment.model_validate(
        {
            "kind": "early-help-assessment",
            "id": "A1",
            "assessed_on": "2024-03-01",
            "family": {
                "id": "F1",
                "members": [{"id": "c1", "role": "child", "date_of_birth": "2015-01-01"}],
            },
            "factors": [{"factor": "physical-abuse", "about": ["c1"]}],
        }
    )
    with pytest.raises(ValueError, match=r"'physical-abuse'.*18B or 18C"):
        write_ssd([doc], tmp_path)
    alone = doc.model_copy(update={"factors": ()})
    write_ssd([alone], tmp_path)
    assert '"[""21""]"' in (tmp_path / "ssd_assessment_factors.csv").read_text(encoding="utf-8")
    with pytest.raises(ValueError, match="format"):
        write_ssd([alone], tmp_path, format="xlsx")  # type: ignore[arg-type]


_CODED = sorted(f.id for f in vocabulary.factors() if f.cin_codes)


def _as_the_ssd_carries(doc: Assessment) -> Assessment:
    """What an assessment is, read back from the SSD: only what the tables carry."""
    child = next(m for m in doc.family.children)
    member = {"id": "c1", "role": child.role, "date_of_birth": child.date_of_birth}
    if child.expected_on is not None:
        member["expected_on"] = child.expected_on
    if child.send.value == "ehc-plan":
        member["send"] = child.send
    codes = [o.census_code for o in doc.factors]
    subjects = {subject_of(c) for c in codes if c}
    members = [member]
    members += [{"id": "p1", "role": "parent"}] if "parent" in subjects else []
    members += [{"id": "h1", "role": "other-adult"}] if "household" in subjects else []
    who = {"child": "c1", "parent": "p1", "household": "h1"}
    return Assessment.model_validate(
        {
            "kind": "early-help-assessment",
            "id": doc.id,
            "authority": "bromley",
            "assessed_on": doc.assessed_on,
            "family": {"id": doc.family.id, "members": members},
            "factors": [
                {
                    "factor": o.factor,
                    "about": [who[subject_of(o.census_code or "")]],
                    "noted_on": doc.assessed_on,
                    "census_code": o.census_code,
                }
                for o in doc.factors
            ],
        }
    )


@st.composite
def _coded(draw: st.DrawFn) -> list[Assessment]:
    """Assessments with distinct ids and families, each factor carrying a census code."""
    docs = draw(st.lists(assessments(factors=_CODED, max_factors=5), max_size=4))
    out = []
    for i, doc in enumerate(docs):
        factors = tuple(
            o.model_copy(
                update={"census_code": draw(st.sampled_from(vocabulary.get(o.factor).cin_codes))}
            )
            for o in doc.factors
        )
        family = doc.family.model_copy(update={"id": f"{doc.family.id}-{i}"})
        out.append(
            doc.model_copy(update={"id": f"{doc.id}-{i}", "factors": factors, "family": family})
        )
    return out


@settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(docs=_coded())
def test_what_is_written_reads_back_equal(
    tmp_path_factory: pytest.TempPathFactory, docs: list[Assessment]
) -> None:
    folder = write_ssd(docs, tmp_path_factory.mktemp("ssd"))
    assert list(read_ssd(folder, authority="bromley")) == [_as_the_ssd_carries(d) for d in docs]


def test_parquet_tables_read_like_csv(tmp_path: Path) -> None:
    pytest.importorskip("pyarrow")
    csv_folder = synthetic_ssd(tmp_path / "csv", 30, seed=3)
    docs = [r for r in read_ssd(csv_folder) if isinstance(r, Assessment)]
    parquet_folder = write_ssd(docs, tmp_path / "parquet", format="parquet")
    assert sorted(p.name for p in parquet_folder.iterdir()) == [
        "ssd_assessment_factors.parquet",
        "ssd_cin_assessments.parquet",
        "ssd_person.parquet",
    ]
    assert list(read_ssd(parquet_folder)) == docs


def test_a_bad_parquet_row_is_located_by_its_index(tmp_path: Path) -> None:
    pa = pytest.importorskip("pyarrow")
    pq = pytest.importorskip("pyarrow.parquet")
    folder = synthetic_ssd(tmp_path, 3)
    docs = [r for r in read_ssd(folder) if isinstance(r, Assessment)]
    write_ssd(docs, folder, format="parquet")
    for name in ("ssd_person", "ssd_cin_assessments", "ssd_assessment_factors"):
        (folder / f"{name}.csv").unlink()
    table = pq.read_table(folder / "ssd_assessment_factors.parquet")
    cells = table["cinf_assessment_factors_json"].to_pylist()
    cells[1] = '["RB"]'
    table = table.set_column(2, "cinf_assessment_factors_json", pa.array(cells))
    pq.write_table(table, folder / "ssd_assessment_factors.parquet")
    first, second, third = read_ssd(folder)
    (problem,) = only(second).problems
    assert problem.line is None
    assert problem.path == ("ssd_assessment_factors", 1, "cinf_assessment_factors_json")
    assert isinstance(first, Assessment)
    assert isinstance(third, Assessment)


def test_both_a_csv_and_a_parquet_file_of_one_table_is_an_error(tmp_path: Path) -> None:
    folder = extract(tmp_path, GOOD_PERSONS)
    (folder / "ssd_person.parquet").write_bytes(b"")
    with pytest.raises(eh.LoadError, match="keep one"):
        read_ssd(folder)


# --------------------------------------------------------------------------- end to end


def test_a_synthetic_extract_classifies_end_to_end(tmp_path: Path) -> None:
    folder = synthetic_ssd(tmp_path, 120, seed=7)
    assert (
        synthetic_ssd(tmp_path / "again", 120, seed=7).joinpath("ssd_person.csv").read_bytes()
        == (folder / "ssd_person.csv").read_bytes()
    )
    results = list(
        eh.classify_many(eh.load_authority("bromley"), read_ssd(folder, authority="bromley"))
    )
    assert len(results) == 120
    assert all(r.ok and r.decision is not None for r in results)
    docs = [r.document for r in results if isinstance(r.document, Assessment)]
    assert any(not d.factors for d in docs)  # some 21s
    assert all(len(d.factors) <= 5 for d in docs)
    assert {r.decision.level.id for r in results if r.decision} >= {"tier-1", "tier-4"}


def test_unread_records_flow_through_classify_many(tmp_path: Path) -> None:
    folder = extract(
        tmp_path,
        GOOD_PERSONS,
        "A1,P1,2024-03-01\nA2,P1,2024-03-01\n",
        '1,A1,"[""RB""]"\n2,A2,"[""1A""]"\n',
    )
    bad, good = eh.classify_many(eh.load_authority("bromley"), read_ssd(folder))
    assert (bad.id, bad.ok, bad.problems[0].kind) == ("A1", False, "unknown-code")
    assert good.ok
    assert good.decision is not None


def test_reading_is_lazy(tmp_path: Path) -> None:
    folder = synthetic_ssd(tmp_path, 50)
    records = read_ssd(folder)
    assert isinstance(next(records), Assessment)
