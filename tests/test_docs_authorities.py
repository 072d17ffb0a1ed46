"""The documentation site has a matrix page for every bundled authority, and its crosswalk
diagrams name their nodes so that mermaid can read them."""

from __future__ import annotations

import importlib.util
import re

import pytest

import earlyhelp_core as eh

from .conftest import ROOT

pytest.importorskip("mkdocs")


@pytest.fixture(scope="module")
def hooks():
    spec = importlib.util.spec_from_file_location("docs_hooks", ROOT / "tools" / "docs_hooks.py")
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_every_bundled_authority_is_in_the_navigation(hooks) -> None:
    config = hooks.on_config({"nav": [{"Authorities": []}, {"Rules": []}]})
    pages = [next(iter(item.values())) for item in config["nav"][0]["Authorities"]]
    assert pages[0] == "authorities/index.md"
    assert pages[1:] == [f"authorities/{a}.md" for a in eh.list_authorities()]
    assert {"authorities/city-of-london.md", "authorities/gloucestershire.md"} <= set(pages)


@pytest.mark.parametrize("authority_id", ["city-of-london", "gloucestershire"])
def test_a_page_shows_the_levels_sources_and_note(hooks, authority_id) -> None:
    authority = eh.load_authority(authority_id)
    page = hooks.authority_page(authority)
    assert page.startswith(f"# {authority.name}\n")
    for level in authority.levels:
        assert f"**{level.id}**" in page
    for source in authority.config.sources:
        assert f"**{source.id}**" in page
    assert "NOT READ" in page


def test_crosswalk_node_ids_have_no_hyphens(hooks) -> None:
    index = hooks.authorities_index([eh.load_authority(a) for a in eh.list_authorities()])
    nodes = re.findall(r"^    (\S+)\[", index, re.M)
    edges = re.findall(r"^    (\S+) (?:-->|-\.->) (\S+)$", index, re.M)
    assert any(n.startswith("city_of_london_") for n in nodes)
    assert nodes
    assert edges
    for node in nodes + [n for edge in edges for n in edge]:
        assert "-" not in node, node
