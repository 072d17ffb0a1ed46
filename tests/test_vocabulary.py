"""The national needs vocabulary: complete, sourced, and faithful to the local strategies."""

from __future__ import annotations

import hashlib
import json
import re
from pathlib import Path

import pytest

import earlyhelp_core as eh
from earlyhelp_core.vocabulary import CIN_CODES, CIN_NO_FACTORS, DIMENSIONS

SOURCES = Path(__file__).resolve().parents[1] / "sources"
STRATEGY_SOURCE = {
    "001_a91837fca6d6ef15.txt": "bromley-strategy",
    "002_5690c2041d93ffbe.txt": "bedford-strategy",
}


VERSIONED_CONTENT = {
    "2026.12": "9b607eaf140b5fb9b750b06675d916cb70ec6a62511b95d73cc016ada0fc06db",
    "2026.13": "7778e63b587b65972cb289082486bda797416db09119ab000e798673b22fdb9a",
    "2026.14": "c17cc375874b3f49825121068ae7b236ca48c6007451dd6316bdd2b940c857f9",
    "2026.15": "be6075d7aee19397dc01e74d04dfee3e548886b3915ef06ee926def969608837",
}
"""sha256 of the vocabulary's content (everything but its version), for its version."""


def test_a_change_to_the_vocabulary_comes_with_a_new_version() -> None:
    # decisions' fingerprints cover the vocabulary through its version alone, so the same
    # version must always mean the same factors, codes, links and sources
    catalogue = eh.vocabulary.catalogue()
    content = catalogue.model_dump(mode="json")
    content.pop("version")
    canonical = json.dumps(content, sort_keys=True, separators=(",", ":"))
    digest = hashlib.sha256(canonical.encode("utf-8")).hexdigest()
    assert VERSIONED_CONTENT.get(catalogue.version) == digest, (
        f"factors.yaml changed under version {catalogue.version!r}: give it a new `version` "
        f"and pin {digest} for it here"
    )


def test_at_least_sixty_factors_with_unique_kebab_case_ids() -> None:
    factors = eh.vocabulary.factors()
    assert len(factors) >= 60
    assert len({f.id for f in factors}) == len(factors)
    assert all(re.fullmatch(r"[a-z0-9]+(-[a-z0-9]+)*", f.id) for f in factors)


def test_every_cin_census_code_is_reported_by_some_factor() -> None:
    used = {code for f in eh.vocabulary.factors() for code in f.cin_codes}
    assert set(CIN_CODES) - used == {CIN_NO_FACTORS}


def test_no_factor_claims_the_no_factors_code() -> None:
    assert not [f.id for f in eh.vocabulary.factors() if CIN_NO_FACTORS in f.cin_codes]


def test_dimension_belongs_to_domain() -> None:
    for f in eh.vocabulary.factors():
        assert f.dimension in DIMENSIONS[f.domain], f.id


def test_every_domain_is_covered() -> None:
    assert {f.domain for f in eh.vocabulary.factors()} == set(eh.vocabulary.Domain)


def test_every_source_reference_resolves_and_every_source_is_used() -> None:
    cat = eh.vocabulary.catalogue()
    declared = {s.id for s in cat.sources}
    used = {src.ref for f in cat.factors for src in f.sources}
    assert used == declared


@pytest.mark.parametrize(
    "factor_id",
    [
        "sexual-abuse",
        "physical-abuse",
        "child-sexual-exploitation",
        "child-criminal-exploitation",
        "trafficking",
        "female-genital-mutilation",
        "fabricated-or-induced-illness",
        "neglect",
    ],
)
def test_section_47_matters_are_marked_significant_harm(factor_id: str) -> None:
    assert eh.vocabulary.get(factor_id).significant_harm
    assert eh.vocabulary.get(factor_id) in eh.vocabulary.significant_harm()


@pytest.mark.parametrize(
    ("low", "high"),
    [
        ("basic-care-not-consistently-met", "neglect"),
        ("risk-of-domestic-abuse", "domestic-abuse-high-risk"),
        ("extra-familial-harm", "child-criminal-exploitation"),
    ],
)
def test_lower_level_concerns_are_kept_apart_from_significant_harm(low: str, high: str) -> None:
    assert not eh.vocabulary.get(low).significant_harm
    assert eh.vocabulary.get(high).significant_harm


def test_every_census_code_a_factor_carries_is_stated_by_the_census() -> None:
    # a code is never carried on a reading: the factor cites the census meaning of each code
    for f in eh.vocabulary.factors():
        stated = [s.section for s in f.sources if s.ref == "cin-census" and s.basis == "stated"]
        for code in f.cin_codes:
            assert any(re.search(rf"(?<![0-9A-Z]){code}(?![0-9A-Z])", s) for s in stated), (
                f"{f.id}: {code} is not cited from the census as stated"
            )
            assert not any("unverified" in s.lower() for s in stated), f"{f.id}: {stated}"


def test_24a_is_child_criminal_exploitation_and_radicalisation_has_no_code() -> None:
    # SSD spec, ssd_assessment_factors: '24A - Child criminal exploitation' (facts §1a)
    carriers = [f.id for f in eh.vocabulary.factors() if "24A" in f.cin_codes]
    assert carriers == ["child-criminal-exploitation"]
    radicalisation = eh.vocabulary.get("radicalisation")
    assert radicalisation.cin_codes == ()
    assert "20 other" in (radicalisation.note or "").lower()


@pytest.mark.parametrize(
    ("factor_id", "child_on_child", "adult_on_child"),
    [("physical-abuse", "18B", "18C"), ("sexual-abuse", "19B", "19C")],
)
def test_abuse_codes_split_child_on_child_from_adult_on_child(
    factor_id: str, child_on_child: str, adult_on_child: str
) -> None:
    factor = eh.vocabulary.get(factor_id)
    assert factor.cin_codes == (child_on_child, adult_on_child)
    stated = " ".join(
        _normal(s.section) for s in factor.sources if s.ref == "ssd-spec" and s.basis == "stated"
    )
    # each code's own quoted passage names its split (a passage ends at its closing quote)
    assert re.search(rf"'{child_on_child.lower()} - [^']*\(child on child\)", stated)
    assert re.search(rf"'{adult_on_child.lower()} - [^']*\(adult on child\)", stated)
    note = _normal(factor.note or "")
    assert f"{child_on_child.lower()} when another child" in note
    assert f"{adult_on_child.lower()} when an adult" in note
    assert "unverified" not in note


def test_the_census_source_says_what_settled_its_open_points() -> None:
    census = next(s for s in eh.vocabulary.catalogue().sources if s.id == "cin-census")
    note = census.note or ""
    assert "ssd_assessment_factors.yml" in note
    assert "unverified" not in note.lower()
    fostered = eh.vocabulary.get("privately-fostered-uk-family-arrangement")
    assert "unverified" not in (fostered.note or "").lower()
    assert any("alternative family arrangements" in s.section for s in fostered.sources)


FRAMEWORKS = list(eh.vocabulary.SupportingFamiliesFramework)


@pytest.mark.parametrize("framework", FRAMEWORKS)
def test_every_headline_of_each_framework_is_met_by_some_factor(framework) -> None:
    linked = {h for f in eh.vocabulary.factors() for h in f.headlines(framework)}
    assert linked == set(framework.headlines)
    assert any(s.id == framework.value for s in eh.vocabulary.catalogue().sources)


@pytest.mark.parametrize("framework", FRAMEWORKS)
def test_a_headline_a_factor_cites_from_its_framework_is_one_it_links(framework) -> None:
    # 'Headline problem 4: ...' cited from the framework's source: the factor meets problem 4
    for f in eh.vocabulary.factors():
        for src in f.sources:
            cited = re.match(r"Headline (?:problem|outcome) (\d+)", src.section)
            if src.ref == framework.value and cited:
                headline = framework.headlines[int(cited.group(1)) - 1]
                assert headline in f.headlines(framework), (f.id, headline)


def test_a_factor_names_its_headlines_in_each_framework() -> None:
    framework = eh.vocabulary.SupportingFamiliesFramework
    worklessness = eh.vocabulary.get("worklessness")
    assert worklessness.headlines(framework.TROUBLED_FAMILIES_PHASE_2) == (
        "out-of-work-or-financial-exclusion",
    )
    assert worklessness.headlines(framework.SUPPORTING_FAMILIES_2022) == ("financial-stability",)
    # phase 2 had no housing headline
    assert eh.vocabulary.get("housing-need").headlines(framework.TROUBLED_FAMILIES_PHASE_2) == ()
    assert framework.TROUBLED_FAMILIES_PHASE_2.headline_kind == "headline problems"
    assert len(framework.TROUBLED_FAMILIES_PHASE_2.headlines) == 6
    assert len(framework.SUPPORTING_FAMILIES_2022.headlines) == 10
    with pytest.raises(ValueError, match="troubled-families-phase-3"):
        worklessness.headlines("troubled-families-phase-3")  # type: ignore[arg-type]


# Each indicator a strategy names, in its own words, and the factor that expresses it.
BROMLEY, BEDFORD = "001_a91837fca6d6ef15.txt", "002_5690c2041d93ffbe.txt"
STRATEGY_INDICATORS = [
    # Bedford §8.2, Universal Plus Offer
    (BEDFORD, "Special Educational Need and or Disability", "special-educational-needs"),
    (BEDFORD, "Low level attendance issues", "low-level-attendance-issues"),
    (BEDFORD, "Potential/risk of being NEET", "risk-of-neet"),
    (BEDFORD, "Low level health needs", "low-level-health-needs"),
    (BEDFORD, "Risk of substance misuse or domestic violence", "risk-of-substance-misuse"),
    (BEDFORD, "Risk of substance misuse or domestic violence", "risk-of-domestic-abuse"),
    # Bedford §8.2, Targeted Early Help Offer
    (BEDFORD, "School exclusion or persistent absence", "school-exclusion"),
    (BEDFORD, "School exclusion or persistent absence", "persistent-absence"),
    (BEDFORD, "Disability/SEN", "complex-send"),
    (BEDFORD, "Chronic health needs", "child-physical-disability-or-illness"),
    (BEDFORD, "Offending", "offending"),
    (BEDFORD, "Substance misuse", "child-drug-misuse"),
    (BEDFORD, "Substance misuse", "child-alcohol-misuse"),
    (BEDFORD, "Mental health concerns", "child-mental-health"),
    # Bromley: the four threats to a child's development
    (BROMLEY, "neglect, physical, sexual and emotional abuse", "neglect"),
    (BROMLEY, "neglect, physical, sexual and emotional abuse", "physical-abuse"),
    (BROMLEY, "neglect, physical, sexual and emotional abuse", "sexual-abuse"),
    (BROMLEY, "neglect, physical, sexual and emotional abuse", "emotional-abuse"),
    (BROMLEY, "fabricated or induced illness", "fabricated-or-induced-illness"),
    (BROMLEY, "Risky sexualised behaviour", "risky-sexualised-behaviour"),
    (BROMLEY, "Contextual safeguarding", "extra-familial-harm"),
    # Bromley: needs its borough sections name
    (BROMLEY, "social, emotional and mental health needs",
     "social-emotional-and-mental-health-needs"),
    (BROMLEY, "Child Missing Education", "child-missing-education"),
    (BROMLEY, "young carers", "young-carer"),
    (BROMLEY, "behaviours that challenge", "behaviour-that-challenges"),
]  # fmt: skip


def _normal(text: str) -> str:
    return re.sub(r"\s+", " ", text).lower()


@pytest.mark.parametrize(("strategy", "phrase", "factor_id"), STRATEGY_INDICATORS)
def test_every_strategy_indicator_is_expressible(
    strategy: str, phrase: str, factor_id: str
) -> None:
    text = (SOURCES / strategy).read_text(encoding="utf-8")
    assert _normal(phrase) in _normal(text), f"{strategy} does not say {phrase!r}"
    factor = eh.vocabulary.get(factor_id)
    cited = [s for s in factor.sources if s.ref == STRATEGY_SOURCE[strategy]]
    assert cited, f"{factor_id} does not cite {strategy}"
    assert any(s.basis == "stated" for s in cited), (
        f"{factor_id}: {strategy} cited only as a reading"
    )


def test_get_unknown_id_suggests_the_nearest() -> None:
    with pytest.raises(eh.UnknownIdError, match="did you mean 'persistent-absence'"):
        eh.vocabulary.get("persistant-absence")
    with pytest.raises(LookupError):
        eh.vocabulary.get("nothing-like-it")


def test_get_checks_its_argument() -> None:
    with pytest.raises(TypeError, match="factor_id must be a str, got int"):
        eh.vocabulary.get(3)  # type: ignore[arg-type]


def test_cited_source_files_are_in_the_repository() -> None:
    root = Path(__file__).resolve().parents[1]
    for source in eh.vocabulary.catalogue().sources:
        path = source.where.split()[0]
        if path.startswith("sources/"):
            assert (root / path).is_file(), f"{source.id}: {path} is missing"


# --- the census code set ----------------------------------------------------------------------


def test_every_census_code_is_listed_once_with_its_meaning_in_census_order() -> None:
    codes = eh.vocabulary.census_codes()
    assert tuple(c.code for c in codes) == CIN_CODES
    assert all(c.meaning.strip() for c in codes)
    source = eh.vocabulary.catalogue().census_codes.source
    assert (source.ref, source.basis) == ("ssd-spec", "stated")


def test_every_valid_census_code_maps_to_exactly_the_factors_that_claim_it() -> None:
    for code in CIN_CODES:
        claimed_by = [f.id for f in eh.vocabulary.factors() if code in f.cin_codes]
        if code == CIN_NO_FACTORS:
            assert claimed_by == []
            assert eh.vocabulary.census_factor(code) is None
        else:
            assert len(claimed_by) == 1, (code, claimed_by)
            assert eh.vocabulary.census_factor(code) == claimed_by[0]


def test_20_is_other_and_21_is_no_factors() -> None:
    assert eh.vocabulary.census_factor("20") == "other-need"
    assert eh.vocabulary.census_code("20").meaning == "Other"
    none = eh.vocabulary.census_code("21")
    assert none.about == "none"
    assert none.meaning.startswith("No factors identified")


@pytest.mark.parametrize("number", ["1", "2", "3", "4", "5", "6"])
def test_codes_1_to_6_split_by_whose_need_it_is(number: str) -> None:
    about = {L: eh.vocabulary.census_code(number + L).about for L in "ABC"}
    assert about == {"A": "child", "B": "parent", "C": "household"}
    prefixes = {
        "A": "child-",
        "B": "parental-",
        "C": "household-",
    }
    for letter, prefix in prefixes.items():
        factor = eh.vocabulary.census_factor(number + letter)
        assert factor is not None
        assert factor.startswith(prefix)


def test_the_letters_of_18_and_19_say_who_harmed_the_child_not_whose_need() -> None:
    for code in ("18B", "18C", "19B", "19C"):
        assert eh.vocabulary.census_code(code).about == "child"
    assert "another child" in eh.vocabulary.census_code("18B").meaning
    assert "an adult" in eh.vocabulary.census_code("19C").meaning


@pytest.mark.parametrize("code", ["RB", "1D", "21A", "", "1a"])
def test_an_unknown_census_code_is_refused(code: str) -> None:
    with pytest.raises(eh.UnknownIdError, match="unknown census code"):
        eh.vocabulary.census_code(code)


def test_a_vocabulary_whose_codes_are_claimed_twice_or_not_at_all_does_not_load() -> None:
    from earlyhelp_core.vocabulary import VocabularyError, catalogue
    from earlyhelp_core.vocabulary._model import VocabularyFile

    data = catalogue().model_dump(mode="json")
    data["factors"][0]["cin_codes"] = ["16A"]  # neglect's code, claimed a second time
    with pytest.raises(ValueError, match="'16A' is claimed by"):
        VocabularyFile.model_validate(data)
    data = catalogue().model_dump(mode="json")
    data["census_codes"]["codes"] = data["census_codes"]["codes"][1:]
    with pytest.raises(ValueError, match="listed once each"):
        VocabularyFile.model_validate(data)
    assert issubclass(VocabularyError, eh.LoadError)


def test_earlyhelp_vocabulary_shows_each_census_code_with_its_meaning_and_source(capsys) -> None:
    from earlyhelp_core.cli import main

    assert main(["vocabulary", "--census-codes", "--format", "json"]) == 0
    shown = json.loads(capsys.readouterr().out)
    assert [row["code"] for row in shown["codes"]] == list(CIN_CODES)
    assert shown["source"]["ref"] == "ssd-spec"
    by_code = {row["code"]: row for row in shown["codes"]}
    assert by_code["21"]["factor"] is None
    assert by_code["1B"] == {
        "code": "1B",
        "about": "parent",
        "meaning": eh.vocabulary.census_code("1B").meaning,
        "factor": "parental-alcohol-misuse",
    }
    assert main(["vocabulary", "--census-codes"]) == 0
    text = capsys.readouterr().out
    assert "21   none" in text
    assert "source: ssd-spec" in text
    assert main(["vocabulary", "physical-abuse"]) == 0
    assert "census code 18C: " in capsys.readouterr().out
    assert main(["vocabulary", "neglect", "--census-codes"]) == 1  # a usage error
    assert "not both" in capsys.readouterr().err


# --------------------------------------------------------------------------- the object


def test_the_module_reads_the_bundled_vocabulary_object() -> None:
    bundled = eh.vocabulary.bundled()
    assert bundled is eh.vocabulary.bundled()
    assert bundled.version == eh.vocabulary.version()
    assert bundled.factors() == eh.vocabulary.factors()
    assert bundled.get("persistent-absence") == eh.vocabulary.get("persistent-absence")
    assert bundled.census_factor("18C") == eh.vocabulary.census_factor("18C")
    assert repr(bundled).startswith(f"Vocabulary({bundled.version}: ")


def test_a_vocabulary_of_another_version_is_its_own() -> None:
    import yaml

    data = eh.vocabulary.catalogue().model_dump(mode="json", by_alias=True, exclude_none=True)
    data["version"] = "2099.1"
    data["factors"][0]["title"] = "Renamed"
    other = eh.vocabulary.Vocabulary.from_text(yaml.safe_dump(data), source="mine.yaml")
    assert other.version == "2099.1"
    first = eh.vocabulary.factors()[0].id
    assert other.get(first).title == "Renamed"
    assert eh.vocabulary.get(first).title != "Renamed"
    assert eh.vocabulary.version() != "2099.1"


def test_a_vocabulary_file_with_problems_is_located() -> None:
    with pytest.raises(eh.vocabulary.VocabularyError) as exc:
        eh.vocabulary.Vocabulary.from_text("version: 1\nfactors: nope\n", source="bad.yaml")
    assert all(p.source == "bad.yaml" for p in exc.value.problems)
    assert any(p.line == 2 for p in exc.value.problems)
