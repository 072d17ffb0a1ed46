"""``earlyhelp serve``: the JSON API and the practitioners' page over HTTP."""

from __future__ import annotations

import argparse
import json
import os
from typing import TextIO

from ._common import EXIT_OK, UserError

__all__ = ["add_parser", "run"]


def _env_int(name: str, default: int) -> int:
    text = os.environ.get(name, "").strip()
    return int(text) if text.isdigit() else default


def add_parser(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """The ``serve`` command's arguments."""
    p = sub.add_parser(
        "serve",
        help="serve the JSON API and the practitioners' page over HTTP",
        description="Serve decisions and validation over HTTP (needs the service extra: "
        "pip install 'earlyhelp_core[service]'). Every setting can also come from the "
        "environment (EARLYHELP_AUTHORITIES, EARLYHELP_HOST, EARLYHELP_PORT, "
        "EARLYHELP_MAX_BODY_BYTES, ...); a flag wins over its variable.",
    )
    p.add_argument(
        "--authority",
        action="append",
        metavar="ID|PATH",
        help="an authority to serve: a bundled or installed id, or a config file (repeat for "
        "several; default: EARLYHELP_AUTHORITIES, else every bundled and installed authority)",
    )
    p.add_argument(
        "--host",
        default=os.environ.get("EARLYHELP_HOST", "127.0.0.1"),
        help="the address to listen on (default: 127.0.0.1, this machine only)",
    )
    p.add_argument(
        "--port", type=int, default=_env_int("EARLYHELP_PORT", 8000), help="default: 8000"
    )
    p.add_argument(
        "--workers",
        type=int,
        default=_env_int("EARLYHELP_WORKERS", 1),
        help="worker processes (default: 1; each loads the authorities once)",
    )
    p.add_argument("--max-body-bytes", type=int, help="largest document body (default: 1 MiB)")
    p.add_argument(
        "--max-batch-bytes", type=int, help="largest assess:batch body (default: 32 MiB)"
    )
    p.add_argument(
        "--max-batch-records", type=int, help="most records in one assess:batch (default: 20,000)"
    )
    p.add_argument(
        "--body-seconds", type=float, help="longest a client may take to send a body (default: 30)"
    )
    p.add_argument(
        "--log-level",
        choices=("critical", "error", "warning", "info", "debug"),
        default="info",
        help="the server's log level (request bodies are never logged)",
    )
    p.add_argument(
        "--openapi",
        action="store_true",
        help="print the OpenAPI document and exit (committed as schemas/openapi.json)",
    )


def run(args: argparse.Namespace, out: TextIO) -> int:
    """Start the service (or print its OpenAPI document)."""
    error = UserError
    try:
        import uvicorn  # noqa: PLC0415  (the service extra loads only for this command)

        from ..service import ENV_AUTHORITIES, Served, create_app  # noqa: PLC0415
        from ..service._env import ENV_LIMITS  # noqa: PLC0415
    except ImportError as exc:
        raise error(
            f"earlyhelp serve needs the service extra: pip install 'earlyhelp_core[service]' "
            f"({exc.name} is not installed)"
        ) from None
    given = {
        "EARLYHELP_MAX_BODY_BYTES": args.max_body_bytes,
        "EARLYHELP_MAX_BATCH_BYTES": args.max_batch_bytes,
        "EARLYHELP_MAX_BATCH_RECORDS": args.max_batch_records,
        "EARLYHELP_BODY_SECONDS": args.body_seconds,
    }
    for name, value in given.items():
        if value is not None:
            if not value > 0:
                flag = "--" + ENV_LIMITS[name][0].replace("_", "-")
                raise error(f"{flag} must be greater than 0, found {value}")
            os.environ[name] = str(value)
    if args.authority:
        os.environ[ENV_AUTHORITIES] = ",".join(args.authority)
    specs = [s for s in os.environ.get(ENV_AUTHORITIES, "").split(",") if s.strip()]
    if args.openapi:
        document = create_app(Served.load([])).openapi()
        out.write(json.dumps(document, indent=2, ensure_ascii=False) + "\n")
        return EXIT_OK
    if args.workers < 1:
        raise error(f"--workers must be 1 or more, found {args.workers}")
    try:
        from ..service import limits_from_env  # noqa: PLC0415

        limits_from_env()
    except ValueError as exc:
        raise error(str(exc)) from None
    served = Served.load(specs)  # a config error shows here, once, before any worker starts
    print(
        f"earlyhelp serve: {', '.join(served.ids)} on http://{args.host}:{args.port} "
        f"({args.workers} worker{'s' if args.workers != 1 else ''})",
        file=out,
        flush=True,
    )
    uvicorn.run(
        "earlyhelp_core.service:app_from_env",
        factory=True,
        host=args.host,
        port=args.port,
        workers=args.workers,
        log_level=args.log_level,
    )
    return EXIT_OK
