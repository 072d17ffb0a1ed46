"""The library over HTTP, for systems that are not Python, and a page for the people who
decide: ``earlyhelp serve``.

Needs the ``service`` extra: ``pip install 'earlyhelp_core[service]'``.

```python
from earlyhelp_core.service import Limits, Served, create_app

app = create_app(Served.load(["bromley", "bedford"]), limits=Limits(max_body_bytes=262_144))
```
"""

from __future__ import annotations

try:
    import fastapi  # noqa: F401
except ImportError as exc:  # pragma: no cover - exercised by the extra-less install test
    raise ImportError(
        "earlyhelp_core.service needs the service extra: pip install 'earlyhelp_core[service]'"
    ) from exc

from ._app import REQUEST, create_app
from ._env import app_from_env, limits_from_env
from ._served import ENV_AUTHORITIES, Limits, Served

__all__ = [
    "ENV_AUTHORITIES",
    "REQUEST",
    "Limits",
    "Served",
    "app_from_env",
    "create_app",
    "limits_from_env",
]
