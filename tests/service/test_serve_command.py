"""`earlyhelp serve` starts from the operator's settings, and refuses bad ones before it
listens."""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager

import pytest

from earlyhelp_core.cli import main

SERVE = [sys.executable, "-m", "earlyhelp_core.cli", "serve"]


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _get(url: str) -> dict[str, object]:
    with urllib.request.urlopen(url, timeout=5) as answer:
        return dict(json.load(answer))


@contextmanager
def running(*args: str, env: dict[str, str] | None = None) -> Iterator[str]:
    """A real server on a free loopback port; its base URL while it runs."""
    port = _free_port()
    process = subprocess.Popen(
        [*SERVE, "--port", str(port), "--log-level", "warning", *args],
        env={**os.environ, **(env or {})},
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                _get(f"{base}/health")
                break
            except OSError:
                if process.poll() is not None or time.monotonic() > deadline:
                    raise AssertionError(process.communicate()[1]) from None
                time.sleep(0.1)
        yield base
    finally:
        process.terminate()
        process.communicate(timeout=10)


def test_it_serves_the_authorities_the_operator_names() -> None:
    with running("--authority", "bedford", "--authority", "bromley") as base:
        assert _get(f"{base}/health")["authorities"] == ["bedford", "bromley"]


def test_the_environment_names_them_when_no_flag_does() -> None:
    with running(env={"EARLYHELP_AUTHORITIES": "gloucestershire"}) as base:
        assert _get(f"{base}/health")["authorities"] == ["gloucestershire"]


def test_several_workers_answer() -> None:
    with running("--authority", "bromley", "--workers", "2") as base:
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
