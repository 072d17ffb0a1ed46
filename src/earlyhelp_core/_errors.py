"""The exceptions earlyhelp_core raises, and the located problem they carry.

Two families, kept apart on purpose:

* errors in a user's *data* (a document, a config file) are :class:`LoadError`
  subclasses; each holds every :class:`Problem` found, located as
  ``file:line:col: path: message``;
* misuse of the API by a programmer (a wrong argument type) raises the usual
  ``TypeError`` / ``ValueError`` echoing the argument.

Messages never contain personal data (names, dates of birth, free text about a
family): they name ids, keys and paths only.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

__all__ = [
    "DocumentError",
    "EarlyHelpError",
    "LoadError",
    "Location",
    "Path",
    "Problem",
    "UnknownIdError",
    "quote",
    "render_path",
]

Path = tuple[str | int, ...]
"""A location inside a document: keys and list indexes, outermost first."""


_PLAIN_KEY = re.compile(r"[A-Za-z0-9_:/-][A-Za-z0-9_.:/-]{0,59}")


def quote(key: str, limit: int = 60) -> str:
    """A key as messages show it: quoted, escaped, and cut when longer than ``limit``."""
    return repr(key) if len(key) <= limit else repr(key[: limit - 3]) + "..."


def render_path(path: Sequence[str | int]) -> str:
    """Render ``("family", "members", 0, "date_of_birth")`` as ``family.members[0].date_of_birth``.

    The empty path (the document itself) renders as ``(document)``. A key that is not
    plain (spaces, control characters, more than 60 characters) is shown quoted, escaped
    and cut, so that a path is always one short line.
    """
    out: list[str] = []
    for part in path:
        if isinstance(part, int):
            out.append(f"[{part}]")
        elif not _PLAIN_KEY.fullmatch(str(part)):
            out.append(f"[{quote(str(part), 40)}]")
        elif out:
            out.append(f".{part}")
        else:
            out.append(str(part))
    return "".join(out) or "(document)"


@dataclass(frozen=True, slots=True, weakref_slot=True)
class Location:
    """Where something is: the file (``"<data>"`` for a mapping in memory), the line and
    column when known, and the path inside the data. Problems, invariant violations and
    findings each give one (``.location``)."""

    file: str = "<data>"
    line: int | None = None
    col: int | None = None
    path: Path = ()

    def __str__(self) -> str:
        """``file:line:col``, or as much of it as is known."""
        if self.line is None:
            return self.file
        if self.col is None:
            return f"{self.file}:{self.line}"
        return f"{self.file}:{self.line}:{self.col}"

    def to_dict(self) -> dict[str, object]:
        """Plain data, for JSON output."""
        return {"file": self.file, "line": self.line, "col": self.col, "path": list(self.path)}


@dataclass(frozen=True, slots=True, weakref_slot=True)
class Problem:
    """One thing wrong with a file or a mapping, with where it is.

    Attributes:
        message: one line saying what was found and what was expected.
        path: where inside the data, outermost first (empty for the whole document).
        source: the file name, or ``"<data>"`` for a mapping given in memory.
        line: 1-based line, when known.
        col: 1-based column, when known.
        kind: a stable machine id of the kind of problem (``"unknown-key"``,
            ``"duplicate-key"``, ``"type"``, ``"yaml-syntax"`` ...).
    """

    message: str
    path: Path = ()
    source: str = "<data>"
    line: int | None = None
    col: int | None = None
    kind: str = "invalid"

    @property
    def location(self) -> Location:
        """Where the problem is (``str()`` of it is ``file:line:col``)."""
        return Location(self.source, self.line, self.col, self.path)

    def __str__(self) -> str:
        return f"{self.location}: {render_path(self.path)}: {self.message}"

    def to_dict(self) -> dict[str, object]:
        """Plain data, for JSON output."""
        return {
            "source": self.source,
            "line": self.line,
            "col": self.col,
            "path": list(self.path),
            "kind": self.kind,
            "message": self.message,
        }


class EarlyHelpError(Exception):
    """Base class of every error earlyhelp_core raises on purpose."""


class LoadError(EarlyHelpError):
    """Data could not be loaded: holds every problem found, each located.

    ``str(error)`` is one line per problem, ``file:line:col: path: message``.
    """

    problems: tuple[Problem, ...]

    def __init__(self, problems: Iterable[Problem]) -> None:
        self.problems = tuple(
            sorted(
                problems,
                key=lambda p: (p.source, p.line or 0, p.col or 0, render_path(p.path), p.message),
            )
        )
        if not self.problems:
            raise ValueError(f"{type(self).__name__} needs at least one problem")
        super().__init__("\n".join(str(p) for p in self.problems))

    def __reduce__(self) -> tuple[type[LoadError], tuple[tuple[Problem, ...]]]:
        return (type(self), (self.problems,))


class DocumentError(LoadError):
    """An assessment, plan or referral is not valid."""


class UnknownIdError(EarlyHelpError, LookupError):
    """An id (factor, level, authority...) is not known; the message suggests close matches."""

    def __str__(self) -> str:
        # LookupError/KeyError would quote the message; show it as written.
        return str(self.args[0]) if self.args else ""
