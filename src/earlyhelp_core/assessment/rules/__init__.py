"""The built-in validation rules. Importing this package registers them, in code order.

One module per family of rules: consent, ages, the child's voice, the recorded level,
the statutory route, plans, referrals, Supporting Families, the statutory timescales
counted in working days, and the indicator cells and considerations of the authority's
threshold document; and whether the config was in force on the document's date.
"""

from . import (
    ages,
    cells,
    consent,
    in_force,
    plans,
    recorded_level,
    referrals,
    routes,
    statutory,
    supporting_families,
    timescales,
    voice,
)

__all__ = [
    "ages",
    "cells",
    "consent",
    "in_force",
    "plans",
    "recorded_level",
    "referrals",
    "routes",
    "statutory",
    "supporting_families",
    "timescales",
    "voice",
]
