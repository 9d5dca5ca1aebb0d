"""Short addresses of the API that answer with a permanent redirect to the canonical ones.

``/api/v1/o/{org_slug}/...`` mirrors the pages' ``/o/<org-slug>/...`` and the address the product
brief uses; the API's organisation resources live under ``/api/v1/organizations/{org_slug}/...``.
The redirect is a 308, so clients repeat the same method with the same body (a POST stays a
POST), and it keeps the query string. It reads nothing: whether the organisation and its object
exist, and whether the caller may see them, is decided at the canonical address, which answers
with the same 401, 403 and 404 problems as always.
"""

from __future__ import annotations

from django.http import HttpRequest, HttpResponsePermanentRedirect
from django.urls import get_script_prefix
from django.utils.encoding import escape_uri_path
from django.views.decorators.csrf import csrf_exempt

CANONICAL_PREFIX = "api/v1/organizations/"


# No CSRF check here: the redirect changes nothing, and a token-authenticated POST must reach the
# canonical address, where the API applies its own CSRF rule to session-authenticated writes.
@csrf_exempt
def organization_alias(request: HttpRequest, rest: str) -> HttpResponsePermanentRedirect:
    """308 to the same path and query under ``/api/v1/organizations/``, for every method."""
    target = escape_uri_path(f"{get_script_prefix()}{CANONICAL_PREFIX}{rest}")
    query = request.META.get("QUERY_STRING", "")
    return HttpResponsePermanentRedirect(f"{target}?{query}" if query else target, preserve_request=True)
