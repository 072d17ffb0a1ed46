"""`earlyhelp serve` starts from the operator's settings, and refuses bad ones before it
listens."""

from __future__ import annotations

import json
import subprocess
import sys
import urllib.request

import pytest

from earlyhelp_core.cli import main

from . import _load

SERVE = [sys.executable, "-m", "earlyhelp_core.cli", "serve"]


def _get(url: str) -> dict[str, object]:
    with urllib.request.urlopen(url, timeout=5) as answer:
        return dict(json.load(answer))


def test_it_serves_the_authorities_the_operator_names() -> None:
    with _load.serving("--authority", "bedford", "--authority", "bromley") as base:
        assert _get(f"{base}/health")["authorities"] == ["bedford", "bromley"]


def test_the_environment_names_them_when_no_flag_does() -> None:
    with _load.serving(env={"EARLYHELP_AUTHORITIES": "gloucestershire"}) as base:
        assert _get(f"{base}/health")["authorities"] == ["gloucestershire"]


def test_several_workers_answer() -> None:
    with _load.serving("--authority", "bromley", "--workers", "2") as base:
        assert all(_get(f"{base}/health")["status"] == "ok" for _ in range(10))


def test_a_config_that_does_not_load_stops_it_before_it_listens() -> None:
    done = subprocess.run(
        [*SERVE, "--authority", "no-such-authority"],
        check=False,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == 1
    assert "no-such-authority" in done.stderr
    assert "Traceback" not in done.stderr


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--workers", "0"], "--workers must be 1 or more"),
        (["--max-body-bytes", "0"], "--max-body-bytes must be greater than 0"),
        (["--body-seconds", "-1"], "--body-seconds must be greater than 0"),
    ],
)
def test_bad_settings_are_one_line_errors(
    args: list[str], message: str, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["serve", *args]) == 1
    assert message in capsys.readouterr().err


def test_a_bad_limit_in_the_environment_names_the_variable(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("EARLYHELP_MAX_BATCH_RECORDS", "lots")
    assert main(["serve", "--authority", "bromley"]) == 1
    assert "EARLYHELP_MAX_BATCH_RECORDS='lots' is not a number" in capsys.readouterr().err


def test_without_the_extra_it_says_how_to_install_it(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setitem(sys.modules, "uvicorn", None)
    assert main(["serve"]) == 1
    assert "pip install 'earlyhelp_core[service]'" in capsys.readouterr().err
