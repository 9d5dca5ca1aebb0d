"""Consultations: statements put to participants, their votes and the opinion map (FRAMEWORKS.md §5, Polis)."""
