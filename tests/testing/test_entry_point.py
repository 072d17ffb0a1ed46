"""Hypothesis's entry point alone registers the strategies for ``st.from_type``.

The scripts run in a fresh interpreter that never imports ``earlyhelp_core.testing``
itself, so nothing but the ``hypothesis`` entry point in pyproject.toml can have loaded it.
"""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap
from pathlib import Path

SCRIPT = textwrap.dedent(
    """
    import sys

    import hypothesis  # runs the entry points: this must load earlyhelp_core.testing
    from hypothesis import given, settings
    from hypothesis import strategies as st

    print("loaded-by-hypothesis", "earlyhelp_core.testing" in sys.modules)
    if "--check" in sys.argv:
        import earlyhelp_core as eh
        from earlyhelp_core.thresholds import AuthorityConfig, compile_config

        seen = set()

        @settings(max_examples=10, database=None, deadline=None)
        @given(
            st.from_type(eh.Assessment),
            st.from_type(eh.Plan),
            st.from_type(eh.Referral),
            st.from_type(eh.Family),
            st.from_type(AuthorityConfig),
        )
        def test_registered(a, p, r, f, config):
            assert isinstance(a, eh.Assessment) and isinstance(p, eh.Plan)
            assert isinstance(r, eh.Referral) and isinstance(f, eh.Family)
            compile_config(config)
            seen.add(a.kind)

        test_registered()
        print("drew", sorted(seen))
    """
)


def _environment() -> dict[str, str]:
    """This environment, with plugins on, sharing this run's Hypothesis storage (whose
    unicode tables take a second to rebuild; the scripts keep no example database)."""
    env = {k: v for k, v in os.environ.items() if k != "HYPOTHESIS_NO_PLUGINS"}
    env.setdefault("HYPOTHESIS_STORAGE_DIRECTORY", str(Path.cwd() / ".hypothesis"))
    return env


def _run(tmp_path: Path, *args: str, no_plugins: bool) -> list[str]:
    env = _environment()
    if no_plugins:
        env["HYPOTHESIS_NO_PLUGINS"] = "1"
    script = tmp_path / "uses_from_type.py"
    script.write_text(SCRIPT, encoding="utf-8")
    done = subprocess.run(
        [sys.executable, "-W", "error", str(script), *args],
        capture_output=True,
        text=True,
        cwd=tmp_path,  # away from the repository: only the installed package counts
        # -W error: loading the plugin warns about nothing (suites that turn warnings into errors)
        env=env,
        timeout=120,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    return done.stdout.splitlines()


def test_the_entry_point_registers_the_strategies(tmp_path: Path) -> None:
    out = _run(tmp_path, "--check", no_plugins=False)
    assert out == [
        "loaded-by-hypothesis True",
        "drew ['early-help-assessment']",
    ]


def test_hypothesis_no_plugins_turns_the_entry_point_off(tmp_path: Path) -> None:
    assert _run(tmp_path, no_plugins=True) == ["loaded-by-hypothesis False"]


def test_importing_the_testing_module_first_works(tmp_path: Path) -> None:
    """Hypothesis calls the hook while ``earlyhelp_core.testing`` is half-imported."""
    code = textwrap.dedent(
        """
        from earlyhelp_core.testing import assessments
        from hypothesis import given, settings, strategies as st
        import earlyhelp_core as eh

        @settings(max_examples=3, database=None)
        @given(assessments(), st.from_type(eh.Assessment))
        def test_both(a, b):
            print(a.kind, b.kind)

        test_both()
        """
    )
    done = subprocess.run(
        [sys.executable, "-W", "error", "-c", code],
        capture_output=True,
        text=True,
        cwd=tmp_path,
        env=_environment(),
        timeout=120,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    assert set(done.stdout.split()) == {"early-help-assessment"}
