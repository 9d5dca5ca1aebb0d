"""Who may do what with policies and their scrutiny reports.

FRAMEWORKS.md §5: a policy has a policy manager who looks after it over its life, and the people
who apply it report what strains it. So any member files a scrutiny report; the policy's manager
answers it. Registering a policy is an organisation-wide act of innovation leads, leaders and
administrators; they and the manager keep it up to date and record its signals. A report can name
a colleague's practice or a unit's trouble, so the reports of a policy are read by those who act
on them (the manager, innovation leads, leaders), by oversight, which reads everything, and by
each reporter for their own.
"""

from __future__ import annotations

from typing import Any

import rules

from spaceforchange.core.permissions import is_admin, is_innovation_lead, is_leader, is_member, is_oversight


def _policy_of(obj: Any) -> Any:
    """The policy ``obj`` is or belongs to (a scrutiny report, a signal), else None."""
    if obj is None:
        return None
    if hasattr(obj, "manager_id"):
        return obj
    return getattr(obj, "policy", None)


@rules.predicate
def manages_policy(user: Any, obj: Any = None) -> bool:
    policy = _policy_of(obj)
    return policy is not None and policy.manager_id is not None and policy.manager_id == getattr(user, "pk", None)


@rules.predicate
def filed_report(user: Any, report: Any = None) -> bool:
    return report is not None and getattr(report, "reported_by_id", None) == getattr(user, "pk", None)


registers_policies = is_innovation_lead | is_leader | is_admin
reads_reports = is_innovation_lead | is_leader | is_oversight | (is_member & manages_policy)

rules.add_perm("policies.view_policies", is_member)
rules.add_perm("policies.add_policy", registers_policies)
rules.add_perm("policies.change_policy", registers_policies | (is_member & manages_policy))
rules.add_perm("policies.record_signal", registers_policies | (is_member & manages_policy))
rules.add_perm("policies.file_report", is_member)
rules.add_perm("policies.answer_report", is_member & manages_policy)
# Checked on a policy (all its reports) or on one report (also its reporter).
rules.add_perm("policies.view_reports", reads_reports)
rules.add_perm("policies.view_report", reads_reports | (is_member & filed_report))
