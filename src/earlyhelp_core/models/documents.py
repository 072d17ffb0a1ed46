"""Reading documents: ``kind`` picks the model; every problem comes back located."""

from __future__ import annotations

import os
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, Final

from pydantic import ValidationError

from .._errors import DocumentError, Problem
from .._located import describe, did_you_mean, problems_from_validation
from .._reader import MAX_BYTES, SourceMap, read_path
from ..vocabulary import bundled
from .assessment import Assessment
from .plan import Plan
from .referral import Referral

if TYPE_CHECKING:
    from ..vocabulary import Vocabulary

__all__ = ["KINDS", "Document", "load_document", "parse_document"]

Document = Assessment | Plan | Referral
"""Any of the three documents."""

KINDS: Final[dict[str, type[Assessment] | type[Plan] | type[Referral]]] = {
    "early-help-assessment": Assessment,
    "plan": Plan,
    "referral": Referral,
}
"""Each document ``kind`` and its model."""

_KIND_NAMES: Final = ", ".join(repr(k) for k in KINDS)


def parse_document(
    data: Mapping[str, Any],
    *,
    source: str = "<data>",
    where: SourceMap | None = None,
    vocabulary: Vocabulary | None = None,
) -> Document:
    """Build the document that ``data['kind']`` names.

    Args:
        data: a mapping, as read from YAML or JSON.
        source: the file name to show in problems (``"<data>"`` by default).
        where: positions in the source text, when there is one.
        vocabulary: the needs vocabulary its factor ids (and their census codes) are
            checked against: the bundled one by default; pass ``authority.vocabulary`` for
            a matrix compiled against another.

    Raises:
        DocumentError: every problem found, each located.
    """

    def fail(message: str, path: tuple[str, ...], kind: str) -> DocumentError:
        pos = where.locate(path, key=False) if where is not None else None
        line, col = pos if pos is not None else (None, None)
        return DocumentError(
            [Problem(message=message, path=path, source=source, line=line, col=col, kind=kind)]
        )

    if not isinstance(data, Mapping):
        raise fail(f"expected a mapping with a `kind` key, found {describe(data)}", (), "type")
    if "kind" not in data:
        raise fail(f"missing required key 'kind' (one of {_KIND_NAMES})", (), "missing")
    kind = data["kind"]
    model = KINDS.get(kind) if isinstance(kind, str) else None
    if model is None:
        hint = did_you_mean(kind, KINDS) if isinstance(kind, str) else ""
        raise fail(
            f"expected one of {_KIND_NAMES}, found {describe(kind)}{hint}", ("kind",), "choice"
        )
    try:
        if vocabulary is None or vocabulary is bundled():  # the fields know its ids already
            return model.model_validate(data)
        return model.model_validate(data, context={"vocabulary": vocabulary})
    except ValidationError as exc:
        factors = vocabulary.ids() if vocabulary is not None else None
        raise DocumentError(
            problems_from_validation(exc, model, source=source, where=where, factors=factors)
        ) from None


def load_located(
    path: str | os.PathLike[str],
    *,
    max_bytes: int = MAX_BYTES,
    vocabulary: Vocabulary | None = None,
) -> tuple[Document, SourceMap]:
    """:func:`load_document`, also returning where each path of the document is in the file."""
    loaded = read_path(path, error=DocumentError, max_bytes=max_bytes)
    document = parse_document(
        loaded.data, source=loaded.source, where=loaded.where, vocabulary=vocabulary
    )
    return document, loaded.where


def load_document(
    path: str | os.PathLike[str],
    *,
    max_bytes: int = MAX_BYTES,
    vocabulary: Vocabulary | None = None,
) -> Document:
    """Read an assessment, plan or referral from a YAML or JSON file; ``vocabulary`` as for
    :func:`parse_document`.

    Raises:
        DocumentError: the file cannot be read or is not a valid document; every
            problem is located as ``file:line:col: path: message``.
    """
    return load_located(path, max_bytes=max_bytes, vocabulary=vocabulary)[0]
