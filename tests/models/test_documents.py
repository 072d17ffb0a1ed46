"""Document models: strict fields, consistency checks, located and private errors."""

from __future__ import annotations

import copy
import json
from datetime import UTC, date, datetime
from typing import Any

import pytest

import earlyhelp_core as eh

BASE: dict[str, Any] = {
    "kind": "early-help-assessment",
    "id": "EHA-1",
    "assessed_on": date(2024, 3, 1),
    "assessor": {"name": "Ann Example", "agency": "Example Primary", "role": "DSL"},
    "consent": {"given": True, "given_on": date(2024, 2, 28), "by": "p1"},
    "family": {
        "id": "F-1",
        "members": [
            {"id": "c1", "role": "child", "date_of_birth": date(2015, 4, 2), "name": "Zed Secret"},
            {"id": "p1", "role": "parent", "date_of_birth": date(1985, 1, 1)},
        ],
    },
    "factors": [
        {
            "factor": "persistent-absence",
            "about": ["c1"],
            "noted_on": date(2024, 2, 1),
            "evidence": "attendance PRIVATE-EVIDENCE this term",
        }
    ],
    "voice": [{"about": "c1", "recorded_on": date(2024, 3, 1), "summary": "wants football"}],
}


def with_(changes: dict[tuple[Any, ...], Any]) -> dict[str, Any]:
    """BASE with values replaced at paths (a value of ... deletes the key)."""
    doc = copy.deepcopy(BASE)
    for path, value in changes.items():
        target = doc
        for part in path[:-1]:
            target = target[part]
        if value is ...:
            del target[path[-1]]
        else:
            target[path[-1]] = value
    return doc


def problems(doc: dict[str, Any]) -> list[eh.Problem]:
    with pytest.raises(eh.DocumentError) as exc:
        eh.parse_document(doc)
    return list(exc.value.problems)


def one(doc: dict[str, Any]) -> eh.Problem:
    found = problems(doc)
    assert len(found) == 1, found
    return found[0]


def test_base_document_parses() -> None:
    doc = eh.parse_document(BASE)
    assert isinstance(doc, eh.Assessment)
    assert doc.family.member("c1").role is eh.Role.CHILD
    assert doc.factor_ids == {"persistent-absence"}


def test_documents_are_frozen() -> None:
    doc = eh.parse_document(BASE)
    with pytest.raises(Exception, match="frozen"):
        doc.id = "other"  # type: ignore[misc]


def test_unknown_key_suggests_the_nearest() -> None:
    doc = with_({("family", "members", 0, "date_of_brith"): date(2015, 1, 1)})
    p = one(doc)
    assert p.path == ("family", "members", 0, "date_of_brith")
    assert p.kind == "unknown-key"
    assert "did you mean 'date_of_birth'?" in p.message


def test_unknown_key_without_a_near_miss_lists_the_keys() -> None:
    p = one(with_({("consent", "zzz"): 1}))
    assert "expected one of: given, given_on, by" in p.message


@pytest.mark.parametrize("value", ["yes", "true", 1, None])
def test_consent_given_must_be_a_real_boolean(value: Any) -> None:
    p = one(with_({("consent", "given"): value}))
    assert p.path == ("consent", "given")
    assert p.message.startswith("expected true or false, found")


@pytest.mark.parametrize(
    ("value", "found"),
    [
        (1, "the number 1"),
        ("01/03/2024", "'01/03/2024'"),
        (datetime(2024, 3, 1, tzinfo=UTC), "2024"),
    ],
)
def test_dates_must_be_dates(value: Any, found: str) -> None:
    p = one(with_({("assessed_on",): value}))
    assert p.path == ("assessed_on",)
    assert "expected a date (YYYY-MM-DD)" in p.message
    assert found in p.message


def test_iso_text_dates_are_accepted_as_json_gives_them() -> None:
    doc = eh.parse_document(with_({("assessed_on",): "2024-03-01"}))
    assert doc.assessed_on == date(2024, 3, 1)


def test_impossible_text_date() -> None:
    p = one(with_({("assessed_on",): "2023-02-29"}))
    assert p.kind == "date"
    assert (
        p.message
        == "'2023-02-29' is not a real date (day is out of range for month); expected YYYY-MM-DD"
    )


@pytest.mark.parametrize(
    ("day", "why"),
    [
        ("2024-13-01", "month must be in 1..12"),
        ("2023-02-29", "day is out of range for month"),
        ("0000-01-01", "year 0 is out of range"),
    ],
)
def test_an_impossible_date_reads_the_same_from_yaml_and_json(tmp_path, day, why) -> None:
    doc = with_({("family", "members", 0, "date_of_birth"): ..., ("assessed_on",): ...})
    doc["family"]["members"][0]["date_of_birth"] = "DAY"
    text = json.dumps(doc, default=str, indent=1)
    (tmp_path / "a.json").write_text(text.replace('"DAY"', f'"{day}"'))
    (tmp_path / "a.yaml").write_text(text.replace('"DAY"', day))  # JSON is YAML: unquoted, a date
    found = {}
    for name in ("a.json", "a.yaml"):
        with pytest.raises(eh.DocumentError) as info:
            eh.load_document(tmp_path / name)
        found[name] = [(p.path, p.kind, p.message, p.line) for p in info.value.problems]
    assert found["a.json"] == found["a.yaml"]
    (missing, bad) = found["a.yaml"]  # every problem at once, not just the date
    assert missing[1:3] == ("missing", "missing required key 'assessed_on'")
    assert bad[:3] == (
        ("family", "members", 0, "date_of_birth"),
        "date",
        f"text of 10 characters is not a real date ({why}); expected YYYY-MM-DD",
    )
    assert day not in str(info.value)  # a date of birth is personal


def test_about_must_name_a_member() -> None:
    p = one(with_({("factors", 0, "about"): ["c9"]}))
    assert p.path == ("factors", 0, "about", 0)
    assert p.message == "'c9' is not a member of this family (members: c1, p1)"


def test_voice_and_consent_must_name_members() -> None:
    found = problems(with_({("voice", 0, "about"): "c2", ("consent", "by"): "p2"}))
    assert [p.path for p in found] == [("consent", "by"), ("voice", 0, "about")]


def test_unknown_factor_suggests_the_nearest() -> None:
    p = one(with_({("factors", 0, "factor"): "persistent-absense"}))
    assert p.path == ("factors", 0, "factor")
    assert "did you mean 'persistent-absence'?" in p.message


def test_local_factors_are_left_to_the_authority() -> None:
    doc = eh.parse_document(with_({("factors", 0, "factor"): "bedford:relay-notification"}))
    assert doc.factor_ids == {"bedford:relay-notification"}


def test_unborn_child_has_expected_on_not_date_of_birth() -> None:
    member = {"id": "u1", "role": "unborn", "date_of_birth": date(2024, 8, 1)}
    found = problems(with_({("family", "members"): [*BASE["family"]["members"], member]}))
    assert {p.path for p in found} == {
        ("family", "members", 2, "date_of_birth"),
        ("family", "members", 2, "expected_on"),
    }


def test_born_member_cannot_have_expected_on() -> None:
    p = one(with_({("family", "members", 1, "expected_on"): date(2024, 8, 1)}))
    assert "only for an unborn child" in p.message


def test_child_needs_a_date_of_birth() -> None:
    p = one(with_({("family", "members", 0, "date_of_birth"): ...}))
    assert p.path == ("family", "members", 0, "date_of_birth")


def test_member_ids_are_unique() -> None:
    p = one(with_({("family", "members", 1, "id"): "c1"}))
    assert p.path == ("family", "members", 1, "id")


def test_family_needs_members() -> None:
    p = one(with_({("family", "members"): []}))
    assert p.message == "expected at least 1 item, found 0"


def test_consent_not_given_has_no_date() -> None:
    p = one(with_({("consent", "given"): False}))
    assert p.path == ("consent", "given_on")


def test_role_choice_suggests_the_nearest() -> None:
    p = one(with_({("family", "members", 1, "role"): "parnet"}))
    assert "did you mean 'parent'?" in p.message


def test_ids_refuse_control_characters_and_spaces() -> None:
    p = one(with_({("id",): "EHA\x001"}))
    assert p.path == ("id",)
    assert "expected an id" in p.message


def test_text_refuses_control_characters() -> None:
    p = one(with_({("assessor", "agency"): "Sch\x07ool"}))
    assert "control character" in p.message


def test_missing_key() -> None:
    p = one(with_({("assessed_on",): ...}))
    assert p.path == ()
    assert p.message == "missing required key 'assessed_on'"


def test_assessor_and_consent_may_be_left_unrecorded_and_the_rules_say_so() -> None:
    """A source that does not record who assessed or the family's consent (a census
    return) gives None, never an invented value; EH005 and EH001 then report them."""
    doc = eh.parse_document(with_({("assessor",): ..., ("consent",): ...}))
    assert isinstance(doc, eh.Assessment)
    assert doc.assessor is None
    assert doc.consent is None
    report = eh.validate(eh.load_authority("bromley"), doc)
    assert {"EH001", "EH005"} <= set(report.codes)
    assert not {"EH002", "EH003", "EH004"} & set(report.codes)


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ([1, 2], "expected a mapping with a `kind` key, found a list"),
        ({"id": "x"}, "missing required key 'kind'"),
        ({"kind": "assesment"}, "did you mean"),
        ({"kind": 3}, "found the number 3"),
    ],
)
def test_kind_picks_the_model(data: Any, message: str) -> None:
    p = one(data)
    assert message in p.message


def test_every_problem_is_reported_at_once() -> None:
    found = problems(
        with_(
            {
                ("consent", "given"): "yes",
                ("assessed_on",): 1,
                ("family", "members", 1, "role"): "parnet",
            }
        )
    )
    assert len(found) == 3


# ------------------------------------------------------------------ privacy


@pytest.mark.parametrize(
    "changes",
    [
        {("family", "members", 0, "name"): 7},
        {("family", "members", 0, "date_of_birth"): "2015-02-30"},
        {("family", "members", 0, "date_of_birth"): "Zed Secret"},
        {("factors", 0, "evidence"): 12345},
        {("assessor", "name"): ["Ann Example"]},
    ],
)
def test_errors_never_echo_personal_data(changes: dict[tuple[Any, ...], Any]) -> None:
    found = problems(with_(changes))
    text = "\n".join(str(p) for p in found)
    for secret in ("Zed Secret", "2015-02-30", "12345", "Ann Example", "2015"):
        assert secret not in text


def test_repr_hides_personal_data() -> None:
    doc = eh.parse_document(BASE)
    text = repr(doc)
    for secret in ("Zed Secret", "2015", "PRIVATE-EVIDENCE", "Ann Example", "wants football"):
        assert secret not in text
    assert "c1" in text


# ------------------------------------------------------------------ plans and referrals

PLAN: dict[str, Any] = {
    "kind": "plan",
    "id": "TAF-1",
    "started_on": date(2024, 3, 8),
    "family": BASE["family"],
    "lead_professional": {"name": "L. Person", "agency": "Family Hub", "role": "Key worker"},
    "outcomes": [{"id": "o1", "description": "x", "addresses": ["persistent-absence"]}],
    "reviews": [
        {"held_on": date(2024, 4, 8), "scores": {"o1": 4}, "progress": "positive-change"},
    ],
    "steps": [
        {
            "on": date(2024, 5, 1),
            "direction": "step-down",
            "from": "tier-3",
            "to": "tier-2",
            "reason": "x",
        }
    ],
}


def test_plan_parses_with_from_and_to_keys() -> None:
    plan = eh.parse_document(PLAN)
    assert isinstance(plan, eh.Plan)
    assert (plan.steps[0].from_level, plan.steps[0].to_level) == ("tier-3", "tier-2")
    assert plan.model_dump(mode="json")["steps"][0]["from"] == "tier-3"


def test_review_scores_name_outcomes() -> None:
    doc = copy.deepcopy(PLAN)
    doc["reviews"][0]["scores"] = {"o2": 3}
    p = one(doc)
    assert p.path == ("reviews", 0, "scores", "o2")
    assert "(outcomes: o1)" in p.message


def test_review_score_must_be_whole_number() -> None:
    doc = copy.deepcopy(PLAN)
    doc["reviews"][0]["scores"] = {"o1": "4"}
    assert one(doc).message == "expected a whole number, found '4'"


def test_step_must_change_level() -> None:
    doc = copy.deepcopy(PLAN)
    doc["steps"][0]["to"] = "tier-3"
    assert one(doc).path == ("steps", 0, "to")


REFERRAL: dict[str, Any] = {
    "kind": "referral",
    "id": "REF-1",
    "route": "mash",
    "referrer": {"name": "R. Person", "agency": "Police", "role": "PC"},
    "family": BASE["family"],
    "received_at": datetime(2024, 3, 1, 9, 0, tzinfo=UTC),
    "decision": "early-help",
    "decided_at": datetime(2024, 3, 1, 15, 0, tzinfo=UTC),
    "outcome_communicated_at": "2024-03-01T16:00:00+00:00",
}


def test_referral_parses() -> None:
    ref = eh.parse_document(REFERRAL)
    assert isinstance(ref, eh.Referral)
    assert ref.outcome_communicated_at == datetime(2024, 3, 1, 16, 0, tzinfo=UTC)


def test_referral_times_need_a_timezone() -> None:
    doc = {**REFERRAL, "received_at": "2024-03-01T09:00:00"}
    assert "with a timezone" in one(doc).message


def test_referral_decision_and_time_go_together() -> None:
    doc = {k: v for k, v in REFERRAL.items() if k != "decided_at"}
    assert one(doc).path == ("decided_at",)


def test_referral_times_cannot_go_backwards() -> None:
    doc = {**REFERRAL, "outcome_communicated_at": "2024-02-28T16:00:00+00:00"}
    assert one(doc).path == ("outcome_communicated_at",)


def test_self_referral_names_a_member() -> None:
    doc = {**REFERRAL, "referrer": {"self_referral": True, "by": "p7"}}
    assert one(doc).path == ("referrer", "by")
    ok = eh.parse_document({**REFERRAL, "referrer": {"self_referral": True, "by": "p1"}})
    assert isinstance(ok, eh.Referral)


def test_plan_outcomes_address_known_factors() -> None:
    doc = copy.deepcopy(PLAN)
    doc["outcomes"][0]["addresses"] = ["persistent-absense", "bedford:local-one"]
    p = one(doc)
    assert p.path == ("outcomes", 0, "addresses", 0)
    assert (
        p.message == "unknown factor id 'persistent-absense' (did you mean 'persistent-absence'?)"
    )


def test_factor_id_must_be_text() -> None:
    p = one(with_({("factors", 0, "factor"): 12}))
    assert p.message == "expected a factor id, found the number 12"


def _containers(data: Any, path: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    """Every path to a mapping or a list inside ``data`` (the document itself excluded)."""
    found = [path] if path and isinstance(data, dict | list) else []
    items = (
        data.items()
        if isinstance(data, dict)
        else enumerate(data)
        if isinstance(data, list)
        else ()
    )
    for key, value in items:
        found += _containers(value, (*path, key))
    return found


def _example_slots() -> list[tuple[str, tuple[Any, ...]]]:
    from earlyhelp_core._reader import read_path

    from ..conftest import EXAMPLES

    slots = []
    for example in sorted(EXAMPLES.glob("*.*")):
        data = read_path(example).data
        slots += [(example.name, path) for path in _containers(data)]
    return slots


SECRET = "Jane Secretname, born 2011-11-11"


@pytest.mark.parametrize(("example", "path"), _example_slots())
def test_a_name_where_a_mapping_or_list_belongs_is_never_echoed(example: str, path) -> None:
    """Text in the place of a mapping or a list (a name where the assessor belongs, a child
    written as a line where a member belongs) is described by its type, wherever it is
    reported: exceptions, problems as data, the command line."""
    from earlyhelp_core._reader import read_path

    from ..conftest import EXAMPLES

    data = copy.deepcopy(read_path(EXAMPLES / example).data)
    target = data
    for key in path[:-1]:
        target = target[key]
    target[path[-1]] = SECRET
    with pytest.raises(eh.DocumentError) as exc:
        eh.parse_document(data)
    shown = str(exc.value) + json.dumps([p.to_dict() for p in exc.value.problems])
    for part in ("Secretname", "2011"):
        assert part not in shown, (path, shown)
