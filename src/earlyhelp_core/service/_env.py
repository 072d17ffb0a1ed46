"""The service configured by environment variables: what ``earlyhelp serve`` sets for its
workers, and what an operator sets for ``uvicorn earlyhelp_core.service:app_from_env
--factory`` or a process manager."""

from __future__ import annotations

import os
from collections.abc import Callable, Mapping
from typing import Final

from fastapi import FastAPI

from ._app import create_app
from ._served import ENV_AUTHORITIES, Limits, Served

__all__ = ["ENV_LIMITS", "app_from_env", "limits_from_env"]

ENV_LIMITS: Final[dict[str, tuple[str, Callable[[str], float | int]]]] = {
    "EARLYHELP_MAX_BODY_BYTES": ("max_body_bytes", int),
    "EARLYHELP_MAX_BATCH_BYTES": ("max_batch_bytes", int),
    "EARLYHELP_MAX_BATCH_RECORDS": ("max_batch_records", int),
    "EARLYHELP_BODY_SECONDS": ("body_seconds", float),
}
"""Each environment variable that sets a :class:`Limits` field, and how it is read."""


def limits_from_env(env: Mapping[str, str] | None = None) -> Limits:
    """The :class:`Limits` the environment sets (the defaults for any not set).

    Raises:
        ValueError: a value that is not a positive number, naming the variable.
    """
    env = os.environ if env is None else env
    given: dict[str, float | int] = {}
    for name, (field, read) in ENV_LIMITS.items():
        text = env.get(name)
        if text is None or not text.strip():
            continue
        try:
            value = read(text.strip())
        except ValueError:
            raise ValueError(f"{name}={text!r} is not a number") from None
        if not value > 0:
            raise ValueError(f"{name}={text!r} must be greater than 0")
        given[field] = value
    return Limits(**given)  # type: ignore[arg-type]


def app_from_env() -> FastAPI:
    """The service for the authorities ``EARLYHELP_AUTHORITIES`` names (ids or config
    paths, separated by commas; every bundled and installed authority when it is unset)
    and the limits the ``EARLYHELP_*`` variables set."""
    specs = [s.strip() for s in os.environ.get(ENV_AUTHORITIES, "").split(",") if s.strip()]
    return create_app(Served.load(specs), limits=limits_from_env())
