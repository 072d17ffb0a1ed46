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
    "MAX_PROBLEMS",
    "ConfigError",
    "DocumentError",
    "EarlyHelpError",
    "LoadError",
    "Location",
    "Path",
    "Problem",
    "UnknownIdError",
    "more_problems",
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


MAX_PROBLEMS = 200
"""At most this many problems are reported for one file (or one record): the first ones
say enough. The rest are counted, when the count is known, in one last problem of kind
``"truncated"``."""

_MORE = re.compile(r"([0-9,]+) more problems? (?:is|are) not shown")


def more_problems(count: int | None, source: str = "<data>", path: Path = ()) -> Problem:
    """The problem that stands for ``count`` problems not shown (None: how many is not
    known, because looking for them all would take too long)."""
    if count is None:
        what = "more problems are not shown"
    else:
        what = f"{count:,} more problem{' is' if count == 1 else 's are'} not shown"
    return Problem(
        f"{what}: at most {MAX_PROBLEMS} problems are reported for one file; fix these first",
        path,
        source,
        kind="truncated",
    )


def _capped(problems: Iterable[Problem]) -> tuple[Problem, ...]:
    """The problems sorted by where they are, at most :data:`MAX_PROBLEMS` of them, then one
    :func:`more_problems` for all those left out (merging any such problem given)."""
    kept: list[Problem] = []
    hidden: int | None = 0
    notes = 0
    for problem in problems:
        if problem.kind != "truncated":
            kept.append(problem)
            continue
        notes += 1
        counted = _MORE.match(problem.message)
        hidden = (
            None
            if counted is None or hidden is None
            else hidden + int(counted.group(1).replace(",", ""))
        )
    kept.sort(key=lambda p: (p.source, p.line or 0, p.col or 0, render_path(p.path), p.message))
    over = max(0, len(kept) - MAX_PROBLEMS)
    if not over and not notes:
        return tuple(kept)
    hidden = None if hidden is None else hidden + over
    source = kept[0].source if kept else "<data>"
    return (*kept[:MAX_PROBLEMS], more_problems(hidden, source))


class EarlyHelpError(Exception):
    """Base class of every error earlyhelp_core raises on purpose."""


class LoadError(EarlyHelpError):
    """Data could not be loaded: holds every problem found, each located.

    ``str(error)`` is one line per problem, ``file:line:col: path: message``. At most
    :data:`MAX_PROBLEMS` are kept, sorted by where they are; a last problem of kind
    ``"truncated"`` says how many more were found and not shown.
    """

    problems: tuple[Problem, ...]

    def __init__(self, problems: Iterable[Problem]) -> None:
        self.problems = _capped(problems)
        if not self.problems:
            raise ValueError(f"{type(self).__name__} needs at least one problem")
        super().__init__("\n".join(str(p) for p in self.problems))

    def __reduce__(self) -> tuple[type[LoadError], tuple[tuple[Problem, ...]]]:
        return (type(self), (self.problems,))


class ConfigError(LoadError):
    """An authority config is not valid; every problem is located."""


class DocumentError(LoadError):
    """An assessment, plan or referral is not valid."""


class UnknownIdError(EarlyHelpError, LookupError):
    """An id (factor, level, authority...) is not known; the message suggests close matches."""

    def __str__(self) -> str:
        # LookupError/KeyError would quote the message; show it as written.
        return str(self.args[0]) if self.args else ""
