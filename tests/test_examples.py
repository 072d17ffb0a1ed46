"""Every example document, under the authority it names, gives exactly the findings expected."""

from __future__ import annotations

import pytest

import earlyhelp_core as eh

from .conftest import EXAMPLES

EXPECTED = {
    # a practitioner's tier 3 over the matrix's tier 2: a referral to children's social care
    "assessment-complex-needs.yaml": ("EH041",),
    # three needs at tier 2: Bromley's consideration asks whether they are complex multiple
    # needs (tier 3); the level stays tier 2, where the practitioner recorded it
    "assessment-multi-agency.yaml": ("EH036",),
    "assessment-no-needs.yaml": (),
    "assessment-send-unborn.yaml": ("EH036",),
    # physical abuse: refer now (section 47); children who need help and domestic abuse are
    # two Troubled Families phase 2 problems, as Bedford's EHA needs
    "assessment-significant-harm.yaml": ("EH040",),
    # Bedford records Troubled Families criteria: school attendance and health are two of two
    "assessment-single-agency.yaml": (),
    "plan-team-around-the-family.yaml": (),
    # the conference meets on the 15th working day after the strategy discussion, counting
    # the late summer bank holiday out (a Monday-Friday count makes it 16: late)
    "plan-step-up.yaml": (),
    "referral-mash.json": (),
    # decided and assessed in time once the Easter and May bank holidays are counted out
    "referral-section-17.yaml": (),
    "referral-self.yaml": (),
}


def test_every_example_is_listed() -> None:
    assert {p.name for p in EXAMPLES.glob("*.*")} == set(EXPECTED)


@pytest.mark.parametrize(("name", "codes"), sorted(EXPECTED.items()))
def test_example_findings(name: str, codes: tuple[str, ...]) -> None:
    doc = eh.load_document(EXAMPLES / name)
    assessment = None
    if isinstance(doc, eh.Plan):
        assessment = next(
            d
            for p in EXAMPLES.glob("assessment-*.yaml")
            if (d := eh.load_document(p)).id == doc.assessment
        )
    assert doc.authority is not None
    authority = eh.load_authority(doc.authority)
    report = eh.validate(authority, doc, assessment=assessment)
    assert report.codes == codes
    assert report.ok is (name != "assessment-significant-harm.yaml")
    # with its assessment given, what did not run is what the authority never runs
    kinds = {r.code: r.kinds for r in eh.rules()}
    assert report.not_checked == tuple(
        n for n in eh.rules_not_run(authority) if doc.kind in kinds[n.code]
    )


def test_the_narrative_tells_the_level_each_reason_and_the_next_step() -> None:
    """The text `earlyhelp assess` prints is a library function any front end can show."""
    bromley = eh.load_authority("bromley")
    doc = eh.load_document(EXAMPLES / "assessment-complex-needs.yaml")
    assert isinstance(doc, eh.Assessment)
    decision = bromley.classify(doc)
    text = eh.narrative(decision, doc, bromley)
    assert text.startswith(f"{doc.id}: family {doc.family.id} under {bromley.name}")
    assert f"Level: {decision.level.title} [{decision.level.id}" in text
    for reason in decision.reasons:
        assert f"-> {reason.level} ({reason.rule})" in text
    # the next step in the authority's own words, with their source
    assert decision.next_step == decision.level.next_step
    assert decision.level.next_step_source is not None
    assert " ".join(decision.next_step.split()) in " ".join(text.split())
    assert decision.next_step != decision.response.next_step


def test_each_plan_is_paired_with_the_assessment_it_follows() -> None:
    from earlyhelp_core.assessment import with_assessments

    plan = eh.load_document(EXAMPLES / "plan-team-around-the-family.yaml")
    assert isinstance(plan, eh.Plan)
    assert plan.assessment is not None
    followed = eh.load_document(EXAMPLES / "assessment-multi-agency.yaml")
    assert followed.id == plan.assessment
    other = eh.load_document(EXAMPLES / "assessment-complex-needs.yaml")
    pairs = with_assessments([plan, other, followed])
    assert pairs == [(plan, followed), (other, None), (followed, None)]
    assert with_assessments([plan]) == [(plan, None)]


@pytest.mark.parametrize(
    "authority_id", ["bromley", "bedford", "city-of-london", "gloucestershire"]
)
def test_every_example_classifies_and_validates_under_every_bundled_authority(
    authority_id: str,
) -> None:
    """The examples name Bromley or Bedford; under any bundled authority they still give a
    level (assessments) and a report (every document), without an error of the library."""
    authority = eh.load_authority(authority_id)
    followed = {
        d.id: d
        for p in EXAMPLES.glob("assessment-*.yaml")
        if isinstance(d := eh.load_document(p), eh.Assessment)
    }
    for path in sorted(EXAMPLES.glob("*.*")):
        doc = eh.load_document(path)
        if isinstance(doc, eh.Assessment):
            decision = authority.classify(doc)
            assert decision.level in authority.levels
            assert decision.provenance.authority == authority_id
        before = (
            followed.get(doc.assessment) if isinstance(doc, eh.Plan) and doc.assessment else None
        )
        report = eh.validate(authority, doc, assessment=before)
        assert report.authority == authority_id
        failed = [f.code for f in report.findings if f.message.startswith("internal error")]
        assert failed == [], f"{path.name}: rules failed to run: {failed}"
