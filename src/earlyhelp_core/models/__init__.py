"""Pydantic models of the documents earlyhelp_core reads: assessments, plans, referrals."""

from .assessment import Assessment, Consent, RecordedLevel, Voice
from .documents import KINDS, Document, load_document, parse_document
from .family import FactorObservation, Family, Member, Professional, Role, Send
from .plan import Action, ActionStatus, Outcome, Plan, Progress, Review, Step, StepDirection, Travel
from .referral import Referral, ReferralDecision, Referrer, SupportTried

__all__ = [
    "KINDS",
    "Action",
    "ActionStatus",
    "Assessment",
    "Consent",
    "Document",
    "FactorObservation",
    "Family",
    "Member",
    "Outcome",
    "Plan",
    "Professional",
    "Progress",
    "RecordedLevel",
    "Referral",
    "ReferralDecision",
    "Referrer",
    "Review",
    "Role",
    "Send",
    "Step",
    "StepDirection",
    "SupportTried",
    "Travel",
    "Voice",
    "load_document",
    "parse_document",
]
