"""The ``earlyhelp`` command: ``main`` runs it, ``build_parser`` describes it. Each command
is a module of its own (``_assess``, ``_validate``, ...) with ``add_parser`` and ``run``;
``_common`` holds what they share."""

from ._common import EXIT_CLOSED_PIPE, EXIT_OK, EXIT_PROBLEMS, EXIT_USAGE
from ._main import build_parser, main

__all__ = ["EXIT_CLOSED_PIPE", "EXIT_OK", "EXIT_PROBLEMS", "EXIT_USAGE", "build_parser", "main"]
