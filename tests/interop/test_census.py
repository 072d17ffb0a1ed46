"""The CIN census return: reading it into assessments, the problems a child or a file can
have, writing it back, and the synthetic file the benchmark reads."""

from __future__ import annotations

import io
import tracemalloc
from collections.abc import Iterator
from datetime import date, datetime
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import earlyhelp_core as eh
from earlyhelp_core import vocabulary
from earlyhelp_core.cohorts import Unread
from earlyhelp_core.interop import (
    census_codes,
    read_cin_census,
    synthetic_census,
    write_cin_census,
)
from earlyhelp_core.models import FactorObservation, Family, Member, Role
from earlyhelp_core.testing import members
from earlyhelp_core.vocabulary import CIN_CODES, CIN_NO_FACTORS

DATA = Path(__file__).parent / "data"
SMALL = DATA / "census-small.xml"

HEAD = """<?xml version="1.0" encoding="utf-8"?>
<Message>
  <Header><Source><LEA>000</LEA></Source></Header>
  <Children>
"""
TAIL = "  </Children>\n</Message>\n"


def child(
    laid: str = "K1",
    *,
    born: str | None = "2016-01-02",
    expected: str | None = None,
    assessments: str | None = None,
) -> str:
    """One <Child>; ``assessments`` is the XML inside its one CINdetails."""
    ids = f"<LAchildID>{laid}</LAchildID>" if laid is not None else ""
    if born is not None:
        ids += f"<PersonBirthDate>{born}</PersonBirthDate>"
    if expected is not None:
        ids += f"<ExpectedPersonBirthDate>{expected}</ExpectedPersonBirthDate>"
    inner = assessments if assessments is not None else assessment("3B")
    return (
        f"    <Child>\n      <ChildIdentifiers>{ids}</ChildIdentifiers>\n"
        f"      <CINdetails>\n{inner}\n      </CINdetails>\n    </Child>\n"
    )


def assessment(
    *codes: str, start: str | None = "2023-09-01", done: str | None = "2023-10-02"
) -> str:
    """One <Assessments> group."""
    out = "        <Assessments>\n"
    if start is not None:
        out += f"          <AssessmentActualStartDate>{start}</AssessmentActualStartDate>\n"
    if done is not None:
        out += f"          <AssessmentAuthorisationDate>{done}</AssessmentAuthorisationDate>\n"
    if codes:
        out += "          <FactorsIdentifiedAtAssessment>\n"
        out += "".join(f"            <AssessmentFactors>{c}</AssessmentFactors>\n" for c in codes)
        out += "          </FactorsIdentifiedAtAssessment>\n"
    return out + "        </Assessments>"


def census(*children: str) -> str:
    return HEAD + "".join(children) + TAIL


def read(write, text: str | bytes, **kwargs) -> list[eh.Assessment | Unread]:
    return list(read_cin_census(write(text, "census.xml"), **kwargs))


def line_of(text: str, needle: str, nth: int = 1) -> int:
    """The 1-based line of the ``nth`` occurrence of ``needle``."""
    at = -1
    for _ in range(nth):
        at = text.index(needle, at + 1)
    return text.count("\n", 0, at) + 1


def only_problems(record: eh.Assessment | Unread) -> tuple[eh.Problem, ...]:
    assert isinstance(record, Unread), record
    return record.problems


# --------------------------------------------------------------------------- mapping


@pytest.fixture(scope="module")
def small() -> list[eh.Assessment | Unread]:
    return list(read_cin_census(SMALL, authority="bedford"))


def test_each_authorised_or_factored_assessment_is_one_document(small) -> None:
    assert all(isinstance(r, eh.Assessment) for r in small)
    # TEST0001: 1/1 authorised, 1/2 open and empty (skipped), 2/1 factors but open,
    # 2/2 authorised with 21; TEST0002 unborn; TEST0003 only an open assessment: nothing
    assert [r.id for r in small] == ["TEST0001/1/1", "TEST0001/2/1", "TEST0001/2/2", "TEST0002/1/1"]


def test_the_mapping_of_one_assessment(small) -> None:
    first = small[0]
    assert isinstance(first, eh.Assessment)
    assert first.kind == "early-help-assessment"
    assert first.authority == "bedford"
    assert first.assessed_on == date(2023, 6, 10)  # the authorisation date
    assert first.assessor is None
    assert first.consent is None
    assert first.family == Family(
        id="TEST0001",
        members=(
            Member(id="c1", role=Role.CHILD, date_of_birth=date(2015, 6, 1)),
            Member(id="p1", role=Role.PARENT),
            Member(id="h1", role=Role.OTHER_ADULT),
        ),
    )
    day = date(2023, 6, 10)
    assert first.factors == (
        FactorObservation(
            factor="child-alcohol-misuse", about=("c1",), noted_on=day, census_code="1A"
        ),
        FactorObservation(
            factor="parental-domestic-abuse", about=("p1",), noted_on=day, census_code="3B"
        ),
        FactorObservation(
            factor="household-mental-health", about=("h1",), noted_on=day, census_code="4C"
        ),
        FactorObservation(factor="physical-abuse", about=("c1",), noted_on=day, census_code="18C"),
        FactorObservation(factor="other-need", about=("c1",), noted_on=day, census_code="20"),
    )


def test_an_open_assessment_with_factors_is_dated_by_its_start(small) -> None:
    second = small[1]
    assert second.assessed_on == date(2023, 11, 3)
    assert [(o.factor, o.about, o.noted_on) for o in second.factors] == [
        ("neglect", ("c1",), date(2023, 11, 3))
    ]
    assert second.family.member_ids == ("c1",)  # no B or C code: the child alone


def test_21_alone_is_an_assessment_with_no_factors(small) -> None:
    assert small[2].factors == ()
    assert small[2].family.member_ids == ("c1",)
    assert census_codes(small[2]) == ("21",)


def test_an_unborn_child_has_an_expected_date(small) -> None:
    unborn = small[3]
    assert unborn.family.members[0] == Member(
        id="c1", role=Role.UNBORN, expected_on=date(2024, 4, 20)
    )
    assert [(o.factor, o.about) for o in unborn.factors] == [("parental-drug-misuse", ("p1",))]


def test_without_an_authority_the_documents_name_none(write) -> None:
    (record,) = read(write, census(child()))
    assert record.authority is None


def test_a_birth_date_wins_over_an_expected_one(write) -> None:
    (record,) = read(write, census(child(born="2016-01-02", expected="2016-01-09")))
    assert record.family.members[0].date_of_birth == date(2016, 1, 2)


def test_an_authority_that_is_not_an_id_is_refused() -> None:
    with pytest.raises(ValueError, match="is not an authority id"):
        read_cin_census(SMALL, authority="Bed ford")


def test_every_census_code_maps_to_exactly_the_one_factor_claiming_it(write) -> None:
    claims = {
        code: [f.id for f in vocabulary.factors() if code in f.cin_codes] for code in CIN_CODES
    }
    assert claims.pop(CIN_NO_FACTORS) == []  # 21 is nobody's: it means none
    assert all(len(ids) == 1 for ids in claims.values()), claims
    assert claims["20"] == ["other-need"]
    assert vocabulary.get("radicalisation").cin_codes == ()  # no census code of its own
    text = census(*(child(f"K{i}", assessments=assessment(code)) for i, code in enumerate(claims)))
    records = read(write, text)
    assert [(r.factors[0].factor, r.factors[0].census_code) for r in records] == [
        (ids[0], code) for code, ids in claims.items()
    ]


# --------------------------------------------------------------------------- a child's problems

NEXT = child("NEXT1", assessments=assessment("16A"))
"""A good child after the bad one: it must still be read."""


def bad_then_next(write, bad: str) -> tuple[str, tuple[eh.Problem, ...]]:
    text = census(bad, NEXT)
    records = read(write, text)
    assert len(records) == 2, records
    assert isinstance(records[1], eh.Assessment)
    assert records[1].id == "NEXT1/1/1"
    return text, only_problems(records[0])


def test_an_unknown_code_is_located_with_the_nearest_codes(write) -> None:
    text, (problem,) = bad_then_next(write, child("K1", assessments=assessment("1C", "RB")))
    assert problem.kind == "unknown-code"
    assert problem.source.endswith("census.xml")
    assert problem.line == line_of(text, "RB")
    assert problem.col is not None
    assert problem.path == (
        "Message", "Children", "Child", 1, "CINdetails", 1, "Assessments", 1,
        "FactorsIdentifiedAtAssessment", "AssessmentFactors", 2,
    )  # fmt: skip
    assert "unknown census factor code 'RB'" in problem.message
    assert "codes ending in 'B': 1B, 2B" in problem.message
    assert "Message.Children.Child[1].CINdetails[1]" in str(problem)


def test_a_code_in_the_wrong_case_or_a_near_miss_is_suggested(write) -> None:
    _, problems = bad_then_next(write, child("K1", assessments=assessment("1c", "25A")))
    assert ["did you mean '1C'?" in p.message for p in problems] == [True, False]
    assert "(did you mean '5A'?)" in problems[1].message


def test_an_impossible_date_says_which_part_is_wrong_not_the_date(write) -> None:
    text, (problem,) = bad_then_next(write, child("K1", born="2013-02-30"))
    assert problem.kind == "date"
    assert problem.line == line_of(text, "2013-02-30")
    assert problem.path[-2:] == ("ChildIdentifiers", "PersonBirthDate")
    assert "day is out of range for month" in problem.message
    assert "2013" not in problem.message
    assert "30" not in problem.message


def test_a_date_that_is_not_iso_is_described_not_echoed(write) -> None:
    _, (problem,) = bad_then_next(
        write, child("K1", assessments=assessment("3B", done="01/02/2023"))
    )
    assert problem.kind == "date"
    assert problem.message == (
        "AssessmentAuthorisationDate: expected a date (YYYY-MM-DD), found text of 10 characters"
    )


def test_21_beside_other_codes_is_refused(write) -> None:
    _, (problem,) = bad_then_next(write, child("K1", assessments=assessment("3B", "21")))
    assert problem.kind == "code-21-not-alone"
    assert "rule 8869" in problem.message
    assert problem.path[-1] == 2


def test_a_duplicate_code_is_refused(write) -> None:
    _, (problem,) = bad_then_next(write, child("K1", assessments=assessment("3B", "4A", "3B")))
    assert problem.kind == "duplicate-code"
    assert problem.path[-1] == 3


@pytest.mark.parametrize(
    ("bad", "where"),
    [
        (child(None), ("ChildIdentifiers", "LAchildID")),
        (child("K1", born=None), ("ChildIdentifiers", "PersonBirthDate")),
        (child("K1", assessments=assessment("3B", start=None)), ("Assessments", 1)),
        (
            child("K1", assessments=assessment()),
            ("Assessments", 1, "FactorsIdentifiedAtAssessment"),
        ),
    ],
    ids=["LAchildID", "birth date", "start date", "factors of an authorised assessment"],
)
def test_a_missing_required_element_is_located(write, bad, where) -> None:
    _, (problem,) = bad_then_next(write, bad)
    assert problem.kind == "missing"
    assert problem.path[-len(where) :] == where
    assert problem.line is not None


def test_an_lachildid_that_cannot_make_an_id_is_not_echoed(write) -> None:
    record, after = read(write, census(child("Jane Doe"), NEXT))
    (problem,) = only_problems(record)
    assert record.id is None
    assert problem.kind == "id"
    assert "Jane" not in problem.message
    assert "text of 8 characters" in problem.message
    assert after.id == "NEXT1/1/1"


def test_free_text_where_a_code_belongs_is_not_echoed(write) -> None:
    _, (problem,) = bad_then_next(
        write, child("K1", assessments=assessment("Mother drinks heavily"))
    )
    assert "Mother" not in problem.message
    assert "text of 21 characters" in problem.message


def test_a_child_with_several_problems_is_one_unread_holding_them_all(write) -> None:
    bad = child(
        "K1",
        born="2015-13-01",
        assessments=assessment("RB", "3B") + "\n" + assessment("21", "1A", done="2023-02-29"),
    )
    _, problems = bad_then_next(write, bad)
    assert sorted(p.kind for p in problems) == [
        "code-21-not-alone",
        "date",
        "date",
        "unknown-code",
    ]
    assert [p.line for p in problems] == sorted(p.line for p in problems)
    assert "month must be in 1..12" in problems[0].message


def test_an_unread_child_keeps_its_lachildid(write) -> None:
    record, _ = read(write, census(child("K7", assessments=assessment("RB")), NEXT))
    assert record.id == "K7"


def test_a_single_element_given_twice_is_reported(write) -> None:
    twice = child("K1").replace(
        "<PersonBirthDate>2016-01-02</PersonBirthDate>",
        "<PersonBirthDate>2016-01-02</PersonBirthDate><PersonBirthDate>2016-01-03</PersonBirthDate>",
    )
    _, (problem,) = bad_then_next(write, twice)
    assert problem.kind == "duplicate-element"


def test_problem_children_go_into_a_cohort_as_results_with_problems(write) -> None:
    text = census(child("K1", assessments=assessment("RB")), NEXT)
    results = list(eh.classify_many(eh.load_authority("bedford"), read(write, text)))
    assert [r.ok for r in results] == [False, True]
    assert results[0].id == "K1"
    assert results[0].problems[0].kind == "unknown-code"


# --------------------------------------------------------------------------- the file's problems


def file_problem(records: list[eh.Assessment | Unread]) -> eh.Problem:
    last = records[-1]
    assert isinstance(last, Unread)
    assert last.id is None
    (problem,) = last.problems
    return problem


def test_malformed_xml_yields_what_came_before_then_stops(write) -> None:
    text = census(
        child("K1"), child("K2").replace("</ChildIdentifiers>", "</ChildIdentifier>"), child("K3")
    )
    records = read(write, text)
    assert [r.id for r in records[:-1]] == ["K1/1/1"]
    problem = file_problem(records)
    assert problem.kind == "xml-syntax"
    assert "mismatched tag" in problem.message
    assert problem.line == line_of(text, "</ChildIdentifier>")
    assert problem.col is not None
    assert problem.path[:4] == ("Message", "Children", "Child", 2)


def test_a_file_cut_short_is_malformed(write) -> None:
    text = census(child("K1"), child("K2"))
    records = read(write, text[: text.index("<LAchildID>K2")])
    assert [r.id for r in records[:-1]] == ["K1/1/1"]
    assert file_problem(records).kind == "xml-syntax"


def test_the_wrong_root_element_is_refused(write) -> None:
    records = read(write, "<Census><Children/></Census>")
    problem = file_problem(records)
    assert problem.kind == "root"
    assert problem.line == 1
    assert len(records) == 1


@pytest.mark.parametrize("content", [b"", b"  \n\n "], ids=["empty", "blank"])
def test_an_empty_file_is_a_problem(write, content) -> None:
    problem = file_problem(read(write, content))
    assert problem.kind == "empty"
    assert problem.line == 1


def test_a_file_that_is_not_utf8_stops_where_it_stops_being_utf8(write) -> None:
    text = census(child("K1"), child("K2"), child("K3"))
    raw = text.replace("K2", "K\xe92").encode("latin-1")
    records = read(write, raw)
    assert [r.id for r in records[:-1]] == ["K1/1/1"]
    problem = file_problem(records)
    assert problem.kind == "encoding"
    assert problem.line == line_of(text, "K2")
    assert problem.col == text.splitlines()[problem.line - 1].index("K2") + 2


def test_a_declared_encoding_does_not_change_how_the_file_is_read(write) -> None:
    text = census(child("K1")).replace('encoding="utf-8"', 'encoding="ISO-8859-1"')
    records = read(write, text.replace("K1", "K\xe91").encode("latin-1"))
    assert file_problem(records).kind == "encoding"


def test_a_utf16_file_is_refused(write) -> None:
    problem = file_problem(read(write, census(child("K1")).encode("utf-16")))
    assert problem.kind == "encoding"
    assert problem.line == 1


def test_a_utf8_byte_order_mark_is_fine(write) -> None:
    (record,) = read(write, census(child("K1")).encode("utf-8-sig"))
    assert record.id == "K1/1/1"


def test_a_missing_file_or_a_directory_is_a_load_error(tmp_path) -> None:
    with pytest.raises(eh.LoadError, match="no such file") as missing:
        read_cin_census(tmp_path / "nope.xml")
    assert missing.value.problems[0].kind == "file"
    with pytest.raises(eh.LoadError, match="is a directory"):
        read_cin_census(tmp_path)


SECRET = "TOP-SECRET-CONTENT-4711"


def hostile_files(tmp_path: Path) -> dict[str, str]:
    secret = tmp_path / "secret.txt"
    secret.write_text(SECRET, encoding="utf-8")
    uri = secret.as_uri()
    lol = "".join(f'<!ENTITY lol{i} "{("&lol" + str(i - 1) + ";") * 10}">' for i in range(1, 10))
    return {
        "dtd": '<?xml version="1.0"?>\n<!DOCTYPE Message>\n<Message/>',
        "external": (
            f'<?xml version="1.0"?>\n<!DOCTYPE Message [\n<!ENTITY xxe SYSTEM "{uri}">\n]>\n'
            + census(child("&xxe;")).split("\n", 1)[1]
        ),
        "external-dtd": f'<?xml version="1.0"?>\n<!DOCTYPE Message SYSTEM "{uri}">\n<Message/>',
        "bomb": (
            '<?xml version="1.0"?>\n<!DOCTYPE Message [\n<!ENTITY lol0 "lol">'
            + lol
            + "\n]>\n"
            + census(child("&lol9;")).split("\n", 1)[1]
        ),
    }


@pytest.mark.parametrize("case", ["dtd", "external", "external-dtd", "bomb"])
def test_dtds_and_entities_are_refused_and_nothing_outside_the_file_is_read(tmp_path, case) -> None:
    path = tmp_path / "census.xml"
    path.write_text(hostile_files(tmp_path)[case], encoding="utf-8")
    records = list(read_cin_census(path))
    assert len(records) == 1
    problem = file_problem(records)
    assert problem.kind == "dtd"
    assert problem.line == 2
    assert "DTD" in problem.message
    shown = repr(records) + str(problem) + repr(problem.to_dict())
    assert SECRET not in shown
    assert "lollol" not in shown


def test_an_undeclared_entity_is_malformed_not_expanded(write) -> None:
    problem = file_problem(read(write, census(child("&xxe;"))))
    assert problem.kind == "xml-syntax"
    assert "undefined entity" in problem.message


# --------------------------------------------------------------------------- codes of an assessment


def an_assessment(*factors: FactorObservation) -> eh.Assessment:
    return eh.Assessment(
        kind="early-help-assessment",
        id="A-1",
        assessed_on=date(2024, 1, 1),
        family=Family(
            id="F-1", members=(Member(id="c1", role=Role.CHILD, date_of_birth=date(2015, 1, 1)),)
        ),
        factors=factors,
    )


def test_census_codes_use_the_recorded_code_else_the_only_one() -> None:
    assert census_codes(an_assessment()) == ("21",)
    assert census_codes(
        an_assessment(
            FactorObservation(factor="neglect"),
            FactorObservation(factor="physical-abuse", census_code="18B"),
            FactorObservation(factor="neglect", about=("c1",)),
        )
    ) == ("16A", "18B")


def test_a_factor_with_several_codes_needs_its_census_code() -> None:
    with pytest.raises(ValueError, match=r"'physical-abuse' has several census codes \(18B, 18C\)"):
        census_codes(an_assessment(FactorObservation(factor="physical-abuse")))


def test_a_factor_with_no_census_code_cannot_be_written() -> None:
    with pytest.raises(ValueError, match="'radicalisation' has no census code"):
        census_codes(an_assessment(FactorObservation(factor="radicalisation")))
    with pytest.raises(ValueError, match="'bedford:relay-notification' has no census code"):
        census_codes(an_assessment(FactorObservation(factor="bedford:relay-notification")))


# --------------------------------------------------------------------------- writing


def written(assessments, **kwargs) -> str:
    buffer = io.StringIO()
    write_cin_census(assessments, buffer, **kwargs)
    return buffer.getvalue()


def test_what_is_read_is_written_back_the_same(small, tmp_path) -> None:
    out = tmp_path / "again.xml"
    assert write_cin_census(small, out, lea="822", year=2024) == 2
    assert list(read_cin_census(out, authority="bedford")) == [
        # an open assessment's factors are written as authorised on its date, and the
        # ids count only the assessments written
        a.model_copy(update={"id": f"{a.family.id}/1/{n}"})
        for a, n in zip(small, [1, 2, 3, 1], strict=True)
    ]
    assert "<LEA>822</LEA>" in out.read_text(encoding="utf-8")


def test_the_writer_refuses_what_the_census_cannot_carry() -> None:
    with pytest.raises(ValueError, match="several census codes"):
        write_cin_census([an_assessment(FactorObservation(factor="sexual-abuse"))], io.StringIO())
    with pytest.raises(ValueError, match="three-digit LA code"):
        write_cin_census([], io.StringIO(), lea="Bedford")


def test_the_writer_writes_the_header_it_is_given() -> None:
    text = written([], lea="822", year=2025, created=datetime(2025, 5, 1, 10, 30))
    assert "<Year>2025</Year>" in text
    assert "<ReferenceDate>2025-03-31</ReferenceDate>" in text
    assert "<DateTime>2025-05-01T10:30:00</DateTime>" in text


_SUBJECT = {"A": "c1", "B": "p1", "C": "h1"}
_CODES = [c for c in CIN_CODES if c != CIN_NO_FACTORS]


def _about(code: str) -> str:
    number, letter = code[:-1], code[-1]
    return _SUBJECT.get(letter, "c1") if number in {"1", "2", "3", "4", "5", "6"} else "c1"


@st.composite
def census_children(draw: st.DrawFn, laid: str) -> list[eh.Assessment]:
    """The assessments of one census child, as the reader gives them."""
    days = draw(st.lists(st.dates(date(2015, 1, 1), date(2030, 12, 31)), min_size=1, max_size=3))
    if draw(st.booleans()):
        person = draw(members(Role.CHILD, on=days[0], member_id="c1"))
        person = Member(id="c1", role=Role.CHILD, date_of_birth=person.date_of_birth)
    else:
        person = draw(members(Role.UNBORN, on=days[0], member_id="c1"))
    out = []
    for n, day in enumerate(days, start=1):
        codes = draw(st.lists(st.sampled_from(_CODES), max_size=5, unique=True))
        people = [person]
        if any(_about(c) == "p1" for c in codes):
            people.append(Member(id="p1", role=Role.PARENT))
        if any(_about(c) == "h1" for c in codes):
            people.append(Member(id="h1", role=Role.OTHER_ADULT))
        out.append(
            eh.Assessment(
                kind="early-help-assessment",
                id=f"{laid}/1/{n}",
                authority="bedford",
                assessed_on=day,
                family=Family(id=laid, members=tuple(people)),
                factors=tuple(
                    FactorObservation(
                        factor=next(f.id for f in vocabulary.factors() if c in f.cin_codes),
                        about=(_about(c),),
                        noted_on=day,
                        census_code=c,
                    )
                    for c in codes
                ),
            )
        )
    return out


@st.composite
def census_cohorts(draw: st.DrawFn) -> list[eh.Assessment]:
    ids = draw(
        st.lists(
            st.from_regex(r"[A-Za-z0-9][A-Za-z0-9._-]{0,11}", fullmatch=True),
            max_size=4,
            unique=True,
        )
    )
    return [a for laid in ids for a in draw(census_children(laid))]


@settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(cohort=census_cohorts())
def test_reading_what_was_written_gives_the_same_assessments(tmp_path, cohort) -> None:
    path = tmp_path / "round.xml"
    write_cin_census(cohort, path)
    assert list(read_cin_census(path, authority="bedford")) == cohort


# --------------------------------------------------------------------------- synthetic, end to end, memory


def test_the_synthetic_file_is_fictional_and_the_same_for_a_seed(tmp_path) -> None:
    one, two, other = (tmp_path / f"{n}.xml" for n in ("one", "two", "other"))
    synthetic_census(one, 300, seed=3)
    synthetic_census(two, 300, seed=3)
    synthetic_census(other, 300, seed=4)
    assert one.read_bytes() == two.read_bytes() != other.read_bytes()
    records = list(read_cin_census(one))
    assert [r.family.id for r in records] == [f"SYN{n:06d}" for n in range(1, 301)]
    counts = [len(r.factors) for r in records]
    assert min(counts) == 0
    assert max(counts) == 5
    assert any(r.family.members[0].role is Role.UNBORN for r in records)


def test_a_synthetic_census_classifies_end_to_end_under_bedford(tmp_path) -> None:
    path = tmp_path / "synthetic.xml"
    synthetic_census(path, 400, seed=1)
    results = list(eh.classify_many(eh.load_authority("bedford"), read_cin_census(path)))
    assert len(results) == 400
    assert all(r.ok and r.decision is not None for r in results)
    assert len({r.decision.level.id for r in results}) > 1


def test_reading_is_lazy(tmp_path) -> None:
    # the first result arrives while most of the file is unread: children appended to the
    # file after it are still read
    path = tmp_path / "lazy.xml"
    path.write_text(HEAD + "".join(child(f"K{i}") for i in range(3000)), encoding="utf-8")
    records = read_cin_census(path)
    assert next(records).id == "K0/1/1"
    with path.open("a", encoding="utf-8") as more:
        more.write(child("LATE") + TAIL)
    rest = list(records)
    assert len(rest) == 3000
    assert rest[-1].id == "LATE/1/1"


def peak_reading(path: Path) -> int:
    tracemalloc.start()
    try:
        for _ in read_cin_census(path):
            pass
        return tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()


def test_memory_stays_flat_whatever_the_number_of_children(tmp_path) -> None:
    small_file, large_file = tmp_path / "small.xml", tmp_path / "large.xml"
    synthetic_census(small_file, 500)
    synthetic_census(large_file, 5000)
    peak_reading(small_file)  # imports, caches and schemas are built on the first read
    small_peak, large_peak = peak_reading(small_file), peak_reading(large_file)
    assert large_peak < 2 * small_peak, (small_peak, large_peak)


def test_reading_stops_cleanly_when_the_consumer_stops(tmp_path) -> None:
    path = tmp_path / "s.xml"
    synthetic_census(path, 50)
    records: Iterator[eh.Assessment | Unread] = read_cin_census(path)
    next(records)
    records.close()  # closes the file: no ResourceWarning (warnings are errors here)


@pytest.mark.parametrize(
    "text",
    ["<Message><Header/></Message>", "<Message><Children>\n</Children></Message>"],
    ids=["no Children", "no Child"],
)
def test_a_return_with_no_children_gives_nothing(write, text) -> None:
    assert read(write, text) == []


# --------------------------------------------------------------------------- bounds


def test_a_huge_element_is_reported_and_not_held_in_memory(write) -> None:
    """A 4 MB LAchildID (a file that is one giant element, as a 2 GB file could be): the
    child is reported, the next child read, and the text is never held whole."""
    import tracemalloc

    huge = "A" * 4_000_000
    list(read_cin_census(write(census(child("K0")), "warm.xml")))  # imports and caches first
    path = write(census(child(huge), child("K2")), "census.xml")
    tracemalloc.start()
    try:
        records = list(read_cin_census(path))
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    first, second = records
    (problem,) = only_problems(first)
    assert problem.kind == "id"
    assert "257 characters" in problem.message  # what was kept, never the text
    assert isinstance(second, eh.Assessment)
    assert peak < 1_500_000  # well under the element's 4 MB


def test_more_codes_than_the_census_has_is_reported(write) -> None:
    codes = [CIN_CODES[i % len(CIN_CODES)] for i in range(150) if CIN_CODES[i % 42] != "21"]
    (record,) = read(write, census(child(assessments=assessment(*codes))))
    assert {p.kind for p in only_problems(record)} == {"duplicate-code"}


def test_a_child_with_more_assessments_than_the_bound_is_reported(write, monkeypatch) -> None:
    from earlyhelp_core.interop import census as module

    monkeypatch.setattr(module, "MAX_ASSESSMENTS", 3)
    groups = "\n".join(assessment("3B") for _ in range(5))
    (record,) = read(write, census(child(assessments=groups)))
    (problem,) = [p for p in only_problems(record) if p.kind == "too-many"]
    assert "more than 3 Assessments groups" in problem.message
