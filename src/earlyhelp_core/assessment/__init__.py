"""Validation of assessments, plans and referrals against an authority's policy."""
