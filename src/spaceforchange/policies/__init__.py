"""Policies: the policy register, enforcers' scrutiny reports and the tension index (FRAMEWORKS.md §5)."""
