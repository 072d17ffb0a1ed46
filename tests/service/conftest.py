"""The service under test: every bundled authority, in-process (no socket)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient

from earlyhelp_core.service import Limits, Served, create_app


@pytest.fixture(scope="session")
def served() -> Served:
    return Served.load()


@pytest.fixture(scope="session")
def client(served: Served) -> Iterator[TestClient]:
    with TestClient(create_app(served), raise_server_exceptions=False) as test_client:
        yield test_client


def small_client(served: Served, limits: Limits) -> TestClient:
    """A client of a service with other limits."""
    return TestClient(create_app(served, limits=limits), raise_server_exceptions=False)
