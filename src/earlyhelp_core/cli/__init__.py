"""The ``earlyhelp`` command: ``main`` runs it, ``build_parser`` describes it."""

from ._main import EXIT_CLOSED_PIPE, EXIT_OK, EXIT_PROBLEMS, EXIT_USAGE, build_parser, main

__all__ = ["EXIT_CLOSED_PIPE", "EXIT_OK", "EXIT_PROBLEMS", "EXIT_USAGE", "build_parser", "main"]
