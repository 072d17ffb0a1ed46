"""The built-in validation rules. Importing this package registers them, in code order.

One module per family of rules: consent, ages, the child's voice, the recorded level,
the statutory route, plans, referrals and Supporting Families.
"""

from . import (
    ages,
    consent,
    plans,
    recorded_level,
    referrals,
    statutory,
    supporting_families,
    voice,
)

__all__ = [
    "ages",
    "consent",
    "plans",
    "recorded_level",
    "referrals",
    "statutory",
    "supporting_families",
    "voice",
]
