"""Read and write the DfE Children in Need (CIN) census return (XML), one child at a time.

The census is the return every English local authority makes to the DfE each year. Its
assessments carry the factors identified at assessment (``AssessmentFactors``, CBDS
N00181), which map one to one onto vocabulary factors (:mod:`._codes`). Reading a return
gives one :class:`~earlyhelp_core.Assessment` per assessment, ready for
:func:`earlyhelp_core.classify_many`.

The shape read (element names as the DfE's XML uses them)::

    <Message>
      <Header>...</Header>                                   ignored
      <Children>
        <Child>                                              one per child
          <ChildIdentifiers>
            <LAchildID>                                      required
            <PersonBirthDate> | <ExpectedPersonBirthDate>    one required
            <UPN>, <FormerUPN>, <UPNunknown>, <Sex>,
            <GenderCurrent>, <PersonDeathDate>               ignored
          <ChildCharacteristics>                             ignored
          <CINdetails>                                       repeated
            <CINreferralDate>, <ReferralSource>, <PrimaryNeedCode>, <CINclosureDate>,
            <ReasonForClosure>, <DateOfInitialCPC>, <ReferralNFA>          ignored
            <Assessments>                                    repeated
              <AssessmentActualStartDate>                    required
              <AssessmentInternalReviewDate>                 ignored
              <AssessmentAuthorisationDate>                  optional (open until set)
              <FactorsIdentifiedAtAssessment>
                <AssessmentFactors>                          repeated: one code each
            <CINPlanDates>, <Section47>, <ChildProtectionPlans>               ignored

A missing ``<Header>`` is fine (nothing in it is read); a missing or empty ``<Children>``
gives nothing; a missing ``AssessmentAuthorisationDate`` means the assessment is still
open; a missing ``FactorsIdentifiedAtAssessment`` means none recorded yet (see below).
Any other element is ignored wherever it is, so a later year's return that adds elements
still reads. Element names are matched exactly (no namespace prefix); they were confirmed
from the fake census files and the ingress code of the public CIN validator
(data-to-insight/csc-validator-be-cin: ``fake_data/CIN_Census_2021.xml``,
``fake_data/CIN_Census_2024.xml``, ``fake_data/CIN_Census_2021_no_assessment_factors.xml``
and ``cin_validator/ingress.py``). Not confirmed: whether a real return declares an XML
namespace (a default ``xmlns`` does not change the names read here; a prefixed one would),
and the header's ``Year`` convention (the fake files disagree; the writer uses the year the
collection ends, with ``ReferenceDate`` its 31 March).

Mapping (reading):

* One assessment per ``<Assessments>`` group that is authorised (has
  ``AssessmentAuthorisationDate``) or lists factors. An assessment still open with no
  factors (only a start date, as at the census date) is skipped, without a problem: the
  census allows it, and there is nothing yet to classify. An authorised assessment with
  no ``AssessmentFactors`` is a problem (``missing``): the census records "none" as 21, so
  an empty list cannot be read as "no factors".
* ``kind`` is ``early-help-assessment``; ``id`` is ``{LAchildID}/{c}/{a}``, where ``c`` is
  the position of the ``CINdetails`` in the child and ``a`` that of the ``Assessments`` in
  the ``CINdetails``, both from 1, counted over every group in the file (skipped ones too,
  so an id never changes when another assessment is authorised). ``authority`` is the one
  given, or None. ``assessed_on`` is the authorisation date, else (factors recorded on an
  open assessment) the start date. ``assessor`` and ``consent`` are None: the census does
  not record them (never read None as "not given").
* The family's id is the LAchildID. The child is member ``c1``: ``role: child`` with
  ``date_of_birth`` from ``PersonBirthDate`` or, with no birth date, ``role: unborn`` with
  ``expected_on`` from ``ExpectedPersonBirthDate`` (a birth date wins when both are given).
  A parent ``p1`` (no date of birth) is added only when a ``B`` code of 1-6 is present, and
  another adult ``h1`` only when a ``C`` code of 1-6 is: the census says the need is a
  parent's or a household member's, not whose.
* Each code but 21 is one factor observation: ``factor`` the vocabulary factor that claims
  the code, ``about`` the member the code is about (:func:`._codes.subject_of`),
  ``census_code`` the code as read, ``noted_on`` the assessment's date. 21 (no factors
  identified) must be the only code (census rule 8869) and gives an assessment with no
  factors; 20 (other) is ``other-need``.

Problems (each a :class:`~earlyhelp_core.Problem` with ``source`` the file, the line and
column of the element's start tag, and ``path`` the element path with the 1-based position
after each repeated element, e.g. ``("Message", "Children", "Child", 3, "CINdetails", 1,
"Assessments", 1, "FactorsIdentifiedAtAssessment", "AssessmentFactors", 2)``; rendered
``Message.Children.Child[3].CINdetails[1]...``). Kinds: ``unknown-code`` (with the nearest
valid code), ``date`` (not a real date, or not ``YYYY-MM-DD``), ``code-21-not-alone``,
``duplicate-code``, ``missing`` (a required element), ``duplicate-element`` (a single
element given twice), ``id`` (an LAchildID that cannot make an id). Messages never echo a
date, a name or free text: a date is described by which part is wrong, and a code is
quoted only when it is short and looks like a code.

A child with any problem gives ONE :class:`~earlyhelp_core.cohorts.Unread` (its LAchildID,
when usable, and all its problems), never a partial assessment: a dropped code could
lower the level. The reader then goes on to the next child. A child with no assessment to
classify gives nothing.

File-level problems end the read, after yielding every child complete before them, with
one ``Unread(None, (problem,))``: ``xml-syntax`` (malformed XML), ``root`` (the root is not
``<Message>``), ``dtd`` (a document type declaration: any DTD is refused, so no entity is
ever declared, expanded or fetched; ``entity``/``external-entity`` if one were met another
way), ``empty`` and ``encoding`` (the file must be UTF-8, whatever its XML declaration
says). A path that does not exist, is a directory or cannot be opened raises
:class:`~earlyhelp_core.LoadError` at the call, the way :func:`earlyhelp_core.load_document`
does.

Reading is streamed with expat (through :mod:`defusedxml`): the file is fed in 64 KiB
chunks, each child's state is dropped once it is yielded, and nothing else is kept, so
memory stays flat whatever the file's size. Children are not checked for a repeated
LAchildID (that would need memory growing with the file).
"""

from __future__ import annotations

import codecs
import os
import random
import re
from collections.abc import Iterable, Iterator
from datetime import UTC, date, datetime, timedelta
from typing import IO, Any
from xml.sax import SAXParseException
from xml.sax.handler import ContentHandler
from xml.sax.saxutils import escape

from defusedxml.common import DTDForbidden, EntitiesForbidden, ExternalReferenceForbidden
from defusedxml.expatreader import DefusedExpatParser

from .. import vocabulary
from .._errors import LoadError, Path, Problem
from .._located import did_you_mean
from .._version import __version__
from ..cohorts import Unread
from ..models import Assessment, FactorObservation, Family, Member, Role
from ..models._base import AUTHORITY_ID_PATTERN, ID_PATTERN
from ..vocabulary import CIN_CODES, CIN_NO_FACTORS
from ._codes import factor_of, subject_of

__all__ = ["census_codes", "read_cin_census", "synthetic_census", "write_cin_census"]

CHUNK = 1 << 16
"""Bytes fed to the parser at a time."""
MAX_TEXT = 256
"""Characters of one element's text kept: longer text (no id, date or code is so long) is
kept only to this length plus one, and is reported as too long for what it is."""
MAX_CODES = 100
"""``AssessmentFactors`` kept per assessment. There are 42 codes, so an assessment with
more than this many has a repeated or unknown code, and is reported."""
MAX_ASSESSMENTS = 1_000
"""``Assessments`` groups read per child; a child with more is reported, not read."""

_ID = re.compile(ID_PATTERN)
_AUTHORITY = re.compile(AUTHORITY_ID_PATTERN)
_ISO_DAY = re.compile(r"\d{4}-\d{2}-\d{2}")
_CODE_LIKE = re.compile(r"[0-9A-Za-z]{1,4}")
_MEMBER: dict[str, str] = {"child": "c1", "parent": "p1", "household": "h1"}
_CHILD_LEAVES = frozenset({"LAchildID", "PersonBirthDate", "ExpectedPersonBirthDate"})
_ASSESSMENT_LEAVES = frozenset({"AssessmentActualStartDate", "AssessmentAuthorisationDate"})
_REPEATED = frozenset({"Child", "CINdetails", "Assessments", "AssessmentFactors"})


# --------------------------------------------------------------------------- reading


class _Found:
    """One leaf element read: its text and where its start tag is."""

    __slots__ = ("col", "line", "path", "text")

    def __init__(self, text: str, line: int | None, col: int | None, path: Path) -> None:
        self.text = text
        self.line = line
        self.col = col
        self.path = path


class _Assessment:
    """One ``<Assessments>`` group as read so far."""

    __slots__ = ("authorised", "cin", "codes", "line", "path", "position", "start")

    def __init__(self, cin: int, position: int, line: int | None, path: Path) -> None:
        self.cin = cin
        self.position = position
        self.line = line
        self.path = path
        self.start: _Found | None = None
        self.authorised: _Found | None = None
        self.codes: list[_Found] = []


class _Child:
    """One ``<Child>`` as read so far."""

    __slots__ = (
        "assessments",
        "born",
        "expected",
        "identifiers",
        "line",
        "overflow",
        "path",
        "reference",
    )

    def __init__(self, line: int | None, path: Path) -> None:
        self.line = line
        self.path = path
        self.identifiers: tuple[int | None, Path] | None = None
        self.reference: _Found | None = None
        self.born: _Found | None = None
        self.expected: _Found | None = None
        self.assessments: list[_Assessment] = []
        self.overflow: Problem | None = None


class _Stop(Exception):
    """Raised inside a parser callback to end the read with one file-level problem."""

    def __init__(self, problem: Problem) -> None:
        super().__init__(problem.message)
        self.problem = problem


class _Handler(ContentHandler):
    """Builds one child at a time from the parser's events; finished records wait in
    ``out`` until the reader yields them."""

    def __init__(self, source: str, authority: str | None, parser: Any) -> None:
        super().__init__()
        self.source = source
        self.authority = authority
        self.parser = parser
        self.names: list[str] = []
        self.path: list[str | int] = []
        self.counts: list[dict[str, int]] = [{}]
        self.child: _Child | None = None
        self.cin = 0
        self.assessment: _Assessment | None = None
        self.text: list[str] | None = None
        self.kept = 0
        self.leaf: tuple[int, int | None, int | None] = (0, None, None)
        self.started = False
        self.out: list[Assessment | Unread] = []

    def where(self) -> tuple[int | None, int | None]:
        """The parser's line and 1-based column."""
        line = self.parser.getLineNumber()
        col = self.parser.getColumnNumber()
        return line, (col + 1 if col is not None else None)

    def startElement(self, name: str, attrs: Any) -> None:
        """Track the element path; open a child, an assessment or a leaf to read."""
        names = self.names
        if not names:
            self.started = True
            if name != "Message":
                line, col = self.where()
                raise _Stop(
                    Problem(
                        "the root element must be <Message> for a census return; this is "
                        "not a CIN census file",
                        (name,),
                        self.source,
                        line,
                        col,
                        "root",
                    )
                )
        counts = self.counts[-1]
        position = counts[name] = counts.get(name, 0) + 1
        self.counts.append({})
        parent = names[-1] if names else None
        names.append(name)
        self.path.append(name)
        if name in _REPEATED:
            self.path.append(position)
        child = self.child
        if name == "Child" and parent == "Children" and len(names) == 3:
            line, _ = self.where()
            self.child = _Child(line, tuple(self.path))
            self.cin = 0
        elif child is None:
            return
        elif name == "CINdetails" and parent == "Child":
            self.cin = position
        elif name == "Assessments" and parent == "CINdetails":
            line, col = self.where()
            if len(child.assessments) >= MAX_ASSESSMENTS:  # bounded memory per child
                if child.overflow is None:
                    child.overflow = Problem(
                        f"the child has more than {MAX_ASSESSMENTS:,} Assessments groups",
                        tuple(self.path),
                        self.source,
                        line,
                        col,
                        "too-many",
                    )
                return
            self.assessment = _Assessment(self.cin, position, line, tuple(self.path))
        elif name == "ChildIdentifiers" and parent == "Child" and child.identifiers is None:
            child.identifiers = (self.where()[0], tuple(self.path))
        elif (
            (name in _CHILD_LEAVES and parent == "ChildIdentifiers")
            or (name in _ASSESSMENT_LEAVES and parent == "Assessments")
            or (name == "AssessmentFactors" and parent == "FactorsIdentifiedAtAssessment")
        ) and self.text is None:
            self.text = []
            self.kept = 0
            self.leaf = (len(names), *self.where())

    def characters(self, content: str) -> None:
        """Collect the text of a leaf being read, at most ``MAX_TEXT`` + 1 characters."""
        text = self.text
        if text is not None:
            room = MAX_TEXT + 1 - self.kept
            if room > 0:
                text.append(content[:room])
                self.kept += min(len(content), room)

    def endElement(self, name: str) -> None:
        """Store a leaf; close an assessment or a child."""
        if self.text is not None and len(self.names) == self.leaf[0]:
            self._leaf(name, "".join(self.text).strip())
            self.text = None
        elif name == "Assessments" and self.assessment is not None and self.child is not None:
            self.child.assessments.append(self.assessment)
            self.assessment = None
        elif name == "Child" and self.child is not None and len(self.names) == 3:
            self.out.extend(_finish(self.child, self.source, self.authority))
            self.child = None
        self.names.pop()
        self.counts.pop()
        if name in _REPEATED:
            self.path.pop()
        self.path.pop()

    def _leaf(self, name: str, text: str) -> None:
        _, line, col = self.leaf  # where its start tag is
        child = self.child
        assert child is not None
        found = _Found(text, line, col, tuple(self.path))
        if name == "AssessmentFactors":
            # past MAX_CODES a code must repeat or be unknown: the one more kept says so
            if self.assessment is not None and len(self.assessment.codes) <= MAX_CODES:
                self.assessment.codes.append(found)
            return
        holder: _Child | _Assessment = child
        attr = {
            "LAchildID": "reference",
            "PersonBirthDate": "born",
            "ExpectedPersonBirthDate": "expected",
            "AssessmentActualStartDate": "start",
            "AssessmentAuthorisationDate": "authorised",
        }[name]
        if name in _ASSESSMENT_LEAVES:
            if self.assessment is None:
                return
            holder = self.assessment
        if getattr(holder, attr) is not None:
            found.text = ""  # the second one is reported, never read
            setattr(holder, attr, _Duplicate(getattr(holder, attr), found))
            return
        setattr(holder, attr, found)


class _Duplicate(_Found):
    """A single element given twice: the first as found, the second reported."""

    __slots__ = ("again",)

    def __init__(self, first: _Found, again: _Found) -> None:
        super().__init__(first.text, first.line, first.col, first.path)
        self.again = again


def _problem(found: _Found, source: str, message: str, kind: str) -> Problem:
    return Problem(message, found.path, source, found.line, found.col, kind)


def _day(found: _Found, source: str, what: str, problems: list[Problem]) -> date | None:
    """The date in ``found``; a problem naming which part is wrong (never the value)."""
    if isinstance(found, _Duplicate):
        problems.append(
            _problem(
                found.again,
                source,
                f"{what} is given twice; give it once",
                "duplicate-element",
            )
        )
    text = found.text
    if not _ISO_DAY.fullmatch(text):
        found_as = "nothing" if not text else f"text of {len(text)} characters"
        problems.append(
            _problem(
                found, source, f"{what}: expected a date (YYYY-MM-DD), found {found_as}", "date"
            )
        )
        return None
    try:
        return date.fromisoformat(text)
    except ValueError as exc:  # says which part is wrong, never the value itself
        problems.append(
            _problem(
                found, source, f"{what} is not a real date ({exc}); expected YYYY-MM-DD", "date"
            )
        )
        return None


def _shown(code: str) -> str:
    """A code as a message shows it: quoted when it looks like a code, else described."""
    if _CODE_LIKE.fullmatch(code):
        return repr(code)
    return f"text of {len(code)} characters"


def _hint(code: str) -> str:
    """The nearest valid code, or the codes sharing its letter."""
    hint = did_you_mean(code.upper(), CIN_CODES)
    if hint or not _CODE_LIKE.fullmatch(code):
        return hint
    letter = code.upper()[-1]
    same = [c for c in CIN_CODES if letter.isalpha() and c.endswith(letter)]
    return f" (codes ending in {letter!r}: {', '.join(same)})" if same else ""


def _codes(assessment: _Assessment, source: str, problems: list[Problem]) -> list[str] | None:
    """The assessment's valid codes, in order; None when any is wrong (each reported)."""
    seen: set[str] = set()
    codes: list[str] = []
    ok = True
    for found in assessment.codes:
        code = found.text
        if not code:
            problems.append(
                _problem(
                    found,
                    source,
                    "AssessmentFactors is empty; expected a census factor code",
                    "unknown-code",
                )
            )
            ok = False
        elif code not in CIN_CODES:
            problems.append(
                _problem(
                    found,
                    source,
                    f"unknown census factor code {_shown(code)}{_hint(code)}",
                    "unknown-code",
                )
            )
            ok = False
        elif code in seen:
            problems.append(
                _problem(
                    found,
                    source,
                    f"census factor code {code!r} is given twice in this assessment; "
                    "give each code once",
                    "duplicate-code",
                )
            )
            ok = False
        else:
            seen.add(code)
            codes.append(code)
    if CIN_NO_FACTORS in seen and len(assessment.codes) > 1:
        for found in assessment.codes:
            if found.text == CIN_NO_FACTORS:
                problems.append(
                    _problem(
                        found,
                        source,
                        "code 21 (no factors identified) must be the only code of its "
                        f"assessment (census rule 8869); this one has {len(assessment.codes)}",
                        "code-21-not-alone",
                    )
                )
        ok = False
    return codes if ok else None


def _missing(
    source: str, line: int | None, path: Path, message: str, problems: list[Problem]
) -> None:
    problems.append(Problem(message, path, source, line, None, "missing"))


def _finish(child: _Child, source: str, authority: str | None) -> list[Assessment | Unread]:
    """The records of one finished child: its assessments, or one Unread."""
    problems: list[Problem] = [child.overflow] if child.overflow is not None else []
    ids_line, ids_path = child.identifiers or (child.line, child.path)
    reference = child.reference
    laid: str | None = None
    if reference is None:
        _missing(
            source,
            ids_line,
            (*ids_path, "LAchildID") if child.identifiers else child.path,
            "missing required element LAchildID (in ChildIdentifiers)",
            problems,
        )
    else:
        if isinstance(reference, _Duplicate):
            problems.append(
                _problem(
                    reference.again,
                    source,
                    "LAchildID is given twice; give it once",
                    "duplicate-element",
                )
            )
        laid = reference.text
        longest = max(
            (f"{laid}/{a.cin}/{a.position}" for a in child.assessments),
            key=len,
            default=laid,
        )
        if not (_ID.fullmatch(laid) and _ID.fullmatch(longest)):
            problems.append(
                _problem(
                    reference,
                    source,
                    "LAchildID cannot make an id: expected letters, digits and - . _ /, "
                    "starting with a letter or digit, short enough for "
                    f"'{{LAchildID}}/{{c}}/{{a}}' to fit 64 characters; found "
                    f"{'nothing' if not laid else f'text of {len(laid)} characters'}",
                    "id",
                )
            )
            laid = None
    born = _day(child.born, source, "PersonBirthDate", problems) if child.born else None
    expected = (
        _day(child.expected, source, "ExpectedPersonBirthDate", problems)
        if child.expected
        else None
    )
    if child.born is None and child.expected is None:
        _missing(
            source,
            ids_line,
            (*ids_path, "PersonBirthDate") if child.identifiers else child.path,
            "missing required element PersonBirthDate (or ExpectedPersonBirthDate for an "
            "unborn child) in ChildIdentifiers",
            problems,
        )
    ready: list[tuple[_Assessment, date, list[str]]] = []
    for assessment in child.assessments:
        start = (
            _day(assessment.start, source, "AssessmentActualStartDate", problems)
            if assessment.start
            else None
        )
        if assessment.start is None:
            _missing(
                source,
                assessment.line,
                assessment.path,
                "missing required element AssessmentActualStartDate",
                problems,
            )
        authorised = (
            _day(assessment.authorised, source, "AssessmentAuthorisationDate", problems)
            if assessment.authorised
            else None
        )
        codes = _codes(assessment, source, problems)
        if assessment.authorised is None and not assessment.codes:
            continue  # still open, nothing identified yet: nothing to classify
        if assessment.authorised is not None and not assessment.codes:
            _missing(
                source,
                assessment.line,
                (*assessment.path, "FactorsIdentifiedAtAssessment"),
                "an authorised assessment must list its AssessmentFactors "
                "(21 when no factors were identified)",
                problems,
            )
            continue
        day = authorised or start
        if day is not None and codes is not None:
            ready.append((assessment, day, codes))
    if problems:
        problems.sort(key=lambda p: (p.line or 0, p.col or 0))
        return [Unread(laid, tuple(problems))]
    assert laid is not None
    if born is not None:
        person = Member(id="c1", role=Role.CHILD, date_of_birth=born)
    else:
        person = Member(id="c1", role=Role.UNBORN, expected_on=expected)
    return [
        _assessment(
            laid, person, assessment, day=day, codes=codes, authority=authority, source=source
        )
        for assessment, day, codes in ready
    ]


def _assessment(
    laid: str,
    child: Member,
    assessment: _Assessment,
    *,
    day: date,
    codes: list[str],
    authority: str | None,
    source: str,
) -> Assessment | Unread:
    subjects = [subject_of(code) for code in codes]
    members = [child]
    if "parent" in subjects:
        members.append(Member(id="p1", role=Role.PARENT))
    if "household" in subjects:
        members.append(Member(id="h1", role=Role.OTHER_ADULT))
    observations = tuple(
        FactorObservation(
            factor=factor_of(code) or "",
            about=(_MEMBER[subject],),
            noted_on=day,
            census_code=code,  # checked against CIN_CODES
        )
        for code, subject in zip(codes, subjects, strict=True)
        if code != CIN_NO_FACTORS
    )
    try:
        return Assessment(
            kind="early-help-assessment",
            id=f"{laid}/{assessment.cin}/{assessment.position}",
            authority=authority,
            assessed_on=day,
            family=Family(id=laid, members=tuple(members)),
            factors=observations,
        )
    except ValueError:  # pragma: no cover - every input is checked above
        problem = Problem(
            "this assessment could not be made into a document",
            assessment.path,
            source,
            assessment.line,
            None,
            "invalid",
        )
        return Unread(laid, (problem,))


def _file_problem(source: str, message: str, kind: str) -> LoadError:
    return LoadError([Problem(message, (), source, None, None, kind)])


def read_cin_census(
    path: str | os.PathLike[str], *, authority: str | None = None
) -> Iterator[Assessment | Unread]:
    """Read a CIN census return lazily: one assessment per authorised (or factored)
    census assessment, or one :class:`~earlyhelp_core.cohorts.Unread` per child with a
    problem (see the module's documentation for the mapping and the problems).

    Args:
        path: the census XML file.
        authority: the id of the authority the assessments belong to, or None.

    Returns:
        An iterator reading the file as it is consumed; feed it to
        :func:`earlyhelp_core.classify_many`.

    Raises:
        LoadError: ``path`` does not exist, is a directory or cannot be opened (raised
            at the call, before anything is read).
        ValueError: ``authority`` is not an authority id.
    """
    if authority is not None and not (
        isinstance(authority, str) and len(authority) <= 64 and _AUTHORITY.fullmatch(authority)
    ):
        raise ValueError(
            f"authority={authority!r} is not an authority id (lowercase letters and digits "
            "joined by '-')"
        )
    source = os.fspath(path)
    try:
        if os.path.exists(source) and not os.path.isfile(source) and not os.path.isdir(source):
            raise _file_problem(source, "is not a regular file; expected a file", "file")
        with open(source, "rb"):
            pass
    except FileNotFoundError:
        raise _file_problem(source, "no such file", "file") from None
    except IsADirectoryError:
        raise _file_problem(source, "is a directory; expected a file", "file") from None
    except PermissionError:
        raise _file_problem(source, "permission denied; cannot read it", "file") from None
    except OSError as exc:
        raise _file_problem(source, f"cannot read it: {exc.strerror}", "file") from None
    return _read(source, authority)


_REFUSED: tuple[tuple[type[Exception], str, str], ...] = (
    (
        DTDForbidden,
        "dtd",
        "a document type declaration (DTD) is not allowed in a census return: it could "
        "declare entities that expand without bound or read other files; remove it",
    ),
    (
        ExternalReferenceForbidden,
        "external-entity",
        "a reference to an external entity is not allowed; nothing outside the file is read",
    ),
    (
        EntitiesForbidden,
        "entity",
        "an entity declaration is not allowed in a census return; remove it",
    ),
)


class _Feeder:
    """The defused expat parser and the handler, fed text and turning what they raise
    into one file-level problem."""

    def __init__(self, source: str, authority: str | None) -> None:
        self.source = source
        self.parser = DefusedExpatParser(
            forbid_dtd=True, forbid_entities=True, forbid_external=True
        )
        self.handler = _Handler(source, authority, self.parser)
        self.parser.setContentHandler(self.handler)

    def feed(self, text: str, *, final: bool = False) -> Problem | None:
        """Parse ``text`` (str, so expat reads it as UTF-8 whatever the XML declaration
        says); the problem that ends the read, if any."""
        handler = self.handler
        try:
            if text:
                self.parser.feed(text)
            if final:
                self.parser.close()
        except SAXParseException as exc:
            col = exc.getColumnNumber()
            return Problem(
                f"the file is not well-formed XML: {exc.getMessage()}",
                tuple(handler.path),
                self.source,
                exc.getLineNumber(),
                col + 1 if col is not None else None,
                "xml-syntax",
            )
        except _Stop as exc:
            return exc.problem
        except (DTDForbidden, EntitiesForbidden, ExternalReferenceForbidden) as exc:
            line, col = handler.where()
            kind, message = next((k, m) for t, k, m in _REFUSED if isinstance(exc, t))
            return Problem(message, tuple(handler.path), self.source, line, col, kind)
        return None

    def drain(self) -> list[Assessment | Unread]:
        """The records finished so far, handed over once."""
        out = self.handler.out
        self.handler.out = []
        return out


def _file_level(source: str, message: str, line: int | None, col: int | None, kind: str) -> Unread:
    return Unread(None, (Problem(message, (), source, line, col, kind),))


_NOT_UTF8 = "the file is not UTF-8 (a census return must be); save it as UTF-8 and read it again"


def _read(source: str, authority: str | None) -> Iterator[Assessment | Unread]:
    feeder = _Feeder(source, authority)
    decoder = codecs.getincrementaldecoder("utf-8")()
    lines = 0  # newlines in the bytes before this chunk
    last_newline = -1  # the file offset of the last newline before this chunk
    offset = 0  # the file offset of this chunk
    blank = True
    problem: Problem | None
    with open(source, "rb") as stream:
        while chunk := stream.read(CHUNK):
            blank = blank and not chunk.strip()
            try:
                text = decoder.decode(chunk)
            except UnicodeDecodeError as exc:
                # exc.object is the decoder's held bytes (part of a character) + this chunk
                before = bytes(exc.object[: exc.start])
                start = offset - (len(exc.object) - len(chunk))
                newline = before.rfind(b"\n")
                col = len(before) - newline if newline >= 0 else start + len(before) - last_newline
                problem = feeder.feed(before.decode("utf-8"))  # read what came before it
                yield from feeder.drain()
                yield (
                    Unread(None, (problem,))
                    if problem is not None
                    else _file_level(
                        source, _NOT_UTF8, lines + before.count(b"\n") + 1, col, "encoding"
                    )
                )
                return
            lines += chunk.count(b"\n")
            newline = chunk.rfind(b"\n")
            if newline >= 0:
                last_newline = offset + newline
            offset += len(chunk)
            problem = feeder.feed(text)
            yield from feeder.drain()
            if problem is not None:
                yield Unread(None, (problem,))
                return
    if blank and not feeder.handler.started:
        yield _file_level(
            source, "the file is empty; expected a census return (<Message>)", 1, 1, "empty"
        )
        return
    try:
        tail = decoder.decode(b"", final=True)
    except UnicodeDecodeError:  # the file ends inside a character
        yield _file_level(source, _NOT_UTF8, lines + 1, None, "encoding")
        return
    problem = feeder.feed(tail, final=True)
    yield from feeder.drain()
    if problem is not None:
        yield Unread(None, (problem,))


# --------------------------------------------------------------------------- codes


def census_codes(assessment: Assessment) -> tuple[str, ...]:
    """The ``AssessmentFactors`` codes of an assessment, in order, each once.

    Each observation gives its ``census_code``, else its factor's only code. No factors
    gives ``("21",)`` (no factors identified).

    Raises:
        ValueError: a factor has several codes and the observation names none (as
            ``physical-abuse``: 18B or 18C), or has no census code at all (a local factor,
            or one the census does not record, as radicalisation); the message names the
            factor and the choices.
    """
    codes: dict[str, None] = {}
    for obs in assessment.factors:
        if obs.census_code is not None:
            codes[obs.census_code] = None
            continue
        known = vocabulary.get(obs.factor).cin_codes if obs.factor in vocabulary.ids() else ()
        if len(known) == 1:
            codes[known[0]] = None
        elif known:
            raise ValueError(
                f"factor {obs.factor!r} has several census codes ({', '.join(known)}); "
                "give the observation a census_code to say which"
            )
        else:
            raise ValueError(
                f"factor {obs.factor!r} has no census code; the census can record it only "
                "as 20 (other): give the observation census_code: '20' with factor "
                "'other-need', or leave it out"
            )
    return tuple(codes) or (CIN_NO_FACTORS,)


# --------------------------------------------------------------------------- writing

_HEADER = """<?xml version="1.0" encoding="utf-8"?>
<Message>
  <Header>
    <CollectionDetails>
      <Collection>CIN</Collection>
      <Year>{year}</Year>
      <ReferenceDate>{year}-03-31</ReferenceDate>
    </CollectionDetails>
    <Source>
      <SourceLevel>L</SourceLevel>
      <LEA>{lea}</LEA>
      <SoftwareCode>earlyhelp_core</SoftwareCode>
      <Release>{release}</Release>
      <SerialNo>001</SerialNo>
      <DateTime>{created}</DateTime>
    </Source>
  </Header>
  <Children>
"""
_FOOTER = "  </Children>\n</Message>\n"


def _child_xml(
    laid: str,
    born: date | None,
    expected: date | None,
    assessments: list[tuple[date, tuple[str, ...]]],
) -> str:
    """One ``<Child>`` with one ``<CINdetails>`` holding ``assessments`` (date, codes)."""
    identity = (
        f"        <PersonBirthDate>{born.isoformat()}</PersonBirthDate>\n"
        if born is not None
        else f"        <ExpectedPersonBirthDate>{expected.isoformat()}</ExpectedPersonBirthDate>\n"
        if expected is not None
        else ""
    )
    parts = [
        "    <Child>\n      <ChildIdentifiers>\n",
        f"        <LAchildID>{escape(laid)}</LAchildID>\n",
        identity,
        "      </ChildIdentifiers>\n      <CINdetails>\n",
    ]
    for day, codes in assessments:
        iso = day.isoformat()
        parts.append(
            "        <Assessments>\n"
            f"          <AssessmentActualStartDate>{iso}</AssessmentActualStartDate>\n"
            f"          <AssessmentAuthorisationDate>{iso}</AssessmentAuthorisationDate>\n"
            "          <FactorsIdentifiedAtAssessment>\n"
        )
        parts.extend(
            f"            <AssessmentFactors>{escape(code)}</AssessmentFactors>\n" for code in codes
        )
        parts.append("          </FactorsIdentifiedAtAssessment>\n        </Assessments>\n")
    parts.append("      </CINdetails>\n    </Child>\n")
    return "".join(parts)


def _census_child(assessment: Assessment) -> Member:
    """The member the census return is about: ``c1``, else the family's first child."""
    children = assessment.family.children
    for member in children:
        if member.id == "c1":
            return member
    if not children:
        raise ValueError(
            f"assessment {assessment.id!r} has no child in its family; a census return "
            "is about a child"
        )
    return children[0]


def _header(out: IO[str], lea: str, year: int | None, created: datetime | None) -> None:
    if not (isinstance(lea, str) and re.fullmatch(r"\d{3}", lea)):
        raise ValueError(f"lea={lea!r} must be a three-digit LA code, such as '822'")
    year = date.today().year if year is None else year
    if not (isinstance(year, int) and 1900 < year < 10000):
        raise ValueError(f"year={year!r} must be a four-digit year")
    moment = created if created is not None else datetime.now(UTC)
    out.write(
        _HEADER.format(
            year=year,
            lea=lea,
            release=escape(__version__),
            created=moment.replace(microsecond=0, tzinfo=None).isoformat(),
        )
    )


def _open(out: str | os.PathLike[str] | IO[str]) -> tuple[IO[str], bool]:
    if isinstance(out, str | os.PathLike):
        return open(out, "w", encoding="utf-8", newline="\n"), True
    return out, False


def write_cin_census(
    assessments: Iterable[Assessment],
    out: str | os.PathLike[str] | IO[str],
    *,
    lea: str = "000",
    year: int | None = None,
    created: datetime | None = None,
) -> int:
    """Write assessments as a CIN census return that :func:`read_cin_census` reads back.

    Streamed: one child is held at a time. Consecutive assessments of the same family
    (by family id) are one ``<Child>``, with LAchildID the family id, and one
    ``<CINdetails>`` holding an ``<Assessments>`` group per assessment, in order: both
    the start and the authorisation date are its ``assessed_on``, and its codes are
    :func:`census_codes`. The child is member ``c1`` (else the family's first child).

    What the census does not carry is not written: assessor, consent, other members'
    details, evidence, cells, ``noted_on``, strengths, voice, the recorded level. The
    ids read back are ``{family id}/1/{n}``. The result holds only the elements this
    library reads (it is not a complete return to submit to the DfE: no referral, child
    characteristics or plans are invented).

    Args:
        assessments: the assessments, grouped by family.
        out: a path (written as UTF-8) or a text stream.
        lea: the three-digit local authority code of the header's ``Source``;
            ``000`` (no authority) unless given.
        year: the year the collection ends (``ReferenceDate`` is its 31 March); this
            year when None.
        created: the header's ``DateTime``; now when None.

    Returns:
        The number of children written.

    Raises:
        ValueError: an assessment cannot be written (a factor with no single census code,
            no child, a family whose child differs between its consecutive assessments),
            or ``lea`` or ``year`` is not valid.
    """
    stream, owned = _open(out)
    written = 0
    try:
        _header(stream, lea, year, created)
        current: tuple[str, Member] | None = None
        held: list[tuple[date, tuple[str, ...]]] = []
        for assessment in assessments:
            child = _census_child(assessment)
            codes = census_codes(assessment)
            family = assessment.family.id
            if current is not None and current[0] == family:
                if current[1].date_of_birth != child.date_of_birth or (
                    current[1].expected_on != child.expected_on
                ):
                    raise ValueError(
                        f"assessment {assessment.id!r}: family {family!r} has a different "
                        "child from its previous assessment; one LAchildID is one child"
                    )
            else:
                if current is not None:
                    stream.write(
                        _child_xml(
                            current[0], current[1].date_of_birth, current[1].expected_on, held
                        )
                    )
                    written += 1
                current, held = (family, child), []
            held.append((assessment.assessed_on, codes))
            if not _ID.fullmatch(f"{family}/1/{len(held)}"):
                raise ValueError(
                    f"assessment {assessment.id!r}: family id {family!r} is too long to be an "
                    "LAchildID read back as an id ('{family id}/1/{n}' must fit 64 characters)"
                )
        if current is not None:
            stream.write(
                _child_xml(current[0], current[1].date_of_birth, current[1].expected_on, held)
            )
            written += 1
        stream.write(_FOOTER)
    finally:
        if owned:
            stream.close()
    return written


def synthetic_census(
    path: str | os.PathLike[str],
    children: int,
    *,
    seed: int = 0,
    lea: str = "000",
    year: int = 2024,
) -> None:
    """Write a synthetic census return of ``children`` fictional children.

    Each child (``SYN000001``, ...) has one authorised assessment in the collection year
    (1 April to 31 March) with 0 to 5 distinct factor codes (0 written as 21), a date of
    birth 0 to 17 years before it, and about one in fifty is unborn. Nothing real is used:
    every value is drawn from ``random.Random(seed)``, so the same seed gives the same file.
    Written as it is drawn, so a million children take no more memory than one.

    Args:
        path: the file to write.
        children: how many children, at least 0.
        seed: the random seed.
        lea: the header's three-digit LA code.
        year: the year the collection ends.

    Raises:
        ValueError: ``children`` is negative, or ``lea`` or ``year`` is not valid.
    """
    if not isinstance(children, int) or isinstance(children, bool) or children < 0:
        raise ValueError(f"children={children!r} must be a whole number, at least 0")
    rng = random.Random(seed)
    codes = [c for c in CIN_CODES if c != CIN_NO_FACTORS]
    first = date(year - 1, 4, 1)
    days = (date(year, 3, 31) - first).days
    with open(path, "w", encoding="utf-8", newline="\n") as stream:
        _header(stream, lea, year, datetime(year, 5, 1, 9, 0, 0))
        for n in range(1, children + 1):
            day = first + timedelta(days=rng.randrange(days + 1))
            drawn = tuple(rng.sample(codes, rng.randint(0, 5))) or (CIN_NO_FACTORS,)
            if rng.random() < 0.02:
                born, expected = None, day + timedelta(days=rng.randint(1, 200))
            else:
                born, expected = day - timedelta(days=rng.randint(0, 17 * 365)), None
            stream.write(_child_xml(f"SYN{n:06d}", born, expected, [(day, drawn)]))
        stream.write(_FOOTER)
