"""The pre-commit hooks the repository offers name real commands, and those commands take
the several files pre-commit passes at once."""

from __future__ import annotations

import json
import re
import shlex
import tomllib

import yaml

from earlyhelp_core.cli import main
from earlyhelp_core.cli._main import COMMANDS

from .conftest import EXAMPLES, ROOT

HOOKS = yaml.safe_load((ROOT / ".pre-commit-hooks.yaml").read_text(encoding="utf-8"))


def test_each_hook_runs_an_earlyhelp_command() -> None:
    scripts = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"][
        "scripts"
    ]
    assert {hook["id"] for hook in HOOKS} == {"earlyhelp-check-config", "earlyhelp-validate"}
    for hook in HOOKS:
        assert {"id", "name", "entry", "language"} <= set(hook), hook
        assert hook["language"] == "python"  # installed from this repository's package
        program, command, *_ = shlex.split(hook["entry"])
        assert program in scripts
        assert command in COMMANDS
        assert hook["id"] == f"earlyhelp-{command}"
        re.compile(hook["files"])


def test_the_check_config_hook_matches_the_configs_and_not_the_documents() -> None:
    (hook,) = [h for h in HOOKS if h["id"] == "earlyhelp-check-config"]
    files = re.compile(hook["files"])
    assert files.search("configs/bedford.yaml")
    assert files.search("authorities/configs/mine.yml")
    assert not files.search("examples/assessment-multi-agency.yaml")


def test_the_hooks_take_several_files_at_once(capsys) -> None:
    configs = [str(ROOT / "configs" / f"{name}.yaml") for name in ("bedford", "bromley")]
    assert main(["check-config", *configs]) == 0
    out = capsys.readouterr().out
    assert all(f"{path}: ok: " in out for path in configs)
    assert main(["check-config", *configs, "--format", "json"]) == 0
    assert [r["file"] for r in json.loads(capsys.readouterr().out)] == configs
    documents = [str(EXAMPLES / "assessment-no-needs.yaml"), str(EXAMPLES / "referral-mash.json")]
    assert main(["validate", *documents, "--format", "json"]) in (0, 1)
    assert [r["file"] for r in json.loads(capsys.readouterr().out)] == documents


def test_one_bad_config_among_several_fails_the_hook(capsys, tmp_path) -> None:
    bad = tmp_path / "bad.yaml"
    bad.write_text("id: bad\n", encoding="utf-8")
    good = str(ROOT / "configs" / "bedford.yaml")
    assert main(["check-config", good, str(bad)]) == 1
    out = capsys.readouterr().out
    assert f"{good}: ok: " in out
    assert f"{bad}:1:1: " in out
