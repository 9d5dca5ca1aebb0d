"""Legitimacy management (issue #5; FRAMEWORKS.md §2–§4): stakeholders, their judgments of each
initiative and policy, legitimation actions and the gray-zone register.

The pure rules (current judgments, heat map, organisation view, timeline, strategy suggestions,
the gray-zone approval rule and the legitimacy warnings) live in the ``domain`` package, without Django.
"""
