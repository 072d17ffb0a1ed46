"""Citations of the source strategies are verbatim and point at the right lines.

Every citation in a bundled config or in the vocabulary names a source; where that source is
one of the strategy texts in ``sources/`` (``sources/NNN_*.txt``), every passage quoted in the
citation's ``section`` ('...') must be in that text word for word, and, when the citation gives
line numbers (``l. 143-145, 429``), on those lines. Quote marks, dashes, spacing, case and
footnote markers do not count; a quote may leave words out with ``...`` or ``[...]``.
A passage a validation rule's source quotes must likewise be in a file of ``sources/`` that
the source names. A threshold document could be read only in part: a passage quoted from one
must be in the research notes on it (``sources/threshold-documents/``) that the config names.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from functools import cache
from pathlib import Path
from typing import Any

import pytest
import yaml

import earlyhelp_core as eh

ROOT = Path(__file__).resolve().parents[1]
CITING = [
    ROOT / "configs" / "bromley.yaml",
    ROOT / "configs" / "bedford.yaml",
    ROOT / "configs" / "city-of-london.yaml",
    ROOT / "configs" / "gloucestershire.yaml",
    ROOT / "src" / "earlyhelp_core" / "vocabulary" / "factors.yaml",
]
QUOTE = re.compile(r"(?<![A-Za-z])'(.+?)'(?![A-Za-z])")
"""A quoted passage: an apostrophe inside a word (``person's``) neither opens nor closes one."""
LINES = re.compile(r"\bl\. (\d+(?:-\d+)?(?:, \d+(?:-\d+)?)*)")
ELISION = re.compile(r"\s*(?:\.\.\.|…|\[[^\]]*\])\s*")
SLACK = 2
"""Lines either side of a cited range that still count (a heading, a wrapped sentence)."""


def normal(text: str) -> str:
    text = re.sub(r"<sup>.*?</sup>", "", text)
    text = re.sub(r"[\"'‘’“”]", "", text).replace("–", "-").replace("—", "-")
    return re.sub(r"\s+", " ", text).strip().lower()


@cache
def source_lines(path: str) -> tuple[str, ...]:
    return tuple((ROOT / path).read_text(encoding="utf-8").splitlines())


def citations(data: Any) -> Iterator[dict[str, Any]]:
    if isinstance(data, dict):
        if "ref" in data and "section" in data:
            yield data
        for value in data.values():
            yield from citations(value)
    elif isinstance(data, list):
        for value in data:
            yield from citations(value)


def cited_lines(section: str) -> list[tuple[int, int]]:
    spans = []
    for match in LINES.finditer(section):
        for part in match.group(1).split(", "):
            low, _, high = part.partition("-")
            spans.append((int(low), int(high or low)))
    return spans


def quoted_strategy_passages() -> Iterator[Any]:
    for path in CITING:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
        where = {s["id"]: s["where"] for s in data.get("sources", [])}
        for cite in citations(data):
            source = where[cite["ref"]].split()[0]
            if not re.fullmatch(r"sources/\d{3}_[0-9a-f]+\.txt", source):
                continue  # an address or a page elsewhere: README says what was read of it
            for quote in QUOTE.findall(cite["section"]) or [None]:
                yield pytest.param(
                    source, cite["section"], quote, id=f"{path.name}:{cite['section'][:60]}"
                )


PASSAGES = list(quoted_strategy_passages())


def test_the_strategies_are_quoted_often() -> None:
    # the test below is not vacuous: the configs and the vocabulary quote their sources
    assert sum(quote is not None for _, _, quote in PASSAGES) > 300


@pytest.mark.parametrize(("source", "section", "quote"), PASSAGES)
def test_quotes_are_verbatim_and_on_the_cited_lines(
    source: str, section: str, quote: str | None
) -> None:
    lines = source_lines(source)
    spans = cited_lines(section)
    for low, high in spans:
        assert 1 <= low <= high <= len(lines), f"l. {low}-{high}: {source} has {len(lines)} lines"
    if quote is None:
        return
    pieces = [normal(p) for p in ELISION.split(quote) if normal(p)]
    whole = normal("\n".join(lines))
    missing = [p for p in pieces if p not in whole]
    assert not missing, f"{source} does not say {missing}"
    if spans:
        near = normal(
            "\n".join(
                line
                for n, line in enumerate(lines, 1)
                if any(low - SLACK <= n <= high + SLACK for low, high in spans)
            )
        )
        elsewhere = [p for p in pieces if p not in near]
        assert not elsewhere, f"{elsewhere} is in {source} but not on lines {spans}"


RULE_FILE = re.compile(r"sources/[\w.-]+\.(?:txt|md)")


def rule_quotes() -> Iterator[Any]:
    for rule in eh.rules():
        files = sorted(set(RULE_FILE.findall(rule.citation)))
        for quote in QUOTE.findall(rule.citation):
            yield pytest.param(rule.code, files, quote, id=f"{rule.code}:{quote[:40]}")


RULE_QUOTES = list(rule_quotes())


def test_rules_quote_their_sources() -> None:
    assert len(RULE_QUOTES) > 10


@pytest.mark.parametrize(("code", "files", "quote"), RULE_QUOTES)
def test_a_rule_quotes_only_what_a_file_it_names_says(
    code: str, files: list[str], quote: str
) -> None:
    assert files, f"{code} quotes {quote!r} and names no file in sources/"
    texts = [normal("\n".join(source_lines(f))) for f in files]
    pieces = [normal(p) for p in ELISION.split(quote) if normal(p)]
    missing = [p for p in pieces if not any(p in text for text in texts)]
    assert not missing, f"{code}: none of {files} says {missing}"


# The working notes (sources/domain-facts.md) are the project's own digest of pages read while
# the vocabulary and the configs were built. A citation names the document itself, as
# sources/README.md lists it, never the notes.
NOTES = "domain-facts"


def declared_sources() -> Iterator[Any]:
    for path in CITING:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
        for source in data.get("sources", []):
            yield pytest.param(source, id=f"{path.name}:{source['id']}")


SOURCES = list(declared_sources())


@pytest.mark.parametrize("source", SOURCES)
def test_no_config_or_vocabulary_source_is_the_working_notes(source: dict[str, Any]) -> None:
    for field in ("title", "where", "note"):
        assert NOTES not in (source.get(field) or ""), (
            f"{source['id']} cites the working notes in its {field}: name the document itself"
        )


def test_no_rule_cites_the_working_notes() -> None:
    citing = [rule.code for rule in eh.rules() if NOTES in rule.citation]
    assert not citing, f"{citing} cite the working notes: name the document itself"


@pytest.mark.parametrize("source", SOURCES)
def test_every_document_cited_beyond_sources_is_described_in_the_readme(
    source: dict[str, Any],
) -> None:
    # a strategy text or a threshold-document note in sources/ is described in README's
    # tables by file; every other document has its own entry, by id, under National documents
    where = source["where"]
    if where.startswith("sources/") or "sources/threshold-documents/" in where:
        return
    readme = (ROOT / "sources" / "README.md").read_text(encoding="utf-8")
    national = readme.split("## National documents", 1)[1]
    assert f"`{source['id']}`" in national, f"sources/README.md does not describe {source['id']}"


def test_the_working_notes_say_they_are_not_a_source() -> None:
    notes = (ROOT / "sources" / "domain-facts.md").read_text(encoding="utf-8")
    assert "not a source" in notes.splitlines()[0]
    readme = (ROOT / "sources" / "README.md").read_text(encoding="utf-8")
    (row,) = [line for line in readme.splitlines() if line.startswith("| `domain-facts.md`")]
    assert "Not a source" in row


@pytest.mark.parametrize("path", CITING[:2], ids=lambda p: p.name)
def test_each_config_says_what_it_imports_and_from_where(path: Path) -> None:
    # both bundled configs take values the authority's documents do not give from national
    # documents; the note says which, and names the documents
    note = yaml.safe_load(path.read_text(encoding="utf-8"))["note"]
    assert "IMPORTED." in note
    imported = note.split("IMPORTED.", 1)[1]
    for named in (
        "Working Together to Safeguard Children",
        "consent_required",
        "referral_decision_working_days",
        "SEND code of practice",
        "send_age_max",
        "sources/README.md",
    ):
        assert named in imported, f"{path.name}: the IMPORTED paragraph does not name {named!r}"


def test_the_concepts_page_does_not_say_nothing_is_imported() -> None:
    concepts = (ROOT / "docs" / "concepts.md").read_text(encoding="utf-8")
    assert "nothing is filled in from elsewhere" not in concepts
    assert "IMPORTED" in concepts


NOTES_FILE = re.compile(r"sources/threshold-documents/[\w.-]+\.md")


def quoted_notes_passages() -> Iterator[Any]:
    """Quotes in citations of a threshold document, which could be read only in part: the
    research notes on it (``sources/threshold-documents/``) hold every passage read."""
    for path in (p for p in CITING if p.parent.name == "configs"):
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
        where = {s["id"]: s["where"] for s in data.get("sources", [])}
        notes = sorted({f for w in where.values() for f in NOTES_FILE.findall(w)})
        for cite in citations(data):
            if not NOTES_FILE.search(where[cite["ref"]]):
                continue
            for quote in QUOTE.findall(cite["section"]):
                yield pytest.param(notes, quote, id=f"{path.name}:{cite['ref']}:{quote[:40]}")


NOTES_PASSAGES = list(quoted_notes_passages())


def test_the_threshold_documents_are_quoted() -> None:
    assert len(NOTES_PASSAGES) > 50


@pytest.mark.parametrize(("notes", "quote"), NOTES_PASSAGES)
def test_a_threshold_document_is_quoted_only_as_its_notes_read_it(
    notes: list[str], quote: str
) -> None:
    texts = [normal("\n".join(source_lines(f)).replace("*", "")) for f in notes]
    pieces = [normal(p) for p in ELISION.split(quote) if normal(p)]
    missing = [p for p in pieces if not any(p in text for text in texts)]
    assert not missing, f"none of {notes} reads {missing}"
