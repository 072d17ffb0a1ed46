"""What the bundled configs say, checked against what their sources say.

A family with five serious needs was once told "a referral to children's social care is NOT
required" without a word more. These tests hold the configs to the threshold documents and
strategies they cite: the cells they could read, the combinations they name, the next steps
in the authority's own words, and translations that say when they rest on readings.
"""

from __future__ import annotations

import json

import pytest

import earlyhelp_core as eh
from earlyhelp_core.cli import main
from earlyhelp_core.thresholds import ReasonKind

FAMILY = {
    "kind": "early-help-assessment",
    "id": "EHA-FIVE-NEEDS",
    "assessed_on": "2024-03-01",
    "assessor": {"name": "A Practitioner", "agency": "Health visiting", "role": "health visitor"},
    "consent": {"given": True, "given_on": "2024-03-01"},
    "family": {
        "id": "F-5",
        "members": [
            {"id": "c1", "role": "child", "date_of_birth": "2022-01-10"},
            {"id": "p1", "role": "parent", "date_of_birth": "1995-05-05"},
        ],
    },
    "factors": [
        {"factor": "parental-drug-misuse", "about": ["p1"]},
        {"factor": "household-domestic-abuse"},
        {"factor": "parental-mental-health", "about": ["p1"]},
        {"factor": "basic-care-not-consistently-met", "about": ["c1"]},
        {"factor": "inadequate-supervision-or-home-safety", "about": ["c1"]},
    ],
}
"""A 2-year-old whose parent misuses drugs, with domestic abuse at home, parental mental ill
health, basic care not consistently met and inadequate supervision."""


@pytest.fixture(scope="module", params=["bromley", "bedford", "city-of-london"])
def authority(request) -> eh.Authority:
    return eh.load_authority(request.param)


def _family() -> eh.Assessment:
    return eh.Assessment.model_validate(FAMILY)


def test_the_five_needs_family_is_never_left_without_the_question(authority, tmp_path) -> None:
    """Below the referral level, the decision asks whether the needs add up; in the
    decision, its JSON, the text a practitioner reads, validation and the command line."""
    doc = _family()
    decision = authority.classify(doc)
    referral = next(lv for lv in authority.levels if lv.response >= eh.Response.SECTION_17)
    # neither document states a rule that takes these needs to the referral level (both are
    # read only in part), so the matrix leaves them below it, and must ask
    assert decision.level.rank < referral.rank
    (item,) = decision.considerations
    assert item.level == referral.id
    assert item.factors == tuple(sorted(f["factor"] for f in FAMILY["factors"]))
    assert decision.to_dict()["considerations"][0]["message"] == item.message
    text = eh.narrative(decision, doc, authority)
    # shown beside the level's own words, before the reasons
    assert text.index(item.message.split(":")[0]) < text.index("Why:")
    report = eh.validate(authority, doc)
    assert item.message in [f.message for f in report.findings if f.code == "EH036"]
    path = tmp_path / "family.json"
    path.write_text(json.dumps({**FAMILY, "authority": authority.id}), encoding="utf-8")
    for fmt in ("text", "json"):
        assert main(["assess", str(path), "--format", fmt]) == 0


def test_bromley_tier_two_never_says_no_referral_without_the_question(capsys, tmp_path) -> None:
    path = tmp_path / "family.json"
    path.write_text(json.dumps({**FAMILY, "authority": "bromley"}), encoding="utf-8")
    assert main(["assess", str(path)]) == 0
    out = " ".join(capsys.readouterr().out.split())  # the text is wrapped
    no_referral = out.index("is NOT required")
    question = out.index("consider whether these are complex multiple needs")
    assert no_referral < question < out.index("Why:")


def test_bromley_cites_the_london_continuum_for_its_cells() -> None:
    bromley = eh.load_authority("bromley")
    cells = {c.level: c for c in bromley.cells["early-development-delay"]}
    assert set(cells) == {"tier-2", "tier-3", "tier-4"}
    assert "universal services" in cells["tier-2"].text
    assert "targeted or specialist" in cells["tier-3"].text
    assert "significantly delayed or impaired" in cells["tier-4"].text
    assert all(c.source.startswith("london-continuum,") for c in cells.values())
    assert all(c.source.endswith("(stated)") for c in cells.values())
    # a practitioner who names the tier-3 description gets a referral
    doc = eh.Assessment.model_validate(
        {**FAMILY, "factors": [{"factor": "early-development-delay", "cell": "tier-3"}]}
    )
    decision = bromley.classify(doc)
    assert decision.level.id == "tier-3"
    assert decision.reasons[0].kind is ReasonKind.CELL
    source = next(s for s in bromley.config.sources if s.id == "london-continuum")
    assert source.note is not None
    assert "NOT READ" in source.note


def test_bedford_cites_its_thresholds_document_and_what_could_not_be_read() -> None:
    bedford = eh.load_authority("bedford")
    source = next(s for s in bedford.config.sources if s.id == "bedford-thresholds")
    assert "bedford.gov.uk" in source.where
    assert source.note is not None
    assert "NOT READ" in source.note
    assert bedford.config.note is not None
    assert "HOW THE TWO LINE UP" in bedford.config.note


def test_a_child_caught_up_in_domestic_abuse_is_not_told_no_referral_in_bromley() -> None:
    """A child subjected to or caught up in domestic abuse is harmed by it (Children Act
    1989 s31(9)); Bromley's tier 2 says no referral is required, so it cannot sit there."""
    bromley = eh.load_authority("bromley")
    for authority_id in eh.list_authorities():  # as the vocabulary's note says of them all
        placed = eh.load_authority(authority_id).placements["child-domestic-abuse"]
        assert placed.response >= eh.Response.SECTION_17, authority_id
    # the household's domestic abuse, without the child caught up in it, is Bromley's CODA
    # early help (strategy l. 1552)
    assert bromley.placements["household-domestic-abuse"].id == "tier-2"


def test_bedford_development_is_a_reading_of_the_help_column_not_a_statement() -> None:
    mapping = eh.load_authority("bedford").config.factors["early-development-delay"]
    assert mapping.source.basis == "reading"
    assert mapping.note is not None
    assert "type-of-response" in mapping.note


def test_bromley_tier_one_is_bedfords_universal_offer_and_says_it_is_a_reading() -> None:
    bromley, bedford = eh.load_authority("bromley"), eh.load_authority("bedford")
    found = bromley.translate("tier-1", to=bedford)
    assert [t.id for t in found.targets] == ["universal"]  # met by universal services
    assert found.readings == ("from",)
    assert "a reading of its source" in found.explanation
    assert found.to_dict()["readings"] == ["from"]
    back = bedford.translate("universal", to=bromley)
    assert [t.id for t in back.targets] == ["tier-1"]
    assert "reading" in back.explanation


def test_next_steps_are_the_authoritys_own_words_with_their_source() -> None:
    """Bromley's documents do not speak of a lead professional or a team around the family;
    its tier-2 next step must not either."""
    bromley = eh.load_authority("bromley")
    for level in bromley.levels:
        assert level.next_step_source is not None, level.id
        assert level.next_step_source.startswith("bromley-strategy,")
    tier2 = bromley.level("tier-2").next_step.lower()
    assert "lead professional" not in tier2
    assert "team around the family" not in tier2
    assert "caf" in tier2
    bedford = eh.load_authority("bedford")
    assert "Team around the Family" in bedford.level("targeted-early-help").next_step
    decision = bromley.classify(_family())
    assert decision.to_dict()["next_step"] == decision.level.next_step
    assert decision.to_dict()["next_step_source"] == decision.level.next_step_source


HEADLINE_PHRASES = (
    "Additional support is needed by the family",
    "Support is delivered in the Universal setting",
    "Needs identified by the agency",
    "Single agency response",
    "Where people are especially vulnerable",
    "high-level and complex needs",
    "work across boundaries with other agencies",
    "commission packages",
    "network within their community",
    "Where expert help is needed",
    "parenting support",
    "social and emotional support",
    "use and access these services",
)
"""Words of the Bedford strategy's 8.2 table that describe a level (its headline and type of
response columns), not a need (its 'what's happening for these families' column)."""


def test_a_bedford_mapping_that_cites_only_a_levels_headline_says_the_need_is_not_named() -> None:
    """Quoting a level's headline is not a source for placing a need there: such a mapping
    says the need is not named and is a reading."""
    import re

    headline_only = []
    for factor, mapping in eh.load_authority("bedford").config.factors.items():
        quoted = re.findall(r"'([^']+)'", mapping.source.section)
        if mapping.source.ref != "bedford-strategy" or not quoted:
            continue
        if all(any(h.lower() in q.lower() for h in HEADLINE_PHRASES) for q in quoted):
            headline_only.append(factor)
            assert mapping.source.section.startswith("Not named among the 8.2 indicators"), factor
            assert mapping.source.basis == "reading", factor
    assert len(headline_only) >= 17  # every one of them found, none missed


def test_every_level_of_every_bundled_authority_translates_to_every_other() -> None:
    """Four authorities, twelve directions: each level has a target, a match kind, and never
    a target whose response is lower unless the match says it is inexact."""
    bundled = [eh.load_authority(a) for a in eh.list_authorities()]
    assert {a.id for a in bundled} >= {"bromley", "bedford", "city-of-london", "gloucestershire"}
    for source in bundled:
        for target in bundled:
            if source is target:
                continue
            for level in source.levels:
                found = source.translate(level.id, to=target)
                assert found.targets, (source.id, level.id, target.id)
                assert found.quality in {"exact", "ambiguous", "inexact"}
                if found.matched_on is not eh.thresholds.MatchedOn.RESPONSE:
                    assert all(t.response >= level.response for t in found.targets)
                if found.readings:
                    assert "reading" in found.explanation


def test_the_command_line_translates_between_any_two(capsys) -> None:
    assert main(["translate", "tier-2", "--from", "city-of-london", "--to", "gloucestershire"]) == 0
    out = capsys.readouterr().out
    assert out.startswith("city-of-london tier-2 -> gloucestershire ")
    assert (
        main(
            [
                "translate",
                "intensive",
                "--from",
                "gloucestershire",
                "--to",
                "bedford",
                "--format",
                "json",
            ]
        )
        == 0
    )
    data = json.loads(capsys.readouterr().out)
    assert data["matched_on"] in {m.value for m in eh.thresholds.MatchedOn}
