"""What a service serves: the operator's authorities, fixed at start, and its limits."""

from __future__ import annotations

import os
from collections.abc import Iterable, Mapping, Sequence
from types import MappingProxyType

import attrs

from .._errors import UnknownIdError
from .._located import did_you_mean
from ..assessment._core import check_rule_overrides
from ..thresholds import Authority, list_authorities, load_authority

__all__ = ["ENV_AUTHORITIES", "Limits", "Served"]

ENV_AUTHORITIES = "EARLYHELP_AUTHORITIES"
"""The environment variable naming the served authorities (ids or config paths, separated
by commas), read by ``earlyhelp serve`` when no ``--authority`` is given."""

MiB = 1024 * 1024


@attrs.frozen
class Limits:
    """What one request may cost; a request over a limit is refused with a problem that
    names the limit (413 for a body, 408 for a body that arrives too slowly).

    Attributes:
        max_body_bytes: the largest document body (an assessment, plan or referral).
        max_batch_bytes: the largest JSON Lines body of ``assess:batch``.
        max_batch_records: the most records in one ``assess:batch`` body.
        body_seconds: the longest a client may take to send a body.
    """

    max_body_bytes: int = attrs.field(default=1 * MiB, validator=attrs.validators.gt(0))
    max_batch_bytes: int = attrs.field(default=32 * MiB, validator=attrs.validators.gt(0))
    max_batch_records: int = attrs.field(default=20_000, validator=attrs.validators.gt(0))
    body_seconds: float = attrs.field(default=30.0, validator=attrs.validators.gt(0))


def _by_id(authorities: Iterable[Authority]) -> Mapping[str, Authority]:
    found: dict[str, Authority] = {}
    for authority in authorities:
        if authority.id in found:
            raise ValueError(f"authority {authority.id!r} is given twice")
        found[authority.id] = authority
    if not found:
        raise ValueError("a service needs at least one authority")
    return MappingProxyType(found)


@attrs.frozen
class Served:
    """The authorities a service decides under, by id, in the order given.

    They are chosen by the operator when the service starts (``Served.load``, or
    ``earlyhelp serve --authority``): a request only ever names one of them by id and
    never makes the service read a file.
    """

    authorities: Mapping[str, Authority] = attrs.field(converter=_by_id)

    @classmethod
    def load(cls, specs: Sequence[str | os.PathLike[str]] = ()) -> Served:
        """Load the operator's authorities: ids of bundled or installed authorities, or
        config paths. With none given, every bundled and installed authority.

        Raises:
            LoadError: a config that cannot be loaded (with its located problems).
        """
        chosen = list(specs) or list_authorities()
        loaded = []
        for spec in chosen:
            authority = load_authority(spec)
            check_rule_overrides(authority)
            loaded.append(authority)
        return cls(loaded)

    @property
    def ids(self) -> tuple[str, ...]:
        """The served ids, in order."""
        return tuple(self.authorities)

    def get(self, authority_id: str) -> Authority:
        """The served authority ``authority_id``.

        Raises:
            UnknownIdError: it is not served (the message names the served ids).
        """
        try:
            return self.authorities[authority_id]
        except KeyError:
            hint = did_you_mean(authority_id, self.authorities)
            served = ", ".join(self.authorities)
            raise UnknownIdError(
                f"authority {authority_id[:64]!r} is not served{hint} (served: {served})"
            ) from None
