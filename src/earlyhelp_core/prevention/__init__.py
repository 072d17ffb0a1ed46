"""Munro's levels of prevention and the social-care response of each level."""
