"""Background recomputation of tension indexes.

The ``legitimacy`` app records judgments of policies; it calls :func:`tension_may_have_changed`
inside the transaction that recorded one, and once it commits ``sfc worker`` stores the policy's
index for today and re-evaluates the organisation's warnings. Several judgments in one
transaction queue one recomputation per policy.
"""

from __future__ import annotations

from typing import Any

from django_tasks import task

from spaceforchange.core.models import Organization
from spaceforchange.core.tasks import enqueue_on_commit


def tension_may_have_changed(organization_id: int, policy_id: int | None = None) -> None:
    """Queue a recomputation of one policy's index (or every policy's) once the current transaction commits."""
    enqueue_on_commit(recompute_tension, organization_id=organization_id, policy_id=policy_id)


@task()
def recompute_tension(organization_id: int, policy_id: int | None = None) -> dict[str, Any]:
    """Store today's index of the policy (or of all the organisation's policies); returns index and level per id."""
    from spaceforchange.policies import services
    from spaceforchange.policies.models import Policy

    organization = Organization.objects.filter(pk=organization_id).first()
    if organization is None:
        return {"organization": None}
    policy = Policy.objects.filter(organization=organization, pk=policy_id).first() if policy_id else None
    if policy_id and policy is None:
        return {"organization": organization.slug, "policies": {}}
    computed = services.compute_tension(organization=organization, policy=policy)
    return {
        "organization": organization.slug,
        "policies": {str(pk): [result.index, result.level] for pk, result in computed.items()},
    }
