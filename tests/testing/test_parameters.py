"""The testing kit draws every parameter the config model has, from its kind: a parameter
added to the model is drawn without a change to the kit."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from earlyhelp_core.testing import _configs
from earlyhelp_core.thresholds.config import CountParameter, Parameters, SwitchParameter

REFS = [{"ref": "the-source", "section": "s", "basis": "stated"}]


class _MoreParameters(Parameters):
    new_count: CountParameter
    new_switch: SwitchParameter


class _Unknown(Parameters):
    new_text: str


@settings(max_examples=30)
@given(st.data())
def test_a_new_parameter_is_drawn_from_its_kind(data: st.DataObject) -> None:
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(_configs, "Parameters", _MoreParameters)
        drawn = _configs._parameters(data.draw, REFS)
    assert set(drawn) == set(_MoreParameters.model_fields)
    parsed = _MoreParameters.model_validate(drawn)
    assert parsed.new_count.value is None or parsed.new_count.value >= 1
    assert parsed.new_switch.value in (None, True, False)


@settings(max_examples=30)
@given(st.data())
def test_the_drawn_parameters_are_the_model_s(data: st.DataObject) -> None:
    drawn = _configs._parameters(data.draw, REFS)
    assert set(drawn) == set(Parameters.model_fields)
    Parameters.model_validate(drawn)


def test_a_parameter_of_a_kind_the_kit_cannot_draw_is_named(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(_configs, "Parameters", _Unknown)

    @given(st.data())
    def draw(data: st.DataObject) -> None:
        _configs._parameters(data.draw, REFS)

    with pytest.raises(TypeError, match="'new_text'"):
        draw()
