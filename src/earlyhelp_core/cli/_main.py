"""The ``earlyhelp`` command.

Exit status: 0 when everything checked is valid; 1 when a document, config or argument
has a problem (each printed as ``file:line:col: path: message``, never a traceback);
2 for a usage error (unknown option, missing argument). With ``--format json``, a problem
that stops a command is printed on stdout as ``{"ok": false, "problems": [...]}``.
"""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Callable, Sequence
from typing import TextIO

from .._errors import LoadError, Problem, UnknownIdError
from .._version import __version__
from . import (
    _assess,
    _authorities,
    _check_config,
    _diff,
    _rules,
    _schema,
    _serve,
    _show,
    _translate,
    _validate,
    _vocabulary,
)
from ._common import COMMAND_LINE, EXIT_CLOSED_PIPE, EXIT_PROBLEMS, STDIN, UserError, dump
from ._jsonl import EXIT_INTERRUPTED

__all__ = ["COMMANDS", "build_parser", "main"]

_COMMANDS = (
    ("assess", _assess),
    ("validate", _validate),
    ("rules", _rules),
    ("check-config", _check_config),
    ("authorities", _authorities),
    ("show", _show),
    ("translate", _translate),
    ("diff", _diff),
    ("vocabulary", _vocabulary),
    ("schema", _schema),
    ("serve", _serve),
)
"""Each command and its module (``add_parser``, ``run``), in the order ``--help`` lists them."""

COMMANDS: dict[str, Callable[[argparse.Namespace, TextIO], int]] = {
    name: module.run for name, module in _COMMANDS
}
"""Each command and the function that runs it."""


def build_parser() -> argparse.ArgumentParser:
    """The argument parser (also used to generate the CLI reference)."""
    parser = argparse.ArgumentParser(
        prog="earlyhelp",
        description="Decide and check early help: classify assessments under an authority's "
        "threshold matrix, check documents and configs, look up the national needs vocabulary.",
    )
    parser.add_argument("--version", action="version", version=f"%(prog)s {__version__}")
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    for _, module in _COMMANDS:
        module.add_parser(sub)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; returns the exit status."""
    args = build_parser().parse_args(argv)
    try:
        status = COMMANDS[args.command](args, sys.stdout)
        sys.stdout.flush()  # a reader that went away shows here, not at exit
        return status
    except (UnknownIdError, UserError) as exc:
        kind = "unknown-id" if isinstance(exc, UnknownIdError) else "usage"
        _error(args, f"earlyhelp: error: {exc}", [Problem(str(exc), (), COMMAND_LINE, kind=kind)])
    except LoadError as exc:
        _error(args, str(exc), exc.problems)
    except KeyboardInterrupt:
        print("earlyhelp: interrupted", file=sys.stderr)
        return EXIT_INTERRUPTED
    except OSError as exc:  # e.g. a JSON Lines file that cannot be opened
        if isinstance(exc, BrokenPipeError):  # the reader (e.g. `| head`) went away
            os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
            return EXIT_CLOSED_PIPE
        name = str(exc.filename or "")
        problem = Problem(str(exc.strerror), (), name or COMMAND_LINE, kind="file")
        _error(args, f"earlyhelp: error: {name}: {exc.strerror}", [problem])
    except UnicodeDecodeError as exc:
        message = f"the input is not UTF-8 ({exc.reason})"
        _error(args, f"earlyhelp: error: {message}", [Problem(message, (), STDIN, kind="encoding")])
    return EXIT_PROBLEMS


def _error(args: argparse.Namespace, text: str, problems: Sequence[Problem]) -> None:
    """An error that stops the command: with ``--format json``, on stdout as
    ``{"ok": false, "problems": [...]}`` whatever the command (each problem as validate and
    check-config give them); otherwise ``text`` on stderr."""
    if getattr(args, "format", "text") != "json":
        print(text, file=sys.stderr)
        return
    try:
        dump({"ok": False, "problems": [p.to_dict() for p in problems]}, sys.stdout)
        sys.stdout.flush()
    except BrokenPipeError:  # the reader went away: the exit status still tells
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
