"""Background work of the idea box: rebuilding a large organisation's duplicate index.

``idea_selectors.similarity_index`` queues :func:`rebuild_idea_index` when a large corpus changed
and keeps answering from the previous index meanwhile (see that module's docstring).
"""

from __future__ import annotations

from typing import Any

from django_tasks import task

from spaceforchange.core.models import Organization


@task()
def rebuild_idea_index(organization_id: int) -> dict[str, Any]:
    """Build the organisation's duplicate index for its current corpus, unless the cache already has it."""
    from django.core.cache import cache

    from spaceforchange.portfolio import idea_selectors

    organization = Organization.objects.filter(pk=organization_id).first()
    if organization is None:
        return {"organization": None}
    version = idea_selectors.corpus_version(organization)
    if isinstance(cache.get(idea_selectors.index_key(organization_id, version)), bytes):
        return {"organization": organization_id, "built": False}
    index = idea_selectors.build_index(organization, version)
    return {"organization": organization_id, "built": True, "documents": len(index)}
