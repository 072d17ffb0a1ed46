"""The setup hook Hypothesis calls through its ``hypothesis`` entry point.

It lives apart, and imports everything it needs when called, because Hypothesis runs its
entry points while ``hypothesis`` itself is being imported: when a test module's first
Hypothesis import is ``from earlyhelp_core.testing import ...``, Hypothesis finds
``earlyhelp_core.testing`` half-imported and calls this hook before the package's own
imports have run. The package defines the hook first, so it is always there.
"""

from __future__ import annotations

__all__ = ["_hypothesis_setup_hook"]


def _hypothesis_setup_hook() -> None:
    """Register the strategies for ``st.from_type`` (called by Hypothesis's entry point).

    ``Assessment``, ``Plan``, ``Referral``, ``Family``, ``Member``, ``AuthorityConfig``
    and ``Authority`` resolve to this package's strategies.
    """
    from hypothesis import strategies as st  # noqa: PLC0415 - see the module docstring

    from ..models import Assessment, Family, Member, Plan, Referral  # noqa: PLC0415
    from ..thresholds import Authority, AuthorityConfig  # noqa: PLC0415
    from ._configs import authorities, authority_configs  # noqa: PLC0415
    from ._documents import (  # noqa: PLC0415
        _families,
        assessments,
        families,
        plans,
        referrals,
    )

    st.register_type_strategy(Family, families())
    st.register_type_strategy(Member, _families().flatmap(lambda f: st.sampled_from(f.members)))
    st.register_type_strategy(Assessment, assessments())
    st.register_type_strategy(Plan, plans())
    st.register_type_strategy(Referral, referrals())
    st.register_type_strategy(AuthorityConfig, authority_configs())
    st.register_type_strategy(Authority, authorities())
